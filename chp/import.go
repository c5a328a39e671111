package chp

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/accordsdk/accord/bundle"
	"github.com/accordsdk/accord/envelope"
	"github.com/accordsdk/accord/internal/merkletree"
	"github.com/accordsdk/accord/internal/spool"
)

// ImportResult is the outcome of [GlobalRegistry.Import].
type ImportResult struct {
	Receipt *Receipt
	Signed  []byte // coherence_receipt.json: the receipt sealed by the GR root key
}

// importSpoolMemory is how many bytes of ACKs, and of accepted ledger
// records, an import holds in memory before it moves them to a file in the
// registry's spool directory; maxLedgerRecord bounds one ledger record.
const (
	importSpoolMemory = 1 << 20
	maxLedgerRecord   = 4 + 2*maxPacket + 1024
)

// Import reads a provenance bundle (CHP v1's registry_import) and, if
// every check passes, appends its new heartbeats to the global ledger and
// returns a signed coherence receipt. The checks, in order:
//
//   - bundle.json names a Local Registry this Global Registry admitted, and
//     carries an admission certificate it issued for that key, valid when
//     the bundle was made and at this registry's clock, or expired no longer
//     ago than the grace period of [WithImportGrace] ([ErrAdmission],
//     [ErrExpired]), and not covered by a revocation this Global Registry
//     issued ([GlobalRegistry.Revoke]; a *[RevokedError] naming it);
//   - the bundle's signature is by that registry's key and every member
//     matches the signed manifest (the bundle package's errors);
//   - the members are exactly one ACK and one heartbeat per log index
//     From..To-1 ([ErrBundle]);
//   - the records rebuild, from the bundle's starting frontier, the root of
//     the registry's signed checkpoint at To ([ErrBundle], [ErrBadSignature]);
//   - the tree agrees with the last tree imported from that registry
//     ([ErrFork]); a bundle may overlap what was imported but not leave a
//     gap ([ErrGap]).
//
// Records below the size already imported are counted as duplicates and
// not appended again, so replaying a bundle counts nothing twice. Records
// that fail the per-record policy (ACK and heartbeat must name the same
// instance, the ACK must be "verified" or "queued" and made while a
// certificate this Global Registry issued for the registry was valid and
// not revoked; see also [WithStrictImport]) are
// counted as rejected. Nothing is appended unless the whole bundle
// verifies.
func (g *GlobalRegistry) Import(ctx context.Context, r io.ReadSeeker) (*ImportResult, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	hint, err := peekInfo(r)
	if err != nil {
		return nil, err
	}
	// The registry is found by any key of its chain: the key it was
	// admitted with may have handed over, by rotation records the chain
	// verifies from that key on, to the key that signed the bundle.
	chain, err := chainOf(hint)
	if err != nil {
		return nil, fmt.Errorf("chp: import: %w", err)
	}
	var lr *lrState
	var fp string
	for _, k := range chain.Keys() {
		pub, _ := envelope.ParseEd25519PublicKey(k)
		if l := g.state.Registries[envelope.Fingerprint(pub)]; l != nil && chain.Has(l.PublicKey) {
			lr, fp = l, envelope.Fingerprint(pub)
		}
	}
	if lr == nil {
		return nil, fmt.Errorf("%w: bundle from %s, a registry this Global Registry never admitted", ErrAdmission, hint.Fingerprint)
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	accepted := spool.New(g.spoolDir, importSpoolMemory, maxLedgerRecord)
	defer accepted.Close()
	acks := spool.New(g.spoolDir, importSpoolMemory, 8+maxPacket)
	defer acks.Close()
	ctls := spool.New(g.spoolDir, 64<<10, 8+maxPacket)
	defer ctls.Close()

	im := &importer{g: g, lr: lr, fp: fp, chain: chain, hint: hint, spool: accepted, acks: acks, ctls: ctls}
	digest := newTeeHasher(r, sha256.New())
	defer digest.Sum() // stops the hasher on every path
	m, err := bundle.Verify(digest, chain.Current(), im.member, bundle.WithManifestFunc(im.start),
		bundle.WithManifestSpool(g.spoolDir, bundle.DefaultManifestMemory))
	if err != nil {
		return nil, fmt.Errorf("chp: import: %w", err)
	}
	if err := im.finish(); err != nil {
		return nil, fmt.Errorf("chp: import: %w", err)
	}
	root := m.Root()
	return g.commit(ctx, im, accepted, b64std(root[:]), digest)
}

// peekInfo reads bundle.json, the archive's first member, without trusting
// it: it only says which registry's key to verify the bundle with.
func peekInfo(r io.Reader) (*ExportInfo, error) {
	tr := tar.NewReader(r)
	h, err := tr.Next()
	if err != nil || h.Name != bundle.BundleJSONName {
		return nil, fmt.Errorf("%w: archive does not start with %s", ErrBundle, bundle.BundleJSONName)
	}
	var doc struct {
		Metadata struct {
			CHP *ExportInfo `json:"chp"`
		} `json:"metadata"`
	}
	b, err := io.ReadAll(io.LimitReader(tr, bundle.DefaultMaxMetadataSize))
	if err != nil {
		return nil, fmt.Errorf("%w: reading %s: %w", ErrBundle, bundle.BundleJSONName, err)
	}
	if err := decodeStrict(b, &doc, true); err != nil || doc.Metadata.CHP == nil {
		return nil, fmt.Errorf("%w: %s has no chp metadata", ErrBundle, bundle.BundleJSONName)
	}
	return doc.Metadata.CHP, nil
}

// chainOf returns the key chain a bundle's metadata states: the rotation
// records, each verified, from the first one's old key to the bundle's
// key; or the bundle's key alone.
func chainOf(in *ExportInfo) (*KeyChain, error) {
	if len(in.KeyRotations) == 0 {
		return NewKeyChain("", in.PublicKey)
	}
	if err := in.canonicalRotations(); err != nil {
		return nil, err
	}
	var chain *KeyChain
	for i, raw := range in.KeyRotations {
		k, err := ParseKeyRotation(raw)
		if err != nil {
			return nil, fmt.Errorf("%w: key rotation %d: %w", ErrBundle, i, err)
		}
		if chain == nil {
			if chain, err = NewKeyChain(k.Origin, k.OldKey); err != nil {
				return nil, err
			}
		}
		if err := chain.Apply(k); err != nil {
			return nil, err
		}
	}
	if chain.Current() != in.PublicKey {
		return nil, fmt.Errorf("%w: key rotations end at %.40s, bundle key is %.40s", ErrKeyMismatch, chain.Current(), in.PublicKey)
	}
	return chain, nil
}

// canonicalRotations puts the key rotation records of in in their RFC
// 8785 form, their log form: bundle.json need not keep a member's
// white space.
func (in *ExportInfo) canonicalRotations() error {
	for i, raw := range in.KeyRotations {
		c, err := envelope.CanonicalJSON(raw)
		if err != nil {
			return fmt.Errorf("%w: key rotation %d: %w", ErrBundle, i, err)
		}
		in.KeyRotations[i] = c
	}
	return nil
}

// importer carries one import's state through the bundle's members.
type importer struct {
	g     *GlobalRegistry
	lr    *lrState
	fp    string    // the fingerprint the Local Registry was admitted with, its key in the state
	chain *KeyChain // the registry's keys, from the bundle's rotation records
	hint  *ExportInfo
	info  ExportInfo
	rac   *AdmissionCert
	valid [][2]time.Time // when this Global Registry vouched for the registry (see lrState.validity)
	cpTo  tlog.Hash      // root of the registry's checkpoint at info.To

	f        merkletree.Frontier // the registry's tree, grown record by record
	checked  bool                // f was compared with lr's tree at lr.Size
	next     uint64              // the next log index to add to f
	lastAck  uint64              // one past the last ack member's index
	lastCtl  uint64              // one past the last control member's index
	acksIn   int                 // ack members not yet matched with their heartbeat
	acks     *spool.Spool        // the ACKs with their index, held until the heartbeats follow them
	ackr     *spool.Reader
	ctls     *spool.Spool // the registry records (control members) with their index
	ctlr     *spool.Reader
	ctlNext  []byte       // the next registry record not yet added, with its 8-byte index
	ctlsIn   int          // registry records not yet read back
	spool    *spool.Spool // accepted ledger records
	buf      []byte
	accepted int
	dup      int
	rejected int
}

// start runs once the bundle's signature and manifest are verified, before
// any member: it checks the metadata, the certificate and the checkpoint.
func (im *importer) start(m *bundle.Manifest) error {
	info := m.Info()
	if err := info.DecodeMetadata(metadataKey, &im.info); err != nil {
		return fmt.Errorf("%w: %w", ErrBundle, err)
	}
	in := &im.info
	// The signed metadata must state the key and rotations the bundle was
	// verified with.
	if err := in.canonicalRotations(); err != nil {
		return err
	}
	pub, _ := envelope.ParseEd25519PublicKey(im.chain.Current())
	if in.PublicKey != im.chain.Current() || in.Fingerprint != envelope.Fingerprint(pub) || !sameRaw(in.KeyRotations, im.hint.KeyRotations) {
		return fmt.Errorf("%w: bundle metadata names key %.40s (%s), signed by %.40s", ErrBundle, in.PublicKey, in.Fingerprint, im.chain.Current())
	}
	if in.AdmissionCert == nil {
		return fmt.Errorf("%w: bundle carries no admission certificate", ErrAdmission)
	}
	issued := false
	for _, c := range im.lr.RACs {
		issued = issued || (c.RACID == in.AdmissionCert.RACID && c.Signature == in.AdmissionCert.Signature)
	}
	if !issued {
		return fmt.Errorf("%w: rac %s was not issued by this Global Registry", ErrAdmission, in.AdmissionCert.RACID)
	}
	im.rac = in.AdmissionCert
	if v, idx := revocationFor(im.lr.Revocations, im.rac); v != nil {
		return &RevokedError{RACID: im.rac.RACID, Revocation: v, Where: "ledger", Index: idx}
	}
	im.valid = im.lr.validity()
	cp, err := im.chain.VerifyCheckpoint([]byte(in.Checkpoint))
	if err != nil {
		return err
	}
	if cp.Size != in.To || in.From > in.To {
		return fmt.Errorf("%w: range [%d, %d) with checkpoint at %d", ErrBundle, in.From, in.To, cp.Size)
	}
	// Two members per heartbeat record, one per registry record.
	if n := uint64(m.Len()); n > 2*(in.To-in.From) || n < in.To-in.From {
		return fmt.Errorf("%w: %d members for %d records", ErrBundle, m.Len(), in.To-in.From)
	}
	// The certificate must admit the key, have been valid when the export
	// was made, and be valid at this registry's clock, or have expired no
	// longer ago than the grace period (bundles travel slowly; created_at
	// alone is the exporter's word).
	if err := im.g.roots.Load().VerifyAdmissionCert(im.rac, chainKeyFor(im.chain, im.rac), info.CreatedAt); err != nil {
		return err
	}
	now := im.g.now()
	if created := info.CreatedAt; created.After(now.Add(DefaultClockSkew)) {
		return fmt.Errorf("%w: bundle created at %s, after the Global Registry's clock %s", ErrBundle, formatTime(created), formatTime(now))
	}
	if deadline := im.rac.ExpiresAt.Add(im.g.grace); !now.Before(deadline) {
		return fmt.Errorf("%w: rac %s expired at %s; the import grace of %s ended at %s, now %s", ErrExpired, im.rac.RACID,
			formatTime(im.rac.ExpiresAt), im.g.grace, formatTime(deadline), formatTime(now))
	}
	im.cpTo = cp.Hash
	if in.From > im.lr.Size {
		return fmt.Errorf("%w: bundle starts at record %d, %d were imported from this registry; export from %d", ErrGap, in.From, im.lr.Size, im.lr.Size)
	}
	if in.To < im.lr.Size {
		// Wholly inside what was imported: it must end at a root seen
		// before, and that root must be the same.
		seen := false
		for _, s := range im.lr.Seen {
			if s.Size == in.To && s.Root != b64std(cp.Hash[:]) {
				return fmt.Errorf("%w: checkpoint at %d has root %s, imported root was %s", ErrFork, in.To, b64std(cp.Hash[:]), s.Root)
			}
			seen = seen || s.Size == in.To
		}
		if !seen {
			return fmt.Errorf("%w: bundle ends at %d, inside the %d records imported, at a size never imported", ErrBundle, in.To, im.lr.Size)
		}
	}
	if im.f, err = parseFrontier(in.From, in.Frontier); err != nil {
		return err
	}
	im.next, im.lastAck, im.lastCtl = in.From, in.From, in.From
	return im.compare()
}

// compare checks the growing tree against the tree imported before, at the
// moment it reaches that size.
func (im *importer) compare() error {
	if im.checked || im.f.Size() != im.lr.Size {
		return nil
	}
	im.checked = true
	known, err := parseFrontier(im.lr.Size, im.lr.Frontier)
	if err != nil {
		return err
	}
	if known.Root() != im.f.Root() {
		return fmt.Errorf("%w: the bundle's tree at size %d differs from the one imported before", ErrFork, im.lr.Size)
	}
	return nil
}

// memberIndex parses "<kind>/<dir>/<index>.json" and checks the directory.
func memberIndex(name, kind string) (uint64, bool) {
	rest, ok := strings.CutPrefix(name, kind+"/")
	if !ok {
		return 0, false
	}
	dir, file, ok := strings.Cut(rest, "/")
	file, ok2 := strings.CutSuffix(file, ".json")
	if !ok || !ok2 || len(file) != 12 || len(dir) != 9 {
		return 0, false
	}
	i, err := strconv.ParseUint(file, 10, 64)
	if err != nil {
		return 0, false
	}
	d, err := strconv.ParseUint(dir, 10, 64)
	if err != nil || d != i/1000 {
		return 0, false
	}
	return i, true
}

func (im *importer) member(name string, r io.Reader) error {
	var err error
	if im.buf, err = readMember(r, im.buf[:0]); err != nil {
		return err
	}
	if i, ok := memberIndex(name, "acks"); ok {
		if i < im.lastAck || i >= im.info.To {
			return fmt.Errorf("%w: member %s out of order or range", ErrBundle, name)
		}
		im.lastAck = i + 1
		im.acksIn++
		return im.acks.Append(indexed(i, im.buf))
	}
	if i, ok := memberIndex(name, "control"); ok {
		if i < im.lastCtl || i >= im.info.To || !isRegistryRecord(im.buf) {
			return fmt.Errorf("%w: member %s out of order or range, or not a registry record", ErrBundle, name)
		}
		im.lastCtl = i + 1
		im.ctlsIn++
		return im.ctls.Append(indexed(i, im.buf))
	}
	i, ok := memberIndex(name, "heartbeats")
	if !ok {
		return fmt.Errorf("%w: unexpected member %s", ErrBundle, name)
	}
	if err := im.readBack(); err != nil {
		return err
	}
	if err := im.addControls(i); err != nil {
		return err
	}
	if i != im.next {
		return fmt.Errorf("%w: member %s, want record %d", ErrBundle, name, im.next)
	}
	if im.acksIn == 0 {
		return fmt.Errorf("%w: member %s without its ack", ErrBundle, name)
	}
	ai, ack, err := nextIndexed(im.ackr)
	if err != nil {
		return fmt.Errorf("chp: import: reading back ack %d: %w", i, err)
	}
	im.acksIn--
	if ai != i {
		return fmt.Errorf("%w: member %s, next ack is for record %d", ErrBundle, name, ai)
	}
	rec, err := Record{Heartbeat: im.buf, Ack: ack}.MarshalBinary()
	if err != nil {
		return fmt.Errorf("record %d: %w", i, err)
	}
	return im.add(i, rec)
}

// readBack, once the last ack and control member is in, turns their
// spools to reading.
func (im *importer) readBack() error {
	if im.ackr != nil {
		return nil
	}
	var err error
	if im.ackr, err = im.acks.Reader(); err != nil {
		return fmt.Errorf("chp: import: %w", err)
	}
	if im.ctlr, err = im.ctls.Reader(); err != nil {
		return fmt.Errorf("chp: import: %w", err)
	}
	return nil
}

// addControls adds, in log order, the registry records below index end.
func (im *importer) addControls(end uint64) error {
	for {
		if im.ctlNext == nil && im.ctlsIn > 0 {
			p, err := im.ctlr.Next()
			if err != nil || len(p) < 8 {
				return fmt.Errorf("chp: import: reading back a registry record: %v", err)
			}
			im.ctlsIn--
			im.ctlNext = append([]byte(nil), p...)
		}
		if im.ctlNext == nil {
			return nil
		}
		ci := binary.BigEndian.Uint64(im.ctlNext)
		if ci >= end {
			return nil
		}
		if ci != im.next {
			return fmt.Errorf("%w: control member %d, want record %d", ErrBundle, ci, im.next)
		}
		leaf := im.ctlNext[8:]
		im.ctlNext = nil
		if err := im.add(ci, leaf); err != nil {
			return err
		}
	}
}

// add grows the tree by the leaf of record i and sorts the record.
func (im *importer) add(i uint64, rec []byte) error {
	im.next++
	im.f.Append(tlog.RecordHash(rec))
	switch {
	case i < im.lr.Size:
		im.dup++
	case im.lr.appended(i):
		im.dup++
	case im.g.admissible(im, i, rec) != nil:
		im.rejected++
	default:
		im.accepted++
		if err := im.spool.Append(ledgerRecord(im.fp, i, rec)); err != nil {
			return err
		}
	}
	return im.compare()
}

// indexed returns a spool frame: i in 8 bytes big-endian, then b.
func indexed(i uint64, b []byte) []byte {
	return append(binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(b)), i), b...)
}

// nextIndexed reads a frame written by indexed.
func nextIndexed(r *spool.Reader) (uint64, []byte, error) {
	p, err := r.Next()
	if err != nil {
		return 0, nil, err
	}
	if len(p) < 8 {
		return 0, nil, fmt.Errorf("frame of %d bytes", len(p))
	}
	return binary.BigEndian.Uint64(p), p[8:], nil
}

// sameRaw reports whether two lists of JSON values are byte for byte equal.
func sameRaw(a, b []json.RawMessage) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// finish runs after the bundle verified: all records seen, root matches.
func (im *importer) finish() error {
	if err := im.readBack(); err != nil {
		return err
	}
	if err := im.addControls(im.info.To); err != nil {
		return err
	}
	if im.next != im.info.To || im.acksIn != 0 || im.ctlsIn != 0 || im.ctlNext != nil {
		return fmt.Errorf("%w: records end at %d, want %d", ErrBundle, im.next, im.info.To)
	}
	if im.f.Root() != im.cpTo {
		return fmt.Errorf("%w: the bundle's records do not rebuild the checkpoint root at %d", ErrBundle, im.info.To)
	}
	if !im.checked && im.info.To >= im.lr.Size {
		return fmt.Errorf("%w: tree never reached the imported size %d", ErrFork, im.lr.Size)
	}
	return nil
}

// admissible applies the per-record policy to record i.
func (g *GlobalRegistry) admissible(im *importer, i uint64, rec []byte) error {
	lrKey := im.chain.KeyAt(i + 1)
	if isRegistryRecord(rec) {
		return im.admissibleRegistryRecord(i, rec)
	}
	var r Record
	if err := r.UnmarshalBinary(rec); err != nil {
		return err
	}
	// The ACK and the heartbeat are read by the same strict reader as the
	// Local Registry reads them (names unescaped, matched exactly,
	// duplicates refused), so both registries see the same members.
	var ack struct {
		InstanceRef string    `json:"instance_ref"`
		Received    string    `json:"received"`
		Status      AckStatus `json:"status"`
	}
	if err := decodeStrict(r.Ack, &ack, true); err != nil {
		return err
	}
	if ack.InstanceRef == "" || ack.Received == "" {
		return fmt.Errorf("%w: ack lacks instance_ref or received", ErrMalformed)
	}
	status := ack.Status
	if status != AckVerified && status != AckQueued {
		return fmt.Errorf("ack status %q", status)
	}
	received, err := time.Parse(time.RFC3339Nano, ack.Received)
	if err != nil {
		return fmt.Errorf("%w: ack received %q", ErrMalformed, ack.Received)
	}
	vouched := false
	for _, p := range im.valid {
		vouched = vouched || (!received.Before(p[0]) && received.Before(p[1]))
	}
	if !vouched {
		return fmt.Errorf("%w: acknowledged at %s, when no certificate of the registry was valid and unrevoked", ErrExpired, formatTime(received))
	}
	hb, sealed, err := postedHeartbeat(r.Heartbeat)
	if err != nil {
		return err
	}
	if sealed && status != AckVerified {
		return fmt.Errorf("sealed heartbeat with ack status %q", status)
	}
	var h struct {
		InstanceID string `json:"instance_id"`
	}
	if err := decodeStrict(hb, &h, true); err != nil {
		return err
	}
	if canonicalID(h.InstanceID) != canonicalID(ack.InstanceRef) {
		return fmt.Errorf("ack for %s, heartbeat from %s", ack.InstanceRef, h.InstanceID)
	}
	if !g.strict {
		return nil
	}
	if _, err := VerifyAck(r.Ack, lrKey, hb); err != nil {
		return err
	}
	if sealed {
		v, err := envelope.NewVerifier(envelope.WithTypes(HeartbeatType),
			envelope.WithTrustOnFirstUse(func(*envelope.Envelope) bool { return true }), envelope.WithoutFreshness())
		if err != nil {
			return err
		}
		if _, err := v.Open(r.Heartbeat); err != nil {
			return err
		}
	}
	_, err = DecodeHeartbeat(hb)
	return err
}

// admissibleRegistryRecord applies the policy to a registry record: a
// key rotation must be one of the chain's, at its index; a revocation
// must be signed by this Global Registry's root key of its time and name a key of the
// registry; an un-pin must be well-formed.
func (im *importer) admissibleRegistryRecord(i uint64, leaf []byte) error {
	rr, err := parseRegistryRecord(leaf)
	if err != nil {
		return err
	}
	if v := rr.revocation; v != nil {
		if err := im.g.roots.Load().VerifyRevocation(v); err != nil {
			return err
		}
		for _, k := range im.chain.Keys() {
			if pub, _ := envelope.ParseEd25519PublicKey(k); envelope.Fingerprint(pub) == v.LRFingerprint {
				return nil
			}
		}
		return fmt.Errorf("%w: revocation at %d is for %s, not this registry", ErrKeyMismatch, i, v.LRFingerprint)
	}
	if rr.rotation == nil {
		return nil
	}
	if rr.rotation.Size != i {
		return fmt.Errorf("%w: key rotation names size %d, sits at %d", ErrMalformed, rr.rotation.Size, i)
	}
	for _, raw := range im.info.KeyRotations {
		if bytes.Equal(raw, leaf) {
			return nil
		}
	}
	return fmt.Errorf("%w: key rotation at %d is not among the bundle's", ErrKeyMismatch, i)
}

// commit appends the accepted records to the ledger, updates the state and
// signs the receipt.
func (g *GlobalRegistry) commit(ctx context.Context, im *importer, accepted *spool.Spool, bundleRoot string, digest *teeHasher) (*ImportResult, error) {
	rd, err := accepted.Reader()
	if err != nil {
		return nil, fmt.Errorf("chp: import: %w", err)
	}
	batch := make([][]byte, 0, 1024)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		_, err := g.ledger.AppendBatch(ctx, batch)
		batch = batch[:0]
		return err
	}
	for range im.accepted {
		rec, err := rd.Next()
		if err != nil {
			return nil, fmt.Errorf("chp: import: reading back the accepted records: %w", err)
		}
		batch = append(batch, bytes.Clone(rec))
		if len(batch) == cap(batch) {
			if err := flush(); err != nil {
				return nil, err
			}
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	ledgerCP, err := g.ledger.Checkpoint(ctx)
	if err != nil {
		return nil, err
	}
	in, lr := im.info, im.lr
	lr.PublicKey = im.chain.Current()
	if in.To > lr.Size {
		lr.Size, lr.Frontier = in.To, im.f.Encode()
		lr.advance(in.To)
	}
	root := b64std(im.cpTo[:])
	seen := false
	for _, s := range lr.Seen {
		seen = seen || s.Size == in.To
	}
	if !seen {
		lr.Seen = append(lr.Seen, seenRoot{Size: in.To, Root: root})
	}
	if err := g.saveState(); err != nil {
		return nil, err
	}
	rc := &Receipt{
		ReceiptID: newUUIDv4(), Issuer: g.name, LRFingerprint: im.fp, RACID: im.rac.RACID,
		BundleRoot: bundleRoot, BundleDigest: "sha256:" + fmt.Sprintf("%x", digest.Sum()),
		From: in.From, To: in.To, LRRoot: root,
		Accepted: im.accepted, Duplicate: im.dup, Rejected: im.rejected,
		Ledger: string(ledgerCP), ImportedAt: g.now().UTC().Truncate(time.Second),
	}
	signed, err := envelope.Seal(g.id.Load().signer, ReceiptType, rc, envelope.WithTimestamp(rc.ImportedAt))
	if err != nil {
		return nil, err
	}
	// The ledger and the state are written: the import stands. The copy
	// served to the ledger's readers is kept after; if it cannot be
	// written, the caller still gets the receipt.
	if err := g.keepReceipt(rc, signed); err != nil {
		g.logger.Error("chp: receipt not kept for the ledger's readers", "receipt_id", rc.ReceiptID, "err", err)
	}
	return &ImportResult{Receipt: rc, Signed: signed}, nil
}

// readMember reads one member into buf, up to maxPacket bytes.
func readMember(r io.Reader, buf []byte) ([]byte, error) {
	w := bytes.NewBuffer(buf)
	n, err := io.Copy(w, io.LimitReader(r, maxPacket+1))
	if err != nil {
		return nil, err
	}
	if n > maxPacket {
		return nil, fmt.Errorf("%w: member larger than %d bytes", ErrBundle, maxPacket)
	}
	return w.Bytes(), nil
}
