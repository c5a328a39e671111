package chp

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/accordsdk/accord/internal/spool"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/envelope"
	"github.com/accordsdk/accord/internal/atomicfile"
	"github.com/accordsdk/accord/internal/merklelog"
)

// HeartbeatType is the envelope type of a sealed heartbeat: an instance
// signs a chp-v1 heartbeat as the payload of an envelope of this type.
const HeartbeatType = "chp/heartbeat"

// Defaults of a [LocalRegistry]'s timestamp policy.
const (
	DefaultClockSkew = 5 * time.Minute
	DefaultMaxAge    = 7 * 24 * time.Hour
)

// LocalRegistry is the in-enclave registry of the sandbox extension. It
// accepts heartbeats over HTTP, validates them, appends each with its
// signed ACK to a durable Merkle log, and serves its identity, admission
// certificate, checkpoints, inclusion proofs and HUD status. It is an
// [http.Handler]; see the package documentation for the endpoints and the
// error codes. It is safe for concurrent use.
type LocalRegistry struct {
	dir           string
	spoolDir      string // temporary files: exports' spools and archives
	name          string
	origin        string
	id            atomic.Pointer[lrIdentity] // the current signing key
	rootKey       string                     // the GR root key configured (WithRootKey)
	rootRecords   [][]byte                   // root rotation records given (WithRootRotations)
	allowUnsigned bool
	now           func() time.Time
	skew, maxAge  time.Duration
	metaAllow     map[string]bool // meta members taken (see checkMeta)
	metaMax       int             // largest canonical meta, bytes
	quarantine    quarantine      // refused heartbeats kept for the operator
	logger        *slog.Logger
	log           *merklelog.Log
	verifier      *envelope.Verifier
	mux           *http.ServeMux

	// appendMu orders appends with key rotations: every append holds it
	// for reading from signing its ACK until the record is durable; a
	// rotation holds it for writing.
	appendMu sync.RWMutex
	adminMu  sync.Mutex // serialises un-pins and rotations
	rootMu   sync.Mutex // serialises changes of the trusted roots

	mu         sync.Mutex
	chain      *KeyChain         // the registry's keys along its log
	rotations  []json.RawMessage // the key rotation records, oldest first
	roots      *RootSet          // the GR root keys trusted, nil before one is configured; replaced, never changed
	fps        map[string]bool   // fingerprints of every key of chain
	rac        *AdmissionCert
	pins       map[string]string     // canonical instance_id -> pinned key
	pinnedKeys map[string]int        // pinned key -> number of instances pinned to it
	seen       map[[32]byte]uint64   // heartbeat digest -> log index (pending while appending)
	nonces     map[[32]byte]struct{} // hash of (key, nonce) of accepted envelopes
	acks       map[string]uint64     // ack_id -> log index
	instances  map[string]instanceView
	rejected   map[string]int // error code -> count since start
	receipt    *Receipt       // last pinned coherence receipt
	closed     bool

	// revocations are the revocations installed, in log order (under mu);
	// racRevoked says whether one covers rac, read per heartbeat without mu.
	revocations []RevocationEntry
	racRevoked  atomic.Bool
}

// instanceView is what the HUD shows about one instance.
type instanceView struct {
	Status   Status    `json:"status"`
	LastSeen time.Time `json:"last_seen"`
	Signed   bool      `json:"signed"`
}

const pending = ^uint64(0)

// lrIdentity is a Local Registry's signing key and what is derived from it.
type lrIdentity struct {
	key         ed25519.PrivateKey
	signer      envelope.Signer
	publicKey   string
	fingerprint string
}

func newIdentity(key ed25519.PrivateKey) *lrIdentity {
	pub := key.Public().(ed25519.PublicKey)
	return &lrIdentity{key: key, signer: envelope.NewEd25519Signer(key),
		publicKey: envelope.FormatEd25519PublicKey(pub), fingerprint: envelope.Fingerprint(pub)}
}

// ident returns the registry's current key.
func (r *LocalRegistry) ident() *lrIdentity { return r.id.Load() }

// A LocalOption configures [OpenLocalRegistry].
type LocalOption func(*LocalRegistry) error

// WithName sets the registry's display name (default "local-registry").
func WithName(name string) LocalOption {
	return func(r *LocalRegistry) error {
		if name == "" {
			return errors.New("empty name")
		}
		r.name = name
		return nil
	}
}

// WithRootKey sets the Global Registry root public key ("ed25519:z...")
// against which admission certificates and coherence receipts are checked.
func WithRootKey(key string) LocalOption {
	return func(r *LocalRegistry) error {
		pub, err := envelope.ParseEd25519PublicKey(key)
		if err != nil {
			return fmt.Errorf("root key: %w", err)
		}
		r.rootKey = envelope.FormatEd25519PublicKey(pub)
		return nil
	}
}

// WithRootRotations hands the registry Global Registry root rotation
// records (each in its ledger form) to learn when it opens, before the
// root key of [WithRootKey] is checked against the roots it trusts: see
// [LocalRegistry.AddRootRotations].
func WithRootRotations(records ...[]byte) LocalOption {
	return func(r *LocalRegistry) error {
		r.rootRecords = append(r.rootRecords, records...)
		return nil
	}
}

// WithAllowUnsigned makes the registry accept plain chp-v1 heartbeats (ACK
// status "queued") from instances that have never sent a signed one.
func WithAllowUnsigned(allow bool) LocalOption {
	return func(r *LocalRegistry) error { r.allowUnsigned = allow; return nil }
}

// WithClock sets the registry's clock (default time.Now).
func WithClock(now func() time.Time) LocalOption {
	return func(r *LocalRegistry) error {
		if now == nil {
			return errors.New("nil clock")
		}
		r.now = now
		return nil
	}
}

// WithClockSkew sets how far in the future a heartbeat timestamp may be
// (default [DefaultClockSkew]).
func WithClockSkew(d time.Duration) LocalOption {
	return func(r *LocalRegistry) error {
		if d < time.Second {
			return fmt.Errorf("clock skew %v, want at least 1s", d)
		}
		r.skew = d
		return nil
	}
}

// WithMaxAge sets how old a heartbeat timestamp may be (default
// [DefaultMaxAge]): instances that were quiet send their queued
// heartbeats late, so this is generous.
func WithMaxAge(d time.Duration) LocalOption {
	return func(r *LocalRegistry) error {
		if d < time.Minute {
			return fmt.Errorf("max age %v, want at least 1m", d)
		}
		r.maxAge = d
		return nil
	}
}

// WithLogger sets where the registry logs rejected input and recovery
// (default: discarded).
func WithLogger(l *slog.Logger) LocalOption {
	return func(r *LocalRegistry) error {
		if l == nil {
			return errors.New("nil logger")
		}
		r.logger = l
		return nil
	}
}

// Files a [LocalRegistry] keeps in its directory.
const (
	lrLogDir      = "log"
	lrRACFile     = "admission.json"
	lrExportsFile = "exports.json"
	lrReceiptsDir = "receipts"
	lrOriginFile  = "log-origin"
)

// OpenLocalRegistry opens (or creates) the registry whose state lives in
// dir, signing with key. It rebuilds its indexes (ACK identifiers, pinned
// instance keys, accepted nonces) from the log and loads the admission
// certificate installed earlier, if any.
func OpenLocalRegistry(dir string, key ed25519.PrivateKey, opts ...LocalOption) (*LocalRegistry, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("chp: local registry key of %d bytes, want %d", len(key), ed25519.PrivateKeySize)
	}
	r := &LocalRegistry{
		dir: dir, name: "local-registry",
		now: time.Now, skew: DefaultClockSkew, maxAge: DefaultMaxAge, metaAllow: defaultMetaAllow(), metaMax: DefaultMetaMaxBytes,
		logger: slog.New(slog.DiscardHandler),
		pins:   map[string]string{}, pinnedKeys: map[string]int{}, seen: map[[32]byte]uint64{}, nonces: map[[32]byte]struct{}{},
		acks: map[string]uint64{}, instances: map[string]instanceView{}, rejected: map[string]int{},
		quarantine: quarantine{limit: DefaultQuarantine},
	}
	for _, o := range opts {
		if err := o(r); err != nil {
			return nil, fmt.Errorf("chp: local registry: %w", err)
		}
	}
	r.id.Store(newIdentity(key))
	if err := os.MkdirAll(filepath.Join(dir, lrReceiptsDir), 0o700); err != nil {
		return nil, fmt.Errorf("chp: local registry: %w", err)
	}
	if err := r.quarantine.open(dir); err != nil {
		return nil, fmt.Errorf("chp: local registry: quarantine: %w", err)
	}
	// The log's origin is derived from the registry's first key and kept
	// across key rotations.
	originFile, err := os.ReadFile(filepath.Join(dir, lrOriginFile))
	newOrigin := errors.Is(err, os.ErrNotExist)
	switch {
	case err == nil:
		r.origin = strings.TrimSuffix(string(originFile), "\n")
	case errors.Is(err, os.ErrNotExist):
		r.origin, _ = lrOrigin(r.ident().publicKey)
	default:
		return nil, fmt.Errorf("chp: local registry: %w", err)
	}
	cs, err := checkpoint.NewSigner(r.origin, key)
	if err != nil {
		return nil, fmt.Errorf("chp: local registry: %s: %w", lrOriginFile, err)
	}
	// Every heartbeat is signed while others wait for their fsync: the
	// log's fsyncs go through io_uring where it can, so that they do not
	// keep a core from the signing.
	r.log, err = merklelog.Open(filepath.Join(dir, lrLogDir), merklelog.Options{Origin: r.origin, Signer: cs, Logger: r.logger, SyncRing: true})
	if err != nil {
		return nil, fmt.Errorf("chp: local registry: %w", err)
	}
	if newOrigin {
		if err := writeFileAtomic(dir, lrOriginFile, []byte(r.origin+"\n")); err != nil {
			r.log.Close()
			return nil, fmt.Errorf("chp: local registry: %w", err)
		}
	}
	// Names of this package's temporary files before the spool directory.
	removeLeftovers(dir, r.logger, "accord-export-*", ".export-*.tar")
	if r.spoolDir, err = openSpoolDir(dir, r.logger); err != nil {
		r.log.Close()
		return nil, fmt.Errorf("chp: local registry: %w", err)
	}
	// Replays across restarts are caught by r.nonces, rebuilt from the
	// log, so the envelope verifier needs no start-up fence.
	r.verifier, err = envelope.NewVerifier(
		envelope.WithTypes(HeartbeatType),
		envelope.WithTrustOnFirstUse(func(*envelope.Envelope) bool { return true }),
		envelope.WithClock(func() time.Time { return r.now() }),
		envelope.WithoutStartupFence(),
	)
	if err == nil {
		err = r.rebuild()
	}
	if err == nil {
		err = r.checkKey()
	}
	if err == nil {
		err = r.openRoots()
	}
	if err == nil {
		err = r.loadState()
	}
	if err != nil {
		r.log.Close()
		return nil, fmt.Errorf("chp: local registry: %w", err)
	}
	r.routes()
	return r, nil
}

// Origin is the origin line of the registry's checkpoints:
// "accord.chp/lr/" followed by the first 16 hex digits of the fingerprint
// of its first key (it stays when the key is rotated).
func (r *LocalRegistry) Origin() string { return r.origin }

// PublicKey returns the registry's current public key ("ed25519:z...").
func (r *LocalRegistry) PublicKey() string { return r.ident().publicKey }

// Fingerprint returns the registry's current key fingerprint ("sha256:<hex>").
func (r *LocalRegistry) Fingerprint() string { return r.ident().fingerprint }

// Size returns the number of records in the registry's log.
func (r *LocalRegistry) Size() uint64 { return r.log.Size() }

// Checkpoint returns a signed checkpoint (C2SP signed note) of the log at
// its current size.
func (r *LocalRegistry) Checkpoint(ctx context.Context) ([]byte, error) {
	return r.log.Checkpoint(ctx)
}

// Close closes the log after pending appends finish. Heartbeats arriving
// afterwards are refused.
func (r *LocalRegistry) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	r.mu.Unlock()
	r.quarantine.close()
	return r.log.Close()
}

// record reads record i of the log, a heartbeat record.
func (r *LocalRegistry) record(i uint64) (Record, error) {
	var rec Record
	b, err := r.log.Record(i)
	if err != nil {
		return rec, err
	}
	if err := rec.UnmarshalBinary(b); err != nil {
		return rec, fmt.Errorf("record %d: %w", i, err)
	}
	return rec, nil
}

// rebuild scans the log and restores the indexes kept in memory.
func (r *LocalRegistry) rebuild() error {
	n := r.log.Size()
	for i := range n {
		leaf, err := r.log.Record(i)
		if err != nil {
			return err
		}
		if isRegistryRecord(leaf) {
			if err := r.replayRegistryRecord(i, leaf); err != nil {
				return fmt.Errorf("record %d: %w", i, err)
			}
			continue
		}
		var rec Record
		if err := rec.UnmarshalBinary(leaf); err != nil {
			return fmt.Errorf("record %d: %w", i, err)
		}
		var ack struct {
			AckID string `json:"ack_id"`
		}
		if err := decodeStrict(rec.Ack, &ack, true); err != nil {
			return fmt.Errorf("record %d ack: %w", i, err)
		}
		p, err := readPosted(rec.Heartbeat)
		if err != nil {
			return fmt.Errorf("record %d heartbeat: %w", i, err)
		}
		r.acks[ack.AckID] = i
		r.seen[p.digest] = i
		if p.sealed {
			r.nonces[p.nonceID] = struct{}{}
			if _, ok := r.pins[p.instanceID]; !ok {
				r.pin(p.instanceID, p.key)
			}
		}
		r.instances[p.instanceID] = instanceView{Status: p.status, LastSeen: p.timestamp, Signed: p.key != ""}
	}
	return nil
}

// posted is a heartbeat as posted, read once: the chp-v1 heartbeat object
// (for a sealed heartbeat, the envelope's payload) and what the registry
// indexes it by.
type posted struct {
	doc        map[string]any // the heartbeat object, for the schema check
	sealed     bool
	digest     [32]byte // SHA-256 of the heartbeat's canonical form
	instanceID string   // canonical
	status     Status
	timestamp  time.Time
	key        string   // sender_pubkey of a sealed heartbeat
	nonceID    [32]byte // SHA-256 of key and nonce, for sealed heartbeats
}

// readPosted reads a posted body (a plain chp-v1 heartbeat or a sealed
// envelope) with the one strict reader, tells the two apart by the members
// an envelope has and a heartbeat may not (payload, signature; names
// compared after unescaping), and computes the heartbeat's digest from the
// same reading. It checks neither the schema nor the seal: [LocalRegistry.Accept]
// does both, and the log's records passed them when they were accepted.
func readPosted(body []byte) (posted, error) {
	var p posted
	doc, err := parseStrict(body)
	if err != nil {
		return p, err
	}
	obj, ok := doc.(map[string]any)
	if !ok {
		return p, fmt.Errorf("%w: body is not a JSON object", ErrMalformed)
	}
	p.doc = obj
	if isEnvelope(obj) {
		p.sealed = true
		p.key, _ = obj["sender_pubkey"].(string)
		n, _ := obj["nonce"].(string)
		p.nonceID = nonceID(p.key, []byte(n))
		if p.doc, ok = obj["payload"].(map[string]any); !ok {
			// Not a heartbeat; the envelope check refuses it first.
			p.doc = map[string]any{}
		}
	}
	canon, err := appendCanonical(make([]byte, 0, len(body)), p.doc)
	if err != nil {
		return p, err
	}
	p.digest = sha256.Sum256(canon)
	id, _ := p.doc["instance_id"].(string)
	st, _ := p.doc["status"].(string)
	ts, _ := p.doc["timestamp"].(string)
	p.instanceID, p.status = canonicalID(id), Status(st)
	p.timestamp, _ = time.Parse(time.RFC3339Nano, ts)
	return p, nil
}

// nonceID names one envelope nonce of one key. The nonce is taken in its
// wire (base64url) form, which is unique for a given byte string.
func nonceID(key string, nonce []byte) [32]byte {
	var buf [256]byte // SHA-256 of key, a zero byte and nonce
	b := append(append(append(buf[:0], key...), 0), nonce...)
	return sha256.Sum256(b)
}

// loadState reads the installed admission certificate and the last
// pinned receipt.
func (r *LocalRegistry) loadState() error {
	b, err := os.ReadFile(filepath.Join(r.dir, lrRACFile))
	if err == nil {
		c, err := ParseAdmissionCert(b)
		if err != nil {
			return fmt.Errorf("%s: %w", lrRACFile, err)
		}
		if !r.fps[c.LRFingerprint] {
			return fmt.Errorf("%s: %w: admits %s, registry is %s", lrRACFile, ErrKeyMismatch, c.LRFingerprint, r.Fingerprint())
		}
		r.rac = c
		if rv := r.revokedLocked(c); rv != nil {
			r.racRevoked.Store(true)
			r.logger.Warn("chp: the installed admission certificate is revoked; install a new one", "err", rv)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return r.loadLastReceipt()
}

// openRoots loads the trusted root set kept in the registry's directory
// (or starts one at the configured root key), learns the rotation records
// of [WithRootRotations], and checks that the configured root key is one
// of the set's: a root changes only by a rotation record.
func (r *LocalRegistry) openRoots() error {
	roots, err := loadRootSet(r.dir)
	if err != nil {
		return err
	}
	fresh := roots == nil
	if fresh {
		if r.rootKey == "" {
			if len(r.rootRecords) > 0 {
				return fmt.Errorf("%w: root rotations given without a root key to follow them from", ErrAdmission)
			}
			return nil
		}
		if roots, err = NewRootSet(r.rootKey); err != nil {
			return err
		}
	}
	added, err := roots.ApplyRecords(r.rootRecords...)
	if err != nil {
		return err
	}
	if r.rootKey != "" && !roots.Has(r.rootKey) {
		return fmt.Errorf("%w: root key %.40s is not one of the trusted roots (newest %.40s): a root changes only by a rotation record signed by the old root", ErrKeyMismatch, r.rootKey, roots.Current())
	}
	if fresh || added > 0 {
		if err := saveRootSet(r.dir, roots); err != nil {
			return err
		}
	}
	r.roots = roots
	return nil
}

// SetRootKey sets the Global Registry root key of a registry opened
// without [WithRootKey]. Setting a key the registry trusts already is
// allowed; any other key is not: the trusted roots change only by a
// rotation record ([LocalRegistry.AddRootRotations]).
func (r *LocalRegistry) SetRootKey(key string) error {
	pub, err := envelope.ParseEd25519PublicKey(key)
	if err != nil {
		return fmt.Errorf("%w: root key: %v", ErrAdmission, err)
	}
	key = envelope.FormatEd25519PublicKey(pub)
	r.rootMu.Lock()
	defer r.rootMu.Unlock()
	cur := r.rootSet()
	if cur != nil {
		if !cur.Has(key) {
			return fmt.Errorf("%w: root key %.40s already configured", ErrKeyMismatch, cur.Current())
		}
		return nil
	}
	roots, err := NewRootSet(key)
	if err != nil {
		return fmt.Errorf("%w: root key: %v", ErrAdmission, err)
	}
	if err := saveRootSet(r.dir, roots); err != nil {
		return err
	}
	r.mu.Lock()
	r.roots, r.rootKey = roots, key
	r.mu.Unlock()
	return nil
}

// AddRootRotations learns Global Registry root rotation records, each in
// its ledger form, in the order the Global Registry lists them (see
// [RootSet.ApplyRecords]): each new one must be signed by the root the
// registry trusts and by the next. The set is kept in the registry's
// directory, so receipts and certificates signed by any of its roots, each
// for its time, verify after a restart. It returns the roots trusted now.
func (r *LocalRegistry) AddRootRotations(records ...[]byte) (*RootSet, error) {
	r.rootMu.Lock()
	defer r.rootMu.Unlock()
	cur := r.rootSet()
	if cur == nil {
		return nil, fmt.Errorf("%w: no root key configured (WithRootKey)", ErrAdmission)
	}
	next := cur.clone()
	added, err := next.ApplyRecords(records...)
	if err != nil {
		return nil, err
	}
	if added > 0 {
		if err := saveRootSet(r.dir, next); err != nil {
			return nil, err
		}
		r.mu.Lock()
		r.roots = next
		r.mu.Unlock()
		r.logger.Info("chp: Global Registry root rotated", "root", next.Current(), "rotations", added)
	}
	return next.clone(), nil
}

// RootSet returns a copy of the Global Registry root keys the registry
// trusts, or nil if none is configured.
func (r *LocalRegistry) RootSet() *RootSet {
	if s := r.rootSet(); s != nil {
		return s.clone()
	}
	return nil
}

// rootSet returns the trusted roots (not to be changed), or nil.
func (r *LocalRegistry) rootSet() *RootSet {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.roots
}

// AdmissionCert returns the installed admission certificate, or nil.
func (r *LocalRegistry) AdmissionCert() *AdmissionCert {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.rac
}

// InstallAdmissionCert verifies c against the Global Registry root key
// (see [WithRootKey]), this registry's key and the clock, and stores it
// durably so that it is served from GET /registry/info and included in
// every export. A certificate covered by a revocation the registry holds
// is refused with a *[RevokedError] ([LocalRegistry.InstallRevocation]).
func (r *LocalRegistry) InstallAdmissionCert(c *AdmissionCert) error {
	roots := r.rootSet()
	if roots == nil {
		return fmt.Errorf("%w: no root key configured (WithRootKey)", ErrAdmission)
	}
	if err := roots.VerifyAdmissionCert(c, r.racKey(c), r.now()); err != nil {
		return err
	}
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	// Serialised with revocations, so that none lands between the check
	// and the install.
	r.adminMu.Lock()
	defer r.adminMu.Unlock()
	r.mu.Lock()
	rv := r.revokedLocked(c)
	r.mu.Unlock()
	if rv != nil {
		return rv
	}
	if err := writeFileAtomic(r.dir, lrRACFile, b); err != nil {
		return err
	}
	r.mu.Lock()
	r.rac = c
	r.racRevoked.Store(false)
	r.mu.Unlock()
	return nil
}

// writeFileAtomic replaces dir/name atomically, with mode 0600.
func writeFileAtomic(dir, name string, data []byte) error {
	return atomicfile.Write(filepath.Join(dir, name), data, 0o600)
}

// isEnvelope reports whether a parsed body is a sealed heartbeat rather
// than a plain one: envelopes carry payload and signature members, which
// the heartbeat schema does not allow.
func isEnvelope(doc map[string]any) bool {
	_, p := doc["payload"]
	_, s := doc["signature"]
	return p || s
}

// removeLeftovers deletes the temporary files that a process killed in the
// middle of an export, an import or an atomic write left in dir. It runs
// once the directory's log is open: the log's lock keeps any other process
// out of the directory, so none of them is in use.
// spoolDirName is the directory, inside a registry's directory, that holds
// its temporary files (export and import spools, the bundle writer's and
// verifier's spools, archives being served). The registry empties it when
// it opens, after the log's lock keeps other processes out: whatever is
// there was left by a process that ended mid-export or mid-import.
const spoolDirName = "spool"

// openSpoolDir creates or empties the spool directory in dir.
func openSpoolDir(dir string, logger *slog.Logger) (string, error) {
	sd := filepath.Join(dir, spoolDirName)
	removed, err := spool.PrepareDir(sd)
	for _, name := range removed {
		logger.Info("chp: removed a leftover temporary file", "path", name)
	}
	return sd, err
}

func removeLeftovers(dir string, logger *slog.Logger, patterns ...string) {
	removed, err := atomicfile.RemoveTemps(dir)
	for _, name := range removed {
		logger.Info("chp: removed a leftover temporary file", "path", name)
	}
	if err != nil {
		logger.Warn("chp: leftover temporary files not removed", "dir", dir, "err", err)
	}
	for _, p := range patterns {
		names, _ := filepath.Glob(filepath.Join(dir, p))
		for _, name := range names {
			if err := os.Remove(name); err != nil {
				logger.Warn("chp: leftover temporary file not removed", "path", name, "err", err)
				continue
			}
			logger.Info("chp: removed a leftover temporary file", "path", name)
		}
	}
}
