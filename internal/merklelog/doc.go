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
//	index        for each record, where it is in the records file and the
//	             tlog stored hashes it adds (a cache, rebuilt from records
//	             when it lags behind)
//	checkpoint   the last signed checkpoint, replaced atomically
//
// The index is a [durable.Table]: entry i is a frame (length, CRC-32C)
// holding the record's frame offset (8 bytes) and length (4 bytes), little
// endian, then the tlog.StoredHashCount(i+1)-tlog.StoredHashCount(i) hashes
// record i adds (32 bytes each: its record hash, then one for each subtree
// it completes). Every size follows from i, so entry i starts
// 20*i + 32*tlog.StoredHashCount(i) bytes after the header and the stored
// hash at level l and index n is the l-th hash of entry ((n+1)<<l)-1.
//
// Memory does not grow with the log: records and hashes are read from the
// files (the page cache) when a proof or a record asks for them, and each
// entry's and record's checksum is checked as it is read. In memory are the
// roots of the complete subtrees at the right edge of the tree (at most 64
// hashes, enough to hash the next record), the hashes of the levels of the
// tree with at most 2048 nodes as they are read (at most 4096 hashes: most
// proofs need some), and the entries not yet written
// to the index (about a MiB at most: appends wait if the index writer falls
// that far behind; if writing the index fails, the entries stay in memory
// until the log is reopened, which rebuilds them).
//
// Opening a log reads neither file in full (a log of a million records opens
// in milliseconds; see BENCHMARKS.md). It checks the entries in the last
// bytes of the index a crash can have left unsynced (see [durable.Table])
// and cuts it back to the first bad one; checks that the records file holds
// the last record the index locates, with the hash the index has for it;
// then recovers the records after it (a torn tail is cut off, see package
// durable) and indexes and hashes them. An index that locates records the
// records file lacks means acknowledged records were lost, and Open refuses
// with [ErrCorrupt]; so it does for an index of another log. Damage further
// back in either file is found when the damaged record or entry is read
// ([ErrCorrupt]); the index can then be removed to be rebuilt. A directory
// written by earlier versions, which kept every stored hash in memory and
// a file "hashes", opens: its records file is unchanged, the index is built
// from it once, and the hashes file is removed. One process at a time may
// open a log directory ([ErrLocked]).
package merklelog
