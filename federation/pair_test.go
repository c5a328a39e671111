package federation_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/envelope"
	"github.com/accordsdk/accord/federation"
	"github.com/accordsdk/accord/internal/loganchor"
	"github.com/accordsdk/accord/internal/merklelog"
)

const (
	dublin = "did:vm:mesh:vaultmesh-dublin"
	berlin = "did:vm:mesh:vaultmesh-berlin"
)

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type pair struct {
	clk                  *testClock
	dublin, berlin       *federation.Mesh
	dublinURL, berlinURL string
	agreement            string
}

// newPair starts dublin and berlin on loopback with a level-2 agreement
// sharing Compliance, reached through the public API only.
func newPair(t testing.TB) *pair {
	t.Helper()
	p := &pair{clk: &testClock{t: time.Date(2025, 12, 6, 10, 0, 0, 0, time.UTC)}}
	akey := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, 32))
	asigner, err := checkpoint.NewSigner("example.org/anchors", akey)
	require.NoError(t, err)
	anchors, err := merklelog.Open(t.TempDir(), merklelog.Options{Origin: "example.org/anchors", Signer: asigner})
	require.NoError(t, err)
	t.Cleanup(func() { anchors.Close() })
	anchorer, err := loganchor.New(anchors, asigner.Verifier())
	require.NoError(t, err)
	start := func(id string, seed byte) (*federation.Mesh, string) {
		srv := httptest.NewUnstartedServer(nil)
		url := "http://" + srv.Listener.Addr().String()
		m, err := federation.NewMesh(filepath.Join(t.TempDir(), federation.MeshName(id)), ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, 32)), federation.Config{
			MeshID: id, DisplayName: id, FederationURL: url, Scrolls: []string{"Compliance"},
			Policy: federation.TrustPolicy{AcceptsProposals: true, MinTrustLevel: federation.Observe, RequiresMutual: true},
		}, federation.WithClock(p.clk.now), federation.WithAnchorer(anchorer))
		require.NoError(t, err)
		srv.Config.Handler = m.Handler()
		srv.Start()
		t.Cleanup(func() { srv.Close(); m.Close() })
		return m, url
	}
	p.dublin, p.dublinURL = start(dublin, 1)
	p.berlin, p.berlinURL = start(berlin, 2)
	p.clk.add(envelope.DefaultWindow + time.Second)
	ctx := context.Background()
	_, err = p.dublin.Discover(ctx, p.berlinURL, p.berlin.PublicKey())
	require.NoError(t, err)
	_, err = p.berlin.Discover(ctx, p.dublinURL, p.dublin.PublicKey())
	require.NoError(t, err)
	prop, err := p.dublin.Propose(ctx, berlin, federation.Verify, federation.ProposedTerms{
		ScrollsToShare: []string{"Compliance"}, VerificationFrequency: "hourly", RetentionPeriodDays: 365, AuditRights: true,
	}, nil)
	require.NoError(t, err)
	a, err := p.berlin.AcceptProposal(ctx, prop.ProposalID)
	require.NoError(t, err)
	p.agreement = a.AgreementID
	return p
}
