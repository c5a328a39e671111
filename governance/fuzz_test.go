package governance

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/accordsdk/accord/envelope"
)

// fuzzPayload is the body of every receipt decoder's fuzz target: only
// declared errors come back, and an accepted payload is in its one
// canonical form, which writing it back reproduces.
func fuzzPayload(f *testing.F, typ string) {
	for _, p := range vectorPayloads(f, typ) {
		f.Add(p)
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"type":"` + typ + `"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePayload(typ, data)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrAxiomImmutable) {
				t.Fatalf("undeclared error: %v", err)
			}
			return
		}
		if p.ReceiptType() != typ {
			t.Fatalf("decoded a %s as %s", p.ReceiptType(), typ)
		}
		canon, err := envelope.CanonicalJSON(data)
		if err != nil {
			t.Fatalf("accepted non-I-JSON: %v", err)
		}
		back, err := marshalPayload(p)
		if err != nil {
			t.Fatalf("accepted payload does not marshal: %v", err)
		}
		if !bytes.Equal(back, canon) {
			t.Fatalf("accepted payload is not in its one form:\n in  %s\n out %s", canon, back)
		}
		if typ == TypeVote {
			checkFastVote(t, back)
		}
	})
}

// checkFastVote: the reflection-free vote decoder, where it accepts,
// agrees with ParsePayload.
func checkFastVote(t *testing.T, canon []byte) {
	fast, ok := parseVoteCanonical(canon)
	slow, err := ParsePayload(TypeVote, canon)
	if ok {
		if err != nil {
			t.Fatalf("fast decoder accepted what ParsePayload refuses (%v): %s", err, canon)
		}
		if *fast != *slow.(*Vote) {
			t.Fatalf("fast and slow decoders differ: %+v, %+v", fast, slow)
		}
	}
}

// vectorPayloads returns the canonical payloads of the vectors of type typ.
func vectorPayloads(tb testing.TB, typ string) [][]byte {
	data, err := os.ReadFile(filepath.Join("testdata", receiptVectors))
	if err != nil {
		tb.Fatal(err)
	}
	var vectors []receiptVector
	if err := json.Unmarshal(data, &vectors); err != nil {
		tb.Fatal(err)
	}
	var out [][]byte
	for _, v := range vectors {
		if v.Type != typ {
			continue
		}
		var m struct {
			Payload json.RawMessage `json:"payload"`
		}
		if err := json.Unmarshal([]byte(v.Envelope), &m); err != nil {
			tb.Fatal(err)
		}
		out = append(out, m.Payload)
	}
	return out
}

func FuzzProposal(f *testing.F)       { fuzzPayload(f, TypeProposal) }
func FuzzVote(f *testing.F)           { fuzzPayload(f, TypeVote) }
func FuzzRatification(f *testing.F)   { fuzzPayload(f, TypeRatification) }
func FuzzAmendment(f *testing.F)      { fuzzPayload(f, TypeAmendment) }
func FuzzExecutiveOrder(f *testing.F) { fuzzPayload(f, TypeExecutiveOrder) }
func FuzzViolation(f *testing.F)      { fuzzPayload(f, TypeViolation) }
func FuzzEnforcement(f *testing.F)    { fuzzPayload(f, TypeEnforcement) }
func FuzzReview(f *testing.F)         { fuzzPayload(f, TypeReview) }
func FuzzCancellation(f *testing.F)   { fuzzPayload(f, TypeCancellation) }

// FuzzVoteCanonical feeds the reflection-free vote decoder directly: it
// must never accept what ParsePayload refuses.
func FuzzVoteCanonical(f *testing.F) {
	for _, p := range vectorPayloads(f, TypeVote) {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkFastVote(t, data) })
}

// FuzzConstitution: the constitution decoder takes untrusted files.
func FuzzConstitution(f *testing.F) {
	f.Add(Genesis().Canonical())
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConstitution(data)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("undeclared error: %v", err)
			}
			return
		}
		canon, _ := envelope.CanonicalJSON(data)
		if !bytes.Equal(c.Canonical(), canon) {
			t.Fatalf("accepted constitution not in its one form")
		}
	})
}
