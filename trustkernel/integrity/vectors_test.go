package integrity

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/sha3"
)

var update = flag.Bool("update", false, "rewrite the vectors in testdata from the package's own code")

const manifestVectorsFile = "testdata/manifest-vectors.json"

// manifestVectors is the layout of testdata/manifest-vectors.json.
type manifestVectors struct {
	Roots     []rootVector    `json:"roots"`
	URIHashes []uriHashVector `json:"uri_hashes"`
}

type rootVector struct {
	Desc string `json:"desc"`
	// Files are the input paths (not necessarily normalised) and the
	// SHA-256 of each file's contents, in lower-case hex.
	Files []vectorFile `json:"files"`
	// Root is the manifest root in lower-case hex, or empty with WantErr.
	Root    string `json:"root,omitempty"`
	WantErr string `json:"wantErr,omitempty"`
}

type vectorFile struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

type uriHashVector struct {
	URI       string `json:"uri"`
	Keccak256 string `json:"keccak256"`
}

// fileHash is the SHA-256 of a file whose contents are s, in hex.
func fileHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// generateManifestVectors computes the vectors with the package's code.
func generateManifestVectors() (*manifestVectors, error) {
	rep := func(b byte) string { return strings.Repeat(hex.EncodeToString([]byte{b}), 32) }
	inputs := []rootVector{
		{Desc: "one file: the root is its leaf", Files: []vectorFile{{"app", fileHash("release 1")}}},
		{Desc: "the documented example", Files: []vectorFile{{"a.txt", rep(0x22)}, {"b.txt", rep(0x11)}}},
		{Desc: "three files: the last node of an odd level is paired with itself", Files: []vectorFile{
			{"bin/app", fileHash("app 1.1.0\n")}, {"etc/app.conf", fileHash("listen=127.0.0.1\n")}, {"README", fileHash("")}}},
		{Desc: "five files, given out of order", Files: []vectorFile{
			{"e", fileHash("5")}, {"d", fileHash("4")}, {"c", fileHash("3")}, {"b", fileHash("2")}, {"a", fileHash("1")}}},
		{Desc: "paths are normalised before hashing", Files: []vectorFile{
			{`bin\app`, fileHash("app 1.1.0\n")}, {"./etc//app.conf", fileHash("listen=127.0.0.1\n")}, {"/README", fileHash("")}}},
		{Desc: "bytewise order: upper case before lower case, / before letters", Files: []vectorFile{
			{"a/b", fileHash("x")}, {"a-b", fileHash("y")}, {"B", fileHash("z")}, {"é", fileHash("w")}}},
		{Desc: "a .. segment is refused", Files: []vectorFile{{"../etc/passwd", fileHash("x")}}, WantErr: "ErrBadPath"},
		{Desc: "two paths that normalise to one are refused", Files: []vectorFile{{"a/b", fileHash("x")}, {`a\b`, fileHash("y")}}, WantErr: "ErrBadPath"},
		{Desc: "no files is refused", WantErr: "ErrEmptyManifest"},
	}
	v := &manifestVectors{}
	for _, in := range inputs {
		files := make(map[string][32]byte)
		for _, f := range in.Files {
			var h [32]byte
			if _, err := hex.Decode(h[:], []byte(f.SHA256)); err != nil {
				return nil, err
			}
			files[f.Path] = h
		}
		root, err := Root(files)
		switch {
		case in.WantErr != "" && err == nil:
			return nil, errors.New(in.Desc + ": no error")
		case in.WantErr == "" && err != nil:
			return nil, err
		case err == nil:
			in.Root = hex.EncodeToString(root[:])
		}
		v.Roots = append(v.Roots, in)
	}
	for _, uri := range []string{
		"",
		"https://releases.example/app/1/manifest.json",
		"https://releases.example/app/2/manifest.json",
		"ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/manifest.json",
	} {
		h := URIHash(uri)
		v.URIHashes = append(v.URIHashes, uriHashVector{URI: uri, Keccak256: hex.EncodeToString(h[:])})
	}
	return v, nil
}

// specRoot computes a manifest root from the package documentation alone,
// without the package's code.
func specRoot(files []vectorFile) ([]byte, string) {
	if len(files) == 0 {
		return nil, "ErrEmptyManifest"
	}
	type leaf struct{ path, hash string }
	var leaves []leaf
	seen := map[string]bool{}
	for _, f := range files {
		var segs []string
		for _, s := range strings.Split(strings.ReplaceAll(f.Path, `\`, "/"), "/") {
			switch s {
			case "", ".":
				continue
			case "..":
				return nil, "ErrBadPath"
			}
			segs = append(segs, s)
		}
		p := strings.Join(segs, "/")
		if p == "" || seen[p] {
			return nil, "ErrBadPath"
		}
		seen[p] = true
		leaves = append(leaves, leaf{p, f.SHA256})
	}
	slices.SortFunc(leaves, func(a, b leaf) int { return strings.Compare(a.path, b.path) })
	var level [][]byte
	for _, l := range leaves {
		h, _ := hex.DecodeString(l.hash)
		d := sha256.Sum256(slices.Concat([]byte{0}, []byte(l.path), []byte{0}, h))
		level = append(level, d[:])
	}
	for len(level) > 1 {
		var next [][]byte
		for i := 0; i < len(level); i += 2 {
			r := level[i]
			if i+1 < len(level) {
				r = level[i+1]
			}
			d := sha256.Sum256(slices.Concat([]byte{1}, level[i], r))
			next = append(next, d[:])
		}
		level = next
	}
	return level[0], ""
}

// TestManifestVectors checks the stored vectors against an implementation
// of the documented construction (and x/crypto's legacy Keccak-256 for URI
// hashes), then against the package. With -update it rewrites them first.
func TestManifestVectors(t *testing.T) {
	if *update {
		v, err := generateManifestVectors()
		require.NoError(t, err)
		data, err := json.MarshalIndent(v, "", "  ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(manifestVectorsFile, append(data, '\n'), 0o644))
	}
	data, err := os.ReadFile(filepath.FromSlash(manifestVectorsFile))
	require.NoError(t, err)
	var v manifestVectors
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&v))
	require.NotEmpty(t, v.Roots)
	require.NotEmpty(t, v.URIHashes)
	sentinels := map[string]error{"ErrBadPath": ErrBadPath, "ErrEmptyManifest": ErrEmptyManifest}
	for _, tc := range v.Roots {
		t.Run(tc.Desc, func(t *testing.T) {
			got, wantErr := specRoot(tc.Files)
			assert.Equal(t, tc.WantErr, wantErr, "documented construction")
			assert.Equal(t, tc.Root, hex.EncodeToString(got), "documented construction")

			files := make(map[string][32]byte)
			for _, f := range tc.Files {
				var h [32]byte
				_, err := hex.Decode(h[:], []byte(f.SHA256))
				require.NoError(t, err)
				files[f.Path] = h
			}
			root, err := Root(files)
			if tc.WantErr != "" {
				require.ErrorIs(t, err, sentinels[tc.WantErr])
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.Root, hex.EncodeToString(root[:]), "Root")
		})
	}
	for _, tc := range v.URIHashes {
		k := sha3.NewLegacyKeccak256()
		k.Write([]byte(tc.URI))
		assert.Equal(t, tc.Keccak256, hex.EncodeToString(k.Sum(nil)), "legacy Keccak-256 of %q", tc.URI)
		h := URIHash(tc.URI)
		assert.Equal(t, tc.Keccak256, hex.EncodeToString(h[:]), "URIHash(%q)", tc.URI)
	}
}
