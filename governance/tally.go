package governance

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// A VoteError says which vote of a [TallyVotes] batch was refused. It wraps
// the cause.
type VoteError struct {
	Index int // position in the batch
	Err   error
}

// Error describes the failure with its evidence.
func (e *VoteError) Error() string {
	return fmt.Sprintf("governance: tally: vote %d: %s", e.Index, trimPrefix(e.Err))
}

// Unwrap returns the cause.
func (e *VoteError) Unwrap() error { return e.Err }

// TallyVotes verifies a batch of sealed gov_vote receipts on proposal p,
// on every core, and counts them under p's rules, as the votes stand at the
// close of voting. Each vote must verify against reg, be signed by the voter
// it names, who holds the vote role and was registered at p's submission
// with the weight the vote states, and be cast inside p's voting window.
// A voter's later votes replace earlier ones where p's rules allow it (their
// IDs numbered 1, 2, ... without gaps), and are refused otherwise. It
// judges votes alone: the enforcement actions a scroll records (a voter
// suspended from voting) are the [Body]'s to apply.
func TallyVotes(p *Proposal, reg *Registry, votes [][]byte) (Tally, error) {
	if err := checkShape(p); err != nil {
		return Tally{}, err
	}
	v, err := reg.verifier()
	if err != nil {
		return Tally{}, err
	}
	type counted struct {
		voter  int // index in reg.Actors
		choice string
		n      int // the vote's number for its voter
	}
	results := make([]counted, len(votes))
	errs := make([]error, len(votes))
	one := func(i int) {
		e, err := v.Open(votes[i])
		if err != nil {
			errs[i] = fmt.Errorf("%w: %v", ErrBadSignature, err)
			return
		}
		if e.Type != TypeVote {
			errs[i] = fmt.Errorf("%w: a %s, want a %s", ErrMalformed, e.Type, TypeVote)
			return
		}
		pl, err := parseCanonical(e.Type, e.Payload)
		if err != nil {
			errs[i] = err
			return
		}
		vt := pl.(*Vote)
		si := reg.byKeyIndex[e.SenderPubkey]
		signer := &reg.Actors[si]
		t := vt.VotedAt.Time
		switch {
		case vt.ProposalID != p.ProposalID:
			err = fmt.Errorf("%w: %s is on %s, want %s", ErrConflict, vt.VoteID, vt.ProposalID, p.ProposalID)
		case t.Unix() != e.Timestamp:
			err = fmt.Errorf("%w: %s voted_at differs from the envelope timestamp", ErrMalformed, vt.VoteID)
		case vt.Voter != signer.ID:
			err = fmt.Errorf("%w: %s names %s but is signed by %s", ErrNotAuthorized, vt.VoteID, vt.Voter, signer.ID)
		case !signer.Has(RoleVote):
			err = &RoleError{Actor: signer.ID, Role: RoleVote, Kind: TypeVote}
		case !signer.validAt(p.SubmittedAt.Time) || !signer.validAt(t):
			err = fmt.Errorf("%w: %s was not registered both at submission and when voting", ErrNotAuthorized, signer.ID)
		case vt.Weight != signer.Weight:
			err = fmt.Errorf("%w: %s weight %d, the registry gives %d", ErrConflict, vt.VoteID, vt.Weight, signer.Weight)
		case t.Before(p.DeliberationEnds.Time) || !t.Before(p.VotingEnds.Time):
			err = fmt.Errorf("%w: %s cast at %s, outside the voting window from %s to %s", ErrWrongState, vt.VoteID, vt.VotedAt, p.DeliberationEnds, p.VotingEnds)
		}
		if err != nil {
			errs[i] = err
			return
		}
		n, _ := voteNumber(vt.VoteID, vt.ProposalID, vt.Voter) // its shape was checked
		results[i] = counted{voter: si, choice: vt.Vote, n: n}
	}
	workers := min(runtime.GOMAXPROCS(0), len(votes))
	var next atomic.Int64
	var wg sync.WaitGroup
	const chunk = 16
	for range workers {
		wg.Go(func() {
			for {
				lo := int(next.Add(chunk)) - chunk
				if lo >= len(votes) {
					return
				}
				for i := lo; i < min(lo+chunk, len(votes)); i++ {
					one(i)
				}
			}
		})
	}
	wg.Wait()
	type latest struct {
		n      int
		choice string
		seen   uint64 // bit set of numbers seen, up to 64
	}
	// One slot per registered actor: no map, no allocation per voter.
	by := make([]latest, len(reg.Actors))
	for i, r := range results {
		if errs[i] != nil {
			return Tally{}, &VoteError{Index: i, Err: errs[i]}
		}
		l := &by[r.voter]
		id := reg.Actors[r.voter].ID
		if l.n != 0 && !p.Rules.VoteChanges {
			return Tally{}, &VoteError{Index: i, Err: fmt.Errorf("%w: %s voted twice and %s does not allow a vote to change", ErrConflict, id, p.ProposalID)}
		}
		if r.n > 64 || l.seen&(1<<(r.n-1)) != 0 {
			return Tally{}, &VoteError{Index: i, Err: fmt.Errorf("%w: vote %d of %s twice or beyond 64", ErrConflict, r.n, id)}
		}
		l.seen |= 1 << (r.n - 1)
		if r.n > l.n {
			l.n, l.choice = r.n, r.choice
		}
	}
	var s VoteSummary
	for i := range by {
		l := &by[i]
		if l.n == 0 {
			continue
		}
		if l.seen != 1<<l.n-1 {
			return Tally{}, fmt.Errorf("%w: tally: votes of %s numbered with gaps", ErrConflict, reg.Actors[i].ID)
		}
		s.add(l.choice, reg.Actors[i].Weight)
	}
	return tallyOf(p.Rules, s, reg.totalWeight(p.SubmittedAt.Time)), nil
}
