package integrity

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func fill(b byte) (h [32]byte) {
	for i := range h {
		h[i] = b
	}
	return h
}

func TestManifestRootVector(t *testing.T) {
	root, err := Root(map[string][32]byte{"a.txt": fill(0x22), "b.txt": fill(0x11)})
	require.NoError(t, err)
	assert.Equal(t, "f92742ec920dcc955d96633e56df2ea657a3f5521fe309045e900eee39ef14b0", hex.EncodeToString(root[:]))

	// The same files under unnormalised names give the same root.
	again, err := Root(map[string][32]byte{`.\a.txt`: fill(0x22), "//b.txt": fill(0x11)})
	require.NoError(t, err)
	assert.Equal(t, root, again)
}

func TestManifestRootConstruction(t *testing.T) {
	leaf := func(p string, h [32]byte) [32]byte {
		return sha256.Sum256(append(append(append([]byte{0}, p...), 0), h[:]...))
	}
	node := func(l, r [32]byte) [32]byte { return sha256.Sum256(append(append([]byte{1}, l[:]...), r[:]...)) }
	a, b, c := leaf("a", fill(1)), leaf("b", fill(2)), leaf("c", fill(3))

	one, err := Root(map[string][32]byte{"a": fill(1)})
	require.NoError(t, err)
	assert.Equal(t, a, one, "a single file's root is its leaf")

	three, err := Root(map[string][32]byte{"c": fill(3), "a": fill(1), "b": fill(2)})
	require.NoError(t, err)
	assert.Equal(t, node(node(a, b), node(c, c)), three, "odd level duplicates its last node")

	_, err = Root(nil)
	require.ErrorIs(t, err, ErrEmptyManifest)
	_, err = Root(map[string][32]byte{"a": fill(1), "./a": fill(2)})
	require.ErrorIs(t, err, ErrBadPath)
	_, err = Root(map[string][32]byte{"../etc/passwd": fill(1)})
	require.ErrorIs(t, err, ErrBadPath)
}

func TestNormalizePath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a.txt", "a.txt"},
		{"./a.txt", "a.txt"},
		{"/a.txt", "a.txt"},
		{`dir\sub\f`, "dir/sub/f"},
		{"dir//sub///f", "dir/sub/f"},
		{"./dir/./f", "dir/f"},
		{`.\\x`, "x"},
		{"..", ""},
		{"a/../b", ""},
		{`a\..\b`, ""},
		{"", ""},
		{"./", ""},
		{"a\x00b", ""},
		{"\xff", ""},
	}
	for _, tc := range tests {
		got, err := NormalizePath(tc.in)
		if tc.want == "" {
			assert.ErrorIs(t, err, ErrBadPath, "%q", tc.in)
			continue
		}
		require.NoError(t, err, "%q", tc.in)
		assert.Equal(t, tc.want, got, "%q", tc.in)
	}
}

func writeTree(t testing.TB, dir string, files map[string]string) {
	for p, body := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		require.NoError(t, os.MkdirAll(filepath.Dir(full), 0o755))
		require.NoError(t, os.WriteFile(full, []byte(body), 0o644))
	}
}

func TestBuildAndVerifyInstall(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	files := map[string]string{"bin/app": "binary", "etc/app.conf": "conf", "README": "hello", "lib/x/y.so": "lib"}
	writeTree(t, dir, files)
	m, err := Build(ctx, dir)
	require.NoError(t, err)
	require.Len(t, m.Entries, 4)
	assert.Equal(t, "README", m.Entries[0].Path)
	want := map[string][32]byte{}
	for p, body := range files {
		want[p] = sha256.Sum256([]byte(body))
	}
	root, err := m.Root()
	require.NoError(t, err)
	direct, err := Root(want)
	require.NoError(t, err)
	require.Equal(t, direct, root)
	require.NoError(t, Verify(ctx, dir, m, root))

	// A manifest that is not the anchored one is refused before any file.
	require.ErrorIs(t, Verify(ctx, dir, m, fill(9)), ErrRootMismatch)

	// Tamper: one file missing, one extra, one changed.
	require.NoError(t, os.Remove(filepath.Join(dir, "README")))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "bin", "backdoor"), []byte("x"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "etc", "app.conf"), []byte("conf!"), 0o644))
	err = Verify(ctx, dir, m, root)
	require.ErrorIs(t, err, ErrMismatch)
	var ie *DiffError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, []string{"README"}, ie.Missing)
	assert.Equal(t, []string{"bin/backdoor"}, ie.Extra)
	assert.Equal(t, []string{"etc/app.conf"}, ie.Changed)
	assert.Contains(t, err.Error(), `1 missing ["README"]`)
}

func TestBuildManifestRejectsSpecialFiles(t *testing.T) {
	ctx := context.Background()
	outside := filepath.Join(t.TempDir(), "secret")
	require.NoError(t, os.WriteFile(outside, []byte("secret"), 0o600))
	tests := []struct {
		desc string
		make func(dir string) error
		mode string
	}{
		{"symlink out of the tree", func(dir string) error { return os.Symlink(outside, filepath.Join(dir, "link")) }, "symlink"},
		{"symlink inside the tree", func(dir string) error { return os.Symlink("a.txt", filepath.Join(dir, "link")) }, "symlink"},
		{"dangling symlink", func(dir string) error { return os.Symlink("/nonexistent", filepath.Join(dir, "link")) }, "symlink"},
		{"named pipe", func(dir string) error { return syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o600) }, "named pipe"},
		{"socket", func(dir string) error {
			l, err := net.Listen("unix", filepath.Join(dir, "sock"))
			if err == nil {
				t.Cleanup(func() { l.Close() })
			}
			return err
		}, "socket"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			dir, err := os.MkdirTemp("", "tk") // short path for the unix socket
			require.NoError(t, err)
			t.Cleanup(func() { os.RemoveAll(dir) })
			writeTree(t, dir, map[string]string{"a.txt": "a"})
			require.NoError(t, tc.make(dir))
			_, err = Build(ctx, dir)
			require.ErrorIs(t, err, ErrUnsupportedFile)
			var ue *UnsupportedFileError
			require.ErrorAs(t, err, &ue)
			assert.Contains(t, err.Error(), tc.mode)
		})
	}
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{`odd\name`: "x"})
	_, err := Build(ctx, dir)
	require.ErrorIs(t, err, ErrBadPath)
	_, err = Build(ctx, t.TempDir())
	require.ErrorIs(t, err, ErrEmptyManifest)
}

func TestManifestJSONAndChunks(t *testing.T) {
	hashes := map[string][32]byte{}
	for i := range 300 {
		hashes[fmt.Sprintf("dir%d/file-%03d.bin", i%7, i)] = sha256.Sum256([]byte{byte(i)})
	}
	m, err := New(hashes)
	require.NoError(t, err)
	root, err := m.Root()
	require.NoError(t, err)

	enc, err := json.Marshal(m)
	require.NoError(t, err)
	back, err := Parse(enc)
	require.NoError(t, err)
	assert.Equal(t, m, back)

	chunks, err := Chunks(m, 1024)
	require.NoError(t, err)
	require.Greater(t, len(chunks), 10)
	for _, c := range chunks {
		assert.LessOrEqual(t, len(c), 1024)
	}
	dec, err := DecodeChunks(chunks)
	require.NoError(t, err)
	droot, err := dec.Root()
	require.NoError(t, err)
	assert.Equal(t, root, droot)
	assert.NotEqual(t, ChunkHash(chunks[0]), ChunkHash(chunks[1]))

	_, err = DecodeChunks(chunks[:len(chunks)-1])
	require.ErrorIs(t, err, ErrBadManifest, "a missing chunk")
	swapped := append([][]byte{chunks[1], chunks[0]}, chunks[2:]...)
	_, err = DecodeChunks(swapped)
	require.ErrorIs(t, err, ErrBadManifest, "chunks out of order")
	bad := bytes.Clone(chunks[0])
	bad[len(bad)-1] ^= 1
	dec, err = DecodeChunks(append([][]byte{bad}, chunks[1:]...))
	require.NoError(t, err, "a flipped hash byte still decodes...")
	droot, err = dec.Root()
	require.NoError(t, err)
	assert.NotEqual(t, root, droot, "...but no longer gives the anchored root")

	assert.Equal(t, "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470", fmt.Sprintf("%#x", URIHash("")))

	const uri = "https://releases.example/app/2/manifest.json"
	require.NoError(t, CheckAnchor(m, uri, root, URIHash(uri)))
	require.ErrorIs(t, CheckAnchor(m, uri+"?", root, URIHash(uri)), ErrURIHashMismatch)
	require.ErrorIs(t, CheckAnchor(m, uri, fill(7), URIHash(uri)), ErrRootMismatch)
}

func TestParseManifestRejects(t *testing.T) {
	h := strings.Repeat("ab", 32)
	for _, bad := range []string{
		`{"files":[]}`,
		`{"files":[{"path":"./a","sha256":"` + h + `"}]}`,
		`{"files":[{"path":"b","sha256":"` + h + `"},{"path":"a","sha256":"` + h + `"}]}`,
		`{"files":[{"path":"a","sha256":"` + h + `"},{"path":"a","sha256":"` + h + `"}]}`,
		`{"files":[{"path":"a","sha256":"` + strings.ToUpper(h) + `"}]}`,
		`{"files":[{"path":"a","sha256":"` + h + `","size":1}]}`,
		`{"files":[{"path":"a","sha256":"` + h + `"}]} x`,
	} {
		_, err := Parse([]byte(bad))
		require.Error(t, err, bad)
		assert.True(t, errors.Is(err, ErrBadManifest) || errors.Is(err, ErrEmptyManifest), "%s: %v", bad, err)
	}
}

func FuzzNormalizePath(f *testing.F) {
	for _, s := range []string{"a.txt", `.\a\\b`, "/x/./y", "a/../b", "", "\x00", "é/ü"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		n, err := NormalizePath(p)
		if err != nil {
			if !errors.Is(err, ErrBadPath) {
				t.Fatalf("undeclared error %v", err)
			}
			return
		}
		again, err := NormalizePath(n)
		if err != nil || again != n {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", p, n, again, err)
		}
		if strings.HasPrefix(n, "/") || strings.Contains(n, "//") || strings.Contains(n, `\`) {
			t.Fatalf("not normal: %q", n)
		}
		for _, s := range strings.Split(n, "/") {
			if s == "." || s == ".." || s == "" {
				t.Fatalf("bad segment in %q", n)
			}
		}
	})
}

func FuzzDecodeChunks(f *testing.F) {
	m, _ := New(map[string][32]byte{"a": fill(1), "b/c": fill(2)})
	chunks, _ := Chunks(m, 64)
	f.Add(bytes.Join(chunks, []byte("|")))
	f.Add([]byte("TKM1"))
	f.Fuzz(func(t *testing.T, data []byte) {
		parts := bytes.Split(data, []byte("|"))
		m, err := DecodeChunks(parts)
		if err != nil {
			if !errors.Is(err, ErrBadManifest) && !errors.Is(err, ErrEmptyManifest) {
				t.Fatalf("undeclared error %v", err)
			}
			return
		}
		// What was accepted re-encodes and decodes to the same manifest.
		re, err := Chunks(m, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		back, err := DecodeChunks(re)
		if err != nil || !assert.ObjectsAreEqual(m, back) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"files":[{"path":"a","sha256":"` + strings.Repeat("ab", 32) + `"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(data)
		if err != nil {
			if !errors.Is(err, ErrBadManifest) && !errors.Is(err, ErrEmptyManifest) {
				t.Fatalf("undeclared error %v", err)
			}
			return
		}
		enc, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Parse(enc)
		if err != nil || !assert.ObjectsAreEqual(m, back) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

// TestErrorsCarryPrefixOnce: errors of this package that wrap others of
// this package say "trustkernel/integrity: " once, and still match their
// sentinels.
func TestErrorsCarryPrefixOnce(t *testing.T) {
	_, parseErr := Parse([]byte(`{"files":[{"path":"../x","sha256":"00"}]}`))
	_, dupErr := Parse([]byte(`{"files":[],"files":[]}`))
	_, chunkErr := DecodeChunks([][]byte{[]byte("TKM1")})
	for _, tc := range []struct {
		err  error
		want error
	}{
		{parseErr, ErrBadPath},
		{dupErr, ErrBadManifest},
		{chunkErr, ErrBadManifest},
	} {
		require.Error(t, tc.err)
		assert.ErrorIs(t, tc.err, tc.want)
		assert.True(t, strings.HasPrefix(tc.err.Error(), prefix), tc.err.Error())
		assert.Equal(t, 1, strings.Count(tc.err.Error(), "trustkernel"), tc.err.Error())
	}
}
