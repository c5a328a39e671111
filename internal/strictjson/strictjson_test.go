package strictjson

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/accordsdk/accord/internal/jcs"
)

type inner struct {
	Nonce string `json:"nonce"`
	Count uint32 `json:"count,omitempty"`
}

type doc struct {
	Payload inner           `json:"payload"`
	Kind    string          `json:"kind" strictjson:"required"`
	Tags    []string        `json:"tags,omitempty"`
	Raw     json.RawMessage `json:"raw,omitempty"`
	Opt     *int64          `json:"opt,omitempty"`
	Bytes   []byte          `json:"bytes,omitempty"`
	Any     any             `json:"any,omitempty"`
	Map     map[string]int  `json:"map,omitempty"`
	Addr    netip.Addr      `json:"addr,omitzero"`
	Ignored string          `json:"-"`
	hidden  int             //lint:ignore U1000 an unexported field is not a member
}

func TestUnmarshalAccepts(t *testing.T) {
	seven := int64(7)
	for _, tc := range []struct {
		name string
		in   string
		want doc
	}{
		{"minimal", `{"kind":"a"}`, doc{Kind: "a"}},
		{"escaped name matches exactly once", `{"kind":"a","\u0070ayload":{"nonce":"n"}}`, doc{Kind: "a", Payload: inner{Nonce: "n"}}},
		{"whitespace", " \t\n{ \"kind\" : \"a\" , \"tags\" : [ \"x\" , \"y\" ] }\r\n", doc{Kind: "a", Tags: []string{"x", "y"}}},
		{"raw kept verbatim", `{"kind":"a","raw":{ "b":1, "a":[true,null]}}`, doc{Kind: "a", Raw: json.RawMessage(`{ "b":1, "a":[true,null]}`)}},
		{"pointer", `{"kind":"a","opt":7}`, doc{Kind: "a", Opt: &seven}},
		{"null pointer", `{"kind":"a","opt":null}`, doc{Kind: "a"}},
		{"bytes", `{"kind":"a","bytes":"AQID"}`, doc{Kind: "a", Bytes: []byte{1, 2, 3}}},
		{"any", `{"kind":"a","any":{"x":[1,"s",false,null]}}`, doc{Kind: "a", Any: map[string]any{"x": []any{1.0, "s", false, nil}}}},
		{"map", `{"kind":"a","map":{"x":1,"y":-2}}`, doc{Kind: "a", Map: map[string]int{"x": 1, "y": -2}}},
		{"text unmarshaler", `{"kind":"a","addr":"127.0.0.1"}`, doc{Kind: "a", Addr: netip.MustParseAddr("127.0.0.1")}},
		{"empty slice", `{"kind":"a","tags":[]}`, doc{Kind: "a", Tags: []string{}}},
		{"unicode string", `{"kind":"\u00e9\ud83d\ude00"}`, doc{Kind: "é😀"}},
		{"max safe integer", `{"kind":"a","opt":9007199254740991}`, doc{Kind: "a", Opt: ptr(int64(1<<53 - 1))}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got doc
			if err := Unmarshal([]byte(tc.in), &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestUnmarshalRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		opts     []Option
		want     error
		path     string
	}{
		{"duplicate", `{"kind":"a","kind":"b"}`, nil, ErrDuplicate, "$.kind"},
		{"duplicate after unescape", `{"kind":"a","payload":{"nonce":"1","\u006eonce":"2"}}`, nil, ErrDuplicate, "$.payload.nonce"},
		{"duplicate escaped first", `{"\u0070ayload":{},"payload":{},"kind":"a"}`, nil, ErrDuplicate, "$.payload"},
		{"duplicate in raw", `{"kind":"a","raw":{"x":1,"y":{"z":1,"z":2}}}`, nil, ErrDuplicate, `$.raw.y.z`},
		{"duplicate in any", `{"kind":"a","any":[{"q":1,"q":1}]}`, nil, ErrDuplicate, `$.any[0].q`},
		{"duplicate in map", `{"kind":"a","map":{"x":1,"\u0078":2}}`, nil, ErrDuplicate, `$.map.x`},
		{"duplicate unknown allowed", `{"kind":"a","zz":1,"zz":2}`, []Option{AllowUnknown()}, ErrDuplicate, `$.zz`},
		{"case folded name", `{"Kind":"a"}`, nil, ErrUnknown, "$.Kind"},
		{"unknown", `{"kind":"a","extra":1}`, nil, ErrUnknown, "$.extra"},
		{"unknown odd name", `{"kind":"a","a b":1}`, nil, ErrUnknown, `$["a b"]`},
		{"ignored field", `{"kind":"a","Ignored":"x"}`, nil, ErrUnknown, "$.Ignored"},
		{"unexported field", `{"kind":"a","hidden":1}`, nil, ErrUnknown, "$.hidden"},
		{"missing required", `{"payload":{"nonce":""}}`, nil, ErrMissing, "$.kind"},
		{"null string", `{"kind":null}`, nil, ErrType, "$.kind"},
		{"number for string", `{"kind":1}`, nil, ErrType, "$.kind"},
		{"trailing", `{"kind":"a"} {}`, nil, ErrTrailing, "$"},
		{"trailing garbage", `{"kind":"a"}x`, nil, ErrTrailing, "$"},
		{"unterminated", `{"kind":"a"`, nil, ErrSyntax, "$"},
		{"empty", ``, nil, ErrSyntax, "$"},
		{"bad number", `{"kind":"a","opt":01}`, nil, ErrSyntax, "$"},
		{"fraction for int", `{"kind":"a","opt":1.0}`, nil, ErrNumber, "$.opt"},
		{"exponent for int", `{"kind":"a","opt":1e2}`, nil, ErrNumber, "$.opt"},
		{"uint overflow", `{"kind":"a","payload":{"count":4294967296}}`, nil, ErrNumber, "$.payload.count"},
		{"negative uint", `{"kind":"a","payload":{"count":-1}}`, nil, ErrNumber, "$.payload.count"},
		{"unsafe integer", `{"kind":"a","opt":9007199254740993}`, nil, ErrNumber, "$.opt"},
		{"huge float", `{"kind":"a","any":1e400}`, nil, ErrNumber, "$.any"},
		{"lone surrogate", `{"kind":"\ud800"}`, nil, ErrString, "$.kind"},
		{"invalid utf-8", "{\"kind\":\"\xff\"}", nil, ErrString, "$.kind"},
		{"bad base64", `{"kind":"a","bytes":"AQI"}`, nil, ErrValue, "$.bytes"},
		{"base64url", `{"kind":"a","bytes":"-_8="}`, nil, ErrValue, "$.bytes"},
		{"base64 with an escaped CR", `{"kind":"a","bytes":"AAEC\rAw=="}`, nil, ErrValue, "$.bytes"},
		{"base64 with an escaped LF", `{"kind":"a","bytes":"AAECAw==\n"}`, nil, ErrValue, "$.bytes"},
		{"text unmarshaler fails", `{"kind":"a","addr":"nope"}`, nil, ErrValue, "$.addr"},
		{"deep", `{"kind":"a","any":[[[[1]]]]}`, []Option{MaxDepth(4)}, ErrDepth, "$.any[0][0][0]"},
		{"deep raw", `{"kind":"a","raw":{"a":{"b":{}}}}`, []Option{MaxDepth(3)}, ErrDepth, "$.raw.a.b"},
		{"size", `{"kind":"a"}`, []Option{MaxSize(5)}, ErrSize, "$"},
		{"bad option", `{}`, []Option{MaxDepth(0)}, ErrOption, "$"},
		{"array element", `{"kind":"a","tags":["x",2]}`, nil, ErrType, "$.tags[1]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got doc
			err := Unmarshal([]byte(tc.in), &got, tc.opts...)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			var e *Error
			if !errors.As(err, &e) || e.Path != tc.path {
				t.Fatalf("path of %v: want %s", err, tc.path)
			}
			if !strings.HasPrefix(err.Error(), "strictjson: "+tc.path+": ") || strings.Count(err.Error(), "strictjson:") != 1 {
				t.Fatalf("message %q", err)
			}
		})
	}
}

func TestErrorMessage(t *testing.T) {
	var v struct {
		Payload struct {
			Nonce string `json:"nonce"`
		} `json:"payload"`
	}
	err := Unmarshal([]byte(`{"payload":{"nonce":"a","nonce":"b"}}`), &v)
	if got, want := err.Error(), "strictjson: $.payload.nonce: duplicate member (at byte 24)"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	err = Unmarshal([]byte(`{"n":9007199254740993}`), new(map[string]int64))
	if !errors.Is(err, jcs.ErrNumber) {
		t.Fatalf("jcs cause not wrapped: %v", err)
	}
}

func TestTargets(t *testing.T) {
	var s string
	if err := Unmarshal([]byte(`"x"`), s); !errors.Is(err, ErrTarget) {
		t.Fatal(err)
	}
	if err := Unmarshal([]byte(`"x"`), (*string)(nil)); !errors.Is(err, ErrTarget) {
		t.Fatal(err)
	}
	var c chan int
	if err := Unmarshal([]byte(`1`), &c); !errors.Is(err, ErrTarget) {
		t.Fatal(err)
	}
	var a [2]int
	if err := Unmarshal([]byte(`[1,2]`), &a); err != nil || a != [2]int{1, 2} {
		t.Fatal(err, a)
	}
	for _, in := range []string{`[1]`, `[1,2,3]`} {
		if err := Unmarshal([]byte(in), &a); !errors.Is(err, ErrType) {
			t.Fatal(in, err)
		}
	}
}

func TestIntegers(t *testing.T) {
	var i8 int8
	for in, ok := range map[string]bool{"127": true, "-128": true, "128": false, "-129": false, "-0": true} {
		err := Unmarshal([]byte(in), &i8)
		if (err == nil) != ok {
			t.Errorf("int8 %s: %v", in, err)
		}
	}
	var u64 uint64
	if err := Unmarshal([]byte("9007199254740991"), &u64); err != nil || u64 != 1<<53-1 {
		t.Fatal(err, u64)
	}
	var i64 int64
	if err := Unmarshal([]byte("-9007199254740991"), &i64); err != nil || i64 != -(1<<53-1) {
		t.Fatal(err, i64)
	}
	var f float64
	if err := Unmarshal([]byte("1.5e3"), &f); err != nil || f != 1500 {
		t.Fatal(err, f)
	}
	var f32 float32
	if err := Unmarshal([]byte("1e39"), &f32); !errors.Is(err, ErrNumber) {
		t.Fatal(err, f32)
	}
	if err := Unmarshal([]byte("1e-400"), &f); err != nil || f != 0 || math.Signbit(f) {
		t.Fatal(err, f)
	}
}

type embedded struct {
	A string `json:"a"`
	B string `json:"b"`
}

type Outer struct {
	embedded
	*Ptr
	B string `json:"b"` // shadows embedded.B
}

type Ptr struct {
	C int `json:"c"`
}

func TestEmbedded(t *testing.T) {
	var o Outer
	if err := Unmarshal([]byte(`{"a":"1","b":"2","c":3}`), &o); err != nil {
		t.Fatal(err)
	}
	if o.A != "1" || o.B != "2" || o.embedded.B != "" || o.Ptr == nil || o.C != 3 {
		t.Fatalf("%+v", o)
	}
}

type recursive struct {
	Name string       `json:"name"`
	Kids []*recursive `json:"kids"`
}

func TestRecursiveType(t *testing.T) {
	var r recursive
	if err := Unmarshal([]byte(`{"name":"a","kids":[{"name":"b","kids":[]}]}`), &r); err != nil {
		t.Fatal(err)
	}
	if r.Kids[0].Name != "b" {
		t.Fatalf("%+v", r)
	}
}

type upper string

func (u *upper) UnmarshalJSON(b []byte) error {
	var s string
	if err := Unmarshal(b, &s); err != nil {
		return err
	}
	*u = upper(strings.ToUpper(s))
	return nil
}

func TestUnmarshaler(t *testing.T) {
	var v struct {
		U upper `json:"u"`
	}
	if err := Unmarshal([]byte(`{"u":"abc"}`), &v); err != nil || v.U != "ABC" {
		t.Fatal(err, v)
	}
	err := Unmarshal([]byte(`{"u":1}`), &v)
	if !errors.Is(err, ErrValue) || !errors.Is(err, ErrType) {
		t.Fatal(err)
	}
}

func TestUseNumber(t *testing.T) {
	var v any
	if err := Unmarshal([]byte(`{"n":12345678901234567890e-10}`), &v, UseNumber()); err != nil {
		t.Fatal(err)
	}
	if v.(map[string]any)["n"] != json.Number("12345678901234567890e-10") {
		t.Fatalf("%#v", v)
	}
}

func TestMapMerge(t *testing.T) {
	m := map[string]int{"x": 1}
	if err := Unmarshal([]byte(`{"x":2,"y":3}`), &m); err != nil || m["x"] != 2 || m["y"] != 3 {
		t.Fatal(err, m)
	}
	if err := Unmarshal([]byte(`{"x":2,"x":3}`), &m); !errors.Is(err, ErrDuplicate) {
		t.Fatal(err)
	}
	var km map[int]string
	if err := Unmarshal([]byte(`{"1":"a","01":"b"}`), &km); !errors.Is(err, ErrDuplicate) {
		t.Fatal(err, km)
	}
}

// TestAgreesWithEncodingJSON checks that on documents both accept, the
// values decoded are the same.
func TestAgreesWithEncodingJSON(t *testing.T) {
	for _, in := range []string{
		benchDoc,
		`{"kind":"a","tags":["\u00e9","\"\\\/\b\f\n\r\t"],"any":[1,2.5,-3e-7,{"k":"v"}],"map":{"z":1}}`,
	} {
		var a, b doc
		if err := Unmarshal([]byte(in), &a, AllowUnknown()); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(in), &b); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("strictjson %+v\nencoding/json %+v", a, b)
		}
	}
}

// TestDuplicateAmongMany: a repeated name is found however many members
// come before it (the name set keeps 16 in an array, more beyond, and a
// hash set past 32), when the object is skipped as raw JSON and when its
// members are unknown ones allowed, with names escaped or not.
func TestDuplicateAmongMany(t *testing.T) {
	object := func(n, dup int, escape bool) []byte {
		var b strings.Builder
		b.WriteByte('{')
		for i := range n {
			name := fmt.Sprintf("m%d", i)
			if escape && i%2 == 0 {
				name = `\u006d` + name[1:] // "m" escaped: a name copied out of the input
			}
			fmt.Fprintf(&b, `"%s":%d,`, name, i)
		}
		if dup >= 0 {
			fmt.Fprintf(&b, `"m%d":0,`, dup)
		}
		b.WriteString(`"last":0}`)
		return []byte(b.String())
	}
	for _, n := range []int{1, 15, 16, 17, 31, 32, 33, 40, 100} {
		for _, escape := range []bool{false, true} {
			for _, dup := range []int{-1, 0, n / 2, n - 1} {
				raw := []byte(`{"raw":` + string(object(n, dup, escape)) + `,"kind":"k"}`)
				var d doc
				err := Unmarshal(raw, &d)
				var u struct{}
				uerr := Unmarshal(object(n, dup, escape), &u, AllowUnknown())
				if dup < 0 {
					if err != nil || uerr != nil {
						t.Errorf("n=%d escape=%v: %v, %v", n, escape, err, uerr)
					}
					continue
				}
				if !errors.Is(err, ErrDuplicate) || !errors.Is(uerr, ErrDuplicate) {
					t.Errorf("n=%d escape=%v dup=%d: %v, %v, want duplicate", n, escape, dup, err, uerr)
				}
			}
		}
	}
}
