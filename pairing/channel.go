package pairing

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/accordsdk/accord/envelope"
	"github.com/accordsdk/accord/internal/strictb64"
)

const (
	// DefaultWindow is how old a swarm message may be.
	DefaultWindow = 5 * time.Minute
	// DefaultFutureSkew is how far ahead of this device's clock a swarm
	// message may be timestamped.
	DefaultFutureSkew = 30 * time.Second
	// DefaultGrace is how long, after a rotation, messages under the
	// previous epoch's secret are still accepted.
	DefaultGrace = 2 * time.Minute
)

// Swarm message kinds; the envelope type is "swarm/" + kind.
const (
	KindAnnounce       = "ANNOUNCE"        // a member advertising itself
	KindDiscover       = "DISCOVER"        // asks every member to announce
	KindPeriphAnnounce = "PERIPH_ANNOUNCE" // peripherals a zone offers
	KindPeriphCall     = "PERIPH_CALL"     // a remote peripheral method call
	KindPeriphResult   = "PERIPH_RESULT"   // the result of a call
	KindRekey          = "REKEY"           // a new secret epoch for one member
)

var swarmKinds = [...]string{KindAnnounce, KindDiscover, KindPeriphAnnounce, KindPeriphCall, KindPeriphResult, KindRekey}

// swarmTypes holds the envelope type of each of swarmKinds.
var swarmTypes = func() (t [len(swarmKinds)]string) {
	for i, k := range swarmKinds {
		t[i] = "swarm/" + k
	}
	return t
}()

const swarmSalt = "accord-swarm-v1"

// epochKey holds the keys of one secret epoch.
type epochKey struct {
	epoch  uint64
	keyID  string // "e<epoch>-<16 hex>", the envelope's "hmac:<key id>"
	mac    []byte
	signer envelope.Signer
	aead   cipher.AEAD // AES-256-GCM with 16-byte nonces
}

// deriveEpoch derives the keys of secret epoch epoch of swarm:
// HKDF-SHA256(secret, salt "accord-swarm-v1", info purpose+" "+swarm+" "+epoch)
// for the purposes "mac" (32 bytes), "enc" (32 bytes) and "id" (8 bytes).
func deriveEpoch(secret Secret, swarm string, epoch uint64) (*epochKey, error) {
	info := func(purpose string) string { return purpose + " " + swarm + " " + strconv.FormatUint(epoch, 10) }
	mac, err := hkdf.Key(sha256.New, secret[:], []byte(swarmSalt), info("mac"), 32)
	if err != nil {
		return nil, err
	}
	enc, err := hkdf.Key(sha256.New, secret[:], []byte(swarmSalt), info("enc"), 32)
	if err != nil {
		return nil, err
	}
	id, err := hkdf.Key(sha256.New, secret[:], []byte(swarmSalt), info("id"), 8)
	if err != nil {
		return nil, err
	}
	k := &epochKey{epoch: epoch, keyID: "e" + strconv.FormatUint(epoch, 10) + "-" + hex.EncodeToString(id), mac: mac}
	if k.signer, err = envelope.NewHMACSigner(k.keyID, mac); err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(enc)
	if err != nil {
		return nil, err
	}
	if k.aead, err = cipher.NewGCMWithNonceSize(block, envelope.NonceSize); err != nil {
		return nil, err
	}
	return k, nil
}

// frame is the plaintext of a swarm message's payload.
type frame struct {
	From string          `json:"from"`
	Seq  int64           `json:"seq"`
	To   string          `json:"to,omitempty"`
	Body json.RawMessage `json:"body"`
}

// A Received is a swarm message that verified.
type Received struct {
	Kind  string          // KindAnnounce, ...
	From  string          // the sender's computer id
	To    string          // the addressee's computer id, "" for everyone
	Seq   int64           // the sender's sequence number
	Time  time.Time       // the envelope timestamp
	Epoch uint64          // the secret epoch it was sealed under
	Body  json.RawMessage // the typed payload, canonical JSON
}

// Decode decodes the body strictly into v.
func (r *Received) Decode(v any) error {
	if err := decodeStrict(r.Body, v); err != nil {
		return fmt.Errorf("%w: %s body: %v", ErrMalformed, r.Kind, err)
	}
	return nil
}

// A Channel seals and opens the swarm messages of one device: envelopes of
// alg hmac-sha256 under a key derived from the swarm secret, their data
// encrypted (AES-256-GCM) unless [WithAuthOnly]. It refuses replayed,
// reordered, stale, cross-swarm and forged messages. It is safe for
// concurrent use.
type Channel struct {
	c      *config
	swarm  string
	self   string
	ring   *envelope.KeyRing
	v      *envelope.Verifier
	mu     sync.Mutex
	keys   map[string]*epochKey // by key id
	epochs map[uint64]*epochKey
	cur    *epochKey
	seq    int64
	last   map[string]seen // highest sequence number accepted per sender
	maxTS  int64           // latest envelope timestamp accepted
	sweep  time.Time
	// scratch is a pool of *scratch.
	scratch sync.Pool
}

type seen struct {
	seq int64
	at  time.Time
}

// WithWindow sets how old a swarm message may be (default [DefaultWindow]).
func WithWindow(d time.Duration) Option {
	return func(c *config) error {
		if d < time.Second {
			return fmt.Errorf("window %v, want at least 1s", d)
		}
		c.window = d
		return nil
	}
}

// WithFutureSkew sets how far ahead of the local clock a swarm message may
// be timestamped (default [DefaultFutureSkew]); at most the window.
func WithFutureSkew(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return fmt.Errorf("future skew %v, want >= 0", d)
		}
		c.skew = d
		return nil
	}
}

// WithGrace sets how long after a rotation the previous epoch is still
// accepted (default [DefaultGrace]).
func WithGrace(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return fmt.Errorf("grace %v, want >= 0", d)
		}
		c.grace = d
		return nil
	}
}

// WithAuthOnly makes the channel send its data in clear (authenticated but
// not encrypted). Encrypted messages are still accepted.
func WithAuthOnly() Option {
	return func(c *config) error { c.authOnly = true; return nil }
}

// WithStartupFence makes the channel refuse messages timestamped at or
// before t: the latest timestamp an earlier run of this device could have
// accepted (its clock plus the future skew when it stopped), so that a
// restart cannot be used to replay what it already accepted. The default is
// the channel's start plus the future skew; a device that records
// acceptedUntil durably (as [Device] does) passes it here instead.
func WithStartupFence(t time.Time) Option {
	return func(c *config) error { c.fence = t; c.fenceSet = true; return nil }
}

// NewChannel returns the swarm channel of device self (its computer id) for
// secret epoch epoch of swarm.
func NewChannel(self string, g Grant, opts ...Option) (*Channel, error) {
	c, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	if !validID(self) {
		return nil, fmt.Errorf("pairing: channel: computer id %.80q", self)
	}
	if !validID(g.Swarm) || g.Epoch == 0 {
		return nil, fmt.Errorf("pairing: channel: swarm %.80q epoch %d", g.Swarm, g.Epoch)
	}
	if c.skew > c.window {
		return nil, fmt.Errorf("pairing: channel: future skew %v longer than window %v", c.skew, c.window)
	}
	ch := &Channel{c: c, swarm: g.Swarm, self: self, ring: envelope.NewKeyRing(),
		keys: make(map[string]*epochKey), epochs: make(map[uint64]*epochKey), last: make(map[string]seen)}
	types := swarmTypes[:]
	fence := c.now().Add(c.skew)
	if c.fenceSet {
		fence = c.fence
	}
	vopts := []envelope.VerifierOption{envelope.WithTypes(types...), envelope.WithKeyRing(ch.ring),
		envelope.WithClock(c.now), envelope.WithWindow(c.window)}
	if fence.IsZero() {
		vopts = append(vopts, envelope.WithoutStartupFence())
	} else {
		vopts = append(vopts, envelope.WithStartupFence(fence))
	}
	if ch.v, err = envelope.NewVerifier(vopts...); err != nil {
		return nil, fmt.Errorf("pairing: channel: %w", err)
	}
	if err := ch.AddEpoch(g.Secret, g.Epoch); err != nil {
		return nil, err
	}
	return ch, nil
}

// LatestAccepted returns the latest timestamp of a message the channel
// accepted (the zero time if none): a restarted device that uses it as its
// start-up fence refuses replays of everything accepted before.
func (ch *Channel) LatestAccepted() time.Time {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if ch.maxTS == 0 {
		return time.Time{}
	}
	return time.Unix(ch.maxTS, 0)
}

// Swarm returns the swarm identifier.
func (ch *Channel) Swarm() string { return ch.swarm }

// Epoch returns the current secret epoch.
func (ch *Channel) Epoch() uint64 {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	return ch.cur.epoch
}

// AddEpoch installs the secret of a later epoch and makes it current. The
// previous epoch is accepted for messages timestamped up to the grace period
// from now, and then no more.
func (ch *Channel) AddEpoch(secret Secret, epoch uint64) error {
	return ch.addEpoch(secret, epoch, ch.c.grace)
}

// addEpoch is AddEpoch with the grace period given. A zero grace drops the
// previous epoch's key at once: retired keys still verify messages
// timestamped before their retirement, which a holder of the old secret
// could backdate, so a rotation that shuts a device out must not keep it.
func (ch *Channel) addEpoch(secret Secret, epoch uint64, grace time.Duration) error {
	k, err := deriveEpoch(secret, ch.swarm, epoch)
	if err != nil {
		return fmt.Errorf("pairing: channel: %w", err)
	}
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if ch.cur != nil && epoch <= ch.cur.epoch {
		return fmt.Errorf("pairing: channel: epoch %d, want after %d", epoch, ch.cur.epoch)
	}
	if err := ch.ring.AddHMAC(k.keyID, k.mac); err != nil {
		return fmt.Errorf("pairing: channel: %w", err)
	}
	if ch.cur != nil {
		for _, old := range ch.keys {
			if grace > 0 && old == ch.cur {
				until := ch.c.now().Add(grace)
				if err := ch.ring.Retire(envelope.PrefixHMAC+old.keyID, until); err != nil {
					return fmt.Errorf("pairing: channel: %w", err)
				}
				continue
			}
			if grace == 0 {
				// Every earlier epoch stops verifying, those still
				// in their grace period too. The controller may still
				// seal under it (ch.epochs): the rotation's REKEY to
				// a member that has not yet moved goes under the
				// member's epoch.
				ch.ring.Remove(envelope.PrefixHMAC + old.keyID)
				delete(ch.keys, old.keyID)
			}
		}
	}
	ch.keys[k.keyID] = k
	ch.epochs[epoch] = k
	ch.cur = k
	return nil
}

// Seal returns a swarm message of kind from this device to to ("" for
// everyone) carrying body, sealed under the current epoch.
func (ch *Channel) Seal(kind, to string, body any) ([]byte, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("pairing: seal %s: %w", kind, err)
	}
	return ch.sealRaw(kind, to, raw, 0)
}

// sealRaw seals under epoch, or the current epoch if epoch is 0.
func (ch *Channel) sealRaw(kind, to string, body json.RawMessage, epoch uint64) ([]byte, error) {
	if to != "" && !validID(to) {
		return nil, fmt.Errorf("pairing: seal %s: addressee %.80q", kind, to)
	}
	now := ch.c.now()
	ch.mu.Lock()
	k := ch.cur
	if epoch != 0 {
		k = ch.epochs[epoch]
	}
	if k == nil {
		ch.mu.Unlock()
		return nil, fmt.Errorf("pairing: seal %s: %w: epoch %d", kind, ErrUnknownKey, epoch)
	}
	ch.seq = max(ch.seq+1, now.UnixMicro())
	seq := ch.seq
	ch.mu.Unlock()
	sc := ch.getScratch()
	defer ch.putScratch(sc)
	typ := swarmType(kind)
	pt, err := appendFrame(sc.frame[:0], body, ch.self, seq, to)
	if err != nil {
		return nil, fmt.Errorf("pairing: seal %s: %w", kind, err)
	}
	sc.frame = pt
	ch.c.fill(sc.nonce[:])
	payload := pt
	if !ch.c.authOnly {
		sc.ad = append(sc.ad[:0], typ...)
		ct := k.aead.Seal(pt[:0], sc.nonce[:], pt, sc.ad) // in place
		sc.frame = ct
		payload = append(sc.payload[:0], `{"ct":"`...)
		payload = rawURL.AppendEncode(payload, ct)
		payload = append(payload, `"}`...)
		sc.payload = payload
	}
	return envelope.Seal(k.signer, typ, json.RawMessage(payload), envelope.WithNonce(sc.nonce[:]), envelope.WithTimestamp(now))
}

// swarmType returns the envelope type of a swarm message kind.
func swarmType(kind string) string {
	for i, k := range swarmKinds {
		if k == kind {
			return swarmTypes[i]
		}
	}
	return "swarm/" + kind
}

// scratch holds the buffers one Seal or Open works in; a channel keeps a
// pool of them so that a message costs no temporary allocations.
type scratch struct {
	frame, payload, ad, canon []byte
	nonce                     [envelope.NonceSize]byte
}

func (ch *Channel) getScratch() *scratch {
	if sc, ok := ch.scratch.Get().(*scratch); ok {
		return sc
	}
	return new(scratch)
}

func (ch *Channel) putScratch(sc *scratch) {
	const keep = 16 << 10 // do not keep the buffers of a rare large message
	if cap(sc.frame) > keep || cap(sc.payload) > keep || cap(sc.canon) > keep {
		return
	}
	ch.scratch.Put(sc)
}

// ctPayload returns the ciphertext of an encrypted payload, which in its
// canonical form is exactly {"ct":"<base64url>"}, and ok false for any
// other payload.
func ctPayload(p []byte) ([]byte, bool) {
	const pre, post = `{"ct":"`, `"}`
	if len(p) < len(pre)+len(post) || string(p[:len(pre)]) != pre || string(p[len(p)-len(post):]) != post {
		return nil, false
	}
	ct, err := strictb64.AppendRawURL(nil, p[len(pre):len(p)-len(post)])
	if err != nil {
		return nil, false
	}
	return ct, true
}

// Open verifies and decrypts one swarm message. Errors wrap [ErrUnknownKey]
// (another swarm or an epoch not held), [ErrStale], [ErrReplay],
// [ErrReordered], [ErrBadMAC], [ErrPlaintext] or [ErrMalformed].
func (ch *Channel) Open(msg []byte) (*Received, error) {
	e, err := ch.v.Open(msg)
	if err != nil {
		return nil, mapEnvelopeErr(err)
	}
	now := ch.c.now()
	if d := e.Time().Sub(now); d > ch.c.skew {
		return nil, fmt.Errorf("%w: timestamp %ds ahead of the clock, want at most %v", ErrStale, int64(d/time.Second), ch.c.skew)
	}
	ch.mu.Lock()
	k := ch.keys[e.SenderPubkey[len(envelope.PrefixHMAC):]]
	ch.mu.Unlock()
	if k == nil {
		return nil, fmt.Errorf("%w: %s", ErrUnknownKey, e.SenderPubkey)
	}
	sc := ch.getScratch()
	defer ch.putScratch(sc)
	var f frame
	if ct, ok := ctPayload(e.Payload); ok {
		sc.ad = append(sc.ad[:0], e.Type...)
		pt, err := k.aead.Open(ct[:0], e.Nonce, ct, sc.ad)
		if err != nil {
			return nil, fmt.Errorf("%w: %s data does not decrypt", ErrBadMAC, e.Type)
		}
		if f, sc.canon, err = parseFrame(pt, sc.canon); err != nil {
			return nil, fmt.Errorf("%w: %s frame: %v", ErrMalformed, e.Type, err)
		}
	} else {
		// The envelope's payload is canonical JSON, so a clear frame is
		// the payload itself.
		if f, sc.canon, err = parseFrame(e.Payload, sc.canon); err != nil {
			return nil, fmt.Errorf("%w: %s payload: %v", ErrMalformed, e.Type, err)
		}
		if !ch.c.authOnly {
			return nil, fmt.Errorf("%w: %s", ErrPlaintext, e.Type)
		}
	}
	if !validID(f.From) || f.Seq <= 0 || f.Seq > 1<<53-1 || (f.To != "" && !validID(f.To)) || len(f.Body) == 0 {
		return nil, fmt.Errorf("%w: %s frame: from %.80q seq %d to %.80q", ErrMalformed, e.Type, f.From, f.Seq, f.To)
	}
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if s, ok := ch.last[f.From]; ok && f.Seq <= s.seq {
		return nil, fmt.Errorf("%w: %s from %s: seq %d, already had %d", ErrReordered, e.Type, f.From, f.Seq, s.seq)
	}
	ch.last[f.From] = seen{seq: f.Seq, at: now}
	ch.maxTS = max(ch.maxTS, e.Timestamp)
	if now.Sub(ch.sweep) > ch.c.window {
		for id, s := range ch.last {
			if now.Sub(s.at) > 2*ch.c.window {
				delete(ch.last, id)
			}
		}
		ch.sweep = now
	}
	return &Received{Kind: e.Type[len("swarm/"):], From: f.From, To: f.To, Seq: f.Seq, Time: e.Time(), Epoch: k.epoch, Body: f.Body}, nil
}

// mapEnvelopeErr turns an envelope error into this package's sentinel,
// keeping the envelope's as the cause.
func mapEnvelopeErr(err error) error {
	var s error
	switch {
	case errors.Is(err, envelope.ErrUnknownKey):
		s = ErrUnknownKey
	case errors.Is(err, envelope.ErrOutsideWindow), errors.Is(err, envelope.ErrKeyNotValid):
		s = ErrStale
	case errors.Is(err, envelope.ErrReplay), errors.Is(err, envelope.ErrCacheFull):
		s = ErrReplay
	case errors.Is(err, envelope.ErrBadSignature):
		s = ErrBadMAC
	default:
		s = ErrMalformed
	}
	return fmt.Errorf("%w: %w", s, err)
}
