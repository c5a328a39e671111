// Command pairing pairs a pocket and zones into a swarm over UDP and lets the
// zones call each other's peripherals on the swarm channel.
//
// A zone shows a code; the person types it on the pocket (or on a device
// joining through a host). The code never goes on the network.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/accordsdk/accord/examples/internal/cli"
	"github.com/accordsdk/accord/pairing"
)

var (
	dir, role, label string
	initFlag         bool
	port, slots      int
	timeout          time.Duration
	serve            bool
	maxJoins         int
	exclude          string
	recoverSwarm     bool
)

// stdin is read line by line for codes and choices.
var stdin = bufio.NewReader(os.Stdin)

func readLine(prompt string, e *cli.Env) (string, error) {
	fmt.Fprint(e.Stderr, prompt)
	s, err := stdin.ReadString('\n')
	if err != nil && (s == "" || !errors.Is(err, io.EOF)) {
		return "", fmt.Errorf("reading stdin: %w", err)
	}
	return strings.TrimSpace(s), nil
}

func open(e *cli.Env) (*pairing.Device, error) {
	_, err := os.Stat(dir)
	if errors.Is(err, os.ErrNotExist) && !initFlag {
		return nil, fmt.Errorf("no device in %s: run with -init to create it", dir)
	}
	if initFlag && label == "" {
		return nil, errors.New("-init needs -label (the name people see)")
	}
	r := role
	if !e.Flags.Lookup("role").IsSet() {
		// An existing device keeps the role it was created with.
		if b, err := os.ReadFile(filepath.Join(dir, pairing.ConfigFile)); err == nil {
			if c, err := pairing.ParseConfig(b); err == nil {
				r = c.Role
			}
		}
	}
	return pairing.OpenDevice(dir, r, label)
}

func transport() (*pairing.UDPTransport, error) { return pairing.ListenLoopback(port, slots) }

// lamp is the peripheral every zone of this example serves.
func lamp() map[string]pairing.Method {
	var mu sync.Mutex
	level := 0
	return map[string]pairing.Method{
		"set": func(_ context.Context, args []json.RawMessage) (any, error) {
			if len(args) != 1 {
				return nil, fmt.Errorf("set takes 1 argument, got %d", len(args))
			}
			mu.Lock()
			defer mu.Unlock()
			if err := json.Unmarshal(args[0], &level); err != nil {
				return nil, fmt.Errorf("set: %v", err)
			}
			return map[string]int{"level": level}, nil
		},
		"get": func(context.Context, []json.RawMessage) (any, error) {
			mu.Lock()
			defer mu.Unlock()
			return map[string]int{"level": level}, nil
		},
	}
}

// runNode rejoins the swarm and serves the lamp until ctx ends.
func runNode(ctx context.Context, d *pairing.Device, t pairing.Transport, e *cli.Env) error {
	n, err := d.Start(ctx, t, nil, pairing.WithLogger(cli.Logger(e.Stderr)), pairing.WithAnnounceInterval(2*time.Second))
	if err != nil {
		return err
	}
	n.Serve("lamp", "light", lamp())
	fmt.Fprintf(e.Stderr, "in the swarm as %s (%s); serving lamp\n", d.Identity().Label, d.Identity().ComputerID)
	return n.Run(ctx)
}

func main() {
	cli.Main(&cli.Command{
		Name:    "pairing",
		Purpose: "pair a pocket and zones into a swarm with display-only codes, and call peripherals across it",
		Workflow: `pocket: pairing -init -role pocket -label Pocket -dir P create
zone:   pairing -init -role zone -label Kitchen -dir Z accept -serve   (prints its code)
pocket: pairing -dir P add                                   (type the zone's code)
other:  pairing -dir Z2 -init -role zone -label Garage join  (type the code a host shows: pairing -dir Z host)
zones:  pairing -dir Z2 call Kitchen lamp set 7
Devices on one machine find each other on UDP ports -port to -port+slots-1 of 127.0.0.1.`,
		Flags: func(f *cli.FlagSet) {
			f.String(&dir, "dir", "pairing-device", "directory of the device's key and configuration").Env("PAIRING_DIR")
			f.String(&role, "role", pairing.RoleZone, "device role: pocket or zone").Env("PAIRING_ROLE")
			f.String(&label, "label", "", "the device's name, with -init").Env("PAIRING_LABEL")
			f.Init(&initFlag)
			f.Int(&port, "port", 47800, "first UDP port of the loopback group").Env("PAIRING_PORT")
			f.Int(&slots, "slots", 8, "number of UDP ports in the loopback group").Env("PAIRING_SLOTS")
			f.Duration(&timeout, "timeout", 2*time.Minute, "give up after this long").Env("PAIRING_TIMEOUT")
		},
		Check: func(e *cli.Env) error {
			if role != pairing.RolePocket && role != pairing.RoleZone {
				return e.Flags.Invalid("role", "want pocket or zone")
			}
			return e.Flags.Positive("port", "slots", "timeout")
		},
		Commands: []*cli.Command{
			{Name: "create", Purpose: "create a swarm (pocket)", Run: create},
			{Name: "add", Purpose: "pair a zone that is accepting: choose it and type its code (pocket)", Run: add},
			{Name: "accept", Purpose: "wait for a pocket, showing a code (zone)", Run: accept,
				Flags: func(f *cli.FlagSet) {
					f.Bool(&serve, "serve", false, "stay in the swarm after pairing, serving the lamp")
				}},
			{Name: "host", Purpose: "let others join with the codes this device shows", Run: host,
				Flags: func(f *cli.FlagSet) { f.Int(&maxJoins, "max", 0, "stop after this many joins (0: until stopped)") }},
			{Name: "join", Purpose: "join through a host: type the code it shows", Run: join},
			{Name: "leave", Purpose: "forget the swarm secret", Run: leave},
			{Name: "status", Purpose: "say where the device stands", Run: status},
			{Name: "run", Purpose: "rejoin the swarm and serve the lamp until stopped", Run: run},
			{Name: "call", Purpose: "call a peripheral method on a zone (by name or id)", Args: "ZONE PERIPHERAL METHOD [JSON-ARG...]",
				MinArgs: 3, MaxArgs: -1, Run: call},
			{Name: "rotate", Purpose: "rotate the swarm secret, leaving out the given devices (pocket)", Run: rotate,
				Flags: func(f *cli.FlagSet) {
					f.String(&exclude, "exclude", "", "comma-separated zone ids or names to leave out")
					f.Bool(&recoverSwarm, "recover", false, "also leave out every other device that announces itself as controller (a lost pocket)")
				}},
		},
	})
}

func withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, timeout)
}

func create(_ context.Context, e *cli.Env) error {
	d, err := open(e)
	if err != nil {
		return err
	}
	g, err := d.Create()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "created swarm %s (epoch %d); this pocket is its controller\n", g.Swarm, g.Epoch)
	return nil
}

func add(ctx context.Context, e *cli.Env) error {
	d, err := open(e)
	if err != nil {
		return err
	}
	give, err := d.Grant()
	if err != nil {
		return fmt.Errorf("%s", d.Status())
	}
	t, err := transport()
	if err != nil {
		return err
	}
	defer t.Close()
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	fmt.Fprintln(e.Stderr, "listening for zones that accept pairing...")
	z, err := pairing.DeliverToPending(ctx, t, d.Identity(), give, pairing.DeliverCallbacks{
		Ready: func(p pairing.Pending) { fmt.Fprintf(e.Stderr, "  zone %q (%s) is waiting\n", p.Label, p.ComputerID) },
		Choose: func(ps []pairing.Pending) (int, bool) {
			if len(ps) == 1 {
				return 0, true
			}
			for i, p := range ps {
				fmt.Fprintf(e.Stderr, "  %d. %s\n", i+1, p.Label)
			}
			s, err := readLine("pair which zone (number, empty to wait for more)? ", e)
			n, perr := strconv.Atoi(s)
			if err != nil || perr != nil || n < 1 || n > len(ps) {
				return 0, false
			}
			return n - 1, true
		},
		CodePrompt: func(p pairing.Pending) (string, error) {
			return readLine(fmt.Sprintf("code on %s's screen: ", p.Label), e)
		},
		CodeInvalid: func(msg string) { fmt.Fprintf(e.Stderr, "%s; try again\n", msg) },
	}, timeout)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "paired %s (%s)\n", z.Label, z.ComputerID)
	return nil
}

func accept(ctx context.Context, e *cli.Env) error {
	d, err := open(e)
	if err != nil {
		return err
	}
	if d.InSwarm() {
		return fmt.Errorf("%s; leave it first", d.Status())
	}
	t, err := transport()
	if err != nil {
		return err
	}
	defer t.Close()
	pctx, cancel := withTimeout(ctx)
	defer cancel()
	g, err := pairing.AcceptFromPocket(pctx, t, d.Identity(), pairing.AcceptCallbacks{
		DisplayCode: func(c pairing.Code) { fmt.Fprintf(e.Stdout, "code: %s\n", c) },
		Status:      func(s string) { fmt.Fprintln(e.Stderr, s) },
	})
	if err != nil {
		return err
	}
	if err := d.Join(*g); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "joined swarm %s (epoch %d) from %s\n", g.Swarm, g.Epoch, g.ZoneName)
	if !serve {
		return nil
	}
	return runNode(ctx, d, t, e)
}

func host(ctx context.Context, e *cli.Env) error {
	d, err := open(e)
	if err != nil {
		return err
	}
	give, err := d.Grant()
	if err != nil {
		return fmt.Errorf("%s", d.Status())
	}
	t, err := transport()
	if err != nil {
		return err
	}
	defer t.Close()
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	var opts []pairing.Option
	if maxJoins > 0 {
		opts = append(opts, pairing.WithMaxJoins(maxJoins))
	}
	n, err := pairing.HostSession(ctx, t, d.Identity(), give, pairing.HostCallbacks{
		DisplayCode: func(c pairing.Code) { fmt.Fprintf(e.Stdout, "code: %s\n", c) },
		Join:        func(id pairing.Identity) { fmt.Fprintf(e.Stderr, "%s (%s) joined\n", id.Label, id.ComputerID) },
		Status:      func(s string) { fmt.Fprintln(e.Stderr, s) },
	}, opts...)
	fmt.Fprintf(e.Stdout, "%d joined\n", n)
	return err
}

func join(ctx context.Context, e *cli.Env) error {
	d, err := open(e)
	if err != nil {
		return err
	}
	t, err := transport()
	if err != nil {
		return err
	}
	defer t.Close()
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	for {
		code, err := readLine("code on the host's screen: ", e)
		if err != nil {
			return err
		}
		g, err := pairing.JoinWithCode(ctx, t, d.Identity(), code, pairing.JoinCallbacks{
			Status: func(s string) { fmt.Fprintln(e.Stderr, s) }})
		if errors.Is(err, pairing.ErrWrongCode) || errors.Is(err, pairing.ErrBadCode) {
			fmt.Fprintf(e.Stderr, "%v; try again\n", err)
			continue
		}
		if err != nil {
			return err
		}
		if err := d.Join(*g); err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "joined swarm %s (epoch %d) through %s\n", g.Swarm, g.Epoch, g.ZoneName)
		if d.Config().IsController {
			fmt.Fprintln(e.Stdout, "this pocket is now the controller; to shut out a lost pocket run: pairing rotate -recover")
		}
		return nil
	}
}

func leave(_ context.Context, e *cli.Env) error {
	d, err := open(e)
	if err != nil {
		return err
	}
	if err := d.Leave(); err != nil {
		return err
	}
	fmt.Fprintln(e.Stdout, d.Status())
	return nil
}

func status(_ context.Context, e *cli.Env) error {
	d, err := open(e)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.Stdout, d.Status())
	fmt.Fprintf(e.Stdout, "id %s; can: %s\n", d.Identity().ComputerID, strings.Join(d.Actions(), ", "))
	return nil
}

func run(ctx context.Context, e *cli.Env) error {
	d, err := open(e)
	if err != nil {
		return err
	}
	if !d.InSwarm() {
		return errors.New(d.Status())
	}
	t, err := transport()
	if err != nil {
		return err
	}
	defer t.Close()
	return runNode(ctx, d, t, e)
}

// findMember waits until a member with the given id or name is known.
func findMember(ctx context.Context, n *pairing.Node, who string) (pairing.Member, error) {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		for _, m := range n.Members() {
			if (m.ZoneID == who || m.ZoneName == who) && m.Addr != "" {
				return m, nil
			}
		}
		select {
		case <-ctx.Done():
			return pairing.Member{}, fmt.Errorf("no member %q answered", who)
		case <-tick.C:
		}
	}
}

func startNode(ctx context.Context, e *cli.Env) (*pairing.Node, func(), error) {
	d, err := open(e)
	if err != nil {
		return nil, nil, err
	}
	if !d.InSwarm() {
		return nil, nil, errors.New(d.Status())
	}
	t, err := transport()
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	n, err := d.Start(ctx, t, nil, pairing.WithLogger(cli.Logger(e.Stderr)))
	if err != nil {
		cancel()
		t.Close()
		return nil, nil, err
	}
	done := make(chan struct{})
	go func() { n.Run(ctx); close(done) }()
	return n, func() { cancel(); <-done; t.Close() }, nil
}

func call(ctx context.Context, e *cli.Env) error {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	n, stop, err := startNode(ctx, e)
	if err != nil {
		return err
	}
	defer stop()
	m, err := findMember(ctx, n, e.Args[0])
	if err != nil {
		return err
	}
	args := make([]any, 0, len(e.Args)-3)
	for _, a := range e.Args[3:] {
		if !json.Valid([]byte(a)) {
			return fmt.Errorf("argument %q is not JSON", a)
		}
		args = append(args, json.RawMessage(a))
	}
	res, err := n.Call(ctx, m.ZoneID, e.Args[1], e.Args[2], args...)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "%s\n", res)
	return nil
}

func rotate(ctx context.Context, e *cli.Env) error {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	n, stop, err := startNode(ctx, e)
	if err != nil {
		return err
	}
	defer stop()
	// Give members a moment to announce themselves.
	select {
	case <-time.After(3 * time.Second):
	case <-ctx.Done():
		return ctx.Err()
	}
	var ids []string
	for _, x := range strings.Split(exclude, ",") {
		if x = strings.TrimSpace(x); x == "" {
			continue
		}
		ids = append(ids, x)
		for _, m := range n.Members() {
			if m.ZoneName == x {
				ids = append(ids, m.ZoneID)
			}
		}
	}
	if recoverSwarm {
		offer, err := n.RotationOffer()
		if err != nil {
			return err
		}
		for _, m := range offer.Exclude {
			fmt.Fprintf(e.Stdout, "leaving out %s (%s), which announces itself as controller\n", m.ZoneName, m.ZoneID)
		}
		ids = append(ids, offer.ExcludeIDs()...)
	}
	rctx, rcancel := context.WithTimeout(ctx, 10*time.Second)
	defer rcancel()
	rep, err := n.Rotate(rctx, ids...)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "epoch %d: rekeyed %v, missing %v, left out %v\n", rep.Epoch, rep.Rekeyed, rep.Missing, rep.Excluded)
	return nil
}
