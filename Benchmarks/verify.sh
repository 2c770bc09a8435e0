#!/usr/bin/env bash
# Benchmark of issue 9: `press verify` over the generated 10,000-post repository of run.sh
# (17,319 commits: one `new` per post, an `approve` for most; the generator writes posts in
# their final state, so a full verify also reports every such post as a violation: the time is
# that of checking every commit), a range of one transition (as a server hook checks a push), and
# the pre-receive hook itself on a push of one transition, beside the same push with no hook.
# usage: Benchmarks/verify.sh        (BENCH_DIR, RUNS override; installs hyperfine)
source "$(dirname "$0")/preamble.sh"
runs=${RUNS:-5}
machine "$(git --version)"

repo=$work/repo-10000
[ -d "$repo/.git" ] || python3 "$root/Benchmarks/generate.py" "$repo" --posts 10000
(cd "$repo" && git reset -q --hard main)
echo "$(cd "$repo" && git rev-list --count HEAD) commits"

# The whole history.
hyperfine --runs "$runs" --warmup 1 -N -i -n "press verify (whole history)" "$press verify --repo $repo --format json" \
  --export-json "$work/verify-full.json" | grep -E "Benchmark|Time|±"

# One transition on top, as a push brings it: the newest draft submitted (nothing before the
# range is needed), and the oldest approved post in review scheduled (its approvals are read back to its
# creation, at the start of the history: the worst case).
scratch=$work/verify-scratch
rm -rf "$scratch" "$work/verify-server.git" "$work/verify-plain.git"
git clone -q "$repo" "$scratch"
git clone -q --bare "$repo" "$work/verify-server.git"
git clone -q --bare "$repo" "$work/verify-plain.git"
"$press" hook install --server --repo "$work/verify-server.git" >/dev/null
cd "$scratch"
newest=$(grep -l '^status: draft' drafts/*.md | sed 's#drafts/##;s#\.md$##' | sort -t- -k5 -n | tail -1)
oldest=$(grep -l '^status: review' drafts/*.md | xargs grep -l '^approvals:' | sed 's#drafts/##;s#\.md$##' | sort -t- -k5 -n | head -1)
export GIT_AUTHOR_NAME="Eddie Editor" GIT_AUTHOR_EMAIL=editor@example.com
before=$(git rev-parse HEAD)
for case in "submit $newest" "schedule $oldest --skip-external --at 2030-01-01T09:00:00+00:00"; do
  git reset -q --hard "$before"
  "$press" $case >/dev/null
  "$press" verify HEAD~1..HEAD
  hyperfine --runs "$runs" --warmup 1 -N -n "press verify HEAD~1..HEAD ($case)" "$press verify HEAD~1..HEAD" \
    --export-json "$work/verify-range-${case%% *}.json" | grep -E "Benchmark|Time|±"
  # The server hook: the same push into a bare clone with press's pre-receive hook and into one
  # without, the branch put back before each run.
  hyperfine --runs "$runs" --warmup 1 \
    --prepare "git -C $work/verify-server.git update-ref refs/heads/main $before; git -C $work/verify-plain.git update-ref refs/heads/main $before" \
    -n "push ($case), press's pre-receive hook" "git push -q $work/verify-server.git HEAD:refs/heads/main" \
    -n "push ($case), no hook" "git push -q $work/verify-plain.git HEAD:refs/heads/main" \
    --export-json "$work/verify-push-${case%% *}.json" | grep -E "Benchmark|Time|±|faster"
done
