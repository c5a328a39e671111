package durable

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMain runs the suite twice where io_uring works: with every File's
// fsyncs through a ring, then with fdatasync(2), so both paths are covered
// on every machine that has both.
func TestMain(m *testing.M) {
	flag.Parse()
	ringMode = 1
	code := m.Run()
	if code != 0 || !ringWorks() || flag.Lookup("test.fuzz").Value.String() != "" {
		os.Exit(code)
	}
	ringMode = -1
	os.Exit(m.Run())
}

// ringWorks reports whether this kernel and sandbox let newRing set up a
// ring.
func ringWorks() bool {
	f, err := os.CreateTemp("", "ring")
	if err != nil {
		return false
	}
	defer os.Remove(f.Name())
	defer f.Close()
	r, err := newRing(f.Name(), f)
	if err != nil {
		return false
	}
	r.close()
	return true
}

// viaRing returns how many of syncs fsyncs f ran through its ring: all of
// them if it has one.
func viaRing(f *File, syncs uint64) uint64 {
	if f.ring == nil {
		return 0
	}
	return syncs
}

// TestCloseReleasesLock reopens a file at once after each Close: the ring
// must not hold the file (and its lock) past Close.
func TestCloseReleasesLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	for i := range 100 {
		f, err := Open(path, Options{})
		require.NoError(t, err, "open %d", i)
		_, err = f.Append(context.Background(), record(i))
		require.NoError(t, err)
		require.NoError(t, f.Close())
	}
	g := openT(t, path, Options{})
	require.Equal(t, uint64(100), g.Len())
}
