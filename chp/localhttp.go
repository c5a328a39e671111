package chp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/envelope"
)

func (r *LocalRegistry) routes() {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /registry/heartbeat", r.handleHeartbeat)
	mux.HandleFunc("GET /registry/info", r.handleInfo)
	mux.HandleFunc("GET /registry/checkpoint", r.handleCheckpoint)
	mux.HandleFunc("GET /registry/proof/{ack_id}", r.handleProof)
	mux.HandleFunc("GET /registry/consistency", r.handleConsistency)
	mux.HandleFunc("GET /hud/status.json", r.handleHUD)
	for _, path := range []string{"/registry/heartbeat", "/registry/info", "/registry/checkpoint", "/registry/proof/{ack_id}", "/registry/consistency", "/hud/status.json"} {
		mux.HandleFunc(path, func(w http.ResponseWriter, req *http.Request) {
			writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", "method "+req.Method+" not allowed on "+req.URL.Path)
		})
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, req *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", "no such endpoint: "+req.Method+" "+req.URL.Path)
	})
	r.mux = mux
}

// ServeHTTP serves the registry's endpoints.
func (r *LocalRegistry) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mux.ServeHTTP(w, req)
}

// errorBody is the JSON body of every 4xx and 5xx answer.
type errorBody struct {
	Error string          `json:"error"`
	Code  string          `json:"code"`
	Ack   json.RawMessage `json:"ack,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"encoding failed","code":"internal"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, errorBody{Error: msg, Code: code})
}

// jsonOnly refuses a request whose Content-Type is not application/json
// (parameters such as charset allowed) with 415 unsupported_media_type. A
// web page can POST text/plain, form or multipart bodies across origins
// without a CORS preflight, but not application/json; refusing the others
// keeps a page in a browser from writing to a registry on loopback.
func jsonOnly(w http.ResponseWriter, req *http.Request) bool {
	ct := req.Header.Get("Content-Type")
	if ct == "application/json" {
		return true // what every client sends, without parsing
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && mt == "application/json" {
		return true
	}
	writeError(w, http.StatusUnsupportedMediaType, "unsupported_media_type", fmt.Sprintf("content type %q, want application/json", ct))
	return false
}

func (r *LocalRegistry) handleHeartbeat(w http.ResponseWriter, req *http.Request) {
	if !jsonOnly(w, req) {
		r.countReject("unsupported_media_type")
		r.logger.Warn("heartbeat refused", "code", "unsupported_media_type", "remote", req.RemoteAddr, "content_type", req.Header.Get("Content-Type"))
		return
	}
	if r.racRevoked.Load() {
		// Tells instances that checked the certificate earlier to read
		// GET /registry/info again.
		w.Header().Set(admissionHeader, "revoked")
	}
	body, err := readRequestBody(w, req)
	if err != nil {
		var mbe *http.MaxBytesError
		code, status := "read_failed", http.StatusBadRequest
		if errors.As(err, &mbe) {
			code, status = "too_large", http.StatusRequestEntityTooLarge
		}
		r.countReject(code)
		r.logger.Warn("heartbeat refused", "code", code, "remote", req.RemoteAddr, "err", err)
		r.keep(QuarantineEntry{Status: status, Code: code, Error: err.Error(), Remote: req.RemoteAddr})
		writeError(w, status, code, fmt.Sprintf("reading body: %v (limit %d bytes)", err, maxPacket))
		return
	}
	acc, err := r.Accept(req.Context(), body)
	if err != nil {
		var re *RejectError
		if errors.As(err, &re) {
			r.countReject(re.Code)
			r.logger.Warn("heartbeat refused", "code", re.Code, "status", re.Status, "remote", req.RemoteAddr, "err", re.Err)
			r.keep(QuarantineEntry{Status: re.Status, Code: re.Code, Error: re.Err.Error(), Remote: req.RemoteAddr, Body: body})
			writeJSON(w, re.Status, errorBody{Error: re.Err.Error(), Code: re.Code, Ack: re.Ack})
			return
		}
		r.logger.Error("heartbeat not logged", "remote", req.RemoteAddr, "err", err)
		writeError(w, http.StatusServiceUnavailable, "log_unavailable", "the registry could not store the heartbeat; retry later")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-CHP-Log-Index", strconv.FormatUint(acc.Index, 10))
	if acc.Duplicate {
		w.Header().Set("X-CHP-Duplicate", "true")
	}
	w.WriteHeader(http.StatusOK)
	w.Write(acc.Ack)
}

// readRequestBody reads a request body of at most maxPacket bytes (beyond
// that, an *http.MaxBytesError) into one buffer of the declared
// Content-Length, when there is one.
func readRequestBody(w http.ResponseWriter, req *http.Request) ([]byte, error) {
	r := http.MaxBytesReader(w, req.Body, maxPacket)
	size := 512
	if n := req.ContentLength; n > 0 && n <= maxPacket {
		size = int(n) + 1 // room for the read that finds the end
	}
	b := make([]byte, 0, size)
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

// keep puts a refused heartbeat in the quarantine.
func (r *LocalRegistry) keep(e QuarantineEntry) {
	e.Received = r.now().UTC()
	if err := r.quarantine.add(e); err != nil {
		r.logger.Warn("chp: refused heartbeat not quarantined", "err", err)
	}
}

func (r *LocalRegistry) countReject(code string) {
	r.mu.Lock()
	r.rejected[code]++
	r.mu.Unlock()
}

// Info is the registry banner served at GET /registry/info.
type Info struct {
	Name          string         `json:"name"`
	PublicKey     string         `json:"public_key"`  // "ed25519:z..."
	Fingerprint   string         `json:"fingerprint"` // "sha256:<hex>"
	Origin        string         `json:"origin"`      // checkpoint origin line
	AdmissionCert *AdmissionCert `json:"admission_cert"`
	Schema        string         `json:"schema"`     // [SchemaID]
	Checkpoint    string         `json:"checkpoint"` // signed note text
	AllowUnsigned bool           `json:"allow_unsigned"`
	HeartbeatType string         `json:"heartbeat_type"` // envelope type of sealed heartbeats
	// MaxAgeSeconds is the oldest heartbeat the registry takes, in
	// seconds; an [Instance] sets older queued heartbeats aside.
	MaxAgeSeconds int64 `json:"max_age_seconds"`
	// KeyRotations are the registry's key rotation records, oldest first
	// ([KeyRotation]): an instance configured with an earlier key follows
	// them to the current one.
	KeyRotations []json.RawMessage `json:"key_rotations,omitempty"`
	// RACRevocation is the signed [Revocation] covering the registry's
	// installed certificate, if one does; admission_cert is then null:
	// the registry no longer claims admission.
	RACRevocation json.RawMessage `json:"rac_revocation,omitempty"`
	// RootRotations are the Global Registry root rotation records the
	// registry trusts, oldest first ([RootRotation]): an instance given
	// an earlier root follows them to the root that signed the admission
	// certificate.
	RootRotations []json.RawMessage `json:"root_rotations,omitempty"`
}

func (r *LocalRegistry) handleInfo(w http.ResponseWriter, req *http.Request) {
	cp, err := r.log.Checkpoint(req.Context())
	if err != nil {
		r.logger.Error("checkpoint", "err", err)
		writeError(w, http.StatusServiceUnavailable, "log_unavailable", "cannot sign a checkpoint")
		return
	}
	id := r.ident()
	info := Info{
		Name: r.name, PublicKey: id.publicKey, Fingerprint: id.fingerprint, Origin: r.Origin(),
		AdmissionCert: r.AdmissionCert(), Schema: SchemaID, Checkpoint: string(cp),
		AllowUnsigned: r.allowUnsigned, HeartbeatType: HeartbeatType, MaxAgeSeconds: int64(r.maxAge / time.Second),
		KeyRotations: r.KeyRotations(),
	}
	if roots := r.rootSet(); roots != nil {
		info.RootRotations = roots.Rotations()
	}
	if rv := r.Revoked(); rv != nil {
		info.AdmissionCert = nil
		info.RACRevocation, _ = rv.Revocation.Marshal()
	}
	writeJSON(w, http.StatusOK, info)
}

func (r *LocalRegistry) handleCheckpoint(w http.ResponseWriter, req *http.Request) {
	cp, err := r.log.Checkpoint(req.Context())
	if err != nil {
		r.logger.Error("checkpoint", "err", err)
		writeError(w, http.StatusServiceUnavailable, "log_unavailable", "cannot sign a checkpoint")
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(cp)
}

// RecordProof proves that the record holding one ACK is in the log under a
// signed checkpoint. It is served at GET /registry/proof/{ack_id} as JSON:
// the record beside a C2SP tlog-proof (c2sp.org/tlog-proof@v1: the
// record's index, its RFC 6962 inclusion proof and the signed checkpoint),
// which any tlog-proof verifier can check against the registry's key.
type RecordProof struct {
	AckID  string `json:"ack_id"`
	Record []byte `json:"record"` // the record's log form ([Record]), padded standard base64
	Proof  string `json:"proof"`  // the tlog-proof text
}

// Proof returns the proof of the record whose ACK has id ackID, under a
// freshly signed checkpoint. It returns [ErrNotFound] for an unknown id.
func (r *LocalRegistry) Proof(ctx context.Context, ackID string) (*RecordProof, error) {
	r.mu.Lock()
	idx, ok := r.acks[ackID]
	r.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("%w: ack %q", ErrNotFound, ackID)
	}
	rec, err := r.log.Record(idx)
	if err != nil {
		return nil, err
	}
	p, err := r.log.Proof(ctx, idx)
	if err != nil {
		return nil, err
	}
	return &RecordProof{AckID: ackID, Record: rec, Proof: string(p.Marshal())}, nil
}

// Verify checks the proof offline against the registry's public key: the
// checkpoint's signature (origin derived from the key), the inclusion proof
// from the record to the checkpoint's root (a failure matches
// [checkpoint.ErrInclusion]), and the ACK's own signature for the
// heartbeat in the record, and its id. It returns the proven ACK.
func (p *RecordProof) Verify(registryKey string) (*Ack, error) {
	origin, err := lrOrigin(registryKey)
	if err != nil {
		return nil, err
	}
	pub, _ := envelope.ParseEd25519PublicKey(registryKey)
	v, err := checkpoint.NewVerifier(origin, pub)
	if err != nil {
		return nil, err
	}
	tp, err := checkpoint.ParseProof([]byte(p.Proof))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if _, err := tp.Verify(p.Record, v, nil, 0); err != nil {
		if errors.Is(err, checkpoint.ErrInclusion) {
			return nil, fmt.Errorf("chp: record proof: %w", err)
		}
		return nil, fmt.Errorf("%w: record proof: %w", ErrBadSignature, err)
	}
	var rec Record
	if err := rec.UnmarshalBinary(p.Record); err != nil {
		return nil, err
	}
	hb, _, err := postedHeartbeat(rec.Heartbeat)
	if err != nil {
		return nil, err
	}
	a, err := VerifyAck(rec.Ack, registryKey, hb)
	if err != nil {
		return nil, err
	}
	if a.AckID != p.AckID {
		return nil, fmt.Errorf("%w: record holds ack %s, proof is for %s", ErrBadSignature, a.AckID, p.AckID)
	}
	return a, nil
}

// ConsistencyProof shows that a log of size New extends the log of size
// Old: an RFC 6962 consistency proof, served at
// GET /registry/consistency?old=N&new=M. Checkpoint, present when New is the
// log's size when the proof was made, is the signed checkpoint at New.
type ConsistencyProof struct {
	Old        uint64   `json:"old"`
	New        uint64   `json:"new"`
	Proof      [][]byte `json:"proof"` // padded standard base64 hashes
	Checkpoint string   `json:"checkpoint,omitempty"`
}

// Verify checks the proof between two checkpoints of one log, each verified
// before (for example with [checkpoint.Verify]); a failure matches
// [checkpoint.ErrConsistency].
func (p *ConsistencyProof) Verify(old, new checkpoint.Checkpoint) error {
	if old.Size != p.Old || new.Size != p.New {
		return fmt.Errorf("%w: proof from %d to %d, checkpoints at %d and %d", ErrMalformed, p.Old, p.New, old.Size, new.Size)
	}
	tp, err := checkpoint.ToTreeProof(p.Proof)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return checkpoint.VerifyConsistency(old, new, tp)
}

// Consistency returns the consistency proof between log sizes old and
// new (0 means the current size). new may not exceed the log's size.
func (r *LocalRegistry) Consistency(ctx context.Context, old, new uint64) (*ConsistencyProof, error) {
	return consistency(ctx, r.log, old, new)
}

// consistency builds a [ConsistencyProof] of log.
func consistency(ctx context.Context, log interface {
	Checkpoint(context.Context) ([]byte, error)
	Size() uint64
	ConsistencyProof(uint64, uint64) (tlog.TreeProof, error)
}, old, new uint64) (*ConsistencyProof, error) {
	signed, err := log.Checkpoint(ctx)
	if err != nil {
		return nil, err
	}
	cp, err := checkpoint.Parse(noteBody(signed))
	if err != nil {
		return nil, err
	}
	if new == 0 {
		new = cp.Size
	}
	if old > new || new > cp.Size {
		return nil, fmt.Errorf("%w: sizes %d to %d, log size %d", ErrNotFound, old, new, cp.Size)
	}
	tp, err := log.ConsistencyProof(old, new)
	if err != nil {
		return nil, err
	}
	p := &ConsistencyProof{Old: old, New: new, Proof: make([][]byte, len(tp))}
	for i, h := range tp {
		p.Proof[i] = h[:]
	}
	if new == cp.Size {
		p.Checkpoint = string(signed)
	}
	return p, nil
}

func (r *LocalRegistry) handleConsistency(w http.ResponseWriter, req *http.Request) {
	serveConsistency(w, req, r.logger, r.Consistency)
}

// serveConsistency answers GET ...consistency?old=N&new=M from proof.
func serveConsistency(w http.ResponseWriter, req *http.Request, logger *slog.Logger, proof func(context.Context, uint64, uint64) (*ConsistencyProof, error)) {
	var sizes [2]uint64
	for i, name := range []string{"old", "new"} {
		if v := req.URL.Query().Get(name); v != "" {
			n, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				writeError(w, http.StatusBadRequest, "bad_range", name+": "+err.Error())
				return
			}
			sizes[i] = n
		}
	}
	p, err := proof(req.Context(), sizes[0], sizes[1])
	if errors.Is(err, ErrNotFound) {
		writeError(w, http.StatusBadRequest, "bad_range", err.Error())
		return
	}
	if err != nil {
		logger.Error("consistency proof", "err", err)
		writeError(w, http.StatusServiceUnavailable, "log_unavailable", "cannot build the proof")
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// checkpoint signs a checkpoint of the log at its current size and
// returns it with its parsed body.
func (r *LocalRegistry) checkpoint(ctx context.Context) ([]byte, checkpoint.Checkpoint, error) {
	signed, err := r.log.Checkpoint(ctx)
	if err != nil {
		return nil, checkpoint.Checkpoint{}, err
	}
	cp, err := checkpoint.Parse(noteBody(signed))
	return signed, cp, err
}

// noteBody returns the text of a signed note before its signature lines.
func noteBody(signed []byte) []byte {
	for i := 0; i+1 < len(signed); i++ {
		if signed[i] == '\n' && signed[i+1] == '\n' {
			return signed[:i+1]
		}
	}
	return signed
}

func (r *LocalRegistry) handleProof(w http.ResponseWriter, req *http.Request) {
	id := req.PathValue("ack_id")
	if !uuidRE.MatchString(id) {
		writeError(w, http.StatusBadRequest, "bad_ack_id", fmt.Sprintf("ack id %q is not a UUID", id))
		return
	}
	p, err := r.Proof(req.Context(), id)
	if errors.Is(err, ErrNotFound) {
		writeError(w, http.StatusNotFound, "not_found", err.Error())
		return
	}
	if err != nil {
		r.logger.Error("proof", "ack_id", id, "err", err)
		writeError(w, http.StatusServiceUnavailable, "log_unavailable", "cannot build the proof")
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// lrOrigin returns the checkpoint origin of the Local Registry with key.
func lrOrigin(registryKey string) (string, error) {
	pub, err := envelope.ParseEd25519PublicKey(registryKey)
	if err != nil {
		return "", fmt.Errorf("%w: registry key: %v", ErrKeyMismatch, err)
	}
	return "accord.chp/lr/" + envelope.Fingerprint(pub)[7:23], nil
}

// verifyLRCheckpoint checks a Local Registry checkpoint's signature.
func verifyLRCheckpoint(signed []byte, registryKey string) (checkpoint.Checkpoint, error) {
	origin, err := lrOrigin(registryKey)
	if err != nil {
		return checkpoint.Checkpoint{}, err
	}
	return verifyCheckpointAs(signed, origin, registryKey)
}

// verifyCheckpointAs checks a checkpoint signed by key under origin.
func verifyCheckpointAs(signed []byte, origin, key string) (checkpoint.Checkpoint, error) {
	pub, err := envelope.ParseEd25519PublicKey(key)
	if err != nil {
		return checkpoint.Checkpoint{}, fmt.Errorf("%w: registry key: %v", ErrKeyMismatch, err)
	}
	v, err := checkpoint.NewVerifier(origin, pub)
	if err != nil {
		return checkpoint.Checkpoint{}, err
	}
	cp, _, err := checkpoint.Verify(signed, v)
	if err != nil {
		return checkpoint.Checkpoint{}, fmt.Errorf("%w: checkpoint: %w", ErrBadSignature, err)
	}
	return cp, nil
}

// admissionHeader is set, to "revoked", on every heartbeat answer of a
// registry whose installed certificate is revoked.
const admissionHeader = "X-CHP-Admission"

// HUDStatus is the document served at GET /hud/status.json.
type HUDStatus struct {
	State               Status         `json:"state"`
	Color               Color          `json:"color"`
	RegistryFingerprint string         `json:"registry_fingerprint"`
	FingerprintShort    string         `json:"fingerprint_short"` // first 12 hex digits
	Admitted            bool           `json:"admitted"`          // a valid RAC is installed
	AdmissionExpires    *time.Time     `json:"admission_expires,omitempty"`
	LogSize             uint64         `json:"log_size"`
	Instances           map[Status]int `json:"instances"` // instances by last reported status
	Rejected            map[string]int `json:"rejected"`  // refusals since start, by code
	LastReceipt         *Receipt       `json:"last_receipt,omitempty"`
	// Revocation covers the installed certificate, if one does (the
	// registry is then repairing: not admitted).
	Revocation *Revocation `json:"revocation,omitempty"`
}

// HUD returns the registry's status surface. The registry is coherent
// while it holds a valid admission certificate that no revocation covers,
// repairing otherwise.
func (r *LocalRegistry) HUD() HUDStatus {
	now := r.now()
	fp := r.Fingerprint()
	var racKey string
	if rac := r.AdmissionCert(); rac != nil {
		racKey = r.racKey(rac)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	s := HUDStatus{
		State: StatusRepairing, RegistryFingerprint: fp, FingerprintShort: fp[7:19],
		LogSize: r.log.Size(), Instances: map[Status]int{}, Rejected: map[string]int{}, LastReceipt: r.receipt,
	}
	var rv *RevokedError
	if r.rac != nil {
		if rv = r.revokedLocked(r.rac); rv != nil {
			s.Revocation = rv.Revocation
		}
	}
	if r.rac != nil && rv == nil && r.roots != nil && r.roots.VerifyAdmissionCert(r.rac, racKey, now) == nil {
		s.Admitted, s.State = true, StatusCoherent
		exp := r.rac.ExpiresAt
		s.AdmissionExpires = &exp
	}
	s.Color = s.State.Color()
	for _, v := range r.instances {
		s.Instances[v.Status]++
	}
	for k, v := range r.rejected {
		s.Rejected[k] = v
	}
	return s
}

func (r *LocalRegistry) handleHUD(w http.ResponseWriter, req *http.Request) {
	writeJSON(w, http.StatusOK, r.HUD())
}
