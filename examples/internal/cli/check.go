package cli

import (
	"flag"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Up-front checks for a [Command.Check]. Each returns a usage error naming
// the flag as the user gave it ("invalid -count "-1": must be 0 or more"),
// or nil.

func (fs *FlagSet) must(name string) *Flag {
	f := fs.byName[name]
	if f == nil {
		panic("cli: check of undeclared flag -" + name)
	}
	return f
}

// sign returns -1, 0 or 1 for a numeric flag's value.
func sign(f *Flag) int {
	switch v := f.value.(flag.Getter).Get().(type) {
	case int:
		return cmpZero(int64(v))
	case int64:
		return cmpZero(v)
	case time.Duration:
		return cmpZero(int64(v))
	case uint64:
		if v == 0 {
			return 0
		}
		return 1
	case float64:
		switch {
		case v < 0:
			return -1
		case v > 0:
			return 1
		}
		return 0
	}
	panic("cli: -" + f.Name + " is not numeric")
}

func cmpZero(v int64) int {
	switch {
	case v < 0:
		return -1
	case v > 0:
		return 1
	}
	return 0
}

// NonNegative checks that each numeric flag named is 0 or more.
func (fs *FlagSet) NonNegative(names ...string) error {
	for _, n := range names {
		if sign(fs.must(n)) < 0 {
			return fs.Invalid(n, "must be 0 or more")
		}
	}
	return nil
}

// Positive checks that each numeric flag named is more than 0.
func (fs *FlagSet) Positive(names ...string) error {
	for _, n := range names {
		if sign(fs.must(n)) <= 0 {
			return fs.Invalid(n, "must be more than 0")
		}
	}
	return nil
}

// HostPort checks that a string flag is a listen or dial address,
// host:port with a port number from 0 to 65535 (an empty host means every
// interface).
func (fs *FlagSet) HostPort(name string) error {
	v := fs.must(name).value.String()
	_, port, err := net.SplitHostPort(v)
	if err != nil {
		return fs.Invalid(name, "want host:port")
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || (n == 0 && port != "0") {
		return fs.Invalid(name, "port must be a number from 0 to 65535")
	}
	return nil
}

// URL checks that a string flag, if set, is an absolute URL with one of the
// schemes given (any scheme if none is).
func (fs *FlagSet) URL(name string, schemes ...string) error {
	v := fs.must(name).value.String()
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return fs.Invalid(name, "want an absolute URL such as http://127.0.0.1:8443/path")
	}
	if len(schemes) == 0 {
		return nil
	}
	for _, s := range schemes {
		if strings.EqualFold(u.Scheme, s) {
			return nil
		}
	}
	return fs.Invalid(name, "scheme must be "+strings.Join(schemes, " or "))
}

// File checks that a string flag, if set, names a readable regular file.
func (fs *FlagSet) File(name string) error {
	v := fs.must(name).value.String()
	if v == "" {
		return nil
	}
	st, err := os.Stat(v)
	switch {
	case err != nil && os.IsNotExist(err):
		return fs.Invalid(name, "no such file")
	case err != nil:
		return fs.Invalid(name, err.Error())
	case st.IsDir():
		return fs.Invalid(name, "is a directory, not a file")
	}
	return nil
}
