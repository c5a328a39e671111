package clitest

import (
	"bytes"
	"compress/gzip"
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var binDir string

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		fmt.Println("skipping: builds and runs the example binaries")
		os.Exit(0)
	}
	dir, err := os.MkdirTemp("", "accord-clitest-")
	if err != nil {
		panic(err)
	}
	build := exec.Command("go", "build", "-o", dir+string(filepath.Separator),
		"./examples/chp-instance", "./examples/chp-registry", "./examples/registry-export",
		"./examples/registry-import", "./examples/bundle-verify", "./examples/tour")
	build.Dir = filepath.Join("..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Printf("building the binaries: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	code           int
	stdout, stderr string
}

// run runs a binary with a clean environment (plus env) and returns what
// it did.
func run(t *testing.T, env []string, bin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(binDir, bin), args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running %s: %v", bin, err)
	}
	return result{code, out.String(), errb.String()}
}

// oneLineError checks a failure: the wanted status, nothing on stdout
// unless allowed, and exactly one line on stderr, starting with the
// program's name, in which no prefix is said twice.
func oneLineError(t *testing.T, r result, code int, bin string, contains ...string) {
	t.Helper()
	require.Equal(t, code, r.code, "exit status; stderr %q", r.stderr)
	lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
	require.Len(t, lines, 1, "stderr %q", r.stderr)
	require.True(t, strings.HasPrefix(lines[0], bin+": "), "stderr %q", r.stderr)
	for _, c := range contains {
		require.Contains(t, lines[0], c)
	}
	noRepeatedPrefix(t, lines[0])
}

var prefixRE = regexp.MustCompile(`([a-z][a-z0-9 -]*[a-z0-9]): `)

// noRepeatedPrefix fails if a "word: " prefix of two or more words, or a
// quoted member clause, occurs twice in msg.
func noRepeatedPrefix(t *testing.T, msg string) {
	t.Helper()
	seen := map[string]bool{}
	for _, m := range prefixRE.FindAllString(msg, -1) {
		if strings.Count(m, " ") < 2 {
			continue // single words such as "chp: " may repeat in a double %w
		}
		require.False(t, seen[m], "%q said twice in %q", m, msg)
		seen[m] = true
	}
	for _, m := range regexp.MustCompile(`member "[^"]*": `).FindAllString(msg, -1) {
		require.Equal(t, 1, strings.Count(msg, m), "%q said twice in %q", m, msg)
	}
	require.NotContains(t, msg, "status 0")
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// registry runs chp-registry in the background until the test ends.
type registry struct {
	cmd    *exec.Cmd
	stderr *bytes.Buffer
	addr   string
}

func startRegistry(t *testing.T, args ...string) *registry {
	t.Helper()
	addr := freePort(t)
	cmd := exec.Command(filepath.Join(binDir, "chp-registry"), append([]string{"-addr", addr, "-log-every", "100ms"}, args...)...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	r := &registry{cmd: cmd, stderr: &stderr, addr: addr}
	t.Cleanup(func() { r.stop(t) })
	require.Eventually(t, func() bool {
		resp, err := http.Get("http://" + addr + "/registry/info")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	}, 20*time.Second, 20*time.Millisecond, "registry did not start: %s", &stderr)
	return r
}

func (r *registry) stop(t *testing.T) {
	if r.cmd.ProcessState != nil {
		return
	}
	r.cmd.Process.Signal(syscall.SIGTERM)
	r.cmd.Wait()
}

// TestCallHomeTools walks the whole call-home workflow with the binaries and
// checks the operator-facing behaviour of each step (issue items 1-4, 8).
func TestCallHomeTools(t *testing.T) {
	dir := t.TempDir()
	lr, gr, inst := filepath.Join(dir, "lr"), filepath.Join(dir, "gr"), filepath.Join(dir, "inst")
	rac, bundleFile, receipt := filepath.Join(dir, "rac.json"), filepath.Join(dir, "bundle.tar"), filepath.Join(dir, "receipt.json")

	// 3: without -init nothing is created and the error names -init.
	r := run(t, nil, "chp-registry", "-data", lr, "-addr", freePort(t))
	oneLineError(t, r, 1, "chp-registry", "-init")
	assert.NoDirExists(t, lr)

	reg := startRegistry(t, "-init", "-data", lr, "-allow-unsigned")
	lrPub := filepath.Join(lr, "lr.pub")
	require.FileExists(t, lrPub)

	r = run(t, nil, "registry-import", "-init", "-data", gr, "-admit", lrPub, "-rac-out", rac)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Regexp(t, `admitted LR sha256:[0-9a-f]+: admission certificate \S+ valid until \d{4}-\d\d-\d\d, written to `, r.stdout)
	grPub := filepath.Join(gr, "gr-root.pub")

	// 4: an admin command to the running registry prints one readable line.
	r = run(t, nil, "chp-registry", "-data", lr, "-root", grPub, "-rac", rac)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Regexp(t, `^installed admission certificate \S+ valid until \d{4}-\d\d-\d\d\n$`, r.stdout)

	// 1: a delivered heartbeat exits 0 with a closing summary.
	home := "http://" + reg.addr + "/registry/heartbeat"
	env := []string{"CHP_HOME_URI=" + home, "CHP_REGISTRY_PUBKEY=" + lrPub, "CHP_GR_ROOT_PUBKEY=" + grPub}
	r = run(t, env, "chp-instance", "-state", inst, "-count", "1")
	oneLineError(t, r, 1, "chp-instance", "-init") // 3: identity only with -init
	assert.NoDirExists(t, inst)
	r = run(t, env, "chp-instance", "-init", "-state", inst, "-count", "2", "-interval", "10ms")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, r.stderr)
	assert.Contains(t, r.stdout, "sent 2, acknowledged 2, pending 0\n")

	// 8: the exported bundle verifies with bundle-verify, which lists it.
	r = run(t, nil, "registry-export", "-data", lr, "-out", bundleFile)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Regexp(t, `^wrote .*bundle.tar: records 0\.\.2 \(2\), bundle root \S+\n$`, r.stdout)
	extract := filepath.Join(dir, "members")
	r = run(t, nil, "bundle-verify", bundleFile, "-key", lrPub, "-extract", extract)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "verified "+bundleFile+": ")
	assert.Contains(t, r.stdout, "signer  ed25519:z")
	assert.Contains(t, r.stdout, "extracted ")
	entries, err := os.ReadDir(extract)
	require.NoError(t, err)
	assert.NotEmpty(t, entries)

	// 7, 8: a member changed in transit: refused once, in one line, and
	// nothing extracted.
	data, err := os.ReadFile(bundleFile)
	require.NoError(t, err)
	at := bytes.LastIndex(data, []byte("chp-instance/1"))
	require.Positive(t, at)
	data[at] ^= 0x20
	tampered := filepath.Join(dir, "tampered.tar")
	require.NoError(t, os.WriteFile(tampered, data, 0o600))
	r = run(t, nil, "bundle-verify", tampered, "-key", lrPub, "-extract", filepath.Join(dir, "bad"))
	oneLineError(t, r, 1, "bundle-verify", "digest")
	assert.NoDirExists(t, filepath.Join(dir, "bad"))
	r = run(t, nil, "registry-import", "-data", gr, "-from", tampered, "-receipt", receipt)
	oneLineError(t, r, 1, "registry-import")
	assert.NoFileExists(t, receipt)

	r = run(t, nil, "registry-import", "-data", gr, "-from", bundleFile, "-receipt", receipt)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "2 accepted, 0 duplicate, 0 rejected")
	r = run(t, nil, "chp-registry", "-data", lr, "-pin-receipt", receipt)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Regexp(t, `^pinned receipt \S+: 2 accepted, 0 duplicate, 0 rejected, records 0\.\.2\n$`, r.stdout)
	// 4: a refusal from the running registry is shown as "code: message".
	r = run(t, nil, "chp-registry", "-data", lr, "-pin-receipt", rac)
	oneLineError(t, r, 1, "chp-registry", "chp-registry: receipt_refused: ")

	// 3: a directory of the other role is refused by name.
	r = run(t, nil, "chp-registry", "-init", "-data", gr, "-addr", freePort(t))
	oneLineError(t, r, 1, "chp-registry", gr+" is a chp-global-registry directory, not a chp-local-registry directory")
	r = run(t, nil, "registry-import", "-init", "-data", lr, "-admit", lrPub)
	oneLineError(t, r, 1, "registry-import", lr+" is a chp-local-registry directory, not a chp-global-registry directory")
	r = run(t, nil, "registry-export", "-data", gr, "-out", filepath.Join(dir, "x.tar"))
	oneLineError(t, r, 1, "registry-export", "is a chp-global-registry directory")
	assert.NoFileExists(t, filepath.Join(dir, "x.tar"))

	// 4: the running registry logs accepted heartbeats as a counter line.
	reg.stop(t)
	assert.Regexp(t, `level=INFO msg="heartbeats logged" new=\d records=2`, reg.stderr.String())
	assert.Contains(t, reg.stderr.String(), `msg="installed admission certificate"`)
	assert.Contains(t, reg.stderr.String(), `msg="pinned receipt"`)
	assert.Contains(t, reg.stderr.String(), `msg="exported bundle" from=0 to=2`)

	// 1: the registry is gone: exit 1, error on stderr, summary on stdout.
	r = run(t, env, "chp-instance", "-state", inst, "-count", "1")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stdout, "sent 1, acknowledged 0, pending 1\n")
	assert.Contains(t, r.stderr, "chp-instance: heartbeat 1: ")
	assert.Contains(t, r.stderr, "chp-instance: last heartbeat not acknowledged: ")
	for _, line := range strings.Split(strings.TrimSpace(r.stderr), "\n") {
		noRepeatedPrefix(t, line)
	}
	// 1: a registry that presents another key is untrusted: exit 1.
	other := startRegistry(t, "-init", "-data", filepath.Join(dir, "lr2"))
	r = run(t, []string{"CHP_REGISTRY_PUBKEY=" + lrPub, "CHP_GR_ROOT_PUBKEY=" + grPub}, "chp-instance",
		"-state", inst, "-home", "http://"+other.addr+"/registry/heartbeat", "-count", "1")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stdout, "acknowledged 0")
	assert.Contains(t, r.stderr, "state repairing")
}

// TestFailedStartWritesNothing: a port in use is found before any key or
// file is written (item 3).
func TestFailedStartWritesNothing(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	data := filepath.Join(t.TempDir(), "lr")
	r := run(t, nil, "chp-registry", "-init", "-data", data, "-addr", ln.Addr().String())
	oneLineError(t, r, 1, "chp-registry", "cannot listen on -addr "+ln.Addr().String())
	assert.NoDirExists(t, data)
}

// TestHelp: -h starts with the purpose and workflow, lists every flag with
// its environment variable, and says which flags depend on others (items
// 2, 5).
func TestHelp(t *testing.T) {
	for bin, wants := range map[string][]string{
		"chp-instance":    {"-home URL", "$CHP_HOME_URI", "-registry-key KEY", "$CHP_REGISTRY_PUBKEY", "-root KEY", "$CHP_GR_ROOT_PUBKEY", "$CHP_SANDBOX", "-init"},
		"chp-registry":    {"-tls-cert FILE", "needs -tls-key", "-init", "$CHP_REGISTRY_DATA"},
		"registry-export": {"-to must be the LR's current\nsize (the default) or the end of an earlier export"},
		"registry-import": {"-init", "not with -admit"},
		"bundle-verify":   {"Usage: bundle-verify [flags] FILE", "-extract DIR"},
		"tour":            {"Stages: envelope, bundle, log, chp, trustkernel"},
	} {
		r := run(t, nil, bin, "-h")
		require.Equal(t, 0, r.code, "%s -h: %s", bin, r.stderr)
		first, _, _ := strings.Cut(r.stdout, "\n")
		assert.Regexp(t, `^`+bin+`: [a-z].{20,}`, first, "%s -h first line", bin)
		assert.Contains(t, r.stdout, "\nUsage: ", bin)
		for _, w := range wants {
			assert.Contains(t, r.stdout, w, "%s -h", bin)
		}
	}
	// A missing required setting names the flag and its variable.
	r := run(t, nil, "chp-instance")
	oneLineError(t, r, 2, "chp-instance", "missing -home (or $CHP_HOME_URI)")
	r = run(t, []string{"CHP_HOME_URI=http://127.0.0.1:1/registry/heartbeat"}, "chp-instance")
	oneLineError(t, r, 2, "chp-instance", "missing -registry-key (or $CHP_REGISTRY_PUBKEY)")
}

// TestUpFrontChecks: bad flags are refused with status 2 before anything
// runs (item 6).
func TestUpFrontChecks(t *testing.T) {
	dir := t.TempDir()
	env := []string{"CHP_HOME_URI=http://127.0.0.1:1/registry/heartbeat", "CHP_REGISTRY_PUBKEY=ed25519:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "CHP_GR_ROOT_PUBKEY=ed25519:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"}
	cert := filepath.Join(dir, "cert.pem")
	require.NoError(t, os.WriteFile(cert, []byte("x"), 0o600))
	for _, tc := range []struct {
		env  []string
		bin  string
		args []string
		want string
	}{
		{env, "chp-instance", []string{"-count", "-1"}, `invalid -count "-1": must be 0 or more`},
		{env, "chp-instance", []string{"stray"}, `unexpected argument "stray"`},
		{env, "chp-instance", []string{"-home", "localhost:8443"}, `invalid -home "localhost:8443"`},
		{nil, "chp-registry", []string{"-tls-cert", cert}, "-tls-cert (or $CHP_TLS_CERT) is given without -tls-key (or $CHP_TLS_KEY)"},
		{nil, "chp-registry", []string{"-addr", "8443"}, `invalid -addr "8443": want host:port`},
		{nil, "chp-registry", []string{"-addr", "127.0.0.1:99999"}, `invalid -addr "127.0.0.1:99999"`},
		{nil, "chp-registry", []string{"-rac", filepath.Join(dir, "none.json")}, `invalid -rac`},
		{nil, "registry-import", []string{"-from", "a.tar", "-admit", "k"}, "-from and -admit cannot be used together"},
		{nil, "registry-import", nil, "give exactly one of -admit KEY, -from FILE, -serve ADDR"},
		{nil, "registry-export", []string{"-from", "-5"}, `invalid -from "-5"`},
		{nil, "bundle-verify", []string{"-key", "k"}, "missing argument FILE"},
		{nil, "tour", []string{"-only", "nope"}, "no such stage; want one of envelope, bundle, log, chp, trustkernel"},
	} {
		r := run(t, tc.env, tc.bin, tc.args...)
		oneLineError(t, r, 2, tc.bin, tc.want)
		assert.Empty(t, r.stdout)
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "a refused command wrote files")
}

// TestBundleVerifyRefusals: a file that is not a bundle says what it is,
// and a bundle that fails writes nothing with -extract (items 7, 8).
func TestBundleVerifyRefusals(t *testing.T) {
	dir := t.TempDir()
	key := "ed25519:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
	empty := filepath.Join(dir, "empty.tar")
	require.NoError(t, os.WriteFile(empty, nil, 0o600))
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("hello"))
	zw.Close()
	gzFile := filepath.Join(dir, "b.tar.gz")
	require.NoError(t, os.WriteFile(gzFile, gz.Bytes(), 0o600))
	text := filepath.Join(dir, "notes.txt")
	require.NoError(t, os.WriteFile(text, bytes.Repeat([]byte("not a tar\n"), 100), 0o600))
	for file, want := range map[string]string{
		empty:  "is empty, not a bundle",
		gzFile: "is gzip-compressed",
		text:   "is not a tar archive",
		dir:    "is a directory, not a bundle file",
	} {
		r := run(t, nil, "bundle-verify", file, "-key", key, "-extract", filepath.Join(dir, "out"))
		oneLineError(t, r, 1, "bundle-verify", want)
	}
	assert.NoDirExists(t, filepath.Join(dir, "out"))
	// registry-import says the same before opening anything.
	gr := filepath.Join(dir, "gr")
	r := run(t, nil, "registry-import", "-init", "-data", gr, "-from", gzFile)
	oneLineError(t, r, 1, "registry-import", "is gzip-compressed")
	assert.NoDirExists(t, gr)
}

// TestTourSpeaksPlainly: the tour spells out its abbreviations, prints no
// colour codes and counts in words (item 9).
func TestTourSpeaksPlainly(t *testing.T) {
	r := run(t, nil, "tour", "-only", "chp")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "registry admission certificate (RAC)")
	assert.Contains(t, r.stdout, "Local Registry (LR)")
	assert.Contains(t, r.stdout, "Global Registry (GR)")
	assert.NotRegexp(t, `#[0-9A-Fa-f]{6}`, r.stdout)
	assert.Contains(t, r.stdout, "tour complete: 1 stage, ")
}
