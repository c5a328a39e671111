package chp

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/internal/jcs"
)

func TestParseStrict(t *testing.T) {
	good := []string{`{}`, `[]`, `"a\u00e9\ud83d\ude00\n"`, `-0.5e+3`, `{"a":[1,true,false,null,{"b":"c"}]}`, " \t\n{ \"x\" : 1 } "}
	for _, s := range good {
		_, err := parseStrict([]byte(s))
		assert.NoError(t, err, s)
	}
	bad := []struct {
		in   string
		want error
	}{
		{``, ErrMalformed}, {`{`, ErrMalformed}, {`{"a"}`, ErrMalformed}, {`{"a":1,}`, ErrMalformed}, {`[1,]`, ErrMalformed},
		{`01`, ErrMalformed}, {`1.`, ErrMalformed}, {`-`, ErrMalformed}, {`1e`, ErrMalformed}, {`tru`, ErrMalformed},
		{`"\ud800"`, ErrMalformed}, {`"\x"`, ErrMalformed}, {"\"\x01\"", ErrMalformed}, {"\"\xff\"", ErrMalformed},
		{`{} {}`, ErrMalformed}, {`{"a":1,"a":2}`, ErrDuplicateKey}, {`{"a":1,"\u0061":2}`, ErrDuplicateKey},
		{string(bytes.Repeat([]byte("["), 40)) + string(bytes.Repeat([]byte("]"), 40)), ErrMalformed},
	}
	for _, tt := range bad {
		_, err := parseStrict([]byte(tt.in))
		assert.ErrorIs(t, err, tt.want, tt.in)
	}
}

// FuzzParseStrict: whatever parseStrict accepts, encoding/json accepts
// and decodes to the same value; it never accepts something encoding/json
// rejects.
func FuzzParseStrict(f *testing.F) {
	for _, s := range []string{plainHeartbeat, `{"a":"\u00e9"}`, `[1,-2.5e3,null]`, `{"a":1,"a":2}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := parseStrict(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrDuplicateKey) {
				t.Fatalf("undeclared error %v", err)
			}
			return
		}
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		var want any
		require.NoError(t, d.Decode(&want), "%q", b)
		require.Equal(t, want, v, "%q", b)
	})
}

// TestPostedHeartbeat: a sealed heartbeat is told apart from a plain one by
// its payload member, whatever escapes spell its name.
func TestPostedHeartbeat(t *testing.T) {
	for _, tt := range []struct {
		in     string
		want   string
		sealed bool
	}{
		{`{"instance_id":"x"}`, `{"instance_id":"x"}`, false},
		{`{"payload":{"a":1},"v":1}`, `{"a":1}`, true},
		{`{"\u0070ayload":{"a":1},"v":1}`, `{"a":1}`, true},
		{`{"Payload":{"a":1}}`, `{"Payload":{"a":1}}`, false},
	} {
		hb, sealed, err := postedHeartbeat([]byte(tt.in))
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, string(hb), tt.in)
		assert.Equal(t, tt.sealed, sealed, tt.in)
	}
	_, _, err := postedHeartbeat([]byte(`{"payload":1,"payload":2}`))
	assert.ErrorIs(t, err, ErrDuplicateKey)
}

// FuzzAppendCanonical: the canonical form written from a parsed document is
// the one internal/jcs writes from its bytes.
func FuzzAppendCanonical(f *testing.F) {
	for _, s := range []string{plainHeartbeat, `{"b":1,"a":[1e2,-0,0.1,1e21,"\u00e9\ud83d\ude00"],"\u20ac":null,"\ud83d\ude00":true}`, `[]`, `"x\n"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := parseStrict(b)
		if err != nil {
			return
		}
		want, err := jcs.Canonicalize(b)
		require.NoError(t, err, "%q", b)
		got, err := appendCanonical(nil, v)
		require.NoError(t, err)
		require.Equal(t, string(want), string(got), "%q", b)
	})
}
