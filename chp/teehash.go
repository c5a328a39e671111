package chp

import (
	"hash"
	"io"
)

// teeHasher passes reads through and hashes what was read on another
// goroutine, so that hashing a whole bundle overlaps with verifying it.
// Its bytes are copied into chunks the hasher owns, so the caller's
// buffers are free as soon as Read returns.
type teeHasher struct {
	r     io.Reader
	chunk []byte
	work  chan []byte
	free  chan []byte
	sum   chan []byte
	done  []byte // the digest, once closed
}

const (
	teeChunks    = 4
	teeChunkSize = 256 << 10
)

func newTeeHasher(r io.Reader, h hash.Hash) *teeHasher {
	t := &teeHasher{r: r, work: make(chan []byte, teeChunks), free: make(chan []byte, teeChunks), sum: make(chan []byte, 1)}
	for range teeChunks {
		t.free <- make([]byte, 0, teeChunkSize)
	}
	t.chunk = <-t.free
	go func() {
		for c := range t.work {
			h.Write(c)
			t.free <- c[:0]
		}
		t.sum <- h.Sum(nil)
	}()
	return t
}

func (t *teeHasher) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	for q := p[:n]; len(q) > 0; {
		k := min(len(q), cap(t.chunk)-len(t.chunk))
		t.chunk = append(t.chunk, q[:k]...)
		q = q[k:]
		if len(t.chunk) == cap(t.chunk) {
			t.work <- t.chunk
			t.chunk = <-t.free
		}
	}
	return n, err
}

// Sum stops the hasher and returns the digest of everything read. Later
// calls return the same digest; Read must not be called after it.
func (t *teeHasher) Sum() []byte {
	if t.done == nil {
		t.work <- t.chunk
		close(t.work)
		t.done = <-t.sum
	}
	return t.done
}
