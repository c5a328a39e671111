package chp

import (
	"encoding/base64"
	"fmt"

	"github.com/accordsdk/accord/internal/merkletree"
)

// parseFrontier decodes the frontier of a tree of size records, as
// [ExportInfo] and the Global Registry's state carry it (see
// internal/merkletree for the form). A Global Registry grows it with the
// records of an incremental bundle to check that they extend the tree it
// saw last without holding that tree's records.
func parseFrontier(size uint64, enc []string) (merkletree.Frontier, error) {
	f, err := merkletree.ParseFrontier(size, enc)
	if err != nil {
		return merkletree.Frontier{}, fmt.Errorf("%w: %w", ErrBundle, err)
	}
	return f, nil
}

func b64std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
