package chp

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/envelope"
)

// TestRefusalAfterKeyRotation: an instance whose first answer after the
// registry rotated its key is a signed refusal learns the new key from the
// registry's info, verifies the refusal under it and moves past the
// heartbeat (review), as it does for an accepted one; in a sandbox (the
// certificate checked again) and without one. A refusal signed by a key
// the registry never rotated to still leaves the heartbeat queued.
func TestRefusalAfterKeyRotation(t *testing.T) {
	for _, sandbox := range []bool{true, false} {
		t.Run(map[bool]string{true: "sandbox", false: "no sandbox"}[sandbox], func(t *testing.T) {
			w := newWorld(t)
			ctx := context.Background()
			cfg := Config{
				HomeURI: w.srv.URL + "/registry/heartbeat", RegistryKey: w.lrKey, Sandbox: sandbox,
				InstanceID: uuidN(1), Version: "2025.11.03", LicenseHash: LicenseHash([]byte("licence")),
				QueueDir: t.TempDir(), Now: w.clock.Now, Attempts: 2, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond,
				Signer: envelope.NewEd25519Signer(testKey(3)),
			}
			if sandbox {
				cfg.RootKey = w.root
			}
			in, err := NewInstance(cfg)
			require.NoError(t, err)
			t.Cleanup(func() { in.Close() })
			_, err = in.Beat(ctx) // accepted: the certificate is checked and cached
			require.NoError(t, err)
			oldKey := w.lr.PublicKey()
			_, err = w.lr.RotateKey(ctx, testKey(51))
			require.NoError(t, err)

			// The next heartbeat carries a meta member off the allowlist:
			// the registry refuses it (meta_refused) in a refusal signed by
			// its new key.
			in.cfg.Meta = map[string]any{"user_email": "a@example.org"}
			w.clock.Add(time.Second)
			_, err = in.Beat(ctx)
			require.ErrorIs(t, err, ErrRejected)
			assert.Contains(t, err.Error(), "meta_refused")
			assert.Equal(t, pubString(testKey(51)), in.RegistryKey(), "the instance followed the rotation")
			pub, _ := envelope.ParseEd25519PublicKey(pubString(testKey(51)))
			assert.Equal(t, envelope.Fingerprint(pub), in.Status().RegistryFingerprint, "the status shows the key trusted now")
			assert.Equal(t, StatusReview, in.State())
			assert.Zero(t, in.Pending(), "the refusal verified: the queue moved past the heartbeat")

			// A refusal signed by a key the registry never had: the instance
			// learns nothing and keeps the heartbeat.
			in.cfg.Meta = nil
			forger := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, req *http.Request) {
				if req.URL.Path == "/registry/info" {
					w.lr.ServeHTTP(rw, req)
					return
				}
				hb := in.build(StatusReview) // any heartbeat: the forged ACK cannot verify anyway
				b, _ := hb.MarshalJSON()
				ack, _ := SignAck(envelope.NewEd25519Signer(testKey(66)), &Ack{InstanceRef: uuidN(1), Received: w.clock.Now(),
					Status: AckRejected, Notes: "schema_violation"}, b)
				writeJSON(rw, http.StatusUnprocessableEntity, errorBody{Error: "forged", Code: "schema_violation", Ack: ack})
			}))
			defer forger.Close()
			in.cfg.HomeURI = forger.URL + "/registry/heartbeat"
			in.infoURL = forger.URL + "/registry/info"
			_, err = in.Beat(ctx)
			require.ErrorIs(t, err, ErrRejected)
			assert.Equal(t, StatusReview, in.State())
			assert.Equal(t, uint64(1), in.Pending(), "an unverified refusal leaves the heartbeat queued")
			assert.Equal(t, []string{oldKey, pubString(testKey(51))}, in.keys)
		})
	}
}
