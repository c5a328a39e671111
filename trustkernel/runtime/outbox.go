package runtime

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/accordsdk/accord/internal/atomicfile"
	"github.com/accordsdk/accord/internal/strictjson"
	"github.com/accordsdk/accord/trustkernel/internal/tkerr"
)

// ErrOutboxEntry means a file in the outbox directory is not a valid entry.
var ErrOutboxEntry = errors.New("trustkernel/runtime: bad outbox entry")

// Action is a critical write buffered while the RPC quorum is lost, for
// example a signed raw transaction that pauses the controller.
type Action struct {
	// ID identifies the action; a sender must treat a second delivery of an
	// ID as a no-op (a signed transaction is naturally idempotent: its hash
	// and nonce make the chain include it at most once).
	ID string `json:"id"`
	// Kind names the action, for example "pause" or "raw_tx".
	Kind string `json:"kind"`
	// Payload is the action's bytes (base64 in the file).
	Payload []byte `json:"payload"`
	// Created is when the action was buffered.
	Created time.Time `json:"created"`
}

// Outbox is a durable, ordered buffer of [Action]s in a directory (the
// Trust Kernel's tx_outbox_dir). Each entry is one file named by a sequence number,
// written atomically (temporary file, fsync, rename, directory fsync) with
// mode 0600. [Outbox.Flush] delivers entries in order and removes each one
// after its delivery succeeded.
type Outbox struct {
	dir string
	mu  sync.Mutex
	seq uint64
}

const outboxSuffix = ".action.json"

// OpenOutbox opens (creating with mode 0700 if needed) the outbox directory.
// It removes temporary files left by an interrupted write and refuses a
// directory that others may write to.
func OpenOutbox(dir string) (*Outbox, error) {
	if dir == "" {
		return nil, errors.New("trustkernel/runtime: outbox directory is empty")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, errorf("outbox: %w", err)
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return nil, errorf("outbox: %w", err)
	}
	if !fi.IsDir() {
		return nil, errorf("outbox %s is not a directory", dir)
	}
	if fi.Mode().Perm()&0o022 != 0 {
		return nil, errorf("outbox %s has mode %o, want no group or other write", dir, fi.Mode().Perm())
	}
	o := &Outbox{dir: dir}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, errorf("outbox: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		if atomicfile.IsTemp(name) || strings.HasPrefix(name, ".tmp-") { // .tmp-*: written before atomicfile
			if err := os.Remove(filepath.Join(dir, name)); err != nil {
				return nil, errorf("outbox: %w", err)
			}
			continue
		}
		if seq, ok := entrySeq(name); ok {
			o.seq = max(o.seq, seq)
		}
	}
	return o, nil
}

func entrySeq(name string) (uint64, bool) {
	s, ok := strings.CutSuffix(name, outboxSuffix)
	if !ok || len(s) != 20 {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

// Put buffers a durably; it returns once the entry is on disk. An empty ID
// is replaced by a random one; a zero Created by now.
func (o *Outbox) Put(a Action, now time.Time) (Action, error) {
	if a.Kind == "" {
		return Action{}, fmt.Errorf("%w: action has no kind", ErrOutboxEntry)
	}
	if a.ID == "" {
		var id [16]byte
		_, _ = rand.Read(id[:])
		a.ID = hex.EncodeToString(id[:])
	}
	if a.Created.IsZero() {
		a.Created = now.UTC()
	}
	data, err := json.Marshal(a)
	if err != nil {
		return Action{}, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	name := fmt.Sprintf("%020d%s", o.seq+1, outboxSuffix)
	if err := atomicfile.Write(filepath.Join(o.dir, name), data, 0o600); err != nil {
		return Action{}, errorf("outbox: %w", err)
	}
	o.seq++
	return a, nil
}

type outboxEntry struct {
	name   string
	action Action
}

func (o *Outbox) entries() ([]outboxEntry, error) {
	des, err := os.ReadDir(o.dir)
	if err != nil {
		return nil, err
	}
	var out []outboxEntry
	for _, de := range des {
		if _, ok := entrySeq(de.Name()); !ok {
			continue
		}
		if !de.Type().IsRegular() {
			return nil, fmt.Errorf("%w: %s is not a regular file", ErrOutboxEntry, de.Name())
		}
		data, err := os.ReadFile(filepath.Join(o.dir, de.Name()))
		if err != nil {
			return nil, err
		}
		a, err := decodeAction(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", de.Name(), err)
		}
		out = append(out, outboxEntry{name: de.Name(), action: a})
	}
	slices.SortFunc(out, func(a, b outboxEntry) int { return strings.Compare(a.name, b.name) })
	return out, nil
}

func decodeAction(data []byte) (Action, error) {
	var a Action
	if err := strictjson.Unmarshal(data, &a); err != nil {
		return Action{}, errorf("%w: %w", ErrOutboxEntry, tkerr.Trimmed{Err: err, Prefix: "strictjson: "})
	}
	if a.ID == "" || a.Kind == "" {
		return Action{}, fmt.Errorf("%w: missing id or kind", ErrOutboxEntry)
	}
	return a, nil
}

// Pending returns the buffered actions in the order they were put.
func (o *Outbox) Pending() ([]Action, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	es, err := o.entries()
	if err != nil {
		return nil, errorf("outbox: %w", err)
	}
	out := make([]Action, len(es))
	for i, e := range es {
		out[i] = e.action
	}
	return out, nil
}

// Flush delivers the buffered actions in order through send, removing each
// (durably) once send returned nil, and stops at the first failure, which
// it returns with the number delivered. Concurrent flushes are serialised,
// so within one process every action is delivered once. After a crash
// between a delivery and its removal the action is delivered again on the
// next flush: send must be idempotent per [Action.ID].
func (o *Outbox) Flush(ctx context.Context, send func(context.Context, Action) error) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	es, err := o.entries()
	if err != nil {
		return 0, errorf("outbox: %w", err)
	}
	for i, e := range es {
		if err := ctx.Err(); err != nil {
			return i, err
		}
		if err := send(ctx, e.action); err != nil {
			return i, errorf("outbox: deliver %s (%s): %w", e.action.ID, e.action.Kind, err)
		}
		if err := os.Remove(filepath.Join(o.dir, e.name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return i, errorf("outbox: %w", err)
		}
		if err := atomicfile.SyncDir(o.dir); err != nil {
			return i, errorf("outbox: %w", err)
		}
	}
	return len(es), nil
}
