package chp

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/envelope"
)

// RootRotation is a Global Registry root key rotation: a record of the
// Global Registry's ledger, at index Size, signed by the old root key and
// by the new. Ledger checkpoints of sizes up to Size are signed by OldKey,
// those of larger sizes by NewKey, under the ledger's first origin;
// certificates and receipts issued before RotatedAt are signed by OldKey,
// those issued after by NewKey. A verifier that trusts OldKey learns
// NewKey from this record ([RootSet]); nothing else changes the roots a
// registry or an instance trusts.
//
// Its ledger form, which is also its wire form, is the RFC 8785 form of
//
//	{"new_key":"ed25519:z...","new_signature":"ed25519:<base64url>",
//	 "old_key":"ed25519:z...","old_signature":"ed25519:<base64url>",
//	 "origin":"accord.chp/gr/<16 hex>","root":"<base64>","rotated_at":"<RFC 3339 UTC>",
//	 "size":N,"type":"chp/root-rotation"}
//
// where both signatures are over the RFC 8785 form of the object without
// old_signature and new_signature: the members of a [KeyRotation], with
// another type.
type RootRotation struct {
	Origin       string    // the ledger's checkpoint origin (derived from the first root key)
	Size         uint64    // the record's ledger index: the ledger size it extends
	Root         string    // RFC 6962 root of the ledger's first Size records, padded base64
	OldKey       string    // the root key before
	NewKey       string    // the root key after
	RotatedAt    time.Time // the Global Registry's clock, whole seconds
	OldSignature string
	NewSignature string
}

// rotation views r as the key rotation it has the members of.
func (r *RootRotation) rotation() *KeyRotation { return (*KeyRotation)(r) }

// Marshal returns the record's ledger form (RFC 8785).
func (r *RootRotation) Marshal() ([]byte, error) { return r.rotation().marshalAs(RootRotationType) }

// Verify checks both signatures of r: by its old root key and by its new.
// Errors wrap [ErrBadSignature].
func (r *RootRotation) Verify() error {
	return r.rotation().verifyAs(RootRotationType, "root rotation")
}

// grOriginRE is the form of a Global Registry ledger's origin.
var grOriginRE = regexp.MustCompile(`^accord\.chp/gr/[0-9a-f]{16}$`)

// ParseRootRotation decodes a root rotation record strictly (every member
// present and well-formed, nothing else, the ledger form exactly). It
// does not verify the signatures; see [RootRotation.Verify] and
// [RootSet.Apply].
func ParseRootRotation(b []byte) (*RootRotation, error) {
	k, err := parseRotationAs(b, RootRotationType, "root rotation")
	if err != nil {
		return nil, err
	}
	if !grOriginRE.MatchString(k.Origin) {
		return nil, fmt.Errorf("%w: root rotation origin %.60q is not a Global Registry ledger's", ErrMalformed, k.Origin)
	}
	return (*RootRotation)(k), nil
}

// signRootRotation fills both signatures of r.
func signRootRotation(r *RootRotation, old, next envelope.Signer) error {
	return signRotationAs(r.rotation(), RootRotationType, old, next)
}

// RootSet is the set of Global Registry root keys a verifier trusts: the
// root it was given out of band and every root that a rotation record,
// signed by the root before it and by the next, handed over to. Each key
// is valid for what was issued while it was the root: a certificate by
// its issued_at, a revocation by its revoked_at, a receipt by its
// imported_at and by the size of the ledger checkpoint inside (see
// [RootRotation]); at a rotation's second both keys are. A RootSet is not safe for concurrent changes; the
// registries replace theirs rather than change it.
type RootSet struct {
	chain   *KeyChain         // keys and the ledger sizes they sign from; origin "" until a rotation names it
	since   []time.Time       // since[i]: when chain.keys[i] became the root (zero for the first)
	records []json.RawMessage // the rotation records applied, oldest first
}

// NewRootSet starts a set at root ("ed25519:z..."), the root key given out
// of band: the first root of the Global Registry, or a later one.
func NewRootSet(root string) (*RootSet, error) {
	if _, err := canonicalKey("root key", root); err != nil {
		return nil, err
	}
	return &RootSet{chain: &KeyChain{keys: []string{root}, from: []uint64{0}}, since: []time.Time{{}}}, nil
}

// clone returns a copy of s that can be changed on its own.
func (s *RootSet) clone() *RootSet {
	c := *s.chain
	c.keys, c.from = slices.Clone(c.keys), slices.Clone(c.from)
	return &RootSet{chain: &c, since: slices.Clone(s.since), records: slices.Clone(s.records)}
}

// Current returns the newest root key of the set.
func (s *RootSet) Current() string { return s.chain.Current() }

// Keys returns the root keys of the set, oldest first.
func (s *RootSet) Keys() []string { return s.chain.Keys() }

// Has reports whether key is one of the set's root keys.
func (s *RootSet) Has(key string) bool { return s.chain.Has(key) }

// Origin returns the Global Registry ledger's checkpoint origin once a
// rotation record named it, or "" (then a ledger checkpoint's own origin
// line is taken: the root key's signature covers it).
func (s *RootSet) Origin() string { return s.chain.origin }

// Rotations returns the rotation records applied, oldest first, each in
// its ledger form.
func (s *RootSet) Rotations() []json.RawMessage { return slices.Clone(s.records) }

// Apply verifies a root rotation and, if it hands over from the set's
// current root, in the same ledger, at a later size and time, to a key the
// set never held, adds its new key. Errors wrap [ErrBadSignature] (a
// signature by another key), [ErrKeyMismatch] (not from the current root,
// another ledger, or back to a root used before) or [ErrMalformed].
func (s *RootSet) Apply(r *RootRotation) error {
	if last := s.since[len(s.since)-1]; r.RotatedAt.Before(last) {
		return fmt.Errorf("%w: root rotation at %s, before the one at %s", ErrMalformed, formatRecordTime(r.RotatedAt), formatRecordTime(last))
	}
	k := r.rotation()
	saved := s.chain.origin
	if saved == "" {
		s.chain.origin = r.Origin
	}
	if err := s.chain.apply(k, "root rotation", r.Verify); err != nil {
		s.chain.origin = saved
		return err
	}
	b, err := r.Marshal()
	if err != nil {
		return err
	}
	s.since = append(s.since, r.RotatedAt)
	s.records = append(s.records, b)
	return nil
}

// ApplyRecords applies root rotation records in their ledger form, in the
// order the Global Registry lists them (oldest first), and returns how
// many it added. A record already applied is skipped, and so is history
// before the set's roots: records leading up to a key the set holds.
// Every other record must extend the set ([RootSet.Apply]); one that
// starts from a root the set moved on from (a fork, or a way back to an
// old root) or that reaches none of the set's keys is refused
// ([ErrKeyMismatch]), and then nothing is added.
func (s *RootSet) ApplyRecords(records ...[]byte) (int, error) {
	if len(records) == 0 {
		return 0, nil
	}
	next := s.clone()
	added, touched := 0, false
	for _, b := range records {
		r, err := ParseRootRotation(b)
		if err != nil {
			return 0, err
		}
		switch {
		case slices.ContainsFunc(next.records, func(k json.RawMessage) bool { return bytes.Equal(k, b) }):
			touched = true
		case r.OldKey == next.Current():
			if err := next.Apply(r); err != nil {
				return 0, err
			}
			added++
			touched = true
		case next.Has(r.OldKey):
			return 0, fmt.Errorf("%w: root rotation from %.40s, a root this set moved on from to %.40s", ErrKeyMismatch, r.OldKey, next.Current())
		case next.Has(r.NewKey):
			touched = true // history up to a trusted root
		case touched:
			return 0, fmt.Errorf("%w: root rotation from %.40s does not chain from a trusted root", ErrKeyMismatch, r.OldKey)
		}
	}
	if !touched {
		return 0, fmt.Errorf("%w: no root rotation record chains from a trusted root (current %.40s)", ErrKeyMismatch, next.Current())
	}
	*s = *next
	return added, nil
}

// keysAt returns the roots valid at t: one, or two at a rotation's second.
func (s *RootSet) keysAt(t time.Time) []string {
	var out []string
	for i, k := range s.chain.keys {
		if i > 0 && t.Before(s.since[i]) {
			continue
		}
		if i+1 < len(s.since) && t.After(s.since[i+1]) {
			continue
		}
		out = append(out, k)
	}
	return out
}

// KeyForSize returns the root key that signs ledger checkpoints of size n.
func (s *RootSet) KeyForSize(n uint64) string { return s.chain.KeyAt(n) }

// VerifyCheckpoint verifies a signed ledger checkpoint with the root key
// of its size, under the ledger's origin (see [RootSet.Origin]). Errors
// wrap [ErrBadSignature].
func (s *RootSet) VerifyCheckpoint(signed []byte) (checkpoint.Checkpoint, error) {
	body, err := checkpoint.Parse(noteBody(signed))
	if err != nil {
		return checkpoint.Checkpoint{}, fmt.Errorf("%w: ledger checkpoint: %w", ErrBadSignature, err)
	}
	origin := s.chain.origin
	if origin == "" {
		if !grOriginRE.MatchString(body.Origin) {
			return checkpoint.Checkpoint{}, fmt.Errorf("%w: ledger checkpoint origin %.60q", ErrBadSignature, body.Origin)
		}
		origin = body.Origin
	}
	cp, err := verifyCheckpointAs(signed, origin, s.KeyForSize(body.Size))
	if err != nil {
		return checkpoint.Checkpoint{}, fmt.Errorf("%w: ledger checkpoint: %w", ErrBadSignature, err)
	}
	return cp, nil
}

// VerifyReceipt opens a coherence receipt offline with the set: the
// envelope must be of type [ReceiptType], sealed by the root key that
// signs the ledger checkpoint inside (the key of its size), and that key
// must have been the root at imported_at. Errors wrap [ErrBadSignature]
// or [ErrMalformed].
func (s *RootSet) VerifyReceipt(b []byte) (*Receipt, error) {
	v, err := envelope.NewVerifier(envelope.WithTypes(ReceiptType), envelope.WithKeys(s.Keys()...), envelope.WithoutFreshness())
	if err != nil {
		return nil, fmt.Errorf("%w: root key: %v", ErrKeyMismatch, err)
	}
	e, err := v.Open(b)
	if err != nil {
		return nil, fmt.Errorf("%w: receipt: %w", ErrBadSignature, err)
	}
	var rc Receipt
	if err := e.DecodePayload(&rc); err != nil {
		return nil, fmt.Errorf("%w: receipt: %w", ErrMalformed, err)
	}
	if !uuidRE.MatchString(rc.ReceiptID) || !fpRE.MatchString(rc.LRFingerprint) || rc.To < rc.From ||
		rc.Accepted < 0 || rc.Duplicate < 0 || rc.Rejected < 0 || uint64(rc.Accepted+rc.Duplicate+rc.Rejected) != rc.To-rc.From {
		return nil, fmt.Errorf("%w: receipt fields inconsistent", ErrMalformed)
	}
	cp, err := s.VerifyCheckpoint([]byte(rc.Ledger))
	if err != nil {
		return nil, err
	}
	if want := s.KeyForSize(cp.Size); e.SenderPubkey != want {
		return nil, fmt.Errorf("%w: receipt sealed by %.40s, its ledger checkpoint of size %d by %.40s", ErrBadSignature, e.SenderPubkey, cp.Size, want)
	}
	if !slices.Contains(s.keysAt(rc.ImportedAt), e.SenderPubkey) {
		return nil, fmt.Errorf("%w: receipt imported at %s sealed by %.40s, not the root then", ErrBadSignature, formatRecordTime(rc.ImportedAt), e.SenderPubkey)
	}
	return &rc, nil
}

// VerifyAdmissionCert checks c with the root key that was the root when c
// was issued ([AdmissionCert.Verify] with that key, the Local Registry key
// lrPublicKey and now). A certificate signed by a root for a time it was
// not the root does not verify. Errors are those of [AdmissionCert.Verify].
func (s *RootSet) VerifyAdmissionCert(c *AdmissionCert, lrPublicKey string, now time.Time) error {
	keys := s.keysAt(c.IssuedAt)
	if len(keys) == 0 {
		// Issued before the set's first root became the root: only that
		// root can have signed it, if anything did.
		keys = s.chain.keys[:1]
	}
	var err error
	for _, k := range keys {
		if err = c.Verify(k, lrPublicKey, now); err == nil || !errors.Is(err, ErrBadSignature) {
			return err
		}
	}
	return err
}

// VerifyRevocation checks a revocation with the root key that was the root
// at its revoked_at ([Revocation.Verify] with that key). Errors wrap
// [ErrBadSignature].
func (s *RootSet) VerifyRevocation(v *Revocation) error {
	keys := s.keysAt(v.RevokedAt)
	if len(keys) == 0 {
		keys = s.chain.keys[:1]
	}
	var err error
	for _, k := range keys {
		if err = v.Verify(k); err == nil || !errors.Is(err, ErrBadSignature) {
			return err
		}
	}
	return err
}

// rootSetFile is the trusted root set's form in a Local Registry's
// directory (file root-keys.json): the root it was first given and the
// rotation records it learned, oldest first.
type rootSetFile struct {
	RootKey   string            `json:"root_key" strictjson:"required"`
	Rotations []json.RawMessage `json:"root_rotations" strictjson:"required"`
}

const lrRootsFile = "root-keys.json"

// loadRootSet reads dir's trusted root set; nil if there is none.
func loadRootSet(dir string) (*RootSet, error) {
	b, err := os.ReadFile(filepath.Join(dir, lrRootsFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var f rootSetFile
	if err := decodeStrict(b, &f, false); err != nil {
		return nil, fmt.Errorf("%s: %w", lrRootsFile, err)
	}
	s, err := NewRootSet(f.RootKey)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", lrRootsFile, err)
	}
	for i, raw := range f.Rotations {
		r, err := ParseRootRotation(raw)
		if err == nil {
			err = s.Apply(r)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: rotation %d: %w", lrRootsFile, i, err)
		}
	}
	return s, nil
}

// saveRootSet writes s to dir atomically.
func saveRootSet(dir string, s *RootSet) error {
	b, err := json.Marshal(rootSetFile{RootKey: s.chain.keys[0], Rotations: append([]json.RawMessage{}, s.records...)})
	if err != nil {
		return err
	}
	return writeFileAtomic(dir, lrRootsFile, b)
}

// ReadRootRotations reads what an operator hands a Local Registry: one
// root rotation record, or a JSON array of them (the Global Registry's
// list, [GlobalRegistry.RootRotations]), and returns each record in its RFC
// 8785 form, ready for [LocalRegistry.AddRootRotations]. It checks the JSON
// only; the records are checked when they are learned.
func ReadRootRotations(b []byte) ([][]byte, error) { return readRotationRecords(b) }

// readRotationRecords reads what an operator hands over: one root rotation
// record, or a JSON array of them (the Global Registry's list).
func readRotationRecords(b []byte) ([][]byte, error) {
	b = bytes.TrimSpace(b)
	if !strings.HasPrefix(string(b), "[") {
		b = []byte("[" + string(b) + "]")
	}
	var list []json.RawMessage
	if err := decodeStrict(b, &list, false); err != nil {
		return nil, fmt.Errorf("chp: root rotations: %w", err)
	}
	out := make([][]byte, len(list))
	for i, r := range list {
		// A list may be indented; each record is read in its RFC 8785 form.
		c, err := envelope.CanonicalJSON(r)
		if err != nil {
			return nil, fmt.Errorf("%w: root rotation %d: %v", ErrMalformed, i, err)
		}
		out[i] = c
	}
	return out, nil
}

// RotateRoot replaces the Global Registry's root key with next. It
// appends a [RootRotation] record, signed by the current root and by
// next, to the ledger at its current size; every ledger checkpoint of a
// ledger holding the record, and every certificate and receipt issued
// afterwards, is signed by next. The ledger keeps its origin. Certificates
// and receipts issued before stay valid for verifiers that learn the
// rotation (a [RootSet]). The caller keeps next where the registry will be
// opened with it next time (opening with the old root then fails with
// [ErrKeyRotated]) and hands the record (or [GlobalRegistry.RootRotations])
// to the enclaves. A rotation never returns to a root used before.
func (g *GlobalRegistry) RotateRoot(ctx context.Context, next ed25519.PrivateKey) (*RootRotation, error) {
	if len(next) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("chp: rotate root: key of %d bytes, want %d", len(next), ed25519.PrivateKeySize)
	}
	nid := newRootIdentity(next)
	g.mu.Lock()
	defer g.mu.Unlock()
	old, roots := g.id.Load(), g.roots.Load()
	if roots.Has(nid.pubKey) {
		return nil, fmt.Errorf("%w: %.40s was a root of this ledger before", ErrKeyRotated, nid.pubKey)
	}
	size := g.ledger.Size()
	root, err := g.ledger.TreeHash(size)
	if err != nil {
		return nil, fmt.Errorf("chp: rotate root: %w", err)
	}
	at := g.now().UTC().Truncate(time.Second)
	if last := roots.since[len(roots.since)-1]; at.Before(last) {
		at = last // a clock set back: the rotations stay in order
	}
	rr := &RootRotation{Origin: g.origin, Size: size, Root: b64std(root[:]), OldKey: old.pubKey, NewKey: nid.pubKey, RotatedAt: at}
	if err := signRootRotation(rr, old.signer, nid.signer); err != nil {
		return nil, err
	}
	leaf, err := rr.Marshal()
	if err != nil {
		return nil, err
	}
	nextRoots := roots.clone()
	if err := nextRoots.Apply(rr); err != nil {
		return nil, err
	}
	cs, err := checkpoint.NewSigner(g.origin, next)
	if err != nil {
		return nil, err
	}
	idx, err := g.ledger.AppendSwitchingSigner(ctx, leaf, cs)
	if err != nil {
		return nil, fmt.Errorf("chp: rotate root: ledger append: %w", err)
	}
	if idx != size {
		// Cannot happen while g.mu is held: only imports append.
		return nil, fmt.Errorf("chp: rotate root: record landed at %d, signed for %d", idx, size)
	}
	g.id.Store(nid)
	g.roots.Store(nextRoots)
	g.state.RootRotations = append(g.state.RootRotations, leaf)
	if err := g.saveState(); err != nil {
		// The record is in the ledger; the next open finds it there.
		return nil, fmt.Errorf("chp: rotate root: logged at %d, state not written: %w", idx, err)
	}
	g.logger.Info("chp: Global Registry root rotated", "index", idx, "old", old.pubKey, "new", nid.pubKey)
	return rr, nil
}
