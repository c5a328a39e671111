package trustkernel

import (
	"context"
	"crypto/ecdsa"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// DigestSigner signs 32-byte digests with a secp256k1 key it may hold
// anywhere: in memory ([KeySigner]), or in a hardware security module or a
// cloud key service that never lets the key out. Setup requests
// ([SetupRequest.SignWith]) and Safe transactions ([SafeTx.SignWith]) are
// signed through it.
type DigestSigner interface {
	// Address is the Ethereum address of the signer's public key.
	Address() common.Address
	// SignDigest returns the 65-byte signature r || s || v of digest, with
	// the recovery id v in {0, 1} or {27, 28}. s may be in either half of
	// the curve order: the caller normalises it to the lower half.
	SignDigest(ctx context.Context, digest [32]byte) ([]byte, error)
}

// KeySigner returns a [DigestSigner] over an in-memory private key.
func KeySigner(key *ecdsa.PrivateKey) DigestSigner { return keySigner{key} }

type keySigner struct{ key *ecdsa.PrivateKey }

func (k keySigner) Address() common.Address { return crypto.PubkeyToAddress(k.key.PublicKey) }

func (k keySigner) SignDigest(_ context.Context, digest [32]byte) ([]byte, error) {
	return crypto.Sign(digest[:], k.key)
}

// secp256k1N is the order of the secp256k1 group.
var secp256k1N = crypto.S256().Params().N

// signWith signs h through s and returns r || s || v with s in the lower
// half of the order and v in {27, 28}, after checking that the signature
// recovers to s.Address() (so a device that signed with another key, or
// returned garbage, is caught here rather than by a verifier later).
func signWith(ctx context.Context, s DigestSigner, h common.Hash) ([]byte, error) {
	raw, err := s.SignDigest(ctx, h)
	if err != nil {
		return nil, errorf("sign: %w", err)
	}
	if len(raw) != crypto.SignatureLength {
		return nil, errorf("signer returned %d bytes, want %d: %w", len(raw), crypto.SignatureLength, ErrBadSignature)
	}
	sig := append([]byte(nil), raw...)
	v := sig[64]
	if v >= 27 {
		v -= 27
	}
	if v > 1 {
		return nil, errorf("signer returned recovery id %d, want 0, 1, 27 or 28: %w", raw[64], ErrBadSignature)
	}
	sv := new(big.Int).SetBytes(sig[32:64])
	if sv.Cmp(new(big.Int).Rsh(secp256k1N, 1)) > 0 {
		// (r, N-s) with the other recovery id is the same signature.
		new(big.Int).Sub(secp256k1N, sv).FillBytes(sig[32:64])
		v ^= 1
	}
	sig[64] = v + 27
	got, err := recoverDigest(h, sig)
	if err != nil {
		return nil, err
	}
	if want := s.Address(); got != want {
		return nil, errorf("signer %s returned a signature by %s: %w", want.Hex(), got.Hex(), ErrBadSignature)
	}
	return sig, nil
}
