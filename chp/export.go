package chp

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/accordsdk/accord/bundle"
	"github.com/accordsdk/accord/internal/merkletree"
	"github.com/accordsdk/accord/internal/spool"
)

// BundleFile is the name CHP v1 gives an exported bundle.
const BundleFile = "provenance_bundle.tar"

// metadataKey is the bundle.json metadata entry holding an [ExportInfo].
const metadataKey = "chp"

// ExportInfo is the chp metadata of a provenance bundle, stored in
// bundle.json under "chp" and so covered by the bundle's signature. It
// names the Local Registry, carries its admission certificate and the
// signed checkpoint the bundle ends at, and the compact Merkle tree at the
// range's start, with which an importer proves that the bundle's records
// are exactly the registry's log entries From..To-1.
type ExportInfo struct {
	Registry      string         `json:"registry"`
	PublicKey     string         `json:"public_key"`
	Fingerprint   string         `json:"fingerprint"`
	AdmissionCert *AdmissionCert `json:"admission_cert"`
	Checkpoint    string         `json:"checkpoint"` // LR signed note at To
	From          uint64         `json:"from"`
	To            uint64         `json:"to"`
	Frontier      []string       `json:"frontier"` // perfect subtree roots at From (base64)
	// KeyRotations are the registry's key rotation records, oldest first,
	// each in its log form ([KeyRotation]); absent if it never rotated.
	KeyRotations []json.RawMessage `json:"key_rotations,omitempty"`
}

// Member names of a provenance bundle. Record i of the Local Registry's
// log becomes two members: the heartbeat as posted and the ACK as sent,
// grouped a thousand to a directory:
//
//	acks/<i/1000, 9 digits>/<i, 12 digits>.json
//	heartbeats/<i/1000, 9 digits>/<i, 12 digits>.json
//
// A registry record i (a key rotation or an un-pin) becomes one member,
// its log form:
//
//	control/<i/1000, 9 digits>/<i, 12 digits>.json
//
// Zero padding makes name order log order (below 10^12 records).
const (
	ackDir       = "acks/"
	controlDir   = "control/"
	heartbeatDir = "heartbeats/"
)

func heartbeatMember(i uint64) string { return string(appendRecordMember(nil, heartbeatDir, i)) }

func ackMember(i uint64) string { return string(appendRecordMember(nil, ackDir, i)) }

// appendRecordMember appends the name of record i's member in dir, as
// fmt.Sprintf("%s%09d/%012d.json", dir, i/1000, i) would.
func appendRecordMember(dst []byte, dir string, i uint64) []byte {
	dst = append(dst, dir...)
	dst = appendPadded(dst, i/1000, 9)
	dst = append(dst, '/')
	dst = appendPadded(dst, i, 12)
	return append(dst, ".json"...)
}

// appendPadded appends n in decimal, zero-padded to at least width digits.
func appendPadded(dst []byte, n uint64, width int) []byte {
	var b [20]byte
	d := strconv.AppendUint(b[:0], n, 10)
	for range width - len(d) {
		dst = append(dst, '0')
	}
	return append(dst, d...)
}

// exportSpoolMemory is how much of an export's members the bundle writer,
// and of its heartbeats the export while it adds the ACKs, holds in memory
// before moving them to a file in the registry's spool directory.
const exportSpoolMemory = 1 << 20

// ExportOptions select the range of an export.
type ExportOptions struct {
	// From is the first log index; nil means the size at the end of the
	// last export (0 the first time), which makes exports incremental.
	From *uint64
	// To is the log size the bundle ends at; 0 means the current size. A
	// To below the current size must be the end of an earlier export (its
	// checkpoint is reused).
	To uint64
}

// ExportResult describes a written bundle.
type ExportResult struct {
	From, To   uint64
	CreatedAt  time.Time
	BundleRoot string // the manifest's Merkle root, base64
}

// exportEntry is one line of the registry's export history.
type exportEntry struct {
	From       uint64    `json:"from"`
	To         uint64    `json:"to"`
	Checkpoint string    `json:"checkpoint"`
	CreatedAt  time.Time `json:"created_at"`
}

// Export writes a provenance bundle of log records [From, To) to w,
// signed with the registry key: bundle.json (with the [ExportInfo]),
// manifest.json, signatures/manifest.sig, then acks/.../*.json and
// heartbeats/.../*.json. Exporting the same range again writes the same
// bytes. The registry's admission certificate must be installed and not
// revoked (a *[RevokedError] otherwise).
//
// Export adds the ACKs and then the heartbeats, so that the members reach
// the bundle writer in name order and its memory does not grow with the
// range (see [bundle.Writer]). Members are spooled in the registry's
// spool directory (spool/ in its directory, emptied when the registry
// opens) until the bundle is written.
func (r *LocalRegistry) Export(ctx context.Context, w io.Writer, opts ExportOptions) (*ExportResult, error) {
	rac := r.AdmissionCert()
	if rac == nil {
		return nil, fmt.Errorf("%w: install the registry's admission certificate before exporting", ErrAdmission)
	}
	if rv := r.Revoked(); rv != nil {
		return nil, fmt.Errorf("%w; install a new admission certificate before exporting", rv)
	}
	history, err := r.exports()
	if err != nil {
		return nil, err
	}
	cpText, cp, err := r.checkpoint(ctx)
	if err != nil {
		return nil, err
	}
	from := uint64(0)
	if len(history) > 0 {
		from = history[len(history)-1].To
	}
	if opts.From != nil {
		from = *opts.From
	}
	to, createdAt := cp.Size, r.now().UTC().Truncate(time.Second)
	if opts.To != 0 && opts.To != cp.Size {
		found := false
		for _, e := range history {
			if e.To == opts.To {
				to, cpText, found = e.To, []byte(e.Checkpoint), true
			}
		}
		if !found {
			return nil, fmt.Errorf("chp: export to %d: not the current size %d nor the end of an earlier export", opts.To, cp.Size)
		}
	}
	if from > to {
		return nil, fmt.Errorf("chp: export range [%d, %d) is empty or reversed", from, to)
	}
	for _, e := range history {
		if e.From == from && e.To == to {
			createdAt, cpText = e.CreatedAt, []byte(e.Checkpoint)
		}
	}
	fr, err := r.frontierAt(from)
	if err != nil {
		return nil, err
	}
	id := r.ident()
	info := ExportInfo{
		Registry: r.name, PublicKey: id.publicKey, Fingerprint: id.fingerprint, AdmissionCert: rac,
		Checkpoint: string(cpText), From: from, To: to, Frontier: fr.Encode(), KeyRotations: r.KeyRotations(),
	}
	bw, err := bundle.NewWriter(w, id.signer, bundle.WithIssuer(r.name), bundle.WithCreatedAt(createdAt),
		bundle.WithMetadata(metadataKey, info), bundle.WithTempDir(r.spoolDir), bundle.WithSpoolMemory(exportSpoolMemory))
	if err != nil {
		return nil, err
	}
	defer bw.Abort()
	if err := r.addMembers(ctx, bw, from, to); err != nil {
		return nil, err
	}
	if err := bw.Close(); err != nil {
		return nil, err
	}
	root := bw.Manifest().Root()
	res := &ExportResult{From: from, To: to, CreatedAt: createdAt, BundleRoot: b64std(root[:])}
	if len(history) == 0 || history[len(history)-1].To <= to {
		known := false
		for _, e := range history {
			known = known || (e.From == from && e.To == to)
		}
		if !known {
			history = append(history, exportEntry{From: from, To: to, Checkpoint: string(cpText), CreatedAt: createdAt})
			if err := r.saveExports(history); err != nil {
				return nil, err
			}
		}
	}
	return res, nil
}

// addMembers adds the members of records [from, to) to bw in name order:
// acks/ sorts before control/ and control/ before heartbeats/, and within
// each, zero-padded names sort in log order. It reads each record once,
// adding its ACK and keeping its heartbeat, or the registry record, each
// with its index, in an internal/spool (memory, then a file in the
// registry's spool directory) until all the ACKs are added.
func (r *LocalRegistry) addMembers(ctx context.Context, bw *bundle.Writer, from, to uint64) error {
	heartbeats := spool.New(r.spoolDir, exportSpoolMemory, 8+maxPacket)
	defer heartbeats.Close()
	controls := spool.New(r.spoolDir, 64<<10, 8+maxPacket)
	defer controls.Close()
	var name []byte
	var body bytes.Reader
	add := func(dir string, i uint64, part []byte) error {
		name = appendRecordMember(name[:0], dir, i)
		body.Reset(part)
		return bw.Add(string(name), &body)
	}
	var frame []byte
	for i := from; i < to; i++ {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		leaf, err := r.log.Record(i)
		if err != nil {
			return err
		}
		keep, part := controls, leaf
		if !isRegistryRecord(leaf) {
			var rec Record
			if err := rec.UnmarshalBinary(leaf); err != nil {
				return fmt.Errorf("record %d: %w", i, err)
			}
			if err := add(ackDir, i, rec.Ack); err != nil {
				return err
			}
			keep, part = heartbeats, rec.Heartbeat
		}
		frame = append(binary.BigEndian.AppendUint64(frame[:0], i), part...)
		if err := keep.Append(frame); err != nil {
			return fmt.Errorf("chp: export: keeping record %d: %w", i, err)
		}
	}
	for _, kept := range []struct {
		s   *spool.Spool
		dir string
	}{{controls, controlDir}, {heartbeats, heartbeatDir}} {
		rd, err := kept.s.Reader()
		if err != nil {
			return fmt.Errorf("chp: export: reading back: %w", err)
		}
		for n := 0; ; n++ {
			if n%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			p, err := rd.Next()
			if err == io.EOF {
				break
			}
			if err == nil && len(p) < 8 {
				err = fmt.Errorf("frame of %d bytes", len(p))
			}
			if err != nil {
				return fmt.Errorf("chp: export: reading back: %w", err)
			}
			if err := add(kept.dir, binary.BigEndian.Uint64(p), p[8:]); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *LocalRegistry) exports() ([]exportEntry, error) {
	b, err := os.ReadFile(filepath.Join(r.dir, lrExportsFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var h []exportEntry
	if err := decodeStrict(b, &h, false); err != nil {
		return nil, fmt.Errorf("%s: %w", lrExportsFile, err)
	}
	return h, nil
}

func (r *LocalRegistry) saveExports(h []exportEntry) error {
	b, err := json.MarshalIndent(h, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(r.dir, lrExportsFile, b)
}

// frontierAt returns the compact tree of the log's first n records, from
// the last record and its audit path in the tree of size n (the path holds
// the roots of all the perfect subtrees left of the last one), checked
// against the log's root at n.
func (r *LocalRegistry) frontierAt(n uint64) (merkletree.Frontier, error) {
	if n == 0 {
		return merkletree.Frontier{}, nil
	}
	rec, err := r.log.Record(n - 1)
	if err != nil {
		return merkletree.Frontier{}, err
	}
	proof, err := r.log.InclusionProof(n-1, n)
	if err != nil {
		return merkletree.Frontier{}, err
	}
	f, err := merkletree.FromInclusionProof(n, tlog.RecordHash(rec), proof)
	if err != nil {
		return merkletree.Frontier{}, fmt.Errorf("chp: frontier at %d: %w", n, err)
	}
	want, err := r.log.TreeHash(n)
	if err != nil {
		return merkletree.Frontier{}, err
	}
	if f.Root() != want {
		return merkletree.Frontier{}, fmt.Errorf("chp: frontier at %d does not reproduce the log root", n)
	}
	return f, nil
}
