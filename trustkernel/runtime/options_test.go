package runtime

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel/integrity"
)

type noManifests struct{}

func (noManifests) Manifest(context.Context, [32]byte) (*integrity.Manifest, error) {
	return nil, ErrNoTrustedState
}

// TestOptionsValidated: New refuses a bad option with the option's error,
// prefixed once, and accepts every option with good values.
func TestOptionsValidated(t *testing.T) {
	src := stateFunc(func(context.Context) (*Observation, error) { return nil, ErrNoTrustedState })
	ob, err := OpenOutbox(filepath.Join(t.TempDir(), "ob"))
	require.NoError(t, err)
	send := func(context.Context, Action) error { return nil }
	for _, tc := range []struct {
		desc string
		opts []Option
		want string
	}{
		{"nil clock", []Option{WithClock(nil)}, "nil clock"},
		{"nil logger", []Option{WithLogger(nil)}, "nil logger"},
		{"outbox without sender", []Option{WithOutbox(ob, nil)}, "outbox option needs an outbox and a sender"},
		{"sender without outbox", []Option{WithOutbox(nil, send)}, "outbox option needs an outbox and a sender"},
		{"install without manifest", []Option{WithInstall("/srv/app", "")}, "install option needs a directory and a manifest path"},
		{"install without directory", []Option{WithInstall("", "/srv/m.json")}, "install option needs a directory and a manifest path"},
		{"chain install without source", []Option{WithChainInstall("/srv/app", nil)}, "chain install option needs a directory and a manifest source"},
		{"two install checks", []Option{WithInstall("/srv/app", "/srv/m.json"), WithChainInstall("/srv/app", noManifests{})}, "two install options"},
		{"nil option", []Option{nil}, "nil option"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			rt, err := New(src, NewPolicy(0), tc.opts...)
			require.Error(t, err)
			assert.Nil(t, rt)
			assert.Contains(t, err.Error(), tc.want)
			assert.True(t, strings.HasPrefix(err.Error(), "trustkernel/runtime: "), err.Error())
			assert.Equal(t, 1, strings.Count(err.Error(), "trustkernel"), err.Error())
		})
	}
	_, err = New(nil, NewPolicy(0))
	require.Error(t, err)
	_, err = New(src, Policy{})
	require.Error(t, err, "the zero policy is not valid")
	rt, err := New(src, NewPolicy(0), WithClock(time.Now), WithLogger(slog.New(slog.DiscardHandler)),
		WithOutbox(ob, send), WithChainInstall("/srv/app", noManifests{}))
	require.NoError(t, err)
	require.ErrorIs(t, rt.Refresh(context.Background()), ErrNoTrustedState)
	require.ErrorIs(t, rt.Decision().Reads, ErrNoTrustedState)
}
