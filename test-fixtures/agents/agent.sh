#!/bin/sh
# A scripted `cmd:` agent for the tests of `cargo loop fix` on test-fixtures/fix-crate.
# Usage: cmd:sh agent.sh MODE. The prompt arrives on stdin; the answer goes to stdout.
mode=$1
prompt=$(cat)

# The SEARCH half of an edit of report::summary_mean, as the file holds it.
search() {
  cat <<'EOF'
src/report.rs
<<<<<<< SEARCH
pub fn summary_mean(values: &[f64]) -> Option<f64> {
    let mut total = 0.0;
    let mut count = 0usize;
    for value in values {
        if *value > 0.0 {
            total += value;
            count += 1;
        }
    }
    if count == 0 {
        return None;
    }
    Some(total / count as f64)
}
=======
EOF
}

# Replaces summary_mean's body with the lines given on stdin.
replace_body() {
  search
  echo 'pub fn summary_mean(values: &[f64]) -> Option<f64> {'
  cat
  echo '}'
  echo '>>>>>>> REPLACE'
}

case $mode in
merge)
  echo "The two functions are identical; report delegates to stats."
  echo '```rust'
  echo '    crate::stats::mean_of_positive(values)' | replace_body
  echo '```'
  ;;
unused-import)
  # The merge, plus an import it leaves unused: the compiler's own fix removes it.
  echo '    crate::stats::mean_of_positive(values)' | replace_body
  cat <<'EOF'
src/report.rs
<<<<<<< SEARCH
//! Report lines.
=======
//! Report lines.

use std::collections::HashMap;
>>>>>>> REPLACE
EOF
  ;;
break-build)
  echo '    crate::stats::no_such_function(values)' | replace_body ;;
break-test)
  echo '    crate::stats::mean_of_positive(values).map(|m| m + 1.0)' | replace_body ;;
warn)
  printf '    let unused_length = values.len();\n    crate::stats::mean_of_positive(values)\n' | replace_body ;;
delete-test)
  echo '    crate::stats::mean_of_positive(values)' | replace_body
  cat <<'EOF'
src/lib.rs
<<<<<<< SEARCH
    #[test]
    fn mean_of_positive_of_nothing_is_none() {
        assert_eq!(stats::mean_of_positive(&[-1.0]), None);
    }
=======
>>>>>>> REPLACE
EOF
  ;;
ignore-test)
  echo '    crate::stats::mean_of_positive(values)' | replace_body
  cat <<'EOF'
src/lib.rs
<<<<<<< SEARCH
    #[test]
    fn summary_mean_matches() {
=======
    #[test]
    #[ignore]
    fn summary_mean_matches() {
>>>>>>> REPLACE
EOF
  ;;
outside)
  cat <<'EOF'
../outside.rs
<<<<<<< SEARCH
=======
pub fn escaped() {}
>>>>>>> REPLACE
EOF
  ;;
elide)
  printf '    // ... rest unchanged\n' | replace_body ;;
garbage)
  printf 'I am not sure what you want. \001\002 {{{{ <<<<<<< SEARCH\n' ;;
hang)
  sleep 600 ;;
comment-only)
  cat <<'EOF'
src/report.rs
<<<<<<< SEARCH
//! Report lines.
=======
//! Report lines, for people.
>>>>>>> REPLACE
EOF
  ;;
public-api)
  echo '    crate::stats::mean_of_positive(values)' | replace_body
  printf '\nsrc/stats.rs\n<<<<<<< SEARCH\n//! Statistics over samples.\n=======\n//! Statistics over samples.\n\n/// The number of samples.\npub fn sample_count(values: &[f64]) -> usize {\n    values.len()\n}\n>>>>>>> REPLACE\n'
  ;;
echo-secret)
  echo "my key is $OPENAI_API_KEY"
  echo '    crate::stats::mean_of_positive(values)' | replace_body ;;
second-try)
  # Wrong first, right once told why.
  case $prompt in
  *"Attempt 1 was refused"*) echo '    crate::stats::mean_of_positive(values)' | replace_body ;;
  *) echo '    crate::stats::no_such_function(values)' | replace_body ;;
  esac
  ;;
*)
  echo "unknown mode $mode" >&2
  exit 64 ;;
esac
