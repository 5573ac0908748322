#!/usr/bin/env bash
# Runs every examples/*.yaml that has a "# expect: ID" line through
#   dsadvisor recommend --answers FILE --format json
# and checks that the first recommendation is ID. A "# trees: PATH..." line runs the file
# against those trees merged in order (--tree PATH for each), as for the team example.
# One line per example; exit 0: all match, 1: a mismatch or a failed run, 2: usage.
# usage: scripts/check-examples.sh [BINARY]     (default .build/release/dsadvisor)
set -uo pipefail
binary="${1:-.build/release/dsadvisor}"
case "$binary" in /*) ;; *) binary="$PWD/$binary" ;; esac
cd "$(dirname "$0")/.."
[ -x "$binary" ] || { echo "check-examples: $binary is not an executable (build it first: swift build -c release)" >&2; exit 2; }

first_id='import json, sys
recs = json.load(sys.stdin).get("recommendations") or [{}]
print(recs[0].get("id", "-"))'

failed=0 checked=0
for file in examples/*.yaml; do
    expected="$(sed -n 's/^# expect: *\([a-z0-9-]*\).*/\1/p' "$file" | head -1)"
    [ -n "$expected" ] || continue
    trees=()
    for tree in $(sed -n 's/^# trees: *//p' "$file" | head -1); do trees+=(--tree "$tree"); done
    checked=$((checked + 1))
    if ! json="$("$binary" recommend "${trees[@]}" --answers "$file" --format json 2>&1)"; then
        printf 'FAIL %-44s dsadvisor failed: %s\n' "$file" "$(printf '%s' "$json" | head -1)"
        failed=1
        continue
    fi
    actual="$(printf '%s' "$json" | python3 -c "$first_id" 2>/dev/null || echo "unreadable JSON")"
    if [ "$actual" = "$expected" ]; then
        printf 'ok   %-44s %s%s\n' "$file" "$expected" "${trees[*]:+ (${trees[*]})}"
    else
        printf 'FAIL %-44s expected %s, got %s%s\n' "$file" "$expected" "$actual" "${trees[*]:+ (${trees[*]})}"
        failed=1
    fi
done
[ "$checked" -gt 0 ] || { echo "check-examples: no example has an '# expect:' line" >&2; exit 1; }
exit "$failed"
