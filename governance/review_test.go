package governance

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// An agent acts with roles its delegator holds: a suspension of the
// delegator must also stop the agent using them, or a suspended actor
// keeps acting through its agent.
func TestSuspensionReachesAgents(t *testing.T) {
	f := newFixture(t)
	const agent = "did:vm:agent:automation-01" // delegated by the sovereign
	v, err := f.body.RequestChange(f.ctx, ChangeRequest{Actor: sov, Action: "modify_receipt", Scroll: ScrollGovernance, Index: 0, Request: []byte("PUT /receipts/0")})
	require.ErrorIs(t, err, ErrAppendOnly)
	_, err = f.body.Enforce(f.ctx, f.s("engine:guardian"), EnforcementDraft{ViolationID: v.ViolationID,
		EnforcementType: EnforcementCapabilitySuspension, Capability: string(RolePropose), Scope: ScopeAllScrolls, ReviewDeadline: f.clk.now().Add(24 * time.Hour)})
	require.NoError(t, err)
	_, err = f.body.Propose(f.ctx, f.s(sov), articleVII())
	require.ErrorIs(t, err, ErrSuspended)
	_, err = f.body.Propose(f.ctx, f.s(agent), articleVII())
	require.ErrorIs(t, err, ErrSuspended, "the agent proposes with its suspended delegator's role")
	require.True(t, f.body.Suspended(agent, RolePropose, ScrollGovernance, f.clk.now()))
}

// Submit takes receipts sealed elsewhere, with the signer's own time. One
// dated years ahead must be refused: accepted, it would move the scroll's
// time forward so that every receipt written now is refused as older, and
// close every vote under way.
func TestSubmitRefusesFutureReceipt(t *testing.T) {
	f := newFixture(t)
	// Alice seals a proposal on a machine whose clock is ten years ahead.
	ahead := newFixture(t)
	ahead.clk.set(t0.AddDate(10, 0, 0))
	ahead.body = ahead.open()
	_, err := ahead.body.Propose(ahead.ctx, ahead.s("did:vm:human:alice"), articleVII())
	require.NoError(t, err)
	sealed, err := ahead.store.scrolls[ScrollGovernance].Record(0)
	require.NoError(t, err)

	_, err = f.body.Submit(f.ctx, sealed)
	require.ErrorIs(t, err, ErrConflict)
	require.Zero(t, f.body.Receipts())
	_, err = f.body.Propose(f.ctx, f.s(sov), articleVII())
	require.NoError(t, err, "the body still writes receipts at its own time")
}

// A review must not come from the actor an enforcement targets, nor from
// that actor's agent, which acts with the target's own roles.
func TestTargetsAgentMayNotReview(t *testing.T) {
	const dave, agent = "did:vm:human:dave", "did:vm:agent:dave-helper"
	actors := append(testActors(), Actor{ID: agent, Kind: KindAgent, Key: testSigner(agent).PublicKey(), Roles: []Role{RoleReview}, DelegatedBy: dave})
	reg, err := NewRegistry(actors)
	require.NoError(t, err)
	f := &fixture{t: t, ctx: t.Context(), clk: &clock{t: t0}, store: newMemStore(), anch: newFakeAnchorer(), reg: reg}
	f.body = f.open()
	v, err := f.body.RequestChange(f.ctx, ChangeRequest{Actor: dave, Action: "modify_receipt", Scroll: ScrollGovernance, Index: 0, Request: []byte("PUT /receipts/0")})
	require.ErrorIs(t, err, ErrAppendOnly)
	enf, err := f.body.Enforce(f.ctx, f.s("engine:guardian"), EnforcementDraft{ViolationID: v.ViolationID,
		EnforcementType: EnforcementCapabilitySuspension, Capability: string(RoleVote), Scope: ScopeAllScrolls, ReviewDeadline: f.clk.now().Add(24 * time.Hour)})
	require.NoError(t, err)
	_, err = f.body.Review(f.ctx, f.s(dave), enf.EnforcementID, DecisionDismiss, "")
	require.ErrorIs(t, err, ErrNotAuthorized)
	_, err = f.body.Review(f.ctx, f.s(agent), enf.EnforcementID, DecisionDismiss, "")
	require.ErrorIs(t, err, ErrNotAuthorized, "the target dismisses its own sanction through its agent")
	_, err = f.body.Review(f.ctx, f.s(agent), v.ViolationID, DecisionDismiss, "")
	require.ErrorIs(t, err, ErrNotAuthorized, "the violation names the agent's delegator")
}

// An agent holds its delegator's roles only while the delegator is
// registered: once the delegator's registration ends, so do the agent's
// delegated powers.
func TestAgentOutlivesDelegatorRefused(t *testing.T) {
	const alice, agent = "did:vm:human:alice", "did:vm:agent:alice-helper"
	actors := testActors()
	for i := range actors {
		if actors[i].ID == alice {
			actors[i].ValidUntil = t0.Add(time.Hour)
		}
	}
	actors = append(actors, Actor{ID: agent, Kind: KindAgent, Key: testSigner(agent).PublicKey(), Roles: []Role{RolePropose}, DelegatedBy: alice})
	reg, err := NewRegistry(actors)
	require.NoError(t, err)
	f := &fixture{t: t, ctx: t.Context(), clk: &clock{t: t0}, store: newMemStore(), anch: newFakeAnchorer(), reg: reg}
	f.body = f.open()
	f.clk.add(2 * time.Hour)
	_, err = f.body.Propose(f.ctx, f.s(alice), articleVII())
	require.ErrorIs(t, err, ErrBadSignature, "alice is no longer registered")
	_, err = f.body.Propose(f.ctx, f.s(agent), articleVII())
	require.ErrorIs(t, err, ErrNotAuthorized, "nor are the powers she delegated")
}

// A dismissed enforcement has ended, as a dismissed violation has: a later
// review may not uphold it back into force.
func TestDismissedEnforcementStaysEnded(t *testing.T) {
	f := newFixture(t)
	const agent = "did:vm:agent:automation-01"
	v, err := f.body.RequestChange(f.ctx, ChangeRequest{Actor: agent, Action: "modify_receipt", Scroll: ScrollGovernance, Index: 0, Request: []byte("x")})
	require.ErrorIs(t, err, ErrAppendOnly)
	enf, err := f.body.Enforce(f.ctx, f.s("engine:guardian"), EnforcementDraft{ViolationID: v.ViolationID,
		EnforcementType: EnforcementCapabilitySuspension, Capability: CapabilityWrite, Scope: ScopeAllScrolls, ReviewDeadline: f.clk.now().Add(24 * time.Hour)})
	require.NoError(t, err)
	f.clk.add(time.Hour)
	_, err = f.body.Review(f.ctx, f.s("did:vm:human:dave"), enf.EnforcementID, DecisionDismiss, "no harm done")
	require.NoError(t, err)
	dismissed := f.clk.now()
	f.clk.add(time.Hour)
	_, err = f.body.Review(f.ctx, f.s(sov), enf.EnforcementID, DecisionUphold, "")
	require.ErrorIs(t, err, ErrConflict)
	require.False(t, f.body.Suspended(agent, RolePropose, ScrollGovernance, f.clk.now()))
	require.False(t, f.body.Suspended(agent, RolePropose, ScrollGovernance, dismissed))
}
