// Command registry-import is the Global Registry's (GR's) side of the air
// gap (CHP v1's registry_import):
//
//	registry-import -init -data ./gr -admit lr.pub -rac-out admission.json
//	registry-import -data ./gr -from provenance_bundle.tar -receipt coherence_receipt.json
//
// The first form registers a Local Registry's (LR's) public key (carried
// out of band) and writes its admission certificate (RAC). The second
// verifies a provenance bundle, appends its new heartbeats to the global
// ledger and writes the signed coherence receipt to carry back into the
// enclave. -revoke RAC_ID -reason TEXT revokes a certificate: the signed
// revocation is appended to the ledger and written to -revocation-out, to
// carry into the enclave (chp-registry -revocation FILE); bundles carrying
// a revoked certificate are refused from then on. -serve, -show and -proof make the GR the public ledger the
// protocol calls it: -serve answers the read-only GET /ledger/... interface
// (package chp, "The Global Registry as a public ledger"); -show prints the
// ledger checkpoint, the admitted registries or the receipts issued;
// -proof prints the ledger proof of one imported record. -init creates the GR root key in DIR/gr-root.key the first time
// and writes its public key to DIR/gr-root.pub (give that to enclaves).
// -rotate-root replaces the root key: the rotation is a record of the
// ledger signed by the old and the new root, written (with any earlier
// ones) to root_rotations.json for the enclaves' Local Registries
// (chp-registry -root-rotation); an import writes that file beside the
// receipt whenever the root has rotated.
package main

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/accordsdk/accord/chp"
	"github.com/accordsdk/accord/examples/internal/chpcli"
	"github.com/accordsdk/accord/examples/internal/cli"
	"github.com/accordsdk/accord/internal/keyfile"
)

type options struct {
	data, from, receipt, admit, racOut, issuer string
	serve, show, proof, rotationOut            string
	revoke, reason, revocationOut              string
	validity                                   time.Duration
	strict, init, rotateRoot                   bool
}

// nextRootFile holds the GR's next root key during a rotation.
const nextRootFile = chpcli.GlobalKeyFile + ".next"

func main() { cli.Main(command()) }

func command() *cli.Command {
	var o options
	return &cli.Command{
		Name:    "registry-import",
		Purpose: "the Global Registry (GR): admit Local Registries (LRs) and import their provenance bundles",
		Workflow: `Usual workflow:
  registry-import -init -data ./gr -admit LR.pub     create the GR root key, admit an LR,
                                                     write its admission certificate (RAC)
  registry-import -data ./gr -from bundle.tar        verify and import an LR's bundle,
                                                     write the coherence receipt
  registry-import -data ./gr -serve 127.0.0.1:8444  serve the ledger read-only (GET /ledger/...)
  registry-import -data ./gr -show checkpoint|registries|receipts
  registry-import -data ./gr -proof sha256:<LR fingerprint>:<LR index>
  registry-import -data ./gr -revoke RAC_ID -reason TEXT   revoke a certificate (logged in the
                                                     ledger), write revocation.json for the LR
  registry-import -data ./gr -rotate-root            replace the root key; carry
                                                     root_rotations.json to every LR
Give exactly one of -admit, -from, -serve, -show, -proof, -revoke and
-rotate-root. The GR root public key is DIR/gr-root.pub; ledger proofs
verify with it alone. After a root rotation, LRs and instances given an
earlier root follow the rotation records (chp-registry -root-rotation
root_rotations.json).`,
		Flags: func(f *cli.FlagSet) {
			f.String(&o.data, "data", "chp-global-data", "the GR's data `DIR`").Env("CHP_GLOBAL_DATA")
			f.Init(&o.init)
			f.String(&o.from, "from", "", "provenance bundle `FILE` to import")
			f.String(&o.receipt, "receipt", chp.ReceiptFile, "where -from writes the coherence receipt (`FILE`)")
			f.String(&o.admit, "admit", "", "admit the LR with this public `KEY` (ed25519:z... or a file)")
			f.String(&o.racOut, "rac-out", "admission.json", "where -admit writes the admission certificate (`FILE`)")
			f.Duration(&o.validity, "validity", 2*365*24*time.Hour, "admission certificate validity")
			f.String(&o.issuer, "issuer", "GR", "the GR's name").Env("CHP_GLOBAL_ISSUER")
			f.Bool(&o.strict, "strict", false, "re-verify every record's signatures and schema")
			f.String(&o.serve, "serve", "", "serve the ledger read-only on `host:port` (checkpoint, tiles, proofs, registries, receipts)").Env("CHP_GLOBAL_ADDR")
			f.String(&o.show, "show", "", "print the ledger's `checkpoint`, the admitted `registries`, the `receipts` or the `revocations` issued, or the `root-rotations`, then exit")
			f.Bool(&o.rotateRoot, "rotate-root", false, "replace the GR root key (new DIR/gr-root.key and gr-root.pub; the rotation is a ledger record signed by the old and the new root), then exit")
			f.String(&o.rotationOut, "rotation-out", "root_rotations.json", "where -rotate-root, and -from after a rotation, write the root rotation records (`FILE`)")
			f.String(&o.proof, "proof", "", "print the ledger proof of `FP:INDEX` (an LR fingerprint and a record index of its log), then exit")
			f.String(&o.revoke, "revoke", "", "revoke the admission certificate `RAC_ID` (needs -reason; appended to the ledger), then exit")
			f.String(&o.reason, "reason", "", "why the certificate is revoked (`TEXT`, 1 to 1024 bytes, signed into the revocation)")
			f.String(&o.revocationOut, "revocation-out", "revocation.json", "where -revoke writes the signed revocation (`FILE`)")
			f.Exclusive("from", "admit")
		},
		Check: func(e *cli.Env) error {
			given := 0
			for _, v := range []string{o.from, o.admit, o.serve, o.show, o.proof, o.revoke} {
				if v != "" {
					given++
				}
			}
			if o.rotateRoot {
				given++
			}
			if given != 1 {
				return &cli.UsageError{Err: errors.New("give exactly one of -admit KEY, -from FILE, -serve ADDR, -show WHAT, -proof FP:INDEX, -revoke RAC_ID, -rotate-root")}
			}
			switch o.show {
			case "", "checkpoint", "registries", "receipts", "revocations", "root-rotations":
			default:
				return e.Flags.Invalid("show", "want checkpoint, registries, receipts, revocations or root-rotations")
			}
			if o.revoke != "" && o.reason == "" {
				return &cli.UsageError{Err: errors.New("missing -reason: a revocation carries the GR operator's reason")}
			}
			if o.serve != "" {
				if err := e.Flags.HostPort("serve"); err != nil {
					return err
				}
			}
			if err := e.Flags.Positive("validity"); err != nil {
				return err
			}
			if o.from != "" {
				return cli.CheckTarFile(o.from)
			}
			return nil
		},
		Run: func(ctx context.Context, e *cli.Env) error { return run(ctx, e, o) },
	}
}

func run(ctx context.Context, e *cli.Env, o options) error {
	var lrKey string
	if o.admit != "" {
		var err error
		if lrKey, err = chpcli.ReadKey(o.admit); err != nil {
			return fmt.Errorf("invalid -admit: %w", err)
		}
	}
	fresh, err := chpcli.CheckRole(o.data, chpcli.RoleGlobal, o.init)
	if err != nil {
		return err
	}
	if fresh {
		if err := cli.MarkDir(o.data, chpcli.RoleGlobal); err != nil {
			return err
		}
	}
	keyPath := filepath.Join(o.data, chpcli.GlobalKeyFile)
	if _, err := os.Stat(keyPath); errors.Is(err, os.ErrNotExist) && !o.init {
		return &cli.NoIdentityError{Dir: o.data, Role: chpcli.RoleGlobal}
	}
	key, created, err := keyfile.LoadOrCreatePrivate(keyPath)
	if err != nil {
		return err
	}
	gr, err := openGlobal(o, key)
	if err != nil {
		return err
	}
	defer gr.Close()
	if created {
		pub := filepath.Join(o.data, chpcli.GlobalPubFile)
		if err := keyfile.WritePublic(pub, key.Public().(ed25519.PublicKey)); err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "created GR root key %s (public key in %s)\n", gr.PublicKey(), pub)
	}
	switch {
	case o.rotateRoot:
		return rotateRoot(ctx, e, o, gr)
	case o.serve != "":
		return serveLedger(ctx, e, gr, o.serve)
	case o.show != "":
		return show(ctx, e, gr, o.show)
	case o.proof != "":
		fp, idx, ok := strings.Cut(strings.TrimPrefix(o.proof, "sha256:"), ":")
		n, err := strconv.ParseUint(idx, 10, 64)
		if !ok || err != nil {
			return &cli.UsageError{Err: fmt.Errorf("invalid -proof %q: want sha256:<hex>:<index>", o.proof)}
		}
		p, err := gr.LedgerProofFor(ctx, "sha256:"+fp, n)
		if err != nil {
			return err
		}
		return printJSON(e, p)
	}
	if o.revoke != "" {
		v, entry, err := gr.Revoke(ctx, o.revoke, o.reason)
		if err != nil {
			return err
		}
		b, err := v.Marshal()
		if err != nil {
			return err
		}
		if err := os.WriteFile(o.revocationOut, append(b, '\n'), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "revoked admission certificate %s of LR %s as ledger record %d; revocation written to %s (install it in the LR: chp-registry -revocation %s)\n",
			v.RACID, v.LRFingerprint, entry.Index, o.revocationOut, o.revocationOut)
		return nil
	}
	if o.admit != "" {
		c, err := gr.Admit(lrKey, o.validity)
		if err != nil {
			return err
		}
		b, err := c.MarshalJSON()
		if err != nil {
			return err
		}
		if err := os.WriteFile(o.racOut, append(b, '\n'), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "admitted LR %s: admission certificate %s valid until %s, written to %s\n",
			c.LRFingerprint, c.RACID, c.ExpiresAt.Format("2006-01-02"), o.racOut)
		return nil
	}
	f, err := os.Open(o.from)
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := gr.Import(ctx, f)
	if err != nil {
		return err
	}
	if err := os.WriteFile(o.receipt, res.Signed, 0o644); err != nil {
		return err
	}
	rc := res.Receipt
	fmt.Fprintf(e.Stdout, "imported records %d..%d from LR %s: %d accepted, %d duplicate, %d rejected; ledger size %d; receipt %s\n",
		rc.From, rc.To, rc.LRFingerprint, rc.Accepted, rc.Duplicate, rc.Rejected, gr.LedgerSize(), o.receipt)
	if rots := gr.RootRotations(); len(rots) > 0 {
		// The receipt is sealed by the current root: the enclave needs the
		// records that lead to it from the root it was given.
		if err := writeRotations(o.rotationOut, rots); err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "the GR root rotated %d time(s): carry %s with the receipt (chp-registry -root-rotation %s)\n",
			len(rots), o.rotationOut, o.rotationOut)
	}
	return nil
}

// openGlobal opens the GR in o.data with key, finishing a root rotation
// that was logged but whose key file was not yet moved in place.
func openGlobal(o options, key ed25519.PrivateKey) (*chp.GlobalRegistry, error) {
	opts := []chp.GlobalOption{chp.WithIssuer(o.issuer), chp.WithStrictImport(o.strict)}
	gr, err := chp.OpenGlobalRegistry(o.data, key, opts...)
	if !errors.Is(err, chp.ErrKeyRotated) {
		return gr, err
	}
	nextPath := filepath.Join(o.data, nextRootFile)
	next, nerr := keyfile.LoadPrivate(nextPath)
	if nerr != nil {
		return nil, err
	}
	if gr, err = chp.OpenGlobalRegistry(o.data, next, opts...); err != nil {
		return nil, err
	}
	if err := finishRootRotation(o.data, next); err != nil {
		gr.Close()
		return nil, err
	}
	return gr, nil
}

// finishRootRotation moves the next root key in place of the root key and
// rewrites the public key file.
func finishRootRotation(dir string, next ed25519.PrivateKey) error {
	if err := os.Rename(filepath.Join(dir, nextRootFile), filepath.Join(dir, chpcli.GlobalKeyFile)); err != nil {
		return err
	}
	return keyfile.WritePublic(filepath.Join(dir, chpcli.GlobalPubFile), next.Public().(ed25519.PublicKey))
}

// rotateRoot replaces the GR root key: the next key is written to
// DIR/gr-root.key.next, the rotation is logged in the ledger (signed by
// the old and the new root), and the next key replaces DIR/gr-root.key
// and gr-root.pub. If the process stops after the rotation is logged,
// openGlobal finishes it.
func rotateRoot(ctx context.Context, e *cli.Env, o options, gr *chp.GlobalRegistry) error {
	nextPath := filepath.Join(o.data, nextRootFile)
	os.Remove(nextPath) // a key from an attempt that logged nothing
	next, _, err := keyfile.LoadOrCreatePrivate(nextPath)
	if err != nil {
		return err
	}
	r, err := gr.RotateRoot(ctx, next)
	if err != nil {
		os.Remove(nextPath)
		return err
	}
	if err := finishRootRotation(o.data, next); err != nil {
		return err
	}
	if err := writeRotations(o.rotationOut, gr.RootRotations()); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "rotated the GR root to %s as ledger record %d (old root %.24s...); %s holds the new public key; "+
		"carry %s to every LR (chp-registry -root-rotation %s)\n",
		r.NewKey, r.Size, r.OldKey, filepath.Join(o.data, chpcli.GlobalPubFile), o.rotationOut, o.rotationOut)
	return nil
}

// writeRotations writes the root rotation records to path.
func writeRotations(path string, rots []json.RawMessage) error {
	return os.WriteFile(path, rotationsJSON(rots), 0o644)
}

// rotationsJSON is a JSON array of the root rotation records, one record
// (in its ledger form, which chp-registry -root-rotation reads) a line.
func rotationsJSON(rots []json.RawMessage) []byte {
	var b []byte
	b = append(b, '[')
	for i, r := range rots {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '\n')
		b = append(b, r...)
	}
	return append(b, "\n]\n"...)
}

func printJSON(e *cli.Env, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.Stdout, "%s\n", b)
	return err
}

// show prints the ledger's checkpoint, the admitted registries, or the
// receipts or revocations issued.
func show(ctx context.Context, e *cli.Env, gr *chp.GlobalRegistry, what string) error {
	switch what {
	case "checkpoint":
		cp, err := gr.LedgerCheckpoint(ctx)
		if err != nil {
			return err
		}
		_, err = e.Stdout.Write(cp)
		return err
	case "registries":
		return printJSON(e, gr.Registries())
	case "revocations":
		return printJSON(e, gr.Revocations())
	case "root-rotations":
		_, err := e.Stdout.Write(rotationsJSON(gr.RootRotations()))
		return err
	}
	rcs, err := gr.Receipts()
	if err != nil {
		return err
	}
	return printJSON(e, rcs)
}

// serveLedger serves the ledger read-only until ctx ends.
func serveLedger(ctx context.Context, e *cli.Env, gr *chp.GlobalRegistry, addr string) error {
	h, err := gr.LedgerHandler()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("cannot listen on -serve %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: time.Minute, MaxHeaderBytes: 16 << 10}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintf(e.Stdout, "serving the ledger of GR %s read-only on http://%s/ledger/\n", gr.PublicKey(), ln.Addr())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}
