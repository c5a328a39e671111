package federation

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/envelope"
	"github.com/accordsdk/accord/internal/atomicfile"
	"github.com/accordsdk/accord/internal/merklelog"
	"github.com/accordsdk/accord/internal/strictjson"
)

// Defaults of a [Mesh].
const (
	DefaultDiscoveryTTL = 24 * time.Hour
	DefaultProposalTTL  = 7 * 24 * time.Hour
	DefaultSamples      = 5
)

// Config describes a mesh. MeshID, FederationURL and a key are required.
type Config struct {
	MeshID        string      // did:vm:mesh:<name>
	DisplayName   string      // for people
	FederationURL string      // base URL peers reach the federation API at
	Scrolls       []string    // scrolls the mesh keeps (accord logs)
	PublicScrolls []string    // scrolls readable by every party at level 1 (a subset of Scrolls)
	Policy        TrustPolicy // published in the discovery record and enforced
	Attestations  []string    // published in the discovery record, not verified
}

// Option configures a [Mesh].
type Option func(*options) error

type options struct {
	now          func() time.Time
	logger       *slog.Logger
	anchorer     checkpoint.Anchorer
	peerAnchorer func(mesh string) (checkpoint.Anchorer, error)
	http         *http.Client
	samples      int
	discoveryTTL time.Duration
}

// WithClock sets the mesh's clock (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(o *options) error {
		if now == nil {
			return fmt.Errorf("%w: nil clock", ErrMalformed)
		}
		o.now = now
		return nil
	}
}

// WithLogger sets the mesh's logger (default: discard).
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error {
		if l == nil {
			return fmt.Errorf("%w: nil logger", ErrMalformed)
		}
		o.logger = l
		return nil
	}
}

// WithAnchorer sets how the mesh anchors its scroll roots and cross
// anchors, and (unless [WithPeerAnchorer] says otherwise) verifies its
// peers' anchors.
func WithAnchorer(a checkpoint.Anchorer) Option {
	return func(o *options) error {
		if a == nil {
			return fmt.Errorf("%w: nil anchorer", ErrMalformed)
		}
		o.anchorer = a
		return nil
	}
}

// WithPeerAnchorer sets how a peer's anchors are verified, for example an
// EVM anchorer that counts only the peer's account's anchors.
func WithPeerAnchorer(f func(mesh string) (checkpoint.Anchorer, error)) Option {
	return func(o *options) error {
		if f == nil {
			return fmt.Errorf("%w: nil peer anchorer", ErrMalformed)
		}
		o.peerAnchorer = f
		return nil
	}
}

// WithHTTPClient sets the client used to reach peers.
func WithHTTPClient(c *http.Client) Option {
	return func(o *options) error {
		if c == nil {
			return fmt.Errorf("%w: nil http client", ErrMalformed)
		}
		o.http = c
		return nil
	}
}

// WithSamples sets how many records a witness samples per checkpoint
// (default 5; 0 samples none).
func WithSamples(n int) Option {
	return func(o *options) error {
		if n < 0 || n > 1000 {
			return fmt.Errorf("%w: %d samples, want 0 to 1000", ErrMalformed, n)
		}
		o.samples = n
		return nil
	}
}

// WithDiscoveryTTL sets how long the mesh's discovery record is valid.
func WithDiscoveryTTL(d time.Duration) Option {
	return func(o *options) error {
		if d < time.Minute {
			return fmt.Errorf("%w: discovery TTL %v, want at least a minute", ErrMalformed, d)
		}
		o.discoveryTTL = d
		return nil
	}
}

// Peer is a mesh this one knows: its key came from the operator, never
// from the network alone.
type Peer struct {
	MeshID    string          `json:"mesh_id"`
	Key       string          `json:"key"`
	URL       string          `json:"url"`
	Discovery json.RawMessage `json:"discovery,omitempty"` // its last verified discovery record
	AddedAt   time.Time       `json:"added_at"`
}

// Proposal states.
const (
	StatusPending   = "pending"
	StatusAccepted  = "accepted"
	StatusRejected  = "rejected"
	StatusCountered = "countered"
	StatusExpired   = "expired"
	StatusActive    = "active"
	StatusRevoked   = "revoked"
)

// ProposalEntry is a proposal this mesh sent ("out") or received ("in").
type ProposalEntry struct {
	Proposal    json.RawMessage `json:"proposal"`
	Direction   string          `json:"direction"`
	Status      string          `json:"status"`
	Reason      string          `json:"reason,omitempty"`
	AgreementID string          `json:"agreement_id,omitempty"`
	CounteredBy string          `json:"countered_by,omitempty"`
}

// AgreementEntry is an agreement and its state.
type AgreementEntry struct {
	Agreement   json.RawMessage `json:"agreement"` // canonical, both signatures
	Status      string          `json:"status"`
	RevokedBy   string          `json:"revoked_by,omitempty"`
	Reason      string          `json:"reason,omitempty"`
	EffectiveAt time.Time       `json:"effective_at,omitzero"`
	Revocation  json.RawMessage `json:"revocation,omitempty"` // the signed revocation envelope
}

// ReceiptEntry is a witness receipt this mesh issued or received.
type ReceiptEntry struct {
	Receipt   json.RawMessage `json:"receipt"`
	Issued    bool            `json:"issued"` // true: this mesh witnessed a peer
	Peer      string          `json:"peer"`
	Scroll    string          `json:"scroll"`
	Result    string          `json:"result"`
	At        time.Time       `json:"at"`
	Cosigned  []byte          `json:"cosigned,omitempty"` // the checkpoint with the cosignature
	Agreement string          `json:"agreement_id"`
}

// ForkRecord is a fork this mesh detected in a peer's scroll.
type ForkRecord struct {
	Mesh   string    `json:"mesh"`
	Scroll string    `json:"scroll"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason"`
	Old    []byte    `json:"old"`
	New    []byte    `json:"new"`
}

type state struct {
	Peers        map[string]*Peer           `json:"peers"`
	Proposals    map[string]*ProposalEntry  `json:"proposals"`
	Agreements   map[string]*AgreementEntry `json:"agreements"`
	Receipts     []*ReceiptEntry            `json:"receipts"`
	CrossAnchors []json.RawMessage          `json:"cross_anchors"`
	Forks        []*ForkRecord              `json:"forks"`
	Seq          int                        `json:"seq"`
}

// Mesh is one federation participant: its scrolls (accord logs), its
// witness, its peers, proposals and agreements, kept in a state directory.
// Its [Mesh.Handler] serves the federation API; its methods act as the
// operator (propose, accept, revoke, run the witness cycle). It is safe for
// concurrent use; one process may use a state directory at a time.
type Mesh struct {
	cfg     Config
	key     ed25519.PrivateKey
	pub     string
	opts    options
	dir     string
	scrolls map[string]*merklelog.Log
	witness *Witness
	envs    *envelope.Verifier
	signer  envelope.Signer

	mu sync.Mutex
	st state
}

// NewMesh opens (or creates) the mesh whose state is kept in dir, signing
// with key.
func NewMesh(dir string, key ed25519.PrivateKey, cfg Config, opts ...Option) (*Mesh, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("%w: federation key of %d bytes", ErrMalformed, len(key))
	}
	if err := checkMeshID("mesh_id", cfg.MeshID); err != nil {
		return nil, err
	}
	if cfg.FederationURL == "" {
		return nil, fmt.Errorf("%w: no federation URL", ErrMalformed)
	}
	if err := checkScrolls("scrolls", cfg.Scrolls, true); err != nil {
		return nil, err
	}
	for _, s := range cfg.PublicScrolls {
		if !slices.Contains(cfg.Scrolls, s) {
			return nil, fmt.Errorf("%w: public scroll %q is not one of the mesh's scrolls", ErrMalformed, s)
		}
	}
	if !cfg.Policy.MinTrustLevel.Valid() {
		return nil, fmt.Errorf("%w: min_trust_level %d", ErrMalformed, cfg.Policy.MinTrustLevel)
	}
	m := &Mesh{cfg: cfg, key: key, pub: envelope.FormatEd25519PublicKey(key.Public().(ed25519.PublicKey)), dir: dir,
		scrolls: map[string]*merklelog.Log{}, signer: envelope.NewEd25519Signer(key)}
	m.opts = options{now: time.Now, logger: slog.New(slog.DiscardHandler), http: &http.Client{Timeout: 30 * time.Second}, samples: DefaultSamples, discoveryTTL: DefaultDiscoveryTTL}
	for _, o := range opts {
		if err := o(&m.opts); err != nil {
			return nil, err
		}
	}
	if m.opts.anchorer == nil {
		return nil, fmt.Errorf("%w: no anchorer (WithAnchorer)", ErrMalformed)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("federation: %w", err)
	}
	_, statErr := os.Stat(filepath.Join(dir, "state.json"))
	fresh := errors.Is(statErr, os.ErrNotExist)
	if err := m.load(); err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			m.Close()
		}
	}()
	for _, s := range cfg.Scrolls {
		origin := m.Origin(s)
		signer, err := checkpoint.NewSigner(origin, key)
		if err != nil {
			return nil, err
		}
		l, err := merklelog.Open(filepath.Join(dir, "scrolls", s), merklelog.Options{Origin: origin, Signer: signer, Logger: m.opts.logger})
		if err != nil {
			return nil, fmt.Errorf("federation: scroll %s: %w", s, err)
		}
		m.scrolls[s] = l
	}
	cosigner, err := checkpoint.NewCosigner(m.WitnessName(), key)
	if err != nil {
		return nil, err
	}
	m.witness, err = NewWitness(cosigner, filepath.Join(dir, "witness"), m.knownLog, m.opts.now, m.opts.logger)
	if err != nil {
		return nil, err
	}
	ring := envelope.NewKeyRing()
	vopts := []envelope.VerifierOption{envelope.WithTypes(envelopeTypes...), envelope.WithKeyRing(ring), envelope.WithClock(m.opts.now)}
	if fresh {
		// No earlier process accepted envelopes for this state, so none
		// can be replayed from before this start: no start-up fence.
		// A mesh reopened from existing state keeps the fence (its replay
		// cache was lost with the previous process).
		vopts = append(vopts, envelope.WithoutStartupFence())
	}
	m.envs, err = envelope.NewVerifier(vopts...)
	if err != nil {
		return nil, err
	}
	for _, p := range m.st.Peers {
		if err := ring.Add(p.Key); err != nil {
			return nil, fmt.Errorf("federation: peer %s key: %w", p.MeshID, err)
		}
	}
	ok = true
	return m, nil
}

// Close closes the mesh's scrolls.
func (m *Mesh) Close() error {
	var errs []error
	if m.witness != nil {
		errs = append(errs, m.witness.Close())
	}
	for _, l := range m.scrolls {
		errs = append(errs, l.Close())
	}
	return errors.Join(errs...)
}

// ID returns the mesh ID.
func (m *Mesh) ID() string { return m.cfg.MeshID }

// PublicKey returns the mesh's federation key (ed25519:z6Mk...).
func (m *Mesh) PublicKey() string { return m.pub }

// Origin returns the checkpoint origin of one of the mesh's scrolls:
// "<mesh ID>/<scroll>".
func (m *Mesh) Origin(scroll string) string { return OriginOf(m.cfg.MeshID, scroll) }

// OriginOf returns the checkpoint origin of a mesh's scroll.
func OriginOf(mesh, scroll string) string { return mesh + "/" + scroll }

// WitnessName returns the name in the mesh's cosignatures:
// "<mesh ID>/witness".
func (m *Mesh) WitnessName() string { return WitnessNameOf(m.cfg.MeshID) }

// WitnessNameOf returns the cosignature key name of a mesh's witness.
func WitnessNameOf(mesh string) string { return mesh + "/witness" }

// Witness returns the mesh's c2sp.org/tlog-witness witness.
func (m *Mesh) Witness() *Witness { return m.witness }

func (m *Mesh) load() error {
	b, err := os.ReadFile(filepath.Join(m.dir, "state.json"))
	if errors.Is(err, os.ErrNotExist) {
		m.st = state{Peers: map[string]*Peer{}, Proposals: map[string]*ProposalEntry{}, Agreements: map[string]*AgreementEntry{}}
		return nil
	}
	if err != nil {
		return fmt.Errorf("federation: %w", err)
	}
	if err := strictjson.Unmarshal(b, &m.st); err != nil {
		return fmt.Errorf("federation: state: %w", err)
	}
	if m.st.Peers == nil {
		m.st.Peers = map[string]*Peer{}
	}
	if m.st.Proposals == nil {
		m.st.Proposals = map[string]*ProposalEntry{}
	}
	if m.st.Agreements == nil {
		m.st.Agreements = map[string]*AgreementEntry{}
	}
	return nil
}

// save writes the state durably. The caller holds m.mu.
func (m *Mesh) save() error {
	m.prune()
	b, err := json.MarshalIndent(&m.st, "", "  ")
	if err != nil {
		return fmt.Errorf("federation: state: %w", err)
	}
	if err := atomicfile.Write(filepath.Join(m.dir, "state.json"), b, 0o600); err != nil {
		return fmt.Errorf("federation: saving state: %w", err)
	}
	return nil
}

// prune drops receipts older than the retention period of their
// agreement. The caller holds m.mu.
func (m *Mesh) prune() {
	now := m.opts.now()
	m.st.Receipts = slices.DeleteFunc(m.st.Receipts, func(r *ReceiptEntry) bool {
		e, ok := m.st.Agreements[r.Agreement]
		if !ok {
			return false
		}
		a, err := ParseAgreement(e.Agreement)
		if err != nil {
			return false
		}
		return now.Sub(r.At) > time.Duration(a.Terms.RetentionPeriodDays)*24*time.Hour
	})
}

func (m *Mesh) nextID(kind string) string {
	m.st.Seq++
	return fmt.Sprintf("fed-%s-%s-%s-%03d", kind, MeshName(m.cfg.MeshID), m.opts.now().UTC().Format("2006-01-02"), m.st.Seq)
}

// Discovery returns the mesh's signed discovery record, valid from now for
// the discovery TTL.
func (m *Mesh) Discovery() ([]byte, error) {
	now := m.opts.now()
	return SignDiscovery(DiscoveryRecord{
		MeshID:           m.cfg.MeshID,
		DisplayName:      m.cfg.DisplayName,
		Endpoints:        Endpoints{Federation: m.cfg.FederationURL},
		PublicKey:        m.pub,
		ScrollsAvailable: slices.Clone(m.cfg.Scrolls),
		TrustPolicy:      m.cfg.Policy,
		Attestations:     slices.Clone(m.cfg.Attestations),
		IssuedAt:         T(now),
		ExpiresAt:        T(now.Add(m.opts.discoveryTTL)),
	}, m.key)
}

// AddPeer records a peer whose key the operator vouches for (from a
// bootstrap file or out of band), reachable at url. If discovery is given
// it must be the peer's discovery record, signed by key and valid now.
func (m *Mesh) AddPeer(meshID, key, url string, discovery []byte) (*Peer, error) {
	if err := checkMeshID("mesh_id", meshID); err != nil {
		return nil, err
	}
	if _, err := pubKey(key); err != nil {
		return nil, err
	}
	if meshID == m.cfg.MeshID || MeshName(meshID) == MeshName(m.cfg.MeshID) {
		return nil, fmt.Errorf("%w: peer %s has this mesh's name", ErrMalformed, meshID)
	}
	p := &Peer{MeshID: meshID, Key: key, URL: url, AddedAt: m.opts.now().UTC()}
	if discovery != nil {
		d, err := VerifyDiscovery(discovery, key, m.opts.now())
		if err != nil {
			return nil, err
		}
		if d.MeshID != meshID {
			return nil, fmt.Errorf("%w: discovery record of %s, want %s", ErrUnknownMesh, d.MeshID, meshID)
		}
		p.Discovery = discovery
		if url == "" {
			p.URL = d.Endpoints.Federation
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	old, known := m.st.Peers[meshID]
	if known && old.Key != key {
		return nil, fmt.Errorf("%w: %s is known with another key; remove it first", ErrPolicy, meshID)
	}
	for _, q := range m.st.Peers {
		if q.Key == key && q.MeshID != meshID {
			return nil, fmt.Errorf("%w: key already belongs to %s", ErrPolicy, q.MeshID)
		}
	}
	if !known {
		if err := m.envs.KeyRing().Add(key); err != nil {
			return nil, err
		}
	} else {
		p.AddedAt = old.AddedAt // a refresh: new discovery record or URL
	}
	m.st.Peers[meshID] = p
	return p, m.save()
}

// Peers returns the known peers, by mesh ID.
func (m *Mesh) Peers() []Peer {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Peer
	for _, k := range slices.Sorted(maps.Keys(m.st.Peers)) {
		out = append(out, *m.st.Peers[k])
	}
	return out
}

func (m *Mesh) peer(id string) (*Peer, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.st.Peers[id]
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrUnknownMesh, id)
	}
	c := *p
	return &c, nil
}

// peerByKey returns the peer whose federation key is key.
func (m *Mesh) peerByKey(key string) (*Peer, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, p := range m.st.Peers {
		if p.Key == key {
			c := *p
			return &c, nil
		}
	}
	return nil, fmt.Errorf("%w: key %.40s…", ErrUnknownMesh, key)
}

// activeAgreement returns the agreement with peer in force at now, and
// checks that it allows c. The caller need not hold m.mu.
func (m *Mesh) activeAgreement(peer string, c Capability) (*Agreement, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.opts.now()
	var best *Agreement
	revoked := false
	for _, e := range m.st.Agreements {
		a, err := ParseAgreement(e.Agreement)
		if err != nil || !slices.Contains(a.Parties, peer) {
			continue
		}
		if e.Status == StatusRevoked && !now.Before(e.EffectiveAt) {
			revoked = true
			continue
		}
		if e.Status != StatusActive && e.Status != StatusRevoked {
			continue
		}
		if best == nil || a.TrustLevel > best.TrustLevel {
			best = a
		}
	}
	if best == nil {
		if revoked {
			return nil, fmt.Errorf("%w: every agreement with %s is revoked", ErrRevoked, peer)
		}
		return nil, fmt.Errorf("%w: no agreement with %s", ErrNotParty, peer)
	}
	if !best.TrustLevel.Allows(c) {
		return nil, fmt.Errorf("%w: %s needs %s, agreement %s with %s is at %s", ErrLevelTooLow, c, c.MinLevel(), best.AgreementID, peer, best.TrustLevel)
	}
	return best, nil
}

// readable reports whether peer may read (and witness) scroll of this mesh
// under its agreement: public scrolls at level 1, shared scrolls at 2.
func (m *Mesh) readable(peer, scroll string) (*Agreement, error) {
	if _, ok := m.scrolls[scroll]; !ok {
		return nil, fmt.Errorf("%w: scroll %q", ErrNotFound, scroll)
	}
	if slices.Contains(m.cfg.PublicScrolls, scroll) {
		return m.activeAgreement(peer, ReadPublic)
	}
	a, err := m.activeAgreement(peer, ReadShared)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(a.Terms.ScrollsShared, scroll) {
		return nil, fmt.Errorf("%w: scroll %q is not shared with %s under %s", ErrPolicy, scroll, peer, a.AgreementID)
	}
	return a, nil
}

// peerPublic reports whether the peer's last discovery record lists scroll
// as public.
func (m *Mesh) peerScrolls(peer string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.st.Peers[peer]
	if !ok || p.Discovery == nil {
		return nil
	}
	d, err := ParseDiscovery(p.Discovery)
	if err != nil {
		return nil
	}
	return d.ScrollsAvailable
}

// knownLog is the witness's log lookup: the scrolls of peers with an
// agreement in force that this mesh may witness.
func (m *Mesh) knownLog(origin string) (note.Verifier, bool) {
	m.mu.Lock()
	var peer *Peer
	var scroll string
	for _, p := range m.st.Peers {
		if s, ok := cutPrefix(origin, p.MeshID+"/"); ok {
			peer, scroll = p, s
			break
		}
	}
	m.mu.Unlock()
	if peer == nil {
		return nil, false
	}
	a, err := m.activeAgreement(peer.MeshID, ReadPublic)
	if err != nil || !slices.Contains(a.Terms.ScrollsShared, scroll) {
		return nil, false
	}
	v, err := checkpoint.LogVerifier(origin, peer.Key)
	if err != nil {
		return nil, false
	}
	return v, true
}

func cutPrefix(s, p string) (string, bool) {
	if len(s) > len(p) && s[:len(p)] == p {
		return s[len(p):], true
	}
	return "", false
}

// Append appends record to one of the mesh's scrolls and returns its index
// once it is durable.
func (m *Mesh) Append(ctx context.Context, scroll string, record []byte) (uint64, error) {
	l, ok := m.scrolls[scroll]
	if !ok {
		return 0, fmt.Errorf("%w: scroll %q", ErrNotFound, scroll)
	}
	return l.Append(ctx, record)
}

// Checkpoint signs (if the scroll grew) and returns the scroll's latest
// checkpoint.
func (m *Mesh) Checkpoint(ctx context.Context, scroll string) ([]byte, error) {
	l, ok := m.scrolls[scroll]
	if !ok {
		return nil, fmt.Errorf("%w: scroll %q", ErrNotFound, scroll)
	}
	return l.Checkpoint(ctx)
}
