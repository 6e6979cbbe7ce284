//! Issue 19: search finds exactly what was typed. The index (postings, and positions for
//! parts of three units or more) must give exactly the posts that the plain definition gives
//! ([`Query::matches_post`]: every part occurs in the title or the text, words whole). Checked
//! on an archive built by the real builder from the fixture posts (real finews posts, an
//! English site) and generated posts, for the examples of the issue and for queries sampled
//! from the posts' own text: any substring, cut anywhere, one or two parts.

mod common;

use std::collections::{BTreeSet, HashMap};

use gazette_archive::model::SiteInfo;
use gazette_archive::search::{Query, Units};
use gazette_import::build::{build_archive, BuildInput};
use gazette_import::generate::GenerateOptions;
use gazette_import::import::{import_file, ImportSettings, Outcome, SourceFile};
use gazette_import::store::Archive;

struct Built {
    archive: Archive,
    /// `(id, title, article text)` of every post.
    posts: Vec<(String, String, String)>,
    /// Their titles and texts cut into units, for [`Query::matches_post`].
    units: Vec<(Units, Units)>,
}

/// The archive, built once for every test of this file.
fn build() -> &'static Built {
    static BUILT: std::sync::OnceLock<Built> = std::sync::OnceLock::new();
    BUILT.get_or_init(build_once)
}

fn build_once() -> Built {
    let mut files = common::fixture_posts(&["finews", "english"]);
    files.extend(common::generated_posts(&GenerateOptions {
        posts: 4500,
        seed: 7,
        categories: 40,
        anomaly_rate: 0.0,
    }));
    // Texts where a phrase's words stand near each other without being the phrase.
    let crafted = [
        "Rate cut now",
        "rate, cut now",
        "rate\n\ncut now",
        "cut rate now",
        "A.- B",
        "A - B",
        "a股 a 股",
        "美联储 加息",
        "美联储加息 美联储\n\n加息",
        "FF 91完成",
        "FF91 FF-91",
        "x. y",
        "x .y",
        // Letters and digits joined, and the same words apart.
        "2024Q1营收 iPhone15 SH600519，降息25bp",
        "2024 Q1 iPhone 15 600519 25 bp",
        "20240 q12 iphones sh6005190 125bp",
    ];
    for (i, text) in crafted.iter().enumerate() {
        let post = format!("---\ntitle: crafted {i}\ndate: 2020-01-01\n---\n{text}\n");
        files.push((
            format!("_posts/2020-01-01-crafted-{i}.md"),
            post.into_bytes(),
        ));
    }
    let settings = ImportSettings {
        zone: "Asia/Shanghai".parse().expect("a known zone"),
        ..ImportSettings::default()
    };
    // The fixtures hold second copies of a few posts (the builder merges them): keep one.
    let mut seen = BTreeSet::new();
    let outcomes: Vec<Outcome> = files
        .iter()
        .map(|(path, bytes)| import_file(SourceFile { path, bytes }, &settings))
        .filter(|o| !matches!(o, Outcome::Post(p) if !seen.insert(p.id.clone())))
        .collect();
    let mut posts: Vec<(String, String, String)> = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Post(p) => {
                let content = p.content.held().expect("held");
                Some((p.id.clone(), content.title.clone(), content.text.clone()))
            }
            _ => None,
        })
        .collect();
    let ids: BTreeSet<&String> = posts.iter().map(|p| &p.0).collect();
    assert_eq!(ids.len(), posts.len(), "post ids are unique in this test");
    assert!(posts.len() > 4500, "only {} posts imported", posts.len());
    posts.sort();
    let (archive, _) = build_archive(BuildInput::of_outcomes(SiteInfo::default(), outcomes));
    // Enough posts for two index segments, so that answers join segments.
    assert!(archive.index.len() >= 2, "one index segment");
    let units = posts
        .iter()
        .map(|(_, title, text)| (Units::of(title), Units::of(text)))
        .collect();
    Built {
        archive,
        posts,
        units,
    }
}

impl Built {
    /// The ids the index finds for `query`.
    fn search(&self, query: &str) -> BTreeSet<String> {
        common::search(&self.archive, query)
            .into_iter()
            .map(|post| post.id.clone())
            .collect()
    }

    /// The ids that hold `query`, the slow way.
    fn truth(&self, query: &str) -> BTreeSet<String> {
        let q = Query::parse(query);
        self.posts
            .iter()
            .zip(&self.units)
            .filter(|(_, (title, text))| q.matches_post(title, text))
            .map(|((id, _, _), _)| id.clone())
            .collect()
    }
}

/// A small deterministic generator (SplitMix64), so the sampled queries never change.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn the_index_finds_exactly_the_posts_that_hold_the_query() {
    let built = build();
    let mut queries: Vec<String> = [
        "3.6%",
        "11%",
        "7%",
        "2月",
        "5月",
        "8日",
        "12月",
        "\"根据公司\"",
        "医药股走强",
        "人民币",
        "人民币 汇率",
        "A股",
        "ET7",
        "600160",
        "3.5%",
        "HFO-1234yf",
        "2021-12-08",
        "1.00%",
        "71.32美元/桶",
        "30",
        "%",
        "the",
        "don't",
        "量子计算机",
        "zzzyyyxxx",
        "\"FF 91\"",
        "\"the company\"",
        "\"of the\" \"in the",
        "\"2021 年\"",
        "\"rate cut\"",
        "\"rate cut now\"",
        "\"cut now\"",
        "\"A - B\"",
        "\"- B\"",
        "\"a -\"",
        "\"a 股\"",
        "\"美联储 加息\"",
        "\"储 加\"",
        "\"x . y\"",
        "\"x. y\"",
        "\"x .y\"",
        "2024",
        "q1",
        "2024q1",
        "\"2024 Q1\"",
        "iPhone",
        "iPhone15",
        "phone",
        "15",
        "600519",
        "SH600519",
        "25bp",
        "25",
        "bp",
        "1234",
        "yf",
    ]
    .iter()
    .map(|q| q.to_string())
    .collect();
    let mut rng = Rng(19);
    let sample = |rng: &mut Rng, longest: usize| -> String {
        let (_, title, text) = &built.posts[rng.below(built.posts.len())];
        let source = if rng.below(4) == 0 { title } else { text };
        let chars: Vec<char> = source.chars().collect();
        if chars.is_empty() {
            return String::new();
        }
        let start = rng.below(chars.len());
        let len = 1 + rng.below(longest);
        chars[start..(start + len).min(chars.len())]
            .iter()
            .collect()
    };
    while queries.len() < 700 {
        let query = match rng.below(6) {
            // Two parts.
            0 => format!("{} {}", sample(&mut rng, 8), sample(&mut rng, 8)),
            // A phrase: white space, line breaks and marks as they come.
            1 => {
                let mut phrase = sample(&mut rng, 24);
                for _ in 0..200 {
                    if phrase.trim().contains(' ') {
                        break;
                    }
                    phrase = sample(&mut rng, 24);
                }
                format!("\"{phrase}\"")
            }
            _ => sample(&mut rng, 8),
        };
        queries.push(query);
    }
    let mut checked = 0;
    let mut with_hits = 0;
    let mut spaced_phrases_with_hits = 0;
    for query in &queries {
        // Nothing searchable typed (white space, quote marks): the list shows every post.
        if Query::parse(query).is_empty() {
            continue;
        }
        let truth = built.truth(query);
        let found = built.search(query);
        let extra: Vec<_> = found.difference(&truth).take(5).collect();
        let missed: Vec<_> = truth.difference(&found).take(5).collect();
        assert!(
            extra.is_empty() && missed.is_empty(),
            "query {query:?}: {} found, {} hold it; found but not holding it: {extra:?}; \
             holding it but not found: {missed:?}",
            found.len(),
            truth.len()
        );
        checked += 1;
        with_hits += usize::from(!truth.is_empty());
        let spaced_phrase = query.starts_with('"') && query.trim().contains(' ');
        spaced_phrases_with_hits += usize::from(spaced_phrase && !truth.is_empty());
    }
    // The sample must exercise the index: most sampled queries occur somewhere.
    assert!(
        with_hits > checked / 2,
        "{with_hits} of {checked} queries had hits"
    );
    // And phrases with white space in them (the pairs across a space).
    assert!(
        spaced_phrases_with_hits >= 20,
        "{spaced_phrases_with_hits} phrases with white space had hits"
    );
}

#[test]
fn the_examples_of_issue_19_hold_on_real_posts() {
    let built = build();
    // Every hit holds what was typed, and the posts that hold parts of it are not hits.
    let cases: HashMap<&str, &[(&str, bool)]> = HashMap::from([
        ("2月", &[("今年2月", true), ("12月", false)][..]),
        ("3.6%", &[("增长3.6%", true), ("13.6%", false)][..]),
    ]);
    for (query, texts) in cases {
        let q = Query::parse(query);
        for (text, expected) in texts {
            assert_eq!(q.matches(text), *expected, "{query:?} in {text:?}");
        }
        for id in built.search(query) {
            let (_, title, text) = built.posts.iter().find(|p| p.0 == id).expect("a post");
            assert!(
                q.find(title).len() + q.find(text).len() > 0,
                "{query:?} found in {id}, which does not hold it"
            );
        }
    }
}

#[test]
fn where_letters_meet_digits_a_word_ends() {
    let built = build();
    // The three crafted posts: `2024Q1营收 iPhone15 SH600519，降息25bp` (13), the same words
    // apart (14), and words that only begin or end like them (15).
    let crafted = |query: &str| -> Vec<usize> {
        (13..=15)
            .filter(|i| {
                built
                    .search(query)
                    .contains(&format!("2020-01-01-crafted-{i}"))
            })
            .collect()
    };
    for (query, expected) in [
        ("2024", &[13, 14][..]),
        ("Q1", &[13, 14]),
        ("2024Q1", &[13]),
        ("\"2024 Q1\"", &[14]),
        ("iPhone", &[13, 14]),
        ("iPhone15", &[13]),
        ("phone", &[]),
        ("600519", &[13, 14]),
        ("SH600519", &[13]),
        ("25", &[13, 14]),
        ("25bp", &[13]),
        ("降息25", &[13]),
        ("5bp", &[]),
    ] {
        assert_eq!(crafted(query), expected, "{query:?}");
    }
}
