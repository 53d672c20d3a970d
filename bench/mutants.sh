#!/usr/bin/env bash
# Mutation testing of the guardrails: every mutant of the modules that decide what may reach
# the user's tree must be caught by a test (goal: none missed; an equivalent mutant gets a
# comment or `#[mutants::skip]` with its reason).
#
#     bench/mutants.sh            # guard.rs, edit/paths.rs, keep.rs against the unit tests
#     TESTS=all bench/mutants.sh  # against the whole suite (slower: the end-to-end tests too)
#
# Needs cargo-mutants (installed here if missing). Runs on a clean worktree of HEAD, so the
# working tree's uncommitted changes are neither tested nor disturbed. About 20 minutes on a
# 2-core machine. Results: bench/work/mutants/mutants.out/{caught,missed}.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-mutants >/dev/null || cargo install --locked cargo-mutants
work="$PWD/bench/work/mutants"
tree="$(mktemp -d)/tree"
git worktree add -q --detach "$tree" HEAD
trap 'git worktree remove --force "$tree"' EXIT
test_args=(--bin cargo-loop)
[ "${TESTS:-unit}" = all ] && test_args=()
(cd "$tree" && cargo mutants \
    --file src/refactor/guard.rs --file src/refactor/edit/paths.rs --file src/refactor/keep.rs \
    --timeout 120 -o "$work" -- "${test_args[@]}")
