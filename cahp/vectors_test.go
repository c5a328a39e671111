package cahp

import (
	"bytes"
	"context"
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"math/big"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gowebpki/jcs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zeebo/blake3"

	"github.com/accordsdk/accord/envelope"
)

var update = flag.Bool("update", false, "rewrite testdata/transcript.json and testdata/phases.json")

// transcriptVector is a whole handshake as its HTTP exchanges, with the
// ephemeral private keys (test-only) so that the key schedule can be checked.
type transcriptVector struct {
	Desc      string         `json:"desc"`
	Time      int64          `json:"time"`
	Initiator vectorParty    `json:"initiator"`
	Responder vectorParty    `json:"responder"`
	Exchanges []httpExchange `json:"exchanges"`
	// TranscriptHashes are TH(2), TH(6), TH(7), TH(8), TH(9) in hex.
	TranscriptHashes map[string]string `json:"transcript_hashes"`
	SharedSecret     string            `json:"shared_secret"` // hex
	SessionKey       string            `json:"session_key"`   // hex
}

type vectorParty struct {
	Kind       string `json:"kind"`
	Key        string `json:"key"`
	KexPrivate string `json:"kex_private"` // hex, X25519 scalar
}

type httpExchange struct {
	Method      string `json:"method"`
	Path        string `json:"path"`
	ContentType string `json:"content_type"`
	// RequestBody and ResponseBody are the bodies exactly as sent: JSON
	// arrays of envelopes.
	RequestBody  string `json:"request_body"`
	Status       int    `json:"status"`
	ResponseBody string `json:"response_body"`
}

// bodyMessages splits a body into its envelopes, each byte for byte.
func bodyMessages(body string) [][]byte {
	var raw []json.RawMessage
	if err := json.Unmarshal([]byte(body), &raw); err != nil {
		panic(err)
	}
	return rawList(raw)
}

// recorder records the HTTP exchanges of a handshake.
type recorder struct {
	next http.RoundTripper
	ex   []httpExchange
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(req.Body)
	req.Body = io.NopCloser(bytes.NewReader(body))
	resp, err := r.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	out, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(out))
	x := httpExchange{Method: req.Method, Path: req.URL.Path, ContentType: req.Header.Get("Content-Type"),
		RequestBody: string(body), Status: resp.StatusCode, ResponseBody: string(out)}
	r.ex = append(r.ex, x)
	return resp, nil
}

// seeded returns the deterministic random stream of one party.
func seeded(b byte) io.Reader { return mrand.NewChaCha8([32]byte{b}) }

// vectorFixture builds the deterministic parties of the vectors: an
// open-weight initiator and a metabolic responder at a fixed time.
func vectorFixture(t *testing.T) *fixture {
	f := newFixture(t, fixtureOpts{respPolicy: func(p *Policy) { p.Difficulty = 10 }})
	f.init.rand, f.resp.rand = seeded(1), seeded(2)
	return f
}

func generateTranscript(t *testing.T) *transcriptVector {
	f := vectorFixture(t)
	// The first reads of each side's stream: the initiator draws its
	// challenge nonce then its X25519 key; the responder its key first.
	ikex := make([]byte, 64)
	io.ReadFull(seeded(1), ikex)
	rkex := make([]byte, 32)
	io.ReadFull(seeded(2), rkex)
	srv := httptest.NewServer(f.resp.Handler())
	defer srv.Close()
	rec := &recorder{next: http.DefaultTransport}
	tr, err := NewHTTPTransport(srv.URL, &http.Client{Transport: rec})
	require.NoError(t, err)
	s, err := f.init.Handshake(context.Background(), tr, WithSessionID(b64.EncodeToString([]byte("vector session 1"))))
	require.NoError(t, err)
	rs := <-f.sessions
	require.Equal(t, s.Key, rs.Key)
	v := &transcriptVector{
		Desc: "a whole handshake over HTTP: open-weight initiator, metabolic responder (burns on the in-memory chain " + testChain +
			"), responder difficulty 10, 4 spot checks, 1 KiB chunks; kex_private are the ephemeral X25519 keys",
		Time:       f.clock.now().Unix(),
		Initiator:  vectorParty{Kind: KindOpenWeight, Key: f.initKey.PublicKey(), KexPrivate: hex.EncodeToString(ikex[32:])},
		Responder:  vectorParty{Kind: KindMetabolic, Key: f.rKey.PublicKey(), KexPrivate: hex.EncodeToString(rkex)},
		Exchanges:  rec.ex,
		SessionKey: hex.EncodeToString(s.Key[:]),
	}
	th := independentTranscript(t, v)
	v.TranscriptHashes = map[string]string{}
	for _, n := range []int{2, 6, 7, 8, 9} {
		h := th[n]
		v.TranscriptHashes[string(rune('0'+n))] = hex.EncodeToString(h[:])
	}
	require.Equal(t, s.Transcript, th[9])
	ip, _ := hex.DecodeString(v.Initiator.KexPrivate)
	k, err := ecdh.X25519().NewPrivateKey(ip)
	require.NoError(t, err)
	rp, _ := hex.DecodeString(v.Responder.KexPrivate)
	rk, err := ecdh.X25519().NewPrivateKey(rp)
	require.NoError(t, err)
	shared, err := k.ECDH(rk.PublicKey())
	require.NoError(t, err)
	v.SharedSecret = hex.EncodeToString(shared)
	return v
}

// messages returns m1..m9 of a recorded handshake, in transcript order.
func (v *transcriptVector) messages() [][]byte {
	// The exchanges are [m1]->[m2], [m3]->[m4], [m5]->[m6, m7], [m8]->[m9].
	var m [][]byte
	for _, x := range v.Exchanges {
		m = append(m, bodyMessages(x.RequestBody)...)
		m = append(m, bodyMessages(x.ResponseBody)...)
	}
	return m
}

// independentSigningBytes is the RFC 8785 form of the envelope without its
// signature, computed with another canonicalizer than the package's.
func independentSigningBytes(t *testing.T, msg []byte) []byte {
	var obj map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(msg, &obj))
	delete(obj, "signature")
	b, err := json.Marshal(obj)
	require.NoError(t, err)
	out, err := jcs.Transform(b)
	require.NoError(t, err)
	return out
}

// independentTranscript computes TH(n) for n = 1..9 from the messages, as
// the package documentation defines it.
func independentTranscript(t *testing.T, v *transcriptVector) map[int][32]byte {
	h := sha256.New()
	h.Write([]byte("accord-cahp-v1 transcript\x00"))
	out := map[int][32]byte{}
	for i, m := range v.messages() {
		sb := independentSigningBytes(t, m)
		binary.Write(h, binary.BigEndian, uint32(len(sb)))
		h.Write(sb)
		out[i+1] = [32]byte(h.Sum(nil))
	}
	return out
}

func readVector[T any](t *testing.T, name string, generate func() T) T {
	path := filepath.Join("testdata", name)
	if *update {
		b, err := json.MarshalIndent(generate(), "", "  ")
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, append(b, '\n'), 0o644))
	}
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var v T
	require.NoError(t, json.Unmarshal(b, &v))
	return v
}

type wireMsg struct {
	env     wireEnvelope
	payload map[string]any
	raw     []byte
}

func hx(t *testing.T, s string) []byte {
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

func unb64(t *testing.T, s string) []byte {
	b, err := base64.RawURLEncoding.DecodeString(s)
	require.NoError(t, err)
	return b
}

// TestTranscriptVector checks the stored handshake with code of its own:
// signatures over an independent canonical form, the transcript hashes,
// X25519, the key confirmations and session key from the standard library,
// the burn binding, the nonce commitment, both hashcash answers, the
// openings and the ticket.
func TestTranscriptVector(t *testing.T) {
	v := readVector(t, "transcript.json", func() *transcriptVector { return generateTranscript(t) })
	require.Len(t, v.Exchanges, 4)
	phases := []string{PhaseDiscovery, PhaseProof, PhaseChallenge, PhaseResponse}
	sid := ""
	for i, x := range v.Exchanges {
		assert.Equal(t, http.MethodPost, x.Method)
		assert.Equal(t, "application/json", x.ContentType)
		assert.Equal(t, http.StatusOK, x.Status)
		parts := strings.Split(x.Path, "/")
		require.Len(t, parts, 6)
		assert.Equal(t, "/cahp/v1/sessions", strings.Join(parts[:4], "/"))
		assert.Equal(t, phases[i], parts[5])
		sid = parts[4]
	}
	msgs := v.messages()
	require.Len(t, msgs, 9)
	wantTypes := []string{TypeDiscovery, TypeDiscovery, TypeProof, TypeProof, TypeChallenge, TypeChallenge, TypeResponse, TypeResponse, TypeTicket}
	senders := []vectorParty{v.Initiator, v.Responder, v.Initiator, v.Responder, v.Initiator, v.Responder, v.Responder, v.Initiator, v.Responder}
	m := make([]wireMsg, 10)
	for i, raw := range msgs {
		var w wireMsg
		w.raw = raw
		require.NoError(t, json.Unmarshal(raw, &w.env))
		d := json.NewDecoder(bytes.NewReader(w.env.Payload))
		d.UseNumber()
		require.NoError(t, d.Decode(&w.payload))
		assert.Equal(t, wantTypes[i], w.env.Type, "m%d", i+1)
		assert.Equal(t, senders[i].Key, w.env.SenderPubkey, "m%d", i+1)
		assert.Equal(t, senders[i].Kind, w.env.SenderType, "m%d", i+1)
		assert.Equal(t, sid, w.payload["session_id"], "m%d", i+1)
		assert.Equal(t, v.Time, w.env.Timestamp)
		pub, err := envelope.ParseEd25519PublicKey(w.env.SenderPubkey)
		require.NoError(t, err)
		assert.True(t, ed25519.Verify(pub, independentSigningBytes(t, raw), unb64(t, w.env.Signature)), "m%d signature", i+1)
		m[i+1] = w
	}
	th := independentTranscript(t, v)
	for n, h := range v.TranscriptHashes {
		assert.Equal(t, h, hex.EncodeToString(func() []byte { x := th[int(n[0]-'0')]; return x[:] }()), "TH(%s)", n)
	}
	str := func(i int, name string) string { return m[i].payload[name].(string) }
	num := func(i int, name string) int64 {
		n, err := m[i].payload[name].(json.Number).Int64()
		require.NoError(t, err)
		return n
	}

	// X25519 from both ends.
	ik, err := ecdh.X25519().NewPrivateKey(hx(t, v.Initiator.KexPrivate))
	require.NoError(t, err)
	rk, err := ecdh.X25519().NewPrivateKey(hx(t, v.Responder.KexPrivate))
	require.NoError(t, err)
	params := func(i int) map[string]any { return m[i].payload["parameters"].(map[string]any) }
	assert.Equal(t, ik.PublicKey().Bytes(), unb64(t, params(1)["kex_pubkey"].(string)))
	assert.Equal(t, rk.PublicKey().Bytes(), unb64(t, params(2)["kex_pubkey"].(string)))
	shared, err := ik.ECDH(rk.PublicKey())
	require.NoError(t, err)
	assert.Equal(t, v.SharedSecret, hex.EncodeToString(shared))

	// Key confirmations and the session key.
	conf := func(label string, mac [32]byte) []byte {
		th6 := th[6]
		k, err := hkdf.Key(sha256.New, shared, th6[:], label, 32)
		require.NoError(t, err)
		h := hmac.New(sha256.New, k)
		h.Write(mac[:])
		return h.Sum(nil)
	}
	assert.Equal(t, conf("accord-cahp-v1 responder confirmation", th[6]), unb64(t, str(7, "key_confirmation")))
	assert.Equal(t, conf("accord-cahp-v1 initiator confirmation", th[7]), unb64(t, str(8, "key_confirmation")))
	th9 := th[9]
	sk, err := hkdf.Key(sha256.New, shared, th9[:], "accord-cahp-v1 session key", 32)
	require.NoError(t, err)
	assert.Equal(t, v.SessionKey, hex.EncodeToString(sk))

	// The responder's burn binding.
	th2 := th[2]
	bind := sha256.Sum256(append([]byte("accord-cahp-v1 burn-binding\x00responder\x00"), th2[:]...))
	assert.Equal(t, bind[:], unb64(t, str(4, "session_binding")))
	assert.Equal(t, "burn_tx", str(4, "proof_type"))

	// The initiator's nonce commitment binds the responder's nonce.
	sidBytes := unb64(t, sid)
	root := hx(t, strings.TrimPrefix(str(3, "merkle_root"), "blake3:"))
	nc := blake3.Sum256(bytes.Join([][]byte{[]byte("accord-cahp-v1 session-nonce-commitment\x00"), root, unb64(t, params(2)["challenge_nonce"].(string)), sidBytes}, nil))
	assert.Equal(t, "blake3:"+hex.EncodeToString(nc[:]), str(3, "session_nonce_commitment"))

	// Hashcash: m8 answers m6 (difficulty 10), m7 answers m5 (difficulty 0).
	hashcash := func(prefix []byte, nonce int64) [32]byte {
		var b []byte
		b = binary.BigEndian.AppendUint16(b, uint16(len(prefix)))
		b = append(b, prefix...)
		b = binary.BigEndian.AppendUint16(b, uint16(len(sidBytes)))
		b = append(b, sidBytes...)
		b = binary.BigEndian.AppendUint64(b, uint64(nonce))
		return sha256.Sum256(b)
	}
	h8 := hashcash(unb64(t, str(6, "prefix")), num(8, "nonce"))
	assert.Equal(t, int64(10), num(6, "difficulty"))
	assert.Equal(t, byte(0), h8[0])
	assert.Equal(t, byte(0), h8[1]>>6, "10 leading zero bits")
	assert.Equal(t, "sha256:"+hex.EncodeToString(h8[:]), str(8, "hash"))
	target, _ := new(big.Int).SetString(str(6, "target"), 16)
	assert.True(t, new(big.Int).SetBytes(h8[:]).Cmp(target) <= 0)
	h7 := hashcash(unb64(t, str(5, "prefix")), num(7, "nonce"))
	assert.Equal(t, "sha256:"+hex.EncodeToString(h7[:]), str(7, "hash"))

	// The openings of the initiator's chunks, against its root.
	resp, err := ParseResponse(m[8].env.Payload)
	require.NoError(t, err)
	ch, err := ParseChallenge(m[6].env.Payload)
	require.NoError(t, err)
	require.Len(t, resp.Openings, len(ch.SpotChecks))
	for i, o := range resp.Openings {
		assert.Equal(t, ch.SpotChecks[i], o.Index)
		assert.NoError(t, VerifyOpening(str(3, "merkle_root"), num(3, "leaf_count"), num(3, "chunk_size"), o))
	}

	// The ticket.
	issuers, subjects := envelope.NewKeyRing(), envelope.NewKeyRing()
	require.NoError(t, issuers.Add(v.Responder.Key))
	require.NoError(t, subjects.Add(v.Initiator.Key))
	tk, err := VerifyTicket(msgs[8], issuers, subjects, time.Unix(v.Time, 0), ForSession(sid))
	require.NoError(t, err)
	th8 := th[8]
	assert.Equal(t, "sha256:"+hex.EncodeToString(th8[:]), tk.Transcript)

	// A responder in the same state answers the recorded requests with the
	// recorded bytes.
	f := vectorFixture(t)
	h := f.resp.Handler()
	for i, x := range v.Exchanges {
		req := httptest.NewRequest(x.Method, x.Path, strings.NewReader(x.RequestBody))
		req.Header.Set("Content-Type", x.ContentType)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		assert.Equal(t, x.Status, w.Code, "exchange %d", i)
		assert.Equal(t, x.ResponseBody, w.Body.String(), "exchange %d", i)
	}
}

func rawList(r []json.RawMessage) [][]byte {
	out := make([][]byte, len(r))
	for i := range r {
		out[i] = r[i]
	}
	return out
}

// phaseVector is one message of a phase: its envelope, the bytes its
// signature covers, and either the payload it decodes to or the error.
type phaseVector struct {
	Desc         string          `json:"desc"`
	Type         string          `json:"type"`
	Envelope     json.RawMessage `json:"envelope"`
	SigningBytes string          `json:"signing_bytes"` // base64url
	WantErr      string          `json:"wantErr,omitempty"`
}

var sentinelNames = map[string]error{
	"ErrMalformed": ErrMalformed, "ErrWrongChallenge": ErrWrongChallenge,
	"envelope.ErrBadSignature": envelope.ErrBadSignature, "envelope.ErrMalformed": envelope.ErrMalformed,
}

func generatePhases(t *testing.T, v *transcriptVector) []phaseVector {
	msgs := v.messages()
	rk, ik := testKey(2), testKey(1)
	signer := func(i int) envelope.Signer {
		if readEnvelope(t, msgs[i]).SenderPubkey == rk.PublicKey() {
			return rk
		}
		return ik
	}
	var out []phaseVector
	add := func(desc string, msg []byte, wantErr string) {
		sb, _ := envelope.SigningBytes(msg)
		out = append(out, phaseVector{Desc: desc, Type: readEnvelope(t, msg).Type, Envelope: msg, SigningBytes: b64.EncodeToString(sb), WantErr: wantErr})
	}
	names := []string{"m1 initiator discovery", "m2 responder discovery", "m3 initiator proof (weight_commitment)",
		"m4 responder proof (burn_tx)", "m5 initiator challenge (difficulty 0, no spot checks)", "m6 responder challenge (hashcash, spot checks)",
		"m7 responder response", "m8 initiator response (openings)", "m9 ticket"}
	for i, m := range msgs {
		add(names[i], m, "")
	}
	bad := func(i int, desc string, change func(map[string]any), wantErr string) {
		add(desc, reseal(t, signer(i), msgs[i], edit{payload: change}), wantErr)
	}
	add("m3 with its payload changed after signing", forge(t, msgs[2], setMember("leaf_count", 1)), "envelope.ErrBadSignature")
	bad(0, "discovery with an unknown member", setMember("extra", 1), "ErrMalformed")
	bad(0, "discovery without capabilities", func(m map[string]any) { delete(m, "capabilities") }, "ErrMalformed")
	bad(1, "discovery with a 31-byte kex key", func(m map[string]any) {
		m["parameters"].(map[string]any)["kex_pubkey"] = b64.EncodeToString(make([]byte, 31))
	}, "ErrMalformed")
	bad(2, "weight proof with a burn member", setMember("chain", testChain), "ErrMalformed")
	bad(3, "burn proof with a signed amount", setMember("burn_amount_sats", "-5"), "ErrMalformed")
	bad(3, "burn proof on a chain that is not CAIP-2", setMember("chain", "ethereum"), "ErrMalformed")
	bad(5, "challenge whose target is not its difficulty's", setMember("target", Target(1)), "ErrWrongChallenge")
	bad(5, "challenge with unsorted spot checks", setMember("spot_checks", []int{3, 1}), "ErrMalformed")
	bad(7, "response with a fractional nonce", setMember("nonce", 1.5), "ErrMalformed")
	bad(8, "ticket with trust_score 101", setMember("trust_score", 101), "ErrMalformed")
	bad(8, "ticket with a hex subject", setMember("subject", hex.EncodeToString(make([]byte, 32))), "ErrMalformed")
	return out
}

// parsePayload decodes a payload with the Parse function of its type.
func parsePayload(typ string, payload []byte) error {
	var err error
	switch typ {
	case TypeDiscovery:
		_, err = ParseDiscovery(payload)
	case TypeProof:
		_, err = ParseProof(payload)
	case TypeChallenge:
		_, err = ParseChallenge(payload)
	case TypeResponse:
		_, err = ParseResponse(payload)
	case TypeTicket:
		_, err = ParseTicketPayload(payload)
	case TypeAbort:
		_, err = ParseAbort(payload)
	default:
		err = errors.New("unknown type")
	}
	return err
}

// TestPhaseVectors checks each phase's signed bytes: the stored signing
// bytes are the independent canonical form of the envelope, the signature
// verifies over them with bare Ed25519, and the payload decodes, or fails
// with the stored error.
func TestPhaseVectors(t *testing.T) {
	tv := readVector(t, "transcript.json", func() *transcriptVector { return generateTranscript(t) })
	vs := readVector(t, "phases.json", func() []phaseVector { return generatePhases(t, tv) })
	require.GreaterOrEqual(t, len(vs), 20)
	for _, v := range vs {
		t.Run(v.Desc, func(t *testing.T) {
			var w wireEnvelope
			require.NoError(t, json.Unmarshal(v.Envelope, &w))
			sb := independentSigningBytes(t, v.Envelope)
			assert.Equal(t, v.SigningBytes, b64.EncodeToString(sb))
			pub, err := envelope.ParseEd25519PublicKey(w.SenderPubkey)
			require.NoError(t, err)
			sigOK := ed25519.Verify(pub, sb, unb64(t, w.Signature))
			perr := parsePayload(v.Type, w.Payload)
			if v.WantErr == "" {
				assert.True(t, sigOK)
				assert.NoError(t, perr)
				return
			}
			want := sentinelNames[v.WantErr]
			require.NotNil(t, want, v.WantErr)
			if strings.HasPrefix(v.WantErr, "envelope.") {
				assert.False(t, sigOK)
				ver, err := envelope.NewVerifier(envelope.WithTypes(v.Type), envelope.WithKeys(w.SenderPubkey), envelope.WithoutFreshness())
				require.NoError(t, err)
				_, err = ver.Open(v.Envelope)
				assert.ErrorIs(t, err, want)
				return
			}
			assert.True(t, sigOK, "signed again after the change")
			assert.ErrorIs(t, perr, want)
		})
	}
}
