package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// CheckTarFile returns nil if path looks like a tar file (a provenance
// bundle is one), and otherwise an error saying what it is instead: a
// directory, an empty file, a compressed file, a zip archive, or not a tar
// archive.
func CheckTarFile(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if st.IsDir() {
		return fmt.Errorf("%s is a directory, not a bundle file", path)
	}
	if st.Size() == 0 {
		return fmt.Errorf("%s is empty, not a bundle", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return fmt.Errorf("%s is gzip-compressed; a bundle is a plain tar file (gunzip it first)", path)
	case bytes.HasPrefix(head, []byte("BZh")), bytes.HasPrefix(head, []byte{0xfd, '7', 'z', 'X', 'Z'}), bytes.HasPrefix(head, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return fmt.Errorf("%s is compressed (bzip2, xz or zstd); a bundle is a plain tar file", path)
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return fmt.Errorf("%s is a zip archive, not a bundle (a tar file)", path)
	case n < 512 || string(head[257:262]) != "ustar":
		return fmt.Errorf("%s is not a tar archive, so not a bundle", path)
	}
	return nil
}
