package trustkernel_test

import (
	"context"
	"testing"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/internal/bindings"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

func TestDecodeSnapshotRejectsNonCanonical(t *testing.T) {
	f := newChainFixture(t)
	ctl := f.instance(t, "decode")
	c := ctl.SnapshotCall()
	out, err := f.client.CallContract(context.Background(), ethereum.CallMsg{To: &c.To, Data: c.Data}, nil)
	require.NoError(t, err)
	s, err := trustkernel.DecodeSnapshot(out)
	require.NoError(t, err)
	require.Equal(t, simchain.Address(3), s.EmergencyAuthority)

	for name, bad := range map[string][]byte{
		"empty":          nil,
		"truncated":      out[:len(out)-1],
		"trailing bytes": append(append([]byte(nil), out...), 0),
		"dirty bool":     func() []byte { b := append([]byte(nil), out...); b[32+31] = 2; return b }(), // initialized = 2
		"dirty address":  func() []byte { b := append([]byte(nil), out...); b[64] = 1; return b }(),    // rootAuthority high byte
	} {
		t.Run(name, func(t *testing.T) {
			_, err := trustkernel.DecodeSnapshot(bad)
			require.ErrorIs(t, err, trustkernel.ErrBadSnapshot)
		})
	}
}

func FuzzDecodeSnapshot(f *testing.F) {
	out, err := bindings.NewInstanceController().GetABI().Methods["snapshot"].Outputs.Pack(bindings.InstanceControllerSnapshot{
		Version: 1, Initialized: true, RootAuthority: simchain.Address(1), ActiveRoot: h32("r"), ChangeCount: 3,
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(out)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := trustkernel.DecodeSnapshot(data)
		if err != nil {
			require.ErrorIs(t, err, trustkernel.ErrBadSnapshot)
			return
		}
		again, err := bindings.NewInstanceController().GetABI().Methods["snapshot"].Outputs.Pack(snapshotBinding(s))
		require.NoError(t, err)
		require.Equal(t, data, again)
	})
}

func FuzzDecodeRevert(f *testing.F) {
	f.Add(common.FromHex("0x35677e86"))
	f.Add(bindings.InstanceControllerUnauthorizedErrorID().Bytes()[:4])
	f.Add(common.FromHex("0x08c379a0" + // Error("GS026")
		"0000000000000000000000000000000000000000000000000000000000000020" +
		"0000000000000000000000000000000000000000000000000000000000000005" +
		"4753303236000000000000000000000000000000000000000000000000000000"))
	f.Fuzz(func(t *testing.T, data []byte) {
		re := trustkernel.DecodeRevert(data)
		require.Equal(t, data, append([]byte{}, re.Data...))
		require.NotEmpty(t, re.Error())
		if re.Name == "" {
			require.ErrorIs(t, re, trustkernel.ErrReverted)
			require.Empty(t, re.Args)
		} else {
			require.Len(t, re.ArgNames, len(re.Args))
		}
	})
}

// logList is a LogFilterer over a fixed list of logs, standing in for an
// RPC endpoint whose answers are fuzzed.
type logList []types.Log

func (l logList) FilterLogs(context.Context, ethereum.FilterQuery) ([]types.Log, error) {
	return l, nil
}

func FuzzFindAnchor(f *testing.F) {
	anchor := common.HexToAddress("0x00000000000000000000000000000000000a0c40")
	root := h32("root")
	ev := bindings.NewAnchor().GetABI().Events["Anchored"]
	data, err := ev.Inputs.NonIndexed().Pack("label")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data, root[:], simchain.Address(1).Bytes(), crypto.Keccak256([]byte("label")), false)
	f.Add(data, root[:], simchain.Address(1).Bytes(), crypto.Keccak256([]byte("other")), false)
	f.Fuzz(func(t *testing.T, data, t1, t2, t3 []byte, removed bool) {
		l := types.Log{Address: anchor, Topics: []common.Hash{ev.ID, common.BytesToHash(t1), common.BytesToHash(t2), common.BytesToHash(t3)}, Data: data, Removed: removed}
		rec, err := trustkernel.FindAnchor(context.Background(), logList{l}, anchor, root, trustkernel.AnchorQuery{})
		if err != nil {
			require.ErrorIs(t, err, trustkernel.ErrAnchorNotFound)
			return
		}
		require.False(t, removed)
		require.Equal(t, root, rec.Root)
		require.Equal(t, common.BytesToHash(t3), crypto.Keccak256Hash([]byte(rec.Label)))
	})
}

// snapshotBinding is s as the generated binding's struct, for packing with
// the contract's ABI (an encoder independent of the package's own).
func snapshotBinding(s trustkernel.Snapshot) bindings.InstanceControllerSnapshot {
	return bindings.InstanceControllerSnapshot{
		Version: s.Version, Initialized: s.Initialized,
		RootAuthority: s.RootAuthority, UpgradeAuthority: s.UpgradeAuthority,
		EmergencyAuthority: s.EmergencyAuthority, PendingRootAuthority: s.PendingRootAuthority,
		ActiveRoot: s.ActiveRoot, ActiveUriHash: s.ActiveURIHash, ActivePolicyHash: s.ActivePolicyHash,
		ActivatedAt: s.ActivatedAt, Paused: s.Paused,
		PendingUpgrade: bindings.InstanceControllerProposal{
			Root: s.PendingUpgrade.Root, UriHash: s.PendingUpgrade.URIHash, PolicyHash: s.PendingUpgrade.PolicyHash,
			ProposedAt: s.PendingUpgrade.ProposedAt, ExpiresAt: s.PendingUpgrade.ExpiresAt,
		},
		ChangeCount:     s.ChangeCount,
		ReleaseRegistry: s.ReleaseRegistry, ActiveComponentId: s.ActiveComponentID, ActiveVersion: s.ActiveVersion,
		PendingComponentId: s.PendingUpgrade.ComponentID, PendingVersion: s.PendingUpgrade.Version,
	}
}

// TestDecodeSnapshotEveryField packs a snapshot whose members all differ with
// the generated ABI and checks that every member lands in its field of the
// hand-written Snapshot.
func TestDecodeSnapshotEveryField(t *testing.T) {
	want := trustkernel.Snapshot{
		Version: 7, Initialized: true,
		RootAuthority: simchain.Address(1), UpgradeAuthority: simchain.Address(2),
		EmergencyAuthority: simchain.Address(3), PendingRootAuthority: simchain.Address(4),
		ActiveRoot: h32("root"), ActiveURIHash: h32("uri"), ActivePolicyHash: h32("policy"),
		ActivatedAt: 1_700_000_000, Paused: true,
		PendingUpgrade: trustkernel.Proposal{
			Root: h32("next root"), URIHash: h32("next uri"), PolicyHash: h32("next policy"),
			ProposedAt: 1_700_000_100, ExpiresAt: 1_700_000_200,
			ComponentID: h32("next component"), Version: 9,
		},
		ChangeCount:     42,
		ReleaseRegistry: simchain.Address(5), ActiveComponentID: h32("component"), ActiveVersion: 8,
	}
	out, err := bindings.NewInstanceController().GetABI().Methods["snapshot"].Outputs.Pack(snapshotBinding(want))
	require.NoError(t, err)
	got, err := trustkernel.DecodeSnapshot(out)
	require.NoError(t, err)
	require.Equal(t, want, got)
}
