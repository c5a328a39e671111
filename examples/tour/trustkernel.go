package main

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/integrity"
	"github.com/accordsdk/accord/trustkernel/quorum"
	"github.com/accordsdk/accord/trustkernel/runtime"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

func init() { register(40, "trustkernel", tourTrustKernel) }

// tourTrustKernel deploys the trust kernel contracts on a simulated chain,
// creates an install's controller, upgrades it, anchors a root, runs an
// install in full mode (per-file hashes on chain, checked by a runtime
// through a quorum), pauses it, shows that a paused controller refuses
// changes and that the emergency authority can cancel a pending upgrade,
// and that only the root authority changes the policy hash.
func tourTrustKernel(ctx context.Context, r *report) error {
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
	from := func(i int) *bind.TransactOpts {
		return bind.NewKeyedTransactor(simchain.Key(i), big.NewInt(simchain.ChainID))
	}
	r.step("simulated chain (prague) at %s", chain.URL())

	costs, err := trustkernel.EstimateDeployment(ctx, client.Client(), simchain.Address(0), simchain.Address(0))
	if err != nil {
		return err
	}
	var deployGas uint64
	for _, c := range costs {
		deployGas += c.Gas
	}
	r.step("cost estimate deploy: %d creations, %d gas (the factory's through a state override, before the implementation exists)", len(costs), deployGas)
	dep, err := trustkernel.Deploy(ctx, client, from(0), simchain.Address(0))
	if err != nil {
		return err
	}
	r.verified("registry, implementation, factory and anchor deployed with the expected runtime code")

	params := trustkernel.InstanceParams{
		RootAuthority: simchain.Address(1), UpgradeAuthority: simchain.Address(2), EmergencyAuthority: simchain.Address(3),
		GenesisRoot: crypto.Keccak256Hash([]byte("release 1")), Salt: crypto.Keccak256Hash([]byte("tour")),
	}
	predicted := trustkernel.InstanceAddress(dep.Factory, dep.Implementation, params)
	addr, _, err := trustkernel.CreateInstance(ctx, client, from(0), dep, params)
	if err != nil {
		return err
	}
	if addr != predicted {
		return fmt.Errorf("controller at %s, predicted %s", addr.Hex(), predicted.Hex())
	}
	r.verified("controller %s created at its offline-predicted address and is a genuine EIP-1167 clone", addr.Hex())
	if err := trustkernel.VerifyClone(ctx, client, dep.Registry, dep.Implementation, nil); !errors.Is(err, trustkernel.ErrNotClone) {
		return fmt.Errorf("a non-clone pinned as controller: got %v, want %v", err, trustkernel.ErrNotClone)
	}
	r.verified("a contract that is not a clone is rejected as a controller")

	ctl := trustkernel.NewController(addr)
	release2 := crypto.Keccak256Hash([]byte("release 2"))
	propose, err := ctl.ProposeUpgrade(release2, common.Hash{}, common.Hash{}, time.Hour)
	if err != nil {
		return err
	}
	if _, err := trustkernel.Send(ctx, client, from(3), propose); !errors.Is(err, trustkernel.ErrUnauthorized) {
		return fmt.Errorf("proposal by the emergency authority: got %v, want %v", err, trustkernel.ErrUnauthorized)
	}
	r.verified("a proposal from the wrong authority is refused with a typed error")
	for _, c := range []trustkernel.Call{propose, ctl.ActivateUpgrade()} {
		if _, err := trustkernel.Send(ctx, client, from(2), c); err != nil {
			return err
		}
	}
	s, err := ctl.Snapshot(ctx, client, nil)
	if err != nil {
		return err
	}
	if s.ActiveRoot != release2 {
		return fmt.Errorf("active root %x, want %x", s.ActiveRoot, release2)
	}
	r.verified("upgrade proposed and activated: snapshot() shows release 2")

	root := crypto.Keccak256Hash([]byte("tour log checkpoint"))
	if _, err := trustkernel.AnchorRoot(ctx, client, from(0), dep.Anchor, root, "tour/log"); err != nil {
		return err
	}
	anchorer := simchain.Address(0)
	rec, err := trustkernel.FindAnchor(ctx, client, dep.Anchor, root, trustkernel.AnchorQuery{Sender: &anchorer})
	if err != nil {
		return err
	}
	r.verified("root anchored and found again: block %d, log %d", rec.BlockNumber, rec.LogIndex)

	comp, err := tourFullMode(ctx, r, chain, client, dep, ctl, from)
	if err != nil {
		return err
	}

	// A release 4 is pending when the emergency authority pulls the brake.
	reg := trustkernel.NewRegistry(dep.Registry)
	if _, err := trustkernel.Send(ctx, client, from(0), reg.Publish(comp, 4, crypto.Keccak256Hash([]byte("release 4")), common.Hash{}, common.Hash{})); err != nil {
		return err
	}
	propose4, err := ctl.ProposeRelease(comp, 4, common.Hash{}, time.Hour)
	if err != nil {
		return err
	}
	if _, err := trustkernel.Send(ctx, client, from(2), propose4); err != nil {
		return err
	}
	if _, err := trustkernel.Send(ctx, client, from(3), ctl.Pause()); err != nil {
		return err
	}
	if s, err = ctl.Snapshot(ctx, client, nil); err != nil || !s.Paused {
		return fmt.Errorf("controller not paused after pause (err %v)", err)
	}
	r.verified("emergency authority paused the controller")
	if _, err := trustkernel.Send(ctx, client, from(2), ctl.ActivateUpgrade()); !errors.Is(err, trustkernel.ErrControllerPaused) {
		return fmt.Errorf("activation while paused: got %v, want %v", err, trustkernel.ErrControllerPaused)
	}
	r.verified("while paused the controller refuses upgrades (fail closed)")
	if _, err := trustkernel.Send(ctx, client, from(3), ctl.CancelUpgrade()); err != nil {
		return err
	}
	if s, err = ctl.Snapshot(ctx, client, nil); err != nil || s.PendingUpgrade.ExpiresAt != 0 {
		return fmt.Errorf("release 4 still pending after the emergency cancel (err %v)", err)
	}
	r.verified("emergency authority cancelled the pending release 4 while paused (break-glass)")
	policy := crypto.Keccak256Hash([]byte("policy v2"))
	if _, err := trustkernel.Send(ctx, client, from(2), ctl.SetPolicyHash(policy)); !errors.Is(err, trustkernel.ErrUnauthorized) {
		return fmt.Errorf("policy change by the upgrade authority: got %v, want %v", err, trustkernel.ErrUnauthorized)
	}
	if _, err := trustkernel.Send(ctx, client, from(1), ctl.SetPolicyHash(policy)); err != nil {
		return err
	}
	if s, err = ctl.Snapshot(ctx, client, nil); err != nil || s.ActivePolicyHash != policy {
		return fmt.Errorf("policy hash not changed (err %v)", err)
	}
	r.verified("only the root authority changes the policy hash")
	return nil
}

// tourFullMode installs 1,000 files in full mode: the manifest's per-file
// hashes go on chain as a registry release, and a runtime configured with
// mode "full" checks the install directory against them, read through a
// 2-of-3 quorum, with no manifest file on the server. It returns the
// release's component id.
func tourFullMode(ctx context.Context, r *report, chain *simchain.Chain, client *ethclient.Client, dep *trustkernel.Deployment,
	ctl *trustkernel.Controller, from func(int) *bind.TransactOpts) ([32]byte, error) {
	var comp [32]byte
	dir := filepath.Join(r.dir, "install")
	for d := range 10 {
		sub := filepath.Join(dir, fmt.Sprintf("mod%02d", d))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return comp, err
		}
		for i := range 100 {
			if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("file%03d.php", i)), fmt.Appendf(nil, "<?php // %d/%d\n", d, i), 0o644); err != nil {
				return comp, err
			}
		}
	}
	m, err := integrity.Build(ctx, dir)
	if err != nil {
		return comp, err
	}
	root, err := m.Root()
	if err != nil {
		return comp, err
	}
	r.step("install of %d files, manifest root %x", len(m.Entries), root[:8])

	// What each mode would cost, before anything is sent.
	uri := "https://releases.example/tour-app/3/manifest.json"
	rootURI, err := trustkernel.EstimateModeCost(ctx, client, trustkernel.CostQuery{Controller: ctl.Address, From: simchain.Address(2), URI: uri}, m, trustkernel.ModeRootURI)
	if err != nil {
		return comp, err
	}
	full, err := trustkernel.EstimateModeCost(ctx, client, trustkernel.CostQuery{Controller: ctl.Address, From: simchain.Address(2), URI: uri}, m, trustkernel.ModeFull)
	if err != nil {
		return comp, err
	}
	r.step("cost estimate %s", rootURI)
	r.step("cost estimate %s", full)

	comp = crypto.Keccak256Hash([]byte("accord/tour-app"))
	reg := trustkernel.NewRegistry(dep.Registry)
	if _, err := trustkernel.Send(ctx, client, from(0), reg.Publish(comp, 3, root, integrity.URIHash(uri), common.Hash{})); err != nil {
		return comp, err
	}
	if _, err := trustkernel.Send(ctx, client, from(1), ctl.SetReleaseRegistry(dep.Registry)); err != nil {
		return comp, err
	}
	pub, err := trustkernel.PublishManifest(ctx, client, from(2), ctl, m)
	if err != nil {
		return comp, err
	}
	r.verified("per-file hashes published on chain: %s in %s, %d gas", plural(len(pub.Plan.Chunks), "chunk"), plural(len(pub.Receipts), "transaction"), pub.GasUsed())
	propose, err := ctl.ProposeRelease(comp, 3, common.Hash{}, time.Hour)
	if err != nil {
		return comp, err
	}
	for _, c := range []trustkernel.Call{propose, ctl.ActivateUpgrade()} {
		if _, err := trustkernel.Send(ctx, client, from(2), c); err != nil {
			return comp, err
		}
	}
	r.verified("release 3 proposed by name from the registry; activation checked its root and URI hash there")
	chain.Mine(3)

	urls := make([]string, 3)
	for i := range urls {
		p := simchain.NewProxy(chain.URL(), simchain.Behaviour{Lie: i == 1})
		defer p.Close()
		urls[i] = p.URL
	}
	cfg, err := trustkernel.ParseConfig(fmt.Appendf(nil, `{"trust":{"web3":{"chain_id":%d,"rpc_endpoints":["%s","%s","%s"],"rpc_quorum":2,"mode":"full","contracts":{"instance_controller":"%s"}}}}`,
		simchain.ChainID, urls[0], urls[1], urls[2], ctl.Address.Hex()))
	if err != nil {
		return comp, err
	}
	head, err := client.HeaderByNumber(ctx, nil)
	if err != nil {
		return comp, err
	}
	now := time.Unix(int64(head.Time)+1, 0) // quick simulated blocks run ahead of wall time
	clock := func() time.Time { return now }
	// A runtime configured as a server would be: mode full, no manifest
	// file, one of the three endpoints lying.
	check := func() (runtime.Decision, error) {
		qr, err := cfg.QuorumReader(quorum.WithClock(clock))
		if err != nil {
			return runtime.Decision{}, err
		}
		defer qr.Close()
		install, err := cfg.InstallCheck(dir, "", qr)
		if err != nil {
			return runtime.Decision{}, err
		}
		rt, err := runtime.New(&trustkernel.ControllerState{Reader: qr, Controller: ctl.Address}, cfg.Policy(),
			runtime.WithClock(clock), install)
		if err != nil {
			return runtime.Decision{}, err
		}
		err = rt.Refresh(ctx)
		return rt.Decision(), err
	}
	d, err := check()
	if err != nil {
		return comp, err
	}
	if !d.MayRead() || !d.MayWrite() {
		return comp, fmt.Errorf("full-mode install refused: reads %v, writes %v", d.Reads, d.Writes)
	}
	if d.Observation.ComponentID != comp || d.Observation.Version != 3 {
		return comp, fmt.Errorf("runtime reports component %x version %d, want %x version 3", d.Observation.ComponentID, d.Observation.Version, comp)
	}
	r.verified("full mode: the install's %d files match the hashes read from chain through a 2-of-3 quorum (one endpoint lying); the runtime reports version 3 running", len(m.Entries))

	if err := os.WriteFile(filepath.Join(dir, "mod04", "file042.php"), []byte("<?php evil();\n"), 0o644); err != nil {
		return comp, err
	}
	if d, err = check(); err != nil {
		return comp, err
	}
	var ie *integrity.DiffError
	if !errors.As(d.Reads, &ie) || len(ie.Changed) != 1 || d.MayWrite() {
		return comp, fmt.Errorf("changed file not caught: reads %v, writes %v", d.Reads, d.Writes)
	}
	r.verified("a file changed on the server fails the install closed, naming %s", ie.Changed[0])
	return comp, nil
}
