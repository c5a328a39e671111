package cli_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/accordsdk/accord/examples/internal/cli"
)

type result struct {
	code           int
	stdout, stderr string
}

func run(c *cli.Command, env map[string]string, args ...string) result {
	var out, errb bytes.Buffer
	code := c.Execute(context.Background(), args, &out, &errb, func(k string) string { return env[k] })
	return result{code, out.String(), errb.String()}
}

type tool struct {
	home, data, cert, key string
	count                 int
	wait                  time.Duration
	init                  bool
	title                 string
	ran                   []string
}

func (t *tool) command() *cli.Command {
	return &cli.Command{
		Name:     "tool",
		Purpose:  "does things to a registry",
		Workflow: "tool -init -data DIR, then tool item create NAME.",
		Flags: func(f *cli.FlagSet) {
			f.String(&t.data, "data", "tool-data", "data `DIR`").Env("TOOL_DATA")
			f.Init(&t.init)
		},
		Commands: []*cli.Command{
			{
				Name:    "send",
				Purpose: "send heartbeats",
				Flags: func(f *cli.FlagSet) {
					f.String(&t.home, "home", "", "heartbeat `URL`").Env("TOOL_HOME").Required()
					f.Int(&t.count, "count", 1, "heartbeats to send")
					f.Duration(&t.wait, "interval", time.Second, "time between heartbeats")
					f.String(&t.cert, "tls-cert", "", "certificate")
					f.String(&t.key, "tls-key", "", "key")
					f.Together("tls-cert", "tls-key")
				},
				Check: func(e *cli.Env) error {
					if err := e.Flags.NonNegative("count"); err != nil {
						return err
					}
					return e.Flags.URL("home", "http", "https")
				},
				Run: func(ctx context.Context, e *cli.Env) error {
					t.ran = append(t.ran, fmt.Sprintf("send %s %d %s", t.home, t.count, t.data))
					if t.count == 0 {
						return cli.Exit(3, errors.New("nothing acknowledged"))
					}
					return nil
				},
			},
			{
				Name:    "item",
				Purpose: "work with items",
				Commands: []*cli.Command{{
					Name: "create", Purpose: "create an item", Args: "NAME", MinArgs: 1, MaxArgs: 1,
					Flags: func(f *cli.FlagSet) { f.String(&t.title, "title", "", "title") },
					Run: func(ctx context.Context, e *cli.Env) error {
						t.ran = append(t.ran, "create "+e.Args[0]+" "+t.title+" "+t.data)
						return nil
					},
				}},
			},
		},
	}
}

func TestFlagsEnvAndSubcommands(t *testing.T) {
	tl := &tool{}
	r := run(tl.command(), map[string]string{"TOOL_HOME": "http://127.0.0.1:1/hb"}, "-data", "d", "send", "-count", "2")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	// Parent flags after the subcommand; flags after a positional argument.
	r = run(tl.command(), nil, "item", "create", "x", "-data", "e", "-title", "T")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	// The command line beats the environment.
	r = run(tl.command(), map[string]string{"TOOL_HOME": "http://a/", "TOOL_DATA": "envdir"}, "send", "-home", "https://b/")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	want := []string{"send http://127.0.0.1:1/hb 2 d", "create x T e", "send https://b/ 1 envdir"}
	if strings.Join(tl.ran, "|") != strings.Join(want, "|") {
		t.Fatalf("ran %q, want %q", tl.ran, want)
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		env    map[string]string
		args   []string
		code   int
		stderr string
	}{
		{nil, []string{"send"}, 2, "tool send: missing -home (or $TOOL_HOME) (see tool send -h)\n"},
		{nil, []string{"send", "-home", "http://x/", "-count", "-1"}, 2, `tool send: invalid -count "-1": must be 0 or more (see tool send -h)` + "\n"},
		{map[string]string{"TOOL_HOME": "x"}, []string{"send"}, 2, `tool send: invalid $TOOL_HOME (the fallback of -home) "x": want an absolute URL such as http://127.0.0.1:8443/path (see tool send -h)` + "\n"},
		{nil, []string{"send", "-home", "http://x/", "-tls-cert", "c"}, 2, "tool send: -tls-cert is given without -tls-key: give both or neither (see tool send -h)\n"},
		{nil, []string{"send", "-home", "http://x/", "stray"}, 2, `tool send: unexpected argument "stray" (see tool send -h)` + "\n"},
		{nil, []string{"send", "-home", "http://x/", "-count", "0"}, 3, "tool send: nothing acknowledged\n"},
		{nil, []string{"send", "-nope"}, 2, "tool send: flag provided but not defined: -nope (see tool send -h)\n"},
		{nil, []string{"frob"}, 2, `tool: unknown command "frob": want one of send, item (see tool -h)` + "\n"},
		{nil, nil, 2, "tool: missing command: one of send, item (see tool -h)\n"},
		{nil, []string{"item", "create"}, 2, "tool item create: missing argument NAME (see tool item create -h)\n"},
		{nil, []string{"send", "-home", "http://x/", "-interval", "soon"}, 2, `tool send: invalid value "soon" for flag -interval: parse error (see tool send -h)` + "\n"},
		{map[string]string{"TOOL_HOME": "http://x/"}, []string{"send", "-count", "1", "--", "-x"}, 2, `tool send: unexpected argument "-x" (see tool send -h)` + "\n"},
	} {
		r := run((&tool{}).command(), tc.env, tc.args...)
		if r.code != tc.code || r.stderr != tc.stderr || r.stdout != "" {
			t.Errorf("%q: exit %d, stderr %q, stdout %q; want exit %d, stderr %q", tc.args, r.code, r.stderr, r.stdout, tc.code, tc.stderr)
		}
	}
}

func TestHelp(t *testing.T) {
	r := run((&tool{}).command(), nil, "send", "-h")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	for _, want := range []string{
		"tool send: send heartbeats\n",
		"Usage: tool send [flags]\n",
		"  -home URL\n    \theartbeat URL (env $TOOL_HOME; required)\n",
		"  -data DIR\n    \tdata DIR (default tool-data; env $TOOL_DATA)\n",
		"  -count int\n    \theartbeats to send (default 1)\n",
		"  -init\n",
		"  -tls-cert string\n    \tcertificate (needs -tls-key)\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("help lacks %q:\n%s", want, r.stdout)
		}
	}
	r = run((&tool{}).command(), nil, "-h")
	for _, want := range []string{"tool: does things to a registry\n", "\ntool -init -data DIR, then tool item create NAME.\n", "  send  send heartbeats\n", "  item  work with items\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("help lacks %q:\n%s", want, r.stdout)
		}
	}
}

func TestCheckDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lr")
	_, err := cli.CheckDir(dir, "chp-local-registry", false)
	var ne *cli.NoIdentityError
	if !errors.As(err, &ne) || !strings.Contains(err.Error(), "-init") {
		t.Fatalf("got %v, want a NoIdentityError naming -init", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatal("CheckDir created the directory")
	}
	fresh, err := cli.CheckDir(dir, "chp-local-registry", true)
	if err != nil || !fresh {
		t.Fatalf("fresh %v, err %v", fresh, err)
	}
	if err := cli.MarkDir(dir, "chp-local-registry"); err != nil {
		t.Fatal(err)
	}
	if fresh, err := cli.CheckDir(dir, "chp-local-registry", false); err != nil || fresh {
		t.Fatalf("fresh %v, err %v", fresh, err)
	}
	_, err = cli.CheckDir(dir, "chp-global-registry", true)
	var re *cli.RoleError
	if !errors.As(err, &re) || err.Error() != dir+" is a chp-local-registry directory, not a chp-global-registry directory" {
		t.Fatalf("got %v", err)
	}
}

func TestReplyError(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
		want   string
	}{
		{401, `{"error":"signature does not verify","code":"bad_signature"}`, "bad_signature: signature does not verify"},
		{404, "404 page not found\n", "404 Not Found: 404 page not found"},
		{502, "", "502 Bad Gateway"},
		{400, "{\"error\":\"two\\nlines\",\"code\":\"x\"}", "x: two; lines"},
	} {
		if got := cli.ParseReply(tc.status, []byte(tc.body)).Error(); got != tc.want {
			t.Errorf("%d %q: got %q, want %q", tc.status, tc.body, got, tc.want)
		}
	}
}

func TestHostPort(t *testing.T) {
	for addr, ok := range map[string]bool{"127.0.0.1:8443": true, ":0": true, "[::1]:80": true, "8443": false, "host:http": false, "h:70000": false} {
		var a string
		c := &cli.Command{Name: "x", Flags: func(f *cli.FlagSet) { f.String(&a, "addr", "", "address") },
			Check: func(e *cli.Env) error { return e.Flags.HostPort("addr") },
			Run:   func(context.Context, *cli.Env) error { return nil }}
		r := run(c, nil, "-addr", addr)
		if (r.code == 0) != ok {
			t.Errorf("%q: exit %d, stderr %q", addr, r.code, r.stderr)
		}
		if !ok && !strings.HasPrefix(r.stderr, `x: invalid -addr "`+addr+`"`) {
			t.Errorf("%q: stderr %q", addr, r.stderr)
		}
	}
}

func Example() {
	var home string
	var count int
	cmd := &cli.Command{
		Name:     "chp-instance",
		Purpose:  "send call-home heartbeats to a Local Registry",
		Workflow: "Give the registry's address with -home (or $CHP_HOME_URI).",
		Flags: func(f *cli.FlagSet) {
			f.String(&home, "home", "", "the registry's heartbeat `URL`").Env("CHP_HOME_URI").Required()
			f.Int(&count, "count", 1, "heartbeats to send")
		},
		Check: func(e *cli.Env) error { return e.Flags.NonNegative("count") },
		Run: func(ctx context.Context, e *cli.Env) error {
			fmt.Fprintf(e.Stdout, "sending %d to %s\n", count, home)
			return nil
		},
	}
	getenv := func(k string) string {
		if k == "CHP_HOME_URI" {
			return "http://127.0.0.1:8443/registry/heartbeat"
		}
		return ""
	}
	cmd.Execute(context.Background(), []string{"-count", "2"}, os.Stdout, os.Stdout, getenv)
	code := cmd.Execute(context.Background(), []string{"-count", "-2"}, os.Stdout, os.Stdout, getenv)
	fmt.Println("exit status", code)
	// Output:
	// sending 2 to http://127.0.0.1:8443/registry/heartbeat
	// chp-instance: invalid -count "-2": must be 0 or more (see chp-instance -h)
	// exit status 2
}
