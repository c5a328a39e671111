package trustkernel

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/accordsdk/accord/trustkernel/internal/bindings"
)

// Sentinels for the contracts' custom errors. A [*RevertError] unwraps to the
// sentinel of its error name, so errors.Is(err, ErrUnauthorized) works on what
// any function of this package returns.
var (
	// ErrUnauthorized: the caller is not the authority the function requires.
	ErrUnauthorized = errors.New("trustkernel: caller is not the required authority")
	// ErrAlreadyInitialized: a controller (or the implementation) was initialised twice.
	ErrAlreadyInitialized = errors.New("trustkernel: controller already initialised")
	// ErrZeroAddress: an authority or owner argument was the zero address.
	ErrZeroAddress = errors.New("trustkernel: zero address")
	// ErrZeroRoot: a root argument was zero.
	ErrZeroRoot = errors.New("trustkernel: zero root")
	// ErrInvalidTTL: a proposal TTL is outside the contract's bounds.
	ErrInvalidTTL = errors.New("trustkernel: proposal ttl out of range")
	// ErrNoPendingUpgrade: there is no upgrade to activate or cancel.
	ErrNoPendingUpgrade = errors.New("trustkernel: no pending upgrade")
	// ErrUpgradeExpired: the pending upgrade's TTL has run out.
	ErrUpgradeExpired = errors.New("trustkernel: pending upgrade expired")
	// ErrControllerPaused: the contract reverted with ControllerPaused, a
	// transaction the controller refuses while paused (an upgrade proposal
	// or activation, a manifest chunk publication, a second pause). A runtime that sees a paused controller refuses to
	// serve with [runtime.ErrPaused] instead: that is a decision, not a revert.
	ErrControllerPaused = errors.New("trustkernel: controller paused")
	// ErrNotPaused: unpause was called on a controller that is not paused.
	ErrNotPaused = errors.New("trustkernel: controller not paused")
	// ErrNotPendingRootAuthority: the caller is not the pending root authority.
	ErrNotPendingRootAuthority = errors.New("trustkernel: caller is not the pending root authority")
	// ErrNotOwner: the caller is not the release registry's owner.
	ErrNotOwner = errors.New("trustkernel: caller is not the registry owner")
	// ErrNotPendingOwner: the caller is not the registry's pending owner.
	ErrNotPendingOwner = errors.New("trustkernel: caller is not the registry's pending owner")
	// ErrVersionNotIncreasing: a release version is not above the latest one.
	ErrVersionNotIncreasing = errors.New("trustkernel: release version not increasing")
	// ErrReleaseNotFound: no release is published under that component and version.
	ErrReleaseNotFound = errors.New("trustkernel: release not found")
	// ErrNoImplementation: the factory was given an implementation without code.
	ErrNoImplementation = errors.New("trustkernel: implementation has no code")
	// ErrInstanceExists: a controller already exists at the predicted address.
	ErrInstanceExists = errors.New("trustkernel: instance already exists")
	// ErrLabelTooLong: an anchor label is longer than the contract allows.
	ErrLabelTooLong = errors.New("trustkernel: anchor label too long")
	// ErrZeroComponentID: a release proposal named the zero component id.
	ErrZeroComponentID = errors.New("trustkernel: zero component id")
	// ErrNoReleaseRegistry: a release proposal was made while the controller
	// pins no release registry.
	ErrNoReleaseRegistry = errors.New("trustkernel: controller pins no release registry")
	// ErrReleaseRequired: a raw-root proposal (or its activation) while the
	// controller pins a release registry, whose releases proposals must name.
	ErrReleaseRequired = errors.New("trustkernel: proposal must name a published release")
	// ErrReleaseMismatch: the pending upgrade's root or URI hash is not what
	// the registry publishes under its component and version.
	ErrReleaseMismatch = errors.New("trustkernel: pending upgrade differs from the published release")
	// ErrBadChunkCount: a full-mode manifest's chunk count is zero, too
	// large, or not the count its first chunks were published with.
	ErrBadChunkCount = errors.New("trustkernel: bad manifest chunk count")
	// ErrChunkOutOfOrder: manifest chunks were published out of order, or a
	// chunk again.
	ErrChunkOutOfOrder = errors.New("trustkernel: manifest chunk out of order")
	// ErrTooManyChunks: a call carried no chunk, or more than the manifest
	// has left.
	ErrTooManyChunks = errors.New("trustkernel: too many manifest chunks")
	// ErrReverted: a call reverted with a reason string, a panic code, or data
	// that matches no known error.
	ErrReverted = errors.New("trustkernel: execution reverted")
)

var sentinelByName = map[string]error{
	"Unauthorized":            ErrUnauthorized,
	"AlreadyInitialized":      ErrAlreadyInitialized,
	"ZeroAddress":             ErrZeroAddress,
	"ZeroRoot":                ErrZeroRoot,
	"InvalidTtl":              ErrInvalidTTL,
	"NoPendingUpgrade":        ErrNoPendingUpgrade,
	"UpgradeExpired":          ErrUpgradeExpired,
	"ControllerPaused":        ErrControllerPaused,
	"NotPaused":               ErrNotPaused,
	"NotPendingRootAuthority": ErrNotPendingRootAuthority,
	"NotOwner":                ErrNotOwner,
	"NotPendingOwner":         ErrNotPendingOwner,
	"VersionNotIncreasing":    ErrVersionNotIncreasing,
	"ReleaseNotFound":         ErrReleaseNotFound,
	"NoImplementation":        ErrNoImplementation,
	"InstanceExists":          ErrInstanceExists,
	"LabelTooLong":            ErrLabelTooLong,
	"NoCode":                  ErrNoCode,
	"ZeroComponentId":         ErrZeroComponentID,
	"NoReleaseRegistry":       ErrNoReleaseRegistry,
	"ReleaseRequired":         ErrReleaseRequired,
	"ReleaseNotPublished":     ErrReleaseNotFound,
	"ReleaseMismatch":         ErrReleaseMismatch,
	"BadChunkCount":           ErrBadChunkCount,
	"ChunkOutOfOrder":         ErrChunkOutOfOrder,
	"TooManyChunks":           ErrTooManyChunks,
}

// A RevertError is a revert decoded from its data: a custom error of one of
// the trustkernel contracts, a Solidity Error(string) reason (Safe reverts
// with codes such as "GS026") or a Panic(uint256). It unwraps to the sentinel
// of its name (for example [ErrUpgradeExpired]), or to [ErrReverted].
type RevertError struct {
	// Name is the error's name: "Unauthorized", "Error", "Panic", or "" when
	// the data matched nothing known.
	Name string
	// Args are the decoded arguments, in declaration order, named by ArgNames.
	Args     []any
	ArgNames []string
	// Data is the raw revert data.
	Data []byte
}

// Error says which error the contract reverted with and its arguments.
func (e *RevertError) Error() string {
	if e.Name == "" {
		return fmt.Sprintf("trustkernel: execution reverted with unknown data 0x%x", e.Data)
	}
	var b strings.Builder
	for i, a := range e.Args {
		if i > 0 {
			b.WriteString(", ")
		}
		if i < len(e.ArgNames) && e.ArgNames[i] != "" {
			b.WriteString(e.ArgNames[i] + "=")
		}
		switch v := a.(type) {
		case [32]byte:
			b.WriteString(common.Hash(v).Hex())
		case string:
			b.WriteString(fmt.Sprintf("%q", v))
		default:
			b.WriteString(fmt.Sprint(v))
		}
	}
	return fmt.Sprintf("trustkernel: execution reverted: %s(%s)", e.Name, b.String())
}

// Unwrap returns the sentinel of the error's name, or [ErrReverted].
func (e *RevertError) Unwrap() error {
	if s, ok := sentinelByName[e.Name]; ok {
		return s
	}
	return ErrReverted
}

// Reason returns the reason string of an Error(string) revert, or "".
func (e *RevertError) Reason() string {
	if e.Name == "Error" && len(e.Args) == 1 {
		s, _ := e.Args[0].(string)
		return s
	}
	return ""
}

// knownErrors maps a 4-byte selector to the ABI error it names, for every
// custom error of the trustkernel contracts plus Error(string) and Panic(uint256).
var knownErrors = func() map[[4]byte]abi.Error {
	m := map[[4]byte]abi.Error{}
	for _, js := range []string{
		bindings.InstanceControllerMetaData.ABI,
		bindings.InstanceFactoryMetaData.ABI,
		bindings.ReleaseRegistryMetaData.ABI,
		bindings.AnchorMetaData.ABI,
	} {
		parsed, err := abi.JSON(strings.NewReader(js))
		if err != nil {
			panic("trustkernel: bad generated abi: " + err.Error())
		}
		for _, e := range parsed.Errors {
			var sel [4]byte
			copy(sel[:], e.ID[:4])
			m[sel] = e
		}
	}
	str, _ := abi.NewType("string", "", nil)
	u256, _ := abi.NewType("uint256", "", nil)
	for _, e := range []abi.Error{
		abi.NewError("Error", abi.Arguments{{Name: "reason", Type: str}}),
		abi.NewError("Panic", abi.Arguments{{Name: "code", Type: u256}}),
	} {
		var sel [4]byte
		copy(sel[:], e.ID[:4])
		m[sel] = e
	}
	return m
}()

// DecodeRevert decodes revert data into a [*RevertError]. Data of unknown
// shape gives a RevertError with an empty Name; it never fails.
func DecodeRevert(data []byte) *RevertError {
	re := &RevertError{Data: append([]byte(nil), data...)}
	if len(data) < 4 {
		return re
	}
	var sel [4]byte
	copy(sel[:], data[:4])
	e, ok := knownErrors[sel]
	if !ok {
		return re
	}
	args, err := e.Inputs.Unpack(data[4:])
	if err != nil {
		return re
	}
	// Accept only the canonical encoding, so one error has one form.
	if again, err := e.Inputs.Pack(args...); err != nil || !bytes.Equal(again, data[4:]) {
		return re
	}
	re.Name = e.Name
	re.Args = args
	for _, in := range e.Inputs {
		re.ArgNames = append(re.ArgNames, in.Name)
	}
	return re
}

// DecodeRevertError turns an RPC error that carries revert data (from
// eth_call or eth_estimateGas) into a [*RevertError], and returns any other
// error unchanged.
func DecodeRevertError(err error) error {
	if err == nil {
		return nil
	}
	if data, ok := ethclient.RevertErrorData(err); ok {
		return DecodeRevert(data)
	}
	return err
}
