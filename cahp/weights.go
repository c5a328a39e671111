package cahp

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/zeebo/blake3"
)

// Weight commitment parameters.
const (
	// DefaultChunkSize is the chunk size of [CommitWeights] unless
	// [WithChunkSize] says otherwise: 64 KiB.
	DefaultChunkSize = 64 << 10
	// MinChunkSize and MaxChunkSize bound the chunk size (a power of two).
	MinChunkSize = 1 << 10
	MaxChunkSize = 1 << 20
	// MaxSpotChecks is the most chunks one challenge may ask to open.
	MaxSpotChecks = 64
	// DefaultSpotChecks is how many chunks a [Policy] asks for by default.
	DefaultSpotChecks = 8
	// maxLeaves bounds a tree's leaf count (2^40 chunks).
	maxLeaves = 1 << 40
	// maxStoredBlocks bounds the subtree hashes a [Weights] keeps: 2 MiB.
	maxStoredBlocks = 1 << 16
	// readBatch is the most bytes a commit worker reads at once.
	readBatch = 1 << 20
	// maxFiles bounds the files of one commitment.
	maxFiles = 1 << 20
)

// listingMagic starts leaf 0, the file listing.
const listingMagic = "accord-cahp-weights-v1"

// A Weights is a commitment to a directory of weight files: the root of a
// BLAKE3 Merkle tree over the file listing and the files' fixed-size chunks
// (see the package documentation, "Weight commitment"). It keeps one hash
// per block of 2^level leaves (at most 2 MiB) and re-reads the files to open
// chunks. It is safe for concurrent use.
type Weights struct {
	dir       string
	files     []weightFile
	listing   []byte
	chunkSize int64
	leaves    int64
	level     uint
	blocks    [][32]byte
	root      [32]byte
}

type weightFile struct {
	path       string // slash-separated, relative to dir
	size       int64
	firstChunk int64 // index of the file's first chunk
	chunks     int64
}

// A WeightOption configures [CommitWeights].
type WeightOption func(*weightConfig) error

type weightConfig struct {
	chunkSize int64
	workers   int
}

// WithChunkSize sets the chunk size: a power of two from [MinChunkSize] to
// [MaxChunkSize] (default [DefaultChunkSize]).
func WithChunkSize(n int64) WeightOption {
	return func(c *weightConfig) error {
		if !validChunkSize(n) {
			return fmt.Errorf("chunk size %d, want a power of two from %d to %d", n, MinChunkSize, MaxChunkSize)
		}
		c.chunkSize = n
		return nil
	}
}

// WithWorkers sets how many files regions are read and hashed at once
// (default GOMAXPROCS).
func WithWorkers(n int) WeightOption {
	return func(c *weightConfig) error {
		if n < 1 {
			return fmt.Errorf("%d workers, want at least 1", n)
		}
		c.workers = n
		return nil
	}
}

func validChunkSize(n int64) bool {
	return n >= MinChunkSize && n <= MaxChunkSize && n&(n-1) == 0
}

// CommitWeights commits to every regular file under dir. Files are taken in
// the byte order of their slash-separated relative paths; symbolic links,
// devices and other non-regular files are an error, and so is a file whose
// size changes while it is read. Memory stays bounded whatever the size:
// each worker holds one read buffer of at most 1 MiB, and the commitment
// keeps at most 2 MiB of subtree hashes.
func CommitWeights(ctx context.Context, dir string, opts ...WeightOption) (*Weights, error) {
	c := weightConfig{chunkSize: DefaultChunkSize, workers: runtime.GOMAXPROCS(0)}
	for _, o := range opts {
		if err := o(&c); err != nil {
			return nil, fmt.Errorf("cahp: commit weights: %w", err)
		}
	}
	w := &Weights{dir: dir, chunkSize: c.chunkSize}
	if err := w.list(); err != nil {
		return nil, fmt.Errorf("cahp: commit weights: %w", err)
	}
	if err := w.hashBlocks(ctx, c.workers); err != nil {
		return nil, fmt.Errorf("cahp: commit weights: %w", err)
	}
	w.root = mthBlocks(w.blocks)
	return w, nil
}

// list walks the directory and builds the listing (leaf 0).
func (w *Weights) list() error {
	err := filepath.WalkDir(w.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s: not a regular file (%v)", p, d.Type())
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(w.dir, p)
		if err != nil {
			return err
		}
		if len(w.files) == maxFiles {
			return fmt.Errorf("more than %d files", maxFiles)
		}
		w.files = append(w.files, weightFile{path: filepath.ToSlash(rel), size: info.Size()})
		return nil
	})
	if err != nil {
		return err
	}
	sort.Slice(w.files, func(i, j int) bool { return w.files[i].path < w.files[j].path })
	l := append([]byte(listingMagic), make([]byte, 16)...)
	binary.BigEndian.PutUint64(l[len(listingMagic):], uint64(w.chunkSize))
	binary.BigEndian.PutUint64(l[len(listingMagic)+8:], uint64(len(w.files)))
	var chunks int64
	for i := range w.files {
		f := &w.files[i]
		f.firstChunk = chunks
		f.chunks = (f.size + w.chunkSize - 1) / w.chunkSize
		chunks += f.chunks
		l = binary.BigEndian.AppendUint32(l, uint32(len(f.path)))
		l = append(l, f.path...)
		l = binary.BigEndian.AppendUint64(l, uint64(f.size))
	}
	if chunks+1 > maxLeaves {
		return fmt.Errorf("%d chunks, want at most %d", chunks, int64(maxLeaves-1))
	}
	w.listing = l
	w.leaves = chunks + 1
	for (w.leaves+(1<<w.level)-1)>>w.level > maxStoredBlocks {
		w.level++
	}
	return nil
}

// Root returns the commitment's root, "blake3:<64 hex>".
func (w *Weights) Root() string { return formatDigest("blake3", w.root[:]) }

// LeafCount returns the number of leaves: 1 (the listing) + the chunks.
func (w *Weights) LeafCount() int64 { return w.leaves }

// ChunkSize returns the chunk size in bytes.
func (w *Weights) ChunkSize() int64 { return w.chunkSize }

// leafHash is BLAKE3(0x00 || data).
func leafHash(h *blake3.Hasher, data []byte) (out [32]byte) {
	h.Reset()
	h.Write([]byte{0})
	h.Write(data)
	h.Sum(out[:0])
	return out
}

// nodeHash is BLAKE3(0x01 || left || right).
func nodeHash(l, r *[32]byte) [32]byte {
	var buf [65]byte
	buf[0] = 1
	copy(buf[1:], l[:])
	copy(buf[33:], r[:])
	return blake3.Sum256(buf[:])
}

// largestPow2Below returns the largest power of two smaller than n (n > 1).
func largestPow2Below(n int64) int64 {
	k := int64(1)
	for k<<1 < n {
		k <<= 1
	}
	return k
}

// mthBlocks is the Merkle tree hash over subtree hashes that follow the
// RFC 6962 split (every block but the last is a complete subtree of the same
// size): the same as the tree over the leaves.
func mthBlocks(h [][32]byte) [32]byte {
	if len(h) == 1 {
		return h[0]
	}
	k := largestPow2Below(int64(len(h)))
	l, r := mthBlocks(h[:k]), mthBlocks(h[k:])
	return nodeHash(&l, &r)
}

// frontier folds a stream of leaf hashes into their tree hash with memory
// logarithmic in their number.
type frontier struct {
	stack []frontierNode
}

type frontierNode struct {
	h    [32]byte
	size int64
}

func (f *frontier) push(h [32]byte) {
	n := frontierNode{h: h, size: 1}
	for len(f.stack) > 0 && f.stack[len(f.stack)-1].size == n.size {
		top := f.stack[len(f.stack)-1]
		f.stack = f.stack[:len(f.stack)-1]
		n = frontierNode{h: nodeHash(&top.h, &n.h), size: 2 * n.size}
	}
	f.stack = append(f.stack, n)
}

// root folds the stack from the right, which gives the RFC 6962 tree hash.
func (f *frontier) root() [32]byte {
	r := f.stack[len(f.stack)-1].h
	for i := len(f.stack) - 2; i >= 0; i-- {
		r = nodeHash(&f.stack[i].h, &r)
	}
	return r
}

// leafSource reads and hashes leaves; each worker has its own.
type leafSource struct {
	w    *Weights
	h    *blake3.Hasher
	buf  []byte
	file *os.File
	fidx int
}

func (w *Weights) newLeafSource() *leafSource {
	return &leafSource{w: w, h: blake3.New(), fidx: -1}
}

func (s *leafSource) close() {
	if s.file != nil {
		s.file.Close()
		s.file = nil
	}
}

// open returns the file with index i, checking that its size is the
// committed one.
func (s *leafSource) open(i int) (*os.File, error) {
	if s.fidx == i {
		return s.file, nil
	}
	s.close()
	f, err := os.OpenInRoot(s.w.dir, filepath.FromSlash(s.w.files[i].path))
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() || st.Size() != s.w.files[i].size {
		f.Close()
		return nil, fmt.Errorf("%s changed: size %d, committed %d", s.w.files[i].path, st.Size(), s.w.files[i].size)
	}
	s.file, s.fidx = f, i
	return f, nil
}

// fileOf returns the index of the file holding chunk c.
func (w *Weights) fileOf(c int64) int {
	return sort.Search(len(w.files), func(i int) bool { return w.files[i].firstChunk+w.files[i].chunks > c })
}

// each hashes leaves lo to hi-1 in order and passes each leaf's hash and
// data (valid only during the call) to fn.
func (s *leafSource) each(lo, hi int64, fn func(i int64, h [32]byte, data []byte)) error {
	i := lo
	if i == 0 && hi > 0 {
		fn(0, leafHash(s.h, s.w.listing), s.w.listing)
		i = 1
	}
	cs := s.w.chunkSize
	if s.buf == nil {
		s.buf = make([]byte, max(cs, readBatch))
	}
	for i < hi {
		c := i - 1
		fi := s.w.fileOf(c)
		wf := &s.w.files[fi]
		f, err := s.open(fi)
		if err != nil {
			return err
		}
		// Read as many whole chunks of this file as fit in the buffer.
		n := min(hi-i, wf.firstChunk+wf.chunks-c, int64(len(s.buf))/cs)
		off := (c - wf.firstChunk) * cs
		length := min(n*cs, wf.size-off)
		if _, err := f.ReadAt(s.buf[:length], off); err != nil {
			if errors.Is(err, io.EOF) {
				return fmt.Errorf("%s changed: shorter than committed", wf.path)
			}
			return err
		}
		for j := int64(0); j < n; j++ {
			data := s.buf[j*cs : min((j+1)*cs, length)]
			fn(i+j, leafHash(s.h, data), data)
		}
		i += n
	}
	return nil
}

// hashBlocks computes the block hashes on workers goroutines.
func (w *Weights) hashBlocks(ctx context.Context, workers int) error {
	bsize := int64(1) << w.level
	nb := (w.leaves + bsize - 1) / bsize
	w.blocks = make([][32]byte, nb)
	// A unit of work is a run of blocks covering about readBatch bytes.
	per := max(1, readBatch/w.chunkSize/bsize)
	units := (nb + per - 1) / per
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, workers)
	var failed atomic.Bool
	for k := range min(int64(workers), units) {
		wg.Go(func() {
			s := w.newLeafSource()
			defer s.close()
			for !failed.Load() {
				if ctx.Err() != nil {
					errs[k] = ctx.Err()
					failed.Store(true)
					return
				}
				u := next.Add(1) - 1
				if u >= units {
					return
				}
				for b := u * per; b < min(nb, (u+1)*per); b++ {
					var f frontier
					lo, hi := b*bsize, min(w.leaves, (b+1)*bsize)
					if err := s.each(lo, hi, func(_ int64, h [32]byte, _ []byte) { f.push(h) }); err != nil {
						errs[k] = err
						failed.Store(true)
						return
					}
					w.blocks[b] = f.root()
				}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// subtree returns the tree hash of leaves lo to hi-1, from the stored
// blocks when the range is made of whole blocks and by re-reading otherwise.
func (w *Weights) subtree(s *leafSource, lo, hi int64) ([32]byte, error) {
	bsize := int64(1) << w.level
	if lo%bsize == 0 && (hi%bsize == 0 || hi == w.leaves) {
		return mthBlocks(w.blocks[lo/bsize : (hi+bsize-1)/bsize]), nil
	}
	var f frontier
	err := s.each(lo, hi, func(_ int64, h [32]byte, _ []byte) { f.push(h) })
	return f.root(), err
}

// auditPath returns the RFC 6962 inclusion proof of leaf m in leaves lo to
// hi-1, leaf to root.
func (w *Weights) auditPath(s *leafSource, m, lo, hi int64) ([][32]byte, error) {
	if hi-lo == 1 {
		return nil, nil
	}
	k := largestPow2Below(hi - lo)
	var path [][32]byte
	var sib [32]byte
	var err error
	if m-lo < k {
		if path, err = w.auditPath(s, m, lo, lo+k); err == nil {
			sib, err = w.subtree(s, lo+k, hi)
		}
	} else {
		if path, err = w.auditPath(s, m, lo+k, hi); err == nil {
			sib, err = w.subtree(s, lo, lo+k)
		}
	}
	return append(path, sib), err
}

// Open opens the chunks with the given indices: each chunk's bytes and its
// inclusion proof against the root. A file that changed since the commitment
// is an error, never a wrong opening.
func (w *Weights) Open(indices []int64) ([]Opening, error) {
	s := w.newLeafSource()
	defer s.close()
	out := make([]Opening, 0, len(indices))
	for _, c := range indices {
		if c < 0 || c >= w.leaves-1 {
			return nil, fmt.Errorf("%w: chunk %d of %d", ErrSpotCheck, c, w.leaves-1)
		}
		var data []byte
		var lh [32]byte
		if err := s.each(c+1, c+2, func(_ int64, h [32]byte, d []byte) { lh, data = h, slices.Clone(d) }); err != nil {
			return nil, fmt.Errorf("cahp: open chunk %d: %w", c, err)
		}
		path, err := w.auditPath(s, c+1, 0, w.leaves)
		if err != nil {
			return nil, fmt.Errorf("cahp: open chunk %d: %w", c, err)
		}
		if err := verifyInclusion(w.root, w.leaves, c+1, lh, path); err != nil {
			return nil, fmt.Errorf("cahp: open chunk %d: weights changed since the commitment: %w", c, err)
		}
		o := Opening{Index: c, Chunk: b64.EncodeToString(data), Proof: make([]string, len(path))}
		for i, h := range path {
			o.Proof[i] = b64.EncodeToString(h[:])
		}
		out = append(out, o)
	}
	return out, nil
}

// verifyInclusion checks an RFC 6962 inclusion proof of the leaf with hash
// leaf at index in a tree of size leaves (RFC 9162, 2.1.3.2).
func verifyInclusion(root [32]byte, size, index int64, leaf [32]byte, path [][32]byte) error {
	if index < 0 || index >= size {
		return fmt.Errorf("%w: leaf %d of %d", ErrSpotCheck, index, size)
	}
	fn, sn := index, size-1
	r := leaf
	for i := range path {
		if sn == 0 {
			return fmt.Errorf("%w: proof of leaf %d has %d hashes, too many", ErrSpotCheck, index, len(path))
		}
		if fn&1 == 1 || fn == sn {
			r = nodeHash(&path[i], &r)
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			r = nodeHash(&r, &path[i])
		}
		fn >>= 1
		sn >>= 1
	}
	if sn != 0 {
		return fmt.Errorf("%w: proof of leaf %d has %d hashes, too few", ErrSpotCheck, index, len(path))
	}
	if subtle.ConstantTimeCompare(r[:], root[:]) != 1 {
		return fmt.Errorf("%w: leaf %d does not lead to the committed root", ErrSpotCheck, index)
	}
	return nil
}

// VerifyOpening checks one opened chunk against a commitment: root
// ("blake3:<64 hex>"), leaf count and chunk size as a [Proof] states them.
func VerifyOpening(root string, leafCount, chunkSize int64, o Opening) error {
	r, err := parseDigest(root, "blake3", "merkle_root")
	if err != nil {
		return err
	}
	if o.Index < 0 || o.Index >= leafCount-1 {
		return fmt.Errorf("%w: chunk %d of %d", ErrSpotCheck, o.Index, leafCount-1)
	}
	data, err := decodeVar(o.Chunk, int(chunkSize), "chunk")
	if err != nil {
		return fmt.Errorf("%w: %w", ErrSpotCheck, err)
	}
	path := make([][32]byte, len(o.Proof))
	for i, p := range o.Proof {
		b, err := decodeBin(p, 32, "proof hash")
		if err != nil {
			return fmt.Errorf("%w: %w", ErrSpotCheck, err)
		}
		path[i] = [32]byte(b)
	}
	return verifyInclusion(r, leafCount, o.Index+1, leafHash(blake3.New(), data), path)
}

// SpotChecks picks k distinct chunk indices among a commitment's
// leafCount-1 chunks (all of them when there are at most k), ascending: the
// last chunk, and k-1 others uniformly at random. The last chunk is always
// asked because leaf_count is the prover's claim: a prover that understates
// it can stand a subtree it does not hold in for its claimed last leaf, and
// only an opening of that leaf exposes it.
func SpotChecks(leafCount int64, k int) []int64 { return spotChecks(rand.Reader, leafCount, k) }

func spotChecks(r io.Reader, leafCount int64, k int) []int64 {
	n := leafCount - 1
	out := []int64{}
	if n <= int64(k) {
		for i := range n {
			out = append(out, i)
		}
		return out
	}
	if k == 0 {
		return out
	}
	out = append(out, n-1)
	seen := map[int64]bool{n - 1: true}
	// Rejection sampling of 64-bit words keeps the choice uniform among
	// the other n-1 chunks.
	m := uint64(n - 1)
	limit := (1<<63 - 1) / m * m
	var w [8]byte
	for len(out) < k {
		if _, err := io.ReadFull(r, w[:]); err != nil {
			panic("cahp: random source failed: " + err.Error())
		}
		x := binary.BigEndian.Uint64(w[:]) >> 1
		if x >= limit {
			continue
		}
		if i := int64(x % m); !seen[i] {
			seen[i] = true
			out = append(out, i)
		}
	}
	slices.Sort(out)
	return out
}

// nonceCommitmentContext starts the input of [NonceCommitment].
const nonceCommitmentContext = "accord-cahp-v1 session-nonce-commitment"

// NonceCommitment returns session_nonce_commitment, "blake3:<64 hex>":
// BLAKE3 of the context string "accord-cahp-v1 session-nonce-commitment",
// a zero byte, the 32-byte root, the challenger's 32-byte nonce and the
// 16-byte session id.
func NonceCommitment(root [32]byte, challengeNonce, sessionID []byte) string {
	h := blake3.New()
	h.WriteString(nonceCommitmentContext)
	h.Write([]byte{0})
	h.Write(root[:])
	h.Write(challengeNonce)
	h.Write(sessionID)
	return formatDigest("blake3", h.Sum(nil))
}
