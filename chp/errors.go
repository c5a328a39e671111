package chp

import "errors"

// Errors a caller can tell apart with errors.Is. Received packets that fail
// wrap one of these; the [LocalRegistry] maps each to an HTTP status and a
// code in its JSON error body (see the package documentation).
var (
	// ErrMalformed: the bytes are not one JSON value of the expected kind.
	ErrMalformed = errors.New("chp: malformed packet")
	// ErrDuplicateKey: a JSON object repeats a member name.
	ErrDuplicateKey = errors.New("chp: duplicate key")
	// ErrSchema: well-formed JSON that does not validate against chp-v1.json.
	// The concrete error is a *[SchemaError].
	ErrSchema = errors.New("chp: schema violation")
	// ErrTimestamp: a heartbeat's timestamp is in the future or too old.
	ErrTimestamp = errors.New("chp: timestamp not acceptable")
	// ErrUnsigned: a plain heartbeat where policy requires a signed one.
	ErrUnsigned = errors.New("chp: signature required")
	// ErrBadSignature: a signature (ACK, admission certificate, heartbeat
	// envelope, receipt) does not verify.
	ErrBadSignature = errors.New("chp: bad signature")
	// ErrReplay: a signed heartbeat envelope that was already accepted.
	ErrReplay = errors.New("chp: replayed heartbeat")
	// ErrKeyMismatch: an instance, ACK or registry key differs from the one
	// pinned or configured.
	ErrKeyMismatch = errors.New("chp: key mismatch")
	// ErrWrongRegistry: a heartbeat names another registry in
	// meta.registry_fingerprint.
	ErrWrongRegistry = errors.New("chp: heartbeat addressed to another registry")
	// ErrAdmission: a registry admission certificate is missing, malformed,
	// not issued by the expected root, or not for this registry.
	ErrAdmission = errors.New("chp: admission certificate not valid")
	// ErrExpired: a certificate is outside its validity period.
	ErrExpired = errors.New("chp: certificate expired or not yet valid")
	// ErrNotFound: no record with that ACK identifier.
	ErrNotFound = errors.New("chp: not found")
	// ErrUnreachable: the registry could not be reached (network error,
	// timeout or 5xx) within the retry budget.
	ErrUnreachable = errors.New("chp: registry unreachable")
	// ErrRejected: the registry refused a heartbeat (4xx).
	ErrRejected = errors.New("chp: heartbeat rejected")
	// ErrFork: a bundle's checkpoint is not consistent with one seen before
	// from the same Local Registry.
	ErrFork = errors.New("chp: checkpoint forks from one seen before")
	// ErrGap: a bundle starts after the last size imported from its Local
	// Registry, so records in between are missing.
	ErrGap = errors.New("chp: bundle leaves a gap")
	// ErrBundle: a provenance bundle's contents are inconsistent (members
	// missing or out of order, counts or roots that disagree).
	ErrBundle = errors.New("chp: bundle contents inconsistent")
	// ErrClosed: the registry or instance was closed.
	ErrClosed = errors.New("chp: closed")
)
