package federation

import (
	"maps"
	"slices"
	"time"
)

// ScrollHealth is the witnessing state of one shared scroll.
type ScrollHealth struct {
	Scroll string `json:"scroll"`
	// Ours is true for this mesh's scroll witnessed by the peer, false for
	// the peer's scroll witnessed by this mesh.
	Ours       bool      `json:"ours"`
	LastAt     time.Time `json:"last_at,omitzero"`
	LastResult string    `json:"last_result,omitempty"`
	Overdue    bool      `json:"overdue"`
}

// PeerHealth is the state of one agreement in force.
type PeerHealth struct {
	Peer        string         `json:"peer"`
	AgreementID string         `json:"agreement_id"`
	Level       Level          `json:"trust_level"`
	Status      string         `json:"status"`
	Frequency   string         `json:"verification_frequency"`
	Scrolls     []ScrollHealth `json:"scrolls"`
	Forks       int            `json:"forks"`
	// Overdue is true when a scroll has not been witnessed within one and a
	// half periods of verification_frequency, or a witness cycle failed.
	Overdue bool `json:"overdue"`
}

// overdueFactor is how many periods may pass before a cycle is overdue.
const overdueFactor = 1.5

// Health reports, for every agreement in force, when each shared scroll was
// last witnessed (both ways) and whether that is overdue.
func (m *Mesh) Health() []PeerHealth {
	now := m.opts.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []PeerHealth
	for _, id := range slices.Sorted(maps.Keys(m.st.Agreements)) {
		e := m.st.Agreements[id]
		a, err := ParseAgreement(e.Agreement)
		if err != nil || e.Status == StatusRevoked && !now.Before(e.EffectiveAt) || e.Status != StatusActive && e.Status != StatusRevoked {
			continue
		}
		period, _ := Frequency(a.Terms.VerificationFrequency)
		peer := a.Peer(m.cfg.MeshID)
		h := PeerHealth{Peer: peer, AgreementID: id, Level: a.TrustLevel, Status: e.Status, Frequency: a.Terms.VerificationFrequency}
		for _, f := range m.st.Forks {
			if f.Mesh == peer {
				h.Forks++
			}
		}
		for _, s := range a.Terms.ScrollsShared {
			for _, ours := range []bool{true, false} {
				if ours && m.scrolls[s] == nil {
					continue
				}
				sh := ScrollHealth{Scroll: s, Ours: ours}
				for _, r := range m.st.Receipts {
					if r.Peer == peer && r.Scroll == s && r.Issued != ours && !r.At.Before(sh.LastAt) {
						sh.LastAt, sh.LastResult = r.At, r.Result
					}
				}
				since := sh.LastAt
				if since.IsZero() {
					if !ours {
						continue // the peer has not asked yet: its schedule
					}
					since = a.EstablishedAt.Time
				}
				sh.Overdue = now.Sub(since) > time.Duration(float64(period)*overdueFactor) || sh.LastResult != "" && sh.LastResult != ResultVerified && sh.LastResult != ResultSuperseded
				h.Overdue = h.Overdue || sh.Overdue
				h.Scrolls = append(h.Scrolls, sh)
			}
		}
		h.Overdue = h.Overdue || h.Forks > 0
		out = append(out, h)
	}
	return out
}

// DueCycle is a witness cycle the schedule calls for: notify Peer of a new
// checkpoint of Scroll.
type DueCycle struct {
	Peer   string
	Scroll string
}

// Due lists the witness cycles due now: this mesh's shared scrolls whose
// last receipt from the peer is at least one verification_frequency old.
// Run each with [Mesh.NotifyPeer].
func (m *Mesh) Due() []DueCycle {
	now := m.opts.now()
	var out []DueCycle
	for _, h := range m.Health() {
		period, _ := Frequency(h.Frequency)
		for _, s := range h.Scrolls {
			if !s.Ours {
				continue
			}
			if _, err := m.readable(h.Peer, s.Scroll); err != nil {
				continue
			}
			if s.LastAt.IsZero() || now.Sub(s.LastAt) >= period {
				out = append(out, DueCycle{Peer: h.Peer, Scroll: s.Scroll})
			}
		}
	}
	return out
}
