package governance

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/accordsdk/accord/envelope"
)

// A Constitution is the governing document as data: immutable axioms,
// amendable articles, statutes and parameters, the procedure proposals
// follow, and the engine registry. Its canonical form is the RFC 8785 JSON
// of the value; [Constitution.Hash] is the BLAKE3 digest of that form.
type Constitution struct {
	Version    Version           `json:"version"`
	Axioms     []Axiom           `json:"axioms"`
	Articles   []Article         `json:"articles"`
	Statutes   []Statute         `json:"statutes"`
	Parameters map[string]string `json:"parameters"`
	Procedure  Procedure         `json:"procedure"`
	Engines    []Engine          `json:"registered_engines"`
}

// An Axiom is an immutable principle: no proposal may touch it.
type Axiom struct {
	ID        string `json:"id"` // AXIOM-001 ...
	Name      string `json:"name"`
	Statement string `json:"statement"`
}

// An Article is an amendable part of the constitution, made of sections
// that orders cite as their authority ("ARTICLE-I.1").
type Article struct {
	ID       string    `json:"id"` // ARTICLE-I ...
	Name     string    `json:"name"`
	Sections []Section `json:"sections"`
}

// A Section is one numbered clause of an article.
type Section struct {
	ID   string `json:"id"` // ARTICLE-I.1 ...
	Text string `json:"text"`
}

// A Statute is a rule changeable by simple majority.
type Statute struct {
	ID   string `json:"id"` // STATUTE-001 ...
	Name string `json:"name"`
	Text string `json:"text"`
}

// Engine statuses.
const (
	EngineActive    = "active"
	EngineSuspended = "suspended"
	EngineRetired   = "retired"
)

// An Engine is a registered component with its own scroll and authority.
type Engine struct {
	EngineID  string `json:"engine_id"` // engine:<name>
	Name      string `json:"name"`
	Scroll    string `json:"scroll"`
	Authority string `json:"authority"`
	Status    string `json:"status"` // active, suspended or retired
}

// Procedure holds the rules proposals, orders and enforcement follow. A
// proposal copies the rule of its type when it is created, so a later change
// of procedure does not change a proposal already under way.
type Procedure struct {
	// MinDeliberationHours is the shortest deliberation (168: seven days).
	MinDeliberationHours int `json:"min_deliberation_hours"`
	// VotingHours is the length of the voting window after deliberation.
	VotingHours int `json:"voting_hours"`
	// RatificationHours is how long after voting a passed proposal may be
	// ratified (amendments) or activated (statutes); after it, and the same
	// again for activation, an unfinished proposal expires.
	RatificationHours int `json:"ratification_hours"`
	// Rules per proposal type: "amendment", "statute", "add_engine".
	Rules map[ProposalType]Rule `json:"rules"`
	// OrderMaxHours bounds the duration of a temporary executive order.
	OrderMaxHours int `json:"order_max_hours"`
	// EmergencyMaxHours bounds an emergency declaration's first duration.
	EmergencyMaxHours int `json:"emergency_max_hours"`
	// EmergencyExtensionMaxHours bounds each extension of a renewable
	// emergency, and EmergencyMaxExtensions their number.
	EmergencyExtensionMaxHours int `json:"emergency_extension_max_hours"`
	EmergencyMaxExtensions     int `json:"emergency_max_extensions"`
	// ReviewMaxHours bounds how far an enforcement's review deadline may be
	// from the enforcement.
	ReviewMaxHours int `json:"review_max_hours"`
}

// A Rule is how one type of proposal is decided.
type Rule struct {
	// Quorum: the share of the registered voting weight that must vote
	// (approve, reject or abstain), for example ">=1/2".
	Quorum Threshold `json:"quorum"`
	// PassThreshold: the share of approve among approve and reject, for
	// example ">1/2" (simple majority) or ">=2/3" (supermajority).
	PassThreshold Threshold `json:"pass_threshold"`
	// RatificationRequired: a passed proposal needs a ratification receipt.
	RatificationRequired bool `json:"ratification_required"`
	// VoteChanges: a later vote by the same voter replaces the earlier one.
	// When false a second vote is refused.
	VoteChanges bool `json:"vote_changes"`
}

// A Version is a semantic version "MAJOR.MINOR.PATCH". An activated
// proposal bumps it: MAJOR when an article is repealed or an engine retired
// (something in force stops), MINOR when an article is added or replaced or
// an engine added or its status changed, PATCH when a statute or parameter
// changes.
type Version struct{ Major, Minor, Patch int }

// ParseVersion parses "1.2.3"; a leading "v" is accepted.
func ParseVersion(s string) (Version, error) {
	t := strings.TrimPrefix(s, "v")
	parts := strings.Split(t, ".")
	if len(parts) != 3 {
		return Version{}, fmt.Errorf("%w: version %.40q, want MAJOR.MINOR.PATCH", ErrMalformed, s)
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 || v > 1e6 || (len(p) > 1 && p[0] == '0') || p[0] == '+' || p[0] == '-' {
			return Version{}, fmt.Errorf("%w: version %.40q, want MAJOR.MINOR.PATCH", ErrMalformed, s)
		}
		n[i] = v
	}
	return Version{n[0], n[1], n[2]}, nil
}

// String returns "MAJOR.MINOR.PATCH".
func (v Version) String() string { return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch) }

// MarshalText implements [encoding.TextMarshaler].
func (v Version) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// UnmarshalText implements [encoding.TextUnmarshaler]; it refuses a "v".
func (v *Version) UnmarshalText(b []byte) error {
	if len(b) > 0 && b[0] == 'v' {
		return fmt.Errorf("%w: version %.40q, want MAJOR.MINOR.PATCH", ErrMalformed, b)
	}
	p, err := ParseVersion(string(b))
	if err != nil {
		return err
	}
	*v = p
	return nil
}

// Bump kinds, see [Version].
type bump int

const (
	bumpPatch bump = iota
	bumpMinor
	bumpMajor
)

func (v Version) bump(b bump) Version {
	switch b {
	case bumpMajor:
		return Version{v.Major + 1, 0, 0}
	case bumpMinor:
		return Version{v.Major, v.Minor + 1, 0}
	}
	return Version{v.Major, v.Minor, v.Patch + 1}
}

// Canonical returns the RFC 8785 canonical JSON of c.
func (c *Constitution) Canonical() []byte {
	raw, err := json.Marshal(c)
	if err != nil {
		panic("governance: marshal constitution: " + err.Error()) // plain data: cannot fail
	}
	out, err := envelope.CanonicalJSON(raw)
	if err != nil {
		panic("governance: canonicalize constitution: " + err.Error())
	}
	return out
}

// Hash returns the BLAKE3 digest of c's canonical form, "blake3:<hex>".
func (c *Constitution) Hash() envelope.Digest { return envelope.Blake3(c.Canonical()) }

// Clone returns a deep copy of c.
func (c *Constitution) Clone() *Constitution {
	d := *c
	d.Axioms = slices.Clone(c.Axioms)
	d.Articles = make([]Article, len(c.Articles))
	for i, a := range c.Articles {
		a.Sections = slices.Clone(a.Sections)
		d.Articles[i] = a
	}
	d.Statutes = slices.Clone(c.Statutes)
	d.Parameters = maps.Clone(c.Parameters)
	d.Procedure.Rules = maps.Clone(c.Procedure.Rules)
	d.Engines = slices.Clone(c.Engines)
	return &d
}

// ParseConstitution decodes a constitution strictly and validates it.
func ParseConstitution(data []byte) (*Constitution, error) {
	var c Constitution
	if err := decodeStrict(data, &c); err != nil {
		return nil, fmt.Errorf("%w: constitution: %v", ErrMalformed, err)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// Validate checks that c is well formed: IDs in their forms and unique,
// every section under its article, engines with scrolls and known statuses,
// a rule for every proposal type and sensible procedure numbers.
func (c *Constitution) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: constitution: %s", ErrMalformed, fmt.Sprintf(format, args...))
	}
	seen := map[string]bool{}
	unique := func(id string) error {
		if seen[id] {
			return bad("id %q appears twice", id)
		}
		seen[id] = true
		return nil
	}
	if len(c.Axioms) == 0 {
		return bad("no axioms")
	}
	for _, a := range c.Axioms {
		if !isAxiomID(a.ID) || a.Name == "" || a.Statement == "" {
			return bad("axiom %q: want AXIOM-NNN with a name and statement", a.ID)
		}
		if err := unique(a.ID); err != nil {
			return err
		}
	}
	for _, a := range c.Articles {
		if err := checkArticle(&a); err != nil {
			return err
		}
		if err := unique(a.ID); err != nil {
			return err
		}
		for _, s := range a.Sections {
			if err := unique(s.ID); err != nil {
				return err
			}
		}
	}
	for _, s := range c.Statutes {
		if err := checkStatute(&s); err != nil {
			return err
		}
		if err := unique(s.ID); err != nil {
			return err
		}
	}
	if c.Parameters == nil {
		return bad("no parameters object")
	}
	for k, v := range c.Parameters {
		if !validParameter(k) || v == "" || len(v) > 256 {
			return bad("parameter %q=%q: want a dotted name and a value", k, v)
		}
	}
	p := &c.Procedure
	if p.MinDeliberationHours < 1 || p.VotingHours < 1 || p.RatificationHours < 1 || p.OrderMaxHours < 1 ||
		p.EmergencyMaxHours < 1 || p.EmergencyExtensionMaxHours < 0 || p.EmergencyMaxExtensions < 0 || p.ReviewMaxHours < 1 {
		return bad("procedure: every duration must be at least one hour")
	}
	for _, t := range proposalTypes {
		r, ok := p.Rules[t]
		if !ok {
			return bad("procedure: no rule for %s", t)
		}
		if r.Quorum.Den == 0 || r.PassThreshold.Den == 0 {
			return bad("procedure: rule for %s has no quorum or threshold", t)
		}
	}
	if len(p.Rules) != len(proposalTypes) {
		return bad("procedure: rules for unknown proposal types")
	}
	if !p.Rules[ProposalAmendment].RatificationRequired || !p.Rules[ProposalAddEngine].RatificationRequired {
		return bad("procedure: amendments and new engines require ratification")
	}
	for _, e := range c.Engines {
		if err := checkEngine(&e); err != nil {
			return err
		}
		if err := unique(e.EngineID); err != nil {
			return err
		}
	}
	return nil
}

func checkArticle(a *Article) error {
	if !isArticleID(a.ID) || a.Name == "" || len(a.Sections) == 0 {
		return fmt.Errorf("%w: article %.40q: want ARTICLE-<roman> with a name and sections", ErrMalformed, a.ID)
	}
	for _, s := range a.Sections {
		rest, ok := strings.CutPrefix(s.ID, a.ID+".")
		if !ok || !isDigits(rest) || s.Text == "" {
			return fmt.Errorf("%w: section %.40q of %s: want %s.<n> with text", ErrMalformed, s.ID, a.ID, a.ID)
		}
	}
	return nil
}

func checkStatute(s *Statute) error {
	rest, ok := strings.CutPrefix(s.ID, "STATUTE-")
	if !ok || len(rest) < 3 || !isDigits(rest) || s.Name == "" || s.Text == "" {
		return fmt.Errorf("%w: statute %.40q: want STATUTE-NNN with a name and text", ErrMalformed, s.ID)
	}
	return nil
}

func checkEngine(e *Engine) error {
	name, ok := strings.CutPrefix(e.EngineID, "engine:")
	if !ok || !isLabel(name) || e.Name == "" || !isScrollName(e.Scroll) || e.Authority == "" {
		return fmt.Errorf("%w: engine %.40q: want engine:<name> with a name, scroll and authority", ErrMalformed, e.EngineID)
	}
	switch e.Status {
	case EngineActive, EngineSuspended, EngineRetired:
		return nil
	}
	return fmt.Errorf("%w: engine %s: status %.20q, want active, suspended or retired", ErrMalformed, e.EngineID, e.Status)
}

func isAxiomID(s string) bool {
	rest, ok := strings.CutPrefix(s, "AXIOM-")
	return ok && len(rest) >= 3 && isDigits(rest)
}

func isArticleID(s string) bool {
	rest, ok := strings.CutPrefix(s, "ARTICLE-")
	if !ok || rest == "" || len(rest) > 12 {
		return false
	}
	for _, r := range rest {
		if !strings.ContainsRune("IVXLCDM", r) {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isLabel: 1 to 64 of [a-z0-9-].
func isLabel(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// isScrollName: 1 to 64 of [A-Za-z0-9_-], starting with a letter.
func isScrollName(s string) bool {
	if s == "" || len(s) > 64 || !(s[0] >= 'A' && s[0] <= 'Z' || s[0] >= 'a' && s[0] <= 'z') {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// validParameter: dotted lower-case labels with underscores.
func validParameter(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if part == "" {
			return false
		}
		for i := 0; i < len(part); i++ {
			c := part[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
				return false
			}
		}
	}
	return true
}

// Article returns the article with the given ID.
func (c *Constitution) Article(id string) (*Article, bool) {
	for i := range c.Articles {
		if c.Articles[i].ID == id {
			return &c.Articles[i], true
		}
	}
	return nil, false
}

// Section returns the section with the given ID ("ARTICLE-I.1").
func (c *Constitution) Section(id string) (*Section, bool) {
	art, _, ok := strings.Cut(id, ".")
	if !ok {
		return nil, false
	}
	a, ok := c.Article(art)
	if !ok {
		return nil, false
	}
	for i := range a.Sections {
		if a.Sections[i].ID == id {
			return &a.Sections[i], true
		}
	}
	return nil, false
}

// Engine returns the registered engine with the given ID.
func (c *Constitution) Engine(id string) (*Engine, bool) {
	for i := range c.Engines {
		if c.Engines[i].EngineID == id {
			return &c.Engines[i], true
		}
	}
	return nil, false
}

// hasRule reports whether id names an axiom, article, section or statute.
func (c *Constitution) hasRule(id string) bool {
	for _, a := range c.Axioms {
		if a.ID == id {
			return true
		}
	}
	if _, ok := c.Article(id); ok {
		return true
	}
	if _, ok := c.Section(id); ok {
		return true
	}
	for _, s := range c.Statutes {
		if s.ID == id {
			return true
		}
	}
	return false
}

// A Change is one difference between two constitutions.
type Change struct {
	Op   string `json:"op"`   // "added", "removed" or "changed"
	Path string `json:"path"` // what changed: "articles/ARTICLE-VII", "parameters/x", "version"
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
}

// String returns "+ path", "- path" or "~ path: from -> to".
func (ch Change) String() string {
	switch ch.Op {
	case "added":
		return "+ " + ch.Path
	case "removed":
		return "- " + ch.Path
	}
	if ch.From == "" && ch.To == "" {
		return "~ " + ch.Path
	}
	return fmt.Sprintf("~ %s: %s -> %s", ch.Path, ch.From, ch.To)
}

// Diff lists what changed from a to b, in a fixed order: version, axioms,
// articles (and their sections), statutes, parameters, procedure, engines.
func Diff(a, b *Constitution) []Change {
	var out []Change
	if a.Version != b.Version {
		out = append(out, Change{Op: "changed", Path: "version", From: a.Version.String(), To: b.Version.String()})
	}
	out = diffKeyed(out, "axioms", keyed(a.Axioms, func(x Axiom) string { return x.ID }), keyed(b.Axioms, func(x Axiom) string { return x.ID }))
	out = diffKeyed(out, "articles", keyed(a.Articles, func(x Article) string { return x.ID }), keyed(b.Articles, func(x Article) string { return x.ID }))
	out = diffKeyed(out, "statutes", keyed(a.Statutes, func(x Statute) string { return x.ID }), keyed(b.Statutes, func(x Statute) string { return x.ID }))
	ap, bp := map[string]string{}, map[string]string{}
	for k, v := range a.Parameters {
		ap[k] = v
	}
	for k, v := range b.Parameters {
		bp[k] = v
	}
	for _, k := range slices.Sorted(maps.Keys(union(ap, bp))) {
		x, inA := ap[k]
		y, inB := bp[k]
		switch {
		case !inA:
			out = append(out, Change{Op: "added", Path: "parameters/" + k, To: y})
		case !inB:
			out = append(out, Change{Op: "removed", Path: "parameters/" + k, From: x})
		case x != y:
			out = append(out, Change{Op: "changed", Path: "parameters/" + k, From: x, To: y})
		}
	}
	if ja, jb := mustJSON(a.Procedure), mustJSON(b.Procedure); ja != jb {
		out = append(out, Change{Op: "changed", Path: "procedure"})
	}
	ae, be := map[string]Engine{}, map[string]Engine{}
	for _, e := range a.Engines {
		ae[e.EngineID] = e
	}
	for _, e := range b.Engines {
		be[e.EngineID] = e
	}
	for _, k := range slices.Sorted(maps.Keys(union(ae, be))) {
		x, inA := ae[k]
		y, inB := be[k]
		switch {
		case !inA:
			out = append(out, Change{Op: "added", Path: "registered_engines/" + k, To: y.Status})
		case !inB:
			out = append(out, Change{Op: "removed", Path: "registered_engines/" + k})
		case x.Status != y.Status:
			out = append(out, Change{Op: "changed", Path: "registered_engines/" + k + "/status", From: x.Status, To: y.Status})
		case x != y:
			out = append(out, Change{Op: "changed", Path: "registered_engines/" + k})
		}
	}
	return out
}

func keyed[T any](xs []T, key func(T) string) map[string]string {
	m := make(map[string]string, len(xs))
	for _, x := range xs {
		m[key(x)] = mustJSON(x)
	}
	return m
}

func union[V any](a, b map[string]V) map[string]V {
	m := make(map[string]V, len(a)+len(b))
	maps.Copy(m, a)
	maps.Copy(m, b)
	return m
}

func diffKeyed(out []Change, what string, a, b map[string]string) []Change {
	for _, k := range slices.Sorted(maps.Keys(union(a, b))) {
		x, inA := a[k]
		y, inB := b[k]
		switch {
		case !inA:
			out = append(out, Change{Op: "added", Path: what + "/" + k})
		case !inB:
			out = append(out, Change{Op: "removed", Path: what + "/" + k})
		case x != y:
			out = append(out, Change{Op: "changed", Path: what + "/" + k})
		}
	}
	return out
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic("governance: marshal: " + err.Error())
	}
	return string(b)
}
