package checkpoint

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/accordsdk/accord/internal/strictb64"
)

// Signature type identifiers of C2SP signed-note, the byte hashed into a
// key ID after the key name.
const (
	sigTypeEd25519     = 0x01
	sigTypeCosignature = 0x04
)

var (
	// ErrMalformed is returned for text that is not a checkpoint.
	ErrMalformed = errors.New("checkpoint: malformed")
	// ErrBadSignature is returned when a checkpoint is not signed by the
	// expected key. The error also wraps the note package's error
	// ([note.UnverifiedNoteError] or [note.InvalidSignatureError]).
	ErrBadSignature = errors.New("checkpoint: signature not verified")
	// ErrOrigin is returned when a checkpoint's origin line is not the one
	// expected.
	ErrOrigin = errors.New("checkpoint: wrong origin")
	// ErrBadKey is returned for a key or key name that cannot be used.
	ErrBadKey = errors.New("checkpoint: bad key")
)

// Checkpoint is the body of a C2SP checkpoint: the log's origin, the tree
// size and the RFC 6962 root hash at that size, and optional extension lines.
type Checkpoint struct {
	Origin     string
	Size       uint64
	Hash       tlog.Hash
	Extensions []string // extension lines, without newlines; not recommended
}

// Marshal returns the checkpoint's note text: the origin, size, base64 root
// hash and each extension line, every line ending in a newline.
func (c Checkpoint) Marshal() []byte {
	var b bytes.Buffer
	b.WriteString(c.Origin)
	b.WriteByte('\n')
	b.WriteString(strconv.FormatUint(c.Size, 10))
	b.WriteByte('\n')
	b.WriteString(base64.StdEncoding.EncodeToString(c.Hash[:]))
	b.WriteByte('\n')
	for _, e := range c.Extensions {
		b.WriteString(e)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// Parse parses a checkpoint's note text (without signatures). It accepts
// exactly what [Checkpoint.Marshal] produces: a non-empty origin, a decimal
// size with no leading zeros at most 2^63-1 (the largest tree
// golang.org/x/mod/sumdb/tlog can prove), a 32-byte hash in canonical
// padded base64, and non-empty extension lines, in valid UTF-8 without
// control characters other than the newlines.
func Parse(text []byte) (Checkpoint, error) {
	var c Checkpoint
	if !utf8.Valid(text) {
		return c, fmt.Errorf("%w: text is not valid UTF-8", ErrMalformed)
	}
	for i, b := range text {
		if b < 0x20 && b != '\n' {
			return c, fmt.Errorf("%w: control character %#02x at byte %d", ErrMalformed, b, i)
		}
	}
	if bytes.Contains(text, []byte("\n\n\u2014 ")) {
		return c, fmt.Errorf("%w: the text is a signed note (checkpoint, blank line, signature lines): verify it with Verify or VerifyWithKey, or give Parse only the text before the blank line", ErrMalformed)
	}
	if len(text) == 0 || text[len(text)-1] != '\n' {
		return c, fmt.Errorf("%w: text does not end in a newline", ErrMalformed)
	}
	lines := strings.Split(string(text[:len(text)-1]), "\n")
	if len(lines) < 3 {
		return c, fmt.Errorf("%w: %d lines, want at least 3", ErrMalformed, len(lines))
	}
	for i, l := range lines {
		if l == "" {
			return c, fmt.Errorf("%w: line %d is empty", ErrMalformed, i+1)
		}
	}
	c.Origin = lines[0]
	size, err := strconv.ParseUint(lines[1], 10, 64)
	if err != nil || lines[1] != strconv.FormatUint(size, 10) {
		return Checkpoint{}, fmt.Errorf("%w: tree size %q is not a decimal without leading zeros", ErrMalformed, lines[1])
	}
	if size > math.MaxInt64 {
		return Checkpoint{}, fmt.Errorf("%w: tree size %d over 2^63-1", ErrMalformed, size)
	}
	c.Size = size
	h, err := strictb64.Std(lines[2])
	if err != nil || len(h) != tlog.HashSize {
		return Checkpoint{}, fmt.Errorf("%w: root hash %q is not base64 of %d bytes", ErrMalformed, lines[2], tlog.HashSize)
	}
	copy(c.Hash[:], h)
	if len(lines) > 3 {
		c.Extensions = lines[3:]
	}
	return c, nil
}

// Sign returns the checkpoint as a signed note, signed by each signer.
func Sign(c Checkpoint, signers ...note.Signer) ([]byte, error) {
	if _, err := Parse(c.Marshal()); err != nil {
		return nil, err
	}
	return note.Sign(&note.Note{Text: string(c.Marshal())}, signers...)
}

// Verify opens a signed checkpoint, checks that the log's key signed it and
// that its origin line is the key's name, and returns the checkpoint and the
// opened note (whose other signatures, such as cosignatures, are listed as
// unverified). Signatures by other keys are ignored, as C2SP signed-note
// requires; a signature by the log's key that does not verify rejects the
// note.
func Verify(signed []byte, log note.Verifier) (Checkpoint, *note.Note, error) {
	return open(signed, log, note.VerifierList(log))
}

// VerifyWithKey is [Verify] with the log's key given as a C2SP verifier
// key string ("<name>+<key hash>+<base64 key>", see [ParseVerifierKey]): the
// origin the checkpoint must carry is the key's name, so the key alone is
// enough.
func VerifyWithKey(signed []byte, verifierKey string) (Checkpoint, *note.Note, error) {
	v, err := ParseVerifierKey(verifierKey)
	if err != nil {
		return Checkpoint{}, nil, err
	}
	return Verify(signed, v)
}

// open opens signed with the verifiers known and checks that log, one of
// them, signed it and that the origin is log's name.
func open(signed []byte, log note.Verifier, known note.Verifiers) (Checkpoint, *note.Note, error) {
	n, err := note.Open(signed, known)
	if err != nil {
		var unverified *note.UnverifiedNoteError
		var invalid *note.InvalidSignatureError
		if errors.As(err, &unverified) || errors.As(err, &invalid) {
			return Checkpoint{}, nil, fmt.Errorf("%w by %s: %w", ErrBadSignature, log.Name(), err)
		}
		return Checkpoint{}, nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if !signedBy(n, log) {
		return Checkpoint{}, nil, fmt.Errorf("%w: no signature by %s+%08x", ErrBadSignature, log.Name(), log.KeyHash())
	}
	c, err := Parse([]byte(n.Text))
	if err != nil {
		return Checkpoint{}, nil, err
	}
	if c.Origin != log.Name() {
		return Checkpoint{}, nil, fmt.Errorf("%w: origin %q, want %q", ErrOrigin, c.Origin, log.Name())
	}
	return c, n, nil
}

func signedBy(n *note.Note, v note.Verifier) bool {
	for _, s := range n.Sigs {
		if s.Name == v.Name() && s.Hash == v.KeyHash() {
			return true
		}
	}
	return false
}

// keyID is the C2SP signed-note key ID:
// SHA-256(name || 0x0A || sigType || public key)[:4], big endian.
func keyID(name string, sigType byte, pub []byte) uint32 {
	h := sha256.New()
	h.Write([]byte(name))
	h.Write([]byte{'\n', sigType})
	h.Write(pub)
	return binary.BigEndian.Uint32(h.Sum(nil))
}

// checkKeyName reports whether name can be a signed-note key name:
// non-empty UTF-8 with no Unicode spaces and no plus signs.
func checkKeyName(name string) error {
	if name == "" || !utf8.ValidString(name) || strings.ContainsFunc(name, func(r rune) bool {
		return unicode.IsSpace(r) || r == '+' || r < 0x20
	}) {
		return fmt.Errorf("%w: key name %q is empty or has spaces, plus signs or control characters", ErrBadKey, name)
	}
	return nil
}

// identity is a signed-note key: its name, its key ID for one signature
// type, and its Ed25519 public key.
type identity struct {
	name string
	id   uint32
	pub  ed25519.PublicKey
}

func newIdentity(name string, sigType byte, pub ed25519.PublicKey) (identity, error) {
	if err := checkKeyName(name); err != nil {
		return identity{}, err
	}
	if len(pub) != ed25519.PublicKeySize {
		return identity{}, fmt.Errorf("%w: ed25519 public key of %d bytes, want %d", ErrBadKey, len(pub), ed25519.PublicKeySize)
	}
	return identity{name: name, id: keyID(name, sigType, pub), pub: pub}, nil
}

func privateIdentity(name string, sigType byte, key ed25519.PrivateKey) (identity, error) {
	if len(key) != ed25519.PrivateKeySize {
		return identity{}, fmt.Errorf("%w: ed25519 private key of %d bytes, want %d", ErrBadKey, len(key), ed25519.PrivateKeySize)
	}
	return newIdentity(name, sigType, key.Public().(ed25519.PublicKey))
}

// publicKeyer is implemented by this package's verifiers, so that
// [VerifyCosigned] can tell two names of one key apart.
type publicKeyer interface{ publicKey() ed25519.PublicKey }

func (k identity) publicKey() ed25519.PublicKey { return k.pub }

// Name returns the key name.
func (k identity) Name() string { return k.name }

// KeyHash returns the key ID.
func (k identity) KeyHash() uint32 { return k.id }

// Signer is an Ed25519 signed-note signer (signature type 0x01) for a log
// whose origin is its name. It implements [note.Signer].
type Signer struct {
	identity
	key ed25519.PrivateKey
}

// NewSigner returns a signer named origin with the given private key.
func NewSigner(origin string, key ed25519.PrivateKey) (*Signer, error) {
	k, err := privateIdentity(origin, sigTypeEd25519, key)
	if err != nil {
		return nil, err
	}
	return &Signer{identity: k, key: key}, nil
}

// Sign signs msg with Ed25519.
func (s *Signer) Sign(msg []byte) ([]byte, error) { return ed25519.Sign(s.key, msg), nil }

// Verifier returns the verifier of this signer's signatures.
func (s *Signer) Verifier() note.Verifier { return &verifier{s.identity} }

// verifier checks Ed25519 signed-note signatures of one key.
type verifier struct{ identity }

// NewVerifier returns the [note.Verifier] of a log's Ed25519 key: its name
// is origin and its key ID is computed as C2SP signed-note specifies.
func NewVerifier(origin string, pub ed25519.PublicKey) (note.Verifier, error) {
	k, err := newIdentity(origin, sigTypeEd25519, pub)
	if err != nil {
		return nil, err
	}
	return &verifier{k}, nil
}

func (v *verifier) Verify(msg, sig []byte) bool {
	return len(sig) == ed25519.SignatureSize && ed25519.Verify(v.pub, msg, sig)
}
