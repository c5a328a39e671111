// Command vm-gov runs a governed body from a state directory: a
// constitution whose every change is a signed receipt in an append-only
// Governance scroll, anchored in a local anchor log.
//
//	vm-gov -init -data gov constitution version
//	vm-gov -data gov proposal create --type amendment --file proposal.json
//	vm-gov -data gov --now 2025-12-13T10:00:00Z vote PROP-2025-12-001 --vote approve
//	vm-gov -data gov --now 2025-12-16T10:00:00Z ratify PROP-2025-12-001
//	vm-gov -data gov --now 2025-12-16T11:00:00Z activate PROP-2025-12-001
//	vm-gov -data gov audit
//
// -init creates the identities (the sovereign, the governance and guardian
// engines, the scroll and anchor log keys) and the actor registry. --now
// dates receipts at a fixed time, so a demonstration can pass the seven-day
// deliberation. --as picks the signing actor (default: the sovereign;
// activate defaults to the governance engine, violations report and
// enforcement create to the guardian).
package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/envelope"
	"github.com/accordsdk/accord/examples/internal/cli"
	"github.com/accordsdk/accord/governance"
	"github.com/accordsdk/accord/internal/atomicfile"
	"github.com/accordsdk/accord/internal/keyfile"
	"github.com/accordsdk/accord/internal/loganchor"
	"github.com/accordsdk/accord/internal/merklelog"
	"github.com/accordsdk/accord/internal/strictjson"
)

const role = "vm-gov"

// actors created by -init: slug, ID, kind, roles, weight.
var founding = []struct {
	slug, id, kind string
	roles          []governance.Role
	weight         int64
}{
	{"sovereign", "did:vm:human:sovereign", governance.KindSovereign, []governance.Role{
		governance.RolePropose, governance.RoleVote, governance.RoleRatify, governance.RoleCancel, governance.RoleOrder,
		governance.RoleEmergency, governance.RoleReview, governance.RoleDetect}, 1},
	{"governance", "engine:governance", governance.KindEngine, []governance.Role{governance.RoleActivate, governance.RoleDetect, governance.RoleEnforce}, 0},
	{"guardian", "engine:guardian", governance.KindEngine, []governance.Role{governance.RoleDetect, governance.RoleEnforce}, 0},
}

type flags struct {
	data, now, as, origin string
	init                  bool
}

func main() { cli.Main(command()) }

func command() *cli.Command {
	var g flags
	var (
		typ, file, status, vote, reason, description, severity, decision string
		engineID, name, scroll, authority, title, version, powers        string
		capability, scope, actor, action, rule, result                   string
		hours, reviewHours                                               int
		active, pendingReview, renewable                                 bool
	)
	withBody := func(defaultAs string, run func(ctx context.Context, e *cli.Env, s *state) error) func(context.Context, *cli.Env) error {
		return func(ctx context.Context, e *cli.Env) error {
			s, err := openState(ctx, &g, defaultAs)
			if err != nil {
				return err
			}
			defer s.close()
			if err := run(ctx, e, s); err != nil {
				return err
			}
			return s.saveConstitution()
		}
	}
	return &cli.Command{
		Name:    "vm-gov",
		Purpose: "govern by a written constitution whose every change leaves a signed, auditable receipt",
		Workflow: `vm-gov -init -data DIR constitution version creates the identities and registry.
A change: proposal create (deliberation, seven days at least), vote (in the voting window),
ratify (amendments and add_engine), activate (anchors the new constitution, then applies it).
--now dates the receipts (RFC 3339), so a demonstration can move through the lifecycle.
audit replays the scroll, checks its checkpoints and anchors, and proves the constitution.`,
		Flags: func(f *cli.FlagSet) {
			f.String(&g.data, "data", "vm-gov-data", "state `DIR` (identities, registry, scrolls, anchors)").Env("VM_GOV_DATA")
			f.Init(&g.init)
			f.String(&g.now, "now", "", "act at this RFC 3339 `TIME` instead of the clock").Env("VM_GOV_NOW")
			f.String(&g.as, "as", "", "sign as this `ACTOR` (sovereign, governance, guardian or an actor ID)").Env("VM_GOV_AS")
			f.String(&g.origin, "origin", "gov.example.org", "with -init: the scrolls' checkpoint origin prefix").Env("VM_GOV_ORIGIN")
		},
		Commands: []*cli.Command{
			{Name: "constitution", Purpose: "show the constitution, its version, or a diff between versions", Commands: []*cli.Command{
				{Name: "show", Purpose: "print the constitution in force (or --version V)",
					Flags: func(f *cli.FlagSet) { f.String(&version, "version", "", "print this `VERSION` instead") },
					Run: withBody("", func(ctx context.Context, e *cli.Env, s *state) error {
						c := s.body.Constitution()
						if version != "" {
							v, err := governance.ParseVersion(version)
							if err != nil {
								return err
							}
							var ok bool
							if c, ok = s.body.ConstitutionAt(v); !ok {
								return fmt.Errorf("no constitution version %s (versions: %v)", v, s.body.Versions())
							}
						}
						return printJSON(e.Stdout, c)
					})},
				{Name: "version", Purpose: "print the version and hash of the constitution in force",
					Run: withBody("", func(ctx context.Context, e *cli.Env, s *state) error {
						c := s.body.Constitution()
						fmt.Fprintf(e.Stdout, "%s %s\n", c.Version, c.Hash())
						return nil
					})},
				{Name: "diff", Purpose: "list what changed between two versions", Args: "FROM TO", MinArgs: 2, MaxArgs: 2,
					Run: withBody("", func(ctx context.Context, e *cli.Env, s *state) error {
						var cs [2]*governance.Constitution
						for i, a := range e.Args {
							v, err := governance.ParseVersion(a)
							if err != nil {
								return err
							}
							c, ok := s.body.ConstitutionAt(v)
							if !ok {
								return fmt.Errorf("no constitution version %s (versions: %v)", v, s.body.Versions())
							}
							cs[i] = c
						}
						for _, ch := range governance.Diff(cs[0], cs[1]) {
							fmt.Fprintln(e.Stdout, ch)
						}
						return nil
					})},
			}},
			{Name: "proposal", Purpose: "create, list, show and cancel proposals", Commands: []*cli.Command{
				{Name: "create", Purpose: "create a proposal and print its ID",
					Flags: func(f *cli.FlagSet) {
						f.String(&typ, "type", "", "proposal `TYPE`: amendment, statute or add_engine").Required()
						f.String(&file, "file", "", "proposal `FILE` (JSON: title, rationale, content, optional deliberation_ends)")
						f.String(&title, "title", "", "add_engine: the proposal's `TITLE`")
						f.String(&engineID, "engine-id", "", "add_engine: the new engine's `ID` (engine:<name>)")
						f.String(&name, "name", "", "add_engine: the engine's `NAME`")
						f.String(&scroll, "scroll", "", "add_engine: the engine's `SCROLL`")
						f.String(&authority, "authority", "", "add_engine: the engine's `AUTHORITY`")
						f.Exclusive("file", "engine-id")
					},
					Run: withBody("", func(ctx context.Context, e *cli.Env, s *state) error {
						d, err := proposalDraft(governance.ProposalType(typ), file, title, engineID, name, scroll, authority)
						if err != nil {
							return err
						}
						p, err := s.body.Propose(ctx, s.signer, d)
						if err != nil {
							return err
						}
						fmt.Fprintf(e.Stdout, "%s %s, deliberation until %s, voting until %s\n", p.ProposalID, p.Status, p.DeliberationEnds, p.VotingEnds)
						return nil
					})},
				{Name: "list", Purpose: "list proposals and their states",
					Flags: func(f *cli.FlagSet) {
						f.String(&status, "status", "", "only proposals in this `STATE` (deliberation, voting, ratification, activation, active, rejected, archived)")
					},
					Check: func(*cli.Env) error {
						if _, ok := governance.ParseState(status); status != "" && !ok {
							return fmt.Errorf("--status %q: want one of %v", status, governance.States())
						}
						return nil
					},
					Run: withBody("", func(ctx context.Context, e *cli.Env, s *state) error {
						for _, p := range s.body.Proposals(s.now()) {
							if status == "" || string(p.State) == status {
								fmt.Fprintf(e.Stdout, "%s %-12s %-10s %s\n", p.Proposal.ProposalID, p.State, p.Proposal.ProposalType, p.Proposal.Title)
							}
						}
						return nil
					})},
				{Name: "show", Purpose: "print a proposal, its state and tally", Args: "ID", MinArgs: 1, MaxArgs: 1,
					Run: withBody("", func(ctx context.Context, e *cli.Env, s *state) error {
						st, err := s.body.Proposal(e.Args[0], s.now())
						if err != nil {
							return err
						}
						return printJSON(e.Stdout, map[string]any{"proposal": st.Proposal, "state": st.State, "tally": st.Tally,
							"ratification": st.Ratification, "amendment": st.Amendment, "cancellation": st.Cancellation})
					})},
				{Name: "cancel", Purpose: "withdraw a proposal that has not taken effect", Args: "ID", MinArgs: 1, MaxArgs: 1,
					Flags: func(f *cli.FlagSet) { f.String(&reason, "reason", "", "why (recorded in the receipt)") },
					Run: withBody("", func(ctx context.Context, e *cli.Env, s *state) error {
						c, err := s.body.Cancel(ctx, s.signer, e.Args[0], reason)
						if err != nil {
							return err
						}
						fmt.Fprintf(e.Stdout, "%s: %s archived\n", c.CancellationID, c.ProposalID)
						return nil
					})},
			}},
			{Name: "vote", Purpose: "vote on a proposal in its voting window", Args: "ID", MinArgs: 1, MaxArgs: 1,
				Flags: func(f *cli.FlagSet) {
					f.String(&vote, "vote", "", "approve, reject or abstain").Required()
					f.String(&reason, "reason", "", "comments recorded with the vote")
				},
				Run: withBody("", func(ctx context.Context, e *cli.Env, s *state) error {
					v, err := s.body.Vote(ctx, s.signer, e.Args[0], vote, reason)
					if err != nil {
						return err
					}
					fmt.Fprintf(e.Stdout, "%s: %s %s (weight %d)\n", v.VoteID, v.Voter, v.Vote, v.Weight)
					return nil
				})},
			{Name: "ratify", Purpose: "ratify a proposal that passed", Args: "ID", MinArgs: 1, MaxArgs: 1,
				Run: withBody("", func(ctx context.Context, e *cli.Env, s *state) error {
					r, err := s.body.Ratify(ctx, s.signer, e.Args[0])
					if err != nil {
						return err
					}
					fmt.Fprintf(e.Stdout, "%s: approve %d reject %d abstain %d, quorum met, constitution %s -> %s on activation\n", r.RatificationID,
						r.VoteSummary.Approve, r.VoteSummary.Reject, r.VoteSummary.Abstain, r.ConstitutionVersionBefore, r.ConstitutionVersionAfter)
					return nil
				})},
			{Name: "activate", Purpose: "anchor a passed proposal's constitution and, once confirmed, put it in force", Args: "ID", MinArgs: 1, MaxArgs: 1,
				Run: withBody("governance", func(ctx context.Context, e *cli.Env, s *state) error {
					a, err := s.body.Activate(ctx, s.signer, e.Args[0])
					if err != nil {
						return err
					}
					fmt.Fprintf(e.Stdout, "%s: anchored (%s #%s), constitution %s in force, %s\n", a.AmendmentID, a.AnchorProof.Backend,
						anchorIndex(a.AnchorProof), s.body.Constitution().Version, a.ConstitutionHashAfter)
					return nil
				})},
			{Name: "order", Purpose: "issue, list and revoke executive orders", Commands: []*cli.Command{
				{Name: "create", Purpose: "issue an order from a file and print its ID",
					Flags: func(f *cli.FlagSet) {
						f.String(&typ, "type", "", "order `TYPE`: parameter_change or directive").Required()
						f.String(&file, "file", "", "order `FILE` (JSON: title, authority, content, expires_at)").Required()
					},
					Run: withBody("", func(ctx context.Context, e *cli.Env, s *state) error {
						d, err := orderDraft(typ, file)
						if err != nil {
							return err
						}
						o, err := s.body.IssueOrder(ctx, s.signer, d)
						if err != nil {
							return err
						}
						fmt.Fprintf(e.Stdout, "%s %s under %s, expires %s\n", o.OrderID, o.OrderType, o.Authority, o.Duration.ExpiresAt)
						return nil
					})},
				{Name: "list", Purpose: "list executive orders",
					Flags: func(f *cli.FlagSet) { f.Bool(&active, "active", false, "only orders in force") },
					Run: withBody("", func(ctx context.Context, e *cli.Env, s *state) error {
						for _, o := range s.body.Orders(s.now()) {
							if active && !o.InForce {
								continue
							}
							fmt.Fprintf(e.Stdout, "%s %-19s in_force=%-5v expires=%s %s\n", o.Order.OrderID, o.Order.OrderType, o.InForce, governance.At(o.ExpiresAt), o.Order.Title)
						}
						return nil
					})},
				{Name: "revoke", Purpose: "revoke a parameter change or directive in force", Args: "ID", MinArgs: 1, MaxArgs: 1,
					Flags: func(f *cli.FlagSet) { f.String(&reason, "reason", "", "why") },
					Run: withBody("", func(ctx context.Context, e *cli.Env, s *state) error {
						o, err := s.body.RevokeOrder(ctx, s.signer, e.Args[0], reason)
						if err != nil {
							return err
						}
						fmt.Fprintf(e.Stdout, "%s revokes %s\n", o.OrderID, o.Content.Order)
						return nil
					})},
			}},
			{Name: "emergency", Purpose: "declare, inspect, extend and end an emergency", Commands: []*cli.Command{
				{Name: "declare", Purpose: "declare an emergency under ARTICLE-VI.1",
					Flags: func(f *cli.FlagSet) {
						f.String(&typ, "type", "", "emergency `TYPE`, for example security_incident").Required()
						f.String(&description, "description", "", "the threat").Required()
						f.Int(&hours, "hours", 72, "duration in hours (at most the constitution's maximum)")
						f.Bool(&renewable, "renewable", true, "whether it may be extended")
						f.String(&powers, "powers", "", "comma-separated powers invoked (default: the standard three)")
					},
					Run: withBody("", func(ctx context.Context, e *cli.Env, s *state) error {
						var pw []string
						if powers != "" {
							pw = strings.Split(powers, ",")
						}
						o, err := s.body.DeclareEmergency(ctx, s.signer, typ, description, pw, hours, renewable)
						if err != nil {
							return err
						}
						fmt.Fprintf(e.Stdout, "%s emergency %s until %s, powers: %s\n", o.OrderID, typ, o.Duration.ExpiresAt, strings.Join(o.Content.PowersInvoked, "; "))
						return nil
					})},
				{Name: "status", Purpose: "show the latest emergency and whether it is in force",
					Run: withBody("", func(ctx context.Context, e *cli.Env, s *state) error {
						st, ok := s.body.Emergency(s.now())
						if !ok {
							fmt.Fprintln(e.Stdout, "no emergency declared")
							return nil
						}
						fmt.Fprintf(e.Stdout, "%s %s in_force=%v expires=%s extensions=%d\n", st.Order.OrderID, st.Order.Content.EmergencyType,
							st.InForce, governance.At(st.ExpiresAt), st.Extensions)
						for _, p := range s.body.EmergencyPowers(s.now()) {
							fmt.Fprintf(e.Stdout, "  power in force: %s\n", p)
						}
						return nil
					})},
				{Name: "extend", Purpose: "extend the emergency in force",
					Flags: func(f *cli.FlagSet) {
						f.Int(&hours, "hours", 0, "extension in hours").Required()
						f.String(&reason, "reason", "", "why")
					},
					Run: withBody("", func(ctx context.Context, e *cli.Env, s *state) error {
						o, err := s.body.ExtendEmergency(ctx, s.signer, hours, reason)
						if err != nil {
							return err
						}
						fmt.Fprintf(e.Stdout, "%s extends %s until %s\n", o.OrderID, o.Content.Order, o.Duration.ExpiresAt)
						return nil
					})},
				{Name: "end", Purpose: "end the emergency in force",
					Flags: func(f *cli.FlagSet) { f.String(&reason, "reason", "", "why") },
					Run: withBody("", func(ctx context.Context, e *cli.Env, s *state) error {
						o, err := s.body.EndEmergency(ctx, s.signer, reason)
						if err != nil {
							return err
						}
						fmt.Fprintf(e.Stdout, "%s ends %s\n", o.OrderID, o.Content.Order)
						return nil
					})},
			}},
			{Name: "violations", Purpose: "report, list and review violations", Commands: []*cli.Command{
				{Name: "list", Purpose: "list violations",
					Flags: func(f *cli.FlagSet) {
						f.String(&severity, "severity", "", "only these comma-separated `SEVERITIES` (low, medium, high, critical)")
					},
					Run: withBody("", func(ctx context.Context, e *cli.Env, s *state) error {
						want := strings.Split(severity, ",")
						for _, v := range s.body.Violations() {
							if severity != "" && !slices.Contains(want, v.Violation.Severity) {
								continue
							}
							d := v.Decision
							if d == "" {
								d = "unreviewed"
							}
							fmt.Fprintf(e.Stdout, "%s %-8s %s %s %s by %s (%s)\n", v.Violation.ViolationID, v.Violation.Severity, v.Violation.Details.RuleViolated,
								v.Violation.Details.ActionAttempted, v.Violation.Details.ActionResult, v.Violation.Details.Actor, d)
						}
						return nil
					})},
				{Name: "report", Purpose: "record a detected violation (signed by the guardian by default)",
					Flags: func(f *cli.FlagSet) {
						f.String(&actor, "actor", "", "the violating actor's `ID`").Required()
						f.String(&action, "action", "", "the action attempted").Required()
						f.String(&rule, "rule", "", "the rule violated (axiom, article section or statute ID)").Required()
						f.String(&severity, "severity", "", "low, medium, high or critical").Required()
						f.String(&typ, "type", governance.ViolationUnauthorizedAction, "violation type")
						f.String(&result, "result", "blocked", "blocked or completed")
					},
					Run: withBody("guardian", func(ctx context.Context, e *cli.Env, s *state) error {
						v, err := s.body.RecordViolation(ctx, s.signer, governance.ViolationDraft{ViolationType: typ, Severity: severity,
							Details:  governance.ViolationDetails{Actor: actor, ActionAttempted: action, RuleViolated: rule, ActionResult: result},
							Evidence: governance.Evidence{LogEntries: []string{}, RequestHash: envelope.Blake3([]byte(actor + " " + action))}})
						if err != nil {
							return err
						}
						fmt.Fprintf(e.Stdout, "%s %s %s by %s\n", v.ViolationID, v.Severity, v.Details.RuleViolated, v.Details.Actor)
						return nil
					})},
				{Name: "review", Purpose: "uphold or dismiss a violation", Args: "ID", MinArgs: 1, MaxArgs: 1,
					Flags: func(f *cli.FlagSet) {
						f.String(&decision, "decision", "", "uphold or dismiss").Required()
						f.String(&reason, "reason", "", "why")
					},
					Run: withBody("", func(ctx context.Context, e *cli.Env, s *state) error { return review(ctx, e, s, decision, reason) })},
			}},
			{Name: "enforcement", Purpose: "take, list and review enforcement actions", Commands: []*cli.Command{
				{Name: "list", Purpose: "list enforcement actions",
					Flags: func(f *cli.FlagSet) { f.Bool(&pendingReview, "pending-review", false, "only actions awaiting review") },
					Run: withBody("", func(ctx context.Context, e *cli.Env, s *state) error {
						for _, en := range s.body.Enforcements(s.now()) {
							if pendingReview && !en.PendingReview {
								continue
							}
							x := en.Enforcement
							fmt.Fprintf(e.Stdout, "%s %s %s on %s in_force=%v review_by=%s pending_review=%v\n", x.EnforcementID, x.EnforcementType,
								x.ViolationID, x.Target, en.InForce, x.ReviewDeadline, en.PendingReview)
						}
						return nil
					})},
				{Name: "create", Purpose: "take an enforcement action on a violation (signed by the guardian by default)", Args: "VIOLATION", MinArgs: 1, MaxArgs: 1,
					Flags: func(f *cli.FlagSet) {
						f.String(&typ, "type", governance.EnforcementCapabilitySuspension, "warning or capability_suspension")
						f.String(&capability, "capability", governance.CapabilityWrite, "the role suspended, or write for all")
						f.String(&scope, "scope", governance.ScopeAllScrolls, "all_scrolls or a scroll")
						f.Int(&reviewHours, "review-hours", 24, "hours until the review deadline")
					},
					Run: withBody("guardian", func(ctx context.Context, e *cli.Env, s *state) error {
						x, err := s.body.Enforce(ctx, s.signer, governance.EnforcementDraft{ViolationID: e.Args[0], EnforcementType: typ,
							Capability: capability, Scope: scope, ReviewDeadline: s.now().Add(time.Duration(reviewHours) * time.Hour)})
						if err != nil {
							return err
						}
						fmt.Fprintf(e.Stdout, "%s %s on %s, review by %s\n", x.EnforcementID, x.EnforcementType, x.Target, x.ReviewDeadline)
						return nil
					})},
				{Name: "review", Purpose: "uphold or dismiss an enforcement action", Args: "ID", MinArgs: 1, MaxArgs: 1,
					Flags: func(f *cli.FlagSet) {
						f.String(&decision, "decision", "", "uphold or dismiss").Required()
						f.String(&reason, "reason", "", "why")
					},
					Run: withBody("", func(ctx context.Context, e *cli.Env, s *state) error { return review(ctx, e, s, decision, reason) })},
			}},
			{Name: "audit", Purpose: "replay the scrolls, check checkpoints and anchors, and prove the constitution in force",
				Run: withBody("", func(ctx context.Context, e *cli.Env, s *state) error {
					rep, err := s.body.Audit(ctx, func(name string) (note.Verifier, error) { return s.store.Verifier(name) }, nil)
					if err != nil {
						return err
					}
					saved, err := s.savedConstitution()
					if err != nil {
						return err
					}
					if saved != nil && !saved.Hash().Equal(rep.Hash) {
						return fmt.Errorf("audit: constitution.json is %s (%s), the scroll replays to %s (%s)", saved.Version, saved.Hash(), rep.Constitution.Version, rep.Hash)
					}
					for _, sc := range rep.Scrolls {
						fmt.Fprintf(e.Stdout, "scroll %s: %d receipts, root %s matches its signed checkpoint\n", sc.Name, sc.Size, sc.Root)
					}
					fmt.Fprintf(e.Stdout, "audit ok: %d governance receipts replayed, %d anchors confirmed, constitution %s %s\n",
						rep.Receipts, rep.Anchors, rep.Constitution.Version, rep.Hash)
					return nil
				})},
		},
	}
}

func review(ctx context.Context, e *cli.Env, s *state, decision, reason string) error {
	r, err := s.body.Review(ctx, s.signer, e.Args[0], decision, reason)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "%s: %s %s\n", r.ReviewID, r.Subject, r.Decision)
	return nil
}

func anchorIndex(p checkpoint.AnchorProof) string {
	pr, err := checkpoint.ParseProof(p.Evidence)
	if err != nil {
		return "?"
	}
	return fmt.Sprint(pr.Index)
}

func printJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// proposalFile is the JSON of a proposal file.
type proposalFile struct {
	Title            string             `json:"title"`
	Rationale        string             `json:"rationale,omitempty"`
	Content          governance.Content `json:"content"`
	DeliberationEnds string             `json:"deliberation_ends,omitempty"`
}

func proposalDraft(t governance.ProposalType, file, title, engineID, name, scroll, authority string) (governance.ProposalDraft, error) {
	d := governance.ProposalDraft{Type: t}
	if t == governance.ProposalAddEngine && file == "" {
		if engineID == "" || name == "" || scroll == "" || authority == "" {
			return d, errors.New("add_engine needs --file or --engine-id, --name, --scroll and --authority")
		}
		if title == "" {
			title = "Add engine " + name
		}
		e := &governance.Engine{EngineID: engineID, Name: name, Scroll: scroll, Authority: authority, Status: governance.EngineActive}
		d.Title = title
		d.Content = governance.Content{Target: engineID, Action: governance.ActionAddEngine, Engine: e}
		return d, nil
	}
	if file == "" {
		return d, fmt.Errorf("a %s proposal needs --file", t)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return d, err
	}
	var pf proposalFile
	if err := strictjson.Unmarshal(data, &pf); err != nil {
		return d, fmt.Errorf("%s: %w", file, err)
	}
	d.Title, d.Rationale, d.Content = pf.Title, pf.Rationale, pf.Content
	if title != "" {
		d.Title = title
	}
	if pf.DeliberationEnds != "" {
		if d.DeliberationEnds, err = governance.ParseTime(pf.DeliberationEnds); err != nil {
			return d, err
		}
	}
	return d, nil
}

// orderFile is the JSON of an order file.
type orderFile struct {
	Title     string                  `json:"title"`
	Authority string                  `json:"authority"`
	Content   governance.OrderContent `json:"content"`
	ExpiresAt string                  `json:"expires_at"`
}

func orderDraft(typ, file string) (governance.OrderDraft, error) {
	if typ != governance.OrderParameterChange && typ != governance.OrderDirective {
		return governance.OrderDraft{}, fmt.Errorf("--type %q: want parameter_change or directive (emergencies: vm-gov emergency declare)", typ)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return governance.OrderDraft{}, err
	}
	var of orderFile
	if err := strictjson.Unmarshal(data, &of); err != nil {
		return governance.OrderDraft{}, fmt.Errorf("%s: %w", file, err)
	}
	exp, err := governance.ParseTime(of.ExpiresAt)
	if err != nil {
		return governance.OrderDraft{}, fmt.Errorf("%s: expires_at: %w", file, err)
	}
	return governance.OrderDraft{Title: of.Title, Authority: of.Authority, OrderType: typ, Content: of.Content, ExpiresAt: exp}, nil
}

// state is an opened state directory.
type state struct {
	dir     string
	now     func() time.Time
	store   *governance.FileStore
	anchors *merklelog.Log
	body    *governance.Body
	signer  envelope.Signer
}

type config struct {
	Origin string `json:"origin"`
}

func openState(ctx context.Context, g *flags, defaultAs string) (*state, error) {
	fresh, err := cli.CheckDir(g.data, role, g.init)
	if err != nil {
		return nil, err
	}
	now := time.Now
	if g.now != "" {
		t, err := governance.ParseTime(g.now)
		if err != nil {
			return nil, fmt.Errorf("--now: %w", err)
		}
		now = func() time.Time { return t }
	}
	if fresh {
		if err := create(g); err != nil {
			return nil, err
		}
	}
	var cfg config
	data, err := os.ReadFile(filepath.Join(g.data, "config.json"))
	if err != nil {
		return nil, err
	}
	if err := strictjson.Unmarshal(data, &cfg); err != nil {
		return nil, fmt.Errorf("config.json: %w", err)
	}
	data, err = os.ReadFile(filepath.Join(g.data, "registry.json"))
	if err != nil {
		return nil, err
	}
	reg, err := governance.ParseRegistry(data)
	if err != nil {
		return nil, err
	}
	logKey, err := keyfile.LoadPrivate(filepath.Join(g.data, "keys", "log.key"))
	if err != nil {
		return nil, err
	}
	anchorKey, err := keyfile.LoadPrivate(filepath.Join(g.data, "keys", "anchor.key"))
	if err != nil {
		return nil, err
	}
	s := &state{dir: g.data, now: now}
	if s.store, err = governance.OpenFileStore(filepath.Join(g.data, "store"), cfg.Origin, logKey); err != nil {
		return nil, err
	}
	anchorOrigin := cfg.Origin + "/anchors"
	as, err := checkpoint.NewSigner(anchorOrigin, anchorKey)
	if err != nil {
		s.close()
		return nil, err
	}
	if s.anchors, err = merklelog.Open(filepath.Join(g.data, "anchors"), merklelog.Options{Origin: anchorOrigin, Signer: as}); err != nil {
		s.close()
		return nil, err
	}
	anchorer, err := loganchor.New(s.anchors, as.Verifier())
	if err != nil {
		s.close()
		return nil, err
	}
	engine, err := loadSigner(g.data, "governance")
	if err != nil {
		s.close()
		return nil, err
	}
	if s.body, err = governance.Open(ctx, s.store, reg, governance.WithClock(now), governance.WithAnchorer(anchorer), governance.WithEngineSigner(engine)); err != nil {
		s.close()
		return nil, err
	}
	as0 := g.as
	if as0 == "" {
		as0 = defaultAs
	}
	if as0 == "" {
		as0 = "sovereign"
	}
	if s.signer, err = actorSigner(g.data, reg, as0); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// actorSigner loads the key of the actor named by slug or ID.
func actorSigner(dir string, reg *governance.Registry, who string) (envelope.Signer, error) {
	for _, f := range founding {
		if who == f.slug || who == f.id {
			return loadSigner(dir, f.slug)
		}
	}
	a, ok := reg.Actor(who)
	if !ok {
		return nil, fmt.Errorf("--as %q: no such actor", who)
	}
	slug := a.ID[strings.LastIndexByte(a.ID, ':')+1:]
	return loadSigner(dir, slug)
}

func loadSigner(dir, slug string) (envelope.Signer, error) {
	k, err := keyfile.LoadPrivate(filepath.Join(dir, "keys", slug+".key"))
	if err != nil {
		return nil, fmt.Errorf("key of %s: %w", slug, err)
	}
	return envelope.NewEd25519Signer(k), nil
}

// create makes the identities, registry and config of a new state
// directory.
func create(g *flags) error {
	if err := os.MkdirAll(filepath.Join(g.data, "keys"), 0o700); err != nil {
		return err
	}
	var actors []governance.Actor
	for _, f := range founding {
		_, k, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return err
		}
		if err := keyfile.WritePrivate(filepath.Join(g.data, "keys", f.slug+".key"), k); err != nil {
			return err
		}
		actors = append(actors, governance.Actor{ID: f.id, Kind: f.kind, Key: envelope.FormatEd25519PublicKey(k.Public().(ed25519.PublicKey)),
			Roles: f.roles, Weight: f.weight})
	}
	if _, err := governance.NewRegistry(actors); err != nil {
		return err
	}
	for _, name := range []string{"log", "anchor"} {
		_, k, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return err
		}
		if err := keyfile.WritePrivate(filepath.Join(g.data, "keys", name+".key"), k); err != nil {
			return err
		}
	}
	reg, err := json.MarshalIndent(governance.Registry{Actors: actors}, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.Write(filepath.Join(g.data, "registry.json"), append(reg, '\n'), 0o644); err != nil {
		return err
	}
	cfg, _ := json.Marshal(config{Origin: g.origin})
	if err := atomicfile.Write(filepath.Join(g.data, "config.json"), append(cfg, '\n'), 0o644); err != nil {
		return err
	}
	return cli.MarkDir(g.data, role)
}

// saveConstitution writes the constitution in force to constitution.json,
// which audit compares with the one the scroll replays to.
func (s *state) saveConstitution() error {
	c := s.body.Constitution()
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(s.dir, "constitution.json"), append(b, '\n'), 0o644)
}

func (s *state) savedConstitution() (*governance.Constitution, error) {
	data, err := os.ReadFile(filepath.Join(s.dir, "constitution.json"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return governance.ParseConstitution(data)
}

func (s *state) close() {
	if s.anchors != nil {
		s.anchors.Close()
	}
	if s.store != nil {
		s.store.Close()
	}
}
