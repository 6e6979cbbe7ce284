//! The whole-archive half of the builder: imported posts in, [`Archive`] and [`BuildReport`]
//! out. Merges second copies of a post, numbers posts oldest first, names categories, cuts
//! bodies into chunks, builds the post lists, the id and search shards, and picks what the
//! home page shows.
//!
//! Everything a file holds about old posts is a function of the posts up to them in number
//! order (chunk boundaries, category and tag positions, list contents), so that posts added
//! after them change no file that holds only older ones (issue 18).

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::feed;
use crate::import::{Content, ImportedPost, Outcome, PostContent, StoredContent};
use crate::post_date::to_rfc3339;
use crate::report::Rejection;
use crate::report::{BuildReport, Merge, Skip, Warning};
use crate::search_index;
use crate::store::{Archive, ArchiveFile, IndexShards};
use chrono::{DateTime, FixedOffset};
use gazette_archive::archive::{
    busiest_first, chunk_path, id_group_name, id_month, summary_group_path, BodyChunk,
    CategoryLatest, CategoryTable, Days, HomeSection, IdShard, IdShardKey, Layout, ListKey,
    ListKind, Manifest, PeriodCount, PostBody, PostFilePath, PostList, Segment, SegmentListKey,
    SegmentLists, SummaryGroup, TagTable, CHUNK_TARGET_BYTES, SCHEMA_VERSION, SEGMENT_POSTS,
    SUMMARY_GROUP_SIZE,
};
use gazette_archive::dates::{count_by_period, Granularity};
use gazette_archive::model::{CategoryInfo, PostSummary, SiteInfo, TagInfo};
use gazette_archive::route::Route;
use gazette_archive::search;
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
    /// One entry per post-type file.
    pub imported: Vec<Imported>,
    /// The names the posts' categories and tags are numbers in.
    pub names: Names,
    /// Files that were not post files at all (images, data), already explained.
    pub ignored: Vec<Skip>,
    /// Warnings about the site rather than a post (its `_config.yml`), put first in the report.
    pub warnings: Vec<Warning>,
    /// Posts dated after this instant are left out, as Jekyll leaves out posts of the future
    /// unless the site says `future: true` (the CLI gives the build's time); `None` keeps them.
    pub published_until: Option<DateTime<FixedOffset>>,
}

impl BuildInput {
    /// The input of `outcomes` (posts, with their content held or stored).
    pub fn of_outcomes(site: SiteInfo, outcomes: Vec<Outcome>) -> BuildInput {
        let names = Names::default();
        let imported = outcomes
            .into_iter()
            .map(|outcome| Imported::of(outcome, &names))
            .collect();
        BuildInput {
            site,
            imported,
            names,
            ..BuildInput::default()
        }
    }
}

/// What the builder keeps of a post from its import to its files: about 0.3 KB, where the
/// imported post took 0.8 (its content is in a [`ContentStore`], its categories and tags are
/// numbers in [`Names`]).
#[derive(Debug, Clone, PartialEq)]
pub struct PostMeta {
    pub id: Box<str>,
    pub path: Box<str>,
    pub date: Option<DateTime<FixedOffset>>,
    /// Numbers in [`Names::categories`].
    pub categories: Box<[u32]>,
    /// Numbers in [`Names::tags`].
    pub tags: Box<[u32]>,
    pub permalink: Option<Box<str>>,
    pub content: Content,
    /// What the import had to say about it, for the report (when it is not a merged copy).
    pub warnings: Box<[Warning]>,
}

/// What became of a file, as the builder keeps it.
#[derive(Debug, Clone, PartialEq)]
pub enum Imported {
    Post(PostMeta),
    /// `published: false`: left out on purpose.
    Unpublished {
        path: String,
    },
    Rejected(Rejection),
}

impl Imported {
    /// The builder's record of `outcome`, its names numbered in `names`.
    pub fn of(outcome: Outcome, names: &Names) -> Imported {
        match outcome {
            Outcome::Post(post) => {
                let ImportedPost {
                    id,
                    path,
                    date,
                    categories,
                    tags,
                    permalink,
                    content,
                    warnings,
                    wants_site_posts: _,
                    links_to_posts: _,
                } = *post;
                Imported::Post(PostMeta {
                    id: id.into(),
                    path: path.into(),
                    date,
                    categories: categories
                        .iter()
                        .map(|c| names.categories.number(c))
                        .collect(),
                    tags: tags.iter().map(|t| names.tags.number(t)).collect(),
                    permalink: permalink.map(String::into_boxed_str),
                    content,
                    warnings: warnings.into(),
                })
            }
            Outcome::Unpublished { path } => Imported::Unpublished { path },
            Outcome::Rejected(rejection) => Imported::Rejected(rejection),
        }
    }
}

/// The categories' and tags' names, numbered as the import threads meet them.
#[derive(Debug, Default)]
pub struct Names {
    pub categories: NameTable,
    pub tags: NameTable,
}

/// Names numbered in the order they were first asked for (by any thread).
#[derive(Debug, Default)]
pub struct NameTable {
    table: std::sync::Mutex<(HashMap<String, u32>, Vec<String>)>,
}

impl NameTable {
    /// A table that numbers `names` as they are ordered (an earlier build's, kept with its
    /// posts' records), and the names asked for later after them.
    pub fn of_names(names: Vec<String>) -> NameTable {
        let numbers = names
            .iter()
            .enumerate()
            .map(|(number, name)| (name.clone(), number as u32))
            .collect();
        NameTable {
            table: std::sync::Mutex::new((numbers, names)),
        }
    }

    /// Every name so far, by number.
    pub fn names(&self) -> Vec<String> {
        self.table
            .lock()
            .expect("no thread panics holding the lock")
            .1
            .clone()
    }

    /// The number of `name`.
    pub fn number(&self, name: &str) -> u32 {
        let mut table = self
            .table
            .lock()
            .expect("no thread panics holding the lock");
        let (numbers, names) = &mut *table;
        if let Some(&number) = numbers.get(name) {
            return number;
        }
        let number = u32::try_from(names.len()).expect("fewer than 2^32 names");
        numbers.insert(name.to_string(), number);
        names.push(name.to_string());
        number
    }

    /// The name numbered `number`.
    pub fn name(&self, number: u32) -> String {
        let table = self
            .table
            .lock()
            .expect("no thread panics holding the lock");
        table.1[number as usize].clone()
    }

    /// Every name, by number.
    pub fn into_names(self) -> Vec<String> {
        self.table
            .into_inner()
            .expect("no thread panics holding the lock")
            .1
    }
}

/// Where a builder that bounds its memory keeps its posts' [`PostContent`] (HTML, text,
/// excerpt) between importing them and writing their files in number order: the builder
/// holds only what numbering and the small files need.
pub trait ContentStore: Sync {
    /// The content stored at `at`.
    fn load(&self, at: &StoredContent) -> std::io::Result<PostContent>;

    /// The content of `post`, whose content is [unloaded](Content::Unloaded): an update
    /// imports it again from its file. (The caller checks it against the digest.)
    fn load_again(&self, post: &PostMeta) -> std::io::Result<PostContent> {
        Err(std::io::Error::other(format!(
            "{}: the post's content was not loaded, and this store cannot import it again",
            post.path
        )))
    }
}

/// No store: for posts whose content is [held](Content::Held).
pub struct NoStore;

impl ContentStore for NoStore {
    fn load(&self, _: &StoredContent) -> std::io::Result<PostContent> {
        Err(std::io::Error::other(
            "a post's content is stored, but there is no store",
        ))
    }
}

/// Files of consecutive posts, handed to the builder's sink as soon as they are made, in
/// post number order: summary groups and body chunks a batch of posts at a time, and each
/// index segment once its last post is added.
#[derive(Debug, Default)]
pub struct PostFiles {
    pub summaries: Vec<SummaryGroup>,
    /// The number of the first of `chunks`.
    pub first_chunk: u32,
    pub chunks: Vec<BodyChunk>,
    pub index: Option<IndexShards>,
}

impl PostFiles {
    /// Its files as `(relative path, content)`, to be serialized and written.
    pub fn files(&self) -> Vec<(String, ArchiveFile<'_>)> {
        let summaries = self.summaries.iter().map(|group| {
            (
                summary_group_path(group.first_number / SUMMARY_GROUP_SIZE),
                ArchiveFile::Summaries(group),
            )
        });
        let chunks = (self.first_chunk..)
            .zip(&self.chunks)
            .map(|(n, chunk)| (chunk_path(n), ArchiveFile::Bodies(chunk)));
        let index = self.index.iter().flat_map(IndexShards::files);
        summaries.chain(chunks).chain(index).collect()
    }
}

/// Builds the archive and the report from imported files, in memory.
pub fn build_archive(input: BuildInput) -> (Archive, BuildReport) {
    let mut summaries = Vec::new();
    let mut chunks = Vec::new();
    let mut index: Vec<IndexShards> = Vec::new();
    let built = build_archive_streamed(input, &NoStore, LOAD_BATCH, |files: PostFiles| {
        summaries.extend(files.summaries);
        chunks.extend(files.chunks);
        index.extend(files.index);
        Ok::<(), std::io::Error>(())
    });
    let (mut archive, report) = built.expect("held posts need no store and the sink never fails");
    archive.summaries = summaries;
    archive.chunks = chunks;
    // Each segment's shards, which a large segment hands out a group at a time.
    let mut segments: BTreeMap<(u32, u32), IndexShards> = BTreeMap::new();
    for part in index {
        let segment = segments.entry((part.first, part.end)).or_default();
        (segment.first, segment.end) = (part.first, part.end);
        segment.shards.extend(part.shards);
        segment.positions.extend(part.positions);
    }
    archive.index = segments
        .into_values()
        .map(|mut segment| {
            segment.shards.sort_by_key(|&(n, _)| n);
            segment.positions.sort_by_key(|&(n, _)| n);
            let bytes = |shards: Vec<(u32, Vec<u8>)>| -> Vec<Vec<u8>> {
                shards.into_iter().map(|(_, bytes)| bytes).collect()
            };
            search_index::SegmentFiles {
                shards: bytes(segment.shards),
                positions: bytes(segment.positions),
            }
            .read_back(segment.first, segment.end)
        })
        .collect();
    (archive, report)
}

/// Builds the archive and the report from imported files, handing the files of the posts
/// (summary groups, body chunks, index segments: nearly all of the archive's bytes) to `sink`
/// as they are made, in number order, and reading the posts' content from `store` only
/// then, `batch` posts at a time (rounded up to whole summary groups; the archive is the
/// same whatever the batch). Returns the rest: an archive whose `summaries`, `chunks` and
/// `index` are empty (its layout lists the segments).
pub fn build_archive_streamed<E: From<std::io::Error> + Send>(
    input: BuildInput,
    store: &dyn ContentStore,
    batch: u32,
    sink: impl FnMut(PostFiles) -> Result<(), E> + Send,
) -> Result<(Archive, BuildReport), E> {
    build_archive_update(input, store, batch, None, sink).map(|built| (built.archive, built.report))
}

/// What [`build_archive_update`] returns.
#[derive(Debug)]
pub struct Built {
    /// Without the posts' own files (see [`build_archive_streamed`]).
    pub archive: Archive,
    pub report: BuildReport,
    /// What a later update needs to know of this build, and which files this one kept.
    pub record: Record,
}

/// What an update needs to know of the build it updates (`gazette build --state` keeps it
/// between builds), and which of the previous build's files a build kept as they were.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record {
    /// Each post's digest ([`post_digest`]), in number order.
    pub posts: Vec<u64>,
    /// When the site's language was guessed: the letters of the titles and excerpts of the
    /// posts before each segment's first, then of all posts. Empty otherwise.
    pub letters: Vec<gazette_archive::i18n::LetterCounts>,
    /// The posts numbered below this kept their summary groups and body chunks (0: none).
    pub kept_posts: u32,
    /// The body chunks numbered below this were kept.
    pub kept_chunks: u32,
    /// The segments (`first`, `end`) whose files (index, lists) were kept.
    pub kept_segments: Vec<(u32, u32)>,
    /// For each id month ([`id_month`], ascending), one past the highest number of a post
    /// whose id is of that month: an update keeps the id shards of a month whose posts are
    /// all before its start, in this build and in the previous one.
    pub id_month_ends: Vec<(u32, u32)>,
    /// The id months whose shards were kept.
    pub kept_id_months: Vec<u32>,
    /// The summaries the home page and the feeds show, by post number (ascending): an update
    /// takes those of kept posts from here instead of reading their summary groups.
    pub shown: Vec<(u32, PostSummary)>,
    /// The list split ([`Layout::list_split`]) and how many categories and tags have lists.
    pub lists: (u32, u32, u32),
    /// The categories and tags below these positions kept their lists.
    pub kept_lists: (u32, u32),
}

impl Record {
    /// Whether the archive file at `path` is one the build kept from the previous build
    /// as it was (so it neither made nor wrote it).
    pub fn keeps(&self, path: &str) -> bool {
        match PostFilePath::of(path) {
            Some(PostFilePath::SummaryGroup(group)) => {
                group.saturating_add(1).saturating_mul(SUMMARY_GROUP_SIZE) <= self.kept_posts
            }
            Some(PostFilePath::Chunk(chunk)) => chunk < self.kept_chunks,
            None if path.starts_with("lists/") => match ListKey::of_path(path) {
                Some(ListKey {
                    kind: ListKind::Category,
                    index,
                }) => index < self.kept_lists.0,
                Some(ListKey {
                    kind: ListKind::Tag,
                    index,
                }) => index < self.kept_lists.1,
                None => false,
            },
            None if path.starts_with("ids/") => {
                let group = path["ids/".len()..].split('/').next().unwrap_or_default();
                self.kept_id_months
                    .iter()
                    .any(|&month| id_group_name(month) == group)
            }
            Some(PostFilePath::Segment { first }) => {
                self.kept_segments.iter().any(|&(kept, _)| kept == first)
            }
            None => false,
        }
    }
}

/// What an update knows of the archive it updates: its [`Record`], its layout, and a way to
/// read the files it keeps.
pub struct Previous<'a> {
    pub record: &'a Record,
    pub layout: &'a Layout,
    pub files: &'a dyn PreviousFiles,
}

/// The previous build's files, as an update reads them.
pub trait PreviousFiles: Sync {
    /// Summary group `group`.
    fn summary_group(&self, group: u32) -> std::io::Result<SummaryGroup>;
    /// The index files of `segment`, decompressed.
    fn index(&self, segment: &Segment) -> std::io::Result<search_index::SegmentFiles>;
}

/// Builds the archive as [`build_archive_streamed`] does, but when `previous` describes the
/// archive that this build replaces, makes only the files that hold a post that changed
/// (was added, edited, removed or renumbered): the summary groups, body chunks and index
/// segments before the first of them are kept as they were (`record.keeps`), their posts'
/// content never loaded, and a segment that merges kept segments with newer posts is made
/// from the kept segments' files. The result is the same archive as a full build's.
pub fn build_archive_update<E: From<std::io::Error> + Send>(
    input: BuildInput,
    store: &dyn ContentStore,
    batch: u32,
    previous: Option<&Previous<'_>>,
    sink: impl FnMut(PostFiles) -> Result<(), E> + Send,
) -> Result<Built, E> {
    let mut report = BuildReport {
        read: input.imported.len() + input.ignored.len(),
        skipped: input.ignored,
        warnings: input.warnings,
        ..BuildReport::default()
    };
    // Collected in the list's own memory (std does so when the items are of one size, as
    // here): a new list of two million posts, grown as it filled, took a third of a second
    // on one core, most of it the kernel's fresh pages.
    let mut posts: Vec<PostMeta> = input
        .imported
        .into_iter()
        .filter_map(|imported| match imported {
            Imported::Post(post) => Some(post),
            Imported::Unpublished { path } => {
                report.skipped.push(Skip {
                    path,
                    reason: "published: false".into(),
                });
                None
            }
            Imported::Rejected(rejection) => {
                report.rejected.push(rejection);
                None
            }
        })
        .collect();
    merge_copies(&mut posts, &input.names, &mut report);
    if let Some(until) = input.published_until {
        posts.retain(|post| match post.date {
            Some(date) if date > until => {
                report.skipped.push(Skip {
                    path: post.path.to_string(),
                    reason: format!(
                        "dated {}, after the build: Jekyll publishes a post of the future only \
                         with `future: true` in _config.yml",
                        date.to_rfc3339()
                    ),
                });
                false
            }
            _ => true,
        });
    }
    for post in &mut posts {
        if !post.warnings.is_empty() {
            report.warned += 1;
            report.warnings.extend(std::mem::take(&mut post.warnings));
        }
    }
    report
        .warnings
        .sort_by(|a, b| a.path.cmp(&b.path).then(a.line.cmp(&b.line)));
    report.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    report.rejected.sort_by(|a, b| a.path.cmp(&b.path));
    report.written = posts.len();
    let batch = batch.max(1).next_multiple_of(SUMMARY_GROUP_SIZE);
    let names = (
        input.names.categories.into_names(),
        input.names.tags.into_names(),
    );
    let (archive, record) = assemble(posts, &names, input.site, store, batch, previous, sink)?;
    Ok(Built {
        archive,
        report,
        record,
    })
}

/// A digest of everything the archive's files say about `post` (its names by name, not by
/// import number), so that an update can tell the posts that changed.
pub fn post_digest(post: &PostMeta, names: &(Vec<String>, Vec<String>)) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = rustc_hash::FxBuildHasher.build_hasher();
    let mut text = |text: &str| {
        hasher.write(text.as_bytes());
        hasher.write_u8(0xff);
    };
    text(&post.id);
    text(post.permalink.as_deref().unwrap_or("\u{0}none"));
    for &c in &post.categories {
        text(&names.0[c as usize]);
    }
    text("\u{0}tags");
    for &t in &post.tags {
        text(&names.1[t as usize]);
    }
    if let Some(date) = post.date {
        hasher.write_i64(date.timestamp());
        hasher.write_u32(date.timestamp_subsec_nanos());
        hasher.write_i32(date.offset().local_minus_utc());
    }
    hasher.write_u64(post.content.digest());
    hasher.finish()
}

/// Where an update starts making files: the first post of the previous build's segment
/// holding the first post whose digest changed (its open segment when posts were only
/// added), so that every summary group, body chunk and segment before it stays as it was,
/// and the new segment that straddles it (if any) is made of whole previous segments and
/// newer posts. 0 (a full build) when the previous build's layout does not line up.
fn resume_point(previous: &Previous<'_>, digests: &[u64], plan: &[(u32, u32, usize)]) -> u32 {
    let old = &previous.record.posts;
    let old_count = old.len() as u32;
    let changed = old
        .iter()
        .zip(digests)
        .position(|(a, b)| a != b)
        .unwrap_or(old.len().min(digests.len())) as u32;
    let segments = &previous.layout.segments;
    if segments.last().map_or(0, |s| s.end) != old_count {
        return 0;
    }
    let start = match segments.iter().find(|s| s.end > changed) {
        Some(segment) => segment.first,
        None => match segments.last() {
            Some(open) if open.end - open.first < SEGMENT_POSTS => open.first,
            _ => old_count,
        },
    };
    for &(first, end, _) in plan {
        if end <= start {
            if !segments.iter().any(|s| (s.first, s.end) == (first, end)) {
                return 0;
            }
        } else if first < start {
            let mut at = first;
            for s in segments
                .iter()
                .filter(|s| s.first >= first && s.end <= start)
            {
                if s.first != at {
                    return 0;
                }
                at = s.end;
            }
            if at != start {
                return 0;
            }
        }
    }
    start
}

/// Keeps one post per id: the first in a `_posts/` folder by path, else the first by path (so
/// `_posts/` wins over `old_post/`); the other copies are reported as merged. A file of the same name whose content differs and whose
/// categories differ from every kept one's is no copy but another post (Jekyll publishes
/// `news/_posts/x.md` and `sports/_posts/x.md` at two URLs): it is kept under the name with
/// its categories appended (`x-sports`, then `x-sports-2`…), with a warning. The posts stay
/// in their order (they are put in number order next, [`sort_oldest_first`]), and only those
/// after the first copy move, once: sorting two million posts by id here too, then closing
/// the copies' gaps all along the list, only moved memory (a third of a second, on one core,
/// of a one-day update at two million posts).
fn merge_copies(posts: &mut Vec<PostMeta>, names: &Names, report: &mut BuildReport) {
    // (id, path) is unique: an unstable sort gives the one order. A site's post comes before
    // a copy outside any `_posts/` folder.
    let outside_posts = |path: &str| !path.split(['/', '\\']).any(|part| part == "_posts");
    let order = sorted_order(posts, |post| {
        (&*post.id, outside_posts(&post.path), &*post.path)
    });
    let mut copy = vec![false; posts.len()];
    let mut renamed: Vec<usize> = Vec::new();
    let mut runs = order.iter().map(|&at| at as usize).peekable();
    while let Some(first) = runs.next() {
        let mut kept = vec![first];
        while let Some(at) = runs.next_if(|&at| posts[at].id == posts[first].id) {
            let same = |other: &PostMeta, post: &PostMeta| {
                // The digest covers the title and the content.
                other.date == post.date && other.content.digest() == post.content.digest()
            };
            let post = &posts[at];
            let original = kept
                .iter()
                .copied()
                .find(|&k| same(&posts[k], post))
                .or_else(|| {
                    kept.iter()
                        .copied()
                        .find(|&k| posts[k].categories == post.categories)
                });
            match original {
                Some(k) => {
                    report.merged.push(Merge {
                        id: post.id.to_string(),
                        kept: posts[k].path.to_string(),
                        dropped: post.path.to_string(),
                        identical: same(&posts[k], post),
                    });
                    copy[at] = true;
                }
                None => {
                    kept.push(at);
                    renamed.push(at);
                }
            }
        }
    }
    if !renamed.is_empty() {
        let mut taken: HashSet<Box<str>> = posts.iter().map(|post| post.id.clone()).collect();
        for at in renamed {
            let post = &posts[at];
            let words: Vec<String> = post
                .categories
                .iter()
                .map(|&category| {
                    names
                        .categories
                        .name(category)
                        .replace(char::is_whitespace, "-")
                })
                .collect();
            let base = match words.is_empty() {
                true => format!("{}-2", post.id),
                false => format!("{}-{}", post.id, words.join("-")),
            };
            let id: Box<str> = std::iter::once(base.clone())
                .chain((2..).map(|n| format!("{base}-{n}")))
                .find(|id| !taken.contains(id.as_str()))
                .expect("some number is free")
                .into();
            taken.insert(id.clone());
            let post = &mut posts[at];
            let mut warnings = std::mem::take(&mut post.warnings).into_vec();
            warnings.push(Warning {
                path: post.path.to_string(),
                line: None,
                message: format!(
                    "another post of other categories has the same file name: this one's id is \
                     {id:?}"
                ),
            });
            post.warnings = warnings.into_boxed_slice();
            post.id = id;
        }
    }
    let mut at = 0;
    posts.retain(|_| {
        at += 1;
        !copy[at - 1]
    });
    posts.shrink_to_fit();
}

/// Post number order: the exact reverse of the ordinal order (newest local day first, then
/// newest instant, then id; undated posts last, by id), so a post's ordinal is
/// [`gazette_archive::archive::flip`] of its number. Sorting by local day first keeps each day's posts
/// contiguous even when posts carry different offsets. Undated posts come first: an undated
/// post renumbers the archive, a dated one only what is newer than it.
fn sort_oldest_first(posts: &mut [PostMeta]) {
    // The reverse of newest first: undated posts by id, descending; then by local day, by
    // instant, and by id, descending, within one instant. Ids are unique once copies are
    // merged, so the order is total.
    let order = sorted_order(posts, |post| {
        let date = post.date.map(|date| {
            (
                date.date_naive(),
                date.timestamp(),
                date.timestamp_subsec_nanos(),
            )
        });
        (date, std::cmp::Reverse(&*post.id))
    });
    permute(posts, order);
}

/// The order of `items` by `key` (which must tell any two apart): `order[i]` is the index
/// of the item that goes to place `i`. The keys are made once and sorted, not the items
/// themselves, which are large (a sort moves each many times).
fn sorted_order<'a, T: Sync, K: Ord + Send>(
    items: &'a [T],
    key: impl Fn(&'a T) -> K + Sync,
) -> Vec<u32> {
    let mut keyed: Vec<(K, u32)> = items
        .par_iter()
        .enumerate()
        .map(|(at, item)| (key(item), u32::try_from(at).expect("at most 2^32 items")))
        .collect();
    keyed.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    keyed.into_iter().map(|(_, at)| at).collect()
}

/// Puts `items` in `order` (see [`sorted_order`]) in place, one cycle of the permutation at
/// a time: each item moves once (by a swap), and no second list of items is made.
fn permute<T>(items: &mut [T], mut order: Vec<u32>) {
    const DONE: u32 = u32::MAX;
    for start in 0..order.len() {
        if order[start] == DONE {
            continue;
        }
        // The item that started at `start` is at `at`; the place `at` wants the item
        // `order[at]`, which has not moved yet (or is that first item).
        let mut at = start;
        loop {
            let from = std::mem::replace(&mut order[at], DONE) as usize;
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

/// Gives names (by their import number) positions in the order they are first seen: a
/// name's position never changes when posts newer than its first are added.
struct Positions<'a> {
    /// Import number → position, or `u32::MAX` when not seen yet.
    of: Vec<u32>,
    /// Position → name.
    names: Vec<&'a str>,
    all: &'a [String],
}

impl<'a> Positions<'a> {
    fn new(all: &'a [String]) -> Positions<'a> {
        Positions {
            of: vec![u32::MAX; all.len()],
            names: Vec::new(),
            all,
        }
    }

    fn position(&mut self, number: u32) -> u32 {
        let position = &mut self.of[number as usize];
        if *position == u32::MAX {
            *position = self.names.len() as u32;
            self.names.push(&self.all[number as usize]);
        }
        *position
    }

    /// The position of a name seen already.
    fn of(&self, number: u32) -> u32 {
        self.of[number as usize]
    }
}

/// Posts whose content is loaded at once while their files are written, by default: the
/// search index's batch (see [`search_index::SegmentIndexer`]), about 60 MB of generator
/// posts' content.
pub const LOAD_BATCH: u32 = 16_384;

/// The distinct tags of a category's posts, as far as its display name needs them: none,
/// one (the name), or several. (A set of them cost categories × tags: one post with 5,000
/// categories and 20,000 tags took gigabytes.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TagsSeen<'a> {
    None,
    One(&'a str),
    Several,
}

impl<'a> TagsSeen<'a> {
    fn add(&mut self, tag: &'a str) {
        *self = match *self {
            TagsSeen::None => TagsSeen::One(tag),
            TagsSeen::One(one) if one == tag => TagsSeen::One(one),
            _ => TagsSeen::Several,
        };
    }
}

/// What the archive's files say about posts, from their metadata alone: category and tag
/// positions (in the order they are first seen, so that a name's position never changes when
/// newer posts are added) and each category's and tag's posts.
struct Catalog<'a> {
    categories: Positions<'a>,
    tags: Positions<'a>,
    /// The tags of each category's posts (a category's display name is its posts' one tag).
    category_tags: Vec<TagsSeen<'a>>,
    category_numbers: Vec<Vec<u32>>,
    tag_numbers: Vec<Vec<u32>>,
    /// Each post's id month ([`id_month`]), by number.
    id_months: Vec<u32>,
}

impl<'a> Catalog<'a> {
    /// `names`: the categories' and the tags' names, by import number.
    fn of(posts: &[PostMeta], names: &'a (Vec<String>, Vec<String>)) -> Catalog<'a> {
        let mut catalog = Catalog {
            categories: Positions::new(&names.0),
            tags: Positions::new(&names.1),
            category_tags: Vec::new(),
            category_numbers: Vec::new(),
            tag_numbers: Vec::new(),
            id_months: posts.par_iter().map(|post| id_month(&post.id)).collect(),
        };
        for (number, post) in posts.iter().enumerate() {
            let number = number as u32;
            for &category in &post.categories {
                let c = catalog.categories.position(category) as usize;
                if c == catalog.category_numbers.len() {
                    catalog.category_numbers.push(Vec::new());
                    catalog.category_tags.push(TagsSeen::None);
                }
                catalog.category_numbers[c].push(number);
                let seen = &mut catalog.category_tags[c];
                for &t in &post.tags {
                    if *seen == TagsSeen::Several {
                        break;
                    }
                    seen.add(names.1[t as usize].as_str());
                }
            }
            for &tag in &post.tags {
                let t = catalog.tags.position(tag) as usize;
                if t == catalog.tag_numbers.len() {
                    catalog.tag_numbers.push(Vec::new());
                }
                catalog.tag_numbers[t].push(number);
            }
        }
        catalog
    }

    /// A post's summary, but for its title, excerpt, source and chunk.
    fn summary(&self, post: &PostMeta) -> PostSummary {
        PostSummary {
            id: post.id.to_string(),
            title: String::new(),
            date: post.date.as_ref().map(to_rfc3339),
            categories: post
                .categories
                .iter()
                .map(|&c| self.categories.of(c))
                .collect(),
            tags: post.tags.iter().map(|&t| self.tags.of(t)).collect(),
            excerpt: String::new(),
            source: None,
            permalink: post.permalink.as_deref().map(str::to_string),
            chunk: 0,
        }
    }
}

impl PostMeta {
    /// Its content, for the builder's last use of it: what the post holds is moved out
    /// (leaving only its digest, so that a later use would import it again from its file),
    /// otherwise what `store` holds for it.
    pub fn take_content(&mut self, store: &dyn ContentStore) -> std::io::Result<PostContent> {
        match std::mem::replace(&mut self.content, Content::Unloaded { digest: 0 }) {
            Content::Held(held) => {
                self.content = Content::Unloaded {
                    digest: held.digest(),
                };
                Ok(held.into_content())
            }
            other => {
                self.content = other;
                self.load_content(store)
            }
        }
    }

    /// Its content: a copy of what it holds, or what `store` holds for it.
    pub fn load_content(&self, store: &dyn ContentStore) -> std::io::Result<PostContent> {
        match &self.content {
            Content::Held(held) => Ok(held.content().clone()),
            Content::Stored(at) => store.load(at),
            Content::Unloaded { digest } => {
                let content = store.load_again(self)?;
                if content.digest() != *digest {
                    return Err(std::io::Error::other(format!(
                        "{} changed while the archive was being updated (its content is not what the previous build recorded): run the build again",
                        self.path
                    )));
                }
                Ok(content)
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn assemble<E: From<std::io::Error> + Send>(
    mut posts: Vec<PostMeta>,
    names: &(Vec<String>, Vec<String>),
    mut site: SiteInfo,
    store: &dyn ContentStore,
    batch_size: u32,
    previous: Option<&Previous<'_>>,
    mut sink: impl FnMut(PostFiles) -> Result<(), E> + Send,
) -> Result<(Archive, Record), E> {
    sort_oldest_first(&mut posts);
    let digests: Vec<u64> = posts.par_iter().map(|p| post_digest(p, names)).collect();
    let catalog = Catalog::of(&posts, names);
    let count = u32::try_from(posts.len()).expect("an archive holds at most 2^29 posts");
    let plan = search_index::segment_plan(count);
    let guess_language = site.lang.is_empty();

    // What is kept of the previous build: everything before `start`.
    let start = previous.map_or(0, |p| resume_point(p, &digests, &plan));
    let previous = previous.filter(|p| {
        start > 0 && (!guess_language || p.record.letters.len() == p.layout.segments.len() + 1)
    });
    let start = if previous.is_some() { start } else { 0 };
    let old_segment = |first: u32| {
        previous.and_then(|p| {
            let at = p.layout.segments.iter().position(|s| s.first == first)?;
            Some((at, &p.layout.segments[at]))
        })
    };
    // The letters counted before post `first`, a segment boundary of the previous build.
    let letters_before = |first: u32| -> Option<gazette_archive::i18n::LetterCounts> {
        let previous = previous?;
        let at = old_segment(first).map_or(previous.layout.segments.len(), |(at, _)| at);
        previous.record.letters.get(at).copied()
    };
    let id_month_ends = id_month_ends(&catalog.id_months);
    // An id month whose posts are all before `start`, now and in the previous build, has
    // the same posts with the same numbers: its shards are kept.
    let kept_id_months: Vec<u32> = match previous {
        Some(previous) => id_month_ends
            .iter()
            .filter(|&&(month, end)| {
                end <= start
                    && previous
                        .record
                        .id_month_ends
                        .iter()
                        .any(|&(old, old_end)| old == month && old_end <= start)
            })
            .map(|&(month, _)| month)
            .collect(),
        None => Vec::new(),
    };
    let mut record = Record {
        posts: digests,
        id_month_ends,
        kept_id_months,
        kept_posts: start,
        kept_chunks: match old_segment(start) {
            Some((_, segment)) => segment.first_chunk,
            None => previous.map_or(0, |p| p.layout.body_chunk_count),
        },
        ..Record::default()
    };

    // The posts whose summaries the home page and the feeds show.
    let mut wanted: HashMap<u32, Option<PostSummary>> = HashMap::new();
    let shown = feed::FEED_ENTRIES.max(HOME_NEWEST);
    let newest_of_each = catalog
        .category_numbers
        .iter()
        .flat_map(|numbers| numbers.iter().rev().take(shown).copied());
    for number in (0..count).rev().take(shown).chain(newest_of_each) {
        wanted.insert(number, None);
    }

    // The posts' own files, in number order, segment by segment, a batch of posts at a
    // time: the batch's terms are indexed while its summaries and chunks are made and
    // written.
    let mut maker = PostFileMaker {
        names: &catalog,
        wanted,
        letters: guess_language.then(|| letters_before(start).unwrap_or_default()),
        open_chunk: None,
        chunk_bytes: 0,
        next_chunk: record.kept_chunks,
    };
    let mut segments = Vec::new();
    for &(first, end, level) in &plan {
        if guess_language {
            let before = match letters_before(first) {
                Some(letters) if first <= start => letters,
                _ => maker.letters.unwrap_or_default(),
            };
            record.letters.push(before);
        }
        if end <= start {
            let (_, kept) = old_segment(first).expect("checked by resume_point");
            segments.push(kept.clone());
            record.kept_segments.push((first, end));
            continue;
        }
        let (mut index, first_chunk) = match previous.filter(|_| first < start) {
            Some(previous) => {
                let parts: Vec<&Segment> = previous
                    .layout
                    .segments
                    .iter()
                    .filter(|s| s.first >= first && s.end <= start)
                    .collect();
                let files = parts
                    .par_iter()
                    .map(|segment| previous.files.index(segment))
                    .collect::<std::io::Result<Vec<_>>>()?;
                let index = search_index::SegmentIndexer::resume(first, level, files, start)
                    .map_err(|error| {
                        std::io::Error::new(std::io::ErrorKind::InvalidData, error.to_string())
                    })?;
                (index, parts[0].first_chunk)
            }
            None => (
                search_index::SegmentIndexer::new(first, level),
                maker.next_chunk,
            ),
        };
        for batch_first in (first.max(start)..end).step_by(batch_size as usize) {
            let batch_end = end.min(batch_first + batch_size);
            let batch = &mut posts[batch_first as usize..batch_end as usize];
            // The text (and a copy of the title) goes to the index, the rest to the
            // summaries and chunks.
            let (texts, contents): (Vec<(String, String)>, Vec<PostContent>) = batch
                .par_iter_mut()
                .map(|post| {
                    let mut content = post.take_content(store)?;
                    let text = std::mem::take(&mut content.text);
                    Ok(((content.title.clone(), text), content))
                })
                .collect::<std::io::Result<Vec<_>>>()?
                .into_iter()
                .unzip();
            let ((), written) = rayon::join(
                || {
                    index.add(&texts, &|(title, text): &(String, String)| (title, text));
                },
                || sink(maker.batch(batch_first, batch, contents, batch_end == end)),
            );
            written?;
        }
        let layout = index.finish(|shards| {
            sink(PostFiles {
                first_chunk: maker.next_chunk,
                index: Some(shards),
                ..PostFiles::default()
            })
        })?;
        segments.push(Segment {
            first_chunk,
            end_chunk: maker.next_chunk,
            ..layout
        });
    }
    // The index is built: its scratch vectors go.
    search_index::release_scratch();
    if let Some(letters) = maker.letters {
        record.letters.push(letters);
        site.lang = letters.language().to_string();
    }
    let mut wanted = maker.wanted;
    // The summaries of kept posts that the home page and the feeds show, from their groups.
    if let Some(previous) = previous {
        for (number, summary) in kept_summaries(previous, &wanted, start)? {
            wanted.insert(number, Some(summary));
        }
    }
    record.shown = wanted
        .iter()
        .filter_map(|(&number, summary)| Some((number, summary.clone()?)))
        .collect();
    record.shown.par_sort_unstable_by_key(|&(number, _)| number);
    let summary = |number: u32| {
        wanted[&number]
            .clone()
            .expect("every wanted post was summarized")
    };
    let archive = assemble_the_rest(
        &posts,
        &catalog,
        site,
        segments,
        (&mut record, previous.map(|p| (p.record, start))),
        maker.next_chunk,
        summary,
    );
    // Each post holds several allocations: two million of them are freed on every core.
    posts.into_par_iter().for_each(drop);
    Ok((archive, record))
}

/// The summaries, as the previous build's summary groups hold them, of the posts before
/// `start` (kept) that `wanted` still lacks.
fn kept_summaries(
    previous: &Previous<'_>,
    wanted: &HashMap<u32, Option<PostSummary>>,
    start: u32,
) -> std::io::Result<Vec<(u32, PostSummary)>> {
    let mut groups: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    let mut found = Vec::new();
    let shown = &previous.record.shown;
    for (&number, summary) in wanted {
        if summary.is_none() && number < start {
            // A kept post is the same post under the same number: what the previous build
            // showed of it is its summary.
            if let Ok(at) = shown.binary_search_by_key(&number, |&(n, _)| n) {
                found.push(shown[at].clone());
                continue;
            }
            groups
                .entry(number / SUMMARY_GROUP_SIZE)
                .or_default()
                .push(number);
        }
    }
    let read = groups
        .into_par_iter()
        .map(|(group, numbers)| {
            let file = previous.files.summary_group(group)?;
            numbers
                .into_iter()
                .map(|number| {
                    let at = number.checked_sub(file.first_number);
                    match at.and_then(|at| file.posts.get(at as usize)) {
                        Some(summary) => Ok((number, summary.clone())),
                        None => Err(std::io::Error::new(
                            std::io::ErrorKind::InvalidData,
                            format!("{} does not hold post {number}", summary_group_path(group)),
                        )),
                    }
                })
                .collect::<std::io::Result<Vec<_>>>()
        })
        .collect::<std::io::Result<Vec<_>>>()?;
    found.extend(read.into_iter().flatten());
    Ok(found)
}

/// Makes the summary groups and body chunks of batches of consecutive posts.
struct PostFileMaker<'a> {
    names: &'a Catalog<'a>,
    /// The summaries of the posts the home page and the feeds show, kept as they go by.
    wanted: HashMap<u32, Option<PostSummary>>,
    /// The titles' and excerpts' letters, when the site's language is to be guessed.
    letters: Option<gazette_archive::i18n::LetterCounts>,
    /// The last chunk, which the next batch's first posts may join.
    open_chunk: Option<BodyChunk>,
    chunk_bytes: usize,
    /// The number the next chunk takes.
    next_chunk: u32,
}

impl PostFileMaker<'_> {
    /// The files of `posts`, numbered from `first`, whose contents are `contents`: every
    /// summary group, and every chunk but the last unless `last_of_segment`.
    fn batch(
        &mut self,
        first: u32,
        posts: &[PostMeta],
        contents: Vec<PostContent>,
        last_of_segment: bool,
    ) -> PostFiles {
        let mut files = PostFiles {
            first_chunk: self.next_chunk - u32::from(self.open_chunk.is_some()),
            ..PostFiles::default()
        };
        let mut summaries = Vec::with_capacity(posts.len());
        for (number, (post, content)) in (first..).zip(posts.iter().zip(contents)) {
            // A chunk also starts with each segment's first post, so that it belongs to one
            // segment (`Layout::segment_holding`).
            if self.open_chunk.is_none()
                || self.chunk_bytes >= CHUNK_TARGET_BYTES
                || number % SEGMENT_POSTS == 0
            {
                files.chunks.extend(self.open_chunk.take());
                self.open_chunk = Some(BodyChunk {
                    schema_version: SCHEMA_VERSION,
                    bodies: Vec::new(),
                });
                self.next_chunk += 1;
                self.chunk_bytes = 0;
            }
            self.chunk_bytes += content.html.len();
            if let Some(letters) = &mut self.letters {
                letters.add(&content.title);
                letters.add(&content.excerpt);
            }
            let summary = PostSummary {
                title: content.title,
                excerpt: content.excerpt,
                source: content.source,
                chunk: self.next_chunk - 1,
                ..self.names.summary(post)
            };
            if let Some(kept) = self.wanted.get_mut(&number) {
                *kept = Some(summary.clone());
            }
            summaries.push(summary);
            let chunk = self.open_chunk.as_mut().expect("opened");
            chunk.bodies.push(PostBody {
                id: post.id.to_string(),
                html: content.html,
            });
        }
        files.summaries = group_summaries(first, summaries);
        if last_of_segment {
            files.chunks.extend(self.open_chunk.take());
        }
        files
    }
}

/// `summaries` of consecutive posts from `first` (a multiple of the group size) in groups.
fn group_summaries(first: u32, summaries: Vec<PostSummary>) -> Vec<SummaryGroup> {
    debug_assert_eq!(first % SUMMARY_GROUP_SIZE, 0);
    let mut groups = Vec::new();
    let mut summaries = summaries.into_iter().peekable();
    let mut first_number = first;
    while summaries.peek().is_some() {
        let posts: Vec<PostSummary> = summaries
            .by_ref()
            .take(SUMMARY_GROUP_SIZE as usize)
            .collect();
        let len = posts.len() as u32;
        groups.push(SummaryGroup {
            schema_version: SCHEMA_VERSION,
            first_number,
            posts,
        });
        first_number += len;
    }
    groups
}

/// Each category's display name, where it is not its id. finews names its sources by code
/// (`emnews`) and gives each source's posts one tag of their own, the source's name
/// (`东财滚动新闻`). Where a site's tags work that way — at least four in five of its
/// categories with tagged posts (three at least) have one tag that no other category's post
/// carries — a category with such a tag is shown by its name; elsewhere (a blog whose
/// categories share tags or have several) categories keep their own.
fn category_names<'a>(catalog: &Catalog<'a>) -> Vec<Option<&'a str>> {
    let tag_position: HashMap<&str, usize> = catalog
        .tags
        .names
        .iter()
        .enumerate()
        .map(|(position, name)| (*name, position))
        .collect();
    // Both lists ascend: the tag's posts are the category's when each is found in turn.
    let within = |tagged: &[u32], posts: &[u32]| {
        let mut posts = posts.iter();
        tagged.iter().all(|n| posts.any(|p| p == n))
    };
    let own: Vec<Option<&'a str>> = catalog
        .category_tags
        .iter()
        .zip(&catalog.category_numbers)
        .map(|(seen, posts)| match *seen {
            TagsSeen::One(tag) => tag_position
                .get(tag)
                .is_some_and(|&t| within(&catalog.tag_numbers[t], posts))
                .then_some(tag),
            _ => None,
        })
        .collect();
    let tagged = catalog
        .category_tags
        .iter()
        .filter(|seen| **seen != TagsSeen::None)
        .count();
    let with_own = own.iter().flatten().count();
    if with_own >= 3 && with_own * 5 >= tagged * 4 {
        own
    } else {
        vec![None; own.len()]
    }
}

/// Everything but the posts' own files (summary groups, body chunks, index segments), from
/// the posts' metadata; `summary` gives the summary of a post the home page or a feed shows.
fn assemble_the_rest(
    posts: &[PostMeta],
    names: &Catalog<'_>,
    site: SiteInfo,
    mut segments: Vec<Segment>,
    (record, previous): (&mut Record, Option<(&Record, u32)>),
    chunk_count: u32,
    summary: impl Fn(u32) -> PostSummary + Sync,
) -> Archive {
    let (split, segment_lists) = segment_lists(
        &mut segments,
        &names.category_numbers,
        &names.tag_numbers,
        &record.kept_segments,
    );
    let counts = (
        names.category_numbers.len() as u32,
        names.tag_numbers.len() as u32,
    );
    record.lists = (split, counts.0, counts.1);
    // The lists below the split hold only posts before it: when it has not moved and every
    // post before it was kept, the lists of the categories and tags the last build had are
    // the same files.
    record.kept_lists = match previous {
        Some((previous, start)) if previous.lists.0 == split && split <= start => (
            previous.lists.1.min(counts.0),
            previous.lists.2.min(counts.1),
        ),
        _ => (0, 0),
    };
    let date_of = |number: u32| posts[number as usize].date.as_ref().map(to_rfc3339);
    let categories: Vec<CategoryInfo> = names
        .categories
        .names
        .iter()
        .zip(category_names(names))
        .zip(&names.category_numbers)
        .map(|((id, name), numbers)| CategoryInfo {
            id: id.to_string(),
            name: name.unwrap_or(id).to_string(),
            count: numbers.len() as u32,
            latest: numbers.last().and_then(|&n| date_of(n)),
        })
        .collect();
    let tags: Vec<TagInfo> = names
        .tags
        .names
        .iter()
        .zip(&names.tag_numbers)
        .map(|(name, numbers)| TagInfo {
            name: name.to_string(),
            count: numbers.len() as u32,
        })
        .collect();

    let (date_range, days, months) = date_tables(posts);

    let (id_shards, id_table) = id_shards(posts, &names.id_months, &record.kept_id_months);
    let layout = Layout {
        summary_group_size: SUMMARY_GROUP_SIZE,
        body_chunk_count: chunk_count,
        segments,
        id_shards: id_table,
        id_versions: BTreeMap::new(),
        list_version: String::new(),
    };
    let manifest = Manifest {
        schema_version: SCHEMA_VERSION,
        generator: format!("gazette {}", env!("CARGO_PKG_VERSION")),
        build: String::new(),
        site,
        post_count: posts.len() as u32,
        undated_count: posts.iter().filter(|p| p.date.is_none()).count() as u32,
        date_range,
        months,
        home: home_section(
            posts.len() as u32,
            &summary,
            &categories,
            &names.category_numbers,
        ),
        category_count: categories.len() as u32,
        tag_count: tags.len() as u32,
        layout,
    };
    let documents = feeds(
        &manifest,
        &categories,
        posts.len() as u32,
        &summary,
        &names.category_numbers,
    );
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
        summaries: Vec::new(),
        lists_from: record.kept_lists,
        category_lists: names.category_numbers[record.kept_lists.0 as usize..]
            .iter()
            .map(|numbers| PostList::from_numbers(below(numbers, split)))
            .collect(),
        tag_lists: names.tag_numbers[record.kept_lists.1 as usize..]
            .iter()
            .map(|numbers| PostList::from_numbers(below(numbers, split)))
            .collect(),
        segment_lists,
        id_shards,
        index: Vec::new(),
        chunks: Vec::new(),
    }
}

/// About how many post numbers a segment list file holds: a list view reads one such file
/// of each segment above the split, so they stay small.
const SEGMENT_LIST_NUMBERS: usize = 512;
/// At most this many list files a segment.
const MAX_SEGMENT_LIST_SHARDS: u32 = 64;

/// The lists of the segments of at most [`SEGMENT_POSTS`] posts at the archive's end (those
/// after the last larger one): sets their [`Segment::list_shards`] and makes their list
/// files (but those of `kept` segments, which an update keeps as they were). Returns the
/// split ([`Layout::list_split`]): the category and tag lists proper hold the numbers below
/// it, so that a day's posts change a few shared list files instead of the list of every
/// category and tag that got posts.
fn segment_lists(
    segments: &mut [Segment],
    category_numbers: &[Vec<u32>],
    tag_numbers: &[Vec<u32>],
    kept: &[(u32, u32)],
) -> (u32, Vec<(SegmentListKey, SegmentLists)>) {
    let small = segments
        .iter()
        .rposition(|s| s.end - s.first > SEGMENT_POSTS)
        .map_or(0, |last_large| last_large + 1);
    let mut files = Vec::new();
    for segment in &mut segments[small..] {
        let range = segment.first..segment.end;
        let within = |lists: &[Vec<u32>]| -> Vec<(u32, Vec<u32>)> {
            lists
                .iter()
                .enumerate()
                .filter_map(|(index, numbers)| {
                    let from = numbers.partition_point(|&n| n < range.start);
                    let to = numbers.partition_point(|&n| n < range.end);
                    (from < to).then(|| (index as u32, numbers[from..to].to_vec()))
                })
                .collect()
        };
        let categories = within(category_numbers);
        let tags = within(tag_numbers);
        let count: usize = categories
            .iter()
            .chain(&tags)
            .map(|(_, numbers)| numbers.len())
            .sum();
        let shards = (count.div_ceil(SEGMENT_LIST_NUMBERS).max(1) as u32)
            .next_power_of_two()
            .min(MAX_SEGMENT_LIST_SHARDS);
        segment.list_shards = shards;
        if kept.iter().any(|&(first, _)| first == segment.first) {
            continue;
        }
        let mut shard_files: Vec<SegmentLists> = (0..shards)
            .map(|_| SegmentLists {
                schema_version: SCHEMA_VERSION,
                first: segment.first,
                ..SegmentLists::default()
            })
            .collect();
        let gaps = |numbers: &[u32]| -> Vec<u32> {
            let mut previous = range.start;
            numbers
                .iter()
                .map(|&n| {
                    let gap = n - previous;
                    previous = n;
                    gap
                })
                .collect()
        };
        for (index, numbers) in &categories {
            shard_files[(index % shards) as usize]
                .categories
                .insert(*index, gaps(numbers));
        }
        for (index, numbers) in &tags {
            shard_files[(index % shards) as usize]
                .tags
                .insert(*index, gaps(numbers));
        }
        files.extend((0..).zip(shard_files).map(|(shard, lists)| {
            (
                SegmentListKey {
                    first: segment.first,
                    shard,
                },
                lists,
            )
        }));
    }
    let split = match segments.get(small) {
        Some(segment) => segment.first,
        None => segments.last().map_or(0, |s| s.end),
    };
    (split, files)
}

/// The numbers of `numbers` (ascending) below `split`.
fn below(numbers: &[u32], split: u32) -> &[u32] {
    &numbers[..numbers.partition_point(|&n| n < split)]
}

/// `feed.xml` (newest posts) and `feeds/<category>.xml`, when the site's public URL is known
/// (`url` in `_config.yml`, or `gazette build --site-url`).
fn feeds(
    manifest: &Manifest,
    categories: &[CategoryInfo],
    post_count: u32,
    summary: &(impl Fn(u32) -> PostSummary + Sync),
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
    let newest: Vec<PostSummary> = (0..post_count)
        .rev()
        .take(feed::FEED_ENTRIES)
        .map(summary)
        .collect();
    let newest: Vec<&PostSummary> = newest.iter().collect();
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
    // A feed per category (two thousand for finews), on every core.
    let category_feeds: Vec<(String, String)> = categories
        .par_iter()
        .zip(category_numbers)
        .enumerate()
        .map(|(index, (category, numbers))| {
            let path = format!("feeds/{index}.xml");
            let posts: Vec<PostSummary> = numbers
                .iter()
                .rev()
                .take(feed::FEED_ENTRIES)
                .map(|&n| summary(n))
                .collect();
            let posts: Vec<&PostSummary> = posts.iter().collect();
            let view = Route::Posts(gazette_archive::filter::Filter {
                category: Some(category.id.clone()),
                ..Default::default()
            });
            let feed_title = format!("{} · {title}", category.name);
            let document = feed::atom(
                &feed::FeedHead {
                    title: &feed_title,
                    ..head
                },
                &app_url,
                &feed_url(&path),
                &view,
                &posts,
                categories,
            );
            (path, document)
        })
        .collect();
    documents.extend(category_feeds);
    documents
}

/// The newest posts, the latest few titles of each of the busiest categories, and the
/// categories those name.
fn home_section(
    post_count: u32,
    summary: &impl Fn(u32) -> PostSummary,
    categories: &[CategoryInfo],
    category_numbers: &[Vec<u32>],
) -> HomeSection {
    // The home page shows titles only: its summaries go without excerpts.
    let brief = |number: u32| PostSummary {
        excerpt: String::new(),
        ..summary(number)
    };
    let newest: Vec<PostSummary> = (0..post_count).rev().take(HOME_NEWEST).map(brief).collect();
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
                .map(|&n| brief(n))
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
/// The id shards of `posts` (but those of the `kept` months, which an update keeps as they
/// were) and the number of shards of every month.
fn id_shards(
    posts: &[PostMeta],
    months: &[u32],
    kept: &[u32],
) -> (Vec<(IdShardKey, IdShard)>, BTreeMap<String, u32>) {
    let mut groups: BTreeMap<u32, Vec<(&str, u32)>> = BTreeMap::new();
    let mut sizes: BTreeMap<u32, usize> = BTreeMap::new();
    // A run of posts of one month at a time (posts are numbered by date, and most ids carry
    // their date): one look in the maps a run.
    let mut start = 0;
    for run in months.chunk_by(|a, b| a == b) {
        let month = run[0];
        let end = start + run.len();
        *sizes.entry(month).or_default() += run.len();
        if !kept.contains(&month) {
            groups.entry(month).or_default().extend(
                posts[start..end]
                    .iter()
                    .zip(start as u32..)
                    .map(|(post, number)| (&*post.id, number)),
            );
        }
        start = end;
    }
    let shard_count = |size: usize| size.div_ceil(IDS_PER_SHARD).next_power_of_two() as u32;
    let table = sizes
        .iter()
        .map(|(&month, &size)| (id_group_name(month), shard_count(size)))
        .collect();
    let mut shards = Vec::new();
    for (month, ids) in groups {
        let count = shard_count(ids.len());
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

/// The archive's first and last dates (the least and greatest RFC 3339 strings, as written),
/// and its posts per day (newest first) and per month (oldest first), by the date part of
/// each post's own RFC 3339 date — made from the dates themselves: two million dates written
/// out as strings and sorted as strings took a second of an update.
fn date_tables(
    posts: &[PostMeta],
) -> (Option<(String, String)>, Vec<PeriodCount>, Vec<PeriodCount>) {
    use chrono::Datelike;
    let dates: Vec<&DateTime<FixedOffset>> = posts.iter().filter_map(|p| p.date.as_ref()).collect();
    let counts = |counts: Vec<(String, usize)>| -> Vec<PeriodCount> {
        counts
            .into_iter()
            .map(|(period, count)| PeriodCount {
                period,
                count: count as u32,
            })
            .collect()
    };
    if !dates.par_iter().all(|d| (0..=9999).contains(&d.year())) {
        // Years of other widths: the strings' own order and prefixes.
        let written: Vec<String> = dates.iter().map(|d| to_rfc3339(d)).collect();
        let range = written
            .iter()
            .min()
            .cloned()
            .zip(written.iter().max().cloned());
        let by = |granularity| {
            counts(count_by_period(
                written.iter().map(String::as_str),
                granularity,
            ))
        };
        let mut days = by(Granularity::Day);
        days.reverse(); // ordinal order: newest first
        return (range, days, by(Granularity::Month));
    }
    // Four-digit years write fixed-width dates, whose string order is the order of their
    // local date and time, then of their offset's text: only the dates at the least and
    // greatest local time need writing out.
    let written_at = |at: chrono::NaiveDateTime| {
        dates
            .iter()
            .filter(move |d| d.naive_local() == at)
            .map(|d| to_rfc3339(d))
    };
    let least = dates.par_iter().map(|d| d.naive_local()).min();
    let greatest = dates.par_iter().map(|d| d.naive_local()).max();
    let range = least
        .and_then(|at| written_at(at).min())
        .zip(greatest.and_then(|at| written_at(at).max()));
    let mut local_days: Vec<chrono::NaiveDate> = dates.par_iter().map(|d| d.date_naive()).collect();
    local_days.par_sort_unstable();
    let mut days: Vec<(String, usize)> = Vec::new();
    let mut months: Vec<(String, usize)> = Vec::new();
    for day in local_days.chunk_by(|a, b| a == b) {
        let (date, count) = (day[0], day.len());
        days.push((
            format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day()),
            count,
        ));
        let month = format!("{:04}-{:02}", date.year(), date.month());
        match months.last_mut() {
            Some((last, total)) if *last == month => *total += count,
            _ => months.push((month, count)),
        }
    }
    days.reverse(); // ordinal order: newest first
    (range, counts(days), counts(months))
}

/// [`Record::id_month_ends`] of posts whose id months, in number order, are `months`.
fn id_month_ends(months: &[u32]) -> Vec<(u32, u32)> {
    let mut ends: BTreeMap<u32, u32> = BTreeMap::new();
    let mut end = 0;
    for run in months.chunk_by(|a, b| a == b) {
        end += run.len() as u32;
        ends.insert(run[0], end);
    }
    ends.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posts_are_numbered_by_day_instant_and_id_as_the_comparison_says() {
        use rand::{seq::SliceRandom, Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let dates = [
            None,
            Some("2021-06-01T00:30:00+08:00"),
            Some("2021-05-31T16:30:00+00:00"),
            Some("2021-06-01T00:30:00-05:00"),
            Some("2021-06-01T23:59:59+00:00"),
            Some("2022-01-02T08:00:00-03:00"),
            Some("2022-01-02T08:00:00+03:00"),
        ];
        let mut posts: Vec<PostMeta> = (0..500)
            .map(|n| PostMeta {
                id: format!("p{}", rng.gen_range(0..10_000) * 1000 + n).into(),
                path: format!("_posts/{n}.md").into(),
                date: dates[rng.gen_range(0..dates.len())]
                    .map(|d| DateTime::parse_from_rfc3339(d).expect("a date")),
                categories: Box::new([]),
                tags: Box::new([]),
                permalink: None,
                content: Content::Unloaded { digest: n },
                warnings: Box::new([]),
            })
            .collect();
        posts.shuffle(&mut rng);
        // The order as a comparison of whole posts: newest first (newest local day, newest
        // instant, then id; undated last by id), reversed.
        let mut expected = posts.clone();
        expected.sort_by(|a, b| match (a.date, b.date) {
            (Some(x), Some(y)) => y
                .date_naive()
                .cmp(&x.date_naive())
                .then(y.cmp(&x))
                .then_with(|| a.id.cmp(&b.id)),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => a.id.cmp(&b.id),
        });
        expected.reverse();
        sort_oldest_first(&mut posts);
        assert_eq!(posts, expected);
    }

    #[test]
    fn a_permutation_puts_every_item_in_its_place_once() {
        use rand::{seq::SliceRandom, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        for len in [0, 1, 2, 3, 10, 1000] {
            let mut items: Vec<String> = (0..len).map(|n| format!("{n:05}")).collect();
            items.shuffle(&mut rng);
            let order = sorted_order(&items, |item| item.as_str());
            let mut expected = items.clone();
            expected.sort();
            permute(&mut items, order);
            assert_eq!(items, expected, "{len} items");
        }
    }

    #[test]
    fn copies_of_a_post_leave_the_first_by_path_and_the_rest_in_their_order() {
        let post = |id: &str, path: &str, digest: u64| PostMeta {
            id: id.into(),
            path: path.into(),
            date: None,
            categories: Box::new([]),
            tags: Box::new([]),
            permalink: None,
            content: Content::Unloaded { digest },
            warnings: Box::new([]),
        };
        let mut posts = vec![
            post("b", "_posts/b.md", 1),
            post("b", "old_post/b.md", 1),
            post("a", "old_post/a.md", 2),
            post("c", "_posts/c.md", 3),
            post("a", "_posts/a.md", 2),
            post("b", "old_post/x/b.md", 9),
            post("d", "_posts/d.md", 4),
        ];
        let mut report = BuildReport::default();
        merge_copies(&mut posts, &Names::default(), &mut report);
        let left: Vec<&str> = posts.iter().map(|p| &*p.path).collect();
        assert_eq!(
            left,
            ["_posts/b.md", "_posts/c.md", "_posts/a.md", "_posts/d.md"]
        );
        let merged: Vec<(&str, &str, &str, bool)> = report
            .merged
            .iter()
            .map(|m| (&*m.id, &*m.kept, &*m.dropped, m.identical))
            .collect();
        assert_eq!(
            merged,
            [
                ("a", "_posts/a.md", "old_post/a.md", true),
                ("b", "_posts/b.md", "old_post/b.md", true),
                ("b", "_posts/b.md", "old_post/x/b.md", false),
            ]
        );
    }

    /// finews' sources are named by their one tag of their own; a blog's categories, whose
    /// posts share tags (or a category of one post and its tag), keep their ids.
    #[test]
    fn categories_are_named_by_their_own_tag_only_where_the_site_names_sources_so() {
        let post = |category: u32, tags: &[u32]| PostMeta {
            id: "x".into(),
            path: "x".into(),
            date: None,
            categories: Box::new([category]),
            tags: tags.into(),
            permalink: None,
            content: Content::Unloaded { digest: 0 },
            warnings: Box::new([]),
        };
        let names = (
            vec![
                "emnews".to_string(),
                "sina".into(),
                "cls".into(),
                "tutorials".into(),
            ],
            vec![
                "东财".to_string(),
                "新浪".into(),
                "财联社".into(),
                "rust".into(),
            ],
        );
        let finews = [
            post(0, &[0]),
            post(1, &[1]),
            post(0, &[0]),
            post(2, &[2]),
            post(3, &[]),
        ];
        let catalog = Catalog::of(&finews, &names);
        assert_eq!(
            category_names(&catalog),
            [Some("东财"), Some("新浪"), Some("财联社"), None]
        );
        // One category of one post with one tag, beside categories sharing a tag.
        let blog = [
            post(3, &[3]),
            post(0, &[1]),
            post(1, &[1]),
            post(2, &[0, 1]),
        ];
        let catalog = Catalog::of(&blog, &names);
        assert_eq!(category_names(&catalog), [None, None, None, None]);
    }

    /// Jekyll publishes `news/_posts/x.md` and `sports/_posts/x.md` as two posts: a file of
    /// the same name with other content and other categories is kept, renamed; one with the
    /// categories of a kept post is its copy.
    #[test]
    fn a_post_of_other_categories_with_the_same_file_name_is_kept_renamed() {
        let names = Names::default();
        let post = |path: &str, category: &str, digest: u64| PostMeta {
            id: "2024-04-01-roundup".into(),
            path: path.into(),
            date: None,
            categories: Box::new([names.categories.number(category)]),
            tags: Box::new([]),
            permalink: None,
            content: Content::Unloaded { digest },
            warnings: Box::new([]),
        };
        let mut posts = vec![
            post("news/_posts/2024-04-01-roundup.md", "news", 1),
            post("sports/_posts/2024-04-01-roundup.md", "sports", 2),
            post("old_post/2024-04-01-roundup.md", "sports", 2),
            post("old_post/x/2024-04-01-roundup.md", "news", 3),
            post("zz/_posts/2024-04-01-roundup.md", "local news", 4),
        ];
        let mut report = BuildReport::default();
        merge_copies(&mut posts, &names, &mut report);
        let left: Vec<(&str, &str)> = posts.iter().map(|p| (&*p.id, &*p.path)).collect();
        assert_eq!(
            left,
            [
                ("2024-04-01-roundup", "news/_posts/2024-04-01-roundup.md"),
                (
                    "2024-04-01-roundup-sports",
                    "sports/_posts/2024-04-01-roundup.md"
                ),
                (
                    "2024-04-01-roundup-local-news",
                    "zz/_posts/2024-04-01-roundup.md"
                ),
            ]
        );
        assert!(posts[1].warnings[0]
            .message
            .contains("\"2024-04-01-roundup-sports\""));
        let merged: Vec<(&str, &str, bool)> = report
            .merged
            .iter()
            .map(|m| (&*m.kept, &*m.dropped, m.identical))
            .collect();
        assert_eq!(
            merged,
            [
                (
                    "sports/_posts/2024-04-01-roundup.md",
                    "old_post/2024-04-01-roundup.md",
                    true
                ),
                (
                    "news/_posts/2024-04-01-roundup.md",
                    "old_post/x/2024-04-01-roundup.md",
                    false
                ),
            ]
        );
    }

    #[test]
    fn date_tables_are_the_tables_of_the_dates_written_out() {
        let post = |date: Option<&str>| PostMeta {
            id: "x".into(),
            path: "x".into(),
            date: date.map(|d| DateTime::parse_from_rfc3339(d).expect("a date")),
            categories: Box::new([]),
            tags: Box::new([]),
            permalink: None,
            content: Content::Unloaded { digest: 0 },
            warnings: Box::new([]),
        };
        let dates = [
            None,
            // The least local time twice, under two offsets: the least string wins.
            Some("2021-06-01T00:30:00+08:00"),
            Some("2021-06-01T00:30:00-05:00"),
            Some("2021-06-01T23:59:59+00:00"),
            Some("2021-06-30T12:00:00+08:00"),
            Some("2021-07-01T00:00:00+08:00"),
            Some("2022-01-02T08:00:00-03:00"),
            Some("2022-01-02T08:00:00+03:00"),
        ];
        let posts: Vec<PostMeta> = dates.iter().map(|d| post(*d)).collect();
        let written: Vec<String> = posts
            .iter()
            .filter_map(|p| p.date.as_ref().map(to_rfc3339))
            .collect();
        let by_strings = |granularity| -> Vec<PeriodCount> {
            count_by_period(written.iter().map(String::as_str), granularity)
                .into_iter()
                .map(|(period, count)| PeriodCount {
                    period,
                    count: count as u32,
                })
                .collect()
        };
        let (range, days, months) = date_tables(&posts);
        let expected_range = written
            .iter()
            .min()
            .cloned()
            .zip(written.iter().max().cloned());
        assert_eq!(range, expected_range);
        assert_eq!(
            range,
            Some((
                "2021-06-01T00:30:00+08:00".to_string(),
                "2022-01-02T08:00:00-03:00".to_string()
            ))
        );
        let mut expected_days = by_strings(Granularity::Day);
        expected_days.reverse();
        assert_eq!(days, expected_days);
        assert_eq!(months, by_strings(Granularity::Month));
        assert_eq!(date_tables(&[post(None)]), (None, Vec::new(), Vec::new()));
        // A five-digit year: the strings' way itself.
        let mut far = posts.clone();
        far[0].date = chrono::NaiveDate::from_ymd_opt(10_000, 3, 1)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .map(|t| t.and_utc().fixed_offset());
        let written: Vec<String> = far
            .iter()
            .filter_map(|p| p.date.as_ref().map(to_rfc3339))
            .collect();
        let (range, _, months) = date_tables(&far);
        assert_eq!(
            range,
            written
                .iter()
                .min()
                .cloned()
                .zip(written.iter().max().cloned())
        );
        assert_eq!(months.len(), 4, "{months:?}");
    }

    #[test]
    fn the_newest_small_segments_hold_their_lists_and_the_lists_the_rest() {
        let segment = |first, end| Segment {
            first,
            end,
            ..Segment::default()
        };
        let mut segments = vec![
            segment(0, 32768),
            segment(32768, 36864),
            segment(36864, 40960),
            segment(40960, 41000),
        ];
        // Category 0: a post in every segment; 1: only old posts; 2: many new posts.
        let categories = vec![
            vec![5, 32768, 36900, 40999],
            vec![7, 8],
            (32768..36864).step_by(2).collect::<Vec<u32>>(),
        ];
        let tags = vec![vec![40960]];
        let (split, files) = segment_lists(&mut segments, &categories, &tags, &[]);
        assert_eq!(split, 32768);
        let shards: Vec<u32> = segments.iter().map(|s| s.list_shards).collect();
        assert_eq!(
            shards,
            [0, 8, 1, 1],
            "2,049 numbers: five files of 512, rounded up to eight"
        );
        let layout = Layout {
            segments: segments.clone(),
            ..Layout::default()
        };
        let file = |key| {
            files
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, lists)| lists.clone())
                .expect("a list file for every shard of every small segment")
        };
        assert_eq!(files.len(), 10);
        for (key, numbers) in (0..)
            .map(ListKey::category)
            .zip(&categories)
            .chain((0..).map(ListKey::tag).zip(&tags))
        {
            let base = PostList::from_numbers(below(numbers, split));
            let parts: Vec<SegmentLists> = layout.list_files(key).1.into_iter().map(file).collect();
            assert_eq!(&key.numbers(&base, &parts), numbers, "{key:?}");
        }
        // An update makes no list file of a segment it keeps, but counts its shards.
        let mut again = segments.clone();
        again.iter_mut().for_each(|s| s.list_shards = 0);
        let (_, files) = segment_lists(&mut again, &categories, &tags, &[(32768, 36864)]);
        assert_eq!(again, segments);
        assert_eq!(files.len(), 2);
        // Without a large segment, every number is in the segments' files.
        let mut small = vec![segment(0, 4096), segment(4096, 4100)];
        assert_eq!(segment_lists(&mut small, &categories, &tags, &[]).0, 0);
        let mut large = vec![segment(0, 32768)];
        assert_eq!(
            segment_lists(&mut large, &categories, &tags, &[]),
            (32768, Vec::new())
        );
    }
}
