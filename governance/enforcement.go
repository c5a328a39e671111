package governance

import (
	"fmt"
	"slices"
	"time"
)

type violationRec struct {
	v         *Violation
	decision  string // latest review decision, "" if none
	dismissed time.Time
}

type enforcementRec struct {
	e        *Enforcement
	by       string // the enforcing actor
	decision string // latest review decision
	decided  time.Time
	viol     *violationRec
}

// inForce reports whether a capability suspension blocks its target at t:
// until a review dismisses it (or its violation); after the review deadline
// only if a review upheld it. A suspension nobody reviewed by its deadline
// lapses at the deadline (due process: no sanction stands unreviewed).
func (r *enforcementRec) inForce(t time.Time) bool {
	if r.e.EnforcementType != EnforcementCapabilitySuspension || t.Before(r.e.EnforcedAt.Time) {
		return false
	}
	if !r.viol.dismissed.IsZero() && !t.Before(r.viol.dismissed) {
		return false
	}
	switch r.decision {
	case DecisionDismiss:
		return t.Before(r.decided)
	case DecisionUphold:
		return true
	}
	return t.Before(r.e.ReviewDeadline.Time)
}

// suspension returns the enforcement that suspends actor's role in scroll
// at t, or nil.
func (l *ledger) suspension(actor string, role Role, scroll string, t time.Time) *enforcementRec {
	for _, r := range l.byTarget[actor] {
		a := r.e.ActionTaken
		if (a.CapabilitySuspended == string(role) || a.CapabilitySuspended == CapabilityWrite) &&
			(a.Scope == ScopeAllScrolls || a.Scope == scroll) && r.inForce(t) {
			return r
		}
	}
	return nil
}

// An EnforcementStatus is an enforcement action as it stands at a time.
type EnforcementStatus struct {
	Enforcement   *Enforcement
	InForce       bool   // a suspension blocking its target now
	Decision      string // latest review decision, "" if not reviewed
	PendingReview bool   // review required and not given
}

// A ViolationStatus is a violation as it stands.
type ViolationStatus struct {
	Violation *Violation
	Decision  string // latest review decision, "" if not reviewed
}

func (l *ledger) checkViolation(signer *Actor, v *Violation) (func(), error) {
	t := v.DetectedAt.Time
	if err := l.authorize(signer, v.DetectedBy, RoleDetect, TypeViolation, t); err != nil {
		return nil, err
	}
	key, seq, err := l.nextSeq(v.ViolationID, prefixViolation, t)
	if err != nil {
		return nil, err
	}
	if !l.cons.hasRule(v.Details.RuleViolated) {
		return nil, fmt.Errorf("%w: %s cites %s, not a rule of constitution %s", ErrUnknown, v.ViolationID, v.Details.RuleViolated, l.cons.Version)
	}
	return func() {
		l.seq[key] = seq
		l.viols[v.ViolationID] = &violationRec{v: v}
	}, nil
}

func (l *ledger) checkEnforcement(signer *Actor, e *Enforcement) (func(), error) {
	t := e.EnforcedAt.Time
	if err := l.authorize(signer, "", RoleEnforce, TypeEnforcement, t); err != nil {
		return nil, err
	}
	key, seq, err := l.nextSeq(e.EnforcementID, prefixEnforcement, t)
	if err != nil {
		return nil, err
	}
	vr, ok := l.viols[e.ViolationID]
	if !ok {
		return nil, fmt.Errorf("%w: %s enforces %s", ErrUnknown, e.EnforcementID, e.ViolationID)
	}
	if !vr.dismissed.IsZero() {
		return nil, fmt.Errorf("%w: %s enforces %s, which was dismissed", ErrConflict, e.EnforcementID, e.ViolationID)
	}
	if e.Target != vr.v.Details.Actor {
		return nil, fmt.Errorf("%w: %s targets %s, the violation's actor is %s", ErrConflict, e.EnforcementID, e.Target, vr.v.Details.Actor)
	}
	if e.EnforcementType == EnforcementCapabilitySuspension {
		if _, ok := l.reg.Actor(e.Target); !ok {
			return nil, fmt.Errorf("%w: %s suspends %s, not a registered actor", ErrUnknown, e.EnforcementID, e.Target)
		}
		if s := e.ActionTaken.Scope; s != ScopeAllScrolls && !slices.ContainsFunc(l.cons.Engines, func(en Engine) bool { return en.Scroll == s }) {
			return nil, fmt.Errorf("%w: %s scope %s, not a registered scroll", ErrUnknown, e.EnforcementID, s)
		}
	}
	if max := t.Add(hours(l.cons.Procedure.ReviewMaxHours)); e.ReviewDeadline.After(max) {
		return nil, fmt.Errorf("%w: %s review deadline %s, at most %d hours after enforcement", ErrLimit, e.EnforcementID, e.ReviewDeadline, l.cons.Procedure.ReviewMaxHours)
	}
	return func() {
		l.seq[key] = seq
		r := &enforcementRec{e: e, by: signer.ID, viol: vr}
		l.enfs[e.EnforcementID] = r
		if e.EnforcementType == EnforcementCapabilitySuspension {
			l.byTarget[e.Target] = append(l.byTarget[e.Target], r)
		}
	}, nil
}

func (l *ledger) checkReview(signer *Actor, rv *Review) (func(), error) {
	t := rv.ReviewedAt.Time
	if err := l.authorize(signer, rv.ReviewedBy, RoleReview, TypeReview, t); err != nil {
		return nil, err
	}
	key, seq, err := l.nextSeq(rv.ReviewID, prefixReview, t)
	if err != nil {
		return nil, err
	}
	commit := func(f func()) func() { return func() { l.seq[key] = seq; f() } }
	// An agent acts with its delegator's roles, so it reviews as its
	// delegator too.
	is := func(id string) bool { return id == signer.ID || signer.DelegatedBy != "" && id == signer.DelegatedBy }
	if er, ok := l.enfs[rv.Subject]; ok {
		if is(er.by) || is(er.e.Target) {
			return nil, fmt.Errorf("%w: %s may not review %s, which it took or which targets it", ErrNotAuthorized, signer.ID, rv.Subject)
		}
		if er.decision == DecisionDismiss || !er.viol.dismissed.IsZero() {
			return nil, fmt.Errorf("%w: %s was already dismissed", ErrConflict, rv.Subject)
		}
		return commit(func() { er.decision, er.decided = rv.Decision, t }), nil
	}
	if vr, ok := l.viols[rv.Subject]; ok {
		if is(vr.v.DetectedBy) || is(vr.v.Details.Actor) {
			return nil, fmt.Errorf("%w: %s may not review %s, which it detected or which names it", ErrNotAuthorized, signer.ID, rv.Subject)
		}
		if !vr.dismissed.IsZero() {
			return nil, fmt.Errorf("%w: %s was already dismissed", ErrConflict, rv.Subject)
		}
		return commit(func() {
			vr.decision = rv.Decision
			if rv.Decision == DecisionDismiss {
				vr.dismissed = t
			}
		}), nil
	}
	return nil, fmt.Errorf("%w: %s reviews %s", ErrUnknown, rv.ReviewID, rv.Subject)
}
