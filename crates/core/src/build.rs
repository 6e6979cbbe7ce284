//! The whole-archive half of the builder: imported posts in, [`Archive`] and [`BuildReport`]
//! out. Merges second copies of a post, orders posts newest first, names categories, cuts
//! bodies into chunks and picks what the home page shows.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::archive::{
    Archive, BodyChunk, CategoryLatest, HomeSection, Manifest, PeriodCount, PostBody, PostIndex,
    CHUNK_TARGET_BYTES, SCHEMA_VERSION,
};
use crate::dates::{count_by_period, Granularity};
use crate::import::{ImportedPost, Outcome};
use crate::model::{CategoryInfo, PostSummary, SiteInfo, TagInfo};
use crate::post_date::to_rfc3339;
use crate::report::{BuildReport, Merge, Skip};

/// Posts on the home page's "newest" list.
pub const HOME_NEWEST: usize = 20;
/// Categories whose latest posts the manifest embeds for the home page.
pub const HOME_CATEGORIES: usize = 24;
/// Latest posts shown per category on the home page (the original finews home showed five).
pub const HOME_POSTS_PER_CATEGORY: usize = 5;

/// Everything the builder found.
#[derive(Debug, Default)]
pub struct BuildInput {
    pub site: SiteInfo,
    /// One outcome per post-type file.
    pub outcomes: Vec<Outcome>,
    /// Files that were not post files at all (images, data), already explained.
    pub ignored: Vec<Skip>,
}

/// Builds the archive and the report from imported files.
pub fn build_archive(input: BuildInput) -> (Archive, BuildReport) {
    let mut report = BuildReport {
        read: input.outcomes.len() + input.ignored.len(),
        skipped: input.ignored,
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
    report.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    report.rejected.sort_by(|a, b| a.path.cmp(&b.path));
    report.written = posts.len();
    (assemble(posts, input.site), report)
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

/// Newest first; undated posts last; ties by id, so the order never depends on input order.
fn sort_newest_first(posts: &mut [ImportedPost]) {
    posts.sort_by(|a, b| match (a.date, b.date) {
        (Some(x), Some(y)) => y.cmp(&x).then_with(|| a.id.cmp(&b.id)),
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

fn assemble(mut posts: Vec<ImportedPost>, site: SiteInfo) -> Archive {
    sort_newest_first(&mut posts);

    let mut category_counts: HashMap<&str, u32> = HashMap::new();
    let mut category_tags: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    let mut tag_counts: HashMap<&str, u32> = HashMap::new();
    for post in &posts {
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
    let category_index: HashMap<&str, u32> = positions(&category_order);
    let tag_index: HashMap<&str, u32> = positions(&tag_order);

    let mut chunks: Vec<BodyChunk> = Vec::new();
    let mut chunk_bytes = 0usize;
    let mut summaries = Vec::with_capacity(posts.len());
    let mut latest_of_category: BTreeMap<u32, String> = BTreeMap::new();
    for post in &posts {
        if chunks.is_empty() || chunk_bytes >= CHUNK_TARGET_BYTES {
            chunks.push(BodyChunk {
                schema_version: SCHEMA_VERSION,
                bodies: Vec::new(),
            });
            chunk_bytes = 0;
        }
        let chunk = chunks.last_mut().expect("a chunk was just ensured");
        chunk_bytes += post.body.html.len();
        chunk.bodies.push(PostBody {
            id: post.id.clone(),
            html: post.body.html.clone(),
        });
        let date = post.date.as_ref().map(to_rfc3339);
        let categories: Vec<u32> = post
            .categories
            .iter()
            .map(|c| category_index[c.as_str()])
            .collect();
        if let Some(date) = &date {
            for category in &categories {
                latest_of_category
                    .entry(*category)
                    .or_insert_with(|| date.clone());
            }
        }
        summaries.push(PostSummary {
            id: post.id.clone(),
            title: post.title.clone(),
            date,
            categories,
            tags: post.tags.iter().map(|t| tag_index[t.as_str()]).collect(),
            excerpt: post.excerpt.clone(),
            source: post.body.source.clone(),
            permalink: post.permalink.clone(),
            chunk: (chunks.len() - 1) as u32,
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
                latest: latest_of_category.get(&(index as u32)).cloned(),
            }
        })
        .collect();
    let tags = tag_order
        .iter()
        .map(|name| TagInfo {
            name: name.to_string(),
            count: tag_counts[name],
        })
        .collect();
    let dated: Vec<&String> = summaries.iter().filter_map(|s| s.date.as_ref()).collect();
    let date_range = match (dated.last(), dated.first()) {
        (Some(oldest), Some(newest)) => Some(((*oldest).clone(), (*newest).clone())),
        _ => None,
    };
    let manifest = Manifest {
        schema_version: SCHEMA_VERSION,
        generator: format!("gazette {}", env!("CARGO_PKG_VERSION")),
        site,
        post_count: summaries.len() as u32,
        undated_count: summaries.iter().filter(|s| s.date.is_none()).count() as u32,
        date_range,
        months: count_by_period(
            summaries.iter().filter_map(|s| s.date.as_deref()),
            Granularity::Month,
        )
        .into_iter()
        .map(|(period, count)| PeriodCount {
            period,
            count: count as u32,
        })
        .collect(),
        home: home_section(&summaries, categories.len()),
        categories,
        tags,
        chunk_count: chunks.len() as u32,
    };
    Archive {
        manifest,
        index: PostIndex {
            schema_version: SCHEMA_VERSION,
            posts: summaries,
        },
        chunks,
    }
}

fn positions<'a>(names: &[&'a str]) -> HashMap<&'a str, u32> {
    names
        .iter()
        .enumerate()
        .map(|(i, name)| (*name, i as u32))
        .collect()
}

/// The newest posts, and the latest few of each of the busiest categories (categories are
/// already ranked by size, so the busiest are the first indexes).
fn home_section(summaries: &[PostSummary], category_count: usize) -> HomeSection {
    let shown = category_count.min(HOME_CATEGORIES) as u32;
    let mut latest: Vec<Vec<PostSummary>> = vec![Vec::new(); shown as usize];
    for summary in summaries {
        for &category in &summary.categories {
            if let Some(list) = latest.get_mut(category as usize) {
                if list.len() < HOME_POSTS_PER_CATEGORY {
                    list.push(summary.clone());
                }
            }
        }
    }
    HomeSection {
        newest: summaries.iter().take(HOME_NEWEST).cloned().collect(),
        categories: latest
            .into_iter()
            .enumerate()
            .map(|(category, posts)| CategoryLatest {
                category: category as u32,
                posts,
            })
            .collect(),
    }
}
