package bundle

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	frames "github.com/accordsdk/accord/internal/spool"
)

// DefaultManifestMemory is how many bytes of member list [Verify] holds in
// memory between manifest.json and the members before it moves the list to
// a temporary file (see [WithManifestSpool]): about 3,000 members with names
// of 40 bytes. Smaller bundles never touch the disk; larger ones hold no
// more memory than this.
const DefaultManifestMemory = 256 << 10

// expectation is one member as the signed manifest lists it.
type expectation struct {
	name string
	size int64
	sum  [32]byte
}

// memberList holds a list of members in name order without growing memory:
// in an internal/spool (one frame per member: uvarint size, 32-byte digest,
// name) in memory up to a limit and then in one temporary file, or in a
// Manifest's member table if one is kept. Verify carries the member list in
// it from manifest.json, which comes first in the archive, to the members,
// which follow the signature; nothing read back from it is trusted alone:
// Verify also rebuilds the Merkle root from the members as they stream past
// and compares it with the signed one. The Writer keeps the members added
// in name order in it until Close writes them out.
type memberList struct {
	table *memberTable // if set, the list is read from it

	dir   string
	limit int64
	s     *frames.Spool
	rec   []byte
}

// maxListFrame bounds one member's frame in the list.
const maxListFrame = binary.MaxVarintLen64 + 32 + MaxNameLen

// add appends one member to the list.
func (l *memberList) add(name string, size int64, sum *[32]byte) error {
	if l.table != nil {
		return nil // the Manifest's table holds it
	}
	if l.s == nil {
		l.s = frames.New(l.dir, int(min(l.limit, math.MaxInt)), maxListFrame)
	}
	l.rec = binary.AppendUvarint(l.rec[:0], uint64(size))
	l.rec = append(l.rec, sum[:]...)
	l.rec = append(l.rec, name...)
	if err := l.s.Append(l.rec); err != nil {
		return fmt.Errorf("bundle: spooling the member list: %w", err)
	}
	return nil
}

// cursor returns a reader of the list from its first member.
func (l *memberList) cursor() (*memberCursor, error) {
	if l.table != nil {
		return &memberCursor{table: l.table}, nil
	}
	if l.s == nil {
		l.s = frames.New(l.dir, 0, maxListFrame)
	}
	r, err := l.s.Reader()
	if err != nil {
		return nil, fmt.Errorf("bundle: spooling the member list: %w", err)
	}
	return &memberCursor{r: r}, nil
}

// close removes the temporary file, if there is one.
func (l *memberList) close() {
	if l.s != nil {
		l.s.Close()
		l.s = nil
	}
}

// memberCursor reads a memberList in order.
type memberCursor struct {
	table *memberTable
	r     *frames.Reader
	i     int
}

// next returns the next member of the list. The caller knows how many
// there are and never reads past the last.
func (c *memberCursor) next() (expectation, error) {
	defer func() { c.i++ }()
	if c.table != nil {
		return expectation{name: c.table.name(c.i), size: c.table.sizes[c.i], sum: c.table.sums[c.i]}, nil
	}
	var e expectation
	p, err := c.r.Next()
	if err == nil {
		size, k := binary.Uvarint(p)
		switch {
		case k <= 0 || size > math.MaxInt64:
			err = errors.New("malformed size")
		case len(p)-k < len(e.sum) || len(p)-k-len(e.sum) > MaxNameLen:
			err = fmt.Errorf("frame of %d bytes", len(p))
		default:
			copy(e.sum[:], p[k:])
			e.name, e.size = string(p[k+len(e.sum):]), int64(size)
		}
	}
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return e, fmt.Errorf("bundle: reading back the member list, member %d: %w", c.i, err)
	}
	return e, nil
}

// find returns the index of the member named name, reading the list from
// its start; it is used only to explain a rejection.
func (l *memberList) find(name string, n int) (int, bool, error) {
	c, err := l.cursor()
	if err != nil {
		return 0, false, err
	}
	for i := range n {
		e, err := c.next()
		if err != nil {
			return 0, false, err
		}
		if e.name == name {
			return i, true, nil
		}
		if e.name > name {
			break
		}
	}
	return 0, false, nil
}
