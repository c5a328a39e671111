package pairing

import (
	"testing"
)

// TestBase64HasOneSpelling: the base64 decoder skips CR and LF, so without
// a check "AAAA\rAAAA" would be read as "AAAAAAAA". Byte fields and
// encrypted payloads refuse both.
func TestBase64HasOneSpelling(t *testing.T) {
	enc, _ := b64("0123456789abcdef").MarshalText()
	var b b64
	if err := b.UnmarshalText(enc); err != nil || string(b) != "0123456789abcdef" {
		t.Fatalf("canonical: %q, %v", b, err)
	}
	if _, ok := ctPayload([]byte(`{"ct":"` + string(enc) + `"}`)); !ok {
		t.Fatal("canonical payload refused")
	}
	for _, s := range []string{string(enc[:8]) + "\r" + string(enc[8:]), string(enc[:8]) + "\n" + string(enc[8:]), string(enc) + "\r\n"} {
		if err := b.UnmarshalText([]byte(s)); err == nil {
			t.Errorf("UnmarshalText(%q) accepted", s)
		}
		if _, ok := ctPayload([]byte(`{"ct":"` + s + `"}`)); ok {
			t.Errorf("ctPayload with %q accepted", s)
		}
	}
}
