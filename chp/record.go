package chp

import (
	"encoding/binary"
	"fmt"
)

// Record is one entry of a Local Registry's log: the heartbeat exactly as
// the instance posted it (a plain chp-v1 JSON object or a sealed envelope)
// and the signed ACK exactly as the registry sent it.
//
// Its binary form, the leaf of the log's Merkle tree, is
//
//	uint32 big-endian length of Heartbeat || Heartbeat || Ack
//
// so that anyone holding the two members of a provenance bundle can
// rebuild the leaf and check it against the registry's checkpoint.
type Record struct {
	Heartbeat []byte
	Ack       []byte
}

// maxPacket is the largest heartbeat or ACK accepted anywhere in chp.
const maxPacket = 64 << 10

// MarshalBinary returns the record's log form.
func (r Record) MarshalBinary() ([]byte, error) {
	if len(r.Heartbeat) == 0 || len(r.Heartbeat) > maxPacket || len(r.Ack) == 0 || len(r.Ack) > maxPacket {
		return nil, fmt.Errorf("%w: record parts of %d and %d bytes, want 1..%d each", ErrMalformed, len(r.Heartbeat), len(r.Ack), maxPacket)
	}
	b := make([]byte, 4, 4+len(r.Heartbeat)+len(r.Ack))
	binary.BigEndian.PutUint32(b, uint32(len(r.Heartbeat)))
	b = append(b, r.Heartbeat...)
	return append(b, r.Ack...), nil
}

// UnmarshalBinary parses a record's log form. The parts alias b.
func (r *Record) UnmarshalBinary(b []byte) error {
	if len(b) < 4 {
		return fmt.Errorf("%w: record of %d bytes", ErrMalformed, len(b))
	}
	n := binary.BigEndian.Uint32(b)
	if n == 0 || n > maxPacket || uint64(n) >= uint64(len(b)-4) || len(b)-4-int(n) > maxPacket {
		return fmt.Errorf("%w: record heartbeat length %d in %d bytes", ErrMalformed, n, len(b))
	}
	r.Heartbeat, r.Ack = b[4:4+n], b[4+n:]
	return nil
}
