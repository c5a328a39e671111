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
	serve, show, proof                         string
	revoke, reason, revocationOut              string
	validity                                   time.Duration
	strict, init                               bool
}

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
Give exactly one of -admit, -from, -serve, -show, -proof and -revoke. The GR
root public key is DIR/gr-root.pub; ledger proofs verify with it alone.`,
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
			f.String(&o.show, "show", "", "print the ledger's `checkpoint`, the admitted `registries`, the `receipts` or the `revocations` issued, then exit")
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
			if given != 1 {
				return &cli.UsageError{Err: errors.New("give exactly one of -admit KEY, -from FILE, -serve ADDR, -show WHAT, -proof FP:INDEX, -revoke RAC_ID")}
			}
			if o.show != "" && o.show != "checkpoint" && o.show != "registries" && o.show != "receipts" && o.show != "revocations" {
				return e.Flags.Invalid("show", "want checkpoint, registries, receipts or revocations")
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
	gr, err := chp.OpenGlobalRegistry(o.data, key, chp.WithIssuer(o.issuer), chp.WithStrictImport(o.strict))
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
	return nil
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
