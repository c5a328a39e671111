package pairing

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error this package returns about a code, a pairing
// run or a swarm message wraps one of these (directly or through a typed
// error whose Is method matches it), so callers can tell failures apart with
// [errors.Is].
var (
	// ErrBadCode: the text is not a pairing code (wrong length, or a symbol
	// outside the code alphabet).
	ErrBadCode = errors.New("pairing: not a pairing code")
	// ErrCodeExpired: the code was shown longer ago than its lifetime.
	ErrCodeExpired = errors.New("pairing: code expired")
	// ErrCodeUsed: the code already paired a device (codes are single use).
	ErrCodeUsed = errors.New("pairing: code already used")
	// ErrTooManyAttempts: the code has answered as many attempts as it may;
	// a new code must be shown.
	ErrTooManyAttempts = errors.New("pairing: too many attempts for this code")
	// ErrWrongCode: key confirmation failed, so the two sides did not use
	// the same code (or a message was altered). Nothing was delivered.
	ErrWrongCode = errors.New("pairing: wrong code")
	// ErrBadShare: a CPace share is not a valid ristretto255 encoding or
	// yields the neutral element; the run is aborted.
	ErrBadShare = errors.New("pairing: invalid key exchange share")
	// ErrMalformed: a message is not well formed (syntax, a missing, unknown
	// or mistyped member, a wrong-sized field, an oversized message).
	ErrMalformed = errors.New("pairing: malformed message")
	// ErrRejected: the other side cancelled with PAIR_REJECT. Returned as a
	// [*RejectError] carrying its reason.
	ErrRejected = errors.New("pairing: rejected by peer")
	// ErrTimeout: nothing usable arrived before the deadline.
	ErrTimeout = errors.New("pairing: timed out")
	// ErrCancelled: the person cancelled (a callback said so).
	ErrCancelled = errors.New("pairing: cancelled")
	// ErrNotPaired: the device holds no swarm secret.
	ErrNotPaired = errors.New("pairing: not in a swarm")
	// ErrAlreadyPaired: the device is already in a swarm (leave it first).
	ErrAlreadyPaired = errors.New("pairing: already in a swarm")
	// ErrUnknownKey: a swarm message is under a key this device does not
	// hold (another swarm, or an epoch it missed or has dropped).
	ErrUnknownKey = errors.New("pairing: swarm message under an unknown key")
	// ErrStale: a swarm message is outside the time window (too old, too
	// far in the future, or from before this device's start-up fence).
	ErrStale = errors.New("pairing: stale swarm message")
	// ErrReplay: a swarm message with this nonce was already accepted.
	ErrReplay = errors.New("pairing: replayed swarm message")
	// ErrReordered: a swarm message is older (by its sender's sequence
	// number) than one already accepted from the same sender.
	ErrReordered = errors.New("pairing: reordered swarm message")
	// ErrBadMAC: a swarm message's HMAC or its encryption does not verify.
	ErrBadMAC = errors.New("pairing: swarm message does not verify")
	// ErrPlaintext: a swarm message arrived unencrypted at a channel that
	// requires encryption.
	ErrPlaintext = errors.New("pairing: unencrypted swarm message refused")
	// ErrNotController: the operation needs the swarm controller.
	ErrNotController = errors.New("pairing: not the swarm controller")
	// ErrCallFailed: a peripheral call returned an error result. Returned as
	// a [*CallError].
	ErrCallFailed = errors.New("pairing: peripheral call failed")
)

// RejectError is a PAIR_REJECT received from the other side. Authenticated
// says that it was sealed under the run's confirmed key, so that it came
// from the peer; an unauthenticated one (before the key exchange confirmed
// a key) may come from anyone on the network, and only ended the attempt.
type RejectError struct {
	Reason        string // the peer's reason, as sent
	Authenticated bool
}

func (e *RejectError) Error() string {
	if e.Authenticated {
		return fmt.Sprintf("pairing: rejected by peer: %q", e.Reason)
	}
	return fmt.Sprintf("pairing: rejected (unauthenticated): %q", e.Reason)
}

// Is makes a RejectError match [ErrRejected].
func (e *RejectError) Is(target error) bool { return target == ErrRejected }

// CallError is the error result of a peripheral call.
type CallError struct {
	Zone, Peripheral, Method string
	Message                  string // the error the remote side reported
}

func (e *CallError) Error() string {
	return fmt.Sprintf("pairing: call %s.%s on zone %q: %s", e.Peripheral, e.Method, e.Zone, e.Message)
}

// Is makes a CallError match [ErrCallFailed].
func (e *CallError) Is(target error) bool { return target == ErrCallFailed }
