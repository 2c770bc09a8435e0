#!/usr/bin/env bash
# Benchmark of issue 9: `press verify` over the generated 10,000-post repository of run.sh
# (17,319 commits: one `new` per post, an `approve` for most; the generator writes posts in
# their final state, so a full verify also reports every such post as a violation: the time is
# that of checking every commit), a range of one transition (as a server hook checks a push), and
# the pre-receive hook itself on a push of one transition, beside the same push with no hook.
# usage: Benchmarks/verify.sh        (BENCH_DIR, RUNS override; installs hyperfine)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-5}
work=${BENCH_DIR:-/tmp/press-bench}
press=$root/.build/release/press
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }
(cd "$root" && swift build -c release --static-swift-stdlib >/dev/null)
mkdir -p "$work"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); $(git --version)"

repo=$work/repo-10000
[ -d "$repo/.git" ] || python3 "$root/Benchmarks/generate.py" "$repo" --posts 10000
(cd "$repo" && git reset -q --hard main)
echo "$(cd "$repo" && git rev-list --count HEAD) commits"

# The whole history.
hyperfine --runs "$runs" --warmup 1 -N -i -n "press verify (whole history)" "$press verify --repo $repo --format json" \
  --export-json "$work/verify-full.json" | grep -E "Benchmark|Time|±"

# One transition on top, as a push brings it: of the newest draft, and of the oldest (its
# history is read back to its creation, near the start).
scratch=$work/verify-scratch
rm -rf "$scratch" "$work/verify-server.git" "$work/verify-plain.git"
git clone -q "$repo" "$scratch"
cd "$scratch"
drafts=$(grep -l '^status: draft' drafts/*.md | sed 's#drafts/##;s#\.md$##' | sort -t- -k5 -n)
newest=$(echo "$drafts" | tail -1)
oldest=$(echo "$drafts" | head -1)
export GIT_AUTHOR_NAME="Eddie Editor" GIT_AUTHOR_EMAIL=editor@example.com
"$press" submit "$newest" >/dev/null
"$press" verify HEAD~1..HEAD
hyperfine --runs "$runs" --warmup 1 -N -n "press verify HEAD~1..HEAD (newest draft submitted)" \
  "$press verify HEAD~1..HEAD" --export-json "$work/verify-range-newest.json" | grep -E "Benchmark|Time|±"
git reset -q --hard HEAD~1
"$press" submit "$oldest" >/dev/null
"$press" verify HEAD~1..HEAD
hyperfine --runs "$runs" --warmup 1 -N -n "press verify HEAD~1..HEAD (oldest draft submitted)" \
  "$press verify HEAD~1..HEAD" --export-json "$work/verify-range-oldest.json" | grep -E "Benchmark|Time|±"

# The server hook: the same push into a bare clone with press's pre-receive hook and into one
# without, the branch put back before each run.
git clone -q --bare "$repo" "$work/verify-server.git"
git clone -q --bare "$repo" "$work/verify-plain.git"
"$press" hook install --server --repo "$work/verify-server.git" >/dev/null
before=$(git rev-parse HEAD~1)
hyperfine --runs "$runs" --warmup 1 \
  --prepare "git -C $work/verify-server.git update-ref refs/heads/main $before; git -C $work/verify-plain.git update-ref refs/heads/main $before" \
  -n "push of one transition, press's pre-receive hook" "git push -q $work/verify-server.git HEAD:refs/heads/main" \
  -n "push of one transition, no hook" "git push -q $work/verify-plain.git HEAD:refs/heads/main" \
  --export-json "$work/verify-push.json" | grep -E "Benchmark|Time|±"
