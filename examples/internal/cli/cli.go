// Package cli is the one way every program in examples/ reads its command
// line: the standard flag package, plus what an operator expects of a tool.
//
//   - Every setting is a flag; a flag may name an environment variable as
//     its fallback, and -h lists both. A required setting that is missing is
//     an error naming the flag (and its variable).
//   - -h starts with one line of purpose, then the usual workflow, then the
//     subcommands and flags.
//   - Subcommands nest (vm-gov proposal create); a parent's flags are
//     accepted before or after the subcommand name.
//   - Arguments and flags are checked before Run is called: stray arguments,
//     flags that need each other ([FlagSet.Together]) or exclude each other
//     ([FlagSet.Exclusive]), and any [Command.Check].
//   - An identity (a key, a registry directory) is created only when the
//     user asks with -init ([FlagSet.Init], [CheckDir], [MarkDir]).
//   - An error is written to stderr as one line, "program: message", and the
//     exit status is 1 (2 for a usage error; [Exit] chooses another).
//   - A JSON {"error","code"} reply from a server is shown as "code:
//     message" ([ReplyError]).
//
// It lives under examples/internal, so no importable package of the module
// depends on it.
//
// A program with a subcommand:
//
//	func main() {
//		var data string
//		var init bool
//		var title string
//		cli.Main(&cli.Command{
//			Name:     "vm-gov",
//			Purpose:  "propose, vote on and apply changes to a governed constitution",
//			Workflow: "vm-gov -init -data DIR creates the identity; then vm-gov proposal create ...",
//			Flags: func(f *cli.FlagSet) {
//				f.String(&data, "data", "vm-gov-data", "directory of the identity and state").Env("VM_GOV_DATA")
//				f.Init(&init)
//			},
//			Commands: []*cli.Command{{
//				Name:    "proposal",
//				Purpose: "work with proposals",
//				Commands: []*cli.Command{{
//					Name:    "create",
//					Purpose: "create a proposal and print its id",
//					Args:    "FILE",
//					MinArgs: 1, MaxArgs: 1,
//					Flags: func(f *cli.FlagSet) {
//						f.String(&title, "title", "", "one-line title").Required()
//					},
//					Run: func(ctx context.Context, e *cli.Env) error {
//						fresh, err := cli.CheckDir(data, "vm-gov", init)
//						if err != nil {
//							return err
//						}
//						// ... check everything else, then write:
//						if fresh {
//							if err := cli.MarkDir(data, "vm-gov"); err != nil {
//								return err
//							}
//						}
//						fmt.Fprintf(e.Stdout, "created proposal %q from %s\n", title, e.Args[0])
//						return nil
//					},
//				}},
//			}},
//		})
//	}
//
// Programs are tested by running [Command.Execute] with buffers, or by
// building the binary and checking its exit status and stderr.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// A Command is a program or one of its subcommands.
type Command struct {
	// Name is the program's name, or the word that selects a subcommand.
	Name string
	// Purpose is one line saying what the command does; -h starts with it
	// and a parent lists it beside the subcommand's name.
	Purpose string
	// Workflow is prose shown in -h after the purpose: the usual sequence
	// of commands and which flags depend on others. It may span lines.
	Workflow string
	// Args is the synopsis of the positional arguments ("FILE", "[DIR]").
	Args string
	// MinArgs and MaxArgs bound the number of positional arguments; MaxArgs
	// -1 means no upper bound. Both zero (the default) means none allowed,
	// so stray arguments are refused.
	MinArgs, MaxArgs int
	// Flags declares the command's flags. It is called once per Execute.
	Flags func(*FlagSet)
	// Check, if set, validates the parsed flags and arguments before Run;
	// it must not write anything.
	Check func(*Env) error
	// Run does the work. A command with Commands and no Run requires a
	// subcommand.
	Run func(ctx context.Context, e *Env) error
	// Commands are the subcommands.
	Commands []*Command
}

// Env is what Run sees of the world.
type Env struct {
	Args   []string            // positional arguments, after flags
	Stdout io.Writer           // results
	Stderr io.Writer           // diagnostics and logs
	Getenv func(string) string // environment lookups (fallbacks use it too)
	Path   string              // the full command name, "vm-gov proposal create"
	Flags  *FlagSet            // the flags of the command that runs
}

// Main runs cmd with the process's arguments, environment and standard
// streams, cancelling its context on SIGINT or SIGTERM, and exits with the
// status [Command.Execute] returns.
func Main(cmd *Command) {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := cmd.Execute(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// Execute parses args, runs the selected command and returns the exit
// status: 0 on success and for -h, 2 for a usage error, 1 (or the code of an
// [Exit] error) when Run fails. Errors go to stderr as one line.
func (c *Command) Execute(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	fs := newFlagSet()
	path := []*Command{c}
	cmd := c
	var rest []string
	for {
		if cmd.Flags != nil {
			fs.owner = cmd
			cmd.Flags(fs)
		}
		var err error
		if len(cmd.Commands) == 0 {
			rest, err = fs.parseInterspersed(args)
		} else {
			rest, err = fs.parse(args)
		}
		if errors.Is(err, errHelp) {
			writeHelp(stdout, path, fs)
			return 0
		}
		if err != nil {
			return fail(stderr, path, &UsageError{Err: err})
		}
		if len(cmd.Commands) == 0 || (cmd.Run != nil && len(rest) == 0) {
			break
		}
		if len(rest) == 0 {
			return fail(stderr, path, &UsageError{Err: fmt.Errorf("missing command: one of %s", names(cmd.Commands))})
		}
		sub := cmd.find(rest[0])
		if sub == nil {
			return fail(stderr, path, &UsageError{Err: fmt.Errorf("unknown command %q: want one of %s", rest[0], names(cmd.Commands))})
		}
		path = append(path, sub)
		cmd, args = sub, rest[1:]
	}
	env := &Env{Args: rest, Stdout: stdout, Stderr: stderr, Getenv: getenv, Path: pathName(path), Flags: fs}
	if err := fs.finish(getenv); err != nil {
		return fail(stderr, path, &UsageError{Err: err})
	}
	if err := cmd.checkArgs(rest); err != nil {
		return fail(stderr, path, &UsageError{Err: err})
	}
	if cmd.Check != nil {
		if err := cmd.Check(env); err != nil {
			return fail(stderr, path, err)
		}
	}
	if cmd.Run == nil {
		return fail(stderr, path, &UsageError{Err: fmt.Errorf("missing command: one of %s", names(cmd.Commands))})
	}
	if err := cmd.Run(ctx, env); err != nil {
		return fail(stderr, path, err)
	}
	return 0
}

func (c *Command) find(name string) *Command {
	for _, s := range c.Commands {
		if s.Name == name {
			return s
		}
	}
	return nil
}

func (c *Command) checkArgs(args []string) error {
	n := len(args)
	switch {
	case n < c.MinArgs && c.MinArgs == 1 && c.Args != "":
		return fmt.Errorf("missing argument %s", c.Args)
	case n < c.MinArgs:
		return fmt.Errorf("got %d arguments, want at least %d (%s)", n, c.MinArgs, c.Args)
	case c.MaxArgs >= 0 && n > c.MaxArgs && c.MaxArgs == 0:
		return fmt.Errorf("unexpected argument %q", args[0])
	case c.MaxArgs >= 0 && n > c.MaxArgs:
		return fmt.Errorf("unexpected argument %q: want at most %d (%s)", args[c.MaxArgs], c.MaxArgs, c.Args)
	}
	return nil
}

func names(cmds []*Command) string {
	var n []string
	for _, c := range cmds {
		n = append(n, c.Name)
	}
	return strings.Join(n, ", ")
}

func pathName(path []*Command) string {
	var n []string
	for _, c := range path {
		n = append(n, c.Name)
	}
	return strings.Join(n, " ")
}

// UsageError is a mistake on the command line. Execute reports it with a
// pointer to -h and exit status 2.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// ExitError carries the exit status a failed Run wants.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// Exit returns err with exit status code (code 0 is treated as 1: an error
// never exits successfully).
func Exit(code int, err error) error {
	if code == 0 {
		code = 1
	}
	return &ExitError{Code: code, Err: err}
}

// fail writes err as one line, "program sub: message", and returns the exit
// status.
func fail(stderr io.Writer, path []*Command, err error) int {
	msg := OneLine(err.Error())
	code := 1
	var ue *UsageError
	var ee *ExitError
	switch {
	case errors.As(err, &ue):
		code = 2
		msg += " (see " + pathName(path) + " -h)"
	case errors.As(err, &ee):
		code = ee.Code
	}
	fmt.Fprintf(stderr, "%s: %s\n", pathName(path), msg)
	return code
}

// OneLine folds a multi-line message onto one line ("; " between lines) and
// trims surrounding space.
func OneLine(s string) string {
	lines := strings.FieldsFunc(strings.TrimSpace(s), func(r rune) bool { return r == '\n' || r == '\r' })
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return strings.Join(lines, "; ")
}
