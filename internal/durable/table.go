package durable

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"sync"
	"sync/atomic"
)

// Layout gives the place of every frame of a [Table]: Layout(i) is the
// number of bytes that frames 0 to i-1 take, so frame i starts Layout(i)
// bytes after the header and holds Layout(i+1)-Layout(i)-[FrameHeaderSize]
// bytes of data, at most [MaxRecordSize]. Layout(0) is 0.
type Layout func(i uint64) int64

// Table is a file of frames in the format of a [File] whose sizes follow from
// their position (a [Layout]), for data that can be rebuilt from elsewhere (a
// cache). It keeps nothing per frame in memory: frame i is read where the
// layout puts it. Appends are written at once and not fsynced, except that
// no more than maxUnsynced bytes at the end are ever left unsynced; on open,
// the frames in those last bytes are checked and the table is cut back to
// the first bad one. Frames further back are checked when read. It is safe
// for concurrent use; appends are serialised.
type Table struct {
	path     string
	f        *os.File
	layout   Layout
	recovery Recovery

	n  atomic.Uint64 // frames written, all readable
	mu sync.Mutex    // guards the fields below, and appends
	// end is the end of the last frame; synced, the end of the last fsync.
	end, synced int64
	failed      error
	closed      bool

	writes, syncs atomic.Uint64
}

// OpenTable opens or creates the table at path, laid out by layout, locks it
// as [Open] locks a File, and cuts off any torn or unsynced tail.
func OpenTable(path string, layout Layout, logger *slog.Logger) (*Table, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	fd, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("durable: %w", err)
	}
	t := &Table{path: path, f: fd, layout: layout}
	if err := t.open(logger); err != nil {
		fd.Close()
		return nil, err
	}
	return t, nil
}

// at returns the offset of frame i in the file.
func (t *Table) at(i uint64) int64 { return int64(len(header)) + t.layout(i) }

func (t *Table) open(logger *slog.Logger) error {
	if err := lockFile(t.f); errors.Is(err, ErrLocked) {
		return fmt.Errorf("%w: %s", ErrLocked, t.path)
	} else if err != nil {
		return err
	}
	st, err := t.f.Stat()
	if err != nil {
		return fmt.Errorf("durable: %w", err)
	}
	size := st.Size()
	if err := checkHeader(t.f, t.path, size); err != nil {
		return err
	}
	size = max(size, int64(len(header)))
	// What a crash left in the page cache unsynced is synced now, so that
	// appends from here on leave at most maxUnsynced bytes unsynced.
	if err := syncData(t.f); err != nil {
		return fmt.Errorf("durable: %w", err)
	}
	// Frames that fit in the file; every frame takes at least a header.
	n := uint64(sort.Search(int((size-int64(len(header)))/FrameHeaderSize)+1, func(i int) bool {
		return t.at(uint64(i)+1) > size
	}))
	// Only the last maxUnsynced bytes can be torn: check the frames there.
	from := uint64(sort.Search(int(n), func(i int) bool { return t.at(uint64(i)+1) > size-maxUnsynced }))
	good, reason, err := t.check(from, n)
	if err != nil {
		return fmt.Errorf("durable: %s: %w", t.path, err)
	}
	if end := t.at(good); end < size {
		if reason == "" {
			reason = fmt.Sprintf("%d bytes after the last frame", size-end)
		}
		if err := t.f.Truncate(end); err != nil {
			return fmt.Errorf("durable: truncating torn tail: %w", err)
		}
		if err := t.f.Sync(); err != nil {
			return fmt.Errorf("durable: %w", err)
		}
		t.recovery.TruncatedBytes, t.recovery.Reason = size-end, reason
		logger.Warn("durable: truncated torn tail", "path", t.path, "offset", end,
			"bytes", size-end, "reason", reason, "records", good)
	}
	t.n.Store(good)
	t.end, t.synced = t.at(good), t.at(good)
	t.recovery.Records = good
	return nil
}

// check reads frames from to n-1 in order and returns the index of the first
// bad one (n if none is) and what was wrong with it.
func (t *Table) check(from, n uint64) (uint64, string, error) {
	r := bufio.NewReaderSize(io.NewSectionReader(t.f, t.at(from), t.at(n)-t.at(from)), 1<<16)
	var frame []byte
	for i := from; i < n; i++ {
		size := t.at(i+1) - t.at(i)
		if size < FrameHeaderSize || size > maxWrite {
			return i, fmt.Sprintf("layout gives frame %d %d bytes", i, size), nil
		}
		if int64(cap(frame)) < size {
			frame = make([]byte, size)
		}
		frame = frame[:size]
		if _, err := io.ReadFull(r, frame); err != nil {
			return 0, "", err
		}
		if reason := checkFrame(frame); reason != "" {
			return i, fmt.Sprintf("frame %d: %s", i, reason), nil
		}
	}
	return n, "", nil
}

// Recovery reports what OpenTable found and repaired.
func (t *Table) Recovery() Recovery { return t.recovery }

// Stats reports the work done since OpenTable.
func (t *Table) Stats() Stats {
	return Stats{Records: t.n.Load() - t.recovery.Records, Writes: t.writes.Load(), Syncs: t.syncs.Load()}
}

// Len returns the number of frames in the table.
func (t *Table) Len() uint64 { return t.n.Load() }

// Read returns a copy of the data of frame i, checking its checksum; a bad
// frame is a [CorruptError].
func (t *Table) Read(i uint64) ([]byte, error) {
	if n := t.n.Load(); i >= n {
		return nil, fmt.Errorf("%w %d: table has %d frames", ErrNoRecord, i, n)
	}
	start := t.at(i)
	frame := make([]byte, t.at(i+1)-start)
	if _, err := t.f.ReadAt(frame, start); errors.Is(err, os.ErrClosed) {
		return nil, ErrClosed
	} else if err == io.EOF {
		return nil, &CorruptError{Path: t.path, Offset: start, Size: t.at(t.n.Load()), Reason: fmt.Sprintf("frame %d cut short", i)}
	} else if err != nil {
		return nil, fmt.Errorf("durable: %s: reading frame %d: %w", t.path, i, err)
	}
	if reason := checkFrame(frame); reason != "" {
		return nil, &CorruptError{Path: t.path, Offset: start, Size: t.at(t.n.Load()), Reason: fmt.Sprintf("frame %d changed on disk: %s", i, reason)}
	}
	return frame[FrameHeaderSize:], nil
}

// Append writes n frames, made with [AppendFrame], at the end of the table.
// It fsyncs the table first if the write would leave more than maxUnsynced
// bytes unsynced. After a write or fsync error the table stops, and every
// later Append returns the error wrapped in [ErrFailed].
func (t *Table) Append(n uint64, frames []byte) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case t.closed:
		return ErrClosed
	case t.failed != nil:
		return t.failed
	}
	first := t.n.Load()
	if want := t.at(first + n); t.end+int64(len(frames)) != want {
		return fmt.Errorf("durable: %s: %d frames of %d bytes from frame %d end at %d, layout says %d",
			t.path, n, len(frames), first, t.end+int64(len(frames)), want)
	}
	for p := frames; len(p) > 0; {
		k := min(len(p), maxUnsynced)
		if t.end+int64(k)-t.synced > maxUnsynced {
			t.syncs.Add(1)
			if err := syncData(t.f); err != nil {
				t.failed = fmt.Errorf("%w: %s: %w", ErrFailed, t.path, err)
				return t.failed
			}
			t.synced = t.end
		}
		t.writes.Add(1)
		if _, err := t.f.WriteAt(p[:k], t.end); err != nil {
			t.failed = fmt.Errorf("%w: %s: %w", ErrFailed, t.path, err)
			return t.failed
		}
		t.end += int64(k)
		p = p[k:]
	}
	t.n.Add(n)
	return nil
}

// Close syncs the table and releases the lock. It returns the error that
// stopped the table, if one did.
func (t *Table) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return ErrClosed
	}
	t.closed = true
	err := t.failed
	if err == nil {
		err = t.f.Sync()
	}
	return errors.Join(err, t.f.Close())
}
