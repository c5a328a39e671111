// Command registry-import is the Global Registry's side of the air gap
// (CHP v1's registry_import):
//
//	registry-import -data ./gr --admit lr.pub --rac-out admission.json
//	registry-import -data ./gr --from provenance_bundle.tar --receipt coherence_receipt.json
//
// The first form registers a Local Registry's public key (carried out of
// band) and writes its admission certificate. The second verifies a
// provenance bundle, appends its new heartbeats to the global ledger and
// writes the signed coherence receipt to carry back into the enclave. On
// first use the Global Registry's root key is created in DIR/gr-root.key
// and its public key written to DIR/gr-root.pub (give that to enclaves).
package main

import (
	"context"
	"crypto/ed25519"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/accordsdk/accord/chp"
	"github.com/accordsdk/accord/examples/internal/chpcli"
	"github.com/accordsdk/accord/internal/keyfile"
)

func main() {
	data := flag.String("data", "chp-global-data", "the Global Registry's data directory")
	from := flag.String("from", "", "provenance bundle to import")
	receipt := flag.String("receipt", chp.ReceiptFile, "where to write the coherence receipt")
	admit := flag.String("admit", "", "admit the Local Registry with this public key (ed25519:z... or a file)")
	racOut := flag.String("rac-out", "admission.json", "where -admit writes the admission certificate")
	validity := flag.Duration("validity", 2*365*24*time.Hour, "admission certificate validity")
	issuer := flag.String("issuer", "GR", "the Global Registry's name")
	strict := flag.Bool("strict", false, "re-verify every record's signatures and schema")
	flag.Parse()
	if err := run(*data, *from, *receipt, *admit, *racOut, *validity, *issuer, *strict); err != nil {
		fmt.Fprintln(os.Stderr, "registry-import:", err)
		os.Exit(1)
	}
}

func run(data, from, receipt, admit, racOut string, validity time.Duration, issuer string, strict bool) error {
	if (from == "") == (admit == "") {
		return fmt.Errorf("give exactly one of -from and -admit")
	}
	key, created, err := keyfile.LoadOrCreatePrivate(filepath.Join(data, "gr-root.key"))
	if err != nil {
		return err
	}
	gr, err := chp.OpenGlobalRegistry(data, key, chp.WithIssuer(issuer), chp.WithStrictImport(strict))
	if err != nil {
		return err
	}
	defer gr.Close()
	if created {
		if err := keyfile.WritePublic(filepath.Join(data, "gr-root.pub"), key.Public().(ed25519.PublicKey)); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "created root key %s (public key in %s)\n", gr.PublicKey(), filepath.Join(data, "gr-root.pub"))
	}
	if admit != "" {
		lrKey, err := chpcli.ReadKey(admit)
		if err != nil {
			return err
		}
		c, err := gr.Admit(lrKey, validity)
		if err != nil {
			return err
		}
		b, err := c.MarshalJSON()
		if err != nil {
			return err
		}
		if err := os.WriteFile(racOut, append(b, '\n'), 0o644); err != nil {
			return err
		}
		fmt.Printf("admitted %s: rac %s valid until %s, written to %s\n", c.LRFingerprint, c.RACID, c.ExpiresAt.Format(time.RFC3339), racOut)
		return nil
	}
	f, err := os.Open(from)
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := gr.Import(context.Background(), f)
	if err != nil {
		return err
	}
	if err := os.WriteFile(receipt, res.Signed, 0o644); err != nil {
		return err
	}
	rc := res.Receipt
	fmt.Printf("imported records %d..%d from %s: %d accepted, %d duplicate, %d rejected; ledger size %d; receipt %s\n",
		rc.From, rc.To, rc.LRFingerprint, rc.Accepted, rc.Duplicate, rc.Rejected, gr.LedgerSize(), receipt)
	return nil
}
