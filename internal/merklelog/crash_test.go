package merklelog

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/accordsdk/accord/checkpoint"
)

const crashDirEnv = "ACCORD_MERKLELOG_CRASH_DIR"

// crashRecord is the record that writer w appends as its n-th in round r.
func crashRecord(r, w, n int) []byte {
	pad := strings.Repeat("x", (w*37+n*11)%300)
	return fmt.Appendf(nil, "round=%d writer=%d n=%d %s", r, w, n, pad)
}

// crashChild is the process TestCrashRecovery kills: TestMain runs it
// instead of the tests when the test binary is started with crashDirEnv
// set. It appends from many goroutines and prints a line for every append
// and checkpoint that returned, until it is killed.
func crashChild(dir string) {
	fail := func(err error) {
		fmt.Printf("error %v\n", err)
		os.Exit(3)
	}
	round, err := strconv.Atoi(os.Getenv(crashDirEnv + "_ROUND"))
	if err != nil {
		fail(err)
	}
	signer, err := checkpoint.NewSigner(testOrigin, testKey(1))
	if err != nil {
		fail(err)
	}
	l, err := Open(dir, Options{Origin: testOrigin, Signer: signer})
	if err != nil {
		fail(err)
	}
	var mu sync.Mutex
	report := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		// One write per line, under PIPE_BUF: a line arrives whole or not at all.
		os.Stdout.Write(fmt.Appendf(nil, format, args...))
	}
	report("ready %d\n", l.Size())
	ctx := context.Background()
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Go(func() {
			for n := 0; ; n++ {
				idx, err := l.Append(ctx, crashRecord(round, w, n))
				if err != nil {
					report("error %v\n", err)
					return
				}
				report("ack %d %d %d\n", idx, w, n)
			}
		})
	}
	wg.Go(func() {
		for {
			signed, err := l.Checkpoint(ctx)
			if err != nil {
				report("error %v\n", err)
				return
			}
			c, err := parseSigned(signed)
			if err != nil {
				report("error %v\n", err)
				return
			}
			report("checkpoint %d %s\n", c.Size, c.Hash)
			time.Sleep(time.Millisecond)
		}
	})
	wg.Wait()
	os.Exit(3)
}

type ack struct {
	round, writer, n int
}

// TestCrashRecovery kills a writer process with SIGKILL at random moments,
// 50 times, and after each kill checks that the log opens, that every
// record whose Append returned is there, that the stored hashes match the
// records, and that every checkpoint handed out is consistent with the tree.
func TestCrashRecovery(t *testing.T) {
	const rounds = 50
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	acked := map[uint64]ack{}
	var checkpoints []checkpoint.Checkpoint
	killedWhileWriting := 0
	start := time.Now()
	for round := range rounds {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), crashDirEnv+"="+dir, crashDirEnv+"_ROUND="+strconv.Itoa(round))
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		lines := make(chan string)
		go func() {
			defer close(lines)
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
		}()
		// Kill at a random moment: sometimes during Open (recovery), mostly
		// while the writers run.
		var timer <-chan time.Time
		if rng.IntN(5) == 0 {
			timer = time.After(time.Duration(rng.IntN(30)) * time.Millisecond)
		}
		var acksThisRound int
		deadline := time.After(20 * time.Second)
	read:
		for {
			select {
			case <-deadline:
				cmd.Process.Kill()
				t.Fatalf("round %d: no kill after 20s", round)
			case <-timer:
				require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
				timer = nil
				if acksThisRound > 0 {
					killedWhileWriting++
				}
			case line, ok := <-lines:
				if !ok {
					break read
				}
				f := strings.Fields(line)
				switch f[0] {
				case "ready":
					if timer == nil {
						timer = time.After(time.Duration(5+rng.IntN(60)) * time.Millisecond)
					}
				case "ack":
					idx, _ := strconv.ParseUint(f[1], 10, 64)
					w, _ := strconv.Atoi(f[2])
					n, _ := strconv.Atoi(f[3])
					_, dup := acked[idx]
					require.False(t, dup, "index %d acknowledged twice", idx)
					acked[idx] = ack{round, w, n}
					acksThisRound++
				case "checkpoint":
					size, _ := strconv.ParseUint(f[1], 10, 64)
					h, err := tlog.ParseHash(f[2])
					require.NoError(t, err)
					checkpoints = append(checkpoints, checkpoint.Checkpoint{Origin: testOrigin, Size: size, Hash: h})
				default:
					cmd.Process.Kill()
					t.Fatalf("round %d: child said %q", round, line)
				}
			}
		}
		err = cmd.Wait()
		require.Error(t, err, "round %d: the child must die by the signal", round)
		verifyAfterCrash(t, dir, acked, checkpoints)
	}
	t.Logf("%d rounds, %d kills while appending, %d records acknowledged, %d checkpoints, %v",
		rounds, killedWhileWriting, len(acked), len(checkpoints), time.Since(start))
	require.Greater(t, killedWhileWriting, rounds/2, "most kills should land while records are being appended")
}

func verifyAfterCrash(t *testing.T, dir string, acked map[uint64]ack, checkpoints []checkpoint.Checkpoint) {
	t.Helper()
	l, err := Open(dir, testOptions(t))
	require.NoError(t, err)
	defer l.Close()
	size := l.Size()
	for idx, a := range acked {
		require.Less(t, idx, size, "acknowledged record %d lost", idx)
		got, err := l.Record(idx)
		require.NoError(t, err)
		require.Equal(t, string(crashRecord(a.round, a.writer, a.n)), string(got))
	}
	// The stored hashes agree with the records.
	var stored []tlog.Hash
	r := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = stored[x]
		}
		return out, nil
	})
	for i := range size {
		data, err := l.Record(i)
		require.NoError(t, err)
		hs, err := tlog.StoredHashes(int64(i), data, r)
		require.NoError(t, err)
		stored = append(stored, hs...)
	}
	want, err := tlog.TreeHash(int64(size), r)
	require.NoError(t, err)
	got, err := l.TreeHash(size)
	require.NoError(t, err)
	require.Equal(t, want, got)
	// Every checkpoint the child handed out is a prefix of this tree.
	for _, c := range checkpoints {
		require.LessOrEqual(t, c.Size, size)
		h, err := tlog.TreeHash(int64(c.Size), r)
		require.NoError(t, err)
		require.Equal(t, c.Hash, h, "checkpoint at size %d", c.Size)
	}
	_, err = l.Checkpoint(context.Background())
	require.NoError(t, err)
}
