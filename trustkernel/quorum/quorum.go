package quorum

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
	// DefaultHeadSpread is how far apart, in blocks, the heads of a quorum
	// of endpoints may be for the reader to pin below them.
	DefaultHeadSpread = 4
	// DefaultPinTTL is how long a pinned block is reused before the reader
	// pins a newer one (one Ethereum slot).
	DefaultPinTTL = 12 * time.Second
)

// Sentinel errors of the quorum reader.
var (
	// ErrNoQuorum means fewer than the required number of endpoints agreed.
	// The error is a [*Error] carrying every endpoint's answer.
	ErrNoQuorum = errors.New("trustkernel/quorum: rpc quorum not reached")
	// ErrFutureBlock means a block's timestamp is further in the future than
	// the reader's bound allows.
	ErrFutureBlock = errors.New("trustkernel/quorum: block timestamp in the future")
	// ErrWrongChain means an endpoint serves another chain id than configured.
	ErrWrongChain = errors.New("trustkernel/quorum: endpoint serves the wrong chain")
	// ErrBlockMismatch means an endpoint served a block other than the one
	// asked for.
	ErrBlockMismatch = errors.New("trustkernel/quorum: endpoint served the wrong block")
	// ErrPinRollback means a read would have pinned a block below the
	// reader's last pin (or another block at its height). The error is a
	// [*PinRollbackError].
	ErrPinRollback = errors.New("trustkernel/quorum: pin below the last pin")
	// ErrSingleEndpoint means fewer than two endpoints, or a quorum of one,
	// was configured without [WithDevelopment].
	ErrSingleEndpoint = errors.New("trustkernel/quorum: a quorum needs at least two endpoints")
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

// PinRollbackError reports a pin that would have moved the reader back in
// time: Got is below Last, or at its height with another hash. The read
// fails and Last stays the reader's pin. errors.Is(err, [ErrPinRollback])
// holds.
type PinRollbackError struct {
	// Last is the reader's pin; Got the block the failed read would have
	// pinned (its hash is zero when the read stopped at the head stage).
	Last, Got BlockRef
}

func (e *PinRollbackError) Error() string {
	if e.Got.Number == e.Last.Number {
		return fmt.Sprintf("trustkernel/quorum: pin below the last pin: block %d is %s, last pinned as %s", e.Got.Number, e.Got.Hash.TerminalString(), e.Last.Hash.TerminalString())
	}
	return fmt.Sprintf("trustkernel/quorum: pin below the last pin: block %d, last pin %d", e.Got.Number, e.Last.Number)
}

// Unwrap returns [ErrPinRollback].
func (e *PinRollbackError) Unwrap() error { return ErrPinRollback }

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

// Error reports a stage of a read at which fewer than Want endpoints
// agreed, with every answer heard. errors.Is(err, [ErrNoQuorum]) holds.
type Error struct {
	// Stage is "head", "header", "call", "code", "logs" or "transaction".
	Stage string
	// Want is the quorum; Agreeing the largest group of agreeing answers.
	Want, Agreeing int
	// Answers has one entry per endpoint, in configuration order.
	Answers []EndpointAnswer
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "trustkernel/quorum: rpc quorum not reached at %s: %d endpoints agree, want %d", e.Stage, e.Agreeing, e.Want)
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
func (e *Error) Unwrap() []error {
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

type config struct {
	confirmations uint64
	headSpread    uint64
	development   bool
	maxFuture     time.Duration
	pinTTL        time.Duration
	now           func() time.Time
	chainID       *big.Int
	httpClient    *http.Client
	logger        *slog.Logger
}

// Option configures a [Reader]. An option refuses a value it cannot use,
// and [New] returns that error.
type Option func(*config) error

// WithConfirmations sets how many blocks below the quorum's head the reader
// pins (default [DefaultConfirmations]).
func WithConfirmations(n uint64) Option {
	return func(c *config) error { c.confirmations = n; return nil }
}

// WithHeadSpread sets how far apart, in blocks, k endpoints' heads may be to
// count as a quorum of heads (default [DefaultHeadSpread]).
func WithHeadSpread(n uint64) Option {
	return func(c *config) error { c.headSpread = n; return nil }
}

// WithDevelopment allows a single endpoint (a 1-of-1 "quorum"), which is
// refused otherwise ([ErrSingleEndpoint]). One endpoint can lie about
// anything it returns: use it only against a development chain.
func WithDevelopment() Option {
	return func(c *config) error { c.development = true; return nil }
}

// WithMaxFuture bounds how far a block's timestamp may be ahead of the clock
// (default [DefaultMaxFuture]); it must not be negative.
func WithMaxFuture(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return errorf("max future %s: want non-negative", d)
		}
		c.maxFuture = d
		return nil
	}
}

// WithPinTTL sets how long a pinned block is reused (default
// [DefaultPinTTL]); zero pins a fresh block for every read, a negative
// duration is refused.
func WithPinTTL(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return errorf("pin TTL %s: want non-negative", d)
		}
		c.pinTTL = d
		return nil
	}
}

// WithClock sets the clock the reader measures block timestamps against
// (default time.Now); nil is refused.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errorf("nil clock")
		}
		c.now = now
		return nil
	}
}

// WithChainID makes every endpoint prove it serves this chain id (zero is
// refused: no EVM chain has it).
func WithChainID(id uint64) Option {
	return func(c *config) error {
		if id == 0 {
			return errorf("chain id 0")
		}
		c.chainID = new(big.Int).SetUint64(id)
		return nil
	}
}

// WithHTTPClient sets the HTTP client used for every endpoint (default: a
// client with a 30-second timeout); nil is refused.
func WithHTTPClient(h *http.Client) Option {
	return func(c *config) error {
		if h == nil {
			return errorf("nil http client")
		}
		c.httpClient = h
		return nil
	}
}

// WithLogger sets the logger for endpoint failures (default: discard); nil
// is refused.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errorf("nil logger")
		}
		c.logger = l
		return nil
	}
}

// Reader reads contract state and logs through N JSON-RPC endpoints
// and accepts an answer only when k of them agree on the block and the
// result. See the package documentation for the protocol.
type Reader struct {
	eps  []endpoint
	k    int
	opts config

	mu       sync.Mutex
	pin      BlockRef
	pinnedAt time.Time
	pinned   bool
}

// New returns a reader over the given http(s) endpoints that
// requires quorum agreeing answers. quorum must be a strict majority
// (2*quorum > len(endpoints)) so that two disjoint quorums cannot exist.
// It does no I/O.
func New(endpoints []string, quorum int, opts ...Option) (*Reader, error) {
	o := config{
		confirmations: DefaultConfirmations,
		headSpread:    DefaultHeadSpread,
		maxFuture:     DefaultMaxFuture,
		pinTTL:        DefaultPinTTL,
		now:           time.Now,
		httpClient:    &http.Client{Timeout: 30 * time.Second},
		logger:        slog.New(slog.DiscardHandler),
	}
	for _, opt := range opts {
		if opt == nil {
			return nil, errorf("nil option")
		}
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	if err := CheckRule(len(endpoints), quorum, o.development); err != nil {
		return nil, err
	}
	r := &Reader{k: quorum, opts: o}
	seen := make(map[string]bool)
	for i, raw := range endpoints {
		u, err := ParseEndpoint(raw)
		if err != nil {
			return nil, errorf("endpoint %d: %w", i, err)
		}
		if seen[u.String()] {
			return nil, errorf("endpoint %d (%s) listed twice", i, u.Host)
		}
		seen[u.String()] = true
		c, err := rpc.DialOptions(context.Background(), u.String(), rpc.WithHTTPClient(o.httpClient))
		if err != nil {
			return nil, errorf("endpoint %d: %w", i, err)
		}
		r.eps = append(r.eps, endpoint{name: fmt.Sprintf("#%d %s", i, u.Host), client: c})
	}
	return r, nil
}

// CheckRule enforces the production rule (at least two endpoints, a
// quorum of at least two, a strict majority); development allows 1 of 1.
func CheckRule(n, k int, development bool) error {
	if n < 1 {
		return errors.New("trustkernel/quorum: no rpc endpoints, want at least 2")
	}
	if k < 1 || k > n {
		return errorf("rpc quorum %d out of range, want 2..%d", k, n)
	}
	if 2*k <= n {
		return errorf("rpc quorum %d of %d is not a majority, want at least %d", k, n, n/2+1)
	}
	if (n < 2 || k < 2) && !development {
		return fmt.Errorf("%w: got %d of %d, want at least 2 of 2 (2 of 3 recommended)", ErrSingleEndpoint, k, n)
	}
	return nil
}

// ParseEndpoint checks an endpoint URL as [New] does: http or https, a
// host, no fragment. Errors name the problem without the URL, which may
// carry an API key.
func ParseEndpoint(raw string) (*url.URL, error) {
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
func (r *Reader) Close() {
	for _, e := range r.eps {
		e.client.Close()
	}
}

// Quorum returns k and the number of endpoints N.
func (r *Reader) Quorum() (k, n int) { return r.k, len(r.eps) }

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
func (r *Reader) gather(ctx context.Context, stage string, linger bool, ask func(ctx context.Context, e endpoint) (key string, ans EndpointAnswer, value any)) ([]any, []string, []EndpointAnswer, error) {
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
			return nil, nil, answers, errorf("%s stage: %w", stage, ctx.Err())
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
	return nil, nil, answers, &Error{Stage: stage, Want: r.k, Agreeing: best, Answers: answers}
}

func agreedValues(g []answer, answers []EndpointAnswer) ([]any, []string, []EndpointAnswer, error) {
	values := make([]any, len(g))
	names := make([]string, len(g))
	for i, x := range g {
		values[i], names[i] = x.value, x.ans.Endpoint
	}
	return values, names, answers, nil
}

// Pin picks a fresh common block and makes it the reader's pin.
//
// Every endpoint is asked for its latest header. The pin comes from a
// quorum of heads: k heads no more than the head spread apart
// ([WithHeadSpread]); among such groups the highest is taken, and the pin
// is its lowest head minus the confirmation depth. Heads are awaited until
// such a group exists and then for as long again, so a slow endpoint does
// not hold the pin up, while a fast endpoint that lags behind the others
// cannot pull the pin down: its head does not fit in a group with theirs,
// and the reader waits for the endpoints that do. When every endpoint has
// answered and no k heads fit in the spread, the read fails at the "head"
// stage. The reader then fetches the pinned block's header from every
// endpoint, recomputes its hash and accepts it when k endpoints serve the
// same header.
//
// A pin is never lower than the reader's last pin: a new pin below it, or
// at its height with another hash, is a failed read ([*PinRollbackError],
// errors.Is [ErrPinRollback]) and the last pin stays.
func (r *Reader) Pin(ctx context.Context) (BlockRef, error) {
	now := r.opts.now()
	n, err := r.pinHeight(ctx, now)
	if err != nil {
		return BlockRef{}, err
	}
	r.mu.Lock()
	last, pinned := r.pin, r.pinned
	r.mu.Unlock()
	if pinned && n < last.Number {
		return BlockRef{}, &PinRollbackError{Last: last, Got: BlockRef{Number: n}}
	}
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
	defer r.mu.Unlock()
	if r.pinned && (ref.Number < r.pin.Number || ref.Number == r.pin.Number && ref.Hash != r.pin.Hash) {
		return BlockRef{}, &PinRollbackError{Last: r.pin, Got: ref}
	}
	r.pin, r.pinnedAt, r.pinned = ref, now, true
	return ref, nil
}

// pinHeight runs the head stage: it returns the lowest head of the highest
// group of k heads within the head spread, minus the confirmations.
func (r *Reader) pinHeight(ctx context.Context, now time.Time) (uint64, error) {
	start := time.Now()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type headAnswer struct {
		idx int
		ans EndpointAnswer
	}
	ch := make(chan headAnswer, len(r.eps))
	for i, e := range r.eps {
		go func() {
			var ans EndpointAnswer
			h, err := r.header(ctx, e, "latest", true)
			switch {
			case err != nil:
				ans.Err = err
			default:
				ans.Head = h.Number.Uint64()
				ans.Err = r.checkTime(h, now)
			}
			ans.Endpoint = e.name
			ch <- headAnswer{i, ans}
		}()
	}
	answers := make([]EndpointAnswer, len(r.eps))
	for i, e := range r.eps {
		answers[i] = EndpointAnswer{Endpoint: e.name, Err: errNotAwaited}
	}
	var heads []uint64
	var deadline <-chan time.Time
wait:
	for pending := len(r.eps); pending > 0; pending-- {
		select {
		case a := <-ch:
			answers[a.idx] = a.ans
			if a.ans.Err != nil {
				r.opts.logger.Debug("rpc endpoint failed", "stage", "head", "endpoint", a.ans.Endpoint, "err", a.ans.Err)
				continue
			}
			heads = append(heads, a.ans.Head)
			if _, size := headQuorum(heads, r.k, r.opts.headSpread); size >= r.k && deadline == nil {
				t := time.NewTimer(time.Since(start))
				defer t.Stop()
				deadline = t.C
			}
		case <-deadline:
			break wait
		case <-ctx.Done():
			return 0, errorf("head stage: %w", ctx.Err())
		}
	}
	low, size := headQuorum(heads, r.k, r.opts.headSpread)
	if size < r.k {
		return 0, &Error{Stage: "head", Want: r.k, Agreeing: size, Answers: answers}
	}
	return low - min(low, r.opts.confirmations), nil
}

// headQuorum finds the highest group of k heads that lie within spread of
// each other and returns its lowest head. Without such a group it returns
// the size of the largest group within spread.
func headQuorum(heads []uint64, k int, spread uint64) (low uint64, size int) {
	hs := slices.Clone(heads)
	slices.Sort(hs)
	slices.Reverse(hs)
	if len(hs) >= k {
		for i := 0; i+k <= len(hs); i++ {
			if hs[i]-hs[i+k-1] <= spread {
				return hs[i+k-1], k
			}
		}
	}
	for i := range hs {
		j := i
		for j+1 < len(hs) && hs[i]-hs[j+1] <= spread {
			j++
		}
		size = max(size, j-i+1)
	}
	return 0, size
}

func (r *Reader) checkTime(h *types.Header, now time.Time) error {
	limit := now.Add(r.opts.maxFuture).Unix()
	if int64(h.Time) > limit || h.Time > 1<<62 {
		return fmt.Errorf("%w: block %d has timestamp %d, clock %d allows at most %d", ErrFutureBlock, h.Number.Uint64(), h.Time, now.Unix(), limit)
	}
	return nil
}

// header fetches a header by tag or number; with chain set, the same batch
// also checks the endpoint's chain id.
func (r *Reader) header(ctx context.Context, e endpoint, tag string, chain bool) (*types.Header, error) {
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
func (r *Reader) current(ctx context.Context) (BlockRef, bool, error) {
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
func (r *Reader) Read(ctx context.Context, to common.Address, calldata []byte) (*Agreement, error) {
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

func (r *Reader) readAt(ctx context.Context, ref BlockRef, to common.Address, calldata []byte) (*Agreement, error) {
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
// endpoints agreed on at the pinned block. Use [Reader.Read] for the
// block and the evidence.
func (r *Reader) Call(ctx context.Context, to common.Address, calldata []byte) ([]byte, error) {
	ag, err := r.Read(ctx, to, calldata)
	if err != nil {
		return nil, err
	}
	return ag.Result, nil
}

// Code returns the runtime code at account that a quorum of endpoints
// agreed on at the pinned block (eth_getCode pinned by block hash).
func (r *Reader) Code(ctx context.Context, account common.Address) (*Agreement, error) {
	ref, _, err := r.current(ctx)
	if err != nil {
		return nil, err
	}
	return r.CodeAt(ctx, ref, account)
}

// CodeAt is [Reader.Code] at the block ref, typically one an earlier
// agreement was pinned to, so that code and state come from one block.
func (r *Reader) CodeAt(ctx context.Context, ref BlockRef, account common.Address) (*Agreement, error) {
	block := map[string]any{"blockHash": ref.Hash, "requireCanonical": true}
	values, agreed, answers, err := r.gather(ctx, "code", false, func(ctx context.Context, e endpoint) (string, EndpointAnswer, any) {
		var out hexutil.Bytes
		if err := e.client.CallContext(ctx, &out, "eth_getCode", account, block); err != nil {
			return "", EndpointAnswer{BlockHash: ref.Hash, Err: err}, nil
		}
		return string(out), EndpointAnswer{BlockHash: ref.Hash, Result: out}, []byte(out)
	})
	if err != nil {
		return nil, errorf("code of %s at block %d: %w", account.Hex(), ref.Number, err)
	}
	return &Agreement{Result: values[0].([]byte), Block: ref, Agreed: agreed, Answers: answers}, nil
}
