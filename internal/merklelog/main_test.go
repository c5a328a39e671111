package merklelog

import (
	"os"
	"testing"
)

// TestMain runs the crash test's child process when asked to, and removes
// the million-record log the benchmarks build.
func TestMain(m *testing.M) {
	if dir := os.Getenv(crashDirEnv); dir != "" {
		crashChild(dir)
	}
	code := m.Run()
	if million.dir != "" {
		os.RemoveAll(million.dir)
	}
	os.Exit(code)
}
