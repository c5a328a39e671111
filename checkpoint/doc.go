// Package checkpoint verifies and cosigns the checkpoints of accord's
// append-only logs.
//
// (DESIGN.md keeps all log machinery under internal/; this small public
// package is a deliberate departure from that list, because users must be
// able to verify checkpoints and proofs, and cosign them as witnesses,
// without importing internal packages.)
package checkpoint
