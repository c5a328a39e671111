package governance

import (
	"fmt"
	"strings"
	"time"
)

// orderRec is what the ledger keeps of an order that can be in force.
type orderRec struct {
	o          *ExecutiveOrder
	expires    time.Time
	ended      time.Time // zero while not ended or revoked
	endedBy    string
	extensions int
}

// inForce reports whether the order has effect at t: issued, not expired,
// not ended. Expiry needs no receipt: at expires_at the order stops.
func (r *orderRec) inForce(t time.Time) bool {
	return !t.Before(r.o.IssuedAt.Time) && t.Before(r.expires) && (r.ended.IsZero() || t.Before(r.ended))
}

// An OrderStatus is an order as it stands at a time.
type OrderStatus struct {
	Order      *ExecutiveOrder
	ExpiresAt  time.Time // after extensions
	InForce    bool
	EndedBy    string // the order that ended or revoked it, if any
	Extensions int    // emergency extensions granted
}

func (r *orderRec) status(t time.Time) OrderStatus {
	return OrderStatus{Order: r.o, ExpiresAt: r.expires, InForce: r.inForce(t), EndedBy: r.endedBy, Extensions: r.extensions}
}

// effective returns the value of parameter name at t: the new_value of the
// latest parameter_change in force for it, or else the constitution's.
func (l *ledger) effective(name string, t time.Time) (string, bool) {
	var best *orderRec
	for _, r := range l.orders {
		if r.o.OrderType == OrderParameterChange && r.o.Content.Parameter == name && r.inForce(t) {
			if best == nil || r.o.IssuedAt.After(best.o.IssuedAt.Time) ||
				(r.o.IssuedAt.Equal(best.o.IssuedAt.Time) && orderNum(r.o.OrderID) > orderNum(best.o.OrderID)) {
				best = r
			}
		}
	}
	if best != nil {
		return best.o.Content.NewValue, true
	}
	v, ok := l.cons.Parameters[name]
	return v, ok
}

// orderNum orders IDs of one month; IDs of different months differ in
// issue time anyway.
func orderNum(id string) int {
	n, _ := parseNumbered(id, prefixOrder)
	return n.seq
}

func (l *ledger) checkOrder(signer *Actor, o *ExecutiveOrder) (func(), error) {
	t := o.IssuedAt.Time
	role := RoleOrder
	emergency := o.OrderType == OrderEmergency || o.OrderType == OrderEmergencyExtension || o.OrderType == OrderEmergencyEnd
	if emergency {
		role = RoleEmergency
	}
	if err := l.authorize(signer, o.IssuedBy, role, TypeExecutiveOrder, t); err != nil {
		return nil, err
	}
	key, seq, err := l.nextSeq(o.OrderID, prefixOrder, t)
	if err != nil {
		return nil, err
	}
	if _, ok := l.cons.Section(o.Authority); !ok {
		return nil, fmt.Errorf("%w: %s cites %s, which is not a section of constitution %s", ErrUnknown, o.OrderID, o.Authority, l.cons.Version)
	}
	if emergency && !strings.HasPrefix(o.Authority, "ARTICLE-VI.") {
		return nil, fmt.Errorf("%w: %s: emergency powers rest on ARTICLE-VI, not %s", ErrNotAuthorized, o.OrderID, o.Authority)
	}
	pr := &l.cons.Procedure
	commit := func(f func()) func() {
		return func() {
			l.seq[key] = seq
			f()
		}
	}
	limit := func(max int, what string) error {
		if o.Duration.ExpiresAt.After(t.Add(hours(max))) {
			return fmt.Errorf("%w: %s expires %s, %s lasts at most %d hours", ErrLimit, o.OrderID, o.Duration.ExpiresAt, what, max)
		}
		return nil
	}
	switch o.OrderType {
	case OrderParameterChange:
		cur, ok := l.effective(o.Content.Parameter, t)
		if !ok {
			return nil, fmt.Errorf("%w: %s: parameter %s", ErrUnknown, o.OrderID, o.Content.Parameter)
		}
		if cur != o.Content.OldValue {
			return nil, fmt.Errorf("%w: %s old_value %q, the effective value is %q", ErrConflict, o.OrderID, o.Content.OldValue, cur)
		}
		if err := limit(pr.OrderMaxHours, "a temporary order"); err != nil {
			return nil, err
		}
		return commit(func() { l.orders[o.OrderID] = &orderRec{o: o, expires: o.Duration.ExpiresAt.Time} }), nil
	case OrderDirective:
		if err := limit(pr.OrderMaxHours, "a temporary order"); err != nil {
			return nil, err
		}
		return commit(func() { l.orders[o.OrderID] = &orderRec{o: o, expires: o.Duration.ExpiresAt.Time} }), nil
	case OrderEmergency:
		if l.emerg != nil && l.emerg.inForce(t) {
			return nil, fmt.Errorf("%w: %s: emergency %s is in force", ErrConflict, o.OrderID, l.emerg.o.OrderID)
		}
		if err := limit(pr.EmergencyMaxHours, "an emergency"); err != nil {
			return nil, err
		}
		return commit(func() {
			r := &orderRec{o: o, expires: o.Duration.ExpiresAt.Time}
			l.orders[o.OrderID], l.emerg = r, r
		}), nil
	case OrderEmergencyExtension:
		r, err := l.emergencyInForce(o, t)
		if err != nil {
			return nil, err
		}
		if !r.o.Duration.Renewable {
			return nil, fmt.Errorf("%w: %s: emergency %s is not renewable", ErrLimit, o.OrderID, r.o.OrderID)
		}
		if r.extensions >= pr.EmergencyMaxExtensions {
			return nil, fmt.Errorf("%w: %s: emergency %s has had %d extensions, the most allowed", ErrLimit, o.OrderID, r.o.OrderID, r.extensions)
		}
		exp := o.Duration.ExpiresAt.Time
		if !exp.After(r.expires) || exp.After(r.expires.Add(hours(pr.EmergencyExtensionMaxHours))) {
			return nil, fmt.Errorf("%w: %s: new expiry %s, want after %s by at most %d hours", ErrLimit, o.OrderID, o.Duration.ExpiresAt, At(r.expires), pr.EmergencyExtensionMaxHours)
		}
		return commit(func() {
			r.expires = exp
			r.extensions++
			l.orders[o.OrderID] = &orderRec{o: o, expires: t}
		}), nil
	case OrderEmergencyEnd:
		r, err := l.emergencyInForce(o, t)
		if err != nil {
			return nil, err
		}
		return commit(func() {
			r.ended, r.endedBy = t, o.OrderID
			l.orders[o.OrderID] = &orderRec{o: o, expires: t}
		}), nil
	case OrderRevocation:
		r, ok := l.orders[o.Content.Order]
		if !ok || (r.o.OrderType != OrderParameterChange && r.o.OrderType != OrderDirective) {
			return nil, fmt.Errorf("%w: %s revokes %s, not a parameter change or directive (emergencies end with emergency_end)", ErrUnknown, o.OrderID, o.Content.Order)
		}
		if !r.inForce(t) {
			return nil, fmt.Errorf("%w: %s revokes %s, which is not in force", ErrConflict, o.OrderID, o.Content.Order)
		}
		return commit(func() {
			r.ended, r.endedBy = t, o.OrderID
			l.orders[o.OrderID] = &orderRec{o: o, expires: t}
		}), nil
	}
	return nil, fmt.Errorf("%w: order_type %s", ErrMalformed, o.OrderType)
}

// emergencyInForce returns the emergency o refers to, if it is the one in
// force at t.
func (l *ledger) emergencyInForce(o *ExecutiveOrder, t time.Time) (*orderRec, error) {
	r := l.emerg
	if r == nil || r.o.OrderID != o.Content.Order {
		return nil, fmt.Errorf("%w: %s refers to %s, not the latest emergency", ErrUnknown, o.OrderID, o.Content.Order)
	}
	if !r.inForce(t) {
		return nil, fmt.Errorf("%w: %s: emergency %s is no longer in force (expired or ended)", ErrConflict, o.OrderID, r.o.OrderID)
	}
	return r, nil
}
