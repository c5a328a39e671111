package chp

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
)

// AdminHandler serves the operator's endpoints of a Local Registry. Mount
// it only where operators alone can reach it (the example registry serves
// it on a Unix socket with mode 0600 in its data directory), never on the
// network the instances use:
//
//	GET  /admin/export?from=N&to=M   a provenance bundle ([LocalRegistry.Export])
//	POST /admin/admission?root=KEY   install an admission certificate (JSON body);
//	                                 root sets the GR root key if none is configured
//	POST /admin/receipt              pin a coherence receipt (JSON body)
func (r *LocalRegistry) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /admin/export", func(w http.ResponseWriter, req *http.Request) {
		var opts ExportOptions
		if v := req.URL.Query().Get("from"); v != "" {
			n, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				writeError(w, http.StatusBadRequest, "bad_range", "from: "+err.Error())
				return
			}
			opts.From = &n
		}
		if v := req.URL.Query().Get("to"); v != "" {
			n, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				writeError(w, http.StatusBadRequest, "bad_range", "to: "+err.Error())
				return
			}
			opts.To = n
		}
		// Build the bundle in a temporary file first so that a failure
		// becomes an error answer rather than a truncated archive.
		f, err := os.CreateTemp(r.dir, ".export-*.tar")
		if err != nil {
			writeError(w, http.StatusInternalServerError, "export_failed", err.Error())
			return
		}
		defer func() { f.Close(); os.Remove(f.Name()) }()
		res, err := r.Export(req.Context(), f, opts)
		if err != nil {
			writeError(w, http.StatusBadRequest, "export_failed", err.Error())
			return
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			writeError(w, http.StatusInternalServerError, "export_failed", err.Error())
			return
		}
		w.Header().Set("Content-Type", "application/x-tar")
		w.Header().Set("X-CHP-Export-From", strconv.FormatUint(res.From, 10))
		w.Header().Set("X-CHP-Export-To", strconv.FormatUint(res.To, 10))
		w.Header().Set("X-CHP-Bundle-Root", res.BundleRoot)
		io.Copy(w, f)
	})
	mux.HandleFunc("POST /admin/admission", func(w http.ResponseWriter, req *http.Request) {
		if !jsonOnly(w, req) {
			return
		}
		b, err := io.ReadAll(http.MaxBytesReader(w, req.Body, maxPacket))
		if root := req.URL.Query().Get("root"); err == nil && root != "" {
			err = r.SetRootKey(root)
		}
		if err == nil {
			var c *AdmissionCert
			if c, err = ParseAdmissionCert(b); err == nil {
				err = r.InstallAdmissionCert(c)
			}
		}
		if err != nil {
			writeError(w, http.StatusBadRequest, "admission_refused", err.Error())
			return
		}
		writeJSON(w, http.StatusOK, r.AdmissionCert())
	})
	mux.HandleFunc("POST /admin/receipt", func(w http.ResponseWriter, req *http.Request) {
		if !jsonOnly(w, req) {
			return
		}
		b, err := io.ReadAll(http.MaxBytesReader(w, req.Body, 1<<20))
		var rc *Receipt
		if err == nil {
			rc, err = r.PinReceipt(b)
		}
		if err != nil {
			writeError(w, http.StatusBadRequest, "receipt_refused", err.Error())
			return
		}
		writeJSON(w, http.StatusOK, rc)
	})
	return mux
}

// LoadOrCreateKey reads an Ed25519 private key from a PKCS #8 PEM file,
// or, if the file does not exist, generates one and writes it (mode 0600,
// atomically). created reports which happened.
func LoadOrCreateKey(path string) (key ed25519.PrivateKey, created bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		_, key, err = ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, false, err
		}
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return nil, false, err
		}
		out := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, false, err
		}
		if err := writeFileAtomic(filepath.Dir(path), filepath.Base(path), out); err != nil {
			return nil, false, err
		}
		return key, true, nil
	}
	if err != nil {
		return nil, false, err
	}
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "PRIVATE KEY" {
		return nil, false, fmt.Errorf("chp: %s: no PEM PRIVATE KEY block", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, false, fmt.Errorf("chp: %s: %w", path, err)
	}
	key, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, false, fmt.Errorf("chp: %s: %T is not an Ed25519 key", path, k)
	}
	return key, false, nil
}
