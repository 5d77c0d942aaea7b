#!/usr/bin/env bash
# Installs the pinned Prism mock server (tests/prism/package-lock.json) into
# tests/prism/node_modules, unless an up-to-date install is already there.
#
# Idempotent: runs `npm ci` only when node_modules/.bin/prism is missing or
# package-lock.json is newer than the install's own node_modules/.package-lock.json.
# Usable from any working directory: `bash tests/prism/ensure.sh`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

prism_bin="node_modules/.bin/prism"
installed_lock="node_modules/.package-lock.json"

reason=""
if [[ ! -x "$prism_bin" ]]; then
    reason="$prism_bin is missing"
elif [[ ! -f "$installed_lock" ]]; then
    reason="$installed_lock is missing"
elif [[ package-lock.json -nt "$installed_lock" ]]; then
    reason="package-lock.json is newer than $installed_lock"
fi

if [[ -z "$reason" ]]; then
    echo "prism: up to date in $here ($("$prism_bin" --version))"
    exit 0
fi

for tool in node npm; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "prism: '$tool' not found on PATH; Node.js >= 18.20.1 and npm are needed" >&2
        exit 1
    fi
done

echo "prism: $reason"
echo "prism: running 'npm ci --no-audit --no-fund' in $here (node $(node --version), npm $(npm --version))"
npm ci --no-audit --no-fund

if [[ ! -x "$prism_bin" ]]; then
    echo "prism: npm ci finished but $prism_bin is still missing" >&2
    exit 1
fi
echo "prism: installed $("$prism_bin" --version)"
