#!/usr/bin/env bash
# Every deliberately broken Raft (`--flaw`) against the swarm sweep (`--faults all`): prints
# the seed that first caught each. Fails when a flaw the sweep catches goes uncaught, and
# also when one listed in raft-flaws-the-sweep-misses.txt starts being caught, so that the
# list only shrinks. A flaw on that list is still caught by its own test (see the list).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/release/dsadvisor}
seeds=${2:-1..20000}
list=scripts/raft-flaws-the-sweep-misses.txt

report=$("$bin" check raft --variants --seeds "$seeds" --faults all) || true
printf '%s\n' "$report"
missed=$(printf '%s\n' "$report" | sed -n 's/^--flaw \([A-Za-z]*\): NOT CAUGHT.*/\1/p' | sort)
expected=$(grep -v '^#' "$list" | awk 'NF { print $1 }' | sort)
if [ "$missed" != "$expected" ]; then
  echo "flaws the sweep missed:"; printf '  %s\n' $missed
  echo "flaws $list says it misses:"; printf '  %s\n' $expected
  exit 1
fi
echo "every other flaw was caught; $(printf '%s\n' "$expected" | grep -c .) are caught only by their own tests"
