#!/bin/bash
# usage: [FIX_FLAGS=--allow-sensitive] measure.sh TAG BIN CRATE...
tag=$1; bin=$2; shift 2
for c in "$@"; do
  d=${BENCH:-/tmp/bench}/run-$tag-$c
  rm -rf $d; cp -r ${BENCH:-/tmp/bench}/base-$c $d
  start=$(date +%s)
  (cd $d && nice -n 10 $bin loop fix ${FIX_FLAGS:-} --agent builtin --findings dup --max-candidates 60 --jobs 1 --manifest-path $d/Cargo.toml --format json > ${BENCH:-/tmp/bench}/fix-$tag-$c.json 2> ${BENCH:-/tmp/bench}/fix-$tag-$c.err)
  echo "$c rc=$? secs=$(( $(date +%s) - start ))" >> ${BENCH:-/tmp/bench}/times-$tag.txt
  (cd $d && $bin loop log --manifest-path $d/Cargo.toml --format json > ${BENCH:-/tmp/bench}/log-$tag-$c.json 2>&1)
done
