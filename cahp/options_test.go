package cahp

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// countingTransport counts exchanges, so a test can show that nothing was
// sent.
type countingTransport struct {
	Transport
	n int
}

func (c *countingTransport) Exchange(ctx context.Context, session, phase string, msgs [][]byte) ([][]byte, error) {
	c.n++
	return c.Transport.Exchange(ctx, session, phase, msgs)
}

// TestInvalidOptionsRefused: invalid handshake and ticket options fail
// before anything is sent or verified, naming the option.
func TestInvalidOptionsRefused(t *testing.T) {
	f := newFixture(t, fixtureOpts{initKind: KindOpenWeight, respKind: KindMetabolic})
	tr := &countingTransport{Transport: NewMemoryTransport(f.resp)}
	for _, opt := range []HandshakeOption{WithSessionID("not a session id"), WithSessionID(""), OnPhase(nil)} {
		if _, err := f.init.Handshake(context.Background(), tr, opt); err == nil || !strings.HasPrefix(err.Error(), "cahp: handshake: ") {
			t.Fatalf("Handshake with an invalid option: %v", err)
		}
	}
	if tr.n != 0 {
		t.Fatalf("%d exchanges with invalid options, want none", tr.n)
	}
	s, err := f.init.Handshake(context.Background(), tr)
	if err != nil {
		t.Fatal(err)
	}
	<-f.sessions
	for _, opt := range []TicketOption{ForSession(""), ForSession("x"), WithCapabilities("chat", "")} {
		_, err := VerifyTicket(s.Ticket, f.initRing, f.rRing, f.clock.now(), opt)
		var te *TicketError
		if !errors.As(err, &te) {
			t.Fatalf("VerifyTicket with an invalid option: %v, want a *TicketError", err)
		}
	}
}
