// Command tour runs every protocol of accord end to end on one machine and
// prints a short report of each stage and what was verified.
//
// Each stage lives in its own file and registers itself with [register]; the
// stages run in order of their rank. The tour uses only loopback servers and
// temporary directories, and exits with status 1 if any check fails.
package main

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/accordsdk/accord/examples/internal/cli"
)

// A stage is one protocol's walk-through. It reports progress through the
// report and returns an error if any check fails.
type stage struct {
	rank int
	name string
	run  func(ctx context.Context, r *report) error
}

var stages []stage

// register adds a stage to the tour. Stages call it from init.
func register(rank int, name string, run func(ctx context.Context, r *report) error) {
	stages = append(stages, stage{rank: rank, name: name, run: run})
}

// report collects the lines a stage prints, so that each stage reads as one
// block in the output.
type report struct {
	stage  string
	checks int
	dir    string // a temporary directory the stage may use
}

// step prints one thing the stage did.
func (r *report) step(format string, args ...any) {
	fmt.Printf("  - %s\n", fmt.Sprintf(format, args...))
}

// verified prints one check that passed.
func (r *report) verified(format string, args ...any) {
	r.checks++
	fmt.Printf("  ✓ %s\n", fmt.Sprintf(format, args...))
}

func main() {
	slices.SortStableFunc(stages, func(a, b stage) int { return cmp.Compare(a.rank, b.rank) })
	var names []string
	for _, s := range stages {
		names = append(names, s.name)
	}
	var only string
	var timeout time.Duration
	cli.Main(&cli.Command{
		Name:    "tour",
		Purpose: "run every protocol of accord end to end on this machine and report what was verified",
		Workflow: `Each stage uses only loopback servers and temporary directories; the tour
exits with status 1 if any check fails. Stages: ` + strings.Join(names, ", ") + ".",
		Flags: func(f *cli.FlagSet) {
			f.String(&only, "only", "", "run only the stage with this `NAME`: "+strings.Join(names, ", "))
			f.Duration(&timeout, "timeout", 2*time.Minute, "give up after this long")
		},
		Check: func(e *cli.Env) error {
			if only != "" && !slices.Contains(names, only) {
				return e.Flags.Invalid("only", "no such stage; want one of "+strings.Join(names, ", "))
			}
			return e.Flags.Positive("timeout")
		},
		Run: func(ctx context.Context, e *cli.Env) error { return tour(ctx, e, only, timeout) },
	})
}

func tour(ctx context.Context, e *cli.Env, only string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	total, ran := 0, 0
	for _, s := range stages {
		if only != "" && s.name != only {
			continue
		}
		dir, err := os.MkdirTemp("", "accord-tour-"+s.name+"-")
		if err != nil {
			return err
		}
		fmt.Printf("== %s\n", s.name)
		r := &report{stage: s.name, dir: dir}
		t0 := time.Now()
		err = s.run(ctx, r)
		os.RemoveAll(dir)
		if err != nil {
			return fmt.Errorf("stage %s failed: %w", s.name, err)
		}
		fmt.Printf("  %s passed in %s\n\n", plural(r.checks, "check"), time.Since(t0).Round(time.Millisecond))
		total += r.checks
		ran++
	}
	fmt.Fprintf(e.Stdout, "tour complete: %s, %s, %s\n", plural(ran, "stage"), plural(total, "check"), time.Since(start).Round(time.Millisecond))
	return nil
}

// plural returns "1 stage" or "n stages".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
