#!/usr/bin/env bash
# The whole lifecycle of a post on a scratch copy of the bundled content: new, submit, approve,
# schedule, publish, with an author, a reviewer and an editor; then two desks sharing one git
# remote, the scheduler publishing through it, and press verify reading the whole record (it
# finds the approval Ada typed in). Never touches the checkout.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
press=${PRESS:-$here/.build/debug/press}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/press-demo.XXXXXX")
shared=$(mktemp -d "${TMPDIR:-/tmp}/press-demo-remote.XXXXXX")
trap 'rm -rf "$scratch" "$shared"' EXIT

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
as() { # as NAME EMAIL press ARGS...
  local name=$1 email=$2; shift 2
  step "$*    # as $name"
  GIT_AUTHOR_NAME=$name GIT_AUTHOR_EMAIL=$email GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email "$@"
}
ada() { as "Ada Author" ada@example.com "$@"; }
rita() { as "Rita Reviewer" reviewer@example.com "$@"; }
eddie() { as "Eddie Editor" editor@example.com "$@"; }

press() { "$press" "$@"; }
cp -R "$here/drafts" "$here/published" "$here/workflows" "$scratch/"
cd "$scratch"
eddie press init .

ada press new "Who’s Happy in Iraq?" --category world --tag polling \
  --summary "A new survey asks Iraqis how they feel about the year ahead."
printf '\nA survey of 2,000 people in all eighteen provinces.\n' >> drafts/whos-happy-in-iraq.md
ada press submit whos-happy-in-iraq --comment "Ready for a read."
step "press approve whos-happy-in-iraq    # as Ada, the author: refused"
GIT_AUTHOR_NAME="Ada Author" GIT_AUTHOR_EMAIL=ada@example.com "$press" approve whos-happy-in-iraq 2>&1 || echo "(exit $?)"
rita press approve whos-happy-in-iraq --comment "Checked the numbers."
step "an approval Ada types into a draft herself counts for nothing    # as Ada, with sed and git commit"
GIT_AUTHOR_NAME="Ada Author" GIT_AUTHOR_EMAIL=ada@example.com "$press" new "Budget leak" --category politics --summary "What the draft says." >/dev/null
sed -i 's/^summary:/approvals: [{name: Rita Reviewer, email: reviewer@example.com, at: "2026-11-01T09:00:00+00:00"}]\nsummary:/' drafts/budget-leak.md
GIT_AUTHOR_NAME="Ada Author" GIT_AUTHOR_EMAIL=ada@example.com GIT_COMMITTER_NAME="Ada Author" GIT_COMMITTER_EMAIL=ada@example.com \
  git commit -qam "budget-leak: tidy"
GIT_AUTHOR_NAME="Ada Author" GIT_AUTHOR_EMAIL=ada@example.com "$press" submit budget-leak 2>&1 || echo "(exit $?)"
at=$(date -u -d '+1 hour' '+%Y-%m-%dT%H:%M:00+00:00')
eddie press schedule whos-happy-in-iraq --at "$at"
eddie press publish whos-happy-in-iraq
step "press status"
press status
step "press log whos-happy-in-iraq"
press log whos-happy-in-iraq
step "git log --oneline (the repository's history)"
git --no-pager log --oneline -8

step "git init --bare newsroom.git && git remote add origin newsroom.git    # a shared remote"
git init -q --bare "$shared/newsroom.git"
git remote add origin "$shared/newsroom.git"
eddie press sync
step "git clone newsroom.git desk2    # a second desk"
git clone -q "$shared/newsroom.git" "$shared/desk2"
cd "$shared/desk2"
ada press new "Night buses return" --category city --summary "Three routes run all night again." --push
ada press submit night-buses-return --push
rita press approve night-buses-return --push
soon=$(date -u -d '+3 seconds' '+%Y-%m-%dT%H:%M:%S+00:00')
eddie press schedule night-buses-return --at "$soon" --push
cd "$scratch"
sleep 4
step "press scheduler --once --remote origin    # on the first desk: fetch, publish what is due, push"
press scheduler --once --remote origin
step "git log --oneline (the shared remote's history)"
git --no-pager -C "$shared/newsroom.git" log --oneline -5
step "press verify --repo newsroom.git    # every commit on the shared remote, against the workflow of its day"
press verify --repo "$shared/newsroom.git" || echo "(exit $?)"

# The site, where it stays after the demo (the scratch copy goes).
site_dir=$(mktemp -d "${TMPDIR:-/tmp}/press-demo-site.XXXXXX")
step "press build --out $site_dir    # the site readers get: a page per post, the front page, the feed, the sitemap"
press build --out "$site_dir"
echo "open it: python3 -m http.server --directory $site_dir 8000, then http://127.0.0.1:8000/"

step "press preview --port 0    # drafts too, with banners, and the editorial board at /_press/"
"$press" preview --port 0 > "$scratch/preview.log" 2>&1 &
preview=$!
for _ in $(seq 50); do grep -q "preview at" "$scratch/preview.log" && break; sleep 0.1; done
port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/ .*|\1|p' "$scratch/preview.log" | head -1)
echo "http://127.0.0.1:$port/_press/ says:"
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET /_press/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
timeout 10 grep -o '<h2>[^<]*</h2>' <&3 | sed 's/<[^>]*>//g; s/^/  /'
exec 3>&-
kill "$preview"; wait "$preview" 2>/dev/null || true
echo "to look around yourself: press preview (in this checkout; it only reads), then http://127.0.0.1:4000/_press/"
