package chp

import (
	"bytes"
	"crypto/sha256"
	"net/url"
	"strings"
	"time"

	"github.com/accordsdk/accord/internal/strictjson"
)

// readHeartbeat reads a plain chp-v1 heartbeat: its schema check, its
// fields and the SHA-256 of its RFC 8785 canonical form. Errors are those
// of [DecodeHeartbeat].
//
// The body is decoded once, into one typed value ([heartbeatWire]); the
// schema's constraints are checked on that value and the canonical bytes are
// written from it, so a valid heartbeat is read once and canonicalized once.
// A document that this reading does not take (anything the schema refuses,
// and a few valid but unusual spellings: an escaped "packet" or
// "homebase_token" value, an IPv6 home_uri, a timestamp in lower case) is
// read again by the general path (a generic parse, the JSON Schema
// validator of chp-v1.json, the canonicalizer), which decides and explains.
// The two agree on every document (FuzzReadHeartbeat): the typed reading
// accepts only what the general path accepts, with the same heartbeat and
// digest.
func readHeartbeat(b []byte) (*Heartbeat, [32]byte, error) {
	if h, d, _, ok := decodeHeartbeatWire(b, maxDepth); ok {
		return h, d, nil
	}
	return readHeartbeatGeneral(b)
}

// readHeartbeatGeneral is the general path of [readHeartbeat].
func readHeartbeatGeneral(b []byte) (*Heartbeat, [32]byte, error) {
	doc, err := parseStrict(b)
	if err != nil {
		return nil, [32]byte{}, err
	}
	h, err := heartbeatFromDoc(doc)
	if err != nil {
		return nil, [32]byte{}, err
	}
	canon, err := appendCanonical(make([]byte, 0, len(b)), doc)
	if err != nil {
		return nil, [32]byte{}, err
	}
	return h, sha256.Sum256(canon), nil
}

// heartbeatWire is the typed form a plain heartbeat is decoded into. Every
// member the heartbeatPacket definition names has a field, so any other
// member is refused by the decoder, as additionalProperties: false says.
// The optional members keep what is needed to tell "absent" from any
// written value: packet and homebase_token are [wireString]s, and Meta is
// set before decoding to point at meta, a nil map, so that after decoding
// a nil Meta means null, a nil map means absent, and a map means an object.
type heartbeatWire struct {
	Packet          wireString      `json:"packet"`
	InstanceID      string          `json:"instance_id" strictjson:"required"`
	HomeURI         string          `json:"home_uri" strictjson:"required"`
	Version         string          `json:"version" strictjson:"required"`
	LicenseHash     string          `json:"license_hash" strictjson:"required"`
	EthicsSignature string          `json:"ethics_signature" strictjson:"required"`
	HomebaseToken   wireString      `json:"homebase_token"`
	Status          string          `json:"status" strictjson:"required"`
	Timestamp       string          `json:"timestamp" strictjson:"required"`
	Meta            *map[string]any `json:"meta"`
	meta            map[string]any  // where Meta points, in the same allocation
	hb              Heartbeat       // the heartbeat read, in the same allocation
}

// wireString is an optional string member as it was written: whether it
// is present, and its value if it is a string written without escapes,
// the one spelling the typed reading takes (any other value, null
// included, is left to the general path).
type wireString struct {
	present bool
	plain   bool
	s       string
}

// UnmarshalJSON records a value that the strict decoder has checked.
func (w *wireString) UnmarshalJSON(b []byte) error {
	w.present = true
	if len(b) < 2 || b[0] != '"' || bytes.IndexByte(b, '\\') >= 0 {
		return nil
	}
	w.plain = true
	if string(b) == `"heartbeat"` {
		w.s = "heartbeat" // packet's one value, without a copy
	} else {
		w.s = string(b[1 : len(b)-1])
	}
	return nil
}

// decodeHeartbeatWire is the typed reading of [readHeartbeat]. It reports
// ok only for a heartbeat that chp-v1.json's heartbeatPacket accepts (with
// formats asserted) and whose timestamp [parseTime] reads; ok false says
// nothing about the document, which the general path then decides. With
// the heartbeat and its digest it returns the length of meta's canonical
// form (0 without meta), which the registry's size limit reads. depth
// bounds the nesting as [parseStrict]'s maxDepth does: maxDepth for a
// posted body, one less for an envelope's payload.
func decodeHeartbeatWire(b []byte, depth int) (h *Heartbeat, digest [32]byte, metaLen int, ok bool) {
	w := new(heartbeatWire)
	w.Meta = &w.meta
	if strictjson.Unmarshal(b, w, strictjson.UseNumber(), strictjson.MaxDepth(depth)) != nil {
		return nil, [32]byte{}, 0, false
	}
	packet, token, meta := w.Packet.s, w.HomebaseToken.s, w.meta
	switch {
	case w.Packet.present && (!w.Packet.plain || packet != "heartbeat"), // const "heartbeat"
		w.HomebaseToken.present && (!w.HomebaseToken.plain || !isSHA256Hash(token)),
		w.Meta == nil, // "meta": null; the schema wants an object
		!isUUID(w.InstanceID),
		!isURI(w.HomeURI),
		!isSHA256Hash(w.LicenseHash),
		w.EthicsSignature == "", // minLength 1: a non-empty string has a code point
		!Status(w.Status).Valid(),
		!isDateTime(w.Timestamp):
		return nil, [32]byte{}, 0, false
	}
	for _, k := range [...]string{"client", "hostname", "os"} {
		if v, ok := meta[k]; ok {
			if _, ok := v.(string); !ok {
				return nil, [32]byte{}, 0, false
			}
		}
	}
	ts, err := time.Parse(time.RFC3339Nano, w.Timestamp)
	if err != nil {
		return nil, [32]byte{}, 0, false
	}
	// The canonical form: members sorted by name (all ASCII here, so
	// byte order is RFC 8785's UTF-16 order), strings with RFC 8785's
	// escapes, meta by the generic canonicalizer. It is hashed and
	// dropped, so a heartbeat of usual size is written on the stack.
	var buf [1024]byte
	canon := buf[:0]
	canon = appendMember(canon, '{', "ethics_signature", w.EthicsSignature)
	canon = appendMember(canon, ',', "home_uri", w.HomeURI)
	if w.HomebaseToken.present {
		canon = appendMember(canon, ',', "homebase_token", token)
	}
	canon = appendMember(canon, ',', "instance_id", w.InstanceID)
	canon = appendMember(canon, ',', "license_hash", w.LicenseHash)
	if meta != nil {
		canon = append(canon, `,"meta":`...)
		start := len(canon)
		if canon, err = appendCanonical(canon, meta); err != nil {
			return nil, [32]byte{}, 0, false
		}
		metaLen = len(canon) - start
	}
	if w.Packet.present {
		canon = appendMember(canon, ',', "packet", packet)
	}
	canon = appendMember(canon, ',', "status", w.Status)
	canon = appendMember(canon, ',', "timestamp", w.Timestamp)
	canon = appendMember(canon, ',', "version", w.Version)
	canon = append(canon, '}')
	w.hb = Heartbeat{
		Packet: packet, InstanceID: canonicalID(w.InstanceID), HomeURI: w.HomeURI, Version: w.Version,
		LicenseHash: w.LicenseHash, EthicsSignature: w.EthicsSignature, HomebaseToken: token,
		Status: Status(w.Status), Timestamp: ts.UTC(), Meta: meta,
	}
	return &w.hb, sha256.Sum256(canon), metaLen, true
}

// isUUID matches the schema's uuid pattern,
// ^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := range len(s) {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return false
			}
		default:
			if !isHex(s[i]) {
				return false
			}
		}
	}
	return true
}

// isSHA256Hash matches the schema's sha256Hash pattern,
// ^sha256:[A-Fa-f0-9]{64}$.
func isSHA256Hash(s string) bool {
	hex, ok := strings.CutPrefix(s, "sha256:")
	if !ok || len(hex) != 64 {
		return false
	}
	for i := range len(hex) {
		if !isHex(hex[i]) {
			return false
		}
	}
	return true
}

// isPlainHTTPURI reports a URI of the shape every registry address has,
// http or https, a host name of letters, digits, dots and hyphens, an
// optional port and an optional path of unreserved characters and
// slashes: a subset of what [isURI] accepts, recognized without parsing.
func isPlainHTTPURI(s string) bool {
	rest, ok := strings.CutPrefix(s, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(s, "http://"); !ok {
			return false
		}
	}
	i := 0
	for i < len(rest) && (isAlnum(rest[i]) || rest[i] == '.' || rest[i] == '-') {
		i++
	}
	if i == 0 {
		return false
	}
	if i < len(rest) && rest[i] == ':' {
		j := i + 1
		for j < len(rest) && isDigit(rest[j]) {
			j++
		}
		if j == i+1 || j-i-1 > 5 {
			return false
		}
		i = j
	}
	if i < len(rest) && rest[i] != '/' {
		return false
	}
	for ; i < len(rest); i++ {
		if c := rest[i]; !isAlnum(c) && c != '/' && c != '.' && c != '-' && c != '_' && c != '~' {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool { return isDigit(c) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isURI reports an absolute URI that the schema's "uri" format accepts:
// it parses with net/url and has a scheme. A host with a colon in its name
// (an IPv6 literal) is left to the general path, whose validator checks
// such literals further.
func isURI(s string) bool {
	if isPlainHTTPURI(s) {
		return true
	}
	u, err := url.Parse(s)
	return err == nil && u.IsAbs() && !strings.Contains(u.Hostname(), ":")
}

// isDateTime reports a timestamp of the exact shape
// YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM), in ASCII digits, with
// hour 0-23, minute and second 0-59 and an offset of at most 23:59. Every
// such string whose date exists (checked by time.Parse after it) is an
// RFC 3339 date-time as the schema's "date-time" format reads it. Leap
// seconds, a lower-case t or z and other spellings the format allows are
// left to the general path.
func isDateTime(s string) bool {
	if len(s) < 20 {
		return false
	}
	for i := range 19 {
		switch i {
		case 4, 7:
			if s[i] != '-' {
				return false
			}
		case 10:
			if s[i] != 'T' {
				return false
			}
		case 13, 16:
			if s[i] != ':' {
				return false
			}
		default:
			if !isDigit(s[i]) {
				return false
			}
		}
	}
	if two(s[11:13]) > 23 || two(s[14:16]) > 59 || two(s[17:19]) > 59 {
		return false
	}
	rest := s[19:]
	if frac, ok := strings.CutPrefix(rest, "."); ok {
		n := 0
		for n < len(frac) && isDigit(frac[n]) {
			n++
		}
		if n == 0 {
			return false
		}
		rest = frac[n:]
	}
	if rest == "Z" {
		return true
	}
	return len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && isDigit(rest[1]) && isDigit(rest[2]) &&
		rest[3] == ':' && isDigit(rest[4]) && isDigit(rest[5]) && two(rest[1:3]) <= 23 && two(rest[4:6]) <= 59
}

// two returns the value of two ASCII digits.
func two(s string) int { return int(s[0]-'0')*10 + int(s[1]-'0') }
