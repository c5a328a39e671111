// Command bundle-verify checks a provenance bundle against its signer's
// public key and lists what it holds:
//
//	bundle-verify provenance_bundle.tar -key ed25519:z6Mk...
//	bundle-verify provenance_bundle.tar -key signer.pub -extract ./members
//
// It verifies the signed manifest and every member in one pass, then
// prints the members (name, size, blake3 digest), the Merkle root, the
// signer and the issuer. With -extract it writes the members into DIR, but
// only after the whole bundle verified: they are staged beside DIR and
// renamed into place at the end, so a bundle that fails leaves nothing.
package main

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/accordsdk/accord/bundle"
	"github.com/accordsdk/accord/examples/internal/cli"
)

func main() { cli.Main(command()) }

func command() *cli.Command {
	var key, extract string
	return &cli.Command{
		Name:    "bundle-verify",
		Purpose: "verify a provenance bundle against its signer's key and list its members",
		Args:    "FILE",
		MinArgs: 1, MaxArgs: 1,
		Workflow: `Usual workflow: bundle-verify FILE -key KEY, where KEY is the signer's public
key (ed25519:z..., or a file holding it; for a call-home bundle, the Local
Registry's lr.pub). -extract DIR writes the members into DIR (which must not
exist yet) once the whole bundle has verified.`,
		Flags: func(f *cli.FlagSet) {
			f.String(&key, "key", "", "the signer's public `KEY` (ed25519:z... or a file)").Env("BUNDLE_SIGNER_KEY").Required()
			f.String(&extract, "extract", "", "write the members into `DIR` after the bundle verified")
		},
		Check: func(e *cli.Env) error {
			if extract != "" {
				if _, err := os.Stat(extract); err == nil {
					return e.Flags.Invalid("extract", "already exists; give a new directory")
				}
			}
			return nil
		},
		Run: func(ctx context.Context, e *cli.Env) error { return run(e, e.Args[0], key, extract) },
	}
}

// signerKey returns KEY, or the key held in the file KEY names.
func signerKey(v string) (string, error) {
	if strings.Contains(v, ":") && !strings.ContainsAny(v, "/\\") {
		return v, nil
	}
	b, err := os.ReadFile(v)
	if err != nil {
		return "", fmt.Errorf("invalid -key: neither a key string nor a readable file: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

func run(e *cli.Env, path, keyArg, extract string) error {
	key, err := signerKey(keyArg)
	if err != nil {
		return err
	}
	if err := cli.CheckTarFile(path); err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()

	var stage string
	var member func(string, io.Reader) error
	if extract != "" {
		abs, err := filepath.Abs(extract)
		if err != nil {
			return err
		}
		if stage, err = os.MkdirTemp(filepath.Dir(abs), "."+filepath.Base(abs)+".partial-"); err != nil {
			return fmt.Errorf("-extract: %w", err)
		}
		defer os.RemoveAll(stage)
		member = func(name string, r io.Reader) error { return stageMember(stage, name, r) }
	}
	m, err := bundle.Verify(f, key, member, bundle.WithMemberTable())
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if extract != "" {
		if err := os.Rename(stage, extract); err != nil {
			return fmt.Errorf("-extract: %w", err)
		}
	}
	info := m.Info()
	fmt.Fprintf(e.Stdout, "verified %s: %d members, %d bytes\n", path, m.Len(), m.TotalSize())
	root := m.Root()
	fmt.Fprintf(e.Stdout, "root    %s\n", base64.StdEncoding.EncodeToString(root[:]))
	fmt.Fprintf(e.Stdout, "signer  %s\n", info.Signer)
	if info.Issuer != "" {
		fmt.Fprintf(e.Stdout, "issuer  %s\n", info.Issuer)
	}
	if !info.CreatedAt.IsZero() {
		fmt.Fprintf(e.Stdout, "created %s\n", info.CreatedAt.Format("2006-01-02 15:04:05Z07:00"))
	}
	for i := range m.Len() {
		mb := m.Member(i)
		fmt.Fprintf(e.Stdout, "  %10d  %s  %s\n", mb.Size, mb.Digest, mb.Name)
	}
	if extract != "" {
		fmt.Fprintf(e.Stdout, "extracted %d members into %s\n", m.Len(), extract)
	}
	return nil
}

// stageMember writes one member under stage; names are the bundle's
// canonical relative names, checked again here.
func stageMember(stage, name string, r io.Reader) error {
	if !filepath.IsLocal(filepath.FromSlash(name)) {
		return errors.New("member name is not a local path")
	}
	path := filepath.Join(stage, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, r); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
