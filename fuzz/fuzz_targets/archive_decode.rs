//! Every archive file type decoded from arbitrary bytes (gzip or not, as fetched), then queried. The checks live in `gazette_import::fuzz_checks`, so
//! crashers are replayed by `cargo test` (`crates/import/tests/fuzz_regressions.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    gazette_import::fuzz_checks::decode_bytes_any(bytes);
});
