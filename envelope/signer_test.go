package envelope

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/cloudflare/circl/sign/mldsa/mldsa65"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func testMLDSAKey(b byte) *mldsa65.PrivateKey {
	var seed [mldsa65.SeedSize]byte
	for i := range seed {
		seed[i] = b
	}
	_, priv := mldsa65.NewKeyFromSeed(&seed)
	return priv
}

// TestAlgorithms seals and opens envelopes with every algorithm in both
// forms, and checks that a signature of each is bound to its key.
func TestAlgorithms(t *testing.T) {
	secret := []byte(strings.Repeat("k", MinHMACKeySize))
	hm, err := NewHMACSigner("swarm-1", secret)
	require.NoError(t, err)
	ed := NewEd25519Signer(testKey(1))
	ml := NewMLDSA65Signer(testMLDSAKey(1))
	hy, err := NewHybridSigner(ed, ml)
	require.NoError(t, err)
	viaCrypto, err := NewCryptoSigner(testKey(4))
	require.NoError(t, err)
	mlViaCrypto, err := NewCryptoSigner(testMLDSAKey(2))
	require.NoError(t, err)

	for _, s := range []Signer{ed, hm, ml, hy, viaCrypto, mlViaCrypto} {
		for _, seal := range []func(Signer, string, any, ...SealOption) ([]byte, error){Seal, SealCBOR} {
			t.Run(s.Algorithm(), func(t *testing.T) {
				c := &clock{t: t0}
				opts := []VerifierOption{WithTypes("test/ping"), WithClock(c.now), WithoutStartupFence(), WithHMACKey("swarm-1", secret)}
				if s.Algorithm() != AlgHMACSHA256 {
					opts = append(opts, WithKeys(s.PublicKey()))
				}
				v, err := NewVerifier(opts...)
				require.NoError(t, err)
				msg, err := seal(s, "test/ping", ping{Seq: 5}, WithTimestamp(t0))
				require.NoError(t, err)
				e, err := v.Open(msg)
				require.NoError(t, err)
				assert.Equal(t, s.Algorithm(), e.Alg)
				assert.Len(t, e.Signature, signatureSize(s.Algorithm()))
				sb, err := SigningBytes(msg)
				require.NoError(t, err)
				e.Signature[len(e.Signature)-1] ^= 1
				vk := v.ring.lookup(s.PublicKey())
				require.NotNil(t, vk)
				assert.False(t, vk.vk.verify(sb, e.Signature))
			})
		}
	}
}

// TestHybridNeedsBoth checks a hybrid envelope fails if either half is bad.
func TestHybridNeedsBoth(t *testing.T) {
	ed := NewEd25519Signer(testKey(1))
	ml := NewMLDSA65Signer(testMLDSAKey(1))
	hy, err := NewHybridSigner(ed, ml)
	require.NoError(t, err)
	msg, err := Seal(hy, "test/ping", ping{}, WithTimestamp(t0))
	require.NoError(t, err)
	e, sb, err := parseJSON(msg)
	require.NoError(t, err)
	vk, err := parseVerifyKey(hy.PublicKey())
	require.NoError(t, err)
	require.True(t, vk.verify(sb, e.Signature))
	for _, at := range []int{0, ed25519.SignatureSize + 10} {
		bad := append([]byte(nil), e.Signature...)
		bad[at] ^= 1
		assert.False(t, vk.verify(sb, bad), "flip at %d", at)
	}
	_, err = NewHybridSigner(ml, ed)
	require.Error(t, err)
}

type failingSigner struct{ crypto.Signer }

func (failingSigner) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return []byte("short"), nil
}

func TestCryptoSignerAdapter(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	_, err = NewCryptoSigner(rsaKey)
	require.ErrorIs(t, err, ErrUnsupported)

	s, err := NewCryptoSigner(failingSigner{testKey(1)})
	require.NoError(t, err)
	_, err = Seal(s, "test/ping", ping{}, WithTimestamp(t0))
	require.ErrorContains(t, err, "want 64")
}

func TestHMACKeyRules(t *testing.T) {
	_, err := NewHMACSigner("k", make([]byte, MinHMACKeySize-1))
	require.Error(t, err)
	_, err = NewHMACSigner("bad id", make([]byte, MinHMACKeySize))
	require.Error(t, err)
	_, err = NewHMACSigner("", make([]byte, MinHMACKeySize))
	require.Error(t, err)
	_, err = NewVerifier(WithTypes("t"), WithHMACKey("k", []byte("short")))
	require.Error(t, err)
}

func TestTrustOnFirstUse(t *testing.T) {
	known := NewEd25519Signer(testKey(1))
	newcomer := NewEd25519Signer(testKey(2))
	refused := NewEd25519Signer(testKey(3))
	c := &clock{t: t0}
	policy := func(e *Envelope) bool { return e.SenderType == "metabolic" }

	// Off by default: an unknown key is refused.
	v, err := NewVerifier(WithTypes("test/ping"), WithKeys(known.PublicKey()), WithClock(c.now), WithoutStartupFence())
	require.NoError(t, err)
	msg, err := Seal(newcomer, "test/ping", ping{}, WithTimestamp(t0), WithSenderType("metabolic"))
	require.NoError(t, err)
	_, err = v.Open(msg)
	require.ErrorIs(t, err, ErrUnknownKey)

	ring := NewKeyRing()
	v, err = NewVerifier(WithTypes("test/ping"), WithKeyRing(ring), WithClock(c.now), WithoutStartupFence(), WithTrustOnFirstUse(policy))
	require.NoError(t, err)
	// A forged first message does not teach the key.
	_, err = v.Open(flipSig(t, msg))
	require.ErrorIs(t, err, ErrBadSignature)
	require.Empty(t, ring.Keys())
	_, err = v.Open(msg)
	require.NoError(t, err)
	keys := ring.Keys()
	require.Len(t, keys, 1)
	assert.Equal(t, newcomer.PublicKey(), keys[0].PublicKey)
	assert.True(t, keys[0].Learned)
	assert.Equal(t, t0.UTC(), keys[0].NotBefore)

	// Once learned, the key is known regardless of the policy.
	again, err := Seal(newcomer, "test/ping", ping{Seq: 2}, WithTimestamp(t0))
	require.NoError(t, err)
	_, err = v.Open(again)
	require.NoError(t, err)

	no, err := Seal(refused, "test/ping", ping{}, WithTimestamp(t0), WithSenderType("sentinel"))
	require.NoError(t, err)
	_, err = v.Open(no)
	require.ErrorIs(t, err, ErrUnknownKey)
}

func TestKeyStrings(t *testing.T) {
	pub := testKey(1).Public().(ed25519.PublicKey)
	s := FormatEd25519PublicKey(pub)
	require.True(t, strings.HasPrefix(s, "ed25519:z6Mk"))
	for _, in := range []string{s, "did:key:" + s[len(PrefixEd25519):], hex.EncodeToString(pub), PrefixEd25519 + hex.EncodeToString(pub)} {
		got, err := ParseEd25519PublicKey(in)
		require.NoError(t, err, in)
		assert.Equal(t, pub, got)
	}
	for _, bad := range []string{"", "ed25519:", "ed25519:z", "ed25519:z0OIl", "ed25519:m6Mk", "ed25519:" + s[len(PrefixEd25519):len(s)-1],
		FormatMLDSA65PublicKey(testMLDSAKey(1).Public().(*mldsa65.PublicKey))} {
		_, err := ParseEd25519PublicKey(bad)
		assert.Error(t, err, bad)
	}
	mpub := testMLDSAKey(1).Public().(*mldsa65.PublicKey)
	ms := FormatMLDSA65PublicKey(mpub)
	got, err := ParseMLDSA65PublicKey(ms)
	require.NoError(t, err)
	assert.True(t, mpub.Equal(got))
	raw, _ := mpub.MarshalBinary()
	got, err = ParseMLDSA65PublicKey(PrefixMLDSA65 + hex.EncodeToString(raw))
	require.NoError(t, err)
	assert.True(t, mpub.Equal(got))
	_, err = ParseMLDSA65PublicKey(s)
	assert.Error(t, err)

	for _, b := range [][]byte{nil, {0}, {0, 0, 1}, {0xff, 0xfe}, []byte("hello world")} {
		back, err := base58Decode(base58Encode(b))
		require.NoError(t, err)
		assert.Equal(t, string(b), string(back))
	}
	assert.Equal(t, "StV1DL6CwTryKyV", base58Encode([]byte("hello world")))
}

func TestDigest(t *testing.T) {
	d := Blake3([]byte("abc"))
	assert.Equal(t, "blake3:6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85", d.String())
	s := SHA256([]byte("abc"))
	assert.Equal(t, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", s.String())
	p, err := ParseDigest(d.String())
	require.NoError(t, err)
	assert.True(t, p.Equal(d))
	assert.False(t, p.Equal(s))
	assert.False(t, Digest{}.Equal(Digest{}))
	sum := d.Sum()
	same, err := NewDigest("sha256", sum[:])
	require.NoError(t, err)
	assert.False(t, same.Equal(d), "same bytes, different algorithm")

	for _, bad := range []string{"", "blake3", "md5:" + strings.Repeat("0", 64), "blake3:" + strings.Repeat("0", 63),
		"blake3:" + strings.Repeat("A", 64), "blake3:" + strings.Repeat("g", 64)} {
		_, err := ParseDigest(bad)
		assert.Error(t, err, bad)
	}
	txt, err := d.MarshalText()
	require.NoError(t, err)
	var back Digest
	require.NoError(t, back.UnmarshalText(txt))
	assert.True(t, back.Equal(d))
}

func TestKeyRing(t *testing.T) {
	r := NewKeyRing()
	k := NewEd25519Signer(testKey(1)).PublicKey()
	require.NoError(t, r.Add(k, ValidFrom(t0), ValidUntil(t0.Add(time.Hour))))
	require.Error(t, r.Add(k), "duplicate")
	require.Error(t, r.Add("ed25519:nope"))
	require.Error(t, NewKeyRing().Add(k, ValidFrom(t0), ValidUntil(t0)))
	require.ErrorIs(t, r.Retire(NewEd25519Signer(testKey(2)).PublicKey(), t0), ErrUnknownKey)
	rk := r.lookup(k)
	assert.True(t, rk.validAt(t0.Unix()))
	assert.False(t, rk.validAt(t0.Unix()-1))
	assert.False(t, rk.validAt(t0.Add(time.Hour).Unix()))
	require.NoError(t, r.Retire(k, t0.Add(time.Minute)))
	require.NoError(t, r.Retire(k, t0.Add(2*time.Minute)), "retiring later does not extend")
	assert.False(t, r.lookup(k).validAt(t0.Add(time.Minute).Unix()))
	r.Remove(k)
	assert.Nil(t, r.lookup(k))

	v, err := NewVerifier(WithTypes("t"), WithKeys(k))
	require.NoError(t, err)
	require.Len(t, v.KeyRing().Keys(), 1)
	assert.Equal(t, k, v.KeyRing().Keys()[0].PublicKey)
}

func TestNewVerifierRejectsBadConfig(t *testing.T) {
	k := NewEd25519Signer(testKey(1)).PublicKey()
	for name, opts := range map[string][]VerifierOption{
		"no types":               {WithKeys(k)},
		"no keys":                {WithTypes("t")},
		"bad type":               {WithTypes("a b"), WithKeys(k)},
		"bad key":                {WithTypes("t"), WithKeys("ed25519:zzz")},
		"window too small":       {WithTypes("t"), WithKeys(k), WithWindow(time.Millisecond)},
		"nil clock":              {WithTypes("t"), WithKeys(k), WithClock(nil)},
		"nil ring":               {WithTypes("t"), WithKeyRing(nil)},
		"freshness conflict":     {WithTypes("t"), WithKeys(k), WithoutFreshness(), WithoutStartupFence()},
		"cache window too short": {WithTypes("t"), WithKeys(k), WithReplayCache(mustCache(t, time.Second))},
		"tiny capacity":          {WithTypes("t"), WithKeys(k), WithReplayCapacity(1)},
	} {
		_, err := NewVerifier(opts...)
		assert.Error(t, err, name)
	}
}

func mustCache(t *testing.T, w time.Duration) *ReplayCache {
	c, err := NewReplayCache(w, 1024)
	require.NoError(t, err)
	return c
}
