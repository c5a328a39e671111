package federation

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/envelope"
)

// The target of a proposal chooses the agreement's ID. A target that
// answers "accept" with the ID of an agreement the proposer already holds
// (with it, or with any other mesh: the IDs are predictable) must not
// replace that agreement.
func TestAcceptCannotReplaceStoredAgreement(t *testing.T) {
	f := newFixture(t, defaultPolicy)
	ctx := context.Background()
	first := f.agree(t, Integrate, "Compliance")
	before, err := f.dublin.Agreement(first)
	require.NoError(t, err)

	p, err := f.dublin.Propose(ctx, berlinID, Observe, terms("Drills"), nil)
	require.NoError(t, err)
	// Berlin answers with an agreement for the new proposal under the
	// first agreement's ID.
	a, err := AgreementFor(p, first, f.dublin.PublicKey(), f.berlin.PublicKey(), f.clk.now())
	require.NoError(t, err)
	require.NoError(t, a.SignAgreement(berlinID, testKey(2), f.clk.now()))
	dublinPeer, err := f.berlin.peer(dublinID)
	require.NoError(t, err)
	_, err = f.berlin.send(ctx, dublinPeer, http.MethodPut, "/federation/proposals/"+url.PathEscape(p.ProposalID), TypeResponseEnvelope, ProposalResponse{Action: "accept", Agreement: a.Marshal()})
	require.ErrorIs(t, err, ErrState)
	after, err := f.dublin.Agreement(first)
	require.NoError(t, err)
	require.Equal(t, before, after, "the stored agreement is unchanged")
	require.Equal(t, StatusPending, f.dublin.Proposals()[p.ProposalID].Status)
}

// startMesh starts one more mesh on loopback, as newFixture does, and steps
// past its verifier's start-up fence.
func (f *fixture) startMesh(t *testing.T, id string, seed byte) *testMesh {
	t.Helper()
	tm := f.start(t, id, seed)
	f.clk.add(envelope.DefaultWindow + time.Second)
	return tm
}

// A counter-proposal may only counter a proposal made to its proposer: a
// peer naming another mesh's pending proposal in "counters" must not mark
// it countered (which would make that mesh's acceptance fail).
func TestCounterOnlyOwnProposal(t *testing.T) {
	f := newFixture(t, defaultPolicy)
	ctx := context.Background()
	paris := f.startMesh(t, "did:vm:mesh:vaultmesh-paris", 3)
	_, err := f.dublin.Discover(ctx, paris.srv.URL, paris.PublicKey())
	require.NoError(t, err)
	_, err = paris.Discover(ctx, f.dublin.srv.URL, f.dublin.PublicKey())
	require.NoError(t, err)

	toParis, err := f.dublin.Propose(ctx, "did:vm:mesh:vaultmesh-paris", Verify, terms("Compliance"), nil)
	require.NoError(t, err)
	// Berlin sends dublin a proposal claiming to counter dublin's proposal
	// to paris.
	now := f.clk.now()
	evil := Proposal{
		ProposalID: "fed-proposal-berlin-evil-001", Proposer: berlinID, Target: dublinID,
		ProposedAt: T(now), ExpiresAt: T(now.Add(DefaultProposalTTL)),
		ProposedTrustLevel: Verify, ProposedTerms: terms("Compliance"), Counters: toParis.ProposalID,
	}
	raw, err := SignProposal(evil, testKey(2))
	require.NoError(t, err)
	dublinPeer, err := f.berlin.peer(dublinID)
	require.NoError(t, err)
	_, _ = f.berlin.send(ctx, dublinPeer, http.MethodPost, "/federation/proposals", TypeProposalEnvelope, json.RawMessage(raw))
	require.Equal(t, StatusPending, f.dublin.Proposals()[toParis.ProposalID].Status, "dublin's proposal to paris is untouched")
	_, err = paris.AcceptProposal(ctx, toParis.ProposalID)
	require.NoError(t, err, "paris can still accept")
}

// A fork is recorded once per pair of checkpoints: a peer that notifies
// the same forked view again does not grow the state with copies of it.
func TestForkRecordedOnce(t *testing.T) {
	f := newFixture(t, defaultPolicy)
	ctx := context.Background()
	id := f.agree(t, Verify, "Compliance")
	appendN(t, f.dublin.Mesh, "Compliance", 0, 10)
	_, err := f.dublin.NotifyPeer(ctx, berlinID, "Compliance")
	require.NoError(t, err)
	other := forkedCompliance(t)
	berlinPeer, err := f.dublin.peer(berlinID)
	require.NoError(t, err)
	for range 3 {
		resp, err := f.dublin.send(ctx, berlinPeer, http.MethodPost, "/federation/notify", TypeNotifyEnvelope, Notify{AgreementID: id, Scroll: "Compliance", Checkpoint: string(other)})
		require.NoError(t, err)
		fr, err := VerifyReceipt(resp, f.berlin.PublicKey())
		require.NoError(t, err)
		require.Equal(t, ResultForkDetected, fr.VerificationResult)
	}
	require.Equal(t, 1, len(f.berlin.Forks()))
}

// A cross anchor may only name scrolls the anchoring peer may read: a peer
// that names a scroll not shared with it gets no confirmation of a root it
// guessed, and the mesh stores no claim about that scroll.
func TestCrossAnchorOnlySharedScrolls(t *testing.T) {
	f := newFixture(t, defaultPolicy)
	ctx := context.Background()
	id := f.agree(t, Attest, "Drills")
	appendN(t, f.dublin.Mesh, "Compliance", 0, 5)
	root, err := f.dublin.scrolls["Compliance"].TreeHash(5)
	require.NoError(t, err)
	c := CrossAnchor{Type: TypeCrossAnchor, AnchoringMesh: berlinID, AnchoredMesh: dublinID, AgreementID: id, Timestamp: T(f.clk.now()),
		RootsIncluded: map[string]ScrollRoot{"Compliance": {Size: 5, Root: rootString(root)}}}
	c.CombinedRoot = c.Combined().String()
	c.AnchorProof, err = f.berlin.opts.anchorer.Anchor(ctx, c.Combined().Sum(), c.Label())
	require.NoError(t, err)
	raw, err := SignCrossAnchor(c, testKey(2))
	require.NoError(t, err)
	dublinPeer, err := f.berlin.peer(dublinID)
	require.NoError(t, err)
	_, err = f.berlin.send(ctx, dublinPeer, http.MethodPost, "/federation/witness", TypeWitnessEnvelope, WitnessSubmission{CrossAnchor: raw})
	require.Error(t, err, "Compliance is not shared with berlin")
	require.Empty(t, f.dublin.CrossAnchors())
}

// Either party may revoke with the notice it chooses. A revocation with a
// long notice by one party must not stop the other ending the agreement
// sooner: the earlier end wins.
func TestEarlierRevocationWins(t *testing.T) {
	f := newFixture(t, defaultPolicy)
	ctx := context.Background()
	id := f.agree(t, Verify, "Compliance")
	require.NoError(t, f.berlin.RevokeAgreement(ctx, id, 3650, "in ten years"))
	require.NoError(t, f.dublin.RevokeAgreement(ctx, id, 0, "now"))
	f.clk.add(time.Second)
	_, err := f.dublin.activeAgreement(berlinID, ReadPublic)
	require.ErrorIs(t, err, ErrRevoked)
	_, err = f.berlin.activeAgreement(dublinID, ReadPublic)
	require.ErrorIs(t, err, ErrRevoked)
}
