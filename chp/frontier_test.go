package chp

import (
	"testing"

	"github.com/accordsdk/accord/internal/merkletree"
	"github.com/stretchr/testify/assert"
)

// TestParseFrontierIsBundleError: a malformed frontier in a bundle or the
// registry state is reported as inconsistent bundle contents.
func TestParseFrontierIsBundleError(t *testing.T) {
	_, err := parseFrontier(3, []string{"AAAA"})
	assert.ErrorIs(t, err, ErrBundle)
	assert.ErrorIs(t, err, merkletree.ErrFrontier)
}
