package integrity

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/sha3"

	"github.com/accordsdk/accord/internal/strictjson"
	"github.com/accordsdk/accord/trustkernel/internal/tkerr"
)

// Manifest errors.
var (
	// ErrBadPath means a manifest path cannot be normalised (it is empty,
	// climbs out with "..", holds a NUL byte or is not UTF-8).
	ErrBadPath = errors.New("trustkernel/integrity: bad manifest path")
	// ErrEmptyManifest means a manifest has no files.
	ErrEmptyManifest = errors.New("trustkernel/integrity: empty manifest")
	// ErrRootMismatch means a manifest's root is not the anchored root.
	ErrRootMismatch = errors.New("trustkernel/integrity: manifest root does not match the anchored root")
	// ErrMismatch means an install directory does not match its manifest;
	// the error is a [*DiffError] listing the differences.
	ErrMismatch = errors.New("trustkernel/integrity: install does not match its manifest")
	// ErrUnsupportedFile means the install directory holds something other
	// than regular files and directories (a symlink, device, socket, ...).
	ErrUnsupportedFile = errors.New("trustkernel/integrity: unsupported file in install directory")
	// ErrURIHashMismatch means a manifest URI does not hash to the anchored
	// uriHash.
	ErrURIHashMismatch = errors.New("trustkernel/integrity: manifest uri does not match the anchored uri hash")
	// ErrBadManifest means manifest bytes do not decode.
	ErrBadManifest = errors.New("trustkernel/integrity: bad manifest encoding")
)

// Domain separation bytes of the integrity construction.
const (
	leafPrefix  = 0x00
	nodePrefix  = 0x01
	chunkPrefix = 0x02
)

// NormalizePath returns the canonical form of a manifest path: `\` becomes
// `/`, repeated `/` collapse, "." segments and leading `/` are removed.
// Paths with a ".." segment, a NUL byte, invalid UTF-8, or nothing left
// are rejected with [ErrBadPath].
func NormalizePath(p string) (string, error) {
	if !utf8.ValidString(p) || strings.ContainsRune(p, 0) {
		return "", fmt.Errorf("%w: %q is not UTF-8 without NUL", ErrBadPath, p)
	}
	segs := strings.Split(strings.ReplaceAll(p, `\`, "/"), "/")
	out := segs[:0]
	for _, s := range segs {
		switch s {
		case "", ".":
			continue
		case "..":
			return "", fmt.Errorf("%w: %q has a \"..\" segment", ErrBadPath, p)
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return "", fmt.Errorf("%w: %q names no file", ErrBadPath, p)
	}
	return strings.Join(out, "/"), nil
}

// Entry is one file of a manifest.
type Entry struct {
	// Path is the normalised path relative to the install directory.
	Path string
	// SHA256 is the SHA-256 of the file's contents.
	SHA256 [32]byte
}

// Manifest lists an install's files, sorted bytewise by path.
type Manifest struct {
	Entries []Entry
}

// New normalises and sorts the given path -> sha256 map. Two paths
// that normalise to the same one are an error.
func New(fileHashes map[string][32]byte) (*Manifest, error) {
	if len(fileHashes) == 0 {
		return nil, ErrEmptyManifest
	}
	m := &Manifest{Entries: make([]Entry, 0, len(fileHashes))}
	seen := make(map[string]string, len(fileHashes))
	for p, h := range fileHashes {
		n, err := NormalizePath(p)
		if err != nil {
			return nil, err
		}
		if prev, dup := seen[n]; dup {
			return nil, fmt.Errorf("%w: %q and %q both normalise to %q", ErrBadPath, prev, p, n)
		}
		seen[n] = p
		m.Entries = append(m.Entries, Entry{Path: n, SHA256: h})
	}
	slices.SortFunc(m.Entries, func(a, b Entry) int { return strings.Compare(a.Path, b.Path) })
	return m, nil
}

// Root returns the Merkle root of files given as path -> SHA-256 of
// the contents. Paths are normalised ([NormalizePath]) and sorted bytewise;
// leaf = SHA-256(0x00 || path || 0x00 || sha256), node = SHA-256(0x01 || L
// || R), and on a level with an odd number of nodes the last one is paired
// with itself. A single file's root is its leaf.
func Root(fileHashes map[string][32]byte) ([32]byte, error) {
	m, err := New(fileHashes)
	if err != nil {
		return [32]byte{}, err
	}
	return m.Root()
}

// Root returns the manifest's Merkle root (see [Root]).
func (m *Manifest) Root() ([32]byte, error) {
	if len(m.Entries) == 0 {
		return [32]byte{}, ErrEmptyManifest
	}
	level := make([][32]byte, len(m.Entries))
	buf := make([]byte, 0, 256)
	for i, e := range m.Entries {
		if i > 0 && m.Entries[i-1].Path >= e.Path {
			return [32]byte{}, fmt.Errorf("%w: %q after %q: not sorted or duplicated", ErrBadManifest, e.Path, m.Entries[i-1].Path)
		}
		buf = append(buf[:0], leafPrefix)
		buf = append(buf, e.Path...)
		buf = append(buf, 0)
		buf = append(buf, e.SHA256[:]...)
		level[i] = sha256.Sum256(buf)
	}
	var node [65]byte
	node[0] = nodePrefix
	for len(level) > 1 {
		next := level[:0]
		for i := 0; i < len(level); i += 2 {
			r := level[i]
			if i+1 < len(level) {
				r = level[i+1]
			}
			copy(node[1:33], level[i][:])
			copy(node[33:], r[:])
			next = append(next, sha256.Sum256(node[:]))
		}
		level = next
	}
	return level[0], nil
}

// URIHash is the uriHash anchored beside the root in root_uri mode: the
// Keccak-256 of the manifest URI's UTF-8 bytes (the EVM's native hash, so a
// contract can recompute it). This is the original Keccak-256 with its
// 0x01 padding, not the SHA3-256 of FIPS 202.
func URIHash(uri string) [32]byte {
	h := sha3.NewLegacyKeccak256()
	h.Write([]byte(uri))
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// CheckAnchor checks a root_uri mode anchor: the manifest fetched from uri
// must have the anchored root, and uri must hash ([URIHash]) to the
// anchored uriHash.
func CheckAnchor(m *Manifest, uri string, activeRoot, activeURIHash [32]byte) error {
	if got := URIHash(uri); got != activeURIHash {
		return fmt.Errorf("%w: %q hashes to %x, anchored %x", ErrURIHashMismatch, uri, got, activeURIHash)
	}
	root, err := m.Root()
	if err != nil {
		return err
	}
	if root != activeRoot {
		return fmt.Errorf("%w: manifest root %x, anchored %x", ErrRootMismatch, root, activeRoot)
	}
	return nil
}

type manifestJSON struct {
	Files []manifestFileJSON `json:"files"`
}

type manifestFileJSON struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// MarshalJSON encodes the manifest as published at its URI in root_uri mode:
// {"files":[{"path":"a.txt","sha256":"<64 lower-case hex>"},...]} in order.
func (m *Manifest) MarshalJSON() ([]byte, error) {
	j := manifestJSON{Files: make([]manifestFileJSON, len(m.Entries))}
	for i, e := range m.Entries {
		j.Files[i] = manifestFileJSON{Path: e.Path, SHA256: hex.EncodeToString(e.SHA256[:])}
	}
	return json.Marshal(j)
}

// Parse decodes the JSON form of a manifest (untrusted bytes, for
// example fetched from the manifest URI) strictly: unknown keys, paths that
// are not normalised, unsorted or duplicated paths and bad hashes are
// rejected. Check its root against the anchored root before trusting it.
func Parse(data []byte) (*Manifest, error) {
	var j manifestJSON
	if err := strictjson.Unmarshal(data, &j); err != nil {
		return nil, errorf("%w: %w", ErrBadManifest, tkerr.Trimmed{Err: err, Prefix: "strictjson: "})
	}
	m := &Manifest{Entries: make([]Entry, len(j.Files))}
	for i, f := range j.Files {
		n, err := NormalizePath(f.Path)
		if err != nil {
			return nil, errorf("%w: file %d: %w", ErrBadManifest, i, err)
		}
		if n != f.Path {
			return nil, fmt.Errorf("%w: file %d: path %q is not normalised, want %q", ErrBadManifest, i, f.Path, n)
		}
		if len(f.SHA256) != 64 || strings.ToLower(f.SHA256) != f.SHA256 {
			return nil, fmt.Errorf("%w: file %d: sha256 %q, want 64 lower-case hex digits", ErrBadManifest, i, f.SHA256)
		}
		if _, err := hex.Decode(m.Entries[i].SHA256[:], []byte(f.SHA256)); err != nil {
			return nil, fmt.Errorf("%w: file %d: %v", ErrBadManifest, i, err)
		}
		m.Entries[i].Path = n
	}
	if _, err := m.Root(); err != nil {
		return nil, err
	}
	return m, nil
}

// UnsupportedFileError names an entry of an install directory that is not a
// regular file or directory. errors.Is(err, [ErrUnsupportedFile]) holds.
type UnsupportedFileError struct {
	Path string
	Mode fs.FileMode
}

func (e *UnsupportedFileError) Error() string {
	return fmt.Sprintf("trustkernel/integrity: %q is a %s, want a regular file or directory", e.Path, describeMode(e.Mode))
}

// Unwrap returns [ErrUnsupportedFile].
func (e *UnsupportedFileError) Unwrap() error { return ErrUnsupportedFile }

func describeMode(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "symlink"
	case m&fs.ModeDevice != 0:
		return "device"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	}
	return "special file (" + m.String() + ")"
}

// DiffError lists how an install directory differs from its manifest.
// errors.Is(err, [ErrMismatch]) holds.
type DiffError struct {
	// Missing are files in the manifest but not in the directory.
	Missing []string
	// Extra are files in the directory but not in the manifest.
	Extra []string
	// Changed are files in both whose contents differ.
	Changed []string
}

func (e *DiffError) Error() string {
	var parts []string
	add := func(what string, ps []string) {
		if len(ps) > 0 {
			parts = append(parts, fmt.Sprintf("%d %s %q", len(ps), what, ps))
		}
	}
	add("missing", e.Missing)
	add("extra", e.Extra)
	add("changed", e.Changed)
	return "trustkernel/integrity: install does not match its manifest: " + strings.Join(parts, ", ")
}

// Unwrap returns [ErrMismatch].
func (e *DiffError) Unwrap() error { return ErrMismatch }

// Diff compares an expected manifest with an actual one (for example one
// built from the install directory) and returns nil when they are equal,
// otherwise a [*DiffError] naming every missing, extra and changed
// file, each list sorted.
func Diff(want, got *Manifest) error {
	var e DiffError
	i, j := 0, 0
	for i < len(want.Entries) || j < len(got.Entries) {
		switch {
		case j == len(got.Entries) || (i < len(want.Entries) && want.Entries[i].Path < got.Entries[j].Path):
			e.Missing = append(e.Missing, want.Entries[i].Path)
			i++
		case i == len(want.Entries) || got.Entries[j].Path < want.Entries[i].Path:
			e.Extra = append(e.Extra, got.Entries[j].Path)
			j++
		default:
			if want.Entries[i].SHA256 != got.Entries[j].SHA256 {
				e.Changed = append(e.Changed, want.Entries[i].Path)
			}
			i++
			j++
		}
	}
	if e.Missing == nil && e.Extra == nil && e.Changed == nil {
		return nil
	}
	return &e
}

// Verify checks an install directory against the anchored root (the
// controller's activeRoot): the manifest must have that root
// ([ErrRootMismatch] otherwise), and the directory's files must match the
// manifest exactly ([*DiffError] otherwise, naming every missing,
// extra and changed file).
func Verify(ctx context.Context, dir string, m *Manifest, activeRoot [32]byte) error {
	root, err := m.Root()
	if err != nil {
		return err
	}
	if root != activeRoot {
		return fmt.Errorf("%w: manifest root %x, anchored %x", ErrRootMismatch, root, activeRoot)
	}
	got, err := Build(ctx, dir)
	if err != nil {
		if errors.Is(err, ErrEmptyManifest) {
			got = &Manifest{}
		} else {
			return err
		}
	}
	return Diff(m, got)
}
