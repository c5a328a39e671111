package pairing

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"time"
)

// An Identity names a device: ComputerID is its stable identifier (also its
// zoneId in the swarm), Label the name a person sees (its zoneName).
type Identity struct {
	ComputerID string `json:"computerId"`
	Label      string `json:"label"`
}

func (id Identity) check() error {
	if !validID(id.ComputerID) {
		return fmt.Errorf("pairing: computer id %.80q: want 1 to 64 of [A-Za-z0-9._-]", id.ComputerID)
	}
	if !validLabel(id.Label) {
		return fmt.Errorf("pairing: label %.80q: want 1 to %d printable characters", id.Label, maxLabelLen)
	}
	return nil
}

// A Grant is what pairing hands over: the swarm secret of an epoch, and the
// swarm member that gave it.
type Grant struct {
	Secret   Secret
	Swarm    string // swarm identifier, the same for every epoch
	Epoch    uint64 // secret epoch, 1 for a new swarm, +1 at each rotation
	ZoneID   string // the giver's zone id
	ZoneName string // the giver's zone name
}

func (g *Grant) body(response bool) *grantBody {
	b := &grantBody{Secret: g.Secret[:], Swarm: g.Swarm, Epoch: g.Epoch, ZoneID: g.ZoneID, ZoneName: g.ZoneName}
	if response {
		ok := true
		b.Success = &ok
	}
	return b
}

func grantFrom(b *grantBody) *Grant {
	g := &Grant{Swarm: b.Swarm, Epoch: b.Epoch, ZoneID: b.ZoneID, ZoneName: b.ZoneName}
	copy(g.Secret[:], b.Secret)
	return g
}

// An Option configures a pairing flow or a swarm channel.
type Option func(*config) error

type config struct {
	now      func() time.Time
	rnd      io.Reader
	resend   time.Duration
	maxJoins int
	// swarm channel
	window, skew, grace time.Duration
	authOnly            bool
	fence               time.Time
	fenceSet            bool
}

func newConfig(opts []Option) (*config, error) {
	c := &config{now: time.Now, rnd: rand.Reader, resend: 500 * time.Millisecond,
		window: DefaultWindow, skew: DefaultFutureSkew, grace: DefaultGrace}
	for _, o := range opts {
		if err := o(c); err != nil {
			return nil, fmt.Errorf("pairing: option: %w", err)
		}
	}
	return c, nil
}

// WithClock sets the clock (default [time.Now]).
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("nil clock")
		}
		c.now = now
		return nil
	}
}

// WithRandom sets the source of codes, session ids, scalars and nonces
// (default crypto/rand). Only reproducible test vectors should set it.
func WithRandom(r io.Reader) Option {
	return func(c *config) error {
		if r == nil {
			return errors.New("nil random source")
		}
		c.rnd = r
		return nil
	}
}

// WithResend sets how long a pairing flow waits for a reply before it sends
// its last message again (default 500 ms).
func WithResend(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("resend interval %v, want > 0", d)
		}
		c.resend = d
		return nil
	}
}

// WithMaxJoins makes [HostSession] end after n devices joined (default: it
// serves until its context ends).
func WithMaxJoins(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("max joins %d, want at least 1", n)
		}
		c.maxJoins = n
		return nil
	}
}

func (c *config) random(n int) []byte {
	b := make([]byte, n)
	c.fill(b)
	return b
}

// fill fills b from the random source.
func (c *config) fill(b []byte) {
	if _, err := io.ReadFull(c.rnd, b); err != nil {
		panic("pairing: random source failed: " + err.Error())
	}
}

func (c *config) newCode() Code {
	code, err := newCodeFrom(c.rnd)
	if err != nil {
		panic("pairing: random source failed: " + err.Error())
	}
	return code
}

// channelID returns the CPace CI of a flow: lv_cat("accord-pairing-v1", flow).
func channelID(flow string) []byte { return lvCat([]byte(ciLabel), []byte(flow)) }

// pump receives pairing packets into a channel until ctx ends.
func pump(ctx context.Context, t Transport) <-chan Packet {
	ch := make(chan Packet)
	go func() {
		defer close(ch)
		for {
			p, err := t.Receive(ctx, ProtoPair)
			if err != nil {
				return
			}
			select {
			case ch <- p:
			case <-ctx.Done():
				return
			}
		}
	}()
	return ch
}

// send encodes m and sends it to addr, or broadcasts it if addr is "".
func send(t Transport, to Addr, m *Message) error {
	b, err := m.Marshal()
	if err != nil {
		return err
	}
	if to == "" {
		return t.Broadcast(ProtoPair, b)
	}
	return t.Send(to, ProtoPair, b)
}

// reject cancels run sid before this side holds a confirmed key: the
// reason travels in clear and authenticates nothing.
func reject(t Transport, to Addr, sid []byte, reason string) {
	send(t, to, &Message{Type: TypeReject, V: messageV, Sid: sid, Reason: reason})
}

// rejectSealed cancels run sid once this side has checked the peer's
// confirmation tag: the reason is sealed under the run's key, so the peer
// knows the reject is ours.
func rejectSealed(t Transport, to Addr, isk, sid []byte, reason string) {
	sealed, err := seal(isk, sid, TypeReject, &rejectBody{Reason: reason})
	if err != nil {
		return
	}
	send(t, to, &Message{Type: TypeReject, V: messageV, Sid: sid, Sealed: sealed})
}

// rejectOf returns the error a PAIR_REJECT of run sid means to a side that
// waits for the peer, or nil if the side ignores it. Before this side has
// checked the peer's confirmation tag (isk nil) the run is an attempt that
// anyone may cancel, with a reject in clear; a sealed one cannot be checked
// yet and is ignored. Once it has (isk set), only a reject sealed under the
// run's key counts: one in clear, or sealed under another key, is ignored,
// and the run goes on.
func rejectOf(m *Message, isk, sid []byte) error {
	if isk == nil {
		if m.Sealed != nil {
			return nil
		}
		return &RejectError{Reason: m.Reason}
	}
	if m.Sealed == nil {
		return nil
	}
	var body rejectBody
	if open(isk, sid, TypeReject, m.Sealed, &body) != nil || body.check() != nil {
		return nil
	}
	return &RejectError{Reason: body.Reason, Authenticated: true}
}

// holderRejected reports whether a PAIR_REJECT ends holder run r, which is
// not finished: one in clear does (the attempt was spent when it was
// answered, so cancelling it gives nothing away), and so does one sealed
// under the run's key; one sealed under another key does not.
func holderRejected(r *holderRun, m *Message) (string, bool) {
	if m.Sealed == nil {
		return m.Reason, true
	}
	var body rejectBody
	if open(r.res.isk, m.Sid, TypeReject, m.Sealed, &body) != nil || body.check() != nil {
		return "", false
	}
	return body.Reason, true
}

// holderRun is one key exchange answered by the device showing the code.
type holderRun struct {
	from   Addr
	peer   Identity
	share  []byte
	res    *cpaceResult
	answer *Message
	final  *Message // the last reply, sent again if the peer repeats itself
}

// holder is the device that shows the code: the zone when it accepts from a
// pocket, the host when others join. It answers at most MaxAttempts key
// exchanges per code.
type holder struct {
	c     *config
	t     Transport
	flow  string
	self  Identity
	shown shownCode
	runs  map[string]*holderRun
}

func (h *holder) newCode(display func(Code)) {
	h.shown = shownCode{code: h.c.newCode(), shown: h.c.now()}
	h.runs = make(map[string]*holderRun)
	if display != nil {
		display(h.shown.code)
	}
}

// answer handles the first message of a run (PAIR_OFFER or pair_request):
// it spends one attempt of the code and replies PAIR_ANSWER. A repeated
// first message gets the same answer without spending another attempt.
func (h *holder) answer(p Packet, m *Message) error {
	if r, ok := h.runs[string(m.Sid)]; ok {
		if hmac.Equal(r.share, m.Share) {
			if r.final != nil {
				return send(h.t, p.From, r.final)
			}
			return send(h.t, p.From, r.answer)
		}
		return nil
	}
	if err := h.shown.attempt(h.c.now()); err != nil {
		reject(h.t, p.From, m.Sid, err.Error())
		return err
	}
	cp, err := newCPace(false, h.shown.code.prs(), channelID(h.flow), m.Sid, []byte(h.self.ComputerID), h.c.rnd)
	if err != nil {
		return err
	}
	res, err := cp.finish(m.Share, []byte(m.ComputerID))
	if err != nil {
		reject(h.t, p.From, m.Sid, "invalid share")
		return nil
	}
	r := &holderRun{from: p.From, peer: Identity{m.ComputerID, m.Label}, share: m.Share, res: res,
		answer: &Message{Type: TypeAnswer, V: messageV, Label: h.self.Label, ComputerID: h.self.ComputerID,
			Sid: m.Sid, Share: cp.share, Confirm: res.ownTag}}
	h.runs[string(m.Sid)] = r
	return send(h.t, p.From, r.answer)
}

// confirmed checks the typist's confirmation tag of run sid.
func (h *holder) confirmed(m *Message) (*holderRun, error) {
	r, ok := h.runs[string(m.Sid)]
	if !ok {
		return nil, nil
	}
	if !hmac.Equal(m.Confirm, r.res.peerTag) {
		delete(h.runs, string(m.Sid))
		reject(h.t, r.from, m.Sid, "wrong code")
		return nil, ErrWrongCode
	}
	return r, nil
}

// AcceptCallbacks report an [AcceptFromPocket] run to the person.
type AcceptCallbacks struct {
	// DisplayCode shows the code on this device's own screen. It is called
	// again with a new code when the old one expires. The code must never
	// be sent anywhere.
	DisplayCode func(Code)
	// Status reports progress ("pocket connected", "wrong code entered").
	Status func(string)
}

// AcceptFromPocket waits, as a zone, for a pocket to deliver the swarm
// secret. It shows a code, announces PAIR_READY (without the code) every
// second, answers the pocket's key exchange, and opens the sealed
// PAIR_DELIVER. It returns the grant, or an error when ctx ends or a code
// answered [MaxAttempts] wrong attempts ([ErrTooManyAttempts]).
func AcceptFromPocket(ctx context.Context, t Transport, self Identity, cb AcceptCallbacks, opts ...Option) (*Grant, error) {
	c, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	if err := self.check(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	status := func(s string) {
		if cb.Status != nil {
			cb.Status(s)
		}
	}
	h := &holder{c: c, t: t, flow: flowDeliver, self: self}
	h.newCode(cb.DisplayCode)
	session := c.random(sessionSize)
	ready := &Message{Type: TypeReady, V: messageV, Label: self.Label, ComputerID: self.ComputerID, Session: session}
	in := pump(ctx, t)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	if err := send(t, "", ready); err != nil {
		return nil, err
	}
	var done *Grant
	var linger <-chan time.Time
	for {
		select {
		case <-linger:
			return done, nil
		case <-ctx.Done():
			if done != nil {
				return done, nil
			}
			return nil, fmt.Errorf("%w: accept from pocket: %v", ErrTimeout, context.Cause(ctx))
		case <-tick.C:
			if done != nil {
				continue
			}
			if h.shown.usable(c.now()) != nil && errors.Is(h.shown.usable(c.now()), ErrCodeExpired) {
				h.newCode(cb.DisplayCode)
				session = c.random(sessionSize)
				ready.Session = session
				status("code expired; showing a new code")
			}
			send(t, "", ready)
		case p, ok := <-in:
			if !ok {
				if done != nil {
					return done, nil
				}
				return nil, fmt.Errorf("%w: accept from pocket: %v", ErrTimeout, context.Cause(ctx))
			}
			m, err := ParseMessage(p.Data)
			if err != nil {
				continue
			}
			switch m.Type {
			case TypeOffer:
				if !hmac.Equal(m.Session, session) {
					continue
				}
				if done != nil {
					if r := h.runs[string(m.Sid)]; r != nil && r.final != nil {
						send(t, p.From, r.final)
					}
					continue
				}
				status(fmt.Sprintf("pocket %q is pairing", m.Label))
				if err := h.answer(p, m); errors.Is(err, ErrTooManyAttempts) {
					return nil, err
				}
			case TypeDeliver:
				r, err := h.confirmed(m)
				if err != nil {
					status("the code entered on the pocket was wrong")
					continue
				}
				if r == nil {
					continue
				}
				if r.final != nil {
					send(t, p.From, r.final)
					continue
				}
				var body grantBody
				if err := open(r.res.isk, m.Sid, TypeDeliver, m.Sealed, &body); err != nil {
					rejectSealed(t, p.From, r.res.isk, m.Sid, "delivery does not open")
					delete(h.runs, string(m.Sid))
					continue
				}
				if err := body.check(TypeDeliver); err != nil {
					rejectSealed(t, p.From, r.res.isk, m.Sid, "bad delivery")
					delete(h.runs, string(m.Sid))
					continue
				}
				h.shown.used = true
				sealed, err := seal(r.res.isk, m.Sid, TypeComplete, &completeBody{Label: self.Label, Success: true})
				if err != nil {
					return nil, err
				}
				r.final = &Message{Type: TypeComplete, V: messageV, Sid: m.Sid, Sealed: sealed}
				if err := send(t, p.From, r.final); err != nil {
					return nil, err
				}
				status("joined the swarm")
				done = grantFrom(&body)
				// Stay a little to answer a repeated PAIR_DELIVER whose
				// PAIR_COMPLETE was lost.
				linger = time.After(min(2*c.resend, time.Second))
			case TypeReject:
				if r := h.runs[string(m.Sid)]; r != nil && r.final == nil {
					if reason, ok := holderRejected(r, m); ok {
						delete(h.runs, string(m.Sid))
						status(fmt.Sprintf("pocket cancelled: %s", reason))
					}
				}
			}
		}
	}
}

// A Pending is a zone waiting to be paired, as its PAIR_READY told.
type Pending struct {
	Identity
	Addr    Addr
	session []byte
	Seen    time.Time
}

// DeliverCallbacks drive a [DeliverToPending] run.
type DeliverCallbacks struct {
	// Ready reports a zone that announced itself.
	Ready func(Pending)
	// Choose picks the zone to pair from those pending so far (in order of
	// appearance); ok false waits for more. Nil picks the first.
	Choose func(pending []Pending) (index int, ok bool)
	// CodePrompt asks the person for the code on the chosen zone's screen.
	// An error cancels the run.
	CodePrompt func(Pending) (string, error)
	// CodeInvalid reports a code that was not a code or not the right one;
	// the person is prompted again.
	CodeInvalid func(msg string)
	// Complete reports the zone's confirmation, with its label.
	Complete func(label string)
}

// DefaultDeliverTimeout is how long [DeliverToPending] waits when given no
// timeout.
const DefaultDeliverTimeout = 30 * time.Second

// DeliverToPending, as the pocket, listens for zones announcing PAIR_READY,
// lets the person choose one and type the code on its screen, runs the key
// exchange with it and delivers give sealed in PAIR_DELIVER. A wrong code
// prompts again (each try is one of the zone's attempts). It returns the
// paired zone.
func DeliverToPending(ctx context.Context, t Transport, self Identity, give Grant, cb DeliverCallbacks, timeout time.Duration, opts ...Option) (*Pending, error) {
	c, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	if err := self.check(); err != nil {
		return nil, err
	}
	if cb.CodePrompt == nil {
		return nil, errors.New("pairing: deliver: no CodePrompt callback")
	}
	if timeout <= 0 {
		timeout = DefaultDeliverTimeout
	}
	ctx, cancel := context.WithTimeoutCause(ctx, timeout, ErrTimeout)
	defer cancel()
	in := pump(ctx, t)
	var pending []Pending
	var chosen *Pending
	for chosen == nil {
		var p Packet
		var ok bool
		select {
		case p, ok = <-in:
		case <-ctx.Done():
		}
		if !ok {
			return nil, fmt.Errorf("%w: no zone chosen: %v", ErrTimeout, context.Cause(ctx))
		}
		m, err := ParseMessage(p.Data)
		if err != nil || m.Type != TypeReady {
			continue
		}
		found := false
		for i := range pending {
			if pending[i].ComputerID == m.ComputerID {
				pending[i].Addr, pending[i].session, pending[i].Label, pending[i].Seen = p.From, m.Session, m.Label, c.now()
				found = true
			}
		}
		if !found {
			z := Pending{Identity: Identity{m.ComputerID, m.Label}, Addr: p.From, session: m.Session, Seen: c.now()}
			pending = append(pending, z)
			if cb.Ready != nil {
				cb.Ready(z)
			}
		}
		i, ok := 0, true
		if cb.Choose != nil {
			i, ok = cb.Choose(pending)
		}
		if ok && i >= 0 && i < len(pending) {
			z := pending[i]
			chosen = &z
		}
	}
	for {
		text, err := cb.CodePrompt(*chosen)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrCancelled, err)
		}
		code, err := ParseCode(text)
		if err != nil {
			if cb.CodeInvalid != nil {
				cb.CodeInvalid(err.Error())
			}
			continue
		}
		label, err := deliverOnce(ctx, c, t, in, self, chosen, code, &give)
		switch {
		case errors.Is(err, ErrWrongCode):
			if cb.CodeInvalid != nil {
				cb.CodeInvalid("wrong code")
			}
			continue
		case err != nil:
			return nil, err
		}
		if cb.Complete != nil {
			cb.Complete(label)
		}
		return chosen, nil
	}
}

// next returns the next pairing message of run sid, resending last every
// resend interval until one comes. isk is the run's key once this side has
// checked the peer's confirmation tag, nil before (see rejectOf).
func next(ctx context.Context, c *config, t Transport, in <-chan Packet, to Addr, last *Message, sid, isk []byte) (Packet, *Message, error) {
	tick := time.NewTicker(c.resend)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			send(t, to, last)
		case p, ok := <-in:
			if !ok {
				return Packet{}, nil, fmt.Errorf("%w: %v", ErrTimeout, context.Cause(ctx))
			}
			m, err := ParseMessage(p.Data)
			if err != nil || m.Sid == nil || !hmac.Equal(m.Sid, sid) {
				continue
			}
			if m.Type == TypeReject {
				if err := rejectOf(m, isk, sid); err != nil {
					return p, nil, err
				}
				continue
			}
			return p, m, nil
		case <-ctx.Done():
			return Packet{}, nil, fmt.Errorf("%w: %v", ErrTimeout, context.Cause(ctx))
		}
	}
}

// deliverOnce runs one key exchange with the chosen zone using code and, if
// the zone proves it knows the same code, delivers give.
func deliverOnce(ctx context.Context, c *config, t Transport, in <-chan Packet, self Identity, z *Pending, code Code, give *Grant) (string, error) {
	sid := c.random(sidSize)
	cp, err := newCPace(true, code.prs(), channelID(flowDeliver), sid, []byte(self.ComputerID), c.rnd)
	if err != nil {
		return "", err
	}
	offer := &Message{Type: TypeOffer, V: messageV, Label: self.Label, ComputerID: self.ComputerID,
		Session: z.session, Sid: sid, Share: cp.share}
	if err := send(t, z.Addr, offer); err != nil {
		return "", err
	}
	var m *Message
	for m == nil || m.Type != TypeAnswer || m.ComputerID != z.ComputerID {
		if _, m, err = next(ctx, c, t, in, z.Addr, offer, sid, nil); err != nil {
			return "", err
		}
	}
	res, err := cp.finish(m.Share, []byte(m.ComputerID))
	if err != nil {
		reject(t, z.Addr, sid, "invalid share")
		return "", err
	}
	if !hmac.Equal(m.Confirm, res.peerTag) {
		reject(t, z.Addr, sid, "wrong code")
		return "", ErrWrongCode
	}
	sealed, err := seal(res.isk, sid, TypeDeliver, give.body(false))
	if err != nil {
		return "", err
	}
	deliver := &Message{Type: TypeDeliver, V: messageV, Sid: sid, Confirm: res.ownTag, Sealed: sealed}
	if err := send(t, z.Addr, deliver); err != nil {
		return "", err
	}
	var body completeBody
	for {
		if _, m, err = next(ctx, c, t, in, z.Addr, deliver, sid, res.isk); err != nil {
			return "", err
		}
		if m.Type != TypeComplete {
			continue
		}
		// A PAIR_COMPLETE whose sealed member does not open under the
		// run's key is not the zone's (anyone who saw sid can send one):
		// it is dropped and the run goes on, as a forged reject is.
		if err = open(res.isk, sid, TypeComplete, m.Sealed, &body); !errors.Is(err, ErrWrongCode) {
			break
		}
	}
	if err != nil {
		rejectSealed(t, z.Addr, res.isk, sid, "completion does not open")
		return "", err
	}
	if !body.Success || !validLabel(body.Label) {
		rejectSealed(t, z.Addr, res.isk, sid, "bad completion")
		return "", fmt.Errorf("%w: PAIR_COMPLETE body: success %v, label %.80q", ErrMalformed, body.Success, body.Label)
	}
	return body.Label, nil
}

// HostCallbacks report a [HostSession] to the person.
type HostCallbacks struct {
	// DisplayCode shows the current code; it is called again with a fresh
	// code after each join and when a code expires.
	DisplayCode func(Code)
	// Join reports a device that joined.
	Join func(Identity)
	// Status reports progress.
	Status func(string)
}

// HostSession, on a device already in the swarm, lets others join with the
// code it shows (the recovery flow: a new pocket, or another zone). It
// answers pair_request, checks the joiner's pair_confirm and sends give in a
// sealed pair_response; each joiner gets a fresh code. It serves until ctx
// ends (or [WithMaxJoins] joins) and returns how many joined; a code that
// answered [MaxAttempts] wrong attempts ends it with [ErrTooManyAttempts].
func HostSession(ctx context.Context, t Transport, self Identity, give Grant, cb HostCallbacks, opts ...Option) (int, error) {
	c, err := newConfig(opts)
	if err != nil {
		return 0, err
	}
	if err := self.check(); err != nil {
		return 0, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	status := func(s string) {
		if cb.Status != nil {
			cb.Status(s)
		}
	}
	h := &holder{c: c, t: t, flow: flowJoin, self: self}
	h.newCode(cb.DisplayCode)
	done := make(map[string]*holderRun) // finished runs, to answer repeats
	in := pump(ctx, t)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	joined := 0
	for {
		select {
		case <-ctx.Done():
			return joined, nil
		case <-tick.C:
			if err := h.shown.usable(c.now()); errors.Is(err, ErrCodeExpired) {
				h.newCode(cb.DisplayCode)
				status("code expired; showing a new code")
			}
		case p, ok := <-in:
			if !ok {
				return joined, nil
			}
			m, err := ParseMessage(p.Data)
			if err != nil {
				continue
			}
			switch m.Type {
			case TypeRequest:
				if r := done[string(m.Sid)]; r != nil {
					send(t, p.From, r.final)
					continue
				}
				if err := h.answer(p, m); errors.Is(err, ErrTooManyAttempts) {
					return joined, err
				}
			case TypeConfirm:
				if r := done[string(m.Sid)]; r != nil {
					send(t, p.From, r.final)
					continue
				}
				r, err := h.confirmed(m)
				if err != nil {
					status("a joiner typed a wrong code")
					continue
				}
				if r == nil {
					continue
				}
				sealed, err := seal(r.res.isk, m.Sid, TypeResponse, give.body(true))
				if err != nil {
					return joined, err
				}
				r.final = &Message{Type: TypeResponse, V: messageV, Sid: m.Sid, Sealed: sealed}
				if err := send(t, p.From, r.final); err != nil {
					return joined, err
				}
				done[string(m.Sid)] = r
				joined++
				if cb.Join != nil {
					cb.Join(r.peer)
				}
				if c.maxJoins > 0 && joined >= c.maxJoins {
					return joined, nil
				}
				h.newCode(cb.DisplayCode)
			case TypeReject:
				if r := h.runs[string(m.Sid)]; r != nil && r.final == nil {
					if reason, ok := holderRejected(r, m); ok {
						delete(h.runs, string(m.Sid))
						status(fmt.Sprintf("joiner cancelled: %s", reason))
					}
				}
			}
		}
	}
}

// JoinCallbacks report a [JoinWithCode] run.
type JoinCallbacks struct {
	Status func(string)
}

// JoinWithCode joins the swarm through a hosting device, with the code on
// that device's screen: it broadcasts pair_request, checks the host's
// confirmation, confirms in turn and opens the sealed pair_response. A wrong
// code fails with [ErrWrongCode] and nothing is delivered; the caller may
// prompt again.
func JoinWithCode(ctx context.Context, t Transport, self Identity, codeText string, cb JoinCallbacks, opts ...Option) (*Grant, error) {
	c, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	if err := self.check(); err != nil {
		return nil, err
	}
	code, err := ParseCode(codeText)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	status := func(s string) {
		if cb.Status != nil {
			cb.Status(s)
		}
	}
	in := pump(ctx, t)
	sid := c.random(sidSize)
	cp, err := newCPace(true, code.prs(), channelID(flowJoin), sid, []byte(self.ComputerID), c.rnd)
	if err != nil {
		return nil, err
	}
	req := &Message{Type: TypeRequest, V: messageV, Label: self.Label, ComputerID: self.ComputerID, Sid: sid, Share: cp.share}
	if err := send(t, "", req); err != nil {
		return nil, err
	}
	status("looking for the host")
	var p Packet
	var m *Message
	for m == nil || m.Type != TypeAnswer {
		if p, m, err = next(ctx, c, t, in, "", req, sid, nil); err != nil {
			return nil, err
		}
	}
	host := p.From
	res, err := cp.finish(m.Share, []byte(m.ComputerID))
	if err != nil {
		reject(t, host, sid, "invalid share")
		return nil, err
	}
	if !hmac.Equal(m.Confirm, res.peerTag) {
		reject(t, host, sid, "wrong code")
		return nil, ErrWrongCode
	}
	status(fmt.Sprintf("host %q confirmed the code", m.Label))
	confirm := &Message{Type: TypeConfirm, V: messageV, Sid: sid, Confirm: res.ownTag}
	if err := send(t, host, confirm); err != nil {
		return nil, err
	}
	var body grantBody
	for {
		if p, m, err = next(ctx, c, t, in, host, confirm, sid, res.isk); err != nil {
			return nil, err
		}
		if m.Type != TypeResponse || p.From != host {
			continue
		}
		// A pair_response whose sealed member does not open under the
		// run's key is not the host's (anyone who saw sid can send one,
		// from a forged address too): it is dropped and the run goes on.
		if err = open(res.isk, sid, TypeResponse, m.Sealed, &body); !errors.Is(err, ErrWrongCode) {
			break
		}
	}
	if err != nil {
		rejectSealed(t, host, res.isk, sid, "response does not open")
		return nil, err
	}
	if err := body.check(TypeResponse); err != nil {
		rejectSealed(t, host, res.isk, sid, "bad response")
		return nil, err
	}
	return grantFrom(&body), nil
}
