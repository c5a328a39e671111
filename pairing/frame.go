package pairing

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"

	"github.com/accordsdk/accord/internal/jcs"
)

// The frame is the plaintext of a swarm message's payload, in exactly one
// form: the RFC 8785 canonical JSON of
//
//	{"body":<typed payload>,"from":"<computer id>","seq":<n>,"to":"<computer id>"}
//
// with "to" absent for a message to everyone. Computer ids are 1 to 64 of
// [A-Za-z0-9._-], so they need no escaping; seq is an integer from 1 to
// 2^53-1 without leading zeros.

// appendFrame appends the frame of body (any JSON value, canonicalized
// here) from from with sequence number seq to to.
func appendFrame(dst []byte, body []byte, from string, seq int64, to string) ([]byte, error) {
	dst = append(dst, `{"body":`...)
	dst, n, err := jcs.AppendValue(dst, body, 0)
	if err != nil {
		return nil, fmt.Errorf("body: %w", err)
	}
	if n = skipSpace(body, n); n != len(body) {
		return nil, fmt.Errorf("body: trailing data at offset %d", n)
	}
	dst = append(dst, `,"from":"`...)
	dst = append(dst, from...)
	dst = append(dst, `","seq":`...)
	dst = strconv.AppendInt(dst, seq, 10)
	if to != "" {
		dst = append(dst, `,"to":"`...)
		dst = append(dst, to...)
		dst = append(dst, '"')
	}
	return append(dst, '}'), nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

var errFrame = errors.New("not a canonical frame")

// parseFrame reads a frame, refusing anything but the one canonical form.
// scratch (which may be nil) holds the canonical form of the body while it
// is compared; parseFrame returns it, grown, for reuse. The frame's Body
// slices b.
func parseFrame(b, scratch []byte) (frame, []byte, error) {
	var f frame
	rest, ok := bytes.CutPrefix(b, []byte(`{"body":`))
	if !ok {
		return f, scratch, errFrame
	}
	off := len(b) - len(rest)
	canon, n, err := jcs.AppendValue(scratch[:0], b, off)
	if err != nil {
		return f, canon, fmt.Errorf("body: %w", err)
	}
	f, err = frameAfterBody(b, off, n, canon)
	return f, canon, err
}

// frameAfterBody reads the rest of a frame whose body lies at b[off:n] and
// has the canonical form canon.
func frameAfterBody(b []byte, off, n int, canon []byte) (frame, error) {
	var (
		f    frame
		ok   bool
		rest []byte
	)
	if !bytes.Equal(canon, b[off:n]) {
		return f, fmt.Errorf("body not in canonical form: %w", errFrame)
	}
	f.Body = b[off:n:n]
	if rest, ok = bytes.CutPrefix(b[n:], []byte(`,"from":"`)); !ok {
		return f, errFrame
	}
	if f.From, rest, ok = cutID(rest); !ok {
		return f, fmt.Errorf("from: %w", errFrame)
	}
	if rest, ok = bytes.CutPrefix(rest, []byte(`,"seq":`)); !ok {
		return f, errFrame
	}
	i := 0
	for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
		i++
	}
	if i == 0 || i > 16 || (rest[0] == '0') {
		return f, fmt.Errorf("seq: %w", errFrame)
	}
	f.Seq, _ = strconv.ParseInt(string(rest[:i]), 10, 64)
	if f.Seq > 1<<53-1 {
		return f, fmt.Errorf("seq %d: %w", f.Seq, errFrame)
	}
	rest = rest[i:]
	if r, ok := bytes.CutPrefix(rest, []byte(`,"to":"`)); ok {
		if f.To, rest, ok = cutID(r); !ok {
			return f, fmt.Errorf("to: %w", errFrame)
		}
	}
	if string(rest) != "}" {
		return f, errFrame
	}
	return f, nil
}

// cutID reads a computer id and its closing quote from the start of b.
func cutID(b []byte) (string, []byte, bool) {
	i := bytes.IndexByte(b, '"')
	if i < 0 || !validID(string(b[:i])) {
		return "", nil, false
	}
	return string(b[:i]), b[i+1:], true
}
