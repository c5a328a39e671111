package trustkernel

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strings"

	"github.com/accordsdk/accord/internal/strictjson"
)

// ErrBadSafeTxFile means a Safe transaction file does not decode, or its
// safeTxHash or a signature does not match its transaction.
var ErrBadSafeTxFile = errors.New("trustkernel: bad safe transaction file")

// Limits of a Safe transaction file.
const (
	maxSafeTxFileBytes  = 1 << 20
	maxSafeTxSignatures = 64
	maxSafeTxMethod     = 64
)

// A SafeTxFile is a Safe transaction written down for the Safe's owners:
// each owner checks it and adds a signature, and anyone then executes it
// with [ExecSafeTx] once the Safe's threshold is met. Method names the
// trustkernel function the transaction calls, for the reviewer; the call
// data is what counts.
//
// JSON form (members in this order; addresses and hashes 0x hex, data and
// signatures lower-case 0x hex; value a decimal string):
//
//	{"safe": "0x..", "chainId": 1337, "to": "0x..", "value": "0",
//	 "data": "0x8456cb59", "operation": 0, "nonce": 0, "method": "pause",
//	 "safeTxHash": "0x..",
//	 "signatures": [{"owner": "0x..", "signature": "0x.. (65 bytes)"}]}
//
// safeTxHash is the transaction's EIP-712 digest ([SafeTx.Hash]) with
// safeTxGas, baseGas, gasPrice, gasToken and refundReceiver zero; a reader
// recomputes it and refuses a file where it differs. Each signature is
// r || s || v (v 27 or 28, s in the lower half of the order) over that
// digest and must recover to its owner; an owner signs at most once. The
// file says nothing about who the owners are: [ExecSafeTx] checks them
// against the Safe.
type SafeTxFile struct {
	Tx         *SafeTx
	Method     string
	Signatures []SafeSignature
}

// NewSafeTxFile starts a file for t with no signatures.
func NewSafeTxFile(t *SafeTx, method string) (*SafeTxFile, error) {
	f := &SafeTxFile{Tx: t, Method: method}
	if err := f.check(); err != nil {
		return nil, err
	}
	return f, nil
}

// AddSignature adds an owner's signature after checking it against the
// transaction's digest; a second signature by the same owner is refused.
func (f *SafeTxFile) AddSignature(s SafeSignature) error {
	for _, have := range f.Signatures {
		if have.Owner == s.Owner {
			return errorf("%s has already signed: %w", s.Owner.Hex(), ErrSafeSignatures)
		}
	}
	next := append(slices.Clone(f.Signatures), s)
	if _, err := f.Tx.EncodeSignatures(next); err != nil {
		return err
	}
	f.Signatures = next
	return nil
}

var safeMethodRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (f *SafeTxFile) check() error {
	t := f.Tx
	if t == nil {
		return fmt.Errorf("%w: no transaction", ErrBadSafeTxFile)
	}
	if t.ChainID == 0 {
		return fmt.Errorf("%w: chain id 0", ErrBadSafeTxFile)
	}
	if t.Operation != 0 {
		return fmt.Errorf("%w: operation %d, want 0 (call)", ErrBadSafeTxFile, t.Operation)
	}
	if t.Value != nil && (t.Value.Sign() < 0 || t.Value.BitLen() > 256) {
		return fmt.Errorf("%w: value out of range", ErrBadSafeTxFile)
	}
	if len(f.Method) > maxSafeTxMethod || !safeMethodRE.MatchString(f.Method) {
		return fmt.Errorf("%w: method %q, want an identifier of at most %d bytes", ErrBadSafeTxFile, f.Method, maxSafeTxMethod)
	}
	if len(f.Signatures) > maxSafeTxSignatures {
		return fmt.Errorf("%w: %d signatures, want at most %d", ErrBadSafeTxFile, len(f.Signatures), maxSafeTxSignatures)
	}
	if _, err := t.EncodeSignatures(f.Signatures); err != nil {
		return errorf("%w: %w", ErrBadSafeTxFile, err)
	}
	return nil
}

type safeTxFileJSON struct {
	Safe       string              `json:"safe" strictjson:"required"`
	ChainID    uint64              `json:"chainId" strictjson:"required"`
	To         string              `json:"to" strictjson:"required"`
	Value      string              `json:"value" strictjson:"required"`
	Data       string              `json:"data" strictjson:"required"`
	Operation  uint8               `json:"operation" strictjson:"required"`
	Nonce      uint64              `json:"nonce" strictjson:"required"`
	Method     string              `json:"method" strictjson:"required"`
	SafeTxHash string              `json:"safeTxHash" strictjson:"required"`
	Signatures []safeSignatureJSON `json:"signatures" strictjson:"required"`
}

type safeSignatureJSON struct {
	Owner     string `json:"owner" strictjson:"required"`
	Signature string `json:"signature" strictjson:"required"`
}

// MarshalJSON writes the file's JSON form, signatures sorted by owner.
func (f *SafeTxFile) MarshalJSON() ([]byte, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	h, err := f.Tx.Hash()
	if err != nil {
		return nil, err
	}
	value := f.Tx.Value
	if value == nil {
		value = new(big.Int)
	}
	out := safeTxFileJSON{
		Safe:       f.Tx.Safe.Hex(),
		ChainID:    f.Tx.ChainID,
		To:         f.Tx.To.Hex(),
		Value:      value.String(),
		Data:       "0x" + hex.EncodeToString(f.Tx.Data),
		Operation:  f.Tx.Operation,
		Nonce:      f.Tx.Nonce,
		Method:     f.Method,
		SafeTxHash: h.Hex(),
		Signatures: []safeSignatureJSON{},
	}
	sigs := slices.Clone(f.Signatures)
	slices.SortFunc(sigs, func(a, b SafeSignature) int { return bytes.Compare(a.Owner[:], b.Owner[:]) })
	for _, s := range sigs {
		out.Signatures = append(out.Signatures, safeSignatureJSON{Owner: s.Owner.Hex(), Signature: "0x" + hex.EncodeToString(s.Signature)})
	}
	return json.MarshalIndent(out, "", "  ")
}

// ParseSafeTxFile decodes a Safe transaction file (untrusted bytes) and
// checks it: every member present and well formed, operation 0, the
// safeTxHash recomputed, and each signature by its owner over that digest.
func ParseSafeTxFile(data []byte) (*SafeTxFile, error) {
	if len(data) > maxSafeTxFileBytes {
		return nil, fmt.Errorf("%w: %d bytes, want at most %d", ErrBadSafeTxFile, len(data), maxSafeTxFileBytes)
	}
	var j safeTxFileJSON
	if err := strictjson.Unmarshal(data, &j, strictjson.MaxSize(maxSafeTxFileBytes), strictjson.MaxDepth(4)); err != nil {
		return nil, errorf("%w: %w", ErrBadSafeTxFile, err)
	}
	bad := func(member, format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrBadSafeTxFile, member, fmt.Sprintf(format, args...))
	}
	t := &SafeTx{ChainID: j.ChainID, Operation: j.Operation, Nonce: j.Nonce}
	var err error
	if t.Safe, err = parseAddress(j.Safe); err != nil {
		return nil, bad("safe", "%v", err)
	}
	if t.To, err = parseAddress(j.To); err != nil {
		return nil, bad("to", "%v", err)
	}
	v, ok := new(big.Int).SetString(j.Value, 10)
	if !ok || v.Sign() < 0 || v.BitLen() > 256 || v.String() != j.Value {
		return nil, bad("value", "%q, want a decimal uint256 without leading zeros", j.Value)
	}
	t.Value = v
	if t.Data, err = parseHexBytes(j.Data, -1); err != nil {
		return nil, bad("data", "%v", err)
	}
	f := &SafeTxFile{Tx: t, Method: j.Method}
	for i, s := range j.Signatures {
		owner, err := parseAddress(s.Owner)
		if err != nil {
			return nil, bad(fmt.Sprintf("signatures[%d].owner", i), "%v", err)
		}
		sig, err := parseHexBytes(s.Signature, 65)
		if err != nil {
			return nil, bad(fmt.Sprintf("signatures[%d].signature", i), "%v", err)
		}
		f.Signatures = append(f.Signatures, SafeSignature{Owner: owner, Signature: sig})
	}
	want, err := parseHexBytes(j.SafeTxHash, 32)
	if err != nil {
		return nil, bad("safeTxHash", "%v", err)
	}
	if t.Operation != 0 {
		return nil, bad("operation", "%d, want 0 (call)", t.Operation)
	}
	h, err := t.Hash()
	if err != nil {
		return nil, errorf("%w: %w", ErrBadSafeTxFile, err)
	}
	if !bytes.Equal(h[:], want) {
		return nil, bad("safeTxHash", "0x%x, the transaction's digest is %s", want, h.Hex())
	}
	if err := f.check(); err != nil {
		return nil, err
	}
	return f, nil
}

// parseHexBytes reads lower-case 0x hex of n bytes (any length if n < 0).
func parseHexBytes(s string, n int) ([]byte, error) {
	if !strings.HasPrefix(s, "0x") || strings.ToLower(s) != s {
		return nil, errors.New("want lower-case 0x hex")
	}
	b, err := hex.DecodeString(s[2:])
	if err != nil {
		return nil, errors.New("want lower-case 0x hex")
	}
	if n >= 0 && len(b) != n {
		return nil, fmt.Errorf("%d bytes, want %d", len(b), n)
	}
	return b, nil
}
