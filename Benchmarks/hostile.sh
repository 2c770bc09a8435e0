#!/usr/bin/env bash
# The hostile-input corpus (Tests/Corpus/hostile) with the release binary: each case's time, the
# worst case, and front matter parsing time against the number of keys (10k to 100k: linear?).
# usage: Benchmarks/hostile.sh            (RUNS overrides the repeats per key count)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-5}
press=$root/.build/release/press
(cd "$root" && swift build -c release --static-swift-stdlib >/dev/null)
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r)"

report=$(mktemp)
trap 'rm -f "$report"' EXIT
for run in $(seq 1 3); do
  (cd "$root" && PRESS_BIN="$press" PRESS_CORPUS_REPORT="$report" swift test --filter HostileCorpusTests 2>&1 | grep -E "Test run with")
done
python3 - "$report" <<'PY'
import statistics, sys, collections
times = collections.defaultdict(list)
for line in open(sys.argv[1]):
    name, status, ms = line.rstrip("\n").split("\t")
    times[name].append(int(ms))
medians = sorted(((statistics.median(v), k) for k, v in times.items()), reverse=True)
print(f"\ncorpus: {len(times)} cases, {sum(len(v) for v in times.values())} runs; median per case, slowest first:")
print("| case | median (ms) |\n|---|---|")
for ms, name in medians[:8]:
    print(f"| {name} | {ms:.0f} |")
print(f"worst case {medians[0][1]}: {medians[0][0]:.0f} ms; all cases: {sum(m for m, _ in medians):.0f} ms")
PY

# Front matter keys: time of `press validate` on one post with N keys, medians of RUNS.
work=$(mktemp -d)
trap 'rm -rf "$work" "$report"' EXIT
cd "$work" && git init -q && mkdir -p workflows drafts published
cp "$root/workflows/default.yml" workflows/
git add -A && git -c user.name=E -c user.email=editor@example.com commit -qm workflow
echo "| keys | press validate, median (s) | per 10k keys (s) |"
echo "|---|---|---|"
for n in 10000 20000 40000 100000; do
  python3 -c "
import sys
n = int(sys.argv[1])
print('---\ntitle: Keys\nslug: keys\nauthor: Ada <ada@example.com>\nstatus: draft\n' + ''.join(f'k{i}: v\n' for i in range(n)) + '---\nBody.')" "$n" > drafts/keys.md
  python3 - "$press" "$runs" "$n" <<'PY'
import subprocess, sys, time, statistics
press, runs, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
samples = []
for _ in range(runs):
    start = time.perf_counter()
    subprocess.run([press, "validate"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    samples.append(time.perf_counter() - start)
m = statistics.median(samples)
print(f"| {n} | {m:.3f} | {m / n * 10000:.3f} |")
PY
done
