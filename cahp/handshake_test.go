package cahp

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHandshakeKinds(t *testing.T) {
	for _, tc := range []struct{ init, resp string }{
		{KindOpenWeight, KindMetabolic},
		{KindMetabolic, KindOpenWeight},
		{KindMetabolic, KindMetabolic},
		{KindOpenWeight, KindOpenWeight},
	} {
		t.Run(tc.init+"-"+tc.resp, func(t *testing.T) {
			f := newFixture(t, fixtureOpts{initKind: tc.init, respKind: tc.resp})
			s, err := f.init.Handshake(context.Background(), NewMemoryTransport(f.resp))
			require.NoError(t, err)
			rs := <-f.sessions
			assert.Equal(t, s.Key, rs.Key, "both sides derive the same session key")
			assert.Equal(t, s.Transcript, rs.Transcript)
			assert.Equal(t, s.Ticket, rs.Ticket)
			assert.Equal(t, f.rKey.PublicKey(), s.Peer)
			assert.Equal(t, tc.resp, s.PeerKind)
			assert.Equal(t, f.initKey.PublicKey(), rs.Peer)
			assert.Equal(t, []string{"chat", "tools"}, s.Payload.Capabilities)
			if tc.init == KindMetabolic {
				assert.Equal(t, 75, s.Payload.TrustScore, "1500 burnt over a minimum of 1000")
			} else {
				assert.Equal(t, 100, s.Payload.TrustScore, "every policy spot check opened")
			}
			assert.Zero(t, f.resp.Sessions(), "a completed session is closed")
			tk, err := VerifyTicket(s.Ticket, f.initRing, f.rRing, f.clock.now(), ForSession(s.ID), WithCapabilities("chat"))
			require.NoError(t, err)
			assert.Equal(t, f.initKey.PublicKey(), tk.Subject)
			assert.NotContains(t, string(s.Ticket), b64.EncodeToString(s.Key[:]), "the ticket carries no secret")
		})
	}
}
