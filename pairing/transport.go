package pairing

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
)

// A Proto names one of the two protocols that share a transport.
type Proto byte

const (
	// ProtoPair carries pairing messages ([Message]); its datagrams start
	// with the byte 'P'.
	ProtoPair Proto = 'P'
	// ProtoSwarm carries swarm envelopes; its datagrams start with 'S'.
	ProtoSwarm Proto = 'S'
)

func (p Proto) String() string {
	switch p {
	case ProtoPair:
		return "pair"
	case ProtoSwarm:
		return "swarm"
	}
	return "proto(" + strconv.Itoa(int(p)) + ")"
}

// MaxPacket is the largest message a transport carries.
const MaxPacket = 60 << 10

// An Addr is a transport address ("127.0.0.1:47800" for UDP).
type Addr string

// A Packet is one message received from a transport.
type Packet struct {
	From  Addr
	Proto Proto
	Data  []byte
}

// A Transport moves messages between devices, like a radio network: a
// message can go to everyone in reach or to one address. Delivery is best
// effort (messages may be lost, duplicated or reordered); the pairing flows
// retransmit and the swarm channel refuses duplicates and reordering.
// Implementations are safe for concurrent use.
type Transport interface {
	// Broadcast sends data to every other device in reach.
	Broadcast(proto Proto, data []byte) error
	// Send sends data to one device.
	Send(to Addr, proto Proto, data []byte) error
	// Receive returns the next message of proto, waiting until one
	// arrives, ctx is done ([context.Cause]) or the transport is closed
	// ([ErrClosed]).
	Receive(ctx context.Context, proto Proto) (Packet, error)
	// Addr returns this device's own address.
	Addr() Addr
	// Close stops the transport; blocked Receive calls return [ErrClosed].
	Close() error
}

// ErrClosed is returned by a closed transport.
var ErrClosed = errors.New("pairing: transport closed")

// inbox queues received packets per protocol; when a queue is full the
// newest packet is dropped, as a radio would lose it.
type inbox struct {
	queues [2]chan Packet
	done   chan struct{}
	once   sync.Once
}

const inboxDepth = 1024

func newInbox() *inbox {
	return &inbox{queues: [2]chan Packet{make(chan Packet, inboxDepth), make(chan Packet, inboxDepth)}, done: make(chan struct{})}
}

func (in *inbox) queue(p Proto) chan Packet {
	switch p {
	case ProtoPair:
		return in.queues[0]
	case ProtoSwarm:
		return in.queues[1]
	}
	return nil
}

// put queues p, or drops it if its queue is full or its proto unknown.
func (in *inbox) put(p Packet) {
	q := in.queue(p.Proto)
	if q == nil {
		return
	}
	select {
	case q <- p:
	default:
	}
}

func (in *inbox) receive(ctx context.Context, proto Proto) (Packet, error) {
	q := in.queue(proto)
	if q == nil {
		return Packet{}, fmt.Errorf("pairing: receive: unknown proto %v", proto)
	}
	select {
	case p := <-q:
		return p, nil
	case <-in.done:
		return Packet{}, ErrClosed
	case <-ctx.Done():
		return Packet{}, context.Cause(ctx)
	}
}

func (in *inbox) close() { in.once.Do(func() { close(in.done) }) }

// A MemNetwork is an in-memory radio network for tests and single-process
// demonstrations. Devices attach with [MemNetwork.Attach]; a tap sees every
// message sent, and a device can be taken out of reach and brought back.
type MemNetwork struct {
	mu      sync.Mutex
	ends    map[Addr]*memEnd
	next    int
	tap     func(from, to Addr, proto Proto, data []byte)
	offline map[Addr]bool
}

// NewMemNetwork returns an empty in-memory network.
func NewMemNetwork() *MemNetwork {
	return &MemNetwork{ends: make(map[Addr]*memEnd), offline: make(map[Addr]bool)}
}

// Attach adds a device and returns its transport, with an address of the
// form "mem:1".
func (n *MemNetwork) Attach() Transport {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.next++
	e := &memEnd{net: n, addr: Addr("mem:" + strconv.Itoa(n.next)), in: newInbox()}
	n.ends[e.addr] = e
	return e
}

// Tap calls f with every message sent on the network (to is "" for a
// broadcast), before delivery. f must not call back into the network.
func (n *MemNetwork) Tap(f func(from, to Addr, proto Proto, data []byte)) {
	n.mu.Lock()
	n.tap = f
	n.mu.Unlock()
}

// SetOffline takes the device at addr out of reach (it neither sends nor
// receives) or brings it back.
func (n *MemNetwork) SetOffline(addr Addr, offline bool) {
	n.mu.Lock()
	n.offline[addr] = offline
	n.mu.Unlock()
}

// Inject delivers data to the device at to as if from sent it (tests use it
// to replay and forge messages).
func (n *MemNetwork) Inject(from, to Addr, proto Proto, data []byte) {
	n.mu.Lock()
	e := n.ends[to]
	n.mu.Unlock()
	if e != nil {
		e.in.put(Packet{From: from, Proto: proto, Data: append([]byte(nil), data...)})
	}
}

func (n *MemNetwork) deliver(from Addr, to Addr, proto Proto, data []byte) error {
	if len(data) > MaxPacket {
		return fmt.Errorf("pairing: message of %d bytes, want at most %d", len(data), MaxPacket)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.tap != nil {
		n.tap(from, to, proto, data)
	}
	if n.offline[from] {
		return nil
	}
	for addr, e := range n.ends {
		if addr == from || n.offline[addr] || (to != "" && addr != to) {
			continue
		}
		e.in.put(Packet{From: from, Proto: proto, Data: append([]byte(nil), data...)})
	}
	return nil
}

type memEnd struct {
	net  *MemNetwork
	addr Addr
	in   *inbox
}

func (e *memEnd) Broadcast(proto Proto, data []byte) error {
	return e.net.deliver(e.addr, "", proto, data)
}
func (e *memEnd) Send(to Addr, proto Proto, data []byte) error {
	if to == "" {
		return errors.New("pairing: send to an empty address")
	}
	return e.net.deliver(e.addr, to, proto, data)
}
func (e *memEnd) Receive(ctx context.Context, proto Proto) (Packet, error) {
	return e.in.receive(ctx, proto)
}
func (e *memEnd) Addr() Addr { return e.addr }
func (e *memEnd) Close() error {
	e.net.mu.Lock()
	delete(e.net.ends, e.addr)
	e.net.mu.Unlock()
	e.in.close()
	return nil
}
