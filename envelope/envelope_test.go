package envelope

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSealOpenRoundTrip(t *testing.T) {
	s := NewEd25519Signer(testKey(1))
	for _, tc := range []struct {
		name string
		seal func(Signer, string, any, ...SealOption) ([]byte, error)
		fmt  Format
	}{
		{"json", Seal, FormatJSON},
		{"cbor", SealCBOR, FormatCBOR},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, _ := newTestVerifier(t, []Signer{s})
			msg, err := tc.seal(s, "test/ping", ping{Seq: 7, Note: "héllo"}, WithTimestamp(t0), WithSenderType("metabolic"))
			require.NoError(t, err)
			e, err := v.Open(msg)
			require.NoError(t, err)
			assert.Equal(t, "test/ping", e.Type)
			assert.Equal(t, AlgEd25519, e.Alg)
			assert.Equal(t, s.PublicKey(), e.SenderPubkey)
			assert.Equal(t, "metabolic", e.SenderType)
			assert.Equal(t, t0.Unix(), e.Timestamp)
			assert.Equal(t, tc.fmt, e.Format)
			assert.Len(t, e.Nonce, NonceSize)
			var p ping
			require.NoError(t, e.DecodePayload(&p))
			assert.Equal(t, ping{Seq: 7, Note: "héllo"}, p)

			_, err = v.Open(msg)
			require.ErrorIs(t, err, ErrReplay)

			tampered := append([]byte(nil), msg...)
			tampered[len(tampered)/2] ^= 1
			_, err = v.Open(tampered)
			require.Error(t, err)
		})
	}
}

func TestSealJSONIsCanonical(t *testing.T) {
	s := NewEd25519Signer(testKey(1))
	msg, err := Seal(s, "test/ping", map[string]any{"b": 1, "a": []int{2, 3}}, WithTimestamp(t0), WithNonce(make([]byte, NonceSize)))
	require.NoError(t, err)
	c, err := CanonicalJSON(msg)
	require.NoError(t, err)
	assert.Equal(t, string(c), string(msg))
	sb, err := SigningBytes(msg)
	require.NoError(t, err)
	assert.Equal(t, `{"alg":"ed25519","nonce":"AAAAAAAAAAAAAAAAAAAAAA","payload":{"a":[2,3],"b":1},"sender_pubkey":"`+
		s.PublicKey()+`","timestamp":1767657600,"type":"test/ping","v":1}`, string(sb))
}

func TestJCSVectors(t *testing.T) {
	files, err := filepath.Glob("testdata/jcs/input/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			in, err := os.ReadFile(f)
			require.NoError(t, err)
			want, err := os.ReadFile(filepath.Join("testdata/jcs/output", filepath.Base(f)))
			require.NoError(t, err)
			got, err := CanonicalJSON(in)
			require.NoError(t, err)
			assert.Equal(t, string(want), string(got))
		})
	}
}

func TestRotateKey(t *testing.T) {
	old, cur := NewEd25519Signer(testKey(1)), NewEd25519Signer(testKey(2))
	ring := NewKeyRing()
	require.NoError(t, ring.Add(old.PublicKey()))
	c := &clock{t: t0}
	v, err := NewVerifier(WithTypes("test/ping"), WithKeyRing(ring), WithClock(c.now), WithoutStartupFence())
	require.NoError(t, err)

	rotation := t0.Add(10 * time.Second)
	require.NoError(t, ring.Add(cur.PublicKey(), ValidFrom(rotation)))
	require.NoError(t, ring.Retire(old.PublicKey(), rotation))

	before, err := Seal(old, "test/ping", ping{Seq: 1}, WithTimestamp(t0))
	require.NoError(t, err)
	_, err = v.Open(before)
	require.NoError(t, err, "old key verifies what it signed before its retirement")

	c.t = rotation.Add(time.Second)
	after, err := Seal(old, "test/ping", ping{Seq: 2}, WithTimestamp(c.t))
	require.NoError(t, err)
	_, err = v.Open(after)
	require.ErrorIs(t, err, ErrKeyNotValid)

	early, err := Seal(cur, "test/ping", ping{Seq: 3}, WithTimestamp(t0))
	require.NoError(t, err)
	_, err = v.Open(early)
	require.ErrorIs(t, err, ErrKeyNotValid)

	fresh, err := Seal(cur, "test/ping", ping{Seq: 4}, WithTimestamp(c.t))
	require.NoError(t, err)
	_, err = v.Open(fresh)
	require.NoError(t, err)
}

// TestDecodePayloadMatchesNamesExactly: names are matched exactly, so two
// names that differ only in case, which encoding/json would conflate, are
// two members: into a struct the one without a field is refused, into a
// map both are kept apart; duplicates after unescaping, null for a scalar
// field and unknown members are refused.
func TestDecodePayloadMatchesNamesExactly(t *testing.T) {
	s := NewEd25519Signer(testKey(1))
	open := func(payload string) *Envelope {
		msg, err := Seal(s, "test/ping", json.RawMessage(payload), WithTimestamp(t0))
		require.NoError(t, err)
		v, _ := newTestVerifier(t, []Signer{s})
		e, err := v.Open(msg)
		require.NoError(t, err, "Open checks the signature, not the payload's meaning")
		return e
	}
	for _, tc := range []struct {
		payload string
		ok      bool
	}{
		{`{"seq":1}`, true},
		{`{"Seq":2,"seq":1}`, false}, // Seq is no field of ping
		{`{"Seq":2}`, false},
		{`{"se\u0071":1}`, true}, // the name after unescaping is seq
		{`{"seq":null}`, false},
		{`{"seq":1,"other":2}`, false},
		{`{"seq":1.5}`, false},
	} {
		var p ping
		err := open(tc.payload).DecodePayload(&p)
		if tc.ok {
			require.NoError(t, err, tc.payload)
			assert.Equal(t, 1, p.Seq)
		} else {
			require.ErrorIs(t, err, ErrMalformed, tc.payload)
		}
	}
	var m map[string]any
	require.NoError(t, open(`{"A":1,"a":2,"\u212a":3,"k":4}`).DecodePayload(&m))
	assert.Equal(t, map[string]any{"A": 1.0, "a": 2.0, "\u212a": 3.0, "k": 4.0}, m)
}
