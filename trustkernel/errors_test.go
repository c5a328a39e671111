package trustkernel

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel/quorum"
)

// TestErrorsCarryPrefixOnce: errors of this package that wrap others of
// this package say "trustkernel: " once, and still match their sentinels.
func TestErrorsCarryPrefixOnce(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, err := quorum.New([]string{"http://127.0.0.1:1", "http://127.0.0.1:2"}, 2)
	require.NoError(t, err)
	defer r.Close()
	_, snapErr := QuorumSnapshot(ctx, r, common.HexToAddress("0x00000000000000000000000000000000000000aa"))
	_, configErr := ParseConfig([]byte(`{"trust":{"web3":{"chain_id":1,"chain_id":2}}}`))
	_, singleErr := ParseConfig([]byte(`{"trust":{"web3":{"chain_id":1,"rpc_endpoints":["https://a.example"],"rpc_quorum":1}}}`))
	_, anchorErr := AnchorCall(common.Address{}, [32]byte{}, "x")
	for _, tc := range []struct {
		err  error
		want error
	}{
		{snapErr, quorum.ErrNoQuorum},
		{configErr, ErrConfig},
		{singleErr, quorum.ErrSingleEndpoint},
		{anchorErr, ErrZeroRoot},
	} {
		require.Error(t, tc.err)
		assert.ErrorIs(t, tc.err, tc.want)
		assert.True(t, strings.HasPrefix(tc.err.Error(), "trustkernel: "), tc.err.Error())
		assert.Equal(t, 1, strings.Count(tc.err.Error(), "trustkernel: "), tc.err.Error())
	}
}
