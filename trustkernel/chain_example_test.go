package trustkernel_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

// exampleChain starts a simulated chain, deploys the contracts from account
// 0 and creates a controller with accounts 1, 2 and 3 as its authorities.
func exampleChain(ctx context.Context) (*simchain.Chain, trustkernel.Backend, *trustkernel.Deployment, *trustkernel.Controller) {
	chain, err := simchain.New(nil)
	if err != nil {
		log.Fatal(err)
	}
	client, err := chain.Dial(ctx)
	if err != nil {
		log.Fatal(err)
	}
	deployer := bind.NewKeyedTransactor(simchain.Key(0), big.NewInt(simchain.ChainID))
	dep, err := trustkernel.Deploy(ctx, client, deployer, simchain.Address(0))
	if err != nil {
		log.Fatal(err)
	}
	addr, _, err := trustkernel.CreateInstance(ctx, client, deployer, dep, trustkernel.InstanceParams{
		RootAuthority:      simchain.Address(1),
		UpgradeAuthority:   simchain.Address(2),
		EmergencyAuthority: simchain.Address(3),
		Salt:               crypto.Keccak256Hash([]byte("example install")),
	})
	if err != nil {
		log.Fatal(err)
	}
	return chain, client, dep, trustkernel.NewController(addr)
}

func authority(i int) *bind.TransactOpts {
	return bind.NewKeyedTransactor(simchain.Key(i), big.NewInt(simchain.ChainID))
}

func ExampleDeploy() {
	ctx := context.Background()
	chain, client, dep, ctl := exampleChain(ctx)
	defer chain.Close()

	// A server checks the controller address pinned in its configuration.
	err := trustkernel.VerifyClone(ctx, client, ctl.Address, dep.Implementation, nil)
	fmt.Println("genuine clone:", err == nil)
	err = trustkernel.VerifyClone(ctx, client, dep.Registry, dep.Implementation, nil)
	fmt.Println("registry is a clone:", !errors.Is(err, trustkernel.ErrNotClone))
	// Output:
	// genuine clone: true
	// registry is a clone: false
}

func ExampleSend() {
	ctx := context.Background()
	chain, client, _, ctl := exampleChain(ctx)
	defer chain.Close()

	propose, err := ctl.ProposeUpgrade(crypto.Keccak256Hash([]byte("release 2")), common.Hash{}, common.Hash{}, time.Hour)
	if err != nil {
		log.Fatal(err)
	}
	// The upgrade authority (account 2) proposes and activates.
	for _, c := range []trustkernel.Call{propose, ctl.ActivateUpgrade()} {
		if _, err := trustkernel.Send(ctx, client, authority(2), c); err != nil {
			log.Fatal(err)
		}
	}
	// Account 4 is no authority: the contract's refusal comes back typed.
	_, err = trustkernel.Send(ctx, client, authority(4), ctl.Pause())
	fmt.Println("unauthorized:", errors.Is(err, trustkernel.ErrUnauthorized))

	s, err := ctl.Snapshot(ctx, client, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("active root is release 2:", s.ActiveRoot == crypto.Keccak256Hash([]byte("release 2")))
	fmt.Println("paused:", s.Paused)
	// Output:
	// unauthorized: true
	// active root is release 2: true
	// paused: false
}

func ExampleFindAnchor() {
	ctx := context.Background()
	chain, client, dep, _ := exampleChain(ctx)
	defer chain.Close()

	root := crypto.Keccak256Hash([]byte("checkpoint of some log"))
	written, err := trustkernel.AnchorRoot(ctx, client, authority(1), dep.Anchor, root, "federation/witness")
	if err != nil {
		log.Fatal(err)
	}
	anchorer := simchain.Address(1)
	found, err := trustkernel.FindAnchor(ctx, client, dep.Anchor, root, trustkernel.AnchorQuery{Sender: &anchorer})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("label:", found.Label)
	fmt.Println("same transaction:", found.TxHash == written.TxHash)
	// Output:
	// label: federation/witness
	// same transaction: true
}

func ExampleSetupRequest() {
	dep := &trustkernel.Deployment{
		Factory:        common.HexToAddress("0x00000000000000000000000000000000000fac70"),
		Implementation: common.HexToAddress("0x000000000000000000000000000000000000c0de"),
	}
	params := trustkernel.InstanceParams{
		RootAuthority:      common.HexToAddress("0x0000000000000000000000000000000000000001"),
		UpgradeAuthority:   common.HexToAddress("0x0000000000000000000000000000000000000002"),
		EmergencyAuthority: common.HexToAddress("0x0000000000000000000000000000000000000003"),
		Salt:               crypto.Keccak256Hash([]byte("shop-eu-1")),
	}
	notAfter := time.Date(2026, 1, 7, 0, 0, 0, 0, time.UTC)
	req, err := trustkernel.NewSetupRequest("shop-eu-1", 1337, dep, params, notAfter)
	if err != nil {
		log.Fatal(err)
	}
	// The reviewing device signs; the signature is checked before the
	// controller address goes into the server's configuration.
	reviewer := simchain.Key(6)
	sig, err := req.Sign(reviewer)
	if err != nil {
		log.Fatal(err)
	}
	now := time.Date(2026, 1, 6, 12, 0, 0, 0, time.UTC)
	fmt.Println("controller:", req.Controller.Hex())
	fmt.Println("verified:", req.Verify(sig, crypto.PubkeyToAddress(reviewer.PublicKey), now) == nil)
	// Output:
	// controller: 0x53db3c6c92227BeDa63834436d4E46F0DdDDA66A
	// verified: true
}

func ExampleSafeTx() {
	safe := common.HexToAddress("0x00000000000000000000000000000000000005af")
	ctl := trustkernel.NewController(common.HexToAddress("0x00000000000000000000000000000000000c7a11"))
	tx := trustkernel.NewSafeTx(safe, 1337, ctl.Pause(), 0)
	h, err := tx.Hash()
	if err != nil {
		log.Fatal(err)
	}
	// Each owner signs the digest; ExecSafeTx sorts and submits the signatures.
	fmt.Println("safeTxHash:", h.Hex())
	// Output:
	// safeTxHash: 0xc8999877addb15ad212089ac1850acdbc4eb6a751b236d21019766b1d15b37d0
}

func ExampleDecodeRevert() {
	data := common.FromHex("0x35677e86") // ControllerPaused()
	err := trustkernel.DecodeRevert(data)
	fmt.Println(err)
	fmt.Println(errors.Is(err, trustkernel.ErrControllerPaused))
	// Output:
	// trustkernel: execution reverted: ControllerPaused()
	// true
}
