package checkpoint

import (
	"bytes"
	"errors"
	"testing"

	"golang.org/x/mod/sumdb/note"
)

// FuzzParse checks that Parse returns only ErrMalformed and that what it
// accepts marshals back to the same bytes.
func FuzzParse(f *testing.F) {
	f.Add([]byte("example.com/log\n10\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"))
	f.Add([]byte("o\n0\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\next\n"))
	f.Add([]byte("o\n01\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"))
	f.Add([]byte("\n\n\n"))
	f.Fuzz(func(t *testing.T, text []byte) {
		c, err := Parse(text)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("undeclared error %v", err)
			}
			return
		}
		if got := c.Marshal(); !bytes.Equal(got, text) {
			t.Fatalf("Marshal = %q, want %q", got, text)
		}
	})
}

// FuzzVerify feeds arbitrary signed notes to Verify and VerifyCosigned
// with fixed log and witness keys: only declared errors may come back, and
// an accepted checkpoint's text must be the note's text.
func FuzzVerify(f *testing.F) {
	s := mustSigner(f, origin, 1)
	logV := s.Verifier()
	w, err := NewCosigner("witness.example/w1", key(2))
	if err != nil {
		f.Fatal(err)
	}
	signed, err := Sign(Checkpoint{Origin: origin, Size: 3, Hash: hash1}, s)
	if err != nil {
		f.Fatal(err)
	}
	cosigned, err := w.Cosign(signed, logV, fixedTime)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(signed)
	f.Add(cosigned)
	f.Add([]byte("o\n1\n\n— o AAAAAAA=\n"))
	witnesses := []note.Verifier{w.Verifier()}
	f.Fuzz(func(t *testing.T, msg []byte) {
		declared := func(err error) bool {
			return errors.Is(err, ErrMalformed) || errors.Is(err, ErrBadSignature) || errors.Is(err, ErrOrigin) || errors.Is(err, ErrTooFewCosignatures)
		}
		c, n, err := Verify(msg, logV)
		if err != nil {
			if !declared(err) {
				t.Fatalf("Verify: undeclared error %v", err)
			}
		} else if !bytes.Equal(c.Marshal(), []byte(n.Text)) {
			t.Fatalf("checkpoint %q is not the note text %q", c.Marshal(), n.Text)
		}
		if _, _, err := VerifyCosigned(msg, logV, witnesses, 1); err != nil && !declared(err) {
			t.Fatalf("VerifyCosigned: undeclared error %v", err)
		}
	})
}

// FuzzParseVerifierKey checks that ParseVerifierKey returns only ErrBadKey
// and that an accepted key encodes back to itself.
func FuzzParseVerifierKey(f *testing.F) {
	f.Add(mustSigner(f, origin, 1).VerifierKey())
	f.Add("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k")
	f.Add("a+00000000+BA==")
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseVerifierKey(s)
		if err != nil {
			if !errors.Is(err, ErrBadKey) {
				t.Fatalf("undeclared error %v", err)
			}
			return
		}
		var again string
		switch v := v.(type) {
		case *verifier:
			again = vkey(v.name, v.id, sigTypeEd25519, v.pub)
		case *cosignatureVerifier:
			again = vkey(v.name, v.id, sigTypeCosignature, v.pub)
		}
		if again != s {
			t.Fatalf("re-encoded %q, want %q", again, s)
		}
	})
}
