package bundle

import (
	"bufio"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/accordsdk/accord/envelope"
	"github.com/zeebo/blake3"
)

// WriterOption configures a [Writer].
type WriterOption func(*writerConfig) error

type writerConfig struct {
	issuer    string
	createdAt time.Time
	metadata  map[string]json.RawMessage
	tempDir   string
	spoolMem  int64
}

// WithIssuer sets bundle.json's issuer, for example the local registry's
// name or DID.
func WithIssuer(issuer string) WriterOption {
	return func(c *writerConfig) error {
		c.issuer = issuer
		return nil
	}
}

// WithCreatedAt sets bundle.json's created_at and the signature's timestamp.
// Builds with equal members and options, including this one, are
// byte-identical.
func WithCreatedAt(t time.Time) WriterOption {
	return func(c *writerConfig) error {
		if t.IsZero() {
			return errors.New("bundle: WithCreatedAt: zero time")
		}
		c.createdAt = t
		return nil
	}
}

// WithMetadata stores v, encoded as JSON, under key in bundle.json's
// "metadata" object. Packages built on bundle use it for typed documents
// that travel with the members and are covered by the signature (for example
// an admission certificate or a log checkpoint); readers get them back with
// [Info.DecodeMetadata]. Each key may be set once. bundle.json is indented,
// so a json.RawMessage comes back reformatted; a signed envelope passed as
// json.RawMessage still verifies, since envelopes are verified over their
// canonical form.
func WithMetadata(key string, v any) WriterOption {
	return func(c *writerConfig) error {
		if key == "" {
			return errors.New("bundle: WithMetadata: empty key")
		}
		if _, dup := c.metadata[key]; dup {
			return fmt.Errorf("bundle: WithMetadata: key %q set twice", key)
		}
		raw, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("bundle: WithMetadata %q: %w", key, err)
		}
		if c.metadata == nil {
			c.metadata = map[string]json.RawMessage{}
		}
		c.metadata[key] = raw
		return nil
	}
}

// WithTempDir sets the directory for the spool file (default [os.TempDir]).
func WithTempDir(dir string) WriterOption {
	return func(c *writerConfig) error {
		c.tempDir = dir
		return nil
	}
}

// WithSpoolMemory sets how many bytes of members the Writer holds in memory
// before moving them to a temporary file (default [DefaultSpoolMemory]; 0
// spools everything to the file).
func WithSpoolMemory(n int64) WriterOption {
	return func(c *writerConfig) error {
		if n < 0 {
			return fmt.Errorf("bundle: WithSpoolMemory(%d), want >= 0", n)
		}
		c.spoolMem = n
		return nil
	}
}

// Writer builds a bundle. Members are added with [Writer.Add] in any order
// and spooled (in memory up to [WithSpoolMemory], then to one temporary
// file) while their digests are computed, because the signed manifest must
// precede them in the archive; [Writer.Close] writes the whole archive. If
// Close fails, what it wrote is incomplete and must be discarded. A Writer is
// not safe for concurrent use. It does not limit the number of members; keep
// within what verifiers accept ([DefaultMaxMembers] unless they say more).
type Writer struct {
	w       io.Writer
	signer  envelope.Signer
	cfg     writerConfig
	spool   spool
	members []spooled
	names   map[string]bool
	// nameBytes is the length of all names; a Manifest indexes them with
	// 32-bit offsets.
	nameBytes int64
	closed    bool
	m         *Manifest
}

type spooled struct {
	name string
	off  int64
	size int64
	sum  [32]byte
}

// NewWriter returns a Writer that writes a bundle signed by s to w when it
// is closed. s must be a public-key signer (Ed25519, ML-DSA-65 or hybrid).
// Without [WithCreatedAt], bundle.json has no created_at and the signature
// carries the time of Close, so builds are not byte-identical.
func NewWriter(w io.Writer, s envelope.Signer, opts ...WriterOption) (*Writer, error) {
	if w == nil || s == nil {
		return nil, errors.New("bundle: NewWriter: nil writer or signer")
	}
	if s.Algorithm() == "hmac-sha256" {
		return nil, errors.New("bundle: NewWriter: an hmac-sha256 key is a shared secret; a bundle needs a public-key signer")
	}
	bw := &Writer{w: w, signer: s, names: map[string]bool{}, cfg: writerConfig{spoolMem: DefaultSpoolMemory}}
	for _, o := range opts {
		if err := o(&bw.cfg); err != nil {
			return nil, err
		}
	}
	bw.spool.dir, bw.spool.limit = bw.cfg.tempDir, bw.cfg.spoolMem
	return bw, nil
}

// Add reads r to its end and adds its bytes as member name. The size need
// not be known in advance. Names must pass [CheckName], must not be a header
// name, and must be unique. If reading r fails the member is not added and
// the Writer stays usable.
func (w *Writer) Add(name string, r io.Reader) error {
	if w.closed {
		return ErrWriterClosed
	}
	if err := CheckName(name); err != nil {
		return err
	}
	if isReserved(name) {
		return fmt.Errorf("%w: %q", ErrReservedName, name)
	}
	if w.names[name] {
		return fmt.Errorf("%w: %q added twice", ErrDuplicateMember, name)
	}
	if w.nameBytes+int64(len(name)) > maxNameBytes {
		return fmt.Errorf("%w: member names over %d bytes in all", ErrTooManyMembers, int64(maxNameBytes))
	}
	start := w.spool.n
	h := blake3.New()
	var size int64
	for {
		buf, err := w.spool.next()
		if err != nil {
			w.spool.truncate(start)
			return fmt.Errorf("bundle: spooling %q: %w", name, err)
		}
		n, rerr := r.Read(buf)
		if n > 0 {
			size += int64(n)
			if size > maxTarSize {
				w.spool.truncate(start)
				return fmt.Errorf("%w: member %q over %d bytes", ErrMemberTooLarge, name, int64(maxTarSize))
			}
			h.Write(buf[:n])
			if err := w.spool.commit(buf[:n]); err != nil {
				w.spool.truncate(start)
				return fmt.Errorf("bundle: spooling %q: %w", name, err)
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			w.spool.truncate(start)
			return fmt.Errorf("bundle: reading member %q: %w", name, rerr)
		}
	}
	var sp = spooled{name: name, off: start, size: size}
	h.Sum(sp.sum[:0])
	w.members = append(w.members, sp)
	w.names[name] = true
	w.nameBytes += int64(len(name))
	return nil
}

// Close signs the manifest and writes the archive: bundle.json,
// manifest.json, signatures/manifest.sig, then the members in name order. It
// removes the spool file whether or not it succeeds. Close does not close
// the underlying writer.
func (w *Writer) Close() error {
	if w.closed {
		return ErrWriterClosed
	}
	w.closed = true
	defer w.spool.close()
	slices.SortFunc(w.members, func(a, b spooled) int { return cmp.Compare(a.name, b.name) })
	m := &Manifest{table: &memberTable{}}
	for _, sp := range w.members {
		m.add(sp.name, sp.size, sp.sum)
	}
	manifest := m.encode()
	info := Info{
		Issuer:      w.cfg.issuer,
		CreatedAt:   w.cfg.createdAt,
		Signer:      w.signer.PublicKey(),
		MemberCount: int64(m.Len()),
		TotalSize:   m.total,
		MerkleRoot:  m.root,
		Metadata:    w.cfg.metadata,
	}
	info.SignerFingerprint = keyFingerprint(info.Signer)
	bundleJSON, err := info.encode()
	if err != nil {
		return err
	}
	sig, err := seal(w.signer, &SignedManifest{
		BundleDigest:   envelope.Blake3(bundleJSON),
		ManifestDigest: envelope.Blake3(manifest),
		MerkleRoot:     m.root,
		MemberCount:    int64(m.Len()),
	}, w.cfg.createdAt)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w.w, 64<<10)
	var hdr []byte
	for _, h := range []struct {
		name string
		b    []byte
	}{{BundleJSONName, bundleJSON}, {ManifestJSONName, manifest}, {SignatureName, sig}} {
		hdr = appendHeader(hdr[:0], h.name, int64(len(h.b)))
		hdr = append(hdr, h.b...)
		hdr = appendPadding(hdr, int64(len(h.b)))
		if _, err := bw.Write(hdr); err != nil {
			return fmt.Errorf("bundle: writing %s: %w", h.name, err)
		}
	}
	for _, sp := range w.members {
		hdr = appendHeader(hdr[:0], sp.name, sp.size)
		if _, err := bw.Write(hdr); err != nil {
			return fmt.Errorf("bundle: writing %q: %w", sp.name, err)
		}
		if err := w.spool.copyTo(bw, sp.off, sp.size); err != nil {
			return fmt.Errorf("bundle: writing %q: %w", sp.name, err)
		}
		if _, err := bw.Write(zeroBlock[:padding(sp.size)]); err != nil {
			return fmt.Errorf("bundle: writing %q: %w", sp.name, err)
		}
	}
	if _, err := bw.Write(append(zeroBlock[:], zeroBlock[:]...)); err != nil {
		return fmt.Errorf("bundle: writing end marker: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("bundle: writing: %w", err)
	}
	info.MerkleRoot = m.root
	m.info, m.sig = info, sig
	w.m = m
	return nil
}

// Manifest returns the manifest of the bundle written by a successful
// [Writer.Close], or nil before that. Use it to prove members with
// [Manifest.Proof].
func (w *Writer) Manifest() *Manifest { return w.m }

// DefaultSpoolMemory is how many bytes of members a [Writer] holds in memory
// before it moves them to a temporary file (see [WithSpoolMemory]).
const DefaultSpoolMemory = 64 << 20

// spoolChunk is the size of the in-memory spool's chunks, and spoolRead the
// most a member's reader fills at a time.
const (
	spoolChunk = 1 << 20
	spoolRead  = 128 << 10
)

// chunkPool recycles spool chunks between Writers, so that a busy exporter
// does not fault in fresh memory for every bundle.
var chunkPool = sync.Pool{New: func() any {
	b := make([]byte, 0, spoolChunk)
	return &b
}}

// spool holds member bytes between Add and Close: in memory, in chunks that
// readers fill directly, up to a limit; then in one temporary file.
type spool struct {
	dir    string
	limit  int64
	chunks [][]byte // all full except the last
	f      *os.File
	n      int64
	buf    []byte // read buffer once the spool is a file
}

// next returns a buffer for the next bytes of a member; commit records them.
func (s *spool) next() ([]byte, error) {
	if s.f == nil && s.n >= s.limit {
		if err := s.spill(); err != nil {
			return nil, err
		}
	}
	if s.f != nil {
		if s.buf == nil {
			s.buf = make([]byte, spoolRead)
		}
		return s.buf, nil
	}
	if len(s.chunks) == 0 || len(s.chunks[len(s.chunks)-1]) == spoolChunk {
		s.chunks = append(s.chunks, (*chunkPool.Get().(*[]byte))[:0])
	}
	// Hand out at most spoolRead bytes at a time, so that the bytes a
	// reader copied in are still in cache when they are hashed.
	last := s.chunks[len(s.chunks)-1]
	return last[len(last):min(len(last)+spoolRead, spoolChunk)], nil
}

// commit records p, a prefix of the buffer next returned, as spooled.
func (s *spool) commit(p []byte) error {
	if s.f != nil {
		n, err := s.f.Write(p)
		s.n += int64(n)
		return err
	}
	last := &s.chunks[len(s.chunks)-1]
	*last = (*last)[:len(*last)+len(p)]
	s.n += int64(len(p))
	return nil
}

// spill moves the spool to a temporary file.
func (s *spool) spill() error {
	f, err := os.CreateTemp(s.dir, "accord-bundle-spool-*")
	if err != nil {
		return err
	}
	s.f = f
	for _, c := range s.chunks {
		if _, err := f.Write(c); err != nil {
			return err
		}
	}
	s.release(s.chunks)
	s.chunks = nil
	return nil
}

// release returns chunks to the pool.
func (s *spool) release(chunks [][]byte) {
	for _, c := range chunks {
		chunkPool.Put(&c)
	}
}

// truncate drops everything after offset n, undoing a failed Add.
func (s *spool) truncate(n int64) {
	s.n = n
	if s.f == nil {
		keep := int((n + spoolChunk - 1) / spoolChunk)
		s.release(s.chunks[keep:])
		s.chunks = s.chunks[:keep]
		if keep > 0 {
			s.chunks[keep-1] = s.chunks[keep-1][:n-int64(keep-1)*spoolChunk]
		}
		return
	}
	// A failed truncate leaves unreferenced bytes; later writes go to the
	// offset recorded in s.n.
	_ = s.f.Truncate(n)
	_, _ = s.f.Seek(n, io.SeekStart)
}

func (s *spool) copyTo(w io.Writer, off, size int64) error {
	if s.f != nil {
		// Large reads: the spool file is read back in a few big pieces
		// rather than in the small ones io.Copy might choose.
		if len(s.buf) < spoolChunk {
			s.buf = make([]byte, spoolChunk)
		}
		for size > 0 {
			p := s.buf[:min(int64(len(s.buf)), size)]
			if _, err := s.f.ReadAt(p, off); err != nil {
				return fmt.Errorf("reading spool: %w", err)
			}
			if _, err := w.Write(p); err != nil {
				return err
			}
			off += int64(len(p))
			size -= int64(len(p))
		}
		return nil
	}
	for size > 0 {
		c := s.chunks[off/spoolChunk][off%spoolChunk:]
		c = c[:min(int64(len(c)), size)]
		if _, err := w.Write(c); err != nil {
			return err
		}
		off += int64(len(c))
		size -= int64(len(c))
	}
	return nil
}

func (s *spool) close() {
	s.release(s.chunks)
	s.chunks = nil
	if s.f != nil {
		s.f.Close()
		os.Remove(s.f.Name())
		s.f = nil
	}
}
