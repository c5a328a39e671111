package federation

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/internal/atomicfile"
	"github.com/accordsdk/accord/internal/durable"
	"github.com/accordsdk/accord/internal/strictb64"
)

// maxAddCheckpoint bounds an add-checkpoint request body.
const maxAddCheckpoint = 64 << 10

// Witness errors, each answered over HTTP with the status c2sp.org/tlog-witness
// gives it.
var (
	// ErrUnknownLog: the witness does not know the checkpoint's origin (404).
	ErrUnknownLog = errors.New("federation: witness: unknown log")
	// ErrOldSize: the old size is not the size the witness last cosigned
	// (409; see [ConflictError]).
	ErrOldSize = errors.New("federation: witness: old size does not match")
	// ErrBadProof: the consistency proof does not verify, or the roots at
	// one size differ (422); the witness keeps both checkpoints as evidence.
	ErrBadProof = errors.New("federation: witness: consistency not proven")
)

// ConflictError is the witness's answer to an old size that does not match
// the latest checkpoint it cosigned: Size is that checkpoint's size.
type ConflictError struct{ Size uint64 }

func (e *ConflictError) Error() string {
	return fmt.Sprintf("federation: witness: old size does not match, witness holds size %d", e.Size)
}

// Unwrap returns [ErrOldSize].
func (e *ConflictError) Unwrap() error { return ErrOldSize }

// Evidence is what a witness keeps when a log fails a consistency check:
// the checkpoint it had cosigned and the one it was asked to cosign, both
// signed by the log.
type Evidence struct {
	Origin   string    `json:"origin"`
	At       time.Time `json:"at"`
	Reason   string    `json:"reason"`
	Old      []byte    `json:"old"`
	New      []byte    `json:"new"`
	OldSize  uint64    `json:"old_size"`
	NewSize  uint64    `json:"new_size"`
	Proof    []string  `json:"proof"`
	Reported bool      `json:"reported,omitempty"`
}

// A Witness is a c2sp.org/tlog-witness witness: it cosigns checkpoints of
// the logs it knows once they are proven consistent with the latest one it
// cosigned, which it stores durably before it answers. It is safe for
// concurrent use, and one process may use a witness directory at a time.
type Witness struct {
	cosigner *checkpoint.Cosigner
	dir      string
	logs     func(origin string) (note.Verifier, bool)
	now      func() time.Time
	logger   *slog.Logger

	store *durable.File // every cosigned checkpoint, appended and fsynced

	mu     sync.Mutex
	locks  map[string]*sync.Mutex
	latest map[string]*witnessed
}

// witnessed is the witness's record of one log: the latest checkpoint it
// cosigned.
type witnessed struct {
	Origin     string `json:"origin"`
	Size       uint64 `json:"size"`
	Checkpoint []byte `json:"checkpoint"`

	parsed *checkpoint.Checkpoint // verified body, once verified in this process
}

// NewWitness returns a witness signing with cosigner, keeping its state in
// dir, that knows the logs for which logs returns a verifier, and reads the
// time from now.
func NewWitness(cosigner *checkpoint.Cosigner, dir string, logs func(origin string) (note.Verifier, bool), now func() time.Time, logger *slog.Logger) (*Witness, error) {
	if cosigner == nil || logs == nil || now == nil || dir == "" {
		return nil, fmt.Errorf("%w: witness needs a cosigner, a directory, logs and a clock", ErrMalformed)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(filepath.Join(dir, "evidence"), 0o700); err != nil {
		return nil, fmt.Errorf("federation: witness: %w", err)
	}
	store, err := durable.Open(filepath.Join(dir, "cosigned"), durable.Options{Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("federation: witness: %w", err)
	}
	w := &Witness{cosigner: cosigner, dir: dir, logs: logs, now: now, logger: logger, store: store,
		locks: map[string]*sync.Mutex{}, latest: map[string]*witnessed{}}
	// The latest record of each origin is the witness's state.
	for i := range store.Len() {
		b, err := store.Read(i)
		if err != nil {
			store.Close()
			return nil, fmt.Errorf("federation: witness: %w", err)
		}
		s := new(witnessed)
		if err := json.Unmarshal(b, s); err != nil {
			store.Close()
			return nil, fmt.Errorf("federation: witness: record %d: %w", i, err)
		}
		w.latest[s.Origin] = s
	}
	return w, nil
}

// Close closes the witness's store.
func (w *Witness) Close() error { return w.store.Close() }

// StaticLogs returns a log lookup for a fixed list of logs given by C2SP
// verifier keys ("name+id+base64"), whose names are their origins.
func StaticLogs(vkeys ...string) (func(string) (note.Verifier, bool), error) {
	m := map[string]note.Verifier{}
	for _, k := range vkeys {
		v, err := note.NewVerifier(k)
		if err != nil {
			return nil, fmt.Errorf("%w: verifier key %q: %v", ErrMalformed, k, err)
		}
		m[v.Name()] = v
	}
	return func(origin string) (note.Verifier, bool) { v, ok := m[origin]; return v, ok }, nil
}

// Name returns the witness's name, which appears in its cosignatures.
func (w *Witness) Name() string { return w.cosigner.Name() }

// VerifierKey returns the witness's C2SP verifier key (type 0x04).
func (w *Witness) VerifierKey() string { return w.cosigner.VerifierKey() }

func (w *Witness) lock(origin string) *sync.Mutex {
	w.mu.Lock()
	defer w.mu.Unlock()
	l, ok := w.locks[origin]
	if !ok {
		l = new(sync.Mutex)
		w.locks[origin] = l
	}
	return l
}

// load returns the latest cosigned checkpoint of origin (nil if none).
func (w *Witness) load(origin string) (*witnessed, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.latest[origin], nil
}

// Latest returns the latest checkpoint the witness cosigned for origin and
// its size, or nil.
func (w *Witness) Latest(origin string) ([]byte, uint64, error) {
	l := w.lock(origin)
	l.Lock()
	defer l.Unlock()
	s, err := w.load(origin)
	if err != nil || s == nil {
		return nil, 0, err
	}
	return bytes.Clone(s.Checkpoint), s.Size, nil
}

// AddCheckpoint is the add-checkpoint call: it verifies signed (by the log
// its origin names), checks that oldSize is the size it last cosigned and
// that proof proves the new checkpoint consistent with that one, stores the
// new checkpoint and returns the cosignature line ("— <name> <base64>\n").
func (w *Witness) AddCheckpoint(ctx context.Context, oldSize uint64, proof tlog.TreeProof, signed []byte) ([]byte, error) {
	text, _, ok := bytes.Cut(signed, []byte("\n\n"))
	if !ok {
		return nil, fmt.Errorf("%w: checkpoint has no signature block", ErrMalformed)
	}
	origin, _, _ := bytes.Cut(text, []byte("\n"))
	v, known := w.logs(string(origin))
	if !known {
		return nil, fmt.Errorf("%w: %q", ErrUnknownLog, origin)
	}
	c, _, err := checkpoint.Verify(signed, v)
	if err != nil {
		return nil, err
	}
	if oldSize > c.Size {
		return nil, fmt.Errorf("%w: old size %d above checkpoint size %d", ErrMalformed, oldSize, c.Size)
	}
	l := w.lock(c.Origin)
	l.Lock()
	defer l.Unlock()
	prev, err := w.load(c.Origin)
	if err != nil {
		return nil, err
	}
	var have uint64
	if prev != nil {
		have = prev.Size
	}
	if oldSize != have {
		return nil, &ConflictError{Size: have}
	}
	if c.Size == 0 {
		if empty, _ := tlog.TreeHash(0, nil); c.Hash != empty {
			return nil, fmt.Errorf("%w: empty tree with root %v", ErrBadProof, c.Hash)
		}
	}
	if oldSize == 0 && len(proof) != 0 {
		return nil, fmt.Errorf("%w: proof of %d hashes from the empty tree", ErrBadProof, len(proof))
	}
	if prev != nil {
		if prev.parsed == nil {
			old, _, err := checkpoint.Verify(prev.Checkpoint, v)
			if err != nil {
				// The log's key changed under a known origin: refuse
				// rather than cosign without a trusted old root.
				return nil, fmt.Errorf("%w: stored checkpoint of %s no longer verifies: %w", ErrUnknownLog, c.Origin, err)
			}
			prev.parsed = &old
		}
		old := *prev.parsed
		if err := checkpoint.VerifyConsistency(old, c, proof); err != nil {
			w.keepEvidence(prev.Checkpoint, signed, old, c, proof, err)
			var ce *checkpoint.ConsistencyError
			if errors.As(err, &ce) {
				return nil, &ForkError{Mesh: c.Origin, Scroll: "", Old: bytes.Clone(prev.Checkpoint), New: bytes.Clone(signed), Err: ce}
			}
			return nil, fmt.Errorf("%w: %w", ErrBadProof, err)
		}
	}
	at := w.now()
	if at.Unix() <= 0 {
		return nil, fmt.Errorf("federation: witness: clock at %v", at)
	}
	next := &witnessed{Origin: c.Origin, Size: c.Size, Checkpoint: bytes.Clone(signed), parsed: &c}
	if prev == nil || prev.Size != c.Size {
		b, _ := json.Marshal(next)
		if _, err := w.store.Append(ctx, b); err != nil {
			return nil, fmt.Errorf("federation: witness: storing %s: %w", c.Origin, err)
		}
		w.mu.Lock()
		w.latest[c.Origin] = next
		w.mu.Unlock()
	}
	return w.cosigner.CosignatureLine(signed[:len(text)+1], at) // the note text, verified above
}

// lastSignatureLine returns the last line of a signed note.
func lastSignatureLine(n []byte) []byte {
	n = bytes.TrimSuffix(n, []byte("\n"))
	i := bytes.LastIndexByte(n, '\n')
	return append(bytes.Clone(n[i+1:]), '\n')
}

func (w *Witness) keepEvidence(oldSigned, newSigned []byte, old, c checkpoint.Checkpoint, proof tlog.TreeProof, cause error) {
	ev := Evidence{Origin: c.Origin, At: w.now().UTC(), Reason: cause.Error(), Old: oldSigned, New: newSigned, OldSize: old.Size, NewSize: c.Size}
	for _, h := range proof {
		ev.Proof = append(ev.Proof, base64.StdEncoding.EncodeToString(h[:]))
	}
	b, _ := json.MarshalIndent(ev, "", "  ")
	// One file per pair of checkpoints, whatever the proof and time: anyone
	// may submit a log's checkpoints with a made-up proof, so what is kept
	// must be bounded by what the log signed, not by requests.
	h := sha256.New()
	for _, s := range []string{c.Origin, string(oldSigned), string(newSigned)} {
		h.Write(binary.BigEndian.AppendUint64(nil, uint64(len(s))))
		h.Write([]byte(s))
	}
	name := filepath.Join(w.dir, "evidence", hex.EncodeToString(h.Sum(nil)[:12])+".json")
	if _, err := os.Stat(name); err == nil {
		return
	}
	if err := atomicfile.Write(name, b, 0o600); err != nil {
		w.logger.Error("federation: witness: keeping evidence", "origin", c.Origin, "err", err)
	}
	w.logger.Warn("federation: witness: log failed a consistency check", "origin", c.Origin, "old_size", old.Size, "new_size", c.Size, "reason", cause.Error())
}

// Evidence returns the evidence the witness has kept of logs that failed
// consistency checks.
func (w *Witness) Evidence() ([]Evidence, error) {
	entries, err := os.ReadDir(filepath.Join(w.dir, "evidence"))
	if err != nil {
		return nil, fmt.Errorf("federation: witness: %w", err)
	}
	var out []Evidence
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(w.dir, "evidence", e.Name()))
		if err != nil {
			return nil, fmt.Errorf("federation: witness: %w", err)
		}
		var ev Evidence
		if err := json.Unmarshal(b, &ev); err != nil {
			return nil, fmt.Errorf("federation: witness: evidence %s: %w", e.Name(), err)
		}
		out = append(out, ev)
	}
	return out, nil
}

// ServeHTTP serves POST /add-checkpoint (c2sp.org/tlog-witness) relative
// to where the witness is mounted.
func (w *Witness) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if strings.TrimSuffix(r.URL.Path, "/") != "/add-checkpoint" {
		http.Error(rw, "not found", http.StatusNotFound)
		return
	}
	if r.Method != http.MethodPost {
		rw.Header().Set("Allow", "POST")
		http.Error(rw, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(rw, r.Body, maxAddCheckpoint))
	if err != nil {
		http.Error(rw, "request body too large", http.StatusRequestEntityTooLarge)
		return
	}
	old, proof, signed, err := ParseAddCheckpoint(body)
	if err != nil {
		http.Error(rw, err.Error(), http.StatusBadRequest)
		return
	}
	line, err := w.AddCheckpoint(r.Context(), old, proof, signed)
	var conflict *ConflictError
	switch {
	case err == nil:
		rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
		rw.Write(line)
	case errors.As(err, &conflict):
		rw.Header().Set("Content-Type", "text/x.tlog.size")
		rw.WriteHeader(http.StatusConflict)
		fmt.Fprintf(rw, "%d\n", conflict.Size)
	case errors.Is(err, ErrUnknownLog):
		http.Error(rw, err.Error(), http.StatusNotFound)
	case errors.Is(err, checkpoint.ErrBadSignature), errors.Is(err, checkpoint.ErrOrigin):
		http.Error(rw, err.Error(), http.StatusForbidden)
	case errors.Is(err, ErrBadProof), errors.Is(err, ErrFork):
		http.Error(rw, err.Error(), http.StatusUnprocessableEntity)
	case errors.Is(err, ErrMalformed), errors.Is(err, checkpoint.ErrMalformed):
		http.Error(rw, err.Error(), http.StatusBadRequest)
	default:
		w.logger.Error("federation: witness: add-checkpoint", "err", err)
		http.Error(rw, "witness unavailable", http.StatusServiceUnavailable)
	}
}

// MarshalAddCheckpoint encodes an add-checkpoint request body.
func MarshalAddCheckpoint(oldSize uint64, proof tlog.TreeProof, signed []byte) []byte {
	var b bytes.Buffer
	b.WriteString("old " + strconv.FormatUint(oldSize, 10) + "\n")
	for _, h := range proof {
		b.WriteString(base64.StdEncoding.EncodeToString(h[:]) + "\n")
	}
	b.WriteString("\n")
	b.Write(signed)
	return b.Bytes()
}

// ParseAddCheckpoint decodes an add-checkpoint request body: the old size
// line, at most 63 base64 proof lines, an empty line, and the checkpoint
// note (not verified here).
func ParseAddCheckpoint(body []byte) (uint64, tlog.TreeProof, []byte, error) {
	bad := func(format string, args ...any) (uint64, tlog.TreeProof, []byte, error) {
		return 0, nil, nil, fmt.Errorf("%w: add-checkpoint: %s", ErrMalformed, fmt.Sprintf(format, args...))
	}
	first, rest, ok := bytes.Cut(body, []byte("\n"))
	if !ok {
		return bad("no old size line")
	}
	num, ok := strings.CutPrefix(string(first), "old ")
	size, err := strconv.ParseUint(num, 10, 63)
	if !ok || err != nil || strconv.FormatUint(size, 10) != num {
		return bad("old size line %.40q", first)
	}
	var proof tlog.TreeProof
	for {
		line, after, ok := bytes.Cut(rest, []byte("\n"))
		if !ok {
			return bad("no empty line before the checkpoint")
		}
		rest = after
		if len(line) == 0 {
			break
		}
		if len(proof) == 63 {
			return bad("more than 63 proof lines")
		}
		h, err := strictb64.Std(string(line))
		if err != nil || len(h) != tlog.HashSize {
			return bad("proof line %.60q is not a base64 hash", line)
		}
		proof = append(proof, tlog.Hash(h))
	}
	if len(rest) == 0 {
		return bad("no checkpoint")
	}
	return size, proof, rest, nil
}
