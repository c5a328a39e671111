package governance

import (
	"context"
	"errors"
	"fmt"
	"github.com/accordsdk/accord/internal/merkletree"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/envelope"
)

// An Auditor replays every scroll of a store from its receipts and
// checkpoints: it recomputes each scroll's Merkle tree and checks it against
// the scroll's signed checkpoint and any earlier checkpoints the auditor
// trusts, and it verifies and judges every receipt of the Governance scroll
// as it was judged when appended, recomputing the constitution. It reads one
// batch of receipts at a time: its memory does not grow with the number of
// receipts (it grows with the open proposals, orders and enforcement
// actions the receipts leave behind).
type Auditor struct {
	// Registry is the body's actor registry (required).
	Registry *Registry
	// Genesis is the founding constitution; nil means [Genesis].
	Genesis *Constitution
	// Verifier returns the verifier of the named scroll's checkpoints
	// (required): the scroll operator's key and the scroll's origin.
	Verifier func(scroll string) (note.Verifier, error)
	// Anchorer, if set, confirms every amendment's anchor proof. Without
	// it anchors are not checked, and the report says so.
	Anchorer checkpoint.Anchorer
	// Trusted holds, per scroll, signed checkpoints seen earlier (from
	// witnesses, anchors or an earlier audit). Each must match the tree
	// replayed at its size: a rewritten scroll cannot match them even when
	// signed again by the operator's key.
	Trusted map[string][][]byte
}

// A ScrollAudit is what an audit found in one scroll.
type ScrollAudit struct {
	Name     string
	Size     uint64    // receipts replayed
	Root     tlog.Hash // recomputed root
	Trusted  int       // earlier checkpoints matched
	Receipts bool      // receipts verified and judged (the Governance scroll)
}

// An AuditReport is the outcome of a successful audit.
type AuditReport struct {
	Scrolls      []ScrollAudit
	Constitution *Constitution // recomputed from the Governance scroll
	Hash         envelope.Digest
	Receipts     uint64 // Governance receipts replayed
	Anchors      int    // amendment anchors confirmed
	AnchorsSkip  bool   // no anchorer: anchors were not checked
}

// An AuditError says where an audit failed. It matches [ErrAudit] and
// wraps its cause.
type AuditError struct {
	Scroll string
	Index  uint64 // receipt index, or the checkpoint's size
	ID     string // the receipt's ID, when it could be read
	What   string // "receipt", "checkpoint", "trusted checkpoint", "constitution", "read"
	Err    error
}

// Error describes the failure with its evidence.
func (e *AuditError) Error() string {
	id := ""
	if e.ID != "" {
		id = " (" + e.ID + ")"
	}
	return fmt.Sprintf("governance: audit failed: scroll %s: %s at %d%s: %s", e.Scroll, e.What, e.Index, id, trimPrefix(e.Err))
}

// Is reports whether target is [ErrAudit].
func (e *AuditError) Is(target error) bool { return target == ErrAudit }

// Unwrap returns the cause.
func (e *AuditError) Unwrap() error { return e.Err }

// auditBatch is how many receipts are read and verified at once.
const auditBatch = 512

// Audit replays every scroll of store.
func (a *Auditor) Audit(ctx context.Context, store Store) (*AuditReport, error) {
	if a.Registry == nil || a.Verifier == nil {
		return nil, errors.New("governance: audit: want a registry and a checkpoint verifier")
	}
	genesis := a.Genesis
	if genesis == nil {
		genesis = Genesis()
	}
	l, err := newLedger(a.Registry, genesis)
	if err != nil {
		return nil, err
	}
	v, err := a.Registry.verifier()
	if err != nil {
		return nil, err
	}
	names, err := store.Scrolls()
	if err != nil {
		return nil, err
	}
	rep := &AuditReport{AnchorsSkip: a.Anchorer == nil}
	hasGov := false
	for _, name := range names {
		hasGov = hasGov || name == ScrollGovernance
	}
	if !hasGov {
		names = append(names, ScrollGovernance)
	}
	for _, name := range names {
		sa, err := a.auditScroll(ctx, store, name, l, v, rep)
		if err != nil {
			return nil, err
		}
		rep.Scrolls = append(rep.Scrolls, sa)
	}
	rep.Constitution, rep.Hash, rep.Receipts = l.cons.Clone(), l.cons.Hash(), l.count
	return rep, nil
}

func (a *Auditor) auditScroll(ctx context.Context, store Store, name string, l *ledger, v *envelope.Verifier, rep *AuditReport) (ScrollAudit, error) {
	sa := ScrollAudit{Name: name, Receipts: name == ScrollGovernance}
	fail := func(what string, i uint64, err error) (ScrollAudit, error) {
		return sa, &AuditError{Scroll: name, Index: i, What: what, Err: err}
	}
	s, err := store.Scroll(name)
	if err != nil {
		return fail("read", 0, err)
	}
	logV, err := a.Verifier(name)
	if err != nil {
		return fail("checkpoint", 0, err)
	}
	// Trusted checkpoints, by size.
	want := map[uint64]tlog.Hash{}
	for _, signed := range a.Trusted[name] {
		c, _, err := checkpoint.Verify(signed, logV)
		if err != nil {
			return fail("trusted checkpoint", 0, err)
		}
		if h, dup := want[c.Size]; dup && h != c.Hash {
			return fail("trusted checkpoint", c.Size, fmt.Errorf("two trusted checkpoints of size %d with different roots (a split view)", c.Size))
		}
		want[c.Size] = c.Hash
	}
	signed, err := s.Checkpoint(ctx)
	if err != nil {
		return fail("checkpoint", s.Size(), err)
	}
	cp, _, err := checkpoint.Verify(signed, logV)
	if err != nil {
		return fail("checkpoint", s.Size(), err)
	}
	size := s.Size()
	if cp.Size != size {
		return fail("checkpoint", cp.Size, fmt.Errorf("signed checkpoint covers %d receipts, the scroll holds %d", cp.Size, size))
	}
	var f merkletree.Frontier
	check := func() error {
		if h, ok := want[f.Size()]; ok {
			if h != f.Root() {
				return fmt.Errorf("replayed root %v at size %d, a trusted checkpoint has %v", f.Root(), f.Size(), h)
			}
			sa.Trusted++
		}
		return nil
	}
	if err := check(); err != nil {
		return fail("trusted checkpoint", 0, err)
	}
	batch := make([][]byte, 0, auditBatch)
	for start := uint64(0); start < size; start += auditBatch {
		if err := ctx.Err(); err != nil {
			return sa, err
		}
		batch = batch[:0]
		for i := start; i < min(start+auditBatch, size); i++ {
			rec, err := s.Record(i)
			if err != nil {
				return fail("read", i, err)
			}
			batch = append(batch, rec)
		}
		var opened []envelope.BatchResult
		if sa.Receipts {
			opened = v.OpenBatch(batch)
		}
		for j, rec := range batch {
			i := start + uint64(j)
			if sa.Receipts {
				if id, err := a.replay(ctx, l, opened[j], store.Origin(ScrollGovernance), rep); err != nil {
					return sa, &AuditError{Scroll: name, Index: i, ID: id, What: "receipt", Err: err}
				}
			}
			f.Append(tlog.RecordHash(rec))
			if err := check(); err != nil {
				return fail("trusted checkpoint", f.Size(), err)
			}
		}
	}
	sa.Size, sa.Root = f.Size(), f.Root()
	if sa.Root != cp.Hash {
		return fail("checkpoint", cp.Size, fmt.Errorf("replayed root %v, the signed checkpoint has %v", sa.Root, cp.Hash))
	}
	if sa.Trusted != len(want) {
		return fail("trusted checkpoint", size, fmt.Errorf("%d trusted checkpoints are larger than the scroll", len(want)-sa.Trusted))
	}
	return sa, nil
}

// replay judges and applies one opened receipt.
func (a *Auditor) replay(ctx context.Context, l *ledger, r envelope.BatchResult, origin string, rep *AuditReport) (string, error) {
	if r.Err != nil {
		return "", fmt.Errorf("%w: %v", ErrBadSignature, r.Err)
	}
	p, err := parseCanonical(r.Envelope.Type, r.Envelope.Payload)
	if err != nil {
		return "", err
	}
	apply, err := l.check(r.Envelope, p)
	if err != nil {
		return p.ReceiptID(), err
	}
	if am, ok := p.(*Amendment); ok && a.Anchorer != nil {
		label := origin + " constitution " + am.ProposalID
		if err := a.Anchorer.VerifyAnchor(ctx, am.ConstitutionHashAfter.Sum(), label, &am.AnchorProof); err != nil {
			return p.ReceiptID(), fmt.Errorf("%w: %s: %v", ErrNotAnchored, am.AmendmentID, err)
		}
		rep.Anchors++
	}
	apply()
	return p.ReceiptID(), nil
}

// Audit replays the body's store with the body's registry, genesis and
// anchorer, and proves that the recomputed constitution is the one in force.
// verifier returns each scroll's checkpoint verifier; trusted holds earlier
// checkpoints per scroll (may be nil).
func (b *Body) Audit(ctx context.Context, verifier func(scroll string) (note.Verifier, error), trusted map[string][][]byte) (*AuditReport, error) {
	b.mu.Lock()
	genesis := b.l.history[0].Clone()
	current := b.l.cons.Hash()
	b.mu.Unlock()
	a := &Auditor{Registry: b.reg, Genesis: genesis, Verifier: verifier, Anchorer: b.anchorer, Trusted: trusted}
	rep, err := a.Audit(ctx, b.store)
	if err != nil {
		return nil, err
	}
	if !rep.Hash.Equal(current) {
		return nil, &AuditError{Scroll: ScrollGovernance, Index: rep.Receipts, What: "constitution",
			Err: fmt.Errorf("replayed constitution %s (%s), in force is %s", rep.Constitution.Version, rep.Hash, current)}
	}
	return rep, nil
}
