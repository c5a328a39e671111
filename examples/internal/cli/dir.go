package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// RoleFile is the file in a program's data directory that says which
// program (role) the directory belongs to, so that a directory given to the
// wrong program is refused by name instead of silently gaining a second
// identity.
const RoleFile = "accord-role"

// RoleError reports a data directory that belongs to another role.
type RoleError struct {
	Dir  string
	Want string // the role the program needs
	Got  string // the role the directory holds
}

func (e *RoleError) Error() string {
	return fmt.Sprintf("%s is a %s directory, not a %s directory", e.Dir, e.Got, e.Want)
}

// NoIdentityError reports a data directory with no identity, when -init
// was not given.
type NoIdentityError struct {
	Dir  string
	Role string
}

func (e *NoIdentityError) Error() string {
	return fmt.Sprintf("no %s identity in %s: give -init to create one", e.Role, e.Dir)
}

// ReadRole returns the role recorded in dir ("" if dir has none or does not
// exist).
func ReadRole(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, RoleFile))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// CheckDir checks, writing nothing, that dir can serve as the data
// directory of role. It returns fresh=true when the identity is still to be
// created (dir has no role and init is set): the caller checks everything
// else (flags, ports, files) and only then creates the identity and calls
// [MarkDir]. A directory of another role is a [*RoleError]; a directory with
// no role without init is a [*NoIdentityError].
//
// A directory written before roles were recorded can be recognised by the
// caller (by the files it holds) and marked with MarkDir.
func CheckDir(dir, role string, init bool) (fresh bool, err error) {
	got, err := ReadRole(dir)
	if err != nil {
		return false, err
	}
	switch {
	case got == role:
		return false, nil
	case got != "":
		return false, &RoleError{Dir: dir, Want: role, Got: got}
	case !init:
		return false, &NoIdentityError{Dir: dir, Role: role}
	}
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return false, fmt.Errorf("%s is a file, not a directory", dir)
	}
	return true, nil
}

// MarkDir creates dir (mode 0700) if needed and records role in it.
func MarkDir(dir, role string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, RoleFile), []byte(role+"\n"), 0o600)
}
