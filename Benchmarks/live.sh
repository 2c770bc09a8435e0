#!/usr/bin/env bash
# Benchmarks of issue 8 (second part), on the generated 10,000-post repository of run.sh:
#   incremental  `press build` after one post is published (and with nothing changed)
#   live         the scheduler publishing POSTS posts (2 s apart) with a `folder:` deploy: the
#                seconds from each post's publish_at to the deployed folder holding it
#   preview      `press preview` on the whole repository (drafts too): the seconds from a draft
#                being saved to a page waiting on the preview being told to reload
# OTHER_PRESS names a second press (an earlier build, say) to measure beside the first in the
# incremental and preview sections, in the same hyperfine run, each on its own copy.
# usage: Benchmarks/live.sh [incremental live preview]   (BENCH_DIR, RUNS, POSTS override)
source "$(dirname "$0")/preamble.sh"
runs=${RUNS:-10}
posts=${POSTS:-30}
machine
sections=${*:-incremental live preview}
want() { [[ " $sections " == *" $1 "* ]]; }
export GIT_AUTHOR_NAME="Eddie Editor" GIT_AUTHOR_EMAIL=editor@example.com
export GIT_COMMITTER_NAME="Eddie Editor" GIT_COMMITTER_EMAIL=editor@example.com

base=$work/repo-10000
[ -d "$base/.git" ] || python3 "$root/Benchmarks/generate.py" "$base" --posts 10000 --press "$press"
(cd "$base" && git reset -q --hard main)

if want incremental; then
  echo "== incremental: press build after one publish, $runs runs"
  # Each press on a copy of its own, the same post published in each.
  commands=()
  prepares=()
  unchanged=()
  for binary in "$press" ${OTHER_PRESS:-}; do
    repo=$work/incremental-$(date +%s%N)
    cp -a "$base" "$repo"
    cd "$repo"
    # A post in review with an approval that the publish gate lets through.
    if [ -z "${slug:-}" ]; then
      for file in $(grep -l "status: review" drafts/*.md); do
        grep -q "approvals:" "$file" || continue
        candidate=$(basename "$file" .md)
        if "$binary" publish "$candidate" --skip-external >/dev/null 2>&1; then slug=$candidate; break; fi
      done
      [ -n "${slug:-}" ] || { echo "no post to publish"; exit 1; }
    else
      "$binary" publish "$slug" --skip-external >/dev/null
    fi
    published=$(git rev-parse HEAD)
    git reset -q --hard HEAD~1
    "$binary" build --full >/dev/null
    # Each run: the repository as before the publish, built, then the publish commit checked
    # out (what `press publish` leaves), then the measured build.
    commands+=("cd $repo && $binary build")
    prepares+=(--prepare "cd $repo && git reset -q --hard $published~1 && $binary build >/dev/null && sleep 1.1 && $binary build >/dev/null && git reset -q --hard $published")
    unchanged+=("cd $repo && $binary build")
  done
  hyperfine --runs "$runs" --export-json "$work/incremental.json" "${prepares[@]}" "${commands[@]}" >/dev/null
  hyperfine --runs "$runs" --export-json "$work/unchanged.json" --warmup 2 "${unchanged[@]}" >/dev/null
  "$press" build -v | tail -12
  python3 - "$work/incremental.json" "$work/unchanged.json" <<'PY'
import json, statistics, sys
for path, what in zip(sys.argv[1:], ["after one publish", "nothing changed"]):
    medians = []
    for r in json.load(open(path))["results"]:
        times = sorted(r["times"])
        medians.append(statistics.median(times))
        print(f"{what}, {r['command'].split(' && ')[-1]}: median {medians[-1]*1000:.0f} ms, min {times[0]*1000:.0f} ms, max {times[-1]*1000:.0f} ms ({len(times)} runs)")
    if len(medians) == 2:
        print(f"{what}: first / second = {medians[0] / medians[1]:.2f}")
PY
fi

if want live; then
  echo "== live: $posts posts published by the scheduler, 2 s apart, folder deploy"
  repo=$work/live-$(date +%s)
  cp -a "$base" "$repo"
  cd "$repo"
  www=$work/www-$(date +%s)
  start=$(( $(date +%s) + 20 ))
  python3 - "$posts" "$start" "$www" <<'PY'
import sys, time
count, start, www = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
flow = open("workflows/default.yml").read()
flow = flow.replace("required:", f"deploy:\n  folder: {www}\nrequired:", 1)
flow = flow.replace("by: [editor], comment: required }", "by: [editor, scheduler], comment: required }")
open("workflows/default.yml", "w").write(flow)
for i in range(count):
    at = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(start + i * 2))
    open(f"drafts/live-{i}.md", "w").write(f"""---
title: Live {i}
slug: live-{i}
author:
  name: Ada Author
  email: ada@example.com
status: scheduled
summary: Number {i}.
categories: [city]
approvals:
  - name: Rita Reviewer
    email: reviewer@example.com
    at: 2026-01-01T09:00:00+00:00
publish_at: {at}
---

Body of post {i}.
""")
PY
  # An admin's init: the deploy and the posts' approvals as they stand.
  git add -A && git commit -qm "init: deploy and scheduled posts" -m "Press-Transition: init"
  "$press" build >/dev/null
  "$press" build --deploy >/dev/null
  "$press" scheduler --log-format json 2> "$work/live.log" &
  pid=$!
  until [ "$(grep -c '"live"' "$work/live.log" || true)" -ge "$posts" ]; do sleep 1; done
  kill -TERM $pid; wait $pid || true
  python3 - "$work/live.log" "$www" "$posts" <<'PY'
import datetime, json, os, sys
log, www, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
after, late = [], []
for line in open(log):
    event = json.loads(line)
    if event.get("message") == "live":
        after.append(float(event["after"].rstrip("s")))
    elif event.get("message") == "published":
        late.append(float(event["lateness"].rstrip("s")))
after.sort()
p = lambda q: after[min(len(after) - 1, int(round(q * (len(after) - 1))))]
print(f"live after publish_at: p50 {p(0.5):.3f} s, p99 {p(0.99):.3f} s, max {after[-1]:.3f} s, min {after[0]:.3f} s ({len(after)} posts)")
print(f"commit lateness: min {min(late):.3f} s (never before: {min(late) >= 0})")
missing = [i for i in range(count) if not os.path.exists(f"{www}/posts/live-{i}/index.html")]
print(f"deployed folder holds every post: {not missing}")
PY
fi

if want preview; then
  echo "== preview: a draft saved to the page told to reload, $runs edits each"
  repo=$work/preview-$(date +%s)
  cp -a "$base" "$repo"
  cd "$repo"
  drafts=(drafts/*.md)
  draft=${drafts[0]}
  port=4711
  for binary in "$press" ${OTHER_PRESS:-${PREVIEW_PRESS:-}}; do
    "$binary" preview --port $port > "$work/preview.log" 2>&1 &
    pid=$!
    # The page's reload script asks /_press/changes?since=TOKEN, which answers when the site
    # was built again; a save is timed from just before the write to that answer.
    python3 - "$port" "$draft" "$runs" "$binary" <<'PY'
import re, statistics, sys, threading, time, urllib.request
port, draft, runs, name = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
def get(path):
    return urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=300).read().decode()
for _ in range(600):
    try:
        page = get("/")
        break
    except OSError:
        time.sleep(0.1)
token = re.search(r'var t="([^"]+)"', page).group(1)
times = []
for i in range(runs):
    answer = {}
    def wait(since=token):
        answer["token"] = get(f"/_press/changes?since={since}")
        answer["at"] = time.monotonic()
    waiter = threading.Thread(target=wait)
    waiter.start()
    start = time.monotonic()
    with open(draft, "a") as f:
        f.write(f"\nEdit {i}.\n")
    waiter.join()
    times.append(answer["at"] - start)
    token = answer["token"]
    slug = draft.rsplit("/", 1)[-1][:-3]
    assert f"Edit {i}." in get(f"/posts/{slug}/"), "the page shows the edit"
times.sort()
print(f"{name}: median {statistics.median(times):.3f} s, min {times[0]:.3f} s, max {times[-1]:.3f} s ({runs} edits)")
PY
    kill -TERM $pid; wait $pid || true
  done
fi
