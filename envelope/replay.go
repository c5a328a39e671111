package envelope

import (
	"fmt"
	"hash/maphash"
	"sync"
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
// old ones. Keys are 128-bit keyed hashes of sender and nonce (about 40 bytes
// of heap per live nonce).
//
// A ReplayCache is safe for concurrent use.
type ReplayCache struct {
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
	_       [40]byte       // keep shards on separate cache lines
}

type replayBucket struct {
	id int64
	m  map[[2]uint64]struct{}
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
	return &ReplayCache{
		seed0: maphash.MakeSeed(), seed1: maphash.MakeSeed(),
		window: w, width: max(1, w/4),
		perShard: (capacity + replayShards - 1) / replayShards,
	}, nil
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
	var h maphash.Hash
	h.SetSeed(c.seed0)
	h.WriteString(sender)
	h.WriteByte(0)
	h.Write(nonce)
	k0 := h.Sum64()
	h.SetSeed(c.seed1)
	h.WriteString(sender)
	h.WriteByte(0)
	h.Write(nonce)
	return [2]uint64{k0, h.Sum64()}
}

// CheckAndInsert records the nonce of sender for an envelope with timestamp
// ts, at time now (both Unix seconds). It returns [ErrReplay] if the pair was
// already recorded and [ErrCacheFull] if the cache is at capacity.
func (c *ReplayCache) CheckAndInsert(sender string, nonce []byte, ts, now int64) error {
	k := c.key(sender, nonce)
	s := &c.shards[k[0]&(replayShards-1)]
	id := ts / c.width
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire(c, now)
	var b *replayBucket
	i := 0
	for ; i < len(s.buckets); i++ {
		if s.buckets[i].id >= id {
			break
		}
	}
	if i < len(s.buckets) && s.buckets[i].id == id {
		b = &s.buckets[i]
	}
	if b != nil {
		if _, ok := b.m[k]; ok {
			return fmt.Errorf("%w: nonce %x from %.40s already accepted", ErrReplay, nonce, sender)
		}
	}
	if s.n >= c.perShard {
		return fmt.Errorf("%w: %d live nonces in shard, capacity %d", ErrCacheFull, s.n, c.perShard)
	}
	if b == nil {
		s.buckets = append(s.buckets, replayBucket{})
		copy(s.buckets[i+1:], s.buckets[i:])
		s.buckets[i] = replayBucket{id: id, m: make(map[[2]uint64]struct{})}
		b = &s.buckets[i]
	}
	b.m[k] = struct{}{}
	s.n++
	return nil
}

// expire drops buckets whose every timestamp is now outside the window.
func (s *replayShard) expire(c *ReplayCache, now int64) {
	drop := 0
	for drop < len(s.buckets) && (s.buckets[drop].id+1)*c.width-1+c.window < now {
		s.n -= len(s.buckets[drop].m)
		drop++
	}
	if drop > 0 {
		n := copy(s.buckets, s.buckets[drop:])
		clear(s.buckets[n:])
		s.buckets = s.buckets[:n]
	}
}
