// Package pairing joins devices into a swarm on display-only codes.
package pairing
