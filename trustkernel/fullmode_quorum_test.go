package trustkernel_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/integrity"
	"github.com/accordsdk/accord/trustkernel/quorum"
	"github.com/accordsdk/accord/trustkernel/runtime"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

// fullModeChain is a chain with a controller whose upgrade authority has
// published a manifest of n files in full mode, and blocks mined on top so
// that a quorum reader's pin (two confirmations) is above them.
type fullModeChain struct {
	*chainFixture
	ctl  *trustkernel.Controller
	m    *integrity.Manifest
	root [32]byte
}

func newFullModeChain(t testing.TB, n int) *fullModeChain {
	t.Helper()
	f := newChainFixture(t)
	ctl := f.instance(t, "full mode")
	m := testManifest(t, n)
	pub, err := trustkernel.PublishManifest(context.Background(), f.client, chainOpts(roleUpgrade), ctl, m)
	require.NoError(t, err)
	f.chain.Mine(3)
	return &fullModeChain{chainFixture: f, ctl: ctl, m: m, root: pub.Plan.Root}
}

// clock is a clock just after the chain's head (quick simulated blocks run
// ahead of wall time).
func (c *fullModeChain) clock(t testing.TB) func() time.Time {
	h, err := c.client.HeaderByNumber(context.Background(), nil)
	require.NoError(t, err)
	at := time.Unix(int64(h.Time)+1, 0)
	return func() time.Time { return at }
}

func (c *fullModeChain) reader(t testing.TB, k int, bs ...simchain.Behaviour) *quorum.Reader {
	t.Helper()
	urls := make([]string, len(bs))
	for i, b := range bs {
		p := simchain.NewProxy(c.chain.URL(), b)
		t.Cleanup(p.Close)
		urls[i] = p.URL
	}
	opts := []quorum.Option{quorum.WithClock(c.clock(t)), quorum.WithPinTTL(time.Hour)}
	if len(bs) < 2 {
		opts = append(opts, quorum.WithDevelopment())
	}
	r, err := quorum.New(urls, k, opts...)
	require.NoError(t, err)
	t.Cleanup(r.Close)
	return r
}

// TestFetchManifestThroughQuorum reads a 2,000-file full-mode manifest (7
// chunks in 2 transactions) back through a 2-of-3 quorum: one lying endpoint (it flips a byte of
// every call result and log) is out-voted; two that tell the same lie win
// the vote, but what they agree on does not decode to the anchored root,
// so the fetch fails instead of returning a wrong manifest.
func TestFetchManifestThroughQuorum(t *testing.T) {
	t.Parallel()
	c := newFullModeChain(t, 2_000)
	ctx := context.Background()

	r := c.reader(t, 2, simchain.Behaviour{}, simchain.Behaviour{Lie: true}, simchain.Behaviour{})
	got, err := trustkernel.FetchManifest(ctx, r, c.ctl.Address, c.root)
	require.NoError(t, err)
	require.Equal(t, c.m.Entries, got.Entries)

	liars := c.reader(t, 2, simchain.Behaviour{Lie: true}, simchain.Behaviour{Lie: true}, simchain.Behaviour{})
	_, err = trustkernel.FetchManifest(ctx, liars, c.ctl.Address, c.root)
	require.Error(t, err, "two colluding liars cannot make a wrong manifest pass")

	_, err = trustkernel.FetchManifest(ctx, r, c.ctl.Address, h32("never published"))
	require.ErrorIs(t, err, trustkernel.ErrManifestIncomplete)
}

// TestFetchManifestRefusesForgedLogs feeds FetchManifest answers an
// endpoint could forge: a log from another contract, a chunk twice, a
// missing chunk, a chunk of another count, and chunks that decode to
// another root.
func TestFetchManifestRefusesForgedLogs(t *testing.T) {
	t.Parallel()
	c := newFullModeChain(t, 300)
	ctx := context.Background()
	honest := &singleEndpoint{client: c.client}
	logs, err := honest.logs(ctx, c.ctl.Address, c.root)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(logs), 1)
	_, err = trustkernel.FetchManifest(ctx, honest, c.ctl.Address, c.root)
	require.NoError(t, err)

	// The same files, one hash changed: same chunk layout, another root.
	other := &integrity.Manifest{Entries: append([]integrity.Entry(nil), c.m.Entries...)}
	other.Entries[0].SHA256[0] ^= 1
	otherPlan, err := c.ctl.PlanManifest(other)
	require.NoError(t, err)
	forged := func(f func([]types.Log) []types.Log) *forgedLogs {
		cp := make([]types.Log, len(logs))
		copy(cp, logs)
		return &forgedLogs{singleEndpoint: honest, logs: f(cp)}
	}
	for name, tc := range map[string]struct {
		r       trustkernel.ChainReader
		wantErr error
	}{
		"log from another contract": {forged(func(l []types.Log) []types.Log { l[0].Address = simchain.Address(5); return l }), trustkernel.ErrBadChunkLog},
		"chunk twice":               {forged(func(l []types.Log) []types.Log { return append(l, l[0]) }), trustkernel.ErrBadChunkLog},
		"chunk missing":             {forged(func(l []types.Log) []types.Log { return l[1:] }), trustkernel.ErrManifestIncomplete},
		"another root's chunk": {forged(func(l []types.Log) []types.Log {
			l[0].Topics = []common.Hash{l[0].Topics[0], otherPlan.Root, l[0].Topics[2]}
			return l
		}), trustkernel.ErrBadChunkLog},
		"chunk bytes of another manifest": {forged(func(l []types.Log) []types.Log {
			l[0].Data = chunkLogData(t, uint32(len(logs)), otherPlan.Chunks[0])
			return l
		}), integrity.ErrRootMismatch},
	} {
		_, err := trustkernel.FetchManifest(ctx, tc.r, c.ctl.Address, c.root)
		require.ErrorIs(t, err, tc.wantErr, name)
	}
}

// TestChainManifestsKeepsTheLast checks that the runtime's manifest source
// reads the chain once per root: the manifest it keeps hashed to its root.
func TestChainManifestsKeepsTheLast(t *testing.T) {
	t.Parallel()
	c := newFullModeChain(t, 300)
	ctx := context.Background()
	r := &countingReader{singleEndpoint: &singleEndpoint{client: c.client}}
	src := &trustkernel.ChainManifests{Reader: r, Controller: c.ctl.Address}
	m1, err := src.Manifest(ctx, c.root)
	require.NoError(t, err)
	m2, err := src.Manifest(ctx, c.root)
	require.NoError(t, err)
	require.Same(t, m1, m2)
	require.Equal(t, 1, r.calls)
	_, err = src.Manifest(ctx, h32("other"))
	require.ErrorIs(t, err, trustkernel.ErrManifestIncomplete)
	_, err = src.Manifest(ctx, c.root)
	require.NoError(t, err)
	require.Equal(t, 2, r.calls, "a failed fetch replaces nothing: the kept manifest still answers")
}

// countingReader counts the record reads of a ChainReader.
type countingReader struct {
	*singleEndpoint
	calls int
}

func (c *countingReader) Call(ctx context.Context, to common.Address, data []byte) ([]byte, error) {
	c.calls++
	return c.singleEndpoint.Call(ctx, to, data)
}

// singleEndpoint is a ChainReader over one RPC client: it trusts that one
// endpoint (the baseline a quorum is compared with).
type singleEndpoint struct{ client *ethclient.Client }

func (s *singleEndpoint) Call(ctx context.Context, to common.Address, data []byte) ([]byte, error) {
	return s.client.CallContract(ctx, ethereum.CallMsg{To: &to, Data: data}, nil)
}

func (s *singleEndpoint) FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error) {
	return s.client.FilterLogs(ctx, q)
}

func (s *singleEndpoint) logs(ctx context.Context, controller common.Address, root [32]byte) ([]types.Log, error) {
	return s.client.FilterLogs(ctx, ethereum.FilterQuery{
		Addresses: []common.Address{controller},
		Topics:    [][]common.Hash{{trustkernel.ManifestChunkTopic()}, {root}},
	})
}

// forgedLogs answers calls honestly and logs from a fixed, forged list.
type forgedLogs struct {
	*singleEndpoint
	logs []types.Log
}

func (f *forgedLogs) FilterLogs(context.Context, ethereum.FilterQuery) ([]types.Log, error) {
	return f.logs, nil
}

// BenchmarkFetchManifest10kQuorum fetches a 10,000-file full-mode manifest
// (36 chunks, 580 KB of events) through a 2-of-3 quorum of honest endpoints
// with a pinned block, beside the same fetch from one endpoint alone.
func BenchmarkFetchManifest10kQuorum(b *testing.B) {
	c := newFullModeChain(b, 10_000)
	ctx := context.Background()
	b.Run("quorum-2of3", func(b *testing.B) {
		r := c.reader(b, 2, simchain.Behaviour{}, simchain.Behaviour{}, simchain.Behaviour{})
		for b.Loop() {
			if _, err := trustkernel.FetchManifest(ctx, r, c.ctl.Address, c.root); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline-single-endpoint", func(b *testing.B) {
		r := &singleEndpoint{client: c.client}
		for b.Loop() {
			if _, err := trustkernel.FetchManifest(ctx, r, c.ctl.Address, c.root); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// installFile is file i of a test install: its path, in 100-file
// directories, and its contents.
func installFile(i int) (string, []byte) {
	name := fmt.Sprintf("file%05d.php", i)
	return fmt.Sprintf("mod%03d/%s", i/100, name), []byte("<?php // " + name + "\n")
}

// installHashes is the SHA-256 of each file of an n-file test install, by
// path, computed from the contents without the filesystem.
func installHashes(n int) map[string][32]byte {
	files := make(map[string][32]byte, n)
	for i := range n {
		p, data := installFile(i)
		files[p] = sha256.Sum256(data)
	}
	return files
}

// writeInstall writes the n files of a test install under dir, a few
// directories at a time.
func writeInstall(dir string, n int) error {
	dirs := make(chan int)
	errs := make(chan error, 4)
	for range cap(errs) {
		go func() {
			var err error
			for d := range dirs {
				if err != nil {
					continue
				}
				sub := filepath.Join(dir, fmt.Sprintf("mod%03d", d))
				if err = os.Mkdir(sub, 0o755); err != nil {
					continue
				}
				for i := d * 100; i < min(n, (d+1)*100) && err == nil; i++ {
					p, data := installFile(i)
					err = os.WriteFile(filepath.Join(dir, p), data, 0o644)
				}
			}
			errs <- err
		}()
	}
	for d := 0; d*100 < n; d++ {
		dirs <- d
	}
	close(dirs)
	var err error
	for range cap(errs) {
		err = errors.Join(err, <-errs)
	}
	return err
}

// TestFullModeInstall10kFiles is full mode end to end on the simulated
// chain: a 10,000-file install's manifest is published on chain as a
// release of the registry and activated; a runtime configured with mode
// "full" reads the per-file hashes from chain through a 2-of-3 quorum,
// checks the install directory against them (no manifest file on the
// server), and reports the running component and version. A changed file
// then fails it closed with the file's name, and so does an active root
// whose manifest was never published.
func TestFullModeInstall10kFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// The files are written while the chain work goes on; the manifest is
	// made from their contents in memory (integrity.Build has its own
	// tests), so the check below compares the directory with hashes that
	// did not come from reading it.
	dir := t.TempDir()
	written := make(chan error, 1)
	done := make(chan struct{})
	go func() { written <- writeInstall(dir, 10_000); close(done) }()
	t.Cleanup(func() { <-done }) // before the directory is removed
	m, err := integrity.New(installHashes(10_000))
	require.NoError(t, err)
	root, err := m.Root()
	require.NoError(t, err)

	f := newChainFixture(t)
	ctl := f.instance(t, "full mode install")
	comp := h32("accord/app")
	reg := trustkernel.NewRegistry(f.dep.Registry)
	f.send(t, 0, reg.Publish(comp, 7, root, integrity.URIHash("onchain:"), h32("meta")), nil)
	f.send(t, roleRoot, ctl.SetReleaseRegistry(f.dep.Registry), nil)
	pub, err := trustkernel.PublishManifest(ctx, f.client, chainOpts(roleUpgrade), ctl, m)
	require.NoError(t, err)
	require.Greater(t, len(pub.Receipts), 1, "split across transactions")
	c, err := ctl.ProposeRelease(comp, 7, h32("policy"), time.Hour)
	f.send(t, roleUpgrade, c, err)
	f.send(t, roleUpgrade, ctl.ActivateUpgrade(), nil)
	f.chain.Mine(3)

	fc := &fullModeChain{chainFixture: f, ctl: ctl, m: m, root: root}
	clock := fc.clock(t)
	urls := make([]string, 3)
	for i := range urls {
		p := simchain.NewProxy(f.chain.URL(), simchain.Behaviour{})
		t.Cleanup(p.Close)
		urls[i] = p.URL
	}
	cfgJSON := fmt.Sprintf(`{"trust":{"web3":{"chain_id":%d,"rpc_endpoints":["%s","%s","%s"],"rpc_quorum":2,"mode":"full","contracts":{"instance_controller":"%s"}}}}`,
		simchain.ChainID, urls[0], urls[1], urls[2], ctl.Address.Hex())
	cfg, err := trustkernel.ParseConfig([]byte(cfgJSON))
	require.NoError(t, err)
	require.Equal(t, trustkernel.ModeFull, cfg.Mode)
	_, err = cfg.InstallCheck(dir, "/etc/app/manifest.json", nil)
	require.Error(t, err, "full mode takes no manifest file")

	// The runtimes share one reader and one manifest source, so the
	// 10,000-file manifest is read from chain once.
	qr, err := cfg.QuorumReader(quorum.WithClock(func() time.Time { return clock() }), quorum.WithPinTTL(time.Hour))
	require.NoError(t, err)
	t.Cleanup(qr.Close)
	src := &trustkernel.ChainManifests{Reader: qr, Controller: ctl.Address}
	newRuntime := func(t *testing.T, check runtime.Option) *runtime.Runtime {
		rt, err := runtime.New(&trustkernel.ControllerState{Reader: qr, Controller: ctl.Address}, cfg.Policy(),
			runtime.WithClock(func() time.Time { return clock() }), check)
		require.NoError(t, err)
		return rt
	}

	require.NoError(t, <-written)
	rt := newRuntime(t, runtime.WithChainInstall(dir, src))
	require.NoError(t, rt.Refresh(ctx))
	d := rt.Decision()
	require.NoError(t, d.Reads)
	require.NoError(t, d.Writes)
	require.Equal(t, root, d.Observation.ActiveRoot)
	require.Equal(t, comp, d.Observation.ComponentID, "the runtime reports the running component")
	require.Equal(t, uint64(7), d.Observation.Version, "and its version")

	// A file changed on the server: a fresh runtime refuses to serve and
	// names it.
	changed := filepath.Join(dir, "mod042", "file04242.php")
	require.NoError(t, os.WriteFile(changed, []byte("<?php evil();\n"), 0o644))
	rt = newRuntime(t, runtime.WithChainInstall(dir, src))
	require.NoError(t, rt.Refresh(ctx))
	d = rt.Decision()
	var ie *integrity.DiffError
	require.ErrorAs(t, d.Reads, &ie)
	require.Equal(t, []string{"mod042/file04242.php"}, ie.Changed)
	require.ErrorIs(t, d.Writes, integrity.ErrMismatch)

	// A release whose manifest was never published on chain cannot pass,
	// with the check the configuration's mode selects.
	f.send(t, 0, reg.Publish(comp, 8, h32("unpublished manifest"), h32("u"), h32("m")), nil)
	c, err = ctl.ProposeRelease(comp, 8, h32("policy"), time.Hour)
	f.send(t, roleUpgrade, c, err)
	f.send(t, roleUpgrade, ctl.ActivateUpgrade(), nil)
	f.chain.Mine(3)
	clock = fc.clock(t)
	qr, err = cfg.QuorumReader(quorum.WithClock(clock)) // a fresh pin, above the activation
	require.NoError(t, err)
	t.Cleanup(qr.Close)
	check, err := cfg.InstallCheck(dir, "", qr)
	require.NoError(t, err)
	rt = newRuntime(t, check)
	require.NoError(t, rt.Refresh(ctx))
	d = rt.Decision()
	require.ErrorIs(t, d.Reads, trustkernel.ErrManifestIncomplete)
	require.Equal(t, uint64(8), d.Observation.Version)
}
