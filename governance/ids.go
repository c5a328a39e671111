package governance

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Receipt IDs. Numbered IDs are PREFIX-YYYY-MM-NNN: the month of the
// receipt's time and a sequence number (at least three digits) counting that
// prefix's receipts in that month from 001. Ratifications, amendments and
// cancellations take their proposal's number (RAT-2025-12-001 for
// PROP-2025-12-001); votes add the voter's name, the last ':'-separated part
// of the voter's ID, and from a voter's second vote on a proposal its count:
// VOTE-2025-12-001-sovereign, VOTE-2025-12-001-sovereign-2.
const (
	prefixProposal     = "PROP"
	prefixVote         = "VOTE"
	prefixRatification = "RAT"
	prefixAmendment    = "AMEND"
	prefixCancellation = "CANCEL"
	prefixOrder        = "EO"
	prefixViolation    = "VIOL"
	prefixEnforcement  = "ENF"
	prefixReview       = "REV"
)

// numberedID is PREFIX-YYYY-MM-NNN split into its parts.
type numberedID struct {
	prefix string
	month  string // YYYY-MM
	seq    int
}

func (n numberedID) String() string { return n.prefix + "-" + n.suffix() }

// suffix returns "YYYY-MM-NNN".
func (n numberedID) suffix() string {
	seq := strconv.Itoa(n.seq)
	for len(seq) < 3 {
		seq = "0" + seq
	}
	return n.month + "-" + seq
}

// parseNumbered parses PREFIX-YYYY-MM-NNN with the given prefix.
func parseNumbered(id, prefix string) (numberedID, error) {
	rest, ok := strings.CutPrefix(id, prefix+"-")
	if !ok || len(rest) < len("2025-12-001") || len(rest) > len("2025-12-")+9 {
		return numberedID{}, fmt.Errorf("%w: id %.60q, want %s-YYYY-MM-NNN", ErrMalformed, id, prefix)
	}
	month, seqs := rest[:7], rest[8:]
	if rest[7] != '-' || !validMonth(month) || !isDigits(seqs) || len(seqs) < 3 {
		return numberedID{}, fmt.Errorf("%w: id %.60q, want %s-YYYY-MM-NNN", ErrMalformed, id, prefix)
	}
	seq, err := strconv.Atoi(seqs)
	if err != nil || seq < 1 || (len(seqs) > 3 && seqs[0] == '0') {
		return numberedID{}, fmt.Errorf("%w: id %.60q: sequence number from 001 without extra zeros", ErrMalformed, id)
	}
	return numberedID{prefix: prefix, month: month, seq: seq}, nil
}

// validMonth reports whether m is YYYY-MM with a year from 1970 and a month
// from 01 to 12.
func validMonth(m string) bool {
	if len(m) != 7 || m[4] != '-' || !isDigits(m[:4]) || !isDigits(m[5:]) || m < "1970" {
		return false
	}
	return m[5:] >= "01" && m[5:] <= "12"
}

// monthOf returns "YYYY-MM" of t in UTC.
func monthOf(t time.Time) string { return t.UTC().Format("2006-01") }

// ParseProposalID checks that id is PROP-YYYY-MM-NNN.
func ParseProposalID(id string) error {
	_, err := parseNumbered(id, prefixProposal)
	return err
}

// voteNumber checks that id is the ID of one of voter's votes on the
// proposal proposalID (already checked to be PROP-YYYY-MM-NNN) and returns
// which vote it is (from 1), without building the expected ID: a tally
// checks every vote's ID this way.
func voteNumber(id, proposalID, voter string) (int, bool) {
	rest, ok := strings.CutPrefix(id, prefixVote+"-")
	if !ok {
		return 0, false
	}
	// The proposal ID is in its one form, so its suffix is YYYY-MM-NNN.
	if rest, ok = strings.CutPrefix(rest, proposalID[len(prefixProposal)+1:]); !ok {
		return 0, false
	}
	if rest, ok = strings.CutPrefix(rest, "-"); !ok {
		return 0, false
	}
	if rest, ok = strings.CutPrefix(rest, shortName(voter)); !ok {
		return 0, false
	}
	if rest == "" {
		return 1, true
	}
	n, ok := strings.CutPrefix(rest, "-")
	if !ok || !isDigits(n) || n[0] == '0' || n == "1" || len(n) > 6 {
		return 0, false
	}
	k, _ := strconv.Atoi(n)
	return k, true
}

// voteID returns the ID of a voter's n-th vote (from 1) on a proposal.
func voteID(proposal numberedID, voter string, n int) string {
	id := prefixVote + "-" + proposal.suffix() + "-" + shortName(voter)
	if n > 1 {
		id += "-" + strconv.Itoa(n)
	}
	return id
}

// sameNumber returns the ID with the proposal's number and another prefix.
func sameNumber(prefix string, proposal numberedID) string {
	return prefix + "-" + proposal.suffix()
}
