//go:build !linux

package durable

import "os"

// syncData flushes f to stable storage (fsync; on darwin, F_FULLFSYNC).
func syncData(f *os.File) error { return f.Sync() }
