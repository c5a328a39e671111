package pairing

import (
	"context"
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/accordsdk/accord/internal/atomicfile"
	"github.com/accordsdk/accord/internal/keyfile"
)

// Device roles.
const (
	RolePocket = "pocket" // the controller, with no peripherals of its own
	RoleZone   = "zone"   // a computer with peripherals
)

// Files of a device directory.
const (
	ConfigFile = "pairing.json" // the device's configuration and swarm secret, mode 0600
	KeyFile    = "device.key"   // the device's Ed25519 identity key, mode 0600
)

// Config is a device's configuration file: its identity in the swarm and,
// under network, the swarm secret.
type Config struct {
	V            int     `json:"v"`
	Role         string  `json:"role"`
	ZoneID       string  `json:"zoneId"`
	ZoneName     string  `json:"zoneName"`
	IsController bool    `json:"isController"`
	Network      Network `json:"network"`
}

// Network is the swarm part of a [Config].
type Network struct {
	Enabled bool   `json:"enabled"`
	Secret  b64    `json:"secret,omitempty"` // 32 bytes, base64url
	Swarm   string `json:"swarm,omitempty"`
	Epoch   uint64 `json:"epoch,omitempty"`
	// AcceptedUntil (Unix seconds) is a timestamp no swarm message this
	// device accepted can be later than: written ahead while it runs, so
	// that after a restart it refuses replays of what it accepted before.
	AcceptedUntil int64 `json:"acceptedUntil,omitempty"`
}

// IsInSwarm reports whether cfg holds a swarm secret and networking is on.
func IsInSwarm(cfg *Config) bool {
	return cfg.Network.Enabled && len(cfg.Network.Secret) == SecretSize && cfg.Network.Epoch > 0
}

// SetNetworkSecret stores the grant's secret in cfg and turns networking on.
func SetNetworkSecret(cfg *Config, g Grant) {
	cfg.Network = Network{Enabled: true, Secret: append(b64(nil), g.Secret[:]...), Swarm: g.Swarm, Epoch: g.Epoch,
		AcceptedUntil: cfg.Network.AcceptedUntil}
}

// ParseConfig decodes a configuration file strictly and checks it.
func ParseConfig(b []byte) (*Config, error) {
	var c Config
	if err := decodeStrict(b, &c); err != nil {
		return nil, fmt.Errorf("%w: config: %v", ErrMalformed, err)
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	return &c, nil
}

func (c *Config) check() error {
	switch {
	case c.V != 1:
		return fmt.Errorf("%w: config: v %d, want 1", ErrMalformed, c.V)
	case c.Role != RolePocket && c.Role != RoleZone:
		return fmt.Errorf("%w: config: role %.40q, want %q or %q", ErrMalformed, c.Role, RolePocket, RoleZone)
	case !validID(c.ZoneID):
		return fmt.Errorf("%w: config: zoneId %.80q", ErrMalformed, c.ZoneID)
	case !validLabel(c.ZoneName):
		return fmt.Errorf("%w: config: zoneName %.80q", ErrMalformed, c.ZoneName)
	case c.Network.Secret != nil && len(c.Network.Secret) != SecretSize:
		return fmt.Errorf("%w: config: secret of %d bytes, want %d", ErrMalformed, len(c.Network.Secret), SecretSize)
	case c.Network.Secret != nil && (!validID(c.Network.Swarm) || c.Network.Epoch == 0 || c.Network.Epoch > 1<<53-1):
		return fmt.Errorf("%w: config: swarm %.80q epoch %d", ErrMalformed, c.Network.Swarm, c.Network.Epoch)
	case c.Network.Secret == nil && (c.Network.Swarm != "" || c.Network.Epoch != 0 || c.Network.Enabled):
		return fmt.Errorf("%w: config: network without a secret", ErrMalformed)
	case c.Network.AcceptedUntil < 0 || c.Network.AcceptedUntil > 1<<53-1:
		return fmt.Errorf("%w: config: acceptedUntil %d", ErrMalformed, c.Network.AcceptedUntil)
	}
	return nil
}

// Grant returns the swarm secret the configuration holds.
func (c *Config) Grant() (Grant, error) {
	if !IsInSwarm(c) {
		return Grant{}, ErrNotPaired
	}
	g := Grant{Swarm: c.Network.Swarm, Epoch: c.Network.Epoch, ZoneID: c.ZoneID, ZoneName: c.ZoneName}
	copy(g.Secret[:], c.Network.Secret)
	return g, nil
}

// A Device is a pocket or zone with its state in a directory: [ConfigFile]
// (written atomically, mode 0600) and [KeyFile]. Its computer id (and zone
// id) comes from its identity key, and its X25519 device key, to which
// rotations are sealed, is derived from the same key.
type Device struct {
	dir string
	mu  sync.Mutex
	cfg Config
	key ed25519.PrivateKey
}

// OpenDevice opens the device in dir, creating its key and configuration
// if dir holds none (label names it then). A device keeps its role.
func OpenDevice(dir, role, label string) (*Device, error) {
	if role != RolePocket && role != RoleZone {
		return nil, fmt.Errorf("pairing: device role %q, want %q or %q", role, RolePocket, RoleZone)
	}
	key, _, err := keyfile.LoadOrCreatePrivate(filepath.Join(dir, KeyFile))
	if err != nil {
		return nil, fmt.Errorf("pairing: device: %w", err)
	}
	d := &Device{dir: dir, key: key}
	path := filepath.Join(dir, ConfigFile)
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if !validLabel(label) {
			return nil, fmt.Errorf("pairing: device label %.80q: want 1 to %d printable characters", label, maxLabelLen)
		}
		d.cfg = Config{V: 1, Role: role, ZoneID: computerID(key), ZoneName: label}
		return d, d.save()
	case err != nil:
		return nil, fmt.Errorf("pairing: device: %w", err)
	}
	if err := checkPrivateMode(path); err != nil {
		return nil, err
	}
	c, err := ParseConfig(b)
	if err != nil {
		return nil, fmt.Errorf("pairing: device %s: %w", path, err)
	}
	if c.Role != role {
		return nil, fmt.Errorf("pairing: device %s is a %s, not a %s", dir, c.Role, role)
	}
	if c.ZoneID != computerID(key) {
		return nil, fmt.Errorf("pairing: device %s: zoneId %q does not belong to %s", dir, c.ZoneID, KeyFile)
	}
	d.cfg = *c
	return d, nil
}

// checkPrivateMode refuses a secret file others can read or write.
func checkPrivateMode(path string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("pairing: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("pairing: %s has mode %v and holds the swarm secret: run chmod 600 %s", path, st.Mode().Perm(), path)
	}
	return nil
}

// computerID is "d" and the first 12 bytes of SHA-256 of the public key, in hex.
func computerID(key ed25519.PrivateKey) string {
	h := sha256.Sum256(key.Public().(ed25519.PublicKey))
	return "d" + hex.EncodeToString(h[:12])
}

// Config returns a copy of the configuration.
func (d *Device) Config() Config {
	d.mu.Lock()
	defer d.mu.Unlock()
	c := d.cfg
	c.Network.Secret = append(b64(nil), c.Network.Secret...)
	return c
}

// Identity returns the device's computer id and label.
func (d *Device) Identity() Identity {
	d.mu.Lock()
	defer d.mu.Unlock()
	return Identity{ComputerID: d.cfg.ZoneID, Label: d.cfg.ZoneName}
}

// DeviceKey returns the X25519 key derived from the identity key the way
// Ed25519 keys map to X25519 ones (RFC 8032 §5.1.5: SHA-512 of the 32-byte
// private key, lower half; X25519 clamps it).
func (d *Device) DeviceKey() *ecdh.PrivateKey {
	h := sha512.Sum512(d.key.Seed())
	k, err := ecdh.X25519().NewPrivateKey(h[:32])
	if err != nil {
		panic("pairing: x25519 key: " + err.Error())
	}
	return k
}

func (d *Device) save() error {
	b, err := canonicalJSON(&d.cfg)
	if err != nil {
		return err
	}
	if err := atomicfile.Write(filepath.Join(d.dir, ConfigFile), append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("pairing: device: %w", err)
	}
	return nil
}

// InSwarm reports whether the device holds a swarm secret.
func (d *Device) InSwarm() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return IsInSwarm(&d.cfg)
}

// Status says, in a sentence, where the device stands and what it can do.
func (d *Device) Status() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case IsInSwarm(&d.cfg) && d.cfg.IsController:
		return fmt.Sprintf("%s %q is the controller of swarm %s (epoch %d)", d.cfg.Role, d.cfg.ZoneName, d.cfg.Network.Swarm, d.cfg.Network.Epoch)
	case IsInSwarm(&d.cfg):
		return fmt.Sprintf("%s %q is in swarm %s (epoch %d)", d.cfg.Role, d.cfg.ZoneName, d.cfg.Network.Swarm, d.cfg.Network.Epoch)
	case d.cfg.Role == RoleZone:
		return fmt.Sprintf("zone %q is not in a swarm: accept pairing from a pocket (accept), or join with a code from a zone in the swarm (join)", d.cfg.ZoneName)
	}
	return fmt.Sprintf("pocket %q is not in a swarm: create one (create) or join one with a code from a zone in it (join)", d.cfg.ZoneName)
}

// Actions lists what the device can do now, by verb: an unpaired pocket can
// only create or join a swarm; an unpaired zone accepts or joins.
func (d *Device) Actions() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case !IsInSwarm(&d.cfg) && d.cfg.Role == RolePocket:
		return []string{"create", "join", "status"}
	case !IsInSwarm(&d.cfg):
		return []string{"accept", "join", "status"}
	case d.cfg.Role == RolePocket:
		return []string{"add", "host", "rotate", "status", "leave"}
	}
	return []string{"run", "host", "status", "leave"}
}

// Create makes the device, a pocket, the controller of a new swarm with a
// fresh secret.
func (d *Device) Create() (Grant, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cfg.Role != RolePocket {
		return Grant{}, fmt.Errorf("pairing: only a pocket creates a swarm: %w", ErrNotController)
	}
	if IsInSwarm(&d.cfg) {
		return Grant{}, ErrAlreadyPaired
	}
	s := NewSecret()
	sid := sha256.Sum256(s[:])
	g := Grant{Secret: s, Swarm: "s" + hex.EncodeToString(sid[:8]), Epoch: 1, ZoneID: d.cfg.ZoneID, ZoneName: d.cfg.ZoneName}
	SetNetworkSecret(&d.cfg, g)
	d.cfg.IsController = true
	return g, d.save()
}

// Join stores a grant received by pairing. A pocket that joins becomes the
// controller (the recovery flow after a lost pocket).
func (d *Device) Join(g Grant) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if IsInSwarm(&d.cfg) && d.cfg.Network.Swarm == g.Swarm && d.cfg.Network.Epoch >= g.Epoch {
		return ErrAlreadyPaired
	}
	SetNetworkSecret(&d.cfg, g)
	d.cfg.IsController = d.cfg.Role == RolePocket
	return d.save()
}

// Leave forgets the swarm: the secret is removed from the configuration.
func (d *Device) Leave() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.cfg.Network = Network{}
	d.cfg.IsController = false
	return d.save()
}

// Grant returns what the device hands to a device it pairs: its current
// swarm secret, with itself as the giver.
func (d *Device) Grant() (Grant, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.cfg.Grant()
}

// Start rejoins the swarm unaided: it opens the swarm channel from the
// stored secret (with the stored start-up fence), keeps acceptedUntil
// written ahead while ctx lasts, stores each new epoch a rotation brings,
// and returns the node (the caller runs it). A device not in a swarm gets
// [ErrNotPaired].
func (d *Device) Start(ctx context.Context, t Transport, chOpts []Option, nodeOpts ...NodeOption) (*Node, error) {
	d.mu.Lock()
	g, err := d.cfg.Grant()
	fence := time.Time{}
	if d.cfg.Network.AcceptedUntil > 0 {
		fence = time.Unix(d.cfg.Network.AcceptedUntil, 0)
	}
	controller := d.cfg.IsController
	d.mu.Unlock()
	if err != nil {
		return nil, err
	}
	ch, err := NewChannel(g.ZoneID, g, append([]Option{WithStartupFence(fence)}, chOpts...)...)
	if err != nil {
		return nil, err
	}
	setFence := func(t time.Time) error {
		d.mu.Lock()
		defer d.mu.Unlock()
		if !IsInSwarm(&d.cfg) {
			return nil
		}
		d.cfg.Network.AcceptedUntil = t.Unix()
		return d.save()
	}
	ahead := func(by time.Duration) error { return setFence(ch.c.now().Add(ch.c.skew + by)) }
	if err := ahead(2 * acceptedAhead); err != nil {
		return nil, err
	}
	go func() {
		tick := time.NewTicker(acceptedAhead)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				ahead(2 * acceptedAhead)
			}
		}
	}()
	store := func(ng Grant) error {
		d.mu.Lock()
		defer d.mu.Unlock()
		SetNetworkSecret(&d.cfg, ng)
		return d.save()
	}
	// When the node stops, nothing later than the latest message it
	// accepted was accepted: a restart after a clean stop barely pauses.
	stopped := func(c *nodeConfig) error {
		c.stopped = func() {
			last := ch.LatestAccepted()
			if last.Before(fence) {
				last = fence // nothing new: the earlier fence still holds
			}
			if !last.IsZero() {
				setFence(last)
			} else {
				setFence(time.Unix(0, 0))
			}
		}
		return nil
	}
	opts := append([]NodeOption{OnRekey(store), stopped}, nodeOpts...)
	if controller {
		opts = append(opts, AsController())
	}
	return NewNode(t, ch, d.Identity(), d.DeviceKey(), opts...)
}

// acceptedAhead is how often, and by how much beyond the future skew,
// acceptedUntil is written ahead.
const acceptedAhead = 5 * time.Second
