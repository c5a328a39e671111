package merklelog

import (
	"bytes"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/accordsdk/accord/checkpoint"
)

// ReadHashes returns the log's stored hashes at the given stored hash
// indexes ([tlog.HashReader]), below tlog.StoredHashCount(Size()). With
// [tlog.ReadTileData] it computes c2sp.org/tlog-tiles tiles.
func (l *Log) ReadHashes(indexes []int64) ([]tlog.Hash, error) { return l.s.ReadHashes(indexes) }

// LastCheckpoint returns the last checkpoint the log signed and its body,
// without signing a new one; nil and a zero Checkpoint if it has signed none.
func (l *Log) LastCheckpoint() ([]byte, checkpoint.Checkpoint) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return bytes.Clone(l.signed), l.last
}
