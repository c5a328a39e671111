package chp

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/accordsdk/accord/internal/jcs"
	"github.com/accordsdk/accord/internal/strictjson"
)

// maxDepth bounds nesting in received JSON so that a hostile body cannot
// exhaust the stack of the schema validator.
const maxDepth = 32

// Every JSON document chp receives or reads back (heartbeats, envelopes'
// payloads, ACKs, admission certificates, bundle metadata, answers, state
// files) is read by internal/strictjson, the one strict JSON reader of the
// module: member names unescaped and matched exactly, duplicates refused
// anywhere, I-JSON numbers and strings, nothing after the value, bounded
// depth. So a heartbeat is read the same way by a Local Registry, by the
// Global Registry importing it, and by anyone rebuilding an index from the
// log.

// parseStrict reads one JSON value into the generic form the schema
// validator takes: objects as map[string]any, arrays as []any, numbers as
// json.Number, strings, booleans and nil. Duplicate member names are
// [ErrDuplicateKey]; anything else refused is [ErrMalformed].
func parseStrict(b []byte) (any, error) {
	var v any
	if err := strictjson.Unmarshal(b, &v, strictjson.UseNumber(), strictjson.MaxDepth(maxDepth)); err != nil {
		return nil, jsonError(err)
	}
	return v, nil
}

// appendCanonical appends the RFC 8785 canonical form of v, a value from
// [parseStrict], so that a document parsed once need not be read again to
// be canonicalized: members sorted by their names' UTF-16 code units,
// strings with the minimal escapes, numbers in the ECMAScript form.
func appendCanonical(dst []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case bool:
		if v {
			return append(dst, "true"...), nil
		}
		return append(dst, "false"...), nil
	case string:
		return jcs.AppendString(dst, v), nil
	case json.Number:
		f, err := strconv.ParseFloat(string(v), 64)
		if err != nil {
			return nil, fmt.Errorf("%w: number %s", ErrMalformed, v)
		}
		return jcs.AppendNumber(dst, f), nil
	case []any:
		dst = append(dst, '[')
		for i, e := range v {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = appendCanonical(dst, e); err != nil {
				return nil, err
			}
		}
		return append(dst, ']'), nil
	case map[string]any:
		var stack [16]string
		names := stack[:0]
		for k := range v {
			names = append(names, k)
		}
		slices.SortFunc(names, jcs.CompareNames)
		dst = append(dst, '{')
		for i, k := range names {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = jcs.AppendString(dst, k)
			dst = append(dst, ':')
			var err error
			if dst, err = appendCanonical(dst, v[k]); err != nil {
				return nil, err
			}
		}
		return append(dst, '}'), nil
	}
	return nil, fmt.Errorf("%w: %T in a parsed document", ErrMalformed, v)
}

// decodeStrict reads a JSON object into the struct v, refusing members v
// does not name unless allowUnknown.
func decodeStrict(b []byte, v any, allowUnknown bool) error {
	opts := []strictjson.Option{strictjson.MaxDepth(maxDepth)}
	if allowUnknown {
		opts = append(opts, strictjson.AllowUnknown())
	}
	if err := strictjson.Unmarshal(b, v, opts...); err != nil {
		return jsonError(err)
	}
	return nil
}

// jsonError maps a strictjson error to the package's sentinels.
func jsonError(err error) error {
	if errors.Is(err, strictjson.ErrDuplicate) {
		return fmt.Errorf("%w: %w", ErrDuplicateKey, err)
	}
	return fmt.Errorf("%w: %w", ErrMalformed, err)
}

// postedHeartbeat returns the chp-v1 heartbeat of a heartbeat as posted:
// the body itself when plain, the envelope's payload when sealed (a body
// with a payload member, its name compared after unescaping, exactly as
// the Local Registry tells them apart). It does not verify the envelope.
func postedHeartbeat(posted []byte) (hb []byte, sealed bool, err error) {
	var env struct {
		Payload json.RawMessage `json:"payload"`
	}
	if err := decodeStrict(posted, &env, true); err != nil {
		return nil, false, err
	}
	if env.Payload != nil {
		return env.Payload, true, nil
	}
	return posted, false, nil
}
