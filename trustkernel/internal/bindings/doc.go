// Package bindings holds the abigen v2 Go bindings of the trustkernel
// contracts (ReleaseRegistry, InstanceController, InstanceFactory, Anchor),
// generated from the committed artifacts in ../../contracts/artifacts by
// `go generate ./trustkernel`. Do not edit the generated files; change the
// Solidity sources and regenerate. Most users want the higher-level API of
// package trustkernel, which builds calls with these bindings.
package bindings
