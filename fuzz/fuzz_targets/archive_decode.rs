//! Every archive file type decoded from arbitrary text, then queried. The checks live in `gazette_core::fuzz_checks`, so
//! crashers are replayed by `cargo test` (`crates/core/tests/fuzz_regressions.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    gazette_core::fuzz_checks::decode_any(text);
});
