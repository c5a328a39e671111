#!/usr/bin/env bash
# Interop: accord's witness client against torchwood's litewitness, an
# independent c2sp.org/tlog-witness implementation, installed from the Go
# module proxy and run on loopback by federation's TestLitewitness.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
GOBIN="$bin" go install filippo.io/torchwood/cmd/litewitness@v0.6.1 filippo.io/torchwood/cmd/witnessctl@v0.6.1
ACCORD_LITEWITNESS="$bin" go test -count=1 -run '^TestLitewitness$' -v ./federation/ >"$bin/test.log" 2>&1 || {
	cat "$bin/test.log"; exit 1
}
grep -E '^(=== RUN|--- |ok|FAIL|PASS)' "$bin/test.log"
# The test skips without the binaries; make sure it ran and passed.
if ! grep -q -- '--- PASS: TestLitewitness' "$bin/test.log"; then
	echo "TestLitewitness did not run"; exit 1
fi
