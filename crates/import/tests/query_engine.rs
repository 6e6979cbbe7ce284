//! The query engine (`gazette_archive::query`) on an index the builder made: which files a
//! filter needs, and which posts match in what order.

use std::collections::HashMap;

use gazette_archive::archive::{
    Days, HomeSection, IndexShardKey, Layout, Manifest, PeriodCount, PositionShard, SearchShard,
    Segment, SCHEMA_VERSION,
};
use gazette_archive::filter::Filter;
use gazette_archive::model::{CategoryInfo, SiteInfo, TagInfo};
use gazette_archive::query::*;
use gazette_import::search_index::search_index;
use gazette_import::store::IndexSegment;

/// Five posts, newest first: ordinal = position.
const POSTS: &[(&str, &str, &str, u32)] = &[
    ("2022-02-24", "博罗县委人才工作会议", "全力推进六大工程", 1),
    (
        "2021-12-08",
        "离岸人民币兑美元升至新高",
        "人民币汇率创新高",
        0,
    ),
    ("2021-12-08", "美元指数回落", "离岸人民币走强，人民币", 0),
    ("2021-12-01", "开站大吉", "祝贺开站", 2),
    (
        "undated",
        "HFO-1234yf制冷剂",
        "蔚来ET7使用HFO-1234yf，A股",
        0,
    ),
];

struct Fixture {
    manifest: Manifest,
    categories: Vec<CategoryInfo>,
    tags: Vec<TagInfo>,
    lists: Vec<Vec<u32>>,
    shards: HashMap<IndexShardKey, SearchShard>,
    positions: HashMap<IndexShardKey, PositionShard>,
    days: Days,
}

impl Loaded for Fixture {
    fn categories(&self) -> Option<&[CategoryInfo]> {
        Some(&self.categories)
    }
    fn tags(&self) -> Option<&[TagInfo]> {
        Some(&self.tags)
    }
    fn category_list(&self, index: u32) -> Option<&[u32]> {
        self.lists.get(index as usize).map(Vec::as_slice)
    }
    fn tag_list(&self, _: u32) -> Option<&[u32]> {
        None
    }
    fn search_shard(&self, key: IndexShardKey) -> Option<&SearchShard> {
        self.shards.get(&key)
    }
    fn position_shard(&self, key: IndexShardKey) -> Option<&PositionShard> {
        self.positions.get(&key)
    }
    fn days(&self) -> Option<&Days> {
        Some(&self.days)
    }
}

fn fixture() -> Fixture {
    // The index numbers posts oldest first.
    let oldest_first: Vec<_> = POSTS.iter().rev().collect();
    let index = search_index(&oldest_first, |&&(_, title, text, _)| (title, text));
    let segments = index.iter().map(IndexSegment::layout).collect();
    let shards = index
        .iter()
        .flat_map(|s| s.keyed_shards().map(|(k, s)| (k, s.clone())))
        .collect();
    let positions = index
        .iter()
        .flat_map(|s| s.keyed_positions().map(|(k, s)| (k, s.clone())))
        .collect();
    let category = |id: &str| CategoryInfo {
        id: id.into(),
        name: id.into(),
        count: 0,
        latest: None,
    };
    let mut lists = vec![Vec::new(); 3];
    for (ordinal, post) in POSTS.iter().enumerate() {
        lists[post.3 as usize].push(ordinal as u32);
    }
    Fixture {
        categories: vec![
            category("emnews"),
            category("nanfangPlus"),
            category("sitenews"),
        ],
        tags: vec![TagInfo {
            name: "t".into(),
            count: 0,
        }],
        manifest: Manifest {
            schema_version: SCHEMA_VERSION,
            generator: "test".into(),
            build: String::new(),
            site: SiteInfo::default(),
            post_count: POSTS.len() as u32,
            undated_count: 1,
            date_range: None,
            category_count: 3,
            tag_count: 1,
            months: vec![],
            home: HomeSection::default(),
            layout: Layout {
                summary_group_size: 32,
                body_chunk_count: 1,
                segments,
                ..Layout::default()
            },
        },
        lists,
        shards,
        positions,
        days: Days {
            schema_version: SCHEMA_VERSION,
            days: vec![
                PeriodCount {
                    period: "2022-02-24".into(),
                    count: 1,
                },
                PeriodCount {
                    period: "2021-12-08".into(),
                    count: 2,
                },
                PeriodCount {
                    period: "2021-12-01".into(),
                    count: 1,
                },
            ],
        },
    }
}

fn run(filter: Filter) -> Vec<u32> {
    let f = fixture();
    evaluate(&filter, &f.manifest, &f).unwrap().ordinals
}

fn text(text: &str) -> Filter {
    Filter {
        text: text.into(),
        ..Filter::default()
    }
}

/// A manifest whose post count is not where its segments end is refused before a reader
/// lists its posts (a damaged count of 2^32 - 1 had the viewer allocate them all).
#[test]
fn a_manifest_whose_count_is_not_its_segments_is_refused() {
    let mut manifest = fixture().manifest;
    assert_eq!(manifest.check(), Ok(()));
    for count in [u32::MAX, manifest.post_count + 1, 0] {
        manifest.post_count = count;
        let error = manifest.check().expect_err("a wrong count").to_string();
        assert!(error.contains("post_count"), "{error}");
    }
}

#[test]
fn neighbours_are_the_items_either_side() {
    let list = [2, 5, 9];
    assert_eq!(neighbours(&list, 5), (Some(2), Some(9)));
    assert_eq!(neighbours(&list, 2), (None, Some(5)));
    assert_eq!(neighbours(&list, 9), (Some(5), None));
    assert_eq!(neighbours(&list, 4), (None, None), "not in the list");
}

#[test]
fn chinese_words_match_without_spaces() {
    assert_eq!(run(text("博罗")), [0]);
    assert_eq!(run(text("人才工作")), [0]);
}

#[test]
fn title_matches_rank_first_then_frequency_then_recency() {
    // Post 1 has 人民币 in its title; post 2 only in its text (twice).
    assert_eq!(run(text("人民币")), [1, 2]);
    assert_eq!(
        run(Filter {
            by_date: true,
            ..text("人民币")
        }),
        [1, 2]
    );
    assert_eq!(run(text("美元")), [1, 2]);
}

#[test]
fn all_terms_must_match() {
    assert_eq!(run(text("人民币 汇率")), [1]);
    assert_eq!(run(text("\"离岸人民币\"")), [1, 2]);
    assert_eq!(run(text("人民币 博罗")), Vec::<u32>::new());
}

#[test]
fn latin_tickers_and_digits_match() {
    assert_eq!(run(text("HFO-1234yf")), [4]);
    assert_eq!(run(text("et7")), [4]);
    assert_eq!(run(text("A股")), [4]);
    assert_eq!(run(text("nothing-here")), Vec::<u32>::new());
}

#[test]
fn letters_and_digits_are_words_of_their_own() {
    // `ET7` is `et` and `7`, `1234yf` is `1234` and `yf`: each found alone, and together
    // only joined as typed.
    for query in ["ET", "7", "1234", "yf", "1234yf", "ET7使用", "\"HFO-1234\""] {
        assert_eq!(run(text(query)), [4], "{query}");
    }
    for query in ["E", "T7", "123", "1234y", "ET77", "\"ET 7\"", "1234-yf"] {
        assert_eq!(run(text(query)), Vec::<u32>::new(), "{query}");
    }
}

#[test]
fn categories_and_dates_combine_with_words() {
    assert_eq!(
        run(Filter {
            category: Some("emnews".into()),
            ..Filter::default()
        }),
        [1, 2, 4]
    );
    assert_eq!(
        run(Filter {
            category: Some("emnews".into()),
            ..text("人民币")
        }),
        [1, 2]
    );
    let december = Filter {
        from: Some("2021-12-01".into()),
        to: Some("2021-12-31".into()),
        ..Filter::default()
    };
    assert_eq!(run(december.clone()), [1, 2, 3]);
    assert_eq!(
        run(Filter {
            text: "开站".into(),
            ..december
        }),
        [3]
    );
    assert_eq!(
        run(Filter {
            from: Some("2021-12-08".into()),
            to: Some("2021-12-08".into()),
            ..Filter::default()
        }),
        [1, 2]
    );
}

#[test]
fn unknown_names_match_nothing() {
    let f = fixture();
    let hits = evaluate(
        &Filter {
            category: Some("nope".into()),
            ..Filter::default()
        },
        &f.manifest,
        &f,
    )
    .unwrap();
    assert!(hits.unknown_name);
    assert!(hits.ordinals.is_empty());
}

#[test]
fn a_damaged_segment_list_keeps_hits_ascending_and_in_range() {
    let mut f = fixture();
    let whole = evaluate(&text("人民"), &f.manifest, &f).unwrap();
    assert!(!whole.ordinals.is_empty());
    // The same segment twice, and one past the archive's end: answered once.
    let segment = f.manifest.layout.segments[0].clone();
    f.manifest.layout.segments = vec![
        segment.clone(),
        segment.clone(),
        Segment {
            first: 2,
            ..segment.clone()
        },
    ];
    assert_eq!(evaluate(&text("人民"), &f.manifest, &f).unwrap(), whole);
    // A segment that claims fewer posts than its shards hold answers only for them.
    // (人民 is in posts 2 and 3, numbered oldest first; a segment of posts 0-2 keeps 2.)
    f.manifest.layout.segments = vec![Segment { end: 3, ..segment }];
    let cut = |k: IndexShardKey| IndexShardKey { end: 3, ..k };
    f.shards = f.shards.drain().map(|(k, v)| (cut(k), v)).collect();
    f.positions = f.positions.drain().map(|(k, v)| (cut(k), v)).collect();
    let post_2 = gazette_archive::archive::flip(f.manifest.post_count, 2).unwrap();
    assert_eq!(whole.ordinals.len(), 2);
    assert!(whole.ordinals.contains(&post_2));
    for query in ["人民", "人民币"] {
        let kept = evaluate(&text(query), &f.manifest, &f).unwrap();
        assert_eq!(kept.ordinals, [post_2], "{query}");
    }
}

#[test]
fn missing_files_are_reported_once_each() {
    let mut f = fixture();
    f.shards.clear();
    let needs = needs(&text("人民币 人民"), &f.manifest, &f);
    let unique: std::collections::HashSet<_> = needs.iter().collect();
    assert_eq!(needs.len(), unique.len());
    assert!(needs.iter().all(|n| matches!(n, Need::SearchShard(_))));
}

#[test]
fn ranking_matches_a_plain_sort_by_title_frequency_and_age() {
    // A small deterministic pseudo-random list, ascending by ordinal like postings.
    let mut seed = 7u32;
    let mut next = || {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        seed >> 16
    };
    let scored: Vec<(u32, u32, u32)> = (0..2000).map(|o| (o * 3, next() % 3, next() % 7)).collect();
    let mut expected = scored.clone();
    expected.sort_by_key(|&(o, t, f)| (std::cmp::Reverse(t), std::cmp::Reverse(f), o));
    let expected: Vec<u32> = expected.into_iter().map(|s| s.0).collect();
    assert_eq!(rank(&scored), expected);
    assert_eq!(rank(&[]), Vec::<u32>::new());
}

#[test]
fn histogram_counts_hits_per_fitting_period() {
    let f = fixture();
    assert_eq!(
        histogram(&f.days, &[0, 1, 2, 3, 4]),
        vec![("2021".into(), 3), ("2022".into(), 1)]
    );
    assert_eq!(
        histogram(&f.days, &[1, 2, 3]),
        vec![("2021-12-01".into(), 1), ("2021-12-08".into(), 2)]
    );
}
