package chp

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/envelope"
)

func TestInstanceStates(t *testing.T) {
	ctx := context.Background()

	t.Run("wrong registry key: repairing, kept", func(t *testing.T) {
		w := newWorld(t)
		cfg := w.instance(uuidN(1), 11, t.TempDir()).cfg
		cfg.RegistryKey, cfg.QueueDir = pubString(testKey(77)), t.TempDir()
		in, err := NewInstance(cfg)
		require.NoError(t, err)
		defer in.Close()
		_, err = in.Beat(ctx)
		assert.ErrorIs(t, err, ErrKeyMismatch)
		assert.Equal(t, StatusRepairing, in.State())
		assert.Equal(t, uint64(1), in.Pending())
		assert.Equal(t, uint64(0), w.lr.Size(), "nothing sent to an untrusted registry")
	})

	t.Run("registry without admission: repairing", func(t *testing.T) {
		w := newWorld(t)
		// Another registry directory, never admitted.
		lr, err := OpenLocalRegistry(t.TempDir(), testKey(60), WithRootKey(w.root), WithClock(w.clock.Now))
		require.NoError(t, err)
		defer lr.Close()
		srv := httptest.NewServer(lr)
		defer srv.Close()
		cfg := w.instance(uuidN(1), 11, t.TempDir()).cfg
		cfg.HomeURI, cfg.RegistryKey, cfg.QueueDir = srv.URL+"/registry/heartbeat", lr.PublicKey(), t.TempDir()
		in, err := NewInstance(cfg)
		require.NoError(t, err)
		defer in.Close()
		_, err = in.Beat(ctx)
		assert.ErrorIs(t, err, ErrAdmission)
		assert.Equal(t, StatusRepairing, in.State())
		assert.Equal(t, StatusRepairing.Color(), ColorRepairing)
	})

	t.Run("signed refusal: review, skipped", func(t *testing.T) {
		w := newWorld(t)
		in := w.instance(uuidN(1), 0, t.TempDir())
		in.cfg.Now = func() time.Time { return w.clock.Now().Add(time.Hour) } // clock an hour ahead
		_, err := in.Beat(ctx)
		assert.ErrorIs(t, err, ErrRejected)
		assert.Equal(t, StatusReview, in.State())
		assert.Equal(t, uint64(0), in.Pending(), "a refusal signed by the registry moves the queue on")
		in.cfg.Now = w.clock.Now
		_, err = in.Beat(ctx)
		require.NoError(t, err)
		assert.Equal(t, StatusCoherent, in.State())
	})

	t.Run("unsigned refusal: review, kept", func(t *testing.T) {
		w := newWorld(t)
		liar := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet {
				w.lr.ServeHTTP(rw, r) // the real banner
				return
			}
			writeError(rw, http.StatusUnprocessableEntity, "schema_violation", "says who")
		}))
		defer liar.Close()
		cfg := w.instance(uuidN(1), 11, t.TempDir()).cfg
		cfg.HomeURI, cfg.QueueDir = liar.URL+"/registry/heartbeat", t.TempDir()
		in, err := NewInstance(cfg)
		require.NoError(t, err)
		defer in.Close()
		_, err = in.Beat(ctx)
		assert.ErrorIs(t, err, ErrRejected)
		assert.Equal(t, StatusReview, in.State())
		assert.Equal(t, uint64(1), in.Pending())
	})

	t.Run("forged ack: repairing", func(t *testing.T) {
		w := newWorld(t)
		impostor := envelope.NewEd25519Signer(testKey(78))
		fake := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet {
				w.lr.ServeHTTP(rw, r)
				return
			}
			body, _ := io.ReadAll(r.Body)
			hb, _, _ := postedHeartbeat(body)
			b, _ := SignAck(impostor, &Ack{InstanceRef: uuidN(1), Received: w.clock.Now(), Status: AckVerified}, hb)
			rw.Write(b)
		}))
		defer fake.Close()
		cfg := w.instance(uuidN(1), 11, t.TempDir()).cfg
		cfg.HomeURI, cfg.QueueDir = fake.URL+"/registry/heartbeat", t.TempDir()
		in, err := NewInstance(cfg)
		require.NoError(t, err)
		defer in.Close()
		_, err = in.Beat(ctx)
		assert.ErrorIs(t, err, ErrBadSignature)
		assert.Equal(t, StatusRepairing, in.State())
		assert.Equal(t, uint64(1), in.Pending())
	})

	t.Run("dead registry: ctx honoured, queue survives restart", func(t *testing.T) {
		w := newWorld(t)
		dir := t.TempDir()
		cfg := w.instance(uuidN(1), 11, dir).cfg
		cfg.QueueDir = t.TempDir()
		cfg.HomeURI = "http://127.0.0.1:1/registry/heartbeat" // nothing listens on port 1
		cfg.RootKey, cfg.Sandbox = "", false
		cfg.Attempts, cfg.BaseDelay, cfg.MaxDelay = 1000, time.Hour, time.Hour
		in, err := NewInstance(cfg)
		require.NoError(t, err)
		cctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err = in.Beat(cctx)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Less(t, time.Since(start), 5*time.Second)
		require.NoError(t, in.Close())

		// Reopened against the live registry, the queued heartbeat goes first.
		cfg.HomeURI, cfg.RootKey, cfg.Sandbox = w.srv.URL+"/registry/heartbeat", w.root, true
		cfg.Attempts, cfg.BaseDelay, cfg.MaxDelay = 2, time.Millisecond, time.Millisecond
		in, err = NewInstance(cfg)
		require.NoError(t, err)
		defer in.Close()
		assert.Equal(t, uint64(1), in.Pending())
		_, err = in.Flush(ctx)
		require.NoError(t, err)
		assert.Equal(t, uint64(1), w.lr.Size())
		assert.Equal(t, uint64(0), in.Pending())
	})
}

func TestNewInstanceRejectsConfig(t *testing.T) {
	base := Config{HomeURI: "http://127.0.0.1:1/registry/heartbeat", RegistryKey: pubString(testKey(1)), RootKey: pubString(testKey(2)),
		Sandbox: true, InstanceID: uuidN(1), Version: "1", LicenseHash: LicenseHash(nil), QueueDir: t.TempDir()}
	for desc, edit := range map[string]func(c *Config){
		"sandbox without root": func(c *Config) { c.RootKey = "" },
		"bad uri":              func(c *Config) { c.HomeURI = "ftp://x" },
		"bad instance id":      func(c *Config) { c.InstanceID = "x" },
		"bad licence hash":     func(c *Config) { c.LicenseHash = "md5:x" },
		"no queue":             func(c *Config) { c.QueueDir = "" },
		"bad registry key":     func(c *Config) { c.RegistryKey = "ed25519:nope" },
	} {
		c := base
		edit(&c)
		_, err := NewInstance(c)
		assert.Error(t, err, desc)
	}
	in, err := NewInstance(base)
	require.NoError(t, err)
	require.NoError(t, in.Close())
}

func TestConfigFromEnv(t *testing.T) {
	k := testKey(5)
	der, err := x509.MarshalPKIXPublicKey(k.Public())
	require.NoError(t, err)
	pemPath := filepath.Join(t.TempDir(), "lr.pem")
	require.NoError(t, os.WriteFile(pemPath, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o600))
	env := map[string]string{EnvHomeURI: "http://127.0.0.1:8443/registry/heartbeat", EnvRegistryKey: pemPath, EnvSandbox: "false", EnvRootKey: pubString(testKey(6))}
	cfg, err := ConfigFromEnv(func(k string) string { return env[k] })
	require.NoError(t, err)
	assert.Equal(t, pubString(k), cfg.RegistryKey)
	assert.Equal(t, pubString(testKey(6)), cfg.RootKey)
	assert.False(t, cfg.Sandbox)
	assert.Equal(t, env[EnvHomeURI], cfg.HomeURI)

	cfg, err = ConfigFromEnv(func(k string) string {
		if k == EnvRegistryKey {
			return pubString(testKey(7))
		}
		return ""
	})
	require.NoError(t, err)
	assert.Equal(t, DefaultHomeURI, cfg.HomeURI)
	assert.True(t, cfg.Sandbox)

	for _, bad := range []map[string]string{{}, {EnvRegistryKey: "nope"}, {EnvRegistryKey: pubString(k), EnvSandbox: "maybe"}} {
		_, err := ConfigFromEnv(func(k string) string { return bad[k] })
		assert.Error(t, err, "%v", bad)
	}
}

// TestInstanceHostileRegistry: whatever a registry answers, the instance
// returns an error and a state, never panics, and keeps the heartbeat.
func TestInstanceHostileRegistry(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	answers := []struct {
		status int
		body   string
		want   Status
	}{
		{200, ``, StatusRepairing},
		{200, `not json`, StatusRepairing},
		{200, `{"ack_id":1}`, StatusRepairing},
		{200, strings.Repeat("[", 1<<20), StatusRepairing},
		{422, `{"error":"x","code":"schema_violation","ack":{"status":"rejected"}}`, StatusReview},
		{403, `{"error":"x","code":"key_mismatch","ack":"garbage"}`, StatusReview},
		{418, ``, StatusReview},
		{503, `{}`, StatusQuiet},
	}
	for _, a := range answers {
		srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet {
				w.lr.ServeHTTP(rw, r)
				return
			}
			rw.WriteHeader(a.status)
			rw.Write([]byte(a.body))
		}))
		cfg := w.instance(uuidN(1), 11, t.TempDir()).cfg
		cfg.HomeURI, cfg.QueueDir = srv.URL+"/registry/heartbeat", t.TempDir()
		in, err := NewInstance(cfg)
		require.NoError(t, err)
		_, err = in.Beat(ctx)
		assert.Error(t, err, "%d %.40s", a.status, a.body)
		assert.Equal(t, a.want, in.State(), "%d %.40s", a.status, a.body)
		assert.Equal(t, uint64(1), in.Pending())
		in.Close()
		srv.Close()
	}
}

func TestInstanceRun(t *testing.T) {
	w := newWorld(t)
	in := w.instance(uuidN(1), 11, t.TempDir())
	in.cfg.Now = time.Now                   // Run beats on real time
	w.clock.ns.Store(time.Now().UnixNano()) // the registry's clock, near real time
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() { in.Run(ctx, 50*time.Millisecond); close(done) }()
	// Two beats, however slow the machine: the second comes from Run's
	// interval, not its first beat.
	require.Eventually(t, func() bool { return w.lr.Size() >= 2 }, 20*time.Second, 10*time.Millisecond)
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
}

// TestInstanceDefaultEthicsSignature: an instance whose configuration names
// no ethics signature sends DefaultEthicsSignature, which the schema takes.
func TestInstanceDefaultEthicsSignature(t *testing.T) {
	w := newWorld(t)
	in := w.instance(uuidN(3), 11, t.TempDir())
	_, err := in.Beat(context.Background())
	require.NoError(t, err)
	rec, err := w.lr.record(0)
	require.NoError(t, err)
	hb, sealed, err := postedHeartbeat(rec.Heartbeat)
	require.NoError(t, err)
	assert.True(t, sealed)
	h, err := DecodeHeartbeat(hb)
	require.NoError(t, err)
	assert.Equal(t, DefaultEthicsSignature, h.EthicsSignature)
}
