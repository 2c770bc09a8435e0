#!/usr/bin/env bash
# Benchmark of issue 11, item 17, side by side in one run: `press log SLUG` against
#   `git log -- drafts/SLUG.md published/SLUG.md` (the same history, full messages),
#   on the 10,000-post repository of run.sh (17,319 commits, 400 KB folder trees) and on two
#   histories of the same shape, 10,000 and 100,000 commits (2,000 posts, one edited per commit),
#   to show the time is linear in commits. COMPARE_WITH=BINARY adds an older press to each run.
# usage: Benchmarks/log.sh          (BENCH_DIR, RUNS override; installs hyperfine)
source "$(dirname "$0")/preamble.sh"
runs=${RUNS:-5}
machine "$(git --version)"

measure() { # measure REPO SLUG LABEL
  local repo=$1 slug=$2 label=$3
  cd "$repo"
  git reset -q --hard main
  local commits; commits=$(git rev-list --count HEAD)
  local entries; entries=$("$press" log "$slug" --json | grep -c '"commit"')
  local gits; gits=$(git log --format=%H -- "drafts/$slug.md" "published/$slug.md" | wc -l)
  echo "$label: $commits commits; press log lists $entries commits, git log $gits"
  [ "$entries" = "$gits" ] || { echo "press log and git log disagree" >&2; exit 1; }
  local extra=()
  [ -n "${COMPARE_WITH:-}" ] && extra=(-n "press log, $COMPARE_WITH" "$COMPARE_WITH log $slug")
  hyperfine --runs "$runs" --warmup 1 -N \
    -n "press log ($label)" "$press log $slug" \
    -n "git log ($label)" "git log -- drafts/$slug.md published/$slug.md" \
    "${extra[@]}" --export-json "$work/log-$label.json" | grep -E "Benchmark|Time|±"
  /usr/bin/time -f "peak RSS %M KB: press log" "$press" log "$slug" >/dev/null
  /usr/bin/time -f "peak RSS %M KB: git log" git log -- "drafts/$slug.md" "published/$slug.md" >/dev/null
}

repo=$work/repo-10000
[ -d "$repo/.git" ] || python3 "$root/Benchmarks/generate.py" "$repo" --posts 10000
slug=$(cd "$repo" && grep -l '^status: draft' drafts/*.md | sed -n '1{s#drafts/##;s#\.md$##;p;}')
measure "$repo" "$slug" 10000-posts
# The same history packed as `git gc` packs it (fast-import's pack chains deltas oldest-first,
# which libgit2, caching no intermediate delta results, reads at a cost git does not pay).
if [ ! -d "$work/repo-10000-repacked/.git" ]; then
  rm -rf "$work/repo-10000-repacked"
  git clone -q --no-local "$repo" "$work/repo-10000-repacked"
  (cd "$work/repo-10000-repacked" && git branch -q -f main origin/main 2>/dev/null || true; git repack -adfq)
fi
measure "$work/repo-10000-repacked" "$slug" 10000-posts-repacked
for edits in 10000 100000; do
  repo=$work/log-$edits
  [ -d "$repo/.git" ] || python3 "$root/Benchmarks/generate.py" "$repo" --posts 2000 --commits 100 --edits "$edits"
  measure "$repo" school-library-river-summer-2 "$edits-edits"
done
