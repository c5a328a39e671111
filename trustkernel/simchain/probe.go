package simchain

import (
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// ProbeTopic returns the topic of the log the probe contract emits on every
// write.
func ProbeTopic() common.Hash { return crypto.Keccak256Hash([]byte("ProbeSet(bytes32)")) }

// ProbeRuntime returns the runtime code of the probe contract, assembled by
// hand so that quorum tests need no compiler:
//
//   - calldata of exactly 32 bytes: store it in slot 0 and emit
//     LOG1(topic ProbeTopic(), data = the 32 bytes);
//   - any other calldata: return slot 0 followed by the block number
//     (64 bytes), so reads pinned to different blocks give different answers.
func ProbeRuntime() []byte {
	code := []byte{
		0x36,       // CALLDATASIZE
		0x60, 0x20, // PUSH1 32
		0x14,       // EQ
		0x60, 0x16, // PUSH1 write
		0x57,       // JUMPI
		0x60, 0x00, // PUSH1 0
		0x54,       // SLOAD
		0x60, 0x00, // PUSH1 0
		0x52,       // MSTORE
		0x43,       // NUMBER
		0x60, 0x20, // PUSH1 32
		0x52,       // MSTORE
		0x60, 0x40, // PUSH1 64
		0x60, 0x00, // PUSH1 0
		0xf3,       // RETURN
		0x5b,       // JUMPDEST (write, 0x16)
		0x60, 0x00, // PUSH1 0
		0x35,       // CALLDATALOAD
		0x80,       // DUP1
		0x60, 0x00, // PUSH1 0
		0x55,       // SSTORE
		0x60, 0x00, // PUSH1 0
		0x52, // MSTORE
		0x7f, // PUSH32 topic
	}
	code = append(code, ProbeTopic().Bytes()...)
	code = append(code,
		0x60, 0x20, // PUSH1 32
		0x60, 0x00, // PUSH1 0
		0xa1, // LOG1
		0x00, // STOP
	)
	return code
}

// ProbeInitCode returns init code that deploys [ProbeRuntime].
func ProbeInitCode() []byte {
	rt := ProbeRuntime()
	init := []byte{
		0x60, byte(len(rt)), // PUSH1 len
		0x80,       // DUP1
		0x60, 0x0b, // PUSH1 11 (code offset of the runtime)
		0x60, 0x00, // PUSH1 0
		0x39,       // CODECOPY
		0x60, 0x00, // PUSH1 0
		0xf3, // RETURN
	}
	return append(init, rt...)
}
