// Package loganchor is a [checkpoint.Anchorer] that anchors roots in an
// accord Merkle log (package internal/merklelog) instead of a blockchain:
// for tests, demos and deployments whose anchoring authority is a log
// operated (and witnessed) apart from the logs it anchors.
//
// # Anchor record and proof
//
// Anchoring root under label appends one record to the anchor log:
//
//	accord-anchor/v1
//	label <label>
//	root <64 lower-case hex digits>
//
// (each line ending in a newline; labels are non-empty, valid UTF-8, at
// most 256 bytes, without control characters). The [checkpoint.AnchorProof]
// returned has backend "log" and, as Evidence, a c2sp.org/tlog-proof of
// that record: its index, its inclusion proof and the anchor log's signed
// checkpoint. Verifying the proof needs only the anchor log's public key
// (and, if required, its witnesses' keys): the anchor is as trustworthy as
// that key and its witnesses, which is why a production deployment anchors
// on a chain instead (trustkernel's Anchorer).
package loganchor

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/internal/merklelog"
)

// Backend is the name of this anchoring backend in anchor proofs.
const Backend = "log"

// MaxLabel is the longest label in bytes.
const MaxLabel = 256

// ErrNoLog is returned by [Anchorer.Anchor] of an Anchorer made with
// [NewVerifier], which can only verify.
var ErrNoLog = errors.New("loganchor: verify-only anchorer has no log to anchor in")

// Record returns the anchor log record for root under label.
func Record(root [32]byte, label string) ([]byte, error) {
	if label == "" || len(label) > MaxLabel || !utf8.ValidString(label) || strings.ContainsFunc(label, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return nil, fmt.Errorf("loganchor: label %q is empty, longer than %d bytes, or has control characters", label, MaxLabel)
	}
	var b bytes.Buffer
	b.WriteString("accord-anchor/v1\nlabel ")
	b.WriteString(label)
	b.WriteString("\nroot ")
	b.WriteString(hex.EncodeToString(root[:]))
	b.WriteString("\n")
	return b.Bytes(), nil
}

// Anchorer anchors roots in a log and verifies anchor proofs against the
// log's key. It implements [checkpoint.Anchorer].
type Anchorer struct {
	log       *merklelog.Log // nil: verify only
	verifier  note.Verifier
	witnesses []note.Verifier
	threshold int
}

// New returns an Anchorer appending to l, whose checkpoints v verifies.
func New(l *merklelog.Log, v note.Verifier) (*Anchorer, error) {
	if l == nil || v == nil {
		return nil, errors.New("loganchor: nil log or verifier")
	}
	if v.Name() != l.Origin() {
		return nil, fmt.Errorf("loganchor: verifier named %q, log origin %q", v.Name(), l.Origin())
	}
	return &Anchorer{log: l, verifier: v}, nil
}

// NewVerifier returns an Anchorer that verifies anchor proofs of the log
// whose key v verifies, requiring cosignatures by threshold of witnesses.
func NewVerifier(v note.Verifier, witnesses []note.Verifier, threshold int) (*Anchorer, error) {
	if v == nil {
		return nil, errors.New("loganchor: nil verifier")
	}
	if threshold < 0 || threshold > len(witnesses) {
		return nil, fmt.Errorf("loganchor: threshold %d of %d witnesses", threshold, len(witnesses))
	}
	return &Anchorer{verifier: v, witnesses: witnesses, threshold: threshold}, nil
}

// Backend returns "log".
func (a *Anchorer) Backend() string { return Backend }

// Anchor appends the anchor record, signs a checkpoint that includes it, and
// returns the proof.
func (a *Anchorer) Anchor(ctx context.Context, root [32]byte, label string) (*checkpoint.AnchorProof, error) {
	if a.log == nil {
		return nil, ErrNoLog
	}
	rec, err := Record(root, label)
	if err != nil {
		return nil, err
	}
	i, err := a.log.Append(ctx, rec)
	if err != nil {
		return nil, fmt.Errorf("loganchor: %w", err)
	}
	p, err := a.log.Proof(ctx, i)
	if err != nil {
		return nil, fmt.Errorf("loganchor: %w", err)
	}
	return &checkpoint.AnchorProof{Backend: Backend, BlockNumber: i, Evidence: p.Marshal()}, nil
}

// VerifyAnchor checks that proof is a tlog-proof, verified by the anchor
// log's key (and witnesses), of the record anchoring root under label.
func (a *Anchorer) VerifyAnchor(ctx context.Context, root [32]byte, label string, proof *checkpoint.AnchorProof) error {
	if proof == nil {
		return fmt.Errorf("%w: no proof", checkpoint.ErrNotAnchored)
	}
	if proof.Backend != Backend {
		return fmt.Errorf("%w: backend %q, want %q", checkpoint.ErrNotAnchored, proof.Backend, Backend)
	}
	rec, err := Record(root, label)
	if err != nil {
		return fmt.Errorf("%w: %w", checkpoint.ErrNotAnchored, err)
	}
	p, err := checkpoint.ParseProof(proof.Evidence)
	if err != nil {
		return fmt.Errorf("%w: evidence: %w", checkpoint.ErrNotAnchored, err)
	}
	if p.Index != proof.BlockNumber {
		return fmt.Errorf("%w: proof names record %d, evidence proves record %d", checkpoint.ErrNotAnchored, proof.BlockNumber, p.Index)
	}
	if _, err := p.Verify(rec, a.verifier, a.witnesses, a.threshold); err != nil {
		return fmt.Errorf("%w: %w", checkpoint.ErrNotAnchored, err)
	}
	return nil
}
