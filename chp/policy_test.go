package chp

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// withMeta returns w's heartbeat for id with meta members added.
func withMeta(t *testing.T, w *world, id string, add map[string]any) []byte {
	t.Helper()
	var h map[string]any
	require.NoError(t, json.Unmarshal(w.heartbeat(id), &h))
	for k, v := range add {
		h["meta"].(map[string]any)[k] = v
	}
	b, err := json.Marshal(h)
	require.NoError(t, err)
	return b
}

// Only metadata leaves: a meta member off the allowlist, or a meta object
// over the size limit, is refused when the heartbeat arrives, with the
// member named, and nothing is logged (so nothing is exported).
func TestMetaAllowlist(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	// A client that puts user data into meta.
	status, body := w.post(w.sealed(9, withMeta(t, w, uuidN(1), map[string]any{"user_email": "someone@example.org"})))
	require.Equal(t, 422, status)
	var eb errorBody
	require.NoError(t, json.Unmarshal(body, &eb))
	require.Equal(t, "meta_refused", eb.Code)
	require.Contains(t, eb.Error, "meta.user_email")
	require.NotEmpty(t, eb.Ack, "the seal verified: the refusal is signed")

	// Allowed names, but too much of it.
	_, err := w.lr.Accept(context.Background(), withMeta(t, w, uuidN(2), map[string]any{"hostname": strings.Repeat("h", DefaultMetaMaxBytes)}))
	var me *MetaError
	require.ErrorAs(t, err, &me)
	require.Equal(t, "meta", me.Field)
	require.ErrorIs(t, err, ErrMeta)

	// The default names pass.
	status, body = w.post(withMeta(t, w, uuidN(3), map[string]any{"client": "c/1", "hostname": "h", "os": "linux"}))
	require.Equal(t, 200, status, "%s", body)
	require.Equal(t, uint64(1), w.lr.Size())

	// An instance configured with a member the registry does not take is
	// told so in a signed refusal: review, and the heartbeat is skipped.
	in := outageInstance(t, w, t.TempDir(), func(c *Config) { c.Meta = map[string]any{"document": "secret plans"} })
	_, err = in.Beat(context.Background())
	require.ErrorIs(t, err, ErrRejected)
	require.Contains(t, err.Error(), "meta.document")
	require.Equal(t, StatusReview, in.State())
	require.Zero(t, in.Pending())
	require.Equal(t, uint64(1), w.lr.Size())
}

// An operator's allowlist replaces the chp-v1 names; the package's own
// members stay allowed; bad limits are refused at open.
func TestMetaAllowlistConfigured(t *testing.T) {
	t.Parallel()
	w := newWorld(t, WithMetaAllowlist("site"), WithMetaMaxBytes(300))
	_, err := w.lr.Accept(context.Background(), withMeta(t, w, uuidN(1), map[string]any{"site": "north"}))
	require.NoError(t, err)
	_, err = w.lr.Accept(context.Background(), withMeta(t, w, uuidN(2), map[string]any{"client": "c/1"}))
	var me *MetaError
	require.ErrorAs(t, err, &me)
	require.Equal(t, "meta.client", me.Field)
	_, err = w.lr.Accept(context.Background(), withMeta(t, w, uuidN(3), map[string]any{"site": strings.Repeat("n", 300)}))
	require.ErrorAs(t, err, &me)
	require.Equal(t, "meta", me.Field)

	for _, opt := range []LocalOption{WithMetaMaxBytes(100), WithMetaMaxBytes(1 << 20), WithMetaAllowlist(""), WithMetaAllowlist("a", "a")} {
		_, err := OpenLocalRegistry(t.TempDir(), testKey(1), opt)
		require.Error(t, err)
	}
}

// Compatibility mode: by default a plain chp-v1 heartbeat is refused
// (401, unsigned refusal, nothing logged). With WithAllowUnsigned it is
// logged with ACK status "queued", never "verified"; an instance that has
// sealed a heartbeat once is refused plain ones even then; and the Global
// Registry keeps the "queued" status in its ledger.
func TestCompatibilityMode(t *testing.T) {
	t.Parallel()
	strict := newWorld(t, WithAllowUnsigned(false))
	status, body := strict.post(strict.heartbeat(uuidN(1)))
	require.Equal(t, 401, status)
	var eb errorBody
	require.NoError(t, json.Unmarshal(body, &eb))
	require.Equal(t, "signature_required", eb.Code)
	require.Empty(t, eb.Ack, "a plain body authenticates nothing: no signed refusal")
	require.Zero(t, strict.lr.Size())
	var info Info
	strict.getJSON("/registry/info", &info)
	require.False(t, info.AllowUnsigned)

	w := newWorld(t) // the test world runs in compatibility mode
	status, body = w.post(w.heartbeat(uuidN(1)))
	require.Equal(t, 200, status)
	var ack Ack
	require.NoError(t, json.Unmarshal(body, &ack))
	require.Equal(t, AckQueued, ack.Status)

	// Sealed once: pinned, plain refused from then on.
	w.clock.Add(1e9)
	status, _ = w.post(w.sealed(4, w.heartbeat(uuidN(2))))
	require.Equal(t, 200, status)
	w.clock.Add(1e9)
	status, body = w.post(w.heartbeat(uuidN(2)))
	require.Equal(t, 401, status, "%s", body)
	require.Equal(t, uint64(2), w.lr.Size())

	b, _ := w.export(ExportOptions{})
	res, err := w.gr.Import(context.Background(), strings.NewReader(string(b)))
	require.NoError(t, err)
	require.Equal(t, 2, res.Receipt.Accepted)
	rec, err := w.gr.LedgerRecord(0)
	require.NoError(t, err)
	require.Contains(t, string(rec), `"status":"queued"`)
}
