package bundle

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"github.com/accordsdk/accord/internal/merkletree"
	"io"

	"github.com/accordsdk/accord/envelope"
	"github.com/zeebo/blake3"
	"golang.org/x/mod/sumdb/tlog"
)

// Default limits of [Verify]; each has an option to change it.
const (
	DefaultMaxMembers      = 1_000_000
	DefaultMaxMemberSize   = 1 << 30   // 1 GiB
	DefaultMaxManifestSize = 256 << 20 // 256 MiB
	DefaultMaxMetadataSize = 4 << 20   // 4 MiB, for bundle.json
	maxSignatureSize       = 64 << 10
	// maxNameBytes bounds the names of one bundle in all, which a Manifest
	// indexes with 32-bit offsets; a manifest.json is always longer.
	maxNameBytes = 1<<32 - 1
)

// VerifyOption configures [Verify].
type VerifyOption func(*limits) error

type limits struct {
	maxMembers      int
	maxMemberSize   int64
	maxManifestSize int64
	maxMetadataSize int64
	onManifest      func(*Manifest) error
	keepTable       bool
	spoolDir        string
	spoolMemory     int64
}

// WithMaxMembers limits the number of members (header members excluded).
func WithMaxMembers(n int) VerifyOption {
	return func(l *limits) error {
		if n < 0 {
			return fmt.Errorf("bundle: WithMaxMembers(%d), want >= 0", n)
		}
		l.maxMembers = n
		return nil
	}
}

// WithMaxMemberSize limits the size of each member, in bytes.
func WithMaxMemberSize(n int64) VerifyOption {
	return func(l *limits) error {
		if n < 0 {
			return fmt.Errorf("bundle: WithMaxMemberSize(%d), want >= 0", n)
		}
		l.maxMemberSize = n
		return nil
	}
}

// WithMaxManifestSize limits the size of manifest.json, and so the member
// list Verify carries from it to the members (see [WithManifestSpool]).
func WithMaxManifestSize(n int64) VerifyOption {
	return func(l *limits) error {
		if n <= 0 || n > maxNameBytes {
			return fmt.Errorf("bundle: WithMaxManifestSize(%d), want 1 to %d", n, int64(maxNameBytes))
		}
		l.maxManifestSize = n
		return nil
	}
}

// WithMaxMetadataSize limits the size of bundle.json.
func WithMaxMetadataSize(n int64) VerifyOption {
	return func(l *limits) error {
		if n <= 0 {
			return fmt.Errorf("bundle: WithMaxMetadataSize(%d), want > 0", n)
		}
		l.maxMetadataSize = n
		return nil
	}
}

// WithManifestFunc has Verify call fn once the signature, manifest.json and
// bundle.json are verified, before the first member is read. If fn returns an
// error, Verify stops and returns it. It lets a caller check the issuer or
// metadata before it sees any member.
func WithManifestFunc(fn func(*Manifest) error) VerifyOption {
	return func(l *limits) error {
		l.onManifest = fn
		return nil
	}
}

// WithMemberTable has Verify keep the member table in the Manifest it
// returns, so that [Manifest.Lookup], [Manifest.Member] and [Manifest.Proof]
// work; it costs about 45 bytes plus the name per member, in memory. Without
// it, Verify's memory does not grow with the number of members.
func WithMemberTable() VerifyOption {
	return func(l *limits) error {
		l.keepTable = true
		return nil
	}
}

// WithManifestSpool sets where Verify keeps the member list between
// manifest.json and the members: up to memory bytes in memory (default
// [DefaultManifestMemory]), the rest in a temporary file in dir (default
// [os.TempDir]), removed before Verify returns (after a crash, what is left
// in dir is the caller's to remove). The list is about 45 bytes
// plus the name per member. A memory of at least [WithMaxManifestSize]
// never touches the disk. Members themselves are never written to disk.
func WithManifestSpool(dir string, memory int64) VerifyOption {
	return func(l *limits) error {
		if memory < 0 {
			return fmt.Errorf("bundle: WithManifestSpool(%q, %d), want memory >= 0", dir, memory)
		}
		l.spoolDir, l.spoolMemory = dir, memory
		return nil
	}
}

// Verify reads a bundle from r in one pass and checks it against pubkey, the
// pinned key of the signer in "ed25519:z..." form (the hex and did:key forms
// are accepted too). It returns the verified manifest, or an error wrapping
// one of the package's sentinels.
//
// Order of checks: the three header members must come first; the signature
// in signatures/manifest.sig must verify under pubkey and sign the blake3
// digests of bundle.json and manifest.json, the Merkle root and the member
// count; manifest.json and bundle.json must be canonical and agree. Only then
// are members read, each checked against the manifest as it streams past:
// its name, its place in name order, its size (from its header, before its
// body is read) and its blake3 digest (at its end).
//
// For each member, member (if not nil) is called with the name and a reader
// of its bytes. The reader returns io.EOF only after the member's digest has
// matched; if the digest is wrong it returns an error wrapping
// [ErrDigestMismatch] instead. A member is therefore authentic once its reader
// has returned io.EOF, but the bundle is complete only when Verify returns
// nil: a later member may still be missing or altered, or the archive
// truncated. Callers that import members must not commit anything until
// Verify returns nil (stage, then commit). The reader is valid only during
// the call; bytes the callback does not read are read and checked by Verify.
// An error from member stops Verify and is returned wrapped.
//
// Verify's memory does not grow with the number or size of members: it
// holds bundle.json (bounded by [WithMaxMetadataSize]), an O(log n) Merkle
// frontier, and the member list it carries from manifest.json to the
// members, in memory up to [DefaultManifestMemory] and beyond that in a
// temporary file (see [WithManifestSpool]). It never writes a member to
// disk. The Manifest it returns has no member table unless
// [WithMemberTable] is given.
func Verify(r io.Reader, pubkey string, member func(name string, r io.Reader) error, opts ...VerifyOption) (*Manifest, error) {
	lim, v, err := verifySetup(pubkey, opts)
	if err != nil {
		return nil, err
	}
	list := &memberList{dir: lim.spoolDir, limit: lim.spoolMemory}
	if lim.keepTable {
		list.table = &memberTable{}
	}
	defer list.close()
	t := newTarReader(r)
	m, err := t.readHeaders(v, &lim, list)
	if err != nil {
		return nil, err
	}
	if lim.onManifest != nil {
		if err := lim.onManifest(m); err != nil {
			return nil, fmt.Errorf("bundle: manifest rejected by caller: %w", err)
		}
	}
	if err := t.readMembers(m, list, member); err != nil {
		return nil, err
	}
	if err := t.finish(); err != nil {
		return nil, err
	}
	return m, nil
}

// ReadManifest reads only the header members of a bundle from r (bundle.json,
// manifest.json and the signature), verifies them as [Verify] does against
// pubkey, and returns the manifest with its member table, without reading
// any member. It is how to prove members of a bundle already verified or
// just written: ReadManifest, then [Manifest.Proof]. The limit options of
// Verify apply; the table is held in memory.
func ReadManifest(r io.Reader, pubkey string, opts ...VerifyOption) (*Manifest, error) {
	lim, v, err := verifySetup(pubkey, opts)
	if err != nil {
		return nil, err
	}
	return newTarReader(r).readHeaders(v, &lim, &memberList{table: &memberTable{}})
}

// verifySetup applies opts to the default limits and returns them with a
// verifier of manifest signatures by pubkey.
func verifySetup(pubkey string, opts []VerifyOption) (limits, *envelope.Verifier, error) {
	lim := limits{
		maxMembers:      DefaultMaxMembers,
		maxMemberSize:   DefaultMaxMemberSize,
		maxManifestSize: DefaultMaxManifestSize,
		maxMetadataSize: DefaultMaxMetadataSize,
		spoolMemory:     DefaultManifestMemory,
	}
	for _, o := range opts {
		if err := o(&lim); err != nil {
			return lim, nil, err
		}
	}
	v, err := signatureVerifier(pubkey)
	return lim, v, err
}

// readHeaders reads and checks bundle.json, manifest.json and the signature.
func (t *tarReader) readHeaders(v *envelope.Verifier, lim *limits, list *memberList) (*Manifest, error) {
	bundleJSON, err := t.readHeaderMember(BundleJSONName, lim.maxMetadataSize, ErrMissingHeader)
	if err != nil {
		return nil, err
	}
	m, manifestDigest, parseErr, err := t.readManifestMember(lim, list)
	if err != nil {
		return nil, err
	}
	sig, err := t.readHeaderMember(SignatureName, maxSignatureSize, ErrNoSignature)
	if err != nil {
		return nil, err
	}
	signed, err := openSignature(v, sig)
	if err != nil {
		return nil, err
	}
	for _, h := range []struct {
		name      string
		got, want envelope.Digest
	}{{BundleJSONName, envelope.Blake3(bundleJSON), signed.BundleDigest}, {ManifestJSONName, manifestDigest, signed.ManifestDigest}} {
		if !h.got.Equal(h.want) {
			return nil, &MismatchError{Name: h.name, Field: "digest", Got: h.got.String(), Want: h.want.String()}
		}
	}
	if parseErr != nil {
		return nil, parseErr
	}
	if m.root != signed.MerkleRoot {
		return nil, &DisagreementError{Field: "merkle_root", In: SignatureName, Got: signed.MerkleRoot.String(), Want: m.root.String()}
	}
	if signed.MemberCount != int64(m.Len()) {
		return nil, &DisagreementError{Field: "member_count", In: SignatureName, Got: fmt.Sprint(signed.MemberCount), Want: fmt.Sprint(m.Len())}
	}
	info, err := parseInfo(bundleJSON)
	if err != nil {
		return nil, err
	}
	// The envelope's sender key is the pinned key in its canonical form
	// (the caller may have pinned it as hex or did:key).
	if err := info.checkAgainst(m, signed.Signer, keyFingerprint(signed.Signer)); err != nil {
		return nil, err
	}
	m.info, m.sig = *info, sig
	return m, nil
}

// readManifestMember reads manifest.json, parsing it as it streams past
// (it is not trusted until its digest matches the signature, which follows
// it) and hashing it. A parse error is returned separately, to be reported
// only after the signature has been checked; err reports a failure to read
// the archive.
func (t *tarReader) readManifestMember(lim *limits, list *memberList) (m *Manifest, digest envelope.Digest, parseErr, err error) {
	e, end, err := t.next()
	if err != nil {
		return nil, digest, nil, err
	}
	if end {
		return nil, digest, nil, fmt.Errorf("%w: archive ends before %s", ErrMissingHeader, ManifestJSONName)
	}
	if e.name != ManifestJSONName {
		return nil, digest, nil, fmt.Errorf("%w: found %q where %s must be", ErrMissingHeader, e.name, ManifestJSONName)
	}
	if e.size > lim.maxManifestSize {
		return nil, digest, nil, fmt.Errorf("%w: %s of %d bytes, limit %d", ErrMemberTooLarge, ManifestJSONName, e.size, lim.maxManifestSize)
	}
	h := blake3.New()
	lr := &io.LimitedReader{R: t.r, N: e.size}
	br := bufio.NewReaderSize(io.TeeReader(lr, h), manifestBuffer)
	m, parseErr = readManifest(br, lim, list)
	_, err = io.Copy(io.Discard, br)
	t.off += e.size - lr.N
	if err != nil {
		return nil, digest, nil, err
	}
	if lr.N > 0 {
		return nil, digest, nil, fmt.Errorf("%w: archive ends inside %s", ErrTruncated, ManifestJSONName)
	}
	var sum [32]byte
	h.Sum(sum[:0])
	return m, digestOf(sum), parseErr, t.readPadding(e.size, ManifestJSONName)
}

// readHeaderMember reads the next entry, which must be named want and be at
// most limit bytes, into memory. absent is the error if it is not there.
func (t *tarReader) readHeaderMember(want string, limit int64, absent error) ([]byte, error) {
	e, end, err := t.next()
	if err != nil {
		return nil, err
	}
	if end {
		return nil, fmt.Errorf("%w: archive ends before %s", absent, want)
	}
	if e.name != want {
		return nil, fmt.Errorf("%w: found %q where %s must be", absent, e.name, want)
	}
	if e.size > limit {
		return nil, fmt.Errorf("%w: %s of %d bytes, limit %d", ErrMemberTooLarge, want, e.size, limit)
	}
	// Grow the buffer as bytes arrive, so a header that claims a large size
	// in a short stream does not allocate that size.
	var buf bytes.Buffer
	if _, err := io.CopyN(&buf, t.r, e.size); err != nil {
		t.off += int64(buf.Len())
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: archive ends inside %s", ErrTruncated, want)
		}
		return nil, err
	}
	t.off += e.size
	return buf.Bytes(), t.readPadding(e.size, want)
}

// readMembers reads the members after the headers and checks each against
// the next entry of list, then the end-of-archive marker. It also rebuilds
// the Merkle root from the members as read (names, sizes and the digests of
// their bytes), so that the result does not rest on list alone.
func (t *tarReader) readMembers(m *Manifest, list *memberList, member func(string, io.Reader) error) error {
	c, err := list.cursor()
	if err != nil {
		return err
	}
	h := blake3.New()
	var tb merkletree.Frontier
	var leaf []byte
	var prev string
	for i := 0; ; i++ {
		e, end, err := t.next()
		if err != nil {
			return err
		}
		if end {
			if i < m.Len() {
				want, err := c.next()
				if err != nil {
					return err
				}
				return fmt.Errorf("%w: %q (and %d more) absent at the end of the archive", ErrMissingMember, want.name, m.Len()-i-1)
			}
			break
		}
		var want expectation
		if i < m.Len() {
			if want, err = c.next(); err != nil {
				return err
			}
		}
		if i >= m.Len() || e.name != want.name {
			return placeError(list, m.Len(), i, e.name, prev, want.name)
		}
		if e.size != want.size {
			return &MismatchError{Name: e.name, Field: "size", Got: fmt.Sprint(e.size), Want: fmt.Sprint(want.size)}
		}
		h.Reset()
		mr := &memberReader{t: t, h: h, remain: e.size, want: &want.sum, name: e.name}
		if member != nil {
			err := member(e.name, mr)
			mr.detached = true
			if err != nil {
				// A failure of the member's own bytes (truncated, wrong
				// digest) already names the member: say it once.
				if mr.err != nil && mr.err != io.EOF && errors.Is(err, mr.err) {
					return mr.err
				}
				return fmt.Errorf("bundle: member %q: %w", e.name, err)
			}
		}
		if err := mr.drain(); err != nil {
			return err
		}
		if err := t.readPadding(e.size, e.name); err != nil {
			return err
		}
		var lh tlog.Hash
		leaf, lh = leafHash(leaf, e.name, e.size, &mr.got)
		tb.Append(lh)
		prev = e.name
	}
	if got := tb.Root(); got != m.root {
		return fmt.Errorf("%w: members hash to %s, signed merkle_root %s", ErrMalformed, got, m.root)
	}
	return nil
}

// placeError explains why the entry named name is not member i of n, whose
// name is want ("" if i >= n); prev is the member before it.
func placeError(list *memberList, n, i int, name, prev, want string) error {
	if i > 0 && name == prev {
		return fmt.Errorf("%w: %q appears twice", ErrDuplicateMember, name)
	}
	j, found, err := list.find(name, n)
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("%w: %q", ErrUnexpectedMember, name)
	}
	if j < i {
		return fmt.Errorf("%w: %q appears again after %q", ErrDuplicateMember, name, prev)
	}
	return fmt.Errorf("%w: %q (and %d more) absent before %q", ErrMissingMember, want, j-i-1, name)
}

// errDetached is returned by a member reader used after its callback returned.
var errDetached = errors.New("bundle: member reader used after its callback returned")

// memberReader streams one member's bytes, hashing them, and reports a
// digest mismatch in place of io.EOF.
type memberReader struct {
	t        *tarReader
	h        *blake3.Hasher
	remain   int64
	want     *[32]byte
	got      [32]byte // the digest of the bytes read, once all are
	name     string
	err      error // sticky: io.EOF after a good digest, or the failure
	detached bool
}

func (r *memberReader) Read(p []byte) (int, error) {
	if r.detached {
		return 0, errDetached
	}
	if r.err != nil {
		return 0, r.err
	}
	if r.remain == 0 {
		r.err = r.check()
		return 0, r.err
	}
	if int64(len(p)) > r.remain {
		p = p[:r.remain]
	}
	n, err := r.t.r.Read(p)
	r.t.off += int64(n)
	r.remain -= int64(n)
	r.h.Write(p[:n])
	if err != nil && r.remain > 0 {
		if errors.Is(err, io.EOF) {
			err = fmt.Errorf("%w: archive ends inside member %q", ErrTruncated, r.name)
		}
		r.err = err
		return n, err
	}
	return n, nil
}

func (r *memberReader) check() error {
	r.h.Sum(r.got[:0])
	if r.got != *r.want {
		return &MismatchError{Name: r.name, Field: "digest", Got: digestOf(r.got).String(), Want: digestOf(*r.want).String()}
	}
	return io.EOF
}

// drain reads what the callback left and returns nil if the digest matched.
func (r *memberReader) drain() error {
	r.detached = false
	buf := r.t.scratch()
	for r.err == nil {
		r.Read(buf)
	}
	if r.err == io.EOF {
		return nil
	}
	return r.err
}
