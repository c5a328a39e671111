package envelope_test

import (
	"crypto/ed25519"
	"strings"
	"testing"
	"time"

	"github.com/accordsdk/accord/envelope"
)

// TestInvalidOptionsRefused: an invalid option fails Seal, SealCBOR and
// KeyRing.Add before anything is signed or pinned, with an error that names
// the option's problem.
func TestInvalidOptionsRefused(t *testing.T) {
	s := envelope.NewEd25519Signer(ed25519.NewKeyFromSeed(make([]byte, 32)))
	for name, tc := range map[string]struct {
		opt  envelope.SealOption
		want string
	}{
		"short nonce":       {envelope.WithNonce(make([]byte, 15)), "nonce of 15 bytes"},
		"sender type space": {envelope.WithSenderType("a b"), "sender_type"},
		"zero time":         {envelope.WithTimestamp(time.Time{}), "timestamp"},
		"before 1970":       {envelope.WithTimestamp(time.Unix(-1, 0)), "timestamp"},
	} {
		t.Run(name, func(t *testing.T) {
			for _, seal := range []func(envelope.Signer, string, any, ...envelope.SealOption) ([]byte, error){envelope.Seal, envelope.SealCBOR} {
				msg, err := seal(s, "accord.test/options", map[string]int{"a": 1}, tc.opt)
				if err == nil || msg != nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "seal: ") {
					t.Fatalf("seal: %q, %v; want an error naming %q", msg, err, tc.want)
				}
			}
		})
	}
	ring := envelope.NewKeyRing()
	if err := ring.Add(s.PublicKey(), envelope.ValidFrom(time.Time{})); err == nil || !strings.Contains(err.Error(), "zero time") {
		t.Fatalf("Add with ValidFrom(zero): %v", err)
	}
	if err := ring.Add(s.PublicKey(), envelope.ValidUntil(time.Time{})); err == nil {
		t.Fatal("Add with ValidUntil(zero) succeeded")
	}
	// The refused adds pinned nothing: the key can still be added.
	if err := ring.Add(s.PublicKey(), envelope.ValidFrom(time.Unix(1, 0))); err != nil {
		t.Fatal(err)
	}
	// A valid nonce is the one sealed.
	msg, err := envelope.Seal(s, "accord.test/options", 1, envelope.WithNonce(make([]byte, envelope.NonceSize)),
		envelope.WithTimestamp(time.Unix(1767657600, 0)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(msg), `"nonce":"AAAAAAAAAAAAAAAAAAAAAA"`) {
		t.Fatalf("nonce not sealed: %s", msg)
	}
}
