package governance

import "bytes"

// voteMembers are a vote's member names in RFC 8785 order (comments is
// optional).
var voteMembers = [...]string{"comments", "proposal_id", "type", "vote", "vote_id", "voted_at", "voter", "weight"}

// parseVoteCanonical decodes the canonical (RFC 8785) JSON of a vote
// without reflection: the members in canonical order, strings without
// escapes, a non-negative integer weight. It returns ok false for anything
// else, and the caller then decodes with [ParsePayload], which accepts
// exactly what this accepts and more (escaped strings) and explains
// refusals. Tallies of many votes spend most of their time here and in
// signature verification, so this keeps the tally close to the rate of bare
// verification.
func parseVoteCanonical(b []byte) (*Vote, bool) {
	var v Vote
	var vals [len(voteMembers)][]byte
	i := 0
	if len(b) < 2 || b[0] != '{' {
		return nil, false
	}
	i = 1
	m := 0 // next member that may appear
	for {
		key, n, ok := rawString(b, i)
		if !ok {
			return nil, false
		}
		i = n
		for m < len(voteMembers) && voteMembers[m] != string(key) {
			if m != 0 { // only comments may be skipped
				return nil, false
			}
			m++
		}
		if m == len(voteMembers) || i >= len(b) || b[i] != ':' {
			return nil, false
		}
		i++
		if voteMembers[m] == "weight" {
			j := i
			for j < len(b) && b[j] >= '0' && b[j] <= '9' {
				j++
			}
			if j == i || j-i > 7 || (b[i] == '0' && j-i > 1) {
				return nil, false
			}
			vals[m], i = b[i:j], j
		} else {
			s, n, ok := rawString(b, i)
			if !ok {
				return nil, false
			}
			vals[m], i = s, n
		}
		m++
		if i >= len(b) {
			return nil, false
		}
		if b[i] == '}' {
			i++
			break
		}
		if b[i] != ',' {
			return nil, false
		}
		i++
	}
	if i != len(b) || m != len(voteMembers) {
		return nil, false
	}
	if vals[0] != nil && len(vals[0]) == 0 { // comments written out empty: not the one form
		return nil, false
	}
	var w int64 // at most seven digits, checked above
	for _, c := range vals[7] {
		w = w*10 + int64(c-'0')
	}
	t, ok := parseTimestamp(string(vals[5]))
	if !ok {
		return nil, false
	}
	v = Vote{Type: intern(vals[2], TypeVote), VoteID: string(vals[4]), ProposalID: string(vals[1]), Voter: string(vals[6]),
		VotedAt: Timestamp{t}, Vote: intern(vals[3], Approve, Reject, Abstain), Weight: w}
	if vals[0] != nil {
		v.Comments = string(vals[0])
	}
	if checkShape(&v) != nil {
		return nil, false
	}
	return &v, true
}

// rawString reads a JSON string at b[i] with no escapes and no control or
// non-ASCII bytes, returning its contents and the index after it.
func rawString(b []byte, i int) ([]byte, int, bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, 0, false
	}
	j := bytes.IndexByte(b[i+1:], '"')
	if j < 0 {
		return nil, 0, false
	}
	s := b[i+1 : i+1+j]
	for _, c := range s {
		if c < 0x20 || c == '\\' || c >= 0x80 {
			return nil, 0, false
		}
	}
	return s, i + 2 + j, true
}

// parseCanonical decodes the canonical payload of a verified envelope.
func parseCanonical(typ string, payload []byte) (Payload, error) {
	if typ == TypeVote {
		if v, ok := parseVoteCanonical(payload); ok {
			return v, nil
		}
	}
	return ParsePayload(typ, payload)
}

// intern returns the constant b spells, or a new string.
func intern(b []byte, consts ...string) string {
	for _, c := range consts {
		if string(b) == c {
			return c
		}
	}
	return string(b)
}
