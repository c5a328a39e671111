package chp

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"strconv"

	"github.com/accordsdk/accord/internal/keyfile"
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
//	POST /admin/unpin                un-pin an instance's key ([UnpinRequest] body),
//	                                 audited in the log ([LocalRegistry.Unpin])
//	POST /admin/revocation           install a revocation of an admission certificate
//	                                 ([Revocation] body; [LocalRegistry.InstallRevocation]),
//	                                 appended to the log; answers [RevocationInstalled]
//	GET  /admin/quarantine           the refused heartbeats kept ([QuarantineEntry] list, oldest first)
//	POST /admin/root-rotation        learn Global Registry root rotations (one record, or the
//	                                 Global Registry's list; [LocalRegistry.AddRootRotations]),
//	                                 answered with the roots trusted ([TrustedRoots])
func (r *LocalRegistry) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /admin/root-rotation", func(w http.ResponseWriter, req *http.Request) {
		if !jsonOnly(w, req) {
			return
		}
		b, err := io.ReadAll(http.MaxBytesReader(w, req.Body, 1<<20))
		var records [][]byte
		if err == nil {
			records, err = readRotationRecords(b)
		}
		var roots *RootSet
		if err == nil {
			roots, err = r.AddRootRotations(records...)
		}
		if err != nil {
			writeError(w, http.StatusBadRequest, "root_rotation_refused", err.Error())
			return
		}
		writeJSON(w, http.StatusOK, TrustedRoots{RootKey: roots.Current(), Keys: roots.Keys(), RootRotations: roots.Rotations()})
	})
	mux.HandleFunc("GET /admin/quarantine", func(w http.ResponseWriter, req *http.Request) {
		es, err := r.Quarantine()
		if err != nil {
			writeError(w, http.StatusInternalServerError, "quarantine_unreadable", err.Error())
			return
		}
		writeJSON(w, http.StatusOK, es)
	})
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
		f, err := os.CreateTemp(r.spoolDir, "export-*.tar")
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
	mux.HandleFunc("POST /admin/unpin", func(w http.ResponseWriter, req *http.Request) {
		if !jsonOnly(w, req) {
			return
		}
		b, err := io.ReadAll(http.MaxBytesReader(w, req.Body, maxPacket))
		var in UnpinRequest
		if err == nil {
			err = decodeStrict(b, &in, false)
		}
		var out *Unpinned
		if err == nil {
			out, err = r.Unpin(req.Context(), in.InstanceID, in.Reason)
		}
		switch {
		case errors.Is(err, ErrNotFound):
			writeError(w, http.StatusNotFound, "not_pinned", err.Error())
		case err != nil:
			writeError(w, http.StatusBadRequest, "unpin_refused", err.Error())
		default:
			writeJSON(w, http.StatusOK, out)
		}
	})
	mux.HandleFunc("POST /admin/revocation", func(w http.ResponseWriter, req *http.Request) {
		if !jsonOnly(w, req) {
			return
		}
		b, err := io.ReadAll(http.MaxBytesReader(w, req.Body, maxPacket))
		var e *RevocationEntry
		if err == nil {
			var v *Revocation
			if v, err = ParseRevocation(b); err == nil {
				e, err = r.InstallRevocation(req.Context(), v)
			}
		}
		if err != nil {
			writeError(w, http.StatusBadRequest, "revocation_refused", err.Error())
			return
		}
		writeJSON(w, http.StatusOK, RevocationInstalled{RevocationEntry: *e, Revoked: r.Revoked() != nil})
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

// TrustedRoots is the answer of POST /admin/root-rotation: the Global
// Registry root keys a Local Registry trusts.
type TrustedRoots struct {
	RootKey       string            `json:"root_key"`       // the newest root
	Keys          []string          `json:"keys"`           // every root, oldest first
	RootRotations []json.RawMessage `json:"root_rotations"` // the rotation records, oldest first
}

// RevocationInstalled is the answer of POST /admin/revocation: the
// revocation's log entry, and whether the installed certificate is now
// revoked (the registry no longer claims admission).
type RevocationInstalled struct {
	RevocationEntry
	Revoked bool `json:"revoked"`
}

// UnpinRequest is the body of POST /admin/unpin.
type UnpinRequest struct {
	InstanceID string `json:"instance_id" strictjson:"required"`
	Reason     string `json:"reason" strictjson:"required"`
}

// LoadOrCreateKey reads an Ed25519 private key file (PKCS #8 PEM, refused
// if the group or others can access it) or, if there is none, generates a
// key and writes it there (mode 0600, atomically, never over another
// file). created reports which happened. The file format is the module's
// one key-file format, described in internal/keyfile.
func LoadOrCreateKey(path string) (key ed25519.PrivateKey, created bool, err error) {
	return keyfile.LoadOrCreatePrivate(path)
}
