package pairing

import (
	"crypto/rand"
	"fmt"
	"io"
	"strings"
	"time"
)

// CodeAlphabet is the 32 symbols of a pairing code: the capital letters and
// digits without the look-alikes I, O, 0 and 1.
const CodeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

const (
	// CodeLifetime is how long a shown code can be used.
	CodeLifetime = 60 * time.Second
	// MaxAttempts is how many key exchanges one code answers. Each is one
	// guess for someone who does not know the code; after the last, the
	// code is dead and a new one must be shown.
	MaxAttempts = 3
	// SecretSize is the size of a swarm secret in bytes.
	SecretSize = 32
)

// A Code is a pairing code in its canonical form "XXXX-XXXX": 8 symbols of
// [CodeAlphabet], 40 bits from crypto/rand. It is shown on the screen of the
// device that will check it and typed on the other; it never travels on the
// network.
type Code string

// NewCode draws a code from crypto/rand.
func NewCode() Code {
	c, err := newCodeFrom(rand.Reader)
	if err != nil {
		panic("pairing: crypto/rand failed: " + err.Error())
	}
	return c
}

// newCodeFrom draws a code from r: 40 bits, 5 to a symbol.
func newCodeFrom(r io.Reader) (Code, error) {
	var b [5]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", err
	}
	v := uint64(b[0])<<32 | uint64(b[1])<<24 | uint64(b[2])<<16 | uint64(b[3])<<8 | uint64(b[4])
	var sym [8]byte
	for i := 7; i >= 0; i-- {
		sym[i] = CodeAlphabet[v&31]
		v >>= 5
	}
	return Code(string(sym[:4]) + "-" + string(sym[4:])), nil
}

// ParseCode reads a code as a person typed it: case does not matter, and
// dashes and spaces anywhere are ignored. It returns the canonical form.
func ParseCode(s string) (Code, error) {
	var sym []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '-' || c == ' ':
			continue
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		}
		if strings.IndexByte(CodeAlphabet, c) < 0 {
			return "", fmt.Errorf("%w: symbol %q is not in the code alphabet", ErrBadCode, s[i])
		}
		sym = append(sym, c)
		if len(sym) > 8 {
			break
		}
	}
	if len(sym) != 8 {
		return "", fmt.Errorf("%w: %d symbols, want 8", ErrBadCode, len(sym))
	}
	return Code(string(sym[:4]) + "-" + string(sym[4:])), nil
}

// String returns the canonical form "XXXX-XXXX".
func (c Code) String() string { return string(c) }

// prs returns the CPace password-related string: the 8 symbols of the
// canonical form without the dash, as ASCII.
func (c Code) prs() []byte { return []byte(strings.ReplaceAll(string(c), "-", "")) }

// A Secret is a swarm secret: 32 bytes from crypto/rand.
type Secret [SecretSize]byte

// NewSecret draws a swarm secret from crypto/rand.
func NewSecret() Secret {
	var s Secret
	rand.Read(s[:])
	return s
}

// shownCode is a code on a screen: it expires, is used once, and answers at
// most MaxAttempts key exchanges.
type shownCode struct {
	code     Code
	shown    time.Time
	attempts int
	used     bool
}

// attempt records one key exchange against the code at time now, or says
// why the code cannot take one.
func (s *shownCode) attempt(now time.Time) error {
	if err := s.usable(now); err != nil {
		return err
	}
	s.attempts++
	return nil
}

// usable reports whether the code can still be used at time now.
func (s *shownCode) usable(now time.Time) error {
	switch {
	case s.used:
		return ErrCodeUsed
	case now.Sub(s.shown) >= CodeLifetime || now.Before(s.shown):
		return fmt.Errorf("%w: shown at %s, lifetime %s", ErrCodeExpired, s.shown.UTC().Format(time.RFC3339), CodeLifetime)
	case s.attempts >= MaxAttempts:
		return fmt.Errorf("%w: %d of %d used", ErrTooManyAttempts, s.attempts, MaxAttempts)
	}
	return nil
}
