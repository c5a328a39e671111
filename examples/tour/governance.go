package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/envelope"
	"github.com/accordsdk/accord/governance"
	"github.com/accordsdk/accord/internal/loganchor"
	"github.com/accordsdk/accord/internal/merklelog"
)

func init() { register(60, "governance", tourGovernance) }

// tourGovernance amends the founding constitution end to end (proposal,
// seven days of deliberation on a simulated clock, weighted votes,
// ratification, anchoring in an anchor log, activation), refuses an
// amendment of an axiom and a receipt deletion, serves the Governance
// scroll as tlog tiles, and audits it.
func tourGovernance(ctx context.Context, r *report) error {
	signer := func() (envelope.Signer, error) {
		_, k, err := ed25519.GenerateKey(rand.Reader)
		return envelope.NewEd25519Signer(k), err
	}
	ids := []string{"did:vm:human:sovereign", "did:vm:human:alice", "did:vm:human:bob", "engine:governance"}
	signers := map[string]envelope.Signer{}
	for _, id := range ids {
		s, err := signer()
		if err != nil {
			return err
		}
		signers[id] = s
	}
	reg, err := governance.NewRegistry([]governance.Actor{
		{ID: ids[0], Kind: governance.KindSovereign, Key: signers[ids[0]].PublicKey(), Weight: 2,
			Roles: []governance.Role{governance.RolePropose, governance.RoleVote, governance.RoleRatify}},
		{ID: ids[1], Kind: governance.KindHuman, Key: signers[ids[1]].PublicKey(), Weight: 1, Roles: []governance.Role{governance.RoleVote}},
		{ID: ids[2], Kind: governance.KindHuman, Key: signers[ids[2]].PublicKey(), Weight: 1, Roles: []governance.Role{governance.RoleVote}},
		{ID: ids[3], Kind: governance.KindEngine, Key: signers[ids[3]].PublicKey(), Roles: []governance.Role{governance.RoleActivate, governance.RoleDetect}},
	})
	if err != nil {
		return err
	}
	_, logKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	store, err := governance.OpenFileStore(filepath.Join(r.dir, "store"), "tour.accord.example/gov", logKey)
	if err != nil {
		return err
	}
	defer store.Close()
	_, anchorKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	const anchorOrigin = "tour.accord.example/anchors"
	as, err := checkpoint.NewSigner(anchorOrigin, anchorKey)
	if err != nil {
		return err
	}
	anchorLog, err := merklelog.Open(filepath.Join(r.dir, "anchors"), merklelog.Options{Origin: anchorOrigin, Signer: as})
	if err != nil {
		return err
	}
	defer anchorLog.Close()
	anchorer, err := loganchor.New(anchorLog, as.Verifier())
	if err != nil {
		return err
	}
	now := time.Date(2025, 12, 6, 10, 0, 0, 0, time.UTC)
	body, err := governance.Open(ctx, store, reg, governance.WithClock(func() time.Time { return now }),
		governance.WithAnchorer(anchorer), governance.WithEngineSigner(signers[ids[3]]))
	if err != nil {
		return err
	}
	r.step("constitution %s: %d axioms, %d articles, %d engines, %s", governance.Genesis().Version, len(governance.Genesis().Axioms),
		len(governance.Genesis().Articles), len(governance.Genesis().Engines), body.Constitution().Hash())

	_, err = body.Propose(ctx, signers[ids[0]], governance.ProposalDraft{Type: governance.ProposalAmendment, Title: "Repeal append-only receipts",
		Content: governance.Content{Target: "AXIOM-001", Action: governance.ActionRepeal}})
	if !errors.Is(err, governance.ErrAxiomImmutable) {
		return fmt.Errorf("an amendment of AXIOM-001 was not refused: %v", err)
	}
	r.verified("an amendment of AXIOM-001 is refused: %v", err)

	p, err := body.Propose(ctx, signers[ids[0]], governance.ProposalDraft{
		Type: governance.ProposalAmendment, Title: "Add Data Retention Article", Rationale: "Compliance with EU regulations",
		Content: governance.Content{Target: "ARTICLE-VII", Action: governance.ActionAdd, Text: &governance.Provision{
			ID: "ARTICLE-VII", Name: "Data Retention",
			Sections: []governance.Section{{ID: "ARTICLE-VII.1", Text: "Receipts are retained for at least seven years."}}}},
	})
	if err != nil {
		return err
	}
	r.step("%s proposed: deliberation until %s, voting until %s, quorum %s, threshold %s", p.ProposalID, p.DeliberationEnds, p.VotingEnds,
		p.Rules.Quorum, p.Rules.PassThreshold)
	_, err = body.Vote(ctx, signers[ids[1]], p.ProposalID, governance.Approve, "")
	var se *governance.StateError
	if !errors.As(err, &se) {
		return fmt.Errorf("a vote during deliberation was not refused: %v", err)
	}
	r.verified("a vote during deliberation is refused (state %s)", se.State)

	now = p.DeliberationEnds.Time
	for _, v := range []struct{ who, choice string }{{ids[0], governance.Approve}, {ids[1], governance.Approve}, {ids[2], governance.Reject}} {
		if _, err := body.Vote(ctx, signers[v.who], p.ProposalID, v.choice, ""); err != nil {
			return err
		}
	}
	now = p.VotingEnds.Time
	st, err := body.Proposal(p.ProposalID, now)
	if err != nil {
		return err
	}
	r.verified("voting closed: approve %d, reject %d of %d registered weight, quorum met %v, passed %v (state %s)",
		st.Tally.Approve, st.Tally.Reject, st.Tally.Registered, st.Tally.QuorumMet, st.Tally.Passed, st.State)
	rt, err := body.Ratify(ctx, signers[ids[0]], p.ProposalID)
	if err != nil {
		return err
	}
	now = now.Add(2 * time.Hour)
	am, err := body.Activate(ctx, signers[ids[3]], p.ProposalID)
	if err != nil {
		return err
	}
	r.verified("%s ratified (%s -> %s); %s anchored in the anchor log and confirmed; constitution %s in force",
		rt.RatificationID, rt.ConstitutionVersionBefore, rt.ConstitutionVersionAfter, am.AmendmentID, body.Constitution().Version)
	for _, ch := range governance.Diff(governance.Genesis(), body.Constitution()) {
		r.step("diff: %s", ch)
	}

	v, err := body.RequestChange(ctx, governance.ChangeRequest{Actor: "did:vm:agent:automation-01", Action: "delete_receipt",
		Scroll: governance.ScrollGovernance, Index: 0, Request: []byte("DELETE /scrolls/Governance/0")})
	if !errors.Is(err, governance.ErrAppendOnly) || v == nil {
		return fmt.Errorf("a receipt deletion was not refused and recorded: %v", err)
	}
	r.verified("deleting a receipt is refused and recorded as %s (%s, %s)", v.ViolationID, v.Details.RuleViolated, v.Severity)

	h, err := store.Handler(governance.ScrollGovernance, nil)
	if err != nil {
		return err
	}
	srv := httptest.NewServer(http.StripPrefix("/gov", h))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/gov/checkpoint")
	if err != nil {
		return err
	}
	served, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	verifier := func(name string) (note.Verifier, error) { return store.Verifier(name) }
	lv, _ := verifier(governance.ScrollGovernance)
	c, _, err := checkpoint.Verify(served, lv)
	if err != nil {
		return err
	}
	r.verified("the Governance scroll is served as tlog tiles on loopback: signed checkpoint of %d receipts", c.Size)

	rep, err := body.Audit(ctx, verifier, map[string][][]byte{governance.ScrollGovernance: {served}})
	if err != nil {
		return err
	}
	r.verified("audit: %d receipts replayed and judged, root matches the signed and the served checkpoint, %d anchor confirmed, constitution %s %s",
		rep.Receipts, rep.Anchors, rep.Constitution.Version, rep.Hash)
	return nil
}
