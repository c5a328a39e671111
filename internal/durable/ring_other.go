//go:build !linux

package durable

import (
	"errors"
	"os"
)

// ring is io_uring, which exists on Linux only: elsewhere the committer
// calls fsync(2).
type ring struct{}

var errRing = errors.New("durable: no io_uring")

func newRing(string, *os.File) (*ring, error) { return nil, errRing }
func (*ring) datasync() error                 { return errRing }
func (*ring) close()                          {}
