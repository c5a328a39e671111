package trustkernel_test

import (
	"context"
	"crypto/ecdsa"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

// chainFixture is a simulated chain served on loopback with the global
// contracts deployed; account 0 deploys and owns the registry, accounts 1-3
// are the root, upgrade and emergency authorities of the instances it makes.
type chainFixture struct {
	chain  *simchain.Chain
	client *ethclient.Client
	dep    *trustkernel.Deployment
}

func newChainFixture(t testing.TB) *chainFixture {
	t.Helper()
	chain, err := simchain.New(nil)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, chain.Close()) })
	ctx := context.Background()
	client, err := chain.Dial(ctx)
	require.NoError(t, err)
	t.Cleanup(client.Close)
	dep, err := trustkernel.Deploy(ctx, client, chainOpts(0), simchain.Address(0))
	require.NoError(t, err)
	return &chainFixture{chain: chain, client: client, dep: dep}
}

// chainOpts returns transaction options for funded account i.
func chainOpts(i int) *bind.TransactOpts {
	return keyOpts(simchain.Key(i))
}

func keyOpts(k *ecdsa.PrivateKey) *bind.TransactOpts {
	return bind.NewKeyedTransactor(k, big.NewInt(simchain.ChainID))
}

func h32(s string) [32]byte { return crypto.Keccak256Hash([]byte(s)) }

// instance creates a controller with accounts 1, 2, 3 as root, upgrade and
// emergency authorities and returns it.
func (f *chainFixture) instance(t testing.TB, salt string) *trustkernel.Controller {
	t.Helper()
	p := trustkernel.InstanceParams{
		RootAuthority:      simchain.Address(1),
		UpgradeAuthority:   simchain.Address(2),
		EmergencyAuthority: simchain.Address(3),
		GenesisRoot:        h32("genesis root"),
		GenesisURIHash:     h32("ipfs://genesis"),
		GenesisPolicyHash:  h32("policy v1"),
		Salt:               h32(salt),
	}
	addr, _, err := trustkernel.CreateInstance(context.Background(), f.client, chainOpts(0), f.dep, p)
	require.NoError(t, err)
	require.Equal(t, trustkernel.InstanceAddress(f.dep.Factory, f.dep.Implementation, p), addr)
	return trustkernel.NewController(addr)
}

func TestDeployAndCreateInstance(t *testing.T) {
	f := newChainFixture(t)
	ctx := context.Background()
	require.NoError(t, trustkernel.VerifyDeployment(ctx, f.client, f.dep))

	ctl := f.instance(t, "first")
	s, err := ctl.Snapshot(ctx, f.client, nil)
	require.NoError(t, err)
	require.True(t, s.Initialized)
	require.Equal(t, uint64(2), s.Version)
	require.Equal(t, simchain.Address(1), s.RootAuthority)
	require.Equal(t, simchain.Address(2), s.UpgradeAuthority)
	require.Equal(t, simchain.Address(3), s.EmergencyAuthority)
	require.Equal(t, h32("genesis root"), s.ActiveRoot)
	require.Equal(t, h32("ipfs://genesis"), s.ActiveURIHash)
	require.Equal(t, h32("policy v1"), s.ActivePolicyHash)
	require.False(t, s.Paused)
	require.Equal(t, uint64(0), s.PendingUpgrade.ExpiresAt)
	require.Equal(t, uint64(1), s.ChangeCount)
	require.NotZero(t, s.ActivatedAt)
	require.LessOrEqual(t, s.ActivatedAt, uint64(time.Now().Add(time.Hour).Unix()))
	require.NoError(t, trustkernel.VerifyClone(ctx, f.client, ctl.Address, f.dep.Implementation, nil))
	require.NotEqual(t, common.Address{}, ctl.Address)
}
