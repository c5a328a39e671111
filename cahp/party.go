package cahp

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"time"

	"github.com/accordsdk/accord/envelope"
)

// An Option configures an [Initiator] or a [Responder]. Options that apply
// to one side only are an error on the other.
type Option func(*config) error

type config struct {
	peers         *envelope.KeyRing
	policy        Policy
	burner        Burner
	weights       *Weights
	burns         map[string]BurnVerifier
	now           func() time.Time
	maxDifficulty int
	maxSessions   int
	onSession     func(*Session)
	logger        *slog.Logger
	cache         *envelope.ReplayCache
	initiatorOnly []string
	responderOnly []string
}

// WithPeers sets the keys of the peers this side accepts (the allow-list):
// a responder opens sessions only for initiators whose keys are in ring, an
// initiator accepts only responders whose keys are in it. Required. The
// application may go on changing the ring; a removed or retired key fails
// every step after its removal.
func WithPeers(ring *envelope.KeyRing) Option {
	return func(c *config) error {
		if ring == nil {
			return errors.New("nil peer key ring")
		}
		c.peers = ring
		return nil
	}
}

// WithPolicy sets what this side asks of its peer (default [DefaultPolicy]).
func WithPolicy(p Policy) Option {
	return func(c *config) error { c.policy = p; return nil }
}

// WithBurner makes this side a metabolic agent that proves itself with burns
// made by b.
func WithBurner(b Burner) Option {
	return func(c *config) error {
		if b == nil {
			return errors.New("nil burner")
		}
		c.burner = b
		return nil
	}
}

// WithWeights makes this side an open-weight agent that proves itself with
// the weight commitment w.
func WithWeights(w *Weights) Option {
	return func(c *config) error {
		if w == nil {
			return errors.New("nil weights")
		}
		c.weights = w
		return nil
	}
}

// WithBurnVerifier sets the verifier of burns on chain (a CAIP-2 id that
// the policy lists). Needed for every chain of the policy.
func WithBurnVerifier(chain string, v BurnVerifier) Option {
	return func(c *config) error {
		if err := checkChain(chain); err != nil {
			return err
		}
		if v == nil {
			return errors.New("nil burn verifier")
		}
		if c.burns == nil {
			c.burns = make(map[string]BurnVerifier)
		}
		c.burns[chain] = v
		return nil
	}
}

// WithClock sets the clock (default [time.Now]).
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("nil clock")
		}
		c.now = now
		return nil
	}
}

// WithLogger sets the logger for refusals (default: discard).
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("nil logger")
		}
		c.logger = l
		return nil
	}
}

// WithReplayCache shares a replay cache between this side's verifier and
// others (so one message is accepted once across them).
func WithReplayCache(cache *envelope.ReplayCache) Option {
	return func(c *config) error {
		if cache == nil {
			return errors.New("nil replay cache")
		}
		c.cache = cache
		return nil
	}
}

// WithMaxDifficulty sets the most hashcash work an initiator does, 0 to
// [MaxDifficulty] (default [DefaultMaxDifficulty]). Initiator only.
func WithMaxDifficulty(d int) Option {
	return func(c *config) error {
		if d < 0 || d > MaxDifficulty {
			return fmt.Errorf("max difficulty %d, want 0 to %d", d, MaxDifficulty)
		}
		c.maxDifficulty = d
		c.initiatorOnly = append(c.initiatorOnly, "WithMaxDifficulty")
		return nil
	}
}

// WithMaxSessions bounds the sessions a responder holds open at once
// (default 1024); discovery beyond it is refused with [ErrBusy]. Responder
// only.
func WithMaxSessions(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("max sessions %d, want at least 1", n)
		}
		c.maxSessions = n
		c.responderOnly = append(c.responderOnly, "WithMaxSessions")
		return nil
	}
}

// WithSessionHandler sets a function a responder calls with each session it
// completes (ticket issued). Responder only.
func WithSessionHandler(f func(*Session)) Option {
	return func(c *config) error {
		if f == nil {
			return errors.New("nil session handler")
		}
		c.onSession = f
		c.responderOnly = append(c.responderOnly, "WithSessionHandler")
		return nil
	}
}

// party is what both sides share: identity, proof, policy and verifier.
type party struct {
	signer   envelope.Signer
	kind     string
	policy   *policy
	burner   Burner
	weights  *Weights
	burns    map[string]BurnVerifier
	peers    *envelope.KeyRing
	verifier *envelope.Verifier
	now      func() time.Time
	rand     io.Reader // crypto/rand.Reader; a seeded stream in vector tests
	logger   *slog.Logger
}

func newParty(signer envelope.Signer, opts []Option, side string) (*party, *config, error) {
	c := config{policy: DefaultPolicy(), now: time.Now, maxDifficulty: DefaultMaxDifficulty, maxSessions: 1024,
		logger: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		if err := o(&c); err != nil {
			return nil, nil, err
		}
	}
	if side == roleInitiator && len(c.responderOnly) > 0 {
		return nil, nil, fmt.Errorf("%s is a responder option", c.responderOnly[0])
	}
	if side == roleResponder && len(c.initiatorOnly) > 0 {
		return nil, nil, fmt.Errorf("%s is an initiator option", c.initiatorOnly[0])
	}
	if signer == nil || signer.Algorithm() != envelope.AlgEd25519 {
		return nil, nil, errors.New("want an Ed25519 signer")
	}
	if c.peers == nil {
		return nil, nil, errors.New("no peers, want WithPeers")
	}
	p := &party{rand: rand.Reader, signer: signer, burner: c.burner, weights: c.weights, burns: c.burns, peers: c.peers, now: c.now, logger: c.logger}
	switch {
	case c.burner != nil && c.weights != nil:
		return nil, nil, errors.New("both WithBurner and WithWeights: an agent has one kind")
	case c.burner != nil:
		p.kind = KindMetabolic
	case c.weights != nil:
		p.kind = KindOpenWeight
	default:
		return nil, nil, errors.New("no proof, want WithBurner (metabolic) or WithWeights (open_weight)")
	}
	var err error
	if p.policy, err = c.policy.check(); err != nil {
		return nil, nil, err
	}
	for chain := range p.policy.Chains {
		if p.burns[chain] == nil {
			return nil, nil, fmt.Errorf("policy accepts chain %s but no WithBurnVerifier for it", chain)
		}
	}
	vopts := []envelope.VerifierOption{
		envelope.WithTypes(TypeDiscovery, TypeProof, TypeChallenge, TypeResponse, TypeTicket, TypeAbort),
		envelope.WithKeyRing(c.peers), envelope.WithClock(c.now),
		// Every message after discovery is bound to fresh random values of
		// both sides, so no message a predecessor accepted can be accepted
		// in a session opened after a restart: the fence is not needed (see
		// the package documentation, "Replay and restarts").
		envelope.WithoutStartupFence(),
	}
	if c.cache != nil {
		vopts = append(vopts, envelope.WithReplayCache(c.cache))
	}
	if p.verifier, err = envelope.NewVerifier(vopts...); err != nil {
		return nil, nil, err
	}
	return p, &c, nil
}

// seal signs a payload of type typ as this side.
func (p *party) seal(typ string, payload any) ([]byte, error) {
	raw, err := marshal(payload)
	if err != nil {
		return nil, err
	}
	return envelope.Seal(p.signer, typ, raw, envelope.WithTimestamp(p.now()), envelope.WithSenderType(p.kind),
		envelope.WithNonce(p.random(envelope.NonceSize)))
}

// random returns n bytes from the party's random source.
func (p *party) random(n int) []byte {
	b := make([]byte, n)
	if _, err := io.ReadFull(p.rand, b); err != nil {
		panic("cahp: random source failed: " + err.Error())
	}
	return b
}

// opened is a verified message with the bytes its transcript entry covers.
type opened struct {
	env     *envelope.Envelope
	signing []byte
}

// open verifies one message's envelope: shape, key pinned, window,
// signature, then the nonce. It checks nothing about the session.
func (p *party) open(raw []byte) (*opened, error) {
	e, err := p.verifier.Open(raw)
	if err != nil {
		return nil, err
	}
	if e.Format != envelope.FormatJSON {
		return nil, fmt.Errorf("%w: %s envelope, want json", ErrMalformed, e.Format)
	}
	sb, err := envelope.SigningBytes(raw)
	if err != nil {
		return nil, err
	}
	return &opened{env: e, signing: sb}, nil
}

// peerState is what one side knows of its peer in a session.
type peerState struct {
	key, kind      string
	discovery      *Discovery
	proof          *Proof
	burn           *Burn
	challenge      *Challenge // the peer's challenge to us
	myChallenge    *Challenge // ours to the peer
	kexPub         []byte
	challengeNonce []byte
}

// checkFrom checks the session-level facts of a verified message: from the
// session's peer (else [ErrWrongSender], which does not end the session:
// anyone may send garbage), of the expected type and kind, naming this
// session. The second result says whether a refusal ends the session.
func checkFrom(o *opened, peer *peerState, wantType string) (fatal bool, err error) {
	e := o.env
	if e.SenderPubkey != peer.key {
		return false, fmt.Errorf("%w: signed by %.40s, the session's peer is %.40s", ErrWrongSender, e.SenderPubkey, peer.key)
	}
	if e.Type != wantType {
		return true, fmt.Errorf("%w: %s, want %s", ErrOutOfOrder, e.Type, wantType)
	}
	if e.SenderType != peer.kind {
		return true, fmt.Errorf("%w: sender_type %q, the peer is %q", ErrWrongSender, e.SenderType, peer.kind)
	}
	return true, nil
}

// checkSession compares a payload's session_id with the session's.
func checkSession(got, want string) error {
	g, err := parseSessionID(got)
	if err != nil {
		return err
	}
	w, _ := parseSessionID(want)
	if string(g) != string(w) {
		return fmt.Errorf("%w: session_id %s, this session is %s", ErrWrongSession, got, want)
	}
	return nil
}

// myProof builds this side's proof for a session.
func (p *party) myProof(ctx context.Context, sessionID string, th2 [32]byte, role string, peerNonce []byte) (*Proof, error) {
	if p.kind == KindMetabolic {
		b, err := p.burner(ctx, BurnBinding(th2, role))
		if err != nil {
			return nil, fmt.Errorf("cahp: burn: %w", err)
		}
		if b.Amount == nil || b.Amount.Sign() <= 0 {
			return nil, errors.New("cahp: burn: burner returned no amount")
		}
		return &Proof{SessionID: sessionID, ProofType: ProofBurn, Chain: b.Chain, TxHash: b.TxHash,
			BurnAmountSats: b.Amount.String(), SessionBinding: b64.EncodeToString(b.Binding[:])}, nil
	}
	sid, _ := parseSessionID(sessionID)
	return &Proof{SessionID: sessionID, ProofType: ProofWeights, MerkleRoot: p.weights.Root(),
		SessionNonceCommitment: NonceCommitment(p.weights.root, peerNonce, sid),
		LeafCount:              p.weights.leaves, ChunkSize: p.weights.chunkSize}, nil
}

// checkProof checks the peer's proof against the policy without touching a
// chain: its kind, the chain and amount, the binding, or the model root and
// the nonce commitment. It returns the burn to verify later, if any.
func (p *party) checkProof(pr *Proof, peer *peerState, th2 [32]byte, peerRole string, myNonce []byte) (*Burn, error) {
	if pr.kind() != peer.kind {
		return nil, fmt.Errorf("%w: %s proof from a %s peer", ErrWrongSender, pr.ProofType, peer.kind)
	}
	if pr.ProofType == ProofBurn {
		cp, ok := p.policy.Chains[pr.Chain]
		if !ok {
			return nil, fmt.Errorf("%w: burns on chain %s are not accepted", ErrPolicy, pr.Chain)
		}
		amount, _ := parseAmount(pr.BurnAmountSats)
		if amount.Cmp(cp.MinBurn) < 0 {
			return nil, fmt.Errorf("%w: burn of %s on %s, policy minimum %s", ErrBurnTooSmall, amount, pr.Chain, cp.MinBurn)
		}
		binding, _ := decodeBin(pr.SessionBinding, 32, "session_binding")
		want := BurnBinding(th2, peerRole)
		if string(binding) != string(want[:]) {
			return nil, fmt.Errorf("%w: session_binding %x, this session's is %x", ErrBurnBinding, binding[:8], want[:8])
		}
		return &Burn{Chain: pr.Chain, TxHash: pr.TxHash, Amount: amount, Binding: want}, nil
	}
	root, _ := parseDigest(pr.MerkleRoot, "blake3", "merkle_root")
	if !p.policy.roots[root] {
		return nil, fmt.Errorf("%w: model root %s is not allowed", ErrWeightRoot, pr.MerkleRoot)
	}
	sid, _ := parseSessionID(pr.SessionID)
	if want := NonceCommitment(root, myNonce, sid); pr.SessionNonceCommitment != want {
		return nil, fmt.Errorf("%w: session_nonce_commitment %.80s does not bind the root to this session's nonce", ErrWeightRoot, pr.SessionNonceCommitment)
	}
	return nil, nil
}

// verifyBurn checks the peer's burn on its chain.
func (p *party) verifyBurn(ctx context.Context, b *Burn) error {
	if b == nil {
		return nil
	}
	v := p.burns[b.Chain]
	if err := v.VerifyBurn(ctx, *b, p.policy.Chains[b.Chain].MinConfirmations); err != nil {
		return fmt.Errorf("burn %s on %s: %w", b.TxHash, b.Chain, err)
	}
	return nil
}

// newChallenge builds this side's challenge to the peer.
func (p *party) newChallenge(sessionID string, difficulty int, peer *peerState) *Challenge {
	prefix := p.random(MinPrefixSize)
	c := &Challenge{SessionID: sessionID, ChallengeType: ChallengeHashcash, Prefix: b64.EncodeToString(prefix),
		Difficulty: difficulty, Target: Target(difficulty), Expiry: p.now().Add(p.policy.ChallengeTTL).Unix(),
		SpotChecks: []int64{}}
	if peer.proof.ProofType == ProofWeights {
		c.SpotChecks = spotChecks(p.rand, peer.proof.LeafCount, p.policy.SpotChecks)
	}
	return c
}

// checkPeerChallenge checks the challenge the peer sent this side: its
// difficulty within maxDifficulty, not expired, and spot checks that fit
// this side's commitment.
func (p *party) checkPeerChallenge(c *Challenge, maxDifficulty int) error {
	if c.Difficulty > maxDifficulty {
		return fmt.Errorf("%w: difficulty %d, this side solves at most %d", ErrDifficulty, c.Difficulty, maxDifficulty)
	}
	if now := p.now().Unix(); c.Expiry <= now {
		return fmt.Errorf("%w: challenge expired at %d, now %d", ErrExpired, c.Expiry, now)
	}
	if p.kind == KindMetabolic && len(c.SpotChecks) > 0 {
		return fmt.Errorf("%w: spot checks asked of a metabolic agent", ErrWrongChallenge)
	}
	for _, i := range c.SpotChecks {
		if p.kind == KindOpenWeight && i >= p.weights.leaves-1 {
			return fmt.Errorf("%w: spot check of chunk %d, the commitment has %d", ErrWrongChallenge, i, p.weights.leaves-1)
		}
	}
	return nil
}

// answer solves the peer's challenge and opens the chunks it asks for.
func (p *party) answer(ctx context.Context, c *Challenge) (*Response, error) {
	prefix, _ := b64.DecodeString(c.Prefix)
	sid, _ := parseSessionID(c.SessionID)
	start := time.Now()
	ctr, sum, err := SolveHashcash(ctx, prefix, sid, c.Difficulty)
	if err != nil {
		return nil, err
	}
	r := &Response{SessionID: c.SessionID, Nonce: int64(ctr), Hash: formatDigest("sha256", sum[:]),
		RuntimeSec: float64(time.Since(start).Milliseconds()) / 1000, Openings: []Opening{}}
	if len(c.SpotChecks) > 0 {
		if r.Openings, err = p.weights.Open(c.SpotChecks); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// checkResponse checks the peer's response to this side's challenge: in
// time, the hashcash (one hash), and every requested chunk opened against
// the peer's root, in order.
func (p *party) checkResponse(r *Response, mine *Challenge, peerProof *Proof) error {
	if now := p.now().Unix(); now > mine.Expiry {
		return fmt.Errorf("%w: challenge expired at %d, response at %d", ErrExpired, mine.Expiry, now)
	}
	prefix, _ := b64.DecodeString(mine.Prefix)
	sid, _ := parseSessionID(mine.SessionID)
	sum, err := VerifyHashcash(prefix, sid, mine.Difficulty, uint64(r.Nonce))
	if err != nil {
		return err
	}
	if h, _ := parseDigest(r.Hash, "sha256", "hash"); h != sum {
		return fmt.Errorf("%w: hash %.80s is not the hash of nonce %d", ErrUnsolved, r.Hash, r.Nonce)
	}
	if len(r.Openings) != len(mine.SpotChecks) {
		return fmt.Errorf("%w: %d chunks opened, %d asked", ErrSpotCheck, len(r.Openings), len(mine.SpotChecks))
	}
	for i, o := range r.Openings {
		if o.Index != mine.SpotChecks[i] {
			return fmt.Errorf("%w: opening %d is of chunk %d, asked %d", ErrSpotCheck, i, o.Index, mine.SpotChecks[i])
		}
		if err := VerifyOpening(peerProof.MerkleRoot, peerProof.LeafCount, peerProof.ChunkSize, o); err != nil {
			return err
		}
	}
	return nil
}

// score is the trust score of a peer whose proof verified.
func (p *party) score(peer *peerState) int {
	if peer.burn != nil {
		return p.policy.trustScore(KindMetabolic, peer.burn.Amount, peer.burn.Chain, 0, 0)
	}
	return p.policy.trustScore(KindOpenWeight, new(big.Int), "", len(peer.myChallenge.SpotChecks), peer.proof.LeafCount-1)
}

// A Session is a completed handshake, as each side sees it.
type Session struct {
	// ID is the session_id.
	ID string
	// Peer is the peer's key string and PeerKind its kind.
	Peer, PeerKind string
	// Key is the session key both sides derived; it never travels.
	Key [32]byte
	// Transcript is the hash of the whole handshake, ticket included.
	Transcript [32]byte
	// Ticket is the ticket envelope, as sent.
	Ticket []byte
	// Payload is the ticket's payload.
	Payload *TicketPayload
}
