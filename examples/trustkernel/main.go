// Command trustkernel walks through the Trust Kernel on an EVM chain.
//
// By default it starts an in-process simulated chain (Prague, loopback JSON-RPC)
// and walks an install's life: deploy the contracts, publish a release, review
// and sign a setup request on a "separate device", create the install's
// controller clone and verify it, propose and activate an upgrade, anchor a
// root, pause, and show that the install then fails closed.
//
//	go run ./examples/trustkernel
//
// With -rpc it reads a real chain instead: it verifies that the pinned
// controller is a genuine clone of the expected implementation and reads its
// state, accepting it only when -quorum endpoints agree on the block and the
// answer:
//
//	go run ./examples/trustkernel -rpc URL,URL,URL -quorum 2 \
//	    -controller 0x... -implementation 0x...
//
// As everywhere in the Trust Kernel, at least two endpoints must agree:
// a single -rpc endpoint (-quorum 1) is refused unless -dev says the
// chain is a development chain.
//
// The operator commands act on a real chain (-rpc, or a -network preset's
// endpoint), each showing the chain's gas estimate before it sends:
//
//	trustkernel -rpc URL deploy -keystore FILE
//	trustkernel -rpc URL -implementation 0x... request -factory 0x... -install NAME ... -out setup.json
//	trustkernel review setup.json -keystore FILE            (on the reviewing device, offline)
//	trustkernel -rpc URL create -request setup.json -reviewer 0x... -keystore FILE
//	trustkernel -rpc URL release publish -registry 0x... -component NAME -version 7 -manifest m.json -uri URI -keystore FILE
//	trustkernel -rpc URL -controller 0x... propose -manifest m.json -uri URI -keystore FILE
//	trustkernel -rpc URL -controller 0x... propose -component NAME -version 7 [-manifest m.json -mode full] -keystore FILE
//	trustkernel -rpc URL -controller 0x... activate [-mode full]|cancel|pause|unpause -keystore FILE
//	trustkernel -rpc URL -controller 0x... set-policy|set-registry|set-upgrade-authority|set-emergency-authority|transfer-root|accept-root ...
//	trustkernel -rpc URL,URL -controller 0x... -implementation 0x... status
//	trustkernel -rpc URL,URL -controller 0x... verify -manifest m.json -dir /srv/app
//	trustkernel -rpc URL,URL -controller 0x... write-config -out trust.json
//
// deploy estimates all four creations before sending (the InstanceFactory
// through an eth_estimateGas state override that places the
// implementation's code where it will be created; an endpoint that does not
// apply overrides gets the other three and a note). propose shows what both
// trust modes cost (eth_estimateGas and eth_gasPrice) before the call's own
// estimate. Every sending verb estimates its call as the authority first,
// so a key outside the call's role is refused before anything is sent, with
// an error naming the role the call needs. A controller whose root
// authority pinned a release registry takes only releases (propose
// -component -version); a raw propose says so before sending.
//
// An authority that is a Safe gets a Safe transaction file instead (-safe
// ADDRESS -out FILE), which its owners sign with safe-sign and anyone runs
// with safe-exec. In full mode (propose -mode full) the manifest's chunks go
// on chain before the proposal: sent from the keystore key, or, for a Safe
// upgrade authority, written as one Safe transaction file per planned
// publication (FILE.publish-1.json, ... at the Safe's nonces n, n+1, ...)
// followed by the proposal (FILE); safe-sign (with -manifest, checking each
// publication carries that manifest's chunks) and safe-exec take them all
// at once, and safe-exec runs them in nonce order. verify then reads the
// manifest back through the quorum (and checks an install directory
// against it), and activate -mode full refuses a root whose chunks are not
// all on chain.
//
// Keys come only from go-ethereum keystore files (the encrypted JSON files
// geth, clef and cast write), with the passphrase from -password-file,
// $TRUSTKERNEL_PASSWORD or a terminal prompt; there is no way to pass a raw
// private key.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/accordsdk/accord/examples/internal/cli"
	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/integrity"
	"github.com/accordsdk/accord/trustkernel/quorum"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

func main() { cli.Main(command()) }

// command is the program's command line; main runs it and tests execute it.
func command() *cli.Command {
	var (
		rpc, controller, implementation string
		quorum, confirmations           int
		dev                             bool
		timeout                         time.Duration
		ch                              chainFlags
	)
	withTimeout := func(run func(context.Context, *cli.Env) error) func(context.Context, *cli.Env) error {
		return func(ctx context.Context, e *cli.Env) error {
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			ch.rpc = rpc
			return run(ctx, e)
		}
	}
	ops := []*cli.Command{
		deployVerb(&ch),
		requestVerb(&ch, &implementation),
		reviewVerb(),
		createVerb(&ch),
		proposeVerb(&ch, &controller),
		activateVerb(&ch, &controller),
		authorityVerb(&ch, &controller, "cancel", "withdraw the pending upgrade (upgrade, root or emergency authority; also while paused)", (*trustkernel.Controller).CancelUpgrade),
		authorityVerb(&ch, &controller, "pause", "pause the controller: installs fail closed (emergency authority)", (*trustkernel.Controller).Pause),
		authorityVerb(&ch, &controller, "unpause", "lift a pause (emergency authority)", (*trustkernel.Controller).Unpause),
		statusVerb(&ch, &controller, &implementation, &quorum, &confirmations, &dev),
		verifyVerb(&ch, &controller, &quorum, &confirmations, &dev),
		writeConfigVerb(&ch, &controller, &quorum, &dev),
		safeSignVerb(),
		safeExecVerb(&ch),
		releaseVerb(&ch),
	}
	ops = append(ops, rootPowerVerbs(&ch, &controller)...)
	var wrap func([]*cli.Command)
	wrap = func(cmds []*cli.Command) {
		for _, op := range cmds {
			if op.Run != nil {
				op.Run = withTimeout(op.Run)
			}
			wrap(op.Commands)
		}
	}
	wrap(ops)
	return &cli.Command{
		Name:    "trustkernel",
		Purpose: "walk an install's life on a simulated chain, or operate controllers on a real one",
		Workflow: `With no flags it starts a simulated chain on loopback and walks an install's life:
deploy, publish, review a setup request, create and verify the controller clone,
upgrade, anchor, pause, and fail closed. With -rpc it reads a real chain through
a quorum instead: -quorum endpoints must agree (at least 2 unless -dev), and
-controller and -implementation name the clone to check.

The operator commands act on a real chain: deploy; request (draft a setup
request), review (sign it on a separate device), create; release publish
(and show, transfer-owner, accept-owner); propose (a root, or
-component/-version of a release), activate, cancel, pause, unpause; the root authority's set-policy, set-registry,
set-upgrade-authority, set-emergency-authority, transfer-root (accept-root
by the new one); status, verify (a full-mode manifest on chain, an install
directory against it); write-config. Each shows the gas estimate before
sending; a call the key's role may not make is refused at the estimate,
naming the authority it needs. Keys come from go-ethereum keystore files
(-keystore), never from the command line. With -safe ADDRESS -out FILE an
authority that is a Safe gets a Safe transaction file (in full mode, one per
chunk publication and one for the proposal): owners run safe-sign FILE...,
then anyone runs safe-exec FILE....`,
		Flags: func(f *cli.FlagSet) {
			f.String(&rpc, "rpc", "", "comma-separated JSON-RPC endpoint `URLs` of a real chain (default: a simulated chain)").Env("TRUSTKERNEL_RPC")
			f.Int(&quorum, "quorum", 2, "with -rpc: how many endpoints must agree")
			f.String(&controller, "controller", "", "with -rpc: the pinned InstanceController `address`")
			f.String(&implementation, "implementation", "", "with -rpc: the expected implementation `address`")
			f.Int(&confirmations, "confirmations", 2, "with -rpc: read this many blocks below the agreed head")
			f.Bool(&dev, "dev", false, "with -rpc: allow a single endpoint (-quorum 1), for a development chain only")
			f.Duration(&timeout, "timeout", time.Minute, "give up after this long")
			f.String(&ch.network, "network", "", "network preset `name` (edgen, local): chain id and default endpoint").Env("TRUSTKERNEL_NETWORK")
		},
		Commands: ops,
		Check: func(e *cli.Env) error {
			if err := e.Flags.Positive("quorum", "timeout"); err != nil {
				return err
			}
			if err := e.Flags.NonNegative("confirmations"); err != nil {
				return err
			}
			if e.Flags.Lookup("network").IsSet() {
				return cli.Exit(2, errors.New("-network is for the operator commands (status, deploy, ...)"))
			}
			if rpc == "" && (controller != "" || implementation != "" || dev) {
				return cli.Exit(2, errors.New("-controller, -implementation and -dev need -rpc"))
			}
			return nil
		},
		Run: func(ctx context.Context, e *cli.Env) error {
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			if rpc == "" {
				return walk(ctx)
			}
			return inspect(ctx, e.Stdout, strings.Split(rpc, ","), quorum, controller, implementation, uint64(confirmations), dev)
		},
	}
}

func step(format string, args ...any) { stepTo(os.Stdout, format, args...) }

func stepTo(w io.Writer, format string, args ...any) { fmt.Fprintf(w, "- "+format+"\n", args...) }

func opts(i int) *bind.TransactOpts {
	return bind.NewKeyedTransactor(simchain.Key(i), big.NewInt(simchain.ChainID))
}

// walk runs the default tour of an install's life on a simulated chain.
// Accounts: 0 deploys and publishes, 1/2/3 are the root, upgrade and
// emergency authorities, 6 is the reviewing device, 4 an outsider.
func walk(ctx context.Context) error {
	fmt.Fprintln(os.Stderr, "starting a simulated chain...")
	chain, err := simchain.New(nil)
	if err != nil {
		return err
	}
	defer chain.Close()
	client, err := chain.Dial(ctx)
	if err != nil {
		return err
	}
	defer client.Close()
	step("simulated chain %d (prague) at %s", simchain.ChainID, chain.URL())

	dep, err := trustkernel.Deploy(ctx, client, opts(0), simchain.Address(0))
	if err != nil {
		return err
	}
	step("deployed registry %s, implementation %s, factory %s, anchor %s", dep.Registry.Hex(), dep.Implementation.Hex(), dep.Factory.Hex(), dep.Anchor.Hex())

	component := crypto.Keccak256Hash([]byte("example/app"))
	// Release 2 is a real install directory: its root is the Merkle root of
	// its integrity manifest.
	installDir, err := os.MkdirTemp("", "accord-trustkernel-install-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(installDir)
	for name, body := range map[string]string{"bin/app": "app 1.1.0\n", "etc/app.conf": "listen=127.0.0.1\n"} {
		if err := os.MkdirAll(filepath.Join(installDir, filepath.Dir(name)), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(installDir, name), []byte(body), 0o644); err != nil {
			return err
		}
	}
	manifest, err := integrity.Build(ctx, installDir)
	if err != nil {
		return err
	}
	root2, err := manifest.Root()
	if err != nil {
		return err
	}
	release1, release2 := crypto.Keccak256Hash([]byte("example/app 1.0.0 manifest")), common.Hash(root2)
	registry := trustkernel.NewRegistry(dep.Registry)
	for i, root := range []common.Hash{release1, release2} {
		v := uint64(i + 1)
		if _, err := trustkernel.Send(ctx, client, opts(0), registry.Publish(component, v, root, crypto.Keccak256Hash([]byte(fmt.Sprintf("https://releases.example/app/%d", v))), common.Hash{})); err != nil {
			return err
		}
	}
	step("published releases 1 and 2 of example/app")

	// The setup request is reviewed and signed away from the server.
	rel1, err := registry.Release(ctx, client, nil, component, 1)
	if err != nil {
		return err
	}
	params := trustkernel.InstanceParams{
		RootAuthority: simchain.Address(1), UpgradeAuthority: simchain.Address(2), EmergencyAuthority: simchain.Address(3),
		GenesisRoot: rel1.Root, GenesisURIHash: rel1.URIHash, Salt: crypto.Keccak256Hash([]byte("example install")),
	}
	req, err := trustkernel.NewSetupRequest("example install", simchain.ChainID, dep, params, time.Now().Add(time.Hour))
	if err != nil {
		return err
	}
	sig, err := req.Sign(simchain.Key(6))
	if err != nil {
		return err
	}
	if err := req.Verify(sig, simchain.Address(6), time.Now()); err != nil {
		return err
	}
	step("setup request for controller %s signed by the reviewing device %s", req.Controller.Hex(), simchain.Address(6).Hex())

	addr, _, err := trustkernel.CreateInstance(ctx, client, opts(0), dep, req.Params())
	if err != nil {
		return err
	}
	if addr != req.Controller {
		return fmt.Errorf("controller created at %s, reviewed %s", addr.Hex(), req.Controller.Hex())
	}
	if err := trustkernel.VerifyClone(ctx, client, addr, dep.Implementation, nil); err != nil {
		return err
	}
	ctl := trustkernel.NewController(addr)
	step("created controller %s at the reviewed address; verified it is a genuine clone", addr.Hex())

	propose, err := ctl.ProposeUpgrade(release2, crypto.Keccak256Hash([]byte("https://releases.example/app/2")), common.Hash{}, time.Hour)
	if err != nil {
		return err
	}
	if _, err := trustkernel.Send(ctx, client, opts(4), propose); !errors.Is(err, trustkernel.ErrUnauthorized) {
		return fmt.Errorf("an outsider's proposal: got %v, want %v", err, trustkernel.ErrUnauthorized)
	}
	step("an outsider's proposal is refused: %v", trustkernel.ErrUnauthorized)
	for _, c := range []trustkernel.Call{propose, ctl.ActivateUpgrade()} {
		if _, err := trustkernel.Send(ctx, client, opts(2), c); err != nil {
			return err
		}
	}
	s, err := ctl.Snapshot(ctx, client, nil)
	if err != nil {
		return err
	}
	if s.ActiveRoot != release2 {
		return fmt.Errorf("active root %x, want release 2 %x", s.ActiveRoot, release2)
	}
	step("upgrade authority proposed and activated release 2 (change %d)", s.ChangeCount)
	if err := integrity.Verify(ctx, installDir, manifest, s.ActiveRoot); err != nil {
		return err
	}
	step("the install directory matches the active root %x", s.ActiveRoot[:8])
	if err := os.WriteFile(filepath.Join(installDir, "etc/app.conf"), []byte("listen=0.0.0.0\n"), 0o644); err != nil {
		return err
	}
	if err := integrity.Verify(ctx, installDir, manifest, s.ActiveRoot); !errors.Is(err, integrity.ErrMismatch) {
		return fmt.Errorf("verifying an altered install: got %v, want %v", err, integrity.ErrMismatch)
	}
	step("an altered file is caught: %v", integrity.Verify(ctx, installDir, manifest, s.ActiveRoot))

	checkpoint := crypto.Keccak256Hash([]byte("example log checkpoint"))
	if _, err := trustkernel.AnchorRoot(ctx, client, opts(0), dep.Anchor, checkpoint, "example/log"); err != nil {
		return err
	}
	anchorer := simchain.Address(0)
	rec, err := trustkernel.FindAnchor(ctx, client, dep.Anchor, checkpoint, trustkernel.AnchorQuery{Sender: &anchorer})
	if err != nil {
		return err
	}
	step("anchored a log checkpoint: block %d, tx %s, log %d", rec.BlockNumber, rec.TxHash.Hex(), rec.LogIndex)

	if _, err := trustkernel.Send(ctx, client, opts(3), ctl.Pause()); err != nil {
		return err
	}
	if s, err = ctl.Snapshot(ctx, client, nil); err != nil {
		return err
	}
	step("emergency authority paused the controller")
	if err := serve(s); !errors.Is(err, trustkernel.ErrControllerPaused) {
		return fmt.Errorf("serving while paused: got %v, want %v", err, trustkernel.ErrControllerPaused)
	}
	step("the install fails closed: %v", serve(s))
	again, _ := ctl.ProposeUpgrade(release1, common.Hash{}, common.Hash{}, time.Hour)
	if _, err := trustkernel.Send(ctx, client, opts(2), again); !errors.Is(err, trustkernel.ErrControllerPaused) {
		return fmt.Errorf("proposing while paused: got %v, want %v", err, trustkernel.ErrControllerPaused)
	}
	step("and the chain refuses upgrades until the emergency authority unpauses")
	return nil
}

// serve is the decision an install takes from its controller's state.
func serve(s trustkernel.Snapshot) error {
	switch {
	case !s.Initialized:
		return errors.New("controller not initialised")
	case s.Paused:
		return trustkernel.ErrControllerPaused
	case s.ActiveRoot == [32]byte{}:
		return errors.New("no release active")
	}
	return nil
}

// inspect reads a pinned controller on a real chain through a
// [quorum.Reader]: the state is accepted only when quorum endpoints
// agree on one recomputed block hash and the snapshot() answer at it. The
// clone check asks each endpoint for the controller's code at that block and
// needs quorum of them to pass.
//
// Fewer than two endpoints or a quorum of one are refused unless dev is set.
func inspect(ctx context.Context, w io.Writer, urls []string, k int, controller, implementation string, confirmations uint64, dev bool) error {
	if !common.IsHexAddress(controller) || !common.IsHexAddress(implementation) {
		return errors.New("--rpc needs --controller and --implementation addresses")
	}
	ctlAddr, implAddr := common.HexToAddress(controller), common.HexToAddress(implementation)
	for i := range urls {
		urls[i] = strings.TrimSpace(urls[i])
	}
	qopts := []quorum.Option{quorum.WithConfirmations(confirmations)}
	if dev {
		qopts = append(qopts, quorum.WithDevelopment())
	}
	reader, err := quorum.New(urls, k, qopts...)
	if err != nil {
		return err
	}
	defer reader.Close()
	pin, err := reader.Pin(ctx)
	if err != nil {
		return err
	}
	stepTo(w, "block %d (%s) agreed by %d of %d endpoints", pin.Number, pin.Hash.Hex(), k, len(urls))

	block := new(big.Int).SetUint64(pin.Number)
	genuine := 0
	var errs []error
	for _, u := range urls {
		c, err := ethclient.DialContext(ctx, u)
		if err != nil {
			errs = append(errs, fmt.Errorf("endpoint %s: %w", u, err))
			continue
		}
		err = trustkernel.VerifyClone(ctx, c, ctlAddr, implAddr, block)
		c.Close()
		if err != nil {
			errs = append(errs, fmt.Errorf("endpoint %s: %w", u, err))
			continue
		}
		genuine++
	}
	if genuine < k {
		return fmt.Errorf("%d endpoints confirm %s is a genuine clone of %s, quorum is %d: %w", genuine, ctlAddr.Hex(), implAddr.Hex(), k, errors.Join(errs...))
	}
	for _, err := range errs {
		fmt.Fprintf(os.Stderr, "out-voted: %v\n", err)
	}
	snap, err := trustkernel.QuorumSnapshot(ctx, reader, ctlAddr)
	if err != nil {
		return err
	}
	stepTo(w, "controller %s is a genuine clone of %s", ctlAddr.Hex(), implAddr.Hex())
	stepTo(w, "active root %x, paused %v, change %d", snap.ActiveRoot, snap.Paused, snap.ChangeCount)
	stepTo(w, "authorities: root %s, upgrade %s, emergency %s", snap.RootAuthority.Hex(), snap.UpgradeAuthority.Hex(), snap.EmergencyAuthority.Hex())
	if snap.ActiveRoot != ([32]byte{}) {
		if _, err := manifestStatus(ctx, w, reader, ctlAddr, "active", snap.ActiveRoot); err != nil {
			return err
		}
	}
	if p := snap.PendingUpgrade; p.ExpiresAt != 0 {
		stepTo(w, "pending upgrade to root %x, expires %s", p.Root, time.Unix(int64(p.ExpiresAt), 0).UTC().Format(time.RFC3339))
		if _, err := manifestStatus(ctx, w, reader, ctlAddr, "pending", p.Root); err != nil {
			return err
		}
	} else {
		stepTo(w, "no pending upgrade")
	}
	if err := serve(snap.Snapshot); err != nil {
		stepTo(w, "the install must fail closed: %v", err)
	} else {
		stepTo(w, "the install may serve")
	}
	return nil
}
