package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"path/filepath"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/federation"
	"github.com/accordsdk/accord/internal/merklelog"
	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

func init() { register(70, "federation", tourFederation) }

// tourFederation runs two meshes, dublin and berlin, on loopback: they
// discover each other with keys their operators exchanged, agree on trust
// level 3, berlin witnesses a checkpoint of dublin's Compliance scroll
// (anchored on a simulated chain), cross-anchors dublin's roots on the
// chain, and catches dublin's key signing a second view of the scroll.
func tourFederation(ctx context.Context, r *report) error {
	chain, err := simchain.New(nil)
	if err != nil {
		return err
	}
	defer chain.Close()
	client, err := chain.Dial(ctx)
	if err != nil {
		return err
	}
	defer client.Close()
	from := func(i int) *bind.TransactOpts {
		return bind.NewKeyedTransactor(simchain.Key(i), big.NewInt(simchain.ChainID))
	}
	dep, err := trustkernel.Deploy(ctx, client, from(0), simchain.Address(0))
	if err != nil {
		return err
	}
	r.step("simulated chain at %s, Anchor contract %s", chain.URL(), dep.Anchor.Hex())

	// Each mesh anchors from its own account; a peer's anchors count only
	// if its account sent them.
	accounts := map[string]int{"did:vm:mesh:vaultmesh-dublin": 1, "did:vm:mesh:vaultmesh-berlin": 2}
	verifier := func(mesh string) (checkpoint.Anchorer, error) {
		i, ok := accounts[mesh]
		if !ok {
			return nil, fmt.Errorf("no anchoring account for %s", mesh)
		}
		return trustkernel.NewAnchorer(dep.Anchor, simchain.ChainID, client, simchain.Address(i))
	}
	keys := map[string]ed25519.PrivateKey{}
	start := func(id string) (*federation.Mesh, string, error) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, "", err
		}
		url := "http://" + ln.Addr().String()
		_, key, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, "", err
		}
		keys[id] = key
		a, err := trustkernel.NewAnchorer(dep.Anchor, simchain.ChainID, client, simchain.Address(accounts[id]), trustkernel.WithTransactor(client, from(accounts[id])))
		if err != nil {
			return nil, "", err
		}
		m, err := federation.NewMesh(filepath.Join(r.dir, federation.MeshName(id)), key, federation.Config{
			MeshID: id, DisplayName: "VaultMesh " + federation.MeshName(id), FederationURL: url,
			Scrolls: []string{"Compliance", "Drills"}, PublicScrolls: []string{"Drills"},
			Policy: federation.TrustPolicy{AcceptsProposals: true, MinTrustLevel: federation.Observe, RequiresMutual: true},
		}, federation.WithAnchorer(a), federation.WithPeerAnchorer(verifier))
		if err != nil {
			return nil, "", err
		}
		srv := federation.NewServer("", m.Handler())
		go srv.Serve(ln)
		go func() { <-ctx.Done(); srv.Close() }()
		return m, url, nil
	}
	dublin, dublinURL, err := start("did:vm:mesh:vaultmesh-dublin")
	if err != nil {
		return err
	}
	defer dublin.Close()
	berlin, berlinURL, err := start("did:vm:mesh:vaultmesh-berlin")
	if err != nil {
		return err
	}
	defer berlin.Close()
	r.step("dublin at %s, berlin at %s", dublinURL, berlinURL)

	// 1. Discovery, with each key given by the other operator.
	d, err := dublin.Discover(ctx, berlinURL, berlin.PublicKey())
	if err != nil {
		return err
	}
	if _, err := berlin.Discover(ctx, dublinURL, dublin.PublicKey()); err != nil {
		return err
	}
	r.verified("discovery records fetched and verified with the operators' keys (berlin offers %v)", d.ScrollsAvailable)
	if _, err := dublin.Discover(ctx, berlinURL, dublin.PublicKey()); !errors.Is(err, federation.ErrUnknownMesh) {
		return fmt.Errorf("discovery under the wrong key: got %v, want %v", err, federation.ErrUnknownMesh)
	}
	r.verified("a discovery record checked against another key is refused")

	// 2-4. Proposal, acceptance, mutual signature.
	p, err := dublin.Propose(ctx, "did:vm:mesh:vaultmesh-berlin", federation.Attest, federation.ProposedTerms{
		ScrollsToShare: []string{"Compliance"}, VerificationFrequency: "hourly", RetentionPeriodDays: 365, DataJurisdiction: "EU", AuditRights: true,
	}, &federation.Attestations{ComplianceCredentials: []string{"ISO27001"}})
	if err != nil {
		return err
	}
	a, err := berlin.AcceptProposal(ctx, p.ProposalID)
	if err != nil {
		return err
	}
	da, err := dublin.Agreement(a.AgreementID)
	if err != nil {
		return err
	}
	ba, _ := berlin.Agreement(a.AgreementID)
	if string(da) != string(ba) {
		return errors.New("the parties hold different agreements")
	}
	if _, err := federation.VerifyAgreement(da); err != nil {
		return err
	}
	r.verified("agreement %s at level %s signed by both, byte-identical at both (%s)", a.AgreementID, a.TrustLevel, a.AgreementHash[:19]+"…")

	// 5. Witness cycle.
	for i := range 40 {
		if _, err := dublin.Append(ctx, "Compliance", fmt.Appendf(nil, `{"type":"compliance_check","n":%d}`, i)); err != nil {
			return err
		}
	}
	rc, err := dublin.NotifyPeer(ctx, "did:vm:mesh:vaultmesh-berlin", "Compliance")
	if err != nil {
		return err
	}
	if rc.VerificationResult != federation.ResultVerified {
		return fmt.Errorf("witness cycle: %s %v", rc.VerificationResult, rc.Discrepancies)
	}
	r.verified("berlin witnessed Compliance at size %d: anchor in block %d verified, %d samples proven, cosigned (c2sp tlog-cosignature)", rc.WitnessedSize, rc.WitnessedAnchor.BlockNumber, rc.SamplesChecked)

	// Cross-anchor at level 3.
	ca, err := berlin.CrossAnchor(ctx, "did:vm:mesh:vaultmesh-dublin")
	if err != nil {
		return err
	}
	r.verified("berlin cross-anchored dublin's roots: combined_root %s… in tx %s… on %s", ca.CombinedRoot[:19], ca.AnchorProof.TxHash[:10], ca.AnchorProof.Chain)

	// A fork: dublin's key signs a second view of Compliance of the same
	// size. Berlin's witness refuses it over c2sp tlog-witness and keeps both
	// checkpoints as evidence.
	origin := federation.OriginOf("did:vm:mesh:vaultmesh-dublin", "Compliance")
	signer, err := checkpoint.NewSigner(origin, keys["did:vm:mesh:vaultmesh-dublin"])
	if err != nil {
		return err
	}
	forked, err := merklelog.Open(filepath.Join(r.dir, "forked"), merklelog.Options{Origin: origin, Signer: signer})
	if err != nil {
		return err
	}
	defer forked.Close()
	for i := range 40 {
		if _, err := forked.Append(ctx, fmt.Appendf(nil, `{"type":"rewritten","n":%d}`, i)); err != nil {
			return err
		}
	}
	other, err := forked.Checkpoint(ctx)
	if err != nil {
		return err
	}
	wv, err := checkpoint.WitnessVerifier(federation.WitnessNameOf("did:vm:mesh:vaultmesh-berlin"), berlin.PublicKey())
	if err != nil {
		return err
	}
	wc := &federation.WitnessClient{URL: berlinURL + "/federation/tlog-witness", Witness: wv, HTTP: http.DefaultClient}
	_, err = wc.Submit(ctx, other, signer.Verifier(), 40, func(uint64) (tlog.TreeProof, error) { return nil, nil })
	if !errors.Is(err, federation.ErrBadProof) {
		return fmt.Errorf("forked checkpoint: got %v, want %v", err, federation.ErrBadProof)
	}
	ev, err := berlin.Witness().Evidence()
	if err != nil || len(ev) != 1 {
		return fmt.Errorf("fork evidence: %d records, %v", len(ev), err)
	}
	r.verified("dublin's second view of Compliance at size %d refused with 422; berlin kept both signed checkpoints: %s", ev[0].NewSize, ev[0].Reason)
	return nil
}
