package chp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/envelope"
)

// adminPost posts a JSON body to the registry's operator endpoints and
// returns the status and the error body's code.
func adminPost(t *testing.T, h http.Handler, path string, body []byte) (int, errorBody) {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	h.ServeHTTP(rec, req)
	var eb errorBody
	if rec.Code != http.StatusOK {
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &eb))
	}
	return rec.Code, eb
}

// logged counts the heartbeat records of each instance in the registry's
// log, and returns the registry records' indexes.
func logged(t *testing.T, lr *LocalRegistry) (map[string]int, []uint64) {
	t.Helper()
	per, control := map[string]int{}, []uint64{}
	for i, leaf := range leaves(t, lr) {
		if isRegistryRecord(leaf) {
			control = append(control, uint64(i))
			continue
		}
		var rec Record
		require.NoError(t, rec.UnmarshalBinary(leaf))
		p, err := readPosted(rec.Heartbeat)
		require.NoError(t, err)
		per[p.instanceID]++
	}
	return per, control
}

// TestRevocationUnderTraffic: the Global Registry revokes the Local
// Registry's certificate while instances beat, and the revocation is
// installed in the Local Registry mid-traffic. No heartbeat is lost (each
// is in the registry's log or still queued by its instance); the registry
// stops claiming admission (info, HUD, header, export) but keeps logging;
// instances go to repairing; the revoked certificate and an older one
// cannot be installed again, also after a restart; the Global Registry
// refuses a bundle carrying the revoked certificate with an error naming
// the revocation, records the revocation in its ledger, and after
// re-admission imports the log, the revocation record included, keeping
// only records acknowledged while a certificate was valid and unrevoked.
func TestRevocationUnderTraffic(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	older := w.rac // issued first: must stay revoked with the newer one
	w.clock.Add(time.Hour)
	current, err := w.gr.Admit(w.lr.PublicKey(), 365*24*time.Hour)
	require.NoError(t, err)
	require.NoError(t, w.lr.InstallAdmissionCert(current))

	// Some traffic imported before the revocation.
	pre := w.instance(uuidN(99), 9, t.TempDir())
	for range 3 {
		w.clock.Add(time.Millisecond)
		_, err := pre.Beat(ctx)
		require.NoError(t, err)
	}
	b0, res0 := w.export(ExportOptions{})
	_, err = w.gr.Import(ctx, bytes.NewReader(b0))
	require.NoError(t, err)

	const n, beats = 4, 10
	ins := make([]*Instance, n)
	for i := range ins {
		ins[i] = w.instance(uuidN(100+i), byte(10+i), t.TempDir())
	}
	var rv *Revocation
	var grEntry, lrEntry *RevocationEntry
	var inFlight []byte // exported after the GR revoked, before the LR knew
	var wg sync.WaitGroup
	for _, in := range ins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range beats {
				w.clock.Add(time.Millisecond)
				_, _ = in.Beat(ctx) // refused once the revocation is known: stays queued
			}
		}()
	}
	for deadline := time.Now().Add(5 * time.Second); w.lr.Size() < res0.To+8 && time.Now().Before(deadline); {
		runtimeYield()
	}
	rv, grEntry, err = w.gr.Revoke(ctx, current.RACID, "registry decommissioned")
	require.NoError(t, err)
	inFlight, _ = w.export(ExportOptions{})
	lrEntry, err = w.lr.InstallRevocation(ctx, rv)
	require.NoError(t, err)
	wg.Wait()

	// Nothing lost: every heartbeat is logged or queued by its instance.
	per, control := logged(t, w.lr)
	require.Equal(t, []uint64{lrEntry.Index}, control, "the revocation is the log's one registry record")
	for i, in := range ins {
		_, err := in.Flush(ctx)
		var re *RevokedError
		require.ErrorAs(t, err, &re, "instance %d", i)
		assert.ErrorIs(t, err, ErrAdmission)
		assert.Equal(t, current.RACID, re.Revocation.RACID)
		assert.Equal(t, StatusRepairing, in.State())
		assert.Equal(t, beats, per[uuidN(100+i)]+int(in.Pending()), "instance %d: logged + queued", i)
	}
	again, err := w.lr.InstallRevocation(ctx, rv)
	require.NoError(t, err)
	assert.Equal(t, lrEntry, again, "installing it twice logs it once")

	// The registry says so, and keeps logging.
	checkRevokedLR := func() {
		t.Helper()
		var info Info
		require.Equal(t, http.StatusOK, w.getJSON("/registry/info", &info))
		assert.Nil(t, info.AdmissionCert, "no longer claims admission")
		wire, _ := rv.Marshal()
		assert.JSONEq(t, string(wire), string(info.RACRevocation))
		var hud HUDStatus
		require.Equal(t, http.StatusOK, w.getJSON("/hud/status.json", &hud))
		assert.Equal(t, StatusRepairing, hud.State)
		assert.False(t, hud.Admitted)
		require.NotNil(t, hud.Revocation)
		assert.Equal(t, current.RACID, hud.Revocation.RACID)
		resp, err := http.Post(w.srv.URL+"/registry/heartbeat", "application/json", bytes.NewReader(w.heartbeat(uuidN(7))))
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode, "heartbeats are still logged")
		assert.Equal(t, "revoked", resp.Header.Get("X-CHP-Admission"))
		var buf bytes.Buffer
		_, err = w.lr.Export(ctx, &buf, ExportOptions{})
		assert.ErrorIs(t, err, ErrRevoked)
		// Neither the revoked certificate nor an older one undoes it.
		for _, c := range []*AdmissionCert{current, older} {
			err := w.lr.InstallAdmissionCert(c)
			require.ErrorIs(t, err, ErrRevoked, "rac %s", c.RACID)
			assert.Contains(t, err.Error(), "registry decommissioned")
			b, _ := json.Marshal(c)
			code, eb := adminPost(t, w.lr.AdminHandler(), "/admin/admission", b)
			assert.Equal(t, http.StatusBadRequest, code)
			assert.Equal(t, "admission_refused", eb.Code)
			assert.Contains(t, eb.Error, "revoked")
		}
		assert.NotNil(t, w.lr.Revoked())
	}
	checkRevokedLR()
	w.restartLR()
	checkRevokedLR()

	// The Global Registry refuses the bundle in flight, naming the
	// revocation, and holds the revocation in its ledger.
	_, err = w.gr.Import(ctx, bytes.NewReader(inFlight))
	var re *RevokedError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "ledger", re.Where)
	assert.Equal(t, grEntry.Index, re.Index)
	assert.Contains(t, err.Error(), current.RACID)
	assert.Contains(t, err.Error(), "registry decommissioned")
	leaf, err := w.gr.LedgerRecord(grEntry.Index)
	require.NoError(t, err)
	assert.Equal(t, []byte(grEntry.Revocation), leaf)
	assert.Equal(t, []byte(lrEntry.Revocation), leaf, "the same bytes in both logs")
	// Auditable: its inclusion in the ledger verifies with the root key.
	proof, err := w.gr.LedgerProof(ctx, grEntry.Index)
	require.NoError(t, err)
	origin, err := grOrigin(w.root)
	require.NoError(t, err)
	nv, err := checkpoint.NewVerifier(origin, rawEd25519(t, w.root))
	require.NoError(t, err)
	_, err = proof.Verify(leaf, nv, nil, 0)
	require.NoError(t, err)
	lh, err := w.gr.LedgerHandler()
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	lh.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/ledger/revocations", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	var listed []RevocationEntry
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &listed))
	require.Len(t, listed, 1)
	assert.Equal(t, grEntry.Index, listed[0].Index)
	assert.Equal(t, string(leaf), string(listed[0].Revocation))
	_, _, err = w.gr.Revoke(ctx, current.RACID, "again")
	assert.ErrorIs(t, err, ErrRevoked)
	_, _, err = w.gr.Revoke(ctx, uuidN(5), "unknown")
	assert.ErrorIs(t, err, ErrNotFound)

	// Re-admission: a certificate issued after the revocation. The queued
	// heartbeats go out; nothing was lost.
	w.clock.Add(time.Minute)
	readmit, err := w.gr.Admit(w.lr.PublicKey(), 365*24*time.Hour)
	require.NoError(t, err)
	require.NoError(t, w.lr.InstallAdmissionCert(readmit))
	assert.Nil(t, w.lr.Revoked())
	for i, in := range ins {
		_, err := in.Flush(ctx)
		require.NoError(t, err, "instance %d", i)
		assert.Equal(t, StatusCoherent, in.State())
		assert.Zero(t, in.Pending())
	}
	per, _ = logged(t, w.lr)
	for i := range ins {
		assert.Equal(t, beats, per[uuidN(100+i)], "instance %d: every heartbeat logged", i)
	}

	// The import after re-admission: records acknowledged while no
	// certificate was valid and unrevoked (between revoked_at and the new
	// certificate) are rejected, the others and the revocation accepted.
	from := res0.To
	b2, res2 := w.export(ExportOptions{From: &from})
	out, err := w.gr.Import(ctx, bytes.NewReader(b2))
	require.NoError(t, err)
	wantAccepted, wantRejected := 0, 0
	for i := from; i < res2.To; i++ {
		leaf, err := w.lr.log.Record(i)
		require.NoError(t, err)
		if isRegistryRecord(leaf) {
			wantAccepted++
			continue
		}
		var r Record
		require.NoError(t, r.UnmarshalBinary(leaf))
		var a struct {
			Received time.Time `json:"received"`
		}
		require.NoError(t, json.Unmarshal(r.Ack, &a))
		if a.Received.Before(rv.RevokedAt) || !a.Received.Before(readmit.IssuedAt) {
			wantAccepted++
		} else {
			wantRejected++
		}
	}
	assert.Equal(t, wantAccepted, out.Receipt.Accepted)
	assert.Equal(t, wantRejected, out.Receipt.Rejected)
	assert.Positive(t, wantRejected, "the heartbeat posted while revoked is outside every validity")
	p, err := w.gr.LedgerProofFor(ctx, w.lr.Fingerprint(), lrEntry.Index)
	require.NoError(t, err, "the registry's revocation record is in the ledger")
	assert.True(t, bytes.HasSuffix(p.Record, lrEntry.Revocation))
}

// TestRevocationRefused: a revocation signed by a key other than the root,
// or for another registry, is refused by the Local Registry (and its
// operator endpoint) and changes nothing; an instance ignores a forged
// revocation in a registry's info.
func TestRevocationRefused(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	size := w.lr.Size()
	forged, err := IssueRevocation(envelope.NewEd25519Signer(testKey(101)), "GR", w.rac, "forged", w.clock.Now())
	require.NoError(t, err)
	_, err = w.lr.InstallRevocation(ctx, forged)
	require.ErrorIs(t, err, ErrBadSignature)
	b, _ := forged.Marshal()
	code, eb := adminPost(t, w.lr.AdminHandler(), "/admin/revocation", b)
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Equal(t, "revocation_refused", eb.Code)
	code, eb = adminPost(t, w.lr.AdminHandler(), "/admin/revocation", []byte(`{"type":"chp/rac-revocation"}`))
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Equal(t, "revocation_refused", eb.Code)

	other, err := w.gr.Admit(pubString(testKey(77)), time.Hour)
	require.NoError(t, err)
	elsewhere, _, err := w.gr.Revoke(ctx, other.RACID, "another registry")
	require.NoError(t, err)
	_, err = w.lr.InstallRevocation(ctx, elsewhere)
	require.ErrorIs(t, err, ErrKeyMismatch)
	assert.Equal(t, size, w.lr.Size(), "nothing logged")
	assert.Nil(t, w.lr.Revoked())
	assert.Empty(t, w.lr.Revocations())

	// An instance reading info with a forged revocation beside a valid
	// certificate trusts the certificate.
	in := w.instance(uuidN(1), 3, t.TempDir())
	info := Info{PublicKey: w.lr.PublicKey(), AdmissionCert: w.rac, RACRevocation: b}
	roots, err := NewRootSet(w.root)
	require.NoError(t, err)
	assert.Nil(t, in.revoked(&info, roots))
	// A genuine one covering it is heeded; one for another registry is not.
	genuine, err := IssueRevocation(envelope.NewEd25519Signer(testKey(100)), "GR", w.rac, "real", w.clock.Now())
	require.NoError(t, err)
	info.RACRevocation, _ = genuine.Marshal()
	assert.NotNil(t, in.revoked(&info, roots))
	info.RACRevocation, _ = elsewhere.Marshal()
	assert.Nil(t, in.revoked(&info, roots))
	_, err = in.Beat(ctx)
	require.NoError(t, err)
	assert.Equal(t, StatusCoherent, in.State())
}

// TestRevocationReconciled: a revocation appended to the ledger whose
// state write was lost (a crash between the two) is found in the ledger
// when the Global Registry opens again, and still refuses the bundles.
func TestRevocationReconciled(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	in := w.instance(uuidN(1), 3, t.TempDir())
	_, err := in.Beat(ctx)
	require.NoError(t, err)
	b, _ := w.export(ExportOptions{})
	statePath := filepath.Join(w.grDir, grStateFile)
	before, err := os.ReadFile(statePath)
	require.NoError(t, err)
	_, entry, err := w.gr.Revoke(ctx, w.rac.RACID, "key lost")
	require.NoError(t, err)
	require.NoError(t, w.gr.Close())
	require.NoError(t, os.WriteFile(statePath, before, 0o600))
	w.gr, err = OpenGlobalRegistry(w.grDir, testKey(100), WithGlobalClock(w.clock.Now))
	require.NoError(t, err)
	require.Len(t, w.gr.Revocations(), 1)
	assert.Equal(t, entry.Index, w.gr.Revocations()[0].Index)
	_, err = w.gr.Import(ctx, bytes.NewReader(b))
	require.ErrorIs(t, err, ErrRevoked)
	regs := w.gr.Registries()
	require.Len(t, regs, 1)
	require.Len(t, regs[0].Revocations, 1)
	if !errors.Is(err, ErrAdmission) {
		t.Fatalf("a revoked certificate is also not valid: %v", err)
	}
}

// TestReadmitAfterRotation: a registry that rotated its key, and whose
// rotation the Global Registry imported, is revoked and admitted again
// under its current key: the new certificate joins the registry the
// Global Registry knows (no second registry starting from nothing), the
// next bundle imports without a gap, and a revocation of the new
// certificate is found again when the state is rebuilt from the ledger.
func TestReadmitAfterRotation(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	in := w.instance(uuidN(1), 3, t.TempDir())
	_, err := in.Beat(ctx)
	require.NoError(t, err)
	_, err = w.lr.RotateKey(ctx, testKey(51))
	require.NoError(t, err)
	w.clock.Add(time.Second)
	_, err = in.Beat(ctx)
	require.NoError(t, err)
	b, _ := w.export(ExportOptions{})
	_, err = w.gr.Import(ctx, bytes.NewReader(b))
	require.NoError(t, err)

	v, _, err := w.gr.Revoke(ctx, w.rac.RACID, "key compromise suspected")
	require.NoError(t, err)
	_, err = w.lr.InstallRevocation(ctx, v)
	require.NoError(t, err)
	w.clock.Add(time.Minute)
	readmit, err := w.gr.Admit(w.lr.PublicKey(), 24*time.Hour) // the current key
	require.NoError(t, err)
	require.Len(t, w.gr.Registries(), 1, "the certificate joins the registry admitted under the first key")
	require.NoError(t, w.lr.InstallAdmissionCert(readmit))
	_, err = in.Flush(ctx)
	require.NoError(t, err)
	w.clock.Add(time.Second)
	_, err = in.Beat(ctx)
	require.NoError(t, err)
	b, _ = w.export(ExportOptions{})
	res, err := w.gr.Import(ctx, bytes.NewReader(b))
	require.NoError(t, err, "no gap: the import continues the registry's log")
	assert.Equal(t, readmit.RACID, res.Receipt.RACID)
	assert.Positive(t, res.Receipt.Accepted)

	// The new certificate revoked, the state write lost: the ledger has it.
	statePath := filepath.Join(w.grDir, grStateFile)
	before, err := os.ReadFile(statePath)
	require.NoError(t, err)
	_, entry, err := w.gr.Revoke(ctx, readmit.RACID, "decommissioned")
	require.NoError(t, err)
	require.NoError(t, w.gr.Close())
	require.NoError(t, os.WriteFile(statePath, before, 0o600))
	w.gr, err = OpenGlobalRegistry(w.grDir, testKey(100), WithGlobalClock(w.clock.Now))
	require.NoError(t, err)
	revs := w.gr.Revocations()
	require.Len(t, revs, 2)
	assert.Equal(t, entry.Index, revs[1].Index)
}
