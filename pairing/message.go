package pairing

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/accordsdk/accord/envelope"
	"github.com/accordsdk/accord/internal/strictb64"
)

// Pairing message types. The upper-case ones belong to the flow in which a
// zone accepts the swarm from a pocket; the lower-case ones to the flow in
// which a device joins through a host that is already in the swarm.
const (
	TypeReady     = "PAIR_READY"    // zone → everyone: a zone waits, showing a code
	TypeOffer     = "PAIR_OFFER"    // pocket → zone: CPace share of the pocket
	TypeAnswer    = "PAIR_ANSWER"   // code holder → typist: CPace share and confirmation tag
	TypeDeliver   = "PAIR_DELIVER"  // pocket → zone: confirmation tag and the sealed secret
	TypeComplete  = "PAIR_COMPLETE" // zone → pocket: sealed {label, success}
	TypeReject    = "PAIR_REJECT"   // either side: cancel a run
	TypeRequest   = "pair_request"  // joiner → everyone: CPace share of the joiner
	TypeConfirm   = "pair_confirm"  // joiner → host: confirmation tag
	TypeResponse  = "pair_response" // host → joiner: the sealed secret
	maxMessageLen = 4096            // bytes of one pairing message
	sessionSize   = 16
	sidSize       = 16
	tagSize       = 64 // HMAC-SHA512
	maxSealedSize = 1024
	maxLabelLen   = 64
	maxReasonLen  = 200
	messageV      = 1
)

// ciLabel starts the CPace channel identifier of every run.
const ciLabel = "accord-pairing-v1"

// The two flows, as they enter the CPace channel identifier.
const (
	flowDeliver = "deliver" // the pocket types the zone's code and delivers the secret
	flowJoin    = "join"    // the joiner types the host's code and receives the secret
)

// b64 is a byte string that travels as unpadded base64url, decoded strictly.
type b64 []byte

var rawURL = base64.RawURLEncoding.Strict()

// MarshalText writes unpadded base64url.
func (b b64) MarshalText() ([]byte, error) { return rawURL.AppendEncode(nil, b), nil }

// UnmarshalText reads unpadded base64url with zero padding bits and no CR
// or LF.
func (b *b64) UnmarshalText(t []byte) error {
	out, err := strictb64.AppendRawURL(nil, t)
	if err != nil {
		return fmt.Errorf("base64url: %v", err)
	}
	*b = out
	return nil
}

// A Message is one pairing message. Which members it has depends on its
// type (see the package documentation); [ParseMessage] refuses a message
// that lacks a member its type needs or has one its type does not.
type Message struct {
	Type       string `json:"type"`
	V          int    `json:"v"`
	Label      string `json:"label,omitempty"`
	ComputerID string `json:"computerId,omitempty"`
	Session    b64    `json:"session,omitempty"`
	Sid        b64    `json:"sid,omitempty"`
	Share      b64    `json:"share,omitempty"`
	Confirm    b64    `json:"confirm,omitempty"`
	Sealed     b64    `json:"sealed,omitempty"`
	Reason     string `json:"reason,omitempty"`
}

// Member sets of each message type.
const (
	fLabel = 1 << iota
	fComputer
	fSession
	fSid
	fShare
	fConfirm
	fSealed
	fReason
)

var messageFields = map[string]int{
	TypeReady:    fLabel | fComputer | fSession,
	TypeOffer:    fLabel | fComputer | fSession | fSid | fShare,
	TypeRequest:  fLabel | fComputer | fSid | fShare,
	TypeAnswer:   fLabel | fComputer | fSid | fShare | fConfirm,
	TypeDeliver:  fSid | fConfirm | fSealed,
	TypeConfirm:  fSid | fConfirm,
	TypeResponse: fSid | fSealed,
	TypeComplete: fSid | fSealed,
	TypeReject:   fSid | fReason, // or fSid | fSealed: see rejectSealedFields
}

// rejectSealedFields are the members of a PAIR_REJECT sent by a side that
// holds a confirmed key: its reason is sealed.
const rejectSealedFields = fSid | fSealed

// present returns the set of members m has.
func (m *Message) present() int {
	f := 0
	for _, x := range []struct {
		ok  bool
		bit int
	}{
		{m.Label != "", fLabel}, {m.ComputerID != "", fComputer}, {m.Session != nil, fSession},
		{m.Sid != nil, fSid}, {m.Share != nil, fShare}, {m.Confirm != nil, fConfirm},
		{m.Sealed != nil, fSealed}, {m.Reason != "", fReason},
	} {
		if x.ok {
			f |= x.bit
		}
	}
	return f
}

var fieldNames = []string{"label", "computerId", "session", "sid", "share", "confirm", "sealed", "reason"}

// check validates m against the rules of its type.
func (m *Message) check() error {
	want, ok := messageFields[m.Type]
	if m.Type == TypeReject && m.Sealed != nil {
		want = rejectSealedFields
	}
	if !ok {
		return fmt.Errorf("%w: type %.40q", ErrMalformed, m.Type)
	}
	if m.V != messageV {
		return fmt.Errorf("%w: %s: v %d, want %d", ErrMalformed, m.Type, m.V, messageV)
	}
	got := m.present()
	for i, name := range fieldNames {
		bit := 1 << i
		switch {
		case want&bit != 0 && got&bit == 0:
			return fmt.Errorf("%w: %s: missing %s", ErrMalformed, m.Type, name)
		case want&bit == 0 && got&bit != 0:
			return fmt.Errorf("%w: %s: unexpected member %s", ErrMalformed, m.Type, name)
		}
	}
	sizes := []struct {
		b    []byte
		name string
		lo   int
		hi   int
	}{
		{m.Session, "session", sessionSize, sessionSize}, {m.Sid, "sid", sidSize, sidSize},
		{m.Share, "share", elementSize, elementSize}, {m.Confirm, "confirm", tagSize, tagSize},
		{m.Sealed, "sealed", 17, maxSealedSize},
	}
	for _, s := range sizes {
		if s.b != nil && (len(s.b) < s.lo || len(s.b) > s.hi) {
			return fmt.Errorf("%w: %s: %s of %d bytes, want %d to %d", ErrMalformed, m.Type, s.name, len(s.b), s.lo, s.hi)
		}
	}
	if m.Label != "" && !validLabel(m.Label) {
		return fmt.Errorf("%w: %s: label %.80q: want 1 to %d printable characters", ErrMalformed, m.Type, m.Label, maxLabelLen)
	}
	if m.ComputerID != "" && !validID(m.ComputerID) {
		return fmt.Errorf("%w: %s: computerId %.80q: want 1 to 64 of [A-Za-z0-9._-]", ErrMalformed, m.Type, m.ComputerID)
	}
	if len(m.Reason) > maxReasonLen || !utf8.ValidString(m.Reason) {
		return fmt.Errorf("%w: %s: reason of %d bytes, want at most %d of UTF-8", ErrMalformed, m.Type, len(m.Reason), maxReasonLen)
	}
	return nil
}

// validLabel reports whether s is 1 to maxLabelLen printable characters.
func validLabel(s string) bool {
	if s == "" || !utf8.ValidString(s) || utf8.RuneCountInString(s) > maxLabelLen {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return false
		}
	}
	return true
}

// validID reports whether s is 1 to 64 characters of [A-Za-z0-9._-].
func validID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// ParseMessage decodes one pairing message strictly: JSON with no unknown,
// duplicate or misspelled members, the members its type needs and no
// others, fields of the right sizes, at most 4096 bytes. Errors wrap
// [ErrMalformed].
func ParseMessage(b []byte) (*Message, error) {
	if len(b) > maxMessageLen {
		return nil, fmt.Errorf("%w: %d bytes, want at most %d", ErrMalformed, len(b), maxMessageLen)
	}
	var m Message
	if err := decodeStrict(b, &m); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if err := m.check(); err != nil {
		return nil, err
	}
	return &m, nil
}

// Marshal returns the canonical JSON (RFC 8785) of m after checking it.
func (m *Message) Marshal() ([]byte, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	return canonicalJSON(m)
}

// canonicalJSON marshals v and returns its RFC 8785 form.
func canonicalJSON(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return envelope.CanonicalJSON(raw)
}

// sealKey derives the one-use AES-256-GCM key for the sealed member of a
// message of type typ: HKDF-SHA512 with ISK as input keying material, sid as
// salt and "accord-pairing-v1 seal " + typ as info.
func sealKey(isk, sid []byte, typ string) []byte {
	k, err := hkdf.Key(sha512.New, isk, sid, ciLabel+" seal "+typ, 32)
	if err != nil {
		panic("pairing: hkdf: " + err.Error())
	}
	return k
}

// seal encrypts the canonical JSON of body for a message of type typ. Each
// key seals one message, so the nonce is twelve zero bytes; the type is the
// associated data.
func seal(isk, sid []byte, typ string, body any) ([]byte, error) {
	pt, err := canonicalJSON(body)
	if err != nil {
		return nil, err
	}
	aead := newGCM(sealKey(isk, sid, typ))
	return aead.Seal(nil, make([]byte, aead.NonceSize()), pt, []byte(typ)), nil
}

// open decrypts a sealed member and decodes its body strictly into v.
func open(isk, sid []byte, typ string, sealed []byte, v any) error {
	aead := newGCM(sealKey(isk, sid, typ))
	pt, err := aead.Open(nil, make([]byte, aead.NonceSize()), sealed, []byte(typ))
	if err != nil {
		return fmt.Errorf("%w: %s: sealed member does not open", ErrWrongCode, typ)
	}
	if err := decodeStrict(pt, v); err != nil {
		return fmt.Errorf("%w: %s sealed body: %v", ErrMalformed, typ, err)
	}
	return nil
}

func newGCM(key []byte) cipher.AEAD {
	block, err := aes.NewCipher(key)
	if err != nil {
		panic("pairing: aes: " + err.Error())
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic("pairing: gcm: " + err.Error())
	}
	return aead
}

// grantBody is the sealed body of PAIR_DELIVER and pair_response: the swarm
// secret and who it came from. Success is only in pair_response.
type grantBody struct {
	Success  *bool  `json:"success,omitempty"`
	Secret   b64    `json:"secret"`
	Swarm    string `json:"swarm"`
	Epoch    uint64 `json:"epoch"`
	ZoneID   string `json:"zoneId"`
	ZoneName string `json:"zoneName"`
}

// rejectBody is the sealed body of an authenticated PAIR_REJECT.
type rejectBody struct {
	Reason string `json:"reason"`
}

func (r *rejectBody) check() error {
	if r.Reason == "" || len(r.Reason) > maxReasonLen || !utf8.ValidString(r.Reason) {
		return fmt.Errorf("%w: %s body: reason of %d bytes, want 1 to %d of UTF-8", ErrMalformed, TypeReject, len(r.Reason), maxReasonLen)
	}
	return nil
}

// completeBody is the sealed body of PAIR_COMPLETE.
type completeBody struct {
	Label   string `json:"label"`
	Success bool   `json:"success"`
}

// checkGrant validates a decoded grant body of a message of type typ.
func (g *grantBody) check(typ string) error {
	switch {
	case (typ == TypeResponse) != (g.Success != nil):
		return fmt.Errorf("%w: %s body: success member present in the wrong message", ErrMalformed, typ)
	case g.Success != nil && !*g.Success:
		return fmt.Errorf("%w: %s body: success false", ErrMalformed, typ)
	case len(g.Secret) != SecretSize:
		return fmt.Errorf("%w: %s body: secret of %d bytes, want %d", ErrMalformed, typ, len(g.Secret), SecretSize)
	case !validID(g.Swarm):
		return fmt.Errorf("%w: %s body: swarm %.80q", ErrMalformed, typ, g.Swarm)
	case g.Epoch == 0 || g.Epoch > 1<<53-1:
		return fmt.Errorf("%w: %s body: epoch %d, want 1 to 2^53-1", ErrMalformed, typ, g.Epoch)
	case !validID(g.ZoneID):
		return fmt.Errorf("%w: %s body: zoneId %.80q", ErrMalformed, typ, g.ZoneID)
	case !validLabel(g.ZoneName):
		return fmt.Errorf("%w: %s body: zoneName %.80q", ErrMalformed, typ, g.ZoneName)
	}
	return nil
}
