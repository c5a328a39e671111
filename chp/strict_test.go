package chp

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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

func TestFields(t *testing.T) {
	got, err := fields([]byte(` {"a":"x","b":{"c":[1,{"d":"}"}]},"e":"q\"","f":null} `), "b", "e", "z", "a")
	require.NoError(t, err)
	assert.Equal(t, `{"c":[1,{"d":"}"}]}`, string(got[0]))
	assert.Equal(t, `"q\""`, string(got[1]))
	assert.Nil(t, got[2])
	s, ok := jsonString(got[1])
	assert.True(t, ok)
	assert.Equal(t, `q"`, s)
	s, ok = jsonString(got[3])
	assert.True(t, ok)
	assert.Equal(t, "x", s)
	for _, bad := range []string{``, `[]`, `{"a"}`, `{"a":}`, `{"a":1`, `{"a":"x}`, `{"a":[1,2}`} {
		_, err := fields([]byte(bad), "a")
		assert.ErrorIs(t, err, ErrMalformed, bad)
	}
}
