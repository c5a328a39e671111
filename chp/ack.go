package chp

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/accordsdk/accord/envelope"
	"github.com/accordsdk/accord/internal/jcs"
	"github.com/accordsdk/accord/internal/strictb64"
)

// sigPrefix starts every detached signature chp writes: registry_signature
// on ACKs and signature on admission certificates.
const sigPrefix = "ed25519:"

var b64 = base64.RawURLEncoding.Strict()

// signDetached signs the RFC 8785 canonical form of obj (which must not yet
// carry its signature member) and returns "ed25519:<base64url>".
func signDetached(s envelope.Signer, obj any) (string, error) {
	if s.Algorithm() != "ed25519" {
		return "", fmt.Errorf("chp: signer algorithm %q, want ed25519", s.Algorithm())
	}
	msg, err := canonical(obj)
	if err != nil {
		return "", err
	}
	sig, err := s.Sign(msg)
	if err != nil {
		return "", fmt.Errorf("chp: sign: %w", err)
	}
	return sigPrefix + b64.EncodeToString(sig), nil
}

// verifyDetached checks a signature made by [signDetached].
func verifyDetached(pub ed25519.PublicKey, obj any, sig string) error {
	msg, err := canonical(obj)
	if err != nil {
		return err
	}
	return verifySignature(pub, msg, sig)
}

// verifySignature checks "ed25519:<base64url>" over msg.
func verifySignature(pub ed25519.PublicKey, msg []byte, sig string) error {
	enc, ok := strings.CutPrefix(sig, sigPrefix)
	if !ok {
		return fmt.Errorf("%w: signature does not start with %q", ErrBadSignature, sigPrefix)
	}
	raw, err := strictb64.RawURL(enc)
	if err != nil || len(raw) != ed25519.SignatureSize {
		return fmt.Errorf("%w: signature is not %d bytes of unpadded base64url", ErrBadSignature, ed25519.SignatureSize)
	}
	if !ed25519.Verify(pub, msg, raw) {
		return ErrBadSignature
	}
	return nil
}

func canonical(obj any) ([]byte, error) {
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("chp: encode: %w", err)
	}
	return envelope.CanonicalJSON(b)
}

// HeartbeatDigest returns the digest an ACK binds: "sha256:" and the
// lower-case hex SHA-256 of the RFC 8785 canonical form of heartbeat, the
// chp-v1 heartbeat object (for a sealed heartbeat, the envelope's payload).
// Two encodings of one heartbeat (member order, white space, escapes) have
// one digest.
func HeartbeatDigest(heartbeat []byte) (string, error) {
	d, err := heartbeatDigest(heartbeat)
	if err != nil {
		return "", err
	}
	return digestString(d), nil
}

func heartbeatDigest(heartbeat []byte) ([32]byte, error) {
	canon, err := envelope.CanonicalJSON(heartbeat)
	if err != nil {
		return [32]byte{}, fmt.Errorf("%w: heartbeat: %w", ErrMalformed, err)
	}
	return sha256.Sum256(canon), nil
}

func digestString(d [32]byte) string { return "sha256:" + hex.EncodeToString(d[:]) }

// ackDigestMember is the member the signed bytes of an ACK carry and its
// wire form does not.
const ackDigestMember = "heartbeat_digest"

// SignAck fills in a.Packet ("ack"), a.AckID (a fresh UUIDv7 at
// a.Received) when empty, and a.RegistrySignature, and returns the ACK's
// JSON. The result validates against chp-v1.json.
//
// The signature binds the ACK to the heartbeat it answers: it covers the
// RFC 8785 canonical form of the ACK object without registry_signature and
// with one more member, "heartbeat_digest", whose value is the digest
// of heartbeat, the chp-v1 heartbeat the ACK answers (for a sealed
// heartbeat, the envelope's payload; see [HeartbeatDigest]). That member is
// not sent; a verifier that knows the heartbeat recomputes it
// ([VerifyAck]), so the ACK verifies for that heartbeat and for no other.
func SignAck(s envelope.Signer, a *Ack, heartbeat []byte) ([]byte, error) {
	d, err := heartbeatDigest(heartbeat)
	if err != nil {
		return nil, err
	}
	return signAck(s, a, d)
}

// signAck is [SignAck] for a heartbeat whose digest is known.
func signAck(s envelope.Signer, a *Ack, heartbeatDigest [32]byte) ([]byte, error) {
	a.Packet = "ack"
	a.Received = a.Received.UTC()
	if a.AckID == "" {
		a.AckID = newUUIDv7(a.Received)
	}
	if s.Algorithm() != "ed25519" {
		return nil, fmt.Errorf("chp: signer algorithm %q, want ed25519", s.Algorithm())
	}
	// The signed bytes are built directly: members in RFC 8785 order
	// (ack_id, heartbeat_digest, instance_ref, notes, packet, received,
	// status), strings escaped as RFC 8785 says. The ACK sent is the same
	// object without heartbeat_digest and with registry_signature in its
	// sorted place, so it is canonical too.
	// The digest and the time are ASCII that RFC 8785 writes as it is.
	msg := make([]byte, 0, 320)
	msg = appendMember(msg, '{', "ack_id", a.AckID)
	idEnd := len(msg)
	msg = append(msg, `,"`+ackDigestMember+`":"sha256:`...)
	msg = hex.AppendEncode(msg, heartbeatDigest[:])
	msg = append(msg, '"')
	digestEnd := len(msg)
	msg = appendMember(msg, ',', "instance_ref", a.InstanceRef)
	if a.Notes != "" {
		msg = appendMember(msg, ',', "notes", a.Notes)
	}
	msg = appendMember(msg, ',', "packet", a.Packet)
	msg = append(msg, `,"received":"`...)
	msg = a.Received.AppendFormat(msg, time.RFC3339Nano)
	msg = append(msg, '"')
	rest := len(msg)
	msg = appendMember(msg, ',', "status", string(a.Status))
	msg = append(msg, '}')
	sig, err := s.Sign(msg)
	if err != nil {
		return nil, fmt.Errorf("chp: sign: %w", err)
	}
	out := make([]byte, 0, len(msg)+b64.EncodedLen(len(sig))+32)
	out = append(out, msg[:idEnd]...)
	out = append(out, msg[digestEnd:rest]...)
	out = append(out, `,"registry_signature":"`...)
	sigStart := len(out)
	out = append(out, sigPrefix...)
	out = b64.AppendEncode(out, sig)
	a.RegistrySignature = string(out[sigStart:])
	out = append(out, '"')
	return append(out, msg[rest:]...), nil
}

func appendMember(dst []byte, sep byte, key, value string) []byte {
	dst = append(dst, sep)
	dst = jcs.AppendString(dst, key)
	dst = append(dst, ':')
	return jcs.AppendString(dst, value)
}

// VerifyAck parses an ACK, validates it against chp-v1.json and checks its
// registry_signature against the registry's Ed25519 public key (the
// "ed25519:z..." form or hex) and heartbeat, the chp-v1 heartbeat it
// answers (for a sealed heartbeat, the envelope's payload): an ACK made for
// any other heartbeat does not verify. Errors wrap [ErrMalformed],
// [ErrDuplicateKey], [ErrSchema], [ErrKeyMismatch] (unusable key) or
// [ErrBadSignature].
func VerifyAck(b []byte, registryKey string, heartbeat []byte) (*Ack, error) {
	pub, err := envelope.ParseEd25519PublicKey(registryKey)
	if err != nil {
		return nil, fmt.Errorf("%w: registry key: %v", ErrKeyMismatch, err)
	}
	d, err := heartbeatDigest(heartbeat)
	if err != nil {
		return nil, err
	}
	return verifyAck(b, pub, d)
}

// verifyAck checks an ACK against the registry key and the digest of the
// heartbeat it answers.
func verifyAck(b []byte, pub ed25519.PublicKey, digest [32]byte) (*Ack, error) {
	a, doc, err := decodeAck(b)
	if err != nil {
		return nil, err
	}
	// The signature covers the ACK as received, re-encoded canonically
	// (received is signed in the exact form it was sent), with the
	// heartbeat's digest added.
	delete(doc, "registry_signature")
	doc[ackDigestMember] = digestString(digest)
	msg, err := appendCanonical(nil, doc)
	if err != nil {
		return nil, err
	}
	if err := verifySignature(pub, msg, a.RegistrySignature); err != nil {
		return nil, fmt.Errorf("ack %s: %w (signed for another heartbeat, or by another key)", a.AckID, err)
	}
	return a, nil
}

// DecodeAck parses an ACK and validates it against chp-v1.json, without
// checking its signature.
func DecodeAck(b []byte) (*Ack, error) {
	a, _, err := decodeAck(b)
	return a, err
}

// decodeAck reads an ACK once and returns it with its parsed form.
func decodeAck(b []byte) (*Ack, map[string]any, error) {
	doc, err := parseStrict(b)
	if err != nil {
		return nil, nil, err
	}
	m, ok := doc.(map[string]any)
	if !ok {
		return nil, nil, fmt.Errorf("%w: ack is not a JSON object", ErrMalformed)
	}
	if err := validate("ack", doc); err != nil {
		return nil, nil, err
	}
	// After validation every member has the type the schema gives it.
	str := func(k string) string { s, _ := m[k].(string); return s }
	a := &Ack{Packet: str("packet"), AckID: str("ack_id"), InstanceRef: str("instance_ref"),
		RegistrySignature: str("registry_signature"), Status: AckStatus(str("status")), Notes: str("notes")}
	if a.Received, err = parseTime("ack", str("received")); err != nil {
		return nil, nil, err
	}
	return a, m, nil
}

// newUUIDv7 returns an RFC 9562 version 7 UUID for time t.
func newUUIDv7(t time.Time) string {
	var u [16]byte
	ms := uint64(t.UnixMilli())
	for i := range 6 {
		u[i] = byte(ms >> (40 - 8*i))
	}
	_, _ = rand.Read(u[6:]) // crypto/rand.Read never fails
	u[6] = u[6]&0x0f | 0x70
	u[8] = u[8]&0x3f | 0x80
	return formatUUID(&u)
}

// newUUIDv4 returns an RFC 9562 version 4 UUID.
func newUUIDv4() string {
	var u [16]byte
	_, _ = rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return formatUUID(&u)
}

// formatUUID writes u in the RFC 9562 string form: lower-case hex in groups
// of 8, 4, 4, 4 and 12 digits joined by hyphens.
func formatUUID(u *[16]byte) string {
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	hex.Encode(b[9:13], u[4:6])
	hex.Encode(b[14:18], u[6:8])
	hex.Encode(b[19:23], u[8:10])
	hex.Encode(b[24:36], u[10:16])
	b[8], b[13], b[18], b[23] = '-', '-', '-', '-'
	return string(b[:])
}
