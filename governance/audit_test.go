package governance

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"

	"github.com/accordsdk/accord/envelope"
)

// history fills a body with an amendment, an order, a violation and a
// review, and returns the Governance scroll.
func history(t *testing.T) (*fixture, *memScroll) {
	f := newFixture(t)
	p := f.passAmendment()
	_, err := f.body.Activate(f.ctx, f.s("engine:governance"), p.ProposalID)
	require.NoError(t, err)
	_, err = f.parameterOrder("100/day", "500/day", time.Hour)
	require.NoError(t, err)
	v, _ := f.body.RequestChange(f.ctx, ChangeRequest{Actor: "did:vm:agent:automation-01", Action: "delete_receipt", Scroll: ScrollGovernance, Index: 1})
	require.NotNil(t, v)
	_, err = f.body.Review(f.ctx, f.s("did:vm:human:dave"), v.ViolationID, DecisionUphold, "")
	require.NoError(t, err)
	return f, f.store.mem(ScrollGovernance)
}

func (f *fixture) auditor(trusted map[string][][]byte) *Auditor {
	return &Auditor{Registry: f.reg, Verifier: f.verifierFunc(), Anchorer: f.anch, Trusted: trusted}
}

func TestAuditDetects(t *testing.T) {
	cases := []struct {
		name   string
		tamper func(t *testing.T, f *fixture, s *memScroll) map[string][][]byte
		what   string
		cause  error
	}{
		{"receipt removed", func(t *testing.T, f *fixture, s *memScroll) map[string][][]byte {
			s.records = append(s.records[:2:2], s.records[3:]...)
			s.frozen = true
			return nil
		}, "checkpoint", nil},
		{"last receipt removed", func(t *testing.T, f *fixture, s *memScroll) map[string][][]byte {
			s.records = s.records[:len(s.records)-1]
			s.frozen = true
			return nil
		}, "checkpoint", nil},
		{"receipt removed and the scroll signed again by its operator", func(t *testing.T, f *fixture, s *memScroll) map[string][][]byte {
			earlier := [][]byte{s.signed}
			s.records = s.records[:len(s.records)-1]
			s.signed = nil
			return map[string][][]byte{ScrollGovernance: earlier}
		}, "trusted checkpoint", nil},
		{"receipt altered (signature no longer verifies)", func(t *testing.T, f *fixture, s *memScroll) map[string][][]byte {
			s.records[2] = bytes.Replace(s.records[2], []byte(`"approve"`), []byte(`"reject"`), 1)
			s.frozen = true
			return nil
		}, "receipt", ErrBadSignature},
		{"receipt replaced by another the same voter signed", func(t *testing.T, f *fixture, s *memScroll) map[string][][]byte {
			s.records[2] = resign(t, s.records[2], "did:vm:human:bob", func(m map[string]any) { m["comments"] = "second thoughts" })
			s.frozen = true
			return nil
		}, "checkpoint", nil},
		{"checkpoint no longer matches (signed for another tree)", func(t *testing.T, f *fixture, s *memScroll) map[string][][]byte {
			other := &memScroll{origin: s.origin, signer: s.signer, records: append([][]byte{[]byte("x")}, s.records[1:]...)}
			signed, err := other.Checkpoint(context.Background())
			require.NoError(t, err)
			s.signed = signed
			s.frozen = true
			return nil
		}, "checkpoint", nil},
		{"checkpoint signed by another key", func(t *testing.T, f *fixture, s *memScroll) map[string][][]byte {
			other := &memStore{key: testKey("mallory"), scrolls: map[string]*memScroll{}}
			o := other.mem(ScrollGovernance)
			o.records = s.records
			signed, err := o.Checkpoint(context.Background())
			require.NoError(t, err)
			s.signed = signed
			s.frozen = true
			return nil
		}, "checkpoint", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, s := history(t)
			_, err := f.auditor(nil).Audit(f.ctx, f.store)
			require.NoError(t, err, "untampered scroll")
			trusted := tc.tamper(t, f, s)
			_, err = f.auditor(trusted).Audit(f.ctx, f.store)
			require.ErrorIs(t, err, ErrAudit)
			var ae *AuditError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, ScrollGovernance, ae.Scroll)
			assert.Equal(t, tc.what, ae.What, "%v", err)
			if tc.cause != nil {
				require.ErrorIs(t, err, tc.cause)
			}
		})
	}
}

// resign rewrites a receipt's payload and signs it again with the actor's
// own key: a valid receipt, but not the one the scroll holds.
func resign(t *testing.T, receipt []byte, who string, edit func(map[string]any)) []byte {
	v, err := envelope.NewVerifier(envelope.WithTypes(ReceiptTypes()...), envelope.WithKeys(testSigner(who).PublicKey()), envelope.WithoutFreshness())
	require.NoError(t, err)
	e, err := v.Open(receipt)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(e.Payload, &m))
	edit(m)
	out, err := envelope.Seal(testSigner(who), e.Type, m, envelope.WithTimestamp(e.Time()))
	require.NoError(t, err)
	return out
}

// TestAuditConstitutionMismatch: a body whose constitution in force is not
// what its scroll replays to fails its audit.
func TestAuditConstitutionMismatch(t *testing.T) {
	f, _ := history(t)
	_, err := f.body.Audit(f.ctx, f.verifierFunc(), nil)
	require.NoError(t, err)
	f.body.l.cons = f.body.l.history[0]
	_, err = f.body.Audit(f.ctx, f.verifierFunc(), nil)
	var ae *AuditError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "constitution", ae.What)
}

// TestAuditAnchors: an amendment whose anchor the anchorer does not confirm
// fails the audit.
func TestAuditAnchors(t *testing.T) {
	f, _ := history(t)
	rep, err := f.auditor(nil).Audit(f.ctx, f.store)
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Anchors)
	other := newFakeAnchorer()
	a := f.auditor(nil)
	a.Anchorer = other
	_, err = a.Audit(f.ctx, f.store)
	require.ErrorIs(t, err, ErrNotAnchored)
}

// TestFileStore: the default store keeps receipts durably; a reopened body
// has the same state; a receipt altered on disk is caught.
func TestFileStore(t *testing.T) {
	dir := t.TempDir()
	key := testKey("log")
	clk := &clock{t: t0}
	anch := newFakeAnchorer()
	reg := testRegistry(t)
	ctx := context.Background()
	open := func() (*FileStore, *Body) {
		st, err := OpenFileStore(dir, "gov.test", key)
		require.NoError(t, err)
		b, err := Open(ctx, st, reg, WithClock(clk.now), WithAnchorer(anch))
		require.NoError(t, err)
		return st, b
	}
	st, b := open()
	p, err := b.Propose(ctx, testSigner(sov), articleVII())
	require.NoError(t, err)
	clk.set(p.DeliberationEnds.Time)
	for _, who := range []string{"did:vm:human:dave", "did:vm:human:carol"} {
		_, err = b.Vote(ctx, testSigner(who), p.ProposalID, Approve, "")
		require.NoError(t, err)
	}
	clk.set(p.VotingEnds.Time)
	_, err = b.Ratify(ctx, testSigner(sov), p.ProposalID)
	require.NoError(t, err)
	_, err = b.Activate(ctx, testSigner("engine:governance"), p.ProposalID)
	require.NoError(t, err)
	verifier := func(name string) (note.Verifier, error) { return st.Verifier(name) }
	rep, err := b.Audit(ctx, verifier, nil)
	require.NoError(t, err)
	assert.Equal(t, uint64(5), rep.Receipts)
	require.NoError(t, st.Close())

	st, b = open()
	assert.Equal(t, "1.1.0", b.Constitution().Version.String())
	require.NoError(t, st.Close())

	// Alter one byte of a stored receipt.
	path := filepath.Join(dir, "scrolls", ScrollGovernance, "records")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	i := bytes.Index(data, []byte(`"approve"`))
	require.Positive(t, i)
	data[i+1] = 'A'
	require.NoError(t, os.WriteFile(path, data, 0o644))
	st2, err := OpenFileStore(dir, "gov.test", key)
	require.NoError(t, err)
	defer st2.Close()
	a := &Auditor{Registry: reg, Verifier: func(name string) (note.Verifier, error) { return st2.Verifier(name) }}
	_, err = a.Audit(ctx, st2)
	require.ErrorIs(t, err, ErrAudit)
}
