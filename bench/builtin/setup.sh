#!/bin/bash
# Per-crate copies of the injected benchmark for `fix --agent builtin`, each its own git repo
# and workspace with the vendored-crates config: $BENCH/base-<crate> (default /tmp/bench).
# smallvec's own tests trip clippy's deny-by-default `unit_cmp`, which fails the baseline:
# it is allowed in its manifest. memchr's tests need quickcheck, which the corpus lacks.
set -e
BENCH=${BENCH:-/tmp/bench}
WORK=${WORK:-$(dirname "$0")/../work}
mkdir -p "$BENCH"
for c in "${@:-semver itertools regex-syntax smallvec}"; do
  for c in $c; do
    d=$BENCH/base-$c
    rm -rf "$d"; cp -r "$WORK/injected/$c" "$d"
    mkdir -p "$d/.cargo"; cp "$WORK/.cargo/config.toml" "$d/.cargo/"
    cp "$WORK/injected/Cargo.lock" "$d/"
    [ "$c" = smallvec ] && printf '\n[lints.clippy]\nunit_cmp = "allow"\n' >> "$d/Cargo.toml"
    (cd "$d" && printf 'target/\n' > .gitignore && cargo generate-lockfile --offline -q \
      && git init -q && git add -A && git -c user.email=b@b -c user.name=b commit -qm base)
  done
done
