#!/usr/bin/env bash
# The parts of trustkernel that an agent may use without a chain client
# import no go-ethereum package: trustkernel/integrity (manifests) today,
# trustkernel/runtime once it is its own package. Fails listing the
# offending packages otherwise.
set -euo pipefail
cd "$(dirname "$0")/../.."
pkgs=(./trustkernel/integrity)
if [ -d trustkernel/runtime ]; then
	pkgs+=(./trustkernel/runtime)
fi
deps=$(go list -deps "${pkgs[@]}")
if grep -q '^github.com/ethereum/go-ethereum' <<<"$deps"; then
	echo "go-ethereum reached from ${pkgs[*]}:"
	grep '^github.com/ethereum/go-ethereum' <<<"$deps"
	exit 1
fi
echo "${pkgs[*]}: no go-ethereum package among $(wc -l <<<"$deps") dependencies"
