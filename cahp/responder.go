package cahp

import (
	"context"
	"crypto/hmac"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/accordsdk/accord/envelope"
)

// Phases: the names of the handshake's requests (the last element of the
// HTTP path), each carrying messages of one type.
const (
	PhaseDiscovery = "discovery"
	PhaseProof     = "proof"
	PhaseChallenge = "challenge"
	PhaseResponse  = "response"
	PhaseAbort     = "abort"
)

// phaseType maps a request's phase to the type of the message it carries.
var phaseType = map[string]string{
	PhaseDiscovery: TypeDiscovery,
	PhaseProof:     TypeProof,
	PhaseChallenge: TypeChallenge,
	PhaseResponse:  TypeResponse,
	PhaseAbort:     TypeAbort,
}

// A Responder answers handshakes: it opens a session for each discovery
// from a pinned initiator, walks it through the phases in order, and issues
// a ticket only after it verified the initiator's hashcash, proof and key
// confirmation. A refused message from the session's peer ends the session;
// a message that does not verify as the peer's is refused without touching
// the session. A Responder is safe for concurrent use.
type Responder struct {
	*party
	mu          sync.Mutex
	sessions    map[string]*rsession
	maxSessions int
	onSession   func(*Session)
}

// rsession is a responder's session. next is the phase it expects.
type rsession struct {
	mu       sync.Mutex
	id       string
	peer     peerState
	next     string
	deadline time.Time
	th       *transcript
	shared   []byte
	myNonce  []byte
	th2, th6 [32]byte
	ended    bool
}

// NewResponder returns a responder signing with signer (an Ed25519 key).
// [WithPeers] and one of [WithBurner] or [WithWeights] are required.
func NewResponder(signer envelope.Signer, opts ...Option) (*Responder, error) {
	p, c, err := newParty(signer, opts, roleResponder)
	if err != nil {
		return nil, fmt.Errorf("cahp: responder: %w", err)
	}
	return &Responder{party: p, sessions: make(map[string]*rsession), maxSessions: c.maxSessions, onSession: c.onSession}, nil
}

// Sessions returns the number of sessions open (discovered, not yet ended).
func (r *Responder) Sessions() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.sessions)
}

// Handle processes one request of a handshake: the messages msgs of phase
// for the session sessionID. It returns the messages to send back, or an
// error wrapping the reason as a [*RefusalError].
func (r *Responder) Handle(ctx context.Context, sessionID, phase string, msgs [][]byte) ([][]byte, error) {
	out, err := r.handle(ctx, sessionID, phase, msgs)
	if err != nil {
		r.logger.Info("cahp: refused", "session", sessionID, "phase", phase, "err", err)
		return nil, &RefusalError{Phase: phase, SessionID: sessionID, Err: err}
	}
	return out, nil
}

func (r *Responder) handle(ctx context.Context, sessionID, phase string, msgs [][]byte) ([][]byte, error) {
	typ, ok := phaseType[phase]
	if !ok {
		return nil, fmt.Errorf("%w: no phase %.40q", ErrMalformed, phase)
	}
	if _, err := parseSessionID(sessionID); err != nil {
		return nil, err
	}
	if len(msgs) != 1 {
		return nil, fmt.Errorf("%w: %d messages, want 1", ErrMalformed, len(msgs))
	}
	o, err := r.open(msgs[0])
	if err != nil {
		return nil, err
	}
	if phase == PhaseDiscovery {
		return r.discovery(sessionID, o)
	}
	r.mu.Lock()
	s := r.sessions[sessionID]
	r.mu.Unlock()
	if s == nil {
		return nil, fmt.Errorf("%w: %s", ErrUnknownSession, sessionID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		return nil, fmt.Errorf("%w: %s ended", ErrUnknownSession, sessionID)
	}
	fatal, err := checkFrom(o, &s.peer, typ)
	if err == nil && phase != PhaseAbort && phase != s.next {
		err = fmt.Errorf("%w: %s, the session expects %s", ErrOutOfOrder, phase, s.next)
	}
	if err == nil && r.now().After(s.deadline) {
		err = fmt.Errorf("%w: session ended at %s", ErrExpired, s.deadline.UTC().Format(time.RFC3339))
	}
	var out [][]byte
	if err == nil {
		switch phase {
		case PhaseProof:
			out, err = r.proof(ctx, s, o)
		case PhaseChallenge:
			out, err = r.challenge(ctx, s, o)
		case PhaseResponse:
			out, err = r.response(ctx, s, o)
		case PhaseAbort:
			err = abortErr(o, s.id)
		}
	}
	if err != nil && fatal || phase == PhaseResponse && err == nil {
		r.end(s)
	}
	if phase == PhaseAbort && errors.Is(err, ErrAborted) {
		return [][]byte{}, nil
	}
	return out, err
}

// abortErr reads an abort message and returns [ErrAborted] with its reason.
func abortErr(o *opened, sessionID string) error {
	a, err := ParseAbort(o.env.Payload)
	if err != nil {
		return err
	}
	if err := checkSession(a.SessionID, sessionID); err != nil {
		return err
	}
	return fmt.Errorf("%w: %.200q", ErrAborted, a.Reason)
}

// end removes a session for good.
func (r *Responder) end(s *rsession) {
	s.ended = true
	r.mu.Lock()
	if r.sessions[s.id] == s {
		delete(r.sessions, s.id)
	}
	r.mu.Unlock()
}

func (r *Responder) discovery(sessionID string, o *opened) ([][]byte, error) {
	e := o.env
	if e.Type != TypeDiscovery {
		return nil, fmt.Errorf("%w: %s opens no session, want %s", ErrOutOfOrder, e.Type, TypeDiscovery)
	}
	if !r.policy.accepts(e.SenderType) {
		return nil, fmt.Errorf("%w: %q agents are not accepted", ErrPolicy, e.SenderType)
	}
	d, err := ParseDiscovery(e.Payload)
	if err != nil {
		return nil, err
	}
	if err := checkSession(d.SessionID, sessionID); err != nil {
		return nil, err
	}
	k, err := newKex(r.rand)
	if err != nil {
		return nil, err
	}
	peerKex, _ := decodeBin(d.Parameters.KexPubkey, KexKeySize, "kex_pubkey")
	shared, err := k.shared(peerKex)
	if err != nil {
		return nil, err
	}
	now := r.now()
	s := &rsession{id: sessionID, next: PhaseProof, deadline: now.Add(r.policy.SessionTTL), th: newTranscript(),
		shared: shared, myNonce: r.random(ChallengeNonceSize)}
	s.peer = peerState{key: e.SenderPubkey, kind: e.SenderType, discovery: d, kexPub: peerKex}
	s.peer.challengeNonce, _ = decodeBin(d.Parameters.ChallengeNonce, ChallengeNonceSize, "challenge_nonce")
	reply := Discovery{SessionID: sessionID, Capabilities: r.policy.grant(d.Capabilities), Parameters: Parameters{
		Version: Version, Kex: "x25519", KexPubkey: b64.EncodeToString(k.public()),
		ChallengeNonce: b64.EncodeToString(s.myNonce), MaxDifficulty: r.policy.Difficulty}}
	m2, err := r.seal(TypeDiscovery, &reply)
	if err != nil {
		return nil, err
	}
	if err := r.admit(s, now); err != nil {
		return nil, err
	}
	s.th.add(o.signing)
	s.th.add(signingBytes(m2))
	s.th2 = s.th.sum()
	return [][]byte{m2}, nil
}

// admit files a new session, refusing a session id already in use and
// more than the maximum of open sessions (after dropping expired ones).
func (r *Responder) admit(s *rsession, now time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.sessions[s.id]; ok {
		return fmt.Errorf("%w: session %s is already open (discovery is its first message only)", ErrOutOfOrder, old.id)
	}
	if len(r.sessions) >= r.maxSessions {
		for id, old := range r.sessions {
			if now.After(old.deadline) {
				delete(r.sessions, id)
			}
		}
	}
	if len(r.sessions) >= r.maxSessions {
		return fmt.Errorf("%w: %d open", ErrBusy, len(r.sessions))
	}
	r.sessions[s.id] = s
	return nil
}

func (r *Responder) proof(ctx context.Context, s *rsession, o *opened) ([][]byte, error) {
	pr, err := ParseProof(o.env.Payload)
	if err != nil {
		return nil, err
	}
	if err := checkSession(pr.SessionID, s.id); err != nil {
		return nil, err
	}
	if s.peer.burn, err = r.checkProof(pr, &s.peer, s.th2, roleInitiator, s.myNonce); err != nil {
		return nil, err
	}
	s.peer.proof = pr
	mine, err := r.myProof(ctx, s.id, s.th2, roleResponder, s.peer.challengeNonce)
	if err != nil {
		return nil, err
	}
	m4, err := r.seal(TypeProof, mine)
	if err != nil {
		return nil, err
	}
	s.th.add(o.signing)
	s.th.add(signingBytes(m4))
	s.next = PhaseChallenge
	return [][]byte{m4}, nil
}

func (r *Responder) challenge(ctx context.Context, s *rsession, o *opened) ([][]byte, error) {
	c, err := ParseChallenge(o.env.Payload)
	if err != nil {
		return nil, err
	}
	if err := checkSession(c.SessionID, s.id); err != nil {
		return nil, err
	}
	// The responder does no work for an initiator it has not accepted.
	if err := r.checkPeerChallenge(c, 0); err != nil {
		return nil, err
	}
	s.peer.challenge = c
	s.th.add(o.signing)
	s.peer.myChallenge = r.newChallenge(s.id, r.policy.Difficulty, &s.peer)
	m6, err := r.seal(TypeChallenge, s.peer.myChallenge)
	if err != nil {
		return nil, err
	}
	s.th.add(signingBytes(m6))
	s.th6 = s.th.sum()
	resp, err := r.answer(ctx, c)
	if err != nil {
		return nil, err
	}
	resp.KeyConfirmation = b64.EncodeToString(confirmation(s.shared, s.th6, roleResponder, s.th6))
	m7, err := r.seal(TypeResponse, resp)
	if err != nil {
		return nil, err
	}
	s.th.add(signingBytes(m7))
	s.next = PhaseResponse
	return [][]byte{m6, m7}, nil
}

func (r *Responder) response(ctx context.Context, s *rsession, o *opened) ([][]byte, error) {
	resp, err := ParseResponse(o.env.Payload)
	if err != nil {
		return nil, err
	}
	if err := checkSession(resp.SessionID, s.id); err != nil {
		return nil, err
	}
	if err := r.checkResponse(resp, s.peer.myChallenge, s.peer.proof); err != nil {
		return nil, err
	}
	th7 := s.th.sum()
	got, _ := decodeBin(resp.KeyConfirmation, 32, "key_confirmation")
	if !hmac.Equal(got, confirmation(s.shared, s.th6, roleInitiator, th7)) {
		return nil, fmt.Errorf("%w: initiator's confirmation does not match the transcript", ErrKeyConfirmation)
	}
	// The burn is read from the chain last: only an initiator that did the
	// work and holds the session key costs the responder a chain read.
	if err := r.verifyBurn(ctx, s.peer.burn); err != nil {
		return nil, err
	}
	s.th.add(o.signing)
	th8 := s.th.sum()
	now := r.now()
	t := TicketPayload{SessionID: s.id, Capabilities: r.policy.grant(s.peer.discovery.Capabilities),
		Expiry: now.Add(r.policy.TicketLifetime).Unix(), TrustScore: r.score(&s.peer),
		Subject: s.peer.key, SubjectType: s.peer.kind, Transcript: formatDigest("sha256", th8[:])}
	m9, err := r.seal(TypeTicket, &t)
	if err != nil {
		return nil, err
	}
	s.th.add(signingBytes(m9))
	th9 := s.th.sum()
	if r.onSession != nil {
		r.onSession(&Session{ID: s.id, Peer: s.peer.key, PeerKind: s.peer.kind, Key: sessionKey(s.shared, th9),
			Transcript: th9, Ticket: m9, Payload: &t})
	}
	return [][]byte{m9}, nil
}

// signingBytes returns the signing bytes of an envelope this package sealed.
func signingBytes(msg []byte) []byte {
	sb, err := envelope.SigningBytes(msg)
	if err != nil {
		panic("cahp: own envelope does not parse: " + err.Error())
	}
	return sb
}
