package simchain_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/params"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel/simchain"
)

func TestConfigPinnedToPrague(t *testing.T) {
	c := simchain.Config()
	require.True(t, c.IsPrague(big.NewInt(1), 1))
	require.False(t, c.IsOsaka(big.NewInt(1), 1))
	require.Equal(t, int64(simchain.ChainID), c.ChainID.Int64())
	// The shared default is untouched.
	require.NotNil(t, params.AllDevChainProtocolChanges.OsakaTime)
}

func TestChainOverHTTP(t *testing.T) {
	chain, err := simchain.New(nil)
	require.NoError(t, err)
	defer func() { require.NoError(t, chain.Close()) }()
	require.True(t, strings.HasPrefix(chain.URL(), "http://127.0.0.1:"))
	ctx := context.Background()
	client, err := chain.Dial(ctx)
	require.NoError(t, err)
	defer client.Close()

	id, err := client.ChainID(ctx)
	require.NoError(t, err)
	require.Equal(t, int64(simchain.ChainID), id.Int64())
	bal, err := client.BalanceAt(ctx, simchain.Address(3), nil)
	require.NoError(t, err)
	require.Equal(t, simchain.Balance(), bal)

	// A transfer is sealed as soon as it is sent.
	head, err := client.BlockNumber(ctx)
	require.NoError(t, err)
	nonce, err := client.PendingNonceAt(ctx, simchain.Address(0))
	require.NoError(t, err)
	tip, err := client.SuggestGasTipCap(ctx)
	require.NoError(t, err)
	hdr, err := client.HeaderByNumber(ctx, nil)
	require.NoError(t, err)
	to := simchain.Address(7)
	tx := types.MustSignNewTx(simchain.Key(0), types.LatestSignerForChainID(id), &types.DynamicFeeTx{
		ChainID: id, Nonce: nonce, GasTipCap: tip, GasFeeCap: new(big.Int).Add(tip, new(big.Int).Mul(hdr.BaseFee, big.NewInt(2))),
		Gas: 21000, To: &to, Value: big.NewInt(1),
	})
	require.NoError(t, client.SendTransaction(ctx, tx))
	rcpt, err := client.TransactionReceipt(ctx, tx.Hash())
	require.NoError(t, err)
	require.Equal(t, head+1, rcpt.BlockNumber.Uint64())

	// AdjustTime moves the clock.
	before, err := client.HeaderByNumber(ctx, nil)
	require.NoError(t, err)
	require.NoError(t, chain.AdjustTime(time.Hour))
	after, err := client.HeaderByNumber(ctx, nil)
	require.NoError(t, err)
	require.GreaterOrEqual(t, after.Time, before.Time+3600)

	// Errors keep their code and data over HTTP: a call to an address
	// without code succeeds with empty output; an unknown method fails.
	_, err = client.CodeAt(ctx, common.Address{}, nil)
	require.NoError(t, err)
	require.Error(t, client.Client().CallContext(ctx, new(any), "no_suchMethod"))
}

func TestServeHTTPRejectsBadRequests(t *testing.T) {
	chain, err := simchain.New(nil)
	require.NoError(t, err)
	defer func() { require.NoError(t, chain.Close()) }()
	for _, tc := range []struct {
		method, body string
		wantStatus   int
		wantBody     string
	}{
		{http.MethodGet, "", http.StatusMethodNotAllowed, "POST"},
		{http.MethodPost, "{not json", http.StatusOK, "parse error"},
		{http.MethodPost, `[{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]},{"jsonrpc":"2.0","id":2,"method":"net_version","params":[]}]`, http.StatusOK, `"result":"0x539"`},
	} {
		req, err := http.NewRequest(tc.method, chain.URL(), strings.NewReader(tc.body))
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, tc.wantStatus, resp.StatusCode)
		require.Contains(t, string(body), tc.wantBody)
	}
}

func ExampleNew() {
	chain, err := simchain.New(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer chain.Close()
	client, err := chain.Dial(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	id, err := client.ChainID(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("chain id:", id)
	fmt.Println("account 0:", simchain.Address(0).Hex())
	// Output:
	// chain id: 1337
	// account 0: 0xA13Ac7a76998F4f9B483572F22f8108D085cC8f3
}

// TestCommitAfterClose: a background miner racing the chain's shutdown does
// nothing once the chain is closed (it used to dereference the stopped
// beacon), and closing twice is not an error.
func TestCommitAfterClose(t *testing.T) {
	chain, err := simchain.New(nil)
	require.NoError(t, err)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
				chain.Commit()
			}
		}
	}()
	require.NoError(t, chain.Close())
	require.Equal(t, common.Hash{}, chain.Commit())
	require.Error(t, chain.AdjustTime(time.Second))
	close(stop)
	<-done
	require.NoError(t, chain.Close())
}
