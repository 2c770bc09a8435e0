#!/usr/bin/env bash
# Builds the Debian package, installs it on this machine, and runs what a user would with it:
# press --version, its man page and completions in place, and the whole demo against
# /usr/bin/press. Removes the package again afterwards.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sudo=$([ "$(id -u)" = 0 ] || echo sudo)
deb=$("$root/scripts/deb.sh")
echo "built $deb: $(dpkg-deb -f "$deb" Depends)"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >/dev/null
trap '$sudo dpkg -r press >/dev/null' EXIT
[ "$(command -v press)" = /usr/bin/press ] || { echo "press is not /usr/bin/press" >&2; exit 1; }
/usr/bin/press --version
for file in /usr/share/man/man1/press.1.gz /usr/share/bash-completion/completions/press /lib/systemd/system/press-scheduler@.service; do
  [ -s "$file" ] || { echo "missing $file" >&2; exit 1; }
done
zcat /usr/share/man/man1/press.1.gz | grep -q '^\.Dt PRESS 1' || { echo "press.1 is not a man page" >&2; exit 1; }
PRESS=/usr/bin/press bash "$root/scripts/demo.sh" > /tmp/press-deb-demo.log 2>&1 || { tail -30 /tmp/press-deb-demo.log; exit 1; }
echo "the demo ran against the installed package ($(wc -l < /tmp/press-deb-demo.log) lines of output)"
