package chp

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/envelope"
)

var update = flag.Bool("update", false, "regenerate testdata/vectors/*.json")

// The vector files of testdata/vectors. Each is written by a generate*
// function below from fixed keys (go test ./chp -run TestVectors -update)
// and checked by TestVectors without the code that wrote it: the signed
// bytes are rebuilt with encoding/json and the signatures checked with
// crypto/ed25519 directly, then the package's own readers must accept the
// stored bytes.
const (
	ackVectors      = "ack.json"
	racVectors      = "rac.json"
	receiptVectors  = "receipt.json"
	ledgerVectors   = "ledger_proof.json"
	lateVectors     = "late_note.json"
	rotationVectors = "key_rotation.json"
	unpinVectors    = "unpin.json"
	revokeVectors   = "revocation.json"
	rootVectors     = "root_rotation.json"
	statusVectors   = "instance_status.json"
)

// statusVector is one case of instance_status.json.
type statusVector struct {
	Desc        string `json:"desc"`
	RegistryKey string `json:"registry_public_key"` // the key the instance trusts
	StatusFile  string `json:"status_file"`         // the file's bytes as written
}

func generateStatusVectors(t *testing.T) []statusVector {
	var out []statusVector
	for _, tc := range []struct {
		desc   string
		state  Status
		queued int
		ack    string
	}{
		{"coherent after an acknowledged heartbeat", StatusCoherent, 0, "01a20000-0000-7000-8000-000000000001"},
		{"quiet, two heartbeats queued, none acknowledged yet", StatusQuiet, 2, ""},
	} {
		dir := t.TempDir()
		in, err := NewInstance(Config{HomeURI: "https://accord.local/registry/heartbeat", RegistryKey: pubString(testKey(50)),
			Sandbox: false, InstanceID: "3EC2F1E0-2D31-4594-8D7B-8B9D8B2F2A11", Version: "2025.11.03",
			LicenseHash: LicenseHash([]byte("licence")), QueueDir: filepath.Join(dir, "queue"),
			StatusFile: filepath.Join(dir, "status.json"), Now: func() time.Time { return vectorTime.Add(1500 * time.Millisecond) }})
		require.NoError(t, err)
		for range tc.queued {
			_, err := in.queue.Append(context.Background(), vectorHeartbeat(StatusQuiet, "3ec2f1e0-2d31-4594-8d7b-8b9d8b2f2a11"))
			require.NoError(t, err)
		}
		in.state = tc.state
		if tc.ack != "" {
			in.last = &Ack{AckID: tc.ack}
		}
		in.writeStatus()
		b, err := os.ReadFile(in.cfg.StatusFile)
		require.NoError(t, err)
		require.NoError(t, in.Close())
		out = append(out, statusVector{Desc: tc.desc, RegistryKey: pubString(testKey(50)), StatusFile: string(b)})
	}
	return out
}

// revocationVector is one case of revocation.json.
type revocationVector struct {
	Desc          string `json:"desc"`
	RootPublicKey string `json:"root_public_key"`
	RAC           string `json:"rac"`          // the certificate revoked (that of rac.json)
	SignedBytes   string `json:"signed_bytes"` // what signature signs
	Revocation    string `json:"revocation"`   // the wire and log form
	LeafHash      string `json:"leaf_hash"`    // RFC 6962 leaf hash of the revocation, hex
	WantErr       string `json:"want_err,omitempty"`
}

func generateRevocationVectors(t *testing.T) []revocationVector {
	rac := generateRACVectors(t)[0]
	c, err := ParseAdmissionCert([]byte(rac.RAC))
	require.NoError(t, err)
	var out []revocationVector
	for _, tc := range []struct {
		desc, wantErr string
		signer        byte
	}{{"revocation of rac.json's certificate", "", 100}, {"signed by a key other than the root", "bad_signature", 101}} {
		v, err := IssueRevocation(envelope.NewEd25519Signer(testKey(tc.signer)), "GR", c, "registry decommissioned, ticket 815", vectorTime.Add(30*24*time.Hour))
		require.NoError(t, err)
		b, err := v.Marshal()
		require.NoError(t, err)
		signed, err := canonical(v.body())
		require.NoError(t, err)
		h := tlog.RecordHash(b)
		out = append(out, revocationVector{Desc: tc.desc, RootPublicKey: rac.RootPublicKey, RAC: rac.RAC, SignedBytes: string(signed),
			Revocation: string(b), LeafHash: hex.EncodeToString(h[:]), WantErr: tc.wantErr})
	}
	return out
}

// rotationVector is one case of key_rotation.json.
type rotationVector struct {
	Desc        string `json:"desc"`
	SignedBytes string `json:"signed_bytes"` // what both signatures sign
	Record      string `json:"record"`       // the log form
	LeafHash    string `json:"leaf_hash"`    // RFC 6962 leaf hash of the record, hex
}

// unpinVector is one case of unpin.json.
type unpinVector struct {
	Desc     string `json:"desc"`
	Record   string `json:"record"`
	LeafHash string `json:"leaf_hash"`
}

func generateRotationVectors(t *testing.T) []rotationVector {
	k := &KeyRotation{Origin: "accord.chp/lr/" + hex.EncodeToString(func() []byte { s := sha256.Sum256(rawEd25519(t, pubString(testKey(50)))); return s[:8] }()),
		Size: 41, Root: b64std(bytes.Repeat([]byte{0x5a}, 32)), OldKey: pubString(testKey(50)), NewKey: pubString(testKey(51)), RotatedAt: vectorTime}
	require.NoError(t, signKeyRotation(k, envelope.NewEd25519Signer(testKey(50)), envelope.NewEd25519Signer(testKey(51))))
	rec, err := k.Marshal()
	require.NoError(t, err)
	signed, err := canonical(k.body())
	require.NoError(t, err)
	h := tlog.RecordHash(rec)
	return []rotationVector{{Desc: "key 50 hands over to key 51 at index 41", SignedBytes: string(signed), Record: string(rec), LeafHash: hex.EncodeToString(h[:])}}
}

// rootRotationVector is one case of root_rotation.json.
type rootRotationVector struct {
	Desc        string `json:"desc"`
	RootKey     string `json:"root_key"`     // the root trusted before
	SignedBytes string `json:"signed_bytes"` // what both signatures sign
	Record      string `json:"record"`       // the ledger form
	LeafHash    string `json:"leaf_hash"`    // RFC 6962 leaf hash of the record, hex
	Receipt     string `json:"receipt"`      // a receipt sealed by the new root after the rotation
}

func generateRootRotationVectors(t *testing.T) []rootRotationVector {
	oldRoot, newRoot := testKey(100), testKey(101)
	origin, err := grOrigin(pubString(oldRoot))
	require.NoError(t, err)
	r := &RootRotation{Origin: origin, Size: 7, Root: b64std(bytes.Repeat([]byte{0x6b}, 32)), OldKey: pubString(oldRoot), NewKey: pubString(newRoot), RotatedAt: vectorTime}
	require.NoError(t, signRootRotation(r, envelope.NewEd25519Signer(oldRoot), envelope.NewEd25519Signer(newRoot)))
	rec, err := r.Marshal()
	require.NoError(t, err)
	signed, err := canonical(r.rotation().bodyAs(RootRotationType))
	require.NoError(t, err)
	h := tlog.RecordHash(rec)
	// A receipt of a ledger of 9 records (the rotation is record 7),
	// checkpoint signed by the new root under the first root's origin.
	ns, err := checkpoint.NewSigner(origin, newRoot)
	require.NoError(t, err)
	cp, err := checkpoint.Sign(checkpoint.Checkpoint{Origin: origin, Size: 9, Hash: tlog.Hash(bytes.Repeat([]byte{0x6c}, 32))}, ns)
	require.NoError(t, err)
	at := vectorTime.Add(time.Hour)
	rc := Receipt{ReceiptID: "6f1c3b0e-8a7d-4c2b-9e5f-0a1b2c3d4e5f", Issuer: "GR", LRFingerprint: envelope.Fingerprint(testKey(50).Public().(ed25519.PublicKey)),
		RACID: "0c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f", BundleRoot: b64std(bytes.Repeat([]byte{0x6d}, 32)), BundleDigest: "sha256:" + strings.Repeat("6e", 32),
		From: 0, To: 2, LRRoot: b64std(bytes.Repeat([]byte{0x6f}, 32)), Accepted: 2, Ledger: string(cp), ImportedAt: at}
	env, err := envelope.Seal(envelope.NewEd25519Signer(newRoot), ReceiptType, rc, envelope.WithTimestamp(at), envelope.WithNonce(bytes.Repeat([]byte{7}, envelope.NonceSize)))
	require.NoError(t, err)
	return []rootRotationVector{{Desc: "root 100 hands over to root 101 at ledger index 7", RootKey: pubString(oldRoot),
		SignedBytes: string(signed), Record: string(rec), LeafHash: hex.EncodeToString(h[:]), Receipt: string(env)}}
}

func generateUnpinVectors(t *testing.T) []unpinVector {
	u := &Unpin{InstanceID: "3ec2f1e0-2d31-4594-8d7b-8b9d8b2f2a11", Key: pubString(testKey(21)), Reason: "machine re-imaged, ticket 4711", UnpinnedAt: vectorTime}
	rec, err := u.Marshal()
	require.NoError(t, err)
	h := tlog.RecordHash(rec)
	return []unpinVector{{Desc: "un-pin with a reason", Record: string(rec), LeafHash: hex.EncodeToString(h[:])}}
}

// ledgerProofVector is one case of ledger_proof.json.
type ledgerProofVector struct {
	Desc          string `json:"desc"`
	RootPublicKey string `json:"root_public_key"`
	LedgerOrigin  string `json:"ledger_origin"`
	LRPublicKey   string `json:"lr_public_key"`
	Heartbeat     string `json:"heartbeat"`    // the heartbeat of the proven record, as posted
	LedgerProof   string `json:"ledger_proof"` // GET /ledger/proof's answer
}

// lateNoteVector is one case of late_note.json.
type lateNoteVector struct {
	Desc     string `json:"desc"`
	SetAside string `json:"set_aside"` // an exported set-aside file
	Note     string `json:"note"`      // meta.late_heartbeats
	WantErr  string `json:"want_err,omitempty"`
}

// ackVector is one case of ack.json.
type ackVector struct {
	Desc               string `json:"desc"`
	RegistryPublicKey  string `json:"registry_public_key"`
	Heartbeat          string `json:"heartbeat"`           // as posted (plain chp-v1 heartbeat)
	HeartbeatCanonical string `json:"heartbeat_canonical"` // its RFC 8785 form
	HeartbeatDigest    string `json:"heartbeat_digest"`    // sha256:<hex> of the canonical form
	SignedBytes        string `json:"signed_bytes"`        // what registry_signature signs
	Ack                string `json:"ack"`                 // the ACK as sent
}

// racVector is one case of rac.json.
type racVector struct {
	Desc          string `json:"desc"`
	RootPublicKey string `json:"root_public_key"`
	LRPublicKey   string `json:"lr_public_key"`
	SignedBytes   string `json:"signed_bytes"`
	RAC           string `json:"rac"`
	ValidAt       string `json:"valid_at"`
}

// receiptVector is one case of receipt.json.
type receiptVector struct {
	Desc          string `json:"desc"`
	RootPublicKey string `json:"root_public_key"`
	LedgerOrigin  string `json:"ledger_origin"`
	SignedBytes   string `json:"signed_bytes"` // RFC 8785 form of the envelope without signature
	Receipt       string `json:"receipt"`      // coherence_receipt.json
}

// vectorTime is the fixed time of every vector.
var vectorTime = time.Date(2025, 11, 4, 8, 45, 1, 0, time.UTC)

func vectorHeartbeat(status Status, id string) []byte {
	return []byte(`{"packet":"heartbeat","instance_id":"` + id + `","home_uri":"https://registry.example/registry/heartbeat",` +
		`"version":"2025.11.03","license_hash":"sha256:` + strings.Repeat("a", 64) + `","ethics_signature":"CI:ethics-v1",` +
		`"status":"` + string(status) + `","timestamp":"2025-11-04T08:45:00Z","meta":{"sandbox":true,"os":"linux"}}`)
}

func generateAckVectors(t *testing.T) []ackVector {
	key := testKey(1)
	s := envelope.NewEd25519Signer(key)
	cases := []struct {
		desc string
		hb   []byte
		ack  Ack
	}{
		{"verified", vectorHeartbeat(StatusCoherent, "3ec2f1e0-2d31-4594-8d7b-8b9d8b2f2a11"),
			Ack{AckID: "01a20000-0000-7000-8000-000000000001", InstanceRef: "3ec2f1e0-2d31-4594-8d7b-8b9d8b2f2a11", Received: vectorTime, Status: AckVerified}},
		{"queued, fractional received time, upper-case instance_id in the heartbeat", vectorHeartbeat(StatusReview, "3EC2F1E0-2D31-4594-8D7B-8B9D8B2F2A12"),
			Ack{AckID: "01a20000-0000-7000-8000-000000000002", InstanceRef: "3ec2f1e0-2d31-4594-8d7b-8b9d8b2f2a12", Received: vectorTime.Add(123456 * time.Microsecond), Status: AckQueued}},
		{"rejected with notes", vectorHeartbeat(StatusQuiet, "3ec2f1e0-2d31-4594-8d7b-8b9d8b2f2a13"),
			Ack{AckID: "01a20000-0000-7000-8000-000000000003", InstanceRef: "3ec2f1e0-2d31-4594-8d7b-8b9d8b2f2a13", Received: vectorTime, Status: AckRejected, Notes: "timestamp_stale"}},
	}
	var out []ackVector
	for _, c := range cases {
		a := c.ack
		b, err := SignAck(s, &a, c.hb)
		require.NoError(t, err)
		canon, err := envelope.CanonicalJSON(c.hb)
		require.NoError(t, err)
		d, err := HeartbeatDigest(c.hb)
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(b, &m))
		delete(m, "registry_signature")
		m[ackDigestMember] = d
		mb, err := json.Marshal(m)
		require.NoError(t, err)
		signed, err := envelope.CanonicalJSON(mb)
		require.NoError(t, err)
		out = append(out, ackVector{Desc: c.desc, RegistryPublicKey: pubString(key), Heartbeat: string(c.hb),
			HeartbeatCanonical: string(canon), HeartbeatDigest: d, SignedBytes: string(signed), Ack: string(b)})
	}
	return out
}

func generateRACVectors(t *testing.T) []racVector {
	root, lr := testKey(100), testKey(50)
	c, err := IssueAdmissionCert(envelope.NewEd25519Signer(root), "GR", pubString(lr), vectorTime, vectorTime.Add(365*24*time.Hour))
	require.NoError(t, err)
	c.RACID = "5b0f2c1e-7d3a-4c2b-9e1f-0a1b2c3d4e5f" // fixed, then signed again
	c.Signature, err = signDetached(envelope.NewEd25519Signer(root), c.body())
	require.NoError(t, err)
	b, err := json.Marshal(c)
	require.NoError(t, err)
	signed, err := canonical(c.body())
	require.NoError(t, err)
	return []racVector{{Desc: "one year", RootPublicKey: pubString(root), LRPublicKey: pubString(lr), SignedBytes: string(signed),
		RAC: string(b), ValidAt: formatTime(vectorTime.Add(24 * time.Hour))}}
}

func generateReceiptVectors(t *testing.T) []receiptVector {
	root, lr := testKey(100), testKey(50)
	origin, err := grOrigin(pubString(root))
	require.NoError(t, err)
	cs, err := checkpoint.NewSigner(origin, root)
	require.NoError(t, err)
	ledger, err := checkpoint.Sign(checkpoint.Checkpoint{Origin: origin, Size: 3, Hash: tlog.RecordHash([]byte("ledger"))}, cs)
	require.NoError(t, err)
	lrRoot := tlog.RecordHash([]byte("lr"))
	rc := Receipt{
		ReceiptID: "9f8e7d6c-5b4a-4392-8a1b-0c1d2e3f4a5b", Issuer: "GR", LRFingerprint: envelope.Fingerprint(lr.Public().(ed25519.PublicKey)),
		RACID: "5b0f2c1e-7d3a-4c2b-9e1f-0a1b2c3d4e5f", BundleRoot: b64std(bytes.Repeat([]byte{7}, 32)),
		BundleDigest: "sha256:" + strings.Repeat("0f", 32), From: 0, To: 3, LRRoot: b64std(lrRoot[:]),
		Accepted: 2, Duplicate: 0, Rejected: 1, Ledger: string(ledger), ImportedAt: vectorTime,
	}
	signedEnv, err := envelope.Seal(envelope.NewEd25519Signer(root), ReceiptType, rc, envelope.WithTimestamp(vectorTime), envelope.WithNonce(bytes.Repeat([]byte{9}, 16)))
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(signedEnv, &m))
	delete(m, "signature")
	mb, err := json.Marshal(m)
	require.NoError(t, err)
	signed, err := envelope.CanonicalJSON(mb)
	require.NoError(t, err)
	return []receiptVector{{Desc: "three records, one rejected", RootPublicKey: pubString(root), LedgerOrigin: origin,
		SignedBytes: string(signed), Receipt: string(signedEnv)}}
}

// generateLedgerProofVectors builds a ledger of three records, each the
// ledger form of an ack.json record (heartbeat and ACK), and proves the
// second.
func generateLedgerProofVectors(t *testing.T) []ledgerProofVector {
	root, lr := testKey(100), testKey(1)
	rootPub, lrPub := pubString(root), pubString(lr)
	origin, err := grOrigin(rootPub)
	require.NoError(t, err)
	cs, err := checkpoint.NewSigner(origin, root)
	require.NoError(t, err)
	acks := generateAckVectors(t)
	fp := envelope.Fingerprint(lr.Public().(ed25519.PublicKey))
	var hashes []tlog.Hash
	var recs [][]byte
	for i, a := range acks[:2] {
		rec, err := Record{Heartbeat: []byte(a.Heartbeat), Ack: []byte(a.Ack)}.MarshalBinary()
		require.NoError(t, err)
		lrec := ledgerRecord(fp, uint64(7+i), rec)
		recs = append(recs, lrec)
		hs, err := tlog.StoredHashes(int64(i), lrec, tlog.HashReaderFunc(func(ix []int64) ([]tlog.Hash, error) {
			out := make([]tlog.Hash, len(ix))
			for k, x := range ix {
				out[k] = hashes[x]
			}
			return out, nil
		}))
		require.NoError(t, err)
		hashes = append(hashes, hs...)
	}
	hr := tlog.HashReaderFunc(func(ix []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(ix))
		for k, x := range ix {
			out[k] = hashes[x]
		}
		return out, nil
	})
	th, err := tlog.TreeHash(2, hr)
	require.NoError(t, err)
	signed, err := checkpoint.Sign(checkpoint.Checkpoint{Origin: origin, Size: 2, Hash: th}, cs)
	require.NoError(t, err)
	rp, err := tlog.ProveRecord(2, 1, hr)
	require.NoError(t, err)
	p := checkpoint.Proof{Index: 1, Checkpoint: signed, Path: rp}
	lp, err := json.Marshal(LedgerProof{LRFingerprint: fp, LRIndex: 8, Record: recs[1], Proof: string(p.Marshal())})
	require.NoError(t, err)
	return []ledgerProofVector{{Desc: "record 8 of a Local Registry, the second of a ledger of two", RootPublicKey: rootPub,
		LedgerOrigin: origin, LRPublicKey: lrPub, Heartbeat: acks[1].Heartbeat, LedgerProof: string(lp)}}
}

// generateLateNoteVectors sets three heartbeats aside (queue indexes 4 to
// 6, lines 1 to 3 of a file whose line 0 is an earlier batch) and notes
// them.
func generateLateNoteVectors(t *testing.T) []lateNoteVector {
	var file []byte
	h := sha256.New()
	for i := range 4 {
		hb := bytes.Replace(vectorHeartbeat(StatusQuiet, "3ec2f1e0-2d31-4594-8d7b-8b9d8b2f2a11"), []byte("08:45:00Z"), fmt.Appendf(nil, "08:4%d:00Z", i), 1)
		line := setAsideLine(uint64(3+i), hb)
		file = append(file, line...)
		if i > 0 {
			h.Write(line)
		}
	}
	n := LateNote{Count: 3, FirstIndex: 1, Oldest: time.Date(2025, 11, 4, 8, 41, 0, 0, time.UTC), Newest: time.Date(2025, 11, 4, 8, 43, 0, 0, time.UTC),
		Digest: "sha256:" + hex.EncodeToString(h.Sum(nil))}
	nb, err := json.Marshal(n)
	require.NoError(t, err)
	wrong := n
	wrong.FirstIndex = 0
	wb, err := json.Marshal(wrong)
	require.NoError(t, err)
	return []lateNoteVector{
		{Desc: "three heartbeats set aside after an earlier batch of one", SetAside: string(file), Note: string(nb)},
		{Desc: "the same note pointing at the wrong lines", SetAside: string(file), Note: string(wb), WantErr: "digest"},
		{Desc: "count 0", SetAside: string(file), Note: strings.Replace(string(nb), `"count":3`, `"count":0`, 1), WantErr: "count"},
	}
}

// readVectors reads (after writing, with -update) one vector file.
func readVectors[T any](t *testing.T, name string, generate func(*testing.T) []T) []T {
	t.Helper()
	path := filepath.Join("testdata", "vectors", name)
	if *update {
		b, err := json.MarshalIndent(generate(t), "", "  ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(path, append(b, '\n'), 0o644))
	}
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var out []T
	require.NoError(t, json.Unmarshal(b, &out))
	require.NotEmpty(t, out)
	return out
}

// sortedJSON re-encodes a JSON object with encoding/json, whose sorted map
// keys and escaping equal RFC 8785 for the plain ASCII strings of the
// vectors: an independent check of the canonical forms.
func sortedJSON(t *testing.T, m map[string]any) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(m))
	return strings.TrimSuffix(b.String(), "\n")
}

func decodeObject(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	require.NoError(t, d.Decode(&m))
	return m
}

func rawEd25519(t *testing.T, key string) ed25519.PublicKey {
	t.Helper()
	pub, err := envelope.ParseEd25519PublicKey(key)
	require.NoError(t, err)
	return pub
}

func TestVectors(t *testing.T) {
	t.Run("ack", func(t *testing.T) {
		for _, v := range readVectors(t, ackVectors, generateAckVectors) {
			t.Run(v.Desc, func(t *testing.T) {
				// The digest: SHA-256 of the heartbeat's canonical form.
				assert.Equal(t, sortedJSON(t, decodeObject(t, v.Heartbeat)), v.HeartbeatCanonical)
				sum := sha256.Sum256([]byte(v.HeartbeatCanonical))
				assert.Equal(t, "sha256:"+hex.EncodeToString(sum[:]), v.HeartbeatDigest)
				// The signed bytes: the ACK without registry_signature, with
				// heartbeat_digest, canonical.
				ack := decodeObject(t, v.Ack)
				sig := ack["registry_signature"].(string)
				delete(ack, "registry_signature")
				ack["heartbeat_digest"] = v.HeartbeatDigest
				assert.Equal(t, sortedJSON(t, ack), v.SignedBytes)
				raw, err := base64.RawURLEncoding.Strict().DecodeString(strings.TrimPrefix(sig, "ed25519:"))
				require.NoError(t, err)
				assert.True(t, ed25519.Verify(rawEd25519(t, v.RegistryPublicKey), []byte(v.SignedBytes), raw))
				// The package's reader accepts it for its heartbeat only.
				got, err := VerifyAck([]byte(v.Ack), v.RegistryPublicKey, []byte(v.Heartbeat))
				require.NoError(t, err)
				assert.Equal(t, ack["ack_id"], got.AckID)
				_, err = VerifyAck([]byte(v.Ack), v.RegistryPublicKey, []byte(strings.Replace(v.Heartbeat, "linux", "plan9", 1)))
				assert.ErrorIs(t, err, ErrBadSignature)
				doc, err := parseStrict([]byte(v.Ack))
				require.NoError(t, err)
				assert.NoError(t, validate("ack", doc), "the ACK validates against chp-v1")
			})
		}
	})
	t.Run("rac", func(t *testing.T) {
		for _, v := range readVectors(t, racVectors, generateRACVectors) {
			t.Run(v.Desc, func(t *testing.T) {
				rac := decodeObject(t, v.RAC)
				sig := rac["signature"].(string)
				delete(rac, "signature")
				assert.Equal(t, sortedJSON(t, rac), v.SignedBytes)
				raw, err := base64.RawURLEncoding.Strict().DecodeString(strings.TrimPrefix(sig, "ed25519:"))
				require.NoError(t, err)
				assert.True(t, ed25519.Verify(rawEd25519(t, v.RootPublicKey), []byte(v.SignedBytes), raw))
				lrFP := sha256.Sum256(rawEd25519(t, v.LRPublicKey))
				assert.Equal(t, "sha256:"+hex.EncodeToString(lrFP[:]), rac["lr_fingerprint"])
				c, err := ParseAdmissionCert([]byte(v.RAC))
				require.NoError(t, err)
				at, err := time.Parse(time.RFC3339, v.ValidAt)
				require.NoError(t, err)
				assert.NoError(t, c.Verify(v.RootPublicKey, v.LRPublicKey, at))
			})
		}
	})
	t.Run("ledger_proof", func(t *testing.T) {
		for _, v := range readVectors(t, ledgerVectors, generateLedgerProofVectors) {
			t.Run(v.Desc, func(t *testing.T) {
				var lp struct {
					LRFingerprint string `json:"lr_fingerprint"`
					LRIndex       uint64 `json:"lr_index"`
					Record        []byte `json:"record"`
					Proof         string `json:"proof"`
				}
				require.NoError(t, json.Unmarshal([]byte(v.LedgerProof), &lp))
				// The record's header, by hand.
				header := "accord.chp/ledger/v1\n" + lp.LRFingerprint + "\n" + fmt.Sprint(lp.LRIndex) + "\n"
				require.True(t, strings.HasPrefix(string(lp.Record), header))
				lrFP := sha256.Sum256(rawEd25519(t, v.LRPublicKey))
				assert.Equal(t, "sha256:"+hex.EncodeToString(lrFP[:]), lp.LRFingerprint)
				// The tlog-proof, by hand: header, index, hashes, checkpoint.
				head, cp, ok := strings.Cut(lp.Proof, "\n\n")
				require.True(t, ok)
				lines := strings.Split(head, "\n")
				require.Equal(t, "c2sp.org/tlog-proof@v1", lines[0])
				idx, ok := strings.CutPrefix(lines[1], "index ")
				require.True(t, ok)
				var path tlog.RecordProof
				for _, l := range lines[2:] {
					h, err := base64.StdEncoding.DecodeString(l)
					require.NoError(t, err)
					path = append(path, tlog.Hash(h))
				}
				nv, err := checkpoint.NewVerifier(v.LedgerOrigin, rawEd25519(t, v.RootPublicKey))
				require.NoError(t, err)
				n, err := note.Open([]byte(cp), note.VerifierList(nv))
				require.NoError(t, err)
				body := strings.Split(n.Text, "\n")
				require.Equal(t, v.LedgerOrigin, body[0])
				var size, index int64
				fmt.Sscan(body[1], &size)
				fmt.Sscan(idx, &index)
				rootHash, err := base64.StdEncoding.DecodeString(body[2])
				require.NoError(t, err)
				require.NoError(t, tlog.CheckRecord(path, size, tlog.Hash(rootHash), index, tlog.RecordHash(lp.Record)))
				// The package's reader, and the ACK inside with the LR key.
				p, err := ParseLedgerProof([]byte(v.LedgerProof))
				require.NoError(t, err)
				e, err := p.Verify(v.RootPublicKey)
				require.NoError(t, err)
				_, err = VerifyAck(e.Record.Ack, v.LRPublicKey, []byte(v.Heartbeat))
				require.NoError(t, err)
				_, err = p.Verify(v.LRPublicKey)
				assert.Error(t, err)
			})
		}
	})
	t.Run("late_note", func(t *testing.T) {
		for _, v := range readVectors(t, lateVectors, generateLateNoteVectors) {
			t.Run(v.Desc, func(t *testing.T) {
				n, err := ParseLateNote([]byte(v.Note))
				if v.WantErr == "count" {
					assert.ErrorIs(t, err, ErrMeta)
					return
				}
				require.NoError(t, err)
				// The digest by hand: SHA-256 of lines first_index.. with newlines.
				var raw struct {
					Count      int    `json:"count"`
					FirstIndex int    `json:"first_index"`
					Digest     string `json:"digest"`
				}
				require.NoError(t, json.Unmarshal([]byte(v.Note), &raw))
				lines := strings.SplitAfter(v.SetAside, "\n")
				sum := sha256.Sum256([]byte(strings.Join(lines[raw.FirstIndex:raw.FirstIndex+raw.Count], "")))
				_, err = CheckLateNote(n, []byte(v.SetAside))
				if v.WantErr == "digest" {
					assert.NotEqual(t, "sha256:"+hex.EncodeToString(sum[:]), raw.Digest)
					assert.ErrorIs(t, err, ErrBundle)
					return
				}
				assert.Equal(t, "sha256:"+hex.EncodeToString(sum[:]), raw.Digest)
				require.NoError(t, err)
			})
		}
	})
	t.Run("key_rotation", func(t *testing.T) {
		for _, v := range readVectors(t, rotationVectors, generateRotationVectors) {
			t.Run(v.Desc, func(t *testing.T) {
				rec := decodeObject(t, v.Record)
				assert.Equal(t, sortedJSON(t, rec), v.Record, "the log form is canonical")
				oldSig, newSig := rec["old_signature"].(string), rec["new_signature"].(string)
				delete(rec, "old_signature")
				delete(rec, "new_signature")
				assert.Equal(t, sortedJSON(t, rec), v.SignedBytes)
				for key, sig := range map[string]string{rec["old_key"].(string): oldSig, rec["new_key"].(string): newSig} {
					raw, err := base64.RawURLEncoding.Strict().DecodeString(strings.TrimPrefix(sig, "ed25519:"))
					require.NoError(t, err)
					assert.True(t, ed25519.Verify(rawEd25519(t, key), []byte(v.SignedBytes), raw))
				}
				fp := sha256.Sum256(rawEd25519(t, rec["old_key"].(string)))
				assert.Equal(t, "accord.chp/lr/"+hex.EncodeToString(fp[:])[:16], rec["origin"])
				leaf := sha256.Sum256(append([]byte{0}, v.Record...))
				assert.Equal(t, hex.EncodeToString(leaf[:]), v.LeafHash)
				k, err := ParseKeyRotation([]byte(v.Record))
				require.NoError(t, err)
				require.NoError(t, k.Verify())
				chain, err := NewKeyChain("", k.OldKey)
				require.NoError(t, err)
				changed, err := chain.ApplyRecord(41, []byte(v.Record))
				require.NoError(t, err)
				assert.True(t, changed)
				assert.Equal(t, rec["new_key"], chain.Current())
			})
		}
	})
	t.Run("revocation", func(t *testing.T) {
		for _, v := range readVectors(t, revokeVectors, generateRevocationVectors) {
			t.Run(v.Desc, func(t *testing.T) {
				rec := decodeObject(t, v.Revocation)
				assert.Equal(t, sortedJSON(t, rec), v.Revocation, "the wire form is canonical")
				sig := rec["signature"].(string)
				delete(rec, "signature")
				assert.Equal(t, sortedJSON(t, rec), v.SignedBytes)
				assert.Equal(t, "chp/rac-revocation", rec["type"])
				rac := decodeObject(t, v.RAC)
				assert.Equal(t, rac["rac_id"], rec["rac_id"])
				assert.Equal(t, rac["lr_fingerprint"], rec["lr_fingerprint"])
				raw, err := base64.RawURLEncoding.Strict().DecodeString(strings.TrimPrefix(sig, "ed25519:"))
				require.NoError(t, err)
				assert.Equal(t, v.WantErr == "", ed25519.Verify(rawEd25519(t, v.RootPublicKey), []byte(v.SignedBytes), raw))
				leaf := sha256.Sum256(append([]byte{0}, v.Revocation...))
				assert.Equal(t, hex.EncodeToString(leaf[:]), v.LeafHash)
				// The package's readers on the stored bytes.
				rv, err := ParseRevocation([]byte(v.Revocation))
				require.NoError(t, err)
				rr, err := parseRegistryRecord([]byte(v.Revocation))
				require.NoError(t, err)
				require.NotNil(t, rr.revocation)
				c, err := ParseAdmissionCert([]byte(v.RAC))
				require.NoError(t, err)
				assert.True(t, rv.Covers(c))
				if v.WantErr != "" {
					assert.ErrorIs(t, rv.Verify(v.RootPublicKey), ErrBadSignature)
					return
				}
				require.NoError(t, rv.Verify(v.RootPublicKey))
			})
		}
	})
	t.Run("root_rotation", func(t *testing.T) {
		for _, v := range readVectors(t, rootVectors, generateRootRotationVectors) {
			t.Run(v.Desc, func(t *testing.T) {
				rec := decodeObject(t, v.Record)
				assert.Equal(t, sortedJSON(t, rec), v.Record, "the ledger form is canonical")
				assert.Equal(t, "chp/root-rotation", rec["type"])
				oldSig, newSig := rec["old_signature"].(string), rec["new_signature"].(string)
				delete(rec, "old_signature")
				delete(rec, "new_signature")
				assert.Equal(t, sortedJSON(t, rec), v.SignedBytes)
				for key, sig := range map[string]string{rec["old_key"].(string): oldSig, rec["new_key"].(string): newSig} {
					raw, err := base64.RawURLEncoding.Strict().DecodeString(strings.TrimPrefix(sig, "ed25519:"))
					require.NoError(t, err)
					assert.True(t, ed25519.Verify(rawEd25519(t, key), []byte(v.SignedBytes), raw))
				}
				assert.Equal(t, v.RootKey, rec["old_key"])
				fp := sha256.Sum256(rawEd25519(t, v.RootKey))
				origin := "accord.chp/gr/" + hex.EncodeToString(fp[:])[:16]
				assert.Equal(t, origin, rec["origin"], "the ledger's origin is the first root's")
				leaf := sha256.Sum256(append([]byte{0}, v.Record...))
				assert.Equal(t, hex.EncodeToString(leaf[:]), v.LeafHash)
				// The receipt after the rotation, by hand: sealed by the new
				// root, its ledger checkpoint signed by the new root under
				// the first root's origin.
				env := decodeObject(t, v.Receipt)
				assert.Equal(t, rec["new_key"], env["sender_pubkey"])
				sig, err := base64.RawURLEncoding.Strict().DecodeString(env["signature"].(string))
				require.NoError(t, err)
				delete(env, "signature")
				assert.True(t, ed25519.Verify(rawEd25519(t, rec["new_key"].(string)), []byte(sortedJSON(t, env)), sig))
				nv, err := checkpoint.NewVerifier(origin, rawEd25519(t, rec["new_key"].(string)))
				require.NoError(t, err)
				_, err = note.Open([]byte(env["payload"].(map[string]any)["ledger"].(string)), note.VerifierList(nv))
				require.NoError(t, err)
				// The package's readers: the record parses and verifies, a
				// set holding the old root learns the new one and then
				// verifies the receipt, which the old root alone does not.
				r, err := ParseRootRotation([]byte(v.Record))
				require.NoError(t, err)
				require.NoError(t, r.Verify())
				set, err := NewRootSet(v.RootKey)
				require.NoError(t, err)
				_, err = set.VerifyReceipt([]byte(v.Receipt))
				require.ErrorIs(t, err, ErrBadSignature)
				added, err := set.ApplyRecords([]byte(v.Record))
				require.NoError(t, err)
				assert.Equal(t, 1, added)
				assert.Equal(t, rec["new_key"], set.Current())
				rc, err := set.VerifyReceipt([]byte(v.Receipt))
				require.NoError(t, err)
				assert.Equal(t, uint64(2), rc.To)
				_, err = VerifyReceipt([]byte(v.Receipt), rec["new_key"].(string))
				require.NoError(t, err, "the new root alone verifies it too, the origin read from the checkpoint")
			})
		}
	})
	t.Run("instance_status", func(t *testing.T) {
		colors := map[string]string{"coherent": "#38BDF8", "review": "#EAB308", "repairing": "#F97316", "quiet": "#9CA3AF", "failed": "#EF4444"}
		for _, v := range readVectors(t, statusVectors, generateStatusVectors) {
			t.Run(v.Desc, func(t *testing.T) {
				require.True(t, strings.HasSuffix(v.StatusFile, "}\n"), "one JSON object and a newline")
				require.NotContains(t, strings.TrimSuffix(v.StatusFile, "\n"), "\n")
				doc := decodeObject(t, v.StatusFile)
				want := []string{"instance_id", "state", "color", "registry_fingerprint", "fingerprint_short", "pending", "set_aside", "updated"}
				if _, ok := doc["last_ack_id"]; ok {
					want = append(want, "last_ack_id")
					assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`, doc["last_ack_id"])
				}
				assert.ElementsMatch(t, want, slices.Collect(maps.Keys(doc)))
				assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`, doc["instance_id"])
				state, _ := doc["state"].(string)
				require.Contains(t, colors, state)
				assert.Equal(t, colors[state], doc["color"])
				fp := sha256.Sum256(rawEd25519(t, v.RegistryKey))
				assert.Equal(t, "sha256:"+hex.EncodeToString(fp[:]), doc["registry_fingerprint"])
				assert.Equal(t, hex.EncodeToString(fp[:])[:12], doc["fingerprint_short"])
				for _, k := range []string{"pending", "set_aside"} {
					n, err := doc[k].(json.Number).Int64()
					require.NoError(t, err, k)
					assert.GreaterOrEqual(t, n, int64(0), k)
				}
				updated, _ := doc["updated"].(string)
				at, err := time.Parse(time.RFC3339, updated)
				require.NoError(t, err)
				assert.Equal(t, at.UTC().Format("2006-01-02T15:04:05Z"), updated, "UTC, whole seconds")
				// The package's type reads it back.
				var st InstanceStatus
				require.NoError(t, json.Unmarshal([]byte(v.StatusFile), &st))
				assert.Equal(t, Status(state), st.State)
				assert.True(t, st.Updated.Equal(at))
			})
		}
	})
	t.Run("unpin", func(t *testing.T) {
		for _, v := range readVectors(t, unpinVectors, generateUnpinVectors) {
			t.Run(v.Desc, func(t *testing.T) {
				rec := decodeObject(t, v.Record)
				assert.Equal(t, sortedJSON(t, rec), v.Record, "the log form is canonical")
				assert.Equal(t, "chp/unpin", rec["type"])
				leaf := sha256.Sum256(append([]byte{0}, v.Record...))
				assert.Equal(t, hex.EncodeToString(leaf[:]), v.LeafHash)
				u, err := ParseUnpin([]byte(v.Record))
				require.NoError(t, err)
				assert.Equal(t, rec["reason"], u.Reason)
			})
		}
	})
	t.Run("receipt", func(t *testing.T) {
		for _, v := range readVectors(t, receiptVectors, generateReceiptVectors) {
			t.Run(v.Desc, func(t *testing.T) {
				env := decodeObject(t, v.Receipt)
				sig := env["signature"].(string)
				delete(env, "signature")
				assert.Equal(t, sortedJSON(t, env), v.SignedBytes)
				raw, err := base64.RawURLEncoding.Strict().DecodeString(sig)
				require.NoError(t, err)
				assert.True(t, ed25519.Verify(rawEd25519(t, v.RootPublicKey), []byte(v.SignedBytes), raw))
				assert.Equal(t, ReceiptType, env["type"])
				assert.Equal(t, v.RootPublicKey, env["sender_pubkey"])
				payload := env["payload"].(map[string]any)
				// The ledger checkpoint is a signed note by the root key
				// under the ledger's origin.
				fp := sha256.Sum256(rawEd25519(t, v.RootPublicKey))
				assert.Equal(t, "accord.chp/gr/"+hex.EncodeToString(fp[:])[:16], v.LedgerOrigin)
				nv, err := checkpoint.NewVerifier(v.LedgerOrigin, rawEd25519(t, v.RootPublicKey))
				require.NoError(t, err)
				_, err = note.Open([]byte(payload["ledger"].(string)), note.VerifierList(nv))
				require.NoError(t, err)
				rc, err := VerifyReceipt([]byte(v.Receipt), v.RootPublicKey)
				require.NoError(t, err)
				assert.Equal(t, payload["receipt_id"], rc.ReceiptID)
			})
		}
	})
}
