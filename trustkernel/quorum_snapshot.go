package trustkernel

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/ethereum/go-ethereum/common"

	"github.com/accordsdk/accord/trustkernel/quorum"
	"github.com/accordsdk/accord/trustkernel/runtime"
)

// ErrNotInitialized means the controller has not been initialised, so it
// attests nothing.
var ErrNotInitialized = errors.New("trustkernel: instance controller not initialised")

// ControllerSnapshot is an InstanceController's whole state, as a quorum of
// endpoints agreed on it at Block.
type ControllerSnapshot struct {
	Snapshot
	// Block is the block the state was read at.
	Block quorum.BlockRef
	// Agreement is the quorum's evidence.
	Agreement *quorum.Agreement
}

// QuorumSnapshot reads the controller's snapshot() through the quorum
// reader r, pinned to one block, and decodes it with [DecodeSnapshot]
// (canonical encodings only).
func QuorumSnapshot(ctx context.Context, r *quorum.Reader, controller common.Address) (*ControllerSnapshot, error) {
	ag, err := r.Read(ctx, controller, NewController(controller).SnapshotCall().Data)
	if err != nil {
		return nil, errorf("snapshot of %s: %w", controller.Hex(), err)
	}
	s, err := DecodeSnapshot(ag.Result)
	if err != nil {
		return nil, errorf("snapshot of %s at block %d: %w", controller.Hex(), ag.Block.Number, err)
	}
	return &ControllerSnapshot{Snapshot: s, Block: ag.Block, Agreement: ag}, nil
}

// ControllerState is the [runtime.StateSource] of a [runtime.Runtime]: the snapshot of one
// controller read through a quorum, with the controller's code checked.
//
// At the first read, after any failed read and whenever the snapshot's
// changeCount differs from the last one seen, the controller's code is read
// through the quorum at the snapshot's block and must be the EIP-1167 clone
// of an implementation whose runtime code hash is [ImplementationCodeHash]
// (and of Implementation, when set); otherwise the read fails ([ErrNotClone],
// [ErrWrongImplementation], [ErrCodeMismatch], [ErrNoCode]). Code cannot
// change without the account being destroyed and created again, which
// wipes its storage and so changes its changeCount.
//
// Use one ControllerState per runtime, by pointer; it is safe for
// concurrent use.
type ControllerState struct {
	Reader     *quorum.Reader
	Controller common.Address
	// Implementation, when not zero, is the implementation the clone must
	// delegate to.
	Implementation common.Address

	mu         sync.Mutex
	checked    bool
	lastChange uint64
}

// State reads the controller's snapshot and returns what the policy needs.
// An uninitialised controller is an error ([ErrNotInitialized]).
func (s *ControllerState) State(ctx context.Context) (*runtime.Observation, error) {
	obs, err := s.state(ctx)
	if err != nil {
		s.mu.Lock()
		s.checked = false
		s.mu.Unlock()
	}
	return obs, err
}

func (s *ControllerState) state(ctx context.Context) (*runtime.Observation, error) {
	snap, err := QuorumSnapshot(ctx, s.Reader, s.Controller)
	if err != nil {
		return nil, err
	}
	if !snap.Initialized {
		return nil, fmt.Errorf("%w: %s at block %d", ErrNotInitialized, s.Controller.Hex(), snap.Block.Number)
	}
	s.mu.Lock()
	check := !s.checked || s.lastChange != snap.ChangeCount
	s.mu.Unlock()
	if check {
		if err := s.checkCode(ctx, snap.Block); err != nil {
			return nil, err
		}
		s.mu.Lock()
		s.checked, s.lastChange = true, snap.ChangeCount
		s.mu.Unlock()
	}
	return &runtime.Observation{Block: runtime.Block{Number: snap.Block.Number, Hash: snap.Block.Hash, Time: snap.Block.Time}, Paused: snap.Paused, ActiveRoot: snap.ActiveRoot,
		ComponentID: snap.ActiveComponentID, Version: snap.ActiveVersion}, nil
}

// checkCode checks, at block ref, that the controller is a clone of a
// genuine implementation.
func (s *ControllerState) checkCode(ctx context.Context, ref quorum.BlockRef) error {
	ag, err := s.Reader.CodeAt(ctx, ref, s.Controller)
	if err != nil {
		return err
	}
	code := ag.Result
	impl := s.Implementation
	if impl == (common.Address{}) && len(code) == CloneCodeSize {
		impl = common.BytesToAddress(code[len(clonePrefix) : len(clonePrefix)+20])
	}
	if err := CheckClone(s.Controller, code, impl); err != nil {
		return err
	}
	ag, err = s.Reader.CodeAt(ctx, ref, impl)
	if err != nil {
		return err
	}
	return CheckImplementation(impl, ag.Result)
}
