package trustkernel

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accordsdk/accord/trustkernel/runtime"
	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const goodConfig = `{"trust": {"web3": {
  "chain_id": 4207,
  "rpc_endpoints": ["https://rpc1.example", "https://rpc2.example", "https://rpc3.example"],
  "rpc_quorum": 2,
  "max_stale_sec": 120,
  "mode": "full",
  "contracts": {
    "instance_controller": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "release_registry": "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359"
  },
  "tx_outbox_dir": "/var/lib/accord/tx-outbox"
}}}`

func TestParseConfig(t *testing.T) {
	c, err := ParseConfig([]byte(goodConfig))
	require.NoError(t, err)
	assert.Equal(t, uint64(4207), c.ChainID)
	assert.Len(t, c.RPCEndpoints, 3)
	assert.Equal(t, 2, c.RPCQuorum)
	assert.Equal(t, 120, c.MaxStaleSec)
	assert.Equal(t, ModeFull, c.Mode)
	assert.Equal(t, common.HexToAddress("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"), c.InstanceController)
	require.NotNil(t, c.ReleaseRegistry)
	assert.Equal(t, "/var/lib/accord/tx-outbox", c.TxOutboxDir)

	enc, err := json.Marshal(c)
	require.NoError(t, err)
	again, err := ParseConfig(enc)
	require.NoError(t, err)
	assert.Equal(t, c, again)

	minimal := `{"trust":{"web3":{"chain_id":1,"rpc_endpoints":["http://127.0.0.1:8545"],"rpc_quorum":1,"contracts":{"instance_controller":"0x00000000000000000000000000000000000000aa"}}}}`
	c, err = ParseConfig([]byte(minimal), AllowDevelopmentQuorum())
	require.NoError(t, err)
	assert.Equal(t, 180, c.MaxStaleSec, "default max_stale_sec")
	assert.Equal(t, ModeRootURI, c.Mode, "default mode")
	assert.Nil(t, c.ReleaseRegistry)
	assert.Empty(t, c.TxOutboxDir)
	assert.Equal(t, runtime.DefaultMaxStale, c.Policy().MaxStale)
	r, err := c.QuorumReader()
	require.NoError(t, err)
	defer r.Close()
	k, n := r.Quorum()
	assert.Equal(t, [2]int{1, 1}, [2]int{k, n})
}

func TestParseConfigRejects(t *testing.T) {
	tests := []struct {
		desc    string
		edit    func(string) string
		wantErr string
	}{
		{"unknown key", func(s string) string { return strings.Replace(s, `"mode"`, `"moed"`, 1) }, "unknown member"},
		{"upper-case key", func(s string) string { return strings.Replace(s, `"chain_id"`, `"CHAIN_ID"`, 1) }, "$.trust.web3.CHAIN_ID: unknown member"},
		{"duplicate member", func(s string) string {
			return strings.Replace(s, `"rpc_quorum": 2,`, `"rpc_quorum": 2, "rpc_quorum": 3,`, 1)
		}, "duplicate member"},
		{"trailing data", func(s string) string { return s + "{}" }, "trailing data"},
		{"zero chain id", func(s string) string { return strings.Replace(s, "4207", "0", 1) }, "chain_id"},
		{"negative chain id", func(s string) string { return strings.Replace(s, "4207", "-1", 1) }, "chain_id"},
		{"quorum not majority", func(s string) string { return strings.Replace(s, `"rpc_quorum": 2`, `"rpc_quorum": 1`, 1) }, "not a majority"},
		{"quorum above n", func(s string) string { return strings.Replace(s, `"rpc_quorum": 2`, `"rpc_quorum": 4`, 1) }, "out of range"},
		{"duplicate endpoint", func(s string) string { return strings.Replace(s, "rpc3", "rpc2", 1) }, "duplicate of an earlier"},
		{"bad endpoint scheme", func(s string) string { return strings.Replace(s, "https://rpc1", "ftp://rpc1", 1) }, "rpc_endpoints[0]"},
		{"stale zero", func(s string) string { return strings.Replace(s, "120", "0", 1) }, "max_stale_sec"},
		{"stale huge", func(s string) string { return strings.Replace(s, "120", "999999", 1) }, "max_stale_sec"},
		{"bad mode", func(s string) string { return strings.Replace(s, `"full"`, `"paranoid"`, 1) }, "mode"},
		{"bad checksum", func(s string) string { return strings.Replace(s, "5aAeb", "5AAeb", 1) }, "EIP-55"},
		{"short address", func(s string) string {
			return strings.Replace(s, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0x5aAeb6", 1)
		}, "instance_controller"},
		{"zero address", func(s string) string {
			return strings.Replace(s, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0x0000000000000000000000000000000000000000", 1)
		}, "zero address"},
		{"relative outbox", func(s string) string { return strings.Replace(s, "/var/lib/accord/tx-outbox", "tx-outbox", 1) }, "tx_outbox_dir"},
		{"unclean outbox", func(s string) string { return strings.Replace(s, "/var/lib/accord/tx-outbox", "/var/lib/../tx", 1) }, "tx_outbox_dir"},
		{"missing controller", func(s string) string {
			return strings.Replace(s, `"instance_controller": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",`, ``, 1)
		}, "instance_controller"},
		{"missing web3", func(string) string { return `{"trust":{}}` }, "missing trust.web3"},
		{"not json", func(string) string { return `trust.web3.chain_id = 1` }, "bad config"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			_, err := ParseConfig([]byte(tc.edit(goodConfig)))
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrConfig)
			assert.Contains(t, err.Error(), tc.wantErr)
		})
	}
}

func TestLoadConfig(t *testing.T) {
	p := filepath.Join(t.TempDir(), "trust.json")
	require.NoError(t, os.WriteFile(p, []byte(goodConfig), 0o600))
	c, err := LoadConfig(p)
	require.NoError(t, err)
	assert.Equal(t, uint64(4207), c.ChainID)
	_, err = LoadConfig(filepath.Join(t.TempDir(), "missing.json"))
	require.Error(t, err)
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(goodConfig))
	f.Add([]byte(`{"trust":{"web3":{"chain_id":1,"rpc_endpoints":["http://127.0.0.1:8545"],"rpc_quorum":1,"contracts":{"instance_controller":"0x00000000000000000000000000000000000000aa"}}}}`))
	f.Add([]byte(`{"trust":{"web3":{"chain_id":1,"chain_id":2}}}`))
	f.Add([]byte(`{"trust":{"web3":{"network":"edgen","rpc_endpoints":["https://a.example","https://b.example"],"contracts":{"instance_controller":"0x00000000000000000000000000000000000000aa"}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data)
		if err != nil {
			if !errors.Is(err, ErrConfig) {
				t.Fatalf("undeclared error: %v", err)
			}
			return
		}
		enc, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseConfig(enc)
		if err != nil {
			t.Fatalf("re-encoded config rejected: %v\n%s", err, enc)
		}
		if !assert.ObjectsAreEqual(c, again) {
			t.Fatalf("round trip changed the config: %+v vs %+v", c, again)
		}
	})
}
