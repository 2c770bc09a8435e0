#!/usr/bin/env bash
# Benchmark of issue 10: `press import` on three public blogs, as a new user would bring them in,
# and on each grown to about 1,000 posts (its own posts copied under new names, so the content
# stays real). For each real blog: posts imported, what the report says needs a person, and the
# errors `press validate` finds afterwards (each then read by hand: a fault in the blog, or not).
# Side by side with `hugo import jekyll` (Hugo's own Jekyll importer) on the same Jekyll site.
#
# The blogs are public repositories, brought here with the tool library's fetch (never
# committed): jekyll/jekyll (docs/_posts), coderzh/coderzh-hugo-blog, WordPress/theme-test-data.
# usage: Benchmarks/import.sh    (MIRRORS, BENCH_DIR, RUNS override; installs hyperfine and hugo)
source "$(dirname "$0")/preamble.sh"
runs=${RUNS:-7}
work=$work/import
mirrors=${MIRRORS:-/work/.mirror}
debian hugo
machine "$(hugo version | cut -d' ' -f1-2)"
# An earlier run's folder is moved aside, not deleted: thousands of files deleted just before the
# runs would slow every file the imports create (ext4 avoids reusing inodes deleted in the last
# minutes, and searches for others). Remove the old folders when nothing is being measured.
[ -d "$work" ] && mv "$work" "$work.old-$(date +%s)"
mkdir -p "$work"
export GIT_AUTHOR_NAME="Eddie Editor" GIT_AUTHOR_EMAIL=editor@example.com

# The sources, as their repositories hold them.
mkdir -p "$work/jekyll" "$work/hugo" "$work/wordpress"
git -C "$mirrors/jekyll+jekyll/repo" archive HEAD docs | tar -x -C "$work/jekyll"
git -C "$mirrors/coderzh+coderzh-hugo-blog/repo" archive HEAD | tar -x -C "$work/hugo"
git -C "$mirrors/WordPress+theme-test-data/repo" archive HEAD themeunittestdata.wordpress.xml | tar -x -C "$work/wordpress"
jekyll=$work/jekyll/docs
hugo_site=$work/hugo
wxr=$work/wordpress/themeunittestdata.wordpress.xml

# Each grown to about 1,000 posts: copies of its posts under new names.
python3 - "$work" "$jekyll" "$hugo_site" "$wxr" <<'EOF'
import os, re, shutil, sys
work, jekyll, hugo, wxr = sys.argv[1:]
for kind, site, posts, copies in [("jekyll", jekyll, "_posts", 10), ("hugo", hugo, "content/post", 3)]:
    big = os.path.join(work, f"{kind}-1000")
    shutil.copytree(site, big)
    folder = os.path.join(big, posts)
    originals = [os.path.join(d, f) for d, _, fs in os.walk(folder) for f in fs if f.endswith((".md", ".markdown"))]
    for n in range(2, copies + 1):
        for path in originals:
            stem, ext = os.path.splitext(path)
            text = open(path, encoding="utf-8").read()
            text = re.sub(r'^(url|slug|permalink): *"?([^"\n]*?)/?"?$', lambda m: f'{m.group(1)}: "{m.group(2)}-{n}/"', text, flags=re.M)
            open(f"{stem}-copy{n}{ext}", "w", encoding="utf-8").write(text)
doc = open(wxr, encoding="utf-8").read()
head, *items = doc.split("<item>")
tail = items[-1][items[-1].index("</item>") + len("</item>"):]
items[-1] = items[-1][: items[-1].index("</item>") + len("</item>")]
posts = [i for i in items if "<wp:post_type><![CDATA[post]]>" in i]
grown = list(items)
n = 2
while sum(1 for i in grown if "<wp:post_type><![CDATA[post]]>" in i) < 1000:
    for item in posts:
        copy = re.sub(r"(<wp:post_name><!\[CDATA\[)([^\]]*)", lambda m: f"{m.group(1)}{m.group(2)}-{n}", item)
        copy = re.sub(r"(<link>[^<]*?)/(</link>)", lambda m: f"{m.group(1)}-{n}/{m.group(2)}", copy)
        copy = re.sub(r"(<wp:post_id>)(\d+)", lambda m: f"{m.group(1)}{int(m.group(2)) + 100000 * n}", copy)
        grown.append(copy)
    n += 1
open(os.path.join(work, "wordpress-1000.xml"), "w", encoding="utf-8").write(head + "".join("<item>" + i for i in grown) + tail)
EOF

# The real blogs, imported as they are: the report, then press validate.
for case in "jekyll $jekyll" "hugo $hugo_site" "wordpress $wxr"; do
  kind=${case%% *}
  repo=$work/repo-$kind
  "$press" init "$repo" >/dev/null
  "$press" import $case --repo "$repo" > "$work/report-$kind.txt"
  "$press" validate --repo "$repo" > "$work/validate-$kind.txt" || true
  echo "== $kind: $(head -1 "$work/report-$kind.txt")"
  echo "   $(grep -E '^needs a person' "$work/report-$kind.txt")"
  echo "   validate: $(tail -1 "$work/validate-$kind.txt")"
  grep -oE '\[[a-z-]+\]$' "$work/validate-$kind.txt" | sort | uniq -c | sed 's/^/     /' || true
  "$press" verify --repo "$repo" | sed 's/^/   verify: /'
done

# The time: a new repository for every run, the import alone timed. Each run's repository is
# a new folder (the link `timed` is pointed at it): a folder deleted and made again at once runs
# into ext4's check of recently deleted inodes, which made every file creation slow here
# (2.1 s of system time for an import that takes 0.27 s of it in a new folder).
fresh="d=$work/runs/\$(date +%s%N) && mkdir -p \$d && ln -sfn \$d $work/timed && $press init $work/timed >/dev/null"
mkdir -p "$work/runs"
for case in "jekyll $work/jekyll-1000" "hugo $work/hugo-1000" "wordpress $work/wordpress-1000.xml" \
  "jekyll $jekyll" "hugo $hugo_site" "wordpress $wxr"; do
  kind=${case%% *}
  src=${case#* }
  sh -c "$fresh"
  "$press" import $case --repo "$work/timed" --dry-run > "$work/dry-run.txt"
  count=$(head -1 "$work/dry-run.txt" | grep -oE '[0-9,]+ posts')
  # (Not -N: the preparation is a shell command line; without a shell, rm would be handed "&&".)
  hyperfine --runs "$runs" --warmup 1 --prepare "$fresh" \
    -n "press import $kind ($count)" "$press import $case --repo $work/timed" \
    --export-json "$work/import-$kind-$(basename "$src").json" | grep -E "Benchmark|Time|±"
done

# Side by side: Hugo's own importer on the same Jekyll sites.
for site in "$jekyll" "$work/jekyll-1000"; do
  # Hugo writes into a new folder each run too.
  hyperfine --runs "$runs" --warmup 1 -i \
    --prepare "$fresh; d=$work/runs/hugo-\$(date +%s%N); mkdir -p \$d; ln -sfn \$d $work/hugo-out" \
    -n "press import jekyll ($site)" "$press import jekyll $site --repo $work/timed" \
    -n "hugo import jekyll ($site)" "hugo import jekyll --force $site $work/hugo-out" \
    --export-json "$work/import-vs-hugo-$(basename "$site").json" | grep -E "Benchmark|Time|±|faster"
done
# How far Hugo got: it stops with a panic on some Jekyll posts (exit 2), so -i above.
for site in "$jekyll" "$work/jekyll-1000"; do
  rm -rf "$work/hugo-check" && mkdir -p "$work/hugo-check"
  hugo import jekyll --force "$site" "$work/hugo-check" >/dev/null 2>"$work/hugo-check.err" || true
  echo "hugo import jekyll $site: $(find "$work/hugo-check/content" -name '*.md' | wc -l) posts written; $(grep -m1 -E '^panic' "$work/hugo-check.err" || echo 'no panic')"
done

# Medians (and the spread) of every timed case, from hyperfine's JSON.
python3 - "$work" <<'PY'
import glob, json, os, statistics, sys
for path in sorted(glob.glob(os.path.join(sys.argv[1], "import-*.json"))):
    for result in json.load(open(path))["results"]:
        times = result["times"]
        print(f"{result['command']:<75} median {statistics.median(times)*1000:8.1f} ms  (min {min(times)*1000:.1f}, max {max(times)*1000:.1f}, {len(times)} runs)")
PY
