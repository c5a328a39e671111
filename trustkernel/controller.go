package trustkernel

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"

	"github.com/accordsdk/accord/trustkernel/internal/bindings"
)

// Controller builds the authority calls of one InstanceController and reads
// its state. It holds no key: send its [Call] values with [Send] from an EOA
// authority, or through a Safe with [SafeTx].
type Controller struct {
	Address common.Address
	abi     *bindings.InstanceController
}

// NewController returns the controller at address.
func NewController(address common.Address) *Controller {
	return &Controller{Address: address, abi: controllerABI}
}

func (c *Controller) call(method string, data []byte) Call {
	return Call{Method: method, To: c.Address, Data: data}
}

// ProposeUpgrade proposes activating root, uriHash and policyHash within
// ttl (whole seconds, between one minute and 30 days). Upgrade authority,
// and only while the controller pins no release registry
// ([ErrReleaseRequired]; then use [Controller.ProposeRelease]).
func (c *Controller) ProposeUpgrade(root, uriHash, policyHash [32]byte, ttl time.Duration) (Call, error) {
	if root == ([32]byte{}) {
		return Call{}, errorf("propose upgrade: %w", ErrZeroRoot)
	}
	if ttl < MinProposalTTL || ttl > MaxProposalTTL || ttl%time.Second != 0 {
		return Call{}, errorf("propose upgrade: ttl %v, want whole seconds in [%v, %v]: %w", ttl, MinProposalTTL, MaxProposalTTL, ErrInvalidTTL)
	}
	return c.call("proposeUpgrade", c.abi.PackProposeUpgrade(root, uriHash, policyHash, uint64(ttl/time.Second))), nil
}

// Bounds of a proposal's TTL, as enforced by the contract.
const (
	MinProposalTTL = time.Minute
	MaxProposalTTL = 30 * 24 * time.Hour
)

// ActivateUpgrade activates the pending upgrade. Upgrade authority, within
// the TTL. A proposal naming a release is activated only if the pinned
// registry still publishes its root and URI hash ([ErrReleaseMismatch]); a
// raw-root proposal only while no registry is pinned.
func (c *Controller) ActivateUpgrade() Call {
	return c.call("activateUpgrade", c.abi.PackActivateUpgrade())
}

// ProposeRelease proposes activating the release published under
// componentID and version in the release registry the controller pins
// ([Controller.SetReleaseRegistry]), with policyHash, within ttl. The
// contract copies the release's root and URI hash into the proposal, and
// activation checks them against the registry again. Upgrade authority.
func (c *Controller) ProposeRelease(componentID [32]byte, version uint64, policyHash [32]byte, ttl time.Duration) (Call, error) {
	if componentID == ([32]byte{}) {
		return Call{}, errorf("propose release: %w", ErrZeroComponentID)
	}
	if ttl < MinProposalTTL || ttl > MaxProposalTTL || ttl%time.Second != 0 {
		return Call{}, errorf("propose release: ttl %v, want whole seconds in [%v, %v]: %w", ttl, MinProposalTTL, MaxProposalTTL, ErrInvalidTTL)
	}
	return c.call("proposeRelease", c.abi.PackProposeRelease(componentID, version, policyHash, uint64(ttl/time.Second))), nil
}

// CancelUpgrade withdraws the pending upgrade. Upgrade, root or emergency
// authority (the emergency authority's break-glass beside pausing); it works
// while the controller is paused.
func (c *Controller) CancelUpgrade() Call { return c.call("cancelUpgrade", c.abi.PackCancelUpgrade()) }

// Pause pauses the controller; runtimes then fail closed. Emergency authority.
func (c *Controller) Pause() Call { return c.call("pause", c.abi.PackPause()) }

// Unpause lifts a pause. Emergency authority.
func (c *Controller) Unpause() Call { return c.call("unpause", c.abi.PackUnpause()) }

// SetPolicyHash changes the active policy hash without an upgrade. Root
// authority; it works while the controller is paused.
func (c *Controller) SetPolicyHash(next [32]byte) Call {
	return c.call("setPolicyHash", c.abi.PackSetPolicyHash(next))
}

// SetReleaseRegistry pins the release registry whose releases upgrades must
// name ([Controller.ProposeRelease]); while one is pinned, raw-root
// proposals are refused ([ErrReleaseRequired]). The zero address unpins it.
// The registry must have code. Root authority.
func (c *Controller) SetReleaseRegistry(next common.Address) Call {
	return c.call("setReleaseRegistry", c.abi.PackSetReleaseRegistry(next))
}

// SetUpgradeAuthority replaces the upgrade authority. Root authority.
func (c *Controller) SetUpgradeAuthority(next common.Address) Call {
	return c.call("setUpgradeAuthority", c.abi.PackSetUpgradeAuthority(next))
}

// SetEmergencyAuthority replaces the emergency authority. Root authority.
func (c *Controller) SetEmergencyAuthority(next common.Address) Call {
	return c.call("setEmergencyAuthority", c.abi.PackSetEmergencyAuthority(next))
}

// TransferRootAuthority offers the root authority role to next, who takes it
// with [Controller.AcceptRootAuthority]. Root authority.
func (c *Controller) TransferRootAuthority(next common.Address) Call {
	return c.call("transferRootAuthority", c.abi.PackTransferRootAuthority(next))
}

// AcceptRootAuthority completes a root authority transfer. Pending root authority.
func (c *Controller) AcceptRootAuthority() Call {
	return c.call("acceptRootAuthority", c.abi.PackAcceptRootAuthority())
}

// Snapshot is an InstanceController's whole state, as its snapshot()
// function returns it (a tuple of 22 static words; see the package doc for
// their order).
type Snapshot struct {
	// Version is the contract's VERSION.
	Version uint64
	// Initialized reports whether initialize was called; an uninitialised
	// controller attests nothing.
	Initialized bool
	// RootAuthority replaces the other authorities and hands its own role
	// over in two steps (PendingRootAuthority is the offered successor).
	RootAuthority        common.Address
	UpgradeAuthority     common.Address
	EmergencyAuthority   common.Address
	PendingRootAuthority common.Address
	// ActiveRoot, ActiveURIHash and ActivePolicyHash are the active release:
	// its manifest root, the Keccak-256 of its manifest URI and of its
	// policy.
	ActiveRoot       [32]byte
	ActiveURIHash    [32]byte
	ActivePolicyHash [32]byte
	// ActivatedAt is when the active release was activated (Unix seconds).
	ActivatedAt uint64
	// Paused is the emergency switch: runtimes fail closed while it is set.
	Paused bool
	// PendingUpgrade is the proposed release (all zero when none).
	PendingUpgrade Proposal
	// ChangeCount grows with every change of the controller's state.
	ChangeCount uint64
	// ReleaseRegistry is the release registry the root authority pinned
	// (zero: none). While one is pinned, upgrades name its releases.
	ReleaseRegistry common.Address
	// ActiveComponentID and ActiveVersion name the active release in the
	// registry; both are zero when it was activated from a raw root.
	ActiveComponentID [32]byte
	ActiveVersion     uint64
}

// Proposal is a pending upgrade of an InstanceController.
type Proposal struct {
	Root       [32]byte
	URIHash    [32]byte
	PolicyHash [32]byte
	// ProposedAt and ExpiresAt are Unix seconds; the upgrade can be
	// activated until ExpiresAt.
	ProposedAt uint64
	ExpiresAt  uint64
	// ComponentID and Version name the proposed release in the pinned
	// registry; both are zero for a raw-root proposal.
	ComponentID [32]byte
	Version     uint64
}

func snapshotFromBinding(b bindings.InstanceControllerSnapshot) Snapshot {
	return Snapshot{
		Version:              b.Version,
		Initialized:          b.Initialized,
		RootAuthority:        b.RootAuthority,
		UpgradeAuthority:     b.UpgradeAuthority,
		EmergencyAuthority:   b.EmergencyAuthority,
		PendingRootAuthority: b.PendingRootAuthority,
		ActiveRoot:           b.ActiveRoot,
		ActiveURIHash:        b.ActiveUriHash,
		ActivePolicyHash:     b.ActivePolicyHash,
		ActivatedAt:          b.ActivatedAt,
		Paused:               b.Paused,
		PendingUpgrade: Proposal{
			Root:       b.PendingUpgrade.Root,
			URIHash:    b.PendingUpgrade.UriHash,
			PolicyHash: b.PendingUpgrade.PolicyHash,
			ProposedAt: b.PendingUpgrade.ProposedAt,
			ExpiresAt:  b.PendingUpgrade.ExpiresAt,
			// Last in the tuple, beside the proposal's other members here.
			ComponentID: b.PendingComponentId,
			Version:     b.PendingVersion,
		},
		ChangeCount:       b.ChangeCount,
		ReleaseRegistry:   b.ReleaseRegistry,
		ActiveComponentID: b.ActiveComponentId,
		ActiveVersion:     b.ActiveVersion,
	}
}

// Snapshot reads the controller's whole state in one call. opts may pin the
// block (BlockNumber or BlockHash).
func (c *Controller) Snapshot(ctx context.Context, backend bind.ContractCaller, opts *bind.CallOpts) (Snapshot, error) {
	out, err := call(ctx, backend, opts, c.Address, c.abi.PackSnapshot())
	if err != nil {
		return Snapshot{}, errorf("snapshot of %s: %w", c.Address.Hex(), err)
	}
	s, err := DecodeSnapshot(out)
	if err != nil {
		return Snapshot{}, errorf("snapshot of %s: %w", c.Address.Hex(), err)
	}
	return s, nil
}

// SnapshotCall is the read-only call of snapshot(), for readers that make
// calls themselves (such as a quorum reader); decode the answer with
// [DecodeSnapshot].
func (c *Controller) SnapshotCall() Call { return c.call("snapshot", c.abi.PackSnapshot()) }

// ErrBadSnapshot: snapshot() returned bytes that are not the canonical ABI
// encoding of a Snapshot.
var ErrBadSnapshot = errors.New("trustkernel: malformed snapshot")

// DecodeSnapshot decodes what snapshot() returned. It accepts only the
// canonical ABI encoding (the bytes must re-encode identically), so readers
// that agree on the bytes agree on the state and vice versa.
func DecodeSnapshot(out []byte) (Snapshot, error) {
	b, err := controllerABI.UnpackSnapshot(out)
	if err != nil {
		return Snapshot{}, errorf("%w: %w", ErrBadSnapshot, err)
	}
	s := snapshotFromBinding(b)
	if !bytes.Equal(encodeSnapshot(s), out) {
		return Snapshot{}, fmt.Errorf("%w: %d bytes are not the canonical encoding", ErrBadSnapshot, len(out))
	}
	return s, nil
}

// Parsed once: parsing an ABI costs more than decoding with it.
var controllerABI = bindings.NewInstanceController()

// snapshotSize is the size of snapshot()'s return data: the Snapshot tuple
// has only static members, 22 words in all.
const snapshotSize = 22 * 32

// encodeSnapshot is the canonical ABI encoding of s (every member padded to
// a word, in declaration order, the nested Proposal inline).
func encodeSnapshot(s Snapshot) []byte {
	out := make([]byte, 0, snapshotSize)
	u64 := func(v uint64) { out = append(out, common.LeftPadBytes(new(big.Int).SetUint64(v).Bytes(), 32)...) }
	flag := func(v bool) {
		if v {
			u64(1)
		} else {
			u64(0)
		}
	}
	addr := func(a common.Address) { out = append(out, common.LeftPadBytes(a[:], 32)...) }
	word := func(w [32]byte) { out = append(out, w[:]...) }
	u64(s.Version)
	flag(s.Initialized)
	addr(s.RootAuthority)
	addr(s.UpgradeAuthority)
	addr(s.EmergencyAuthority)
	addr(s.PendingRootAuthority)
	word(s.ActiveRoot)
	word(s.ActiveURIHash)
	word(s.ActivePolicyHash)
	u64(s.ActivatedAt)
	flag(s.Paused)
	word(s.PendingUpgrade.Root)
	word(s.PendingUpgrade.URIHash)
	word(s.PendingUpgrade.PolicyHash)
	u64(s.PendingUpgrade.ProposedAt)
	u64(s.PendingUpgrade.ExpiresAt)
	u64(s.ChangeCount)
	addr(s.ReleaseRegistry)
	word(s.ActiveComponentID)
	u64(s.ActiveVersion)
	word(s.PendingUpgrade.ComponentID)
	u64(s.PendingUpgrade.Version)
	return out
}

// Registry builds the calls of a ReleaseRegistry and reads its releases.
type Registry struct {
	Address common.Address
	abi     *bindings.ReleaseRegistry
}

// NewRegistry returns the release registry at address.
func NewRegistry(address common.Address) *Registry {
	return &Registry{Address: address, abi: bindings.NewReleaseRegistry()}
}

// Publish publishes a release; versions of a component must increase. Owner.
func (r *Registry) Publish(componentID [32]byte, version uint64, root, uriHash, metaHash [32]byte) Call {
	return Call{Method: "publish", To: r.Address, Data: r.abi.PackPublish(componentID, version, root, uriHash, metaHash)}
}

// TransferOwnership offers ownership to next, who takes it with
// [Registry.AcceptOwnership]. Owner.
func (r *Registry) TransferOwnership(next common.Address) Call {
	return Call{Method: "transferOwnership", To: r.Address, Data: r.abi.PackTransferOwnership(next)}
}

// AcceptOwnership completes an ownership transfer. Pending owner.
func (r *Registry) AcceptOwnership() Call {
	return Call{Method: "acceptOwnership", To: r.Address, Data: r.abi.PackAcceptOwnership()}
}

// Release is a release published in a ReleaseRegistry.
type Release struct {
	// Root is the release's manifest root.
	Root [32]byte
	// URIHash is the Keccak-256 of the manifest's URI ([integrity.URIHash]).
	URIHash [32]byte
	// MetaHash is the hash of the release's metadata, as the publisher
	// chose it.
	MetaHash [32]byte
	// PublishedAt is the block timestamp of the publication (Unix seconds).
	PublishedAt uint64
}

// Release reads a published release; a missing one is [ErrReleaseNotFound].
func (r *Registry) Release(ctx context.Context, backend bind.ContractCaller, opts *bind.CallOpts, componentID [32]byte, version uint64) (Release, error) {
	out, err := call(ctx, backend, opts, r.Address, r.abi.PackGetRelease(componentID, version))
	if err != nil {
		return Release{}, errorf("release %x version %d: %w", componentID, version, err)
	}
	rel, err := r.abi.UnpackGetRelease(out)
	if err != nil {
		return Release{}, errorf("release %x version %d: %w", componentID, version, err)
	}
	return Release{Root: rel.Root, URIHash: rel.UriHash, MetaHash: rel.MetaHash, PublishedAt: rel.PublishedAt}, nil
}

// Owner reads the registry's owner.
func (r *Registry) Owner(ctx context.Context, backend bind.ContractCaller, opts *bind.CallOpts) (common.Address, error) {
	out, err := call(ctx, backend, opts, r.Address, r.abi.PackOwner())
	if err != nil {
		return common.Address{}, errorf("registry owner: %w", err)
	}
	return r.abi.UnpackOwner(out)
}
