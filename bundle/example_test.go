package bundle_test

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/accordsdk/accord/bundle"
	"github.com/accordsdk/accord/envelope"
)

// Build a bundle, verify it against the signer's pinned key, and see a
// tampered copy rejected.
func Example() {
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	signer := envelope.NewEd25519Signer(priv)
	pub := signer.PublicKey() // pinned by the verifier, distributed out of band

	var archive bytes.Buffer
	w, err := bundle.NewWriter(&archive, signer,
		bundle.WithIssuer("local-registry-1"),
		bundle.WithCreatedAt(time.Date(2025, 12, 6, 10, 0, 0, 0, time.UTC)),
		bundle.WithMetadata("export", map[string]int{"heartbeats": 1, "acks": 1}))
	if err != nil {
		panic(err)
	}
	// Members may come in any order and need not have a known size.
	if err := w.Add("heartbeats/inst-1/0001.json", strings.NewReader(`{"state":"ok"}`)); err != nil {
		panic(err)
	}
	if err := w.Add("acks/inst-1/0001.json", strings.NewReader(`{"ack":"0001"}`)); err != nil {
		panic(err)
	}
	if err := w.Close(); err != nil {
		panic(err)
	}

	m, err := bundle.Verify(bytes.NewReader(archive.Bytes()), pub, func(name string, r io.Reader) error {
		body, err := io.ReadAll(r) // returns an error, not EOF, if the digest is wrong
		if err != nil {
			return err
		}
		fmt.Printf("member %s: %s\n", name, body)
		return nil
	})
	if err != nil {
		panic(err)
	}
	info := m.Info()
	fmt.Println("issuer:", info.Issuer, "members:", info.MemberCount, "created:", info.CreatedAt.Format(time.RFC3339))

	tampered := bytes.Replace(archive.Bytes(), []byte(`"ok"`), []byte(`"ko"`), 1)
	_, err = bundle.Verify(bytes.NewReader(tampered), pub, nil)
	fmt.Println("tampered copy rejected:", errors.Is(err, bundle.ErrDigestMismatch))
	// Output:
	// member acks/inst-1/0001.json: {"ack":"0001"}
	// member heartbeats/inst-1/0001.json: {"state":"ok"}
	// issuer: local-registry-1 members: 2 created: 2025-12-06T10:00:00Z
	// tampered copy rejected: true
}

// Prove that one member was in a bundle, using only the bundle's signature
// and the proof.
func ExampleManifest_Proof() {
	signer := envelope.NewEd25519Signer(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize)))
	var archive bytes.Buffer
	w, err := bundle.NewWriter(&archive, signer, bundle.WithCreatedAt(time.Date(2025, 12, 6, 10, 0, 0, 0, time.UTC)))
	if err != nil {
		panic(err)
	}
	for i := range 5 {
		if err := w.Add(fmt.Sprintf("acks/%04d.json", i), strings.NewReader(fmt.Sprintf(`{"ack":%d}`, i))); err != nil {
			panic(err)
		}
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	// ReadManifest verifies the header members and keeps the member table.
	m, err := bundle.ReadManifest(&archive, signer.PublicKey())
	if err != nil {
		panic(err)
	}
	proof, err := m.Proof("acks/0003.json")
	if err != nil {
		panic(err)
	}

	// Later, holding the signature (a receipt) and the proof:
	signed, err := bundle.OpenSignature(m.Signature(), signer.PublicKey())
	if err != nil {
		panic(err)
	}
	err = bundle.VerifyMemberProof(signed.MerkleRoot, proof)
	fmt.Println("member", proof.Path, "is leaf", proof.Index, "of", proof.TreeSize, "- proof ok:", err == nil)
	// Output:
	// member acks/0003.json is leaf 3 of 5 - proof ok: true
}

// Verify stages what the callback reads and commits only once the whole
// bundle is verified; WithManifestFunc checks the signed metadata before any
// member is read.
func ExampleVerify() {
	signer := envelope.NewEd25519Signer(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize)))
	var archive bytes.Buffer
	w, err := bundle.NewWriter(&archive, signer, bundle.WithIssuer("local-registry-1"),
		bundle.WithCreatedAt(time.Date(2025, 12, 6, 10, 0, 0, 0, time.UTC)))
	if err != nil {
		panic(err)
	}
	for _, name := range []string{"acks/0001.json", "heartbeats/0001.json"} {
		if err := w.Add(name, strings.NewReader(`{}`)); err != nil {
			panic(err)
		}
	}
	if err := w.Close(); err != nil {
		panic(err)
	}

	staged := map[string][]byte{}
	_, err = bundle.Verify(&archive, signer.PublicKey(),
		func(name string, r io.Reader) error {
			body, err := io.ReadAll(io.LimitReader(r, 1<<20))
			if err != nil {
				return err
			}
			staged[name] = body // not committed yet
			return nil
		},
		bundle.WithMaxMembers(10_000),
		bundle.WithMaxMemberSize(1<<20),
		bundle.WithManifestFunc(func(m *bundle.Manifest) error {
			if m.Info().Issuer != "local-registry-1" {
				return fmt.Errorf("unexpected issuer %q", m.Info().Issuer)
			}
			return nil
		}))
	if err != nil {
		fmt.Println("rejected:", err) // discard everything staged
		return
	}
	fmt.Println("committing", len(staged), "members")
	// Output:
	// committing 2 members
}
