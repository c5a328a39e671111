package envelope

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/stretchr/testify/require"
)

// jsonMembers splits a canonical JSON envelope into its members in order.
func jsonMembers(t testing.TB, msg []byte) [][2]string {
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(msg, &m))
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([][2]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, [2]string{k, string(m[k])})
	}
	return out
}

func renderJSON(members [][2]string) []byte {
	var b strings.Builder
	b.WriteByte('{')
	for i, m := range members {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"` + m[0] + `":` + m[1])
	}
	b.WriteByte('}')
	return []byte(b.String())
}

// mutate returns msg with member name's value replaced (value != ""),
// removed (value == ""), or duplicated (dup).
func mutateJSON(t testing.TB, msg []byte, name, value string, dup bool) []byte {
	ms := jsonMembers(t, msg)
	out := ms[:0:0]
	found := false
	for _, m := range ms {
		if m[0] != name {
			out = append(out, m)
			continue
		}
		found = true
		switch {
		case dup:
			out = append(out, m, m)
		case value != "":
			out = append(out, [2]string{name, value})
		}
	}
	if !found && value != "" {
		out = append(out, [2]string{name, value})
	}
	return renderJSON(out)
}

// TestNegativeJSON alters, removes, duplicates and re-types every member of
// a JSON envelope and checks each failure wraps the right sentinel.
func TestNegativeJSON(t *testing.T) {
	s := NewEd25519Signer(testKey(1))
	other := NewEd25519Signer(testKey(2))
	stranger := NewEd25519Signer(testKey(3))
	base, err := Seal(s, "test/ping", ping{Seq: 1, Note: "x"}, WithTimestamp(t0), WithSenderType("metabolic"))
	require.NoError(t, err)
	byOther, err := Seal(other, "test/ping", ping{Seq: 1, Note: "x"}, WithTimestamp(t0))
	require.NoError(t, err)
	var otherSig string
	for _, m := range jsonMembers(t, byOther) {
		if m[0] == "signature" {
			otherSig = m[1]
		}
	}

	type tc struct {
		name string
		msg  []byte
		want error
	}
	cases := []tc{
		{"unchanged", base, nil},
		{"whitespace and member order do not matter", reorderJSON(t, base), nil},
		{"unknown member", mutateJSON(t, base, "extra", `1`, false), ErrMalformed},
		{"trailing data", append(slices.Clone(base), ` {}`...), ErrMalformed},
		{"trailing garbage", append(slices.Clone(base), `x`...), ErrMalformed},
		{"not an object", []byte(`[1]`), ErrMalformed},
		{"empty", nil, ErrMalformed},
		{"truncated", base[:len(base)-1], ErrMalformed},
		{"escaped member name", bytes.Replace(base, []byte(`"alg"`), []byte(`"\u0061lg"`), 1), nil},
		{"v 2", mutateJSON(t, base, "v", `2`, false), ErrUnsupported},
		{"v 1.0", mutateJSON(t, base, "v", `1.0`, false), ErrMalformed},
		{"v 01", mutateJSON(t, base, "v", `01`, false), ErrMalformed},
		{"v as string", mutateJSON(t, base, "v", `"1"`, false), ErrMalformed},
		{"alg unknown", mutateJSON(t, base, "alg", `"rsa"`, false), ErrUnsupported},
		{"alg hmac with an ed25519 key", mutateJSON(t, mutateJSON(t, base, "alg", `"hmac-sha256"`, false), "signature", `"`+strings.Repeat("A", 43)+`"`, false), ErrKeyNotValid},
		{"alg as number", mutateJSON(t, base, "alg", `1`, false), ErrMalformed},
		{"type not allowed", mutateJSON(t, base, "type", `"test/pong"`, false), ErrTypeNotAllowed},
		{"type changed to an allowed one", mutateJSON(t, base, "type", `"test/other"`, false), ErrBadSignature},
		{"type with a space", mutateJSON(t, base, "type", `"test ping"`, false), ErrMalformed},
		{"type empty", mutateJSON(t, base, "type", `""`, false), ErrMalformed},
		{"type as array", mutateJSON(t, base, "type", `["test/ping"]`, false), ErrMalformed},
		{"sender_pubkey unknown", mutateJSON(t, base, "sender_pubkey", `"`+stranger.PublicKey()+`"`, false), ErrUnknownKey},
		{"sender_pubkey of another pinned key", mutateJSON(t, base, "sender_pubkey", `"`+other.PublicKey()+`"`, false), ErrBadSignature},
		{"sender_pubkey as null", mutateJSON(t, base, "sender_pubkey", `null`, false), ErrMalformed},
		{"sender_type changed", mutateJSON(t, base, "sender_type", `"sentinel"`, false), ErrBadSignature},
		{"sender_type empty", mutateJSON(t, base, "sender_type", `""`, false), ErrMalformed},
		{"timestamp changed", mutateJSON(t, base, "timestamp", `1767657601`, false), ErrBadSignature},
		{"timestamp outside window", mutateJSON(t, base, "timestamp", `1767650000`, false), ErrOutsideWindow},
		{"timestamp negative", mutateJSON(t, base, "timestamp", `-1`, false), ErrMalformed},
		{"timestamp with exponent", mutateJSON(t, base, "timestamp", `1.7676576e9`, false), ErrMalformed},
		{"timestamp beyond 2^53", mutateJSON(t, base, "timestamp", `9007199254740993`, false), ErrMalformed},
		{"timestamp as string", mutateJSON(t, base, "timestamp", `"1767657600"`, false), ErrMalformed},
		{"nonce changed", mutateJSON(t, base, "nonce", `"AAAAAAAAAAAAAAAAAAAAAA"`, false), ErrBadSignature},
		{"nonce with padding", mutateJSON(t, base, "nonce", `"AAAAAAAAAAAAAAAAAAAAAA=="`, false), ErrMalformed},
		{"nonce with non-zero padding bits", mutateJSON(t, base, "nonce", `"AAAAAAAAAAAAAAAAAAAAAB"`, false), ErrMalformed},
		{"nonce in standard base64", mutateJSON(t, base, "nonce", `"AAAAAAAAAAAAAAAAAAAA+A"`, false), ErrMalformed},
		{"nonce too short", mutateJSON(t, base, "nonce", `"AAAAAAAAAAAAAAAAAAAA"`, false), ErrMalformed},
		{"nonce as number", mutateJSON(t, base, "nonce", `0`, false), ErrMalformed},
		{"nonce with an escaped line feed", mutateJSON(t, base, "nonce", `"AAAAAAAAAAAAAAAAAAAA\nA"`, false), ErrMalformed},
		{"nonce with an escaped carriage return", mutateJSON(t, base, "nonce", `"AAAAAAAAAAAAAAAAAAAAA\r"`, false), ErrMalformed},
		{"payload changed", mutateJSON(t, base, "payload", `{"note":"y","seq":1}`, false), ErrBadSignature},
		{"payload reordered is the same payload", mutateJSON(t, base, "payload", `{ "seq": 1, "note": "x" }`, false), nil},
		{"payload with duplicate key", mutateJSON(t, base, "payload", `{"note":"x","note":"x","seq":1}`, false), ErrMalformed},
		{"payload number beyond double", mutateJSON(t, base, "payload", `{"note":"x","seq":1e400}`, false), ErrMalformed},
		{"payload integer beyond 2^53", mutateJSON(t, base, "payload", `{"note":"x","seq":9007199254740993}`, false), ErrMalformed},
		{"payload lone surrogate", mutateJSON(t, base, "payload", `{"note":"\ud800","seq":1}`, false), ErrMalformed},
		{"payload invalid utf-8", mutateJSON(t, base, "payload", "{\"note\":\"\xff\",\"seq\":1}", false), ErrMalformed},
		{"payload nested too deep", mutateJSON(t, base, "payload", strings.Repeat("[", 100)+strings.Repeat("]", 100), false), ErrMalformed},
		{"signature of another key", mutateJSON(t, base, "signature", otherSig, false), ErrBadSignature},
		{"signature flipped", flipSig(t, base), ErrBadSignature},
		{"signature too short", mutateJSON(t, base, "signature", `"AAAA"`, false), ErrMalformed},
		{"signature as object", mutateJSON(t, base, "signature", `{}`, false), ErrMalformed},
	}
	for _, m := range memberNames {
		if m != "sender_type" {
			cases = append(cases, tc{"missing " + m, mutateJSON(t, base, m, "", false), ErrMalformed})
		}
		cases = append(cases, tc{"duplicate " + m, mutateJSON(t, base, m, "", true), ErrMalformed})
	}
	cases = append(cases, tc{"sender_type removed", mutateJSON(t, base, "sender_type", "", false), ErrBadSignature})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, _ := newTestVerifier(t, []Signer{s, other}, WithTypes("test/other"))
			_, err := v.Open(c.msg)
			if c.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, c.want)
			for _, s := range sentinels {
				if s != c.want {
					require.NotErrorIs(t, err, s)
				}
			}
		})
	}
}

var sentinels = []error{ErrMalformed, ErrUnsupported, ErrTypeNotAllowed, ErrUnknownKey, ErrKeyNotValid,
	ErrOutsideWindow, ErrBadSignature, ErrReplay, ErrCacheFull}

// reorderJSON writes the envelope's members in reverse order with spaces.
func reorderJSON(t testing.TB, msg []byte) []byte {
	ms := jsonMembers(t, msg)
	slices.Reverse(ms)
	var b strings.Builder
	b.WriteString("{\n")
	for i, m := range ms {
		if i > 0 {
			b.WriteString(" ,\n")
		}
		b.WriteString(`  "` + m[0] + `" : ` + m[1])
	}
	b.WriteString("\n}\n")
	return []byte(b.String())
}

func flipSig(t testing.TB, msg []byte) []byte {
	e, _, err := parse(msg)
	require.NoError(t, err)
	sig := slices.Clone(e.Signature)
	sig[5] ^= 0x40
	return mutateJSON(t, msg, "signature", `"`+b64.EncodeToString(sig)+`"`, false)
}

// TestNegativeCBOR does the same for the CBOR form.
func TestNegativeCBOR(t *testing.T) {
	s := NewEd25519Signer(testKey(1))
	other := NewEd25519Signer(testKey(2))
	stranger := NewEd25519Signer(testKey(3))
	base, err := SealCBOR(s, "test/ping", ping{Seq: 1, Note: "x"}, WithTimestamp(t0), WithSenderType("metabolic"))
	require.NoError(t, err)
	var fields map[string]any
	require.NoError(t, cbor.Unmarshal(base, &fields))
	// with re-encodes the envelope with one member changed (nil removes it).
	with := func(name string, value any) []byte {
		m := make(map[string]any, len(fields))
		for k, v := range fields {
			m[k] = v
		}
		if value == nil {
			delete(m, name)
		} else {
			m[name] = value
		}
		b, err := encMode.Marshal(m)
		require.NoError(t, err)
		return b
	}
	sig := slices.Clone(fields["signature"].([]byte))
	sig[0] ^= 1
	unsorted, err := cbor.EncOptions{Sort: cbor.SortNone}.EncMode()
	require.NoError(t, err)
	// A duplicate: the map head counts one more member, and "v" is repeated.
	dup := append([]byte{base[0] + 1}, base[1:]...)
	dup = append(dup, 0x61, 'v', 0x01)
	ts := fields["timestamp"].(uint64)

	type tc struct {
		name string
		msg  []byte
		want error
	}
	cases := []tc{
		{"unchanged", base, nil},
		{"duplicate member", dup, ErrMalformed},
		{"unknown member", with("extra", 1), ErrMalformed},
		{"trailing data", append(slices.Clone(base), 0x00), ErrMalformed},
		{"truncated", base[:len(base)-1], ErrMalformed},
		{"not a map", []byte{0x80}, ErrMalformed},
		{"empty", nil, ErrMalformed},
		{"indefinite-length map", append(append([]byte{0xbf}, base[1:]...), 0xff), ErrMalformed},
		{"v 2", with("v", 2), ErrUnsupported},
		{"v as text", with("v", "1"), ErrMalformed},
		{"alg unknown", with("alg", "rsa"), ErrUnsupported},
		{"alg as bytes", with("alg", []byte("ed25519")), ErrMalformed},
		{"type not allowed", with("type", "test/pong"), ErrTypeNotAllowed},
		{"type changed to an allowed one", with("type", "test/other"), ErrBadSignature},
		{"sender_pubkey unknown", with("sender_pubkey", stranger.PublicKey()), ErrUnknownKey},
		{"sender_pubkey of another pinned key", with("sender_pubkey", other.PublicKey()), ErrBadSignature},
		{"sender_type changed", with("sender_type", "sentinel"), ErrBadSignature},
		{"sender_type removed", with("sender_type", nil), ErrBadSignature},
		{"sender_type empty", with("sender_type", ""), ErrMalformed},
		{"timestamp changed", with("timestamp", ts+1), ErrBadSignature},
		{"timestamp outside window", with("timestamp", ts-3600), ErrOutsideWindow},
		{"timestamp negative", with("timestamp", -1), ErrMalformed},
		{"timestamp as float", with("timestamp", float64(ts)), ErrMalformed},
		{"nonce changed", with("nonce", make([]byte, NonceSize)), ErrBadSignature},
		{"nonce as text", with("nonce", "AAAAAAAAAAAAAAAAAAAAAA"), ErrMalformed},
		{"nonce too short", with("nonce", make([]byte, 8)), ErrMalformed},
		{"payload changed", with("payload", map[string]any{"seq": 2, "note": "x"}), ErrBadSignature},
		{"payload with a tag", with("payload", cbor.Tag{Number: 1, Content: 0}), ErrMalformed},
		{"payload not deterministic", with("payload", cbor.RawMessage{0xa2, 0x61, 'b', 0x01, 0x61, 'a', 0x02}), ErrMalformed},
		{"signature flipped", with("signature", sig), ErrBadSignature},
		{"signature too short", with("signature", sig[:10]), ErrMalformed},
		{"signature as text", with("signature", "sig"), ErrMalformed},
	}
	for _, m := range memberNames {
		if m != "sender_type" {
			cases = append(cases, tc{"missing " + m, with(m, nil), ErrMalformed})
		}
	}
	nd, err := unsorted.Marshal(fields)
	require.NoError(t, err)
	if !bytes.Equal(nd, base) {
		cases = append(cases, tc{"members not in deterministic order", nd, ErrMalformed})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, _ := newTestVerifier(t, []Signer{s, other}, WithTypes("test/other"))
			_, err := v.Open(c.msg)
			if c.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, c.want)
		})
	}
}

// TestOpenSentinels reaches every sentinel through Open.
func TestOpenSentinels(t *testing.T) {
	s := NewEd25519Signer(testKey(1))
	other := NewEd25519Signer(testKey(9))
	seal := func(s Signer, typ string, ts time.Time) []byte {
		m, err := Seal(s, typ, ping{Seq: 1}, WithTimestamp(ts))
		require.NoError(t, err)
		return m
	}
	replayed := seal(s, "test/ping", t0)
	for _, tc := range []struct {
		name string
		msg  []byte
		want error
	}{
		{"malformed", []byte(`{"v":1`), ErrMalformed},
		{"unsupported", bytes.Replace(seal(s, "test/ping", t0), []byte(`"v":1`), []byte(`"v":9`), 1), ErrUnsupported},
		{"type not allowed", seal(s, "test/other", t0), ErrTypeNotAllowed},
		{"unknown key", seal(other, "test/ping", t0), ErrUnknownKey},
		{"key not valid", seal(s, "test/ping", t0.Add(-30*time.Second)), ErrKeyNotValid},
		{"before key validity is checked before the window", seal(s, "test/ping", t0.Add(-61*time.Second)), ErrKeyNotValid},
		{"too new", seal(s, "test/ping", t0.Add(61*time.Second)), ErrOutsideWindow},
		{"bad signature", flipSig(t, seal(s, "test/ping", t0)), ErrBadSignature},
		{"replay", replayed, ErrReplay},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ring := NewKeyRing()
			require.NoError(t, ring.Add(s.PublicKey(), ValidFrom(t0.Add(-10*time.Second))))
			c := &clock{t: t0}
			v, err := NewVerifier(WithTypes("test/ping"), WithKeyRing(ring), WithClock(c.now), WithoutStartupFence())
			require.NoError(t, err)
			if tc.want == ErrReplay {
				_, err := v.Open(tc.msg)
				require.NoError(t, err)
			}
			_, err = v.Open(tc.msg)
			require.ErrorIs(t, err, tc.want)
		})
	}
	t.Run("cache full", func(t *testing.T) {
		v, _ := newTestVerifier(t, []Signer{s}, WithReplayCapacity(replayShards))
		full := 0
		for range 4 * replayShards {
			if _, err := v.Open(seal(s, "test/ping", t0)); err != nil {
				require.ErrorIs(t, err, ErrCacheFull)
				full++
			}
		}
		require.Positive(t, full)
		require.LessOrEqual(t, v.cache.Len(), replayShards)
	})
}

func TestStartupFence(t *testing.T) {
	s := NewEd25519Signer(testKey(1))
	c := &clock{t: t0}
	v, err := NewVerifier(WithTypes("test/ping"), WithKeys(s.PublicKey()), WithClock(c.now))
	require.NoError(t, err)
	msg, err := Seal(s, "test/ping", ping{}, WithTimestamp(t0))
	require.NoError(t, err)
	_, err = v.Open(msg)
	require.ErrorIs(t, err, ErrOutsideWindow)
	c.t = t0.Add(61 * time.Second)
	msg, err = Seal(s, "test/ping", ping{}, WithTimestamp(c.t))
	require.NoError(t, err)
	_, err = v.Open(msg)
	require.NoError(t, err)
}

func TestExplicitStartupFence(t *testing.T) {
	s := NewEd25519Signer(testKey(1))
	c := &clock{t: t0}
	v, err := NewVerifier(WithTypes("test/ping"), WithKeys(s.PublicKey()), WithClock(c.now), WithStartupFence(t0.Add(-5*time.Second)))
	require.NoError(t, err)
	old, err := Seal(s, "test/ping", ping{}, WithTimestamp(t0.Add(-5*time.Second)))
	require.NoError(t, err)
	_, err = v.Open(old)
	require.ErrorIs(t, err, ErrOutsideWindow)
	cur, err := Seal(s, "test/ping", ping{}, WithTimestamp(t0.Add(-4*time.Second)))
	require.NoError(t, err)
	_, err = v.Open(cur)
	require.NoError(t, err)
	_, err = NewVerifier(WithTypes("test/ping"), WithKeys(s.PublicKey()), WithStartupFence(t0), WithoutStartupFence())
	require.Error(t, err)
}
