package trustkernel

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel/quorum"
	"github.com/accordsdk/accord/trustkernel/runtime"
)

// TestConfigFiles reads the configuration files in testdata/config, which
// pin the file format independently of the decoder behind ParseConfig.
func TestConfigFiles(t *testing.T) {
	registry := common.HexToAddress("0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359")
	want := map[string]*Config{
		"production.json": {
			ChainID:            4207,
			RPCEndpoints:       []string{"https://rpc1.example", "https://rpc2.example/v1/key", "http://127.0.0.1:8545"},
			RPCQuorum:          2,
			MaxStaleSec:        120,
			Mode:               ModeFull,
			InstanceController: common.HexToAddress("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"),
			ReleaseRegistry:    &registry,
			TxOutboxDir:        "/var/lib/accord/tx-outbox",
		},
		"network-edgen.json": {
			Network:            NetworkEdgen,
			ChainID:            4207,
			RPCEndpoints:       []string{"https://rpc.layeredge.io", "https://edgen-rpc.example", "https://edgen-rpc2.example"},
			RPCQuorum:          2,
			MaxStaleSec:        180,
			Mode:               ModeRootURI,
			InstanceController: common.HexToAddress("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"),
		},
		"minimal.json": {
			ChainID:            1,
			RPCEndpoints:       []string{"https://a.example", "https://b.example"},
			RPCQuorum:          2,
			MaxStaleSec:        180,
			Mode:               ModeRootURI,
			InstanceController: common.HexToAddress("0x00000000000000000000000000000000000000aa"),
		},
	}
	files, err := filepath.Glob(filepath.Join("testdata", "config", "*.json"))
	require.NoError(t, err)
	require.Len(t, files, len(want)+9)
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			c, err := LoadConfig(path)
			w, ok := want[name]
			if !ok {
				require.ErrorIs(t, err, ErrConfig)
				assert.Nil(t, c)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, w, c)
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			again, err := ParseConfig(data)
			require.NoError(t, err)
			assert.Equal(t, c, again)
		})
	}
	data, err := os.ReadFile(filepath.Join("testdata", "config", "bad-single.json"))
	require.NoError(t, err)
	c, err := ParseConfig(data, AllowDevelopmentQuorum())
	require.NoError(t, err)
	assert.Equal(t, 1, c.RPCQuorum)

	// The local preset's one endpoint, like any single endpoint, needs the
	// development option.
	data, err = os.ReadFile(filepath.Join("testdata", "config", "bad-network-single.json"))
	require.NoError(t, err)
	_, err = ParseConfig(data)
	require.ErrorIs(t, err, quorum.ErrSingleEndpoint)
	c, err = ParseConfig(data, AllowDevelopmentQuorum())
	require.NoError(t, err)
	assert.Equal(t, []string{"http://127.0.0.1:8545"}, c.RPCEndpoints)
	assert.Equal(t, uint64(1337), c.ChainID)
	assert.Equal(t, 1, c.RPCQuorum)
}

// TestConfigFileThroughTheSplit reads the stored production.json and checks
// what each package receives from it: the runtime's policy (max_stale_sec,
// and the future bound shared with the quorum reader), the quorum reader's
// k of N, the full-mode install check (a chain reader, no manifest file),
// and a marshal round trip. The same assertions held before the reader and
// the runtime moved to their own packages (then trustkernel.Policy and
// trustkernel.QuorumReader).
func TestConfigFileThroughTheSplit(t *testing.T) {
	c, err := LoadConfig(filepath.Join("testdata", "config", "production.json"))
	require.NoError(t, err)

	p := c.Policy()
	assert.Equal(t, 120*time.Second, p.MaxStale)
	assert.Equal(t, 30*time.Second, p.MaxFuture)
	assert.Equal(t, quorum.DefaultMaxFuture, runtime.DefaultMaxFuture, "the runtime and the reader bound future blocks alike")

	r, err := c.QuorumReader()
	require.NoError(t, err)
	defer r.Close()
	k, n := r.Quorum()
	assert.Equal(t, [2]int{2, 3}, [2]int{k, n})

	dir := t.TempDir()
	_, err = c.InstallCheck(dir, "", nil)
	require.Error(t, err, "full mode needs a chain reader")
	_, err = c.InstallCheck(dir, filepath.Join(dir, "manifest.json"), r)
	require.Error(t, err, "full mode trusts no manifest file")
	check, err := c.InstallCheck(dir, "", r)
	require.NoError(t, err)
	require.NotNil(t, check)

	out, err := json.Marshal(c)
	require.NoError(t, err)
	again, err := ParseConfig(out)
	require.NoError(t, err)
	assert.Equal(t, c, again)
}
