package envelope

import (
	"crypto"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"hash"
	"strings"
	"sync"

	"github.com/cloudflare/circl/sign/mldsa/mldsa65"
)

// Algorithm names, the values of the envelope's "alg" member.
const (
	AlgEd25519    = "ed25519"
	AlgHMACSHA256 = "hmac-sha256"
	AlgMLDSA65    = "ml-dsa-65"
	AlgHybrid     = "ed25519+ml-dsa-65" // both signatures, both must verify
)

// signatureSize returns the signature length of alg, or 0 if alg is unknown.
func signatureSize(alg string) int {
	switch alg {
	case AlgEd25519:
		return ed25519.SignatureSize
	case AlgHMACSHA256:
		return sha256.Size
	case AlgMLDSA65:
		return mldsa65.SignatureSize
	case AlgHybrid:
		return ed25519.SignatureSize + mldsa65.SignatureSize
	}
	return 0
}

// A Signer signs envelopes. Implementations must be safe for concurrent use.
type Signer interface {
	// Algorithm returns the envelope algorithm: "ed25519", "hmac-sha256",
	// "ml-dsa-65" or "ed25519+ml-dsa-65".
	Algorithm() string
	// PublicKey returns the sender_pubkey string, for example "ed25519:z6Mk...".
	PublicKey() string
	// Sign signs message, the exact bytes [SigningBytes] returns.
	Sign(message []byte) ([]byte, error)
}

type ed25519Signer struct {
	priv ed25519.PrivateKey
	pub  string
}

// NewEd25519Signer returns a [Signer] for the Ed25519 key priv.
func NewEd25519Signer(priv ed25519.PrivateKey) Signer {
	return &ed25519Signer{priv: priv, pub: FormatEd25519PublicKey(priv.Public().(ed25519.PublicKey))}
}

func (s *ed25519Signer) Algorithm() string { return AlgEd25519 }
func (s *ed25519Signer) PublicKey() string { return s.pub }
func (s *ed25519Signer) Sign(message []byte) ([]byte, error) {
	return ed25519.Sign(s.priv, message), nil
}

type hmacSigner struct {
	key *hmacKey
	id  string
}

// hmacKey is an HMAC-SHA256 secret with a pool of keyed hashes: a keyed
// hash, once reset, restores its precomputed inner and outer pad states, so
// each message costs only the hashing of the message itself.
type hmacKey struct {
	secret []byte
	pool   sync.Pool // of *hmacState
}

// hmacState is one keyed hash with room for its output.
type hmacState struct {
	h   hash.Hash
	out [sha256.Size]byte
}

func newHMACKey(secret []byte) *hmacKey {
	k := &hmacKey{secret: append([]byte(nil), secret...)}
	k.pool.New = func() any { return &hmacState{h: hmac.New(sha256.New, k.secret)} }
	return k
}

// sum writes HMAC-SHA256(secret, msg) into out.
func (k *hmacKey) sum(out *[sha256.Size]byte, msg []byte) {
	st := k.pool.Get().(*hmacState)
	st.h.Write(msg)
	st.h.Sum(st.out[:0])
	*out = st.out
	st.h.Reset()
	k.pool.Put(st)
}

// verify reports whether mac is HMAC-SHA256(secret, msg), in constant time.
func (k *hmacKey) verify(msg, mac []byte) bool {
	var sum [sha256.Size]byte
	k.sum(&sum, msg)
	return hmac.Equal(sum[:], mac)
}

// MinHMACKeySize is the shortest shared secret [NewHMACSigner] and
// [WithHMACKey] accept.
const MinHMACKeySize = 32

// NewHMACSigner returns a [Signer] that authenticates with HMAC-SHA256 under
// a shared secret of at least [MinHMACKeySize] bytes. Its sender_pubkey is
// "hmac:<keyID>"; keyID is 1 to 64 characters from [A-Za-z0-9._-]. Anyone
// holding the secret can sign, so HMAC suits traffic among the members of one
// group (a swarm), never between organisations.
func NewHMACSigner(keyID string, secret []byte) (Signer, error) {
	if err := checkHMACKey(keyID, secret); err != nil {
		return nil, err
	}
	return &hmacSigner{key: newHMACKey(secret), id: PrefixHMAC + keyID}, nil
}

func checkHMACKey(keyID string, secret []byte) error {
	if len(secret) < MinHMACKeySize {
		return fmt.Errorf("hmac key %q: secret of %d bytes, want at least %d", keyID, len(secret), MinHMACKeySize)
	}
	if len(keyID) == 0 || len(keyID) > 64 {
		return fmt.Errorf("hmac key id of %d characters, want 1 to 64", len(keyID))
	}
	for i := 0; i < len(keyID); i++ {
		c := keyID[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return fmt.Errorf("hmac key id %q: character %q, want [A-Za-z0-9._-]", keyID, c)
		}
	}
	return nil
}

func (s *hmacSigner) Algorithm() string { return AlgHMACSHA256 }
func (s *hmacSigner) PublicKey() string { return s.id }
func (s *hmacSigner) Sign(message []byte) ([]byte, error) {
	sig := new([sha256.Size]byte)
	s.key.sum(sig, message)
	return sig[:], nil
}

type mldsaSigner struct {
	priv *mldsa65.PrivateKey
	pub  string
}

// NewMLDSA65Signer returns a [Signer] for the ML-DSA-65 (FIPS 204) key priv.
// Signatures are hedged (randomized) and use the empty context string.
func NewMLDSA65Signer(priv *mldsa65.PrivateKey) Signer {
	return &mldsaSigner{priv: priv, pub: FormatMLDSA65PublicKey(priv.Public().(*mldsa65.PublicKey))}
}

func (s *mldsaSigner) Algorithm() string { return AlgMLDSA65 }
func (s *mldsaSigner) PublicKey() string { return s.pub }
func (s *mldsaSigner) Sign(message []byte) ([]byte, error) {
	sig := make([]byte, mldsa65.SignatureSize)
	if err := mldsa65.SignTo(s.priv, message, nil, true, sig); err != nil {
		return nil, fmt.Errorf("ml-dsa-65 sign: %w", err)
	}
	return sig, nil
}

type hybridSigner struct {
	ed, ml Signer
	pub    string
}

// NewHybridSigner returns a [Signer] for "ed25519+ml-dsa-65": each envelope
// carries an Ed25519 signature followed by an ML-DSA-65 signature over the
// same bytes, and a verifier requires both. Its sender_pubkey is the two key
// strings joined by "+".
func NewHybridSigner(ed, ml Signer) (Signer, error) {
	if ed.Algorithm() != AlgEd25519 || ml.Algorithm() != AlgMLDSA65 {
		return nil, fmt.Errorf("hybrid signer from %q and %q, want %q and %q",
			ed.Algorithm(), ml.Algorithm(), AlgEd25519, AlgMLDSA65)
	}
	return &hybridSigner{ed: ed, ml: ml, pub: ed.PublicKey() + "+" + ml.PublicKey()}, nil
}

func (s *hybridSigner) Algorithm() string { return AlgHybrid }
func (s *hybridSigner) PublicKey() string { return s.pub }
func (s *hybridSigner) Sign(message []byte) ([]byte, error) {
	a, err := s.ed.Sign(message)
	if err != nil {
		return nil, err
	}
	b, err := s.ml.Sign(message)
	if err != nil {
		return nil, err
	}
	if len(a) != ed25519.SignatureSize || len(b) != mldsa65.SignatureSize {
		return nil, fmt.Errorf("hybrid signature parts of %d and %d bytes, want %d and %d",
			len(a), len(b), ed25519.SignatureSize, mldsa65.SignatureSize)
	}
	return append(a[:len(a):len(a)], b...), nil
}

type cryptoSigner struct {
	cs  crypto.Signer
	alg string
	pub string
}

// NewCryptoSigner adapts a [crypto.Signer] (an HSM, a KMS, or a key in
// memory) whose public key is an [ed25519.PublicKey] or a *[mldsa65.PublicKey].
// The signer is asked to sign the message itself (crypto.Hash(0)), as both
// schemes require.
func NewCryptoSigner(cs crypto.Signer) (Signer, error) {
	switch pub := cs.Public().(type) {
	case ed25519.PublicKey:
		if len(pub) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("ed25519 public key of %d bytes, want %d", len(pub), ed25519.PublicKeySize)
		}
		return &cryptoSigner{cs: cs, alg: AlgEd25519, pub: FormatEd25519PublicKey(pub)}, nil
	case *mldsa65.PublicKey:
		return &cryptoSigner{cs: cs, alg: AlgMLDSA65, pub: FormatMLDSA65PublicKey(pub)}, nil
	default:
		return nil, fmt.Errorf("%w: crypto.Signer with public key %T, want ed25519.PublicKey or *mldsa65.PublicKey", ErrUnsupported, pub)
	}
}

func (s *cryptoSigner) Algorithm() string { return s.alg }
func (s *cryptoSigner) PublicKey() string { return s.pub }
func (s *cryptoSigner) Sign(message []byte) ([]byte, error) {
	sig, err := s.cs.Sign(rand.Reader, message, crypto.Hash(0))
	if err != nil {
		return nil, fmt.Errorf("%s sign: %w", s.alg, err)
	}
	if want := signatureSize(s.alg); len(sig) != want {
		return nil, fmt.Errorf("%s signer returned %d bytes, want %d", s.alg, len(sig), want)
	}
	return sig, nil
}

// verifyKey is one public key (or HMAC secret) the verifier can check
// signatures with.
type verifyKey struct {
	alg  string
	ed   ed25519.PublicKey
	ml   *mldsa65.PublicKey
	hmac *hmacKey
}

// parseVerifyKey parses a public key string: "ed25519:...", "mldsa65:...",
// or "ed25519:...+mldsa65:..." for the hybrid.
func parseVerifyKey(s string) (*verifyKey, error) {
	if ed, ml, ok := cutHybrid(s); ok {
		edk, err := ParseEd25519PublicKey(ed)
		if err != nil {
			return nil, err
		}
		mlk, err := ParseMLDSA65PublicKey(ml)
		if err != nil {
			return nil, err
		}
		return &verifyKey{alg: AlgHybrid, ed: edk, ml: mlk}, nil
	}
	switch {
	case len(s) > len(PrefixEd25519) && s[:len(PrefixEd25519)] == PrefixEd25519,
		len(s) == 2*ed25519.PublicKeySize, strings.HasPrefix(s, "did:key:z6Mk"):
		k, err := ParseEd25519PublicKey(s)
		if err != nil {
			return nil, err
		}
		return &verifyKey{alg: AlgEd25519, ed: k}, nil
	case len(s) > len(PrefixMLDSA65) && s[:len(PrefixMLDSA65)] == PrefixMLDSA65:
		k, err := ParseMLDSA65PublicKey(s)
		if err != nil {
			return nil, err
		}
		return &verifyKey{alg: AlgMLDSA65, ml: k}, nil
	}
	return nil, fmt.Errorf("public key %.24q: want prefix %q or %q, or 64 hex digits", s, PrefixEd25519, PrefixMLDSA65)
}

func cutHybrid(s string) (ed, ml string, ok bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '+' {
			return s[:i], s[i+1:], true
		}
	}
	return "", "", false
}

// canonical returns the key string the key ring files the key under.
func (k *verifyKey) canonical() string {
	switch k.alg {
	case AlgEd25519:
		return FormatEd25519PublicKey(k.ed)
	case AlgMLDSA65:
		return FormatMLDSA65PublicKey(k.ml)
	case AlgHybrid:
		return FormatEd25519PublicKey(k.ed) + "+" + FormatMLDSA65PublicKey(k.ml)
	}
	return ""
}

// verify reports whether sig is a valid signature of msg under k. The caller
// has checked that len(sig) == signatureSize(k.alg).
func (k *verifyKey) verify(msg, sig []byte) bool {
	switch k.alg {
	case AlgEd25519:
		return ed25519.Verify(k.ed, msg, sig)
	case AlgHMACSHA256:
		return k.hmac.verify(msg, sig)
	case AlgMLDSA65:
		return mldsa65.Verify(k.ml, msg, nil, sig)
	case AlgHybrid:
		// Both always run, so timing does not say which one failed.
		a := ed25519.Verify(k.ed, msg, sig[:ed25519.SignatureSize])
		b := mldsa65.Verify(k.ml, msg, nil, sig[ed25519.SignatureSize:])
		return a && b
	}
	return false
}
