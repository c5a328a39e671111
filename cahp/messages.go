package cahp

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"

	"github.com/accordsdk/accord/envelope"
	"github.com/accordsdk/accord/internal/strictb64"
	"github.com/accordsdk/accord/internal/strictjson"
)

// Version is the protocol version written in discovery parameters.
const Version = "cahp/1.1"

// Kinds of agent, the values of an envelope's sender_type.
const (
	// KindMetabolic proves itself by burning value on a chain.
	KindMetabolic = "metabolic"
	// KindOpenWeight proves itself by committing to its model's weights.
	KindOpenWeight = "open_weight"
)

// Envelope types of the five phases, and of the abort message.
const (
	TypeDiscovery = "cahp/discovery"
	TypeProof     = "cahp/proof"
	TypeChallenge = "cahp/challenge"
	TypeResponse  = "cahp/response"
	TypeTicket    = "cahp/ticket"
	TypeAbort     = "cahp/abort"
)

// Proof types of phase 2 and the challenge type of phase 3.
const (
	ProofBurn         = "burn_tx"
	ProofWeights      = "weight_commitment"
	ChallengeHashcash = "hashcash"
)

// Sizes of the binary values of the payloads.
const (
	SessionIDSize      = 16 // session_id
	ChallengeNonceSize = 32 // challenge_nonce
	KexKeySize         = 32 // kex_pubkey (X25519)
	MinPrefixSize      = 16 // hashcash prefix, at least
	MaxPrefixSize      = 64 // hashcash prefix, at most
)

// Limits on payload lists and strings.
const (
	maxCapabilities  = 32
	maxCapabilityLen = 64
	maxTxHashLen     = 130
	maxChainLen      = 41 // CAIP-2: 3-8 namespace, ':', 1-32 reference
	maxReasonLen     = 200
	maxProofDepth    = 64
	maxAmountDigits  = 78 // 2^256 has 78 decimal digits
)

// Discovery is the payload of phase 1, sent by each side: the initiator
// opens the session with it and the responder answers with its own.
type Discovery struct {
	// SessionID is 16 random bytes chosen by the initiator (base64url);
	// the responder's discovery repeats it.
	SessionID string `json:"session_id" strictjson:"required"`
	// Capabilities are those the initiator wants, or those the responder
	// offers it.
	Capabilities []string   `json:"capabilities" strictjson:"required"`
	Parameters   Parameters `json:"parameters" strictjson:"required"`
}

// Parameters are the handshake parameters of a [Discovery].
type Parameters struct {
	// Version is [Version].
	Version string `json:"version" strictjson:"required"`
	// Kex is "x25519".
	Kex string `json:"kex" strictjson:"required"`
	// KexPubkey is the sender's ephemeral X25519 public key (base64url).
	KexPubkey string `json:"kex_pubkey" strictjson:"required"`
	// ChallengeNonce is 32 random bytes (base64url) that the peer's weight
	// commitment must bind (session_nonce_commitment).
	ChallengeNonce string `json:"challenge_nonce" strictjson:"required"`
	// MaxDifficulty is, from the initiator, the most hashcash difficulty it
	// will solve; from the responder, the difficulty its challenge will ask.
	MaxDifficulty int `json:"max_difficulty" strictjson:"required"`
}

// Proof is the payload of phase 2. Each side sends the proof of its own
// kind: a burn ([ProofBurn], metabolic) or a weight commitment
// ([ProofWeights], open_weight). The members of the other kind are absent.
type Proof struct {
	SessionID string `json:"session_id" strictjson:"required"`
	ProofType string `json:"proof_type" strictjson:"required"`

	// Chain is the CAIP-2 id of the chain burnt on, e.g. "eip155:1".
	Chain string `json:"chain,omitempty"`
	// TxHash is the burn transaction's hash as the chain writes it
	// ("0x" and 64 hex digits on eip155).
	TxHash string `json:"tx_hash,omitempty"`
	// BurnAmountSats is the amount burnt, a decimal integer string in the
	// chain's smallest unit (wei on eip155:*, satoshi on bip122:*).
	BurnAmountSats string `json:"burn_amount_sats,omitempty"`
	// SessionBinding is the 32-byte binding (base64url) the burn carries,
	// [BurnBinding] of the discovery transcript.
	SessionBinding string `json:"session_binding,omitempty"`

	// MerkleRoot is the weight commitment's root, "blake3:<64 hex>".
	MerkleRoot string `json:"merkle_root,omitempty"`
	// SessionNonceCommitment binds MerkleRoot to the session and the
	// challenger's nonce, "blake3:<64 hex>" ([NonceCommitment]).
	SessionNonceCommitment string `json:"session_nonce_commitment,omitempty"`
	// LeafCount is the number of leaves of the tree: 1 + the number of chunks.
	LeafCount int64 `json:"leaf_count,omitempty"`
	// ChunkSize is the chunk size in bytes.
	ChunkSize int64 `json:"chunk_size,omitempty"`
}

// Challenge is the payload of phase 3, sent by each side. The responder's
// asks for hashcash at its difficulty; the initiator's has difficulty 0. Both
// ask for spot checks of the peer's chunks when the peer is open_weight.
type Challenge struct {
	SessionID     string `json:"session_id" strictjson:"required"`
	ChallengeType string `json:"challenge_type" strictjson:"required"`
	// Prefix is 16 to 64 random bytes (base64url) chosen by the challenger.
	Prefix string `json:"prefix" strictjson:"required"`
	// Difficulty is the number of leading zero bits wanted, 0 to
	// [MaxDifficulty].
	Difficulty int `json:"difficulty" strictjson:"required"`
	// Target is [Target](Difficulty): 64 lowercase hex digits; a solution's
	// hash read as a big-endian number must not exceed it.
	Target string `json:"target" strictjson:"required"`
	// Expiry is the Unix time (seconds) after which a response is refused.
	Expiry int64 `json:"expiry" strictjson:"required"`
	// SpotChecks are the chunk indices (0-based, ascending, distinct) the
	// challenger wants opened; empty for a metabolic peer.
	SpotChecks []int64 `json:"spot_checks" strictjson:"required"`
}

// Response is the payload of phase 4, sent by each side in answer to the
// peer's challenge.
type Response struct {
	SessionID string `json:"session_id" strictjson:"required"`
	// Nonce is the hashcash counter found, 0 to 2^53-1.
	Nonce int64 `json:"nonce" strictjson:"required"`
	// Hash is the hashcash hash, "sha256:<64 hex>".
	Hash string `json:"hash" strictjson:"required"`
	// RuntimeSec is how long the solver ran, in seconds (informative, not
	// verified; rounded to milliseconds).
	RuntimeSec float64 `json:"runtime_sec" strictjson:"required"`
	// Openings open the chunks the peer's challenge asked for, in its order.
	Openings []Opening `json:"openings" strictjson:"required"`
	// KeyConfirmation is HMAC-SHA256 of the transcript so far under the
	// sender's confirmation key (base64url).
	KeyConfirmation string `json:"key_confirmation" strictjson:"required"`
}

// An Opening reveals one chunk of a weight commitment with its inclusion
// proof.
type Opening struct {
	Index int64    `json:"index" strictjson:"required"` // chunk index (leaf Index+1 of the tree)
	Chunk string   `json:"chunk" strictjson:"required"` // the chunk's bytes, base64url
	Proof []string `json:"proof" strictjson:"required"` // sibling hashes, leaf to root, base64url
}

// TicketPayload is the payload of phase 5: the responder's verdict. Its
// signed envelope is the session ticket ([VerifyTicket]).
type TicketPayload struct {
	SessionID    string   `json:"session_id" strictjson:"required"`
	Capabilities []string `json:"capabilities" strictjson:"required"`
	// Expiry is the Unix time (seconds) the ticket is valid until.
	Expiry int64 `json:"expiry" strictjson:"required"`
	// TrustScore is 0 to 100 (see the package documentation).
	TrustScore int `json:"trust_score" strictjson:"required"`
	// Subject is the initiator's key string.
	Subject string `json:"subject" strictjson:"required"`
	// SubjectType is the initiator's kind.
	SubjectType string `json:"subject_type" strictjson:"required"`
	// Transcript is SHA-256 of the handshake up to the initiator's
	// response, "sha256:<64 hex>": both sides hold it, it reveals no secret.
	Transcript string `json:"transcript" strictjson:"required"`
}

// Abort ends a session; either side may send it after refusing a message.
type Abort struct {
	SessionID string `json:"session_id" strictjson:"required"`
	Reason    string `json:"reason" strictjson:"required"`
}

var b64 = base64.RawURLEncoding.Strict()

// decodeBin decodes s, base64url without padding or, where a document wrote
// hex, 2n hexadecimal digits, into exactly n bytes.
func decodeBin(s string, n int, what string) ([]byte, error) {
	if len(s) == 2*n {
		if b, err := hex.DecodeString(s); err == nil {
			return b, nil
		}
	}
	b, err := strictb64.RawURL(s)
	if err != nil || len(b) != n {
		return nil, fmt.Errorf("%w: %s %.80q: want %d bytes in base64url", ErrMalformed, what, s, n)
	}
	return b, nil
}

// decodeVar decodes base64url s into 1 to max bytes.
func decodeVar(s string, max int, what string) ([]byte, error) {
	if len(s) > b64.EncodedLen(max) {
		return nil, fmt.Errorf("%w: %s of %d characters, want at most %d bytes", ErrMalformed, what, len(s), max)
	}
	b, err := strictb64.RawURL(s)
	if err != nil || len(b) == 0 {
		return nil, fmt.Errorf("%w: %s: want 1 to %d bytes in base64url", ErrMalformed, what, max)
	}
	return b, nil
}

// parseDigest reads "<alg>:<64 hex>" for alg "blake3" or "sha256".
func parseDigest(s, alg, what string) ([32]byte, error) {
	d, err := envelope.ParseDigest(s)
	if err != nil || d.Algorithm() != alg {
		return [32]byte{}, fmt.Errorf("%w: %s %.80q: want %s:<64 lowercase hex>", ErrMalformed, what, s, alg)
	}
	return d.Sum(), nil
}

func formatDigest(alg string, sum []byte) string { return alg + ":" + hex.EncodeToString(sum) }

// NewSessionID returns a fresh random session id.
func NewSessionID() string {
	var b [SessionIDSize]byte
	rand.Read(b[:])
	return b64.EncodeToString(b[:])
}

func parseSessionID(s string) ([]byte, error) { return decodeBin(s, SessionIDSize, "session_id") }

// checkCapabilities: at most 32 distinct names of 1 to 64 characters from
// [a-z0-9._:/-].
func checkCapabilities(caps []string) error {
	if len(caps) > maxCapabilities {
		return fmt.Errorf("%w: %d capabilities, want at most %d", ErrMalformed, len(caps), maxCapabilities)
	}
	seen := make(map[string]bool, len(caps))
	for _, c := range caps {
		if !validToken(c, maxCapabilityLen) {
			return fmt.Errorf("%w: capability %.80q: want 1 to %d characters of [a-z0-9._:/-]", ErrMalformed, c, maxCapabilityLen)
		}
		if seen[c] {
			return fmt.Errorf("%w: capability %q listed twice", ErrMalformed, c)
		}
		seen[c] = true
	}
	return nil
}

func validToken(s string, max int) bool {
	if len(s) == 0 || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("._:/-", c) >= 0) {
			return false
		}
	}
	return true
}

// decodePayload decodes a payload strictly: duplicate or unknown members,
// case-folded names, trailing data and non-I-JSON numbers are refused.
func decodePayload(payload []byte, v any) error {
	if err := strictjson.Unmarshal(payload, v, strictjson.MaxSize(maxBody)); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return nil
}

// ParseDiscovery decodes and checks a discovery payload (the payload bytes
// of a [TypeDiscovery] envelope). It verifies nothing cryptographic.
func ParseDiscovery(payload []byte) (*Discovery, error) {
	var d Discovery
	if err := decodePayload(payload, &d); err != nil {
		return nil, fmt.Errorf("discovery: %w", err)
	}
	if err := d.check(); err != nil {
		return nil, fmt.Errorf("discovery: %w", err)
	}
	return &d, nil
}

func (d *Discovery) check() error {
	if _, err := parseSessionID(d.SessionID); err != nil {
		return err
	}
	if d.Capabilities == nil {
		return fmt.Errorf("%w: capabilities missing", ErrMalformed)
	}
	if err := checkCapabilities(d.Capabilities); err != nil {
		return err
	}
	p := &d.Parameters
	if p.Version != Version {
		return fmt.Errorf("%w: version %.40q, want %q", ErrMalformed, p.Version, Version)
	}
	if p.Kex != "x25519" {
		return fmt.Errorf("%w: kex %.40q, want \"x25519\"", ErrMalformed, p.Kex)
	}
	if _, err := decodeBin(p.KexPubkey, KexKeySize, "kex_pubkey"); err != nil {
		return err
	}
	if _, err := decodeBin(p.ChallengeNonce, ChallengeNonceSize, "challenge_nonce"); err != nil {
		return err
	}
	if p.MaxDifficulty < 0 || p.MaxDifficulty > MaxDifficulty {
		return fmt.Errorf("%w: max_difficulty %d, want 0 to %d", ErrMalformed, p.MaxDifficulty, MaxDifficulty)
	}
	return nil
}

// ParseProof decodes and checks a proof payload. It verifies nothing: the
// burn is checked by a [BurnVerifier], the commitment by spot checks.
func ParseProof(payload []byte) (*Proof, error) {
	var p Proof
	if err := decodePayload(payload, &p); err != nil {
		return nil, fmt.Errorf("proof: %w", err)
	}
	if err := p.check(); err != nil {
		return nil, fmt.Errorf("proof: %w", err)
	}
	// Members of the other kind must be absent, not merely empty.
	var members map[string]json.RawMessage
	if err := json.Unmarshal(payload, &members); err != nil {
		return nil, fmt.Errorf("proof: %w: %v", ErrMalformed, err)
	}
	want := burnMembers
	if p.ProofType == ProofWeights {
		want = weightMembers
	}
	if len(members) != len(want) {
		return nil, fmt.Errorf("proof: %w: %d members, a %s proof has exactly %q", ErrMalformed, len(members), p.ProofType, want)
	}
	for _, name := range want {
		if _, ok := members[name]; !ok {
			return nil, fmt.Errorf("proof: %w: %s proof without %s", ErrMalformed, p.ProofType, name)
		}
	}
	return &p, nil
}

var (
	burnMembers   = [...]string{"session_id", "proof_type", "chain", "tx_hash", "burn_amount_sats", "session_binding"}
	weightMembers = [...]string{"session_id", "proof_type", "merkle_root", "session_nonce_commitment", "leaf_count", "chunk_size"}
)

func (p *Proof) check() error {
	if _, err := parseSessionID(p.SessionID); err != nil {
		return err
	}
	burn := p.Chain != "" || p.TxHash != "" || p.BurnAmountSats != "" || p.SessionBinding != ""
	weights := p.MerkleRoot != "" || p.SessionNonceCommitment != "" || p.LeafCount != 0 || p.ChunkSize != 0
	switch p.ProofType {
	case ProofBurn:
		if weights {
			return fmt.Errorf("%w: burn_tx proof with weight commitment members", ErrMalformed)
		}
		if err := checkChain(p.Chain); err != nil {
			return err
		}
		if !validTxHash(p.TxHash) {
			return fmt.Errorf("%w: tx_hash %.80q: want 1 to %d characters of [0-9A-Za-z]", ErrMalformed, p.TxHash, maxTxHashLen)
		}
		if _, err := parseAmount(p.BurnAmountSats); err != nil {
			return err
		}
		if _, err := decodeBin(p.SessionBinding, 32, "session_binding"); err != nil {
			return err
		}
	case ProofWeights:
		if burn {
			return fmt.Errorf("%w: weight_commitment proof with burn members", ErrMalformed)
		}
		if _, err := parseDigest(p.MerkleRoot, "blake3", "merkle_root"); err != nil {
			return err
		}
		if _, err := parseDigest(p.SessionNonceCommitment, "blake3", "session_nonce_commitment"); err != nil {
			return err
		}
		if p.LeafCount < 1 || p.LeafCount > maxLeaves {
			return fmt.Errorf("%w: leaf_count %d, want 1 to %d", ErrMalformed, p.LeafCount, int64(maxLeaves))
		}
		if !validChunkSize(p.ChunkSize) {
			return fmt.Errorf("%w: chunk_size %d, want a power of two from %d to %d", ErrMalformed, p.ChunkSize, MinChunkSize, MaxChunkSize)
		}
	default:
		return fmt.Errorf("%w: proof_type %.40q, want %q or %q", ErrMalformed, p.ProofType, ProofBurn, ProofWeights)
	}
	return nil
}

// kind returns the agent kind the proof proves.
func (p *Proof) kind() string {
	if p.ProofType == ProofBurn {
		return KindMetabolic
	}
	return KindOpenWeight
}

// checkChain checks a CAIP-2 chain id: namespace [-a-z0-9]{3,8}, ':',
// reference [-_a-zA-Z0-9]{1,32}.
func checkChain(s string) error {
	ns, ref, ok := strings.Cut(s, ":")
	good := ok && len(ns) >= 3 && len(ns) <= 8 && len(ref) >= 1 && len(ref) <= 32
	for i := 0; good && i < len(ns); i++ {
		c := ns[i]
		good = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-'
	}
	for i := 0; good && i < len(ref); i++ {
		c := ref[i]
		good = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
	}
	if !good {
		return fmt.Errorf("%w: chain %.60q: want a CAIP-2 chain id such as \"eip155:1\"", ErrMalformed, s)
	}
	return nil
}

func validTxHash(s string) bool {
	if len(s) == 0 || len(s) > maxTxHashLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// parseAmount reads a positive decimal integer with no sign or leading zero.
func parseAmount(s string) (*big.Int, error) {
	ok := len(s) > 0 && len(s) <= maxAmountDigits && s[0] != '0'
	for i := 0; ok && i < len(s); i++ {
		ok = s[i] >= '0' && s[i] <= '9'
	}
	if !ok {
		return nil, fmt.Errorf("%w: burn_amount_sats %.80q: want a positive decimal integer without leading zeros", ErrMalformed, s)
	}
	n, _ := new(big.Int).SetString(s, 10)
	return n, nil
}

// ParseChallenge decodes and checks a challenge payload: the target must be
// the one its difficulty gives.
func ParseChallenge(payload []byte) (*Challenge, error) {
	var c Challenge
	if err := decodePayload(payload, &c); err != nil {
		return nil, fmt.Errorf("challenge: %w", err)
	}
	if err := c.check(); err != nil {
		return nil, fmt.Errorf("challenge: %w", err)
	}
	return &c, nil
}

func (c *Challenge) check() error {
	if _, err := parseSessionID(c.SessionID); err != nil {
		return err
	}
	if c.ChallengeType != ChallengeHashcash {
		return fmt.Errorf("%w: challenge_type %.40q, want %q", ErrMalformed, c.ChallengeType, ChallengeHashcash)
	}
	p, err := decodeVar(c.Prefix, MaxPrefixSize, "prefix")
	if err != nil {
		return err
	}
	if len(p) < MinPrefixSize {
		return fmt.Errorf("%w: prefix of %d bytes, want %d to %d", ErrMalformed, len(p), MinPrefixSize, MaxPrefixSize)
	}
	if c.Difficulty < 0 || c.Difficulty > 256 {
		return fmt.Errorf("%w: difficulty %d, want 0 to 256", ErrMalformed, c.Difficulty)
	}
	if c.Target != Target(c.Difficulty) {
		return fmt.Errorf("%w: target %.70q is not the target of difficulty %d", ErrWrongChallenge, c.Target, c.Difficulty)
	}
	if c.Expiry <= 0 || c.Expiry > maxSafeInt {
		return fmt.Errorf("%w: expiry %d, want a Unix time", ErrMalformed, c.Expiry)
	}
	if c.SpotChecks == nil {
		return fmt.Errorf("%w: spot_checks missing", ErrMalformed)
	}
	if len(c.SpotChecks) > MaxSpotChecks {
		return fmt.Errorf("%w: %d spot checks, want at most %d", ErrMalformed, len(c.SpotChecks), MaxSpotChecks)
	}
	for i, x := range c.SpotChecks {
		if x < 0 || x >= maxLeaves || i > 0 && x <= c.SpotChecks[i-1] {
			return fmt.Errorf("%w: spot_checks must be ascending distinct chunk indices", ErrMalformed)
		}
	}
	return nil
}

const maxSafeInt = 1<<53 - 1

// ParseResponse decodes and checks a response payload. It does not check
// the hashcash, the openings or the key confirmation.
func ParseResponse(payload []byte) (*Response, error) {
	var r Response
	if err := decodePayload(payload, &r); err != nil {
		return nil, fmt.Errorf("response: %w", err)
	}
	if err := r.check(); err != nil {
		return nil, fmt.Errorf("response: %w", err)
	}
	return &r, nil
}

func (r *Response) check() error {
	if _, err := parseSessionID(r.SessionID); err != nil {
		return err
	}
	if r.Nonce < 0 || r.Nonce > maxSafeInt {
		return fmt.Errorf("%w: nonce %d, want 0 to 2^53-1", ErrMalformed, r.Nonce)
	}
	if _, err := parseDigest(r.Hash, "sha256", "hash"); err != nil {
		return err
	}
	if r.RuntimeSec < 0 || r.RuntimeSec > 1e9 {
		return fmt.Errorf("%w: runtime_sec %v, want 0 to 1e9", ErrMalformed, r.RuntimeSec)
	}
	if r.Openings == nil {
		return fmt.Errorf("%w: openings missing", ErrMalformed)
	}
	if len(r.Openings) > MaxSpotChecks {
		return fmt.Errorf("%w: %d openings, want at most %d", ErrMalformed, len(r.Openings), MaxSpotChecks)
	}
	for i, o := range r.Openings {
		if o.Index < 0 || o.Index >= maxLeaves {
			return fmt.Errorf("%w: opening %d: index %d out of range", ErrMalformed, i, o.Index)
		}
		if _, err := decodeVar(o.Chunk, MaxChunkSize, "chunk"); err != nil {
			return fmt.Errorf("opening %d: %w", i, err)
		}
		if o.Proof == nil || len(o.Proof) > maxProofDepth {
			return fmt.Errorf("%w: opening %d: proof of %d hashes, want 0 to %d", ErrMalformed, i, len(o.Proof), maxProofDepth)
		}
		for _, h := range o.Proof {
			if _, err := decodeBin(h, 32, "proof hash"); err != nil {
				return fmt.Errorf("opening %d: %w", i, err)
			}
		}
	}
	if _, err := decodeBin(r.KeyConfirmation, 32, "key_confirmation"); err != nil {
		return err
	}
	return nil
}

// ParseTicketPayload decodes and checks a ticket payload. It verifies
// nothing; use [VerifyTicket] on the whole envelope.
func ParseTicketPayload(payload []byte) (*TicketPayload, error) {
	var t TicketPayload
	if err := decodePayload(payload, &t); err != nil {
		return nil, fmt.Errorf("ticket: %w", err)
	}
	if err := t.check(); err != nil {
		return nil, fmt.Errorf("ticket: %w", err)
	}
	return &t, nil
}

func (t *TicketPayload) check() error {
	if _, err := parseSessionID(t.SessionID); err != nil {
		return err
	}
	if t.Capabilities == nil {
		return fmt.Errorf("%w: capabilities missing", ErrMalformed)
	}
	if err := checkCapabilities(t.Capabilities); err != nil {
		return err
	}
	if t.Expiry <= 0 || t.Expiry > maxSafeInt {
		return fmt.Errorf("%w: expiry %d, want a Unix time", ErrMalformed, t.Expiry)
	}
	if t.TrustScore < 0 || t.TrustScore > 100 {
		return fmt.Errorf("%w: trust_score %d, want 0 to 100", ErrMalformed, t.TrustScore)
	}
	if _, err := envelope.ParseEd25519PublicKey(t.Subject); err != nil || !strings.HasPrefix(t.Subject, envelope.PrefixEd25519+"z") {
		return fmt.Errorf("%w: subject %.60q: want an ed25519:z6Mk... key string", ErrMalformed, t.Subject)
	}
	if t.SubjectType != KindMetabolic && t.SubjectType != KindOpenWeight {
		return fmt.Errorf("%w: subject_type %.40q, want %q or %q", ErrMalformed, t.SubjectType, KindMetabolic, KindOpenWeight)
	}
	if _, err := parseDigest(t.Transcript, "sha256", "transcript"); err != nil {
		return err
	}
	return nil
}

// ParseAbort decodes and checks an abort payload.
func ParseAbort(payload []byte) (*Abort, error) {
	var a Abort
	if err := decodePayload(payload, &a); err != nil {
		return nil, fmt.Errorf("abort: %w", err)
	}
	if _, err := parseSessionID(a.SessionID); err != nil {
		return nil, fmt.Errorf("abort: %w", err)
	}
	if len(a.Reason) > maxReasonLen {
		return nil, fmt.Errorf("abort: %w: reason of %d bytes, want at most %d", ErrMalformed, len(a.Reason), maxReasonLen)
	}
	return &a, nil
}

// marshal encodes a payload for [envelope.Seal].
func marshal(v any) (json.RawMessage, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("cahp: marshal payload: %w", err)
	}
	return b, nil
}
