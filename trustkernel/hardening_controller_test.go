package trustkernel_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/integrity"
	"github.com/accordsdk/accord/trustkernel/runtime"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

// returnerInitCode deploys a contract that answers every call with out.
func returnerInitCode(out []byte) []byte {
	stub := func() []byte {
		// PUSH2 len, DUP1, PUSH1 12, PUSH1 0, CODECOPY, PUSH1 0, RETURN
		return []byte{0x61, byte(len(out) >> 8), byte(len(out)), 0x80, 0x60, 0x0c, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3}
	}
	runtime := append(stub(), out...)
	n := len(runtime)
	init := []byte{0x61, byte(n >> 8), byte(n), 0x80, 0x60, 0x0c, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3}
	return append(init, runtime...)
}

// TestHardening13ControllerCodeChecked: a contract that answers snapshot()
// exactly like the genuine controller, but is not a clone of the genuine
// implementation, is refused by the runtime's state source.
func TestHardening13ControllerCodeChecked(t *testing.T) {
	ctx := context.Background()
	c := newControllerChain(t)
	r := c.reader(t, 2, simchain.Behaviour{}, simchain.Behaviour{}, simchain.Behaviour{})
	genuine, err := r.Read(ctx, c.controller.Address, c.controller.SnapshotCall().Data)
	require.NoError(t, err)

	lookalike, err := c.chain.Deploy(ctx, returnerInitCode(genuine.Result))
	require.NoError(t, err)
	clone := append(common.FromHex("3d602d80600a3d3981f3"), trustkernel.CloneRuntimeCode(lookalike)...)
	cloneOfLookalike, err := c.chain.Deploy(ctx, clone)
	require.NoError(t, err)
	c.chain.Mine(3)
	r = c.reader(t, 2, simchain.Behaviour{}, simchain.Behaviour{}, simchain.Behaviour{})

	snap, err := trustkernel.QuorumSnapshot(ctx, r, lookalike)
	require.NoError(t, err, "the look-alike answers snapshot() like the genuine controller")
	assert.Equal(t, c.root, snap.ActiveRoot)

	_, err = (&trustkernel.ControllerState{Reader: r, Controller: lookalike}).State(ctx)
	require.ErrorIs(t, err, trustkernel.ErrNotClone)
	_, err = (&trustkernel.ControllerState{Reader: r, Controller: cloneOfLookalike}).State(ctx)
	require.ErrorIs(t, err, trustkernel.ErrCodeMismatch)
	_, err = (&trustkernel.ControllerState{Reader: r, Controller: cloneOfLookalike, Implementation: c.dep.Implementation}).State(ctx)
	require.ErrorIs(t, err, trustkernel.ErrWrongImplementation)

	obs, err := (&trustkernel.ControllerState{Reader: r, Controller: c.controller.Address, Implementation: c.dep.Implementation}).State(ctx)
	require.NoError(t, err)
	assert.Equal(t, c.root, obs.ActiveRoot)
}

// TestHardening13InstallBound: a runtime bound to an install directory and
// its manifest checks them whenever the agreed root changes and fails
// closed, with the diff, when they do not match.
func TestHardening13InstallBound(t *testing.T) {
	ctx := context.Background()
	c := newControllerChain(t)
	r := c.reader(t, 2, simchain.Behaviour{}, simchain.Behaviour{}, simchain.Behaviour{})
	manifestPath := filepath.Join(t.TempDir(), "manifest.json")
	writeManifest := func(m *integrity.Manifest) {
		data, err := m.MarshalJSON()
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(manifestPath, data, 0o644))
	}
	writeManifest(c.manifest)
	var now time.Time
	rt, err := runtime.New(&trustkernel.ControllerState{Reader: r, Controller: c.controller.Address}, runtime.NewPolicy(180),
		runtime.WithClock(func() time.Time { return now }), runtime.WithInstall(c.installDir, manifestPath))
	require.NoError(t, err)
	now = c.clock(t)()
	require.ErrorIs(t, rt.Decision().Reads, runtime.ErrNoTrustedState)
	require.NoError(t, rt.Refresh(ctx))
	require.NoError(t, rt.Decision().Reads)

	// Release 2 is activated on chain; the install still holds release 1.
	next := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(next, "app"), []byte("release 2"), 0o644))
	m2, err := integrity.Build(ctx, next)
	require.NoError(t, err)
	root2, err := m2.Root()
	require.NoError(t, err)
	propose, err := c.controller.ProposeUpgrade(root2, integrity.URIHash("https://releases.example/app/2/manifest.json"), common.Hash{}, time.Hour)
	require.NoError(t, err)
	for _, call := range []trustkernel.Call{propose, c.controller.ActivateUpgrade()} {
		_, err := trustkernel.Send(ctx, c.client, quorumOpts(2), call)
		require.NoError(t, err)
	}
	c.chain.Mine(3)
	now = c.clock(t)()
	require.NoError(t, rt.Refresh(ctx))
	d := rt.Decision()
	require.ErrorIs(t, d.Reads, integrity.ErrRootMismatch)
	require.ErrorIs(t, d.Writes, integrity.ErrRootMismatch)

	// The new manifest is in place but the files are not: the diff names them.
	writeManifest(m2)
	require.NoError(t, rt.Refresh(ctx))
	d = rt.Decision()
	var ie *integrity.DiffError
	require.ErrorAs(t, d.Reads, &ie)
	assert.Equal(t, []string{"app"}, ie.Changed)
	assert.ErrorIs(t, d.Writes, integrity.ErrMismatch)

	// The files arrive: serving resumes.
	require.NoError(t, os.WriteFile(filepath.Join(c.installDir, "app"), []byte("release 2"), 0o644))
	require.NoError(t, rt.Refresh(ctx))
	require.NoError(t, rt.Decision().Reads)
	require.NoError(t, rt.Decision().Writes)

	_, err = runtime.New(&trustkernel.ControllerState{Reader: r, Controller: c.controller.Address}, runtime.NewPolicy(180),
		runtime.WithInstall(c.installDir, ""))
	require.Error(t, err, "an install binding without a manifest is refused")
}
