package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/chp"
	"github.com/accordsdk/accord/envelope"
	"github.com/accordsdk/accord/examples/internal/chpcli"
)

var (
	buildOnce sync.Once
	binDir    string
	binErr    error
)

// TestMain removes the binary the tests built.
func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// binary builds the command once for the tests that run it.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "chp-registry-test-"); binErr != nil {
			return
		}
		out, err := exec.Command("go", "build", "-o", filepath.Join(binDir, "chp-registry"), ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("%v: %s", err, out)
		}
	})
	require.NoError(t, binErr)
	return filepath.Join(binDir, "chp-registry")
}

// waitInfo waits for the registry at url to answer GET /registry/info and
// returns the answer.
func waitInfo(t *testing.T, url string) chp.Info {
	t.Helper()
	var info chp.Info
	require.Eventually(t, func() bool {
		resp, err := http.Get(url + "/registry/info")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		return resp.StatusCode == http.StatusOK && json.NewDecoder(resp.Body).Decode(&info) == nil
	}, 10*time.Second, 20*time.Millisecond, "the registry did not start")
	return info
}

// TestShutdownKeepsAcknowledged runs the real binary, posts heartbeats
// from several clients, stops it with SIGTERM while they are in flight,
// and checks that every heartbeat that got an ACK is in the log when the
// data directory is opened again, with the same key.
func TestShutdownKeepsAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := binary(t)
	data := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()

	cmd := exec.Command(bin, "-init", "-addr", addr, "-data", data, "-allow-unsigned")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	url := "http://" + addr
	info := waitInfo(t, url)
	assert.Regexp(t, `^ed25519:z`, info.PublicKey)
	assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, info.Fingerprint)

	var mu sync.Mutex
	var acked []string
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for c := range 8 {
		wg.Go(func() {
			client := &http.Client{Timeout: 5 * time.Second}
			for i := 0; ctx.Err() == nil && i < 10000; i++ {
				hb := fmt.Sprintf(`{"instance_id":"3ec2f1e0-2d31-4594-8d7b-%06x%06x","home_uri":"%s","version":"1","license_hash":"sha256:%064x","ethics_signature":"charter:v1","status":"coherent","timestamp":"%s"}`,
					c, i, url, c, time.Now().UTC().Format(time.RFC3339Nano))
				resp, err := client.Post(url+"/registry/heartbeat", "application/json", bytes.NewReader([]byte(hb)))
				if err != nil {
					return // the server went away
				}
				var a chp.Ack
				err = json.NewDecoder(resp.Body).Decode(&a)
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK && err == nil {
					mu.Lock()
					acked = append(acked, a.AckID)
					mu.Unlock()
				}
			}
		})
	}
	time.Sleep(300 * time.Millisecond)
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	err = cmd.Wait()
	cancel()
	wg.Wait()
	require.NoError(t, err, "exit status; stderr:\n%s", stderr.String())
	assert.Contains(t, stderr.String(), "stopped")
	require.NotEmpty(t, acked)

	// Reopen the directory: same key, every acknowledged record present.
	lr, created, err := chpcli.OpenLocal(data, "", false)
	require.NoError(t, err)
	defer lr.Close()
	assert.False(t, created, "key reused")
	assert.Equal(t, info.PublicKey, lr.PublicKey())
	assert.GreaterOrEqual(t, lr.Size(), uint64(len(acked)))
	for _, id := range acked {
		_, err := lr.Proof(context.Background(), id)
		require.NoError(t, err, "ack %s lost", id)
	}
	_, err = os.Stat(filepath.Join(data, chpcli.PubFile))
	assert.NoError(t, err)
}

// TestListQuarantine: -quarantine lists the refused heartbeats a registry
// kept, from its directory when it is not running.
func TestListQuarantine(t *testing.T) {
	data := t.TempDir()
	var stdout, stderr bytes.Buffer
	getenv := func(string) string { return "" }
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // -init creates the identity, then the cancelled context stops serving at once
	require.Equal(t, 0, command().Execute(ctx, []string{"-init", "-data", data, "-addr", "127.0.0.1:0"}, &stdout, &stderr, getenv), "%s", stderr.String())

	lr, _, err := chpcli.OpenLocal(data, "", false)
	require.NoError(t, err)
	for _, body := range []string{`{"instance_id":"3ec2f1e0-2d31-4594-8d7b-8b9d8b2f2a11"}`, `not json`} {
		req, _ := http.NewRequest(http.MethodPost, "/registry/heartbeat", bytes.NewBufferString(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		lr.ServeHTTP(rec, req)
		require.GreaterOrEqual(t, rec.Code, 400)
	}
	require.NoError(t, lr.Close())

	stdout.Reset()
	require.Equal(t, 0, command().Execute(context.Background(), []string{"-data", data, "-quarantine"}, &stdout, &stderr, getenv), "%s", stderr.String())
	out := stdout.String()
	assert.Contains(t, out, "422 schema_violation")
	assert.Contains(t, out, "instance 3ec2f1e0-2d31-4594-8d7b-8b9d8b2f2a11")
	assert.Contains(t, out, "400 invalid_json")
	assert.Contains(t, out, "2 refused heartbeats kept")
}

// TestKeyVerbs runs the real binary: -rotate-key while heartbeats arrive
// (through the operator socket; every heartbeat is acknowledged and the
// registry presents the new key), -unpin of a pinned instance, and
// -rotate-key again on the stopped registry.
func TestKeyVerbs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := binary(t)
	data := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "-init", "-addr", addr, "-data", data, "-allow-unsigned")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	defer cmd.Process.Kill()
	url := "http://" + addr
	info := func() chp.Info {
		var i chp.Info
		resp, err := http.Get(url + "/registry/info")
		require.NoError(t, err)
		defer resp.Body.Close()
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&i))
		return i
	}
	require.Eventually(t, func() bool { return chpcli.AdminRunning(data) }, 10*time.Second, 20*time.Millisecond)
	oldKey := info().PublicKey
	post := func(body []byte) int {
		resp, err := http.Post(url+"/registry/heartbeat", "application/json", bytes.NewReader(body))
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	hb := func(id string, i int) []byte {
		return fmt.Appendf(nil, `{"instance_id":"%s","home_uri":"%s","version":"1","license_hash":"sha256:%064x","ethics_signature":"charter:v1","status":"coherent","timestamp":"%s"}`,
			id, url, i, time.Now().UTC().Format(time.RFC3339Nano))
	}
	const pinned = "3ec2f1e0-2d31-4594-8d7b-000000000001"
	sealed, err := envelope.Seal(envelope.NewEd25519Signer(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, 32))), chp.HeartbeatType, json.RawMessage(hb(pinned, 0)))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, post(sealed))

	var wg sync.WaitGroup
	statuses := make(chan int, 400)
	for c := range 4 {
		wg.Go(func() {
			for i := range 50 {
				statuses <- post(hb(fmt.Sprintf("3ec2f1e0-2d31-4594-8d7b-%06x%06x", c+1, i), i))
			}
		})
	}
	out, err := exec.Command(bin, "-data", data, "-rotate-key").CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "rotated the registry key to ed25519:z")
	wg.Wait()
	close(statuses)
	for s := range statuses {
		require.Equal(t, http.StatusOK, s, "no heartbeat refused during the rotation")
	}
	newKey := info().PublicKey
	assert.NotEqual(t, oldKey, newKey)
	pub, err := os.ReadFile(filepath.Join(data, chpcli.PubFile))
	require.NoError(t, err)
	assert.Contains(t, string(pub), newKey)
	assert.Len(t, info().KeyRotations, 1)

	out, err = exec.Command(bin, "-data", data, "-unpin", pinned).CombinedOutput()
	require.Error(t, err, "an un-pin needs a reason")
	assert.Contains(t, string(out), "-reason")
	out, err = exec.Command(bin, "-data", data, "-unpin", pinned, "-reason", "re-imaged").CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "un-pinned instance "+pinned)
	out, err = exec.Command(bin, "-data", data, "-unpin", pinned, "-reason", "again").CombinedOutput()
	require.Error(t, err, "%s", out)

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, cmd.Wait(), "%s", stderr.String())
	out, err = exec.Command(bin, "-data", data, "-rotate-key").CombinedOutput()
	require.NoError(t, err, "offline: %s", out)
	lr, _, err := chpcli.OpenLocal(data, "", false)
	require.NoError(t, err)
	defer lr.Close()
	assert.Len(t, lr.KeyRotations(), 2)
	assert.Equal(t, uint64(1+200+1+1+1), lr.Size(), "heartbeats, two rotations and the un-pin")
}

// TestRevocationVerb runs the real binary: a certificate is installed
// through the socket, the Global Registry revokes it while heartbeats
// arrive, and -revocation hands the revocation to the running registry.
// Every heartbeat is still acknowledged and logged; the registry stops
// claiming admission (info, HUD, answer header); the revoked certificate
// cannot be installed again; a revocation signed by another key is
// refused; installing the same revocation again, offline, logs nothing.
func TestRevocationVerb(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := binary(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "lr")
	gr, err := chp.OpenGlobalRegistry(filepath.Join(dir, "gr"), ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32)))
	require.NoError(t, err)
	defer gr.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "-init", "-addr", addr, "-data", data, "-allow-unsigned", "-root", gr.PublicKey())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	defer cmd.Process.Kill()
	url := "http://" + addr
	require.Eventually(t, func() bool { return chpcli.AdminRunning(data) }, 10*time.Second, 20*time.Millisecond)
	lrKey, err := chp.LoadPublicKey(filepath.Join(data, chpcli.PubFile))
	require.NoError(t, err)
	rac, err := gr.Admit(lrKey, 24*time.Hour)
	require.NoError(t, err)
	racFile := filepath.Join(dir, "admission.json")
	b, _ := rac.MarshalJSON()
	require.NoError(t, os.WriteFile(racFile, b, 0o644))
	out, err := exec.Command(bin, "-data", data, "-rac", racFile).CombinedOutput()
	require.NoError(t, err, "%s", out)

	get := func(path string, v any) http.Header {
		resp, err := http.Get(url + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		require.NoError(t, json.NewDecoder(resp.Body).Decode(v))
		return resp.Header
	}
	post := func(id string, i int) (int, http.Header) {
		body := fmt.Appendf(nil, `{"instance_id":"%s","home_uri":"%s","version":"1","license_hash":"sha256:%064x","ethics_signature":"charter:v1","status":"coherent","timestamp":"%s"}`,
			id, url, i, time.Now().UTC().Format(time.RFC3339Nano))
		resp, err := http.Post(url+"/registry/heartbeat", "application/json", bytes.NewReader(body))
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode, resp.Header
	}
	var info chp.Info
	get("/registry/info", &info)
	require.NotNil(t, info.AdmissionCert)

	var wg sync.WaitGroup
	statuses := make(chan int, 200)
	for c := range 4 {
		wg.Go(func() {
			for i := range 50 {
				st, _ := post(fmt.Sprintf("3ec2f1e0-2d31-4594-8d7b-%06x%06x", c+1, i), i)
				statuses <- st
			}
		})
	}
	v, _, err := gr.Revoke(context.Background(), rac.RACID, "decommissioned")
	require.NoError(t, err)
	revFile := filepath.Join(dir, "revocation.json")
	wire, _ := v.Marshal()
	require.NoError(t, os.WriteFile(revFile, append(wire, '\n'), 0o644))
	out, err = exec.Command(bin, "-data", data, "-revocation", revFile).CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "installed the revocation of admission certificate "+rac.RACID)
	assert.Contains(t, string(out), "install a newer one", "the running registry says its certificate is revoked")
	wg.Wait()
	close(statuses)
	for s := range statuses {
		require.Equal(t, http.StatusOK, s, "heartbeats are logged before, during and after")
	}

	get("/registry/info", &info)
	assert.Nil(t, info.AdmissionCert, "no longer claims admission")
	assert.JSONEq(t, string(wire), string(info.RACRevocation))
	var hud chp.HUDStatus
	get("/hud/status.json", &hud)
	assert.Equal(t, chp.StatusRepairing, hud.State)
	require.NotNil(t, hud.Revocation)
	st, h := post("3ec2f1e0-2d31-4594-8d7b-000000000009", 0)
	assert.Equal(t, http.StatusOK, st)
	assert.Equal(t, "revoked", h.Get("X-CHP-Admission"))
	out, err = exec.Command(bin, "-data", data, "-rac", racFile).CombinedOutput()
	require.Error(t, err, "the revoked certificate is refused: %s", out)
	assert.Contains(t, string(out), "revoked")

	forged, err := chp.IssueRevocation(envelope.NewEd25519Signer(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{8}, 32))), "GR", rac, "forged", time.Now())
	require.NoError(t, err)
	forgedFile := filepath.Join(dir, "forged.json")
	fb, _ := forged.Marshal()
	require.NoError(t, os.WriteFile(forgedFile, fb, 0o644))
	out, err = exec.Command(bin, "-data", data, "-revocation", forgedFile).CombinedOutput()
	require.Error(t, err, "%s", out)
	assert.Contains(t, string(out), "bad signature")

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, cmd.Wait(), "%s", stderr.String())
	assert.Contains(t, stderr.String(), "admission certificate is revoked")
	out, err = exec.Command(bin, "-data", data, "-revocation", revFile).CombinedOutput()
	require.NoError(t, err, "offline, again: %s", out)
	assert.Contains(t, string(out), "install a newer one")
	lr, _, err := chpcli.OpenLocal(data, "", false)
	require.NoError(t, err)
	defer lr.Close()
	assert.Equal(t, uint64(200+1+1), lr.Size(), "the heartbeats and one revocation record")
	require.Len(t, lr.Revocations(), 1)
}

// TestPolicyFlags: -max-age (here from CHP_MAX_AGE), -meta-allow and
// -meta-max-bytes reach the registry: its info states the age limit, a
// heartbeat with a meta member off the list or a meta over the size is
// refused naming it, one within both is logged.
func TestPolicyFlags(t *testing.T) {
	data := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	env := map[string]string{"CHP_MAX_AGE": "1h"}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var stdout, stderr bytes.Buffer
	go func() {
		done <- command().Execute(ctx, []string{"-init", "-data", data, "-addr", addr, "-allow-unsigned",
			"-meta-allow", "client, os", "-meta-max-bytes", "256"}, &stdout, &stderr, func(k string) string { return env[k] })
	}()
	url := "http://" + addr
	info := waitInfo(t, url)
	assert.EqualValues(t, 3600, info.MaxAgeSeconds)

	post := func(meta string) (int, string) {
		hb := fmt.Sprintf(`{"instance_id":"3ec2f1e0-2d31-4594-8d7b-8b9d8b2f2a11","home_uri":"%s","version":"1","license_hash":"sha256:%064x","ethics_signature":"charter:v1","status":"coherent","timestamp":"%s","meta":%s}`,
			url, 1, time.Now().UTC().Format(time.RFC3339Nano), meta)
		resp, err := http.Post(url+"/registry/heartbeat", "application/json", bytes.NewReader([]byte(hb)))
		require.NoError(t, err)
		defer resp.Body.Close()
		var eb struct{ Error, Code string }
		_ = json.NewDecoder(resp.Body).Decode(&eb)
		return resp.StatusCode, eb.Code + ": " + eb.Error
	}
	code, msg := post(`{"hostname":"node-01"}`)
	assert.Equal(t, http.StatusUnprocessableEntity, code)
	assert.Contains(t, msg, "meta_refused")
	assert.Contains(t, msg, "meta.hostname")
	code, msg = post(`{"client":"` + strings.Repeat("x", 256) + `"}`)
	assert.Equal(t, http.StatusUnprocessableEntity, code)
	assert.Contains(t, msg, "meta_refused")
	code, msg = post(`{"client":"chp-cli/1.0","os":"linux"}`)
	assert.Equal(t, http.StatusOK, code, msg)
	cancel()
	require.Equal(t, 0, <-done, "%s", stderr.String())
}
