package cahp

import (
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"io"
)

// Labels of the key schedule (see the package documentation, "Session key").
const (
	transcriptContext = "accord-cahp-v1 transcript"
	labelConfirmInit  = "accord-cahp-v1 initiator confirmation"
	labelConfirmResp  = "accord-cahp-v1 responder confirmation"
	labelSessionKey   = "accord-cahp-v1 session key"
	roleInitiator     = "initiator"
	roleResponder     = "responder"
)

// A transcript hashes the signing bytes of every message of a handshake in
// order: SHA-256 of the context string, a zero byte, and for each message
// u32be(length) || signing bytes. Its value after n messages is TH(n).
type transcript struct {
	h hash.Hash
	n int
}

func newTranscript() *transcript {
	t := &transcript{h: sha256.New()}
	t.h.Write([]byte(transcriptContext))
	t.h.Write([]byte{0})
	return t
}

// add appends one message's signing bytes.
func (t *transcript) add(signingBytes []byte) {
	var l [4]byte
	binary.BigEndian.PutUint32(l[:], uint32(len(signingBytes)))
	t.h.Write(l[:])
	t.h.Write(signingBytes)
	t.n++
}

// sum returns the transcript hash so far.
func (t *transcript) sum() [32]byte { return [32]byte(t.h.Sum(nil)) }

// kex is one side's ephemeral X25519 key.
type kex struct {
	priv *ecdh.PrivateKey
}

func newKex(r io.Reader) (*kex, error) {
	var seed [32]byte
	if _, err := io.ReadFull(r, seed[:]); err != nil {
		return nil, fmt.Errorf("cahp: x25519 key: %w", err)
	}
	k, err := ecdh.X25519().NewPrivateKey(seed[:])
	if err != nil {
		return nil, fmt.Errorf("cahp: x25519 key: %w", err)
	}
	return &kex{priv: k}, nil
}

func (k *kex) public() []byte { return k.priv.PublicKey().Bytes() }

// shared returns the X25519 shared secret with the peer's public key. A
// low-order peer key (an all-zero result) is an error.
func (k *kex) shared(peer []byte) ([]byte, error) {
	pub, err := ecdh.X25519().NewPublicKey(peer)
	if err != nil {
		return nil, fmt.Errorf("%w: kex_pubkey: %v", ErrMalformed, err)
	}
	s, err := k.priv.ECDH(pub)
	if err != nil {
		return nil, fmt.Errorf("%w: kex_pubkey: %v", ErrMalformed, err)
	}
	return s, nil
}

// confirmation returns the key confirmation of role: HMAC-SHA256 under
// HKDF-SHA256(shared, salt TH(6), label of role) of the transcript hash th.
func confirmation(shared []byte, th6 [32]byte, role string, th [32]byte) []byte {
	label := labelConfirmInit
	if role == roleResponder {
		label = labelConfirmResp
	}
	key, err := hkdf.Key(sha256.New, shared, th6[:], label, 32)
	if err != nil {
		panic(err) // 32 bytes of SHA-256 output never fail
	}
	m := hmac.New(sha256.New, key)
	m.Write(th[:])
	return m.Sum(nil)
}

// sessionKey returns HKDF-SHA256(shared, salt TH(9), "accord-cahp-v1
// session key"), 32 bytes.
func sessionKey(shared []byte, th9 [32]byte) [32]byte {
	key, err := hkdf.Key(sha256.New, shared, th9[:], labelSessionKey, 32)
	if err != nil {
		panic(err)
	}
	return [32]byte(key)
}
