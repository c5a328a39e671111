package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/chp"
	"github.com/accordsdk/accord/envelope"
)

// TestLedgerVerbs: -show prints the ledger checkpoint and the admitted
// registries, -proof refuses a record the ledger does not hold, and the
// verbs are exclusive.
func TestLedgerVerbs(t *testing.T) {
	data := filepath.Join(t.TempDir(), "gr")
	pub, _, _ := ed25519.GenerateKey(nil)
	lrKey := envelope.FormatEd25519PublicKey(pub)
	run := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := command().Execute(context.Background(), args, &out, &errb, func(string) string { return "" })
		return code, out.String(), errb.String()
	}
	code, _, stderr := run("-init", "-data", data, "-admit", lrKey, "-rac-out", filepath.Join(t.TempDir(), "rac.json"))
	require.Equal(t, 0, code, stderr)
	code, out, stderr := run("-data", data, "-show", "registries")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, envelope.Fingerprint(pub))
	require.Contains(t, out, lrKey)
	code, out, stderr = run("-data", data, "-show", "checkpoint")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "accord.chp/gr/")
	code, _, stderr = run("-data", data, "-proof", envelope.Fingerprint(pub)+":0")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "not found")
	code, _, _ = run("-data", data, "-show", "everything")
	require.NotEqual(t, 0, code)
	code, _, _ = run("-data", data, "-show", "receipts", "-proof", "x:1")
	require.NotEqual(t, 0, code)
}

// TestRevokeVerb: -revoke needs -reason, refuses a certificate the GR never
// issued, writes the signed revocation (which verifies with the root key
// and covers the certificate), records it in the ledger (-show
// revocations), and refuses to revoke the same certificate twice.
func TestRevokeVerb(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "gr")
	pub, _, _ := ed25519.GenerateKey(nil)
	run := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := command().Execute(context.Background(), args, &out, &errb, func(string) string { return "" })
		return code, out.String(), errb.String()
	}
	racFile, revFile := filepath.Join(dir, "rac.json"), filepath.Join(dir, "revocation.json")
	code, _, stderr := run("-init", "-data", data, "-admit", envelope.FormatEd25519PublicKey(pub), "-rac-out", racFile)
	require.Equal(t, 0, code, stderr)
	b, err := os.ReadFile(racFile)
	require.NoError(t, err)
	rac, err := chp.ParseAdmissionCert(b)
	require.NoError(t, err)

	code, _, stderr = run("-data", data, "-revoke", rac.RACID)
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "-reason")
	code, _, stderr = run("-data", data, "-revoke", "6f1c2a3b-0000-4000-8000-000000000000", "-reason", "x")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "not found")
	code, out, stderr := run("-data", data, "-revoke", rac.RACID, "-reason", "decommissioned", "-revocation-out", revFile)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "revoked admission certificate "+rac.RACID)
	b, err = os.ReadFile(revFile)
	require.NoError(t, err)
	v, err := chp.ParseRevocation(b)
	require.NoError(t, err)
	root, err := chp.LoadPublicKey(filepath.Join(data, "gr-root.pub"))
	require.NoError(t, err)
	require.NoError(t, v.Verify(root))
	require.True(t, v.Covers(rac))
	require.Equal(t, "decommissioned", v.Reason)

	code, out, stderr = run("-data", data, "-show", "revocations")
	require.Equal(t, 0, code, stderr)
	var listed []chp.RevocationEntry
	require.NoError(t, json.Unmarshal([]byte(out), &listed))
	require.Len(t, listed, 1)
	require.JSONEq(t, strings.TrimSpace(string(b)), string(listed[0].Revocation))
	code, _, stderr = run("-data", data, "-revoke", rac.RACID, "-reason", "again")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "revoked")
}
