package chp

import (
	"encoding/json"
	"fmt"
	"time"
)

// Status is an instance's state as carried in a heartbeat's status field
// and shown on the HUD.
type Status string

// The statuses of chp-v1.json.
const (
	// StatusCoherent: the last heartbeat was acknowledged by a registry the
	// instance trusts.
	StatusCoherent Status = "coherent"
	// StatusReview: the registry rejected the heartbeat's shape; an operator
	// should inspect it.
	StatusReview Status = "review"
	// StatusRepairing: a key or admission certificate did not match.
	StatusRepairing Status = "repairing"
	// StatusFailed: the instance cannot call home at all (for example its
	// local queue cannot be written).
	StatusFailed Status = "failed"
	// StatusQuiet: the registry is unreachable; heartbeats are kept locally
	// and sent in order once it is back.
	StatusQuiet Status = "quiet"
)

// Valid reports whether s is one of the five statuses.
func (s Status) Valid() bool {
	switch s {
	case StatusCoherent, StatusReview, StatusRepairing, StatusFailed, StatusQuiet:
		return true
	}
	return false
}

// Color is the HUD colour of a status, as an RGB hex string.
type Color string

// HUD colours. CHP names four (home verified, awaiting response, quiet,
// verification failed); the sandbox extension shows a key mismatch in
// yellow/orange, which is [ColorRepairing].
const (
	ColorVerified  Color = "#38BDF8" // home verified
	ColorAwaiting  Color = "#EAB308" // awaiting response / review
	ColorRepairing Color = "#F97316" // key or certificate mismatch
	ColorQuiet     Color = "#9CA3AF" // quiet mode
	ColorFailed    Color = "#EF4444" // verification failed
)

// Color returns the HUD colour for s.
func (s Status) Color() Color {
	switch s {
	case StatusCoherent:
		return ColorVerified
	case StatusReview:
		return ColorAwaiting
	case StatusRepairing:
		return ColorRepairing
	case StatusQuiet:
		return ColorQuiet
	}
	return ColorFailed
}

// AckStatus is the status field of an ACK.
type AckStatus string

// The ACK statuses of chp-v1.json.
const (
	// AckVerified: the heartbeat was sealed by the instance's pinned key,
	// the seal verified, and the heartbeat is in the registry's log.
	AckVerified AckStatus = "verified"
	// AckQueued: a plain (unsigned) heartbeat accepted by policy and in the
	// registry's log, awaiting export; its origin is not authenticated.
	AckQueued AckStatus = "queued"
	// AckRejected: the heartbeat was refused and not logged; such an ACK
	// rides in the body of a 4xx answer and its notes give the error code.
	AckRejected AckStatus = "rejected"
)

// Heartbeat is a CHP v1 heartbeat packet.
type Heartbeat struct {
	Packet          string         `json:"packet,omitempty"` // "heartbeat" or absent
	InstanceID      string         `json:"instance_id"`      // UUID
	HomeURI         string         `json:"home_uri"`
	Version         string         `json:"version"`
	LicenseHash     string         `json:"license_hash"`             // sha256:<hex>
	EthicsSignature string         `json:"ethics_signature"`         // free text, non-empty
	HomebaseToken   string         `json:"homebase_token,omitempty"` // sha256:<hex>
	Status          Status         `json:"status"`
	Timestamp       time.Time      `json:"timestamp"` // RFC 3339; offsets accepted on input
	Meta            map[string]any `json:"meta,omitempty"`
}

// Meta keys the sandbox extension adds to a heartbeat.
const (
	MetaSandbox             = "sandbox"
	MetaRegistryFingerprint = "registry_fingerprint"
)

// Sandboxed reports whether h carries meta.sandbox: true.
func (h *Heartbeat) Sandboxed() bool {
	b, _ := h.Meta[MetaSandbox].(bool)
	return b
}

// RegistryFingerprint returns meta.registry_fingerprint, or "".
func (h *Heartbeat) RegistryFingerprint() string {
	s, _ := h.Meta[MetaRegistryFingerprint].(string)
	return s
}

// MarshalJSON encodes h with its timestamp in RFC 3339 UTC.
func (h Heartbeat) MarshalJSON() ([]byte, error) {
	type plain Heartbeat
	return json.Marshal(struct {
		plain
		Timestamp string `json:"timestamp"`
	}{plain(h), formatTime(h.Timestamp)})
}

// Ack is a CHP v1 acknowledgement packet, signed by the Local Registry.
//
// RegistrySignature is "ed25519:" followed by the unpadded base64url
// Ed25519 signature over the RFC 8785 canonical JSON of the ACK object
// without its registry_signature member.
type Ack struct {
	Packet            string    `json:"packet,omitempty"` // "ack"
	AckID             string    `json:"ack_id"`           // UUID (version 7)
	InstanceRef       string    `json:"instance_ref"`     // the heartbeat's instance_id
	Received          time.Time `json:"received"`
	RegistrySignature string    `json:"registry_signature"`
	Status            AckStatus `json:"status"`
	Notes             string    `json:"notes,omitempty"`
}

// MarshalJSON encodes a with its received time in RFC 3339 UTC.
func (a Ack) MarshalJSON() ([]byte, error) {
	type plain Ack
	return json.Marshal(struct {
		plain
		Received string `json:"received"`
	}{plain(a), formatTime(a.Received)})
}

// formatTime renders t in RFC 3339 UTC with the fractional seconds it has.
func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// parseTime parses an RFC 3339 time (offsets allowed) and returns it in UTC.
func parseTime(field, s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, &SchemaError{Packet: field, Detail: fmt.Sprintf("%q is not an RFC 3339 time", s)}
	}
	return t.UTC(), nil
}
