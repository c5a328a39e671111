// Command vm-federation runs one mesh of a federation from a state
// directory: its federation API server, and the operator's commands, which
// talk to the running server over a unix socket in the state directory.
//
//	vm-federation -init -data dublin -mesh-id did:vm:mesh:vaultmesh-dublin \
//	    -url http://127.0.0.1:7390 -mesh-scrolls Compliance,Drills serve -listen 127.0.0.1:7390 &
//	vm-federation -data dublin discover --mesh http://127.0.0.1:7391 --key ed25519:z6Mk...
//	vm-federation -data dublin propose --target did:vm:mesh:vaultmesh-berlin --trust-level 2 --scrolls Compliance
//	vm-federation -data berlin proposals list
//	vm-federation -data berlin proposals accept fed-proposal-dublin-2025-12-06-001
//	vm-federation -data dublin append --scroll Compliance '{"check":1}'
//	vm-federation -data dublin notify --mesh did:vm:mesh:vaultmesh-berlin --scroll Compliance
//	vm-federation -data berlin verify --mesh did:vm:mesh:vaultmesh-dublin --scroll Compliance
//	vm-federation -data dublin witness-history --mesh did:vm:mesh:vaultmesh-berlin --last 30d
//	vm-federation -data dublin health --all-peers
//	vm-federation -data dublin agreements revoke fed-agreement-berlin-2025-12-06-002 --notice-days 30
//
// -init creates the mesh's federation key (key.pem, mode 0600) and its
// configuration (config.json). A peer's key always comes from its operator
// (--key, or --bootstrap FILE holding {"mesh_id", "url", "public_key"}),
// never from its URL. Roots are anchored in the mesh's own anchor log
// (origin "<mesh>/anchors", signed by the federation key), which peers
// verify with that key; the tour shows anchoring on a chain.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/examples/internal/cli"
	"github.com/accordsdk/accord/federation"
	"github.com/accordsdk/accord/internal/atomicfile"
	"github.com/accordsdk/accord/internal/keyfile"
	"github.com/accordsdk/accord/internal/loganchor"
	"github.com/accordsdk/accord/internal/merklelog"
	"github.com/accordsdk/accord/internal/strictjson"
)

const role = "vm-federation"

// config is the mesh's configuration, written by -init.
type config struct {
	MeshID        string   `json:"mesh_id"`
	DisplayName   string   `json:"display_name"`
	URL           string   `json:"url"`
	Scrolls       []string `json:"scrolls"`
	PublicScrolls []string `json:"public_scrolls"`
	MinLevel      int      `json:"min_trust_level"`
	Mutual        bool     `json:"requires_mutual"`
	Closed        bool     `json:"closed"` // accepts no proposals
}

func main() { cli.Main(command()) }

// opts are the flags of every command.
type opts struct {
	data, meshID, url, scrolls, public, listen string
	init, closed, all                          bool
	minLevel, level, noticeDays, retention     int
	target, mesh, scroll, reason, key, boot    string
	freq, last                                 string
	every                                      time.Duration
}

func command() *cli.Command {
	var o opts
	admin := func(name string, args func(e *cli.Env) (any, error)) func(ctx context.Context, e *cli.Env) error {
		return func(ctx context.Context, e *cli.Env) error {
			var a any
			if args != nil {
				var err error
				if a, err = args(e); err != nil {
					return err
				}
			}
			out, err := call(ctx, o.data, name, a)
			if err != nil {
				return err
			}
			fmt.Fprintln(e.Stdout, string(out))
			return nil
		}
	}
	mesh := func(f *cli.FlagSet) { f.String(&o.mesh, "mesh", "", "the peer's mesh ID").Required() }
	scroll := func(f *cli.FlagSet) { f.String(&o.scroll, "scroll", "", "scroll name").Required() }
	return &cli.Command{
		Name:    "vm-federation",
		Purpose: "run a federation mesh: discover peers, negotiate agreements, witness and verify scrolls",
		Workflow: "vm-federation -init -data DIR -mesh-id ID -url URL -mesh-scrolls A,B serve -listen ADDR runs the mesh;\n" +
			"the other commands ask the running server (through DIR/admin.sock).",
		Flags: func(f *cli.FlagSet) {
			f.String(&o.data, "data", "vm-federation-data", "state directory of the mesh").Env("VM_FEDERATION_DATA")
			f.Init(&o.init)
			f.String(&o.meshID, "mesh-id", "", "with -init: this mesh's ID (did:vm:mesh:<name>)").Env("VM_FEDERATION_MESH_ID")
			f.String(&o.url, "url", "", "with -init: the URL peers reach this mesh at").Env("VM_FEDERATION_URL")
			f.String(&o.scrolls, "mesh-scrolls", "Compliance", "with -init: the mesh's scrolls, comma-separated").Env("VM_FEDERATION_SCROLLS")
			f.String(&o.public, "public-scrolls", "", "with -init: scrolls readable at trust level 1").Env("VM_FEDERATION_PUBLIC_SCROLLS")
			f.Int(&o.minLevel, "min-trust-level", 1, "with -init: lowest trust level accepted in proposals")
			f.Bool(&o.closed, "closed", false, "with -init: accept no proposals")
		},
		Commands: []*cli.Command{
			{Name: "serve", Purpose: "serve the federation API and the operator socket",
				Flags: func(f *cli.FlagSet) {
					f.String(&o.listen, "listen", "127.0.0.1:7390", "address of the federation API").Env("VM_FEDERATION_LISTEN")
					f.Duration(&o.every, "schedule", time.Minute, "how often to run the witness cycles the agreements call for").Env("VM_FEDERATION_SCHEDULE")
				},
				Check: func(e *cli.Env) error {
					if o.every <= 0 {
						return e.Flags.Invalid("schedule", "must be positive")
					}
					return e.Flags.HostPort("listen")
				},
				Run: func(ctx context.Context, e *cli.Env) error { return serve(ctx, e, &o) }},
			{Name: "discover", Purpose: "fetch a peer's discovery record and record the peer with the key its operator gave",
				Flags: func(f *cli.FlagSet) {
					f.String(&o.mesh, "mesh", "", "the peer's federation URL")
					f.String(&o.key, "key", "", "the peer's federation key (ed25519:z6Mk...), from its operator")
					f.String(&o.boot, "bootstrap", "", "a bootstrap file: {\"mesh_id\", \"url\", \"public_key\"}")
					f.Together("mesh", "key")
					f.Exclusive("key", "bootstrap")
				},
				Check: func(e *cli.Env) error {
					if o.boot == "" && o.key == "" {
						return e.Flags.Invalid("key", "give --mesh with --key, or --bootstrap")
					}
					return e.Flags.File("bootstrap")
				},
				Run: admin("discover", func(e *cli.Env) (any, error) {
					if o.boot == "" {
						return map[string]string{"url": o.mesh, "public_key": o.key}, nil
					}
					b, err := os.ReadFile(o.boot)
					if err != nil {
						return nil, err
					}
					var bs struct {
						MeshID    string `json:"mesh_id"`
						URL       string `json:"url"`
						PublicKey string `json:"public_key"`
					}
					if err := strictjson.Unmarshal(b, &bs); err != nil {
						return nil, fmt.Errorf("bootstrap file %s: %w", o.boot, err)
					}
					return map[string]string{"mesh_id": bs.MeshID, "url": bs.URL, "public_key": bs.PublicKey}, nil
				})},
			{Name: "list-known", Purpose: "list the known peers", Run: admin("list-known", nil)},
			{Name: "propose", Purpose: "propose a trust agreement to a known peer",
				Flags: func(f *cli.FlagSet) {
					f.String(&o.target, "target", "", "the peer's mesh ID").Required()
					f.Int(&o.level, "trust-level", 2, "proposed trust level, 1-4")
					f.String(&o.scroll, "scrolls", "", "scrolls to share, comma-separated").Required()
					f.String(&o.freq, "frequency", "daily", "verification frequency: continuous, hourly, daily, weekly")
					f.Int(&o.retention, "retention-days", 365, "retention period in days")
				},
				Run: admin("propose", func(*cli.Env) (any, error) {
					return map[string]any{"target": o.target, "level": o.level, "scrolls": strings.Split(o.scroll, ","), "frequency": o.freq, "retention": o.retention}, nil
				})},
			{Name: "proposals", Purpose: "list, accept or reject proposals", Commands: []*cli.Command{
				{Name: "list", Purpose: "list proposals sent and received", Run: admin("proposals-list", nil)},
				{Name: "accept", Purpose: "accept a received proposal", Args: "ID", MinArgs: 1, MaxArgs: 1,
					Run: func(ctx context.Context, e *cli.Env) error {
						return admin("proposals-accept", func(e *cli.Env) (any, error) { return map[string]string{"id": e.Args[0]}, nil })(ctx, e)
					}},
				{Name: "reject", Purpose: "reject a received proposal", Args: "ID", MinArgs: 1, MaxArgs: 1,
					Flags: func(f *cli.FlagSet) { f.String(&o.reason, "reason", "", "why").Required() },
					Run: func(ctx context.Context, e *cli.Env) error {
						return admin("proposals-reject", func(e *cli.Env) (any, error) {
							return map[string]string{"id": e.Args[0], "reason": o.reason}, nil
						})(ctx, e)
					}},
			}},
			{Name: "agreements", Purpose: "list or revoke agreements", Commands: []*cli.Command{
				{Name: "list", Purpose: "list agreements", Run: admin("agreements-list", nil)},
				{Name: "revoke", Purpose: "revoke an agreement with notice", Args: "ID", MinArgs: 1, MaxArgs: 1,
					Flags: func(f *cli.FlagSet) {
						f.Int(&o.noticeDays, "notice-days", 30, "days before the revocation takes effect")
						f.String(&o.reason, "reason", "", "why")
					},
					Check: func(e *cli.Env) error { return e.Flags.NonNegative("notice-days") },
					Run: func(ctx context.Context, e *cli.Env) error {
						return admin("agreements-revoke", func(e *cli.Env) (any, error) {
							return map[string]any{"id": e.Args[0], "notice_days": o.noticeDays, "reason": o.reason}, nil
						})(ctx, e)
					}},
			}},
			{Name: "append", Purpose: "append a record to one of this mesh's scrolls", Args: "RECORD", MinArgs: 1, MaxArgs: 1,
				Flags: scroll,
				Run: func(ctx context.Context, e *cli.Env) error {
					return admin("append", func(e *cli.Env) (any, error) { return map[string]string{"scroll": o.scroll, "record": e.Args[0]}, nil })(ctx, e)
				}},
			{Name: "notify", Purpose: "run a witness cycle: anchor a scroll checkpoint and have the peer witness it",
				Flags: func(f *cli.FlagSet) { mesh(f); scroll(f) },
				Run:   admin("notify", func(*cli.Env) (any, error) { return map[string]string{"mesh": o.mesh, "scroll": o.scroll}, nil })},
			{Name: "cross-anchor", Purpose: "anchor a peer's witnessed roots (trust level 3)",
				Flags: mesh,
				Run:   admin("cross-anchor", func(*cli.Env) (any, error) { return map[string]string{"mesh": o.mesh}, nil })},
			{Name: "verify", Purpose: "check a peer's scroll now: checkpoint, consistency with what was witnessed, samples",
				Flags: func(f *cli.FlagSet) { mesh(f); scroll(f) },
				Run:   admin("verify", func(*cli.Env) (any, error) { return map[string]string{"mesh": o.mesh, "scroll": o.scroll}, nil })},
			{Name: "witness-history", Purpose: "list receipts exchanged with a peer",
				Flags: func(f *cli.FlagSet) {
					mesh(f)
					f.String(&o.last, "last", "30d", "how far back: a number of days (30d) or a Go duration (12h)")
				},
				Check: func(e *cli.Env) error {
					if _, err := parseLast(o.last); err != nil {
						return e.Flags.Invalid("last", err.Error())
					}
					return nil
				},
				Run: admin("witness-history", func(*cli.Env) (any, error) {
					d, _ := parseLast(o.last)
					return map[string]any{"mesh": o.mesh, "last_seconds": int64(d / time.Second)}, nil
				})},
			{Name: "status", Purpose: "show this mesh, its peers and agreements", Run: admin("status", nil)},
			{Name: "health", Purpose: "show witnessing health; fails if a peer is overdue or forked",
				Flags: func(f *cli.FlagSet) { f.Bool(&o.all, "all-peers", false, "every peer (the default too)") },
				Run:   admin("health", nil)},
		},
	}
}

// parseLast reads "30d" or a Go duration.
func parseLast(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 0 {
			return 0, fmt.Errorf("%q is not a number of days", s)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is not 30d or a duration", s)
	}
	return d, nil
}

// call sends one operator command to the running server.
func call(ctx context.Context, data, name string, args any) ([]byte, error) {
	sock := filepath.Join(data, "admin.sock")
	if _, err := os.Stat(sock); err != nil {
		return nil, fmt.Errorf("no server running for %s (start vm-federation -data %s serve)", data, data)
	}
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", sock)
	}}, Timeout: 2 * time.Minute}
	body, _ := json.Marshal(args)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://admin/"+name, strings.NewReader(string(body)))
	if err != nil {
		return nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return nil, cli.ParseReply(resp.StatusCode, b)
	}
	return b, nil
}

// serve opens the mesh (creating it with -init) and serves the federation
// API and the operator socket until ctx ends.
func serve(ctx context.Context, e *cli.Env, o *opts) error {
	fresh, err := cli.CheckDir(o.data, role, o.init)
	if err != nil {
		return err
	}
	cfgPath := filepath.Join(o.data, "config.json")
	if fresh {
		if err := e.Flags.URL("url", "http", "https"); err != nil {
			return err
		}
		if o.meshID == "" || o.url == "" {
			return e.Flags.Invalid("mesh-id", "-init needs -mesh-id and -url")
		}
		c := config{MeshID: o.meshID, DisplayName: federation.MeshName(o.meshID), URL: o.url, Scrolls: split(o.scrolls),
			PublicScrolls: split(o.public), MinLevel: o.minLevel, Mutual: true, Closed: o.closed}
		if err := cli.MarkDir(o.data, role); err != nil {
			return err
		}
		if _, _, err := keyfile.LoadOrCreatePrivate(filepath.Join(o.data, "key.pem")); err != nil {
			return err
		}
		b, _ := json.MarshalIndent(c, "", "  ")
		if err := atomicfile.Write(cfgPath, b, 0o600); err != nil {
			return err
		}
	}
	b, err := os.ReadFile(cfgPath)
	if err != nil {
		return err
	}
	var c config
	if err := strictjson.Unmarshal(b, &c); err != nil {
		return fmt.Errorf("%s: %w", cfgPath, err)
	}
	key, err := keyfile.LoadPrivate(filepath.Join(o.data, "key.pem"))
	if err != nil {
		return err
	}
	anchorOrigin := c.MeshID + "/anchors"
	asigner, err := checkpoint.NewSigner(anchorOrigin, key)
	if err != nil {
		return err
	}
	alog, err := merklelog.Open(filepath.Join(o.data, "anchors"), merklelog.Options{Origin: anchorOrigin, Signer: asigner})
	if err != nil {
		return err
	}
	defer alog.Close()
	anchorer, err := loganchor.New(alog, asigner.Verifier())
	if err != nil {
		return err
	}
	var m *federation.Mesh
	peerAnchorer := func(peer string) (checkpoint.Anchorer, error) {
		for _, p := range m.Peers() {
			if p.MeshID == peer {
				v, err := checkpoint.LogVerifier(peer+"/anchors", p.Key)
				if err != nil {
					return nil, err
				}
				return loganchor.NewVerifier(v, nil, 0)
			}
		}
		return nil, fmt.Errorf("%w: %s", federation.ErrUnknownMesh, peer)
	}
	m, err = federation.NewMesh(filepath.Join(o.data, "mesh"), key, federation.Config{
		MeshID: c.MeshID, DisplayName: c.DisplayName, FederationURL: c.URL, Scrolls: c.Scrolls, PublicScrolls: c.PublicScrolls,
		Policy: federation.TrustPolicy{AcceptsProposals: !c.Closed, MinTrustLevel: federation.Level(c.MinLevel), RequiresMutual: c.Mutual},
	}, federation.WithAnchorer(anchorer), federation.WithPeerAnchorer(peerAnchorer), federation.WithLogger(cli.Logger(e.Stderr)))
	if err != nil {
		return err
	}
	defer m.Close()

	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return err
	}
	sock := filepath.Join(o.data, "admin.sock")
	os.Remove(sock)
	aln, err := net.Listen("unix", sock)
	if err != nil {
		ln.Close()
		return err
	}
	defer os.Remove(sock)
	if err := os.Chmod(sock, 0o600); err != nil {
		return err
	}
	srv := federation.NewServer("", m.Handler())
	asrv := federation.NewServer("", adminHandler(m))
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	go func() { errc <- asrv.Serve(aln) }()
	fmt.Fprintf(e.Stderr, "vm-federation: %s (key %s) serving on %s\n", c.MeshID, m.PublicKey(), ln.Addr())
	// The agreements' verification_frequency schedules the witness cycles
	// of this mesh's shared scrolls.
	go func() {
		t := time.NewTicker(o.every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			for _, d := range m.Due() {
				r, err := m.NotifyPeer(ctx, d.Peer, d.Scroll)
				switch {
				case err != nil:
					fmt.Fprintf(e.Stderr, "vm-federation: witness cycle of %s by %s: %s\n", d.Scroll, d.Peer, cli.OneLine(err.Error()))
				case r.VerificationResult != federation.ResultVerified:
					fmt.Fprintf(e.Stderr, "vm-federation: witness cycle of %s by %s: %s\n", d.Scroll, d.Peer, r.VerificationResult)
				}
			}
		}
	}()
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	srv.Shutdown(shut)
	asrv.Shutdown(shut)
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

func split(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}
