//go:build unix

package pairing

import "syscall"

// allowBroadcast sets SO_BROADCAST, so that a LAN broadcast address can be
// a broadcast target.
func allowBroadcast(_, _ string, c syscall.RawConn) error {
	var serr error
	if err := c.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_BROADCAST, 1)
	}); err != nil {
		return err
	}
	return serr
}
