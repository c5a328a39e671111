package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/accordsdk/accord/examples/internal/cli"
	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/integrity"
)

// controllerVerb is a controller call with arguments: check validates the
// flags before anything is dialled, build makes the call (checking what it
// can on chain first), and act estimates it as the authority and sends it
// or writes a Safe transaction file.
func controllerVerb(c *chainFlags, controller *string, name, purpose string, flags func(*cli.FlagSet), check func() error,
	build func(ctx context.Context, e *cli.Env, ch *chain, ctl *trustkernel.Controller) (trustkernel.Call, error)) *cli.Command {
	var s sendFlags
	return &cli.Command{
		Name:    name,
		Purpose: purpose,
		Check: func(*cli.Env) error {
			if check == nil {
				return nil
			}
			return check()
		},
		Flags: func(f *cli.FlagSet) {
			s.declare(f)
			if flags != nil {
				flags(f)
			}
		},
		Run: func(ctx context.Context, e *cli.Env) error {
			addr, err := addressFlag("controller", *controller)
			if err != nil {
				return err
			}
			ch, err := c.dial(ctx)
			if err != nil {
				return err
			}
			defer ch.Close()
			call, err := build(ctx, e, ch, trustkernel.NewController(addr))
			if err != nil {
				return err
			}
			return act(ctx, e, ch, &s, call)
		},
	}
}

// rootPowerVerbs are the root authority's calls (and the pending root
// authority's acceptance).
func rootPowerVerbs(c *chainFlags, controller *string) []*cli.Command {
	var policy, registry, rootTo string
	var unpin, withdraw bool
	// Parsed by the checks, used by the builds.
	var policyHash [32]byte
	var registryAddr, to common.Address
	return []*cli.Command{
		controllerVerb(c, controller, "set-policy", "change the active policy hash (root authority; also while paused)",
			func(f *cli.FlagSet) {
				f.String(&policy, "policy-hash", "", "the new policy hash `hex`").Required()
			},
			func() (err error) {
				policyHash, err = hashFlag("policy-hash", policy)
				return err
			},
			func(ctx context.Context, e *cli.Env, ch *chain, ctl *trustkernel.Controller) (trustkernel.Call, error) {
				return ctl.SetPolicyHash(policyHash), nil
			}),
		controllerVerb(c, controller, "set-registry", "pin the release registry proposals must name releases of, or unpin it (root authority)",
			func(f *cli.FlagSet) {
				f.String(&registry, "registry", "", "the ReleaseRegistry `address` to pin (its code is checked first)")
				f.Bool(&unpin, "unpin", false, "unpin the registry: raw roots may be proposed again")
				f.Exclusive("registry", "unpin")
			},
			func() (err error) {
				switch {
				case unpin:
					registryAddr = common.Address{}
				case registry == "":
					err = cli.Exit(2, errors.New("give -registry ADDRESS, or -unpin"))
				default:
					registryAddr, err = addressFlag("registry", registry)
				}
				return err
			},
			func(ctx context.Context, e *cli.Env, ch *chain, ctl *trustkernel.Controller) (trustkernel.Call, error) {
				if unpin {
					return ctl.SetReleaseRegistry(common.Address{}), nil
				}
				addr := registryAddr
				code, err := ch.client.CodeAt(ctx, addr, nil)
				if err != nil {
					return trustkernel.Call{}, err
				}
				if got, want := crypto.Keccak256Hash(code), trustkernel.RegistryCodeHash(); got != want {
					return trustkernel.Call{}, &trustkernel.CodeMismatchError{What: "ReleaseRegistry", Address: addr, Got: got, Want: want}
				}
				return ctl.SetReleaseRegistry(addr), nil
			}),
		replaceAuthorityVerb(c, controller, "set-upgrade-authority", "upgrade authority", (*trustkernel.Controller).SetUpgradeAuthority),
		replaceAuthorityVerb(c, controller, "set-emergency-authority", "emergency authority", (*trustkernel.Controller).SetEmergencyAuthority),
		controllerVerb(c, controller, "transfer-root", "offer the root authority role to an address, which must accept it (root authority)",
			func(f *cli.FlagSet) {
				f.String(&rootTo, "to", "", "the `address` offered the role")
				f.Bool(&withdraw, "withdraw", false, "withdraw a pending offer")
				f.Exclusive("to", "withdraw")
			},
			func() (err error) {
				switch {
				case withdraw:
					to = common.Address{}
				case rootTo == "":
					err = cli.Exit(2, errors.New("give -to ADDRESS, or -withdraw"))
				default:
					to, err = addressFlag("to", rootTo)
				}
				return err
			},
			func(ctx context.Context, e *cli.Env, ch *chain, ctl *trustkernel.Controller) (trustkernel.Call, error) {
				return ctl.TransferRootAuthority(to), nil
			}),
		controllerVerb(c, controller, "accept-root", "accept the root authority role offered by transfer-root (the offered address)", nil, nil,
			func(ctx context.Context, e *cli.Env, ch *chain, ctl *trustkernel.Controller) (trustkernel.Call, error) {
				return ctl.AcceptRootAuthority(), nil
			}),
	}
}

// releaseVerb publishes and shows releases of a ReleaseRegistry.
func releaseVerb(c *chainFlags) *cli.Command {
	var registry, component string
	var version uint64
	registryFlags := func(f *cli.FlagSet) {
		f.String(&registry, "registry", "", "the ReleaseRegistry `address`").Env("TRUSTKERNEL_REGISTRY").Required()
		f.String(&component, "component", "", "the component `name` (hashed) or 0x id").Required()
		f.Uint64(&version, "version", 0, "the release's `version`").Required()
	}
	// name returns the registry and the component id.
	name := func() (*trustkernel.Registry, [32]byte, error) {
		addr, err := addressFlag("registry", registry)
		if err != nil {
			return nil, [32]byte{}, err
		}
		id, err := componentFlag(component)
		return trustkernel.NewRegistry(addr), id, err
	}
	var s sendFlags
	var manifest, root, uri, meta string
	publish := &cli.Command{
		Name:    "publish",
		Purpose: "publish a release: (component, version) -> root and URI hash (registry owner)",
		Workflow: `Versions of a component strictly increase and a release is never changed.
A controller that pins this registry then takes propose -component -version.`,
		Flags: func(f *cli.FlagSet) {
			s.declare(f)
			registryFlags(f)
			f.String(&manifest, "manifest", "", "the release's manifest JSON `file` (its root is published)")
			f.String(&root, "root", "", "the release's root `hex` (instead of -manifest)")
			f.String(&uri, "uri", "", "`URI` where the manifest is published (its Keccak-256 is published)").Required()
			f.String(&meta, "meta-hash", "", "hash `hex` of the release's metadata (optional)")
			f.Exclusive("manifest", "root")
		},
		Run: func(ctx context.Context, e *cli.Env) error {
			reg, id, err := name()
			if err != nil {
				return err
			}
			var r [32]byte
			switch {
			case manifest != "":
				m, err := readManifest(manifest)
				if err != nil {
					return err
				}
				if r, err = m.Root(); err != nil {
					return err
				}
			case root != "":
				if r, err = hashFlag("root", root); err != nil {
					return err
				}
			default:
				return cli.Exit(2, errors.New("give -manifest or -root"))
			}
			metaHash, err := hashFlag("meta-hash", meta)
			if err != nil {
				return err
			}
			ch, err := c.dial(ctx)
			if err != nil {
				return err
			}
			defer ch.Close()
			fmt.Fprintf(e.Stdout, "publishing %s version %d (component %x) in registry %s: root %x\n", component, version, id, reg.Address.Hex(), r)
			return act(ctx, e, ch, &s, reg.Publish(id, version, r, integrity.URIHash(uri), metaHash))
		},
	}
	show := &cli.Command{
		Name:    "show",
		Purpose: "show a published release (read from one endpoint)",
		Flags:   registryFlags,
		Run: func(ctx context.Context, e *cli.Env) error {
			reg, id, err := name()
			if err != nil {
				return err
			}
			ch, err := c.dial(ctx)
			if err != nil {
				return err
			}
			defer ch.Close()
			rel, err := reg.Release(ctx, ch.client, nil, id, version)
			if err != nil {
				return releaseErr(component, version, reg.Address, err)
			}
			fmt.Fprintf(e.Stdout, "release %s version %d (component %x) in registry %s\n", component, version, id, reg.Address.Hex())
			fmt.Fprintf(e.Stdout, "root %x\nuri hash %x\nmeta hash %x\npublished %s\n", rel.Root, rel.URIHash, rel.MetaHash,
				time.Unix(int64(rel.PublishedAt), 0).UTC().Format(time.RFC3339))
			return nil
		},
	}
	var sendT, sendA sendFlags
	var ownerRegistry, newOwner string
	transfer := &cli.Command{
		Name:    "transfer-owner",
		Purpose: "offer the registry's ownership (the power to publish) to an address, which must accept it (registry owner)",
		Flags: func(f *cli.FlagSet) {
			sendT.declare(f)
			f.String(&ownerRegistry, "registry", "", "the ReleaseRegistry `address`").Env("TRUSTKERNEL_REGISTRY").Required()
			f.String(&newOwner, "to", "", "the `address` offered ownership").Required()
		},
		Check: func(*cli.Env) error {
			if _, err := addressFlag("registry", ownerRegistry); err != nil {
				return err
			}
			_, err := addressFlag("to", newOwner)
			return err
		},
		Run: func(ctx context.Context, e *cli.Env) error {
			ch, err := c.dial(ctx)
			if err != nil {
				return err
			}
			defer ch.Close()
			reg := trustkernel.NewRegistry(common.HexToAddress(ownerRegistry))
			return act(ctx, e, ch, &sendT, reg.TransferOwnership(common.HexToAddress(newOwner)))
		},
	}
	accept := &cli.Command{
		Name:    "accept-owner",
		Purpose: "accept the registry's ownership offered by transfer-owner (the offered address)",
		Flags: func(f *cli.FlagSet) {
			sendA.declare(f)
			f.String(&ownerRegistry, "registry", "", "the ReleaseRegistry `address`").Env("TRUSTKERNEL_REGISTRY").Required()
		},
		Check: func(*cli.Env) error {
			_, err := addressFlag("registry", ownerRegistry)
			return err
		},
		Run: func(ctx context.Context, e *cli.Env) error {
			ch, err := c.dial(ctx)
			if err != nil {
				return err
			}
			defer ch.Close()
			return act(ctx, e, ch, &sendA, trustkernel.NewRegistry(common.HexToAddress(ownerRegistry)).AcceptOwnership())
		},
	}
	return &cli.Command{
		Name:     "release",
		Purpose:  "publish and show releases of a ReleaseRegistry, hand over its ownership",
		Commands: []*cli.Command{publish, show, transfer, accept},
	}
}

// replaceAuthorityVerb is a verb of the root authority that replaces the authority
// called role with the address given as -to.
func replaceAuthorityVerb(c *chainFlags, controller *string, name, role string,
	set func(*trustkernel.Controller, common.Address) trustkernel.Call) *cli.Command {
	var flag string
	var to common.Address
	return controllerVerb(c, controller, name, "replace the "+role+" (root authority)",
		func(f *cli.FlagSet) {
			f.String(&flag, "to", "", "the new "+role+" `address` (an EOA or a Safe)").Required()
		},
		func() (err error) {
			to, err = addressFlag("to", flag)
			return err
		},
		func(ctx context.Context, e *cli.Env, ch *chain, ctl *trustkernel.Controller) (trustkernel.Call, error) {
			return set(ctl, to), nil
		})
}
