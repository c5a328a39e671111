package bundle

import (
	"archive/tar"
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVerifyRejects(t *testing.T) {
	s, pub := newSigner(1)
	other, _ := newSigner(2)
	good := build(t, s, testMembers())
	entries := splitArchive(t, good)
	require.Len(t, entries, 7)
	// entries: bundle.json, manifest.json, signature, then the members in
	// name order: acks/inst-1/0001.json, empty, heartbeats/inst-1/0001.json,
	// heartbeats/inst-2/0001.json.
	replace := func(i int, e rawEntry) []byte {
		c := slices.Clone(entries)
		c[i] = e
		return assemble(c)
	}
	insert := func(i int, e rawEntry) []byte {
		return assemble(slices.Insert(slices.Clone(entries), i, e))
	}
	remove := func(i int) []byte {
		return assemble(slices.Delete(slices.Clone(entries), i, i+1))
	}
	foreign := func(typeflag byte, name string) []byte {
		return withForeignEntry(t, good, &tar.Header{Name: name, Typeflag: typeflag, Linkname: "/etc/passwd", Mode: 0o644, Devmajor: 1}, nil)
	}
	tests := []struct {
		desc    string
		bundle  []byte
		opts    []VerifyOption
		wantErr error
	}{
		{"no signature", remove(2), nil, ErrNoSignature},
		{"signature moved after a member", assemble(append([]rawEntry{entries[0], entries[1], entries[3], entries[2]}, entries[4:]...)), nil, ErrNoSignature},
		{"signature by another key", build(t, other, testMembers()), nil, ErrWrongKey},
		{"signature replaced by another key's", replace(2, splitArchive(t, build(t, other, testMembers()))[2]), nil, ErrWrongKey},
		{"garbage signature", replace(2, rawEntry{SignatureName, []byte("not an envelope")}), nil, ErrBadSignature},
		{"no bundle.json", remove(0), nil, ErrMissingHeader},
		{"no manifest.json", remove(1), nil, ErrMissingHeader},
		{"empty archive", make([]byte, 2*blockSize), nil, ErrMissingHeader},
		{"altered member content", replace(5, rawEntry{entries[5].name, []byte(`{"state":"ko"}`)}), nil, ErrDigestMismatch},
		{"altered member size", replace(6, rawEntry{entries[6].name, []byte("short")}), nil, ErrSizeMismatch},
		{"altered bundle.json", replace(0, rawEntry{BundleJSONName, bytes.Replace(entries[0].body, []byte("lr-test"), []byte("lr-evil"), 1)}), nil, ErrDigestMismatch},
		{"altered manifest.json", replace(1, rawEntry{ManifestJSONName, bytes.Replace(entries[1].body, []byte(`"size":14`), []byte(`"size":15`), 1)}), nil, ErrDigestMismatch},
		{"added member", insert(5, rawEntry{"extra.json", []byte("{}")}), nil, ErrUnexpectedMember},
		{"added member at the end", insert(7, rawEntry{"zzz", []byte("{}")}), nil, ErrUnexpectedMember},
		{"missing member", remove(5), nil, ErrMissingMember},
		{"missing last member", remove(6), nil, ErrMissingMember},
		{"duplicated name", insert(5, entries[5]), nil, ErrDuplicateMember},
		{"duplicated name, later", insert(6, entries[4]), nil, ErrDuplicateMember},
		{"duplicated name in the signed manifest", forge(t, s, append(testMembers(), testMember{"empty", ""}), nil), nil, ErrDuplicateMember},
		{"name with ..", insert(4, rawEntry{"acks/../../etc/cron.d/x", []byte("x")}), nil, ErrPathEscape},
		{"name ..", insert(4, rawEntry{"..", nil}), nil, ErrPathEscape},
		{"absolute name", insert(4, rawEntry{"/etc/passwd", []byte("x")}), nil, ErrAbsolutePath},
		{"drive-letter name", insert(4, rawEntry{"C:/x", []byte("x")}), nil, ErrAbsolutePath},
		{"invalid name", insert(4, rawEntry{"a//b", []byte("x")}), nil, ErrInvalidName},
		{"symbolic link", foreign(tar.TypeSymlink, "acks/link"), nil, ErrNotRegular},
		{"hard link", foreign(tar.TypeLink, "acks/link"), nil, ErrNotRegular},
		{"character device", foreign(tar.TypeChar, "dev/tty"), nil, ErrNotRegular},
		{"block device", foreign(tar.TypeBlock, "dev/sda"), nil, ErrNotRegular},
		{"fifo", foreign(tar.TypeFifo, "fifo"), nil, ErrNotRegular},
		{"directory", foreign(tar.TypeDir, "acks/"), nil, ErrNotRegular},
		{"symbolic link as header", withForeignEntry(t, assemble(nil), &tar.Header{Name: BundleJSONName, Typeflag: tar.TypeSymlink, Linkname: "/etc/passwd"}, nil), nil, ErrNotRegular},
		{"foreign regular header", withForeignEntry(t, good, &tar.Header{Name: "acks/inst-1/0001.json", Typeflag: tar.TypeReg, Mode: 0o755, Size: 13}, []byte(`{"ack":"yes"}`)), nil, ErrMalformed},
		{"member over the size limit", good, []VerifyOption{WithMaxMemberSize(699)}, ErrMemberTooLarge},
		{"bundle.json over its limit", good, []VerifyOption{WithMaxMetadataSize(100)}, ErrMemberTooLarge},
		{"manifest.json over its limit", good, []VerifyOption{WithMaxManifestSize(100)}, ErrMemberTooLarge},
		{"more members than the limit", good, []VerifyOption{WithMaxMembers(3)}, ErrTooManyMembers},
		{"truncated in a member", good[:len(good)-3*blockSize+10], nil, ErrTruncated},
		{"truncated before the end marker", good[:len(good)-2*blockSize], nil, ErrTruncated},
		{"truncated end marker", good[:len(good)-blockSize], nil, ErrTruncated},
		{"trailing garbage", append(slices.Clone(good), 'x'), nil, ErrTrailingData},
		{"trailing header", append(slices.Clone(good), assemble([]rawEntry{{"zzz", []byte("x")}})...), nil, ErrTrailingData},
		{"trailing zeros past the record", append(slices.Clone(good), make([]byte, recordSize)...), nil, ErrTrailingData},
		{"data after the first end block", append(slices.Clone(good[:len(good)-blockSize]), bytes.Repeat([]byte{1}, blockSize)...), nil, ErrTrailingData},
		{"manifest member_count disagrees with bundle.json", forge(t, s, testMembers(), func(f *forged) { f.info.MemberCount++ }), nil, ErrMetadataMismatch},
		{"manifest total_size disagrees with bundle.json", forge(t, s, testMembers(), func(f *forged) { f.info.TotalSize-- }), nil, ErrMetadataMismatch},
		{"manifest root disagrees with bundle.json", forge(t, s, testMembers(), func(f *forged) { f.info.MerkleRoot[0] ^= 1 }), nil, ErrMetadataMismatch},
		{"bundle.json names another signer", forge(t, s, testMembers(), func(f *forged) { f.info.Signer = other.PublicKey() }), nil, ErrMetadataMismatch},
		{"signed root disagrees with manifest", forge(t, s, testMembers(), func(f *forged) { f.payload.MerkleRoot[0] ^= 1 }), nil, ErrMetadataMismatch},
		{"signed count disagrees with manifest", forge(t, s, testMembers(), func(f *forged) { f.payload.MemberCount = 3 }), nil, ErrMetadataMismatch},
		{"manifest root disagrees with its members", forge(t, s, testMembers(), func(f *forged) {
			f.manifest = bytes.Replace(f.manifest, []byte(f.payload.MerkleRoot.String()), []byte(strings.Repeat("A", 43)+"="), 1)
		}), nil, ErrMalformed},
		{"manifest not in name order", forge(t, s, testMembers(), func(f *forged) {
			lines := strings.Split(string(f.manifest), "\n")
			lines[1], lines[2] = lines[2], lines[1]
			f.manifest = []byte(strings.Join(lines, "\n"))
		}), nil, ErrMalformed},
		{"manifest lists a header name", forge(t, s, append(testMembers(), testMember{"manifest.json", "x"}), nil), nil, ErrReservedName},
		{"bundle.json not canonical", forge(t, s, testMembers(), func(f *forged) {
			b, err := f.info.encode()
			require.NoError(t, err)
			f.rawInfo = bytes.ReplaceAll(b, []byte("\n  "), []byte("\n   "))
		}), nil, ErrMalformed},
		{"bundle.json with an unknown field", forge(t, s, testMembers(), func(f *forged) {
			b, err := f.info.encode()
			require.NoError(t, err)
			f.rawInfo = bytes.Replace(b, []byte("{\n"), []byte("{\n  \"extra\": 1,\n"), 1)
		}), nil, ErrMalformed},
	}
	// The member list travels from manifest.json to the members in memory,
	// through a spool file, or in the Manifest's table: each rejects alike,
	// and the spool file is gone when Verify returns.
	spoolDir := t.TempDir()
	modes := []struct {
		name string
		opts []VerifyOption
	}{
		{"memory", nil},
		{"spool file", []VerifyOption{WithManifestSpool(spoolDir, 0)}},
		{"member table", []VerifyOption{WithMemberTable()}},
	}
	for _, mode := range modes {
		for _, tc := range tests {
			t.Run(mode.name+"/"+tc.desc, func(t *testing.T) {
				_, _, err := collect(tc.bundle, pub, append(slices.Clone(mode.opts), tc.opts...)...)
				require.Error(t, err)
				assert.ErrorIs(t, err, tc.wantErr, "got %v", err)
				left, err := os.ReadDir(spoolDir)
				require.NoError(t, err)
				assert.Empty(t, left, "spool files left behind")
			})
		}
	}
	t.Run("good bundle passes", func(t *testing.T) {
		_, _, err := collect(good, pub)
		require.NoError(t, err)
		toRecord := (recordSize - len(good)%recordSize) % recordSize
		require.NotZero(t, toRecord)
		padded := append(slices.Clone(good), make([]byte, toRecord)...)
		require.Zero(t, len(padded)%recordSize)
		_, _, err = collect(padded, pub)
		require.NoError(t, err, "zero padding to a whole record is accepted")
		_, _, err = collect(append(padded, 0), pub)
		require.ErrorIs(t, err, ErrTrailingData, "one zero byte past the record is not")
	})
}

// TestVerifyTruncatedEverywhere cuts a bundle at every length and expects
// each prefix to be reported as truncated.
func TestVerifyTruncatedEverywhere(t *testing.T) {
	s, pub := newSigner(1)
	good := build(t, s, testMembers()[:2])
	for n := 0; n < len(good); n += 7 {
		_, _, err := collect(good[:n], pub)
		require.ErrorIs(t, err, ErrTruncated, "prefix of %d bytes: %v", n, err)
	}
}
