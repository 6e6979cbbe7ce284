#!/usr/bin/env bash
# Runs every fuzz target for a bounded time (default 600 s each), two at a time, and keeps
# crashes in fuzz/artifacts/<target>/. Not part of .ci/run (it takes long); crashers found are
# copied into tests/fuzz-regressions/ and replayed by `cargo test`.
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
