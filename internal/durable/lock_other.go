//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package durable

import (
	"errors"
	"fmt"
	"os"
)

// lockFile refuses to open files where flock is not available: without the
// lock two writers could interleave frames.
func lockFile(*os.File) error {
	return fmt.Errorf("durable: file locking on this platform: %w", errors.ErrUnsupported)
}
