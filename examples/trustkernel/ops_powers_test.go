package main

import (
	"context"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

// TestOperatorPowers drives the release registry and the root and
// emergency authorities' powers from the command line, each refused for a
// role outside its powers with an error naming the role it needs.
// Accounts: 0 deploys and owns the registry, 1/2/3 are the root, upgrade
// and emergency authorities, 4 an outsider (later the new root authority).
func TestOperatorPowers(t *testing.T) {
	o := newOperator(t, 0, 1, 2, 3, 4)
	ctx := context.Background()
	client, err := o.chain.Dial(ctx)
	require.NoError(t, err)
	defer client.Close()
	dep, err := trustkernel.Deploy(ctx, client, opts(0), simchain.Address(0))
	require.NoError(t, err)
	addr, _, err := trustkernel.CreateInstance(ctx, client, opts(0), dep, trustkernel.InstanceParams{
		RootAuthority: simchain.Address(1), UpgradeAuthority: simchain.Address(2), EmergencyAuthority: simchain.Address(3),
		GenesisRoot: [32]byte{1},
	})
	require.NoError(t, err)
	ctl, reg := addr.Hex(), dep.Registry.Hex()
	dir, m, manifest := o.writeInstall("release-7", 40)
	root, err := m.Root()
	require.NoError(t, err)

	// The registry's owner publishes; nobody else may.
	publish := []string{"release", "publish", "-registry", reg, "-component", "example/app", "-version", "7", "-manifest", manifest, "-uri", "https://releases.example/7.json"}
	errs := o.fails(4, publish...)
	assert.Contains(t, errs, "publish refused: only the registry's owner may call it, not "+simchain.Address(4).Hex())
	out := o.ok(0, publish...)
	assert.Contains(t, out, "sent publish from "+simchain.Address(0).Hex())
	out = o.ok(-1, "release", "show", "-registry", reg, "-component", "example/app", "-version", "7")
	assert.Contains(t, out, "root "+common.Bytes2Hex(root[:]))
	errs = o.fails(-1, "release", "show", "-registry", reg, "-component", "example/app", "-version", "8")
	assert.Contains(t, errs, "release example/app version 8 is not published in registry "+reg)

	// Without a pinned registry, a release proposal is refused clearly.
	errs = o.fails(2, "-controller", ctl, "propose", "-component", "example/app", "-version", "7")
	assert.Contains(t, errs, "pins no release registry")

	// Only the root authority pins a registry, and only a genuine one.
	errs = o.fails(2, "-controller", ctl, "set-registry", "-registry", reg)
	assert.Contains(t, errs, "setReleaseRegistry refused: only the root authority may call it, not "+simchain.Address(2).Hex())
	errs = o.fails(1, "-controller", ctl, "set-registry", "-registry", dep.Anchor.Hex())
	assert.Contains(t, errs, "ReleaseRegistry")
	o.ok(1, "-controller", ctl, "set-registry", "-registry", reg)
	assert.Equal(t, dep.Registry, o.snapshot(ctl).ReleaseRegistry)

	// Now a raw proposal is refused before anything is sent, saying what
	// to do instead.
	errs = o.fails(2, "-controller", ctl, "propose", "-manifest", manifest, "-uri", "https://releases.example/7.json")
	assert.Contains(t, errs, "proposal must name a published release")
	assert.Contains(t, errs, "propose a published release with -component and -version")
	errs = o.fails(2, "-controller", ctl, "propose", "-component", "example/app", "-version", "8")
	assert.Contains(t, errs, "release example/app version 8 is not published in registry "+reg)
	// A manifest that is not the release's is refused.
	_, _, other := o.writeInstall("other", 3)
	errs = o.fails(2, "-controller", ctl, "propose", "-component", "example/app", "-version", "7", "-manifest", other)
	assert.Contains(t, errs, "release example/app version 7 has root")

	// Propose the release by name in full mode, verify, activate.
	out = o.ok(2, "-controller", ctl, "propose", "-component", "example/app", "-version", "7", "-manifest", manifest, "-mode", "full")
	assert.Regexp(t, `(?s)mode cost root_uri: 1 transaction.*mode cost full: 2 transactions.*published the manifest's 1 chunks.*estimate: proposeRelease \d+ gas.*sent proposeRelease from `, out)
	o.chain.Mine(3)
	code, out, errs := o.run(nil, "-rpc", o.chain.URL(), "-quorum", "1", "-dev", "-controller", ctl, "verify", "-dir", dir)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "is the pending root")
	o.ok(2, "-controller", ctl, "activate", "-mode", "full")
	s := o.snapshot(ctl)
	assert.Equal(t, root, s.ActiveRoot)
	assert.Equal(t, crypto.Keccak256Hash([]byte("example/app")), common.Hash(s.ActiveComponentID))
	assert.Equal(t, uint64(7), s.ActiveVersion)

	// The policy hash: the root authority's, not the upgrade authority's.
	policy := "0x" + strings.Repeat("5a", 32)
	errs = o.fails(2, "-controller", ctl, "set-policy", "-policy-hash", policy)
	assert.Contains(t, errs, "setPolicyHash refused: only the root authority may call it")
	o.ok(1, "-controller", ctl, "set-policy", "-policy-hash", policy)
	assert.Equal(t, common.HexToHash(policy), common.Hash(o.snapshot(ctl).ActivePolicyHash))

	// Break-glass: while paused, the emergency authority cancels a pending
	// upgrade; the upgrade authority cannot pause.
	o.ok(0, "release", "publish", "-registry", reg, "-component", "example/app", "-version", "8", "-root", "0x"+strings.Repeat("ab", 32), "-uri", "u8")
	o.ok(2, "-controller", ctl, "propose", "-component", "example/app", "-version", "8")
	errs = o.fails(2, "-controller", ctl, "pause")
	assert.Contains(t, errs, "pause refused: only the emergency authority may call it")
	o.ok(3, "-controller", ctl, "pause")
	errs = o.fails(4, "-controller", ctl, "cancel")
	assert.Contains(t, errs, "cancelUpgrade refused: only the upgrade, root or emergency authority may call it")
	o.ok(3, "-controller", ctl, "cancel")
	s = o.snapshot(ctl)
	assert.True(t, s.Paused)
	assert.Zero(t, s.PendingUpgrade.ExpiresAt)
	o.ok(3, "-controller", ctl, "unpause")

	// Rotation: the root authority replaces the others and hands over its
	// own role, which the new holder must accept.
	errs = o.fails(3, "-controller", ctl, "set-upgrade-authority", "-to", simchain.Address(4).Hex())
	assert.Contains(t, errs, "setUpgradeAuthority refused: only the root authority may call it")
	o.ok(1, "-controller", ctl, "set-upgrade-authority", "-to", simchain.Address(4).Hex())
	o.ok(1, "-controller", ctl, "set-emergency-authority", "-to", simchain.Address(4).Hex())
	errs = o.fails(4, "-controller", ctl, "accept-root")
	assert.Contains(t, errs, "acceptRootAuthority refused: only the address offered the root authority role may call it")
	o.ok(1, "-controller", ctl, "transfer-root", "-to", simchain.Address(4).Hex())
	o.ok(4, "-controller", ctl, "accept-root")
	s = o.snapshot(ctl)
	assert.Equal(t, simchain.Address(4), s.RootAuthority)
	assert.Equal(t, simchain.Address(4), s.UpgradeAuthority)
	assert.Equal(t, simchain.Address(4), s.EmergencyAuthority)
	errs = o.fails(1, "-controller", ctl, "set-policy", "-policy-hash", policy)
	assert.Contains(t, errs, "only the root authority may call it, not "+simchain.Address(1).Hex())

	// The new root authority unpins the registry: raw roots again.
	o.ok(4, "-controller", ctl, "set-registry", "-unpin")
	assert.Zero(t, o.snapshot(ctl).ReleaseRegistry)
	o.ok(4, "-controller", ctl, "propose", "-root", "0x"+strings.Repeat("cd", 32), "-uri", "u9")

	// The registry's ownership changes hands only when the new owner
	// accepts; the old owner may then publish no more.
	errs = o.fails(4, "release", "transfer-owner", "-registry", reg, "-to", simchain.Address(4).Hex())
	assert.Contains(t, errs, "transferOwnership refused: only the registry's owner may call it")
	o.ok(0, "release", "transfer-owner", "-registry", reg, "-to", simchain.Address(4).Hex())
	errs = o.fails(1, "release", "accept-owner", "-registry", reg)
	assert.Contains(t, errs, "acceptOwnership refused: only the address offered the registry's ownership may call it")
	o.ok(4, "release", "accept-owner", "-registry", reg)
	owner, err := trustkernel.NewRegistry(dep.Registry).Owner(ctx, client, nil)
	require.NoError(t, err)
	assert.Equal(t, simchain.Address(4), owner)
	errs = o.fails(0, "release", "publish", "-registry", reg, "-component", "example/app", "-version", "9", "-root", "0x"+strings.Repeat("ef", 32), "-uri", "u9")
	assert.Contains(t, errs, "publish refused: only the registry's owner may call it, not "+simchain.Address(0).Hex())
}
