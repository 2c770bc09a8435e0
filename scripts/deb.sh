#!/usr/bin/env bash
# Builds a Debian package of press: the release binary (Swift runtime linked in), its man pages,
# bash/zsh/fish completions, and systemd units for the scheduler. Depends: names the packages
# that hold the shared libraries the binary needs (libgit2, cmark-gfm), found with dpkg -S.
# usage: scripts/deb.sh [OUTDIR]      (default: .build/deb); prints the package's path
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/.build/deb}
cd "$root"
swift build -c release --static-swift-stdlib >&2
# argument-parser's manual generator, run on the debug build (the same commands and help).
swift package generate-manual --multi-page --configuration debug --authors press >&2
manuals=$root/.build/plugins/GenerateManual/outputs/press
binary=$root/.build/release/press
version=$("$binary" --version | cut -d' ' -f1)
arch=$(dpkg --print-architecture)
stage=$(mktemp -d "${TMPDIR:-/tmp}/press-deb.XXXXXX")
trap 'rm -rf "$stage"' EXIT
package=$stage/press_${version}_${arch}

install -D -m 755 "$binary" "$package/usr/bin/press"
strip --strip-unneeded "$package/usr/bin/press" 2>/dev/null || true
mkdir -p "$package/usr/share/man/man1"
cp "$manuals"/*.1 "$package/usr/share/man/man1/"
gzip -9n "$package"/usr/share/man/man1/*.1
"$binary" completions bash | install -D -m 644 /dev/stdin "$package/usr/share/bash-completion/completions/press"
"$binary" completions zsh | install -D -m 644 /dev/stdin "$package/usr/share/zsh/vendor-completions/_press"
"$binary" completions fish | install -D -m 644 /dev/stdin "$package/usr/share/fish/vendor_completions.d/press.fish"
for unit in packaging/*.service packaging/*.timer; do install -D -m 644 "$unit" "$package/lib/systemd/system/$(basename "$unit")"; done
install -D -m 644 LICENSE "$package/usr/share/doc/press/copyright"
install -D -m 644 README.md "$package/usr/share/doc/press/README.md"

# The packages that hold the libraries the binary itself links (its NEEDED entries), at least
# the versions it was built against.
depends=$(objdump -p "$binary" | awk '/NEEDED/ {print $2}' | while read -r name; do
  path=$(ldd "$binary" | awk -v n="$name" '$1 == n && $3 ~ /^\// {print $3}')
  [ -n "$path" ] || continue
  dpkg -S "$(readlink -f "$path")" 2>/dev/null | cut -d: -f1 | head -1 || true
done | sort -u | while read -r pkg; do
  [ -n "$pkg" ] && echo "$pkg (>= $(dpkg-query -W -f='${Version}' "$pkg"))"
done | paste -sd, - | sed 's/,/, /g')
case "$depends" in *libgit2*) ;; *) echo "deb.sh: could not find the package holding libgit2" >&2; exit 1 ;; esac
mkdir -p "$package/DEBIAN"
cat > "$package/DEBIAN/control" <<CONTROL
Package: press
Version: $version
Architecture: $arch
Maintainer: press <press@press.invalid>
Depends: $depends
Recommends: git
Section: utils
Priority: optional
Homepage: https://press.invalid/
Description: editorial workflow and publishing pipeline on git
 Posts are Markdown files with YAML front matter in a git repository; the
 workflow (states, transitions, roles, required keys) is data. Every
 transition is one git commit by the person who acted; press validates
 metadata and links, and its scheduler publishes on time.
CONTROL
mkdir -p "$out"
dpkg-deb --build --root-owner-group "$package" "$out/press_${version}_${arch}.deb" >&2
echo "$out/press_${version}_${arch}.deb"
