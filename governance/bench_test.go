package governance

import (
	"crypto/ed25519"
	"encoding/binary"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/envelope"
)

// votesN is the size of the tally benchmark: 100,000 signed votes, one per
// voter.
const votesN = 100_000

type voteSet struct {
	p     *Proposal
	reg   *Registry
	votes [][]byte
	// the same signatures for the bare baseline
	pubs []ed25519.PublicKey
	msgs [][]byte
	sigs [][]byte
}

var (
	voteSetMu sync.Mutex
	voteSets  = map[int]*voteSet{}
)

// parallel runs f(i) for i in [0, n) on every core.
func parallel(n int, f func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	const chunk = 16
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for {
				lo := int(next.Add(chunk)) - chunk
				if lo >= n {
					return
				}
				for i := lo; i < min(lo+chunk, n); i++ {
					f(i)
				}
			}
		})
	}
	wg.Wait()
}

// benchVotes builds (once) a registry of votesN voters, a proposal and one
// signed vote from each.
func benchVotes(tb testing.TB, votesN int) *voteSet {
	voteSetMu.Lock()
	defer voteSetMu.Unlock()
	if vs, ok := voteSets[votesN]; ok {
		return vs
	}
	{
		keys := make([]ed25519.PrivateKey, votesN)
		actors := make([]Actor, votesN+1)
		actors[0] = actor(sov, KindSovereign, 1, allRoles...)
		parallel(votesN, func(i int) {
			var seed [32]byte
			binary.BigEndian.PutUint64(seed[:], uint64(i)+1)
			keys[i] = ed25519.NewKeyFromSeed(seed[:])
			actors[i+1] = Actor{ID: fmt.Sprintf("did:vm:human:v%06d", i), Kind: KindHuman,
				Key: envelope.FormatEd25519PublicKey(keys[i].Public().(ed25519.PublicKey)), Roles: []Role{RoleVote}, Weight: 1}
		})
		reg, err := NewRegistry(actors)
		if err != nil {
			panic(err)
		}
		g := Genesis()
		p := &Proposal{Type: TypeProposal, ProposalID: "PROP-2025-12-001", ProposalType: ProposalAmendment, Title: "Add Data Retention Article",
			Author: sov, SubmittedAt: At(t0), DeliberationEnds: At(t0.Add(7 * 24 * time.Hour)), VotingEnds: At(t0.Add(10 * 24 * time.Hour)),
			ExpiresAt: At(t0.Add(16 * 24 * time.Hour)), ConstitutionVersion: g.Version, Rules: g.Procedure.Rules[ProposalAmendment],
			Content: articleVII().Content, Status: StateDeliberation}
		pid, _ := parseNumbered(p.ProposalID, prefixProposal)
		vs := &voteSet{p: p, reg: reg, votes: make([][]byte, votesN), pubs: make([]ed25519.PublicKey, votesN),
			msgs: make([][]byte, votesN), sigs: make([][]byte, votesN)}
		parallel(votesN, func(i int) {
			choice := Approve
			if i%4 == 0 {
				choice = Reject
			}
			voter := actors[i+1].ID
			at := At(p.DeliberationEnds.Add(time.Duration(i) * time.Second))
			v := &Vote{Type: TypeVote, VoteID: voteID(pid, voter, 1), ProposalID: p.ProposalID, Voter: voter, VotedAt: at, Vote: choice, Weight: 1}
			canon, err := marshalPayload(v)
			if err != nil {
				panic(err)
			}
			s := envelope.NewEd25519Signer(keys[i])
			msg, err := envelope.Seal(s, TypeVote, rawJSON(canon), envelope.WithTimestamp(at.Time))
			if err != nil {
				panic(err)
			}
			vs.votes[i] = msg
			vs.pubs[i] = keys[i].Public().(ed25519.PublicKey)
			vs.msgs[i], _ = envelope.SigningBytes(msg)
			vs.sigs[i] = ed25519.Sign(keys[i], vs.msgs[i])
		})
		voteSets[votesN] = vs
		return vs
	}
}

// baselineVerify verifies every vote's signing bytes with bare
// ed25519.Verify on every core: the rate TallyVotes is held to.
func baselineVerify(vs *voteSet) {
	var bad atomic.Int64
	parallel(len(vs.msgs), func(i int) {
		if !ed25519.Verify(vs.pubs[i], vs.msgs[i], vs.sigs[i]) {
			bad.Add(1)
		}
	})
	if bad.Load() != 0 {
		panic("baseline: bad signature")
	}
}

func BenchmarkTallyVotes100k(b *testing.B) {
	vs := benchVotes(b, votesN)
	b.ResetTimer()
	for b.Loop() {
		t, err := TallyVotes(vs.p, vs.reg, vs.votes)
		if err != nil || !t.Passed {
			b.Fatal(err, t)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*votesN), "ns/vote")
}

func BenchmarkBaselineEd25519Verify100k(b *testing.B) {
	vs := benchVotes(b, votesN)
	b.ResetTimer()
	for b.Loop() {
		baselineVerify(vs)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*votesN), "ns/vote")
}

// BenchmarkPairedTallyVsVerify100k alternates a tally of 100,000 votes with
// the bare parallel verification of the same signatures, on the same
// cores, and reports the median time of each and the ratio of their rates
// (tally rate / bare verification rate; the target is at least 0.9).
func BenchmarkPairedTallyVsVerify100k(b *testing.B) { pairedTally(b, votesN) }

// BenchmarkPairedTallyVsVerify10k is the same with 10,000 votes (quicker).
func BenchmarkPairedTallyVsVerify10k(b *testing.B) { pairedTally(b, 10_000) }

func pairedTally(b *testing.B, votesN int) {
	vs := benchVotes(b, votesN)
	var ours, base, oursCPU, baseCPU []time.Duration
	b.ResetTimer()
	for b.Loop() {
		c1, t1 := cpuTime(), time.Now()
		baselineVerify(vs)
		c2, t2 := cpuTime(), time.Now()
		if _, err := TallyVotes(vs.p, vs.reg, vs.votes); err != nil {
			b.Fatal(err)
		}
		c3, t3 := cpuTime(), time.Now()
		base = append(base, t2.Sub(t1))
		ours = append(ours, t3.Sub(t2))
		baseCPU = append(baseCPU, c2-c1)
		oursCPU = append(oursCPU, c3-c2)
	}
	mo, mb := median(ours), median(base)
	b.ReportMetric(float64(mo.Nanoseconds())/float64(votesN), "tally-ns/vote")
	b.ReportMetric(float64(mb.Nanoseconds())/float64(votesN), "verify-ns/vote")
	b.ReportMetric(float64(mb)/float64(mo), "rate-ratio")
	// The same ratio in CPU time (both cores, the collector included): on a
	// shared machine it does not depend on how long each run waited for a
	// core.
	if co, cb := median(oursCPU), median(baseCPU); co > 0 {
		b.ReportMetric(float64(cb)/float64(co), "cpu-rate-ratio")
	}
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// TestTallyVotes: the bulk tally agrees with the expected counts and
// refuses a forged, misattributed or duplicated vote.
func TestTallyVotes(t *testing.T) {
	vs := benchVotes(t, 2000)
	tl, err := TallyVotes(vs.p, vs.reg, vs.votes)
	require.NoError(t, err)
	require.Equal(t, VoteSummary{Approve: 1500, Reject: 500}, tl.VoteSummary)
	require.Equal(t, int64(2001), tl.Registered)
	require.True(t, tl.Passed)

	bad := slices.Clone(vs.votes[:10])
	bad[3] = slices.Clone(bad[3])
	bad[3][len(bad[3])-20] ^= 1
	_, err = TallyVotes(vs.p, vs.reg, bad)
	var ve *VoteError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, 3, ve.Index)

	dup := append(slices.Clone(vs.votes[:10]), vs.votes[4])
	_, err = TallyVotes(vs.p, vs.reg, dup)
	require.ErrorIs(t, err, ErrConflict)
}

func BenchmarkTallyVotes10k(b *testing.B) {
	vs := benchVotes(b, 10_000)
	b.ResetTimer()
	for b.Loop() {
		if _, err := TallyVotes(vs.p, vs.reg, vs.votes); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPairedVoteOneCore times, one vote at a time on one goroutine,
// what the tally does per vote against a bare verify of the same bytes.
func BenchmarkPairedVoteOneCore(b *testing.B) {
	vs := benchVotes(b, 2000)
	v, err := vs.reg.verifier()
	require.NoError(b, err)
	var ours, base []time.Duration
	i := 0
	for b.Loop() {
		k := i % len(vs.votes)
		i++
		t1 := time.Now()
		ed25519.Verify(vs.pubs[k], vs.msgs[k], vs.sigs[k])
		t2 := time.Now()
		e, err := v.Open(vs.votes[k])
		if err != nil {
			b.Fatal(err)
		}
		if _, err := parseCanonical(e.Type, e.Payload); err != nil {
			b.Fatal(err)
		}
		t3 := time.Now()
		base = append(base, t2.Sub(t1))
		ours = append(ours, t3.Sub(t2))
	}
	b.ReportMetric(float64(median(ours).Nanoseconds()), "ours-ns")
	b.ReportMetric(float64(median(base).Nanoseconds()), "verify-ns")
	b.ReportMetric(float64(median(base))/float64(median(ours)), "rate-ratio")
}
