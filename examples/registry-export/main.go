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
// complete (internal/atomicfile).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/accordsdk/accord/chp"
	"github.com/accordsdk/accord/examples/internal/chpcli"
	"github.com/accordsdk/accord/examples/internal/cli"
	"github.com/accordsdk/accord/internal/atomicfile"
)

type options struct {
	data, out string
	from      int64
	to        uint64
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
		},
		Check: func(e *cli.Env) error {
			if o.from < -1 {
				return e.Flags.Invalid("from", "must be 0 or more")
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
	fmt.Fprintf(e.Stdout, "wrote %s: records %d..%d (%d), bundle root %s\n", o.out, first, end, end-first, root)
	return nil
}
