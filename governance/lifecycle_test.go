package governance

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAmendmentEndToEnd walks the seed workflow: proposal, deliberation,
// voting, ratification, activation after anchor confirmation, audit.
func TestAmendmentEndToEnd(t *testing.T) {
	f := newFixture(t)
	p := f.propose(articleVII())
	assert.Equal(t, "PROP-2025-12-001", p.ProposalID)
	assert.Equal(t, StateDeliberation, p.Status)
	assert.Equal(t, t0.Add(7*24*time.Hour), p.DeliberationEnds.Time)
	assert.Equal(t, StateDeliberation, f.state(p))

	f.toVoting(p)
	assert.Equal(t, StateVoting, f.state(p))
	f.vote(p, sov, Approve)
	f.vote(p, "did:vm:human:dave", Approve)
	f.vote(p, "did:vm:human:bob", Approve)

	f.toClose(p)
	assert.Equal(t, StateRatification, f.state(p))
	rt, err := f.body.Ratify(f.ctx, f.s(sov), p.ProposalID)
	require.NoError(t, err)
	assert.Equal(t, "RAT-2025-12-001", rt.RatificationID)
	assert.Equal(t, VoteSummary{Approve: 7}, rt.VoteSummary)
	assert.True(t, rt.QuorumMet)
	assert.Equal(t, "1.0.0", rt.ConstitutionVersionBefore.String())
	assert.Equal(t, "1.1.0", rt.ConstitutionVersionAfter.String())
	assert.Equal(t, StateActivation, f.state(p))

	before := f.body.Constitution().Hash()
	f.clk.add(2 * time.Hour)
	am, err := f.body.Activate(f.ctx, f.s("engine:governance"), p.ProposalID)
	require.NoError(t, err)
	assert.Equal(t, "AMEND-2025-12-001", am.AmendmentID)
	assert.True(t, am.ConstitutionHashBefore.Equal(before))
	assert.Equal(t, StateActive, f.state(p))
	c := f.body.Constitution()
	assert.Equal(t, "1.1.0", c.Version.String())
	assert.True(t, am.ConstitutionHashAfter.Equal(c.Hash()))
	_, ok := c.Article("ARTICLE-VII")
	assert.True(t, ok)
	assert.Equal(t, []Version{{1, 0, 0}, {1, 1, 0}}, f.body.Versions())

	// Reopening replays the scroll to the same state.
	b2 := f.open()
	assert.True(t, b2.Constitution().Hash().Equal(c.Hash()))

	rep, err := f.body.Audit(f.ctx, f.verifierFunc(), nil)
	require.NoError(t, err)
	assert.Equal(t, uint64(6), rep.Receipts)
	assert.Equal(t, 1, rep.Anchors)
	assert.True(t, rep.Hash.Equal(c.Hash()))
}

// TestActivationNeedsAnchor: without a confirmed anchor nothing activates.
func TestActivationNeedsAnchor(t *testing.T) {
	f := newFixture(t)
	p := f.passAmendment()
	f.anch.fail = errors.New("backend down")
	_, err := f.body.Activate(f.ctx, f.s("engine:governance"), p.ProposalID)
	require.ErrorIs(t, err, ErrNotAnchored)
	assert.Equal(t, StateActivation, f.state(p))
	assert.Equal(t, "1.0.0", f.body.Constitution().Version.String())
}

// passAmendment files ARTICLE-VII, passes and ratifies it, and leaves the
// clock just after ratification.
func (f *fixture) passAmendment() *Proposal {
	p := f.propose(articleVII())
	f.toVoting(p)
	f.vote(p, "did:vm:human:dave", Approve)
	f.vote(p, "did:vm:human:bob", Approve)
	f.toClose(p)
	_, err := f.body.Ratify(f.ctx, f.s(sov), p.ProposalID)
	require.NoError(f.t, err)
	return p
}

// TestLifecycleTable puts a proposal in each state and tries every action
// on it: the allowed one succeeds, the others fail with a StateError that
// names the state.
func TestLifecycleTable(t *testing.T) {
	type setup func(f *fixture) *Proposal
	states := []struct {
		state State
		setup setup
	}{
		{StateDeliberation, func(f *fixture) *Proposal { return f.propose(articleVII()) }},
		{StateVoting, func(f *fixture) *Proposal { p := f.propose(articleVII()); f.toVoting(p); return p }},
		{StateRatification, func(f *fixture) *Proposal {
			p := f.propose(articleVII())
			f.toVoting(p)
			f.vote(p, "did:vm:human:dave", Approve)
			f.vote(p, "did:vm:human:bob", Approve)
			f.toClose(p)
			return p
		}},
		{StateActivation, func(f *fixture) *Proposal { return f.passAmendment() }},
		{StateActive, func(f *fixture) *Proposal {
			p := f.passAmendment()
			_, err := f.body.Activate(f.ctx, f.s("engine:governance"), p.ProposalID)
			require.NoError(f.t, err)
			return p
		}},
		{StateRejected, func(f *fixture) *Proposal {
			p := f.propose(articleVII())
			f.toVoting(p)
			f.vote(p, "did:vm:human:dave", Reject)
			f.vote(p, "did:vm:human:bob", Reject)
			f.toClose(p)
			return p
		}},
		{StateArchived, func(f *fixture) *Proposal {
			p := f.propose(articleVII())
			_, err := f.body.Cancel(f.ctx, f.s(sov), p.ProposalID, "withdrawn")
			require.NoError(f.t, err)
			return p
		}},
	}
	actions := []struct {
		name string
		do   func(f *fixture, p *Proposal) error
	}{
		{ActionVote, func(f *fixture, p *Proposal) error {
			_, err := f.body.Vote(f.ctx, f.s("did:vm:human:carol"), p.ProposalID, Approve, "")
			return err
		}},
		{ActionRatify, func(f *fixture, p *Proposal) error {
			_, err := f.body.Ratify(f.ctx, f.s(sov), p.ProposalID)
			return err
		}},
		{ActionActivate, func(f *fixture, p *Proposal) error {
			_, err := f.body.Activate(f.ctx, f.s("engine:governance"), p.ProposalID)
			return err
		}},
		{ActionCancel, func(f *fixture, p *Proposal) error {
			_, err := f.body.Cancel(f.ctx, f.s(sov), p.ProposalID, "no longer needed")
			return err
		}},
	}
	require.Len(t, states, len(States()))
	for _, st := range states {
		for _, ac := range actions {
			t.Run(string(st.state)+"/"+ac.name, func(t *testing.T) {
				f := newFixture(t)
				p := st.setup(f)
				require.Equal(t, st.state, f.state(p))
				f.clk.add(time.Minute)
				if st.state == StateArchived || st.state == StateActive || st.state == StateRejected {
					f.clk.add(0)
				}
				err := ac.do(f, p)
				allowed := false
				for _, s := range AllowedStates(ac.name) {
					allowed = allowed || s == st.state
				}
				if allowed {
					require.NoError(t, err)
					return
				}
				var se *StateError
				require.ErrorAs(t, err, &se)
				require.ErrorIs(t, err, ErrWrongState)
				assert.Equal(t, st.state, se.State)
				assert.Equal(t, p.ProposalID, se.Proposal)
				assert.Equal(t, ac.name, se.Action)
				assert.Contains(t, err.Error(), string(st.state))
			})
		}
	}
}

// TestExpiry: a passed proposal that nobody ratifies, and a ratified one
// nobody activates, are archived at their deadlines without any receipt.
func TestExpiry(t *testing.T) {
	f := newFixture(t)
	p := f.propose(articleVII())
	f.toVoting(p)
	f.vote(p, "did:vm:human:dave", Approve)
	f.vote(p, "did:vm:human:bob", Approve)
	f.toClose(p)
	ratEnd := p.VotingEnds.Add(72 * time.Hour)
	f.clk.set(ratEnd.Add(-time.Second))
	assert.Equal(t, StateRatification, f.state(p))
	f.clk.set(ratEnd)
	assert.Equal(t, StateArchived, f.state(p))
	_, err := f.body.Ratify(f.ctx, f.s(sov), p.ProposalID)
	require.ErrorIs(t, err, ErrWrongState)

	q := f.propose(articleVII())
	f.toVoting(q)
	f.vote(q, "did:vm:human:dave", Approve)
	f.vote(q, "did:vm:human:bob", Approve)
	f.toClose(q)
	_, err = f.body.Ratify(f.ctx, f.s(sov), q.ProposalID)
	require.NoError(t, err)
	f.clk.set(q.ExpiresAt.Add(-time.Second))
	assert.Equal(t, StateActivation, f.state(q))
	f.clk.set(q.ExpiresAt.Time)
	assert.Equal(t, StateArchived, f.state(q))
	_, err = f.body.Activate(f.ctx, f.s("engine:governance"), q.ProposalID)
	require.ErrorIs(t, err, ErrWrongState)
}

// TestThresholds: quorum and pass thresholds just met and just missed.
// Registered weight is 11 (sovereign 1, alice 1, bob 2, carol 3, dave 4);
// quorum >=1/2 needs 6; amendments need >=2/3 of approve+reject; statutes
// need more than half.
func TestThresholds(t *testing.T) {
	type ballot struct{ who, choice string }
	const (
		alice = "did:vm:human:alice"
		bob   = "did:vm:human:bob"
		carol = "did:vm:human:carol"
		dave  = "did:vm:human:dave"
	)
	statute := ProposalDraft{Type: ProposalStatute, Title: "Retention statute",
		Content: Content{Target: "STATUTE-001", Action: ActionAdd, Text: &Provision{ID: "STATUTE-001", Name: "Retention", Text: "Keep logs a year."}}}
	cases := []struct {
		name    string
		draft   ProposalDraft
		ballots []ballot
		quorum  bool
		want    State
	}{
		{"quorum just met (6 of 11)", articleVII(), []ballot{{dave, Approve}, {bob, Approve}}, true, StateRatification},
		{"quorum just missed (5 of 11)", articleVII(), []ballot{{dave, Approve}, {alice, Approve}}, false, StateRejected},
		{"abstain counts toward quorum", articleVII(), []ballot{{dave, Approve}, {alice, Abstain}, {sov, Abstain}}, true, StateRatification},
		{"supermajority just met (4 of 6)", articleVII(), []ballot{{dave, Approve}, {bob, Reject}}, true, StateRatification},
		{"supermajority just missed (4 of 7)", articleVII(), []ballot{{dave, Approve}, {carol, Reject}}, true, StateRejected},
		{"majority just met (4 of 7)", statute, []ballot{{dave, Approve}, {carol, Reject}}, true, StateActivation},
		{"majority just missed (3 of 6, a tie)", statute, []ballot{{carol, Approve}, {bob, Reject}, {sov, Reject}}, true, StateRejected},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			p := f.propose(tc.draft)
			f.toVoting(p)
			for _, b := range tc.ballots {
				f.vote(p, b.who, b.choice)
			}
			f.toClose(p)
			st, err := f.body.Proposal(p.ProposalID, f.clk.now())
			require.NoError(t, err)
			assert.Equal(t, int64(11), st.Tally.Registered)
			assert.Equal(t, tc.quorum, st.Tally.QuorumMet)
			assert.Equal(t, tc.want, st.State)
		})
	}
}

// TestAxiomRefused: no proposal may touch an axiom, whatever its action.
func TestAxiomRefused(t *testing.T) {
	f := newFixture(t)
	for _, c := range []Content{
		{Target: "AXIOM-001", Action: ActionRepeal},
		{Target: "AXIOM-005", Action: ActionReplace, Text: &Provision{ID: "AXIOM-005", Name: "x", Sections: []Section{{ID: "AXIOM-005.1", Text: "x"}}}},
		{Target: "ARTICLE-VII", Action: ActionAdd, Text: &Provision{ID: "AXIOM-006", Name: "x", Sections: []Section{{ID: "AXIOM-006.1", Text: "x"}}}},
	} {
		_, err := f.body.Propose(f.ctx, f.s(sov), ProposalDraft{Type: ProposalAmendment, Title: "Touch an axiom", Content: c})
		require.ErrorIs(t, err, ErrAxiomImmutable, "%+v", c)
	}
	assert.Empty(t, f.body.Proposals(f.clk.now()))
	assert.Zero(t, f.body.Receipts())
}

func TestOneVotePerVoter(t *testing.T) {
	f := newFixture(t)
	p := f.propose(articleVII())
	f.toVoting(p)
	f.vote(p, "did:vm:human:dave", Approve)
	_, err := f.body.Vote(f.ctx, f.s("did:vm:human:dave"), p.ProposalID, Reject, "changed my mind")
	require.ErrorIs(t, err, ErrConflict)

	// Statutes allow a vote to change: the later one replaces the earlier.
	s := f.propose(ProposalDraft{Type: ProposalStatute, Title: "Parameter",
		Content: Content{Target: "guardian.anchor_rate_limit", Action: ActionSetParameter, Value: "200/day"}})
	f.toVoting(s)
	f.vote(s, "did:vm:human:dave", Approve)
	v, err := f.body.Vote(f.ctx, f.s("did:vm:human:dave"), s.ProposalID, Reject, "")
	require.NoError(t, err)
	assert.Equal(t, "VOTE-2025-12-002-dave-2", v.VoteID)
	st, err := f.body.Proposal(s.ProposalID, f.clk.now())
	require.NoError(t, err)
	assert.Equal(t, VoteSummary{Reject: 4}, st.Tally.VoteSummary)
}

func TestRoles(t *testing.T) {
	f := newFixture(t)
	// bob may vote but not propose.
	_, err := f.body.Propose(f.ctx, f.s("did:vm:human:bob"), articleVII())
	var re *RoleError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, RolePropose, re.Role)
	require.ErrorIs(t, err, ErrNotAuthorized)
	// An unregistered signer.
	_, err = f.body.Propose(f.ctx, f.s("did:vm:human:mallory"), articleVII())
	require.ErrorIs(t, err, ErrNotAuthorized)
	// The delegated agent may propose.
	_, err = f.body.Propose(f.ctx, f.s("did:vm:agent:automation-01"), articleVII())
	require.NoError(t, err)
	// alice may not ratify or activate.
	p := f.passAmendment()
	_, err = f.body.Activate(f.ctx, f.s("did:vm:human:alice"), p.ProposalID)
	require.ErrorIs(t, err, ErrNotAuthorized)
}

func TestRegistryRefuses(t *testing.T) {
	base := testActors()
	mod := func(f func(a []Actor) []Actor) []Actor {
		c := append([]Actor(nil), base...)
		return f(c)
	}
	cases := map[string][]Actor{
		"no sovereign": mod(func(a []Actor) []Actor { return a[1:] }),
		"duplicate id": mod(func(a []Actor) []Actor { return append(a, a[1]) }),
		"agent beyond its delegator": mod(func(a []Actor) []Actor {
			a[7].Roles = []Role{RoleRatify}
			a[7].DelegatedBy = "did:vm:human:alice"
			return a
		}),
		"agent with a vote": mod(func(a []Actor) []Actor {
			a[7].Roles = []Role{RoleVote}
			a[7].Weight = 1
			return a
		}),
		"engine id":            mod(func(a []Actor) []Actor { a[5].ID = "guardian"; return a }),
		"voter without weight": mod(func(a []Actor) []Actor { a[2].Weight = 0; return a }),
		"unknown role":         mod(func(a []Actor) []Actor { a[1].Roles = []Role{"rule"}; return a }),
	}
	for name, actors := range cases {
		_, err := NewRegistry(actors)
		require.ErrorIs(t, err, ErrMalformed, name)
	}
}
