package chp

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/accordsdk/accord/envelope"
)

// ErrRevoked: an admission certificate was revoked by the Global Registry
// that issued it. The concrete error is a *[RevokedError].
var ErrRevoked = errors.New("chp: admission certificate revoked")

// Revocation is the Global Registry's revocation of an admission
// certificate ([AdmissionCert]), signed by its root key. It is carried into
// the enclave like the certificate and installed in the Local Registry
// ([LocalRegistry.InstallRevocation]), which appends it to its log; the
// Global Registry appends it to its ledger when it issues it
// ([GlobalRegistry.Revoke]).
//
// A revocation withdraws the Global Registry's word for the registry from
// revoked_at on: it revokes the certificate rac_id and every other
// certificate of the same registry issued before revoked_at, so that no
// older certificate undoes it. A certificate issued at or after revoked_at
// admits the registry again.
//
// Its wire form, which is also its log form, is the RFC 8785 form of
//
//	{"issued_by":"GR","lr_fingerprint":"sha256:<hex>","rac_id":"<uuid>",
//	 "reason":"...","revoked_at":"<RFC 3339 UTC>","signature":"ed25519:<base64url>",
//	 "type":"chp/rac-revocation"}
//
// where signature is the root key's Ed25519 signature over the RFC 8785
// form of the object without signature, rac_id and lr_fingerprint are
// those of the certificate revoked, and reason is 1 to 1024 bytes.
type Revocation struct {
	RACID         string    // the certificate revoked
	LRFingerprint string    // the registry it admitted
	IssuedBy      string    // the Global Registry's name
	RevokedAt     time.Time // the Global Registry's clock, whole seconds
	Reason        string    // the Global Registry operator's words
	Signature     string
}

type revocationBody struct {
	Type          string `json:"type" strictjson:"required"`
	RACID         string `json:"rac_id" strictjson:"required"`
	LRFingerprint string `json:"lr_fingerprint" strictjson:"required"`
	IssuedBy      string `json:"issued_by" strictjson:"required"`
	RevokedAt     string `json:"revoked_at" strictjson:"required"`
	Reason        string `json:"reason" strictjson:"required"`
}

func (v *Revocation) body() revocationBody {
	return revocationBody{RevocationType, v.RACID, v.LRFingerprint, v.IssuedBy, formatRecordTime(v.RevokedAt), v.Reason}
}

// Marshal returns the revocation's wire and log form (RFC 8785).
func (v *Revocation) Marshal() ([]byte, error) {
	return canonical(struct {
		revocationBody
		Signature string `json:"signature"`
	}{v.body(), v.Signature})
}

// MarshalJSON encodes v in its wire form.
func (v Revocation) MarshalJSON() ([]byte, error) { return v.Marshal() }

// UnmarshalJSON decodes v's wire form with [ParseRevocation].
func (v *Revocation) UnmarshalJSON(b []byte) error {
	p, err := ParseRevocation(b)
	if err != nil {
		return err
	}
	*v = *p
	return nil
}

// IssueRevocation is run by the Global Registry: root signs the
// revocation of certificate c at revokedAt (truncated to whole seconds)
// for reason. issuer names the Global Registry.
func IssueRevocation(root envelope.Signer, issuer string, c *AdmissionCert, reason string, revokedAt time.Time) (*Revocation, error) {
	v := &Revocation{RACID: c.RACID, LRFingerprint: c.LRFingerprint, IssuedBy: issuer,
		RevokedAt: revokedAt.UTC().Truncate(time.Second), Reason: reason}
	if err := v.check(); err != nil {
		return nil, err
	}
	var err error
	if v.Signature, err = signDetached(root, v.body()); err != nil {
		return nil, err
	}
	return v, nil
}

// check validates the members other than the signature.
func (v *Revocation) check() error {
	switch {
	case !uuidRE.MatchString(v.RACID):
		return fmt.Errorf("%w: revocation rac_id %.60q is not a UUID", ErrMalformed, v.RACID)
	case !fpRE.MatchString(v.LRFingerprint):
		return fmt.Errorf("%w: revocation lr_fingerprint %.80q is not sha256:<hex>", ErrMalformed, v.LRFingerprint)
	case v.IssuedBy == "" || len(v.IssuedBy) > maxReason:
		return fmt.Errorf("%w: revocation issued_by of %d bytes, want 1 to %d", ErrMalformed, len(v.IssuedBy), maxReason)
	case len(v.Reason) == 0 || len(v.Reason) > maxReason:
		return fmt.Errorf("%w: revocation reason of %d bytes, want 1 to %d", ErrMalformed, len(v.Reason), maxReason)
	}
	return nil
}

// ParseRevocation decodes a revocation strictly (every member present and
// well-formed, nothing else). White space and member order are free here,
// as in a file carried by hand; a log or ledger record must be in the RFC
// 8785 form exactly. It does not verify the signature; see
// [Revocation.Verify]. Errors wrap [ErrMalformed] or [ErrDuplicateKey].
func ParseRevocation(b []byte) (*Revocation, error) {
	var raw struct {
		revocationBody
		Signature string `json:"signature" strictjson:"required"`
	}
	if err := decodeStrict(b, &raw, false); err != nil {
		return nil, fmt.Errorf("chp: revocation: %w", err)
	}
	if raw.Type != RevocationType {
		return nil, fmt.Errorf("%w: revocation of type %q", ErrMalformed, raw.Type)
	}
	t, err := parseRecordTime("revoked_at", raw.RevokedAt)
	if err != nil {
		return nil, err
	}
	v := &Revocation{RACID: raw.RACID, LRFingerprint: raw.LRFingerprint, IssuedBy: raw.IssuedBy, RevokedAt: t,
		Reason: raw.Reason, Signature: raw.Signature}
	if err := v.check(); err != nil {
		return nil, err
	}
	if v.Signature == "" {
		return nil, fmt.Errorf("%w: revocation without signature", ErrMalformed)
	}
	return v, nil
}

// parseRevocationRecord reads a revocation as a log or ledger record: in
// its RFC 8785 form exactly.
func parseRevocationRecord(b []byte) (*Revocation, error) {
	v, err := ParseRevocation(b)
	if err != nil {
		return nil, err
	}
	if again, err := v.Marshal(); err != nil || !bytes.Equal(again, b) {
		return nil, fmt.Errorf("%w: revocation record is not in its RFC 8785 form", ErrMalformed)
	}
	return v, nil
}

// Verify checks v's signature by the Global Registry root key rootKey
// ("ed25519:z..."). Errors wrap [ErrBadSignature] or [ErrAdmission].
func (v *Revocation) Verify(rootKey string) error {
	root, err := envelope.ParseEd25519PublicKey(rootKey)
	if err != nil {
		return fmt.Errorf("%w: root key: %v", ErrAdmission, err)
	}
	if err := verifyDetached(root, v.body(), v.Signature); err != nil {
		return fmt.Errorf("chp: revocation of rac %s: %w", v.RACID, err)
	}
	return nil
}

// Covers reports whether v revokes certificate c: c is the certificate v
// names, or another certificate of the same registry issued before
// revoked_at. (The registry's keys along its log are one registry: the
// caller checks that both name a key of it.)
func (v *Revocation) Covers(c *AdmissionCert) bool {
	return canonicalID(v.RACID) == canonicalID(c.RACID) || c.IssuedAt.Before(v.RevokedAt)
}

// RevokedError is [ErrRevoked] with its evidence: the certificate refused
// and the revocation that covers it, with that revocation's index in the
// log that holds it (a Local Registry's log or the Global Registry's
// ledger, named by Where; empty when an instance read it from a
// registry's info).
type RevokedError struct {
	RACID      string      // the certificate refused
	Revocation *Revocation // the revocation covering it
	Where      string      // "log", "ledger" or ""
	Index      uint64      // the revocation's record index there
}

func (e *RevokedError) Error() string {
	v := e.Revocation
	where := ""
	if e.Where != "" {
		where = fmt.Sprintf(" (%s record %d)", e.Where, e.Index)
	}
	return fmt.Sprintf("chp: admission certificate %s revoked: revocation of rac %s by %s at %s%s: %s",
		e.RACID, v.RACID, v.IssuedBy, formatRecordTime(v.RevokedAt), where, v.Reason)
}

// Is reports [ErrRevoked], and [ErrAdmission]: a revoked certificate is
// not valid.
func (e *RevokedError) Is(target error) bool { return target == ErrRevoked || target == ErrAdmission }

// RevocationEntry is a revocation with the index of its record in the log
// that holds it: a Local Registry's log ([LocalRegistry.Revocations]) or
// the Global Registry's ledger ([GlobalRegistry.Revocations]).
type RevocationEntry struct {
	Index      uint64          `json:"index"`
	Revocation json.RawMessage `json:"revocation"` // the signed revocation in its RFC 8785 form
}

// revocationFor returns the first entry of es whose revocation covers c.
func revocationFor(es []RevocationEntry, c *AdmissionCert) (*Revocation, uint64) {
	for _, e := range es {
		if v, err := parseRevocationRecord(e.Revocation); err == nil && v.Covers(c) {
			return v, e.Index
		}
	}
	return nil, 0
}

// ---- Local Registry ----

// InstallRevocation takes in a revocation carried into the enclave: it
// verifies it with the Global Registry root that was current at its
// revoked_at (the root of [WithRootKey], or one the registry learned from
// a root rotation), checks that it names a key of this registry, and appends it to the log
// (durable before it takes effect), where it travels to the Global
// Registry with the next export. Installing a revocation the registry
// holds already returns the entry logged before.
//
// From then on the registry refuses to install any certificate the
// revocation covers ([Revocation.Covers]). If it covers the installed
// certificate, the registry no longer claims admission: GET /registry/info
// presents the revocation (rac_revocation) instead of the certificate,
// GET /hud/status.json says repairing with the revocation, heartbeat
// answers carry X-CHP-Admission: revoked, and [LocalRegistry.Export]
// refuses until a new certificate is installed. Heartbeats are still
// taken, logged and acknowledged: the log stays the record of what the
// instances said.
func (r *LocalRegistry) InstallRevocation(ctx context.Context, v *Revocation) (*RevocationEntry, error) {
	roots := r.rootSet()
	if roots == nil {
		return nil, fmt.Errorf("%w: no root key configured (WithRootKey): a revocation is verified with it", ErrAdmission)
	}
	if err := roots.VerifyRevocation(v); err != nil {
		return nil, err
	}
	leaf, err := v.Marshal()
	if err != nil {
		return nil, err
	}
	r.adminMu.Lock()
	defer r.adminMu.Unlock()
	r.mu.Lock()
	closed, ours := r.closed, r.fps[v.LRFingerprint]
	var held *RevocationEntry
	for _, e := range r.revocations {
		if old, err := parseRevocationRecord(e.Revocation); err == nil && canonicalID(old.RACID) == canonicalID(v.RACID) {
			held = &e
			break
		}
	}
	r.mu.Unlock()
	if closed {
		return nil, ErrClosed
	}
	if !ours {
		return nil, fmt.Errorf("%w: revocation of rac %s for %s, a key this registry never had", ErrKeyMismatch, v.RACID, v.LRFingerprint)
	}
	if held != nil {
		return held, nil
	}
	r.appendMu.RLock()
	idx, err := r.log.Append(ctx, leaf)
	r.appendMu.RUnlock()
	if err != nil {
		return nil, fmt.Errorf("chp: revocation: log append: %w", err)
	}
	e := RevocationEntry{Index: idx, Revocation: leaf}
	r.mu.Lock()
	r.revocations = append(r.revocations, e)
	revoked := r.rac != nil && v.Covers(r.rac)
	r.racRevoked.Store(r.rac != nil && r.revokedLocked(r.rac) != nil)
	r.mu.Unlock()
	if revoked {
		r.logger.Warn("chp: the registry's admission certificate is revoked; install a new one", "rac_id", v.RACID,
			"revoked_at", formatRecordTime(v.RevokedAt), "reason", v.Reason, "index", idx)
	} else {
		r.logger.Info("chp: revocation installed", "rac_id", v.RACID, "index", idx)
	}
	return &e, nil
}

// Revocations returns the revocations the registry holds, in log order.
func (r *LocalRegistry) Revocations() []RevocationEntry {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.revocations)
}

// Revoked returns the revocation that covers the installed admission
// certificate, or nil if there is none (or no certificate).
func (r *LocalRegistry) Revoked() *RevokedError {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.rac == nil {
		return nil
	}
	return r.revokedLocked(r.rac)
}

// revokedLocked returns the revocation held that covers c; r.mu is held.
func (r *LocalRegistry) revokedLocked(c *AdmissionCert) *RevokedError {
	if v, idx := revocationFor(r.revocations, c); v != nil {
		return &RevokedError{RACID: c.RACID, Revocation: v, Where: "log", Index: idx}
	}
	return nil
}

// ---- Global Registry ----

// Revoke revokes admission certificate racID, one this Global Registry
// issued, for reason (1 to 1024 bytes): it signs a [Revocation] with the
// root key, appends it to the ledger (so that the revocation is public and
// audited like every record) and from then on refuses the bundles of the
// registry that carry a certificate it covers. Carry the revocation's
// wire form ([Revocation.Marshal]) into the enclave and install it there
// ([LocalRegistry.InstallRevocation]). An unknown certificate is
// [ErrNotFound]; one revoked before is a *[RevokedError].
func (g *GlobalRegistry) Revoke(ctx context.Context, racID, reason string) (*Revocation, *RevocationEntry, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	var lr *lrState
	var rac *AdmissionCert
	for _, l := range g.state.Registries {
		for i := range l.RACs {
			if canonicalID(l.RACs[i].RACID) == canonicalID(racID) {
				lr, rac = l, &l.RACs[i]
			}
		}
	}
	if rac == nil {
		return nil, nil, fmt.Errorf("%w: no admission certificate %q was issued by this Global Registry", ErrNotFound, racID)
	}
	for _, e := range lr.Revocations {
		if v, err := parseRevocationRecord(e.Revocation); err == nil && canonicalID(v.RACID) == canonicalID(racID) {
			return nil, nil, &RevokedError{RACID: rac.RACID, Revocation: v, Where: "ledger", Index: e.Index}
		}
	}
	v, err := IssueRevocation(g.id.Load().signer, g.name, rac, reason, g.now())
	if err != nil {
		return nil, nil, err
	}
	leaf, err := v.Marshal()
	if err != nil {
		return nil, nil, err
	}
	idx, err := g.ledger.Append(ctx, leaf)
	if err != nil {
		return nil, nil, fmt.Errorf("chp: revoke: ledger append: %w", err)
	}
	e := RevocationEntry{Index: idx, Revocation: leaf}
	lr.Revocations = append(lr.Revocations, e)
	if err := g.saveState(); err != nil {
		// The ledger holds the revocation: the next open reconciles the
		// state with it.
		return nil, nil, err
	}
	g.logger.Info("chp: admission certificate revoked", "rac_id", rac.RACID, "lr", rac.LRFingerprint, "ledger_index", idx, "reason", reason)
	return v, &e, nil
}

// Revocations returns every revocation the Global Registry issued, in
// ledger order.
func (g *GlobalRegistry) Revocations() []RevocationEntry {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := []RevocationEntry{}
	for _, lr := range g.state.Registries {
		out = append(out, lr.Revocations...)
	}
	slices.SortFunc(out, func(a, b RevocationEntry) int { return cmp.Compare(a.Index, b.Index) })
	return out
}

// reconcileRevocation puts a revocation found in the ledger after the
// state was written (a crash between the two) into the state.
func (g *GlobalRegistry) reconcileRevocation(i uint64, leaf []byte) error {
	v, err := parseRevocationRecord(leaf)
	if err != nil {
		return err
	}
	// The registry that holds the certificate (one admitted under an
	// earlier key holds the certificates of the keys it rotated to).
	var lr *lrState
	for _, l := range g.state.Registries {
		for _, c := range l.RACs {
			if canonicalID(c.RACID) == canonicalID(v.RACID) {
				lr = l
			}
		}
	}
	if lr == nil {
		return fmt.Errorf("revocation of rac %s, a certificate the state does not know", v.RACID)
	}
	for _, e := range lr.Revocations {
		if e.Index == i {
			return nil
		}
	}
	lr.Revocations = append(lr.Revocations, RevocationEntry{Index: i, Revocation: bytes.Clone(leaf)})
	return nil
}

// validity returns the periods in which the Global Registry vouched for a
// registry: each certificate's [issued_at, expires_at), cut at the
// earliest revocation covering it.
func (lr *lrState) validity() [][2]time.Time {
	var out [][2]time.Time
	for i := range lr.RACs {
		c := &lr.RACs[i]
		end := c.ExpiresAt
		for _, e := range lr.Revocations {
			if v, err := parseRevocationRecord(e.Revocation); err == nil && v.Covers(c) && v.RevokedAt.Before(end) {
				end = v.RevokedAt
			}
		}
		if c.IssuedAt.Before(end) {
			out = append(out, [2]time.Time{c.IssuedAt, end})
		}
	}
	return out
}
