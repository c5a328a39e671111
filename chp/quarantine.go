package chp

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// DefaultQuarantine is the default number of refused heartbeats a
// [LocalRegistry] keeps in its quarantine (see [WithQuarantine]).
const DefaultQuarantine = 256

// Files of the quarantine, in the registry's directory.
const (
	lrQuarantineDir  = "quarantine"
	quarantineNew    = "current.jsonl"
	quarantineOld    = "previous.jsonl"
	maxQuarantineErr = 512 // bytes of an error message kept
)

// QuarantineEntry is one refused heartbeat kept for the operator. The
// quarantine files hold one per line, as this JSON object:
//
//	{"received":"<RFC 3339>","status":422,"code":"meta_refused","error":"...",
//	 "remote":"127.0.0.1:5000","body":"<padded standard base64 of the body as posted>"}
//
// body is absent when the body was not read (too_large).
type QuarantineEntry struct {
	Received time.Time `json:"received"`
	Status   int       `json:"status"`
	Code     string    `json:"code"`
	Error    string    `json:"error"`
	Remote   string    `json:"remote,omitempty"`
	Body     []byte    `json:"body,omitempty"`
}

// MarshalJSON encodes e with its time in RFC 3339 UTC.
func (e QuarantineEntry) MarshalJSON() ([]byte, error) {
	type plain QuarantineEntry
	return json.Marshal(struct {
		plain
		Received string `json:"received"`
	}{plain(e), formatTime(e.Received)})
}

// ParseQuarantineEntry reads one line of a quarantine file (without its
// newline). Errors wrap [ErrMalformed] or [ErrDuplicateKey].
func ParseQuarantineEntry(line []byte) (*QuarantineEntry, error) {
	var raw struct {
		Received string `json:"received"`
		Status   int    `json:"status"`
		Code     string `json:"code"`
		Error    string `json:"error"`
		Remote   string `json:"remote"`
		Body     []byte `json:"body"`
	}
	if err := decodeStrict(line, &raw, false); err != nil {
		return nil, err
	}
	t, err := time.Parse(time.RFC3339Nano, raw.Received)
	if err != nil || raw.Code == "" || raw.Status < 400 || raw.Status > 599 {
		return nil, fmt.Errorf("%w: quarantine entry lacks received, status or code", ErrMalformed)
	}
	if len(raw.Body) == 0 {
		raw.Body = nil // "body": "" is no body, as when it is absent
	}
	return &QuarantineEntry{Received: t.UTC(), Status: raw.Status, Code: raw.Code, Error: raw.Error, Remote: raw.Remote, Body: raw.Body}, nil
}

// WithQuarantine sets how many refused heartbeats the registry keeps for
// the operator (default [DefaultQuarantine]; 0 keeps none). The quarantine
// is two files in the registry's directory, each of at most n/2 entries
// (rounded up): when the newer is full it replaces the older, so between
// n/2 and n of the latest refusals are kept, each body at most 64 KiB.
// Entries are written without fsync: a crash may lose the last ones.
func WithQuarantine(n int) LocalOption {
	return func(r *LocalRegistry) error {
		if n < 0 || n > 1<<16 {
			return fmt.Errorf("quarantine of %d entries, want 0 to %d", n, 1<<16)
		}
		r.quarantine.limit = n
		return nil
	}
}

// quarantine keeps the latest refused heartbeats in two JSON-lines files.
type quarantine struct {
	dir   string
	limit int

	mu    sync.Mutex
	f     *os.File // the newer file, open for appending; nil until first use
	count int      // entries in the newer file
}

// open counts the newer file's entries.
func (q *quarantine) open(dir string) error {
	q.dir = filepath.Join(dir, lrQuarantineDir)
	if q.limit == 0 {
		return nil
	}
	if err := os.MkdirAll(q.dir, 0o700); err != nil {
		return err
	}
	b, err := os.ReadFile(filepath.Join(q.dir, quarantineNew))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	q.count = bytes.Count(b, []byte("\n"))
	return nil
}

// add appends e, rotating first if the newer file is full. Failures are
// returned for logging; a refusal is answered either way.
func (q *quarantine) add(e QuarantineEntry) error {
	if q.limit == 0 {
		return nil
	}
	if len(e.Error) > maxQuarantineErr {
		e.Error = e.Error[:maxQuarantineErr]
	}
	line, err := json.Marshal(e)
	if err != nil {
		return err
	}
	line = append(line, '\n')
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.count >= (q.limit+1)/2 {
		if q.f != nil {
			q.f.Close()
			q.f = nil
		}
		if err := os.Rename(filepath.Join(q.dir, quarantineNew), filepath.Join(q.dir, quarantineOld)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		q.count = 0
	}
	if q.f == nil {
		if q.f, err = os.OpenFile(filepath.Join(q.dir, quarantineNew), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600); err != nil {
			return err
		}
	}
	if _, err := q.f.Write(line); err != nil {
		return err
	}
	q.count++
	return nil
}

// close closes the newer file.
func (q *quarantine) close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.f != nil {
		q.f.Close()
		q.f = nil
	}
}

// list reads the entries, oldest first. A line that does not read (the
// last one, torn by a crash) is skipped.
func (q *quarantine) list() ([]QuarantineEntry, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := []QuarantineEntry{}
	for _, name := range []string{quarantineOld, quarantineNew} {
		f, err := os.Open(filepath.Join(q.dir, name))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 0, 64<<10), 2*maxPacket)
		for sc.Scan() {
			if e, err := ParseQuarantineEntry(sc.Bytes()); err == nil {
				out = append(out, *e)
			}
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Quarantine returns the refused heartbeats the registry kept, oldest
// first (see [WithQuarantine]).
func (r *LocalRegistry) Quarantine() ([]QuarantineEntry, error) {
	return r.quarantine.list()
}
