package bundle

import (
	"fmt"
	"io"
	"os"
	"sync"
)

// DefaultSpoolMemory is how many bytes of members a [Writer] holds in memory
// before it moves them to a temporary file (see [WithSpoolMemory]).
const DefaultSpoolMemory = 64 << 20

// spoolChunk is the size of the in-memory spool's chunks, and spoolRead the
// most a member's reader fills at a time.
const (
	spoolChunk = 1 << 20
	spoolRead  = 128 << 10
)

// chunkPool recycles spool chunks between Writers, so that a busy exporter
// does not fault in fresh memory for every bundle.
var chunkPool = sync.Pool{New: func() any {
	b := make([]byte, 0, spoolChunk)
	return &b
}}

// spool holds bytes between Add and Close: in memory, in chunks that readers
// fill directly, up to a limit; then in one temporary file, written through a
// buffer so that small members do not cost a write each.
type spool struct {
	dir    string
	limit  int64
	chunks [][]byte // in memory: all full except the last
	f      *os.File
	fn     int64  // bytes in the file
	wb     []byte // in a file: bytes after fn, not yet written
	n      int64  // bytes spooled
	rbuf   []byte // in a file: copyTo's read buffer, holding bytes from roff
	roff   int64
}

// next returns a buffer for the next bytes; commit records them.
func (s *spool) next() ([]byte, error) {
	if s.f == nil && s.n >= s.limit {
		if err := s.spill(); err != nil {
			return nil, err
		}
	}
	if s.f != nil {
		// Write out every spoolRead bytes or so, while they are still
		// in cache.
		if len(s.wb) >= spoolRead {
			if err := s.flush(); err != nil {
				return nil, err
			}
		}
		return s.wb[len(s.wb) : len(s.wb)+spoolRead], nil
	}
	if len(s.chunks) == 0 || len(s.chunks[len(s.chunks)-1]) == spoolChunk {
		s.chunks = append(s.chunks, (*chunkPool.Get().(*[]byte))[:0])
	}
	// Hand out at most spoolRead bytes at a time, so that the bytes a
	// reader copied in are still in cache when they are hashed.
	last := s.chunks[len(s.chunks)-1]
	return last[len(last):min(len(last)+spoolRead, spoolChunk)], nil
}

// commit records p, a prefix of the buffer next returned, as spooled.
func (s *spool) commit(p []byte) {
	if s.f != nil {
		s.wb = s.wb[:len(s.wb)+len(p)]
	} else {
		last := &s.chunks[len(s.chunks)-1]
		*last = (*last)[:len(*last)+len(p)]
	}
	s.n += int64(len(p))
}

// flush writes the file's buffer out. What a failed write left in the
// buffer stays there.
func (s *spool) flush() error {
	if s.f == nil || len(s.wb) == 0 {
		return nil
	}
	n, err := s.f.Write(s.wb)
	s.fn += int64(n)
	s.wb = s.wb[:copy(s.wb, s.wb[n:])]
	s.rbuf = s.rbuf[:0]
	if err != nil {
		return fmt.Errorf("writing spool: %w", err)
	}
	return nil
}

// spill moves the spool to a temporary file. If it fails, the spool stays
// in memory.
func (s *spool) spill() error {
	f, err := os.CreateTemp(s.dir, "accord-bundle-spool-*")
	if err != nil {
		return fmt.Errorf("creating spool: %w", err)
	}
	for _, c := range s.chunks {
		if _, err := f.Write(c); err != nil {
			f.Close()
			os.Remove(f.Name())
			return fmt.Errorf("writing spool: %w", err)
		}
	}
	s.f, s.fn = f, s.n
	s.wb = (*chunkPool.Get().(*[]byte))[:0]
	s.release(s.chunks)
	s.chunks = nil
	return nil
}

// release returns chunks to the pool.
func (s *spool) release(chunks [][]byte) {
	for _, c := range chunks {
		chunkPool.Put(&c)
	}
}

// truncate drops everything after offset n, undoing a failed Add.
func (s *spool) truncate(n int64) {
	s.n = n
	if s.f == nil {
		keep := int((n + spoolChunk - 1) / spoolChunk)
		s.release(s.chunks[keep:])
		s.chunks = s.chunks[:keep]
		if keep > 0 {
			s.chunks[keep-1] = s.chunks[keep-1][:n-int64(keep-1)*spoolChunk]
		}
		return
	}
	s.rbuf = s.rbuf[:0]
	if n >= s.fn {
		s.wb = s.wb[:n-s.fn]
		return
	}
	// A failed truncate leaves unreferenced bytes; later writes go to the
	// offset recorded in s.fn.
	s.wb, s.fn = s.wb[:0], n
	_ = s.f.Truncate(n)
	_, _ = s.f.Seek(n, io.SeekStart)
}

// ReadAt implements [io.ReaderAt] over the spooled bytes, which must have
// been flushed.
func (s *spool) ReadAt(p []byte, off int64) (int, error) {
	if off >= s.n {
		return 0, io.EOF
	}
	want := len(p)
	if int64(want) > s.n-off {
		p = p[:s.n-off]
	}
	if s.f != nil {
		n, err := s.f.ReadAt(p, off)
		if err == nil && n < want {
			err = io.EOF
		}
		return n, err
	}
	n := 0
	for n < len(p) {
		at := off + int64(n)
		n += copy(p[n:], s.chunks[at/spoolChunk][at%spoolChunk:])
	}
	if n < want {
		return n, io.EOF
	}
	return n, nil
}

// copyTo writes size bytes from offset off to w. The spool must have been
// flushed. From a file, members copied in order (or in reverse order) cost
// one read per chunk, not one each: copyTo reads a chunk ahead of off (or
// behind it) when off follows (or precedes) the chunk it read last, and
// just the member's bytes otherwise.
func (s *spool) copyTo(w io.Writer, off, size int64) error {
	for size > 0 {
		var c []byte
		if s.f == nil {
			c = s.chunks[off/spoolChunk][off%spoolChunk:]
		} else {
			if off < s.roff || off >= s.roff+int64(len(s.rbuf)) {
				if err := s.fill(off, size); err != nil {
					return err
				}
			}
			c = s.rbuf[off-s.roff:]
		}
		c = c[:min(int64(len(c)), size)]
		if _, err := w.Write(c); err != nil {
			return err
		}
		off += int64(len(c))
		size -= int64(len(c))
	}
	return nil
}

// fill reads into rbuf bytes of the file from off on, size of them wanted.
func (s *spool) fill(off, size int64) error {
	if s.rbuf == nil {
		s.rbuf = make([]byte, 0, spoolChunk)
	}
	start, n := off, min(size, spoolChunk)
	switch {
	case len(s.rbuf) > 0 && off == s.roff+int64(len(s.rbuf)):
		n = spoolChunk // reading on
	case len(s.rbuf) > 0 && off+size == s.roff && size < spoolChunk:
		start, n = max(0, off+size-spoolChunk), spoolChunk // reading back
	}
	got, err := s.ReadAt(s.rbuf[:n], start)
	if got <= int(off-start) {
		s.rbuf = s.rbuf[:0]
		return fmt.Errorf("reading spool at %d: %w", off, err)
	}
	s.rbuf, s.roff = s.rbuf[:got], start
	return nil
}

// close releases the memory and removes the file; the spool is then empty
// and can be used again.
func (s *spool) close() {
	s.release(s.chunks)
	s.chunks = nil
	s.n, s.fn = 0, 0
	if s.f != nil {
		s.release([][]byte{s.wb})
		s.wb = nil
		s.f.Close()
		os.Remove(s.f.Name())
		s.f = nil
	}
}
