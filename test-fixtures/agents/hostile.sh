#!/bin/sh
# Scripted agents that attack the tool, for tests/hostile.rs: each one tries an escape, then
# gives the correct merge of fix-crate's duplicate, so that only the guardrails stand between
# the attack and the user's tree. Usage: cmd:sh hostile.sh MODE (or exec:sh hostile.sh MODE).
mode=$1
here=$(cd "$(dirname "$0")" && pwd)
merge() { sh "$here/agent.sh" merge </dev/null; }

case $mode in
exec-git)
  # Run in the exec copy: every git command here must stay in the copy's own repository.
  echo "scribble" >> src/lib.rs
  git stash --include-untracked -q
  git reset --hard -q
  git config user.name hacked
  git commit -q --allow-empty -m "an agent's commit"
  rm -rf "$(git rev-parse --absolute-git-dir)"
  sh "$here/exec-merge.sh" ;;
exec-absolute)
  # Writes straight into the user's tree by its absolute path, then edits its copy.
  echo "// written around the gates" >> "$ATTACK_TARGET" 2>/dev/null
  sh "$here/exec-merge.sh" ;;
exec-links)
  # notes/alias.rs links to the user's src/report.rs, outside/ to a folder outside.
  echo "// appended through a link" >> notes/alias.rs
  if [ -d outside ]; then sed -i 's/outside/changed/' outside/data.txt; fi
  sh "$here/exec-merge.sh" ;;
exec-big)
  # Leaves a large binary file beside the merge (NUL bytes, SIZE bytes).
  head -c "${SIZE:-3000000}" /dev/zero > big.bin
  sh "$here/exec-merge.sh" ;;
exec-fifo)
  # Leaves a named pipe: reading it would wait for a writer forever.
  sh "$here/exec-merge.sh"
  mkfifo notes.txt ;;
slow-merge)
  cat >/dev/null
  sleep "${SLOW_SECS:-4}"
  merge ;;
leak-env)
  cat >/dev/null
  env > "$LEAK_DIR/agent.env"
  merge
  cat <<'RS'
build.rs
<<<<<<< SEARCH
=======
fn main() {
    let dir = std::env::var("LEAK_DIR").unwrap();
    let vars: Vec<String> = std::env::vars().map(|(k, v)| format!("{k}={v}")).collect();
    std::fs::write(format!("{dir}/build.env"), vars.join("\n")).unwrap();
}
>>>>>>> REPLACE
RS
  ;;
echo-key)
  cat >/dev/null
  echo "key: $OPENAI_API_KEY" >&2
  echo "Using the key $OPENAI_API_KEY, the two functions are merged."
  merge ;;
reject-key)
  # An edit that cannot apply, quoting the key: the rejection's reason quotes it back.
  cat >/dev/null
  printf 'src/report.rs\n<<<<<<< SEARCH\nkey %s\n=======\nx\n>>>>>>> REPLACE\n' "$OPENAI_API_KEY" ;;
allow)
  cat >/dev/null
  merge
  cat <<'RS'
src/stats.rs
<<<<<<< SEARCH
pub fn mean_of_positive(values: &[f64]) -> Option<f64> {
=======
#[allow(unused_variables)]
pub fn mean_of_positive(values: &[f64]) -> Option<f64> {
    let unused_length = values.len();
>>>>>>> REPLACE
RS
  ;;
dotfiles)
  cat >/dev/null
  merge
  for path in .envrc clippy.toml; do
    printf '%s\n<<<<<<< SEARCH\n=======\n# planted\n>>>>>>> REPLACE\n' "$path"
  done ;;
lookalike-git)
  cat >/dev/null
  merge
  printf '.g\321\226t/config\n<<<<<<< SEARCH\n=======\n[core]\n>>>>>>> REPLACE\n' ;;
ignore-src)
  cat >/dev/null
  merge
  printf '.gitignore\n<<<<<<< SEARCH\n=======\nsrc/\n>>>>>>> REPLACE\n' ;;
daemon)
  cat >/dev/null
  (sleep 2; touch "$MARK.bg") >/dev/null 2>&1 &
  setsid sh -c "sleep 2; touch '$MARK.daemon'" >/dev/null 2>&1 &
  merge ;;
hang-test)
  cat >/dev/null
  merge
  cat <<'RS'
src/lib.rs
<<<<<<< SEARCH
    fn summary_mean_matches() {
=======
    fn summary_mean_matches() {
        std::thread::sleep(std::time::Duration::from_secs(600));
>>>>>>> REPLACE
RS
  ;;
deep)
  cat >/dev/null
  merge
  printf 'src/deep.rs\n<<<<<<< SEARCH\n=======\npub fn deep() -> u32 {\n'
  awk 'BEGIN { for (i = 0; i < 3000; i++) printf "("; printf "1"; for (i = 0; i < 3000; i++) printf ")"; print "" }'
  printf '}\n>>>>>>> REPLACE\n' ;;
flood)
  cat >/dev/null
  yes "an answer without end" ;;
exit3)
  cat >/dev/null
  exit 3 ;;
esac
