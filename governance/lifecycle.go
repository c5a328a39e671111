package governance

import (
	"time"
)

// State is a proposal's place in its lifecycle. It is never stored: it is
// computed from the proposal's own dates and rules, the receipts that refer
// to it, and the time asked about ([Body.Proposal]).
//
//	deliberation  before deliberation_ends
//	voting        from deliberation_ends until voting_ends
//	ratification  voting closed, quorum and threshold met, ratification
//	              required and not yet given (until voting_ends plus the
//	              ratification period)
//	activation    passed (and ratified where required), waiting for its
//	              anchor to be confirmed and its gov_amendment (until
//	              expires_at)
//	active        its gov_amendment is in the scroll: the change is in force
//	rejected      voting closed without quorum or without the threshold
//	archived      cancelled, or expired in ratification or activation
type State string

// Proposal states.
const (
	StateDeliberation State = "deliberation"
	StateVoting       State = "voting"
	StateRatification State = "ratification"
	StateActivation   State = "activation"
	StateActive       State = "active"
	StateRejected     State = "rejected"
	StateArchived     State = "archived"
)

// States lists every proposal state in lifecycle order.
func States() []State {
	return []State{StateDeliberation, StateVoting, StateRatification, StateActivation, StateActive, StateRejected, StateArchived}
}

// ParseState checks that s names a state.
func ParseState(s string) (State, bool) {
	for _, st := range States() {
		if string(st) == s {
			return st, true
		}
	}
	return "", false
}

// Proposal actions and the states that allow them.
const (
	ActionVote     = "vote"
	ActionRatify   = "ratify"
	ActionActivate = "activate"
	ActionCancel   = "cancel"
)

// AllowedStates returns the states in which action ("vote", "ratify",
// "activate", "cancel") may be taken on a proposal.
func AllowedStates(action string) []State {
	switch action {
	case ActionVote:
		return []State{StateVoting}
	case ActionRatify:
		return []State{StateRatification}
	case ActionActivate:
		return []State{StateActivation}
	case ActionCancel:
		return []State{StateDeliberation, StateVoting, StateRatification, StateActivation}
	}
	return nil
}

// A Tally is the weighted count of a proposal's votes under its rules.
type Tally struct {
	VoteSummary
	// Registered is the voting weight registered at the proposal's
	// submission: the whole the quorum is a share of.
	Registered int64
	QuorumMet  bool
	Passed     bool // quorum met and pass threshold met
}

// tallyOf applies rule to a summary.
func tallyOf(rule Rule, s VoteSummary, registered int64) Tally {
	t := Tally{VoteSummary: s, Registered: registered}
	t.QuorumMet = rule.Quorum.Met(s.Approve+s.Reject+s.Abstain, registered)
	t.Passed = t.QuorumMet && rule.PassThreshold.Met(s.Approve, s.Approve+s.Reject)
	return t
}

// proposalRec is what the ledger keeps of a proposal.
type proposalRec struct {
	p          *Proposal
	num        numberedID
	registered int64
	votes      map[string]*Vote // voter -> latest vote, dropped once voting has closed
	counts     map[string]int   // voter -> votes cast
	summary    VoteSummary
	closed     bool // votes folded into summary
	ratified   *Ratification
	amended    *Amendment
	cancelled  *Cancellation
}

func (r *proposalRec) ratificationEnds() time.Time {
	return r.p.ExpiresAt.Add(-r.p.ExpiresAt.Sub(r.p.VotingEnds.Time) / 2)
}

// state returns the proposal's state at now.
func (r *proposalRec) state(now time.Time) State {
	p := r.p
	switch {
	case r.amended != nil:
		return StateActive
	case r.cancelled != nil:
		return StateArchived
	case now.Before(p.DeliberationEnds.Time):
		return StateDeliberation
	case now.Before(p.VotingEnds.Time):
		return StateVoting
	}
	if !r.tally().Passed {
		return StateRejected
	}
	if p.Rules.RatificationRequired && r.ratified == nil {
		if now.Before(r.ratificationEnds()) {
			return StateRatification
		}
		return StateArchived
	}
	if now.Before(p.ExpiresAt.Time) {
		return StateActivation
	}
	return StateArchived
}

// tally returns the tally of the votes so far.
func (r *proposalRec) tally() Tally {
	if !r.closed {
		var s VoteSummary
		for _, v := range r.votes {
			s.add(v.Vote, v.Weight)
		}
		return tallyOf(r.p.Rules, s, r.registered)
	}
	return tallyOf(r.p.Rules, r.summary, r.registered)
}

// close folds the votes into the summary once voting has ended, so that
// the ledger's memory does not grow with the votes of closed proposals.
func (r *proposalRec) close() {
	if r.closed {
		return
	}
	for _, v := range r.votes {
		r.summary.add(v.Vote, v.Weight)
	}
	r.votes, r.counts, r.closed = nil, nil, true
}

func (s *VoteSummary) add(choice string, w int64) {
	switch choice {
	case Approve:
		s.Approve += w
	case Reject:
		s.Reject += w
	case Abstain:
		s.Abstain += w
	}
}
