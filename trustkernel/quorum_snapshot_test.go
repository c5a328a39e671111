package trustkernel_test

import (
	"context"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/integrity"
	"github.com/accordsdk/accord/trustkernel/quorum"
	"github.com/accordsdk/accord/trustkernel/runtime"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

// controllerChain is a chain with the trustkernel contracts and one
// controller whose active root is the manifest of installDir.
type controllerChain struct {
	chain      *simchain.Chain
	client     *ethclient.Client
	dep        *trustkernel.Deployment
	controller *trustkernel.Controller
	root       [32]byte
	installDir string
	manifest   *integrity.Manifest
}

func quorumOpts(i int) *bind.TransactOpts {
	return bind.NewKeyedTransactor(simchain.Key(i), big.NewInt(simchain.ChainID))
}

func newControllerChain(t *testing.T) *controllerChain {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "app"), []byte("release 1"), 0o644))
	m, err := integrity.Build(ctx, dir)
	require.NoError(t, err)
	root, err := m.Root()
	require.NoError(t, err)

	chain, err := simchain.New(nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = chain.Close() })
	client, err := chain.Dial(ctx)
	require.NoError(t, err)
	t.Cleanup(client.Close)
	dep, err := trustkernel.Deploy(ctx, client, quorumOpts(0), simchain.Address(0))
	require.NoError(t, err)
	addr, _, err := trustkernel.CreateInstance(ctx, client, quorumOpts(0), dep, trustkernel.InstanceParams{
		RootAuthority:      simchain.Address(1),
		UpgradeAuthority:   simchain.Address(2),
		EmergencyAuthority: simchain.Address(3),
		GenesisRoot:        root,
		GenesisURIHash:     integrity.URIHash("https://releases.example/app/1/manifest.json"),
		Salt:               common.HexToHash("0x01"),
	})
	require.NoError(t, err)
	chain.Mine(5)
	return &controllerChain{chain: chain, client: client, dep: dep, controller: trustkernel.NewController(addr), root: root, installDir: dir, manifest: m}
}

func (c *controllerChain) reader(t *testing.T, k int, bs ...simchain.Behaviour) *quorum.Reader {
	t.Helper()
	var urls []string
	for _, b := range bs {
		p := simchain.NewProxy(c.chain.URL(), b)
		t.Cleanup(p.Close)
		urls = append(urls, p.URL)
	}
	r, err := quorum.New(urls, k, quorum.WithClock(c.clock(t)), quorum.WithPinTTL(0), quorum.WithChainID(simchain.ChainID))
	require.NoError(t, err)
	t.Cleanup(r.Close)
	return r
}

func (c *controllerChain) clock(t *testing.T) func() time.Time {
	h, err := c.client.HeaderByNumber(context.Background(), nil)
	require.NoError(t, err)
	at := time.Unix(int64(h.Time)+1, 0)
	return func() time.Time { return at }
}

func TestQuorumSnapshotOfController(t *testing.T) {
	ctx := context.Background()
	c := newControllerChain(t)
	r := c.reader(t, 2, simchain.Behaviour{Lie: true}, simchain.Behaviour{}, simchain.Behaviour{Delay: 50 * time.Millisecond})
	snap, err := trustkernel.QuorumSnapshot(ctx, r, c.controller.Address)
	require.NoError(t, err)
	assert.True(t, snap.Initialized)
	assert.False(t, snap.Paused)
	assert.Equal(t, c.root, snap.ActiveRoot)
	assert.Equal(t, integrity.URIHash("https://releases.example/app/1/manifest.json"), snap.ActiveURIHash)
	assert.Equal(t, simchain.Address(3), snap.EmergencyAuthority)
	direct, err := c.controller.Snapshot(ctx, c.client, &bind.CallOpts{BlockHash: snap.Block.Hash})
	require.NoError(t, err)
	assert.Equal(t, direct, snap.Snapshot)

	// The install verifies against the quorum-agreed active root.
	require.NoError(t, integrity.Verify(ctx, c.installDir, c.manifest, snap.ActiveRoot))

	// 3-of-3 with a liar: fail closed.
	r3 := c.reader(t, 3, simchain.Behaviour{Lie: true}, simchain.Behaviour{}, simchain.Behaviour{})
	_, err = trustkernel.QuorumSnapshot(ctx, r3, c.controller.Address)
	require.ErrorIs(t, err, quorum.ErrNoQuorum)

	// An address with no controller does not decode.
	_, err = trustkernel.QuorumSnapshot(ctx, r, common.HexToAddress("0x00000000000000000000000000000000000000aa"))
	require.ErrorIs(t, err, trustkernel.ErrBadSnapshot)
}

func TestRuntimeFailsClosedWhenControllerPaused(t *testing.T) {
	ctx := context.Background()
	c := newControllerChain(t)
	r := c.reader(t, 2, simchain.Behaviour{}, simchain.Behaviour{}, simchain.Behaviour{})
	var now time.Time
	rt, err := runtime.New(&trustkernel.ControllerState{Reader: r, Controller: c.controller.Address}, runtime.NewPolicy(180),
		runtime.WithClock(func() time.Time { return now }))
	require.NoError(t, err)
	now = c.clock(t)()
	require.NoError(t, rt.Refresh(ctx))
	d := rt.Decision()
	require.True(t, d.MayRead())
	require.True(t, d.MayWrite())
	assert.Equal(t, c.root, d.Observation.ActiveRoot)

	_, err = trustkernel.Send(ctx, c.client, quorumOpts(3), c.controller.Pause())
	require.NoError(t, err)
	c.chain.Mine(3)
	now = c.clock(t)()
	require.NoError(t, rt.Refresh(ctx))
	d = rt.Decision()
	require.ErrorIs(t, d.Reads, runtime.ErrPaused)
	require.ErrorIs(t, d.Writes, runtime.ErrPaused)
}
