package checkpoint

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// memTree is an in-memory RFC 6962 tree for tests.
type memTree struct {
	n      int64
	stored []tlog.Hash
}

func (t *memTree) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		out[i] = t.stored[x]
	}
	return out, nil
}

func (t *memTree) add(t2 testing.TB, records ...string) {
	for _, r := range records {
		hs, err := tlog.StoredHashes(t.n, []byte(r), t)
		require.NoError(t2, err)
		t.stored = append(t.stored, hs...)
		t.n++
	}
}

// testProof returns a proof of record "r3" at index 3 in a tree of 7,
// signed by key 1 and cosigned by witness key 2.
func testProof(t testing.TB) (*Proof, note.Verifier, note.Verifier) {
	var tr memTree
	tr.add(t, "r0", "r1", "r2", "r3", "r4", "r5", "r6")
	root, err := tlog.TreeHash(tr.n, &tr)
	require.NoError(t, err)
	s := mustSigner(t, origin, 1)
	signed, err := Sign(Checkpoint{Origin: origin, Size: 7, Hash: root}, s)
	require.NoError(t, err)
	w, err := NewCosigner("witness.example/w1", key(2))
	require.NoError(t, err)
	cosigned, err := w.Cosign(signed, s.Verifier(), fixedTime)
	require.NoError(t, err)
	path, err := tlog.ProveRecord(7, 3, &tr)
	require.NoError(t, err)
	return &Proof{Extra: []byte("context"), Index: 3, Path: path, Checkpoint: cosigned}, s.Verifier(), w.Verifier()
}

func TestProofRoundTripAndVerify(t *testing.T) {
	p, logV, wV := testProof(t)
	text := p.Marshal()
	require.True(t, bytes.HasPrefix(text, []byte("c2sp.org/tlog-proof@v1\nextra Y29udGV4dA==\nindex 3\n")))
	got, err := ParseProof(text)
	require.NoError(t, err)
	require.Equal(t, p, got)

	c, err := got.Verify([]byte("r3"), logV, []note.Verifier{wV}, 1)
	require.NoError(t, err)
	require.Equal(t, uint64(7), c.Size)

	_, err = got.Verify([]byte("r4"), logV, []note.Verifier{wV}, 1)
	require.ErrorIs(t, err, ErrInclusion)
	other := *got
	other.Index = 4
	_, err = other.Verify([]byte("r3"), logV, nil, 0)
	require.ErrorIs(t, err, ErrInclusion)
	_, err = got.Verify([]byte("r3"), mustVerifier(t, origin, 9), nil, 0)
	require.ErrorIs(t, err, ErrBadSignature)
	w3, err := NewCosignatureVerifier("witness.example/w3", pub(3))
	require.NoError(t, err)
	_, err = got.Verify([]byte("r3"), logV, []note.Verifier{w3}, 1)
	require.ErrorIs(t, err, ErrTooFewCosignatures)

	// Without extra data the line is left out.
	p.Extra = nil
	require.NotContains(t, string(p.Marshal()), "extra")
	again, err := ParseProof(p.Marshal())
	require.NoError(t, err)
	require.Equal(t, p, again)
}

func TestParseProofRejects(t *testing.T) {
	p, _, _ := testProof(t)
	good := string(p.Marshal())
	h := strings.Split(good, "\n")[3]
	cp := string(p.Checkpoint)
	for _, tc := range []struct{ desc, text string }{
		{"empty", ""},
		{"other header", strings.Replace(good, "@v1", "@v2", 1)},
		{"empty extra", "c2sp.org/tlog-proof@v1\nextra \nindex 3\n\n" + cp},
		{"bad extra", "c2sp.org/tlog-proof@v1\nextra ***\nindex 3\n\n" + cp},
		{"no index", "c2sp.org/tlog-proof@v1\n" + h + "\n\n" + cp},
		{"leading zero index", "c2sp.org/tlog-proof@v1\nindex 03\n\n" + cp},
		{"negative index", "c2sp.org/tlog-proof@v1\nindex -3\n\n" + cp},
		{"short hash", "c2sp.org/tlog-proof@v1\nindex 3\n" + h[:20] + "\n\n" + cp},
		{"no blank line", "c2sp.org/tlog-proof@v1\nindex 3\n" + h},
		{"no checkpoint", "c2sp.org/tlog-proof@v1\nindex 3\n" + h + "\n\n"},
		{"too many hashes", "c2sp.org/tlog-proof@v1\nindex 3\n" + strings.Repeat(h+"\n", 64) + "\n" + cp},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			_, err := ParseProof([]byte(tc.text))
			require.ErrorIs(t, err, ErrMalformed)
		})
	}
}

// FuzzParseProof checks that ParseProof returns only ErrMalformed, that
// what it accepts encodes back to the same bytes, and that Verify of an
// accepted proof returns only declared errors.
func FuzzParseProof(f *testing.F) {
	p, logV, wV := testProof(f)
	f.Add(p.Marshal())
	p.Extra, p.Path = nil, nil
	f.Add(p.Marshal())
	f.Add([]byte("c2sp.org/tlog-proof@v1\nindex 0\n\nx\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseProof(data)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("undeclared error %v", err)
			}
			return
		}
		if got := p.Marshal(); !bytes.Equal(got, data) {
			t.Fatalf("Marshal = %q, want %q", got, data)
		}
		_, err = p.Verify([]byte("r3"), logV, []note.Verifier{wV}, 1)
		if err != nil && !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrBadSignature) && !errors.Is(err, ErrOrigin) &&
			!errors.Is(err, ErrTooFewCosignatures) && !errors.Is(err, ErrInclusion) {
			t.Fatalf("Verify: undeclared error %v", err)
		}
	})
}
