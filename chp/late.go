package chp

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"time"
)

// MetaLateHeartbeats is the meta member of a note heartbeat: the
// [LateNote] an instance sends when it set heartbeats aside because they
// were older than the registry takes (see the package documentation,
// "Outage recovery").
const MetaLateHeartbeats = "late_heartbeats"

// LateNote is the value of meta.late_heartbeats: an instance's account of
// one batch of heartbeats it set aside in its local set-aside file
// instead of sending them. The registry logs the note heartbeat like any
// other, so the batch is on record (and, after export, in the Global
// Registry's ledger) even though its heartbeats are not.
type LateNote struct {
	Count      uint64    `json:"count"`       // heartbeats in the batch, at least 1
	FirstIndex uint64    `json:"first_index"` // the batch's first line in the set-aside file (0-based)
	Oldest     time.Time `json:"oldest"`      // the earliest heartbeat timestamp in the batch
	Newest     time.Time `json:"newest"`      // the latest
	Digest     string    `json:"digest"`      // "sha256:" + hex SHA-256 of the batch's lines, newlines included
}

// MarshalJSON encodes n with its times in RFC 3339 UTC.
func (n LateNote) MarshalJSON() ([]byte, error) {
	type plain LateNote
	return json.Marshal(struct {
		plain
		Oldest string `json:"oldest"`
		Newest string `json:"newest"`
	}{plain(n), formatTime(n.Oldest), formatTime(n.Newest)})
}

var digestRE = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// ParseLateNote reads a meta.late_heartbeats value: a JSON object with
// exactly the members count (an integer, 1 to 2^53), first_index (an
// integer, 0 to 2^53), oldest and newest (RFC 3339 date-times, oldest not
// after newest) and digest ("sha256:" and 64 lower-case hex digits).
// Errors wrap [ErrMalformed], [ErrDuplicateKey] or [ErrMeta].
func ParseLateNote(b []byte) (*LateNote, error) {
	doc, err := parseStrict(b)
	if err != nil {
		return nil, err
	}
	return lateNoteFromDoc(doc)
}

// lateNoteFromDoc checks a late note in the strict reader's generic form.
func lateNoteFromDoc(v any) (*LateNote, error) {
	bad := func(field, reason string) error {
		return &MetaError{Field: "meta." + MetaLateHeartbeats + field, Reason: reason}
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, bad("", "not an object")
	}
	for k := range m {
		switch k {
		case "count", "first_index", "oldest", "newest", "digest":
		default:
			return nil, bad("."+k, "not a member of a late note")
		}
	}
	integer := func(k string, least uint64) (uint64, error) {
		n, ok := m[k].(json.Number)
		if !ok {
			return 0, bad("."+k, "missing or not a number")
		}
		f, err := n.Float64()
		if err != nil || f != math.Trunc(f) || f < float64(least) || f > 1<<53 {
			return 0, bad("."+k, fmt.Sprintf("%s is not an integer from %d to 2^53", n, least))
		}
		return uint64(f), nil
	}
	when := func(k string) (time.Time, error) {
		s, ok := m[k].(string)
		if !ok {
			return time.Time{}, bad("."+k, "missing or not a string")
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return time.Time{}, bad("."+k, fmt.Sprintf("%q is not an RFC 3339 time", s))
		}
		return t.UTC(), nil
	}
	var n LateNote
	var err error
	if n.Count, err = integer("count", 1); err != nil {
		return nil, err
	}
	if n.FirstIndex, err = integer("first_index", 0); err != nil {
		return nil, err
	}
	if n.Oldest, err = when("oldest"); err != nil {
		return nil, err
	}
	if n.Newest, err = when("newest"); err != nil {
		return nil, err
	}
	if n.Newest.Before(n.Oldest) {
		return nil, bad(".newest", "before oldest")
	}
	if n.Digest, _ = m["digest"].(string); !digestRE.MatchString(n.Digest) {
		return nil, bad(".digest", `missing or not "sha256:" and 64 lower-case hex digits`)
	}
	return &n, nil
}

// SetAside is one line of an instance's set-aside file: a heartbeat that
// was queued at QueueIndex and set aside instead of sent. The file holds
// one such JSON object per line, in the order the heartbeats were set
// aside:
//
//	{"queue_index":<integer>,"heartbeat":<the heartbeat as queued>}
type SetAside struct {
	QueueIndex uint64          `json:"queue_index"`
	Heartbeat  json.RawMessage `json:"heartbeat"`
}

// setAsideLine returns the set-aside file line of the heartbeat hb (its
// queued bytes, one line of JSON) queued at index i, newline included.
func setAsideLine(i uint64, hb []byte) []byte {
	b := make([]byte, 0, len(hb)+40)
	b = append(b, `{"queue_index":`...)
	b = fmt.Appendf(b, "%d", i)
	b = append(b, `,"heartbeat":`...)
	b = append(b, hb...)
	return append(b, "}\n"...)
}

// readSetAsideLine reads one line of a set-aside file (without its
// newline): exactly the members queue_index and heartbeat, the heartbeat
// an object with an RFC 3339 timestamp. The heartbeat is returned as it
// is in the line, not checked against the schema (use [DecodeHeartbeat]).
func readSetAsideLine(line []byte) (SetAside, time.Time, error) {
	var sa SetAside
	if err := decodeStrict(line, &sa, false); err != nil {
		return sa, time.Time{}, err
	}
	ts, err := queuedTime(sa.Heartbeat)
	if err != nil {
		return sa, time.Time{}, fmt.Errorf("%w: heartbeat timestamp: %w", ErrMalformed, err)
	}
	return sa, ts.UTC(), nil
}

// CheckLateNote checks a note against an instance's exported set-aside
// file (see [Instance.ExportSetAside]): lines FirstIndex to
// FirstIndex+Count-1 exist, each is a [SetAside] line whose heartbeat has
// an RFC 3339 timestamp, their SHA-256 is the note's digest, and the
// earliest and latest timestamps are the note's. It returns the batch
// (each heartbeat as set aside; [DecodeHeartbeat] checks it against the
// schema). Errors wrap [ErrMalformed], [ErrDuplicateKey] or [ErrBundle]
// (the file does not match the note).
func CheckLateNote(n *LateNote, file []byte) ([]SetAside, error) {
	rest := file
	for i := uint64(0); i < n.FirstIndex; i++ {
		_, after, ok := bytes.Cut(rest, []byte("\n"))
		if !ok {
			return nil, fmt.Errorf("%w: set-aside file has %d lines, note starts at %d", ErrBundle, i, n.FirstIndex)
		}
		rest = after
	}
	h := sha256.New()
	var out []SetAside
	var oldest, newest time.Time
	for i := range n.Count {
		line, after, ok := bytes.Cut(rest, []byte("\n"))
		if !ok {
			return nil, fmt.Errorf("%w: set-aside file ends at line %d, note covers %d from %d", ErrBundle, n.FirstIndex+i, n.Count, n.FirstIndex)
		}
		rest = after
		h.Write(line)
		h.Write([]byte("\n"))
		sa, ts, err := readSetAsideLine(line)
		if err != nil {
			return nil, fmt.Errorf("set-aside line %d: %w", n.FirstIndex+i, err)
		}
		if i == 0 || ts.Before(oldest) {
			oldest = ts
		}
		if i == 0 || ts.After(newest) {
			newest = ts
		}
		out = append(out, sa)
	}
	if got := "sha256:" + hex.EncodeToString(h.Sum(nil)); got != n.Digest {
		return nil, fmt.Errorf("%w: set-aside lines %d..%d hash to %s, note says %s", ErrBundle, n.FirstIndex, n.FirstIndex+n.Count-1, got, n.Digest)
	}
	if !oldest.Equal(n.Oldest) || !newest.Equal(n.Newest) {
		return nil, fmt.Errorf("%w: set-aside timestamps %s..%s, note says %s..%s", ErrBundle,
			formatTime(oldest), formatTime(newest), formatTime(n.Oldest), formatTime(n.Newest))
	}
	return out, nil
}
