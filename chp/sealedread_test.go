package chp

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/cloudflare/circl/sign/mldsa/mldsa65"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/envelope"
)

// readReference is the general reading of a posted body that
// [LocalRegistry.readBody] must agree with: the typed reading of a plain
// heartbeat, else the whole body read strictly into the generic form, then
// (for an envelope) the seal checked by v on the same bytes and the
// algorithm, then the heartbeat schema on the generic payload.
func readReference(v *envelope.Verifier, body []byte) (*Heartbeat, [32]byte, *envelope.Envelope, error) {
	if h, d, _, ok := decodeHeartbeatWire(body, maxDepth); ok {
		return h, d, nil, nil
	}
	p, err := readPosted(body)
	if err != nil {
		return nil, [32]byte{}, nil, rejectFor(err, nil)
	}
	var e *envelope.Envelope
	if p.sealed {
		if e, err = v.Open(body); err != nil {
			return nil, [32]byte{}, nil, rejectFor(err, nil)
		}
		if err := checkAlg(e); err != nil {
			return nil, [32]byte{}, nil, err
		}
	}
	h, err := heartbeatFromDoc(p.doc)
	if err != nil {
		return nil, [32]byte{}, nil, rejectFor(err, nil)
	}
	return h, p.digest, e, nil
}

// sealedReading holds a registry and a reference verifier configured as
// the registry's own, both at one fixed clock.
type sealedReading struct {
	lr  *LocalRegistry
	ref *envelope.Verifier
	now time.Time
}

func newSealedReading(t testing.TB) *sealedReading {
	t.Helper()
	clk := newClock(epoch)
	lr, err := OpenLocalRegistry(t.TempDir(), testKey(50), WithClock(clk.Now), WithAllowUnsigned(true))
	require.NoError(t, err)
	t.Cleanup(func() { lr.Close() })
	ref, err := envelope.NewVerifier(envelope.WithTypes(HeartbeatType),
		envelope.WithTrustOnFirstUse(func(*envelope.Envelope) bool { return true }),
		envelope.WithClock(clk.Now), envelope.WithoutStartupFence())
	require.NoError(t, err)
	return &sealedReading{lr: lr, ref: ref, now: epoch}
}

// compare reads body with the registry and with the reference and checks
// that both say the same: the same refusal (status, code, message), or the
// same heartbeat, digest and envelope. It returns the registry's refusal
// code, "" when it took the body.
func (s *sealedReading) compare(t *testing.T, body []byte) string {
	t.Helper()
	hb, digest, metaLen, e, err := s.lr.readBody(body)
	rhb, rdigest, re, rerr := readReference(s.ref, body)
	if rerr != nil {
		var want, got *RejectError
		require.ErrorAs(t, rerr, &want)
		require.ErrorAs(t, err, &got, "reference refused with %v", rerr)
		assert.Equal(t, want.Status, got.Status)
		assert.Equal(t, want.Code, got.Code)
		if want.Code != "schema_violation" {
			// The schema validator lists members in map order, so its
			// message varies from one reading of a body to the next.
			assert.Equal(t, want.Err.Error(), got.Err.Error())
		}
		return got.Code
	}
	require.NoError(t, err)
	assert.Equal(t, rhb, hb)
	assert.Equal(t, rdigest, digest)
	require.Equal(t, re == nil, e == nil)
	if e != nil {
		assert.Equal(t, re.SenderPubkey, e.SenderPubkey)
		assert.Equal(t, re.Nonce, e.Nonce)
		assert.Equal(t, sha256.Sum256(e.Payload), digest, "a sealed heartbeat's digest is that of the envelope's canonical payload")
	}
	if metaLen >= 0 && hb.Meta != nil {
		canon, err := appendCanonical(nil, hb.Meta)
		require.NoError(t, err)
		assert.Len(t, canon, metaLen)
	}
	return ""
}

// seal seals payload, spelled as given, by the instance key seed at s.now:
// the envelope is sealed over payload's canonical form and then carries
// payload as written, so its seal verifies for any spelling of a valid
// payload. A payload that is not I-JSON is put in place of a valid one,
// and the seal does not verify.
func (s *sealedReading) seal(t testing.TB, signer envelope.Signer, payload []byte, opts ...envelope.SealOption) []byte {
	t.Helper()
	canon, err := envelope.CanonicalJSON(payload)
	if err != nil {
		canon = []byte(`{}`)
	}
	env, err := envelope.Seal(signer, HeartbeatType, json.RawMessage(canon), append([]envelope.SealOption{envelope.WithTimestamp(s.now)}, opts...)...)
	require.NoError(t, err)
	member := []byte(`"payload":` + string(canon) + `,`)
	require.Equal(t, 1, bytes.Count(env, member))
	return bytes.Replace(env, member, []byte(`"payload":`+string(payload)+`,`), 1)
}

// nested returns testHB with a meta whose member "n" nests levels objects.
func nested(levels int) []byte {
	v := strings.Repeat(`{"n":`, levels) + `1` + strings.Repeat(`}`, levels)
	return []byte(strings.Replace(string(testHB), `"status":`, `"meta":{"n":`+v+`},"status":`, 1))
}

// TestSealedHeartbeatReadOnce: the registry reads a sealed heartbeat once
// (the envelope verifier's parse, then the typed reading of the canonical
// payload) and refuses every body with the status, code and message of the
// general reading, in the same order: JSON errors anywhere in the body,
// then the envelope, then the heartbeat schema.
func TestSealedHeartbeatReadOnce(t *testing.T) {
	s := newSealedReading(t)
	inst := envelope.NewEd25519Signer(testKey(7))
	var seed [mldsa65.SeedSize]byte
	_, mlPriv := mldsa65.NewKeyFromSeed(&seed)
	mldsa := envelope.NewMLDSA65Signer(mlPriv)
	edit := func(key string, v any) []byte { return editJSON(t, testHB, key, v) }
	spaced := []byte(" {\n \"status\" : \"coherent\", \"packet\":\"h\\u0065artbeat\"," + string(testHB[strings.Index(string(testHB), `"instance_id"`):]))
	spaced = bytes.Replace(spaced, []byte(`"status":"coherent",`), nil, 1)
	valid := s.seal(t, inst, testHB)
	member := func(env []byte, add string) []byte { return append([]byte(add), env[1:]...) }
	tests := []struct {
		desc string
		body []byte
		code string
	}{
		{"sealed heartbeat", valid, ""},
		{"the same body again", valid, "replay"},
		{"payload spelled otherwise", s.seal(t, inst, spaced), ""},
		{"leading white space", append([]byte(" \t\r\n"), s.seal(t, inst, testHB)...), ""},
		{"payload at the deepest nesting", s.seal(t, inst, nested(maxDepth-3)), ""},
		{"payload one level too deep", s.seal(t, inst, nested(maxDepth-2)), "invalid_json"},
		{"duplicate member in the payload", s.seal(t, inst, []byte(strings.Replace(string(testHB), `"version":`, `"version":"1","version":`, 1))), "duplicate_key"},
		{"duplicate member in the payload's meta", s.seal(t, inst, []byte(strings.Replace(string(testHB), `"status":`, `"meta":{"os":"a","o\u0073":"b"},"status":`, 1))), "duplicate_key"},
		{"invalid JSON in the payload", s.seal(t, inst, []byte(`{"packet":"heartbeat",}`)), "invalid_json"},
		{"payload fails the schema", s.seal(t, inst, edit("status", "ok")), "schema_violation"},
		{"payload with an unknown member", s.seal(t, inst, edit("extra", 1)), "schema_violation"},
		{"payload not an object", s.seal(t, inst, []byte(`["heartbeat"]`)), "schema_violation"},
		{"payload an empty object", s.seal(t, inst, []byte(`{}`)), "schema_violation"},
		{"envelope with an unknown member", member(s.seal(t, inst, testHB), `{"extra":1,`), "malformed_envelope"},
		{"envelope with an unknown member and a bad payload", member(s.seal(t, inst, edit("status", "ok")), `{"extra":1,`), "malformed_envelope"},
		{"envelope with a duplicate member", member(s.seal(t, inst, testHB), `{"v":1,`), "duplicate_key"},
		{"envelope with a bad signature", flipSig(t, s.seal(t, inst, testHB)), "bad_signature"},
		{"bad signature and a payload that fails the schema", flipSig(t, s.seal(t, inst, edit("status", "ok"))), "bad_signature"},
		{"bad signature and a duplicate member in the payload", s.seal(t, inst, []byte(`{"status":"a","status":"b"}`)), "duplicate_key"},
		{"envelope of another type", []byte(strings.Replace(string(s.seal(t, inst, testHB)), HeartbeatType, "chp/ack", 1)), "wrong_type"},
		{"envelope outside the window", s.seal(t, envelope.NewEd25519Signer(testKey(9)), testHB, envelope.WithTimestamp(s.now.Add(-time.Hour))), "outside_window"},
		{"envelope sealed with ML-DSA", s.seal(t, mldsa, testHB), "unsupported_key"},
		{"signature member only", []byte(`{"signature":"x"}`), "malformed_envelope"},
		{"payload member only", []byte(`{"payload":{}}`), "malformed_envelope"},
		{"CBOR envelope", mustSealCBOR(t, inst, s.now), "invalid_json"},
		{"plain heartbeat", testHB, ""},
		{"plain heartbeat the general reading takes", spaced, ""},
		{"plain heartbeat that fails the schema", edit("status", "ok"), "schema_violation"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			assert.Equal(t, tt.code, s.compare(t, tt.body))
		})
	}
	t.Run("refused for nesting, again", func(t *testing.T) {
		// Nothing was recorded the first time: the nonce of a body refused
		// before its seal was checked is not a replay.
		deep := s.seal(t, inst, nested(maxDepth-2))
		for range 2 {
			assert.Equal(t, "invalid_json", s.compare(t, deep))
		}
	})
}

// flipSig changes one character of an envelope's signature in place,
// leaving every other byte of the body as it was.
func flipSig(t testing.TB, env []byte) []byte {
	t.Helper()
	i := bytes.Index(env, []byte(`"signature":"`))
	require.GreaterOrEqual(t, i, 0)
	out := bytes.Clone(env)
	if j := i + len(`"signature":"`) + 20; out[j] == 'A' {
		out[j] = 'B'
	} else {
		out[j] = 'A'
	}
	return out
}

func mustSealCBOR(t testing.TB, s envelope.Signer, now time.Time) []byte {
	t.Helper()
	var hb map[string]any
	require.NoError(t, json.Unmarshal(testHB, &hb))
	b, err := envelope.SealCBOR(s, HeartbeatType, hb, envelope.WithTimestamp(now))
	require.NoError(t, err)
	return b
}

// TestUnsupportedKeyNotLearned: a heartbeat sealed with a key of another
// algorithm is refused and its key does not stay in the verifier's key
// ring, like every refused heartbeat's.
func TestUnsupportedKeyNotLearned(t *testing.T) {
	w := newWorld(t)
	var seed [mldsa65.SeedSize]byte
	_, mlPriv := mldsa65.NewKeyFromSeed(&seed)
	env, err := envelope.Seal(envelope.NewMLDSA65Signer(mlPriv), HeartbeatType, json.RawMessage(w.heartbeat(uuidN(3))), envelope.WithTimestamp(w.clock.Now()))
	require.NoError(t, err)
	status, body := w.post(env)
	assert.Equal(t, 400, status, "%s", body)
	assert.Contains(t, string(body), `"code":"unsupported_key"`)
	assert.Empty(t, w.lr.verifier.KeyRing().Keys())
}

// FuzzSealedReading: on any payload, spliced into an envelope whose seal
// covers it when it is I-JSON (and does not otherwise), with or without an
// unknown envelope member, the registry's reading of the body agrees with
// the general reading (see readReference).
func FuzzSealedReading(f *testing.F) {
	f.Add(testHB, byte(0))
	f.Add(nested(maxDepth-2), byte(0))
	f.Add([]byte(`{"status":"a","status":"b"}`), byte(1))
	f.Add([]byte(strings.Replace(string(testHB), `"status":"coherent"`, `"status":"ok"`, 1)), byte(2))
	f.Add([]byte(`[1,2]`), byte(3))
	s := newSealedReading(f)
	signer := envelope.NewEd25519Signer(testKey(7))
	f.Fuzz(func(t *testing.T, payload []byte, mode byte) {
		if bytes.Contains(payload, []byte(`"payload":`)) {
			return // the splice would be ambiguous
		}
		body := s.seal(t, signer, payload)
		switch mode % 4 {
		case 1:
			body = append([]byte(`{"extra":1,`), body[1:]...)
		case 2:
			body = flipSig(t, body)
		case 3:
			body = append(append([]byte(" "), body...), '\n')
		}
		s.compare(t, body)
	})
}

// BenchmarkReadSealed: reading a sealed heartbeat once (the verifier's
// parse, the typed reading of the canonical payload inside its check)
// beside the general reading it replaced (the body parsed strictly into
// the generic form, then again by the verifier, then the schema check).
// Both verify the seal, which most of the time goes to.
func BenchmarkReadSealed(b *testing.B) {
	s := newSealedReading(b)
	signer := envelope.NewEd25519Signer(testKey(7))
	read := map[string]func([]byte) error{
		"once": func(body []byte) error { _, _, _, _, err := s.lr.readBody(body); return err },
		"general": func(body []byte) error {
			_, _, _, err := readReference(s.ref, body)
			return err
		},
	}
	for _, name := range []string{"once", "general"} {
		b.Run(name, func(b *testing.B) {
			bodies := make([][]byte, b.N)
			for i := range bodies {
				bodies[i] = s.seal(b, signer, testHB) // a fresh nonce each
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				if err := read[name](bodies[i]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
