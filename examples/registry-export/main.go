// Command registry-export writes a Local Registry's (LR's) provenance
// bundle, to carry across the air gap to the Global Registry (GR):
//
//	registry-export -data ./lr -out provenance_bundle.tar
//
// By default the bundle holds the records added since the last export;
// -from and -to choose a range (re-exporting a range writes the same
// bytes). If the registry is running, the bundle is made through its
// operator socket; otherwise the data directory is opened directly. The
// bundle is written to a temporary file and renamed into place only when
// complete (internal/atomicfile). With -every INTERVAL the command keeps
// running and exports what is new at each interval, each bundle to its own
// file DIR/provenance_bundle-FROM-TO.tar (FROM and TO zero-padded to 12
// digits) in the directory -out names; a round with nothing new writes
// nothing. Flags fall back to CHP_REGISTRY_DATA and CHP_EXPORT_EVERY.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/accordsdk/accord/chp"
	"github.com/accordsdk/accord/examples/internal/chpcli"
	"github.com/accordsdk/accord/examples/internal/cli"
	"github.com/accordsdk/accord/internal/atomicfile"
)

type options struct {
	data, out string
	from      int64
	to        uint64
	every     time.Duration
}

func main() { cli.Main(command()) }

func command() *cli.Command {
	var o options
	return &cli.Command{
		Name:    "registry-export",
		Purpose: "write a Local Registry's (LR's) provenance bundle for the Global Registry (GR)",
		Workflow: `Usual workflow: registry-export -data ./lr -out bundle.tar, carry bundle.tar
to the GR (registry-import -from bundle.tar), and bring the receipt back
(chp-registry -pin-receipt). The LR must hold an admission certificate.
-from defaults to where the last export ended; -to must be the LR's current
size (the default) or the end of an earlier export, whose checkpoint the LR
kept: re-exporting a range writes the same bytes.`,
		Flags: func(f *cli.FlagSet) {
			f.String(&o.data, "data", "chp-registry-data", "the LR's data `DIR`").Env("CHP_REGISTRY_DATA")
			f.String(&o.out, "out", chp.BundleFile, "bundle `FILE` to write")
			f.Int64(&o.from, "from", -1, "first record (default: where the last export ended)")
			f.Uint64(&o.to, "to", 0, "end of the range: the current size (default) or an earlier export's end")
			f.Duration(&o.every, "every", 0, "export the new records every `interval` until stopped, to DIR/provenance_bundle-FROM-TO.tar where -out names DIR").Env("CHP_EXPORT_EVERY")
		},
		Check: func(e *cli.Env) error {
			if o.from < -1 {
				return e.Flags.Invalid("from", "must be 0 or more")
			}
			if o.every != 0 {
				if err := e.Flags.Positive("every"); err != nil {
					return err
				}
				if o.from >= 0 || o.to > 0 {
					return &cli.UsageError{Err: errors.New("-every exports what is new each time; it takes no -from or -to")}
				}
				if st, err := os.Stat(o.out); err != nil || !st.IsDir() {
					return e.Flags.Invalid("out", "with -every, must be an existing directory")
				}
				return nil
			}
			if st, err := os.Stat(o.out); err == nil && st.IsDir() {
				return e.Flags.Invalid("out", "is a directory")
			}
			return nil
		},
		Run: func(ctx context.Context, e *cli.Env) error { return run(ctx, e, o) },
	}
}

func run(ctx context.Context, e *cli.Env, o options) error {
	if _, err := chpcli.CheckRole(o.data, chpcli.RoleLocal, false); err != nil {
		return err
	}
	if o.every > 0 {
		return exportEvery(ctx, e, o)
	}
	return exportOnce(ctx, e, o)
}

// exportEvery exports the records added since the last export, every
// o.every, each to its own file in the directory o.out, until ctx ends.
// A round with nothing new writes nothing; a failed round is reported and
// retried at the next.
func exportEvery(ctx context.Context, e *cli.Env, o options) error {
	dir := o.out
	fmt.Fprintf(e.Stdout, "exporting new records every %s to %s\n", o.every, dir)
	t := time.NewTicker(o.every)
	defer t.Stop()
	for {
		tmp := filepath.Join(dir, ".next-"+chp.BundleFile)
		o.out = tmp
		err := exportOnce(ctx, e, o)
		switch {
		case errors.Is(err, errNothingNew):
			os.Remove(tmp)
		case err != nil:
			os.Remove(tmp)
			if ctx.Err() != nil {
				return nil
			}
			fmt.Fprintf(e.Stderr, "registry-export: %s\n", cli.OneLine(err.Error()))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// errNothingNew: an export of the records since the last export found
// none.
var errNothingNew = errors.New("no new records")

// exportOnce writes one bundle to o.out.
func exportOnce(ctx context.Context, e *cli.Env, o options) error {
	var first, end uint64
	var root string
	err := atomicfile.WriteFunc(o.out, 0o600, func(f io.Writer) error {
		if chpcli.AdminRunning(o.data) {
			q := "?"
			if o.from >= 0 {
				q += "from=" + strconv.FormatInt(o.from, 10) + "&"
			}
			if o.to > 0 {
				q += "to=" + strconv.FormatUint(o.to, 10)
			}
			h, err := chpcli.AdminGet(o.data, "/admin/export"+q, f)
			if err != nil {
				return err
			}
			first, _ = strconv.ParseUint(h.Get("X-CHP-Export-From"), 10, 64)
			end, _ = strconv.ParseUint(h.Get("X-CHP-Export-To"), 10, 64)
			root = h.Get("X-CHP-Bundle-Root")
			return nil
		}
		rootKey, err := chpcli.RememberRoot(o.data, "")
		if err != nil {
			return err
		}
		lr, _, err := chpcli.OpenLocal(o.data, rootKey, false)
		if err != nil {
			return err
		}
		defer lr.Close()
		opts := chp.ExportOptions{To: o.to}
		if o.from >= 0 {
			u := uint64(o.from)
			opts.From = &u
		}
		res, err := lr.Export(ctx, f, opts)
		if err != nil {
			return err
		}
		first, end, root = res.From, res.To, res.BundleRoot
		return nil
	})
	if err != nil {
		return err
	}
	if o.every > 0 {
		if end == first {
			return errNothingNew
		}
		final := filepath.Join(filepath.Dir(o.out), fmt.Sprintf("provenance_bundle-%012d-%012d.tar", first, end))
		if err := os.Rename(o.out, final); err != nil {
			return err
		}
		o.out = final
	}
	fmt.Fprintf(e.Stdout, "wrote %s: records %d..%d (%d), bundle root %s\n", o.out, first, end, end-first, root)
	return nil
}
