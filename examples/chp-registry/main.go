// Command chp-registry runs a call-home Local Registry (the sandbox
// extension's in-enclave registry) on loopback by default.
//
//	chp-registry -data ./lr -root GR-ROOT.pub -rac admission.json -allow-unsigned
//
// On first start it creates its key in DIR/lr.key and writes its public
// key to DIR/lr.pub (carry that to the Global Registry to be admitted).
// It serves POST /registry/heartbeat, GET /registry/info,
// GET /registry/checkpoint, GET /registry/proof/{ack_id} and
// GET /hud/status.json on -addr, and the operator endpoints (export,
// admission, receipt) on the Unix socket DIR/admin.sock. -pin-receipt
// verifies and pins a coherence receipt and exits; with the registry
// already running, -pin-receipt and -rac are handed to it through that
// socket.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/accordsdk/accord/chp"
	"github.com/accordsdk/accord/examples/internal/chpcli"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8443", "listen address (host:port)")
	data := flag.String("data", "chp-registry-data", "directory for the registry's key, log and state")
	allowUnsigned := flag.Bool("allow-unsigned", false, "accept plain (unsigned) chp-v1 heartbeats")
	root := flag.String("root", "", "Global Registry root public key (ed25519:z... or a file); remembered in DIR")
	rac := flag.String("rac", "", "admission certificate file to install (before serving, or into the running registry)")
	name := flag.String("name", "local-registry", "registry name")
	certFile := flag.String("tls-cert", "", "TLS certificate (PEM); plain HTTP when empty")
	keyFile := flag.String("tls-key", "", "TLS private key (PEM)")
	pin := flag.String("pin-receipt", "", "verify and pin a coherence receipt, then exit")
	flag.Parse()

	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(logger, *addr, *data, *allowUnsigned, *root, *rac, *name, *certFile, *keyFile, *pin); err != nil {
		fmt.Fprintln(os.Stderr, "chp-registry:", err)
		os.Exit(1)
	}
}

func run(logger *slog.Logger, addr, data string, allowUnsigned bool, root, rac, name, certFile, keyFile, pin string) error {
	rootKey, err := chpcli.RememberRoot(data, root)
	if err != nil {
		return err
	}
	// With the registry already running, -pin-receipt and -rac go to it
	// through its operator socket.
	if chpcli.AdminRunning(data) && (pin != "" || rac != "") {
		path, file := "/admin/receipt", pin
		if pin == "" {
			path, file = "/admin/admission", rac
			if rootKey != "" {
				path += "?root=" + url.QueryEscape(rootKey)
			}
		}
		b, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		if err := chpcli.AdminPost(data, path, b, os.Stdout); err != nil {
			return err
		}
		fmt.Println()
		return nil
	}
	lr, created, err := chpcli.OpenLocal(data, rootKey, chp.WithAllowUnsigned(allowUnsigned), chp.WithName(name), chp.WithLogger(logger))
	if err != nil {
		return err
	}
	defer lr.Close()
	if created {
		logger.Info("created registry key", "public_key", lr.PublicKey(), "file", filepath.Join(data, chpcli.PubFile))
	}
	if pin != "" {
		b, _ := os.ReadFile(pin)
		rc, err := lr.PinReceipt(b)
		if err != nil {
			return err
		}
		fmt.Printf("pinned receipt %s: %d accepted, %d duplicate, %d rejected, records %d..%d\n",
			rc.ReceiptID, rc.Accepted, rc.Duplicate, rc.Rejected, rc.From, rc.To)
		return nil
	}
	if rac != "" {
		b, err := os.ReadFile(rac)
		if err != nil {
			return err
		}
		c, err := chp.ParseAdmissionCert(b)
		if err != nil {
			return err
		}
		if err := lr.InstallAdmissionCert(c); err != nil {
			return err
		}
		logger.Info("installed admission certificate", "rac_id", c.RACID, "expires", c.ExpiresAt)
	}
	if lr.AdmissionCert() == nil {
		logger.Warn("no admission certificate: instances will not trust this registry until one is installed (-rac)")
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	srv := &http.Server{
		Addr: addr, Handler: lr, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second,
		IdleTimeout: 60 * time.Second, MaxHeaderBytes: 16 << 10,
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	admin, adminLn, err := chpcli.ServeAdmin(data, lr, logger)
	if err != nil {
		ln.Close()
		return err
	}
	errc := make(chan error, 1)
	go func() {
		if certFile != "" {
			errc <- srv.ServeTLS(ln, certFile, keyFile)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	logger.Info("local registry serving", "addr", ln.Addr().String(), "public_key", lr.PublicKey(),
		"fingerprint", lr.Fingerprint(), "records", lr.Size(), "admin", adminLn)

	select {
	case err := <-errc:
		admin.Close()
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// Finish in-flight requests (their records are durable before their
	// ACKs are written), then close the log.
	err = srv.Shutdown(sctx)
	admin.Shutdown(sctx)
	if cerr := lr.Close(); cerr != nil {
		err = errors.Join(err, cerr)
	}
	if err == nil {
		logger.Info("stopped", "records", lr.Size())
	}
	return err
}
