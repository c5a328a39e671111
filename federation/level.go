package federation

import (
	"fmt"
	"strconv"
)

// Level is a trust level of an agreement, 0 to 4.
type Level int

// Trust levels and what each allows (each includes the ones below it).
const (
	// Isolated: no federation.
	Isolated Level = 0
	// Observe: read-only witness of the peer's public scrolls; reads public
	// receipts only.
	Observe Level = 1
	// Verify: mutual verification of the shared scrolls (witness cycle,
	// receipt sampling, /verify).
	Verify Level = 2
	// Attest: cross-attestation: cross-anchoring of each other's roots.
	Attest Level = 3
	// Integrate: shared scrolls and joint governance.
	Integrate Level = 4
)

var levelNames = [...]string{"isolated", "observe", "verify", "attest", "integrate"}

// Valid reports whether l is 0 to 4.
func (l Level) Valid() bool { return l >= Isolated && l <= Integrate }

// String returns the level's name ("verify").
func (l Level) String() string {
	if !l.Valid() {
		return "level(" + strconv.Itoa(int(l)) + ")"
	}
	return levelNames[l]
}

// ParseLevel parses a level given as its number ("2") or name ("verify").
func ParseLevel(s string) (Level, error) {
	for i, n := range levelNames {
		if s == n || s == strconv.Itoa(i) {
			return Level(i), nil
		}
	}
	return 0, fmt.Errorf("%w: trust level %q, want 0-4 or isolated, observe, verify, attest, integrate", ErrMalformed, s)
}

// Capability is something an agreement can allow a peer.
type Capability int

// Capabilities and the level each needs (see [Capability.MinLevel]).
const (
	ReadPublic      Capability = iota // read public scrolls and their receipts; witness them (observe)
	ReadShared                        // read the agreement's shared scrolls; witness cycle; /verify (verify)
	CrossAnchoring                    // submit cross anchors of each other's roots (attest)
	SharedScrolls                     // write to shared scrolls (integrate)
	JointGovernance                   // take part in the other mesh's governance (integrate)
)

var capNames = [...]string{"read public scrolls", "read shared scrolls", "cross-anchoring", "shared scrolls", "joint governance"}

// String names the capability.
func (c Capability) String() string {
	if c < 0 || int(c) >= len(capNames) {
		return "capability(" + strconv.Itoa(int(c)) + ")"
	}
	return capNames[c]
}

// MinLevel returns the lowest trust level that has the capability.
func (c Capability) MinLevel() Level {
	switch c {
	case ReadPublic:
		return Observe
	case ReadShared:
		return Verify
	case CrossAnchoring:
		return Attest
	}
	return Integrate
}

// Allows reports whether an agreement at level l allows c.
func (l Level) Allows(c Capability) bool { return l.Valid() && l >= c.MinLevel() }
