package trustkernel

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"
)

// Quorum reader defaults.
const (
	// DefaultConfirmations is how far below the quorum's head the reader
	// pins its block, so that a shallow reorganisation does not split honest
	// endpoints.
	DefaultConfirmations = 2
	// DefaultMaxFuture bounds how far in the future a block's timestamp may
	// be, measured by the reader's clock.
	DefaultMaxFuture = 30 * time.Second
	// DefaultPinTTL is how long a pinned block is reused before the reader
	// pins a newer one (one Ethereum slot).
	DefaultPinTTL = 12 * time.Second
)

// Sentinel errors of the quorum reader.
var (
	// ErrNoQuorum means fewer than the required number of endpoints agreed.
	// The error is a [*QuorumError] carrying every endpoint's answer.
	ErrNoQuorum = errors.New("trustkernel: rpc quorum not reached")
	// ErrFutureBlock means a block's timestamp is further in the future than
	// the reader's bound allows.
	ErrFutureBlock = errors.New("trustkernel: block timestamp in the future")
	// ErrWrongChain means an endpoint serves another chain id than configured.
	ErrWrongChain = errors.New("trustkernel: endpoint serves the wrong chain")
	// ErrBlockMismatch means an endpoint served a block other than the one
	// asked for.
	ErrBlockMismatch = errors.New("trustkernel: endpoint served the wrong block")
	// errNotAwaited marks an endpoint whose answer came after the decision.
	errNotAwaited = errors.New("no answer before the quorum decided")
)

// BlockRef identifies the block a quorum agreed on. Hash is recomputed from
// the header fields each endpoint served, never taken from its hash field.
type BlockRef struct {
	Number uint64
	Hash   common.Hash
	// Time is the block's timestamp in Unix seconds.
	Time uint64
}

// EndpointAnswer is what one endpoint answered at one stage of a read.
type EndpointAnswer struct {
	// Endpoint names the endpoint by index and host (never its full URL,
	// which may carry an API key).
	Endpoint string
	// Head is the head block number the endpoint claimed (head stage).
	Head uint64
	// BlockHash is the hash of the block the answer is pinned to.
	BlockHash common.Hash
	// Result is the answer's bytes (a call result, or the digest of a log
	// list); nil when Err is set.
	Result []byte
	// Err is why the endpoint gave no usable answer.
	Err error
}

// QuorumError reports a stage of a read at which fewer than Want endpoints
// agreed, with every answer heard. errors.Is(err, [ErrNoQuorum]) holds.
type QuorumError struct {
	// Stage is "head", "header", "call" or "logs".
	Stage string
	// Want is the quorum; Agreeing the largest group of agreeing answers.
	Want, Agreeing int
	// Answers has one entry per endpoint, in configuration order.
	Answers []EndpointAnswer
}

func (e *QuorumError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "trustkernel: rpc quorum not reached at %s: %d endpoints agree, want %d", e.Stage, e.Agreeing, e.Want)
	for _, a := range e.Answers {
		switch {
		case a.Err != nil:
			fmt.Fprintf(&b, "; %s: %v", a.Endpoint, a.Err)
		case e.Stage == "head":
			fmt.Fprintf(&b, "; %s: head %d", a.Endpoint, a.Head)
		case e.Stage == "header":
			fmt.Fprintf(&b, "; %s: block %s", a.Endpoint, a.BlockHash.TerminalString())
		default:
			fmt.Fprintf(&b, "; %s: %s", a.Endpoint, short(a.Result))
		}
	}
	return b.String()
}

// Unwrap makes errors.Is(err, ErrNoQuorum) true, and also true for the
// sentinels behind the endpoints' own errors (ErrFutureBlock, ...).
func (e *QuorumError) Unwrap() []error {
	errs := []error{ErrNoQuorum}
	for _, a := range e.Answers {
		if a.Err != nil && !errors.Is(a.Err, errNotAwaited) {
			errs = append(errs, a.Err)
		}
	}
	return errs
}

func short(b []byte) string {
	s := hexutil.Encode(b)
	if len(s) > 20 {
		return s[:10] + ".." + s[len(s)-8:]
	}
	return s
}

// Agreement is a read that a quorum of endpoints agreed on.
type Agreement struct {
	// Result is the agreed answer.
	Result []byte
	// Block is the block the answer is pinned to.
	Block BlockRef
	// Agreed names the endpoints whose answers formed the quorum.
	Agreed []string
	// Answers has one entry per endpoint, in configuration order, with
	// every answer heard before the decision.
	Answers []EndpointAnswer
}

type endpoint struct {
	name   string
	client *rpc.Client
}

type quorumOptions struct {
	confirmations uint64
	maxFuture     time.Duration
	pinTTL        time.Duration
	now           func() time.Time
	chainID       *big.Int
	httpClient    *http.Client
	logger        *slog.Logger
}

// QuorumOption configures a [QuorumReader].
type QuorumOption func(*quorumOptions)

// WithConfirmations sets how many blocks below the quorum's head the reader
// pins (default [DefaultConfirmations]).
func WithConfirmations(n uint64) QuorumOption { return func(o *quorumOptions) { o.confirmations = n } }

// WithMaxFuture bounds how far a block's timestamp may be ahead of the clock
// (default [DefaultMaxFuture]).
func WithMaxFuture(d time.Duration) QuorumOption { return func(o *quorumOptions) { o.maxFuture = d } }

// WithPinTTL sets how long a pinned block is reused (default
// [DefaultPinTTL]); zero pins a fresh block for every read.
func WithPinTTL(d time.Duration) QuorumOption { return func(o *quorumOptions) { o.pinTTL = d } }

// WithClock sets the clock the reader measures block timestamps against.
func WithClock(now func() time.Time) QuorumOption { return func(o *quorumOptions) { o.now = now } }

// WithChainID makes every endpoint prove it serves this chain id.
func WithChainID(id uint64) QuorumOption {
	return func(o *quorumOptions) { o.chainID = new(big.Int).SetUint64(id) }
}

// WithHTTPClient sets the HTTP client used for every endpoint.
func WithHTTPClient(c *http.Client) QuorumOption { return func(o *quorumOptions) { o.httpClient = c } }

// WithLogger sets the logger for endpoint failures (default: discard).
func WithLogger(l *slog.Logger) QuorumOption { return func(o *quorumOptions) { o.logger = l } }

// QuorumReader reads contract state and logs through N JSON-RPC endpoints
// and accepts an answer only when k of them agree on the block and the
// result. See the package documentation for the protocol.
type QuorumReader struct {
	eps  []endpoint
	k    int
	opts quorumOptions

	mu       sync.Mutex
	pin      BlockRef
	pinnedAt time.Time
	pinned   bool
}

// NewQuorumReader returns a reader over the given http(s) endpoints that
// requires quorum agreeing answers. quorum must be a strict majority
// (2*quorum > len(endpoints)) so that two disjoint quorums cannot exist.
// It does no I/O.
func NewQuorumReader(endpoints []string, quorum int, opts ...QuorumOption) (*QuorumReader, error) {
	o := quorumOptions{
		confirmations: DefaultConfirmations,
		maxFuture:     DefaultMaxFuture,
		pinTTL:        DefaultPinTTL,
		now:           time.Now,
		httpClient:    &http.Client{Timeout: 30 * time.Second},
	}
	for _, opt := range opts {
		opt(&o)
	}
	if o.logger == nil {
		o.logger = slog.New(slog.DiscardHandler)
	}
	if o.maxFuture < 0 || o.pinTTL < 0 || o.now == nil || o.httpClient == nil {
		return nil, errors.New("trustkernel: quorum reader options: negative duration or nil clock or client")
	}
	if err := checkQuorum(len(endpoints), quorum); err != nil {
		return nil, err
	}
	r := &QuorumReader{k: quorum, opts: o}
	seen := make(map[string]bool)
	for i, raw := range endpoints {
		u, err := parseEndpoint(raw)
		if err != nil {
			return nil, fmt.Errorf("trustkernel: endpoint %d: %w", i, err)
		}
		if seen[u.String()] {
			return nil, fmt.Errorf("trustkernel: endpoint %d (%s) listed twice", i, u.Host)
		}
		seen[u.String()] = true
		c, err := rpc.DialOptions(context.Background(), u.String(), rpc.WithHTTPClient(o.httpClient))
		if err != nil {
			return nil, fmt.Errorf("trustkernel: endpoint %d: %w", i, err)
		}
		r.eps = append(r.eps, endpoint{name: fmt.Sprintf("#%d %s", i, u.Host), client: c})
	}
	return r, nil
}

func checkQuorum(n, k int) error {
	if n < 1 {
		return errors.New("trustkernel: no rpc endpoints, want at least 1")
	}
	if k < 1 || k > n {
		return fmt.Errorf("trustkernel: rpc quorum %d out of range, want 1..%d", k, n)
	}
	if 2*k <= n {
		return fmt.Errorf("trustkernel: rpc quorum %d of %d is not a majority, want at least %d", k, n, n/2+1)
	}
	return nil
}

func parseEndpoint(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("bad url: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("scheme %q, want http or https", u.Scheme)
	}
	if u.Host == "" {
		return nil, errors.New("url has no host")
	}
	if u.Fragment != "" {
		return nil, errors.New("url has a fragment")
	}
	return u, nil
}

// Close releases the endpoints' connections.
func (r *QuorumReader) Close() {
	for _, e := range r.eps {
		e.client.Close()
	}
}

// Quorum returns k and the number of endpoints N.
func (r *QuorumReader) Quorum() (k, n int) { return r.k, len(r.eps) }

// answer is one endpoint's reply at one stage; key groups equal answers.
type answer struct {
	idx   int
	key   string
	ans   EndpointAnswer
	value any
}

// gather asks every endpoint in parallel and returns as soon as k answers
// share a key, without waiting for the others (their requests are
// cancelled). It fails as soon as no key can reach k any more.
//
// With linger set, once k answers agree it keeps collecting for as long
// again as that took (or until every endpoint answered), and returns every
// agreeing answer heard by then.
func (r *QuorumReader) gather(ctx context.Context, stage string, linger bool, ask func(ctx context.Context, e endpoint) (key string, ans EndpointAnswer, value any)) ([]any, []string, []EndpointAnswer, error) {
	start := time.Now()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan answer, len(r.eps))
	for i, e := range r.eps {
		go func() {
			key, ans, value := ask(ctx, e)
			ans.Endpoint = e.name
			ch <- answer{idx: i, key: key, ans: ans, value: value}
		}()
	}
	answers := make([]EndpointAnswer, len(r.eps))
	for i, e := range r.eps {
		answers[i] = EndpointAnswer{Endpoint: e.name, Err: errNotAwaited}
	}
	groups := make(map[string][]answer)
	best := 0
	var decided string
	var deadline <-chan time.Time
	for pending := len(r.eps); pending > 0; pending-- {
		var a answer
		select {
		case a = <-ch:
		case <-deadline:
			return agreedValues(groups[decided], answers)
		case <-ctx.Done():
			return nil, nil, answers, fmt.Errorf("trustkernel: %s stage: %w", stage, ctx.Err())
		}
		answers[a.idx] = a.ans
		if a.ans.Err != nil {
			r.opts.logger.Debug("rpc endpoint failed", "stage", stage, "endpoint", a.ans.Endpoint, "err", a.ans.Err)
		} else {
			groups[a.key] = append(groups[a.key], a)
			g := groups[a.key]
			best = max(best, len(g))
			if len(g) >= r.k && deadline == nil {
				if !linger {
					return agreedValues(g, answers)
				}
				decided = a.key
				t := time.NewTimer(time.Since(start))
				defer t.Stop()
				deadline = t.C
			}
		}
		if deadline == nil && best+pending-1 < r.k {
			break
		}
	}
	if deadline != nil {
		return agreedValues(groups[decided], answers)
	}
	return nil, nil, answers, &QuorumError{Stage: stage, Want: r.k, Agreeing: best, Answers: answers}
}

func agreedValues(g []answer, answers []EndpointAnswer) ([]any, []string, []EndpointAnswer, error) {
	values := make([]any, len(g))
	names := make([]string, len(g))
	for i, x := range g {
		values[i], names[i] = x.value, x.ans.Endpoint
	}
	return values, names, answers, nil
}

// Pin picks a fresh common block: the k-th highest head reported, minus the
// confirmation depth (heads are awaited until k arrive and then for as long
// again, so a slow endpoint does not hold the pin up); then
// fetches that block's header from every endpoint, recomputes its hash and
// accepts it when k endpoints serve the same header.
func (r *QuorumReader) Pin(ctx context.Context) (BlockRef, error) {
	now := r.opts.now()
	heads, _, _, err := r.gather(ctx, "head", true, func(ctx context.Context, e endpoint) (string, EndpointAnswer, any) {
		h, err := r.header(ctx, e, "latest", true)
		if err != nil {
			return "", EndpointAnswer{Err: err}, nil
		}
		if err := r.checkTime(h, now); err != nil {
			return "", EndpointAnswer{Head: h.Number.Uint64(), Err: err}, nil
		}
		return "", EndpointAnswer{Head: h.Number.Uint64()}, h.Number.Uint64()
	})
	if err != nil {
		return BlockRef{}, err
	}
	// The k-th highest head: every one of the k endpoints that reported a
	// head at least this high can serve the block.
	hs := make([]uint64, len(heads))
	for i, h := range heads {
		hs[i] = h.(uint64)
	}
	slices.Sort(hs)
	n := hs[len(hs)-r.k]
	n -= min(n, r.opts.confirmations)
	tag := hexutil.EncodeUint64(n)
	hdrs, _, _, err := r.gather(ctx, "header", false, func(ctx context.Context, e endpoint) (string, EndpointAnswer, any) {
		h, err := r.header(ctx, e, tag, false)
		if err != nil {
			return "", EndpointAnswer{Err: err}, nil
		}
		if h.Number.Uint64() != n {
			return "", EndpointAnswer{Err: fmt.Errorf("%w: got block %d, want %d", ErrBlockMismatch, h.Number.Uint64(), n)}, nil
		}
		hash := h.Hash()
		return hash.Hex(), EndpointAnswer{BlockHash: hash}, h
	})
	if err != nil {
		return BlockRef{}, err
	}
	h := hdrs[0].(*types.Header)
	if err := r.checkTime(h, now); err != nil {
		return BlockRef{}, err
	}
	ref := BlockRef{Number: n, Hash: h.Hash(), Time: h.Time}
	r.mu.Lock()
	r.pin, r.pinnedAt, r.pinned = ref, now, true
	r.mu.Unlock()
	return ref, nil
}

func (r *QuorumReader) checkTime(h *types.Header, now time.Time) error {
	limit := now.Add(r.opts.maxFuture).Unix()
	if int64(h.Time) > limit || h.Time > 1<<62 {
		return fmt.Errorf("%w: block %d has timestamp %d, clock %d allows at most %d", ErrFutureBlock, h.Number.Uint64(), h.Time, now.Unix(), limit)
	}
	return nil
}

// header fetches a header by tag or number; with chain set, the same batch
// also checks the endpoint's chain id.
func (r *QuorumReader) header(ctx context.Context, e endpoint, tag string, chain bool) (*types.Header, error) {
	var h *types.Header
	var id hexutil.Big
	batch := []rpc.BatchElem{{Method: "eth_getBlockByNumber", Args: []any{tag, false}, Result: &h}}
	if chain && r.opts.chainID != nil {
		batch = append(batch, rpc.BatchElem{Method: "eth_chainId", Result: &id})
	}
	if err := e.client.BatchCallContext(ctx, batch); err != nil {
		return nil, err
	}
	for _, b := range batch {
		if b.Error != nil {
			return nil, fmt.Errorf("%s: %w", b.Method, b.Error)
		}
	}
	if len(batch) > 1 && (*big.Int)(&id).Cmp(r.opts.chainID) != 0 {
		return nil, fmt.Errorf("%w: chain id %s, want %s", ErrWrongChain, (*big.Int)(&id), r.opts.chainID)
	}
	if h == nil || h.Number == nil {
		return nil, fmt.Errorf("%w: block %s not found", ErrBlockMismatch, tag)
	}
	return h, nil
}

// current returns the pinned block, pinning a new one when none is pinned or
// the pin is older than the pin TTL.
func (r *QuorumReader) current(ctx context.Context) (BlockRef, bool, error) {
	r.mu.Lock()
	ref, at, ok := r.pin, r.pinnedAt, r.pinned
	r.mu.Unlock()
	if ok && r.opts.pinTTL > 0 && r.opts.now().Sub(at) < r.opts.pinTTL {
		return ref, true, nil
	}
	ref, err := r.Pin(ctx)
	return ref, false, err
}

// Read makes the eth_call (to, calldata) on every endpoint pinned to the
// current block by hash (EIP-1898, requireCanonical) and returns the result
// that k endpoints agree on, with the evidence.
func (r *QuorumReader) Read(ctx context.Context, to common.Address, calldata []byte) (*Agreement, error) {
	ref, cached, err := r.current(ctx)
	if err != nil {
		return nil, err
	}
	ag, err := r.readAt(ctx, ref, to, calldata)
	if err != nil && cached && errors.Is(err, ErrNoQuorum) {
		// The pinned block may have been reorganised away: pin afresh once.
		if ref, err = r.Pin(ctx); err != nil {
			return nil, err
		}
		ag, err = r.readAt(ctx, ref, to, calldata)
	}
	return ag, err
}

func (r *QuorumReader) readAt(ctx context.Context, ref BlockRef, to common.Address, calldata []byte) (*Agreement, error) {
	args := map[string]any{"to": to, "input": hexutil.Bytes(calldata)}
	block := map[string]any{"blockHash": ref.Hash, "requireCanonical": true}
	values, agreed, answers, err := r.gather(ctx, "call", false, func(ctx context.Context, e endpoint) (string, EndpointAnswer, any) {
		var out hexutil.Bytes
		if err := e.client.CallContext(ctx, &out, "eth_call", args, block); err != nil {
			return "", EndpointAnswer{BlockHash: ref.Hash, Err: err}, nil
		}
		return string(out), EndpointAnswer{BlockHash: ref.Hash, Result: out}, []byte(out)
	})
	if err != nil {
		return nil, err
	}
	return &Agreement{Result: values[0].([]byte), Block: ref, Agreed: agreed, Answers: answers}, nil
}

// Call returns the result of the eth_call (to, calldata) that a quorum of
// endpoints agreed on at the pinned block. Use [QuorumReader.Read] for the
// block and the evidence.
func (r *QuorumReader) Call(ctx context.Context, to common.Address, calldata []byte) ([]byte, error) {
	ag, err := r.Read(ctx, to, calldata)
	if err != nil {
		return nil, err
	}
	return ag.Result, nil
}
