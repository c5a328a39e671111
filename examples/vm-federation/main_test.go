package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	code := command().Execute(ctx, args, &out, &errb, func(string) string { return "" })
	return code, out.String(), errb.String()
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

// startMesh runs "serve" in the background until the test ends.
func startMesh(t *testing.T, dir, id, addr string) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		var errb bytes.Buffer
		done <- command().Execute(ctx, []string{"-init", "-data", dir, "-mesh-id", id, "-url", "http://" + addr,
			"-mesh-scrolls", "Compliance,Drills", "serve", "-listen", addr, "-schedule", "200ms"}, &bytes.Buffer{}, &errb, func(string) string { return "" })
	}()
	t.Cleanup(func() { cancel(); <-done })
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(dir, "admin.sock")); err == nil {
			return
		}
		require.True(t, time.Now().Before(deadline), "server did not start")
		time.Sleep(20 * time.Millisecond)
	}
}

func TestTwoMeshes(t *testing.T) {
	base := t.TempDir()
	ddir, bdir := filepath.Join(base, "d"), filepath.Join(base, "b")
	daddr, baddr := freeAddr(t), freeAddr(t)
	startMesh(t, ddir, "did:vm:mesh:vaultmesh-dublin", daddr)
	startMesh(t, bdir, "did:vm:mesh:vaultmesh-berlin", baddr)

	key := func(dir string) string {
		code, out, errs := run(t, "-data", dir, "status")
		require.Equal(t, 0, code, errs)
		var s struct {
			PublicKey string `json:"public_key"`
		}
		require.NoError(t, json.Unmarshal([]byte(out), &s))
		return s.PublicKey
	}
	dkey, bkey := key(ddir), key(bdir)

	// A wrong key is refused; the right one is recorded.
	code, _, errs := run(t, "-data", ddir, "discover", "--mesh", "http://"+baddr, "--key", dkey)
	require.Equal(t, 1, code)
	require.Contains(t, errs, "unknown mesh")
	code, _, errs = run(t, "-data", ddir, "discover", "--mesh", "http://"+baddr, "--key", bkey)
	require.Equal(t, 0, code, errs)
	boot := filepath.Join(base, "dublin.json")
	require.NoError(t, os.WriteFile(boot, []byte(`{"mesh_id":"did:vm:mesh:vaultmesh-dublin","url":"http://`+daddr+`","public_key":"`+dkey+`"}`), 0o600))
	code, _, errs = run(t, "-data", bdir, "discover", "--bootstrap", boot)
	require.Equal(t, 0, code, errs)
	code, out, _ := run(t, "-data", ddir, "list-known")
	require.Equal(t, 0, code)
	require.Contains(t, out, "vaultmesh-berlin")

	code, out, errs = run(t, "-data", ddir, "propose", "--target", "did:vm:mesh:vaultmesh-berlin", "--trust-level", "3", "--scrolls", "Compliance", "--frequency", "hourly")
	require.Equal(t, 0, code, errs)
	var p struct {
		ProposalID string `json:"proposal_id"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &p))
	code, out, _ = run(t, "-data", bdir, "proposals", "list")
	require.Equal(t, 0, code)
	require.Contains(t, out, p.ProposalID)
	code, out, errs = run(t, "-data", bdir, "proposals", "accept", p.ProposalID)
	require.Equal(t, 0, code, errs)
	require.Contains(t, out, "agreement_hash")

	// The schedule runs berlin's first witness cycle of its own Compliance
	// scroll (due at once) without an operator.
	deadline := time.Now().Add(20 * time.Second)
	for {
		code, out, _ = run(t, "-data", bdir, "witness-history", "--mesh", "did:vm:mesh:vaultmesh-dublin")
		if code == 0 && strings.Contains(out, "fed_witness_event") {
			break
		}
		require.True(t, time.Now().Before(deadline), "no scheduled witness cycle")
		time.Sleep(100 * time.Millisecond)
	}

	for _, r := range []string{`{"n":1}`, `{"n":2}`, `{"n":3}`} {
		code, _, errs = run(t, "-data", ddir, "append", "--scroll", "Compliance", r)
		require.Equal(t, 0, code, errs)
	}
	code, out, errs = run(t, "-data", ddir, "notify", "--mesh", "did:vm:mesh:vaultmesh-berlin", "--scroll", "Compliance")
	require.Equal(t, 0, code, errs)
	require.Contains(t, out, `"verification_result": "verified"`)
	code, out, errs = run(t, "-data", bdir, "verify", "--mesh", "did:vm:mesh:vaultmesh-dublin", "--scroll", "Compliance")
	require.Equal(t, 0, code, errs)
	require.Contains(t, out, `"size": 3`)
	code, out, errs = run(t, "-data", bdir, "cross-anchor", "--mesh", "did:vm:mesh:vaultmesh-dublin")
	require.Equal(t, 0, code, errs)
	require.Contains(t, out, "dublin_roots_included")
	code, out, _ = run(t, "-data", ddir, "witness-history", "--mesh", "did:vm:mesh:vaultmesh-berlin", "--last", "30d")
	require.Equal(t, 0, code)
	require.Contains(t, out, "fed_witness_event")
	code, _, errs = run(t, "-data", ddir, "health", "--all-peers")
	require.Equal(t, 0, code, errs)

	// Revoked now: the next cycle is refused, and the tool says so on one line.
	code, _, errs = run(t, "-data", bdir, "agreements", "revoke", "--notice-days", "0", "--reason", "test", firstAgreement(t, bdir))
	require.Equal(t, 0, code, errs)
	code, _, errs = run(t, "-data", ddir, "notify", "--mesh", "did:vm:mesh:vaultmesh-berlin", "--scroll", "Compliance")
	require.Equal(t, 1, code)
	require.Contains(t, errs, "revoked")
	require.Equal(t, 1, strings.Count(strings.TrimSpace(errs), "\n")+1, errs)

	// Usage errors.
	code, _, _ = run(t, "-data", ddir, "witness-history", "--mesh", "x", "--last", "soon")
	require.Equal(t, 2, code)
	code, _, _ = run(t, "-data", filepath.Join(base, "none"), "status")
	require.Equal(t, 1, code)
}

func firstAgreement(t *testing.T, dir string) string {
	code, out, errs := run(t, "-data", dir, "agreements", "list")
	require.Equal(t, 0, code, errs)
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(out), &m))
	for id := range m {
		return id
	}
	t.Fatal("no agreement")
	return ""
}
