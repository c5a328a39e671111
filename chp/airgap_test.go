package chp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAirGapEndToEnd runs the sandbox extension's whole flow over real
// HTTP on loopback: the GR admits the LR, instances call home, one sees the
// LR go down and comes back from quiet, the LR exports a bundle, the GR
// imports it, and the receipt is verified and pinned inside the enclave.
func TestAirGapEndToEnd(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()

	// Three instances: two sealed, one plain.
	ins := []*Instance{
		w.instance(uuidN(1), 11, t.TempDir()),
		w.instance(uuidN(2), 12, t.TempDir()),
		w.instance(uuidN(3), 0, t.TempDir()),
	}
	for round := range 3 {
		for i, in := range ins {
			ack, err := in.Beat(ctx)
			require.NoError(t, err, "round %d instance %d", round, i)
			assert.Equal(t, StatusCoherent, in.State())
			assert.Equal(t, uuidN(i+1), ack.InstanceRef)
			require.NotNil(t, in.AdmissionCert())
		}
		w.clock.Add(time.Minute)
	}
	require.Equal(t, uint64(9), w.lr.Size())

	// The LR goes down: instance 1 goes quiet and keeps its heartbeats.
	w.srv.Close()
	for range 2 {
		_, err := ins[0].Beat(ctx)
		require.ErrorIs(t, err, ErrUnreachable)
		w.clock.Add(time.Minute)
	}
	assert.Equal(t, StatusQuiet, ins[0].State())
	assert.Equal(t, uint64(2), ins[0].Pending())

	// Back up (same address, reopened from disk): queued heartbeats go out in
	// order, the first ones reporting "quiet".
	w.restartLR()
	ack, err := ins[0].Beat(ctx)
	require.NoError(t, err)
	assert.Equal(t, StatusCoherent, ins[0].State())
	assert.Equal(t, uint64(0), ins[0].Pending())
	require.Equal(t, uint64(12), w.lr.Size())
	var p RecordProof
	require.Equal(t, 200, w.getJSON("/registry/proof/"+ack.AckID, &p))
	_, err = p.Verify(w.lrKey)
	require.NoError(t, err)
	// The first heartbeat was built before the instance knew; the next two
	// were built while it was quiet.
	for i, want := range []Status{StatusCoherent, StatusQuiet, StatusQuiet} {
		rec := mustRecord(t, w.lr, uint64(9+i))
		hb := mustHeartbeat(t, rec.Heartbeat)
		assert.Equal(t, want, hb.Status, "record %d", 9+i)
		assert.Equal(t, uuidN(1), hb.InstanceID)
	}

	// Export, carry across, import.
	bundleBytes, res := w.export(ExportOptions{})
	assert.Equal(t, uint64(0), res.From)
	assert.Equal(t, uint64(12), res.To)
	imp, err := w.gr.Import(ctx, bytes.NewReader(bundleBytes))
	require.NoError(t, err)
	assert.Equal(t, 12, imp.Receipt.Accepted)
	assert.Equal(t, 0, imp.Receipt.Duplicate+imp.Receipt.Rejected)
	assert.Equal(t, uint64(12), w.gr.LedgerSize())

	// The receipt comes back into the enclave and is pinned.
	rc, err := w.lr.PinReceipt(imp.Signed)
	require.NoError(t, err)
	assert.Equal(t, res.BundleRoot, rc.BundleRoot)
	var hud HUDStatus
	w.getJSON("/hud/status.json", &hud)
	require.NotNil(t, hud.LastReceipt)
	assert.Equal(t, 12, hud.LastReceipt.Accepted)

	// Incremental: more heartbeats, the next export starts at 12.
	w.clock.Add(time.Minute)
	for _, in := range ins {
		_, err := in.Beat(ctx)
		require.NoError(t, err)
	}
	b2, res2 := w.export(ExportOptions{})
	assert.Equal(t, uint64(12), res2.From)
	assert.Equal(t, uint64(15), res2.To)
	imp2, err := w.gr.Import(ctx, bytes.NewReader(b2))
	require.NoError(t, err)
	assert.Equal(t, 3, imp2.Receipt.Accepted)
	_, err = w.lr.PinReceipt(imp2.Signed)
	require.NoError(t, err)

	// Replays count nothing twice.
	imp3, err := w.gr.Import(ctx, bytes.NewReader(bundleBytes))
	require.NoError(t, err)
	assert.Equal(t, 0, imp3.Receipt.Accepted)
	assert.Equal(t, 12, imp3.Receipt.Duplicate)
	assert.Equal(t, uint64(15), w.gr.LedgerSize())

	// Re-exporting a range is idempotent.
	again, _ := w.export(ExportOptions{From: new(uint64), To: 12})
	assert.Equal(t, bundleBytes, again)
}

func TestReceiptRejectedByEnclave(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	in := w.instance(uuidN(1), 11, t.TempDir())
	_, err := in.Beat(ctx)
	require.NoError(t, err)
	b, _ := w.export(ExportOptions{})
	imp, err := w.gr.Import(ctx, bytes.NewReader(b))
	require.NoError(t, err)

	// A receipt from another GR, and one about another registry.
	other := newWorldKeys(t, 101, 51)
	_, err = other.lr.PinReceipt(imp.Signed)
	assert.ErrorIs(t, err, ErrBadSignature)
	tampered := bytes.Replace(imp.Signed, []byte(`"accepted":1`), []byte(`"accepted":2`), 1)
	_, err = w.lr.PinReceipt(tampered)
	assert.Error(t, err)
	_, err = VerifyReceipt(imp.Signed, w.root)
	require.NoError(t, err)
}

func mustRecord(t testing.TB, lr *LocalRegistry, i uint64) Record {
	t.Helper()
	b, err := lr.log.Record(i)
	require.NoError(t, err)
	var r Record
	require.NoError(t, r.UnmarshalBinary(b))
	return r
}

func mustHeartbeat(t testing.TB, posted []byte) *Heartbeat {
	t.Helper()
	h, err := DecodeHeartbeat(posted)
	if errors.Is(err, ErrSchema) { // a sealed heartbeat: decode its payload
		var e struct {
			Payload json.RawMessage `json:"payload"`
		}
		require.NoError(t, json.Unmarshal(posted, &e))
		h, err = DecodeHeartbeat(e.Payload)
	}
	require.NoError(t, err)
	return h
}
