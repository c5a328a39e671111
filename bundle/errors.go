package bundle

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error returned by [Verify], [NewWriter], [Writer.Add]
// and [Writer.Close] that concerns the bundle's content wraps exactly one of
// these (or a typed error whose Is method matches one), so callers can tell
// the failures apart with [errors.Is].
var (
	// ErrNoSignature: the archive has no signatures/manifest.sig in third place.
	ErrNoSignature = errors.New("bundle: no manifest signature")
	// ErrWrongKey: the manifest is signed, but not by the pinned key.
	ErrWrongKey = errors.New("bundle: manifest signed by another key")
	// ErrBadSignature: signatures/manifest.sig is malformed or does not verify.
	ErrBadSignature = errors.New("bundle: bad manifest signature")
	// ErrMissingHeader: bundle.json or manifest.json is not where it must be.
	ErrMissingHeader = errors.New("bundle: missing header member")
	// ErrDigestMismatch: a member's blake3 digest is not the signed one
	// (an altered member). Returned as a [*MismatchError].
	ErrDigestMismatch = errors.New("bundle: member digest mismatch")
	// ErrSizeMismatch: a member's size is not the signed one (an altered
	// member). Returned as a [*MismatchError].
	ErrSizeMismatch = errors.New("bundle: member size mismatch")
	// ErrUnexpectedMember: the archive holds a member the manifest does not
	// list (an added member).
	ErrUnexpectedMember = errors.New("bundle: member not in manifest")
	// ErrMissingMember: a member the manifest lists is absent.
	ErrMissingMember = errors.New("bundle: member missing")
	// ErrDuplicateMember: a name occurs twice.
	ErrDuplicateMember = errors.New("bundle: duplicate member name")
	// ErrPathEscape: a name has a ".." element.
	ErrPathEscape = errors.New("bundle: member name escapes the bundle")
	// ErrAbsolutePath: a name is absolute ("/x", "C:x").
	ErrAbsolutePath = errors.New("bundle: absolute member name")
	// ErrInvalidName: a name is empty, too long, not UTF-8, has empty or "."
	// elements, or characters outside the allowed set.
	ErrInvalidName = errors.New("bundle: invalid member name")
	// ErrReservedName: a member name is one of the header names.
	ErrReservedName = errors.New("bundle: reserved member name")
	// ErrNotRegular: an entry is a link, device, directory or FIFO. Returned
	// as an [*EntryTypeError].
	ErrNotRegular = errors.New("bundle: entry is not a regular file")
	// ErrMemberTooLarge: a member (or header member) is over its size limit.
	ErrMemberTooLarge = errors.New("bundle: member over size limit")
	// ErrTooManyMembers: the bundle has more members than the limit.
	ErrTooManyMembers = errors.New("bundle: too many members")
	// ErrTruncated: the archive ends before its end-of-archive marker.
	ErrTruncated = errors.New("bundle: truncated archive")
	// ErrTrailingData: something other than zero padding follows the
	// end-of-archive marker.
	ErrTrailingData = errors.New("bundle: trailing data after archive end")
	// ErrMetadataMismatch: bundle.json, manifest.json and the signed payload
	// disagree. Returned as a [*DisagreementError].
	ErrMetadataMismatch = errors.New("bundle: manifest and metadata disagree")
	// ErrMalformed: a tar header, padding, manifest.json or bundle.json is
	// not in the one canonical form this package writes.
	ErrMalformed = errors.New("bundle: malformed bundle")
	// ErrWriterClosed: the Writer was used after Close.
	ErrWriterClosed = errors.New("bundle: writer closed")
	// ErrBadProof: a member inclusion proof does not verify.
	ErrBadProof = errors.New("bundle: bad member proof")
	// ErrNoMemberTable: the Manifest was read without its member table
	// (see [WithMemberTable] and [ReadManifest]).
	ErrNoMemberTable = errors.New("bundle: manifest has no member table")
)

// MismatchError reports a member whose size or digest differs from the
// signed manifest. It matches [ErrSizeMismatch] or [ErrDigestMismatch].
type MismatchError struct {
	Name  string // member name
	Field string // "size" or "digest"
	Got   string
	Want  string
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("bundle: member %q: %s %s, want %s", e.Name, e.Field, e.Got, e.Want)
}

// Is matches ErrSizeMismatch or ErrDigestMismatch according to Field.
func (e *MismatchError) Is(target error) bool {
	if e.Field == "size" {
		return target == ErrSizeMismatch
	}
	return target == ErrDigestMismatch
}

// EntryTypeError reports a tar entry that is not a regular file. It matches
// [ErrNotRegular].
type EntryTypeError struct {
	Name     string // entry name as found in the header
	Typeflag byte   // tar typeflag, e.g. '2' for a symbolic link
}

func (e *EntryTypeError) Error() string {
	return fmt.Sprintf("bundle: entry %q has tar type %q (%s), want a regular file", e.Name, e.Typeflag, typeName(e.Typeflag))
}

// Is matches ErrNotRegular.
func (e *EntryTypeError) Is(target error) bool { return target == ErrNotRegular }

func typeName(t byte) string {
	switch t {
	case '1':
		return "hard link"
	case '2':
		return "symbolic link"
	case '3':
		return "character device"
	case '4':
		return "block device"
	case '5':
		return "directory"
	case '6':
		return "fifo"
	default:
		return "unsupported type"
	}
}

// DisagreementError reports a field on which bundle.json, manifest.json and
// the signed payload disagree. It matches [ErrMetadataMismatch].
type DisagreementError struct {
	Field string // e.g. "member_count"
	In    string // the document holding Got, e.g. "bundle.json"
	Got   string
	Want  string // the value computed from the signed manifest
}

func (e *DisagreementError) Error() string {
	return fmt.Sprintf("bundle: %s %s is %s, want %s", e.In, e.Field, e.Got, e.Want)
}

// Is matches ErrMetadataMismatch.
func (e *DisagreementError) Is(target error) bool { return target == ErrMetadataMismatch }
