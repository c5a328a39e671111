package federation

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"time"
)

// Envelope types of the federation API (the domain separation of every
// signed request).
const (
	TypeProposalEnvelope   = "accord/federation/proposal"
	TypeResponseEnvelope   = "accord/federation/proposal-response"
	TypeRevocationEnvelope = "accord/federation/revocation"
	TypeNotifyEnvelope     = "accord/federation/notify"
	TypeWitnessEnvelope    = "accord/federation/witness"
	TypeVerifyEnvelope     = "accord/federation/verify"
	TypeReadEnvelope       = "accord/federation/read"
)

var envelopeTypes = []string{TypeProposalEnvelope, TypeResponseEnvelope, TypeRevocationEnvelope, TypeNotifyEnvelope, TypeWitnessEnvelope, TypeVerifyEnvelope, TypeReadEnvelope}

// ProposalResponse is the payload of PUT /federation/proposals/{id}.
type ProposalResponse struct {
	// Action is "accept", "reject" or "counter".
	Action string `json:"action"`
	// Reason says why, for "reject".
	Reason string `json:"reason,omitempty"`
	// Agreement is the agreement the target signed, for "accept".
	Agreement json.RawMessage `json:"agreement,omitempty"`
	// Counter is the counter-proposal, for "counter".
	Counter json.RawMessage `json:"counter,omitempty"`
}

// Revocation is the payload of DELETE /federation/agreements/{id}.
type Revocation struct {
	AgreementID string `json:"agreement_id"`
	NoticeDays  int    `json:"notice_days"`
	Reason      string `json:"reason,omitempty"`
	EffectiveAt Time   `json:"effective_at"`
}

// Discover fetches a peer's discovery record from baseURL, verifies it
// with the key the operator gave (never learned from the URL), and records
// the peer.
func (m *Mesh) Discover(ctx context.Context, baseURL, key string) (*DiscoveryRecord, error) {
	body, err := m.get(ctx, nil, baseURL, "/federation/discovery")
	if err != nil {
		return nil, err
	}
	d, err := VerifyDiscovery(body, key, m.opts.now())
	if err != nil {
		return nil, err
	}
	if _, err := m.AddPeer(d.MeshID, key, baseURL, body); err != nil {
		return nil, err
	}
	return d, nil
}

// Propose sends a proposal to a known peer and records it.
func (m *Mesh) Propose(ctx context.Context, target string, level Level, terms ProposedTerms, attest *Attestations) (*Proposal, error) {
	return m.propose(ctx, target, level, terms, attest, "")
}

func (m *Mesh) propose(ctx context.Context, target string, level Level, terms ProposedTerms, attest *Attestations, counters string) (*Proposal, error) {
	peer, err := m.peer(target)
	if err != nil {
		return nil, err
	}
	now := m.opts.now()
	m.mu.Lock()
	id := m.nextID("proposal")
	m.mu.Unlock()
	p := Proposal{
		ProposalID: id, Proposer: m.cfg.MeshID, Target: target,
		ProposedAt: T(now), ExpiresAt: T(now.Add(DefaultProposalTTL)),
		ProposedTrustLevel: level, ProposedTerms: terms, ProposerAttestations: attest, Counters: counters,
	}
	raw, err := SignProposal(p, m.key)
	if err != nil {
		return nil, err
	}
	if counters == "" {
		if _, err := m.send(ctx, peer, http.MethodPost, "/federation/proposals", TypeProposalEnvelope, json.RawMessage(raw)); err != nil {
			return nil, err
		}
	}
	m.mu.Lock()
	m.st.Proposals[id] = &ProposalEntry{Proposal: raw, Direction: "out", Status: StatusPending}
	err = m.save()
	m.mu.Unlock()
	return &p, err
}

// receiveProposal handles POST /federation/proposals from peer.
func (m *Mesh) receiveProposal(peer *Peer, payload []byte) (*Proposal, error) {
	p, err := VerifyProposal(payload, peer.Key, m.opts.now())
	if err != nil {
		return nil, err
	}
	if p.Proposer != peer.MeshID {
		return nil, fmt.Errorf("%w: proposal by %s sent with the key of %s", ErrNotParty, p.Proposer, peer.MeshID)
	}
	if p.Target != m.cfg.MeshID {
		return nil, fmt.Errorf("%w: proposal for %s, this is %s", ErrPolicy, p.Target, m.cfg.MeshID)
	}
	if err := m.checkPolicy(p); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, dup := m.st.Proposals[p.ProposalID]; dup {
		return nil, fmt.Errorf("%w: proposal %s already received", ErrState, p.ProposalID)
	}
	m.st.Proposals[p.ProposalID] = &ProposalEntry{Proposal: payload, Direction: "in", Status: StatusPending}
	if p.Counters != "" {
		// Only a proposal made to the sender can be countered by it.
		if orig, ok := m.st.Proposals[p.Counters]; ok && orig.Direction == "out" && orig.Status == StatusPending {
			if op, err := ParseProposal(orig.Proposal); err == nil && op.Target == peer.MeshID {
				orig.Status, orig.CounteredBy = StatusCountered, p.ProposalID
			}
		}
	}
	return p, m.save()
}

// checkPolicy applies the mesh's trust policy to an incoming proposal.
func (m *Mesh) checkPolicy(p *Proposal) error {
	pol := m.cfg.Policy
	if !pol.AcceptsProposals {
		return fmt.Errorf("%w: %s accepts no proposals", ErrPolicy, m.cfg.MeshID)
	}
	if p.ProposedTrustLevel < pol.MinTrustLevel {
		return fmt.Errorf("%w: proposed level %s is below the minimum %s", ErrLevelTooLow, p.ProposedTrustLevel, pol.MinTrustLevel)
	}
	theirs := m.peerScrolls(p.Proposer)
	for _, s := range p.ProposedTerms.ScrollsToShare {
		ours := slices.Contains(m.cfg.Scrolls, s)
		at := slices.Contains(theirs, s)
		if pol.RequiresMutual && !(ours && at) {
			return fmt.Errorf("%w: scroll %q is not available at both meshes, and sharing must be mutual", ErrPolicy, s)
		}
		if !ours && !at {
			return fmt.Errorf("%w: scroll %q is available at neither mesh", ErrPolicy, s)
		}
	}
	return nil
}

// Proposals returns the proposals this mesh sent and received, by ID.
func (m *Mesh) Proposals() map[string]ProposalEntry {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]ProposalEntry{}
	for k, v := range m.st.Proposals {
		out[k] = *v
	}
	return out
}

// pendingIn returns an incoming proposal still pending at now.
func (m *Mesh) pendingIn(id string) (*Proposal, *Peer, error) {
	m.mu.Lock()
	e, ok := m.st.Proposals[id]
	m.mu.Unlock()
	if !ok || e.Direction != "in" {
		return nil, nil, fmt.Errorf("%w: no proposal %s received", ErrNotFound, id)
	}
	if e.Status != StatusPending {
		return nil, nil, fmt.Errorf("%w: proposal %s is %s", ErrState, id, e.Status)
	}
	p, err := ParseProposal(e.Proposal)
	if err != nil {
		return nil, nil, err
	}
	if !m.opts.now().Before(p.ExpiresAt.Time) {
		m.setProposal(id, StatusExpired, "", "")
		return nil, nil, fmt.Errorf("%w: proposal %s expired at %v", ErrExpired, id, p.ExpiresAt)
	}
	peer, err := m.peer(p.Proposer)
	if err != nil {
		return nil, nil, err
	}
	return p, peer, nil
}

func (m *Mesh) setProposal(id, status, reason, agreement string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.st.Proposals[id]; ok {
		e.Status, e.Reason = status, reason
		if agreement != "" {
			e.AgreementID = agreement
		}
		if err := m.save(); err != nil {
			m.opts.logger.Error("federation: saving state", "err", err)
		}
	}
}

// AcceptProposal accepts a received proposal: it builds the agreement,
// signs it, sends it to the proposer, which countersigns, and stores the
// agreement both parties signed (the same bytes at both).
func (m *Mesh) AcceptProposal(ctx context.Context, id string) (*Agreement, error) {
	p, peer, err := m.pendingIn(id)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	aid := m.nextID("agreement")
	m.mu.Unlock()
	a, err := AgreementFor(p, aid, peer.Key, m.pub, m.opts.now())
	if err != nil {
		return nil, err
	}
	if err := a.SignAgreement(m.cfg.MeshID, m.key, m.opts.now()); err != nil {
		return nil, err
	}
	resp, err := m.send(ctx, peer, http.MethodPut, "/federation/proposals/"+url.PathEscape(id), TypeResponseEnvelope, ProposalResponse{Action: "accept", Agreement: a.Marshal()})
	if err != nil {
		return nil, err
	}
	full, err := VerifyAgreement(resp)
	if err != nil {
		return nil, fmt.Errorf("countersigned agreement from %s: %w", peer.MeshID, err)
	}
	if full.AgreementHash != a.AgreementHash || full.Signatures[m.cfg.MeshID] != a.Signatures[m.cfg.MeshID] {
		return nil, fmt.Errorf("%w: %s returned another agreement", ErrHashMismatch, peer.MeshID)
	}
	if err := m.storeAgreement(full, id); err != nil {
		return nil, err
	}
	return full, nil
}

func (m *Mesh) storeAgreement(a *Agreement, proposalID string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	// The target chooses the ID: it never replaces an agreement kept here.
	if _, dup := m.st.Agreements[a.AgreementID]; dup {
		return fmt.Errorf("%w: agreement %s already exists", ErrState, a.AgreementID)
	}
	m.st.Agreements[a.AgreementID] = &AgreementEntry{Agreement: a.Marshal(), Status: StatusActive}
	if e, ok := m.st.Proposals[proposalID]; ok {
		e.Status, e.AgreementID = StatusAccepted, a.AgreementID
	}
	return m.save()
}

// RejectProposal rejects a received proposal and tells the proposer why.
func (m *Mesh) RejectProposal(ctx context.Context, id, reason string) error {
	if err := checkText("reason", reason); err != nil {
		return err
	}
	_, peer, err := m.pendingIn(id)
	if err != nil {
		return err
	}
	if _, err := m.send(ctx, peer, http.MethodPut, "/federation/proposals/"+url.PathEscape(id), TypeResponseEnvelope, ProposalResponse{Action: "reject", Reason: reason}); err != nil {
		return err
	}
	m.setProposal(id, StatusRejected, reason, "")
	return nil
}

// CounterProposal answers a received proposal with other terms: a new
// proposal to the proposer, which it may accept.
func (m *Mesh) CounterProposal(ctx context.Context, id string, level Level, terms ProposedTerms) (*Proposal, error) {
	orig, peer, err := m.pendingIn(id)
	if err != nil {
		return nil, err
	}
	c, err := m.propose(ctx, orig.Proposer, level, terms, nil, id)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	raw := m.st.Proposals[c.ProposalID].Proposal
	m.mu.Unlock()
	if _, err := m.send(ctx, peer, http.MethodPut, "/federation/proposals/"+url.PathEscape(id), TypeResponseEnvelope, ProposalResponse{Action: "counter", Counter: raw}); err != nil {
		return nil, err
	}
	m.mu.Lock()
	e := m.st.Proposals[id]
	e.Status, e.CounteredBy = StatusCountered, c.ProposalID
	err = m.save()
	m.mu.Unlock()
	return c, err
}

// respond handles PUT /federation/proposals/{id} from the target of a
// proposal this mesh sent. For "accept" it returns the countersigned
// agreement.
func (m *Mesh) respond(peer *Peer, id string, r *ProposalResponse) ([]byte, error) {
	m.mu.Lock()
	e, ok := m.st.Proposals[id]
	m.mu.Unlock()
	if !ok || e.Direction != "out" {
		return nil, fmt.Errorf("%w: no proposal %s sent", ErrNotFound, id)
	}
	p, err := ParseProposal(e.Proposal)
	if err != nil {
		return nil, err
	}
	if p.Target != peer.MeshID {
		return nil, fmt.Errorf("%w: %s answers a proposal made to %s", ErrNotParty, peer.MeshID, p.Target)
	}
	if e.Status != StatusPending {
		return nil, fmt.Errorf("%w: proposal %s is %s", ErrState, id, e.Status)
	}
	now := m.opts.now()
	if !now.Before(p.ExpiresAt.Time) {
		m.setProposal(id, StatusExpired, "", "")
		return nil, fmt.Errorf("%w: proposal %s expired at %v", ErrExpired, id, p.ExpiresAt)
	}
	switch r.Action {
	case "reject":
		if err := checkText("reason", r.Reason); err != nil {
			return nil, err
		}
		m.setProposal(id, StatusRejected, r.Reason, "")
		return []byte(`{"status":"rejected"}`), nil
	case "counter":
		c, err := m.receiveProposal(peer, r.Counter)
		if err != nil {
			return nil, err
		}
		if c.Counters != id {
			return nil, fmt.Errorf("%w: counter-proposal %s counters %q, want %s", ErrMalformed, c.ProposalID, c.Counters, id)
		}
		return []byte(`{"status":"countered"}`), nil
	case "accept":
	default:
		return nil, fmt.Errorf("%w: action %q, want accept, reject or counter", ErrMalformed, r.Action)
	}
	a, err := VerifyAgreement(r.Agreement, p.Target)
	if err != nil {
		return nil, err
	}
	// The agreement must be exactly what was proposed, with the keys this
	// mesh knows.
	want, err := AgreementFor(p, a.AgreementID, m.pub, peer.Key, a.EstablishedAt.Time)
	if err != nil {
		return nil, err
	}
	if want.AgreementHash != a.AgreementHash {
		return nil, fmt.Errorf("%w: agreement %s does not match proposal %s", ErrHashMismatch, a.AgreementID, id)
	}
	if len(a.Signatures) != 1 {
		return nil, fmt.Errorf("%w: agreement %s arrives with %d signatures, want the target's only", ErrMalformed, a.AgreementID, len(a.Signatures))
	}
	if err := a.SignAgreement(m.cfg.MeshID, m.key, now); err != nil {
		return nil, err
	}
	if err := m.storeAgreement(a, id); err != nil {
		return nil, err
	}
	return a.Marshal(), nil
}

// Agreements returns the agreements, by ID.
func (m *Mesh) Agreements() map[string]AgreementEntry {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]AgreementEntry{}
	for k, v := range m.st.Agreements {
		out[k] = *v
	}
	return out
}

// Agreement returns one agreement's canonical bytes.
func (m *Mesh) Agreement(id string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.st.Agreements[id]
	if !ok {
		return nil, fmt.Errorf("%w: agreement %s", ErrNotFound, id)
	}
	return bytes.Clone(e.Agreement), nil
}

// RevokeAgreement revokes an agreement with noticeDays of notice: it tells
// the peer, and the agreement stops allowing anything once the notice ends.
func (m *Mesh) RevokeAgreement(ctx context.Context, id string, noticeDays int, reason string) error {
	if noticeDays < 0 || noticeDays > 3650 {
		return fmt.Errorf("%w: notice of %d days", ErrMalformed, noticeDays)
	}
	raw, err := m.Agreement(id)
	if err != nil {
		return err
	}
	a, err := ParseAgreement(raw)
	if err != nil {
		return err
	}
	peer, err := m.peer(a.Peer(m.cfg.MeshID))
	if err != nil {
		return err
	}
	rev := Revocation{AgreementID: id, NoticeDays: noticeDays, Reason: reason, EffectiveAt: T(m.opts.now().Add(time.Duration(noticeDays) * 24 * time.Hour))}
	env, err := m.seal(TypeRevocationEnvelope, rev)
	if err != nil {
		return err
	}
	if _, err := m.do(ctx, peer, http.MethodDelete, "/federation/agreements/"+url.PathEscape(id), env); err != nil {
		return err
	}
	return m.markRevoked(id, m.cfg.MeshID, rev, env)
}

func (m *Mesh) markRevoked(id, by string, rev Revocation, env []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.st.Agreements[id]
	if !ok {
		return fmt.Errorf("%w: agreement %s", ErrNotFound, id)
	}
	// Either party may end it sooner than a revocation already given (a
	// long notice by one party must not bind the other); never later.
	if e.Status == StatusRevoked && !rev.EffectiveAt.Before(e.EffectiveAt) {
		return fmt.Errorf("%w: agreement %s already revoked, effective %v", ErrState, id, e.EffectiveAt)
	}
	e.Status, e.RevokedBy, e.Reason, e.EffectiveAt, e.Revocation = StatusRevoked, by, rev.Reason, rev.EffectiveAt.Time, env
	return m.save()
}

// receiveRevocation handles DELETE /federation/agreements/{id}.
func (m *Mesh) receiveRevocation(peer *Peer, id string, rev *Revocation, env []byte) error {
	raw, err := m.Agreement(id)
	if err != nil {
		return err
	}
	a, err := ParseAgreement(raw)
	if err != nil {
		return err
	}
	if !slices.Contains(a.Parties, peer.MeshID) || rev.AgreementID != id {
		return fmt.Errorf("%w: %s revokes agreement %s", ErrNotParty, peer.MeshID, id)
	}
	if rev.NoticeDays < 0 || rev.EffectiveAt.Before(m.opts.now().Add(time.Duration(rev.NoticeDays)*24*time.Hour-time.Hour)) {
		return fmt.Errorf("%w: revocation effective at %v gives less than %d days of notice", ErrMalformed, rev.EffectiveAt, rev.NoticeDays)
	}
	return m.markRevoked(id, peer.MeshID, *rev, env)
}

// agreementsWith lists the agreements peer is a party to, sorted by ID.
func (m *Mesh) agreementsWith(peer string) []json.RawMessage {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []json.RawMessage
	for _, id := range slices.Sorted(maps.Keys(m.st.Agreements)) {
		e := m.st.Agreements[id]
		if a, err := ParseAgreement(e.Agreement); err == nil && slices.Contains(a.Parties, peer) {
			out = append(out, e.Agreement)
		}
	}
	return out
}
