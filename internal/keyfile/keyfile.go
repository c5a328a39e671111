// Package keyfile reads and writes the files that hold Ed25519 keys, in one
// format for every package and tool of the module.
//
// # Private key files
//
// A private key file is one PEM block (RFC 7468) of type "PRIVATE KEY", no
// PEM headers, holding the PKCS #8 PrivateKeyInfo of RFC 8410 for Ed25519:
// the 48 DER bytes
//
//	30 2e 02 01 00 30 05 06 03 2b 65 70 04 22 04 20 || seed
//
// where seed is the 32-byte Ed25519 private key of RFC 8032. The base64 body
// is wrapped at 64 characters and the file ends with "\n" after the END
// line. This is the form `openssl genpkey -algorithm ed25519` writes, so
// keys can be made and inspected with standard tools. On reading, only
// whitespace may surround the block, and the DER must be an Ed25519
// PKCS #8 key (x509.ParsePKCS8PrivateKey).
//
// A private key file is created with mode 0600 (exactly, whatever the
// umask), atomically (internal/atomicfile: a temporary file, fsync, a hard
// link to the final name, a directory fsync), and never over an existing
// file: [WritePrivate] fails with an error matching [fs.ErrExist]. On
// Unix, [LoadPrivate] refuses a file whose mode lets the group or others
// read or write it, with a *[ModeError] naming the path and the mode.
//
// # Public key files
//
// A public key file is one line: the key string that tools print and
// envelope.FormatEd25519PublicKey returns, "ed25519:" followed by the
// multibase base58btc ('z') encoding of the multicodec ed25519-pub prefix
// 0xed 0x01 and the 32-byte key (so it begins "ed25519:z6Mk"), then "\n".
// [WritePublic] writes that form with mode 0644. [LoadPublic] also reads the
// other forms envelope.ParseEd25519PublicKey accepts ("did:key:z6Mk...", 64
// hexadecimal digits with or without "ed25519:") and a PEM "PUBLIC KEY"
// block holding an Ed25519 SubjectPublicKeyInfo (RFC 8410), as
// `openssl pkey -pubout` writes.
package keyfile

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/accordsdk/accord/envelope"
	"github.com/accordsdk/accord/internal/atomicfile"
)

// PrivateMode and PublicMode are the permission bits of the files this
// package writes.
const (
	PrivateMode fs.FileMode = 0o600
	PublicMode  fs.FileMode = 0o644
)

var (
	// ErrFormat means the bytes are not a key file of this package's format.
	ErrFormat = errors.New("keyfile: not an ed25519 key file")
	// ErrPermissions means a private key file can be read or written by
	// the group or others; it is returned inside a *ModeError.
	ErrPermissions = errors.New("keyfile: private key file is accessible to group or others")
)

// ModeError reports a private key file with too open permissions.
type ModeError struct {
	Path string
	Mode fs.FileMode
}

// Error names the file, its mode, and the fix.
func (e *ModeError) Error() string {
	return fmt.Sprintf("keyfile: private key %s has mode %#o, which group or others can access; want 0600 (chmod 600 %s)",
		e.Path, uint32(e.Mode.Perm()), e.Path)
}

// Is makes a ModeError match [ErrPermissions].
func (e *ModeError) Is(target error) bool { return target == ErrPermissions }

// MarshalPrivate returns the private key file bytes of key.
func MarshalPrivate(key ed25519.PrivateKey) ([]byte, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("keyfile: private key of %d bytes, want %d", len(key), ed25519.PrivateKeySize)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("keyfile: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// ParsePrivate reads private key file bytes.
func ParsePrivate(b []byte) (ed25519.PrivateKey, error) {
	der, err := onePEM(b, "PRIVATE KEY")
	if err != nil {
		return nil, err
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	key, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%w: %T is not an ed25519 key", ErrFormat, k)
	}
	return key, nil
}

// onePEM returns the body of the single PEM block of type typ that b holds,
// with nothing but whitespace around it.
func onePEM(b []byte, typ string) ([]byte, error) {
	trimmed := bytes.TrimLeft(b, " \t\r\n")
	blk, rest := pem.Decode(trimmed)
	switch {
	case blk == nil || !bytes.HasPrefix(trimmed, []byte("-----BEGIN ")):
		return nil, fmt.Errorf("%w: want one PEM %s block", ErrFormat, typ)
	case blk.Type != typ:
		return nil, fmt.Errorf("%w: PEM block %q, want %q", ErrFormat, blk.Type, typ)
	case len(blk.Headers) != 0:
		return nil, fmt.Errorf("%w: PEM headers are not allowed", ErrFormat)
	case len(bytes.TrimSpace(rest)) != 0:
		return nil, fmt.Errorf("%w: data after the PEM block", ErrFormat)
	}
	return blk.Bytes, nil
}

// WritePrivate writes key to a new private key file at path (mode 0600,
// atomically). If path exists, nothing is written and the error matches
// [fs.ErrExist]: a key is never replaced by accident.
func WritePrivate(path string, key ed25519.PrivateKey) error {
	b, err := MarshalPrivate(key)
	if err != nil {
		return err
	}
	if err := atomicfile.Create(path, b, PrivateMode); err != nil {
		return fmt.Errorf("keyfile: private key: %w", unprefix(err))
	}
	return nil
}

// LoadPrivate reads the private key file at path, refusing it (with a
// *[ModeError]) if its mode lets the group or others access it.
func LoadPrivate(path string) (ed25519.PrivateKey, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("keyfile: private key: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("keyfile: private key: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("keyfile: private key %s is not a regular file", path)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return nil, &ModeError{Path: path, Mode: fi.Mode()}
	}
	b, err := readSmall(f, path)
	if err != nil {
		return nil, err
	}
	key, err := ParsePrivate(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", err, path)
	}
	return key, nil
}

// LoadOrCreatePrivate reads the private key file at path or, if there is
// none, generates a key with crypto/rand and writes it there (creating the
// directory with mode 0700 if needed). created reports which happened.
func LoadOrCreatePrivate(path string) (key ed25519.PrivateKey, created bool, err error) {
	key, err = LoadPrivate(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return key, false, err
	}
	_, key, err = ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, false, fmt.Errorf("keyfile: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, fmt.Errorf("keyfile: %w", err)
	}
	if err := WritePrivate(path, key); err != nil {
		if errors.Is(err, fs.ErrExist) {
			// Another process created it between our read and write.
			key, err = LoadPrivate(path)
			return key, false, err
		}
		return nil, false, err
	}
	return key, true, nil
}

// MarshalPublic returns the public key file bytes of pub: its key string
// and a newline.
func MarshalPublic(pub ed25519.PublicKey) []byte {
	return []byte(envelope.FormatEd25519PublicKey(pub) + "\n")
}

// ParsePublic reads public key file bytes in any of the forms of the package
// documentation.
func ParsePublic(b []byte) (ed25519.PublicKey, error) {
	s := strings.TrimSpace(string(b))
	if strings.HasPrefix(s, "-----BEGIN ") {
		der, err := onePEM(b, "PUBLIC KEY")
		if err != nil {
			return nil, err
		}
		k, err := x509.ParsePKIXPublicKey(der)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrFormat, err)
		}
		pub, ok := k.(ed25519.PublicKey)
		if !ok {
			return nil, fmt.Errorf("%w: %T is not an ed25519 key", ErrFormat, k)
		}
		return pub, nil
	}
	if strings.ContainsAny(s, " \t\r\n") {
		return nil, fmt.Errorf("%w: want one line", ErrFormat)
	}
	pub, err := envelope.ParseEd25519PublicKey(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	return pub, nil
}

// WritePublic writes pub's public key file at path (mode 0644, atomically,
// replacing any file there).
func WritePublic(path string, pub ed25519.PublicKey) error {
	if len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("keyfile: public key of %d bytes, want %d", len(pub), ed25519.PublicKeySize)
	}
	if err := atomicfile.Write(path, MarshalPublic(pub), PublicMode); err != nil {
		return fmt.Errorf("keyfile: public key: %w", unprefix(err))
	}
	return nil
}

// LoadPublic reads the public key file at path.
func LoadPublic(path string) (ed25519.PublicKey, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("keyfile: public key: %w", err)
	}
	defer f.Close()
	b, err := readSmall(f, path)
	if err != nil {
		return nil, err
	}
	pub, err := ParsePublic(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", err, path)
	}
	return pub, nil
}

// maxFile bounds what is read from a key file; real ones are under 200 bytes.
const maxFile = 16 << 10

func readSmall(f *os.File, path string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(f, maxFile+1))
	if err != nil {
		return nil, fmt.Errorf("keyfile: %w", err)
	}
	if len(b) > maxFile {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", ErrFormat, path, maxFile)
	}
	return b, nil
}

// unprefix drops atomicfile's prefix so that messages carry one.
func unprefix(err error) error {
	return &stripped{err: err, msg: strings.TrimPrefix(err.Error(), "atomicfile: ")}
}

type stripped struct {
	err error
	msg string
}

func (s *stripped) Error() string { return s.msg }
func (s *stripped) Unwrap() error { return s.err }
