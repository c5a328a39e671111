package chp_test

import (
	"bytes"
	"testing"

	"github.com/accordsdk/accord/chp"
)

// TestHardeningTrustAnchorsSchemaCopy checks that a caller who changes the
// bytes SchemaJSON returned changes nothing that validation reads.
func TestHardeningTrustAnchorsSchemaCopy(t *testing.T) {
	a := chp.SchemaJSON()
	orig := bytes.Clone(a)
	for i := range a {
		a[i] = ' '
	}
	if b := chp.SchemaJSON(); !bytes.Equal(b, orig) {
		t.Fatal("changing the returned schema changed the next SchemaJSON")
	}
	if !bytes.Contains(orig, []byte(chp.SchemaID)) {
		t.Fatalf("schema does not carry its $id %s", chp.SchemaID)
	}
}
