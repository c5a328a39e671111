package bundle

import (
	"archive/tar"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/accordsdk/accord/envelope"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/tlog"
)

func TestRoundTrip(t *testing.T) {
	s, pub := newSigner(1)
	b := build(t, s, testMembers())
	got, m, err := collect(b, pub, WithMemberTable())
	require.NoError(t, err)
	require.Len(t, got, len(testMembers()))
	for _, tm := range testMembers() {
		assert.Equal(t, tm.body, got[tm.name])
		mem, _, ok := m.Lookup(tm.name)
		require.True(t, ok)
		assert.Equal(t, int64(len(tm.body)), mem.Size)
		assert.True(t, mem.Digest.Equal(envelope.Blake3([]byte(tm.body))))
	}
	assert.Equal(t, 4, m.Len())
	info := m.Info()
	assert.Equal(t, "lr-test", info.Issuer)
	assert.True(t, info.CreatedAt.Equal(testTime))
	assert.Equal(t, pub, info.Signer)
	raw, err := envelope.ParseEd25519PublicKey(pub)
	require.NoError(t, err)
	assert.Equal(t, envelope.Fingerprint(raw), info.SignerFingerprint)
	assert.Equal(t, int64(4), info.MemberCount)
	assert.Equal(t, m.Root(), info.MerkleRoot)

	signed, err := OpenSignature(m.Signature(), pub)
	require.NoError(t, err)
	assert.Equal(t, m.Root(), signed.MerkleRoot)
	assert.Equal(t, int64(4), signed.MemberCount)
	assert.True(t, signed.SignedAt.Equal(testTime))
}

func TestByteIdenticalBuilds(t *testing.T) {
	s, _ := newSigner(1)
	members := testMembers()
	a := build(t, s, members, WithMetadata("note", map[string]int{"b": 2, "a": 1}))
	reversed := make([]testMember, len(members))
	for i, m := range members {
		reversed[len(members)-1-i] = m
	}
	b := build(t, s, reversed, WithMetadata("note", map[string]int{"a": 1, "b": 2}))
	assert.Equal(t, a, b, "same members in another order give the same bytes")
	c := build(t, s, members[:3], WithMetadata("note", map[string]int{"a": 1, "b": 2}))
	assert.NotEqual(t, a, c)
}

func TestEmptyBundle(t *testing.T) {
	s, pub := newSigner(1)
	b := build(t, s, nil)
	got, m, err := collect(b, pub)
	require.NoError(t, err)
	assert.Empty(t, got)
	assert.Equal(t, 0, m.Len())
}

// TestStandardTarReads checks that archive/tar reads a bundle, including
// PAX and USTAR-prefix names, as the same regular files.
func TestStandardTarReads(t *testing.T) {
	s, pub := newSigner(1)
	long := strings.Repeat("d/", 70) + "leaf.json"                                    // prefix/name split
	longer := strings.Repeat("e", 200) + "/" + strings.Repeat("f", 100) + "/leaf.bin" // needs PAX
	members := append(testMembers(), testMember{long, "L"}, testMember{longer, "P"}, testMember{"ünïcode/名前.json", "U"})
	b := build(t, s, members)
	_, _, err := collect(b, pub)
	require.NoError(t, err)

	want := map[string]string{}
	for _, m := range members {
		want[m.name] = m.body
	}
	tr := tar.NewReader(bytes.NewReader(b))
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		assert.Equal(t, byte(tar.TypeReg), h.Typeflag)
		assert.Equal(t, int64(0o644), h.Mode)
		assert.Equal(t, int64(0), h.ModTime.Unix())
		body, err := io.ReadAll(tr)
		require.NoError(t, err)
		names = append(names, h.Name)
		if w, ok := want[h.Name]; ok {
			assert.Equal(t, w, string(body))
		}
	}
	require.Len(t, names, len(members)+3)
	assert.Equal(t, []string{BundleJSONName, ManifestJSONName, SignatureName}, names[:3])
	assert.IsNonDecreasing(t, names[3:])
}

func TestMetadata(t *testing.T) {
	s, pub := newSigner(1)
	type cert struct {
		ID      string `json:"rac_id"`
		Expires string `json:"expires_at"`
	}
	sealed, err := envelope.Seal(s, "chp/admission", map[string]string{"rac_id": "c1"}, envelope.WithTimestamp(testTime))
	require.NoError(t, err)
	b := build(t, s, testMembers(), WithMetadata("admission_certificate", cert{"c1", "2027-11-04T00:00:00Z"}),
		WithMetadata("checkpoint", "origin\n3\nroot\n"), WithMetadata("certificate", json.RawMessage(sealed)))
	_, m, err := collect(b, pub)
	require.NoError(t, err)
	info := m.Info()
	var c cert
	require.NoError(t, info.DecodeMetadata("admission_certificate", &c))
	assert.Equal(t, cert{"c1", "2027-11-04T00:00:00Z"}, c)
	var env json.RawMessage
	require.NoError(t, info.DecodeMetadata("certificate", &env))
	v, err := envelope.NewVerifier(envelope.WithTypes("chp/admission"), envelope.WithKeys(pub), envelope.WithoutFreshness())
	require.NoError(t, err)
	opened, err := v.Open(env)
	require.NoError(t, err, "an envelope carried in bundle.json still verifies")
	assert.JSONEq(t, `{"rac_id":"c1"}`, string(opened.Payload))
	var cp string
	require.NoError(t, info.DecodeMetadata("checkpoint", &cp))
	assert.Equal(t, "origin\n3\nroot\n", cp)
	assert.Error(t, info.DecodeMetadata("absent", &cp))
}

func TestWriterRejects(t *testing.T) {
	s, _ := newSigner(1)
	w, err := NewWriter(io.Discard, s)
	require.NoError(t, err)
	for _, tc := range []struct {
		name    string
		wantErr error
	}{
		{"", ErrInvalidName},
		{"../x", ErrPathEscape},
		{"a/../b", ErrPathEscape},
		{"/abs", ErrAbsolutePath},
		{"c:/x", ErrAbsolutePath},
		{"a/./b", ErrInvalidName},
		{"a/", ErrInvalidName},
		{`a\b`, ErrInvalidName},
		{"a\x00b", ErrInvalidName},
		{"a\"b", ErrInvalidName},
		{"bad\xffutf8", ErrInvalidName},
		{strings.Repeat("x/", MaxNameLen/2) + "x", ErrInvalidName},
		{strings.Repeat("x", MaxElemLen+1), ErrInvalidName},
		{"a/" + strings.Repeat("x", MaxElemLen+1), ErrInvalidName},
		{BundleJSONName, ErrReservedName},
		{SignatureName, ErrReservedName},
	} {
		assert.ErrorIs(t, w.Add(tc.name, strings.NewReader("x")), tc.wantErr, "name %q", tc.name)
	}
	require.NoError(t, w.Add("a", strings.NewReader("x")))
	assert.ErrorIs(t, w.Add("a", strings.NewReader("y")), ErrDuplicateMember)

	// A failing reader adds nothing and leaves the writer usable.
	boom := errors.New("boom")
	assert.ErrorIs(t, w.Add("b", iotest.ErrReader(boom)), boom)
	require.NoError(t, w.Add("b", strings.NewReader("ok")))
	require.NoError(t, w.Close())
	assert.Equal(t, 2, w.Manifest().Len())
	assert.ErrorIs(t, w.Add("c", strings.NewReader("x")), ErrWriterClosed)
	assert.ErrorIs(t, w.Close(), ErrWriterClosed)

	_, err = NewWriter(io.Discard, s, WithMetadata("k", 1), WithMetadata("k", 2))
	assert.Error(t, err)
	_, err = NewWriter(io.Discard, s, WithMetadata("k", func() {}))
	assert.Error(t, err)
	hmac, err := envelope.NewHMACSigner("k1", bytes.Repeat([]byte{1}, 32))
	require.NoError(t, err)
	_, err = NewWriter(io.Discard, hmac)
	assert.Error(t, err)
}

// TestSpool adds members in memory across chunks, fails some Adds midway
// (in memory and on disk), spills to the file, and checks the bundle and that
// the spool file is gone after Close.
func TestSpool(t *testing.T) {
	s, pub := newSigner(1)
	dir := t.TempDir()
	var out bytes.Buffer
	w, err := NewWriter(&out, s, WithTempDir(dir), WithCreatedAt(testTime), WithSpoolMemory(3*spoolChunk))
	require.NoError(t, err)
	pattern := func(n int, seed byte) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(i*31) + seed
		}
		return b
	}
	boom := errors.New("boom")
	failing := func(n int) io.Reader { return io.MultiReader(bytes.NewReader(pattern(n, 9)), iotest.ErrReader(boom)) }
	files := func() int {
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		return len(entries)
	}
	want := map[string]string{
		"b": string(pattern(5*spoolChunk/2, 1)),
		"a": "first",
		"e": string(pattern(spoolChunk, 2)),
		"d": "last",
	}
	require.NoError(t, w.Add("b", bytes.NewReader([]byte(want["b"]))))
	require.ErrorIs(t, w.Add("c", failing(spoolChunk/4)), boom)
	require.NoError(t, w.Add("a", strings.NewReader(want["a"])))
	assert.Equal(t, 0, files(), "still in memory")
	require.NoError(t, w.Add("e", bytes.NewReader([]byte(want["e"]))))
	require.ErrorIs(t, w.Add("f", failing(2*spoolChunk)), boom)
	assert.Equal(t, 1, files(), "spilled to one file")
	require.NoError(t, w.Add("d", strings.NewReader(want["d"])))
	require.NoError(t, w.Close())
	assert.Equal(t, 0, files(), "spool file removed")
	got, _, err := collect(out.Bytes(), pub)
	require.NoError(t, err)
	assert.Equal(t, want, got)

	// Everything on disk from the start.
	var out2 bytes.Buffer
	w, err = NewWriter(&out2, s, WithTempDir(dir), WithCreatedAt(testTime), WithSpoolMemory(0))
	require.NoError(t, err)
	for name, body := range want {
		require.NoError(t, w.Add(name, strings.NewReader(body)))
	}
	require.NoError(t, w.Close())
	assert.Equal(t, out.Bytes(), out2.Bytes())
}

func TestMemberReaderReportsDigestMismatch(t *testing.T) {
	s, pub := newSigner(1)
	good := build(t, s, testMembers())
	bad := bytes.Replace(good, []byte(`{"state":"ok"}`), []byte(`{"state":"ko"}`), 1)
	var readErr error
	var seen []string
	_, err := Verify(bytes.NewReader(bad), pub, func(name string, r io.Reader) error {
		seen = append(seen, name)
		_, readErr = io.ReadAll(r)
		return readErr
	})
	assert.ErrorIs(t, readErr, ErrDigestMismatch, "the callback's reader reports the bad digest instead of EOF")
	assert.ErrorIs(t, err, ErrDigestMismatch)
	var me *MismatchError
	require.ErrorAs(t, err, &me)
	assert.Equal(t, "heartbeats/inst-1/0001.json", me.Name)
	assert.Equal(t, []string{"acks/inst-1/0001.json", "empty", "heartbeats/inst-1/0001.json"}, seen)
}

func TestVerifyCallback(t *testing.T) {
	s, pub := newSigner(1)
	good := build(t, s, testMembers())

	t.Run("nil callback", func(t *testing.T) {
		m, err := Verify(bytes.NewReader(good), pub, nil)
		require.NoError(t, err)
		assert.Equal(t, 4, m.Len())
	})
	t.Run("partial reads are drained and checked", func(t *testing.T) {
		_, err := Verify(bytes.NewReader(good), pub, func(_ string, r io.Reader) error {
			_, err := r.Read(make([]byte, 1))
			if err == io.EOF {
				return nil
			}
			return err
		})
		require.NoError(t, err)
		bad := bytes.Replace(good, bytes.Repeat([]byte("x"), 700), append(bytes.Repeat([]byte("x"), 699), 'y'), 1)
		_, err = Verify(bytes.NewReader(bad), pub, func(_ string, r io.Reader) error { return nil })
		require.ErrorIs(t, err, ErrDigestMismatch)
	})
	t.Run("callback error stops", func(t *testing.T) {
		stop := errors.New("stop")
		n := 0
		_, err := Verify(bytes.NewReader(good), pub, func(string, io.Reader) error { n++; return stop })
		require.ErrorIs(t, err, stop)
		assert.Equal(t, 1, n)
	})
	t.Run("reader is invalid after the callback", func(t *testing.T) {
		var kept io.Reader
		_, err := Verify(bytes.NewReader(good), pub, func(_ string, r io.Reader) error {
			if kept == nil {
				kept = r
			}
			return nil
		})
		require.NoError(t, err)
		_, err = kept.Read(make([]byte, 1))
		assert.Error(t, err)
	})
	t.Run("manifest func runs before members", func(t *testing.T) {
		var order []string
		_, err := Verify(bytes.NewReader(good), pub, func(name string, _ io.Reader) error {
			order = append(order, name)
			return nil
		}, WithManifestFunc(func(m *Manifest) error {
			order = append(order, "manifest:"+m.Info().Issuer)
			return nil
		}))
		require.NoError(t, err)
		assert.Equal(t, "manifest:lr-test", order[0])
		assert.Len(t, order, 5)
		veto := errors.New("unknown issuer")
		_, err = Verify(bytes.NewReader(good), pub, func(string, io.Reader) error {
			t.Fatal("member seen after the manifest was rejected")
			return nil
		}, WithManifestFunc(func(*Manifest) error { return veto }))
		require.ErrorIs(t, err, veto)
	})
	t.Run("key pinned as hex", func(t *testing.T) {
		raw, err := envelope.ParseEd25519PublicKey(pub)
		require.NoError(t, err)
		_, err = Verify(bytes.NewReader(good), "ed25519:"+hex.EncodeToString(raw), nil)
		require.NoError(t, err)
	})
	t.Run("bad options and keys", func(t *testing.T) {
		_, err := Verify(bytes.NewReader(good), pub, nil, WithMaxMembers(-1))
		assert.Error(t, err)
		_, err = Verify(bytes.NewReader(good), "ed25519:nonsense", nil)
		assert.Error(t, err)
	})
}

func TestProofs(t *testing.T) {
	s, pub := newSigner(1)
	var members []testMember
	for i := range 13 {
		members = append(members, testMember{string(rune('a'+i)) + ".json", strings.Repeat("p", i)})
	}
	b := build(t, s, members)
	m, err := ReadManifest(bytes.NewReader(b), pub)
	require.NoError(t, err)
	require.True(t, m.HasMemberTable())
	_, streamed, err := collect(b, pub)
	require.NoError(t, err)
	assert.Equal(t, m.Root(), streamed.Root())
	assert.Equal(t, m.Signature(), streamed.Signature())
	signed, err := OpenSignature(m.Signature(), pub)
	require.NoError(t, err)
	for _, tm := range members {
		p, err := m.Proof(tm.name)
		require.NoError(t, err)
		require.NoError(t, VerifyMemberProof(signed.MerkleRoot, p))

		// The same proof checks with standard code.
		leaf := tlog.RecordHash([]byte(`{"path":"` + p.Path + `","size":` + strconv.FormatInt(p.Size, 10) + `,"digest":"` + p.Digest.String() + `"}`))
		require.NoError(t, tlog.CheckRecord(p.Hashes, p.TreeSize, signed.MerkleRoot, p.Index, leaf))

		forged := *p
		forged.Size++
		assert.ErrorIs(t, VerifyMemberProof(signed.MerkleRoot, &forged), ErrBadProof)
		forged = *p
		forged.Digest = envelope.Blake3([]byte("other"))
		assert.ErrorIs(t, VerifyMemberProof(signed.MerkleRoot, &forged), ErrBadProof)
		forged = *p
		forged.Index = (p.Index + 1) % p.TreeSize
		assert.ErrorIs(t, VerifyMemberProof(signed.MerkleRoot, &forged), ErrBadProof)
	}
	_, err = m.Proof("absent")
	assert.ErrorIs(t, err, ErrMissingMember)
}

func TestCheckNameAccepts(t *testing.T) {
	for _, name := range []string{strings.Repeat("x", MaxElemLen), "a", "a/b/c.json", "heartbeats/2025-12-06/x.json", "名前", "a b", "..a", "a..", ".hidden"} {
		assert.NoError(t, CheckName(name), name)
	}
}

// TestShortReads feeds the writer and the verifier one byte per Read, and
// the verifier data together with io.EOF, as slow streams do.
func TestShortReads(t *testing.T) {
	s, pub := newSigner(1)
	var out bytes.Buffer
	w, err := NewWriter(&out, s, WithCreatedAt(testTime), WithIssuer("lr-test"))
	require.NoError(t, err)
	for _, tm := range testMembers() {
		require.NoError(t, w.Add(tm.name, iotest.OneByteReader(strings.NewReader(tm.body))))
	}
	require.NoError(t, w.Close())
	assert.Equal(t, build(t, s, testMembers()), out.Bytes())

	for _, r := range []io.Reader{
		iotest.OneByteReader(bytes.NewReader(out.Bytes())),
		iotest.DataErrReader(bytes.NewReader(out.Bytes())),
		iotest.HalfReader(bytes.NewReader(out.Bytes())),
	} {
		got := map[string]string{}
		_, err := Verify(r, pub, func(name string, r io.Reader) error {
			b, err := io.ReadAll(iotest.OneByteReader(r))
			got[name] = string(b)
			return err
		})
		require.NoError(t, err)
		assert.Len(t, got, len(testMembers()))
	}
}

// TestSystemTarExtracts extracts a bundle with the system's tar, when there
// is one, and compares the files with the members.
func TestSystemTarExtracts(t *testing.T) {
	tarPath, err := exec.LookPath("tar")
	if err != nil {
		t.Skip("no tar on PATH")
	}
	s, _ := newSigner(1)
	members := append(testMembers(),
		testMember{strings.Repeat("d/", 70) + "leaf.json", "L"},
		testMember{strings.Repeat("e", 200) + "/" + strings.Repeat("f", 100) + "/leaf.bin", "P"},
		testMember{"ünïcode/名前.json", "U"})
	dir := t.TempDir()
	archive := filepath.Join(dir, "b.tar")
	require.NoError(t, os.WriteFile(archive, build(t, s, members), 0o600))
	out := filepath.Join(dir, "out")
	require.NoError(t, os.Mkdir(out, 0o700))
	cmd := exec.Command(tarPath, "-xf", archive, "-C", out)
	msg, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", msg)
	for _, m := range members {
		got, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(m.name)))
		require.NoError(t, err)
		assert.Equal(t, m.body, string(got), m.name)
	}
	for _, h := range []string{BundleJSONName, ManifestJSONName, SignatureName} {
		_, err := os.Stat(filepath.Join(out, filepath.FromSlash(h)))
		require.NoError(t, err)
	}
}

// TestDecodeMetadataStrictNames: metadata is decoded with exact names (a
// member spelt in another case fills nothing), unknown members ignored, and
// null or a wrong type for a field refused.
func TestDecodeMetadataStrictNames(t *testing.T) {
	s, pub := newSigner(1)
	type cert struct {
		ID string `json:"rac_id"`
	}
	b := build(t, s, testMembers(),
		WithMetadata("exact", json.RawMessage(`{"rac_id":"c1","added_later":[1,2]}`)),
		WithMetadata("folded", json.RawMessage(`{"RAC_ID":"c1"}`)),
		WithMetadata("null", json.RawMessage(`{"rac_id":null}`)),
		WithMetadata("number", json.RawMessage(`{"rac_id":7}`)))
	_, m, err := collect(b, pub)
	require.NoError(t, err)
	info := m.Info()
	var c cert
	require.NoError(t, info.DecodeMetadata("exact", &c))
	assert.Equal(t, "c1", c.ID)
	c = cert{}
	require.NoError(t, info.DecodeMetadata("folded", &c))
	assert.Empty(t, c.ID, "RAC_ID is not rac_id")
	assert.Error(t, info.DecodeMetadata("null", &c))
	assert.Error(t, info.DecodeMetadata("number", &c))
}

// TestManifestSignatureIsJSON: signatures/manifest.sig is a JSON envelope;
// the same payload sealed as a CBOR envelope by the same key is refused.
func TestManifestSignatureIsJSON(t *testing.T) {
	s, pub := newSigner(1)
	_, m, err := collect(build(t, s, testMembers()), pub)
	require.NoError(t, err)
	sm, err := OpenSignature(m.Signature(), pub)
	require.NoError(t, err)
	sig, err := envelope.SealCBOR(s, SignatureType, sm, envelope.WithTimestamp(testTime))
	require.NoError(t, err)
	_, err = OpenSignature(sig, pub)
	assert.ErrorIs(t, err, ErrBadSignature)
}
