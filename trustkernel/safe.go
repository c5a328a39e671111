package trustkernel

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/math"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"
)

// Errors of Safe authorities.
var (
	// ErrNotSafe: the address is not a Safe of a known official deployment.
	ErrNotSafe = errors.New("trustkernel: not a genuine safe")
	// ErrSafeSignatures: the collected signatures cannot authorise the SafeTx
	// (too few, duplicated, or by a non-owner).
	ErrSafeSignatures = errors.New("trustkernel: safe signatures insufficient")
)

// SafeDeployment names the runtime code hashes of one official Safe release:
// the proxy every Safe account is, and the singletons a proxy may delegate to.
type SafeDeployment struct {
	Version string
	// ProxyCodeHash is the hash of SafeProxy's runtime code; zero when the
	// release's proxy is not known to this package.
	ProxyCodeHash common.Hash
	// Singletons maps a singleton's runtime code hash to its name (Safe, SafeL2).
	Singletons map[common.Hash]string
}

// OfficialSafeDeployments returns the Safe releases [InspectSafe] recognises
// by default. Singleton hashes are the codeHash of the canonical deployments
// published by Safe; the v1.5.0 proxy hash is that of SafeProxy's runtime code
// in @safe-global/safe-smart-account 1.5.0 (the tests recompute all v1.5.0
// hashes from that package). Each call returns a fresh copy, so a caller may
// modify the result without changing what InspectSafe trusts.
func OfficialSafeDeployments() []SafeDeployment {
	out := make([]SafeDeployment, len(officialSafeDeployments))
	for i, d := range officialSafeDeployments {
		out[i] = d
		out[i].Singletons = make(map[common.Hash]string, len(d.Singletons))
		for h, name := range d.Singletons {
			out[i].Singletons[h] = name
		}
	}
	return out
}

// officialSafeDeployments is the table behind [OfficialSafeDeployments];
// only InspectSafe reads it, and nothing writes it.
var officialSafeDeployments = []SafeDeployment{
	{
		Version:       "1.5.0",
		ProxyCodeHash: common.HexToHash("0x4e381985ca68b3e5d27b4425fa581c19cf33146d3f887a3cfca96f55528ea46f"),
		Singletons: map[common.Hash]string{
			common.HexToHash("0xdda019cbd7c867a533a2a86e5c53434fdc50b13122b5a5ddb4a8df61b31c20f2"): "Safe",
			common.HexToHash("0x180193227186ccb85316c94db1f0d156ed932b14712cfaac78901899178572dc"): "SafeL2",
		},
	},
	{
		Version: "1.4.1",
		Singletons: map[common.Hash]string{
			common.HexToHash("0x1fe2df852ba3299d6534ef416eefa406e56ced995bca886ab7a553e6d0c5e1c4"): "Safe",
			common.HexToHash("0xb1f926978a0f44a2c0ec8fe822418ae969bd8c3f18d61e5103100339894f81ff"): "SafeL2",
		},
	},
	{
		Version: "1.3.0",
		Singletons: map[common.Hash]string{
			common.HexToHash("0xbba688fbdb21ad2bb58bc320638b43d94e7d100f6f3ebaab0a4e4de6304b1c2e"): "GnosisSafe",
			common.HexToHash("0x21842597390c4c6e3c1239e434a682b054bd9548eee5e9b1d6a4482731023c0f"): "GnosisSafeL2",
		},
	},
}

// safeABI is the part of the Safe interface this package uses.
var safeABI = mustABI(`[
{"type":"function","name":"VERSION","inputs":[],"outputs":[{"name":"","type":"string"}],"stateMutability":"view"},
{"type":"function","name":"getOwners","inputs":[],"outputs":[{"name":"","type":"address[]"}],"stateMutability":"view"},
{"type":"function","name":"getThreshold","inputs":[],"outputs":[{"name":"","type":"uint256"}],"stateMutability":"view"},
{"type":"function","name":"nonce","inputs":[],"outputs":[{"name":"","type":"uint256"}],"stateMutability":"view"},
{"type":"function","name":"getTransactionHash","inputs":[{"name":"to","type":"address"},{"name":"value","type":"uint256"},{"name":"data","type":"bytes"},{"name":"operation","type":"uint8"},{"name":"safeTxGas","type":"uint256"},{"name":"baseGas","type":"uint256"},{"name":"gasPrice","type":"uint256"},{"name":"gasToken","type":"address"},{"name":"refundReceiver","type":"address"},{"name":"_nonce","type":"uint256"}],"outputs":[{"name":"","type":"bytes32"}],"stateMutability":"view"},
{"type":"function","name":"execTransaction","inputs":[{"name":"to","type":"address"},{"name":"value","type":"uint256"},{"name":"data","type":"bytes"},{"name":"operation","type":"uint8"},{"name":"safeTxGas","type":"uint256"},{"name":"baseGas","type":"uint256"},{"name":"gasPrice","type":"uint256"},{"name":"gasToken","type":"address"},{"name":"refundReceiver","type":"address"},{"name":"signatures","type":"bytes"}],"outputs":[{"name":"success","type":"bool"}],"stateMutability":"payable"},
{"type":"function","name":"setup","inputs":[{"name":"_owners","type":"address[]"},{"name":"_threshold","type":"uint256"},{"name":"to","type":"address"},{"name":"data","type":"bytes"},{"name":"fallbackHandler","type":"address"},{"name":"paymentToken","type":"address"},{"name":"payment","type":"uint256"},{"name":"paymentReceiver","type":"address"}],"outputs":[],"stateMutability":"nonpayable"},
{"type":"function","name":"createProxyWithNonce","inputs":[{"name":"_singleton","type":"address"},{"name":"initializer","type":"bytes"},{"name":"saltNonce","type":"uint256"}],"outputs":[{"name":"proxy","type":"address"}],"stateMutability":"nonpayable"},
{"type":"event","name":"ProxyCreation","inputs":[{"name":"proxy","type":"address","indexed":true},{"name":"singleton","type":"address","indexed":false}],"anonymous":false}
]`)

func mustABI(js string) abi.ABI {
	a, err := abi.JSON(strings.NewReader(js))
	if err != nil {
		panic("trustkernel: bad abi: " + err.Error())
	}
	return a
}

func safePack(method string, args ...any) []byte {
	data, err := safeABI.Pack(method, args...)
	if err != nil {
		panic(fmt.Sprintf("trustkernel: pack %s: %v", method, err)) // arguments are typed by our callers
	}
	return data
}

// A SafeTx is a Safe multisig transaction: what the owners sign (as EIP-712
// typed data bound to the Safe's address and chain) and what execTransaction
// executes. Gas refunds are not used: SafeTxGas, BaseGas and GasPrice are
// zero, so a failing inner call reverts the whole execution.
type SafeTx struct {
	Safe    common.Address
	ChainID uint64
	To      common.Address
	Value   *big.Int
	Data    []byte
	// Operation is 0 (call); delegate calls are not built by this package.
	Operation uint8
	Nonce     uint64
}

// NewSafeTx wraps call for the Safe safe on chain chainID at the Safe's
// current nonce (read it with [SafeNonce]).
func NewSafeTx(safe common.Address, chainID uint64, c Call, nonce uint64) *SafeTx {
	return &SafeTx{Safe: safe, ChainID: chainID, To: c.To, Value: new(big.Int), Data: slices.Clone(c.Data), Nonce: nonce}
}

var safeTxTypes = apitypes.Types{
	"EIP712Domain": {
		{Name: "chainId", Type: "uint256"},
		{Name: "verifyingContract", Type: "address"},
	},
	"SafeTx": {
		{Name: "to", Type: "address"},
		{Name: "value", Type: "uint256"},
		{Name: "data", Type: "bytes"},
		{Name: "operation", Type: "uint8"},
		{Name: "safeTxGas", Type: "uint256"},
		{Name: "baseGas", Type: "uint256"},
		{Name: "gasPrice", Type: "uint256"},
		{Name: "gasToken", Type: "address"},
		{Name: "refundReceiver", Type: "address"},
		{Name: "nonce", Type: "uint256"},
	},
}

// TypedData returns the SafeTx as EIP-712 typed data, as Safe wallets show it.
func (t *SafeTx) TypedData() apitypes.TypedData {
	value := t.Value
	if value == nil {
		value = new(big.Int)
	}
	return apitypes.TypedData{
		Types:       safeTxTypes,
		PrimaryType: "SafeTx",
		Domain: apitypes.TypedDataDomain{
			ChainId:           (*math.HexOrDecimal256)(new(big.Int).SetUint64(t.ChainID)),
			VerifyingContract: t.Safe.Hex(),
		},
		Message: apitypes.TypedDataMessage{
			"to":             t.To.Hex(),
			"value":          value.String(),
			"data":           "0x" + common.Bytes2Hex(t.Data),
			"operation":      fmt.Sprint(t.Operation),
			"safeTxGas":      "0",
			"baseGas":        "0",
			"gasPrice":       "0",
			"gasToken":       common.Address{}.Hex(),
			"refundReceiver": common.Address{}.Hex(),
			"nonce":          fmt.Sprint(t.Nonce),
		},
	}
}

// Hash returns the EIP-712 digest of the SafeTx, which is what the Safe's
// getTransactionHash returns and what owners sign.
func (t *SafeTx) Hash() (common.Hash, error) {
	h, _, err := apitypes.TypedDataAndHash(t.TypedData())
	if err != nil {
		return common.Hash{}, errorf("safe tx hash: %w", err)
	}
	return common.BytesToHash(h), nil
}

// A SafeSignature is one owner's signature over a SafeTx digest: 65 bytes
// r || s || v with v in {27, 28} (an ECDSA signature of the digest itself).
type SafeSignature struct {
	Owner     common.Address
	Signature []byte
}

// Sign signs the SafeTx digest with an owner's in-memory key.
func (t *SafeTx) Sign(key *ecdsa.PrivateKey) (SafeSignature, error) {
	return t.SignWith(context.Background(), KeySigner(key))
}

// SignWith signs the SafeTx digest through any [DigestSigner], such as an
// owner's hardware-held key. The signature is normalised (low s, v in
// {27, 28}) and checked to recover to the signer's address.
func (t *SafeTx) SignWith(ctx context.Context, s DigestSigner) (SafeSignature, error) {
	h, err := t.Hash()
	if err != nil {
		return SafeSignature{}, err
	}
	sig, err := signWith(ctx, s, h)
	if err != nil {
		return SafeSignature{}, err
	}
	return SafeSignature{Owner: s.Address(), Signature: sig}, nil
}

// EncodeSignatures checks each signature against the SafeTx digest and its
// owner, rejects duplicates, and concatenates them sorted by owner address
// (ascending), as execTransaction requires.
func (t *SafeTx) EncodeSignatures(sigs []SafeSignature) ([]byte, error) {
	h, err := t.Hash()
	if err != nil {
		return nil, err
	}
	sorted := slices.Clone(sigs)
	slices.SortFunc(sorted, func(a, b SafeSignature) int { return bytes.Compare(a.Owner[:], b.Owner[:]) })
	out := make([]byte, 0, len(sorted)*crypto.SignatureLength)
	for i, s := range sorted {
		if i > 0 && sorted[i-1].Owner == s.Owner {
			return nil, errorf("two signatures by %s: %w", s.Owner.Hex(), ErrSafeSignatures)
		}
		got, err := recoverDigest(h, s.Signature)
		if err != nil {
			return nil, errorf("signature of %s: %w", s.Owner.Hex(), err)
		}
		if got != s.Owner {
			return nil, errorf("signature claimed by %s recovers to %s: %w", s.Owner.Hex(), got.Hex(), ErrBadSignature)
		}
		out = append(out, s.Signature...)
	}
	return out, nil
}

// ExecSafeTx executes t with the owners' signatures, sent from opts.From
// (any funded account: the signatures are the authority). Before sending it
// checks the signatures against the Safe's owners and threshold, and runs the
// inner call as the Safe, so that a refusal by a trustkernel contract comes
// back as its [*RevertError] rather than the Safe's generic failure code.
func ExecSafeTx(ctx context.Context, backend Backend, opts *bind.TransactOpts, t *SafeTx, sigs []SafeSignature) (*types.Receipt, error) {
	encoded, err := t.EncodeSignatures(sigs)
	if err != nil {
		return nil, err
	}
	info, err := readSafe(ctx, backend, t.Safe)
	if err != nil {
		return nil, err
	}
	valid := 0
	for _, s := range sigs {
		if slices.Contains(info.Owners, s.Owner) {
			valid++
		} else {
			return nil, errorf("%s is not an owner of safe %s: %w", s.Owner.Hex(), t.Safe.Hex(), ErrSafeSignatures)
		}
	}
	if uint64(valid) < info.Threshold {
		return nil, errorf("%d signatures, safe %s wants %d: %w", valid, t.Safe.Hex(), info.Threshold, ErrSafeSignatures)
	}
	if t.Nonce != info.Nonce {
		return nil, errorf("safe tx nonce %d, safe %s is at %d: %w", t.Nonce, t.Safe.Hex(), info.Nonce, ErrSafeSignatures)
	}
	if _, err := call(ctx, backend, &bind.CallOpts{From: t.Safe}, t.To, t.Data); err != nil {
		return nil, errorf("safe tx to %s: %w", t.To.Hex(), err)
	}
	return SendSafeExec(ctx, backend, opts, t, encoded)
}

// SendSafeExec sends execTransaction for t with already encoded signatures
// and no checks of its own: the Safe contract is the judge. Use
// [ExecSafeTx] unless you mean to see the Safe's own refusal (for example
// "GS026" for a bad or missing owner signature, "GS025"/"GS026" for a
// replayed transaction whose nonce has moved on).
func SendSafeExec(ctx context.Context, backend Backend, opts *bind.TransactOpts, t *SafeTx, signatures []byte) (*types.Receipt, error) {
	value := t.Value
	if value == nil {
		value = new(big.Int)
	}
	data := safePack("execTransaction", t.To, value, t.Data, t.Operation, new(big.Int), new(big.Int), new(big.Int),
		common.Address{}, common.Address{}, signatures)
	return Send(ctx, backend, opts, Call{Method: "execTransaction", To: t.Safe, Data: data})
}

// SafeInfo describes a Safe account.
type SafeInfo struct {
	Address   common.Address
	Version   string // the singleton's VERSION()
	Singleton common.Address
	// SingletonName is the official singleton's name (Safe, SafeL2, ...).
	SingletonName string
	Owners        []common.Address
	Threshold     uint64
	Nonce         uint64
}

// SafeReader reads code, storage and calls; *ethclient.Client satisfies it.
type SafeReader interface {
	bind.ContractCaller
	StorageAt(ctx context.Context, account common.Address, key common.Hash, blockNumber *big.Int) ([]byte, error)
}

// InspectSafe reports whether addr is a genuine Safe: its runtime code is an
// official SafeProxy, the singleton in its storage slot 0 has the runtime
// code of an official singleton of the same release, and the singleton's
// VERSION matches. It returns the owners, threshold and nonce. known nil
// means [OfficialSafeDeployments]. Anything else is [ErrNotSafe].
func InspectSafe(ctx context.Context, backend SafeReader, addr common.Address, known []SafeDeployment) (*SafeInfo, error) {
	if known == nil {
		known = officialSafeDeployments
	}
	code, err := backend.CodeAt(ctx, addr, nil)
	if err != nil {
		return nil, errorf("code of %s: %w", addr.Hex(), err)
	}
	proxyHash := crypto.Keccak256Hash(code)
	var release *SafeDeployment
	for i := range known {
		if known[i].ProxyCodeHash != (common.Hash{}) && known[i].ProxyCodeHash == proxyHash {
			release = &known[i]
			break
		}
	}
	if release == nil {
		return nil, errorf("%s has code hash %s, not an official safe proxy: %w", addr.Hex(), proxyHash.Hex(), ErrNotSafe)
	}
	slot, err := backend.StorageAt(ctx, addr, common.Hash{}, nil)
	if err != nil {
		return nil, errorf("singleton slot of %s: %w", addr.Hex(), err)
	}
	singleton := common.BytesToAddress(slot)
	scode, err := backend.CodeAt(ctx, singleton, nil)
	if err != nil {
		return nil, errorf("code of singleton %s: %w", singleton.Hex(), err)
	}
	name, ok := release.Singletons[crypto.Keccak256Hash(scode)]
	if !ok {
		return nil, errorf("%s delegates to %s, not an official safe %s singleton: %w", addr.Hex(), singleton.Hex(), release.Version, ErrNotSafe)
	}
	info, err := readSafe(ctx, backend, addr)
	if err != nil {
		return nil, err
	}
	if info.Version != release.Version {
		return nil, errorf("safe %s reports version %q, want %q: %w", addr.Hex(), info.Version, release.Version, ErrNotSafe)
	}
	info.Singleton, info.SingletonName = singleton, name
	return info, nil
}

// readSafe reads a Safe's version, owners, threshold and nonce.
func readSafe(ctx context.Context, backend bind.ContractCaller, addr common.Address) (*SafeInfo, error) {
	info := &SafeInfo{Address: addr}
	read := func(method string) ([]any, error) {
		out, err := call(ctx, backend, nil, addr, safePack(method))
		if err != nil {
			return nil, errorf("safe %s %s: %w", addr.Hex(), method, err)
		}
		vals, err := safeABI.Unpack(method, out)
		if err != nil || len(vals) != 1 {
			return nil, errorf("safe %s %s: bad answer: %w", addr.Hex(), method, ErrNotSafe)
		}
		return vals, nil
	}
	v, err := read("VERSION")
	if err != nil {
		return nil, err
	}
	info.Version, _ = v[0].(string)
	if v, err = read("getOwners"); err != nil {
		return nil, err
	}
	info.Owners, _ = v[0].([]common.Address)
	if v, err = read("getThreshold"); err != nil {
		return nil, err
	}
	th, _ := v[0].(*big.Int)
	if v, err = read("nonce"); err != nil {
		return nil, err
	}
	n, _ := v[0].(*big.Int)
	if th == nil || n == nil || !th.IsUint64() || !n.IsUint64() {
		return nil, errorf("safe %s: threshold or nonce out of range: %w", addr.Hex(), ErrNotSafe)
	}
	info.Threshold, info.Nonce = th.Uint64(), n.Uint64()
	return info, nil
}

// SafeNonce reads a Safe's current nonce, the nonce its next SafeTx must carry.
func SafeNonce(ctx context.Context, backend bind.ContractCaller, safe common.Address) (uint64, error) {
	info, err := readSafe(ctx, backend, safe)
	if err != nil {
		return 0, err
	}
	return info.Nonce, nil
}

// CreateSafe creates a Safe proxy of singleton through the official
// SafeProxyFactory at factory, with owners and threshold and no modules,
// fallback handler or payment, and returns its address.
func CreateSafe(ctx context.Context, backend Backend, opts *bind.TransactOpts, factory, singleton common.Address, owners []common.Address, threshold uint64, saltNonce uint64) (common.Address, error) {
	if threshold == 0 || threshold > uint64(len(owners)) {
		return common.Address{}, errorf("safe threshold %d with %d owners: %w", threshold, len(owners), ErrSafeSignatures)
	}
	init := safePack("setup", owners, new(big.Int).SetUint64(threshold), common.Address{}, []byte{}, common.Address{},
		common.Address{}, new(big.Int), common.Address{})
	rcpt, err := Send(ctx, backend, opts, Call{
		Method: "createProxyWithNonce",
		To:     factory,
		Data:   safePack("createProxyWithNonce", singleton, init, new(big.Int).SetUint64(saltNonce)),
	})
	if err != nil {
		return common.Address{}, err
	}
	ev := safeABI.Events["ProxyCreation"]
	for _, l := range rcpt.Logs {
		if l.Address == factory && len(l.Topics) == 2 && l.Topics[0] == ev.ID {
			return common.BytesToAddress(l.Topics[1].Bytes()), nil
		}
	}
	return common.Address{}, errorf("safe factory %s emitted no ProxyCreation: %w", factory.Hex(), ethereum.NotFound)
}
