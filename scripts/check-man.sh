#!/usr/bin/env bash
# Regenerates the man page from the command definitions and compares it with man/dsadvisor.1.
# Exit 0: up to date; 1: stale (the diff is printed); 2: could not generate.
# To refresh: swift package generate-manual --date 2026-01-01 && cp .build/plugins/GenerateManual/outputs/dsadvisor/dsadvisor.1 man/
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
swift package generate-manual --date 2026-01-01 >"$out/log" 2>&1 || { cat "$out/log" >&2; exit 2; }
generated=.build/plugins/GenerateManual/outputs/dsadvisor/dsadvisor.1
[ -f "$generated" ] || { echo "check-man: $generated was not generated" >&2; exit 2; }
cp "$generated" "$out/dsadvisor.1"
if diff -u man/dsadvisor.1 "$out/dsadvisor.1"; then
    echo "man/dsadvisor.1 is up to date"
else
    echo "man/dsadvisor.1 is stale: regenerate it (see the top of scripts/check-man.sh)" >&2
    exit 1
fi
