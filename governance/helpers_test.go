package governance

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"github.com/accordsdk/accord/internal/merkletree"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/envelope"
)

// testKey returns a fixed Ed25519 key for name.
func testKey(name string) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("accord governance test key " + name))
	return ed25519.NewKeyFromSeed(seed[:])
}

func testSigner(name string) envelope.Signer { return envelope.NewEd25519Signer(testKey(name)) }

// t0 is the tests' founding time.
var t0 = time.Date(2025, 12, 6, 10, 0, 0, 0, time.UTC)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) add(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

// actor makes a registry entry with the test key of name.
func actor(id, kind string, weight int64, roles ...Role) Actor {
	return Actor{ID: id, Kind: kind, Key: testSigner(id).PublicKey(), Roles: roles, Weight: weight}
}

// testActors: a sovereign, four citizens with weight 1 to 4 (total with
// the sovereign: 1+1+2+3+4 = 11), the guardian and governance engines and a
// delegated agent.
func testActors() []Actor {
	return []Actor{
		actor("did:vm:human:sovereign", KindSovereign, 1, allRoles...),
		actor("did:vm:human:alice", KindHuman, 1, RolePropose, RoleVote),
		actor("did:vm:human:bob", KindHuman, 2, RoleVote),
		actor("did:vm:human:carol", KindHuman, 3, RoleVote),
		actor("did:vm:human:dave", KindHuman, 4, RoleVote, RoleReview),
		actor("engine:guardian", KindEngine, 0, RoleDetect, RoleEnforce, RoleActivate),
		actor("engine:governance", KindEngine, 0, RoleDetect, RoleEnforce, RoleActivate),
		{ID: "did:vm:agent:automation-01", Kind: KindAgent, Key: testSigner("did:vm:agent:automation-01").PublicKey(),
			Roles: []Role{RolePropose}, DelegatedBy: "did:vm:human:sovereign"},
	}
}

func testRegistry(t testing.TB) *Registry {
	r, err := NewRegistry(testActors())
	require.NoError(t, err)
	return r
}

// memScroll is an in-memory Scroll whose receipts tests can tamper with.
type memScroll struct {
	mu      sync.Mutex
	origin  string
	signer  note.Signer
	records [][]byte
	signed  []byte
	size    uint64 // size of signed
	frozen  bool   // Checkpoint returns the stored checkpoint without signing
}

func (s *memScroll) Append(_ context.Context, r []byte) (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.records = append(s.records, bytes.Clone(r))
	return uint64(len(s.records) - 1), nil
}

func (s *memScroll) Size() uint64 { s.mu.Lock(); defer s.mu.Unlock(); return uint64(len(s.records)) }

func (s *memScroll) Record(i uint64) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i >= uint64(len(s.records)) {
		return nil, fmt.Errorf("no record %d", i)
	}
	return s.records[i], nil
}

// Checkpoint signs the current tree (tests tamper with records afterwards
// to see an audit catch it).
func (s *memScroll) Checkpoint(_ context.Context) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.signed != nil && (s.frozen || s.size == uint64(len(s.records))) {
		return s.signed, nil
	}
	signed, err := checkpoint.Sign(checkpoint.Checkpoint{Origin: s.origin, Size: uint64(len(s.records)), Hash: rootOf(s.records)}, s.signer)
	if err != nil {
		return nil, err
	}
	s.signed, s.size = signed, uint64(len(s.records))
	return signed, nil
}

func rootOf(records [][]byte) tlog.Hash {
	var f merkletree.Frontier
	for _, r := range records {
		f.Append(tlog.RecordHash(r))
	}
	return f.Root()
}

// memStore is an in-memory Store.
type memStore struct {
	mu      sync.Mutex
	key     ed25519.PrivateKey
	scrolls map[string]*memScroll
}

func newMemStore() *memStore {
	return &memStore{key: testKey("log"), scrolls: map[string]*memScroll{}}
}

func (m *memStore) Origin(name string) string { return "gov.test/" + name }

func (m *memStore) Scroll(name string) (Scroll, error) { return m.mem(name), nil }

func (m *memStore) mem(name string) *memScroll {
	m.mu.Lock()
	defer m.mu.Unlock()
	if s, ok := m.scrolls[name]; ok {
		return s
	}
	signer, err := checkpoint.NewSigner(m.Origin(name), m.key)
	if err != nil {
		panic(err)
	}
	s := &memScroll{origin: m.Origin(name), signer: signer}
	m.scrolls[name] = s
	return s
}

func (m *memStore) Scrolls() ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for n := range m.scrolls {
		out = append(out, n)
	}
	return out, nil
}

func (m *memStore) verifier(name string) note.Verifier {
	v, err := checkpoint.NewVerifier(m.Origin(name), m.key.Public().(ed25519.PublicKey))
	if err != nil {
		panic(err)
	}
	return v
}

// fakeAnchorer records anchored roots in memory: a test double of
// checkpoint.Anchorer.
type fakeAnchorer struct {
	mu      sync.Mutex
	anchors map[string][32]byte // tx -> root
	labels  map[string]string   // tx -> label
	fail    error
}

func newFakeAnchorer() *fakeAnchorer {
	return &fakeAnchorer{anchors: map[string][32]byte{}, labels: map[string]string{}}
}

func (a *fakeAnchorer) Backend() string { return "test" }

func (a *fakeAnchorer) Anchor(_ context.Context, root [32]byte, label string) (*checkpoint.AnchorProof, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.fail != nil {
		return nil, a.fail
	}
	tx := fmt.Sprintf("tx-%d", len(a.anchors)+1)
	a.anchors[tx], a.labels[tx] = root, label
	return &checkpoint.AnchorProof{Backend: "test", TxHash: tx}, nil
}

func (a *fakeAnchorer) VerifyAnchor(_ context.Context, root [32]byte, label string, p *checkpoint.AnchorProof) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if p.Backend != "test" || a.anchors[p.TxHash] != root || a.labels[p.TxHash] != label {
		return fmt.Errorf("%w: %s", checkpoint.ErrNotAnchored, p.TxHash)
	}
	return nil
}

// fixture is a body over a memory store with a settable clock.
type fixture struct {
	t     testing.TB
	ctx   context.Context
	clk   *clock
	store *memStore
	anch  *fakeAnchorer
	reg   *Registry
	body  *Body
}

func newFixture(t testing.TB) *fixture {
	f := &fixture{t: t, ctx: context.Background(), clk: &clock{t: t0}, store: newMemStore(), anch: newFakeAnchorer(), reg: testRegistry(t)}
	f.body = f.open()
	return f
}

func (f *fixture) open() *Body {
	b, err := Open(f.ctx, f.store, f.reg, WithClock(f.clk.now), WithAnchorer(f.anch), WithEngineSigner(testSigner("engine:governance")))
	require.NoError(f.t, err)
	return b
}

func (f *fixture) s(id string) envelope.Signer { return testSigner(id) }

const sov = "did:vm:human:sovereign"

// articleVII is the amendment of the examples: a new article.
func articleVII() ProposalDraft {
	return ProposalDraft{Type: ProposalAmendment, Title: "Add Data Retention Article", Rationale: "Compliance with EU regulations",
		Content: Content{Target: "ARTICLE-VII", Action: ActionAdd, Text: &Provision{ID: "ARTICLE-VII", Name: "Data Retention",
			Sections: []Section{{ID: "ARTICLE-VII.1", Text: "Receipts are retained for at least seven years."}}}}}
}

// propose files d by the sovereign and returns the proposal.
func (f *fixture) propose(d ProposalDraft) *Proposal {
	p, err := f.body.Propose(f.ctx, f.s(sov), d)
	require.NoError(f.t, err)
	return p
}

// toVoting moves the clock to the opening of p's voting window.
func (f *fixture) toVoting(p *Proposal) { f.clk.set(p.DeliberationEnds.Time) }

// toClose moves the clock to the close of p's voting window.
func (f *fixture) toClose(p *Proposal) { f.clk.set(p.VotingEnds.Time) }

func (f *fixture) vote(p *Proposal, who, choice string) {
	_, err := f.body.Vote(f.ctx, f.s(who), p.ProposalID, choice, "")
	require.NoError(f.t, err, "vote of %s", who)
}

func (f *fixture) state(p *Proposal) State {
	st, err := f.body.Proposal(p.ProposalID, f.clk.now())
	require.NoError(f.t, err)
	return st.State
}

func (f *fixture) verifierFunc() func(string) (note.Verifier, error) {
	return func(name string) (note.Verifier, error) { return f.store.verifier(name), nil }
}

func rawJSON(b []byte) json.RawMessage { return json.RawMessage(b) }
