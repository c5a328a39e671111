package durable

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/accordsdk/accord/internal/atomicfile"
)

const (
	// header starts every file of format 1 (Tables, and Files written
	// before format 2); it names the format and its version.
	header = "accord-durable1\n"
	// headerV2 starts a File of format 2, which is followed by two
	// synced-length slots before the first frame.
	headerV2 = "accord-durable2\n"
	// slotSize is the size of one synced-length slot: the length uint64,
	// its CRC-32C uint32 and four zero bytes, little endian.
	slotSize = 16
	// startV2 is where the frames of a format 2 File begin.
	startV2 = len(headerV2) + 2*slotSize
	// FrameHeaderSize is the length and checksum before each record.
	FrameHeaderSize = 8
	// MaxRecordSize is the largest record a File accepts, in bytes.
	MaxRecordSize = 1 << 20
	// maxWrite is the longest single write.
	maxWrite = MaxRecordSize + FrameHeaderSize
	// maxUnsynced bounds the bytes at the end of a file that can be unsynced
	// when the writer crashes: a writer fsyncs before a write would leave
	// more than this unsynced.
	maxUnsynced = 4 * maxWrite
	// ackDepth is how many committed groups may wait for the acknowledger
	// while the committer makes the next one durable.
	ackDepth = 1
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// ringMode is 0 outside tests: a File uses a ring if [Options.SyncRing]
// asks for one. Tests set it to 1 (every durable File tries a ring) or -1
// (none does), to cover both paths whatever the options.
var ringMode int

var (
	// ErrLocked is returned by [Open] when another File holds the lock.
	ErrLocked = errors.New("durable: file is locked by another writer")
	// ErrClosed is returned by operations on a closed File.
	ErrClosed = errors.New("durable: file is closed")
	// ErrFailed wraps the write or fsync error that stopped a File; every
	// append after it fails with the same error.
	ErrFailed = errors.New("durable: file failed")
	// ErrTooLarge is returned for a record over [MaxRecordSize].
	ErrTooLarge = errors.New("durable: record too large")
	// ErrNoRecord is returned by [File.Read] for an index at or past the end.
	ErrNoRecord = errors.New("durable: no record at index")
	// ErrBadHeader is returned by [Open] for a file that is not a durable file.
	ErrBadHeader = errors.New("durable: not a durable file")
)

// IndexError reports that an [Index] locates a record where the file has no
// intact frame of that length: the file lost records the index saw stored,
// or the index belongs to other records.
type IndexError struct {
	Path   string // file name
	Index  uint64 // the record
	Frame  Frame  // where the index locates it
	Size   int64  // size of the file
	Reason string // what was wrong
}

func (e *IndexError) Error() string {
	return fmt.Sprintf("durable: %s: index locates record %d at offset %d (%d bytes) in a file of %d bytes: %s",
		e.Path, e.Index, e.Frame.Offset, e.Frame.Length, e.Size, e.Reason)
}

// Frame locates a record in a file: where its frame starts and the length
// of the record (the frame is [FrameHeaderSize] bytes longer).
type Frame struct {
	Offset int64
	Length int
}

// end returns the offset just past the frame.
func (fr Frame) end() int64 { return fr.Offset + FrameHeaderSize + int64(fr.Length) }

// Index locates the records of a File opened with [Options.Index], so that
// the File keeps no offsets in memory. The caller stores the Frame of every
// record it is given by Visit and OnCommit, and serves them back.
type Index interface {
	// Len returns how many records, from the first, the index locates.
	// Open calls it once, after taking the lock.
	Len() uint64
	// Frame returns where record i is. Open asks for the last record the
	// index locates; Read asks for a record below the File's Len, which
	// the index must locate once OnCommit has returned for it.
	Frame(i uint64) (Frame, error)
}

// CorruptError reports a frame that fails its checks where it cannot be a
// torn tail, so acknowledged records are damaged. It carries the evidence.
type CorruptError struct {
	Path   string // file name
	Offset int64  // offset of the first bad frame
	Size   int64  // size of the file
	Reason string // what was wrong with the frame
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("durable: %s: corrupt frame at offset %d of %d: %s", e.Path, e.Offset, e.Size, e.Reason)
}

// Options configure [Open]. The zero value is a durable file with no hooks.
type Options struct {
	// Lazy files are not fsynced on append (only on Close), and recovery
	// truncates at the first bad frame wherever it is. Use it only for data
	// that can be rebuilt from another source.
	Lazy bool
	// Index, if set, locates records instead of offsets kept in memory (8
	// bytes a record), and lets Open skip the records it locates: Open
	// reads only the last of them, checks its frame (an [IndexError] if it
	// is not there) and scans the records after it.
	Index Index
	// Visit, if set, is called by Open for every record it reads, in order:
	// every record, or with an Index the last one the index locates and
	// those after it. The record is only valid during the call. An error
	// aborts Open.
	Visit func(index uint64, at Frame, record []byte) error
	// OnCommit, if set, is called after each group of records is durable and
	// before any of their appends return, in index order, from one goroutine.
	// The records are only valid during the call.
	OnCommit func(first uint64, at []Frame, records [][]byte)
	// Logger receives recovery warnings. Nil discards them.
	Logger *slog.Logger
	// SyncRing makes the committer issue its fsyncs through io_uring
	// (Linux, where the kernel and sandbox allow it; fdatasync(2)
	// otherwise), so that waiting for the disk does not hold one of the Go
	// scheduler's Ps. Set it where appenders do CPU work of their own
	// between appends, such as a server that signs every record: there a
	// blocking fsync idles part of the machine while goroutines wait to
	// run. Without such work the blocking call is faster, because the ring
	// adds two wake-ups to each fsync (a kernel worker's and the poller's),
	// which cost most when the machine is oversubscribed.
	SyncRing bool
}

// Recovery describes what [Open] repaired.
type Recovery struct {
	Records        uint64 // intact records found
	TruncatedBytes int64  // bytes of torn tail removed
	Reason         string // why the tail was cut, if it was
}

// Stats counts a File's work since it was opened.
type Stats struct {
	Records uint64 // records appended since Open
	Writes  uint64 // write calls
	Syncs   uint64 // fsync calls
	// RingSyncs counts the fsyncs of Syncs that ran through io_uring
	// ([Options.SyncRing]), so that the committer waited for them without
	// holding one of the Go scheduler's Ps.
	RingSyncs uint64
}

// File is an append-only file of records. It is safe for concurrent use.
type File struct {
	path     string
	f        *os.File
	start    int64 // offset of the first frame: after the header (and slots)
	v2       bool  // format 2: the header has synced-length slots
	synced   int64 // the synced length read at Open; 0 if unknown (format 1)
	lazy     bool
	index    Index
	onCommit func(first uint64, at []Frame, records [][]byte)
	recovery Recovery

	mu     sync.Mutex
	cond   *sync.Cond
	queue  []*request
	closed bool
	failed error
	done   chan struct{} // closed when the acknowledger exits

	// Owned by the committer (or, in a lazy file, by the holder of lazyMu):
	// where the next record goes, how much of the file is known synced,
	// and the write buffer.
	lazyMu  sync.Mutex
	next    uint64
	pos     int64
	flushed int64
	buf     []byte
	// committed carries durable groups, in order, to the acknowledger.
	committed chan *group
	// ring, if not nil, runs the committer's fsyncs asynchronously.
	ring *ring

	idx     sync.RWMutex
	count   uint64  // records readable
	offsets []int64 // start of each frame, without an Index
	end     int64   // end of the last frame

	records, writes, syncs, ringSyncs atomic.Uint64
}

type request struct {
	records [][]byte
	first   uint64
	err     error
	taken   bool // guarded by File.mu: the committer has it
	done    chan struct{}
}

// Open opens or creates the file at path, recovers it and locks it.
func Open(path string, opts Options) (*File, error) {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	fd, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("durable: %w", err)
	}
	f := &File{path: path, f: fd, lazy: opts.Lazy, index: opts.Index, onCommit: opts.OnCommit,
		done: make(chan struct{}), committed: make(chan *group, ackDepth)}
	f.cond = sync.NewCond(&f.mu)
	if err := f.open(opts, logger); err != nil {
		fd.Close()
		return nil, err
	}
	// Open synced everything it kept.
	f.next, f.pos, f.flushed = f.count, f.end, f.end
	if !f.lazy && (ringMode > 0 || ringMode == 0 && opts.SyncRing) {
		f.ring, _ = newRing(path, fd) // without one, fdatasync(2)
	}
	go f.run()
	go f.acknowledge()
	return f, nil
}

func (f *File) open(opts Options, logger *slog.Logger) error {
	if err := lockFile(f.f); errors.Is(err, ErrLocked) {
		return fmt.Errorf("%w: %s", ErrLocked, f.path)
	} else if err != nil {
		return err
	}
	st, err := f.f.Stat()
	if err != nil {
		return fmt.Errorf("durable: %w", err)
	}
	size := st.Size()
	if err := f.readHeader(size); err != nil {
		return err
	}
	size = max(size, f.start)
	if f.synced > size {
		return &CorruptError{Path: f.path, Offset: size, Size: size,
			Reason: fmt.Sprintf("file ends before its synced length %d: acknowledged records are missing", f.synced)}
	}
	// Records a crash left in the page cache unsynced are found whole and
	// kept: make them durable before anyone (Visit) takes them as stored.
	if err := syncData(f.f); err != nil {
		return fmt.Errorf("durable: %w", err)
	}
	start, first, err := f.resume(size, opts.Visit)
	if err != nil {
		return err
	}
	visit := opts.Visit
	if f.index == nil {
		visit = func(i uint64, at Frame, rec []byte) error {
			f.offsets = append(f.offsets, at.Offset)
			if opts.Visit != nil {
				return opts.Visit(i, at, rec)
			}
			return nil
		}
	}
	r := io.NewSectionReader(f.f, start, size-start)
	n, end, reason, err := scan(r, start, first, visit)
	if err != nil {
		return fmt.Errorf("durable: %s: %w", f.path, err)
	}
	f.count, f.end = first+n, end
	f.recovery.Records = f.count
	if end == size {
		return nil
	}
	if !f.lazy && end < f.synced {
		// Everything below the synced length was on stable storage when the
		// File was last closed: a bad frame there is damage, not a tear.
		return &CorruptError{Path: f.path, Offset: end, Size: size,
			Reason: fmt.Sprintf("%s, below the synced length %d", reason, f.synced)}
	}
	if !f.lazy && size-end > maxUnsynced {
		return &CorruptError{Path: f.path, Offset: end, Size: size, Reason: reason}
	}
	if err := f.f.Truncate(end); err != nil {
		return fmt.Errorf("durable: truncating torn tail: %w", err)
	}
	if err := f.f.Sync(); err != nil {
		return fmt.Errorf("durable: %w", err)
	}
	f.recovery.TruncatedBytes, f.recovery.Reason = size-end, reason
	logger.Warn("durable: truncated torn tail", "path", f.path, "offset", end,
		"bytes", size-end, "reason", reason, "records", f.count)
	return nil
}

// resume returns where Open starts scanning and the index of the record
// there: the start of the file, or with an Index the end of the last record
// it locates, whose frame it checks and visits.
func (f *File) resume(size int64, visit func(uint64, Frame, []byte) error) (int64, uint64, error) {
	if f.index == nil {
		return f.start, 0, nil
	}
	n := f.index.Len()
	if n == 0 {
		return f.start, 0, nil
	}
	last := n - 1
	at, err := f.index.Frame(last)
	if err != nil {
		return 0, 0, fmt.Errorf("durable: %s: locating record %d: %w", f.path, last, err)
	}
	rec, reason, err := readFrame(f.f, at, size, f.start)
	if err != nil {
		return 0, 0, fmt.Errorf("durable: %s: reading record %d: %w", f.path, last, err)
	}
	if reason != "" {
		return 0, 0, &IndexError{Path: f.path, Index: last, Frame: at, Size: size, Reason: reason}
	}
	if visit != nil {
		if err := visit(last, at, rec); err != nil {
			return 0, 0, fmt.Errorf("durable: %s: record %d: %w", f.path, last, err)
		}
	}
	return at.end(), last + 1, nil
}

// readFrame reads the frame at at from a file of the given size whose frames
// begin at start, and returns its record, or why there is no intact frame of
// that length there.
func readFrame(r io.ReaderAt, at Frame, size, start int64) (rec []byte, reason string, err error) {
	switch {
	case at.Offset < start || at.Length < 0 || at.Length > MaxRecordSize:
		return nil, "no such frame can exist", nil
	case at.end() > size:
		return nil, fmt.Sprintf("frame ends at %d, past the end of the file", at.end()), nil
	}
	frame := make([]byte, FrameHeaderSize+at.Length)
	if _, err := r.ReadAt(frame, at.Offset); err == io.EOF {
		return nil, fmt.Sprintf("frame ends at %d, past the end of the file", at.end()), nil
	} else if err != nil {
		return nil, "", err
	}
	if reason := checkFrame(frame); reason != "" {
		return nil, reason, nil
	}
	return frame[FrameHeaderSize:], "", nil
}

// checkFrame returns why frame is not one intact frame, or "".
func checkFrame(frame []byte) string {
	if n := binary.LittleEndian.Uint32(frame); int64(n) != int64(len(frame)-FrameHeaderSize) {
		return fmt.Sprintf("record length %d, want %d", n, len(frame)-FrameHeaderSize)
	}
	if got, want := binary.LittleEndian.Uint32(frame[4:]), frameCRC(frame[:4], frame[FrameHeaderSize:]); got != want {
		return fmt.Sprintf("checksum %08x, want %08x", got, want)
	}
	return ""
}

// readHeader reads the header of a file of the given size and sets the
// File's format, where its frames start and its synced length. A new file,
// or one whose creation was torn, is created in format 2.
func (f *File) readHeader(size int64) error {
	n := min(size, int64(startV2))
	got := make([]byte, n)
	if _, err := f.f.ReadAt(got, 0); err != nil {
		return fmt.Errorf("durable: reading header: %w", err)
	}
	switch {
	case n >= int64(len(header)) && string(got[:len(header)]) == header:
		// Format 1: no synced length; recovery relies on maxUnsynced alone.
		f.start = int64(len(header))
		return nil
	case n == int64(startV2) && string(got[:len(headerV2)]) == headerV2:
		f.start, f.v2 = int64(startV2), true
		a, okA := parseSlot(got[len(headerV2):], 0)
		b, okB := parseSlot(got[len(headerV2)+slotSize:], 1)
		switch {
		case okA && okB:
			f.synced = max(a, b)
		case okA:
			f.synced = a
		case okB:
			f.synced = b
		default:
			// Close writes one slot at a time with an fsync between, so a
			// crash can damage at most one.
			return &CorruptError{Path: f.path, Offset: int64(len(headerV2)), Size: size, Reason: "both synced-length slots are damaged"}
		}
		return nil
	}
	// A new file, or a creation that was torn (format 1 or 2): nothing was
	// ever appended, so the header can be written afresh.
	torn := string(got) == headerV2[:min(n, int64(len(headerV2)))] ||
		(n > int64(len(headerV2)) && string(got[:len(headerV2)]) == headerV2) ||
		string(got) == header[:min(n, int64(len(header)))]
	if !torn {
		return fmt.Errorf("%w: %s: header %q, want %q", ErrBadHeader, f.path, got[:min(n, int64(len(headerV2)))], headerV2)
	}
	f.start, f.v2, f.synced = int64(startV2), true, int64(startV2)
	buf := append([]byte(headerV2), make([]byte, 2*slotSize)...)
	putSlot(buf[len(headerV2):], 0, int64(startV2))
	putSlot(buf[len(headerV2)+slotSize:], 1, int64(startV2))
	if _, err := f.f.WriteAt(buf, 0); err != nil {
		return fmt.Errorf("durable: writing header: %w", err)
	}
	if err := f.f.Truncate(int64(startV2)); err != nil {
		return fmt.Errorf("durable: writing header: %w", err)
	}
	if err := f.f.Sync(); err != nil {
		return fmt.Errorf("durable: %w", err)
	}
	return atomicfile.SyncDir(filepath.Dir(f.path))
}

// putSlot writes synced-length slot i.
func putSlot(b []byte, i byte, synced int64) {
	binary.LittleEndian.PutUint64(b, uint64(synced))
	binary.LittleEndian.PutUint32(b[8:], slotCRC(b[:8], i))
	clear(b[12:slotSize])
}

// parseSlot reads synced-length slot i, reporting whether it is intact.
func parseSlot(b []byte, i byte) (int64, bool) {
	v := binary.LittleEndian.Uint64(b)
	ok := binary.LittleEndian.Uint32(b[8:]) == slotCRC(b[:8], i) &&
		binary.LittleEndian.Uint32(b[12:]) == 0 && v >= uint64(startV2) && v <= 1<<62
	return int64(v), ok
}

// slotCRC is the CRC-32C of the slot's length bytes followed by its number,
// so that slot A's bytes are not a valid slot B.
func slotCRC(length []byte, i byte) uint32 {
	return crc32.Update(crc32.Update(0, castagnoli, length), castagnoli, []byte{i})
}

// writeSynced records synced as the synced length: slot 0, fsync, slot 1,
// fsync, so that a crash leaves at least one slot intact.
func (f *File) writeSynced(synced int64) error {
	for i := range byte(2) {
		var b [slotSize]byte
		putSlot(b[:], i, synced)
		if _, err := f.f.WriteAt(b[:], int64(len(headerV2))+int64(i)*slotSize); err != nil {
			return fmt.Errorf("durable: writing synced length: %w", err)
		}
		if err := syncData(f.f); err != nil {
			return fmt.Errorf("durable: %w", err)
		}
	}
	return nil
}

// checkHeader verifies the format 1 header of the Table f of the given
// size, writing it if the file is new or its creation was torn.
func checkHeader(f *os.File, path string, size int64) error {
	n := min(size, int64(len(header)))
	got := make([]byte, n)
	if _, err := f.ReadAt(got, 0); err != nil {
		return fmt.Errorf("durable: reading header: %w", err)
	}
	if string(got) != header[:n] {
		return fmt.Errorf("%w: %s: header %q, want %q", ErrBadHeader, path, got, header)
	}
	if n == int64(len(header)) {
		return nil
	}
	if _, err := f.WriteAt([]byte(header), 0); err != nil {
		return fmt.Errorf("durable: writing header: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("durable: %w", err)
	}
	return atomicfile.SyncDir(filepath.Dir(path))
}

// scan reads frames from r, which starts at offset base of the file, until
// the first bad frame or the end, and visits each intact one, numbering
// them from first. It returns how many it found, the end of the last one,
// and why it stopped early ("" at a clean end). Only read errors other than
// the end of data are returned as err.
func scan(r io.Reader, base int64, first uint64, visit func(uint64, Frame, []byte) error) (n uint64, end int64, reason string, err error) {
	br := bufio.NewReaderSize(r, maxWrite)
	end = base
	for {
		hdr, err := br.Peek(FrameHeaderSize)
		if len(hdr) == 0 && err == io.EOF {
			return n, end, "", nil
		}
		if err != nil && err != io.EOF {
			return 0, 0, "", err
		}
		if len(hdr) < FrameHeaderSize {
			return n, end, fmt.Sprintf("frame header of %d bytes, want %d", len(hdr), FrameHeaderSize), nil
		}
		length := binary.LittleEndian.Uint32(hdr)
		if length > MaxRecordSize {
			return n, end, fmt.Sprintf("record length %d over maximum %d", length, MaxRecordSize), nil
		}
		frame, err := br.Peek(FrameHeaderSize + int(length))
		if err != nil && err != io.EOF {
			return 0, 0, "", err
		}
		if len(frame) < FrameHeaderSize+int(length) {
			return n, end, fmt.Sprintf("record of %d bytes, want %d", len(frame)-FrameHeaderSize, length), nil
		}
		if reason := checkFrame(frame); reason != "" {
			return n, end, reason, nil
		}
		if visit != nil {
			if err := visit(first+n, Frame{Offset: end, Length: int(length)}, frame[FrameHeaderSize:]); err != nil {
				return 0, 0, "", fmt.Errorf("record %d: %w", first+n, err)
			}
		}
		n++
		end += int64(len(frame))
		if _, err := br.Discard(len(frame)); err != nil {
			return 0, 0, "", err
		}
	}
}

func frameCRC(length, record []byte) uint32 {
	return crc32.Update(crc32.Update(0, castagnoli, length), castagnoli, record)
}

// AppendFrame appends the frame of record to buf: its length, its checksum
// and the record. A [Table]'s frames are made with it.
func AppendFrame(buf, record []byte) []byte {
	var hdr [FrameHeaderSize]byte
	binary.LittleEndian.PutUint32(hdr[:], uint32(len(record)))
	binary.LittleEndian.PutUint32(hdr[4:], frameCRC(hdr[:4], record))
	return append(append(buf, hdr[:]...), record...)
}

// Recovery reports what Open found and repaired.
func (f *File) Recovery() Recovery { return f.recovery }

// Stats reports the work done since Open.
func (f *File) Stats() Stats {
	return Stats{Records: f.records.Load(), Writes: f.writes.Load(), Syncs: f.syncs.Load(), RingSyncs: f.ringSyncs.Load()}
}

// Len returns the number of records in the file.
func (f *File) Len() uint64 {
	f.idx.RLock()
	defer f.idx.RUnlock()
	return f.count
}

// Append adds record to the file and returns its index once it is durable.
// It is AppendBatch with one record.
func (f *File) Append(ctx context.Context, record []byte) (uint64, error) {
	return f.AppendBatch(ctx, [][]byte{record})
}

// AppendBatch adds records to the file at consecutive indexes and returns the
// first index once all of them are durable (written, and fsynced unless the
// file is lazy). If ctx ends before the records are taken for writing, none
// is appended and ctx's error is returned; once taken, AppendBatch waits for
// the write to finish. After a write error ([ErrFailed]) some of the records
// may have been stored: the caller cannot tell which.
func (f *File) AppendBatch(ctx context.Context, records [][]byte) (uint64, error) {
	if len(records) == 0 {
		return 0, errors.New("durable: empty batch")
	}
	for _, rec := range records {
		if len(rec) > MaxRecordSize {
			return 0, fmt.Errorf("%w: %d bytes, maximum %d", ErrTooLarge, len(rec), MaxRecordSize)
		}
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if f.lazy {
		return f.appendLazy(records)
	}
	r := &request{records: records, done: make(chan struct{})}
	f.mu.Lock()
	switch {
	case f.closed:
		f.mu.Unlock()
		return 0, ErrClosed
	case f.failed != nil:
		f.mu.Unlock()
		return 0, f.failed
	}
	f.queue = append(f.queue, r)
	f.cond.Signal()
	f.mu.Unlock()
	select {
	case <-r.done:
	case <-ctx.Done():
		f.mu.Lock()
		if !r.taken {
			for i, q := range f.queue {
				if q == r {
					f.queue = append(f.queue[:i], f.queue[i+1:]...)
					break
				}
			}
			f.mu.Unlock()
			return 0, ctx.Err()
		}
		f.mu.Unlock()
		<-r.done
	}
	return r.first, r.err
}

// run is the committer. It takes every queued request, writes their
// records (in as few writes as the size limit allows) and fsyncs once, then
// hands the group to the acknowledger and takes whatever queued meanwhile:
// the requests that arrive while one fsync runs share the next one. With
// one fsync at a time a commit gathers every record that arrived during the
// previous fsync, instead of overlapping fsyncs of a few records each.
func (f *File) run() {
	defer close(f.committed)
	for {
		f.mu.Lock()
		for len(f.queue) == 0 && !f.closed {
			f.cond.Wait()
		}
		if len(f.queue) == 0 {
			f.mu.Unlock()
			return
		}
		batch := f.queue
		f.queue = nil
		for _, r := range batch {
			r.taken = true
		}
		f.mu.Unlock()
		f.committed <- f.commit(batch)
	}
}

// group is what one commit made durable: the records of the requests
// taken from the queue together, written in one or more writes and covered
// by the fsync that ended the commit.
type group struct {
	first   uint64
	frames  []Frame
	records [][]byte
	end     int64
	answers []*request
	err     error // the write or fsync that failed, if one did
}

// commit writes the records of batch in writes of at most maxWrite bytes
// and fsyncs them. It returns before a group is durable only if it failed.
func (f *File) commit(batch []*request) *group {
	g := &group{first: f.next, answers: batch}
	f.buf = f.buf[:0]
	var err error
	for _, r := range batch {
		r.first = f.next
		for _, rec := range r.records {
			if len(f.buf)+FrameHeaderSize+len(rec) > maxWrite {
				err = f.write(err)
			}
			g.frames = append(g.frames, Frame{Offset: f.pos + int64(len(f.buf)), Length: len(rec)})
			g.records = append(g.records, rec)
			f.buf = AppendFrame(f.buf, rec)
			f.next++
		}
	}
	err = f.write(err)
	if err == nil {
		err = f.sync()
	}
	g.end, g.err = f.pos, err
	return g
}

// write writes f.buf at the end of the file and empties it, fsyncing first
// if the write would leave more than maxUnsynced bytes unsynced. After a
// failed write or fsync (err, or a failure of the File) nothing more is
// written, so the file never has a hole; the returned error says so.
func (f *File) write(err error) error {
	if err == nil {
		f.mu.Lock()
		err = f.failed
		f.mu.Unlock()
	}
	if err == nil && f.pos+int64(len(f.buf))-f.flushed > maxUnsynced {
		err = f.sync()
	}
	if err == nil {
		_, err = f.f.WriteAt(f.buf, f.pos)
		f.writes.Add(1)
		if err != nil {
			f.fail(err)
		}
	}
	f.pos += int64(len(f.buf))
	f.buf = f.buf[:0]
	return err
}

// sync fsyncs everything written so far.
func (f *File) sync() error {
	err := f.syncCommitted()
	f.syncs.Add(1)
	if err != nil {
		f.fail(err)
		return err
	}
	f.flushed = f.pos
	return nil
}

// syncCommitted fdatasyncs the file for the committer, through the ring if
// it has one. A ring that fails (rather than the fsync it ran) is closed
// for good and the fsync is made with fdatasync(2), which covers whatever
// the ring's may have left unfinished.
func (f *File) syncCommitted() error {
	if f.ring != nil {
		err := f.ring.datasync()
		if !errors.Is(err, errRing) {
			f.ringSyncs.Add(1)
			return err
		}
		f.ring.close()
		f.ring = nil
	}
	return syncData(f.f)
}

// acknowledge takes committed groups in order, makes their records visible
// and answers their requests. A group whose write or fsync failed, and
// every later one, is answered with the File's failure.
func (f *File) acknowledge() {
	defer close(f.done)
	for g := range f.committed {
		f.mu.Lock()
		err := f.failed
		f.mu.Unlock()
		if err != nil {
			answer(g.answers, err)
			continue
		}
		f.publish(g.first, g.frames, g.records, g.end)
		answer(g.answers, nil)
	}
}

// publish makes records, which are stored, readable and passes them to the
// OnCommit hook. end is the end of the last one's frame.
func (f *File) publish(first uint64, frames []Frame, records [][]byte, end int64) {
	f.idx.Lock()
	if f.index == nil {
		for _, at := range frames {
			f.offsets = append(f.offsets, at.Offset)
		}
	}
	f.count += uint64(len(frames))
	f.end = end
	f.idx.Unlock()
	f.records.Add(uint64(len(records)))
	if f.onCommit != nil {
		f.onCommit(first, frames, records)
	}
}

// appendLazy writes records of a lazy file at once, in the caller: with no
// fsync to share there is nothing to gain from the committer.
func (f *File) appendLazy(records [][]byte) (uint64, error) {
	f.lazyMu.Lock()
	defer f.lazyMu.Unlock()
	f.mu.Lock()
	closed, err := f.closed, f.failed
	f.mu.Unlock()
	switch {
	case closed:
		return 0, ErrClosed
	case err != nil:
		return 0, err
	}
	first := f.next
	frames := make([]Frame, 0, len(records))
	f.buf = f.buf[:0]
	for _, rec := range records {
		frames = append(frames, Frame{Offset: f.pos + int64(len(f.buf)), Length: len(rec)})
		f.buf = AppendFrame(f.buf, rec)
	}
	_, err = f.f.WriteAt(f.buf, f.pos)
	f.writes.Add(1)
	if err != nil {
		f.fail(err)
		f.mu.Lock()
		defer f.mu.Unlock()
		return 0, f.failed
	}
	f.next += uint64(len(records))
	f.pos += int64(len(f.buf))
	f.publish(first, frames, records, f.pos)
	return first, nil
}

// fail stops the File with err unless it has already stopped.
func (f *File) fail(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failed == nil {
		f.failed = fmt.Errorf("%w: %s: %w", ErrFailed, f.path, err)
	}
}

func answer(rs []*request, err error) {
	for _, r := range rs {
		r.err = err
		close(r.done)
	}
}

// Read returns a copy of the record at index, checking its checksum.
func (f *File) Read(index uint64) ([]byte, error) {
	f.idx.RLock()
	n, size := f.count, f.end
	var at Frame
	if f.index == nil && index < n {
		end := size
		if index+1 < n {
			end = f.offsets[index+1]
		}
		at = Frame{Offset: f.offsets[index], Length: int(end - f.offsets[index] - FrameHeaderSize)}
	}
	f.idx.RUnlock()
	if index >= n {
		return nil, fmt.Errorf("%w %d: file has %d records", ErrNoRecord, index, n)
	}
	if f.index != nil {
		var err error
		if at, err = f.index.Frame(index); err != nil {
			return nil, fmt.Errorf("durable: %s: locating record %d: %w", f.path, index, err)
		}
	}
	rec, reason, err := readFrame(f.f, at, size, f.start)
	if err != nil {
		return nil, fmt.Errorf("durable: reading record %d: %w", index, err)
	}
	if reason != "" {
		return nil, &CorruptError{Path: f.path, Offset: at.Offset, Size: size, Reason: fmt.Sprintf("record %d changed on disk: %s", index, reason)}
	}
	return rec, nil
}

// Close waits for queued appends, syncs the file and releases the lock.
// Appends after Close fail with [ErrClosed].
func (f *File) Close() error {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return ErrClosed
	}
	f.closed = true
	f.cond.Signal()
	f.mu.Unlock()
	<-f.done
	if f.ring != nil { // the committer has exited
		f.ring.close()
		f.ring = nil
	}
	f.lazyMu.Lock() // wait for a lazy append in progress
	defer f.lazyMu.Unlock()
	f.mu.Lock()
	failed := f.failed
	f.mu.Unlock()
	err := failed
	if err == nil {
		err = f.f.Sync()
	}
	if err == nil && f.v2 {
		// Every record is on stable storage: record how far, so that the
		// next Open takes damage below it for what it is.
		f.idx.RLock()
		end := f.end
		f.idx.RUnlock()
		err = f.writeSynced(end)
	}
	return errors.Join(err, f.f.Close())
}
