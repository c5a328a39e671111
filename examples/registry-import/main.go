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
// enclave. -init creates the GR root key in DIR/gr-root.key the first time
// and writes its public key to DIR/gr-root.pub (give that to enclaves).
package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/accordsdk/accord/chp"
	"github.com/accordsdk/accord/examples/internal/chpcli"
	"github.com/accordsdk/accord/examples/internal/cli"
	"github.com/accordsdk/accord/internal/keyfile"
)

type options struct {
	data, from, receipt, admit, racOut, issuer string
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
Give exactly one of -admit and -from. The GR root public key is DIR/gr-root.pub.`,
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
			f.Exclusive("from", "admit")
		},
		Check: func(e *cli.Env) error {
			if o.from == "" && o.admit == "" {
				return &cli.UsageError{Err: errors.New("give -admit KEY or -from FILE")}
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
