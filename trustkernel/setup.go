package trustkernel

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"strconv"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/math"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"
)

// Errors of setup requests.
var (
	// ErrBadSignature: a signature is malformed or not by the expected signer.
	ErrBadSignature = errors.New("trustkernel: bad signature")
	// ErrSetupExpired: the setup request is past its notAfter time.
	ErrSetupExpired = errors.New("trustkernel: setup request expired")
	// ErrSetupMismatch: the request's controller address is not the one its
	// parameters produce, or a field is invalid.
	ErrSetupMismatch = errors.New("trustkernel: setup request inconsistent")
)

// MaxInstallName is the longest install name in a setup request, in bytes.
const MaxInstallName = 128

// EIP-712 domain of setup requests; the domain's chainId is the request's
// chain and its verifyingContract the factory.
const (
	SetupDomainName    = "accord trustkernel setup"
	SetupDomainVersion = "1"
)

// A SetupRequest is the Trust Kernel's "setup request": everything a separate device
// must review before an install's controller is created, as EIP-712 typed
// data so that a hardware wallet or any EIP-712 signer can display and sign
// it. Controller is the address the parameters produce (see
// [InstanceAddress]); the reviewer recomputes it offline.
//
// JSON form (fields in this order, addresses and hashes as 0x hex):
//
//	{"install": "...", "chainId": 1337, "factory": "0x..", "implementation": "0x..",
//	 "controller": "0x..", "rootAuthority": "0x..", "upgradeAuthority": "0x..",
//	 "emergencyAuthority": "0x..", "genesisRoot": "0x..", "genesisUriHash": "0x..",
//	 "genesisPolicyHash": "0x..", "salt": "0x..", "notAfter": 1767657600}
type SetupRequest struct {
	Install            string         `json:"install"`
	ChainID            uint64         `json:"chainId"`
	Factory            common.Address `json:"factory"`
	Implementation     common.Address `json:"implementation"`
	Controller         common.Address `json:"controller"`
	RootAuthority      common.Address `json:"rootAuthority"`
	UpgradeAuthority   common.Address `json:"upgradeAuthority"`
	EmergencyAuthority common.Address `json:"emergencyAuthority"`
	GenesisRoot        common.Hash    `json:"genesisRoot"`
	GenesisURIHash     common.Hash    `json:"genesisUriHash"`
	GenesisPolicyHash  common.Hash    `json:"genesisPolicyHash"`
	Salt               common.Hash    `json:"salt"`
	// NotAfter is the Unix time after which the request must not be acted on.
	NotAfter uint64 `json:"notAfter"`
}

// NewSetupRequest describes creating the controller for p through d on chain
// chainID, valid until notAfter.
func NewSetupRequest(install string, chainID uint64, d *Deployment, p InstanceParams, notAfter time.Time) (*SetupRequest, error) {
	r := &SetupRequest{
		Install:            install,
		ChainID:            chainID,
		Factory:            d.Factory,
		Implementation:     d.Implementation,
		Controller:         InstanceAddress(d.Factory, d.Implementation, p),
		RootAuthority:      p.RootAuthority,
		UpgradeAuthority:   p.UpgradeAuthority,
		EmergencyAuthority: p.EmergencyAuthority,
		GenesisRoot:        p.GenesisRoot,
		GenesisURIHash:     p.GenesisURIHash,
		GenesisPolicyHash:  p.GenesisPolicyHash,
		Salt:               p.Salt,
		NotAfter:           uint64(max(notAfter.Unix(), 0)),
	}
	if err := r.Check(); err != nil {
		return nil, err
	}
	return r, nil
}

// Params returns the instance parameters the request describes.
func (r *SetupRequest) Params() InstanceParams {
	return InstanceParams{
		RootAuthority:      r.RootAuthority,
		UpgradeAuthority:   r.UpgradeAuthority,
		EmergencyAuthority: r.EmergencyAuthority,
		GenesisRoot:        r.GenesisRoot,
		GenesisURIHash:     r.GenesisURIHash,
		GenesisPolicyHash:  r.GenesisPolicyHash,
		Salt:               r.Salt,
	}
}

// Check verifies, offline, that the request is well formed and that its
// controller address is the one its factory, implementation and parameters
// produce.
func (r *SetupRequest) Check() error {
	if len(r.Install) == 0 || len(r.Install) > MaxInstallName {
		return errorf("setup install name of %d bytes, want 1 to %d: %w", len(r.Install), MaxInstallName, ErrSetupMismatch)
	}
	if r.ChainID == 0 {
		return errorf("setup chain id 0: %w", ErrSetupMismatch)
	}
	if r.Factory == (common.Address{}) || r.Implementation == (common.Address{}) {
		return errorf("setup factory or implementation is zero: %w", ErrSetupMismatch)
	}
	if err := r.Params().check(); err != nil {
		return errorf("%w: %w", ErrSetupMismatch, err)
	}
	if want := InstanceAddress(r.Factory, r.Implementation, r.Params()); r.Controller != want {
		return errorf("setup controller %s, parameters give %s: %w", r.Controller.Hex(), want.Hex(), ErrSetupMismatch)
	}
	return nil
}

var setupTypes = apitypes.Types{
	"EIP712Domain": {
		{Name: "name", Type: "string"},
		{Name: "version", Type: "string"},
		{Name: "chainId", Type: "uint256"},
		{Name: "verifyingContract", Type: "address"},
	},
	"SetupRequest": {
		{Name: "install", Type: "string"},
		{Name: "factory", Type: "address"},
		{Name: "implementation", Type: "address"},
		{Name: "controller", Type: "address"},
		{Name: "rootAuthority", Type: "address"},
		{Name: "upgradeAuthority", Type: "address"},
		{Name: "emergencyAuthority", Type: "address"},
		{Name: "genesisRoot", Type: "bytes32"},
		{Name: "genesisUriHash", Type: "bytes32"},
		{Name: "genesisPolicyHash", Type: "bytes32"},
		{Name: "salt", Type: "bytes32"},
		{Name: "notAfter", Type: "uint64"},
	},
}

// TypedData returns the request as EIP-712 typed data (the JSON an
// eth_signTypedData_v4 signer takes).
func (r *SetupRequest) TypedData() apitypes.TypedData {
	return apitypes.TypedData{
		Types:       setupTypes,
		PrimaryType: "SetupRequest",
		Domain: apitypes.TypedDataDomain{
			Name:              SetupDomainName,
			Version:           SetupDomainVersion,
			ChainId:           (*math.HexOrDecimal256)(new(big.Int).SetUint64(r.ChainID)),
			VerifyingContract: r.Factory.Hex(),
		},
		Message: apitypes.TypedDataMessage{
			"install":            r.Install,
			"factory":            r.Factory.Hex(),
			"implementation":     r.Implementation.Hex(),
			"controller":         r.Controller.Hex(),
			"rootAuthority":      r.RootAuthority.Hex(),
			"upgradeAuthority":   r.UpgradeAuthority.Hex(),
			"emergencyAuthority": r.EmergencyAuthority.Hex(),
			"genesisRoot":        r.GenesisRoot.Hex(),
			"genesisUriHash":     r.GenesisURIHash.Hex(),
			"genesisPolicyHash":  r.GenesisPolicyHash.Hex(),
			"salt":               r.Salt.Hex(),
			"notAfter":           strconv.FormatUint(r.NotAfter, 10),
		},
	}
}

// Hash returns the EIP-712 digest that is signed.
func (r *SetupRequest) Hash() (common.Hash, error) {
	h, _, err := apitypes.TypedDataAndHash(r.TypedData())
	if err != nil {
		return common.Hash{}, errorf("setup request hash: %w", err)
	}
	return common.BytesToHash(h), nil
}

// Sign checks the request and signs its EIP-712 digest with an in-memory
// key, returning the 65-byte signature r || s || v with v in {27, 28}.
func (r *SetupRequest) Sign(key *ecdsa.PrivateKey) ([]byte, error) {
	return r.SignWith(context.Background(), KeySigner(key))
}

// SignWith is [SetupRequest.Sign] through any [DigestSigner], such as a
// hardware-held key. The signature is normalised (low s, v in {27, 28}) and
// checked to recover to the signer's address.
func (r *SetupRequest) SignWith(ctx context.Context, s DigestSigner) ([]byte, error) {
	if err := r.Check(); err != nil {
		return nil, err
	}
	h, err := r.Hash()
	if err != nil {
		return nil, err
	}
	return signWith(ctx, s, h)
}

// Verify checks the request (as [SetupRequest.Check]), that now is not past
// NotAfter, and that sig is signer's signature over the EIP-712 digest.
func (r *SetupRequest) Verify(sig []byte, signer common.Address, now time.Time) error {
	if err := r.Check(); err != nil {
		return err
	}
	if now.Unix() > int64(min(r.NotAfter, uint64(1<<63-1))) {
		return errorf("setup request valid until %d, now %d: %w", r.NotAfter, now.Unix(), ErrSetupExpired)
	}
	h, err := r.Hash()
	if err != nil {
		return err
	}
	got, err := recoverDigest(h, sig)
	if err != nil {
		return err
	}
	if got != signer {
		return errorf("setup request signed by %s, want %s: %w", got.Hex(), signer.Hex(), ErrBadSignature)
	}
	return nil
}

// ParseSetupRequest decodes the JSON form of a setup request strictly
// (unknown fields and trailing data are errors) and checks it.
func ParseSetupRequest(data []byte) (*SetupRequest, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var r SetupRequest
	if err := dec.Decode(&r); err != nil {
		return nil, errorf("setup request: %w: %w", ErrSetupMismatch, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errorf("setup request: trailing data after the object: %w", ErrSetupMismatch)
	}
	if err := r.Check(); err != nil {
		return nil, err
	}
	return &r, nil
}

// recoverDigest recovers the signer of a 65-byte r || s || v signature (v in
// {27, 28}) over a digest, rejecting malleable (high s) signatures.
func recoverDigest(h common.Hash, sig []byte) (common.Address, error) {
	if len(sig) != crypto.SignatureLength {
		return common.Address{}, errorf("signature of %d bytes, want %d: %w", len(sig), crypto.SignatureLength, ErrBadSignature)
	}
	v := sig[64]
	if v != 27 && v != 28 {
		return common.Address{}, errorf("signature v %d, want 27 or 28: %w", v, ErrBadSignature)
	}
	rr, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:64])
	if !crypto.ValidateSignatureValues(v-27, rr, s, true) {
		return common.Address{}, errorf("signature values out of range: %w", ErrBadSignature)
	}
	norm := append([]byte(nil), sig...)
	norm[64] = v - 27
	pub, err := crypto.SigToPub(h[:], norm)
	if err != nil {
		return common.Address{}, errorf("recover signer: %w: %w", ErrBadSignature, err)
	}
	return crypto.PubkeyToAddress(*pub), nil
}
