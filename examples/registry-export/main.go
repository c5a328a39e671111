// Command registry-export writes a Local Registry's provenance bundle
// (the protocol's registry_export operation):
//
//	registry-export -data ./lr --out provenance_bundle.tar
//
// By default the bundle holds the records added since the last export;
// -from and -to choose a range (re-exporting a range writes the same
// bytes). If the registry is running, the bundle is made through its
// operator socket; otherwise the data directory is opened directly.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/accordsdk/accord/chp"
	"github.com/accordsdk/accord/examples/internal/chpcli"
	"github.com/accordsdk/accord/internal/atomicfile"
)

func main() {
	data := flag.String("data", "chp-registry-data", "the Local Registry's data directory")
	out := flag.String("out", chp.BundleFile, "bundle file to write")
	from := flag.Int64("from", -1, "first record (default: where the last export ended)")
	to := flag.Uint64("to", 0, "end of the range (default: the current size)")
	flag.Parse()
	if err := run(*data, *out, *from, *to); err != nil {
		fmt.Fprintln(os.Stderr, "registry-export:", err)
		os.Exit(1)
	}
}

func run(data, out string, from int64, to uint64) error {
	var first, end uint64
	var root string
	err := atomicfile.WriteFunc(out, 0o600, func(f io.Writer) error {
		if chpcli.AdminRunning(data) {
			q := "?"
			if from >= 0 {
				q += "from=" + strconv.FormatInt(from, 10) + "&"
			}
			if to > 0 {
				q += "to=" + strconv.FormatUint(to, 10)
			}
			h, err := chpcli.AdminGet(data, "/admin/export"+q, f)
			if err != nil {
				return err
			}
			first, _ = strconv.ParseUint(h.Get("X-CHP-Export-From"), 10, 64)
			end, _ = strconv.ParseUint(h.Get("X-CHP-Export-To"), 10, 64)
			root = h.Get("X-CHP-Bundle-Root")
			return nil
		}
		rootKey, err := chpcli.RememberRoot(data, "")
		if err != nil {
			return err
		}
		if _, err := os.Stat(filepath.Join(data, chpcli.KeyFile)); err != nil {
			return fmt.Errorf("no registry in %s: %w", data, err)
		}
		lr, _, err := chpcli.OpenLocal(data, rootKey)
		if err != nil {
			return err
		}
		defer lr.Close()
		opts := chp.ExportOptions{To: to}
		if from >= 0 {
			u := uint64(from)
			opts.From = &u
		}
		res, err := lr.Export(context.Background(), f, opts)
		if err != nil {
			return err
		}
		first, end, root = res.From, res.To, res.BundleRoot
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Printf("wrote %s: records %d..%d (%d), bundle root %s\n", out, first, end, end-first, root)
	return nil
}
