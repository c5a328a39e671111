// Package quorum reads an EVM chain through N JSON-RPC endpoints and
// accepts an answer only when k of them agree on it at one block, named by
// its hash.
//
// One RPC endpoint can lie about anything it returns: a contract's state,
// a block's header, which logs exist, whether a transaction was mined. A
// [Reader] asks every endpoint, in parallel, and trusts only what a quorum
// of them serve identically. The Trust Kernel (package
// github.com/accordsdk/accord/trustkernel) reads its instance controller
// this way; the runtime policy (trustkernel/runtime) decides from those
// reads whether an install may serve.
//
// # The quorum rule
//
// [New] is given N http(s) endpoints and a quorum k, which must be a strict
// majority (2k > N, so two disjoint quorums cannot both exist) and at least
// 2 of 2: fewer than two endpoints or a quorum of one is refused
// ([ErrSingleEndpoint]) unless [WithDevelopment] says the chain is a
// development chain. 2 of 3 is the recommended setting. [CheckRule] is the
// same check on its own, for configuration files.
//
// # A read
//
//  1. Pin a block. Every endpoint is asked for its latest header (and, with
//     [WithChainID], its chain id, in the same batch: an endpoint serving
//     another chain is [ErrWrongChain]). Heads whose timestamp is further
//     ahead of the reader's clock ([WithClock]) than [WithMaxFuture] allows
//     are rejected ([ErrFutureBlock]). The pin comes from a quorum of heads:
//     k heads at most [WithHeadSpread] blocks apart (default
//     [DefaultHeadSpread]); the highest such group is taken and the pin is
//     its lowest head minus the confirmation depth ([WithConfirmations],
//     default [DefaultConfirmations]). The reader waits until such a group
//     exists and then for as long again; when every endpoint has answered
//     without one, the read fails at the "head" stage. A fast lagging
//     endpoint therefore cannot drag the pin down (its head fits in no group
//     with the up-to-date endpoints, so the reader waits for them), and a
//     node claiming a head far in the future is out-voted or rejected.
//  2. Fetch the pinned block's header from every endpoint and recompute its
//     hash from the header fields (the hash field an endpoint sends is never
//     trusted). k endpoints must serve the same header. The result is a
//     [BlockRef] {Number, Hash, Time}.
//  3. Ask the question pinned to that block hash and accept the first answer
//     k endpoints agree on byte for byte: [Reader.Read] and [Reader.Call]
//     make an eth_call with the EIP-1898 block parameter {"blockHash": ...,
//     "requireCanonical": true}; [Reader.Code] and [Reader.CodeAt] read an
//     account's code the same way; [Reader.FilterLogs] reads eth_getLogs
//     either for one block by hash (EIP-234) or for a range clamped to the
//     pinned block, each endpoint answering in one batch with the logs and
//     the pinned header, so that its logs count only when it is on the
//     agreed chain; [Reader.Transaction] reads a transaction, its receipt
//     and the header of the block holding it, each endpoint's answer checked
//     (the transaction hashes to the hash asked for, the receipt names it,
//     the header at the receipt's height hashes to the receipt's block hash,
//     at or below the pin), and a quorum agreeing that it is absent is
//     [ErrTxNotFound].
//
// Requests go out in parallel and each stage returns as soon as k answers
// agree; the slower requests are cancelled, so a read costs about the
// latency of the k-th fastest up-to-date endpoint, not the slowest. The
// pinned block is reused for [WithPinTTL] (default [DefaultPinTTL], one
// slot), so the steady state is one round trip, and reads within a pin see
// one consistent state. When a read at a reused pin finds no quorum, the
// reader pins afresh once (the block may have been reorganised away).
//
// A pin never moves back: a new pin below the reader's last pin, or another
// block at its height, fails the read with a [*PinRollbackError]
// ([ErrPinRollback]) and the last pin stays, so successive reads never go
// back in time.
//
// # Evidence and failure modes
//
// A successful read returns an [Agreement]: the agreed bytes, the block,
// the endpoints that formed the quorum and every answer heard before the
// decision ([EndpointAnswer]; endpoints are named by index and host, never
// by their full URL, which may carry an API key). A read that does not
// reach the quorum is a [*Error] (errors.Is [ErrNoQuorum]) naming the
// stage ("head", "header", "call", "code", "logs" or "transaction"), how
// many answers agreed, how many were wanted, and every endpoint's answer or
// error; it also unwraps to the endpoints' own errors, so errors.Is finds
// [ErrFutureBlock], [ErrWrongChain] or [ErrBlockMismatch] (an endpoint
// served a block other than the one asked for, or logs outside the query)
// behind it. A log query the reader cannot pin (a start above the pinned
// block, a block hash together with a range) is [ErrBadLogQuery]. Errors
// of this package start with "trustkernel/quorum: ", once.
//
// Every failure is closed: nothing is returned unless k endpoints agreed.
// A caller deciding whether to serve (trustkernel/runtime) keeps its last
// agreed state and lets it age instead.
//
// # Trust model
//
// The reader defends against fewer than k faulty endpoints, whether they
// lie (altered results, headers, logs or receipts), lag, die, serve another
// chain, or claim heads in the future. It does not defend against k
// colluding endpoints: two liars that tell the same lie out-vote one honest
// node in 2 of 3 (the tests show this). Endpoints run by independent
// operators, a larger N and k, and a light client are the remedies;
// majority voting alone is not. The reader's clock bounds how far in the
// future an agreed block may be; it does not bound how old a block is,
// which is the caller's policy.
package quorum
