package federation

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/envelope"
	"github.com/accordsdk/accord/internal/loganchor"
	"github.com/accordsdk/accord/internal/merklelog"
)

const (
	dublinID = "did:vm:mesh:vaultmesh-dublin"
	berlinID = "did:vm:mesh:vaultmesh-berlin"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func testKey(b byte) ed25519.PrivateKey { return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{b}, 32)) }

type testMesh struct {
	*Mesh
	srv *httptest.Server
}

type fixture struct {
	clk            *clock
	dublin, berlin *testMesh
	anchors        *merklelog.Log
	anchorer       *loganchor.Anchorer
	policy         TrustPolicy
}

// newFixture starts dublin and berlin on loopback, anchoring in a shared
// anchor log, each knowing the other's key from its operator.
func newFixture(t *testing.T, policy TrustPolicy) *fixture {
	t.Helper()
	f := &fixture{clk: &clock{t: time.Date(2025, 12, 6, 10, 0, 0, 0, time.UTC)}}
	akey := testKey(9)
	asigner, err := checkpoint.NewSigner("example.org/anchors", akey)
	require.NoError(t, err)
	f.anchors, err = merklelog.Open(t.TempDir(), merklelog.Options{Origin: "example.org/anchors", Signer: asigner})
	require.NoError(t, err)
	t.Cleanup(func() { f.anchors.Close() })
	f.anchorer, err = loganchor.New(f.anchors, asigner.Verifier())
	require.NoError(t, err)
	f.policy = policy
	f.dublin = f.start(t, dublinID, 1)
	f.berlin = f.start(t, berlinID, 2)
	// Envelopes sealed before a verifier's start-up fence (its start plus
	// the freshness window) are refused: step past it.
	f.clk.add(envelope.DefaultWindow + time.Second)
	ctx := context.Background()
	_, err = f.dublin.Discover(ctx, f.berlin.srv.URL, f.berlin.PublicKey())
	require.NoError(t, err)
	_, err = f.berlin.Discover(ctx, f.dublin.srv.URL, f.dublin.PublicKey())
	require.NoError(t, err)
	return f
}

// start starts mesh id, keyed by testKey(seed), on loopback with the
// fixture's clock, anchor log and policy.
func (f *fixture) start(t *testing.T, id string, seed byte) *testMesh {
	t.Helper()
	tm := &testMesh{srv: httptest.NewUnstartedServer(nil)}
	url := "http://" + tm.srv.Listener.Addr().String()
	m, err := NewMesh(filepath.Join(t.TempDir(), MeshName(id)), testKey(seed), Config{
		MeshID: id, DisplayName: "VaultMesh " + MeshName(id), FederationURL: url,
		Scrolls: []string{"Compliance", "Drills"}, PublicScrolls: []string{"Drills"}, Policy: f.policy,
	}, WithClock(f.clk.now), WithAnchorer(f.anchorer), WithSamples(3))
	require.NoError(t, err)
	tm.Mesh = m
	tm.srv.Config.Handler = m.Handler()
	tm.srv.Start()
	t.Cleanup(func() { tm.srv.Close(); m.Close() })
	return tm
}

var defaultPolicy = TrustPolicy{AcceptsProposals: true, MinTrustLevel: Observe, RequiresMutual: true}

func terms(scrolls ...string) ProposedTerms {
	return ProposedTerms{ScrollsToShare: scrolls, VerificationFrequency: "hourly", RetentionPeriodDays: 365, DataJurisdiction: "EU", AuditRights: true}
}

// agree runs proposal and acceptance and returns the agreement ID.
func (f *fixture) agree(t *testing.T, level Level, scrolls ...string) string {
	t.Helper()
	ctx := context.Background()
	p, err := f.dublin.Propose(ctx, berlinID, level, terms(scrolls...), &Attestations{ComplianceCredentials: []string{"ISO27001"}})
	require.NoError(t, err)
	a, err := f.berlin.AcceptProposal(ctx, p.ProposalID)
	require.NoError(t, err)
	return a.AgreementID
}

func appendN(t *testing.T, m *Mesh, scroll string, from, n int) {
	t.Helper()
	for i := from; i < from+n; i++ {
		_, err := m.Append(context.Background(), scroll, fmt.Appendf(nil, `{"receipt":%d}`, i))
		require.NoError(t, err)
	}
}

func TestNegotiationAndWitnessCycle(t *testing.T) {
	f := newFixture(t, defaultPolicy)
	ctx := context.Background()
	id := f.agree(t, Attest, "Compliance")

	// Both sides hold byte-identical agreements signed by both.
	da, err := f.dublin.Agreement(id)
	require.NoError(t, err)
	ba, err := f.berlin.Agreement(id)
	require.NoError(t, err)
	require.Equal(t, da, ba)
	a, err := VerifyAgreement(da)
	require.NoError(t, err)
	require.Equal(t, []string{dublinID, berlinID}, a.Parties)
	require.Equal(t, f.dublin.PublicKey(), a.KeyExchange["dublin_federation_key"])
	require.Equal(t, f.berlin.PublicKey(), a.KeyExchange["berlin_federation_key"])

	// Witness cycle: dublin's Compliance scroll grows and berlin witnesses.
	appendN(t, f.dublin.Mesh, "Compliance", 0, 300)
	r, err := f.dublin.NotifyPeer(ctx, berlinID, "Compliance")
	require.NoError(t, err)
	require.Equal(t, ResultVerified, r.VerificationResult, "%+v", r.Discrepancies)
	require.Equal(t, 3, r.SamplesChecked)
	require.EqualValues(t, 300, r.WitnessedSize)
	require.Contains(t, r.Cosignature, "— "+berlinID+"/witness ")

	f.clk.add(time.Hour)
	appendN(t, f.dublin.Mesh, "Compliance", 300, 200)
	r, err = f.dublin.NotifyPeer(ctx, berlinID, "Compliance")
	require.NoError(t, err)
	require.Equal(t, ResultVerified, r.VerificationResult, "%+v", r.Discrepancies)
	require.EqualValues(t, 500, r.WitnessedSize)

	// Dublin stored the receipts with the cosigned checkpoints.
	hist := f.dublin.WitnessHistory(berlinID, time.Time{})
	require.Len(t, hist, 2)
	wv, err := checkpoint.WitnessVerifier(WitnessNameOf(berlinID), f.berlin.PublicKey())
	require.NoError(t, err)
	lv, err := checkpoint.LogVerifier(OriginOf(dublinID, "Compliance"), f.dublin.PublicKey())
	require.NoError(t, err)
	c, cosigs, err := checkpoint.VerifyCosigned(hist[1].Cosigned, lv, []note.Verifier{wv}, 1)
	require.NoError(t, err)
	require.EqualValues(t, 500, c.Size)
	require.Equal(t, f.clk.now().Unix(), cosigs[0].Time.Unix())

	// Cross-anchoring at level 3: berlin anchors dublin's witnessed roots.
	ca, err := f.berlin.CrossAnchor(ctx, dublinID)
	require.NoError(t, err)
	require.Equal(t, ScrollRoot{Size: 500, Root: rootString(c.Hash)}, ca.RootsIncluded["Compliance"])
	require.Len(t, f.dublin.CrossAnchors(), 1)
	raw := f.dublin.CrossAnchors()[0]
	require.Contains(t, string(raw), `"dublin_roots_included":{"Compliance":`)

	// Health: nothing overdue now; two hours later dublin's scroll is.
	h := f.dublin.Health()
	require.Len(t, h, 1)
	require.False(t, h[0].Overdue, "%+v", h)
	f.clk.add(3 * time.Hour)
	h = f.dublin.Health()
	require.True(t, h[0].Overdue, "%+v", h)
	require.Equal(t, []DueCycle{{Peer: berlinID, Scroll: "Compliance"}}, f.dublin.Due())
}

func TestForkDetected(t *testing.T) {
	f := newFixture(t, defaultPolicy)
	ctx := context.Background()
	id := f.agree(t, Verify, "Compliance")
	appendN(t, f.dublin.Mesh, "Compliance", 0, 10)
	r, err := f.dublin.NotifyPeer(ctx, berlinID, "Compliance")
	require.NoError(t, err)
	require.Equal(t, ResultVerified, r.VerificationResult)

	// Dublin's key signs a second view of the scroll: ten other records.
	other := forkedCompliance(t)
	origin := OriginOf(dublinID, "Compliance")
	berlinPeer, err := f.dublin.peer(berlinID)
	require.NoError(t, err)
	resp, err := f.dublin.send(ctx, berlinPeer, http.MethodPost, "/federation/notify", TypeNotifyEnvelope, Notify{AgreementID: id, Scroll: "Compliance", Checkpoint: string(other)})
	require.NoError(t, err)
	fr, err := VerifyReceipt(resp, f.berlin.PublicKey())
	require.NoError(t, err)
	require.Equal(t, ResultForkDetected, fr.VerificationResult)
	require.Empty(t, fr.Cosignature)
	forks := f.berlin.Forks()
	require.Len(t, forks, 1)
	require.Equal(t, other, forks[0].Old, "the notified checkpoint is kept")

	// Berlin's witness also refuses the forked view over c2sp tlog-witness
	// and keeps both checkpoints.
	cosigned, size, err := f.berlin.Witness().Latest(origin)
	require.NoError(t, err)
	require.EqualValues(t, 10, size)
	_, err = f.berlin.Witness().AddCheckpoint(ctx, 10, nil, other)
	require.ErrorIs(t, err, ErrFork)
	var fe *ForkError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, cosigned, fe.Old)
	ev, err := f.berlin.Witness().Evidence()
	require.NoError(t, err)
	require.Len(t, ev, 1)
	require.Equal(t, other, ev[0].New)
}

// forkedCompliance returns a checkpoint of a second view of dublin's
// "Compliance" scroll, signed by dublin's key: ten records other than those
// appendN writes, so the same size as ten of them under another root.
func forkedCompliance(t *testing.T) []byte {
	t.Helper()
	ctx := context.Background()
	signer, err := checkpoint.NewSigner(OriginOf(dublinID, "Compliance"), testKey(1))
	require.NoError(t, err)
	forked, err := merklelog.Open(t.TempDir(), merklelog.Options{Origin: signer.Name(), Signer: signer})
	require.NoError(t, err)
	defer forked.Close()
	for i := range 10 {
		_, err := forked.Append(ctx, fmt.Appendf(nil, "other %d", i))
		require.NoError(t, err)
	}
	other, err := forked.Checkpoint(ctx)
	require.NoError(t, err)
	return other
}

// The refusals the protocol requires, each by the path a peer would use.
func TestRefusals(t *testing.T) {
	ctx := context.Background()

	t.Run("expired proposal", func(t *testing.T) {
		f := newFixture(t, defaultPolicy)
		p, err := f.dublin.Propose(ctx, berlinID, Verify, terms("Compliance"), nil)
		require.NoError(t, err)
		f.clk.add(DefaultProposalTTL)
		_, err = f.berlin.AcceptProposal(ctx, p.ProposalID)
		require.ErrorIs(t, err, ErrExpired)
		require.Equal(t, StatusExpired, f.berlin.Proposals()[p.ProposalID].Status)
		// And over the wire: a proposal already expired is refused with 410.
		raw, err := SignProposal(Proposal{ProposalID: "old-1", Proposer: dublinID, Target: berlinID,
			ProposedAt: T(f.clk.now().Add(-48 * time.Hour)), ExpiresAt: T(f.clk.now().Add(-time.Hour)),
			ProposedTrustLevel: Verify, ProposedTerms: terms("Compliance")}, testKey(1))
		require.NoError(t, err)
		peer, _ := f.dublin.peer(berlinID)
		_, err = f.dublin.send(ctx, peer, http.MethodPost, "/federation/proposals", TypeProposalEnvelope, json.RawMessage(raw))
		var re *RemoteError
		require.ErrorAs(t, err, &re)
		require.Equal(t, http.StatusGone, re.Status)
		require.ErrorIs(t, err, ErrExpired)
	})

	t.Run("agreement signed by a non-party", func(t *testing.T) {
		f := newFixture(t, defaultPolicy)
		id := f.agree(t, Verify, "Compliance")
		raw, _ := f.dublin.Agreement(id)
		var m map[string]any
		require.NoError(t, json.Unmarshal(raw, &m))
		m["signatures"].(map[string]any)["did:vm:mesh:mallory"] = m["signatures"].(map[string]any)[dublinID]
		forged, _ := json.Marshal(m)
		_, err := VerifyAgreement(forged)
		require.ErrorIs(t, err, ErrNotParty)
		// A signature in a party's name by another key does not verify.
		a, err := ParseAgreement(raw)
		require.NoError(t, err)
		a.Signatures = map[string]PartySignature{}
		require.ErrorIs(t, a.SignAgreement(dublinID, testKey(7), f.clk.now()), ErrNotParty)
		require.NoError(t, a.SignAgreement(berlinID, testKey(2), f.clk.now()))
		s := a.Signatures[berlinID]
		a.Signatures[dublinID] = s // berlin's signature under dublin's name
		_, err = VerifyAgreement(a.Marshal())
		require.ErrorIs(t, err, ErrBadSignature)
	})

	t.Run("tampered terms", func(t *testing.T) {
		f := newFixture(t, defaultPolicy)
		id := f.agree(t, Verify, "Compliance")
		raw, _ := f.dublin.Agreement(id)
		tampered := bytes.Replace(raw, []byte(`"retention_period_days":365`), []byte(`"retention_period_days":3650`), 1)
		require.NotEqual(t, raw, tampered)
		_, err := VerifyAgreement(tampered)
		require.ErrorIs(t, err, ErrHashMismatch)
		// An acceptor that changes the terms before signing is refused by
		// the proposer.
		p, err := f.dublin.Propose(ctx, berlinID, Verify, terms("Compliance"), nil)
		require.NoError(t, err)
		a, err := AgreementFor(p, "fed-agreement-x", f.dublin.PublicKey(), f.berlin.PublicKey(), f.clk.now())
		require.NoError(t, err)
		a.Terms.RetentionPeriodDays = 1
		a.AgreementHash = a.Hash().String()
		require.NoError(t, a.SignAgreement(berlinID, testKey(2), f.clk.now()))
		peer, _ := f.berlin.peer(dublinID)
		_, err = f.berlin.send(ctx, peer, http.MethodPut, "/federation/proposals/"+p.ProposalID, TypeResponseEnvelope, ProposalResponse{Action: "accept", Agreement: a.Marshal()})
		require.ErrorIs(t, err, ErrHashMismatch)
	})

	t.Run("level too low", func(t *testing.T) {
		f := newFixture(t, defaultPolicy)
		f.agree(t, Verify, "Compliance")
		appendN(t, f.dublin.Mesh, "Compliance", 0, 5)
		_, err := f.dublin.NotifyPeer(ctx, berlinID, "Compliance")
		require.NoError(t, err)
		_, err = f.berlin.CrossAnchor(ctx, dublinID)
		require.ErrorIs(t, err, ErrLevelTooLow)
		// Proposals below the target's minimum level are refused.
		g := newFixture(t, TrustPolicy{AcceptsProposals: true, MinTrustLevel: Attest, RequiresMutual: true})
		_, err = g.dublin.Propose(ctx, berlinID, Verify, terms("Compliance"), nil)
		require.ErrorIs(t, err, ErrLevelTooLow)
		// A level-1 peer reads public scrolls only.
		h := newFixture(t, defaultPolicy)
		h.agree(t, Observe, "Compliance", "Drills")
		peer, _ := h.berlin.peer(dublinID)
		_, err = h.berlin.get(ctx, peer, peer.URL, "/federation/scrolls/Compliance/checkpoint")
		require.ErrorIs(t, err, ErrLevelTooLow)
		_, err = h.berlin.get(ctx, peer, peer.URL, "/federation/scrolls/Drills/checkpoint")
		require.NoError(t, err)
	})

	t.Run("inconsistent checkpoint", func(t *testing.T) {
		f := newFixture(t, defaultPolicy)
		f.agree(t, Verify, "Compliance")
		appendN(t, f.dublin.Mesh, "Compliance", 0, 4)
		_, err := f.dublin.NotifyPeer(ctx, berlinID, "Compliance")
		require.NoError(t, err)
		origin := OriginOf(dublinID, "Compliance")
		signer, _ := checkpoint.NewSigner(origin, testKey(1))
		bad, err := checkpoint.Sign(checkpoint.Checkpoint{Origin: origin, Size: 6, Hash: checkpoint.RecordHash([]byte("x"))}, signer)
		require.NoError(t, err)
		proof, err := f.dublin.scrolls["Compliance"].ConsistencyProof(4, 4)
		require.NoError(t, err)
		_, err = f.berlin.Witness().AddCheckpoint(ctx, 4, proof, bad)
		require.ErrorIs(t, err, checkpoint.ErrConsistency)
	})

	t.Run("replayed notify", func(t *testing.T) {
		f := newFixture(t, defaultPolicy)
		id := f.agree(t, Verify, "Compliance")
		appendN(t, f.dublin.Mesh, "Compliance", 0, 3)
		signed, err := f.dublin.Checkpoint(ctx, "Compliance")
		require.NoError(t, err)
		c, _ := checkpoint.Parse(signed[:len(signed)-len(signatureBlock(signed))])
		proof, err := f.dublin.opts.anchorer.Anchor(ctx, c.Hash, ScrollLabel(c.Origin, c.Size))
		require.NoError(t, err)
		env, err := f.dublin.seal(TypeNotifyEnvelope, Notify{AgreementID: id, Scroll: "Compliance", Checkpoint: string(signed), AnchorProof: proof})
		require.NoError(t, err)
		peer, _ := f.dublin.peer(berlinID)
		_, err = f.dublin.do(ctx, peer, http.MethodPost, "/federation/notify", env)
		require.NoError(t, err)
		_, err = f.dublin.do(ctx, peer, http.MethodPost, "/federation/notify", env)
		require.ErrorIs(t, err, envelope.ErrReplay)
	})

	t.Run("revoked agreement used afterwards", func(t *testing.T) {
		f := newFixture(t, defaultPolicy)
		id := f.agree(t, Attest, "Compliance")
		appendN(t, f.dublin.Mesh, "Compliance", 0, 3)
		require.NoError(t, f.berlin.RevokeAgreement(ctx, id, 1, "contract ended"))
		// During the notice period the agreement still works.
		_, err := f.dublin.NotifyPeer(ctx, berlinID, "Compliance")
		require.NoError(t, err)
		f.clk.add(25 * time.Hour)
		_, err = f.dublin.NotifyPeer(ctx, berlinID, "Compliance")
		require.ErrorIs(t, err, ErrRevoked)
		peer, _ := f.berlin.peer(dublinID)
		_, err = f.berlin.get(ctx, peer, peer.URL, "/federation/scrolls/Compliance/checkpoint")
		require.ErrorIs(t, err, ErrRevoked)
		_, err = f.berlin.CrossAnchor(ctx, dublinID)
		require.ErrorIs(t, err, ErrRevoked)
	})
}

func TestCheckPeerScroll(t *testing.T) {
	f := newFixture(t, defaultPolicy)
	ctx := context.Background()
	f.agree(t, Verify, "Compliance")
	appendN(t, f.dublin.Mesh, "Compliance", 0, 50)
	_, err := f.dublin.NotifyPeer(ctx, berlinID, "Compliance")
	require.NoError(t, err)
	appendN(t, f.dublin.Mesh, "Compliance", 50, 30)
	_, err = f.dublin.Checkpoint(ctx, "Compliance")
	require.NoError(t, err)
	sc, err := f.berlin.CheckPeerScroll(ctx, dublinID, "Compliance")
	require.NoError(t, err)
	require.EqualValues(t, 80, sc.Size)
	require.EqualValues(t, 50, sc.WitnessedSize)
	require.Equal(t, 3, sc.SamplesChecked)
	_, err = f.berlin.CheckPeerScroll(ctx, dublinID, "Drills")
	require.ErrorIs(t, err, ErrPolicy)
}

func TestCounterRejectAndPolicy(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, defaultPolicy)
	p, err := f.dublin.Propose(ctx, berlinID, Integrate, terms("Compliance", "Drills"), nil)
	require.NoError(t, err)
	// Berlin counters with a lower level; dublin's proposal is countered and
	// dublin now holds berlin's counter-proposal, which it accepts.
	c, err := f.berlin.CounterProposal(ctx, p.ProposalID, Verify, terms("Compliance"))
	require.NoError(t, err)
	require.Equal(t, p.ProposalID, c.Counters)
	require.Equal(t, StatusCountered, f.dublin.Proposals()[p.ProposalID].Status)
	require.Equal(t, StatusCountered, f.berlin.Proposals()[p.ProposalID].Status)
	a, err := f.dublin.AcceptProposal(ctx, c.ProposalID)
	require.NoError(t, err)
	require.Equal(t, []string{berlinID, dublinID}, a.Parties)
	require.Equal(t, Verify, a.TrustLevel)
	// The original can no longer be accepted.
	_, err = f.berlin.AcceptProposal(ctx, p.ProposalID)
	require.ErrorIs(t, err, ErrState)

	// Reject: both sides record it with the reason.
	p2, err := f.dublin.Propose(ctx, berlinID, Observe, terms("Drills"), nil)
	require.NoError(t, err)
	require.NoError(t, f.berlin.RejectProposal(ctx, p2.ProposalID, "not now"))
	require.Equal(t, ProposalEntry{Proposal: f.dublin.Proposals()[p2.ProposalID].Proposal, Direction: "out", Status: StatusRejected, Reason: "not now"}, f.dublin.Proposals()[p2.ProposalID])

	// Policy: a closed mesh, and a scroll only one side has under requires_mutual.
	g := newFixture(t, TrustPolicy{AcceptsProposals: false})
	_, err = g.dublin.Propose(ctx, berlinID, Verify, terms("Compliance"), nil)
	require.ErrorIs(t, err, ErrPolicy)
	_, err = f.dublin.Propose(ctx, berlinID, Verify, terms("Treasury"), nil)
	require.ErrorIs(t, err, ErrPolicy)
}

func TestReadEndpoints(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, defaultPolicy)
	id := f.agree(t, Verify, "Compliance")
	appendN(t, f.dublin.Mesh, "Compliance", 0, 20)
	appendN(t, f.dublin.Mesh, "Drills", 0, 5)
	_, err := f.dublin.Checkpoint(ctx, "Compliance")
	require.NoError(t, err)
	_, err = f.dublin.Checkpoint(ctx, "Drills")
	require.NoError(t, err)
	peer, _ := f.berlin.peer(dublinID)
	get := func(path string) ([]byte, error) { return f.berlin.get(ctx, peer, peer.URL, path) }

	b, err := get("/federation/roots")
	require.NoError(t, err)
	var roots RootsAnswer
	require.NoError(t, json.Unmarshal(b, &roots))
	require.EqualValues(t, 20, roots.Roots["Compliance"].Size)
	require.EqualValues(t, 5, roots.Roots["Drills"].Size, "public scroll")

	b, err = get("/federation/receipts/Compliance?index=3&index=17")
	require.NoError(t, err)
	var rs struct {
		Receipts []ReceiptSample `json:"receipts"`
	}
	require.NoError(t, json.Unmarshal(b, &rs))
	require.Len(t, rs.Receipts, 2)
	lv, _ := checkpoint.LogVerifier(OriginOf(dublinID, "Compliance"), f.dublin.PublicKey())
	for _, r := range rs.Receipts {
		p, err := checkpoint.ParseProof([]byte(r.Proof))
		require.NoError(t, err)
		_, err = p.Verify(r.Record, lv, nil, 0)
		require.NoError(t, err)
	}
	_, err = get("/federation/receipts/Compliance?index=20")
	require.ErrorIs(t, err, ErrNotFound)
	_, err = get("/federation/receipts/Treasury?index=1")
	require.ErrorIs(t, err, ErrNotFound)

	rec, _ := f.dublin.scrolls["Compliance"].Record(4)
	h := checkpoint.RecordHash(rec)
	resp, err := f.berlin.send(ctx, peer, http.MethodPost, "/federation/verify", TypeVerifyEnvelope, VerifyRequest{Scroll: "Compliance", Index: 4, LeafHash: h.String()})
	require.NoError(t, err)
	var va VerifyAnswer
	require.NoError(t, json.Unmarshal(resp, &va))
	require.True(t, va.Included)
	resp, err = f.berlin.send(ctx, peer, http.MethodPost, "/federation/verify", TypeVerifyEnvelope, VerifyRequest{Scroll: "Compliance", Index: 5, LeafHash: h.String()})
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(resp, &va))
	require.False(t, va.Included)

	b, err = get("/federation/agreements/" + id)
	require.NoError(t, err)
	mine, _ := f.berlin.Agreement(id)
	require.Equal(t, mine, b)
	b, err = get("/federation/agreements")
	require.NoError(t, err)
	require.Contains(t, string(b), id)

	// A read envelope is bound to its path and used once.
	req, _ := http.NewRequest(http.MethodGet, peer.URL+"/federation/roots", nil)
	require.NoError(t, f.berlin.signRead(req))
	hdr := req.Header.Get(HeaderEnvelope)
	other, _ := http.NewRequest(http.MethodGet, peer.URL+"/federation/agreements", nil)
	require.NoError(t, f.berlin.signRead(other))
	other.Header.Set(HeaderEnvelope, hdr) // the envelope names /federation/roots
	for _, tc := range []struct {
		path string
		want int
	}{{"/federation/agreements", 400}, {"/federation/roots", 409}} {
		r, _ := http.NewRequest(http.MethodGet, peer.URL+tc.path, nil)
		r.Header.Set(HeaderEnvelope, hdr)
		resp, err := http.DefaultClient.Do(r)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, tc.want, resp.StatusCode, tc.path)
	}
	// No envelope, no read.
	resp4, err := http.Get(peer.URL + "/federation/roots")
	require.NoError(t, err)
	resp4.Body.Close()
	require.Equal(t, http.StatusForbidden, resp4.StatusCode)
}

func TestRetentionAndDiscoveryExpiry(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, defaultPolicy)
	p, err := f.dublin.Propose(ctx, berlinID, Verify, ProposedTerms{ScrollsToShare: []string{"Compliance"}, VerificationFrequency: "daily", RetentionPeriodDays: 2, AuditRights: true}, nil)
	require.NoError(t, err)
	_, err = f.berlin.AcceptProposal(ctx, p.ProposalID)
	require.NoError(t, err)
	appendN(t, f.dublin.Mesh, "Compliance", 0, 3)
	_, err = f.dublin.NotifyPeer(ctx, berlinID, "Compliance")
	require.NoError(t, err)
	require.Len(t, f.dublin.WitnessHistory(berlinID, time.Time{}), 1)
	require.Len(t, f.berlin.WitnessHistory(dublinID, time.Time{}), 1)
	f.clk.add(49 * time.Hour)
	appendN(t, f.dublin.Mesh, "Compliance", 3, 1)
	_, err = f.dublin.NotifyPeer(ctx, berlinID, "Compliance")
	require.NoError(t, err)
	// Only the receipt inside the two-day retention period is kept.
	require.Len(t, f.dublin.WitnessHistory(berlinID, time.Time{}), 1)
	require.Len(t, f.berlin.WitnessHistory(dublinID, time.Time{}), 1)

	// Discovery records expire.
	d, err := f.dublin.Discovery()
	require.NoError(t, err)
	_, err = VerifyDiscovery(d, f.dublin.PublicKey(), f.clk.now().Add(DefaultDiscoveryTTL))
	require.ErrorIs(t, err, ErrExpired)
	_, err = VerifyDiscovery(d, f.dublin.PublicKey(), f.clk.now().Add(-time.Second))
	require.ErrorIs(t, err, ErrExpired)
	_, err = f.berlin.AddPeer(dublinID, f.dublin.PublicKey(), "", d)
	require.NoError(t, err)
}
