package cahp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTarget(t *testing.T) {
	assert.Equal(t, strings.Repeat("f", 64), Target(0))
	assert.Equal(t, "0"+strings.Repeat("f", 63), Target(4))
	assert.Equal(t, "00007fff"+strings.Repeat("f", 56), Target(17))
	assert.Equal(t, strings.Repeat("0", 63)+"1", Target(255))
	assert.Equal(t, "", Target(257))
	// A hash meets difficulty d exactly when it does not exceed Target(d).
	for d := 0; d <= 24; d++ {
		target, _ := new(big.Int).SetString(Target(d), 16)
		for c := uint64(0); c < 64; c++ {
			sum := HashcashSum([]byte("0123456789abcdef"), []byte("session-id-16byt"), c)
			le := new(big.Int).SetBytes(sum[:]).Cmp(target) <= 0
			assert.Equal(t, le, leadingZeros(&sum, d), "d=%d c=%d", d, c)
		}
	}
}

func TestHashcashInput(t *testing.T) {
	// The input is u16be(len(prefix)) || prefix || u16be(len(sid)) || sid || u64be(counter).
	prefix, sid := []byte("0123456789abcdef"), []byte("session-id-16byt")
	raw, _ := hex.DecodeString("0010" + hex.EncodeToString(prefix) + "0010" + hex.EncodeToString(sid) + "0000000000000102")
	assert.Equal(t, sha256.Sum256(raw), HashcashSum(prefix, sid, 0x102))
}

func TestSolveAndVerifyHashcash(t *testing.T) {
	prefix, sid := []byte("0123456789abcdef"), []byte("session-id-16byt")
	for _, d := range []int{0, 1, 8, 16} {
		c, sum, err := SolveHashcash(context.Background(), prefix, sid, d)
		require.NoError(t, err)
		got, err := VerifyHashcash(prefix, sid, d, c)
		require.NoError(t, err)
		assert.Equal(t, sum, got)
	}
	// A counter that does not meet the difficulty.
	for c := uint64(0); ; c++ {
		sum := HashcashSum(prefix, sid, c)
		if sum[0] != 0 {
			_, err := VerifyHashcash(prefix, sid, 8, c)
			assert.ErrorIs(t, err, ErrUnsolved)
			break
		}
	}
	_, err := VerifyHashcash(prefix, sid, 4, maxSafeInt+1)
	assert.ErrorIs(t, err, ErrUnsolved)
	_, err = VerifyHashcash(prefix, sid, MaxDifficulty+1, 0)
	assert.ErrorIs(t, err, ErrDifficulty)
	_, _, err = SolveHashcash(context.Background(), prefix, sid, MaxDifficulty+1)
	assert.ErrorIs(t, err, ErrDifficulty)
}

func TestSolveHashcashHonoursContext(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, err := SolveHashcash(ctx, []byte("0123456789abcdef"), []byte("session-id-16byt"), MaxDifficulty)
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.DeadlineExceeded))
	assert.Less(t, time.Since(start), 2*time.Second)
}
