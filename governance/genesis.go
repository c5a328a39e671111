package governance

// Genesis returns the founding constitution, version 1.0.0: the five
// immutable axioms, articles I to VI, no statutes, the founding parameters,
// the founding procedure and the twelve founding engines. Each call returns a
// fresh copy.
func Genesis() *Constitution {
	return &Constitution{
		Version: Version{1, 0, 0},
		Axioms: []Axiom{
			{"AXIOM-001", "Append-Only Receipts", "Receipts, once written, shall never be modified or deleted"},
			{"AXIOM-002", "Cryptographic Integrity", "All receipts include cryptographic hashes"},
			{"AXIOM-003", "Universal Receipting", "All significant changes produce receipts"},
			{"AXIOM-004", "Constitutional Supremacy", "No action may violate the Constitution"},
			{"AXIOM-005", "Axiom Immutability", "These axioms cannot be amended"},
		},
		Articles: []Article{
			{ID: "ARTICLE-I", Name: "Governance Structure", Sections: []Section{
				{"ARTICLE-I.1", "The sovereign holds final authority: it proposes, votes, ratifies, issues executive orders and declares emergencies."},
				{"ARTICLE-I.2", "Each registered engine holds the authority its registry entry names, within its own scroll."},
				{"ARTICLE-I.3", "An agent acts only with roles delegated to it by an actor that holds them, and never beyond them."},
			}},
			{ID: "ARTICLE-II", Name: "Amendment Procedure", Sections: []Section{
				{"ARTICLE-II.1", "A change to this constitution begins as a proposal, which is deliberated for at least seven days before voting opens."},
				{"ARTICLE-II.2", "An amendment passes by supermajority with quorum and takes effect only after ratification and anchor confirmation."},
				{"ARTICLE-II.3", "A statute passes by simple majority with quorum and takes effect after anchor confirmation."},
			}},
			{ID: "ARTICLE-III", Name: "Engine Governance", Sections: []Section{
				{"ARTICLE-III.1", "Every engine is registered in this constitution with its scroll, authority and status."},
				{"ARTICLE-III.2", "An engine acts only within the boundaries of its registered authority."},
				{"ARTICLE-III.3", "A new engine is admitted only by amendment; its activation follows anchor confirmation."},
			}},
			{ID: "ARTICLE-IV", Name: "Rights and Protections", Sections: []Section{
				{"ARTICLE-IV.1", "Every party may audit the receipts of the public scrolls."},
				{"ARTICLE-IV.2", "Data remains under the sovereignty of the mesh that holds it."},
				{"ARTICLE-IV.3", "No enforcement action stands without review; a suspension not reviewed by its deadline lapses."},
			}},
			{ID: "ARTICLE-V", Name: "Federation", Sections: []Section{
				{"ARTICLE-V.1", "Federation with another mesh is entered by signed agreement at a stated trust level."},
				{"ARTICLE-V.2", "A federation agreement grants no authority beyond its terms and this constitution."},
				{"ARTICLE-V.3", "Either party may terminate a federation agreement with the notice its terms require."},
			}},
			{ID: "ARTICLE-VI", Name: "Emergency Powers", Sections: []Section{
				{"ARTICLE-VI.1", "The sovereign may declare an emergency for a security incident, invoking named powers."},
				{"ARTICLE-VI.2", "Emergency powers are limited to those invoked in the declaration."},
				{"ARTICLE-VI.3", "An emergency lasts at most its stated duration; it may be extended only if renewable, and ends by itself at expiry."},
			}},
		},
		Statutes: []Statute{},
		Parameters: map[string]string{
			"guardian.anchor_rate_limit": "100/day",
			"federation.min_trust_level": "1",
		},
		Procedure: Procedure{
			MinDeliberationHours: 7 * 24,
			VotingHours:          72,
			RatificationHours:    72,
			Rules: map[ProposalType]Rule{
				ProposalAmendment: {Quorum: Threshold{1, 2, false}, PassThreshold: Threshold{2, 3, false}, RatificationRequired: true},
				ProposalAddEngine: {Quorum: Threshold{1, 2, false}, PassThreshold: Threshold{2, 3, false}, RatificationRequired: true},
				ProposalStatute:   {Quorum: Threshold{1, 2, false}, PassThreshold: Threshold{1, 2, true}, VoteChanges: true},
			},
			OrderMaxHours:              90 * 24,
			EmergencyMaxHours:          72,
			EmergencyExtensionMaxHours: 24,
			EmergencyMaxExtensions:     3,
			ReviewMaxHours:             72,
		},
		Engines: []Engine{
			{"engine:drills", "Security Drills", "Drills", "Security training and exercise management", EngineActive},
			{"engine:oracle", "Compliance Oracle", "Compliance", "Compliance question answering", EngineActive},
			{"engine:guardian", "Guardian", "Guardian", "Anchoring and sentinel", EngineActive},
			{"engine:treasury", "Treasury", "Treasury", "Financial tracking", EngineActive},
			{"engine:mesh", "Mesh", "Mesh", "Topology management", EngineActive},
			{"engine:offsec", "OffSec", "OffSec", "Security operations", EngineActive},
			{"engine:identity", "Identity", "Identity", "DID and capability management", EngineActive},
			{"engine:observability", "Observability", "Observability", "Telemetry monitoring", EngineActive},
			{"engine:automation", "Automation", "Automation", "Workflow execution", EngineActive},
			{"engine:psi", "Ψ-Field", "PsiField", "Consciousness tracking", EngineActive},
			{"engine:federation", "Federation", "Federation", "Cross-mesh trust", EngineActive},
			{"engine:governance", "Governance", "Governance", "Constitutional enforcement", EngineActive},
		},
	}
}
