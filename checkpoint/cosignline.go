package checkpoint

import (
	"encoding/base64"
	"fmt"
	"time"
)

// CosignatureLine returns this cosigner's signature line
// ("— <name> <base64>\n") on a checkpoint's note text (the note without
// its signatures), for time at. Unlike [Cosigner.Cosign] it does not check
// the log's signature: it is for a witness that has just verified the
// checkpoint (with [Verify]) and its consistency, and must not be given
// text it has not verified.
func (c *Cosigner) CosignatureLine(text []byte, at time.Time) ([]byte, error) {
	if at.Unix() < 0 {
		return nil, fmt.Errorf("%w: %v is before 1970", ErrBadTime, at)
	}
	if _, err := Parse(text); err != nil {
		return nil, err
	}
	s := &timedSigner{c: c, t: uint64(at.Unix())}
	sig, _ := s.Sign(text)
	id := []byte{byte(c.id >> 24), byte(c.id >> 16), byte(c.id >> 8), byte(c.id)}
	return fmt.Appendf(nil, "— %s %s\n", c.name, base64.StdEncoding.EncodeToString(append(id, sig...))), nil
}
