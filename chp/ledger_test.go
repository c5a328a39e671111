package chp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/internal/tiles"
)

// ledgerGet fetches url and returns status and body.
func ledgerGet(t *testing.T, url string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, b
}

// ledgerTiles reads the ledger's tiles over HTTP for x/mod's
// TileHashReader, which checks each against the signed root.
type ledgerTiles struct{ base string }

func (h ledgerTiles) Height() int { return tiles.TileHeight }
func (h ledgerTiles) ReadTiles(ts []tlog.Tile) ([][]byte, error) {
	var out [][]byte
	for _, t := range ts {
		resp, err := http.Get(h.base + "/" + tiles.Path(t))
		if err != nil {
			return nil, err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return nil, fmt.Errorf("%s: %d %s", tiles.Path(t), resp.StatusCode, b)
		}
		out = append(out, b)
	}
	return out, nil
}
func (h ledgerTiles) SaveTiles([]tlog.Tile, [][]byte) {}

// The Global Registry's ledger read over real HTTP on loopback by a client
// that trusts only the GR root key: checkpoint, inclusion proofs for
// imported records (and their ACKs with the LR key the registries list
// gives), consistency across imports, tiles, receipts; tampered and
// misattributed proofs fail, records the ledger does not hold are 404,
// and nothing can be written.
func TestLedgerHandler(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	for i := range 3 {
		status, body := w.post(w.sealed(byte(20+i), w.heartbeat(uuidN(i))))
		require.Equal(t, 200, status, "%s", body)
	}
	b, _ := w.export(ExportOptions{})
	first, err := w.gr.Import(ctx, bytes.NewReader(b))
	require.NoError(t, err)
	oldCP, err := verifyGRCheckpoint([]byte(first.Receipt.Ledger), w.root)
	require.NoError(t, err)
	for i := range 2 {
		w.clock.Add(1e9)
		status, body := w.post(w.heartbeat(uuidN(10 + i)))
		require.Equal(t, 200, status, "%s", body)
	}
	b, _ = w.export(ExportOptions{})
	second, err := w.gr.Import(ctx, bytes.NewReader(b))
	require.NoError(t, err)

	h, err := w.gr.LedgerHandler()
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	defer srv.Close()
	base := srv.URL + "/ledger"

	// Checkpoint.
	status, body := ledgerGet(t, base+"/checkpoint")
	require.Equal(t, 200, status)
	cp, err := verifyGRCheckpoint(body, w.root)
	require.NoError(t, err)
	require.Equal(t, uint64(5), cp.Size)

	// The admitted registries give the LR's key.
	status, body = ledgerGet(t, base+"/registries")
	require.Equal(t, 200, status)
	var regs []AdmittedRegistry
	require.NoError(t, json.Unmarshal(body, &regs))
	require.Len(t, regs, 1)
	require.Equal(t, w.lr.Fingerprint(), regs[0].Fingerprint)
	require.Equal(t, uint64(5), regs[0].Imported)
	require.NoError(t, regs[0].RACs[0].Verify(w.root, regs[0].PublicKey, w.clock.Now()))

	// Inclusion of every imported record, checked with the root key, and
	// its ACK with the LR key.
	for i := range uint64(5) {
		status, body = ledgerGet(t, fmt.Sprintf("%s/proof?lr=%s&index=%d", base, regs[0].Fingerprint, i))
		require.Equal(t, 200, status, "%s", body)
		var p LedgerProof
		require.NoError(t, json.Unmarshal(body, &p))
		e, err := p.Verify(w.root)
		require.NoError(t, err)
		require.Equal(t, i, e.LRIndex)
		hb, _, err := postedHeartbeat(e.Record.Heartbeat)
		require.NoError(t, err)
		_, err = VerifyAck(e.Record.Ack, regs[0].PublicKey, hb)
		require.NoError(t, err)

		// Tampered record: the inclusion proof fails.
		bad := p
		bad.Record = bytes.Clone(p.Record)
		bad.Record[len(bad.Record)-3] ^= 1
		_, err = bad.Verify(w.root)
		require.ErrorIs(t, err, checkpoint.ErrInclusion)
		// A proof presented as another record's.
		bad = p
		bad.LRIndex = i + 1
		_, err = bad.Verify(w.root)
		require.ErrorIs(t, err, ErrBadSignature)
		// Under another key.
		_, err = p.Verify(w.lrKey)
		require.Error(t, err)
	}

	// Consistency between the ledger after the first import and now.
	status, body = ledgerGet(t, fmt.Sprintf("%s/consistency?old=%d", base, oldCP.Size))
	require.Equal(t, 200, status, "%s", body)
	var cons ConsistencyProof
	require.NoError(t, json.Unmarshal(body, &cons))
	newCP, err := verifyGRCheckpoint([]byte(cons.Checkpoint), w.root)
	require.NoError(t, err)
	require.NoError(t, cons.Verify(oldCP, newCP))
	forged := oldCP
	forged.Hash[0] ^= 1
	require.ErrorIs(t, cons.Verify(forged, newCP), checkpoint.ErrConsistency)

	// Tiles: the same root from c2sp.org/tlog-tiles, and record 4 from
	// the entry bundle proven against it.
	tree := tlog.Tree{N: int64(newCP.Size), Hash: newCP.Hash}
	hr := tlog.TileHashReader(tree, ledgerTiles{base})
	rp, err := tlog.ProveRecord(tree.N, 4, hr)
	require.NoError(t, err)
	status, body = ledgerGet(t, base+"/tile/entries/000.p/5")
	require.Equal(t, 200, status, "%s", body)
	entries, err := tiles.ParseBundle(body)
	require.NoError(t, err)
	require.Len(t, entries, 5)
	require.NoError(t, checkpoint.VerifyInclusion(newCP, 4, entries[4], rp))

	// Receipts issued, each verifiable offline.
	status, body = ledgerGet(t, base+"/receipts")
	require.Equal(t, 200, status)
	var rcs []Receipt
	require.NoError(t, json.Unmarshal(body, &rcs))
	require.Len(t, rcs, 2)
	require.Equal(t, first.Receipt.ReceiptID, rcs[0].ReceiptID)
	status, body = ledgerGet(t, base+"/receipts/"+second.Receipt.ReceiptID)
	require.Equal(t, 200, status)
	got, err := VerifyReceipt(body, w.root)
	require.NoError(t, err)
	require.Equal(t, second.Receipt.ReceiptID, got.ReceiptID)

	// Not held, malformed, and writes.
	for path, want := range map[string]int{
		"/proof?lr=" + w.lr.Fingerprint() + "&index=5":      404,
		"/proof?lr=" + strings.Repeat("0", 10) + "&index=1": 400,
		"/proof?lr=" + w.lr.Fingerprint() + "&index=-1":     400,
		"/consistency?old=9":                                400,
		"/receipts/" + uuidN(1):                             404,
		"/receipts/..%2fregistries":                         404,
		"/tile/entries/001":                                 404,
		"/nothing":                                          404,
	} {
		status, body = ledgerGet(t, base+path)
		require.Equal(t, want, status, "%s: %s", path, body)
	}
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
		req, _ := http.NewRequest(m, base+"/checkpoint", strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode, m)
	}
	require.Equal(t, uint64(5), w.gr.LedgerSize())
}

// A record not imported (yet) has no ledger proof, and
// the index follows the ledger as it grows after the first lookup.
func TestLedgerProofFollowsImports(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	status, _ := w.post(w.heartbeat(uuidN(1)))
	require.Equal(t, 200, status)
	b, _ := w.export(ExportOptions{})
	_, err := w.gr.Import(ctx, bytes.NewReader(b))
	require.NoError(t, err)
	_, err = w.gr.LedgerProofFor(ctx, w.lr.Fingerprint(), 1)
	require.ErrorIs(t, err, ErrNotFound)
	w.clock.Add(1e9)
	status, _ = w.post(w.heartbeat(uuidN(2)))
	require.Equal(t, 200, status)
	b, _ = w.export(ExportOptions{})
	_, err = w.gr.Import(ctx, bytes.NewReader(b))
	require.NoError(t, err)
	p, err := w.gr.LedgerProofFor(ctx, w.lr.Fingerprint(), 1)
	require.NoError(t, err)
	e, err := p.Verify(w.root)
	require.NoError(t, err)
	require.Equal(t, uint64(1), e.Index)
}
