package atomicfile

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
)

func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteReplaces(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	if err := Write(p, []byte("one"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(p, []byte("two"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(p)
	if err != nil || string(got) != "two" {
		t.Fatalf("%q %v", got, err)
	}
	if names := entries(t, dir); len(names) != 1 {
		t.Fatalf("left behind: %v", names)
	}
}

func TestModeIgnoresUmask(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no permission bits")
	}
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	dir := t.TempDir()
	for _, mode := range []os.FileMode{0o600, 0o644, 0o640, 0o755, 0o400} {
		p := filepath.Join(dir, mode.String())
		if err := Write(p, []byte("x"), mode); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != mode {
			t.Errorf("mode %v, want %v", fi.Mode().Perm(), mode)
		}
	}
	if err := Write(filepath.Join(dir, "bad"), nil, os.ModeDir|0o700); err == nil {
		t.Fatal("non-permission mode bits accepted")
	}
}

func TestWriteFuncFailureLeavesTarget(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	if err := Write(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := WriteFunc(p, 0o600, func(w io.Writer) error {
		if _, err := w.Write(bytes.Repeat([]byte("n"), 1<<16)); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
	got, _ := os.ReadFile(p)
	if string(got) != "old" {
		t.Fatalf("target changed to %d bytes", len(got))
	}
	if names := entries(t, dir); len(names) != 1 {
		t.Fatalf("temporary file left behind: %v", names)
	}
}

func TestWriteIntoMissingDir(t *testing.T) {
	p := filepath.Join(t.TempDir(), "no", "f")
	if err := Write(p, nil, 0o600); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("got %v", err)
	}
}

func TestCreateRefusesExisting(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "key")
	if err := Create(p, []byte("first"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := Create(p, []byte("second"), 0o600)
	if !errors.Is(err, fs.ErrExist) {
		t.Fatalf("got %v", err)
	}
	got, _ := os.ReadFile(p)
	if string(got) != "first" {
		t.Fatalf("overwritten: %q", got)
	}
	// A dangling symlink counts as existing: Create must not follow it.
	link := filepath.Join(dir, "link")
	if err := os.Symlink(filepath.Join(dir, "elsewhere"), link); err == nil {
		if err := Create(link, []byte("x"), 0o600); !errors.Is(err, fs.ErrExist) {
			t.Fatalf("dangling symlink: %v", err)
		}
		if _, err := os.Stat(filepath.Join(dir, "elsewhere")); !errors.Is(err, fs.ErrNotExist) {
			t.Fatal("created through a symlink")
		}
	}
	if names := entries(t, dir); len(names) > 2 {
		t.Fatalf("left behind: %v", names)
	}
}

func TestRelativePath(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := Write("rel", []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile("rel"); string(got) != "x" {
		t.Fatalf("%q", got)
	}
}

func TestRemoveTemps(t *testing.T) {
	dir := t.TempDir()
	keep := []string{"state", ".state", "x.tmp", ".x.tmp", ".x.tmpa1", "outbox.json"}
	drop := []string{".state.tmp123", ".a.b.tmp9", ".key.tmp42"}
	for _, n := range append(keep, drop...) {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// A failed write leaves nothing for RemoveTemps; a crash would leave
	// exactly the name CreateTemp made, which IsTemp must recognise.
	f, err := os.CreateTemp(dir, ".state.tmp*")
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if !IsTemp(filepath.Base(f.Name())) {
		t.Fatalf("%s not recognised", f.Name())
	}
	removed, err := RemoveTemps(dir)
	if err != nil || len(removed) != len(drop)+1 {
		t.Fatalf("removed %v, %v", removed, err)
	}
	names := entries(t, dir)
	if len(names) != len(keep) {
		t.Fatalf("left %v", names)
	}
}
