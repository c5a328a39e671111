// Command chp-instance is a call-home client: it sends heartbeats to a
// Local Registry and prints its state after each one.
//
//	CHP_HOME_URI=http://127.0.0.1:8443/registry/heartbeat \
//	CHP_REGISTRY_PUBKEY=./lr/lr.pub CHP_GR_ROOT_PUBKEY=./gr/gr-root.pub \
//	chp-instance -count 3 -interval 2s
//
// The instance's identity (a UUID), its signing key and its queue of
// heartbeats live in -state; heartbeats that could not be delivered are
// sent, in order, the next time the registry answers.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/accordsdk/accord/chp"
	"github.com/accordsdk/accord/envelope"
	"github.com/accordsdk/accord/internal/keyfile"
)

func main() {
	state := flag.String("state", "chp-instance-data", "directory for the instance's id, key and queue")
	count := flag.Int("count", 1, "heartbeats to send (0: until interrupted)")
	interval := flag.Duration("interval", 10*time.Second, "time between heartbeats")
	unsigned := flag.Bool("unsigned", false, "send plain chp-v1 heartbeats instead of sealed ones")
	license := flag.String("license", "", "licence file whose hash is reported (default: this program's path)")
	flag.Parse()
	if err := run(*state, *count, *interval, *unsigned, *license); err != nil {
		fmt.Fprintln(os.Stderr, "chp-instance:", err)
		os.Exit(1)
	}
}

func run(state string, count int, interval time.Duration, unsigned bool, license string) error {
	cfg, err := chp.ConfigFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(state, 0o700); err != nil {
		return err
	}
	if cfg.InstanceID, err = instanceID(filepath.Join(state, "instance_id")); err != nil {
		return err
	}
	if license == "" {
		license, _ = os.Executable()
	}
	lic, err := os.ReadFile(license)
	if err != nil {
		return err
	}
	cfg.LicenseHash = chp.LicenseHash(lic)
	cfg.Version = "accord-example/1"
	host, _ := os.Hostname()
	cfg.Meta = map[string]any{"client": "chp-instance/1", "hostname": host, "os": runtime.GOOS}
	cfg.QueueDir = filepath.Join(state, "queue")
	if !unsigned {
		key, _, err := keyfile.LoadOrCreatePrivate(filepath.Join(state, "instance.key"))
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

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	fmt.Printf("instance %s calling home to %s\n", cfg.InstanceID, cfg.HomeURI)
	for i := 0; count == 0 || i < count; i++ {
		if i > 0 {
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(interval):
			}
		}
		ack, err := in.Beat(ctx)
		st := in.State()
		switch {
		case errors.Is(err, context.Canceled):
			return nil
		case err != nil:
			fmt.Printf("state %-9s %s  pending %d  %v\n", st, st.Color(), in.Pending(), err)
		default:
			fmt.Printf("state %-9s %s  ack %s %s\n", st, st.Color(), ack.AckID, ack.Status)
		}
	}
	return nil
}

// instanceID reads the instance's UUID, creating it on first use.
func instanceID(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		return strings.TrimSpace(string(b)), nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	var u [16]byte
	if _, err := rand.Read(u[:]); err != nil {
		return "", err
	}
	u[6], u[8] = u[6]&0x0f|0x40, u[8]&0x3f|0x80
	id := fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:])
	return id, os.WriteFile(path, []byte(id+"\n"), 0o600)
}
