#!/bin/sh
# Recompiles the contracts with the pinned solc-js and regenerates the abigen v2
# bindings. Run by `go generate ./trustkernel`.
#
# Usage: generate.sh [root]
# Writes <root>/contracts/artifacts/*.{abi,bin,bin-runtime} and
# <root>/internal/bindings/*.go; root defaults to the trustkernel directory. The CI
# check passes a temporary root and compares the result with what is committed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=${1:-$(dirname "$here")}
abigen="go run github.com/ethereum/go-ethereum/cmd/abigen@v1.17.10"

cd "$here"
if [ ! -d node_modules/solc ]; then
	npm ci --no-audit --no-fund --loglevel=error
fi
node compile.js "$root/contracts/artifacts"

mkdir -p "$root/internal/bindings"
for pair in Anchor:anchor InstanceController:instance_controller InstanceFactory:instance_factory ReleaseRegistry:release_registry; do
	name=${pair%%:*}
	file=${pair#*:}
	$abigen --v2 --pkg bindings --type "$name" \
		--abi "$root/contracts/artifacts/$name.abi" \
		--bin "$root/contracts/artifacts/$name.bin" \
		--out "$root/internal/bindings/$file.go"
done
