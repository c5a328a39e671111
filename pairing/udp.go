package pairing

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
)

// UDPTransport is a [Transport] over UDP, for loopback and LAN. Each
// datagram is one message: a protocol byte ('P' or 'S') and the message.
// Broadcast sends one datagram to each broadcast address: a LAN's broadcast
// address ("192.168.1.255:47800"), or on one machine the ports of the other
// devices (see [ListenLoopback]).
type UDPTransport struct {
	conn      *net.UDPConn
	broadcast []*net.UDPAddr
	in        *inbox
	wg        sync.WaitGroup
}

// ListenUDP listens on listen ("host:port") and broadcasts to the given
// addresses (its own address among them is skipped).
func ListenUDP(listen string, broadcast ...string) (*UDPTransport, error) {
	lc := net.ListenConfig{Control: allowBroadcast}
	pc, err := lc.ListenPacket(context.Background(), "udp", listen)
	if err != nil {
		return nil, fmt.Errorf("pairing: udp: %w", err)
	}
	conn := pc.(*net.UDPConn)
	u := &UDPTransport{conn: conn, in: newInbox()}
	self := conn.LocalAddr().(*net.UDPAddr)
	for _, b := range broadcast {
		a, err := net.ResolveUDPAddr("udp", b)
		if err != nil {
			conn.Close()
			return nil, fmt.Errorf("pairing: udp: broadcast address %q: %w", b, err)
		}
		if a.Port == self.Port && a.IP.Equal(self.IP) {
			continue
		}
		u.broadcast = append(u.broadcast, a)
	}
	u.wg.Add(1)
	go u.read()
	return u, nil
}

// ListenLoopback listens on the first free port of 127.0.0.1:base to
// base+slots-1 and broadcasts to the others: up to slots devices on one
// machine reach each other.
func ListenLoopback(base, slots int) (*UDPTransport, error) {
	if base < 1 || slots < 1 || base+slots > 65536 {
		return nil, fmt.Errorf("pairing: udp: ports %d+%d", base, slots)
	}
	all := make([]string, slots)
	for i := range all {
		all[i] = "127.0.0.1:" + strconv.Itoa(base+i)
	}
	var last error
	for _, a := range all {
		u, err := ListenUDP(a, all...)
		if err == nil {
			return u, nil
		}
		last = err
	}
	return nil, fmt.Errorf("pairing: udp: no free port in %d..%d: %w", base, base+slots-1, last)
}

func (u *UDPTransport) read() {
	defer u.wg.Done()
	buf := make([]byte, MaxPacket+1)
	for {
		n, from, err := u.conn.ReadFromUDP(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		if n < 2 || n > MaxPacket {
			continue
		}
		u.in.put(Packet{From: Addr(from.String()), Proto: Proto(buf[0]), Data: append([]byte(nil), buf[1:n]...)})
	}
}

func (u *UDPTransport) write(to *net.UDPAddr, proto Proto, data []byte) error {
	if len(data) > MaxPacket-1 {
		return fmt.Errorf("pairing: udp: message of %d bytes, want at most %d", len(data), MaxPacket-1)
	}
	b := make([]byte, 0, len(data)+1)
	b = append(append(b, byte(proto)), data...)
	_, err := u.conn.WriteToUDP(b, to)
	return err
}

// Broadcast sends data to every broadcast address.
func (u *UDPTransport) Broadcast(proto Proto, data []byte) error {
	var errs []error
	for _, a := range u.broadcast {
		if err := u.write(a, proto, data); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) == len(u.broadcast) && len(errs) > 0 {
		return fmt.Errorf("pairing: udp broadcast: %w", errors.Join(errs...))
	}
	return nil
}

// Send sends data to one address.
func (u *UDPTransport) Send(to Addr, proto Proto, data []byte) error {
	a, err := net.ResolveUDPAddr("udp", string(to))
	if err != nil {
		return fmt.Errorf("pairing: udp: address %q: %w", to, err)
	}
	return u.write(a, proto, data)
}

// Receive returns the next message of proto.
func (u *UDPTransport) Receive(ctx context.Context, proto Proto) (Packet, error) {
	return u.in.receive(ctx, proto)
}

// Addr returns the address the transport listens on.
func (u *UDPTransport) Addr() Addr { return Addr(u.conn.LocalAddr().String()) }

// Close closes the socket and ends blocked Receive calls.
func (u *UDPTransport) Close() error {
	err := u.conn.Close()
	u.in.close()
	u.wg.Wait()
	return err
}
