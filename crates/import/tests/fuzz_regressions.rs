//! Every input that ever crashed a fuzz target (`tests/fuzz-regressions/<target>/`), replayed
//! through the same checks (`gazette_import::fuzz_checks`).

use std::path::Path;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fuzz-regressions")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect()
}

#[test]
fn importer_crashers_import() {
    let inputs = inputs("front_matter");
    assert!(!inputs.is_empty());
    for (_, bytes) in inputs {
        gazette_import::fuzz_checks::import_any(&bytes);
    }
}

#[test]
fn render_crashers_render_safely() {
    for (_, bytes) in inputs("render") {
        gazette_import::fuzz_checks::render_any(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn archive_crashers_decode() {
    let inputs = inputs("archive_decode");
    assert!(!inputs.is_empty());
    for (_, bytes) in inputs {
        gazette_import::fuzz_checks::decode_bytes_any(&bytes);
    }
}

#[test]
fn route_crashers_parse() {
    for (_, bytes) in inputs("query") {
        gazette_import::fuzz_checks::route_any(&String::from_utf8_lossy(&bytes));
    }
}
