package checkpoint

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/accordsdk/accord/internal/strictb64"
)

// proofHeader is the first line of a C2SP tlog-proof.
const proofHeader = "c2sp.org/tlog-proof@v1"

// maxProofHashes bounds the inclusion proof of a tree of at most 2^63
// leaves.
const maxProofHashes = 63

// Proof is a self-contained, offline-verifiable proof that a record is in
// a log (c2sp.org/tlog-proof@v1, file extension .tlog-proof): the record's
// index, its inclusion proof, and the signed, optionally cosigned,
// checkpoint the proof leads to.
//
//	c2sp.org/tlog-proof@v1
//	extra <base64, optional>
//	index <decimal>
//	<one base64 hash per line: the inclusion proof>
//
//	<the checkpoint note, verbatim>
type Proof struct {
	// Extra is optional application data. It is not authenticated.
	Extra []byte
	// Index is the record's index in the log.
	Index uint64
	// Path is the inclusion proof of the record in the checkpoint's tree.
	Path tlog.RecordProof
	// Checkpoint is the signed checkpoint note, with any cosignatures.
	Checkpoint []byte
}

// Marshal encodes the proof in the tlog-proof text form.
func (p *Proof) Marshal() []byte {
	var b bytes.Buffer
	b.WriteString(proofHeader + "\n")
	if len(p.Extra) > 0 {
		b.WriteString("extra " + base64.StdEncoding.EncodeToString(p.Extra) + "\n")
	}
	b.WriteString("index " + strconv.FormatUint(p.Index, 10) + "\n")
	for _, h := range p.Path {
		b.WriteString(base64.StdEncoding.EncodeToString(h[:]) + "\n")
	}
	b.WriteString("\n")
	b.Write(p.Checkpoint)
	return b.Bytes()
}

// ParseProof parses a tlog-proof. It checks the form only: [Proof.Verify]
// checks the signatures and the inclusion proof. What it accepts,
// [Proof.Marshal] encodes back to the same bytes.
func ParseProof(data []byte) (*Proof, error) {
	bad := func(format string, args ...any) (*Proof, error) {
		return nil, fmt.Errorf("%w: tlog-proof: %s", ErrMalformed, fmt.Sprintf(format, args...))
	}
	rest := string(data)
	line := func() (string, bool) {
		l, r, ok := strings.Cut(rest, "\n")
		rest = r
		return l, ok
	}
	if l, ok := line(); !ok || l != proofHeader {
		return bad("first line %q, want %q", l, proofHeader)
	}
	p := &Proof{}
	l, ok := line()
	if e, found := strings.CutPrefix(l, "extra "); found && ok {
		extra, err := strictb64.Std(e)
		if err != nil || len(extra) == 0 {
			return bad("extra %q is not non-empty base64", e)
		}
		p.Extra = extra
		l, ok = line()
	}
	idx, found := strings.CutPrefix(l, "index ")
	if !found || !ok {
		return bad("line %q, want index", l)
	}
	n, err := strconv.ParseUint(idx, 10, 64)
	if err != nil || strconv.FormatUint(n, 10) != idx {
		return bad("index %q is not a decimal without leading zeros", idx)
	}
	p.Index = n
	for {
		l, ok := line()
		if !ok {
			return bad("no empty line before the checkpoint")
		}
		if l == "" {
			break
		}
		if len(p.Path) == maxProofHashes {
			return bad("more than %d proof hashes", maxProofHashes)
		}
		h, err := strictb64.Std(l)
		if err != nil || len(h) != tlog.HashSize {
			return bad("proof line %q is not base64 of %d bytes", l, tlog.HashSize)
		}
		p.Path = append(p.Path, tlog.Hash(h))
	}
	if rest == "" {
		return bad("no checkpoint")
	}
	p.Checkpoint = []byte(rest)
	return p, nil
}

// Verify checks the proof for record: the checkpoint must be signed by log
// and cosigned by at least threshold of witnesses (threshold may be 0),
// and the inclusion proof must lead from the record at Index to its root.
// It returns the verified checkpoint.
func (p *Proof) Verify(record []byte, log note.Verifier, witnesses []note.Verifier, threshold int) (Checkpoint, error) {
	c, _, err := VerifyCosigned(p.Checkpoint, log, witnesses, threshold)
	if err != nil {
		return Checkpoint{}, err
	}
	if err := VerifyInclusion(c, p.Index, record, p.Path); err != nil {
		return Checkpoint{}, err
	}
	return c, nil
}
