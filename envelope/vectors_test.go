package envelope

import (
	"bufio"
	"compress/gzip"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSupercopVectors runs the 1024 supercop sign.input lines (lines 1-3 are
// RFC 8032 §7.1 TEST 1-3) through NewEd25519Signer and the key strings.
func TestSupercopVectors(t *testing.T) {
	f, err := os.Open("testdata/supercop_sign.input.txt.gz")
	require.NoError(t, err)
	defer f.Close()
	zr, err := gzip.NewReader(f)
	require.NoError(t, err)
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		n++
		fields := strings.Split(sc.Text(), ":")
		require.Len(t, fields, 5, "line %d", n)
		sk, err := hex.DecodeString(fields[0])
		require.NoError(t, err)
		pub, _ := hex.DecodeString(fields[1])
		msg, _ := hex.DecodeString(fields[2])
		sigMsg, _ := hex.DecodeString(fields[3])
		want := sigMsg[:ed25519.SignatureSize]

		s := NewEd25519Signer(ed25519.PrivateKey(sk))
		require.Equal(t, AlgEd25519, s.Algorithm())
		got, err := s.Sign(msg)
		require.NoError(t, err)
		require.Equal(t, want, got, "line %d", n)

		parsed, err := ParseEd25519PublicKey(s.PublicKey())
		require.NoError(t, err)
		require.Equal(t, ed25519.PublicKey(pub), parsed, "line %d", n)
		fromHex, err := ParseEd25519PublicKey(fields[1])
		require.NoError(t, err)
		require.Equal(t, s.PublicKey(), FormatEd25519PublicKey(fromHex))

		vk, err := parseVerifyKey(s.PublicKey())
		require.NoError(t, err)
		require.True(t, vk.verify(msg, got), "line %d", n)
		if len(msg) > 0 {
			bad := append([]byte(nil), msg...)
			bad[0] ^= 1
			require.False(t, vk.verify(bad, got), "line %d", n)
		}
	}
	require.NoError(t, sc.Err())
	require.Equal(t, 1024, n)
}

// TestRFC8032KeyString checks the did:key form against RFC 8032 §7.1 TEST 1,
// whose did:key is well known.
func TestRFC8032KeyString(t *testing.T) {
	pub, _ := hex.DecodeString("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
	s := FormatEd25519PublicKey(pub)
	assert.Equal(t, "ed25519:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw", s)
	assert.Equal(t, "sha256:21fe31dfa154a261626bf854046fd2271b7bed4b6abe45aa58877ef47f9721b9", Fingerprint(pub))
}

type wycheproof struct {
	TestGroups []struct {
		PublicKey struct {
			PK string `json:"pk"`
		} `json:"publicKey"`
		Tests []struct {
			TCID   int      `json:"tcId"`
			Msg    string   `json:"msg"`
			Sig    string   `json:"sig"`
			Result string   `json:"result"`
			Flags  []string `json:"flags"`
		} `json:"tests"`
	} `json:"testGroups"`
}

// TestWycheproofEd25519 runs every Wycheproof Ed25519 case two ways:
//
//   - through the signature check Open uses for the key (parsed from its
//     hex form the way a key ring parses it), on the case's own message, where
//     the result must match the case;
//   - through Open itself, in a JSON envelope carrying the case's signature
//     bytes: no case may be accepted, and the invalid ones must fail as a bad
//     signature or, when the signature is not 64 bytes, as malformed.
//
// (A signature over the case's message cannot also be a signature over an
// envelope, so the valid cases are accepted only in the first part.)
func TestWycheproofEd25519(t *testing.T) {
	raw, err := os.ReadFile("testdata/ed25519_test.json")
	require.NoError(t, err)
	var w wycheproof
	require.NoError(t, json.Unmarshal(raw, &w))
	total, valid := 0, 0
	for _, g := range w.TestGroups {
		pub, err := ParseEd25519PublicKey(g.PublicKey.PK)
		require.NoError(t, err)
		key := FormatEd25519PublicKey(pub)
		ring := NewKeyRing()
		require.NoError(t, ring.Add(g.PublicKey.PK)) // hex accepted on input
		v, err := NewVerifier(WithTypes("test/ping"), WithKeyRing(ring), WithoutFreshness())
		require.NoError(t, err)
		rk := ring.lookup(key)
		require.NotNil(t, rk, "ring files hex keys under their canonical string")
		for _, tc := range g.Tests {
			total++
			msg, _ := hex.DecodeString(tc.Msg)
			sig, _ := hex.DecodeString(tc.Sig)
			ok := len(sig) == ed25519.SignatureSize && rk.vk.verify(msg, sig)
			require.Equal(t, tc.Result == "valid", ok, "tcId %d %v", tc.TCID, tc.Flags)
			if ok {
				valid++
			}

			env := `{"alg":"ed25519","nonce":"AAAAAAAAAAAAAAAAAAAAAA","payload":{"msg":"` + tc.Msg +
				`"},"sender_pubkey":"` + key + `","signature":"` + base64.RawURLEncoding.EncodeToString(sig) +
				`","timestamp":1767657600,"type":"test/ping","v":1}`
			_, err := v.Open([]byte(env))
			if len(sig) == ed25519.SignatureSize {
				require.ErrorIs(t, err, ErrBadSignature, "tcId %d", tc.TCID)
			} else {
				require.ErrorIs(t, err, ErrMalformed, "tcId %d", tc.TCID)
			}
		}
	}
	require.Equal(t, 151, total)
	require.Positive(t, valid)
}
