#!/usr/bin/env bash
# Baseline stability: for each of the last N commits of a git repository, `cargo loop ci` on
# the commit against a baseline computed from its parent (--baseline-from-ref), listing every
# finding reported as new. Run on a clone so the checkout of old commits touches nothing.
#   bench/baseline_stability.sh REPO [N]
set -euo pipefail
repo=$1; n=${2:-20}
bin=${CARGO_LOOP:-/work/main/target/release/cargo-loop}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
git clone -q "$repo" "$work/repo"
cd "$work/repo"
for commit in $(git rev-list --first-parent -n "$n" HEAD | tac); do
  git checkout -q "$commit"
  new=$("$bin" loop ci --no-cache --baseline-from-ref "$commit^" --format json --fail-on new 2>/dev/null \
        | python3 "$here/new_findings.py" || true)
  echo "$(git log -1 --format='%h %s' | cut -c1-90)"
  [ -n "$new" ] && echo "$new"
done
rm -rf "$work"
