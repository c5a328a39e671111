package trustkernel_test

import (
	"context"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

// safePackage is the official Safe contracts package the tests deploy.
const safePackage = "@safe-global/safe-smart-account@1.5.0"

var (
	safeOnce sync.Once
	safeDir  string
	safeErr  error
)

// safeArtifactsDir installs the Safe package with npm into a cache
// directory (once per machine) and returns its build/artifacts/contracts
// folder. Without npm the test is skipped, unless CI=true.
func safeArtifactsDir(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("npm"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("npm is required in CI to install %s: %v", safePackage, err)
		}
		t.Skipf("skipping: npm not found, needed to install the official Safe contracts (%s)", safePackage)
	}
	safeOnce.Do(func() { safeDir, safeErr = installSafePackage() })
	require.NoError(t, safeErr)
	return safeDir
}

func installSafePackage() (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	parent := filepath.Join(cache, "accord-test")
	dir := filepath.Join(parent, strings.NewReplacer("@", "", "/", "_").Replace(safePackage))
	artifacts := filepath.Join(dir, "node_modules", "@safe-global", "safe-smart-account", "build", "artifacts", "contracts")
	if _, err := os.Stat(filepath.Join(artifacts, "Safe.sol", "Safe.json")); err == nil {
		return artifacts, nil
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(parent, "install-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", "install", "--no-save", "--ignore-scripts", "--no-audit", "--no-fund",
		"--loglevel=error", "--prefix", tmp, safePackage)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", errors.New("npm install " + safePackage + ": " + err.Error() + ": " + string(out))
	}
	// Another test process may have won the race; either copy is complete.
	if err := os.Rename(tmp, dir); err != nil {
		if _, serr := os.Stat(filepath.Join(artifacts, "Safe.sol", "Safe.json")); serr != nil {
			return "", err
		}
	}
	return artifacts, nil
}

type safeArtifact struct {
	Bytecode         string `json:"bytecode"`
	DeployedBytecode string `json:"deployedBytecode"`
}

func readSafeArtifact(t *testing.T, dir, rel string) safeArtifact {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, rel))
	require.NoError(t, err)
	var a safeArtifact
	require.NoError(t, json.Unmarshal(data, &a))
	return a
}

// safeFixture is a chain with the trustkernel contracts, the official Safe
// singleton and proxy factory, a 2-of-3 Safe of accounts 5, 6, 7 and a
// controller whose emergency authority is that Safe.
type safeFixture struct {
	*chainFixture
	artifacts string
	singleton common.Address
	factory   common.Address
	safe      common.Address
	owners    []int
	ctl       *trustkernel.Controller
}

func newSafeFixture(t *testing.T) *safeFixture {
	t.Helper()
	dir := safeArtifactsDir(t)
	f := newChainFixture(t)
	ctx := context.Background()
	deploy := func(rel string, args []byte) common.Address {
		a := readSafeArtifact(t, dir, rel)
		addr, tx, err := bind.DeployContract(chainOpts(0), append(common.FromHex(a.Bytecode), args...), f.client, nil)
		require.NoError(t, err)
		_, err = bind.WaitMined(ctx, f.client, tx.Hash())
		require.NoError(t, err)
		return addr
	}
	sf := &safeFixture{chainFixture: f, artifacts: dir, owners: []int{5, 6, 7}}
	sf.singleton = deploy("Safe.sol/Safe.json", nil)
	sf.factory = deploy("proxies/SafeProxyFactory.sol/SafeProxyFactory.json", nil)
	owners := []common.Address{simchain.Address(5), simchain.Address(6), simchain.Address(7)}
	var err error
	sf.safe, err = trustkernel.CreateSafe(ctx, f.client, chainOpts(0), sf.factory, sf.singleton, owners, 2, 1)
	require.NoError(t, err)
	p := trustkernel.InstanceParams{
		RootAuthority: simchain.Address(1), UpgradeAuthority: simchain.Address(2), EmergencyAuthority: sf.safe,
		GenesisRoot: h32("genesis"), Salt: h32("safe"),
	}
	addr, _, err := trustkernel.CreateInstance(ctx, f.client, chainOpts(0), f.dep, p)
	require.NoError(t, err)
	sf.ctl = trustkernel.NewController(addr)
	return sf
}

// safeTx builds a SafeTx for c at the Safe's current nonce.
func (sf *safeFixture) safeTx(t *testing.T, c trustkernel.Call) *trustkernel.SafeTx {
	t.Helper()
	nonce, err := trustkernel.SafeNonce(context.Background(), sf.client, sf.safe)
	require.NoError(t, err)
	return trustkernel.NewSafeTx(sf.safe, simchain.ChainID, c, nonce)
}

func (sf *safeFixture) sign(t *testing.T, tx *trustkernel.SafeTx, accounts ...int) []trustkernel.SafeSignature {
	t.Helper()
	var sigs []trustkernel.SafeSignature
	for _, i := range accounts {
		s, err := tx.Sign(simchain.Key(i))
		require.NoError(t, err)
		sigs = append(sigs, s)
	}
	return sigs
}

func TestSafeOfficialCodeHashes(t *testing.T) {
	dir := safeArtifactsDir(t)
	official := trustkernel.OfficialSafeDeployments()[0]
	require.Equal(t, "1.5.0", official.Version)
	proxy := readSafeArtifact(t, dir, "proxies/SafeProxy.sol/SafeProxy.json")
	require.Equal(t, official.ProxyCodeHash, crypto.Keccak256Hash(common.FromHex(proxy.DeployedBytecode)))
	for rel, name := range map[string]string{"Safe.sol/Safe.json": "Safe", "SafeL2.sol/SafeL2.json": "SafeL2"} {
		a := readSafeArtifact(t, dir, rel)
		require.Equal(t, name, official.Singletons[crypto.Keccak256Hash(common.FromHex(a.DeployedBytecode))], rel)
	}
}

func TestSafeEmergencyPause(t *testing.T) {
	sf := newSafeFixture(t)
	ctx := context.Background()

	info, err := trustkernel.InspectSafe(ctx, sf.client, sf.safe, nil)
	require.NoError(t, err)
	require.Equal(t, "1.5.0", info.Version)
	require.Equal(t, "Safe", info.SingletonName)
	require.Equal(t, sf.singleton, info.Singleton)
	require.ElementsMatch(t, []common.Address{simchain.Address(5), simchain.Address(6), simchain.Address(7)}, info.Owners)
	require.Equal(t, uint64(2), info.Threshold)
	require.Equal(t, uint64(0), info.Nonce)

	// An owner alone is not the authority: the Safe is.
	_, err = trustkernel.Send(ctx, sf.client, chainOpts(5), sf.ctl.Pause())
	require.ErrorIs(t, err, trustkernel.ErrUnauthorized)

	tx := sf.safeTx(t, sf.ctl.Pause())
	digest, err := tx.Hash()
	require.NoError(t, err)
	require.Equal(t, onChainSafeTxHash(t, sf, tx), digest, "our EIP-712 hash is the Safe's")

	// One signature of two: refused by our checks, and by the Safe itself.
	one := sf.sign(t, tx, 6)
	_, err = trustkernel.ExecSafeTx(ctx, sf.client, chainOpts(0), tx, one)
	require.ErrorIs(t, err, trustkernel.ErrSafeSignatures)
	encoded, err := tx.EncodeSignatures(one)
	require.NoError(t, err)
	_, err = trustkernel.SendSafeExec(ctx, sf.client, chainOpts(0), tx, encoded)
	var re *trustkernel.RevertError
	require.ErrorAs(t, err, &re)
	require.Equal(t, "GS020", re.Reason(), "signatures data too short")

	// A signature by a non-owner does not count either.
	_, err = trustkernel.ExecSafeTx(ctx, sf.client, chainOpts(0), tx, sf.sign(t, tx, 6, 4))
	require.ErrorIs(t, err, trustkernel.ErrSafeSignatures)
	// Nor does the same owner twice.
	_, err = tx.EncodeSignatures(append(sf.sign(t, tx, 6), sf.sign(t, tx, 6)...))
	require.ErrorIs(t, err, trustkernel.ErrSafeSignatures)

	// Two owners, given in descending order: sorted before encoding.
	two := sf.sign(t, tx, 7, 5)
	_, err = trustkernel.ExecSafeTx(ctx, sf.client, chainOpts(0), tx, two)
	require.NoError(t, err)
	s, err := sf.ctl.Snapshot(ctx, sf.client, nil)
	require.NoError(t, err)
	require.True(t, s.Paused)

	// The same SafeTx again: its nonce is spent.
	_, err = trustkernel.ExecSafeTx(ctx, sf.client, chainOpts(0), tx, two)
	require.ErrorIs(t, err, trustkernel.ErrSafeSignatures)
	encoded, err = tx.EncodeSignatures(two)
	require.NoError(t, err)
	_, err = trustkernel.SendSafeExec(ctx, sf.client, chainOpts(0), tx, encoded)
	require.ErrorAs(t, err, &re)
	require.Equal(t, "GS026", re.Reason(), "the replayed signatures recover to non-owners under the new nonce")

	// A second pause through the Safe surfaces the controller's own error.
	again := sf.safeTx(t, sf.ctl.Pause())
	_, err = trustkernel.ExecSafeTx(ctx, sf.client, chainOpts(0), again, sf.sign(t, again, 5, 6))
	require.ErrorIs(t, err, trustkernel.ErrControllerPaused)

	unpause := sf.safeTx(t, sf.ctl.Unpause())
	require.Equal(t, uint64(1), unpause.Nonce)
	_, err = trustkernel.ExecSafeTx(ctx, sf.client, chainOpts(3), unpause, sf.sign(t, unpause, 6, 7))
	require.NoError(t, err)
	s, err = sf.ctl.Snapshot(ctx, sf.client, nil)
	require.NoError(t, err)
	require.False(t, s.Paused)
}

func onChainSafeTxHash(t *testing.T, sf *safeFixture, tx *trustkernel.SafeTx) common.Hash {
	t.Helper()
	a, err := abi.JSON(strings.NewReader(`[{"type":"function","name":"getTransactionHash","inputs":[{"name":"to","type":"address"},{"name":"value","type":"uint256"},{"name":"data","type":"bytes"},{"name":"operation","type":"uint8"},{"name":"safeTxGas","type":"uint256"},{"name":"baseGas","type":"uint256"},{"name":"gasPrice","type":"uint256"},{"name":"gasToken","type":"address"},{"name":"refundReceiver","type":"address"},{"name":"_nonce","type":"uint256"}],"outputs":[{"name":"","type":"bytes32"}],"stateMutability":"view"}]`))
	require.NoError(t, err)
	zero := new(big.Int)
	data, err := a.Pack("getTransactionHash", tx.To, zero, tx.Data, tx.Operation, zero, zero, zero, common.Address{}, common.Address{}, new(big.Int).SetUint64(tx.Nonce))
	require.NoError(t, err)
	out, err := sf.client.CallContract(context.Background(), ethereum.CallMsg{To: &sf.safe, Data: data}, nil)
	require.NoError(t, err)
	return common.BytesToHash(out)
}

func TestInspectSafeRejectsImpostors(t *testing.T) {
	sf := newSafeFixture(t)
	ctx := context.Background()
	// A genuine SafeProxy whose singleton is not an official Safe.
	proxy := readSafeArtifact(t, sf.artifacts, "proxies/SafeProxy.sol/SafeProxy.json")
	fakeProxy, tx, err := bind.DeployContract(chainOpts(0), append(common.FromHex(proxy.Bytecode), common.LeftPadBytes(sf.dep.Registry.Bytes(), 32)...), sf.client, nil)
	require.NoError(t, err)
	_, err = bind.WaitMined(ctx, sf.client, tx.Hash())
	require.NoError(t, err)

	for name, addr := range map[string]common.Address{
		"an EOA":                       simchain.Address(5),
		"a controller":                 sf.ctl.Address,
		"the singleton itself":         sf.singleton,
		"a proxy of another singleton": fakeProxy,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := trustkernel.InspectSafe(ctx, sf.client, addr, nil)
			require.ErrorIs(t, err, trustkernel.ErrNotSafe)
		})
	}
	// Without the v1.5.0 entry, even the genuine Safe is unknown.
	_, err = trustkernel.InspectSafe(ctx, sf.client, sf.safe, trustkernel.OfficialSafeDeployments()[1:])
	require.ErrorIs(t, err, trustkernel.ErrNotSafe)
}
