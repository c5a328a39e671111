package chp

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/envelope"
)

// testKey returns a fixed Ed25519 key derived from a one-byte seed.
func testKey(seed byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(append(make([]byte, 31), seed))
}

func pubString(k ed25519.PrivateKey) string {
	return envelope.FormatEd25519PublicKey(k.Public().(ed25519.PublicKey))
}

// TestAckSchema: every ACK the registry can produce (each status, with and
// without notes) validates against chp-v1.json, and verifies.
func TestAckSchema(t *testing.T) {
	key := testKey(1)
	s := envelope.NewEd25519Signer(key)
	received := time.Date(2026, 11, 22, 4, 43, 54, 123456789, time.FixedZone("x", 3600))
	for _, st := range []AckStatus{AckVerified, AckQueued, AckRejected} {
		for _, notes := range []string{"", "timestamp_stale"} {
			a := Ack{InstanceRef: "3ec2f1e0-2d31-4594-8d7b-8b9d8b2f2a11", Received: received, Status: st, Notes: notes}
			b, err := SignAck(s, &a, testHB)
			require.NoError(t, err)
			doc, err := parseStrict(b)
			require.NoError(t, err)
			require.NoError(t, validate("ack", doc), "%s", b)
			canon, err := envelope.CanonicalJSON(b)
			require.NoError(t, err)
			assert.Equal(t, string(canon), string(b), "the ACK is sent in canonical form")
			assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, a.AckID)
			assert.True(t, strings.HasPrefix(a.RegistrySignature, "ed25519:"))
			got, err := VerifyAck(b, pubString(key), testHB)
			require.NoError(t, err)
			assert.Equal(t, a.AckID, got.AckID)
			assert.Equal(t, st, got.Status)
			assert.True(t, got.Received.Equal(received))
		}
	}
}

func TestVerifyAckRejects(t *testing.T) {
	key := testKey(1)
	a := Ack{InstanceRef: "3ec2f1e0-2d31-4594-8d7b-8b9d8b2f2a11", Received: time.Unix(1790000000, 0), Status: AckVerified}
	b, err := SignAck(envelope.NewEd25519Signer(key), &a, testHB)
	require.NoError(t, err)
	edit := func(f func(m map[string]any)) []byte {
		var m map[string]any
		require.NoError(t, json.Unmarshal(b, &m))
		f(m)
		out, err := json.Marshal(m)
		require.NoError(t, err)
		return out
	}
	other := editJSON(t, testHB, "status", "review")
	tests := []struct {
		desc    string
		ack     []byte
		key     string
		hb      []byte
		wantErr error
	}{
		{"other key", b, pubString(testKey(2)), nil, ErrBadSignature},
		{"other heartbeat", b, pubString(key), other, ErrBadSignature},
		{"heartbeat not JSON", b, pubString(key), []byte("{"), ErrMalformed},
		{"bad key string", b, "ed25519:nope", nil, ErrKeyMismatch},
		{"status changed", edit(func(m map[string]any) { m["status"] = "queued" }), pubString(key), nil, ErrBadSignature},
		{"notes added", edit(func(m map[string]any) { m["notes"] = "x" }), pubString(key), nil, ErrBadSignature},
		{"signature not ed25519 form", edit(func(m map[string]any) { m["registry_signature"] = "-----BEGIN PGP SIGNATURE-----" }), pubString(key), nil, ErrBadSignature},
		{"signature truncated", edit(func(m map[string]any) { m["registry_signature"] = a.RegistrySignature[:40] }), pubString(key), nil, ErrBadSignature},
		// The base64 decoder skips CR and LF; a signature has one spelling.
		{"signature with a CR", edit(func(m map[string]any) {
			m["registry_signature"] = a.RegistrySignature[:40] + "\r" + a.RegistrySignature[40:]
		}), pubString(key), nil, ErrBadSignature},
		{"ack id not uuid", edit(func(m map[string]any) { m["ack_id"] = "ack-1" }), pubString(key), nil, ErrSchema},
		{"extra member", edit(func(m map[string]any) { m["x"] = 1 }), pubString(key), nil, ErrSchema},
		{"duplicate key", []byte(strings.Replace(string(b), `"status"`, `"status":"queued","status"`, 1)), pubString(key), nil, ErrDuplicateKey},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			hb := tt.hb
			if hb == nil {
				hb = testHB
			}
			_, err := VerifyAck(tt.ack, tt.key, hb)
			assert.ErrorIs(t, err, tt.wantErr)
		})
	}
}

func TestAdmissionCert(t *testing.T) {
	root, lr := testKey(9), testKey(3)
	issued := time.Date(2025, 11, 4, 0, 0, 0, 0, time.UTC)
	c, err := IssueAdmissionCert(envelope.NewEd25519Signer(root), "GR", pubString(lr), issued, issued.AddDate(2, 0, 0))
	require.NoError(t, err)
	b, err := json.Marshal(c)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"issued_at":"2025-11-04T00:00:00Z"`)
	got, err := ParseAdmissionCert(b)
	require.NoError(t, err)
	assert.Equal(t, c, got)
	now := issued.AddDate(1, 0, 0)
	require.NoError(t, got.Verify(pubString(root), pubString(lr), now))

	assert.ErrorIs(t, got.Verify(pubString(testKey(8)), pubString(lr), now), ErrAdmission, "other root")
	assert.ErrorIs(t, got.Verify(pubString(root), pubString(testKey(4)), now), ErrKeyMismatch, "other registry")
	assert.ErrorIs(t, got.Verify(pubString(root), pubString(lr), issued.AddDate(2, 0, 0)), ErrExpired, "expired")
	assert.ErrorIs(t, got.Verify(pubString(root), pubString(lr), issued.Add(-time.Second)), ErrExpired, "not yet valid")

	forged := *got
	forged.ExpiresAt = forged.ExpiresAt.AddDate(10, 0, 0)
	assert.ErrorIs(t, forged.Verify(pubString(root), pubString(lr), now), ErrBadSignature)

	for _, bad := range []string{
		`{}`, `[]`, strings.Replace(string(b), `"issued_by":"GR"`, `"issued_by":"GR","x":1`, 1),
		strings.Replace(string(b), `"issued_by":"GR"`, `"issued_by":"GR","issued_by":"GR"`, 1),
		strings.Replace(string(b), c.RACID, "nope", 1),
		strings.Replace(string(b), "2025-11-04T00:00:00Z", "2025-11-04", 1),
	} {
		_, err := ParseAdmissionCert([]byte(bad))
		assert.ErrorIs(t, err, ErrAdmission, bad)
	}
	_, err = IssueAdmissionCert(envelope.NewEd25519Signer(root), "GR", pubString(lr), issued, issued)
	assert.ErrorIs(t, err, ErrAdmission)
}

// testHB is a heartbeat the ACKs of the ACK tests answer.
var testHB = []byte(`{"packet":"heartbeat","instance_id":"3ec2f1e0-2d31-4594-8d7b-8b9d8b2f2a11","home_uri":"https://registry.example/registry/heartbeat","version":"2025.11.03","license_hash":"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","ethics_signature":"charter:v1","status":"coherent","timestamp":"2026-11-22T04:43:53Z"}`)

// TestFormatUUID: formatUUID writes what fmt's %x of the five groups
// writes, and new ACK ids are version 7 UUIDs of the schema's pattern.
func TestFormatUUID(t *testing.T) {
	for _, u := range [][16]byte{{}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
		{0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10}} {
		want := fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
		assert.Equal(t, want, formatUUID(&u))
	}
	id := newUUIDv7(time.UnixMilli(0x0123456789ab))
	assert.Regexp(t, `^01234567-89ab-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, id)
	assert.True(t, uuidRE.MatchString(id))
	assert.True(t, uuidRE.MatchString(newUUIDv4()))
}
