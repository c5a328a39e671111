//go:build windows

package atomicfile

import "os"

// syncDir does nothing: Windows cannot sync a directory handle, and
// MoveFileEx, which os.Rename uses, is durable once it returns.
func syncDir(*os.File) error { return nil }
