package pairing

import (
	"context"
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Typed payloads of the swarm messages.
type (
	// Announce (ANNOUNCE) advertises a member: its zone id and name, its
	// device key (X25519, to which rotations are sealed) and whether it is
	// the swarm controller.
	Announce struct {
		ZoneID       string `json:"zoneId"`
		ZoneName     string `json:"zoneName"`
		DeviceKey    b64    `json:"deviceKey"`
		IsController bool   `json:"isController"`
	}
	// Discover (DISCOVER) asks every member to announce itself.
	Discover struct{}
	// PeriphAnnounce (PERIPH_ANNOUNCE) lists the peripherals a zone offers.
	PeriphAnnounce struct {
		ZoneID      string           `json:"zoneId"`
		Peripherals []PeripheralInfo `json:"peripherals"`
	}
	// PeripheralInfo describes one peripheral.
	PeripheralInfo struct {
		Name    string   `json:"name"`
		Type    string   `json:"type"`
		Methods []string `json:"methods"`
	}
	// PeriphCall (PERIPH_CALL) calls a method of a peripheral of the
	// addressee.
	PeriphCall struct {
		RequestID  string            `json:"requestId"`
		Peripheral string            `json:"peripheral"`
		Method     string            `json:"method"`
		Args       []json.RawMessage `json:"args"`
	}
	// PeriphResult (PERIPH_RESULT) answers the call with the same request
	// id: ok and a result, or an error.
	PeriphResult struct {
		RequestID string          `json:"requestId"`
		OK        bool            `json:"ok"`
		Result    json.RawMessage `json:"result,omitempty"`
		Error     string          `json:"error,omitempty"`
	}
	// Rekey (REKEY) carries the secret of the next epoch to one member,
	// sealed to its device key: ephemeral is the sender's one-use X25519
	// public key, sealed the AES-256-GCM encryption of {secret, swarm,
	// epoch} (see the package documentation).
	Rekey struct {
		Epoch        uint64 `json:"epoch"`
		GraceSeconds int64  `json:"graceSeconds"`
		Ephemeral    b64    `json:"ephemeral"`
		Sealed       b64    `json:"sealed"`
	}
)

type rekeyBody struct {
	Secret b64    `json:"secret"`
	Swarm  string `json:"swarm"`
	Epoch  uint64 `json:"epoch"`
}

// A Method is one method of a peripheral this device serves.
type Method func(ctx context.Context, args []json.RawMessage) (any, error)

// A Member is another device of the swarm, as its announcements told.
type Member struct {
	ZoneID, ZoneName string
	Addr             Addr
	DeviceKey        []byte
	IsController     bool
	Epoch            uint64 // the epoch of its latest message
	Seen             time.Time
	Peripherals      []PeripheralInfo
}

// NodeStats counts what a node accepted and dropped.
type NodeStats struct {
	Accepted int
	Dropped  map[string]int // by reason: the sentinel error's text
}

// A Node is a device in the swarm: it announces itself, keeps the member
// list, serves its peripherals, calls others', and takes part in secret
// rotation. Swarm traffic that does not verify is dropped quietly (counted
// in [Node.Stats], logged at debug level).
type Node struct {
	t        Transport
	ch       *Channel
	self     Identity
	key      *ecdh.PrivateKey
	c        *nodeConfig
	mu       sync.Mutex
	members  map[string]*Member
	periphs  map[string]periph
	calls    map[string]chan PeriphResult
	reqSeq   int
	stats    NodeStats
	rekeyed  map[string]uint64 // member → epoch it was sent a rekey for
	excluded map[string]bool
	rotation map[uint64]Secret // secrets this controller issued, by epoch
	shutOut  map[uint64]bool   // epochs whose rotation excluded a device
}

type periph struct {
	typ     string
	methods map[string]Method
}

type nodeConfig struct {
	controller  bool
	announce    time.Duration
	callTimeout time.Duration
	onRekey     func(Grant) error
	log         *slog.Logger
	resend      time.Duration
	stopped     func() // called when Run returns
}

// A NodeOption configures [NewNode].
type NodeOption func(*nodeConfig) error

// AsController makes the node the swarm controller (the pocket).
func AsController() NodeOption { return func(c *nodeConfig) error { c.controller = true; return nil } }

// WithAnnounceInterval sets how often the node announces itself (default 10 s).
func WithAnnounceInterval(d time.Duration) NodeOption {
	return func(c *nodeConfig) error {
		if d <= 0 {
			return fmt.Errorf("announce interval %v, want > 0", d)
		}
		c.announce = d
		return nil
	}
}

// WithCallTimeout sets how long [Node.Call] waits for a result (default 5 s).
func WithCallTimeout(d time.Duration) NodeOption {
	return func(c *nodeConfig) error {
		if d <= 0 {
			return fmt.Errorf("call timeout %v, want > 0", d)
		}
		c.callTimeout = d
		return nil
	}
}

// OnRekey sets a function called with the new grant when this node moves to
// a new epoch (to store it); if it fails, the node stays on the old epoch.
func OnRekey(f func(Grant) error) NodeOption {
	return func(c *nodeConfig) error { c.onRekey = f; return nil }
}

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) NodeOption {
	return func(c *nodeConfig) error {
		if l == nil {
			return errors.New("nil logger")
		}
		c.log = l
		return nil
	}
}

// NewNode returns a node for device self on transport t, with swarm channel
// ch and device key key (X25519).
func NewNode(t Transport, ch *Channel, self Identity, key *ecdh.PrivateKey, opts ...NodeOption) (*Node, error) {
	c := &nodeConfig{announce: 10 * time.Second, callTimeout: 5 * time.Second, resend: 500 * time.Millisecond,
		log: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		if err := o(c); err != nil {
			return nil, fmt.Errorf("pairing: node: %w", err)
		}
	}
	if err := self.check(); err != nil {
		return nil, err
	}
	if key == nil || key.Curve() != ecdh.X25519() {
		return nil, errors.New("pairing: node: want an X25519 device key")
	}
	return &Node{t: t, ch: ch, self: self, key: key, c: c, members: make(map[string]*Member),
		periphs: make(map[string]periph), calls: make(map[string]chan PeriphResult),
		stats: NodeStats{Dropped: make(map[string]int)}, rekeyed: make(map[string]uint64), excluded: make(map[string]bool), shutOut: make(map[uint64]bool)}, nil
}

// Channel returns the node's swarm channel.
func (n *Node) Channel() *Channel { return n.ch }

// Serve offers a peripheral named name of type typ with its methods.
func (n *Node) Serve(name, typ string, methods map[string]Method) {
	n.mu.Lock()
	n.periphs[name] = periph{typ: typ, methods: methods}
	n.mu.Unlock()
}

// Members returns the members seen so far, by zone id.
func (n *Node) Members() []Member {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make([]Member, 0, len(n.members))
	for _, m := range n.members {
		out = append(out, *m)
	}
	slices.SortFunc(out, func(a, b Member) int {
		if a.ZoneID < b.ZoneID {
			return -1
		}
		if a.ZoneID > b.ZoneID {
			return 1
		}
		return 0
	})
	return out
}

// Stats returns a copy of the node's counters.
func (n *Node) Stats() NodeStats {
	n.mu.Lock()
	defer n.mu.Unlock()
	s := NodeStats{Accepted: n.stats.Accepted, Dropped: make(map[string]int, len(n.stats.Dropped))}
	for k, v := range n.stats.Dropped {
		s.Dropped[k] = v
	}
	return s
}

func (n *Node) send(to Addr, kind, toID string, body any) error {
	return n.sendEpoch(to, kind, toID, body, 0)
}

func (n *Node) sendEpoch(to Addr, kind, toID string, body any, epoch uint64) error {
	raw, err := json.Marshal(body)
	if err != nil {
		return err
	}
	msg, err := n.ch.sealRaw(kind, toID, raw, epoch)
	if err != nil {
		return err
	}
	if to == "" {
		return n.t.Broadcast(ProtoSwarm, msg)
	}
	return n.t.Send(to, ProtoSwarm, msg)
}

func (n *Node) announce(to Addr) {
	n.send(to, KindAnnounce, "", &Announce{ZoneID: n.self.ComputerID, ZoneName: n.self.Label,
		DeviceKey: n.key.PublicKey().Bytes(), IsController: n.c.controller})
	n.mu.Lock()
	pa := &PeriphAnnounce{ZoneID: n.self.ComputerID, Peripherals: []PeripheralInfo{}}
	for name, p := range n.periphs {
		info := PeripheralInfo{Name: name, Type: p.typ, Methods: []string{}}
		for m := range p.methods {
			info.Methods = append(info.Methods, m)
		}
		slices.Sort(info.Methods)
		pa.Peripherals = append(pa.Peripherals, info)
	}
	n.mu.Unlock()
	slices.SortFunc(pa.Peripherals, func(a, b PeripheralInfo) int {
		if a.Name < b.Name {
			return -1
		}
		return 1
	})
	n.send(to, KindPeriphAnnounce, "", pa)
}

// Run takes part in the swarm until ctx ends: it asks the others to
// announce, announces itself every interval, and handles what arrives.
func (n *Node) Run(ctx context.Context) error {
	if n.c.stopped != nil {
		defer n.c.stopped()
	}
	n.send("", KindDiscover, "", Discover{})
	n.announce("")
	tick := time.NewTicker(n.c.announce)
	defer tick.Stop()
	in := make(chan Packet)
	go func() {
		defer close(in)
		for {
			p, err := n.t.Receive(ctx, ProtoSwarm)
			if err != nil {
				return
			}
			select {
			case in <- p:
			case <-ctx.Done():
				return
			}
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			n.announce("")
		case p, ok := <-in:
			if !ok {
				return nil
			}
			n.handle(ctx, p)
		}
	}
}

func (n *Node) drop(err error) {
	reason := "other"
	for _, s := range []error{ErrUnknownKey, ErrStale, ErrReplay, ErrReordered, ErrBadMAC, ErrPlaintext, ErrMalformed, ErrNotPaired} {
		if errors.Is(err, s) {
			reason = s.Error()
			break
		}
	}
	n.mu.Lock()
	n.stats.Dropped[reason]++
	n.mu.Unlock()
	n.c.log.Debug("swarm message dropped", "err", err)
}

// handle processes one swarm packet.
func (n *Node) handle(ctx context.Context, p Packet) {
	r, err := n.ch.Open(p.Data)
	if err != nil {
		n.drop(err)
		return
	}
	if r.From == n.self.ComputerID || (r.To != "" && r.To != n.self.ComputerID) {
		return
	}
	n.mu.Lock()
	n.stats.Accepted++
	m := n.members[r.From]
	if m == nil {
		m = &Member{ZoneID: r.From}
		n.members[r.From] = m
	}
	m.Addr, m.Epoch, m.Seen = p.From, r.Epoch, r.Time
	n.mu.Unlock()
	switch r.Kind {
	case KindAnnounce:
		var a Announce
		if err := r.Decode(&a); err != nil || a.ZoneID != r.From || !validLabel(a.ZoneName) || len(a.DeviceKey) != 32 {
			n.drop(fmt.Errorf("%w: ANNOUNCE body", ErrMalformed))
			return
		}
		n.mu.Lock()
		m.ZoneName, m.DeviceKey, m.IsController = a.ZoneName, a.DeviceKey, a.IsController
		cur := n.ch.Epoch()
		// A member still on an earlier epoch came back within the grace
		// period: the controller sends it the rotation it missed.
		late := n.c.controller && r.Epoch < cur && n.rekeyed[r.From] == cur && !n.excluded[r.From]
		n.mu.Unlock()
		if late {
			n.sendRekey(*m, cur, r.Epoch)
		}
	case KindDiscover:
		n.announce(p.From)
	case KindPeriphAnnounce:
		var pa PeriphAnnounce
		if err := r.Decode(&pa); err != nil || pa.ZoneID != r.From {
			n.drop(fmt.Errorf("%w: PERIPH_ANNOUNCE body", ErrMalformed))
			return
		}
		n.mu.Lock()
		m.Peripherals = pa.Peripherals
		n.mu.Unlock()
	case KindPeriphCall:
		var c PeriphCall
		if err := r.Decode(&c); err != nil || r.To == "" {
			n.drop(fmt.Errorf("%w: PERIPH_CALL body", ErrMalformed))
			return
		}
		go n.serveCall(ctx, p.From, r.From, c)
	case KindPeriphResult:
		var res PeriphResult
		if err := r.Decode(&res); err != nil {
			n.drop(fmt.Errorf("%w: PERIPH_RESULT body", ErrMalformed))
			return
		}
		n.mu.Lock()
		w := n.calls[r.From+"/"+res.RequestID]
		delete(n.calls, r.From+"/"+res.RequestID)
		n.mu.Unlock()
		if w != nil {
			w <- res
		}
	case KindRekey:
		var k Rekey
		if err := r.Decode(&k); err != nil || r.To != n.self.ComputerID || k.GraceSeconds < 0 {
			n.drop(fmt.Errorf("%w: REKEY body", ErrMalformed))
			return
		}
		// Only a REKEY sealed under this node's current epoch counts:
		// one under an epoch still in its grace period may come from a
		// device that the last rotation left out.
		if cur := n.ch.Epoch(); r.Epoch != cur {
			n.drop(fmt.Errorf("%w: REKEY sealed under epoch %d, this device is at %d", ErrStale, r.Epoch, cur))
			return
		}
		if err := n.acceptRekey(&k); err != nil {
			n.drop(err)
			return
		}
		n.announce("")
	}
}

func (n *Node) serveCall(ctx context.Context, addr Addr, from string, c PeriphCall) {
	res := PeriphResult{RequestID: c.RequestID}
	n.mu.Lock()
	p, ok := n.periphs[c.Peripheral]
	n.mu.Unlock()
	var f Method
	if ok {
		f = p.methods[c.Method]
	}
	switch {
	case !ok:
		res.Error = fmt.Sprintf("no peripheral %q", c.Peripheral)
	case f == nil:
		res.Error = fmt.Sprintf("peripheral %q has no method %q", c.Peripheral, c.Method)
	default:
		v, err := f(ctx, c.Args)
		if err != nil {
			res.Error = err.Error()
			break
		}
		b, err := json.Marshal(v)
		if err != nil {
			res.Error = "result does not encode: " + err.Error()
			break
		}
		res.OK, res.Result = true, b
	}
	if err := n.send(addr, KindPeriphResult, from, &res); err != nil {
		n.c.log.Debug("send result", "err", err)
	}
}

// Call calls method of peripheral periph on zone with args and returns its
// result. An error result is a [*CallError]; no result within the call
// timeout (or before ctx ends) is [ErrTimeout].
func (n *Node) Call(ctx context.Context, zone, periph, method string, args ...any) (json.RawMessage, error) {
	call := PeriphCall{Peripheral: periph, Method: method, Args: make([]json.RawMessage, len(args))}
	for i, a := range args {
		b, err := json.Marshal(a)
		if err != nil {
			return nil, fmt.Errorf("pairing: call %s.%s: argument %d: %w", periph, method, i, err)
		}
		call.Args[i] = b
	}
	w := make(chan PeriphResult, 1)
	n.mu.Lock()
	n.reqSeq++
	call.RequestID = n.self.ComputerID + "-" + strconv.Itoa(n.reqSeq) + "-" + strconv.FormatInt(time.Now().UnixNano()%1e9, 36)
	n.calls[zone+"/"+call.RequestID] = w
	var addr Addr
	if m := n.members[zone]; m != nil {
		addr = m.Addr
	}
	n.mu.Unlock()
	defer func() {
		n.mu.Lock()
		delete(n.calls, zone+"/"+call.RequestID)
		n.mu.Unlock()
	}()
	if err := n.send(addr, KindPeriphCall, zone, &call); err != nil {
		return nil, err
	}
	t := time.NewTimer(n.c.callTimeout)
	defer t.Stop()
	select {
	case res := <-w:
		if !res.OK {
			return nil, &CallError{Zone: zone, Peripheral: periph, Method: method, Message: res.Error}
		}
		return res.Result, nil
	case <-t.C:
		return nil, fmt.Errorf("%w: call %s.%s on zone %q: no result in %v", ErrTimeout, periph, method, zone, n.c.callTimeout)
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: call %s.%s on zone %q: %v", ErrTimeout, periph, method, zone, context.Cause(ctx))
	}
}

// rekeyKey derives the key that seals a REKEY body: HKDF-SHA256 of the
// X25519 shared secret, salt ephemeral||recipient key, info
// "accord-swarm-v1 rekey <swarm> <epoch>".
func rekeyKey(shared, eph, recipient []byte, swarm string, epoch uint64) []byte {
	salt := append(append([]byte(nil), eph...), recipient...)
	k, err := hkdf.Key(sha256.New, shared, salt, swarmSalt+" rekey "+swarm+" "+strconv.FormatUint(epoch, 10), 32)
	if err != nil {
		panic("pairing: hkdf: " + err.Error())
	}
	return k
}

// sealRekey seals the secret of epoch to the member's device key.
func sealRekey(c *config, m Member, swarm string, secret Secret, epoch uint64, grace time.Duration) (*Rekey, error) {
	pub, err := ecdh.X25519().NewPublicKey(m.DeviceKey)
	if err != nil {
		return nil, err
	}
	eph, err := ecdh.X25519().GenerateKey(c.rnd)
	if err != nil {
		return nil, err
	}
	shared, err := eph.ECDH(pub)
	if err != nil {
		return nil, err
	}
	pt, err := canonicalJSON(&rekeyBody{Secret: secret[:], Swarm: swarm, Epoch: epoch})
	if err != nil {
		return nil, err
	}
	aead := newGCM(rekeyKey(shared, eph.PublicKey().Bytes(), m.DeviceKey, swarm, epoch))
	sealed := aead.Seal(nil, make([]byte, aead.NonceSize()), pt, []byte(m.ZoneID))
	return &Rekey{Epoch: epoch, GraceSeconds: int64(grace / time.Second), Ephemeral: eph.PublicKey().Bytes(), Sealed: sealed}, nil
}

// acceptRekey opens a REKEY sent to this node and moves to its epoch.
func (n *Node) acceptRekey(k *Rekey) error {
	cur := n.ch.Epoch()
	if k.Epoch != cur+1 {
		return fmt.Errorf("%w: REKEY for epoch %d, this device is at %d", ErrStale, k.Epoch, cur)
	}
	pub, err := ecdh.X25519().NewPublicKey(k.Ephemeral)
	if err != nil {
		return fmt.Errorf("%w: REKEY ephemeral key: %v", ErrMalformed, err)
	}
	shared, err := n.key.ECDH(pub)
	if err != nil {
		return fmt.Errorf("%w: REKEY: %v", ErrMalformed, err)
	}
	aead := newGCM(rekeyKey(shared, k.Ephemeral, n.key.PublicKey().Bytes(), n.ch.Swarm(), k.Epoch))
	pt, err := aead.Open(nil, make([]byte, aead.NonceSize()), k.Sealed, []byte(n.self.ComputerID))
	if err != nil {
		return fmt.Errorf("%w: REKEY does not open", ErrBadMAC)
	}
	var body rekeyBody
	if err := decodeStrict(pt, &body); err != nil || len(body.Secret) != SecretSize || body.Epoch != k.Epoch || body.Swarm != n.ch.Swarm() {
		return fmt.Errorf("%w: REKEY body", ErrMalformed)
	}
	g := Grant{Swarm: body.Swarm, Epoch: body.Epoch, ZoneID: n.self.ComputerID, ZoneName: n.self.Label}
	copy(g.Secret[:], body.Secret)
	if n.c.onRekey != nil {
		if err := n.c.onRekey(g); err != nil {
			return fmt.Errorf("pairing: store epoch %d: %w", g.Epoch, err)
		}
	}
	// The sender says how long the previous epoch stays valid; this
	// device keeps it no longer than its own grace period (compared in
	// seconds first: a large graceSeconds would overflow a Duration).
	grace := n.ch.c.grace
	if k.GraceSeconds <= int64(grace/time.Second) {
		grace = min(grace, time.Duration(k.GraceSeconds)*time.Second)
	}
	return n.ch.addEpoch(g.Secret, g.Epoch, grace)
}

func (n *Node) sendRekey(m Member, epoch, under uint64) {
	n.mu.Lock()
	secret, ok := n.rotation[epoch]
	n.mu.Unlock()
	if !ok {
		return
	}
	k, err := sealRekey(n.ch.c, m, n.ch.Swarm(), secret, epoch, n.rotationGrace(epoch))
	if err != nil {
		n.c.log.Debug("seal rekey", "err", err)
		return
	}
	n.sendEpoch(m.Addr, KindRekey, m.ZoneID, k, under)
}

// rotationGrace is the grace period of the rotation to epoch: none if it
// left a device out, the channel's otherwise.
func (n *Node) rotationGrace(epoch uint64) time.Duration {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.shutOut[epoch] {
		return 0
	}
	return n.ch.c.grace
}

// A RotationReport says which members moved to the new epoch.
type RotationReport struct {
	Epoch    uint64
	Rekeyed  []string // members that announced themselves under the new epoch
	Missing  []string // members sent the new secret that did not confirm
	Excluded []string
}

// Rotate, on the controller, draws a new secret epoch and sends it to every
// member it knows except those excluded, each sealed to the member's device
// key under the current epoch; then moves to the new epoch. It waits until
// every member announced itself under the new epoch or ctx ends, and
// reports who did.
//
// A rotation that excludes no one keeps the old epoch for the grace period:
// a member that misses the rotation is sent it again if it shows up within
// it; after that it must be paired again. A rotation that excludes a device
// has no grace period, since the excluded device holds the old secret: the
// controller and every member that takes the rotation stop accepting the
// old epoch at once (REKEY's graceSeconds is 0), and a member that misses
// it must be paired again.
func (n *Node) Rotate(ctx context.Context, exclude ...string) (*RotationReport, error) {
	if !n.c.controller {
		return nil, ErrNotController
	}
	old := n.ch.Epoch()
	epoch := old + 1
	secret := secretFrom(n.ch.c)
	n.mu.Lock()
	if n.rotation == nil {
		n.rotation = make(map[uint64]Secret)
	}
	n.rotation[epoch] = secret
	var targets []Member
	rep := &RotationReport{Epoch: epoch}
	for _, id := range exclude {
		n.excluded[id] = true
	}
	grace := n.ch.c.grace
	if len(exclude) > 0 {
		n.shutOut[epoch] = true
		grace = 0
	}
	for id, m := range n.members {
		if n.excluded[id] {
			rep.Excluded = append(rep.Excluded, id)
			continue
		}
		if len(m.DeviceKey) == 32 {
			targets = append(targets, *m)
			n.rekeyed[id] = epoch
		}
	}
	n.mu.Unlock()
	for _, m := range targets {
		n.sendRekey(m, epoch, old)
	}
	g := Grant{Secret: secret, Swarm: n.ch.Swarm(), Epoch: epoch, ZoneID: n.self.ComputerID, ZoneName: n.self.Label}
	if n.c.onRekey != nil {
		if err := n.c.onRekey(g); err != nil {
			return nil, fmt.Errorf("pairing: store epoch %d: %w", epoch, err)
		}
	}
	if err := n.ch.addEpoch(secret, epoch, grace); err != nil {
		return nil, err
	}
	tick := time.NewTicker(n.c.resend)
	defer tick.Stop()
	for {
		var missing []Member
		n.mu.Lock()
		for _, m := range targets {
			if n.members[m.ZoneID].Epoch < epoch {
				missing = append(missing, *n.members[m.ZoneID])
			}
		}
		n.mu.Unlock()
		if len(missing) == 0 {
			break
		}
		select {
		case <-tick.C:
			for _, m := range missing {
				n.sendRekey(m, epoch, old)
			}
			continue
		case <-ctx.Done():
		}
		break
	}
	n.mu.Lock()
	for _, m := range targets {
		if n.members[m.ZoneID].Epoch >= epoch {
			rep.Rekeyed = append(rep.Rekeyed, m.ZoneID)
		} else {
			rep.Missing = append(rep.Missing, m.ZoneID)
		}
	}
	n.mu.Unlock()
	slices.Sort(rep.Rekeyed)
	slices.Sort(rep.Missing)
	slices.Sort(rep.Excluded)
	return rep, nil
}

// A RotationOffer is the rotation offered to a pocket that joined a swarm
// it did not create, which is how a pocket is replaced after a loss: it
// became the controller by joining, and the devices that still announce
// themselves as controller are the ones it replaces. Rotating with
// [Node.Rotate](ctx, offer.ExcludeIDs()...) shuts them out.
type RotationOffer struct {
	Exclude []Member // other devices announcing themselves as controller
	Keep    []Member // members the rotation would send the new secret to
}

// ExcludeIDs returns the computer ids of the devices the offer leaves out.
func (o RotationOffer) ExcludeIDs() []string {
	ids := make([]string, len(o.Exclude))
	for i, m := range o.Exclude {
		ids[i] = m.ZoneID
	}
	return ids
}

// RotationOffer returns, on the controller, the rotation that leaves out
// every other device that announced itself as the swarm's controller, from
// the members this node has seen (a node sends DISCOVER when it starts, so
// every active device answers). A lost pocket that is switched off does not
// announce itself; name it to [Node.Rotate] yourself. It returns
// [ErrNotController] on a device that is not the controller.
func (n *Node) RotationOffer() (RotationOffer, error) {
	if !n.c.controller {
		return RotationOffer{}, ErrNotController
	}
	var o RotationOffer
	for _, m := range n.Members() {
		switch {
		case m.IsController:
			o.Exclude = append(o.Exclude, m)
		case len(m.DeviceKey) == 32:
			o.Keep = append(o.Keep, m)
		}
	}
	return o, nil
}

func secretFrom(c *config) Secret {
	var s Secret
	copy(s[:], c.random(SecretSize))
	return s
}
