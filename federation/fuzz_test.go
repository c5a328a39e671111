package federation

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

// seedVectors adds the stored records of kind to the corpus.
func seedVectors(f *testing.F, kind string) {
	b, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		f.Fatal(err)
	}
	var vs []vector
	if err := json.Unmarshal(b, &vs); err != nil {
		f.Fatal(err)
	}
	for _, v := range vs {
		if v.Kind == kind {
			f.Add([]byte(v.Record))
		}
	}
	f.Add([]byte(`{}`))
}

// declared reports whether err is one of the errors a decoder may return.
func declared(err error) bool {
	return errors.Is(err, ErrMalformed) || errors.Is(err, ErrHashMismatch) || errors.Is(err, ErrNotParty)
}

// fuzzRecord checks that a decoder returns only declared errors and that
// whatever it accepts re-encodes canonically to a record it accepts again
// with the same meaning.
func fuzzRecord[T any](f *testing.F, kind string, parse func([]byte) (*T, error)) {
	seedVectors(f, kind)
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := parse(data)
		if err != nil {
			if !declared(err) {
				t.Fatalf("undeclared error: %v", err)
			}
			return
		}
		again, err := parse(canonical(v))
		if err != nil {
			t.Fatalf("accepted record does not re-encode to an accepted one: %v", err)
		}
		if !bytes.Equal(canonical(v), canonical(again)) {
			t.Fatalf("re-encoding changed the record:\n%s\n%s", canonical(v), canonical(again))
		}
	})
}

func FuzzParseDiscovery(f *testing.F)   { fuzzRecord(f, "discovery", ParseDiscovery) }
func FuzzParseProposal(f *testing.F)    { fuzzRecord(f, "proposal", ParseProposal) }
func FuzzParseAgreement(f *testing.F)   { fuzzRecord(f, "agreement", ParseAgreement) }
func FuzzParseReceipt(f *testing.F)     { fuzzRecord(f, "receipt", ParseReceipt) }
func FuzzParseCrossAnchor(f *testing.F) { fuzzRecord(f, "cross_anchor", ParseCrossAnchor) }

func FuzzParseAddCheckpoint(f *testing.F) {
	f.Add([]byte("old 0\n\nexample.com/log\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n— example.com/log AAAA\n"))
	f.Add(MarshalAddCheckpoint(20, tlog.TreeProof{{1}, {2}}, []byte("x\n")))
	f.Fuzz(func(t *testing.T, body []byte) {
		old, proof, signed, err := ParseAddCheckpoint(body)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("undeclared error: %v", err)
			}
			return
		}
		if got := MarshalAddCheckpoint(old, proof, signed); !bytes.Equal(got, body) {
			t.Fatalf("body %q re-encodes as %q", body, got)
		}
	})
}
