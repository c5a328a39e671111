package chp

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ReceiptType is the envelope type of a coherence receipt.
const ReceiptType = "chp/coherence-receipt"

// ReceiptFile is the name CHP v1 gives a receipt on disk.
const ReceiptFile = "coherence_receipt.json"

// Receipt is the payload of coherence_receipt.json: the Global Registry's
// signed account of one imported provenance bundle. The file is an
// envelope of type [ReceiptType] sealed by the GR root key, so an enclave
// that holds only that public key verifies it offline ([VerifyReceipt]).
type Receipt struct {
	ReceiptID     string    `json:"receipt_id"`     // UUID
	Issuer        string    `json:"issuer"`         // the Global Registry's name
	LRFingerprint string    `json:"lr_fingerprint"` // the Local Registry the bundle came from
	RACID         string    `json:"rac_id"`         // the admission certificate it was checked against
	BundleRoot    string    `json:"bundle_root"`    // the bundle manifest's Merkle root
	BundleDigest  string    `json:"bundle_digest"`  // sha256 of the bundle file
	From          uint64    `json:"from"`           // first LR log index in the bundle
	To            uint64    `json:"to"`             // LR log size the bundle ends at
	LRRoot        string    `json:"lr_root"`        // the LR's RFC 6962 root at To (base64)
	Accepted      int       `json:"accepted"`       // records appended to the global ledger
	Duplicate     int       `json:"duplicate"`      // records the ledger already held
	Rejected      int       `json:"rejected"`       // records refused by policy
	Ledger        string    `json:"ledger"`         // signed checkpoint of the global ledger after import
	ImportedAt    time.Time `json:"imported_at"`
}

// VerifyReceipt opens a coherence receipt offline: the envelope must be of
// type [ReceiptType], sealed by the GR root key rootKey ("ed25519:z..."),
// and the ledger checkpoint inside must be signed by the same key under
// the origin its first line names (the ledger's origin, which stays that
// of the first root across root rotations). A verifier that trusts a root
// which has rotated since verifies with a [RootSet]. Errors wrap
// [ErrBadSignature] or [ErrMalformed].
func VerifyReceipt(b []byte, rootKey string) (*Receipt, error) {
	s, err := NewRootSet(rootKey)
	if err != nil {
		return nil, fmt.Errorf("%w: root key: %v", ErrKeyMismatch, err)
	}
	return s.VerifyReceipt(b)
}

// PinReceipt verifies a coherence receipt carried back into the enclave
// and keeps it for audit: it must be signed by the GR root key of its time
// (see [WithRootKey] and [LocalRegistry.AddRootRotations]), be about this registry, and state the root this
// registry's log really had at the receipt's size. The receipt is stored
// in the registry's directory and shown on the HUD.
func (r *LocalRegistry) PinReceipt(b []byte) (*Receipt, error) {
	roots := r.rootSet()
	if roots == nil {
		return nil, fmt.Errorf("%w: no root key configured (WithRootKey)", ErrAdmission)
	}
	rc, err := roots.VerifyReceipt(b)
	if err != nil {
		return nil, err
	}
	if !r.knownFingerprint(rc.LRFingerprint) {
		return nil, fmt.Errorf("%w: receipt is for %s, this registry is %s", ErrKeyMismatch, rc.LRFingerprint, r.Fingerprint())
	}
	if rc.To > r.log.Size() {
		return nil, fmt.Errorf("%w: receipt covers %d records, log has %d", ErrFork, rc.To, r.log.Size())
	}
	root, err := r.log.TreeHash(rc.To)
	if err != nil {
		return nil, err
	}
	if got := b64std(root[:]); got != rc.LRRoot {
		return nil, fmt.Errorf("%w: receipt states root %s at size %d, log has %s", ErrFork, rc.LRRoot, rc.To, got)
	}
	name := fmt.Sprintf("%012d-%s.json", rc.To, rc.ReceiptID)
	if err := writeFileAtomic(filepath.Join(r.dir, lrReceiptsDir), name, b); err != nil {
		return nil, err
	}
	r.mu.Lock()
	if r.receipt == nil || rc.To >= r.receipt.To {
		r.receipt = rc
	}
	r.mu.Unlock()
	return rc, nil
}

// Receipts returns the pinned receipts' file names, oldest first.
func (r *LocalRegistry) Receipts() ([]string, error) {
	ents, err := os.ReadDir(filepath.Join(r.dir, lrReceiptsDir))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".json") && !strings.HasPrefix(e.Name(), ".") {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

// loadLastReceipt restores the newest pinned receipt for the HUD.
func (r *LocalRegistry) loadLastReceipt() error {
	names, err := r.Receipts()
	if err != nil || len(names) == 0 {
		return err
	}
	last := names[len(names)-1]
	b, err := os.ReadFile(filepath.Join(r.dir, lrReceiptsDir, last))
	if err != nil {
		return err
	}
	if r.roots == nil {
		return nil
	}
	rc, err := r.roots.VerifyReceipt(b)
	if err != nil {
		return fmt.Errorf("pinned receipt %s: %w", last, err)
	}
	r.receipt = rc
	return nil
}
