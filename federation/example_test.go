package federation_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/envelope"
	"github.com/accordsdk/accord/federation"
	"github.com/accordsdk/accord/internal/merklelog"
)

// A proposal is signed by the proposer and verified by the target with the
// key its operator gave it; the agreement built from it carries both keys
// and, once both have signed, verifies on its own.
func ExampleVerifyAgreement() {
	dk := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, 32))
	bk := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{2}, 32))
	dpub := envelope.FormatEd25519PublicKey(dk.Public().(ed25519.PublicKey))
	bpub := envelope.FormatEd25519PublicKey(bk.Public().(ed25519.PublicKey))
	now := time.Date(2025, 12, 6, 10, 0, 0, 0, time.UTC)

	raw, _ := federation.SignProposal(federation.Proposal{
		ProposalID: "fed-proposal-001", Proposer: "did:vm:mesh:vaultmesh-dublin", Target: "did:vm:mesh:vaultmesh-berlin",
		ProposedAt: federation.T(now), ExpiresAt: federation.T(now.Add(7 * 24 * time.Hour)), ProposedTrustLevel: federation.Verify,
		ProposedTerms: federation.ProposedTerms{ScrollsToShare: []string{"Compliance"}, VerificationFrequency: "daily", RetentionPeriodDays: 180, AuditRights: true},
	}, dk)
	p, err := federation.VerifyProposal(raw, dpub, now.Add(time.Hour))
	if err != nil {
		fmt.Println(err)
		return
	}
	a, _ := federation.AgreementFor(p, "fed-agreement-001", dpub, bpub, now.Add(2*time.Hour))
	_ = a.SignAgreement("did:vm:mesh:vaultmesh-berlin", bk, now.Add(2*time.Hour))
	_ = a.SignAgreement("did:vm:mesh:vaultmesh-dublin", dk, now.Add(3*time.Hour))

	got, err := federation.VerifyAgreement(a.Marshal())
	fmt.Println(err, got.TrustLevel, got.Terms.ScrollsShared, got.AgreementHash[:7])
	_, err = federation.VerifyAgreement(bytes.Replace(a.Marshal(), []byte(`"daily"`), []byte(`"weekly"`), 1))
	fmt.Println(err != nil)
	// Output:
	// <nil> verify [Compliance] blake3:
	// true
}

// A Witness cosigns a log's checkpoints once they are consistent with what
// it cosigned before; its cosignatures verify with any tlog-cosignature
// verifier.
func ExampleWitness() {
	dir, _ := os.MkdirTemp("", "example-witness")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	lsigner, _ := checkpoint.NewSigner("example.com/log", ed25519.NewKeyFromSeed(bytes.Repeat([]byte{3}, 32)))
	l, _ := merklelog.Open(dir+"/log", merklelog.Options{Origin: "example.com/log", Signer: lsigner})
	defer l.Close()
	cosigner, _ := checkpoint.NewCosigner("example.com/witness", ed25519.NewKeyFromSeed(bytes.Repeat([]byte{4}, 32)))
	logs, _ := federation.StaticLogs(lsigner.VerifierKey())
	w, _ := federation.NewWitness(cosigner, dir+"/witness", logs, func() time.Time { return time.Unix(1767657600, 0) }, nil)

	for _, r := range []string{"a", "b", "c"} {
		l.Append(ctx, []byte(r))
	}
	cp, _ := l.Checkpoint(ctx)
	line, err := w.AddCheckpoint(ctx, 0, nil, cp)
	if err != nil {
		fmt.Println(err)
		return
	}
	_, cs, err := checkpoint.VerifyCosigned(append(cp, line...), lsigner.Verifier(), []note.Verifier{cosigner.Verifier()}, 1)
	fmt.Println(err, cs[0].Name, cs[0].Time.Unix())

	// A stale old size is answered with the size the witness holds.
	l.Append(ctx, []byte("d"))
	cp, _ = l.Checkpoint(ctx)
	_, err = w.AddCheckpoint(ctx, 0, nil, cp)
	fmt.Println(err)
	// Output:
	// <nil> example.com/witness 1767657600
	// federation: witness: old size does not match, witness holds size 3
}
