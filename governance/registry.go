package governance

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/accordsdk/accord/envelope"
)

// A Role is something an actor may do. Each receipt needs one.
type Role string

// Roles, and the receipts that need them.
const (
	RolePropose   Role = "propose"   // gov_proposal
	RoleVote      Role = "vote"      // gov_vote
	RoleRatify    Role = "ratify"    // gov_ratification
	RoleActivate  Role = "activate"  // gov_amendment (after anchor confirmation)
	RoleCancel    Role = "cancel"    // gov_cancellation
	RoleOrder     Role = "order"     // gov_executive_order other than emergencies
	RoleEmergency Role = "emergency" // emergency declarations, extensions and ends
	RoleDetect    Role = "detect"    // gov_violation
	RoleEnforce   Role = "enforce"   // gov_enforcement
	RoleReview    Role = "review"    // gov_review
)

var allRoles = []Role{RolePropose, RoleVote, RoleRatify, RoleActivate, RoleCancel, RoleOrder, RoleEmergency, RoleDetect, RoleEnforce, RoleReview}

// CapabilityWrite names every role at once in an enforcement's
// capability_suspended.
const CapabilityWrite = "write"

// Actor kinds.
const (
	KindSovereign = "sovereign"
	KindHuman     = "human"
	KindEngine    = "engine"
	KindAgent     = "agent"
)

// An Actor is a registered signer: its DID (or engine ID), its kind, its
// Ed25519 key, its roles, its voting weight and, for an agent, the actor
// that delegated its roles. An actor is registered from ValidFrom until
// ValidUntil (zero: no bound).
type Actor struct {
	ID          string    `json:"id"`   // did:vm:human:sovereign, engine:guardian, did:vm:agent:x
	Kind        string    `json:"kind"` // sovereign, human, engine, agent
	Key         string    `json:"key"`  // ed25519:z6Mk...
	Roles       []Role    `json:"roles"`
	Weight      int64     `json:"weight,omitempty"` // voting weight; 0 for non-voters
	DelegatedBy string    `json:"delegated_by,omitempty"`
	ValidFrom   time.Time `json:"valid_from,omitzero"`
	ValidUntil  time.Time `json:"valid_until,omitzero"`
}

// Has reports whether a holds role r.
func (a *Actor) Has(r Role) bool { return slices.Contains(a.Roles, r) }

// validAt reports whether a is registered at t.
func (a *Actor) validAt(t time.Time) bool {
	return (a.ValidFrom.IsZero() || !t.Before(a.ValidFrom)) && (a.ValidUntil.IsZero() || t.Before(a.ValidUntil))
}

// A Registry says who may sign which receipts, and with what voting weight.
// It is the trust root of a governed body, like the keys given to a
// verifier: receipts are accepted only from its actors. Weights and
// eligibility are read at a proposal's submission time, so registering a
// voter later does not change a vote under way.
type Registry struct {
	Actors []Actor `json:"actors"`

	byID       map[string]*Actor
	byKey      map[string]*Actor
	byKeyIndex map[string]int // key -> index in Actors

	once sync.Once
	v    *envelope.Verifier
	verr error
}

// NewRegistry validates actors and returns the registry: IDs and keys
// unique and well formed, known kinds and roles, one sovereign at least,
// engines named engine:<name>, agents delegated by a non-agent actor that
// holds every role the agent has (voting is never delegated, so a weight is
// never counted twice), weights from 0 to 1,000,000.
func NewRegistry(actors []Actor) (*Registry, error) {
	r := &Registry{Actors: slices.Clone(actors), byID: map[string]*Actor{}, byKey: map[string]*Actor{}, byKeyIndex: map[string]int{}}
	short := map[string]string{}
	sovereigns := 0
	for i := range r.Actors {
		a := &r.Actors[i]
		if err := checkActor(a); err != nil {
			return nil, err
		}
		if r.byID[a.ID] != nil {
			return nil, fmt.Errorf("%w: registry: actor %s twice", ErrMalformed, a.ID)
		}
		if r.byKey[a.Key] != nil {
			return nil, fmt.Errorf("%w: registry: key of %s also held by %s", ErrMalformed, a.ID, r.byKey[a.Key].ID)
		}
		r.byID[a.ID], r.byKey[a.Key], r.byKeyIndex[a.Key] = a, a, i
		if other, dup := short[shortName(a.ID)]; dup {
			return nil, fmt.Errorf("%w: registry: %s and %s end in the same name (vote IDs end in it)", ErrMalformed, other, a.ID)
		}
		short[shortName(a.ID)] = a.ID
		if a.Kind == KindSovereign {
			sovereigns++
		}
	}
	if sovereigns == 0 {
		return nil, fmt.Errorf("%w: registry: no sovereign", ErrMalformed)
	}
	for i := range r.Actors {
		a := &r.Actors[i]
		if a.Kind != KindAgent {
			if a.DelegatedBy != "" {
				return nil, fmt.Errorf("%w: registry: %s is a %s, only agents are delegated", ErrMalformed, a.ID, a.Kind)
			}
			continue
		}
		d := r.byID[a.DelegatedBy]
		if d == nil || d.Kind == KindAgent {
			return nil, fmt.Errorf("%w: registry: agent %s delegated by %q, want a registered non-agent actor", ErrMalformed, a.ID, a.DelegatedBy)
		}
		for _, role := range a.Roles {
			if !d.Has(role) {
				return nil, fmt.Errorf("%w: registry: agent %s has role %s its delegator %s lacks", ErrMalformed, a.ID, role, d.ID)
			}
		}
		if a.Has(RoleVote) {
			return nil, fmt.Errorf("%w: registry: agent %s: a vote is not delegated (its delegator votes)", ErrMalformed, a.ID)
		}
	}
	// The receipt verifier (a key ring of every actor's key) is built here,
	// once, as part of setting up the trust root, rather than by the first
	// tally or replay.
	if _, err := r.verifier(); err != nil {
		return nil, err
	}
	return r, nil
}

// ParseRegistry decodes {"actors": [...]} strictly and validates it.
func ParseRegistry(data []byte) (*Registry, error) {
	var r Registry
	if err := decodeStrict(data, &r); err != nil {
		return nil, fmt.Errorf("%w: registry: %v", ErrMalformed, err)
	}
	return NewRegistry(r.Actors)
}

func checkActor(a *Actor) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: registry: actor %.80q: %s", ErrMalformed, a.ID, fmt.Sprintf(format, args...))
	}
	switch a.Kind {
	case KindEngine:
		if n, ok := strings.CutPrefix(a.ID, "engine:"); !ok || !isLabel(n) {
			return bad("an engine's id is engine:<name>")
		}
	case KindSovereign, KindHuman, KindAgent:
		if !isDID(a.ID) {
			return bad("want a did:<method>:<id> identifier")
		}
	default:
		return bad("kind %q, want sovereign, human, engine or agent", a.Kind)
	}
	k, err := envelope.ParseEd25519PublicKey(a.Key)
	if err != nil {
		return bad("key: %v", err)
	}
	if envelope.FormatEd25519PublicKey(k) != a.Key {
		return bad("key %.60q is not in canonical ed25519:z6Mk... form", a.Key)
	}
	for i, r := range a.Roles {
		if !slices.Contains(allRoles, r) {
			return bad("role %q unknown", r)
		}
		if slices.Contains(a.Roles[:i], r) {
			return bad("role %q twice", r)
		}
	}
	if a.Weight < 0 || a.Weight > 1_000_000 {
		return bad("weight %d, want 0 to 1000000", a.Weight)
	}
	if a.Weight > 0 != a.Has(RoleVote) {
		return bad("a voter has a positive weight and only a voter has one")
	}
	if !a.ValidUntil.IsZero() && !a.ValidUntil.After(a.ValidFrom) {
		return bad("valid_until not after valid_from")
	}
	return nil
}

// isDID: did:<method>:<id> of [A-Za-z0-9._:-], at most 256 bytes.
func isDID(s string) bool {
	rest, ok := strings.CutPrefix(s, "did:")
	if !ok || len(s) > 256 {
		return false
	}
	method, id, ok := strings.Cut(rest, ":")
	if !ok || method == "" || id == "" || strings.HasSuffix(id, ":") {
		return false
	}
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == ':' || c == '-') {
			return false
		}
	}
	return true
}

// Actor returns the actor with the given ID.
func (r *Registry) Actor(id string) (*Actor, bool) {
	a, ok := r.byID[id]
	return a, ok
}

// ByKey returns the actor holding the key string key.
func (r *Registry) ByKey(key string) (*Actor, bool) {
	a, ok := r.byKey[key]
	return a, ok
}

// Keys returns every actor's key string.
func (r *Registry) Keys() []string {
	out := make([]string, len(r.Actors))
	for i, a := range r.Actors {
		out[i] = a.Key
	}
	return out
}

// keyRing returns a key ring with every actor's key, valid while the actor
// is registered.
func (r *Registry) keyRing() (*envelope.KeyRing, error) {
	ring := envelope.NewKeyRing()
	for _, a := range r.Actors {
		var opts []envelope.KeyOption
		if !a.ValidFrom.IsZero() {
			opts = append(opts, envelope.ValidFrom(a.ValidFrom))
		}
		if !a.ValidUntil.IsZero() {
			opts = append(opts, envelope.ValidUntil(a.ValidUntil))
		}
		if err := ring.Add(a.Key, opts...); err != nil {
			return nil, fmt.Errorf("governance: registry key of %s: %w", a.ID, err)
		}
	}
	return ring, nil
}

// totalWeight returns the voting weight registered at t.
func (r *Registry) totalWeight(t time.Time) int64 {
	var n int64
	for i := range r.Actors {
		if a := &r.Actors[i]; a.Has(RoleVote) && a.validAt(t) {
			n += a.Weight
		}
	}
	return n
}

// shortName is the last ':'-separated part of an actor ID, used in vote IDs.
func shortName(id string) string {
	if i := strings.LastIndexByte(id, ':'); i >= 0 {
		return id[i+1:]
	}
	return id
}

// verifier returns the registry's receipt verifier, built once.
func (r *Registry) verifier() (*envelope.Verifier, error) {
	r.once.Do(func() { r.v, r.verr = newVerifier(r) })
	return r.v, r.verr
}
