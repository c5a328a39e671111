package durable

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzScan feeds arbitrary bytes to the frame scanner that recovery uses:
// it must not panic, must stop at a reason exactly where intact frames end,
// and re-encoding the records it accepted must reproduce those bytes.
func FuzzScan(f *testing.F) {
	f.Add([]byte{})
	f.Add(AppendFrame(AppendFrame(nil, []byte("hello")), nil))
	f.Add(append(AppendFrame(nil, []byte("torn")), 9, 0, 0, 0, 1, 2))
	f.Add(bytes.Repeat([]byte{0}, 20))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		var re []byte
		var frames []Frame
		count, end, reason, err := scan(bytes.NewReader(data), 16, 5, func(i uint64, at Frame, rec []byte) error {
			if i != 5+uint64(len(frames)) {
				t.Fatalf("record %d visited as %d", len(frames), i)
			}
			frames = append(frames, at)
			re = AppendFrame(re, rec)
			return nil
		})
		if err != nil {
			t.Fatalf("scan of in-memory data returned an I/O error: %v", err)
		}
		n := end - 16
		if n < 0 || n > int64(len(data)) {
			t.Fatalf("end %d outside data of %d bytes", end, len(data))
		}
		if !bytes.Equal(re, data[:n]) {
			t.Fatalf("re-encoded records differ from the %d bytes accepted", n)
		}
		if (reason == "") != (n == int64(len(data))) {
			t.Fatalf("reason %q with %d of %d bytes accepted", reason, n, len(data))
		}
		if count != uint64(len(frames)) {
			t.Fatalf("scan counted %d frames, visited %d", count, len(frames))
		}
		next := int64(16)
		for _, at := range frames {
			if at.Offset != next {
				t.Fatalf("frame at %d, want %d: %v", at.Offset, next, frames)
			}
			next = at.end()
		}
		if next != end {
			t.Fatalf("frames end at %d, scan says %d", next, end)
		}
	})
}

// FuzzOpen opens arbitrary file contents: Open must not panic, must fail
// only with ErrBadHeader or a CorruptError, and whatever it accepts must
// read back as frames that re-encode to the bytes kept.
func FuzzOpen(f *testing.F) {
	clean := []byte(headerV2 + string(make([]byte, 2*slotSize)))
	putSlot(clean[len(headerV2):], 0, int64(startV2))
	putSlot(clean[len(headerV2)+slotSize:], 1, int64(startV2))
	f.Add([]byte{})
	f.Add([]byte(header))
	f.Add(AppendFrame([]byte(header), []byte("one")))
	f.Add(clean)
	f.Add(AppendFrame(bytes.Clone(clean), []byte("one")))
	f.Add(append(AppendFrame(bytes.Clone(clean), []byte("torn")), 9, 0))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "log")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		file, err := Open(path, Options{})
		var ce *CorruptError
		if err != nil {
			if !errors.Is(err, ErrBadHeader) && !errors.As(err, &ce) {
				t.Fatalf("undeclared error: %v", err)
			}
			return
		}
		defer file.Close()
		kept, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		re := bytes.Clone(kept[:file.start])
		for i := range file.Len() {
			rec, err := file.Read(i)
			if err != nil {
				t.Fatalf("record %d of an opened file: %v", i, err)
			}
			re = AppendFrame(re, rec)
		}
		if !bytes.Equal(re, kept) {
			t.Fatalf("records re-encode to %d bytes, file keeps %d", len(re), len(kept))
		}
	})
}
