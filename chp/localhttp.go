package chp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
	mux.HandleFunc("GET /hud/status.json", r.handleHUD)
	for _, path := range []string{"/registry/heartbeat", "/registry/info", "/registry/checkpoint", "/registry/proof/{ack_id}", "/hud/status.json"} {
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
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, maxPacket))
	if err != nil {
		var mbe *http.MaxBytesError
		code, status := "read_failed", http.StatusBadRequest
		if errors.As(err, &mbe) {
			code, status = "too_large", http.StatusRequestEntityTooLarge
		}
		r.countReject(code)
		r.logger.Warn("heartbeat refused", "code", code, "remote", req.RemoteAddr, "err", err)
		writeError(w, status, code, fmt.Sprintf("reading body: %v (limit %d bytes)", err, maxPacket))
		return
	}
	acc, err := r.Accept(req.Context(), body)
	if err != nil {
		var re *RejectError
		if errors.As(err, &re) {
			r.countReject(re.Code)
			r.logger.Warn("heartbeat refused", "code", re.Code, "status", re.Status, "remote", req.RemoteAddr, "err", re.Err)
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
}

func (r *LocalRegistry) handleInfo(w http.ResponseWriter, req *http.Request) {
	cp, err := r.log.Checkpoint(req.Context())
	if err != nil {
		r.logger.Error("checkpoint", "err", err)
		writeError(w, http.StatusServiceUnavailable, "log_unavailable", "cannot sign a checkpoint")
		return
	}
	writeJSON(w, http.StatusOK, Info{
		Name: r.name, PublicKey: r.publicKey, Fingerprint: r.fingerprint, Origin: r.Origin(),
		AdmissionCert: r.AdmissionCert(), Schema: SchemaID, Checkpoint: string(cp),
		AllowUnsigned: r.allowUnsigned, HeartbeatType: HeartbeatType,
	})
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

// InclusionProof proves that the record holding one ACK is in the log
// under a signed checkpoint. It is served at GET /registry/proof/{ack_id}.
type InclusionProof struct {
	AckID      string   `json:"ack_id"`
	Index      uint64   `json:"index"`
	TreeSize   uint64   `json:"tree_size"`
	Record     []byte   `json:"record"`     // the record's log form (base64)
	Proof      [][]byte `json:"proof"`      // RFC 6962 audit path (base64 hashes)
	Checkpoint string   `json:"checkpoint"` // signed note at TreeSize
}

// Proof returns the inclusion proof of the record whose ACK has id ackID,
// under a freshly signed checkpoint. It returns [ErrNotFound] for an
// unknown id.
func (r *LocalRegistry) Proof(ctx context.Context, ackID string) (*InclusionProof, error) {
	r.mu.Lock()
	idx, ok := r.acks[ackID]
	r.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("%w: ack %q", ErrNotFound, ackID)
	}
	cpText, cp, err := r.checkpoint(ctx)
	if err != nil {
		return nil, err
	}
	rec, err := r.log.Record(idx)
	if err != nil {
		return nil, err
	}
	proof, err := r.log.InclusionProof(idx, cp.Size)
	if err != nil {
		return nil, err
	}
	p := &InclusionProof{AckID: ackID, Index: idx, TreeSize: cp.Size, Record: rec, Checkpoint: string(cpText)}
	for _, h := range proof {
		p.Proof = append(p.Proof, h[:])
	}
	return p, nil
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

// Verify checks the proof offline against the registry's public key: the
// checkpoint's signature (origin derived from the key), the audit path from
// the record to the checkpoint's root, and the ACK's own signature and id.
// It returns the proven ACK.
func (p *InclusionProof) Verify(registryKey string) (*Ack, error) {
	cp, err := verifyLRCheckpoint([]byte(p.Checkpoint), registryKey)
	if err != nil {
		return nil, err
	}
	if cp.Size != p.TreeSize || p.Index >= cp.Size {
		return nil, fmt.Errorf("%w: proof for index %d in size %d, checkpoint size %d", ErrBadSignature, p.Index, p.TreeSize, cp.Size)
	}
	proof := make(tlog.RecordProof, len(p.Proof))
	for i, h := range p.Proof {
		if len(h) != tlog.HashSize {
			return nil, fmt.Errorf("%w: proof hash %d of %d bytes", ErrMalformed, i, len(h))
		}
		copy(proof[i][:], h)
	}
	if err := tlog.CheckRecord(proof, int64(cp.Size), cp.Hash, int64(p.Index), tlog.RecordHash(p.Record)); err != nil {
		return nil, fmt.Errorf("%w: inclusion: %v", ErrBadSignature, err)
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
	pub, _ := envelope.ParseEd25519PublicKey(registryKey)
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
}

// HUD returns the registry's status surface. The registry is coherent
// while it holds a valid admission certificate, repairing otherwise.
func (r *LocalRegistry) HUD() HUDStatus {
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	s := HUDStatus{
		State: StatusRepairing, RegistryFingerprint: r.fingerprint, FingerprintShort: r.fingerprint[7:19],
		LogSize: r.log.Size(), Instances: map[Status]int{}, Rejected: map[string]int{}, LastReceipt: r.receipt,
	}
	if r.rac != nil && r.rootKey != "" && r.rac.Verify(r.rootKey, r.publicKey, now) == nil {
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
