package envelope_test

import (
	"crypto"
	"crypto/ed25519"
	"errors"
	"fmt"
	"time"

	"github.com/accordsdk/accord/envelope"
	"github.com/cloudflare/circl/sign/mldsa/mldsa65"
)

// key returns a fixed Ed25519 key, so the examples print the same output.
func key(b byte) ed25519.PrivateKey {
	seed := make([]byte, ed25519.SeedSize)
	for i := range seed {
		seed[i] = b
	}
	return ed25519.NewKeyFromSeed(seed)
}

type heartbeat struct {
	Agent string `json:"agent"`
	Seq   int    `json:"seq"`
}

func ExampleSeal() {
	signer := envelope.NewEd25519Signer(key(1))
	msg, err := envelope.Seal(signer, "chp/heartbeat", heartbeat{Agent: "a1", Seq: 1},
		envelope.WithTimestamp(time.Unix(1767657600, 0)),
		envelope.WithNonce(make([]byte, envelope.NonceSize))) // fixed only for this example
	if err != nil {
		panic(err)
	}
	fmt.Println(string(msg))
	// Output:
	// {"alg":"ed25519","nonce":"AAAAAAAAAAAAAAAAAAAAAA","payload":{"agent":"a1","seq":1},"sender_pubkey":"ed25519:z6Mkon3Necd6NkkyfoGoHxid2znGc59LU3K7mubaRcFbLfLX","signature":"XL7QAK2y1fo_KP3B1WXn-feJpaeuQkl2wedoUNn2i7q0JjZO7raby7KQtuFWeiGdD_zPp8ZW1B4YplNyLYhZBw","timestamp":1767657600,"type":"chp/heartbeat","v":1}
}

func ExampleVerifier_Open() {
	signer := envelope.NewEd25519Signer(key(1))
	now := time.Unix(1767657600, 0)
	v, err := envelope.NewVerifier(
		envelope.WithTypes("chp/heartbeat"),
		envelope.WithKeys(signer.PublicKey()),
		envelope.WithClock(func() time.Time { return now }),
		envelope.WithoutStartupFence(), // the example's verifier has no predecessor
	)
	if err != nil {
		panic(err)
	}
	msg, _ := envelope.Seal(signer, "chp/heartbeat", heartbeat{Agent: "a1", Seq: 1}, envelope.WithTimestamp(now))

	e, err := v.Open(msg)
	if err != nil {
		panic(err)
	}
	var hb heartbeat
	if err := e.DecodePayload(&hb); err != nil {
		panic(err)
	}
	fmt.Println(e.Type, hb.Agent, hb.Seq)

	_, err = v.Open(msg)
	fmt.Println(errors.Is(err, envelope.ErrReplay))
	// Output:
	// chp/heartbeat a1 1
	// true
}

func ExampleVerifier_OpenWith() {
	signer := envelope.NewEd25519Signer(key(1))
	now := time.Unix(1767657600, 0)
	v, _ := envelope.NewVerifier(envelope.WithTypes("chp/heartbeat"), envelope.WithKeys(signer.PublicKey()),
		envelope.WithClock(func() time.Time { return now }), envelope.WithoutStartupFence())
	errNoAgent := errors.New("heartbeat without agent")
	// The payload is decoded once, before the signature is checked; a
	// payload the receiver refuses costs no signature verification.
	var hb heartbeat
	check := func(e *envelope.Envelope) error {
		hb = heartbeat{}
		if err := e.DecodePayload(&hb); err != nil {
			return err
		}
		if hb.Agent == "" {
			return errNoAgent
		}
		return nil
	}

	anonymous, _ := envelope.Seal(signer, "chp/heartbeat", heartbeat{Seq: 1}, envelope.WithTimestamp(now))
	_, err := v.OpenWith(anonymous, check)
	fmt.Println(err)

	msg, _ := envelope.Seal(signer, "chp/heartbeat", heartbeat{Agent: "a1", Seq: 2}, envelope.WithTimestamp(now))
	if _, err := v.OpenWith(msg, check); err != nil {
		panic(err)
	}
	fmt.Println(hb.Agent, hb.Seq) // authentic: OpenWith returned no error
	// Output:
	// heartbeat without agent
	// a1 2
}

func ExampleSealCBOR() {
	signer := envelope.NewEd25519Signer(key(1))
	now := time.Unix(1767657600, 0)
	msg, err := envelope.SealCBOR(signer, "chp/heartbeat", map[string]any{"agent": "a1", "seq": 1},
		envelope.WithTimestamp(now))
	if err != nil {
		panic(err)
	}
	v, _ := envelope.NewVerifier(envelope.WithTypes("chp/heartbeat"), envelope.WithKeys(signer.PublicKey()),
		envelope.WithClock(func() time.Time { return now }), envelope.WithoutStartupFence())
	e, err := v.Open(msg)
	if err != nil {
		panic(err)
	}
	fmt.Println(e.Format, e.Type)
	// Output: cbor chp/heartbeat
}

func ExampleKeyRing_Retire() {
	oldKey := envelope.NewEd25519Signer(key(1))
	newKey := envelope.NewEd25519Signer(key(2))
	rotation := time.Unix(1767657600, 0)
	now := rotation.Add(-time.Minute)

	ring := envelope.NewKeyRing()
	_ = ring.Add(oldKey.PublicKey())
	v, _ := envelope.NewVerifier(envelope.WithTypes("chp/heartbeat"), envelope.WithKeyRing(ring),
		envelope.WithClock(func() time.Time { return now }), envelope.WithoutStartupFence())
	before, _ := envelope.Seal(oldKey, "chp/heartbeat", heartbeat{Seq: 1}, envelope.WithTimestamp(now))

	// Rotate: the new key signs from the rotation on; the old one only before.
	_ = ring.Add(newKey.PublicKey(), envelope.ValidFrom(rotation))
	_ = ring.Retire(oldKey.PublicKey(), rotation)
	_, err := v.Open(before)
	fmt.Println("old key, sealed before rotation:", err)

	now = rotation.Add(time.Second)
	late, _ := envelope.Seal(oldKey, "chp/heartbeat", heartbeat{Seq: 2}, envelope.WithTimestamp(now))
	_, err = v.Open(late)
	fmt.Println("old key, sealed after rotation:", errors.Is(err, envelope.ErrKeyNotValid))
	fresh, _ := envelope.Seal(newKey, "chp/heartbeat", heartbeat{Seq: 3}, envelope.WithTimestamp(now))
	_, err = v.Open(fresh)
	fmt.Println("new key:", err)
	// Output:
	// old key, sealed before rotation: <nil>
	// old key, sealed after rotation: true
	// new key: <nil>
}

func ExampleCanonicalJSON() {
	out, err := envelope.CanonicalJSON([]byte(`{"b": 2, "a": [1.50, 1e3, "\u00e9"]}`))
	fmt.Println(string(out), err)
	// Output: {"a":[1.5,1000,"é"],"b":2} <nil>
}

func ExampleParseDigest() {
	d := envelope.Blake3([]byte("abc"))
	p, err := envelope.ParseDigest(d.String())
	fmt.Println(p.Equal(d), err)
	// Output: true <nil>
}

func ExampleFormatEd25519PublicKey() {
	pub := key(1).Public().(ed25519.PublicKey)
	fmt.Println(envelope.FormatEd25519PublicKey(pub))
	fmt.Println(envelope.Fingerprint(pub))
	// Output:
	// ed25519:z6Mkon3Necd6NkkyfoGoHxid2znGc59LU3K7mubaRcFbLfLX
	// sha256:34750f98bd59fcfc946da45aaabe933be154a4b5094e1c4abf42866505f3c97e
}

func ExampleNewHMACSigner() {
	secret := []byte("a 32-byte swarm secret, shared..") // from a key exchange, never a constant
	signer, err := envelope.NewHMACSigner("swarm-7", secret)
	if err != nil {
		panic(err)
	}
	now := time.Unix(1767657600, 0)
	msg, _ := envelope.Seal(signer, "pairing/channel", map[string]string{"op": "rekey"}, envelope.WithTimestamp(now))
	v, _ := envelope.NewVerifier(envelope.WithTypes("pairing/channel"), envelope.WithHMACKey("swarm-7", secret),
		envelope.WithClock(func() time.Time { return now }), envelope.WithoutStartupFence())
	e, err := v.Open(msg)
	fmt.Println(e.Alg, e.SenderPubkey, err)
	// Output: hmac-sha256 hmac:swarm-7 <nil>
}

func ExampleNewHybridSigner() {
	var seed [mldsa65.SeedSize]byte // fixed only for this example
	_, mlPriv := mldsa65.NewKeyFromSeed(&seed)
	hybrid, err := envelope.NewHybridSigner(envelope.NewEd25519Signer(key(1)), envelope.NewMLDSA65Signer(mlPriv))
	if err != nil {
		panic(err)
	}
	now := time.Unix(1767657600, 0)
	msg, _ := envelope.Seal(hybrid, "governance/vote", map[string]bool{"approve": true}, envelope.WithTimestamp(now))
	v, _ := envelope.NewVerifier(envelope.WithTypes("governance/vote"), envelope.WithKeys(hybrid.PublicKey()),
		envelope.WithClock(func() time.Time { return now }), envelope.WithoutStartupFence())
	e, err := v.Open(msg)
	fmt.Println(e.Alg, len(e.Signature), err)
	// Output: ed25519+ml-dsa-65 3373 <nil>
}

func ExampleNewCryptoSigner() {
	// Any crypto.Signer with an Ed25519 or ML-DSA-65 key plugs in: an HSM, a
	// KMS client, or (here) a key in memory.
	var hsm crypto.Signer = key(3)
	signer, err := envelope.NewCryptoSigner(hsm)
	if err != nil {
		panic(err)
	}
	fmt.Println(signer.Algorithm(), signer.PublicKey() == envelope.NewEd25519Signer(key(3)).PublicKey())
	// Output: ed25519 true
}

func ExampleVerifier_OpenBatch() {
	signer := envelope.NewEd25519Signer(key(1))
	now := time.Unix(1767657600, 0)
	v, _ := envelope.NewVerifier(envelope.WithTypes("chp/heartbeat"), envelope.WithKeys(signer.PublicKey()),
		envelope.WithClock(func() time.Time { return now }), envelope.WithoutStartupFence())
	var msgs [][]byte
	for i := range 3 {
		m, _ := envelope.Seal(signer, "chp/heartbeat", heartbeat{Agent: "a1", Seq: i}, envelope.WithTimestamp(now))
		msgs = append(msgs, m)
	}
	msgs = append(msgs, msgs[0]) // a replay inside the batch
	accepted, replays := 0, 0
	for _, r := range v.OpenBatch(msgs) {
		switch {
		case r.Err == nil:
			accepted++
		case errors.Is(r.Err, envelope.ErrReplay):
			replays++
		}
	}
	fmt.Println(accepted, replays)
	// Output: 3 1
}

func ExampleWithTrustOnFirstUse() {
	newcomer := envelope.NewEd25519Signer(key(5))
	now := time.Unix(1767657600, 0)
	ring := envelope.NewKeyRing()
	// Learn keys only from senders that say they are sentinels; the key is
	// added only once an envelope signed by it verifies.
	policy := func(e *envelope.Envelope) bool { return e.SenderType == "sentinel" }
	v, _ := envelope.NewVerifier(envelope.WithTypes("cahp/discovery"), envelope.WithKeyRing(ring),
		envelope.WithTrustOnFirstUse(policy),
		envelope.WithClock(func() time.Time { return now }), envelope.WithoutStartupFence())
	msg, _ := envelope.Seal(newcomer, "cahp/discovery", map[string]int{"hello": 1},
		envelope.WithTimestamp(now), envelope.WithSenderType("sentinel"))
	_, err := v.Open(msg)
	fmt.Println(err, len(ring.Keys()), ring.Keys()[0].Learned)
	// Output: <nil> 1 true
}
