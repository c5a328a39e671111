package chp

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/envelope"
)

// FuzzDecodeHeartbeat: only declared errors come back, and what is
// accepted re-encodes to a heartbeat that decodes to the same value.
func FuzzDecodeHeartbeat(f *testing.F) {
	f.Add([]byte(plainHeartbeat))
	f.Add([]byte(`{"instance_id":"3ec2f1e0-2d31-4594-8d7b-8b9d8b2f2a11"}`))
	f.Add([]byte(`{"a":1,"a":2}`))
	f.Add([]byte(`[[[[]]]]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := DecodeHeartbeat(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrDuplicateKey) && !errors.Is(err, ErrSchema) {
				t.Fatalf("undeclared error %v", err)
			}
			return
		}
		again, err := json.Marshal(h)
		require.NoError(t, err)
		h2, err := DecodeHeartbeat(again)
		require.NoError(t, err, "%s", again)
		require.Equal(t, h, h2)
	})
}

// FuzzAccept sends arbitrary bodies to a registry: no panic, every refusal
// is a *RejectError with a 4xx status, and the log grows only on success.
func FuzzAccept(f *testing.F) {
	w := newWorld(f)
	f.Add([]byte(plainHeartbeat))
	f.Add(w.heartbeat(uuidN(1)))
	f.Add(w.sealed(7, w.heartbeat(uuidN(2))))
	f.Fuzz(func(t *testing.T, b []byte) {
		before := w.lr.Size()
		acc, err := w.lr.Accept(context.Background(), b)
		if err != nil {
			var re *RejectError
			if !errors.As(err, &re) || re.Status < 400 || re.Status > 499 || re.Code == "" {
				t.Fatalf("refusal %v is not a 4xx RejectError", err)
			}
			require.Equal(t, before, w.lr.Size())
			return
		}
		hb, _, err := postedHeartbeat(b)
		require.NoError(t, err)
		_, err = VerifyAck(acc.Ack, w.lrKey, hb)
		require.NoError(t, err)
	})
}

// FuzzImport feeds altered bundles to a Global Registry: no panic, and an
// accepted bundle's counts add up to its range.
func FuzzImport(f *testing.F) {
	w := newWorld(f)
	w.beats(3)
	b, _ := w.export(ExportOptions{})
	f.Add(b)
	f.Add(b[:1024])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := w.gr.Import(context.Background(), bytes.NewReader(data))
		if err != nil {
			return
		}
		rc := res.Receipt
		require.Equal(t, rc.To-rc.From, uint64(rc.Accepted+rc.Duplicate+rc.Rejected))
		_, err = VerifyReceipt(res.Signed, w.root)
		require.NoError(t, err)
	})
}

// FuzzParseLateNote: only declared errors come back, and an accepted note
// re-encodes to a note that parses to the same value.
func FuzzParseLateNote(f *testing.F) {
	f.Add([]byte(`{"count":3,"first_index":0,"oldest":"2026-11-08T00:01:00Z","newest":"2026-11-08T00:03:00Z","digest":"sha256:` + zeros64 + `"}`))
	f.Add([]byte(`{"count":1e3,"first_index":-1}`))
	f.Add([]byte(`{"count":1,"count":2}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := ParseLateNote(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrDuplicateKey) && !errors.Is(err, ErrMeta) {
				t.Fatalf("undeclared error %v", err)
			}
			return
		}
		again, err := json.Marshal(n)
		require.NoError(t, err)
		n2, err := ParseLateNote(again)
		require.NoError(t, err, "%s", again)
		require.Equal(t, n, n2)
	})
}

// FuzzCheckLateNote checks arbitrary set-aside files against the note
// their lines would need (digest and times computed here with
// encoding/json): only declared errors come back, and an accepted batch
// has the note's count and the queue indexes encoding/json reads.
func FuzzCheckLateNote(f *testing.F) {
	line := setAsideLine(4, []byte(plainHeartbeat))
	f.Add(line)
	f.Add(append(line, setAsideLine(5, []byte(plainHeartbeat))...))
	f.Add([]byte(`{"queue_index":1,"heartbeat":{"timestamp":"2026-01-01T00:00:00Z"}}` + "\n"))
	f.Add([]byte(`{"queue_index":1}` + "\n"))
	f.Fuzz(func(t *testing.T, file []byte) {
		lines := bytes.SplitAfter(file, []byte("\n"))
		if len(lines[len(lines)-1]) == 0 || lines[len(lines)-1][len(lines[len(lines)-1])-1] != '\n' {
			lines = lines[:len(lines)-1]
		}
		if len(lines) == 0 {
			return
		}
		n := &LateNote{Count: uint64(len(lines))}
		h := sha256.New()
		var idx []uint64
		for i, l := range lines {
			h.Write(l)
			var sa struct {
				QueueIndex uint64 `json:"queue_index"`
				Heartbeat  struct {
					Timestamp time.Time `json:"timestamp"`
				} `json:"heartbeat"`
			}
			if json.Unmarshal(l, &sa) == nil {
				ts := sa.Heartbeat.Timestamp.UTC()
				if i == 0 || ts.Before(n.Oldest) {
					n.Oldest = ts
				}
				if i == 0 || ts.After(n.Newest) {
					n.Newest = ts
				}
			}
			idx = append(idx, sa.QueueIndex)
		}
		n.Digest = "sha256:" + hex.EncodeToString(h.Sum(nil))
		got, err := CheckLateNote(n, file)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrDuplicateKey) && !errors.Is(err, ErrBundle) {
				t.Fatalf("undeclared error %v", err)
			}
			return
		}
		require.Len(t, got, len(lines))
		for i, sa := range got {
			require.Equal(t, idx[i], sa.QueueIndex)
		}
	})
}

// FuzzLedgerProof reads and verifies arbitrary ledger proofs: only
// declared errors, and a proof that verifies names the record it holds.
func FuzzLedgerProof(f *testing.F) {
	b, err := os.ReadFile(filepath.Join("testdata", "vectors", ledgerVectors))
	require.NoError(f, err)
	var vs []ledgerProofVector
	require.NoError(f, json.Unmarshal(b, &vs))
	for _, v := range vs {
		f.Add([]byte(v.LedgerProof))
	}
	f.Add([]byte(`{"lr_fingerprint":"sha256:` + zeros64 + `","lr_index":1,"record":"AA==","proof":"x"}`))
	root := vs[0].RootPublicKey
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParseLedgerProof(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrDuplicateKey) {
				t.Fatalf("undeclared error %v", err)
			}
			return
		}
		e, err := p.Verify(root)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrBadSignature) && !errors.Is(err, checkpoint.ErrInclusion) {
				t.Fatalf("undeclared error %v", err)
			}
			return
		}
		require.Equal(t, p.LRFingerprint, e.LRFingerprint)
		require.Equal(t, p.LRIndex, e.LRIndex)
	})
}

// FuzzParseRegistryRecord: a registry record (key rotation, un-pin or
// revocation) is accepted only in its one log form, and only declared
// errors come back.
func FuzzParseRegistryRecord(f *testing.F) {
	k := &KeyRotation{Origin: "accord.chp/lr/0123456789abcdef", Size: 3, Root: b64std(make([]byte, 32)),
		OldKey: pubString(testKey(1)), NewKey: pubString(testKey(2)), RotatedAt: epoch}
	require.NoError(f, signKeyRotation(k, envelope.NewEd25519Signer(testKey(1)), envelope.NewEd25519Signer(testKey(2))))
	b, err := k.Marshal()
	require.NoError(f, err)
	f.Add(b)
	u := &Unpin{InstanceID: uuidN(1), Key: pubString(testKey(3)), Reason: "lost key", UnpinnedAt: epoch}
	b, err = u.Marshal()
	require.NoError(f, err)
	f.Add(b)
	f.Add([]byte(`{"type":"chp/unpin"}`))
	c := &AdmissionCert{RACID: uuidN(2), LRFingerprint: "sha256:" + strings.Repeat("ab", 32), IssuedAt: epoch}
	v, err := IssueRevocation(envelope.NewEd25519Signer(testKey(4)), "GR", c, "decommissioned", epoch)
	require.NoError(f, err)
	b, err = v.Marshal()
	require.NoError(f, err)
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		rr, err := parseRegistryRecord(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrDuplicateKey) {
				t.Fatalf("undeclared error %v", err)
			}
			return
		}
		var again []byte
		switch {
		case rr.rotation != nil:
			again, err = rr.rotation.Marshal()
			_ = rr.rotation.Verify() // must not panic
		case rr.revocation != nil:
			again, err = rr.revocation.Marshal()
			_ = rr.revocation.Verify(pubString(testKey(4))) // must not panic
		default:
			again, err = rr.unpin.Marshal()
		}
		require.NoError(t, err)
		require.Equal(t, b, again)
		require.True(t, isRegistryRecord(b))
	})
}

// FuzzParseQuarantineEntry: only declared errors, and an accepted entry
// re-encodes to an entry that parses to the same value.
func FuzzParseQuarantineEntry(f *testing.F) {
	f.Add([]byte(`{"received":"2026-11-22T04:43:53Z","status":422,"code":"meta_refused","error":"meta.user","remote":"127.0.0.1:1","body":"e30="}`))
	f.Add([]byte(`{"received":"2026-11-22T04:43:53Z","status":413,"code":"too_large","error":""}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := ParseQuarantineEntry(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrDuplicateKey) {
				t.Fatalf("undeclared error %v", err)
			}
			return
		}
		again, err := json.Marshal(e)
		require.NoError(t, err)
		e2, err := ParseQuarantineEntry(again)
		require.NoError(t, err, "%s", again)
		require.Equal(t, e, e2)
	})
}

// FuzzParseRevocation: a revocation file (any white space and member
// order) is read by the strict reader; only declared errors come back, and
// an accepted revocation re-encodes to its RFC 8785 form, which parses to
// the same value and is the only form a log record may take.
func FuzzParseRevocation(f *testing.F) {
	c := &AdmissionCert{RACID: uuidN(2), LRFingerprint: "sha256:" + strings.Repeat("ab", 32), IssuedAt: epoch}
	v, err := IssueRevocation(envelope.NewEd25519Signer(testKey(4)), "GR", c, "decommissioned", epoch)
	require.NoError(f, err)
	b, err := v.Marshal()
	require.NoError(f, err)
	f.Add(b)
	f.Add(append(append([]byte(" "), b...), '\n'))
	f.Add([]byte(`{"type":"chp/rac-revocation","rac_id":"x"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := ParseRevocation(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrDuplicateKey) {
				t.Fatalf("undeclared error %v", err)
			}
			return
		}
		_ = v.Verify(pubString(testKey(4))) // must not panic
		canon, err := v.Marshal()
		require.NoError(t, err)
		again, err := parseRevocationRecord(canon)
		require.NoError(t, err)
		require.Equal(t, *v, *again)
		if _, err := parseRevocationRecord(b); err == nil {
			require.Equal(t, canon, b)
		}
	})
}

// FuzzParseRootRotation: a root rotation record is accepted only in its
// one ledger form; an operator's file of records (one, or a list) and a
// root set learning them give only declared errors, and a set changes only
// by records signed by its newest root and the next.
func FuzzParseRootRotation(f *testing.F) {
	r := &RootRotation{Origin: "accord.chp/gr/0123456789abcdef", Size: 3, Root: b64std(make([]byte, 32)),
		OldKey: pubString(testKey(1)), NewKey: pubString(testKey(2)), RotatedAt: epoch}
	require.NoError(f, signRootRotation(r, envelope.NewEd25519Signer(testKey(1)), envelope.NewEd25519Signer(testKey(2))))
	b, err := r.Marshal()
	require.NoError(f, err)
	f.Add(b)
	f.Add([]byte("[" + string(b) + "]"))
	f.Add([]byte(`[{"type":"chp/root-rotation"}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if r, err := ParseRootRotation(b); err == nil {
			again, err := r.Marshal()
			require.NoError(t, err)
			require.Equal(t, b, again)
			_ = r.Verify() // must not panic
		} else if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrDuplicateKey) {
			t.Fatalf("undeclared error %v", err)
		}
		records, err := readRotationRecords(b)
		if err != nil {
			require.True(t, errors.Is(err, ErrMalformed) || errors.Is(err, ErrDuplicateKey), "undeclared error %v", err)
			return
		}
		set, err := NewRootSet(pubString(testKey(1)))
		require.NoError(t, err)
		added, err := set.ApplyRecords(records...)
		if err != nil {
			require.True(t, errors.Is(err, ErrMalformed) || errors.Is(err, ErrDuplicateKey) ||
				errors.Is(err, ErrBadSignature) || errors.Is(err, ErrKeyMismatch), "undeclared error %v", err)
			require.Equal(t, []string{pubString(testKey(1))}, set.Keys(), "a refused list changes nothing")
			return
		}
		require.Len(t, set.Keys(), 1+added)
		require.Len(t, set.Rotations(), added)
	})
}
