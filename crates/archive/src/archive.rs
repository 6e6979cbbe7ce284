//! The archive format: the JSON files `gazette build` writes and the app reads.
//! `docs/archive-format.md` is the prose version of this module.
//!
//! The archive is cut so that no view downloads more than it shows, whatever the archive's
//! size: the home page needs only `manifest.json`; lists are ordinal lists (a category's
//! posts, a search's hits) resolved to summaries in small groups; bodies come in chunks;
//! search terms are spread over shards by hash, so a query fetches only its own terms.
//!
//! Posts are numbered by *ordinal*: their position newest first (by local day, then
//! instant, then id; undated posts last). A day's posts are therefore contiguous, and a date
//! range is an ordinal range.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::model::{CategoryInfo, PostSummary, SiteInfo, TagInfo};
use crate::search::{push_varint, read_varint, EncodedPostings, PositionLists};

/// Bumped on every incompatible change; the app refuses other versions with a clear message.
pub const SCHEMA_VERSION: u32 = 11;

/// File name of the manifest, relative to the archive folder. The one JSON file stored as
/// plain text: it is small, the first thing a reader fetches, and the file a person opens to
/// see what an archive is.
pub const MANIFEST_FILE: &str = "manifest.json";
/// File name of the day table, relative to the archive folder.
pub const DAYS_FILE: &str = "days.json.gz";
/// File name of the category table, relative to the archive folder.
pub const CATEGORIES_FILE: &str = "categories.json.gz";
/// File name of the tag table, relative to the archive folder.
pub const TAGS_FILE: &str = "tags.json.gz";
/// The extension of the files stored gzip-compressed: every JSON file but the manifest.
/// (Web servers, GitHub Pages included, serve a stored `.gz` as it is, without a
/// `Content-Encoding`, so the reader decodes it itself; see [`decode_bytes`].)
pub const COMPRESSED_EXTENSION: &str = ".gz";
/// The most bytes a compressed file may decode to: a reader stops decoding there, so a
/// tampered file cannot make it allocate without bound (the largest files of a 2-million-post
/// archive decode to a few MB).
pub const MAX_DECODED_BYTES: usize = 256 << 20;
/// A body chunk is closed once its HTML passes this many bytes.
pub const CHUNK_TARGET_BYTES: usize = 64 * 1024;
/// Every index segment starts at a multiple of this many post numbers (the smallest
/// segment's size), and so does a body chunk at such a number: a summary group or body chunk
/// then holds posts of one segment only and takes that segment's version.
pub const SEGMENT_POSTS: u32 = 4096;
/// Summaries per `summaries/NNNNN.json` group.
pub const SUMMARY_GROUP_SIZE: u32 = 32;

/// `manifest.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub schema_version: u32,
    /// `gazette <version>`: which builder wrote it.
    pub generator: String,
    /// Names this build's files: 16 hex digits of a hash of every other file's path and
    /// bytes (see [`BuildId`]), empty until the writer has written them. Readers add it to
    /// the URL of every other file (`?v=…`), so no cache — the browser's, a CDN's, the
    /// service worker's — hands them a file of another build with this manifest.
    pub build: String,
    pub site: SiteInfo,
    pub post_count: u32,
    pub undated_count: u32,
    /// Oldest and newest post dates (RFC 3339), when any post is dated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_range: Option<(String, String)>,
    /// Number of categories in `categories.json` (the table itself is fetched when a view
    /// needs it: at 2,000 sources it would triple the manifest).
    pub category_count: u32,
    /// Number of tags in `tags.json`.
    pub tag_count: u32,
    /// Posts per month (`2021-12`), oldest first: the date browser, without the index.
    pub months: Vec<PeriodCount>,
    /// What the home page shows before anything else arrives.
    pub home: HomeSection,
    /// How the other files are cut.
    pub layout: Layout,
}

impl Manifest {
    /// Checks what a reader sizes its work by: `post_count` is where the index segments end
    /// (at most 2^29 posts). A damaged count would have a reader list billions of posts.
    pub fn check(&self) -> Result<(), ArchiveError> {
        let covered = self.layout.segments.last().map_or(0, |s| s.end);
        if self.post_count != covered || self.post_count > 1 << 29 {
            return Err(ArchiveError::Damaged {
                file: MANIFEST_FILE.to_string(),
                message: format!(
                    "post_count {} is not where its index segments end ({covered})",
                    self.post_count
                ),
            });
        }
        Ok(())
    }

    /// What a reader adds to `file`'s URL (`?v=…`) so that no cache pairs this manifest with
    /// another build's file: the version of the segment whose posts the file holds, when it
    /// has one, else the build. So a file of a segment that an update leaves as it was keeps
    /// its URL, and stays in the reader's cache.
    pub fn version_of(&self, file: &str) -> &str {
        if let Some(group) = file.strip_prefix("ids/").and_then(|r| r.split('/').next()) {
            return self
                .layout
                .id_versions
                .get(group)
                .filter(|v| !v.is_empty())
                .unwrap_or(&self.build);
        }
        if ListKey::of_path(file).is_some() && !self.layout.list_version.is_empty() {
            return &self.layout.list_version;
        }
        let Some(segment) = self.layout.segment_holding(file) else {
            return &self.build;
        };
        let own = |versions: &'_ [String], first: u32, prefix: &str| -> Option<usize> {
            let name = file.strip_prefix(prefix)?.split('.').next()?;
            let offset = name.parse::<u32>().ok()?.checked_sub(first)?;
            (versions.len() > offset as usize).then_some(offset as usize)
        };
        let size = self.layout.summary_group_size.max(1);
        if let Some(i) = own(&segment.group_versions, segment.first / size, "summaries/") {
            return &segment.group_versions[i];
        }
        if let Some(i) = own(&segment.chunk_versions, segment.first_chunk, "bodies/") {
            return &segment.chunk_versions[i];
        }
        if segment.version.is_empty() {
            &self.build
        } else {
            &segment.version
        }
    }
}

/// How many files of each kind the archive has, so the app can compute every path.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layout {
    /// Summaries per `summaries/NNNNN.json` file.
    pub summary_group_size: u32,
    /// Number of `bodies/NNNN.json` files.
    pub body_chunk_count: u32,
    /// The full-text index's segments, ascending by post number: each indexes the posts
    /// `first..end` in its own folder (`search/<first>-<end>/`), so that new posts add
    /// segments instead of changing every index file (see [`Segment`]).
    pub segments: Vec<Segment>,
    /// The id shards: for each group of ids (the month a Jekyll id starts with, `2022-02`,
    /// or `other`), how many shards it has (`ids/<group>/NNNN.json.gz`); an id lives in shard
    /// `search::shard_of(id, n)` of its group ([`Layout::id_shard_of`]).
    pub id_shards: BTreeMap<String, u32>,
    /// For each id group, a version of its shards (a hash of their paths and bytes) that
    /// readers put in their URLs instead of the build, so that the id shards of months an
    /// update adds nothing to stay in a returning reader's cache. Empty before the archive
    /// is written.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub id_versions: BTreeMap<String, String>,
    /// The version readers put in the URLs of `lists/categories/` and `lists/tags/` (a hash
    /// of those files' paths and bytes): they change only when segments merge, so a
    /// returning reader keeps them across ordinary updates. Empty before the archive is
    /// written.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub list_version: String,
}

impl Layout {
    /// The segment whose posts `file` (a path in the archive) holds only, if any: its index
    /// files, and the summary groups and body chunks of its posts.
    pub fn segment_holding(&self, file: &str) -> Option<&Segment> {
        match PostFilePath::of(file)? {
            PostFilePath::Segment { first } => self.segments.iter().find(|s| s.first == first),
            PostFilePath::SummaryGroup(group) => {
                // Segments start at multiples of the group size: a group's first post says.
                let first = group.checked_mul(self.summary_group_size)?;
                self.segments
                    .iter()
                    .find(|s| (s.first..s.end).contains(&first))
            }
            PostFilePath::Chunk(chunk) => self
                .segments
                .iter()
                .find(|s| (s.first_chunk..s.end_chunk).contains(&chunk)),
        }
    }

    /// The first post number whose category and tag lists are not in `lists/categories/`
    /// and `lists/tags/` but in their segment's list files: the first post of the first
    /// segment with list files (the small segments at the archive's end, which updates
    /// change), or the end of the last segment when none has any.
    pub fn list_split(&self) -> u32 {
        self.segments
            .iter()
            .find(|s| s.list_shards > 0)
            .or(self.segments.last())
            .map_or(0, |s| if s.list_shards > 0 { s.first } else { s.end })
    }

    /// The files that hold the post numbers of category or tag `index`: its list, then
    /// the list file of each segment above [`Layout::list_split`] where they would be.
    pub fn list_files(&self, list: ListKey) -> (String, Vec<SegmentListKey>) {
        let parts = self
            .segments
            .iter()
            .filter(|s| s.list_shards > 0)
            .map(|s| SegmentListKey {
                first: s.first,
                shard: list.index % s.list_shards,
            })
            .collect();
        (list.path(), parts)
    }

    /// Where post `id`'s number is, or `None` when the archive has no id of its group.
    pub fn id_shard_of(&self, id: &str) -> Option<IdShardKey> {
        let month = id_month(id);
        let count = *self.id_shards.get(&id_group_name(month))?;
        Some(IdShardKey {
            month,
            shard: crate::search::shard_of(id, count),
        })
    }
}

/// Which of the posts' own files a path in the archive names: a summary group, a body
/// chunk, or a file of the segment starting at post `first` (a search or position shard of
/// its index, a file of its lists). A segment's folders are named by its first post only,
/// so that the open segment, sealing and merging, rewrites the same paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostFilePath {
    SummaryGroup(u32),
    Chunk(u32),
    Segment { first: u32 },
}

impl PostFilePath {
    /// What `file` names, when it is one of the posts' own files.
    pub fn of(file: &str) -> Option<PostFilePath> {
        let number = |name: &str| -> Option<u32> { name.split('.').next()?.parse().ok() };
        if let Some(rest) = file
            .strip_prefix("search/")
            .or_else(|| file.strip_prefix("lists/segments/"))
        {
            let (first, _) = rest.split_once('/')?;
            return Some(PostFilePath::Segment {
                first: first.parse().ok()?,
            });
        }
        if let Some(rest) = file.strip_prefix("summaries/") {
            return number(rest).map(PostFilePath::SummaryGroup);
        }
        if let Some(rest) = file.strip_prefix("bodies/") {
            return number(rest).map(PostFilePath::Chunk);
        }
        None
    }
}

/// One segment of the archive: the posts numbered `first..end`. Their full-text index is the
/// segment's own: a term's postings in the archive are its postings in every segment, in
/// segment order. Within a segment a term lives in shard `search::shard_of(term, shards)` of
/// `search/<first>-<end>/NNNN.bin.gz`, and a pair term's positions in shard
/// `search::shard_of(term, position_shards)` of `search/<first>-<end>/positions/NNNN.bin.gz`.
/// Their summaries and bodies are the summary groups from `first / summary_group_size` and
/// the body chunks `first_chunk..end_chunk`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub first: u32,
    pub end: u32,
    pub shards: u32,
    pub position_shards: u32,
    pub first_chunk: u32,
    pub end_chunk: u32,
    /// 16 hex digits naming the bytes of the segment's files (its index, summary groups and
    /// body chunks), as [`Manifest::build`] names the whole archive's: readers put it in
    /// those files' URLs instead of the build, so a reader's cache keeps a segment's files
    /// until the segment changes (issue 18). Empty before the archive is written.
    pub version: String,
    /// For the open segment (the last, of fewer than [`SEGMENT_POSTS`] posts), which every
    /// update rewrites: each of its summary groups' and body chunks' own version (a hash of
    /// its path and bytes), in order from its first group and `first_chunk`, so that the
    /// groups and chunks an update leaves as they were keep their URLs. Empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub group_versions: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub chunk_versions: Vec<String>,
    /// How many list files (`lists/segments/<first>/NNNN.json.gz`) hold the category and tag
    /// lists of this segment's posts: nonzero for the segments above [`Layout::list_split`]
    /// (those of fewer than [`SEGMENT_POSTS`] * 8 posts), whose posts the lists of
    /// `lists/categories/` and `lists/tags/` leave out.
    #[serde(default)]
    pub list_shards: u32,
}

impl Segment {
    /// The index of posts `first..end` in `shards` search shards and `position_shards`
    /// position shards, before the builder adds its body chunks, version and lists.
    pub fn of_index(first: u32, end: u32, shards: u32, position_shards: u32) -> Segment {
        Segment {
            first,
            end,
            shards,
            position_shards,
            ..Segment::default()
        }
    }

    /// The search shard of this segment where `term` lives (`None` when it has no shards).
    pub fn search_shard_of(&self, term: &str) -> Option<IndexShardKey> {
        self.key(term, self.shards)
    }

    /// The position shard of this segment where pair `term`'s positions live.
    pub fn position_shard_of(&self, term: &str) -> Option<IndexShardKey> {
        self.key(term, self.position_shards)
    }

    fn key(&self, term: &str, count: u32) -> Option<IndexShardKey> {
        (count > 0).then(|| IndexShardKey {
            first: self.first,
            end: self.end,
            shard: crate::search::shard_of(term, count),
        })
    }
}

/// Which search or position shard: its segment's post numbers and its number in the segment
/// (enough to name the file without the manifest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IndexShardKey {
    pub first: u32,
    pub end: u32,
    pub shard: u32,
}

/// Which id shard: the id's month as `year * 100 + month` (0 for ids that do not start with
/// a date) and the shard within that month's group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IdShardKey {
    pub month: u32,
    pub shard: u32,
}

/// The month a Jekyll post id starts with (`2022-02-24-slug` → 202202), or 0. Ids are grouped
/// by it so that a new month's posts add id files instead of changing every old one.
pub fn id_month(id: &str) -> u32 {
    let b = id.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        b.get(range.clone())
            .filter(|d| d.iter().all(u8::is_ascii_digit))
            .map(|d| d.iter().fold(0u32, |n, &d| n * 10 + u32::from(d - b'0')))
    };
    let dated = b.len() > 11 && b[4] == b'-' && b[7] == b'-' && b[10] == b'-';
    match (dated, digits(0..4), digits(5..7), digits(8..10)) {
        (true, Some(year), Some(month @ 1..=12), Some(1..=31)) => year * 100 + month,
        _ => 0,
    }
}

/// The name of an id group: `2022-02`, or `other` for month 0.
pub fn id_group_name(month: u32) -> String {
    match month {
        0 => "other".to_string(),
        m => format!("{:04}-{:02}", m / 100, m % 100),
    }
}

/// How many posts a calendar period holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodCount {
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub period: String,
    pub count: u32,
}

/// What the home page shows, embedded in the manifest so the first screen needs one file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeSection {
    /// The newest posts of the whole archive. Home summaries carry no excerpt: the home
    /// page shows titles only.
    pub newest: Vec<PostSummary>,
    /// For the busiest categories: their latest posts (the original finews home showed five).
    pub categories: Vec<CategoryLatest>,
    /// The categories the home page names (the busiest, and those of the newest posts), by
    /// index into `categories.json`: enough to draw the home page without that table.
    pub sources: BTreeMap<u32, CategoryInfo>,
}

/// One category's latest posts on the home page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryLatest {
    /// Index into `categories.json` (and [`HomeSection::sources`]).
    pub category: u32,
    pub posts: Vec<PostSummary>,
}

/// `categories.json`: every category, in the order their first posts are numbered (so a
/// category's position never changes when newer posts arrive). Posts, lists and the home
/// page refer to them by position; people see them [`busiest_first`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryTable {
    pub schema_version: u32,
    pub categories: Vec<CategoryInfo>,
}

/// `tags.json`: every tag, in the order their first posts are numbered, referred to by
/// position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagTable {
    pub schema_version: u32,
    pub tags: Vec<TagInfo>,
}

/// `summaries/NNNNN.json`: the summaries of post numbers `first_number ..` (a group of
/// [`Layout::summary_group_size`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryGroup {
    pub schema_version: u32,
    pub first_number: u32,
    pub posts: Vec<PostSummary>,
}

/// Checks that a table (`categories.json.gz`, `tags.json.gz`) holds the entries the manifest
/// counts (a reader would wait for the ones it lacks for ever).
pub fn check_count(file: &str, found: usize, expected: u32) -> Result<(), ArchiveError> {
    if found == expected as usize {
        return Ok(());
    }
    Err(ArchiveError::Damaged {
        file: file.to_string(),
        message: format!("it holds {found} entries, the manifest says {expected}"),
    })
}

impl SummaryGroup {
    /// Checks that group `group` of the archive `manifest` describes holds the posts the
    /// manifest says it does (a reader looks its rows up by place: a short group would
    /// leave the posts it lacks "loading" for ever).
    pub fn check(&self, file: &str, group: u32, manifest: &Manifest) -> Result<(), ArchiveError> {
        let size = manifest.layout.summary_group_size.max(1);
        let first = group.saturating_mul(size);
        let expected = manifest.post_count.saturating_sub(first).min(size) as usize;
        if self.first_number != first || self.posts.len() != expected {
            return Err(ArchiveError::Damaged {
                file: file.to_string(),
                message: format!(
                    "it holds {} posts from number {}, the manifest says {expected} from {first}",
                    self.posts.len(),
                    self.first_number
                ),
            });
        }
        Ok(())
    }
}

/// The order in which categories (or tags) are shown to people: by descending post count,
/// then by id or name. `(count, name)` of each.
pub fn busiest_first(a: (u32, &str), b: (u32, &str)) -> std::cmp::Ordering {
    b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1))
}

/// Post numbers and ordinals. Files name posts by **number**: their position oldest first,
/// so that new posts take new numbers and the files holding older ones never change (issue
/// 18). Views show posts newest first, by **ordinal**: `post_count - 1 - number`. Both are
/// below `post_count`; the same function turns either into the other.
pub fn flip(post_count: u32, number_or_ordinal: u32) -> Option<u32> {
    post_count.checked_sub(1)?.checked_sub(number_or_ordinal)
}

/// A category's or a tag's post list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ListKey {
    pub kind: ListKind,
    /// The category's or tag's position in its table.
    pub index: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ListKind {
    Category,
    Tag,
}

impl ListKey {
    pub fn category(index: u32) -> Self {
        ListKey {
            kind: ListKind::Category,
            index,
        }
    }

    pub fn tag(index: u32) -> Self {
        ListKey {
            kind: ListKind::Tag,
            index,
        }
    }

    /// Its file of the posts below [`Layout::list_split`].
    pub fn path(self) -> String {
        match self.kind {
            ListKind::Category => category_list_path(self.index),
            ListKind::Tag => tag_list_path(self.index),
        }
    }

    /// The list whose own file is at `path` (the inverse of [`ListKey::path`]).
    pub fn of_path(path: &str) -> Option<ListKey> {
        let index = |rest: &str| -> Option<u32> { rest.strip_suffix(".json.gz")?.parse().ok() };
        if let Some(rest) = path.strip_prefix("lists/categories/") {
            return index(rest).map(ListKey::category);
        }
        index(path.strip_prefix("lists/tags/")?).map(ListKey::tag)
    }

    /// Its post numbers, ascending: those of its own file, then those each segment list
    /// file of [`Layout::list_files`] holds for it (numbers out of order or out of their
    /// segment, which only a damaged file has, are left out).
    pub fn numbers(self, base: &PostList, parts: &[SegmentLists]) -> Vec<u32> {
        let mut numbers = base.numbers();
        for part in parts {
            let map = match self.kind {
                ListKind::Category => &part.categories,
                ListKind::Tag => &part.tags,
            };
            let Some(gaps) = map.get(&self.index) else {
                continue;
            };
            let mut number = part.first;
            for gap in gaps {
                number = number.saturating_add(*gap);
                if numbers.last().is_none_or(|&last| number > last) {
                    numbers.push(number);
                }
            }
        }
        numbers
    }

    /// Its [`ListKey::numbers`] as ordinals (newest first) of an archive of `post_count`
    /// posts, leaving out numbers beyond it.
    pub fn ordinals(self, base: &PostList, parts: &[SegmentLists], post_count: u32) -> Vec<u32> {
        into_ordinal_order(self.numbers(base, parts), post_count, |number| number)
    }
}

/// Which segment list file: its segment's first post and its shard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SegmentListKey {
    pub first: u32,
    pub shard: u32,
}

/// Path of segment list file `key`.
pub fn segment_list_path(key: SegmentListKey) -> String {
    format!("lists/segments/{}/{:04}.json.gz", key.first, key.shard)
}

/// `lists/segments/<first>/NNNN.json.gz`: the category and tag lists of one segment's posts
/// (of a segment above [`Layout::list_split`]), for the categories and tags whose position
/// is `NNNN` modulo the segment's [`Segment::list_shards`]: position → the post numbers,
/// ascending, gap-encoded from `first` (the first gap is the first number minus `first`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentLists {
    pub schema_version: u32,
    pub first: u32,
    pub categories: BTreeMap<u32, Vec<u32>>,
    pub tags: BTreeMap<u32, Vec<u32>>,
}

/// `lists/categories/N.json` and `lists/tags/N.json`: the post numbers of one category's or
/// tag's posts, ascending (so oldest first), gap-encoded: each number is the difference from
/// the previous one (the first is the number itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostList {
    pub schema_version: u32,
    pub gaps: Vec<u32>,
}

impl PostList {
    /// Gap-encodes ascending post numbers.
    pub fn from_numbers(numbers: &[u32]) -> Self {
        let mut previous = 0;
        PostList {
            schema_version: SCHEMA_VERSION,
            gaps: numbers
                .iter()
                .map(|&n| {
                    let gap = n - previous;
                    previous = n;
                    gap
                })
                .collect(),
        }
    }

    /// The post numbers, ascending (a repeat, which only a damaged file has, once).
    pub fn numbers(&self) -> Vec<u32> {
        let mut number = 0u32;
        let mut numbers: Vec<u32> = Vec::new();
        for gap in &self.gaps {
            number = number.saturating_add(*gap);
            if numbers.last() != Some(&number) {
                numbers.push(number);
            }
        }
        numbers
    }

    /// The posts' ordinals, ascending (newest first); numbers a damaged file holds beyond
    /// `post_count` are left out.
    pub fn ordinals(&self, post_count: u32) -> Vec<u32> {
        into_ordinal_order(self.numbers(), post_count, |number| number)
    }
}

/// Items ascending by post number made ascending by ordinal: each item's number (the field
/// `number_of` points to) becomes its ordinal, items naming a post beyond `post_count` (a
/// damaged file) are left out, and repeats are dropped.
pub fn into_ordinal_order<T>(
    mut items: Vec<T>,
    post_count: u32,
    number_of: impl Fn(&mut T) -> &mut u32,
) -> Vec<T> {
    items.retain_mut(|item| {
        let number = number_of(item);
        match flip(post_count, *number) {
            Some(ordinal) => {
                *number = ordinal;
                true
            }
            None => false,
        }
    });
    items.reverse();
    items.dedup_by(|a, b| *number_of(a) == *number_of(b));
    items
}

/// `ids/<group>/NNNN.json`: post id → post number, for the ids of one group (their month)
/// whose hash falls in this shard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdShard {
    pub schema_version: u32,
    pub ids: BTreeMap<String, u32>,
}

/// `days.json`: how many posts each local day holds, in ordinal order (newest day first), so
/// a date range maps to an ordinal range and a histogram needs no summaries. Stored as runs
/// of consecutive days (see [`DaysFile`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "DaysFile", try_from = "DaysFile")]
pub struct Days {
    pub schema_version: u32,
    /// `(YYYY-MM-DD, count)`, days with posts only; undated posts come after all of them.
    pub days: Vec<PeriodCount>,
}

/// `days.json` as stored: `{"schema_version": 3, "runs": [["2023-05-31", 121, 118, …], …]}`.
/// Each run is a day followed by the post counts of that day and of each day before it, for
/// as long as every day has posts. Every search loads this file (for its timeline), and a
/// daily news archive is one long run: about 4 bytes a day, where one
/// `{"period": …, "count": …}` object per day took 36.
#[derive(Serialize, Deserialize)]
struct DaysFile {
    schema_version: u32,
    runs: Vec<DayRun>,
}

/// One run of [`DaysFile`]: its newest day and the counts from that day backwards.
struct DayRun {
    newest: String,
    counts: Vec<u32>,
}

impl From<Days> for DaysFile {
    fn from(days: Days) -> Self {
        let mut runs: Vec<DayRun> = Vec::new();
        let mut previous: Option<i64> = None;
        for day in days.days {
            let number = crate::dates::day_number(&day.period);
            match (runs.last_mut(), previous, number) {
                (Some(run), Some(previous), Some(number)) if number == previous - 1 => {
                    run.counts.push(day.count);
                }
                _ => runs.push(DayRun {
                    newest: day.period,
                    counts: vec![day.count],
                }),
            }
            previous = number;
        }
        DaysFile {
            schema_version: days.schema_version,
            runs,
        }
    }
}

impl TryFrom<DaysFile> for Days {
    type Error = String;

    fn try_from(file: DaysFile) -> Result<Self, String> {
        // Years 0 to 9999 hold 3,652,425 days: a damaged file claiming more (a run of 30
        // million days is 60 KB of gzip) is refused before its days are written out.
        const MOST_DAYS: usize = 3_652_425;
        let claimed = file
            .runs
            .iter()
            .fold(0usize, |all, run| all.saturating_add(run.counts.len()));
        if claimed > MOST_DAYS {
            return Err(format!("{claimed} days, more than years 0 to 9999 hold"));
        }
        let mut days = Vec::with_capacity(claimed);
        for run in file.runs {
            let newest = crate::dates::day_number(&run.newest)
                .ok_or_else(|| format!("{:?} is not a YYYY-MM-DD date", run.newest))?;
            days.extend(
                run.counts
                    .iter()
                    .enumerate()
                    .map(|(back, &count)| PeriodCount {
                        period: crate::dates::day_string(newest - back as i64),
                        count,
                    }),
            );
        }
        Ok(Days {
            schema_version: file.schema_version,
            days,
        })
    }
}

impl Serialize for DayRun {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(Some(1 + self.counts.len()))?;
        seq.serialize_element(&self.newest)?;
        for count in &self.counts {
            seq.serialize_element(count)?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for DayRun {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RunVisitor;
        impl<'de> serde::de::Visitor<'de> for RunVisitor {
            type Value = DayRun;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a day followed by post counts, [\"YYYY-MM-DD\", n, …]")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<DayRun, A::Error> {
                let newest: String = seq
                    .next_element()?
                    .ok_or_else(|| serde::de::Error::invalid_length(0, &self))?;
                let mut counts = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(count) = seq.next_element()? {
                    counts.push(count);
                }
                if counts.is_empty() {
                    return Err(serde::de::Error::invalid_length(1, &self));
                }
                Ok(DayRun { newest, counts })
            }
        }
        deserializer.deserialize_seq(RunVisitor)
    }
}

/// `search/NNNN.bin.gz`: terms → postings (see [`EncodedPostings`]), in a binary layout (see
/// [`SearchShard::write`]): postings are bytes, which JSON could only hold as Base64 text,
/// a third larger and barely compressible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchShard {
    pub schema_version: u32,
    pub terms: BTreeMap<String, EncodedPostings>,
}

/// The first bytes of a search shard.
pub const SEARCH_SHARD_MAGIC: &[u8; 4] = b"GZIX";
/// The first bytes of a position shard.
pub const POSITION_SHARD_MAGIC: &[u8; 4] = b"GZPS";

impl SearchShard {
    /// Appends the shard's bytes to `out`: [`SEARCH_SHARD_MAGIC`], then LEB128 varints: the
    /// schema version, the term count, and per term (in byte order) its length, its UTF-8
    /// bytes, its postings' length and the postings.
    pub fn write(&self, out: &mut Vec<u8>) {
        write_terms(
            out,
            SEARCH_SHARD_MAGIC,
            self.schema_version,
            self.terms.iter().map(|(t, p)| (t.as_bytes(), p.as_bytes())),
        );
    }

    /// Reads a shard written by [`SearchShard::write`] (not compressed), checking the magic
    /// and the version first, then every length against what is left.
    pub fn read(file: &str, bytes: &[u8]) -> Result<SearchShard, ArchiveError> {
        let mut terms = BTreeMap::new();
        read_terms(file, bytes, SEARCH_SHARD_MAGIC, |term, value| {
            let postings = EncodedPostings::from_bytes(value.to_vec())
                .ok_or("postings end inside a number")?;
            terms.insert(term.to_owned(), postings);
            Ok(())
        })?;
        Ok(SearchShard {
            schema_version: SCHEMA_VERSION,
            terms,
        })
    }
}

/// `search/positions/NNNN.bin.gz`: pair terms → their positions (see [`PositionLists`]), in
/// the layout of a [`SearchShard`] under its own magic ([`POSITION_SHARD_MAGIC`]). Only
/// queries with a part of three units or more fetch them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PositionShard {
    pub schema_version: u32,
    pub terms: BTreeMap<String, PositionLists>,
}

impl PositionShard {
    /// Appends the shard's bytes to `out` (see [`SearchShard::write`]).
    pub fn write(&self, out: &mut Vec<u8>) {
        write_terms(
            out,
            POSITION_SHARD_MAGIC,
            self.schema_version,
            self.terms.iter().map(|(t, p)| (t.as_bytes(), p.as_bytes())),
        );
    }

    /// Reads a shard written by [`PositionShard::write`] (not compressed). The lists
    /// themselves are checked as a query reads them.
    pub fn read(file: &str, bytes: &[u8]) -> Result<PositionShard, ArchiveError> {
        let mut terms = BTreeMap::new();
        read_terms(file, bytes, POSITION_SHARD_MAGIC, |term, value| {
            terms.insert(term.to_owned(), PositionLists::from_bytes(value.to_vec()));
            Ok(())
        })?;
        Ok(PositionShard {
            schema_version: SCHEMA_VERSION,
            terms,
        })
    }
}

/// The binary layout of [`SearchShard`] and [`PositionShard`]: `magic`, then LEB128 varints:
/// the version, the term count, and per term its length, its UTF-8 bytes, its value's length
/// and the value.
pub fn write_terms<'a>(
    out: &mut Vec<u8>,
    magic: &[u8; 4],
    version: u32,
    terms: impl ExactSizeIterator<Item = (&'a [u8], &'a [u8])>,
) {
    out.extend_from_slice(magic);
    push_varint(out, u64::from(version));
    push_varint(out, terms.len() as u64);
    for (term, value) in terms {
        push_varint(out, term.len() as u64);
        out.extend_from_slice(term);
        push_varint(out, value.len() as u64);
        out.extend_from_slice(value);
    }
}

/// Reads what [`write_terms`] wrote, handing each term and value to `add` (which may reject
/// a value with a message) as slices of `bytes`: the shards' readers copy what they keep,
/// and the builder's merge of index blocks sizes them without copying.
pub fn read_terms<'a>(
    file: &str,
    bytes: &'a [u8],
    magic: &[u8; 4],
    mut add: impl FnMut(&'a str, &'a [u8]) -> Result<(), &'static str>,
) -> Result<(), ArchiveError> {
    let malformed = |message: &str| ArchiveError::Damaged {
        file: file.to_string(),
        message: message.to_string(),
    };
    let mut rest = bytes
        .strip_prefix(magic)
        .ok_or_else(|| ArchiveError::NotAnArchive {
            file: file.to_string(),
        })?;
    let number = |rest: &mut &[u8]| -> Result<u64, ArchiveError> {
        read_varint(rest).ok_or_else(|| malformed("a number is cut off or too long"))
    };
    let version = number(&mut rest)?;
    // Versions are small numbers: a huge one is damage after the magic, not another version.
    if version > 1_000 {
        return Err(malformed(&format!(
            "its version number ({version}) is not one"
        )));
    }
    if version != u64::from(SCHEMA_VERSION) {
        return Err(ArchiveError::WrongVersion {
            file: file.to_string(),
            found: u32::try_from(version).unwrap_or(u32::MAX),
            expected: SCHEMA_VERSION,
        });
    }
    let count = number(&mut rest)?;
    let take = |rest: &mut &'a [u8], what: &str| -> Result<&'a [u8], ArchiveError> {
        let length = usize::try_from(number(rest)?).unwrap_or(usize::MAX);
        if length > rest.len() {
            return Err(malformed(&format!(
                "a {what} runs past the end of the file"
            )));
        }
        let (taken, left) = rest.split_at(length);
        *rest = left;
        Ok(taken)
    };
    for _ in 0..count {
        let term = std::str::from_utf8(take(&mut rest, "term")?)
            .map_err(|_| malformed("a term is not UTF-8"))?;
        let value = take(&mut rest, "value")?;
        add(term, value).map_err(malformed)?;
    }
    if !rest.is_empty() {
        return Err(malformed("bytes follow the last term"));
    }
    Ok(())
}

/// Reads a search shard as fetched or read: gzip or not (see [`stored_contents`]).
pub fn decode_search_shard(file: &str, bytes: &[u8]) -> Result<SearchShard, ArchiveError> {
    SearchShard::read(file, &stored_contents(file, bytes)?)
}

/// Reads a position shard as fetched or read: gzip or not (see [`stored_contents`]).
pub fn decode_position_shard(file: &str, bytes: &[u8]) -> Result<PositionShard, ArchiveError> {
    PositionShard::read(file, &stored_contents(file, bytes)?)
}

/// `bodies/NNNN.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BodyChunk {
    pub schema_version: u32,
    pub bodies: Vec<PostBody>,
}

/// One post's sanitized HTML. (Its neighbours in its category come from the category's
/// list: a body chunk holds nothing that a newer post could change.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostBody {
    pub id: String,
    pub html: String,
}

/// Path of body chunk `number`, relative to the archive folder.
pub fn chunk_path(number: u32) -> String {
    format!("bodies/{number:04}.json.gz")
}

/// Path of the summary group holding `ordinal`.
pub fn summary_group_path(group: u32) -> String {
    format!("summaries/{group:05}.json.gz")
}

/// Path of category `index`'s ordinal list.
pub fn category_list_path(index: u32) -> String {
    format!("lists/categories/{index}.json.gz")
}

/// Path of tag `index`'s ordinal list.
pub fn tag_list_path(index: u32) -> String {
    format!("lists/tags/{index}.json.gz")
}

/// Path of search shard `key`.
pub fn search_shard_path(key: IndexShardKey) -> String {
    format!("search/{}/{:04}.bin.gz", key.first, key.shard)
}

/// Path of position shard `key`.
pub fn position_shard_path(key: IndexShardKey) -> String {
    format!("search/{}/positions/{:04}.bin.gz", key.first, key.shard)
}

/// Path of id shard `key`.
pub fn id_shard_path(key: IdShardKey) -> String {
    format!("ids/{}/{:04}.json.gz", id_group_name(key.month), key.shard)
}

/// Why an archive file could not be read.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ArchiveError {
    #[error("{file} is not valid JSON: {message}")]
    Malformed { file: String, message: String },
    /// A file that reads (valid JSON, or a binary index file's layout) but says something
    /// impossible, or a binary file whose layout is broken.
    #[error("{file} is damaged: {message}")]
    Damaged { file: String, message: String },
    #[error("{file} has schema_version {found}; this Gazette reads version {expected}")]
    WrongVersion {
        file: String,
        found: u32,
        expected: u32,
    },
    #[error("{file} has no schema_version: it is not a Gazette archive file")]
    NotAnArchive { file: String },
    /// What came is a web page: the host answered for a file it does not have (a missing
    /// archive, or a host that serves its own page for every unknown path).
    #[error(
        "{file} came as a web page (HTML), not as the archive file: the server does not have \
         it (is the archive deployed in `archive/` next to index.html?)"
    )]
    WebPage { file: String },
    #[error("{file} is not a valid gzip file: {message}")]
    Compressed { file: String, message: String },
    #[error("{file} decodes to more than {} MB, more than any archive file holds", MAX_DECODED_BYTES >> 20)]
    TooLarge { file: String },
}

#[derive(Deserialize)]
struct VersionProbe {
    schema_version: Option<u32>,
}

/// Decodes an archive file, checking its `schema_version` first so that an archive from
/// another Gazette version gets a message about versions, not about a missing field.
pub fn decode<T: for<'de> Deserialize<'de>>(file: &str, json: &str) -> Result<T, ArchiveError> {
    let malformed = |e: serde_json::Error| ArchiveError::Malformed {
        file: file.to_string(),
        message: e.to_string(),
    };
    let probe: VersionProbe = serde_json::from_str(json).map_err(malformed)?;
    match probe.schema_version {
        None => Err(ArchiveError::NotAnArchive {
            file: file.to_string(),
        }),
        Some(found) if found != SCHEMA_VERSION => Err(ArchiveError::WrongVersion {
            file: file.to_string(),
            found,
            expected: SCHEMA_VERSION,
        }),
        Some(_) => serde_json::from_str(json).map_err(malformed),
    }
}

/// Whether `bytes` start like a gzip file (RFC 1952's magic bytes). JSON never does, so a
/// reader can accept a file either way: as stored, or already decoded by a server that
/// sent a stored `.gz` with `Content-Encoding: gzip`, or replaced by plain JSON.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// Decodes the gzip file `bytes` (a single member, as the builder writes; checksum and
/// length checked), refusing to decode more than [`MAX_DECODED_BYTES`]. miniz_oxide's raw
/// inflate under a short header parser: the decoder costs the app about 18 KB of wasm (9 KB
/// gzip), where `flate2`'s gzip reader, with crc32fast's tables, cost 46 KB (31 KB gzip).
pub fn inflate(file: &str, bytes: &[u8]) -> Result<Vec<u8>, ArchiveError> {
    inflate_with_limit(file, bytes, MAX_DECODED_BYTES)
}

fn inflate_with_limit(file: &str, bytes: &[u8], limit: usize) -> Result<Vec<u8>, ArchiveError> {
    let damaged = |message: String| ArchiveError::Compressed {
        file: file.to_string(),
        message,
    };
    let (deflated, crc, size) = gzip_member(bytes).map_err(|e| damaged(e.into()))?;
    // The size the file claims (modulo 4 GiB), trusted only as far as deflate's best ratio
    // (about 1032:1) and the limit allow: it sizes the output buffer.
    let capacity = (size as usize)
        .min(deflated.len().saturating_mul(1032))
        .min(limit);
    let mut out = Vec::with_capacity(capacity);
    let mut state = miniz_oxide::inflate::stream::InflateState::new(miniz_oxide::DataFormat::Raw);
    let mut input = deflated;
    let mut buffer = vec![0; 64 << 10];
    loop {
        let result = miniz_oxide::inflate::stream::inflate(
            &mut state,
            input,
            &mut buffer,
            miniz_oxide::MZFlush::None,
        );
        input = &input[result.bytes_consumed..];
        out.extend_from_slice(&buffer[..result.bytes_written]);
        if out.len() > limit {
            return Err(ArchiveError::TooLarge {
                file: file.to_string(),
            });
        }
        match result.status {
            Ok(miniz_oxide::MZStatus::StreamEnd) => break,
            Ok(_) if result.bytes_consumed + result.bytes_written > 0 => {}
            Ok(_) | Err(miniz_oxide::MZError::Buf) => {
                return Err(damaged("the compressed data ends too early".into()))
            }
            Err(error) => return Err(damaged(format!("invalid deflate data ({error:?})"))),
        }
    }
    // One 1 KB table (crc32fast's sixteen cost the app 18 KB of wasm).
    const CRC_32: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);
    if out.len() as u32 != size || CRC_32.checksum(&out) != crc {
        return Err(damaged(
            "its checksum or length does not match its contents".into(),
        ));
    }
    Ok(out)
}

/// The deflate data, CRC-32 and size (modulo 4 GiB) of a gzip file holding one member
/// (RFC 1952), with the header's optional fields skipped.
fn gzip_member(bytes: &[u8]) -> Result<(&[u8], u32, u32), &'static str> {
    const FHCRC: u8 = 2;
    const FEXTRA: u8 = 4;
    const FNAME: u8 = 8;
    const FCOMMENT: u8 = 16;
    let too_short = "the file ends inside its header";
    if bytes.len() < 18 {
        return Err(too_short);
    }
    if !is_gzip(bytes) || bytes[2] != 8 {
        return Err("not a deflate-compressed gzip file");
    }
    let flags = bytes[3];
    if flags & 0xe0 != 0 {
        return Err("reserved header flags are set");
    }
    let (body, trailer) = bytes.split_at(bytes.len() - 8);
    let mut at = 10;
    if flags & FEXTRA != 0 {
        let length = body.get(at..at + 2).ok_or(too_short)?;
        at += 2 + usize::from(u16::from_le_bytes([length[0], length[1]]));
    }
    for flag in [FNAME, FCOMMENT] {
        if flags & flag != 0 {
            let rest = body.get(at..).ok_or(too_short)?;
            at += memchr::memchr(0, rest).ok_or(too_short)? + 1;
        }
    }
    if flags & FHCRC != 0 {
        at += 2;
    }
    let deflated = body.get(at..).ok_or(too_short)?;
    let word = |i: usize| u32::from_le_bytes(trailer[i..i + 4].try_into().expect("four bytes"));
    Ok((deflated, word(0), word(4)))
}

/// The contents of an archive file from its bytes as fetched or read: decoded when they are
/// gzip (see [`is_gzip`]), as they are otherwise.
pub fn stored_contents<'a>(
    file: &str,
    bytes: &'a [u8],
) -> Result<std::borrow::Cow<'a, [u8]>, ArchiveError> {
    if is_gzip(bytes) {
        return Ok(std::borrow::Cow::Owned(inflate(file, bytes)?));
    }
    // No archive file starts with `<` (JSON starts with `{`, index files with their magic):
    // a page in its place is the host's answer for a file it does not have.
    let start = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if start.trim_ascii_start().starts_with(b"<") {
        return Err(ArchiveError::WebPage {
            file: file.to_string(),
        });
    }
    Ok(std::borrow::Cow::Borrowed(bytes))
}

/// Decodes a JSON archive file from its bytes as fetched or read (see [`stored_contents`]),
/// then as [`decode`] does.
pub fn decode_bytes<T: for<'de> Deserialize<'de>>(
    file: &str,
    bytes: &[u8],
) -> Result<T, ArchiveError> {
    let json = stored_contents(file, bytes)?;
    let text = std::str::from_utf8(&json).map_err(|e| ArchiveError::Malformed {
        file: file.to_string(),
        message: format!("not UTF-8 text ({e})"),
    })?;
    decode(file, text)
}

/// Whether the file at this archive path is stored gzip-compressed.
pub fn is_compressed_path(path: &str) -> bool {
    path.ends_with(COMPRESSED_EXTENSION)
}

/// One segment of the full-text index, in memory: the shards of [`Segment`] `first..end`.
#[cfg(test)]
mod tests {
    use super::*;

    fn days(list: &[(&str, u32)]) -> Days {
        Days {
            schema_version: SCHEMA_VERSION,
            days: list
                .iter()
                .map(|&(period, count)| PeriodCount {
                    period: period.into(),
                    count,
                })
                .collect(),
        }
    }

    #[test]
    fn days_are_stored_as_runs_of_consecutive_days() {
        let original = days(&[
            ("2024-03-01", 5),
            ("2024-02-29", 7),
            ("2024-02-28", 1),
            ("2024-02-20", 2),
            ("2023-12-31", 3),
        ]);
        let json = serde_json::to_string(&original).unwrap();
        assert_eq!(
            json,
            format!(
                r#"{{"schema_version":{SCHEMA_VERSION},"runs":[["2024-03-01",5,7,1],["2024-02-20",2],["2023-12-31",3]]}}"#
            )
        );
        assert_eq!(decode::<Days>("days.json", &json).unwrap(), original);
        let empty = days(&[]);
        let json = serde_json::to_string(&empty).unwrap();
        assert_eq!(decode::<Days>("days.json", &json).unwrap(), empty);
    }

    #[test]
    fn damaged_day_runs_are_malformed() {
        for runs in [
            r#""runs":[["2024-02-30",1]]"#,
            r#""runs":[["2024-02-01"]]"#,
            r#""runs":[[]]"#,
            r#""runs":[["2024-02-01",-1]]"#,
            r#""days":[]"#,
        ] {
            let json = format!(r#"{{"schema_version":{SCHEMA_VERSION},{runs}}}"#);
            assert!(
                matches!(
                    decode::<Days>("days.json", &json),
                    Err(ArchiveError::Malformed { .. })
                ),
                "{json}"
            );
        }
    }

    #[test]
    fn a_future_version_is_refused_with_a_version_message() {
        let error =
            decode::<Days>("days.json", r#"{"schema_version": 99, "days": []}"#).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("days.json has schema_version 99; this Gazette reads version {SCHEMA_VERSION}")
        );
    }

    #[test]
    fn ids_are_grouped_by_the_month_they_start_with() {
        assert_eq!(id_month("2022-02-24-202202242288124890"), 202202);
        assert_eq!(id_month("2021-12-01-init"), 202112);
        for other in [
            "-202205262391921712",
            "2022-13-01-x",
            "2022-02-24",
            "init",
            "2022-02-2x-a",
            "２０２２-02-24-x",
        ] {
            assert_eq!(id_month(other), 0, "{other}");
        }
        assert_eq!(id_group_name(202202), "2022-02");
        assert_eq!(id_group_name(0), "other");
        let layout = Layout {
            id_shards: [("2022-02".to_string(), 4)].into_iter().collect(),
            ..Layout::default()
        };
        let key = layout.id_shard_of("2022-02-24-a").unwrap();
        assert_eq!(key.month, 202202);
        assert!(key.shard < 4);
        assert_eq!(
            id_shard_path(key),
            format!("ids/2022-02/{:04}.json.gz", key.shard)
        );
        assert_eq!(
            layout.id_shard_of("2022-03-01-a"),
            None,
            "no id of that month"
        );
        assert_eq!(layout.id_shard_of("init"), None);
    }

    #[test]
    fn post_lists_round_trip_through_gaps() {
        let list = PostList::from_numbers(&[3, 4, 10, 200]);
        assert_eq!(list.gaps, [3, 1, 6, 190]);
        assert_eq!(list.numbers(), [3, 4, 10, 200]);
        // 201 posts: number 200 is the newest (ordinal 0), number 3 ordinal 197.
        assert_eq!(list.ordinals(201), [0, 190, 196, 197]);
        // A damaged list naming posts the archive does not have loses only those.
        assert_eq!(list.ordinals(11), [0, 6, 7]);
        assert_eq!(flip(0, 0), None);
    }

    /// More days than years 0 to 9999 hold (a run of 30 million days is 60 KB of gzip) are
    /// refused before they are written out.
    #[test]
    fn days_past_ten_thousand_years_are_refused() {
        let run = |days: usize| {
            format!(
                r#"{{"schema_version":{SCHEMA_VERSION},"runs":[["9999-12-31"{}]]}}"#,
                ",0".repeat(days)
            )
        };
        assert!(decode::<Days>("days.json", &run(3)).is_ok());
        let error = decode::<Days>("days.json", &run(3_652_426)).unwrap_err();
        assert!(
            error.to_string().contains("more than years 0 to 9999"),
            "{error}"
        );
    }

    #[test]
    fn truncated_json_is_malformed() {
        let error = decode::<Days>("days.json", r#"{"schema_version": 1, "da"#).unwrap_err();
        assert!(matches!(error, ArchiveError::Malformed { .. }), "{error:?}");
    }

    #[test]
    fn json_without_a_version_is_not_an_archive() {
        let error = decode::<Days>("days.json", r#"{"days": []}"#).unwrap_err();
        assert_eq!(
            error,
            ArchiveError::NotAnArchive {
                file: "days.json".into()
            }
        );
    }

    #[test]
    fn a_list_is_its_own_file_then_its_part_of_each_newest_segment() {
        let segment = |first, end, list_shards| Segment {
            first,
            end,
            list_shards,
            ..Segment::default()
        };
        let mut layout = Layout {
            segments: vec![
                segment(0, 32768, 0),
                segment(32768, 36864, 4),
                segment(36864, 37000, 1),
            ],
            ..Layout::default()
        };
        assert_eq!(layout.list_split(), 32768);
        let (path, parts) = layout.list_files(ListKey::tag(6));
        assert_eq!(path, "lists/tags/6.json.gz");
        for key in [
            ListKey::tag(6),
            ListKey::category(0),
            ListKey::category(2040),
        ] {
            assert_eq!(ListKey::of_path(&key.path()), Some(key));
        }
        for other in [
            "lists/segments/0/0000.json.gz",
            "lists/tags/x.json.gz",
            "ids/other/0000.json.gz",
        ] {
            assert_eq!(ListKey::of_path(other), None, "{other}");
        }
        assert_eq!(
            parts
                .iter()
                .map(|&k| segment_list_path(k))
                .collect::<Vec<_>>(),
            [
                "lists/segments/32768/0002.json.gz",
                "lists/segments/36864/0000.json.gz"
            ]
        );
        let part = |first, tags: &[(u32, &[u32])]| SegmentLists {
            schema_version: SCHEMA_VERSION,
            first,
            categories: [(6, vec![1])].into(),
            tags: tags.iter().map(|(t, g)| (*t, g.to_vec())).collect(),
        };
        let base = PostList::from_numbers(&[3, 40]);
        let parts = [
            part(32768, &[(6, &[0, 5]), (2, &[9])]),
            // Out of order (a damaged file): left out.
            part(36864, &[(6, &[2, 0])]),
        ];
        assert_eq!(
            ListKey::tag(6).numbers(&base, &parts),
            [3, 40, 32768, 32773, 36866]
        );
        assert_eq!(
            ListKey::category(6).numbers(&base, &parts),
            [3, 40, 32769, 36865]
        );
        assert_eq!(
            ListKey::tag(6).ordinals(&base, &parts, 36867),
            [0, 4093, 4098, 36826, 36863]
        );
        // Without small segments the lists hold every post.
        layout.segments.truncate(1);
        assert_eq!(layout.list_split(), 32768);
        assert!(layout.list_files(ListKey::tag(6)).1.is_empty());
        assert_eq!(Layout::default().list_split(), 0);
    }

    #[test]
    fn a_file_takes_the_version_of_the_segment_whose_posts_it_holds() {
        let segment = |first, end, chunks: (u32, u32), version: &str| Segment {
            first,
            end,
            shards: 4,
            position_shards: 2,
            first_chunk: chunks.0,
            end_chunk: chunks.1,
            version: version.into(),
            ..Segment::default()
        };
        let manifest = Manifest {
            build: "b".into(),
            layout: Layout {
                summary_group_size: 32,
                segments: vec![
                    segment(0, 4096, (0, 40), "s0"),
                    segment(4096, 4100, (40, 41), "s1"),
                ],
                ..Layout::default()
            },
            ..Manifest::default()
        };
        for (file, version) in [
            ("search/0/0003.bin.gz", "s0"),
            ("search/0/positions/0001.bin.gz", "s0"),
            ("search/4096/0000.bin.gz", "s1"),
            ("lists/segments/4096/0000.json.gz", "s1"),
            // A segment the manifest does not name.
            ("search/4100/0000.bin.gz", "b"),
            ("lists/segments/4100/0000.json.gz", "b"),
            ("summaries/00000.json.gz", "s0"),
            ("summaries/00127.json.gz", "s0"),
            ("summaries/00128.json.gz", "s1"),
            ("summaries/00129.json.gz", "b"),
            ("bodies/0039.json.gz", "s0"),
            ("bodies/0040.json.gz", "s1"),
            ("bodies/0041.json.gz", "b"),
            ("lists/categories/0.json.gz", "b"),
            ("ids/2022-02/0000.json.gz", "b"),
            ("search/x/0000.bin.gz", "b"),
            ("search/0-4096/0000.bin.gz", "b"),
            ("days.json.gz", "b"),
        ] {
            assert_eq!(manifest.version_of(file), version, "{file}");
        }
        // The open segment's groups and chunks have their own versions; files beyond the
        // lists (a damaged manifest) fall back to the segment's.
        let mut open = manifest.clone();
        open.layout.segments[1].group_versions = vec!["g128".into()];
        open.layout.segments[1].chunk_versions = vec!["c40".into()];
        for (file, version) in [
            ("summaries/00128.json.gz", "g128"),
            ("bodies/0040.json.gz", "c40"),
            ("search/4096/0000.bin.gz", "s1"),
            ("summaries/00127.json.gz", "s0"),
        ] {
            assert_eq!(open.version_of(file), version, "{file}");
        }
        open.layout.segments[1].end = 4200;
        open.layout.segments[1].end_chunk = 42;
        assert_eq!(open.version_of("summaries/00129.json.gz"), "s1");
        assert_eq!(open.version_of("bodies/0041.json.gz"), "s1");
        // Id shards take their group's version.
        let mut ids = manifest.clone();
        ids.layout.id_versions = [("2022-02".to_string(), "m".to_string())].into();
        assert_eq!(ids.version_of("ids/2022-02/0003.json.gz"), "m");
        assert_eq!(ids.version_of("ids/2022-03/0000.json.gz"), "b");
        // The lists below the split take the lists' version.
        let mut lists = manifest.clone();
        lists.layout.list_version = "l".into();
        assert_eq!(lists.version_of("lists/categories/7.json.gz"), "l");
        assert_eq!(lists.version_of("lists/tags/0.json.gz"), "l");
        assert_eq!(lists.version_of("lists/segments/0/0000.json.gz"), "s0");
        // Before the builder names versions, every file takes the build.
        let mut unnamed = manifest.clone();
        unnamed.layout.segments[0].version.clear();
        assert_eq!(unnamed.version_of("bodies/0001.json.gz"), "b");
    }

    #[test]
    fn search_shards_round_trip_through_their_binary_layout() {
        use crate::search::{EncodedPostings, Posting};
        let posting = |number| Posting {
            number,
            in_title: number % 2 == 0,
            frequency: 1,
        };
        let shard = SearchShard {
            schema_version: SCHEMA_VERSION,
            terms: BTreeMap::from([
                (
                    "人民".to_string(),
                    EncodedPostings::encode([posting(3), posting(200_000)]),
                ),
                ("et7".to_string(), EncodedPostings::encode([posting(0)])),
                ("空".to_string(), EncodedPostings::default()),
            ]),
        };
        let mut bytes = Vec::new();
        shard.write(&mut bytes);
        assert!(bytes.starts_with(SEARCH_SHARD_MAGIC));
        assert_eq!(SearchShard::read("s", &bytes).unwrap(), shard);
        assert_eq!(decode_search_shard("s", &bytes).unwrap(), shard);

        let error = |bytes: &[u8]| SearchShard::read("s", bytes).unwrap_err();
        assert!(matches!(
            error(b"{\"schema_version\": 4}"),
            ArchiveError::NotAnArchive { .. }
        ));
        let mut future = SEARCH_SHARD_MAGIC.to_vec();
        future.push(99);
        assert!(matches!(
            error(&future),
            ArchiveError::WrongVersion { found: 99, .. }
        ));
        // Garbage after the magic is damage, not a version from elsewhere.
        let mut garbage = SEARCH_SHARD_MAGIC.to_vec();
        garbage.extend_from_slice(&[0xd3, 0xa1, 0x7f, 0x05]);
        assert!(matches!(error(&garbage), ArchiveError::Damaged { .. }));
        // A web page in the place of a file says so, whatever file it is.
        let page = b"\n  <!DOCTYPE html><html><body>Not found</body></html>";
        assert!(matches!(
            decode_search_shard("s", page),
            Err(ArchiveError::WebPage { .. })
        ));
        let message = decode_bytes::<Days>("days.json.gz", page)
            .unwrap_err()
            .to_string();
        assert!(message.contains("web page"), "{message}");
        for cut in 5..bytes.len() {
            assert!(
                matches!(error(&bytes[..cut]), ArchiveError::Damaged { .. }),
                "cut at {cut}"
            );
        }
        let mut trailing = bytes.clone();
        trailing.push(0);
        assert!(matches!(error(&trailing), ArchiveError::Damaged { .. }));
        // A term count far beyond the file is an error, not a huge allocation.
        let mut huge = SEARCH_SHARD_MAGIC.to_vec();
        huge.extend([SCHEMA_VERSION as u8, 0xff, 0xff, 0xff, 0xff, 0x0f, 200]);
        assert!(matches!(error(&huge), ArchiveError::Damaged { .. }));
    }

    #[test]
    fn chunk_paths_are_zero_padded() {
        assert_eq!(chunk_path(7), "bodies/0007.json.gz");
    }

    /// `bytes` as a gzip file (one member, no name), deflated by miniz_oxide: the reader's
    /// tests need an encoder, which only the builder's crate links.
    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
        out.extend(miniz_oxide::deflate::compress_to_vec(bytes, 1));
        out.extend(
            crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC)
                .checksum(bytes)
                .to_le_bytes(),
        );
        out.extend((bytes.len() as u32).to_le_bytes());
        out
    }

    #[test]
    fn files_decode_compressed_or_not() {
        let original = days(&[("2024-03-01", 5), ("2024-02-29", 7)]);
        let json = serde_json::to_vec(&original).unwrap();
        let compressed = gzip(&json);
        assert!(is_gzip(&compressed) && !is_gzip(&json));
        assert!(compressed.len() < json.len() + 30);
        for bytes in [&compressed, &json] {
            assert_eq!(decode_bytes::<Days>(DAYS_FILE, bytes).unwrap(), original);
        }
        // Deterministic: the same input, the same bytes.
        assert_eq!(gzip(&json), compressed);
    }

    #[test]
    fn gzip_headers_with_optional_fields_decode() {
        let json = serde_json::to_vec(&days(&[("2024-03-01", 5)])).unwrap();
        let plain = gzip(&json);
        // FEXTRA (two bytes of length, then the field), FNAME and FCOMMENT (zero-terminated),
        // FHCRC (two bytes), as `gzip` and other tools may write them.
        let mut fields = plain[..10].to_vec();
        fields[3] = 4 | 8 | 16 | 2;
        fields.extend([3, 0, b'a', b'b', b'c']);
        fields.extend(b"days.json\0a comment\0");
        fields.extend([0xaa, 0xbb]);
        fields.extend(&plain[10..]);
        assert_eq!(inflate(DAYS_FILE, &fields).unwrap(), json);
        let mut reserved = plain.clone();
        reserved[3] = 0x20;
        assert!(inflate(DAYS_FILE, &reserved).is_err());
    }

    #[test]
    fn damaged_gzip_is_an_error_that_names_the_file() {
        let json = serde_json::to_vec(&days(&[("2024-03-01", 5)])).unwrap();
        let compressed = gzip(&json);
        let mut flipped = compressed.clone();
        let middle = flipped.len() / 2;
        flipped[middle] ^= 0x55;
        for damaged in [
            &compressed[..compressed.len() - 5],
            &compressed[..12],
            &flipped[..],
        ] {
            let error = decode_bytes::<Days>(DAYS_FILE, damaged).unwrap_err();
            assert!(
                matches!(&error, ArchiveError::Compressed { file, .. } if file == DAYS_FILE),
                "{error:?}"
            );
        }
        let not_utf8 = gzip(b"{\"schema_version\": \xff}");
        assert!(matches!(
            decode_bytes::<Days>(DAYS_FILE, &not_utf8),
            Err(ArchiveError::Malformed { .. })
        ));
    }

    #[test]
    fn a_file_that_decodes_past_the_limit_is_refused() {
        let bomb = gzip(&vec![b' '; 1 << 20]);
        assert!(
            bomb.len() < 8 << 10,
            "a megabyte of spaces compresses to a few KB"
        );
        assert_eq!(
            inflate_with_limit("x", &bomb, 1 << 20).unwrap().len(),
            1 << 20
        );
        assert_eq!(
            inflate_with_limit("x", &bomb, (1 << 20) - 1),
            Err(ArchiveError::TooLarge { file: "x".into() })
        );
    }
}
