package cahp

import (
	"context"
	"testing"
	"time"

	"github.com/accordsdk/accord/envelope"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestVerifyTicket: a ticket verifies with both keys pinned and refuses,
// each with its error, when tampered, expired, for another session, without
// a capability, or after either pinned key was rotated out or removed.
func TestVerifyTicket(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	s, err := f.init.Handshake(context.Background(), NewMemoryTransport(f.resp))
	require.NoError(t, err)
	now := f.clock.now()
	ring := func(keys ...string) *envelope.KeyRing {
		r := envelope.NewKeyRing()
		for _, k := range keys {
			require.NoError(t, r.Add(k))
		}
		return r
	}
	issuers, subjects := ring(f.rKey.PublicKey()), ring(f.initKey.PublicKey())
	tk, err := VerifyTicket(s.Ticket, issuers, subjects, now, ForSession(s.ID), WithCapabilities("chat", "tools"))
	require.NoError(t, err)
	assert.Equal(t, s.ID, tk.SessionID)
	assert.Equal(t, f.rKey.PublicKey(), tk.Issuer)
	assert.Equal(t, KindMetabolic, tk.IssuerType)
	assert.Equal(t, now.Add(DefaultTicketLifetime).Unix(), tk.Expiry)

	retired := func(key string) *envelope.KeyRing {
		r := ring(key)
		require.NoError(t, r.Retire(key, now.Add(time.Minute)))
		return r
	}
	rotated := func(key string) *envelope.KeyRing {
		r := ring(key, testKey(5).PublicKey())
		require.NoError(t, r.Retire(key, now.Add(time.Minute)))
		return r
	}
	tamper := reseal(t, f.rKey, s.Ticket, edit{payload: setMember("trust_score", 99)})
	cases := []struct {
		name              string
		ticket            []byte
		issuers, subjects *envelope.KeyRing
		at                time.Time
		opts              []TicketOption
		want              error
		revokedRole       string
	}{
		{name: "tampered", ticket: forge(t, s.Ticket, setMember("trust_score", 99)), want: envelope.ErrBadSignature},
		{name: "expired", at: now.Add(DefaultTicketLifetime), want: ErrExpired},
		{name: "issued in the future", at: now.Add(-2 * time.Minute), want: ErrExpired},
		{name: "another session", opts: []TicketOption{ForSession(NewSessionID())}, want: ErrWrongSession},
		{name: "capability not granted", opts: []TicketOption{WithCapabilities("admin")}, want: ErrTicket},
		{name: "issuer removed", issuers: ring(testKey(5).PublicKey()), want: ErrKeyRevoked, revokedRole: "issuer"},
		{name: "issuer rotated", issuers: rotated(f.rKey.PublicKey()), at: now.Add(2 * time.Minute), want: ErrKeyRevoked, revokedRole: "issuer"},
		{name: "subject removed", subjects: ring(), want: ErrKeyRevoked, revokedRole: "subject"},
		{name: "subject retired", subjects: retired(f.initKey.PublicKey()), at: now.Add(2 * time.Minute), want: ErrKeyRevoked, revokedRole: "subject"},
		{name: "signed by a key never pinned", ticket: reseal(t, testKey(5), s.Ticket, edit{}), want: ErrKeyRevoked, revokedRole: "issuer"},
		{name: "lifetime over the maximum", ticket: reseal(t, f.rKey, s.Ticket, edit{payload: setMember("expiry", now.Add(MaxTicketLifetime+time.Second).Unix())}), want: ErrMalformed},
		{name: "re-signed after tampering still verifies", ticket: tamper},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tkt, is, sub, at := s.Ticket, issuers, subjects, now
			if c.ticket != nil {
				tkt = c.ticket
			}
			if c.issuers != nil {
				is = c.issuers
			}
			if c.subjects != nil {
				sub = c.subjects
			}
			if !c.at.IsZero() {
				at = c.at
			}
			_, err := VerifyTicket(tkt, is, sub, at, c.opts...)
			if c.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, c.want)
			require.ErrorIs(t, err, ErrTicket)
			var te *TicketError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, c.revokedRole, te.Role)
		})
	}
}

// TestSelfIssuedTicketRefused: a ticket is the responder's word about its
// peer, so one signed by its own subject proves nothing. Found in review:
// with one allow-list passed as both issuers and subjects (agents that pin
// each other and play both roles), any agent could sign a ticket for
// itself, with any trust score, without a handshake, and it verified.
func TestSelfIssuedTicketRefused(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	s, err := f.init.Handshake(context.Background(), NewMemoryTransport(f.resp))
	require.NoError(t, err)
	both := envelope.NewKeyRing()
	require.NoError(t, both.Add(f.rKey.PublicKey()))
	require.NoError(t, both.Add(f.initKey.PublicKey()))
	_, err = VerifyTicket(s.Ticket, both, both, f.clock.now(), ForSession(s.ID))
	require.NoError(t, err)
	self := reseal(t, f.initKey, s.Ticket, edit{payload: setMember("trust_score", 100)})
	_, err = VerifyTicket(self, both, both, f.clock.now(), ForSession(s.ID))
	require.ErrorIs(t, err, ErrTicket)
	var te *TicketError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, s.ID, te.SessionID)
}
