package chp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzDecodeHeartbeat: only declared errors come back, and what is
// accepted re-encodes to a heartbeat that decodes to the same value.
func FuzzDecodeHeartbeat(f *testing.F) {
	f.Add([]byte(plainHeartbeat))
	f.Add([]byte(`{"instance_id":"3ec2f1e0-2d31-4594-8d7b-8b9d8b2f2a11"}`))
	f.Add([]byte(`{"a":1,"a":2}`))
	f.Add([]byte(`[[[[]]]]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := DecodeHeartbeat(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrDuplicateKey) && !errors.Is(err, ErrSchema) {
				t.Fatalf("undeclared error %v", err)
			}
			return
		}
		again, err := json.Marshal(h)
		require.NoError(t, err)
		h2, err := DecodeHeartbeat(again)
		require.NoError(t, err, "%s", again)
		require.Equal(t, h, h2)
	})
}

// FuzzAccept sends arbitrary bodies to a registry: no panic, every refusal
// is a *RejectError with a 4xx status, and the log grows only on success.
func FuzzAccept(f *testing.F) {
	w := newWorld(f)
	f.Add([]byte(plainHeartbeat))
	f.Add(w.heartbeat(uuidN(1)))
	f.Add(w.sealed(7, w.heartbeat(uuidN(2))))
	f.Fuzz(func(t *testing.T, b []byte) {
		before := w.lr.Size()
		acc, err := w.lr.Accept(context.Background(), b)
		if err != nil {
			var re *RejectError
			if !errors.As(err, &re) || re.Status < 400 || re.Status > 499 || re.Code == "" {
				t.Fatalf("refusal %v is not a 4xx RejectError", err)
			}
			require.Equal(t, before, w.lr.Size())
			return
		}
		hb, _, err := postedHeartbeat(b)
		require.NoError(t, err)
		_, err = VerifyAck(acc.Ack, w.lrKey, hb)
		require.NoError(t, err)
	})
}

// FuzzImport feeds altered bundles to a Global Registry: no panic, and an
// accepted bundle's counts add up to its range.
func FuzzImport(f *testing.F) {
	w := newWorld(f)
	w.beats(3)
	b, _ := w.export(ExportOptions{})
	f.Add(b)
	f.Add(b[:1024])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := w.gr.Import(context.Background(), bytes.NewReader(data))
		if err != nil {
			return
		}
		rc := res.Receipt
		require.Equal(t, rc.To-rc.From, uint64(rc.Accepted+rc.Duplicate+rc.Rejected))
		_, err = VerifyReceipt(res.Signed, w.root)
		require.NoError(t, err)
	})
}
