package merklelog

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/mod/sumdb/tlog"

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
	hashesFile     = "hashes"
	checkpointFile = "checkpoint"
)

// FileStorage is the default [Storage]: a directory with a durable records
// file (group commit, fsync before acknowledgement), a hash file holding each
// record's stored hashes (a cache rebuilt from the records when it lags
// behind, so it is written without fsync), and the last signed checkpoint
// (replaced atomically). Every stored hash is also kept in memory: 64 bytes
// per record on average.
type FileStorage struct {
	dir     string
	logger  *slog.Logger
	records *durable.File
	hashes  *durable.File // owned by writeHashes once it runs
	// toWrite carries hash file entries from commit to writeHashes, so
	// that acknowledging appends never waits for the cache.
	toWrite chan [][]byte
	written chan struct{} // closed when writeHashes returns

	mu     sync.RWMutex
	stored hashStore // every stored hash, by stored hash index
	size   uint64    // records whose hashes are in stored
}

// hashStore holds stored hashes in chunks of fixed size, so that growing it
// never copies what it holds (a slice would briefly hold it twice).
type hashStore struct {
	chunks [][]tlog.Hash
	n      int64
}

// hashChunk is the number of hashes in a chunk (1 MiB).
const hashChunk = 1 << 15

func (h *hashStore) len() int64 { return h.n }

func (h *hashStore) at(i int64) tlog.Hash { return h.chunks[i/hashChunk][i%hashChunk] }

func (h *hashStore) append(hs ...tlog.Hash) {
	for len(hs) > 0 {
		if h.n%hashChunk == 0 {
			h.chunks = append(h.chunks, make([]tlog.Hash, 0, hashChunk))
		}
		last := &h.chunks[len(h.chunks)-1]
		k := min(len(hs), hashChunk-len(*last))
		*last = append(*last, hs[:k]...)
		h.n += int64(k)
		hs = hs[k:]
	}
}

// OpenFileStorage opens or creates the log storage in dir. It recovers the
// records file (see package durable), loads the hash file and rebuilds any
// hashes it lacks, and refuses to open if the two files disagree.
func OpenFileStorage(dir string, logger *slog.Logger) (*FileStorage, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("merklelog: %w", err)
	}
	s := &FileStorage{dir: dir, logger: logger}
	records, err := durable.Open(filepath.Join(dir, recordsFile), durable.Options{OnCommit: s.commit, Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("merklelog: %w", err)
	}
	s.records = records
	n := records.Len()
	hashes, err := durable.Open(filepath.Join(dir, hashesFile), durable.Options{Lazy: true, Visit: s.load, Logger: logger})
	if err != nil {
		records.Close()
		return nil, fmt.Errorf("merklelog: %w", err)
	}
	s.hashes = hashes
	s.toWrite, s.written = make(chan [][]byte, 256), make(chan struct{})
	go s.writeHashes()
	if err := s.catchUp(n); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// storedCount returns how many stored hashes record i adds.
func storedCount(i uint64) int {
	return int(tlog.StoredHashCount(int64(i)+1) - tlog.StoredHashCount(int64(i)))
}

// load takes entry i of the hash file into memory.
func (s *FileStorage) load(i uint64, entry []byte) error {
	k := storedCount(i)
	if len(entry) != k*tlog.HashSize {
		return fmt.Errorf("%w: hash entry %d has %d bytes, want %d (the hash file is a cache: remove %s to rebuild it)",
			ErrCorrupt, i, len(entry), k*tlog.HashSize, filepath.Join(s.dir, hashesFile))
	}
	for j := range k {
		s.stored.append(tlog.Hash(entry[j*tlog.HashSize:]))
	}
	s.size++
	return nil
}

// catchUp checks the loaded hashes against the n records and hashes the
// records the hash file lacks.
func (s *FileStorage) catchUp(n uint64) error {
	h := s.size
	if h > n {
		return fmt.Errorf("%w: hash file covers %d records, records file has %d: acknowledged records are missing", ErrCorrupt, h, n)
	}
	if h > 0 {
		rec, err := s.records.Read(h - 1)
		if err != nil {
			return fmt.Errorf("merklelog: %w", err)
		}
		if got, want := tlog.RecordHash(rec), s.stored.at(tlog.StoredHashIndex(0, int64(h-1))); got != want {
			return fmt.Errorf("%w: record %d hashes to %v, hash file has %v (if the records are right, remove %s to rebuild it)",
				ErrCorrupt, h-1, got, want, filepath.Join(s.dir, hashesFile))
		}
	}
	if h == n {
		return nil
	}
	const step = 4096
	for first := h; first < n; first += step {
		batch := make([][]byte, 0, min(step, n-first))
		for i := first; i < n && i < first+step; i++ {
			rec, err := s.records.Read(i)
			if err != nil {
				return fmt.Errorf("merklelog: %w", err)
			}
			batch = append(batch, rec)
		}
		s.commit(first, batch)
	}
	s.logger.Info("merklelog: rebuilt record hashes", "dir", s.dir, "records", n-h)
	return nil
}

// commit hashes records, which start at index first and are durable, into
// the tree and the hash file. It runs on the records file's commit goroutine
// (or in Open before it starts), so there is one writer.
func (s *FileStorage) commit(first uint64, records [][]byte) {
	base := s.stored.len()
	var added []tlog.Hash
	read := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			if x < base {
				out[i] = s.stored.at(x)
			} else {
				out[i] = added[x-base]
			}
		}
		return out, nil
	})
	entries := make([][]byte, len(records))
	for i, rec := range records {
		hs, err := tlog.StoredHashes(int64(first)+int64(i), rec, read)
		if err != nil {
			// StoredHashes fails only if the reader does, and ours cannot.
			panic(fmt.Sprintf("merklelog: hashing record %d: %v", first+uint64(i), err))
		}
		added = append(added, hs...)
		entry := make([]byte, 0, len(hs)*tlog.HashSize)
		for _, h := range hs {
			entry = append(entry, h[:]...)
		}
		entries[i] = entry
	}
	s.mu.Lock()
	s.stored.append(added...)
	s.size = first + uint64(len(records))
	s.mu.Unlock()
	s.toWrite <- entries
}

// writeHashes appends hash entries to the hash file in order. The records
// are durable before their entries get here and the hash file is only a
// cache: after a failed write it stops writing, and the next Open rebuilds
// what the file lacks.
func (s *FileStorage) writeHashes() {
	defer close(s.written)
	for entries := range s.toWrite {
		if s.hashes == nil {
			continue
		}
		if _, err := s.hashes.AppendBatch(context.Background(), entries); err != nil {
			s.logger.Error("merklelog: hash file write failed; hashes will be rebuilt on open", "dir", s.dir, "err", err)
			s.hashes.Close()
			s.hashes = nil
		}
	}
	if s.hashes != nil {
		if err := s.hashes.Close(); err != nil {
			s.logger.Error("merklelog: closing hash file", "dir", s.dir, "err", err)
		}
	}
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

// ReadHashes implements [tlog.HashReader].
func (s *FileStorage) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= s.stored.len() {
			return nil, fmt.Errorf("merklelog: stored hash %d not in a tree of %d hashes", x, s.stored.len())
		}
		out[i] = s.stored.at(x)
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
	if err := writeFileAtomic(s.dir, checkpointFile, signed); err != nil {
		return fmt.Errorf("merklelog: storing checkpoint: %w", err)
	}
	return nil
}

// Close implements [Storage]: it waits for pending appends and closes the
// files.
func (s *FileStorage) Close() error {
	err := s.records.Close()
	if errors.Is(err, durable.ErrClosed) {
		return err
	}
	close(s.toWrite)
	<-s.written
	return err
}

func writeFileAtomic(dir, name string, data []byte) error {
	f, err := os.CreateTemp(dir, name+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, name))
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
