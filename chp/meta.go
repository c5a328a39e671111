package chp

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Only heartbeat metadata may leave an enclave. A heartbeat's meta object
// is the one place the chp-v1 schema lets a client put members of its
// own, and a Local Registry exports what it logs verbatim; so the registry
// takes only the meta members on its allowlist, and only up to a size,
// and refuses anything else when the heartbeat arrives (422 meta_refused,
// the message naming the member).

// defaultMetaMembers: see [DefaultMetaMembers].
var defaultMetaMembers = []string{"client", "hostname", "os"}

// DefaultMetaMembers returns the meta members a [LocalRegistry] allows by
// default besides the package's own: client, hostname and os.
func DefaultMetaMembers() []string { return slices.Clone(defaultMetaMembers) }

// DefaultMetaMaxBytes is the default largest meta object a
// [LocalRegistry] takes, measured in its RFC 8785 canonical form.
const DefaultMetaMaxBytes = 1024

// protocolMeta are the meta members this package writes and reads itself.
var protocolMeta = []string{MetaSandbox, MetaRegistryFingerprint, MetaLateHeartbeats}

// ErrMeta: a heartbeat's meta holds a member the registry does not take,
// or is larger than its limit. The concrete error is a *[MetaError].
var ErrMeta = errors.New("chp: meta refused")

// MetaError is a heartbeat meta refused by a registry's metadata policy.
// Field names the member ("meta.<name>"), or "meta" for the size limit.
type MetaError struct {
	Field  string
	Reason string
}

func (e *MetaError) Error() string { return "chp: " + e.Field + ": " + e.Reason }

// Is makes a *MetaError match [ErrMeta].
func (e *MetaError) Is(target error) bool { return target == ErrMeta }

// WithMetaAllowlist sets the meta members the registry takes besides the
// package's own (sandbox, registry_fingerprint, late_heartbeats). The
// default is [DefaultMetaMembers]; with no names, only the package's own
// members are allowed. Names must be non-empty and distinct.
func WithMetaAllowlist(names ...string) LocalOption {
	return func(r *LocalRegistry) error {
		allow := map[string]bool{}
		for _, n := range names {
			if n == "" || strings.TrimSpace(n) != n {
				return fmt.Errorf("meta allowlist: name %q", n)
			}
			if allow[n] {
				return fmt.Errorf("meta allowlist: %q given twice", n)
			}
			allow[n] = true
		}
		for _, n := range protocolMeta {
			allow[n] = true
		}
		r.metaAllow = allow
		return nil
	}
}

// WithMetaMaxBytes sets the largest meta object the registry takes, in
// bytes of its RFC 8785 canonical form (default [DefaultMetaMaxBytes]; at
// least 256, at most the packet limit of 64 KiB).
func WithMetaMaxBytes(n int) LocalOption {
	return func(r *LocalRegistry) error {
		if n < 256 || n > maxPacket {
			return fmt.Errorf("meta size limit %d, want 256 to %d", n, maxPacket)
		}
		r.metaMax = n
		return nil
	}
}

// defaultMetaAllow is the allowlist of a registry opened without
// [WithMetaAllowlist].
func defaultMetaAllow() map[string]bool {
	m := map[string]bool{}
	for _, n := range defaultMetaMembers {
		m[n] = true
	}
	for _, n := range protocolMeta {
		m[n] = true
	}
	return m
}

// checkMeta applies the registry's metadata policy to a heartbeat's meta
// object (as read by the strict reader and checked against the schema):
// every member on the allowlist, the canonical form within the size
// limit, and the package's own members well formed. canonLen is the
// length of meta's canonical form when the reader already wrote it, or -1.
func (r *LocalRegistry) checkMeta(meta map[string]any, canonLen int) error {
	if meta == nil {
		return nil
	}
	for k := range meta {
		if !r.metaAllow[k] {
			return r.refuseMetaMember(meta)
		}
	}
	if canonLen < 0 {
		canon, err := appendCanonical(make([]byte, 0, 256), meta)
		if err != nil {
			return err
		}
		canonLen = len(canon)
	}
	if canonLen > r.metaMax {
		return &MetaError{Field: "meta", Reason: fmt.Sprintf("%d bytes in canonical form, limit %d", canonLen, r.metaMax)}
	}
	if v, ok := meta[MetaSandbox]; ok {
		if _, isBool := v.(bool); !isBool {
			return &MetaError{Field: "meta." + MetaSandbox, Reason: "not a boolean"}
		}
	}
	if v, ok := meta[MetaLateHeartbeats]; ok {
		if _, err := lateNoteFromDoc(v); err != nil {
			return err
		}
	}
	return nil
}

// refuseMetaMember names the first member of meta, in sorted order, that
// is not on the allowlist, so that the refusal is the same on every run.
func (r *LocalRegistry) refuseMetaMember(meta map[string]any) error {
	names := make([]string, 0, len(meta))
	for k := range meta {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		if !r.metaAllow[k] {
			return &MetaError{Field: "meta." + k, Reason: "not a member this registry takes (allowed: " + strings.Join(r.metaAllowed(), ", ") + ")"}
		}
	}
	return nil
}

// metaAllowed returns the allowlist, sorted.
func (r *LocalRegistry) metaAllowed() []string {
	out := make([]string, 0, len(r.metaAllow))
	for k := range r.metaAllow {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
