package governance

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/internal/tiles"
)

// tileClient is a tlog.TileReader over HTTP, written from the
// c2sp.org/tlog-tiles paths: x/mod's TileHashReader checks every tile it
// reads against the signed root.
type tileClient struct{ base string }

func (c tileClient) Height() int { return 8 }
func (c tileClient) ReadTiles(ts []tlog.Tile) ([][]byte, error) {
	var out [][]byte
	for _, t := range ts {
		p := fmt.Sprintf("%s/tile/%d/%03d", c.base, t.L, t.N) // trees here are under 256,000 records
		if t.W < 256 {
			p += fmt.Sprintf(".p/%d", t.W)
		}
		b, status, err := fetch(p)
		if err != nil || status != 200 {
			return nil, fmt.Errorf("%s: %d %v", p, status, err)
		}
		out = append(out, b)
	}
	return out, nil
}
func (c tileClient) SaveTiles([]tlog.Tile, [][]byte) {}

func fetch(url string) ([]byte, int, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return b, resp.StatusCode, err
}

// TestPublicScroll: the Governance scroll is readable by a tlog-tiles
// client, and every receipt it reads verifies; a scroll served with an
// authorizer refuses whom it does not admit.
func TestPublicScroll(t *testing.T) {
	ctx := context.Background()
	store, err := OpenFileStore(t.TempDir(), "gov.test", testKey("log"))
	require.NoError(t, err)
	defer store.Close()
	clk := &clock{t: t0}
	reg := testRegistry(t)
	b, err := Open(ctx, store, reg, WithClock(clk.now), WithAnchorer(newFakeAnchorer()))
	require.NoError(t, err)
	p, err := b.Propose(ctx, testSigner(sov), articleVII())
	require.NoError(t, err)
	clk.set(p.DeliberationEnds.Time)
	for _, who := range []string{sov, "did:vm:human:bob", "did:vm:human:carol", "did:vm:human:dave"} {
		_, err := b.Vote(ctx, testSigner(who), p.ProposalID, Approve, "")
		require.NoError(t, err)
	}

	h, err := store.Handler(ScrollGovernance, nil)
	require.NoError(t, err)
	srv := httptest.NewServer(http.StripPrefix("/gov", h))
	defer srv.Close()
	body, status, err := fetch(srv.URL + "/gov/checkpoint")
	require.NoError(t, err)
	require.Equal(t, 200, status)
	v, err := store.Verifier(ScrollGovernance)
	require.NoError(t, err)
	c, _, err := checkpoint.Verify(body, v)
	require.NoError(t, err)
	require.EqualValues(t, 5, c.Size)

	bundle, status, err := fetch(srv.URL + "/gov/tile/entries/000.p/5")
	require.NoError(t, err)
	require.Equal(t, 200, status)
	recs, err := tiles.ParseBundle(bundle)
	require.NoError(t, err)
	require.Len(t, recs, 5)
	hr := tlog.TileHashReader(tlog.Tree{N: int64(c.Size), Hash: c.Hash}, tileClient{srv.URL + "/gov"})
	rv, err := reg.verifier()
	require.NoError(t, err)
	for i, rec := range recs {
		proof, err := tlog.ProveRecord(int64(c.Size), int64(i), hr)
		require.NoError(t, err)
		require.NoError(t, checkpoint.VerifyInclusion(c, uint64(i), rec, proof))
		e, err := rv.Open(rec)
		require.NoError(t, err)
		_, err = ParsePayload(e.Type, e.Payload)
		require.NoError(t, err)
	}

	// A scroll shared only with admitted parties.
	_, err = store.Scroll("Compliance")
	require.NoError(t, err)
	h2, err := store.Handler("Compliance", func(r *http.Request) error {
		if r.Header.Get("X-Peer") != "did:vm:mesh:berlin" {
			return errors.New("not a federated peer at trust level 2 or above")
		}
		return nil
	})
	require.NoError(t, err)
	srv2 := httptest.NewServer(h2)
	defer srv2.Close()
	_, status, err = fetch(srv2.URL + "/checkpoint")
	require.NoError(t, err)
	require.Equal(t, 403, status)
	req, _ := http.NewRequest("GET", srv2.URL+"/checkpoint", nil)
	req.Header.Set("X-Peer", "did:vm:mesh:berlin")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
}
