package main

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"golang.org/x/term"

	"github.com/accordsdk/accord/examples/internal/cli"
)

// passwordEnv holds the keystore passphrase when no -password-file is given.
const passwordEnv = "TRUSTKERNEL_PASSWORD"

// keyFlags name the EVM key that signs: a go-ethereum keystore file (the
// encrypted JSON "UTC--..." files geth, clef, cast and other Ethereum tools
// write), or a keystore directory and the address to use from it. A raw
// private key is never accepted on the command line or in the environment.
type keyFlags struct {
	keystore, from, passwordFile string
}

func (k *keyFlags) declare(f *cli.FlagSet) {
	f.String(&k.keystore, "keystore", "", "go-ethereum keystore `file` (or directory, with -from) of the signing key").Env("TRUSTKERNEL_KEYSTORE")
	f.String(&k.from, "from", "", "with a keystore directory: the `address` whose key signs").Env("TRUSTKERNEL_FROM")
	f.String(&k.passwordFile, "password-file", "", "`file` whose first line is the keystore passphrase (else $"+passwordEnv+", else a prompt on the terminal)").Env("TRUSTKERNEL_PASSWORD_FILE")
}

// load decrypts the key. The keystore file and the password file must not
// be readable by group or others, as geth writes them.
func (k *keyFlags) load(e *cli.Env) (*ecdsa.PrivateKey, error) {
	if k.keystore == "" {
		return nil, cli.Exit(2, errors.New("missing -keystore (or $TRUSTKERNEL_KEYSTORE): the signing key's keystore file"))
	}
	path, err := k.keyFile()
	if err != nil {
		return nil, err
	}
	if err := private(path); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	addr, err := keystoreAddress(data)
	if err != nil {
		return nil, fmt.Errorf("keystore %s: %w", path, err)
	}
	pass, err := k.passphrase(e, addr)
	if err != nil {
		return nil, err
	}
	key, err := keystore.DecryptKey(data, pass)
	if err != nil {
		return nil, fmt.Errorf("keystore %s: %w", path, err)
	}
	if got := crypto.PubkeyToAddress(key.PrivateKey.PublicKey); got != addr {
		return nil, fmt.Errorf("keystore %s names %s but holds the key of %s", path, addr.Hex(), got.Hex())
	}
	return key.PrivateKey, nil
}

// keyFile resolves -keystore (and -from for a directory) to one file.
func (k *keyFlags) keyFile() (string, error) {
	st, err := os.Stat(k.keystore)
	if err != nil {
		return "", err
	}
	if !st.IsDir() {
		if k.from != "" {
			return "", cli.Exit(2, errors.New("-from selects a key in a keystore directory; -keystore names a file"))
		}
		return k.keystore, nil
	}
	if !common.IsHexAddress(k.from) {
		return "", cli.Exit(2, fmt.Errorf("-keystore %s is a directory: -from must name the address whose key signs", k.keystore))
	}
	want := common.HexToAddress(k.from)
	entries, err := os.ReadDir(k.keystore)
	if err != nil {
		return "", err
	}
	for _, ent := range entries {
		if !ent.Type().IsRegular() || strings.HasPrefix(ent.Name(), ".") {
			continue
		}
		p := filepath.Join(k.keystore, ent.Name())
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if a, err := keystoreAddress(data); err == nil && a == want {
			return p, nil
		}
	}
	return "", fmt.Errorf("no key for %s in keystore directory %s", want.Hex(), k.keystore)
}

// keystoreAddress reads the address a keystore file says it holds.
func keystoreAddress(data []byte) (common.Address, error) {
	var j struct {
		Address string `json:"address"`
	}
	if err := json.Unmarshal(data, &j); err != nil {
		return common.Address{}, errors.New("not a keystore file (JSON with an address)")
	}
	if !common.IsHexAddress(j.Address) {
		return common.Address{}, errors.New("not a keystore file: no address")
	}
	return common.HexToAddress(j.Address), nil
}

// passphrase reads the passphrase from -password-file, then the
// environment, then the terminal.
func (k *keyFlags) passphrase(e *cli.Env, addr common.Address) (string, error) {
	if k.passwordFile != "" {
		if err := private(k.passwordFile); err != nil {
			return "", err
		}
		data, err := os.ReadFile(k.passwordFile)
		if err != nil {
			return "", err
		}
		line, _, _ := bytes.Cut(data, []byte("\n"))
		return strings.TrimSuffix(string(line), "\r"), nil
	}
	if p := e.Getenv(passwordEnv); p != "" {
		return p, nil
	}
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		return "", fmt.Errorf("no passphrase for %s: give -password-file or $%s, or run on a terminal", addr.Hex(), passwordEnv)
	}
	fmt.Fprintf(e.Stderr, "passphrase for %s: ", addr.Hex())
	p, err := term.ReadPassword(fd)
	fmt.Fprintln(e.Stderr)
	if err != nil {
		return "", fmt.Errorf("reading the passphrase: %w", err)
	}
	return string(p), nil
}

// private refuses a secret file that group or others can read.
func private(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("%s has mode %04o: a key or passphrase file must not be readable by group or others (chmod 600)", path, st.Mode().Perm())
	}
	return nil
}

// readLine reads a one-line text file (a signature, an address).
func readLine(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	if !s.Scan() {
		return "", fmt.Errorf("%s is empty", path)
	}
	return strings.TrimSpace(s.Text()), nil
}
