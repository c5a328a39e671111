package pairing

import (
	"bytes"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// cpaceSuite is the CPACE-RISTR255-SHA512 entry ("G_Coffee25519") of the
// draft's testvectors.json.
type cpaceSuite struct {
	PRS, CI, Sid, G, Ya, ADa, YaOut, Yb, ADb, YbOut, K, ISKIR, ISKSY, SidIR, SidOC string
}

func loadSuite(t *testing.T) (cpaceSuite, map[string]json.RawMessage) {
	t.Helper()
	b, err := os.ReadFile("testdata/cpace-testvectors-master.json")
	require.NoError(t, err)
	var all map[string]map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(b, &all))
	g := all["G_Coffee25519"]
	str := func(k string) string {
		var s string
		require.NoError(t, json.Unmarshal(g[k], &s), k)
		return s
	}
	return cpaceSuite{
		PRS: str("PRS"), CI: str("CI"), Sid: str("sid"), G: str("g"),
		Ya: str("ya"), ADa: str("ADa"), YaOut: str("Ya"), Yb: str("yb"), ADb: str("ADb"), YbOut: str("Yb"),
		K: str("K"), ISKIR: str("ISK_IR"), ISKSY: str("ISK_SY"), SidIR: str("sid_output_ir"), SidOC: str("sid_output_oc"),
	}, all["G_Coffee25519_points"]
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

// textBlock returns the hex block that follows the line containing header
// in the draft's appendix B.3 text.
func textBlock(t *testing.T, text, header string) []byte {
	t.Helper()
	i := strings.Index(text, header)
	require.GreaterOrEqual(t, i, 0, header)
	lines := strings.Split(text[i:], "\n")[1:]
	hexLine := regexp.MustCompile(`^\s+([0-9a-f]+)\s*$`)
	var out strings.Builder
	for _, l := range lines {
		if strings.Contains(l, "(length:") && out.Len() == 0 {
			continue // "(length: n bytes)" on its own line
		}
		m := hexLine.FindStringSubmatch(l)
		if m == nil {
			break
		}
		out.WriteString(m[1])
	}
	require.NotZero(t, out.Len(), header)
	return unhex(t, out.String())
}

func TestCPaceDraftVectors(t *testing.T) {
	v, points := loadSuite(t)
	textB, err := os.ReadFile("testdata/cpace-draft21-B3-ristretto255-sha512.txt")
	require.NoError(t, err)
	text := string(textB)

	prs, ci, sid := unhex(t, v.PRS), unhex(t, v.CI), unhex(t, v.Sid)
	require.Equal(t, []byte("Password"), prs)

	// B.3.1: generator string, its hash, and the generator.
	gs := generatorString(prs, ci, sid)
	require.Equal(t, textBlock(t, text, "generator_string(G.DSI,PRS,CI,sid,H.s_in_bytes):"), gs)
	h := sha512.Sum512(gs)
	require.Equal(t, textBlock(t, text, "hash result: (length: 64 bytes)"), h[:])
	g := calculateGenerator(prs, ci, sid)
	gb, err := g.MarshalBinaryCompress()
	require.NoError(t, err)
	require.Equal(t, unhex(t, v.G), gb)

	// B.3.2, B.3.3: the shares.
	ya, err := scalarFromBytes(unhex(t, v.Ya))
	require.NoError(t, err)
	yb, err := scalarFromBytes(unhex(t, v.Yb))
	require.NoError(t, err)
	Ya, Yb := scalarMult(ya, g), scalarMult(yb, g)
	require.Equal(t, unhex(t, v.YaOut), Ya)
	require.Equal(t, unhex(t, v.YbOut), Yb)

	// B.3.4: K from both sides.
	ada, adb := unhex(t, v.ADa), unhex(t, v.ADb)
	require.Equal(t, unhex(t, v.K), scalarMultVfy(ya, Yb))
	require.Equal(t, unhex(t, v.K), scalarMultVfy(yb, Ya))

	// B.3.5: ISK, initiator-responder.
	tir := transcriptIR(Ya, ada, Yb, adb)
	require.Equal(t, textBlock(t, text, "transcript_ir(Ya,ADa,Yb,ADb): (length: 74 bytes)"), tir)
	require.Equal(t, unhex(t, v.ISKIR), deriveISK(sid, unhex(t, v.K), tir))

	// B.3.6: ISK, parallel (ordered concatenation).
	toc := transcriptOC(Ya, ada, Yb, adb)
	require.Equal(t, textBlock(t, text, "transcript_oc(Ya,ADa,Yb,ADb): (length: 76 bytes)"), toc)
	require.Equal(t, unhex(t, v.ISKSY), deriveISK(sid, unhex(t, v.K), toc))

	// B.3.7: session id outputs.
	require.Equal(t, unhex(t, v.SidIR), sidOutput(tir))
	require.Equal(t, unhex(t, v.SidOC), sidOutput(toc))

	// The party objects reproduce the same ISK from both ends.
	a := &cpace{initiator: true, sid: sid, ad: ada, y: ya, share: Ya}
	b := &cpace{initiator: false, sid: sid, ad: adb, y: yb, share: Yb}
	ra, err := a.finish(Yb, adb)
	require.NoError(t, err)
	rb, err := b.finish(Ya, ada)
	require.NoError(t, err)
	require.Equal(t, unhex(t, v.ISKIR), ra.isk)
	require.Equal(t, ra.isk, rb.isk)
	require.Equal(t, ra.ownTag, rb.peerTag)
	require.Equal(t, rb.ownTag, ra.peerTag)
	require.NotEqual(t, ra.ownTag, rb.ownTag)

	// B.3.10: scalar_mult with valid inputs.
	var valid map[string]string
	require.NoError(t, json.Unmarshal(points["Valid"], &valid))
	s, err := scalarFromBytes(unhex(t, valid["s"]))
	require.NoError(t, err)
	require.Equal(t, unhex(t, valid["G.scalar_mult_vfy(s,X)"]), scalarMultVfy(s, unhex(t, valid["X"])))
	require.Equal(t, unhex(t, valid["G.scalar_mult(s,decode(X))"]), scalarMultVfy(s, unhex(t, valid["X"])))

	// B.3.11: invalid inputs give G.I, and a party aborts.
	for _, name := range []string{"Invalid Y1", "Invalid Y2"} {
		var x string
		require.NoError(t, json.Unmarshal(points[name], &x))
		require.Equal(t, identityEncoding[:], scalarMultVfy(s, unhex(t, x)), name)
		_, err := a.finish(unhex(t, x), adb)
		require.ErrorIs(t, err, ErrBadShare, name)
	}
}

// Appendix A of the draft: lv_cat, o_cat and the transcript functions.
func TestCPaceEncodingVectors(t *testing.T) {
	require.Equal(t, unhex(t, "043132333401350003363738"), lvCat([]byte("1234"), []byte("5"), nil, []byte("678")))
	require.Equal(t, unhex(t, "03313233065061727479410332333406506172747942"),
		transcriptIR([]byte("123"), []byte("PartyA"), []byte("234"), []byte("PartyB")))
	require.Equal(t, unhex(t, "043334353606506172747941043233343506506172747942"),
		transcriptIR([]byte("3456"), []byte("PartyA"), []byte("2345"), []byte("PartyB")))
	require.Equal(t, unhex(t, "6f6303323334065061727479420331323306506172747941"),
		transcriptOC([]byte("123"), []byte("PartyA"), []byte("234"), []byte("PartyB")))
	require.Equal(t, unhex(t, "6f63043334353606506172747941043233343506506172747942"),
		transcriptOC([]byte("3456"), []byte("PartyA"), []byte("2345"), []byte("PartyB")))
	for _, c := range []struct {
		a, b string
		want bool
	}{{"\x00", "\x00\x00", false}, {"\x01", "\x00\x00", true}, {"\x00\x00", "\x00", true},
		{"\x00\x00", "\x01", false}, {"\x00\x01", "\x01", false}, {"ABCD", "BCD", false}} {
		require.Equal(t, c.want, lexLarger([]byte(c.a), []byte(c.b)), "%q > %q", c.a, c.b)
	}
	// prepend_len of 127 and 128 bytes: one and two length bytes.
	require.Equal(t, []byte{0x7f}, prependLen(nil, make([]byte, 127))[:1])
	require.Equal(t, []byte{0x80, 0x01}, prependLen(nil, make([]byte, 128))[:2])
}

func TestCPaceRuns(t *testing.T) {
	ci := lvCat([]byte("test"))
	sid := bytes.Repeat([]byte{7}, 16)
	run := func(pwA, pwB string) (*cpaceResult, *cpaceResult) {
		a, err := newCPace(true, []byte(pwA), ci, sid, []byte("A"), randReader)
		require.NoError(t, err)
		b, err := newCPace(false, []byte(pwB), ci, sid, []byte("B"), randReader)
		require.NoError(t, err)
		ra, err := a.finish(b.share, []byte("B"))
		require.NoError(t, err)
		rb, err := b.finish(a.share, []byte("A"))
		require.NoError(t, err)
		return ra, rb
	}
	ra, rb := run("ABCD2345", "ABCD2345")
	require.Equal(t, ra.isk, rb.isk)
	require.Equal(t, ra.peerTag, rb.ownTag)
	ra, rb = run("ABCD2345", "ABCD2346")
	require.NotEqual(t, ra.isk, rb.isk)
	require.NotEqual(t, ra.peerTag, rb.ownTag)

	// The identity element as a share aborts.
	a, err := newCPace(true, []byte("x"), ci, sid, nil, randReader)
	require.NoError(t, err)
	_, err = a.finish(identityEncoding[:], nil)
	require.True(t, errors.Is(err, ErrBadShare))
}
