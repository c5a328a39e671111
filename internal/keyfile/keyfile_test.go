package keyfile

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

// rfc8032 is the key of RFC 8032 §7.1 test 1.
var (
	rfc8032Seed, _ = hex.DecodeString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
	rfc8032Key     = ed25519.NewKeyFromSeed(rfc8032Seed)
)

// rfc8032PEM is the private key file of the RFC 8032 key: the PKCS #8 DER
// prefix 302e020100300506032b657004220420 and the seed, in PEM. Written by
// hand from RFC 8410 §7 and checked with openssl pkey.
const rfc8032PEM = `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g
-----END PRIVATE KEY-----
`

const rfc8032Pub = "ed25519:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw"

func TestPrivateFormatPinned(t *testing.T) {
	b, err := MarshalPrivate(rfc8032Key)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != rfc8032PEM {
		t.Fatalf("got\n%s", b)
	}
	blk, _ := pem.Decode([]byte(rfc8032PEM))
	if got := hex.EncodeToString(blk.Bytes); got != "302e020100300506032b657004220420"+hex.EncodeToString(rfc8032Seed) {
		t.Fatalf("der %s", got)
	}
	key, err := ParsePrivate([]byte(rfc8032PEM))
	if err != nil || !key.Equal(rfc8032Key) {
		t.Fatal(err)
	}
}

func TestPublicFormatPinned(t *testing.T) {
	if got := string(MarshalPublic(rfc8032Key.Public().(ed25519.PublicKey))); got != rfc8032Pub+"\n" {
		t.Fatalf("got %q", got)
	}
	der, _ := x509.MarshalPKIXPublicKey(rfc8032Key.Public())
	pemPub := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	for _, in := range []string{
		rfc8032Pub, rfc8032Pub + "\n", "  " + rfc8032Pub + "\r\n",
		"did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw",
		"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
		string(pemPub),
	} {
		pub, err := ParsePublic([]byte(in))
		if err != nil || !pub.Equal(rfc8032Key.Public()) {
			t.Errorf("%q: %v", in, err)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	der, _ := x509.MarshalPKIXPublicKey(rfc8032Key.Public())
	pemPub := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	for _, in := range []string{
		"", "junk\n" + rfc8032PEM, rfc8032PEM + "junk", rfc8032PEM + rfc8032PEM, pemPub,
		strings.Replace(rfc8032PEM, "MC4C", "MC4D", 1),
		"-----BEGIN PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nMC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n-----END PRIVATE KEY-----\n",
	} {
		if _, err := ParsePrivate([]byte(in)); !errors.Is(err, ErrFormat) {
			t.Errorf("private %q: %v", in, err)
		}
	}
	for _, in := range []string{"", rfc8032Pub + " x", rfc8032Pub + "\n" + rfc8032Pub, "ed25519:z6Mk", rfc8032PEM, pemPub + "x"} {
		if _, err := ParsePublic([]byte(in)); !errors.Is(err, ErrFormat) {
			t.Errorf("public %q: %v", in, err)
		}
	}
}

func TestWriteLoadPrivate(t *testing.T) {
	if runtime.GOOS != "windows" {
		old := syscall.Umask(0)
		defer syscall.Umask(old)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "id.key")
	if err := WritePrivate(p, rfc8032Key); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v %v", fi.Mode(), err)
	}
	if err := WritePrivate(p, ed25519.NewKeyFromSeed(make([]byte, 32))); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("overwrite: %v", err)
	}
	if strings.Count(WritePrivate(p, rfc8032Key).Error(), "keyfile:") != 1 {
		t.Fatal("prefix repeated")
	}
	key, err := LoadPrivate(p)
	if err != nil || !key.Equal(rfc8032Key) {
		t.Fatal(err)
	}
	if names, _ := os.ReadDir(dir); len(names) != 1 {
		t.Fatalf("left behind: %v", names)
	}
}

func TestLoadPrivateRefusesOpenModes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no permission bits")
	}
	p := filepath.Join(t.TempDir(), "id.key")
	if err := WritePrivate(p, rfc8032Key); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []fs.FileMode{0o640, 0o604, 0o660, 0o644, 0o602} {
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		_, err := LoadPrivate(p)
		var me *ModeError
		if !errors.As(err, &me) || !errors.Is(err, ErrPermissions) || me.Mode.Perm() != mode {
			t.Fatalf("mode %v: %v", mode, err)
		}
		if msg := err.Error(); !strings.Contains(msg, p) || !strings.Contains(msg, fmt.Sprintf("mode %#o", uint32(mode))) {
			t.Fatalf("message %q does not name path and mode", msg)
		}
	}
	for _, mode := range []fs.FileMode{0o400, 0o600, 0o700} {
		os.Chmod(p, mode)
		if _, err := LoadPrivate(p); err != nil {
			t.Fatalf("mode %v: %v", mode, err)
		}
	}
}

func TestModeErrorMessage(t *testing.T) {
	e := &ModeError{Path: "/k/lr.key", Mode: 0o644}
	want := "keyfile: private key /k/lr.key has mode 0644, which group or others can access; want 0600 (chmod 600 /k/lr.key)"
	if e.Error() != want {
		t.Fatalf("got %q", e.Error())
	}
}

func TestLoadOrCreatePrivate(t *testing.T) {
	p := filepath.Join(t.TempDir(), "sub", "id.key")
	k1, created, err := LoadOrCreatePrivate(p)
	if err != nil || !created {
		t.Fatal(err, created)
	}
	k2, created, err := LoadOrCreatePrivate(p)
	if err != nil || created || !k1.Equal(k2) {
		t.Fatal(err, created)
	}
	if runtime.GOOS != "windows" {
		fi, _ := os.Stat(filepath.Dir(p))
		if fi.Mode().Perm() != 0o700 {
			t.Fatalf("dir mode %v", fi.Mode())
		}
	}
}

// TestReadsOpenSSLFiles reads files in the form openssl writes (generated
// with `openssl genpkey -algorithm ed25519` and `openssl pkey -pubout`).
func TestReadsOpenSSLFiles(t *testing.T) {
	const priv = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n-----END PRIVATE KEY-----\n"
	const pub = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n-----END PUBLIC KEY-----\n"
	k, err := ParsePrivate([]byte(priv))
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParsePublic([]byte(pub))
	if err != nil || !p.Equal(k.Public()) {
		t.Fatal(err)
	}
}

func TestWriteLoadPublic(t *testing.T) {
	p := filepath.Join(t.TempDir(), "id.pub")
	pub := rfc8032Key.Public().(ed25519.PublicKey)
	if err := WritePublic(p, pub); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	if string(b) != rfc8032Pub+"\n" {
		t.Fatalf("%q", b)
	}
	got, err := LoadPublic(p)
	if err != nil || !got.Equal(pub) {
		t.Fatal(err)
	}
	if _, err := LoadPublic(p + ".missing"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(rfc8032PEM))
	f.Add([]byte(rfc8032Pub))
	f.Fuzz(func(t *testing.T, b []byte) {
		if k, err := ParsePrivate(b); err == nil {
			re, err := MarshalPrivate(k)
			if err != nil {
				t.Fatal(err)
			}
			if k2, err := ParsePrivate(re); err != nil || !k2.Equal(k) {
				t.Fatal("round trip", err)
			}
		} else if !errors.Is(err, ErrFormat) {
			t.Fatalf("undeclared %v", err)
		}
		if p, err := ParsePublic(b); err == nil {
			if p2, err := ParsePublic(MarshalPublic(p)); err != nil || !p2.Equal(p) {
				t.Fatal("round trip", err)
			}
		} else if !errors.Is(err, ErrFormat) {
			t.Fatalf("undeclared %v", err)
		}
	})
}
