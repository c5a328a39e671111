package governance

import (
	"github.com/accordsdk/accord/envelope"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const rateLimit = "guardian.anchor_rate_limit"

func (f *fixture) parameterOrder(old, new string, d time.Duration) (*ExecutiveOrder, error) {
	return f.body.IssueOrder(f.ctx, f.s(sov), OrderDraft{Title: "Temporary Rate Limit Increase", Authority: "ARTICLE-I.1",
		OrderType: OrderParameterChange, Content: OrderContent{Parameter: rateLimit, OldValue: old, NewValue: new},
		ExpiresAt: f.clk.now().Add(d)})
}

// TestParameterOrder: old_value must be the effective value; the effective
// value changes while the order is in force and reverts at expires_at with
// nobody acting; revocation ends it early.
func TestParameterOrder(t *testing.T) {
	f := newFixture(t)
	_, err := f.parameterOrder("50/day", "500/day", 24*time.Hour)
	require.ErrorIs(t, err, ErrConflict, "old_value not the effective value")

	o, err := f.parameterOrder("100/day", "500/day", 24*time.Hour)
	require.NoError(t, err)
	assert.Equal(t, "EO-2025-12-001", o.OrderID)
	v, _ := f.body.EffectiveValue(rateLimit, f.clk.now())
	assert.Equal(t, "500/day", v)

	// A second order layers on the first and must cite it.
	f.clk.add(time.Hour)
	_, err = f.parameterOrder("100/day", "700/day", time.Hour)
	require.ErrorIs(t, err, ErrConflict)
	o2, err := f.parameterOrder("500/day", "700/day", time.Hour)
	require.NoError(t, err)
	v, _ = f.body.EffectiveValue(rateLimit, f.clk.now())
	assert.Equal(t, "700/day", v)
	// When the later order expires the earlier one is back.
	v, _ = f.body.EffectiveValue(rateLimit, o2.Duration.ExpiresAt.Time)
	assert.Equal(t, "500/day", v)
	// When both have expired the constitution's value is back.
	v, _ = f.body.EffectiveValue(rateLimit, o.Duration.ExpiresAt.Time)
	assert.Equal(t, "100/day", v)
	v, _ = f.body.EffectiveValue(rateLimit, o.Duration.ExpiresAt.Add(-time.Second))
	assert.Equal(t, "500/day", v)

	// Revocation ends the first order now.
	f.clk.set(o2.Duration.ExpiresAt.Time)
	_, err = f.body.RevokeOrder(f.ctx, f.s(sov), o.OrderID, "no longer needed")
	require.NoError(t, err)
	v, _ = f.body.EffectiveValue(rateLimit, f.clk.now())
	assert.Equal(t, "100/day", v)
	_, err = f.body.RevokeOrder(f.ctx, f.s(sov), o.OrderID, "again")
	require.ErrorIs(t, err, ErrConflict)

	// Orders are bounded and cite real sections.
	_, err = f.parameterOrder("100/day", "900/day", 91*24*time.Hour)
	require.ErrorIs(t, err, ErrLimit)
	_, err = f.body.IssueOrder(f.ctx, f.s(sov), OrderDraft{Title: "x", Authority: "ARTICLE-I.9", OrderType: OrderDirective,
		Content: OrderContent{Directive: "do"}, ExpiresAt: f.clk.now().Add(time.Hour)})
	require.ErrorIs(t, err, ErrUnknown)
	// bob holds no order role.
	_, err = f.body.IssueOrder(f.ctx, f.s("did:vm:human:bob"), OrderDraft{Title: "x", Authority: "ARTICLE-I.1", OrderType: OrderDirective,
		Content: OrderContent{Directive: "do"}, ExpiresAt: f.clk.now().Add(time.Hour)})
	require.ErrorIs(t, err, ErrNotAuthorized)
}

// TestEmergency: bounded duration, extension only if renewable and up to
// the maximum, end, and an expired emergency without effect.
func TestEmergency(t *testing.T) {
	f := newFixture(t)
	_, err := f.body.DeclareEmergency(f.ctx, f.s(sov), "security_incident", "Active intrusion on BRICK-02", nil, 73, true)
	require.ErrorIs(t, err, ErrLimit)

	e, err := f.body.DeclareEmergency(f.ctx, f.s(sov), "security_incident", "Active intrusion on BRICK-02", nil, 24, true)
	require.NoError(t, err)
	assert.Equal(t, OrderEmergency, e.OrderType)
	assert.Equal(t, "ARTICLE-VI.1", e.Authority)
	assert.Equal(t, DefaultEmergencyPowers(), f.body.EmergencyPowers(f.clk.now()))
	_, err = f.body.DeclareEmergency(f.ctx, f.s(sov), "outage", "second", nil, 1, false)
	require.ErrorIs(t, err, ErrConflict, "one emergency at a time")

	for i := range 3 {
		_, err = f.body.ExtendEmergency(f.ctx, f.s(sov), 24, "still active")
		require.NoError(t, err, "extension %d", i+1)
	}
	_, err = f.body.ExtendEmergency(f.ctx, f.s(sov), 24, "once more")
	require.ErrorIs(t, err, ErrLimit, "at most three extensions")
	st, ok := f.body.Emergency(f.clk.now())
	require.True(t, ok)
	assert.Equal(t, e.Duration.ExpiresAt.Add(72*time.Hour), st.ExpiresAt)
	assert.Equal(t, 3, st.Extensions)

	// Expiry: at ExpiresAt it has no effect, with no receipt written.
	n := f.body.Receipts()
	f.clk.set(st.ExpiresAt.Add(-time.Second))
	assert.NotEmpty(t, f.body.EmergencyPowers(f.clk.now()))
	f.clk.set(st.ExpiresAt)
	assert.Empty(t, f.body.EmergencyPowers(f.clk.now()))
	st, _ = f.body.Emergency(f.clk.now())
	assert.False(t, st.InForce)
	assert.Equal(t, n, f.body.Receipts())
	_, err = f.body.ExtendEmergency(f.ctx, f.s(sov), 1, "too late")
	require.ErrorIs(t, err, ErrUnknown)
	_, err = f.body.EndEmergency(f.ctx, f.s(sov), "too late")
	require.ErrorIs(t, err, ErrUnknown)

	// A new one that is not renewable cannot be extended; it can be ended.
	_, err = f.body.DeclareEmergency(f.ctx, f.s(sov), "outage", "Datacentre power", []string{"Enhanced logging"}, 12, false)
	require.NoError(t, err)
	_, err = f.body.ExtendEmergency(f.ctx, f.s(sov), 1, "")
	require.ErrorIs(t, err, ErrLimit)
	f.clk.add(time.Hour)
	_, err = f.body.EndEmergency(f.ctx, f.s(sov), "power restored")
	require.NoError(t, err)
	assert.Empty(t, f.body.EmergencyPowers(f.clk.now()))
}

// TestEnforcement: a suspension blocks its target in its scope until
// review; dismissal lifts it; an unreviewed one lapses at its deadline.
func TestEnforcement(t *testing.T) {
	f := newFixture(t)
	const agent = "did:vm:agent:automation-01"
	v, err := f.body.RequestChange(f.ctx, ChangeRequest{Actor: agent, Action: "modify_receipt", Scroll: ScrollGovernance, Index: 0, Request: []byte("PUT /receipts/0")})
	require.ErrorIs(t, err, ErrAppendOnly)
	require.NotNil(t, v)
	assert.Equal(t, "VIOL-2025-12-001", v.ViolationID)
	assert.Equal(t, "AXIOM-001", v.Details.RuleViolated)
	assert.Equal(t, "engine:governance", v.DetectedBy)
	assert.Equal(t, "blocked", v.Details.ActionResult)

	deadline := f.clk.now().Add(24 * time.Hour)
	enf, err := f.body.Enforce(f.ctx, f.s("engine:guardian"), EnforcementDraft{ViolationID: v.ViolationID,
		EnforcementType: EnforcementCapabilitySuspension, Capability: CapabilityWrite, Scope: ScopeAllScrolls, ReviewDeadline: deadline})
	require.NoError(t, err)
	assert.Equal(t, agent, enf.Target)
	assert.True(t, f.body.Suspended(agent, RolePropose, ScrollGovernance, f.clk.now()))
	_, err = f.body.Propose(f.ctx, f.s(agent), articleVII())
	require.ErrorIs(t, err, ErrSuspended)

	// Too long a review deadline is refused.
	_, err = f.body.Enforce(f.ctx, f.s("engine:guardian"), EnforcementDraft{ViolationID: v.ViolationID,
		EnforcementType: EnforcementWarning, ReviewDeadline: f.clk.now().Add(73 * time.Hour)})
	require.ErrorIs(t, err, ErrLimit)

	// The enforcer may not review its own action.
	_, err = f.body.Review(f.ctx, f.s("engine:guardian"), enf.EnforcementID, DecisionDismiss, "")
	require.ErrorIs(t, err, ErrNotAuthorized)

	// Unreviewed, the suspension lapses at the deadline.
	assert.True(t, f.body.Suspended(agent, RolePropose, ScrollGovernance, deadline.Add(-time.Second)))
	assert.False(t, f.body.Suspended(agent, RolePropose, ScrollGovernance, deadline))
	es := f.body.Enforcements(f.clk.now())
	require.Len(t, es, 1)
	assert.True(t, es[0].PendingReview)

	// Upheld, it stays past the deadline; dismissed, it ends.
	f.clk.add(time.Hour)
	_, err = f.body.Review(f.ctx, f.s("did:vm:human:dave"), enf.EnforcementID, DecisionUphold, "confirmed")
	require.NoError(t, err)
	assert.True(t, f.body.Suspended(agent, RolePropose, ScrollGovernance, deadline.Add(time.Hour)))
	f.clk.add(time.Hour)
	_, err = f.body.Review(f.ctx, f.s(sov), v.ViolationID, DecisionDismiss, "false positive")
	require.NoError(t, err)
	assert.False(t, f.body.Suspended(agent, RolePropose, ScrollGovernance, f.clk.now()))
	_, err = f.body.Propose(f.ctx, f.s(agent), articleVII())
	require.NoError(t, err)
	vs := f.body.Violations()
	require.Len(t, vs, 1)
	assert.Equal(t, DecisionDismiss, vs[0].Decision)

	// A suspension scoped to another scroll does not block Governance.
	v2, err := f.body.RecordViolation(f.ctx, f.s("engine:guardian"), ViolationDraft{ViolationType: ViolationProcedural, Severity: SeverityLow,
		Details:  ViolationDetails{Actor: "did:vm:human:alice", ActionAttempted: "skip_drill", RuleViolated: "ARTICLE-III.2", ActionResult: "completed"},
		Evidence: Evidence{LogEntries: []string{"Drills#4"}, RequestHash: v.Evidence.RequestHash}})
	require.NoError(t, err)
	_, err = f.body.Enforce(f.ctx, f.s("engine:guardian"), EnforcementDraft{ViolationID: v2.ViolationID,
		EnforcementType: EnforcementCapabilitySuspension, Capability: string(RolePropose), Scope: "Drills", ReviewDeadline: f.clk.now().Add(time.Hour)})
	require.NoError(t, err)
	assert.True(t, f.body.Suspended("did:vm:human:alice", RolePropose, "Drills", f.clk.now()))
	_, err = f.body.Propose(f.ctx, f.s("did:vm:human:alice"), articleVII())
	require.NoError(t, err)

	// Violations must cite a rule that exists.
	_, err = f.body.RecordViolation(f.ctx, f.s("engine:guardian"), ViolationDraft{ViolationType: ViolationProcedural, Severity: SeverityLow,
		Details:  ViolationDetails{Actor: "did:vm:human:alice", ActionAttempted: "x", RuleViolated: "ARTICLE-IX.1", ActionResult: "completed"},
		Evidence: Evidence{LogEntries: []string{}, RequestHash: v.Evidence.RequestHash}})
	require.ErrorIs(t, err, ErrUnknown)

	_, err = f.body.Audit(f.ctx, f.verifierFunc(), nil)
	require.NoError(t, err)
}

// TestAddEngine: a new engine enters only through an add_engine proposal,
// and until then receipts signed by it are refused.
func TestAddEngine(t *testing.T) {
	actors := append(testActors(), actor("engine:analytics", KindEngine, 0, RoleDetect))
	reg, err := NewRegistry(actors)
	require.NoError(t, err)
	f := newFixture(t)
	f.reg = reg
	f.body = f.open()
	draft := ViolationDraft{ViolationType: ViolationProcedural, Severity: SeverityMedium,
		Details:  ViolationDetails{Actor: "did:vm:human:alice", ActionAttempted: "x", RuleViolated: "ARTICLE-III.2", ActionResult: "completed"},
		Evidence: Evidence{LogEntries: []string{}, RequestHash: testDigest()}}
	_, err = f.body.RecordViolation(f.ctx, f.s("engine:analytics"), draft)
	require.ErrorIs(t, err, ErrNotAuthorized, "unregistered engine")

	eng := Engine{EngineID: "engine:analytics", Name: "Analytics", Scroll: "Analytics", Authority: "Data analysis and insights", Status: EngineActive}
	p := f.propose(ProposalDraft{Type: ProposalAddEngine, Title: "Add Analytics", Content: Content{Target: eng.EngineID, Action: ActionAddEngine, Engine: &eng}})
	assert.True(t, p.Rules.RatificationRequired)
	f.toVoting(p)
	f.vote(p, "did:vm:human:dave", Approve)
	f.vote(p, "did:vm:human:carol", Approve)
	f.toClose(p)
	_, err = f.body.Ratify(f.ctx, f.s(sov), p.ProposalID)
	require.NoError(t, err)
	_, err = f.body.Activate(f.ctx, f.s("engine:governance"), p.ProposalID)
	require.NoError(t, err)
	c := f.body.Constitution()
	assert.Equal(t, "1.1.0", c.Version.String())
	assert.Len(t, c.Engines, 13)
	_, err = f.body.RecordViolation(f.ctx, f.s("engine:analytics"), draft)
	require.NoError(t, err)

	// Engines enter by add_engine only: an amendment cannot carry one.
	_, err = f.body.Propose(f.ctx, f.s(sov), ProposalDraft{Type: ProposalAmendment, Title: "x", Content: Content{Target: "engine:x", Action: ActionAddEngine, Engine: &eng}})
	require.ErrorIs(t, err, ErrMalformed)
}

func testDigest() envelope.Digest { return envelope.Blake3([]byte("request")) }
