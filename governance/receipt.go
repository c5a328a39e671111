package governance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/envelope"
	"github.com/accordsdk/accord/internal/strictjson"
)

// Receipt types: the envelope type of each receipt and the "type" member of
// its payload.
const (
	TypeProposal       = "gov_proposal"
	TypeVote           = "gov_vote"
	TypeRatification   = "gov_ratification"
	TypeAmendment      = "gov_amendment"
	TypeExecutiveOrder = "gov_executive_order"
	TypeViolation      = "gov_violation"
	TypeEnforcement    = "gov_enforcement"
	TypeReview         = "gov_review"
	TypeCancellation   = "gov_cancellation"
)

// ReceiptTypes lists every receipt type, in the order the package doc
// describes them.
func ReceiptTypes() []string {
	return []string{TypeProposal, TypeVote, TypeRatification, TypeAmendment, TypeExecutiveOrder,
		TypeViolation, TypeEnforcement, TypeReview, TypeCancellation}
}

// A Payload is the content of one receipt: [*Proposal], [*Vote],
// [*Ratification], [*Amendment], [*ExecutiveOrder], [*Violation],
// [*Enforcement], [*Review] or [*Cancellation].
type Payload interface {
	// ReceiptType returns the receipt type, for example "gov_vote".
	ReceiptType() string
	// ReceiptID returns the receipt's own ID, for example "VOTE-2025-12-001-sovereign".
	ReceiptID() string
	// ReceiptTime returns the time the receipt records (submitted_at,
	// voted_at, ...); it equals the envelope's timestamp.
	ReceiptTime() time.Time
}

// Timestamp is a time in a receipt, written in RFC 3339 UTC with whole
// seconds: "2025-12-06T10:00:00Z" (one spelling per instant).
type Timestamp struct{ time.Time }

const timeLayout = "2006-01-02T15:04:05Z"

// At returns t truncated to the second, in UTC, as a Timestamp.
func At(t time.Time) Timestamp { return Timestamp{t.UTC().Truncate(time.Second)} }

// String returns the RFC 3339 form.
func (t Timestamp) String() string { return t.UTC().Format(timeLayout) }

// MarshalJSON writes the RFC 3339 UTC form; sub-second times are refused.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	if t.IsZero() || t.Nanosecond() != 0 || t.Year() < 1970 || t.Year() > 9999 {
		return nil, fmt.Errorf("%w: time %v, want whole seconds from 1970 to 9999", ErrMalformed, t.Time)
	}
	return []byte(`"` + t.String() + `"`), nil
}

// UnmarshalJSON reads exactly "YYYY-MM-DDTHH:MM:SSZ".
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	s, err := strconv.Unquote(string(b))
	if err != nil || len(b) < 2 || b[0] != '"' {
		return fmt.Errorf("%w: time %.40s, want a string", ErrMalformed, b)
	}
	p, ok := parseTimestamp(s)
	if !ok {
		return fmt.Errorf("%w: time %.40q, want YYYY-MM-DDTHH:MM:SSZ", ErrMalformed, s)
	}
	t.Time = p
	return nil
}

// parseTimestamp reads exactly "YYYY-MM-DDTHH:MM:SSZ" from 1970 on, with
// every field in range.
func parseTimestamp(s string) (time.Time, bool) {
	if len(s) != len(timeLayout) || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z' {
		return time.Time{}, false
	}
	num := func(a, b int) int {
		n := 0
		for i := a; i < b; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	y, mo, d, h, mi, se := num(0, 4), num(5, 7), num(8, 10), num(11, 13), num(14, 16), num(17, 19)
	if y < 1970 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, se, 0, time.UTC)
	if t.Day() != d { // 31 February and the like
		return time.Time{}, false
	}
	return t, true
}

// ParseTime reads an RFC 3339 time with any offset (input from people and
// files) and returns it in UTC, truncated to the second.
func ParseTime(s string) (time.Time, error) {
	p, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: time %.40q, want RFC 3339", ErrMalformed, s)
	}
	return p.UTC().Truncate(time.Second), nil
}

// ProposalType is "amendment", "statute" or "add_engine".
type ProposalType string

// Proposal types.
const (
	ProposalAmendment ProposalType = "amendment"  // supermajority and ratification
	ProposalStatute   ProposalType = "statute"    // simple majority
	ProposalAddEngine ProposalType = "add_engine" // an amendment adding an engine
)

var proposalTypes = []ProposalType{ProposalAmendment, ProposalStatute, ProposalAddEngine}

// Content actions, per proposal type.
const (
	// amendment: articles and engine status
	ActionAdd             = "add"               // add an article (statute: a statute)
	ActionReplace         = "replace"           // replace an article (statute: a statute)
	ActionRepeal          = "repeal"            // repeal an article (statute: a statute)
	ActionSetEngineStatus = "set_engine_status" // amendment: suspend, reactivate or retire an engine
	// statute only
	ActionSetParameter = "set_parameter" // set a parameter's value
	// add_engine only
	ActionAddEngine = "add_engine" // register a new engine
)

// Actions returns the content actions a proposal type allows.
func (t ProposalType) Actions() []string {
	switch t {
	case ProposalAmendment:
		return []string{ActionAdd, ActionReplace, ActionRepeal, ActionSetEngineStatus}
	case ProposalStatute:
		return []string{ActionAdd, ActionReplace, ActionRepeal, ActionSetParameter}
	case ProposalAddEngine:
		return []string{ActionAddEngine}
	}
	return nil
}

// Threshold is a share that must be reached: ">=2/3" (at least two thirds)
// or ">1/2" (more than half). Checked in integers, so there is no rounding.
type Threshold struct {
	Num, Den int64
	Strict   bool // ">" rather than ">="
}

// Met reports whether part of whole reaches the threshold. A threshold is
// never met by an empty whole.
func (t Threshold) Met(part, whole int64) bool {
	if whole <= 0 {
		return false
	}
	if t.Strict {
		return part*t.Den > t.Num*whole
	}
	return part*t.Den >= t.Num*whole
}

// String returns ">=N/D" or ">N/D".
func (t Threshold) String() string {
	op := ">="
	if t.Strict {
		op = ">"
	}
	return fmt.Sprintf("%s%d/%d", op, t.Num, t.Den)
}

// MarshalText implements [encoding.TextMarshaler].
func (t Threshold) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText reads ">=N/D" or ">N/D" with 0 < N <= D <= 1000 (">1/1"
// is refused: it can never be met).
func (t *Threshold) UnmarshalText(b []byte) error {
	s := string(b)
	strict := false
	switch {
	case strings.HasPrefix(s, ">="):
		s = s[2:]
	case strings.HasPrefix(s, ">"):
		s, strict = s[1:], true
	default:
		return fmt.Errorf("%w: threshold %.20q, want >=N/D or >N/D", ErrMalformed, b)
	}
	ns, ds, ok := strings.Cut(s, "/")
	n, err1 := strconv.ParseInt(ns, 10, 64)
	d, err2 := strconv.ParseInt(ds, 10, 64)
	if !ok || err1 != nil || err2 != nil || n <= 0 || d > 1000 || n > d || (strict && n == d) ||
		strconv.FormatInt(n, 10) != ns || strconv.FormatInt(d, 10) != ds {
		return fmt.Errorf("%w: threshold %.20q, want >=N/D or >N/D with 0 < N <= D <= 1000", ErrMalformed, b)
	}
	*t = Threshold{Num: n, Den: d, Strict: strict}
	return nil
}

// A Proposal is a gov_proposal receipt: a change to the constitution put to
// a vote. The rules and dates that decide it are fixed in it when it is
// created; its status is always "deliberation", its state at creation (the
// state now is computed, see [State]).
type Proposal struct {
	Type                string       `json:"type"`
	ProposalID          string       `json:"proposal_id"` // PROP-YYYY-MM-NNN
	ProposalType        ProposalType `json:"proposal_type"`
	Title               string       `json:"title"`
	Author              string       `json:"author"`
	SubmittedAt         Timestamp    `json:"submitted_at"`
	DeliberationEnds    Timestamp    `json:"deliberation_ends"`
	VotingEnds          Timestamp    `json:"voting_ends"`
	ExpiresAt           Timestamp    `json:"expires_at"`
	ConstitutionVersion Version      `json:"constitution_version"`
	Rules               Rule         `json:"rules"`
	Content             Content      `json:"content"`
	Rationale           string       `json:"rationale"`
	Status              State        `json:"status"`
}

// Content says what a proposal changes.
type Content struct {
	Target string     `json:"target"` // ARTICLE-VII, STATUTE-001, a parameter or an engine ID
	Action string     `json:"action"` // see the Action constants
	Text   *Provision `json:"text,omitempty"`
	Value  string     `json:"value,omitempty"`  // set_parameter
	Engine *Engine    `json:"engine,omitempty"` // add_engine
	Status string     `json:"status,omitempty"` // set_engine_status
}

// A Provision is the text of an article (with sections) or a statute (with
// text) that a proposal adds or puts in place of another.
type Provision struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Sections []Section `json:"sections,omitempty"`
	Text     string    `json:"text,omitempty"`
}

// A Vote is a gov_vote receipt.
type Vote struct {
	Type       string    `json:"type"`
	VoteID     string    `json:"vote_id"` // VOTE-YYYY-MM-NNN-<voter>[-<n>]
	ProposalID string    `json:"proposal_id"`
	Voter      string    `json:"voter"`
	VotedAt    Timestamp `json:"voted_at"`
	Vote       string    `json:"vote"`   // approve, reject or abstain
	Weight     int64     `json:"weight"` // the voter's registered weight
	Comments   string    `json:"comments,omitempty"`
}

// Vote choices.
const (
	Approve = "approve"
	Reject  = "reject"
	Abstain = "abstain"
)

// A VoteSummary is the weighted tally of a proposal's votes.
type VoteSummary struct {
	Approve int64 `json:"approve"`
	Reject  int64 `json:"reject"`
	Abstain int64 `json:"abstain"`
}

// A Ratification is a gov_ratification receipt: a passed proposal confirmed
// by an actor with the ratify role.
type Ratification struct {
	Type                      string      `json:"type"`
	RatificationID            string      `json:"ratification_id"` // RAT-YYYY-MM-NNN, the proposal's number
	ProposalID                string      `json:"proposal_id"`
	RatifiedAt                Timestamp   `json:"ratified_at"`
	RatifiedBy                string      `json:"ratified_by"`
	VoteSummary               VoteSummary `json:"vote_summary"`
	QuorumMet                 bool        `json:"quorum_met"`
	ConstitutionVersionBefore Version     `json:"constitution_version_before"`
	ConstitutionVersionAfter  Version     `json:"constitution_version_after"`
}

// An Amendment is a gov_amendment receipt: a passed (and, where required,
// ratified) proposal taking effect after its new constitution's hash was
// anchored and the anchor confirmed.
type Amendment struct {
	Type                   string                 `json:"type"`
	AmendmentID            string                 `json:"amendment_id"` // AMEND-YYYY-MM-NNN, the proposal's number
	ProposalID             string                 `json:"proposal_id"`
	EffectiveAt            Timestamp              `json:"effective_at"`
	AnchorProof            checkpoint.AnchorProof `json:"anchor_proof"`
	ConstitutionHashBefore envelope.Digest        `json:"constitution_hash_before"`
	ConstitutionHashAfter  envelope.Digest        `json:"constitution_hash_after"`
}

// Order types.
const (
	OrderParameterChange    = "parameter_change"
	OrderDirective          = "directive"
	OrderEmergency          = "emergency"
	OrderEmergencyExtension = "emergency_extension"
	OrderEmergencyEnd       = "emergency_end"
	OrderRevocation         = "revocation"
)

// Duration types of orders.
const (
	DurationTemporary = "temporary"
	DurationEmergency = "emergency"
)

// An ExecutiveOrder is a gov_executive_order receipt: a parameter change, a
// directive, an emergency declaration, or the extension, end or revocation
// of an earlier order. Every order cites an article section as its
// authority and (but for ends and revocations) expires.
type ExecutiveOrder struct {
	Type      string       `json:"type"`
	OrderID   string       `json:"order_id"` // EO-YYYY-MM-NNN
	Title     string       `json:"title"`
	IssuedBy  string       `json:"issued_by"`
	IssuedAt  Timestamp    `json:"issued_at"`
	Authority string       `json:"authority"` // ARTICLE-I.1
	OrderType string       `json:"order_type"`
	Content   OrderContent `json:"content"`
	Duration  *Duration    `json:"duration,omitempty"`
}

// OrderContent holds the members each order type uses; the others are
// absent.
type OrderContent struct {
	// parameter_change
	Parameter string `json:"parameter,omitempty"`
	OldValue  string `json:"old_value,omitempty"`
	NewValue  string `json:"new_value,omitempty"`
	// directive
	Directive string `json:"directive,omitempty"`
	// emergency
	EmergencyType     string   `json:"emergency_type,omitempty"`
	ThreatDescription string   `json:"threat_description,omitempty"`
	PowersInvoked     []string `json:"powers_invoked,omitempty"`
	// emergency_extension, emergency_end, revocation: the order acted on
	Order  string `json:"order,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// Duration is how long an order is in force.
type Duration struct {
	Type      string    `json:"type"` // temporary or emergency
	ExpiresAt Timestamp `json:"expires_at"`
	Renewable bool      `json:"renewable,omitempty"` // emergencies only
}

// Severities of violations, lowest first.
const (
	SeverityLow      = "low"
	SeverityMedium   = "medium"
	SeverityHigh     = "high"
	SeverityCritical = "critical"
)

// Severities returns the severity values, lowest first.
func Severities() []string {
	return []string{SeverityLow, SeverityMedium, SeverityHigh, SeverityCritical}
}

// Violation types.
const (
	ViolationUnauthorizedAction = "unauthorized_action"
	ViolationConstitutional     = "constitutional_breach"
	ViolationProcedural         = "procedural_breach"
	ViolationSuspendedUse       = "suspended_capability_use"
)

// A Violation is a gov_violation receipt: a detected breach of a rule.
type Violation struct {
	Type          string           `json:"type"`
	ViolationID   string           `json:"violation_id"` // VIOL-YYYY-MM-NNN
	DetectedAt    Timestamp        `json:"detected_at"`
	DetectedBy    string           `json:"detected_by"`
	ViolationType string           `json:"violation_type"`
	Severity      string           `json:"severity"`
	Details       ViolationDetails `json:"details"`
	Evidence      Evidence         `json:"evidence"`
}

// ViolationDetails says who did what against which rule, and the outcome.
type ViolationDetails struct {
	Actor           string `json:"actor"`
	ActionAttempted string `json:"action_attempted"`
	RuleViolated    string `json:"rule_violated"` // an axiom, article, section or statute ID
	ActionResult    string `json:"action_result"` // blocked or completed
}

// Evidence of a violation: log entries (scroll positions or text) and the
// digest of the offending request.
type Evidence struct {
	LogEntries  []string        `json:"log_entries"`
	RequestHash envelope.Digest `json:"request_hash"`
}

// Enforcement types.
const (
	EnforcementWarning              = "warning"
	EnforcementCapabilitySuspension = "capability_suspension"
)

// ScopeAllScrolls is the enforcement scope covering every scroll.
const ScopeAllScrolls = "all_scrolls"

// An Enforcement is a gov_enforcement receipt: an action taken on a
// violation, subject to review by its deadline.
type Enforcement struct {
	Type            string       `json:"type"`
	EnforcementID   string       `json:"enforcement_id"` // ENF-YYYY-MM-NNN
	ViolationID     string       `json:"violation_id"`
	EnforcedAt      Timestamp    `json:"enforced_at"`
	EnforcementType string       `json:"enforcement_type"`
	Target          string       `json:"target"`
	ActionTaken     *ActionTaken `json:"action_taken,omitempty"` // capability_suspension only
	ReviewRequired  bool         `json:"review_required"`
	ReviewDeadline  Timestamp    `json:"review_deadline"`
}

// ActionTaken is what a capability suspension suspends, and where.
type ActionTaken struct {
	CapabilitySuspended string `json:"capability_suspended"` // a role, or "write" for all
	Scope               string `json:"scope"`                // "all_scrolls" or a scroll name
	Duration            string `json:"duration"`             // "pending_review"
}

// Review decisions.
const (
	DecisionUphold  = "uphold"
	DecisionDismiss = "dismiss"
)

// A Review is a gov_review receipt: a decision on a violation or an
// enforcement action.
type Review struct {
	Type       string    `json:"type"`
	ReviewID   string    `json:"review_id"` // REV-YYYY-MM-NNN
	Subject    string    `json:"subject"`   // VIOL-... or ENF-...
	Decision   string    `json:"decision"`  // uphold or dismiss
	ReviewedBy string    `json:"reviewed_by"`
	ReviewedAt Timestamp `json:"reviewed_at"`
	Reason     string    `json:"reason,omitempty"`
}

// A Cancellation is a gov_cancellation receipt: a proposal withdrawn before
// it took effect.
type Cancellation struct {
	Type           string    `json:"type"`
	CancellationID string    `json:"cancellation_id"` // CANCEL-YYYY-MM-NNN, the proposal's number
	ProposalID     string    `json:"proposal_id"`
	CancelledBy    string    `json:"cancelled_by"`
	CancelledAt    Timestamp `json:"cancelled_at"`
	Reason         string    `json:"reason,omitempty"`
}

// ReceiptType returns the receipt type of a Proposal.
func (p *Proposal) ReceiptType() string { return TypeProposal }

// ReceiptID returns the Proposal's ID.
func (p *Proposal) ReceiptID() string { return p.ProposalID }

// ReceiptTime returns the time the Proposal records.
func (p *Proposal) ReceiptTime() time.Time { return p.SubmittedAt.Time }

// ReceiptType returns the receipt type of a Vote.
func (v *Vote) ReceiptType() string { return TypeVote }

// ReceiptID returns the Vote's ID.
func (v *Vote) ReceiptID() string { return v.VoteID }

// ReceiptTime returns the time the Vote records.
func (v *Vote) ReceiptTime() time.Time { return v.VotedAt.Time }

// ReceiptType returns the receipt type of a Ratification.
func (r *Ratification) ReceiptType() string { return TypeRatification }

// ReceiptID returns the Ratification's ID.
func (r *Ratification) ReceiptID() string { return r.RatificationID }

// ReceiptTime returns the time the Ratification records.
func (r *Ratification) ReceiptTime() time.Time { return r.RatifiedAt.Time }

// ReceiptType returns the receipt type of a Amendment.
func (a *Amendment) ReceiptType() string { return TypeAmendment }

// ReceiptID returns the Amendment's ID.
func (a *Amendment) ReceiptID() string { return a.AmendmentID }

// ReceiptTime returns the time the Amendment records.
func (a *Amendment) ReceiptTime() time.Time { return a.EffectiveAt.Time }

// ReceiptType returns the receipt type of a ExecutiveOrder.
func (o *ExecutiveOrder) ReceiptType() string { return TypeExecutiveOrder }

// ReceiptID returns the ExecutiveOrder's ID.
func (o *ExecutiveOrder) ReceiptID() string { return o.OrderID }

// ReceiptTime returns the time the ExecutiveOrder records.
func (o *ExecutiveOrder) ReceiptTime() time.Time { return o.IssuedAt.Time }

// ReceiptType returns the receipt type of a Violation.
func (v *Violation) ReceiptType() string { return TypeViolation }

// ReceiptID returns the Violation's ID.
func (v *Violation) ReceiptID() string { return v.ViolationID }

// ReceiptTime returns the time the Violation records.
func (v *Violation) ReceiptTime() time.Time { return v.DetectedAt.Time }

// ReceiptType returns the receipt type of a Enforcement.
func (e *Enforcement) ReceiptType() string { return TypeEnforcement }

// ReceiptID returns the Enforcement's ID.
func (e *Enforcement) ReceiptID() string { return e.EnforcementID }

// ReceiptTime returns the time the Enforcement records.
func (e *Enforcement) ReceiptTime() time.Time { return e.EnforcedAt.Time }

// ReceiptType returns the receipt type of a Review.
func (r *Review) ReceiptType() string { return TypeReview }

// ReceiptID returns the Review's ID.
func (r *Review) ReceiptID() string { return r.ReviewID }

// ReceiptTime returns the time the Review records.
func (r *Review) ReceiptTime() time.Time { return r.ReviewedAt.Time }

// ReceiptType returns the receipt type of a Cancellation.
func (c *Cancellation) ReceiptType() string { return TypeCancellation }

// ReceiptID returns the Cancellation's ID.
func (c *Cancellation) ReceiptID() string { return c.CancellationID }

// ReceiptTime returns the time the Cancellation records.
func (c *Cancellation) ReceiptTime() time.Time { return c.CancelledAt.Time }

// newPayload returns an empty payload of type typ.
func newPayload(typ string) (Payload, error) {
	switch typ {
	case TypeProposal:
		return new(Proposal), nil
	case TypeVote:
		return new(Vote), nil
	case TypeRatification:
		return new(Ratification), nil
	case TypeAmendment:
		return new(Amendment), nil
	case TypeExecutiveOrder:
		return new(ExecutiveOrder), nil
	case TypeViolation:
		return new(Violation), nil
	case TypeEnforcement:
		return new(Enforcement), nil
	case TypeReview:
		return new(Review), nil
	case TypeCancellation:
		return new(Cancellation), nil
	}
	return nil, fmt.Errorf("%w: receipt type %.40q", ErrMalformed, typ)
}

// ParsePayload decodes the payload of a receipt of type typ strictly and
// checks its shape (IDs, times, enumerated values, the members its kind
// uses), without judging it against a constitution. Its canonical form must
// be exactly the payload: a member written out with its default value, a
// member name in another case and an unknown member are all refused, so one
// receipt has one encoding.
func ParsePayload(typ string, payload []byte) (Payload, error) {
	p, err := newPayload(typ)
	if err != nil {
		return nil, err
	}
	if err := decodeStrict(payload, p); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrMalformed, typ, err)
	}
	if err := checkShape(p); err != nil {
		return nil, err
	}
	return p, nil
}

// decodeStrict decodes JSON data into v and refuses anything whose
// canonical form differs from the canonical form of v written back: unknown
// members, members differing only in case, default values written out,
// duplicate member names and numbers that are not I-JSON.
func decodeStrict(data []byte, v any) error {
	if err := strictjson.Unmarshal(data, v, strictjson.MaxSize(1<<20)); err != nil {
		return err
	}
	canon, err := envelope.CanonicalJSON(data)
	if err != nil {
		return err
	}
	back, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if back, err = envelope.CanonicalJSON(back); err != nil {
		return err
	}
	if !bytes.Equal(back, canon) {
		return fmt.Errorf("not in the one accepted form (a member in another case, written with its default value, or out of range)")
	}
	return nil
}

// marshalPayload returns the canonical JSON of p.
func marshalPayload(p Payload) ([]byte, error) {
	raw, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrMalformed, p.ReceiptType(), err)
	}
	return envelope.CanonicalJSON(raw)
}
