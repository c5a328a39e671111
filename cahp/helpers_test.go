package cahp

import (
	"context"
	"crypto/ed25519"
	"math/big"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/accordsdk/accord/envelope"
	"github.com/stretchr/testify/require"
)

const testChain = "eip155:31337"

// testKey returns a fixed Ed25519 signer.
func testKey(seed byte) envelope.Signer {
	s := make([]byte, ed25519.SeedSize)
	for i := range s {
		s[i] = seed
	}
	return envelope.NewEd25519Signer(ed25519.NewKeyFromSeed(s))
}

// testClock is a clock tests move by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock { return &testClock{t: time.Unix(1767657600, 0)} }

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// writeWeights writes a small model of n bytes in two files under a new
// directory.
func writeWeights(t testing.TB, n int) string {
	dir := t.TempDir()
	data := make([]byte, n)
	for i := range data {
		data[i] = byte(i*7 + i>>8)
	}
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "layers"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "layers", "0.bin"), data[:n/3], 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.json"), data[n/3:], 0o644))
	return dir
}

// fixture is a responder and an initiator that pin each other.
type fixture struct {
	clock           *testClock
	burns           *MemoryBurns
	weights         *Weights
	initKey, rKey   envelope.Signer
	initRing, rRing *envelope.KeyRing
	init            *Initiator
	resp            *Responder
	sessions        chan *Session
}

type fixtureOpts struct {
	initKind, respKind string
	initOpts, respOpts []Option
	respPolicy         func(*Policy)
	initPolicy         func(*Policy)
	burnAmount         int64
}

var minBurn = big.NewInt(1000)

func newFixture(t testing.TB, fo fixtureOpts) *fixture {
	t.Helper()
	if fo.initKind == "" {
		fo.initKind = KindOpenWeight
	}
	if fo.respKind == "" {
		fo.respKind = KindMetabolic
	}
	if fo.burnAmount == 0 {
		fo.burnAmount = 1500
	}
	f := &fixture{clock: newTestClock(), initKey: testKey(1), rKey: testKey(2), sessions: make(chan *Session, 16)}
	var err error
	f.burns, err = NewMemoryBurns(testChain)
	require.NoError(t, err)
	f.weights, err = CommitWeights(context.Background(), writeWeights(t, 40_000), WithChunkSize(MinChunkSize))
	require.NoError(t, err)
	policy := func(adjust func(*Policy)) Policy {
		p := DefaultPolicy()
		p.Chains = map[string]ChainPolicy{testChain: {MinBurn: minBurn, MinConfirmations: 3}}
		p.ModelRoots = []string{f.weights.Root()}
		p.Difficulty = 8
		p.SpotChecks = 4
		p.Capabilities = []string{"chat", "tools"}
		if adjust != nil {
			adjust(&p)
		}
		return p
	}
	proof := func(kind string) Option {
		if kind == KindMetabolic {
			return WithBurner(f.burns.Burner(big.NewInt(fo.burnAmount), 3))
		}
		return WithWeights(f.weights)
	}
	f.initRing, f.rRing = envelope.NewKeyRing(), envelope.NewKeyRing()
	require.NoError(t, f.initRing.Add(f.rKey.PublicKey()))
	require.NoError(t, f.rRing.Add(f.initKey.PublicKey()))
	ropts := append([]Option{WithPeers(f.rRing), WithPolicy(policy(fo.respPolicy)), proof(fo.respKind),
		WithBurnVerifier(testChain, f.burns), WithClock(f.clock.now),
		WithSessionHandler(func(s *Session) { f.sessions <- s })}, fo.respOpts...)
	f.resp, err = NewResponder(f.rKey, ropts...)
	require.NoError(t, err)
	iopts := append([]Option{WithPeers(f.initRing), WithPolicy(policy(fo.initPolicy)), proof(fo.initKind),
		WithBurnVerifier(testChain, f.burns), WithClock(f.clock.now)}, fo.initOpts...)
	f.init, err = NewInitiator(f.initKey, iopts...)
	require.NoError(t, err)
	return f
}
