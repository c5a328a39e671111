package chp

import (
	"encoding/json"
	"fmt"
	"regexp"
	"time"

	"github.com/accordsdk/accord/envelope"
)

// AdmissionCert is the sandbox extension's Registry Admission Certificate
// (RAC): the Global Registry's root key vouches for one Local Registry key,
// named by its fingerprint, for a validity period. Instances trust a Local
// Registry only if it presents a RAC that verifies against the GR root
// public key they were given out of band.
//
// Wire form (CHP v1's fields; times RFC 3339 UTC):
//
//	{"rac_id": "<uuid>", "lr_fingerprint": "sha256:<hex>", "issued_by": "GR",
//	 "issued_at": "...", "expires_at": "...", "signature": "ed25519:<base64url>"}
//
// signature is the GR root's Ed25519 signature over the RFC 8785 canonical
// JSON of the other five members.
type AdmissionCert struct {
	RACID         string    `json:"rac_id"`
	LRFingerprint string    `json:"lr_fingerprint"`
	IssuedBy      string    `json:"issued_by"`
	IssuedAt      time.Time `json:"issued_at"`
	ExpiresAt     time.Time `json:"expires_at"`
	Signature     string    `json:"signature"`
}

type racBody struct {
	RACID         string `json:"rac_id" strictjson:"required"`
	LRFingerprint string `json:"lr_fingerprint" strictjson:"required"`
	IssuedBy      string `json:"issued_by" strictjson:"required"`
	IssuedAt      string `json:"issued_at" strictjson:"required"`
	ExpiresAt     string `json:"expires_at" strictjson:"required"`
}

func (c *AdmissionCert) body() racBody {
	return racBody{c.RACID, c.LRFingerprint, c.IssuedBy, formatTime(c.IssuedAt), formatTime(c.ExpiresAt)}
}

// MarshalJSON encodes c with its times in RFC 3339 UTC.
func (c AdmissionCert) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		racBody
		Signature string `json:"signature"`
	}{c.body(), c.Signature})
}

var (
	uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	fpRE   = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)
)

// IssueAdmissionCert is run by the Global Registry: root signs a RAC for
// the Local Registry whose public key is lrPublicKey ("ed25519:z..."),
// valid from issuedAt until expiresAt. issuer names the Global Registry
// ("GR" in CHP v1).
func IssueAdmissionCert(root envelope.Signer, issuer, lrPublicKey string, issuedAt, expiresAt time.Time) (*AdmissionCert, error) {
	pub, err := envelope.ParseEd25519PublicKey(lrPublicKey)
	if err != nil {
		return nil, fmt.Errorf("chp: local registry key: %w", err)
	}
	if issuer == "" {
		return nil, fmt.Errorf("%w: empty issuer", ErrAdmission)
	}
	issuedAt, expiresAt = issuedAt.UTC().Truncate(time.Second), expiresAt.UTC().Truncate(time.Second)
	if !expiresAt.After(issuedAt) {
		return nil, fmt.Errorf("%w: expires_at %s not after issued_at %s", ErrAdmission, expiresAt, issuedAt)
	}
	c := &AdmissionCert{
		RACID:         newUUIDv4(),
		LRFingerprint: envelope.Fingerprint(pub),
		IssuedBy:      issuer,
		IssuedAt:      issuedAt,
		ExpiresAt:     expiresAt,
	}
	if c.Signature, err = signDetached(root, c.body()); err != nil {
		return nil, err
	}
	return c, nil
}

// ParseAdmissionCert decodes a RAC strictly (no unknown or duplicate
// members, every field present and well-formed). It does not verify it.
func ParseAdmissionCert(b []byte) (*AdmissionCert, error) {
	var raw struct {
		racBody
		Signature string `json:"signature" strictjson:"required"`
	}
	if err := decodeStrict(b, &raw, false); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrAdmission, err)
	}
	c := &AdmissionCert{RACID: raw.RACID, LRFingerprint: raw.LRFingerprint, IssuedBy: raw.IssuedBy, Signature: raw.Signature}
	if !uuidRE.MatchString(c.RACID) || !fpRE.MatchString(c.LRFingerprint) || c.IssuedBy == "" || c.Signature == "" {
		return nil, fmt.Errorf("%w: rac_id, lr_fingerprint, issued_by or signature missing or malformed", ErrAdmission)
	}
	var err error
	if c.IssuedAt, err = time.Parse(time.RFC3339, raw.IssuedAt); err != nil {
		return nil, fmt.Errorf("%w: issued_at %q", ErrAdmission, raw.IssuedAt)
	}
	if c.ExpiresAt, err = time.Parse(time.RFC3339, raw.ExpiresAt); err != nil {
		return nil, fmt.Errorf("%w: expires_at %q", ErrAdmission, raw.ExpiresAt)
	}
	c.IssuedAt, c.ExpiresAt = c.IssuedAt.UTC(), c.ExpiresAt.UTC()
	return c, nil
}

// Verify checks that c is signed by the GR root key rootKey
// ("ed25519:z..."), that it admits the Local Registry key lrPublicKey, and
// that now lies in [issued_at, expires_at). It needs nothing but the root
// public key, so an instance can run it offline. Errors wrap
// [ErrAdmission], [ErrBadSignature], [ErrKeyMismatch] or [ErrExpired].
func (c *AdmissionCert) Verify(rootKey, lrPublicKey string, now time.Time) error {
	root, err := envelope.ParseEd25519PublicKey(rootKey)
	if err != nil {
		return fmt.Errorf("%w: root key: %v", ErrAdmission, err)
	}
	if err := verifyDetached(root, c.body(), c.Signature); err != nil {
		return fmt.Errorf("%w: rac %s: %w", ErrAdmission, c.RACID, err)
	}
	lr, err := envelope.ParseEd25519PublicKey(lrPublicKey)
	if err != nil {
		return fmt.Errorf("%w: local registry key: %v", ErrKeyMismatch, err)
	}
	if got := envelope.Fingerprint(lr); got != c.LRFingerprint {
		return fmt.Errorf("%w: rac %s admits %s, registry key is %s", ErrKeyMismatch, c.RACID, c.LRFingerprint, got)
	}
	if now.Before(c.IssuedAt) || !now.Before(c.ExpiresAt) {
		return fmt.Errorf("%w: rac %s valid %s to %s, now %s", ErrExpired, c.RACID,
			formatTime(c.IssuedAt), formatTime(c.ExpiresAt), formatTime(now))
	}
	return nil
}
