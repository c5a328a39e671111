package cahp

import (
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/accordsdk/accord/envelope"
)

// seedPayloads adds the payloads of the stored vectors of type typ.
func seedPayloads(f *testing.F, typ string) {
	b, err := os.ReadFile("testdata/phases.json")
	if err != nil {
		f.Fatal(err)
	}
	var vs []phaseVector
	if err := json.Unmarshal(b, &vs); err != nil {
		f.Fatal(err)
	}
	for _, v := range vs {
		var w wireEnvelope
		if json.Unmarshal(v.Envelope, &w) == nil && w.Type == typ {
			f.Add([]byte(w.Payload))
		}
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"session_id":"AAAAAAAAAAAAAAAAAAAAAA"}`))
}

// fuzzParse checks that a decoder returns only ErrMalformed or
// ErrWrongChallenge, and that what it accepts re-encodes to the canonical
// form of the input (nothing dropped, nothing defaulted).
func fuzzParse[T any](f *testing.F, typ string, parse func([]byte) (*T, error)) {
	seedPayloads(f, typ)
	f.Fuzz(func(t *testing.T, payload []byte) {
		v, err := parse(payload)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrWrongChallenge) {
				t.Fatalf("undeclared error: %v", err)
			}
			return
		}
		want, err := envelope.CanonicalJSON(payload)
		if err != nil {
			t.Fatalf("accepted a payload that is not I-JSON: %v", err)
		}
		again, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := envelope.CanonicalJSON(again)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Fatalf("re-encoding differs:\n got %s\nwant %s", got, want)
		}
	})
}

func FuzzParseDiscovery(f *testing.F) { fuzzParse(f, TypeDiscovery, ParseDiscovery) }
func FuzzParseProof(f *testing.F)     { fuzzParse(f, TypeProof, ParseProof) }
func FuzzParseChallenge(f *testing.F) { fuzzParse(f, TypeChallenge, ParseChallenge) }
func FuzzParseResponse(f *testing.F)  { fuzzParse(f, TypeResponse, ParseResponse) }
func FuzzParseTicket(f *testing.F)    { fuzzParse(f, TypeTicket, ParseTicketPayload) }
func FuzzParseAbort(f *testing.F)     { fuzzParse(f, TypeAbort, ParseAbort) }

// FuzzHandle feeds arbitrary bodies to a responder's HTTP body decoder and
// state machine: only declared refusals come back, never a panic.
func FuzzHandle(f *testing.F) {
	b, err := os.ReadFile("testdata/transcript.json")
	if err != nil {
		f.Fatal(err)
	}
	var tv transcriptVector
	if err := json.Unmarshal(b, &tv); err != nil {
		f.Fatal(err)
	}
	for _, x := range tv.Exchanges {
		f.Add([]byte(x.RequestBody))
	}
	f.Add([]byte(`[]`))
	fx := newFixture(f, fixtureOpts{})
	f.Fuzz(func(t *testing.T, body []byte) {
		msgs, err := decodeBody(body)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("undeclared error: %v", err)
			}
			return
		}
		for _, phase := range []string{PhaseDiscovery, PhaseProof} {
			_, err := fx.resp.Handle(t.Context(), "dmVjdG9yIHNlc3Npb24gMQ", phase, msgs)
			var re *RefusalError
			if err != nil && !errors.As(err, &re) {
				t.Fatalf("refusal of another type: %v", err)
			}
		}
	})
}
