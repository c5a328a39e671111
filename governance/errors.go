package governance

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error this package returns about a receipt, a
// proposal, an order or the constitution wraps one of these (or is a typed
// error whose Is method matches one), so callers tell failures apart with
// [errors.Is].
var (
	// ErrMalformed: bytes or a value are not in the one form this package
	// reads and writes (a missing, unknown or mistyped member, a bad ID, time,
	// version, threshold or enumerated value).
	ErrMalformed = errors.New("governance: malformed")
	// ErrBadSignature: a receipt's envelope does not verify, or it is signed
	// by a key no registered actor holds.
	ErrBadSignature = errors.New("governance: bad receipt signature")
	// ErrNotAuthorized: the signer is not the actor the receipt names, does
	// not hold the role the receipt needs, is not registered at the receipt's
	// time, or is an engine the constitution does not register as active.
	// Returned as a [*RoleError] where a role is missing.
	ErrNotAuthorized = errors.New("governance: not authorized")
	// ErrSuspended: the signer's capability is suspended by an enforcement
	// action in force.
	ErrSuspended = errors.New("governance: capability suspended")
	// ErrAxiomImmutable: a proposal touches an immutable axiom.
	ErrAxiomImmutable = errors.New("governance: axioms cannot be amended")
	// ErrAppendOnly: a receipt was asked to be modified or deleted. Receipts
	// are append-only; the attempt itself is recorded as a violation.
	ErrAppendOnly = errors.New("governance: receipts are append-only")
	// ErrWrongState: an action is not allowed in a proposal's current state.
	// Returned as a [*StateError].
	ErrWrongState = errors.New("governance: action not allowed in this state")
	// ErrUnknown: a receipt refers to a proposal, order, violation,
	// enforcement, article, section, statute, parameter, engine or actor that
	// does not exist.
	ErrUnknown = errors.New("governance: unknown reference")
	// ErrConflict: a change does not apply to the constitution as it is (an
	// article added twice, a repeal of what is not there, an order's
	// old_value that is not the effective value, a duplicate vote, an ID out
	// of sequence, a receipt older than the scroll's last one, a second
	// emergency).
	ErrConflict = errors.New("governance: conflict")
	// ErrLimit: a duration, extension or count exceeds what the constitution
	// allows.
	ErrLimit = errors.New("governance: limit exceeded")
	// ErrNotAnchored: an amendment's anchor proof does not verify.
	ErrNotAnchored = errors.New("governance: amendment not anchored")
	// ErrAudit: an audit found a scroll that does not replay to the
	// constitution it should, or whose checkpoint does not match its
	// receipts. Returned as an [*AuditError].
	ErrAudit = errors.New("governance: audit failed")
)

// A StateError reports an action attempted on a proposal in a state that
// does not allow it. It matches [ErrWrongState].
type StateError struct {
	Proposal string // proposal ID
	Action   string // "vote", "ratify", "activate", "cancel"
	State    State  // the state the proposal was in
	Allowed  []State
}

// Error describes the failure with its evidence.
func (e *StateError) Error() string {
	return fmt.Sprintf("governance: %s %s: proposal is in state %s, want %v", e.Action, e.Proposal, e.State, e.Allowed)
}

// Is reports whether target is [ErrWrongState].
func (e *StateError) Is(target error) bool { return target == ErrWrongState }

// A RoleError reports a signer that lacks the role an action needs. It
// matches [ErrNotAuthorized].
type RoleError struct {
	Actor string // actor ID of the signer
	Role  Role   // the role the action needs
	Kind  string // receipt type
}

// Error describes the failure with its evidence.
func (e *RoleError) Error() string {
	return fmt.Sprintf("governance: %s by %s: actor lacks role %q", e.Kind, e.Actor, e.Role)
}

// Is reports whether target is [ErrNotAuthorized].
func (e *RoleError) Is(target error) bool { return target == ErrNotAuthorized }

// A ReceiptError says which receipt of a scroll failed and why. It wraps the
// cause, so errors.Is sees the cause's sentinel.
type ReceiptError struct {
	Scroll string
	Index  uint64 // position in the scroll
	ID     string // the receipt's ID, when it could be read
	Err    error
}

// Error describes the failure with its evidence.
func (e *ReceiptError) Error() string {
	id := ""
	if e.ID != "" {
		id = " (" + e.ID + ")"
	}
	return fmt.Sprintf("governance: scroll %s receipt %d%s: %v", e.Scroll, e.Index, id, trimPrefix(e.Err))
}

// Unwrap returns the cause.
func (e *ReceiptError) Unwrap() error { return e.Err }

// trimPrefix returns err's message without this package's prefix, so that
// wrapped messages carry the prefix once.
func trimPrefix(err error) string {
	const p = "governance: "
	s := err.Error()
	for len(s) >= len(p) && s[:len(p)] == p {
		s = s[len(p):]
	}
	return s
}
