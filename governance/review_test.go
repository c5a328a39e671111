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
