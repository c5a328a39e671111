package governance

import (
	"fmt"
	"slices"
	"strings"
)

// Bounds on free text in receipts.
const (
	maxTitle = 256
	maxText  = 16 << 10
)

// checkShape checks what a receipt can be judged on alone: its type
// member, IDs, enumerated values, and that it uses exactly the members its
// kind uses. Judging it against the constitution and the scroll is the
// ledger's job.
func checkShape(p Payload) error {
	var err error
	switch p := p.(type) {
	case *Proposal:
		err = p.checkShape()
	case *Vote:
		err = p.checkShape()
	case *Ratification:
		err = p.checkShape()
	case *Amendment:
		err = p.checkShape()
	case *ExecutiveOrder:
		err = p.checkShape()
	case *Violation:
		err = p.checkShape()
	case *Enforcement:
		err = p.checkShape()
	case *Review:
		err = p.checkShape()
	case *Cancellation:
		err = p.checkShape()
	default:
		err = fmt.Errorf("unknown payload %T", p)
	}
	if err != nil {
		if strings.HasPrefix(err.Error(), "governance: ") {
			return err
		}
		return fmt.Errorf("%w: %s %.60s: %v", ErrMalformed, p.ReceiptType(), p.ReceiptID(), err)
	}
	return nil
}

func checkType(got, want string) error {
	if got != want {
		return fmt.Errorf("type member %.40q, want %q", got, want)
	}
	return nil
}

func checkActorRef(what, id string) error {
	if isDID(id) {
		return nil
	}
	if n, ok := strings.CutPrefix(id, "engine:"); ok && isLabel(n) {
		return nil
	}
	return fmt.Errorf("%s %.80q: want a DID or engine:<name>", what, id)
}

func checkText(what, s string, max int, required bool) error {
	if required && s == "" {
		return fmt.Errorf("%s is empty", what)
	}
	if len(s) > max {
		return fmt.Errorf("%s of %d bytes, want at most %d", what, len(s), max)
	}
	return nil
}

func (p *Proposal) checkShape() error {
	if err := checkType(p.Type, TypeProposal); err != nil {
		return err
	}
	if _, err := parseNumbered(p.ProposalID, prefixProposal); err != nil {
		return err
	}
	if !slices.Contains(proposalTypes, p.ProposalType) {
		return fmt.Errorf("proposal_type %.40q, want amendment, statute or add_engine", p.ProposalType)
	}
	if err := checkText("title", p.Title, maxTitle, true); err != nil {
		return err
	}
	if err := checkText("rationale", p.Rationale, maxText, false); err != nil {
		return err
	}
	if err := checkActorRef("author", p.Author); err != nil {
		return err
	}
	if !p.SubmittedAt.Before(p.DeliberationEnds.Time) || !p.DeliberationEnds.Before(p.VotingEnds.Time) || !p.VotingEnds.Before(p.ExpiresAt.Time) {
		return fmt.Errorf("times out of order: want submitted_at < deliberation_ends < voting_ends < expires_at")
	}
	if p.Status != StateDeliberation {
		return fmt.Errorf("status %.40q, want %q (the state at creation)", p.Status, StateDeliberation)
	}
	if p.Rules.Quorum.Den == 0 || p.Rules.PassThreshold.Den == 0 {
		return fmt.Errorf("rules without quorum or pass_threshold")
	}
	return p.Content.checkShape(p.ProposalType)
}

// checkShape checks that c's action suits the proposal type and that it uses
// exactly the members its action needs.
func (c *Content) checkShape(t ProposalType) error {
	if !slices.Contains(t.Actions(), c.Action) {
		return fmt.Errorf("content.action %.40q for a %s, want one of %v", c.Action, t, t.Actions())
	}
	if isAxiomID(c.Target) || strings.HasPrefix(c.Target, "AXIOM") || (c.Text != nil && strings.HasPrefix(c.Text.ID, "AXIOM")) {
		return fmt.Errorf("%w: proposal targets %s", ErrAxiomImmutable, c.Target)
	}
	wantText := c.Action == ActionAdd || c.Action == ActionReplace
	if (c.Text != nil) != wantText || (c.Value != "") != (c.Action == ActionSetParameter) ||
		(c.Engine != nil) != (c.Action == ActionAddEngine) || (c.Status != "") != (c.Action == ActionSetEngineStatus) {
		return fmt.Errorf("content for %s: want text only for add and replace, value only for set_parameter, engine only for add_engine, status only for set_engine_status", c.Action)
	}
	switch {
	case t == ProposalAmendment && c.Action != ActionSetEngineStatus:
		if !isArticleID(c.Target) {
			return fmt.Errorf("content.target %.40q, want ARTICLE-<roman>", c.Target)
		}
		if wantText {
			a := Article{ID: c.Text.ID, Name: c.Text.Name, Sections: c.Text.Sections}
			if c.Text.ID != c.Target || c.Text.Text != "" {
				return fmt.Errorf("content.text of an article: id equal to the target, sections and no text")
			}
			if err := checkArticle(&a); err != nil {
				return err
			}
		}
	case c.Action == ActionSetEngineStatus:
		if !strings.HasPrefix(c.Target, "engine:") {
			return fmt.Errorf("content.target %.40q, want engine:<name>", c.Target)
		}
		if c.Status != EngineActive && c.Status != EngineSuspended && c.Status != EngineRetired {
			return fmt.Errorf("content.status %.20q, want active, suspended or retired", c.Status)
		}
	case c.Action == ActionSetParameter:
		if !validParameter(c.Target) || len(c.Value) > 256 {
			return fmt.Errorf("content.target %.60q: want a dotted parameter name and a value of at most 256 bytes", c.Target)
		}
	case t == ProposalStatute:
		if wantText {
			s := Statute{ID: c.Text.ID, Name: c.Text.Name, Text: c.Text.Text}
			if c.Text.ID != c.Target || len(c.Text.Sections) != 0 {
				return fmt.Errorf("content.text of a statute: id equal to the target, text and no sections")
			}
			if err := checkStatute(&s); err != nil {
				return err
			}
		} else if err := checkStatute(&Statute{ID: c.Target, Name: "x", Text: "x"}); err != nil {
			return err
		}
	case c.Action == ActionAddEngine:
		if err := checkEngine(c.Engine); err != nil {
			return err
		}
		if c.Engine.EngineID != c.Target || c.Engine.Status != EngineActive {
			return fmt.Errorf("content.engine: engine_id equal to the target and status active")
		}
	}
	return nil
}

func (v *Vote) checkShape() error {
	if err := checkType(v.Type, TypeVote); err != nil {
		return err
	}
	pid, err := parseNumbered(v.ProposalID, prefixProposal)
	if err != nil {
		return err
	}
	if err := checkActorRef("voter", v.Voter); err != nil {
		return err
	}
	if _, ok := voteNumber(v.VoteID, v.ProposalID, v.Voter); !ok {
		base := voteID(pid, v.Voter, 1)
		return fmt.Errorf("vote_id %.80q, want %s or %s-<n>", v.VoteID, base, base)
	}
	switch v.Vote {
	case Approve, Reject, Abstain:
	default:
		return fmt.Errorf("vote %.20q, want approve, reject or abstain", v.Vote)
	}
	if v.Weight < 1 || v.Weight > 1_000_000 {
		return fmt.Errorf("weight %d, want 1 to 1000000", v.Weight)
	}
	return checkText("comments", v.Comments, maxText, false)
}

func (r *Ratification) checkShape() error {
	if err := checkType(r.Type, TypeRatification); err != nil {
		return err
	}
	pid, err := parseNumbered(r.ProposalID, prefixProposal)
	if err != nil {
		return err
	}
	if r.RatificationID != sameNumber(prefixRatification, pid) {
		return fmt.Errorf("ratification_id %.60q, want %s", r.RatificationID, sameNumber(prefixRatification, pid))
	}
	if s := r.VoteSummary; s.Approve < 0 || s.Reject < 0 || s.Abstain < 0 {
		return fmt.Errorf("negative vote_summary")
	}
	return checkActorRef("ratified_by", r.RatifiedBy)
}

func (a *Amendment) checkShape() error {
	if err := checkType(a.Type, TypeAmendment); err != nil {
		return err
	}
	pid, err := parseNumbered(a.ProposalID, prefixProposal)
	if err != nil {
		return err
	}
	if a.AmendmentID != sameNumber(prefixAmendment, pid) {
		return fmt.Errorf("amendment_id %.60q, want %s", a.AmendmentID, sameNumber(prefixAmendment, pid))
	}
	if a.AnchorProof.Backend == "" {
		return fmt.Errorf("anchor_proof without backend")
	}
	if a.ConstitutionHashBefore.Algorithm() != "blake3" || a.ConstitutionHashAfter.Algorithm() != "blake3" {
		return fmt.Errorf("constitution hashes must be blake3")
	}
	return nil
}

func (o *ExecutiveOrder) checkShape() error {
	if err := checkType(o.Type, TypeExecutiveOrder); err != nil {
		return err
	}
	if _, err := parseNumbered(o.OrderID, prefixOrder); err != nil {
		return err
	}
	if err := checkText("title", o.Title, maxTitle, true); err != nil {
		return err
	}
	if err := checkActorRef("issued_by", o.IssuedBy); err != nil {
		return err
	}
	if art, sec, ok := strings.Cut(o.Authority, "."); !ok || !isArticleID(art) || !isDigits(sec) {
		return fmt.Errorf("authority %.40q, want an article section such as ARTICLE-I.1", o.Authority)
	}
	c := &o.Content
	paramSet := c.Parameter != "" || c.OldValue != "" || c.NewValue != ""
	emergSet := c.EmergencyType != "" || c.ThreatDescription != "" || len(c.PowersInvoked) > 0
	refSet := c.Order != ""
	var want struct{ param, directive, emerg, ref, duration bool }
	switch o.OrderType {
	case OrderParameterChange:
		want.param, want.duration = true, true
		if !validParameter(c.Parameter) || c.OldValue == "" || c.NewValue == "" || c.OldValue == c.NewValue || len(c.NewValue) > 256 {
			return fmt.Errorf("parameter_change: want a parameter, an old_value and a different new_value")
		}
	case OrderDirective:
		want.directive, want.duration = true, true
		if err := checkText("directive", c.Directive, maxText, true); err != nil {
			return err
		}
	case OrderEmergency:
		want.emerg, want.duration = true, true
		if !isLabel(strings.ReplaceAll(c.EmergencyType, "_", "-")) || c.ThreatDescription == "" || len(c.PowersInvoked) == 0 {
			return fmt.Errorf("emergency: want an emergency_type, a threat_description and powers_invoked")
		}
		for i, pw := range c.PowersInvoked {
			if pw == "" || len(pw) > maxTitle || slices.Contains(c.PowersInvoked[:i], pw) {
				return fmt.Errorf("emergency: powers_invoked: empty, long or repeated power %.40q", pw)
			}
		}
	case OrderEmergencyExtension:
		want.ref, want.duration = true, true
	case OrderEmergencyEnd, OrderRevocation:
		want.ref = true
	default:
		return fmt.Errorf("order_type %.40q, want parameter_change, directive, emergency, emergency_extension, emergency_end or revocation", o.OrderType)
	}
	if paramSet != want.param || (c.Directive != "") != want.directive || emergSet != want.emerg || refSet != want.ref {
		return fmt.Errorf("content members do not suit order_type %s", o.OrderType)
	}
	if refSet {
		if _, err := parseNumbered(c.Order, prefixOrder); err != nil {
			return err
		}
	}
	if err := checkText("reason", c.Reason, maxText, false); err != nil {
		return err
	}
	if (o.Duration != nil) != want.duration {
		return fmt.Errorf("duration: want one exactly for orders that expire")
	}
	if d := o.Duration; d != nil {
		wantType := DurationTemporary
		if o.OrderType == OrderEmergency || o.OrderType == OrderEmergencyExtension {
			wantType = DurationEmergency
		}
		if d.Type != wantType {
			return fmt.Errorf("duration.type %.20q, want %s", d.Type, wantType)
		}
		if d.Renewable && o.OrderType != OrderEmergency {
			return fmt.Errorf("duration.renewable on a %s", o.OrderType)
		}
		if !d.ExpiresAt.After(o.IssuedAt.Time) {
			return fmt.Errorf("duration.expires_at not after issued_at")
		}
	}
	return nil
}

func (v *Violation) checkShape() error {
	if err := checkType(v.Type, TypeViolation); err != nil {
		return err
	}
	if _, err := parseNumbered(v.ViolationID, prefixViolation); err != nil {
		return err
	}
	if err := checkActorRef("detected_by", v.DetectedBy); err != nil {
		return err
	}
	switch v.ViolationType {
	case ViolationUnauthorizedAction, ViolationConstitutional, ViolationProcedural, ViolationSuspendedUse:
	default:
		return fmt.Errorf("violation_type %.40q, want unauthorized_action, constitutional_breach, procedural_breach or suspended_capability_use", v.ViolationType)
	}
	if !slices.Contains(Severities(), v.Severity) {
		return fmt.Errorf("severity %.20q, want low, medium, high or critical", v.Severity)
	}
	d := &v.Details
	if err := checkActorRef("details.actor", d.Actor); err != nil {
		return err
	}
	if !isLabel(strings.ReplaceAll(d.ActionAttempted, "_", "-")) {
		return fmt.Errorf("details.action_attempted %.40q, want a lower-case name", d.ActionAttempted)
	}
	if d.RuleViolated == "" || len(d.RuleViolated) > 64 {
		return fmt.Errorf("details.rule_violated is empty or long")
	}
	if d.ActionResult != "blocked" && d.ActionResult != "completed" {
		return fmt.Errorf("details.action_result %.20q, want blocked or completed", d.ActionResult)
	}
	if len(v.Evidence.LogEntries) > 1024 {
		return fmt.Errorf("evidence.log_entries: %d entries, want at most 1024", len(v.Evidence.LogEntries))
	}
	for _, e := range v.Evidence.LogEntries {
		if err := checkText("evidence.log_entries", e, maxText, true); err != nil {
			return err
		}
	}
	if v.Evidence.RequestHash.IsZero() {
		return fmt.Errorf("evidence.request_hash missing")
	}
	return nil
}

func (e *Enforcement) checkShape() error {
	if err := checkType(e.Type, TypeEnforcement); err != nil {
		return err
	}
	if _, err := parseNumbered(e.EnforcementID, prefixEnforcement); err != nil {
		return err
	}
	if _, err := parseNumbered(e.ViolationID, prefixViolation); err != nil {
		return err
	}
	if err := checkActorRef("target", e.Target); err != nil {
		return err
	}
	switch e.EnforcementType {
	case EnforcementWarning:
		if e.ActionTaken != nil {
			return fmt.Errorf("a warning takes no action_taken")
		}
	case EnforcementCapabilitySuspension:
		a := e.ActionTaken
		if a == nil {
			return fmt.Errorf("capability_suspension without action_taken")
		}
		if a.CapabilitySuspended != CapabilityWrite && !slices.Contains(allRoles, Role(a.CapabilitySuspended)) {
			return fmt.Errorf("action_taken.capability_suspended %.20q, want a role or write", a.CapabilitySuspended)
		}
		if a.Scope != ScopeAllScrolls && !isScrollName(a.Scope) {
			return fmt.Errorf("action_taken.scope %.40q, want all_scrolls or a scroll name", a.Scope)
		}
		if a.Duration != "pending_review" {
			return fmt.Errorf("action_taken.duration %.20q, want pending_review", a.Duration)
		}
		if !e.ReviewRequired {
			return fmt.Errorf("a capability_suspension requires review")
		}
	default:
		return fmt.Errorf("enforcement_type %.40q, want warning or capability_suspension", e.EnforcementType)
	}
	if !e.ReviewDeadline.After(e.EnforcedAt.Time) {
		return fmt.Errorf("review_deadline not after enforced_at")
	}
	return nil
}

func (r *Review) checkShape() error {
	if err := checkType(r.Type, TypeReview); err != nil {
		return err
	}
	if _, err := parseNumbered(r.ReviewID, prefixReview); err != nil {
		return err
	}
	_, errV := parseNumbered(r.Subject, prefixViolation)
	_, errE := parseNumbered(r.Subject, prefixEnforcement)
	if errV != nil && errE != nil {
		return fmt.Errorf("subject %.40q, want a VIOL- or ENF- ID", r.Subject)
	}
	if r.Decision != DecisionUphold && r.Decision != DecisionDismiss {
		return fmt.Errorf("decision %.20q, want uphold or dismiss", r.Decision)
	}
	if err := checkActorRef("reviewed_by", r.ReviewedBy); err != nil {
		return err
	}
	return checkText("reason", r.Reason, maxText, false)
}

func (c *Cancellation) checkShape() error {
	if err := checkType(c.Type, TypeCancellation); err != nil {
		return err
	}
	pid, err := parseNumbered(c.ProposalID, prefixProposal)
	if err != nil {
		return err
	}
	if c.CancellationID != sameNumber(prefixCancellation, pid) {
		return fmt.Errorf("cancellation_id %.60q, want %s", c.CancellationID, sameNumber(prefixCancellation, pid))
	}
	if err := checkActorRef("cancelled_by", c.CancelledBy); err != nil {
		return err
	}
	return checkText("reason", c.Reason, maxText, false)
}
