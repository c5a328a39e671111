package tkerr

import (
	"errors"
	"testing"
)

func TestErrorf(t *testing.T) {
	const p = "trustkernel/quorum: "
	sentinel := errors.New("trustkernel/quorum: bad thing")
	inner := Errorf(p, "%w: detail", sentinel)
	if got, want := inner.Error(), "trustkernel/quorum: bad thing: detail"; got != want {
		t.Fatalf("inner: %q, want %q", got, want)
	}
	outer := Errorf(p, "reading %s: %w", "x", inner)
	if got, want := outer.Error(), "trustkernel/quorum: reading x: bad thing: detail"; got != want {
		t.Fatalf("outer: %q, want %q", got, want)
	}
	if !errors.Is(outer, sentinel) {
		t.Fatal("sentinel lost from the chain")
	}
	// Another package of the family wrapping it names itself only.
	root := Errorf("trustkernel: ", "snapshot of %s: %w", "0xaa", outer)
	if got, want := root.Error(), "trustkernel: snapshot of 0xaa: reading x: bad thing: detail"; got != want {
		t.Fatalf("root: %q, want %q", got, want)
	}
	rt := Errorf("trustkernel/runtime: ", "%w: %w", errors.New("trustkernel/runtime: rpc quorum lost"), root)
	if got, want := rt.Error(), "trustkernel/runtime: rpc quorum lost: snapshot of 0xaa: reading x: bad thing: detail"; got != want {
		t.Fatalf("runtime: %q, want %q", got, want)
	}
	if !errors.Is(rt, sentinel) {
		t.Fatal("sentinel lost from the chain across packages")
	}
	// A sentinel of another package of the family first: its prefix is the
	// message's prefix.
	if got, want := Errorf("trustkernel: ", "%w: at %d", sentinel, 3).Error(), "trustkernel/quorum: bad thing: at 3"; got != want {
		t.Fatalf("foreign sentinel: %q, want %q", got, want)
	}
	foreign := Errorf(p, "%w", Trimmed{Err: errors.New("other: failed"), Prefix: "other: "})
	if got, want := foreign.Error(), "trustkernel/quorum: failed"; got != want {
		t.Fatalf("foreign: %q, want %q", got, want)
	}
	// Errors from outside the family keep their text.
	if got, want := Errorf(p, "dial: %w", errors.New("trustkernelx: refused")).Error(), "trustkernel/quorum: dial: trustkernelx: refused"; got != want {
		t.Fatalf("outside: %q, want %q", got, want)
	}
}

func TestFamilyPrefix(t *testing.T) {
	for s, want := range map[string]string{
		"trustkernel: x":           "trustkernel: ",
		"trustkernel/quorum: x":    "trustkernel/quorum: ",
		"trustkernel/runtime: x":   "trustkernel/runtime: ",
		"trustkernel/Quorum: x":    "",
		"trustkernel/: x":          "",
		"trustkernel/a b: x":       "",
		"trustkernelx: x":          "",
		"trustkernel":              "",
		"other: trustkernel: x":    "",
		"trustkernel/integrity: ":  "trustkernel/integrity: ",
		"trustkernel/integrity:x ": "",
	} {
		if got := FamilyPrefix(s); got != want {
			t.Errorf("FamilyPrefix(%q) = %q, want %q", s, got, want)
		}
	}
}
