package trustkernel_test

import (
	"testing"

	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/internal/bindings"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

func benchSnapshotBytes(b *testing.B) []byte {
	b.Helper()
	out, err := bindings.NewInstanceController().GetABI().Methods["snapshot"].Outputs.Pack(bindings.InstanceControllerSnapshot{
		Version: 1, Initialized: true, RootAuthority: simchain.Address(1), UpgradeAuthority: simchain.Address(2),
		EmergencyAuthority: simchain.Address(3), ActiveRoot: h32("r"), ActiveUriHash: h32("u"), ChangeCount: 3,
	})
	if err != nil {
		b.Fatal(err)
	}
	return out
}

// BenchmarkDecodeSnapshot is the canonical decode a quorum reader runs on
// every agreed snapshot (unpack, re-pack, compare).
func BenchmarkDecodeSnapshot(b *testing.B) {
	out := benchSnapshotBytes(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := trustkernel.DecodeSnapshot(out); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaselineUnpackSnapshot is the generated binding's plain unpack.
func BenchmarkBaselineUnpackSnapshot(b *testing.B) {
	out := benchSnapshotBytes(b)
	ic := bindings.NewInstanceController()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ic.UnpackSnapshot(out); err != nil {
			b.Fatal(err)
		}
	}
}
