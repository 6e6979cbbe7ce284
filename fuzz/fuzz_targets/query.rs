//! URL fragments and search queries. The checks live in `gazette_import::fuzz_checks`, so
//! crashers are replayed by `cargo test` (`crates/import/tests/fuzz_regressions.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    gazette_import::fuzz_checks::route_any(text);
});
