package chp

import (
	"bytes"
	"cmp"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/envelope"
	"github.com/accordsdk/accord/internal/merklelog"
)

// GlobalRegistry is the registry outside the enclave. It admits Local
// Registries (issuing their [AdmissionCert]s with its root key), imports
// the provenance bundles they export, keeps a global ledger (a Merkle log
// signed with the root key) of every heartbeat it accepted, and answers
// each import with a signed [Receipt]. It never connects to a Local
// Registry: bundles and receipts cross the air gap by hand.
type GlobalRegistry struct {
	dir      string
	spoolDir string // temporary files of imports
	name     string
	origin   string                       // the ledger's checkpoint origin, that of the first root
	id       atomic.Pointer[rootIdentity] // the current root key
	roots    atomic.Pointer[RootSet]      // every root of the ledger; replaced, never changed
	now      func() time.Time
	strict   bool
	grace    time.Duration
	logger   *slog.Logger
	ledger   *merklelog.Log

	mu    sync.Mutex // serialises imports, admissions and root rotations
	state grState

	lookup ledgerIndex // LR record -> ledger index, for proofs
}

// grState is the Global Registry's state file.
type grState struct {
	LedgerSize uint64              `json:"ledger_size"` // ledger size when the state was written
	Registries map[string]*lrState `json:"registries"`  // by LR fingerprint
	// RootKey is the ledger's first root key; RootRotations the root
	// rotation records of the ledger, oldest first.
	RootKey       string            `json:"root_key,omitempty"`
	RootRotations []json.RawMessage `json:"root_rotations,omitempty"`
}

// rootIdentity is a Global Registry root key and what is derived from it.
type rootIdentity struct {
	key    ed25519.PrivateKey
	signer envelope.Signer
	pubKey string
}

func newRootIdentity(key ed25519.PrivateKey) *rootIdentity {
	return &rootIdentity{key: key, signer: envelope.NewEd25519Signer(key),
		pubKey: envelope.FormatEd25519PublicKey(key.Public().(ed25519.PublicKey))}
}

// lrState is what the Global Registry knows about one Local Registry.
type lrState struct {
	PublicKey string          `json:"public_key"`
	RACs      []AdmissionCert `json:"racs"`     // issued, oldest first
	Size      uint64          `json:"size"`     // LR log size imported so far
	Frontier  []string        `json:"frontier"` // compact tree at Size
	Seen      []seenRoot      `json:"seen"`     // checkpoints imported
	// Appended lists, as [first, end) ranges in increasing order, the LR
	// log indexes at or above Size whose records are already in the
	// ledger: an import that appended them did not record its state (a
	// crash between the two). They are found in the ledger when the
	// registry opens and written here before any other state write, so a
	// later import counts them as duplicates after any sequence of crashes
	// and restarts.
	Appended [][2]uint64 `json:"appended,omitempty"`
	// Revocations are the revocations of its certificates, with their
	// ledger indexes, in ledger order.
	Revocations []RevocationEntry `json:"revocations,omitempty"`
}

// appended reports whether LR index i is in lr.Appended.
func (lr *lrState) appended(i uint64) bool {
	for _, r := range lr.Appended {
		if i >= r[0] && i < r[1] {
			return true
		}
	}
	return false
}

// markAppended adds LR index i to lr.Appended.
func (lr *lrState) markAppended(i uint64) {
	if lr.appended(i) {
		return
	}
	if n := len(lr.Appended); n > 0 && lr.Appended[n-1][1] == i {
		lr.Appended[n-1][1] = i + 1
		return
	}
	lr.Appended = append(lr.Appended, [2]uint64{i, i + 1})
	slices.SortFunc(lr.Appended, func(a, b [2]uint64) int { return cmp.Compare(a[0], b[0]) })
}

// advance records that the LR log was imported up to size: ranges below it
// are covered by Size from now on.
func (lr *lrState) advance(size uint64) {
	kept := lr.Appended[:0]
	for _, r := range lr.Appended {
		if r[1] > size {
			kept = append(kept, [2]uint64{max(r[0], size), r[1]})
		}
	}
	lr.Appended = kept
	if len(kept) == 0 {
		lr.Appended = nil
	}
}

type seenRoot struct {
	Size uint64 `json:"size"`
	Root string `json:"root"`
}

const (
	grStateFile  = "registries.json"
	grLedgerDir  = "ledger"
	grOriginFile = "ledger-origin"
)

// A GlobalOption configures [OpenGlobalRegistry].
type GlobalOption func(*GlobalRegistry) error

// WithIssuer sets the Global Registry's name, written as issued_by in
// admission certificates and issuer in receipts (default "GR").
func WithIssuer(name string) GlobalOption {
	return func(g *GlobalRegistry) error {
		if name == "" {
			return errors.New("empty issuer")
		}
		g.name = name
		return nil
	}
}

// WithGlobalClock sets the Global Registry's clock (default time.Now).
func WithGlobalClock(now func() time.Time) GlobalOption {
	return func(g *GlobalRegistry) error {
		if now == nil {
			return errors.New("nil clock")
		}
		g.now = now
		return nil
	}
}

// WithGlobalLogger sets the Global Registry's logger (default: discarded).
func WithGlobalLogger(l *slog.Logger) GlobalOption {
	return func(g *GlobalRegistry) error {
		if l == nil {
			return errors.New("nil logger")
		}
		g.logger = l
		return nil
	}
}

// Bounds of the grace period of [WithImportGrace].
const (
	// DefaultImportGrace is how long after its admission certificate
	// expired a bundle made while it was valid may still be imported:
	// bundles cross the air gap by hand and may travel slowly.
	DefaultImportGrace = 14 * 24 * time.Hour
	// MaxImportGrace is the longest grace period [WithImportGrace] takes.
	MaxImportGrace = 90 * 24 * time.Hour
)

// WithImportGrace sets how long after a Local Registry's admission
// certificate expired, by the Global Registry's clock, a bundle made while
// it was valid is still imported (default [DefaultImportGrace], at most
// [MaxImportGrace]; 0 means none). The certificate must be valid when the
// bundle was made (its created_at) and, within this grace, at the Global
// Registry's clock: a bundle's created_at is written by the exporter, and a
// thief of an expired registry's key could backdate it.
func WithImportGrace(d time.Duration) GlobalOption {
	return func(g *GlobalRegistry) error {
		if d < 0 || d > MaxImportGrace {
			return fmt.Errorf("import grace %v, want 0 to %v", d, MaxImportGrace)
		}
		g.grace = d
		return nil
	}
}

// WithStrictImport makes every import re-check each record on its own as
// well: the ACK's signature, the heartbeat against chp-v1.json and, for a
// sealed heartbeat, the instance's signature. Without it an import relies
// on the Local Registry's signatures over the bundle and its checkpoint
// (which cover every record) and checks each record's structure and
// policy only; strict import costs about two signature checks per record.
func WithStrictImport(strict bool) GlobalOption {
	return func(g *GlobalRegistry) error { g.strict = strict; return nil }
}

// OpenGlobalRegistry opens (or creates) the Global Registry whose state
// lives in dir, with root key key.
func OpenGlobalRegistry(dir string, key ed25519.PrivateKey, opts ...GlobalOption) (*GlobalRegistry, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("chp: global registry key of %d bytes, want %d", len(key), ed25519.PrivateKeySize)
	}
	g := &GlobalRegistry{
		dir: dir, name: "GR", now: time.Now, grace: DefaultImportGrace, logger: slog.New(slog.DiscardHandler),
		state: grState{Registries: map[string]*lrState{}},
	}
	g.id.Store(newRootIdentity(key))
	for _, o := range opts {
		if err := o(g); err != nil {
			return nil, fmt.Errorf("chp: global registry: %w", err)
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("chp: global registry: %w", err)
	}
	// The ledger's origin is derived from the first root key and kept
	// across root rotations.
	originFile, err := os.ReadFile(filepath.Join(dir, grOriginFile))
	newOrigin := errors.Is(err, os.ErrNotExist)
	switch {
	case err == nil:
		g.origin = strings.TrimSuffix(string(originFile), "\n")
	case newOrigin:
		g.origin, _ = grOrigin(g.PublicKey())
	default:
		return nil, fmt.Errorf("chp: global registry: %w", err)
	}
	cs, err := checkpoint.NewSigner(g.origin, key)
	if err != nil {
		return nil, fmt.Errorf("chp: global registry: %s: %w", grOriginFile, err)
	}
	if g.ledger, err = merklelog.Open(filepath.Join(dir, grLedgerDir), merklelog.Options{Origin: g.origin, Signer: cs, Logger: g.logger}); err != nil {
		return nil, fmt.Errorf("chp: global registry: %w", err)
	}
	if newOrigin {
		if err := writeFileAtomic(dir, grOriginFile, []byte(g.origin+"\n")); err != nil {
			g.ledger.Close()
			return nil, fmt.Errorf("chp: global registry: %w", err)
		}
	}
	// Names of this package's temporary files before the spool directory.
	removeLeftovers(dir, g.logger, ".import-*.spool", ".import-*.acks")
	if g.spoolDir, err = openSpoolDir(dir, g.logger); err != nil {
		g.ledger.Close()
		return nil, fmt.Errorf("chp: global registry: %w", err)
	}
	if err := g.load(); err != nil {
		g.ledger.Close()
		return nil, fmt.Errorf("chp: global registry: %w", err)
	}
	if err := g.checkRoot(); err != nil {
		g.ledger.Close()
		return nil, fmt.Errorf("chp: global registry: %w", err)
	}
	return g, nil
}

// checkRoot runs after load: it builds the set of the ledger's roots from
// the state, and the key the registry was opened with must be the newest.
func (g *GlobalRegistry) checkRoot() error {
	key := g.PublicKey()
	if g.state.RootKey == "" {
		// A state written before it named the first root: the first
		// rotation's old root, or the key the registry is opened with.
		g.state.RootKey = key
		if len(g.state.RootRotations) > 0 {
			if r, err := ParseRootRotation(g.state.RootRotations[0]); err == nil {
				g.state.RootKey = r.OldKey
			}
		}
	}
	roots, err := NewRootSet(g.state.RootKey)
	if err != nil {
		return err
	}
	for i, raw := range g.state.RootRotations {
		r, err := ParseRootRotation(raw)
		if err == nil {
			err = roots.Apply(r)
		}
		if err != nil {
			return fmt.Errorf("%s: root rotation %d: %w", grStateFile, i, err)
		}
	}
	if o := roots.Origin(); o != "" && o != g.origin {
		return fmt.Errorf("%w: root rotations name ledger %q, the ledger is %q", ErrKeyMismatch, o, g.origin)
	}
	roots.chain.origin = g.origin
	switch cur := roots.Current(); {
	case cur == key && len(g.state.RootRotations) > 0:
	case cur == key:
		if want, _ := grOrigin(key); want != g.origin {
			return fmt.Errorf("%w: ledger origin %q belongs to another root key than %.40s", ErrKeyMismatch, g.origin, key)
		}
	case roots.Has(key):
		return fmt.Errorf("%w: opened with root %.40s, the ledger rotated to %.40s", ErrKeyRotated, key, cur)
	default:
		return fmt.Errorf("%w: opened with root %.40s, the ledger's root is %.40s", ErrKeyMismatch, key, cur)
	}
	g.roots.Store(roots)
	return nil
}

// load reads the state file and reconciles it with the ledger: records
// appended after the state was written (by an import that crashed before
// writing its state) are marked in their registry's Appended ranges, and
// the state is written at once, before anything else can write it.
func (g *GlobalRegistry) load() error {
	b, err := os.ReadFile(filepath.Join(g.dir, grStateFile))
	if errors.Is(err, os.ErrNotExist) {
		if g.ledger.Size() != 0 {
			return fmt.Errorf("%s missing, ledger holds %d records", grStateFile, g.ledger.Size())
		}
		return nil
	}
	if err != nil {
		return err
	}
	if err := decodeStrict(b, &g.state, false); err != nil {
		return fmt.Errorf("%s: %w", grStateFile, err)
	}
	if g.state.Registries == nil {
		g.state.Registries = map[string]*lrState{}
	}
	size := g.ledger.Size()
	if g.state.LedgerSize > size {
		return fmt.Errorf("%s: state written at ledger size %d, ledger holds %d", grStateFile, g.state.LedgerSize, size)
	}
	if g.state.LedgerSize == size {
		return nil
	}
	for i := g.state.LedgerSize; i < size; i++ {
		rec, err := g.ledger.Record(i)
		if err != nil {
			return err
		}
		if isGRRecord(rec) {
			if err := g.reconcileGRRecord(i, rec); err != nil {
				return fmt.Errorf("ledger record %d: %w", i, err)
			}
			continue
		}
		fp, idx, _, err := parseLedgerRecord(rec)
		if err != nil {
			return fmt.Errorf("ledger record %d: %w", i, err)
		}
		lr := g.state.Registries[fp]
		if lr == nil {
			return fmt.Errorf("ledger record %d: from %s, a registry the state does not know", i, fp)
		}
		if idx >= lr.Size {
			lr.markAppended(idx)
		}
	}
	g.logger.Info("chp: reconciled an unfinished import into the state", "records", size-g.state.LedgerSize)
	return g.saveState()
}

func (g *GlobalRegistry) saveState() error {
	g.state.LedgerSize = g.ledger.Size()
	b, err := json.Marshal(&g.state)
	if err != nil {
		return err
	}
	return writeFileAtomic(g.dir, grStateFile, b)
}

// PublicKey returns the root public key ("ed25519:z..."), the key an
// enclave is given out of band.
func (g *GlobalRegistry) PublicKey() string { return g.id.Load().pubKey }

// RootSet returns the ledger's root keys: the first and each a rotation
// handed over to, with the rotation records ([GlobalRegistry.RotateRoot]).
func (g *GlobalRegistry) RootSet() *RootSet { return g.roots.Load().clone() }

// RootRotations returns the ledger's root rotation records, oldest first,
// each in its ledger form: what an enclave that trusts an earlier root is
// handed to follow the root ([LocalRegistry.AddRootRotations]).
func (g *GlobalRegistry) RootRotations() []json.RawMessage { return g.roots.Load().Rotations() }

// LedgerSize returns the number of records in the global ledger.
func (g *GlobalRegistry) LedgerSize() uint64 { return g.ledger.Size() }

// LedgerCheckpoint returns a signed checkpoint of the global ledger.
func (g *GlobalRegistry) LedgerCheckpoint(ctx context.Context) ([]byte, error) {
	return g.ledger.Checkpoint(ctx)
}

// LedgerProof returns a C2SP tlog-proof that ledger record index is in
// the ledger, under a freshly signed ledger checkpoint; it verifies with
// the root key alone ([checkpoint.Proof.Verify] with the verifier of the
// ledger's origin, see the package documentation).
func (g *GlobalRegistry) LedgerProof(ctx context.Context, index uint64) (*checkpoint.Proof, error) {
	if index >= g.ledger.Size() {
		return nil, fmt.Errorf("%w: ledger record %d of %d", ErrNotFound, index, g.ledger.Size())
	}
	return g.ledger.Proof(ctx, index)
}

// LedgerRecord returns ledger record index (see the package documentation
// for its form).
func (g *GlobalRegistry) LedgerRecord(index uint64) ([]byte, error) {
	if index >= g.ledger.Size() {
		return nil, fmt.Errorf("%w: ledger record %d of %d", ErrNotFound, index, g.ledger.Size())
	}
	return g.ledger.Record(index)
}

// LedgerConsistency returns the consistency proof between ledger sizes old
// and new (0 means the current size).
func (g *GlobalRegistry) LedgerConsistency(ctx context.Context, old, new uint64) (*ConsistencyProof, error) {
	return consistency(ctx, g.ledger, old, new)
}

// Close closes the ledger.
func (g *GlobalRegistry) Close() error { return g.ledger.Close() }

// Admit registers a Local Registry's public key (received out of band) and
// issues its admission certificate, valid from now for validity. The key
// a registry rotated to, once its rotation was imported, admits that
// registry again (after a revocation, or when its certificate expires).
func (g *GlobalRegistry) Admit(lrPublicKey string, validity time.Duration) (*AdmissionCert, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	c, err := IssueAdmissionCert(g.id.Load().signer, g.name, lrPublicKey, now, now.Add(validity))
	if err != nil {
		return nil, err
	}
	lr := g.state.Registries[c.LRFingerprint]
	if lr == nil {
		// The current key of a registry admitted under an earlier one
		// (its rotation records were imported): the certificate joins
		// that registry, whose log the key continues.
		pub, _ := envelope.ParseEd25519PublicKey(lrPublicKey)
		for _, l := range g.state.Registries {
			if l.PublicKey == envelope.FormatEd25519PublicKey(pub) {
				lr = l
			}
		}
	}
	if lr == nil {
		lr = &lrState{PublicKey: lrPublicKey}
		g.state.Registries[c.LRFingerprint] = lr
	}
	lr.RACs = append(lr.RACs, *c)
	if err := g.saveState(); err != nil {
		lr.RACs = lr.RACs[:len(lr.RACs)-1]
		return nil, err
	}
	return c, nil
}

// grOrigin returns the ledger's checkpoint origin for the root key.
func grOrigin(rootKey string) (string, error) {
	pub, err := envelope.ParseEd25519PublicKey(rootKey)
	if err != nil {
		return "", fmt.Errorf("%w: root key: %v", ErrKeyMismatch, err)
	}
	return "accord.chp/gr/" + envelope.Fingerprint(pub)[7:23], nil
}

// verifyGRCheckpoint checks a global ledger checkpoint's signature.
func verifyGRCheckpoint(signed []byte, rootKey string) (checkpoint.Checkpoint, error) {
	origin, err := grOrigin(rootKey)
	if err != nil {
		return checkpoint.Checkpoint{}, err
	}
	pub, _ := envelope.ParseEd25519PublicKey(rootKey)
	v, err := checkpoint.NewVerifier(origin, pub)
	if err != nil {
		return checkpoint.Checkpoint{}, err
	}
	cp, _, err := checkpoint.Verify(signed, v)
	if err != nil {
		return checkpoint.Checkpoint{}, fmt.Errorf("%w: ledger checkpoint: %w", ErrBadSignature, err)
	}
	return cp, nil
}

// isGRRecord tells the Global Registry's own ledger records (a JSON
// object in its RFC 8785 form, read by its "type": a [Revocation] or a
// [RootRotation]) from
// the records it copies from Local Registries, which start with
// ledgerMagic.
func isGRRecord(leaf []byte) bool { return len(leaf) > 0 && leaf[0] == '{' }

// reconcileGRRecord puts one of the Global Registry's own records, found
// in the ledger after the state was written, into the state.
func (g *GlobalRegistry) reconcileGRRecord(i uint64, leaf []byte) error {
	var t struct {
		Type string `json:"type" strictjson:"required"`
	}
	if err := decodeStrict(leaf, &t, true); err != nil {
		return err
	}
	switch t.Type {
	case RevocationType:
		return g.reconcileRevocation(i, leaf)
	case RootRotationType:
		// A root rotation logged by a rotation that stopped before it
		// wrote the state.
		if _, err := ParseRootRotation(leaf); err != nil {
			return err
		}
		if !slices.ContainsFunc(g.state.RootRotations, func(r json.RawMessage) bool { return bytes.Equal(r, leaf) }) {
			g.state.RootRotations = append(g.state.RootRotations, bytes.Clone(leaf))
		}
		return nil
	}
	return fmt.Errorf("%w: ledger record of type %q", ErrMalformed, t.Type)
}

// ledgerMagic starts every global ledger record copied from a Local
// Registry.
const ledgerMagic = "accord.chp/ledger/v1\n"

// ledgerRecord is the global ledger's record for one accepted heartbeat:
//
//	"accord.chp/ledger/v1\n" LR-fingerprint "\n" LR-log-index "\n" LR-record
//
// where LR-record is the [Record] exactly as it is a leaf of the Local
// Registry's log.
func ledgerRecord(fp string, idx uint64, rec []byte) []byte {
	b := make([]byte, 0, len(ledgerMagic)+len(fp)+24+len(rec))
	b = append(b, ledgerMagic...)
	b = append(b, fp...)
	b = append(b, '\n')
	b = strconv.AppendUint(b, idx, 10)
	b = append(b, '\n')
	return append(b, rec...)
}

func parseLedgerRecord(b []byte) (fp string, idx uint64, rec []byte, err error) {
	rest, ok := bytes.CutPrefix(b, []byte(ledgerMagic))
	if !ok {
		return "", 0, nil, fmt.Errorf("%w: ledger record without magic", ErrMalformed)
	}
	f, rest, ok1 := bytes.Cut(rest, []byte("\n"))
	n, rec, ok2 := bytes.Cut(rest, []byte("\n"))
	if !ok1 || !ok2 {
		return "", 0, nil, fmt.Errorf("%w: ledger record header", ErrMalformed)
	}
	idx, err = strconv.ParseUint(string(n), 10, 64)
	if err != nil {
		return "", 0, nil, fmt.Errorf("%w: ledger record index %q", ErrMalformed, n)
	}
	return string(f), idx, rec, nil
}
