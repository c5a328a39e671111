package envelope

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"testing"

	"github.com/fxamacker/cbor/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// appendixARejected lists the RFC 7049 Appendix A items the payload codec
// refuses, with the reason. Every other item must be accepted.
var appendixARejected = map[string]string{
	"c249010000000000000000": "tag (bignum)",
	"c349010000000000000000": "tag (negative bignum)",
	"f97c00":                 "infinity",
	"f97e00":                 "nan",
	"f9fc00":                 "-infinity",
	"fa7f800000":             "infinity, not shortest",
	"fa7fc00000":             "nan, not shortest",
	"faff800000":             "-infinity, not shortest",
	"fb7ff0000000000000":     "infinity, not shortest",
	"fb7ff8000000000000":     "nan, not shortest",
	"fbfff0000000000000":     "-infinity, not shortest",
	"f7":                     "undefined",
	"f0":                     "simple value 16",
	"f818":                   "simple value 24 (invalid under RFC 8949)",
	"f8ff":                   "simple value 255",
	"c074323031332d30332d32315432303a30343a30305a": "tag 0",
	"c11a514b67b0":         "tag 1",
	"c1fb41d452d9ec200000": "tag 1",
	"d74401020304":         "tag 23",
	"d818456449455446":     "tag 24",
	"d82076687474703a2f2f7777772e6578616d706c652e636f6d": "tag 32",
	"5f42010243030405ff":         "indefinite byte string",
	"7f657374726561646d696e67ff": "indefinite text string",
	"9fff":                       "indefinite array",
	"9f018202039f0405ffff":       "indefinite array",
	"9f01820203820405ff":         "indefinite array",
	"83018202039f0405ff":         "indefinite array inside",
	"83019f0203ff820405":         "indefinite array inside",
	"9f0102030405060708090a0b0c0d0e0f101112131415161718181819ff": "indefinite array",
	"bf61610161629f0203ffff":                                     "indefinite map",
	"826161bf61626163ff":                                         "indefinite map inside",
	"bf6346756ef563416d7421ff":                                   "indefinite map",
}

// TestCBORAppendixA runs every RFC 7049 Appendix A example through the
// payload checker and, when accepted, through SealCBOR and Open as a payload.
func TestCBORAppendixA(t *testing.T) {
	raw, err := os.ReadFile("testdata/appendix_a.json")
	require.NoError(t, err)
	var cases []struct {
		Hex string `json:"hex"`
	}
	require.NoError(t, json.Unmarshal(raw, &cases))
	require.Len(t, cases, 82)
	s := NewEd25519Signer(testKey(1))
	v, _ := newTestVerifier(t, []Signer{s})
	rejected := 0
	for _, tc := range cases {
		t.Run(tc.Hex, func(t *testing.T) {
			item, err := hex.DecodeString(tc.Hex)
			require.NoError(t, err)
			end, err := checkCBORItem(item, 0, 0)
			if reason, ok := appendixARejected[tc.Hex]; ok {
				rejected++
				require.ErrorIs(t, err, ErrMalformed, reason)
				_, err = SealCBOR(s, "test/ping", cbor.RawMessage(item), WithTimestamp(t0))
				require.ErrorIs(t, err, ErrMalformed, reason)
				return
			}
			require.NoError(t, err)
			require.Equal(t, len(item), end)
			msg, err := SealCBOR(s, "test/ping", cbor.RawMessage(item), WithTimestamp(t0))
			require.NoError(t, err)
			e, err := v.Open(msg)
			require.NoError(t, err)
			assert.Equal(t, item, e.Payload)
			var back any
			require.NoError(t, e.DecodePayload(&back))
		})
	}
	require.Equal(t, len(appendixARejected), rejected)
}

// TestCBORDeterminism checks encodings the RFC 8949 §4.2.1 rules forbid.
func TestCBORDeterminism(t *testing.T) {
	for _, tc := range []struct {
		name, hex string
	}{
		{"integer not in shortest form", "1817"},
		{"length not in shortest form", "7800"},
		{"map keys out of order", "a2616201616101"},
		{"duplicate map key", "a2616101616102"},
		{"float32 that fits float16", "fa3f800000"},
		{"float64 that fits float32", "fb3ff0000000000000"},
		{"invalid utf-8", "62c328"},
		{"truncated", "8301"},
		{"huge array count", "9bffffffffffffffff"},
		{"reserved additional information", "1c"},
		{"empty", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			item, err := hex.DecodeString(tc.hex)
			require.NoError(t, err)
			_, err = checkCBORItem(item, 0, 0)
			require.ErrorIs(t, err, ErrMalformed)
		})
	}
}

// TestCBORSigningBytesMatchEncoder checks that the signing bytes cut from an
// envelope equal the deterministic encoding of the map without signature as
// fxamacker/cbor produces it.
func TestCBORSigningBytesMatchEncoder(t *testing.T) {
	s := NewEd25519Signer(testKey(1))
	for _, st := range []string{"", "metabolic"} {
		msg, err := SealCBOR(s, "test/ping", ping{Seq: 3, Note: "n"}, WithTimestamp(t0), WithSenderType(st))
		require.NoError(t, err)
		e, sb, err := parseCBOR(msg)
		require.NoError(t, err)
		m := map[string]any{"v": 1, "type": e.Type, "alg": e.Alg, "sender_pubkey": e.SenderPubkey,
			"timestamp": e.Timestamp, "nonce": e.Nonce, "payload": cbor.RawMessage(e.Payload)}
		if st != "" {
			m["sender_type"] = st
		}
		want, err := encMode.Marshal(m)
		require.NoError(t, err)
		assert.Equal(t, want, sb)
		m["signature"] = e.Signature
		whole, err := encMode.Marshal(m)
		require.NoError(t, err)
		assert.Equal(t, whole, msg)
	}
}
