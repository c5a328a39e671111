package trustkernel_test

import (
	"context"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

// fullModeChain is a chain with a controller whose upgrade authority has
// published a manifest of n files in full mode, and blocks mined on top so
// that a quorum reader's pin (two confirmations) is above them.
type fullModeChain struct {
	*chainFixture
	ctl  *trustkernel.Controller
	m    *trustkernel.Manifest
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

func (c *fullModeChain) reader(t testing.TB, k int, bs ...simchain.Behaviour) *trustkernel.QuorumReader {
	t.Helper()
	urls := make([]string, len(bs))
	for i, b := range bs {
		p := simchain.NewProxy(c.chain.URL(), b)
		t.Cleanup(p.Close)
		urls[i] = p.URL
	}
	opts := []trustkernel.QuorumOption{trustkernel.WithClock(c.clock(t)), trustkernel.WithPinTTL(time.Hour)}
	if len(bs) < 2 {
		opts = append(opts, trustkernel.WithDevelopmentQuorum())
	}
	r, err := trustkernel.NewQuorumReader(urls, k, opts...)
	require.NoError(t, err)
	t.Cleanup(r.Close)
	return r
}

// TestFetchManifestThroughQuorum reads a 10,000-file full-mode manifest
// back through a 2-of-3 quorum: one lying endpoint (it flips a byte of
// every call result and log) is out-voted; two that tell the same lie win
// the vote, but what they agree on does not decode to the anchored root,
// so the fetch fails instead of returning a wrong manifest.
func TestFetchManifestThroughQuorum(t *testing.T) {
	t.Parallel()
	c := newFullModeChain(t, 10_000)
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
	other := &trustkernel.Manifest{Entries: append([]trustkernel.ManifestEntry(nil), c.m.Entries...)}
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
		}), trustkernel.ErrRootMismatch},
	} {
		_, err := trustkernel.FetchManifest(ctx, tc.r, c.ctl.Address, c.root)
		require.ErrorIs(t, err, tc.wantErr, name)
	}
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
