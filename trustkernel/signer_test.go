package trustkernel_test

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

// deviceSigner stands for a key in a hardware module: it signs digests
// only, answers with the high-s form of each signature and a recovery id
// in {0, 1} (as such devices often do), and can be told to misbehave.
type deviceSigner struct {
	key   *ecdsa.PrivateKey
	other *ecdsa.PrivateKey // signs with this key instead, when set
	short bool              // answers 64 bytes
	fail  error
}

func (d deviceSigner) Address() common.Address { return crypto.PubkeyToAddress(d.key.PublicKey) }

func (d deviceSigner) SignDigest(_ context.Context, digest [32]byte) ([]byte, error) {
	if d.fail != nil {
		return nil, d.fail
	}
	k := d.key
	if d.other != nil {
		k = d.other
	}
	sig, err := crypto.Sign(digest[:], k)
	if err != nil {
		return nil, err
	}
	n := crypto.S256().Params().N
	s := new(big.Int).SetBytes(sig[32:64])
	new(big.Int).Sub(n, s).FillBytes(sig[32:64])
	sig[64] ^= 1
	if d.short {
		return sig[:64], nil
	}
	return sig, nil
}

// TestHardwareSignerSafeAndSetup: Safe owners and the setup reviewer sign
// through a DigestSigner that never exposes its key; the Safe executes the
// transaction on chain, and bad device answers are refused before use.
func TestHardwareSignerSafeAndSetup(t *testing.T) {
	sf := newSafeFixture(t)
	ctx := context.Background()
	tx := sf.safeTx(t, sf.ctl.Pause())
	var sigs []trustkernel.SafeSignature
	for _, i := range []int{5, 7} {
		s, err := tx.SignWith(ctx, deviceSigner{key: simchain.Key(i)})
		require.NoError(t, err)
		require.Equal(t, simchain.Address(i), s.Owner)
		sigs = append(sigs, s)
	}
	_, err := trustkernel.ExecSafeTx(ctx, sf.client, chainOpts(0), tx, sigs)
	require.NoError(t, err)
	snap, err := sf.ctl.Snapshot(ctx, sf.client, nil)
	require.NoError(t, err)
	require.True(t, snap.Paused)

	_, err = tx.SignWith(ctx, deviceSigner{key: simchain.Key(5), other: simchain.Key(4)})
	require.ErrorIs(t, err, trustkernel.ErrBadSignature, "a device that signs with another key")
	_, err = tx.SignWith(ctx, deviceSigner{key: simchain.Key(5), short: true})
	require.ErrorIs(t, err, trustkernel.ErrBadSignature)
	offline := errors.New("device offline")
	_, err = tx.SignWith(ctx, deviceSigner{key: simchain.Key(5), fail: offline})
	require.ErrorIs(t, err, offline)

	reviewer := simchain.Key(6)
	r, err := trustkernel.NewSetupRequest("hardware-reviewed install", simchain.ChainID, &trustkernel.Deployment{
		Registry: common.HexToAddress("0x01"), Implementation: common.HexToAddress("0x02"), Factory: common.HexToAddress("0x03"), Anchor: common.HexToAddress("0x04"),
	}, trustkernel.InstanceParams{
		RootAuthority: simchain.Address(1), UpgradeAuthority: simchain.Address(2), EmergencyAuthority: simchain.Address(3),
		GenesisRoot: crypto.Keccak256Hash([]byte("r")),
	}, time.Unix(2_000_000_000, 0))
	require.NoError(t, err)
	sig, err := r.SignWith(ctx, deviceSigner{key: reviewer})
	require.NoError(t, err)
	require.NoError(t, r.Verify(sig, simchain.Address(6), time.Unix(1_900_000_000, 0)))
	keySig, err := r.Sign(reviewer)
	require.NoError(t, err)
	require.Equal(t, keySig, sig, "the device's high-s answer is normalised to the same signature")
}
