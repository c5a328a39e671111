package trustkernel_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

// Accounts of the instances made by chainFixture.instance, and one that
// holds no role.
const (
	roleRoot      = 1
	roleUpgrade   = 2
	roleEmergency = 3
	roleNone      = 7
)

var roleNames = map[int]string{roleRoot: "root", roleUpgrade: "upgrade", roleEmergency: "emergency", roleNone: "no"}

// power is one authority function of the controller: the roles that hold
// it, the state it needs (setup, sent before) and the call.
type power struct {
	name  string
	roles []int
	setup func(t *testing.T, f *chainFixture, ctl *trustkernel.Controller)
	call  func(ctl *trustkernel.Controller) (trustkernel.Call, error)
	check func(t *testing.T, s snapshotView)
}

// snapshotView is the part of a snapshot the checks look at.
type snapshotView struct {
	policyHash, activeRoot [32]byte
	pending, paused        bool
	registry               common.Address
	upgrade, emergency     common.Address
	pendingRoot            common.Address
}

func (f *chainFixture) view(t *testing.T, ctl *trustkernel.Controller) snapshotView {
	t.Helper()
	s, err := ctl.Snapshot(context.Background(), f.client, nil)
	require.NoError(t, err)
	return snapshotView{
		policyHash: s.ActivePolicyHash, activeRoot: s.ActiveRoot, pending: s.PendingUpgrade.ExpiresAt != 0,
		paused: s.Paused, registry: s.ReleaseRegistry, upgrade: s.UpgradeAuthority, emergency: s.EmergencyAuthority,
		pendingRoot: s.PendingRootAuthority,
	}
}

func (f *chainFixture) send(t *testing.T, from int, c trustkernel.Call, err error) {
	t.Helper()
	require.NoError(t, err)
	_, err = trustkernel.Send(context.Background(), f.client, chainOpts(from), c)
	require.NoError(t, err, c.Method)
}

func proposeR1(ctl *trustkernel.Controller) (trustkernel.Call, error) {
	return ctl.ProposeUpgrade(h32("r1"), h32("uri r1"), h32("policy r1"), time.Hour)
}

// TestRolePowers checks every authority function of the controller against
// every role: each role outside the function's powers is refused with
// ErrUnauthorized (with the state the function needs in place, so the
// refusal is about the caller), and each role inside them succeeds.
func TestRolePowers(t *testing.T) {
	f := newChainFixture(t)
	comp := h32("accord/core")
	f.send(t, 0, trustkernel.NewRegistry(f.dep.Registry).Publish(comp, 1, h32("rel r1"), h32("rel u1"), h32("rel m1")), nil)
	pending := func(t *testing.T, f *chainFixture, ctl *trustkernel.Controller) {
		c, err := proposeR1(ctl)
		f.send(t, roleUpgrade, c, err)
	}
	pinned := func(t *testing.T, f *chainFixture, ctl *trustkernel.Controller) {
		f.send(t, roleRoot, ctl.SetReleaseRegistry(f.dep.Registry), nil)
	}
	manifest := testManifest(t, 3)
	powers := []power{
		{name: "proposeUpgrade", roles: []int{roleUpgrade}, call: proposeR1,
			check: func(t *testing.T, s snapshotView) { require.True(t, s.pending) }},
		{name: "proposeRelease", roles: []int{roleUpgrade}, setup: pinned,
			call: func(ctl *trustkernel.Controller) (trustkernel.Call, error) {
				return ctl.ProposeRelease(comp, 1, h32("policy"), time.Hour)
			},
			check: func(t *testing.T, s snapshotView) { require.True(t, s.pending) }},
		{name: "activateUpgrade", roles: []int{roleUpgrade}, setup: pending,
			call:  func(ctl *trustkernel.Controller) (trustkernel.Call, error) { return ctl.ActivateUpgrade(), nil },
			check: func(t *testing.T, s snapshotView) { require.Equal(t, h32("r1"), s.activeRoot) }},
		{name: "cancelUpgrade", roles: []int{roleRoot, roleUpgrade, roleEmergency}, setup: pending,
			call:  func(ctl *trustkernel.Controller) (trustkernel.Call, error) { return ctl.CancelUpgrade(), nil },
			check: func(t *testing.T, s snapshotView) { require.False(t, s.pending) }},
		{name: "pause", roles: []int{roleEmergency},
			call:  func(ctl *trustkernel.Controller) (trustkernel.Call, error) { return ctl.Pause(), nil },
			check: func(t *testing.T, s snapshotView) { require.True(t, s.paused) }},
		{name: "unpause", roles: []int{roleEmergency},
			setup: func(t *testing.T, f *chainFixture, ctl *trustkernel.Controller) {
				f.send(t, roleEmergency, ctl.Pause(), nil)
			},
			call:  func(ctl *trustkernel.Controller) (trustkernel.Call, error) { return ctl.Unpause(), nil },
			check: func(t *testing.T, s snapshotView) { require.False(t, s.paused) }},
		{name: "setPolicyHash", roles: []int{roleRoot},
			call: func(ctl *trustkernel.Controller) (trustkernel.Call, error) {
				return ctl.SetPolicyHash(h32("policy v2")), nil
			},
			check: func(t *testing.T, s snapshotView) { require.Equal(t, h32("policy v2"), s.policyHash) }},
		{name: "setReleaseRegistry", roles: []int{roleRoot},
			call: func(ctl *trustkernel.Controller) (trustkernel.Call, error) {
				return ctl.SetReleaseRegistry(f.dep.Registry), nil
			},
			check: func(t *testing.T, s snapshotView) { require.Equal(t, f.dep.Registry, s.registry) }},
		{name: "setUpgradeAuthority", roles: []int{roleRoot},
			call: func(ctl *trustkernel.Controller) (trustkernel.Call, error) {
				return ctl.SetUpgradeAuthority(simchain.Address(6)), nil
			},
			check: func(t *testing.T, s snapshotView) { require.Equal(t, simchain.Address(6), s.upgrade) }},
		{name: "setEmergencyAuthority", roles: []int{roleRoot},
			call: func(ctl *trustkernel.Controller) (trustkernel.Call, error) {
				return ctl.SetEmergencyAuthority(simchain.Address(6)), nil
			},
			check: func(t *testing.T, s snapshotView) { require.Equal(t, simchain.Address(6), s.emergency) }},
		{name: "transferRootAuthority", roles: []int{roleRoot},
			call: func(ctl *trustkernel.Controller) (trustkernel.Call, error) {
				return ctl.TransferRootAuthority(simchain.Address(6)), nil
			},
			check: func(t *testing.T, s snapshotView) { require.Equal(t, simchain.Address(6), s.pendingRoot) }},
		{name: "publishManifestChunks", roles: []int{roleUpgrade},
			call: func(ctl *trustkernel.Controller) (trustkernel.Call, error) {
				p, err := ctl.PlanManifest(manifest)
				if err != nil {
					return trustkernel.Call{}, err
				}
				return p.Txs[0].Call, nil
			}},
	}
	ctx := context.Background()
	n := 0
	for _, p := range powers {
		// One instance for the refusals, one per role that holds the power.
		for _, who := range append([]int{0}, p.roles...) {
			n++
			ctl := f.instance(t, fmt.Sprintf("powers %d", n))
			if p.setup != nil {
				p.setup(t, f, ctl)
			}
			c, err := p.call(ctl)
			require.NoError(t, err, p.name)
			if who == 0 {
				for _, role := range []int{roleRoot, roleUpgrade, roleEmergency, roleNone} {
					if slices.Contains(p.roles, role) {
						continue
					}
					_, err := trustkernel.Send(ctx, f.client, chainOpts(role), c)
					require.ErrorIs(t, err, trustkernel.ErrUnauthorized, "%s by the %s authority", p.name, roleNames[role])
				}
				continue
			}
			_, err = trustkernel.Send(ctx, f.client, chainOpts(who), c)
			require.NoError(t, err, "%s by the %s authority", p.name, roleNames[who])
			if p.check != nil {
				p.check(t, f.view(t, ctl))
			}
		}
	}
}

// TestBreakGlassAndPolicy walks the two powers the roles gained: the
// emergency authority cancels a pending upgrade while the controller is
// paused, and the root authority changes the policy hash (also while
// paused), each counted as a change.
func TestBreakGlassAndPolicy(t *testing.T) {
	f := newChainFixture(t)
	ctx := context.Background()
	ctl := f.instance(t, "break glass")
	count := func() uint64 {
		s, err := ctl.Snapshot(ctx, f.client, nil)
		require.NoError(t, err)
		return s.ChangeCount
	}
	c, err := proposeR1(ctl)
	f.send(t, roleUpgrade, c, err)
	f.send(t, roleEmergency, ctl.Pause(), nil)
	before := count()
	f.send(t, roleEmergency, ctl.CancelUpgrade(), nil)
	require.Equal(t, before+1, count())
	v := f.view(t, ctl)
	require.False(t, v.pending)
	require.True(t, v.paused)
	require.Equal(t, h32("genesis root"), v.activeRoot, "cancelling activates nothing")
	_, err = trustkernel.Send(ctx, f.client, chainOpts(roleEmergency), ctl.CancelUpgrade())
	require.ErrorIs(t, err, trustkernel.ErrNoPendingUpgrade)

	rcpt, err := trustkernel.Send(ctx, f.client, chainOpts(roleRoot), ctl.SetPolicyHash(h32("policy v2")))
	require.NoError(t, err)
	require.Equal(t, before+2, count())
	require.Equal(t, h32("policy v2"), f.view(t, ctl).policyHash)
	require.Len(t, rcpt.Logs, 1)
	ev, err := controllerABI().UnpackPolicyHashChangedEvent(rcpt.Logs[0])
	require.NoError(t, err)
	require.Equal(t, h32("policy v1"), ev.Previous)
	require.Equal(t, h32("policy v2"), ev.Current)
}

// TestReleaseProposals answers the open question of version-based
// activation: while the controller pins a release registry, upgrades name a
// published (component, version), and activation checks the root and URI
// hash against the registry again.
func TestReleaseProposals(t *testing.T) {
	f := newChainFixture(t)
	ctx := context.Background()
	ctl := f.instance(t, "releases")
	reg := trustkernel.NewRegistry(f.dep.Registry)
	comp := h32("accord/core")
	abi := controllerABI()
	propose := func(version uint64) func() (trustkernel.Call, error) {
		return func() (trustkernel.Call, error) {
			return ctl.ProposeRelease(comp, version, h32("policy rel"), time.Hour)
		}
	}
	raw := func() (trustkernel.Call, error) { return proposeR1(ctl) }
	// A second registry that publishes other bytes under the same name.
	other, err := trustkernel.Deploy(ctx, f.client, chainOpts(0), simchain.Address(0))
	require.NoError(t, err)

	runSteps(t, f, []step{
		{name: "publish 1", from: 0, call: ok(reg.Publish(comp, 1, h32("rel r1"), h32("rel u1"), h32("rel m1")))},
		{name: "publish 1 elsewhere", from: 0, call: ok(trustkernel.NewRegistry(other.Registry).Publish(comp, 1, h32("evil"), h32("rel u1"), h32("rel m1")))},
		{name: "release proposal with no registry pinned", from: roleUpgrade, call: propose(1), wantErr: trustkernel.ErrNoReleaseRegistry},
		{name: "pin an account without code", from: roleRoot, call: ok(ctl.SetReleaseRegistry(simchain.Address(6))), wantErr: trustkernel.ErrNoCode},
		{name: "raw proposal before pinning", from: roleUpgrade, call: raw},
		{name: "pin the registry", from: roleRoot, call: ok(ctl.SetReleaseRegistry(f.dep.Registry))},
		{name: "activate the raw proposal once pinned", from: roleUpgrade, call: ok(ctl.ActivateUpgrade()), wantErr: trustkernel.ErrReleaseRequired},
		{name: "raw proposal while pinned", from: roleUpgrade, call: raw, wantErr: trustkernel.ErrReleaseRequired},
		{name: "zero component (checked in go)", from: roleUpgrade, call: func() (trustkernel.Call, error) {
			return ctl.ProposeRelease([32]byte{}, 1, h32("p"), time.Hour)
		}, wantErr: trustkernel.ErrZeroComponentID},
		{name: "zero component (checked on chain)", from: roleUpgrade, call: ok(trustkernel.Call{Method: "proposeRelease", To: ctl.Address,
			Data: abi.PackProposeRelease([32]byte{}, 1, h32("p"), 3600)}), wantErr: trustkernel.ErrZeroComponentID},
		{name: "unpublished version", from: roleUpgrade, call: propose(2), wantErr: trustkernel.ErrReleaseNotFound},
		{name: "propose version 1", from: roleUpgrade, call: propose(1), after: func(t *testing.T) {
			s, err := ctl.Snapshot(ctx, f.client, nil)
			require.NoError(t, err)
			require.Equal(t, h32("rel r1"), s.PendingUpgrade.Root, "root copied from the registry")
			require.Equal(t, h32("rel u1"), s.PendingUpgrade.URIHash)
			require.Equal(t, comp, s.PendingUpgrade.ComponentID)
			require.Equal(t, uint64(1), s.PendingUpgrade.Version)
		}},
		{name: "re-pin a registry publishing another root", from: roleRoot, call: ok(ctl.SetReleaseRegistry(other.Registry))},
		{name: "activate against it", from: roleUpgrade, call: ok(ctl.ActivateUpgrade()), wantErr: trustkernel.ErrReleaseMismatch},
		{name: "pin the genuine registry again", from: roleRoot, call: ok(ctl.SetReleaseRegistry(f.dep.Registry))},
		{name: "activate version 1", from: roleUpgrade, call: ok(ctl.ActivateUpgrade()), after: func(t *testing.T) {
			s, err := ctl.Snapshot(ctx, f.client, nil)
			require.NoError(t, err)
			require.Equal(t, h32("rel r1"), s.ActiveRoot)
			require.Equal(t, h32("rel u1"), s.ActiveURIHash)
			require.Equal(t, h32("policy rel"), s.ActivePolicyHash)
			require.Equal(t, comp, s.ActiveComponentID)
			require.Equal(t, uint64(1), s.ActiveVersion)
			require.Zero(t, s.PendingUpgrade.ComponentID)
			require.Zero(t, s.PendingUpgrade.Version)
			require.Equal(t, f.dep.Registry, s.ReleaseRegistry)
		}},
		{name: "unpin", from: roleRoot, call: ok(ctl.SetReleaseRegistry(common.Address{}))},
		{name: "raw proposal after unpinning", from: roleUpgrade, call: raw},
		{name: "activate it", from: roleUpgrade, call: ok(ctl.ActivateUpgrade()), after: func(t *testing.T) {
			s, err := ctl.Snapshot(ctx, f.client, nil)
			require.NoError(t, err)
			require.Equal(t, h32("r1"), s.ActiveRoot)
			require.Zero(t, s.ActiveComponentID, "a raw root names no release")
			require.Zero(t, s.ActiveVersion)
		}},
	})
}
