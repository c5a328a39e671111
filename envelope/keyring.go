package envelope

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// A KeyRing holds the keys a [Verifier] trusts, each with the span of
// envelope timestamps it may sign: a key verifies an envelope only if
// NotBefore <= timestamp < NotAfter (an unset bound is open). Rotating a key
// is adding the new key and retiring the old one: the old key then verifies
// only what it signed before its retirement.
//
// Keys are pinned: they are added by the application, never learned from
// traffic, unless the verifier opts in to [WithTrustOnFirstUse].
// A KeyRing is safe for concurrent use.
type KeyRing struct {
	mu   sync.RWMutex
	keys map[string]*ringKey
}

type ringKey struct {
	id        string // the key string the ring files it under
	vk        *verifyKey
	notBefore int64 // unix seconds; valid from
	notAfter  int64 // unix seconds; valid until (exclusive); 0 = open
	learned   bool  // added by trust on first use
}

// KeyInfo describes one key of a [KeyRing].
type KeyInfo struct {
	PublicKey string    // key string, or "hmac:<id>"
	Alg       string    // the algorithm the key signs with
	NotBefore time.Time // zero when open
	NotAfter  time.Time // zero when open
	Learned   bool      // added by trust on first use rather than pinned
}

// A KeyOption sets the validity of a key added to a [KeyRing].
type KeyOption func(*ringKey) error

// ValidFrom makes the key verify only envelopes with timestamps at or after t.
func ValidFrom(t time.Time) KeyOption {
	return func(k *ringKey) error {
		if t.IsZero() {
			return errors.New("ValidFrom: zero time")
		}
		k.notBefore = t.Unix()
		return nil
	}
}

// ValidUntil makes the key verify only envelopes with timestamps before t.
func ValidUntil(t time.Time) KeyOption {
	return func(k *ringKey) error {
		if t.IsZero() {
			return errors.New("ValidUntil: zero time")
		}
		k.notAfter = t.Unix()
		return nil
	}
}

// NewKeyRing returns an empty key ring.
func NewKeyRing() *KeyRing { return &KeyRing{keys: make(map[string]*ringKey)} }

// Add pins a public key ("ed25519:...", "mldsa65:...", or
// "ed25519:...+mldsa65:..." for the hybrid; hex is accepted for Ed25519).
// Adding a key that is already present is an error.
func (r *KeyRing) Add(publicKey string, opts ...KeyOption) error {
	vk, err := parseVerifyKey(publicKey)
	if err != nil {
		return fmt.Errorf("key ring: %w", err)
	}
	return r.add(vk.canonical(), &ringKey{vk: vk}, opts)
}

// AddHMAC adds a shared secret for "hmac-sha256" envelopes whose
// sender_pubkey is "hmac:<keyID>". The secret must be at least
// [MinHMACKeySize] bytes.
func (r *KeyRing) AddHMAC(keyID string, secret []byte, opts ...KeyOption) error {
	if err := checkHMACKey(keyID, secret); err != nil {
		return fmt.Errorf("key ring: %w", err)
	}
	vk := &verifyKey{alg: AlgHMACSHA256, hmac: newHMACKey(secret)}
	return r.add(PrefixHMAC+keyID, &ringKey{vk: vk}, opts)
}

func (r *KeyRing) add(id string, k *ringKey, opts []KeyOption) error {
	for _, o := range opts {
		if err := o(k); err != nil {
			return fmt.Errorf("key ring: key %.40s: %w", id, err)
		}
	}
	if k.notAfter != 0 && k.notAfter <= k.notBefore {
		return fmt.Errorf("key ring: key %.40s valid until %d, not after its start %d", id, k.notAfter, k.notBefore)
	}
	k.id = id
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.keys[id]; ok {
		return fmt.Errorf("key ring: key %.40s already present", id)
	}
	r.keys[id] = k
	return nil
}

// Retire ends the validity of a key at t: from then on it verifies only
// envelopes with timestamps before t. Retiring an already retired key can
// only move its end earlier.
func (r *KeyRing) Retire(publicKey string, t time.Time) error {
	id := r.canonicalID(publicKey)
	r.mu.Lock()
	defer r.mu.Unlock()
	k, ok := r.keys[id]
	if !ok {
		return fmt.Errorf("key ring: retire %.40s: %w", publicKey, ErrUnknownKey)
	}
	end := t.Unix()
	if end <= k.notBefore {
		end = k.notBefore // valid for nothing
	}
	if k.notAfter == 0 || end < k.notAfter {
		nk := *k
		nk.notAfter = end
		r.keys[id] = &nk
	}
	return nil
}

// Remove deletes a key; envelopes it signed no longer verify at all.
func (r *KeyRing) Remove(publicKey string) {
	id := r.canonicalID(publicKey)
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.keys, id)
}

// Keys lists the keys of the ring, sorted by key string.
func (r *KeyRing) Keys() []KeyInfo {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]KeyInfo, 0, len(r.keys))
	for id, k := range r.keys {
		ki := KeyInfo{PublicKey: id, Alg: k.vk.alg, Learned: k.learned}
		if k.notBefore != 0 {
			ki.NotBefore = time.Unix(k.notBefore, 0).UTC()
		}
		if k.notAfter != 0 {
			ki.NotAfter = time.Unix(k.notAfter, 0).UTC()
		}
		out = append(out, ki)
	}
	slices.SortFunc(out, func(a, b KeyInfo) int { return strings.Compare(a.PublicKey, b.PublicKey) })
	return out
}

func (r *KeyRing) canonicalID(publicKey string) string {
	if strings.HasPrefix(publicKey, PrefixHMAC) {
		return publicKey
	}
	if vk, err := parseVerifyKey(publicKey); err == nil {
		return vk.canonical()
	}
	return publicKey
}

// lookup returns the key filed under the exact sender_pubkey string.
func (r *KeyRing) lookup(pub string) *ringKey {
	r.mu.RLock()
	k := r.keys[pub]
	r.mu.RUnlock()
	return k
}

// lookupBytes is lookup of a key string given as bytes, without copying it.
func (r *KeyRing) lookupBytes(pub []byte) *ringKey {
	r.mu.RLock()
	k := r.keys[string(pub)]
	r.mu.RUnlock()
	return k
}

// learn adds a key by trust on first use unless one is already filed.
func (r *KeyRing) learn(pub string, k *ringKey) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.keys[pub]; !ok {
		r.keys[pub] = k
	}
}

// validAt reports whether the key may sign an envelope with timestamp ts.
func (k *ringKey) validAt(ts int64) bool {
	return ts >= k.notBefore && (k.notAfter == 0 || ts < k.notAfter)
}
