package envelope

import (
	"bytes"
	"fmt"

	"github.com/fxamacker/cbor/v2"
)

// cborEnvelope is the CBOR map of an envelope. Core Deterministic Encoding
// sorts its keys; signature is omitted for the signing bytes.
type cborEnvelope struct {
	V            int64           `cbor:"v"`
	Type         string          `cbor:"type"`
	Alg          string          `cbor:"alg"`
	SenderPubkey string          `cbor:"sender_pubkey"`
	SenderType   string          `cbor:"sender_type,omitempty"`
	Timestamp    int64           `cbor:"timestamp"`
	Nonce        []byte          `cbor:"nonce"`
	Payload      cbor.RawMessage `cbor:"payload"`
	Signature    []byte          `cbor:"signature,omitempty"`
}

var (
	encMode = mustEncMode()
	// envDecMode decodes the envelope map: duplicate keys, unknown members,
	// indefinite lengths and tags are errors.
	envDecMode = mustDecMode(cbor.ExtraDecErrorUnknownField)
	// payloadDecMode decodes payloads the same way.
	payloadDecMode = mustDecMode(cbor.ExtraDecErrorUnknownField)
	// anyDecMode decodes a payload into generic values for the determinism
	// check.
	anyDecMode = mustDecMode(cbor.ExtraDecErrorNone)
)

func mustEncMode() cbor.EncMode {
	m, err := cbor.CoreDetEncOptions().EncMode()
	if err != nil {
		panic(err)
	}
	return m
}

func mustDecMode(extra cbor.ExtraDecErrorCond) cbor.DecMode {
	m, err := cbor.DecOptions{
		DupMapKey:         cbor.DupMapKeyEnforcedAPF,
		IndefLength:       cbor.IndefLengthForbidden,
		TagsMd:            cbor.TagsForbidden,
		ExtraReturnErrors: extra,
		MaxNestedLevels:   64,
		UTF8:              cbor.UTF8RejectInvalid,
		DefaultMapType:    nil,
	}.DecMode()
	if err != nil {
		panic(err)
	}
	return m
}

// SealCBOR signs payload as an envelope of type typ and returns its CBOR
// form in Core Deterministic Encoding. payload is marshalled with
// fxamacker/cbor in that encoding (a [cbor.RawMessage] must already be
// deterministic).
func SealCBOR(s Signer, typ string, payload any, opts ...SealOption) ([]byte, error) {
	h, err := newHeader(s, typ, opts)
	if err != nil {
		return nil, err
	}
	var raw []byte
	if r, ok := payload.(cbor.RawMessage); ok {
		raw = r
	} else if raw, err = encMode.Marshal(payload); err != nil {
		return nil, fmt.Errorf("seal %s: marshal payload: %w", typ, err)
	}
	if err := checkDeterministic(raw); err != nil {
		return nil, fmt.Errorf("seal %s: payload: %w", typ, err)
	}
	ce := cborEnvelope{V: Version, Type: h.typ, Alg: h.alg, SenderPubkey: h.pub, SenderType: h.senderType,
		Timestamp: h.ts, Nonce: h.nonce, Payload: raw}
	msg, err := encMode.Marshal(&ce)
	if err != nil {
		return nil, fmt.Errorf("seal %s: %w", typ, err)
	}
	sig, err := s.Sign(msg)
	if err != nil {
		return nil, fmt.Errorf("seal %s: %w", typ, err)
	}
	if want := signatureSize(h.alg); len(sig) != want {
		return nil, fmt.Errorf("seal %s: %s signature of %d bytes, want %d", typ, h.alg, len(sig), want)
	}
	ce.Signature = sig
	return encMode.Marshal(&ce)
}

// checkDeterministic checks that raw is one well-formed CBOR item in Core
// Deterministic Encoding without tags, duplicate keys or indefinite lengths.
func checkDeterministic(raw []byte) error {
	var v any
	if err := anyDecMode.Unmarshal(raw, &v); err != nil {
		return fmt.Errorf("%w: cbor: %v", ErrMalformed, err)
	}
	again, err := encMode.Marshal(v)
	if err != nil || !bytes.Equal(again, raw) {
		return fmt.Errorf("%w: cbor payload is not in core deterministic encoding", ErrMalformed)
	}
	return nil
}

// parseCBOR decodes a CBOR envelope strictly and returns it with the bytes
// its signature covers.
func parseCBOR(msg []byte) (*Envelope, []byte, error) {
	var ce cborEnvelope
	if err := envDecMode.Unmarshal(msg, &ce); err != nil {
		return nil, nil, fmt.Errorf("%w: cbor: %v", ErrMalformed, err)
	}
	if ce.Payload == nil || ce.Nonce == nil || ce.Signature == nil || ce.Type == "" || ce.Alg == "" || ce.SenderPubkey == "" {
		return nil, nil, fmt.Errorf("%w: cbor envelope missing a member", ErrMalformed)
	}
	if ce.V != Version {
		return nil, nil, fmt.Errorf("%w: version %d, want %d", ErrUnsupported, ce.V, Version)
	}
	h := header{typ: ce.Type, alg: ce.Alg, pub: ce.SenderPubkey, senderType: ce.SenderType, ts: ce.Timestamp, nonce: ce.Nonce}
	if err := h.check(); err != nil {
		return nil, nil, err
	}
	if want := signatureSize(h.alg); len(ce.Signature) != want {
		return nil, nil, fmt.Errorf("%w: signature of %d bytes, want %d", ErrMalformed, len(ce.Signature), want)
	}
	if err := checkDeterministic(ce.Payload); err != nil {
		return nil, nil, err
	}
	again, err := encMode.Marshal(&ce)
	if err != nil || !bytes.Equal(again, msg) {
		return nil, nil, fmt.Errorf("%w: cbor envelope is not in core deterministic encoding", ErrMalformed)
	}
	sig := ce.Signature
	ce.Signature = nil
	sb, err := encMode.Marshal(&ce)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: cbor: %v", ErrMalformed, err)
	}
	e := &Envelope{V: Version, Type: h.typ, Alg: h.alg, SenderPubkey: h.pub, SenderType: h.senderType,
		Timestamp: h.ts, Nonce: h.nonce, Signature: sig, Payload: []byte(ce.Payload), Format: FormatCBOR}
	return e, sb, nil
}
