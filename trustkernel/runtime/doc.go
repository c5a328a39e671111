// Package runtime decides whether an install may serve, from the state of
// its instance controller that a quorum of chain endpoints agreed on, and
// fails closed when that state is missing, stale, paused or does not match
// the files on disk.
//
// It is the policy half of the Trust Kernel: the contracts and the chain
// client are package github.com/accordsdk/accord/trustkernel, the k-of-N
// reader is trustkernel/quorum, the manifests are trustkernel/integrity.
// This package imports none of the chain code: it sees the chain through
// [StateSource], which returns an [Observation] (the controller's paused
// flag, active root and running release at a [Block] {Number, Hash, Time}),
// and, in full mode, through [ManifestSource]. The trustkernel package's
// ControllerState and ChainManifests implement both over a quorum reader;
// a test or another chain client can implement them too.
//
// # Outage rules
//
// [Policy.Decide] applies the rules to the latest agreed observation and
// reads no clock (it is given now):
//
//   - no agreed state yet ([ErrNoTrustedState]), an agreed block more than
//     [Policy.MaxFuture] ahead of the clock ([ErrFutureBlock]), a block
//     older than max_stale_sec ([Policy.MaxStale], default
//     [DefaultMaxStale], 180 s; [ErrStale]), a paused controller
//     ([ErrPaused]) or a zero active root (no release ever activated,
//     [ErrNoActiveRoot]): reads and writes fail closed;
//   - the last read did not reach the quorum ([ErrQuorumLost]): writes are
//     paused at once, reads go on until the state is stale.
//
// A [Decision] carries one error for reads and one for writes (nil
// allows), the observation it rests on and its age.
//
// # The runtime
//
// A [Runtime] (made by [New]) keeps the latest observation from its
// [StateSource]. [Runtime.Refresh] reads it once, [Runtime.Run] at a fixed
// interval until its context ends; [Runtime.Decision] answers "may this
// install serve reads / writes now, and why not". A failed read keeps the
// last observation (it ages towards stale) and pauses writes. The runtime
// never replaces an observation with one from an older block, or another
// block at the same height: such a read is a failure ([ErrStateRollback]),
// so a pause seen once is not forgotten because a later read landed on an
// older block.
//
// [Runtime.Submit] performs a critical action (for example a signed pause
// transaction): delivered at once when writes are allowed, buffered in a
// durable [Outbox] ([WithOutbox]) when writes are paused only because the
// quorum is lost, refused otherwise (or [ErrNoOutbox] without one). When a
// read succeeds again, the outbox is flushed in order, each action once.
//
// # The install check
//
// [WithInstall] binds the runtime to an install directory and its JSON
// manifest file (root_uri mode); [WithChainInstall] takes the per-file
// hashes from a [ManifestSource] instead, in full mode the chain, so that
// no file on the server is trusted for them. On the first observation and
// whenever the agreed active root changes, the runtime checks the
// directory against the manifest for that root with integrity.Verify; a
// mismatch fails reads and writes closed with the diff
// (*integrity.DiffError) or the two roots (integrity.ErrRootMismatch). A
// failed check is repeated at every refresh until it passes, and until the
// first check has passed the runtime does not serve. The runtime logs the
// running release (root, component, version) whenever it changes.
//
// # Options
//
// [New] takes [Option]s ([WithClock], [WithLogger], [WithOutbox],
// [WithInstall], [WithChainInstall]); each refuses a value it cannot use
// (a nil clock, an outbox without a sender, two install checks) and New
// returns that error. Errors of this package start with
// "trustkernel/runtime: ", once (the full path, since "runtime: " would read
// as Go's own).
//
// # The outbox format
//
// The outbox (the Trust Kernel's tx_outbox_dir) is a directory of mode 0700
// (a directory others may write to is refused) with one file per action,
// named by a 20-digit decimal sequence number followed by ".action.json",
// written atomically (temporary file in the same directory, fsync, rename,
// directory fsync) with mode 0600. The file is JSON with exactly the
// members "id" (string), "kind" (string), "payload" (standard padded
// base64) and "created" (RFC 3339 time), decoded strictly (unknown or
// duplicate members are [ErrOutboxEntry]). Entries are delivered in
// sequence order; an entry is removed after its delivery succeeded, so a
// crash between the two delivers it again: senders must be idempotent per
// id (a signed transaction is: the chain includes it at most once).
// Temporary files left by an interrupted write are removed when the outbox
// is opened.
//
// # Trust model
//
// The runtime trusts its StateSource's agreement (for the trustkernel
// package, k of N endpoints) and its clock. Everything else fails closed:
// a chain it cannot reach makes it stop writing at once and stop serving
// after max_stale_sec; an install whose files differ from the attested
// root does not serve. It does not defend against a compromised host that
// skips the check or a clock set far back (which makes stale state look
// fresh).
package runtime
