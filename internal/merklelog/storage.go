package merklelog

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/accordsdk/accord/internal/merkletree"
	"io/fs"
	"log/slog"
	"math/bits"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/accordsdk/accord/internal/atomicfile"
	"github.com/accordsdk/accord/internal/durable"
)

// Storage keeps a log's records, its tree hashes and its last signed
// checkpoint. [FileStorage] is the embedded default; a backend for a
// database or a tiled log (Tessera) implements the same methods.
//
// A Storage numbers records from 0 and stores, for each record, the hashes
// that [tlog.StoredHashes] returns for it, so that [tlog.HashReader] can
// serve any stored hash index below tlog.StoredHashCount(Size()). It must
// be safe for concurrent use, count in Size only records that are durable,
// and never change a record or hash once Size has counted it: the Log checks
// before signing that the tree still extends its last checkpoint, but it
// cannot undo a checkpoint a backend lost.
type Storage interface {
	// Append stores records durably at consecutive indexes, with their
	// hashes, and returns the first index. When it returns nil, Size
	// includes the records and ReadHashes serves their hashes.
	Append(ctx context.Context, records [][]byte) (first uint64, err error)
	// Size returns the number of records stored.
	Size() uint64
	// Record returns the record at index, below Size.
	Record(index uint64) ([]byte, error)
	// ReadHashes returns the stored hashes at the given stored hash indexes.
	tlog.HashReader
	// SignedCheckpoint returns the last checkpoint stored with
	// StoreSignedCheckpoint, or nil if there is none.
	SignedCheckpoint() ([]byte, error)
	// StoreSignedCheckpoint durably replaces the stored checkpoint.
	StoreSignedCheckpoint(ctx context.Context, signed []byte) error
	// Close releases the storage.
	Close() error
}

// Names of the files of a [FileStorage] in its directory.
const (
	recordsFile    = "records"
	indexFile      = "index"
	checkpointFile = "checkpoint"
	// legacyHashesFile held the stored hashes in earlier versions; Open removes
	// it once the index covers the records.
	legacyHashesFile = "hashes"
)

const (
	// entryHeaderSize is the record's frame offset and length at the start
	// of an index entry.
	entryHeaderSize = 12
	// batchEntries is the most entries the committer hands to the index
	// writer at once.
	batchEntries = 4096
	// pendingLimit bounds the bytes of entries waiting for the index
	// writer: past it the committer waits.
	pendingLimit = 1 << 20
	// topWidth bounds the nodes of the levels whose hashes are cached: at
	// most 2*topWidth hashes are.
	topWidth = 2048
)

// FileStorage is the default [Storage]: a directory with a durable records
// file (group commit, fsync before acknowledgement), an index holding each
// record's place in the records file and its stored hashes (a cache rebuilt
// from the records when it lags behind, so written without fsync), and the
// last signed checkpoint (replaced atomically). Its memory does not grow with
// the log: hashes and records are read from the files when asked for; in
// memory are the right edge of the tree (at most 64 hashes), the hashes of
// the top levels of the tree (at most 4096), and the entries not yet written
// to the index (at most about a MiB).
type FileStorage struct {
	dir     string
	logger  *slog.Logger
	records *durable.File
	index   *durable.Table

	// Owned by the committer (the records file's OnCommit, or Open): the
	// roots of the complete subtrees at the right edge of the tree (the
	// frontier of the records indexed or pending), the entries not yet
	// handed to the writer, and room to make one.
	edge     merkletree.Frontier
	building *batch
	entryBuf []byte

	top topHashes

	mu sync.RWMutex
	// cond signals changes to pending, closing and failed (with mu locked).
	cond *sync.Cond
	size uint64 // records whose entries are in the index or pending
	// pending holds the entries not yet written to the index, in order;
	// after a failed write it keeps every later entry.
	pending      []*batch
	pendingBytes int
	closing      bool
	failed       bool
	written      chan struct{} // closed when writeIndex returns
}

// topHashes caches the stored hashes of the top levels of the tree, those
// with at most topWidth nodes, which most proofs and every tree hash need.
type topHashes struct {
	mu     sync.RWMutex
	floor  int // lowest level cached
	hashes map[int64]tlog.Hash
}

func (c *topHashes) get(x int64) (tlog.Hash, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	h, ok := c.hashes[x]
	return h, ok
}

// put caches h, the stored hash x at the given level, if the level is a top
// level of a tree of size records.
func (c *topHashes) put(size uint64, x int64, level int, h tlog.Hash) {
	floor := bits.Len64(size / topWidth) // size>>floor < topWidth
	if level < floor {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.hashes == nil {
		c.hashes = make(map[int64]tlog.Hash)
	}
	if floor > c.floor {
		c.floor = floor
		for y := range c.hashes {
			if l, _ := tlog.SplitStoredHashIndex(y); l < floor {
				delete(c.hashes, y)
			}
		}
	}
	if level >= c.floor {
		c.hashes[x] = h
	}
}

// batch is a run of index entries, as the frames that go in the file.
type batch struct {
	first, n uint64
	frames   []byte
}

// entryOffset is the [durable.Layout] of the index: the bytes the entries of
// records 0 to i-1 take. Each entry is a frame holding the record's offset
// and length and the hashes the record adds.
func entryOffset(i uint64) int64 {
	return int64(i)*(durable.FrameHeaderSize+entryHeaderSize) + tlog.StoredHashCount(int64(i))*tlog.HashSize
}

// OpenFileStorage opens or creates the log storage in dir. It recovers the
// index (see [durable.Table]) and the records after those it locates (see
// package durable), indexes and hashes any records the index lacks, and
// refuses to open if the two files disagree.
func OpenFileStorage(dir string, logger *slog.Logger) (*FileStorage, error) {
	return openFileStorage(dir, logger, false)
}

// openFileStorage is OpenFileStorage, with the records fsynced through
// io_uring if syncRing is set.
func openFileStorage(dir string, logger *slog.Logger, syncRing bool) (*FileStorage, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("merklelog: %w", err)
	}
	s := &FileStorage{dir: dir, logger: logger, written: make(chan struct{})}
	s.cond = sync.NewCond(&s.mu)
	index, err := durable.OpenTable(filepath.Join(dir, indexFile), entryOffset, logger)
	if err != nil {
		return nil, fmt.Errorf("merklelog: %w", err)
	}
	// The index's lock keeps other writers out, so a temporary checkpoint
	// file here is a leftover of a crash.
	if removed, err := atomicfile.RemoveTemps(dir); err != nil {
		logger.Warn("merklelog: leftover temporary files not removed", "dir", dir, "err", err)
	} else if len(removed) > 0 {
		logger.Info("merklelog: removed leftover temporary files", "paths", removed)
	}
	s.index, s.size = index, index.Len()
	if err := s.loadEdge(); err != nil {
		index.Close()
		return nil, err
	}
	go s.writeIndex()
	located := s.size
	records, err := durable.Open(filepath.Join(dir, recordsFile), durable.Options{
		Index: (*recordIndex)(s),
		Visit: func(i uint64, at durable.Frame, rec []byte) error {
			if i < located {
				return s.checkLast(i, rec)
			}
			s.add(i, at, rec)
			return nil
		},
		OnCommit: s.commit,
		Logger:   logger,
		SyncRing: syncRing,
	})
	if err != nil {
		s.Close()
		var ie *durable.IndexError
		if errors.As(err, &ie) {
			return nil, fmt.Errorf("%w: %w (acknowledged records are missing, or the index is another log's: if the records are right, remove %s to rebuild it)",
				ErrCorrupt, err, filepath.Join(dir, indexFile))
		}
		return nil, fmt.Errorf("merklelog: %w", err)
	}
	s.records = records
	s.flush()
	if n := s.Size(); n > located {
		s.logger.Info("merklelog: indexed records", "dir", dir, "records", n-located)
	}
	if err := os.Remove(filepath.Join(dir, legacyHashesFile)); err == nil {
		s.logger.Info("merklelog: removed the hash file of an earlier version", "dir", dir)
	} else if !errors.Is(err, fs.ErrNotExist) {
		s.logger.Warn("merklelog: removing the old hash file", "dir", dir, "err", err)
	}
	return s, nil
}

// loadEdge reads the right edge of the tree from the index: the root of
// each perfect subtree, largest (leftmost) first.
func (s *FileStorage) loadEdge() error {
	var idx []int64
	for l := 63; l >= 0; l-- {
		if s.size>>l&1 == 1 {
			idx = append(idx, tlog.StoredHashIndex(l, int64(s.size>>l)-1))
		}
	}
	var hs []tlog.Hash
	if len(idx) > 0 {
		var err error
		if hs, err = s.ReadHashes(idx); err != nil {
			return err
		}
	}
	edge, err := merkletree.FromHashes(s.size, hs)
	if err != nil {
		return err
	}
	s.edge = edge
	return nil
}

// checkLast checks the last record the index locates against the hash the
// index holds for it.
func (s *FileStorage) checkLast(i uint64, rec []byte) error {
	e, err := s.entry(i)
	if err != nil {
		return err
	}
	if got, want := tlog.RecordHash(rec), tlog.Hash(e[entryHeaderSize:]); got != want {
		return fmt.Errorf("%w: record %d hashes to %v, index has %v (if the records are right, remove %s to rebuild it)",
			ErrCorrupt, i, got, want, filepath.Join(s.dir, indexFile))
	}
	return nil
}

// commit indexes records, which start at index first and are durable. It
// runs on the records file's commit goroutine, so there is one committer.
func (s *FileStorage) commit(first uint64, at []durable.Frame, records [][]byte) {
	for i, rec := range records {
		s.add(first+uint64(i), at[i], rec)
	}
	s.flush()
}

// add hashes record i, found at at, into the tree and makes its index entry.
func (s *FileStorage) add(i uint64, at durable.Frame, rec []byte) {
	b := s.building
	if b == nil {
		b = &batch{first: i}
		s.building = b
	}
	// The hashes record i adds (tlog.StoredHashes): its own, then one for
	// each subtree it completes, joining the edge's roots from the bottom.
	e := binary.LittleEndian.AppendUint64(s.entryBuf[:0], uint64(at.Offset))
	e = binary.LittleEndian.AppendUint32(e, uint32(at.Length))
	e = s.edge.AppendStored(e, tlog.RecordHash(rec))
	s.entryBuf = e
	b.frames = durable.AppendFrame(b.frames, e)
	b.n++
	if b.n == batchEntries {
		s.flush()
	}
}

// flush hands the entries being built to the writer, waiting while too
// many are pending.
func (s *FileStorage) flush() {
	b := s.building
	if b == nil {
		return
	}
	s.building = nil
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.pendingBytes >= pendingLimit && !s.failed {
		s.cond.Wait()
	}
	s.pending = append(s.pending, b)
	s.pendingBytes += len(b.frames)
	s.size = b.first + b.n
	s.cond.Broadcast()
}

// writeIndex appends pending entries to the index in order. The records are
// durable before their entries get here and the index is only a cache:
// after a failed write it stops writing and keeps the entries in memory, and
// the next Open rebuilds what the file lacks.
func (s *FileStorage) writeIndex() {
	defer close(s.written)
	var buf []byte
	for {
		s.mu.Lock()
		for !s.closing && (s.failed || len(s.pending) == 0) {
			s.cond.Wait()
		}
		if s.failed || len(s.pending) == 0 {
			s.mu.Unlock()
			return
		}
		take := len(s.pending)
		n, frames := s.pending[0].n, s.pending[0].frames
		if take > 1 { // one write for them all
			buf = buf[:0]
			for _, b := range s.pending[:take] {
				buf = append(buf, b.frames...)
			}
			n, frames = s.pending[take-1].first+s.pending[take-1].n-s.pending[0].first, buf
		}
		s.mu.Unlock()
		err := s.index.Append(n, frames)
		s.mu.Lock()
		if err != nil {
			s.failed = true
			s.logger.Error("merklelog: index write failed; entries stay in memory and are rebuilt on open", "dir", s.dir, "err", err)
		} else {
			clear(s.pending[:take])
			s.pending = s.pending[take:]
			s.pendingBytes -= len(frames)
		}
		s.cond.Broadcast()
		s.mu.Unlock()
		if cap(buf) > pendingLimit/4 {
			buf = nil
		}
	}
}

// entry returns the index entry of record i, below Size: from the entries
// pending in memory, or read from the index file and checked.
func (s *FileStorage) entry(i uint64) ([]byte, error) {
	s.mu.RLock()
	if i >= s.size {
		n := s.size
		s.mu.RUnlock()
		return nil, fmt.Errorf("%w: index %d, log size %d", ErrNoRecord, i, n)
	}
	if p := s.pending; len(p) > 0 && i >= p[0].first {
		k := sort.Search(len(p), func(k int) bool { return p[k].first+p[k].n > i }) // i < s.size: found
		b := p[k]
		s.mu.RUnlock()
		start := entryOffset(i) - entryOffset(b.first)
		return b.frames[start+durable.FrameHeaderSize : entryOffset(i+1)-entryOffset(b.first)], nil
	}
	s.mu.RUnlock()
	e, err := s.index.Read(i)
	var ce *durable.CorruptError
	if errors.As(err, &ce) {
		return nil, fmt.Errorf("%w: %w (remove %s to rebuild it)", ErrCorrupt, err, filepath.Join(s.dir, indexFile))
	}
	if err != nil {
		return nil, fmt.Errorf("merklelog: index entry %d: %w", i, err)
	}
	return e, nil
}

// recordIndex is the storage seen as the [durable.Index] of its records file.
type recordIndex FileStorage

// Len returns the number of records the index locates.
func (x *recordIndex) Len() uint64 { return (*FileStorage)(x).Size() }

// Frame returns where record i is in the records file.
func (x *recordIndex) Frame(i uint64) (durable.Frame, error) {
	e, err := (*FileStorage)(x).entry(i)
	if err != nil {
		return durable.Frame{}, err
	}
	return durable.Frame{Offset: int64(binary.LittleEndian.Uint64(e)), Length: int(binary.LittleEndian.Uint32(e[8:]))}, nil
}

// Append implements [Storage].
func (s *FileStorage) Append(ctx context.Context, records [][]byte) (uint64, error) {
	first, err := s.records.AppendBatch(ctx, records)
	if err != nil {
		return 0, fmt.Errorf("merklelog: %w", err)
	}
	return first, nil
}

// Size implements [Storage].
func (s *FileStorage) Size() uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.size
}

// Record implements [Storage].
func (s *FileStorage) Record(index uint64) ([]byte, error) {
	if n := s.Size(); index >= n {
		return nil, fmt.Errorf("%w: index %d, log size %d", ErrNoRecord, index, n)
	}
	rec, err := s.records.Read(index)
	if err != nil {
		return nil, fmt.Errorf("merklelog: %w", err)
	}
	return rec, nil
}

// ReadHashes implements [tlog.HashReader]. The stored hash at level l and
// index n is the l-th hash of the entry of the record that completes its
// subtree, ((n+1)<<l)-1.
func (s *FileStorage) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	size := s.Size()
	stored := tlog.StoredHashCount(int64(size))
	out := make([]tlog.Hash, len(indexes))
	for k, x := range indexes {
		if x < 0 || x >= stored {
			return nil, fmt.Errorf("merklelog: stored hash %d not in a tree of %d hashes", x, stored)
		}
		if h, ok := s.top.get(x); ok {
			out[k] = h
			continue
		}
		l, m := tlog.SplitStoredHashIndex(x)
		e, err := s.entry(uint64(m+1)<<l - 1)
		if err != nil {
			return nil, err
		}
		out[k] = tlog.Hash(e[entryHeaderSize+l*tlog.HashSize:])
		s.top.put(size, x, l, out[k])
	}
	return out, nil
}

// SignedCheckpoint implements [Storage].
func (s *FileStorage) SignedCheckpoint() ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(s.dir, checkpointFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("merklelog: %w", err)
	}
	return b, nil
}

// StoreSignedCheckpoint implements [Storage]: it writes a temporary file,
// fsyncs it, renames it over the checkpoint and fsyncs the directory.
func (s *FileStorage) StoreSignedCheckpoint(ctx context.Context, signed []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := atomicfile.Write(filepath.Join(s.dir, checkpointFile), signed, 0o600); err != nil {
		return fmt.Errorf("merklelog: storing checkpoint: %w", err)
	}
	return nil
}

// Close implements [Storage]: it waits for pending appends, writes the
// pending index entries and closes the files.
func (s *FileStorage) Close() error {
	var err error
	if s.records != nil {
		if err = s.records.Close(); errors.Is(err, durable.ErrClosed) {
			return err
		}
	}
	s.mu.Lock()
	s.closing = true
	s.cond.Broadcast()
	s.mu.Unlock()
	<-s.written
	if ierr := s.index.Close(); ierr != nil {
		s.logger.Error("merklelog: closing index", "dir", s.dir, "err", ierr)
	}
	return err
}
