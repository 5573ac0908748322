#!/usr/bin/env bash
# Start-up time of `dsadvisor recommend --consistency strong --format json` against a
# Foundation hello-world built the same way (release, and with --static-swift-stdlib unless
# STATIC=0), measured by hyperfine in one run so that the machine's load affects both alike.
# Target: dsadvisor's median at most 1.3x the hello-world's.
#
# usage: [STATIC=0] Benchmarks/startup.sh [RUNS] [REPEATS]     (defaults 300 and 3)
# Needs hyperfine (apt-get install -y hyperfine) and python3. Writes /tmp/dsadvisor-startup-N.json.
set -euo pipefail
runs="${1:-300}"
repeats="${2:-3}"
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "startup.sh: hyperfine is missing (apt-get install -y hyperfine)" >&2; exit 2; }

# SwiftPM's flag, not an unsafeFlags(-static-stdlib) in Package.swift: Foundation's static
# libraries need the static module search paths at compile time too, in every module.
flags=(-c release)
[ "${STATIC:-1}" = 0 ] || flags+=(--static-swift-stdlib)
swift build "${flags[@]}" --product dsadvisor >/dev/null
swift build "${flags[@]}" --package-path Benchmarks/HelloWorld >/dev/null
hello="Benchmarks/HelloWorld/.build/release/hello"
dsadvisor=".build/release/dsadvisor"

for i in $(seq "$repeats"); do
    json="/tmp/dsadvisor-startup-$i.json"
    hyperfine -N --warmup 20 --runs "$runs" --export-json "$json" \
        "$hello" "$dsadvisor recommend --consistency strong --format json" >/dev/null
    python3 - "$json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
def row(r):
    return (r["median"] * 1000, min(r["times"]) * 1000, r["user"] * 1000, r["system"] * 1000)
(hm, hmin, hu, hs), (dm, dmin, du, ds) = row(results[0]), row(results[1])
print(f"hello     median {hm:6.2f} ms  min {hmin:6.2f} ms  user {hu:5.2f} ms  sys {hs:5.2f} ms")
print(f"dsadvisor median {dm:6.2f} ms  min {dmin:6.2f} ms  user {du:5.2f} ms  sys {ds:5.2f} ms")
verdict = "met" if dm <= 1.3 * hm else "NOT met"
print(f"ratio     median {dm / hm:.2f}x  min {dmin / hmin:.2f}x  user+sys {(du + ds) / (hu + hs):.2f}x  (target 1.3x by median: {verdict})")
PY
done
