// Package durable is an append-only file of records that survives crashes.
//
// A [File] holds a sequence of byte records numbered from 0. [File.Append]
// returns only after its record is on stable storage (written and fsynced).
// Many goroutines may append at once: their records are collected into one
// write and one fsync (group commit), so the cost of an fsync is shared by
// every record that arrived while the previous one was running.
//
// # File format
//
// The file starts with the 16-byte header "accord-durable1\n" and is followed
// by frames, one per record:
//
//	length  uint32, little endian, at most [MaxRecordSize]
//	crc     uint32, little endian, CRC-32C (Castagnoli) of the 4 length
//	        bytes followed by the record bytes
//	record  length bytes
//
// # Recovery
//
// [Open] reads every frame and checks its length and checksum. A crash can
// leave the end of the file torn: a frame cut short, or a region the kernel
// never wrote back (often zeros). Only the last write can be torn, because a
// writer fsyncs every write before it starts the next and no write is longer
// than [maxUnsynced] bytes. So Open truncates a bad frame that lies within the
// last maxUnsynced bytes of the file (those records were never acknowledged),
// and reports a bad frame further back as [CorruptError]: that is damage to
// acknowledged records, which recovery must not silently drop.
//
// A file opened with [Options.Lazy] holds data that can be rebuilt from
// elsewhere (a cache): appends are written but not fsynced, and Open
// truncates at the first bad frame wherever it is.
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
