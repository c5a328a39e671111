package integrity

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	goruntime "runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// Build hashes every regular file under dir. Symlinks and special
// files are rejected with an [*UnsupportedFileError] and never followed.
// Every directory is opened as an [os.Root] beneath its parent and every
// file by its single name within it, so nothing outside dir is read even if
// the tree changes during the walk. File names holding `\` are rejected,
// as they would alias another path after normalisation. Files are hashed by
// one worker per CPU while the walk goes on.
func Build(ctx context.Context, dir string) (*Manifest, error) {
	top, err := os.OpenRoot(dir)
	if err != nil {
		return nil, errorf("manifest: %w", err)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	jobs := make(chan fileJob, 256)
	var (
		mu      sync.Mutex
		entries []Entry
		wg      sync.WaitGroup
	)
	for range goruntime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 64<<10)
			h := sha256.New()
			var local []Entry
			for j := range jobs {
				if ctx.Err() == nil {
					sum, err := hashFile(j.dir.root, j.name, j.path, h, buf)
					if err != nil {
						cancel(err)
					} else {
						local = append(local, Entry{Path: j.path, SHA256: sum})
					}
				}
				j.dir.release()
			}
			mu.Lock()
			entries = append(entries, local...)
			mu.Unlock()
		}()
	}
	td := &dirHandle{root: top}
	td.refs.Store(1)
	walkErr := walkInstall(ctx, td, "", jobs)
	close(jobs)
	wg.Wait()
	if walkErr == nil {
		walkErr = context.Cause(ctx)
	}
	if walkErr != nil {
		return nil, errorf("manifest of %s: %w", dir, walkErr)
	}
	if len(entries) == 0 {
		return nil, errorf("manifest of %s: %w", dir, ErrEmptyManifest)
	}
	slices.SortFunc(entries, func(a, b Entry) int { return strings.Compare(a.Path, b.Path) })
	return &Manifest{Entries: entries}, nil
}

// dirHandle is an open directory shared by the walk and the workers
// hashing its files; the last one to release it closes it.
type dirHandle struct {
	root *os.Root
	refs atomic.Int64
}

func (d *dirHandle) release() {
	if d.refs.Add(-1) == 0 {
		_ = d.root.Close()
	}
}

type fileJob struct {
	dir  *dirHandle
	name string // the file's name within dir
	path string // the file's normalised path within the install
}

// walkInstall lists d (whose path in the install is prefix), queues its
// regular files and descends into its directories. It releases d.
func walkInstall(ctx context.Context, d *dirHandle, prefix string, jobs chan<- fileJob) error {
	defer d.release()
	f, err := d.root.Open(".")
	if err != nil {
		return err
	}
	des, err := f.ReadDir(-1)
	_ = f.Close()
	if err != nil {
		return err
	}
	for _, de := range des {
		if err := ctx.Err(); err != nil {
			return nil // the cause is reported by the caller
		}
		name := de.Name()
		p := prefix + name
		if strings.ContainsRune(name, '\\') {
			return fmt.Errorf("%w: file name %q holds a backslash", ErrBadPath, p)
		}
		if n, err := NormalizePath(p); err != nil {
			return err
		} else if n != p {
			return fmt.Errorf("%w: file name %q is not a normal path", ErrBadPath, p)
		}
		t := de.Type()
		switch {
		case t.IsDir():
			sub, err := d.root.OpenRoot(name)
			if err != nil {
				return err
			}
			sd := &dirHandle{root: sub}
			sd.refs.Store(1)
			if err := walkInstall(ctx, sd, p+"/", jobs); err != nil {
				return err
			}
		case t.IsRegular():
			d.refs.Add(1)
			select {
			case jobs <- fileJob{dir: d, name: name, path: p}:
			case <-ctx.Done():
				d.release()
				return nil
			}
		default:
			return &UnsupportedFileError{Path: p, Mode: t}
		}
	}
	return nil
}

func hashFile(root *os.Root, name, p string, h hash.Hash, buf []byte) ([32]byte, error) {
	f, err := root.Open(name)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			pe.Path = p
		}
		return [32]byte{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return [32]byte{}, err
	}
	if !fi.Mode().IsRegular() {
		return [32]byte{}, &UnsupportedFileError{Path: p, Mode: fi.Mode().Type()}
	}
	// A plain read loop: io.CopyBuffer would defer to (*os.File).WriteTo,
	// which allocates a fresh buffer for every file.
	h.Reset()
	for {
		n, err := f.Read(buf)
		h.Write(buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			return [32]byte{}, fmt.Errorf("%s: %w", p, err)
		}
	}
	var sum [32]byte
	h.Sum(sum[:0])
	return sum, nil
}
