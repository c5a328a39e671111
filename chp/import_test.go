package chp

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/bundle"
)

// beats posts n plain heartbeats from distinct instances.
func (w *world) beats(n int) {
	w.t.Helper()
	for i := range n {
		status, body := w.post(w.heartbeat(uuidN(1000 + int(w.lr.Size()) + i)))
		require.Equal(w.t, 200, status, "%s", body)
	}
	w.clock.Add(time.Second)
}

func TestImportRejects(t *testing.T) {
	ctx := context.Background()

	t.Run("registry never admitted", func(t *testing.T) {
		w, stranger := newWorld(t), newWorldKeys(t, 101, 51)
		stranger.beats(2)
		b, _ := stranger.export(ExportOptions{})
		_, err := w.gr.Import(ctx, bytes.NewReader(b))
		assert.ErrorIs(t, err, ErrAdmission)
		assert.Equal(t, uint64(0), w.gr.LedgerSize())
	})

	t.Run("certificate expired at export", func(t *testing.T) {
		w := newWorld(t)
		w.beats(2)
		w.clock.Add(400 * 24 * time.Hour)
		b, _ := w.export(ExportOptions{})
		_, err := w.gr.Import(ctx, bytes.NewReader(b))
		assert.ErrorIs(t, err, ErrExpired)
		assert.Equal(t, uint64(0), w.gr.LedgerSize())
	})

	t.Run("tampered bundle", func(t *testing.T) {
		w := newWorld(t)
		w.beats(3)
		b, _ := w.export(ExportOptions{})
		i := bytes.Index(b, []byte(`"ethics_signature":"charter:`))
		require.Positive(t, i)
		bad := bytes.Clone(b)
		bad[i+len(`"ethics_signature":"`)] ^= 1
		_, err := w.gr.Import(ctx, bytes.NewReader(bad))
		assert.Error(t, err)
		// Signed by the right key but not the bundle it claims: truncated.
		_, err = w.gr.Import(ctx, bytes.NewReader(b[:len(b)-2048]))
		assert.Error(t, err)
		assert.Equal(t, uint64(0), w.gr.LedgerSize())
		// The untouched bundle still imports.
		res, err := w.gr.Import(ctx, bytes.NewReader(b))
		require.NoError(t, err)
		assert.Equal(t, 3, res.Receipt.Accepted)
	})

	t.Run("forked checkpoint", func(t *testing.T) {
		w := newWorld(t)
		w.beats(5)
		b, _ := w.export(ExportOptions{})
		_, err := w.gr.Import(ctx, bytes.NewReader(b))
		require.NoError(t, err)

		// The same registry key with another history: a fork.
		forkDir := t.TempDir()
		fork, err := OpenLocalRegistry(forkDir, testKey(w.lrSeed), WithRootKey(w.root), WithClock(w.clock.Now), WithAllowUnsigned(true))
		require.NoError(t, err)
		defer fork.Close()
		require.NoError(t, fork.InstallAdmissionCert(w.rac))
		for i := range 6 {
			w.clock.Add(time.Second)
			h := w.heartbeat(uuidN(5000 + i))
			_, err := fork.Accept(ctx, h)
			require.NoError(t, err)
		}
		var buf bytes.Buffer
		_, err = fork.Export(ctx, &buf, ExportOptions{})
		require.NoError(t, err)
		_, err = w.gr.Import(ctx, bytes.NewReader(buf.Bytes()))
		assert.ErrorIs(t, err, ErrFork)
		assert.Equal(t, uint64(5), w.gr.LedgerSize())
	})

	t.Run("gap", func(t *testing.T) {
		w := newWorld(t)
		w.beats(3)
		b1, _ := w.export(ExportOptions{})
		w.beats(3)
		w.export(ExportOptions{}) // lost in transit
		w.beats(3)
		b3, res := w.export(ExportOptions{})
		assert.Equal(t, uint64(6), res.From)
		_, err := w.gr.Import(ctx, bytes.NewReader(b1))
		require.NoError(t, err)
		_, err = w.gr.Import(ctx, bytes.NewReader(b3))
		assert.ErrorIs(t, err, ErrGap)
		// The operator re-exports from what the GR has; overlap is fine.
		b4, _ := w.export(ExportOptions{From: new(uint64)})
		res4, err := w.gr.Import(ctx, bytes.NewReader(b4))
		require.NoError(t, err)
		assert.Equal(t, 6, res4.Receipt.Accepted)
		assert.Equal(t, 3, res4.Receipt.Duplicate)
		assert.Equal(t, uint64(9), w.gr.LedgerSize())
	})

	t.Run("replayed bundle after restart", func(t *testing.T) {
		w := newWorld(t)
		w.beats(4)
		b, _ := w.export(ExportOptions{})
		_, err := w.gr.Import(ctx, bytes.NewReader(b))
		require.NoError(t, err)
		require.NoError(t, w.gr.Close())
		w.gr, err = OpenGlobalRegistry(w.grDir, testKey(100), WithGlobalClock(w.clock.Now))
		require.NoError(t, err)
		res, err := w.gr.Import(ctx, bytes.NewReader(b))
		require.NoError(t, err)
		assert.Equal(t, 0, res.Receipt.Accepted)
		assert.Equal(t, 4, res.Receipt.Duplicate)
		assert.Equal(t, uint64(4), w.gr.LedgerSize())
	})
}

// TestImportStrict re-checks every record's signatures and shape.
func TestImportStrict(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	in := w.instance(uuidN(1), 11, t.TempDir())
	_, err := in.Beat(ctx)
	require.NoError(t, err)
	w.beats(2)
	b, _ := w.export(ExportOptions{})
	require.NoError(t, w.gr.Close())
	strict, err := OpenGlobalRegistry(w.grDir, testKey(100), WithGlobalClock(w.clock.Now), WithStrictImport(true))
	require.NoError(t, err)
	defer strict.Close()
	res, err := strict.Import(ctx, bytes.NewReader(b))
	require.NoError(t, err)
	assert.Equal(t, 3, res.Receipt.Accepted)
}

// TestImportCrashBeforeState: the ledger got a bundle's records but the
// state file did not (a crash between the two). On reopen the Global
// Registry finds the records in the ledger's tail, and importing the
// bundle again appends nothing twice.
func TestImportCrashBeforeState(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.beats(4)
	b, _ := w.export(ExportOptions{})
	statePath := filepath.Join(w.grDir, grStateFile)
	before, err := os.ReadFile(statePath)
	require.NoError(t, err)
	_, err = w.gr.Import(ctx, bytes.NewReader(b))
	require.NoError(t, err)
	require.NoError(t, w.gr.Close())
	require.NoError(t, os.WriteFile(statePath, before, 0o600)) // the state write "never happened"

	w.gr, err = OpenGlobalRegistry(w.grDir, testKey(100), WithGlobalClock(w.clock.Now))
	require.NoError(t, err)
	res, err := w.gr.Import(ctx, bytes.NewReader(b))
	require.NoError(t, err)
	assert.Equal(t, 0, res.Receipt.Accepted)
	assert.Equal(t, 4, res.Receipt.Duplicate)
	assert.Equal(t, uint64(4), w.gr.LedgerSize())
	w.beats(2)
	b2, _ := w.export(ExportOptions{})
	res, err = w.gr.Import(ctx, bytes.NewReader(b2))
	require.NoError(t, err)
	assert.Equal(t, 2, res.Receipt.Accepted)
	assert.Equal(t, uint64(6), w.gr.LedgerSize())
}

// TestImportRejectsRecordsByPolicy: a record whose ACK names another
// instance (a faulty registry wrote it) is counted as rejected and not
// appended; the rest of the bundle is accepted.
func TestImportRejectsRecordsByPolicy(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.beats(2)
	ack := Ack{InstanceRef: uuidN(424242), Received: w.clock.Now(), Status: AckQueued}
	hb := w.heartbeat(uuidN(7))
	ackJSON, err := SignAck(w.lr.ident().signer, &ack, hb)
	require.NoError(t, err)
	rec, err := Record{Heartbeat: hb, Ack: ackJSON}.MarshalBinary()
	require.NoError(t, err)
	_, err = w.lr.log.Append(ctx, rec)
	require.NoError(t, err)
	b, _ := w.export(ExportOptions{})
	res, err := w.gr.Import(ctx, bytes.NewReader(b))
	require.NoError(t, err)
	assert.Equal(t, 2, res.Receipt.Accepted)
	assert.Equal(t, 1, res.Receipt.Rejected)
	assert.Equal(t, uint64(2), w.gr.LedgerSize())
	_, err = w.lr.PinReceipt(res.Signed)
	require.NoError(t, err)
}

// TestImportRejectsForeignFingerprint: an admitted registry cannot file
// its records under another registry's fingerprint.
func TestImportRejectsForeignFingerprint(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.beats(2)
	cp, err := w.lr.Checkpoint(ctx)
	require.NoError(t, err)
	build := func(fp string) []byte {
		info := ExportInfo{Registry: "lr", PublicKey: w.lrKey, Fingerprint: fp,
			AdmissionCert: w.rac, Checkpoint: string(cp), From: 0, To: 2, Frontier: []string{}}
		var buf bytes.Buffer
		bw, err := bundle.NewWriter(&buf, w.lr.ident().signer, bundle.WithCreatedAt(w.clock.Now()), bundle.WithMetadata(metadataKey, info))
		require.NoError(t, err)
		for i := range uint64(2) {
			rec := mustRecord(t, w.lr, i)
			require.NoError(t, bw.Add(ackMember(i), bytes.NewReader(rec.Ack)))
			require.NoError(t, bw.Add(heartbeatMember(i), bytes.NewReader(rec.Heartbeat)))
		}
		require.NoError(t, bw.Close())
		return buf.Bytes()
	}
	other, err := w.gr.Admit(pubString(testKey(62)), time.Hour) // another admitted registry
	require.NoError(t, err)
	for _, fp := range []string{"sha256:" + strings.Repeat("ab", 32), other.LRFingerprint} {
		_, err = w.gr.Import(ctx, bytes.NewReader(build(fp)))
		assert.True(t, errors.Is(err, ErrAdmission) || errors.Is(err, ErrBundle), "%v", err)
	}
	assert.Equal(t, uint64(0), w.gr.LedgerSize())
	res, err := w.gr.Import(ctx, bytes.NewReader(build(w.lr.Fingerprint())))
	require.NoError(t, err)
	assert.Equal(t, 2, res.Receipt.Accepted)
}

func TestTeeHasher(t *testing.T) {
	data := make([]byte, 3*teeChunkSize+12345)
	for i := range data {
		data[i] = byte(i * 7)
	}
	want := sha256.Sum256(data)
	for _, step := range []int{1, 511, teeChunkSize, 2*teeChunkSize + 1} {
		th := newTeeHasher(bytes.NewReader(data), sha256.New())
		buf := make([]byte, step)
		var got []byte
		for {
			n, err := th.Read(buf)
			got = append(got, buf[:n]...)
			if err == io.EOF {
				break
			}
			require.NoError(t, err)
		}
		require.Equal(t, data, got, "bytes pass through unchanged")
		require.Equal(t, want[:], th.Sum(), "read %d bytes at a time", step)
		require.Equal(t, want[:], th.Sum(), "Sum is stable")
	}
	th := newTeeHasher(bytes.NewReader(nil), sha256.New())
	empty := sha256.Sum256(nil)
	require.Equal(t, empty[:], th.Sum())
}
