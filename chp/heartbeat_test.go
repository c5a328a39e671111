package chp

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// plainHeartbeat is a heartbeat as an existing CHP v1 client sends it, with
// its timestamp carrying an explicit offset.
const plainHeartbeat = `{
  "packet": "heartbeat",
  "instance_id": "3ec2f1e0-2d31-4594-8d7b-8b9d8b2f2a11",
  "home_uri": "https://accord.local/registry/heartbeat",
  "version": "2025.11.03",
  "license_hash": "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
  "ethics_signature": "charter:v1",
  "homebase_token": "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
  "status": "coherent",
  "timestamp": "2026-11-22T04:43:53+00:00",
  "meta": {"client": "chp-cli/1.0", "hostname": "node-01", "os": "linux"}
}`

// mutate returns plainHeartbeat with one member replaced (or removed when v
// is nil) and the result re-encoded.
func mutate(t testing.TB, key string, v any) []byte {
	t.Helper()
	return editJSON(t, []byte(plainHeartbeat), key, v)
}

// editJSON returns the JSON object b with one member replaced (or removed
// when v is nil), re-encoded.
func editJSON(t testing.TB, b []byte, key string, v any) []byte {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	if v == nil {
		delete(m, key)
	} else {
		m[key] = v
	}
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return b
}

func TestDecodeHeartbeat(t *testing.T) {
	h, err := DecodeHeartbeat([]byte(plainHeartbeat))
	require.NoError(t, err)
	assert.Equal(t, "3ec2f1e0-2d31-4594-8d7b-8b9d8b2f2a11", h.InstanceID)
	assert.Equal(t, StatusCoherent, h.Status)
	assert.True(t, h.Timestamp.Equal(time.Date(2026, 11, 22, 4, 43, 53, 0, time.UTC)))
	assert.Equal(t, "node-01", h.Meta["hostname"])
	assert.False(t, h.Sandboxed())

	// Re-encoding yields a heartbeat that decodes to the same value, with
	// the timestamp in UTC.
	b, err := json.Marshal(h)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"timestamp":"2026-11-22T04:43:53Z"`)
	h2, err := DecodeHeartbeat(b)
	require.NoError(t, err)
	assert.Equal(t, h, h2)
}

func TestDecodeHeartbeatRejects(t *testing.T) {
	tests := []struct {
		desc    string
		body    []byte
		wantErr error
	}{
		{"empty", nil, ErrMalformed},
		{"not json", []byte(`{"instance_id":`), ErrMalformed},
		{"array", []byte(`[]`), ErrMalformed},
		{"trailing data", []byte(plainHeartbeat + `{}`), ErrMalformed},
		{"duplicate key", []byte(strings.Replace(plainHeartbeat, `"version"`, `"version": "x", "version"`, 1)), ErrDuplicateKey},
		{"duplicate key in meta", []byte(strings.Replace(plainHeartbeat, `"os": "linux"`, `"os": "linux", "os": "bsd"`, 1)), ErrDuplicateKey},
		{"deep nesting", mutate(t, "meta", map[string]any{"x": json.RawMessage(strings.Repeat("[", 40) + strings.Repeat("]", 40))}), ErrMalformed},
		{"extra field", mutate(t, "extra", "x"), ErrSchema},
		{"missing field", mutate(t, "license_hash", nil), ErrSchema},
		{"wrong type", mutate(t, "version", 2025), ErrSchema},
		{"bad uuid", mutate(t, "instance_id", "3ec2f1e0-2d31-4594-8d7b"), ErrSchema},
		{"bad hash", mutate(t, "license_hash", "sha256:xyz"), ErrSchema},
		{"md5 hash", mutate(t, "homebase_token", "md5:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), ErrSchema},
		{"bad status", mutate(t, "status", "happy"), ErrSchema},
		{"bad timestamp", mutate(t, "timestamp", "yesterday"), ErrSchema},
		{"leap second", mutate(t, "timestamp", "2016-12-31T23:59:60Z"), ErrSchema},
		{"bad uri", mutate(t, "home_uri", "not a uri"), ErrSchema},
		{"empty ethics", mutate(t, "ethics_signature", ""), ErrSchema},
		{"ack packet", mutate(t, "packet", "ack"), ErrSchema},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			_, err := DecodeHeartbeat(tt.body)
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.wantErr)
			if errors.Is(err, ErrSchema) {
				var se *SchemaError
				require.ErrorAs(t, err, &se)
				assert.NotEmpty(t, se.Detail)
			}
		})
	}
}

func TestRecordRoundTrip(t *testing.T) {
	r := Record{Heartbeat: []byte(plainHeartbeat), Ack: []byte(`{"ack":1}`)}
	b, err := r.MarshalBinary()
	require.NoError(t, err)
	var got Record
	require.NoError(t, got.UnmarshalBinary(b))
	assert.Equal(t, r, got)
	for _, bad := range [][]byte{nil, {0, 0, 0}, {0, 0, 0, 0, 'x'}, {0, 0, 0, 9, 'x'}, {0, 0, 0, 1, 'x'}} {
		assert.ErrorIs(t, new(Record).UnmarshalBinary(bad), ErrMalformed, "%x", bad)
	}
	_, err = Record{Heartbeat: []byte("x")}.MarshalBinary()
	assert.ErrorIs(t, err, ErrMalformed)
}
