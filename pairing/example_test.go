package pairing_test

import (
	"context"
	"fmt"
	"time"

	"github.com/accordsdk/accord/pairing"
)

func ExampleParseCode() {
	c, err := pairing.ParseCode("abcd efgh")
	fmt.Println(c, err)
	_, err = pairing.ParseCode("ABCD-EFG0")
	fmt.Println(err)
	// Output:
	// ABCD-EFGH <nil>
	// pairing: not a pairing code: symbol '0' is not in the code alphabet
}

// A zone accepts the swarm from a pocket: the person reads the code on the
// zone and types it on the pocket.
func ExampleAcceptFromPocket() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	net := pairing.NewMemNetwork()
	zoneNet, pocketNet := net.Attach(), net.Attach()
	screen := make(chan pairing.Code, 1)
	type result struct {
		g   *pairing.Grant
		err error
	}
	done := make(chan result, 1)
	go func() {
		g, err := pairing.AcceptFromPocket(ctx, zoneNet, pairing.Identity{ComputerID: "zone-1", Label: "Kitchen"},
			pairing.AcceptCallbacks{DisplayCode: func(c pairing.Code) { screen <- c }})
		done <- result{g, err}
	}()
	give := pairing.Grant{Secret: pairing.NewSecret(), Swarm: "home", Epoch: 1, ZoneID: "pocket-1", ZoneName: "Pocket"}
	zone, err := pairing.DeliverToPending(ctx, pocketNet, pairing.Identity{ComputerID: "pocket-1", Label: "Pocket"}, give,
		pairing.DeliverCallbacks{
			CodePrompt: func(z pairing.Pending) (string, error) { return string(<-screen), nil }, // the person types it
			Complete:   func(label string) { fmt.Println("paired", label) },
		}, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	r := <-done
	fmt.Println(zone.Label, r.err, r.g.Swarm, r.g.Epoch, r.g.Secret == give.Secret)
	// Output:
	// paired Kitchen
	// Kitchen <nil> home 1 true
}

// Two members of a swarm exchange a message on the swarm channel.
func ExampleChannel() {
	g := pairing.Grant{Secret: pairing.NewSecret(), Swarm: "home", Epoch: 1}
	a, _ := pairing.NewChannel("zone-1", g)
	b, _ := pairing.NewChannel("zone-2", g, pairing.WithStartupFence(time.Time{}))
	msg, _ := a.Seal(pairing.KindPeriphCall, "zone-2", pairing.PeriphCall{RequestID: "r1", Peripheral: "lamp", Method: "get"})
	r, err := b.Open(msg)
	fmt.Println(r.Kind, r.From, r.To, err)
	_, err = b.Open(msg)
	fmt.Println(err != nil)
	// Output:
	// PERIPH_CALL zone-1 zone-2 <nil>
	// true
}
