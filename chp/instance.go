package chp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/accordsdk/accord/envelope"
	"github.com/accordsdk/accord/internal/durable"
	"github.com/accordsdk/accord/internal/keyfile"
)

// Environment keys of the sandbox extension, read by [ConfigFromEnv].
const (
	EnvHomeURI     = "CHP_HOME_URI"        // the registry's heartbeat endpoint
	EnvRegistryKey = "CHP_REGISTRY_PUBKEY" // the Local Registry public key, or a path to its PEM file
	EnvSandbox     = "CHP_SANDBOX"         // "true" (default) or "false"
	EnvRootKey     = "CHP_GR_ROOT_PUBKEY"  // the Global Registry root key, or a path to its PEM file
)

// DefaultHomeURI is the heartbeat endpoint an instance posts to when
// neither [Config.HomeURI] nor CHP_HOME_URI names one: the Local Registry
// of the instance's own network, under the multicast DNS name
// accord.local, at the path every Local Registry serves.
const DefaultHomeURI = "https://accord.local/registry/heartbeat"

// DefaultEthicsSignature is the ethics_signature of an instance whose
// [Config.EthicsSignature] is empty. The schema requires a non-empty
// string; this one says that the operator declared none.
const DefaultEthicsSignature = "accord:unspecified"

// DefaultAckMaxAge is the default of [Config.AckMaxAge]: a Local
// Registry's default maximum heartbeat age plus its clock skew, the oldest
// an ACK can be when it answers a heartbeat the registry still accepts.
const DefaultAckMaxAge = DefaultMaxAge + DefaultClockSkew

// Config configures an [Instance].
type Config struct {
	HomeURI     string // heartbeat endpoint (CHP_HOME_URI)
	RegistryKey string // Local Registry key, "ed25519:z..." or hex (CHP_REGISTRY_PUBKEY)
	RootKey     string // GR root key (CHP_GR_ROOT_PUBKEY); the registry's RAC must verify against it
	// Sandbox marks heartbeats with meta.sandbox and meta.registry_fingerprint
	// (CHP_SANDBOX) and makes RootKey required: in a sandbox an instance
	// trusts only an admitted registry.
	Sandbox bool

	InstanceID      string         // UUID of this instance
	Version         string         // software version reported
	LicenseHash     string         // "sha256:<hex>", see [LicenseHash]
	HomebaseToken   string         // optional "sha256:<hex>"
	EthicsSignature string         // default [DefaultEthicsSignature]
	Meta            map[string]any // extra meta members (client, hostname, os, ...)

	// Signer seals heartbeats in envelopes of type [HeartbeatType]; nil
	// sends plain chp-v1 heartbeats.
	Signer envelope.Signer
	// QueueDir holds the instance's append-only heartbeat log and the
	// position up to which it was acknowledged. Required.
	QueueDir string

	HTTPClient *http.Client  // default: a client with a 5 s timeout
	Attempts   int           // tries per heartbeat before going quiet (default 3)
	BaseDelay  time.Duration // first back-off (default 200 ms), doubled per try, with jitter
	MaxDelay   time.Duration // back-off cap (default 5 s)
	// AckMaxAge is the oldest ACK the instance takes, by its received time
	// (default [DefaultAckMaxAge]). A registry answers a heartbeat it
	// logged before with the original ACK, so the limit must cover the
	// registry's maximum heartbeat age.
	AckMaxAge time.Duration
	// MaxAge is the oldest heartbeat the instance sends (default
	// [DefaultMaxAge], a Local Registry's default limit; a registry whose
	// GET /registry/info states a smaller limit lowers it). Queued
	// heartbeats older than this are set aside in one pass, see
	// [Instance.Flush].
	MaxAge time.Duration
	// StatusFile, if set, is where the instance writes its status after
	// every flush (an [InstanceStatus], replaced atomically), for a HUD.
	StatusFile string
	Now        func() time.Time // default time.Now
	Logger     *slog.Logger     // default: discarded
}

// ConfigFromEnv fills the registry fields of a Config from CHP v1's
// environment keys, read through getenv (os.Getenv in production).
// CHP_REGISTRY_PUBKEY and CHP_GR_ROOT_PUBKEY may hold a key string or the
// path of a PEM ("PUBLIC KEY", PKIX Ed25519) file.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{HomeURI: getenv(EnvHomeURI), Sandbox: true}
	if c.HomeURI == "" {
		c.HomeURI = DefaultHomeURI
	}
	if v := getenv(EnvSandbox); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return Config{}, fmt.Errorf("chp: %s=%q: want true or false", EnvSandbox, v)
		}
		c.Sandbox = b
	}
	var err error
	if c.RegistryKey, err = LoadPublicKey(getenv(EnvRegistryKey)); err != nil {
		return Config{}, fmt.Errorf("chp: %s: %w", EnvRegistryKey, err)
	}
	if v := getenv(EnvRootKey); v != "" {
		if c.RootKey, err = LoadPublicKey(v); err != nil {
			return Config{}, fmt.Errorf("chp: %s: %w", EnvRootKey, err)
		}
	}
	return c, nil
}

// LoadPublicKey accepts an Ed25519 public key as a key string
// ("ed25519:z...", "did:key:z..." or hex), or the path of a public key file
// (a key string, or a PEM "PUBLIC KEY" block as openssl writes it), and
// returns the "ed25519:z..." form.
func LoadPublicKey(v string) (string, error) {
	if v == "" {
		return "", errors.New("not set")
	}
	if pub, err := envelope.ParseEd25519PublicKey(v); err == nil {
		return envelope.FormatEd25519PublicKey(pub), nil
	}
	pub, err := keyfile.LoadPublic(v)
	if err != nil {
		return "", fmt.Errorf("neither a key string nor a key file: %w", err)
	}
	return envelope.FormatEd25519PublicKey(pub), nil
}

// LicenseHash returns the license_hash of a licence text:
// "sha256:" and the hex SHA-256 of its bytes.
func LicenseHash(license []byte) string { return envelope.SHA256(license).String() }

// Instance is a CHP client: it builds heartbeats, keeps them in a local
// append-only log, and sends them in order to the Local Registry,
// verifying each ACK's signature and the registry's admission certificate.
// Its [Instance.State] follows CHP v1's failure modes:
//
//   - registry unreachable (network error, timeout, 5xx) after the retry
//     budget: quiet; heartbeats stay queued and go out in order later;
//   - heartbeat refused as malformed or stale: review;
//   - ACK signature, registry key or admission certificate wrong: repairing;
//   - local log cannot be written: failed;
//   - otherwise coherent.
//
// Calls never block longer than their ctx and the retry budget allow and
// never panic on a dead or hostile registry. An Instance is safe for
// concurrent use; sends are serialised.
type Instance struct {
	cfg     Config
	queue   *durable.File
	infoURL string

	send  sync.Mutex // serialises flushes
	mu    sync.Mutex
	state Status
	sent  uint64 // queue entries acknowledged
	last  *Ack
	rac   *AdmissionCert // verified RAC, nil until checked

	late      *durable.File // the set-aside file's records, one line each
	lateLast  int64         // queue index of the last line set aside, -1 if none
	noted     uint64        // set-aside lines covered by a queued note heartbeat
	regMaxAge time.Duration // the registry's stated maximum age, 0 if unknown
	keys      []string      // the registry's keys: the configured one, then those it rotated to
}

const (
	queueFile  = "heartbeats.log"
	cursorFile = "acknowledged"
	lateFile   = "set-aside.log"
	notedFile  = "set-aside-noted"
)

// NewInstance opens the instance's queue in cfg.QueueDir and returns the
// client. Nothing is sent until [Instance.Beat] or [Instance.Flush].
func NewInstance(cfg Config) (*Instance, error) {
	if cfg.HomeURI == "" {
		cfg.HomeURI = DefaultHomeURI
	}
	u, err := url.Parse(cfg.HomeURI)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("chp: home uri %q: want an http(s) URL", cfg.HomeURI)
	}
	if cfg.RegistryKey, err = LoadPublicKey(cfg.RegistryKey); err != nil {
		return nil, fmt.Errorf("chp: registry key: %w", err)
	}
	if cfg.RootKey != "" {
		if cfg.RootKey, err = LoadPublicKey(cfg.RootKey); err != nil {
			return nil, fmt.Errorf("chp: root key: %w", err)
		}
	} else if cfg.Sandbox {
		return nil, fmt.Errorf("%w: sandbox mode trusts a registry only with an admission certificate; give the GR root key (%s)", ErrAdmission, EnvRootKey)
	}
	if !uuidRE.MatchString(cfg.InstanceID) {
		return nil, fmt.Errorf("chp: instance id %q is not a UUID", cfg.InstanceID)
	}
	cfg.InstanceID = canonicalID(cfg.InstanceID)
	if cfg.QueueDir == "" {
		return nil, errors.New("chp: no queue directory")
	}
	if cfg.EthicsSignature == "" {
		cfg.EthicsSignature = DefaultEthicsSignature
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 5 * time.Second}
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = 3
	}
	if cfg.BaseDelay <= 0 {
		cfg.BaseDelay = 200 * time.Millisecond
	}
	if cfg.MaxDelay <= 0 {
		cfg.MaxDelay = 5 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.AckMaxAge <= 0 {
		cfg.AckMaxAge = DefaultAckMaxAge
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = DefaultMaxAge
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Signer != nil && cfg.Signer.Algorithm() != "ed25519" {
		return nil, fmt.Errorf("chp: instance signer %q, want ed25519", cfg.Signer.Algorithm())
	}
	in := &Instance{cfg: cfg, state: StatusCoherent, infoURL: u.Scheme + "://" + u.Host + "/registry/info", keys: []string{cfg.RegistryKey}}
	// A test heartbeat built now must validate, so a bad configuration
	// fails here rather than at every beat.
	if err := in.build(StatusCoherent).Validate(); err != nil {
		return nil, fmt.Errorf("chp: instance configuration: %w", err)
	}
	if err := os.MkdirAll(cfg.QueueDir, 0o700); err != nil {
		return nil, fmt.Errorf("chp: %w", err)
	}
	if in.queue, err = durable.Open(filepath.Join(cfg.QueueDir, queueFile), durable.Options{Logger: cfg.Logger}); err != nil {
		return nil, fmt.Errorf("chp: instance queue: %w", err)
	}
	if b, err := os.ReadFile(filepath.Join(cfg.QueueDir, cursorFile)); err == nil {
		n, perr := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
		if perr != nil || n > in.queue.Len() {
			in.queue.Close()
			return nil, fmt.Errorf("chp: %s: %q with %d queued", cursorFile, b, in.queue.Len())
		}
		in.sent = n
	} else if !errors.Is(err, os.ErrNotExist) {
		in.queue.Close()
		return nil, fmt.Errorf("chp: %w", err)
	}
	if err := in.openSetAside(); err != nil {
		in.queue.Close()
		return nil, err
	}
	return in, nil
}

// Close closes the queue. Queued heartbeats stay on disk for the next run.
func (in *Instance) Close() error {
	in.send.Lock()
	defer in.send.Unlock()
	return errors.Join(in.queue.Close(), in.late.Close())
}

// State returns the instance's current state.
func (in *Instance) State() Status {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.state
}

// Pending returns the number of heartbeats queued and not yet acknowledged.
func (in *Instance) Pending() uint64 {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.queue.Len() - in.sent
}

// LastAck returns the last verified ACK, or nil.
func (in *Instance) LastAck() *Ack {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.last
}

func (in *Instance) setState(s Status) {
	in.mu.Lock()
	if in.state != s {
		in.cfg.Logger.Info("chp state", "from", in.state, "to", s)
	}
	in.state = s
	in.mu.Unlock()
}

// build returns a heartbeat reporting status, stamped now.
func (in *Instance) build(status Status) *Heartbeat {
	meta := map[string]any{}
	for k, v := range in.cfg.Meta {
		meta[k] = v
	}
	if in.cfg.Sandbox {
		meta[MetaSandbox] = true
		if pub, err := envelope.ParseEd25519PublicKey(in.RegistryKey()); err == nil {
			meta[MetaRegistryFingerprint] = envelope.Fingerprint(pub)
		}
	}
	h := &Heartbeat{
		Packet: "heartbeat", InstanceID: in.cfg.InstanceID, HomeURI: in.cfg.HomeURI, Version: in.cfg.Version,
		LicenseHash: in.cfg.LicenseHash, EthicsSignature: in.cfg.EthicsSignature, HomebaseToken: in.cfg.HomebaseToken,
		Status: status, Timestamp: in.cfg.Now().UTC().Truncate(time.Millisecond),
	}
	if len(meta) > 0 {
		h.Meta = meta
	}
	return h
}

// Beat records a heartbeat reporting the instance's current state in the
// local log (durably) and then sends every queued heartbeat in order. It
// returns the ACK of the last heartbeat sent, or the error that stopped
// the flush; the heartbeat stays queued in that case. The error wraps
// [ErrUnreachable], [ErrRejected], [ErrKeyMismatch], [ErrAdmission],
// [ErrBadSignature] or ctx's error.
func (in *Instance) Beat(ctx context.Context) (*Ack, error) {
	hb := in.build(in.State())
	b, err := json.Marshal(hb)
	if err != nil {
		return nil, err
	}
	if _, err := in.queue.Append(ctx, b); err != nil {
		in.setState(StatusFailed)
		return nil, fmt.Errorf("chp: local heartbeat log: %w", err)
	}
	return in.Flush(ctx)
}

// Flush sends the queued heartbeats in order, each with bounded retries.
//
// Queued heartbeats older than the maximum age (see [Config.MaxAge]), and
// any the registry refuses as stale in a refusal it signed, are set aside
// rather than sent: moved, in one pass, to the instance's set-aside file
// ([Instance.ExportSetAside]), after which the flush sends one note
// heartbeat (meta.late_heartbeats, a [LateNote]) that the registry logs.
// So a backlog from a long outage costs one flush, not one refusal per
// beat, and no heartbeat is lost: each is either in the registry's log or
// in the set-aside file, accounted for by a logged note.
func (in *Instance) Flush(ctx context.Context) (*Ack, error) {
	in.send.Lock()
	defer in.send.Unlock()
	defer in.writeStatus()
	if in.cfg.RootKey != "" {
		if err := in.checkAdmission(ctx); err != nil {
			return nil, err
		}
	}
	var last *Ack
	for {
		in.mu.Lock()
		next, total := in.sent, in.queue.Len()
		in.mu.Unlock()
		if next >= total {
			queued, err := in.queueNote(ctx)
			if err != nil {
				in.setState(StatusFailed)
				return nil, err
			}
			if queued {
				continue
			}
			if last != nil {
				in.setState(StatusCoherent)
			}
			return last, nil
		}
		n, err := in.setAsideStale(ctx, next, total)
		if err != nil {
			in.setState(StatusFailed)
			return nil, err
		}
		if n > 0 {
			continue
		}
		if in.cfg.RootKey != "" {
			// Checked again when an answer said the certificate was revoked.
			if err := in.checkAdmission(ctx); err != nil {
				return nil, err
			}
		}
		hb, err := in.queue.Read(next)
		if err != nil {
			in.setState(StatusFailed)
			return nil, fmt.Errorf("chp: local heartbeat log: %w", err)
		}
		ack, skip, err := in.deliver(ctx, hb)
		if err != nil && !skip {
			return nil, err
		}
		if errors.Is(err, errStale) {
			// The registry, in a refusal it signed, finds the heartbeat
			// too old: set it aside like those found stale here.
			if err := in.setAside(ctx, next, [][]byte{hb}); err != nil {
				in.setState(StatusFailed)
				return nil, err
			}
			continue
		}
		if err := in.advance(next + 1); err != nil {
			in.setState(StatusFailed)
			return nil, err
		}
		if err != nil {
			return nil, err // refused for good: recorded, state set, queue moves on next time
		}
		in.mu.Lock()
		in.last = ack
		in.mu.Unlock()
		last = ack
	}
}

// advance records durably that the first n queued heartbeats are done.
func (in *Instance) advance(n uint64) error {
	if err := writeFileAtomic(in.cfg.QueueDir, cursorFile, []byte(strconv.FormatUint(n, 10)+"\n")); err != nil {
		return fmt.Errorf("chp: queue position: %w", err)
	}
	in.mu.Lock()
	in.sent = n
	in.mu.Unlock()
	return nil
}

// maxAnswer bounds what the instance reads from a registry answer.
const maxAnswer = 1 << 20

// deliver sends one queued heartbeat with bounded retries. skip reports a
// refusal the registry signed: the heartbeat can never be accepted and the
// queue moves past it.
func (in *Instance) deliver(ctx context.Context, hb []byte) (ack *Ack, skip bool, err error) {
	var lastErr error
	for attempt := range in.cfg.Attempts {
		if attempt > 0 {
			if err := sleepCtx(ctx, in.backoff(attempt)); err != nil {
				return nil, false, err
			}
		}
		body := hb
		if in.cfg.Signer != nil {
			if body, err = envelope.Seal(in.cfg.Signer, HeartbeatType, json.RawMessage(hb), envelope.WithTimestamp(in.cfg.Now())); err != nil {
				in.setState(StatusFailed)
				return nil, false, fmt.Errorf("chp: sealing heartbeat: %w", err)
			}
		}
		status, header, answer, err := in.do(ctx, http.MethodPost, in.cfg.HomeURI, body)
		if err != nil {
			if ctx.Err() != nil {
				return nil, false, ctx.Err()
			}
			lastErr = err
			continue
		}
		if header.Get(admissionHeader) == "revoked" && in.cfg.RootKey != "" {
			// Unauthenticated, so it only makes the instance read the
			// registry's info again before the next heartbeat.
			in.mu.Lock()
			in.rac = nil
			in.mu.Unlock()
		}
		switch {
		case status == http.StatusOK:
			a, err := in.verifyAck(answer, hb)
			if err != nil && errors.Is(err, ErrBadSignature) {
				// The registry may have rotated its key: learn the new
				// key from its rotation records, then check again.
				if rerr := in.followRotations(ctx); rerr == nil {
					a, err = in.verifyAck(answer, hb)
				}
			}
			if err == nil && a.Status == AckRejected {
				err = fmt.Errorf("%w: ack with status %s in a 200 answer", ErrBadSignature, a.Status)
			}
			if err != nil {
				in.setState(StatusRepairing)
				return nil, false, fmt.Errorf("chp: ack from %s: %w", in.cfg.HomeURI, err)
			}
			return a, false, nil
		case status >= 500 || status == http.StatusTooManyRequests || status == http.StatusRequestTimeout ||
			(status == http.StatusConflict && bytes.Contains(answer, []byte(`"in_progress"`))):
			lastErr = fmt.Errorf("registry answered %d", status)
			continue
		}
		return in.refused(ctx, status, answer, hb)
	}
	in.setState(StatusQuiet)
	return nil, false, fmt.Errorf("%w: %s after %d attempts: %v", ErrUnreachable, in.cfg.HomeURI, in.cfg.Attempts, lastErr)
}

// refused handles a 4xx answer. A refusal carrying an ACK signed by the
// registry is authentic: key and signature problems put the instance in
// repairing (the heartbeat stays queued for when the key is fixed), shape
// and time problems in review (the heartbeat is skipped). An unsigned
// refusal could come from anyone on the path: review, heartbeat kept. A
// refusal whose ACK does not verify with the keys the instance knows may
// be signed by a key the registry rotated to: the instance learns its keys
// from GET /registry/info, as for an accepted heartbeat, and checks again.
func (in *Instance) refused(ctx context.Context, status int, answer, hb []byte) (*Ack, bool, error) {
	var eb errorBody
	_ = decodeStrict(answer, &eb, true)
	err := fmt.Errorf("%w: registry answered %d %s", ErrRejected, status, http.StatusText(status))
	if eb.Code != "" {
		err = fmt.Errorf("%w: registry answered %d: %s: %s", ErrRejected, status, eb.Code, eb.Error)
	}
	var a *Ack
	verr := errors.New("no ack")
	if len(eb.Ack) > 0 {
		a, verr = in.verifyAck(eb.Ack, hb)
		if verr != nil && errors.Is(verr, ErrBadSignature) {
			if rerr := in.followRotations(ctx); rerr == nil {
				a, verr = in.verifyAck(eb.Ack, hb)
			}
		}
	}
	if verr != nil || a.Status != AckRejected || a.Notes != eb.Code {
		in.setState(StatusReview)
		return nil, false, err
	}
	switch eb.Code {
	case "key_mismatch", "signature_required", "bad_key", "bad_signature", "outside_window":
		in.setState(StatusRepairing)
		return nil, false, err
	case "timestamp_stale":
		return a, true, fmt.Errorf("%w: %w", errStale, err)
	}
	in.setState(StatusReview)
	in.cfg.Logger.Warn("heartbeat refused by the registry; skipped", "code", eb.Code, "ack_id", a.AckID)
	return a, true, err
}

// verifyAck checks an answer's ACK: signed by the registry's key for this
// very heartbeat (hb, as queued), naming this instance, and not older than
// the ACK age limit (see [Config.AckMaxAge]) by the instance's clock. An
// ACK replayed from an earlier answer
// fails the first check for any other heartbeat; the age limit bounds how
// long a captured answer stays usable even for its own heartbeat.
func (in *Instance) verifyAck(answer, hb []byte) (*Ack, error) {
	in.mu.Lock()
	keys := append([]string(nil), in.keys...)
	in.mu.Unlock()
	var a *Ack
	var err error
	for i := len(keys) - 1; i >= 0; i-- { // newest first
		if a, err = VerifyAck(answer, keys[i], hb); err == nil {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	if canonicalID(a.InstanceRef) != in.cfg.InstanceID {
		return nil, fmt.Errorf("%w: ack for instance %s, this is %s", ErrBadSignature, a.InstanceRef, in.cfg.InstanceID)
	}
	now := in.cfg.Now()
	if age := now.Sub(a.Received); age > in.cfg.AckMaxAge {
		return nil, fmt.Errorf("%w: ack %s received %s, %s ago, limit %s", ErrTimestamp, a.AckID, formatTime(a.Received), age.Round(time.Second), in.cfg.AckMaxAge)
	}
	return a, nil
}

// checkAdmission verifies, once per certificate validity, that the
// registry at HomeURI presents the configured key and a RAC issued by the
// GR root for it.
func (in *Instance) checkAdmission(ctx context.Context) error {
	now := in.cfg.Now()
	in.mu.Lock()
	rac := in.rac
	in.mu.Unlock()
	if rac != nil && now.Before(rac.ExpiresAt) {
		return nil
	}
	var lastErr error
	for attempt := range in.cfg.Attempts {
		if attempt > 0 {
			if err := sleepCtx(ctx, in.backoff(attempt)); err != nil {
				return err
			}
		}
		status, _, answer, err := in.do(ctx, http.MethodGet, in.infoURL, nil)
		if err != nil || status != http.StatusOK {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if err != nil {
				lastErr = err
			} else {
				lastErr = fmt.Errorf("status %d", status)
			}
			continue
		}
		var info Info
		if err := decodeStrict(answer, &info, true); err != nil {
			in.setState(StatusRepairing)
			return fmt.Errorf("%w: registry info: %v", ErrAdmission, err)
		}
		if info.MaxAgeSeconds > 0 && info.MaxAgeSeconds < math.MaxInt64/int64(time.Second) {
			in.mu.Lock()
			in.regMaxAge = time.Duration(info.MaxAgeSeconds) * time.Second
			in.mu.Unlock()
		}
		if err := in.learnKeys(&info); err != nil {
			in.setState(StatusRepairing)
			return err
		}
		// Certificates and revocations are checked with the root of their
		// time: the root configured, or one it handed over to by the
		// rotation records the registry lists.
		roots, err := rootsOf(in.cfg.RootKey, &info)
		if err != nil {
			in.setState(StatusRepairing)
			return fmt.Errorf("%w: %w", ErrAdmission, err)
		}
		if rv := in.revoked(&info, roots); rv != nil {
			in.setState(StatusRepairing)
			return rv
		}
		if info.AdmissionCert == nil {
			in.setState(StatusRepairing)
			return fmt.Errorf("%w: registry has no admission certificate", ErrAdmission)
		}
		// A certificate admits the registry's log: the key it names, or a
		// key that key handed over to.
		in.mu.Lock()
		racKey := in.keys[len(in.keys)-1]
		for _, k := range in.keys {
			if pub, err := envelope.ParseEd25519PublicKey(k); err == nil && envelope.Fingerprint(pub) == info.AdmissionCert.LRFingerprint {
				racKey = k
			}
		}
		in.mu.Unlock()
		if err := roots.VerifyAdmissionCert(info.AdmissionCert, racKey, now); err != nil {
			in.setState(StatusRepairing)
			if errors.Is(err, ErrAdmission) {
				return err // already says so, once
			}
			return fmt.Errorf("%w: %w", ErrAdmission, err)
		}
		in.mu.Lock()
		in.rac = info.AdmissionCert
		in.mu.Unlock()
		return nil
	}
	in.setState(StatusQuiet)
	return fmt.Errorf("%w: %s after %d attempts: %v", ErrUnreachable, in.infoURL, in.cfg.Attempts, lastErr)
}

// rootsOf returns the roots an instance given root trusts for a
// registry's info: root and the roots the info's rotation records hand
// over to from it.
func rootsOf(root string, info *Info) (*RootSet, error) {
	roots, err := NewRootSet(root)
	if err != nil || len(info.RootRotations) == 0 {
		return roots, err
	}
	raws := make([][]byte, len(info.RootRotations))
	for i, r := range info.RootRotations {
		raws[i] = r
	}
	_, err = roots.ApplyRecords(raws...)
	return roots, err
}

// revoked checks the revocation a registry's info presents: signed by the
// root key, naming a key of the registry, and covering the certificate
// presented (or presented instead of one). A revocation that does not
// verify is ignored: the certificate is then checked as usual.
func (in *Instance) revoked(info *Info, roots *RootSet) *RevokedError {
	if len(info.RACRevocation) == 0 {
		return nil
	}
	v, err := ParseRevocation(info.RACRevocation)
	if err == nil {
		err = roots.VerifyRevocation(v)
	}
	if err != nil {
		in.cfg.Logger.Warn("chp: registry info presents a revocation that does not verify; ignored", "err", err)
		return nil
	}
	in.mu.Lock()
	ours := false
	for _, k := range in.keys {
		if pub, err := envelope.ParseEd25519PublicKey(k); err == nil && envelope.Fingerprint(pub) == v.LRFingerprint {
			ours = true
		}
	}
	in.mu.Unlock()
	if !ours || (info.AdmissionCert != nil && !v.Covers(info.AdmissionCert)) {
		return nil
	}
	return &RevokedError{RACID: v.RACID, Revocation: v}
}

// RegistryKey returns the registry key the instance trusts now: the
// configured one, or the last key the registry rotated to from it.
func (in *Instance) RegistryKey() string {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.keys[len(in.keys)-1]
}

// learnKeys follows the registry's key rotation records, as GET
// /registry/info lists them, from the newest key the instance trusts to
// the key the registry presents. Each step must be signed by the key the
// instance trusted before it and by the next key; a registry presenting a
// key it cannot reach that way is [ErrKeyMismatch].
func (in *Instance) learnKeys(info *Info) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	cur := in.keys[len(in.keys)-1]
	if info.PublicKey == cur {
		return nil
	}
	learned := []string{}
	for _, raw := range info.KeyRotations {
		k, err := ParseKeyRotation(raw)
		if err != nil {
			return fmt.Errorf("%w: registry info: %w", ErrKeyMismatch, err)
		}
		if k.OldKey != cur {
			continue
		}
		if err := k.Verify(); err != nil {
			return fmt.Errorf("%w: %w", ErrKeyMismatch, err)
		}
		learned = append(learned, k.NewKey)
		cur = k.NewKey
	}
	if info.PublicKey != cur {
		return fmt.Errorf("%w: registry presents key %.40s, trusted %.40s", ErrKeyMismatch, info.PublicKey, in.keys[len(in.keys)-1])
	}
	in.keys = append(in.keys, learned...)
	in.cfg.Logger.Info("chp: registry key rotated", "key", cur)
	return nil
}

// followRotations reads the registry's info now and learns its new keys
// (and, in a sandbox, checks its admission certificate again).
func (in *Instance) followRotations(ctx context.Context) error {
	if in.cfg.RootKey != "" {
		in.mu.Lock()
		in.rac = nil
		in.mu.Unlock()
		return in.checkAdmission(ctx)
	}
	status, _, answer, err := in.do(ctx, http.MethodGet, in.infoURL, nil)
	if err != nil || status != http.StatusOK {
		return fmt.Errorf("%w: registry info: status %d: %v", ErrUnreachable, status, err)
	}
	var info Info
	if err := decodeStrict(answer, &info, true); err != nil {
		return fmt.Errorf("%w: registry info: %v", ErrKeyMismatch, err)
	}
	return in.learnKeys(&info)
}

// AdmissionCert returns the registry's admission certificate once it was
// verified, or nil.
func (in *Instance) AdmissionCert() *AdmissionCert {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.rac
}

func (in *Instance) do(ctx context.Context, method, u string, body []byte) (int, http.Header, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return 0, nil, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := in.cfg.HTTPClient.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return 0, nil, nil, err
	}
	return resp.StatusCode, resp.Header, answer, nil
}

// backoff returns the pause before try number attempt (1-based): the base
// delay doubled per try, capped, with "equal jitter" (half fixed, half
// random) so that instances that lost the registry together do not return
// in step.
func (in *Instance) backoff(attempt int) time.Duration {
	d := in.cfg.BaseDelay << min(attempt-1, 20)
	if d > in.cfg.MaxDelay || d <= 0 {
		d = in.cfg.MaxDelay
	}
	return d/2 + rand.N(d/2+1)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Run calls [Instance.Beat] every interval (with ±10 % jitter) until ctx
// is done. Failures only change the state; Run never returns early.
func (in *Instance) Run(ctx context.Context, interval time.Duration) {
	for {
		if _, err := in.Beat(ctx); err != nil && ctx.Err() == nil {
			in.cfg.Logger.Warn("heartbeat not delivered", "state", in.State(), "err", err)
		}
		jitter := time.Duration(rand.Int64N(int64(interval)/5+1)) - interval/10
		if sleepCtx(ctx, interval+jitter) != nil {
			return
		}
	}
}
