package governance

import (
	"context"
	"crypto/ed25519"
	"encoding/binary"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/accordsdk/accord/envelope"
	"github.com/accordsdk/accord/internal/merklelog"
)

// auditScroll is a file store holding a Governance scroll of statute
// proposals, each voted on by auditVoters voters who each vote rounds
// times (statutes let a vote change): 10 proposals and rounds 10 make
// 100,010 receipts, rounds 2 make 20,010, with the same number of open
// items, so the audit's memory can be compared at both sizes.
type auditScroll struct {
	dir   string
	reg   *Registry
	store *FileStore
	n     uint64
}

const auditVoters = 1000

var (
	auditScrollsMu sync.Mutex
	auditScrolls   = map[int]*auditScroll{}
)

func buildAuditScroll(tb testing.TB, proposals, rounds int) *auditScroll {
	auditScrollsMu.Lock()
	defer auditScrollsMu.Unlock()
	if s, ok := auditScrolls[rounds]; ok {
		return s
	}
	keys := make([]ed25519.PrivateKey, auditVoters+1)
	actors := make([]Actor, auditVoters+1)
	keys[0] = testKey(sov)
	actors[0] = actor(sov, KindSovereign, 1, allRoles...)
	for i := 1; i <= auditVoters; i++ {
		var seed [32]byte
		binary.BigEndian.PutUint64(seed[:], uint64(i))
		keys[i] = ed25519.NewKeyFromSeed(seed[:])
		actors[i] = Actor{ID: fmt.Sprintf("did:vm:human:a%04d", i), Kind: KindHuman,
			Key: envelope.FormatEd25519PublicKey(keys[i].Public().(ed25519.PublicKey)), Roles: []Role{RoleVote}, Weight: 1}
	}
	reg, err := NewRegistry(actors)
	if err != nil {
		tb.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "governance-audit-bench-")
	if err != nil {
		tb.Fatal(err)
	}
	store, err := OpenFileStore(dir, "gov.bench", testKey("log"))
	if err != nil {
		tb.Fatal(err)
	}
	sc, err := store.Scroll(ScrollGovernance)
	if err != nil {
		tb.Fatal(err)
	}
	lg := sc.(*merklelog.Log)
	g := Genesis()
	type job struct {
		signer int
		p      Payload
	}
	var jobs []job
	t := t0
	months := map[string]int{}
	for k := range proposals {
		months[monthOf(t)]++
		num := numberedID{prefix: prefixProposal, month: monthOf(t), seq: months[monthOf(t)]}
		delib := At(t.Add(7 * 24 * time.Hour))
		voting := At(delib.Add(72 * time.Hour))
		p := &Proposal{Type: TypeProposal, ProposalID: num.String(), ProposalType: ProposalStatute, Title: fmt.Sprintf("Rate limit %d", k),
			Author: sov, SubmittedAt: At(t), DeliberationEnds: delib, VotingEnds: voting, ExpiresAt: At(voting.Add(144 * time.Hour)),
			ConstitutionVersion: g.Version, Rules: g.Procedure.Rules[ProposalStatute],
			Content: Content{Target: "guardian.anchor_rate_limit", Action: ActionSetParameter, Value: fmt.Sprintf("%d/day", 200+k)}, Status: StateDeliberation}
		jobs = append(jobs, job{0, p})
		vt := delib.Time
		for r := 1; r <= rounds; r++ {
			for i := 1; i <= auditVoters; i++ {
				choice := Approve
				if (i+r)%3 == 0 {
					choice = Reject
				}
				voter := actors[i].ID
				jobs = append(jobs, job{i, &Vote{Type: TypeVote, VoteID: voteID(num, voter, r), ProposalID: p.ProposalID, Voter: voter,
					VotedAt: At(vt), Vote: choice, Weight: 1}})
				vt = vt.Add(time.Second)
			}
		}
		t = vt.Add(time.Hour)
	}
	recs := make([][]byte, len(jobs))
	parallel(len(jobs), func(i int) {
		j := jobs[i]
		canon, err := marshalPayload(j.p)
		if err != nil {
			panic(err)
		}
		recs[i], err = envelope.Seal(envelope.NewEd25519Signer(keys[j.signer]), j.p.ReceiptType(), rawJSON(canon), envelope.WithTimestamp(j.p.ReceiptTime()))
		if err != nil {
			panic(err)
		}
	})
	ctx := context.Background()
	for lo := 0; lo < len(recs); lo += 4096 {
		if _, err := lg.AppendBatch(ctx, recs[lo:min(lo+4096, len(recs))]); err != nil {
			tb.Fatal(err)
		}
	}
	if _, err := lg.Checkpoint(ctx); err != nil {
		tb.Fatal(err)
	}
	s := &auditScroll{dir: dir, reg: reg, store: store, n: uint64(len(recs))}
	auditScrolls[rounds] = s
	return s
}

func benchAudit(b *testing.B, rounds int) {
	s := buildAuditScroll(b, 10, rounds)
	a := &Auditor{Registry: s.reg, Verifier: func(name string) (note.Verifier, error) { return s.store.Verifier(name) }}
	ctx := context.Background()
	runtime.GC()
	base := liveHeap()
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if h := liveHeap(); h > peak.Load() {
					peak.Store(h)
				}
			}
		}
	}()
	cpu0 := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		rep, err := a.Audit(ctx, s.store)
		if err != nil {
			b.Fatal(err)
		}
		if rep.Receipts != s.n {
			b.Fatalf("replayed %d receipts, want %d", rep.Receipts, s.n)
		}
	}
	b.StopTimer()
	cpu := cpuTime() - cpu0
	close(stop)
	<-done
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e9, "s/audit")
	b.ReportMetric(float64(peak.Load()-min(base, peak.Load()))/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(s.n), "receipts")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/audit")
}

// liveHeap returns the bytes of heap objects (live and not yet swept).
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// BenchmarkAudit100k audits a scroll of 100,010 receipts (target: under
// 10 s); BenchmarkAudit20k one of 20,010 with the same open items, so that
// their peak heaps show the audit's memory does not grow with the receipts.
func BenchmarkAudit100k(b *testing.B) { benchAudit(b, 10) }

// BenchmarkAudit20k: see BenchmarkAudit100k.
func BenchmarkAudit20k(b *testing.B) { benchAudit(b, 2) }

// TestMain removes the benchmarks' scrolls.
func TestMain(m *testing.M) {
	code := m.Run()
	auditScrollsMu.Lock()
	for _, s := range auditScrolls {
		s.store.Close()
		os.RemoveAll(s.dir)
	}
	auditScrollsMu.Unlock()
	os.Exit(code)
}
