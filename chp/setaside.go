package chp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/accordsdk/accord/envelope"
	"github.com/accordsdk/accord/internal/atomicfile"
	"github.com/accordsdk/accord/internal/durable"
)

// errStale marks a refusal, signed by the registry, of a heartbeat older
// than it takes.
var errStale = errors.New("chp: heartbeat older than the registry takes")

// setAsideBatch bounds how many stale heartbeats one pass holds in memory.
const setAsideBatch = 4096

// openSetAside opens the set-aside file and reads how much of it a note
// covers.
func (in *Instance) openSetAside() error {
	var err error
	if in.late, err = durable.Open(filepath.Join(in.cfg.QueueDir, lateFile), durable.Options{Logger: in.cfg.Logger}); err != nil {
		return fmt.Errorf("chp: set-aside file: %w", err)
	}
	in.lateLast = -1
	if n := in.late.Len(); n > 0 {
		b, err := in.late.Read(n - 1)
		var sa SetAside
		if err == nil && len(b) > 0 {
			sa, _, err = readSetAsideLine(b[:len(b)-1])
		}
		if err != nil {
			in.late.Close()
			return fmt.Errorf("chp: set-aside file, line %d: %w", n-1, err)
		}
		in.lateLast = int64(sa.QueueIndex)
	}
	b, err := os.ReadFile(filepath.Join(in.cfg.QueueDir, notedFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err == nil {
		in.noted, err = strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	}
	if err != nil || in.noted > in.late.Len() {
		in.late.Close()
		return fmt.Errorf("chp: %s: %q with %d set aside (%v)", notedFile, b, in.late.Len(), err)
	}
	return nil
}

// maxAge is the age beyond which a queued heartbeat is set aside.
func (in *Instance) maxAge() time.Duration {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.regMaxAge > 0 && in.regMaxAge < in.cfg.MaxAge {
		return in.regMaxAge
	}
	return in.cfg.MaxAge
}

// queuedTime reads the timestamp of a queued heartbeat.
func queuedTime(hb []byte) (time.Time, error) {
	var h struct {
		Timestamp string `json:"timestamp"`
	}
	if err := decodeStrict(hb, &h, true); err != nil {
		return time.Time{}, err
	}
	return time.Parse(time.RFC3339Nano, h.Timestamp)
}

// setAsideStale sets aside the run of stale heartbeats that starts at
// queue index next (at most setAsideBatch of them) and returns how many.
func (in *Instance) setAsideStale(ctx context.Context, next, total uint64) (int, error) {
	cutoff := in.cfg.Now().Add(-in.maxAge())
	var batch [][]byte
	for i := next; i < total && len(batch) < setAsideBatch; i++ {
		hb, err := in.queue.Read(i)
		if err != nil {
			return 0, fmt.Errorf("chp: local heartbeat log: %w", err)
		}
		ts, err := queuedTime(hb)
		if err != nil || !ts.Before(cutoff) {
			// Unreadable entries are sent: the registry says what is wrong.
			break
		}
		batch = append(batch, hb)
	}
	if len(batch) == 0 {
		return 0, nil
	}
	return len(batch), in.setAside(ctx, next, batch)
}

// setAside appends the heartbeats queued from index first on to the
// set-aside file, durably, and then moves the queue past them. After a
// crash between the two, the lines already in the file are not written
// again (each line names its queue index).
func (in *Instance) setAside(ctx context.Context, first uint64, hbs [][]byte) error {
	lines := make([][]byte, 0, len(hbs))
	for k, hb := range hbs {
		if i := first + uint64(k); int64(i) > in.lateLast {
			lines = append(lines, setAsideLine(i, hb))
		}
	}
	if len(lines) > 0 {
		if _, err := in.late.AppendBatch(ctx, lines); err != nil {
			return fmt.Errorf("chp: set-aside file: %w", err)
		}
		in.lateLast = int64(first) + int64(len(hbs)) - 1
		in.cfg.Logger.Warn("chp: queued heartbeats older than the registry takes set aside", "count", len(hbs), "first", first)
	}
	return in.advance(first + uint64(len(hbs)))
}

// queueNote queues a note heartbeat for the set-aside lines no note
// covers yet, and reports whether it queued one. The note's count is
// written after the heartbeat is queued, so a crash in between can repeat
// a note but never lose one.
func (in *Instance) queueNote(ctx context.Context) (bool, error) {
	end := in.late.Len()
	if in.noted >= end {
		return false, nil
	}
	n := LateNote{Count: end - in.noted, FirstIndex: in.noted}
	h := sha256.New()
	for i := in.noted; i < end; i++ {
		line, err := in.late.Read(i)
		if err != nil {
			return false, fmt.Errorf("chp: set-aside file: %w", err)
		}
		h.Write(line)
		_, ts, err := readSetAsideLine(line[:len(line)-1])
		if err != nil {
			return false, fmt.Errorf("chp: set-aside file, line %d: %w", i, err)
		}
		if i == in.noted || ts.Before(n.Oldest) {
			n.Oldest = ts
		}
		if i == in.noted || ts.After(n.Newest) {
			n.Newest = ts
		}
	}
	n.Digest = "sha256:" + hex.EncodeToString(h.Sum(nil))
	hb := in.build(in.State())
	if hb.Meta == nil {
		hb.Meta = map[string]any{}
	}
	hb.Meta[MetaLateHeartbeats] = n
	b, err := json.Marshal(hb)
	if err != nil {
		return false, err
	}
	if _, err := in.queue.Append(ctx, b); err != nil {
		return false, fmt.Errorf("chp: local heartbeat log: %w", err)
	}
	if err := writeFileAtomic(in.cfg.QueueDir, notedFile, []byte(strconv.FormatUint(end, 10)+"\n")); err != nil {
		return false, fmt.Errorf("chp: set-aside note: %w", err)
	}
	in.noted = end
	return true, nil
}

// SetAsideCount returns the number of heartbeats in the set-aside file.
func (in *Instance) SetAsideCount() uint64 { return in.late.Len() }

// ExportSetAside writes the instance's set-aside file to w: one
// [SetAside] JSON object per line, in the order the heartbeats were set
// aside. The lines a note heartbeat covers hash to its digest
// ([CheckLateNote]).
func (in *Instance) ExportSetAside(w io.Writer) error {
	for i := range in.late.Len() {
		line, err := in.late.Read(i)
		if err != nil {
			return fmt.Errorf("chp: set-aside file: %w", err)
		}
		if _, err := w.Write(line); err != nil {
			return err
		}
	}
	return nil
}

// InstanceStatus is the status file an [Instance] writes for a HUD (see
// [Config.StatusFile]): one JSON object, replaced atomically after every
// flush, so a reader never sees a partial file.
type InstanceStatus struct {
	InstanceID          string    `json:"instance_id"`
	State               Status    `json:"state"`
	Color               Color     `json:"color"`                // [Status.Color]
	RegistryFingerprint string    `json:"registry_fingerprint"` // "sha256:<hex>" of the registry key trusted now ([Instance.RegistryKey])
	FingerprintShort    string    `json:"fingerprint_short"`    // its first 12 hex digits
	Pending             uint64    `json:"pending"`              // heartbeats queued, not yet acknowledged
	SetAside            uint64    `json:"set_aside"`            // heartbeats in the set-aside file
	LastAckID           string    `json:"last_ack_id,omitempty"`
	Updated             time.Time `json:"updated"`
}

// Status returns the instance's status as written to its status file.
func (in *Instance) Status() InstanceStatus {
	in.mu.Lock()
	defer in.mu.Unlock()
	pub, _ := envelope.ParseEd25519PublicKey(in.keys[len(in.keys)-1])
	fp := envelope.Fingerprint(pub)
	s := InstanceStatus{
		InstanceID: in.cfg.InstanceID, State: in.state, Color: in.state.Color(),
		RegistryFingerprint: fp, FingerprintShort: fp[7:19],
		Pending: in.queue.Len() - in.sent, SetAside: in.late.Len(),
		Updated: in.cfg.Now().UTC().Truncate(time.Second),
	}
	if in.last != nil {
		s.LastAckID = in.last.AckID
	}
	return s
}

// MarshalJSON encodes s with its time in RFC 3339 UTC.
func (s InstanceStatus) MarshalJSON() ([]byte, error) {
	type plain InstanceStatus
	return json.Marshal(struct {
		plain
		Updated string `json:"updated"`
	}{plain(s), formatTime(s.Updated)})
}

// writeStatus replaces the status file, if one is configured. A failure
// is logged: the status file is a display, never a reason to stop.
func (in *Instance) writeStatus() {
	if in.cfg.StatusFile == "" {
		return
	}
	b, err := json.Marshal(in.Status())
	if err == nil {
		err = atomicfile.Write(in.cfg.StatusFile, append(b, '\n'), 0o644)
	}
	if err != nil {
		in.cfg.Logger.Warn("chp: status file not written", "path", in.cfg.StatusFile, "err", err)
	}
}
