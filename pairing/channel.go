package pairing

import "time"

const (
	// DefaultWindow is how old a swarm message may be.
	DefaultWindow = 5 * time.Minute
	// DefaultFutureSkew is how far ahead of this device's clock a swarm
	// message may be timestamped.
	DefaultFutureSkew = 30 * time.Second
	// DefaultGrace is how long, after a rotation, messages under the
	// previous epoch's secret are still accepted.
	DefaultGrace = 2 * time.Minute
)
