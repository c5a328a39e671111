// Package durable is an append-only file of records that survives crashes.
//
// A [File] holds a sequence of byte records numbered from 0. [File.Append]
// returns only after its record is on stable storage (written and fsynced;
// fdatasync on Linux). Many goroutines may append at once: one committer
// collects every queued record into one write and one fsync (group commit),
// one fsync at a time, so the cost of an fsync is shared by every record
// that arrived while the previous one ran. An acknowledger makes each
// group's records readable and answers their appends, in order, while the
// committer already makes the next group durable. No append returns before
// the fsync that covers its records has succeeded.
//
// # File format
//
// A File (format 2) starts with the 16-byte header "accord-durable2\n" and
// two 16-byte synced-length slots, and is followed by frames, one per
// record, from offset 48:
//
//	slot    synced  uint64, little endian: every byte of the file below it
//	                was on stable storage when the File was last closed
//	        crc     uint32, little endian, CRC-32C of the 8 synced bytes
//	                followed by the slot's number (0 or 1)
//	        zero    4 bytes
//
//	frame   length  uint32, little endian, at most [MaxRecordSize]
//	        crc     uint32, little endian, CRC-32C (Castagnoli) of the 4
//	                length bytes followed by the record bytes
//	        record  length bytes
//
// A new file has both slots at 48. [File.Close], once every record is
// synced, writes the file's length into slot 0, fsyncs, then slot 1, and
// fsyncs, so a crash during Close damages at most one slot; Open takes the
// larger of the intact ones. Files written before format 2 (header
// "accord-durable1\n", frames from offset 16, no slots) are read and
// appended to as before, without a synced length. A [Table] is format 1.
//
// # Recovery
//
// [Open] first fsyncs the file, so that records a crash left written but
// unsynced are durable before anyone takes them as stored, then reads every
// frame and checks its length and checksum. A crash can leave the end of
// the file torn: a frame cut short, or a region the kernel never wrote back
// (often zeros). Only what was never synced can be torn, which is bounded
// two ways: nothing below the synced length (the last clean Close), and
// nothing before the last [maxUnsynced] bytes of the file (4 MiB and 32
// bytes), because a writer fsyncs before a write (of at most [maxWrite]
// bytes) would leave more than that unsynced. Open truncates from a bad
// frame only when it lies past both bounds (records there were never
// acknowledged), and reports any other bad
// frame, or a file shorter than its synced length, as [CorruptError]: that
// is damage to acknowledged records, which recovery must not silently drop.
// A file with both slots damaged is a CorruptError too.
//
// A file opened with [Options.Lazy] holds data that can be rebuilt from
// elsewhere (a cache): appends are written at once by the caller but not
// fsynced, and Open truncates at the first bad frame wherever it is.
//
// # Memory and indexes
//
// By default a File keeps the offset of every record in memory (8 bytes a
// record) to serve [File.Read]. A File opened with [Options.Index] keeps
// none: the caller stores where each record is (a [Frame], handed to
// [Options.Visit] and [Options.OnCommit]) and serves it back through the
// [Index] interface. Open then reads only the last record the index locates,
// checking that an intact frame of that length is there (an [IndexError] if
// not: records the index saw stored are gone, or the index belongs to other
// records), and scans and recovers the records after it as above. Damage to
// a record the index locates is found when it is read: [File.Read] checks
// the frame's length and checksum and reports a [CorruptError]. With an
// index a File's memory does not grow with its records.
//
// # Tables
//
// A [Table] is a file in the same format whose frame sizes follow from their
// position (a [Layout]), so that frame i is found without an index: a cache
// that keeps nothing per frame in memory. Appends are written at once and
// not fsynced, except that a table fsyncs before a write would leave more
// than maxUnsynced bytes at its end unsynced. A crash can therefore tear only
// the last maxUnsynced bytes: [OpenTable] checks the frames there and cuts
// the table back to the first bad one, and frames further back are checked
// when read ([Table.Read], a [CorruptError]).
//
// # How the fsync is issued
//
// The committer calls fdatasync(2) (fsync(2) elsewhere than Linux). A
// blocking call keeps one of the Go scheduler's Ps for as long as the
// scheduler takes to notice (up to milliseconds), which on a machine with
// few cores idles a share of it while other goroutines wait to run. A File
// opened with [Options.SyncRing] on Linux instead asks the kernel for each
// fdatasync through an io_uring (IORING_OP_FSYNC with IORING_FSYNC_DATASYNC:
// the same vfs_fsync_range as fdatasync(2)) and waits for its completion on
// an eventfd through Go's network poller, holding no P; each fsync then costs
// two more wake-ups, so this pays only where appenders have CPU work of their
// own to do meanwhile. The guarantee is unchanged: an
// append returns only after the kernel's fsync covering it has returned
// without error. The ring syncs through a descriptor of its own, so that
// the kernel's delayed release of a finished request's file does not hold
// the File's lock past [File.Close]. Where io_uring is missing or refused (old
// kernels, seccomp profiles, io_uring_disabled), or if the ring itself fails,
// the committer calls fdatasync(2); [Stats] counts the fsyncs that went
// through the ring.
//
// # Locking
//
// Open takes an exclusive advisory lock (flock) on the file for as long as
// the File is open, so a second writer, in this process or another, gets
// [ErrLocked] instead of interleaving frames.
//
// # Failures
//
// If a write or fsync fails, the File stops accepting appends and returns
// the error (wrapped in [ErrFailed]) to every later caller: after a failed
// fsync the kernel may have dropped the dirty pages, so retrying could report
// success for data that is gone. Reopen the file to recover.
package durable
