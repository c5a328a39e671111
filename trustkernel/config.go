package trustkernel

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/accordsdk/accord/internal/strictjson"
	"github.com/accordsdk/accord/trustkernel/internal/tkerr"
	"github.com/accordsdk/accord/trustkernel/quorum"
	"github.com/accordsdk/accord/trustkernel/runtime"
)

// ErrConfig is wrapped by every configuration error.
var ErrConfig = errors.New("trustkernel: bad config")

// Mode is the Trust Kernel's trust mode (trust.web3.mode).
type Mode string

// Trust modes.
const (
	// ModeRootURI anchors the manifest root and the hash of its URI.
	ModeRootURI Mode = "root_uri"
	// ModeFull also anchors the per-file hashes, in chunks.
	ModeFull Mode = "full"
)

// Limits of the configuration.
const (
	maxConfigBytes  = 1 << 16
	maxConfigDepth  = 16
	maxEndpoints    = 16
	maxStaleSecHigh = 86400
)

// Config is the Trust Kernel's trust.web3 runtime configuration.
type Config struct {
	// Network is trust.web3.network, the name of a [Network] preset, or
	// "" for none. After parsing, ChainID, RPCEndpoints and RPCQuorum hold
	// the values in force, whether from the file or from the preset.
	Network string
	// ChainID is trust.web3.chain_id.
	ChainID uint64
	// RPCEndpoints is trust.web3.rpc_endpoints (http or https URLs).
	RPCEndpoints []string
	// RPCQuorum is trust.web3.rpc_quorum: how many endpoints must agree.
	RPCQuorum int
	// MaxStaleSec is trust.web3.max_stale_sec (default 180).
	MaxStaleSec int
	// Mode is trust.web3.mode (default root_uri).
	Mode Mode
	// InstanceController is trust.web3.contracts.instance_controller.
	InstanceController common.Address
	// ReleaseRegistry is trust.web3.contracts.release_registry (optional).
	ReleaseRegistry *common.Address
	// TxOutboxDir is trust.web3.tx_outbox_dir (optional, absolute).
	TxOutboxDir string

	// development is set when the file was parsed with
	// [AllowDevelopmentQuorum]; [Config.QuorumReader] passes it on.
	development bool
}

// ConfigOption changes how [ParseConfig] and [LoadConfig] read a
// configuration.
type ConfigOption func(*configOptions) error

type configOptions struct {
	development bool
}

// AllowDevelopmentQuorum accepts a single endpoint with rpc_quorum 1, which
// is refused otherwise ([quorum.ErrSingleEndpoint]): the production rule is at
// least two endpoints agreeing. Use it only against a development chain.
func AllowDevelopmentQuorum() ConfigOption {
	return func(o *configOptions) error { o.development = true; return nil }
}

// MaxStale returns max_stale_sec as a duration.
func (c *Config) MaxStale() time.Duration { return time.Duration(c.MaxStaleSec) * time.Second }

type configFile struct {
	Trust *struct {
		Web3 *web3JSON `json:"web3"`
	} `json:"trust"`
}

type web3JSON struct {
	Network      *string  `json:"network,omitempty"`
	ChainID      *uint64  `json:"chain_id"`
	RPCEndpoints []string `json:"rpc_endpoints"`
	RPCQuorum    *int     `json:"rpc_quorum"`
	MaxStaleSec  *int     `json:"max_stale_sec,omitempty"`
	Mode         *string  `json:"mode,omitempty"`
	Contracts    *struct {
		InstanceController *string `json:"instance_controller"`
		ReleaseRegistry    *string `json:"release_registry,omitempty"`
	} `json:"contracts"`
	TxOutboxDir *string `json:"tx_outbox_dir,omitempty"`
}

func configErr(key, format string, args ...any) error {
	return fmt.Errorf("%w: trust.web3.%s: %s", ErrConfig, key, fmt.Sprintf(format, args...))
}

// LoadConfig reads and parses a configuration file (see [ParseConfig]).
func LoadConfig(path string, opts ...ConfigOption) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, errorf("config: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxConfigBytes+1))
	if err != nil {
		return nil, errorf("config: %w", err)
	}
	c, err := ParseConfig(data, opts...)
	if err != nil {
		return nil, errorf("config %s: %w", path, err)
	}
	return c, nil
}

// ParseConfig parses the JSON form of the configuration:
//
//	{"trust": {"web3": {
//	  "network": "edgen",
//	  "chain_id": 4207,
//	  "rpc_endpoints": ["https://a.example", "https://b.example", "https://c.example"],
//	  "rpc_quorum": 2,
//	  "max_stale_sec": 180,
//	  "mode": "root_uri",
//	  "contracts": {"instance_controller": "0x...", "release_registry": "0x..."},
//	  "tx_outbox_dir": "/var/lib/app/tx-outbox"
//	}}}
//
// Unknown keys, duplicate keys, trailing data and bad values are rejected
// with an error naming the key. The quorum must be a strict majority of
// the endpoints, and at least 2 of 2 ([quorum.ErrSingleEndpoint] otherwise) unless
// [AllowDevelopmentQuorum] is given.
//
// network is optional and names a [Network] preset. With it, chain_id may
// be left out (if given, it must be the preset's), rpc_endpoints default to
// the preset's endpoints and rpc_quorum to the smallest strict majority of
// the endpoints. The quorum rule above applies unchanged: a preset never
// lowers it.
func ParseConfig(data []byte, opts ...ConfigOption) (*Config, error) {
	var o configOptions
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	if len(data) > maxConfigBytes {
		return nil, fmt.Errorf("%w: %d bytes, want at most %d", ErrConfig, len(data), maxConfigBytes)
	}
	var f configFile
	if err := strictjson.Unmarshal(data, &f, strictjson.MaxSize(maxConfigBytes), strictjson.MaxDepth(maxConfigDepth)); err != nil {
		return nil, errorf("%w: %w", ErrConfig, tkerr.Trimmed{Err: err, Prefix: "strictjson: "})
	}
	if f.Trust == nil || f.Trust.Web3 == nil {
		return nil, fmt.Errorf("%w: missing trust.web3", ErrConfig)
	}
	w := f.Trust.Web3
	c := &Config{MaxStaleSec: int(runtime.DefaultMaxStale / time.Second), Mode: ModeRootURI}
	var preset *Network
	fromPreset := false // rpc_endpoints are the preset's defaults
	if w.Network != nil {
		n, err := LookupNetwork(*w.Network)
		if err != nil {
			return nil, err
		}
		preset, c.Network = &n, n.Name
		if w.ChainID == nil {
			w.ChainID = &n.ChainID
		} else if *w.ChainID != n.ChainID {
			return nil, configErr("chain_id", "%d, network %s is chain %d", *w.ChainID, n.Name, n.ChainID)
		}
		if w.RPCEndpoints == nil {
			w.RPCEndpoints, fromPreset = n.RPCEndpoints, true
		}
	}
	if w.ChainID == nil || *w.ChainID == 0 {
		return nil, configErr("chain_id", "missing or zero")
	}
	c.ChainID = *w.ChainID
	if len(w.RPCEndpoints) == 0 || len(w.RPCEndpoints) > maxEndpoints {
		return nil, configErr("rpc_endpoints", "%d endpoints, want 1..%d", len(w.RPCEndpoints), maxEndpoints)
	}
	seen := map[string]bool{}
	for i, e := range w.RPCEndpoints {
		u, err := quorum.ParseEndpoint(e)
		if err != nil {
			return nil, configErr(fmt.Sprintf("rpc_endpoints[%d]", i), "%v", err)
		}
		if seen[u.String()] {
			return nil, configErr(fmt.Sprintf("rpc_endpoints[%d]", i), "duplicate of an earlier endpoint")
		}
		seen[u.String()] = true
	}
	c.RPCEndpoints = w.RPCEndpoints
	if w.RPCQuorum == nil && preset != nil {
		q := majority(len(c.RPCEndpoints))
		w.RPCQuorum = &q
	}
	if w.RPCQuorum == nil {
		return nil, configErr("rpc_quorum", "missing")
	}
	if err := quorum.CheckRule(len(c.RPCEndpoints), *w.RPCQuorum, o.development); err != nil {
		if fromPreset {
			return nil, errorf("%w: trust.web3.rpc_quorum: %w (network %s supplies %d default endpoint; list two or more in rpc_endpoints)",
				ErrConfig, err, preset.Name, len(c.RPCEndpoints))
		}
		return nil, errorf("%w: trust.web3.rpc_quorum: %w", ErrConfig, err)
	}
	c.RPCQuorum = *w.RPCQuorum
	c.development = o.development
	if w.MaxStaleSec != nil {
		if *w.MaxStaleSec < 1 || *w.MaxStaleSec > maxStaleSecHigh {
			return nil, configErr("max_stale_sec", "%d, want 1..%d", *w.MaxStaleSec, maxStaleSecHigh)
		}
		c.MaxStaleSec = *w.MaxStaleSec
	}
	if w.Mode != nil {
		switch m := Mode(*w.Mode); m {
		case ModeRootURI, ModeFull:
			c.Mode = m
		default:
			return nil, configErr("mode", "%q, want %q or %q", *w.Mode, ModeRootURI, ModeFull)
		}
	}
	if w.Contracts == nil || w.Contracts.InstanceController == nil {
		return nil, configErr("contracts.instance_controller", "missing")
	}
	a, err := parseAddress(*w.Contracts.InstanceController)
	if err != nil {
		return nil, configErr("contracts.instance_controller", "%v", err)
	}
	c.InstanceController = a
	if w.Contracts.ReleaseRegistry != nil {
		a, err := parseAddress(*w.Contracts.ReleaseRegistry)
		if err != nil {
			return nil, configErr("contracts.release_registry", "%v", err)
		}
		c.ReleaseRegistry = &a
	}
	if w.TxOutboxDir != nil {
		d := *w.TxOutboxDir
		if !filepath.IsAbs(d) || filepath.Clean(d) != d || strings.ContainsRune(d, 0) {
			return nil, configErr("tx_outbox_dir", "%q, want a clean absolute path", d)
		}
		c.TxOutboxDir = d
	}
	return c, nil
}

// parseAddress accepts 0x and 40 hex digits, all lower or all upper case or
// with a valid EIP-55 checksum, and not the zero address.
func parseAddress(s string) (common.Address, error) {
	if len(s) != 42 || !strings.HasPrefix(s, "0x") {
		return common.Address{}, fmt.Errorf("%q, want 0x and 40 hex digits", s)
	}
	a, err := common.NewMixedcaseAddressFromString(s)
	if err != nil {
		return common.Address{}, fmt.Errorf("%q, want 0x and 40 hex digits", s)
	}
	body := s[2:]
	mixed := strings.ToLower(body) != body && strings.ToUpper(body) != body
	if mixed && !a.ValidChecksum() {
		return common.Address{}, fmt.Errorf("%q has a bad EIP-55 checksum, want %s", s, a.Address().Hex())
	}
	if a.Address() == (common.Address{}) {
		return common.Address{}, errors.New("zero address")
	}
	return a.Address(), nil
}

// MarshalJSON encodes the configuration in the form [ParseConfig] reads.
func (c *Config) MarshalJSON() ([]byte, error) {
	w := web3JSON{ChainID: &c.ChainID, RPCEndpoints: c.RPCEndpoints, RPCQuorum: &c.RPCQuorum, MaxStaleSec: &c.MaxStaleSec}
	if c.Network != "" {
		w.Network = &c.Network
	}
	mode := string(c.Mode)
	w.Mode = &mode
	ic := c.InstanceController.Hex()
	w.Contracts = &struct {
		InstanceController *string `json:"instance_controller"`
		ReleaseRegistry    *string `json:"release_registry,omitempty"`
	}{InstanceController: &ic}
	if c.ReleaseRegistry != nil {
		rr := c.ReleaseRegistry.Hex()
		w.Contracts.ReleaseRegistry = &rr
	}
	if c.TxOutboxDir != "" {
		w.TxOutboxDir = &c.TxOutboxDir
	}
	var f configFile
	f.Trust = &struct {
		Web3 *web3JSON `json:"web3"`
	}{Web3: &w}
	return json.Marshal(f)
}

// Policy returns the outage rules for this configuration.
func (c *Config) Policy() runtime.Policy { return runtime.NewPolicy(c.MaxStaleSec) }

// QuorumReader returns a reader over the configured endpoints and quorum
// that checks every endpoint serves the configured chain id (and allows a
// single endpoint only when the configuration was parsed with
// [AllowDevelopmentQuorum]); opts come after those and may add to them.
func (c *Config) QuorumReader(opts ...quorum.Option) (*quorum.Reader, error) {
	all := []quorum.Option{quorum.WithChainID(c.ChainID)}
	if c.development {
		all = append(all, quorum.WithDevelopment())
	}
	all = append(all, opts...)
	return quorum.New(c.RPCEndpoints, c.RPCQuorum, all...)
}
