#!/usr/bin/env bash
# Benchmarks of issue 2, side by side in one run, on a generated content repository:
#   press submit (a whole process) against the git CLI making the same change, and press status.
# usage: Benchmarks/run.sh [POSTS]      (default 10000; BENCH_DIR, RUNS override)
# Installs hyperfine from Debian if it is missing; builds press in release mode.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
posts=${1:-10000}
runs=${RUNS:-15}
work=${BENCH_DIR:-/tmp/press-bench}
press=$root/.build/release/press

command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }
(cd "$root" && swift build -c release --static-swift-stdlib >/dev/null)
mkdir -p "$work"
repo=$work/repo-$posts
[ -d "$repo/.git" ] || python3 "$root/Benchmarks/generate.py" "$repo" --posts "$posts"
cd "$repo"
git reset -q --hard main
base=$(git rev-parse HEAD)
slug=$(grep -l '^status: draft' drafts/*.md | sed -n '1{s#drafts/##;s#\.md$##;p;}')
export GIT_AUTHOR_NAME="Eddie Editor" GIT_AUTHOR_EMAIL=editor@example.com
export GIT_COMMITTER_NAME="Eddie Editor" GIT_COMMITTER_EMAIL=editor@example.com

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); $(git --version); posts=$posts commits=$(git rev-list --count HEAD)"
hyperfine --runs "$runs" --warmup 2 --prepare "git reset -q --hard $base" \
  -n "press submit" "$press submit $slug" \
  -n "git: edit front matter + git commit" \
  "sh -c 'sed -i \"s/^status: draft/status: review/\" drafts/$slug.md && git commit -q -m \"submit: $slug\" -- drafts/$slug.md'" \
  --export-json "$work/submit-$posts.json"
git reset -q --hard "$base"
hyperfine --runs "$runs" --warmup 2 -n "press status" "$press status" -n "press status --json" "$press status --json" \
  --export-json "$work/status-$posts.json"
python3 - "$work/submit-$posts.json" "$work/status-$posts.json" <<'PY'
import json, statistics, sys
rows = []
for path in sys.argv[1:]:
    for result in json.load(open(path))["results"]:
        rows.append((result["command"], statistics.median(result["times"]) * 1000))
print("\n| command | median (ms) |\n|---|---|")
for name, ms in rows:
    print(f"| {name} | {ms:.1f} |")
times = dict(rows)
print(f"\nratio press submit / git commit: {times['press submit'] / times['git: edit front matter + git commit']:.2f}")
PY
