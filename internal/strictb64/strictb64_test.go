package strictb64

import (
	"bytes"
	"encoding/base64"
	"errors"
	"testing"
)

var cases = []struct {
	desc    string
	in      string
	std     bool // accepted by Std
	rawURL  bool // accepted by RawURL
	errAt   int  // offset in the CorruptInputError of Std's refusal, if it names one here
	wantStd string
}{
	{desc: "empty", in: "", std: true, rawURL: true},
	{desc: "padded four bytes", in: "AAECAw==", std: true, wantStd: "\x00\x01\x02\x03"},
	{desc: "unpadded four bytes", in: "AAECAw", rawURL: true},
	{desc: "full quantum", in: "AAEC", std: true, rawURL: true, wantStd: "\x00\x01\x02"},
	{desc: "CR inside", in: "AAEC\rAw==", errAt: 4},
	{desc: "LF inside", in: "AA\nECAw==", errAt: 2},
	{desc: "CRLF at the end", in: "AAECAw==\r\n", errAt: 8},
	{desc: "CR inside unpadded", in: "AAE\rCAw"},
	{desc: "nonzero padding bits", in: "AAECAx==", errAt: 6},
	{desc: "nonzero padding bits unpadded", in: "AAECAx"},
	{desc: "one padding character short", in: "AAECAw="},
	{desc: "extra padding", in: "AAEC===="},
	{desc: "padding in the middle", in: "AA==AAEC"},
	{desc: "url alphabet", in: "-_-_", rawURL: true},
	{desc: "standard alphabet", in: "+/+/", std: true},
	{desc: "space", in: "AAEC AAEC"},
}

func TestDecode(t *testing.T) {
	for _, c := range cases {
		got, err := Std(c.in)
		if (err == nil) != c.std {
			t.Errorf("%s: Std(%q) error %v, want accepted %v", c.desc, c.in, err, c.std)
		}
		if err == nil && c.wantStd != "" && string(got) != c.wantStd {
			t.Errorf("%s: Std(%q) = %x, want %x", c.desc, c.in, got, c.wantStd)
		}
		var cie base64.CorruptInputError
		if c.errAt > 0 && (!errors.As(err, &cie) || int(cie) != c.errAt) {
			t.Errorf("%s: Std(%q) error %v, want a CorruptInputError at %d", c.desc, c.in, err, c.errAt)
		}
		if _, err := RawURL(c.in); (err == nil) != c.rawURL {
			t.Errorf("%s: RawURL(%q) error %v, want accepted %v", c.desc, c.in, err, c.rawURL)
		}
		checkAppend(t, c.in)
	}
}

// checkAppend checks that the Append forms agree with the string forms and
// leave dst unchanged on error.
func checkAppend(t *testing.T, s string) {
	t.Helper()
	for _, f := range []struct {
		name   string
		str    func(string) ([]byte, error)
		append func(dst, src []byte) ([]byte, error)
	}{{"Std", Std, AppendStd}, {"RawURL", RawURL, AppendRawURL}} {
		want, werr := f.str(s)
		dst := []byte("prefix")
		got, err := f.append(dst, []byte(s))
		if (err == nil) != (werr == nil) {
			t.Fatalf("Append%s(%q) error %v, %s error %v", f.name, s, err, f.name, werr)
		}
		if err != nil {
			if string(got) != "prefix" {
				t.Fatalf("Append%s(%q) failed but returned %q", f.name, s, got)
			}
			continue
		}
		if !bytes.Equal(got, append([]byte("prefix"), want...)) {
			t.Fatalf("Append%s(%q) = %q, %s gives %q", f.name, s, got, f.name, want)
		}
	}
}

// FuzzDecode checks the one-spelling property: whatever is accepted is
// exactly what encoding its decoding writes, and the string and Append
// forms agree.
func FuzzDecode(f *testing.F) {
	for _, c := range cases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if b, err := Std(s); err == nil {
			if enc := base64.StdEncoding.EncodeToString(b); enc != s {
				t.Fatalf("Std accepted %q, which encodes back as %q", s, enc)
			}
		}
		if b, err := Std(base64.StdEncoding.EncodeToString([]byte(s))); err != nil || string(b) != s {
			t.Fatalf("Std does not read back the encoding of %q: %q, %v", s, b, err)
		}
		if b, err := RawURL(s); err == nil {
			if enc := base64.RawURLEncoding.EncodeToString(b); enc != s {
				t.Fatalf("RawURL accepted %q, which encodes back as %q", s, enc)
			}
		}
		if b, err := RawURL(base64.RawURLEncoding.EncodeToString([]byte(s))); err != nil || string(b) != s {
			t.Fatalf("RawURL does not read back the encoding of %q: %q, %v", s, b, err)
		}
		checkAppend(t, s)
	})
}
