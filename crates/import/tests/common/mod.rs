//! Inputs shared by the importer's integration tests: the fixture sites' posts and generator
//! posts, as `(path, bytes)`, and a text search of a built archive by the viewer's engine.

// Not every test binary uses every helper.
#![allow(dead_code)]

use std::path::Path;

use gazette_archive::archive::{flip, Days, IndexShardKey, PositionShard, SearchShard};
use gazette_archive::filter::Filter;
use gazette_archive::model::{CategoryInfo, PostSummary, SiteInfo, TagInfo};
use gazette_archive::query::{evaluate, Loaded};
use gazette_import::build::BuildInput;
use gazette_import::generate::{generate_post, sources, GenerateOptions};
use gazette_import::import::{import_file, ImportSettings, Outcome, SourceFile};
use gazette_import::store::Archive;

/// The post files (`.md`, `.html`) of the fixture sites `sites` (folders of
/// `tests/fixtures/`), second copies included.
pub fn fixture_posts(sites: &[&str]) -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let mut files = Vec::new();
    for site in sites {
        files_under(&root.join(site), &mut files);
    }
    files
}

fn files_under(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).expect("a readable fixture folder") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            files_under(&path, out);
        } else if path.extension().is_some_and(|e| e == "md" || e == "html") {
            let bytes = std::fs::read(&path).expect("a readable fixture");
            out.push((path.display().to_string(), bytes));
        }
    }
}

/// The post files the generator writes with `options`, under `gen/`.
pub fn generated_posts(options: &GenerateOptions) -> Vec<(String, Vec<u8>)> {
    let specs = sources(options);
    (0..options.posts)
        .flat_map(|index| generate_post(options, &specs, index))
        .filter(|file| file.path.ends_with(".md") || file.path.ends_with(".html"))
        .map(|file| (format!("gen/{}", file.path), file.bytes))
        .collect()
}

/// `files` imported as the integration tests import them (dates without an offset in
/// Shanghai's time).
pub fn import_all(files: &[(String, Vec<u8>)]) -> Vec<Outcome> {
    let settings = ImportSettings {
        zone: "Asia/Shanghai".parse().expect("a known zone"),
        ..ImportSettings::default()
    };
    files
        .iter()
        .map(|(path, bytes)| import_file(SourceFile { path, bytes }, &settings))
        .collect()
}

/// The builder's input of `outcomes`, for a site with a public URL (so it has feeds).
pub fn input(outcomes: Vec<Outcome>) -> BuildInput {
    BuildInput::of_outcomes(
        SiteInfo {
            url: "https://example.org".into(),
            ..SiteInfo::default()
        },
        outcomes,
    )
}

/// An archive in memory as the query engine loads one for a text query: its index only.
struct IndexOf<'a>(&'a Archive);

impl Loaded for IndexOf<'_> {
    fn categories(&self) -> Option<&[CategoryInfo]> {
        None
    }
    fn tags(&self) -> Option<&[TagInfo]> {
        None
    }
    fn category_list(&self, _: u32) -> Option<&[u32]> {
        None
    }
    fn tag_list(&self, _: u32) -> Option<&[u32]> {
        None
    }
    fn search_shard(&self, key: IndexShardKey) -> Option<&SearchShard> {
        self.0.search_shard(key)
    }
    fn position_shard(&self, key: IndexShardKey) -> Option<&PositionShard> {
        self.0.position_shard(key)
    }
    fn days(&self) -> Option<&Days> {
        None
    }
}

/// The posts of `archive` that the viewer's query engine finds for `text`, in its order.
pub fn search<'a>(archive: &'a Archive, text: &str) -> Vec<&'a PostSummary> {
    let filter = Filter {
        text: text.to_string(),
        ..Filter::default()
    };
    let manifest = &archive.manifest;
    let hits = evaluate(&filter, manifest, &IndexOf(archive)).expect("every shard is loaded");
    let size = manifest.layout.summary_group_size;
    hits.ordinals
        .iter()
        .map(|&o| {
            let n = flip(manifest.post_count, o).expect("an ordinal of the archive");
            &archive.summaries[(n / size) as usize].posts[(n % size) as usize]
        })
        .collect()
}
