package bundle

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
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
// in compact records (uvarint name length, name, uvarint size, 32-byte
// digest) in memory up to a limit and then in one temporary file, or in a
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
	mem   []byte
	f     *os.File
	w     *bufio.Writer
	rec   []byte
}

// add appends one member to the list.
func (l *memberList) add(name string, size int64, sum *[32]byte) error {
	if l.table != nil {
		return nil // the Manifest's table holds it
	}
	l.rec = binary.AppendUvarint(l.rec[:0], uint64(len(name)))
	l.rec = append(l.rec, name...)
	l.rec = binary.AppendUvarint(l.rec, uint64(size))
	l.rec = append(l.rec, sum[:]...)
	if l.f == nil && int64(len(l.mem)+len(l.rec)) > l.limit {
		if err := l.spill(); err != nil {
			return err
		}
	}
	if l.f == nil {
		l.mem = append(l.mem, l.rec...)
		return nil
	}
	if _, err := l.w.Write(l.rec); err != nil {
		return fmt.Errorf("bundle: spooling the member list: %w", err)
	}
	return nil
}

// spill moves the list to a temporary file.
func (l *memberList) spill() error {
	f, err := os.CreateTemp(l.dir, "accord-bundle-manifest-*")
	if err != nil {
		return fmt.Errorf("bundle: spooling the member list: %w", err)
	}
	l.f, l.w = f, bufio.NewWriterSize(f, 64<<10)
	_, err = l.w.Write(l.mem)
	l.mem = nil
	if err != nil {
		return fmt.Errorf("bundle: spooling the member list: %w", err)
	}
	return nil
}

// cursor returns a reader of the list from its first member.
func (l *memberList) cursor() (*memberCursor, error) {
	if l.table != nil {
		return &memberCursor{table: l.table}, nil
	}
	if l.f == nil {
		return &memberCursor{r: bufio.NewReaderSize(bytes.NewReader(l.mem), 4096)}, nil
	}
	if err := l.w.Flush(); err != nil {
		return nil, fmt.Errorf("bundle: spooling the member list: %w", err)
	}
	return &memberCursor{r: bufio.NewReaderSize(io.NewSectionReader(l.f, 0, 1<<62), 64<<10)}, nil
}

// close removes the temporary file, if there is one.
func (l *memberList) close() {
	if l.f != nil {
		l.f.Close()
		os.Remove(l.f.Name())
		l.f = nil
	}
}

// memberCursor reads a memberList in order.
type memberCursor struct {
	table *memberTable
	r     *bufio.Reader
	i     int
	name  []byte
}

// next returns the next member of the list. The caller knows how many
// there are and never reads past the last.
func (c *memberCursor) next() (expectation, error) {
	defer func() { c.i++ }()
	if c.table != nil {
		return expectation{name: c.table.name(c.i), size: c.table.sizes[c.i], sum: c.table.sums[c.i]}, nil
	}
	var e expectation
	n, err := binary.ReadUvarint(c.r)
	if err == nil && n > MaxNameLen {
		err = fmt.Errorf("name of %d bytes", n)
	}
	if err == nil {
		c.name = slices.Grow(c.name[:0], int(n))[:n]
		_, err = io.ReadFull(c.r, c.name)
	}
	var size uint64
	if err == nil {
		size, err = binary.ReadUvarint(c.r)
	}
	if err == nil {
		_, err = io.ReadFull(c.r, e.sum[:])
	}
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return e, fmt.Errorf("bundle: reading back the member list, member %d: %w", c.i, err)
	}
	e.name, e.size = string(c.name), int64(size)
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
