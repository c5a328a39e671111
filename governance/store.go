package governance

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"golang.org/x/mod/sumdb/note"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/internal/merklelog"
	"github.com/accordsdk/accord/internal/tiles"
)

// A Scroll is one append-only log of receipts, an RFC 6962 Merkle log with
// signed checkpoints. Nothing in it offers modify or delete.
type Scroll interface {
	// Append stores a receipt durably and returns its index.
	Append(ctx context.Context, receipt []byte) (uint64, error)
	// Size returns the number of receipts.
	Size() uint64
	// Record returns the receipt at index.
	Record(index uint64) ([]byte, error)
	// Checkpoint returns a C2SP signed checkpoint covering every receipt,
	// signed by the scroll's key with the scroll's origin. An
	// implementation never signs a tree that does not extend one it signed
	// before.
	Checkpoint(ctx context.Context) ([]byte, error)
}

// A Store holds scrolls by name. [OpenFileStore] is the default.
type Store interface {
	// Scroll opens (creating if need be) the scroll with the given name.
	Scroll(name string) (Scroll, error)
	// Scrolls lists the names of the scrolls the store holds, sorted.
	Scrolls() ([]string, error)
	// Origin returns the checkpoint origin of the named scroll.
	Origin(name string) string
}

// FileStore keeps each scroll as a durable Merkle log in its own directory
// under dir/scrolls/<name>, with checkpoints whose origin is
// "<origin>/<name>", signed by one Ed25519 key.
type FileStore struct {
	dir    string
	origin string
	key    ed25519.PrivateKey

	mu   sync.Mutex
	logs map[string]*merklelog.Log
}

// OpenFileStore opens or creates a store in dir. origin is the prefix of
// every scroll's checkpoint origin (for example "gov.example.org"); key
// signs the checkpoints.
func OpenFileStore(dir, origin string, key ed25519.PrivateKey) (*FileStore, error) {
	if origin == "" || len(key) != ed25519.PrivateKeySize {
		return nil, errors.New("governance: file store: want an origin and an Ed25519 key")
	}
	if err := os.MkdirAll(filepath.Join(dir, "scrolls"), 0o755); err != nil {
		return nil, fmt.Errorf("governance: file store: %w", err)
	}
	return &FileStore{dir: dir, origin: origin, key: key, logs: map[string]*merklelog.Log{}}, nil
}

// Origin returns "<origin>/<name>".
func (s *FileStore) Origin(name string) string { return s.origin + "/" + name }

// Verifier returns the verifier of the named scroll's checkpoints.
func (s *FileStore) Verifier(name string) (note.Verifier, error) {
	return checkpoint.NewVerifier(s.Origin(name), s.key.Public().(ed25519.PublicKey))
}

// Scroll opens the named scroll.
func (s *FileStore) Scroll(name string) (Scroll, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l, ok := s.logs[name]; ok {
		return l, nil
	}
	if !isScrollName(name) {
		return nil, fmt.Errorf("%w: scroll name %.64q", ErrMalformed, name)
	}
	signer, err := checkpoint.NewSigner(s.Origin(name), s.key)
	if err != nil {
		return nil, fmt.Errorf("governance: scroll %s: %w", name, err)
	}
	l, err := merklelog.Open(filepath.Join(s.dir, "scrolls", name), merklelog.Options{Origin: s.Origin(name), Signer: signer})
	if err != nil {
		return nil, fmt.Errorf("governance: scroll %s: %w", name, err)
	}
	s.logs[name] = l
	return l, nil
}

// Scrolls lists the scrolls in the store's directory.
func (s *FileStore) Scrolls() ([]string, error) {
	ents, err := os.ReadDir(filepath.Join(s.dir, "scrolls"))
	if err != nil {
		return nil, fmt.Errorf("governance: file store: %w", err)
	}
	var out []string
	for _, e := range ents {
		if e.IsDir() && isScrollName(e.Name()) {
			out = append(out, e.Name())
		}
	}
	slices.Sort(out)
	return out, nil
}

// Handler serves the named scroll as a c2sp.org/tlog-tiles log (its signed
// checkpoint, Merkle tiles and entry bundles, read-only), so that any tiles
// client can fetch and check its receipts; mount it with
// [http.StripPrefix]. A nil authorize publishes the scroll to everyone:
// the Governance scroll is public (every party may audit it). For any other
// scroll pass the function that admits only the parties entitled to it (a
// federation's trust levels); it sees every request first, and an error
// refuses the request with 403.
func (s *FileStore) Handler(name string, authorize func(r *http.Request) error) (http.Handler, error) {
	sc, err := s.Scroll(name)
	if err != nil {
		return nil, err
	}
	var opts []tiles.Option
	if authorize != nil {
		opts = append(opts, tiles.WithAuthorizer(authorize))
	}
	h, err := tiles.NewHandler(sc.(*merklelog.Log), opts...)
	if err != nil {
		return nil, fmt.Errorf("governance: scroll %s: %w", name, err)
	}
	return h, nil
}

// Close closes every open scroll.
func (s *FileStore) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for name, l := range s.logs {
		errs = append(errs, l.Close())
		delete(s.logs, name)
	}
	return errors.Join(errs...)
}
