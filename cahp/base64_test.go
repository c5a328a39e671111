package cahp

import (
	"bytes"
	"errors"
	"testing"
)

// TestBinaryFieldsHaveOneSpelling: the base64 decoder skips CR and LF, so
// without a check "AAAA\rAAAA" would be read as "AAAAAAAA". Binary fields
// refuse both.
func TestBinaryFieldsHaveOneSpelling(t *testing.T) {
	enc := b64.EncodeToString(bytes.Repeat([]byte{0xa5}, 32))
	if _, err := decodeBin(enc, 32, "x"); err != nil {
		t.Fatalf("canonical: %v", err)
	}
	for _, s := range []string{enc[:8] + "\r" + enc[8:], enc[:8] + "\n" + enc[8:], enc + "\r\n"} {
		if _, err := decodeBin(s, 32, "x"); !errors.Is(err, ErrMalformed) {
			t.Errorf("decodeBin(%q): %v, want ErrMalformed", s, err)
		}
		if _, err := decodeVar(s, 64, "x"); !errors.Is(err, ErrMalformed) {
			t.Errorf("decodeVar(%q): %v, want ErrMalformed", s, err)
		}
	}
}
