package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/accordsdk/accord/bundle"
	"github.com/accordsdk/accord/envelope"
)

func init() { register(20, "bundle", tourBundle) }

// tourBundle builds a provenance bundle on disk, verifies it in one pass
// against the pinned key, proves one member, and shows a tampered copy and a
// bundle signed by another key rejected.
func tourBundle(_ context.Context, r *report) error {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	signer := envelope.NewEd25519Signer(priv)
	pub := signer.PublicKey()
	r.step("local registry key %.32s...", pub)

	path := filepath.Join(r.dir, "provenance_bundle.tar")
	if err := writeTourBundle(path, signer); err != nil {
		return err
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	r.step("wrote %s (%d bytes): bundle.json, manifest.json, signatures/manifest.sig, 6 members", filepath.Base(path), st.Size())

	m, err := verifyTourFile(path, pub)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	r.verified("verified in one pass: %d members, %d bytes, merkle root %.16s...", m.Len(), m.TotalSize(), m.Root())

	again := filepath.Join(r.dir, "again.tar")
	if err := writeTourBundle(again, signer); err != nil {
		return err
	}
	a, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	b, err := os.ReadFile(again)
	if err != nil {
		return err
	}
	if !bytes.Equal(a, b) {
		return errors.New("two builds of the same members differ")
	}
	r.verified("a second build of the same members is byte-identical")

	// Verify keeps no member table (its memory is flat in the number of
	// members); ReadManifest reads just the header members, with the table.
	hf, err := os.Open(path)
	if err != nil {
		return err
	}
	full, err := bundle.ReadManifest(hf, pub)
	hf.Close()
	if err != nil {
		return err
	}
	proof, err := full.Proof("acks/inst-2/0001.json")
	if err != nil {
		return err
	}
	signed, err := bundle.OpenSignature(m.Signature(), pub)
	if err != nil {
		return err
	}
	if err := bundle.VerifyMemberProof(signed.MerkleRoot, proof); err != nil {
		return err
	}
	r.verified("member %s proven against the signed root (leaf %d of %d, %d hashes)", proof.Path, proof.Index, proof.TreeSize, len(proof.Hashes))

	// Flip one byte of a heartbeat inside the archive.
	i := bytes.Index(a, []byte(`"state":"ok"`))
	tampered := bytes.Clone(a)
	tampered[i+9] = 'K'
	if _, err := bundle.Verify(bytes.NewReader(tampered), pub, nil); !errors.Is(err, bundle.ErrDigestMismatch) {
		return fmt.Errorf("tampered bundle: got %v, want ErrDigestMismatch", err)
	}
	r.verified("a copy with one byte changed is rejected (ErrDigestMismatch)")

	_, otherPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	other := filepath.Join(r.dir, "other.tar")
	if err := writeTourBundle(other, envelope.NewEd25519Signer(otherPriv)); err != nil {
		return err
	}
	if _, err := verifyTourFile(other, pub); !errors.Is(err, bundle.ErrWrongKey) {
		return fmt.Errorf("bundle by another key: got %v, want ErrWrongKey", err)
	}
	r.verified("a bundle signed by another key is rejected (ErrWrongKey)")

	evil := append(bytes.Clone(a), "trailing"...)
	if _, err := bundle.Verify(bytes.NewReader(evil), pub, nil); !errors.Is(err, bundle.ErrTrailingData) {
		return fmt.Errorf("trailing data: got %v, want ErrTrailingData", err)
	}
	r.verified("bytes appended after the archive are rejected (ErrTrailingData)")
	return nil
}

var tourCreated = time.Date(2025, 12, 6, 10, 0, 0, 0, time.UTC)

func writeTourBundle(path string, s envelope.Signer) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w, err := bundle.NewWriter(f, s, bundle.WithIssuer("lr-tour"), bundle.WithCreatedAt(tourCreated))
	if err != nil {
		return err
	}
	for _, inst := range []string{"inst-1", "inst-2", "inst-3"} {
		hb := fmt.Sprintf(`{"instance_id":%q,"state":"ok"}`, inst)
		if err := w.Add("heartbeats/"+inst+"/0001.json", strings.NewReader(hb)); err != nil {
			return err
		}
		if err := w.Add("acks/"+inst+"/0001.json", strings.NewReader(`{"ack":"`+inst+`"}`)); err != nil {
			return err
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	return f.Close()
}

func verifyTourFile(path, pub string) (*bundle.Manifest, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return bundle.Verify(f, pub, func(_ string, r io.Reader) error {
		_, err := io.Copy(io.Discard, r)
		return err
	})
}
