package chp

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/envelope"
)

// epoch is the fixed start of the tests' clocks.
var epoch = time.Date(2026, 11, 22, 4, 43, 53, 0, time.UTC)

// clock is a settable clock safe for concurrent use.
type clock struct{ ns atomic.Int64 }

func newClock(t time.Time) *clock { c := &clock{}; c.ns.Store(t.UnixNano()); return c }
func (c *clock) Now() time.Time   { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) Add(d time.Duration) {
	c.ns.Add(int64(d))
}

// world is a Global Registry and one admitted Local Registry served over
// real HTTP on loopback.
type world struct {
	t      testing.TB
	clock  *clock
	root   string // GR root public key
	gr     *GlobalRegistry
	lr     *LocalRegistry
	lrKey  string
	srv    *httptest.Server
	lrDir  string
	grDir  string
	rac    *AdmissionCert
	lrSeed byte
}

func newWorld(t testing.TB, opts ...LocalOption) *world {
	t.Helper()
	return newWorldKeys(t, 100, 50, opts...)
}

// newWorldKeys builds a world whose GR root and LR keys come from the
// given seeds.
func newWorldKeys(t testing.TB, grSeed, lrSeed byte, opts ...LocalOption) *world {
	t.Helper()
	w := &world{t: t, clock: newClock(epoch), lrDir: t.TempDir(), grDir: t.TempDir(), lrSeed: lrSeed}
	var err error
	w.gr, err = OpenGlobalRegistry(w.grDir, testKey(grSeed), WithGlobalClock(w.clock.Now))
	require.NoError(t, err)
	t.Cleanup(func() { w.gr.Close() })
	w.root = w.gr.PublicKey()
	w.openLR(opts...)
	w.rac, err = w.gr.Admit(w.lr.PublicKey(), 365*24*time.Hour)
	require.NoError(t, err)
	require.NoError(t, w.lr.InstallAdmissionCert(w.rac))
	return w
}

// openLR opens the Local Registry and serves it on loopback.
func (w *world) openLR(opts ...LocalOption) {
	w.t.Helper()
	all := append([]LocalOption{WithRootKey(w.root), WithClock(w.clock.Now), WithAllowUnsigned(true)}, opts...)
	lr, err := OpenLocalRegistry(w.lrDir, testKey(w.lrSeed), all...)
	require.NoError(w.t, err)
	w.lr, w.lrKey = lr, lr.PublicKey()
	w.serve()
	w.t.Cleanup(func() { w.srv.Close(); lr.Close() })
}

// serve starts an HTTP server for the registry on loopback, on the same
// address as before if there was one.
func (w *world) serve() {
	w.t.Helper()
	addr := "127.0.0.1:0"
	if w.srv != nil {
		addr = w.srv.Listener.Addr().String()
	}
	var l net.Listener
	var err error
	for range 50 { // the old socket may take a moment to be released
		if l, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	require.NoError(w.t, err)
	srv := httptest.NewUnstartedServer(w.lr)
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	w.srv = srv
}

// restartLR closes the registry and opens it again from its directory.
func (w *world) restartLR(opts ...LocalOption) {
	w.t.Helper()
	w.srv.Close()
	require.NoError(w.t, w.lr.Close())
	w.openLR(opts...)
}

// post sends body to the heartbeat endpoint and returns status and body.
func (w *world) post(body []byte) (int, []byte) {
	w.t.Helper()
	resp, err := http.Post(w.srv.URL+"/registry/heartbeat", "application/json", bytes.NewReader(body))
	require.NoError(w.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(w.t, err)
	return resp.StatusCode, b
}

func (w *world) getJSON(path string, v any) int {
	w.t.Helper()
	resp, err := http.Get(w.srv.URL + path)
	require.NoError(w.t, err)
	defer resp.Body.Close()
	if v != nil {
		require.NoError(w.t, json.NewDecoder(resp.Body).Decode(v))
	}
	return resp.StatusCode
}

// heartbeat returns a plain heartbeat for instance id at the clock's time.
func (w *world) heartbeat(id string) []byte {
	w.t.Helper()
	h := Heartbeat{
		Packet: "heartbeat", InstanceID: id, HomeURI: w.srv.URL + "/registry/heartbeat", Version: "2025.11.03",
		LicenseHash: LicenseHash([]byte("licence")), EthicsSignature: "charter:v1", Status: StatusCoherent,
		Timestamp: w.clock.Now(), Meta: map[string]any{"sandbox": true, "registry_fingerprint": w.lr.Fingerprint()},
	}
	b, err := json.Marshal(h)
	require.NoError(w.t, err)
	return b
}

// sealed returns heartbeat b sealed by the instance key seed.
func (w *world) sealed(seed byte, b []byte) []byte {
	w.t.Helper()
	env, err := envelope.Seal(envelope.NewEd25519Signer(testKey(seed)), HeartbeatType, json.RawMessage(b), envelope.WithTimestamp(w.clock.Now()))
	require.NoError(w.t, err)
	return env
}

// instance returns a client of the world's registry.
func (w *world) instance(id string, seed byte, dir string) *Instance {
	w.t.Helper()
	cfg := Config{
		HomeURI: w.srv.URL + "/registry/heartbeat", RegistryKey: w.lrKey, RootKey: w.root, Sandbox: true,
		InstanceID: id, Version: "2025.11.03", LicenseHash: LicenseHash([]byte("licence")),
		QueueDir: dir, Now: w.clock.Now, Attempts: 2, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond,
	}
	if seed != 0 {
		cfg.Signer = envelope.NewEd25519Signer(testKey(seed))
	}
	in, err := NewInstance(cfg)
	require.NoError(w.t, err)
	w.t.Cleanup(func() { in.Close() })
	return in
}

// export writes a bundle of the registry's log and returns its bytes.
func (w *world) export(opts ExportOptions) ([]byte, *ExportResult) {
	w.t.Helper()
	var buf bytes.Buffer
	res, err := w.lr.Export(context.Background(), &buf, opts)
	require.NoError(w.t, err)
	return buf.Bytes(), res
}

func uuidN(n int) string {
	return "3ec2f1e0-2d31-4594-8d7b-" + fmtHex12(n)
}

func fmtHex12(n int) string {
	const hexd = "0123456789abcdef"
	b := make([]byte, 12)
	for i := 11; i >= 0; i-- {
		b[i] = hexd[n&15]
		n >>= 4
	}
	return string(b)
}
