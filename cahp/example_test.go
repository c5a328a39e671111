package cahp_test

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"time"

	"github.com/accordsdk/accord/cahp"
	"github.com/accordsdk/accord/envelope"
)

func key(seed byte) envelope.Signer {
	s := make([]byte, ed25519.SeedSize)
	s[0] = seed
	return envelope.NewEd25519Signer(ed25519.NewKeyFromSeed(s))
}

// A metabolic responder lets in an open-weight initiator: each pins the
// other's key, each proves its kind, and the initiator gets a ticket.
func Example() {
	ctx := context.Background()
	// The open-weight agent's model: one file, committed once.
	dir, _ := os.MkdirTemp("", "model")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "weights.bin"), make([]byte, 200_000), 0o644)
	model, err := cahp.CommitWeights(ctx, dir)
	if err != nil {
		panic(err)
	}
	// The metabolic agent burns on a chain; an in-memory one here.
	chain, _ := cahp.NewMemoryBurns("eip155:31337")

	initKey, respKey := key(1), key(2)
	initPeers, respPeers := envelope.NewKeyRing(), envelope.NewKeyRing()
	initPeers.Add(respKey.PublicKey())
	respPeers.Add(initKey.PublicKey())
	policy := cahp.DefaultPolicy()
	policy.Chains = map[string]cahp.ChainPolicy{"eip155:31337": {MinBurn: big.NewInt(1000), MinConfirmations: 2}}
	policy.ModelRoots = []string{model.Root()}
	policy.Capabilities = []string{"chat"}

	responder, err := cahp.NewResponder(respKey, cahp.WithPeers(respPeers), cahp.WithPolicy(policy),
		cahp.WithBurner(chain.Burner(big.NewInt(2000), 2)), cahp.WithBurnVerifier("eip155:31337", chain))
	if err != nil {
		panic(err)
	}
	initiator, err := cahp.NewInitiator(initKey, cahp.WithPeers(initPeers), cahp.WithPolicy(policy),
		cahp.WithWeights(model), cahp.WithBurnVerifier("eip155:31337", chain))
	if err != nil {
		panic(err)
	}
	session, err := initiator.Handshake(ctx, cahp.NewMemoryTransport(responder), cahp.OnPhase(func(e cahp.PhaseEvent) {
		fmt.Printf("%s: sent %d, received %d\n", e.Phase, len(e.Sent), len(e.Received))
	}))
	if err != nil {
		panic(err)
	}
	ticket, err := cahp.VerifyTicket(session.Ticket, initPeers, respPeers, time.Now())
	if err != nil {
		panic(err)
	}
	fmt.Println("responder kind:", session.PeerKind)
	fmt.Println("ticket capabilities:", ticket.Capabilities, "trust score:", ticket.TrustScore)
	// Output:
	// discovery: sent 1, received 1
	// proof: sent 1, received 1
	// challenge: sent 1, received 2
	// response: sent 1, received 1
	// responder kind: metabolic
	// ticket capabilities: [chat] trust score: 100
}

// Solving and checking a hashcash challenge.
func ExampleSolveHashcash() {
	prefix, session := []byte("0123456789abcdef"), []byte("sixteen-byte-sid")
	nonce, sum, err := cahp.SolveHashcash(context.Background(), prefix, session, 12)
	if err != nil {
		panic(err)
	}
	_, err = cahp.VerifyHashcash(prefix, session, 12, nonce)
	fmt.Println(err == nil, sum[0], sum[1]>>4)
	// Output: true 0 0
}
