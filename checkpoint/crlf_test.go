package checkpoint

import (
	"errors"
	"strings"
	"testing"
)

// TestBase64WithCarriageReturnRefused: Go's base64 decoder skips CR and LF
// even in strict mode, so a root hash, proof hash, extra line or verifier key
// with a CR inside would decode to the same bytes as its one true spelling.
// Each is refused.
func TestBase64WithCarriageReturnRefused(t *testing.T) {
	const root = "AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U0="
	withCR := root[:10] + "\r" + root[10:]
	if _, err := Parse([]byte("example.com/log\n7\n" + root + "\n")); err != nil {
		t.Fatalf("the plain checkpoint: %v", err)
	}
	if _, err := Parse([]byte("example.com/log\n7\n" + withCR + "\n")); !errors.Is(err, ErrMalformed) {
		t.Fatalf("root hash with a CR: %v, want ErrMalformed", err)
	}
	key := "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
	if _, err := ParseVerifierKey(key); err != nil {
		t.Fatalf("the plain key: %v", err)
	}
	i := strings.LastIndexByte(key, '+') + 10
	if _, err := ParseVerifierKey(key[:i] + "\r" + key[i:]); !errors.Is(err, ErrBadKey) {
		t.Fatalf("key with a CR: %v, want ErrBadKey", err)
	}
}
