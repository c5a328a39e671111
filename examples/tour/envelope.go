package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/accordsdk/accord/envelope"
)

func init() { register(10, "envelope", tourEnvelope) }

// tourEnvelope seals and opens JSON and CBOR envelopes, shows that a tampered
// envelope, a replay and a wrong type are refused, and rotates a key.
func tourEnvelope(_ context.Context, r *report) error {
	_, oldPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	_, newPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	oldKey, newKey := envelope.NewEd25519Signer(oldPriv), envelope.NewEd25519Signer(newPriv)
	r.step("sender key %.32s...", oldKey.PublicKey())

	// A clock the tour moves by hand, so that rotation happens "later".
	now := time.Now().Truncate(time.Second)
	clock := func() time.Time { return now }
	ring := envelope.NewKeyRing()
	if err := ring.Add(oldKey.PublicKey()); err != nil {
		return err
	}
	// This verifier lives as long as the tour, so no earlier verifier can have
	// accepted these envelopes: the start-up fence is not needed.
	v, err := envelope.NewVerifier(envelope.WithTypes("tour/hello"), envelope.WithKeyRing(ring),
		envelope.WithClock(clock), envelope.WithoutStartupFence())
	if err != nil {
		return err
	}
	type hello struct {
		Greeting string `json:"greeting" cbor:"greeting"`
		Count    int    `json:"count" cbor:"count"`
	}

	js, err := envelope.Seal(oldKey, "tour/hello", hello{"hello, accord", 1}, envelope.WithTimestamp(now))
	if err != nil {
		return err
	}
	r.step("sealed a JSON envelope (%d bytes, RFC 8785 canonical)", len(js))
	e, err := v.Open(js)
	if err != nil {
		return fmt.Errorf("open json: %w", err)
	}
	var got hello
	if err := e.DecodePayload(&got); err != nil || got.Count != 1 {
		return fmt.Errorf("json payload %+v: %v", got, err)
	}
	r.verified("JSON envelope opened: type %s, alg %s, payload %q", e.Type, e.Alg, got.Greeting)

	cb, err := envelope.SealCBOR(oldKey, "tour/hello", hello{"hello, accord", 2}, envelope.WithTimestamp(now))
	if err != nil {
		return err
	}
	r.step("sealed a CBOR envelope (%d bytes, core deterministic encoding)", len(cb))
	if e, err = v.Open(cb); err != nil {
		return fmt.Errorf("open cbor: %w", err)
	}
	if err := e.DecodePayload(&got); err != nil || got.Count != 2 {
		return fmt.Errorf("cbor payload %+v: %v", got, err)
	}
	r.verified("CBOR envelope opened: format %s, count %d", e.Format, got.Count)

	if err := expect(v, tamper(js), envelope.ErrBadSignature); err != nil {
		return fmt.Errorf("tampered envelope: %w", err)
	}
	r.verified("a payload altered in flight is refused (bad signature)")
	if err := expect(v, js, envelope.ErrReplay); err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	r.verified("the same envelope sent again is refused (replay)")
	other, err := envelope.Seal(oldKey, "tour/other", hello{"wrong door", 3}, envelope.WithTimestamp(now))
	if err != nil {
		return err
	}
	if err := expect(v, other, envelope.ErrTypeNotAllowed); err != nil {
		return fmt.Errorf("wrong type: %w", err)
	}
	r.verified("an envelope of a type the verifier was not told to accept is refused")

	rotation := now.Add(10 * time.Second)
	if err := ring.Add(newKey.PublicKey(), envelope.ValidFrom(rotation)); err != nil {
		return err
	}
	if err := ring.Retire(oldKey.PublicKey(), rotation); err != nil {
		return err
	}
	now = rotation.Add(time.Second)
	r.step("rotated to key %.32s... at %s", newKey.PublicKey(), rotation.UTC().Format(time.RFC3339))
	stale, err := envelope.Seal(oldKey, "tour/hello", hello{"old key", 4}, envelope.WithTimestamp(now))
	if err != nil {
		return err
	}
	if err := expect(v, stale, envelope.ErrKeyNotValid); err != nil {
		return fmt.Errorf("retired key: %w", err)
	}
	r.verified("the retired key no longer signs new envelopes")
	fresh, err := envelope.Seal(newKey, "tour/hello", hello{"new key", 5}, envelope.WithTimestamp(now))
	if err != nil {
		return err
	}
	if _, err := v.Open(fresh); err != nil {
		return fmt.Errorf("new key: %w", err)
	}
	r.verified("the new key's envelopes open")
	return nil
}

// tamper returns a copy of a JSON envelope with one payload character changed.
func tamper(msg []byte) []byte {
	out := append([]byte(nil), msg...)
	for i := range out {
		if out[i] == 'h' { // the first letter of "hello" in the payload
			out[i] = 'j'
			break
		}
	}
	return out
}

// expect opens msg and checks that it fails with want.
func expect(v *envelope.Verifier, msg []byte, want error) error {
	_, err := v.Open(msg)
	if !errors.Is(err, want) {
		return fmt.Errorf("got %v, want %v", err, want)
	}
	return nil
}
