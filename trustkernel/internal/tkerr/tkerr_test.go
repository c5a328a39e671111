package tkerr

import (
	"errors"
	"testing"
)

func TestErrorf(t *testing.T) {
	const p = "pkg: "
	sentinel := errors.New("pkg: bad thing")
	inner := Errorf(p, "%w: detail", sentinel)
	if got, want := inner.Error(), "pkg: bad thing: detail"; got != want {
		t.Fatalf("inner: %q, want %q", got, want)
	}
	outer := Errorf(p, "reading %s: %w", "x", inner)
	if got, want := outer.Error(), "pkg: reading x: bad thing: detail"; got != want {
		t.Fatalf("outer: %q, want %q", got, want)
	}
	if !errors.Is(outer, sentinel) {
		t.Fatal("sentinel lost from the chain")
	}
	foreign := Errorf(p, "%w", Trimmed{Err: errors.New("other: failed"), Prefix: "other: "})
	if got, want := foreign.Error(), "pkg: failed"; got != want {
		t.Fatalf("foreign: %q, want %q", got, want)
	}
}
