//! A whole post file through the importer. The checks live in `gazette_import::fuzz_checks`, so
//! crashers are replayed by `cargo test` (`crates/import/tests/fuzz_regressions.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    gazette_import::fuzz_checks::import_any(bytes);
});
