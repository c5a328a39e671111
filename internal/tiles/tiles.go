// Package tiles serves an accord Merkle log (package internal/merklelog) as
// a c2sp.org/tlog-tiles log: a read-only HTTP API of static resources that
// any tiles client (for example filippo.io/torchwood's) can fetch and check
// against the log's signed checkpoint.
//
// # Resources
//
// Paths are relative to where the [Handler] is mounted (use
// [http.StripPrefix]); with prefix https://example.com/logs/audit/ the
// resources are:
//
//	GET <prefix>/checkpoint              the signed checkpoint (text/plain; charset=utf-8)
//	GET <prefix>/tile/<L>/<N>[.p/<W>]    Merkle tree tiles (application/octet-stream)
//	GET <prefix>/tile/entries/<N>[.p/<W>] entry bundles (application/octet-stream)
//
// <L> is the level (0-63, no leading zeros); <N> the tile index in
// zero-padded 3-digit path elements, all but the last prefixed with "x"
// (1234067 is x001/x234/067); .p/<W> marks a partial tile of W (1-255)
// hashes or entries. A full tile holds 256 hashes of 32 bytes: at level 0
// the RFC 6962 leaf hashes SHA-256(0x00 || record), at level l the Merkle
// tree hashes of the full tiles at level l-1. An entry bundle holds the
// records of the matching level-0 tile, each as a big-endian uint16 length
// and the record's bytes (so a record of more than 65535 bytes cannot be
// served in a bundle: the bundle's request fails with 501).
//
// Tiles and bundles are served only for the tree of the last checkpoint the
// log signed (the partial tiles of that size and of every smaller size):
// nothing past a signed root is published. A full tile or bundle never
// changes and is served with long-lived caching headers; the checkpoint is
// served with a cache lifetime of a few seconds.
//
// # Access
//
// By default every resource is public. [WithAuthorizer] gives a function
// that sees each request first and refuses it (403 with a JSON error body
// {"error": "...", "code": "forbidden"}, or the status its error carries);
// federation uses it to serve a scroll only to the peers entitled to it.
package tiles

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/accordsdk/accord/internal/merklelog"
)

// TileHeight is the height of c2sp.org/tlog-tiles tiles: 2^8 = 256 hashes
// or entries per full tile.
const TileHeight = 8

// maxEntry is the largest record an entry bundle can hold.
const maxEntry = 1<<16 - 1

// ErrConfig is returned by [NewHandler] for unusable options.
var ErrConfig = errors.New("tiles: bad configuration")

// An Authorizer decides whether a request may read the log. A nil error
// allows it. An error that has a method HTTPStatus() int is answered with
// that status (401 for missing credentials, for example); any other error
// with 403.
type Authorizer func(r *http.Request) error

// An Option configures a [Handler].
type Option func(*config) error

type config struct {
	authorize  Authorizer
	checkpoint func(ctx context.Context) ([]byte, error)
	logger     *slog.Logger
}

// WithAuthorizer makes the handler ask authorize before serving any
// request.
func WithAuthorizer(authorize Authorizer) Option {
	return func(c *config) error {
		if authorize == nil {
			return fmt.Errorf("%w: nil authorizer", ErrConfig)
		}
		c.authorize = authorize
		return nil
	}
}

// WithCheckpoint sets where the served checkpoint comes from, for example a
// witness-cosigned copy of the log's latest checkpoint. The default is
// [merklelog.Log.Checkpoint], which signs a new checkpoint when the log has
// grown. The checkpoint given must be one the log signed: tiles are served
// up to the size of the last checkpoint the log signed.
func WithCheckpoint(get func(ctx context.Context) ([]byte, error)) Option {
	return func(c *config) error {
		if get == nil {
			return fmt.Errorf("%w: nil checkpoint source", ErrConfig)
		}
		c.checkpoint = get
		return nil
	}
}

// WithLogger sets where errors serving the log are logged (default:
// discarded).
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return fmt.Errorf("%w: nil logger", ErrConfig)
		}
		c.logger = l
		return nil
	}
}

// Handler serves one log as c2sp.org/tlog-tiles. It is safe for concurrent
// use.
type Handler struct {
	log *merklelog.Log
	cfg config
	mux *http.ServeMux
}

// NewHandler returns a handler serving l.
func NewHandler(l *merklelog.Log, opts ...Option) (*Handler, error) {
	if l == nil {
		return nil, fmt.Errorf("%w: nil log", ErrConfig)
	}
	h := &Handler{log: l}
	h.cfg.checkpoint = l.Checkpoint
	h.cfg.logger = slog.New(slog.DiscardHandler)
	for _, o := range opts {
		if err := o(&h.cfg); err != nil {
			return nil, err
		}
	}
	h.mux = http.NewServeMux()
	h.mux.HandleFunc("/checkpoint", getOnly(h.serveCheckpoint))
	h.mux.HandleFunc("/tile/{path...}", getOnly(h.serveTile))
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", "no such resource "+r.URL.Path)
	})
	return h, nil
}

// ServeHTTP implements [http.Handler].
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.cfg.authorize != nil {
		if err := h.cfg.authorize(r); err != nil {
			status := http.StatusForbidden
			var s interface{ HTTPStatus() int }
			if errors.As(err, &s) {
				status = s.HTTPStatus()
			}
			writeError(w, status, "forbidden", err.Error())
			return
		}
	}
	h.mux.ServeHTTP(w, r)
}

// getOnly answers methods other than GET and HEAD with 405.
func getOnly(f http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", r.Method+" not allowed")
			return
		}
		f(w, r)
	}
}

func (h *Handler) serveCheckpoint(w http.ResponseWriter, r *http.Request) {
	signed, err := h.cfg.checkpoint(r.Context())
	if err != nil {
		h.cfg.logger.Error("tiles: checkpoint", "origin", h.log.Origin(), "err", err)
		writeError(w, http.StatusServiceUnavailable, "unavailable", "checkpoint unavailable")
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", h.cacheControl("max-age=2"))
	w.Write(signed)
}

func (h *Handler) cacheControl(v string) string {
	if h.cfg.authorize != nil {
		return "private, " + v
	}
	return "public, " + v
}

// ParsePath parses a tile or entry bundle path relative to the log's prefix
// ("tile/0/x001/234.p/7", "tile/entries/005"). Entry bundles have L == -1.
func ParsePath(path string) (tlog.Tile, error) {
	var t tlog.Tile
	var err error
	if rest, ok := strings.CutPrefix(path, "tile/entries/"); ok {
		t, err = tlog.ParseTilePath("tile/8/data/" + rest)
	} else if rest, ok := strings.CutPrefix(path, "tile/"); ok && !strings.HasPrefix(rest, "data/") {
		t, err = tlog.ParseTilePath("tile/8/" + rest)
	} else {
		err = errors.New("not under tile/")
	}
	if err != nil || t.H != TileHeight || t.L > 63 {
		return tlog.Tile{}, fmt.Errorf("tiles: malformed tile path %q", path)
	}
	return t, nil
}

// Path returns the c2sp.org/tlog-tiles path of t, relative to the log's
// prefix. It is the inverse of [ParsePath].
func Path(t tlog.Tile) string {
	if t.L == -1 {
		return "tile/entries/" + strings.TrimPrefix(t.Path(), "tile/8/data/")
	}
	return "tile/" + strings.TrimPrefix(t.Path(), "tile/8/")
}

func (h *Handler) serveTile(w http.ResponseWriter, r *http.Request) {
	t, err := ParsePath("tile/" + r.PathValue("path"))
	if err != nil {
		writeError(w, http.StatusNotFound, "bad_path", err.Error())
		return
	}
	_, last := h.log.LastCheckpoint()
	if !published(t, last.Size) {
		writeError(w, http.StatusNotFound, "not_found", fmt.Sprintf("tile %s is beyond the signed tree of size %d", Path(t), last.Size))
		return
	}
	var data []byte
	if t.L == -1 {
		data, err = h.bundle(t)
	} else {
		data, err = tlog.ReadTileData(t, h.log)
	}
	if errors.Is(err, errEntryTooLarge) {
		writeError(w, http.StatusNotImplemented, "entry_too_large", err.Error())
		return
	}
	if err != nil {
		h.cfg.logger.Error("tiles: reading tile", "origin", h.log.Origin(), "tile", Path(t), "err", err)
		writeError(w, http.StatusServiceUnavailable, "unavailable", "tile unavailable")
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Cache-Control", h.cacheControl("max-age=31536000, immutable"))
	w.Write(data)
}

// published reports whether tile t exists in the tree of size n: its last
// hash (or entry) covers records below n.
func published(t tlog.Tile, n uint64) bool {
	level := t.L
	if level == -1 {
		level = 0
	}
	// The tile's hashes each cover 256^level records; the tile ends after
	// (N*256 + W) of them.
	shift := uint(level * TileHeight)
	if shift >= 64 || t.N < 0 || t.W < 1 || t.W > 1<<TileHeight {
		return false
	}
	avail := n >> shift
	if uint64(t.N) > avail>>TileHeight {
		return false
	}
	return uint64(t.N)<<TileHeight+uint64(t.W) <= avail
}

var errEntryTooLarge = errors.New("tiles: record too large for an entry bundle")

func (h *Handler) bundle(t tlog.Tile) ([]byte, error) {
	start := uint64(t.N) << TileHeight
	var b []byte
	for i := start; i < start+uint64(t.W); i++ {
		rec, err := h.log.Record(i)
		if err != nil {
			return nil, err
		}
		if len(rec) > maxEntry {
			return nil, fmt.Errorf("%w: record %d has %d bytes, at most %d fit", errEntryTooLarge, i, len(rec), maxEntry)
		}
		b = binary.BigEndian.AppendUint16(b, uint16(len(rec)))
		b = append(b, rec...)
	}
	return b, nil
}

// ParseBundle splits an entry bundle into its records.
func ParseBundle(data []byte) ([][]byte, error) {
	var out [][]byte
	for len(data) > 0 {
		if len(data) < 2 {
			return nil, errors.New("tiles: entry bundle ends inside a length")
		}
		n := int(binary.BigEndian.Uint16(data))
		if len(data)-2 < n {
			return nil, fmt.Errorf("tiles: entry of %d bytes, %d left in the bundle", n, len(data)-2)
		}
		out = append(out, data[2:2+n])
		data = data[2+n:]
	}
	return out, nil
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(struct {
		Error string `json:"error"`
		Code  string `json:"code"`
	}{msg, code})
}
