package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/accordsdk/accord/internal/jcs"
)

var classes = []error{ErrSyntax, ErrDuplicate, ErrUnknown, ErrMissing, ErrType, ErrNumber, ErrString, ErrDepth, ErrSize, ErrTrailing, ErrValue}

// FuzzUnmarshal checks that only declared errors come back, that what is
// accepted into an interface is exactly what internal/jcs accepts, and that
// accepted documents re-encode to their canonical form.
func FuzzUnmarshal(f *testing.F) {
	for _, s := range []string{benchDoc, `{"kind":"a","\u0070ayload":{}}`, `[1,2,{"a":null}]`, `{"a":1,"a":2}`, `"\ud800"`, `1e400`, `{"kind":"a"} x`, `{"a":{"b":[1,{"c":"d"}]},"e":null}`, `{"a":{"b":{"c":{"d":{}}}}}`, `{"a":1,"\u0061":2}`, `null`, `[]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v any
		err := Unmarshal(data, &v)
		canon, cerr := jcs.Canonicalize(data)
		if (err == nil) != (cerr == nil) {
			t.Fatalf("strictjson %v, jcs %v", err, cerr)
		}
		if err != nil {
			checkDeclared(t, err)
		} else {
			re, merr := json.Marshal(v)
			if merr != nil {
				t.Fatal(merr)
			}
			rc, rerr := jcs.Canonicalize(re)
			if rerr != nil || !bytes.Equal(rc, canon) {
				t.Fatalf("re-encoded %s, canonical %s (%v)", rc, canon, rerr)
			}
		}
		// A nil map[string]any is filled by a shortcut; a map type of
		// another name goes through the general map decoder. Both say the
		// same.
		var fast map[string]any
		var general anyMap
		ferr := Unmarshal(data, &fast, UseNumber(), MaxDepth(4))
		gerr := Unmarshal(data, &general, UseNumber(), MaxDepth(4))
		gmsg := strings.ReplaceAll(fmt.Sprint(gerr), "strictjson.anyMap", "map[string]interface {}")
		if fmt.Sprint(ferr) != gmsg || ferr == nil && !reflect.DeepEqual(fast, map[string]any(general)) {
			t.Fatalf("map[string]any: %v %v, general map decoder: %v %v", fast, ferr, general, gerr)
		}
		var d doc
		if err := Unmarshal(data, &d); err != nil {
			checkDeclared(t, err)
		}
		if err := Unmarshal(data, &d, AllowUnknown(), MaxDepth(3)); err != nil {
			checkDeclared(t, err)
		}
	})
}

// anyMap is map[string]any under another name, which the decoder treats
// as any other map type.
type anyMap map[string]any

func checkDeclared(t *testing.T, err error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("undeclared error %T %v", err, err)
	}
	for _, c := range classes {
		if e.Err == c {
			return
		}
	}
	t.Fatalf("undeclared class %v", err)
}
