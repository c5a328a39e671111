package trustkernel_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

// The -update flag may be declared by another test file of the package;
// declare it here only if it is not.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the vectors in testdata from the package's own code")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

const safeTxDir = "testdata/safe-tx"

// safeTxVectors writes the Safe transaction file vectors: a pause of a fixed
// controller through a fixed Safe, signed by simchain accounts 5 and 6
// (ECDSA signatures here are deterministic, RFC 6979), unsigned, and the
// refusals derived from the signed file.
func safeTxVectors(t *testing.T) map[string][]byte {
	t.Helper()
	safe := common.HexToAddress("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
	ctl := trustkernel.NewController(common.HexToAddress("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"))
	unsigned, err := trustkernel.NewSafeTxFile(trustkernel.NewSafeTx(safe, simchain.ChainID, ctl.Pause(), 7), "pause")
	require.NoError(t, err)
	signed, err := trustkernel.NewSafeTxFile(unsigned.Tx, "pause")
	require.NoError(t, err)
	for _, i := range []int{6, 5} {
		s, err := signed.Tx.Sign(simchain.Key(i))
		require.NoError(t, err)
		require.NoError(t, signed.AddSignature(s))
	}
	out := map[string][]byte{}
	enc := func(f *trustkernel.SafeTxFile) []byte {
		b, err := json.Marshal(f)
		require.NoError(t, err)
		var pretty bytes.Buffer
		require.NoError(t, json.Indent(&pretty, b, "", "  "))
		return append(pretty.Bytes(), '\n')
	}
	out["good-signed.json"] = enc(signed)
	out["good-unsigned.json"] = enc(unsigned)
	good := string(out["good-signed.json"])
	s5, s6 := signed.Signatures[0], signed.Signatures[1]
	if s5.Owner != simchain.Address(5) {
		s5, s6 = s6, s5
	}
	replace := func(old, new string) []byte {
		require.Contains(t, good, old)
		return []byte(strings.Replace(good, old, new, 1))
	}
	out["bad-hash.json"] = replace(`"nonce": 7`, `"nonce": 8`)
	out["bad-signer.json"] = replace(s5.Owner.Hex(), simchain.Address(7).Hex())
	out["bad-duplicate-owner.json"] = replace(s6.Owner.Hex(), s5.Owner.Hex())
	out["bad-operation.json"] = replace(`"operation": 0`, `"operation": 1`)
	out["bad-unknown-member.json"] = replace(`"method": "pause"`, `"method": "pause", "safeTxGas": "0"`)
	out["bad-value.json"] = replace(`"value": "0"`, `"value": "00"`)
	out["bad-high-s.json"] = []byte(strings.Replace(good, "0x"+hex.EncodeToString(s5.Signature), "0x"+hex.EncodeToString(highS(s5.Signature)), 1))
	out["bad-data-case.json"] = replace(`"data": "0x8456cb59"`, `"data": "0x8456CB59"`)
	return out
}

// highS returns the same signature with s replaced by n - s and v flipped:
// valid ECDSA, but malleable, so refused.
func highS(sig []byte) []byte {
	n := crypto.S256().Params().N
	out := bytes.Clone(sig)
	s := new(big.Int).SetBytes(sig[32:64])
	new(big.Int).Sub(n, s).FillBytes(out[32:64])
	out[64] = 27 + 28 - out[64]
	return out
}

// TestSafeTxFileVectors checks the stored files: the good ones parse, their
// safeTxHash is recomputed here from the Safe contract's type hashes with
// plain Keccak-256 (not the package's EIP-712 code) and every signature
// recovers to its owner; every bad one is refused with ErrBadSafeTxFile.
func TestSafeTxFileVectors(t *testing.T) {
	if updating() {
		require.NoError(t, os.MkdirAll(safeTxDir, 0o755))
		for name, data := range safeTxVectors(t) {
			require.NoError(t, os.WriteFile(filepath.Join(safeTxDir, name), data, 0o644))
		}
	}
	files, err := filepath.Glob(filepath.Join(safeTxDir, "*.json"))
	require.NoError(t, err)
	require.Len(t, files, 10)
	for _, path := range files {
		name := filepath.Base(path)
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		t.Run(name, func(t *testing.T) {
			f, err := trustkernel.ParseSafeTxFile(data)
			if strings.HasPrefix(name, "bad-") {
				require.ErrorIs(t, err, trustkernel.ErrBadSafeTxFile)
				assert.Equal(t, 1, strings.Count(err.Error(), "trustkernel: "), err.Error())
				return
			}
			require.NoError(t, err)
			checkSafeTxFileByHand(t, data)
			again, err := json.Marshal(f)
			require.NoError(t, err)
			back, err := trustkernel.ParseSafeTxFile(again)
			require.NoError(t, err)
			assert.Equal(t, f, back)
		})
	}
	// The signed file is what the package writes today.
	want := safeTxVectors(t)
	for name, data := range want {
		stored, err := os.ReadFile(filepath.Join(safeTxDir, name))
		require.NoError(t, err)
		assert.Equal(t, string(data), string(stored), "%s is stale: run with -update", name)
	}
}

// checkSafeTxFileByHand recomputes the Safe's transaction hash:
//
//	domain = keccak256(DOMAIN_SEPARATOR_TYPEHASH || chainId || safe)
//	struct = keccak256(SAFE_TX_TYPEHASH || to || value || keccak256(data) ||
//	                   operation || 0 || 0 || 0 || 0 || 0 || nonce)
//	hash   = keccak256(0x19 0x01 || domain || struct)
//
// and recovers every signature.
func checkSafeTxFileByHand(t *testing.T, data []byte) {
	t.Helper()
	var j struct {
		Safe, To, Value, Data, Method, SafeTxHash string
		ChainID                                   uint64
		Operation                                 uint8
		Nonce                                     uint64
		Signatures                                []struct{ Owner, Signature string }
	}
	require.NoError(t, json.Unmarshal(data, &j))
	domainType := crypto.Keccak256([]byte("EIP712Domain(uint256 chainId,address verifyingContract)"))
	txType := crypto.Keccak256([]byte("SafeTx(address to,uint256 value,bytes data,uint8 operation,uint256 safeTxGas,uint256 baseGas,uint256 gasPrice,address gasToken,address refundReceiver,uint256 nonce)"))
	// The constants in the Safe contracts (Safe.sol).
	require.Equal(t, "47e79534a245952e8b16893a336b85a3d9ea9fa8c573f3d803afb92a79469218", hex.EncodeToString(domainType))
	require.Equal(t, "bb8310d486368db6bd6f849402fdd73ad53d316b5a4b2644ad6efe0f941286d8", hex.EncodeToString(txType))
	word := func(v *big.Int) []byte { return common.LeftPadBytes(v.Bytes(), 32) }
	addr := func(s string) []byte { return common.LeftPadBytes(common.FromHex(s), 32) }
	value, ok := new(big.Int).SetString(j.Value, 10)
	require.True(t, ok)
	zero := make([]byte, 32)
	domain := crypto.Keccak256(domainType, word(new(big.Int).SetUint64(j.ChainID)), addr(j.Safe))
	st := crypto.Keccak256(txType, addr(j.To), word(value), crypto.Keccak256(common.FromHex(j.Data)),
		word(big.NewInt(int64(j.Operation))), zero, zero, zero, zero, zero, word(new(big.Int).SetUint64(j.Nonce)))
	h := crypto.Keccak256([]byte{0x19, 0x01}, domain, st)
	require.Equal(t, j.SafeTxHash, "0x"+hex.EncodeToString(h))
	for _, s := range j.Signatures {
		sig := common.FromHex(s.Signature)
		require.Len(t, sig, 65)
		sig[64] -= 27
		pub, err := crypto.Ecrecover(h, sig)
		require.NoError(t, err)
		got := common.BytesToAddress(crypto.Keccak256(pub[1:])[12:])
		require.Equal(t, common.HexToAddress(s.Owner), got)
	}
}

func TestSafeTxFileSignatures(t *testing.T) {
	safe := common.HexToAddress("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
	ctl := trustkernel.NewController(common.HexToAddress("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"))
	f, err := trustkernel.NewSafeTxFile(trustkernel.NewSafeTx(safe, simchain.ChainID, ctl.Unpause(), 0), "unpause")
	require.NoError(t, err)
	s, err := f.Tx.Sign(simchain.Key(5))
	require.NoError(t, err)
	require.NoError(t, f.AddSignature(s))
	require.ErrorIs(t, f.AddSignature(s), trustkernel.ErrSafeSignatures, "an owner signs once")
	forged := trustkernel.SafeSignature{Owner: simchain.Address(6), Signature: s.Signature}
	require.ErrorIs(t, f.AddSignature(forged), trustkernel.ErrBadSignature)
	require.Len(t, f.Signatures, 1)

	_, err = trustkernel.NewSafeTxFile(f.Tx, "pause; rm -rf /")
	require.ErrorIs(t, err, trustkernel.ErrBadSafeTxFile)
	_, err = trustkernel.ParseSafeTxFile(bytes.Repeat([]byte(" "), 2<<20))
	require.ErrorIs(t, err, trustkernel.ErrBadSafeTxFile)
}

func FuzzParseSafeTxFile(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(safeTxDir, "*.json"))
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sf, err := trustkernel.ParseSafeTxFile(data)
		if err != nil {
			if !errors.Is(err, trustkernel.ErrBadSafeTxFile) {
				t.Fatalf("undeclared error: %v", err)
			}
			return
		}
		enc, err := json.Marshal(sf)
		if err != nil {
			t.Fatal(err)
		}
		again, err := trustkernel.ParseSafeTxFile(enc)
		if err != nil {
			t.Fatalf("re-encoded file refused: %v\n%s", err, enc)
		}
		enc2, err := json.Marshal(again)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(enc, enc2) {
			t.Fatalf("encoding not stable:\n%s\n%s", enc, enc2)
		}
	})
}
