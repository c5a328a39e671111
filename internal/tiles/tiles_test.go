package tiles_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"filippo.io/torchwood"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/internal/merklelog"
	"github.com/accordsdk/accord/internal/tiles"
)

const origin = "example.com/tiles-test"

func newLog(t *testing.T, n int) (*merklelog.Log, *checkpoint.Signer, [][]byte) {
	t.Helper()
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32))
	signer, err := checkpoint.NewSigner(origin, key)
	require.NoError(t, err)
	l, err := merklelog.Open(t.TempDir(), merklelog.Options{Origin: origin, Signer: signer})
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	var recs [][]byte
	for i := range n {
		recs = append(recs, fmt.Appendf(nil, "record %d %s", i, bytes.Repeat([]byte{'x'}, i%7)))
	}
	if n > 0 {
		_, err = l.AppendBatch(context.Background(), recs)
		require.NoError(t, err)
	}
	return l, signer, recs
}

// httpTiles is a tlog.TileReader over HTTP, written against the spec and
// not the handler: x/mod's TileHashReader checks every tile it reads
// against the signed root.
type httpTiles struct {
	t    *testing.T
	base string
}

func (h httpTiles) Height() int { return tiles.TileHeight }
func (h httpTiles) ReadTiles(ts []tlog.Tile) ([][]byte, error) {
	var out [][]byte
	for _, t := range ts {
		p := "tile/" + fmt.Sprint(t.L) + "/" + tileIndex(t.N)
		if t.W < 256 {
			p += fmt.Sprintf(".p/%d", t.W)
		}
		resp, err := http.Get(h.base + "/" + p)
		if err != nil {
			return nil, err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return nil, fmt.Errorf("%s: %d %s", p, resp.StatusCode, b)
		}
		out = append(out, b)
	}
	return out, nil
}
func (h httpTiles) SaveTiles([]tlog.Tile, [][]byte) {}

// tileIndex encodes n as zero-padded 3-digit path elements, all but the
// last prefixed with "x".
func tileIndex(n int64) string {
	s := fmt.Sprintf("%03d", n%1000)
	for n >= 1000 {
		n /= 1000
		s = fmt.Sprintf("x%03d/", n%1000) + s
	}
	return s
}

func get(t *testing.T, url string) (int, []byte, http.Header) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, b, resp.Header
}

func TestServeTiles(t *testing.T) {
	l, signer, recs := newLog(t, 600)
	h, err := tiles.NewHandler(l)
	require.NoError(t, err)
	srv := httptest.NewServer(http.StripPrefix("/log", h))
	defer srv.Close()
	base := srv.URL + "/log"

	status, body, hdr := get(t, base+"/checkpoint")
	require.Equal(t, 200, status)
	require.Equal(t, "text/plain; charset=utf-8", hdr.Get("Content-Type"))
	c, _, err := checkpoint.Verify(body, signer.Verifier())
	require.NoError(t, err)
	require.EqualValues(t, 600, c.Size)

	// x/mod's tile hash reader checks each tile against the root.
	tree := tlog.Tree{N: int64(c.Size), Hash: c.Hash}
	hr := tlog.TileHashReader(tree, httpTiles{t, base})
	for _, i := range []int64{0, 255, 256, 511, 512, 599} {
		p, err := tlog.ProveRecord(tree.N, i, hr)
		require.NoError(t, err)
		require.NoError(t, checkpoint.VerifyInclusion(c, uint64(i), recs[i], p))
	}
	tp, err := tlog.ProveTree(tree.N, 300, hr)
	require.NoError(t, err)
	old, err := l.TreeHash(300)
	require.NoError(t, err)
	require.NoError(t, checkpoint.VerifyConsistency(checkpoint.Checkpoint{Origin: origin, Size: 300, Hash: old}, c, tp))

	// Entry bundles by hand: full bundle 1, partial bundle 2 of width 88.
	status, body, hdr = get(t, base+"/tile/entries/001")
	require.Equal(t, 200, status)
	require.Contains(t, hdr.Get("Cache-Control"), "immutable")
	got, err := tiles.ParseBundle(body)
	require.NoError(t, err)
	require.Equal(t, recs[256:512], got)
	status, body, _ = get(t, base+"/tile/entries/002.p/88")
	require.Equal(t, 200, status)
	got, err = tiles.ParseBundle(body)
	require.NoError(t, err)
	require.Equal(t, recs[512:600], got)
	status, _, _ = get(t, base+"/tile/entries/002.p/40") // a smaller signed size may have been
	require.Equal(t, 200, status)

	// Nothing past the signed tree: append without signing.
	_, err = l.Append(context.Background(), []byte("unsigned"))
	require.NoError(t, err)
	for _, p := range []string{"tile/entries/002.p/89", "tile/0/002.p/89", "tile/entries/003", "tile/1/000", "tile/2/000.p/1", "tile/0/x001/000"} {
		status, body, _ = get(t, base+"/"+p)
		require.Equal(t, 404, status, p)
		require.Contains(t, string(body), `"code":"not_found"`, p)
	}
	for _, p := range []string{"tile/0/1", "tile/0/000.p/0", "tile/0/000.p/256", "tile/data/000", "tile/64/000", "tile/0/x000/000x", "nothing"} {
		status, _, _ = get(t, base+"/"+p)
		require.Equal(t, 404, status, p)
	}
	resp, err := http.Post(base+"/checkpoint", "text/plain", nil)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
}

// filippo.io/torchwood's tiles client, an independent implementation,
// reads every entry of an accord log and proves one.
func TestTorchwoodClientReadsLog(t *testing.T) {
	l, signer, recs := newLog(t, 700)
	h, err := tiles.NewHandler(l)
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	defer srv.Close()

	fetcher, err := torchwood.NewTileFetcher(srv.URL + "/")
	require.NoError(t, err)
	ctx := context.Background()
	signed, err := fetcher.ReadEndpoint(ctx, "checkpoint")
	require.NoError(t, err)
	v := signer.Verifier()
	n, err := note.Open(signed, note.VerifierList(v))
	require.NoError(t, err)
	cp, err := torchwood.ParseCheckpoint(n.Text)
	require.NoError(t, err)
	require.EqualValues(t, 700, cp.N)

	client, err := torchwood.NewClient(fetcher)
	require.NoError(t, err)
	var got [][]byte
	for _, e := range client.Entries(ctx, cp.Tree, 0) {
		got = append(got, bytes.Clone(e))
	}
	require.NoError(t, client.Err())
	// Entries stops before the trailing partial bundle; resume for it.
	for _, e := range client.Entries(ctx, cp.Tree, int64(len(got))) {
		got = append(got, bytes.Clone(e))
	}
	require.NoError(t, client.Err())
	require.Equal(t, recs, got)

	e, proof, err := client.Entry(ctx, cp.Tree, 650)
	require.NoError(t, err)
	require.Equal(t, recs[650], e)
	c, _, err := checkpoint.Verify(signed, v)
	require.NoError(t, err)
	require.NoError(t, checkpoint.VerifyInclusion(c, 650, e, proof))
}

type statusErr struct{ code int }

func (e statusErr) Error() string   { return "no credentials" }
func (e statusErr) HTTPStatus() int { return e.code }

func TestAuthorizer(t *testing.T) {
	l, _, _ := newLog(t, 3)
	_, err := l.Checkpoint(context.Background())
	require.NoError(t, err)
	h, err := tiles.NewHandler(l, tiles.WithAuthorizer(func(r *http.Request) error {
		switch r.Header.Get("X-Test") {
		case "ok":
			return nil
		case "":
			return statusErr{http.StatusUnauthorized}
		}
		return errors.New("scroll not shared with you")
	}))
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	defer srv.Close()
	for hdr, want := range map[string]int{"ok": 200, "": 401, "other": 403} {
		for _, p := range []string{"/checkpoint", "/tile/0/000.p/3", "/tile/entries/000.p/3"} {
			req, _ := http.NewRequest("GET", srv.URL+p, nil)
			if hdr != "" {
				req.Header.Set("X-Test", hdr)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			require.Equal(t, want, resp.StatusCode, "%s %q", p, hdr)
			if want == 200 {
				require.Contains(t, resp.Header.Get("Cache-Control"), "private")
			}
		}
	}
	_, err = tiles.NewHandler(l, tiles.WithAuthorizer(nil))
	require.ErrorIs(t, err, tiles.ErrConfig)
	_, err = tiles.NewHandler(nil)
	require.ErrorIs(t, err, tiles.ErrConfig)
}

func TestEntryTooLarge(t *testing.T) {
	l, _, _ := newLog(t, 0)
	ctx := context.Background()
	_, err := l.Append(ctx, bytes.Repeat([]byte{1}, 1<<16))
	require.NoError(t, err)
	_, err = l.Checkpoint(ctx)
	require.NoError(t, err)
	h, err := tiles.NewHandler(l)
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	defer srv.Close()
	status, _, _ := get(t, srv.URL+"/tile/entries/000.p/1")
	require.Equal(t, http.StatusNotImplemented, status)
	status, _, _ = get(t, srv.URL+"/tile/0/000.p/1") // the hash tile is fine
	require.Equal(t, 200, status)
}

func TestPaths(t *testing.T) {
	for _, tc := range []struct {
		path string
		tile tlog.Tile
	}{
		{"tile/0/000", tlog.Tile{H: 8, L: 0, N: 0, W: 256}},
		{"tile/1/x001/x234/067.p/8", tlog.Tile{H: 8, L: 1, N: 1234067, W: 8}},
		{"tile/entries/005", tlog.Tile{H: 8, L: -1, N: 5, W: 256}},
		{"tile/entries/x001/000.p/255", tlog.Tile{H: 8, L: -1, N: 1000, W: 255}},
	} {
		got, err := tiles.ParsePath(tc.path)
		require.NoError(t, err, tc.path)
		require.Equal(t, tc.tile, got)
		require.Equal(t, tc.path, tiles.Path(got))
		require.Equal(t, tc.path, torchwood.TilePath(got))
	}
	for _, p := range []string{"", "tile/", "tile/8/0/000", "tile/data/000", "tile/0/0", "tile/0/000.p/256", "tile/entries/", "tile/-1/000", "tile/64/000", "checkpoint"} {
		_, err := tiles.ParsePath(p)
		require.Error(t, err, p)
	}
}

func FuzzParseBundle(f *testing.F) {
	f.Add([]byte{0, 1, 'a', 0, 0})
	f.Add([]byte{0, 5, 'a'})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := tiles.ParseBundle(data)
		if err != nil {
			return
		}
		var b []byte
		for _, r := range recs {
			b = binary.BigEndian.AppendUint16(b, uint16(len(r)))
			b = append(b, r...)
		}
		if !bytes.Equal(b, data) {
			t.Fatalf("bundle %x re-encodes as %x", data, b)
		}
	})
}

func FuzzParsePath(f *testing.F) {
	f.Add("tile/1/x001/x234/067.p/8")
	f.Add("tile/entries/005")
	f.Fuzz(func(t *testing.T, p string) {
		tile, err := tiles.ParsePath(p)
		if err != nil {
			return
		}
		if got := tiles.Path(tile); got != p {
			t.Fatalf("path %q parses to %+v, which prints as %q", p, tile, got)
		}
	})
}
