package chp

import (
	"crypto/ed25519"
	"fmt"
	"time"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/envelope"
	"github.com/accordsdk/accord/internal/strictb64"
)

// Types of the key lifecycle's records and signed messages (their "type"
// member). The package documentation gives each byte for byte.
const (
	// KeyRotationType: a Local Registry's key rotation, a record of its own
	// log signed by the old and the new key ([KeyRotation]).
	KeyRotationType = "chp/lr-key-rotation"
	// UnpinType: an operator's un-pin of an instance's key, a record of the
	// Local Registry's log ([Unpin]).
	UnpinType = "chp/unpin"
	// RootRotationType: a Global Registry root key rotation, signed by the
	// old and the new root key ([RootRotation]).
	RootRotationType = "chp/root-rotation"
	// RevocationType: the revocation of an admission certificate, signed by
	// the Global Registry root key ([Revocation]).
	RevocationType = "chp/rac-revocation"
)

// recordTime is the one form of times in the key lifecycle's records:
// RFC 3339, UTC, whole seconds.
const recordTime = "2006-01-02T15:04:05Z"

func formatRecordTime(t time.Time) string { return t.UTC().Format(recordTime) }

func parseRecordTime(field, s string) (time.Time, error) {
	t, err := time.Parse(recordTime, s)
	if err != nil || t.Format(recordTime) != s {
		return time.Time{}, fmt.Errorf("%w: %s %q is not an RFC 3339 UTC time in whole seconds", ErrMalformed, field, s)
	}
	return t, nil
}

// maxIJSON is the largest integer I-JSON carries exactly (2^53 - 1).
const maxIJSON = 1<<53 - 1

// canonicalKey parses an Ed25519 key string and reports whether it is
// written in its one canonical form.
func canonicalKey(field, key string) (ed25519.PublicKey, error) {
	pub, err := envelope.ParseEd25519PublicKey(key)
	if err != nil || envelope.FormatEd25519PublicKey(pub) != key {
		return nil, fmt.Errorf("%w: %s %.60q is not an ed25519:z... key", ErrMalformed, field, key)
	}
	return pub, nil
}

// KeyRotation is a Local Registry's key rotation: a record in the
// registry's own log, at index Size, signed by the old key and by the new.
// Checkpoints of sizes up to Size are signed by OldKey, those of larger
// sizes by NewKey; the log, its origin and its tree continue. A verifier
// that follows the log and holds OldKey learns NewKey from this record
// ([KeyChain]).
//
// Its log form, which is also its wire form, is the RFC 8785 form of
//
//	{"new_key":"ed25519:z...","new_signature":"ed25519:<base64url>",
//	 "old_key":"ed25519:z...","old_signature":"ed25519:<base64url>",
//	 "origin":"accord.chp/lr/<16 hex>","root":"<base64>","rotated_at":"<RFC 3339 UTC>",
//	 "size":N,"type":"chp/lr-key-rotation"}
//
// where both signatures are over the RFC 8785 form of the object without
// old_signature and new_signature.
type KeyRotation struct {
	Origin       string    // the log's checkpoint origin
	Size         uint64    // the record's log index: the tree size it extends
	Root         string    // RFC 6962 root of the log's first Size records, padded base64
	OldKey       string    // the key that signed checkpoints up to Size
	NewKey       string    // the key that signs checkpoints after
	RotatedAt    time.Time // the registry's clock, whole seconds
	OldSignature string
	NewSignature string
}

type keyRotationBody struct {
	Type      string `json:"type" strictjson:"required"`
	Origin    string `json:"origin" strictjson:"required"`
	Size      uint64 `json:"size" strictjson:"required"`
	Root      string `json:"root" strictjson:"required"`
	OldKey    string `json:"old_key" strictjson:"required"`
	NewKey    string `json:"new_key" strictjson:"required"`
	RotatedAt string `json:"rotated_at" strictjson:"required"`
}

func (k *KeyRotation) body() keyRotationBody { return k.bodyAs(KeyRotationType) }

// bodyAs is the signed part of a rotation record of type typ: a key
// rotation and a root rotation have the same members.
func (k *KeyRotation) bodyAs(typ string) keyRotationBody {
	return keyRotationBody{typ, k.Origin, k.Size, k.Root, k.OldKey, k.NewKey, formatRecordTime(k.RotatedAt)}
}

// Marshal returns the record's log form (RFC 8785).
func (k *KeyRotation) Marshal() ([]byte, error) { return k.marshalAs(KeyRotationType) }

func (k *KeyRotation) marshalAs(typ string) ([]byte, error) {
	return canonical(struct {
		keyRotationBody
		OldSignature string `json:"old_signature"`
		NewSignature string `json:"new_signature"`
	}{k.bodyAs(typ), k.OldSignature, k.NewSignature})
}

// signKeyRotation fills both signatures of k.
func signKeyRotation(k *KeyRotation, old, next envelope.Signer) error {
	return signRotationAs(k, KeyRotationType, old, next)
}

func signRotationAs(k *KeyRotation, typ string, old, next envelope.Signer) error {
	var err error
	if k.OldSignature, err = signDetached(old, k.bodyAs(typ)); err != nil {
		return err
	}
	k.NewSignature, err = signDetached(next, k.bodyAs(typ))
	return err
}

// ParseKeyRotation decodes a key rotation record strictly (every member
// present and well-formed, nothing else, the log form exactly). It does
// not verify the signatures; see [KeyRotation.Verify].
func ParseKeyRotation(b []byte) (*KeyRotation, error) {
	return parseRotationAs(b, KeyRotationType, "key rotation")
}

// parseRotationAs decodes a rotation record of type typ (what names it in
// errors).
func parseRotationAs(b []byte, typ, what string) (*KeyRotation, error) {
	var raw struct {
		keyRotationBody
		OldSignature string `json:"old_signature" strictjson:"required"`
		NewSignature string `json:"new_signature" strictjson:"required"`
	}
	if err := decodeStrict(b, &raw, false); err != nil {
		return nil, fmt.Errorf("chp: %s: %w", what, err)
	}
	if raw.Type != typ {
		return nil, fmt.Errorf("%w: %s of type %q", ErrMalformed, what, raw.Type)
	}
	if raw.Size > maxIJSON {
		return nil, fmt.Errorf("%w: %s size %d", ErrMalformed, what, raw.Size)
	}
	if root, err := strictb64.Std(raw.Root); err != nil || len(root) != 32 {
		return nil, fmt.Errorf("%w: %s root %q is not 32 bytes of padded base64", ErrMalformed, what, raw.Root)
	}
	for f, v := range map[string]string{"old_key": raw.OldKey, "new_key": raw.NewKey} {
		if _, err := canonicalKey(f, v); err != nil {
			return nil, err
		}
	}
	if raw.OldKey == raw.NewKey {
		return nil, fmt.Errorf("%w: %s to the same key", ErrMalformed, what)
	}
	t, err := parseRecordTime("rotated_at", raw.RotatedAt)
	if err != nil {
		return nil, err
	}
	k := &KeyRotation{Origin: raw.Origin, Size: raw.Size, Root: raw.Root, OldKey: raw.OldKey, NewKey: raw.NewKey,
		RotatedAt: t, OldSignature: raw.OldSignature, NewSignature: raw.NewSignature}
	if again, err := k.marshalAs(typ); err != nil || string(again) != string(b) {
		return nil, fmt.Errorf("%w: %s record is not in its RFC 8785 form", ErrMalformed, what)
	}
	return k, nil
}

// Verify checks both signatures of k: by its old key and by its new.
// Errors wrap [ErrBadSignature].
func (k *KeyRotation) Verify() error { return k.verifyAs(KeyRotationType, "key rotation") }

func (k *KeyRotation) verifyAs(typ, what string) error {
	for _, s := range []struct{ key, sig, which string }{{k.OldKey, k.OldSignature, "old"}, {k.NewKey, k.NewSignature, "new"}} {
		pub, err := envelope.ParseEd25519PublicKey(s.key)
		if err != nil {
			return fmt.Errorf("%w: %s %s key: %v", ErrMalformed, what, s.which, err)
		}
		if err := verifyDetached(pub, k.bodyAs(typ), s.sig); err != nil {
			return fmt.Errorf("chp: %s at %d: %s key's signature: %w", what, k.Size, s.which, err)
		}
	}
	return nil
}

// Unpin is an operator's un-pin of an instance's key, appended to the
// Local Registry's log so that it is audited like every heartbeat: the
// next sealed heartbeat of the instance pins its key afresh. It carries no
// signature of its own; the registry's checkpoints cover it.
//
// Its log form is the RFC 8785 form of
//
//	{"instance_id":"<canonical UUID>","key":"ed25519:z...","reason":"...",
//	 "type":"chp/unpin","unpinned_at":"<RFC 3339 UTC>"}
//
// where key is the key that was pinned and reason, the operator's words,
// is 1 to 1024 bytes.
type Unpin struct {
	InstanceID string    `json:"instance_id"`
	Key        string    `json:"key"`
	Reason     string    `json:"reason"`
	UnpinnedAt time.Time `json:"unpinned_at"`
}

type unpinBody struct {
	Type       string `json:"type" strictjson:"required"`
	InstanceID string `json:"instance_id" strictjson:"required"`
	Key        string `json:"key" strictjson:"required"`
	Reason     string `json:"reason" strictjson:"required"`
	UnpinnedAt string `json:"unpinned_at" strictjson:"required"`
}

// maxReason bounds the reason of an un-pin or a revocation.
const maxReason = 1024

// Marshal returns the record's log form (RFC 8785).
func (u *Unpin) Marshal() ([]byte, error) {
	return canonical(unpinBody{UnpinType, u.InstanceID, u.Key, u.Reason, formatRecordTime(u.UnpinnedAt)})
}

// ParseUnpin decodes an un-pin record strictly, in its log form exactly.
func ParseUnpin(b []byte) (*Unpin, error) {
	var raw unpinBody
	if err := decodeStrict(b, &raw, false); err != nil {
		return nil, fmt.Errorf("chp: un-pin: %w", err)
	}
	if raw.Type != UnpinType {
		return nil, fmt.Errorf("%w: un-pin of type %q", ErrMalformed, raw.Type)
	}
	if !uuidRE.MatchString(raw.InstanceID) || canonicalID(raw.InstanceID) != raw.InstanceID {
		return nil, fmt.Errorf("%w: un-pin instance_id %q is not a lower-case UUID", ErrMalformed, raw.InstanceID)
	}
	if _, err := canonicalKey("key", raw.Key); err != nil {
		return nil, err
	}
	if len(raw.Reason) == 0 || len(raw.Reason) > maxReason {
		return nil, fmt.Errorf("%w: un-pin reason of %d bytes, want 1 to %d", ErrMalformed, len(raw.Reason), maxReason)
	}
	t, err := parseRecordTime("unpinned_at", raw.UnpinnedAt)
	if err != nil {
		return nil, err
	}
	u := &Unpin{InstanceID: raw.InstanceID, Key: raw.Key, Reason: raw.Reason, UnpinnedAt: t}
	if again, err := u.Marshal(); err != nil || string(again) != string(b) {
		return nil, fmt.Errorf("%w: un-pin record is not in its RFC 8785 form", ErrMalformed)
	}
	return u, nil
}

// registryRecord is a record of a Local Registry's log that is not a
// heartbeat: a key rotation, an un-pin or a revocation. Its log form is a JSON object,
// so its first byte is '{'; a heartbeat [Record] starts with its 4-byte
// length, whose first byte is 0.
type registryRecord struct {
	rotation   *KeyRotation
	unpin      *Unpin
	revocation *Revocation // a revocation the registry installed
}

// isRegistryRecord tells a registry record's log form from a heartbeat
// record's.
func isRegistryRecord(leaf []byte) bool { return len(leaf) > 0 && leaf[0] == '{' }

// parseRegistryRecord decodes a registry record by its type member.
func parseRegistryRecord(leaf []byte) (registryRecord, error) {
	var t struct {
		Type string `json:"type" strictjson:"required"`
	}
	if err := decodeStrict(leaf, &t, true); err != nil {
		return registryRecord{}, fmt.Errorf("chp: registry record: %w", err)
	}
	var rr registryRecord
	var err error
	switch t.Type {
	case KeyRotationType:
		rr.rotation, err = ParseKeyRotation(leaf)
	case UnpinType:
		rr.unpin, err = ParseUnpin(leaf)
	case RevocationType:
		rr.revocation, err = parseRevocationRecord(leaf)
	default:
		err = fmt.Errorf("%w: registry record of type %q", ErrMalformed, t.Type)
	}
	return rr, err
}

// KeyChain follows a Local Registry's signing keys along its log, the way
// a verifier holding the registry's first key (or any later one) learns
// each next key from the rotation records it reads. The zero value is not
// usable; see [NewKeyChain].
type KeyChain struct {
	origin string
	keys   []string // oldest first
	from   []uint64 // keys[i] signs checkpoints of sizes above from[i] (from[0] = 0)
}

// NewKeyChain starts a chain at key, which signs the log whose checkpoint
// origin is origin ("" means the origin derived from key, that of a
// registry that never rotated before key).
func NewKeyChain(origin, key string) (*KeyChain, error) {
	if _, err := canonicalKey("key", key); err != nil {
		return nil, err
	}
	if origin == "" {
		var err error
		if origin, err = lrOrigin(key); err != nil {
			return nil, err
		}
	}
	return &KeyChain{origin: origin, keys: []string{key}, from: []uint64{0}}, nil
}

// Origin returns the log's checkpoint origin.
func (c *KeyChain) Origin() string { return c.origin }

// Current returns the newest key the chain learned.
func (c *KeyChain) Current() string { return c.keys[len(c.keys)-1] }

// Keys returns every key of the chain, oldest first.
func (c *KeyChain) Keys() []string { return append([]string(nil), c.keys...) }

// Has reports whether key is one of the chain's keys.
func (c *KeyChain) Has(key string) bool {
	for _, k := range c.keys {
		if k == key {
			return true
		}
	}
	return false
}

// KeyAt returns the key that signs checkpoints of tree size n.
func (c *KeyChain) KeyAt(n uint64) string {
	k := c.keys[0]
	for i, f := range c.from {
		if n > f {
			k = c.keys[i]
		}
	}
	return k
}

// Apply verifies a key rotation and, if it hands over from the chain's
// current key, in this log, at a size after the last rotation, adds its
// new key. Errors wrap [ErrBadSignature], [ErrKeyMismatch] or
// [ErrMalformed].
func (c *KeyChain) Apply(k *KeyRotation) error { return c.apply(k, "key rotation", k.Verify) }

// apply checks a rotation record (what names its kind in errors) against
// the chain, then its signatures with verify, and adds its new key.
func (c *KeyChain) apply(k *KeyRotation, what string, verify func() error) error {
	if k.Origin != c.origin {
		return fmt.Errorf("%w: %s for log %q, following %q", ErrKeyMismatch, what, k.Origin, c.origin)
	}
	if k.OldKey != c.Current() {
		return fmt.Errorf("%w: %s from %.40s, current key is %.40s", ErrKeyMismatch, what, k.OldKey, c.Current())
	}
	if last := c.from[len(c.from)-1]; len(c.from) > 1 && k.Size <= last {
		return fmt.Errorf("%w: %s at %d, after one at %d", ErrMalformed, what, k.Size, last)
	}
	if c.Has(k.NewKey) {
		return fmt.Errorf("%w: %s back to %.40s, a key used before", ErrKeyMismatch, what, k.NewKey)
	}
	if err := verify(); err != nil {
		return err
	}
	c.keys = append(c.keys, k.NewKey)
	c.from = append(c.from, k.Size)
	return nil
}

// ApplyRecord applies a log record read at index: a key rotation record
// there is checked to sit at the index it names and applied; any other
// record is ignored. It reports whether the chain changed.
func (c *KeyChain) ApplyRecord(index uint64, leaf []byte) (bool, error) {
	if !isRegistryRecord(leaf) {
		return false, nil
	}
	rr, err := parseRegistryRecord(leaf)
	if err != nil {
		return false, err
	}
	if rr.rotation == nil {
		return false, nil
	}
	if rr.rotation.Size != index {
		return false, fmt.Errorf("%w: key rotation names size %d, read at index %d", ErrMalformed, rr.rotation.Size, index)
	}
	return true, c.Apply(rr.rotation)
}

// VerifyCheckpoint verifies a signed checkpoint of the log with the key
// that signs checkpoints of its size. Errors wrap [ErrBadSignature].
func (c *KeyChain) VerifyCheckpoint(signed []byte) (checkpoint.Checkpoint, error) {
	body, err := checkpoint.Parse(noteBody(signed))
	if err != nil {
		return checkpoint.Checkpoint{}, fmt.Errorf("%w: checkpoint: %w", ErrBadSignature, err)
	}
	return verifyCheckpointAs(signed, c.origin, c.KeyAt(body.Size))
}
