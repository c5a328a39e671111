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
	"flag"
	"fmt"
	"os"
	"slices"
	"time"
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
	only := flag.String("only", "", "run only the stage with this name")
	timeout := flag.Duration("timeout", 2*time.Minute, "give up after this long")
	flag.Parse()

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()

	slices.SortStableFunc(stages, func(a, b stage) int { return cmp.Compare(a.rank, b.rank) })
	start := time.Now()
	total, ran := 0, 0
	for _, s := range stages {
		if *only != "" && s.name != *only {
			continue
		}
		dir, err := os.MkdirTemp("", "accord-tour-"+s.name+"-")
		if err != nil {
			fatalf("%v", err)
		}
		fmt.Printf("== %s\n", s.name)
		r := &report{stage: s.name, dir: dir}
		t0 := time.Now()
		err = s.run(ctx, r)
		os.RemoveAll(dir)
		if err != nil {
			fatalf("stage %s failed: %v", s.name, err)
		}
		fmt.Printf("  %d checks passed in %s\n\n", r.checks, time.Since(t0).Round(time.Millisecond))
		total += r.checks
		ran++
	}
	if *only != "" && ran == 0 {
		fatalf("no stage named %q", *only)
	}
	fmt.Printf("tour complete: %d stages, %d checks, %s\n", ran, total, time.Since(start).Round(time.Millisecond))
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "tour: "+format+"\n", args...)
	os.Exit(1)
}
