package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/quorum"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

func TestWalk(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	require.NoError(t, walk(ctx))
}

// newInstance starts a simulated chain, deploys the contracts and creates one
// controller clone, three blocks deep; the chain closes when the test ends.
func newInstance(t *testing.T, ctx context.Context) (*simchain.Chain, *trustkernel.Deployment, common.Address) {
	t.Helper()
	chain, err := simchain.New(nil)
	require.NoError(t, err)
	t.Cleanup(func() { chain.Close() })
	client, err := chain.Dial(ctx)
	require.NoError(t, err)
	defer client.Close()
	dep, err := trustkernel.Deploy(ctx, client, opts(0), simchain.Address(0))
	require.NoError(t, err)
	addr, _, err := trustkernel.CreateInstance(ctx, client, opts(0), dep, trustkernel.InstanceParams{
		RootAuthority: simchain.Address(1), UpgradeAuthority: simchain.Address(2), EmergencyAuthority: simchain.Address(3),
		GenesisRoot: crypto.Keccak256Hash([]byte("r")),
	})
	require.NoError(t, err)
	chain.Mine(3)
	return chain, dep, addr
}

func TestInspect(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	chain, dep, addr := newInstance(t, ctx)
	a, b := simchain.NewProxy(chain.URL(), simchain.Behaviour{}), simchain.NewProxy(chain.URL(), simchain.Behaviour{})
	defer a.Close()
	defer b.Close()
	urls := []string{a.URL, b.URL, "http://127.0.0.1:1"}
	require.NoError(t, inspect(ctx, io.Discard, urls, 2, addr.Hex(), dep.Implementation.Hex(), 2, false))
	require.ErrorIs(t, inspect(ctx, io.Discard, urls, 2, dep.Registry.Hex(), dep.Implementation.Hex(), 2, false), trustkernel.ErrNotClone)
	require.Error(t, inspect(ctx, io.Discard, urls, 3, addr.Hex(), dep.Implementation.Hex(), 2, false), "the dead endpoint breaks a 3-of-3 quorum")
	require.Error(t, inspect(ctx, io.Discard, urls, 2, "nope", dep.Implementation.Hex(), 2, false))

	// A liar in front of the same chain is out-voted in 2 of 3, and a 3-of-3
	// quorum with a liar fails closed.
	liar := simchain.NewProxy(chain.URL(), simchain.Behaviour{Lie: true})
	defer liar.Close()
	require.NoError(t, inspect(ctx, io.Discard, []string{a.URL, liar.URL, b.URL}, 2, addr.Hex(), dep.Implementation.Hex(), 2, false))
	require.Error(t, inspect(ctx, io.Discard, []string{a.URL, liar.URL, b.URL}, 3, addr.Hex(), dep.Implementation.Hex(), 2, false))
}

// TestHardening14ExampleSingleEndpoint: --rpc follows the quorum rule: one
// endpoint is refused unless --dev says the chain is a development chain.
func TestHardening14ExampleSingleEndpoint(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	chain, dep, addr := newInstance(t, ctx)
	one := []string{chain.URL()}
	require.ErrorIs(t, inspect(ctx, io.Discard, one, 1, addr.Hex(), dep.Implementation.Hex(), 2, false), quorum.ErrSingleEndpoint)
	require.NoError(t, inspect(ctx, io.Discard, one, 1, addr.Hex(), dep.Implementation.Hex(), 2, true))
}

// TestCommandLine: the shared command-line rules (one-line errors on stderr,
// exit 2 for usage errors, -h that starts with the purpose).
func TestCommandLine(t *testing.T) {
	run := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := command().Execute(context.Background(), args, &out, &errb, func(string) string { return "" })
		return code, out.String(), errb.String()
	}
	code, out, errs := run("-h")
	require.Equal(t, 0, code)
	require.True(t, strings.HasPrefix(out+errs, "trustkernel: walk an install's life"), out+errs)
	require.Contains(t, out+errs, "-rpc")

	for _, args := range [][]string{
		{"-dev"},
		{"-controller", "0x01"},
		{"-rpc", "http://127.0.0.1:1", "-quorum", "0"},
		{"-confirmations", "-1"},
		{"stray"},
		{"-network", "edgen"},
		{"status", "-network", "nope"},
		{"pause", "-safe", "0x0000000000000000000000000000000000000001"},
		{"-controller", "0x0000000000000000000000000000000000000001", "propose", "-uri", "u", "-root", "0x01", "-mode", "paranoid"},
		{"deploy", "-key", "0x11"},
		{"review"},
		{"-controller", "0x0000000000000000000000000000000000000001", "propose", "-component", "app"},
		{"-controller", "0x0000000000000000000000000000000000000001", "propose", "-component", "app", "-version", "1", "-uri", "u"},
		{"-controller", "0x0000000000000000000000000000000000000001", "propose", "-root", "0x01"},
		{"-controller", "0x0000000000000000000000000000000000000001", "propose", "-root", "0x01", "-uri", "u", "-mode", "full"},
		{"-controller", "0x0000000000000000000000000000000000000001", "activate", "-mode", "paranoid"},
		{"-controller", "0x0000000000000000000000000000000000000001", "set-policy"},
		{"-controller", "0x0000000000000000000000000000000000000001", "set-registry", "-registry", "0x01", "-unpin"},
		{"-controller", "0x0000000000000000000000000000000000000001", "set-registry"},
		{"-controller", "0x0000000000000000000000000000000000000001", "transfer-root"},
		{"-controller", "0x0000000000000000000000000000000000000001", "set-upgrade-authority", "-to", "nope"},
		{"-controller", "0x0000000000000000000000000000000000000001", "verify", "-root", "0x01", "-manifest", "m.json"},
		{"release"},
		{"release", "publish", "-registry", "0x0000000000000000000000000000000000000001", "-component", "app", "-version", "1", "-uri", "u"},
		{"release", "show", "-registry", "0x0000000000000000000000000000000000000001", "-version", "1"},
		{"safe-sign"},
	} {
		code, _, errs := run(args...)
		require.Equal(t, 2, code, "%v", args)
		require.Equal(t, 1, strings.Count(errs, "\n"), "one line for %v: %q", args, errs)
		require.True(t, strings.HasPrefix(errs, "trustkernel"), "%q", errs)
		require.NotContains(t, errs, "trust.web3", "flags are named as flags")
	}
}
