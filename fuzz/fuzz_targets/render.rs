//! Markdown + sanitize: no script or handler in the output's tags. The checks live in `gazette_import::fuzz_checks`, so
//! crashers are replayed by `cargo test` (`crates/import/tests/fuzz_regressions.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    gazette_import::fuzz_checks::render_any(text);
});
