package governance

import (
	"fmt"
	"slices"
)

// Apply returns the constitution that results from activating p on c, with
// its version bumped by the rule [Version] documents. c is not changed. It
// fails with [ErrAxiomImmutable] for a change that touches an axiom, with
// [ErrUnknown] for a change to something c lacks, and with [ErrConflict]
// for an addition of something c has.
func Apply(c *Constitution, p *Proposal) (*Constitution, error) {
	ct := &p.Content
	if err := ct.checkShape(p.ProposalType); err != nil {
		if isSentinel(err) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %s: %v", ErrMalformed, p.ProposalID, err)
	}
	n := c.Clone()
	var b bump
	fail := func(sentinel error, format string, args ...any) (*Constitution, error) {
		return nil, fmt.Errorf("%w: %s: %s", sentinel, p.ProposalID, fmt.Sprintf(format, args...))
	}
	switch {
	case p.ProposalType == ProposalAddEngine:
		if _, ok := n.Engine(ct.Target); ok {
			return fail(ErrConflict, "engine %s is already registered", ct.Target)
		}
		for _, e := range n.Engines {
			if e.Scroll == ct.Engine.Scroll {
				return fail(ErrConflict, "scroll %s already belongs to %s", e.Scroll, e.EngineID)
			}
		}
		n.Engines = append(n.Engines, *ct.Engine)
		b = bumpMinor
	case ct.Action == ActionSetEngineStatus:
		e, ok := n.Engine(ct.Target)
		if !ok {
			return fail(ErrUnknown, "engine %s is not registered", ct.Target)
		}
		if e.Status == ct.Status {
			return fail(ErrConflict, "engine %s is already %s", ct.Target, ct.Status)
		}
		if e.Status == EngineRetired {
			return fail(ErrConflict, "engine %s is retired", ct.Target)
		}
		if e.EngineID == "engine:governance" {
			return fail(ErrConflict, "the governance engine cannot be suspended or retired")
		}
		e.Status = ct.Status
		b = bumpMinor
		if ct.Status == EngineRetired {
			b = bumpMajor
		}
	case ct.Action == ActionSetParameter:
		old, ok := n.Parameters[ct.Target]
		if ok && old == ct.Value {
			return fail(ErrConflict, "parameter %s is already %q", ct.Target, ct.Value)
		}
		n.Parameters[ct.Target] = ct.Value
		b = bumpPatch
	case p.ProposalType == ProposalAmendment:
		i := slices.IndexFunc(n.Articles, func(a Article) bool { return a.ID == ct.Target })
		switch ct.Action {
		case ActionAdd:
			if i >= 0 {
				return fail(ErrConflict, "article %s already exists", ct.Target)
			}
			n.Articles = append(n.Articles, Article{ID: ct.Text.ID, Name: ct.Text.Name, Sections: slices.Clone(ct.Text.Sections)})
			b = bumpMinor
		case ActionReplace:
			if i < 0 {
				return fail(ErrUnknown, "article %s does not exist", ct.Target)
			}
			n.Articles[i] = Article{ID: ct.Text.ID, Name: ct.Text.Name, Sections: slices.Clone(ct.Text.Sections)}
			b = bumpMinor
		case ActionRepeal:
			if i < 0 {
				return fail(ErrUnknown, "article %s does not exist", ct.Target)
			}
			if len(n.Articles) == 1 {
				return fail(ErrConflict, "the last article cannot be repealed")
			}
			n.Articles = slices.Delete(n.Articles, i, i+1)
			b = bumpMajor
		}
	case p.ProposalType == ProposalStatute:
		i := slices.IndexFunc(n.Statutes, func(s Statute) bool { return s.ID == ct.Target })
		switch ct.Action {
		case ActionAdd:
			if i >= 0 {
				return fail(ErrConflict, "statute %s already exists", ct.Target)
			}
			n.Statutes = append(n.Statutes, Statute{ID: ct.Text.ID, Name: ct.Text.Name, Text: ct.Text.Text})
		case ActionReplace:
			if i < 0 {
				return fail(ErrUnknown, "statute %s does not exist", ct.Target)
			}
			n.Statutes[i] = Statute{ID: ct.Text.ID, Name: ct.Text.Name, Text: ct.Text.Text}
		case ActionRepeal:
			if i < 0 {
				return fail(ErrUnknown, "statute %s does not exist", ct.Target)
			}
			n.Statutes = slices.Delete(n.Statutes, i, i+1)
		}
		b = bumpPatch
	default:
		return fail(ErrMalformed, "action %s for a %s", ct.Action, p.ProposalType)
	}
	n.Version = c.Version.bump(b)
	if err := n.Validate(); err != nil {
		return nil, err
	}
	return n, nil
}

// isSentinel reports whether err's message starts with the package prefix,
// that is, whether it already wraps one of the package's sentinels.
func isSentinel(err error) bool {
	s := err.Error()
	return len(s) > 12 && s[:12] == "governance: "
}
