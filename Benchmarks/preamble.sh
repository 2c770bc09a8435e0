# What every benchmark script starts with; sourced, not run:
#   source "$(dirname "$0")/preamble.sh"
# Sets root (the checkout), work (BENCH_DIR, default /tmp/press-bench) and press (the release
# build, built here), installs hyperfine from Debian when missing, and gives `debian PACKAGE
# [COMMAND]` for the peers a script compares against and `machine` for the line each run prints.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=${BENCH_DIR:-/tmp/press-bench}
press=$root/.build/release/press

# Installs a Debian package when its command is missing (benchmarks only, never press's own).
debian() { command -v "${2:-$1}" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$1"; }; }
# The machine, and whatever else the script names (a peer's version).
machine() { echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r)${1:+; $1}"; }

debian hyperfine
(cd "$root" && swift build -c release --static-swift-stdlib >/dev/null)
mkdir -p "$work"
