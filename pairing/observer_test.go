package pairing

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// loadTranscript reads the stored transcript vector: every pairing message of
// one successful run, as a passive observer on the network would hold them.
func loadTranscript(t *testing.T) (*transcriptVector, map[string]*Message) {
	t.Helper()
	b, err := os.ReadFile(transcriptPath)
	require.NoError(t, err)
	var v transcriptVector
	require.NoError(t, json.Unmarshal(b, &v))
	msgs := map[string]*Message{}
	for _, m := range v.Messages {
		pm, err := ParseMessage([]byte(m.JSON))
		require.NoError(t, err)
		msgs[pm.Type] = pm
	}
	return &v, msgs
}

// observerMatches runs every check a passive observer can make of a guessed
// code against the transcript, with what it can compute from public values
// and the guess alone: the generator of the guess, and each candidate for
// the shared point K that needs no secret scalar (the shares themselves, the
// generator, their sums, the neutral element). It counts the checks that
// succeed: a confirmation tag that matches, or a sealed member that opens.
func observerMatches(v *transcriptVector, msgs map[string]*Message, guess Code) int {
	offer, answer, deliver := msgs[TypeOffer], msgs[TypeAnswer], msgs[TypeDeliver]
	sid := offer.Sid
	ci := channelID(flowDeliver)
	g := calculateGenerator(guess.prs(), ci, sid)
	gb, _ := g.MarshalBinaryCompress()
	ya, yb := offer.Share, answer.Share
	var cands [][]byte
	cands = append(cands, ya, yb, gb, identityEncoding[:])
	for _, pair := range [][2][]byte{{ya, yb}, {ya, gb}, {yb, gb}} {
		cands = append(cands, addElements(pair[0], pair[1]))
	}
	transcript := transcriptIR(ya, []byte(v.Pocket.ComputerID), yb, []byte(v.Zone.ComputerID))
	n := 0
	for _, k := range cands {
		isk := deriveISK(sid, k, transcript)
		if hmac.Equal(confirmTag(sid, isk, yb, []byte(v.Zone.ComputerID)), answer.Confirm) {
			n++
		}
		if hmac.Equal(confirmTag(sid, isk, ya, []byte(v.Pocket.ComputerID)), deliver.Confirm) {
			n++
		}
		var body grantBody
		if open(isk, sid, TypeDeliver, deliver.Sealed, &body) == nil {
			n++
		}
	}
	return n
}

func addElements(a, b []byte) []byte {
	ea, eb := newElement(), newElement()
	if ea.UnmarshalBinary(a) != nil || eb.UnmarshalBinary(b) != nil {
		return identityEncoding[:]
	}
	out, _ := newElement().Add(ea, eb).MarshalBinaryCompress()
	return out
}

// TestPassiveObserverCannotTestGuesses: a passive observer holding the full
// transcript of a successful pairing has no value against which to check a
// guess. Every check it can run fails for the true code exactly as for
// wrong ones, so the true code does not stand out. The controls show the
// checks are sharp: with the zone's secret scalar (which never leaves the
// zone) the true code, and only it, passes; and a message authenticated
// with the code as an HMAC key gives the code away to the same search.
func TestPassiveObserverCannotTestGuesses(t *testing.T) {
	v, msgs := loadTranscript(t)
	truth := Code(v.Code)
	guesses := []Code{truth}
	for len(guesses) < 200 {
		if c := NewCode(); c != truth {
			guesses = append(guesses, c)
		}
	}
	for _, c := range guesses {
		require.Zero(t, observerMatches(v, msgs, c), "guess %s", c)
	}

	// Nothing derived from the code appears on the wire.
	var wire []byte
	for _, m := range v.Messages {
		wire = append(wire, m.JSON...)
	}
	for _, form := range []string{v.Code, strings.ReplaceAll(v.Code, "-", ""), strings.ToLower(v.Code)} {
		require.False(t, bytes.Contains(wire, []byte(form)))
	}
	gb, _ := calculateGenerator(truth.prs(), channelID(flowDeliver), msgs[TypeOffer].Sid).MarshalBinaryCompress()
	for _, m := range msgs {
		for _, f := range [][]byte{m.Share, m.Confirm, m.Sealed, m.Session, m.Sid} {
			require.False(t, bytes.Contains(f, gb[:16]))
		}
	}

	// Control 1: the zone's scalar (not on the wire) makes the true code, and
	// only it, check out.
	yb, err := scalarFromBytes(unhex(t, v.Yb))
	require.NoError(t, err)
	withScalar := func(c Code) bool {
		offer, answer := msgs[TypeOffer], msgs[TypeAnswer]
		g := calculateGenerator(c.prs(), channelID(flowDeliver), offer.Sid)
		if !bytes.Equal(scalarMult(yb, g), answer.Share) {
			return false
		}
		k := scalarMultVfy(yb, offer.Share)
		isk := deriveISK(offer.Sid, k, transcriptIR(offer.Share, []byte(v.Pocket.ComputerID), answer.Share, []byte(v.Zone.ComputerID)))
		return hmac.Equal(confirmTag(offer.Sid, isk, offer.Share, []byte(v.Pocket.ComputerID)), msgs[TypeDeliver].Confirm)
	}
	for i, c := range guesses {
		require.Equal(t, i == 0, withScalar(c), "guess %s", c)
	}

	// Control 2: a message MACed with the code as key (the scheme this
	// package replaces) is an offline test for every guess.
	mac := func(c Code, msg []byte) []byte {
		m := hmac.New(sha256.New, []byte(c))
		m.Write(msg)
		return m.Sum(nil)
	}
	captured := []byte(`{"secret":"...","zoneId":"pocket-42"}`)
	tag := mac(truth, captured)
	found := 0
	for _, c := range guesses {
		if hmac.Equal(mac(c, captured), tag) {
			found++
			require.Equal(t, truth, c)
		}
	}
	require.Equal(t, 1, found)
}
