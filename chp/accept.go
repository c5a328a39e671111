package chp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/accordsdk/accord/envelope"
)

// Accepted is the outcome of a heartbeat the registry took.
type Accepted struct {
	Ack       []byte // the signed ACK, as sent to the instance
	Index     uint64 // the record's index in the registry's log
	Duplicate bool   // the same heartbeat was logged before; Ack is that record's ACK
}

// Accept validates a posted heartbeat (plain chp-v1 JSON or a sealed
// envelope of type [HeartbeatType]), appends it with a signed ACK to the
// log, and returns the ACK once the record is durable. A heartbeat whose
// canonical form was logged before is not appended again: its original ACK
// is returned with Duplicate set, so an instance may safely resend after a
// lost answer. A sealed envelope whose nonce was accepted before is a
// replay ([ErrReplay]).
//
// Errors are a *[RejectError] (bad input, with its HTTP status and code)
// or an error of the log (the record was not stored).
func (r *LocalRegistry) Accept(ctx context.Context, body []byte) (*Accepted, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, reject(http.StatusBadRequest, "empty_body", fmt.Errorf("%w: empty body", ErrMalformed), nil)
	}
	if len(body) > maxPacket {
		return nil, reject(http.StatusRequestEntityTooLarge, "too_large", fmt.Errorf("%w: body of %d bytes, limit %d", ErrMalformed, len(body), maxPacket), nil)
	}
	var (
		pinnedNow bool // the sealing key is pinned for this heartbeat's instance
		key       string
		nonce     [32]byte
	)
	hb, digest, metaLen, e, err := r.readBody(body)
	if e != nil {
		key = e.SenderPubkey
		// The verifier learned the key if it was new to it. Unless this
		// heartbeat is accepted (and the key pinned), it is forgotten
		// again, so that refused heartbeats cannot grow the key ring.
		defer func() {
			if !pinnedNow {
				r.forgetKey(key)
			}
		}()
		var wire [32]byte // the nonce's base64url form, 22 characters
		nonce = nonceID(key, b64.AppendEncode(wire[:0], e.Nonce))
	}
	if err != nil {
		return nil, err
	}
	// Held until the record is durable: a key rotation waits for this
	// heartbeat, or this heartbeat for the rotation, so every ACK is
	// signed by the key that signs the checkpoints covering its record.
	r.appendMu.RLock()
	defer r.appendMu.RUnlock()
	id := r.ident()
	// A refusal of a heartbeat that was read carries a signed "rejected"
	// ACK, bound to this heartbeat's digest like every ACK, when the
	// registry authenticated the body (a sealed heartbeat whose seal
	// verified) or would have taken it unauthenticated anyway (a plain
	// heartbeat where policy allows plain heartbeats from this instance).
	// Any other refusal is unsigned: what it says could come from anyone.
	rejectHB := func(status int, code string, err error) *RejectError {
		return r.rejectHB(id, hb, digest, key, status, code, err)
	}
	now := r.now().UTC()
	if d := hb.Timestamp.Sub(now); d > r.skew {
		return nil, rejectHB(http.StatusUnprocessableEntity, "timestamp_future", fmt.Errorf("%w: timestamp %s is %s ahead of the registry clock, limit %s", ErrTimestamp, formatTime(hb.Timestamp), d.Round(time.Second), r.skew))
	}
	if d := now.Sub(hb.Timestamp); d > r.maxAge {
		return nil, rejectHB(http.StatusUnprocessableEntity, "timestamp_stale", fmt.Errorf("%w: timestamp %s is %s old, limit %s", ErrTimestamp, formatTime(hb.Timestamp), d.Round(time.Second), r.maxAge))
	}
	if fp := hb.RegistryFingerprint(); fp != "" && fp != id.fingerprint && !r.knownFingerprint(fp) {
		return nil, rejectHB(http.StatusUnprocessableEntity, "wrong_registry", fmt.Errorf("%w: meta.registry_fingerprint %s, this registry is %s", ErrWrongRegistry, fp, id.fingerprint))
	}
	if err := r.checkMeta(hb.Meta, metaLen); err != nil {
		return nil, rejectHB(http.StatusUnprocessableEntity, "meta_refused", err)
	}
	// Under the lock: policy checks that depend on what was logged before,
	// and reservations (pin, digest, nonce) that a failed append undoes.
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil, ErrClosed
	}
	pinned, isPinned := r.pins[hb.InstanceID]
	switch {
	case key == "" && isPinned:
		r.mu.Unlock()
		return nil, rejectHB(http.StatusUnauthorized, "signature_required", fmt.Errorf("%w: instance %s is pinned to key %.40s; plain heartbeats refused", ErrUnsigned, hb.InstanceID, pinned))
	case key == "" && !r.allowUnsigned:
		r.mu.Unlock()
		return nil, rejectHB(http.StatusUnauthorized, "signature_required", fmt.Errorf("%w: policy refuses plain heartbeats", ErrUnsigned))
	case key != "" && isPinned && pinned != key:
		r.mu.Unlock()
		return nil, rejectHB(http.StatusForbidden, "key_mismatch", fmt.Errorf("%w: instance %s is pinned to %.40s, heartbeat sealed by %.40s", ErrKeyMismatch, hb.InstanceID, pinned, key))
	}
	if key != "" {
		if _, replay := r.nonces[nonce]; replay {
			r.mu.Unlock()
			return nil, rejectHB(http.StatusConflict, "replay", fmt.Errorf("%w: envelope nonce from %.40s already accepted", ErrReplay, key))
		}
	}
	if idx, dup := r.seen[digest]; dup {
		r.mu.Unlock()
		if idx == pending {
			return nil, reject(http.StatusConflict, "in_progress", fmt.Errorf("%w: the same heartbeat is being logged", ErrReplay), nil)
		}
		return r.duplicate(idx)
	}
	r.seen[digest] = pending
	if key != "" {
		r.nonces[nonce] = struct{}{}
		if !isPinned {
			r.pin(hb.InstanceID, key)
		}
	}
	r.mu.Unlock()

	undo := func() {
		r.mu.Lock()
		delete(r.seen, digest)
		if key != "" {
			delete(r.nonces, nonce)
			if !isPinned {
				r.unpin(hb.InstanceID, key)
			}
		}
		r.mu.Unlock()
	}
	ack := Ack{InstanceRef: hb.InstanceID, Received: now, Status: AckQueued}
	if key != "" {
		ack.Status = AckVerified
	}
	ackJSON, err := signAck(id.signer, &ack, digest)
	if err != nil {
		undo()
		return nil, err
	}
	rec, err := Record{Heartbeat: body, Ack: ackJSON}.MarshalBinary()
	if err != nil {
		undo()
		return nil, err
	}
	idx, err := r.log.Append(ctx, rec)
	if err != nil {
		undo()
		return nil, fmt.Errorf("chp: log append: %w", err)
	}
	r.mu.Lock()
	r.seen[digest] = idx
	r.acks[ack.AckID] = idx
	r.instances[hb.InstanceID] = instanceView{Status: hb.Status, LastSeen: hb.Timestamp, Signed: key != ""}
	r.mu.Unlock()
	pinnedNow = key != ""
	if note, ok := hb.Meta[MetaLateHeartbeats]; ok {
		n, _ := lateNoteFromDoc(note)
		r.logger.Info("chp: instance set late heartbeats aside", "instance_id", hb.InstanceID, "count", n.Count,
			"oldest", formatTime(n.Oldest), "newest", formatTime(n.Newest), "digest", n.Digest, "log_index", idx)
	}
	return &Accepted{Ack: ackJSON, Index: idx}, nil
}

// errNotTyped is how readBody's check of an envelope's payload stops the
// verifier when the typed reading does not take the payload; it never
// leaves readBody.
var errNotTyped = errors.New("chp: payload left to the general reading")

// readBody reads a posted body once: a plain heartbeat or a sealed one. It
// returns the heartbeat, its digest and the length of its meta's canonical
// form (-1: not computed), and the envelope when the body is one whose seal
// verified (the verifier may then have learned its key, even if an error
// is returned: the caller forgets it unless it pins it); errors are
// *[RejectError]. A key learned for an envelope the verifier then refused
// (a replay) is forgotten here.
//
// A valid plain heartbeat is decoded once, into one typed value: its schema
// check, its fields and its canonical form (whose digest indexes it and
// binds its ACK) all come from that reading. A sealed heartbeat is read
// once too: the verifier parses the envelope (and canonicalizes its
// payload), and before checking the seal hands it to the same typed
// reading, which decodes the canonical payload into the heartbeat and its
// digest. What is refused, and in what order, is what the general
// reading decides: first the body as JSON (duplicate_key, invalid_json,
// including nesting deeper than maxDepth counted from the envelope), then
// the envelope (its errors, then unsupported_key), then the heartbeat
// schema. Once the verifier has parsed the envelope and the typed reading
// has taken its payload (at one level less, the envelope's own), the
// general reading would find nothing wrong with the JSON and the same
// heartbeat and digest, so only the envelope's verdict remains. Any other
// body, and an envelope the typed reading does not take (its check stops
// the verifier before anything is verified or recorded), is read by the
// general reading from the start.
func (r *LocalRegistry) readBody(body []byte) (hb *Heartbeat, digest [32]byte, metaLen int, e *envelope.Envelope, err error) {
	if hb, digest, metaLen, ok := decodeHeartbeatWire(body, maxDepth); ok {
		return hb, digest, metaLen, nil, nil
	}
	typed := false
	sender := "" // sender_pubkey, as the check saw it
	openErr := errNotTyped
	if i := skipSpace(body); i < len(body) && body[i] == '{' {
		e, openErr = r.verifier.OpenWith(body, func(e *envelope.Envelope) error {
			var ok bool
			sender = e.SenderPubkey
			if e.Format != envelope.FormatJSON {
				return errNotTyped
			}
			if hb, digest, metaLen, ok = decodeHeartbeatWire(e.Payload, maxDepth-1); !ok {
				return errNotTyped
			}
			typed = true
			return nil
		})
	}
	switch {
	case openErr == nil:
		return hb, digest, metaLen, e, checkAlg(e)
	case typed:
		r.forgetLearned(sender, openErr)
		return nil, [32]byte{}, 0, nil, rejectFor(openErr, nil)
	}
	p, err := readPosted(body)
	if err != nil {
		return nil, [32]byte{}, 0, nil, rejectFor(err, nil)
	}
	if p.sealed {
		e = nil
		if openErr == errNotTyped {
			e, openErr = r.verifier.Open(body)
		}
		if openErr != nil {
			r.forgetLearned(p.key, openErr)
			return nil, [32]byte{}, 0, nil, rejectFor(openErr, nil)
		}
		if err := checkAlg(e); err != nil {
			return nil, [32]byte{}, 0, e, err
		}
	}
	if hb, err = heartbeatFromDoc(p.doc); err != nil {
		return nil, [32]byte{}, 0, e, rejectFor(err, nil)
	}
	return hb, p.digest, -1, e, nil
}

// checkAlg refuses a heartbeat sealed with another algorithm than Ed25519.
func checkAlg(e *envelope.Envelope) error {
	if e.Alg != "ed25519" {
		return reject(http.StatusBadRequest, "unsupported_key", fmt.Errorf("%w: heartbeat sealed with %s, want ed25519", ErrKeyMismatch, e.Alg), nil)
	}
	return nil
}

// skipSpace returns the offset of the first byte of b that is not JSON
// white space.
func skipSpace(b []byte) int {
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// knownFingerprint reports whether fp is the fingerprint of one of the
// registry's keys, current or rotated away from: heartbeats queued before
// a rotation still name the registry by its old key.
func (r *LocalRegistry) knownFingerprint(fp string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.fps[fp]
}

// pin pins key for instance id. Called with r.mu held.
func (r *LocalRegistry) pin(id, key string) {
	r.pins[id] = key
	r.pinnedKeys[key]++
}

// unpin undoes [LocalRegistry.pin] for an append that failed. Called with
// r.mu held.
func (r *LocalRegistry) unpin(id, key string) {
	delete(r.pins, id)
	if r.pinnedKeys[key]--; r.pinnedKeys[key] <= 0 {
		delete(r.pinnedKeys, key)
	}
}

// forgetKey removes key from the envelope verifier's key ring unless it is
// pinned for some instance. The verifier learns every new key whose
// signature verifies (trust on first use); the registry's own checks come
// after, so without this every refused heartbeat sealed by a fresh key
// would stay in memory for good. A pinned key removed by a concurrent
// refusal is learned again at its next use.
func (r *LocalRegistry) forgetKey(key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.pinnedKeys[key]; !ok {
		r.verifier.KeyRing().Remove(key)
	}
}

// forgetLearned forgets key after the verifier refused its envelope with
// err, if err comes after the seal was checked: a replay, or a full replay
// cache. The verifier has then learned the key on first use (see
// [LocalRegistry.forgetKey]), although it returned no envelope.
func (r *LocalRegistry) forgetLearned(key string, err error) {
	if key != "" && (errors.Is(err, envelope.ErrReplay) || errors.Is(err, envelope.ErrCacheFull)) {
		r.forgetKey(key)
	}
}

// duplicate answers a heartbeat logged before with that record's ACK.
func (r *LocalRegistry) duplicate(idx uint64) (*Accepted, error) {
	b, err := r.log.Record(idx)
	if err != nil {
		return nil, err
	}
	var rec Record
	if err := rec.UnmarshalBinary(b); err != nil {
		return nil, err
	}
	return &Accepted{Ack: rec.Ack, Index: idx, Duplicate: true}, nil
}

// RejectError is a heartbeat refused as bad input. Status is the HTTP
// status the registry answers with and Code the "code" of its JSON error
// body; Ack, when the heartbeat could be read, is a signed ACK with status
// "rejected" and the code in its notes. It unwraps to the package sentinel
// that says why.
type RejectError struct {
	Status int
	Code   string
	Ack    []byte
	Err    error
}

// Error returns the underlying error's message.
func (e *RejectError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *RejectError) Unwrap() error { return e.Err }

func reject(status int, code string, err error, ack []byte) *RejectError {
	return &RejectError{Status: status, Code: code, Err: err, Ack: ack}
}

// rejectHB refuses a heartbeat that was read. The refusal carries a
// "rejected" ACK bound to the heartbeat's digest if the body was sealed by
// key (its seal verified) or if it is plain and plain heartbeats are
// allowed for its instance; otherwise it is unsigned.
func (r *LocalRegistry) rejectHB(id *lrIdentity, hb *Heartbeat, digest [32]byte, key string, status int, code string, err error) *RejectError {
	if key == "" {
		r.mu.Lock()
		_, pinned := r.pins[hb.InstanceID]
		r.mu.Unlock()
		if pinned || !r.allowUnsigned {
			return reject(status, code, err, nil)
		}
	}
	a := Ack{InstanceRef: hb.InstanceID, Received: r.now(), Status: AckRejected, Notes: code}
	ackJSON, serr := signAck(id.signer, &a, digest)
	if serr != nil {
		ackJSON = nil
	}
	return reject(status, code, err, ackJSON)
}

// rejectFor maps a decoding or envelope error to its status and code.
func rejectFor(err error, ack []byte) *RejectError {
	switch {
	case errors.Is(err, ErrDuplicateKey):
		return reject(http.StatusBadRequest, "duplicate_key", err, ack)
	case errors.Is(err, ErrSchema):
		return reject(http.StatusUnprocessableEntity, "schema_violation", err, ack)
	case errors.Is(err, ErrMalformed):
		return reject(http.StatusBadRequest, "invalid_json", err, ack)
	case errors.Is(err, envelope.ErrReplay):
		return reject(http.StatusConflict, "replay", fmt.Errorf("%w: %w", ErrReplay, err), ack)
	case errors.Is(err, envelope.ErrOutsideWindow):
		return reject(http.StatusUnauthorized, "outside_window", fmt.Errorf("%w: %w", ErrBadSignature, err), ack)
	case errors.Is(err, envelope.ErrBadSignature):
		return reject(http.StatusUnauthorized, "bad_signature", fmt.Errorf("%w: %w", ErrBadSignature, err), ack)
	case errors.Is(err, envelope.ErrUnknownKey), errors.Is(err, envelope.ErrKeyNotValid):
		return reject(http.StatusUnauthorized, "bad_key", fmt.Errorf("%w: %w", ErrKeyMismatch, err), ack)
	case errors.Is(err, envelope.ErrTypeNotAllowed):
		return reject(http.StatusBadRequest, "wrong_type", fmt.Errorf("%w: %w", ErrMalformed, err), ack)
	}
	return reject(http.StatusBadRequest, "malformed_envelope", fmt.Errorf("%w: %w", ErrMalformed, err), ack)
}
