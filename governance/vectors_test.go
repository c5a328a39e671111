package governance

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gowebpki/jcs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/envelope"
)

var update = flag.Bool("update", false, "regenerate testdata/receipts.json, registry.json and genesis.json")

// receiptVector is one case of testdata/receipts.json.
type receiptVector struct {
	Desc         string `json:"desc"`
	Type         string `json:"type"`
	Signer       string `json:"signer"`   // the signing actor's key
	Envelope     string `json:"envelope"` // the receipt, byte for byte
	SigningBytes string `json:"signing_bytes,omitempty"`
	WantID       string `json:"want_id,omitempty"`
	WantErr      string `json:"wantErr,omitempty"`
}

var vectorErrors = map[string]error{
	"ErrMalformed":      ErrMalformed,
	"ErrBadSignature":   ErrBadSignature,
	"ErrAxiomImmutable": ErrAxiomImmutable,
}

const receiptVectors = "receipts.json"

// TestReceiptVectors checks every vector of testdata/receipts.json without
// the code that wrote it: the signing bytes are recomputed from the stored
// envelope with another RFC 8785 implementation (github.com/gowebpki/jcs),
// the signature is checked with bare crypto/ed25519, and only then is the
// payload decoded. Negative vectors must fail with their error.
func TestReceiptVectors(t *testing.T) {
	path := filepath.Join("testdata", receiptVectors)
	if *update {
		data, err := json.MarshalIndent(generateReceiptVectors(t), "", "  ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(path, append(data, '\n'), 0o644))
		data, err = json.MarshalIndent(map[string]any{"actors": testActors()}, "", "  ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join("testdata", "registry.json"), append(data, '\n'), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join("testdata", "genesis.json"), append(Genesis().Canonical(), '\n'), 0o644))
	}
	if *update {
		var vectors []receiptVector
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(data, &vectors))
		data, err = json.MarshalIndent(makeScrollVector(t, vectors), "", "  ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join("testdata", "scroll.json"), append(data, '\n'), 0o644))
	}
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var vectors []receiptVector
	require.NoError(t, json.Unmarshal(data, &vectors))
	seen := map[string]bool{}
	for _, v := range vectors {
		t.Run(v.Desc, func(t *testing.T) {
			if v.WantErr != "" {
				want, ok := vectorErrors[v.WantErr]
				require.True(t, ok, "unknown wantErr %s", v.WantErr)
				_, err := openReceipt(t, v)
				require.ErrorIs(t, err, want)
				return
			}
			seen[v.Type] = true
			// Signing bytes, recomputed independently.
			var m map[string]any
			d := json.NewDecoder(bytes.NewReader([]byte(v.Envelope)))
			d.UseNumber()
			require.NoError(t, d.Decode(&m))
			sig, err := base64.RawURLEncoding.DecodeString(m["signature"].(string))
			require.NoError(t, err)
			delete(m, "signature")
			raw, err := json.Marshal(m)
			require.NoError(t, err)
			sb, err := jcs.Transform(raw)
			require.NoError(t, err)
			assert.Equal(t, v.SigningBytes, string(sb))
			assert.Equal(t, v.Type, m["type"])
			assert.Equal(t, v.Signer, m["sender_pubkey"])
			pub, err := envelope.ParseEd25519PublicKey(v.Signer)
			require.NoError(t, err)
			require.True(t, ed25519.Verify(pub, sb, sig), "signature")
			// The payload's own type member and ID.
			payload := m["payload"].(map[string]any)
			assert.Equal(t, v.Type, payload["type"])
			// And the package reads it.
			p, err := openReceipt(t, v)
			require.NoError(t, err)
			assert.Equal(t, v.WantID, p.ReceiptID())
		})
	}
	for _, typ := range ReceiptTypes() {
		assert.True(t, seen[typ], "no vector for %s", typ)
	}
}

// TestRegistryAndGenesisVectors checks the registry and founding
// constitution the receipts were made under, which a second implementation
// needs to judge them: the stored registry is the tests' registry, and the
// stored genesis is the canonical form of Genesis, whose hash is the first
// amendment's constitution_hash_before.
func TestRegistryAndGenesisVectors(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "registry.json"))
	require.NoError(t, err)
	reg, err := ParseRegistry(data)
	require.NoError(t, err)
	assert.Equal(t, testActors(), reg.Actors)

	data, err = os.ReadFile(filepath.Join("testdata", "genesis.json"))
	require.NoError(t, err)
	data = bytes.TrimSuffix(data, []byte("\n"))
	assert.Equal(t, string(Genesis().Canonical()), string(data), "genesis.json is not Genesis in canonical form")
	g, err := ParseConstitution(data)
	require.NoError(t, err)
	assert.Equal(t, Genesis().Hash(), g.Hash())
}

// openReceipt verifies a vector's envelope against the test registry and
// decodes its payload.
func openReceipt(t *testing.T, v receiptVector) (Payload, error) {
	vr, err := testRegistry(t).verifier()
	require.NoError(t, err)
	e, err := vr.Open([]byte(v.Envelope))
	if err != nil {
		return nil, errorsJoin(ErrBadSignature, err)
	}
	return ParsePayload(e.Type, e.Payload)
}

func errorsJoin(a, b error) error { return &joined{a, b} }

type joined struct{ a, b error }

func (j *joined) Error() string   { return j.a.Error() + ": " + j.b.Error() }
func (j *joined) Unwrap() []error { return []error{j.a, j.b} }

// generateReceiptVectors runs a scenario producing every receipt type with
// the fixed test keys and clock, then seals each payload again with a nonce
// derived from its position, so the file is reproducible.
func generateReceiptVectors(t *testing.T) []receiptVector {
	f, s := history(t)
	p, err := f.body.Propose(f.ctx, f.s(sov), ProposalDraft{Type: ProposalStatute, Title: "Retention statute",
		Content: Content{Target: "STATUTE-001", Action: ActionAdd, Text: &Provision{ID: "STATUTE-001", Name: "Retention", Text: "Keep logs a year."}}})
	require.NoError(t, err)
	_, err = f.body.Cancel(f.ctx, f.s(sov), p.ProposalID, "superseded")
	require.NoError(t, err)
	_, err = f.body.DeclareEmergency(f.ctx, f.s(sov), "security_incident", "Active intrusion on BRICK-02", nil, 48, true)
	require.NoError(t, err)
	viol := f.body.Violations()[0].Violation
	_, err = f.body.Enforce(f.ctx, f.s("engine:guardian"), EnforcementDraft{ViolationID: viol.ViolationID,
		EnforcementType: EnforcementCapabilitySuspension, Capability: CapabilityWrite, Scope: ScopeAllScrolls, ReviewDeadline: f.clk.now().Add(24 * time.Hour)})
	require.NoError(t, err)

	vr, err := f.reg.verifier()
	require.NoError(t, err)
	var out []receiptVector
	done := map[string]int{}
	for i, rec := range s.records {
		e, err := vr.Open(rec)
		require.NoError(t, err)
		if done[e.Type] >= 2 {
			continue
		}
		done[e.Type]++
		pl, err := ParsePayload(e.Type, e.Payload)
		require.NoError(t, err)
		a, _ := f.reg.ByKey(e.SenderPubkey)
		nonce := sha256.Sum256([]byte{byte(i)})
		env, err := envelope.Seal(testSigner(a.ID), e.Type, json.RawMessage(e.Payload), envelope.WithTimestamp(e.Time()), envelope.WithNonce(nonce[:16]))
		require.NoError(t, err)
		sb, err := envelope.SigningBytes(env)
		require.NoError(t, err)
		out = append(out, receiptVector{Desc: e.Type + " " + pl.ReceiptID(), Type: e.Type, Signer: e.SenderPubkey,
			Envelope: string(env), SigningBytes: string(sb), WantID: pl.ReceiptID()})
	}
	// Negative cases, each from the first proposal or vote.
	first := out[0]
	vote := out[1]
	reseal := func(desc string, base receiptVector, signer string, edit func(map[string]any), wantErr string) receiptVector {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(base.Envelope), &m))
		payload := m["payload"].(map[string]any)
		edit(payload)
		nonce := sha256.Sum256([]byte(desc))
		env, err := envelope.Seal(testSigner(signer), base.Type, payload, envelope.WithTimestamp(time.Unix(int64(m["timestamp"].(float64)), 0)), envelope.WithNonce(nonce[:16]))
		require.NoError(t, err)
		return receiptVector{Desc: desc, Type: base.Type, Signer: testSigner(signer).PublicKey(), Envelope: string(env), WantErr: wantErr}
	}
	tampered := []byte(vote.Envelope)
	tampered = bytes.Replace(tampered, []byte(`"approve"`), []byte(`"reject"`), 1)
	out = append(out,
		receiptVector{Desc: "vote altered after signing", Type: TypeVote, Signer: vote.Signer, Envelope: string(tampered), WantErr: "ErrBadSignature"},
		reseal("vote signed by an unregistered key", vote, "did:vm:human:mallory", func(m map[string]any) {}, "ErrBadSignature"),
		reseal("vote with an unknown member", vote, "did:vm:human:dave", func(m map[string]any) { m["signature"] = "z58D" }, "ErrMalformed"),
		reseal("vote with empty comments written out", vote, "did:vm:human:dave", func(m map[string]any) { m["comments"] = "" }, "ErrMalformed"),
		reseal("vote with a fractional weight", vote, "did:vm:human:dave", func(m map[string]any) { m["weight"] = 1.5 }, "ErrMalformed"),
		reseal("vote with a bad id", vote, "did:vm:human:dave", func(m map[string]any) { m["vote_id"] = "VOTE-1" }, "ErrMalformed"),
		reseal("vote with a local time", vote, "did:vm:human:dave", func(m map[string]any) { m["voted_at"] = "2025-12-13T11:00:00+01:00" }, "ErrMalformed"),
		reseal("proposal with another type member", first, sov, func(m map[string]any) { m["type"] = "gov_vote" }, "ErrMalformed"),
		reseal("proposal repealing an axiom", first, sov, func(m map[string]any) {
			m["content"] = map[string]any{"target": "AXIOM-001", "action": "repeal"}
		}, "ErrAxiomImmutable"),
		reseal("proposal with a member in another case", first, sov, func(m map[string]any) { m["Title"] = m["title"]; delete(m, "title") }, "ErrMalformed"),
	)
	return out
}

// scrollVector is testdata/scroll.json: the Governance scroll of a
// FileStore holding the positive receipts of receipts.json, in file order,
// and its signed checkpoint.
type scrollVector struct {
	Desc       string `json:"desc"`
	Origin     string `json:"origin"`     // the checkpoint origin, "<store origin>/Governance"
	PublicKey  string `json:"public_key"` // the scroll operator's key, ed25519:z6Mk...
	Size       int    `json:"size"`
	Checkpoint string `json:"checkpoint"` // the C2SP signed note
}

const scrollOrigin = "gov.example.org"

// makeScrollVector appends the positive receipts to a fresh FileStore's
// Governance scroll and takes its checkpoint.
func makeScrollVector(t *testing.T, vectors []receiptVector) scrollVector {
	ctx := t.Context()
	key := testKey("scroll operator")
	fs, err := OpenFileStore(t.TempDir(), scrollOrigin, key)
	require.NoError(t, err)
	defer fs.Close()
	sc, err := fs.Scroll(ScrollGovernance)
	require.NoError(t, err)
	n := 0
	for _, v := range vectors {
		if v.WantErr != "" {
			continue
		}
		_, err := sc.Append(ctx, []byte(v.Envelope))
		require.NoError(t, err)
		n++
	}
	cp, err := sc.Checkpoint(ctx)
	require.NoError(t, err)
	return scrollVector{Desc: "the Governance scroll holding the positive receipts of receipts.json in file order",
		Origin: fs.Origin(ScrollGovernance), PublicKey: testSigner("scroll operator").PublicKey(), Size: n, Checkpoint: string(cp)}
}

// TestScrollVector checks testdata/scroll.json without the store: the
// checkpoint verifies with the operator's key under the origin, and its
// root is the RFC 6962 root (golang.org/x/mod/sumdb/tlog) of the positive
// receipts of receipts.json, byte for byte, in file order. A store built
// again from them gives the same checkpoint.
func TestScrollVector(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "scroll.json"))
	require.NoError(t, err)
	var sv scrollVector
	require.NoError(t, json.Unmarshal(data, &sv))
	data, err = os.ReadFile(filepath.Join("testdata", receiptVectors))
	require.NoError(t, err)
	var vectors []receiptVector
	require.NoError(t, json.Unmarshal(data, &vectors))

	var hashes []tlog.Hash
	reader := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = hashes[x]
		}
		return out, nil
	})
	var n int64
	for _, v := range vectors {
		if v.WantErr != "" {
			continue
		}
		hs, err := tlog.StoredHashes(n, []byte(v.Envelope), reader)
		require.NoError(t, err)
		hashes = append(hashes, hs...)
		n++
	}
	root, err := tlog.TreeHash(n, reader)
	require.NoError(t, err)

	pub, err := envelope.ParseEd25519PublicKey(sv.PublicKey)
	require.NoError(t, err)
	vr, err := checkpoint.NewVerifier(sv.Origin, pub)
	require.NoError(t, err)
	cp, _, err := checkpoint.Verify([]byte(sv.Checkpoint), vr)
	require.NoError(t, err)
	assert.Equal(t, sv.Origin, cp.Origin)
	assert.Equal(t, uint64(n), cp.Size)
	assert.Equal(t, int64(sv.Size), n)
	assert.Equal(t, root, cp.Hash)
	assert.Equal(t, sv, makeScrollVector(t, vectors), "the store gives another checkpoint")
}
