#!/usr/bin/env bash
# Installs the peer duplicate-code detectors used by bench/quality.sh.
# Idempotent: a tool that is already installed is skipped.
#   jscpd        -> bench/work/node_modules/.bin/jscpd  (npm, local prefix)
#   cargo-dupes  -> ~/.cargo/bin/cargo-dupes            (cargo install --locked)
#   similarity-rs-> ~/.cargo/bin/similarity-rs          (cargo install --locked)
# Cargo builds run with nice -n 19 and -j 1 (the machine is shared).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work="$here/work"
mkdir -p "$work"

JSCPD_VERSION=${JSCPD_VERSION:-5.3.3}
if [ -x "$work/node_modules/.bin/jscpd" ]; then
  echo "jscpd: already installed ($("$work/node_modules/.bin/jscpd" --version))"
else
  echo "jscpd: installing into $work/node_modules"
  [ -f "$work/package.json" ] || echo '{"name":"loop-bench-peers","private":true}' > "$work/package.json"
  (cd "$work" && npm install --no-audit --no-fund --loglevel=error "jscpd@$JSCPD_VERSION")
fi

for crate in cargo-dupes similarity-rs; do
  bin=$crate
  if cargo install --list | grep -q "^$crate v"; then
    echo "$crate: already installed ($(cargo install --list | grep "^$crate v"))"
  else
    echo "$crate: cargo install --locked (nice -n 19, -j 1)"
    nice -n 19 cargo install --locked -j 1 "$crate"
  fi
done
echo "peers installed"
