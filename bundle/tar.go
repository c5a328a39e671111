package bundle

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// The archive is a POSIX tar (USTAR, with a PAX extended header only for
// names that do not fit USTAR) in exactly one canonical form: every entry is
// a regular file with mode 0644, uid and gid 0, empty owner names, mtime 0
// (1970-01-01), and zero padding. The reader rebuilds the canonical header for
// each entry's name and size and rejects any byte that differs, so one bundle
// has one encoding and no header byte can change unnoticed.

const (
	blockSize = 512
	// recordSize is the classic tar blocking factor (20 blocks). Zero
	// padding after the end-of-archive marker is accepted up to the next
	// multiple of it, since some copying tools pad archives to whole records.
	recordSize = 20 * blockSize
	// maxTarSize is the largest size the 11-digit octal USTAR field holds.
	maxTarSize = 1<<33 - 1
	// maxPAXSize bounds an extended header; it only ever carries a path.
	maxPAXSize = 4 * blockSize
	paxName    = "././@PaxHeader"
)

var zeroBlock [blockSize]byte

// appendHeader appends the canonical header blocks for a regular file named
// name of size bytes: one USTAR block, preceded by a PAX extended header
// (one block plus its records) when the name is not ASCII or does not fit the
// USTAR name and prefix fields.
func appendHeader(dst []byte, name string, size int64) []byte {
	if prefix, base, ok := splitUSTAR(name); ok {
		return appendBlock(dst, base, prefix, size, '0')
	}
	rec := paxRecord("path", name)
	dst = appendBlock(dst, paxName, "", int64(len(rec)), 'x')
	dst = append(dst, rec...)
	dst = appendPadding(dst, int64(len(rec)))
	return appendBlock(dst, truncateName(name, 100), "", size, '0')
}

// splitUSTAR splits an ASCII name into the USTAR prefix (at most 155 bytes)
// and name (at most 100 bytes) fields, cutting at the last slash that fits.
func splitUSTAR(name string) (prefix, base string, ok bool) {
	if !isASCII(name) {
		return "", "", false
	}
	if len(name) <= 100 {
		return "", name, true
	}
	for i := min(len(name)-1, 155); i > 0; i-- {
		if name[i] == '/' {
			if len(name)-i-1 <= 100 && len(name)-i-1 > 0 {
				return name[:i], name[i+1:], true
			}
			return "", "", false
		}
	}
	return "", "", false
}

// truncateName cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncateName(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// paxRecord encodes one PAX record, "<len> <key>=<value>\n", where len
// counts the whole record including its own digits.
func paxRecord(key, value string) string {
	n := len(key) + len(value) + 3 // space, '=', newline
	total := n + len(strconv.Itoa(n))
	if len(strconv.Itoa(total)) > len(strconv.Itoa(n)) {
		total++
	}
	return strconv.Itoa(total) + " " + key + "=" + value + "\n"
}

func appendBlock(dst []byte, name, prefix string, size int64, typeflag byte) []byte {
	b := headerTemplate
	copy(b[0:100], name)
	putOctal(b[124:136], size)
	b[156] = typeflag
	copy(b[345:500], prefix)
	// The checksum of the fixed fields plus that of the variable ones:
	// summing 512 bytes per member would cost a tenth of a build of small
	// members.
	sum := headerTemplateSum + int64(typeflag) + byteSum(name) + byteSum(prefix) + byteSum(b[124:136])
	putOctal(b[148:155], sum)
	b[155] = ' '
	return append(dst, b[:]...)
}

// headerTemplate is a header block with the fields every entry shares
// (mode, owner, mtime, magic, version, device numbers) and none other;
// headerTemplateSum is its checksum.
var headerTemplate = func() (b [blockSize]byte) {
	copy(b[100:108], "0000644\x00")
	copy(b[108:116], "0000000\x00")
	copy(b[116:124], "0000000\x00")
	copy(b[136:148], "00000000000\x00")
	copy(b[257:263], "ustar\x00")
	copy(b[263:265], "00")
	copy(b[329:337], "0000000\x00")
	copy(b[337:345], "0000000\x00")
	return b
}()

var headerTemplateSum = checksum(&headerTemplate)

// byteSum returns the sum of the bytes of s.
func byteSum[S string | []byte](s S) int64 {
	var sum int64
	for i := range len(s) {
		sum += int64(s[i])
	}
	return sum
}

// putOctal writes n as zero-padded octal digits filling all but the last
// byte of field, which is NUL.
func putOctal(field []byte, n int64) {
	field[len(field)-1] = 0
	for i := len(field) - 2; i >= 0; i-- {
		field[i] = byte('0' + n&7)
		n >>= 3
	}
}

// checksum is the USTAR header checksum: the sum of all bytes with the
// checksum field counted as spaces.
func checksum(b *[blockSize]byte) int64 {
	var sum uint64
	for _, c := range b {
		sum += uint64(c)
	}
	for _, c := range b[148:156] {
		sum -= uint64(c)
	}
	return int64(sum + 8*' ')
}

func appendPadding(dst []byte, size int64) []byte {
	return append(dst, zeroBlock[:padding(size)]...)
}

func padding(size int64) int64 { return -size & (blockSize - 1) }

// tarReader reads the canonical tar form strictly, in one pass.
type tarReader struct {
	r     *bufio.Reader
	off   int64 // bytes consumed
	raw   []byte
	canon []byte // the canonical encoding of the current header
	blk   [blockSize]byte
	pad   [blockSize]byte
	buf   []byte // scratch for draining members
}

func (t *tarReader) scratch() []byte {
	if t.buf == nil {
		t.buf = make([]byte, 32<<10)
	}
	return t.buf
}

func newTarReader(r io.Reader) *tarReader {
	return &tarReader{r: bufio.NewReaderSize(r, 64<<10)}
}

// entry is one regular-file header.
type entry struct {
	name string
	size int64
}

func (t *tarReader) readFull(p []byte) error {
	n, err := io.ReadFull(t.r, p)
	t.off += int64(n)
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: archive ends at offset %d", ErrTruncated, t.off)
	}
	return err
}

// readHeaderBlock reads one header block and checks its checksum.
func (t *tarReader) readHeaderBlock() error {
	if err := t.readFull(t.blk[:]); err != nil {
		return err
	}
	return t.checkHeaderBlock()
}

// checkHeaderBlock records the block in t.blk as raw header bytes and checks
// its checksum.
func (t *tarReader) checkHeaderBlock() error {
	t.raw = append(t.raw, t.blk[:]...)
	got, err := parseOctal(t.blk[148:156])
	if err != nil || got != checksum(&t.blk) {
		return fmt.Errorf("%w: bad header checksum at offset %d", ErrMalformed, t.off-blockSize)
	}
	return nil
}

// next reads the next entry's header. It returns end=true at a valid
// end-of-archive marker (two zero blocks).
func (t *tarReader) next() (e entry, end bool, err error) {
	t.raw = t.raw[:0]
	start := t.off
	if err := t.readFull(t.blk[:]); err != nil {
		return entry{}, false, err
	}
	if t.blk == zeroBlock {
		if err := t.readFull(t.blk[:]); err != nil {
			return entry{}, false, err
		}
		if t.blk != zeroBlock {
			return entry{}, false, fmt.Errorf("%w: data after the first end block at offset %d", ErrTrailingData, t.off-blockSize)
		}
		return entry{}, true, nil
	}
	if err := t.checkHeaderBlock(); err != nil {
		return entry{}, false, err
	}
	name := headerName(&t.blk)
	if t.blk[156] == 'x' {
		n, err := parseOctal(t.blk[124:136])
		if err != nil || n <= 0 || n > maxPAXSize {
			return entry{}, false, fmt.Errorf("%w: extended header of size %d at offset %d", ErrMalformed, n, start)
		}
		rec := make([]byte, n+padding(n))
		if err := t.readFull(rec); err != nil {
			return entry{}, false, err
		}
		t.raw = append(t.raw, rec...)
		if name, err = parsePAXPath(rec[:n]); err != nil {
			return entry{}, false, fmt.Errorf("%w: extended header at offset %d: %w", ErrMalformed, start, err)
		}
		if err := t.readHeaderBlock(); err != nil {
			return entry{}, false, err
		}
	}
	if tf := t.blk[156]; tf != '0' && tf != 0 {
		return entry{}, false, &EntryTypeError{Name: name, Typeflag: tf}
	}
	if err := CheckName(name); err != nil {
		return entry{}, false, fmt.Errorf("entry at offset %d: %w", start, err)
	}
	size, err := parseOctal(t.blk[124:136])
	if err != nil {
		return entry{}, false, fmt.Errorf("%w: entry %q: bad size field", ErrMalformed, name)
	}
	if t.canon = appendHeader(t.canon[:0], name, size); !bytes.Equal(t.raw, t.canon) {
		return entry{}, false, fmt.Errorf("%w: entry %q at offset %d: header is not in canonical form", ErrMalformed, name, start)
	}
	return entry{name: name, size: size}, false, nil
}

// headerName returns the name in a USTAR or older header.
func headerName(b *[blockSize]byte) string {
	name := cstring(b[0:100])
	if string(b[257:263]) == "ustar\x00" {
		if prefix := cstring(b[345:500]); prefix != "" {
			return prefix + "/" + name
		}
	}
	return name
}

func cstring(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// parseOctal parses a NUL- or space-terminated octal field. It is lenient
// about terminators only; the canonical comparison catches the rest.
func parseOctal(b []byte) (int64, error) {
	b = bytes.TrimRight(b, " \x00")
	b = bytes.TrimLeft(b, " ")
	if len(b) == 0 || len(b) > 11 {
		return 0, fmt.Errorf("octal field %q", b)
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '7' {
			return 0, fmt.Errorf("octal field %q", b)
		}
		n = n<<3 | int64(c-'0')
	}
	return n, nil
}

// parsePAXPath parses extended header records and returns the path. Only a
// single "path" record is accepted.
func parsePAXPath(b []byte) (string, error) {
	sp := bytes.IndexByte(b, ' ')
	if sp <= 0 {
		return "", errors.New("no record length")
	}
	n, err := strconv.Atoi(string(b[:sp]))
	if err != nil || n != len(b) || b[len(b)-1] != '\n' {
		return "", fmt.Errorf("record length %q, want %d", b[:sp], len(b))
	}
	kv := b[sp+1 : len(b)-1]
	path, ok := bytes.CutPrefix(kv, []byte("path="))
	if !ok {
		return "", fmt.Errorf("record %q, want only path", kv)
	}
	return string(path), nil
}

// readPadding consumes the padding after a member of size bytes and checks
// that it is zero.
func (t *tarReader) readPadding(size int64, name string) error {
	p := padding(size)
	if p == 0 {
		return nil
	}
	if err := t.readFull(t.pad[:p]); err != nil {
		return err
	}
	if !bytes.Equal(t.pad[:p], zeroBlock[:p]) {
		return fmt.Errorf("%w: non-zero padding after member %q", ErrMalformed, name)
	}
	return nil
}

// finish checks what follows the end-of-archive marker: nothing, or zero
// bytes up to the next record boundary.
func (t *tarReader) finish() error {
	allowed := (recordSize - t.off%recordSize) % recordSize
	buf := make([]byte, allowed+1)
	n, err := io.ReadFull(t.r, buf)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return err
	}
	if int64(n) > allowed {
		return fmt.Errorf("%w: more than %d bytes after the end marker at offset %d", ErrTrailingData, allowed, t.off)
	}
	for i, c := range buf[:n] {
		if c != 0 {
			return fmt.Errorf("%w: non-zero byte at offset %d", ErrTrailingData, t.off+int64(i))
		}
	}
	return nil
}
