package main

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

func init() { register(40, "trustkernel", tourTrustKernel) }

// tourTrustKernel deploys the trust kernel contracts on a simulated chain,
// creates an install's controller, upgrades it, anchors a root, pauses it
// and shows that a paused controller refuses changes.
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

	if _, err := trustkernel.Send(ctx, client, from(3), ctl.Pause()); err != nil {
		return err
	}
	if s, err = ctl.Snapshot(ctx, client, nil); err != nil || !s.Paused {
		return fmt.Errorf("controller not paused after pause (err %v)", err)
	}
	r.verified("emergency authority paused the controller")
	again, err := ctl.ProposeUpgrade(crypto.Keccak256Hash([]byte("release 3")), common.Hash{}, common.Hash{}, time.Hour)
	if err != nil {
		return err
	}
	if _, err := trustkernel.Send(ctx, client, from(2), again); !errors.Is(err, trustkernel.ErrControllerPaused) {
		return fmt.Errorf("proposal while paused: got %v, want %v", err, trustkernel.ErrControllerPaused)
	}
	r.verified("while paused the controller refuses upgrades (fail closed)")
	return nil
}
