package checkpoint

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/accordsdk/accord/envelope"
)

const origin = "example.com/accord-log"

func key(seed byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
}

func pub(seed byte) ed25519.PublicKey { return key(seed).Public().(ed25519.PublicKey) }

func mustSigner(t testing.TB, name string, seed byte) *Signer {
	s, err := NewSigner(name, key(seed))
	require.NoError(t, err)
	return s
}

func mustVerifier(t testing.TB, name string, seed byte) note.Verifier {
	v, err := NewVerifier(name, pub(seed))
	require.NoError(t, err)
	return v
}

var (
	hash1     = tlog.RecordHash([]byte("one"))
	fixedTime = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
)

func TestParse(t *testing.T) {
	h := base64.StdEncoding.EncodeToString(hash1[:])
	for _, tc := range []struct {
		desc    string
		text    string
		want    Checkpoint
		wantErr bool
	}{
		{desc: "basic", text: origin + "\n42\n" + h + "\n", want: Checkpoint{Origin: origin, Size: 42, Hash: hash1}},
		{desc: "empty tree", text: origin + "\n0\n" + h + "\n", want: Checkpoint{Origin: origin, Size: 0, Hash: hash1}},
		{desc: "extension lines", text: "o\n1\n" + h + "\next one\next two\n", want: Checkpoint{Origin: "o", Size: 1, Hash: hash1, Extensions: []string{"ext one", "ext two"}}},
		{desc: "largest size", text: "o\n9223372036854775807\n" + h + "\n", want: Checkpoint{Origin: "o", Size: 1<<63 - 1, Hash: hash1}},
		{desc: "no final newline", text: "o\n1\n" + h, wantErr: true},
		{desc: "two lines", text: "o\n1\n", wantErr: true},
		{desc: "empty origin", text: "\n1\n" + h + "\n", wantErr: true},
		{desc: "leading zero", text: "o\n01\n" + h + "\n", wantErr: true},
		{desc: "plus sign", text: "o\n+1\n" + h + "\n", wantErr: true},
		{desc: "negative", text: "o\n-1\n" + h + "\n", wantErr: true},
		{desc: "size over 2^63-1", text: "o\n9223372036854775808\n" + h + "\n", wantErr: true},
		{desc: "size over 2^64", text: "o\n18446744073709551616\n" + h + "\n", wantErr: true},
		{desc: "short hash", text: "o\n1\n" + h[:40] + "\n", wantErr: true},
		{desc: "unpadded hash", text: "o\n1\n" + strings.TrimRight(h, "=") + "\n", wantErr: true},
		{desc: "non-canonical hash bits", text: "o\n1\n" + h[:42] + "B=\n", wantErr: true},
		{desc: "empty extension line", text: "o\n1\n" + h + "\n\next\n", wantErr: true},
		{desc: "carriage return", text: "o\r\n1\n" + h + "\n", wantErr: true},
		{desc: "tab", text: "o\t\n1\n" + h + "\n", wantErr: true},
		{desc: "invalid utf-8", text: "o\xff\n1\n" + h + "\n", wantErr: true},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			got, err := Parse([]byte(tc.text))
			if tc.wantErr {
				require.ErrorIs(t, err, ErrMalformed)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
			require.Equal(t, tc.text, string(got.Marshal()), "Marshal reproduces the text")
		})
	}
}

func TestSignAndVerify(t *testing.T) {
	c := Checkpoint{Origin: origin, Size: 7, Hash: hash1}
	signed, err := Sign(c, mustSigner(t, origin, 1))
	require.NoError(t, err)

	got, n, err := Verify(signed, mustVerifier(t, origin, 1))
	require.NoError(t, err)
	require.Equal(t, c, got)
	require.Len(t, n.Sigs, 1)

	t.Run("other key", func(t *testing.T) {
		_, _, err := Verify(signed, mustVerifier(t, origin, 2))
		require.ErrorIs(t, err, ErrBadSignature)
		var unverified *note.UnverifiedNoteError
		require.ErrorAs(t, err, &unverified)
	})
	t.Run("altered size", func(t *testing.T) {
		altered := bytes.Replace(signed, []byte("\n7\n"), []byte("\n8\n"), 1)
		_, _, err := Verify(altered, mustVerifier(t, origin, 1))
		require.ErrorIs(t, err, ErrBadSignature)
		var invalid *note.InvalidSignatureError
		require.ErrorAs(t, err, &invalid)
	})
	t.Run("origin is not the key name", func(t *testing.T) {
		other, err := Sign(Checkpoint{Origin: "other.example/log", Size: 1, Hash: hash1}, mustSigner(t, origin, 1))
		require.NoError(t, err)
		_, _, err = Verify(other, mustVerifier(t, origin, 1))
		require.ErrorIs(t, err, ErrOrigin)
	})
	t.Run("signature by another key is ignored", func(t *testing.T) {
		both, err := Sign(c, mustSigner(t, "someone.example/else", 3), mustSigner(t, origin, 1))
		require.NoError(t, err)
		_, n, err := Verify(both, mustVerifier(t, origin, 1))
		require.NoError(t, err)
		require.Len(t, n.UnverifiedSigs, 1)
	})
	t.Run("not a note", func(t *testing.T) {
		_, _, err := Verify([]byte("hello"), mustVerifier(t, origin, 1))
		require.ErrorIs(t, err, ErrMalformed)
	})
	t.Run("signed text is not a checkpoint", func(t *testing.T) {
		msg, err := note.Sign(&note.Note{Text: "just\ntext\n"}, mustSigner(t, origin, 1))
		require.NoError(t, err)
		_, _, err = Verify(msg, mustVerifier(t, origin, 1))
		require.ErrorIs(t, err, ErrMalformed)
	})
	_, err = Sign(Checkpoint{Origin: "bad\norigin", Hash: hash1}, mustSigner(t, origin, 1))
	require.ErrorIs(t, err, ErrMalformed)
}

// TestSignedNoteSpecExample verifies the example of C2SP signed-note with
// its published verifier key, so our key IDs and Ed25519 verification match
// the specification.
func TestSignedNoteSpecExample(t *testing.T) {
	v, err := ParseVerifierKey("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k")
	require.NoError(t, err)
	msg := "This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
	n, err := note.Open([]byte(msg), note.VerifierList(v))
	require.NoError(t, err)
	require.Equal(t, "This is an example message.\n", n.Text)
	// The same key through our constructor gets the same key ID.
	raw, err := base64.StdEncoding.DecodeString("AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k")
	require.NoError(t, err)
	v2, err := NewVerifier("example.com/foo", raw[1:])
	require.NoError(t, err)
	require.Equal(t, uint32(0x530d903a), v2.KeyHash())
}

func TestVerifierKeys(t *testing.T) {
	s := mustSigner(t, origin, 1)
	v, err := ParseVerifierKey(s.VerifierKey())
	require.NoError(t, err)
	require.Equal(t, s.KeyHash(), v.KeyHash())
	// note's own parser agrees with our encoding.
	nv, err := note.NewVerifier(s.VerifierKey())
	require.NoError(t, err)
	require.Equal(t, s.KeyHash(), nv.KeyHash())

	w, err := NewCosigner("witness.example/w1", key(5))
	require.NoError(t, err)
	wv, err := ParseVerifierKey(w.VerifierKey())
	require.NoError(t, err)
	require.Equal(t, w.Verifier().KeyHash(), wv.KeyHash())
	require.NotEqual(t, wv.KeyHash(), mustVerifier(t, "witness.example/w1", 5).KeyHash(),
		"a cosigner key ID (type 0x04) differs from a log key ID (type 0x01) of the same name and key")

	good := s.VerifierKey()
	parts := strings.SplitN(good, "+", 3)
	upper := parts[0] + "+" + strings.ToUpper(parts[1]) + "+" + parts[2]
	require.NotEqual(t, good, upper, "the key ID has a hex letter to upper-case")
	for _, bad := range []string{
		"", "name", "name+1234", good[:len(good)-4],
		strings.Replace(good, "+", "+0", 1),                           // key ID of 9 digits
		origin + "+00000000+" + good[strings.LastIndex(good, "+")+1:], // wrong key ID
		"bad name+12345678+" + good[strings.LastIndex(good, "+")+1:],
		origin + "+12345678+" + base64.StdEncoding.EncodeToString(append([]byte{0x02}, pub(1)...)),
	} {
		_, err := ParseVerifierKey(bad)
		require.ErrorIs(t, err, ErrBadKey, "%q", bad)
	}
}

func TestAccordKeyStrings(t *testing.T) {
	s := mustSigner(t, origin, 1)
	w, err := NewCosigner("witness.example/w1", key(2))
	require.NoError(t, err)
	signed, err := Sign(Checkpoint{Origin: origin, Size: 1, Hash: hash1}, s)
	require.NoError(t, err)
	cosigned, err := w.Cosign(signed, s.Verifier(), fixedTime)
	require.NoError(t, err)

	lv, err := LogVerifier(origin, envelope.FormatEd25519PublicKey(pub(1)))
	require.NoError(t, err)
	wv, err := WitnessVerifier("witness.example/w1", envelope.FormatEd25519PublicKey(pub(2)))
	require.NoError(t, err)
	_, cosigs, err := VerifyCosigned(cosigned, lv, []note.Verifier{wv}, 1)
	require.NoError(t, err)
	require.Len(t, cosigs, 1)

	for _, bad := range []string{"", "ed25519:zzz", "mldsa65:z123", "ed25519:" + strings.Repeat("0", 63)} {
		_, err := LogVerifier(origin, bad)
		require.ErrorIs(t, err, ErrBadKey, "%q", bad)
		_, err = WitnessVerifier("w", bad)
		require.ErrorIs(t, err, ErrBadKey, "%q", bad)
	}
}

func TestBadKeys(t *testing.T) {
	for _, name := range []string{"", "has space", "has+plus", "tab\there", "nbsp\u00a0x"} {
		_, err := NewSigner(name, key(1))
		require.ErrorIs(t, err, ErrBadKey, "%q", name)
		_, err = NewCosigner(name, key(1))
		require.ErrorIs(t, err, ErrBadKey, "%q", name)
	}
	_, err := NewSigner(origin, key(1)[:10])
	require.ErrorIs(t, err, ErrBadKey)
	_, err = NewVerifier(origin, pub(1)[:10])
	require.ErrorIs(t, err, ErrBadKey)
	_, err = NewCosignatureVerifier(origin, pub(1)[:31])
	require.ErrorIs(t, err, ErrBadKey)
}

func TestCosign(t *testing.T) {
	logS, logV := mustSigner(t, origin, 1), mustVerifier(t, origin, 1)
	w1, err := NewCosigner("witness.example/w1", key(11))
	require.NoError(t, err)
	w2, err := NewCosigner("witness.example/w2", key(12))
	require.NoError(t, err)
	c := Checkpoint{Origin: origin, Size: 99, Hash: hash1}
	signed, err := Sign(c, logS)
	require.NoError(t, err)
	at := time.Date(2026, 1, 2, 3, 4, 5, 600, time.UTC)

	once, err := w1.Cosign(signed, logV, at)
	require.NoError(t, err)
	twice, err := w2.Cosign(once, logV, at.Add(time.Minute))
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(twice, once), "cosignatures are appended")

	got, cosigs, err := VerifyCosigned(twice, logV, []note.Verifier{w1.Verifier(), w2.Verifier()}, 2)
	require.NoError(t, err)
	require.Equal(t, c, got)
	require.Equal(t, []Cosignature{
		{Name: "witness.example/w1", KeyID: w1.Verifier().KeyHash(), Time: at.Truncate(time.Second)},
		{Name: "witness.example/w2", KeyID: w2.Verifier().KeyHash(), Time: at.Add(time.Minute).Truncate(time.Second)},
	}, cosigs)

	// The cosignature is the C2SP form: key ID, big-endian time, and an
	// Ed25519 signature over "cosignature/v1\ntime T\n" and the note text.
	line := once[bytes.LastIndex(once, []byte("— witness.example/w1 ")):]
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(strings.TrimPrefix(string(line), "— witness.example/w1 ")))
	require.NoError(t, err)
	require.Len(t, raw, 4+8+64)
	require.Equal(t, keyID("witness.example/w1", 0x04, key(11).Public().(ed25519.PublicKey)), binary.BigEndian.Uint32(raw))
	require.Equal(t, uint64(at.Unix()), binary.BigEndian.Uint64(raw[4:]))
	msg := "cosignature/v1\ntime 1767323045\n" + string(c.Marshal())
	require.True(t, ed25519.Verify(key(11).Public().(ed25519.PublicKey), []byte(msg), raw[12:]))

	t.Run("threshold not met", func(t *testing.T) {
		w3, err := NewCosigner("witness.example/w3", key(13))
		require.NoError(t, err)
		_, _, err = VerifyCosigned(once, logV, []note.Verifier{w1.Verifier(), w3.Verifier()}, 2)
		require.ErrorIs(t, err, ErrTooFewCosignatures)
		_, _, err = VerifyCosigned(once, logV, []note.Verifier{w1.Verifier()}, 2)
		require.ErrorIs(t, err, ErrBadKey, "threshold above the number of witnesses")
	})
	t.Run("a witness listed twice does not count twice", func(t *testing.T) {
		_, _, err := VerifyCosigned(once, logV, []note.Verifier{w1.Verifier(), w1.Verifier()}, 2)
		require.ErrorIs(t, err, ErrBadKey)
		_, _, err = VerifyCosigned(once, logV, []note.Verifier{logV}, 1)
		require.ErrorIs(t, err, ErrBadKey)
	})
	t.Run("log signature does not count as a cosignature", func(t *testing.T) {
		_, _, err := VerifyCosigned(signed, logV, []note.Verifier{w1.Verifier()}, 1)
		require.ErrorIs(t, err, ErrTooFewCosignatures)
	})
	t.Run("altered time", func(t *testing.T) {
		raw2 := bytes.Clone(raw)
		raw2[11]++
		altered := bytes.Replace(once, []byte(base64.StdEncoding.EncodeToString(raw)), []byte(base64.StdEncoding.EncodeToString(raw2)), 1)
		_, _, err := VerifyCosigned(altered, logV, []note.Verifier{w1.Verifier()}, 1)
		require.ErrorIs(t, err, ErrBadSignature)
	})
	t.Run("witness refuses a checkpoint the log did not sign", func(t *testing.T) {
		forged, err := Sign(c, mustSigner(t, origin, 2))
		require.NoError(t, err)
		_, err = w1.Cosign(forged, logV, at)
		require.ErrorIs(t, err, ErrBadSignature)
	})
	t.Run("time before 1970", func(t *testing.T) {
		_, err := w1.Cosign(signed, logV, time.Unix(-1, 0))
		require.ErrorIs(t, err, ErrBadTime)
	})
	t.Run("time over 2^63-1 does not verify", func(t *testing.T) {
		sig := make([]byte, 8, 72)
		binary.BigEndian.PutUint64(sig, 1<<63)
		sig = append(sig, ed25519.Sign(key(11), cosignedMessage(1<<63, c.Marshal()))...)
		require.False(t, w1.Verifier().Verify(c.Marshal(), sig))
		require.False(t, w1.Verifier().Verify(c.Marshal(), sig[:70]))
	})
}

func TestErrorsAreDistinct(t *testing.T) {
	all := []error{ErrMalformed, ErrBadSignature, ErrOrigin, ErrBadKey, ErrInclusion, ErrConsistency, ErrTooFewCosignatures, ErrBadTime}
	for i, a := range all {
		for j, b := range all {
			assert.Equal(t, i == j, errors.Is(a, b))
		}
	}
}

func TestCosignatureLineMatchesCosign(t *testing.T) {
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{8}, 32))
	signer, err := NewSigner("example.com/line", key)
	require.NoError(t, err)
	signed, err := Sign(Checkpoint{Origin: "example.com/line", Size: 1, Hash: RecordHash([]byte("x"))}, signer)
	require.NoError(t, err)
	w, err := NewCosigner("example.com/w", ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, 32)))
	require.NoError(t, err)
	at := time.Unix(1767657600, 0)
	cosigned, err := w.Cosign(signed, signer.Verifier(), at)
	require.NoError(t, err)
	text := signed[:bytes.Index(signed, []byte("\n\n"))+1]
	line, err := w.CosignatureLine(text, at)
	require.NoError(t, err)
	require.Equal(t, string(cosigned), string(signed)+string(line))
	_, err = w.CosignatureLine([]byte("not a checkpoint\n"), at)
	require.ErrorIs(t, err, ErrMalformed)
}
