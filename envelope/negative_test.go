package envelope

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestOpenSentinels(t *testing.T) {
	s := NewEd25519Signer(testKey(1))
	other := NewEd25519Signer(testKey(9))
	seal := func(s Signer, typ string, ts time.Time) []byte {
		m, err := Seal(s, typ, ping{Seq: 1}, WithTimestamp(ts))
		require.NoError(t, err)
		return m
	}
	for _, tc := range []struct {
		name string
		msg  []byte
		want error
	}{
		{"wrong type", seal(s, "test/other", t0), ErrTypeNotAllowed},
		{"unknown key", seal(other, "test/ping", t0), ErrUnknownKey},
		{"too old", seal(s, "test/ping", t0.Add(-61*time.Second)), ErrOutsideWindow},
		{"too new", seal(s, "test/ping", t0.Add(61*time.Second)), ErrOutsideWindow},
		{"garbage", []byte(`{"v":1`), ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, _ := newTestVerifier(t, []Signer{s})
			_, err := v.Open(tc.msg)
			require.ErrorIs(t, err, tc.want)
		})
	}
}

func TestStartupFence(t *testing.T) {
	s := NewEd25519Signer(testKey(1))
	c := &clock{t: t0}
	v, err := NewVerifier(WithTypes("test/ping"), WithKeys(s.PublicKey()), WithClock(c.now))
	require.NoError(t, err)
	msg, err := Seal(s, "test/ping", ping{}, WithTimestamp(t0))
	require.NoError(t, err)
	_, err = v.Open(msg)
	require.ErrorIs(t, err, ErrOutsideWindow)
	c.t = t0.Add(61 * time.Second)
	msg, err = Seal(s, "test/ping", ping{}, WithTimestamp(c.t))
	require.NoError(t, err)
	_, err = v.Open(msg)
	require.NoError(t, err)
}
