package bundle

import (
	"bufio"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/accordsdk/accord/internal/merkletree"
	"io"
	"slices"
	"time"

	"github.com/accordsdk/accord/envelope"
	"github.com/zeebo/blake3"
	"golang.org/x/mod/sumdb/tlog"
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

// WithTempDir sets the directory for the spool files (default
// [os.TempDir]). The Writer removes them when it is closed or aborted; the
// files a process that died mid-bundle left there are the caller's to
// remove, so a caller that wants them cleaned hands the Writer a directory
// of its own and empties it when it starts.
func WithTempDir(dir string) WriterOption {
	return func(c *writerConfig) error {
		c.tempDir = dir
		return nil
	}
}

// WithSpoolMemory sets how many bytes of members the Writer holds in memory
// before moving them to a temporary file (default [DefaultSpoolMemory]; 0
// spools everything to the file). It bounds the Writer's memory: beyond it,
// a Writer given members in name order holds a few MiB of buffers whatever
// the bundle's size. Spooling to the file costs a copy through the page
// cache (about a fifth of the build's time for small members).
func WithSpoolMemory(n int64) WriterOption {
	return func(c *writerConfig) error {
		if n < 0 {
			return fmt.Errorf("bundle: WithSpoolMemory(%d), want >= 0", n)
		}
		c.spoolMem = n
		return nil
	}
}

// Writer builds a bundle. Members are added with [Writer.Add] and spooled
// (in memory up to [WithSpoolMemory], then to a temporary file) while their
// digests are computed, because the signed manifest must precede them in the
// archive; [Writer.Close] writes the whole archive. If Close fails, what it
// wrote is incomplete and must be discarded; a build given up before Close
// is released with [Writer.Abort]. A Writer is not safe for concurrent use.
// It does not limit the number of members; keep within what verifiers accept
// ([DefaultMaxMembers] unless they say more).
//
// Members may be added in any order, but adding them in byte-wise name order
// (the order of the archive) keeps the Writer's memory flat: it then holds
// only the last name and the Merkle tree's frontier, and spools each member's
// name, size and digest beside its body. The first member added out of order
// moves that list into memory, sorted at Close, at about 100 bytes per member
// plus its name. The archive is the same either way.
type Writer struct {
	w      io.Writer
	signer envelope.Signer
	cfg    writerConfig
	bodies spool
	// list holds, while members arrive in order, each one's name, size
	// and digest, in order; tb is their tree so far and last the last
	// name.
	list    memberList
	inOrder bool
	last    string
	tb      merkletree.Frontier
	// members and names hold every member once they arrive out of order.
	members []spooled
	names   map[string]bool
	n       int
	total   int64
	// lines is the length of the members' lines in manifest.json, each
	// counted with the ",\n" that follows it.
	lines int64
	// nameBytes is the length of all names; a Manifest indexes them with
	// 32-bit offsets.
	nameBytes int64
	h         *blake3.Hasher
	scratch   []byte
	// err is a failure to keep the member list, after which the Writer
	// cannot build the bundle.
	err    error
	closed bool
	m      *Manifest
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
	bw := &Writer{w: w, signer: s, inOrder: true, h: blake3.New(), cfg: writerConfig{spoolMem: DefaultSpoolMemory}}
	for _, o := range opts {
		if err := o(&bw.cfg); err != nil {
			return nil, err
		}
	}
	bw.bodies.dir, bw.bodies.limit = bw.cfg.tempDir, bw.cfg.spoolMem
	bw.list.dir, bw.list.limit = bw.cfg.tempDir, min(bw.cfg.spoolMem, listMemory)
	return bw, nil
}

// listMemory bounds the in-memory part of the member list.
const listMemory = 1 << 20

// Add reads r to its end and adds its bytes as member name. The size need
// not be known in advance. Names must pass [CheckName], must not be a header
// name, and must be unique. If reading r fails the member is not added and
// the Writer stays usable. If the Writer cannot keep its member list (a
// temporary file that cannot be written), it returns that error from then
// on. Members added in name order keep the Writer's memory flat (see
// [Writer]).
func (w *Writer) Add(name string, r io.Reader) error {
	if w.closed {
		return ErrWriterClosed
	}
	if w.err != nil {
		return w.err
	}
	if err := CheckName(name); err != nil {
		return err
	}
	if isReserved(name) {
		return fmt.Errorf("%w: %q", ErrReservedName, name)
	}
	if w.inOrder && w.n > 0 && name <= w.last {
		if name == w.last {
			return fmt.Errorf("%w: %q added twice", ErrDuplicateMember, name)
		}
		if err := w.unorder(); err != nil {
			w.err = err
			return err
		}
	}
	if !w.inOrder && w.names[name] {
		return fmt.Errorf("%w: %q added twice", ErrDuplicateMember, name)
	}
	if w.nameBytes+int64(len(name)) > maxNameBytes {
		return fmt.Errorf("%w: member names over %d bytes in all", ErrTooManyMembers, int64(maxNameBytes))
	}
	start := w.bodies.n
	size, err := w.spoolBody(name, r)
	if err != nil {
		w.bodies.truncate(start)
		return err
	}
	var sum [32]byte
	w.h.Sum(sum[:0])
	if w.inOrder {
		if err := w.list.add(name, size, &sum); err != nil {
			w.bodies.truncate(start)
			w.err = fmt.Errorf("bundle: adding %q: %w", name, err)
			return w.err
		}
		var leaf tlog.Hash
		w.scratch, leaf = leafHash(w.scratch, name, size, &sum)
		w.tb.Append(leaf)
		w.lines += int64(len(w.scratch) + len(",\n"))
		w.last = name
	} else {
		w.members = append(w.members, spooled{name: name, off: start, size: size, sum: sum})
		w.names[name] = true
	}
	w.n++
	w.total += size
	w.nameBytes += int64(len(name))
	return nil
}

// spoolBody copies r to the body spool and hashes it into w.h. On failure
// the caller truncates the spool.
func (w *Writer) spoolBody(name string, r io.Reader) (int64, error) {
	w.h.Reset()
	var size int64
	for {
		buf, err := w.bodies.next()
		if err != nil {
			return 0, fmt.Errorf("bundle: spooling %q: %w", name, err)
		}
		n, rerr := r.Read(buf)
		if n > 0 {
			size += int64(n)
			if size > maxTarSize {
				return 0, fmt.Errorf("%w: member %q over %d bytes", ErrMemberTooLarge, name, int64(maxTarSize))
			}
			w.h.Write(buf[:n])
			w.bodies.commit(buf[:n])
		}
		if rerr == io.EOF {
			return size, nil
		}
		if rerr != nil {
			return 0, fmt.Errorf("bundle: reading member %q: %w", name, rerr)
		}
	}
}

// visit is called for each member in name order, with the offset of its
// body in the body spool.
type visit func(name string, size int64, sum *[32]byte, off int64) error

// eachListed calls fn for each member in the member list. Bodies are
// spooled in the same order, one after another.
func (w *Writer) eachListed(fn visit) error {
	c, err := w.list.cursor()
	if err != nil {
		return err
	}
	var off int64
	for range w.n {
		e, err := c.next()
		if err != nil {
			return err
		}
		if err := fn(e.name, e.size, &e.sum, off); err != nil {
			return err
		}
		off += e.size
	}
	return nil
}

// eachMember calls fn for each member held in memory, in their order.
func (w *Writer) eachMember(fn visit) error {
	for i := range w.members {
		sp := &w.members[i]
		if err := fn(sp.name, sp.size, &sp.sum, sp.off); err != nil {
			return err
		}
	}
	return nil
}

// unorder moves the member list into memory, for a member added out of
// order.
func (w *Writer) unorder() error {
	members := make([]spooled, 0, w.n+1)
	names := make(map[string]bool, w.n+1)
	err := w.eachListed(func(name string, size int64, sum *[32]byte, off int64) error {
		members = append(members, spooled{name: name, off: off, size: size, sum: *sum})
		names[name] = true
		return nil
	})
	if err != nil {
		return err
	}
	w.members, w.names, w.inOrder = members, names, false
	w.list.close()
	w.list = memberList{}
	w.last, w.tb, w.lines = "", merkletree.Frontier{}, 0
	return nil
}

// Close signs the manifest and writes the archive: bundle.json,
// manifest.json, signatures/manifest.sig, then the members in name order. It
// removes the spool files whether or not it succeeds. Close does not close
// the underlying writer.
func (w *Writer) Close() error {
	if w.closed {
		return ErrWriterClosed
	}
	w.closed = true
	defer w.release()
	if w.err != nil {
		return w.err
	}
	each := w.eachListed
	if !w.inOrder {
		slices.SortFunc(w.members, func(a, b spooled) int { return cmp.Compare(a.name, b.name) })
		for i := range w.members {
			var leaf tlog.Hash
			w.scratch, leaf = leafHash(w.scratch, w.members[i].name, w.members[i].size, &w.members[i].sum)
			w.tb.Append(leaf)
			w.lines += int64(len(w.scratch) + len(",\n"))
		}
		each = w.eachMember
	}
	if err := w.bodies.flush(); err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	root := w.tb.Root()
	info := Info{
		Issuer:      w.cfg.issuer,
		CreatedAt:   w.cfg.createdAt,
		Signer:      w.signer.PublicKey(),
		MemberCount: int64(w.n),
		TotalSize:   w.total,
		MerkleRoot:  root,
		Metadata:    w.cfg.metadata,
	}
	info.SignerFingerprint = keyFingerprint(info.Signer)
	bundleJSON, err := info.encode()
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w.w, 64<<10)
	hdr := w.scratch[:0]
	writeEntry := func(name string, b []byte) error {
		hdr = appendHeader(hdr[:0], name, int64(len(b)))
		hdr = append(hdr, b...)
		hdr = appendPadding(hdr, int64(len(b)))
		if _, err := bw.Write(hdr); err != nil {
			return fmt.Errorf("bundle: writing %s: %w", name, err)
		}
		return nil
	}
	if err := writeEntry(BundleJSONName, bundleJSON); err != nil {
		return err
	}
	manifestDigest, err := w.writeManifest(bw, each, root)
	if err != nil {
		return err
	}
	sig, err := seal(w.signer, &SignedManifest{
		BundleDigest:   envelope.Blake3(bundleJSON),
		ManifestDigest: manifestDigest,
		MerkleRoot:     root,
		MemberCount:    int64(w.n),
	}, w.cfg.createdAt)
	if err != nil {
		return err
	}
	if err := writeEntry(SignatureName, sig); err != nil {
		return err
	}
	err = each(func(name string, size int64, _ *[32]byte, off int64) error {
		hdr = appendHeader(hdr[:0], name, size)
		if _, err := bw.Write(hdr); err != nil {
			return fmt.Errorf("bundle: writing %q: %w", name, err)
		}
		if err := w.bodies.copyTo(bw, off, size); err != nil {
			return fmt.Errorf("bundle: writing %q: %w", name, err)
		}
		if _, err := bw.Write(zeroBlock[:padding(size)]); err != nil {
			return fmt.Errorf("bundle: writing %q: %w", name, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if _, err := bw.Write(append(zeroBlock[:], zeroBlock[:]...)); err != nil {
		return fmt.Errorf("bundle: writing end marker: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("bundle: writing: %w", err)
	}
	w.m = &Manifest{info: info, root: root, sig: sig, n: w.n, total: w.total}
	return nil
}

// writeManifest writes manifest.json's tar entry to bw, its lines made from
// the members as each visits them, and returns its digest.
func (w *Writer) writeManifest(bw *bufio.Writer, each func(visit) error, root tlog.Hash) (envelope.Digest, error) {
	// Each member's line is followed by ",\n", but the last by "\n".
	size := int64(len(manifestHead1)+len(root.String())+len(manifestHead2)+len(manifestTail)) + w.lines
	if w.n > 0 {
		size--
	}
	buf := appendHeader(w.scratch[:0], ManifestJSONName, size)
	if _, err := bw.Write(buf); err != nil {
		return envelope.Digest{}, fmt.Errorf("bundle: writing %s: %w", ManifestJSONName, err)
	}
	w.h.Reset()
	var written int64
	out := func(p []byte) error {
		w.h.Write(p)
		written += int64(len(p))
		if _, err := bw.Write(p); err != nil {
			return fmt.Errorf("bundle: writing %s: %w", ManifestJSONName, err)
		}
		return nil
	}
	buf = append(buf[:0], manifestHead1...)
	buf = append(buf, root.String()...)
	buf = append(buf, manifestHead2...)
	i := 0
	err := each(func(name string, n int64, sum *[32]byte, _ int64) error {
		if i++; i > 1 {
			buf = append(buf, ",\n"...)
		}
		buf = appendLeaf(buf, name, n, sum)
		if len(buf) < 32<<10 {
			return nil
		}
		err := out(buf)
		buf = buf[:0]
		return err
	})
	if err != nil {
		return envelope.Digest{}, err
	}
	if w.n > 0 {
		buf = append(buf, '\n')
	}
	buf = append(buf, manifestTail...)
	if err := out(buf); err != nil {
		return envelope.Digest{}, err
	}
	if written != size {
		return envelope.Digest{}, fmt.Errorf("bundle: manifest.json of %d bytes, computed %d", written, size)
	}
	if _, err := bw.Write(zeroBlock[:padding(size)]); err != nil {
		return envelope.Digest{}, fmt.Errorf("bundle: writing %s: %w", ManifestJSONName, err)
	}
	w.scratch = buf[:0]
	var sum [32]byte
	w.h.Sum(sum[:0])
	return digestOf(sum), nil
}

// Abort gives up the build: it removes the spool files and releases the
// spooled members without writing anything, and later calls to Add and
// Close return [ErrWriterClosed]. It does nothing after Close. Deferring it
// releases a build that fails before Close.
func (w *Writer) Abort() {
	if w.closed {
		return
	}
	w.closed = true
	w.release()
}

// release removes the spool files and drops the members.
func (w *Writer) release() {
	w.bodies.close()
	w.list.close()
	w.list, w.members, w.names = memberList{}, nil, nil
}

// Manifest returns the manifest of the bundle written by a successful
// [Writer.Close], or nil before that: the bundle's info, Merkle root,
// signature, member count and total size, without its member table (see
// [Manifest.HasMemberTable]); [ReadManifest] reads the table back from the
// archive for [Manifest.Proof].
func (w *Writer) Manifest() *Manifest { return w.m }
