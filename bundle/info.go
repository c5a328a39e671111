package bundle

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/accordsdk/accord/internal/strictjson"
)

// Info is the content of bundle.json: who issued the bundle and when, the
// signing key, and a summary of the members that must agree with the signed
// manifest. Metadata holds extra typed documents added with [WithMetadata],
// such as an admission certificate or a log checkpoint.
type Info struct {
	Issuer            string    // free text, from [WithIssuer]
	CreatedAt         time.Time // from [WithCreatedAt]; zero if not given
	Signer            string    // public key of the manifest signer, e.g. "ed25519:z6Mk..."
	SignerFingerprint string    // "sha256:<hex>" of the raw signer key, if the key is Ed25519
	MemberCount       int64
	TotalSize         int64
	MerkleRoot        tlog.Hash
	Metadata          map[string]json.RawMessage
}

// DecodeMetadata decodes the metadata document stored under key into v
// with the module's strict JSON reader: member names are matched exactly
// (no case folding), a duplicate name (compared after unescaping) and null
// for a field that cannot hold it (a string, number, boolean, array or
// struct) are errors, and so is a value of the wrong type. Members that v
// has no field for are ignored, so that a reader keeps working when a later
// writer adds metadata members; a caller that wants them refused decodes
// Metadata[key] itself.
func (i *Info) DecodeMetadata(key string, v any) error {
	raw, ok := i.Metadata[key]
	if !ok {
		return fmt.Errorf("bundle: no metadata %q in bundle.json", key)
	}
	if err := strictjson.Unmarshal(raw, v, strictjson.AllowUnknown()); err != nil {
		return fmt.Errorf("bundle: metadata %q: %w", key, err)
	}
	return nil
}

// infoJSON is the wire form of bundle.json, written with two-space
// indentation and a final newline.
type infoJSON struct {
	V                 int                        `json:"v"`
	Issuer            string                     `json:"issuer,omitempty"`
	CreatedAt         string                     `json:"created_at,omitempty"`
	Signer            string                     `json:"signer"`
	SignerFingerprint string                     `json:"signer_fingerprint,omitempty"`
	MemberCount       int64                      `json:"member_count"`
	TotalSize         int64                      `json:"total_size"`
	MerkleRoot        tlog.Hash                  `json:"merkle_root"`
	Metadata          map[string]json.RawMessage `json:"metadata,omitempty"`
}

func (i *Info) encode() ([]byte, error) {
	w := infoJSON{
		V:                 manifestVersion,
		Issuer:            i.Issuer,
		Signer:            i.Signer,
		SignerFingerprint: i.SignerFingerprint,
		MemberCount:       i.MemberCount,
		TotalSize:         i.TotalSize,
		MerkleRoot:        i.MerkleRoot,
		Metadata:          i.Metadata,
	}
	if !i.CreatedAt.IsZero() {
		w.CreatedAt = i.CreatedAt.UTC().Format(time.RFC3339Nano)
	}
	b, err := json.MarshalIndent(w, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("bundle: encoding bundle.json: %w", err)
	}
	return append(b, '\n'), nil
}

// parseInfo parses bundle.json and requires it to be in the canonical form
// encode writes (which also rules out duplicate keys).
func parseInfo(b []byte) (*Info, error) {
	var w infoJSON
	if err := strictjson.Unmarshal(b, &w); err != nil {
		return nil, fmt.Errorf("%w: bundle.json: %w", ErrMalformed, err)
	}
	if w.V != manifestVersion {
		return nil, fmt.Errorf("%w: bundle.json v %d, want %d", ErrMalformed, w.V, manifestVersion)
	}
	i := &Info{
		Issuer:            w.Issuer,
		Signer:            w.Signer,
		SignerFingerprint: w.SignerFingerprint,
		MemberCount:       w.MemberCount,
		TotalSize:         w.TotalSize,
		MerkleRoot:        w.MerkleRoot,
		Metadata:          w.Metadata,
	}
	if w.CreatedAt != "" {
		t, err := time.Parse(time.RFC3339Nano, w.CreatedAt)
		if err != nil {
			return nil, fmt.Errorf("%w: bundle.json created_at: %w", ErrMalformed, err)
		}
		i.CreatedAt = t
	}
	again, err := i.encode()
	if err != nil || !bytes.Equal(again, b) {
		return nil, fmt.Errorf("%w: bundle.json is not in canonical form", ErrMalformed)
	}
	return i, nil
}

// checkAgainst reports the first field on which bundle.json disagrees with
// the signed manifest or the pinned key.
func (i *Info) checkAgainst(m *Manifest, pubkey, fingerprint string) error {
	type field struct{ name, got, want string }
	for _, f := range []field{
		{"member_count", strconv.FormatInt(i.MemberCount, 10), strconv.Itoa(m.Len())},
		{"total_size", strconv.FormatInt(i.TotalSize, 10), strconv.FormatInt(m.total, 10)},
		{"merkle_root", i.MerkleRoot.String(), m.root.String()},
		{"signer", i.Signer, pubkey},
		{"signer_fingerprint", i.SignerFingerprint, fingerprint},
	} {
		if f.got != f.want {
			return &DisagreementError{Field: f.name, In: BundleJSONName, Got: strconv.Quote(f.got), Want: strconv.Quote(f.want)}
		}
	}
	return nil
}
