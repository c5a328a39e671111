package jcs

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/gowebpki/jcs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNumbers checks the ECMAScript number form of RFC 8785 §3.2.2.3,
// including the examples of its Appendix B.
func TestNumbers(t *testing.T) {
	for _, tc := range []struct {
		bits uint64
		want string
	}{
		{0x0000000000000000, "0"},
		{0x8000000000000000, "0"},
		{0x0000000000000001, "5e-324"},
		{0x8000000000000001, "-5e-324"},
		{0x7fefffffffffffff, "1.7976931348623157e+308"},
		{0xffefffffffffffff, "-1.7976931348623157e+308"},
		{0x4340000000000000, "9007199254740992"},
		{0xc340000000000000, "-9007199254740992"},
		{0x4430000000000000, "295147905179352830000"},
		{0x44b52d02c7e14af5, "9.999999999999997e+22"},
		{0x44b52d02c7e14af6, "1e+23"},
		{0x44b52d02c7e14af7, "1.0000000000000001e+23"},
		{0x444b1ae4d6e2ef4e, "999999999999999700000"},
		{0x444b1ae4d6e2ef4f, "999999999999999900000"},
		{0x444b1ae4d6e2ef50, "1e+21"},
		{0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
		{0x3eb0c6f7a0b5ed8d, "0.000001"},
		{0x41b3de4355555553, "333333333.3333332"},
		{0x41b3de4355555554, "333333333.33333325"},
		{0x41b3de4355555555, "333333333.3333333"},
		{0x41b3de4355555556, "333333333.3333334"},
		{0x41b3de4355555557, "333333333.33333343"},
		{0xbecbf647612f3696, "-0.0000033333333333333333"},
		{0x43143ff3c1cb0959, "1424953923781206.2"},
	} {
		f := math.Float64frombits(tc.bits)
		assert.Equal(t, tc.want, string(AppendNumber(nil, f)), "%016x", tc.bits)
		// The canonical text parses back and is a fixed point.
		got, err := Canonicalize([]byte(tc.want))
		require.NoError(t, err, tc.want)
		assert.Equal(t, tc.want, string(got))
	}
}

func TestRejects(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want error
	}{
		{`{"a":1,"a":2}`, ErrDuplicate},
		{`{"b":1,"a":2,"b":3}`, ErrDuplicate},
		{`{"a":1,"\u0061":2}`, ErrDuplicate},
		{`1e400`, ErrNumber},
		{`-1e400`, ErrNumber},
		{`9007199254740993`, ErrNumber},
		{`"\ud800"`, ErrString},
		{`"\udc00\ud800"`, ErrString},
		{"\"\xff\"", ErrString},
		{"\"\xed\xa0\x80\"", ErrString}, // an encoded surrogate
		{`01`, ErrTrailing},
		{`1.`, ErrSyntax},
		{`.5`, ErrSyntax},
		{`+1`, ErrSyntax},
		{`1e`, ErrSyntax},
		{`NaN`, ErrSyntax},
		{`[1,]`, ErrSyntax},
		{`{"a":1,}`, ErrSyntax},
		{`{"a" 1}`, ErrSyntax},
		{`"a`, ErrSyntax},
		{"\"\t\"", ErrSyntax},
		{`"\x"`, ErrSyntax},
		{`tru`, ErrSyntax},
		{`[] []`, ErrTrailing},
		{``, ErrSyntax},
		{strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1), ErrDepth},
	} {
		_, err := Canonicalize([]byte(tc.in))
		require.Error(t, err, tc.in)
		assert.True(t, errors.Is(err, tc.want), "%q: got %v, want %v", tc.in, err, tc.want)
		var se *SyntaxError
		assert.True(t, errors.As(err, &se))
	}
	ok := strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth)
	_, err := Canonicalize([]byte(ok))
	require.NoError(t, err)
}

// TestSortUTF16 checks member names sort by UTF-16 code units, where a
// character above U+FFFF (a surrogate pair) sorts before U+E000..U+FFFF.
func TestSortUTF16(t *testing.T) {
	got, err := Canonicalize([]byte(`{"\ufb33":1,"\ud83d\ude02":2,"\u00f6":3,"a":4,"":5}`))
	require.NoError(t, err)
	assert.Equal(t, "{\"\":5,\"a\":4,\"\u00f6\":3,\"\U0001F602\":2,\"\ufb33\":1}", string(got))
}

// TestAgreesWithGowebpki compares with github.com/gowebpki/jcs on inputs
// where both apply, as a second opinion.
func TestAgreesWithGowebpki(t *testing.T) {
	for _, in := range []string{
		`{"b":[1,2,{"z":null,"y":true}],"a":"\u00e9\n","c":0.1,"d":-0,"e":1e21,"f":123456789012}`,
		`[56,{"d":true,"10":null,"1":[]}]`,
		`{"\u20ac":"Euro Sign","\r":"Carriage Return","\u000a":"Newline","1":"One"}`,
		`"\u0000\u001f\u007f\"\\/"`,
	} {
		want, err := jcs.Transform([]byte(in))
		require.NoError(t, err)
		got, err := Canonicalize([]byte(in))
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), in)
	}
}

func BenchmarkCanonicalizeOurs(b *testing.B) {
	in := []byte(`{"agent":"agent-7f3a","seq":123456,"digest":"blake3:af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262","labels":["prod","eu-west","gpu"],"comment":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}`)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := Canonicalize(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCanonicalizeGowebpki is github.com/gowebpki/jcs on the same input:
// the library the issue suggested, kept as the baseline for the choice.
func BenchmarkCanonicalizeGowebpki(b *testing.B) {
	in := []byte(`{"agent":"agent-7f3a","seq":123456,"digest":"blake3:af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262","labels":["prod","eu-west","gpu"],"comment":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}`)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := jcs.Transform(in); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSpecialWord checks the eight-byte scan of strings against a byte-wise
// oracle: every byte value in every position among plain and random
// neighbours, and random words.
func TestSpecialWord(t *testing.T) {
	special := func(w uint64) bool {
		for i := 0; i < 8; i++ {
			c := byte(w >> (8 * i))
			if c == '"' || c == '\\' || c < 0x20 || c >= 0x80 {
				return true
			}
		}
		return false
	}
	rng := rand.New(rand.NewPCG(1, 2))
	check := func(w uint64) {
		if got, want := specialWord(w), special(w); got != want {
			t.Fatalf("specialWord(%#016x) = %v, want %v", w, got, want)
		}
	}
	for pos := 0; pos < 8; pos++ {
		for v := 0; v < 256; v++ {
			for _, fill := range []uint64{0x6161616161616161, 0x7e7e7e7e7e7e7e7e, 0x2020202020202020, 0x2323232323232323, 0x5d5d5d5d5d5d5d5d} {
				check(fill&^(0xff<<(8*pos)) | uint64(v)<<(8*pos))
			}
			for range 8 {
				check(rng.Uint64()&^(0xff<<(8*pos)) | uint64(v)<<(8*pos))
			}
		}
	}
	for range 200000 {
		w := rng.Uint64()
		check(w)
		check(w & 0x7f7f7f7f7f7f7f7f)
	}
	// A string as long as several words, with one byte that makes it
	// invalid (a quote inside, a bad escape, a control byte, a lone UTF-8
	// lead byte) moved through every position: each must be refused.
	for n := 1; n < 40; n++ {
		if got, err := Canonicalize([]byte(`"` + strings.Repeat("a", n) + `"`)); err != nil || !bytes.Equal(got, []byte(`"`+strings.Repeat("a", n)+`"`)) {
			t.Fatalf("plain string of %d: %q, %v", n, got, err)
		}
		for _, c := range []byte{'"', '\\', 0x01, 0xc3} {
			b := []byte(`"` + strings.Repeat("a", n) + `"`)
			for i := 1; i <= n; i++ {
				s := slices.Clone(b)
				s[i] = c
				if got, err := Canonicalize(s); err == nil {
					t.Fatalf("%q accepted as %q", s, got)
				}
			}
		}
	}
}
