//go:build unix

package governance

import (
	"syscall"
	"time"
)

// cpuTime returns the process's user and system CPU time: on a shared
// machine, what the audit cost regardless of how long it waited for a core.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
