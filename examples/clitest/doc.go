// Package clitest runs the built example binaries as an operator would and
// checks their exit status, standard streams and files: the call-home
// tools (chp-registry, chp-instance, registry-export, registry-import),
// bundle-verify and the tour. It has no code of its own; the tests build
// the binaries once into a temporary directory.
package clitest
