package trustkernel_test

import (
	"context"
	"encoding/json"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

var setupNow = time.Date(2026, 1, 6, 0, 0, 0, 0, time.UTC)

func testSetupRequest(t *testing.T, d *trustkernel.Deployment) *trustkernel.SetupRequest {
	t.Helper()
	p := trustkernel.InstanceParams{
		RootAuthority:      simchain.Address(1),
		UpgradeAuthority:   simchain.Address(2),
		EmergencyAuthority: simchain.Address(3),
		GenesisRoot:        h32("genesis root"),
		GenesisURIHash:     h32("ipfs://genesis"),
		GenesisPolicyHash:  h32("policy v1"),
		Salt:               h32("shop-eu-1"),
	}
	r, err := trustkernel.NewSetupRequest("shop-eu-1 production", simchain.ChainID, d, p, setupNow.Add(24*time.Hour))
	require.NoError(t, err)
	return r
}

// fixedDeployment is a deployment at made-up addresses, for offline tests.
var fixedDeployment = &trustkernel.Deployment{
	Factory:        common.HexToAddress("0x00000000000000000000000000000000000fac70"),
	Implementation: common.HexToAddress("0x000000000000000000000000000000000000c0de"),
}

// manualSetupDigest computes the EIP-712 digest of a setup request by hand,
// independently of go-ethereum's typed-data encoder.
func manualSetupDigest(r *trustkernel.SetupRequest) common.Hash {
	word := func(b []byte) []byte { return common.LeftPadBytes(b, 32) }
	domainType := crypto.Keccak256([]byte("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"))
	domain := crypto.Keccak256(domainType, crypto.Keccak256([]byte(trustkernel.SetupDomainName)),
		crypto.Keccak256([]byte(trustkernel.SetupDomainVersion)), word(new(big.Int).SetUint64(r.ChainID).Bytes()), word(r.Factory[:]))
	typ := crypto.Keccak256([]byte("SetupRequest(string install,address factory,address implementation,address controller," +
		"address rootAuthority,address upgradeAuthority,address emergencyAuthority,bytes32 genesisRoot,bytes32 genesisUriHash," +
		"bytes32 genesisPolicyHash,bytes32 salt,uint64 notAfter)"))
	st := crypto.Keccak256(typ, crypto.Keccak256([]byte(r.Install)), word(r.Factory[:]), word(r.Implementation[:]), word(r.Controller[:]),
		word(r.RootAuthority[:]), word(r.UpgradeAuthority[:]), word(r.EmergencyAuthority[:]), r.GenesisRoot[:], r.GenesisURIHash[:],
		r.GenesisPolicyHash[:], r.Salt[:], word(new(big.Int).SetUint64(r.NotAfter).Bytes()))
	return crypto.Keccak256Hash([]byte{0x19, 0x01}, domain, st)
}

func TestSetupRequestDigest(t *testing.T) {
	r := testSetupRequest(t, fixedDeployment)
	got, err := r.Hash()
	require.NoError(t, err)
	require.Equal(t, manualSetupDigest(r), got)
}

func TestSetupRequestSignVerify(t *testing.T) {
	reviewer := simchain.Key(6)
	signer := crypto.PubkeyToAddress(reviewer.PublicKey)
	r := testSetupRequest(t, fixedDeployment)
	sig, err := r.Sign(reviewer)
	require.NoError(t, err)
	require.NoError(t, r.Verify(sig, signer, setupNow))

	highS := func() []byte {
		// s' = n - s with v flipped is the same signature in its malleable form.
		n := crypto.S256().Params().N
		s := new(big.Int).SetBytes(sig[32:64])
		out := append([]byte(nil), sig...)
		copy(out[32:64], common.LeftPadBytes(new(big.Int).Sub(n, s).Bytes(), 32))
		out[64] ^= 1
		return out
	}
	tampered := func(mut func(*trustkernel.SetupRequest)) *trustkernel.SetupRequest {
		c := *r
		mut(&c)
		return &c
	}
	tests := []struct {
		name    string
		req     *trustkernel.SetupRequest
		sig     []byte
		signer  common.Address
		now     time.Time
		wantErr error
	}{
		{"valid", r, sig, signer, setupNow, nil},
		{"valid at notAfter", r, sig, signer, time.Unix(int64(r.NotAfter), 0), nil},
		{"expired", r, sig, signer, time.Unix(int64(r.NotAfter)+1, 0), trustkernel.ErrSetupExpired},
		{"another signer", r, sig, simchain.Address(5), setupNow, trustkernel.ErrBadSignature},
		{"truncated signature", r, sig[:64], signer, setupNow, trustkernel.ErrBadSignature},
		{"v of 0", r, append(append([]byte(nil), sig[:64]...), sig[64]-27), signer, setupNow, trustkernel.ErrBadSignature},
		{"high s", r, highS(), signer, setupNow, trustkernel.ErrBadSignature},
		{"authority swapped without the controller", tampered(func(c *trustkernel.SetupRequest) {
			c.EmergencyAuthority = simchain.Address(7)
		}), sig, signer, setupNow, trustkernel.ErrSetupMismatch},
		{"authority and controller swapped together", tampered(func(c *trustkernel.SetupRequest) {
			c.EmergencyAuthority = simchain.Address(7)
			c.Controller = trustkernel.InstanceAddress(c.Factory, c.Implementation, c.Params())
		}), sig, signer, setupNow, trustkernel.ErrBadSignature},
		{"another chain", tampered(func(c *trustkernel.SetupRequest) { c.ChainID = 1 }), sig, signer, setupNow, trustkernel.ErrBadSignature},
		{"later deadline", tampered(func(c *trustkernel.SetupRequest) { c.NotAfter++ }), sig, signer, setupNow, trustkernel.ErrBadSignature},
		{"renamed install", tampered(func(c *trustkernel.SetupRequest) { c.Install = "shop-eu-2 production" }), sig, signer, setupNow, trustkernel.ErrBadSignature},
		{"empty install name", tampered(func(c *trustkernel.SetupRequest) { c.Install = "" }), sig, signer, setupNow, trustkernel.ErrSetupMismatch},
		{"zero chain", tampered(func(c *trustkernel.SetupRequest) { c.ChainID = 0 }), sig, signer, setupNow, trustkernel.ErrSetupMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.req.Verify(tt.sig, tt.signer, tt.now)
			if tt.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
		})
	}
}

func TestSetupRequestJSON(t *testing.T) {
	r := testSetupRequest(t, fixedDeployment)
	data, err := json.Marshal(r)
	require.NoError(t, err)
	back, err := trustkernel.ParseSetupRequest(data)
	require.NoError(t, err)
	require.Equal(t, r, back)

	for name, bad := range map[string]string{
		"unknown field":    `{"install":"x","extra":1}`,
		"trailing data":    string(data) + `{}`,
		"not an object":    `[1]`,
		"bad address":      `{"factory":"0xzz"}`,
		"wrong controller": string(mustReplace(t, data, r.Controller.Hex(), simchain.Address(1).Hex())),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := trustkernel.ParseSetupRequest([]byte(bad))
			require.ErrorIs(t, err, trustkernel.ErrSetupMismatch)
		})
	}
}

func mustReplace(t *testing.T, data []byte, old, repl string) []byte {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	for k, v := range m {
		if s, ok := v.(string); ok && common.HexToAddress(s) == common.HexToAddress(old) && len(s) == 42 {
			m[k] = repl
		}
	}
	out, err := json.Marshal(m)
	require.NoError(t, err)
	return out
}

// TestSetupRequestMatchesChain creates the controller a signed request
// describes and checks it lands at the reviewed address.
func TestSetupRequestMatchesChain(t *testing.T) {
	f := newChainFixture(t)
	r := testSetupRequest(t, f.dep)
	reviewer := simchain.Key(6)
	sig, err := r.Sign(reviewer)
	require.NoError(t, err)
	require.NoError(t, r.Verify(sig, crypto.PubkeyToAddress(reviewer.PublicKey), setupNow))
	addr, _, err := trustkernel.CreateInstance(context.Background(), f.client, chainOpts(0), f.dep, r.Params())
	require.NoError(t, err)
	require.Equal(t, r.Controller, addr)
}

func FuzzParseSetupRequest(f *testing.F) {
	r, err := trustkernel.NewSetupRequest("fuzz", 1, fixedDeployment, trustkernel.InstanceParams{
		RootAuthority: simchain.Address(1), UpgradeAuthority: simchain.Address(2), EmergencyAuthority: simchain.Address(3),
	}, setupNow)
	if err != nil {
		f.Fatal(err)
	}
	seed, err := json.Marshal(r)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"install":"x","chainId":18446744073709551615}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := trustkernel.ParseSetupRequest(data)
		if err != nil {
			require.ErrorIs(t, err, trustkernel.ErrSetupMismatch)
			return
		}
		again, err := json.Marshal(r)
		require.NoError(t, err)
		back, err := trustkernel.ParseSetupRequest(again)
		require.NoError(t, err)
		require.Equal(t, r, back)
		_, err = r.Hash()
		require.NoError(t, err)
	})
}
