package envelope

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/accordsdk/accord/internal/jcs"
	"github.com/accordsdk/accord/internal/strictjson"
)

// Version is the envelope version this package reads and writes.
const Version = 1

// NonceSize is the length of an envelope nonce in bytes.
const NonceSize = 16

// Limits on the envelope's text members. Types, sender types and key strings
// are drawn from a small alphabet (see [validName]) so that each has a single
// spelling in JSON and CBOR.
const (
	maxTypeLen   = 128
	maxSenderLen = 64
	maxPubkeyLen = 8192
)

// Format says how an envelope is encoded.
type Format uint8

// Envelope encodings.
const (
	FormatJSON Format = iota + 1 // RFC 8785 canonical JSON
	FormatCBOR                   // RFC 8949 Core Deterministic Encoding
)

// String returns "json" or "cbor".
func (f Format) String() string {
	switch f {
	case FormatJSON:
		return "json"
	case FormatCBOR:
		return "cbor"
	}
	return "format(" + strconv.Itoa(int(f)) + ")"
}

// An Envelope is a signed message as [Verifier.Open] returns it: every field
// is parsed from the bytes whose signature was checked.
type Envelope struct {
	V            int    // always [Version]
	Type         string // payload kind, the domain separation between protocols
	Alg          string // signature algorithm, one of the Alg constants
	SenderPubkey string // key string of the signer, e.g. "ed25519:z6Mk..."
	SenderType   string // optional role of the sender; "" when absent
	Timestamp    int64  // Unix seconds at which it was sealed
	Nonce        []byte // NonceSize random bytes
	Signature    []byte
	// Payload is the payload in canonical form: RFC 8785 JSON for a JSON
	// envelope, deterministic CBOR for a CBOR envelope. These are the bytes
	// the signature covers.
	Payload []byte
	Format  Format
}

// Time returns the envelope timestamp as a [time.Time].
func (e *Envelope) Time() time.Time { return time.Unix(e.Timestamp, 0).UTC() }

// DecodePayload decodes the payload into v: a JSON envelope's payload with
// the module's strict JSON reader, a CBOR envelope's with a strict
// deterministic CBOR decoder. For JSON, member names are matched exactly
// (no case folding: "Amount" is not the field amount), a member v has no
// field for is an error, and so are a duplicate member name (compared after
// unescaping), null for a field that cannot hold it (a string, number,
// boolean, array or struct) and anything after the value; so the payload
// means the same thing here as to any case-sensitive reader. Errors wrap
// [ErrMalformed].
func (e *Envelope) DecodePayload(v any) error {
	switch e.Format {
	case FormatJSON:
		if err := strictjson.Unmarshal(e.Payload, v); err != nil {
			return fmt.Errorf("%w: %s payload: %w", ErrMalformed, e.Type, err)
		}
		return nil
	case FormatCBOR:
		if err := payloadDecMode.Unmarshal(e.Payload, v); err != nil {
			return fmt.Errorf("%w: %s payload: %v", ErrMalformed, e.Type, err)
		}
		return nil
	}
	return fmt.Errorf("%w: envelope format %v", ErrUnsupported, e.Format)
}

// A SealOption changes how [Seal] and [SealCBOR] build an envelope. An
// invalid option makes Seal fail before anything is signed.
type SealOption func(*sealConfig) error

type sealConfig struct {
	now        time.Time
	senderType string
	nonce      []byte
}

// WithTimestamp sets the envelope timestamp (truncated to the second), from
// 1970 up to 2^53-1 seconds. The default is the current time.
func WithTimestamp(t time.Time) SealOption {
	return func(c *sealConfig) error {
		if u := t.Unix(); t.IsZero() || u < 0 || u > maxTimestamp {
			return fmt.Errorf("timestamp %v: want 1970-01-01 to %d seconds after it", t, int64(maxTimestamp))
		}
		c.now = t
		return nil
	}
}

// WithSenderType sets the envelope's sender_type, the role of the sender
// (for example "metabolic" in the handshake protocol): 1 to 64 characters
// of [A-Za-z0-9._:/+-]. The empty string leaves sender_type out.
func WithSenderType(t string) SealOption {
	return func(c *sealConfig) error {
		if t != "" && !validName(t, maxSenderLen) {
			return fmt.Errorf("sender_type %.80q: want 1 to %d characters of [A-Za-z0-9._:/+-]", t, maxSenderLen)
		}
		c.senderType = t
		return nil
	}
}

// WithNonce sets the nonce, [NonceSize] bytes, instead of drawing random
// ones, for reproducible test vectors and for callers that derive nonces
// themselves (a reused nonce is rejected as a replay). n is read when the
// envelope is sealed, not copied: the hot path of a swarm channel seals with
// a nonce in a reused buffer and allocates nothing for it.
func WithNonce(n []byte) SealOption {
	return func(c *sealConfig) error {
		if len(n) != NonceSize {
			return fmt.Errorf("nonce of %d bytes, want %d", len(n), NonceSize)
		}
		c.nonce = n
		return nil
	}
}

// header is the envelope without its payload and signature.
type header struct {
	typ, alg, pub, senderType string
	ts                        int64
	nonce                     []byte
}

func newHeader(s Signer, typ string, opts []SealOption) (header, error) {
	var c sealConfig
	for _, o := range opts {
		if err := o(&c); err != nil {
			return header{}, fmt.Errorf("seal: %w", err)
		}
	}
	if c.now.IsZero() {
		c.now = time.Now()
	}
	h := header{typ: typ, alg: s.Algorithm(), pub: s.PublicKey(), senderType: c.senderType, ts: c.now.Unix(), nonce: c.nonce}
	if h.nonce == nil {
		h.nonce = make([]byte, NonceSize)
		rand.Read(h.nonce)
	}
	if err := h.check(); err != nil {
		return header{}, fmt.Errorf("seal: %w", err)
	}
	return h, nil
}

// check validates the header members; Seal and Open share it.
func (h *header) check() error {
	if !validName(h.typ, maxTypeLen) {
		return fmt.Errorf("%w: type %.140q: want 1 to %d characters of [A-Za-z0-9._:/+-]", ErrMalformed, h.typ, maxTypeLen)
	}
	if signatureSize(h.alg) == 0 {
		return fmt.Errorf("%w: alg %.40q, want %s, %s, %s or %s", ErrUnsupported, h.alg, AlgEd25519, AlgHMACSHA256, AlgMLDSA65, AlgHybrid)
	}
	if !validName(h.pub, maxPubkeyLen) {
		return fmt.Errorf("%w: sender_pubkey %.40q: want a key string", ErrMalformed, h.pub)
	}
	if h.senderType != "" && !validName(h.senderType, maxSenderLen) {
		return fmt.Errorf("%w: sender_type %.80q: want 1 to %d characters of [A-Za-z0-9._:/+-]", ErrMalformed, h.senderType, maxSenderLen)
	}
	if h.ts < 0 || h.ts > maxTimestamp {
		return fmt.Errorf("%w: timestamp %d, want 0 to %d", ErrMalformed, h.ts, int64(maxTimestamp))
	}
	if len(h.nonce) != NonceSize {
		return fmt.Errorf("%w: nonce of %d bytes, want %d", ErrMalformed, len(h.nonce), NonceSize)
	}
	return nil
}

// maxTimestamp is the largest timestamp: 2^53-1 keeps it exact in I-JSON.
const maxTimestamp = 1<<53 - 1

// validName reports whether s is 1 to max characters of [A-Za-z0-9._:/+-].
func validName(s string, max int) bool {
	if len(s) == 0 || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !nameChar[s[i]] {
			return false
		}
	}
	return true
}

var nameChar = func() (t [256]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for _, c := range "._:/+-" {
		t[c] = true
	}
	return t
}()

var b64 = base64.RawURLEncoding.Strict()

var marshalPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// signingPool holds *[]byte buffers for the signing bytes built by Seal.
var signingPool = sync.Pool{New: func() any { return new([]byte) }}

// Seal signs payload as an envelope of type typ and returns its canonical
// JSON form. payload is marshalled with encoding/json (a [json.RawMessage] is used
// as is) and then canonicalized (RFC 8785).
func Seal(s Signer, typ string, payload any, opts ...SealOption) ([]byte, error) {
	h, err := newHeader(s, typ, opts)
	if err != nil {
		return nil, err
	}
	var raw []byte
	if r, ok := payload.(json.RawMessage); ok {
		raw = r
	} else {
		// Marshal into a pooled buffer: only the canonical form is kept.
		sc := marshalPool.Get().(*bytes.Buffer)
		defer func() {
			if sc.Cap() <= 64<<10 { // do not keep large buffers alive
				marshalPool.Put(sc)
			}
		}()
		sc.Reset()
		enc := json.NewEncoder(sc)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(payload); err != nil {
			return nil, fmt.Errorf("seal %s: marshal payload: %w", typ, err)
		}
		raw = sc.Bytes()
	}
	var nb [22]byte
	b64.Encode(nb[:], h.nonce)
	// The signing bytes are built in a pooled buffer: only the envelope,
	// which holds them with the signature spliced in, is kept.
	bp := signingPool.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= 64<<10 {
			signingPool.Put(bp)
		}
	}()
	buf := (*bp)[:0]
	buf = appendJSONHead(buf, h.alg, nb[:])
	var n int
	if buf, n, err = jcs.AppendValue(buf, raw, 0); err != nil {
		return nil, fmt.Errorf("seal %s: payload: %w", typ, wrapJCS(err))
	}
	if n = skipJSONSpace(raw, n); n != len(raw) {
		return nil, fmt.Errorf("seal %s: %w: trailing data after payload at offset %d", typ, ErrMalformed, n)
	}
	buf, cut := appendJSONTail(buf, &h)
	*bp = buf
	var (
		sig  []byte
		hsig [sha256.Size]byte
	)
	if hs, ok := s.(*hmacSigner); ok {
		hs.key.sum(&hsig, buf)
		sig = hsig[:]
	} else if sig, err = s.Sign(buf); err != nil {
		return nil, fmt.Errorf("seal %s: %w", typ, err)
	}
	if want := signatureSize(h.alg); len(sig) != want {
		return nil, fmt.Errorf("seal %s: %s signature of %d bytes, want %d", typ, h.alg, len(sig), want)
	}
	// The envelope is the signing bytes with the signature member spliced in,
	// so it is itself in canonical form.
	out := make([]byte, 0, len(buf)+len(`"signature":"",`)+b64.EncodedLen(len(sig)))
	out = append(out, buf[:cut]...)
	out = append(out, `"signature":"`...)
	out = b64.AppendEncode(out, sig)
	out = append(out, `",`...)
	return append(out, buf[cut:]...), nil
}

func skipJSONSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}
