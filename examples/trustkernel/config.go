package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/accordsdk/accord/examples/internal/cli"
	"github.com/accordsdk/accord/internal/atomicfile"
	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/quorum"
)

// lookupNetwork returns the -network preset.
func lookupNetwork(name string) (trustkernel.Network, error) {
	var names []string
	for _, n := range trustkernel.Networks() {
		if n.Name == name {
			return n, nil
		}
		names = append(names, n.Name)
	}
	return trustkernel.Network{}, cli.Exit(2, fmt.Errorf("-network %q: want one of %s", name, strings.Join(names, ", ")))
}

// endpoints returns -rpc's URLs, or the network preset's default endpoints.
func (c *chainFlags) endpoints() ([]string, *trustkernel.Network, error) {
	var net *trustkernel.Network
	if c.network != "" {
		n, err := lookupNetwork(c.network)
		if err != nil {
			return nil, nil, err
		}
		net = &n
	}
	var urls []string
	for _, u := range strings.Split(c.rpc, ",") {
		if u = strings.TrimSpace(u); u != "" {
			urls = append(urls, u)
		}
	}
	if len(urls) == 0 && net != nil {
		urls = net.RPCEndpoints
	}
	if len(urls) == 0 {
		return nil, nil, cli.Exit(2, errors.New("missing -rpc (or $TRUSTKERNEL_RPC) or -network: the endpoints to read"))
	}
	return urls, net, nil
}

// statusVerb reads a controller through the quorum of endpoints.
func statusVerb(c *chainFlags, controller, implementation *string, quorum, confirmations *int, dev *bool) *cli.Command {
	return &cli.Command{
		Name:    "status",
		Purpose: "read a controller through a quorum of endpoints: genuine clone, active root, pause, pending upgrade",
		Run: func(ctx context.Context, e *cli.Env) error {
			urls, _, err := c.endpoints()
			if err != nil {
				return err
			}
			return inspect(ctx, e.Stdout, urls, *quorum, *controller, *implementation, uint64(*confirmations), *dev)
		},
	}
}

// writeConfigVerb writes the server's trust.web3 configuration after
// checking it against the chain.
func writeConfigVerb(c *chainFlags, controller *string, quorum *int, dev *bool) *cli.Command {
	var out, registry, mode, outbox string
	var maxStale int
	return &cli.Command{
		Name:    "write-config",
		Purpose: "write the server's trust.web3 configuration, checked through the quorum first",
		Workflow: `The file names the endpoints (-rpc, or the -network preset's), the quorum
(-quorum; with -network and no -quorum, the smallest majority), the chain id
(the preset's, or the one the endpoints serve) and the controller. Before
writing, the endpoints must agree, through the quorum, that the controller is
a genuine clone of the genuine implementation.`,
		Flags: func(f *cli.FlagSet) {
			f.String(&out, "out", "", "configuration `file` to write").Required()
			f.String(&registry, "registry", "", "release registry `address` (optional)")
			f.String(&mode, "mode", string(trustkernel.ModeRootURI), "trust `mode`: root_uri or full")
			f.Int(&maxStale, "max-stale", 180, "seconds the last agreed state may be used for reads")
			f.String(&outbox, "outbox", "", "absolute `directory` buffering critical writes while the quorum is lost")
		},
		Run: func(ctx context.Context, e *cli.Env) error {
			urls, net, err := c.endpoints()
			if err != nil {
				return err
			}
			w := map[string]any{"rpc_endpoints": urls, "max_stale_sec": maxStale, "mode": mode}
			contracts := map[string]any{"instance_controller": *controller}
			if registry != "" {
				contracts["release_registry"] = registry
			}
			w["contracts"] = contracts
			if outbox != "" {
				w["tx_outbox_dir"] = filepath.Clean(outbox)
			}
			if net != nil {
				w["network"] = net.Name
			}
			if net == nil || e.Flags.Lookup("quorum").IsSet() {
				w["rpc_quorum"] = *quorum
			}
			if net == nil {
				id, err := agreedChainID(ctx, urls, *quorum, *dev)
				if err != nil {
					return err
				}
				w["chain_id"] = id
			}
			draft, err := json.Marshal(map[string]any{"trust": map[string]any{"web3": w}})
			if err != nil {
				return err
			}
			var opts []trustkernel.ConfigOption
			if *dev {
				opts = append(opts, trustkernel.AllowDevelopmentQuorum())
			}
			cfg, err := trustkernel.ParseConfig(draft, opts...)
			if err != nil {
				return err
			}
			reader, err := cfg.QuorumReader()
			if err != nil {
				return err
			}
			defer reader.Close()
			state := &trustkernel.ControllerState{Reader: reader, Controller: cfg.InstanceController}
			obs, err := state.State(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.Stdout, "controller %s is a genuine clone on chain %d, agreed by %d of %d endpoints at block %d (active root %x, paused %v)\n",
				cfg.InstanceController.Hex(), cfg.ChainID, cfg.RPCQuorum, len(cfg.RPCEndpoints), obs.Block.Number, obs.ActiveRoot, obs.Paused)
			if _, err := os.Lstat(out); err == nil {
				return fmt.Errorf("%s exists: not replacing it", out)
			}
			data, err := json.MarshalIndent(cfg, "", "  ")
			if err != nil {
				return err
			}
			if err := atomicfile.Write(out, append(data, '\n'), 0o644); err != nil {
				return err
			}
			fmt.Fprintf(e.Stdout, "wrote %s\n", out)
			return nil
		},
	}
}

// agreedChainID asks each endpoint for eth_chainId and returns the chain
// id at least quorum of them answer (the quorum reader built from the
// configuration then checks it on every endpoint again).
func agreedChainID(ctx context.Context, urls []string, k int, dev bool) (uint64, error) {
	if k < 2 && !dev {
		return 0, fmt.Errorf("%w: -quorum %d", quorum.ErrSingleEndpoint, k)
	}
	votes := map[uint64]int{}
	var errs []error
	for _, u := range urls {
		c, err := ethclient.DialContext(ctx, u)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", u, err))
			continue
		}
		id, err := c.ChainID(ctx)
		c.Close()
		if err != nil || !id.IsUint64() {
			errs = append(errs, fmt.Errorf("%s: chain id: %v", u, err))
			continue
		}
		votes[id.Uint64()]++
	}
	for id, n := range votes {
		if n >= k {
			return id, nil
		}
	}
	return 0, fmt.Errorf("no chain id is served by %d of %d endpoints (%v): %w", k, len(urls), votes, errors.Join(errs...))
}
