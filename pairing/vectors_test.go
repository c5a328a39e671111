package pairing

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accordsdk/accord/envelope"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "regenerate testdata/pairing-transcript.json")

const transcriptPath = "testdata/pairing-transcript.json"

// detReader is a deterministic byte stream (SHA-256 in counter mode over a
// label) that records each read, for reproducible vectors.
type detReader struct {
	mu    sync.Mutex
	label string
	ctr   uint64
	buf   []byte
	reads [][]byte
}

func (d *detReader) Read(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for len(d.buf) < len(p) {
		var c [8]byte
		binary.BigEndian.PutUint64(c[:], d.ctr)
		d.ctr++
		h := sha256.Sum256(append([]byte(d.label), c[:]...))
		d.buf = append(d.buf, h[:]...)
	}
	n := copy(p, d.buf)
	d.buf = d.buf[n:]
	d.reads = append(d.reads, append([]byte(nil), p...))
	return n, nil
}

type vectorMessage struct {
	From string `json:"from"` // "zone" or "pocket"
	Type string `json:"type"`
	JSON string `json:"json"` // the exact bytes on the wire
}

type swarmVector struct {
	Desc      string `json:"desc"`
	Secret    string `json:"secret"` // hex
	Swarm     string `json:"swarm"`
	Epoch     uint64 `json:"epoch"`
	KeyID     string `json:"keyId"`
	Frame     string `json:"frame"`          // plaintext of the payload
	Envelope  string `json:"envelope"`       // the message on the wire
	Timestamp int64  `json:"timestamp"`      // the envelope timestamp
	Type      string `json:"type,omitempty"` // the envelope type; swarm/ANNOUNCE if absent
}

type transcriptVector struct {
	Desc     string          `json:"desc"`
	Flow     string          `json:"flow"`
	Code     string          `json:"code"`
	CI       string          `json:"ci"` // hex
	Pocket   Identity        `json:"pocket"`
	Zone     Identity        `json:"zone"`
	Ya       string          `json:"ya"` // pocket's scalar, hex little-endian
	Yb       string          `json:"yb"` // zone's scalar
	ISK      string          `json:"isk"`
	Grant    string          `json:"grant"` // the sealed PAIR_DELIVER body, canonical JSON
	Messages []vectorMessage `json:"messages"`
	Swarm    swarmVector     `json:"swarm"`
}

// generateTranscript runs the zone-accepts-from-pocket flow with fixed
// randomness and records the first message of each type.
func generateTranscript(t *testing.T) *transcriptVector {
	zr, pr := &detReader{label: "accord pairing vector zone"}, &detReader{label: "accord pairing vector pocket"}
	clock := func() time.Time { return time.Unix(1_767_657_600, 0) }
	net := NewMemNetwork()
	zone, pocket := net.Attach(), net.Attach()
	var mu sync.Mutex
	seen := map[string]bool{}
	var msgs []vectorMessage
	net.Tap(func(from, to Addr, proto Proto, data []byte) {
		m, err := ParseMessage(data)
		if err != nil || seen[m.Type] {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		seen[m.Type] = true
		who := "pocket"
		if from == zone.Addr() {
			who = "zone"
		}
		msgs = append(msgs, vectorMessage{From: who, Type: m.Type, JSON: string(data)})
	})
	var secret Secret
	copy(secret[:], (&detReader{label: "accord pairing vector secret"}).readN(32))
	give := Grant{Secret: secret, Swarm: "swarm-7f3a9c", Epoch: 1, ZoneID: "pocket-42", ZoneName: "Pocket"}
	pid, zid := Identity{"pocket-42", "Pocket"}, Identity{"zone-7", "Kitchen"}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	codes := make(chan Code, 1)
	res := make(chan acceptResult, 1)
	go func() {
		g, err := AcceptFromPocket(ctx, zone, zid, AcceptCallbacks{DisplayCode: func(c Code) { codes <- c }},
			WithRandom(zr), WithClock(clock), WithResend(5*time.Second))
		res <- acceptResult{g, err}
	}()
	var code Code
	_, err := DeliverToPending(ctx, pocket, pid, give, DeliverCallbacks{
		CodePrompt: func(Pending) (string, error) { code = <-codes; return string(code), nil }},
		5*time.Second, WithRandom(pr), WithClock(clock), WithResend(5*time.Second))
	require.NoError(t, err)
	r := <-res
	require.NoError(t, r.err)
	// Reads: zone code(5) session(16) scalar(32); pocket sid(16) scalar(32).
	ya, yb := append([]byte(nil), pr.reads[1]...), append([]byte(nil), zr.reads[2]...)
	ya[31] &= 0x0f
	yb[31] &= 0x0f
	grant, err := canonicalJSON(give.body(false))
	require.NoError(t, err)

	// The swarm channel: the zone's first ANNOUNCE under the grant.
	sr := &detReader{label: "accord pairing vector swarm"}
	ch, err := NewChannel(zid.ComputerID, *r.g, WithRandom(sr), WithClock(clock), WithStartupFence(time.Time{}))
	require.NoError(t, err)
	dev := []byte(strings.Repeat("\x09", 32))
	env, err := ch.Seal(KindAnnounce, "", &Announce{ZoneID: zid.ComputerID, ZoneName: zid.Label, DeviceKey: dev})
	require.NoError(t, err)
	e, err := envelope.NewVerifier(envelope.WithTypes("swarm/ANNOUNCE"), envelope.WithHMACKey(ch.cur.keyID, ch.cur.mac),
		envelope.WithClock(clock), envelope.WithoutStartupFence())
	require.NoError(t, err)
	opened, err := e.Open(env)
	require.NoError(t, err)
	ct, ok := ctPayload(opened.Payload)
	require.True(t, ok)
	frame, err := ch.cur.aead.Open(nil, opened.Nonce, ct, []byte("swarm/ANNOUNCE"))
	require.NoError(t, err)

	return &transcriptVector{
		Desc: "A zone accepts the swarm from a pocket (flow \"deliver\"): the first message of each type, " +
			"then the zone's first ANNOUNCE on the swarm channel. Randomness is SHA-256 in counter mode; " +
			"regenerate with go test ./pairing -run TestTranscriptVector -update.",
		Flow: flowDeliver, Code: string(code), CI: hex.EncodeToString(channelID(flowDeliver)),
		Pocket: pid, Zone: zid, Ya: hex.EncodeToString(ya), Yb: hex.EncodeToString(yb),
		ISK: "", Grant: string(grant), Messages: msgs,
		Swarm: swarmVector{Desc: "ANNOUNCE from zone-7, encrypted, epoch 1", Secret: hex.EncodeToString(secret[:]),
			Swarm: give.Swarm, Epoch: 1, KeyID: ch.cur.keyID, Frame: string(frame), Envelope: string(env),
			Timestamp: clock().Unix()},
	}
}

func (d *detReader) readN(n int) []byte {
	b := make([]byte, n)
	d.Read(b)
	return b
}

// TestTranscriptVector checks the stored transcript with the CPace
// primitives (checked against the draft's vectors) and the standard library
// only: none of the code that produced the messages runs here.
func TestTranscriptVector(t *testing.T) {
	if *update {
		v := generateTranscript(t)
		// ISK from the primitives, so that the file holds it too.
		v.ISK = hex.EncodeToString(transcriptISK(t, v))
		b, err := json.MarshalIndent(v, "", "  ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(transcriptPath, append(b, '\n'), 0o644))
	}
	b, err := os.ReadFile(transcriptPath)
	require.NoError(t, err)
	var v transcriptVector
	require.NoError(t, json.Unmarshal(b, &v))
	require.Len(t, v.Messages, 5)
	byType := map[string]*Message{}
	for _, m := range v.Messages {
		pm, err := ParseMessage([]byte(m.JSON))
		require.NoError(t, err, m.Type)
		require.Equal(t, m.Type, pm.Type)
		canon, err := envelope.CanonicalJSON([]byte(m.JSON))
		require.NoError(t, err)
		require.Equal(t, m.JSON, string(canon), "%s is canonical JSON", m.Type)
		byType[m.Type] = pm
	}
	ready, offer, answer, deliver, complete := byType[TypeReady], byType[TypeOffer], byType[TypeAnswer], byType[TypeDeliver], byType[TypeComplete]
	require.Equal(t, ready.Session, offer.Session)
	require.Equal(t, v.Zone.ComputerID, ready.ComputerID)
	sid := offer.Sid
	require.Equal(t, sid, answer.Sid)

	isk := transcriptISK(t, &v)
	require.Equal(t, v.ISK, hex.EncodeToString(isk))

	// CPaceMac tags, written out with crypto/hmac.
	mk := sha512.Sum512(append(append([]byte("CPaceMac"), sid...), isk...))
	tag := func(y []byte, ad string) []byte {
		m := hmac.New(sha512.New, mk[:])
		m.Write([]byte{byte(len(y))})
		m.Write(y)
		m.Write([]byte{byte(len(ad))})
		m.Write([]byte(ad))
		return m.Sum(nil)
	}
	require.Equal(t, tag(answer.Share, v.Zone.ComputerID), []byte(answer.Confirm), "Tb")
	require.Equal(t, tag(offer.Share, v.Pocket.ComputerID), []byte(deliver.Confirm), "Ta")

	// Sealed members: HKDF-SHA512 key, AES-256-GCM with a zero nonce.
	openSealed := func(typ string, sealed []byte) []byte {
		key, err := hkdf.Key(sha512.New, isk, sid, "accord-pairing-v1 seal "+typ, 32)
		require.NoError(t, err)
		block, err := aes.NewCipher(key)
		require.NoError(t, err)
		g, err := cipher.NewGCM(block)
		require.NoError(t, err)
		pt, err := g.Open(nil, make([]byte, 12), sealed, []byte(typ))
		require.NoError(t, err, typ)
		return pt
	}
	require.Equal(t, string(v.Grant), string(openSealed(TypeDeliver, deliver.Sealed)))
	require.Equal(t, `{"label":"Kitchen","success":true}`, string(openSealed(TypeComplete, complete.Sealed)))

	// The swarm channel message.
	checkSwarmVector(t, &v.Swarm)
}

// transcriptISK recomputes ISK from the vector's code and scalars and checks
// the shares in the messages on the way.
func transcriptISK(t *testing.T, v *transcriptVector) []byte {
	t.Helper()
	var offer, answer *Message
	for _, m := range v.Messages {
		pm, err := ParseMessage([]byte(m.JSON))
		require.NoError(t, err)
		switch pm.Type {
		case TypeOffer:
			offer = pm
		case TypeAnswer:
			answer = pm
		}
	}
	ci, err := hex.DecodeString(v.CI)
	require.NoError(t, err)
	require.Equal(t, lvCat([]byte("accord-pairing-v1"), []byte("deliver")), ci)
	prs := []byte(strings.ReplaceAll(v.Code, "-", ""))
	g := calculateGenerator(prs, ci, offer.Sid)
	ya, err := scalarFromBytes(unhex(t, v.Ya))
	require.NoError(t, err)
	yb, err := scalarFromBytes(unhex(t, v.Yb))
	require.NoError(t, err)
	require.Equal(t, []byte(offer.Share), scalarMult(ya, g), "Ya")
	require.Equal(t, []byte(answer.Share), scalarMult(yb, g), "Yb")
	k := scalarMultVfy(ya, answer.Share)
	require.Equal(t, k, scalarMultVfy(yb, offer.Share))
	return deriveISK(offer.Sid, k, transcriptIR(offer.Share, []byte(v.Pocket.ComputerID), answer.Share, []byte(v.Zone.ComputerID)))
}

func checkSwarmVector(t *testing.T, s *swarmVector) {
	t.Helper()
	typ := s.Type
	if typ == "" {
		typ = "swarm/ANNOUNCE"
	}
	secret := unhex(t, s.Secret)
	epoch := strconv.FormatUint(s.Epoch, 10)
	info := func(p string) string { return p + " " + s.Swarm + " " + epoch }
	mac, err := hkdf.Key(sha256.New, secret, []byte("accord-swarm-v1"), info("mac"), 32)
	require.NoError(t, err)
	enc, err := hkdf.Key(sha256.New, secret, []byte("accord-swarm-v1"), info("enc"), 32)
	require.NoError(t, err)
	id, err := hkdf.Key(sha256.New, secret, []byte("accord-swarm-v1"), info("id"), 8)
	require.NoError(t, err)
	require.Equal(t, "e"+epoch+"-"+hex.EncodeToString(id), s.KeyID)

	var env struct {
		Alg          string `json:"alg"`
		Nonce        string `json:"nonce"`
		SenderPubkey string `json:"sender_pubkey"`
		Signature    string `json:"signature"`
		Type         string `json:"type"`
		Payload      struct {
			Ct string `json:"ct"`
		} `json:"payload"`
		Timestamp int64 `json:"timestamp"`
	}
	require.NoError(t, json.Unmarshal([]byte(s.Envelope), &env))
	require.Equal(t, "hmac-sha256", env.Alg)
	require.Equal(t, typ, env.Type)
	require.Equal(t, "hmac:"+s.KeyID, env.SenderPubkey)
	require.Equal(t, s.Timestamp, env.Timestamp)
	sb, err := envelope.SigningBytes([]byte(s.Envelope))
	require.NoError(t, err)
	m := hmac.New(sha256.New, mac)
	m.Write(sb)
	sig, err := base64.RawURLEncoding.DecodeString(env.Signature)
	require.NoError(t, err)
	require.Equal(t, m.Sum(nil), sig, "HMAC-SHA256 over the signing bytes")

	nonce, err := base64.RawURLEncoding.DecodeString(env.Nonce)
	require.NoError(t, err)
	ct, err := base64.RawURLEncoding.DecodeString(env.Payload.Ct)
	require.NoError(t, err)
	block, err := aes.NewCipher(enc)
	require.NoError(t, err)
	g, err := cipher.NewGCMWithNonceSize(block, 16)
	require.NoError(t, err)
	pt, err := g.Open(nil, nonce, ct, []byte(typ))
	require.NoError(t, err)
	require.Equal(t, s.Frame, string(pt))
	canon, err := envelope.CanonicalJSON(pt)
	require.NoError(t, err)
	require.Equal(t, s.Frame, string(canon), "the frame is canonical JSON")

	// And the channel itself opens it.
	var sec Secret
	copy(sec[:], secret)
	clock := func() time.Time { return time.Unix(s.Timestamp, 0) }
	ch, err := NewChannel("zone-9", Grant{Secret: sec, Swarm: s.Swarm, Epoch: s.Epoch}, WithClock(clock), WithStartupFence(time.Time{}))
	require.NoError(t, err)
	r, err := ch.Open([]byte(s.Envelope))
	require.NoError(t, err)
	require.Equal(t, typ, "swarm/"+r.Kind)
}
