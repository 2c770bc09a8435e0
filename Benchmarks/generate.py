#!/usr/bin/env python3
"""Generate a synthetic press content repository: N posts with realistic front matter and
bodies full of links (other posts, images, anchors, external URLs), and a history of N commits,
one post added per commit, written with `git fast-import` so that 100,000 commits take seconds.

usage: generate.py DIR --posts N [--commits C] [--edits E] [--seed S] [--published SHARE]
"""
import argparse
import bisect
import re
import os
import random
import subprocess
import sys
import tempfile
import time

WORDS = ("council budget river school harbour market festival library transport housing election "
         "museum theatre park hospital bridge station weather football concert bakery tram archive "
         "volunteer mayor planning garden railway cinema ferry cathedral square winter summer").split()
CATEGORIES = ["politics", "culture", "sport", "city", "business", "science", "opinion", "about"]
AUTHORS = [("Ada Author", "ada@example.com"), ("Bea Writer", "bea@example.com"),
           ("Cal Reporter", "cal@example.com"), ("Eddie Editor", "editor@example.com")]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def default_workflow(press):
    """The workflow `press init` writes (one text for press, its tests and these benchmarks),
    with the generated newsroom's reviewer and time zone in it."""
    with tempfile.TemporaryDirectory() as scratch:
        env = dict(os.environ, GIT_AUTHOR_NAME="Eddie Editor", GIT_AUTHOR_EMAIL="editor@example.com")
        subprocess.run([os.path.abspath(press), "init"], cwd=scratch, env=env, check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(scratch, "workflows/default.yml")) as f:
            text = f.read()
    for old, new in [("reviewer: []", "reviewer: [reviewer@example.com]"),
                     ("timezone: UTC", "timezone: Europe/London")]:
        if old not in text:
            sys.exit(f"generate.py: press init's workflow has no '{old}' any more; update default_workflow")
        text = text.replace(old, new, 1)
    return text


def post(i, state, targets, rng):
    """One post's slug, folder and text; its links point at posts from `targets` (the ones it may
    link to without breaking press's rules: a published post only to earlier published ones)."""
    title_words = rng.sample(WORDS, 4)
    title = " ".join(w.capitalize() for w in title_words) + f" {i}"
    slug = "-".join(title_words) + f"-{i}"
    folder = "published" if state == "published" else "drafts"
    name, email = rng.choice(AUTHORS)
    stamp = time.gmtime(BASE + i * 1800)
    when = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", stamp)
    lines = ["---", f"title: {title}", f"slug: {slug}", "author:", f"  name: {name}", f"  email: {email}",
             f"status: {state}", f"created: {when}",
             f"categories: [{rng.choice(CATEGORIES)}]", f"tags: [{', '.join(rng.sample(WORDS, 3))}]",
             f"summary: A story about the {title_words[0]} and the {title_words[1]}, number {i}."]
    if state in ("published", "scheduled") or (state == "review" and rng.random() < 0.5):
        lines += ["approvals:", "  - name: Rita Reviewer", "    email: reviewer@example.com", f"    at: {when}"]
    if state == "scheduled":
        lines.append(f"publish_at: 2030-{1 + i % 12:02d}-{1 + i % 28:02d}T08:00:00+00:00")
    if state == "published":
        lines.append(f"published_at: {when}")
    lines.append("---")
    body = [f"\n# {title}\n"]
    for paragraph in range(4):
        sentence = " ".join(rng.choice(WORDS) for _ in range(40))
        target = rng.choice(targets) if targets else None
        link = f" See [an earlier story](POST{target})" if target is not None else ""
        body.append(f"\n## Section {paragraph + 1}\n\n{sentence.capitalize()}.{link} and "
                    f"[the first section](#section-1).\n")
    body.append(f"\n![A photo of the {title_words[0]}](../images/photo-{i % 50}.jpg)\n")
    body.append(f"\nMore at <https://example.com/{title_words[0]}/{i % 1000}> and "
                f"[the council site](https://council.example.org/{title_words[1]}).\n")
    return slug, folder, state, "\n".join(lines) + "\n" + "".join(body)


BASE = int(time.mktime((2020, 1, 1, 9, 0, 0, 0, 0, 0)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--press", default=os.path.join(ROOT, ".build/release/press"),
                        help="the press whose `init` workflow the repository gets")
    parser.add_argument("--commits", type=int, default=0,
                        help="history length (default: one commit per post; fewer adds posts in batches)")
    parser.add_argument("--published", type=float, default=0.6,
                        help="the share of posts published; the rest drafts, in review and scheduled (5:4:1)")
    parser.add_argument("--edits", type=int, default=0,
                        help="then this many commits, each an edit of one post chosen at random (a long history)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    n = args.posts
    states = []
    for _ in range(n):
        roll = rng.random()
        share = args.published
        states.append("published" if roll < share else "draft" if roll < share + (1 - share) * 0.5
                      else "review" if roll < share + (1 - share) * 0.875 else "scheduled")
    published = [i for i in range(n) if states[i] == "published"]
    posts = []
    for i in range(n):
        if states[i] == "published":
            # Earlier published posts only: published_at grows with i.
            upto = bisect.bisect_left(published, i)
            targets = published[max(0, upto - 200):upto]
        elif states[i] == "scheduled":
            targets = published[-200:]
        else:
            targets = list(range(max(0, i - 100), i)) + published[-100:]
        posts.append(post(i, states[i], targets, rng))
    paths = {i: f"{folder}/{slug}.md" for i, (slug, folder, _, _) in enumerate(posts)}

    def link(i, target):
        here = paths[i].split("/")[0]
        there, name = paths[target].split("/")
        return name if here == there else f"../{there}/{name}"

    os.makedirs(args.dir, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", args.dir], check=True)
    importer = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=args.dir, stdin=subprocess.PIPE)
    out = importer.stdin
    stamp = int(time.mktime((2026, 1, 1, 9, 0, 0, 0, 0, 0)))

    def data(text):
        raw = text.encode()
        out.write(b"data %d\n" % len(raw) + raw + b"\n")

    def commit(message, files, index, author=None):
        out.write(b"commit refs/heads/main\n")
        if author:
            out.write(b"author %s %d +0000\n" % (author.encode(), stamp + index * 60))
        out.write(b"committer Eddie Editor <editor@example.com> %d +0000\n" % (stamp + index * 60))
        data(message)
        for path, text in files:
            out.write(f"M 100644 inline {path}\n".encode())
            data(text)

    images = [(f"images/photo-{k}.jpg", f"JPEG placeholder {k}\n") for k in range(50)]
    layout = [("workflows/default.yml", default_workflow(args.press)), (".gitignore", ".press/\n"),
              ("drafts/.gitkeep", ""), ("published/.gitkeep", "")]
    commit("init: press content repository\n", layout + images, 0)
    # One post per commit by default; with --commits C, posts are added in C batches (a history of
    # 100,000 commits each rewriting a 60,000-entry tree takes fast-import hours).
    batch = max(1, -(-n // args.commits)) if args.commits else 1
    for start in range(0, n, batch):
        files = []
        for i in range(start, min(n, start + batch)):
            slug, folder, state, text = posts[i]
            files.append((paths[i], re.sub(r"POST(\d+)\)", lambda m: link(i, int(m.group(1))) + ")", text)))
        first = posts[start]
        message = (f"new: {first[0]}\n\nPress-Transition: new\nPress-To: {first[2]}\n" if batch == 1
                   else f"import: posts {start} to {start + len(files) - 1}\n")
        commit(message, files, start // batch + 1)
        # Approvals are counted from history: a post that carries one has its approve commit.
        if batch == 1 and "\napprovals:" in first[3]:
            commit(f"approve: {first[0]}\n\nPress-Transition: approve\nPress-From: review\nPress-To: review\n", [],
                   start // batch + 1, author="Rita Reviewer <reviewer@example.com>")
    if batch > 1:
        # Batched histories stand for an imported blog: an admin's init then takes the posts,
        # approvals included, as they are (see README, Workflows).
        commit("init: press content repository\n\nPress-Transition: init\n", [(".gitignore", ".press/\n# imported\n")],
               -(-n // batch) + 1)
    # Edits: one post's text changed per commit, as a newsroom's day of fixes would.
    texts = {i: re.sub(r"POST(\d+)\)", lambda m, i=i: link(i, int(m.group(1))) + ")", posts[i][3]) for i in range(n)} if args.edits else {}
    base = (-(-n // batch) + 2) if batch > 1 else 2 * n + 1
    for e in range(args.edits):
        i = rng.randrange(n)
        texts[i] += f"\nCorrection {e}.\n"
        commit(f"fix: {posts[i][0]}\n", [(paths[i], texts[i])], base + e, author="Ada Author <ada@example.com>")
    out.close()
    if importer.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=args.dir, check=True)
    drafts = [s for s, f, st, _ in posts if st == "draft"]
    commits = subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=args.dir, capture_output=True, text=True).stdout.strip()
    print(f"{args.dir}: {n} posts, {commits} commits; first draft: {drafts[0] if drafts else '-'}")


if __name__ == "__main__":
    main()
