#!/usr/bin/env bash
# Start-up time of `dsadvisor recommend --consistency strong --format json` against a
# Foundation hello-world built the same way (release, and with --static-swift-stdlib unless
# STATIC=0), measured by hyperfine in one run so that the machine's load affects all alike.
# Target: dsadvisor's median at most 1.3x the hello-world's. A third program, parse-only,
# parses the same options with ArgumentParser and does nothing else: the parser's own share.
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
swift build "${flags[@]}" --package-path Benchmarks/ParseOnly >/dev/null
hello="Benchmarks/HelloWorld/.build/release/hello"
parse="Benchmarks/ParseOnly/.build/release/parse-only --consistency strong --format json"
dsadvisor=".build/release/dsadvisor recommend --consistency strong --format json"

for i in $(seq "$repeats"); do
    json="/tmp/dsadvisor-startup-$i.json"
    hyperfine -N --warmup 20 --runs "$runs" --export-json "$json" "$hello" "$parse" "$dsadvisor" >/dev/null
    python3 - "$json" <<'PY'
import json, sys
hello, parse, dsadvisor = json.load(open(sys.argv[1]))["results"]
def line(name, r):
    median, low, cpu = r["median"] * 1000, min(r["times"]) * 1000, (r["user"] + r["system"]) * 1000
    base = hello["median"] * 1000
    print(f"{name:10} median {median:6.2f} ms ({median / base:.2f}x)  min {low:6.2f} ms  user+sys {cpu:5.2f} ms")
line("hello", hello)
line("parse-only", parse)
line("dsadvisor", dsadvisor)
verdict = "met" if dsadvisor["median"] <= 1.3 * hello["median"] else "NOT met"
print(f"target: dsadvisor at most 1.3x hello by median: {verdict}")
PY
done
