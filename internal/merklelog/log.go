package merklelog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/internal/durable"
)

var (
	// ErrCorrupt is returned when stored data contradicts itself, for
	// example a hash file that covers records the records file lacks.
	ErrCorrupt = errors.New("merklelog: storage is corrupt")
	// ErrNoRecord is returned for an index at or past the log's size.
	ErrNoRecord = errors.New("merklelog: no such record")
	// ErrBadSize is returned for a proof request with impossible sizes.
	ErrBadSize = errors.New("merklelog: bad tree size")
	// ErrConfig is returned by [Open] and [New] for unusable options.
	ErrConfig = errors.New("merklelog: bad configuration")
	// ErrLocked is returned by [Open] when another Log, in this process or
	// another, has the directory open.
	ErrLocked = durable.ErrLocked
	// ErrClosed is returned by appends to a closed Log.
	ErrClosed = durable.ErrClosed
	// ErrTooLarge is returned for a record over [MaxRecordSize].
	ErrTooLarge = durable.ErrTooLarge
)

// MaxRecordSize is the largest record a Log stores, in bytes.
const MaxRecordSize = durable.MaxRecordSize

// InconsistentError is returned when the log would sign, or finds on open, a
// tree that is not an extension of the checkpoint it signed before. It
// carries both heads.
type InconsistentError struct {
	Signed   checkpoint.Checkpoint // the checkpoint signed before
	Size     uint64                // the log's current size
	HashThen tlog.Hash             // the log's root at Signed.Size, if Size >= Signed.Size
}

func (e *InconsistentError) Error() string {
	if e.Size < e.Signed.Size {
		return fmt.Sprintf("merklelog: log has %d records, fewer than the %d of its signed checkpoint", e.Size, e.Signed.Size)
	}
	return fmt.Sprintf("merklelog: root at size %d is %v, signed checkpoint has %v", e.Signed.Size, e.HashThen, e.Signed.Hash)
}

// Options configure a [Log].
type Options struct {
	// Origin is the log's origin line, for example "example.com/registry".
	Origin string
	// Signer signs checkpoints. Its name must be Origin; see
	// [checkpoint.NewSigner] for an Ed25519 signer.
	Signer note.Signer
	// Logger receives recovery and storage warnings. Nil discards them.
	Logger *slog.Logger
	// SyncRing fsyncs the records through io_uring where the kernel allows
	// it (see [durable.Options.SyncRing]): for logs whose appenders do CPU
	// work of their own, such as signing each record.
	SyncRing bool
}

// Log is an append-only RFC 6962 Merkle log with signed checkpoints. It is
// safe for concurrent use.
type Log struct {
	s      Storage
	origin string
	signer note.Signer

	mu     sync.Mutex // serialises checkpoint signing
	signed []byte     // last signed checkpoint note, nil if none
	last   checkpoint.Checkpoint
}

// Open opens or creates the log stored in dir with [FileStorage].
func Open(dir string, opts Options) (*Log, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	s, err := openFileStorage(dir, opts.Logger, opts.SyncRing)
	if err != nil {
		return nil, err
	}
	l, err := New(s, opts)
	if err != nil {
		s.Close()
		return nil, err
	}
	return l, nil
}

func (o Options) check() error {
	if o.Signer == nil {
		return fmt.Errorf("%w: no signer", ErrConfig)
	}
	if o.Origin == "" {
		return fmt.Errorf("%w: empty origin", ErrConfig)
	}
	if o.Signer.Name() != o.Origin {
		return fmt.Errorf("%w: signer name %q, want the origin %q", ErrConfig, o.Signer.Name(), o.Origin)
	}
	return nil
}

// New returns a log over s. It checks that the last checkpoint s holds is
// for this origin and consistent with the stored tree.
func New(s Storage, opts Options) (*Log, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	l := &Log{s: s, origin: opts.Origin, signer: opts.Signer}
	signed, err := s.SignedCheckpoint()
	if err != nil {
		return nil, err
	}
	if signed == nil {
		return l, nil
	}
	c, err := parseSigned(signed)
	if err != nil {
		return nil, fmt.Errorf("%w: stored checkpoint: %w", ErrCorrupt, err)
	}
	if c.Origin != l.origin {
		return nil, fmt.Errorf("%w: stored checkpoint has origin %q, want %q", ErrConfig, c.Origin, l.origin)
	}
	if err := l.consistentWith(c); err != nil {
		return nil, err
	}
	l.signed, l.last = signed, c
	return l, nil
}

// parseSigned parses the text of a signed note without checking signatures:
// the storage is the log's own.
func parseSigned(signed []byte) (checkpoint.Checkpoint, error) {
	i := bytes.LastIndex(signed, []byte("\n\n"))
	if i < 0 {
		return checkpoint.Checkpoint{}, fmt.Errorf("%w: no signature block", checkpoint.ErrMalformed)
	}
	return checkpoint.Parse(signed[:i+1])
}

// consistentWith checks that the stored tree extends c.
func (l *Log) consistentWith(c checkpoint.Checkpoint) error {
	n := l.s.Size()
	if n < c.Size {
		return &InconsistentError{Signed: c, Size: n}
	}
	h, err := tlog.TreeHash(int64(c.Size), l.s)
	if err != nil {
		return err
	}
	if h != c.Hash {
		return &InconsistentError{Signed: c, Size: n, HashThen: h}
	}
	return nil
}

// Origin returns the log's origin line.
func (l *Log) Origin() string { return l.origin }

// Append adds record to the log and returns its index once it is durable.
func (l *Log) Append(ctx context.Context, record []byte) (uint64, error) {
	return l.s.Append(ctx, [][]byte{record})
}

// AppendBatch adds records at consecutive indexes and returns the first
// index once all of them are durable.
func (l *Log) AppendBatch(ctx context.Context, records [][]byte) (uint64, error) {
	return l.s.Append(ctx, records)
}

// AppendSwitchingSigner adds record to the log and, once it is durable,
// makes signer the log's checkpoint signer, so that every checkpoint
// whose tree holds the record is signed by signer and none by the old one
// (no checkpoint is signed between the append and the switch). signer's
// name must be the log's origin. Records appended concurrently may land on
// either side of it.
func (l *Log) AppendSwitchingSigner(ctx context.Context, record []byte, signer note.Signer) (uint64, error) {
	if signer == nil || signer.Name() != l.origin {
		return 0, fmt.Errorf("%w: new signer must be named %q", ErrConfig, l.origin)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	i, err := l.s.Append(ctx, [][]byte{record})
	if err != nil {
		return 0, err
	}
	l.signer = signer
	return i, nil
}

// Size returns the number of records in the log.
func (l *Log) Size() uint64 { return l.s.Size() }

// Record returns the record at index.
func (l *Log) Record(index uint64) ([]byte, error) { return l.s.Record(index) }

// TreeHash returns the root hash of the tree of the first size records.
func (l *Log) TreeHash(size uint64) (tlog.Hash, error) {
	if n := l.s.Size(); size > n {
		return tlog.Hash{}, fmt.Errorf("%w: size %d, log has %d records", ErrBadSize, size, n)
	}
	return tlog.TreeHash(int64(size), l.s)
}

// InclusionProof proves that the record at index is in the tree of size
// treeSize.
func (l *Log) InclusionProof(index, treeSize uint64) (tlog.RecordProof, error) {
	if n := l.s.Size(); treeSize > n || index >= treeSize {
		return nil, fmt.Errorf("%w: index %d in tree of size %d, log has %d records", ErrBadSize, index, treeSize, n)
	}
	return tlog.ProveRecord(int64(treeSize), int64(index), l.s)
}

// ConsistencyProof proves that the tree of size oldSize is a prefix of the
// tree of size newSize. The proof is empty if oldSize is 0 or equals
// newSize.
func (l *Log) ConsistencyProof(oldSize, newSize uint64) (tlog.TreeProof, error) {
	if n := l.s.Size(); newSize > n || oldSize > newSize {
		return nil, fmt.Errorf("%w: from size %d to %d, log has %d records", ErrBadSize, oldSize, newSize, n)
	}
	if oldSize == 0 || oldSize == newSize {
		return tlog.TreeProof{}, nil
	}
	return tlog.ProveTree(int64(newSize), int64(oldSize), l.s)
}

// Checkpoint returns a signed checkpoint of the log at its current size,
// which counts only records already durable. If the log has not grown since
// the last checkpoint it returns that one again.
// Before signing it checks that the tree extends the last checkpoint it
// signed, and it stores the new checkpoint durably before returning it, so
// the log never signs two inconsistent checkpoints.
func (l *Log) Checkpoint(ctx context.Context) ([]byte, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := l.s.Size()
	if l.signed != nil {
		if l.last.Size == n {
			return bytes.Clone(l.signed), nil
		}
		if err := l.consistentWith(l.last); err != nil {
			return nil, err
		}
	}
	root, err := tlog.TreeHash(int64(n), l.s)
	if err != nil {
		return nil, err
	}
	c := checkpoint.Checkpoint{Origin: l.origin, Size: n, Hash: root}
	signed, err := checkpoint.Sign(c, l.signer)
	if err != nil {
		return nil, fmt.Errorf("merklelog: signing checkpoint: %w", err)
	}
	if err := l.s.StoreSignedCheckpoint(ctx, signed); err != nil {
		return nil, err
	}
	l.signed, l.last = signed, c
	return bytes.Clone(signed), nil
}

// Close waits for pending appends and closes the storage.
func (l *Log) Close() error { return l.s.Close() }

// Proof returns a C2SP tlog-proof that the record at index is in the log:
// the current signed checkpoint (see [Log.Checkpoint]) and the record's
// inclusion proof in it. Witnesses' cosignatures can be added to the
// proof's checkpoint before it is handed out.
func (l *Log) Proof(ctx context.Context, index uint64) (*checkpoint.Proof, error) {
	signed, err := l.Checkpoint(ctx)
	if err != nil {
		return nil, err
	}
	c, err := parseSigned(signed)
	if err != nil {
		return nil, err
	}
	path, err := l.InclusionProof(index, c.Size)
	if err != nil {
		return nil, err
	}
	return &checkpoint.Proof{Index: index, Path: path, Checkpoint: signed}, nil
}
