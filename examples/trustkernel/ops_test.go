package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/integrity"
	"github.com/accordsdk/accord/trustkernel/quorum"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

// operator runs the command line against one simulated chain served over
// loopback HTTP, with keystore files for the accounts it uses.
type operator struct {
	t        *testing.T
	chain    *simchain.Chain
	dir      string
	keys     map[int]string // account -> keystore file
	password string         // password file
}

const testPassphrase = "correct horse battery staple"

// The tests' keystore files use a cheap scrypt (the format is the same;
// the cost parameters are in each file), so that the many decryptions of
// a test stay fast under the race detector.
const testScryptN, testScryptP = 1 << 8, 1

func newOperator(t *testing.T, accounts ...int) *operator {
	t.Helper()
	chain, err := simchain.New(nil)
	require.NoError(t, err)
	t.Cleanup(func() { chain.Close() })
	o := &operator{t: t, chain: chain, dir: t.TempDir(), keys: map[int]string{}}
	ks := keystore.NewKeyStore(filepath.Join(o.dir, "keystore"), testScryptN, testScryptP)
	for _, i := range accounts {
		acct, err := ks.ImportECDSA(simchain.Key(i), testPassphrase)
		require.NoError(t, err)
		o.keys[i] = acct.URL.Path
	}
	o.password = filepath.Join(o.dir, "password")
	require.NoError(t, os.WriteFile(o.password, []byte(testPassphrase+"\n"), 0o600))
	return o
}

// run executes the program with args; env holds the environment.
func (o *operator) run(env map[string]string, args ...string) (int, string, string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out, errb bytes.Buffer
	code := command().Execute(ctx, args, &out, &errb, func(k string) string { return env[k] })
	return code, out.String(), errb.String()
}

// ok runs a verb as account i (its keystore and the password file) against
// the chain and requires success.
func (o *operator) ok(i int, args ...string) string {
	o.t.Helper()
	if i >= 0 {
		args = append(args, "-keystore", o.keys[i], "-password-file", o.password)
	}
	args = append([]string{"-rpc", o.chain.URL()}, args...)
	code, out, errs := o.run(nil, args...)
	require.Equal(o.t, 0, code, "%v: %s%s", args, out, errs)
	return out
}

// fails runs a verb and requires exit status 1 with a one-line error.
func (o *operator) fails(i int, args ...string) string {
	o.t.Helper()
	if i >= 0 {
		args = append(args, "-keystore", o.keys[i], "-password-file", o.password)
	}
	args = append([]string{"-rpc", o.chain.URL()}, args...)
	code, out, errs := o.run(nil, args...)
	require.Equal(o.t, 1, code, "%v: %s%s", args, out, errs)
	require.Equal(o.t, 1, strings.Count(errs, "\n"), "one line: %q", errs)
	return errs
}

func field(t *testing.T, out, name string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + name + ` (0x[0-9a-fA-F]{40})$`).FindStringSubmatch(out)
	require.NotNil(t, m, "no %s in %s", name, out)
	return m[1]
}

func (o *operator) snapshot(ctl string) trustkernel.Snapshot {
	o.t.Helper()
	client, err := o.chain.Dial(context.Background())
	require.NoError(o.t, err)
	defer client.Close()
	s, err := trustkernel.NewController(common.HexToAddress(ctl)).Snapshot(context.Background(), client, nil)
	require.NoError(o.t, err)
	return s
}

// TestOperatorVerbs drives every operator verb against the simulated chain
// over HTTP: deploy, request, review, create, propose, activate, cancel,
// pause, unpause, status and write-config, with keys from keystore files.
// Accounts: 0 deploys and pays, 1/2/3 are the root, upgrade and emergency
// authorities, 6 the reviewing device, 4 an outsider.
func TestOperatorVerbs(t *testing.T) {
	o := newOperator(t, 0, 1, 2, 3, 4, 6)

	out := o.ok(0, "deploy", "-dry-run")
	assert.Regexp(t, `(?s)estimate: create ReleaseRegistry \d+ gas.*estimate: create InstanceController \d+ gas.*estimate: create Anchor \d+ gas.*`+
		`estimate: create InstanceFactory \d+ gas.*estimate: deploy \d+ gas at [0-9.]+ gwei = [0-9.]+ ETH\ndry run: nothing sent`, out)
	out = o.ok(0, "deploy")
	require.Less(t, strings.Index(out, "estimate: create InstanceController"), strings.Index(out, "registry 0x"), "the estimate comes first")
	factory, impl := field(t, out, "factory"), field(t, out, "implementation")

	// The setup request is drafted, reviewed and signed on a "separate
	// device" (account 6), then acted on.
	installDir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(installDir, "app"), []byte("app 1.0.0\n"), 0o644))
	m, err := integrity.Build(context.Background(), installDir)
	require.NoError(t, err)
	manifest1 := filepath.Join(o.dir, "manifest-1.json")
	writeManifest(t, manifest1, m)
	req := filepath.Join(o.dir, "setup.json")
	out = o.ok(-1, "-implementation", impl, "request", "-install", "shop", "-factory", factory,
		"-root-authority", simchain.Address(1).Hex(), "-upgrade-authority", simchain.Address(2).Hex(),
		"-emergency-authority", simchain.Address(3).Hex(), "-manifest", manifest1, "-genesis-uri", "https://releases.example/1.json",
		"-salt", "shop", "-out", req)
	assert.Contains(t, out, "on chain 1337")
	code, out, errs := o.run(nil, "review", req, "-keystore", o.keys[6], "-password-file", o.password)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, `install "shop" on chain 1337`)
	assert.Contains(t, out, "signed by "+simchain.Address(6).Hex())

	// A request checked against another reviewer is refused before anything
	// is sent.
	errs = o.fails(0, "create", "-request", req, "-reviewer", simchain.Address(4).Hex())
	assert.Contains(t, errs, "bad signature")
	out = o.ok(0, "create", "-request", req, "-reviewer", simchain.Address(6).Hex())
	assert.Contains(t, out, "estimate: createInstance ")
	ctl := regexp.MustCompile(`controller (0x[0-9a-fA-F]{40}) created and verified`).FindStringSubmatch(out)
	require.NotNil(t, ctl, out)
	root1, _ := m.Root()
	require.Equal(t, root1, o.snapshot(ctl[1]).ActiveRoot)

	// Propose release 2 with its manifest: both the mode cost and the
	// call's estimate are shown before it is sent.
	require.NoError(t, os.WriteFile(filepath.Join(installDir, "app"), []byte("app 2.0.0\n"), 0o644))
	m2, err := integrity.Build(context.Background(), installDir)
	require.NoError(t, err)
	manifest2 := filepath.Join(o.dir, "manifest-2.json")
	writeManifest(t, manifest2, m2)
	root2, _ := m2.Root()
	errs = o.fails(4, "-controller", ctl[1], "propose", "-manifest", manifest2, "-uri", "https://releases.example/2.json")
	assert.Contains(t, errs, "Unauthorized(caller="+simchain.Address(4).Hex())
	out = o.ok(2, "-controller", ctl[1], "propose", "-manifest", manifest2, "-uri", "https://releases.example/2.json", "-ttl", "1h", "-mode", "full")
	assert.Regexp(t, `(?s)mode cost root_uri: 1 transaction, \d+ gas at [0-9.]+ gwei = [0-9.]+ ETH\nmode cost full: 2 transactions, \d+ gas.*`+
		`published the manifest's 1 chunks in 1 transactions.*estimate: proposeUpgrade \d+ gas.*sent proposeUpgrade from `+simchain.Address(2).Hex(), out)
	reader, err := quorum.New([]string{o.chain.URL()}, 1, quorum.WithDevelopment(), quorum.WithConfirmations(0))
	require.NoError(t, err)
	defer reader.Close()
	onChain, err := trustkernel.FetchManifest(context.Background(), reader, common.HexToAddress(ctl[1]), root2)
	require.NoError(t, err)
	assert.Equal(t, m2, onChain, "full mode: the manifest is on chain")
	assert.Equal(t, root2, o.snapshot(ctl[1]).PendingUpgrade.Root)
	o.ok(2, "-controller", ctl[1], "activate")
	assert.Equal(t, root2, o.snapshot(ctl[1]).ActiveRoot)

	// Propose again; the emergency authority cancels (break-glass), and so
	// may the root authority; an outsider may not.
	for i, canceller := range []int{3, 1} {
		o.ok(2, "-controller", ctl[1], "propose", "-root", "0x"+strings.Repeat("ab", 32), "-uri", "https://releases.example/3.json")
		if i == 0 {
			// Its chunks are not on chain: a full-mode activation is
			// refused before anything is sent.
			errs = o.fails(2, "-controller", ctl[1], "activate", "-mode", "full")
			assert.Contains(t, errs, "not completely published")
			assert.Contains(t, errs, "full-mode installs would fail closed")
		}
		errs = o.fails(4, "-controller", ctl[1], "cancel")
		assert.Contains(t, errs, "Unauthorized(caller="+simchain.Address(4).Hex())
		out = o.ok(canceller, "-controller", ctl[1], "cancel")
		assert.Contains(t, out, "sent cancelUpgrade from "+simchain.Address(canceller).Hex())
		assert.Zero(t, o.snapshot(ctl[1]).PendingUpgrade.ExpiresAt)
	}

	// A dry run sends nothing.
	o.ok(3, "-controller", ctl[1], "pause", "-dry-run")
	assert.False(t, o.snapshot(ctl[1]).Paused)
	o.ok(3, "-controller", ctl[1], "pause")
	assert.True(t, o.snapshot(ctl[1]).Paused)

	// status reads through a quorum of two proxies in front of the chain.
	a, b := simchain.NewProxy(o.chain.URL(), simchain.Behaviour{}), simchain.NewProxy(o.chain.URL(), simchain.Behaviour{})
	defer a.Close()
	defer b.Close()
	o.chain.Mine(3)
	code, out, errs = o.run(nil, "-rpc", a.URL+","+b.URL, "-controller", ctl[1], "-implementation", impl, "status")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "paused true")
	assert.Contains(t, out, "the install must fail closed")
	o.ok(3, "-controller", ctl[1], "unpause")
	assert.False(t, o.snapshot(ctl[1]).Paused)

	// write-config checks the controller through the quorum and writes a
	// file the runtime reads; with the local preset the chain id is the
	// preset's.
	cfgPath := filepath.Join(o.dir, "trust.json")
	o.chain.Mine(3)
	code, out, errs = o.run(nil, "-network", "local", "-rpc", a.URL+","+b.URL, "-controller", ctl[1], "write-config", "-out", cfgPath)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "is a genuine clone on chain 1337, agreed by 2 of 2 endpoints")
	cfg, err := trustkernel.LoadConfig(cfgPath)
	require.NoError(t, err)
	assert.Equal(t, trustkernel.NetworkLocal, cfg.Network)
	assert.Equal(t, uint64(1337), cfg.ChainID)
	assert.Equal(t, 2, cfg.RPCQuorum)
	assert.Equal(t, common.HexToAddress(ctl[1]), cfg.InstanceController)
	// The same against the wrong preset is refused, and nothing replaces a file.
	code, _, errs = o.run(nil, "-network", "edgen", "-rpc", a.URL+","+b.URL, "-controller", ctl[1], "write-config", "-out", filepath.Join(o.dir, "edgen.json"))
	require.Equal(t, 1, code)
	assert.Contains(t, errs, "chain id")
	code, _, errs = o.run(nil, "-rpc", a.URL+","+b.URL, "-controller", ctl[1], "write-config", "-out", cfgPath)
	require.Equal(t, 1, code)
	assert.Contains(t, errs, "exists")
	_, err = os.Stat(filepath.Join(o.dir, "edgen.json"))
	require.True(t, os.IsNotExist(err))
}

func writeManifest(t *testing.T, path string, m *integrity.Manifest) {
	t.Helper()
	data, err := json.Marshal(m)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, data, 0o644))
}

// TestOperatorKeys: keys come only from keystore files, with the
// passphrase from a file, the environment, or a terminal.
func TestOperatorKeys(t *testing.T) {
	o := newOperator(t, 0)
	// There is no flag for a raw key.
	code, _, errs := o.run(nil, "deploy", "-key", "0x"+strings.Repeat("11", 32))
	require.Equal(t, 2, code, errs)
	// The passphrase from the environment works; a wrong one does not.
	code, out, errs := o.run(map[string]string{"TRUSTKERNEL_PASSWORD": testPassphrase, "TRUSTKERNEL_KEYSTORE": o.keys[0]}, "-rpc", o.chain.URL(), "deploy", "-dry-run")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "dry run")
	code, _, errs = o.run(map[string]string{"TRUSTKERNEL_PASSWORD": "wrong"}, "-rpc", o.chain.URL(), "deploy", "-keystore", o.keys[0])
	require.Equal(t, 1, code)
	assert.Contains(t, errs, "could not decrypt key with given password")
	// No passphrase and no terminal.
	code, _, errs = o.run(nil, "-rpc", o.chain.URL(), "deploy", "-keystore", o.keys[0])
	require.Equal(t, 1, code)
	assert.Contains(t, errs, "no passphrase for "+simchain.Address(0).Hex())
	// A keystore directory with -from selects the key.
	code, _, errs = o.run(nil, "-rpc", o.chain.URL(), "deploy", "-dry-run", "-keystore", filepath.Dir(o.keys[0]), "-from", simchain.Address(0).Hex(), "-password-file", o.password)
	require.Equal(t, 0, code, errs)
	code, _, errs = o.run(nil, "-rpc", o.chain.URL(), "deploy", "-dry-run", "-keystore", filepath.Dir(o.keys[0]), "-from", simchain.Address(5).Hex(), "-password-file", o.password)
	require.Equal(t, 1, code)
	assert.Contains(t, errs, "no key for")
	// Key and passphrase files others can read are refused.
	require.NoError(t, os.Chmod(o.password, 0o644))
	code, _, errs = o.run(nil, "-rpc", o.chain.URL(), "deploy", "-dry-run", "-keystore", o.keys[0], "-password-file", o.password)
	require.Equal(t, 1, code)
	assert.Contains(t, errs, "must not be readable by group or others")
	require.NoError(t, os.Chmod(o.password, 0o600))
	require.NoError(t, os.Chmod(o.keys[0], 0o640))
	code, _, errs = o.run(nil, "-rpc", o.chain.URL(), "deploy", "-dry-run", "-keystore", o.keys[0], "-password-file", o.password)
	require.Equal(t, 1, code)
	assert.Contains(t, errs, "must not be readable by group or others")
	// The network preset's chain id is checked against the endpoint.
	require.NoError(t, os.Chmod(o.keys[0], 0o600))
	code, _, errs = o.run(nil, "-network", "edgen", "-rpc", o.chain.URL(), "deploy", "-dry-run", "-keystore", o.keys[0], "-password-file", o.password)
	require.Equal(t, 1, code)
	assert.Contains(t, errs, "serves chain 1337, network edgen is chain 4207")
}

// TestOperatorSafe: an authority that is a Safe gets a Safe transaction
// file instead of a sent transaction; owners sign it with their keystore
// keys and anyone executes it.
func TestOperatorSafe(t *testing.T) {
	artifacts := safeArtifacts(t)
	o := newOperator(t, 0, 2, 5, 6)
	ctx := context.Background()
	client, err := o.chain.Dial(ctx)
	require.NoError(t, err)
	defer client.Close()
	safe := o.newSafe(artifacts, client)
	dep, err := trustkernel.Deploy(ctx, client, opts(0), simchain.Address(0))
	require.NoError(t, err)
	addr, _, err := trustkernel.CreateInstance(ctx, client, opts(0), dep, trustkernel.InstanceParams{
		RootAuthority: simchain.Address(1), UpgradeAuthority: simchain.Address(2), EmergencyAuthority: safe,
		GenesisRoot: [32]byte{1},
	})
	require.NoError(t, err)
	ctl := addr.Hex()
	o.ok(2, "-controller", ctl, "propose", "-root", "0x"+strings.Repeat("ab", 32), "-uri", "https://releases.example/2.json")

	file := filepath.Join(o.dir, "pause.json")
	out := o.ok(-1, "-controller", ctl, "pause", "-safe", safe.Hex(), "-out", file)
	assert.Contains(t, out, "estimate: pause ")
	assert.Contains(t, out, "(2 of 3 owners, nonce 0)")
	require.False(t, o.snapshot(ctl).Paused, "nothing sent")

	// One signature is not enough: refused before sending.
	o.ok(5, "safe-sign", file)
	errs := o.fails(0, "safe-exec", file)
	assert.Contains(t, errs, "safe signatures insufficient")
	// The same owner cannot sign twice.
	errs = o.fails(5, "safe-sign", file)
	assert.Contains(t, errs, "already signed")
	out = o.ok(6, "safe-sign", file)
	assert.Contains(t, out, "2 signatures")
	out = o.ok(0, "safe-exec", file)
	assert.Contains(t, out, "executed pause through Safe "+safe.Hex())
	assert.True(t, o.snapshot(ctl).Paused)
	// Replaying the executed file is refused (the Safe's nonce moved on).
	errs = o.fails(0, "safe-exec", file)
	assert.Contains(t, errs, "has nonce 0, Safe "+safe.Hex()+" is at nonce 1")

	// Break-glass through the Safe: while paused, it cancels the pending
	// upgrade.
	cancel := filepath.Join(o.dir, "cancel.json")
	o.ok(-1, "-controller", ctl, "cancel", "-safe", safe.Hex(), "-out", cancel)
	o.ok(5, "safe-sign", cancel)
	o.ok(6, "safe-sign", cancel)
	out = o.ok(0, "safe-exec", cancel)
	assert.Contains(t, out, "executed cancelUpgrade through Safe "+safe.Hex())
	s := o.snapshot(ctl)
	assert.True(t, s.Paused)
	assert.Zero(t, s.PendingUpgrade.ExpiresAt)

	// A power the Safe does not hold is refused at the estimate, and no
	// file is written.
	policy := filepath.Join(o.dir, "policy.json")
	errs = o.fails(-1, "-controller", ctl, "set-policy", "-policy-hash", "0x"+strings.Repeat("11", 32), "-safe", safe.Hex(), "-out", policy)
	assert.Contains(t, errs, "setPolicyHash refused: only the root authority may call it, not "+safe.Hex())
	_, err = os.Stat(policy)
	require.True(t, os.IsNotExist(err))
}

// newSafe deploys the official Safe singleton and proxy factory and
// creates a 2-of-3 Safe of accounts 5, 6 and 7.
func (o *operator) newSafe(artifacts string, client *ethclient.Client) common.Address {
	t := o.t
	t.Helper()
	ctx := context.Background()
	deploy := func(rel string) common.Address {
		var a struct{ Bytecode string }
		data, err := os.ReadFile(filepath.Join(artifacts, rel))
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(data, &a))
		addr, tx, err := bind.DeployContract(opts(0), common.FromHex(a.Bytecode), client, nil)
		require.NoError(t, err)
		_, err = bind.WaitMined(ctx, client, tx.Hash())
		require.NoError(t, err)
		return addr
	}
	singleton, factory := deploy("Safe.sol/Safe.json"), deploy("proxies/SafeProxyFactory.sol/SafeProxyFactory.json")
	safe, err := trustkernel.CreateSafe(ctx, client, opts(0), factory, singleton, []common.Address{simchain.Address(5), simchain.Address(6), simchain.Address(7)}, 2, 1)
	require.NoError(t, err)
	return safe
}

// safeArtifacts returns the build/artifacts/contracts directory of the
// official Safe contracts, installing them with npm into the user cache
// (the directory trustkernel's tests share) if needed. Without npm the test
// is skipped, unless CI=true.
func safeArtifacts(t *testing.T) string {
	t.Helper()
	const pkg = "@safe-global/safe-smart-account@1.5.0"
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "accord-test", "safe-global_safe-smart-account1.5.0")
	artifacts := filepath.Join(dir, "node_modules", "@safe-global", "safe-smart-account", "build", "artifacts", "contracts")
	if _, err := os.Stat(filepath.Join(artifacts, "Safe.sol", "Safe.json")); err == nil {
		return artifacts
	}
	if _, err := exec.LookPath("npm"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("npm is required in CI to install %s: %v", pkg, err)
		}
		t.Skipf("skipping: npm not found, needed to install %s", pkg)
	}
	require.NoError(t, os.MkdirAll(filepath.Dir(dir), 0o755))
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "install-")
	require.NoError(t, err)
	defer os.RemoveAll(tmp)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", "install", "--no-save", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error", "--prefix", tmp, pkg)
	outb, err := cmd.CombinedOutput()
	require.NoError(t, err, string(outb))
	if err := os.Rename(tmp, dir); err != nil {
		_, serr := os.Stat(filepath.Join(artifacts, "Safe.sol", "Safe.json"))
		require.NoError(t, serr, "another process installed a broken copy")
	}
	return artifacts
}
