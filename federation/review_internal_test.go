package federation

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
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
