package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPolicyDecide(t *testing.T) {
	p := NewPolicy(0)
	require.Equal(t, 180*time.Second, p.MaxStale)
	now := time.Unix(1_800_000_000, 0)
	at := func(age time.Duration, paused bool) *Observation {
		return &Observation{Block: Block{Number: 7, Time: uint64(now.Add(-age).Unix())}, Paused: paused, ActiveRoot: [32]byte{1}}
	}
	lost := errors.New("rpc quorum not reached at head")
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
		{"future block", at(-time.Hour, false), nil, ErrFutureBlock, ErrFutureBlock},
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
