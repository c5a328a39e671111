// Package chpcli holds what the call-home example commands share: the
// roles of their data directories, key files, the Global Registry root
// key, and the Local Registry's operator socket.
package chpcli

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/accordsdk/accord/chp"
	"github.com/accordsdk/accord/envelope"
	"github.com/accordsdk/accord/examples/internal/cli"
	"github.com/accordsdk/accord/internal/keyfile"
)

// Files in a Local Registry's data directory, besides those chp keeps.
const (
	KeyFile    = "lr.key"      // PKCS #8 PEM private key
	PubFile    = "lr.pub"      // "ed25519:z..." public key, to register with the GR
	RootFile   = "gr-root.pub" // the GR root public key, once given
	SocketFile = "admin.sock"  // operator endpoints while the registry runs
	// NextKeyFile holds the registry's next key during a rotation.
	NextKeyFile = "lr.key.next"
)

// Roles of call-home data directories (see cli.CheckDir).
const (
	RoleInstance = "chp-instance"
	RoleLocal    = "chp-local-registry"
	RoleGlobal   = "chp-global-registry"
)

// Files that identify a directory written before roles were recorded.
const (
	GlobalKeyFile  = "gr-root.key" // the Global Registry's root private key
	GlobalPubFile  = "gr-root.pub" // its public key, for enclaves
	InstanceIDFile = "instance_id"
)

// CheckRole is cli.CheckDir for call-home directories: a directory written
// before roles were recorded is recognised by its identity file. It writes
// nothing; fresh reports that the identity is still to be created.
func CheckRole(dir, role string, init bool) (fresh bool, err error) {
	got, err := cli.ReadRole(dir)
	if err != nil {
		return false, err
	}
	if got == "" {
		for file, r := range map[string]string{KeyFile: RoleLocal, GlobalKeyFile: RoleGlobal, InstanceIDFile: RoleInstance} {
			if _, err := os.Stat(filepath.Join(dir, file)); err == nil {
				if r != role {
					return false, &cli.RoleError{Dir: dir, Want: role, Got: r}
				}
				return false, cli.MarkDir(dir, role) // an existing identity: record its role
			}
		}
	}
	return cli.CheckDir(dir, role, init)
}

// RememberRoot returns the GR root key: the one given (a key string or a
// file), saved in dir for next time, or the one saved before ("" if none).
func RememberRoot(dir, given string) (string, error) {
	path := filepath.Join(dir, RootFile)
	if given == "" {
		pub, err := keyfile.LoadPublic(path)
		if errors.Is(err, os.ErrNotExist) {
			return "", nil
		}
		if err != nil {
			return "", err
		}
		return envelope.FormatEd25519PublicKey(pub), nil
	}
	key, err := ReadKey(given)
	if err != nil {
		return "", fmt.Errorf("invalid -root: %w", err)
	}
	pub, err := envelope.ParseEd25519PublicKey(key)
	if err != nil {
		return "", fmt.Errorf("invalid -root: %w", err)
	}
	return key, keyfile.WritePublic(path, pub)
}

// ReadKey accepts a key string or a file holding one (or a PEM key).
func ReadKey(v string) (string, error) { return chp.LoadPublicKey(v) }

// OpenLocal opens the Local Registry in dir. Its key is created only when
// create is set (the user gave -init); otherwise a missing key is an error
// naming -init.
func OpenLocal(dir, rootKey string, create bool, opts ...chp.LocalOption) (*chp.LocalRegistry, bool, error) {
	keyPath := filepath.Join(dir, KeyFile)
	if _, err := os.Stat(keyPath); errors.Is(err, os.ErrNotExist) && !create {
		return nil, false, &cli.NoIdentityError{Dir: dir, Role: RoleLocal}
	}
	key, created, err := keyfile.LoadOrCreatePrivate(keyPath)
	if err != nil {
		return nil, false, err
	}
	if rootKey != "" {
		opts = append(opts, chp.WithRootKey(rootKey))
	}
	lr, err := chp.OpenLocalRegistry(dir, key, opts...)
	nextPath := filepath.Join(dir, NextKeyFile)
	if errors.Is(err, chp.ErrKeyRotated) {
		// A rotation was logged but its key file not yet moved in place
		// (the process stopped in between): finish it.
		next, nerr := keyfile.LoadPrivate(nextPath)
		if nerr != nil {
			return nil, false, err
		}
		if lr, err = chp.OpenLocalRegistry(dir, next, opts...); err != nil {
			return nil, false, err
		}
		if err := os.Rename(nextPath, keyPath); err != nil {
			lr.Close()
			return nil, false, err
		}
		key = next
	}
	if err != nil {
		return nil, false, err
	}
	if err := keyfile.WritePublic(filepath.Join(dir, PubFile), key.Public().(ed25519.PublicKey)); err != nil {
		lr.Close()
		return nil, false, err
	}
	return lr, created, nil
}

// RotateKey replaces the running registry's key: a new key is written to
// DIR/lr.key.next, the rotation is logged (signed by the old and the new
// key), and the new key file replaces DIR/lr.key and DIR/lr.pub. If the
// process stops after the rotation is logged, [OpenLocal] finishes it.
func RotateKey(ctx context.Context, dir string, lr *chp.LocalRegistry) (*chp.KeyRotation, error) {
	nextPath := filepath.Join(dir, NextKeyFile)
	os.Remove(nextPath) // a key from an attempt that logged nothing
	next, _, err := keyfile.LoadOrCreatePrivate(nextPath)
	if err != nil {
		return nil, err
	}
	k, err := lr.RotateKey(ctx, next)
	if err != nil {
		os.Remove(nextPath)
		return nil, err
	}
	if err := os.Rename(nextPath, filepath.Join(dir, KeyFile)); err != nil {
		return nil, err
	}
	return k, keyfile.WritePublic(filepath.Join(dir, PubFile), next.Public().(ed25519.PublicKey))
}

// ServeAdmin serves lr's operator endpoints on the Unix socket in dir.
func ServeAdmin(dir string, lr *chp.LocalRegistry, logger *slog.Logger) (*http.Server, string, error) {
	path := filepath.Join(dir, SocketFile)
	os.Remove(path) // a socket left by a registry that was killed
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, "", err
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, "", err
	}
	mux := http.NewServeMux()
	mux.Handle("/", logAdmin(lr, logger))
	mux.HandleFunc("POST /admin/rotate-key", func(w http.ResponseWriter, req *http.Request) {
		k, err := RotateKey(req.Context(), dir, lr)
		w.Header().Set("Content-Type", "application/json")
		if err != nil {
			logger.Warn("operator request refused", "path", req.URL.Path, "err", err)
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"error": err.Error(), "code": "rotation_refused"})
			return
		}
		logger.Info("registry key rotated", "index", k.Size, "new_key", k.NewKey)
		b, _ := k.Marshal()
		w.Write(b)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	go srv.Serve(ln)
	return srv, path, nil
}

func adminClient(dir string) *http.Client {
	path := filepath.Join(dir, SocketFile)
	return &http.Client{Timeout: 10 * time.Minute, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", path)
		},
	}}
}

// AdminRunning reports whether a registry answers on dir's socket.
func AdminRunning(dir string) bool {
	c, err := net.DialTimeout("unix", filepath.Join(dir, SocketFile), time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// AdminGet fetches path from the running registry's socket into w.
func AdminGet(dir, path string, w io.Writer) (http.Header, error) {
	resp, err := adminClient(dir).Get("http://registry" + path)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, cli.NewReplyError(resp.StatusCode, resp.Body)
	}
	_, err = io.Copy(w, resp.Body)
	return resp.Header, err
}

// AdminPost posts body to path on the running registry's socket and copies
// the answer to w.
func AdminPost(dir, path string, body []byte, w io.Writer) error {
	resp, err := adminClient(dir).Post("http://registry"+path, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return cli.ParseReply(resp.StatusCode, b)
	}
	_, err = w.Write(b)
	return err
}

// logAdmin serves lr's operator endpoints and logs, at info, what they
// changed: installed certificates, pinned receipts and exports.
func logAdmin(lr *chp.LocalRegistry, logger *slog.Logger) http.Handler {
	h := lr.AdminHandler()
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(rec, req)
		if rec.status != http.StatusOK {
			logger.Warn("operator request refused", "path", req.URL.Path, "status", rec.status)
			return
		}
		switch req.URL.Path {
		case "/admin/admission":
			if c := lr.AdmissionCert(); c != nil {
				logger.Info("installed admission certificate", "rac_id", c.RACID, "valid_until", c.ExpiresAt.Format("2006-01-02"))
			}
		case "/admin/receipt":
			var rc chp.Receipt
			if json.Unmarshal(rec.body, &rc) == nil {
				logger.Info("pinned receipt", "receipt_id", rc.ReceiptID, "accepted", rc.Accepted,
					"duplicate", rc.Duplicate, "rejected", rc.Rejected, "from", rc.From, "to", rc.To)
			}
		case "/admin/export":
			logger.Info("exported bundle", "from", w.Header().Get("X-CHP-Export-From"),
				"to", w.Header().Get("X-CHP-Export-To"), "bundle_root", w.Header().Get("X-CHP-Bundle-Root"))
		}
	})
}

// recorder keeps the status of a reply, and its body up to 64 KiB.
type recorder struct {
	http.ResponseWriter
	status int
	body   []byte
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(p []byte) (int, error) {
	if len(r.body) < 64<<10 {
		r.body = append(r.body, p[:min(len(p), 64<<10-len(r.body))]...)
	}
	return r.ResponseWriter.Write(p)
}
