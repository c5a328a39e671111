package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/accordsdk/accord/trustkernel/integrity"
)

// Policy defaults.
const (
	// DefaultMaxStale is the Trust Kernel's recommended production
	// max_stale_sec.
	DefaultMaxStale = 180 * time.Second
	// DefaultMaxFuture bounds how far an agreed block's timestamp may be
	// ahead of the runtime's clock (the quorum reader's default bound too).
	DefaultMaxFuture = 30 * time.Second
)

// Reasons the runtime refuses to serve. A [Decision] carries them wrapped
// with the evidence; test with errors.Is.
var (
	// ErrNoTrustedState means no quorum-agreed state was ever read.
	ErrNoTrustedState = errors.New("trustkernel/runtime: no quorum-agreed state yet")
	// ErrStale means the last agreed block is older than max_stale_sec.
	ErrStale = errors.New("trustkernel/runtime: trusted state is stale")
	// ErrQuorumLost means the last read did not reach the RPC quorum: writes
	// are paused (and buffered in the outbox when one is configured).
	ErrQuorumLost = errors.New("trustkernel/runtime: rpc quorum lost")
	// ErrPaused is the runtime's refusal: the quorum-agreed snapshot shows
	// the controller paused by its emergency authority, so the install must
	// not serve. It is a decision about serving, made off chain; the chain's
	// own refusal of a transaction sent to a paused controller is
	// trustkernel.ErrControllerPaused, a contract revert.
	ErrPaused = errors.New("trustkernel/runtime: instance controller is paused")
	// ErrNoActiveRoot means the controller's activeRoot is zero: no release
	// was ever activated, so nothing may be served.
	ErrNoActiveRoot = errors.New("trustkernel/runtime: controller has no active root")
	// ErrStateRollback means a state source returned state from a block
	// below the runtime's last observation (or another block at its
	// height); the runtime keeps the newer observation and counts the read
	// as failed.
	ErrStateRollback = errors.New("trustkernel/runtime: state older than the last observation")
	// ErrNoOutbox means a write was refused and there is no outbox to
	// buffer it in.
	ErrNoOutbox = errors.New("trustkernel/runtime: no tx outbox configured")
	// ErrFutureBlock means the agreed block's timestamp is further ahead
	// of the runtime's clock than [Policy.MaxFuture] allows: the clock or
	// the chain is wrong, and nothing is served until they agree. (A
	// quorum reader refuses such blocks too, by its own clock.)
	ErrFutureBlock = errors.New("trustkernel/runtime: agreed block in the future")
)

// Block identifies the chain block an observation was read at, as the
// quorum agreed on it.
type Block struct {
	Number uint64
	// Hash is the block hash (Keccak-256 of the block header).
	Hash [32]byte
	// Time is the block's timestamp in Unix seconds.
	Time uint64
}

// short is the block hash's first and last three bytes in hex.
func (b Block) short() string { return fmt.Sprintf("0x%x..%x", b.Hash[:3], b.Hash[29:]) }

// Observation is controller state that a quorum agreed on.
type Observation struct {
	// Block is the agreed block the state was read at.
	Block Block
	// Paused is the controller's paused flag.
	Paused bool
	// ActiveRoot is the controller's attested manifest root.
	ActiveRoot [32]byte
	// ComponentID and Version name the running release in the controller's
	// release registry; both are zero when the active root was activated
	// without naming a release.
	ComponentID [32]byte
	Version     uint64
}

// Policy is the Trust Kernel's outage rules. The zero value is not valid; use
// [NewPolicy] or set both fields.
type Policy struct {
	// MaxStale is how old the agreed block may be for reads.
	MaxStale time.Duration
	// MaxFuture bounds how far an agreed block may be ahead of the clock.
	MaxFuture time.Duration
}

// NewPolicy returns the policy for max_stale_sec (0 means the default 180)
// with the default bound on future timestamps.
func NewPolicy(maxStaleSec int) Policy {
	p := Policy{MaxStale: DefaultMaxStale, MaxFuture: DefaultMaxFuture}
	if maxStaleSec > 0 {
		p.MaxStale = time.Duration(maxStaleSec) * time.Second
	}
	return p
}

// Decision says whether the install may serve reads and writes now. A nil
// error allows; otherwise the error says why not.
type Decision struct {
	Reads, Writes error
	// Observation is the state the decision rests on (nil if none).
	Observation *Observation
	// Age is how old the agreed block is by the clock.
	Age time.Duration
}

// MayRead reports whether reads may be served.
func (d Decision) MayRead() bool { return d.Reads == nil }

// MayWrite reports whether writes may be served.
func (d Decision) MayWrite() bool { return d.Writes == nil }

// Decide applies the outage rules. last is the latest agreed observation
// (nil if none), lastErr the error of the latest quorum read (nil if it
// succeeded). It reads no clock:
//
//   - no observation, an agreed block in the future, a stale block, a
//     paused controller or a zero activeRoot (no release ever activated):
//     reads and writes fail closed;
//   - quorum lost: writes are paused at once; reads go on until stale.
func (p Policy) Decide(now time.Time, last *Observation, lastErr error) Decision {
	d := Decision{Observation: last}
	if last == nil {
		err := ErrNoTrustedState
		if lastErr != nil {
			err = errorf("%w: %w", ErrNoTrustedState, lastErr)
		}
		d.Reads, d.Writes = err, err
		return d
	}
	bt := time.Unix(int64(last.Block.Time), 0)
	d.Age = now.Sub(bt)
	switch {
	case bt.After(now.Add(p.MaxFuture)):
		err := fmt.Errorf("%w: block %d at %d is %s ahead of the clock, allowed %s", ErrFutureBlock, last.Block.Number, last.Block.Time, -d.Age, p.MaxFuture)
		d.Reads, d.Writes = err, err
	case d.Age > p.MaxStale:
		err := fmt.Errorf("%w: block %d is %s old, allowed %s", ErrStale, last.Block.Number, d.Age.Truncate(time.Second), p.MaxStale)
		if lastErr != nil {
			err = fmt.Errorf("%w (%w)", err, lastErr)
		}
		d.Reads, d.Writes = err, err
	case last.Paused:
		err := fmt.Errorf("%w at block %d", ErrPaused, last.Block.Number)
		d.Reads, d.Writes = err, err
	case last.ActiveRoot == [32]byte{}:
		err := fmt.Errorf("%w at block %d", ErrNoActiveRoot, last.Block.Number)
		d.Reads, d.Writes = err, err
	case lastErr != nil:
		d.Writes = errorf("%w: %w", ErrQuorumLost, lastErr)
	}
	return d
}

// StateSource reads the controller's state through a quorum.
type StateSource interface {
	State(ctx context.Context) (*Observation, error)
}

// config is what the options set.
type config struct {
	now     func() time.Time
	outbox  *Outbox
	send    func(context.Context, Action) error
	log     *slog.Logger
	install *installBinding
}

// Option configures a [Runtime]. An option refuses a value it cannot use,
// and [New] returns that error.
type Option func(*config) error

// WithClock sets the runtime's clock (default time.Now); nil is refused.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errorf("nil clock")
		}
		c.now = now
		return nil
	}
}

// WithOutbox buffers critical actions in o while writes are paused, and
// delivers them through send when the quorum returns. Both are required.
func WithOutbox(o *Outbox, send func(context.Context, Action) error) Option {
	return func(c *config) error {
		if o == nil || send == nil {
			return errorf("outbox option needs an outbox and a sender")
		}
		c.outbox, c.send = o, send
		return nil
	}
}

// WithLogger sets the runtime's logger (default: discard); nil is refused.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errorf("nil logger")
		}
		c.log = l
		return nil
	}
}

// WithInstall binds the runtime to an install: the directory dir and the
// JSON manifest at manifestPath ([integrity.Parse]); this is the check of
// root_uri mode. Whenever the agreed activeRoot changes (and on the first
// observation), the runtime reads the manifest again and checks it and the
// directory with [integrity.Verify]; a mismatch makes reads and writes fail
// closed with the error, which names every missing, extra and changed file
// ([*integrity.DiffError]) or the two roots ([integrity.ErrRootMismatch]).
// A failed check is repeated at every refresh until it passes. Both paths
// are required; a second install option is refused.
func WithInstall(dir, manifestPath string) Option {
	return func(c *config) error {
		if dir == "" || manifestPath == "" {
			return errorf("install option needs a directory and a manifest path")
		}
		if c.install != nil {
			return errorf("two install options")
		}
		c.install = &installBinding{dir: dir, from: "manifest " + manifestPath,
			load: func(context.Context, [32]byte) (*integrity.Manifest, error) {
				data, err := os.ReadFile(manifestPath)
				if err != nil {
					return nil, err
				}
				return integrity.Parse(data)
			}}
		return nil
	}
}

// ManifestSource gives the manifest of a root. In the Trust Kernel's full
// mode it reads the per-file hashes from the chain (the trustkernel
// package's ChainManifests, through a quorum reader).
type ManifestSource interface {
	Manifest(ctx context.Context, root [32]byte) (*integrity.Manifest, error)
}

// WithChainInstall binds the runtime to the install directory dir in full
// mode: the per-file hashes come from src, read for the agreed activeRoot,
// instead of a manifest file on the server (which the server's filesystem
// could hold falsified together with the files). The check runs when
// [WithInstall]'s does and fails closed the same way; a manifest that
// cannot be read (for example not completely published) fails it too.
// Both arguments are required; a second install option is refused.
func WithChainInstall(dir string, src ManifestSource) Option {
	return func(c *config) error {
		if dir == "" || src == nil {
			return errorf("chain install option needs a directory and a manifest source")
		}
		if c.install != nil {
			return errorf("two install options")
		}
		c.install = &installBinding{dir: dir, from: "manifest from chain", load: src.Manifest}
		return nil
	}
}

// installBinding is an install directory and where its manifest comes
// from.
type installBinding struct {
	dir, from string
	load      func(ctx context.Context, root [32]byte) (*integrity.Manifest, error)
}

// verify checks the install against root.
func (b *installBinding) verify(ctx context.Context, root [32]byte) error {
	m, err := b.load(ctx, root)
	if err == nil {
		err = integrity.Verify(ctx, b.dir, m, root)
	}
	if err != nil {
		return errorf("install %s with %s at active root %x: %w", b.dir, b.from, root, err)
	}
	return nil
}

// Runtime enforces the outage rules for one install: it keeps the latest
// quorum-agreed controller state, answers [Runtime.Decision], buffers
// critical actions while the quorum is lost and flushes them once it is back.
type Runtime struct {
	src     StateSource
	policy  Policy
	now     func() time.Time
	outbox  *Outbox
	send    func(context.Context, Action) error
	log     *slog.Logger
	install *installBinding

	// refresh serialises Refresh calls.
	refresh sync.Mutex

	mu      sync.Mutex
	last    *Observation
	lastErr error
	// installErr is the result of the last install check, made at
	// installRoot; installChecked says whether one was made.
	installErr     error
	installRoot    [32]byte
	installChecked bool
}

// New returns a runtime reading state from src under policy p. It does no
// I/O.
func New(src StateSource, p Policy, opts ...Option) (*Runtime, error) {
	if src == nil {
		return nil, errorf("runtime needs a state source")
	}
	if p.MaxStale <= 0 || p.MaxFuture < 0 {
		return nil, errorf("policy max stale %s, max future %s: want positive and non-negative", p.MaxStale, p.MaxFuture)
	}
	c := config{now: time.Now, log: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		if opt == nil {
			return nil, errorf("nil option")
		}
		if err := opt(&c); err != nil {
			return nil, err
		}
	}
	return &Runtime{src: src, policy: p, now: c.now, outbox: c.outbox, send: c.send, log: c.log, install: c.install}, nil
}

// Refresh reads the controller state through the quorum. On failure the
// last good state is kept (reads go on until it is stale) and writes are
// paused. State from a block below the last observation's (or another
// block at its height) is a failure too ([ErrStateRollback]): the runtime
// never replaces an observation with an older block's. With [WithInstall],
// the install is checked whenever the active root changes. When a read
// succeeds after a failure, or while actions are buffered, the outbox is
// flushed; a flush error is returned but the new state is kept.
func (r *Runtime) Refresh(ctx context.Context) error {
	r.refresh.Lock()
	defer r.refresh.Unlock()
	obs, err := r.src.State(ctx)
	r.mu.Lock()
	if err == nil && r.last != nil && olderBlock(obs.Block, r.last.Block) {
		err = fmt.Errorf("%w: block %d (%s), last observation at block %d (%s)", ErrStateRollback,
			obs.Block.Number, obs.Block.short(), r.last.Block.Number, r.last.Block.short())
	}
	if err != nil {
		r.lastErr = err
		r.mu.Unlock()
		r.log.Warn("trust kernel: quorum read failed; writes paused", "err", err)
		return err
	}
	regained := r.lastErr != nil
	check := r.install != nil && obs.ActiveRoot != [32]byte{} &&
		(!r.installChecked || r.installErr != nil || r.installRoot != obs.ActiveRoot)
	r.mu.Unlock()
	var installErr error
	if check {
		installErr = r.install.verify(ctx, obs.ActiveRoot)
	}
	r.mu.Lock()
	prev, first := r.last, r.last == nil
	if first {
		prev = &Observation{}
	}
	r.last, r.lastErr = obs, nil
	if check {
		r.installErr, r.installRoot, r.installChecked = installErr, obs.ActiveRoot, true
	}
	r.mu.Unlock()
	if regained {
		r.log.Info("trust kernel: quorum regained", "block", obs.Block.Number)
	}
	if first || prev.ActiveRoot != obs.ActiveRoot || prev.ComponentID != obs.ComponentID || prev.Version != obs.Version {
		r.log.Info("trust kernel: running release", "root", fmt.Sprintf("%x", obs.ActiveRoot),
			"component", fmt.Sprintf("%x", obs.ComponentID), "version", obs.Version, "block", obs.Block.Number)
	}
	if installErr != nil {
		r.log.Error("trust kernel: install does not match the active root; failing closed", "err", installErr)
	}
	if r.outbox == nil || !r.Decision().MayWrite() {
		return nil
	}
	n, err := r.outbox.Flush(ctx, r.send)
	if n > 0 {
		r.log.Info("trust kernel: outbox flushed", "delivered", n)
	}
	return err
}

// olderBlock reports whether b is below last, or another block at its
// height.
func olderBlock(b, last Block) bool {
	return b.Number < last.Number || b.Number == last.Number && b.Hash != last.Hash
}

// Run calls [Runtime.Refresh] at once and then every interval until ctx is
// done, and returns ctx's error. Failed refreshes are logged and show in
// [Runtime.Decision]; they do not stop the loop.
func (r *Runtime) Run(ctx context.Context, interval time.Duration) error {
	if interval <= 0 {
		return errorf("runtime refresh interval %s, want positive", interval)
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := r.Refresh(ctx); err != nil && ctx.Err() == nil {
			r.log.Debug("trust kernel: refresh failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Decision answers whether this install may serve reads and writes now,
// and why not.
func (r *Runtime) Decision() Decision {
	r.mu.Lock()
	last, lastErr, installErr := r.last, r.lastErr, r.installErr
	checked := r.installChecked && last != nil && r.installRoot == last.ActiveRoot
	r.mu.Unlock()
	if last != nil {
		o := *last // the caller gets a copy, not the runtime's state
		last = &o
	}
	d := r.policy.Decide(r.now(), last, lastErr)
	if r.install != nil && d.Reads == nil {
		switch {
		case installErr != nil:
			d.Reads, d.Writes = installErr, installErr
		case !checked:
			err := fmt.Errorf("%w: install %s not yet checked against the active root", ErrNoTrustedState, r.install.dir)
			d.Reads, d.Writes = err, err
		}
	}
	return d
}

// Submit performs a critical action: delivered at once through the outbox's
// sender when writes are allowed; buffered durably when writes are paused
// only because the quorum is lost; refused otherwise. It reports whether
// the action was buffered.
func (r *Runtime) Submit(ctx context.Context, a Action) (buffered bool, err error) {
	d := r.Decision()
	if r.outbox == nil {
		if d.Writes != nil {
			return false, errorf("%w: %w", ErrNoOutbox, d.Writes)
		}
		return false, ErrNoOutbox
	}
	if d.Writes == nil {
		// Earlier buffered actions go first, to keep their order.
		if _, err := r.outbox.Flush(ctx, r.send); err != nil {
			return false, err
		}
		return false, r.send(ctx, a)
	}
	if !errors.Is(d.Writes, ErrQuorumLost) {
		return false, d.Writes
	}
	if _, err := r.outbox.Put(a, r.now()); err != nil {
		return false, err
	}
	return true, nil
}
