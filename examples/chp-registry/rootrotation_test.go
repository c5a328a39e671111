package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
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
	"github.com/accordsdk/accord/examples/internal/chpcli"
)

// TestRootRotationVerbs runs the binaries of both sides of the air gap:
// the Global Registry's root is rotated (registry-import -rotate-root)
// while a running Local Registry takes heartbeats; the receipt of the next
// import, sealed by the new root, is refused until the registry learns the
// rotation records the import wrote beside it (chp-registry
// -root-rotation), then pinned. Every heartbeat is answered 200, a forged
// rotation file is refused, and after a restart the registry, given the
// old or the new root, pins receipts of both.
func TestRootRotationVerbs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binaries")
	}
	bin := binary(t)
	tools := t.TempDir()
	for _, name := range []string{"registry-import", "registry-export"} {
		out, err := exec.Command("go", "build", "-o", filepath.Join(tools, name), "../"+name).CombinedOutput()
		require.NoError(t, err, "%s", out)
	}
	dir := t.TempDir()
	data, grData := filepath.Join(dir, "lr"), filepath.Join(dir, "gr")
	file := func(name string) string { return filepath.Join(dir, name) }
	run := func(tool string, args ...string) (string, error) {
		path := bin
		if tool != "chp-registry" {
			path = filepath.Join(tools, tool)
		}
		cmd := exec.Command(path, args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	must := func(tool string, args ...string) string {
		t.Helper()
		out, err := run(tool, args...)
		require.NoError(t, err, "%s %v: %s", tool, args, out)
		return out
	}

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
	require.Eventually(t, func() bool { return chpcli.AdminRunning(data) }, 10*time.Second, 20*time.Millisecond)
	must("registry-import", "-init", "-data", grData, "-admit", filepath.Join(data, chpcli.PubFile), "-rac-out", file("rac.json"))
	oldRootFile := file("old-root.pub")
	b, err := os.ReadFile(filepath.Join(grData, chpcli.GlobalPubFile))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(oldRootFile, b, 0o644))
	must("chp-registry", "-data", data, "-root", oldRootFile, "-rac", file("rac.json"))

	// Heartbeats all along.
	var wg sync.WaitGroup
	stop := make(chan struct{})
	var mu sync.Mutex
	statuses := map[int]int{}
	for c := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				body := fmt.Appendf(nil, `{"instance_id":"3ec2f1e0-2d31-4594-8d7b-%06x%06x","home_uri":"%s","version":"1","license_hash":"sha256:%064x","ethics_signature":"charter:v1","status":"coherent","timestamp":"%s"}`,
					c+1, i, url, i, time.Now().UTC().Format(time.RFC3339Nano))
				resp, err := http.Post(url+"/registry/heartbeat", "application/json", bytes.NewReader(body))
				st := 0
				if err == nil {
					st = resp.StatusCode
					resp.Body.Close()
				}
				mu.Lock()
				statuses[st]++
				mu.Unlock()
				time.Sleep(2 * time.Millisecond)
			}
		})
	}
	importRound := func(n int) string {
		t.Helper()
		bundle := file(fmt.Sprintf("bundle-%d.tar", n))
		must("registry-export", "-data", data, "-out", bundle)
		return must("registry-import", "-data", grData, "-from", bundle, "-receipt", file(fmt.Sprintf("receipt-%d.json", n)),
			"-rotation-out", file("root_rotations.json"))
	}
	out := importRound(1)
	assert.NotContains(t, out, "root rotated", "no rotation yet")
	must("chp-registry", "-data", data, "-pin-receipt", file("receipt-1.json"))

	out = must("registry-import", "-data", grData, "-rotate-root", "-rotation-out", file("rotation.json"))
	assert.Contains(t, out, "rotated the GR root to ed25519:z")
	newRootFile := filepath.Join(grData, chpcli.GlobalPubFile)
	newRoot, err := chp.LoadPublicKey(newRootFile)
	require.NoError(t, err)
	oldRoot, err := chp.LoadPublicKey(oldRootFile)
	require.NoError(t, err)
	require.NotEqual(t, oldRoot, newRoot)

	out = importRound(2)
	assert.Contains(t, out, "carry "+file("root_rotations.json"))
	out, err = run("chp-registry", "-data", data, "-root", newRootFile, "-pin-receipt", file("receipt-2.json"))
	require.Error(t, err, "naming the new root does not make the registry trust it: %s", out)
	assert.Contains(t, out, "bad signature")
	out, err = run("chp-registry", "-data", data, "-pin-receipt", file("receipt-2.json"))
	require.Error(t, err, "the new root's receipt before the rotation is learned: %s", out)
	assert.Contains(t, out, "bad signature")

	// A forged rotation (another key's signatures) is refused.
	var rec map[string]any
	rb, err := os.ReadFile(file("rotation.json"))
	require.NoError(t, err)
	var list []json.RawMessage
	require.NoError(t, json.Unmarshal(rb, &list))
	require.Len(t, list, 1)
	require.NoError(t, json.Unmarshal(list[0], &rec))
	rec["old_signature"] = rec["new_signature"]
	forged, err := json.Marshal(rec)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(file("forged.json"), forged, 0o644))
	out, err = run("chp-registry", "-data", data, "-root-rotation", file("forged.json"))
	require.Error(t, err, "%s", out)
	assert.Contains(t, out, "root_rotation_refused")

	// The records the import wrote beside the receipt: learned, then the
	// receipt pins, through the running registry's socket.
	out = must("chp-registry", "-data", data, "-root-rotation", file("root_rotations.json"), "-pin-receipt", file("receipt-2.json"))
	assert.Contains(t, out, "trusts 2 GR root(s) after 1 rotation(s); newest root "+newRoot)
	var info chp.Info
	resp, err := http.Get(url + "/registry/info")
	require.NoError(t, err)
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&info))
	resp.Body.Close()
	require.Len(t, info.RootRotations, 1, "instances given the old root follow the record")
	assert.JSONEq(t, string(list[0]), string(info.RootRotations[0]))

	close(stop)
	wg.Wait()
	assert.Equal(t, []int{200}, keys(statuses), "every heartbeat answered 200: %v", statuses)
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, cmd.Wait(), "%s", stderr.String())

	// Offline, after the restart: the last imports pin with the old root
	// configured or the new one; the GR shows its rotation.
	importRound(3)
	must("chp-registry", "-data", data, "-pin-receipt", file("receipt-3.json"))
	must("chp-registry", "-data", data, "-root", newRootFile, "-pin-receipt", file("receipt-1.json"))
	remembered, err := chp.LoadPublicKey(filepath.Join(data, chpcli.RootFile))
	require.NoError(t, err)
	assert.Equal(t, newRoot, remembered, "a -root the registry trusts is remembered")
	// A root the registry never learned is refused, and not remembered: a
	// root changes only by a rotation record.
	stranger := "ed25519:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK" // a root never given
	out, err = run("chp-registry", "-data", data, "-root", stranger, "-pin-receipt", file("receipt-1.json"))
	require.Error(t, err, "%s", out)
	assert.Contains(t, out, "not one of the trusted roots")
	remembered, err = chp.LoadPublicKey(filepath.Join(data, chpcli.RootFile))
	require.NoError(t, err)
	assert.Equal(t, newRoot, remembered, "the refused root was not written over the remembered one")
	out = must("registry-import", "-data", grData, "-show", "root-rotations")
	assert.Contains(t, out, `"type":"chp/root-rotation"`)
	lr, _, err := chpcli.OpenLocal(data, "", false)
	require.NoError(t, err)
	defer lr.Close()
	assert.Equal(t, []string{oldRoot, newRoot}, lr.RootSet().Keys())
	names, err := lr.Receipts()
	require.NoError(t, err)
	assert.Len(t, names, 3)
	total := 0
	for _, n := range statuses {
		total += n
	}
	assert.Equal(t, uint64(total), lr.Size(), "every heartbeat answered is in the log")
	cp := must("registry-import", "-data", grData, "-show", "checkpoint")
	assert.True(t, strings.HasPrefix(cp, "accord.chp/gr/"), "the ledger opens with the new root and keeps its origin: %s", cp)
}

func keys(m map[int]int) []int {
	var out []int
	for k := range m {
		out = append(out, k)
	}
	return out
}
