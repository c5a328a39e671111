package envelope

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOpenWith: the check sees the parsed envelope after the shape and type
// checks and before everything else; its refusal is returned as it is and
// leaves no trace (no key learned, no nonce recorded), and an accepted
// envelope then goes through every check of Open.
func TestOpenWith(t *testing.T) {
	s := NewEd25519Signer(testKey(1))
	msg, err := Seal(s, "test/ping", ping{Seq: 7, Note: "n"}, WithTimestamp(t0))
	require.NoError(t, err)
	errRefused := errors.New("refused by the caller")
	refuse := func(*Envelope) error { return errRefused }

	t.Run("check sees the parsed envelope", func(t *testing.T) {
		v, _ := newTestVerifier(t, []Signer{s})
		var seen *Envelope
		e, err := v.OpenWith(msg, func(e *Envelope) error { seen = e; return nil })
		require.NoError(t, err)
		assert.Same(t, e, seen)
		assert.Equal(t, `{"note":"n","seq":7}`, string(seen.Payload), "the payload in canonical form")
		assert.Equal(t, s.PublicKey(), seen.SenderPubkey)
	})
	t.Run("refusal returned as it is, envelope opens later", func(t *testing.T) {
		v, _ := newTestVerifier(t, []Signer{s})
		_, err := v.OpenWith(msg, refuse)
		assert.Same(t, errRefused, err)
		_, err = v.Open(msg)
		require.NoError(t, err, "a refused check recorded no nonce")
		_, err = v.OpenWith(msg, func(*Envelope) error { return nil })
		assert.ErrorIs(t, err, ErrReplay, "an accepted check goes on to the replay check")
	})
	t.Run("refusal before the signature check", func(t *testing.T) {
		v, _ := newTestVerifier(t, []Signer{s})
		bad := mutateJSON(t, msg, "signature", `"`+b64.EncodeToString(make([]byte, 64))+`"`, false)
		_, err := v.OpenWith(bad, refuse)
		assert.Same(t, errRefused, err)
		_, err = v.OpenWith(bad, func(*Envelope) error { return nil })
		assert.ErrorIs(t, err, ErrBadSignature)
	})
	t.Run("refusal before the window and key checks", func(t *testing.T) {
		v, c := newTestVerifier(t, []Signer{s})
		c.t = t0.Add(DefaultWindow + 1e9)
		_, err := v.OpenWith(msg, refuse)
		assert.Same(t, errRefused, err)
		_, err = v.OpenWith(msg, func(*Envelope) error { return nil })
		assert.ErrorIs(t, err, ErrOutsideWindow)
		stranger, err := Seal(NewEd25519Signer(testKey(2)), "test/ping", ping{Seq: 1}, WithTimestamp(t0))
		require.NoError(t, err)
		_, err = v.OpenWith(stranger, refuse)
		assert.Same(t, errRefused, err)
	})
	t.Run("no key learned on first use", func(t *testing.T) {
		v, _ := newTestVerifier(t, nil, WithTrustOnFirstUse(func(*Envelope) bool { return true }))
		_, err := v.OpenWith(msg, refuse)
		assert.Same(t, errRefused, err)
		assert.Empty(t, v.KeyRing().Keys())
		_, err = v.OpenWith(msg, func(*Envelope) error { return nil })
		require.NoError(t, err)
		assert.Len(t, v.KeyRing().Keys(), 1)
	})
	t.Run("not called on a malformed or unaccepted envelope", func(t *testing.T) {
		v, _ := newTestVerifier(t, []Signer{s})
		called := false
		mark := func(*Envelope) error { called = true; return nil }
		_, err := v.OpenWith(mutateJSON(t, msg, "nonce", "", false), mark)
		assert.ErrorIs(t, err, ErrMalformed)
		other, err := Seal(s, "test/other", ping{Seq: 1}, WithTimestamp(t0))
		require.NoError(t, err)
		_, err = v.OpenWith(other, mark)
		assert.ErrorIs(t, err, ErrTypeNotAllowed)
		assert.False(t, called)
	})
	t.Run("CBOR", func(t *testing.T) {
		v, _ := newTestVerifier(t, []Signer{s})
		cb, err := SealCBOR(s, "test/ping", ping{Seq: 7, Note: "n"}, WithTimestamp(t0))
		require.NoError(t, err)
		var got ping
		_, err = v.OpenWith(cb, func(e *Envelope) error { return e.DecodePayload(&got) })
		require.NoError(t, err)
		assert.Equal(t, ping{Seq: 7, Note: "n"}, got)
	})
}
