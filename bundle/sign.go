package bundle

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/accordsdk/accord/envelope"
	"github.com/zeebo/blake3"
	"golang.org/x/mod/sumdb/tlog"
)

// SignatureType is the envelope type of signatures/manifest.sig.
const SignatureType = "accord/bundle-manifest"

// SignedManifest is the payload of signatures/manifest.sig: the blake3
// digests of bundle.json and manifest.json, and the Merkle root and count of
// the members. Kept with a [MemberProof], it lets anyone holding the signer's
// key check later that one member was in the bundle (see [OpenSignature]).
type SignedManifest struct {
	BundleDigest   envelope.Digest `json:"bundle_digest"`
	ManifestDigest envelope.Digest `json:"manifest_digest"`
	MerkleRoot     tlog.Hash       `json:"merkle_root"`
	MemberCount    int64           `json:"member_count"`

	Signer   string    `json:"-"` // the envelope's sender_pubkey
	SignedAt time.Time `json:"-"` // the envelope's timestamp
}

// seal signs p as the manifest signature. The nonce is derived from the
// payload and timestamp, so that equal builds give equal bytes; the envelope
// is a stored document, verified without a replay cache.
func seal(s envelope.Signer, p *SignedManifest, at time.Time) ([]byte, error) {
	var opts []envelope.SealOption
	if !at.IsZero() {
		opts = append(opts, envelope.WithTimestamp(at))
	}
	h := blake3.New()
	fmt.Fprintf(h, "accord bundle manifest nonce\n%s\n%s\n%s\n%d\n%s\n%d\n",
		p.BundleDigest, p.ManifestDigest, p.MerkleRoot, p.MemberCount, s.PublicKey(), at.Unix())
	opts = append(opts, envelope.WithNonce(h.Sum(nil)[:envelope.NonceSize]))
	sig, err := envelope.Seal(s, SignatureType, p, opts...)
	if err != nil {
		return nil, fmt.Errorf("bundle: signing manifest: %w", err)
	}
	return sig, nil
}

// OpenSignature verifies sig, the bytes of signatures/manifest.sig (or
// [Manifest.Signature]), against pubkey and returns its payload. The error
// wraps [ErrWrongKey] if another key signed it and [ErrBadSignature] if it is
// malformed or does not verify.
func OpenSignature(sig []byte, pubkey string) (*SignedManifest, error) {
	v, err := signatureVerifier(pubkey)
	if err != nil {
		return nil, err
	}
	return openSignature(v, sig)
}

// signatureVerifier returns a verifier of manifest signatures by pubkey.
func signatureVerifier(pubkey string) (*envelope.Verifier, error) {
	v, err := envelope.NewVerifier(envelope.WithTypes(SignatureType), envelope.WithKeys(pubkey), envelope.WithoutFreshness())
	if err != nil {
		return nil, fmt.Errorf("bundle: pinned key %q: %w", pubkey, err)
	}
	return v, nil
}

func openSignature(v *envelope.Verifier, sig []byte) (*SignedManifest, error) {
	e, err := v.Open(sig)
	if errors.Is(err, envelope.ErrUnknownKey) {
		return nil, fmt.Errorf("%w: %w", ErrWrongKey, err)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadSignature, err)
	}
	var p SignedManifest
	if err := e.DecodePayload(&p); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadSignature, err)
	}
	if p.BundleDigest.Algorithm() != "blake3" || p.ManifestDigest.Algorithm() != "blake3" || p.MemberCount < 0 {
		return nil, fmt.Errorf("%w: payload digests %s, %s and count %d, want blake3 digests and a count >= 0",
			ErrBadSignature, p.BundleDigest, p.ManifestDigest, p.MemberCount)
	}
	p.Signer, p.SignedAt = e.SenderPubkey, e.Time()
	return &p, nil
}

// keyFingerprint returns the call-home fingerprint ("sha256:<hex>" of the
// raw key) of an Ed25519 key string, and "" for other kinds of key.
func keyFingerprint(pubkey string) string {
	if !strings.HasPrefix(pubkey, "ed25519:") {
		return ""
	}
	pub, err := envelope.ParseEd25519PublicKey(pubkey)
	if err != nil {
		return ""
	}
	return envelope.Fingerprint(pub)
}

// digestOf returns the blake3 Digest of a 32-byte sum.
func digestOf(sum [32]byte) envelope.Digest {
	d, err := envelope.NewDigest("blake3", sum[:])
	if err != nil {
		// NewDigest fails only for another algorithm or length.
		panic(err)
	}
	return d
}
