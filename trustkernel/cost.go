package trustkernel

import (
	"context"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"

	"github.com/accordsdk/accord/trustkernel/integrity"
)

// GasEstimator is what [EstimateModeCost] needs from a chain: eth_estimateGas
// and eth_gasPrice. *ethclient.Client satisfies it.
type GasEstimator interface {
	EstimateGas(ctx context.Context, msg ethereum.CallMsg) (uint64, error)
	SuggestGasPrice(ctx context.Context) (*big.Int, error)
}

// A CostQuery says whose transactions [EstimateModeCost] estimates, and how
// the manifest's proposal is made.
type CostQuery struct {
	// Controller is the InstanceController the manifest is anchored in.
	Controller common.Address
	// From is the upgrade authority: an EOA, or the Safe itself when the
	// authority is a Safe (the Safe's own execTransaction overhead, about
	// 30,000 to 60,000 gas depending on the owners, is then not included).
	From common.Address
	// URI is where the manifest's JSON form is published (root_uri mode);
	// its Keccak-256 is the proposal's uriHash.
	URI string
	// PolicyHash is the proposal's policy hash.
	PolicyHash [32]byte
	// TTL is the proposal's time to live; 0 means one day.
	TTL time.Duration
	// Manifest are the full-mode publication options (gas ceiling, bytes
	// per transaction, chunk size) of [Controller.PlanManifest].
	Manifest []ManifestOption
	// ComponentID, if not zero, makes the proposal a release's,
	// proposeRelease(ComponentID, Version, PolicyHash, TTL), as a
	// controller that follows a release registry requires; URI is then
	// unused (the registry holds the URI hash). The manifest must be that
	// release's: the estimate does not read the registry.
	ComponentID [32]byte
	// Version is the release's version, with ComponentID.
	Version uint64
	// Safe says From is a Safe: full mode is then planned as
	// [Controller.PlanSafeManifest] plans it (room for execTransaction's
	// call data and gas in each publication), so the transactions counted
	// are the Safe transactions the owners sign.
	Safe bool
}

// A TxCost is one transaction of a mode's publication.
type TxCost struct {
	// Method is the contract function called.
	Method string
	// Gas is eth_estimateGas's answer for the call.
	Gas uint64
	// CalldataBytes is the length of the call data.
	CalldataBytes int
}

// A CostEstimate is what anchoring one manifest in one mode costs at the
// chain's current gas price: the transactions the upgrade authority sends,
// each estimated by the chain (eth_estimateGas at the latest block, from
// the authority), priced at eth_gasPrice.
type CostEstimate struct {
	Mode Mode
	// Txs are the transactions, in the order they are sent.
	Txs []TxCost
	// Gas is the sum of the transactions' gas.
	Gas uint64
	// GasPrice is eth_gasPrice, in wei per gas.
	GasPrice *big.Int
	// Wei is Gas × GasPrice.
	Wei *big.Int
}

// String renders the estimate on one line, as the command-line tool shows
// it before sending: "root_uri: 1 transaction, 71234 gas at 1.5 gwei =
// 0.000106851 ETH".
func (e *CostEstimate) String() string {
	txs := "transactions"
	if len(e.Txs) == 1 {
		txs = "transaction"
	}
	return fmt.Sprintf("%s: %d %s, %d gas at %s gwei = %s ETH", e.Mode, len(e.Txs), txs, e.Gas, FormatUnits(e.GasPrice, 9), FormatUnits(e.Wei, 18))
}

// FormatUnits writes v / 10^decimals in decimal, without trailing zeros
// ("1.5" for 1500000000 with 9 decimals, "0" for zero).
func FormatUnits(v *big.Int, decimals int) string {
	if v == nil {
		return "0"
	}
	s := new(big.Int).Abs(v).String()
	sign := ""
	if v.Sign() < 0 {
		sign = "-"
	}
	for len(s) <= decimals {
		s = "0" + s
	}
	whole, frac := s[:len(s)-decimals], s[len(s)-decimals:]
	for len(frac) > 0 && frac[len(frac)-1] == '0' {
		frac = frac[:len(frac)-1]
	}
	if frac == "" {
		return sign + whole
	}
	return sign + whole + "." + frac
}

// defaultCostTTL is the proposal TTL a [CostQuery] without one assumes.
const defaultCostTTL = 24 * time.Hour

// EstimateModeCost asks the chain what anchoring manifest m costs in mode,
// before anything is sent, so that an operator can choose the mode (and
// the tool can show the cost of what it is about to send).
//
// In root_uri mode the upgrade authority sends one transaction,
// proposeUpgrade(root, uriHash, policyHash, ttl) (or proposeRelease, see
// [CostQuery].ComponentID); the manifest itself is
// published off chain at q.URI. In full mode it first publishes the
// manifest's chunks, in the transactions [Controller.PlanManifest] plans
// under the gas ceiling, and then sends the same proposal. The chain
// refuses chunk k until chunks 0..k-1 are on chain, so each publication
// transaction is estimated through its stand-in from
// [Controller.EstimationCalls] (the same chunks as the first of an unused
// root): an upper bound, by about 17,000 gas per transaction after the
// first. Activating the proposal costs the same in every mode and cannot be
// estimated before the proposal is mined (the chain refuses it until
// then), so it is not part of the estimate.
//
// Each call is estimated by eth_estimateGas as q.From at the latest block,
// so a call the chain would refuse (q.From is not the upgrade authority,
// the controller is paused) fails here with the decoded revert, such as
// [ErrUnauthorized] or [ErrControllerPaused].
func EstimateModeCost(ctx context.Context, backend GasEstimator, q CostQuery, m *integrity.Manifest, mode Mode) (*CostEstimate, error) {
	root, err := m.Root()
	if err != nil {
		return nil, err
	}
	ttl := q.TTL
	if ttl == 0 {
		ttl = defaultCostTTL
	}
	ctl := NewController(q.Controller)
	var propose Call
	if q.ComponentID != ([32]byte{}) {
		propose, err = ctl.ProposeRelease(q.ComponentID, q.Version, q.PolicyHash, ttl)
	} else {
		propose, err = ctl.ProposeUpgrade(root, integrity.URIHash(q.URI), q.PolicyHash, ttl)
	}
	if err != nil {
		return nil, err
	}
	var calls []Call
	switch mode {
	case ModeRootURI:
		calls = []Call{propose}
	case ModeFull:
		var plan *ManifestPlan
		if q.Safe {
			plan, err = ctl.PlanSafeManifest(m, 0, q.Manifest...)
		} else {
			plan, err = ctl.PlanManifest(m, q.Manifest...)
		}
		if err != nil {
			return nil, err
		}
		calls = append(ctl.EstimationCalls(plan), propose)
	default:
		return nil, errorf("estimate mode cost: mode %q, want %q or %q", mode, ModeRootURI, ModeFull)
	}
	price, err := backend.SuggestGasPrice(ctx)
	if err != nil {
		return nil, errorf("estimate mode cost: gas price: %w", err)
	}
	est := &CostEstimate{Mode: mode, GasPrice: price}
	for _, c := range calls {
		gas, err := EstimateCall(ctx, backend, q.From, c)
		if err != nil {
			return nil, err
		}
		est.Txs = append(est.Txs, TxCost{Method: c.Method, Gas: gas, CalldataBytes: len(c.Data)})
		est.Gas += gas
	}
	est.Wei = new(big.Int).Mul(new(big.Int).SetUint64(est.Gas), price)
	return est, nil
}

// EstimateCall asks the chain (eth_estimateGas at the latest block) how
// much gas call needs when sent by from. A call the chain would refuse
// fails with its decoded revert (a [*RevertError]).
func EstimateCall(ctx context.Context, backend GasEstimator, from common.Address, call Call) (uint64, error) {
	to := call.To
	gas, err := backend.EstimateGas(ctx, ethereum.CallMsg{From: from, To: &to, Data: call.Data})
	if err != nil {
		return 0, errorf("estimate %s: %w", call.Method, DecodeRevertError(err))
	}
	return gas, nil
}
