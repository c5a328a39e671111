package federation

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/internal/tiles"
)

// Notify is the payload of POST /federation/notify: a new checkpoint of
// one of the sender's scrolls and where its root was anchored.
type Notify struct {
	AgreementID string                  `json:"agreement_id"`
	Scroll      string                  `json:"scroll"`
	Checkpoint  string                  `json:"checkpoint"`
	AnchorProof *checkpoint.AnchorProof `json:"anchor_proof"`
}

// WitnessSubmission is the payload of POST /federation/witness: a witness
// receipt or a cross anchor (one of the two).
type WitnessSubmission struct {
	Receipt     json.RawMessage `json:"receipt,omitempty"`
	CrossAnchor json.RawMessage `json:"cross_anchor,omitempty"`
}

// ScrollLabel returns the anchor label of a scroll checkpoint:
// "fed_scroll/<origin>/<size>".
func ScrollLabel(origin string, size uint64) string {
	return "fed_scroll/" + origin + "/" + strconv.FormatUint(size, 10)
}

func rootString(h tlog.Hash) string { return "sha256:" + hex.EncodeToString(h[:]) }

func (m *Mesh) peerAnchorer(peer string) (checkpoint.Anchorer, error) {
	if m.opts.peerAnchorer != nil {
		return m.opts.peerAnchorer(peer)
	}
	return m.opts.anchorer, nil
}

// NotifyPeer runs one witness cycle for one of this mesh's scrolls: it
// signs a checkpoint, anchors its root, notifies the peer, which fetches
// and checks the scroll and answers with a witness receipt (also posted to
// /federation/witness). It returns the receipt.
func (m *Mesh) NotifyPeer(ctx context.Context, peerID, scroll string) (*WitnessReceipt, error) {
	a, err := m.readable(peerID, scroll)
	if err != nil {
		return nil, err
	}
	peer, err := m.peer(peerID)
	if err != nil {
		return nil, err
	}
	signed, err := m.Checkpoint(ctx, scroll)
	if err != nil {
		return nil, err
	}
	c, err := checkpoint.Parse(signed[:len(signed)-len(signatureBlock(signed))])
	if err != nil {
		return nil, err
	}
	proof, err := m.opts.anchorer.Anchor(ctx, c.Hash, ScrollLabel(c.Origin, c.Size))
	if err != nil {
		return nil, fmt.Errorf("federation: anchoring %s: %w", c.Origin, err)
	}
	resp, err := m.send(ctx, peer, http.MethodPost, "/federation/notify", TypeNotifyEnvelope, Notify{AgreementID: a.AgreementID, Scroll: scroll, Checkpoint: string(signed), AnchorProof: proof})
	if err != nil {
		return nil, err
	}
	// The peer also posted the receipt to /federation/witness; store it
	// here too if it has not arrived.
	r, err := m.acceptReceipt(peer, resp)
	if errors.Is(err, ErrState) && r != nil {
		err = nil // already stored
	}
	return r, err
}

// signatureBlock returns the signature lines of a signed note, from the
// blank line on.
func signatureBlock(n []byte) []byte {
	for i := 0; i+1 < len(n); i++ {
		if n[i] == '\n' && n[i+1] == '\n' {
			return n[i+1:]
		}
	}
	return nil
}

// peerTiles reads a peer's scroll as c2sp.org/tlog-tiles through signed
// GET requests.
type peerTiles struct {
	ctx    context.Context
	m      *Mesh
	peer   *Peer
	scroll string
}

func (t *peerTiles) Height() int { return tiles.TileHeight }

func (t *peerTiles) ReadTiles(ts []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(ts))
	for i, tile := range ts {
		b, err := t.m.get(t.ctx, t.peer, t.peer.URL, "/federation/scrolls/"+url.PathEscape(t.scroll)+"/"+tiles.Path(tile))
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

func (t *peerTiles) SaveTiles([]tlog.Tile, [][]byte) {}

// handleNotify is the witness side of the cycle.
func (m *Mesh) handleNotify(ctx context.Context, peer *Peer, n *Notify) ([]byte, error) {
	a, err := m.activeAgreement(peer.MeshID, ReadPublic)
	if err != nil {
		return nil, err
	}
	if a.AgreementID != n.AgreementID {
		return nil, fmt.Errorf("%w: notify under %s, agreement in force is %s", ErrState, n.AgreementID, a.AgreementID)
	}
	if !slices.Contains(a.Terms.ScrollsShared, n.Scroll) {
		return nil, fmt.Errorf("%w: scroll %q is not shared under %s", ErrPolicy, n.Scroll, a.AgreementID)
	}
	origin := OriginOf(peer.MeshID, n.Scroll)
	v, err := checkpoint.LogVerifier(origin, peer.Key)
	if err != nil {
		return nil, err
	}
	signed := []byte(n.Checkpoint)
	c, _, err := checkpoint.Verify(signed, v)
	if err != nil {
		return nil, err
	}
	r := WitnessReceipt{
		WitnessingMesh: m.cfg.MeshID, WitnessedMesh: peer.MeshID, AgreementID: a.AgreementID,
		Timestamp: T(m.opts.now()), Scroll: n.Scroll, WitnessedSize: c.Size, WitnessedRoot: rootString(c.Hash),
		WitnessedAnchor: n.AnchorProof, VerificationMethod: "anchor_proof_validation+consistency_proof+inclusion_samples",
		Discrepancies: []Discrepancy{},
	}
	m.mu.Lock()
	r.WitnessID = m.nextID("witness")
	m.mu.Unlock()
	var cosigned []byte
	result, err := m.witnessCheckpoint(ctx, peer, n, c, signed, v, &r)
	if err != nil {
		return nil, err
	}
	r.VerificationResult = result
	if result == ResultVerified {
		cosigned = append(signed, r.Cosignature...)
		r.Cosignature = string(lastSignatureLine(cosigned))
	}
	raw, err := SignReceipt(r, m.key)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	m.st.Receipts = append(m.st.Receipts, &ReceiptEntry{Receipt: raw, Issued: true, Peer: peer.MeshID, Scroll: n.Scroll, Result: result, At: r.Timestamp.Time, Cosigned: cosigned, Agreement: a.AgreementID})
	err = m.save()
	m.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if _, err := m.send(ctx, peer, http.MethodPost, "/federation/witness", TypeWitnessEnvelope, WitnessSubmission{Receipt: raw}); err != nil {
		m.opts.logger.Warn("federation: posting witness receipt", "peer", peer.MeshID, "err", err)
	}
	return raw, nil
}

// witnessCheckpoint checks a notified checkpoint: the peer's published
// checkpoint, the anchor, random samples, then consistency with what this
// mesh's witness cosigned before (cosigning it). It returns the result; on
// "verified" r.Cosignature holds the cosignature line.
func (m *Mesh) witnessCheckpoint(ctx context.Context, peer *Peer, n *Notify, c checkpoint.Checkpoint, signed []byte, v note.Verifier, r *WitnessReceipt) (string, error) {
	fail := func(result, kind string, index uint64, detail string) (string, error) {
		r.Discrepancies = append(r.Discrepancies, Discrepancy{Kind: kind, Index: index, Detail: detail})
		return result, nil
	}
	tr := &peerTiles{ctx: ctx, m: m, peer: peer, scroll: n.Scroll}
	// The peer fetches the checkpoint itself: a mesh that notifies one
	// root and publishes another is showing two views.
	published, err := m.get(ctx, peer, peer.URL, "/federation/scrolls/"+url.PathEscape(n.Scroll)+"/checkpoint")
	if err != nil {
		return fail(ResultUnreachable, "unreachable", 0, err.Error())
	}
	pc, _, err := checkpoint.Verify(published, v)
	if err != nil {
		return fail(ResultUnreachable, "unreachable", 0, "published checkpoint: "+err.Error())
	}
	switch {
	case pc.Size < c.Size:
		return fail(ResultUnreachable, "unreachable", 0, fmt.Sprintf("published checkpoint of size %d is older than the notified one of size %d", pc.Size, c.Size))
	case pc.Size == c.Size && pc.Hash != c.Hash:
		err := checkpoint.VerifyConsistency(c, pc, nil)
		m.recordFork(peer.MeshID, n.Scroll, signed, published, err)
		return fail(ResultForkDetected, "fork", c.Size, "notified and published checkpoints differ: "+err.Error())
	case pc.Size > c.Size:
		if err := m.consistent(tr, c, pc); err != nil {
			m.recordFork(peer.MeshID, n.Scroll, signed, published, err)
			return fail(ResultForkDetected, "fork", c.Size, "published checkpoint does not extend the notified one: "+err.Error())
		}
	}
	pa, err := m.peerAnchorer(peer.MeshID)
	if err != nil {
		return "", err
	}
	if err := pa.VerifyAnchor(ctx, c.Hash, ScrollLabel(c.Origin, c.Size), n.AnchorProof); err != nil {
		return fail(ResultAnchorInvalid, "anchor", 0, err.Error())
	}
	hr := tlog.TileHashReader(tlog.Tree{N: int64(c.Size), Hash: c.Hash}, tr)
	for range min(uint64(m.opts.samples), c.Size) {
		i, err := randIndex(c.Size)
		if err != nil {
			return "", err
		}
		r.SamplesChecked++
		if err := m.checkSample(tr, hr, c, i); err != nil {
			return fail(ResultSampleFailed, "sample", i, err.Error())
		}
	}
	// Another cycle of the same scroll may move the witness on between
	// reading its size and submitting: try again from the new size.
	var line []byte
	for attempt := 0; ; attempt++ {
		_, oldSize, err := m.witness.Latest(c.Origin)
		if err != nil {
			return "", err
		}
		if oldSize > c.Size {
			// A newer checkpoint is cosigned already: this one is not the
			// largest the witness has seen, so it is not cosigned.
			return fail(ResultSuperseded, "superseded", c.Size, fmt.Sprintf("the witness holds size %d", oldSize))
		}
		var proof tlog.TreeProof
		if oldSize > 0 && oldSize < c.Size {
			if proof, err = tlog.ProveTree(int64(c.Size), int64(oldSize), hr); err != nil {
				return fail(ResultUnreachable, "unreachable", 0, "consistency proof: "+err.Error())
			}
		}
		line, err = m.witness.AddCheckpoint(ctx, oldSize, proof, signed)
		var fe *ForkError
		switch {
		case errors.As(err, &fe):
			m.recordFork(peer.MeshID, n.Scroll, fe.Old, fe.New, fe.Err)
			return fail(ResultForkDetected, "fork", c.Size, fe.Err.Error())
		case errors.Is(err, ErrOldSize) && attempt < 3:
			continue
		case err != nil:
			return "", err
		}
		break
	}
	r.Cosignature = string(line)
	return ResultVerified, nil
}

// consistent checks that old is a prefix of new with a proof read from the
// peer's tiles.
func (m *Mesh) consistent(tr tlog.TileReader, old, new checkpoint.Checkpoint) error {
	if old.Size == 0 {
		return checkpoint.VerifyConsistency(old, new, nil)
	}
	hr := tlog.TileHashReader(tlog.Tree{N: int64(new.Size), Hash: new.Hash}, tr)
	p, err := tlog.ProveTree(int64(new.Size), int64(old.Size), hr)
	if err != nil {
		return &checkpoint.ConsistencyError{Old: old, New: new, Reason: "no consistency proof from the published tiles: " + err.Error()}
	}
	return checkpoint.VerifyConsistency(old, new, p)
}

func (m *Mesh) checkSample(tr *peerTiles, hr tlog.HashReader, c checkpoint.Checkpoint, i uint64) error {
	n := int64(i / 256)
	w := min(256, int(c.Size-uint64(n)*256))
	b, err := tr.m.get(tr.ctx, tr.peer, tr.peer.URL, "/federation/scrolls/"+url.PathEscape(tr.scroll)+"/"+tiles.Path(tlog.Tile{H: tiles.TileHeight, L: -1, N: n, W: w}))
	if err != nil {
		return err
	}
	recs, err := tiles.ParseBundle(b)
	if err != nil {
		return err
	}
	if len(recs) != w {
		return fmt.Errorf("entry bundle of %d records, want %d", len(recs), w)
	}
	p, err := tlog.ProveRecord(int64(c.Size), int64(i), hr)
	if err != nil {
		return err
	}
	return checkpoint.VerifyInclusion(c, i, recs[i%256], p)
}

func randIndex(n uint64) (uint64, error) {
	x, err := rand.Int(rand.Reader, new(big.Int).SetUint64(n))
	if err != nil {
		return 0, err
	}
	return x.Uint64(), nil
}

func (m *Mesh) recordFork(mesh, scroll string, old, new []byte, cause error) {
	reason := "inconsistent checkpoints"
	if cause != nil {
		reason = cause.Error()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	// A peer may show the same two views again: keep them once.
	for _, f := range m.st.Forks {
		if f.Mesh == mesh && f.Scroll == scroll && bytes.Equal(f.Old, old) && bytes.Equal(f.New, new) {
			return
		}
	}
	m.st.Forks = append(m.st.Forks, &ForkRecord{Mesh: mesh, Scroll: scroll, At: m.opts.now().UTC(), Reason: reason, Old: old, New: new})
	if err := m.save(); err != nil {
		m.opts.logger.Error("federation: saving fork evidence", "err", err)
	}
	m.opts.logger.Warn("federation: fork detected", "mesh", mesh, "scroll", scroll, "reason", reason)
}

// Forks returns the forks this mesh detected, with their evidence.
func (m *Mesh) Forks() []ForkRecord {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []ForkRecord
	for _, f := range m.st.Forks {
		out = append(out, *f)
	}
	return out
}

// acceptReceipt stores a receipt a peer issued about one of this mesh's
// scrolls, after checking its signature and, when verified, the
// cosignature on this mesh's own checkpoint.
func (m *Mesh) acceptReceipt(peer *Peer, raw []byte) (*WitnessReceipt, error) {
	r, err := VerifyReceipt(raw, peer.Key)
	if err != nil {
		return nil, err
	}
	if r.WitnessingMesh != peer.MeshID || r.WitnessedMesh != m.cfg.MeshID {
		return nil, fmt.Errorf("%w: receipt by %s about %s, sent by %s", ErrNotParty, r.WitnessingMesh, r.WitnessedMesh, peer.MeshID)
	}
	a, err := m.readable(peer.MeshID, r.Scroll)
	if err != nil {
		return nil, err
	}
	l := m.scrolls[r.Scroll]
	root, err := l.TreeHash(r.WitnessedSize)
	if err != nil || rootString(root) != r.WitnessedRoot {
		return nil, fmt.Errorf("%w: receipt %s names root %s at size %d, which this scroll never had", ErrHashMismatch, r.WitnessID, r.WitnessedRoot, r.WitnessedSize)
	}
	var cosigned []byte
	if r.VerificationResult == ResultVerified {
		signer, _ := checkpoint.NewSigner(m.Origin(r.Scroll), m.key)
		ours, err := checkpoint.Sign(checkpoint.Checkpoint{Origin: m.Origin(r.Scroll), Size: r.WitnessedSize, Hash: root}, signer)
		if err != nil {
			return nil, err
		}
		cosigned = append(ours, r.Cosignature...)
		wv, err := checkpoint.WitnessVerifier(WitnessNameOf(peer.MeshID), peer.Key)
		if err != nil {
			return nil, err
		}
		if _, _, err := checkpoint.VerifyCosigned(cosigned, signer.Verifier(), []note.Verifier{wv}, 1); err != nil {
			return nil, fmt.Errorf("receipt %s: cosignature: %w", r.WitnessID, err)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, e := range m.st.Receipts {
		if !e.Issued && e.Peer == peer.MeshID {
			if old, err := ParseReceipt(e.Receipt); err == nil && old.WitnessID == r.WitnessID {
				return r, fmt.Errorf("%w: receipt %s already stored", ErrState, r.WitnessID)
			}
		}
	}
	m.st.Receipts = append(m.st.Receipts, &ReceiptEntry{Receipt: raw, Peer: peer.MeshID, Scroll: r.Scroll, Result: r.VerificationResult, At: m.opts.now().UTC(), Cosigned: cosigned, Agreement: a.AgreementID})
	return r, m.save()
}

// CrossAnchor anchors the latest roots of the peer's shared scrolls that
// this mesh's witness cosigned, combined into one root, and sends the
// signed cross anchor to the peer. It needs an agreement at level 3.
func (m *Mesh) CrossAnchor(ctx context.Context, peerID string) (*CrossAnchor, error) {
	a, err := m.activeAgreement(peerID, CrossAnchoring)
	if err != nil {
		return nil, err
	}
	peer, err := m.peer(peerID)
	if err != nil {
		return nil, err
	}
	c := CrossAnchor{Type: TypeCrossAnchor, AnchoringMesh: m.cfg.MeshID, AnchoredMesh: peerID, AgreementID: a.AgreementID, Timestamp: T(m.opts.now()), RootsIncluded: map[string]ScrollRoot{}}
	for _, s := range a.Terms.ScrollsShared {
		signed, _, err := m.witness.Latest(OriginOf(peerID, s))
		if err != nil {
			return nil, err
		}
		if signed == nil {
			continue
		}
		cp, err := checkpoint.Parse(signed[:len(signed)-len(signatureBlock(signed))])
		if err != nil {
			return nil, err
		}
		c.RootsIncluded[s] = ScrollRoot{Size: cp.Size, Root: rootString(cp.Hash)}
	}
	if len(c.RootsIncluded) == 0 {
		return nil, fmt.Errorf("%w: no witnessed roots of %s to cross-anchor", ErrState, peerID)
	}
	c.CombinedRoot = c.Combined().String()
	c.AnchorProof, err = m.opts.anchorer.Anchor(ctx, c.Combined().Sum(), c.Label())
	if err != nil {
		return nil, fmt.Errorf("federation: cross anchor: %w", err)
	}
	raw, err := SignCrossAnchor(c, m.key)
	if err != nil {
		return nil, err
	}
	if _, err := m.send(ctx, peer, http.MethodPost, "/federation/witness", TypeWitnessEnvelope, WitnessSubmission{CrossAnchor: raw}); err != nil {
		return nil, err
	}
	m.mu.Lock()
	m.st.CrossAnchors = append(m.st.CrossAnchors, raw)
	err = m.save()
	m.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return ParseCrossAnchor(raw)
}

// acceptCrossAnchor stores a cross anchor of this mesh's roots by peer.
func (m *Mesh) acceptCrossAnchor(ctx context.Context, peer *Peer, raw []byte) error {
	if _, err := m.activeAgreement(peer.MeshID, CrossAnchoring); err != nil {
		return err
	}
	c, err := VerifyCrossAnchor(raw, peer.Key)
	if err != nil {
		return err
	}
	if c.AnchoringMesh != peer.MeshID || c.AnchoredMesh != m.cfg.MeshID {
		return fmt.Errorf("%w: cross anchor by %s of %s, sent by %s", ErrNotParty, c.AnchoringMesh, c.AnchoredMesh, peer.MeshID)
	}
	for s, r := range c.RootsIncluded {
		// Only a scroll the peer may read: no confirmation of a guessed
		// root of any other.
		if _, err := m.readable(peer.MeshID, s); err != nil {
			return fmt.Errorf("cross anchor names scroll %q: %w", s, err)
		}
		l := m.scrolls[s]
		root, err := l.TreeHash(r.Size)
		if err != nil || rootString(root) != r.Root {
			return fmt.Errorf("%w: cross anchor names root %s of %s at size %d, which it never had", ErrHashMismatch, r.Root, s, r.Size)
		}
	}
	pa, err := m.peerAnchorer(peer.MeshID)
	if err != nil {
		return err
	}
	if err := pa.VerifyAnchor(ctx, c.Combined().Sum(), c.Label(), c.AnchorProof); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.st.CrossAnchors = append(m.st.CrossAnchors, raw)
	return m.save()
}

// CrossAnchors returns the cross anchors this mesh made and received.
func (m *Mesh) CrossAnchors() []json.RawMessage {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.st.CrossAnchors)
}

// WitnessHistory returns the receipts exchanged with peer (issued by this
// mesh about the peer, and received from it) since the given time.
func (m *Mesh) WitnessHistory(peer string, since time.Time) []ReceiptEntry {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []ReceiptEntry
	for _, e := range m.st.Receipts {
		if e.Peer == peer && !e.At.Before(since) {
			out = append(out, *e)
		}
	}
	return out
}

// ScrollCheck is what [Mesh.CheckPeerScroll] found.
type ScrollCheck struct {
	Scroll         string `json:"scroll"`
	Size           uint64 `json:"size"`
	Root           string `json:"root"`
	SamplesChecked int    `json:"samples_checked"`
	// WitnessedSize is the size this mesh's witness last cosigned, which
	// the checked checkpoint was proven to extend (0 if none).
	WitnessedSize uint64 `json:"witnessed_size"`
}

// CheckPeerScroll reads a peer's scroll now, without waiting for a notify:
// it fetches and verifies the published checkpoint, proves it consistent
// with the last checkpoint this mesh's witness cosigned, and checks random
// samples by inclusion proofs. An inconsistent checkpoint is recorded as a
// fork and returned as a [*ForkError].
func (m *Mesh) CheckPeerScroll(ctx context.Context, peerID, scroll string) (*ScrollCheck, error) {
	a, err := m.activeAgreement(peerID, ReadPublic)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(a.Terms.ScrollsShared, scroll) {
		return nil, fmt.Errorf("%w: scroll %q is not shared under %s", ErrPolicy, scroll, a.AgreementID)
	}
	peer, err := m.peer(peerID)
	if err != nil {
		return nil, err
	}
	origin := OriginOf(peerID, scroll)
	v, err := checkpoint.LogVerifier(origin, peer.Key)
	if err != nil {
		return nil, err
	}
	signed, err := m.get(ctx, peer, peer.URL, "/federation/scrolls/"+url.PathEscape(scroll)+"/checkpoint")
	if err != nil {
		return nil, err
	}
	c, _, err := checkpoint.Verify(signed, v)
	if err != nil {
		return nil, err
	}
	tr := &peerTiles{ctx: ctx, m: m, peer: peer, scroll: scroll}
	out := &ScrollCheck{Scroll: scroll, Size: c.Size, Root: rootString(c.Hash)}
	old, oldSize, err := m.witness.Latest(origin)
	if err != nil {
		return nil, err
	}
	if old != nil {
		oc, _, err := checkpoint.Verify(old, v)
		if err != nil {
			return nil, err
		}
		var cerr error
		if oc.Size > c.Size {
			cerr = &checkpoint.ConsistencyError{Old: oc, New: c, Reason: "published checkpoint is smaller than one already witnessed"}
		} else {
			cerr = m.consistent(tr, oc, c)
		}
		var ce *checkpoint.ConsistencyError
		if errors.As(cerr, &ce) {
			m.recordFork(peerID, scroll, old, signed, cerr)
			return nil, &ForkError{Mesh: peerID, Scroll: scroll, Old: old, New: signed, Err: ce}
		}
		if cerr != nil {
			return nil, cerr
		}
		out.WitnessedSize = oldSize
	}
	hr := tlog.TileHashReader(tlog.Tree{N: int64(c.Size), Hash: c.Hash}, tr)
	for range min(uint64(m.opts.samples), c.Size) {
		i, err := randIndex(c.Size)
		if err != nil {
			return nil, err
		}
		if err := m.checkSample(tr, hr, c, i); err != nil {
			return nil, fmt.Errorf("sample %d of %s: %w", i, scroll, err)
		}
		out.SamplesChecked++
	}
	return out, nil
}
