package envelope

import "errors"

// Errors returned by [Verifier.Open] and the decoders. Every error they return
// wraps exactly one of these, so callers can tell failures apart with
// [errors.Is]; the message says what was found and what was wanted. (The
// one exception is the error of a [Verifier.OpenWith] check, which is the
// caller's own and is returned as it is.)
var (
	// ErrMalformed: the bytes are not a well-formed envelope (syntax, a
	// missing, duplicated, unknown or mistyped member, non-canonical base64url,
	// a non-I-JSON number, trailing data, a wrong-sized nonce or signature).
	ErrMalformed = errors.New("envelope: malformed")
	// ErrUnsupported: the version or algorithm is not one this package knows.
	ErrUnsupported = errors.New("envelope: unsupported")
	// ErrTypeNotAllowed: the verifier was not told to accept this type.
	ErrTypeNotAllowed = errors.New("envelope: type not allowed")
	// ErrUnknownKey: the sender key is not in the verifier's key ring.
	ErrUnknownKey = errors.New("envelope: unknown key")
	// ErrKeyNotValid: the sender key is known but was not valid at the
	// envelope's timestamp (before its start, after its end, or revoked), or
	// it does not match the algorithm.
	ErrKeyNotValid = errors.New("envelope: key not valid")
	// ErrOutsideWindow: the timestamp is too far from the verifier's clock, or
	// before the verifier's start-up fence.
	ErrOutsideWindow = errors.New("envelope: timestamp outside window")
	// ErrBadSignature: the signature does not verify.
	ErrBadSignature = errors.New("envelope: bad signature")
	// ErrReplay: an envelope with this sender and nonce was already accepted.
	ErrReplay = errors.New("envelope: replay")
	// ErrWeakKey: an Ed25519 public key that must not be trusted: a point
	// of small order (signatures under it can verify for every message), a
	// non-canonical encoding, or not a point on the curve. Key strings,
	// [KeyRing.Add] and trust on first use refuse such keys.
	ErrWeakKey = errors.New("envelope: weak public key")
	// ErrCacheFull: the replay cache holds as many live nonces as it may, so
	// it cannot record this one; the envelope is refused (fail closed).
	ErrCacheFull = errors.New("envelope: replay cache full")
)
