#!/usr/bin/env bash
# Benchmark of issue 8: `press build` of the generated 10,000-post repository of run.sh (6,021
# posts published), side by side in one hyperfine run with Hugo building the same published posts
# twice: with minimal templates of the same pages, and with templates that make press's default
# theme's pages (its head and style, heading anchors, links to other posts made site paths). Both
# have a page per post, the front page and category and tag pages paginated ten to a page, a feed
# and the sitemap. Wall time and peak memory, medians; then the floor (writefloor.c).
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

site=$work/hugo-10000$suffix
themed=$work/hugo-10000$suffix-theme
# Made again only when what they are made from changed (the repository's commit, this script,
# the theme): removing 12,000 files just before the builds would slow every file the builds
# create (ext4 looks past recently freed inodes for minutes).
key="$(cd "$repo" && git rev-parse HEAD) $(cat "$root/Benchmarks/build.sh" "$root/Sources/PressKit/Site/Theme.swift" | sha256sum | cut -c1-16)"
if [ "$(cat "$site/.bench-key" 2>/dev/null)" != "$key" ] || [ "$(cat "$themed/.bench-key" 2>/dev/null)" != "$key" ]; then
# The same published posts as a Hugo site: press's front matter as it is (Hugo reads
# published_at as the date through its frontmatter setting), templates of the same pages.
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

# The same posts again as a Hugo site whose templates make press's default theme's pages: its
# head (the inline style), post, list and 404 pages, headings with their anchors (a render
# hook), links to other posts' `.md` files made site paths and images from the repository's
# folder (render hooks, as press does), feeds of 20 entries for the site and each term. Hugo's
# pages then differ from press's in white space and `&#43;` for `+` in an attribute; it still
# writes no author pages, and a feed per tag where press writes none.
rm -rf "$themed" && mkdir -p "$themed/content/posts" "$themed/layouts/_default/_markup" "$themed/layouts/partials"
cp "$repo"/published/*.md "$themed/content/posts/"
mkdir -p "$themed/static" && cp -r "$repo/images" "$themed/static/images"
cat > "$themed/hugo.toml" <<'EOF'
baseURL = "/"
title = "press"
languageCode = "en"
paginate = 10
rssLimit = 20
disableHugoGeneratorInject = true
disableKinds = ["section"]
[frontmatter]
  date = ["published_at", ":default"]
[taxonomies]
  category = "categories"
  tag = "tags"
[outputs]
  home = ["HTML", "RSS"]
  taxonomy = ["HTML"]
  term = ["HTML", "RSS"]
[permalinks]
  posts = "/posts/:slug/"
[markup.goldmark.renderer]
  unsafe = true
EOF
# The head is press's own, taken from the theme compiled into press, its names made Hugo's.
sed -n '/"head": """/,/^        """,/p' "$root/Sources/PressKit/Site/Theme.swift" | sed '1,2d;$d' | sed 's/^        //' \
  | sed -e 's/{{site.language}}/{{ site.LanguageCode }}/' \
    -e 's/{{page_title}}/{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }} — {{ site.Title }}{{ end }}/' \
    -e 's/{{#description}}<meta name="description" content="{{description}}">{{\/description}}/{{ with .Params.summary }}<meta name="description" content="{{ . }}">{{ end }}/' \
    -e 's/{{site.title}}/{{ site.Title }}/g' -e 's/{{site.root}}/\//g' > "$themed/head.tmp"
# Its style sheet, a constant of its own in Theme.swift, in the place the template names it.
sed -n '/static let style = """/,/^        """$/p' "$root/Sources/PressKit/Site/Theme.swift" | sed '1d;$d;/^$/d' \
  | sed 's/^        //' > "$themed/style.tmp"
grep -q 'prefers-color-scheme' "$themed/style.tmp"
awk -v style="$themed/style.tmp" '$0 == "\\(style)</style>" { while ((getline line < style) > 0) print line; print "</style>"; next } { print }' \
  "$themed/head.tmp" > "$themed/layouts/partials/head.html"
rm "$themed/head.tmp" "$themed/style.tmp"
grep -q 'color-scheme' "$themed/layouts/partials/head.html"
cat > "$themed/layouts/partials/foot.html" <<'EOF'
</main>
<footer class="site"><p>{{ site.Title }} · <a href="/feed.xml">Feed</a></p></footer>
</body>
</html>
EOF
cat > "$themed/layouts/_default/single.html" <<'EOF'
{{ partial "head.html" . }}<article>
<h1>{{ .Title }}</h1>
<p class="meta">{{ with .Params.author }}<span class="author">{{ .name }}</span>{{ end }} · <time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" | safeHTMLAttr }}">{{ .Date.Format "January 2, 2006" }}</time>{{ range .Params.categories }} · {{ . }}{{ end }}</p>
{{ .Content }}
</article>
{{ partial "foot.html" . }}
EOF
cat > "$themed/layouts/_default/list.html" <<'EOF'
{{ partial "head.html" . }}<h1{{ if .IsHome }} class="skip"{{ end }}>{{ .Title }}</h1>
<ol class="posts">
{{ range .Paginator.Pages }}<li><article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p class="meta">{{ with .Params.author }}{{ .name }}{{ end }} · <time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" | safeHTMLAttr }}">{{ .Date.Format "January 2, 2006" }}</time></p>
{{ with .Params.summary }}<p>{{ . }}</p>{{ end }}</article></li>
{{ end }}</ol>
<nav class="pages" aria-label="Pages">{{ with .Paginator.Prev }}<a href="{{ .URL }}" rel="prev">Newer</a>{{ end }}<span></span>{{ with .Paginator.Next }}<a href="{{ .URL }}" rel="next">Older</a>{{ end }}</nav>
{{ partial "foot.html" . }}
EOF
cp "$themed/layouts/_default/list.html" "$themed/layouts/index.html"
cat > "$themed/layouts/404.html" <<'EOF'
{{ partial "head.html" . }}<h1>Not found</h1>
<p>There is no page here. The <a href="/">front page</a> lists every post.</p>
{{ partial "foot.html" . }}
EOF
# Render hooks end without a newline (it would go into the page).
printf '%s' '{{ if eq .Level 1 }}<span id="{{ .Anchor }}"></span>{{ else }}<h{{ .Level }}><a class="anchor" id="{{ .Anchor }}" href="#{{ .Anchor }}" aria-hidden="true"></a>{{ .Text | safeHTML }}</h{{ .Level }}>{{ end }}' \
  > "$themed/layouts/_default/_markup/render-heading.html"
printf '%s' '{{ $href := .Destination }}{{ if strings.HasSuffix .Destination ".md" }}{{ with .Page.GetPage (strings.TrimSuffix ".md" .Destination) }}{{ $href = .RelPermalink }}{{ end }}{{ end }}<a href="{{ $href | safeURL }}"{{ with .Title }} title="{{ . }}"{{ end }}>{{ .Text | safeHTML }}</a>' \
  > "$themed/layouts/_default/_markup/render-link.html"
printf '%s' '<img src="{{ strings.TrimPrefix ".." .Destination | safeURL }}" alt="{{ .Text }}" />' \
  > "$themed/layouts/_default/_markup/render-image.html"

echo "$key" > "$site/.bench-key"
echo "$key" > "$themed/.bench-key"
fi

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
  "hugo --quiet --source $themed --destination $runs_dir/themed-{run}" \
  --export-json "$work/build.json" > /dev/null
for name in press hugo themed; do
  for i in 1 2 3; do
    out=$runs_dir/$name-mem-$i
    if [ $name = press ]; then
      /usr/bin/time -f "%M" -o "$runs_dir/mem-$name-$i" "$press" build --repo "$repo" --out "$out" >/dev/null
    else
      source_dir=$([ $name = hugo ] && echo "$site" || echo "$themed")
      /usr/bin/time -f "%M" -o "$runs_dir/mem-$name-$i" hugo --quiet --source "$source_dir" --destination "$out"
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
    name = ("other press" if "/other-" in command else "press build" if "press build" in command
            else "hugo, theme" if "/themed-" in command else "hugo")
    times.setdefault(name, []).extend(result["times"])
for name, values in times.items():
    print(f"{name:<15} median {statistics.median(values):.3f} s  (runs: {' '.join(f'{t:.3f}' for t in values)})")
PY
echo "(the run folders are in $runs_dir: remove them when nothing is being measured)"
