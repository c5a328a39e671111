package cahp

import (
	"context"
	"crypto/hmac"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/accordsdk/accord/envelope"
)

// An Initiator opens handshakes with responders it has pinned. It checks
// everything the responder sends (its proof, its openings, its key
// confirmation, its burn) before it solves the responder's hashcash, and
// the ticket before it returns a [Session]. An Initiator is safe for
// concurrent use; each [Initiator.Handshake] is one session.
type Initiator struct {
	*party
	maxDifficulty int
}

// NewInitiator returns an initiator signing with signer (an Ed25519 key).
// [WithPeers] and one of [WithBurner] or [WithWeights] are required.
func NewInitiator(signer envelope.Signer, opts ...Option) (*Initiator, error) {
	p, c, err := newParty(signer, opts, roleInitiator)
	if err != nil {
		return nil, fmt.Errorf("cahp: initiator: %w", err)
	}
	return &Initiator{party: p, maxDifficulty: c.maxDifficulty}, nil
}

// A Transport carries the messages of one request of a handshake to the
// responder and brings back its answer: [NewMemoryTransport] in process,
// [NewHTTPTransport] over HTTP.
type Transport interface {
	// Exchange sends msgs (envelopes) of phase for session sessionID and
	// returns the envelopes the responder answered with. A refusal by the
	// responder is an error (a [*TransportError] over HTTP).
	Exchange(ctx context.Context, sessionID, phase string, msgs [][]byte) ([][]byte, error)
}

// A PhaseEvent reports a phase an [Initiator] completed, for progress
// output. Sent and Received are the envelopes of the phase.
type PhaseEvent struct {
	Phase          string
	SessionID      string
	Sent, Received [][]byte
}

// HandshakeOption changes one [Initiator.Handshake]. An invalid option makes
// the handshake fail before anything is sent.
type HandshakeOption func(*handshake) error

// OnPhase makes the handshake call f after each completed phase.
func OnPhase(f func(PhaseEvent)) HandshakeOption {
	return func(h *handshake) error {
		if f == nil {
			return errors.New("OnPhase: nil function")
		}
		h.onPhase = f
		return nil
	}
}

// WithSessionID sets the session id instead of drawing a random one. It is
// meant for reproducible test vectors.
func WithSessionID(id string) HandshakeOption {
	return func(h *handshake) error {
		if _, err := parseSessionID(id); err != nil {
			return fmt.Errorf("WithSessionID: %w", err)
		}
		h.id = id
		return nil
	}
}

// handshake is one initiator session.
type handshake struct {
	in       *Initiator
	t        Transport
	id       string
	peer     peerState
	th       *transcript
	kex      *kex
	shared   []byte
	myNonce  []byte
	th2, th6 [32]byte
	deadline time.Time
	onPhase  func(PhaseEvent)
}

// Handshake runs the five phases with the responder behind t and returns
// the session, with its ticket and session key. Any refusal ends the session
// on both sides: the initiator sends an abort, and returns a
// [*RefusalError].
func (in *Initiator) Handshake(ctx context.Context, t Transport, opts ...HandshakeOption) (*Session, error) {
	h := &handshake{in: in, t: t, th: newTranscript()}
	for _, o := range opts {
		if err := o(h); err != nil {
			return nil, fmt.Errorf("cahp: handshake: %w", err)
		}
	}
	if h.id == "" {
		h.id = b64.EncodeToString(in.random(SessionIDSize))
	}
	if _, err := parseSessionID(h.id); err != nil {
		return nil, fmt.Errorf("cahp: handshake: %w", err)
	}
	h.myNonce = in.random(ChallengeNonceSize)
	h.deadline = in.now().Add(in.policy.SessionTTL)
	var err error
	if h.kex, err = newKex(in.rand); err != nil {
		return nil, err
	}
	phase := PhaseDiscovery
	s, err := h.run(ctx, &phase)
	if err != nil {
		if phase != PhaseDiscovery {
			h.abort(ctx, err)
		}
		in.logger.Info("cahp: handshake refused", "session", h.id, "phase", phase, "err", err)
		return nil, &RefusalError{Phase: phase, SessionID: h.id, Err: err}
	}
	return s, nil
}

// abort tells the responder the session is over (best effort).
func (h *handshake) abort(ctx context.Context, reason error) {
	m, err := h.in.seal(TypeAbort, &Abort{SessionID: h.id, Reason: truncate(reason.Error(), maxReasonLen)})
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	h.t.Exchange(ctx, h.id, PhaseAbort, [][]byte{m})
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xc0 == 0x80 {
		n--
	}
	return s[:n]
}

// exchange sends msgs of phase and checks the answer has want messages.
func (h *handshake) exchange(ctx context.Context, phase string, want int, msgs ...[]byte) ([][]byte, error) {
	if h.in.now().After(h.deadline) {
		return nil, fmt.Errorf("%w: session ended at %s", ErrExpired, h.deadline.UTC().Format(time.RFC3339))
	}
	got, err := h.t.Exchange(ctx, h.id, phase, msgs)
	if err != nil {
		return nil, err
	}
	if len(got) != want {
		return nil, fmt.Errorf("%w: %d messages in answer to %s, want %d", ErrMalformed, len(got), phase, want)
	}
	if h.onPhase != nil {
		h.onPhase(PhaseEvent{Phase: phase, SessionID: h.id, Sent: msgs, Received: got})
	}
	return got, nil
}

// openFrom verifies a message from the responder and its session facts.
func (h *handshake) openFrom(raw []byte, typ string) (*opened, error) {
	o, err := h.in.open(raw)
	if err != nil {
		return nil, err
	}
	if _, err := checkFrom(o, &h.peer, typ); err != nil {
		return nil, err
	}
	return o, nil
}

func (h *handshake) run(ctx context.Context, phase *string) (*Session, error) {
	in := h.in
	// Phase 1: discovery.
	m1, err := in.seal(TypeDiscovery, &Discovery{SessionID: h.id, Capabilities: in.policy.grantAll(), Parameters: Parameters{
		Version: Version, Kex: "x25519", KexPubkey: b64.EncodeToString(h.kex.public()),
		ChallengeNonce: b64.EncodeToString(h.myNonce), MaxDifficulty: in.maxDifficulty}})
	if err != nil {
		return nil, err
	}
	got, err := h.exchange(ctx, PhaseDiscovery, 1, m1)
	if err != nil {
		return nil, err
	}
	*phase = PhaseProof // from here on, a refusal is sent to the responder
	o, err := in.open(got[0])
	if err != nil {
		return nil, err
	}
	if o.env.Type != TypeDiscovery {
		return nil, fmt.Errorf("%w: %s, want %s", ErrOutOfOrder, o.env.Type, TypeDiscovery)
	}
	if !in.policy.accepts(o.env.SenderType) {
		return nil, fmt.Errorf("%w: %q responders are not accepted", ErrPolicy, o.env.SenderType)
	}
	h.peer = peerState{key: o.env.SenderPubkey, kind: o.env.SenderType}
	d, err := ParseDiscovery(o.env.Payload)
	if err != nil {
		return nil, err
	}
	if err := checkSession(d.SessionID, h.id); err != nil {
		return nil, err
	}
	for _, c := range d.Capabilities {
		if !slices.Contains(in.policy.Capabilities, c) {
			return nil, fmt.Errorf("%w: responder offers capability %q, which was not asked for", ErrPolicy, c)
		}
	}
	h.peer.discovery = d
	h.peer.kexPub, _ = decodeBin(d.Parameters.KexPubkey, KexKeySize, "kex_pubkey")
	h.peer.challengeNonce, _ = decodeBin(d.Parameters.ChallengeNonce, ChallengeNonceSize, "challenge_nonce")
	if h.shared, err = h.kex.shared(h.peer.kexPub); err != nil {
		return nil, err
	}
	h.th.add(signingBytes(m1))
	h.th.add(o.signing)
	h.th2 = h.th.sum()

	// Phase 2: proof exchange.
	mine, err := in.myProof(ctx, h.id, h.th2, roleInitiator, h.peer.challengeNonce)
	if err != nil {
		return nil, err
	}
	m3, err := in.seal(TypeProof, mine)
	if err != nil {
		return nil, err
	}
	if got, err = h.exchange(ctx, PhaseProof, 1, m3); err != nil {
		return nil, err
	}
	*phase = PhaseChallenge
	if o, err = h.openFrom(got[0], TypeProof); err != nil {
		return nil, err
	}
	pr, err := ParseProof(o.env.Payload)
	if err != nil {
		return nil, err
	}
	if err := checkSession(pr.SessionID, h.id); err != nil {
		return nil, err
	}
	if h.peer.burn, err = in.checkProof(pr, &h.peer, h.th2, roleResponder, h.myNonce); err != nil {
		return nil, err
	}
	h.peer.proof = pr
	h.th.add(signingBytes(m3))
	h.th.add(o.signing)

	// Phase 3: challenges. The initiator's asks no work, only spot checks.
	h.peer.myChallenge = in.newChallenge(h.id, 0, &h.peer)
	m5, err := in.seal(TypeChallenge, h.peer.myChallenge)
	if err != nil {
		return nil, err
	}
	if got, err = h.exchange(ctx, PhaseChallenge, 2, m5); err != nil {
		return nil, err
	}
	*phase = PhaseResponse
	h.th.add(signingBytes(m5))
	if o, err = h.openFrom(got[0], TypeChallenge); err != nil {
		return nil, err
	}
	c, err := ParseChallenge(o.env.Payload)
	if err != nil {
		return nil, err
	}
	if err := checkSession(c.SessionID, h.id); err != nil {
		return nil, err
	}
	if err := in.checkPeerChallenge(c, h.maxDifficulty()); err != nil {
		return nil, err
	}
	h.th.add(o.signing)
	h.th6 = h.th.sum()
	// The responder's answer to our challenge, with its key confirmation.
	if o, err = h.openFrom(got[1], TypeResponse); err != nil {
		return nil, err
	}
	resp, err := ParseResponse(o.env.Payload)
	if err != nil {
		return nil, err
	}
	if err := checkSession(resp.SessionID, h.id); err != nil {
		return nil, err
	}
	if err := in.checkResponse(resp, h.peer.myChallenge, h.peer.proof); err != nil {
		return nil, err
	}
	kc, _ := decodeBin(resp.KeyConfirmation, 32, "key_confirmation")
	if !hmac.Equal(kc, confirmation(h.shared, h.th6, roleResponder, h.th6)) {
		return nil, fmt.Errorf("%w: responder's confirmation does not match the transcript", ErrKeyConfirmation)
	}
	h.th.add(o.signing)
	th7 := h.th.sum()
	if err := in.verifyBurn(ctx, h.peer.burn); err != nil {
		return nil, err
	}

	// Phase 4: our response (the work is done only now).
	answer, err := in.answer(ctx, c)
	if err != nil {
		return nil, err
	}
	answer.KeyConfirmation = b64.EncodeToString(confirmation(h.shared, h.th6, roleInitiator, th7))
	m8, err := in.seal(TypeResponse, answer)
	if err != nil {
		return nil, err
	}
	if got, err = h.exchange(ctx, PhaseResponse, 1, m8); err != nil {
		return nil, err
	}
	h.th.add(signingBytes(m8))
	th8 := h.th.sum()

	// Phase 5: the ticket.
	if o, err = h.openFrom(got[0], TypeTicket); err != nil {
		return nil, err
	}
	t, err := ParseTicketPayload(o.env.Payload)
	if err != nil {
		return nil, err
	}
	if err := h.checkTicket(t, o.env, th8); err != nil {
		return nil, err
	}
	h.th.add(o.signing)
	th9 := h.th.sum()
	return &Session{ID: h.id, Peer: h.peer.key, PeerKind: h.peer.kind, Key: sessionKey(h.shared, th9),
		Transcript: th9, Ticket: got[0], Payload: t}, nil
}

func (h *handshake) maxDifficulty() int { return h.in.maxDifficulty }

// checkTicket checks that the ticket is this session's, for this side, over
// this transcript, with a sane lifetime and no capability not asked for.
func (h *handshake) checkTicket(t *TicketPayload, e *envelope.Envelope, th8 [32]byte) error {
	if err := checkSession(t.SessionID, h.id); err != nil {
		return err
	}
	if t.Subject != h.in.signer.PublicKey() || t.SubjectType != h.in.kind {
		return fmt.Errorf("%w: ticket for %.40s (%s), this side is %.40s (%s)", ErrTicket, t.Subject, t.SubjectType, h.in.signer.PublicKey(), h.in.kind)
	}
	if t.Transcript != formatDigest("sha256", th8[:]) {
		return fmt.Errorf("%w: ticket over transcript %.80s, this session's is sha256:%x", ErrTicket, t.Transcript, th8)
	}
	if err := checkLifetime(t, e.Timestamp, h.in.now()); err != nil {
		return err
	}
	for _, c := range t.Capabilities {
		if !slices.Contains(h.in.policy.Capabilities, c) {
			return fmt.Errorf("%w: ticket grants %q, which was not asked for", ErrTicket, c)
		}
	}
	return nil
}

// grantAll returns the policy's capabilities (an initiator asks for them).
func (p *policy) grantAll() []string { return append([]string{}, p.Capabilities...) }
