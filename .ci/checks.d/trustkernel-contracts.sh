#!/usr/bin/env bash
# Recompiles the trustkernel contracts with the pinned solc-js (npm ci, from
# package-lock.json) into a temporary folder, regenerates the abigen v2
# bindings there, and fails if either differs from what is committed.
set -euo pipefail
cd "$(dirname "$0")/../.."
src=trustkernel/contracts
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/contracts"
cp -r "$src/package.json" "$src/package-lock.json" "$src/compile.js" "$src/generate.sh" "$src/src" "$tmp/contracts/"
(cd "$tmp/contracts" && npm ci --no-audit --no-fund --loglevel=error)
sh "$tmp/contracts/generate.sh" "$tmp"

status=0
diff -r "$src/artifacts" "$tmp/contracts/artifacts" || status=1
diff -r trustkernel/bindings "$tmp/bindings" || status=1
if [ "$status" -ne 0 ]; then
	echo "committed contract artifacts or bindings differ from a fresh build: run go generate ./trustkernel"
	exit 1
fi
echo "contract artifacts and bindings match a fresh build"
