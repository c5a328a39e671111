package pairing

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDeviceState(t *testing.T) {
	dir := t.TempDir()
	zdir := filepath.Join(dir, "zone")
	z, err := OpenDevice(zdir, RoleZone, "Kitchen")
	require.NoError(t, err)
	assert.False(t, z.InSwarm())
	assert.Contains(t, z.Status(), "not in a swarm")
	assert.Contains(t, z.Status(), "accept")
	assert.Equal(t, []string{"accept", "join", "status"}, z.Actions())
	for _, f := range []string{ConfigFile, KeyFile} {
		st, err := os.Stat(filepath.Join(zdir, f))
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), f)
	}
	_, err = z.Start(context.Background(), NewMemNetwork().Attach(), nil)
	require.ErrorIs(t, err, ErrNotPaired)

	p, err := OpenDevice(filepath.Join(dir, "pocket"), RolePocket, "Pocket")
	require.NoError(t, err)
	assert.Equal(t, []string{"create", "join", "status"}, p.Actions())
	assert.Contains(t, p.Status(), "create")
	g, err := p.Create()
	require.NoError(t, err)
	_, err = p.Create()
	require.ErrorIs(t, err, ErrAlreadyPaired)
	assert.True(t, p.InSwarm())
	assert.True(t, p.Config().IsController)
	_, err = z.Create()
	require.ErrorIs(t, err, ErrNotController)

	// The zone stores what pairing gave it, and finds it again on reopening.
	require.NoError(t, z.Join(g))
	cfg := z.Config()
	assert.True(t, IsInSwarm(&cfg))
	assert.False(t, cfg.IsController)
	z2, err := OpenDevice(zdir, RoleZone, "")
	require.NoError(t, err)
	assert.Equal(t, z.Identity(), z2.Identity())
	g2, err := z2.Grant()
	require.NoError(t, err)
	assert.Equal(t, g.Secret, g2.Secret)
	assert.Equal(t, z.DeviceKey().PublicKey().Bytes(), z2.DeviceKey().PublicKey().Bytes())

	_, err = OpenDevice(zdir, RolePocket, "")
	require.Error(t, err, "a zone is not a pocket")

	// A config others can read is refused: it holds the secret.
	require.NoError(t, os.Chmod(filepath.Join(zdir, ConfigFile), 0o644))
	_, err = OpenDevice(zdir, RoleZone, "")
	require.ErrorContains(t, err, "chmod 600")
	require.NoError(t, os.Chmod(filepath.Join(zdir, ConfigFile), 0o600))

	require.NoError(t, z.Leave())
	assert.False(t, z.InSwarm())
	b, err := os.ReadFile(filepath.Join(zdir, ConfigFile))
	require.NoError(t, err)
	assert.NotContains(t, string(b), `"secret"`)
}

func TestConfigParse(t *testing.T) {
	good := `{"v":1,"role":"zone","zoneId":"d1","zoneName":"Kitchen","isController":false,"network":{"enabled":true,"secret":"AFiALm-AcLSJ3KQ_K48bm2irNXLKC8SBLrH__nB63tc","swarm":"s1","epoch":1}}`
	c, err := ParseConfig([]byte(good))
	require.NoError(t, err)
	assert.True(t, IsInSwarm(c))
	for _, bad := range []string{
		`{"v":1,"role":"zone","zoneId":"d1","zoneName":"Kitchen","isController":false,"network":{"enabled":true}}`,
		`{"v":2,"role":"zone","zoneId":"d1","zoneName":"Kitchen","isController":false,"network":{"enabled":false}}`,
		`{"v":1,"role":"hub","zoneId":"d1","zoneName":"Kitchen","isController":false,"network":{"enabled":false}}`,
		`{"v":1,"role":"zone","zoneId":"d1","zoneName":"Kitchen","isController":false,"network":{"enabled":true,"secret":"AA","swarm":"s1","epoch":1}}`,
		`{"v":1,"role":"zone","zoneId":"d1","zoneName":"Kitchen","isController":false,"network":{"enabled":false},"pairingCode":"ABCD-EFGH"}`,
		`{"v":1,"role":"zone","zoneId":"d1","zoneId":"d2","zoneName":"Kitchen","isController":false,"network":{"enabled":false}}`,
	} {
		_, err := ParseConfig([]byte(bad))
		require.ErrorIs(t, err, ErrMalformed, bad)
	}
}

// TestDeviceRejoinsAndKeepsRotations: two paired devices start from their
// stored state, a rotation is stored, and after a restart the zone rejoins
// unaided on the new epoch (once its start-up fence has passed).
func TestDeviceRejoinsAndKeepsRotations(t *testing.T) {
	dir := t.TempDir()
	clk := newTestClock()
	net := NewMemNetwork()
	p, err := OpenDevice(filepath.Join(dir, "p"), RolePocket, "Pocket")
	require.NoError(t, err)
	g, err := p.Create()
	require.NoError(t, err)
	zdir := filepath.Join(dir, "z")
	z, err := OpenDevice(zdir, RoleZone, "Kitchen")
	require.NoError(t, err)
	require.NoError(t, z.Join(g))

	chOpts := []Option{WithClock(clk.now)}
	nodeOpts := []NodeOption{WithAnnounceInterval(50 * time.Millisecond), WithCallTimeout(300 * time.Millisecond)}
	run := func(d *Device) (*Node, context.CancelFunc, chan struct{}) {
		ctx, cancel := context.WithCancel(context.Background())
		n, err := d.Start(ctx, net.Attach(), chOpts, nodeOpts...)
		require.NoError(t, err)
		done := make(chan struct{})
		go func() { n.Run(ctx); close(done) }()
		return n, cancel, done
	}
	pn, pcancel, pdone := run(p)
	defer func() { pcancel(); <-pdone }()
	zn, zcancel, zdone := run(z)
	zn.Serve("lamp", "light", lightMethods())
	waitFor(t, "pocket sees zone", func() bool {
		for _, m := range pn.Members() {
			if m.ZoneID == z.Identity().ComputerID && len(m.DeviceKey) == 32 {
				return true
			}
		}
		return false
	})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	rep, err := pn.Rotate(ctx)
	cancel()
	require.NoError(t, err)
	require.Equal(t, []string{z.Identity().ComputerID}, rep.Rekeyed)
	// Both stored epoch 2.
	zcancel()
	<-zdone
	zr, err := OpenDevice(zdir, RoleZone, "")
	require.NoError(t, err)
	assert.Equal(t, uint64(2), zr.Config().Network.Epoch)
	assert.Equal(t, uint64(2), p.Config().Network.Epoch)
	until := zr.Config().Network.AcceptedUntil
	assert.GreaterOrEqual(t, until, clk.now().Unix())

	// Restarted, the zone refuses messages up to its stored fence, then
	// takes part again.
	zn2, zcancel2, zdone2 := run(zr)
	defer func() { zcancel2(); <-zdone2 }()
	zn2.Serve("lamp", "light", lightMethods())
	waitFor(t, "fence refuses", func() bool { return zn2.Stats().Dropped[ErrStale.Error()] > 0 })
	assert.Zero(t, zn2.Stats().Accepted)
	clk.add(DefaultFutureSkew + time.Minute)
	waitFor(t, "zone back", func() bool {
		_, err := pn.Call(context.Background(), zr.Identity().ComputerID, "lamp", "get")
		return err == nil || !errors.Is(err, ErrTimeout)
	})
	out, err := pn.Call(context.Background(), zr.Identity().ComputerID, "lamp", "set", 9)
	require.NoError(t, err)
	assert.JSONEq(t, `{"level":9}`, string(out))
}
