package governance_test

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"os"
	"time"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/envelope"
	"github.com/accordsdk/accord/governance"
	"golang.org/x/mod/sumdb/note"
)

// key returns a fixed key for the example.
func key(name string) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("example " + name))
	return ed25519.NewKeyFromSeed(seed[:])
}

// memAnchorer stands in for a real anchoring backend.
type memAnchorer map[string][32]byte

func (memAnchorer) Backend() string { return "example" }
func (m memAnchorer) Anchor(_ context.Context, root [32]byte, label string) (*checkpoint.AnchorProof, error) {
	m[label] = root
	return &checkpoint.AnchorProof{Backend: "example", TxHash: fmt.Sprintf("%d", len(m))}, nil
}
func (m memAnchorer) VerifyAnchor(_ context.Context, root [32]byte, label string, _ *checkpoint.AnchorProof) error {
	if m[label] != root {
		return checkpoint.ErrNotAnchored
	}
	return nil
}

// Example amends the founding constitution: a proposal deliberated for
// seven days, voted, ratified, anchored and activated, then audited.
func Example() {
	ctx := context.Background()
	sovereign := envelope.NewEd25519Signer(key("sovereign"))
	engine := envelope.NewEd25519Signer(key("governance"))
	reg, err := governance.NewRegistry([]governance.Actor{
		{ID: "did:vm:human:sovereign", Kind: governance.KindSovereign, Key: sovereign.PublicKey(), Weight: 1,
			Roles: []governance.Role{governance.RolePropose, governance.RoleVote, governance.RoleRatify}},
		{ID: "engine:governance", Kind: governance.KindEngine, Key: engine.PublicKey(),
			Roles: []governance.Role{governance.RoleActivate, governance.RoleDetect}},
	})
	if err != nil {
		panic(err)
	}
	dir, _ := os.MkdirTemp("", "governance-example-")
	defer os.RemoveAll(dir)
	store, err := governance.OpenFileStore(dir, "gov.example.org", key("log"))
	if err != nil {
		panic(err)
	}
	defer store.Close()
	now := time.Date(2025, 12, 6, 10, 0, 0, 0, time.UTC)
	body, err := governance.Open(ctx, store, reg, governance.WithClock(func() time.Time { return now }),
		governance.WithAnchorer(memAnchorer{}))
	if err != nil {
		panic(err)
	}

	p, err := body.Propose(ctx, sovereign, governance.ProposalDraft{
		Type: governance.ProposalAmendment, Title: "Add Data Retention Article", Rationale: "Compliance with EU regulations",
		Content: governance.Content{Target: "ARTICLE-VII", Action: governance.ActionAdd, Text: &governance.Provision{
			ID: "ARTICLE-VII", Name: "Data Retention",
			Sections: []governance.Section{{ID: "ARTICLE-VII.1", Text: "Receipts are kept for seven years."}}}},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(p.ProposalID, p.Status, "until", p.DeliberationEnds)

	now = p.DeliberationEnds.Time // seven days later
	if _, err := body.Vote(ctx, sovereign, p.ProposalID, governance.Approve, "Essential for compliance"); err != nil {
		panic(err)
	}
	now = p.VotingEnds.Time
	rt, err := body.Ratify(ctx, sovereign, p.ProposalID)
	if err != nil {
		panic(err)
	}
	fmt.Println(rt.RatificationID, rt.ConstitutionVersionBefore, "->", rt.ConstitutionVersionAfter)
	am, err := body.Activate(ctx, engine, p.ProposalID)
	if err != nil {
		panic(err)
	}
	st, _ := body.Proposal(p.ProposalID, now)
	fmt.Println(am.AmendmentID, st.State, body.Constitution().Version)

	rep, err := body.Audit(ctx, func(scroll string) (note.Verifier, error) { return store.Verifier(scroll) }, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println("audit:", rep.Receipts, "receipts replayed, constitution", rep.Constitution.Version)
	// Output:
	// PROP-2025-12-001 deliberation until 2025-12-13T10:00:00Z
	// RAT-2025-12-001 1.0.0 -> 1.1.0
	// AMEND-2025-12-001 active 1.1.0
	// audit: 4 receipts replayed, constitution 1.1.0
}

// ExampleDiff lists what an amendment changed.
func ExampleDiff() {
	a := governance.Genesis()
	b, err := governance.Apply(a, &governance.Proposal{ProposalID: "PROP-2025-12-001", ProposalType: governance.ProposalStatute,
		Content: governance.Content{Target: "guardian.anchor_rate_limit", Action: governance.ActionSetParameter, Value: "200/day"}})
	if err != nil {
		panic(err)
	}
	for _, ch := range governance.Diff(a, b) {
		fmt.Println(ch)
	}
	// Output:
	// ~ version: 1.0.0 -> 1.0.1
	// ~ parameters/guardian.anchor_rate_limit: 100/day -> 200/day
}
