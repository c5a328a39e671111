package bundle

import (
	"archive/tar"
	"bytes"
	"crypto/ed25519"
	"github.com/accordsdk/accord/internal/merkletree"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/accordsdk/accord/envelope"
	"github.com/stretchr/testify/require"
	"github.com/zeebo/blake3"
	"golang.org/x/mod/sumdb/tlog"
)

// newSigner returns an Ed25519 signer with a fixed key derived from seed,
// and its public key string.
func newSigner(seed byte) (envelope.Signer, string) {
	s := envelope.NewEd25519Signer(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, 32)))
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
func build(t testing.TB, s envelope.Signer, members []testMember, opts ...WriterOption) []byte {
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

// rawEntry is one tar entry of a hand-assembled archive.
type rawEntry struct {
	name string
	body []byte
}

// assemble writes entries in canonical tar form, in the order given, with
// the end marker.
func assemble(entries []rawEntry) []byte {
	var b []byte
	for _, e := range entries {
		b = appendHeader(b, e.name, int64(len(e.body)))
		b = append(b, e.body...)
		b = appendPadding(b, int64(len(e.body)))
	}
	return append(b, make([]byte, 2*blockSize)...)
}

// forged holds the parts of a bundle before it is signed and assembled, so
// a test can make them disagree.
type forged struct {
	info     Info
	manifest []byte
	rawInfo  []byte // if set, used as bundle.json instead of info
	payload  SignedManifest
	members  []rawEntry
}

// forge builds the parts of a bundle of members signed by s, lets edit change
// them, then signs (the digests of whatever bundle.json and manifest.json
// edit left, unless edit set them) and assembles the archive.
func forge(t testing.TB, s envelope.Signer, members []testMember, edit func(*forged)) []byte {
	t.Helper()
	m := &Manifest{table: &memberTable{}}
	var f forged
	sorted := append([]testMember(nil), members...)
	slices.SortFunc(sorted, func(a, b testMember) int { return strings.Compare(a.name, b.name) })
	for _, tm := range sorted {
		m.add(tm.name, int64(len(tm.body)), blake3.Sum256([]byte(tm.body)))
		f.members = append(f.members, rawEntry{tm.name, []byte(tm.body)})
	}
	f.manifest = m.encode()
	f.info = Info{Signer: s.PublicKey(), SignerFingerprint: keyFingerprint(s.PublicKey()), MemberCount: int64(m.Len()), TotalSize: m.total, MerkleRoot: m.root}
	f.payload = SignedManifest{MerkleRoot: m.root, MemberCount: int64(m.Len())}
	if edit != nil {
		edit(&f)
	}
	bundleJSON, err := f.info.encode()
	require.NoError(t, err)
	if f.rawInfo != nil {
		bundleJSON = f.rawInfo
	}
	if f.payload.BundleDigest.IsZero() {
		f.payload.BundleDigest = envelope.Blake3(bundleJSON)
	}
	if f.payload.ManifestDigest.IsZero() {
		f.payload.ManifestDigest = envelope.Blake3(f.manifest)
	}
	sig, err := seal(s, &f.payload, testTime)
	require.NoError(t, err)
	entries := append([]rawEntry{{BundleJSONName, bundleJSON}, {ManifestJSONName, f.manifest}, {SignatureName, sig}}, f.members...)
	return assemble(entries)
}

// splitArchive parses a canonical archive into its entries (test helper; no
// checks beyond the tar framing).
func splitArchive(t testing.TB, b []byte) []rawEntry {
	t.Helper()
	tr := newTarReader(bytes.NewReader(b))
	var out []rawEntry
	for {
		e, end, err := tr.next()
		require.NoError(t, err)
		if end {
			return out
		}
		body := make([]byte, e.size)
		_, err = io.ReadFull(tr.r, body)
		require.NoError(t, err)
		tr.off += e.size
		require.NoError(t, tr.readPadding(e.size, e.name))
		out = append(out, rawEntry{e.name, body})
	}
}

// tarEntry writes an archive/tar archive of the canonical header members of
// b followed by one entry with the given header, to test entries this
// package never writes.
func withForeignEntry(t testing.TB, b []byte, hdr *tar.Header, body []byte) []byte {
	t.Helper()
	entries := splitArchive(t, b)
	var out bytes.Buffer
	out.Write(assembleNoEnd(entries[:min(3, len(entries))]))
	tw := tar.NewWriter(&out)
	require.NoError(t, tw.WriteHeader(hdr))
	_, err := tw.Write(body)
	require.NoError(t, err)
	require.NoError(t, tw.Close())
	return out.Bytes()
}

func assembleNoEnd(entries []rawEntry) []byte {
	b := assemble(entries)
	return b[:len(b)-2*blockSize]
}

// encode returns manifest.json for m's members (its table) and sets m.root,
// as the Writer would write it; tests use it to forge manifests.
func (m *Manifest) encode() []byte {
	var body []byte
	var tb merkletree.Frontier
	t := m.table
	for i := range t.sizes {
		start := len(body)
		body = appendLeaf(body, t.name(i), t.sizes[i], &t.sums[i])
		tb.Append(tlog.RecordHash(body[start:]))
		if i < len(t.sizes)-1 {
			body = append(body, ',')
		}
		body = append(body, '\n')
	}
	m.root = tb.Root()
	out := make([]byte, 0, len(body)+128)
	out = append(out, manifestHead1...)
	out = append(out, m.root.String()...)
	out = append(out, manifestHead2...)
	out = append(out, body...)
	return append(out, manifestTail...)
}
