package federation

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/envelope"
	"github.com/accordsdk/accord/internal/strictjson"
)

// --- discovery ---

// SignDiscovery signs d with key, whose public key must be d.PublicKey, and
// returns the record's JSON (canonical).
func SignDiscovery(d DiscoveryRecord, key ed25519.PrivateKey) ([]byte, error) {
	d.Signature = ""
	if envelope.FormatEd25519PublicKey(key.Public().(ed25519.PublicKey)) != d.PublicKey {
		return nil, fmt.Errorf("%w: signing key is not the record's public_key", ErrMalformed)
	}
	if d.Attestations == nil {
		d.Attestations = []string{}
	}
	if err := d.check(); err != nil {
		return nil, err
	}
	body, _ := canonicalWithout(canonical(d), "signature")
	d.Signature = sign(key, domainDiscovery, body)
	return canonical(d), nil
}

func (d *DiscoveryRecord) check() error {
	if err := checkMeshID("mesh_id", d.MeshID); err != nil {
		return err
	}
	if err := checkText("display_name", d.DisplayName); err != nil {
		return err
	}
	if _, err := pubKey(d.PublicKey); err != nil {
		return err
	}
	if err := checkScrolls("scrolls_available", d.ScrollsAvailable, true); err != nil {
		return err
	}
	if !d.TrustPolicy.MinTrustLevel.Valid() {
		return fmt.Errorf("%w: min_trust_level %d", ErrMalformed, d.TrustPolicy.MinTrustLevel)
	}
	if !d.ExpiresAt.After(d.IssuedAt.Time) {
		return fmt.Errorf("%w: discovery record expires at %v, not after it is issued at %v", ErrMalformed, d.ExpiresAt, d.IssuedAt)
	}
	return nil
}

// ParseDiscovery decodes a discovery record strictly, without verifying it.
func ParseDiscovery(data []byte) (*DiscoveryRecord, error) {
	var d DiscoveryRecord
	if err := decode(data, &d); err != nil {
		return nil, fmt.Errorf("discovery record: %w", err)
	}
	if err := d.check(); err != nil {
		return nil, fmt.Errorf("discovery record: %w", err)
	}
	return &d, nil
}

// VerifyDiscovery decodes a discovery record and checks that the key the
// caller already trusts for the mesh signed it, that it names that key, and
// that it is valid at now.
func VerifyDiscovery(data []byte, trustedKey string, now time.Time) (*DiscoveryRecord, error) {
	d, err := ParseDiscovery(data)
	if err != nil {
		return nil, err
	}
	if d.PublicKey != trustedKey {
		return nil, fmt.Errorf("%w: discovery record of %s names key %.30s…, trusted key is %.30s…", ErrUnknownMesh, d.MeshID, d.PublicKey, trustedKey)
	}
	pub, _ := pubKey(d.PublicKey)
	body, err := canonicalWithout(data, "signature")
	if err != nil {
		return nil, err
	}
	if err := verifySig(pub, domainDiscovery, body, d.Signature); err != nil {
		return nil, fmt.Errorf("discovery record of %s: %w", d.MeshID, err)
	}
	if now.Before(d.IssuedAt.Time) || !now.Before(d.ExpiresAt.Time) {
		return nil, fmt.Errorf("%w: discovery record of %s valid from %v until %v, now %v", ErrExpired, d.MeshID, d.IssuedAt, d.ExpiresAt, now.UTC())
	}
	return d, nil
}

// --- proposals ---

func (p *Proposal) check() error {
	if err := checkID("proposal_id", p.ProposalID); err != nil {
		return err
	}
	if err := checkMeshID("proposer", p.Proposer); err != nil {
		return err
	}
	if err := checkMeshID("target", p.Target); err != nil {
		return err
	}
	if p.Proposer == p.Target || MeshName(p.Proposer) == MeshName(p.Target) {
		return fmt.Errorf("%w: proposer and target %s have one name", ErrMalformed, p.Proposer)
	}
	if !p.ExpiresAt.After(p.ProposedAt.Time) {
		return fmt.Errorf("%w: proposal expires at %v, not after %v", ErrMalformed, p.ExpiresAt, p.ProposedAt)
	}
	if p.ProposedTrustLevel < Observe || !p.ProposedTrustLevel.Valid() {
		return fmt.Errorf("%w: proposed_trust_level %d, want 1 to 4", ErrMalformed, p.ProposedTrustLevel)
	}
	t := p.ProposedTerms
	if err := checkTerms(t.ScrollsToShare, t.VerificationFrequency, t.RetentionPeriodDays, t.DataJurisdiction, t.DisputeResolution); err != nil {
		return err
	}
	if p.Counters != "" {
		return checkID("counters", p.Counters)
	}
	return nil
}

// SignProposal signs p with the proposer's key and returns its JSON.
func SignProposal(p Proposal, key ed25519.PrivateKey) ([]byte, error) {
	p.Signature = ""
	if err := p.check(); err != nil {
		return nil, err
	}
	body, _ := canonicalWithout(canonical(p), "signature")
	p.Signature = sign(key, domainProposal, body)
	return canonical(p), nil
}

// ParseProposal decodes a proposal strictly, without verifying it.
func ParseProposal(data []byte) (*Proposal, error) {
	var p Proposal
	if err := decode(data, &p); err != nil {
		return nil, fmt.Errorf("proposal: %w", err)
	}
	if err := p.check(); err != nil {
		return nil, fmt.Errorf("proposal: %w", err)
	}
	return &p, nil
}

// VerifyProposal decodes a proposal and checks the proposer's signature
// with its key (ed25519:z6Mk...) and that it has not expired at now.
func VerifyProposal(data []byte, proposerKey string, now time.Time) (*Proposal, error) {
	p, err := ParseProposal(data)
	if err != nil {
		return nil, err
	}
	pub, err := pubKey(proposerKey)
	if err != nil {
		return nil, err
	}
	body, err := canonicalWithout(data, "signature")
	if err != nil {
		return nil, err
	}
	if err := verifySig(pub, domainProposal, body, p.Signature); err != nil {
		return nil, fmt.Errorf("proposal %s: %w", p.ProposalID, err)
	}
	if !now.Before(p.ExpiresAt.Time) {
		return nil, fmt.Errorf("%w: proposal %s expired at %v", ErrExpired, p.ProposalID, p.ExpiresAt)
	}
	return p, nil
}

// --- agreements ---

// AgreementFor builds the unsigned agreement that accepts proposal p,
// established at now, with the parties' federation keys.
func AgreementFor(p *Proposal, id string, proposerKey, targetKey string, now time.Time) (*Agreement, error) {
	t := p.ProposedTerms
	a := &Agreement{
		AgreementID:   id,
		ProposalID:    p.ProposalID,
		Parties:       []string{p.Proposer, p.Target},
		EstablishedAt: T(now),
		TrustLevel:    p.ProposedTrustLevel,
		Terms: Terms{
			ScrollsShared:         slices.Clone(t.ScrollsToShare),
			VerificationFrequency: t.VerificationFrequency,
			RetentionPeriodDays:   t.RetentionPeriodDays,
			DataJurisdiction:      t.DataJurisdiction,
			AuditRights:           t.AuditRights,
			DisputeResolution:     t.DisputeResolution,
		},
		KeyExchange: map[string]string{
			MeshName(p.Proposer) + "_federation_key": proposerKey,
			MeshName(p.Target) + "_federation_key":   targetKey,
		},
		Signatures: map[string]PartySignature{},
	}
	if err := a.checkBody(); err != nil {
		return nil, err
	}
	a.AgreementHash = a.Hash().String()
	return a, nil
}

func (a *Agreement) checkBody() error {
	if err := checkID("agreement_id", a.AgreementID); err != nil {
		return err
	}
	if err := checkID("proposal_id", a.ProposalID); err != nil {
		return err
	}
	if len(a.Parties) != 2 {
		return fmt.Errorf("%w: %d parties, want 2", ErrMalformed, len(a.Parties))
	}
	for _, p := range a.Parties {
		if err := checkMeshID("party", p); err != nil {
			return err
		}
	}
	if MeshName(a.Parties[0]) == MeshName(a.Parties[1]) {
		return fmt.Errorf("%w: parties %s and %s have one name", ErrMalformed, a.Parties[0], a.Parties[1])
	}
	if a.TrustLevel < Observe || !a.TrustLevel.Valid() {
		return fmt.Errorf("%w: trust_level %d, want 1 to 4", ErrMalformed, a.TrustLevel)
	}
	t := a.Terms
	if err := checkTerms(t.ScrollsShared, t.VerificationFrequency, t.RetentionPeriodDays, t.DataJurisdiction, t.DisputeResolution); err != nil {
		return err
	}
	if len(a.KeyExchange) != 2 {
		return fmt.Errorf("%w: key_exchange has %d keys, want 2", ErrMalformed, len(a.KeyExchange))
	}
	for _, p := range a.Parties {
		if _, err := a.Key(p); err != nil {
			return err
		}
	}
	return nil
}

// Key returns a party's federation key from key_exchange.
func (a *Agreement) Key(party string) (string, error) {
	if !slices.Contains(a.Parties, party) {
		return "", fmt.Errorf("%w: %s is not a party to %s", ErrNotParty, party, a.AgreementID)
	}
	k, ok := a.KeyExchange[MeshName(party)+"_federation_key"]
	if !ok {
		return "", fmt.Errorf("%w: key_exchange has no %s_federation_key", ErrMalformed, MeshName(party))
	}
	if _, err := pubKey(k); err != nil {
		return "", err
	}
	return k, nil
}

// Peer returns the other party.
func (a *Agreement) Peer(self string) string {
	if a.Parties[0] == self {
		return a.Parties[1]
	}
	return a.Parties[0]
}

// Hash returns the agreement hash: BLAKE3-256 of the canonical agreement
// without "signatures" and "agreement_hash".
func (a *Agreement) Hash() envelope.Digest {
	body, _ := canonicalWithout(canonical(a), "signatures", "agreement_hash")
	return envelope.Blake3(body)
}

// Marshal returns the agreement's canonical JSON, the bytes both parties
// store.
func (a *Agreement) Marshal() []byte { return canonical(a) }

// agreementSigMessage is what a party's signature covers.
func agreementSigMessage(hash, party string, at Time) []byte {
	b, _ := at.MarshalJSON()
	return []byte(hash + "\n" + party + "\n" + string(b[1:len(b)-1]) + "\n")
}

// SignAgreement adds party's signature, made with key at now.
func (a *Agreement) SignAgreement(party string, key ed25519.PrivateKey, now time.Time) error {
	want, err := a.Key(party)
	if err != nil {
		return err
	}
	if envelope.FormatEd25519PublicKey(key.Public().(ed25519.PublicKey)) != want {
		return fmt.Errorf("%w: signing key is not %s's key in key_exchange", ErrNotParty, party)
	}
	at := T(now)
	if a.Signatures == nil {
		a.Signatures = map[string]PartySignature{}
	}
	a.Signatures[party] = PartySignature{SignedAt: at, Signature: sign(key, domainAgreementSig, agreementSigMessage(a.AgreementHash, party, at))}
	return nil
}

// ParseAgreement decodes an agreement strictly, checks that it is in
// canonical form and that agreement_hash matches its contents, without
// verifying signatures.
func ParseAgreement(data []byte) (*Agreement, error) {
	var a Agreement
	if err := decode(data, &a); err != nil {
		return nil, fmt.Errorf("agreement: %w", err)
	}
	if err := a.checkBody(); err != nil {
		return nil, fmt.Errorf("agreement: %w", err)
	}
	body, err := canonicalWithout(data, "signatures", "agreement_hash")
	if err != nil {
		return nil, err
	}
	if got := envelope.Blake3(body).String(); got != a.AgreementHash {
		return nil, fmt.Errorf("%w: agreement %s: agreement_hash %s, contents hash to %s", ErrHashMismatch, a.AgreementID, a.AgreementHash, got)
	}
	for party := range a.Signatures {
		if !slices.Contains(a.Parties, party) {
			return nil, fmt.Errorf("%w: agreement %s signed by %s", ErrNotParty, a.AgreementID, party)
		}
	}
	return &a, nil
}

// VerifyAgreement decodes an agreement and verifies that every party named
// in want signed it with its key in key_exchange; with want nil, both
// parties must have signed. It returns the agreement.
func VerifyAgreement(data []byte, want ...string) (*Agreement, error) {
	a, err := ParseAgreement(data)
	if err != nil {
		return nil, err
	}
	if want == nil {
		want = a.Parties
	}
	for _, party := range slices.Sorted(maps.Keys(a.Signatures)) {
		k, _ := a.Key(party)
		pub, _ := pubKey(k)
		s := a.Signatures[party]
		if err := verifySig(pub, domainAgreementSig, agreementSigMessage(a.AgreementHash, party, s.SignedAt), s.Signature); err != nil {
			return nil, fmt.Errorf("agreement %s, signature of %s: %w", a.AgreementID, party, err)
		}
	}
	for _, party := range want {
		if _, ok := a.Signatures[party]; !ok {
			return nil, fmt.Errorf("%w: agreement %s not signed by %s", ErrUnsigned, a.AgreementID, party)
		}
	}
	return a, nil
}

// --- witness receipts ---

// SignReceipt signs r with the witnessing mesh's key and returns its JSON.
func SignReceipt(r WitnessReceipt, key ed25519.PrivateKey) ([]byte, error) {
	r.Type = TypeWitnessEvent
	r.WitnessSignature = ""
	if r.Discrepancies == nil {
		r.Discrepancies = []Discrepancy{}
	}
	if err := r.check(); err != nil {
		return nil, err
	}
	body, _ := canonicalWithout(canonical(r), "witness_signature")
	r.WitnessSignature = sign(key, domainReceipt, body)
	return canonical(r), nil
}

func (r *WitnessReceipt) check() error {
	if r.Type != TypeWitnessEvent {
		return fmt.Errorf("%w: type %q, want %q", ErrMalformed, r.Type, TypeWitnessEvent)
	}
	for what, s := range map[string]string{"witness_id": r.WitnessID, "agreement_id": r.AgreementID, "scroll": r.Scroll} {
		if err := checkID(what, s); err != nil {
			return err
		}
	}
	if err := checkMeshID("witnessed_mesh", r.WitnessedMesh); err != nil {
		return err
	}
	if err := checkMeshID("witnessing_mesh", r.WitnessingMesh); err != nil {
		return err
	}
	if d, err := envelope.ParseDigest(r.WitnessedRoot); err != nil || d.Algorithm() != "sha256" {
		return fmt.Errorf("%w: witnessed_root %.80q is not sha256:<hex>", ErrMalformed, r.WitnessedRoot)
	}
	switch r.VerificationResult {
	case ResultVerified:
		if r.Cosignature == "" {
			return fmt.Errorf("%w: verified receipt without a cosignature", ErrMalformed)
		}
	case ResultForkDetected, ResultAnchorInvalid, ResultSampleFailed, ResultUnreachable, ResultSuperseded:
		if r.Cosignature != "" {
			return fmt.Errorf("%w: %s receipt with a cosignature", ErrMalformed, r.VerificationResult)
		}
	default:
		return fmt.Errorf("%w: verification_result %q", ErrMalformed, r.VerificationResult)
	}
	if r.SamplesChecked < 0 || len(r.Discrepancies) > 1000 {
		return fmt.Errorf("%w: samples_checked %d, %d discrepancies", ErrMalformed, r.SamplesChecked, len(r.Discrepancies))
	}
	return checkText("verification_method", r.VerificationMethod)
}

// ParseReceipt decodes a witness receipt strictly, without verifying it.
func ParseReceipt(data []byte) (*WitnessReceipt, error) {
	var r WitnessReceipt
	if err := decode(data, &r); err != nil {
		return nil, fmt.Errorf("witness receipt: %w", err)
	}
	if err := r.check(); err != nil {
		return nil, fmt.Errorf("witness receipt: %w", err)
	}
	return &r, nil
}

// VerifyReceipt decodes a witness receipt and checks the witnessing mesh's
// signature with its key.
func VerifyReceipt(data []byte, witnessKey string) (*WitnessReceipt, error) {
	r, err := ParseReceipt(data)
	if err != nil {
		return nil, err
	}
	pub, err := pubKey(witnessKey)
	if err != nil {
		return nil, err
	}
	body, err := canonicalWithout(data, "witness_signature")
	if err != nil {
		return nil, err
	}
	if err := verifySig(pub, domainReceipt, body, r.WitnessSignature); err != nil {
		return nil, fmt.Errorf("witness receipt %s: %w", r.WitnessID, err)
	}
	return r, nil
}

// --- cross anchors ---

func (c CrossAnchor) fields() map[string]any {
	m := map[string]any{
		"type":           c.Type,
		"anchoring_mesh": c.AnchoringMesh,
		"anchored_mesh":  c.AnchoredMesh,
		"agreement_id":   c.AgreementID,
		"timestamp":      c.Timestamp,
		MeshName(c.AnchoredMesh) + "_roots_included": c.RootsIncluded,
		"combined_root": c.CombinedRoot,
		"signature":     c.Signature,
	}
	if c.AnchorProof != nil {
		m["anchor_proof"] = c.AnchorProof
	}
	return m
}

// MarshalJSON writes the record with its "<name>_roots_included" member.
func (c CrossAnchor) MarshalJSON() ([]byte, error) { return json.Marshal(c.fields()) }

// UnmarshalJSON reads the record, refusing unknown members.
func (c *CrossAnchor) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	var x CrossAnchor
	var mesh string
	if err := json.Unmarshal(m["anchored_mesh"], &mesh); err != nil {
		return fmt.Errorf("anchored_mesh: %v", err)
	}
	rootsKey := MeshName(mesh) + "_roots_included"
	for k, v := range m {
		var err error
		switch k {
		case "type":
			err = json.Unmarshal(v, &x.Type)
		case "anchoring_mesh":
			err = json.Unmarshal(v, &x.AnchoringMesh)
		case "anchored_mesh":
			x.AnchoredMesh = mesh
		case "agreement_id":
			err = json.Unmarshal(v, &x.AgreementID)
		case "timestamp":
			err = json.Unmarshal(v, &x.Timestamp)
		case rootsKey:
			err = strictInto(v, &x.RootsIncluded)
		case "combined_root":
			err = json.Unmarshal(v, &x.CombinedRoot)
		case "anchor_proof":
			x.AnchorProof = new(checkpoint.AnchorProof)
			err = strictInto(v, x.AnchorProof)
		case "signature":
			err = json.Unmarshal(v, &x.Signature)
		default:
			return fmt.Errorf("unknown member %q", k)
		}
		if err != nil {
			return fmt.Errorf("%s: %v", k, err)
		}
	}
	*c = x
	return nil
}

// strictInto decodes one member's value with unknown fields refused.
func strictInto(raw json.RawMessage, v any) error {
	return strictjson.Unmarshal(raw, v)
}

// Combined returns the combined root of a cross anchor: BLAKE3-256 of
// the canonical JSON object of its "anchoring_mesh", "anchored_mesh" and
// "<name>_roots_included" members.
func (c *CrossAnchor) Combined() envelope.Digest {
	return envelope.Blake3(canonical(map[string]any{
		"anchoring_mesh": c.AnchoringMesh,
		"anchored_mesh":  c.AnchoredMesh,
		MeshName(c.AnchoredMesh) + "_roots_included": c.RootsIncluded,
	}))
}

// Label returns the anchor label of a cross anchor:
// "fed_cross_anchor/<anchoring mesh>/<anchored mesh>".
func (c *CrossAnchor) Label() string {
	return "fed_cross_anchor/" + c.AnchoringMesh + "/" + c.AnchoredMesh
}

func (c *CrossAnchor) check() error {
	if c.Type != TypeCrossAnchor {
		return fmt.Errorf("%w: type %q, want %q", ErrMalformed, c.Type, TypeCrossAnchor)
	}
	if err := checkMeshID("anchoring_mesh", c.AnchoringMesh); err != nil {
		return err
	}
	if err := checkMeshID("anchored_mesh", c.AnchoredMesh); err != nil {
		return err
	}
	if MeshName(c.AnchoringMesh) == MeshName(c.AnchoredMesh) {
		return fmt.Errorf("%w: a mesh cross-anchors itself", ErrMalformed)
	}
	if err := checkID("agreement_id", c.AgreementID); err != nil {
		return err
	}
	if len(c.RootsIncluded) == 0 {
		return fmt.Errorf("%w: no %s_roots_included", ErrMalformed, MeshName(c.AnchoredMesh))
	}
	for s, r := range c.RootsIncluded {
		if err := checkID("scroll", s); err != nil {
			return err
		}
		if d, err := envelope.ParseDigest(r.Root); err != nil || d.Algorithm() != "sha256" {
			return fmt.Errorf("%w: root of %s %.80q is not sha256:<hex>", ErrMalformed, s, r.Root)
		}
	}
	if c.CombinedRoot != c.Combined().String() {
		return fmt.Errorf("%w: combined_root %s, roots combine to %s", ErrHashMismatch, c.CombinedRoot, c.Combined())
	}
	if c.AnchorProof == nil {
		return fmt.Errorf("%w: no anchor_proof", ErrMalformed)
	}
	return nil
}

// SignCrossAnchor fills in the type and combined root, signs c with the
// anchoring mesh's key and returns its JSON.
func SignCrossAnchor(c CrossAnchor, key ed25519.PrivateKey) ([]byte, error) {
	c.Type = TypeCrossAnchor
	c.Signature = ""
	c.CombinedRoot = c.Combined().String()
	if err := c.check(); err != nil {
		return nil, err
	}
	body, _ := canonicalWithout(canonical(c), "signature")
	c.Signature = sign(key, domainCrossAnchor, body)
	return canonical(c), nil
}

// ParseCrossAnchor decodes a cross anchor strictly and checks its combined
// root, without verifying the signature or the anchor.
func ParseCrossAnchor(data []byte) (*CrossAnchor, error) {
	var c CrossAnchor
	if err := decode(data, &c); err != nil {
		return nil, fmt.Errorf("cross anchor: %w", err)
	}
	if err := c.check(); err != nil {
		return nil, fmt.Errorf("cross anchor: %w", err)
	}
	return &c, nil
}

// VerifyCrossAnchor decodes a cross anchor and checks the anchoring mesh's
// signature with its key. The anchor itself is checked with an
// [checkpoint.Anchorer]: VerifyAnchor(combined root, [CrossAnchor.Label]).
func VerifyCrossAnchor(data []byte, anchoringKey string) (*CrossAnchor, error) {
	c, err := ParseCrossAnchor(data)
	if err != nil {
		return nil, err
	}
	pub, err := pubKey(anchoringKey)
	if err != nil {
		return nil, err
	}
	body, err := canonicalWithout(data, "signature")
	if err != nil {
		return nil, err
	}
	if err := verifySig(pub, domainCrossAnchor, body, c.Signature); err != nil {
		return nil, fmt.Errorf("cross anchor by %s: %w", c.AnchoringMesh, err)
	}
	return c, nil
}
