#!/usr/bin/env bash
# Renders random markups with kramdown 2.4 (Debian's `jekyll` package brings it) and with
# Gazette, and counts where they differ. See README.md.
#
#   tests/kramdown-diff/run.sh [SET] [COUNT] [SEED] [SHOWN]    (quotes|html|blocks, 2000, 1, 10)
#
# BEFORE=<commit> also renders the markups with Gazette at that commit (in a worktree beside
# target/) and tells how many the working tree's changes made the same or made to differ.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
set_name=${1:-quotes} count=${2:-2000} seed=${3:-1} shown=${4:-10}
command -v ruby >/dev/null && ruby -e "require 'kramdown'; require 'kramdown-parser-gfm'" 2>/dev/null ||
  { echo "needs kramdown: apt-get install jekyll" >&2; exit 1; }
root=$(cd "$here/../.." && pwd)
cd "$root"
cargo build -q --release -p gazette-import --example kramdown_diff
bin=$root/target/release/examples/kramdown_diff
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" gen "$set_name" "$count" "$seed" > "$work/docs"
ruby "$here/kramdown.rb" < "$work/docs" > "$work/kramdown.html"
before=()
if [ -n "${BEFORE:-}" ]; then
  tree=$root/target/kramdown-diff-before
  git worktree remove -f "$tree" 2>/dev/null || rm -rf "$tree"
  git worktree add -q -f "$tree" "$BEFORE"
  # The builder's crate was gazette-core (crates/core) before it was split in three.
  crate=import package=gazette-import
  [ -d "$tree/crates/import" ] || crate=core package=gazette-core
  mkdir -p "$tree/crates/$crate/examples"
  cp "$root/crates/import/examples/kramdown_diff.rs" "$tree/crates/$crate/examples/"
  [ "$crate" = core ] && sed -i 's/gazette_import::/gazette_core::/g; s/gazette_sanitize::/gazette_core::sanitize::/g' \
    "$tree/crates/core/examples/kramdown_diff.rs"
  (cd "$tree" && CARGO_TARGET_DIR=$root/target/kramdown-diff-target \
    cargo build -q --release -p "$package" --example kramdown_diff)
  "$root/target/kramdown-diff-target/release/examples/kramdown_diff" render "$work/docs" > "$work/before.html"
  git worktree remove -f "$tree"
  before=("$work/before.html")
fi
"$bin" compare "$work/docs" "$work/kramdown.html" "$shown" "${before[@]}"
