package trustkernel

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel/quorum"
	"github.com/accordsdk/accord/trustkernel/runtime"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

// probeState reads the probe contract as if it were a controller: the
// stored word is the active root and a word ending in 0x01 means paused.
type probeState struct {
	r     *quorum.Reader
	probe common.Address
}

func (s probeState) State(ctx context.Context) (*runtime.Observation, error) {
	ag, err := s.r.Read(ctx, s.probe, nil)
	if err != nil {
		return nil, err
	}
	o := &runtime.Observation{Block: runtime.Block{Number: ag.Block.Number, Hash: ag.Block.Hash, Time: ag.Block.Time}, Paused: ag.Result[31] == 1}
	copy(o.ActiveRoot[:], ag.Result[:32])
	return o, nil
}

// sink records deliveries by action id.
type sink struct {
	mu   sync.Mutex
	seen map[string]int
	all  []runtime.Action
}

func (s *sink) send(_ context.Context, a runtime.Action) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen == nil {
		s.seen = map[string]int{}
	}
	s.seen[a.ID]++
	s.all = append(s.all, a)
	return nil
}

func TestRuntimeOutageRules(t *testing.T) {
	c := newTestChain(t)
	ctx := context.Background()
	var ps []*simchain.Proxy
	var urls []string
	for range 3 {
		p := simchain.NewProxy(c.URL(), simchain.Behaviour{})
		t.Cleanup(p.Close)
		ps, urls = append(ps, p), append(urls, p.URL)
	}
	var mu sync.Mutex
	now := c.clock(t)()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }

	r, err := quorum.New(urls, 2, quorum.WithClock(clock), quorum.WithPinTTL(0), quorum.WithConfirmations(0))
	require.NoError(t, err)
	defer r.Close()
	dir := filepath.Join(t.TempDir(), "outbox")
	ob, err := runtime.OpenOutbox(dir)
	require.NoError(t, err)
	var s sink
	rt, err := runtime.New(probeState{r, c.probe}, runtime.NewPolicy(180), runtime.WithClock(clock), runtime.WithOutbox(ob, s.send))
	require.NoError(t, err)

	// Before any read: fail closed.
	d := rt.Decision()
	require.ErrorIs(t, d.Reads, runtime.ErrNoTrustedState)

	// Fresh.
	require.NoError(t, rt.Refresh(ctx))
	d = rt.Decision()
	require.NoError(t, d.Reads)
	require.NoError(t, d.Writes)
	assert.Equal(t, c.word, common.Hash(d.Observation.ActiveRoot))

	// A write while the quorum holds goes straight out.
	buffered, err := rt.Submit(ctx, runtime.Action{ID: "direct", Kind: "raw_tx", Payload: []byte{1}})
	require.NoError(t, err)
	assert.False(t, buffered)
	assert.Equal(t, 1, s.seen["direct"])

	// Quorum lost: two of three endpoints go down.
	ps[0].SetDown(true)
	ps[1].SetDown(true)
	err = rt.Refresh(ctx)
	require.ErrorIs(t, err, quorum.ErrNoQuorum)
	d = rt.Decision()
	assert.NoError(t, d.Reads, "reads go on until stale")
	require.ErrorIs(t, d.Writes, runtime.ErrQuorumLost)
	for _, id := range []string{"pause-1", "pause-2"} {
		buffered, err := rt.Submit(ctx, runtime.Action{ID: id, Kind: "pause", Payload: []byte(id)})
		require.NoError(t, err)
		assert.True(t, buffered)
	}
	assert.Zero(t, s.seen["pause-1"], "nothing delivered while the quorum is lost")
	files, err := filepath.Glob(filepath.Join(dir, "*.action.json"))
	require.NoError(t, err)
	require.Len(t, files, 2)
	for _, f := range files {
		fi, err := os.Stat(f)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	}

	// Still lost, and now stale: reads fail closed too.
	advance(181 * time.Second)
	require.Error(t, rt.Refresh(ctx))
	d = rt.Decision()
	require.ErrorIs(t, d.Reads, runtime.ErrStale)
	require.ErrorIs(t, d.Writes, runtime.ErrStale)
	_, err = rt.Submit(ctx, runtime.Action{ID: "late", Kind: "pause"})
	require.ErrorIs(t, err, runtime.ErrStale, "stale state does not buffer, it refuses")

	// Quorum regained: the outbox is flushed exactly once, in order.
	c.Mine(1)
	h, err := c.Head(ctx)
	require.NoError(t, err)
	mu.Lock()
	now = time.Unix(int64(h.Time)+1, 0)
	mu.Unlock()
	ps[0].SetDown(false)
	require.NoError(t, rt.Refresh(ctx))
	require.NoError(t, rt.Refresh(ctx))
	d = rt.Decision()
	require.NoError(t, d.Reads)
	require.NoError(t, d.Writes)
	assert.Equal(t, 1, s.seen["pause-1"])
	assert.Equal(t, 1, s.seen["pause-2"])
	require.Len(t, s.all, 3)
	assert.Equal(t, "pause-1", s.all[1].ID)
	assert.Equal(t, "pause-2", s.all[2].ID)
	pending, err := ob.Pending()
	require.NoError(t, err)
	assert.Empty(t, pending)

	// Paused controller: fail closed.
	paused := common.HexToHash("0x01")
	_, err = c.Send(ctx, &c.probe, paused.Bytes())
	require.NoError(t, err)
	h, err = c.Head(ctx)
	require.NoError(t, err)
	mu.Lock()
	now = time.Unix(int64(h.Time)+1, 0)
	mu.Unlock()
	require.NoError(t, rt.Refresh(ctx))
	d = rt.Decision()
	require.ErrorIs(t, d.Reads, runtime.ErrPaused)
	require.ErrorIs(t, d.Writes, runtime.ErrPaused)
}
