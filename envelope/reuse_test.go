package envelope

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestOpenedEnvelopesOwnTheirBytes: Open and Seal build signing bytes in
// pooled buffers; what they return must not share them. Envelopes of
// different sizes (so that pooled buffers grow and are handed on) are opened
// and sealed on several goroutines, every result kept, and each checked
// afterwards against what was sealed. The caller's message buffer is
// overwritten after Open, which must not change the envelope either.
func TestOpenedEnvelopesOwnTheirBytes(t *testing.T) {
	ed := NewEd25519Signer(testKey(7))
	hm, err := NewHMACSigner("swarm-1", bytes.Repeat([]byte{9}, 32))
	require.NoError(t, err)
	v, c := newTestVerifier(t, []Signer{ed}, WithHMACKey("swarm-1", bytes.Repeat([]byte{9}, 32)))
	type kept struct {
		want json.RawMessage
		e    *Envelope
		msg  []byte
	}
	const workers, each = 4, 200
	out := make([][]kept, workers)
	for w := range workers {
		for i := range each {
			s := ed
			if i%2 == 1 {
				s = hm
			}
			want := json.RawMessage(fmt.Sprintf(`{"n":%d,"pad":%q,"w":%d}`, i, bytes.Repeat([]byte{'a' + byte(i%26)}, (i*37)%900), w))
			msg, err := Seal(s, "test/ping", want, WithTimestamp(c.t))
			require.NoError(t, err)
			out[w] = append(out[w], kept{want: want, msg: msg})
		}
	}
	// Opens alone, so that the pooled buffers are Open's own.
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range out[w] {
				buf := bytes.Clone(out[w][i].msg)
				e, err := v.Open(buf)
				if err != nil {
					t.Error(err)
					return
				}
				for j := range buf {
					buf[j] = 'x'
				}
				out[w][i].e = e
			}
		})
	}
	wg.Wait()
	for _, ks := range out {
		require.Len(t, ks, each)
		for _, k := range ks {
			require.Equal(t, string(k.want), string(k.e.Payload))
			sb, err := SigningBytes(k.msg)
			require.NoError(t, err)
			require.True(t, bytes.Contains(sb, k.want), "sealed message changed after the fact")
		}
	}
}
