#!/usr/bin/env bash
# Independent Node.js verifiers of the wire vectors of cahp, pairing,
# federation, governance, envelope and chp (internal/xcheck/node), written
# from the package docs alone, and their mutation self-test. Installs their
# pinned dependencies (npm ci, from package-lock.json) beside a temporary
# copy of the verifiers and runs them against this checkout's testdata: one
# line per vector, and any mismatch fails the check.
set -euo pipefail
cd "$(dirname "$0")/../.."
src=internal/xcheck/node
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	if [ "${CI:-}" = "true" ]; then
		echo "node and npm are required in CI to run the independent verifiers"; exit 1
	fi
	echo "skipping: node or npm not found"; exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$src"/package.json "$src"/package-lock.json "$src"/*.mjs "$tmp/"
(cd "$tmp" && npm ci --no-audit --no-fund --loglevel=error)
ACCORD_ROOT="$PWD" node "$tmp/run.mjs"
