//! A whole post file through the importer: split, YAML (with its fallback), dates, Liquid,
//! Markdown, sanitizing. Must never panic, whatever the bytes.
#![no_main]

use gazette_core::import::{import_file, ImportSettings, SourceFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let settings = ImportSettings {
        zone: "Asia/Shanghai".parse().unwrap(),
        url: "https://finews.withounder.com".into(),
        ..ImportSettings::default()
    };
    let _ = import_file(
        SourceFile {
            path: "2022-02-24-fuzz.md",
            bytes,
        },
        &settings,
    );
});
