#!/usr/bin/env bash
# Benchmarks of issue 4: the scheduler's lateness, a burst of posts due at once, and CPU while idle.
# usage: Benchmarks/scheduler.sh [lateness burst idle remote]   (default: all; BENCH_DIR overrides the
# scratch folder; takes a few minutes)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${BENCH_DIR:-/tmp/press-bench}/scheduler
press=$root/.build/release/press
(cd "$root" && swift build -c release --static-swift-stdlib >/dev/null)
rm -rf "$work" && mkdir -p "$work"
export GIT_AUTHOR_NAME="Eddie Editor" GIT_AUTHOR_EMAIL=editor@example.com
export GIT_COMMITTER_NAME="Eddie Editor" GIT_COMMITTER_EMAIL=editor@example.com

# A repository with COUNT approved posts scheduled at START + i * STEP seconds (files written
# directly and committed with git: creating them through press is not what is measured).
make_repo() { # make_repo DIR COUNT START STEP
  local dir=$1 count=$2 start=$3 step=$4
  mkdir -p "$dir" && cd "$dir" && git init -q
  mkdir -p workflows drafts published
  cp "$root/workflows/default.yml" workflows/default.yml
  python3 - "$count" "$start" "$step" <<'PY'
import sys, time
count, start, step = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
for i in range(count):
    at = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(start + i * step))
    open(f"drafts/post-{i}.md", "w").write(f"""---
title: Post {i}
slug: post-{i}
author:
  name: Ada Author
  email: ada@example.com
status: scheduled
summary: Number {i}.
approvals:
  - name: Rita Reviewer
    email: reviewer@example.com
    at: 2026-01-01T09:00:00+00:00
publish_at: {at}
---

Body of post {i}.
""")
PY
  # An admin's init: press takes the posts' approvals as they stand (approvals count from history).
  git add -A && git commit -qm "init: press content repository" -m "Press-Transition: init"
}

percentiles() { # lateness from the scheduler's log lines: when each publish was logged, after its commit
  python3 - "$1" <<'PY'
import json, sys, datetime, statistics
late = []
for line in open(sys.argv[1]):
    event = json.loads(line)
    if event.get("message") != "published":
        continue
    logged = datetime.datetime.fromisoformat(event["time"].replace("Z", "+00:00"))
    due = datetime.datetime.fromisoformat(event["scheduled_for"])
    late.append((logged - due).total_seconds())
late.sort()
p = lambda q: late[min(len(late) - 1, int(round(q * (len(late) - 1))))]
print(f"published {len(late)}; lateness after the commit: p50 {p(0.5):.3f} s, p99 {p(0.99):.3f} s, max {late[-1]:.3f} s, min {late[0]:.3f} s")
PY
}

sections=${*:-lateness burst idle remote}
want() { [[ " $sections " == *" $1 "* ]]; }

if want lateness; then
echo "== lateness: 50 posts, 2 s apart"
start=$(( $(date +%s) + 8 ))
make_repo "$work/lateness" 50 "$start" 2
"$press" scheduler --log-format json 2> "$work/lateness.log" &
pid=$!
until [ "$(grep -c '"published"' "$work/lateness.log" || true)" -ge 50 ]; do sleep 1; done
kill -TERM $pid; wait $pid || true
percentiles "$work/lateness.log"
fi

# burst BINARY COUNT LABEL: COUNT posts due at one second, published by BINARY's scheduler.
burst() {
  local binary=$1 count=$2 label=$3
  rm -rf "$work/burst-$label-$count"
  start=$(( $(date +%s) + 8 ))
  make_repo "$work/burst-$label-$count" "$count" "$start" 0
  "$binary" scheduler --log-format json 2> "$work/burst-$label-$count.log" &
  pid=$!
  until [ "$(grep -c '"published"' "$work/burst-$label-$count.log" || true)" -ge "$count" ]; do sleep 1; done
  kill -TERM $pid; wait $pid || true
  python3 - "$work/burst-$label-$count.log" "$start" "$label" <<'PY'
import json, sys, datetime
times = [datetime.datetime.fromisoformat(json.loads(l)["time"].replace("Z", "+00:00")).timestamp()
         for l in open(sys.argv[1]) if '"published"' in l]
print(f"{sys.argv[3]}: all {len(times)} published {max(times) - float(sys.argv[2]):.2f} s after their time")
PY
}

if want burst; then
# COMPARE_WITH=OTHER_PRESS runs each burst with both binaries in turn, three times each.
for count in 250 1000; do
  echo "== $count posts due at the same second"
  if [ -n "${COMPARE_WITH:-}" ]; then
    for round in 1 2 3; do burst "$press" "$count" this; burst "$COMPARE_WITH" "$count" other; done
  else
    burst "$press" "$count" this
  fi
done
fi

if want idle; then
echo "== CPU while idle: 10,000 posts scheduled next year"
make_repo "$work/idle" 10000 $(( $(date +%s) + 365 * 86400 )) 60
"$press" scheduler 2> "$work/idle.log" &
pid=$!
until grep -q started "$work/idle.log"; do sleep 0.2; done
before=$(awk '{print $14 + $15}' /proc/$pid/stat)
sleep 30
after=$(awk '{print $14 + $15}' /proc/$pid/stat)
kill -TERM $pid; wait $pid || true
echo "CPU over 30 s idle: $(( after - before )) ticks of $(getconf CLK_TCK) a second"
fi

if want remote; then
echo "== lateness through a remote: 20 posts 2 s apart, two schedulers on two clones of one bare repository"
start=$(( $(date +%s) + 10 ))
make_repo "$work/remote-source" 20 "$start" 2
git init -q --bare "$work/remote.git"
git -C "$work/remote-source" push -q "$work/remote.git" HEAD:refs/heads/main
git -C "$work/remote.git" symbolic-ref HEAD refs/heads/main
for n in 1 2; do
  git clone -q "$work/remote.git" "$work/remote-$n"
  "$press" scheduler --remote origin --log-format json --repo "$work/remote-$n" 2> "$work/remote-$n.log" &
  eval "pid$n=$!"
done
until [ "$(git -C "$work/remote.git" log --oneline main | grep -c 'publish:' || true)" -ge 20 ]; do sleep 1; done
sleep 3
kill -TERM $pid1 $pid2; wait $pid1 $pid2 || true
cat "$work/remote-1.log" "$work/remote-2.log" > "$work/remote.log"
percentiles "$work/remote.log"
echo "publish commits on the remote: $(git -C "$work/remote.git" log --oneline main | grep -c 'publish:') for 20 posts;" \
  "refused pushes redone: $(grep -c 'push refused' "$work/remote.log" || true)"
fi
