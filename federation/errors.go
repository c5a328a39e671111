package federation

import (
	"errors"
	"fmt"

	"github.com/accordsdk/accord/checkpoint"
)

// Errors of this package. Every error it returns wraps one of these (or an
// error of package checkpoint or envelope), so callers tell failures apart
// with [errors.Is]. Over HTTP each maps to a status and a "code" (see the
// package documentation).
var (
	// ErrMalformed: a record or request is not well formed.
	ErrMalformed = errors.New("federation: malformed")
	// ErrBadSignature: a signature does not verify.
	ErrBadSignature = errors.New("federation: bad signature")
	// ErrExpired: a proposal or discovery record is past its expiry (or
	// not yet valid).
	ErrExpired = errors.New("federation: expired")
	// ErrUnknownMesh: the mesh or key is not one the operator bootstrapped.
	ErrUnknownMesh = errors.New("federation: unknown mesh")
	// ErrNotParty: a signature or request by a mesh that is not a party to
	// the agreement, or by a key that is not the party's.
	ErrNotParty = errors.New("federation: not a party")
	// ErrUnsigned: an agreement lacks a party's signature.
	ErrUnsigned = errors.New("federation: agreement not signed by every party")
	// ErrHashMismatch: agreement_hash or combined_root does not match the
	// record's contents (tampered terms).
	ErrHashMismatch = errors.New("federation: hash mismatch")
	// ErrLevelTooLow: the agreement's trust level does not allow the request.
	ErrLevelTooLow = errors.New("federation: trust level too low")
	// ErrPolicy: the request is refused by the mesh's trust policy or the
	// agreement's terms (proposals not accepted, scroll not shared).
	ErrPolicy = errors.New("federation: refused by policy")
	// ErrRevoked: the agreement was revoked.
	ErrRevoked = errors.New("federation: agreement revoked")
	// ErrNotFound: no such proposal, agreement or scroll.
	ErrNotFound = errors.New("federation: not found")
	// ErrState: the request does not fit the proposal's or agreement's
	// state (accepting a proposal twice, countersigning another agreement).
	ErrState = errors.New("federation: wrong state")
	// ErrFork: a peer's log showed two views (see [ForkError]).
	ErrFork = errors.New("federation: fork detected")
	// ErrRemote: a peer answered with an error.
	ErrRemote = errors.New("federation: peer refused")
)

// ForkError is evidence that a mesh's scroll showed two views: two
// checkpoints, both signed by the scroll's key, that are not consistent
// (one size with two roots, or a consistency proof that fails).
type ForkError struct {
	Mesh, Scroll string
	Old, New     []byte // the two signed checkpoints
	Err          *checkpoint.ConsistencyError
}

func (e *ForkError) Error() string {
	return fmt.Sprintf("federation: fork detected in %s scroll %s: %v", e.Mesh, e.Scroll, e.Err)
}

// Unwrap returns [ErrFork] and the consistency error.
func (e *ForkError) Unwrap() []error { return []error{ErrFork, e.Err} }

// RemoteError is an error answer from a peer's federation API.
type RemoteError struct {
	Status  int
	Code    string
	Message string
}

func (e *RemoteError) Error() string {
	return fmt.Sprintf("federation: peer answered %d %s: %s", e.Status, e.Code, e.Message)
}

// Unwrap returns [ErrRemote] and the sentinel the code names, if any.
func (e *RemoteError) Unwrap() []error {
	out := []error{ErrRemote}
	if s, ok := codeErrors[e.Code]; ok {
		out = append(out, s)
	}
	return out
}
