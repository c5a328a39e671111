package trustkernel

import (
	"context"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"

	"github.com/accordsdk/accord/trustkernel/bindings"
)

// ErrNotInitialized means the controller has not been initialised, so it
// attests nothing.
var ErrNotInitialized = errors.New("trustkernel: instance controller not initialised")

// ControllerSnapshot is an InstanceController's whole state, as a quorum of
// endpoints agreed on it at Block.
type ControllerSnapshot struct {
	bindings.InstanceControllerSnapshot
	// Block is the block the state was read at.
	Block BlockRef
	// Agreement is the quorum's evidence.
	Agreement *Agreement
}

// Snapshot reads the controller's snapshot() through the quorum, pinned to
// one block, and decodes it with [DecodeSnapshot] (the bindings' decoder,
// canonical encodings only).
func (r *QuorumReader) Snapshot(ctx context.Context, controller common.Address) (*ControllerSnapshot, error) {
	ag, err := r.Read(ctx, controller, NewController(controller).SnapshotCall().Data)
	if err != nil {
		return nil, fmt.Errorf("trustkernel: snapshot of %s: %w", controller.Hex(), err)
	}
	s, err := DecodeSnapshot(ag.Result)
	if err != nil {
		return nil, fmt.Errorf("trustkernel: snapshot of %s at block %d: %w", controller.Hex(), ag.Block.Number, err)
	}
	return &ControllerSnapshot{InstanceControllerSnapshot: s, Block: ag.Block, Agreement: ag}, nil
}

// ControllerState is the [StateSource] of a [Runtime]: the snapshot of one
// controller read through a quorum.
type ControllerState struct {
	Reader     *QuorumReader
	Controller common.Address
}

// State reads the controller's snapshot and returns what the policy needs.
// An uninitialised controller is an error ([ErrNotInitialized]).
func (s ControllerState) State(ctx context.Context) (*Observation, error) {
	snap, err := s.Reader.Snapshot(ctx, s.Controller)
	if err != nil {
		return nil, err
	}
	if !snap.Initialized {
		return nil, fmt.Errorf("%w: %s at block %d", ErrNotInitialized, s.Controller.Hex(), snap.Block.Number)
	}
	return &Observation{Block: snap.Block, Paused: snap.Paused, ActiveRoot: snap.ActiveRoot}, nil
}
