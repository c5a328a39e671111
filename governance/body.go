package governance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/envelope"
)

// A Body is a governed body: a registry of actors, a constitution, and the
// Governance scroll whose receipts record every change. Every method that
// acts seals a receipt with the acting actor's signer, judges it against
// the state the scroll's receipts build up, appends it durably, signs a new
// checkpoint of the scroll and only then lets it take effect. A Body is safe
// for concurrent use.
type Body struct {
	store    Store
	scroll   Scroll
	reg      *Registry
	verifier *envelope.Verifier
	anchorer checkpoint.Anchorer
	engine   envelope.Signer
	now      func() time.Time
	log      *slog.Logger

	mu sync.Mutex
	l  *ledger
}

// An Option configures [Open].
type Option func(*config) error

type config struct {
	now      func() time.Time
	anchorer checkpoint.Anchorer
	genesis  *Constitution
	engine   envelope.Signer
	logger   *slog.Logger
}

// WithClock sets the clock that dates receipts (default [time.Now]).
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("nil clock")
		}
		c.now = now
		return nil
	}
}

// WithAnchorer sets the anchoring backend. [Body.Activate] anchors the new
// constitution's hash through it and waits for its confirmation; receipts
// submitted with anchor proofs are checked through it, and so are the
// amendments already in the scroll when it is opened. Without one, nothing
// can be activated, and a scroll holding amendments does not open.
func WithAnchorer(a checkpoint.Anchorer) Option {
	return func(c *config) error {
		if a == nil {
			return errors.New("nil anchorer")
		}
		c.anchorer = a
		return nil
	}
}

// WithGenesis sets the founding constitution (default [Genesis]).
func WithGenesis(g *Constitution) Option {
	return func(c *config) error {
		if g == nil {
			return errors.New("nil genesis")
		}
		if err := g.Validate(); err != nil {
			return err
		}
		c.genesis = g.Clone()
		return nil
	}
}

// WithEngineSigner sets the signer of the governance engine
// ("engine:governance"), which records the violations the Body itself
// detects ([Body.RequestChange]). Its key must be the engine's key in the
// registry, and the engine must hold the detect role.
func WithEngineSigner(s envelope.Signer) Option {
	return func(c *config) error {
		if s == nil {
			return errors.New("nil engine signer")
		}
		c.engine = s
		return nil
	}
}

// WithLogger sets where the Body logs (default: nowhere).
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("nil logger")
		}
		c.logger = l
		return nil
	}
}

// newVerifier returns a verifier of governance receipts signed by reg's
// actors: stored documents, so no freshness window.
func newVerifier(reg *Registry) (*envelope.Verifier, error) {
	ring, err := reg.keyRing()
	if err != nil {
		return nil, err
	}
	return envelope.NewVerifier(envelope.WithTypes(ReceiptTypes()...), envelope.WithKeyRing(ring), envelope.WithoutFreshness())
}

// Open opens the body whose receipts are in store's Governance scroll,
// replaying them (each verified and judged as when it was appended) to
// rebuild its state.
func Open(ctx context.Context, store Store, reg *Registry, opts ...Option) (*Body, error) {
	c := config{now: time.Now, genesis: Genesis(), logger: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		if err := o(&c); err != nil {
			return nil, fmt.Errorf("governance: %s", trimPrefix(err))
		}
	}
	if reg == nil {
		return nil, errors.New("governance: nil registry")
	}
	if c.engine != nil {
		a, ok := reg.ByKey(c.engine.PublicKey())
		if !ok || a.ID != "engine:governance" || !a.Has(RoleDetect) {
			return nil, errors.New("governance: the engine signer's key is not engine:governance's with the detect role")
		}
	}
	v, err := reg.verifier()
	if err != nil {
		return nil, err
	}
	l, err := newLedger(reg, c.genesis)
	if err != nil {
		return nil, err
	}
	scroll, err := store.Scroll(ScrollGovernance)
	if err != nil {
		return nil, err
	}
	b := &Body{store: store, scroll: scroll, reg: reg, verifier: v, anchorer: c.anchorer, engine: c.engine, now: c.now, log: c.logger, l: l}
	// Receipts are replayed in batches: the signatures of a batch are
	// checked on every core, then each receipt is judged in order, exactly
	// as when it was appended. Memory stays that of one batch.
	const batch = 512
	n := scroll.Size()
	for lo := uint64(0); lo < n; lo += batch {
		recs := make([][]byte, 0, min(batch, n-lo))
		for i := lo; i < min(lo+batch, n); i++ {
			rec, err := scroll.Record(i)
			if err != nil {
				return nil, &ReceiptError{Scroll: ScrollGovernance, Index: i, Err: err}
			}
			recs = append(recs, rec)
		}
		for j, r := range v.OpenBatch(recs) {
			i := lo + uint64(j)
			apply, p, err := b.judgeOpened(ctx, r.Envelope, r.Err)
			if err != nil {
				id := ""
				if p != nil {
					id = p.ReceiptID()
				}
				return nil, &ReceiptError{Scroll: ScrollGovernance, Index: i, ID: id, Err: err}
			}
			apply()
		}
	}
	return b, nil
}

// judge verifies and judges one receipt against the current state and
// returns the function that applies it. The caller holds b.mu.
func (b *Body) judge(ctx context.Context, receipt []byte) (func(), Payload, error) {
	e, err := b.verifier.Open(receipt)
	return b.judgeOpened(ctx, e, err)
}

// judgeOpened is judge of a receipt already opened (err is the opening's).
func (b *Body) judgeOpened(ctx context.Context, e *envelope.Envelope, err error) (func(), Payload, error) {
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	p, err := parseCanonical(e.Type, e.Payload)
	if err != nil {
		return nil, nil, err
	}
	apply, err := b.l.check(e, p)
	if err != nil {
		return nil, p, err
	}
	if a, ok := p.(*Amendment); ok {
		if err := b.verifyAnchor(ctx, a); err != nil {
			return nil, p, err
		}
	}
	return apply, p, nil
}

func (b *Body) verifyAnchor(ctx context.Context, a *Amendment) error {
	if b.anchorer == nil {
		return fmt.Errorf("%w: %s: no anchorer to confirm its anchor", ErrNotAnchored, a.AmendmentID)
	}
	after := a.ConstitutionHashAfter.Sum()
	if err := b.anchorer.VerifyAnchor(ctx, after, b.anchorLabel(a.ProposalID), &a.AnchorProof); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrNotAnchored, a.AmendmentID, err)
	}
	return nil
}

// anchorLabel is the label a constitution hash is anchored under:
// "<Governance scroll origin> constitution <proposal ID>".
func (b *Body) anchorLabel(proposal string) string {
	return b.store.Origin(ScrollGovernance) + " constitution " + proposal
}

// Submit judges a receipt sealed elsewhere (a vote signed on a voter's own
// machine, for example), appends it to the Governance scroll and returns
// its payload. A receipt dated more than [envelope.DefaultWindow] after
// the body's clock is refused: receipts never go back in time, so one from
// the future would hold every later receipt off until its time.
func (b *Body) Submit(ctx context.Context, receipt []byte) (Payload, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	apply, p, err := b.judge(ctx, receipt)
	if err != nil {
		return nil, err
	}
	if now := b.now(); p.ReceiptTime().After(now.Add(envelope.DefaultWindow)) {
		return nil, fmt.Errorf("%w: %s at %s is ahead of the body's clock %s", ErrConflict, p.ReceiptID(), At(p.ReceiptTime()), At(now))
	}
	if err := b.append(ctx, receipt); err != nil {
		return nil, err
	}
	apply()
	return p, nil
}

// append stores a judged receipt and signs a checkpoint covering it. The
// caller holds b.mu.
func (b *Body) append(ctx context.Context, receipt []byte) error {
	if _, err := b.scroll.Append(ctx, receipt); err != nil {
		return fmt.Errorf("governance: append to %s: %w", ScrollGovernance, err)
	}
	if _, err := b.scroll.Checkpoint(ctx); err != nil {
		return fmt.Errorf("governance: checkpoint of %s: %w", ScrollGovernance, err)
	}
	return nil
}

// seal signs p as a receipt by s and submits it. The caller holds b.mu.
func (b *Body) seal(ctx context.Context, s envelope.Signer, p Payload) error {
	canon, err := marshalPayload(p)
	if err != nil {
		return err
	}
	receipt, err := envelope.Seal(s, p.ReceiptType(), json.RawMessage(canon), envelope.WithTimestamp(p.ReceiptTime()))
	if err != nil {
		return fmt.Errorf("governance: seal %s: %w", p.ReceiptID(), err)
	}
	apply, _, err := b.judge(ctx, receipt)
	if err != nil {
		return err
	}
	if err := b.append(ctx, receipt); err != nil {
		return err
	}
	apply()
	return nil
}

// actor returns the registered actor holding s's key.
func (b *Body) actor(s envelope.Signer) (*Actor, error) {
	a, ok := b.reg.ByKey(s.PublicKey())
	if !ok {
		return nil, fmt.Errorf("%w: signer %.60s is not a registered actor", ErrNotAuthorized, s.PublicKey())
	}
	return a, nil
}

// stamp returns the time for a new receipt: now, to the second.
func (b *Body) stamp() Timestamp { return At(b.now()) }

// A ProposalDraft is what [Body.Propose] needs from the author; the Body
// fills in the ID, dates, rules and base version.
type ProposalDraft struct {
	Type      ProposalType
	Title     string
	Content   Content
	Rationale string
	// DeliberationEnds is when voting opens; zero means the earliest the
	// constitution allows.
	DeliberationEnds time.Time
}

// Propose records a proposal by the actor holding s.
func (b *Body) Propose(ctx context.Context, s envelope.Signer, d ProposalDraft) (*Proposal, error) {
	a, err := b.actor(s)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	t := b.stamp()
	pr := &b.l.cons.Procedure
	delib := At(t.Add(hours(pr.MinDeliberationHours)))
	if !d.DeliberationEnds.IsZero() {
		delib = At(d.DeliberationEnds)
	}
	voting := At(delib.Add(hours(pr.VotingHours)))
	p := &Proposal{
		Type: TypeProposal, ProposalID: b.l.nextID(prefixProposal, t.Time), ProposalType: d.Type,
		Title: d.Title, Author: a.ID, SubmittedAt: t, DeliberationEnds: delib, VotingEnds: voting,
		ExpiresAt: At(voting.Add(2 * hours(pr.RatificationHours))), ConstitutionVersion: b.l.cons.Version,
		Rules: pr.Rules[d.Type], Content: d.Content, Rationale: d.Rationale, Status: StateDeliberation,
	}
	if err := checkShape(p); err != nil {
		return nil, err
	}
	return p, b.seal(ctx, s, p)
}

// Vote records the vote (approve, reject or abstain) of the actor holding s.
func (b *Body) Vote(ctx context.Context, s envelope.Signer, proposalID, choice, comments string) (*Vote, error) {
	a, err := b.actor(s)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	r, err := b.l.proposal(proposalID)
	if err != nil {
		return nil, err
	}
	v := &Vote{Type: TypeVote, VoteID: voteID(r.num, a.ID, r.counts[a.ID]+1), ProposalID: proposalID, Voter: a.ID,
		VotedAt: b.stamp(), Vote: choice, Weight: a.Weight, Comments: comments}
	if a.Weight == 0 {
		return nil, &RoleError{Actor: a.ID, Role: RoleVote, Kind: TypeVote}
	}
	if err := checkShape(v); err != nil {
		return nil, err
	}
	return v, b.seal(ctx, s, v)
}

// Ratify records the ratification of a passed proposal by the actor
// holding s, with the tally and versions the scroll gives.
func (b *Body) Ratify(ctx context.Context, s envelope.Signer, proposalID string) (*Ratification, error) {
	a, err := b.actor(s)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	r, err := b.l.proposal(proposalID)
	if err != nil {
		return nil, err
	}
	t := b.stamp()
	if err := inState(r, ActionRatify, t.Time); err != nil {
		return nil, err
	}
	next, err := Apply(b.l.cons, r.p)
	if err != nil {
		return nil, err
	}
	tl := r.tally()
	rt := &Ratification{Type: TypeRatification, RatificationID: sameNumber(prefixRatification, r.num), ProposalID: proposalID,
		RatifiedAt: t, RatifiedBy: a.ID, VoteSummary: tl.VoteSummary, QuorumMet: tl.QuorumMet,
		ConstitutionVersionBefore: b.l.cons.Version, ConstitutionVersionAfter: next.Version}
	return rt, b.seal(ctx, s, rt)
}

// Activate puts a passed (and, where required, ratified) proposal into
// force: it anchors the new constitution's hash through the anchorer, waits
// for the anchor to be confirmed, then records the gov_amendment signed by
// the actor holding s (which needs the activate role).
func (b *Body) Activate(ctx context.Context, s envelope.Signer, proposalID string) (*Amendment, error) {
	if _, err := b.actor(s); err != nil {
		return nil, err
	}
	if b.anchorer == nil {
		return nil, fmt.Errorf("%w: %s: no anchorer configured", ErrNotAnchored, proposalID)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	r, err := b.l.proposal(proposalID)
	if err != nil {
		return nil, err
	}
	if err := inState(r, ActionActivate, b.now()); err != nil {
		return nil, err
	}
	next, err := Apply(b.l.cons, r.p)
	if err != nil {
		return nil, err
	}
	after := next.Hash()
	label := b.anchorLabel(proposalID)
	proof, err := b.anchorer.Anchor(ctx, after.Sum(), label)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: anchoring: %v", ErrNotAnchored, proposalID, err)
	}
	if err := b.anchorer.VerifyAnchor(ctx, after.Sum(), label, proof); err != nil {
		return nil, fmt.Errorf("%w: %s: confirmation: %v", ErrNotAnchored, proposalID, err)
	}
	a := &Amendment{Type: TypeAmendment, AmendmentID: sameNumber(prefixAmendment, r.num), ProposalID: proposalID,
		EffectiveAt: b.stamp(), AnchorProof: *proof, ConstitutionHashBefore: b.l.cons.Hash(), ConstitutionHashAfter: after}
	return a, b.seal(ctx, s, a)
}

// Cancel withdraws a proposal that has not taken effect.
func (b *Body) Cancel(ctx context.Context, s envelope.Signer, proposalID, reason string) (*Cancellation, error) {
	a, err := b.actor(s)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	r, err := b.l.proposal(proposalID)
	if err != nil {
		return nil, err
	}
	c := &Cancellation{Type: TypeCancellation, CancellationID: sameNumber(prefixCancellation, r.num), ProposalID: proposalID,
		CancelledBy: a.ID, CancelledAt: b.stamp(), Reason: reason}
	return c, b.seal(ctx, s, c)
}

// An OrderDraft is what [Body.IssueOrder] needs; the Body fills in the ID,
// issuer and time.
type OrderDraft struct {
	Title     string
	Authority string // an article section, "ARTICLE-I.1"
	OrderType string
	Content   OrderContent
	ExpiresAt time.Time // zero for emergency_end and revocation
	Renewable bool      // emergencies only
}

// IssueOrder records an executive order by the actor holding s.
func (b *Body) IssueOrder(ctx context.Context, s envelope.Signer, d OrderDraft) (*ExecutiveOrder, error) {
	a, err := b.actor(s)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.issue(ctx, s, a, d)
}

func (b *Body) issue(ctx context.Context, s envelope.Signer, a *Actor, d OrderDraft) (*ExecutiveOrder, error) {
	t := b.stamp()
	o := &ExecutiveOrder{Type: TypeExecutiveOrder, OrderID: b.l.nextID(prefixOrder, t.Time), Title: d.Title, IssuedBy: a.ID,
		IssuedAt: t, Authority: d.Authority, OrderType: d.OrderType, Content: d.Content}
	if !d.ExpiresAt.IsZero() {
		typ := DurationTemporary
		if d.OrderType == OrderEmergency || d.OrderType == OrderEmergencyExtension {
			typ = DurationEmergency
		}
		o.Duration = &Duration{Type: typ, ExpiresAt: At(d.ExpiresAt), Renewable: d.Renewable}
	}
	if err := checkShape(o); err != nil {
		return nil, err
	}
	return o, b.seal(ctx, s, o)
}

// DefaultEmergencyPowers are the powers an emergency declaration invokes
// when the caller names none.
func DefaultEmergencyPowers() []string {
	return []string{"Suspend authentication delays", "Enhanced logging", "Immediate capability revocation"}
}

// DeclareEmergency declares an emergency under ARTICLE-VI.1 lasting the
// given hours. Only one emergency is in force at a time.
func (b *Body) DeclareEmergency(ctx context.Context, s envelope.Signer, emergencyType, description string, powers []string, hrs int, renewable bool) (*ExecutiveOrder, error) {
	if len(powers) == 0 {
		powers = DefaultEmergencyPowers()
	}
	t := b.now()
	return b.IssueOrder(ctx, s, OrderDraft{Title: "Emergency: " + emergencyType, Authority: "ARTICLE-VI.1", OrderType: OrderEmergency,
		Content:   OrderContent{EmergencyType: emergencyType, ThreatDescription: description, PowersInvoked: powers},
		ExpiresAt: t.Add(hours(hrs)), Renewable: renewable})
}

// ExtendEmergency extends the emergency in force by the given hours.
func (b *Body) ExtendEmergency(ctx context.Context, s envelope.Signer, hrs int, reason string) (*ExecutiveOrder, error) {
	a, err := b.actor(s)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	r := b.l.emerg
	if r == nil || !r.inForce(b.now()) {
		return nil, fmt.Errorf("%w: no emergency in force", ErrUnknown)
	}
	return b.issue(ctx, s, a, OrderDraft{Title: "Extension of " + r.o.OrderID, Authority: "ARTICLE-VI.3", OrderType: OrderEmergencyExtension,
		Content: OrderContent{Order: r.o.OrderID, Reason: reason}, ExpiresAt: r.expires.Add(hours(hrs))})
}

// EndEmergency ends the emergency in force.
func (b *Body) EndEmergency(ctx context.Context, s envelope.Signer, reason string) (*ExecutiveOrder, error) {
	a, err := b.actor(s)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	r := b.l.emerg
	if r == nil || !r.inForce(b.now()) {
		return nil, fmt.Errorf("%w: no emergency in force", ErrUnknown)
	}
	return b.issue(ctx, s, a, OrderDraft{Title: "End of " + r.o.OrderID, Authority: "ARTICLE-VI.3", OrderType: OrderEmergencyEnd,
		Content: OrderContent{Order: r.o.OrderID, Reason: reason}})
}

// RevokeOrder revokes a parameter change or directive in force.
func (b *Body) RevokeOrder(ctx context.Context, s envelope.Signer, orderID, reason string) (*ExecutiveOrder, error) {
	a, err := b.actor(s)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	r, ok := b.l.orders[orderID]
	if !ok {
		return nil, fmt.Errorf("%w: order %s", ErrUnknown, orderID)
	}
	return b.issue(ctx, s, a, OrderDraft{Title: "Revocation of " + orderID, Authority: r.o.Authority, OrderType: OrderRevocation,
		Content: OrderContent{Order: orderID, Reason: reason}})
}

// A ViolationDraft is what [Body.RecordViolation] needs.
type ViolationDraft struct {
	ViolationType string
	Severity      string
	Details       ViolationDetails
	Evidence      Evidence
}

// RecordViolation records a detected violation, signed by the detecting
// actor (an engine or person with the detect role).
func (b *Body) RecordViolation(ctx context.Context, s envelope.Signer, d ViolationDraft) (*Violation, error) {
	a, err := b.actor(s)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.recordViolation(ctx, s, a, d)
}

func (b *Body) recordViolation(ctx context.Context, s envelope.Signer, a *Actor, d ViolationDraft) (*Violation, error) {
	t := b.stamp()
	v := &Violation{Type: TypeViolation, ViolationID: b.l.nextID(prefixViolation, t.Time), DetectedAt: t, DetectedBy: a.ID,
		ViolationType: d.ViolationType, Severity: d.Severity, Details: d.Details, Evidence: d.Evidence}
	if v.Evidence.LogEntries == nil {
		v.Evidence.LogEntries = []string{}
	}
	if err := checkShape(v); err != nil {
		return nil, err
	}
	return v, b.seal(ctx, s, v)
}

// An EnforcementDraft is what [Body.Enforce] needs.
type EnforcementDraft struct {
	ViolationID     string
	EnforcementType string // warning or capability_suspension
	Capability      string // a role or "write" (capability_suspension)
	Scope           string // "all_scrolls" or a scroll (capability_suspension)
	ReviewDeadline  time.Time
}

// Enforce records an enforcement action on a violation's actor.
func (b *Body) Enforce(ctx context.Context, s envelope.Signer, d EnforcementDraft) (*Enforcement, error) {
	if _, err := b.actor(s); err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	vr, ok := b.l.viols[d.ViolationID]
	if !ok {
		return nil, fmt.Errorf("%w: violation %s", ErrUnknown, d.ViolationID)
	}
	t := b.stamp()
	e := &Enforcement{Type: TypeEnforcement, EnforcementID: b.l.nextID(prefixEnforcement, t.Time), ViolationID: d.ViolationID,
		EnforcedAt: t, EnforcementType: d.EnforcementType, Target: vr.v.Details.Actor, ReviewRequired: true, ReviewDeadline: At(d.ReviewDeadline)}
	if d.EnforcementType == EnforcementCapabilitySuspension {
		e.ActionTaken = &ActionTaken{CapabilitySuspended: d.Capability, Scope: d.Scope, Duration: "pending_review"}
	}
	if err := checkShape(e); err != nil {
		return nil, err
	}
	return e, b.seal(ctx, s, e)
}

// Review records a decision (uphold or dismiss) on a violation or an
// enforcement action.
func (b *Body) Review(ctx context.Context, s envelope.Signer, subject, decision, reason string) (*Review, error) {
	a, err := b.actor(s)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	t := b.stamp()
	r := &Review{Type: TypeReview, ReviewID: b.l.nextID(prefixReview, t.Time), Subject: subject, Decision: decision,
		ReviewedBy: a.ID, ReviewedAt: t, Reason: reason}
	if err := checkShape(r); err != nil {
		return nil, err
	}
	return r, b.seal(ctx, s, r)
}

// A ChangeRequest asks for a stored receipt to be modified or deleted.
type ChangeRequest struct {
	Actor   string // who asked
	Action  string // "modify_receipt" or "delete_receipt"
	Scroll  string
	Index   uint64
	Request []byte // the request as received, digested into the evidence
}

// RequestChange refuses, always: receipts are append-only (AXIOM-001). The
// refusal is itself recorded, as a gov_violation of AXIOM-001 with
// severity high signed by the governance engine (see [WithEngineSigner]),
// which is returned with an error wrapping [ErrAppendOnly]. The violation
// names req.Actor as the offender on the caller's word: a caller serving
// requests must have authenticated the actor first, or anyone could have
// violations (and so enforcement) recorded against any actor.
func (b *Body) RequestChange(ctx context.Context, req ChangeRequest) (*Violation, error) {
	refused := fmt.Errorf("%w: %s of %s receipt %d by %s refused", ErrAppendOnly, req.Action, req.Scroll, req.Index, req.Actor)
	if b.engine == nil {
		return nil, fmt.Errorf("%w (no engine signer to record the violation)", refused)
	}
	if req.Action != "modify_receipt" && req.Action != "delete_receipt" {
		req.Action = "modify_receipt"
	}
	a, err := b.actor(b.engine)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	v, err := b.recordViolation(ctx, b.engine, a, ViolationDraft{
		ViolationType: ViolationUnauthorizedAction, Severity: SeverityHigh,
		Details:  ViolationDetails{Actor: req.Actor, ActionAttempted: req.Action, RuleViolated: "AXIOM-001", ActionResult: "blocked"},
		Evidence: Evidence{LogEntries: []string{req.Scroll + "#" + strconv.FormatUint(req.Index, 10)}, RequestHash: envelope.Blake3(req.Request)},
	})
	if err != nil {
		return nil, fmt.Errorf("%w (recording the violation failed: %s)", refused, trimPrefix(err))
	}
	return v, refused
}

// A ProposalStatus is a proposal as it stands at a time.
type ProposalStatus struct {
	Proposal     *Proposal
	State        State
	Tally        Tally
	Ratification *Ratification
	Amendment    *Amendment
	Cancellation *Cancellation
}

func (r *proposalRec) status(t time.Time) ProposalStatus {
	return ProposalStatus{Proposal: r.p, State: r.state(t), Tally: r.tally(), Ratification: r.ratified, Amendment: r.amended, Cancellation: r.cancelled}
}

// Proposal returns the proposal with the given ID as it stands at t.
func (b *Body) Proposal(id string, t time.Time) (ProposalStatus, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	r, err := b.l.proposal(id)
	if err != nil {
		return ProposalStatus{}, err
	}
	return r.status(t), nil
}

// Proposals returns every proposal as it stands at t, in ID order.
func (b *Body) Proposals(t time.Time) []ProposalStatus {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]ProposalStatus, 0, len(b.l.props))
	for _, r := range b.l.props {
		out = append(out, r.status(t))
	}
	slices.SortFunc(out, func(x, y ProposalStatus) int { return cmpID(x.Proposal.ProposalID, y.Proposal.ProposalID) })
	return out
}

// cmpID orders numbered IDs by month, then number.
func cmpID(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Constitution returns a copy of the constitution in force.
func (b *Body) Constitution() *Constitution {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.l.cons.Clone()
}

// ConstitutionAt returns a copy of the given version of the constitution.
func (b *Body) ConstitutionAt(v Version) (*Constitution, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range b.l.history {
		if c.Version == v {
			return c.Clone(), true
		}
	}
	return nil, false
}

// Versions lists every version the constitution has had, oldest first.
func (b *Body) Versions() []Version {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]Version, len(b.l.history))
	for i, c := range b.l.history {
		out[i] = c.Version
	}
	return out
}

// EffectiveValue returns a parameter's value at t: that of the latest
// parameter-change order in force, else the constitution's. An order that
// expired or was revoked has no effect.
func (b *Body) EffectiveValue(name string, t time.Time) (string, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.l.effective(name, t)
}

// Orders returns every executive order as it stands at t, in ID order.
func (b *Body) Orders(t time.Time) []OrderStatus {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]OrderStatus, 0, len(b.l.orders))
	for _, r := range b.l.orders {
		out = append(out, r.status(t))
	}
	slices.SortFunc(out, func(x, y OrderStatus) int { return cmpID(x.Order.OrderID, y.Order.OrderID) })
	return out
}

// Emergency returns the latest emergency declared, as it stands at t
// (InForce false once it expired or ended), and false if there was none.
func (b *Body) Emergency(t time.Time) (OrderStatus, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.l.emerg == nil {
		return OrderStatus{}, false
	}
	return b.l.emerg.status(t), true
}

// EmergencyPowers returns the powers in force at t: those the emergency in
// force invoked, or none.
func (b *Body) EmergencyPowers(t time.Time) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if r := b.l.emerg; r != nil && r.inForce(t) {
		return slices.Clone(r.o.Content.PowersInvoked)
	}
	return nil
}

// Violations returns every violation, in ID order.
func (b *Body) Violations() []ViolationStatus {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]ViolationStatus, 0, len(b.l.viols))
	for _, r := range b.l.viols {
		out = append(out, ViolationStatus{Violation: r.v, Decision: r.decision})
	}
	slices.SortFunc(out, func(x, y ViolationStatus) int { return cmpID(x.Violation.ViolationID, y.Violation.ViolationID) })
	return out
}

// Enforcements returns every enforcement action as it stands at t.
func (b *Body) Enforcements(t time.Time) []EnforcementStatus {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]EnforcementStatus, 0, len(b.l.enfs))
	for _, r := range b.l.enfs {
		out = append(out, EnforcementStatus{Enforcement: r.e, InForce: r.inForce(t), Decision: r.decision,
			PendingReview: r.e.ReviewRequired && r.decision == "" && r.viol.dismissed.IsZero()})
	}
	slices.SortFunc(out, func(x, y EnforcementStatus) int {
		return cmpID(x.Enforcement.EnforcementID, y.Enforcement.EnforcementID)
	})
	return out
}

// Suspended reports whether actor's role is suspended in scroll at t,
// directly or, for an agent, through its delegator.
func (b *Body) Suspended(actor string, role Role, scroll string, t time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if a, ok := b.l.reg.Actor(actor); ok && a.DelegatedBy != "" && b.l.suspension(a.DelegatedBy, role, scroll, t) != nil {
		return true
	}
	return b.l.suspension(actor, role, scroll, t) != nil
}

// Receipts returns the number of receipts in the Governance scroll.
func (b *Body) Receipts() uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.l.count
}
