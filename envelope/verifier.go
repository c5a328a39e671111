package envelope

import (
	"errors"
	"fmt"
	"github.com/accordsdk/accord/internal/jcs"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultWindow is how far an envelope timestamp may be from the verifier's
// clock, in either direction, unless [WithWindow] says otherwise.
const DefaultWindow = 60 * time.Second

// A Verifier opens envelopes: it checks, in this order, the shape, that the
// type is one it accepts, that the key is in its key ring and valid at the
// envelope's timestamp, that the timestamp is within its window, the
// signature, and only then records the nonce in its replay cache. A Verifier
// is safe for concurrent use.
type Verifier struct {
	types  map[string]string // each accepted type, mapped to itself
	ring   *KeyRing
	now    func() time.Time
	window int64
	fresh  bool
	cache  *ReplayCache
	fence  int64 // timestamps at or before this are refused
	tofu   TOFUPolicy
}

// A TOFUPolicy decides whether a verifier learns an unknown key from an
// envelope (trust on first use). It sees the envelope before its signature
// is checked; the key is added to the ring only if the signature verifies.
type TOFUPolicy func(e *Envelope) bool

// A VerifierOption configures [NewVerifier].
type VerifierOption func(*verifierConfig) error

type verifierConfig struct {
	types    []string
	keys     []string
	ring     *KeyRing
	hmac     map[string][]byte
	now      func() time.Time
	window   time.Duration
	noFresh  bool
	cache    *ReplayCache
	noFence  bool
	fenceAt  time.Time
	tofu     TOFUPolicy
	capacity int
}

// WithTypes sets the envelope types the verifier accepts. It is required:
// the type is the domain separation between protocols.
func WithTypes(types ...string) VerifierOption {
	return func(c *verifierConfig) error {
		for _, t := range types {
			if !validName(t, maxTypeLen) {
				return fmt.Errorf("type %.140q: want 1 to %d characters of [A-Za-z0-9._:/+-]", t, maxTypeLen)
			}
		}
		c.types = append(c.types, types...)
		return nil
	}
}

// WithKeys pins public keys (key strings such as "ed25519:z6Mk...") with no
// validity bounds. Use [WithKeyRing] for keys with validity windows.
func WithKeys(keys ...string) VerifierOption {
	return func(c *verifierConfig) error { c.keys = append(c.keys, keys...); return nil }
}

// WithKeyRing makes the verifier use ring, which the application may go on
// changing (adding, retiring keys) while the verifier is in use.
func WithKeyRing(ring *KeyRing) VerifierOption {
	return func(c *verifierConfig) error {
		if ring == nil {
			return errors.New("nil key ring")
		}
		c.ring = ring
		return nil
	}
}

// WithHMACKey adds a shared secret for "hmac-sha256" envelopes from
// "hmac:<keyID>".
func WithHMACKey(keyID string, secret []byte) VerifierOption {
	return func(c *verifierConfig) error {
		if c.hmac == nil {
			c.hmac = make(map[string][]byte)
		}
		c.hmac[keyID] = secret
		return nil
	}
}

// WithClock sets the verifier's clock (default [time.Now]).
func WithClock(now func() time.Time) VerifierOption {
	return func(c *verifierConfig) error {
		if now == nil {
			return errors.New("nil clock")
		}
		c.now = now
		return nil
	}
}

// WithWindow sets how far a timestamp may be from the clock, in either
// direction (default [DefaultWindow]); at least one second.
func WithWindow(d time.Duration) VerifierOption {
	return func(c *verifierConfig) error {
		if d < time.Second {
			return fmt.Errorf("window %v, want at least 1s", d)
		}
		c.window = d
		return nil
	}
}

// WithoutFreshness is for stored documents (bundle manifests, receipts,
// certificates verified long after they were sealed): no time window, no
// start-up fence and no replay cache. Shape, type, key (its validity at the
// envelope's timestamp) and signature are still checked.
func WithoutFreshness() VerifierOption {
	return func(c *verifierConfig) error { c.noFresh = true; return nil }
}

// WithReplayCache makes the verifier record nonces in cache, which may be
// shared by several verifiers (so that one message is accepted once across
// all of them). The cache's window must cover the verifier's.
func WithReplayCache(cache *ReplayCache) VerifierOption {
	return func(c *verifierConfig) error {
		if cache == nil {
			return errors.New("nil replay cache")
		}
		c.cache = cache
		return nil
	}
}

// WithReplayCapacity sets the number of live nonces the verifier's own
// replay cache holds (default [DefaultReplayCapacity]).
func WithReplayCapacity(n int) VerifierOption {
	return func(c *verifierConfig) error { c.capacity = n; return nil }
}

// WithoutStartupFence turns off the start-up fence. By default a verifier
// refuses envelopes with timestamps up to one window after its creation: a
// verifier that replaced an earlier one (a restart) cannot know which nonces
// the earlier one accepted, and the earlier one may have accepted envelopes
// timestamped up to a window ahead of its clock. The fence costs a pause of
// one window after start (see [WithStartupFence] to shorten it). Turn it off
// only when the replay cache outlives the verifier (a [ReplayCache] shared
// through [WithReplayCache]) or when no earlier verifier could have accepted
// the same envelopes (tests, one-shot tools).
func WithoutStartupFence() VerifierOption {
	return func(c *verifierConfig) error { c.noFence = true; return nil }
}

// WithStartupFence sets the start-up fence explicitly: the verifier refuses
// envelopes timestamped at or before t. An application that records, durably,
// the latest timestamp its verifier could have accepted (its clock plus the
// window, written ahead of time) can restart with that instead of the
// default, and so avoid most of the pause.
func WithStartupFence(t time.Time) VerifierOption {
	return func(c *verifierConfig) error {
		if t.IsZero() {
			return errors.New("zero start-up fence")
		}
		c.fenceAt = t
		return nil
	}
}

// WithTrustOnFirstUse lets the verifier learn keys it does not know: when
// policy approves an envelope from an unknown Ed25519, ML-DSA-65 or hybrid
// key and its signature verifies, the key is added to the ring (valid from
// the envelope's timestamp) and accepted from then on. Off by default.
func WithTrustOnFirstUse(policy TOFUPolicy) VerifierOption {
	return func(c *verifierConfig) error {
		if policy == nil {
			return errors.New("nil trust-on-first-use policy")
		}
		c.tofu = policy
		return nil
	}
}

// NewVerifier returns a verifier configured by opts. [WithTypes] is required,
// and so are keys unless [WithTrustOnFirstUse] is given.
func NewVerifier(opts ...VerifierOption) (*Verifier, error) {
	c := verifierConfig{now: time.Now, window: DefaultWindow, capacity: DefaultReplayCapacity}
	for _, o := range opts {
		if err := o(&c); err != nil {
			return nil, fmt.Errorf("envelope verifier: %w", err)
		}
	}
	if len(c.types) == 0 {
		return nil, errors.New("envelope verifier: no types, want WithTypes")
	}
	v := &Verifier{types: make(map[string]string, len(c.types)), now: c.now,
		window: int64(c.window / time.Second), fresh: !c.noFresh, tofu: c.tofu}
	for _, t := range c.types {
		v.types[t] = t
	}
	v.ring = c.ring
	if v.ring == nil {
		v.ring = NewKeyRing()
	}
	for _, k := range c.keys {
		if err := v.ring.Add(k); err != nil {
			return nil, fmt.Errorf("envelope verifier: %w", err)
		}
	}
	for id, secret := range c.hmac {
		if err := v.ring.AddHMAC(id, secret); err != nil {
			return nil, fmt.Errorf("envelope verifier: %w", err)
		}
	}
	if c.ring == nil && len(c.keys) == 0 && len(c.hmac) == 0 && c.tofu == nil {
		return nil, errors.New("envelope verifier: no keys, want WithKeys, WithKeyRing, WithHMACKey or WithTrustOnFirstUse")
	}
	if !v.fresh {
		if c.cache != nil || c.noFence || !c.fenceAt.IsZero() {
			return nil, errors.New("envelope verifier: WithoutFreshness conflicts with replay cache options")
		}
		return v, nil
	}
	v.cache = c.cache
	if v.cache == nil {
		var err error
		if v.cache, err = NewReplayCache(c.window, c.capacity); err != nil {
			return nil, fmt.Errorf("envelope verifier: %w", err)
		}
	} else if v.cache.window < v.window {
		return nil, fmt.Errorf("envelope verifier: replay cache window %v shorter than verifier window %v", v.cache.Window(), c.window)
	}
	switch {
	case c.noFence && !c.fenceAt.IsZero():
		return nil, errors.New("envelope verifier: WithoutStartupFence conflicts with WithStartupFence")
	case c.noFence:
		v.fence = -1
	case !c.fenceAt.IsZero():
		v.fence = c.fenceAt.Unix()
	default:
		v.fence = v.now().Unix() + v.window
	}
	return v, nil
}

// KeyRing returns the verifier's key ring, through which keys can be added,
// retired and removed while the verifier is in use.
func (v *Verifier) KeyRing() *KeyRing { return v.ring }

// Open parses and verifies one envelope, JSON or CBOR (told apart by the
// first byte), and returns it. Errors wrap one of the package's sentinels.
func (v *Verifier) Open(msg []byte) (*Envelope, error) { return v.open(msg, nil) }

// OpenWith is [Verifier.Open] with a look at the envelope before it is
// verified: check runs once the envelope's shape and type are accepted and
// before its key, its timestamp and its signature are checked. If check
// returns an error, OpenWith returns that error as it is (it need not wrap
// a sentinel of this package) and stops: no signature is verified, no key
// is learned on first use and no nonce is recorded, so the same envelope
// may be opened again later. Otherwise OpenWith goes on exactly as Open.
//
// check sees unverified data. It lets a caller read the payload once, as
// the verifier parsed it (Payload is canonical), and refuse what it would
// refuse anyway before a signature is checked; nothing it reads is
// authentic unless OpenWith then returns no error.
func (v *Verifier) OpenWith(msg []byte, check func(*Envelope) error) (*Envelope, error) {
	return v.open(msg, check)
}

// open is [Verifier.Open], with check run as [Verifier.OpenWith] says when
// it is not nil.
func (v *Verifier) open(msg []byte, check func(*Envelope) error) (*Envelope, error) {
	var (
		e   *Envelope
		sb  []byte
		err error
	)
	var k *ringKey
	if isJSON(msg) {
		// The signing bytes are built in a pooled buffer, needed only
		// until the signature is checked.
		bp := signingPool.Get().(*[]byte)
		pc := parseCtx{types: v.types, ring: v.ring, pooled: true, sb: (*bp)[:0]}
		e, sb, err = parseJSONWith(msg, &pc)
		defer func() {
			if cap(sb) <= 64<<10 {
				*bp = sb[:0]
				signingPool.Put(bp)
			}
		}()
		k = pc.key
	} else {
		e, sb, err = parseCBOR(msg)
	}
	if err != nil {
		return nil, err
	}
	if _, ok := v.types[e.Type]; !ok {
		return nil, fmt.Errorf("%w: %q", ErrTypeNotAllowed, e.Type)
	}
	if check != nil {
		if err := check(e); err != nil {
			return nil, err
		}
	}
	if k == nil {
		k = v.ring.lookup(e.SenderPubkey)
	}
	learn := false
	if k == nil {
		if k, err = v.firstUse(e); err != nil {
			return nil, err
		}
		learn = true
	}
	if k.vk.alg != e.Alg {
		return nil, fmt.Errorf("%w: key %.40s signs %s, envelope says %s", ErrKeyNotValid, e.SenderPubkey, k.vk.alg, e.Alg)
	}
	if !k.validAt(e.Timestamp) {
		return nil, fmt.Errorf("%w: key %.40s not valid at timestamp %d", ErrKeyNotValid, e.SenderPubkey, e.Timestamp)
	}
	var now int64
	if v.fresh {
		now = v.now().Unix()
		if d := e.Timestamp - now; d > v.window || -d > v.window {
			return nil, fmt.Errorf("%w: timestamp %d is %ds from now %d, want within %ds", ErrOutsideWindow, e.Timestamp, d, now, v.window)
		}
		if e.Timestamp <= v.fence {
			return nil, fmt.Errorf("%w: timestamp %d is not after the start-up fence %d (verifier start + window)", ErrOutsideWindow, e.Timestamp, v.fence)
		}
	}
	if !k.vk.verify(sb, e.Signature) {
		return nil, fmt.Errorf("%w: %s envelope from %.40s", ErrBadSignature, e.Type, e.SenderPubkey)
	}
	if learn {
		v.ring.learn(e.SenderPubkey, k)
	}
	if v.fresh {
		if err := v.cache.CheckAndInsert(e.SenderPubkey, e.Nonce, e.Timestamp, now); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// firstUse returns the key an unknown sender_pubkey names if the verifier
// trusts on first use and its policy approves.
func (v *Verifier) firstUse(e *Envelope) (*ringKey, error) {
	if v.tofu == nil || e.Alg == AlgHMACSHA256 {
		return nil, fmt.Errorf("%w: %.40s", ErrUnknownKey, e.SenderPubkey)
	}
	// The policy runs first: it is cheap, and parsing a key is not.
	if !v.tofu(e) {
		return nil, fmt.Errorf("%w: %.40s refused by trust-on-first-use policy", ErrUnknownKey, e.SenderPubkey)
	}
	vk, err := parseVerifyKey(e.SenderPubkey)
	if err != nil {
		// Small-order and non-canonical Ed25519 keys fail here too.
		return nil, fmt.Errorf("%w: %.40s not learned on first use: %v", ErrUnknownKey, e.SenderPubkey, err)
	}
	if vk.canonical() != e.SenderPubkey {
		return nil, fmt.Errorf("%w: %.40s is not a canonical key string", ErrUnknownKey, e.SenderPubkey)
	}
	return &ringKey{id: e.SenderPubkey, vk: vk, notBefore: e.Timestamp, learned: true}, nil
}

// isJSON reports whether msg starts (after whitespace) with '{'. A CBOR
// envelope starts with a map header (0xa7..0xa9), never with a JSON byte.
func isJSON(msg []byte) bool {
	i := skipJSONSpace(msg, 0)
	return i < len(msg) && msg[i] == '{'
}

// A BatchResult is the outcome of one message of [Verifier.OpenBatch].
type BatchResult struct {
	Envelope *Envelope
	Err      error
}

// OpenBatch opens msgs concurrently on every core (GOMAXPROCS goroutines) and
// returns the results in order. It is the same as calling [Verifier.Open] on
// each; if one message appears twice, one copy is accepted and the other is
// a replay.
func (v *Verifier) OpenBatch(msgs [][]byte) []BatchResult {
	out := make([]BatchResult, len(msgs))
	workers := min(runtime.GOMAXPROCS(0), len(msgs))
	if workers <= 1 {
		for i, m := range msgs {
			out[i].Envelope, out[i].Err = v.Open(m)
		}
		return out
	}
	var wg sync.WaitGroup
	var next atomic.Int64
	const chunk = 8
	for range workers {
		wg.Go(func() {
			for {
				lo := int(next.Add(chunk)) - chunk
				if lo >= len(msgs) {
					return
				}
				for j := lo; j < min(lo+chunk, len(msgs)); j++ {
					out[j].Envelope, out[j].Err = v.Open(msgs[j])
				}
			}
		})
	}
	wg.Wait()
	return out
}

// SigningBytes returns the exact bytes the signature of the envelope msg
// (JSON or CBOR) covers, after checking its shape. It verifies nothing.
func SigningBytes(msg []byte) ([]byte, error) {
	var sb []byte
	var err error
	if isJSON(msg) {
		_, sb, err = parseJSON(msg)
	} else {
		_, sb, err = parseCBOR(msg)
	}
	return sb, err
}

// CanonicalJSON returns the RFC 8785 canonical form of the JSON document b,
// which must be I-JSON (no duplicate member names, valid UTF-8, numbers that
// are exact doubles). Errors wrap [ErrMalformed].
func CanonicalJSON(b []byte) ([]byte, error) {
	out, err := jcs.Canonicalize(b)
	if err != nil {
		return nil, wrapJCS(err)
	}
	return out, nil
}
