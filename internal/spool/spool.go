// Package spool keeps a sequence of byte strings (frames) that a producer
// writes once and reads back in order: in memory up to a limit, then in one
// temporary file. It is the one framing the module's temporary data uses:
// the bundle member list between manifest.json and the members, the
// heartbeats a Local Registry export holds while it adds the ACKs, and the
// ACKs and ledger records a Global Registry import holds until the bundle
// has verified.
//
// # Frames
//
// A frame is its length as an unsigned LEB128 varint
// ([binary.AppendUvarint]) followed by that many bytes. A spool's bytes,
// in memory or in its file, are its frames one after another, nothing
// before, between or after. The format is private to a running process:
// nothing reads a spool written by another process, so it may change
// between versions. Persistent formats keep their own frames:
// internal/durable's (length and CRC-32C, readable across versions and
// crashes) and the CHP log record (a 4-byte heartbeat length).
//
// # Temporary files and cleanup
//
// A spool's file lives in the directory it is given. Whoever owns that
// directory owns the cleanup: [Spool.Close] removes the file, and after a
// crash the owner wipes the directory with [PrepareDir] when it opens, so
// that no package needs to know another's temporary file names. Packages
// that take a temporary directory from their caller (bundle's
// WithTempDir and WithManifestSpool) leave crash leftovers to that caller.
package spool

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
)

// ErrFrame is returned by [Spool.Append] for a frame longer than the
// spool's bound, and by [Reader.Next] when the bytes read back are not a
// frame of at most that bound (the temporary file was changed underneath).
var ErrFrame = errors.New("spool: bad frame")

// fileBuffer is the buffer of a spool's file, for writing and for reading.
const fileBuffer = 256 << 10

// Spool holds frames in memory up to a limit, then in a temporary file. A
// Spool is not safe for concurrent use; it is read back with [Spool.Reader]
// once written.
type Spool struct {
	dir      string
	memory   int
	maxFrame int

	mem    []byte
	f      *os.File
	w      *bufio.Writer
	frames int
	hdr    [binary.MaxVarintLen64]byte
}

// New returns an empty spool that holds up to memory bytes of frames in
// memory and the rest in a temporary file in dir (the system's temporary
// directory if dir is ""), created on first need. Frames are at most
// maxFrame bytes.
func New(dir string, memory, maxFrame int) *Spool {
	return &Spool{dir: dir, memory: max(memory, 0), maxFrame: maxFrame}
}

// Append adds a frame holding a copy of p.
func (s *Spool) Append(p []byte) error {
	if len(p) > s.maxFrame {
		return fmt.Errorf("%w: %d bytes, at most %d", ErrFrame, len(p), s.maxFrame)
	}
	n := binary.PutUvarint(s.hdr[:], uint64(len(p)))
	if s.f == nil && len(s.mem)+n+len(p) > s.memory {
		if err := s.spill(); err != nil {
			return err
		}
	}
	if s.f == nil {
		if need := len(s.mem) + n + len(p); need > cap(s.mem) {
			// Doubling (append grows large slices by a quarter), at most
			// to the memory limit: a spool that fills its memory copies
			// it a few times, not dozens.
			grown := make([]byte, len(s.mem), min(max(need, 2*cap(s.mem), 4<<10), s.memory))
			s.mem = grown[:copy(grown, s.mem)]
		}
		s.mem = append(append(s.mem, s.hdr[:n]...), p...)
	} else {
		if _, err := s.w.Write(s.hdr[:n]); err != nil {
			return fmt.Errorf("spool: writing %s: %w", s.f.Name(), err)
		}
		if _, err := s.w.Write(p); err != nil {
			return fmt.Errorf("spool: writing %s: %w", s.f.Name(), err)
		}
	}
	s.frames++
	return nil
}

// spill moves the frames in memory to a new temporary file.
func (s *Spool) spill() error {
	f, err := os.CreateTemp(s.dir, "spool-*")
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	s.f, s.w = f, bufio.NewWriterSize(f, fileBuffer)
	_, err = s.w.Write(s.mem)
	s.mem = nil
	if err != nil {
		return fmt.Errorf("spool: writing %s: %w", f.Name(), err)
	}
	return nil
}

// Frames returns the number of frames appended.
func (s *Spool) Frames() int { return s.frames }

// OnDisk reports whether the spool has moved to a temporary file.
func (s *Spool) OnDisk() bool { return s.f != nil }

// Reader returns a reader of the frames from the first. Frames appended
// afterwards are not guaranteed to be seen by it.
func (s *Spool) Reader() (*Reader, error) {
	if s.f == nil {
		return &Reader{mem: s.mem, maxFrame: s.maxFrame}, nil
	}
	if err := s.w.Flush(); err != nil {
		return nil, fmt.Errorf("spool: writing %s: %w", s.f.Name(), err)
	}
	return &Reader{r: bufio.NewReaderSize(io.NewSectionReader(s.f, 0, 1<<62), fileBuffer), maxFrame: s.maxFrame}, nil
}

// Close releases the memory and removes the temporary file. The spool is
// then empty and can be used again. Close may be called more than once.
func (s *Spool) Close() error {
	s.mem, s.frames = s.mem[:0], 0
	if s.f == nil {
		return nil
	}
	f := s.f
	s.f, s.w = nil, nil
	return errors.Join(f.Close(), os.Remove(f.Name()))
}

// Reader reads a spool's frames in order.
type Reader struct {
	mem      []byte // in memory: the frames not yet read
	r        *bufio.Reader
	buf      []byte
	maxFrame int
}

// Next returns the next frame, or io.EOF after the last. The frame is
// valid until the next call to Next and must not be modified.
func (r *Reader) Next() ([]byte, error) {
	if r.r == nil {
		if len(r.mem) == 0 {
			return nil, io.EOF
		}
		n, k, err := r.header(r.mem)
		if err == nil && n > len(r.mem)-k {
			err = io.ErrUnexpectedEOF
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrFrame, err)
		}
		p := r.mem[k : k+n : k+n]
		r.mem = r.mem[k+n:]
		return p, nil
	}
	h, err := r.r.Peek(binary.MaxVarintLen64)
	if len(h) == 0 && err == io.EOF {
		return nil, io.EOF
	}
	n, k, err := r.header(h)
	if err == nil {
		_, _ = r.r.Discard(k)
		r.buf = slices.Grow(r.buf[:0], n)[:n]
		if _, err = io.ReadFull(r.r, r.buf); err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFrame, err)
	}
	return r.buf, nil
}

// header parses a frame's length from the start of b: a minimal uvarint of
// at most maxFrame. It returns the length and the bytes the varint takes.
func (r *Reader) header(b []byte) (int, int, error) {
	n, k := binary.Uvarint(b)
	switch {
	case k == 0:
		return 0, 0, io.ErrUnexpectedEOF
	case k < 0 || k != uvarintLen(n):
		return 0, 0, errors.New("malformed length")
	case n > uint64(r.maxFrame):
		return 0, 0, fmt.Errorf("frame of %d bytes, at most %d", n, r.maxFrame)
	}
	return int(n), k, nil
}

func uvarintLen(n uint64) int {
	k := 1
	for ; n >= 0x80; n >>= 7 {
		k++
	}
	return k
}

// PrepareDir makes dir a spool directory: it creates it (0700) if it does
// not exist and removes everything in it, which can only be the leftovers
// of a process that ended without closing its spools. Its owner calls it
// when it opens, while it holds whatever lock keeps other processes out of
// the directory. It returns the paths it removed.
func PrepareDir(dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	var removed []string
	var errs []error
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if err := os.RemoveAll(p); err != nil {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, p)
	}
	if len(errs) > 0 {
		return removed, fmt.Errorf("spool: %w", errors.Join(errs...))
	}
	return removed, nil
}
