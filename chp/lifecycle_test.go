package chp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/envelope"
)

// beatConcurrently runs n instances (sealed, keys seeds 10+i) that beat
// beats times each while during runs; it returns the instances once all
// are done.
func beatConcurrently(t *testing.T, w *world, n, beats int, during func()) []*Instance {
	t.Helper()
	ins := make([]*Instance, n)
	for i := range ins {
		ins[i] = w.instance(uuidN(100+i), byte(10+i), t.TempDir())
	}
	var wg sync.WaitGroup
	errs := make(chan error, n*beats)
	for _, in := range ins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range beats {
				w.clock.Add(time.Millisecond) // each heartbeat differs
				if _, err := in.Beat(context.Background()); err != nil {
					errs <- err
				}
			}
		}()
	}
	during()
	wg.Wait()
	close(errs)
	for err := range errs {
		// A beat may fail (the flush that follows catches up); what must
		// hold is that nothing is lost, checked by the caller.
		t.Logf("beat: %v", err)
	}
	for _, in := range ins {
		_, err := in.Flush(context.Background())
		require.NoError(t, err)
		require.Zero(t, in.Pending())
		require.Equal(t, StatusCoherent, in.State())
	}
	return ins
}

// leaves returns the registry's log records.
func leaves(t *testing.T, lr *LocalRegistry) [][]byte {
	t.Helper()
	out := make([][]byte, lr.Size())
	for i := range out {
		b, err := lr.log.Record(uint64(i))
		require.NoError(t, err)
		out[i] = b
	}
	return out
}

// TestKeyRotationUnderTraffic: the Local Registry rotates its key while
// instances beat. No heartbeat is lost, every instance follows the
// rotation to the new key, checkpoints before and after verify (the new
// key learned from the record) and are consistent, and the Global
// Registry imports the log across the change.
func TestKeyRotationUnderTraffic(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	oldKey := w.lr.PublicKey()
	cpBefore, err := w.lr.Checkpoint(ctx)
	require.NoError(t, err)
	var rot *KeyRotation
	const n, beats = 4, 12
	ins := beatConcurrently(t, w, n, beats, func() {
		for deadline := time.Now().Add(5 * time.Second); w.lr.Size() < 10 && time.Now().Before(deadline); {
			runtimeYield()
		}
		var err error
		rot, err = w.lr.RotateKey(ctx, testKey(51))
		require.NoError(t, err)
	})
	newKey := pubString(testKey(51))
	require.Equal(t, newKey, w.lr.PublicKey())
	require.Equal(t, uint64(n*beats+1), w.lr.Size(), "every heartbeat and the rotation record are logged")
	for _, in := range ins {
		assert.Equal(t, newKey, in.RegistryKey(), "the instance followed the rotation")
	}
	// Heartbeats after the rotation were acknowledged with the new key,
	// those before with the old one.
	all := leaves(t, w.lr)
	require.GreaterOrEqual(t, rot.Size, uint64(10))
	for i, leaf := range all {
		if uint64(i) == rot.Size {
			require.True(t, isRegistryRecord(leaf))
			continue
		}
		var rec Record
		require.NoError(t, rec.UnmarshalBinary(leaf))
		hb, _, err := postedHeartbeat(rec.Heartbeat)
		require.NoError(t, err)
		want := oldKey
		if uint64(i) > rot.Size {
			want = newKey
		}
		_, err = VerifyAck(rec.Ack, want, hb)
		require.NoError(t, err, "record %d", i)
	}
	// A verifier holding the old key follows the log: it verifies the
	// checkpoint before, learns the new key from the record, verifies the
	// checkpoint after, and checks the two are consistent.
	chain, err := NewKeyChain("", oldKey)
	require.NoError(t, err)
	before, err := chain.VerifyCheckpoint(cpBefore)
	require.NoError(t, err)
	cpAfter, err := w.lr.Checkpoint(ctx)
	require.NoError(t, err)
	_, err = chain.VerifyCheckpoint(cpAfter)
	require.ErrorIs(t, err, ErrBadSignature, "not before the chain learned the new key")
	for i, leaf := range all {
		_, err := chain.ApplyRecord(uint64(i), leaf)
		require.NoError(t, err)
	}
	require.Equal(t, newKey, chain.Current())
	after, err := chain.VerifyCheckpoint(cpAfter)
	require.NoError(t, err)
	_, err = verifyLRCheckpoint(cpAfter, oldKey)
	require.Error(t, err, "the old key alone does not verify the new checkpoint")
	cons, err := w.lr.Consistency(ctx, before.Size, after.Size)
	require.NoError(t, err)
	require.NoError(t, cons.Verify(before, after))
	// Proofs of records on both sides verify with the key of their
	// checkpoint.
	proof, err := w.lr.log.Proof(ctx, 0)
	require.NoError(t, err)
	nv, err := checkpoint.NewVerifier(w.lr.Origin(), rawEd25519(t, newKey))
	require.NoError(t, err)
	_, err = proof.Verify(all[0], nv, nil, 0)
	require.NoError(t, err)

	// The Global Registry imports across the rotation, and its receipt
	// pins back in the enclave.
	b, _ := w.export(ExportOptions{})
	res, err := w.gr.Import(ctx, bytes.NewReader(b))
	require.NoError(t, err)
	assert.Equal(t, n*beats+1, res.Receipt.Accepted)
	assert.Zero(t, res.Receipt.Rejected)
	_, err = w.lr.PinReceipt(res.Signed)
	require.NoError(t, err)
	// And it goes on importing what the new key signs.
	w.clock.Add(time.Second)
	_, err = ins[0].Beat(ctx)
	require.NoError(t, err)
	b, _ = w.export(ExportOptions{})
	res, err = w.gr.Import(ctx, bytes.NewReader(b))
	require.NoError(t, err)
	assert.Equal(t, 1, res.Receipt.Accepted)

	// The registry opens again only with the new key.
	w.srv.Close()
	require.NoError(t, w.lr.Close())
	_, err = OpenLocalRegistry(w.lrDir, testKey(w.lrSeed), WithRootKey(w.root), WithClock(w.clock.Now))
	require.ErrorIs(t, err, ErrKeyRotated)
	_, err = OpenLocalRegistry(w.lrDir, testKey(77), WithRootKey(w.root), WithClock(w.clock.Now))
	require.ErrorIs(t, err, ErrKeyMismatch)
	w.lrSeed = 51
	w.openLR()
	assert.Equal(t, newKey, w.lr.PublicKey())
	assert.Equal(t, uint64(n*beats+2), w.lr.Size())
	assert.Equal(t, "coherent", string(w.lr.HUD().State), "the certificate still admits the registry's log")
	// Rotating back to a key used before is refused.
	_, err = w.lr.RotateKey(ctx, testKey(50))
	require.ErrorIs(t, err, ErrKeyRotated)
}

func runtimeYield() { time.Sleep(time.Millisecond) }

// TestKeyRotationWrongKey: a rotation record signed by a key other than
// the old one (or without the new key's signature) is refused by a
// verifier following the log, by an instance, and by the Global Registry.
func TestKeyRotationWrongKey(t *testing.T) {
	w := newWorld(t)
	oldKey := w.lr.PublicKey()
	good := &KeyRotation{Origin: w.lr.Origin(), Size: 0, Root: b64std(make([]byte, 32)), OldKey: oldKey,
		NewKey: pubString(testKey(51)), RotatedAt: epoch}
	require.NoError(t, signKeyRotation(good, envelope.NewEd25519Signer(testKey(w.lrSeed)), envelope.NewEd25519Signer(testKey(51))))
	forged := *good
	require.NoError(t, signKeyRotation(&forged, envelope.NewEd25519Signer(testKey(66)), envelope.NewEd25519Signer(testKey(51))))
	noNew := *good
	require.NoError(t, signKeyRotation(&noNew, envelope.NewEd25519Signer(testKey(w.lrSeed)), envelope.NewEd25519Signer(testKey(66))))
	for name, k := range map[string]*KeyRotation{"old signature by another key": &forged, "new signature by another key": &noNew} {
		t.Run(name, func(t *testing.T) {
			require.ErrorIs(t, k.Verify(), ErrBadSignature)
			chain, err := NewKeyChain("", oldKey)
			require.NoError(t, err)
			require.ErrorIs(t, chain.Apply(k), ErrBadSignature)
			assert.Equal(t, oldKey, chain.Current())
			raw, err := k.Marshal()
			require.NoError(t, err)
			in := w.instance(uuidN(1), 0, t.TempDir())
			err = in.learnKeys(&Info{PublicKey: k.NewKey, KeyRotations: []json.RawMessage{raw}})
			require.ErrorIs(t, err, ErrKeyMismatch)
			assert.Equal(t, oldKey, in.RegistryKey())
			_, err = chainOf(&ExportInfo{PublicKey: k.NewKey, KeyRotations: []json.RawMessage{raw}})
			require.ErrorIs(t, err, ErrBadSignature)
		})
	}
	// A genuine record for another log, or one that skips a key, is
	// refused too.
	chain, err := NewKeyChain("accord.chp/lr/0000000000000000", oldKey)
	require.NoError(t, err)
	require.ErrorIs(t, chain.Apply(good), ErrKeyMismatch)
	other, err := NewKeyChain("", pubString(testKey(66)))
	require.NoError(t, err)
	require.ErrorIs(t, other.Apply(good), ErrKeyMismatch)
	chain, err = NewKeyChain("", oldKey)
	require.NoError(t, err)
	require.NoError(t, chain.Apply(good))
}

// TestUnpinAudited: an operator un-pins an instance's key while other
// instances beat. The un-pin is a record of the log (it survives a
// restart, travels in the export and lands in the Global Registry's
// ledger), and the instance's next sealed heartbeat pins its new key.
func TestUnpinAudited(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	id := uuidN(7)
	status, _ := w.post(w.sealed(21, w.heartbeat(id)))
	require.Equal(t, http.StatusOK, status)
	status, body := w.post(w.sealed(22, w.heartbeat(id)))
	require.Equal(t, http.StatusForbidden, status, "%s", body)

	admin := httptest.NewServer(w.lr.AdminHandler())
	defer admin.Close()
	post := func(body string) (int, []byte) {
		resp, err := http.Post(admin.URL+"/admin/unpin", "application/json", bytes.NewReader([]byte(body)))
		require.NoError(t, err)
		defer resp.Body.Close()
		var buf bytes.Buffer
		buf.ReadFrom(resp.Body)
		return resp.StatusCode, buf.Bytes()
	}
	var out Unpinned
	beatConcurrently(t, w, 3, 8, func() {
		status, body := post(fmt.Sprintf(`{"instance_id":%q,"reason":"machine re-imaged, ticket 4711"}`, id))
		require.Equal(t, http.StatusOK, status, "%s", body)
		require.NoError(t, json.Unmarshal(body, &out))
	})
	assert.Equal(t, pubString(testKey(21)), out.Unpin.Key)
	leaf, err := w.lr.log.Record(out.Index)
	require.NoError(t, err)
	u, err := ParseUnpin(leaf)
	require.NoError(t, err, "the un-pin is a record of the log")
	assert.Equal(t, "machine re-imaged, ticket 4711", u.Reason)
	assert.Equal(t, uint64(2+3*8), w.lr.Size(), "nothing lost")

	// Refusals: unknown instance, no reason, not a UUID, unknown members.
	for body, want := range map[string]int{
		fmt.Sprintf(`{"instance_id":%q,"reason":"again"}`, id):           http.StatusNotFound,
		fmt.Sprintf(`{"instance_id":%q,"reason":"x"}`, uuidN(999)):       http.StatusNotFound,
		fmt.Sprintf(`{"instance_id":%q,"reason":""}`, uuidN(100)):        http.StatusBadRequest,
		`{"instance_id":"nope","reason":"x"}`:                            http.StatusBadRequest,
		fmt.Sprintf(`{"instance_id":%q,"reason":"x","y":1}`, uuidN(100)): http.StatusBadRequest,
	} {
		status, b := post(body)
		assert.Equal(t, want, status, "%s: %s", body, b)
	}
	assert.Equal(t, uint64(2+3*8), w.lr.Size(), "refused un-pins append nothing")

	// The new key pins; the old one is now the mismatch.
	status, body = w.post(w.sealed(22, w.heartbeat(id)))
	require.Equal(t, http.StatusOK, status, "%s", body)
	status, _ = w.post(w.sealed(21, w.heartbeat(id)))
	require.Equal(t, http.StatusForbidden, status)
	w.restartLR()
	status, _ = w.post(w.sealed(21, w.heartbeat(id)))
	require.Equal(t, http.StatusForbidden, status, "the rebuilt registry keeps the new pin")

	// The un-pin travels to the Global Registry's ledger.
	b, _ := w.export(ExportOptions{})
	res, err := w.gr.Import(ctx, bytes.NewReader(b))
	require.NoError(t, err)
	assert.Equal(t, int(w.lr.Size()), res.Receipt.Accepted)
	found := false
	for i := range w.gr.LedgerSize() {
		rec, err := w.gr.LedgerRecord(i)
		require.NoError(t, err)
		_, idx, lrRec, err := parseLedgerRecord(rec)
		require.NoError(t, err)
		if idx == out.Index {
			assert.Equal(t, leaf, lrRec)
			found = true
		}
	}
	assert.True(t, found, "the ledger holds the un-pin record")
}
