package federation

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/accordsdk/accord/envelope"
)

// HeaderEnvelope carries the signed read envelope of a GET request,
// base64url (no padding) of its JSON form.
const HeaderEnvelope = "Accord-Envelope"

// maxResponse bounds a peer's answer.
const maxResponse = 16 << 20

// ReadRequest is the payload of a read envelope: the request it
// authorizes. The path includes the query string, if any.
type ReadRequest struct {
	Method string `json:"method"`
	Path   string `json:"path"`
}

func (m *Mesh) seal(typ string, payload any) ([]byte, error) {
	return envelope.Seal(m.signer, typ, payload, envelope.WithTimestamp(m.opts.now()))
}

// send seals payload as an envelope of type typ and sends it to peer.
func (m *Mesh) send(ctx context.Context, peer *Peer, method, path, typ string, payload any) ([]byte, error) {
	env, err := m.seal(typ, payload)
	if err != nil {
		return nil, err
	}
	return m.do(ctx, peer, method, path, env)
}

func (m *Mesh) do(ctx context.Context, peer *Peer, method, path string, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(peer.URL, "/")+path, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	req.Header.Set("Content-Type", "application/json")
	return m.roundTrip(req)
}

// get makes a GET request, signed with a read envelope when peer is set.
func (m *Mesh) get(ctx context.Context, peer *Peer, base, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(base, "/")+path, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if peer != nil {
		if err := m.signRead(req); err != nil {
			return nil, err
		}
	}
	return m.roundTrip(req)
}

// signRead adds a read envelope for req.
func (m *Mesh) signRead(req *http.Request) error {
	env, err := m.seal(TypeReadEnvelope, ReadRequest{Method: req.Method, Path: req.URL.RequestURI()})
	if err != nil {
		return err
	}
	req.Header.Set(HeaderEnvelope, base64.RawURLEncoding.EncodeToString(env))
	return nil
}

// ReadTransport returns an http.RoundTripper that signs every request with
// a fresh read envelope of this mesh, so that any HTTP client (a tiles
// client, for one) can read a peer's scrolls.
func (m *Mesh) ReadTransport(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		r = r.Clone(r.Context())
		if err := m.signRead(r); err != nil {
			return nil, err
		}
		return base.RoundTrip(r)
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func (m *Mesh) roundTrip(req *http.Request) ([]byte, error) {
	resp, err := m.opts.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("federation: %s %s: %w", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return nil, fmt.Errorf("federation: %s %s: %w", req.Method, req.URL.Path, err)
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error string `json:"error"`
			Code  string `json:"code"`
		}
		_ = json.Unmarshal(body, &e)
		if e.Code == "" {
			e.Code, e.Error = http.StatusText(resp.StatusCode), strings.TrimSpace(string(body))
		}
		return nil, &RemoteError{Status: resp.StatusCode, Code: e.Code, Message: e.Error}
	}
	return body, nil
}

// Error codes of the federation API and the sentinels they stand for.
var codeErrors = map[string]error{
	"malformed":        ErrMalformed,
	"bad_signature":    ErrBadSignature,
	"expired":          ErrExpired,
	"unknown_mesh":     ErrUnknownMesh,
	"not_party":        ErrNotParty,
	"unsigned":         ErrUnsigned,
	"hash_mismatch":    ErrHashMismatch,
	"level_too_low":    ErrLevelTooLow,
	"policy":           ErrPolicy,
	"revoked":          ErrRevoked,
	"not_found":        ErrNotFound,
	"state":            ErrState,
	"fork":             ErrFork,
	"replay":           envelope.ErrReplay,
	"envelope_refused": envelope.ErrBadSignature,
}

// statusOf maps an error to its HTTP status and code.
func statusOf(err error) (int, string) {
	switch {
	case errors.Is(err, envelope.ErrReplay):
		return http.StatusConflict, "replay"
	case errors.Is(err, ErrFork):
		return http.StatusUnprocessableEntity, "fork"
	case errors.Is(err, ErrHashMismatch):
		return http.StatusUnprocessableEntity, "hash_mismatch"
	case errors.Is(err, ErrRevoked):
		return http.StatusForbidden, "revoked"
	case errors.Is(err, ErrLevelTooLow):
		return http.StatusForbidden, "level_too_low"
	case errors.Is(err, ErrNotParty):
		return http.StatusForbidden, "not_party"
	case errors.Is(err, ErrUnsigned):
		return http.StatusForbidden, "unsigned"
	case errors.Is(err, ErrPolicy):
		return http.StatusForbidden, "policy"
	case errors.Is(err, ErrUnknownMesh), errors.Is(err, envelope.ErrUnknownKey):
		return http.StatusForbidden, "unknown_mesh"
	case errors.Is(err, ErrExpired):
		return http.StatusGone, "expired"
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound, "not_found"
	case errors.Is(err, ErrState):
		return http.StatusConflict, "state"
	case errors.Is(err, ErrBadSignature):
		return http.StatusForbidden, "bad_signature"
	case errors.Is(err, envelope.ErrBadSignature), errors.Is(err, envelope.ErrOutsideWindow),
		errors.Is(err, envelope.ErrKeyNotValid), errors.Is(err, envelope.ErrTypeNotAllowed):
		return http.StatusUnauthorized, "envelope_refused"
	case errors.Is(err, ErrMalformed), errors.Is(err, envelope.ErrMalformed), errors.Is(err, envelope.ErrUnsupported):
		return http.StatusBadRequest, "malformed"
	}
	return http.StatusServiceUnavailable, "unavailable"
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(body)
}

func writeErr(w http.ResponseWriter, err error) {
	status, code := statusOf(err)
	b, _ := json.Marshal(map[string]string{"error": err.Error(), "code": code})
	writeJSON(w, status, b)
}
