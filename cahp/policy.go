package cahp

import (
	"fmt"
	"math/big"
	"slices"
	"time"
)

// Ticket lifetimes.
const (
	// DefaultTicketLifetime is how long a ticket is valid unless the policy
	// says otherwise.
	DefaultTicketLifetime = time.Hour
	// MaxTicketLifetime is the longest lifetime a policy may set and
	// [VerifyTicket] accepts.
	MaxTicketLifetime = 24 * time.Hour
)

// Policy defaults.
const (
	// DefaultDifficulty is the responder's hashcash difficulty: 20 bits,
	// about a million hashes (tens of milliseconds on one core).
	DefaultDifficulty = 20
	// DefaultChallengeTTL is how long a challenge may be answered.
	DefaultChallengeTTL = time.Minute
	// DefaultSessionTTL is how long a session may take from discovery to
	// ticket (a metabolic agent's burn must confirm within it).
	DefaultSessionTTL = 10 * time.Minute
	// DefaultMinConfirmations is the confirmations a burn needs unless its
	// chain's policy says otherwise.
	DefaultMinConfirmations = 12
)

// ChainPolicy is what a [Policy] asks of burns on one chain.
type ChainPolicy struct {
	// MinBurn is the smallest burn accepted, in the chain's smallest unit
	// (wei on eip155:*). Required, positive.
	MinBurn *big.Int
	// MinConfirmations is the confirmations the burn needs (0 means
	// [DefaultMinConfirmations]).
	MinConfirmations uint64
}

// Policy is what one side asks of its peer. Both sides have one: the
// responder's decides whether the initiator gets a ticket, the initiator's
// whether it accepts the responder.
type Policy struct {
	// Chains are the CAIP-2 chains whose burns are accepted from metabolic
	// peers, with their minimums. Default: none, so metabolic peers are
	// refused until a chain (and a [BurnVerifier]) is configured.
	Chains map[string]ChainPolicy
	// ModelRoots are the weight commitment roots ("blake3:<64 hex>")
	// accepted from open-weight peers. Default: none, so open-weight peers
	// are refused until their models are listed.
	ModelRoots []string
	// SpotChecks is how many chunks of an open-weight peer's commitment are
	// opened per handshake, 0 to [MaxSpotChecks] (default
	// [DefaultSpotChecks]).
	SpotChecks int
	// Difficulty is the hashcash difficulty the responder asks, 0 to
	// [MaxDifficulty] (default [DefaultDifficulty]). An initiator's
	// challenge always has difficulty 0: the responder does no work for an
	// initiator it has not yet accepted.
	Difficulty int
	// ChallengeTTL is how long a challenge may be answered (default
	// [DefaultChallengeTTL]; 1 s to 10 min).
	ChallengeTTL time.Duration
	// SessionTTL bounds a whole handshake (default [DefaultSessionTTL]; at
	// most one hour).
	SessionTTL time.Duration
	// Capabilities are, for a responder, those it may grant; for an
	// initiator, those it asks for.
	Capabilities []string
	// TicketLifetime is the lifetime of the tickets a responder issues
	// (default [DefaultTicketLifetime], at most [MaxTicketLifetime]).
	TicketLifetime time.Duration
}

// DefaultPolicy returns the default policy: no chains, no model roots (so no
// peer is accepted until the policy names what it accepts), 8 spot checks,
// difficulty 20, challenges valid one minute, sessions ten minutes, tickets
// one hour, no capabilities.
func DefaultPolicy() Policy {
	return Policy{
		SpotChecks:     DefaultSpotChecks,
		Difficulty:     DefaultDifficulty,
		ChallengeTTL:   DefaultChallengeTTL,
		SessionTTL:     DefaultSessionTTL,
		TicketLifetime: DefaultTicketLifetime,
	}
}

// policy is a checked Policy with parsed values.
type policy struct {
	Policy
	roots map[[32]byte]bool
}

// check validates p and fills in zero durations with defaults.
func (p Policy) check() (*policy, error) {
	if p.ChallengeTTL == 0 {
		p.ChallengeTTL = DefaultChallengeTTL
	}
	if p.SessionTTL == 0 {
		p.SessionTTL = DefaultSessionTTL
	}
	if p.TicketLifetime == 0 {
		p.TicketLifetime = DefaultTicketLifetime
	}
	switch {
	case p.Difficulty < 0 || p.Difficulty > MaxDifficulty:
		return nil, fmt.Errorf("policy: difficulty %d, want 0 to %d", p.Difficulty, MaxDifficulty)
	case p.SpotChecks < 0 || p.SpotChecks > MaxSpotChecks:
		return nil, fmt.Errorf("policy: %d spot checks, want 0 to %d", p.SpotChecks, MaxSpotChecks)
	case p.ChallengeTTL < time.Second || p.ChallengeTTL > 10*time.Minute:
		return nil, fmt.Errorf("policy: challenge TTL %v, want 1s to 10m", p.ChallengeTTL)
	case p.SessionTTL < time.Second || p.SessionTTL > time.Hour:
		return nil, fmt.Errorf("policy: session TTL %v, want 1s to 1h", p.SessionTTL)
	case p.TicketLifetime < time.Second || p.TicketLifetime > MaxTicketLifetime:
		return nil, fmt.Errorf("policy: ticket lifetime %v, want 1s to %v", p.TicketLifetime, MaxTicketLifetime)
	}
	if err := checkCapabilities(p.Capabilities); err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	chains := make(map[string]ChainPolicy, len(p.Chains))
	for id, c := range p.Chains {
		if err := checkChain(id); err != nil {
			return nil, fmt.Errorf("policy: %w", err)
		}
		if c.MinBurn == nil || c.MinBurn.Sign() <= 0 {
			return nil, fmt.Errorf("policy: chain %s: minimum burn must be positive", id)
		}
		if c.MinConfirmations == 0 {
			c.MinConfirmations = DefaultMinConfirmations
		}
		chains[id] = ChainPolicy{MinBurn: new(big.Int).Set(c.MinBurn), MinConfirmations: c.MinConfirmations}
	}
	p.Chains = chains
	out := &policy{Policy: p, roots: make(map[[32]byte]bool, len(p.ModelRoots))}
	for _, r := range p.ModelRoots {
		d, err := parseDigest(r, "blake3", "model root")
		if err != nil {
			return nil, fmt.Errorf("policy: %w", err)
		}
		out.roots[d] = true
	}
	out.Capabilities = slices.Clone(p.Capabilities)
	return out, nil
}

// accepts reports whether the policy can accept a peer of kind at all.
func (p *policy) accepts(kind string) bool {
	switch kind {
	case KindMetabolic:
		return len(p.Chains) > 0
	case KindOpenWeight:
		return len(p.roots) > 0
	}
	return false
}

// grant returns the capabilities of wanted that the policy grants, in the
// order of wanted.
func (p *policy) grant(wanted []string) []string {
	out := []string{}
	for _, c := range wanted {
		if slices.Contains(p.Capabilities, c) {
			out = append(out, c)
		}
	}
	return out
}

// trustScore is 50 for a proof that exactly meets the policy and rises
// linearly to 100: for a burn, at twice the chain's minimum; for weights,
// with the chunks opened over those the policy asks of a model of that many
// chunks, min(SpotChecks, chunks) (50 when that is 0).
func (p *policy) trustScore(kind string, amount *big.Int, chain string, opened int, chunks int64) int {
	if kind == KindMetabolic {
		min := p.Chains[chain].MinBurn
		extra := new(big.Int).Sub(amount, min)
		extra.Mul(extra, big.NewInt(50))
		extra.Quo(extra, min)
		if extra.Cmp(big.NewInt(50)) > 0 {
			return 100
		}
		return 50 + int(extra.Int64())
	}
	asked := int(min(int64(p.SpotChecks), chunks))
	if asked <= 0 {
		return 50
	}
	return 50 + 50*min(opened, asked)/asked
}
