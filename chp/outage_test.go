package chp

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/envelope"
)

// outageInstance returns a sealed client of w's registry; edit adjusts its
// configuration.
func outageInstance(t *testing.T, w *world, dir string, edit func(*Config)) *Instance {
	t.Helper()
	cfg := Config{
		HomeURI: w.srv.URL + "/registry/heartbeat", RegistryKey: w.lrKey, RootKey: w.root, Sandbox: true,
		InstanceID: uuidN(77), Version: "2025.11.03", LicenseHash: LicenseHash([]byte("licence")),
		QueueDir: dir, Now: w.clock.Now, Attempts: 2, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond,
		Signer: envelope.NewEd25519Signer(testKey(77)),
	}
	if edit != nil {
		edit(&cfg)
	}
	in, err := NewInstance(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { in.Close() })
	return in
}

// queueOld queues n heartbeats of in, the newest age old and each a minute
// older than the next, as a long outage leaves them.
func queueOld(t *testing.T, in *Instance, n int, age time.Duration) {
	t.Helper()
	newest := in.cfg.Now().Add(-age)
	h := in.build(StatusQuiet)
	h.Timestamp = time.Time{}
	tmpl, err := json.Marshal(h)
	require.NoError(t, err)
	zero := []byte(formatTime(time.Time{}))
	hbs := make([][]byte, n)
	for i := range n {
		ts := formatTime(newest.Add(-time.Duration(n-1-i) * time.Minute))
		hbs[i] = bytes.Replace(tmpl, zero, []byte(ts), 1)
	}
	_, err = in.queue.AppendBatch(context.Background(), hbs)
	require.NoError(t, err)
}

// lastNote returns the late note of the newest record in the registry's
// log that carries one.
func lastNote(t *testing.T, w *world) (*LateNote, uint64) {
	t.Helper()
	for i := w.lr.Size(); i > 0; i-- {
		rec, err := w.lr.record(i - 1)
		require.NoError(t, err)
		hb, _, err := postedHeartbeat(rec.Heartbeat)
		require.NoError(t, err)
		h, err := DecodeHeartbeat(hb)
		require.NoError(t, err)
		if v, ok := h.Meta[MetaLateHeartbeats]; ok {
			b, err := json.Marshal(v)
			require.NoError(t, err)
			n, err := ParseLateNote(b)
			require.NoError(t, err)
			return n, i - 1
		}
	}
	t.Fatal("no note in the registry's log")
	return nil, 0
}

// A queue of 10,000 heartbeats older than the registry takes recovers in
// one flush: they are set aside in the instance's set-aside file, the
// heartbeat of the beat and a note accounting for the 10,000 are logged,
// and the instance is coherent. Before, every stale heartbeat cost one
// refused beat and kept the instance in review.
func TestOutageBacklogRecoversInOneFlush(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	dir := t.TempDir()
	status := filepath.Join(t.TempDir(), "status.json")
	in := outageInstance(t, w, dir, func(c *Config) { c.StatusFile = status })
	const n = 10000
	queueOld(t, in, n, DefaultMaxAge+time.Hour)
	in.setState(StatusQuiet)

	ack, err := in.Beat(context.Background())
	require.NoError(t, err)
	require.Equal(t, StatusCoherent, in.State())
	require.Equal(t, AckVerified, ack.Status)
	require.Zero(t, in.Pending())
	require.Equal(t, uint64(n), in.SetAsideCount())
	require.Equal(t, uint64(2), w.lr.Size(), "the beat's heartbeat and the note, nothing else")

	note, idx := lastNote(t, w)
	require.Equal(t, uint64(1), idx, "the note is logged after the beat's heartbeat")
	require.Equal(t, uint64(n), note.Count)
	require.Zero(t, note.FirstIndex)
	var file bytes.Buffer
	require.NoError(t, in.ExportSetAside(&file))
	batch, err := CheckLateNote(note, file.Bytes())
	require.NoError(t, err)
	require.Len(t, batch, n)
	require.Equal(t, uint64(0), batch[0].QueueIndex)
	require.Equal(t, uint64(n-1), batch[n-1].QueueIndex)

	// A set-aside file changed after the fact no longer matches the note.
	bad := bytes.Replace(file.Bytes(), []byte(`"status":"quiet"`), []byte(`"status":"review"`), 1)
	_, err = CheckLateNote(note, bad)
	require.ErrorIs(t, err, ErrBundle)

	var st map[string]any
	b, err := os.ReadFile(status)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &st))
	require.Equal(t, "coherent", st["state"])
	require.Equal(t, string(ColorVerified), st["color"])
	require.Equal(t, w.lr.Fingerprint()[7:19], st["fingerprint_short"])
	require.EqualValues(t, n, st["set_aside"])
	require.EqualValues(t, 0, st["pending"])
}

// A registry started with a shorter maximum age (chp-registry -max-age)
// states it in GET /registry/info; a sandboxed instance sets aside by that
// limit. An instance that never reads the limit (no root key, so no info)
// learns it from the registry's signed stale refusals, in the same flush.
func TestOutageRegistryMaxAge(t *testing.T) {
	t.Parallel()
	for _, sandbox := range []bool{true, false} {
		w := newWorld(t, WithMaxAge(24*time.Hour))
		in := outageInstance(t, w, t.TempDir(), func(c *Config) {
			if !sandbox {
				c.Sandbox, c.RootKey = false, ""
			}
		})
		queueOld(t, in, 20, 2*24*time.Hour)
		queueOld(t, in, 3, time.Hour) // fresh enough: delivered
		_, err := in.Flush(context.Background())
		require.NoError(t, err, "sandbox %v", sandbox)
		require.Equal(t, StatusCoherent, in.State())
		require.Equal(t, uint64(20), in.SetAsideCount(), "sandbox %v", sandbox)
		require.Equal(t, uint64(4), w.lr.Size(), "3 fresh heartbeats and the note")
		note, _ := lastNote(t, w)
		require.Equal(t, uint64(20), note.Count)
	}
}

// A crash after heartbeats were set aside but before the queue moved past
// them sets nothing aside twice and sends no second note.
func TestOutageSetAsideCrash(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	dir := t.TempDir()
	in := outageInstance(t, w, dir, nil)
	queueOld(t, in, 30, DefaultMaxAge+time.Minute)
	_, err := in.Flush(context.Background())
	require.NoError(t, err)
	require.Equal(t, uint64(30), in.SetAsideCount())
	size := w.lr.Size()
	require.NoError(t, in.Close())

	// The queue position as it was before the set-aside was recorded.
	require.NoError(t, os.WriteFile(filepath.Join(dir, cursorFile), []byte("0\n"), 0o600))
	in = outageInstance(t, w, dir, nil)
	_, err = in.Flush(context.Background())
	require.NoError(t, err)
	require.Equal(t, uint64(30), in.SetAsideCount(), "lines written again")
	require.Equal(t, size, w.lr.Size(), "the note was resent as a duplicate and not logged twice")
	require.Equal(t, StatusCoherent, in.State())
}

// Refused notes: a late note that does not follow its format is refused at
// accept time, naming the member.
func TestLateNoteRefused(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	for _, tc := range []struct {
		note  any
		field string
	}{
		{map[string]any{"count": 0, "first_index": 0, "oldest": "2026-01-01T00:00:00Z", "newest": "2026-01-01T00:00:00Z", "digest": "sha256:" + zeros64}, "meta.late_heartbeats.count"},
		{map[string]any{"count": 2, "first_index": 0, "oldest": "2026-01-02T00:00:00Z", "newest": "2026-01-01T00:00:00Z", "digest": "sha256:" + zeros64}, "meta.late_heartbeats.newest"},
		{map[string]any{"count": 2, "first_index": 1.5, "oldest": "2026-01-01T00:00:00Z", "newest": "2026-01-01T00:00:00Z", "digest": "sha256:" + zeros64}, "meta.late_heartbeats.first_index"},
		{map[string]any{"count": 2, "first_index": 0, "oldest": "2026-01-01T00:00:00Z", "newest": "2026-01-01T00:00:00Z", "digest": "md5:00"}, "meta.late_heartbeats.digest"},
		{map[string]any{"count": 2, "first_index": 0, "oldest": "2026-01-01T00:00:00Z", "newest": "2026-01-01T00:00:00Z", "digest": "sha256:" + zeros64, "user": "x"}, "meta.late_heartbeats.user"},
		{"ten", "meta.late_heartbeats"},
	} {
		var h map[string]any
		require.NoError(t, json.Unmarshal(w.heartbeat(uuidN(5)), &h))
		h["meta"].(map[string]any)[MetaLateHeartbeats] = tc.note
		b, _ := json.Marshal(h)
		_, err := w.lr.Accept(context.Background(), b)
		var me *MetaError
		require.ErrorAs(t, err, &me, "%v", tc.note)
		require.Equal(t, tc.field, me.Field)
		var re *RejectError
		require.ErrorAs(t, err, &re)
		require.Equal(t, "meta_refused", re.Code)
	}
	require.Zero(t, w.lr.Size())
}

const zeros64 = "0000000000000000000000000000000000000000000000000000000000000000"
