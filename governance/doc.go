// Package governance runs a constitution whose every change leaves a
// verifiable receipt: immutable axioms, amendable articles, statutes and
// parameters, an engine registry, proposals decided by weighted votes,
// executive orders and emergencies that expire by themselves, violations,
// enforcement actions and their review, all recorded as signed receipts in
// an append-only Merkle log (the Governance scroll) that anyone holding the
// registry can replay and audit.
//
// # Hierarchy
//
// The constitution ([Constitution], founded by [Genesis] at 1.0.0) has four
// layers. Axioms (AXIOM-001 to AXIOM-005) can never change: a proposal
// that touches one is refused with [ErrAxiomImmutable]. Articles (ARTICLE-I
// to ARTICLE-VI, each made of numbered sections such as ARTICLE-I.1) change
// by amendment: a supermajority with quorum, then ratification. Statutes
// and parameters change by statute: a simple majority with quorum. Executive
// orders, issued under the authority of a cited section, change a
// parameter's effective value for a bounded time, give a directive, or
// declare an emergency. Engines are registered in the constitution; a new one
// enters only through an add_engine proposal, which is decided like an
// amendment.
//
// Its canonical form is the RFC 8785 (JCS) JSON of the [Constitution]
// value, and [Constitution.Hash] is "blake3:" and the hex BLAKE3-256 of
// that form. Every activated proposal bumps the semantic version: MAJOR when
// an article is repealed or an engine retired, MINOR when an article is
// added or replaced or an engine added or its status changed, PATCH when a
// statute or parameter changes; the parts after the one bumped go back to
// 0. Lists keep their order, which the canonical form (and so the hash)
// depends on: an added article, statute or engine goes at the end of its
// list, a replaced one keeps its place, a repealed one is removed, and a new
// engine status or parameter value changes that entry in place. [Diff] lists
// what changed between two versions. The founding constitution ([Genesis])
// is data like any other; testdata/genesis.json holds its canonical form.
//
// # Actors
//
// A [Registry] lists the actors: the sovereign, humans, engines
// ("engine:<name>", which must also be registered and active in the
// constitution) and agents, whose roles are delegated by a non-agent actor
// that holds them (an agent acts only while its delegator is registered
// and not suspended from the role). Each actor has one Ed25519 key, a set of roles
// ([RolePropose], [RoleVote], [RoleRatify], [RoleActivate], [RoleCancel],
// [RoleOrder], [RoleEmergency], [RoleDetect], [RoleEnforce], [RoleReview]),
// a voting weight (voters only) and an optional validity window. The
// registry is the body's trust root: receipts are accepted only when
// signed by a registered actor holding the receipt's role.
//
// # Receipts
//
// Every receipt is an accord envelope (package envelope): RFC 8785 JSON
// signed with Ed25519 by its actor, whose envelope "type" is the receipt
// type and whose "timestamp" is the receipt's own time (submitted_at,
// voted_at, ...) in Unix seconds. The payload is a JSON object whose "type"
// member repeats the envelope type:
//
//	gov_proposal        Proposal: proposal_id, proposal_type, title, author,
//	                    submitted_at, deliberation_ends, voting_ends,
//	                    expires_at, constitution_version, rules, content,
//	                    rationale, status ("deliberation", the state at creation)
//	gov_vote            Vote: vote_id, proposal_id, voter, voted_at, vote,
//	                    weight, comments (optional)
//	gov_ratification    Ratification: ratification_id, proposal_id,
//	                    ratified_at, ratified_by, vote_summary, quorum_met,
//	                    constitution_version_before, constitution_version_after
//	gov_amendment       Amendment: amendment_id, proposal_id, effective_at,
//	                    anchor_proof, constitution_hash_before,
//	                    constitution_hash_after
//	gov_executive_order ExecutiveOrder: order_id, title, issued_by, issued_at,
//	                    authority, order_type, content, duration
//	gov_violation       Violation: violation_id, detected_at, detected_by,
//	                    violation_type, severity, details, evidence
//	gov_enforcement     Enforcement: enforcement_id, violation_id,
//	                    enforced_at, enforcement_type, target, action_taken,
//	                    review_required, review_deadline
//	gov_review          Review: review_id, subject, decision, reviewed_by,
//	                    reviewed_at, reason (optional)
//	gov_cancellation    Cancellation: cancellation_id, proposal_id,
//	                    cancelled_by, cancelled_at, reason (optional)
//
// The Go types' doc comments give each member. Times are RFC 3339 UTC with
// whole seconds ("2025-12-06T10:00:00Z"); digests are "blake3:<64 hex>";
// thresholds are ">=N/D" or ">N/D"; weights and tallies are integers;
// anchor_proof is the object of checkpoint.AnchorProof. Optional members are
// absent rather than empty, so each receipt has exactly one encoding:
// [ParsePayload] refuses unknown members, names in another case, members
// written with their default value and duplicate names. The signature is the
// envelope's; the "signature" members shown in older drafts of these records
// are not part of the payload.
//
// IDs: numbered IDs are PREFIX-YYYY-MM-NNN, the month of the receipt's time
// and its sequence number in that month from 001 (PROP, EO, VIOL, ENF,
// REV); RAT-, AMEND- and CANCEL- take their proposal's number; a vote is
// VOTE-YYYY-MM-NNN-<voter>, where <voter> is the last ":"-separated part of
// the voter's ID, with "-2", "-3", ... for a voter's later votes where the
// rules let a vote change. An ID out of sequence is refused.
//
// # Proposals
//
// A proposal's type ("amendment", "statute", "add_engine") fixes its
// content actions ([ProposalType.Actions]): an amendment adds, replaces or
// repeals an article, or sets an engine's status (set_engine_status); a
// statute adds, replaces or repeals a statute, or sets a parameter
// (set_parameter); add_engine registers an engine. When a proposal is
// created it copies its type's [Rule] from the constitution's procedure
// (quorum, pass threshold, ratification required, whether votes may change)
// and its dates follow from the procedure: deliberation of at least seven
// days, then a voting window, then twice the ratification period until
// expires_at. Voting weights are those of the actors registered at
// submission.
//
// Its [State] is computed, never stored: from its dates, the receipts that
// refer to it and the time asked about. Quorum is the share of registered
// weight that voted (abstentions count); the threshold is the share of
// approve among approve and reject, checked in integers. Each action checks
// the state first ([AllowedStates]) and fails with a [*StateError] naming
// the state. A passed proposal takes effect only through a gov_amendment
// written after the new constitution's hash was anchored through a
// checkpoint.Anchorer under the label "<Governance scroll origin>
// constitution <proposal ID>" and the anchor confirmed
// ([Body.Activate]).
//
// # Orders and emergencies
//
// An executive order cites a section as its authority and expires
// (order_max_hours at most); a permanent change is a statute. A
// parameter_change must name as old_value the parameter's effective value
// ([Body.EffectiveValue]): the new_value of the latest parameter change in
// force, or the constitution's value. At expires_at, or when revoked, the
// order stops having effect with nobody acting. An emergency (authority in
// ARTICLE-VI, emergency role) invokes named powers for at most
// emergency_max_hours; only one is in force at a time; if renewable it can
// be extended (emergency_extension) up to emergency_max_extensions times by
// at most emergency_extension_max_hours each, and ended early
// (emergency_end). An expired emergency grants no powers
// ([Body.EmergencyPowers]).
//
// # Violations, enforcement and review
//
// An actor with the detect role records violations (severity low, medium,
// high or critical) citing the rule broken. An enforcement action on a
// violation targets the violation's actor: a warning, or a
// capability_suspension of one role (or "write", every role) in a scope
// ("all_scrolls" or a scroll), with a review deadline at most
// review_max_hours away. While in force, a suspension makes the body refuse
// the target's receipts needing that role ([ErrSuspended]), and its
// agents' (their roles are the target's). A review (gov_review, by an
// actor with the review role who neither took nor is targeted by the
// action, nor is an agent of either) upholds or dismisses it: upheld, it
// stays in force; dismissed, it ends for good (no later review revives
// it). If nobody reviews it by its deadline it lapses at the deadline: no
// sanction stands unreviewed. Dismissing a violation ends every
// enforcement action on it.
//
// Receipts are never modified or deleted: nothing offers it, and
// [Body.RequestChange], the one way to ask, refuses with [ErrAppendOnly] and
// records the attempt as a gov_violation of AXIOM-001 signed by the
// governance engine.
//
// # Scrolls, audit and trust model
//
// Each scroll is an RFC 6962 Merkle log with C2SP signed checkpoints
// ([Store], [OpenFileStore]); receipts are its records, byte for byte. A
// [FileStore] signs each scroll's checkpoints with its one Ed25519 key under
// the origin "<store origin>/<scroll name>" (testdata/scroll.json: the
// checkpoint of a scroll holding the receipts of testdata/receipts.json).
// Receipts are judged in scroll order and their times never go backwards,
// so the state at any time is a function of the scroll alone, and a
// receipt accepted on append is accepted on replay. An [Auditor] replays
// every scroll: it recomputes each tree and checks it against the signed
// checkpoint (which must cover every record) and against checkpoints seen
// earlier, verifies every receipt's signature against the registry,
// judges every receipt again, confirms amendment anchors, and recomputes
// the constitution; [Body.Audit] proves it equals the one in force. A
// receipt removed or altered changes the tree, so the checkpoint no longer
// matches; a scroll rewritten and signed again by its operator cannot match
// the checkpoints others saw before.
//
// # Public scrolls
//
// [FileStore.Handler] serves a scroll as a c2sp.org/tlog-tiles log (its
// signed checkpoint, Merkle tiles and entry bundles), so any tiles client
// can fetch the receipts and check them against the checkpoint, then
// verify each receipt with the registry's keys. The Governance scroll is
// public: every party may audit it (ARTICLE-IV.1). Other scrolls are served
// behind an authorizer that admits only the parties the federation's trust
// levels entitle to them.
//
// Trusted: the registry (who may sign what) and the scroll operator's
// checkpoint key. Not trusted: the storage, the operator's honesty about
// history (held to it by earlier checkpoints and anchors), and any actor
// beyond its roles.
package governance
