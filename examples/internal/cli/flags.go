package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
)

// A FlagSet holds the flags of a command and of its parents. Declare flags
// with its methods (not with the flag package's globals); each returns the
// [Flag] so that an environment fallback or a requirement can be chained:
//
//	f.String(&home, "home", "", "the registry's heartbeat `URL`").Env("CHP_HOME_URI").Required()
type FlagSet struct {
	flags   []*Flag
	byName  map[string]*Flag
	owner   *Command
	scratch *flag.FlagSet // makes the flag package's Value types for us
	pairs   [][2]string   // Together
	excl    [][2]string   // Exclusive
}

// A Flag is one declared flag.
type Flag struct {
	Name     string
	Usage    string
	EnvVar   string // fallback environment variable, "" if none
	Default  string // the default, as -h shows it
	required bool
	set      bool   // given on the command line or through EnvVar
	from     string // "flag" or "env"
	value    flag.Value
	owner    *Command
}

// Env names the environment variable read when the flag is not given on
// the command line. -h shows it.
func (f *Flag) Env(name string) *Flag { f.EnvVar = name; return f }

// Required makes a missing flag (and missing fallback) a usage error.
func (f *Flag) Required() *Flag { f.required = true; return f }

// IsSet reports whether the flag was given, on the command line or through
// its environment variable.
func (f *Flag) IsSet() bool { return f.set }

// Source is "flag", "env" or "" (the default is in use).
func (f *Flag) Source() string { return f.from }

var errHelp = errors.New("help requested")

func newFlagSet() *FlagSet {
	fs := &FlagSet{byName: map[string]*Flag{}, scratch: flag.NewFlagSet("", flag.ContinueOnError)}
	fs.scratch.SetOutput(io.Discard)
	return fs
}

func (fs *FlagSet) add(name, usage string) *Flag {
	if _, dup := fs.byName[name]; dup {
		panic("cli: flag -" + name + " declared twice")
	}
	fl := fs.scratch.Lookup(name)
	f := &Flag{Name: name, Usage: usage, Default: fl.DefValue, value: fl.Value, owner: fs.owner}
	fs.flags = append(fs.flags, f)
	fs.byName[name] = f
	return f
}

// String declares a string flag. A name in back quotes in usage is shown
// as the flag's argument in -h (as with the flag package).
func (fs *FlagSet) String(p *string, name, def, usage string) *Flag {
	fs.scratch.StringVar(p, name, def, usage)
	return fs.add(name, usage)
}

// Int declares an int flag.
func (fs *FlagSet) Int(p *int, name string, def int, usage string) *Flag {
	fs.scratch.IntVar(p, name, def, usage)
	return fs.add(name, usage)
}

// Int64 declares an int64 flag.
func (fs *FlagSet) Int64(p *int64, name string, def int64, usage string) *Flag {
	fs.scratch.Int64Var(p, name, def, usage)
	return fs.add(name, usage)
}

// Uint64 declares a uint64 flag.
func (fs *FlagSet) Uint64(p *uint64, name string, def uint64, usage string) *Flag {
	fs.scratch.Uint64Var(p, name, def, usage)
	return fs.add(name, usage)
}

// Bool declares a bool flag.
func (fs *FlagSet) Bool(p *bool, name string, def bool, usage string) *Flag {
	fs.scratch.BoolVar(p, name, def, usage)
	return fs.add(name, usage)
}

// Duration declares a time.Duration flag ("10s", "1h30m").
func (fs *FlagSet) Duration(p *time.Duration, name string, def time.Duration, usage string) *Flag {
	fs.scratch.DurationVar(p, name, def, usage)
	return fs.add(name, usage)
}

// Var declares a flag with a custom [flag.Value].
func (fs *FlagSet) Var(v flag.Value, name, usage string) *Flag {
	fs.scratch.Var(v, name, usage)
	return fs.add(name, usage)
}

// Init declares the -init flag of a program that owns an identity: without
// it, a missing identity is an error naming -init (see [CheckDir]).
func (fs *FlagSet) Init(p *bool) *Flag {
	return fs.Bool(p, "init", false, "create the identity if the directory has none, then carry on as usual")
}

// Together declares that flags a and b are given both or neither
// (-tls-cert and -tls-key).
func (fs *FlagSet) Together(a, b string) { fs.pairs = append(fs.pairs, [2]string{a, b}) }

// Exclusive declares that flags a and b cannot both be given.
func (fs *FlagSet) Exclusive(a, b string) { fs.excl = append(fs.excl, [2]string{a, b}) }

// Lookup returns the flag called name, or nil.
func (fs *FlagSet) Lookup(name string) *Flag { return fs.byName[name] }

// parse reads flags from args up to the first argument that is not one and
// returns the rest.
func (fs *FlagSet) parse(args []string) ([]string, error) {
	set := flag.NewFlagSet("", flag.ContinueOnError)
	set.SetOutput(io.Discard)
	set.Usage = func() {}
	for _, f := range fs.flags {
		set.Var(f.value, f.Name, f.Usage)
	}
	err := set.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return nil, errHelp
	}
	if err != nil {
		return nil, err
	}
	set.Visit(func(fl *flag.Flag) {
		f := fs.byName[fl.Name]
		f.set, f.from = true, "flag"
	})
	return set.Args(), nil
}

// parseInterspersed reads flags anywhere among the arguments of a command
// with no subcommands ("--" ends the flags).
func (fs *FlagSet) parseInterspersed(args []string) ([]string, error) {
	var pos []string
	for {
		rest, err := fs.parse(args)
		if err != nil {
			return nil, err
		}
		if len(rest) == 0 {
			return pos, nil
		}
		// flag stops at the first non-flag, or after a "--" it consumed.
		if consumedDashDash(args, rest) {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

func consumedDashDash(args, rest []string) bool {
	i := len(args) - len(rest) - 1
	return i >= 0 && args[i] == "--"
}

// finish applies environment fallbacks and checks requirements.
func (fs *FlagSet) finish(getenv func(string) string) error {
	for _, f := range fs.flags {
		if f.set || f.EnvVar == "" {
			continue
		}
		v := getenv(f.EnvVar)
		if v == "" {
			continue
		}
		if err := f.value.Set(v); err != nil {
			return fmt.Errorf("invalid value %q in $%s (the fallback of -%s): %v", v, f.EnvVar, f.Name, err)
		}
		f.set, f.from = true, "env"
	}
	for _, f := range fs.flags {
		if f.required && !f.set {
			return fmt.Errorf("missing %s", f.describe())
		}
	}
	for _, p := range fs.pairs {
		a, b := fs.byName[p[0]], fs.byName[p[1]]
		if a.set != b.set {
			if !a.set {
				a, b = b, a
			}
			return fmt.Errorf("%s is given without %s: give both or neither", a.describe(), b.describe())
		}
	}
	for _, p := range fs.excl {
		a, b := fs.byName[p[0]], fs.byName[p[1]]
		if a.set && b.set {
			return fmt.Errorf("%s and %s cannot be used together", a.describe(), b.describe())
		}
	}
	return nil
}

// describe names the flag as a user gives it: "-home (or $CHP_HOME_URI)".
func (f *Flag) describe() string {
	if f.EnvVar != "" {
		return "-" + f.Name + " (or $" + f.EnvVar + ")"
	}
	return "-" + f.Name
}

// Invalid returns the usage error for a flag whose value is not acceptable:
// "invalid -count -1: must be 0 or more".
func (fs *FlagSet) Invalid(name, why string) error {
	f := fs.byName[name]
	if f == nil {
		panic("cli: Invalid of undeclared flag -" + name)
	}
	src := "-" + name
	if f.from == "env" {
		src = "$" + f.EnvVar + " (the fallback of -" + name + ")"
	}
	return &UsageError{Err: fmt.Errorf("invalid %s %q: %s", src, f.value.String(), why)}
}

func writeHelp(w io.Writer, path []*Command, fs *FlagSet) {
	cmd := path[len(path)-1]
	name := pathName(path)
	fmt.Fprintf(w, "%s: %s\n", name, cmd.Purpose)
	synopsis := name
	if len(fs.flags) > 0 {
		synopsis += " [flags]"
	}
	if len(cmd.Commands) > 0 {
		synopsis += " COMMAND [flags]"
	}
	if cmd.Args != "" {
		synopsis += " " + cmd.Args
	}
	fmt.Fprintf(w, "\nUsage: %s\n", synopsis)
	if cmd.Workflow != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimRight(cmd.Workflow, "\n"))
	}
	if len(cmd.Commands) > 0 {
		fmt.Fprintf(w, "\nCommands:\n")
		width := 0
		for _, c := range cmd.Commands {
			width = max(width, len(c.Name))
		}
		for _, c := range cmd.Commands {
			fmt.Fprintf(w, "  %-*s  %s\n", width, c.Name, c.Purpose)
		}
		fmt.Fprintf(w, "\nRun %s COMMAND -h for a command's flags.\n", name)
	}
	if len(fs.flags) == 0 {
		return
	}
	fmt.Fprintf(w, "\nFlags:\n")
	for _, f := range fs.flags {
		arg, usage := flag.UnquoteUsage(&flag.Flag{Name: f.Name, Usage: f.Usage, Value: f.value, DefValue: f.Default})
		line := "  -" + f.Name
		if arg != "" {
			line += " " + arg
		}
		fmt.Fprintln(w, line)
		var notes []string
		if f.Default != "" && f.Default != "0" && f.Default != "false" && f.Default != "0s" {
			notes = append(notes, "default "+f.Default)
		}
		if f.EnvVar != "" {
			notes = append(notes, "env $"+f.EnvVar)
		}
		if f.required {
			notes = append(notes, "required")
		}
		for _, p := range fs.pairs {
			if p[0] == f.Name {
				notes = append(notes, "needs -"+p[1])
			} else if p[1] == f.Name {
				notes = append(notes, "needs -"+p[0])
			}
		}
		for _, p := range fs.excl {
			if p[0] == f.Name {
				notes = append(notes, "not with -"+p[1])
			} else if p[1] == f.Name {
				notes = append(notes, "not with -"+p[0])
			}
		}
		if len(notes) > 0 {
			usage += " (" + strings.Join(notes, "; ") + ")"
		}
		fmt.Fprintf(w, "    \t%s\n", strings.ReplaceAll(usage, "\n", "\n    \t"))
	}
}
