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
	"github.com/accordsdk/accord/trustkernel/runtime"
)

// TestErrorsCarryPrefixOnce: errors of this package that wrap others of
// this package or of trustkernel/quorum say "trustkernel: " once and no
// other prefix of the trustkernel packages, and still match their
// sentinels; a runtime decision wrapping them says "trustkernel/runtime: "
// once.
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
	_, installErr := (&Config{Mode: ModeFull}).InstallCheck("/srv/app", "", nil)
	for _, tc := range []struct {
		err  error
		want error
	}{
		{snapErr, quorum.ErrNoQuorum},
		{configErr, ErrConfig},
		{singleErr, quorum.ErrSingleEndpoint},
		{anchorErr, ErrZeroRoot},
		{installErr, nil},
	} {
		require.Error(t, tc.err)
		if tc.want != nil {
			assert.ErrorIs(t, tc.err, tc.want)
		}
		assert.True(t, strings.HasPrefix(tc.err.Error(), "trustkernel: "), tc.err.Error())
		assert.Equal(t, 1, strings.Count(tc.err.Error(), "trustkernel"), tc.err.Error())
	}

	// The runtime, reading through the same dead reader.
	rt, err := runtime.New(&ControllerState{Reader: r, Controller: common.HexToAddress("0xaa")}, runtime.NewPolicy(0))
	require.NoError(t, err)
	require.ErrorIs(t, rt.Refresh(ctx), quorum.ErrNoQuorum)
	d := rt.Decision()
	require.ErrorIs(t, d.Reads, runtime.ErrNoTrustedState)
	require.ErrorIs(t, d.Reads, quorum.ErrNoQuorum)
	assert.True(t, strings.HasPrefix(d.Reads.Error(), "trustkernel/runtime: no quorum-agreed state yet: snapshot of 0x"), d.Reads.Error())
	assert.Equal(t, 1, strings.Count(d.Reads.Error(), "trustkernel"), d.Reads.Error())
}
