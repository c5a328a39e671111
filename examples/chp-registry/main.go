// Command chp-registry runs a call-home Local Registry (LR), the sandbox
// extension's in-enclave registry, on loopback by default.
//
//	chp-registry -init -data ./lr -root GR-ROOT.pub -rac admission.json -allow-unsigned
//
// -init creates the registry's key in DIR/lr.key the first time and writes
// its public key to DIR/lr.pub (carry that to the Global Registry (GR) to
// be admitted). It serves POST /registry/heartbeat, GET /registry/info,
// GET /registry/checkpoint, GET /registry/proof/{ack_id} and
// GET /hud/status.json on -addr, and the operator endpoints (export,
// admission, receipt) on the Unix socket DIR/admin.sock. -pin-receipt
// verifies and pins a coherence receipt and exits; with the registry
// already running, -pin-receipt and -rac are handed to it through that
// socket. -revocation installs a revocation of an admission certificate
// issued by the GR (registry-import -revoke) and exits: it is appended to
// the log, and a registry whose certificate it covers stops claiming
// admission (GET /registry/info, GET /hud/status.json) until a newer
// certificate is installed. -root-rotation FILE hands the registry the
// GR's root rotation records (registry-import -rotate-root writes them,
// and an import writes them beside the receipt once the root has rotated):
// the registry learns each one signed by the root it trusts and the next,
// keeps its trusted roots in DIR/root-keys.json, and then takes
// certificates and receipts of the new root (with -pin-receipt, the
// records are learned first). Every flag has an environment variable as its
// fallback (-h).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/accordsdk/accord/chp"
	"github.com/accordsdk/accord/examples/internal/chpcli"
	"github.com/accordsdk/accord/examples/internal/cli"
)

type options struct {
	addr, data, root, rac, name, certFile, keyFile, pin string
	metaAllow, unpin, reason, revocation, rootRotation  string
	metaMax, quarantineSize                             int
	allowUnsigned, init, listQuarantine, rotateKey      bool
	logEvery, maxAge                                    time.Duration
}

func main() { cli.Main(command()) }

func command() *cli.Command {
	var o options
	return &cli.Command{
		Name:    "chp-registry",
		Purpose: "run a call-home Local Registry (LR): log heartbeats, answer with signed ACKs, export to the Global Registry (GR)",
		Workflow: `Usual workflow:
  chp-registry -init -data ./lr              create the LR's key (./lr/lr.pub), then serve
  registry-import -init -data ./gr -admit ./lr/lr.pub -rac-out admission.json   (at the GR)
  chp-registry -data ./lr -root ./gr/gr-root.pub -rac admission.json
  registry-export -data ./lr -out bundle.tar  (carry the bundle to the GR)
  chp-registry -data ./lr -pin-receipt coherence_receipt.json
-rac and -pin-receipt go to the running registry through DIR/admin.sock when
it is running; otherwise -pin-receipt pins and exits, and -rac installs the
certificate and then serves. -unpin UUID -reason TEXT, -rotate-key and
-revocation FILE (a revocation from registry-import -revoke) do their work
(through the socket when the registry runs) and exit; all are records of
the registry's log. A registry whose certificate is revoked still logs
heartbeats but no longer claims admission, until a newer certificate is
installed with -rac. -root-rotation FILE (root_rotations.json from
registry-import) teaches the registry the GR's new root, then exits, or
pins the receipt given with -pin-receipt. -root is remembered in DIR; it
must be a root the registry trusts (the first, or one a rotation record
handed over to). -tls-cert needs -tls-key.`,
		Flags: func(f *cli.FlagSet) {
			f.String(&o.data, "data", "chp-registry-data", "`DIR` of the registry's key, log and state").Env("CHP_REGISTRY_DATA")
			f.Init(&o.init)
			f.String(&o.addr, "addr", "127.0.0.1:8443", "listen address (`host:port`)").Env("CHP_REGISTRY_ADDR")
			f.Bool(&o.allowUnsigned, "allow-unsigned", false, "compatibility mode: also accept plain (unsigned) chp-v1 heartbeats, ACKed \"queued\" (origin not authenticated)").Env("CHP_ALLOW_UNSIGNED")
			f.Duration(&o.maxAge, "max-age", chp.DefaultMaxAge, "oldest heartbeat accepted; instances set older queued ones aside and send a note").Env("CHP_MAX_AGE")
			f.String(&o.metaAllow, "meta-allow", strings.Join(chp.DefaultMetaMembers(), ","), "heartbeat meta members accepted (`NAMES`, comma-separated; sandbox, registry_fingerprint and late_heartbeats always are)").Env("CHP_META_ALLOW")
			f.Int(&o.metaMax, "meta-max-bytes", chp.DefaultMetaMaxBytes, "largest heartbeat meta accepted, bytes of its canonical JSON").Env("CHP_META_MAX_BYTES")
			f.String(&o.root, "root", "", "GR root public `KEY` (ed25519:z... or a file); remembered in DIR").Env(chp.EnvRootKey)
			f.String(&o.rac, "rac", "", "admission certificate `FILE` to install")
			f.String(&o.name, "name", "local-registry", "registry name").Env("CHP_REGISTRY_NAME")
			f.String(&o.certFile, "tls-cert", "", "TLS certificate `FILE` (PEM); plain HTTP without it").Env("CHP_TLS_CERT")
			f.String(&o.keyFile, "tls-key", "", "TLS private key `FILE` (PEM)").Env("CHP_TLS_KEY")
			f.Together("tls-cert", "tls-key")
			f.String(&o.pin, "pin-receipt", "", "verify and pin a coherence receipt `FILE`, then exit")
			f.String(&o.unpin, "unpin", "", "un-pin the key of instance `UUID` (needs -reason; appended to the log), then exit")
			f.String(&o.reason, "reason", "", "why the key is un-pinned (`TEXT`, logged with the un-pin)")
			f.String(&o.revocation, "revocation", "", "install a revocation `FILE` of an admission certificate (from registry-import -revoke; appended to the log), then exit")
			f.String(&o.rootRotation, "root-rotation", "", "learn the GR root rotation records in `FILE` (one record, or the list registry-import writes), then exit (or pin -pin-receipt)")
			f.Bool(&o.rotateKey, "rotate-key", false, "replace the registry's key (new DIR/lr.key and lr.pub; the rotation is logged, signed by the old and the new key), then exit")
			f.Duration(&o.logEvery, "log-every", time.Minute, "how often a running registry logs its heartbeat counters")
			f.Int(&o.quarantineSize, "quarantine-size", chp.DefaultQuarantine, "how many refused heartbeats to keep for -quarantine (0: none)").Env("CHP_QUARANTINE_SIZE")
			f.Bool(&o.listQuarantine, "quarantine", false, "list the refused heartbeats kept (oldest first), then exit")
		},
		Check: func(e *cli.Env) error {
			for _, check := range []func() error{
				func() error { return e.Flags.HostPort("addr") },
				func() error { return e.Flags.File("tls-cert") },
				func() error { return e.Flags.File("tls-key") },
				func() error { return e.Flags.File("rac") },
				func() error { return e.Flags.File("pin-receipt") },
				func() error { return e.Flags.File("revocation") },
				func() error { return e.Flags.File("root-rotation") },
				func() error { return e.Flags.Positive("log-every") },
				func() error { return e.Flags.Positive("max-age") },
				func() error { return e.Flags.NonNegative("quarantine-size") },
			} {
				if err := check(); err != nil {
					return err
				}
			}
			return nil
		},
		Run: func(ctx context.Context, e *cli.Env) error { return run(ctx, e, o) },
	}
}

func run(ctx context.Context, e *cli.Env, o options) error {
	logger := cli.Logger(e.Stderr)
	fresh, err := chpcli.CheckRole(o.data, chpcli.RoleLocal, o.init)
	if err != nil {
		return err
	}
	var rootGiven string
	if o.root != "" {
		if rootGiven, err = chpcli.ReadKey(o.root); err != nil {
			return fmt.Errorf("invalid -root: %w", err)
		}
	}
	if o.unpin != "" || o.rotateKey {
		return keyVerb(ctx, e, o, fresh)
	}
	if o.listQuarantine {
		return listQuarantine(e, o, fresh)
	}
	if o.revocation != "" {
		return installRevocation(ctx, e, o, fresh)
	}
	if o.rootRotation != "" {
		if err := learnRoots(e, o, fresh); err != nil || o.pin == "" {
			return err
		}
	}
	// With the registry already running, -pin-receipt and -rac go to it
	// through its operator socket.
	if !fresh && chpcli.AdminRunning(o.data) && (o.pin != "" || o.rac != "") {
		return handOver(e, o, rootGiven)
	}
	var rac *chp.AdmissionCert
	if o.rac != "" {
		b, err := os.ReadFile(o.rac)
		if err != nil {
			return err
		}
		if rac, err = chp.ParseAdmissionCert(b); err != nil {
			return fmt.Errorf("-rac %s: %w", o.rac, err)
		}
	}
	var pinned []byte
	if o.pin != "" {
		if pinned, err = os.ReadFile(o.pin); err != nil {
			return err
		}
	}
	// The port is taken before anything is written, so a failed start
	// leaves no key behind.
	var ln net.Listener
	if o.pin == "" {
		if ln, err = net.Listen("tcp", o.addr); err != nil {
			return fmt.Errorf("cannot listen on -addr %s: %w", o.addr, err)
		}
		defer ln.Close()
	}
	if fresh {
		if err := cli.MarkDir(o.data, chpcli.RoleLocal); err != nil {
			return err
		}
	}
	// A -root given is remembered once the registry opened with it: a
	// root it does not trust (a rotation it never learned) is refused and
	// not written over the one it had.
	rootKey, err := chpcli.RememberRoot(o.data, "")
	if err != nil {
		return err
	}
	if rootGiven != "" {
		rootKey = rootGiven
	}
	// The library logs refusals (at warn); accepted heartbeats are counted
	// in a periodic line instead.
	var metaNames []string
	for _, n := range strings.Split(o.metaAllow, ",") {
		if n = strings.TrimSpace(n); n != "" {
			metaNames = append(metaNames, n)
		}
	}
	lr, created, err := chpcli.OpenLocal(o.data, rootKey, o.init, chp.WithAllowUnsigned(o.allowUnsigned), chp.WithName(o.name), chp.WithLogger(logger),
		chp.WithMaxAge(o.maxAge), chp.WithMetaAllowlist(metaNames...), chp.WithMetaMaxBytes(o.metaMax), chp.WithQuarantine(o.quarantineSize))
	if err != nil {
		return err
	}
	defer lr.Close()
	if rootGiven != "" {
		if _, err := chpcli.RememberRoot(o.data, o.root); err != nil {
			return err
		}
	}
	if created {
		logger.Info("created registry key", "public_key", lr.PublicKey(), "file", filepath.Join(o.data, chpcli.PubFile))
	}
	if o.pin != "" {
		if rootKey == "" && lr.RootSet() == nil {
			return errors.New("missing -root: a receipt is verified with the GR root key")
		}
		rc, err := lr.PinReceipt(pinned)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.Stdout, receiptLine(rc))
		return nil
	}
	if rac != nil {
		if rootKey == "" && lr.RootSet() == nil {
			return errors.New("missing -root: the admission certificate is verified with the GR root key")
		}
		if err := lr.InstallAdmissionCert(rac); err != nil {
			return err
		}
		logger.Info(racLine(rac))
	}
	if lr.AdmissionCert() == nil {
		logger.Warn("no admission certificate: instances will not trust this registry until one is installed (-rac)")
	} else if rv := lr.Revoked(); rv != nil {
		logger.Warn("admission certificate revoked: heartbeats are logged, but instances will not trust this registry until a newer certificate is installed (-rac)", "err", rv)
	}
	return serve(ctx, logger, o, lr, ln)
}

// keyVerb runs -unpin or -rotate-key: through the running registry's
// operator socket, or on the registry opened here when it is not running.
func keyVerb(ctx context.Context, e *cli.Env, o options, fresh bool) error {
	if fresh {
		return errors.New("no registry in -data yet (create it with -init)")
	}
	if o.unpin != "" && o.reason == "" {
		return errors.New("missing -reason: an un-pin is logged with the operator's reason")
	}
	var out jsonBuffer
	if chpcli.AdminRunning(o.data) {
		var err error
		if o.unpin != "" {
			body, _ := json.Marshal(chp.UnpinRequest{InstanceID: o.unpin, Reason: o.reason})
			err = chpcli.AdminPost(o.data, "/admin/unpin", body, &out)
		} else {
			err = chpcli.AdminPost(o.data, "/admin/rotate-key", []byte("{}"), &out)
		}
		if err != nil {
			return err
		}
	} else {
		rootKey, err := chpcli.RememberRoot(o.data, "")
		if err != nil {
			return err
		}
		lr, _, err := chpcli.OpenLocal(o.data, rootKey, false)
		if err != nil {
			return err
		}
		defer lr.Close()
		var v any
		if o.unpin != "" {
			v, err = lr.Unpin(ctx, o.unpin, o.reason)
		} else {
			var k *chp.KeyRotation
			if k, err = chpcli.RotateKey(ctx, o.data, lr); err == nil {
				out, err = k.Marshal()
			}
		}
		if err != nil {
			return err
		}
		if v != nil {
			if out, err = json.Marshal(v); err != nil {
				return err
			}
		}
	}
	if o.unpin != "" {
		var u chp.Unpinned
		if err := json.Unmarshal(out, &u); err != nil || u.Unpin == nil {
			return fmt.Errorf("reading the registry's answer: %v", err)
		}
		fmt.Fprintf(e.Stdout, "un-pinned instance %s (key %.24s...) as log record %d\n", u.Unpin.InstanceID, u.Unpin.Key, u.Index)
		return nil
	}
	k, err := chp.ParseKeyRotation(out)
	if err != nil {
		return fmt.Errorf("reading the registry's answer: %w", err)
	}
	fmt.Fprintf(e.Stdout, "rotated the registry key to %s as log record %d (old key %.24s...); %s holds the new public key\n",
		k.NewKey, k.Size, k.OldKey, filepath.Join(o.data, chpcli.PubFile))
	return nil
}

// installRevocation runs -revocation: through the running registry's
// operator socket, or on the registry opened here when it is not running.
func installRevocation(ctx context.Context, e *cli.Env, o options, fresh bool) error {
	if fresh {
		return errors.New("no registry in -data yet (create it with -init)")
	}
	b, err := os.ReadFile(o.revocation)
	if err != nil {
		return err
	}
	v, err := chp.ParseRevocation(b)
	if err != nil {
		return fmt.Errorf("-revocation %s: %w", o.revocation, err)
	}
	var entry chp.RevocationEntry
	revoked := false
	if chpcli.AdminRunning(o.data) {
		var out jsonBuffer
		if err := chpcli.AdminPost(o.data, "/admin/revocation", b, &out); err != nil {
			return err
		}
		var ans chp.RevocationInstalled
		if err := json.Unmarshal(out, &ans); err != nil {
			return fmt.Errorf("reading the registry's answer: %w", err)
		}
		entry, revoked = ans.RevocationEntry, ans.Revoked
	} else {
		rootKey, err := chpcli.RememberRoot(o.data, o.root)
		if err != nil {
			return err
		}
		if rootKey == "" {
			return errors.New("missing -root: a revocation is verified with the GR root key")
		}
		lr, _, err := chpcli.OpenLocal(o.data, rootKey, false)
		if err != nil {
			return err
		}
		defer lr.Close()
		got, err := lr.InstallRevocation(ctx, v)
		if err != nil {
			return err
		}
		entry, revoked = *got, lr.Revoked() != nil
	}
	covers := ""
	if revoked {
		covers = "; this registry's certificate is revoked: install a newer one (-rac)"
	}
	fmt.Fprintf(e.Stdout, "installed the revocation of admission certificate %s (revoked at %s by %s: %s) as log record %d%s\n",
		v.RACID, v.RevokedAt.Format(time.RFC3339), v.IssuedBy, cli.OneLine(v.Reason), entry.Index, covers)
	return nil
}

// learnRoots runs -root-rotation: through the running registry's operator
// socket, or on the registry opened here when it is not running. A -root
// given with it may be the root the records hand over to; it is
// remembered once the registry trusts it.
func learnRoots(e *cli.Env, o options, fresh bool) error {
	if fresh {
		return errors.New("no registry in -data yet (create it with -init)")
	}
	b, err := os.ReadFile(o.rootRotation)
	if err != nil {
		return err
	}
	var roots chp.TrustedRoots
	if chpcli.AdminRunning(o.data) {
		var out jsonBuffer
		if err := chpcli.AdminPost(o.data, "/admin/root-rotation", b, &out); err != nil {
			return err
		}
		if err := json.Unmarshal(out, &roots); err != nil {
			return fmt.Errorf("reading the registry's answer: %w", err)
		}
	} else {
		records, err := chp.ReadRootRotations(b)
		if err != nil {
			return fmt.Errorf("-root-rotation %s: %w", o.rootRotation, err)
		}
		rootKey, err := chpcli.RememberRoot(o.data, "")
		if err != nil {
			return err
		}
		if o.root != "" {
			if rootKey, err = chpcli.ReadKey(o.root); err != nil {
				return fmt.Errorf("invalid -root: %w", err)
			}
		}
		// With no root remembered, the registry follows the records from
		// the roots it keeps (and refuses them if it has none).
		lr, _, err := chpcli.OpenLocal(o.data, rootKey, false, chp.WithRootRotations(records...))
		if err != nil {
			return err
		}
		set := lr.RootSet()
		roots = chp.TrustedRoots{RootKey: set.Current(), Keys: set.Keys(), RootRotations: set.Rotations()}
		if err := lr.Close(); err != nil {
			return err
		}
	}
	if o.root != "" {
		if _, err := chpcli.RememberRoot(o.data, o.root); err != nil {
			return err
		}
	}
	fmt.Fprintf(e.Stdout, "the registry trusts %d GR root(s) after %d rotation(s); newest root %s\n",
		len(roots.Keys), len(roots.RootRotations), roots.RootKey)
	return nil
}

// handOver gives -pin-receipt or -rac to the running registry.
func handOver(e *cli.Env, o options, rootKey string) error {
	if o.pin != "" {
		b, err := os.ReadFile(o.pin)
		if err != nil {
			return err
		}
		var out jsonBuffer
		if err := chpcli.AdminPost(o.data, "/admin/receipt", b, &out); err != nil {
			return err
		}
		var rc chp.Receipt
		if err := json.Unmarshal(out, &rc); err != nil {
			return fmt.Errorf("reading the registry's answer: %w", err)
		}
		fmt.Fprintln(e.Stdout, receiptLine(&rc))
		return nil
	}
	b, err := os.ReadFile(o.rac)
	if err != nil {
		return err
	}
	path := "/admin/admission"
	if rootKey != "" {
		path += "?root=" + url.QueryEscape(rootKey)
	}
	var out jsonBuffer
	if err := chpcli.AdminPost(o.data, path, b, &out); err != nil {
		return err
	}
	c, err := chp.ParseAdmissionCert(out)
	if err != nil {
		return fmt.Errorf("reading the registry's answer: %w", err)
	}
	fmt.Fprintln(e.Stdout, racLine(c))
	return nil
}

// listQuarantine prints the refused heartbeats kept, through the operator
// socket when the registry is running, else from its directory.
func listQuarantine(e *cli.Env, o options, fresh bool) error {
	if fresh {
		return errors.New("no registry in -data yet: nothing quarantined")
	}
	var es []chp.QuarantineEntry
	if chpcli.AdminRunning(o.data) {
		var out jsonBuffer
		if _, err := chpcli.AdminGet(o.data, "/admin/quarantine", &out); err != nil {
			return err
		}
		if err := json.Unmarshal(out, &es); err != nil {
			return fmt.Errorf("reading the registry's answer: %w", err)
		}
	} else {
		rootKey, err := chpcli.RememberRoot(o.data, "")
		if err != nil {
			return err
		}
		lr, _, err := chpcli.OpenLocal(o.data, rootKey, false, chp.WithQuarantine(o.quarantineSize))
		if err != nil {
			return err
		}
		defer lr.Close()
		if es, err = lr.Quarantine(); err != nil {
			return err
		}
	}
	for _, q := range es {
		id := "-" // the instance the body names, if it can be read (plain or sealed)
		var h struct {
			InstanceID string `json:"instance_id"`
			Payload    struct {
				InstanceID string `json:"instance_id"`
			} `json:"payload"`
		}
		if json.Unmarshal(q.Body, &h) == nil {
			for _, v := range []string{h.InstanceID, h.Payload.InstanceID} {
				if v != "" {
					id = cli.OneLine(v)
				}
			}
		}
		fmt.Fprintf(e.Stdout, "%s %d %s from %s instance %s (%d bytes): %s\n", q.Received.Format(time.RFC3339), q.Status, q.Code,
			q.Remote, id, len(q.Body), cli.OneLine(q.Error))
	}
	fmt.Fprintf(e.Stdout, "%d refused heartbeats kept\n", len(es))
	return nil
}

type jsonBuffer []byte

func (b *jsonBuffer) Write(p []byte) (int, error) { *b = append(*b, p...); return len(p), nil }

func racLine(c *chp.AdmissionCert) string {
	return fmt.Sprintf("installed admission certificate %s valid until %s", c.RACID, c.ExpiresAt.Format("2006-01-02"))
}

func receiptLine(rc *chp.Receipt) string {
	return fmt.Sprintf("pinned receipt %s: %d accepted, %d duplicate, %d rejected, records %d..%d",
		rc.ReceiptID, rc.Accepted, rc.Duplicate, rc.Rejected, rc.From, rc.To)
}

func serve(ctx context.Context, logger *slog.Logger, o options, lr *chp.LocalRegistry, ln net.Listener) error {
	srv := &http.Server{
		Handler: lr, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second,
		IdleTimeout: 60 * time.Second, MaxHeaderBytes: 16 << 10,
	}
	admin, adminPath, err := chpcli.ServeAdmin(o.data, lr, logger)
	if err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() {
		if o.certFile != "" {
			errc <- srv.ServeTLS(ln, o.certFile, o.keyFile)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	logger.Info("local registry serving", "addr", ln.Addr().String(), "public_key", lr.PublicKey(),
		"fingerprint", lr.Fingerprint(), "records", lr.Size(), "admin", adminPath)

	tick := time.NewTicker(o.logEvery)
	defer tick.Stop()
	last := lr.Size()
	for {
		select {
		case err := <-errc:
			admin.Close()
			return err
		case <-tick.C:
			if n := lr.Size(); n != last {
				logger.Info("heartbeats logged", "new", n-last, "records", n)
				last = n
			}
			continue
		case <-ctx.Done():
		}
		break
	}
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// Finish in-flight requests (their records are durable before their
	// ACKs are written), then close the log.
	err = srv.Shutdown(sctx)
	admin.Shutdown(sctx)
	if cerr := lr.Close(); cerr != nil {
		err = errors.Join(err, cerr)
	}
	if err == nil {
		logger.Info("stopped", "records", lr.Size())
	}
	return err
}
