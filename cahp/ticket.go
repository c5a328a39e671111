package cahp

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/accordsdk/accord/envelope"
)

// A Ticket is a session ticket [VerifyTicket] accepted.
type Ticket struct {
	TicketPayload
	// Issuer is the responder's key string and IssuerType its kind.
	Issuer, IssuerType string
	// IssuedAt is the envelope's timestamp.
	IssuedAt time.Time
}

// A TicketOption adds a requirement to [VerifyTicket].
type TicketOption func(*ticketConfig) error

type ticketConfig struct {
	session string
	caps    []string
}

// ForSession requires the ticket to be of session id.
func ForSession(id string) TicketOption {
	return func(c *ticketConfig) error {
		if _, err := parseSessionID(id); err != nil {
			return fmt.Errorf("ForSession: %w", err)
		}
		c.session = id
		return nil
	}
}

// WithCapabilities requires the ticket to grant every one of caps.
func WithCapabilities(caps ...string) TicketOption {
	return func(c *ticketConfig) error {
		for _, cp := range caps {
			if cp == "" {
				return errors.New("WithCapabilities: empty capability")
			}
		}
		c.caps = append(c.caps, caps...)
		return nil
	}
}

// VerifyTicket checks a session ticket (the phase-5 envelope) at time now:
// the envelope's shape and signature, that its issuer is pinned in issuers
// and was valid both when it signed and now, that its subject is pinned in
// subjects and valid now, that the two differ (a ticket its subject signed
// proves nothing), that it has not expired, that its lifetime is at
// most [MaxTicketLifetime] and it was not issued in the future (beyond the
// envelope window), and any [ForSession] or [WithCapabilities] requirement.
// A key rotated out ([envelope.KeyRing.Retire]) or removed since the ticket
// was issued fails with a [*TicketError] matching [ErrKeyRevoked]: a new
// handshake is needed. Every refusal is a [*TicketError].
func VerifyTicket(ticket []byte, issuers, subjects *envelope.KeyRing, now time.Time, opts ...TicketOption) (*Ticket, error) {
	var c ticketConfig
	for _, o := range opts {
		if err := o(&c); err != nil {
			return nil, &TicketError{Err: err}
		}
	}
	if issuers == nil || subjects == nil {
		return nil, &TicketError{Err: errors.New("nil key ring")}
	}
	v, err := envelope.NewVerifier(envelope.WithTypes(TypeTicket), envelope.WithKeyRing(issuers), envelope.WithoutFreshness())
	if err != nil {
		return nil, &TicketError{Err: err}
	}
	e, err := v.Open(ticket)
	if err != nil {
		// A key that signed the ticket but is gone from the ring now.
		if errors.Is(err, envelope.ErrUnknownKey) || errors.Is(err, envelope.ErrKeyNotValid) {
			if pub := issuerOf(ticket); pub != "" {
				return nil, &TicketError{Key: pub, Role: "issuer", Err: err}
			}
		}
		return nil, &TicketError{Err: err}
	}
	t, err := ParseTicketPayload(e.Payload)
	if err != nil {
		return nil, &TicketError{Err: err}
	}
	// A ticket is the responder's word about its peer: one signed by its
	// own subject proves nothing, even where one allow-list serves as both
	// issuers and subjects.
	if t.Subject == e.SenderPubkey {
		return nil, &TicketError{SessionID: t.SessionID, Err: fmt.Errorf("issued by its own subject %.40s", t.Subject)}
	}
	if !validNow(issuers, e.SenderPubkey, now) {
		return nil, &TicketError{SessionID: t.SessionID, Key: e.SenderPubkey, Role: "issuer",
			Err: fmt.Errorf("issuer key not valid at %s", now.UTC().Format(time.RFC3339))}
	}
	if !validNow(subjects, t.Subject, now) {
		return nil, &TicketError{SessionID: t.SessionID, Key: t.Subject, Role: "subject",
			Err: fmt.Errorf("subject key not pinned or not valid at %s", now.UTC().Format(time.RFC3339))}
	}
	if err := checkLifetime(t, e.Timestamp, now); err != nil {
		return nil, &TicketError{SessionID: t.SessionID, Err: err}
	}
	if c.session != "" {
		if err := checkSession(t.SessionID, c.session); err != nil {
			return nil, &TicketError{SessionID: t.SessionID, Err: err}
		}
	}
	for _, want := range c.caps {
		if !slices.Contains(t.Capabilities, want) {
			return nil, &TicketError{SessionID: t.SessionID, Err: fmt.Errorf("capability %q not granted", want)}
		}
	}
	return &Ticket{TicketPayload: *t, Issuer: e.SenderPubkey, IssuerType: e.SenderType, IssuedAt: e.Time()}, nil
}

// checkLifetime: issued at most one envelope window ahead of now, not
// expired, and valid for at most MaxTicketLifetime.
func checkLifetime(t *TicketPayload, issued int64, now time.Time) error {
	n := now.Unix()
	switch {
	case issued > n+int64(envelope.DefaultWindow/time.Second):
		return fmt.Errorf("%w: ticket issued at %d, in the future of %d", ErrExpired, issued, n)
	case t.Expiry <= n:
		return fmt.Errorf("%w: ticket expired at %d, now %d", ErrExpired, t.Expiry, n)
	case t.Expiry <= issued || t.Expiry-issued > int64(MaxTicketLifetime/time.Second):
		return fmt.Errorf("%w: ticket lifetime %ds, want 1s to %v", ErrMalformed, t.Expiry-issued, MaxTicketLifetime)
	}
	return nil
}

// validNow reports whether key is in ring and valid at now.
func validNow(ring *envelope.KeyRing, key string, now time.Time) bool {
	for _, k := range ring.Keys() {
		if k.PublicKey == key {
			return (k.NotBefore.IsZero() || !now.Before(k.NotBefore)) && (k.NotAfter.IsZero() || now.Before(k.NotAfter))
		}
	}
	return false
}

// issuerOf returns the sender_pubkey of a well-formed envelope.
func issuerOf(ticket []byte) string {
	v, err := envelope.NewVerifier(envelope.WithTypes(TypeTicket), envelope.WithTrustOnFirstUse(func(*envelope.Envelope) bool { return true }), envelope.WithoutFreshness())
	if err != nil {
		return ""
	}
	e, err := v.Open(ticket)
	if err != nil {
		return ""
	}
	return e.SenderPubkey
}
