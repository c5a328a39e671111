package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

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
