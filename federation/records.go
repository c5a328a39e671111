package federation

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/envelope"
	"github.com/accordsdk/accord/internal/jcs"
	"github.com/accordsdk/accord/internal/strictb64"
	"github.com/accordsdk/accord/internal/strictjson"
)

// Domain separation: every signature of this package covers one of these
// prefixes, a newline, then the record's canonical bytes.
const (
	domainDiscovery    = "accord-federation/v1 discovery"
	domainProposal     = "accord-federation/v1 proposal"
	domainAgreementSig = "accord-federation/v1 agreement"
	domainReceipt      = "accord-federation/v1 fed_witness_event"
	domainCrossAnchor  = "accord-federation/v1 fed_cross_anchor"
)

// Record types written in the "type" member.
const (
	TypeWitnessEvent = "fed_witness_event"
	TypeCrossAnchor  = "fed_cross_anchor"
)

// maxRecord bounds every record this package decodes, in bytes.
const maxRecord = 1 << 20

// Time is a record timestamp: RFC 3339 in UTC to the second
// ("2025-12-06T10:00:00Z") when written; offsets are accepted on input.
type Time struct{ time.Time }

// T returns t truncated to the second, in UTC, as a record Time.
func T(t time.Time) Time { return Time{t.UTC().Truncate(time.Second)} }

// MarshalJSON writes the RFC 3339 UTC form.
func (t Time) MarshalJSON() ([]byte, error) {
	return json.Marshal(t.UTC().Format(time.RFC3339))
}

// UnmarshalJSON reads RFC 3339 (with any offset, no fractional seconds).
func (t *Time) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.Parse(time.RFC3339, s)
	if err != nil || strings.Contains(s, ".") {
		return fmt.Errorf("time %q is not RFC 3339 to the second", s)
	}
	t.Time = v.UTC()
	return nil
}

// Endpoints are where a mesh serves federation.
type Endpoints struct {
	// Federation is the base URL of the federation API (the /federation/...
	// paths are relative to it).
	Federation string `json:"federation"`
	// Verification is an optional URL for public verification.
	Verification string `json:"verification,omitempty"`
}

// TrustPolicy is what a mesh accepts, published in its discovery record.
type TrustPolicy struct {
	// AcceptsProposals: false refuses every proposal.
	AcceptsProposals bool `json:"accepts_proposals"`
	// MinTrustLevel: proposals below it are refused.
	MinTrustLevel Level `json:"min_trust_level"`
	// RequiresMutual: true refuses proposals that share a scroll not
	// available at both meshes (sharing must be reciprocal); false needs
	// each shared scroll available at one of them at least.
	RequiresMutual bool `json:"requires_mutual"`
}

// DiscoveryRecord is a mesh's signed self-description, served at
// GET /federation/discovery. It is a claim: a peer's key is learned only
// from its operator (see [Mesh.AddPeer]), and the record is checked against
// that key.
type DiscoveryRecord struct {
	MeshID           string      `json:"mesh_id"`
	DisplayName      string      `json:"display_name"`
	Endpoints        Endpoints   `json:"endpoints"`
	PublicKey        string      `json:"public_key"`
	ScrollsAvailable []string    `json:"scrolls_available"`
	TrustPolicy      TrustPolicy `json:"trust_policy"`
	Attestations     []string    `json:"attestations"`
	IssuedAt         Time        `json:"issued_at"`
	ExpiresAt        Time        `json:"expires_at"`
	Signature        string      `json:"signature"`
}

// ProposedTerms are the terms a proposal offers.
type ProposedTerms struct {
	ScrollsToShare        []string `json:"scrolls_to_share"`
	VerificationFrequency string   `json:"verification_frequency"`
	RetentionPeriodDays   int      `json:"retention_period_days"`
	DataJurisdiction      string   `json:"data_jurisdiction,omitempty"`
	AuditRights           bool     `json:"audit_rights"`
	DisputeResolution     string   `json:"dispute_resolution,omitempty"`
}

// Attestations are claims a proposer makes about itself. They are carried
// and signed, not verified by this package.
type Attestations struct {
	IdentityProof         string   `json:"identity_proof,omitempty"`
	ComplianceCredentials []string `json:"compliance_credentials,omitempty"`
}

// Proposal offers a trust agreement. A counter-proposal is a Proposal from
// the target back to the proposer whose Counters names the proposal it
// answers.
type Proposal struct {
	ProposalID           string        `json:"proposal_id"`
	Proposer             string        `json:"proposer"`
	Target               string        `json:"target"`
	ProposedAt           Time          `json:"proposed_at"`
	ExpiresAt            Time          `json:"expires_at"`
	ProposedTrustLevel   Level         `json:"proposed_trust_level"`
	ProposedTerms        ProposedTerms `json:"proposed_terms"`
	ProposerAttestations *Attestations `json:"proposer_attestations,omitempty"`
	Counters             string        `json:"counters,omitempty"`
	Signature            string        `json:"signature"`
}

// Terms are the terms of an agreement.
type Terms struct {
	ScrollsShared         []string `json:"scrolls_shared"`
	VerificationFrequency string   `json:"verification_frequency"`
	RetentionPeriodDays   int      `json:"retention_period_days"`
	DataJurisdiction      string   `json:"data_jurisdiction,omitempty"`
	AuditRights           bool     `json:"audit_rights"`
	DisputeResolution     string   `json:"dispute_resolution,omitempty"`
}

// PartySignature is one party's signature of an agreement.
type PartySignature struct {
	SignedAt  Time   `json:"signed_at"`
	Signature string `json:"signature"`
}

// Agreement is a trust agreement both parties signed. Its canonical form
// ([Agreement.Marshal]) is what both parties store, byte for byte.
type Agreement struct {
	AgreementID   string                    `json:"agreement_id"`
	ProposalID    string                    `json:"proposal_id"`
	Parties       []string                  `json:"parties"`
	EstablishedAt Time                      `json:"established_at"`
	TrustLevel    Level                     `json:"trust_level"`
	Terms         Terms                     `json:"terms"`
	KeyExchange   map[string]string         `json:"key_exchange"`
	Signatures    map[string]PartySignature `json:"signatures"`
	AgreementHash string                    `json:"agreement_hash"`
}

// Discrepancy is one thing a witness found wrong.
type Discrepancy struct {
	// Kind is "fork", "inconsistent", "anchor", "sample" or "unreachable".
	Kind   string `json:"kind"`
	Index  uint64 `json:"index,omitempty"`
	Detail string `json:"detail"`
}

// Verification results of a [WitnessReceipt].
const (
	ResultVerified      = "verified"       // checkpoint consistent, anchor and samples verified, cosigned
	ResultForkDetected  = "fork_detected"  // two roots at one size, or a failed consistency proof
	ResultAnchorInvalid = "anchor_invalid" // the anchor proof did not verify
	ResultSampleFailed  = "sample_failed"  // a sampled record's inclusion proof did not verify
	ResultUnreachable   = "unreachable"    // the witnessed mesh's scroll could not be read
	ResultSuperseded    = "superseded"     // the witness already cosigned a larger checkpoint
)

// WitnessReceipt is a mesh's signed statement about a peer's scroll
// checkpoint. When VerificationResult is "verified" it carries the
// witness's c2sp.org/tlog-cosignature of the checkpoint.
type WitnessReceipt struct {
	Type               string                  `json:"type"`
	WitnessID          string                  `json:"witness_id"`
	AgreementID        string                  `json:"agreement_id"`
	WitnessedMesh      string                  `json:"witnessed_mesh"`
	WitnessingMesh     string                  `json:"witnessing_mesh"`
	Timestamp          Time                    `json:"timestamp"`
	Scroll             string                  `json:"scroll"`
	WitnessedSize      uint64                  `json:"witnessed_size"`
	WitnessedRoot      string                  `json:"witnessed_root"`
	WitnessedAnchor    *checkpoint.AnchorProof `json:"witnessed_anchor,omitempty"`
	VerificationMethod string                  `json:"verification_method"`
	VerificationResult string                  `json:"verification_result"`
	SamplesChecked     int                     `json:"samples_checked"`
	Discrepancies      []Discrepancy           `json:"discrepancies"`
	Cosignature        string                  `json:"cosignature,omitempty"`
	WitnessSignature   string                  `json:"witness_signature"`
}

// CrossAnchor is a mesh's signed statement that it anchored another mesh's
// scroll roots, combined into one root, at an anchoring backend.
// RootsIncluded is written under "<name>_roots_included", where <name> is
// [MeshName] of the anchored mesh.
type CrossAnchor struct {
	Type          string
	AnchoringMesh string
	AnchoredMesh  string
	AgreementID   string
	Timestamp     Time
	RootsIncluded map[string]ScrollRoot
	CombinedRoot  string
	AnchorProof   *checkpoint.AnchorProof
	Signature     string
}

// ScrollRoot is a scroll's tree size and RFC 6962 root ("sha256:<hex>").
type ScrollRoot struct {
	Size uint64 `json:"size"`
	Root string `json:"root"`
}

// MeshName returns the short name of a mesh used in key_exchange and
// *_roots_included member names: the last ":"-separated part of its ID,
// and of that the part after the last "-" ("did:vm:mesh:vaultmesh-dublin"
// is "dublin").
func MeshName(meshID string) string {
	s := meshID[strings.LastIndex(meshID, ":")+1:]
	return s[strings.LastIndex(s, "-")+1:]
}

// encodeSig writes a signature in multibase base64url ("u" prefix).
func encodeSig(sig []byte) string { return "u" + base64.RawURLEncoding.EncodeToString(sig) }

// verifySig checks an Ed25519 signature in multibase base64url form.
func verifySig(pub ed25519.PublicKey, domain string, body []byte, sig string) error {
	enc, ok := strings.CutPrefix(sig, "u")
	raw, err := strictb64.RawURL(enc)
	if !ok || err != nil || len(raw) != ed25519.SignatureSize {
		return fmt.Errorf("%w: signature %.16q is not multibase base64url of 64 bytes", ErrMalformed, sig)
	}
	if !ed25519.Verify(pub, signedMessage(domain, body), raw) {
		return fmt.Errorf("%w: %s", ErrBadSignature, domain)
	}
	return nil
}

func sign(key ed25519.PrivateKey, domain string, body []byte) string {
	return encodeSig(ed25519.Sign(key, signedMessage(domain, body)))
}

// signedMessage is what a signature covers: the domain, a newline, and the
// canonical bytes.
func signedMessage(domain string, body []byte) []byte {
	m := make([]byte, 0, len(domain)+1+len(body))
	m = append(m, domain...)
	m = append(m, '\n')
	return append(m, body...)
}

// canonicalWithout returns the RFC 8785 form of the JSON object raw with
// the named top-level members removed.
func canonicalWithout(raw []byte, drop ...string) ([]byte, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	for _, d := range drop {
		delete(m, d)
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return jcs.Canonicalize(b)
}

// canonical returns the RFC 8785 form of v's JSON encoding.
func canonical(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // records always marshal
	}
	c, err := jcs.Canonicalize(b)
	if err != nil {
		panic(err)
	}
	return c
}

// decode parses a record strictly (package internal/strictjson: I-JSON,
// no duplicate or unknown members, no trailing data, bounded size).
func decode(data []byte, v any) error {
	if err := strictjson.Unmarshal(data, v, strictjson.MaxSize(maxRecord)); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return nil
}

// checkID refuses identifiers that are empty, long, or not printable ASCII
// without spaces, slashes or quotes.
func checkID(what, s string) error {
	if s == "" || len(s) > 200 || strings.ContainsFunc(s, func(r rune) bool {
		return r <= ' ' || r >= 0x7f || r == '/' || r == '"' || r == '\\' || r == '?' || r == '#' || r == '%'
	}) {
		return fmt.Errorf("%w: %s %.60q is empty, over 200 bytes, or has spaces or /\"\\?#%%", ErrMalformed, what, s)
	}
	return nil
}

// checkMeshID refuses mesh IDs other than did:vm:mesh:<id>.
func checkMeshID(what, s string) error {
	rest, ok := strings.CutPrefix(s, "did:vm:mesh:")
	if !ok || checkID(what, rest) != nil || strings.Contains(rest, ":") || MeshName(s) == "" {
		return fmt.Errorf("%w: %s %.80q is not did:vm:mesh:<name>", ErrMalformed, what, s)
	}
	return nil
}

// checkScrolls refuses empty, duplicate or badly named scroll lists.
func checkScrolls(what string, scrolls []string, allowEmpty bool) error {
	if len(scrolls) == 0 && !allowEmpty {
		return fmt.Errorf("%w: %s is empty", ErrMalformed, what)
	}
	for i, s := range scrolls {
		if err := checkID(what, s); err != nil {
			return err
		}
		if slices.Contains(scrolls[:i], s) {
			return fmt.Errorf("%w: %s lists %q twice", ErrMalformed, what, s)
		}
	}
	return nil
}

func checkText(what, s string) error {
	if len(s) > 1000 || !utf8.ValidString(s) {
		return fmt.Errorf("%w: %s is over 1000 bytes or not UTF-8", ErrMalformed, what)
	}
	return nil
}

// frequencies maps verification_frequency values to their periods.
var frequencies = map[string]time.Duration{
	"continuous": 5 * time.Minute,
	"hourly":     time.Hour,
	"daily":      24 * time.Hour,
	"weekly":     7 * 24 * time.Hour,
}

// Frequency returns the period of a verification_frequency value:
// "continuous" (5 minutes), "hourly", "daily" or "weekly".
func Frequency(s string) (time.Duration, error) {
	d, ok := frequencies[s]
	if !ok {
		return 0, fmt.Errorf("%w: verification_frequency %q, want continuous, hourly, daily or weekly", ErrMalformed, s)
	}
	return d, nil
}

func checkTerms(scrolls []string, freq string, days int, jur, dispute string) error {
	if err := checkScrolls("scrolls", scrolls, false); err != nil {
		return err
	}
	if _, err := Frequency(freq); err != nil {
		return err
	}
	if days < 1 || days > 36500 {
		return fmt.Errorf("%w: retention_period_days %d, want 1 to 36500", ErrMalformed, days)
	}
	if err := checkText("data_jurisdiction", jur); err != nil {
		return err
	}
	return checkText("dispute_resolution", dispute)
}

func pubKey(s string) (ed25519.PublicKey, error) {
	if !strings.HasPrefix(s, envelope.PrefixEd25519+"z") {
		return nil, fmt.Errorf("%w: key %.60q is not ed25519:z<base58>", ErrMalformed, s)
	}
	k, err := envelope.ParseEd25519PublicKey(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if envelope.FormatEd25519PublicKey(k) != s {
		return nil, fmt.Errorf("%w: key %.60q is not in canonical form", ErrMalformed, s)
	}
	return k, nil
}
