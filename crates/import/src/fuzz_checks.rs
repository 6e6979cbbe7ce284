//! What the fuzz targets (`fuzz/`) check, as plain functions, so that every crasher they
//! ever found is replayed by `cargo test` (`tests/fuzz_regressions.rs`) with the same code.
//! Each function must return normally for any input; a panic is a bug.

use crate::import::{import_file, ImportSettings, SourceFile};
use crate::markdown::render;
use gazette_archive::archive::{
    decode, BodyChunk, CategoryTable, Days, IdShard, IndexShardKey, ListKey, Manifest,
    PositionShard, PostList, SearchShard, SegmentLists, SummaryGroup, TagTable,
};
use gazette_archive::filter::{highlight, Filter};
use gazette_archive::model::{CategoryInfo, TagInfo};
use gazette_archive::query::{evaluate, histogram, Loaded};
use gazette_archive::route::{legacy_route, Route};
use gazette_archive::search::{for_each_term, Query};

/// A whole post file through the importer.
pub fn import_any(bytes: &[u8]) {
    let settings = ImportSettings {
        zone: "Asia/Shanghai".parse().expect("a known zone"),
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
}

/// Markdown + sanitize: the output's tags hold no script and no event handler, and both fast
/// paths (plain Markdown, raw HTML) agree with the full one.
pub fn render_any(text: &str) {
    if let Some((fast, full)) = crate::markdown::fast_and_full(text) {
        assert_eq!(
            fast, full,
            "the plain-Markdown fast path differs from the sanitizer"
        );
    }
    // The input as raw HTML, which the sanitizer's own fast path must clean as ammonia does.
    if let Some(fast) = gazette_sanitize::raw_html::sanitize(text) {
        assert_eq!(
            fast,
            gazette_sanitize::ammonia_sanitize(text),
            "the raw HTML fast path differs from ammonia"
        );
    }
    let rendered = render(text, &crate::markdown::MarkdownOptions::default());
    // Text has its `<` escaped, so every `<` starts a tag: check the tags only.
    for tag in rendered.html.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap_or("").to_ascii_lowercase();
        assert!(!tag.starts_with("script"), "{}", rendered.html);
        for name in attribute_names(&tag) {
            assert!(!name.starts_with("on"), "{name} in {}", rendered.html);
        }
    }
}

/// Attribute names of a serialized start tag (the serializer quotes every value with `"`,
/// and a value never holds a raw `"`).
fn attribute_names(tag: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut parts = tag.split('"');
    // Even parts are outside quotes: `a href=`, ` rel=`, …; the last word before `=` is a name.
    while let Some(outside) = parts.next() {
        if let Some(before_equals) = outside.strip_suffix('=') {
            if let Some(name) = before_equals.split_whitespace().last() {
                names.push(name);
            }
        }
        parts.next();
    }
    names
}

struct Files {
    categories: Option<CategoryTable>,
    tags: Option<TagTable>,
    days: Option<Days>,
    list: Option<Vec<u32>>,
    shard: Option<SearchShard>,
    positions: Option<PositionShard>,
}

impl Loaded for Files {
    fn categories(&self) -> Option<&[CategoryInfo]> {
        self.categories.as_ref().map(|t| t.categories.as_slice())
    }
    fn tags(&self) -> Option<&[TagInfo]> {
        self.tags.as_ref().map(|t| t.tags.as_slice())
    }
    fn category_list(&self, _: u32) -> Option<&[u32]> {
        self.list.as_deref()
    }
    fn tag_list(&self, _: u32) -> Option<&[u32]> {
        self.list.as_deref()
    }
    fn search_shard(&self, _: IndexShardKey) -> Option<&SearchShard> {
        self.shard.as_ref()
    }
    fn position_shard(&self, _: IndexShardKey) -> Option<&PositionShard> {
        self.positions.as_ref()
    }
    fn days(&self) -> Option<&Days> {
        self.days.as_ref()
    }
}

/// Arbitrary bytes as the app gets them from the network: gzip or not, then every check of
/// [`decode_any`] on what they decode to.
pub fn decode_bytes_any(bytes: &[u8]) {
    let _ = gazette_archive::archive::decode_bytes::<BodyChunk>("f", bytes);
    let _ = gazette_archive::archive::decode_search_shard("f", bytes);
    let _ = gazette_archive::archive::decode_position_shard("f", bytes);
    if let Ok(json) = gazette_archive::archive::stored_contents("f", bytes) {
        if let Ok(text) = std::str::from_utf8(&json) {
            decode_any(text);
        }
    }
}

/// A search shard from arbitrary bytes: as they are, and after a valid header, so that the
/// fuzzer reaches the term and postings parser without guessing the magic.
fn search_shard_any(bytes: &[u8]) -> Option<SearchShard> {
    let with_header = with_header(gazette_archive::archive::SEARCH_SHARD_MAGIC, bytes);
    SearchShard::read("f", bytes)
        .ok()
        .or_else(|| SearchShard::read("f", &with_header).ok())
}

/// Like [`search_shard_any`], for a position shard.
fn position_shard_any(bytes: &[u8]) -> Option<PositionShard> {
    let with_header = with_header(gazette_archive::archive::POSITION_SHARD_MAGIC, bytes);
    PositionShard::read("f", bytes)
        .ok()
        .or_else(|| PositionShard::read("f", &with_header).ok())
}

/// `bytes` after a binary shard's valid magic and version.
fn with_header(magic: &[u8; 4], bytes: &[u8]) -> Vec<u8> {
    let mut with_header = magic.to_vec();
    with_header.push(gazette_archive::archive::SCHEMA_VERSION as u8);
    with_header.extend_from_slice(bytes);
    with_header
}

/// Every archive file type decoded from arbitrary text, then used the way the app uses it.
pub fn decode_any(text: &str) {
    let _ = decode::<BodyChunk>("f", text);
    let _ = decode::<IdShard>("f", text);
    let _ = decode::<SummaryGroup>("f", text);
    if let Ok(part) = decode::<SegmentLists>("f", text) {
        let base = PostList::from_numbers(&[0, 5, u32::MAX - 1]);
        for key in [ListKey::category(0), ListKey::tag(1)] {
            let _ = key.ordinals(&base, std::slice::from_ref(&part), u32::MAX);
        }
    }
    let list = decode::<PostList>("f", text)
        .ok()
        .map(|l| l.ordinals(u32::MAX));
    let days = decode::<Days>("f", text).ok();
    let shard = search_shard_any(text.as_bytes());
    let positions = position_shard_any(text.as_bytes());
    let categories = decode::<CategoryTable>("f", text).ok();
    let tags = decode::<TagTable>("f", text).ok();
    if let Ok(manifest) = decode::<Manifest>("f", text) {
        let first_category = categories
            .as_ref()
            .and_then(|t| t.categories.first())
            .map(|c| c.id.clone());
        let first_tag = tags
            .as_ref()
            .and_then(|t| t.tags.first())
            .map(|t| t.name.clone());
        let files = Files {
            categories,
            tags,
            days: days.clone(),
            list,
            shard,
            positions,
        };
        let filters = [
            Filter {
                text: "人民币 et7".into(),
                ..Filter::default()
            },
            Filter {
                text: "3.6% 离岸人民币".into(),
                ..Filter::default()
            },
            Filter {
                category: first_category,
                from: Some("2021-01-01".into()),
                ..Filter::default()
            },
            Filter {
                tag: first_tag,
                text: "a股".into(),
                ..Filter::default()
            },
        ];
        for filter in filters {
            if let (Ok(hits), Some(days)) = (evaluate(&filter, &manifest, &files), &days) {
                let _ = histogram(days, &hits.ordinals);
            }
        }
    }
    if let Some(days) = days {
        let _ = histogram(&days, &[0, 1, 2, u32::MAX]);
    }
}

/// URL fragments and search queries: parsing, formatting (which must round-trip), terms.
pub fn route_any(text: &str) {
    let route = Route::parse(text);
    if !matches!(route, Route::NotFound { .. }) {
        assert_eq!(Route::parse(&route.to_fragment()), route, "{text:?}");
    }
    let _ = legacy_route(text);
    let query = Query::parse(text);
    for_each_term(text, |_, _| {});
    let _ = highlight(text, &query);
    let _ = query.matches(text);
}
