package envelope

import (
	"fmt"
	"hash/maphash"
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// replayShards is the number of independently locked parts of a
// [ReplayCache]; a power of two.
const replayShards = 64

// DefaultReplayCapacity is the number of live nonces a [ReplayCache] made by
// [NewVerifier] holds before it refuses new envelopes with [ErrCacheFull].
const DefaultReplayCapacity = 1 << 21

// A ReplayCache remembers the (sender, nonce) pairs of accepted envelopes for
// as long as their timestamps are inside the verifier's window, after which
// the window check alone rejects them.
//
// Entries are filed in time buckets by envelope timestamp, so a replay (which
// carries the same signed timestamp) is looked up in one bucket, and expiry
// drops whole buckets. The cache is split into shards with their own locks so
// that concurrent verifiers rarely contend. Memory is bounded: a cache holding
// its capacity refuses new nonces with [ErrCacheFull] rather than forgetting
// old ones. Keys are 128-bit keyed hashes of sender and nonce (about 35 bytes
// of heap per live nonce).
//
// Expiry is driven by a high-water mark, not by the clock of each call: the
// cache remembers the latest now any caller has passed, and refuses (with
// [ErrOutsideWindow]) every timestamp more than one window before it. So a
// bucket is dropped only when no later call can accept its timestamps: a
// clock stepped back, or verifiers with different clocks sharing one cache,
// cannot make the cache forget a nonce that could still pass a window
// check. The price is that the fastest clock sets the window's lower edge:
// after a clock jumped ahead and came back, envelopes are refused until the
// clock catches up (fail closed), and a verifier whose clock is behind the
// others' by d sees its window shortened by d on the old side.
//
// A ReplayCache is safe for concurrent use.
type ReplayCache struct {
	// floor is the high-water mark minus the window: the oldest timestamp
	// still accepted. It only grows.
	floor        atomic.Int64
	_            [56]byte // keep the shards' cache lines apart from floor
	seed0, seed1 maphash.Seed
	window       int64 // seconds an entry outlives its timestamp
	width        int64 // seconds per bucket
	perShard     int
	shards       [replayShards]replayShard
}

type replayShard struct {
	mu      sync.Mutex
	n       int
	buckets []replayBucket // ascending by id
	_       [88]byte       // 128 bytes a shard: no two share a cache line
}

type replayBucket struct {
	id int64
	m  nonceSet
}

// nonceSet is an open-addressing hash set of 128-bit keys with linear
// probing: a lookup usually reads one cache line, where a Go map reads a
// control word and a slot. The all-zero key marks an empty slot, so keys
// always have their lowest bit set.
type nonceSet struct {
	slots [][2]uint64 // length a power of two, or zero
	n     int
}

// insert adds k and reports whether it was absent.
func (s *nonceSet) insert(k [2]uint64) bool {
	if 4*(s.n+1) > 3*len(s.slots) {
		s.grow(max(16, 2*len(s.slots)))
	}
	mask := uint64(len(s.slots) - 1)
	for i := k[1] & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case k:
			return false
		case [2]uint64{}:
			s.slots[i] = k
			s.n++
			return true
		}
	}
}

// contains reports whether k is in the set.
func (s *nonceSet) contains(k [2]uint64) bool {
	if len(s.slots) == 0 {
		return false
	}
	mask := uint64(len(s.slots) - 1)
	for i := k[1] & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case k:
			return true
		case [2]uint64{}:
			return false
		}
	}
}

func (s *nonceSet) grow(size int) {
	old := s.slots
	s.slots = make([][2]uint64, size)
	s.n = 0
	for _, k := range old {
		if k != [2]uint64{} {
			s.insert(k)
		}
	}
}

// newNonceSet returns a set with room for about hint keys.
func newNonceSet(hint int) nonceSet {
	size := 16
	for 3*size < 4*hint {
		size *= 2
	}
	return nonceSet{slots: make([][2]uint64, size)}
}

// NewReplayCache returns a cache for verifiers whose window is at most
// window, holding at most capacity live nonces.
func NewReplayCache(window time.Duration, capacity int) (*ReplayCache, error) {
	w := int64(window / time.Second)
	if w < 1 {
		return nil, fmt.Errorf("replay cache window %v, want at least 1s", window)
	}
	if capacity < replayShards {
		return nil, fmt.Errorf("replay cache capacity %d, want at least %d", capacity, replayShards)
	}
	c := &ReplayCache{
		seed0: maphash.MakeSeed(), seed1: maphash.MakeSeed(),
		window: w, width: max(1, w/4),
		perShard: (capacity + replayShards - 1) / replayShards,
	}
	c.floor.Store(math.MinInt64)
	return c, nil
}

// raiseFloor moves the high-water mark up to now and returns the floor.
func (c *ReplayCache) raiseFloor(now int64) int64 {
	want := now - c.window
	for {
		f := c.floor.Load()
		if want <= f || c.floor.CompareAndSwap(f, want) {
			return max(f, want)
		}
	}
}

// Window returns the longest verifier window the cache serves.
func (c *ReplayCache) Window() time.Duration { return time.Duration(c.window) * time.Second }

// Len returns the number of live nonces held.
func (c *ReplayCache) Len() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		n += s.n
		s.mu.Unlock()
	}
	return n
}

func (c *ReplayCache) key(sender string, nonce []byte) [2]uint64 {
	var stack [256]byte
	var buf []byte
	if len(sender)+1+len(nonce) <= len(stack) {
		buf = stack[:0]
	}
	buf = append(append(append(buf, sender...), 0), nonce...)
	// Bit 0 of the second half is set so that no key is the empty-slot marker.
	return [2]uint64{maphash.Bytes(c.seed0, buf), maphash.Bytes(c.seed1, buf) | 1}
}

// CheckAndInsert records the nonce of sender for an envelope with timestamp
// ts, at time now (both Unix seconds). It returns [ErrReplay] if the pair was
// already recorded, [ErrCacheFull] if the cache is at capacity, and
// [ErrOutsideWindow] if ts is more than one window before the latest now
// any caller has passed (the high-water mark).
func (c *ReplayCache) CheckAndInsert(sender string, nonce []byte, ts, now int64) error {
	c.raiseFloor(now)
	k := c.key(sender, nonce)
	s := &c.shards[k[0]&(replayShards-1)]
	id := ts / c.width
	s.mu.Lock()
	// The floor is read under the shard's lock, after any expiry of this
	// shard by another caller: a bucket dropped at floor f held only
	// timestamps below f, and they are refused here from then on.
	floor := c.floor.Load()
	var err error
	if ts < floor {
		err = errBelowFloor
	} else {
		err = s.checkAndInsert(c, k, id, floor)
	}
	s.mu.Unlock()
	if err == errBelowFloor {
		return fmt.Errorf("%w: timestamp %d is before %d, one window before the latest time the replay cache was used at", ErrOutsideWindow, ts, floor)
	}
	if err != nil {
		return fmt.Errorf("%w: nonce %x from %.40s", err, nonce, sender)
	}
	return nil
}

var (
	errAlreadyAccepted = fmt.Errorf("%w: already accepted", ErrReplay)
	errBelowFloor      = fmt.Errorf("%w: below the replay cache's floor", ErrOutsideWindow)
)

func (s *replayShard) checkAndInsert(c *ReplayCache, k [2]uint64, id, floor int64) error {
	s.expire(c, floor)
	i := 0
	for i < len(s.buckets) && s.buckets[i].id < id {
		i++
	}
	if i == len(s.buckets) || s.buckets[i].id != id {
		// A new bucket is sized like the newest one so far, which saves
		// most of the rehashing as it fills.
		hint := 0
		if n := len(s.buckets); n > 0 {
			hint = s.buckets[n-1].m.n
		}
		s.buckets = append(s.buckets, replayBucket{})
		copy(s.buckets[i+1:], s.buckets[i:])
		s.buckets[i] = replayBucket{id: id, m: newNonceSet(hint)}
	}
	m := &s.buckets[i].m
	if s.n >= c.perShard {
		if m.contains(k) {
			return errAlreadyAccepted
		}
		return fmt.Errorf("%w: %d live nonces in shard, capacity %d", ErrCacheFull, s.n, c.perShard)
	}
	if !m.insert(k) {
		return errAlreadyAccepted
	}
	s.n++
	return nil
}

// expire drops buckets whose every timestamp is below floor, which the
// cache refuses from then on.
func (s *replayShard) expire(c *ReplayCache, floor int64) {
	drop := 0
	for drop < len(s.buckets) && (s.buckets[drop].id+1)*c.width-1 < floor {
		s.n -= s.buckets[drop].m.n
		drop++
	}
	if drop > 0 {
		n := copy(s.buckets, s.buckets[drop:])
		clear(s.buckets[n:])
		s.buckets = s.buckets[:n]
	}
}
