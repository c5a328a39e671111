package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/chp"
	"github.com/accordsdk/accord/examples/internal/chpcli"
	"github.com/accordsdk/accord/examples/internal/cli"
)

// TestExportEvery: -every writes one bundle per round that found new
// records, each to its own file, and none for rounds with nothing new.
func TestExportEvery(t *testing.T) {
	_, grKey, _ := ed25519.GenerateKey(nil)
	gr, err := chp.OpenGlobalRegistry(t.TempDir(), grKey)
	require.NoError(t, err)
	defer gr.Close()
	data := t.TempDir()
	require.NoError(t, cli.MarkDir(data, chpcli.RoleLocal))
	root, err := chpcli.RememberRoot(data, gr.PublicKey())
	require.NoError(t, err)
	lr, _, err := chpcli.OpenLocal(data, root, true, chp.WithAllowUnsigned(true))
	require.NoError(t, err)
	rac, err := gr.Admit(lr.PublicKey(), 24*time.Hour)
	require.NoError(t, err)
	require.NoError(t, lr.InstallAdmissionCert(rac))
	for i := range 2 {
		hb := `{"instance_id":"3ec2f1e0-2d31-4594-8d7b-8b9d8b2f2a1` + string(rune('0'+i)) + `","home_uri":"http://127.0.0.1/registry/heartbeat",` +
			`"version":"1","license_hash":"sha256:` + strings.Repeat("a", 64) + `","ethics_signature":"x","status":"coherent","timestamp":"` +
			time.Now().UTC().Format(time.RFC3339) + `"}`
		_, err := lr.Accept(context.Background(), []byte(hb))
		require.NoError(t, err)
	}
	require.NoError(t, lr.Close())

	out := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	code := command().Execute(ctx, []string{"-data", data, "-out", out, "-every", "100ms"}, &stdout, &stderr, func(string) string { return "" })
	require.Equal(t, 0, code, "%s", stderr.String())
	ents, err := os.ReadDir(out)
	require.NoError(t, err)
	require.Len(t, ents, 1, "%s", stdout.String())
	require.Equal(t, "provenance_bundle-000000000000-000000000002.tar", ents[0].Name())
	f, err := os.Open(filepath.Join(out, ents[0].Name()))
	require.NoError(t, err)
	defer f.Close()
	res, err := gr.Import(context.Background(), f)
	require.NoError(t, err)
	require.Equal(t, 2, res.Receipt.Accepted)

	// -every takes a directory and no range.
	code = command().Execute(context.Background(), []string{"-data", data, "-out", filepath.Join(out, "x.tar"), "-every", "1s"}, &stdout, &stderr, func(string) string { return "" })
	require.NotEqual(t, 0, code)
	code = command().Execute(context.Background(), []string{"-data", data, "-out", out, "-every", "1s", "-from", "0"}, &stdout, &stderr, func(string) string { return "" })
	require.NotEqual(t, 0, code)
}
