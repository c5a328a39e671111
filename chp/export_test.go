package chp

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/bundle"
)

func TestRecordMemberNames(t *testing.T) {
	for _, i := range []uint64{0, 7, 999, 1000, 1001, 123_456_789, 999_999_999_999, 1_000_000_000_000, math.MaxUint64} {
		assert.Equal(t, fmt.Sprintf("acks/%09d/%012d.json", i/1000, i), ackMember(i))
		assert.Equal(t, fmt.Sprintf("heartbeats/%09d/%012d.json", i/1000, i), heartbeatMember(i))
	}
}

// exportRegistry returns a Local Registry holding n records of about 2 KiB
// written directly to its log, with its admission certificate installed.
func exportRegistry(t *testing.T, n int) *LocalRegistry {
	dir := t.TempDir()
	clk := newClock(epoch)
	gr, err := OpenGlobalRegistry(filepath.Join(dir, "gr"), testKey(100), WithGlobalClock(clk.Now))
	require.NoError(t, err)
	defer gr.Close()
	lr, err := OpenLocalRegistry(filepath.Join(dir, "lr"), testKey(50), WithRootKey(gr.PublicKey()), WithClock(clk.Now))
	require.NoError(t, err)
	t.Cleanup(func() { lr.Close() })
	rac, err := gr.Admit(lr.PublicKey(), 365*24*time.Hour)
	require.NoError(t, err)
	require.NoError(t, lr.InstallAdmissionCert(rac))
	var batch [][]byte
	for i := range n {
		hb := fmt.Appendf(nil, `{"hb":%d,"pad":"%0*d"}`, i, 1000+i%2000, 0)
		ack, err := SignAck(lr.ident().signer, &Ack{InstanceRef: uuidN(i % 50), Received: clk.Now(), Status: AckQueued}, hb)
		require.NoError(t, err)
		rec, err := Record{Heartbeat: hb, Ack: ack}.MarshalBinary()
		require.NoError(t, err)
		batch = append(batch, rec)
	}
	_, err = lr.log.AppendBatch(context.Background(), batch)
	require.NoError(t, err)
	return lr
}

// TestExportBytes checks that Export, which adds all ACKs and then all
// heartbeats, writes the bundle that adding each record's ACK and heartbeat
// in turn writes, and that it leaves no spool file behind.
func TestExportBytes(t *testing.T) {
	lr := exportRegistry(t, 2500)
	pub := lr.PublicKey()
	for _, from := range []uint64{0, 999, 1000, 1777, 2500} {
		var got bytes.Buffer
		res, err := lr.Export(context.Background(), &got, ExportOptions{From: &from})
		require.NoError(t, err)

		m, err := bundle.Verify(bytes.NewReader(got.Bytes()), pub, func(string, io.Reader) error { return nil })
		require.NoError(t, err)
		require.Equal(t, 2*int(res.To-from), m.Len())
		info := m.Info()
		var ei ExportInfo
		require.NoError(t, info.DecodeMetadata(metadataKey, &ei))
		var want bytes.Buffer
		bw, err := bundle.NewWriter(&want, lr.ident().signer, bundle.WithIssuer(info.Issuer), bundle.WithCreatedAt(info.CreatedAt),
			bundle.WithMetadata(metadataKey, ei))
		require.NoError(t, err)
		for i := from; i < res.To; i++ {
			raw, err := lr.log.Record(i)
			require.NoError(t, err)
			var rec Record
			require.NoError(t, rec.UnmarshalBinary(raw))
			require.NoError(t, bw.Add(fmt.Sprintf("heartbeats/%09d/%012d.json", i/1000, i), bytes.NewReader(rec.Heartbeat)))
			require.NoError(t, bw.Add(fmt.Sprintf("acks/%09d/%012d.json", i/1000, i), bytes.NewReader(rec.Ack)))
		}
		require.NoError(t, bw.Close())
		assert.Equal(t, want.Bytes(), got.Bytes(), "export from %d", from)
	}
	assert.Empty(t, spoolFiles(t, lr.spoolDir))
}

// TestExportCancelled cancels an export once its members are spooled to
// a file in the registry's directory, and checks that the export's
// temporary files are removed.
func TestExportCancelled(t *testing.T) {
	lr := exportRegistry(t, 2500)
	ctx := &cancelOnSpool{Context: context.Background(), dir: lr.spoolDir}
	_, err := lr.Export(ctx, io.Discard, ExportOptions{})
	require.ErrorIs(t, err, context.Canceled)
	require.True(t, ctx.seen, "members were spooled to a file")
	assert.Empty(t, spoolFiles(t, lr.spoolDir))
}

// cancelOnSpool is a context cancelled once the spool directory dir holds
// a file (the bundle writer's or the export's spool).
type cancelOnSpool struct {
	context.Context
	dir  string
	seen bool
}

func (c *cancelOnSpool) Err() error {
	if !c.seen {
		names, err := filepath.Glob(filepath.Join(c.dir, "*"))
		c.seen = err == nil && len(names) > 0
	}
	if c.seen {
		return context.Canceled
	}
	return nil
}

// spoolFiles returns the files in the spool directory dir.
func spoolFiles(t *testing.T, dir string) []string {
	names, err := filepath.Glob(filepath.Join(dir, "*"))
	require.NoError(t, err)
	return names
}
