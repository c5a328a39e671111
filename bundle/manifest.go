package bundle

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"github.com/accordsdk/accord/internal/merkletree"
	"io"
	"maps"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/accordsdk/accord/envelope"
	"golang.org/x/mod/sumdb/tlog"
)

// manifestVersion is the "v" of manifest.json and bundle.json.
const manifestVersion = 1

// Member is one entry of a bundle's manifest.
type Member struct {
	Name   string
	Size   int64
	Digest envelope.Digest // blake3 of the member's bytes
}

// Manifest is a bundle's table of contents: its metadata from bundle.json,
// the number and total size of its members, the RFC 6962 Merkle root over
// them, and the signature envelope that signs it.
//
// A Manifest may also hold its member table (every member's name, size and
// blake3 digest, about 45 bytes plus the name each), which [Manifest.Member],
// [Manifest.Lookup] and [Manifest.Proof] need. [Verify] keeps the table only
// with [WithMemberTable], so that its memory does not grow with the number of
// members; [ReadManifest] always keeps it. [Manifest.HasMemberTable] tells.
type Manifest struct {
	info  Info
	root  tlog.Hash
	sig   []byte
	n     int
	total int64
	table *memberTable // nil unless kept
}

// memberTable holds members compactly, in name order.
type memberTable struct {
	names strings.Builder // all names, concatenated
	ends  []uint32        // ends[i] is the end of name i in names
	sizes []int64
	sums  [][32]byte

	proofOnce sync.Once
	stored    []tlog.Hash // stored hashes for proofs, built on first use
}

// Info returns the bundle's metadata from bundle.json.
func (m *Manifest) Info() Info {
	i := m.info
	i.Metadata = maps.Clone(i.Metadata)
	return i
}

// Root returns the RFC 6962 Merkle root over the members' leaf encodings.
func (m *Manifest) Root() tlog.Hash { return m.root }

// Signature returns the bytes of signatures/manifest.sig, a signed envelope
// of type [SignatureType] that can be kept as evidence of the bundle.
func (m *Manifest) Signature() []byte { return bytes.Clone(m.sig) }

// Len returns the number of members (header members excluded).
func (m *Manifest) Len() int { return m.n }

// TotalSize returns the sum of the members' sizes.
func (m *Manifest) TotalSize() int64 { return m.total }

// HasMemberTable reports whether m holds its member table, which
// [Manifest.Member], [Manifest.Lookup] and [Manifest.Proof] need.
func (m *Manifest) HasMemberTable() bool { return m.table != nil }

// Member returns the i'th member in name order. It panics if i is out of
// range or m has no member table (see [Manifest.HasMemberTable]).
func (m *Manifest) Member(i int) Member {
	if m.table == nil {
		panic("bundle: Manifest.Member: no member table (see WithMemberTable)")
	}
	return Member{Name: m.table.name(i), Size: m.table.sizes[i], Digest: digestOf(m.table.sums[i])}
}

// Lookup returns the member with the given name and its index. It reports
// false if there is no such member or m has no member table.
func (m *Manifest) Lookup(name string) (Member, int, bool) {
	if m.table == nil {
		return Member{}, 0, false
	}
	i := m.table.search(name)
	if i < m.Len() && m.table.name(i) == name {
		return m.Member(i), i, true
	}
	return Member{}, 0, false
}

// len returns the number of members in the table.
func (t *memberTable) len() int { return len(t.sizes) }

// name returns member i's name, a substring of the names arena.
func (t *memberTable) name(i int) string {
	start := uint32(0)
	if i > 0 {
		start = t.ends[i-1]
	}
	return t.names.String()[start:t.ends[i]]
}

// search returns the index of the first member whose name is >= name.
func (t *memberTable) search(name string) int {
	return sort.Search(t.len(), func(i int) bool { return t.name(i) >= name })
}

// add appends a member to m's counts and, if m keeps one, to its table.
func (m *Manifest) add(name string, size int64, sum [32]byte) {
	m.n++
	m.total += size
	if t := m.table; t != nil {
		t.names.WriteString(name)
		t.ends = append(t.ends, uint32(t.names.Len()))
		t.sizes = append(t.sizes, size)
		t.sums = append(t.sums, sum)
	}
}

// appendLeaf appends a member's leaf encoding: the exact line manifest.json
// holds for it (without separator),
//
//	{"path":"<name>","size":<decimal>,"digest":"blake3:<64 hex>"}
//
// Names never need JSON escaping (see [CheckName]), so this is also the JSON
// encoding of the entry.
func appendLeaf(dst []byte, name string, size int64, sum *[32]byte) []byte {
	dst = append(dst, `{"path":"`...)
	dst = append(dst, name...)
	dst = append(dst, `","size":`...)
	dst = strconv.AppendInt(dst, size, 10)
	dst = append(dst, `,"digest":"blake3:`...)
	dst = hex.AppendEncode(dst, sum[:])
	return append(dst, `"}`...)
}

// leafHash is the RFC 6962 leaf hash of a member's leaf encoding.
func leafHash(buf []byte, name string, size int64, sum *[32]byte) ([]byte, tlog.Hash) {
	buf = appendLeaf(buf[:0], name, size, sum)
	return buf, tlog.RecordHash(buf)
}

// manifestHead and manifestTail frame manifest.json:
//
//	{"v":1,"merkle_root":"<base64>","members":[
//	<leaf>,
//	<leaf>
//	]}
const (
	manifestHead1 = `{"v":1,"merkle_root":"`
	manifestHead2 = `","members":[` + "\n"
	manifestTail  = "]}\n"
)

// maxManifestLine bounds one line of manifest.json: a member entry with a
// name of MaxNameLen bytes fits with room to spare. manifestBuffer is the
// read buffer; large reads keep hashing the manifest fast.
const (
	maxManifestLine = 4096
	manifestBuffer  = 64 << 10
)

// parseManifest parses manifest.json held in memory, keeping its member
// table.
func parseManifest(b []byte, lim *limits) (*Manifest, error) {
	return readManifest(bufio.NewReaderSize(bytes.NewReader(b), manifestBuffer), lim, &memberList{table: &memberTable{}})
}

// readManifest parses manifest.json line by line in its canonical form,
// checking names, order and limits, and that its merkle_root matches its
// members, and adds each member to list. It holds neither the raw bytes nor
// (unless list keeps a table) the members: the Manifest it returns has the
// counts and the root.
func readManifest(r *bufio.Reader, lim *limits, list *memberList) (*Manifest, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: manifest.json: %s", ErrMalformed, fmt.Sprintf(format, args...))
	}
	line, err := r.ReadSlice('\n')
	if err != nil {
		return nil, bad("no first line: %v", err)
	}
	rest, ok := bytes.CutPrefix(line, []byte(manifestHead1))
	if !ok {
		return nil, bad("does not start with %q", manifestHead1)
	}
	const rootLen = 44 // base64 of 32 bytes
	if len(rest) < rootLen {
		return nil, bad("short merkle_root")
	}
	claimed, err := tlog.ParseHash(string(rest[:rootLen]))
	if err != nil || claimed.String() != string(rest[:rootLen]) {
		return nil, bad("merkle_root %q is not base64 of 32 bytes", rest[:rootLen])
	}
	if !bytes.Equal(rest[rootLen:], []byte(manifestHead2)) {
		return nil, bad("no members array after merkle_root")
	}
	m := &Manifest{table: list.table}
	var tb merkletree.Frontier
	var leaf []byte
	var prev string
	more := true // a member or the end may follow; false after a member without comma
	for {
		line, err := r.ReadSlice('\n')
		if err != nil || len(line) > maxManifestLine {
			return nil, bad("member %d: line of %d bytes: %v", m.Len(), len(line), err)
		}
		if bytes.Equal(line, []byte(manifestTail)) {
			if m.Len() > 0 && more {
				return nil, bad("comma after the last member")
			}
			break
		}
		if !more {
			return nil, bad("member %d: no comma before it", m.Len())
		}
		line = line[:len(line)-1]
		line, more = bytes.CutSuffix(line, []byte(","))
		if m.Len() >= lim.maxMembers {
			return nil, fmt.Errorf("%w: manifest lists more than %d members", ErrTooManyMembers, lim.maxMembers)
		}
		name, size, sum, err := parseLeaf(line)
		if err != nil {
			return nil, bad("member %d: %v", m.Len(), err)
		}
		if err := CheckName(name); err != nil {
			return nil, fmt.Errorf("manifest.json: %w", err)
		}
		if isReserved(name) {
			return nil, fmt.Errorf("%w: manifest.json lists %q", ErrReservedName, name)
		}
		if m.Len() > 0 {
			if name == prev {
				return nil, fmt.Errorf("%w: manifest.json lists %q twice", ErrDuplicateMember, name)
			} else if name < prev {
				return nil, bad("%q listed after %q, want name order", name, prev)
			}
		}
		if size > lim.maxMemberSize {
			return nil, fmt.Errorf("%w: member %q of %d bytes, limit %d", ErrMemberTooLarge, name, size, lim.maxMemberSize)
		}
		var h tlog.Hash
		if leaf, h = leafHash(leaf, name, size, &sum); !bytes.Equal(leaf, line) {
			return nil, bad("member %q is not in canonical form", name)
		}
		tb.Append(h)
		m.add(name, size, sum)
		if err := list.add(name, size, &sum); err != nil {
			return nil, err
		}
		prev = name
	}
	if _, err := r.ReadByte(); err != io.EOF {
		return nil, bad("data after the closing %q", manifestTail)
	}
	m.root = tb.Root()
	if m.root != claimed {
		return nil, bad("merkle_root %s, members hash to %s", claimed, m.root)
	}
	return m, nil
}

// parseLeaf parses one member line; appendLeaf re-encodes it for the
// canonical comparison.
func parseLeaf(line []byte) (name string, size int64, sum [32]byte, err error) {
	rest, ok := bytes.CutPrefix(line, []byte(`{"path":"`))
	if !ok {
		return "", 0, sum, fmt.Errorf("entry does not start with %q", `{"path":"`)
	}
	i := bytes.IndexByte(rest, '"')
	if i < 0 {
		return "", 0, sum, fmt.Errorf("unterminated path")
	}
	name, rest = string(rest[:i]), rest[i:]
	if rest, ok = bytes.CutPrefix(rest, []byte(`","size":`)); !ok {
		return "", 0, sum, fmt.Errorf("no size after path")
	}
	i = bytes.IndexByte(rest, ',')
	if i < 0 {
		return "", 0, sum, fmt.Errorf("no digest after size")
	}
	size, err = strconv.ParseInt(string(rest[:i]), 10, 64)
	if err != nil || size < 0 || size > maxTarSize {
		return "", 0, sum, fmt.Errorf("size %q, want a decimal from 0 to %d", rest[:i], int64(maxTarSize))
	}
	rest = rest[i:]
	if rest, ok = bytes.CutPrefix(rest, []byte(`,"digest":"blake3:`)); !ok || len(rest) != 66 {
		return "", 0, sum, fmt.Errorf("digest is not blake3:<64 hex>")
	}
	if _, err := hex.Decode(sum[:], rest[:64]); err != nil {
		return "", 0, sum, fmt.Errorf("digest: %v", err)
	}
	return name, size, sum, nil
}
