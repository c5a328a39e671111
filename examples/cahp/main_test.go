package main

import (
	"bytes"
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syncBuffer is a buffer serve may write while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func run(t *testing.T, ctx context.Context, args ...string) (string, string, int) {
	var out, errb syncBuffer
	code := command().Execute(ctx, args, &out, &errb, func(string) string { return "" })
	return out.String(), errb.String(), code
}

// TestServeAndConnect runs serve and connect as the binary would, on
// loopback: identities only with -init, a handshake that ends with a ticket,
// and one-line errors with a non-zero status for a refused handshake.
func TestServeAndConnect(t *testing.T) {
	dir := t.TempDir()
	_, stderr, code := run(t, context.Background(), "-data", dir+"/srv", "key")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "-init")
	srvKey, _, code := run(t, context.Background(), "-init", "-data", dir+"/srv", "key")
	require.Equal(t, 0, code)
	cliKey, _, code := run(t, context.Background(), "-init", "-data", dir+"/cli", "key")
	require.Equal(t, 0, code)
	srvKey, cliKey = strings.TrimSpace(srvKey), strings.TrimSpace(cliKey)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan int)
	go func() {
		done <- command().Execute(ctx, []string{"-data", dir + "/srv", "serve", "-peer", cliKey, "-listen", addr, "-difficulty", "8"},
			&out, &errb, func(string) string { return "" })
	}()
	var root, rpc string
	require.Eventually(t, func() bool {
		for _, l := range strings.Split(out.String(), "\n") {
			f := strings.Fields(l)
			switch {
			case len(f) >= 3 && f[0] == "model":
				root = f[2]
			case len(f) >= 2 && f[0] == "chain:":
				rpc = f[1]
			}
		}
		return strings.Contains(out.String(), "listening:")
	}, 30*time.Second, 20*time.Millisecond, "serve did not start: %s", errb.String())

	stdout, stderr, code := run(t, context.Background(), "-data", dir+"/cli", "connect", "-peer", srvKey, "-model-root", root, "-rpc", rpc, "http://"+addr)
	require.Equal(t, 0, code, stderr)
	for _, phase := range []string{"1 discovery", "2 proof", "3 challenge", "4 response", "5 ticket"} {
		assert.Contains(t, stdout, phase)
	}
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "ticket issued") }, 5*time.Second, 10*time.Millisecond)

	// A root that is not the responder's: refused, one line, status 1.
	_, stderr, code = run(t, context.Background(), "-data", dir+"/cli", "connect", "-peer", srvKey,
		"-model-root", "blake3:"+strings.Repeat("0", 64), "-rpc", rpc, "http://"+addr)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "wrong weight root")
	assert.Equal(t, 1, strings.Count(stderr, "\n"))
	// An initiator the responder has not pinned.
	_, stderr, code = run(t, context.Background(), "-data", dir+"/srv", "connect", "-peer", srvKey, "-model-root", root, "-rpc", rpc, "http://"+addr)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "unknown_key")

	cancel()
	assert.Equal(t, 0, <-done)
}
