package runtime

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type scriptedState struct {
	mu   sync.Mutex
	obs  []*Observation
	errs []error
	n    int
}

func (s *scriptedState) State(context.Context) (*Observation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := min(s.n, len(s.obs)-1)
	s.n++
	if s.errs != nil && s.errs[i] != nil {
		return nil, s.errs[i]
	}
	o := *s.obs[i]
	return &o, nil
}

// TestHardening1RuntimeKeepsNewerObservation: an emergency pause seen at
// block 110 is not forgotten when a read lands at block 100.
func TestHardening1RuntimeKeepsNewerObservation(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	block := func(n uint64) Block {
		return Block{Number: n, Hash: [32]byte{byte(n)}, Time: uint64(now.Unix()) - (120 - n)}
	}
	src := &scriptedState{obs: []*Observation{
		{Block: block(110), Paused: true, ActiveRoot: [32]byte{1}},
		{Block: block(100), Paused: false, ActiveRoot: [32]byte{1}},
	}}
	rt, err := New(src, NewPolicy(180), WithClock(func() time.Time { return now }))
	require.NoError(t, err)
	require.NoError(t, rt.Refresh(context.Background()))
	require.ErrorIs(t, rt.Decision().Reads, ErrPaused)

	err = rt.Refresh(context.Background())
	require.ErrorIs(t, err, ErrStateRollback)
	d := rt.Decision()
	require.ErrorIs(t, d.Reads, ErrPaused, "the pause at block 110 was forgotten")
	assert.Equal(t, uint64(110), d.Observation.Block.Number)

	// Another block at the same height is refused too.
	other := block(110)
	other.Hash[0] ^= 1
	src.obs = append(src.obs, &Observation{Block: other, ActiveRoot: [32]byte{1}})
	require.ErrorIs(t, rt.Refresh(context.Background()), ErrStateRollback)
	require.ErrorIs(t, rt.Decision().Reads, ErrPaused)
}

// TestHardening13ZeroActiveRoot: a controller whose activeRoot is zero (no
// release ever activated) fails closed for reads and writes.
func TestHardening13ZeroActiveRoot(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	obs := &Observation{Block: Block{Number: 9, Time: uint64(now.Unix()) - 5}}
	d := NewPolicy(180).Decide(now, obs, nil)
	require.ErrorIs(t, d.Reads, ErrNoActiveRoot)
	require.ErrorIs(t, d.Writes, ErrNoActiveRoot)
	obs.ActiveRoot[31] = 1
	d = NewPolicy(180).Decide(now, obs, nil)
	require.NoError(t, d.Reads)
	require.NoError(t, d.Writes)
}

// TestHardening13RunLoop: Runtime.Run refreshes until its context ends.
func TestHardening13RunLoop(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	var calls atomic.Int64
	src := stateFunc(func(context.Context) (*Observation, error) {
		n := calls.Add(1)
		return &Observation{Block: Block{Number: uint64(n), Time: uint64(now.Unix())}, ActiveRoot: [32]byte{1}}, nil
	})
	rt, err := New(src, NewPolicy(180), WithClock(func() time.Time { return now }))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rt.Run(ctx, 5*time.Millisecond) }()
	require.Eventually(t, func() bool { return calls.Load() >= 3 }, 10*time.Second, time.Millisecond)
	cancel()
	select {
	case err := <-done:
		require.ErrorIs(t, err, context.Canceled)
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its context was cancelled")
	}
	d := rt.Decision()
	require.NoError(t, d.Reads)
	assert.GreaterOrEqual(t, d.Observation.Block.Number, uint64(3))
	require.Error(t, rt.Run(context.Background(), 0), "a zero interval is refused")
}

type stateFunc func(context.Context) (*Observation, error)

func (f stateFunc) State(ctx context.Context) (*Observation, error) { return f(ctx) }
