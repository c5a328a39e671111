package bundle

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
)

// declaredErrors are the errors Verify may return for bad input.
var declaredErrors = []error{
	ErrNoSignature, ErrWrongKey, ErrBadSignature, ErrMissingHeader, ErrDigestMismatch,
	ErrSizeMismatch, ErrUnexpectedMember, ErrMissingMember, ErrDuplicateMember, ErrPathEscape,
	ErrAbsolutePath, ErrInvalidName, ErrReservedName, ErrNotRegular, ErrMemberTooLarge,
	ErrTooManyMembers, ErrTruncated, ErrTrailingData, ErrMetadataMismatch, ErrMalformed,
}

// applyEdits applies a small program of byte edits to a copy of base. Each
// 4-byte op is (kind, offset high, offset low, value): set, xor, truncate at,
// or insert at the offset (taken modulo the length). Fuzzing edits of valid
// bundles keeps inputs tiny, which keeps the fuzzer's minimization fast, and
// starts every run from a correctly signed archive.
func applyEdits(base, edits []byte) []byte {
	b := bytes.Clone(base)
	for len(edits) >= 4 {
		op, off, v := edits[0]%4, int(edits[1])<<8|int(edits[2]), edits[3]
		edits = edits[4:]
		off %= len(b) + 1
		switch {
		case op == 3:
			b = slices.Insert(b, off, v)
		case op == 2:
			b = b[:off]
		case off == len(b):
			b = append(b, v)
		case op == 0:
			b[off] = v
		default:
			b[off] ^= v
		}
	}
	return b
}

// fuzzBases are valid bundles (signed by newSigner(1)) that fuzz targets edit.
func fuzzBases(tb testing.TB) [][]byte {
	s, _ := newSigner(1)
	other, _ := newSigner(2)
	small := []testMember{{"a", "1"}, {"b/c", ""}}
	long := []testMember{{strings.Repeat("x/", 80) + "y", "1"}, {strings.Repeat("é", 60), "2"}}
	return [][]byte{
		build(tb, s, small, WithMetadata("k", []int{1, 2})),
		build(tb, s, nil),
		build(tb, s, long),
		build(tb, other, small),
	}
}

// FuzzVerify verifies edited bundles and raw bytes. Only declared errors may
// come back, and an accepted archive must be exactly what the Writer builds
// from the members and metadata Verify returned (plus allowed zero padding).
func FuzzVerify(f *testing.F) {
	s, pub := newSigner(1)
	bases := fuzzBases(f)
	f.Add(uint8(0), []byte{}, false)
	f.Add(uint8(2), []byte{1, 0, 10, 1}, false)
	f.Add(uint8(0), []byte{2, 0xff, 0xff, 0}, false)
	f.Add(uint8(1), []byte{3, 0xff, 0xff, 0}, false)
	f.Add(uint8(0), bases[1][:600], true)
	f.Fuzz(func(t *testing.T, base uint8, edits []byte, raw bool) {
		b := edits
		if !raw {
			b = applyEdits(bases[int(base)%len(bases)], edits)
		}
		var members []testMember
		m, err := Verify(bytes.NewReader(b), pub, func(name string, r io.Reader) error {
			body, err := io.ReadAll(r)
			members = append(members, testMember{name, string(body)})
			return err
		}, WithMaxMembers(64), WithMaxMemberSize(1<<20))
		if err != nil {
			requireDeclared(t, err)
			return
		}
		info := m.Info()
		opts := []WriterOption{WithCreatedAt(info.CreatedAt), WithIssuer(info.Issuer)}
		for k, v := range info.Metadata {
			opts = append(opts, WithMetadata(k, v))
		}
		var out bytes.Buffer
		w, err := NewWriter(&out, s, opts...)
		if err != nil {
			t.Fatal(err)
		}
		for _, tm := range members {
			if err := w.Add(tm.name, bytes.NewReader([]byte(tm.body))); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		rebuilt := out.Bytes()
		if !bytes.Equal(rebuilt, b[:min(len(b), len(rebuilt))]) || !allZero(b[len(rebuilt):]) {
			t.Fatalf("accepted %d bytes that differ from the %d-byte rebuild", len(b), len(rebuilt))
		}
	})
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// FuzzManifest parses arbitrary manifest.json bytes: only declared errors,
// and an accepted manifest re-encodes to the same bytes.
func FuzzManifest(f *testing.F) {
	s, _ := newSigner(1)
	entries := splitArchive(f, build(f, s, testMembers()))
	f.Add(entries[1].body)
	f.Add(splitArchive(f, build(f, s, nil))[1].body)
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := parseManifest(b, &limits{maxMembers: 100, maxMemberSize: 1 << 40})
		if err != nil {
			requireDeclared(t, err)
			return
		}
		if again := m.encode(); !bytes.Equal(again, b) {
			t.Fatalf("accepted manifest re-encodes differently:\n%q\n%q", b, again)
		}
	})
}

// FuzzTarReader reads arbitrary archives entry by entry: only declared
// errors, and every accepted entry re-encodes to the bytes it was read from.
func FuzzTarReader(f *testing.F) {
	bases := fuzzBases(f)
	f.Add(uint8(0), []byte{}, false)
	f.Add(uint8(2), []byte{1, 0, 10, 1}, false)
	f.Add(uint8(0), []byte{0, 0, 156, '2'}, false)
	f.Add(uint8(0), bases[1][:1024], true)
	f.Fuzz(func(t *testing.T, base uint8, edits []byte, raw bool) {
		b := edits
		if !raw {
			b = applyEdits(bases[int(base)%len(bases)], edits)
		}
		tr := newTarReader(bytes.NewReader(b))
		var rebuilt []byte
		for range 64 {
			e, end, err := tr.next()
			if err != nil {
				requireDeclared(t, err)
				return
			}
			if end {
				rebuilt = append(rebuilt, make([]byte, 2*blockSize)...)
				if !bytes.Equal(rebuilt, b[:len(rebuilt)]) {
					t.Fatal("accepted entries re-encode differently")
				}
				if err := tr.finish(); err != nil {
					requireDeclared(t, err)
				}
				return
			}
			body := make([]byte, min(e.size, int64(len(b))))
			n, _ := io.ReadFull(tr.r, body)
			tr.off += int64(n)
			if int64(n) < e.size {
				return
			}
			if err := tr.readPadding(e.size, e.name); err != nil {
				requireDeclared(t, err)
				return
			}
			rebuilt = appendHeader(rebuilt, e.name, e.size)
			rebuilt = append(rebuilt, body...)
			rebuilt = appendPadding(rebuilt, e.size)
		}
	})
}

func requireDeclared(t *testing.T, err error) {
	t.Helper()
	for _, d := range declaredErrors {
		if errors.Is(err, d) {
			return
		}
	}
	t.Fatalf("undeclared error: %v", err)
}
