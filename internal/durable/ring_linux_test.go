package durable

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRingSyncs(t *testing.T) {
	if ringMode < 0 || !ringWorks() {
		t.Skip("io_uring is not available here (or the run is without it)")
	}
	path := filepath.Join(t.TempDir(), "log")
	f := openT(t, path, Options{})
	require.NotNil(t, f.ring)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 50 {
				_, err := f.Append(context.Background(), record(w*50+i))
				require.NoError(t, err)
			}
		})
	}
	wg.Wait()
	st := f.Stats()
	require.NotZero(t, st.Syncs)
	require.Equal(t, st.Syncs, st.RingSyncs, "every committed fsync went through the ring")
	require.NoError(t, f.Close())
	g := openT(t, path, Options{})
	require.Equal(t, uint64(400), g.Len())
}

// TestRingReportsFsyncError runs the ring's fsync on a pipe, which cannot
// be fsynced: the kernel's error is the fsync's, not the ring's, so the
// caller fails rather than retrying another way.
func TestRingReportsFsyncError(t *testing.T) {
	if !ringWorks() {
		t.Skip("io_uring is not available here")
	}
	pr, pw, err := os.Pipe()
	require.NoError(t, err)
	defer pr.Close()
	defer pw.Close()
	r, err := newRing(fmt.Sprintf("/proc/self/fd/%d", pw.Fd()), pw)
	require.NoError(t, err)
	defer r.close()
	err = r.datasync()
	require.Error(t, err)
	require.NotErrorIs(t, err, errRing)
	require.Equal(t, syncData(pw).Error(), err.Error(), "the same error as fdatasync(2)")
	// The ring goes on working after a failed fsync.
	tmp, err := os.CreateTemp(t.TempDir(), "f")
	require.NoError(t, err)
	defer tmp.Close()
	s, err := newRing(tmp.Name(), tmp)
	require.NoError(t, err)
	defer s.close()
	for range 3 {
		require.NoError(t, s.datasync())
	}
}

// TestRingFailureFallsBack breaks a File's ring: the commit falls back to
// fdatasync(2), the append succeeds, and the File does without the ring
// from then on.
func TestRingFailureFallsBack(t *testing.T) {
	if ringMode < 0 || !ringWorks() {
		t.Skip("io_uring is not available here (or the run is without it)")
	}
	path := filepath.Join(t.TempDir(), "log")
	f := openT(t, path, Options{})
	_, err := f.Append(context.Background(), record(0))
	require.NoError(t, err)
	require.Equal(t, uint64(1), f.Stats().RingSyncs)
	f.ring.evfd.Close() // the next wait for a completion fails
	for i := 1; i <= 3; i++ {
		_, err := f.Append(context.Background(), record(i))
		require.NoError(t, err)
	}
	st := f.Stats()
	require.Equal(t, uint64(1), st.RingSyncs)
	require.Equal(t, uint64(4), st.Syncs)
	require.NoError(t, f.Close())
	g := openT(t, path, Options{})
	require.Equal(t, uint64(4), g.Len())
}

// TestSyncRingOption: outside tests' forcing, a File uses a ring only if
// its options ask for one.
func TestSyncRingOption(t *testing.T) {
	if !ringWorks() {
		t.Skip("io_uring is not available here")
	}
	defer func(m int) { ringMode = m }(ringMode)
	ringMode = 0
	dir := t.TempDir()
	plain := openT(t, filepath.Join(dir, "plain"), Options{})
	require.Nil(t, plain.ring)
	ringed := openT(t, filepath.Join(dir, "ringed"), Options{SyncRing: true})
	require.NotNil(t, ringed.ring)
	lazy := openT(t, filepath.Join(dir, "lazy"), Options{SyncRing: true, Lazy: true})
	require.Nil(t, lazy.ring, "a lazy file does not fsync on append")
	for _, f := range []*File{plain, ringed} {
		_, err := f.Append(context.Background(), record(1))
		require.NoError(t, err)
	}
	require.Equal(t, uint64(0), plain.Stats().RingSyncs)
	require.Equal(t, uint64(1), ringed.Stats().RingSyncs)
}
