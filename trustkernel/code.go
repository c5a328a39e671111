package trustkernel

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

//go:generate sh contracts/generate.sh

var (
	//go:embed contracts/artifacts/InstanceController.bin-runtime
	implementationRuntimeHex string
	//go:embed contracts/artifacts/ReleaseRegistry.bin-runtime
	registryRuntimeHex string
	//go:embed contracts/artifacts/Anchor.bin-runtime
	anchorRuntimeHex string
	//go:embed contracts/artifacts/InstanceFactory.bin-runtime
	factoryRuntimeHex string
	//go:embed contracts/artifacts/InstanceFactory.immutables.json
	factoryImmutablesJSON []byte
)

// The Keccak-256 hashes of the runtime code of the contracts this package
// was built with (the committed artifacts), computed once. They are trust
// anchors, so they are reachable only through the functions below, which
// return copies: no other package can change what counts as genuine.
var (
	implementationCodeHash = crypto.Keccak256Hash(runtimeCode(implementationRuntimeHex))
	registryCodeHash       = crypto.Keccak256Hash(runtimeCode(registryRuntimeHex))
	anchorCodeHash         = crypto.Keccak256Hash(runtimeCode(anchorRuntimeHex))
)

// ImplementationCodeHash returns the Keccak-256 hash of the InstanceController
// implementation's runtime code this package was built with.
func ImplementationCodeHash() common.Hash { return implementationCodeHash }

// RegistryCodeHash returns the Keccak-256 hash of the ReleaseRegistry's
// runtime code this package was built with.
func RegistryCodeHash() common.Hash { return registryCodeHash }

// AnchorCodeHash returns the Keccak-256 hash of the Anchor's runtime code this
// package was built with. The factory has an immutable, so its hash depends
// on the implementation: see [FactoryCodeHash].
func AnchorCodeHash() common.Hash { return anchorCodeHash }

func runtimeCode(hexCode string) []byte {
	b := common.FromHex(strings.TrimSpace(hexCode))
	if len(b) == 0 {
		panic("trustkernel: empty embedded runtime code")
	}
	return b
}

// FactoryCodeHash returns the runtime code hash of an InstanceFactory that
// clones implementation.
func FactoryCodeHash(implementation common.Address) common.Hash {
	code := runtimeCode(factoryRuntimeHex)
	var refs []struct{ Start, Length int }
	if err := json.Unmarshal(factoryImmutablesJSON, &refs); err != nil {
		panic("trustkernel: bad embedded immutables: " + err.Error())
	}
	word := common.LeftPadBytes(implementation.Bytes(), 32)
	for _, r := range refs {
		copy(code[r.Start:r.Start+r.Length], word)
	}
	return crypto.Keccak256Hash(code)
}

// CodeReader reads the code at an address; *ethclient.Client satisfies it,
// and so can a quorum reader that agrees on code across endpoints.
type CodeReader interface {
	CodeAt(ctx context.Context, account common.Address, blockNumber *big.Int) ([]byte, error)
}

// EIP-1167 minimal proxy: the runtime code is prefix, the 20-byte
// implementation address, suffix (45 bytes in all); the creation code is a
// 10-byte constructor that returns it.
var (
	clonePrefix      = common.FromHex("363d3d373d3d3d363d73")
	cloneSuffix      = common.FromHex("5af43d82803e903d91602b57fd5bf3")
	cloneConstructor = common.FromHex("3d602d80600a3d3981f3")
)

// CloneCodeSize is the size of an EIP-1167 clone's runtime code.
const CloneCodeSize = 45

// CloneRuntimeCode returns the 45-byte EIP-1167 runtime code of a clone of implementation.
func CloneRuntimeCode(implementation common.Address) []byte {
	code := make([]byte, 0, CloneCodeSize)
	code = append(code, clonePrefix...)
	code = append(code, implementation.Bytes()...)
	return append(code, cloneSuffix...)
}

func cloneCreationCode(implementation common.Address) []byte {
	return append(append([]byte(nil), cloneConstructor...), CloneRuntimeCode(implementation)...)
}

// Errors of clone and deployment verification.
var (
	// ErrNoCode: there is no contract at the address.
	ErrNoCode = errors.New("trustkernel: no code at address")
	// ErrNotClone: the code at the address is not an EIP-1167 clone.
	ErrNotClone = errors.New("trustkernel: not an eip-1167 clone")
	// ErrWrongImplementation: the clone delegates to another implementation.
	ErrWrongImplementation = errors.New("trustkernel: clone of another implementation")
	// ErrCodeMismatch: a contract's runtime code is not the expected one.
	ErrCodeMismatch = errors.New("trustkernel: runtime code mismatch")
)

// A CodeMismatchError says which contract has unexpected runtime code.
type CodeMismatchError struct {
	What    string
	Address common.Address
	Got     common.Hash
	Want    common.Hash
}

// Error reports the address and both code hashes.
func (e *CodeMismatchError) Error() string {
	return fmt.Sprintf("trustkernel: %s at %s has code hash %s, want %s", e.What, e.Address.Hex(), e.Got.Hex(), e.Want.Hex())
}

// Unwrap returns [ErrCodeMismatch].
func (e *CodeMismatchError) Unwrap() error { return ErrCodeMismatch }

// VerifyClone checks that controller is a genuine InstanceController: its
// code is exactly the 45-byte EIP-1167 clone of implementation, and
// implementation's runtime code hash is [ImplementationCodeHash]. A server
// runs it on the controller address pinned in its configuration before
// trusting anything the controller says. blockNumber nil reads the latest
// state. Readers that fetch code themselves (for example through a quorum)
// use [CheckClone] and [CheckImplementation] on the agreed bytes.
func VerifyClone(ctx context.Context, backend CodeReader, controller, implementation common.Address, blockNumber *big.Int) error {
	code, err := backend.CodeAt(ctx, controller, blockNumber)
	if err != nil {
		return errorf("code of controller %s: %w", controller.Hex(), err)
	}
	if err := CheckClone(controller, code, implementation); err != nil {
		return err
	}
	impl, err := backend.CodeAt(ctx, implementation, blockNumber)
	if err != nil {
		return errorf("code of implementation %s: %w", implementation.Hex(), err)
	}
	return CheckImplementation(implementation, impl)
}

// CheckClone checks that code, read at controller, is exactly the EIP-1167
// clone of implementation.
func CheckClone(controller common.Address, code []byte, implementation common.Address) error {
	if len(code) == 0 {
		return errorf("controller %s: %w", controller.Hex(), ErrNoCode)
	}
	if len(code) != CloneCodeSize || !bytes.HasPrefix(code, clonePrefix) || !bytes.HasSuffix(code, cloneSuffix) {
		return errorf("controller %s has %d bytes of code, want the %d-byte clone pattern: %w",
			controller.Hex(), len(code), CloneCodeSize, ErrNotClone)
	}
	if got := common.BytesToAddress(code[len(clonePrefix) : len(clonePrefix)+20]); got != implementation {
		return errorf("controller %s delegates to %s, want %s: %w",
			controller.Hex(), got.Hex(), implementation.Hex(), ErrWrongImplementation)
	}
	return nil
}

// CheckImplementation checks that code, read at implementation, is the
// InstanceController runtime code this package was built with.
func CheckImplementation(implementation common.Address, code []byte) error {
	if got := crypto.Keccak256Hash(code); got != implementationCodeHash {
		return &CodeMismatchError{What: "InstanceController implementation", Address: implementation, Got: got, Want: implementationCodeHash}
	}
	return nil
}

func bigU64(v uint64) *big.Int { return new(big.Int).SetUint64(v) }
