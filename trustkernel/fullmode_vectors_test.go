package trustkernel_test

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"os"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/integrity"
)

const fullModeVectorsFile = "testdata/fullmode-vectors.json"

// fullModeVectors pins the bytes full mode puts on chain, as the contract
// emitted and returned them on the simulated chain.
type fullModeVectors struct {
	Desc       string `json:"desc"`
	ChunkBytes int    `json:"chunk_bytes"`
	Files      []struct {
		Path   string `json:"path"`
		SHA256 string `json:"sha256"`
	} `json:"files"`
	Root   string   `json:"root"`
	Chunks []string `json:"chunks"`
	Logs   []struct {
		Topics []string `json:"topics"`
		Data   string   `json:"data"`
	} `json:"logs"`
	Record struct {
		Count     uint32 `json:"count"`
		Published uint32 `json:"published"`
		Encoding  string `json:"encoding"`
	} `json:"record"`
	Snapshot struct {
		ActiveRoot        string `json:"active_root"`
		ReleaseRegistry   string `json:"release_registry"`
		ActiveComponentID string `json:"active_component_id"`
		ActiveVersion     uint64 `json:"active_version"`
		Encoding          string `json:"encoding"`
	} `json:"snapshot"`
}

// writeFullModeVectors runs the contracts on the simulated chain: a
// three-file manifest published in two chunks and activated as release 5 of
// a registry component, and stores what the chain returned.
func writeFullModeVectors(t *testing.T) {
	ctx := context.Background()
	f := newChainFixture(t)
	ctl := f.instance(t, "vectors")
	var v fullModeVectors
	v.Desc = "three files published in full mode with 110-byte chunks and activated as release 5 of component keccak256(\"accord/app\"); logs, record and snapshot as the contract returned them"
	v.ChunkBytes = 110
	files := map[string][32]byte{}
	for _, p := range []string{"bin/app", "etc/app.conf", "lib/libapp.so"} {
		files[p] = sha256.Sum256([]byte("contents of " + p))
	}
	m, err := integrity.New(files)
	require.NoError(t, err)
	for _, e := range m.Entries {
		v.Files = append(v.Files, struct {
			Path   string `json:"path"`
			SHA256 string `json:"sha256"`
		}{e.Path, hex.EncodeToString(e.SHA256[:])})
	}
	comp := crypto.Keccak256Hash([]byte("accord/app"))
	pub, err := trustkernel.PublishManifest(ctx, f.client, chainOpts(roleUpgrade), ctl, m, trustkernel.WithChunkBytes(v.ChunkBytes))
	require.NoError(t, err)
	root := pub.Plan.Root
	v.Root = hex.EncodeToString(root[:])
	for _, c := range pub.Plan.Chunks {
		v.Chunks = append(v.Chunks, hex.EncodeToString(c))
	}
	f.send(t, 0, trustkernel.NewRegistry(f.dep.Registry).Publish(comp, 5, root, integrity.URIHash("https://releases.example/app/5.json"), [32]byte{}), nil)
	f.send(t, roleRoot, ctl.SetReleaseRegistry(f.dep.Registry), nil)
	c, err := ctl.ProposeRelease(comp, 5, [32]byte{}, time.Hour)
	f.send(t, roleUpgrade, c, err)
	f.send(t, roleUpgrade, ctl.ActivateUpgrade(), nil)

	logs, err := (&singleEndpoint{client: f.client}).logs(ctx, ctl.Address, root)
	require.NoError(t, err)
	for _, l := range logs {
		var topics []string
		for _, tp := range l.Topics {
			topics = append(topics, hex.EncodeToString(tp[:]))
		}
		v.Logs = append(v.Logs, struct {
			Topics []string `json:"topics"`
			Data   string   `json:"data"`
		}{topics, hex.EncodeToString(l.Data)})
	}
	to := ctl.Address
	rec, err := f.client.CallContract(ctx, ethereum.CallMsg{To: &to, Data: ctl.ManifestRecordCall(root).Data}, nil)
	require.NoError(t, err)
	v.Record.Count, v.Record.Published, v.Record.Encoding = uint32(len(v.Chunks)), uint32(len(v.Chunks)), hex.EncodeToString(rec)
	snap, err := f.client.CallContract(ctx, ethereum.CallMsg{To: &to, Data: ctl.SnapshotCall().Data}, nil)
	require.NoError(t, err)
	v.Snapshot.ActiveRoot = v.Root
	v.Snapshot.ReleaseRegistry = hex.EncodeToString(f.dep.Registry[:])
	v.Snapshot.ActiveComponentID = hex.EncodeToString(comp[:])
	v.Snapshot.ActiveVersion = 5
	v.Snapshot.Encoding = hex.EncodeToString(snap)
	out, err := json.MarshalIndent(v, "", "  ")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(fullModeVectorsFile, append(out, '\n'), 0o644))
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

// specChunk encodes a chunk as the package doc specifies it, independently
// of the package's encoder.
func specChunk(index, count int, entries [][2][]byte) []byte {
	b := []byte("TKM1")
	b = binary.BigEndian.AppendUint32(b, uint32(index))
	b = binary.BigEndian.AppendUint32(b, uint32(count))
	b = binary.BigEndian.AppendUint32(b, uint32(len(entries)))
	for _, e := range entries {
		b = binary.BigEndian.AppendUint16(b, uint16(len(e[0])))
		b = append(b, e[0]...)
		b = append(b, e[1]...)
	}
	return b
}

// TestFullModeVectors checks the stored chain bytes: each log's data is laid
// out word by word as the doc says (count, 0x40, length, padded chunk) and
// its topics are the event signature, root and index; the chunks are the
// doc's TKM1 encoding of the files; the record and the snapshot's new words
// sit where the doc puts them. Then the package's decoders must read the
// same values from the same bytes. Regenerate (from a simulated chain) with
// go test ./trustkernel -run TestFullModeVectors -update.
func TestFullModeVectors(t *testing.T) {
	if updating() {
		writeFullModeVectors(t)
	}
	data, err := os.ReadFile(fullModeVectorsFile)
	require.NoError(t, err)
	var v fullModeVectors
	require.NoError(t, json.Unmarshal(data, &v))
	require.Len(t, v.Chunks, 2, "110-byte chunks: two files, then one")
	require.Len(t, v.Logs, len(v.Chunks))

	// The chunks, from the doc: greedy under 110 bytes, entries in order.
	var entries [][2][]byte
	for _, f := range v.Files {
		entries = append(entries, [2][]byte{[]byte(f.Path), unhex(t, f.SHA256)})
	}
	require.Equal(t, specChunk(0, 2, entries[:2]), unhex(t, v.Chunks[0]))
	require.Equal(t, specChunk(1, 2, entries[2:]), unhex(t, v.Chunks[1]))

	sig := crypto.Keccak256([]byte("ManifestChunk(bytes32,uint32,uint32,bytes)"))
	word := func(n uint64) []byte { return common.BigToHash(new(big.Int).SetUint64(n)).Bytes() }
	for i, l := range v.Logs {
		chunk := unhex(t, v.Chunks[i])
		require.Equal(t, []string{hex.EncodeToString(sig), v.Root, hex.EncodeToString(word(uint64(i)))}, l.Topics)
		want := append(append(append(word(2), word(0x40)...), word(uint64(len(chunk)))...), chunk...)
		want = append(want, make([]byte, (32-len(chunk)%32)%32)...)
		require.Equal(t, want, unhex(t, l.Data), "log %d", i)

		// The package reads the same bytes.
		lg := types.Log{Data: unhex(t, l.Data)}
		for _, tp := range l.Topics {
			lg.Topics = append(lg.Topics, common.BytesToHash(unhex(t, tp)))
		}
		got, err := trustkernel.DecodeManifestChunkLog(&lg)
		require.NoError(t, err)
		require.Equal(t, uint32(i), got.Index)
		require.Equal(t, uint32(2), got.Count)
		require.Equal(t, chunk, got.Chunk)
	}
	m, err := integrity.DecodeChunks([][]byte{unhex(t, v.Chunks[0]), unhex(t, v.Chunks[1])})
	require.NoError(t, err)
	root, err := m.Root()
	require.NoError(t, err)
	require.Equal(t, v.Root, hex.EncodeToString(root[:]))

	rec := unhex(t, v.Record.Encoding)
	require.Len(t, rec, 128)
	require.Equal(t, word(uint64(v.Record.Count)), rec[0:32])
	require.Equal(t, word(uint64(v.Record.Published)), rec[32:64])
	r, err := trustkernel.DecodeManifestRecord(rec)
	require.NoError(t, err)
	require.True(t, r.Complete())
	require.Equal(t, binary.BigEndian.Uint64(rec[88:96]), r.FirstBlock)
	require.Equal(t, binary.BigEndian.Uint64(rec[120:128]), r.LastBlock)

	snap := unhex(t, v.Snapshot.Encoding)
	require.Len(t, snap, 22*32)
	w := func(i int) []byte { return snap[32*i : 32*i+32] }
	require.Equal(t, word(2), w(0), "version 2")
	require.Equal(t, v.Snapshot.ActiveRoot, hex.EncodeToString(w(6)))
	require.Equal(t, v.Snapshot.ReleaseRegistry, hex.EncodeToString(w(17)[12:]))
	require.Equal(t, v.Snapshot.ActiveComponentID, hex.EncodeToString(w(18)))
	require.Equal(t, word(v.Snapshot.ActiveVersion), w(19))
	require.Equal(t, make([]byte, 64), snap[20*32:], "nothing pending")
	s, err := trustkernel.DecodeSnapshot(snap)
	require.NoError(t, err)
	require.Equal(t, v.Snapshot.ActiveComponentID, hex.EncodeToString(s.ActiveComponentID[:]))
	require.Equal(t, v.Snapshot.ActiveVersion, s.ActiveVersion)
	require.Equal(t, v.Snapshot.ReleaseRegistry, hex.EncodeToString(s.ReleaseRegistry[:]))
}
