package checkpoint_test

import (
	"bytes"
	"crypto/ed25519"
	"fmt"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/accordsdk/accord/checkpoint"
)

// Fixed keys so that the examples' output is reproducible. Real keys come
// from ed25519.GenerateKey.
var (
	logKey     = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, 32))
	witnessKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{2}, 32))
)

// tree is a stand-in for a log server: an in-memory RFC 6962 tree.
type tree struct {
	n      int64
	stored []tlog.Hash
}

func (t *tree) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		out[i] = t.stored[x]
	}
	return out, nil
}

func (t *tree) add(records ...string) {
	for _, r := range records {
		hs, err := tlog.StoredHashes(t.n, []byte(r), t)
		if err != nil {
			panic(err)
		}
		t.stored = append(t.stored, hs...)
		t.n++
	}
}

func (t *tree) checkpoint(origin string) checkpoint.Checkpoint {
	root, err := tlog.TreeHash(t.n, t)
	if err != nil {
		panic(err)
	}
	return checkpoint.Checkpoint{Origin: origin, Size: uint64(t.n), Hash: root}
}

// A client checks a checkpoint against the log's public key.
func ExampleVerify() {
	// The log signs its checkpoint.
	signer, _ := checkpoint.NewSigner("example.com/audit", logKey)
	var t tree
	t.add("first record", "second record", "third record")
	signed, _ := checkpoint.Sign(t.checkpoint("example.com/audit"), signer)
	fmt.Print(string(signed))

	// A client that knows the log's key verifies it.
	verifier, _ := checkpoint.NewVerifier("example.com/audit", logKey.Public().(ed25519.PublicKey))
	c, _, err := checkpoint.Verify(signed, verifier)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("verified size", c.Size, "root", c.Hash)
	// Output:
	// example.com/audit
	// 3
	// Rcd/UbegITtD8knRPfCaWUSpY+XUkRAjboRYeamkV5Q=
	//
	// — example.com/audit 1nw/6jz+y5GYxhfCvzIJuiuReGvCBUU6bRKhQs6a95rJxSch/cJoKYi+hahawpoZc+hJqekzknUPR9sVX8kW+aNXAgQ=
	// verified size 3 root Rcd/UbegITtD8knRPfCaWUSpY+XUkRAjboRYeamkV5Q=
}

// A client holding a verified checkpoint checks that a record is in the log.
func ExampleVerifyInclusion() {
	var t tree
	t.add("alpha", "beta", "gamma", "delta", "epsilon")
	c := t.checkpoint("example.com/audit") // from checkpoint.Verify in practice

	proof, _ := tlog.ProveRecord(int64(c.Size), 2, &t) // served by the log
	fmt.Println("gamma at 2:", checkpoint.VerifyInclusion(c, 2, []byte("gamma"), proof))
	fmt.Println("forged at 2:", checkpoint.VerifyInclusion(c, 2, []byte("forged"), proof) != nil)
	// Output:
	// gamma at 2: <nil>
	// forged at 2: true
}

// A client that saw an earlier checkpoint checks that the log only grew.
func ExampleVerifyConsistency() {
	var t tree
	t.add("alpha", "beta", "gamma")
	old := t.checkpoint("example.com/audit")
	t.add("delta", "epsilon")
	cur := t.checkpoint("example.com/audit")

	proof, _ := tlog.ProveTree(int64(cur.Size), int64(old.Size), &t) // served by the log
	fmt.Println(checkpoint.VerifyConsistency(old, cur, proof))
	// Output:
	// <nil>
}

// A federation peer acts as a witness: it cosigns the log's checkpoint,
// and clients require its cosignature.
func ExampleCosigner_Cosign() {
	signer, _ := checkpoint.NewSigner("example.com/audit", logKey)
	logVerifier := signer.Verifier()
	var t tree
	t.add("first record")
	signed, _ := checkpoint.Sign(t.checkpoint("example.com/audit"), signer)

	witness, _ := checkpoint.NewCosigner("peer.example.org/witness", witnessKey)
	// Before cosigning, a witness checks consistency with the largest
	// checkpoint it has seen of this log (checkpoint.VerifyConsistency).
	cosigned, _ := witness.Cosign(signed, logVerifier, time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	fmt.Print(string(cosigned))

	c, cosigs, err := checkpoint.VerifyCosigned(cosigned, logVerifier, []note.Verifier{witness.Verifier()}, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("size", c.Size, "cosigned by", cosigs[0].Name, "at", cosigs[0].Time.Format(time.RFC3339))
	// Output:
	// example.com/audit
	// 1
	// xz/bRhOnSmMOpmM3DmfzifUlyrVSlJ1/idiZQnQrwlE=
	//
	// — example.com/audit 1nw/6jDuaF9L6mCDQRzNqHL1Ii8tI0sRJATHwuwIawgAhkhfkFE3l2JJIpNszLMy7Sh6otXi0HzJwoZ6nyNw6vs0dwk=
	// — peer.example.org/witness I5cpPQAAAABppCpAiDG/0eLN/Qfd7Qmn1VMmG5gmqPDLhs8lTYCwe6PNeHOAKRSJYCA1Cg4jjvIwkwSg2pjQDlJQnEm0A/jNHr7CDA==
	// size 1 cosigned by peer.example.org/witness at 2026-03-01T12:00:00Z
}

// A log hands out a tlog-proof file; anyone holding the record and the
// log's key checks it offline.
func ExampleParseProof() {
	signer, _ := checkpoint.NewSigner("example.com/audit", logKey)
	var t tree
	t.add("alpha", "beta", "gamma")
	signed, _ := checkpoint.Sign(t.checkpoint("example.com/audit"), signer)
	path, _ := tlog.ProveRecord(3, 1, &t)
	file := (&checkpoint.Proof{Index: 1, Path: path, Checkpoint: signed}).Marshal()
	fmt.Print(string(file))

	p, err := checkpoint.ParseProof(file)
	if err != nil {
		fmt.Println(err)
		return
	}
	verifier, _ := checkpoint.ParseVerifierKey(signer.VerifierKey())
	c, err := p.Verify([]byte("beta"), verifier, nil, 0)
	fmt.Println("beta is record", p.Index, "of", c.Size, err)
	// Output:
	// c2sp.org/tlog-proof@v1
	// index 1
	// KhWNiv1I4/iMtBld/bKp5IF9lfpX/TREDZP5quXE+Cs=
	// THnQ1i989cqIdBVfLTuHXyYl2iuzq8hrvWgz8lupDlE=
	//
	// example.com/audit
	// 3
	// OF2jDzkXKCyJOd/4UZV+UZqxhGsTUaFMCts7EWMnQqo=
	//
	// — example.com/audit 1nw/6pAyUbF3Ki+eFD6Vpn23fi9u8suQPefOhoX5c6z1+X5kHIqRO73JCCZHTBfNwa++WSksiJMWEDx1muFicIePBQ4=
	// beta is record 1 of 3 <nil>
}
