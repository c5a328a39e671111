package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/integrity"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

// writeInstall writes an install directory of n small files and returns
// it with its manifest, written to a file too.
func (o *operator) writeInstall(name string, n int) (dir string, m *integrity.Manifest, manifestFile string) {
	t := o.t
	t.Helper()
	dir = filepath.Join(o.dir, name)
	for i := range n {
		sub := filepath.Join(dir, fmt.Sprintf("mod%02d", i/50))
		require.NoError(t, os.MkdirAll(sub, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(sub, fmt.Sprintf("file%03d.php", i)), fmt.Appendf(nil, "<?php // %s %d\n", name, i), 0o644))
	}
	m, err := integrity.Build(context.Background(), dir)
	require.NoError(t, err)
	manifestFile = filepath.Join(o.dir, name+".json")
	writeManifest(t, manifestFile, m)
	return dir, m, manifestFile
}

// TestOperatorSafeFullMode: an upgrade authority that is a 2-of-3 Safe
// proposes in full mode. propose writes one Safe transaction file per
// planned chunk publication (consecutive nonces) and the proposal after
// them; the owners sign them all in one go each; safe-exec runs them in
// nonce order whatever order they are given in; verify reads the manifest
// back through a quorum of two proxies and checks the install directory
// against it; activate -mode full checks the chunks again and is itself a
// Safe transaction; after activation the install is verified from chain,
// and a changed file is caught.
func TestOperatorSafeFullMode(t *testing.T) {
	artifacts := safeArtifacts(t)
	o := newOperator(t, 0, 5, 6)
	ctx := context.Background()
	client, err := o.chain.Dial(ctx)
	require.NoError(t, err)
	defer client.Close()
	safe := o.newSafe(artifacts, client)
	dep, err := trustkernel.Deploy(ctx, client, opts(0), simchain.Address(0))
	require.NoError(t, err)
	addr, _, err := trustkernel.CreateInstance(ctx, client, opts(0), dep, trustkernel.InstanceParams{
		RootAuthority: simchain.Address(1), UpgradeAuthority: safe, EmergencyAuthority: simchain.Address(3),
		GenesisRoot: [32]byte{1},
	})
	require.NoError(t, err)
	ctl := addr.Hex()
	dir, m, manifest := o.writeInstall("release-2", 150)
	root, err := m.Root()
	require.NoError(t, err)
	limits := []string{"-chunk-bytes", "2048", "-max-tx-bytes", "8000"}

	propose := filepath.Join(o.dir, "propose.json")
	args := append([]string{"-controller", ctl, "propose", "-mode", "full", "-manifest", manifest, "-uri", "https://releases.example/2.json",
		"-safe", safe.Hex(), "-out", propose}, limits...)
	out := o.ok(-1, args...)
	assert.Regexp(t, `mode cost root_uri: 1 transaction, \d+ gas`, out)
	assert.Regexp(t, `mode cost full: \d+ transactions, \d+ gas`, out)
	pubs := regexp.MustCompile(`(?m)^wrote (\S+\.publish-\d+\.json): publishManifestChunks through Safe \S+ \(2 of 3 owners, nonce (\d+)\)`).FindAllStringSubmatch(out, -1)
	require.GreaterOrEqual(t, len(pubs), 2, out)
	assert.Contains(t, out, fmt.Sprintf("mode cost full: %d transactions", len(pubs)+1), "the Safe transactions are counted")
	var files []string
	for i, p := range pubs {
		assert.Equal(t, fmt.Sprint(i), p[2], "nonces n, n+1, ...")
		files = append(files, p[1])
	}
	assert.Contains(t, out, fmt.Sprintf("wrote %s: proposeUpgrade through Safe %s (2 of 3 owners, nonce %d)", propose, safe.Hex(), len(pubs)))
	require.Zero(t, o.snapshot(ctl).PendingUpgrade.ExpiresAt, "nothing sent")
	// Writing again refuses to replace any file.
	assert.Contains(t, o.fails(-1, args...), "exists: not replacing it")

	// Nothing is on chain yet: verify says so, through the quorum.
	a, b := simchain.NewProxy(o.chain.URL(), simchain.Behaviour{}), simchain.NewProxy(o.chain.URL(), simchain.Behaviour{})
	defer a.Close()
	defer b.Close()
	quorum := []string{"-rpc", a.URL + "," + b.URL, "-controller", ctl}
	o.chain.Mine(3)
	code, _, errs := o.run(nil, append(quorum, "verify", "-manifest", manifest)...)
	require.Equal(t, 1, code)
	assert.Contains(t, errs, "not completely published: 0 of 0 chunks")

	// Each owner signs every file at once; execution goes in nonce order
	// even when the files are given backwards.
	all := append(append([]string{}, files...), propose)
	// An owner reviewing another manifest signs nothing.
	_, _, other := o.writeInstall("other", 3)
	errs = o.fails(5, append([]string{"safe-sign", "-manifest", other, "-chunk-bytes", "2048"}, all...)...)
	assert.Contains(t, errs, "publishes chunks of root")
	out = o.ok(5, append([]string{"safe-sign", "-manifest", manifest, "-chunk-bytes", "2048"}, all...)...)
	assert.Regexp(t, `publish-1.json: publishes chunks 0\.\.\d+ of \d+ of the manifest with root `+common.Bytes2Hex(root[:]), out)
	assert.Contains(t, out, "the chunks are "+manifest+"'s")
	assert.Contains(t, out, "signed by "+simchain.Address(5).Hex()+": 1 signatures")
	out = o.ok(6, append([]string{"safe-sign"}, all...)...)
	assert.Contains(t, out, "2 signatures")
	backwards := make([]string, len(all))
	for i, f := range all {
		backwards[len(all)-1-i] = f
	}
	out = o.ok(0, append([]string{"safe-exec"}, backwards...)...)
	assert.Regexp(t, `(?s)(executed publishManifestChunks through Safe .*){2,}executed proposeUpgrade through Safe`, out)
	assert.Equal(t, root, o.snapshot(ctl).PendingUpgrade.Root)

	// verify: the manifest on chain is the file's, and the directory
	// matches it; status shows the chunks of the pending root.
	o.chain.Mine(3)
	code, out, errs = o.run(nil, append(quorum, "verify", "-manifest", manifest, "-dir", dir)...)
	require.Equal(t, 0, code, errs)
	assert.Regexp(t, `full-mode manifest of the pending root: all \d+ chunks on chain`, out)
	assert.Contains(t, out, "the manifest on chain hashes to the root: 150 files")
	assert.Contains(t, out, "install "+dir+" matches the manifest on chain")
	code, out, errs = o.run(nil, append(quorum, "-implementation", dep.Implementation.Hex(), "status")...)
	require.Equal(t, 0, code, errs)
	assert.Regexp(t, `pending upgrade to root [0-9a-f]+, expires .*\n- full-mode manifest of the pending root: all \d+ chunks on chain`, out)

	// Activation through the Safe, checked for full mode first.
	activate := filepath.Join(o.dir, "activate.json")
	out = o.ok(-1, "-controller", ctl, "activate", "-mode", "full", "-safe", safe.Hex(), "-out", activate)
	assert.Contains(t, out, "full mode: the manifest of pending root")
	assert.Contains(t, out, fmt.Sprintf("nonce %d", len(pubs)+1))
	o.ok(5, "safe-sign", activate)
	o.ok(6, "safe-sign", activate)
	o.ok(0, "safe-exec", activate)
	require.Equal(t, root, o.snapshot(ctl).ActiveRoot)

	// The install, verified from chain: the active root by default.
	o.chain.Mine(3)
	code, out, errs = o.run(nil, append(quorum, "verify", "-dir", dir)...)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "is the active root of controller")
	assert.Contains(t, out, "matches the manifest on chain")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "mod01", "file060.php"), []byte("<?php // changed\n"), 0o644))
	code, _, errs = o.run(nil, append(quorum, "verify", "-dir", dir)...)
	require.Equal(t, 1, code)
	assert.Contains(t, errs, "mod01/file060.php")
}
