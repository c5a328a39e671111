package chp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/envelope"
	"github.com/accordsdk/accord/internal/tiles"
)

// grReceiptsDir holds a copy of every receipt the Global Registry issued.
const grReceiptsDir = "receipts"

// LedgerProof proves that the record a Local Registry logged at LRIndex
// was imported into the Global Registry's ledger: the ledger record
// beside a C2SP tlog-proof (c2sp.org/tlog-proof@v1: its ledger index,
// RFC 6962 inclusion proof and the ledger's signed checkpoint), which
// verifies with the GR root key alone. It is served at
// GET /ledger/proof?lr=<fingerprint>&index=<n>.
type LedgerProof struct {
	LRFingerprint string `json:"lr_fingerprint"` // "sha256:<hex>" of the Local Registry's key
	LRIndex       uint64 `json:"lr_index"`       // the record's index in that registry's log
	Record        []byte `json:"record"`         // the ledger record, padded standard base64
	Proof         string `json:"proof"`          // the tlog-proof text
}

// ParseLedgerProof reads a [LedgerProof] as served (a JSON object with
// exactly its four members, read by the strict reader). It checks the
// form only; [LedgerProof.Verify] checks the proof. Errors wrap
// [ErrMalformed] or [ErrDuplicateKey].
func ParseLedgerProof(b []byte) (*LedgerProof, error) {
	var p LedgerProof
	if err := decodeStrict(b, &p, false); err != nil {
		return nil, err
	}
	if !fpRE.MatchString(p.LRFingerprint) || len(p.Record) == 0 || p.Proof == "" {
		return nil, fmt.Errorf("%w: ledger proof lacks lr_fingerprint, record or proof", ErrMalformed)
	}
	return &p, nil
}

// LedgerEntry is a ledger record whose inclusion [LedgerProof.Verify]
// checked.
type LedgerEntry struct {
	Index         uint64                // in the ledger
	LRFingerprint string                // the Local Registry the record came from
	LRIndex       uint64                // its index in that registry's log
	Record        Record                // the Local Registry's record: heartbeat as posted, ACK as sent
	Checkpoint    checkpoint.Checkpoint // the ledger checkpoint the proof leads to
}

// Verify checks the proof offline with the GR root key rootKey: the
// ledger checkpoint's signature (under the origin its first line names,
// that of the ledger's first root), the
// inclusion proof from the record to its root (a failure matches
// [checkpoint.ErrInclusion]), and that the record is the one the proof
// claims (its Local Registry and index). The record's ACK is signed by the
// Local Registry, whose key the admitted registries list
// (GET /ledger/registries) gives: check it with [VerifyAck] and the
// heartbeat of entry.Record.
func (p *LedgerProof) Verify(rootKey string) (*LedgerEntry, error) {
	pub, err := envelope.ParseEd25519PublicKey(rootKey)
	if err != nil {
		return nil, fmt.Errorf("%w: root key: %v", ErrKeyMismatch, err)
	}
	tp, err := checkpoint.ParseProof([]byte(p.Proof))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	// The ledger's origin is that of its first root, which the current
	// root may not be: it is read from the checkpoint, whose signature by
	// the root key covers it.
	body, err := checkpoint.Parse(noteBody(tp.Checkpoint))
	if err != nil || !grOriginRE.MatchString(body.Origin) {
		return nil, fmt.Errorf("%w: ledger proof checkpoint is not a Global Registry ledger's", ErrMalformed)
	}
	v, err := checkpoint.NewVerifier(body.Origin, pub)
	if err != nil {
		return nil, err
	}
	cp, err := tp.Verify(p.Record, v, nil, 0)
	if err != nil {
		if errors.Is(err, checkpoint.ErrInclusion) {
			return nil, fmt.Errorf("chp: ledger proof: %w", err)
		}
		return nil, fmt.Errorf("%w: ledger proof: %w", ErrBadSignature, err)
	}
	fp, idx, rec, err := parseLedgerRecord(p.Record)
	if err != nil {
		return nil, err
	}
	if fp != p.LRFingerprint || idx != p.LRIndex {
		return nil, fmt.Errorf("%w: ledger record is %s record %d, proof claims %s record %d", ErrBadSignature, fp, idx, p.LRFingerprint, p.LRIndex)
	}
	e := &LedgerEntry{Index: tp.Index, LRFingerprint: fp, LRIndex: idx, Checkpoint: cp}
	if err := e.Record.UnmarshalBinary(rec); err != nil {
		return nil, err
	}
	return e, nil
}

// AdmittedRegistry is one Local Registry the Global Registry admitted, as
// served at GET /ledger/registries.
type AdmittedRegistry struct {
	Fingerprint string          `json:"fingerprint"` // "sha256:<hex>"
	PublicKey   string          `json:"public_key"`  // "ed25519:z..."
	RACs        []AdmissionCert `json:"racs"`        // certificates issued, oldest first
	Imported    uint64          `json:"imported"`    // records of its log imported so far
	Root        string          `json:"root"`        // its tree root at Imported (padded base64), "" before the first import
	// Revocations are the revocations of its certificates, each with its
	// ledger index.
	Revocations []RevocationEntry `json:"revocations,omitempty"`
}

// Registries returns the admitted Local Registries, by fingerprint.
func (g *GlobalRegistry) Registries() []AdmittedRegistry {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]AdmittedRegistry, 0, len(g.state.Registries))
	for fp, lr := range g.state.Registries {
		a := AdmittedRegistry{Fingerprint: fp, PublicKey: lr.PublicKey, RACs: slices.Clone(lr.RACs), Imported: lr.Size,
			Revocations: slices.Clone(lr.Revocations)}
		for _, s := range lr.Seen {
			if s.Size == lr.Size {
				a.Root = s.Root
			}
		}
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b AdmittedRegistry) int { return strings.Compare(a.Fingerprint, b.Fingerprint) })
	return out
}

// keepReceipt stores a copy of a signed receipt for the ledger's readers.
func (g *GlobalRegistry) keepReceipt(rc *Receipt, signed []byte) error {
	dir := filepath.Join(g.dir, grReceiptsDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return writeFileAtomic(dir, fmt.Sprintf("%012d-%s.json", g.ledger.Size(), rc.ReceiptID), signed)
}

// Receipts returns the receipts the Global Registry issued, in the order
// they were issued (by ledger size, then receipt id), each verified with
// the root key.
func (g *GlobalRegistry) Receipts() ([]*Receipt, error) {
	ents, err := os.ReadDir(filepath.Join(g.dir, grReceiptsDir))
	if errors.Is(err, os.ErrNotExist) {
		return []*Receipt{}, nil
	}
	if err != nil {
		return nil, err
	}
	out := []*Receipt{}
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".json") || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(g.dir, grReceiptsDir, e.Name()))
		if err != nil {
			return nil, err
		}
		rc, err := g.roots.Load().VerifyReceipt(b)
		if err != nil {
			return nil, fmt.Errorf("receipt %s: %w", e.Name(), err)
		}
		out = append(out, rc)
	}
	return out, nil
}

// SignedReceipt returns the coherence_receipt.json of receipt id, as
// issued.
func (g *GlobalRegistry) SignedReceipt(id string) ([]byte, error) {
	if !uuidRE.MatchString(id) {
		return nil, fmt.Errorf("%w: receipt id %q", ErrNotFound, id)
	}
	names, _ := filepath.Glob(filepath.Join(g.dir, grReceiptsDir, "*-"+strings.ToLower(id)+".json"))
	if len(names) == 0 {
		return nil, fmt.Errorf("%w: receipt %s", ErrNotFound, id)
	}
	return os.ReadFile(names[0])
}

// ledgerKey names one Local Registry record.
type ledgerKey struct {
	fp  string
	idx uint64
}

// ledgerIndex maps Local Registry records to their ledger indexes. It is
// built from the ledger on first use and extended as the ledger grows.
type ledgerIndex struct {
	mu      sync.Mutex
	byLR    map[ledgerKey]uint64
	fps     map[string]string // interned fingerprints
	scanned uint64            // ledger records indexed
}

// LedgerProofFor returns the proof that record lrIndex of the Local
// Registry with fingerprint fp is in the ledger, under a freshly signed
// ledger checkpoint. It returns [ErrNotFound] for a record the ledger
// does not hold (not imported, or rejected at import).
func (g *GlobalRegistry) LedgerProofFor(ctx context.Context, fp string, lrIndex uint64) (*LedgerProof, error) {
	li := &g.lookup
	li.mu.Lock()
	if li.byLR == nil {
		li.byLR, li.fps = map[ledgerKey]uint64{}, map[string]string{}
	}
	for size := g.ledger.Size(); li.scanned < size; li.scanned++ {
		rec, err := g.ledger.Record(li.scanned)
		if err != nil {
			li.mu.Unlock()
			return nil, err
		}
		if isGRRecord(rec) {
			continue // the Global Registry's own record (a revocation or a root rotation)
		}
		f, idx, _, err := parseLedgerRecord(rec)
		if err != nil {
			li.mu.Unlock()
			return nil, fmt.Errorf("ledger record %d: %w", li.scanned, err)
		}
		if in, ok := li.fps[f]; ok {
			f = in
		} else {
			li.fps[f] = f
		}
		li.byLR[ledgerKey{f, idx}] = li.scanned
	}
	at, ok := li.byLR[ledgerKey{fp, lrIndex}]
	li.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("%w: no ledger record of %s record %d", ErrNotFound, fp, lrIndex)
	}
	rec, err := g.ledger.Record(at)
	if err != nil {
		return nil, err
	}
	p, err := g.ledger.Proof(ctx, at)
	if err != nil {
		return nil, err
	}
	return &LedgerProof{LRFingerprint: fp, LRIndex: lrIndex, Record: rec, Proof: string(p.Marshal())}, nil
}

// LedgerHandler returns the Global Registry's read-only public interface,
// its ledger and what the ledger is about. Every endpoint answers GET (and
// HEAD); nothing changes the registry:
//
//	GET /ledger/checkpoint                  the ledger's signed checkpoint (text/plain)
//	GET /ledger/tile/<L>/<N>[.p/<W>]        c2sp.org/tlog-tiles tiles of the ledger
//	GET /ledger/tile/entries/<N>[.p/<W>]    entry bundles (the ledger records)
//	GET /ledger/proof?lr=<fp>&index=<n>     a [LedgerProof] for record n of that Local Registry
//	GET /ledger/consistency?old=N&new=M     a [ConsistencyProof] between two ledger sizes
//	GET /ledger/registries                  the admitted registries ([AdmittedRegistry] list)
//	GET /ledger/root-rotations              the root rotation records ([RootRotation] list, oldest first)
//	GET /ledger/receipts                    the receipts issued ([Receipt] list, payloads)
//	GET /ledger/receipts/{receipt_id}       one receipt as issued (coherence_receipt.json)
//	GET /ledger/revocations                 the revocations issued ([RevocationEntry] list, ledger order)
//
// Errors have the package's JSON error body; see the package
// documentation for the codes.
func (g *GlobalRegistry) LedgerHandler() (http.Handler, error) {
	th, err := tiles.NewHandler(g.ledger, tiles.WithLogger(g.logger))
	if err != nil {
		return nil, fmt.Errorf("chp: ledger handler: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /ledger/checkpoint", http.StripPrefix("/ledger", th))
	mux.Handle("GET /ledger/tile/", http.StripPrefix("/ledger", th))
	mux.HandleFunc("GET /ledger/proof", g.handleLedgerProof)
	mux.HandleFunc("GET /ledger/consistency", func(w http.ResponseWriter, req *http.Request) {
		serveConsistency(w, req, g.logger, g.LedgerConsistency)
	})
	mux.HandleFunc("GET /ledger/registries", func(w http.ResponseWriter, req *http.Request) {
		writeJSON(w, http.StatusOK, g.Registries())
	})
	mux.HandleFunc("GET /ledger/root-rotations", func(w http.ResponseWriter, req *http.Request) {
		writeJSON(w, http.StatusOK, append([]json.RawMessage{}, g.RootRotations()...))
	})
	mux.HandleFunc("GET /ledger/receipts", func(w http.ResponseWriter, req *http.Request) {
		rcs, err := g.Receipts()
		if err != nil {
			g.logger.Error("chp: receipts", "err", err)
			writeError(w, http.StatusServiceUnavailable, "unavailable", "cannot read the receipts")
			return
		}
		writeJSON(w, http.StatusOK, rcs)
	})
	mux.HandleFunc("GET /ledger/revocations", func(w http.ResponseWriter, req *http.Request) {
		writeJSON(w, http.StatusOK, g.Revocations())
	})
	mux.HandleFunc("GET /ledger/receipts/{receipt_id}", func(w http.ResponseWriter, req *http.Request) {
		b, err := g.SignedReceipt(req.PathValue("receipt_id"))
		if errors.Is(err, ErrNotFound) {
			writeError(w, http.StatusNotFound, "not_found", err.Error())
			return
		}
		if err != nil {
			g.logger.Error("chp: receipt", "err", err)
			writeError(w, http.StatusServiceUnavailable, "unavailable", "cannot read the receipt")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", "the ledger is read-only: method "+req.Method+" not allowed")
			return
		}
		writeError(w, http.StatusNotFound, "not_found", "no such endpoint: "+req.URL.Path)
	})
	return mux, nil
}

func (g *GlobalRegistry) handleLedgerProof(w http.ResponseWriter, req *http.Request) {
	q := req.URL.Query()
	fp := q.Get("lr")
	if !fpRE.MatchString(fp) {
		writeError(w, http.StatusBadRequest, "bad_lr", fmt.Sprintf("lr %q is not a registry fingerprint (sha256:<64 lower-case hex>)", fp))
		return
	}
	n, err := strconv.ParseUint(q.Get("index"), 10, 64)
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad_range", "index: "+err.Error())
		return
	}
	p, err := g.LedgerProofFor(req.Context(), fp, n)
	if errors.Is(err, ErrNotFound) {
		writeError(w, http.StatusNotFound, "not_found", err.Error())
		return
	}
	if err != nil {
		g.logger.Error("chp: ledger proof", "err", err)
		writeError(w, http.StatusServiceUnavailable, "log_unavailable", "cannot build the proof")
		return
	}
	writeJSON(w, http.StatusOK, p)
}
