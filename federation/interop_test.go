package federation_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/torchwood"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/ssh/agent"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/federation"
	"github.com/accordsdk/accord/internal/merklelog"
)

// memTree is an RFC 6962 tree kept by x/mod's tlog alone, signed by an x/mod
// note signer: another implementation's log.
type memTree struct {
	hashes []tlog.Hash
	n      int64
	signer note.Signer
	origin string
}

func (m *memTree) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		out[i] = m.hashes[x]
	}
	return out, nil
}

func (m *memTree) add(rec []byte) {
	hs, err := tlog.StoredHashes(m.n, rec, m)
	if err != nil {
		panic(err)
	}
	m.hashes = append(m.hashes, hs...)
	m.n++
}

// checkpoint formats and signs the checkpoint by hand, with x/mod note.
func (m *memTree) checkpoint(t *testing.T) []byte {
	h, err := tlog.TreeHash(m.n, m)
	require.NoError(t, err)
	text := fmt.Sprintf("%s\n%d\n%s\n", m.origin, m.n, base64.StdEncoding.EncodeToString(h[:]))
	signed, err := note.Sign(&note.Note{Text: text}, m.signer)
	require.NoError(t, err)
	return signed
}

// post makes an add-checkpoint request written by hand from the spec.
func post(t *testing.T, url, body string) (int, string, string) {
	t.Helper()
	resp, err := http.Post(url+"/add-checkpoint", "text/plain", strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header.Get("Content-Type")
}

// accord's witness cosigns checkpoints of a log signed with x/mod's note
// package (another implementation), over c2sp.org/tlog-witness HTTP, and
// torchwood's cosignature verifier accepts its cosignatures.
func TestWitnessCosignsXModLog(t *testing.T) {
	skey, vkey, err := note.GenerateKey(rand.Reader, "example.com/xmod-log")
	require.NoError(t, err)
	signer, err := note.NewSigner(skey)
	require.NoError(t, err)
	tree := &memTree{signer: signer, origin: "example.com/xmod-log"}
	for i := range 20 {
		tree.add(fmt.Appendf(nil, "entry %d", i))
	}

	wkey := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{42}, 32))
	cosigner, err := checkpoint.NewCosigner("example.com/accord-witness", wkey)
	require.NoError(t, err)
	logs, err := federation.StaticLogs(vkey)
	require.NoError(t, err)
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	w, err := federation.NewWitness(cosigner, t.TempDir(), logs, func() time.Time { return now }, nil)
	require.NoError(t, err)
	srv := httptest.NewServer(w)
	defer srv.Close()

	// torchwood verifies the cosignature, independently of accord.
	tw, err := torchwood.NewCosignatureSigner("example.com/accord-witness", wkey)
	require.NoError(t, err)
	twv := tw.Verifier()
	require.Equal(t, cosigner.VerifierKey(), twv.String())
	logv, err := note.NewVerifier(vkey)
	require.NoError(t, err)

	cp20 := tree.checkpoint(t)
	status, body, _ := post(t, srv.URL, "old 0\n\n"+string(cp20))
	require.Equal(t, 200, status, body)
	require.True(t, strings.HasPrefix(body, "— example.com/accord-witness "), body)
	n, err := note.Open(append(bytes.Clone(cp20), body...), note.VerifierList(logv, twv))
	require.NoError(t, err)
	require.Len(t, n.Sigs, 2)
	ts, err := torchwood.CosignatureTimestamp(n.Sigs[1])
	require.NoError(t, err)
	require.Equal(t, now.Unix(), ts)

	// Grow the log: a stale old size gets 409 with the size held.
	for i := 20; i < 33; i++ {
		tree.add(fmt.Appendf(nil, "entry %d", i))
	}
	cp33 := tree.checkpoint(t)
	status, body, ctype := post(t, srv.URL, "old 0\n\n"+string(cp33))
	require.Equal(t, 409, status)
	require.Equal(t, "20\n", body)
	require.Equal(t, "text/x.tlog.size", ctype)
	proof, err := tlog.ProveTree(33, 20, tree)
	require.NoError(t, err)
	var req strings.Builder
	req.WriteString("old 20\n")
	for _, h := range proof {
		req.WriteString(base64.StdEncoding.EncodeToString(h[:]) + "\n")
	}
	req.WriteString("\n")
	req.Write(cp33)
	status, body, _ = post(t, srv.URL, req.String())
	require.Equal(t, 200, status, body)
	_, err = note.Open(append(bytes.Clone(cp33), body...), note.VerifierList(logv, twv))
	require.NoError(t, err)

	// The spec's other answers.
	bad := strings.Replace(req.String(), "old 20\n", "old 33\n", 1)
	status, _, _ = post(t, srv.URL, strings.Replace(req.String(), "old 20\n"+base64.StdEncoding.EncodeToString(proof[0][:]), "old 20\n"+base64.StdEncoding.EncodeToString(make([]byte, 32)), 1))
	require.Equal(t, 409, status, "the witness now holds 33")
	status, _, _ = post(t, srv.URL, bad)
	require.Equal(t, 422, status, "same size with a proof")
	status, _, _ = post(t, srv.URL, "old 34\n\n"+string(cp33))
	require.Equal(t, 400, status, "old size above the checkpoint")
	other, _, _ := note.GenerateKey(rand.Reader, "example.com/unknown")
	os2, _ := note.NewSigner(other)
	unknown := &memTree{signer: os2, origin: "example.com/unknown"}
	unknown.add([]byte("x"))
	status, _, _ = post(t, srv.URL, "old 0\n\n"+string(unknown.checkpoint(t)))
	require.Equal(t, 404, status, "unknown origin")
	impostor, _, _ := note.GenerateKey(rand.Reader, "example.com/xmod-log")
	is, _ := note.NewSigner(impostor)
	forged := &memTree{signer: is, origin: "example.com/xmod-log"}
	forged.add([]byte("x"))
	status, _, _ = post(t, srv.URL, "old 33\n\n"+string(forged.checkpoint(t)))
	require.Equal(t, 403, status, "no signature by the log's key")
	status, _, _ = post(t, srv.URL, "old x\n\n")
	require.Equal(t, 400, status)

	// A fork at size 33: another root signed by the log's key.
	fork := &memTree{signer: signer, origin: "example.com/xmod-log"}
	for i := range 33 {
		fork.add(fmt.Appendf(nil, "forked %d", i))
	}
	forked := fork.checkpoint(t)
	status, _, _ = post(t, srv.URL, "old 33\n\n"+string(forked))
	require.Equal(t, 422, status)
	ev, err := w.Evidence()
	require.NoError(t, err)
	require.Len(t, ev, 2, "the proof between equal trees and the fork")
	found := false
	for _, e := range ev {
		if bytes.Equal(e.New, forked) {
			require.Equal(t, cp33, e.Old)
			require.Contains(t, e.Reason, "same size, different roots")
			found = true
		}
	}
	require.True(t, found)
}

// torchwood's tiles client, with accord's signed-read transport, reads a
// scroll a peer shares over the federation API.
func TestTorchwoodReadsScroll(t *testing.T) {
	f := newPair(t)
	ctx := context.Background()
	for i := range 300 {
		_, err := f.dublin.Append(ctx, "Compliance", fmt.Appendf(nil, "receipt %d", i))
		require.NoError(t, err)
	}
	signed, err := f.dublin.Checkpoint(ctx, "Compliance")
	require.NoError(t, err)

	hc := &http.Client{Transport: f.berlin.ReadTransport(nil)}
	fetcher, err := torchwood.NewTileFetcher(f.dublinURL+"/federation/scrolls/Compliance/", torchwood.WithHTTPClient(hc))
	require.NoError(t, err)
	got, err := fetcher.ReadEndpoint(ctx, "checkpoint")
	require.NoError(t, err)
	require.Equal(t, signed, got)
	v, err := checkpoint.LogVerifier(federation.OriginOf(dublin, "Compliance"), f.dublin.PublicKey())
	require.NoError(t, err)
	n, err := note.Open(got, note.VerifierList(v))
	require.NoError(t, err)
	cp, err := torchwood.ParseCheckpoint(n.Text)
	require.NoError(t, err)
	client, err := torchwood.NewClient(fetcher)
	require.NoError(t, err)
	count := 0
	for start := int64(0); start < cp.N; {
		before := count
		for i, e := range client.Entries(ctx, cp.Tree, start) {
			require.Equal(t, fmt.Sprintf("receipt %d", i), string(e))
			count++
		}
		require.NoError(t, client.Err())
		require.Greater(t, count, before)
		start = int64(count)
	}
	require.Equal(t, 300, count)

	// Without the signed-read transport the scroll is not served.
	plain, err := torchwood.NewTileFetcher(f.dublinURL + "/federation/scrolls/Compliance/")
	require.NoError(t, err)
	_, err = plain.ReadEndpoint(ctx, "checkpoint")
	require.Error(t, err)
}

// accord's witness client gets a cosignature from torchwood's litewitness,
// an independent c2sp.org/tlog-witness implementation, run on loopback.
// .ci/checks.d/federation-litewitness.sh installs litewitness and witnessctl
// from the Go module proxy and runs this test with ACCORD_LITEWITNESS set to
// the directory holding them.
func TestLitewitness(t *testing.T) {
	bin := os.Getenv("ACCORD_LITEWITNESS")
	if bin == "" {
		t.Skip("ACCORD_LITEWITNESS (a directory with litewitness and witnessctl) not set")
	}
	dir, err := os.MkdirTemp("", "lw") // short: unix socket paths are limited
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	ctx := context.Background()

	// The log: an accord Merkle log with an Ed25519 checkpoint key.
	lkey := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{5}, 32))
	origin := "example.com/accord-scroll"
	lsigner, err := checkpoint.NewSigner(origin, lkey)
	require.NoError(t, err)
	l, err := merklelog.Open(filepath.Join(dir, "log"), merklelog.Options{Origin: origin, Signer: lsigner})
	require.NoError(t, err)
	defer l.Close()

	db := filepath.Join(dir, "w.db")
	run := func(args ...string) {
		out, err := exec.Command(filepath.Join(bin, "witnessctl"), args...).CombinedOutput()
		require.NoError(t, err, "%s", out)
	}
	run("add-log", "-db", db, "-origin", origin)
	run("add-key", "-db", db, "-origin", origin, "-key", lsigner.VerifierKey())

	// An ssh-agent holding the witness key, served in-process.
	wkey := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{6}, 32))
	kr := agent.NewKeyring()
	require.NoError(t, kr.Add(agent.AddedKey{PrivateKey: wkey}))
	sock := filepath.Join(dir, "a.sock")
	ln, err := net.Listen("unix", sock)
	require.NoError(t, err)
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { agent.ServeAgent(kr, c); c.Close() }()
		}
	}()

	probe, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := probe.Addr().String()
	probe.Close()
	h := sha256.Sum256(wkey.Public().(ed25519.PublicKey))
	cmd := exec.Command(filepath.Join(bin, "litewitness"), "-db", db, "-name", "example.com/litewitness",
		"-key", hex.EncodeToString(h[:]), "-ssh-agent", sock, "-listen", addr)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		require.True(t, time.Now().Before(deadline), "litewitness did not start: %s", logs.String())
		time.Sleep(50 * time.Millisecond)
	}

	wv, err := checkpoint.NewCosignatureVerifier("example.com/litewitness", wkey.Public().(ed25519.PublicKey))
	require.NoError(t, err)
	client := &federation.WitnessClient{URL: "http://" + addr, Witness: wv}
	proofFrom := func(size uint64) func(uint64) (tlog.TreeProof, error) {
		return func(old uint64) (tlog.TreeProof, error) { return l.ConsistencyProof(old, size) }
	}
	for i := range 10 {
		_, err := l.Append(ctx, fmt.Appendf(nil, "record %d", i))
		require.NoError(t, err)
	}
	cp, err := l.Checkpoint(ctx)
	require.NoError(t, err)
	cosigned, err := client.Submit(ctx, cp, lsigner.Verifier(), 0, proofFrom(10))
	require.NoError(t, err, "%s", logs.String())
	_, cs, err := checkpoint.VerifyCosigned(cosigned, lsigner.Verifier(), []note.Verifier{wv}, 1)
	require.NoError(t, err)
	require.Equal(t, "example.com/litewitness", cs[0].Name)

	// The log grows; the client starts from a stale size, learns the size
	// litewitness holds from its 409 and proves consistency from there.
	for i := 10; i < 25; i++ {
		_, err := l.Append(ctx, fmt.Appendf(nil, "record %d", i))
		require.NoError(t, err)
	}
	cp, err = l.Checkpoint(ctx)
	require.NoError(t, err)
	cosigned, err = client.Submit(ctx, cp, lsigner.Verifier(), 0, proofFrom(25))
	require.NoError(t, err, "%s", logs.String())
	c, _, err := checkpoint.VerifyCosigned(cosigned, lsigner.Verifier(), []note.Verifier{wv}, 1)
	require.NoError(t, err)
	require.EqualValues(t, 25, c.Size)
}
