package cahp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/accordsdk/accord/envelope"
)

// maxMessages is the most envelopes one request or answer carries.
const maxMessages = 4

// NewMemoryTransport returns a [Transport] that hands messages straight to
// r, copying them both ways as a network would.
func NewMemoryTransport(r *Responder) Transport { return memoryTransport{r} }

type memoryTransport struct{ r *Responder }

func (m memoryTransport) Exchange(ctx context.Context, sessionID, phase string, msgs [][]byte) ([][]byte, error) {
	in := make([][]byte, len(msgs))
	for i, b := range msgs {
		in[i] = slices.Clone(b)
	}
	out, err := m.r.Handle(ctx, sessionID, phase, in)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i] = slices.Clone(out[i])
	}
	return out, nil
}

// HandshakePath is the pattern of the handshake's HTTP requests, under the
// handler's mount point.
const HandshakePath = "POST /cahp/v1/sessions/{session_id}/{phase}"

// Handler returns the responder's [http.Handler]: POST
// /cahp/v1/sessions/{session_id}/{phase} with a JSON array of envelopes,
// answered by a JSON array of envelopes or an error body (see the package
// documentation, "HTTP transport"). Mount it at the root of a server, or
// under a prefix with [http.StripPrefix].
func (r *Responder) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(HandshakePath, func(w http.ResponseWriter, req *http.Request) {
		if ct := req.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			writeError(w, http.StatusUnsupportedMediaType, "unsupported_media_type", fmt.Sprintf("content type %.60q, want application/json", ct))
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, maxBody))
		if err != nil {
			writeError(w, http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("body over %d bytes", maxBody))
			return
		}
		msgs, err := decodeBody(body)
		if err != nil {
			writeError(w, http.StatusBadRequest, "malformed", err.Error())
			return
		}
		out, err := r.Handle(req.Context(), req.PathValue("session_id"), req.PathValue("phase"), msgs)
		if err != nil {
			status, code := errorStatus(err)
			writeError(w, status, code, err.Error())
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(encodeBody(out))
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, req *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", "no such path; want POST /cahp/v1/sessions/{session_id}/{phase}")
	})
	return mux
}

// errorStatus maps a refusal to its HTTP status and code.
func errorStatus(err error) (int, string) {
	for _, c := range errorCodes {
		if errors.Is(err, c.err) {
			return c.status, c.code
		}
	}
	for _, c := range envelopeCodes {
		if errors.Is(err, c.err) {
			return c.status, c.code
		}
	}
	return http.StatusForbidden, "refused"
}

// envelopeCodes are the codes of messages that did not verify.
var envelopeCodes = []struct {
	err    error
	code   string
	status int
}{
	{envelope.ErrMalformed, "malformed", 400},
	{envelope.ErrUnsupported, "malformed", 400},
	{envelope.ErrTypeNotAllowed, "malformed", 400},
	{envelope.ErrUnknownKey, "unknown_key", 403},
	{envelope.ErrKeyNotValid, "unknown_key", 403},
	{envelope.ErrOutsideWindow, "stale", 400},
	{envelope.ErrBadSignature, "bad_signature", 401},
	{envelope.ErrReplay, "replay", 409},
	{envelope.ErrCacheFull, "busy", 429},
}

func init() {
	for _, c := range envelopeCodes {
		if _, ok := codeSentinel[c.code]; !ok {
			codeSentinel[c.code] = c.err
		}
	}
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	b, _ := json.Marshal(struct {
		Error string `json:"error"`
		Code  string `json:"code"`
	}{truncate(msg, 1000), code})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(b)
}

// decodeBody reads a JSON array of 1 to maxMessages envelope objects,
// keeping each element's bytes as they were sent.
func decodeBody(body []byte) ([][]byte, error) {
	var raw []json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, fmt.Errorf("%w: body: want a JSON array of envelopes: %v", ErrMalformed, err)
	}
	if len(raw) > maxMessages {
		return nil, fmt.Errorf("%w: %d envelopes, want at most %d", ErrMalformed, len(raw), maxMessages)
	}
	out := make([][]byte, len(raw))
	for i, r := range raw {
		if len(r) == 0 || r[0] != '{' {
			return nil, fmt.Errorf("%w: element %d is not an envelope object", ErrMalformed, i)
		}
		out[i] = r
	}
	return out, nil
}

// encodeBody writes envelopes as a JSON array.
func encodeBody(msgs [][]byte) []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, m := range msgs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(m)
	}
	b.WriteByte(']')
	return b.Bytes()
}

// NewHTTPTransport returns a [Transport] to the responder whose handler is
// mounted at base (an http or https URL), using client (nil means a client
// with a 60 s timeout).
func NewHTTPTransport(base string, client *http.Client) (Transport, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("cahp: responder URL %.80q: want http(s)://host[:port][/prefix]", base)
	}
	if client == nil {
		client = &http.Client{Timeout: defaultHTTPTimeout}
	}
	return &httpTransport{base: strings.TrimSuffix(u.String(), "/"), client: client}, nil
}

const defaultHTTPTimeout = 60 * time.Second

type httpTransport struct {
	base   string
	client *http.Client
}

func (t *httpTransport) Exchange(ctx context.Context, sessionID, phase string, msgs [][]byte) ([][]byte, error) {
	u := t.base + "/cahp/v1/sessions/" + url.PathEscape(sessionID) + "/" + url.PathEscape(phase)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(encodeBody(msgs)))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTransport, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := t.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTransport, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTransport, err)
	}
	if len(body) > maxBody {
		return nil, fmt.Errorf("%w: answer over %d bytes", ErrTransport, maxBody)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error string `json:"error"`
			Code  string `json:"code"`
		}
		json.Unmarshal(body, &e)
		return nil, &TransportError{Status: resp.StatusCode, Code: e.Code, Message: truncate(e.Error, 1000)}
	}
	out, err := decodeBody(body)
	if err != nil {
		return nil, fmt.Errorf("%w: answer: %v", ErrTransport, err)
	}
	return out, nil
}
