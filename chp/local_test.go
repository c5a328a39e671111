package chp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/envelope"
)

func TestLocalRegistryAcceptsPlainAndSealed(t *testing.T) {
	w := newWorld(t)

	// An existing chp-v1 client: plain heartbeat with an offset timestamp.
	plain := []byte(strings.Replace(plainHeartbeat, "https://accord.local/registry/heartbeat", w.srv.URL, 1))
	status, body := w.post(plain)
	require.Equal(t, 200, status, "%s", body)
	ack, err := VerifyAck(body, w.lrKey, plain)
	require.NoError(t, err)
	assert.Equal(t, AckQueued, ack.Status)
	assert.Equal(t, "3ec2f1e0-2d31-4594-8d7b-8b9d8b2f2a11", ack.InstanceRef)

	// A sealed heartbeat: verified, and the key is pinned.
	hb1 := w.heartbeat(uuidN(1))
	status, body = w.post(w.sealed(7, hb1))
	require.Equal(t, 200, status, "%s", body)
	ack, err = VerifyAck(body, w.lrKey, hb1)
	require.NoError(t, err)
	assert.Equal(t, AckVerified, ack.Status)
	assert.Equal(t, uint64(2), w.lr.Size())

	// The ACK's record is provably in the log.
	var p RecordProof
	require.Equal(t, 200, w.getJSON("/registry/proof/"+ack.AckID, &p))
	proven, err := p.Verify(w.lrKey)
	require.NoError(t, err)
	assert.Equal(t, ack.AckID, proven.AckID)
	// Another record beside the proof fails inclusion, not a signature.
	other := p
	other.Record = mustRecordBytes(t, w.lr, 0)
	_, err = other.Verify(w.lrKey)
	assert.ErrorIs(t, err, checkpoint.ErrInclusion)
	assert.NotErrorIs(t, err, ErrBadSignature)
	// The proof moved to another index fails inclusion too.
	tp, err := checkpoint.ParseProof([]byte(p.Proof))
	require.NoError(t, err)
	tp.Index = 0
	moved := p
	moved.Proof = string(tp.Marshal())
	_, err = moved.Verify(w.lrKey)
	assert.ErrorIs(t, err, checkpoint.ErrInclusion)
	// Verified by a generic tlog-proof verifier with the registry's key.
	origin, err := lrOrigin(w.lrKey)
	require.NoError(t, err)
	pub, err := envelope.ParseEd25519PublicKey(w.lrKey)
	require.NoError(t, err)
	v, err := checkpoint.NewVerifier(origin, pub)
	require.NoError(t, err)
	tp, err = checkpoint.ParseProof([]byte(p.Proof))
	require.NoError(t, err)
	_, err = tp.Verify(p.Record, v, nil, 0)
	require.NoError(t, err)

	var eb errorBody
	assert.Equal(t, 404, w.getJSON("/registry/proof/"+newUUIDv4(), &eb))
	assert.Equal(t, "not_found", eb.Code)
	assert.Equal(t, 400, w.getJSON("/registry/proof/nope", &eb))
	assert.Equal(t, 404, w.getJSON("/nowhere", &eb))
	assert.Equal(t, "not_found", eb.Code)
	assert.Equal(t, 405, w.getJSON("/registry/heartbeat", &eb))
	assert.Equal(t, "method_not_allowed", eb.Code)

	// The banner.
	var info Info
	require.Equal(t, 200, w.getJSON("/registry/info", &info))
	assert.Equal(t, w.lrKey, info.PublicKey)
	assert.True(t, strings.HasPrefix(info.PublicKey, "ed25519:z"))
	assert.Equal(t, w.lr.Fingerprint(), info.Fingerprint)
	assert.Equal(t, SchemaID, info.Schema)
	require.NotNil(t, info.AdmissionCert)
	require.NoError(t, info.AdmissionCert.Verify(w.root, info.PublicKey, w.clock.Now()))
	cp, err := verifyLRCheckpoint([]byte(info.Checkpoint), w.lrKey)
	require.NoError(t, err)
	assert.Equal(t, uint64(2), cp.Size)

	var hud HUDStatus
	require.Equal(t, 200, w.getJSON("/hud/status.json", &hud))
	assert.Equal(t, StatusCoherent, hud.State)
	assert.Equal(t, ColorVerified, hud.Color)
	assert.True(t, hud.Admitted)
	assert.Equal(t, 2, hud.Instances[StatusCoherent])

	// Idempotent resend: same heartbeat, new seal, same ACK, nothing appended.
	status, body2 := w.post(w.sealed(7, w.heartbeat(uuidN(1))))
	require.Equal(t, 200, status, "%s", body2)
	assert.Equal(t, string(body), string(body2))
	assert.Equal(t, uint64(2), w.lr.Size())

	// Consistency between two sizes, served and verified.
	signed1, err := w.lr.Checkpoint(context.Background())
	require.NoError(t, err)
	cp1, _, err := checkpoint.Verify(signed1, v)
	require.NoError(t, err)
	status, _ = w.post(w.heartbeat(uuidN(3)))
	require.Equal(t, 200, status)
	var cons ConsistencyProof
	require.Equal(t, 200, w.getJSON(fmt.Sprintf("/registry/consistency?old=%d", cp1.Size), &cons))
	cp2, _, err := checkpoint.Verify([]byte(cons.Checkpoint), v)
	require.NoError(t, err)
	require.NoError(t, cons.Verify(cp1, cp2))
	cons.Proof[0][0] ^= 1
	assert.ErrorIs(t, cons.Verify(cp1, cp2), checkpoint.ErrConsistency)
	var eb0 errorBody
	assert.Equal(t, 400, w.getJSON("/registry/consistency?old=9&new=99", &eb0))
	assert.Equal(t, "bad_range", eb0.Code)
}

// TestHeartbeatBadInput is the bad-input table of POST /registry/heartbeat:
// each case gets its documented status and code, a JSON error body, and
// nothing is appended.
func TestHeartbeatBadInput(t *testing.T) {
	w := newWorld(t)
	pinned := uuidN(9)
	first := w.sealed(7, w.heartbeat(pinned))
	status, body := w.post(first)
	require.Equal(t, 200, status, "%s", body)

	w.clock.Add(time.Second)
	hb := w.heartbeat(uuidN(2))
	edit := func(key string, v any) []byte { return editJSON(t, hb, key, v) }
	at := func(d time.Duration) []byte {
		return edit("timestamp", w.clock.Now().Add(d).Format(time.RFC3339))
	}
	tests := []struct {
		desc   string
		body   []byte
		status int
		code   string
	}{
		{"empty body", nil, 400, "empty_body"},
		{"whitespace body", []byte(" \n"), 400, "empty_body"},
		{"10 MiB body", bytes.Repeat([]byte(" "), 10<<20), 413, "too_large"},
		{"invalid json", []byte(`{"instance_id": `), 400, "invalid_json"},
		{"not an object", []byte(`["heartbeat"]`), 400, "invalid_json"},
		{"trailing data", append(append([]byte{}, hb...), '{', '}'), 400, "invalid_json"},
		{"duplicate keys", []byte(strings.Replace(string(hb), `"version":`, `"version":"1","version":`, 1)), 400, "duplicate_key"},
		{"extra field", edit("extra", "x"), 422, "schema_violation"},
		{"missing field", edit("ethics_signature", nil), 422, "schema_violation"},
		{"wrong type", edit("version", 7), 422, "schema_violation"},
		{"bad uuid", edit("instance_id", "not-a-uuid"), 422, "schema_violation"},
		{"bad hash", edit("license_hash", "sha256:1234"), 422, "schema_violation"},
		{"bad status", edit("status", "ok"), 422, "schema_violation"},
		{"future timestamp", at(time.Hour), 422, "timestamp_future"},
		{"ancient timestamp", at(-30 * 24 * time.Hour), 422, "timestamp_stale"},
		{"other registry", edit("meta", map[string]any{"registry_fingerprint": "sha256:" + strings.Repeat("ab", 32)}), 422, "wrong_registry"},
		{"replayed signed heartbeat", first, 409, "replay"},
		{"different key for pinned instance", w.sealed(8, w.heartbeat(pinned)), 403, "key_mismatch"},
		{"plain heartbeat for pinned instance", w.heartbeat(pinned), 401, "signature_required"},
		{"bad envelope signature", flipSignature(t, w.sealed(7, hb)), 401, "bad_signature"},
		{"sealed heartbeat with extra field", w.sealed(7, edit("extra", "x")), 422, "schema_violation"},
		{"sealed heartbeat with bad uuid", w.sealed(7, edit("instance_id", "nope")), 422, "schema_violation"},
		{"envelope of another type", []byte(strings.Replace(string(w.sealed(7, hb)), HeartbeatType, "chp/ack", 1)), 400, "wrong_type"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			before := w.lr.Size()
			status, body := w.post(tt.body)
			assert.Equal(t, tt.status, status, "%s", body)
			var eb errorBody
			require.NoError(t, json.Unmarshal(body, &eb), "%s", body)
			assert.Equal(t, tt.code, eb.Code)
			assert.NotEmpty(t, eb.Error)
			if eb.Ack != nil {
				hb, _, err := postedHeartbeat(tt.body)
				require.NoError(t, err)
				a, err := VerifyAck(eb.Ack, w.lrKey, hb)
				require.NoError(t, err)
				assert.Equal(t, AckRejected, a.Status)
				assert.Equal(t, tt.code, a.Notes)
			}
			assert.Equal(t, before, w.lr.Size(), "nothing appended")
		})
	}
	var hud HUDStatus
	w.getJSON("/hud/status.json", &hud)
	assert.Equal(t, 8, hud.Rejected["schema_violation"])
	assert.Equal(t, 1, hud.Rejected["key_mismatch"])
}

func TestUnsignedPolicy(t *testing.T) {
	w := newWorld(t, WithAllowUnsigned(false))
	status, body := w.post(w.heartbeat(uuidN(1)))
	assert.Equal(t, 401, status)
	assert.Contains(t, string(body), "signature_required")
	status, _ = w.post(w.sealed(3, w.heartbeat(uuidN(1))))
	assert.Equal(t, 200, status)
}

// TestPinsSurviveRestart: the pinned key and the accepted nonces are
// rebuilt from the log, so neither a new key nor a replay gets in after a
// restart.
func TestPinsSurviveRestart(t *testing.T) {
	w := newWorld(t)
	id := uuidN(5)
	first := w.sealed(7, w.heartbeat(id))
	status, _ := w.post(first)
	require.Equal(t, 200, status)
	w.restartLR()
	status, body := w.post(first)
	assert.Equal(t, 409, status, "%s", body)
	w.clock.Add(time.Second)
	status, body = w.post(w.sealed(8, w.heartbeat(id)))
	assert.Equal(t, 403, status, "%s", body)
	status, body = w.post(w.sealed(7, w.heartbeat(id)))
	assert.Equal(t, 200, status, "%s", body)
	assert.Equal(t, uint64(2), w.lr.Size())
	assert.NotNil(t, w.lr.AdmissionCert(), "certificate reloaded")
}

// flipSignature changes one character in the middle of an envelope's
// signature, keeping its encoding valid.
func flipSignature(t testing.TB, env []byte) []byte {
	var m map[string]any
	require.NoError(t, json.Unmarshal(env, &m))
	sig := []byte(m["signature"].(string))
	if sig[20] == 'A' {
		sig[20] = 'B'
	} else {
		sig[20] = 'A'
	}
	m["signature"] = string(sig)
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return b
}

func TestSetRootKey(t *testing.T) {
	w := newWorld(t)
	require.NoError(t, w.lr.SetRootKey(w.root), "the same key again")
	assert.ErrorIs(t, w.lr.SetRootKey(pubString(testKey(99))), ErrKeyMismatch)
	assert.ErrorIs(t, w.lr.SetRootKey("ed25519:nope"), ErrAdmission)

	lr, err := OpenLocalRegistry(t.TempDir(), testKey(61), WithClock(w.clock.Now))
	require.NoError(t, err)
	defer lr.Close()
	rac, err := w.gr.Admit(lr.PublicKey(), time.Hour)
	require.NoError(t, err)
	assert.ErrorIs(t, lr.InstallAdmissionCert(rac), ErrAdmission, "no root key yet")
	require.NoError(t, lr.SetRootKey(w.root))
	require.NoError(t, lr.InstallAdmissionCert(rac))
	assert.True(t, lr.HUD().Admitted)
}

// TestLeftoversRemovedOnOpen: temporary files a killed export or import
// left behind (in the spool directory, whoever made them, and the names
// earlier versions used beside it) are removed when the registry opens
// again; its own files are not.
func TestLeftoversRemovedOnOpen(t *testing.T) {
	w := newWorld(t)
	lrLeft := []string{"accord-export-123", ".export-1.tar", ".lr.key.tmp42", "spool/export-9.tar", "spool/spool-1", "spool/any-name"}
	grLeft := []string{".import-5.spool", ".import-5.acks", ".state.json.tmp7", "spool/spool-3", "spool/x"}
	for _, n := range lrLeft {
		require.NoError(t, os.WriteFile(filepath.Join(w.lrDir, n), []byte("partial"), 0o600))
	}
	for _, n := range grLeft {
		require.NoError(t, os.WriteFile(filepath.Join(w.grDir, n), []byte("partial"), 0o600))
	}
	keep := filepath.Join(w.lrDir, "export-notes.txt")
	require.NoError(t, os.WriteFile(keep, []byte("mine"), 0o600))

	w.srv.Close()
	require.NoError(t, w.lr.Close())
	w.openLR()
	require.NoError(t, w.gr.Close())
	gr, err := OpenGlobalRegistry(w.grDir, testKey(100), WithGlobalClock(w.clock.Now))
	require.NoError(t, err)
	defer gr.Close()

	for _, n := range lrLeft {
		assert.NoFileExists(t, filepath.Join(w.lrDir, n))
	}
	for _, n := range grLeft {
		assert.NoFileExists(t, filepath.Join(w.grDir, n))
	}
	assert.FileExists(t, keep)
	// The registries still work after the clean-up.
	_, err = w.lr.Export(t.Context(), io.Discard, ExportOptions{})
	require.NoError(t, err)
}

func mustRecordBytes(t testing.TB, lr *LocalRegistry, i uint64) []byte {
	t.Helper()
	b, err := lr.log.Record(i)
	require.NoError(t, err)
	return b
}
