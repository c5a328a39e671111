// Package pairing joins devices into a swarm with codes shown on a screen,
// and authenticates and encrypts the swarm's traffic.
//
// A swarm has a controller, the pocket, which creates the swarm secret, and
// zones, computers with peripherals. A zone joins only after a person reads
// the code on the zone's own screen and types it on the pocket; a device
// already in the swarm can host pairing for others (a new pocket after a
// loss, or another zone) in the same way. The code never travels on the
// network: the two devices run CPace, a password-authenticated key exchange,
// keyed by the code, so that someone who records every message learns
// nothing that lets them test a guess offline, and someone who takes part
// gets one guess per attempt. Swarm messages are [envelope] envelopes of
// algorithm hmac-sha256 under a key derived from the swarm secret, with their
// data encrypted, refused when replayed, reordered, stale or from another
// swarm. The secret can be rotated, excluding a lost or removed device.
//
// # Codes
//
// A code is 8 symbols of [CodeAlphabet] (capital letters and digits without
// I, O, 0 and 1), 40 bits from crypto/rand, shown as "XXXX-XXXX" ([NewCode]).
// Input ignores case, dashes and spaces ([ParseCode]). A code is single use,
// expires after [CodeLifetime] (60 s; the device then shows a new one), and
// answers at most [MaxAttempts] (3) key exchanges: each is one guess for an
// attacker, and after the third the device stops ([ErrTooManyAttempts])
// until a person starts it again and a new code is shown. Every code is
// fresh: there is no standing pairing code.
//
// # Key exchange
//
// CPace (draft-irtf-cfrg-cpace-21), cipher suite CPACE-RISTR255-SHA512:
// group ristretto255 (RFC 9496), hash SHA-512, in the initiator-responder
// setting. The device that shows the code is the responder B, the one on
// which it is typed the initiator A.
//
//   - PRS is the code's 8 symbols in ASCII, without the dash ("6MZUNE7X").
//   - CI is lv_cat("accord-pairing-v1", flow), flow "deliver" when a zone
//     accepts from a pocket and "join" when a device joins through a host.
//   - sid is 16 random bytes chosen by A and sent in its first message.
//   - ADa is A's computerId, ADb is B's (ASCII).
//   - The generator is the draft's: SHA-512 of generator_string(
//     "CPaceRistretto255", PRS, CI, sid, 128), mapped by the ristretto255
//     one-way map. Scalars are 32 random bytes with the top four bits
//     cleared. Shares are 32-byte encodings; a share that does not decode,
//     or gives the neutral element, aborts ([ErrBadShare]).
//   - ISK = SHA-512(lv_cat("CPaceRistretto255_ISK", sid, K) ||
//     lv_cat(Ya, ADa) || lv_cat(Yb, ADb)).
//   - Key confirmation ("CPaceMac", section 10.4 of the draft): mac_key =
//     SHA-512("CPaceMac" || sid || ISK); Ta = HMAC-SHA512(mac_key,
//     lv_cat(Ya, ADa)); Tb = HMAC-SHA512(mac_key, lv_cat(Yb, ADb)). B sends
//     Tb with its share; A checks it before sending anything secret, then
//     sends Ta; B checks Ta. A wrong code fails the check on both sides and
//     nothing is delivered ([ErrWrongCode]).
//   - Sealed members: the canonical JSON of a body, encrypted with
//     AES-256-GCM under HKDF-SHA512(ISK, salt sid, info
//     "accord-pairing-v1 seal " + message type) (32 bytes), a nonce of
//     twelve zero bytes (each key seals one message) and the message type
//     as associated data; the sealed member is the unpadded base64url of
//     the ciphertext followed by the 16-byte tag.
//
// lv_cat prefixes each part with its length in LEB128, as the draft
// defines.
//
// # Pairing messages
//
// Each pairing message is one JSON object, sent as RFC 8785 canonical JSON
// and read strictly ([ParseMessage]: no unknown or duplicate members, the
// members its type needs and no others, at most 4096 bytes). Binary members
// are unpadded base64url: session and sid 16 bytes, share 32, confirm 64.
// Every message has "type" and "v": 1. computerId is 1 to 64 of
// [A-Za-z0-9._-]; label 1 to 64 printable characters.
//
// A zone accepts the swarm from a pocket ([AcceptFromPocket] on the zone,
// [DeliverToPending] on the pocket):
//
//	zone → all     PAIR_READY    {label, computerId, session}         every second, no code
//	pocket → zone  PAIR_OFFER    {label, computerId, session, sid, share=Ya}
//	zone → pocket  PAIR_ANSWER   {label, computerId, sid, share=Yb, confirm=Tb}
//	pocket → zone  PAIR_DELIVER  {sid, confirm=Ta, sealed}
//	zone → pocket  PAIR_COMPLETE {sid, sealed}
//
// The pocket lists the zones whose PAIR_READY it hears, by label; the person
// picks one and types the code on its screen. session is the zone's current
// code display (a new code, a new session). The sealed member of
// PAIR_DELIVER is {secret, swarm, epoch, zoneId, zoneName}: the 32-byte
// swarm secret (base64url), the swarm's identifier, the secret's epoch, and
// the giver's zone id and name. PAIR_COMPLETE seals {label, success: true}
// with the zone's own label.
//
// A device joins through a host already in the swarm ([HostSession] on the
// host, [JoinWithCode] on the joiner):
//
//	joiner → all   pair_request  {label, computerId, sid, share=Ya}
//	host → joiner  PAIR_ANSWER   {label, computerId, sid, share=Yb, confirm=Tb}
//	joiner → host  pair_confirm  {sid, confirm=Ta}
//	host → joiner  pair_response {sid, sealed}
//
// pair_response seals {success: true, secret, swarm, epoch, zoneId,
// zoneName}. A host serves joiners one after another, each with a fresh
// code, and reports how many joined.
//
// Either side may cancel a run with PAIR_REJECT, in one of two forms:
//
//	PAIR_REJECT {sid, reason}   before the sender has checked the peer's confirmation tag
//	PAIR_REJECT {sid, sealed}   after: sealed {reason} under the run's key
//
// The sealed form uses the sealing above with type "PAIR_REJECT"; reason is
// 1 to 200 bytes of UTF-8. A reject in clear (a wrong code, a dead code, a
// bad share, too many attempts) authenticates nothing: anyone on the
// network can send one, and all it can do is cancel one attempt. The typist
// gets a [*RejectError] with Authenticated false and tries again; the code
// holder forgets the run, whose attempt it already counted when it
// answered. It never delivers or changes anything, spends no attempt of
// the code itself, and is ignored once the side it reaches has checked the peer's
// tag: from then on only a reject sealed under the run's key ends the run
// ([*RejectError] with Authenticated true), and one in clear or sealed under
// another key is dropped while the run goes on, and so is a PAIR_COMPLETE or
// pair_response whose sealed member does not open under it. A sealed reject
// that reaches a side without a confirmed key is dropped too, since it
// cannot be checked.
//
// A side that waits for a reply sends its last message again every 500 ms;
// the other side answers a repeat with the reply it already sent, without
// spending another attempt.
//
// Two files in testdata hold complete runs with their scalars and keys, for
// a second implementation to check itself against:
// pairing-transcript.json a zone accepting from a pocket (and its first
// ANNOUNCE), recovery-transcript.json a device joining through a host
// (pair_request to pair_response), a sealed PAIR_REJECT of that run, a
// REKEY with the addressee's X25519 key, and a PERIPH_CALL under the new
// epoch.
//
// # Swarm channel
//
// Swarm messages ([Channel]) are JSON envelopes of the envelope package, type
// "swarm/" + kind (ANNOUNCE, DISCOVER, PERIPH_ANNOUNCE, PERIPH_CALL,
// PERIPH_RESULT, REKEY), alg "hmac-sha256", sender_pubkey "hmac:<key id>".
// For secret epoch e of swarm s, HKDF-SHA256 with the secret as input and
// "accord-swarm-v1" as salt gives the MAC key (info "mac <s> <e>", 32
// bytes), the encryption key ("enc <s> <e>", 32 bytes) and the key id "e<e>-"
// followed by the hex of 8 bytes ("id <s> <e>"). The payload's plaintext is
// the frame, the canonical JSON of
//
//	{"body": <typed payload>, "from": <computerId>, "seq": <n>, "to": <computerId>}
//
// ("to" absent for everyone). By default the payload is {"ct": <base64url>},
// the frame encrypted with AES-256-GCM under the encryption key, the
// envelope's 16-byte nonce as nonce (GCM with a 16-byte nonce, which NIST SP
// 800-38D hashes into the counter block, not the usual 12) and the envelope
// type as associated data, ciphertext then the 16-byte tag; [WithAuthOnly] sends the frame itself as the payload (an encrypting
// channel refuses such messages, [ErrPlaintext]). The envelope's HMAC covers
// everything.
//
// A channel accepts a message when its key is one it holds
// ([ErrUnknownKey] otherwise: another swarm, or an epoch it missed), its
// timestamp is at most [DefaultWindow] (5 minutes) old and at most
// [DefaultFutureSkew] (30 s) ahead of the local clock ([ErrStale]), its HMAC
// verifies ([ErrBadMAC]), its nonce is new ([ErrReplay]; nonces are kept for
// the window), and its seq is above the last one accepted from the same
// sender ([ErrReordered]). seq is the sender's clock in microseconds, raised
// by one when needed, so it increases across restarts. After a restart a
// device refuses messages timestamped up to its start-up fence, the latest
// timestamp it could have accepted before ([WithStartupFence]; a [Device]
// records it in its configuration: written ahead while it runs, so the pause
// after a crash is at most the future skew plus 10 s, and set to the latest
// timestamp it accepted when it stops, so the pause after a clean stop is
// about a second). A [Node] drops what fails quietly: a
// device of another swarm, or one not in a swarm, ignores the traffic.
//
// Typed payloads: [Announce], [Discover], [PeriphAnnounce], [PeriphCall],
// [PeriphResult], [Rekey]. A call is matched to its result by the caller's
// request id; no result within the timeout is [ErrTimeout], an error result
// a [*CallError].
//
// # Rotation and removal
//
// The controller rotates the secret ([Node.Rotate]): it draws the secret of
// epoch e+1 and sends each member it knows a REKEY under epoch e, addressed
// to it, whose body is {ephemeral, epoch: e+1, graceSeconds, sealed}: sealed
// is the canonical JSON of {secret, swarm, epoch} encrypted with AES-256-GCM
// (twelve zero bytes as nonce, the member's zoneId as associated data) under
// the 32 bytes of HKDF-SHA256(X25519(ephemeral, member's device key), salt
// ephemeral || device key, info "accord-swarm-v1 rekey <s> <e+1>"), where
// ephemeral is the controller's fresh X25519 public key (base64url). Members announce
// their X25519 device key in ANNOUNCE. Everyone then sends under e+1 and
// accepts e for messages timestamped up to graceSeconds (the REKEY's, at
// most the member's own grace period, [DefaultGrace] by default) after the
// rotation. A member that was off during the rotation is sent it again if it
// shows up within the grace period; after that it must be paired again. A
// member takes a REKEY only when it comes under its current epoch, never
// under one still in its grace period.
//
// Leaving a device out of a rotation removes it: it cannot read the new
// secret. Such a rotation has graceSeconds 0: the controller and each member
// that takes it drop epoch e at once (a key kept for a grace period would
// still verify whatever the excluded device backdates into it), so the
// excluded device's traffic is refused from then on, and a member that
// misses the rotation pairs again.
//
// # Recovery after a lost pocket
//
// A zone already in the swarm hosts pairing ([HostSession]) and shows a
// code; the new pocket joins with it ([JoinWithCode], the pair_request flow
// above), stores the grant ([Device.Join]) and thereby becomes the
// controller. Once it runs, [Node.RotationOffer] lists the other devices
// that announce themselves as controller, the lost pocket among them, and
// the members to keep; [Node.Rotate] with the offer's ids shuts the lost
// pocket out as described above.
//
// # Trust model
//
// Physical access to a device's screen is what admits a device: whoever
// types the code that the device shows is trusted with the swarm secret.
// Everyone holding the current secret is a full member: the swarm channel
// authenticates the swarm, not the individual sender (from is asserted by
// the sender), so a member can impersonate another member. A device that
// is lost keeps its secret until a rotation leaves it out; rotate promptly
// after a loss. A lost device that is still active can send its own
// rotation first (until a rotation leaves it out) or answer for others,
// and a member's announced device key
// is trusted as announced; when that matters, leave the swarm, create a
// new one and pair each device again with its code. Messages on the network
// are visible; the code, the secret and (by default) the swarm data are
// not. Secrets on disk are in a file of mode 0600 written atomically.
//
// # Devices
//
// A [Device] keeps its state in a directory: [ConfigFile], with the fields
// zoneId, zoneName, isController and network {enabled, secret, swarm,
// epoch, acceptedUntil}, and [KeyFile], its Ed25519 identity key, from
// which its computer id and its X25519 device key come: the computer id
// (also its zone id) is "d" and the hex of the first 12 bytes of SHA-256 of
// the Ed25519 public key, and the device key is the X25519 key whose scalar
// is the lower half of SHA-512 of the 32-byte Ed25519 private key (RFC 8032
// §5.1.5; X25519 clamps it). Peers check neither: both are asserted by the
// device (see the trust model). [IsInSwarm] and
// [SetNetworkSecret] read and set the secret. [Device.Start] rejoins the
// swarm from the stored state; an unpaired zone says that it is not in a
// swarm and how to pair, and an unpaired pocket can only create or join a
// swarm ([Device.Status], [Device.Actions]).
//
// # Transports
//
// A [Transport] broadcasts and sends to one address, like a radio network.
// [MemNetwork] connects devices in one process; [UDPTransport] uses UDP
// datagrams (a protocol byte, 'P' for pairing and 'S' for swarm, then the
// message) on loopback ([ListenLoopback]) or a LAN.
package pairing
