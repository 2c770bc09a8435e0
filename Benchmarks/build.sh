#!/usr/bin/env bash
# Benchmark of issue 8 (first part): `press build` of the generated 10,000-post repository of
# run.sh (6,021 posts published), side by side with Hugo building the same published posts with
# equivalent templates: a page per post, the front page and category and tag pages paginated
# ten to a page, an Atom/RSS feed and the sitemap. Wall time and peak memory, medians.
# usage: Benchmarks/build.sh    (BENCH_DIR, RUNS override; installs hyperfine and hugo)
# OTHER_PRESS names a second press (an earlier build, say) measured in the same hyperfine run.
# PUBLISHED=1 builds a repository of its own whose 10,000 posts are all published (the issue's
# wording) instead of run.sh's, where 6 in 10 are.
source "$(dirname "$0")/preamble.sh"
runs=${RUNS:-5}
debian hugo
machine "$(hugo version | cut -d' ' -f1-2)"

share=${PUBLISHED:-0.6}
suffix=$([ "$share" = 0.6 ] && echo "" || echo "-published-$share")
repo=$work/repo-10000$suffix
[ -d "$repo/.git" ] || python3 "$root/Benchmarks/generate.py" "$repo" --posts 10000 --published "$share" --press "$press"
(cd "$repo" && git reset -q --hard main)

# The same published posts as a Hugo site: press's front matter as it is (Hugo reads
# published_at as the date through its frontmatter setting), templates of the same pages.
site=$work/hugo-10000$suffix
rm -rf "$site" && mkdir -p "$site/content/posts" "$site/layouts/_default"
cp "$repo"/published/*.md "$site/content/posts/"
cat > "$site/hugo.toml" <<'EOF'
baseURL = "https://news.example.com/"
title = "The Example Times"
languageCode = "en"
paginate = 10
[frontmatter]
  date = ["published_at", ":default"]
[taxonomies]
  category = "categories"
  tag = "tags"
[outputs]
  home = ["HTML", "RSS"]
  section = ["HTML"]
  taxonomy = ["HTML"]
  term = ["HTML"]
[permalinks]
  posts = "/posts/:slug/"
EOF
cat > "$site/layouts/_default/baseof.html" <<'EOF'
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} — {{ site.Title }}</title></head>
<body><header><a href="/">{{ site.Title }}</a></header><main>{{ block "main" . }}{{ end }}</main>
<footer>{{ site.Title }}</footer></body></html>
EOF
cat > "$site/layouts/_default/single.html" <<'EOF'
{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p class="meta">{{ with .Params.author }}{{ .name }}{{ end }} · <time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "2 January 2006" }}</time>{{ range .Params.categories }} · {{ . }}{{ end }}</p>
{{ .Content }}</article>{{ end }}
EOF
cat > "$site/layouts/_default/list.html" <<'EOF'
{{ define "main" }}<h1>{{ .Title }}</h1><ol class="posts">
{{ range .Paginator.Pages }}<li><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><p>{{ .Params.summary }}</p></li>
{{ end }}</ol>
<nav>{{ with .Paginator.Prev }}<a href="{{ .URL }}">Newer</a>{{ end }}{{ with .Paginator.Next }}<a href="{{ .URL }}">Older</a>{{ end }}</nav>{{ end }}
EOF
cp "$site/layouts/_default/list.html" "$site/layouts/index.html"

echo "posts published: $(ls "$repo"/published/*.md | wc -l)"
# Each run writes into a new folder (hyperfine's parameter: one run per value), none deleted
# before it: ext4 slows file creation right after a mass deletion (see issue 10's note), and
# a build's output is 9,700 files.
runs_dir=$work/build-runs-$(date +%s)
mkdir -p "$runs_dir"
others=()
[ -z "${OTHER_PRESS:-}" ] || others=("$OTHER_PRESS build --repo $repo --out $runs_dir/other-{run}")
hyperfine --runs 1 -P run 1 "$runs" \
  "$press build --repo $repo --out $runs_dir/press-{run}" \
  "${others[@]}" \
  "hugo --quiet --source $site --destination $runs_dir/hugo-{run}" \
  --export-json "$work/build.json" > /dev/null
for name in press hugo; do
  for i in 1 2 3; do
    out=$runs_dir/$name-mem-$i
    if [ $name = press ]; then
      /usr/bin/time -f "%M" -o "$runs_dir/mem-$name-$i" "$press" build --repo "$repo" --out "$out" >/dev/null
    else
      /usr/bin/time -f "%M" -o "$runs_dir/mem-$name-$i" hugo --quiet --source "$site" --destination "$out"
    fi
  done
  echo "$name: peak memory (KB, 3 runs): $(cat "$runs_dir"/mem-$name-* | sort -n | tr '\n' ' '); files written: $(find "$runs_dir/$name-mem-1" -type f | wc -l)"
done
# The floor under any build of this site here: only creating its folders and files, from memory
# on two threads (Benchmarks/writefloor.c), 5 runs.
debian gcc
gcc -O2 -pthread -o "$work/writefloor" "$root/Benchmarks/writefloor.c"
echo "creating the site's files alone (writefloor, s, 5 runs): $(for i in 1 2 3 4 5; do
  "$work/writefloor" "$runs_dir/press-1" "$runs_dir/floor-$i"; done | sort -n | tr '\n' ' ')"
python3 - "$work/build.json" <<'PY'
import json, statistics, sys
times = {}
for result in json.load(open(sys.argv[1]))["results"]:
    command = result["command"]
    name = "other press" if "/other-" in command else "press build" if "press build" in command else "hugo"
    times.setdefault(name, []).extend(result["times"])
for name, values in times.items():
    print(f"{name:<15} median {statistics.median(values):.3f} s  (runs: {' '.join(f'{t:.3f}' for t in values)})")
PY
echo "(the run folders are in $runs_dir: remove them when nothing is being measured)"
