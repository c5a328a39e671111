// Package chp implements the Call-Home Protocol (CHP v1) with its Sandbox
// Extension for air-gapped networks: instances call home to a Local
// Registry inside the enclave, the registry signs ACKs and keeps a durable
// Merkle log, exports signed provenance bundles that cross the air gap, and
// a Global Registry imports them and answers with a signed coherence
// receipt that the enclave verifies offline.
package chp
