package federation

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/envelope"
	"github.com/accordsdk/accord/internal/strictb64"
	"github.com/accordsdk/accord/internal/tiles"
)

// maxBody bounds a request body.
const maxBody = 1 << 20

// maxReceipts bounds the records one receipts request returns.
const maxReceipts = 100

// Handler returns the federation API: the endpoints under /federation/
// listed in the package documentation, each checking who calls and at what
// trust level. Mount it at the root of the mesh's federation URL.
func (m *Mesh) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /federation/discovery", m.serveDiscovery)
	mux.HandleFunc("POST /federation/proposals", m.signed(TypeProposalEnvelope, m.serveProposal))
	mux.HandleFunc("GET /federation/proposals/{id}", m.read(m.serveGetProposal))
	mux.HandleFunc("PUT /federation/proposals/{id}", m.signed(TypeResponseEnvelope, m.servePutProposal))
	mux.HandleFunc("GET /federation/agreements", m.read(m.serveAgreements))
	mux.HandleFunc("GET /federation/agreements/{id}", m.read(m.serveAgreement))
	mux.HandleFunc("DELETE /federation/agreements/{id}", m.signed(TypeRevocationEnvelope, m.serveRevoke))
	mux.HandleFunc("POST /federation/notify", m.signed(TypeNotifyEnvelope, m.serveNotify))
	mux.HandleFunc("POST /federation/witness", m.signed(TypeWitnessEnvelope, m.serveWitness))
	mux.HandleFunc("GET /federation/roots", m.read(m.serveRoots))
	mux.HandleFunc("GET /federation/receipts/{scroll}", m.read(m.serveReceipts))
	mux.HandleFunc("POST /federation/verify", m.signed(TypeVerifyEnvelope, m.serveVerify))
	mux.Handle("/federation/scrolls/{scroll}/", http.HandlerFunc(m.serveScroll))
	mux.Handle("/federation/tlog-witness/", http.StripPrefix("/federation/tlog-witness", m.witness))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeErr(w, fmt.Errorf("%w: %s %s", ErrNotFound, r.Method, r.URL.Path))
	})
	return mux
}

// NewServer returns an http.Server for h with timeouts set.
func NewServer(addr string, h http.Handler) *http.Server {
	return &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 10e9, ReadTimeout: 30e9, WriteTimeout: 60e9, IdleTimeout: 120e9}
}

func (m *Mesh) serveDiscovery(w http.ResponseWriter, r *http.Request) {
	d, err := m.Discovery()
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// signed wraps a handler of a signed envelope body: the envelope must be
// of type typ, by a known peer's key, fresh and not replayed.
func (m *Mesh) signed(typ string, h func(w http.ResponseWriter, r *http.Request, peer *Peer, e *envelope.Envelope, raw []byte)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			writeErr(w, fmt.Errorf("%w: request body: %v", ErrMalformed, err))
			return
		}
		e, err := m.envs.Open(body)
		if err != nil {
			writeErr(w, err)
			return
		}
		if e.Type != typ {
			writeErr(w, fmt.Errorf("%w: envelope type %q here, want %q", ErrMalformed, e.Type, typ))
			return
		}
		peer, err := m.peerByKey(e.SenderPubkey)
		if err != nil {
			writeErr(w, err)
			return
		}
		h(w, r, peer, e, body)
	}
}

// read wraps a GET handler: the request must carry a fresh read envelope by
// a known peer naming this method and path.
func (m *Mesh) read(h func(w http.ResponseWriter, r *http.Request, peer *Peer)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		peer, err := m.authRead(r)
		if err != nil {
			writeErr(w, err)
			return
		}
		h(w, r, peer)
	}
}

func (m *Mesh) authRead(r *http.Request) (*Peer, error) {
	h := r.Header.Get(HeaderEnvelope)
	if h == "" {
		return nil, fmt.Errorf("%w: no %s header", ErrUnknownMesh, HeaderEnvelope)
	}
	raw, err := strictb64.RawURL(h)
	if err != nil {
		return nil, fmt.Errorf("%w: %s header is not base64url", ErrMalformed, HeaderEnvelope)
	}
	e, err := m.envs.Open(raw)
	if err != nil {
		return nil, err
	}
	if e.Type != TypeReadEnvelope {
		return nil, fmt.Errorf("%w: envelope type %q in %s, want %q", ErrMalformed, e.Type, HeaderEnvelope, TypeReadEnvelope)
	}
	var rr ReadRequest
	if err := e.DecodePayload(&rr); err != nil {
		return nil, err
	}
	if rr.Method != r.Method && !(rr.Method == http.MethodGet && r.Method == http.MethodHead) || rr.Path != r.URL.RequestURI() {
		return nil, fmt.Errorf("%w: read envelope for %s %s, request is %s %s", ErrMalformed, rr.Method, rr.Path, r.Method, r.URL.RequestURI())
	}
	return m.peerByKey(e.SenderPubkey)
}

func (m *Mesh) serveProposal(w http.ResponseWriter, r *http.Request, peer *Peer, e *envelope.Envelope, _ []byte) {
	p, err := m.receiveProposal(peer, e.Payload)
	if err != nil {
		writeErr(w, err)
		return
	}
	b, _ := json.Marshal(map[string]string{"proposal_id": p.ProposalID, "status": StatusPending})
	writeJSON(w, http.StatusCreated, b)
}

func (m *Mesh) serveGetProposal(w http.ResponseWriter, r *http.Request, peer *Peer) {
	m.mu.Lock()
	e, ok := m.st.Proposals[r.PathValue("id")]
	var entry ProposalEntry
	if ok {
		entry = *e
	}
	m.mu.Unlock()
	if !ok {
		writeErr(w, fmt.Errorf("%w: proposal %s", ErrNotFound, r.PathValue("id")))
		return
	}
	p, err := ParseProposal(entry.Proposal)
	if err != nil {
		writeErr(w, err)
		return
	}
	if p.Proposer != peer.MeshID && p.Target != peer.MeshID {
		writeErr(w, fmt.Errorf("%w: %s is not a party to proposal %s", ErrNotFound, peer.MeshID, p.ProposalID))
		return
	}
	entry.Direction = ""
	b, _ := json.Marshal(entry)
	writeJSON(w, http.StatusOK, b)
}

func (m *Mesh) servePutProposal(w http.ResponseWriter, r *http.Request, peer *Peer, e *envelope.Envelope, _ []byte) {
	var pr ProposalResponse
	if err := e.DecodePayload(&pr); err != nil {
		writeErr(w, err)
		return
	}
	out, err := m.respond(peer, r.PathValue("id"), &pr)
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (m *Mesh) serveAgreements(w http.ResponseWriter, r *http.Request, peer *Peer) {
	list := m.agreementsWith(peer.MeshID)
	if list == nil {
		list = []json.RawMessage{}
	}
	b, _ := json.Marshal(map[string]any{"agreements": list})
	writeJSON(w, http.StatusOK, b)
}

func (m *Mesh) serveAgreement(w http.ResponseWriter, r *http.Request, peer *Peer) {
	for _, raw := range m.agreementsWith(peer.MeshID) {
		if a, err := ParseAgreement(raw); err == nil && a.AgreementID == r.PathValue("id") {
			writeJSON(w, http.StatusOK, raw)
			return
		}
	}
	writeErr(w, fmt.Errorf("%w: agreement %s with %s", ErrNotFound, r.PathValue("id"), peer.MeshID))
}

func (m *Mesh) serveRevoke(w http.ResponseWriter, r *http.Request, peer *Peer, e *envelope.Envelope, raw []byte) {
	var rev Revocation
	if err := e.DecodePayload(&rev); err != nil {
		writeErr(w, err)
		return
	}
	if err := m.receiveRevocation(peer, r.PathValue("id"), &rev, raw); err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, []byte(`{"status":"revoked"}`))
}

func (m *Mesh) serveNotify(w http.ResponseWriter, r *http.Request, peer *Peer, e *envelope.Envelope, _ []byte) {
	var n Notify
	if err := e.DecodePayload(&n); err != nil {
		writeErr(w, err)
		return
	}
	// The cycle outlives a client that hangs up: the receipt is kept.
	receipt, err := m.handleNotify(context.WithoutCancel(r.Context()), peer, &n)
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, receipt)
}

func (m *Mesh) serveWitness(w http.ResponseWriter, r *http.Request, peer *Peer, e *envelope.Envelope, _ []byte) {
	var s WitnessSubmission
	if err := e.DecodePayload(&s); err != nil {
		writeErr(w, err)
		return
	}
	var err error
	switch {
	case len(s.Receipt) > 0 && len(s.CrossAnchor) == 0:
		_, err = m.acceptReceipt(peer, s.Receipt)
	case len(s.CrossAnchor) > 0 && len(s.Receipt) == 0:
		err = m.acceptCrossAnchor(r.Context(), peer, s.CrossAnchor)
	default:
		err = fmt.Errorf("%w: witness submission needs a receipt or a cross anchor", ErrMalformed)
	}
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, []byte(`{"status":"stored"}`))
}

// RootsAnswer is the body of GET /federation/roots.
type RootsAnswer struct {
	MeshID string                `json:"mesh_id"`
	Roots  map[string]ScrollRoot `json:"roots"`
}

func (m *Mesh) serveRoots(w http.ResponseWriter, r *http.Request, peer *Peer) {
	ans := RootsAnswer{MeshID: m.cfg.MeshID, Roots: map[string]ScrollRoot{}}
	for name, l := range m.scrolls {
		if _, err := m.readable(peer.MeshID, name); err != nil {
			continue
		}
		if _, c := l.LastCheckpoint(); c.Origin != "" {
			ans.Roots[name] = ScrollRoot{Size: c.Size, Root: rootString(c.Hash)}
		}
	}
	if len(ans.Roots) == 0 {
		if _, err := m.activeAgreement(peer.MeshID, ReadPublic); err != nil {
			writeErr(w, err)
			return
		}
	}
	b, _ := json.Marshal(ans)
	writeJSON(w, http.StatusOK, b)
}

// ReceiptSample is one record of GET /federation/receipts/{scroll}.
type ReceiptSample struct {
	Index  uint64 `json:"index"`
	Record []byte `json:"record"`
	Proof  string `json:"proof"` // c2sp.org/tlog-proof
}

func (m *Mesh) serveReceipts(w http.ResponseWriter, r *http.Request, peer *Peer) {
	scroll := r.PathValue("scroll")
	if _, err := m.readable(peer.MeshID, scroll); err != nil {
		writeErr(w, err)
		return
	}
	l := m.scrolls[scroll]
	idx := r.URL.Query()["index"]
	if len(idx) == 0 || len(idx) > maxReceipts {
		writeErr(w, fmt.Errorf("%w: give 1 to %d index parameters", ErrMalformed, maxReceipts))
		return
	}
	var out []ReceiptSample
	for _, s := range idx {
		i, err := strconv.ParseUint(s, 10, 63)
		if err != nil {
			writeErr(w, fmt.Errorf("%w: index %q", ErrMalformed, s))
			return
		}
		if i >= l.Size() {
			writeErr(w, fmt.Errorf("%w: record %d of %s", ErrNotFound, i, scroll))
			return
		}
		p, err := l.Proof(r.Context(), i)
		if err != nil {
			writeErr(w, err)
			return
		}
		rec, err := l.Record(i)
		if err != nil {
			writeErr(w, err)
			return
		}
		out = append(out, ReceiptSample{Index: i, Record: rec, Proof: string(p.Marshal())})
	}
	b, _ := json.Marshal(map[string]any{"scroll": scroll, "receipts": out})
	writeJSON(w, http.StatusOK, b)
}

// VerifyRequest is the payload of POST /federation/verify: is the record
// with this leaf hash at this index of the scroll?
type VerifyRequest struct {
	Scroll   string `json:"scroll"`
	Index    uint64 `json:"index"`
	LeafHash string `json:"leaf_hash"` // base64 RFC 6962 leaf hash
}

// VerifyAnswer is the answer to POST /federation/verify.
type VerifyAnswer struct {
	Included bool   `json:"included"`
	Proof    string `json:"proof,omitempty"` // c2sp.org/tlog-proof, when included
}

func (m *Mesh) serveVerify(w http.ResponseWriter, r *http.Request, peer *Peer, e *envelope.Envelope, _ []byte) {
	var vr VerifyRequest
	if err := e.DecodePayload(&vr); err != nil {
		writeErr(w, err)
		return
	}
	if _, err := m.activeAgreement(peer.MeshID, ReadShared); err != nil {
		writeErr(w, err)
		return
	}
	if _, err := m.readable(peer.MeshID, vr.Scroll); err != nil {
		writeErr(w, err)
		return
	}
	h, err := tlog.ParseHash(vr.LeafHash)
	if err != nil {
		writeErr(w, fmt.Errorf("%w: leaf_hash: %v", ErrMalformed, err))
		return
	}
	l := m.scrolls[vr.Scroll]
	ans := VerifyAnswer{}
	if vr.Index < l.Size() {
		if rec, err := l.Record(vr.Index); err == nil && checkpoint.RecordHash(rec) == h {
			p, err := l.Proof(r.Context(), vr.Index)
			if err != nil {
				writeErr(w, err)
				return
			}
			ans = VerifyAnswer{Included: true, Proof: string(p.Marshal())}
		}
	}
	b, _ := json.Marshal(ans)
	writeJSON(w, http.StatusOK, b)
}

// serveScroll serves a scroll as c2sp.org/tlog-tiles to the peers that may
// read it.
func (m *Mesh) serveScroll(w http.ResponseWriter, r *http.Request) {
	scroll := r.PathValue("scroll")
	l, ok := m.scrolls[scroll]
	if !ok {
		writeErr(w, fmt.Errorf("%w: scroll %q", ErrNotFound, scroll))
		return
	}
	// Authenticate before the prefix is stripped: the read envelope names
	// the full path.
	peer, err := m.authRead(r)
	if err == nil {
		_, err = m.readable(peer.MeshID, scroll)
	}
	if err != nil {
		writeErr(w, err)
		return
	}
	// The authorizer only marks the responses private: the caller is
	// already authorized.
	h, err := tiles.NewHandler(l, tiles.WithAuthorizer(func(*http.Request) error { return nil }))
	if err != nil {
		writeErr(w, err)
		return
	}
	prefix := "/federation/scrolls/" + scroll
	if slices.Contains([]string{prefix, prefix + "/"}, r.URL.Path) {
		writeErr(w, fmt.Errorf("%w: %s", ErrNotFound, r.URL.Path))
		return
	}
	http.StripPrefix(prefix, h).ServeHTTP(w, r)
}
