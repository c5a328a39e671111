package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/internal/merklelog"
)

func init() { register(20, "log", tourLog) }

// tourLog walks through an append-only log: concurrent durable appends, a
// signed checkpoint, inclusion and consistency proofs, a witness's
// cosignature, and recovery on reopen.
func tourLog(ctx context.Context, r *report) error {
	const origin = "tour.accord.example/audit"
	_, logKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	signer, err := checkpoint.NewSigner(origin, logKey)
	if err != nil {
		return err
	}
	opts := merklelog.Options{Origin: origin, Signer: signer}
	l, err := merklelog.Open(r.dir, opts)
	if err != nil {
		return err
	}
	defer func() { l.Close() }()

	const writers, each = 16, 64
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				if _, err := l.Append(ctx, fmt.Appendf(nil, "writer %d record %d", w, i)); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	r.step("%d writers appended %d records, each fsynced before acknowledgement, in %s",
		writers, l.Size(), time.Since(start).Round(time.Millisecond))

	signed, err := l.Checkpoint(ctx)
	if err != nil {
		return err
	}
	logVerifier := signer.Verifier()
	c1, _, err := checkpoint.Verify(signed, logVerifier)
	if err != nil {
		return err
	}
	r.verified("checkpoint signed by %s: size %d, root %v", signer.VerifierKey()[:len(origin)+9], c1.Size, c1.Hash)

	rec, err := l.Record(100)
	if err != nil {
		return err
	}
	proof, err := l.InclusionProof(100, c1.Size)
	if err != nil {
		return err
	}
	if err := checkpoint.VerifyInclusion(c1, 100, rec, proof); err != nil {
		return err
	}
	r.verified("record 100 (%q) is in the checkpoint: %d-hash inclusion proof", rec, len(proof))
	if err := checkpoint.VerifyInclusion(c1, 100, []byte("a forged record"), proof); !errors.Is(err, checkpoint.ErrInclusion) {
		return fmt.Errorf("forged record: got %v, want ErrInclusion", err)
	}
	r.verified("a forged record at index 100 is rejected")

	_, witnessKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	witness, err := checkpoint.NewCosigner("peer.tour.accord.example/witness", witnessKey)
	if err != nil {
		return err
	}
	cosigned, err := witness.Cosign(signed, logVerifier, time.Now())
	if err != nil {
		return err
	}
	_, cosigs, err := checkpoint.VerifyCosigned(cosigned, logVerifier, []note.Verifier{witness.Verifier()}, 1)
	if err != nil {
		return err
	}
	r.verified("a federation peer cosigned the checkpoint (C2SP tlog-cosignature, time %s)", cosigs[0].Time.Format(time.RFC3339))

	if _, err := l.AppendBatch(ctx, [][]byte{[]byte("late record 1"), []byte("late record 2")}); err != nil {
		return err
	}
	// Reopen: the index locates the records and holds their hashes, so none
	// recomputed; a second writer is refused while the log is open.
	if err := l.Close(); err != nil {
		return err
	}
	if l, err = merklelog.Open(r.dir, opts); err != nil {
		return err
	}
	if _, err := merklelog.Open(r.dir, opts); !errors.Is(err, merklelog.ErrLocked) {
		return fmt.Errorf("second writer: got %v, want ErrLocked", err)
	}
	r.verified("the log reopened with %d records and refused a second writer", l.Size())

	signed2, err := l.Checkpoint(ctx)
	if err != nil {
		return err
	}
	c2, _, err := checkpoint.Verify(signed2, logVerifier)
	if err != nil {
		return err
	}
	cons, err := l.ConsistencyProof(c1.Size, c2.Size)
	if err != nil {
		return err
	}
	if err := checkpoint.VerifyConsistency(c1, c2, cons); err != nil {
		return err
	}
	r.verified("checkpoint at size %d extends the one at size %d: %d-hash consistency proof", c2.Size, c1.Size, len(cons))
	return nil
}
