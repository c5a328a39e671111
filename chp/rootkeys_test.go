package chp

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/envelope"
)

// importNext exports what the registry logged since its last export and
// imports it into the world's Global Registry.
func (w *world) importNext(ctx context.Context) *ImportResult {
	w.t.Helper()
	b, _ := w.export(ExportOptions{})
	res, err := w.gr.Import(ctx, bytes.NewReader(b))
	require.NoError(w.t, err)
	return res
}

// rawRecords turns a list of records into what AddRootRotations takes.
func rawRecords(rs []json.RawMessage) [][]byte {
	out := make([][]byte, len(rs))
	for i, r := range rs {
		out[i] = r
	}
	return out
}

// TestRootRotationUnderTraffic: the Global Registry rotates its root key
// while instances beat and bundles are imported. Nothing is lost: every
// heartbeat reaches the ledger once, receipts issued before the rotation
// verify under the old root and those after under the new one, the Local
// Registry learns the rotation and keeps pinning receipts, instances given
// the old root trust a certificate of the new one, and a Local Registry
// with pinned receipts of both roots restarts.
func TestRootRotationUnderTraffic(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	oldRoot, newRoot := w.root, pubString(testKey(101))
	var receipts []*ImportResult
	var rot *RootRotation
	const n, beats = 4, 12
	ins := beatConcurrently(t, w, n, beats, func() {
		for deadline := time.Now().Add(5 * time.Second); w.lr.Size() < 10 && time.Now().Before(deadline); {
			runtimeYield()
		}
		// Before the rotation: a receipt under the old root, pinned.
		receipts = append(receipts, w.importNext(ctx))
		_, err := w.lr.PinReceipt(receipts[0].Signed)
		require.NoError(t, err)
		w.clock.Add(2 * time.Second)
		// The rotation and an import race; both finish.
		var wg sync.WaitGroup
		var raced *ImportResult
		wg.Add(2)
		go func() { defer wg.Done(); raced = w.importNext(ctx) }()
		go func() {
			defer wg.Done()
			var err error
			rot, err = w.gr.RotateRoot(ctx, testKey(101))
			assert.NoError(t, err)
		}()
		wg.Wait()
		require.NotNil(t, rot)
		receipts = append(receipts, raced)
		w.clock.Add(2 * time.Second)
		// After: the Local Registry refuses the new root's receipt until
		// it learns the rotation, then pins it.
		receipts = append(receipts, w.importNext(ctx))
		_, err = w.lr.PinReceipt(receipts[2].Signed)
		require.ErrorIs(t, err, ErrBadSignature)
		roots, err := w.lr.AddRootRotations(rawRecords(w.gr.RootRotations())...)
		require.NoError(t, err)
		require.Equal(t, []string{oldRoot, newRoot}, roots.Keys())
		for _, rc := range receipts[1:] {
			_, err = w.lr.PinReceipt(rc.Signed)
			require.NoError(t, err)
		}
	})
	require.Equal(t, newRoot, w.gr.PublicKey())
	receipts = append(receipts, w.importNext(ctx))
	_, err := w.lr.PinReceipt(receipts[3].Signed)
	require.NoError(t, err)

	// Nothing lost: every record of the Local Registry is in the ledger
	// once, beside the rotation record.
	accepted := 0
	for _, r := range receipts {
		accepted += r.Receipt.Accepted
		assert.Zero(t, r.Receipt.Rejected)
	}
	assert.Equal(t, n*beats, accepted)
	assert.Equal(t, uint64(n*beats), w.lr.Size())
	assert.Equal(t, uint64(n*beats+1), w.gr.LedgerSize())
	leaf, err := w.gr.LedgerRecord(rot.Size)
	require.NoError(t, err)
	again, err := rot.Marshal()
	require.NoError(t, err)
	require.Equal(t, again, leaf, "the rotation is a record of the ledger, at the size it names")

	// Receipts before verify under the old root alone, receipts after
	// under the new root alone (the ledger's origin stays the first
	// root's), each under the root of its time.
	_, err = VerifyReceipt(receipts[0].Signed, oldRoot)
	require.NoError(t, err)
	_, err = VerifyReceipt(receipts[0].Signed, newRoot)
	require.ErrorIs(t, err, ErrBadSignature)
	for _, r := range receipts[2:] {
		_, err = VerifyReceipt(r.Signed, newRoot)
		require.NoError(t, err)
		_, err = VerifyReceipt(r.Signed, oldRoot)
		require.ErrorIs(t, err, ErrBadSignature)
	}
	set := w.lr.RootSet()
	for i, r := range receipts {
		_, err = set.VerifyReceipt(r.Signed)
		require.NoError(t, err, "receipt %d", i)
	}
	grReceipts, err := w.gr.Receipts()
	require.NoError(t, err)
	assert.Len(t, grReceipts, len(receipts))

	// The ledger is consistent across the rotation: a verifier that holds
	// the old root verifies the checkpoint before, learns the new root,
	// verifies the checkpoint after and the proof between them.
	before, err := set.VerifyCheckpoint([]byte(receipts[0].Receipt.Ledger))
	require.NoError(t, err)
	after, err := set.VerifyCheckpoint([]byte(receipts[3].Receipt.Ledger))
	require.NoError(t, err)
	require.Less(t, before.Size, rot.Size+1)
	require.Greater(t, after.Size, rot.Size)
	cons, err := w.gr.LedgerConsistency(ctx, before.Size, after.Size)
	require.NoError(t, err)
	require.NoError(t, cons.Verify(before, after))
	// A ledger proof of a record imported before the rotation verifies
	// with the new root (a fresh checkpoint).
	lp, err := w.gr.LedgerProofFor(ctx, w.lr.Fingerprint(), 0)
	require.NoError(t, err)
	_, err = lp.Verify(newRoot)
	require.NoError(t, err)

	// The old certificate still admits the registry; a certificate of the
	// new root installs, and instances given only the old root follow the
	// rotation records the registry lists to trust it.
	assert.Equal(t, StatusCoherent, w.lr.HUD().State)
	rac2, err := w.gr.Admit(w.lr.PublicKey(), 365*24*time.Hour)
	require.NoError(t, err)
	require.NoError(t, w.lr.InstallAdmissionCert(rac2))
	for _, root := range []string{oldRoot, newRoot} {
		w.root = root
		in := w.instance(uuidN(300), 30, t.TempDir())
		_, err = in.Beat(ctx)
		require.NoError(t, err, "instance given root %.30s", root)
		assert.Equal(t, rac2.RACID, in.AdmissionCert().RACID)
	}
	w.root = oldRoot
	_, err = ins[0].Beat(ctx)
	require.NoError(t, err, "a running instance keeps beating")

	// The Local Registry restarts with its pinned receipts of both roots,
	// given the old root or the new one.
	names, err := w.lr.Receipts()
	require.NoError(t, err)
	require.Len(t, names, len(receipts))
	w.restartLR()
	assert.Equal(t, receipts[3].Receipt.ReceiptID, w.lr.HUD().LastReceipt.ReceiptID)
	assert.Equal(t, StatusCoherent, w.lr.HUD().State)
	w.restartLR(WithRootKey(newRoot))
	assert.Equal(t, []string{oldRoot, newRoot}, w.lr.RootSet().Keys())

	// A registry that never learned the rotation does not take the new
	// root on the operator's word; with the rotation record it does.
	fresh := t.TempDir()
	lr2, err := OpenLocalRegistry(fresh, testKey(52), WithRootKey(oldRoot), WithClock(w.clock.Now))
	require.NoError(t, err)
	require.NoError(t, lr2.Close())
	_, err = OpenLocalRegistry(fresh, testKey(52), WithRootKey(newRoot), WithClock(w.clock.Now))
	require.ErrorIs(t, err, ErrKeyMismatch)
	lr2, err = OpenLocalRegistry(fresh, testKey(52), WithRootKey(newRoot), WithClock(w.clock.Now),
		WithRootRotations(rawRecords(w.gr.RootRotations())...))
	require.NoError(t, err)
	require.NoError(t, lr2.Close())

	// The Global Registry opens again only with the new root, and goes on.
	require.NoError(t, w.gr.Close())
	_, err = OpenGlobalRegistry(w.grDir, testKey(100), WithGlobalClock(w.clock.Now))
	require.ErrorIs(t, err, ErrKeyRotated)
	_, err = OpenGlobalRegistry(w.grDir, testKey(102), WithGlobalClock(w.clock.Now))
	require.ErrorIs(t, err, ErrKeyMismatch)
	w.gr, err = OpenGlobalRegistry(w.grDir, testKey(101), WithGlobalClock(w.clock.Now))
	require.NoError(t, err)
	assert.Equal(t, newRoot, w.gr.PublicKey())
	assert.Len(t, w.gr.RootRotations(), 1)
	grReceipts, err = w.gr.Receipts()
	require.NoError(t, err)
	assert.Len(t, grReceipts, len(receipts))
	w.clock.Add(time.Second)
	_, err = ins[1].Beat(ctx)
	require.NoError(t, err)
	res := w.importNext(ctx)
	assert.Positive(t, res.Receipt.Accepted)
	assert.Zero(t, res.Receipt.Rejected)
	assert.Equal(t, w.lr.Size()+1, w.gr.LedgerSize(), "every record of the registry, and the rotation, is in the ledger")
	_, err = w.lr.PinReceipt(res.Signed)
	require.NoError(t, err)
	// Rotating back to a root used before is refused.
	_, err = w.gr.RotateRoot(ctx, testKey(100))
	require.ErrorIs(t, err, ErrKeyRotated)
}

// TestRootRotationRefused: root rotation records signed by a wrong key, not
// chaining from a trusted root, or leading back to an old root are
// refused, and so are certificates and receipts an old root signed for a
// time after it was rotated away; nothing the registry trusts changes.
func TestRootRotationRefused(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	oldRoot := w.root
	w.beats(2)
	w.clock.Add(time.Minute)
	rot, err := w.gr.RotateRoot(ctx, testKey(101))
	require.NoError(t, err)
	good, err := rot.Marshal()
	require.NoError(t, err)
	w.clock.Add(time.Minute)

	// forge signs a rotation from old to next with the keys given.
	forge := func(r RootRotation, oldSigner, newSigner byte) []byte {
		require.NoError(t, signRootRotation(&r, envelope.NewEd25519Signer(testKey(oldSigner)), envelope.NewEd25519Signer(testKey(newSigner))))
		b, err := r.Marshal()
		require.NoError(t, err)
		return b
	}
	base := *rot
	base.OldSignature, base.NewSignature = "", ""
	rootsFile := filepath.Join(w.lrDir, lrRootsFile)
	stored, err := os.ReadFile(rootsFile)
	require.NoError(t, err)
	cases := []struct {
		name   string
		record []byte
		want   error
	}{
		{"old signature by another key", forge(base, 102, 101), ErrBadSignature},
		{"new signature by another key", forge(base, 100, 102), ErrBadSignature},
		{"from a root never trusted", forge(RootRotation{Origin: rot.Origin, Size: 3, Root: rot.Root,
			OldKey: pubString(testKey(103)), NewKey: pubString(testKey(104)), RotatedAt: rot.RotatedAt}, 103, 104), ErrKeyMismatch},
		{"not canonical", append([]byte(" "), good...), ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := w.lr.AddRootRotations(c.record)
			require.ErrorIs(t, err, c.want)
			assert.Equal(t, []string{oldRoot}, w.lr.RootSet().Keys())
			after, err := os.ReadFile(rootsFile)
			require.NoError(t, err)
			assert.Equal(t, stored, after, "the trusted roots on disk are unchanged")
		})
	}
	// The same through the operator endpoint: 400 root_rotation_refused.
	admin := httptest.NewServer(w.lr.AdminHandler())
	defer admin.Close()
	resp, err := http.Post(admin.URL+"/admin/root-rotation", "application/json", bytes.NewReader(cases[0].record))
	require.NoError(t, err)
	var body struct{ Code string }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Equal(t, "root_rotation_refused", body.Code)

	// The genuine record, as the Global Registry's public ledger lists it,
	// is learned through the endpoint, and learning it twice changes
	// nothing.
	lh, err := w.gr.LedgerHandler()
	require.NoError(t, err)
	ledger := httptest.NewServer(lh)
	defer ledger.Close()
	resp, err = http.Get(ledger.URL + "/ledger/root-rotations")
	require.NoError(t, err)
	var published []json.RawMessage
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&published))
	resp.Body.Close()
	require.Equal(t, []json.RawMessage{good}, published)
	list, err := json.MarshalIndent(published, "", "  ")
	require.NoError(t, err)
	for range 2 {
		resp, err = http.Post(admin.URL+"/admin/root-rotation", "application/json", bytes.NewReader(list))
		require.NoError(t, err)
		var tr TrustedRoots
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&tr))
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, rot.NewKey, tr.RootKey)
		assert.Len(t, tr.RootRotations, 1)
	}

	// Rollback: a rotation back to the old root, signed by both, is
	// refused; so is a second rotation from the old root (a fork).
	back := forge(RootRotation{Origin: rot.Origin, Size: rot.Size + 1, Root: rot.Root, OldKey: rot.NewKey, NewKey: oldRoot,
		RotatedAt: w.clock.Now().Truncate(time.Second)}, 101, 100)
	_, err = w.lr.AddRootRotations(back)
	require.ErrorIs(t, err, ErrKeyMismatch)
	fork := forge(RootRotation{Origin: rot.Origin, Size: rot.Size, Root: rot.Root, OldKey: oldRoot, NewKey: pubString(testKey(105)),
		RotatedAt: rot.RotatedAt}, 100, 105)
	_, err = w.lr.AddRootRotations(fork)
	require.ErrorIs(t, err, ErrKeyMismatch)
	assert.Equal(t, rot.NewKey, w.lr.RootSet().Current())
	// Once a rotation named the ledger, a rotation of another ledger is
	// refused.
	other := forge(RootRotation{Origin: "accord.chp/gr/0000000000000000", Size: rot.Size + 1, Root: rot.Root, OldKey: rot.NewKey,
		NewKey: pubString(testKey(106)), RotatedAt: w.clock.Now().Truncate(time.Second)}, 101, 106)
	_, err = w.lr.AddRootRotations(other)
	require.ErrorIs(t, err, ErrKeyMismatch)
	// Nor does the operator name a root the registry does not trust.
	require.ErrorIs(t, w.lr.SetRootKey(pubString(testKey(105))), ErrKeyMismatch)
	require.NoError(t, w.lr.SetRootKey(oldRoot), "a root of the set")

	// A certificate the old root signed after it was rotated away is
	// refused; one it signed before still verifies.
	late, err := IssueAdmissionCert(envelope.NewEd25519Signer(testKey(100)), "GR", w.lr.PublicKey(), w.clock.Now(), w.clock.Now().Add(time.Hour))
	require.NoError(t, err)
	require.ErrorIs(t, w.lr.InstallAdmissionCert(late), ErrBadSignature)
	require.NoError(t, w.lr.InstallAdmissionCert(w.rac))
	// A receipt the old root sealed after the rotation is refused, even
	// around a genuine ledger checkpoint.
	res := w.importNext(ctx)
	opened, err := w.lr.RootSet().VerifyReceipt(res.Signed)
	require.NoError(t, err)
	forged, err := envelope.Seal(envelope.NewEd25519Signer(testKey(100)), ReceiptType, opened, envelope.WithTimestamp(opened.ImportedAt))
	require.NoError(t, err)
	_, err = w.lr.PinReceipt(forged)
	require.ErrorIs(t, err, ErrBadSignature)
	_, err = w.lr.PinReceipt(res.Signed)
	require.NoError(t, err)

	// A revocation is checked with the root of its revoked_at: the old
	// root's, dated after the rotation, is refused; the Global Registry's,
	// signed by the new root, installs.
	stale, err := IssueRevocation(envelope.NewEd25519Signer(testKey(100)), "GR", w.rac, "old root", w.clock.Now())
	require.NoError(t, err)
	_, err = w.lr.InstallRevocation(ctx, stale)
	require.ErrorIs(t, err, ErrBadSignature)
	v, _, err := w.gr.Revoke(ctx, w.rac.RACID, "decommissioned")
	require.NoError(t, err)
	_, err = w.lr.InstallRevocation(ctx, v)
	require.NoError(t, err)
	require.NotNil(t, w.lr.Revoked())
}

// TestRootRotationInterrupted: a root rotation logged in the ledger whose
// state was never written (the process stopped in between) is found in
// the ledger when the Global Registry opens: the old root is refused and
// the new one opens with the rotation.
func TestRootRotationInterrupted(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.beats(3)
	w.importNext(ctx)
	rot, err := w.gr.RotateRoot(ctx, testKey(101))
	require.NoError(t, err)
	require.NoError(t, w.gr.Close())
	// Roll the state back to before the rotation.
	path := filepath.Join(w.grDir, grStateFile)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var st map[string]any
	require.NoError(t, json.Unmarshal(b, &st))
	delete(st, "root_rotations")
	delete(st, "root_key") // as a state written before the root was named
	st["ledger_size"] = rot.Size
	b, err = json.Marshal(st)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, b, 0o600))

	_, err = OpenGlobalRegistry(w.grDir, testKey(100), WithGlobalClock(w.clock.Now))
	require.ErrorIs(t, err, ErrKeyRotated)
	w.gr, err = OpenGlobalRegistry(w.grDir, testKey(101), WithGlobalClock(w.clock.Now))
	require.NoError(t, err)
	require.Len(t, w.gr.RootRotations(), 1)
	leaf, err := rot.Marshal()
	require.NoError(t, err)
	assert.Equal(t, json.RawMessage(leaf), w.gr.RootRotations()[0])
	// Imports go on under the new root.
	w.beats(2)
	res := w.importNext(ctx)
	assert.Equal(t, 2, res.Receipt.Accepted)
	_, err = VerifyReceipt(res.Signed, pubString(testKey(101)))
	require.NoError(t, err)
}
