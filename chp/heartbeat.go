package chp

import (
	"encoding/json"
	"fmt"
	"strings"
)

// DecodeHeartbeat parses a plain CHP v1 heartbeat. The bytes must be one
// JSON object without duplicate keys that validates against the
// heartbeatPacket definition of [SchemaJSON] with formats asserted (so
// instance_id is a UUID, license_hash and homebase_token are sha256:<hex>,
// timestamp is an RFC 3339 date-time and no unknown member is present).
// Errors wrap [ErrMalformed], [ErrDuplicateKey] or [ErrSchema].
// InstanceID is returned in canonical lower case (the schema accepts
// either case; RFC 9562 UUIDs compare without regard to case).
//
// DecodeHeartbeat checks shape only; whether the timestamp is acceptable
// is the registry's policy (see [WithClockSkew] and [WithMaxAge]).
func DecodeHeartbeat(b []byte) (*Heartbeat, error) {
	h, _, err := readHeartbeat(b)
	return h, err
}

// heartbeatFromDoc validates a parsed heartbeat against the schema and
// fills a Heartbeat from it. After validation every member has the type
// the schema gives it.
func heartbeatFromDoc(doc any) (*Heartbeat, error) {
	m, ok := doc.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: heartbeat is not a JSON object", ErrMalformed)
	}
	if err := validate("heartbeat", doc); err != nil {
		return nil, err
	}
	str := func(k string) string { s, _ := m[k].(string); return s }
	h := &Heartbeat{
		Packet: str("packet"), InstanceID: canonicalID(str("instance_id")), HomeURI: str("home_uri"), Version: str("version"),
		LicenseHash: str("license_hash"), EthicsSignature: str("ethics_signature"), HomebaseToken: str("homebase_token"),
		Status: Status(str("status")),
	}
	if meta, ok := m["meta"].(map[string]any); ok {
		h.Meta = meta
	}
	var err error
	if h.Timestamp, err = parseTime("heartbeat", str("timestamp")); err != nil {
		return nil, err
	}
	return h, nil
}

// canonicalID returns the canonical form of an instance_id that matched
// the schema's UUID pattern: lower case, as RFC 9562 writes UUIDs. Pins,
// indexes and comparisons use this form only, so that one UUID written in
// upper and in lower case is one instance.
func canonicalID(id string) string { return strings.ToLower(id) }

// Validate checks h against the heartbeat schema by encoding it. Builders
// of heartbeats use it before sending.
func (h *Heartbeat) Validate() error {
	b, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	_, err = DecodeHeartbeat(b)
	return err
}
