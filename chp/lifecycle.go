package chp

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/envelope"
)

// ErrKeyRotated: a Local Registry was opened with a key its log rotated
// away from (open it with the newest key), or a rotation was refused.
var ErrKeyRotated = errors.New("chp: registry key rotated")

// replayRegistryRecord applies a registry record met while rebuilding the
// indexes from the log. Called before the registry serves.
func (r *LocalRegistry) replayRegistryRecord(i uint64, leaf []byte) error {
	rr, err := parseRegistryRecord(leaf)
	if err != nil {
		return err
	}
	switch {
	case rr.rotation != nil:
		k := rr.rotation
		if k.Size != i {
			return fmt.Errorf("%w: key rotation names size %d, sits at %d", ErrMalformed, k.Size, i)
		}
		if r.chain == nil {
			if r.chain, err = NewKeyChain(r.origin, k.OldKey); err != nil {
				return err
			}
		}
		if err := r.chain.Apply(k); err != nil {
			return err
		}
		r.rotations = append(r.rotations, json.RawMessage(leaf))
	case rr.unpin != nil:
		u := rr.unpin
		if r.pins[u.InstanceID] == u.Key {
			r.unpin(u.InstanceID, u.Key)
		}
	case rr.revocation != nil:
		// Verified with the root key when it was installed.
		r.revocations = append(r.revocations, RevocationEntry{Index: i, Revocation: bytes.Clone(leaf)})
	}
	return nil
}

// checkKey runs after the rebuild: the key the registry was opened with
// must be the newest key of its log.
func (r *LocalRegistry) checkKey() error {
	id := r.ident()
	if r.chain == nil {
		if want, _ := lrOrigin(id.publicKey); want != r.origin {
			return fmt.Errorf("%w: log origin %q belongs to another key than %.40s", ErrKeyMismatch, r.origin, id.publicKey)
		}
		var err error
		if r.chain, err = NewKeyChain(r.origin, id.publicKey); err != nil {
			return err
		}
	} else if cur := r.chain.Current(); cur != id.publicKey {
		if r.chain.Has(id.publicKey) {
			return fmt.Errorf("%w: opened with %.40s, the log rotated to %.40s", ErrKeyRotated, id.publicKey, cur)
		}
		return fmt.Errorf("%w: opened with %.40s, the log's key is %.40s", ErrKeyMismatch, id.publicKey, cur)
	}
	r.fps = map[string]bool{}
	for _, k := range r.chain.Keys() {
		pub, _ := envelope.ParseEd25519PublicKey(k)
		r.fps[envelope.Fingerprint(pub)] = true
	}
	return nil
}

// racKey returns the key of the registry's chain that c admits (a
// certificate admits the registry's log: the key it names and the keys
// that key handed over to), or the current key if c names none of them.
func (r *LocalRegistry) racKey(c *AdmissionCert) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return chainKeyFor(r.chain, c)
}

func chainKeyFor(chain *KeyChain, c *AdmissionCert) string {
	keys := chain.Keys()
	for _, k := range keys {
		if pub, err := envelope.ParseEd25519PublicKey(k); err == nil && envelope.Fingerprint(pub) == c.LRFingerprint {
			return k
		}
	}
	return keys[len(keys)-1]
}

// KeyRotations returns the registry's key rotation records, oldest first,
// each in its log form.
func (r *LocalRegistry) KeyRotations() []json.RawMessage {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]json.RawMessage(nil), r.rotations...)
}

// RotateKey replaces the registry's signing key with next while it runs.
// It appends a [KeyRotation] record, signed by the current key and by
// next, at the log's current size; heartbeats arriving meanwhile wait for
// the record to be durable and are then acknowledged with next, and every
// checkpoint of a tree holding the record is signed by next. The caller
// keeps next where the registry will be opened with it next time
// (opening with the old key then fails with [ErrKeyRotated]).
func (r *LocalRegistry) RotateKey(ctx context.Context, next ed25519.PrivateKey) (*KeyRotation, error) {
	if len(next) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("chp: rotate key: key of %d bytes, want %d", len(next), ed25519.PrivateKeySize)
	}
	nid := newIdentity(next)
	r.adminMu.Lock()
	defer r.adminMu.Unlock()
	r.appendMu.Lock()
	defer r.appendMu.Unlock()
	r.mu.Lock()
	closed, seen := r.closed, r.chain.Has(nid.publicKey)
	r.mu.Unlock()
	if closed {
		return nil, ErrClosed
	}
	if seen {
		return nil, fmt.Errorf("%w: %.40s was a key of this registry before", ErrKeyRotated, nid.publicKey)
	}
	old := r.ident()
	size := r.log.Size()
	root, err := r.log.TreeHash(size)
	if err != nil {
		return nil, fmt.Errorf("chp: rotate key: %w", err)
	}
	k := &KeyRotation{Origin: r.origin, Size: size, Root: b64std(root[:]), OldKey: old.publicKey, NewKey: nid.publicKey,
		RotatedAt: r.now().UTC().Truncate(1e9)}
	if err := signKeyRotation(k, old.signer, nid.signer); err != nil {
		return nil, err
	}
	leaf, err := k.Marshal()
	if err != nil {
		return nil, err
	}
	cs, err := checkpoint.NewSigner(r.origin, next)
	if err != nil {
		return nil, err
	}
	idx, err := r.log.AppendSwitchingSigner(ctx, leaf, cs)
	if err != nil {
		return nil, fmt.Errorf("chp: rotate key: log append: %w", err)
	}
	if idx != size {
		// Cannot happen while appendMu is held for writing.
		return nil, fmt.Errorf("chp: rotate key: record landed at %d, signed for %d", idx, size)
	}
	r.id.Store(nid)
	r.mu.Lock()
	err = r.chain.Apply(k)
	r.rotations = append(r.rotations, json.RawMessage(leaf))
	r.fps[nid.fingerprint] = true
	r.mu.Unlock()
	if err != nil {
		return nil, err
	}
	r.logger.Info("chp: registry key rotated", "index", idx, "old", old.fingerprint, "new", nid.fingerprint)
	return k, nil
}

// Unpinned is the outcome of [LocalRegistry.Unpin].
type Unpinned struct {
	Unpin *Unpin `json:"unpin"`
	Index uint64 `json:"index"` // the un-pin record's index in the log
}

// Unpin removes the key pinned for instanceID, so that the instance's next
// sealed heartbeat pins a key afresh (an instance that lost its key, or a
// re-imaged machine). The un-pin is a record appended to the log, with
// the key and the operator's reason, durable before the pin is dropped; it
// travels to the Global Registry in the next export. An instance with no
// pinned key is [ErrNotFound].
func (r *LocalRegistry) Unpin(ctx context.Context, instanceID, reason string) (*Unpinned, error) {
	if !uuidRE.MatchString(instanceID) {
		return nil, fmt.Errorf("%w: instance id %q is not a UUID", ErrMalformed, instanceID)
	}
	id := canonicalID(instanceID)
	r.adminMu.Lock()
	defer r.adminMu.Unlock()
	r.mu.Lock()
	key, ok := r.pins[id]
	closed := r.closed
	r.mu.Unlock()
	if closed {
		return nil, ErrClosed
	}
	if !ok {
		return nil, fmt.Errorf("%w: instance %s has no pinned key", ErrNotFound, id)
	}
	u := &Unpin{InstanceID: id, Key: key, Reason: reason, UnpinnedAt: r.now().UTC().Truncate(1e9)}
	leaf, err := u.Marshal()
	if err != nil {
		return nil, err
	}
	if _, err := ParseUnpin(leaf); err != nil {
		return nil, err // an empty or oversized reason
	}
	r.appendMu.RLock()
	idx, err := r.log.Append(ctx, leaf)
	r.appendMu.RUnlock()
	if err != nil {
		return nil, fmt.Errorf("chp: un-pin: log append: %w", err)
	}
	r.mu.Lock()
	if r.pins[id] == key {
		r.unpin(id, key)
		if _, still := r.pinnedKeys[key]; !still {
			r.verifier.KeyRing().Remove(key)
		}
	}
	r.mu.Unlock()
	r.logger.Info("chp: instance key un-pinned", "instance_id", id, "key", key, "index", idx, "reason", reason)
	return &Unpinned{Unpin: u, Index: idx}, nil
}
