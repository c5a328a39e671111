package cahp

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/accordsdk/accord/envelope"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHTTPHandshake runs a handshake over a loopback HTTP server and checks
// that refusals cross the wire as status, code and sentinel.
func TestHTTPHandshake(t *testing.T) {
	f := newFixture(t, fixtureOpts{initKind: KindMetabolic, respKind: KindOpenWeight})
	srv := httptest.NewServer(f.resp.Handler())
	defer srv.Close()
	tr, err := NewHTTPTransport(srv.URL, nil)
	require.NoError(t, err)
	s, err := f.init.Handshake(context.Background(), tr)
	require.NoError(t, err)
	_, err = VerifyTicket(s.Ticket, f.initRing, f.rRing, f.clock.now(), ForSession(s.ID))
	require.NoError(t, err)

	// A refusal by the responder arrives as a *TransportError that matches
	// the sentinel of its code.
	ht := &hookTransport{next: tr, send: func(phase string, msgs [][]byte) [][]byte {
		if phase == PhaseResponse {
			return [][]byte{reseal(t, f.initKey, msgs[0], edit{payload: setMember("key_confirmation", b64.EncodeToString(make([]byte, 32)))})}
		}
		return msgs
	}}
	_, err = f.init.Handshake(context.Background(), ht)
	require.ErrorIs(t, err, ErrKeyConfirmation)
	var te *TransportError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, http.StatusForbidden, te.Status)
	assert.Equal(t, "key_confirmation", te.Code)
	assert.Equal(t, 0, f.resp.Sessions())
}

func TestHTTPErrors(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	srv := httptest.NewServer(f.resp.Handler())
	defer srv.Close()
	m1, err := envelope.Seal(f.initKey, TypeDiscovery, json.RawMessage(`{}`), envelope.WithTimestamp(f.clock.now()), envelope.WithSenderType(KindOpenWeight))
	require.NoError(t, err)
	m1b, err := envelope.Seal(f.initKey, TypeDiscovery, json.RawMessage(`{}`), envelope.WithTimestamp(f.clock.now()), envelope.WithSenderType(KindOpenWeight))
	require.NoError(t, err)
	sid := NewSessionID()
	cases := []struct {
		name, method, path, ctype, body string
		status                          int
		code                            string
	}{
		{"not json", "POST", "/cahp/v1/sessions/" + sid + "/discovery", "application/json", "{", 400, "malformed"},
		{"object, not array", "POST", "/cahp/v1/sessions/" + sid + "/discovery", "application/json", `{"a":1}`, 400, "malformed"},
		{"too many envelopes", "POST", "/cahp/v1/sessions/" + sid + "/discovery", "application/json", "[{},{},{},{},{}]", 400, "malformed"},
		{"wrong content type", "POST", "/cahp/v1/sessions/" + sid + "/discovery", "text/plain", "[]", 415, "unsupported_media_type"},
		{"no such phase", "POST", "/cahp/v1/sessions/" + sid + "/ticket", "application/json", "[" + string(m1) + "]", 400, "malformed"},
		{"unknown session", "POST", "/cahp/v1/sessions/" + sid + "/proof", "application/json", "[" + string(m1) + "]", 404, "unknown_session"},
		{"bad payload", "POST", "/cahp/v1/sessions/" + sid + "/discovery", "application/json", "[" + string(m1b) + "]", 400, "malformed"},
		{"replayed", "POST", "/cahp/v1/sessions/" + sid + "/discovery", "application/json", "[" + string(m1b) + "]", 409, "replay"},
		{"GET", "GET", "/cahp/v1/sessions/" + sid + "/discovery", "", "", 404, "not_found"},
		{"other path", "POST", "/other", "application/json", "[]", 404, "not_found"},
		{"too large", "POST", "/cahp/v1/sessions/" + sid + "/discovery", "application/json", "[" + strings.Repeat(" ", maxBody) + "]", 413, "too_large"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, err := http.NewRequest(c.method, srv.URL+c.path, strings.NewReader(c.body))
			require.NoError(t, err)
			if c.ctype != "" {
				req.Header.Set("Content-Type", c.ctype)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			assert.Equal(t, c.status, resp.StatusCode)
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			var e struct{ Error, Code string }
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&e))
			assert.Equal(t, c.code, e.Code)
			assert.NotEmpty(t, e.Error)
		})
	}
	_, err = NewHTTPTransport("ftp://x", nil)
	assert.Error(t, err)
}
