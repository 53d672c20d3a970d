#!/bin/bash
# usage: saved.sh TAG CRATE: lines of .rs code (non-blank) before and after the run, and the diff stat
tag=$1; c=$2
count() { find "$1/src" -name '*.rs' -print0 | xargs -0 cat | grep -cv '^\s*$'; }
b=$(count ${BENCH:-/tmp/bench}/base-$c); a=$(count ${BENCH:-/tmp/bench}/run-$tag-$c)
echo "$c $tag: non-blank .rs lines $b -> $a (saved $((b-a)), $(python3 -c "print(f'{($b-$a)/$b*100:.2f}%')"))"
(cd ${BENCH:-/tmp/bench}/run-$tag-$c && git diff --shortstat -- '*.rs')
