// Package merklelog is an append-only RFC 6962 Merkle log with signed
// checkpoints, the machinery behind every record stream in accord (registry
// heartbeats and ACKs, the global ledger, governance scrolls, federation
// witness state).
//
// A [Log] appends records durably ([Log.Append] returns once the record is
// fsynced), serves them by index ([Log.Record]), proves inclusion
// ([Log.InclusionProof]) and consistency between any two sizes
// ([Log.ConsistencyProof]) with golang.org/x/mod/sumdb/tlog, and signs
// checkpoints ([Log.Checkpoint]) in the C2SP tlog-checkpoint format as C2SP
// signed notes, and hands out self-contained C2SP tlog-proof files
// ([Log.Proof]). Users verify all of these with package
// github.com/accordsdk/accord/checkpoint.
//
// # Trust model
//
// The log is trusted to append only; the checkpoints it signs let anyone
// hold it to that. It never signs a checkpoint inconsistent with one it
// signed before: the last signed checkpoint is stored durably, and before
// signing a new one (and when opening) the log checks that its tree at the
// old size has the old root.
//
// # Storage
//
// [Storage] is the small interface a backend implements: durable append of
// records with their tlog stored hashes, reading records and hashes, and
// keeping the last signed checkpoint. [FileStorage], the default, keeps a
// directory:
//
//	records      the records, in a durable file (package internal/durable)
//	hashes       for each record, the tlog stored hashes it adds (a cache,
//	             checksummed, rebuilt from records when it lags behind)
//	checkpoint   the last signed checkpoint, replaced atomically
//
// Opening a log loads the stored hashes instead of hashing every record
// (a log of a million records opens in about half a second; see
// BENCHMARKS.md). The records and hash files are checksummed frame by frame
// on open; a hash file that covers records the records file lacks means
// acknowledged records were lost, and Open refuses with [ErrCorrupt]. One
// process at a time may open a log directory ([ErrLocked]).
package merklelog
