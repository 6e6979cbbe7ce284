//! The whole-archive half of the builder: imported posts in, [`Archive`] and [`BuildReport`]
//! out. Merges second copies of a post, numbers posts newest first, names categories, cuts
//! bodies into chunks, builds the ordinal lists, the id and search shards, and picks what the
//! home page shows.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::archive::{
    Archive, BodyChunk, CategoryLatest, CategoryTable, Days, HomeSection, IdShard, Layout,
    Manifest, OrdinalList, PeriodCount, PostBody, SummaryGroup, TagTable, CHUNK_TARGET_BYTES,
    SCHEMA_VERSION, SUMMARY_GROUP_SIZE,
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
/// What `meanwhile` sees has no search or position shards yet, and shard counts of 0.
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

/// Ordinal order: newest local day first, then newest instant, then id; undated posts last,
/// by id. Sorting by local day first keeps each day's posts contiguous even when posts carry
/// different offsets.
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

/// Names ordered by descending count, then by name.
fn rank_by_count<'a>(counts: &HashMap<&'a str, u32>) -> Vec<&'a str> {
    let mut names: Vec<&str> = counts.keys().copied().collect();
    names.sort_by(|a, b| counts[b].cmp(&counts[a]).then_with(|| a.cmp(b)));
    names
}

fn positions<'a>(names: &[&'a str]) -> HashMap<&'a str, u32> {
    names
        .iter()
        .enumerate()
        .map(|(i, name)| (*name, i as u32))
        .collect()
}

fn assemble<R: Send>(
    mut posts: Vec<ImportedPost>,
    site: SiteInfo,
    meanwhile: impl FnOnce(&Archive) -> R + Send,
) -> (Archive, R) {
    sort_newest_first(&mut posts);
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
    archive.manifest.layout.search_shard_count = index.shards.len() as u32;
    archive.manifest.layout.position_shard_count = index.positions.len() as u32;
    archive.search_shards = index.shards;
    archive.position_shards = index.positions;
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
    let mut category_counts: HashMap<&str, u32> = HashMap::new();
    let mut category_tags: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    let mut tag_counts: HashMap<&str, u32> = HashMap::new();
    for post in posts {
        for category in &post.categories {
            *category_counts.entry(category).or_default() += 1;
            category_tags
                .entry(category)
                .or_default()
                .extend(post.tags.iter().map(String::as_str));
        }
        for tag in &post.tags {
            *tag_counts.entry(tag).or_default() += 1;
        }
    }
    let category_order = rank_by_count(&category_counts);
    let tag_order = rank_by_count(&tag_counts);
    let category_index = positions(&category_order);
    let tag_index = positions(&tag_order);

    // Summaries, ordinal lists and body chunks, in ordinal order.
    let mut summaries = Vec::with_capacity(posts.len());
    let mut category_ordinals: Vec<Vec<u32>> = vec![Vec::new(); category_order.len()];
    let mut tag_ordinals: Vec<Vec<u32>> = vec![Vec::new(); tag_order.len()];
    let mut chunk_of = Vec::with_capacity(posts.len());
    let mut chunk_count = 0u32;
    let mut chunk_bytes = CHUNK_TARGET_BYTES;
    for (ordinal, (post, html)) in posts.iter().zip(&html).enumerate() {
        if chunk_bytes >= CHUNK_TARGET_BYTES {
            chunk_count += 1;
            chunk_bytes = 0;
        }
        chunk_bytes += html.len();
        chunk_of.push(chunk_count - 1);
        let categories: Vec<u32> = post
            .categories
            .iter()
            .map(|c| category_index[c.as_str()])
            .collect();
        let tags: Vec<u32> = post.tags.iter().map(|t| tag_index[t.as_str()]).collect();
        for &c in &categories {
            category_ordinals[c as usize].push(ordinal as u32);
        }
        for &t in &tags {
            tag_ordinals[t as usize].push(ordinal as u32);
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
            chunk: chunk_count - 1,
        });
    }

    let mut chunks: Vec<BodyChunk> = (0..chunk_count)
        .map(|_| BodyChunk {
            schema_version: SCHEMA_VERSION,
            bodies: Vec::new(),
        })
        .collect();
    for (ordinal, (post, html)) in posts.iter().zip(html).enumerate() {
        let (newer, older) = match summaries[ordinal].categories.first() {
            Some(&c) => neighbours(&category_ordinals[c as usize], ordinal as u32),
            None => (None, None),
        };
        chunks[chunk_of[ordinal] as usize].bodies.push(PostBody {
            id: post.id.clone(),
            html,
            newer,
            older,
        });
    }

    let categories: Vec<CategoryInfo> = category_order
        .iter()
        .enumerate()
        .map(|(index, id)| {
            let tags = &category_tags[id];
            CategoryInfo {
                id: id.to_string(),
                name: match tags.iter().next() {
                    Some(only) if tags.len() == 1 => only.to_string(),
                    _ => id.to_string(),
                },
                count: category_counts[id],
                latest: category_ordinals[index]
                    .first()
                    .and_then(|&o| summaries[o as usize].date.clone()),
            }
        })
        .collect();
    let tags: Vec<TagInfo> = tag_order
        .iter()
        .map(|name| TagInfo {
            name: name.to_string(),
            count: tag_counts[name],
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

    let id_shards = id_shards(posts);
    let layout = Layout {
        summary_group_size: SUMMARY_GROUP_SIZE,
        body_chunk_count: chunk_count,
        search_shard_count: 0,
        position_shard_count: 0,
        id_shard_count: id_shards.len() as u32,
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
        home: home_section(&summaries, &categories, &category_ordinals),
        category_count: categories.len() as u32,
        tag_count: tags.len() as u32,
        layout,
    };
    let documents = feeds(&manifest, &categories, &summaries, &category_ordinals);
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
                first_ordinal: group as u32 * SUMMARY_GROUP_SIZE,
                posts: posts.to_vec(),
            })
            .collect(),
        category_lists: category_ordinals
            .iter()
            .map(|o| OrdinalList::from_ordinals(o))
            .collect(),
        tag_lists: tag_ordinals
            .iter()
            .map(|o| OrdinalList::from_ordinals(o))
            .collect(),
        id_shards,
        search_shards: Vec::new(),
        position_shards: Vec::new(),
        chunks,
    }
}

/// `feed.xml` (newest posts) and `feeds/<category>.xml`, when the site's public URL is known
/// (`url` in `_config.yml`, or `gazette build --site-url`).
fn feeds(
    manifest: &Manifest,
    categories: &[CategoryInfo],
    summaries: &[PostSummary],
    category_ordinals: &[Vec<u32>],
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
    let newest: Vec<&PostSummary> = summaries.iter().take(feed::FEED_ENTRIES).collect();
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
    for (index, (category, ordinals)) in categories.iter().zip(category_ordinals).enumerate() {
        let path = format!("feeds/{index}.xml");
        let posts: Vec<&PostSummary> = ordinals
            .iter()
            .take(feed::FEED_ENTRIES)
            .map(|&o| &summaries[o as usize])
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

/// The ordinals just before and after `ordinal` in an ascending list that contains it.
fn neighbours(list: &[u32], ordinal: u32) -> (Option<u32>, Option<u32>) {
    match list.binary_search(&ordinal) {
        Ok(i) => (i.checked_sub(1).map(|j| list[j]), list.get(i + 1).copied()),
        Err(_) => (None, None),
    }
}

/// The newest posts, the latest few titles of each of the busiest categories (categories
/// are already ranked by size, so the busiest are the first indexes), and the categories
/// those name.
fn home_section(
    summaries: &[PostSummary],
    categories: &[CategoryInfo],
    category_ordinals: &[Vec<u32>],
) -> HomeSection {
    // The home page shows titles only: its summaries go without excerpts.
    let brief = |post: &PostSummary| PostSummary {
        excerpt: String::new(),
        ..post.clone()
    };
    let newest: Vec<PostSummary> = summaries.iter().take(HOME_NEWEST).map(brief).collect();
    let busiest: Vec<CategoryLatest> = category_ordinals
        .iter()
        .take(HOME_CATEGORIES)
        .enumerate()
        .map(|(category, ordinals)| CategoryLatest {
            category: category as u32,
            posts: ordinals
                .iter()
                .take(HOME_POSTS_PER_CATEGORY)
                .map(|&o| brief(&summaries[o as usize]))
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

/// Post id → ordinal, spread over shards by the id's hash.
fn id_shards(posts: &[ImportedPost]) -> Vec<IdShard> {
    let count = posts
        .len()
        .div_ceil(IDS_PER_SHARD)
        .next_power_of_two()
        .max(1) as u32;
    let mut shards: Vec<BTreeMap<String, u32>> = vec![BTreeMap::new(); count as usize];
    for (ordinal, post) in posts.iter().enumerate() {
        shards[search::shard_of(&post.id, count) as usize].insert(post.id.clone(), ordinal as u32);
    }
    shards
        .into_iter()
        .map(|ids| IdShard {
            schema_version: SCHEMA_VERSION,
            ids,
        })
        .collect()
}
