package cahp

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"math/big"
	"runtime"
	"sync"
	"sync/atomic"
)

// MaxDifficulty is the most hashcash work a challenge may ask: 32 leading
// zero bits, about 4.3e9 SHA-256 hashes (minutes on one core, never hours).
// An initiator refuses a challenge above its own limit
// ([WithMaxDifficulty], default [DefaultMaxDifficulty]), which is at most
// this.
const MaxDifficulty = 32

// DefaultMaxDifficulty is the most work an [Initiator] does unless told
// otherwise: 26 bits, about 67 million hashes (seconds on one core).
const DefaultMaxDifficulty = 26

// hashcashBatch is how many counters a solver worker tries between looks at
// the cancellation flag.
const hashcashBatch = 1 << 14

// Target returns the hashcash target of difficulty d: 2^(256-d) - 1 as 64
// lowercase hex digits. A hash meets difficulty d exactly when, read as a
// big-endian number, it does not exceed the target (it starts with at least d
// zero bits).
func Target(d int) string {
	if d < 0 || d > 256 {
		return ""
	}
	t := new(big.Int).Lsh(big.NewInt(1), uint(256-d))
	t.Sub(t, big.NewInt(1))
	var b [32]byte
	t.FillBytes(b[:])
	return hex.EncodeToString(b[:])
}

// hashcashInput returns the hashed input with room for the counter:
// u16be(len(prefix)) || prefix || u16be(len(session id)) || session id ||
// u64be(counter).
func hashcashInput(prefix, sessionID []byte) []byte {
	buf := make([]byte, 0, 2+len(prefix)+2+len(sessionID)+8)
	buf = binary.BigEndian.AppendUint16(buf, uint16(len(prefix)))
	buf = append(buf, prefix...)
	buf = binary.BigEndian.AppendUint16(buf, uint16(len(sessionID)))
	buf = append(buf, sessionID...)
	return append(buf, make([]byte, 8)...)
}

// HashcashSum returns SHA-256 of the hashcash input for prefix, the raw
// session id bytes and counter.
func HashcashSum(prefix, sessionID []byte, counter uint64) [32]byte {
	buf := hashcashInput(prefix, sessionID)
	binary.BigEndian.PutUint64(buf[len(buf)-8:], counter)
	return sha256.Sum256(buf)
}

// leadingZeros reports whether sum starts with at least d zero bits.
func leadingZeros(sum *[32]byte, d int) bool {
	for i := 0; d > 0; i++ {
		if d >= 8 {
			if sum[i] != 0 {
				return false
			}
			d -= 8
			continue
		}
		return sum[i]>>(8-d) == 0
	}
	return true
}

// VerifyHashcash checks a solution with one hash: counter must be at most
// 2^53-1 and the hash must start with difficulty zero bits. It returns the
// hash.
func VerifyHashcash(prefix, sessionID []byte, difficulty int, counter uint64) ([32]byte, error) {
	if difficulty < 0 || difficulty > MaxDifficulty {
		return [32]byte{}, fmt.Errorf("%w: difficulty %d, want 0 to %d", ErrDifficulty, difficulty, MaxDifficulty)
	}
	if counter > maxSafeInt {
		return [32]byte{}, fmt.Errorf("%w: counter %d over 2^53-1", ErrUnsolved, counter)
	}
	sum := HashcashSum(prefix, sessionID, counter)
	if !leadingZeros(&sum, difficulty) {
		return sum, fmt.Errorf("%w: hash %x has fewer than %d leading zero bits", ErrUnsolved, sum[:8], difficulty)
	}
	return sum, nil
}

// SolveHashcash finds a counter whose hash starts with difficulty zero bits,
// on every core (GOMAXPROCS workers). It stops early with ctx's error when
// ctx is done.
func SolveHashcash(ctx context.Context, prefix, sessionID []byte, difficulty int) (uint64, [32]byte, error) {
	return solveHashcash(ctx, prefix, sessionID, difficulty, runtime.GOMAXPROCS(0))
}

func solveHashcash(ctx context.Context, prefix, sessionID []byte, difficulty, workers int) (uint64, [32]byte, error) {
	if difficulty < 0 || difficulty > MaxDifficulty {
		return 0, [32]byte{}, fmt.Errorf("%w: difficulty %d, want 0 to %d", ErrDifficulty, difficulty, MaxDifficulty)
	}
	if difficulty == 0 {
		return 0, HashcashSum(prefix, sessionID, 0), nil
	}
	return searchParallel(ctx, prefix, sessionID, difficulty, workers, maxSafeInt+1)
}

// searchParallel tries counters 0 to limit-1 on workers goroutines and
// returns the smallest that meets difficulty (1 to 64).
func searchParallel(ctx context.Context, prefix, sessionID []byte, difficulty, workers int, limit uint64) (uint64, [32]byte, error) {
	base := hashcashInput(prefix, sessionID)
	// Workers take batches of counters in increasing order and finish each
	// batch they take; a batch starting above the best hit so far is not
	// taken. So every counter below the best is tried, and the answer is the
	// smallest counter that meets the difficulty, whatever the scheduling.
	const none = math.MaxUint64
	var (
		next atomic.Uint64 // next batch start
		best atomic.Uint64
		wg   sync.WaitGroup
	)
	best.Store(none)
	done := ctx.Done()
	for range max(1, workers) {
		wg.Go(func() {
			buf := append([]byte(nil), base...)
			for {
				select {
				case <-done:
					return
				default:
				}
				lo := next.Add(hashcashBatch) - hashcashBatch
				if lo >= limit || lo > best.Load() {
					return
				}
				if c, _, hit := searchHashcash(buf, lo, min(lo+hashcashBatch, limit), difficulty); hit {
					for {
						b := best.Load()
						if c >= b || best.CompareAndSwap(b, c) {
							break
						}
					}
					return
				}
			}
		})
	}
	wg.Wait()
	if c := best.Load(); c != none {
		return c, HashcashSum(prefix, sessionID, c), nil
	}
	if err := ctx.Err(); err != nil {
		return 0, [32]byte{}, fmt.Errorf("cahp: hashcash: %w", err)
	}
	return 0, [32]byte{}, fmt.Errorf("%w: no counter below %d meets difficulty %d", ErrUnsolved, limit, difficulty)
}

// searchHashcash tries counters lo to hi-1 in buf (the input with its last
// 8 bytes for the counter) and returns the first that meets difficulty d
// (1 to 64).
func searchHashcash(buf []byte, lo, hi uint64, d int) (uint64, [32]byte, bool) {
	ctr := buf[len(buf)-8:]
	shift := uint(64 - d)
	for c := lo; c < hi; c++ {
		binary.BigEndian.PutUint64(ctr, c)
		sum := sha256.Sum256(buf)
		if binary.BigEndian.Uint64(sum[:8])>>shift == 0 {
			return c, sum, true
		}
	}
	return 0, [32]byte{}, false
}
