package trustkernel_test

import (
	"context"
	"errors"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/internal/bindings"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

// deployFactory deploys an InstanceFactory cloning impl (any contract).
func deployFactory(t *testing.T, f *chainFixture, impl common.Address) common.Address {
	t.Helper()
	addr, tx, err := bind.DeployContract(chainOpts(0), common.FromHex(bindings.InstanceFactoryMetaData.Bin), f.client,
		bindings.NewInstanceFactory().PackConstructor(impl))
	require.NoError(t, err)
	_, err = bind.WaitMined(context.Background(), f.client, tx.Hash())
	require.NoError(t, err)
	return addr
}

func TestVerifyClone(t *testing.T) {
	f := newChainFixture(t)
	ctx := context.Background()
	genuine := f.instance(t, "genuine")
	require.NoError(t, trustkernel.VerifyClone(ctx, f.client, genuine.Address, f.dep.Implementation, nil))

	// A second, equally genuine implementation: its clones are rejected when
	// the first one is pinned.
	otherImpl, tx, err := bind.DeployContract(chainOpts(0), common.FromHex(bindings.InstanceControllerMetaData.Bin), f.client, nil)
	require.NoError(t, err)
	_, err = bind.WaitMined(ctx, f.client, tx.Hash())
	require.NoError(t, err)
	other := &trustkernel.Deployment{Factory: deployFactory(t, f, otherImpl), Implementation: otherImpl}
	p := trustkernel.InstanceParams{RootAuthority: simchain.Address(1), UpgradeAuthority: simchain.Address(2), EmergencyAuthority: simchain.Address(3)}
	otherClone, _, err := trustkernel.CreateInstance(ctx, f.client, chainOpts(0), other, p)
	require.NoError(t, err)

	tests := []struct {
		name       string
		controller common.Address
		impl       common.Address
		wantErr    error
	}{
		{"genuine", genuine.Address, f.dep.Implementation, nil},
		{"an account without code", simchain.Address(1), f.dep.Implementation, trustkernel.ErrNoCode},
		{"a contract that is not a clone", f.dep.Registry, f.dep.Implementation, trustkernel.ErrNotClone},
		{"the implementation itself", f.dep.Implementation, f.dep.Implementation, trustkernel.ErrNotClone},
		{"a clone of another implementation", otherClone, f.dep.Implementation, trustkernel.ErrWrongImplementation},
		{"a clone pinned to a non-controller implementation", genuine.Address, genuine.Address, trustkernel.ErrWrongImplementation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := trustkernel.VerifyClone(ctx, f.client, tt.controller, tt.impl, nil)
			if tt.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
		})
	}

	// The other clone is genuine against its own implementation only if that
	// implementation's code is ours, which it is.
	require.NoError(t, trustkernel.VerifyClone(ctx, f.client, otherClone, otherImpl, nil))
}

// TestVerifyCloneImplementationCode pins a clone whose implementation has
// other code: the implementation's runtime code hash check rejects it. The
// clone and its impostor implementation are placed in the genesis state.
func TestVerifyCloneImplementationCode(t *testing.T) {
	impostorImpl := common.HexToAddress("0x1000000000000000000000000000000000000001")
	clone := common.HexToAddress("0x1000000000000000000000000000000000000002")
	chain, err := simchain.New(types.GenesisAlloc{
		impostorImpl: {Code: common.FromHex("0x60006000fd"), Balance: new(big.Int)}, // revert(0, 0)
		clone:        {Code: trustkernel.CloneRuntimeCode(impostorImpl), Balance: new(big.Int)},
	})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, chain.Close()) })
	ctx := context.Background()
	client, err := chain.Dial(ctx)
	require.NoError(t, err)
	defer client.Close()

	err = trustkernel.VerifyClone(ctx, client, clone, impostorImpl, nil)
	var mismatch *trustkernel.CodeMismatchError
	require.ErrorAs(t, err, &mismatch)
	require.ErrorIs(t, err, trustkernel.ErrCodeMismatch)
	require.Equal(t, trustkernel.ImplementationCodeHash(), mismatch.Want)
	require.Equal(t, impostorImpl, mismatch.Address)
}

func FuzzCheckClone(f *testing.F) {
	impl := common.HexToAddress("0x000000000000000000000000000000000000c0de")
	f.Add(trustkernel.CloneRuntimeCode(impl))
	f.Add([]byte{})
	f.Add(trustkernel.CloneRuntimeCode(common.Address{}))
	f.Fuzz(func(t *testing.T, code []byte) {
		err := trustkernel.CheckClone(common.Address{}, code, impl)
		if err == nil {
			require.Equal(t, trustkernel.CloneRuntimeCode(impl), code, "only the exact clone code passes")
			return
		}
		require.True(t, errors.Is(err, trustkernel.ErrNoCode) || errors.Is(err, trustkernel.ErrNotClone) || errors.Is(err, trustkernel.ErrWrongImplementation), err)
	})
}
