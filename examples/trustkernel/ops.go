package main

import (
	"bytes"
	"cmp"
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/accordsdk/accord/examples/internal/cli"
	"github.com/accordsdk/accord/internal/atomicfile"
	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/integrity"
)

// chainFlags are the root flags every operator verb reads: the endpoint(s)
// and the network preset.
type chainFlags struct {
	rpc, network string
}

// sendFlags choose how a verb acts: sent from the keystore key, or written
// as a Safe transaction file for the Safe's owners, or only estimated.
type sendFlags struct {
	keyFlags
	safe, out string
	dryRun    bool
}

func (s *sendFlags) declare(f *cli.FlagSet) {
	s.keyFlags.declare(f)
	f.String(&s.safe, "safe", "", "the authority is this Safe `address`: write a Safe transaction file (-out) for its owners instead of sending")
	f.String(&s.out, "out", "", "with -safe: the Safe transaction `file` to write")
	f.Bool(&s.dryRun, "dry-run", false, "show the estimate and stop: send nothing, write nothing")
	f.Together("safe", "out")
}

// chain is an endpoint to send through, with what the verbs print.
type chain struct {
	client  *ethclient.Client
	chainID uint64
	network *trustkernel.Network
}

// dial connects to the one endpoint a sending verb uses: -rpc, or the
// network preset's default endpoint. With a preset the endpoint must serve
// the preset's chain.
func (c *chainFlags) dial(ctx context.Context) (*chain, error) {
	var net *trustkernel.Network
	if c.network != "" {
		n, err := lookupNetwork(c.network)
		if err != nil {
			return nil, err
		}
		net = &n
	}
	url := c.rpc
	if url == "" && net != nil {
		url = net.RPCEndpoints[0]
	}
	if url == "" {
		return nil, cli.Exit(2, errors.New("missing -rpc (or $TRUSTKERNEL_RPC) or -network: the endpoint to send through"))
	}
	if strings.Contains(url, ",") {
		return nil, cli.Exit(2, errors.New("-rpc: this command sends through one endpoint; give one URL"))
	}
	client, err := ethclient.DialContext(ctx, url)
	if err != nil {
		return nil, err
	}
	id, err := client.ChainID(ctx)
	if err != nil {
		client.Close()
		return nil, fmt.Errorf("%s: chain id: %w", url, err)
	}
	if net != nil && (!id.IsUint64() || id.Uint64() != net.ChainID) {
		client.Close()
		return nil, fmt.Errorf("%s serves chain %v, network %s is chain %d", url, id, net.Name, net.ChainID)
	}
	return &chain{client: client, chainID: id.Uint64(), network: net}, nil
}

func (c *chain) Close() { c.client.Close() }

// transactor signs transactions for this chain with key.
func (c *chain) transactor(key *ecdsa.PrivateKey) *bind.TransactOpts {
	return bind.NewKeyedTransactor(key, new(big.Int).SetUint64(c.chainID))
}

// price reads eth_gasPrice.
func (c *chain) price(ctx context.Context) (*big.Int, error) {
	p, err := c.client.SuggestGasPrice(ctx)
	if err != nil {
		return nil, fmt.Errorf("gas price: %w", err)
	}
	return p, nil
}

// showEstimate prints one call's estimate.
func showEstimate(e *cli.Env, method string, gas uint64, price *big.Int) {
	wei := new(big.Int).Mul(new(big.Int).SetUint64(gas), price)
	fmt.Fprintf(e.Stdout, "estimate: %s %d gas at %s gwei = %s ETH\n", method, gas, trustkernel.FormatUnits(price, 9), trustkernel.FormatUnits(wei, 18))
}

// act estimates call as the authority and then sends it from the keystore
// key, or writes it as a Safe transaction file with -safe. The estimate is
// printed before anything is sent or written.
func act(ctx context.Context, e *cli.Env, c *chain, s *sendFlags, call trustkernel.Call) error {
	var key *ecdsa.PrivateKey
	var from common.Address
	if s.safe != "" {
		if !common.IsHexAddress(s.safe) {
			return cli.Exit(2, fmt.Errorf("-safe %q is not an address", s.safe))
		}
		from = common.HexToAddress(s.safe)
	} else {
		var err error
		if key, err = s.load(e); err != nil {
			return err
		}
		from = crypto.PubkeyToAddress(key.PublicKey)
	}
	price, err := c.price(ctx)
	if err != nil {
		return err
	}
	gas, err := trustkernel.EstimateCall(ctx, c.client, from, call)
	if err != nil {
		return refusal(call.Method, from, err)
	}
	showEstimate(e, call.Method, gas, price)
	if s.dryRun {
		fmt.Fprintln(e.Stdout, "dry run: nothing sent")
		return nil
	}
	if s.safe != "" {
		return writeSafeTx(ctx, e, c, from, s.out, call)
	}
	rcpt, err := trustkernel.Send(ctx, c.client, c.transactor(key), call)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "sent %s from %s: tx %s, block %v, %d gas used\n", call.Method, from.Hex(), rcpt.TxHash.Hex(), rcpt.BlockNumber, rcpt.GasUsed)
	if c.network != nil {
		if u := c.network.TxURL(rcpt.TxHash.Hex()); u != "" {
			fmt.Fprintln(e.Stdout, u)
		}
	}
	return nil
}

// roles names who may call each contract function.
var roles = map[string]string{
	"proposeUpgrade": "the upgrade authority", "proposeRelease": "the upgrade authority",
	"activateUpgrade": "the upgrade authority", "publishManifestChunks": "the upgrade authority",
	"cancelUpgrade": "the upgrade, root or emergency authority",
	"pause":         "the emergency authority", "unpause": "the emergency authority",
	"setPolicyHash": "the root authority", "setReleaseRegistry": "the root authority",
	"setUpgradeAuthority": "the root authority", "setEmergencyAuthority": "the root authority",
	"transferRootAuthority": "the root authority", "acceptRootAuthority": "the address offered the root authority role",
	"publish": "the registry's owner", "transferOwnership": "the registry's owner",
	"acceptOwnership": "the address offered the registry's ownership",
}

// refusal says, when the chain refuses a call because of who sends it,
// whose power the call is.
func refusal(method string, from common.Address, err error) error {
	if errors.Is(err, trustkernel.ErrUnauthorized) || errors.Is(err, trustkernel.ErrNotOwner) ||
		errors.Is(err, trustkernel.ErrNotPendingRootAuthority) || errors.Is(err, trustkernel.ErrNotPendingOwner) {
		if role, ok := roles[method]; ok {
			return fmt.Errorf("%s refused: only %s may call it, not %s: %w", method, role, from.Hex(), err)
		}
	}
	return err
}

// writeSafeTx writes call as a Safe transaction at the Safe's current
// nonce, after checking the Safe is a genuine one.
func writeSafeTx(ctx context.Context, e *cli.Env, c *chain, safe common.Address, out string, call trustkernel.Call) error {
	info, err := trustkernel.InspectSafe(ctx, c.client, safe, nil)
	if err != nil {
		return err
	}
	return writeSafeFiles(e, info, []safeFile{{out, call.Method, trustkernel.NewSafeTx(safe, c.chainID, call, info.Nonce)}})
}

// safeFile is a Safe transaction to write to path.
type safeFile struct {
	path, method string
	tx           *trustkernel.SafeTx
}

// writeSafeFiles writes Safe transaction files for the Safe info describes
// (checked genuine by the caller), refusing to replace any file: none is
// written if one exists.
func writeSafeFiles(e *cli.Env, info *trustkernel.SafeInfo, files []safeFile) error {
	for _, f := range files {
		if _, err := os.Lstat(f.path); err == nil {
			return fmt.Errorf("%s exists: not replacing it", f.path)
		}
	}
	var paths []string
	for _, sf := range files {
		f, err := trustkernel.NewSafeTxFile(sf.tx, sf.method)
		if err != nil {
			return err
		}
		if err := writeJSON(sf.path, f, 0o644); err != nil {
			return err
		}
		h, _ := f.Tx.Hash()
		fmt.Fprintf(e.Stdout, "wrote %s: %s through Safe %s (%d of %d owners, nonce %d), safeTxHash %s\n",
			sf.path, sf.method, info.Address.Hex(), info.Threshold, len(info.Owners), sf.tx.Nonce, h.Hex())
		paths = append(paths, sf.path)
	}
	all := strings.Join(paths, " ")
	fmt.Fprintf(e.Stdout, "next: each owner runs trustkernel safe-sign %s, then anyone runs trustkernel safe-exec %s\n", all, all)
	return nil
}

// writeJSON writes v as indented JSON, atomically, refusing to replace a
// file.
func writeJSON(path string, v any, mode os.FileMode) error {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("%s exists: not replacing it", path)
	}
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, append(data, '\n'), mode)
}

// addressFlag parses an address flag value.
func addressFlag(name, v string) (common.Address, error) {
	if !common.IsHexAddress(v) {
		return common.Address{}, cli.Exit(2, fmt.Errorf("-%s %q is not an address", name, v))
	}
	return common.HexToAddress(v), nil
}

// hashFlag parses a 32-byte hex flag value ("" is zero).
func hashFlag(name, v string) ([32]byte, error) {
	if v == "" {
		return [32]byte{}, nil
	}
	b := common.FromHex(v)
	if len(b) != 32 || !strings.HasPrefix(v, "0x") {
		return [32]byte{}, cli.Exit(2, fmt.Errorf("-%s %q: want 0x and 64 hex digits", name, v))
	}
	return [32]byte(b), nil
}

// readSetupRequest reads a setup request's JSON form.
func readSetupRequest(path string) (*trustkernel.SetupRequest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return trustkernel.ParseSetupRequest(data)
}

// readSafeTxFile reads a Safe transaction file.
func readSafeTxFile(path string) (*trustkernel.SafeTxFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return trustkernel.ParseSafeTxFile(data)
}

// readManifest reads a manifest's JSON form.
func readManifest(path string) (*integrity.Manifest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return integrity.Parse(data)
}

// deployVerb deploys the global contracts.
func deployVerb(c *chainFlags) *cli.Command {
	var s keyFlags
	var owner string
	var dryRun bool
	return &cli.Command{
		Name:    "deploy",
		Purpose: "deploy the release registry, controller implementation, factory and anchor",
		Flags: func(f *cli.FlagSet) {
			s.declare(f)
			f.String(&owner, "registry-owner", "", "owner `address` of the release registry (default: the deployer)")
			f.Bool(&dryRun, "dry-run", false, "show the estimate and stop")
		},
		Run: func(ctx context.Context, e *cli.Env) error {
			ch, err := c.dial(ctx)
			if err != nil {
				return err
			}
			defer ch.Close()
			key, err := s.load(e)
			if err != nil {
				return err
			}
			from := crypto.PubkeyToAddress(key.PublicKey)
			ownerAddr := from
			if owner != "" {
				if ownerAddr, err = addressFlag("registry-owner", owner); err != nil {
					return err
				}
			}
			price, err := ch.price(ctx)
			if err != nil {
				return err
			}
			costs, err := trustkernel.EstimateDeployment(ctx, ch.client.Client(), from, ownerAddr)
			if err != nil && !errors.Is(err, trustkernel.ErrNoStateOverride) {
				return err
			}
			var total uint64
			for _, c := range costs {
				showEstimate(e, c.Method, c.Gas, price)
				total += c.Gas
			}
			if err != nil {
				fmt.Fprintf(e.Stdout, "estimate: InstanceFactory is estimated when sent (%v)\n", err)
				showEstimate(e, "deploy (without the factory)", total, price)
			} else {
				showEstimate(e, "deploy", total, price)
			}
			if dryRun {
				fmt.Fprintln(e.Stdout, "dry run: nothing sent")
				return nil
			}
			dep, err := trustkernel.Deploy(ctx, ch.client, ch.transactor(key), ownerAddr)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.Stdout, "registry %s\nimplementation %s\nfactory %s\nanchor %s\n", dep.Registry.Hex(), dep.Implementation.Hex(), dep.Factory.Hex(), dep.Anchor.Hex())
			return nil
		},
	}
}

// requestVerb drafts a setup request for review on a separate device.
func requestVerb(c *chainFlags, implementation *string) *cli.Command {
	var factory, rootA, upgradeA, emergencyA, genesisRoot, genesisURI, policy, salt, install, out, manifest string
	var validFor time.Duration
	return &cli.Command{
		Name:    "request",
		Purpose: "draft the EIP-712 setup request of a new install's controller, for review",
		Workflow: `-implementation (a flag of trustkernel itself) names the controller
implementation; it and -factory are checked on chain before the request is written.`,
		Flags: func(f *cli.FlagSet) {
			f.String(&install, "install", "", "the install's `name`, shown to the reviewer").Required()
			f.String(&factory, "factory", "", "InstanceFactory `address`").Required()
			f.String(&rootA, "root-authority", "", "root authority `address`").Required()
			f.String(&upgradeA, "upgrade-authority", "", "upgrade authority `address`").Required()
			f.String(&emergencyA, "emergency-authority", "", "emergency authority `address`").Required()
			f.String(&manifest, "manifest", "", "genesis manifest JSON `file` (its root is the genesis root)")
			f.String(&genesisRoot, "genesis-root", "", "genesis root `hex` (instead of -manifest; empty: none active yet)")
			f.String(&genesisURI, "genesis-uri", "", "`URI` of the genesis manifest (its Keccak-256 is the genesis uriHash)")
			f.String(&policy, "policy-hash", "", "genesis policy hash `hex`")
			f.String(&salt, "salt", "", "a `word` making the controller address unique (hashed)")
			f.Duration(&validFor, "valid-for", 24*time.Hour, "how long the request may be acted on")
			f.String(&out, "out", "", "setup request `file` to write").Required()
			f.Exclusive("manifest", "genesis-root")
		},
		Run: func(ctx context.Context, e *cli.Env) error {
			var d trustkernel.Deployment
			var p trustkernel.InstanceParams
			var err error
			for _, a := range []struct {
				name, v string
				dst     *common.Address
			}{{"factory", factory, &d.Factory}, {"implementation", *implementation, &d.Implementation}, {"root-authority", rootA, &p.RootAuthority},
				{"upgrade-authority", upgradeA, &p.UpgradeAuthority}, {"emergency-authority", emergencyA, &p.EmergencyAuthority}} {
				if *a.dst, err = addressFlag(a.name, a.v); err != nil {
					return err
				}
			}
			if manifest != "" {
				m, err := readManifest(manifest)
				if err != nil {
					return err
				}
				if p.GenesisRoot, err = m.Root(); err != nil {
					return err
				}
			} else if p.GenesisRoot, err = hashFlag("genesis-root", genesisRoot); err != nil {
				return err
			}
			if genesisURI != "" {
				p.GenesisURIHash = integrity.URIHash(genesisURI)
			}
			if p.GenesisPolicyHash, err = hashFlag("policy-hash", policy); err != nil {
				return err
			}
			p.Salt = crypto.Keccak256Hash([]byte(salt))
			ch, err := c.dial(ctx)
			if err != nil {
				return err
			}
			defer ch.Close()
			if err := checkFactory(ctx, ch, d.Factory, d.Implementation); err != nil {
				return err
			}
			req, err := trustkernel.NewSetupRequest(install, ch.chainID, &d, p, time.Now().Add(validFor))
			if err != nil {
				return err
			}
			if err := writeJSON(out, req, 0o644); err != nil {
				return err
			}
			fmt.Fprintf(e.Stdout, "wrote %s: controller %s on chain %d, valid until %s\n", out, req.Controller.Hex(), req.ChainID, time.Unix(int64(req.NotAfter), 0).UTC().Format(time.RFC3339))
			fmt.Fprintf(e.Stdout, "next: review and sign it on a separate device: trustkernel review %s -keystore ...\n", out)
			return nil
		},
	}
}

// checkFactory checks, at the latest block, that implementation holds the
// genuine controller code and factory the genuine factory cloning it.
func checkFactory(ctx context.Context, ch *chain, factory, implementation common.Address) error {
	code, err := ch.client.CodeAt(ctx, implementation, nil)
	if err != nil {
		return err
	}
	if err := trustkernel.CheckImplementation(implementation, code); err != nil {
		return err
	}
	fcode, err := ch.client.CodeAt(ctx, factory, nil)
	if err != nil {
		return err
	}
	if got, want := crypto.Keccak256Hash(fcode), trustkernel.FactoryCodeHash(implementation); got != want {
		return &trustkernel.CodeMismatchError{What: "InstanceFactory", Address: factory, Got: got, Want: want}
	}
	return nil
}

// reviewVerb shows a setup request and signs it, offline.
func reviewVerb() *cli.Command {
	var s keyFlags
	var out string
	return &cli.Command{
		Name:    "review",
		Purpose: "show a setup request, check its controller address offline, and sign it",
		Args:    "REQUEST",
		MinArgs: 1, MaxArgs: 1,
		Flags: func(f *cli.FlagSet) {
			s.declare(f)
			f.String(&out, "out", "", "signature `file` to write (default: REQUEST.sig)")
		},
		Run: func(ctx context.Context, e *cli.Env) error {
			req, err := readSetupRequest(e.Args[0])
			if err != nil {
				return err
			}
			w := e.Stdout
			fmt.Fprintf(w, "install %q on chain %d\n", req.Install, req.ChainID)
			fmt.Fprintf(w, "controller %s (recomputed from the fields below)\n", req.Controller.Hex())
			fmt.Fprintf(w, "factory %s, implementation %s\n", req.Factory.Hex(), req.Implementation.Hex())
			fmt.Fprintf(w, "root authority %s\nupgrade authority %s\nemergency authority %s\n", req.RootAuthority.Hex(), req.UpgradeAuthority.Hex(), req.EmergencyAuthority.Hex())
			fmt.Fprintf(w, "genesis root %s, uri hash %s, policy hash %s\n", req.GenesisRoot.Hex(), req.GenesisURIHash.Hex(), req.GenesisPolicyHash.Hex())
			fmt.Fprintf(w, "valid until %s\n", time.Unix(int64(req.NotAfter), 0).UTC().Format(time.RFC3339))
			if time.Now().Unix() > int64(req.NotAfter) {
				return trustkernel.ErrSetupExpired
			}
			key, err := s.load(e)
			if err != nil {
				return err
			}
			sig, err := req.SignWith(ctx, trustkernel.KeySigner(key))
			if err != nil {
				return err
			}
			if out == "" {
				out = e.Args[0] + ".sig"
			}
			if _, err := os.Lstat(out); err == nil {
				return fmt.Errorf("%s exists: not replacing it", out)
			}
			if err := atomicfile.Write(out, []byte(fmt.Sprintf("0x%x\n", sig)), 0o644); err != nil {
				return err
			}
			fmt.Fprintf(w, "signed by %s: wrote %s\n", crypto.PubkeyToAddress(key.PublicKey).Hex(), out)
			return nil
		},
	}
}

// createVerb creates the controller a reviewed setup request describes.
func createVerb(c *chainFlags) *cli.Command {
	var s sendFlags
	var request, signature, reviewer string
	return &cli.Command{
		Name:    "create",
		Purpose: "create the controller of a reviewed and signed setup request",
		Flags: func(f *cli.FlagSet) {
			s.declare(f)
			f.String(&request, "request", "", "the setup request `file`").Required()
			f.String(&signature, "signature", "", "the reviewer's signature `file` (default: REQUEST.sig)")
			f.String(&reviewer, "reviewer", "", "`address` of the reviewing device whose signature is required").Required()
		},
		Run: func(ctx context.Context, e *cli.Env) error {
			reviewerAddr, err := addressFlag("reviewer", reviewer)
			if err != nil {
				return err
			}
			req, err := readSetupRequest(request)
			if err != nil {
				return err
			}
			if signature == "" {
				signature = request + ".sig"
			}
			line, err := readLine(signature)
			if err != nil {
				return err
			}
			if err := req.Verify(common.FromHex(line), reviewerAddr, time.Now()); err != nil {
				return err
			}
			ch, err := c.dial(ctx)
			if err != nil {
				return err
			}
			defer ch.Close()
			if ch.chainID != req.ChainID {
				return fmt.Errorf("the request is for chain %d, the endpoint serves chain %d", req.ChainID, ch.chainID)
			}
			if err := checkFactory(ctx, ch, req.Factory, req.Implementation); err != nil {
				return err
			}
			if code, err := ch.client.CodeAt(ctx, req.Controller, nil); err != nil {
				return err
			} else if len(code) > 0 {
				return fmt.Errorf("controller %s already exists", req.Controller.Hex())
			}
			fmt.Fprintf(e.Stdout, "setup request for %q signed by reviewer %s; controller will be %s\n", req.Install, reviewerAddr.Hex(), req.Controller.Hex())
			d := &trustkernel.Deployment{Factory: req.Factory, Implementation: req.Implementation}
			call, err := trustkernel.CreateInstanceCall(d, req.Params())
			if err != nil {
				return err
			}
			if err := act(ctx, e, ch, &s, call); err != nil {
				return err
			}
			if s.dryRun || s.safe != "" {
				return nil
			}
			if err := trustkernel.VerifyClone(ctx, ch.client, req.Controller, req.Implementation, nil); err != nil {
				return err
			}
			fmt.Fprintf(e.Stdout, "controller %s created and verified as a genuine clone\n", req.Controller.Hex())
			return nil
		},
	}
}

// authorityVerb is one of the controller's authority calls.
func authorityVerb(c *chainFlags, controller *string, name, purpose string, build func(*trustkernel.Controller) trustkernel.Call) *cli.Command {
	var s sendFlags
	return &cli.Command{
		Name:    name,
		Purpose: purpose,
		Flags:   s.declare,
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
			return act(ctx, e, ch, &s, build(trustkernel.NewController(addr)))
		},
	}
}

// manifestFlags are the full-mode publication limits.
type manifestFlags struct {
	gasCeiling             uint64
	maxTxBytes, chunkBytes int
}

func (m *manifestFlags) declare(f *cli.FlagSet) {
	f.Uint64(&m.gasCeiling, "gas-ceiling", trustkernel.DefaultGasCeiling, "full mode: the largest gas limit of one chunk publication")
	f.Int(&m.maxTxBytes, "max-tx-bytes", trustkernel.DefaultMaxTxBytes, "full mode: the largest call data of one chunk publication (through a Safe: with execTransaction's)")
	f.Int(&m.chunkBytes, "chunk-bytes", integrity.DefaultChunkBytes, "full mode: the largest chunk (every publisher of a root must use the same)")
}

// options returns the trustkernel options of the flags.
func (m *manifestFlags) options() []trustkernel.ManifestOption {
	return []trustkernel.ManifestOption{
		trustkernel.WithGasCeiling(m.gasCeiling),
		trustkernel.WithMaxTxBytes(m.maxTxBytes),
		trustkernel.WithChunkBytes(m.chunkBytes),
	}
}

// componentFlag parses -component: 0x and 64 hex digits is the component
// id itself; anything else is a name whose Keccak-256 is the id.
func componentFlag(v string) ([32]byte, error) {
	if v == "" {
		return [32]byte{}, cli.Exit(2, errors.New("-component is empty"))
	}
	if strings.HasPrefix(v, "0x") && len(v) == 66 {
		return hashFlag("component", v)
	}
	return crypto.Keccak256Hash([]byte(v)), nil
}

// proposeVerb proposes an upgrade to a manifest's root, or to a release
// published in the pinned registry.
func proposeVerb(c *chainFlags, controller *string) *cli.Command {
	var s sendFlags
	var mf manifestFlags
	var manifest, root, uri, policy, mode, component string
	var version uint64
	var ttl time.Duration
	return &cli.Command{
		Name:    "propose",
		Purpose: "propose an upgrade to a new manifest root or a published release, showing what each trust mode costs",
		Workflow: `A raw proposal names the root (-manifest or -root) and -uri. A controller
whose root authority pinned a release registry takes only releases:
-component and -version name one the registry publishes (-manifest, if
given, must be its manifest).

With -mode full the manifest's chunks go on chain first (-manifest needed):
sent from the keystore key, or, with -safe, written as one Safe transaction
file per publication (FILE.publish-N.json, nonces n, n+1, ...) followed by
the proposal (FILE, the next nonce). Owners sign all of them; safe-exec
runs them in nonce order. Check the chunks with verify before activating.`,
		Flags: func(f *cli.FlagSet) {
			s.declare(f)
			mf.declare(f)
			f.String(&manifest, "manifest", "", "the new release's manifest JSON `file`")
			f.String(&root, "root", "", "the new root `hex` (instead of -manifest)")
			f.String(&uri, "uri", "", "`URI` where the manifest is published (raw proposals)")
			f.String(&component, "component", "", "propose a release: its component `name` (hashed) or 0x id")
			f.Uint64(&version, "version", 0, "with -component: the release's `version`")
			f.String(&policy, "policy-hash", "", "policy hash `hex`")
			f.Duration(&ttl, "ttl", 24*time.Hour, "how long the proposal may be activated (1m to 720h)")
			f.String(&mode, "mode", string(trustkernel.ModeRootURI), "trust `mode`: root_uri, or full (publish the manifest's chunks on chain first; needs -manifest)")
			f.Exclusive("manifest", "root")
			f.Exclusive("component", "root")
			f.Exclusive("component", "uri")
			f.Together("component", "version")
		},
		Run: func(ctx context.Context, e *cli.Env) error {
			addr, err := addressFlag("controller", *controller)
			if err != nil {
				return err
			}
			policyHash, err := hashFlag("policy-hash", policy)
			if err != nil {
				return err
			}
			full := trustkernel.Mode(mode) == trustkernel.ModeFull
			if trustkernel.Mode(mode) != trustkernel.ModeRootURI && !full {
				return cli.Exit(2, fmt.Errorf("-mode %q: want root_uri or full", mode))
			}
			var compID [32]byte
			if component != "" {
				if compID, err = componentFlag(component); err != nil {
					return err
				}
			} else if uri == "" || (manifest == "" && root == "") {
				return cli.Exit(2, errors.New("give -manifest or -root, and -uri (or -component and -version for a release)"))
			}
			if full && manifest == "" {
				return cli.Exit(2, errors.New("-mode full publishes the manifest's chunks: it needs -manifest"))
			}
			var m *integrity.Manifest
			var r [32]byte
			if manifest != "" {
				if m, err = readManifest(manifest); err != nil {
					return err
				}
				if r, err = m.Root(); err != nil {
					return err
				}
			} else if root != "" {
				if r, err = hashFlag("root", root); err != nil {
					return err
				}
			}
			mopts := mf.options()
			ch, err := c.dial(ctx)
			if err != nil {
				return err
			}
			defer ch.Close()
			ctl := trustkernel.NewController(addr)
			snap, err := ctl.Snapshot(ctx, ch.client, nil)
			if err != nil {
				return err
			}
			var call trustkernel.Call
			if component != "" {
				if snap.ReleaseRegistry == (common.Address{}) {
					return fmt.Errorf("%w: controller %s pins no release registry; propose a root with -manifest or -root and -uri (the root authority pins a registry with set-registry)", trustkernel.ErrNoReleaseRegistry, addr.Hex())
				}
				rel, err := trustkernel.NewRegistry(snap.ReleaseRegistry).Release(ctx, ch.client, nil, compID, version)
				if err != nil {
					return releaseErr(component, version, snap.ReleaseRegistry, err)
				}
				if m != nil && rel.Root != r {
					return fmt.Errorf("%s has root %x, release %s version %d has root %x", manifest, r, component, version, rel.Root)
				}
				r = rel.Root
				if call, err = ctl.ProposeRelease(compID, version, policyHash, ttl); err != nil {
					return err
				}
				fmt.Fprintf(e.Stdout, "release %s version %d (component %x) in registry %s: root %x\n", component, version, compID, snap.ReleaseRegistry.Hex(), r)
			} else {
				if snap.ReleaseRegistry != (common.Address{}) {
					return fmt.Errorf("%w: controller %s follows release registry %s; propose a published release with -component and -version", trustkernel.ErrReleaseRequired, addr.Hex(), snap.ReleaseRegistry.Hex())
				}
				if call, err = ctl.ProposeUpgrade(r, integrity.URIHash(uri), policyHash, ttl); err != nil {
					return err
				}
			}
			var key *ecdsa.PrivateKey
			var from common.Address
			if s.safe != "" {
				if from, err = addressFlag("safe", s.safe); err != nil {
					return err
				}
			} else {
				if key, err = s.load(e); err != nil {
					return err
				}
				from = crypto.PubkeyToAddress(key.PublicKey)
			}
			if m != nil {
				q := trustkernel.CostQuery{Controller: addr, From: from, URI: uri, PolicyHash: policyHash, TTL: ttl, Manifest: mopts, ComponentID: compID, Version: version, Safe: s.safe != ""}
				for _, md := range []trustkernel.Mode{trustkernel.ModeRootURI, trustkernel.ModeFull} {
					est, err := trustkernel.EstimateModeCost(ctx, ch.client, q, m, md)
					if err != nil {
						return refusal(call.Method, from, err)
					}
					fmt.Fprintf(e.Stdout, "mode cost %s\n", est)
				}
			}
			switch {
			case full && s.safe != "":
				return proposeFullSafe(ctx, e, ch, &s, ctl, m, mopts, call)
			case full && !s.dryRun:
				pub, err := trustkernel.PublishManifest(ctx, ch.client, ch.transactor(key), ctl, m, mopts...)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.Stdout, "published the manifest's %d chunks in %d transactions (%d chunks already on chain), %d gas used\n",
					len(pub.Plan.Chunks), len(pub.Receipts), pub.Skipped, pub.GasUsed())
			}
			fmt.Fprintf(e.Stdout, "proposing root %x for controller %s\n", r, addr.Hex())
			return act(ctx, e, ch, &s, call)
		},
	}
}

// releaseErr says which release a registry read failed for.
func releaseErr(component string, version uint64, registry common.Address, err error) error {
	if errors.Is(err, trustkernel.ErrReleaseNotFound) {
		return fmt.Errorf("release %s version %d is not published in registry %s: %w", component, version, registry.Hex(), err)
	}
	return fmt.Errorf("release %s version %d in registry %s: %w", component, version, registry.Hex(), err)
}

// proposeFullSafe writes the Safe transactions of a full-mode proposal by
// a Safe upgrade authority: one per chunk publication still missing on
// chain, at the Safe's nonces n, n+1, ..., then the proposal.
func proposeFullSafe(ctx context.Context, e *cli.Env, ch *chain, s *sendFlags, ctl *trustkernel.Controller, m *integrity.Manifest, mopts []trustkernel.ManifestOption, propose trustkernel.Call) error {
	safe := common.HexToAddress(s.safe)
	root, err := m.Root()
	if err != nil {
		return err
	}
	rec, err := ctl.ManifestRecord(ctx, ch.client, nil, root)
	if err != nil {
		return err
	}
	plan, err := ctl.PlanSafeManifest(m, rec.Published, mopts...)
	if err != nil {
		return err
	}
	if rec.Count != 0 && rec.Count != uint32(len(plan.Chunks)) {
		return fmt.Errorf("%w: %d chunks of root %x on chain, this plan has %d (another -chunk-bytes?)", trustkernel.ErrBadChunkCount, rec.Count, root, len(plan.Chunks))
	}
	fmt.Fprintf(e.Stdout, "full mode through Safe %s: %d chunks, %d on chain, %d publications to sign\n", safe.Hex(), len(plan.Chunks), rec.Published, len(plan.Txs))
	price, err := ch.price(ctx)
	if err != nil {
		return err
	}
	gas, err := trustkernel.EstimateCall(ctx, ch.client, safe, propose)
	if err != nil {
		return err
	}
	showEstimate(e, propose.Method+" (inner call, without the Safe's own overhead)", gas, price)
	if s.dryRun {
		fmt.Fprintln(e.Stdout, "dry run: nothing written")
		return nil
	}
	info, err := trustkernel.InspectSafe(ctx, ch.client, safe, nil)
	if err != nil {
		return err
	}
	txs, err := trustkernel.SafeManifestTxs(safe, ch.chainID, plan, info.Nonce)
	if err != nil {
		return err
	}
	base := strings.TrimSuffix(s.out, ".json")
	var files []safeFile
	for i, tx := range txs {
		files = append(files, safeFile{fmt.Sprintf("%s.publish-%d.json", base, i+1), plan.Txs[i].Call.Method, tx})
	}
	files = append(files, safeFile{s.out, propose.Method, trustkernel.NewSafeTx(safe, ch.chainID, propose, info.Nonce+uint64(len(txs)))})
	return writeSafeFiles(e, info, files)
}

// activateVerb activates the pending upgrade; in full mode it first checks
// that the pending root's manifest is completely on chain.
func activateVerb(c *chainFlags, controller *string) *cli.Command {
	var s sendFlags
	var mode string
	return &cli.Command{
		Name:    "activate",
		Purpose: "activate the pending upgrade (upgrade authority); -mode full checks its manifest is on chain first",
		Flags: func(f *cli.FlagSet) {
			s.declare(f)
			f.String(&mode, "mode", string(trustkernel.ModeRootURI), "trust `mode` of the installs: in full mode the pending root's manifest must be on chain")
		},
		Run: func(ctx context.Context, e *cli.Env) error {
			addr, err := addressFlag("controller", *controller)
			if err != nil {
				return err
			}
			if m := trustkernel.Mode(mode); m != trustkernel.ModeRootURI && m != trustkernel.ModeFull {
				return cli.Exit(2, fmt.Errorf("-mode %q: want root_uri or full", mode))
			}
			ch, err := c.dial(ctx)
			if err != nil {
				return err
			}
			defer ch.Close()
			ctl := trustkernel.NewController(addr)
			if trustkernel.Mode(mode) == trustkernel.ModeFull {
				snap, err := ctl.Snapshot(ctx, ch.client, nil)
				if err != nil {
					return err
				}
				p := snap.PendingUpgrade
				if p.ExpiresAt == 0 {
					return fmt.Errorf("controller %s has no pending upgrade", addr.Hex())
				}
				m, err := trustkernel.FetchManifest(ctx, clientReader{ch.client}, addr, p.Root)
				if err != nil {
					return fmt.Errorf("%w (full-mode installs would fail closed on this root: publish its chunks first)", err)
				}
				fmt.Fprintf(e.Stdout, "full mode: the manifest of pending root %x is on chain (%d files)\n", p.Root, len(m.Entries))
			}
			return act(ctx, e, ch, &s, ctl.ActivateUpgrade())
		},
	}
}

// clientReader is a [trustkernel.ChainReader] over the one endpoint a
// sending verb uses.
type clientReader struct{ *ethclient.Client }

func (c clientReader) Call(ctx context.Context, to common.Address, data []byte) ([]byte, error) {
	return c.CallContract(ctx, ethereum.CallMsg{To: &to, Data: data}, nil)
}

// safeSignVerb adds an owner's signature to Safe transaction files.
func safeSignVerb() *cli.Command {
	var s keyFlags
	var manifest string
	var chunkBytes int
	return &cli.Command{
		Name:    "safe-sign",
		Purpose: "check Safe transaction files and add this owner's signature to each",
		Args:    "FILE...",
		MinArgs: 1, MaxArgs: -1,
		Workflow: `A chunk publication (publishManifestChunks) is shown as the root and chunk
range it carries. With -manifest, the manifest under review, every chunk
publication must carry exactly that manifest's chunks (at -chunk-bytes) and a
proposeUpgrade must name its root; otherwise nothing is signed.`,
		Flags: func(f *cli.FlagSet) {
			s.declare(f)
			f.String(&manifest, "manifest", "", "manifest JSON `file` the files must publish or propose")
			f.Int(&chunkBytes, "chunk-bytes", integrity.DefaultChunkBytes, "with -manifest: the chunk size of the publication")
		},
		Run: func(ctx context.Context, e *cli.Env) error {
			var files []*trustkernel.SafeTxFile
			for _, path := range e.Args {
				f, err := readSafeTxFile(path)
				if err != nil {
					return fmt.Errorf("%s: %w", path, err)
				}
				files = append(files, f)
			}
			var root [32]byte
			var chunks [][]byte
			if manifest != "" {
				m, err := readManifest(manifest)
				if err != nil {
					return err
				}
				if root, err = m.Root(); err != nil {
					return err
				}
				if chunks, err = integrity.Chunks(m, chunkBytes); err != nil {
					return err
				}
			}
			for i, f := range files {
				if err := reviewSafeTx(e, e.Args[i], f, manifest, root, chunks); err != nil {
					return err
				}
			}
			key, err := s.load(e)
			if err != nil {
				return err
			}
			for i, f := range files {
				h, err := f.Tx.Hash()
				if err != nil {
					return err
				}
				fmt.Fprintf(e.Stdout, "%s: %s on %s through Safe %s, chain %d, nonce %d, safeTxHash %s\n", e.Args[i], f.Method, f.Tx.To.Hex(), f.Tx.Safe.Hex(), f.Tx.ChainID, f.Tx.Nonce, h.Hex())
				sig, err := f.Tx.SignWith(ctx, trustkernel.KeySigner(key))
				if err != nil {
					return err
				}
				if err := f.AddSignature(sig); err != nil {
					return fmt.Errorf("%s: %w", e.Args[i], err)
				}
				enc, err := json.MarshalIndent(f, "", "  ")
				if err != nil {
					return err
				}
				if err := atomicfile.Write(e.Args[i], append(enc, '\n'), 0o644); err != nil {
					return err
				}
				fmt.Fprintf(e.Stdout, "signed by %s: %d signatures\n", sig.Owner.Hex(), len(f.Signatures))
			}
			return nil
		},
	}
}

// reviewSafeTx shows what a chunk publication carries and, with a
// manifest under review (its root and chunks), checks that the file
// publishes or proposes exactly that manifest.
func reviewSafeTx(e *cli.Env, path string, f *trustkernel.SafeTxFile, manifest string, root [32]byte, chunks [][]byte) error {
	switch f.Method {
	case "publishManifestChunks":
		c, err := trustkernel.DecodePublishManifestChunks(f.Tx.Data)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		last := int64(c.First) + int64(len(c.Chunks)) - 1
		fmt.Fprintf(e.Stdout, "%s: publishes chunks %d..%d of %d of the manifest with root %x\n", path, c.First, last, c.Count, c.Root)
		if manifest == "" {
			return nil
		}
		if c.Root != root || int(c.Count) != len(chunks) || last >= int64(len(chunks)) {
			return fmt.Errorf("%s: publishes chunks of root %x (%d chunks), %s has root %x (%d chunks)", path, c.Root, c.Count, manifest, root, len(chunks))
		}
		for i, chunk := range c.Chunks {
			if !bytes.Equal(chunk, chunks[int(c.First)+i]) {
				return fmt.Errorf("%s: chunk %d is not %s's", path, int(c.First)+i, manifest)
			}
		}
		fmt.Fprintf(e.Stdout, "%s: the chunks are %s's\n", path, manifest)
	case "proposeUpgrade":
		if manifest != "" && (len(f.Tx.Data) < 36 || !bytes.Equal(f.Tx.Data[4:36], root[:])) {
			return fmt.Errorf("%s: proposes another root than %s's %x", path, manifest, root)
		}
	}
	return nil
}

// safeExecVerb executes signed Safe transaction files, in nonce order.
func safeExecVerb(c *chainFlags) *cli.Command {
	var s keyFlags
	return &cli.Command{
		Name:    "safe-exec",
		Purpose: "execute Safe transaction files once enough owners have signed, in nonce order (any funded key pays)",
		Args:    "FILE...",
		MinArgs: 1, MaxArgs: -1,
		Flags: s.declare,
		Run: func(ctx context.Context, e *cli.Env) error {
			type named struct {
				path string
				f    *trustkernel.SafeTxFile
			}
			var files []named
			for _, path := range e.Args {
				f, err := readSafeTxFile(path)
				if err != nil {
					return fmt.Errorf("%s: %w", path, err)
				}
				if len(files) > 0 && f.Tx.Safe != files[0].f.Tx.Safe {
					return fmt.Errorf("%s is for Safe %s, %s for Safe %s: execute one Safe's files at a time", path, f.Tx.Safe.Hex(), files[0].path, files[0].f.Tx.Safe.Hex())
				}
				files = append(files, named{path, f})
			}
			slices.SortStableFunc(files, func(a, b named) int { return cmp.Compare(a.f.Tx.Nonce, b.f.Tx.Nonce) })
			ch, err := c.dial(ctx)
			if err != nil {
				return err
			}
			defer ch.Close()
			key, err := s.load(e)
			if err != nil {
				return err
			}
			for _, n := range files {
				f := n.f
				if ch.chainID != f.Tx.ChainID {
					return fmt.Errorf("%s: the Safe transaction is for chain %d, the endpoint serves chain %d", n.path, f.Tx.ChainID, ch.chainID)
				}
				info, err := trustkernel.InspectSafe(ctx, ch.client, f.Tx.Safe, nil)
				if err != nil {
					return err
				}
				if info.Nonce != f.Tx.Nonce {
					return fmt.Errorf("%s: the Safe transaction has nonce %d, Safe %s is at nonce %d: it was executed or replaced, or an earlier one is missing", n.path, f.Tx.Nonce, f.Tx.Safe.Hex(), info.Nonce)
				}
				price, err := ch.price(ctx)
				if err != nil {
					return err
				}
				gas, err := trustkernel.EstimateCall(ctx, ch.client, f.Tx.Safe, trustkernel.Call{Method: f.Method, To: f.Tx.To, Data: f.Tx.Data})
				if err != nil {
					return fmt.Errorf("%s: %w", n.path, err)
				}
				showEstimate(e, f.Method+" (inner call, without the Safe's own overhead)", gas, price)
				rcpt, err := trustkernel.ExecSafeTx(ctx, ch.client, ch.transactor(key), f.Tx, f.Signatures)
				if err != nil {
					return fmt.Errorf("%s: %w", n.path, err)
				}
				fmt.Fprintf(e.Stdout, "executed %s through Safe %s: tx %s, block %v, %d gas used\n", f.Method, f.Tx.Safe.Hex(), rcpt.TxHash.Hex(), rcpt.BlockNumber, rcpt.GasUsed)
			}
			return nil
		},
	}
}
