// Package federation lets two independent meshes trust each other's logs:
// they discover each other, negotiate a trust agreement both sign, then
// witness each other's scrolls (accord Merkle logs) with
// c2sp.org/tlog-witness cosignatures and, at trust level 3 and above,
// cross-anchor each other's roots.
//
// The package documentation of the wire formats, the signatures and the
// endpoint table is in doc.go's sections below.
package federation
