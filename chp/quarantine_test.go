package chp

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Refused heartbeats are kept for the operator, the latest only: a flood
// of refusals keeps at most the limit, the newest survive, and they are
// listed again after a restart; accepted heartbeats are not quarantined.
func TestQuarantineBounded(t *testing.T) {
	t.Parallel()
	w := newWorld(t, WithQuarantine(10))
	status, _ := w.post(w.heartbeat(uuidN(1)))
	require.Equal(t, 200, status)
	for i := range 25 {
		status, _ = w.post(withMeta(t, w, uuidN(100+i), map[string]any{"user": i}))
		require.Equal(t, 422, status)
	}
	status, _ = w.post([]byte(`{"not":"a heartbeat"`))
	require.Equal(t, 400, status)
	big := bytes.Repeat([]byte(" "), maxPacket+1)
	status, _ = w.post(big)
	require.Equal(t, 413, status)

	es, err := w.lr.Quarantine()
	require.NoError(t, err)
	require.LessOrEqual(t, len(es), 10)
	require.GreaterOrEqual(t, len(es), 5)
	last := es[len(es)-1]
	require.Equal(t, "too_large", last.Code)
	require.Empty(t, last.Body)
	prev := es[len(es)-2]
	require.Equal(t, "invalid_json", prev.Code)
	require.Equal(t, `{"not":"a heartbeat"`, string(prev.Body))
	meta := es[len(es)-3]
	require.Equal(t, "meta_refused", meta.Code)
	require.Equal(t, 422, meta.Status)
	require.Contains(t, meta.Error, "meta.user")
	require.Contains(t, string(meta.Body), uuidN(124))
	require.NotEmpty(t, meta.Remote)
	for _, e := range es {
		require.NotContains(t, string(e.Body), uuidN(1)+`"`, "an accepted heartbeat was quarantined")
	}

	// The operator's endpoint lists the same, also after a restart.
	w.restartLR(WithQuarantine(10))
	srv := httptest.NewServer(w.lr.AdminHandler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/admin/quarantine")
	require.NoError(t, err)
	defer resp.Body.Close()
	var got []QuarantineEntry
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
	require.Len(t, got, len(es))
	require.Equal(t, es[0].Received, got[0].Received)
	require.Equal(t, uint64(1), w.lr.Size())
}

// WithQuarantine(0) keeps nothing; bad sizes are refused.
func TestQuarantineOff(t *testing.T) {
	t.Parallel()
	w := newWorld(t, WithQuarantine(0))
	status, _ := w.post([]byte(`[]`))
	require.Equal(t, 400, status)
	es, err := w.lr.Quarantine()
	require.NoError(t, err)
	require.Empty(t, es)
	_, err = OpenLocalRegistry(t.TempDir(), testKey(1), WithQuarantine(-1))
	require.Error(t, err)
	_, err = ParseQuarantineEntry([]byte(`{"received":"x","status":422,"code":"c","error":""}`))
	require.ErrorIs(t, err, ErrMalformed)
	_, err = ParseQuarantineEntry([]byte(strings.Repeat("{", 100)))
	require.ErrorIs(t, err, ErrMalformed)
}
