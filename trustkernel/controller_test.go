package trustkernel_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/internal/bindings"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

// step is one action of a lifecycle table: a call sent from an account,
// and the sentinel it must fail with (nil: must succeed).
type step struct {
	name    string
	from    int
	call    func() (trustkernel.Call, error)
	wantErr error
	after   func(t *testing.T)
}

func ok(c trustkernel.Call) func() (trustkernel.Call, error) {
	return func() (trustkernel.Call, error) { return c, nil }
}

func runSteps(t *testing.T, f *chainFixture, steps []step) {
	t.Helper()
	ctx := context.Background()
	for _, s := range steps {
		c, err := s.call()
		if err == nil {
			_, err = trustkernel.Send(ctx, f.client, chainOpts(s.from), c)
		}
		if s.wantErr == nil {
			require.NoError(t, err, s.name)
		} else {
			require.ErrorIs(t, err, s.wantErr, s.name)
		}
		if s.after != nil {
			s.after(t)
		}
	}
}

func TestControllerLifecycle(t *testing.T) {
	f := newChainFixture(t)
	ctx := context.Background()
	ctl := f.instance(t, "lifecycle")
	abi := bindings.NewInstanceController()
	raw := func(method string, data []byte) func() (trustkernel.Call, error) {
		return ok(trustkernel.Call{Method: method, To: ctl.Address, Data: data})
	}
	snap := func(t *testing.T) trustkernel.Snapshot {
		s, err := ctl.Snapshot(ctx, f.client, nil)
		require.NoError(t, err)
		return s
	}
	propose := func(root string, ttl time.Duration) func() (trustkernel.Call, error) {
		return func() (trustkernel.Call, error) {
			return ctl.ProposeUpgrade(h32(root), h32("uri "+root), h32("policy "+root), ttl)
		}
	}
	var count uint64 = 1
	changed := func(t *testing.T) {
		count++
		require.Equal(t, count, snap(t).ChangeCount)
	}
	const root, upgrade, emergency = 1, 2, 3

	runSteps(t, f, []step{
		{name: "propose by the emergency authority", from: emergency, call: propose("r1", time.Hour), wantErr: trustkernel.ErrUnauthorized},
		{name: "propose zero root (checked in go)", from: upgrade, call: func() (trustkernel.Call, error) {
			return ctl.ProposeUpgrade([32]byte{}, h32("u"), h32("p"), time.Hour)
		}, wantErr: trustkernel.ErrZeroRoot},
		{name: "propose zero root (checked on chain)", from: upgrade, call: raw("proposeUpgrade", abi.PackProposeUpgrade([32]byte{}, h32("u"), h32("p"), 3600)), wantErr: trustkernel.ErrZeroRoot},
		{name: "propose short ttl (checked in go)", from: upgrade, call: propose("r1", 10*time.Second), wantErr: trustkernel.ErrInvalidTTL},
		{name: "propose short ttl (checked on chain)", from: upgrade, call: raw("proposeUpgrade", abi.PackProposeUpgrade(h32("r1"), h32("u"), h32("p"), 10)), wantErr: trustkernel.ErrInvalidTTL},
		{name: "propose long ttl (checked on chain)", from: upgrade, call: raw("proposeUpgrade", abi.PackProposeUpgrade(h32("r1"), h32("u"), h32("p"), 31*24*3600)), wantErr: trustkernel.ErrInvalidTTL},
		{name: "activate with nothing pending", from: upgrade, call: ok(ctl.ActivateUpgrade()), wantErr: trustkernel.ErrNoPendingUpgrade},
		{name: "cancel with nothing pending", from: upgrade, call: ok(ctl.CancelUpgrade()), wantErr: trustkernel.ErrNoPendingUpgrade},
		{name: "propose r1 for one minute", from: upgrade, call: propose("r1", time.Minute), after: func(t *testing.T) {
			changed(t)
			p := snap(t).PendingUpgrade
			require.Equal(t, h32("r1"), p.Root)
			require.Equal(t, p.ProposedAt+60, p.ExpiresAt)
			require.NoError(t, f.chain.AdjustTime(2*time.Minute))
		}},
		{name: "activate expired r1", from: upgrade, call: ok(ctl.ActivateUpgrade()), wantErr: trustkernel.ErrUpgradeExpired},
		{name: "propose r2 replaces r1", from: upgrade, call: propose("r2", time.Hour), after: changed},
		{name: "activate by the root authority", from: root, call: ok(ctl.ActivateUpgrade()), wantErr: trustkernel.ErrUnauthorized},
		{name: "activate r2", from: upgrade, call: ok(ctl.ActivateUpgrade()), after: func(t *testing.T) {
			changed(t)
			s := snap(t)
			require.Equal(t, h32("r2"), s.ActiveRoot)
			require.Equal(t, h32("uri r2"), s.ActiveURIHash)
			require.Equal(t, h32("policy r2"), s.ActivePolicyHash)
			require.Zero(t, s.PendingUpgrade.ExpiresAt)
		}},
		{name: "unpause when not paused", from: emergency, call: ok(ctl.Unpause()), wantErr: trustkernel.ErrNotPaused},
		{name: "pause by the upgrade authority", from: upgrade, call: ok(ctl.Pause()), wantErr: trustkernel.ErrUnauthorized},
		{name: "pause", from: emergency, call: ok(ctl.Pause()), after: func(t *testing.T) { changed(t); require.True(t, snap(t).Paused) }},
		{name: "pause twice", from: emergency, call: ok(ctl.Pause()), wantErr: trustkernel.ErrControllerPaused},
		{name: "propose while paused", from: upgrade, call: propose("r3", time.Hour), wantErr: trustkernel.ErrControllerPaused},
		{name: "unpause", from: emergency, call: ok(ctl.Unpause()), after: changed},
		{name: "propose r3", from: upgrade, call: propose("r3", time.Hour), after: changed},
		{name: "pause with r3 pending", from: emergency, call: ok(ctl.Pause()), after: changed},
		{name: "activate while paused", from: upgrade, call: ok(ctl.ActivateUpgrade()), wantErr: trustkernel.ErrControllerPaused},
		{name: "unpause again", from: emergency, call: ok(ctl.Unpause()), after: changed},
		{name: "cancel r3 by the root authority", from: root, call: ok(ctl.CancelUpgrade()), after: changed},
		{name: "re-initialise the clone", from: root, call: raw("initialize", abi.PackInitialize(simchain.Address(5), simchain.Address(5), simchain.Address(5), h32("x"), h32("x"), h32("x"))), wantErr: trustkernel.ErrAlreadyInitialized},
		{name: "initialise the implementation", from: 5, call: ok(trustkernel.Call{Method: "initialize", To: f.dep.Implementation, Data: abi.PackInitialize(simchain.Address(5), simchain.Address(5), simchain.Address(5), h32("x"), h32("x"), h32("x"))}), wantErr: trustkernel.ErrAlreadyInitialized},
		// Authority rotation.
		{name: "set upgrade authority by itself", from: upgrade, call: ok(ctl.SetUpgradeAuthority(simchain.Address(4))), wantErr: trustkernel.ErrUnauthorized},
		{name: "set upgrade authority to zero", from: root, call: ok(ctl.SetUpgradeAuthority(common.Address{})), wantErr: trustkernel.ErrZeroAddress},
		{name: "set emergency authority to zero", from: root, call: ok(ctl.SetEmergencyAuthority(common.Address{})), wantErr: trustkernel.ErrZeroAddress},
		{name: "rotate upgrade authority to 4", from: root, call: ok(ctl.SetUpgradeAuthority(simchain.Address(4))), after: changed},
		{name: "old upgrade authority proposes", from: upgrade, call: propose("r4", time.Hour), wantErr: trustkernel.ErrUnauthorized},
		{name: "new upgrade authority proposes", from: 4, call: propose("r4", time.Hour), after: changed},
		{name: "rotate emergency authority to 5", from: root, call: ok(ctl.SetEmergencyAuthority(simchain.Address(5))), after: changed},
		{name: "old emergency authority pauses", from: emergency, call: ok(ctl.Pause()), wantErr: trustkernel.ErrUnauthorized},
		{name: "transfer root by a non-root", from: 6, call: ok(ctl.TransferRootAuthority(simchain.Address(6))), wantErr: trustkernel.ErrUnauthorized},
		{name: "accept root with nothing offered", from: 6, call: ok(ctl.AcceptRootAuthority()), wantErr: trustkernel.ErrNotPendingRootAuthority},
		{name: "offer root to 6", from: root, call: ok(ctl.TransferRootAuthority(simchain.Address(6))), after: func(t *testing.T) {
			changed(t)
			require.Equal(t, simchain.Address(6), snap(t).PendingRootAuthority)
		}},
		{name: "accept root by 7", from: 7, call: ok(ctl.AcceptRootAuthority()), wantErr: trustkernel.ErrNotPendingRootAuthority},
		{name: "accept root by 6", from: 6, call: ok(ctl.AcceptRootAuthority()), after: func(t *testing.T) {
			changed(t)
			s := snap(t)
			require.Equal(t, simchain.Address(6), s.RootAuthority)
			require.Equal(t, common.Address{}, s.PendingRootAuthority)
		}},
		{name: "old root sets upgrade authority", from: root, call: ok(ctl.SetUpgradeAuthority(simchain.Address(1))), wantErr: trustkernel.ErrUnauthorized},
	})
}

func TestRevertErrorCarriesEvidence(t *testing.T) {
	f := newChainFixture(t)
	ctl := f.instance(t, "evidence")
	_, err := trustkernel.Send(context.Background(), f.client, chainOpts(4), ctl.Pause())
	var re *trustkernel.RevertError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "Unauthorized", re.Name)
	assert.Equal(t, []any{simchain.Address(4), simchain.Address(3)}, re.Args)
	assert.Contains(t, err.Error(), "Unauthorized(caller="+simchain.Address(4).Hex())
	assert.False(t, errors.Is(err, trustkernel.ErrControllerPaused))
}

func TestMinedFailureIsReplayed(t *testing.T) {
	f := newChainFixture(t)
	ctl := f.instance(t, "mined failure")
	opts := chainOpts(4)
	opts.GasLimit = 100_000 // skip estimation, so the failing transaction is mined
	_, err := trustkernel.Send(context.Background(), f.client, opts, ctl.Pause())
	var failed *trustkernel.TxFailedError
	require.ErrorAs(t, err, &failed)
	require.Equal(t, uint64(0), failed.Receipt.Status)
	require.ErrorIs(t, err, trustkernel.ErrUnauthorized)
}

func TestRegistry(t *testing.T) {
	f := newChainFixture(t)
	ctx := context.Background()
	reg := trustkernel.NewRegistry(f.dep.Registry)
	comp := h32("accord/core")
	runSteps(t, f, []step{
		{name: "publish by a non-owner", from: 1, call: ok(reg.Publish(comp, 1, h32("r1"), h32("u1"), h32("m1"))), wantErr: trustkernel.ErrNotOwner},
		{name: "publish a zero root", from: 0, call: ok(reg.Publish(comp, 1, [32]byte{}, h32("u1"), h32("m1"))), wantErr: trustkernel.ErrZeroRoot},
		{name: "publish version 0", from: 0, call: ok(reg.Publish(comp, 0, h32("r0"), h32("u0"), h32("m0"))), wantErr: trustkernel.ErrVersionNotIncreasing},
		{name: "publish version 2", from: 0, call: ok(reg.Publish(comp, 2, h32("r2"), h32("u2"), h32("m2")))},
		{name: "publish version 1 after 2", from: 0, call: ok(reg.Publish(comp, 1, h32("r1"), h32("u1"), h32("m1"))), wantErr: trustkernel.ErrVersionNotIncreasing},
		{name: "republish version 2", from: 0, call: ok(reg.Publish(comp, 2, h32("r2x"), h32("u2"), h32("m2"))), wantErr: trustkernel.ErrVersionNotIncreasing},
		{name: "transfer ownership by a non-owner", from: 1, call: ok(reg.TransferOwnership(simchain.Address(1))), wantErr: trustkernel.ErrNotOwner},
		{name: "transfer ownership to zero", from: 0, call: ok(reg.TransferOwnership(common.Address{})), wantErr: trustkernel.ErrZeroAddress},
		{name: "offer ownership to 1", from: 0, call: ok(reg.TransferOwnership(simchain.Address(1)))},
		{name: "accept by 2", from: 2, call: ok(reg.AcceptOwnership()), wantErr: trustkernel.ErrNotPendingOwner},
		{name: "accept by 1", from: 1, call: ok(reg.AcceptOwnership())},
		{name: "old owner publishes", from: 0, call: ok(reg.Publish(comp, 3, h32("r3"), h32("u3"), h32("m3"))), wantErr: trustkernel.ErrNotOwner},
		{name: "new owner publishes", from: 1, call: ok(reg.Publish(comp, 3, h32("r3"), h32("u3"), h32("m3")))},
	})
	rel, err := reg.Release(ctx, f.client, nil, comp, 2)
	require.NoError(t, err)
	require.Equal(t, h32("r2"), rel.Root)
	require.Equal(t, h32("u2"), rel.URIHash)
	require.Equal(t, h32("m2"), rel.MetaHash)
	_, err = reg.Release(ctx, f.client, nil, comp, 1)
	require.ErrorIs(t, err, trustkernel.ErrReleaseNotFound)
	owner, err := reg.Owner(ctx, f.client, nil)
	require.NoError(t, err)
	require.Equal(t, simchain.Address(1), owner)
}

func TestFactoryErrors(t *testing.T) {
	f := newChainFixture(t)
	ctx := context.Background()
	p := trustkernel.InstanceParams{
		RootAuthority: simchain.Address(1), UpgradeAuthority: simchain.Address(2), EmergencyAuthority: simchain.Address(3),
		Salt: h32("twice"),
	}
	_, _, err := trustkernel.CreateInstance(ctx, f.client, chainOpts(0), f.dep, p)
	require.NoError(t, err, "a zero genesis root is allowed")
	_, _, err = trustkernel.CreateInstance(ctx, f.client, chainOpts(5), f.dep, p)
	require.ErrorIs(t, err, trustkernel.ErrInstanceExists, "the same parameters map to the same address, whoever sends")

	zero := p
	zero.EmergencyAuthority = common.Address{}
	_, _, err = trustkernel.CreateInstance(ctx, f.client, chainOpts(0), f.dep, zero)
	require.ErrorIs(t, err, trustkernel.ErrZeroAddress)
	data := bindings.NewInstanceFactory().PackCreateInstance(zero.RootAuthority, zero.UpgradeAuthority, zero.EmergencyAuthority,
		zero.GenesisRoot, zero.GenesisURIHash, zero.GenesisPolicyHash, zero.Salt)
	_, err = trustkernel.Send(ctx, f.client, chainOpts(0), trustkernel.Call{Method: "createInstance", To: f.dep.Factory, Data: data})
	require.ErrorIs(t, err, trustkernel.ErrZeroAddress, "the controller's check surfaces through the factory")

	_, _, err = bind.DeployContract(chainOpts(0), common.FromHex(bindings.InstanceFactoryMetaData.Bin), f.client,
		bindings.NewInstanceFactory().PackConstructor(simchain.Address(7)))
	require.ErrorIs(t, trustkernel.DecodeRevertError(err), trustkernel.ErrNoImplementation)
}
