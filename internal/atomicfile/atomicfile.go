// Package atomicfile replaces or creates a file so that, after a crash at
// any moment, the path holds either its old content or the complete new
// content, never a mix or a prefix.
//
// Every write follows the same steps: the data goes to a new temporary file
// in the target's directory (named "." + base name + ".tmp" + random
// digits, created 0600 so that no other user can read a secret while it is
// written), the file's permission bits are set to exactly the mode the
// caller gave (with fchmod, so the process umask does not change them), the
// file is synced, renamed over the target (or, for [Create], linked to it so
// that an existing file is never replaced), and the directory is synced so
// that the new name itself is durable. On any failure the temporary file is
// removed and the target is left as it was.
//
// Readers never see a partial file. Two concurrent writers of one path
// leave one of the two contents; callers that need more must lock.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Write atomically replaces (or creates) the file at path with data, with
// permission bits exactly mode.
func Write(path string, data []byte, mode os.FileMode) error {
	return write(path, mode, false, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteFunc is [Write] for content produced by fill, which writes it to w.
// If fill returns an error, the target is left unchanged and that error is
// returned (wrapped).
func WriteFunc(path string, mode os.FileMode, fill func(w io.Writer) error) error {
	return write(path, mode, false, fill)
}

// Create is [Write] for a file that must not exist yet: if path exists,
// nothing is written and the error matches [fs.ErrExist]. The check and the
// creation are one step (a hard link of the finished temporary file), so two
// creators of one path cannot both succeed.
func Create(path string, data []byte, mode os.FileMode) error {
	return write(path, mode, true, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

func write(path string, mode os.FileMode, exclusive bool, fill func(io.Writer) error) (err error) {
	if mode&^fs.ModePerm != 0 {
		return fmt.Errorf("atomicfile: %s: mode %v has bits other than permissions", path, mode)
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if exclusive {
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("atomicfile: %w", &fs.PathError{Op: "create", Path: path, Err: fs.ErrExist})
		}
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return fmt.Errorf("atomicfile: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err = f.Chmod(mode); err != nil {
		return fmt.Errorf("atomicfile: %w", err)
	}
	if err = fill(f); err != nil {
		return fmt.Errorf("atomicfile: writing %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("atomicfile: %w", err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("atomicfile: %w", err)
	}
	if exclusive {
		if err = os.Link(tmp, path); err != nil {
			return fmt.Errorf("atomicfile: %w", err)
		}
		// The target exists now; a failure to remove the temporary name
		// only leaves a second link behind.
		if rerr := os.Remove(tmp); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
			return fmt.Errorf("atomicfile: %w", rerr)
		}
	} else if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("atomicfile: %w", err)
	}
	return SyncDir(dir)
}

// SyncDir syncs the directory dir, making entries created, renamed or
// removed in it durable.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("atomicfile: %w", err)
	}
	defer d.Close()
	if err := syncDir(d); err != nil {
		return fmt.Errorf("atomicfile: syncing directory %s: %w", dir, err)
	}
	return nil
}

// IsTemp reports whether name (a base name) is one of the temporary names
// Write, WriteFunc and Create use: "." + target name + ".tmp" + digits.
func IsTemp(name string) bool {
	if len(name) < 2 || name[0] != '.' {
		return false
	}
	i := strings.LastIndex(name, ".tmp")
	if i < 1 || i+len(".tmp") == len(name) {
		return false
	}
	for _, c := range name[i+len(".tmp"):] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// RemoveTemps removes from dir the temporary files that writes interrupted
// by a crash left behind (names for which [IsTemp] is true) and returns the
// paths removed. Call it when a directory is opened, before writing to it.
func RemoveTemps(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("atomicfile: %w", err)
	}
	var removed []string
	for _, e := range entries {
		if !e.Type().IsRegular() || !IsTemp(e.Name()) {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, fmt.Errorf("atomicfile: %w", err)
		}
		removed = append(removed, p)
	}
	return removed, nil
}
