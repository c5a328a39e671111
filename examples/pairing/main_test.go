package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// freeBase finds a run of 8 free UDP ports on loopback.
func freeBase(t *testing.T) int {
	for range 50 {
		base := 20000 + rand.IntN(5000)*8
		ok := true
		for i := range 8 {
			c, err := net.ListenPacket("udp", "127.0.0.1:"+strconv.Itoa(base+i))
			if err != nil {
				ok = false
				break
			}
			c.Close()
		}
		if ok {
			return base
		}
	}
	t.Fatal("no free ports")
	return 0
}

type proc struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string
	stderr *strings.Builder
}

// TestProcesses runs a pocket and two zones as separate processes over UDP on
// loopback: each zone prints its code, the pocket reads it from stdin, and
// then one zone calls the other's lamp on the swarm channel.
func TestProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "pairing")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := strconv.Itoa(freeBase(t))
	start := func(dirName string, args ...string) *proc {
		cmd := exec.CommandContext(ctx, bin, append([]string{"-dir", filepath.Join(tmp, dirName), "-port", base, "-timeout", "60s"}, args...)...)
		stdin, err := cmd.StdinPipe()
		require.NoError(t, err)
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		p := &proc{cmd: cmd, stdin: stdin, lines: make(chan string, 64), stderr: &strings.Builder{}}
		cmd.Stderr = p.stderr
		require.NoError(t, cmd.Start())
		go func() {
			s := bufio.NewScanner(out)
			for s.Scan() {
				p.lines <- s.Text()
			}
			close(p.lines)
		}()
		return p
	}
	wait := func(p *proc) string {
		var all []string
		for l := range p.lines {
			all = append(all, l)
		}
		err := p.cmd.Wait()
		require.NoError(t, err, "%v\nstdout: %s\nstderr: %s", p.cmd.Args, strings.Join(all, "\n"), p.stderr.String())
		return strings.Join(all, "\n")
	}
	codeRE := regexp.MustCompile(`^code: ([A-Z2-9]{4}-[A-Z2-9]{4})$`)
	readCode := func(p *proc) string {
		for l := range p.lines {
			if m := codeRE.FindStringSubmatch(l); m != nil {
				return m[1]
			}
		}
		t.Fatalf("no code from %v: %s", p.cmd.Args, p.stderr.String())
		return ""
	}

	out := wait(start("pocket", "-init", "-role", "pocket", "-label", "Pocket", "create"))
	require.Contains(t, out, "created swarm")
	out = wait(start("kitchen", "-init", "-role", "zone", "-label", "Kitchen", "status"))
	require.Contains(t, out, "not in a swarm")

	// The kitchen zone accepts and stays in the swarm, serving its lamp.
	kitchen := start("kitchen", "accept", "-serve")
	code := readCode(kitchen)
	pocket := start("pocket", "add")
	fmt.Fprintln(pocket.stdin, code)
	require.Contains(t, wait(pocket), "paired Kitchen")
	joined := <-kitchen.lines
	require.Contains(t, joined, "joined swarm")

	// A wrong code first, then the right one, for the garage.
	garage := start("garage", "-init", "-role", "zone", "-label", "Garage", "accept")
	code = readCode(garage)
	pocket = start("pocket", "add")
	fmt.Fprintln(pocket.stdin, "ZZZZ-ZZZZ")
	fmt.Fprintln(pocket.stdin, code)
	require.Contains(t, wait(pocket), "paired Garage")
	require.Contains(t, pocket.stderr.String(), "wrong code")
	require.Contains(t, wait(garage), "joined swarm")

	// The garage calls the kitchen's lamp on the swarm channel.
	out = wait(start("garage", "call", "Kitchen", "lamp", "set", "7"))
	require.JSONEq(t, `{"level":7}`, out)
	out = wait(start("garage", "call", "Kitchen", "lamp", "get"))
	require.JSONEq(t, `{"level":7}`, out)

	// A device that left cannot call any more.
	out = wait(start("garage", "leave"))
	require.Contains(t, out, "not in a swarm")
	p := start("garage", "call", "Kitchen", "lamp", "get")
	for range p.lines {
	}
	require.Error(t, p.cmd.Wait())
	require.Contains(t, p.stderr.String(), "not in a swarm")

	kitchen.cmd.Process.Signal(syscall.SIGTERM)
	wait(kitchen)
}
