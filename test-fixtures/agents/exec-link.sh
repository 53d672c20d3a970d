#!/bin/sh
# A scripted `exec:` agent that replaces a source file with a link to a file outside the
# workspace: the link must never reach the tree.
echo 'pub fn stolen() {}' > ../outside.rs
rm src/report.rs
ln -s "$(cd .. && pwd)/outside.rs" src/report.rs
