package pairing

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accordsdk/accord/envelope"
	"github.com/stretchr/testify/require"
)

const recoveryPath = "testdata/recovery-transcript.json"

// recoveryVector holds the flows beyond a pocket pairing a zone: a device
// joining through a host (the recovery flow), an authenticated PAIR_REJECT
// of that run, a rotation's REKEY, and an encrypted swarm message under
// the new epoch.
type recoveryVector struct {
	Desc     string          `json:"desc"`
	Flow     string          `json:"flow"`
	Code     string          `json:"code"`
	CI       string          `json:"ci"` // hex
	Joiner   Identity        `json:"joiner"`
	Host     Identity        `json:"host"`
	Ya       string          `json:"ya"` // the joiner's scalar (CPace A), hex little-endian
	Yb       string          `json:"yb"` // the host's scalar (CPace B)
	ISK      string          `json:"isk"`
	Grant    string          `json:"grant"` // the sealed pair_response body, canonical JSON
	Messages []vectorMessage `json:"messages"`
	// Reject is a PAIR_REJECT of the same run sealed under its key, with
	// the reason it carries.
	Reject       string      `json:"reject"`
	RejectReason string      `json:"rejectReason"`
	Rekey        rekeyVector `json:"rekey"`
	Call         swarmVector `json:"call"` // PERIPH_CALL under the new epoch
}

// rekeyVector is one REKEY: the swarm message under the old epoch, and what
// the member needs to open it.
type rekeyVector struct {
	Desc      string `json:"desc"`
	Secret    string `json:"secret"` // hex, the old epoch's swarm secret
	Swarm     string `json:"swarm"`
	Epoch     uint64 `json:"epoch"`     // the old epoch
	Member    string `json:"member"`    // the addressee's computer id
	MemberKey string `json:"memberKey"` // its X25519 private key, hex
	Envelope  string `json:"envelope"`  // the message on the wire
	Frame     string `json:"frame"`     // plaintext of its payload
	Rekeyed   string `json:"rekeyed"`   // the sealed {secret, swarm, epoch}, opened
	NewKeyID  string `json:"newKeyId"`  // the key id of the new epoch
	Timestamp int64  `json:"timestamp"`
}

func generateRecovery(t *testing.T) *recoveryVector {
	hr, jr := &detReader{label: "accord pairing recovery host"}, &detReader{label: "accord pairing recovery joiner"}
	clock := func() time.Time { return time.Unix(1_767_657_600, 0) }
	net := NewMemNetwork()
	host, joiner := net.Attach(), net.Attach()
	var mu sync.Mutex
	seen := map[string]bool{}
	var msgs []vectorMessage
	net.Tap(func(from, to Addr, proto Proto, data []byte) {
		m, err := ParseMessage(data)
		mu.Lock()
		defer mu.Unlock()
		if err != nil || seen[m.Type] {
			return
		}
		seen[m.Type] = true
		who := "joiner"
		if from == host.Addr() {
			who = "host"
		}
		msgs = append(msgs, vectorMessage{From: who, Type: m.Type, JSON: string(data)})
	})
	var secret Secret
	copy(secret[:], (&detReader{label: "accord pairing recovery secret"}).readN(32))
	hid, jid := Identity{"zone-7", "Kitchen"}, Identity{"pocket-43", "New pocket"}
	give := Grant{Secret: secret, Swarm: "swarm-7f3a9c", Epoch: 1, ZoneID: hid.ComputerID, ZoneName: hid.Label}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	codes := make(chan Code, 1)
	go HostSession(ctx, host, hid, give, HostCallbacks{DisplayCode: func(c Code) { codes <- c }},
		WithRandom(hr), WithClock(clock), WithResend(5*time.Second), WithMaxJoins(1))
	code := <-codes
	g, err := JoinWithCode(ctx, joiner, jid, string(code), JoinCallbacks{}, WithRandom(jr), WithClock(clock), WithResend(5*time.Second))
	require.NoError(t, err)
	// Reads: host code(5) scalar(32); joiner sid(16) scalar(32).
	ya, yb := append([]byte(nil), jr.reads[1]...), append([]byte(nil), hr.reads[1]...)
	ya[31] &= 0x0f
	yb[31] &= 0x0f
	grant, err := canonicalJSON(give.body(true))
	require.NoError(t, err)
	v := &recoveryVector{
		Desc: "A new pocket joins through a zone hosting pairing (flow \"join\"): the first message of each type; " +
			"a PAIR_REJECT of the run sealed under its key; the new pocket's REKEY to the zone under epoch 1; " +
			"a PERIPH_CALL under epoch 2. Regenerate with go test ./pairing -run TestRecoveryVector -update.",
		Flow: flowJoin, Code: string(code), CI: hex.EncodeToString(channelID(flowJoin)),
		Joiner: jid, Host: hid, Ya: hex.EncodeToString(ya), Yb: hex.EncodeToString(yb),
		Grant: string(grant), Messages: msgs, RejectReason: "host is busy",
	}
	v.ISK = hex.EncodeToString(recoveryISK(t, v))
	var sid []byte
	for _, m := range msgs {
		if m.Type == TypeRequest {
			pm, _ := ParseMessage([]byte(m.JSON))
			sid = pm.Sid
		}
	}
	sealed, err := seal(unhex(t, v.ISK), sid, TypeReject, &rejectBody{Reason: v.RejectReason})
	require.NoError(t, err)
	rj, err := (&Message{Type: TypeReject, V: messageV, Sid: sid, Sealed: sealed}).Marshal()
	require.NoError(t, err)
	v.Reject = string(rj)

	// The rotation: the new pocket, now controller, sends the zone epoch 2.
	sr := &detReader{label: "accord pairing recovery swarm"}
	ch, err := NewChannel(jid.ComputerID, *g, WithRandom(sr), WithClock(clock), WithStartupFence(time.Time{}))
	require.NoError(t, err)
	memberKey, err := ecdh.X25519().NewPrivateKey((&detReader{label: "accord pairing recovery member key"}).readN(32))
	require.NoError(t, err)
	var next Secret
	copy(next[:], (&detReader{label: "accord pairing recovery next secret"}).readN(32))
	k, err := sealRekey(ch.c, Member{ZoneID: hid.ComputerID, DeviceKey: memberKey.PublicKey().Bytes()}, g.Swarm, next, 2, 0)
	require.NoError(t, err)
	env, err := ch.Seal(KindRekey, hid.ComputerID, k)
	require.NoError(t, err)
	zc, err := NewChannel(hid.ComputerID, *g, WithClock(clock), WithStartupFence(time.Time{}))
	require.NoError(t, err)
	r, err := zc.Open(env)
	require.NoError(t, err)
	frame, err := appendFrame(nil, r.Body, r.From, r.Seq, r.To)
	require.NoError(t, err)
	rekeyed, err := canonicalJSON(&rekeyBody{Secret: next[:], Swarm: g.Swarm, Epoch: 2})
	require.NoError(t, err)
	nk, err := deriveEpoch(next, g.Swarm, 2)
	require.NoError(t, err)
	v.Rekey = rekeyVector{Desc: "REKEY from pocket-43 to zone-7 under epoch 1, graceSeconds 0 (the rotation leaves the lost pocket out)",
		Secret: hex.EncodeToString(secret[:]), Swarm: g.Swarm, Epoch: 1, Member: hid.ComputerID,
		MemberKey: hex.EncodeToString(memberKey.Bytes()), Envelope: string(env), Frame: string(frame),
		Rekeyed: string(rekeyed), NewKeyID: nk.keyID, Timestamp: clock().Unix()}

	// A call under the new epoch, from the zone to the new pocket.
	require.NoError(t, zc.AddEpoch(next, 2))
	zc.c.rnd = &detReader{label: "accord pairing recovery call"}
	call, err := zc.Seal(KindPeriphCall, jid.ComputerID, &PeriphCall{RequestID: "r-1", Peripheral: "lamp", Method: "set", Args: []json.RawMessage{json.RawMessage("3")}})
	require.NoError(t, err)
	pc, err := NewChannel(jid.ComputerID, Grant{Secret: next, Swarm: g.Swarm, Epoch: 2}, WithClock(clock), WithStartupFence(time.Time{}))
	require.NoError(t, err)
	cr, err := pc.Open(call)
	require.NoError(t, err)
	cframe, err := appendFrame(nil, cr.Body, cr.From, cr.Seq, cr.To)
	require.NoError(t, err)
	v.Call = swarmVector{Desc: "PERIPH_CALL from zone-7 to pocket-43, encrypted, epoch 2", Secret: hex.EncodeToString(next[:]),
		Swarm: g.Swarm, Epoch: 2, KeyID: nk.keyID, Frame: string(cframe), Envelope: string(call), Timestamp: clock().Unix(),
		Type: "swarm/" + KindPeriphCall}
	return v
}

// recoveryISK recomputes the join run's ISK from the code and the scalars,
// checking the shares in the messages on the way.
func recoveryISK(t *testing.T, v *recoveryVector) []byte {
	t.Helper()
	var req, answer *Message
	for _, m := range v.Messages {
		pm, err := ParseMessage([]byte(m.JSON))
		require.NoError(t, err)
		switch pm.Type {
		case TypeRequest:
			req = pm
		case TypeAnswer:
			answer = pm
		}
	}
	require.NotNil(t, req)
	require.NotNil(t, answer)
	ci := unhex(t, v.CI)
	require.Equal(t, lvCat([]byte("accord-pairing-v1"), []byte("join")), ci)
	g := calculateGenerator([]byte(strings.ReplaceAll(v.Code, "-", "")), ci, req.Sid)
	ya, err := scalarFromBytes(unhex(t, v.Ya))
	require.NoError(t, err)
	yb, err := scalarFromBytes(unhex(t, v.Yb))
	require.NoError(t, err)
	require.Equal(t, []byte(req.Share), scalarMult(ya, g), "Ya")
	require.Equal(t, []byte(answer.Share), scalarMult(yb, g), "Yb")
	k := scalarMultVfy(ya, answer.Share)
	require.Equal(t, k, scalarMultVfy(yb, req.Share))
	return deriveISK(req.Sid, k, transcriptIR(req.Share, []byte(v.Joiner.ComputerID), answer.Share, []byte(v.Host.ComputerID)))
}

// gcmOpen opens with AES-256-GCM from the standard library.
func gcmOpen(t *testing.T, key, nonce, ct, ad []byte) []byte {
	t.Helper()
	block, err := aes.NewCipher(key)
	require.NoError(t, err)
	g, err := cipher.NewGCMWithNonceSize(block, len(nonce))
	require.NoError(t, err)
	pt, err := g.Open(nil, nonce, ct, ad)
	require.NoError(t, err)
	return pt
}

// TestRecoveryVector checks testdata/recovery-transcript.json with the CPace
// primitives and the standard library (HMAC, HKDF, AES-GCM, X25519) only.
func TestRecoveryVector(t *testing.T) {
	if *update {
		b, err := json.MarshalIndent(generateRecovery(t), "", "  ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(recoveryPath, append(b, '\n'), 0o644))
	}
	b, err := os.ReadFile(recoveryPath)
	require.NoError(t, err)
	var v recoveryVector
	require.NoError(t, json.Unmarshal(b, &v))
	require.Len(t, v.Messages, 4)
	byType := map[string]*Message{}
	for _, m := range v.Messages {
		pm, err := ParseMessage([]byte(m.JSON))
		require.NoError(t, err, m.Type)
		canon, err := envelope.CanonicalJSON([]byte(m.JSON))
		require.NoError(t, err)
		require.Equal(t, m.JSON, string(canon), "%s is canonical JSON", m.Type)
		byType[m.Type] = pm
	}
	req, answer, confirm, resp := byType[TypeRequest], byType[TypeAnswer], byType[TypeConfirm], byType[TypeResponse]
	require.Equal(t, v.Joiner.ComputerID, req.ComputerID)
	require.Equal(t, v.Host.ComputerID, answer.ComputerID)
	sid := req.Sid
	for _, m := range []*Message{answer, confirm, resp} {
		require.Equal(t, []byte(sid), []byte(m.Sid))
	}
	isk := recoveryISK(t, &v)
	require.Equal(t, v.ISK, hex.EncodeToString(isk))

	mk := sha512.Sum512(append(append([]byte("CPaceMac"), sid...), isk...))
	tag := func(y []byte, ad string) []byte {
		m := hmac.New(sha512.New, mk[:])
		m.Write([]byte{byte(len(y))})
		m.Write(y)
		m.Write([]byte{byte(len(ad))})
		m.Write([]byte(ad))
		return m.Sum(nil)
	}
	require.Equal(t, tag(answer.Share, v.Host.ComputerID), []byte(answer.Confirm), "Tb")
	require.Equal(t, tag(req.Share, v.Joiner.ComputerID), []byte(confirm.Confirm), "Ta")
	openSealed := func(typ string, sealed []byte) []byte {
		key, err := hkdf.Key(sha512.New, isk, sid, "accord-pairing-v1 seal "+typ, 32)
		require.NoError(t, err)
		return gcmOpen(t, key, make([]byte, 12), sealed, []byte(typ))
	}
	require.Equal(t, v.Grant, string(openSealed(TypeResponse, resp.Sealed)))
	require.Contains(t, v.Grant, `"success":true`)

	// The authenticated reject.
	rj, err := ParseMessage([]byte(v.Reject))
	require.NoError(t, err)
	require.Equal(t, []byte(sid), []byte(rj.Sid))
	require.Empty(t, rj.Reason, "the reason travels sealed")
	require.Equal(t, `{"reason":"`+v.RejectReason+`"}`, string(openSealed(TypeReject, rj.Sealed)))

	checkRekeyVector(t, &v.Rekey)
	checkSwarmVector(t, &v.Call)
}

func checkRekeyVector(t *testing.T, r *rekeyVector) {
	s := &swarmVector{Secret: r.Secret, Swarm: r.Swarm, Epoch: r.Epoch, Frame: r.Frame, Envelope: r.Envelope,
		Timestamp: r.Timestamp, Type: "swarm/" + KindRekey}
	var env struct {
		SenderPubkey string `json:"sender_pubkey"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.Envelope), &env))
	s.KeyID = strings.TrimPrefix(env.SenderPubkey, "hmac:")
	checkSwarmVector(t, s) // MAC, decryption, canonical frame, key id of the old epoch

	var frame struct {
		Body Rekey  `json:"body"`
		To   string `json:"to"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.Frame), &frame))
	require.Equal(t, r.Member, frame.To)
	require.Equal(t, r.Epoch+1, frame.Body.Epoch)
	require.Zero(t, frame.Body.GraceSeconds)
	priv, err := ecdh.X25519().NewPrivateKey(unhex(t, r.MemberKey))
	require.NoError(t, err)
	eph, err := ecdh.X25519().NewPublicKey(frame.Body.Ephemeral)
	require.NoError(t, err)
	shared, err := priv.ECDH(eph)
	require.NoError(t, err)
	salt := append(append([]byte(nil), frame.Body.Ephemeral...), priv.PublicKey().Bytes()...)
	key, err := hkdf.Key(sha256.New, shared, salt, "accord-swarm-v1 rekey "+r.Swarm+" 2", 32)
	require.NoError(t, err)
	pt := gcmOpen(t, key, make([]byte, 12), frame.Body.Sealed, []byte(r.Member))
	require.Equal(t, r.Rekeyed, string(pt))
	var body struct {
		Secret string `json:"secret"`
	}
	require.NoError(t, json.Unmarshal(pt, &body))
	next, err := base64.RawURLEncoding.DecodeString(body.Secret)
	require.NoError(t, err)
	id, err := hkdf.Key(sha256.New, next, []byte("accord-swarm-v1"), "id "+r.Swarm+" 2", 8)
	require.NoError(t, err)
	require.Equal(t, "e2-"+hex.EncodeToString(id), r.NewKeyID)
}
