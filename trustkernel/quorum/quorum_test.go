package quorum

import (
	"context"
	"errors"
	"log/slog"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel/simchain"
)

// testChain is a simulated chain with the probe contract holding word.
type testChain struct {
	*simchain.Chain
	probe common.Address
	word  common.Hash
}

func newTestChain(t testing.TB) *testChain {
	t.Helper()
	ctx := context.Background()
	c, err := simchain.New(nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	probe, err := c.Deploy(ctx, simchain.ProbeInitCode())
	require.NoError(t, err)
	word := common.HexToHash("0xc0ffee")
	_, err = c.Send(ctx, &probe, word.Bytes())
	require.NoError(t, err)
	c.Mine(30)
	return &testChain{Chain: c, probe: probe, word: word}
}

// clock returns a clock just after the chain's head, so that quick blocks
// (whose timestamps run ahead of wall time) are not "in the future".
func (c *testChain) clock(t testing.TB) func() time.Time {
	h, err := c.Head(context.Background())
	require.NoError(t, err)
	at := time.Unix(int64(h.Time)+1, 0)
	return func() time.Time { return at }
}

func (c *testChain) proxies(t testing.TB, bs ...simchain.Behaviour) []string {
	urls := make([]string, len(bs))
	for i, b := range bs {
		p := simchain.NewProxy(c.URL(), b)
		t.Cleanup(p.Close)
		urls[i] = p.URL
	}
	return urls
}

// expected is the honest answer of the probe at block n.
func (c *testChain) expected(n uint64) []byte {
	out := append([]byte{}, c.word.Bytes()...)
	return append(out, common.BigToHash(new(big.Int).SetUint64(n)).Bytes()...)
}

var (
	honest = simchain.Behaviour{}
	liar   = simchain.Behaviour{Lie: true}
	dead   = simchain.Behaviour{Dead: true}
	lag20  = simchain.Behaviour{Lag: 20}
	ahead  = simchain.Behaviour{Ahead: 1000}
	slow   = simchain.Behaviour{Delay: 100 * time.Millisecond}
)

func TestQuorumTable(t *testing.T) {
	c := newTestChain(t)
	head, err := c.Head(context.Background())
	require.NoError(t, err)
	pinned := head.Number.Uint64() - DefaultConfirmations
	flipped := c.expected(pinned)
	flipped[len(flipped)-1] ^= 1

	tests := []struct {
		desc      string
		endpoints []simchain.Behaviour
		k         int
		want      []byte // nil: must fail closed
		wantStage string
		wantErr   error
		// wantBad: answers of these endpoints must be errors or disagree.
		wantBad []int
	}{
		{desc: "all honest", endpoints: []simchain.Behaviour{honest, honest, honest}, k: 2, want: c.expected(pinned)},
		{desc: "one liar out-voted", endpoints: []simchain.Behaviour{liar, honest, slow}, k: 2, want: c.expected(pinned), wantBad: []int{0}},
		{desc: "one dead", endpoints: []simchain.Behaviour{honest, dead, honest}, k: 2, want: c.expected(pinned), wantBad: []int{1}},
		{desc: "one lagging 20 blocks", endpoints: []simchain.Behaviour{lag20, honest, honest}, k: 2, want: c.expected(pinned)},
		{desc: "3-of-3 with a liar fails closed", endpoints: []simchain.Behaviour{honest, liar, honest}, k: 3, wantStage: "call", wantErr: ErrNoQuorum},
		{desc: "3-of-3 with a dead endpoint fails closed", endpoints: []simchain.Behaviour{honest, honest, dead}, k: 3, wantStage: "head", wantErr: ErrNoQuorum},
		// The limit of majority voting: two colluding liars are a quorum,
		// and the reader accepts their lie. Only more independent endpoints
		// (or a larger k) defend against that.
		{desc: "two colluding liars win", endpoints: []simchain.Behaviour{liar, liar, slow}, k: 2, want: flipped},
		{desc: "head in the future is out-voted", endpoints: []simchain.Behaviour{honest, ahead, honest}, k: 2, want: c.expected(pinned)},
		{desc: "head in the future rejected 3-of-3", endpoints: []simchain.Behaviour{honest, ahead, honest}, k: 3, wantStage: "head", wantErr: ErrFutureBlock},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			r, err := New(c.proxies(t, tc.endpoints...), tc.k, WithClock(c.clock(t)), WithChainID(simchain.ChainID))
			require.NoError(t, err)
			defer r.Close()
			ag, err := r.Read(context.Background(), c.probe, nil)
			if tc.want == nil {
				require.Error(t, err)
				assert.ErrorIs(t, err, ErrNoQuorum)
				assert.ErrorIs(t, err, tc.wantErr)
				var qe *Error
				require.ErrorAs(t, err, &qe)
				assert.Equal(t, tc.wantStage, qe.Stage)
				assert.Equal(t, tc.k, qe.Want)
				assert.Less(t, qe.Agreeing, tc.k)
				assert.Len(t, qe.Answers, len(tc.endpoints))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, ag.Result)
			assert.Equal(t, pinned, ag.Block.Number)
			assert.Equal(t, tc.k, len(ag.Agreed))
			hdr, err := c.Client().HeaderByNumber(context.Background(), new(big.Int).SetUint64(pinned))
			require.NoError(t, err)
			assert.Equal(t, hdr.Hash(), ag.Block.Hash)
			assert.Equal(t, hdr.Time, ag.Block.Time)
			for _, i := range tc.wantBad {
				a := ag.Answers[i]
				assert.True(t, a.Err != nil || string(a.Result) != string(ag.Result), "endpoint %d: %+v", i, a)
			}
		})
	}
}

func TestQuorumLiarEvidence(t *testing.T) {
	c := newTestChain(t)
	// The liar answers last, so both honest answers are in the evidence.
	slowLiar := simchain.Behaviour{Lie: true, Delay: 200 * time.Millisecond}
	r, err := New(c.proxies(t, honest, slowLiar, honest), 3, WithClock(c.clock(t)))
	require.NoError(t, err)
	defer r.Close()
	_, err = r.Read(context.Background(), c.probe, nil)
	var qe *Error
	require.ErrorAs(t, err, &qe)
	require.Equal(t, "call", qe.Stage)
	assert.Equal(t, 2, qe.Agreeing)
	assert.Equal(t, qe.Answers[0].Result, qe.Answers[2].Result)
	assert.NotEqual(t, qe.Answers[0].Result, qe.Answers[1].Result)
	assert.Contains(t, err.Error(), "2 endpoints agree, want 3")
}

func TestQuorumDoesNotWaitForTheSlowest(t *testing.T) {
	c := newTestChain(t)
	urls := c.proxies(t, honest, honest, simchain.Behaviour{Delay: time.Minute})
	r, err := New(urls, 2, WithClock(c.clock(t)))
	require.NoError(t, err)
	defer r.Close()
	// The third endpoint answers after a minute; the context allows far
	// less, so the read can only succeed by not waiting for it.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	got, err := r.Call(ctx, c.probe, nil)
	require.NoError(t, err)
	assert.Equal(t, c.word.Bytes(), got[:32])
}

func TestQuorumClockBehindChainRejectsBlocks(t *testing.T) {
	c := newTestChain(t)
	behind := func() time.Time { return time.Unix(1_000_000, 0) }
	r, err := New(c.proxies(t, honest, honest, honest), 2, WithClock(behind))
	require.NoError(t, err)
	defer r.Close()
	_, err = r.Read(context.Background(), c.probe, nil)
	require.ErrorIs(t, err, ErrFutureBlock)
	require.ErrorIs(t, err, ErrNoQuorum)
}

func TestQuorumWrongChainRejected(t *testing.T) {
	c := newTestChain(t)
	r, err := New(c.proxies(t, honest, honest, honest), 2, WithClock(c.clock(t)), WithChainID(4207))
	require.NoError(t, err)
	defer r.Close()
	_, err = r.Read(context.Background(), c.probe, nil)
	require.ErrorIs(t, err, ErrWrongChain)
}

func TestQuorumPinIsReusedThenRefreshed(t *testing.T) {
	c := newTestChain(t)
	now := c.clock(t)()
	clock := func() time.Time { return now }
	r, err := New(c.proxies(t, honest, honest, honest), 2, WithClock(clock), WithPinTTL(10*time.Second), WithMaxFuture(time.Hour))
	require.NoError(t, err)
	defer r.Close()
	ctx := context.Background()
	a1, err := r.Read(ctx, c.probe, nil)
	require.NoError(t, err)
	c.Mine(5)
	a2, err := r.Read(ctx, c.probe, nil)
	require.NoError(t, err)
	assert.Equal(t, a1.Block, a2.Block, "pin reused within its TTL")
	now = now.Add(11 * time.Second)
	a3, err := r.Read(ctx, c.probe, nil)
	require.NoError(t, err)
	assert.Equal(t, a1.Block.Number+5, a3.Block.Number)
	assert.Equal(t, c.expected(a3.Block.Number), a3.Result)
}

func TestQuorumFilterLogs(t *testing.T) {
	c := newTestChain(t)
	ctx := context.Background()
	second := common.HexToHash("0xbeef")
	_, err := c.Send(ctx, &c.probe, second.Bytes())
	require.NoError(t, err)
	c.Mine(5)
	q := ethereum.FilterQuery{Addresses: []common.Address{c.probe}, Topics: [][]common.Hash{{simchain.ProbeTopic()}}}
	want, err := c.Client().FilterLogs(ctx, q)
	require.NoError(t, err)
	require.Len(t, want, 2)

	r, err := New(c.proxies(t, liar, honest, slow), 2, WithClock(c.clock(t)))
	require.NoError(t, err)
	defer r.Close()
	var _ interface {
		FilterLogs(context.Context, ethereum.FilterQuery) ([]types.Log, error)
	} = r
	got, err := r.FilterLogs(ctx, q)
	require.NoError(t, err)
	require.Len(t, got, 2)
	for i := range want {
		assert.Equal(t, want[i].TxHash, got[i].TxHash)
		assert.Equal(t, want[i].Data, got[i].Data)
		assert.Equal(t, want[i].BlockHash, got[i].BlockHash)
	}
	byHash := q
	byHash.BlockHash = &want[1].BlockHash
	got, err = r.FilterLogs(ctx, byHash)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, second.Bytes(), got[0].Data)

	// A liar breaks a 3-of-3 quorum on logs: the read fails closed.
	r3, err := New(c.proxies(t, liar, honest, honest), 3, WithClock(c.clock(t)))
	require.NoError(t, err)
	defer r3.Close()
	_, err = r3.FilterLogs(ctx, q)
	var qe *Error
	require.ErrorAs(t, err, &qe)
	assert.Equal(t, "logs", qe.Stage)

	bad := q
	bad.FromBlock = big.NewInt(1 << 40)
	_, err = r.FilterLogs(ctx, bad)
	require.ErrorIs(t, err, ErrBadLogQuery)
}

func TestNewRejectsBadConfiguration(t *testing.T) {
	tests := []struct {
		desc string
		urls []string
		k    int
	}{
		{"no endpoints", nil, 1},
		{"zero quorum", []string{"http://127.0.0.1:1"}, 0},
		{"quorum above n", []string{"http://127.0.0.1:1"}, 2},
		{"not a majority", []string{"http://127.0.0.1:1", "http://127.0.0.1:2"}, 1},
		{"duplicate", []string{"http://127.0.0.1:1", "http://127.0.0.1:1"}, 2},
		{"bad scheme", []string{"ws://127.0.0.1:1"}, 1},
		{"no host", []string{"http://"}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			_, err := New(tc.urls, tc.k)
			require.Error(t, err)
		})
	}
}

// TestOptionsValidated: an option refuses a value it cannot use and New
// returns its error, with the package prefix once.
func TestOptionsValidated(t *testing.T) {
	two := []string{"http://127.0.0.1:1", "http://127.0.0.1:2"}
	for _, tc := range []struct {
		desc string
		opt  Option
		want string
	}{
		{"negative max future", WithMaxFuture(-time.Second), "max future -1s"},
		{"negative pin TTL", WithPinTTL(-time.Second), "pin TTL -1s"},
		{"nil clock", WithClock(nil), "nil clock"},
		{"chain id 0", WithChainID(0), "chain id 0"},
		{"nil http client", WithHTTPClient(nil), "nil http client"},
		{"nil logger", WithLogger(nil), "nil logger"},
		{"nil option", nil, "nil option"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			r, err := New(two, 2, tc.opt)
			require.Error(t, err)
			require.Nil(t, r)
			assert.Contains(t, err.Error(), tc.want)
			assert.True(t, strings.HasPrefix(err.Error(), "trustkernel/quorum: "), err.Error())
			assert.Equal(t, 1, strings.Count(err.Error(), "trustkernel"), err.Error())
		})
	}
	r, err := New(two, 2, WithMaxFuture(0), WithPinTTL(0), WithChainID(1), WithHTTPClient(&http.Client{}), WithLogger(slog.New(slog.DiscardHandler)), WithClock(time.Now))
	require.NoError(t, err)
	r.Close()
}

func TestQuorumFilterLogsWithLaggingEndpoint(t *testing.T) {
	c := newTestChain(t)
	ctx := context.Background()
	r, err := New(c.proxies(t, lag20, honest, honest), 2, WithClock(c.clock(t)))
	require.NoError(t, err)
	defer r.Close()
	logs, ag, err := r.FilterLogsAgreed(ctx, ethereum.FilterQuery{Addresses: []common.Address{c.probe}})
	require.NoError(t, err)
	require.Len(t, logs, 1)
	assert.Equal(t, c.word.Bytes(), logs[0].Data)
	head, err := c.Head(ctx)
	require.NoError(t, err)
	assert.Equal(t, head.Number.Uint64()-DefaultConfirmations, ag.Block.Number, "the lagging head did not drag the pin down")
}

func TestQuorumConcurrentReads(t *testing.T) {
	c := newTestChain(t)
	r, err := New(c.proxies(t, honest, honest, liar), 2, WithClock(c.clock(t)), WithPinTTL(0))
	require.NoError(t, err)
	defer r.Close()
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			got, err := r.Call(context.Background(), c.probe, nil)
			if err == nil && string(got[:32]) != string(c.word.Bytes()) {
				err = errors.New("wrong answer")
			}
			errs <- err
		}()
	}
	for range 8 {
		require.NoError(t, <-errs)
	}
}
