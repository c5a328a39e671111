package cahp

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/accordsdk/accord/envelope"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wireEnvelope is an envelope's members, for tests that rebuild one.
type wireEnvelope struct {
	Alg          string          `json:"alg"`
	Nonce        string          `json:"nonce"`
	Payload      json.RawMessage `json:"payload"`
	SenderPubkey string          `json:"sender_pubkey"`
	SenderType   string          `json:"sender_type"`
	Signature    string          `json:"signature"`
	Timestamp    int64           `json:"timestamp"`
	Type         string          `json:"type"`
	V            int             `json:"v"`
}

func readEnvelope(t testing.TB, msg []byte) wireEnvelope {
	var w wireEnvelope
	require.NoError(t, json.Unmarshal(msg, &w))
	return w
}

// edit describes how to rebuild a message.
type edit struct {
	payload    func(m map[string]any) // change payload members
	typ        string                 // new type
	senderType string                 // new sender_type
	shift      time.Duration          // move the timestamp
	keepNonce  bool                   // reuse the original nonce
}

// reseal rebuilds msg as signer would have signed it after the edit.
func reseal(t testing.TB, signer envelope.Signer, msg []byte, ed edit) []byte {
	t.Helper()
	w := readEnvelope(t, msg)
	payload := w.Payload
	if ed.payload != nil {
		d := json.NewDecoder(bytes.NewReader(w.Payload))
		d.UseNumber()
		var m map[string]any
		require.NoError(t, d.Decode(&m))
		ed.payload(m)
		var err error
		payload, err = json.Marshal(m)
		require.NoError(t, err)
	}
	typ, st := w.Type, w.SenderType
	if ed.typ != "" {
		typ = ed.typ
	}
	if ed.senderType != "" {
		st = ed.senderType
	}
	nonce := make([]byte, envelope.NonceSize)
	rand.Read(nonce)
	if ed.keepNonce {
		nonce, _ = base64.RawURLEncoding.DecodeString(w.Nonce)
	}
	out, err := envelope.Seal(signer, typ, json.RawMessage(payload), envelope.WithTimestamp(time.Unix(w.Timestamp, 0).Add(ed.shift)),
		envelope.WithSenderType(st), envelope.WithNonce(nonce))
	require.NoError(t, err)
	return out
}

// forge changes a payload without signing again.
func forge(t testing.TB, msg []byte, change func(m map[string]any)) []byte {
	w := readEnvelope(t, msg)
	d := json.NewDecoder(bytes.NewReader(w.Payload))
	d.UseNumber()
	var m map[string]any
	require.NoError(t, d.Decode(&m))
	change(m)
	p, err := json.Marshal(m)
	require.NoError(t, err)
	w.Payload = p
	out, err := json.Marshal(w)
	require.NoError(t, err)
	return out
}

// hookTransport lets a test change what the initiator sends and receives.
type hookTransport struct {
	next Transport
	// send changes the initiator's messages of a phase before they go out.
	send func(phase string, msgs [][]byte) [][]byte
	// recv changes the responder's answer to a phase.
	recv func(phase string, msgs [][]byte) [][]byte
	// before runs before the request of a phase is sent.
	before func(phase string)
	// errs collects the responder's refusals.
	errs map[string]error
}

func (h *hookTransport) Exchange(ctx context.Context, sid, phase string, msgs [][]byte) ([][]byte, error) {
	if h.before != nil {
		h.before(phase)
	}
	if h.send != nil {
		msgs = h.send(phase, msgs)
	}
	out, err := h.next.Exchange(ctx, sid, phase, msgs)
	if h.errs == nil {
		h.errs = map[string]error{}
	}
	if err != nil {
		h.errs[phase] = err
		return nil, err
	}
	if h.recv != nil {
		out = h.recv(phase, out)
	}
	return out, nil
}

func setMember(name string, v any) func(map[string]any) {
	return func(m map[string]any) { m[name] = v }
}

// TestResponderRefuses walks each refusal of the responder: the initiator's
// message of one phase is altered (and signed again where the refusal is not
// about the signature), the responder must refuse it with the sentinel, and
// end the session exactly when the message verified as the peer's.
func TestResponderRefuses(t *testing.T) {
	type tc struct {
		name   string
		fo     fixtureOpts
		phase  string
		change func(f *fixture, msgs [][]byte) [][]byte
		want   error
		ends   bool // the refusal ends the session
	}
	resign := func(ed edit) func(f *fixture, msgs [][]byte) [][]byte {
		return func(f *fixture, msgs [][]byte) [][]byte { return [][]byte{reseal(t, f.initKey, msgs[0], ed)} }
	}
	otherSession := NewSessionID()
	// later moves the clock by d and sends the message as if sealed then.
	later := func(d time.Duration) func(f *fixture, msgs [][]byte) [][]byte {
		return func(f *fixture, msgs [][]byte) [][]byte {
			f.clock.add(d)
			return [][]byte{reseal(t, f.initKey, msgs[0], edit{shift: d})}
		}
	}
	cases := []tc{
		{name: "wrong order", phase: PhaseProof, want: ErrOutOfOrder, ends: true,
			change: resign(edit{typ: TypeChallenge})},
		{name: "phase skipped", phase: PhaseProof, want: ErrOutOfOrder, ends: true},
		{name: "stale", phase: PhaseProof, want: envelope.ErrOutsideWindow, ends: false,
			change: resign(edit{shift: -61 * time.Second})},
		{name: "future", phase: PhaseProof, want: envelope.ErrOutsideWindow, ends: false,
			change: resign(edit{shift: 61 * time.Second})},
		{name: "forged signature", phase: PhaseProof, want: envelope.ErrBadSignature, ends: false,
			change: func(f *fixture, msgs [][]byte) [][]byte {
				return [][]byte{forge(t, msgs[0], setMember("leaf_count", 7))}
			}},
		{name: "not pinned", phase: PhaseProof, want: envelope.ErrUnknownKey, ends: false,
			change: func(f *fixture, msgs [][]byte) [][]byte { return [][]byte{reseal(t, testKey(9), msgs[0], edit{})} }},
		{name: "wrong session", phase: PhaseProof, want: ErrWrongSession, ends: true,
			change: resign(edit{payload: setMember("session_id", otherSession)})},
		{name: "wrong sender kind", phase: PhaseProof, want: ErrWrongSender, ends: true,
			change: resign(edit{senderType: KindMetabolic})},
		{name: "wrong weight root", phase: PhaseProof, want: ErrWeightRoot, ends: true,
			change: resign(edit{payload: setMember("merkle_root", "blake3:"+hexOf(bytes.Repeat([]byte{7}, 32)))})},
		{name: "nonce commitment not bound", phase: PhaseProof, want: ErrWeightRoot, ends: true,
			change: resign(edit{payload: setMember("session_nonce_commitment", "blake3:"+hexOf(bytes.Repeat([]byte{7}, 32)))})},
		{name: "burn below policy", phase: PhaseProof, want: ErrBurnTooSmall, ends: true,
			fo: fixtureOpts{initKind: KindMetabolic}, change: resign(edit{payload: setMember("burn_amount_sats", "999")})},
		{name: "burn on unaccepted chain", phase: PhaseProof, want: ErrPolicy, ends: true,
			fo: fixtureOpts{initKind: KindMetabolic}, change: resign(edit{payload: setMember("chain", "eip155:1")})},
		{name: "burn binding of another session", phase: PhaseProof, want: ErrBurnBinding, ends: true,
			fo: fixtureOpts{initKind: KindMetabolic}, change: resign(edit{payload: setMember("session_binding", b64.EncodeToString(make([]byte, 32)))})},
		{name: "burn smaller than claimed", phase: PhaseResponse, want: ErrBurnTooSmall, ends: true,
			fo: fixtureOpts{initKind: KindMetabolic}},
		{name: "burn unconfirmed", phase: PhaseResponse, want: ErrBurnUnconfirmed, ends: true,
			fo: fixtureOpts{initKind: KindMetabolic, respPolicy: func(p *Policy) {
				p.Chains = map[string]ChainPolicy{testChain: {MinBurn: minBurn, MinConfirmations: 10}}
			}}},
		{name: "challenge asks work of the responder", phase: PhaseChallenge, want: ErrDifficulty, ends: true,
			change: resign(edit{payload: func(m map[string]any) { m["difficulty"] = 1; m["target"] = Target(1) }})},
		{name: "challenge target inconsistent", phase: PhaseChallenge, want: ErrWrongChallenge, ends: true,
			change: resign(edit{payload: setMember("target", Target(3))})},
		{name: "spot check beyond commitment", phase: PhaseChallenge, want: ErrWrongChallenge, ends: true,
			fo: fixtureOpts{respKind: KindOpenWeight}, change: resign(edit{payload: setMember("spot_checks", []int64{1 << 30})})},
		{name: "unsolved", phase: PhaseResponse, want: ErrUnsolved, ends: true,
			change: resign(edit{payload: func(m map[string]any) { n, _ := m["nonce"].(json.Number).Int64(); m["nonce"] = n + 1 }})},
		{name: "hash not of nonce", phase: PhaseResponse, want: ErrUnsolved, ends: true,
			fo:     fixtureOpts{respPolicy: func(p *Policy) { p.Difficulty = 0 }},
			change: resign(edit{payload: setMember("hash", "sha256:"+hexOf(make([]byte, 32)))})},
		{name: "expired challenge", phase: PhaseResponse, want: ErrExpired, ends: true,
			change: later(DefaultChallengeTTL + time.Second)},
		{name: "failed spot check", phase: PhaseResponse, want: ErrSpotCheck, ends: true,
			change: resign(edit{payload: func(m map[string]any) {
				o := m["openings"].([]any)[0].(map[string]any)
				o["chunk"] = b64.EncodeToString(bytes.Repeat([]byte{1}, MinChunkSize))
			}})},
		{name: "spot check of another chunk", phase: PhaseResponse, want: ErrSpotCheck, ends: true,
			change: resign(edit{payload: func(m map[string]any) {
				os := m["openings"].([]any)
				os[0], os[1] = os[1], os[0]
			}})},
		{name: "key confirmation", phase: PhaseResponse, want: ErrKeyConfirmation, ends: true,
			change: resign(edit{payload: setMember("key_confirmation", b64.EncodeToString(make([]byte, 32)))})},
		{name: "session expired", phase: PhaseChallenge, want: ErrExpired, ends: true,
			change: later(DefaultSessionTTL + time.Second),
			fo:     fixtureOpts{initPolicy: func(p *Policy) { p.SessionTTL = time.Hour }}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fo := c.fo
			var f *fixture
			switch c.name {
			case "burn smaller than claimed":
				// The burner claims 1500 but burns 1200: the chain shows less.
				f = newFixture(t, fo)
				f.init.burner = func(ctx context.Context, binding [32]byte) (Burn, error) {
					tx := f.burns.Record(big.NewInt(1200), binding, false)
					f.burns.Mine(5)
					return Burn{Chain: testChain, TxHash: tx, Amount: big.NewInt(1500), Binding: binding}, nil
				}
			default:
				f = newFixture(t, fo)
			}
			ht := &hookTransport{next: NewMemoryTransport(f.resp)}
			var sid string
			ht.send = func(phase string, msgs [][]byte) [][]byte {
				if phase == PhaseDiscovery {
					sid = mustPayload(t, msgs[0])["session_id"].(string)
				}
				if phase == c.phase && c.change != nil {
					return c.change(f, msgs)
				}
				return msgs
			}
			if c.name == "phase skipped" {
				// Send the proof to the challenge phase's path.
				ht.send = func(phase string, msgs [][]byte) [][]byte {
					if phase == PhaseDiscovery {
						sid = mustPayload(t, msgs[0])["session_id"].(string)
					}
					return msgs
				}
				next := ht.next
				ht.next = transportFunc(func(ctx context.Context, s, phase string, msgs [][]byte) ([][]byte, error) {
					if phase == PhaseProof {
						phase = PhaseChallenge
					}
					return next.Exchange(ctx, s, phase, msgs)
				})
			}
			_, err := f.init.Handshake(context.Background(), ht)
			require.Error(t, err)
			rerr := ht.errs[c.phase]
			require.Error(t, rerr, "the responder refused in phase %s", c.phase)
			assert.ErrorIs(t, rerr, c.want)
			assert.ErrorIs(t, err, c.want, "the initiator reports the refusal")
			var re *RefusalError
			require.ErrorAs(t, rerr, &re)
			require.NotEmpty(t, sid)
			assert.Zero(t, f.resp.Sessions(), "the session is over on the responder")
			if c.ends {
				assert.ErrorIs(t, ht.errs[PhaseAbort], ErrUnknownSession, "the refusal had ended the session before the abort")
			} else {
				// The message did not verify as the peer's: the session
				// stayed open until the initiator's abort ended it.
				assert.NoError(t, ht.errs[PhaseAbort])
			}
			assert.Empty(t, f.sessions, "no ticket issued")
		})
	}
}

type transportFunc func(ctx context.Context, sid, phase string, msgs [][]byte) ([][]byte, error)

func (f transportFunc) Exchange(ctx context.Context, sid, phase string, msgs [][]byte) ([][]byte, error) {
	return f(ctx, sid, phase, msgs)
}

func mustPayload(t testing.TB, msg []byte) map[string]any {
	var m map[string]any
	require.NoError(t, json.Unmarshal(readEnvelope(t, msg).Payload, &m))
	return m
}

func hexOf(b []byte) string { return formatDigest("x", b)[2:] }

// TestUnverifiedDoesNotEndSession: a message that does not verify as the
// peer's (forged, stale, from another key) is refused without ending the
// session, and the real message after it is accepted.
func TestUnverifiedDoesNotEndSession(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	var refused []error
	ht := &hookTransport{next: NewMemoryTransport(f.resp)}
	ht.send = func(phase string, msgs [][]byte) [][]byte {
		if phase != PhaseProof {
			return msgs
		}
		sid := mustPayload(t, msgs[0])["session_id"].(string)
		for _, bad := range [][]byte{
			forge(t, msgs[0], setMember("leaf_count", 7)),                // same nonce, bad signature
			reseal(t, f.initKey, msgs[0], edit{shift: -2 * time.Minute}), // stale
			reseal(t, testKey(9), msgs[0], edit{keepNonce: true}),        // unpinned key
			msgs[0][:10], // garbage
		} {
			_, err := f.resp.Handle(context.Background(), sid, PhaseProof, [][]byte{bad})
			require.Error(t, err)
			refused = append(refused, err)
			require.Equal(t, 1, f.resp.Sessions(), "an unverified message leaves the session open")
		}
		return msgs
	}
	s, err := f.init.Handshake(context.Background(), ht)
	require.NoError(t, err, "the real messages are accepted after the refused ones")
	assert.NotNil(t, s.Ticket)
	assert.ErrorIs(t, refused[0], envelope.ErrBadSignature)
	assert.ErrorIs(t, refused[1], envelope.ErrOutsideWindow)
	assert.ErrorIs(t, refused[2], envelope.ErrUnknownKey)
	assert.ErrorIs(t, refused[3], envelope.ErrMalformed)
}

// TestForgedNonceDoesNotBlockReal: a forged message carrying a real
// message's nonce, arriving first, does not get the real one refused as a
// replay; the real one sent twice is.
func TestForgedNonceDoesNotBlockReal(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	var replayErr error
	ht := &hookTransport{next: NewMemoryTransport(f.resp)}
	ht.send = func(phase string, msgs [][]byte) [][]byte {
		sid := mustPayload(t, msgs[0])["session_id"].(string)
		if phase == PhaseDiscovery || phase == PhaseResponse {
			// The forgery: same sender, same nonce, another payload.
			_, err := f.resp.Handle(context.Background(), sid, phase, [][]byte{forge(t, msgs[0], setMember("x", 1))})
			require.ErrorIs(t, err, envelope.ErrBadSignature)
		}
		return msgs
	}
	_, err := f.init.Handshake(context.Background(), ht)
	require.NoError(t, err, "the real messages are accepted after forgeries with their nonces")
	// The real discovery sent twice is a replay.
	var first []byte
	ht2 := &hookTransport{next: NewMemoryTransport(f.resp)}
	ht2.send = func(phase string, msgs [][]byte) [][]byte {
		if phase == PhaseDiscovery {
			first = msgs[0]
		}
		return msgs
	}
	_, err = f.init.Handshake(context.Background(), ht2)
	require.NoError(t, err)
	sid := mustPayload(t, first)["session_id"].(string)
	_, replayErr = f.resp.Handle(context.Background(), sid, PhaseDiscovery, [][]byte{first})
	assert.ErrorIs(t, replayErr, envelope.ErrReplay)
}

// TestInitiatorRefuses: the responder's answers altered (and signed again
// with the responder's key) are refused by the initiator, which then aborts
// the session on the responder too.
func TestInitiatorRefuses(t *testing.T) {
	resign := func(ed edit) func(f *fixture, msgs [][]byte) [][]byte {
		return func(f *fixture, msgs [][]byte) [][]byte {
			out := append([][]byte{}, msgs...)
			out[0] = reseal(t, f.rKey, msgs[0], ed)
			return out
		}
	}
	cases := []struct {
		name  string
		fo    fixtureOpts
		phase string
		recv  func(f *fixture, msgs [][]byte) [][]byte
		want  error
	}{
		{name: "wrong session", phase: PhaseDiscovery, want: ErrWrongSession,
			recv: resign(edit{payload: setMember("session_id", NewSessionID())})},
		{name: "wrong order", phase: PhaseProof, want: ErrOutOfOrder, recv: resign(edit{typ: TypeChallenge})},
		{name: "responder not pinned", phase: PhaseDiscovery, want: envelope.ErrUnknownKey,
			recv: func(f *fixture, msgs [][]byte) [][]byte { return [][]byte{reseal(t, testKey(9), msgs[0], edit{})} }},
		{name: "forged signature", phase: PhaseProof, want: envelope.ErrBadSignature,
			recv: func(f *fixture, msgs [][]byte) [][]byte {
				return [][]byte{forge(t, msgs[0], setMember("burn_amount_sats", "99999"))}
			}},
		{name: "stale", phase: PhaseProof, want: envelope.ErrOutsideWindow, recv: resign(edit{shift: -90 * time.Second})},
		{name: "excessive difficulty", phase: PhaseChallenge, want: ErrDifficulty,
			recv: resign(edit{payload: func(m map[string]any) { m["difficulty"] = 30; m["target"] = Target(30) }})},
		{name: "expired challenge", phase: PhaseChallenge, want: ErrExpired,
			recv: resign(edit{payload: setMember("expiry", 1767657000)})},
		{name: "wrong target", phase: PhaseChallenge, want: ErrWrongChallenge,
			recv: resign(edit{payload: setMember("target", Target(2))})},
		{name: "responder's key confirmation", phase: PhaseChallenge, want: ErrKeyConfirmation,
			recv: func(f *fixture, msgs [][]byte) [][]byte {
				return [][]byte{msgs[0], reseal(t, f.rKey, msgs[1], edit{payload: setMember("key_confirmation", b64.EncodeToString(make([]byte, 32)))})}
			}},
		{name: "responder's spot check", phase: PhaseChallenge, want: ErrSpotCheck, fo: fixtureOpts{respKind: KindOpenWeight},
			recv: func(f *fixture, msgs [][]byte) [][]byte {
				return [][]byte{msgs[0], reseal(t, f.rKey, msgs[1], edit{payload: func(m map[string]any) {
					o := m["openings"].([]any)[0].(map[string]any)
					o["chunk"] = b64.EncodeToString([]byte("not the chunk"))
				}})}
			}},
		{name: "responder's burn binding", phase: PhaseProof, want: ErrBurnBinding,
			recv: resign(edit{payload: setMember("session_binding", b64.EncodeToString(make([]byte, 32)))})},
		{name: "responder's weight root", phase: PhaseProof, want: ErrWeightRoot, fo: fixtureOpts{respKind: KindOpenWeight},
			recv: resign(edit{payload: setMember("merkle_root", "blake3:"+hexOf(make([]byte, 32)))})},
		{name: "tampered ticket", phase: PhaseResponse, want: envelope.ErrBadSignature,
			recv: func(f *fixture, msgs [][]byte) [][]byte {
				return [][]byte{forge(t, msgs[0], setMember("trust_score", 99))}
			}},
		{name: "ticket for another transcript", phase: PhaseResponse, want: ErrTicket,
			recv: resign(edit{payload: setMember("transcript", "sha256:"+hexOf(make([]byte, 32)))})},
		{name: "ticket granting more", phase: PhaseResponse, want: ErrTicket,
			recv: resign(edit{payload: setMember("capabilities", []string{"admin"})})},
		{name: "expired ticket", phase: PhaseResponse, want: ErrExpired,
			recv: resign(edit{payload: setMember("expiry", 1767657601)})},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, c.fo)
			ht := &hookTransport{next: NewMemoryTransport(f.resp)}
			ht.recv = func(phase string, msgs [][]byte) [][]byte {
				if phase == c.phase {
					return c.recv(f, msgs)
				}
				return msgs
			}
			if c.name == "expired ticket" {
				ht.recv = func(phase string, msgs [][]byte) [][]byte {
					if phase == c.phase {
						out := c.recv(f, msgs)
						f.clock.add(2 * time.Second)
						return out
					}
					return msgs
				}
			}
			_, err := f.init.Handshake(context.Background(), ht)
			require.Error(t, err)
			assert.ErrorIs(t, err, c.want)
			var re *RefusalError
			require.True(t, errors.As(err, &re))
			assert.Zero(t, f.resp.Sessions(), "the refusal ended the session on the responder too")
		})
	}
}
