#!/usr/bin/env bash
# Recompiles the trustkernel contracts with the pinned solc-js (npm ci, from
# package-lock.json) into a temporary folder, regenerates the abigen v2
# bindings there, and fails if either differs from what is committed.
set -euo pipefail
cd "$(dirname "$0")/../.."
src=trustkernel/contracts
if ! command -v npm >/dev/null 2>&1; then
	if [ "${CI:-}" = "true" ]; then
		echo "npm is required in CI to rebuild the trustkernel contracts"; exit 1
	fi
	echo "skipping: npm not found (the committed artifacts and bindings are used as they are)"; exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/contracts"
cp -r "$src/package.json" "$src/package-lock.json" "$src/compile.js" "$src/generate.sh" "$src/src" "$tmp/contracts/"
(cd "$tmp/contracts" && npm ci --no-audit --no-fund --loglevel=error)
sh "$tmp/contracts/generate.sh" "$tmp"

status=0
diff -r "$src/artifacts" "$tmp/contracts/artifacts" || status=1
# The bindings folder also holds hand-written files (doc.go,
# staticcheck.conf): compare the generated ones, and flag a committed
# generated file that a fresh build no longer produces.
for f in "$tmp"/internal/bindings/*.go; do
	diff "trustkernel/internal/bindings/$(basename "$f")" "$f" || status=1
done
for f in trustkernel/internal/bindings/*.go; do
	if grep -q '^// Code generated' "$f" && [ ! -f "$tmp/internal/bindings/$(basename "$f")" ]; then
		echo "stale generated file: $f"; status=1
	fi
done
if [ "$status" -ne 0 ]; then
	echo "committed contract artifacts or bindings differ from a fresh build: run go generate ./trustkernel"
	exit 1
fi
echo "contract artifacts and bindings match a fresh build"
