package main

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/chp"
)

// registry is an admitted Local Registry served on loopback, recording
// the heartbeats it accepted.
type registry struct {
	lr       *chp.LocalRegistry
	root     string
	srv      *httptest.Server
	mu       sync.Mutex
	accepted [][]byte // bodies answered 200, in order
	down     bool     // answer 503 to everything
}

func newRegistry(t *testing.T) *registry {
	t.Helper()
	dir := t.TempDir()
	gr, err := chp.OpenGlobalRegistry(filepath.Join(dir, "gr"), ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32)))
	require.NoError(t, err)
	t.Cleanup(func() { gr.Close() })
	lr, err := chp.OpenLocalRegistry(filepath.Join(dir, "lr"), ed25519.NewKeyFromSeed(bytes.Repeat([]byte{5}, 32)), chp.WithRootKey(gr.PublicKey()))
	require.NoError(t, err)
	t.Cleanup(func() { lr.Close() })
	rac, err := gr.Admit(lr.PublicKey(), time.Hour)
	require.NoError(t, err)
	require.NoError(t, lr.InstallAdmissionCert(rac))
	r := &registry{lr: lr, root: gr.PublicKey()}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		down := r.down
		r.mu.Unlock()
		if down {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		rec := httptest.NewRecorder()
		lr.ServeHTTP(rec, req)
		if req.URL.Path == "/registry/heartbeat" && rec.Code == http.StatusOK {
			r.mu.Lock()
			r.accepted = append(r.accepted, body)
			r.mu.Unlock()
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *registry) setDown(down bool) { r.mu.Lock(); r.down = down; r.mu.Unlock() }

// readStatus decodes the status file with encoding/json alone.
func readStatus(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

// TestStatusFileAndSetAside runs the real binary: -status-file is written
// after every run (coherent with the last ACK, then quiet with the queued
// heartbeats while the registry is down), and after the outage, with a
// short -max-age, the stale heartbeats are set aside in one run, a note is
// sent, and -export-set-aside writes exactly the file the note accounts
// for.
func TestStatusFileAndSetAside(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := filepath.Join(t.TempDir(), "chp-instance")
	built, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "%s", built)
	r := newRegistry(t)
	dir := t.TempDir()
	state, status, license := filepath.Join(dir, "inst"), filepath.Join(dir, "status.json"), filepath.Join(dir, "LICENSE")
	require.NoError(t, os.WriteFile(license, []byte("licence"), 0o644))
	run := func(args ...string) (string, error) {
		t.Helper()
		cmd := exec.Command(bin, append([]string{"-state", state, "-license", license, "-interval", "10ms"}, args...)...)
		// The settings come from the environment, as -h documents.
		cmd.Env = append(os.Environ(), "CHP_HOME_URI="+r.srv.URL+"/registry/heartbeat", "CHP_REGISTRY_PUBKEY="+r.lr.PublicKey(),
			"CHP_GR_ROOT_PUBKEY="+r.root, "CHP_STATUS_FILE="+status)
		b, err := cmd.CombinedOutput()
		return string(b), err
	}

	out, err := run("-init", "-count", "2")
	require.NoError(t, err, out)
	assert.Contains(t, out, "sent 2, acknowledged 2, pending 0")
	st := readStatus(t, status)
	assert.Equal(t, "coherent", st["state"])
	assert.Equal(t, string(chp.ColorVerified), st["color"])
	assert.Equal(t, r.lr.Fingerprint(), st["registry_fingerprint"])
	assert.Equal(t, r.lr.Fingerprint()[7:19], st["fingerprint_short"])
	assert.EqualValues(t, 0, st["pending"])
	id, _ := st["last_ack_id"].(string)
	_, err = r.lr.Proof(t.Context(), id)
	require.NoError(t, err, "last_ack_id names a record of the registry's log")

	r.setDown(true)
	out, err = run("-count", "3", "-status-file", status) // the flag, as the environment variable above
	require.Error(t, err, out)
	assert.Contains(t, out, "pending 3")
	st = readStatus(t, status)
	assert.Equal(t, "quiet", st["state"])
	assert.Equal(t, string(chp.ColorQuiet), st["color"])
	assert.EqualValues(t, 3, st["pending"])

	// The queued heartbeats age past a short -max-age; the registry is back.
	time.Sleep(1100 * time.Millisecond)
	r.setDown(false)
	r.mu.Lock()
	before := len(r.accepted)
	r.mu.Unlock()
	out, err = run("-count", "1", "-max-age", "1s")
	require.NoError(t, err, out)
	assert.Contains(t, out, "3 heartbeats older than the registry takes are set aside")
	st = readStatus(t, status)
	assert.Equal(t, "coherent", st["state"])
	assert.EqualValues(t, 0, st["pending"])
	assert.EqualValues(t, 3, st["set_aside"])
	r.mu.Lock()
	sent := r.accepted[before:]
	r.mu.Unlock()
	require.Len(t, sent, 2, "the new heartbeat and one note, not the stale ones")
	var note json.RawMessage
	for _, body := range sent {
		var env struct {
			Payload struct {
				Meta map[string]json.RawMessage `json:"meta"`
			} `json:"payload"`
		}
		require.NoError(t, json.Unmarshal(body, &env))
		if n, ok := env.Payload.Meta["late_heartbeats"]; ok {
			note = n
		}
	}
	require.NotNil(t, note, "a note heartbeat was logged")

	exported := filepath.Join(dir, "set-aside.jsonl")
	out, err = run("-export-set-aside", exported)
	require.NoError(t, err, out)
	assert.Contains(t, out, "wrote 3 set-aside heartbeats")
	f, err := os.ReadFile(exported)
	require.NoError(t, err)
	sc := bufio.NewScanner(bytes.NewReader(f))
	var indexes []uint64
	for sc.Scan() {
		var line struct {
			QueueIndex uint64         `json:"queue_index"`
			Heartbeat  map[string]any `json:"heartbeat"`
		}
		require.NoError(t, json.Unmarshal(sc.Bytes(), &line))
		indexes = append(indexes, line.QueueIndex)
		assert.NotEmpty(t, line.Heartbeat["timestamp"], "a heartbeat queued while the registry was down")
	}
	assert.Equal(t, []uint64{2, 3, 4}, indexes)
	n, err := chp.ParseLateNote(note)
	require.NoError(t, err)
	_, err = chp.CheckLateNote(n, f)
	require.NoError(t, err, "the exported file is the one the logged note accounts for")

	// -h lists the environment variables beside the flags.
	out, _ = run("-h")
	for _, v := range []string{"CHP_HOME_URI", "CHP_REGISTRY_PUBKEY", "CHP_GR_ROOT_PUBKEY", "CHP_SANDBOX", "CHP_INSTANCE_STATE", "CHP_MAX_AGE", "CHP_STATUS_FILE"} {
		assert.True(t, strings.Contains(out, v), "-h lists %s", v)
	}
}
