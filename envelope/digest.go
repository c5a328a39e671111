package envelope

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/zeebo/blake3"
)

// A Digest is a 32-byte content digest with its algorithm, written
// "blake3:<64 hex>" or "sha256:<64 hex>". The zero Digest is not valid.
type Digest struct {
	alg string // "blake3" or "sha256"
	sum [32]byte
}

// Blake3 returns the BLAKE3-256 digest of b.
func Blake3(b []byte) Digest { return Digest{alg: "blake3", sum: blake3.Sum256(b)} }

// SHA256 returns the SHA-256 digest of b.
func SHA256(b []byte) Digest { return Digest{alg: "sha256", sum: sha256.Sum256(b)} }

// NewDigest returns the digest with algorithm alg ("blake3" or "sha256") and
// the given 32-byte sum.
func NewDigest(alg string, sum []byte) (Digest, error) {
	if alg != "blake3" && alg != "sha256" {
		return Digest{}, fmt.Errorf("%w: digest algorithm %q, want blake3 or sha256", ErrUnsupported, alg)
	}
	if len(sum) != 32 {
		return Digest{}, fmt.Errorf("%w: digest of %d bytes, want 32", ErrMalformed, len(sum))
	}
	return Digest{alg: alg, sum: [32]byte(sum)}, nil
}

// ParseDigest parses "blake3:<64 hex>" or "sha256:<64 hex>". Hex digits must
// be lowercase, so each digest has one spelling.
func ParseDigest(s string) (Digest, error) {
	alg, h, ok := strings.Cut(s, ":")
	if !ok {
		return Digest{}, fmt.Errorf("%w: digest %.80q: want <alg>:<64 hex>", ErrMalformed, s)
	}
	if alg != "blake3" && alg != "sha256" {
		return Digest{}, fmt.Errorf("%w: digest algorithm %.20q, want blake3 or sha256", ErrUnsupported, alg)
	}
	if len(h) != 64 || strings.ToLower(h) != h {
		return Digest{}, fmt.Errorf("%w: digest %.80q: want 64 lowercase hex digits", ErrMalformed, s)
	}
	var d Digest
	if _, err := hex.Decode(d.sum[:], []byte(h)); err != nil {
		return Digest{}, fmt.Errorf("%w: digest %.80q: %v", ErrMalformed, s, err)
	}
	d.alg = alg
	return d, nil
}

// Algorithm returns "blake3" or "sha256", or "" for the zero Digest.
func (d Digest) Algorithm() string { return d.alg }

// Sum returns the 32 digest bytes.
func (d Digest) Sum() [32]byte { return d.sum }

// IsZero reports whether d is the zero Digest.
func (d Digest) IsZero() bool { return d.alg == "" }

// String returns "<alg>:<64 hex>".
func (d Digest) String() string {
	if d.alg == "" {
		return ""
	}
	return d.alg + ":" + hex.EncodeToString(d.sum[:])
}

// Equal reports whether d and o have the same algorithm and sum, comparing
// the sums in constant time.
func (d Digest) Equal(o Digest) bool {
	same := subtle.ConstantTimeCompare(d.sum[:], o.sum[:]) == 1
	return same && d.alg == o.alg && d.alg != ""
}

// MarshalText implements [encoding.TextMarshaler].
func (d Digest) MarshalText() ([]byte, error) {
	if d.alg == "" {
		return nil, fmt.Errorf("%w: zero digest", ErrMalformed)
	}
	return []byte(d.String()), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler].
func (d *Digest) UnmarshalText(b []byte) error {
	p, err := ParseDigest(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}
