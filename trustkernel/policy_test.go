package trustkernel

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel/quorum"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

func TestPolicyDecide(t *testing.T) {
	p := NewPolicy(0)
	require.Equal(t, 180*time.Second, p.MaxStale)
	now := time.Unix(1_800_000_000, 0)
	at := func(age time.Duration, paused bool) *Observation {
		return &Observation{Block: quorum.BlockRef{Number: 7, Time: uint64(now.Add(-age).Unix())}, Paused: paused, ActiveRoot: [32]byte{1}}
	}
	lost := &quorum.Error{Stage: "head", Want: 2}
	tests := []struct {
		desc              string
		last              *Observation
		lastErr           error
		wantRead, wantWrt error
	}{
		{"fresh", at(10*time.Second, false), nil, nil, nil},
		{"at the stale limit", at(180*time.Second, false), nil, nil, nil},
		{"stale", at(181*time.Second, false), nil, ErrStale, ErrStale},
		{"quorum lost, still fresh", at(10*time.Second, false), lost, nil, ErrQuorumLost},
		{"quorum lost and stale", at(200*time.Second, false), lost, ErrStale, ErrStale},
		{"paused", at(10*time.Second, true), nil, ErrPaused, ErrPaused},
		{"future block", at(-time.Hour, false), nil, quorum.ErrFutureBlock, quorum.ErrFutureBlock},
		{"never read", nil, nil, ErrNoTrustedState, ErrNoTrustedState},
		{"never reached quorum", nil, lost, ErrNoTrustedState, ErrNoTrustedState},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			d := p.Decide(now, tc.last, tc.lastErr)
			if tc.wantRead == nil {
				assert.NoError(t, d.Reads)
				assert.True(t, d.MayRead())
			} else {
				assert.ErrorIs(t, d.Reads, tc.wantRead)
				assert.False(t, d.MayRead())
			}
			if tc.wantWrt == nil {
				assert.NoError(t, d.Writes)
				assert.True(t, d.MayWrite())
			} else {
				assert.ErrorIs(t, d.Writes, tc.wantWrt)
				assert.False(t, d.MayWrite())
			}
		})
	}
}

// probeState reads the probe contract as if it were a controller: the
// stored word is the active root and a word ending in 0x01 means paused.
type probeState struct {
	r     *quorum.Reader
	probe common.Address
}

func (s probeState) State(ctx context.Context) (*Observation, error) {
	ag, err := s.r.Read(ctx, s.probe, nil)
	if err != nil {
		return nil, err
	}
	o := &Observation{Block: ag.Block, Paused: ag.Result[31] == 1}
	copy(o.ActiveRoot[:], ag.Result[:32])
	return o, nil
}

// sink records deliveries by action id.
type sink struct {
	mu   sync.Mutex
	seen map[string]int
	all  []Action
}

func (s *sink) send(_ context.Context, a Action) error {
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
	ob, err := OpenOutbox(dir)
	require.NoError(t, err)
	var s sink
	rt, err := NewRuntime(probeState{r, c.probe}, NewPolicy(180), WithRuntimeClock(clock), WithOutbox(ob, s.send))
	require.NoError(t, err)

	// Before any read: fail closed.
	d := rt.Decision()
	require.ErrorIs(t, d.Reads, ErrNoTrustedState)

	// Fresh.
	require.NoError(t, rt.Refresh(ctx))
	d = rt.Decision()
	require.NoError(t, d.Reads)
	require.NoError(t, d.Writes)
	assert.Equal(t, c.word, common.Hash(d.Observation.ActiveRoot))

	// A write while the quorum holds goes straight out.
	buffered, err := rt.Submit(ctx, Action{ID: "direct", Kind: "raw_tx", Payload: []byte{1}})
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
	require.ErrorIs(t, d.Writes, ErrQuorumLost)
	for _, id := range []string{"pause-1", "pause-2"} {
		buffered, err := rt.Submit(ctx, Action{ID: id, Kind: "pause", Payload: []byte(id)})
		require.NoError(t, err)
		assert.True(t, buffered)
	}
	assert.Zero(t, s.seen["pause-1"], "nothing delivered while the quorum is lost")
	files, err := filepath.Glob(filepath.Join(dir, "*"+outboxSuffix))
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
	require.ErrorIs(t, d.Reads, ErrStale)
	require.ErrorIs(t, d.Writes, ErrStale)
	_, err = rt.Submit(ctx, Action{ID: "late", Kind: "pause"})
	require.ErrorIs(t, err, ErrStale, "stale state does not buffer, it refuses")

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
	require.ErrorIs(t, d.Reads, ErrPaused)
	require.ErrorIs(t, d.Writes, ErrPaused)
}

func TestOutboxSurvivesReopen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ob")
	ob, err := OpenOutbox(dir)
	require.NoError(t, err)
	now := time.Unix(1_800_000_000, 0)
	a1, err := ob.Put(Action{Kind: "raw_tx", Payload: []byte{0xde, 0xad}}, now)
	require.NoError(t, err)
	assert.Len(t, a1.ID, 32)
	_, err = ob.Put(Action{ID: "second", Kind: "pause"}, now)
	require.NoError(t, err)
	// A torn write leaves only a temporary file, which reopening removes.
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".tmp-123"), []byte("{"), 0o600))
	fi, err := os.Stat(dir)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), fi.Mode().Perm())

	ob2, err := OpenOutbox(dir)
	require.NoError(t, err)
	_, err = os.Stat(filepath.Join(dir, ".tmp-123"))
	assert.True(t, os.IsNotExist(err))
	a3, err := ob2.Put(Action{ID: "third", Kind: "pause"}, now)
	require.NoError(t, err)
	pending, err := ob2.Pending()
	require.NoError(t, err)
	require.Len(t, pending, 3)
	assert.Equal(t, []string{a1.ID, "second", a3.ID}, []string{pending[0].ID, pending[1].ID, pending[2].ID})
	assert.Equal(t, []byte{0xde, 0xad}, pending[0].Payload)

	// A failing delivery stops the flush and keeps the rest in order.
	n, err := ob2.Flush(context.Background(), func(_ context.Context, a Action) error {
		if a.ID == "second" {
			return os.ErrDeadlineExceeded
		}
		return nil
	})
	require.ErrorIs(t, err, os.ErrDeadlineExceeded)
	assert.Equal(t, 1, n)
	pending, err = ob2.Pending()
	require.NoError(t, err)
	require.Len(t, pending, 2)
	assert.Equal(t, "second", pending[0].ID)

	// A corrupted entry is reported, not delivered.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "00000000000000000099"+outboxSuffix), []byte(`{"id":"x","kind":"k","extra":1}`), 0o600))
	_, err = ob2.Pending()
	require.ErrorIs(t, err, ErrOutboxEntry)

	// A group-writable directory is refused.
	loose := filepath.Join(t.TempDir(), "loose")
	require.NoError(t, os.Mkdir(loose, 0o700))
	require.NoError(t, os.Chmod(loose, 0o777))
	_, err = OpenOutbox(loose)
	require.Error(t, err)
}

func FuzzDecodeAction(f *testing.F) {
	f.Add([]byte(`{"id":"a","kind":"raw_tx","payload":"AQI=","created":"2026-01-01T00:00:00Z"}`))
	f.Add([]byte(`{"id":"a","kind":"k","extra":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := decodeAction(data)
		if err != nil {
			if !errors.Is(err, ErrOutboxEntry) {
				t.Fatalf("undeclared error %v", err)
			}
			return
		}
		enc, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		back, err := decodeAction(enc)
		if err != nil || !assert.ObjectsAreEqual(a.ID, back.ID) || !bytes.Equal(a.Payload, back.Payload) || !a.Created.Equal(back.Created) {
			t.Fatalf("round trip: %v", err)
		}
	})
}
