#!/usr/bin/env bash
# Runs every fuzz target for a bounded time (default 600 s each), two at a time, and keeps
# crashes in fuzz/artifacts/<target>/. Not part of .ci/run (it takes long); crashers found are
# copied into tests/fuzz-regressions/ and replayed by `cargo test`. Then runs the sanitizers'
# differential test in Chromium with SECONDS x 100 inputs.
#   usage: fuzz/run.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-600}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
export RUSTC_BOOTSTRAP=1   # cargo fuzz needs nightly flags; no nightly toolchain can be downloaded here
run() {
  mkdir -p "corpus/$1"
  cargo fuzz run "$1" "corpus/$1" -- -max_total_time="$seconds" -rss_limit_mb=4096 2>&1 | tail -n 3 | sed "s/^/[$1] /"
}
run front_matter & run render & wait
run archive_decode & run query & wait

# The two sanitizers compared in headless Chromium (tests/sanitizer_differential.rs) on many
# more inputs than `.ci/run` gives them, with a new seed each run (printed; rerun a failure
# with GAZETTE_DIFFERENTIAL_SEED set to it).
cd ..
differential_seed=${GAZETTE_DIFFERENTIAL_SEED:-$RANDOM$RANDOM}
differential_inputs=$(( seconds * 100 ))
echo "[sanitizer_differential] seed $differential_seed, $differential_inputs inputs"
GAZETTE_DIFFERENTIAL_SEED=$differential_seed GAZETTE_DIFFERENTIAL_INPUTS=$differential_inputs \
  CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver} WASM_BINDGEN_TEST_TIMEOUT=$(( seconds * 10 + 300 )) \
  cargo test --package gazette-app --target wasm32-unknown-unknown --test sanitizer_differential 2>&1 \
  | tail -n 5 | sed "s/^/[sanitizer_differential] /"
