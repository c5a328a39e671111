package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/accordsdk/accord/pairing"
)

func init() { register(50, "pairing", tourPairing) }

// tourPairing runs the example's flow in one process on an in-memory
// network: a pocket creates a swarm, two zones accept it with the codes on
// their screens (one after a mistyped code), one zone calls the other's lamp
// on the swarm channel, a replay is refused, and a rotation leaves a zone
// out.
func tourPairing(ctx context.Context, r *report) error {
	net := pairing.NewMemNetwork()
	pocket, err := pairing.OpenDevice(filepath.Join(r.dir, "pocket"), pairing.RolePocket, "Pocket")
	if err != nil {
		return err
	}
	r.step("%s", pocket.Status())
	if _, err := pocket.Create(); err != nil {
		return err
	}
	r.verified("%s", pocket.Status())

	pairZone := func(name string, typos int) (*pairing.Device, error) {
		z, err := pairing.OpenDevice(filepath.Join(r.dir, name), pairing.RoleZone, name)
		if err != nil {
			return nil, err
		}
		give, err := pocket.Grant()
		if err != nil {
			return nil, err
		}
		screen := make(chan pairing.Code, 4)
		type result struct {
			g   *pairing.Grant
			err error
		}
		done := make(chan result, 1)
		pctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		go func() {
			g, err := pairing.AcceptFromPocket(pctx, net.Attach(), z.Identity(),
				pairing.AcceptCallbacks{DisplayCode: func(c pairing.Code) { screen <- c }})
			done <- result{g, err}
		}()
		var shown pairing.Code
		tries := 0
		_, err = pairing.DeliverToPending(pctx, net.Attach(), pocket.Identity(), give, pairing.DeliverCallbacks{
			CodePrompt: func(pairing.Pending) (string, error) {
				if shown == "" {
					shown = <-screen
					r.step("zone %s shows code %s (it never goes on the network)", name, shown)
				}
				tries++
				if tries <= typos {
					return "ZZZZ-ZZZ2", nil
				}
				return string(shown), nil
			},
			CodeInvalid: func(msg string) { r.verified("a mistyped code is refused on both sides: %s", msg) },
		}, 0)
		if err != nil {
			return nil, err
		}
		res := <-done
		if res.err != nil {
			return nil, res.err
		}
		if res.g.Secret != give.Secret {
			return nil, errors.New("the zone received another secret")
		}
		if err := z.Join(*res.g); err != nil {
			return nil, err
		}
		r.verified("%s", z.Status())
		return z, nil
	}
	kitchen, err := pairZone("Kitchen", 0)
	if err != nil {
		return err
	}
	garage, err := pairZone("Garage", 1)
	if err != nil {
		return err
	}

	// The devices rejoin the swarm from their stored state.
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	var nodes []*pairing.Node
	var waits []chan struct{}
	defer func() {
		stop()
		for _, w := range waits {
			<-w
		}
	}()
	tr := map[string]pairing.Transport{}
	for _, d := range []*pairing.Device{pocket, kitchen, garage} {
		tr[d.Identity().Label] = net.Attach()
	}
	// Record the first message the garage sends to the kitchen.
	var mu sync.Mutex
	var taps [][]byte
	net.Tap(func(from, to pairing.Addr, proto pairing.Proto, data []byte) {
		mu.Lock()
		defer mu.Unlock()
		if proto == pairing.ProtoSwarm && from == tr["Garage"].Addr() && to == tr["Kitchen"].Addr() && len(taps) < 1 {
			taps = append(taps, append([]byte(nil), data...))
		}
	})
	for _, d := range []*pairing.Device{pocket, kitchen, garage} {
		t := tr[d.Identity().Label]
		n, err := d.Start(sctx, t, nil, pairing.WithAnnounceInterval(100*time.Millisecond))
		if err != nil {
			return err
		}
		w := make(chan struct{})
		go func() { n.Run(sctx); close(w) }()
		nodes = append(nodes, n)
		waits = append(waits, w)
	}
	pn, kn, gn := nodes[0], nodes[1], nodes[2]
	level := 0
	kn.Serve("lamp", "light", map[string]pairing.Method{
		"set": func(_ context.Context, args []json.RawMessage) (any, error) {
			if len(args) != 1 {
				return nil, fmt.Errorf("set takes 1 argument")
			}
			if err := json.Unmarshal(args[0], &level); err != nil {
				return nil, err
			}
			return map[string]int{"level": level}, nil
		},
	})
	kid := kitchen.Identity().ComputerID
	var out json.RawMessage
	for i := 0; ; i++ {
		cctx, cancel := context.WithTimeout(sctx, 300*time.Millisecond)
		out, err = gn.Call(cctx, kid, "lamp", "set", 7)
		cancel()
		if err == nil || i > 30 {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("garage calls kitchen's lamp: %w", err)
	}
	r.verified("Garage called Kitchen's lamp over the encrypted swarm channel: %s", out)

	// A replayed message is dropped by the receiver.
	before := kn.Stats().Dropped[pairing.ErrReplay.Error()]
	mu.Lock()
	n := len(taps)
	mu.Unlock()
	if n != 1 {
		return errors.New("no message from the garage to the kitchen was seen")
	}
	{
		net.Inject(tr["Garage"].Addr(), tr["Kitchen"].Addr(), pairing.ProtoSwarm, taps[0])
		deadline := time.Now().Add(2 * time.Second)
		for kn.Stats().Dropped[pairing.ErrReplay.Error()] == before && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if kn.Stats().Dropped[pairing.ErrReplay.Error()] == before {
			return errors.New("a replayed swarm message was not refused")
		}
		r.verified("a replayed swarm message is refused")
	}

	// The pocket rotates the secret, leaving the garage out.
	for len(pn.Members()) < 2 {
		time.Sleep(20 * time.Millisecond)
	}
	rctx, cancel := context.WithTimeout(sctx, 5*time.Second)
	rep, err := pn.Rotate(rctx, garage.Identity().ComputerID)
	cancel()
	if err != nil {
		return err
	}
	if len(rep.Rekeyed) != 1 || rep.Rekeyed[0] != kid {
		return fmt.Errorf("rotation reached %v, want only %s", rep.Rekeyed, kid)
	}
	r.verified("rotation to epoch %d reached Kitchen and left Garage out (%v)", rep.Epoch, rep.Excluded)
	if kitchen.Config().Network.Epoch != rep.Epoch || garage.Config().Network.Epoch == rep.Epoch {
		return errors.New("the rotation was not stored as expected")
	}
	r.verified("Kitchen stored epoch %d; Garage still holds only epoch %d", kitchen.Config().Network.Epoch, garage.Config().Network.Epoch)
	return nil
}
