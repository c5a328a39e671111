package chp

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHardening12JSONContentTypeOnly: a text/plain, form or multipart POST
// (which a web page may send across origins without a CORS preflight) is
// refused with 415 and logs nothing; application/json, with or without a
// charset parameter, is accepted. The admin endpoints follow the same rule.
func TestHardening12JSONContentTypeOnly(t *testing.T) {
	w := newWorld(t)
	post := func(ct string, body []byte) (int, []byte) {
		req, err := http.NewRequest(http.MethodPost, w.srv.URL+"/registry/heartbeat", bytes.NewReader(body))
		require.NoError(t, err)
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	for i, ct := range []string{"", "text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded",
		"multipart/form-data; boundary=x", "application/jsonx", "application/json-seq", "application/json; charset=utf-8;;"} {
		status, body := post(ct, w.heartbeat(uuidN(i)))
		assert.Equal(t, http.StatusUnsupportedMediaType, status, "content type %q", ct)
		assert.Contains(t, string(body), `"unsupported_media_type"`, "content type %q", ct)
	}
	assert.Equal(t, uint64(0), w.lr.Size(), "a refused content type logs nothing")
	assert.Equal(t, 8, w.lr.HUD().Rejected["unsupported_media_type"])

	status, _ := post("application/json", w.heartbeat(uuidN(100)))
	assert.Equal(t, http.StatusOK, status)
	status, _ = post("Application/JSON; charset=utf-8", w.heartbeat(uuidN(101)))
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, uint64(2), w.lr.Size())

	admin := w.lr.AdminHandler()
	for _, path := range []string{"/admin/admission", "/admin/receipt"} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader([]byte(`{}`)))
		req.Header.Set("Content-Type", "text/plain")
		admin.ServeHTTP(rec, req)
		assert.Equal(t, http.StatusUnsupportedMediaType, rec.Code, path)
	}
}

// TestHardening5InstanceIDCaseCanonical: an instance_id is one instance
// whatever the case it is written in. Pinned in lower case, the same UUID in
// upper case is refused for another key and for plain heartbeats, before
// and after a restart; the ACK names the canonical (lower-case) form, and
// the Global Registry compares instance_id and instance_ref in that form.
func TestHardening5InstanceIDCaseCanonical(t *testing.T) {
	w := newWorld(t)
	lower := "3ec2f1e0-2d31-4594-8d7b-8b9d8b2f2a11"
	upper := strings.ToUpper(lower)
	status, _ := w.post(w.sealed(1, w.heartbeat(lower)))
	require.Equal(t, http.StatusOK, status)

	check := func() {
		t.Helper()
		w.clock.Add(time.Second)
		status, body := w.post(w.sealed(2, w.heartbeat(upper)))
		assert.Equal(t, http.StatusForbidden, status, "%s", body)
		assert.Contains(t, string(body), `"key_mismatch"`)
		status, body = w.post(w.heartbeat(upper))
		assert.Equal(t, http.StatusUnauthorized, status, "%s", body)
		assert.Contains(t, string(body), `"signature_required"`)
		status, body = w.post(w.heartbeat("3EC2f1e0-2d31-4594-8D7B-8b9d8b2f2A11"))
		assert.Equal(t, http.StatusUnauthorized, status, "%s", body)
	}
	check()
	w.restartLR()
	check()

	// The pinned key itself may write the UUID in upper case; the ACK
	// names the canonical form.
	w.clock.Add(time.Second)
	status, body := w.post(w.sealed(1, w.heartbeat(upper)))
	require.Equal(t, http.StatusOK, status, "%s", body)
	a, err := DecodeAck(body)
	require.NoError(t, err)
	assert.Equal(t, lower, a.InstanceRef)
	assert.Equal(t, 1, w.lr.HUD().Instances[StatusCoherent], "one instance, whatever the case")

	// A record whose heartbeat writes the UUID in upper case and whose ACK
	// names it in lower case is one instance at the Global Registry too.
	require.Equal(t, uint64(2), w.lr.Size())
	b, _ := w.export(ExportOptions{})
	res, err := w.gr.Import(context.Background(), bytes.NewReader(b))
	require.NoError(t, err)
	assert.Equal(t, 2, res.Receipt.Accepted)
	assert.Equal(t, 0, res.Receipt.Rejected)
}

// TestHardening8RefusedHeartbeatsDoNotGrowKeyRing: 50 heartbeats sealed by
// 50 fresh keys, each refused after its seal verified (addressed to another
// registry, stale, or a replay of a pinned instance's id with another key)
// and then sent again (a replay), leave the registry's key ring and pins as
// they were; an accepted one adds exactly its key.
func TestHardening8RefusedHeartbeatsDoNotGrowKeyRing(t *testing.T) {
	w := newWorld(t)
	keys := func() int { return len(w.lr.verifier.KeyRing().Keys()) }
	status, _ := w.post(w.sealed(200, w.heartbeat(uuidN(1))))
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, 1, keys())
	for i := range 50 {
		hb := w.heartbeat(uuidN(1000 + i))
		switch i % 3 {
		case 0:
			hb = editJSON(t, hb, "meta", map[string]any{"sandbox": true, "registry_fingerprint": "sha256:" + strings.Repeat("ab", 32)})
		case 1:
			hb = editJSON(t, hb, "timestamp", w.clock.Now().Add(-30*24*time.Hour).Format(time.RFC3339))
		case 2:
			hb = w.heartbeat(uuidN(1)) // pinned to key 200
		}
		env := w.sealed(byte(i+1), hb)
		status, body := w.post(env)
		require.NotEqual(t, http.StatusOK, status, "%s", body)
		// Sent again, it is a replay, which the verifier finds only after
		// it has checked the seal (and learned the key).
		status, body = w.post(env)
		require.Equal(t, http.StatusConflict, status, "%s", body)
	}
	assert.Equal(t, 1, keys(), "refused heartbeats added keys to the ring")
	w.lr.mu.Lock()
	assert.Len(t, w.lr.pins, 1)
	w.lr.mu.Unlock()

	status, _ = w.post(w.sealed(201, w.heartbeat(uuidN(2))))
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, 2, keys())
	// The pinned keys stay usable after refusals that named them.
	w.clock.Add(time.Second)
	status, _ = w.post(w.sealed(200, w.heartbeat(uuidN(1))))
	require.Equal(t, http.StatusOK, status)
}

// TestHardening2AckBindsHeartbeat: every ACK binds the heartbeat it
// answers, so an ACK captured on the path cannot answer another heartbeat;
// the instance bounds an ACK's age; a refusal of a body the registry did
// not authenticate carries no signed ACK; every ACK still validates
// against the chp-v1 schema.
func TestHardening2AckBindsHeartbeat(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	victim := uuidN(1)
	in := w.instance(victim, 11, t.TempDir())
	first, err := in.Beat(ctx)
	require.NoError(t, err)
	require.Equal(t, AckVerified, first.Status)

	// Harvest: anyone posts a stale plain heartbeat naming the pinned
	// victim. The refusal carries no ACK.
	stale := editJSON(t, w.heartbeat(victim), "timestamp", w.clock.Now().Add(-30*24*time.Hour).Format(time.RFC3339))
	status, body := w.post(stale)
	require.Equal(t, http.StatusUnprocessableEntity, status)
	var eb errorBody
	require.NoError(t, json.Unmarshal(body, &eb))
	assert.Equal(t, "timestamp_stale", eb.Code)
	assert.Empty(t, eb.Ack, "a refusal of an unauthenticated body for a pinned instance is unsigned")

	// A refusal the registry signs (a sealed heartbeat that is stale) is
	// bound to that heartbeat: it does not verify for any other.
	status, body = w.post(w.sealed(11, stale))
	require.Equal(t, http.StatusUnprocessableEntity, status)
	eb = errorBody{}
	require.NoError(t, json.Unmarshal(body, &eb))
	require.NotEmpty(t, eb.Ack)
	harvested := []byte(eb.Ack)
	_, err = VerifyAck(harvested, w.lrKey, stale)
	require.NoError(t, err)
	_, err = VerifyAck(harvested, w.lrKey, w.heartbeat(victim))
	assert.ErrorIs(t, err, ErrBadSignature)

	// Every ACK so far validates against the original chp-v1 schema.
	for _, a := range [][]byte{harvested} {
		doc, err := parseStrict(a)
		require.NoError(t, err)
		require.NoError(t, validate("ack", doc))
	}

	// An attacker on the path answers the victim's next heartbeats with
	// the captured ACKs: a replayed "verified" ACK does not mark a new
	// heartbeat delivered, a replayed "rejected" ACK does not skip it.
	rec := mustRecord(t, w.lr, 0)
	replayVerified := rec.Ack
	for _, tc := range []struct {
		name   string
		status int
		answer []byte
	}{
		{"replayed verified ack", http.StatusOK, replayVerified},
		{"replayed rejected ack", http.StatusUnprocessableEntity, mustJSON(t, errorBody{Error: "stale", Code: "timestamp_stale", Ack: harvested})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mitm := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodGet {
					w.lr.ServeHTTP(rw, r)
					return
				}
				rw.Header().Set("Content-Type", "application/json")
				rw.WriteHeader(tc.status)
				rw.Write(tc.answer)
			}))
			defer mitm.Close()
			cfg := in.cfg
			cfg.HomeURI, cfg.QueueDir = mitm.URL+"/registry/heartbeat", t.TempDir()
			vin, err := NewInstance(cfg)
			require.NoError(t, err)
			defer vin.Close()
			w.clock.Add(time.Second)
			_, err = vin.Beat(ctx)
			require.Error(t, err)
			assert.Equal(t, uint64(1), vin.Pending(), "the heartbeat stays queued")
			assert.Nil(t, vin.LastAck())
		})
	}

	// The instance bounds an ACK's age: a genuine ACK for this very
	// heartbeat, received longer ago than AckMaxAge, is refused.
	old := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			w.lr.ServeHTTP(rw, r)
			return
		}
		b, _ := io.ReadAll(r.Body)
		hb, _, _ := postedHeartbeat(b)
		ack, _ := SignAck(w.lr.ident().signer, &Ack{InstanceRef: victim, Received: w.clock.Now().Add(-DefaultAckMaxAge - time.Hour), Status: AckVerified}, hb)
		rw.Write(ack)
	}))
	defer old.Close()
	cfg := in.cfg
	cfg.HomeURI, cfg.QueueDir = old.URL+"/registry/heartbeat", t.TempDir()
	oin, err := NewInstance(cfg)
	require.NoError(t, err)
	defer oin.Close()
	_, err = oin.Beat(ctx)
	assert.ErrorIs(t, err, ErrTimestamp)
	assert.Equal(t, uint64(1), oin.Pending())

	// The real registry's ACKs go on verifying.
	w.clock.Add(time.Second)
	a, err := in.Beat(ctx)
	require.NoError(t, err)
	assert.Equal(t, AckVerified, a.Status)
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// TestHardening3ImportReconciledAfterCrash: an import whose ledger append
// landed but whose state write did not (a crash between the two) is
// reconciled into the durable state when the Global Registry opens, before
// any other state write. After the crash, an unrelated state write (Admit)
// and a restart, importing the same bundle again appends nothing; so do
// further crash-and-restart sequences, and the next bundle appends exactly
// its new records.
func TestHardening3ImportReconciledAfterCrash(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	statePath := filepath.Join(w.grDir, grStateFile)
	reopen := func() {
		t.Helper()
		require.NoError(t, w.gr.Close())
		var err error
		w.gr, err = OpenGlobalRegistry(w.grDir, testKey(100), WithGlobalClock(w.clock.Now))
		require.NoError(t, err)
	}
	// crashImport imports b and then puts the state file back as it was
	// before, as if the process died between the ledger append and the
	// state write.
	crashImport := func(b []byte) {
		t.Helper()
		before, err := os.ReadFile(statePath)
		require.NoError(t, err)
		_, err = w.gr.Import(ctx, bytes.NewReader(b))
		require.NoError(t, err)
		require.NoError(t, w.gr.Close())
		require.NoError(t, os.WriteFile(statePath, before, 0o600))
		w.gr, err = OpenGlobalRegistry(w.grDir, testKey(100), WithGlobalClock(w.clock.Now))
		require.NoError(t, err)
	}
	importCounts := func(b []byte) (accepted, dup int) {
		t.Helper()
		res, err := w.gr.Import(ctx, bytes.NewReader(b))
		require.NoError(t, err)
		return res.Receipt.Accepted, res.Receipt.Duplicate
	}

	w.beats(4)
	b1, _ := w.export(ExportOptions{})
	crashImport(b1)
	require.Equal(t, uint64(4), w.gr.LedgerSize())
	// An unrelated state write, then a restart.
	other, err := OpenLocalRegistry(t.TempDir(), testKey(51))
	require.NoError(t, err)
	defer other.Close()
	_, err = w.gr.Admit(other.PublicKey(), time.Hour)
	require.NoError(t, err)
	reopen()
	acc, dup := importCounts(b1)
	assert.Equal(t, 0, acc)
	assert.Equal(t, 4, dup)
	assert.Equal(t, uint64(4), w.gr.LedgerSize(), "the ledger holds each record once")

	// Crash again on the next bundle, restart twice with a state write in
	// between, then import a bundle overlapping both.
	w.beats(3)
	from := uint64(4)
	b2, _ := w.export(ExportOptions{From: &from})
	crashImport(b2)
	reopen()
	_, err = w.gr.Admit(other.PublicKey(), time.Hour)
	require.NoError(t, err)
	reopen()
	require.Equal(t, uint64(7), w.gr.LedgerSize())
	w.beats(2)
	zero := uint64(4)
	b3, _ := w.export(ExportOptions{From: &zero})
	acc, dup = importCounts(b3)
	assert.Equal(t, 2, acc, "only the two new records are appended")
	assert.Equal(t, 3, dup)
	assert.Equal(t, uint64(9), w.gr.LedgerSize())
	acc, dup = importCounts(b3)
	assert.Equal(t, 0, acc)
	assert.Equal(t, 5, dup)
	assert.Equal(t, uint64(9), w.gr.LedgerSize())

	// Every ledger record is one distinct Local Registry record.
	seen := map[uint64]bool{}
	for i := range w.gr.LedgerSize() {
		rec, err := w.gr.ledger.Record(i)
		require.NoError(t, err)
		_, idx, _, err := parseLedgerRecord(rec)
		require.NoError(t, err)
		assert.False(t, seen[idx], "LR record %d in the ledger twice", idx)
		seen[idx] = true
	}
}

// TestHardening6RACValidAtGlobalClock: a bundle made while its admission
// certificate was valid is refused once the certificate expired, by the
// Global Registry's clock, longer ago than the grace period, whatever the
// bundle's created_at says; within the grace it imports. The grace is
// bounded.
func TestHardening6RACValidAtGlobalClock(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	rac, err := w.gr.Admit(w.lr.PublicKey(), time.Hour) // a short certificate
	require.NoError(t, err)
	require.NoError(t, w.lr.InstallAdmissionCert(rac))
	w.beats(2)
	b, _ := w.export(ExportOptions{}) // created inside the validity

	w.clock.Add(2 * 365 * 24 * time.Hour) // years later
	_, err = w.gr.Import(ctx, bytes.NewReader(b))
	require.ErrorIs(t, err, ErrExpired)
	assert.Contains(t, err.Error(), "grace")
	assert.Equal(t, uint64(0), w.gr.LedgerSize())

	// Within the grace period the same bundle imports.
	w.clock.Add(-2 * 365 * 24 * time.Hour)
	w.clock.Add(time.Hour + DefaultImportGrace - time.Minute)
	res, err := w.gr.Import(ctx, bytes.NewReader(b))
	require.NoError(t, err)
	assert.Equal(t, 2, res.Receipt.Accepted)

	// With no grace, the same bundle after expiry is refused.
	require.NoError(t, w.gr.Close())
	w.gr, err = OpenGlobalRegistry(w.grDir, testKey(100), WithGlobalClock(w.clock.Now), WithImportGrace(0))
	require.NoError(t, err)
	_, err = w.gr.Import(ctx, bytes.NewReader(b))
	require.ErrorIs(t, err, ErrExpired)
	_, err = OpenGlobalRegistry(t.TempDir(), testKey(100), WithImportGrace(MaxImportGrace+time.Hour))
	assert.Error(t, err, "the grace period is bounded")
}

// TestHardening9RegistriesReadHeartbeatsAlike: member names written with
// JSON escapes ("\u0070ayload" in an envelope, "\u0069nstance_id" in a
// heartbeat) are the same members for the Local Registry that verified the
// heartbeat and for the Global Registry importing it (in both import
// modes), and for a Local Registry rebuilding its indexes from the log.
func TestHardening9RegistriesReadHeartbeatsAlike(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	sealed := bytes.Replace(w.sealed(7, w.heartbeat(uuidN(1))), []byte(`"payload"`), []byte(`"\u0070ayload"`), 1)
	require.Contains(t, string(sealed), `\u0070ayload`)
	status, body := w.post(sealed)
	require.Equal(t, http.StatusOK, status, "%s", body)
	a, err := DecodeAck(body)
	require.NoError(t, err)
	require.Equal(t, AckVerified, a.Status)

	plain := bytes.Replace(w.heartbeat(uuidN(2)), []byte(`"instance_id"`), []byte(`"\u0069nstance_id"`), 1)
	status, body = w.post(plain)
	require.Equal(t, http.StatusOK, status, "%s", body)

	// Rebuilt from the log, the pin of the escaped envelope holds.
	w.restartLR()
	status, body = w.post(w.sealed(8, w.heartbeat(uuidN(1))))
	assert.Equal(t, http.StatusForbidden, status, "%s", body)

	b, _ := w.export(ExportOptions{})
	res, err := w.gr.Import(ctx, bytes.NewReader(b))
	require.NoError(t, err)
	assert.Equal(t, 2, res.Receipt.Accepted)
	assert.Equal(t, 0, res.Receipt.Rejected)

	strict, err := OpenGlobalRegistry(t.TempDir(), testKey(100), WithGlobalClock(w.clock.Now), WithStrictImport(true))
	require.NoError(t, err)
	defer strict.Close()
	rac, err := strict.Admit(w.lr.PublicKey(), 365*24*time.Hour)
	require.NoError(t, err)
	require.NoError(t, w.lr.InstallAdmissionCert(rac))
	b, _ = w.export(ExportOptions{From: new(uint64)})
	res, err = strict.Import(ctx, bytes.NewReader(b))
	require.NoError(t, err)
	assert.Equal(t, 2, res.Receipt.Accepted)
	assert.Equal(t, 0, res.Receipt.Rejected)
}
