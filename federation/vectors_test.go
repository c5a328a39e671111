package federation

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/envelope"
	"github.com/accordsdk/accord/internal/jcs"
)

var update = flag.Bool("update", false, "rewrite testdata/vectors.json")

// vector is one signed record: the record's bytes, the key that signed it,
// and the exact message the signature covers.
type vector struct {
	Desc   string `json:"desc"`
	Kind   string `json:"kind"` // discovery, proposal, agreement, receipt, cross_anchor
	Record string `json:"record"`
	Key    string `json:"key"` // the signer's ed25519:z6Mk... key
	// Party names whose signature the message is, for agreements.
	Party string `json:"party,omitempty"`
	// Message is the hex of the bytes the signature covers.
	Message string `json:"message,omitempty"`
	// Signature is the hex of the Ed25519 signature.
	Signature string `json:"signature,omitempty"`
	WantErr   string `json:"wantErr,omitempty"`
	// For the witness receipt: the witnessed scroll's records and the
	// checkpoint of them that the witnessed mesh signed (a C2SP signed note
	// by the witnessed mesh's key), which the receipt's cosignature line
	// cosigns.
	Records    []string `json:"records,omitempty"`
	Checkpoint string   `json:"checkpoint,omitempty"`
}

var vectorTime = time.Date(2025, 12, 6, 10, 0, 0, 0, time.UTC)

// makeVectors builds the vectors with fixed keys and times.
func makeVectors(t *testing.T) []vector {
	dk, bk := testKey(1), testKey(2)
	dpub := envelope.FormatEd25519PublicKey(dk.Public().(ed25519.PublicKey))
	bpub := envelope.FormatEd25519PublicKey(bk.Public().(ed25519.PublicKey))
	var out []vector

	disc, err := SignDiscovery(DiscoveryRecord{MeshID: dublinID, DisplayName: "VaultMesh Dublin",
		Endpoints: Endpoints{Federation: "https://federation.vaultmesh-dublin.example"}, PublicKey: dpub,
		ScrollsAvailable: []string{"Compliance", "Drills"}, TrustPolicy: TrustPolicy{AcceptsProposals: true, MinTrustLevel: Observe, RequiresMutual: true},
		IssuedAt: T(vectorTime), ExpiresAt: T(vectorTime.Add(24 * time.Hour))}, dk)
	require.NoError(t, err)
	out = append(out, vector{Desc: "discovery record", Kind: "discovery", Record: string(disc), Key: dpub})

	prop, err := SignProposal(Proposal{ProposalID: "fed-proposal-2025-12-06-001", Proposer: dublinID, Target: berlinID,
		ProposedAt: T(vectorTime), ExpiresAt: T(vectorTime.Add(7 * 24 * time.Hour)), ProposedTrustLevel: Verify,
		ProposedTerms:        ProposedTerms{ScrollsToShare: []string{"Compliance"}, VerificationFrequency: "hourly", RetentionPeriodDays: 365, DataJurisdiction: "EU", AuditRights: true},
		ProposerAttestations: &Attestations{IdentityProof: "...", ComplianceCredentials: []string{"ISO27001", "SOC2"}}}, dk)
	require.NoError(t, err)
	out = append(out, vector{Desc: "proposal", Kind: "proposal", Record: string(prop), Key: dpub})

	p, err := ParseProposal(prop)
	require.NoError(t, err)
	a, err := AgreementFor(p, "fed-agreement-2025-12-06-001", dpub, bpub, vectorTime.Add(6*time.Hour))
	require.NoError(t, err)
	require.NoError(t, a.SignAgreement(berlinID, bk, vectorTime.Add(6*time.Hour)))
	require.NoError(t, a.SignAgreement(dublinID, dk, vectorTime.Add(6*time.Hour+30*time.Minute)))
	agr := a.Marshal()
	out = append(out, vector{Desc: "agreement, berlin's signature", Kind: "agreement", Record: string(agr), Key: bpub, Party: berlinID},
		vector{Desc: "agreement, dublin's signature", Kind: "agreement", Record: string(agr), Key: dpub, Party: dublinID})

	// The witnessed scroll: three records, the RFC 6962 root over them, the
	// checkpoint dublin signs and berlin's witness cosignature on it.
	records := []string{"record 0", "record 1", "record 2"}
	leaf := func(r string) tlog.Hash { return sha256.Sum256(append([]byte{0}, r...)) }
	node := func(l, r tlog.Hash) tlog.Hash { return sha256.Sum256(append(append([]byte{1}, l[:]...), r[:]...)) }
	root := node(node(leaf(records[0]), leaf(records[1])), leaf(records[2]))
	csigner, err := checkpoint.NewSigner(OriginOf(dublinID, "Compliance"), dk)
	require.NoError(t, err)
	signedCP, err := checkpoint.Sign(checkpoint.Checkpoint{Origin: OriginOf(dublinID, "Compliance"), Size: 3, Hash: root}, csigner)
	require.NoError(t, err)
	cosigner, err := checkpoint.NewCosigner(WitnessNameOf(berlinID), bk)
	require.NoError(t, err)
	cosigned, err := cosigner.Cosign(signedCP, csigner.Verifier(), vectorTime.Add(7*time.Hour))
	require.NoError(t, err)
	cosLine := string(cosigned[len(signedCP):])
	witnessedRoot := "sha256:" + hex.EncodeToString(root[:])

	rec, err := SignReceipt(WitnessReceipt{WitnessID: "fed-witness-berlin-2025-12-06-001", AgreementID: a.AgreementID,
		WitnessedMesh: dublinID, WitnessingMesh: berlinID, Timestamp: T(vectorTime.Add(7 * time.Hour)), Scroll: "Compliance",
		WitnessedSize: 3, WitnessedRoot: witnessedRoot,
		WitnessedAnchor:    &checkpoint.AnchorProof{Backend: "ethereum", Chain: "eip155:1337", TxHash: "0x" + strings.Repeat("ab", 32), BlockNumber: 12345678, BlockHash: "0x" + strings.Repeat("cd", 32)},
		VerificationMethod: "anchor_proof_validation+consistency_proof+inclusion_samples", VerificationResult: ResultVerified, SamplesChecked: 3,
		Cosignature: cosLine}, bk)
	require.NoError(t, err)
	out = append(out, vector{Desc: "witness receipt", Kind: "receipt", Record: string(rec), Key: bpub, Records: records, Checkpoint: string(signedCP)})

	ca, err := SignCrossAnchor(CrossAnchor{AnchoringMesh: berlinID, AnchoredMesh: dublinID, AgreementID: a.AgreementID, Timestamp: T(vectorTime.Add(8 * time.Hour)),
		RootsIncluded: map[string]ScrollRoot{"Compliance": {Size: 3, Root: witnessedRoot}},
		AnchorProof:   &checkpoint.AnchorProof{Backend: "ethereum", Chain: "eip155:1337", TxHash: "0x" + strings.Repeat("ef", 32), BlockNumber: 12345680, BlockHash: "0x" + strings.Repeat("01", 32)}}, bk)
	require.NoError(t, err)
	out = append(out, vector{Desc: "cross anchor", Kind: "cross_anchor", Record: string(ca), Key: bpub})

	// Fill in the signed messages and signatures from the records.
	for i := range out {
		msg, sig := signedParts(t, out[i])
		out[i].Message, out[i].Signature = hex.EncodeToString(msg), hex.EncodeToString(sig)
	}
	// Negative vectors.
	tampered := strings.Replace(string(agr), `"retention_period_days":365`, `"retention_period_days":366`, 1)
	out = append(out,
		vector{Desc: "agreement with tampered terms", Kind: "agreement", Record: tampered, Key: bpub, Party: berlinID, WantErr: "hash mismatch"},
		vector{Desc: "proposal verified with another key", Kind: "proposal", Record: string(prop), Key: bpub, WantErr: "bad signature"},
		vector{Desc: "receipt with a changed sample count", Kind: "receipt", Record: strings.Replace(string(rec), `"samples_checked":3`, `"samples_checked":30`, 1), Key: bpub, WantErr: "bad signature"},
		vector{Desc: "cross anchor with a changed root", Kind: "cross_anchor", Record: strings.Replace(string(ca), `"size":3`, `"size":4`, 1), Key: bpub, WantErr: "hash mismatch"},
		vector{Desc: "discovery record with a duplicated member", Kind: "discovery", Record: strings.Replace(string(disc), `{"attestations":[]`, `{"attestations":[],"attestations":[]`, 1), Key: dpub, WantErr: "malformed"},
	)
	return out
}

// signedParts recomputes, independently of the signing code, the message a
// vector's signature covers: the domain line, then the RFC 8785 form of the
// record without its signature members; and extracts the signature.
func signedParts(t *testing.T, v vector) (msg, sig []byte) {
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(v.Record), &m))
	sigOf := func(s any) []byte {
		str, _ := s.(string)
		b, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(str, "u"))
		require.NoError(t, err)
		return b
	}
	domains := map[string]string{"discovery": "accord-federation/v1 discovery", "proposal": "accord-federation/v1 proposal",
		"receipt": "accord-federation/v1 fed_witness_event", "cross_anchor": "accord-federation/v1 fed_cross_anchor"}
	switch v.Kind {
	case "agreement":
		ps := m["signatures"].(map[string]any)[v.Party].(map[string]any)
		delete(m, "signatures")
		hash := m["agreement_hash"].(string)
		return []byte("accord-federation/v1 agreement\n" + hash + "\n" + v.Party + "\n" + ps["signed_at"].(string) + "\n"), sigOf(ps["signature"])
	case "receipt":
		sig = sigOf(m["witness_signature"])
		delete(m, "witness_signature")
	default:
		sig = sigOf(m["signature"])
		delete(m, "signature")
	}
	b, _ := json.Marshal(m)
	c, err := jcs.Canonicalize(b)
	require.NoError(t, err)
	return append([]byte(domains[v.Kind]+"\n"), c...), sig
}

func TestVectors(t *testing.T) {
	path := filepath.Join("testdata", "vectors.json")
	if *update {
		b, err := json.MarshalIndent(makeVectors(t), "", "  ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(path, append(b, '\n'), 0o644))
	}
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var vs []vector
	require.NoError(t, json.Unmarshal(b, &vs))
	require.GreaterOrEqual(t, len(vs), 10)
	for _, v := range vs {
		t.Run(v.Desc, func(t *testing.T) {
			var err error
			switch v.Kind {
			case "discovery":
				_, err = VerifyDiscovery([]byte(v.Record), v.Key, vectorTime.Add(time.Hour))
			case "proposal":
				_, err = VerifyProposal([]byte(v.Record), v.Key, vectorTime.Add(time.Hour))
			case "agreement":
				_, err = VerifyAgreement([]byte(v.Record), v.Party)
			case "receipt":
				_, err = VerifyReceipt([]byte(v.Record), v.Key)
			case "cross_anchor":
				_, err = VerifyCrossAnchor([]byte(v.Record), v.Key)
			default:
				t.Fatalf("kind %q", v.Kind)
			}
			if v.WantErr != "" {
				require.Error(t, err)
				require.Contains(t, err.Error(), v.WantErr)
				return
			}
			require.NoError(t, err)
			// The stored message is what the signature covers, and it is
			// what the record's bytes say it is.
			msg, sig := signedParts(t, v)
			require.Equal(t, v.Message, hex.EncodeToString(msg))
			require.Equal(t, v.Signature, hex.EncodeToString(sig))
			pub, err := envelope.ParseEd25519PublicKey(v.Key)
			require.NoError(t, err)
			require.True(t, ed25519.Verify(pub, msg, sig))
			if v.Kind == "receipt" {
				checkWitnessedCheckpoint(t, v)
			}
			// The record is stored canonically.
			c, err := jcs.Canonicalize([]byte(v.Record))
			require.NoError(t, err)
			require.Equal(t, v.Record, string(c))
		})
	}
	// Regenerating gives the same bytes (keys, times and Ed25519 are
	// deterministic), so the vectors pin the encoders too.
	require.Equal(t, vs, makeVectors(t))
}

// checkWitnessedCheckpoint checks a receipt vector's witnessed checkpoint
// without the code that made it: the root is the RFC 6962 tree hash of the
// records (golang.org/x/mod/sumdb/tlog), the checkpoint is signed by the
// witnessed mesh's scroll key, and the receipt's cosignature line, appended
// to it, verifies as the witnessing mesh's witness cosignature.
func checkWitnessedCheckpoint(t *testing.T, v vector) {
	var r WitnessReceipt
	require.NoError(t, json.Unmarshal([]byte(v.Record), &r))
	var hashes []tlog.Hash
	reader := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for j, x := range idx {
			out[j] = hashes[x]
		}
		return out, nil
	})
	for i, rec := range v.Records {
		hs, err := tlog.StoredHashes(int64(i), []byte(rec), reader)
		require.NoError(t, err)
		hashes = append(hashes, hs...)
	}
	root, err := tlog.TreeHash(int64(len(v.Records)), reader)
	require.NoError(t, err)
	require.Equal(t, "sha256:"+hex.EncodeToString(root[:]), r.WitnessedRoot)
	require.Equal(t, uint64(len(v.Records)), r.WitnessedSize)

	logSigner, err := checkpoint.NewSigner(OriginOf(r.WitnessedMesh, r.Scroll), testKey(1))
	require.NoError(t, err)
	cosigner, err := checkpoint.NewCosigner(WitnessNameOf(r.WitnessingMesh), testKey(2))
	require.NoError(t, err)
	cp, cos, err := checkpoint.VerifyCosigned([]byte(v.Checkpoint+r.Cosignature), logSigner.Verifier(), []note.Verifier{cosigner.Verifier()}, 1)
	require.NoError(t, err)
	require.Equal(t, root, cp.Hash)
	require.Len(t, cos, 1)
}
