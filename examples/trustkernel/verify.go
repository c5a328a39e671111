package main

import (
	"context"
	"fmt"
	"io"

	"github.com/ethereum/go-ethereum/common"

	"github.com/accordsdk/accord/examples/internal/cli"
	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/integrity"
	"github.com/accordsdk/accord/trustkernel/quorum"
)

// openReader opens the quorum reader of the read-only verbs.
func openReader(urls []string, k, confirmations int, dev bool) (*quorum.Reader, error) {
	qopts := []quorum.Option{quorum.WithConfirmations(uint64(confirmations))}
	if dev {
		qopts = append(qopts, quorum.WithDevelopment())
	}
	return quorum.New(urls, k, qopts...)
}

// manifestStatus writes what the controller records of root's full-mode
// manifest, read through r.
func manifestStatus(ctx context.Context, w io.Writer, r trustkernel.ChainReader, controller common.Address, what string, root [32]byte) (trustkernel.ManifestRecord, error) {
	out, err := r.Call(ctx, controller, trustkernel.NewController(controller).ManifestRecordCall(root).Data)
	if err != nil {
		return trustkernel.ManifestRecord{}, trustkernel.DecodeRevertError(err)
	}
	rec, err := trustkernel.DecodeManifestRecord(out)
	if err != nil {
		return rec, err
	}
	switch {
	case rec.Count == 0:
		stepTo(w, "full-mode manifest of the %s root: none on chain", what)
	case rec.Complete():
		stepTo(w, "full-mode manifest of the %s root: all %d chunks on chain (blocks %d..%d)", what, rec.Count, rec.FirstBlock, rec.LastBlock)
	default:
		stepTo(w, "full-mode manifest of the %s root: %d of %d chunks on chain", what, rec.Published, rec.Count)
	}
	return rec, nil
}

// verifyVerb checks, through the quorum, that a root's full-mode manifest
// is completely on chain, and optionally that it is a given manifest file
// and that an install directory matches it.
func verifyVerb(c *chainFlags, controller *string, quorum, confirmations *int, dev *bool) *cli.Command {
	var manifest, root, dir string
	return &cli.Command{
		Name:    "verify",
		Purpose: "check through a quorum that a root's full-mode manifest is on chain, and an install directory against it",
		Workflow: `The root is -manifest's, or -root, or else the pending upgrade's, or else the
active one. The manifest is read from the controller's ManifestChunk events at
a block the quorum agrees on, and must hash to the root. With -manifest it is
compared with the file; with -dir every file of the directory is checked
against the per-file hashes read from chain (the full-mode install check).
Run it before activating a full-mode upgrade.`,
		Flags: func(f *cli.FlagSet) {
			f.String(&manifest, "manifest", "", "manifest JSON `file` whose root to check")
			f.String(&root, "root", "", "root `hex` to check (instead of -manifest)")
			f.String(&dir, "dir", "", "install `directory` to check against the manifest on chain")
			f.Exclusive("manifest", "root")
		},
		Run: func(ctx context.Context, e *cli.Env) error {
			addr, err := addressFlag("controller", *controller)
			if err != nil {
				return err
			}
			var want *integrity.Manifest
			var r [32]byte
			switch {
			case manifest != "":
				if want, err = readManifest(manifest); err != nil {
					return err
				}
				if r, err = want.Root(); err != nil {
					return err
				}
			case root != "":
				if r, err = hashFlag("root", root); err != nil {
					return err
				}
			}
			urls, _, err := c.endpoints()
			if err != nil {
				return err
			}
			reader, err := openReader(urls, *quorum, *confirmations, *dev)
			if err != nil {
				return err
			}
			defer reader.Close()
			snap, err := trustkernel.QuorumSnapshot(ctx, reader, addr)
			if err != nil {
				return err
			}
			stepTo(e.Stdout, "block %d agreed by %d of %d endpoints", snap.Block.Number, *quorum, len(urls))
			pending := snap.PendingUpgrade.ExpiresAt != 0
			if r == ([32]byte{}) {
				switch {
				case pending:
					r = snap.PendingUpgrade.Root
				case snap.ActiveRoot != ([32]byte{}):
					r = snap.ActiveRoot
				default:
					return fmt.Errorf("controller %s has no active or pending root: give -root or -manifest", addr.Hex())
				}
			}
			what := "given"
			switch {
			case pending && r == snap.PendingUpgrade.Root:
				what = "pending"
			case r == snap.ActiveRoot:
				what = "active"
			}
			stepTo(e.Stdout, "root %x is the %s root of controller %s", r, what, addr.Hex())
			if _, err := manifestStatus(ctx, e.Stdout, reader, addr, what, r); err != nil {
				return err
			}
			got, err := trustkernel.FetchManifest(ctx, reader, addr, r)
			if err != nil {
				return err
			}
			stepTo(e.Stdout, "the manifest on chain hashes to the root: %d files", len(got.Entries))
			if want != nil {
				// Same root, same manifest: the root commits to every entry.
				stepTo(e.Stdout, "it is %s", manifest)
			}
			if dir != "" {
				if err := integrity.Verify(ctx, dir, got, r); err != nil {
					return err
				}
				stepTo(e.Stdout, "install %s matches the manifest on chain", dir)
			}
			return nil
		},
	}
}
