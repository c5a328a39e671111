package bundle

// INTERIM: this file stands in for the envelope package until it is merged;
// it is replaced by calls to envelope.Seal and envelope.Verifier.

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// SignatureType is the envelope type of signatures/manifest.sig.
const SignatureType = "accord/bundle-manifest"

// Signer signs manifests (interim copy of envelope.Signer).
type Signer interface {
	Algorithm() string
	PublicKey() string
	Sign(message []byte) ([]byte, error)
}

// Digest is a blake3 digest (interim).
type Digest [32]byte

func (d Digest) String() string { return "blake3:" + hex.EncodeToString(d[:]) }

// MarshalText implements encoding.TextMarshaler.
func (d Digest) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Digest) UnmarshalText(b []byte) error {
	h, ok := strings.CutPrefix(string(b), "blake3:")
	if !ok || len(h) != 64 {
		return errors.New("bad digest")
	}
	_, err := hex.Decode(d[:], []byte(h))
	return err
}

// signedManifest is the payload of signatures/manifest.sig.
type signedManifest struct {
	Bundle   string    `json:"bundle_digest"`
	Manifest string    `json:"manifest_digest"`
	Root     tlog.Hash `json:"merkle_root"`
	Count    int64     `json:"member_count"`
}

type interimEnvelope struct {
	Type      string          `json:"type"`
	Key       string          `json:"sender_pubkey"`
	Timestamp int64           `json:"timestamp"`
	Payload   json.RawMessage `json:"payload"`
	Signature string          `json:"signature"`
}

func sealManifest(s Signer, p signedManifest, at time.Time) ([]byte, error) {
	payload, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	e := interimEnvelope{Type: SignatureType, Key: s.PublicKey(), Timestamp: at.Unix(), Payload: payload}
	msg, _ := json.Marshal(e)
	sig, err := s.Sign(msg)
	if err != nil {
		return nil, fmt.Errorf("bundle: signing manifest: %w", err)
	}
	e.Signature = base64.RawURLEncoding.EncodeToString(sig)
	return json.Marshal(e)
}

func openManifest(b []byte, pubkey string) (signedManifest, error) {
	var e interimEnvelope
	if err := json.Unmarshal(b, &e); err != nil {
		return signedManifest{}, fmt.Errorf("%w: %w", ErrBadSignature, err)
	}
	if e.Key != pubkey {
		return signedManifest{}, fmt.Errorf("%w: signed by %s, want %s", ErrWrongKey, e.Key, pubkey)
	}
	pub, err := parseKey(pubkey)
	if err != nil {
		return signedManifest{}, err
	}
	sig, err := base64.RawURLEncoding.DecodeString(e.Signature)
	if err != nil {
		return signedManifest{}, fmt.Errorf("%w: %w", ErrBadSignature, err)
	}
	e.Signature = ""
	msg, _ := json.Marshal(e)
	if !ed25519.Verify(pub, msg, sig) || e.Type != SignatureType {
		return signedManifest{}, ErrBadSignature
	}
	var p signedManifest
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		return signedManifest{}, fmt.Errorf("%w: %w", ErrBadSignature, err)
	}
	return p, nil
}

func parseKey(pubkey string) (ed25519.PublicKey, error) {
	h, ok := strings.CutPrefix(pubkey, "ed25519:")
	b, err := hex.DecodeString(h)
	if !ok || err != nil || len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("bundle: public key %q", pubkey)
	}
	return b, nil
}

func keyFingerprint(pubkey string) (string, error) {
	pub, err := parseKey(pubkey)
	if err != nil {
		return "", err
	}
	s := sha256.Sum256(pub)
	return "sha256:" + hex.EncodeToString(s[:]), nil
}
