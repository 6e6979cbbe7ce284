//! The whole-archive half of the builder: imported posts in, [`Archive`] and [`BuildReport`]
//! out. Merges second copies of a post, numbers posts oldest first, names categories, cuts
//! bodies into chunks, builds the post lists, the id and search shards, and picks what the
//! home page shows.
//!
//! Everything a file holds about old posts is a function of the posts up to them in number
//! order (chunk boundaries, category and tag positions, list contents), so that posts added
//! after them change no file that holds only older ones (issue 18).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::archive::{
    busiest_first, id_group_name, id_month, Archive, BodyChunk, CategoryLatest, CategoryTable,
    Days, HomeSection, IdShard, IdShardKey, Layout, Manifest, PeriodCount, PostBody, PostList,
    Segment, SummaryGroup, TagTable, CHUNK_TARGET_BYTES, SCHEMA_VERSION, SEGMENT_POSTS,
    SUMMARY_GROUP_SIZE,
};
use crate::dates::{count_by_period, Granularity};
use crate::feed;
use crate::import::{ImportedPost, Outcome};
use crate::model::{CategoryInfo, PostSummary, SiteInfo, TagInfo};
use crate::post_date::to_rfc3339;
use crate::report::{BuildReport, Merge, Skip, Warning};
use crate::route::Route;
use crate::search;
use crate::search_index;
use rayon::prelude::*;

/// Posts on the home page's "newest" list.
pub const HOME_NEWEST: usize = 20;
/// Categories whose latest posts the manifest embeds for the home page.
pub const HOME_CATEGORIES: usize = 24;
/// Latest posts shown per category on the home page (the original finews home showed five).
pub const HOME_POSTS_PER_CATEGORY: usize = 5;
/// An id shard aims at about this many ids.
const IDS_PER_SHARD: usize = 2048;

/// Everything the builder found.
#[derive(Debug, Default)]
pub struct BuildInput {
    pub site: SiteInfo,
    /// One outcome per post-type file.
    pub outcomes: Vec<Outcome>,
    /// Files that were not post files at all (images, data), already explained.
    pub ignored: Vec<Skip>,
    /// Warnings about the site rather than a post (its `_config.yml`), put first in the report.
    pub warnings: Vec<Warning>,
}

/// Builds the archive and the report from imported files.
pub fn build_archive(input: BuildInput) -> (Archive, BuildReport) {
    let (archive, report, ()) = build_archive_with(input, |_| ());
    (archive, report)
}

/// [`build_archive`], handing the archive to `meanwhile` as soon as everything but the
/// search index is assembled, and running it beside the index build (the largest job). The
/// builder writes [`Archive::files_before_index`] there, so that writing overlaps indexing.
/// What `meanwhile` sees has no index segments yet (in the archive or in its layout).
pub fn build_archive_with<R: Send>(
    input: BuildInput,
    meanwhile: impl FnOnce(&Archive) -> R + Send,
) -> (Archive, BuildReport, R) {
    let mut report = BuildReport {
        read: input.outcomes.len() + input.ignored.len(),
        skipped: input.ignored,
        warnings: input.warnings,
        ..BuildReport::default()
    };
    let mut posts = Vec::new();
    for outcome in input.outcomes {
        match outcome {
            Outcome::Post(post) => posts.push(*post),
            Outcome::Unpublished { path } => report.skipped.push(Skip {
                path,
                reason: "published: false".into(),
            }),
            Outcome::Rejected(rejection) => report.rejected.push(rejection),
        }
    }
    let posts = merge_copies(posts, &mut report);
    for post in &posts {
        if !post.warnings.is_empty() {
            report.warned += 1;
        }
        report.warnings.extend(post.warnings.iter().cloned());
    }
    report
        .warnings
        .sort_by(|a, b| a.path.cmp(&b.path).then(a.line.cmp(&b.line)));
    report.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    report.rejected.sort_by(|a, b| a.path.cmp(&b.path));
    report.written = posts.len();
    let mut site = input.site;
    if site.lang.is_empty() {
        site.lang = crate::i18n::guess_language(
            posts
                .iter()
                .flat_map(|p| [p.title.as_str(), p.excerpt.as_str()]),
        )
        .to_string();
    }
    let (archive, meanwhile_result) = assemble(posts, site, meanwhile);
    (archive, report, meanwhile_result)
}

/// Keeps one post per id: the first by path (so `_posts/` wins over `old_post/`); the other
/// copies are reported as merged.
fn merge_copies(mut posts: Vec<ImportedPost>, report: &mut BuildReport) -> Vec<ImportedPost> {
    posts.sort_by(|a, b| a.id.cmp(&b.id).then_with(|| a.path.cmp(&b.path)));
    let mut kept: Vec<ImportedPost> = Vec::with_capacity(posts.len());
    for post in posts {
        match kept.last() {
            Some(previous) if previous.id == post.id => report.merged.push(Merge {
                id: post.id.clone(),
                kept: previous.path.clone(),
                dropped: post.path.clone(),
                identical: previous.title == post.title
                    && previous.date == post.date
                    && previous.body == post.body,
            }),
            _ => kept.push(post),
        }
    }
    kept
}

/// Post number order: the exact reverse of the ordinal order (newest local day first, then
/// newest instant, then id; undated posts last, by id), so a post's ordinal is
/// [`crate::archive::flip`] of its number. Sorting by local day first keeps each day's posts
/// contiguous even when posts carry different offsets. Undated posts come first: an undated
/// post renumbers the archive, a dated one only what is newer than it.
fn sort_oldest_first(posts: &mut [ImportedPost]) {
    sort_newest_first(posts);
    posts.reverse();
}

fn sort_newest_first(posts: &mut [ImportedPost]) {
    posts.sort_by(|a, b| match (a.date, b.date) {
        (Some(x), Some(y)) => y
            .date_naive()
            .cmp(&x.date_naive())
            .then(y.cmp(&x))
            .then_with(|| a.id.cmp(&b.id)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.id.cmp(&b.id),
    });
}

/// Gives names positions in the order they are first seen: a name's position never changes
/// when posts newer than its first are added.
#[derive(Default)]
struct Positions<'a> {
    of: HashMap<&'a str, u32>,
    names: Vec<&'a str>,
}

impl<'a> Positions<'a> {
    fn position(&mut self, name: &'a str) -> u32 {
        *self.of.entry(name).or_insert_with(|| {
            self.names.push(name);
            self.names.len() as u32 - 1
        })
    }
}

fn assemble<R: Send>(
    mut posts: Vec<ImportedPost>,
    site: SiteInfo,
    meanwhile: impl FnOnce(&Archive) -> R + Send,
) -> (Archive, R) {
    sort_oldest_first(&mut posts);
    // The full-text index is the largest job and needs only titles and text: it is built
    // beside everything else, so that no core idles while lists, chunks and feeds are made.
    // The bodies' HTML moves into the chunks rather than being copied (it is most of the
    // archive's bytes).
    let html: Vec<String> = posts
        .iter_mut()
        .map(|post| std::mem::take(&mut post.body.html))
        .collect();
    let (index, (mut archive, meanwhile_result)) = rayon::join(
        || search_index::search_index(&posts, |p| (p.title.as_str(), p.body.text.as_str())),
        || {
            let archive = assemble_all_but_the_index(&posts, html, site);
            let result = meanwhile(&archive);
            (archive, result)
        },
    );
    let chunk_of = |number: u32| {
        let size = SUMMARY_GROUP_SIZE;
        archive.summaries[(number / size) as usize].posts[(number % size) as usize].chunk
    };
    archive.manifest.layout.segments = index
        .iter()
        .map(|segment| Segment {
            first_chunk: chunk_of(segment.first),
            end_chunk: chunk_of(segment.end - 1) + 1,
            ..segment.layout()
        })
        .collect();
    archive.index = index;
    // Millions of strings: freed on one core they took 67-72 ms at 100,000 posts, on all
    // cores 14-35 ms.
    posts.into_par_iter().for_each(drop);
    (archive, meanwhile_result)
}

/// Everything but `search/`: the archive comes back with no search shards. `html` is each
/// post's body, in the order of `posts` (whose own `body.html` is empty by now).
fn assemble_all_but_the_index(
    posts: &[ImportedPost],
    html: Vec<String>,
    site: SiteInfo,
) -> Archive {
    // Summaries, post lists and body chunks, in number order; categories and tags take
    // positions as they are first seen.
    let mut category_positions = Positions::default();
    let mut tag_positions = Positions::default();
    let mut category_tags: Vec<BTreeSet<&str>> = Vec::new();
    let mut category_numbers: Vec<Vec<u32>> = Vec::new();
    let mut tag_numbers: Vec<Vec<u32>> = Vec::new();
    let mut summaries = Vec::with_capacity(posts.len());
    let mut chunks: Vec<BodyChunk> = Vec::new();
    let mut chunk_bytes = CHUNK_TARGET_BYTES;
    for (number, (post, html)) in posts.iter().zip(html).enumerate() {
        let number = number as u32;
        // A chunk also starts with each segment's first post, so that it belongs to one
        // segment (`Layout::segment_holding`).
        if chunk_bytes >= CHUNK_TARGET_BYTES || (number % SEGMENT_POSTS == 0 && number > 0) {
            chunks.push(BodyChunk {
                schema_version: SCHEMA_VERSION,
                bodies: Vec::new(),
            });
            chunk_bytes = 0;
        }
        chunk_bytes += html.len();
        let categories: Vec<u32> = post
            .categories
            .iter()
            .map(|c| category_positions.position(c))
            .collect();
        let tags: Vec<u32> = post
            .tags
            .iter()
            .map(|t| tag_positions.position(t))
            .collect();
        category_numbers.resize_with(category_positions.names.len(), Vec::new);
        category_tags.resize_with(category_positions.names.len(), BTreeSet::new);
        tag_numbers.resize_with(tag_positions.names.len(), Vec::new);
        for &c in &categories {
            category_numbers[c as usize].push(number);
            category_tags[c as usize].extend(post.tags.iter().map(String::as_str));
        }
        for &t in &tags {
            tag_numbers[t as usize].push(number);
        }
        summaries.push(PostSummary {
            id: post.id.clone(),
            title: post.title.clone(),
            date: post.date.as_ref().map(to_rfc3339),
            categories,
            tags,
            excerpt: post.excerpt.clone(),
            source: post.body.source.clone(),
            permalink: post.permalink.clone(),
            chunk: chunks.len() as u32 - 1,
        });
        chunks.last_mut().expect("pushed").bodies.push(PostBody {
            id: post.id.clone(),
            html,
        });
    }
    let chunk_count = chunks.len() as u32;

    let categories: Vec<CategoryInfo> = category_positions
        .names
        .iter()
        .zip(&category_tags)
        .zip(&category_numbers)
        .map(|((id, tags), numbers)| CategoryInfo {
            id: id.to_string(),
            name: match tags.iter().next() {
                Some(only) if tags.len() == 1 => only.to_string(),
                _ => id.to_string(),
            },
            count: numbers.len() as u32,
            latest: numbers
                .last()
                .and_then(|&n| summaries[n as usize].date.clone()),
        })
        .collect();
    let tags: Vec<TagInfo> = tag_positions
        .names
        .iter()
        .zip(&tag_numbers)
        .map(|(name, numbers)| TagInfo {
            name: name.to_string(),
            count: numbers.len() as u32,
        })
        .collect();

    let dated: Vec<&str> = summaries.iter().filter_map(|s| s.date.as_deref()).collect();
    let date_range = match (dated.iter().min(), dated.iter().max()) {
        (Some(oldest), Some(newest)) => Some((oldest.to_string(), newest.to_string())),
        _ => None,
    };
    let period_counts = |granularity| {
        count_by_period(dated.iter().copied(), granularity)
            .into_iter()
            .map(|(period, count)| PeriodCount {
                period,
                count: count as u32,
            })
            .collect::<Vec<_>>()
    };
    let mut days = period_counts(Granularity::Day);
    days.reverse(); // ordinal order: newest first

    let (id_shards, id_table) = id_shards(posts);
    let layout = Layout {
        summary_group_size: SUMMARY_GROUP_SIZE,
        body_chunk_count: chunk_count,
        segments: Vec::new(),
        id_shards: id_table,
        id_versions: BTreeMap::new(),
    };
    let manifest = Manifest {
        schema_version: SCHEMA_VERSION,
        generator: format!("gazette {}", env!("CARGO_PKG_VERSION")),
        build: String::new(),
        site,
        post_count: summaries.len() as u32,
        undated_count: summaries.iter().filter(|s| s.date.is_none()).count() as u32,
        date_range,
        months: period_counts(Granularity::Month),
        home: home_section(&summaries, &categories, &category_numbers),
        category_count: categories.len() as u32,
        tag_count: tags.len() as u32,
        layout,
    };
    let documents = feeds(&manifest, &categories, &summaries, &category_numbers);
    Archive {
        documents,
        manifest,
        categories: CategoryTable {
            schema_version: SCHEMA_VERSION,
            categories,
        },
        tags: TagTable {
            schema_version: SCHEMA_VERSION,
            tags,
        },
        days: Days {
            schema_version: SCHEMA_VERSION,
            days,
        },
        summaries: summaries
            .chunks(SUMMARY_GROUP_SIZE as usize)
            .enumerate()
            .map(|(group, posts)| SummaryGroup {
                schema_version: SCHEMA_VERSION,
                first_number: group as u32 * SUMMARY_GROUP_SIZE,
                posts: posts.to_vec(),
            })
            .collect(),
        category_lists: category_numbers
            .iter()
            .map(|numbers| PostList::from_numbers(numbers))
            .collect(),
        tag_lists: tag_numbers
            .iter()
            .map(|numbers| PostList::from_numbers(numbers))
            .collect(),
        id_shards,
        index: Vec::new(),
        chunks,
    }
}

/// `feed.xml` (newest posts) and `feeds/<category>.xml`, when the site's public URL is known
/// (`url` in `_config.yml`, or `gazette build --site-url`).
fn feeds(
    manifest: &Manifest,
    categories: &[CategoryInfo],
    summaries: &[PostSummary],
    category_numbers: &[Vec<u32>],
) -> Vec<(String, String)> {
    let Some(app_url) = feed::app_url(&manifest.site) else {
        return Vec::new();
    };
    let title = if manifest.site.title.is_empty() {
        "Gazette"
    } else {
        &manifest.site.title
    };
    let site = &manifest.site;
    let head = feed::FeedHead {
        title,
        subtitle: &site.description,
        lang: &site.lang,
    };
    let feed_url = |path: &str| format!("{app_url}archive/{path}");
    let newest: Vec<&PostSummary> = summaries.iter().rev().take(feed::FEED_ENTRIES).collect();
    let mut documents = vec![(
        "feed.xml".to_string(),
        feed::atom(
            &head,
            &app_url,
            &feed_url("feed.xml"),
            &Route::Home,
            &newest,
            categories,
        ),
    )];
    for (index, (category, numbers)) in categories.iter().zip(category_numbers).enumerate() {
        let path = format!("feeds/{index}.xml");
        let posts: Vec<&PostSummary> = numbers
            .iter()
            .rev()
            .take(feed::FEED_ENTRIES)
            .map(|&n| &summaries[n as usize])
            .collect();
        let view = Route::Posts(crate::filter::Filter {
            category: Some(category.id.clone()),
            ..Default::default()
        });
        let feed_title = format!("{} · {title}", category.name);
        documents.push((
            path.clone(),
            feed::atom(
                &feed::FeedHead {
                    title: &feed_title,
                    ..head
                },
                &app_url,
                &feed_url(&path),
                &view,
                &posts,
                categories,
            ),
        ));
    }
    documents
}

/// The newest posts, the latest few titles of each of the busiest categories, and the
/// categories those name.
fn home_section(
    summaries: &[PostSummary],
    categories: &[CategoryInfo],
    category_numbers: &[Vec<u32>],
) -> HomeSection {
    // The home page shows titles only: its summaries go without excerpts.
    let brief = |post: &PostSummary| PostSummary {
        excerpt: String::new(),
        ..post.clone()
    };
    let newest: Vec<PostSummary> = summaries
        .iter()
        .rev()
        .take(HOME_NEWEST)
        .map(brief)
        .collect();
    let mut order: Vec<u32> = (0..categories.len() as u32).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&categories[a as usize], &categories[b as usize]);
        busiest_first((a.count, &a.id), (b.count, &b.id))
    });
    let busiest: Vec<CategoryLatest> = order
        .into_iter()
        .take(HOME_CATEGORIES)
        .map(|category| CategoryLatest {
            category,
            posts: category_numbers[category as usize]
                .iter()
                .rev()
                .take(HOME_POSTS_PER_CATEGORY)
                .map(|&n| brief(&summaries[n as usize]))
                .collect(),
        })
        .collect();
    let named = busiest.iter().map(|c| c.category).chain(
        newest
            .iter()
            .chain(busiest.iter().flat_map(|c| &c.posts))
            .flat_map(|p| p.categories.iter().copied()),
    );
    let sources = named
        .filter_map(|index| Some((index, categories.get(index as usize)?.clone())))
        .collect();
    HomeSection {
        newest,
        categories: busiest,
        sources,
    }
}

/// Post id → number, grouped by the id's month (so that a new month's ids go into new files)
/// and spread over each group's shards by the id's hash; the layout's table of groups.
fn id_shards(posts: &[ImportedPost]) -> (Vec<(IdShardKey, IdShard)>, BTreeMap<String, u32>) {
    let mut groups: BTreeMap<u32, Vec<(&str, u32)>> = BTreeMap::new();
    for (number, post) in posts.iter().enumerate() {
        groups
            .entry(id_month(&post.id))
            .or_default()
            .push((&post.id, number as u32));
    }
    let mut shards = Vec::new();
    let mut table = BTreeMap::new();
    for (month, ids) in groups {
        let count = ids.len().div_ceil(IDS_PER_SHARD).next_power_of_two() as u32;
        table.insert(id_group_name(month), count);
        let mut group: Vec<BTreeMap<String, u32>> = vec![BTreeMap::new(); count as usize];
        for (id, number) in ids {
            group[search::shard_of(id, count) as usize].insert(id.to_string(), number);
        }
        shards.extend(group.into_iter().enumerate().map(|(shard, ids)| {
            (
                IdShardKey {
                    month,
                    shard: shard as u32,
                },
                IdShard {
                    schema_version: SCHEMA_VERSION,
                    ids,
                },
            )
        }));
    }
    (shards, table)
}
