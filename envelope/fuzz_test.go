package envelope

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/fxamacker/cbor/v2"
)

// declared reports whether err wraps one of the package's sentinels.
func declared(err error) bool {
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

func fuzzVerifier(f *testing.F) (*Verifier, Signer) {
	s := NewEd25519Signer(testKey(1))
	v, err := NewVerifier(WithTypes("test/ping"), WithKeys(s.PublicKey()), WithoutFreshness())
	if err != nil {
		f.Fatal(err)
	}
	return v, s
}

// FuzzOpenJSON checks that Open never panics, fails only with declared
// errors, and that whatever it accepts re-seals to the same canonical bytes.
func FuzzOpenJSON(f *testing.F) {
	v, s := fuzzVerifier(f)
	for _, p := range []any{ping{Seq: 1, Note: "x"}, map[string]any{"a": []any{1.5, "é", nil, true}}, "s", 0} {
		msg, err := Seal(s, "test/ping", p, WithTimestamp(t0))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(msg)
	}
	f.Add([]byte(`{"v":1}`))
	f.Fuzz(func(t *testing.T, msg []byte) {
		if _, err := v.Open(msg); err != nil && !declared(err) {
			t.Fatalf("undeclared error %v", err)
		}
		// Mutated envelopes rarely keep a valid signature, so the re-encoding
		// property is checked on everything the decoder accepts.
		e, sb, err := parseJSON(msg)
		if err != nil {
			return
		}
		var generic any
		if err := e.DecodePayload(&generic); err != nil && !errors.Is(err, ErrMalformed) {
			t.Fatalf("DecodePayload: undeclared error %v", err)
		}
		again := resealJSON(t, e)
		if !bytes.HasPrefix(again, sb[:bytes.Index(sb, []byte(`"sender_pubkey"`))]) {
			t.Fatalf("signing bytes %q do not match re-encoding %q", sb, again)
		}
		canon, err := CanonicalJSON(msg)
		if err != nil {
			t.Fatalf("accepted an envelope that is not canonicalizable: %v", err)
		}
		if !bytes.Equal(again, canon) {
			t.Fatalf("accepted %q, re-encodes to %q", canon, again)
		}
	})
}

// resealJSON writes e's canonical JSON form from its fields.
func resealJSON(t *testing.T, e *Envelope) []byte {
	h := header{typ: e.Type, alg: e.Alg, pub: e.SenderPubkey, senderType: e.SenderType, ts: e.Timestamp, nonce: e.Nonce}
	buf := appendJSONHead(nil, e.Alg, b64.AppendEncode(nil, e.Nonce))
	buf = append(buf, e.Payload...)
	buf, cut := appendJSONTail(buf, &h)
	out := append([]byte(nil), buf[:cut]...)
	out = append(out, `"signature":"`...)
	out = b64.AppendEncode(out, e.Signature)
	out = append(out, `",`...)
	return append(out, buf[cut:]...)
}

// FuzzOpenCBOR is FuzzOpenJSON for the CBOR form: an accepted envelope must
// be byte for byte its own deterministic re-encoding.
func FuzzOpenCBOR(f *testing.F) {
	v, s := fuzzVerifier(f)
	for _, p := range []any{ping{Seq: 1, Note: "x"}, map[string]any{"a": []any{1.5, "é", nil, true, []byte{1}}}, -7} {
		msg, err := SealCBOR(s, "test/ping", p, WithTimestamp(t0), WithSenderType("t"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(msg)
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		if _, err := v.Open(msg); err != nil && !declared(err) {
			t.Fatalf("undeclared error %v", err)
		}
		e, _, err := parseCBOR(msg)
		if err != nil {
			return
		}
		h := header{typ: e.Type, alg: e.Alg, pub: e.SenderPubkey, senderType: e.SenderType, ts: e.Timestamp, nonce: e.Nonce}
		if again := appendCBOREnvelope(nil, &h, e.Payload, e.Signature); !bytes.Equal(again, msg) {
			t.Fatalf("accepted %x, re-encodes to %x", msg, again)
		}
		if err := cbor.Wellformed(e.Payload); err != nil {
			t.Fatalf("accepted payload fxamacker/cbor finds not well-formed: %v", err)
		}
		// An array or map may be a map key in CBOR, not in a Go map: decoding
		// into any fails there, and only there.
		var generic any
		var keyErr *cbor.InvalidMapKeyTypeError
		if err := cbor.Unmarshal(e.Payload, &generic); err != nil && !errors.As(err, &keyErr) {
			t.Fatalf("accepted payload fxamacker/cbor cannot decode: %v", err)
		}
	})
}

// FuzzCanonicalJSON checks CanonicalJSON never panics, fails only with
// ErrMalformed, is idempotent, and agrees with encoding/json on validity.
func FuzzCanonicalJSON(f *testing.F) {
	for _, s := range []string{`{"b":1,"a":[1e30,0.1,-0,"\u20ac"]}`, `"\ud83d\ude02"`, `[1,2]`, `{"a":{"a":{}}}`, `1E400`, `{"a":1,"a":2}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := CanonicalJSON(in)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("undeclared error %v", err)
			}
			return
		}
		again, err := CanonicalJSON(out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("canonical form %q is not a fixed point: %q, %v", out, again, err)
		}
		if !jsonValid(in) {
			t.Fatalf("accepted %q, which encoding/json rejects", in)
		}
	})
}

// FuzzParsePublicKey checks key-string parsing (which trust on first use
// applies to untrusted sender_pubkey values) never panics and that a parsed
// key's canonical string parses to the same key.
func FuzzParsePublicKey(f *testing.F) {
	ed := NewEd25519Signer(testKey(1))
	ml := NewMLDSA65Signer(testMLDSAKey(1))
	f.Add(ed.PublicKey())
	f.Add(ed.PublicKey() + "+" + ml.PublicKey())
	f.Add("ed25519:" + strings.Repeat("00", 32))
	f.Add("did:key:z6Mk")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := parseVerifyKey(s)
		if err != nil {
			return
		}
		c := k.canonical()
		again, err := parseVerifyKey(c)
		if err != nil || again.canonical() != c || again.alg != k.alg {
			t.Fatalf("%q parses to %q, which does not parse back: %v", s, c, err)
		}
	})
}
