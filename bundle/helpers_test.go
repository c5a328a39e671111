package bundle

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// testSigner is an Ed25519 signer with a fixed key derived from seed.
type testSigner struct {
	priv ed25519.PrivateKey
}

func (s testSigner) Algorithm() string { return "ed25519" }
func (s testSigner) PublicKey() string {
	return "ed25519:" + hex.EncodeToString(s.priv.Public().(ed25519.PublicKey))
}
func (s testSigner) Sign(m []byte) ([]byte, error) { return ed25519.Sign(s.priv, m), nil }

func newSigner(seed byte) (Signer, string) {
	s := testSigner{ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, 32))}
	return s, s.PublicKey()
}

var testTime = time.Date(2025, 12, 6, 10, 0, 0, 0, time.UTC)

type testMember struct {
	name string
	body string
}

func testMembers() []testMember {
	return []testMember{
		{"heartbeats/inst-1/0001.json", `{"state":"ok"}`},
		{"acks/inst-1/0001.json", `{"ack":"yes"}`},
		{"heartbeats/inst-2/0001.json", strings.Repeat("x", 700)},
		{"empty", ""},
	}
}

// build writes a bundle of members signed by s.
func build(t testing.TB, s Signer, members []testMember, opts ...WriterOption) []byte {
	t.Helper()
	var out bytes.Buffer
	w, err := NewWriter(&out, s, append([]WriterOption{WithCreatedAt(testTime), WithIssuer("lr-test")}, opts...)...)
	require.NoError(t, err)
	for _, m := range members {
		require.NoError(t, w.Add(m.name, strings.NewReader(m.body)))
	}
	require.NoError(t, w.Close())
	return out.Bytes()
}

// collect verifies b and returns the members the callback saw.
func collect(b []byte, pub string, opts ...VerifyOption) (map[string]string, *Manifest, error) {
	got := map[string]string{}
	m, err := Verify(bytes.NewReader(b), pub, func(name string, r io.Reader) error {
		body, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		got[name] = string(body)
		return nil
	}, opts...)
	return got, m, err
}
