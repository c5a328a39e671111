package strictjson

import (
	"encoding/json"
	"testing"

	"github.com/accordsdk/accord/internal/jcs"
)

// benchDoc is shaped like a heartbeat: a few strings, numbers and a nested
// object.
const benchDoc = `{"kind":"heartbeat","payload":{"nonce":"q4Zk3v1mXb0uX8w2Yc6n9A","count":42},` +
	`"tags":["alpha","beta","gamma"],"opt":1733520000,` +
	`"bytes":"3q2+7wABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f","map":{"a":1,"b":2}}`

// BenchmarkUnmarshal decodes benchDoc into a struct; the baselines are
// encoding/json with DisallowUnknownFields-free Unmarshal and jcs.Canonicalize
// (the validation alone).
func BenchmarkUnmarshal(b *testing.B) {
	data := []byte(benchDoc)
	b.Run("strictjson", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			var d doc
			if err := Unmarshal(data, &d); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline-encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			var d doc
			if err := json.Unmarshal(data, &d); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline-jcs-canonicalize", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := jcs.Canonicalize(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}
