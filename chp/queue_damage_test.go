package chp

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/internal/durable"
)

// TestHardening7InstanceQueueDamage: a bit flipped in a heartbeat the
// instance queued before a clean shutdown is reported when the queue is
// opened again, instead of the queue silently losing it and every later
// heartbeat.
func TestHardening7InstanceQueueDamage(t *testing.T) {
	w := newWorld(t)
	dir := t.TempDir()
	in := w.instance(uuidN(1), 11, dir)
	cfg := in.cfg
	cfg.RegistryKey = pubString(testKey(77)) // untrusted: heartbeats stay queued
	require.NoError(t, in.Close())
	in, err := NewInstance(cfg)
	require.NoError(t, err)
	for range 3 {
		_, err := in.Beat(context.Background())
		require.Error(t, err)
	}
	require.Equal(t, uint64(3), in.Pending())
	require.NoError(t, in.Close())

	path := filepath.Join(dir, queueFile)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	data[len(data)/3] ^= 0x10 // inside the first queued heartbeat
	require.NoError(t, os.WriteFile(path, data, 0o600))
	_, err = NewInstance(cfg)
	var ce *durable.CorruptError
	require.True(t, errors.As(err, &ce), "got %v, want a durable.CorruptError", err)
}
