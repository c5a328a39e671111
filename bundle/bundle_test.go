package bundle

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRoundTrip(t *testing.T) {
	s, pub := newSigner(1)
	b := build(t, s, testMembers())
	got, m, err := collect(b, pub)
	require.NoError(t, err)
	for _, tm := range testMembers() {
		assert.Equal(t, tm.body, got[tm.name])
	}
	assert.Equal(t, 4, m.Len())
	assert.Equal(t, "lr-test", m.Info().Issuer)
	assert.True(t, m.Info().CreatedAt.Equal(testTime))
}
