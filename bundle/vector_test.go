package bundle_test

import (
	"archive/tar"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/accordsdk/accord/bundle"
	"github.com/accordsdk/accord/envelope"
	"github.com/zeebo/blake3"
)

var updateVector = flag.Bool("update", false, "regenerate testdata/vectors/small.{json,tar}")

const (
	smallJSONPath = "testdata/vectors/small.json"
	smallTarPath  = "testdata/vectors/small.tar"
)

// smallVector is testdata/vectors/small.json: the inputs of small.tar and
// the intermediate values a second implementation needs to reproduce it.
type smallVector struct {
	Comment   string          `json:"comment"`
	Seed      string          `json:"signer_seed"` // hex Ed25519 seed
	Signer    string          `json:"signer"`
	Issuer    string          `json:"issuer"`
	CreatedAt string          `json:"created_at"`
	Metadata  json.RawMessage `json:"metadata"` // the object given key by key to WithMetadata
	Members   []smallMember   `json:"members"`  // in the order they were added

	MerkleRoot   string `json:"merkle_root"`
	BundleJSON   string `json:"bundle_json"`
	ManifestJSON string `json:"manifest_json"`
	Nonce        string `json:"signature_nonce"` // hex
	ManifestSig  string `json:"manifest_sig"`
	TarSHA256    string `json:"tar_sha256"`
}

type smallMember struct {
	Path    string `json:"path"`
	Content string `json:"content"`
}

// smallMembers cover each way a header is written: short ASCII names, an
// empty body, a long ASCII name split between the USTAR prefix and name
// fields, a UTF-8 name and an ASCII name over 256 bytes (both in a PAX
// header), a body of exactly one block.
func smallMembers() []smallMember {
	long := "records/" + strings.Repeat("d", 60) + "/" + strings.Repeat("f", 90) + ".json"
	over := "archive/" + strings.Repeat("a", 200) + "/" + strings.Repeat("b", 100) + ".log"
	return []smallMember{
		{"heartbeats/inst-1/0001.json", `{"instance_id":"inst-1","seq":1}` + "\n"},
		{"acks/0001.json", `{"status":"verified"}` + "\n"},
		{"notes/empty", ""},
		{long, "split between the prefix and name fields\n"},
		{"notes/relevé d'été.txt", "a UTF-8 name travels in a PAX header\n"},
		{over, strings.Repeat("x", 512)},
	}
}

// TestSmallBundleVector rebuilds testdata/vectors/small.tar byte for byte
// from the rules in the package doc, with code written here (USTAR and PAX
// headers, the RFC 6962 tree, manifest.json, bundle.json, the signature
// envelope and its nonce), checks that archive/tar reads it, and only then
// verifies it with [bundle.Verify] and rebuilds it with [bundle.Writer].
func TestSmallBundleVector(t *testing.T) {
	if *updateVector {
		writeSmallVector(t)
	}
	var v smallVector
	raw, err := os.ReadFile(smallJSONPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	archive, err := os.ReadFile(smallTarPath)
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256(archive); hex.EncodeToString(sum[:]) != v.TarSHA256 {
		t.Fatalf("small.tar has SHA-256 %x, small.json says %s", sum, v.TarSHA256)
	}

	seed, err := hex.DecodeString(v.Seed)
	if err != nil {
		t.Fatal(err)
	}
	priv := ed25519.NewKeyFromSeed(seed)
	pub := priv.Public().(ed25519.PublicKey)
	if v.Signer != envelope.FormatEd25519PublicKey(pub) {
		t.Fatalf("signer %s does not match the seed", v.Signer)
	}
	if !slices.Equal(v.Members, smallMembers()) {
		t.Fatal("small.json's members differ from smallMembers()")
	}

	// The members in byte-wise name order, their leaves and the tree head.
	members := slices.Clone(v.Members)
	slices.SortFunc(members, func(a, b smallMember) int { return strings.Compare(a.Path, b.Path) })
	var lines []string
	var total int
	for _, m := range members {
		sum := blake3.Sum256([]byte(m.Content))
		lines = append(lines, fmt.Sprintf(`{"path":"%s","size":%d,"digest":"blake3:%x"}`, m.Path, len(m.Content), sum))
		total += len(m.Content)
	}
	root := base64.StdEncoding.EncodeToString(rfc6962Root(lines))
	if root != v.MerkleRoot {
		t.Fatalf("merkle_root %s, members hash to %s", v.MerkleRoot, root)
	}
	manifest := `{"v":1,"merkle_root":"` + root + `","members":[` + "\n" + strings.Join(lines, ",\n") + "\n]}\n"
	if manifest != v.ManifestJSON {
		t.Fatalf("manifest.json\n got %q\nwant %q", v.ManifestJSON, manifest)
	}

	// bundle.json: indented with two spaces, members in this order, a final
	// newline.
	fp := sha256.Sum256(pub)
	info := struct {
		V                 int             `json:"v"`
		Issuer            string          `json:"issuer"`
		CreatedAt         string          `json:"created_at"`
		Signer            string          `json:"signer"`
		SignerFingerprint string          `json:"signer_fingerprint"`
		MemberCount       int             `json:"member_count"`
		TotalSize         int             `json:"total_size"`
		MerkleRoot        string          `json:"merkle_root"`
		Metadata          json.RawMessage `json:"metadata"`
	}{1, v.Issuer, v.CreatedAt, v.Signer, "sha256:" + hex.EncodeToString(fp[:]), len(members), total, root, v.Metadata}
	bj, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	bundleJSON := string(bj) + "\n"
	if bundleJSON != v.BundleJSON {
		t.Fatalf("bundle.json\n got %s\nwant %s", v.BundleJSON, bundleJSON)
	}

	// signatures/manifest.sig: an Ed25519 envelope of type
	// accord/bundle-manifest in canonical JSON, timestamp created_at, nonce
	// the first 16 bytes of a BLAKE3 hash of the payload's values.
	created, err := time.Parse(time.RFC3339, v.CreatedAt)
	if err != nil {
		t.Fatal(err)
	}
	bd, md := blake3.Sum256([]byte(bundleJSON)), blake3.Sum256([]byte(manifest))
	nonceSum := blake3.Sum256(fmt.Appendf(nil, "accord bundle manifest nonce\nblake3:%x\nblake3:%x\n%s\n%d\n%s\n%d\n",
		bd, md, root, len(members), v.Signer, created.Unix()))
	nonce := nonceSum[:16]
	if hex.EncodeToString(nonce) != v.Nonce {
		t.Fatalf("nonce %s, want %x", v.Nonce, nonce)
	}
	payload := fmt.Sprintf(`{"bundle_digest":"blake3:%x","manifest_digest":"blake3:%x","member_count":%d,"merkle_root":"%s"}`,
		bd, md, len(members), root)
	signing := fmt.Sprintf(`{"alg":"ed25519","nonce":"%s","payload":%s,"sender_pubkey":"%s","timestamp":%d,"type":"accord/bundle-manifest","v":1}`,
		base64.RawURLEncoding.EncodeToString(nonce), payload, v.Signer, created.Unix())
	sig := ed25519.Sign(priv, []byte(signing))
	sigFile := strings.Replace(signing, `,"timestamp"`, `,"signature":"`+base64.RawURLEncoding.EncodeToString(sig)+`","timestamp"`, 1)
	if sigFile != v.ManifestSig {
		t.Fatalf("manifest.sig\n got %s\nwant %s", v.ManifestSig, sigFile)
	}

	// The archive: the three header members, then the members, then two
	// zero blocks.
	var want []byte
	want = appendEntry(want, "bundle.json", []byte(bundleJSON))
	want = appendEntry(want, "manifest.json", []byte(manifest))
	want = appendEntry(want, "signatures/manifest.sig", []byte(sigFile))
	for _, m := range members {
		want = appendEntry(want, m.Path, []byte(m.Content))
	}
	want = append(want, make([]byte, 1024)...)
	if !bytes.Equal(archive, want) {
		i := 0
		for i < len(want) && i < len(archive) && want[i] == archive[i] {
			i++
		}
		t.Fatalf("small.tar differs from the documented form at offset %d (block %d, byte %d); sizes %d and %d",
			i, i/512, i%512, len(archive), len(want))
	}

	// A standard tar reader sees the same members.
	tr := tar.NewReader(bytes.NewReader(archive))
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag != tar.TypeReg || h.Mode != 0o644 || h.Uid != 0 || h.Gid != 0 || h.ModTime.Unix() != 0 || h.Uname != "" {
			t.Errorf("%s: header %+v", h.Name, h)
		}
		names = append(names, h.Name)
	}
	wantNames := []string{"bundle.json", "manifest.json", "signatures/manifest.sig"}
	for _, m := range members {
		wantNames = append(wantNames, m.Path)
	}
	if !slices.Equal(names, wantNames) {
		t.Fatalf("archive/tar reads %q, want %q", names, wantNames)
	}

	// Only now the package: Verify the stored bytes, and the Writer
	// reproduces them.
	got := map[string]string{}
	m, err := bundle.Verify(bytes.NewReader(archive), v.Signer, func(name string, r io.Reader) error {
		b, err := io.ReadAll(r)
		got[name] = string(b)
		return err
	})
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if m.Len() != len(members) || m.Root().String() != root {
		t.Fatalf("Verify: %d members, root %s", m.Len(), m.Root())
	}
	for _, mb := range members {
		if got[mb.Path] != mb.Content {
			t.Errorf("member %q: %q, want %q", mb.Path, got[mb.Path], mb.Content)
		}
	}
	if rebuilt := buildSmall(t, priv, &v); !bytes.Equal(rebuilt, archive) {
		t.Fatal("bundle.Writer no longer reproduces small.tar byte for byte")
	}
}

// appendEntry appends one canonical entry: a PAX header when the name is not
// ASCII or fits no USTAR split, the USTAR header, the body, zero padding.
func appendEntry(dst []byte, name string, body []byte) []byte {
	prefix, base, ok := ustarSplit(name)
	if !ok {
		rec := paxPath(name)
		dst = append(dst, ustarHeader("././@PaxHeader", "", len(rec), 'x')...)
		dst = append(dst, rec...)
		dst = append(dst, make([]byte, -len(rec)&511)...)
		// The USTAR name field holds the first 100 bytes of the name, cut
		// back to a UTF-8 character boundary.
		base = name
		if len(base) > 100 {
			n := 100
			for n > 0 && !isRuneStart(name[n]) {
				n--
			}
			base = name[:n]
		}
	}
	dst = append(dst, ustarHeader(base, prefix, len(body), '0')...)
	dst = append(dst, body...)
	return append(dst, make([]byte, -len(body)&511)...)
}

func isRuneStart(b byte) bool { return b&0xc0 != 0x80 }

// ustarSplit: names of at most 100 ASCII bytes go whole in the name field;
// longer ASCII names are cut at the last slash at index 155 or below, if the
// rest is 1 to 100 bytes.
func ustarSplit(name string) (prefix, base string, ok bool) {
	for _, c := range []byte(name) {
		if c >= 0x80 {
			return "", "", false
		}
	}
	if len(name) <= 100 {
		return "", name, true
	}
	i := strings.LastIndexByte(name[:min(len(name), 156)], '/')
	if i <= 0 || len(name)-i-1 > 100 || len(name)-i-1 == 0 {
		return "", "", false
	}
	return name[:i], name[i+1:], true
}

// paxPath is the PAX record "<len> path=<name>\n", len counting itself.
func paxPath(name string) []byte {
	body := " path=" + name + "\n"
	n := len(body) + 1
	for len(fmt.Sprint(n))+len(body) != n {
		n++
	}
	return []byte(fmt.Sprint(n) + body)
}

func ustarHeader(name, prefix string, size int, flag byte) []byte {
	b := make([]byte, 512)
	copy(b[0:100], name)
	copy(b[100:], "0000644\x00")
	copy(b[108:], "0000000\x00")
	copy(b[116:], "0000000\x00")
	copy(b[124:], fmt.Sprintf("%011o\x00", size))
	copy(b[136:], "00000000000\x00")
	b[156] = flag
	copy(b[257:], "ustar\x0000")
	copy(b[329:], "0000000\x00")
	copy(b[337:], "0000000\x00")
	copy(b[345:500], prefix)
	copy(b[148:156], "        ")
	sum := 0
	for _, c := range b {
		sum += int(c)
	}
	copy(b[148:], fmt.Sprintf("%06o\x00 ", sum))
	return b
}

// rfc6962Root is the RFC 6962 Merkle tree head of the leaves.
func rfc6962Root(leaves []string) []byte {
	if len(leaves) == 0 {
		s := sha256.Sum256(nil)
		return s[:]
	}
	if len(leaves) == 1 {
		s := sha256.Sum256(append([]byte{0}, leaves[0]...))
		return s[:]
	}
	k := 1
	for k*2 < len(leaves) {
		k *= 2
	}
	s := sha256.Sum256(slices.Concat([]byte{1}, rfc6962Root(leaves[:k]), rfc6962Root(leaves[k:])))
	return s[:]
}

func buildSmall(t *testing.T, priv ed25519.PrivateKey, v *smallVector) []byte {
	t.Helper()
	created, err := time.Parse(time.RFC3339, v.CreatedAt)
	if err != nil {
		t.Fatal(err)
	}
	opts := []bundle.WriterOption{bundle.WithIssuer(v.Issuer), bundle.WithCreatedAt(created)}
	var meta map[string]json.RawMessage
	if err := json.Unmarshal(v.Metadata, &meta); err != nil {
		t.Fatal(err)
	}
	for k, m := range meta {
		opts = append(opts, bundle.WithMetadata(k, m))
	}
	var out bytes.Buffer
	w, err := bundle.NewWriter(&out, envelope.NewEd25519Signer(priv), opts...)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range v.Members {
		if err := w.Add(m.Path, strings.NewReader(m.Content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// writeSmallVector regenerates small.tar with bundle.Writer and records the
// intermediate values read back from it in small.json.
func writeSmallVector(t *testing.T) {
	t.Helper()
	seed := bytes.Repeat([]byte{0x0b}, 32)
	priv := ed25519.NewKeyFromSeed(seed)
	v := &smallVector{
		Comment:   "a small accord bundle; see README.md. Regenerate: go test ./bundle -run TestSmallBundleVector -update",
		Seed:      hex.EncodeToString(seed),
		Signer:    envelope.FormatEd25519PublicKey(priv.Public().(ed25519.PublicKey)),
		Issuer:    "lr-example",
		CreatedAt: "2026-01-06T00:00:00Z",
		Metadata:  json.RawMessage(`{"checkpoint":{"origin":"example.org/log","size":3},"site":"lab-7"}`),
		Members:   smallMembers(),
	}
	archive := buildSmall(t, priv, v)
	tr := tar.NewReader(bytes.NewReader(archive))
	for i := 0; i < 3; i++ {
		h, err := tr.Next()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		switch h.Name {
		case "bundle.json":
			v.BundleJSON = string(b)
		case "manifest.json":
			v.ManifestJSON = string(b)
		case "signatures/manifest.sig":
			v.ManifestSig = string(b)
		}
	}
	sm, err := bundle.OpenSignature([]byte(v.ManifestSig), v.Signer)
	if err != nil {
		t.Fatal(err)
	}
	v.MerkleRoot = sm.MerkleRoot.String()
	ver, err := envelope.NewVerifier(envelope.WithTypes(bundle.SignatureType), envelope.WithKeys(v.Signer), envelope.WithoutFreshness())
	if err != nil {
		t.Fatal(err)
	}
	e, err := ver.Open([]byte(v.ManifestSig))
	if err != nil {
		t.Fatal(err)
	}
	v.Nonce = hex.EncodeToString(e.Nonce)
	sum := sha256.Sum256(archive)
	v.TarSHA256 = hex.EncodeToString(sum[:])
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll("testdata/vectors", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(smallJSONPath, append(out, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(smallTarPath, archive, 0o644); err != nil {
		t.Fatal(err)
	}
}
