package trustkernel

import (
	"context"
	"errors"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/accordsdk/accord/trustkernel/internal/bindings"
)

// A Deployment is the set of global trustkernel contracts on one chain.
type Deployment struct {
	Registry       common.Address // ReleaseRegistry
	Implementation common.Address // InstanceController implementation (locked)
	Factory        common.Address // InstanceFactory cloning Implementation
	Anchor         common.Address // Anchor
}

// Deploy deploys the release registry (owned by registryOwner), the locked
// controller implementation, the factory that clones it and the anchor
// contract, waits until all are mined and checks that each has the expected
// runtime code.
func Deploy(ctx context.Context, backend Backend, opts *bind.TransactOpts, registryOwner common.Address) (*Deployment, error) {
	if registryOwner == (common.Address{}) {
		return nil, errorf("deploy: registry owner: %w", ErrZeroAddress)
	}
	o := *opts
	o.Context = ctx
	var d Deployment
	var txs []*types.Transaction
	deploy := func(name string, md *bind.MetaData, input []byte) (common.Address, error) {
		addr, tx, err := bind.DeployContract(&o, common.FromHex(md.Bin), backend, input)
		if err != nil {
			return common.Address{}, errorf("deploy %s: %w", name, DecodeRevertError(err))
		}
		// Pin the next nonce so the deployments need not wait for each other.
		o.Nonce = bigU64(tx.Nonce() + 1)
		txs = append(txs, tx)
		return addr, nil
	}
	var err error
	if d.Registry, err = deploy("ReleaseRegistry", &bindings.ReleaseRegistryMetaData, bindings.NewReleaseRegistry().PackConstructor(registryOwner)); err != nil {
		return nil, err
	}
	if d.Implementation, err = deploy("InstanceController", &bindings.InstanceControllerMetaData, nil); err != nil {
		return nil, err
	}
	if d.Anchor, err = deploy("Anchor", &bindings.AnchorMetaData, nil); err != nil {
		return nil, err
	}
	// The factory's constructor checks that the implementation has code.
	if _, err := waitSuccess(ctx, backend, "deploy InstanceController", o.From, txs[1]); err != nil {
		return nil, err
	}
	if d.Factory, err = deploy("InstanceFactory", &bindings.InstanceFactoryMetaData, bindings.NewInstanceFactory().PackConstructor(d.Implementation)); err != nil {
		return nil, err
	}
	for _, tx := range txs {
		if _, err := waitSuccess(ctx, backend, "deploy", o.From, tx); err != nil {
			return nil, err
		}
	}
	if err := VerifyDeployment(ctx, backend, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// InstanceParams are the arguments of a controller clone: its authorities,
// its genesis state and a salt. The clone's address is a function of all of
// them and of the factory (see [InstanceAddress]).
type InstanceParams struct {
	RootAuthority      common.Address
	UpgradeAuthority   common.Address
	EmergencyAuthority common.Address
	// GenesisRoot may be zero: no release active yet, and a runtime policy
	// then fails closed until an upgrade is activated.
	GenesisRoot       [32]byte
	GenesisURIHash    [32]byte
	GenesisPolicyHash [32]byte
	Salt              [32]byte
}

// check rejects parameters the contract would reject.
func (p InstanceParams) check() error {
	if p.RootAuthority == (common.Address{}) || p.UpgradeAuthority == (common.Address{}) || p.EmergencyAuthority == (common.Address{}) {
		return errorf("instance authorities: %w", ErrZeroAddress)
	}
	return nil
}

// createSalt is the CREATE2 salt the factory uses: keccak256 of the ABI
// encoding of every parameter.
func (p InstanceParams) createSalt() [32]byte {
	var buf []byte
	for _, a := range []common.Address{p.RootAuthority, p.UpgradeAuthority, p.EmergencyAuthority} {
		buf = append(buf, common.LeftPadBytes(a.Bytes(), 32)...)
	}
	for _, h := range [][32]byte{p.GenesisRoot, p.GenesisURIHash, p.GenesisPolicyHash, p.Salt} {
		buf = append(buf, h[:]...)
	}
	return crypto.Keccak256Hash(buf)
}

// InstanceAddress computes, without a chain, the address at which factory
// creates the controller clone of implementation for p. An offline device
// uses it to check the address a setup will produce.
func InstanceAddress(factory, implementation common.Address, p InstanceParams) common.Address {
	return crypto.CreateAddress2(factory, p.createSalt(), crypto.Keccak256(cloneCreationCode(implementation)))
}

// CreateInstance creates and initialises a controller clone through the
// factory and returns its address. It checks that the address is the one
// [InstanceAddress] predicts and that the clone is genuine.
func CreateInstance(ctx context.Context, backend Backend, opts *bind.TransactOpts, d *Deployment, p InstanceParams) (common.Address, *types.Receipt, error) {
	if err := p.check(); err != nil {
		return common.Address{}, nil, err
	}
	c, err := CreateInstanceCall(d, p)
	if err != nil {
		return common.Address{}, nil, err
	}
	rcpt, err := Send(ctx, backend, opts, c)
	if err != nil {
		return common.Address{}, nil, err
	}
	want := InstanceAddress(d.Factory, d.Implementation, p)
	var got common.Address
	factory := bindings.NewInstanceFactory()
	for _, l := range rcpt.Logs {
		if l.Address != d.Factory {
			continue
		}
		if ev, err := factory.UnpackInstanceCreatedEvent(l); err == nil {
			got = ev.Instance
		}
	}
	if got != want {
		return common.Address{}, rcpt, errorf("factory created %s, want %s", got.Hex(), want.Hex())
	}
	if err := VerifyClone(ctx, backend, got, d.Implementation, nil); err != nil {
		return common.Address{}, rcpt, err
	}
	return got, rcpt, nil
}

// CreateInstanceCall is the factory call [CreateInstance] sends, for a
// sender that is not an EOA of this process (a Safe, or a tool that shows
// the gas estimate first). Anyone may send it: the factory is
// permissionless, and the parameters fix the clone's address.
func CreateInstanceCall(d *Deployment, p InstanceParams) (Call, error) {
	if err := p.check(); err != nil {
		return Call{}, err
	}
	data := bindings.NewInstanceFactory().PackCreateInstance(p.RootAuthority, p.UpgradeAuthority, p.EmergencyAuthority,
		p.GenesisRoot, p.GenesisURIHash, p.GenesisPolicyHash, p.Salt)
	return Call{Method: "createInstance", To: d.Factory, Data: data}, nil
}

// A Creation is the data of one contract-creation transaction of [Deploy].
type Creation struct {
	// Name is the contract's name.
	Name string
	// Code is the creation code with the constructor arguments.
	Code []byte
}

// DeploymentCode returns the creation transactions [Deploy] sends for the
// contracts whose constructors depend on no other deployment: the
// ReleaseRegistry owned by registryOwner, the InstanceController
// implementation and the Anchor, in that order. A tool estimates their gas
// before deploying; the InstanceFactory's constructor needs the
// implementation on chain, so a plain eth_estimateGas of it fails before
// then ([EstimateDeployment] estimates all four, the factory through a
// state override).
func DeploymentCode(registryOwner common.Address) ([]Creation, error) {
	if registryOwner == (common.Address{}) {
		return nil, errorf("deploy: registry owner: %w", ErrZeroAddress)
	}
	return []Creation{
		{"ReleaseRegistry", append(common.FromHex(bindings.ReleaseRegistryMetaData.Bin), bindings.NewReleaseRegistry().PackConstructor(registryOwner)...)},
		{"InstanceController", common.FromHex(bindings.InstanceControllerMetaData.Bin)},
		{"Anchor", common.FromHex(bindings.AnchorMetaData.Bin)},
	}, nil
}

// VerifyDeployment checks that each address of d holds the runtime code this
// package was built with (the factory's with d.Implementation filled in).
func VerifyDeployment(ctx context.Context, backend CodeReader, d *Deployment) error {
	checks := []struct {
		name string
		addr common.Address
		want common.Hash
	}{
		{"ReleaseRegistry", d.Registry, registryCodeHash},
		{"InstanceController", d.Implementation, implementationCodeHash},
		{"Anchor", d.Anchor, anchorCodeHash},
		{"InstanceFactory", d.Factory, FactoryCodeHash(d.Implementation)},
	}
	var errs []error
	for _, c := range checks {
		code, err := backend.CodeAt(ctx, c.addr, nil)
		if err != nil {
			return errorf("code of %s %s: %w", c.name, c.addr.Hex(), err)
		}
		if got := crypto.Keccak256Hash(code); got != c.want {
			errs = append(errs, &CodeMismatchError{What: c.name, Address: c.addr, Got: got, Want: c.want})
		}
	}
	return errors.Join(errs...)
}
