//go:build !unix

package pairing

import "syscall"

// allowBroadcast does nothing where SO_BROADCAST is not set this way.
func allowBroadcast(_, _ string, _ syscall.RawConn) error { return nil }
