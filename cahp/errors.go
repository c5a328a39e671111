package cahp

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every refusal by an [Initiator], a [Responder],
// [VerifyTicket] or a Parse function wraps one of these (or an
// [envelope] sentinel such as envelope.ErrBadSignature, envelope.ErrReplay or
// envelope.ErrOutsideWindow, for a message that did not verify), so callers
// tell failures apart with [errors.Is].
var (
	// ErrMalformed: a payload is not well formed (a missing, unknown or
	// mistyped member, a value out of range, a bad encoding).
	ErrMalformed = errors.New("cahp: malformed payload")
	// ErrOutOfOrder: a message of a phase the session does not expect now.
	ErrOutOfOrder = errors.New("cahp: message out of order")
	// ErrWrongSession: a message names another session than the one it was
	// sent in.
	ErrWrongSession = errors.New("cahp: message for another session")
	// ErrUnknownSession: the responder holds no session with this id (never
	// opened, ended by a refusal or an abort, or expired).
	ErrUnknownSession = errors.New("cahp: unknown session")
	// ErrWrongSender: the message is signed by another key than the peer's,
	// or its sender_type is not the peer's kind (or not a kind at all).
	ErrWrongSender = errors.New("cahp: wrong sender")
	// ErrExpired: the session or the challenge expired.
	ErrExpired = errors.New("cahp: expired")
	// ErrUnsolved: the hashcash response does not meet the challenge.
	ErrUnsolved = errors.New("cahp: challenge not solved")
	// ErrWrongChallenge: a challenge that does not fit the session (a prefix
	// or difficulty other than the one issued, a target inconsistent with the
	// difficulty, a wrong type, spot checks out of range).
	ErrWrongChallenge = errors.New("cahp: wrong challenge")
	// ErrDifficulty: a challenge asks for more work than the initiator
	// accepts or than [MaxDifficulty].
	ErrDifficulty = errors.New("cahp: excessive difficulty")
	// ErrWeightRoot: a weight commitment names a model root the policy does
	// not allow, or its session_nonce_commitment does not bind the root to
	// this session's challenger nonce.
	ErrWeightRoot = errors.New("cahp: wrong weight root")
	// ErrSpotCheck: an opened chunk does not verify against the committed
	// root, or the wrong chunks were opened.
	ErrSpotCheck = errors.New("cahp: spot check failed")
	// ErrBurn: the proof of burn does not hold. A [BurnVerifier] returns it
	// wrapped in one of the more precise sentinels below, or alone.
	ErrBurn = errors.New("cahp: burn not proven")
	// ErrBurnTooSmall: the burn is smaller than claimed or than the policy
	// minimum. It matches [ErrBurn] as well.
	ErrBurnTooSmall = fmt.Errorf("%w: amount too small", ErrBurn)
	// ErrBurnUnconfirmed: the burn transaction has fewer confirmations than
	// required, failed, or was not found. It matches [ErrBurn] as well.
	ErrBurnUnconfirmed = fmt.Errorf("%w: not confirmed", ErrBurn)
	// ErrBurnBinding: the burn does not carry this session's binding or is
	// not a burn (wrong recipient). It matches [ErrBurn] as well.
	ErrBurnBinding = fmt.Errorf("%w: wrong session binding", ErrBurn)
	// ErrPolicy: the peer's proof kind, chain, amount or capabilities are not
	// accepted by the policy.
	ErrPolicy = errors.New("cahp: refused by policy")
	// ErrKeyConfirmation: the peer's key confirmation does not match the
	// transcript, so the two sides do not share a session key.
	ErrKeyConfirmation = errors.New("cahp: key confirmation failed")
	// ErrAborted: the peer ended the session.
	ErrAborted = errors.New("cahp: session aborted by peer")
	// ErrBusy: the responder holds as many open sessions as it may.
	ErrBusy = errors.New("cahp: too many open sessions")
	// ErrTicket: a ticket that [VerifyTicket] refuses (bad signature,
	// unknown issuer, expired, another session, missing capabilities, lifetime
	// over [MaxTicketLifetime]). Returned as a [*TicketError].
	ErrTicket = errors.New("cahp: ticket refused")
	// ErrKeyRevoked: the ticket's issuer or subject key is not pinned and
	// valid now: it was removed or rotated out since the ticket was issued
	// (or was never pinned: the two cannot be told apart). It matches
	// [ErrTicket] as well; a new handshake is needed.
	ErrKeyRevoked = fmt.Errorf("%w: key rotated or removed", ErrTicket)
	// ErrTransport: the transport failed or the peer answered with an error
	// body. Returned as a [*TransportError] when the peer answered.
	ErrTransport = errors.New("cahp: transport failed")
)

// A RefusalError says which phase of which session refused a message, and
// why. Err wraps the sentinel of the failure.
type RefusalError struct {
	Phase     string // the phase of the refused message: "discovery", "proof", ...
	SessionID string // session_id, when known
	Err       error
}

func (e *RefusalError) Error() string {
	if e.SessionID == "" {
		return fmt.Sprintf("%s: %v", e.Phase, e.Err)
	}
	return fmt.Sprintf("%s of session %s: %v", e.Phase, e.SessionID, e.Err)
}

// Unwrap returns the reason.
func (e *RefusalError) Unwrap() error { return e.Err }

// A TicketError reports why [VerifyTicket] refused a ticket. It matches
// [ErrTicket], [ErrKeyRevoked] when Key is set, and Err.
type TicketError struct {
	SessionID string // the ticket's session_id, if it could be read
	// Key is the key string whose pinning ended ("issuer" or "subject" in
	// Role), or "" when the refusal is not about a revoked key.
	Key, Role string
	Err       error
}

func (e *TicketError) Error() string {
	msg := "cahp: ticket"
	if e.SessionID != "" {
		msg += " of session " + e.SessionID
	}
	if e.Key != "" {
		return fmt.Sprintf("%s: %s key %.40s no longer pinned: %v", msg, e.Role, e.Key, e.Err)
	}
	return fmt.Sprintf("%s: %v", msg, e.Err)
}

// Unwrap returns the reason and the ticket sentinels it matches.
func (e *TicketError) Unwrap() []error {
	if e.Key != "" {
		return []error{ErrKeyRevoked, e.Err}
	}
	return []error{ErrTicket, e.Err}
}

// A TransportError is an error body a peer answered with (see the package
// documentation, "HTTP transport").
type TransportError struct {
	Status  int    // HTTP status
	Code    string // the "code" member: "malformed", "out_of_order", ...
	Message string // the "error" member
}

func (e *TransportError) Error() string {
	return fmt.Sprintf("cahp: peer refused (%d %s): %s", e.Status, e.Code, e.Message)
}

// Unwrap maps the code to its sentinel, so errors.Is works across the wire.
func (e *TransportError) Unwrap() []error {
	errs := []error{ErrTransport}
	if s, ok := codeSentinel[e.Code]; ok {
		errs = append(errs, s)
	}
	return errs
}

// errorCodes lists, for each sentinel a refusal can carry over HTTP, its
// "code" and HTTP status. The first match in this order wins.
var errorCodes = []struct {
	err    error
	code   string
	status int
}{
	{ErrBusy, "busy", 429},
	{ErrUnknownSession, "unknown_session", 404},
	{ErrOutOfOrder, "out_of_order", 409},
	{ErrWrongSession, "wrong_session", 409},
	{ErrWrongSender, "wrong_sender", 403},
	{ErrExpired, "expired", 410},
	{ErrUnsolved, "unsolved", 403},
	{ErrWrongChallenge, "wrong_challenge", 403},
	{ErrDifficulty, "difficulty", 403},
	{ErrWeightRoot, "weight_root", 403},
	{ErrSpotCheck, "spot_check", 403},
	{ErrBurnTooSmall, "burn_too_small", 403},
	{ErrBurnUnconfirmed, "burn_unconfirmed", 403},
	{ErrBurnBinding, "burn_binding", 403},
	{ErrBurn, "burn", 403},
	{ErrPolicy, "policy", 403},
	{ErrKeyConfirmation, "key_confirmation", 403},
	{ErrAborted, "aborted", 410},
	{ErrMalformed, "malformed", 400},
}

var codeSentinel = func() map[string]error {
	m := make(map[string]error, len(errorCodes))
	for _, c := range errorCodes {
		m[c.code] = c.err
	}
	return m
}()
