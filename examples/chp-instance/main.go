// Command chp-instance is a call-home client: it sends heartbeats to a
// Local Registry (LR) and reports what the registry acknowledged.
//
//	chp-instance -init -state ./inst -home http://127.0.0.1:8443/registry/heartbeat \
//	    -registry-key ./lr/lr.pub -root ./gr/gr-root.pub -count 3 -interval 2s
//
// Every setting is a flag with an environment variable as its fallback;
// -h lists them:
//
//	-home            CHP_HOME_URI         the LR's heartbeat URL
//	-registry-key    CHP_REGISTRY_PUBKEY  the LR's public key (ed25519:z..., or a key or PEM file)
//	-root            CHP_GR_ROOT_PUBKEY   the GR root public key (required in sandbox mode)
//	-sandbox         CHP_SANDBOX          sandbox mode (default true)
//	-state           CHP_INSTANCE_STATE   the instance's directory
//	-max-age         CHP_MAX_AGE          queued heartbeats older than this are set aside
//	-status-file     CHP_STATUS_FILE      HUD status file (state, colour, short fingerprint)
//
// After an outage, queued heartbeats older than the registry takes are set
// aside in one pass and a note heartbeat accounting for them is sent;
// -export-set-aside FILE writes them out (JSON lines, see package chp,
// "Outage recovery"). The instance's identity (a UUID and a
// signing key) and its queue of heartbeats live in -state; -init creates the
// identity the first time. Heartbeats that could not be delivered are sent,
// in order, the next time the registry answers. The command exits with
// status 1 if the last heartbeat was not acknowledged, or the registry is
// not trusted, after printing "sent N, acknowledged N, pending N".
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/accordsdk/accord/chp"
	"github.com/accordsdk/accord/envelope"
	"github.com/accordsdk/accord/examples/internal/chpcli"
	"github.com/accordsdk/accord/examples/internal/cli"
	"github.com/accordsdk/accord/internal/atomicfile"
	"github.com/accordsdk/accord/internal/keyfile"
)

type options struct {
	state, home, registryKey, root, license string
	statusFile, exportSetAside              string
	sandbox, unsigned, init                 bool
	count                                   int
	interval, maxAge                        time.Duration
}

func main() { cli.Main(command()) }

func command() *cli.Command {
	var o options
	return &cli.Command{
		Name:    "chp-instance",
		Purpose: "send call-home heartbeats to a Local Registry (LR) and report what it acknowledged",
		Workflow: `Usual workflow: start the LR (chp-registry -init), carry its public key
(DIR/lr.pub) and the Global Registry (GR) root key (gr-root.pub) here, then
  chp-instance -init -home URL -registry-key LR.pub -root GR-ROOT.pub
The first run needs -init to create the instance's identity in -state.
In sandbox mode (the default) -root is required: the LR is trusted only with
an admission certificate signed by that root. Exit status 1 if the last
heartbeat was not acknowledged.`,
		Flags: func(f *cli.FlagSet) {
			f.String(&o.state, "state", "chp-instance-data", "`DIR` of the instance's id, key and queue").Env("CHP_INSTANCE_STATE")
			f.Init(&o.init)
			f.String(&o.home, "home", "", "the LR's heartbeat `URL` (http://host:port/registry/heartbeat)").Env(chp.EnvHomeURI).Required()
			f.String(&o.registryKey, "registry-key", "", "the LR's public `KEY` (ed25519:z... or a file)").Env(chp.EnvRegistryKey).Required()
			f.String(&o.root, "root", "", "the GR root public `KEY` (ed25519:z... or a file); required in sandbox mode").Env(chp.EnvRootKey)
			f.Bool(&o.sandbox, "sandbox", true, "sandbox mode: trust the LR only with an admission certificate from -root").Env(chp.EnvSandbox)
			f.Int(&o.count, "count", 1, "heartbeats to send (0: until interrupted)")
			f.Duration(&o.interval, "interval", 10*time.Second, "time between heartbeats")
			f.Bool(&o.unsigned, "unsigned", false, "send plain chp-v1 heartbeats instead of sealed ones")
			f.String(&o.license, "license", "", "licence `FILE` whose hash is reported (default: this program)")
			f.Duration(&o.maxAge, "max-age", chp.DefaultMaxAge, "queued heartbeats older than this are set aside (a registry stating a smaller limit lowers it)").Env("CHP_MAX_AGE")
			f.String(&o.statusFile, "status-file", "", "write the instance's HUD status (state, colour, registry fingerprint) to `FILE` after every flush").Env("CHP_STATUS_FILE")
			f.String(&o.exportSetAside, "export-set-aside", "", "write the set-aside heartbeats (JSON lines) to `FILE` and exit")
		},
		Check: func(e *cli.Env) error {
			if err := e.Flags.NonNegative("count"); err != nil {
				return err
			}
			if err := e.Flags.Positive("interval"); err != nil {
				return err
			}
			if err := e.Flags.Positive("max-age"); err != nil {
				return err
			}
			if err := e.Flags.URL("home", "http", "https"); err != nil {
				return err
			}
			if o.sandbox && o.root == "" {
				return &cli.UsageError{Err: errors.New("missing -root (or $CHP_GR_ROOT_PUBKEY): sandbox mode trusts the LR only with an admission certificate; give the GR root key, or -sandbox=false")}
			}
			return e.Flags.File("license")
		},
		Run: func(ctx context.Context, e *cli.Env) error { return run(ctx, e, o) },
	}
}

func run(ctx context.Context, e *cli.Env, o options) error {
	// Everything is checked before anything is written.
	registryKey, err := chp.LoadPublicKey(o.registryKey)
	if err != nil {
		return fmt.Errorf("invalid -registry-key: %w", err)
	}
	var rootKey string
	if o.root != "" {
		if rootKey, err = chp.LoadPublicKey(o.root); err != nil {
			return fmt.Errorf("invalid -root: %w", err)
		}
	}
	license := o.license
	if license == "" {
		license, _ = os.Executable()
	}
	lic, err := os.ReadFile(license)
	if err != nil {
		return fmt.Errorf("invalid -license: %w", err)
	}
	fresh, err := chpcli.CheckRole(o.state, chpcli.RoleInstance, o.init)
	if err != nil {
		return err
	}
	if fresh {
		if err := cli.MarkDir(o.state, chpcli.RoleInstance); err != nil {
			return err
		}
	}
	id, err := instanceID(filepath.Join(o.state, chpcli.InstanceIDFile), o.init)
	if err != nil {
		return err
	}
	host, _ := os.Hostname()
	cfg := chp.Config{
		HomeURI: o.home, RegistryKey: registryKey, RootKey: rootKey, Sandbox: o.sandbox,
		InstanceID: id, LicenseHash: chp.LicenseHash(lic), Version: "accord-example/1",
		Meta:     map[string]any{"client": "chp-instance/1", "hostname": host, "os": runtime.GOOS},
		QueueDir: filepath.Join(o.state, "queue"), MaxAge: o.maxAge, StatusFile: o.statusFile,
	}
	if !o.unsigned {
		keyPath := filepath.Join(o.state, "instance.key")
		if _, err := os.Stat(keyPath); errors.Is(err, os.ErrNotExist) && !o.init {
			return &cli.NoIdentityError{Dir: o.state, Role: chpcli.RoleInstance}
		}
		key, _, err := keyfile.LoadOrCreatePrivate(keyPath)
		if err != nil {
			return err
		}
		cfg.Signer = envelope.NewEd25519Signer(key)
	}
	in, err := chp.NewInstance(cfg)
	if err != nil {
		return err
	}
	defer in.Close()
	if o.exportSetAside != "" {
		err := atomicfile.WriteFunc(o.exportSetAside, 0o600, in.ExportSetAside)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "wrote %d set-aside heartbeats to %s\n", in.SetAsideCount(), o.exportSetAside)
		return nil
	}

	fmt.Fprintf(e.Stdout, "instance %s calling home to %s\n", id, o.home)
	var sent, acked int
	var last error
	for i := 0; o.count == 0 || i < o.count; i++ {
		if i > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(o.interval):
			}
		}
		if ctx.Err() != nil {
			break
		}
		ack, err := in.Beat(ctx)
		if errors.Is(err, context.Canceled) {
			break
		}
		sent++
		last = err
		if err != nil {
			fmt.Fprintf(e.Stderr, "chp-instance: heartbeat %d: %s (state %s)\n", sent, cli.OneLine(err.Error()), in.State())
			continue
		}
		acked++
		fmt.Fprintf(e.Stdout, "heartbeat %d: ack %s %s (state %s)\n", sent, ack.AckID, ack.Status, in.State())
	}
	fmt.Fprintf(e.Stdout, "sent %d, acknowledged %d, pending %d\n", sent, acked, in.Pending())
	if n := in.SetAsideCount(); n > 0 {
		fmt.Fprintf(e.Stdout, "%d heartbeats older than the registry takes are set aside, noted to the registry (-export-set-aside FILE)\n", n)
	}
	if last != nil {
		return fmt.Errorf("last heartbeat not acknowledged: %w", last)
	}
	return nil
}

// instanceID reads the instance's UUID, creating it only with -init.
func instanceID(path string, init bool) (string, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		return strings.TrimSpace(string(b)), nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	if !init {
		return "", &cli.NoIdentityError{Dir: filepath.Dir(path), Role: chpcli.RoleInstance}
	}
	var u [16]byte
	if _, err := rand.Read(u[:]); err != nil {
		return "", err
	}
	u[6], u[8] = u[6]&0x0f|0x40, u[8]&0x3f|0x80
	id := fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:])
	return id, os.WriteFile(path, []byte(id+"\n"), 0o600)
}
