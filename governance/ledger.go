package governance

import (
	"fmt"
	"slices"
	"time"

	"github.com/accordsdk/accord/envelope"
)

// ScrollGovernance is the scroll that holds every governance receipt.
const ScrollGovernance = "Governance"

// ledger is the state a Governance scroll's receipts build up: the
// constitution in force and its history, proposals, orders, violations and
// enforcement actions. A receipt is judged by check, which returns the
// change it makes without making it; the caller commits the change once the
// receipt is durable. The same ledger replays a scroll in an audit, so a
// receipt is accepted on append exactly when it is accepted on replay.
type ledger struct {
	reg      *Registry
	cons     *Constitution
	history  []*Constitution // every version, oldest first; the last is cons
	last     time.Time       // time of the latest receipt
	count    uint64          // receipts applied
	seq      map[string]int  // "PREFIX-YYYY-MM" -> last sequence number
	props    map[string]*proposalRec
	orders   map[string]*orderRec
	emerg    *orderRec // the latest emergency declared, in force or not
	viols    map[string]*violationRec
	enfs     map[string]*enforcementRec
	byTarget map[string][]*enforcementRec
	open     []*proposalRec // proposals whose votes are not yet folded
}

func newLedger(reg *Registry, genesis *Constitution) (*ledger, error) {
	if err := genesis.Validate(); err != nil {
		return nil, err
	}
	g := genesis.Clone()
	return &ledger{reg: reg, cons: g, history: []*Constitution{g}, seq: map[string]int{},
		props: map[string]*proposalRec{}, orders: map[string]*orderRec{}, viols: map[string]*violationRec{},
		enfs: map[string]*enforcementRec{}, byTarget: map[string][]*enforcementRec{}}, nil
}

// check judges a receipt (envelope already verified against the registry's
// keys) and returns the function that applies it.
func (l *ledger) check(e *envelope.Envelope, p Payload) (func(), error) {
	t := p.ReceiptTime()
	if p.ReceiptType() != e.Type {
		return nil, fmt.Errorf("%w: payload of type %s in a %s envelope", ErrMalformed, p.ReceiptType(), e.Type)
	}
	if t.Unix() != e.Timestamp {
		return nil, fmt.Errorf("%w: %s time %s differs from the envelope timestamp %d", ErrMalformed, p.ReceiptID(), At(t), e.Timestamp)
	}
	if t.Before(l.last) {
		return nil, fmt.Errorf("%w: %s at %s is older than the scroll's last receipt at %s", ErrConflict, p.ReceiptID(), At(t), At(l.last))
	}
	signer, ok := l.reg.ByKey(e.SenderPubkey)
	if !ok || !signer.validAt(t) {
		return nil, fmt.Errorf("%w: %s signed by %.60s, not a registered actor at %s", ErrBadSignature, p.ReceiptID(), e.SenderPubkey, At(t))
	}
	if signer.Kind == KindEngine {
		eng, ok := l.cons.Engine(signer.ID)
		if !ok || eng.Status != EngineActive {
			return nil, fmt.Errorf("%w: %s signed by %s, not an active registered engine", ErrNotAuthorized, p.ReceiptID(), signer.ID)
		}
	}
	l.fold(t)
	var (
		apply func()
		err   error
	)
	switch p := p.(type) {
	case *Proposal:
		apply, err = l.checkProposal(signer, p)
	case *Vote:
		apply, err = l.checkVote(signer, p)
	case *Ratification:
		apply, err = l.checkRatification(signer, p)
	case *Amendment:
		apply, err = l.checkAmendment(signer, p)
	case *Cancellation:
		apply, err = l.checkCancellation(signer, p)
	case *ExecutiveOrder:
		apply, err = l.checkOrder(signer, p)
	case *Violation:
		apply, err = l.checkViolation(signer, p)
	case *Enforcement:
		apply, err = l.checkEnforcement(signer, p)
	case *Review:
		apply, err = l.checkReview(signer, p)
	default:
		err = fmt.Errorf("%w: payload %T", ErrMalformed, p)
	}
	if err != nil {
		return nil, err
	}
	return func() {
		apply()
		l.last = t
		l.count++
	}, nil
}

// authorize checks that the signer is the named actor, holds role, and is
// not suspended from it in the Governance scroll at t.
func (l *ledger) authorize(signer *Actor, named string, role Role, kind string, t time.Time) error {
	if named != "" && named != signer.ID {
		return fmt.Errorf("%w: %s names %s but is signed by %s", ErrNotAuthorized, kind, named, signer.ID)
	}
	if !signer.Has(role) {
		return &RoleError{Actor: signer.ID, Role: role, Kind: kind}
	}
	if enf := l.suspension(signer.ID, role, ScrollGovernance, t); enf != nil {
		return fmt.Errorf("%w: %s may not %s in %s until %s is reviewed (%s)", ErrSuspended, signer.ID, role, ScrollGovernance, enf.e.EnforcementID, kind)
	}
	// An agent's roles are its delegator's: a suspended delegator does not
	// act through its agent.
	if d := signer.DelegatedBy; d != "" {
		if da, ok := l.reg.Actor(d); !ok || !da.validAt(t) {
			return fmt.Errorf("%w: %s acts for %s, which is not registered at %s", ErrNotAuthorized, signer.ID, d, At(t))
		}
		if enf := l.suspension(d, role, ScrollGovernance, t); enf != nil {
			return fmt.Errorf("%w: %s may not %s in %s: its delegator %s is suspended until %s is reviewed (%s)", ErrSuspended, signer.ID, role, ScrollGovernance, d, enf.e.EnforcementID, kind)
		}
	}
	return nil
}

// nextSeq checks that id is the next number of its prefix in the month of t
// and returns the key and number to record.
func (l *ledger) nextSeq(id, prefix string, t time.Time) (string, int, error) {
	n, err := parseNumbered(id, prefix)
	if err != nil {
		return "", 0, err
	}
	key := prefix + "-" + monthOf(t)
	want := numberedID{prefix: prefix, month: monthOf(t), seq: l.seq[key] + 1}
	if n != want {
		return "", 0, fmt.Errorf("%w: id %s, want %s (the next number in its month)", ErrConflict, id, want)
	}
	return key, want.seq, nil
}

// NextID returns the next free ID of prefix in the month of t.
func (l *ledger) nextID(prefix string, t time.Time) string {
	return numberedID{prefix: prefix, month: monthOf(t), seq: l.seq[prefix+"-"+monthOf(t)] + 1}.String()
}

// fold folds the votes of proposals whose voting closed before t.
func (l *ledger) fold(t time.Time) {
	l.open = slices.DeleteFunc(l.open, func(r *proposalRec) bool {
		if !t.Before(r.p.VotingEnds.Time) {
			r.close()
			return true
		}
		return false
	})
}

func (l *ledger) proposal(id string) (*proposalRec, error) {
	r, ok := l.props[id]
	if !ok {
		return nil, fmt.Errorf("%w: proposal %s", ErrUnknown, id)
	}
	return r, nil
}

// inState checks that r is in a state allowing action at t.
func inState(r *proposalRec, action string, t time.Time) error {
	st := r.state(t)
	allowed := AllowedStates(action)
	if !slices.Contains(allowed, st) {
		return &StateError{Proposal: r.p.ProposalID, Action: action, State: st, Allowed: allowed}
	}
	return nil
}

func (l *ledger) checkProposal(signer *Actor, p *Proposal) (func(), error) {
	t := p.SubmittedAt.Time
	if err := l.authorize(signer, p.Author, RolePropose, TypeProposal, t); err != nil {
		return nil, err
	}
	key, seq, err := l.nextSeq(p.ProposalID, prefixProposal, t)
	if err != nil {
		return nil, err
	}
	c := l.cons
	if p.ConstitutionVersion != c.Version {
		return nil, fmt.Errorf("%w: %s is based on constitution %s, in force is %s", ErrConflict, p.ProposalID, p.ConstitutionVersion, c.Version)
	}
	if p.Rules != c.Procedure.Rules[p.ProposalType] {
		return nil, fmt.Errorf("%w: %s rules %+v, the constitution's rule for %s is %+v", ErrConflict, p.ProposalID, p.Rules, p.ProposalType, c.Procedure.Rules[p.ProposalType])
	}
	pr := &c.Procedure
	if min := t.Add(hours(pr.MinDeliberationHours)); p.DeliberationEnds.Before(min) {
		return nil, fmt.Errorf("%w: %s deliberation ends %s, want at least %d hours after submission (%s)", ErrLimit, p.ProposalID, p.DeliberationEnds, pr.MinDeliberationHours, At(min))
	}
	if max := t.Add(365 * 24 * time.Hour); p.DeliberationEnds.After(max) {
		return nil, fmt.Errorf("%w: %s deliberation ends more than a year after submission", ErrLimit, p.ProposalID)
	}
	if want := p.DeliberationEnds.Add(hours(pr.VotingHours)); !p.VotingEnds.Equal(want) {
		return nil, fmt.Errorf("%w: %s voting_ends %s, want %s (deliberation_ends plus %d hours)", ErrConflict, p.ProposalID, p.VotingEnds, At(want), pr.VotingHours)
	}
	if want := p.VotingEnds.Add(2 * hours(pr.RatificationHours)); !p.ExpiresAt.Equal(want) {
		return nil, fmt.Errorf("%w: %s expires_at %s, want %s (voting_ends plus twice %d hours)", ErrConflict, p.ProposalID, p.ExpiresAt, At(want), pr.RatificationHours)
	}
	if _, err := Apply(c, p); err != nil {
		return nil, err
	}
	num, _ := parseNumbered(p.ProposalID, prefixProposal)
	rec := &proposalRec{p: p, num: num, registered: l.reg.totalWeight(t), votes: map[string]*Vote{}, counts: map[string]int{}}
	return func() {
		l.seq[key] = seq
		l.props[p.ProposalID] = rec
		l.open = append(l.open, rec)
	}, nil
}

func (l *ledger) checkVote(signer *Actor, v *Vote) (func(), error) {
	t := v.VotedAt.Time
	if err := l.authorize(signer, v.Voter, RoleVote, TypeVote, t); err != nil {
		return nil, err
	}
	r, err := l.proposal(v.ProposalID)
	if err != nil {
		return nil, err
	}
	if err := inState(r, ActionVote, t); err != nil {
		return nil, err
	}
	if !signer.validAt(r.p.SubmittedAt.Time) {
		return nil, fmt.Errorf("%w: %s was not a registered voter when %s was submitted", ErrNotAuthorized, signer.ID, r.p.ProposalID)
	}
	if v.Weight != signer.Weight {
		return nil, fmt.Errorf("%w: %s weight %d, the registry gives %s weight %d", ErrConflict, v.VoteID, v.Weight, signer.ID, signer.Weight)
	}
	n := r.counts[signer.ID]
	if n > 0 && !r.p.Rules.VoteChanges {
		return nil, fmt.Errorf("%w: %s already voted on %s and its rules do not allow a vote to change", ErrConflict, signer.ID, r.p.ProposalID)
	}
	if want := voteID(r.num, signer.ID, n+1); v.VoteID != want {
		return nil, fmt.Errorf("%w: vote_id %s, want %s", ErrConflict, v.VoteID, want)
	}
	return func() {
		r.votes[signer.ID] = v
		r.counts[signer.ID] = n + 1
	}, nil
}

func (l *ledger) checkRatification(signer *Actor, rt *Ratification) (func(), error) {
	t := rt.RatifiedAt.Time
	if err := l.authorize(signer, rt.RatifiedBy, RoleRatify, TypeRatification, t); err != nil {
		return nil, err
	}
	r, err := l.proposal(rt.ProposalID)
	if err != nil {
		return nil, err
	}
	if err := inState(r, ActionRatify, t); err != nil {
		return nil, err
	}
	tl := r.tally()
	if rt.VoteSummary != tl.VoteSummary || rt.QuorumMet != tl.QuorumMet {
		return nil, fmt.Errorf("%w: %s vote_summary %+v quorum_met %v, the votes give %+v quorum_met %v", ErrConflict, rt.RatificationID, rt.VoteSummary, rt.QuorumMet, tl.VoteSummary, tl.QuorumMet)
	}
	next, err := Apply(l.cons, r.p)
	if err != nil {
		return nil, err
	}
	if rt.ConstitutionVersionBefore != l.cons.Version || rt.ConstitutionVersionAfter != next.Version {
		return nil, fmt.Errorf("%w: %s versions %s -> %s, want %s -> %s", ErrConflict, rt.RatificationID, rt.ConstitutionVersionBefore, rt.ConstitutionVersionAfter, l.cons.Version, next.Version)
	}
	return func() { r.ratified = rt }, nil
}

func (l *ledger) checkAmendment(signer *Actor, a *Amendment) (func(), error) {
	t := a.EffectiveAt.Time
	if err := l.authorize(signer, "", RoleActivate, TypeAmendment, t); err != nil {
		return nil, err
	}
	r, err := l.proposal(a.ProposalID)
	if err != nil {
		return nil, err
	}
	if err := inState(r, ActionActivate, t); err != nil {
		return nil, err
	}
	if r.ratified != nil && r.ratified.ConstitutionVersionBefore != l.cons.Version {
		return nil, fmt.Errorf("%w: %s was ratified against constitution %s, in force is %s", ErrConflict, a.ProposalID, r.ratified.ConstitutionVersionBefore, l.cons.Version)
	}
	next, err := Apply(l.cons, r.p)
	if err != nil {
		return nil, err
	}
	before, after := l.cons.Hash(), next.Hash()
	if !a.ConstitutionHashBefore.Equal(before) || !a.ConstitutionHashAfter.Equal(after) {
		return nil, fmt.Errorf("%w: %s hashes %s -> %s, want %s -> %s", ErrConflict, a.AmendmentID, a.ConstitutionHashBefore, a.ConstitutionHashAfter, before, after)
	}
	return func() {
		r.amended = a
		l.cons = next
		l.history = append(l.history, next)
	}, nil
}

func (l *ledger) checkCancellation(signer *Actor, c *Cancellation) (func(), error) {
	t := c.CancelledAt.Time
	if err := l.authorize(signer, c.CancelledBy, RoleCancel, TypeCancellation, t); err != nil {
		return nil, err
	}
	r, err := l.proposal(c.ProposalID)
	if err != nil {
		return nil, err
	}
	if err := inState(r, ActionCancel, t); err != nil {
		return nil, err
	}
	return func() { r.cancelled = c }, nil
}

func hours(n int) time.Duration { return time.Duration(n) * time.Hour }
