//! Builds the full-text index files (`search/<first>/NNNN.bin.gz`, and the pair and spaced
//! terms' positions in `search/<first>/positions/NNNN.bin.gz`) from posts in number order, one
//! segment of posts at a time (see [`segment_plan`]).
//!
//! At 100,000 posts the index holds over forty million postings, so the work is laid out for
//! several cores and for the cache:
//!
//! 1. The posts of a batch are cut into runs of consecutive posts, and each post's distinct
//!    terms are extracted in parallel with a per-thread scratch map (no sorting; ideograph
//!    terms are integers, see [`gazette_archive::search::gram_key`]). Each term goes to one of
//!    [`BUCKETS`] *buckets*, picked by a cheap hash, and is written to its run's list for
//!    that bucket (16 bytes per ideograph term, with the post's place in the run). Buckets
//!    are few enough that a run's list ends stay in its core's cache.
//! 2. Each thread takes a part of the buckets and, bucket by bucket, appends the postings
//!    of every run's list for that bucket, runs in order, to the bucket's term map: each
//!    bucket's map (about 230 terms at 100,000 posts) stays in cache while its postings are
//!    appended, where one map of hundreds of thousands of terms missed it on nearly every
//!    posting.
//! 3. Once the index's size is known the shard count is picked, and each term goes to the
//!    shard [`gazette_archive::search::shard_of`] names for it (computed once per term, not per
//!    posting); the same for the position shards, sized on the positions' own bytes.
//!
//! A pair or spaced term's positions in a post are encoded when the post's terms are
//! extracted (one byte string per post and term, see [`PositionLists`]) and travel with its
//! posting, so a term's positions end up in the same order as its postings.

use std::collections::BTreeMap;
use std::hash::{BuildHasher, Hash};

use rayon::prelude::*;
use rustc_hash::{FxBuildHasher, FxHashMap};

use crate::store::{IndexSegment, IndexShards};
use gazette_archive::archive::{
    ArchiveError, PositionShard, SearchShard, Segment, SCHEMA_VERSION, SEGMENT_POSTS,
};
use gazette_archive::search::{
    for_each_term, push_varint, shard_of, shard_of_bytes, EncodedPostings, PositionLists, Token,
    CHAR_BITS, MAX_TERM_FREQUENCY,
};

/// Terms are grouped into this many buckets while indexing (a power of two). Timing the index
/// alone at 100,000 posts in six interleaved rounds, 16,384 buckets (whose headers and
/// per-bucket lists outgrow a core's cache) took 8–32% longer than 1,024 in five rounds and
/// tied in one (measured with the staging lists that the runs' bucket lists replaced).
const BUCKETS: usize = 1024;
/// The most shards an index may have.
pub const MAX_SHARDS: usize = 16_384;
/// A search shard of a top-level segment aims at about this many bytes (before compression;
/// smaller segments' shards at less, see [`SHARD_TARGETS`]). A query fetches one shard per
/// term and segment, so this is most of what a query downloads beyond its own terms' postings.
/// Format 3 aimed at 16 KiB of JSON (a median query of the benchmark fetched about 14 KB of
/// index at 10,000 posts and 20 KB at 100,000; 48 KiB fetched three times as much); 8 KiB of
/// the binary layout gives the same shard counts (1,024 at 10,000 posts, 8,192 at 100,000)
/// with smaller shards: at 100,000 posts 6.2 KB compressed on average, where 16 KiB would
/// halve the count and make each 12.3 KB.
pub const SHARD_TARGET_BYTES: usize = 8 * 1024;
/// A position shard of a top-level segment aims at about this many bytes (before
/// compression). Only a query part of three units or more fetches position shards (one per
/// pair), and their files were as many as the search shards at 8 KiB: at 100,000 posts
/// 16,384 more files to write.
pub const POSITION_SHARD_TARGET_BYTES: usize = 32 * 1024;
/// Posts whose terms are extracted at once: keeps the extracted terms in memory to one
/// batch's worth at any archive size, while a large batch touches each term's
/// postings list fewer times (batches of 1,024 and 4,096 posts were slower in each of three
/// interleaved rounds; from 4,096 to 16,384 the builder's peak memory at 100,000 posts grew
/// from 1.08 to 1.18 GB).
const BATCH: usize = 16_384;
/// Runs of consecutive posts per thread and batch: several, so that a thread that drew
/// short posts takes another run instead of waiting. At the end of a batch's extraction one
/// thread finishes the last run while the other waits: with four runs a thread, that wait
/// was about 2% of a 100k build's core time (`perf`, whole system); eight halve it for 0.02%
/// more instructions (the appending walks twice as many runs per bucket).
const RUNS_PER_THREAD: usize = 8;

/// A posting's `(in title << 2) | frequency`.
type Flags = u8;
/// A posting while indexing: `(number << 3) | flags`, so sorting by it sorts by post number.
/// Enough for 500 million posts.
type Packed = u32;
/// An ideograph term of one post while indexing: `(post's place in its run << 47) | (gram
/// key << 3) | flags` (a gram key takes 44 bits, two characters of 22).
type PackedGram = u64;

const GRAM_KEY_BITS: u32 = 2 * CHAR_BITS;
const OFFSET_SHIFT: u32 = GRAM_KEY_BITS + 3;
/// Posts a run may hold: their places fit in the bits above a gram's key.
const MAX_RUN_LEN: usize = 1 << (64 - OFFSET_SHIFT);
const _: () = assert!(BATCH <= MAX_RUN_LEN);
const _: () = assert!(BUCKETS.is_power_of_two() && BUCKETS <= 1 << 16); // buckets are u16

fn pack_gram(offset: u32, key: u64, flags: Flags) -> PackedGram {
    debug_assert!(key < 1 << GRAM_KEY_BITS && (offset as usize) < MAX_RUN_LEN);
    (u64::from(offset) << OFFSET_SHIFT) | (key << 3) | u64::from(flags)
}

/// A gram's posting counted from its run's first post: `(place in the run << 3) | flags`.
fn gram_posting(gram: PackedGram) -> Packed {
    (((gram >> OFFSET_SHIFT) as Packed) << 3) | gram_flags(gram)
}

fn gram_key(gram: PackedGram) -> u64 {
    (gram >> 3) & ((1 << GRAM_KEY_BITS) - 1)
}

fn gram_flags(gram: PackedGram) -> Packed {
    (gram & 7) as Packed
}

/// Posts per segment of each level, smallest first: a segment of a level holds as many posts
/// as eight of the level below, so that at most seven segments of each level (and one open
/// segment of fewer than 4,096 posts) cover an archive. A segment of 262,144 posts is never
/// merged again: two million posts are seven of them and at most 22 segments in all.
///
/// Segments are a function of the post count alone — the archive's posts from number 0 are
/// cut into as many top-level segments as fit, the rest into as many of the next level, and
/// so on, the last fewer than 4,096 posts making the open segment — so a full build and an
/// update of the same posts give the same segments, and new posts (which take new numbers)
/// change only the open segment until it fills, and the last segments of a level when eight
/// of them merge into one of the level above.
pub const SEGMENT_LEVELS: [u32; 3] = [SEGMENT_POSTS, 8 * SEGMENT_POSTS, 64 * SEGMENT_POSTS];

/// Each level's shard targets, `(search, positions)` bytes before compression (the open
/// segment's are [`OPEN_SHARD_TARGETS`]). A query fetches one search shard per term from every segment, so
/// small shards keep a query's download small, and a segment of small shards is many files:
/// the open segment and the newest small segments are what an update rewrites, and their
/// file count is what a day's update changes. Measured on 100,000 generator posts (30 bench
/// queries, index bytes a query reads, median and mean): 2 KiB shards below the top level
/// read 16.7 and 110 KB and made 32,256 index files; 4 KiB read 18.4 and 117 KB in 31,488
/// files; 8 KiB 38.7 and 182 KB (format 6, one index: 10.8 and 76 KB). 4 KiB halves the files
/// a day's update writes against 2 KiB, which at two million posts is the difference between
/// about 2% and 1% of the archive's files.
const SHARD_TARGETS: [(usize, usize); 3] = [
    (4 * 1024, 16 * 1024),
    (4 * 1024, 16 * 1024),
    (SHARD_TARGET_BYTES, POSITION_SHARD_TARGET_BYTES),
];

/// The open segment's shard targets (fewer than [`SEGMENT_POSTS`] posts), twice those of
/// the sealed segments of its level: every update rewrites all of its files, so halving them
/// halves what a day changes there, for about 2 KB more a query term reads from it (one
/// segment of the archive's). At two million posts a day of 2,782 posts then changes about
/// 0.45% of the files instead of 0.71%, and a day that seals a segment about 0.9% instead of
/// 1.08% (BENCHMARKS.md, format 8).
const OPEN_SHARD_TARGETS: (usize, usize) = (8 * 1024, 32 * 1024);

/// The shard targets of a segment of level `level` holding `posts` posts.
fn shard_targets(level: usize, posts: u32) -> (usize, usize) {
    if level == 0 && posts < SEGMENT_POSTS {
        OPEN_SHARD_TARGETS
    } else {
        SHARD_TARGETS[level]
    }
}

/// The segments of an archive of `post_count` posts: `(first, end, level)`, ascending, where
/// `level` indexes [`SEGMENT_LEVELS`] (the open segment has level 0 too).
pub fn segment_plan(post_count: u32) -> Vec<(u32, u32, usize)> {
    let mut plan = Vec::new();
    let mut first = 0;
    for (level, &size) in SEGMENT_LEVELS.iter().enumerate().rev() {
        while post_count - first >= size {
            plan.push((first, first + size, level));
            first += size;
        }
    }
    if first < post_count {
        plan.push((first, post_count, 0));
    }
    plan
}

/// The search index of `posts`, oldest first (the post number order), segment by segment (see
/// [`segment_plan`]); `text_of` gives a post's title and article text. Segments are built one
/// after the other, so the index holds one segment's terms in memory at a time.
pub fn search_index<T: Sync>(
    posts: &[T],
    text_of: impl Fn(&T) -> (&str, &str) + Sync,
) -> Vec<IndexSegment> {
    let count = u32::try_from(posts.len()).expect("the index holds at most 2^29 posts");
    segment_plan(count)
        .into_iter()
        .map(|(first, end, level)| {
            let mut segment = SegmentBuilder::new(first, level);
            segment.add(&posts[first as usize..end as usize], &text_of);
            segment.finish()
        })
        .collect()
}

/// One segment's index, built from its posts in number order, a batch at a time: a builder
/// that streams its posts holds only the segment's terms and the batch it adds. How the
/// posts are cut into batches does not change the result.
pub struct SegmentBuilder {
    first: u32,
    /// The number the next post added takes.
    next: u32,
    /// Shard sizes, search and positions (see [`SHARD_TARGETS`]).
    targets: (usize, usize),
    /// The segment's level when it was given one ([`shard_targets`] then decides its
    /// targets by its size when it is finished).
    level: Option<usize>,
    buckets: Vec<Bucket>,
    /// Buckets per thread when postings are appended (see [`add_batch`]).
    per_part: usize,
    run_len: usize,
    /// Whether its scratch vectors are kept for the next batch and segment ([`Recycled`]):
    /// a segment built in one piece; not a block of a larger segment, whose blocks'
    /// files stay in memory until they are merged (at two million posts, keeping the scratch
    /// beside them raised the build's peak from 1.7 to 2.2 GB with the staging lists the
    /// runs' bucket lists replaced; without them, from 1.55 to 1.58 GB, and no faster).
    recycles: bool,
}

impl SegmentBuilder {
    /// A segment whose first post is number `first`, of level `level` (an index of
    /// [`SEGMENT_LEVELS`], which sizes its shards).
    pub fn new(first: u32, level: usize) -> SegmentBuilder {
        SegmentBuilder {
            level: Some(level),
            recycles: true,
            ..SegmentBuilder::with_targets(first, SHARD_TARGETS[level])
        }
    }

    fn with_targets(first: u32, targets: (usize, usize)) -> SegmentBuilder {
        let threads = rayon::current_num_threads().max(1);
        let per_part = BUCKETS.div_ceil(threads);
        SegmentBuilder {
            first,
            next: first,
            targets,
            level: None,
            buckets: (0..BUCKETS).map(|_| Bucket::default()).collect(),
            per_part,
            run_len: BATCH.div_ceil(threads * RUNS_PER_THREAD),
            recycles: false,
        }
    }

    /// The number the next post added takes.
    pub fn next_number(&self) -> u32 {
        self.next
    }

    /// Adds `posts`, the next ones in number order; `text_of` gives a post's title and
    /// article text.
    pub fn add<T: Sync>(&mut self, posts: &[T], text_of: &(impl Fn(&T) -> (&str, &str) + Sync)) {
        let (per_part, run_len) = (self.per_part, self.run_len);
        for batch in posts.chunks(BATCH) {
            let runs: Vec<RunTerms> = batch
                .par_chunks(run_len)
                .map_init(Scratch::default, |scratch, run| {
                    let mut terms = Recycled::run_terms();
                    for (offset, post) in (0..).zip(run) {
                        let (title, text) = text_of(post);
                        scratch.extract_into(title, text, offset, &mut terms);
                    }
                    terms.posts = run.len();
                    terms
                })
                .collect();
            let first_number = self.next as usize;
            self.buckets
                .par_chunks_mut(per_part)
                .enumerate()
                .for_each(|(part, buckets)| {
                    add_batch(buckets, part * per_part, first_number, run_len, &runs);
                });
            if self.recycles {
                Recycled::give_run_terms(runs);
            }
            self.next += batch.len() as u32;
        }
    }

    /// The segment of the posts added.
    pub fn finish(self) -> IndexSegment {
        let (first, end) = (self.first, self.next);
        self.finish_files().read_back(first, end)
    }

    /// The segment of the posts added, in its files' form (see [`IndexShards`]).
    pub fn finish_files(self) -> SegmentFiles {
        let terms: Vec<FinishedTerm> = self
            .buckets
            .into_par_iter()
            .flat_map_iter(Bucket::finish)
            .collect();
        let targets = match self.level {
            Some(level) => shard_targets(level, self.next - self.first),
            None => self.targets,
        };
        lay_out_shards(terms, targets)
    }
}

/// A segment's index built from its posts in number order, holding the terms of at most one
/// block of [`SEGMENT_LEVELS`]`[1]` posts: a larger segment (the top level's, 262,144 posts,
/// whose terms alone would take gigabytes) is built block by block, each block kept in its
/// files' form (a third of its terms' size in memory), and the blocks merged at the end a
/// group of shards at a time, which gives the same files as indexing the segment at once
/// (see [`merge_segments`]).
pub struct SegmentIndexer {
    first: u32,
    level: usize,
    block: u32,
    /// Finished blocks.
    blocks: Vec<BlockFiles>,
    current: SegmentBuilder,
}

impl SegmentIndexer {
    /// The index of the segment of level `level` whose first post is number `first`.
    pub fn new(first: u32, level: usize) -> SegmentIndexer {
        SegmentIndexer::with_block(first, level, SEGMENT_LEVELS[1])
    }

    fn with_block(first: u32, level: usize, block: u32) -> SegmentIndexer {
        SegmentIndexer {
            first,
            level,
            block,
            blocks: Vec::new(),
            current: if SEGMENT_LEVELS[level] > block {
                SegmentBuilder::with_targets(first, SHARD_TARGETS[1])
            } else {
                SegmentBuilder::new(first, level)
            },
        }
    }

    /// The index of the segment of level `level` whose first post is number `first`, whose
    /// posts up to `next` are those of `parts`: the files of the consecutive segments of an
    /// earlier build that cover them (an update, which merges them with the newer posts
    /// instead of indexing their posts again; the result is the same files). Checks that
    /// every part's files read as index files.
    pub fn resume(
        first: u32,
        level: usize,
        parts: Vec<SegmentFiles>,
        next: u32,
    ) -> Result<SegmentIndexer, ArchiveError> {
        let mut indexer = SegmentIndexer::new(first, level);
        indexer.current = SegmentBuilder::with_targets(next, SHARD_TARGETS[1]);
        // Every file is checked before the merge trusts it, on every core (eight segments'
        // files on the day they merge); the first damaged one in order is the error.
        let files: Vec<(bool, usize, &Vec<u8>)> = parts
            .iter()
            .flat_map(|part| {
                let shards = part.shards.iter().enumerate().map(|(n, s)| (true, n, s));
                shards.chain(
                    part.positions
                        .iter()
                        .enumerate()
                        .map(|(n, s)| (false, n, s)),
                )
            })
            .collect();
        let checks: Vec<Result<(), ArchiveError>> = files
            .par_iter()
            .map(|&(search, n, shard)| {
                if search {
                    SearchShard::read(&format!("search shard {n}"), shard).map(drop)
                } else {
                    PositionShard::read(&format!("position shard {n}"), shard).map(drop)
                }
            })
            .collect();
        checks.into_iter().collect::<Result<(), ArchiveError>>()?;
        for part in parts {
            indexer.blocks.push(BlockFiles {
                shards: ShardBytes::concat(&part.shards),
                positions: ShardBytes::concat(&part.positions),
            });
        }
        Ok(indexer)
    }

    /// Adds `posts`, the next ones in number order (see [`SegmentBuilder::add`]).
    pub fn add<T: Sync>(
        &mut self,
        mut posts: &[T],
        text_of: &(impl Fn(&T) -> (&str, &str) + Sync),
    ) {
        if SEGMENT_LEVELS[self.level] <= self.block && self.blocks.is_empty() {
            self.current.add(posts, text_of);
            return;
        }
        while !posts.is_empty() {
            let next = self.current.next_number();
            let block_end = (next / self.block + 1) * self.block;
            let (now, later) = posts.split_at(posts.len().min((block_end - next) as usize));
            self.current.add(now, text_of);
            if self.current.next_number() == block_end {
                let finished = std::mem::replace(
                    &mut self.current,
                    SegmentBuilder::with_targets(block_end, SHARD_TARGETS[1]),
                );
                self.blocks.push(BlockFiles::of(&finished.finish_files()));
            }
            posts = later;
        }
    }

    /// Hands the segment's shards to `emit`, a group at a time (all of them at once when
    /// the segment was built in one piece), and returns its layout.
    pub fn finish<E: Send>(
        mut self,
        mut emit: impl FnMut(IndexShards) -> Result<(), E> + Send,
    ) -> Result<Segment, E> {
        if self.blocks.is_empty() {
            let (first, end) = (self.current.first, self.current.next_number());
            let files = self.current.finish_files();
            let layout = Segment::of_index(
                first,
                end,
                files.shards.len() as u32,
                files.positions.len() as u32,
            );
            emit(IndexShards {
                first,
                end,
                shards: (0..).zip(files.shards).collect(),
                positions: (0..).zip(files.positions).collect(),
            })?;
            return Ok(layout);
        }
        let end = self.current.next_number();
        if end > self.current.first {
            self.blocks
                .push(BlockFiles::of(&self.current.finish_files()));
        }
        release_scratch();
        let (search_target, positions_target) = shard_targets(self.level, end - self.first);
        let (first, blocks) = (self.first, &self.blocks);
        let shards = merge_blocks::<SearchMerge, E>(blocks, search_target, |shards| {
            emit(IndexShards {
                first,
                end,
                shards,
                positions: Vec::new(),
            })
        })?;
        let position_shards =
            merge_blocks::<PositionMerge, E>(blocks, positions_target, |positions| {
                emit(IndexShards {
                    first,
                    end,
                    shards: Vec::new(),
                    positions,
                })
            })?;
        Ok(Segment::of_index(first, end, shards, position_shards))
    }
}

/// A segment's index files, uncompressed (as an earlier build wrote them, or as a builder
/// laid them out): its search shards and its position shards, in shard order.
#[derive(Debug, Default)]
pub struct SegmentFiles {
    pub shards: Vec<Vec<u8>>,
    pub positions: Vec<Vec<u8>>,
}

impl SegmentFiles {
    /// The segment of posts `first..end` that the builder laid out as these files, read back
    /// (an index kept in memory as shards: the tests', and [`crate::build::build_archive`]'s).
    pub fn read_back(&self, first: u32, end: u32) -> IndexSegment {
        IndexSegment::read_laid_out(first, end, &self.shards, &self.positions)
            .expect("an index reads back as the builder laid it out")
    }
}

/// A finished block of a segment in its files' form, uncompressed: each kind's files one
/// after the other in one allocation (thousands of small ones fragmented the heap: the
/// builder's memory grew by three times the blocks' bytes).
struct BlockFiles {
    shards: ShardBytes,
    positions: ShardBytes,
}

/// Shard files laid end to end.
#[derive(Default)]
struct ShardBytes {
    bytes: Vec<u8>,
    /// Where each shard ends in `bytes`.
    ends: Vec<usize>,
}

impl ShardBytes {
    fn concat(files: &[Vec<u8>]) -> ShardBytes {
        let mut all = ShardBytes {
            bytes: Vec::with_capacity(files.iter().map(Vec::len).sum()),
            ends: Vec::with_capacity(files.len()),
        };
        for file in files {
            all.bytes.extend_from_slice(file);
            all.ends.push(all.bytes.len());
        }
        all
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn get(&self, shard: usize) -> &[u8] {
        let start = shard
            .checked_sub(1)
            .map_or(0, |previous| self.ends[previous]);
        &self.bytes[start..self.ends[shard]]
    }
}

impl BlockFiles {
    fn of(files: &SegmentFiles) -> BlockFiles {
        BlockFiles {
            shards: ShardBytes::concat(&files.shards),
            positions: ShardBytes::concat(&files.positions),
        }
    }
}

/// One kind of index file, merged from blocks: search shards or position shards.
trait MergeKind {
    /// The files' magic.
    const MAGIC: &'static [u8; 4];
    fn files(block: &BlockFiles) -> &ShardBytes;
    /// Appends the term's value in the merged segment, from its values in the blocks, in
    /// order.
    fn merge_into(parts: &[&[u8]], out: &mut Vec<u8>);
    /// [`MergedGroup::size`] of a term's merged value, from its values' bytes in the blocks
    /// handed over in order, without merging them.
    type Sizer: Default;
    fn size_part(sizer: &mut Self::Sizer, value: &[u8]);
    /// `None` when the size is known only by merging (damaged values).
    fn sized(term: &str, sizer: &Self::Sizer) -> Option<usize>;
}

/// Each term of a block's file of kind `K` and its value's bytes, borrowed from `bytes`.
fn read_block_terms<'a, K: MergeKind>(bytes: &'a [u8], mut add: impl FnMut(&'a str, &'a [u8])) {
    gazette_archive::archive::read_terms("block", bytes, K::MAGIC, |term, value| {
        add(term, value);
        Ok(())
    })
    .expect("a block reads back what it wrote");
}

struct SearchMerge;

impl MergeKind for SearchMerge {
    const MAGIC: &'static [u8; 4] = gazette_archive::archive::SEARCH_SHARD_MAGIC;
    fn files(block: &BlockFiles) -> &ShardBytes {
        &block.shards
    }
    fn merge_into(parts: &[&[u8]], out: &mut Vec<u8>) {
        gazette_archive::search::concat_postings_into(parts, out);
    }
    type Sizer = gazette_archive::search::ConcatLen;
    fn size_part(len: &mut Self::Sizer, value: &[u8]) {
        len.add(value);
    }
    fn sized(term: &str, len: &Self::Sizer) -> Option<usize> {
        // A lone part is kept as it is, and `concat` copies parts whole unless damaged.
        Some(term_size(term.len(), len.byte_len()?))
    }
}

struct PositionMerge;

impl MergeKind for PositionMerge {
    const MAGIC: &'static [u8; 4] = gazette_archive::archive::POSITION_SHARD_MAGIC;
    fn files(block: &BlockFiles) -> &ShardBytes {
        &block.positions
    }
    fn merge_into(parts: &[&[u8]], out: &mut Vec<u8>) {
        // A term's positions lists follow its postings: the parts' lists one after the other.
        for part in parts {
            out.extend_from_slice(part);
        }
    }
    type Sizer = usize;
    fn size_part(bytes: &mut usize, value: &[u8]) {
        *bytes += value.len();
    }
    fn sized(term: &str, bytes: &usize) -> Option<usize> {
        Some(term_size(term.len(), *bytes))
    }
}

/// A merged term's value: where the one block that holds the term holds it, or a range of
/// [`MergedGroup::merged`].
#[derive(Debug, Clone, Copy)]
enum MergedValue<'a> {
    Block(&'a [u8]),
    Merged(usize, usize),
}

/// Each block's terms of group `group` of `groups` (a power of two), the terms `t` with
/// `shard_of(t, groups) == group`, handed to `each` with the block's place, borrowed from the
/// blocks. Shard counts are powers of two and a term's shard is its hash modulo the count, so
/// when `groups` divides a block's count the group's terms are exactly those of the block's
/// shards `group`, `group + groups`, …, and otherwise all in its shard `group % count`.
fn for_each_group_term<'a, K: MergeKind>(
    blocks: &'a [BlockFiles],
    group: u32,
    groups: u32,
    mut each: impl FnMut(u32, &'a str, &'a [u8]),
) {
    for (at, block) in (0u32..).zip(blocks) {
        let files = K::files(block);
        let count = files.len() as u32;
        let step = groups.min(count);
        for shard in (group % step..count).step_by(step as usize) {
            read_block_terms::<K>(files.get(shard as usize), |term, value| {
                if groups <= count || shard_of(term, groups) == group {
                    each(at, term, value);
                }
            });
        }
    }
}

/// The merged terms of group `group` of `groups` of a segment's blocks
/// ([`for_each_group_term`]), in byte order, read where the blocks hold them.
struct MergedGroup<'a> {
    terms: Vec<(&'a str, MergedValue<'a>)>,
    /// The values of the terms found in more than one block, merged.
    merged: Vec<u8>,
}

impl<'a> MergedGroup<'a> {
    fn of<K: MergeKind>(blocks: &'a [BlockFiles], group: u32, groups: u32) -> MergedGroup<'a> {
        // Each block's terms of the group, with the block's place and the text's first
        // bytes as a number: sorted, a term's values are together, in block order.
        let mut found: Vec<(u64, &'a str, u32, &'a [u8])> = Vec::new();
        for_each_group_term::<K>(blocks, group, groups, |at, term, value| {
            found.push((byte_order_prefix(term.as_bytes()), term, at, value));
        });
        found.sort_unstable_by(|a, b| {
            (a.0.cmp(&b.0))
                .then_with(|| a.1.as_bytes().cmp(b.1.as_bytes()))
                .then(a.2.cmp(&b.2))
        });
        let mut merged = MergedGroup {
            terms: Vec::with_capacity(found.len()),
            merged: Vec::new(),
        };
        let mut parts: Vec<&[u8]> = Vec::new();
        for run in found.chunk_by(|a, b| a.1 == b.1) {
            let value = match run {
                [(_, _, _, only)] => MergedValue::Block(only),
                _ => {
                    parts.clear();
                    parts.extend(run.iter().map(|&(_, _, _, value)| value));
                    let start = merged.merged.len();
                    K::merge_into(&parts, &mut merged.merged);
                    MergedValue::Merged(start, merged.merged.len())
                }
            };
            merged.terms.push((run[0].1, value));
        }
        merged
    }

    fn value(&self, value: MergedValue<'a>) -> &[u8] {
        match value {
            MergedValue::Block(bytes) => bytes,
            MergedValue::Merged(start, end) => &self.merged[start..end],
        }
    }

    /// What the terms add to the shards' size (see [`lay_out_shards`]).
    fn size(&self) -> usize {
        (self.terms.iter())
            .map(|&(term, value)| term_size(term.len(), self.value(value).len()))
            .sum()
    }

    /// The group's shards of a segment of `count` shards (`groups` divides `count`): shards
    /// `group`, `group + groups`, …, each with its number, in their files' form.
    fn lay_out<K: MergeKind>(&self, group: u32, groups: u32, count: u32) -> Vec<(u32, Vec<u8>)> {
        let mut in_shards: Vec<Vec<(&str, &[u8])>> = vec![Vec::new(); (count / groups) as usize];
        for &(term, value) in &self.terms {
            let shard = shard_of(term, count);
            debug_assert_eq!(shard % groups, group, "a group's terms fall in its shards");
            in_shards[(shard / groups) as usize].push((term, self.value(value)));
        }
        (group..count)
            .step_by(groups as usize)
            .zip(in_shards)
            .map(|(shard, terms)| {
                let terms = terms.iter().map(|&(term, value)| (term.as_bytes(), value));
                (shard, shard_file(K::MAGIC, terms))
            })
            .collect()
    }
}

/// The size ([`MergedGroup::size`]) of group `group` of `groups`, from the blocks' bytes
/// without sorting or merging them (merging every group only to size it, before merging it
/// again to write it, was most of a top-level segment's merge).
fn group_size<K: MergeKind>(blocks: &[BlockFiles], group: u32, groups: u32) -> usize {
    let mut terms: FxHashMap<&str, K::Sizer> = FxHashMap::default();
    for_each_group_term::<K>(blocks, group, groups, |_, term, value| {
        K::size_part(terms.entry(term).or_default(), value);
    });
    let sized: Option<usize> = terms
        .iter()
        .map(|(term, sizer)| K::sized(term, sizer))
        .sum();
    sized.unwrap_or_else(|| MergedGroup::of::<K>(blocks, group, groups).size())
}

/// Merges the blocks' files of kind `K` into shards of about `target` bytes, which go to
/// `emit` a group at a time (each shard once, with its number), and returns the shard
/// count. Two passes over the blocks: the merged size (which sets the shard count, as
/// [`lay_out_shards`] does), then the shards. Memory: a group of terms per thread, and the
/// shards of two rounds of groups.
fn merge_blocks<K: MergeKind, E: Send>(
    blocks: &[BlockFiles],
    target: usize,
    mut emit: impl FnMut(Vec<(u32, Vec<u8>)>) -> Result<(), E> + Send,
) -> Result<u32, E> {
    let smallest = blocks
        .iter()
        .map(|block| K::files(block).len() as u32)
        .min()
        .unwrap_or(1)
        .max(1);
    let size: usize = (0..smallest)
        .into_par_iter()
        .map(|group| group_size::<K>(blocks, group, smallest))
        .sum();
    let count = shard_count(size, target);
    let groups = smallest.min(count);
    // A few groups at a time on every thread, handed out in order while the next round is
    // made (handing out compresses and writes them: done alone, one core waited on the
    // other at each round's end).
    let per_round = (rayon::current_num_threads() * 2) as u32;
    let make = |round: u32| -> Vec<Vec<(u32, Vec<u8>)>> {
        (round..groups.min(round + per_round))
            .into_par_iter()
            .map(|group| {
                MergedGroup::of::<K>(blocks, group, groups).lay_out::<K>(group, groups, count)
            })
            .collect()
    };
    let mut made = Vec::new();
    for round in (0..groups).step_by(per_round as usize) {
        let (emitted, next) = rayon::join(
            || {
                std::mem::take(&mut made)
                    .into_iter()
                    .try_for_each(&mut emit)
            },
            || make(round),
        );
        emitted?;
        made = next;
    }
    made.into_iter().try_for_each(&mut emit)?;
    Ok(count)
}

/// How many shards of about `target` bytes hold `bytes`: a power of two, at most
/// [`MAX_SHARDS`].
fn shard_count(bytes: usize, target: usize) -> u32 {
    bytes
        .div_ceil(target)
        .next_power_of_two()
        .clamp(1, MAX_SHARDS) as u32
}

/// The segment of posts `first..end` whose terms are `terms` (in any order), with shards of
/// about `targets` bytes, read back from [`lay_out_shards`].
fn into_shards(
    terms: Vec<FinishedTerm>,
    first: u32,
    end: u32,
    targets: (usize, usize),
) -> IndexSegment {
    lay_out_shards(terms, targets).read_back(first, end)
}

/// A shard's file: `terms`, in byte order, with their values, as
/// [`gazette_archive::archive::write_terms`] writes them, into a buffer sized for them once.
fn shard_file<'a>(
    magic: &[u8; 4],
    terms: impl ExactSizeIterator<Item = (&'a [u8], &'a [u8])> + Clone,
) -> Vec<u8> {
    // A term takes its bytes, its value's and a few bytes of lengths (ten leave room for
    // any real one), the header a few more: a capacity that holds the file, not a limit.
    let bytes: usize = terms.clone().map(|(t, v)| t.len() + v.len() + 10).sum();
    let mut out = Vec::with_capacity(bytes + 16);
    gazette_archive::archive::write_terms(&mut out, magic, SCHEMA_VERSION, terms);
    out
}

/// What a term of `term` bytes whose value has `value` bytes adds to its shard's size, the
/// measure that sets a segment's shard count: its bytes, its value's and about two bytes of
/// lengths. One rule for a segment laid out at once ([`lay_out_shards`]) and for one merged
/// from blocks ([`MergedGroup::size`], [`MergeKind::sized`]), so both get the same count.
fn term_size(term: usize, value: usize) -> usize {
    term + value + 2
}

/// The first eight bytes of `text` (zeros after its end) as a big-endian number: two texts
/// whose numbers differ are in the same order as the numbers (equal numbers say nothing).
fn byte_order_prefix(text: &[u8]) -> u64 {
    let mut prefix = [0u8; 8];
    let len = text.len().min(8);
    prefix[..len].copy_from_slice(&text[..len]);
    u64::from_be_bytes(prefix)
}

/// The shards of a segment whose terms are `terms` (in any order), with shards of about
/// `targets` bytes, in their files' form: each term in shard [`shard_of`] of a count that
/// holds the terms' bytes, each shard's terms in byte order, as [`SearchShard::write`] and
/// [`PositionShard::write`] lay them out.
fn lay_out_shards(terms: Vec<FinishedTerm>, targets: (usize, usize)) -> SegmentFiles {
    let index_bytes: usize = terms
        .iter()
        .map(|t| term_size(t.term.as_bytes().len(), t.postings.byte_len()))
        .sum();
    let position_bytes: usize = terms
        .iter()
        .filter(|t| !t.positions.is_empty())
        .map(|t| term_size(t.term.as_bytes().len(), t.positions.len()))
        .sum();
    let (shard_count, position_shard_count) = (
        shard_count(index_bytes, targets.0),
        shard_count(position_bytes, targets.1),
    );
    // Each term's shards, on every thread; the terms stay where they are, and each shard
    // lists its terms by their place in `terms`.
    const NO_POSITIONS: u32 = u32::MAX;
    let placed: Vec<(u32, u32)> = terms
        .par_iter()
        .map(|term| {
            let positions = match term.positions.is_empty() {
                true => NO_POSITIONS,
                false => shard_of_bytes(term.term.as_bytes(), position_shard_count),
            };
            (shard_of_bytes(term.term.as_bytes(), shard_count), positions)
        })
        .collect();
    let mut in_shards: Vec<Vec<u32>> = vec![Vec::new(); shard_count as usize];
    let mut in_position_shards: Vec<Vec<u32>> = vec![Vec::new(); position_shard_count as usize];
    for (at, &(shard, position_shard)) in (0u32..).zip(&placed) {
        in_shards[shard as usize].push(at);
        if position_shard != NO_POSITIONS {
            in_position_shards[position_shard as usize].push(at);
        }
    }
    let lay_out = |places: Vec<u32>, magic: &[u8; 4], value: fn(&FinishedTerm) -> &[u8]| {
        let term = |at: u32| &terms[at as usize];
        // In byte order: by the first eight bytes as one number (which tells most terms
        // apart: a pair of ideographs is six bytes), then by the whole text.
        let mut places: Vec<(u64, u32)> = places
            .into_iter()
            .map(|at| (byte_order_prefix(term(at).term.as_bytes()), at))
            .collect();
        places.sort_unstable_by(|&(a_prefix, a), &(b_prefix, b)| {
            a_prefix
                .cmp(&b_prefix)
                .then_with(|| term(a).term.as_bytes().cmp(term(b).term.as_bytes()))
        });
        shard_file(
            magic,
            places
                .iter()
                .map(|&(_, at)| (term(at).term.as_bytes(), value(term(at)))),
        )
    };
    let (shards, positions) = rayon::join(
        || {
            in_shards
                .into_par_iter()
                .map(|places| {
                    lay_out(places, gazette_archive::archive::SEARCH_SHARD_MAGIC, |t| {
                        t.postings.as_bytes()
                    })
                })
                .collect()
        },
        || {
            in_position_shards
                .into_par_iter()
                .map(|places| {
                    lay_out(
                        places,
                        gazette_archive::archive::POSITION_SHARD_MAGIC,
                        |t| &t.positions,
                    )
                })
                .collect()
        },
    );
    // Millions of small allocations: freed on every core.
    terms.into_par_iter().for_each(drop);
    SegmentFiles { shards, positions }
}

/// The segment of level `level` (an index of [`SEGMENT_LEVELS`]) made of `parts`, consecutive
/// segments that cover its posts: the same files as indexing its posts at once, because
/// postings hold the archive's post numbers, so a term's postings in the whole are its
/// postings in each part one after the other, and its positions lists likewise. So larger
/// segments can be made from the files of smaller ones, without their posts.
pub fn merge_segments(parts: &[IndexSegment], level: usize) -> IndexSegment {
    let first = parts.first().map_or(0, |p| p.first);
    let end = parts.last().map_or(first, |p| p.end);
    assert!(
        parts.windows(2).all(|w| w[0].end == w[1].first),
        "merged segments are consecutive"
    );
    // Each term's postings and positions, part by part.
    let mut merged: BTreeMap<&str, (Vec<&EncodedPostings>, Vec<u8>)> = BTreeMap::new();
    for part in parts {
        for shard in &part.shards {
            for (term, postings) in &shard.terms {
                merged.entry(term).or_default().0.push(postings);
            }
        }
        for shard in &part.positions {
            for (term, lists) in &shard.terms {
                merged
                    .entry(term)
                    .or_default()
                    .1
                    .extend_from_slice(lists.as_bytes());
            }
        }
    }
    let terms = merged
        .into_par_iter()
        .map(|(term, (postings, positions))| FinishedTerm {
            term: TermText::Owned(term.into()),
            postings: EncodedPostings::concat(postings),
            positions,
        })
        .collect();
    into_shards(terms, first, end, shard_targets(level, end - first))
}

/// A term with everything the index files hold for it.
struct FinishedTerm {
    term: TermText,
    postings: EncodedPostings,
    /// Its [`PositionLists`] bytes; empty for a single unit.
    positions: Vec<u8>,
}

/// A finished term's text: a gram's (one or two characters, at most eight bytes) in place,
/// since most of a segment's terms are grams and an allocation each cost more than the rest of
/// their finishing; any other (a word, or a term read back from shards) owned.
enum TermText {
    Gram { bytes: [u8; 8], len: u8 },
    Owned(Box<str>),
}

impl TermText {
    /// The text of a [`gazette_archive::search::gram_key`], as [`gazette_archive::search::gram_text`] spells it.
    fn gram(key: u64) -> TermText {
        let (first, second) = gazette_archive::search::gram_chars(key);
        let mut bytes = [0u8; 8];
        let mut len = first.encode_utf8(&mut bytes).len();
        if let Some(second) = second {
            len += second.encode_utf8(&mut bytes[len..]).len();
        }
        TermText::Gram {
            bytes,
            len: len as u8,
        }
    }

    /// The text's UTF-8 bytes (what the index files hold, and what shards and sorts it).
    fn as_bytes(&self) -> &[u8] {
        match self {
            TermText::Gram { bytes, len } => &bytes[..usize::from(*len)],
            TermText::Owned(word) => word.as_bytes(),
        }
    }
}

/// Appends one batch's postings to `buckets`, the buckets from number `first_bucket` on,
/// bucket by bucket (so that one bucket's terms stay in the cache while their postings are
/// appended), each from the batch's runs in order, so every term's postings (and positions)
/// stay in number order. `runs` are the batch's runs of `run_len` posts.
fn add_batch(
    buckets: &mut [Bucket],
    first_bucket: usize,
    first_number: usize,
    run_len: usize,
    runs: &[RunTerms],
) {
    // Each run's first posting (`number << 3`), its numbers checked once: a run's postings
    // are counted from it (`(place in the run << 3) | flags`).
    let firsts: Vec<Packed> = (0..runs.len())
        .map(|run| {
            let first = first_number + run * run_len;
            Packed::try_from(first)
                .ok()
                .filter(|&first| (first as usize) + runs[run].posts <= 1 << 29)
                .expect("the index holds at most 2^29 posts")
                << 3
        })
        .collect();
    for (bucket_number, bucket) in (first_bucket..).zip(buckets) {
        for (run, &first) in runs.iter().zip(&firsts) {
            let terms = &run.buckets[bucket_number];
            for &(gram, positions) in &terms.grams {
                let posting = first + gram_posting(gram);
                let lists = bucket.grams.entry(gram_key(gram)).or_default();
                with_positions(
                    positions,
                    |long| run.long.get(long),
                    |bytes| lists.add(posting, bytes),
                );
            }
            for (word, relative, positions) in &terms.words {
                let posting = first + relative;
                let lists = match bucket.words.get_mut(word.as_str()) {
                    Some(lists) => lists,
                    None => bucket.words.entry(word.as_str().into()).or_default(),
                };
                with_positions(
                    *positions,
                    |long| run.long.get(long),
                    |bytes| lists.add(posting, bytes),
                );
            }
        }
    }
}

/// A term's bucket: the top bits of its Fx hash.
fn bucket_of(term: impl Hash) -> u16 {
    (FxBuildHasher.hash_one(term) >> (64 - BUCKETS.trailing_zeros())) as u16
}

/// Counts one more occurrence of a term.
fn count(flags: &mut Flags, in_title: bool) {
    *flags |= Flags::from(in_title) << 2;
    if u32::from(*flags & 3) < MAX_TERM_FREQUENCY {
        *flags += 1;
    }
}

/// The indexing's largest scratch vectors, emptied and kept with their capacity from batch
/// to batch and from segment to segment by segments built in one piece (a 100k build makes
/// four segment builders and seven batches): the run terms of a batch, some hundred
/// megabytes at 100,000 posts. Made anew each time, they were more than half of a build's
/// page faults (fresh pages cost the kernel a few microseconds each: 0.5-1 s of a 100k
/// build). [`release_scratch`] lets them go.
#[derive(Default)]
struct Recycled {
    run_terms: Vec<RunTerms>,
}

static RECYCLED: std::sync::Mutex<Recycled> = std::sync::Mutex::new(Recycled {
    run_terms: Vec::new(),
});

impl Recycled {
    fn with<R>(f: impl FnOnce(&mut Recycled) -> R) -> R {
        f(&mut RECYCLED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()))
    }

    /// An empty [`RunTerms`].
    fn run_terms() -> RunTerms {
        Recycled::with(|recycled| recycled.run_terms.pop()).unwrap_or_else(RunTerms::new)
    }

    fn give_run_terms(runs: Vec<RunTerms>) {
        let runs: Vec<RunTerms> = runs
            .into_iter()
            .map(|mut terms| {
                terms.clear();
                terms
            })
            .collect();
        Recycled::with(|recycled| recycled.run_terms.extend(runs));
    }
}

/// Frees the scratch vectors the indexing keeps from segment to segment (before a merge of
/// blocks, which needs the memory, and once the index is built).
pub fn release_scratch() {
    Recycled::with(|recycled| *recycled = Recycled::default());
}

/// The distinct terms of a run of consecutive posts, by bucket: each post's terms go
/// straight to their bucket's lists as they are extracted, where appending them to the
/// buckets' term maps reads them (before, they were written once by post and copied again
/// into per-bucket staging lists, a pass over every posting of the batch and a hundred more
/// megabytes at 100,000 posts).
struct RunTerms {
    buckets: Vec<RunBucket>,
    long: LongPositions,
    /// How many posts the run holds.
    posts: usize,
}

impl RunTerms {
    fn new() -> Self {
        RunTerms {
            buckets: (0..BUCKETS).map(|_| RunBucket::default()).collect(),
            long: LongPositions::default(),
            posts: 0,
        }
    }

    /// Empties the lists, keeping their capacity.
    fn clear(&mut self) {
        for bucket in &mut self.buckets {
            bucket.grams.clear();
            bucket.words.clear();
        }
        self.long.clear();
        self.posts = 0;
    }
}

/// The terms of a run's posts that belong to one bucket, in post order.
#[derive(Default)]
struct RunBucket {
    /// Per gram of a post, its [`PackedGram`] and [`Positions`].
    grams: Vec<(PackedGram, Positions)>,
    /// `(word, posting counted from the run's first post, positions)`: see [`gram_posting`].
    words: Vec<(String, u32, Positions)>,
}

/// The bytes of a run's positions too long to keep inline, and each one's range in them.
#[derive(Default)]
struct LongPositions {
    bytes: Vec<u8>,
    ranges: Vec<(u32, u32)>,
}

impl LongPositions {
    fn clear(&mut self) {
        self.bytes.clear();
        self.ranges.clear();
    }

    /// Keeps a posting's position bytes: inline when short, else here.
    fn keep(&mut self, bytes: &[u8]) -> Positions {
        if bytes.len() <= INLINE_POSITIONS {
            let mut value = (bytes.len() as u64) << 56;
            for (i, &byte) in bytes.iter().enumerate() {
                value |= u64::from(byte) << (8 * i);
            }
            return value;
        }
        let offset = |len: usize| u32::try_from(len).expect("a run's positions fit in u32");
        let start = offset(self.bytes.len());
        self.bytes.extend_from_slice(bytes);
        let range = (start, offset(self.bytes.len()));
        self.ranges.push(range);
        LONG_POSITIONS | (self.ranges.len() as u64 - 1)
    }

    fn get(&self, long: u32) -> &[u8] {
        let (start, end) = self.ranges[long as usize];
        &self.bytes[start as usize..end as usize]
    }
}

/// A posting's position bytes while indexing: up to [`INLINE_POSITIONS`] kept in the number
/// itself (the top byte is their count: most postings have one or two bytes, and so need no
/// memory of their own), more in their run part's `long_bytes` ([`LONG_POSITIONS`] and the
/// index of their range).
type Positions = u64;
const INLINE_POSITIONS: usize = 7;
const LONG_POSITIONS: Positions = 0xff << 56;

/// The positions of the chain that starts at `link` in `positions` (see
/// [`Scratch::positions`]), encoded as [`PositionLists::push_posting`] encodes them, as inline
/// [`Positions`] when their bytes fit ([`LongPositions::keep`] makes the same value), else
/// `None`.
fn inline_positions(positions: &[(u32, u32)], mut link: u32) -> Option<Positions> {
    let (mut value, mut len, mut previous) = (0u64, 0usize, 0u32);
    while link != NONE {
        let (position, next) = positions[link as usize];
        let mut varint = (u64::from(position - previous) << 1) | u64::from(next != NONE);
        (previous, link) = (position, next);
        loop {
            if len == INLINE_POSITIONS {
                return None;
            }
            let last = varint < 0x80;
            let byte = if last { varint } else { (varint & 0x7f) | 0x80 };
            value |= byte << (8 * len);
            len += 1;
            if last {
                break;
            }
            varint >>= 7;
        }
    }
    Some(value | ((len as u64) << 56))
}

/// Calls `f` with the bytes of `positions`; `long` finds long ones.
fn with_positions<'a, R>(
    positions: Positions,
    long: impl FnOnce(u32) -> &'a [u8],
    f: impl FnOnce(&[u8]) -> R,
) -> R {
    if positions & LONG_POSITIONS == LONG_POSITIONS {
        return f(long(positions as u32));
    }
    let len = (positions >> 56) as usize;
    let bytes = positions.to_le_bytes();
    f(&bytes[..len])
}

/// No position: the end of a chain in [`Scratch::positions`].
const NONE: u32 = u32::MAX;

/// A post's positions of one term: a chain through [`Scratch::positions`].
#[derive(Clone, Copy)]
struct Chain {
    head: u32,
    tail: u32,
}

/// One term of one post while its terms are extracted.
#[derive(Clone, Copy)]
struct TermStats {
    flags: Flags,
    positions: Chain,
}

impl TermStats {
    const EMPTY: TermStats = TermStats {
        flags: 0,
        positions: Chain {
            head: NONE,
            tail: NONE,
        },
    };
}

/// The common ideographs (U+4E00 to U+9FFF), whose single-character terms a post counts in
/// [`Scratch::ideographs`] instead of its map of grams.
const IDEOGRAPHS: std::ops::RangeInclusive<u32> = 0x4E00..=0x9FFF;

/// The place in [`Scratch::ideographs`] of a gram that is one common ideograph (a unit: a
/// pair has two characters).
fn ideograph_slot(key: u64) -> Option<u16> {
    // Read from the key's bits (see `gram_key`): no second character, and the first in range.
    let first = key >> CHAR_BITS;
    let unit = key & ((1 << CHAR_BITS) - 1) == 0;
    let slot = first.wrapping_sub(u64::from(*IDEOGRAPHS.start()));
    (unit && slot <= u64::from(IDEOGRAPHS.end() - IDEOGRAPHS.start())).then_some(slot as u16)
}

/// A thread's reusable maps for [`Scratch::extract_into`] (they keep their capacity from post
/// to post, so extracting allocates only new words).
#[derive(Default)]
struct Scratch {
    /// The flags of each common ideograph's one-character term in the current post (0: not
    /// in it), and the ones set: a term of one character has no positions, and looking it up
    /// in an array instead of `grams` took a third of the map's lookups away.
    ideographs: Vec<Flags>,
    seen_ideographs: Vec<u16>,
    grams: FxHashMap<u64, TermStats>,
    words: FxHashMap<String, TermStats>,
    /// `(position, next in its chain)`: every position of the current post.
    positions: Vec<(u32, u32)>,
    /// One term's position bytes, being encoded.
    encoded: Vec<u8>,
}

/// Counts an occurrence, and links its position (if any) into the term's chain.
fn note(
    stats: &mut TermStats,
    positions: &mut Vec<(u32, u32)>,
    position: Option<u32>,
    in_title: bool,
) {
    count(&mut stats.flags, in_title);
    if let Some(position) = position {
        let link = u32::try_from(positions.len()).expect("a post's positions fit in u32");
        positions.push((position, NONE));
        let chain = &mut stats.positions;
        match chain.tail {
            NONE => chain.head = link,
            tail => positions[tail as usize].1 = link,
        }
        chain.tail = link;
    }
}

impl Scratch {
    /// Appends one post's distinct terms to `terms`, each to its bucket; `offset` is the
    /// post's place in its run.
    fn extract_into(&mut self, title: &str, text: &str, offset: u32, terms: &mut RunTerms) {
        let Scratch {
            ideographs,
            seen_ideographs,
            grams,
            words,
            positions,
            encoded,
        } = self;
        if ideographs.is_empty() {
            ideographs.resize(IDEOGRAPHS.clone().count(), 0);
        }
        // The text's units are numbered after the title's and one more, so that no run of
        // pairs spans the two (see `PositionLists`).
        let mut first_unit = 0u32;
        for (part, in_title) in [(title, true), (text, false)] {
            let units = for_each_term(part, |token, position| {
                let position = position.map(|p| p.saturating_add(first_unit));
                match token {
                    Token::Gram(key) => match ideograph_slot(key) {
                        Some(slot) => {
                            let flags = &mut ideographs[usize::from(slot)];
                            if *flags == 0 {
                                seen_ideographs.push(slot);
                            }
                            count(flags, in_title);
                        }
                        None => note(
                            grams.entry(key).or_insert(TermStats::EMPTY),
                            positions,
                            position,
                            in_title,
                        ),
                    },
                    Token::Text(word) => match words.get_mut(word) {
                        Some(stats) => note(stats, positions, position, in_title),
                        None => {
                            let mut stats = TermStats::EMPTY;
                            note(&mut stats, positions, position, in_title);
                            words.insert(word.to_owned(), stats);
                        }
                    },
                }
            });
            first_unit = units.saturating_add(1);
        }
        // A term's positions, kept by its run; none for a single unit. Most fit in the
        // posting itself, encoded straight into it.
        let mut keep = |stats: &TermStats, long: &mut LongPositions| {
            if let Some(inline) = inline_positions(positions, stats.positions.head) {
                return inline;
            }
            encoded.clear();
            let mut link = stats.positions.head;
            if link != NONE {
                PositionLists::push_posting(
                    encoded,
                    std::iter::from_fn(|| {
                        let (position, next) = *positions.get(link as usize)?;
                        link = next;
                        Some(position)
                    }),
                );
            }
            long.keep(encoded)
        };
        let ideograph_terms = seen_ideographs.drain(..).map(|slot| {
            let c = char::from_u32(IDEOGRAPHS.start() + u32::from(slot))
                .expect("the common ideographs are characters");
            let flags = std::mem::take(&mut ideographs[usize::from(slot)]);
            (
                gazette_archive::search::gram_key(c, None),
                TermStats {
                    flags,
                    ..TermStats::EMPTY
                },
            )
        });
        for (key, stats) in ideograph_terms.chain(grams.drain()) {
            let kept = keep(&stats, &mut terms.long);
            terms.buckets[usize::from(bucket_of(key))]
                .grams
                .push((pack_gram(offset, key, stats.flags), kept));
        }
        for (word, stats) in words.drain() {
            let kept = keep(&stats, &mut terms.long);
            let bucket = usize::from(bucket_of(word.as_str()));
            terms.buckets[bucket]
                .words
                .push((word, (offset << 3) | u32::from(stats.flags), kept));
        }
        positions.clear();
    }
}

/// Appends a posting's few position bytes byte by byte: most are one to three bytes, for
/// which a call to `memcpy` (what `extend_from_slice` becomes) cost more than the copy.
fn append_small(out: &mut Vec<u8>, bytes: &[u8]) {
    out.reserve(bytes.len());
    for &byte in bytes {
        out.push(byte);
    }
}

/// A term's postings and positions so far: per posting, the varint `(number gap << 3) |
/// flags` (as [`EncodedPostings`] stores it) in `postings`, and the posting's positions (as
/// [`PositionLists`] stores them) in `positions` when the term is a pair. (One buffer with
/// both, split at the end, cost 5% of a 100k build in the split, which walked every varint.)
#[derive(Default)]
struct TermLists {
    postings: Vec<u8>,
    positions: Vec<u8>,
    /// The previous posting's number, shifted as in a [`Packed`] posting.
    last: Packed,
}

impl TermLists {
    /// Adds a posting (after every posting so far) with its position bytes (empty for a
    /// single unit).
    fn add(&mut self, posting: Packed, positions: &[u8]) {
        push_varint(&mut self.postings, u64::from(posting - self.last));
        self.last = posting & !7;
        if !positions.is_empty() {
            append_small(&mut self.positions, positions);
        }
    }

    /// The encoded postings and the position lists' bytes (empty for a single unit).
    fn split(self) -> (EncodedPostings, Vec<u8>) {
        (
            EncodedPostings::from_bytes(self.postings).expect("the builder writes whole varints"),
            self.positions,
        )
    }
}

/// The terms of one bucket, with their postings so far.
#[derive(Default)]
struct Bucket {
    grams: FxHashMap<u64, TermLists>,
    words: FxHashMap<Box<str>, TermLists>,
}

impl Bucket {
    /// The bucket's terms as the index files spell them, with their encoded postings and
    /// positions.
    fn finish(self) -> Vec<FinishedTerm> {
        let finish = |term: TermText, lists: TermLists| {
            let (postings, positions) = lists.split();
            FinishedTerm {
                term,
                postings,
                positions,
            }
        };
        self.grams
            .into_iter()
            .map(|(key, lists)| finish(TermText::gram(key), lists))
            .chain(
                self.words
                    .into_iter()
                    .map(|(word, lists)| finish(TermText::Owned(word), lists)),
            )
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gazette_archive::search::Posting;

    #[test]
    fn byte_order_prefixes_order_texts_as_their_bytes() {
        let texts = [
            "",
            "\0",
            "\0\0",
            "a",
            "a\0",
            "ab",
            "abcdefgh",
            "abcdefgh\0",
            "abcdefghi",
            "abcdefgi",
            "b",
            "人",
            "人民",
            "人民币",
            "人民币汇率",
            "2月",
            "6%",
            "ÿ",
            "\u{10FFFF}",
        ];
        for a in texts {
            for b in texts {
                let (pa, pb) = (
                    byte_order_prefix(a.as_bytes()),
                    byte_order_prefix(b.as_bytes()),
                );
                if pa != pb {
                    assert_eq!(pa.cmp(&pb), a.cmp(b), "{a:?} {b:?}");
                }
            }
        }
    }

    #[test]
    fn a_gram_text_in_place_is_its_text() {
        let chars = [
            'a',
            '7',
            '%',
            '人',
            '民',
            'é',
            '\u{10FFFF}',
            '\u{20000}',
            '，',
        ];
        for &first in &chars {
            for second in chars.iter().map(|&c| Some(c)).chain([None]) {
                let key = gazette_archive::search::gram_key(first, second);
                assert_eq!(
                    TermText::gram(key).as_bytes(),
                    gazette_archive::search::gram_text(key).as_bytes()
                );
            }
        }
    }

    /// Shards in their files' form.
    fn written<S>(shards: &[S], write: fn(&S, &mut Vec<u8>)) -> Vec<Vec<u8>> {
        shards
            .iter()
            .map(|shard| {
                let mut out = Vec::new();
                write(shard, &mut out);
                out
            })
            .collect()
    }

    #[test]
    fn positions_encoded_inline_are_what_the_run_would_keep() {
        // Chains of one to nine positions with gaps of every varint length: where they fit
        // in seven bytes, the inline value is the one `LongPositions::keep` makes of the
        // encoded bytes; where not, there is none.
        let gaps = [1u32, 63, 64, 8_191, 8_192, 1_048_575, 1_048_576, 1 << 27];
        let (mut fits, mut long) = (0, 0);
        for len in 1..=9usize {
            for start in 0..gaps.len() {
                let mut chain = Vec::new();
                let mut position = 0u32;
                for i in 0..len {
                    position += gaps[(start + i * 3) % gaps.len()];
                    let next = if i + 1 < len { i as u32 + 1 } else { NONE };
                    chain.push((position, next));
                }
                let mut encoded = Vec::new();
                PositionLists::push_posting(&mut encoded, chain.iter().map(|&(p, _)| p));
                let mut run = LongPositions::default();
                let kept = run.keep(&encoded);
                match inline_positions(&chain, 0) {
                    Some(inline) => {
                        fits += 1;
                        assert_eq!(inline, kept, "{chain:?}");
                    }
                    None => {
                        long += 1;
                        assert!(encoded.len() > INLINE_POSITIONS, "{chain:?}");
                    }
                }
            }
        }
        assert!(fits > 10 && long > 10, "{fits} {long}");
        assert_eq!(inline_positions(&[], NONE), Some(0));
    }

    #[test]
    fn the_ideograph_slot_is_read_from_the_key() {
        for c in [
            '一',
            '人',
            '\u{9FFF}',
            '\u{4DFF}',
            '\u{A000}',
            'a',
            '，',
            '\u{20000}',
        ] {
            let expected =
                (('\u{4E00}'..='\u{9FFF}').contains(&c)).then(|| (u32::from(c) - 0x4E00) as u16);
            assert_eq!(
                ideograph_slot(gazette_archive::search::gram_key(c, None)),
                expected,
                "{c}"
            );
            assert_eq!(
                ideograph_slot(gazette_archive::search::gram_key(c, Some('人'))),
                None
            );
        }
    }

    #[test]
    fn pairs_keep_their_positions_title_first_then_text() {
        let posts = [("人民币", "人民币 人民"), ("汇率", "人民")];
        let index = one_segment(&posts, |&(title, text)| (title, text));
        let shard = &index.positions[shard_of("人民", index.positions.len() as u32) as usize];
        let mut cursor = shard.terms["人民"].cursor();
        let mut found = Vec::new();
        // The title's units are 0-2, the text's start at 4: 人民 at 0, then 4 and 7.
        cursor.next_posting(Some(&mut found)).unwrap();
        assert_eq!(found, [0, 4, 7]);
        // The second post has no title pair: its text starts at 2 + 1.
        cursor.next_posting(Some(&mut found)).unwrap();
        assert_eq!(found, [3]);
        assert!(cursor.next_posting(None).is_none());
        // Single units have postings and no positions.
        let all: Vec<&String> = index
            .positions
            .iter()
            .flat_map(|s| s.terms.keys())
            .collect();
        assert!(!all.iter().any(|t| t.as_str() == "人"));
        // More positions than fit inline go through the long path.
        let long = "人民".repeat(40);
        let index = one_segment(&[("", long.as_str())], |&(title, text)| (title, text));
        let shard = &index.positions[shard_of("人民", index.positions.len() as u32) as usize];
        shard.terms["人民"]
            .cursor()
            .next_posting(Some(&mut found))
            .unwrap();
        assert_eq!(found, (0..40).map(|i| 1 + 2 * i).collect::<Vec<u32>>());
    }

    /// The index of posts that fit in one segment.
    fn index_segment<T: Sync>(
        posts: &[T],
        first: u32,
        targets: (usize, usize),
        text_of: &(impl Fn(&T) -> (&str, &str) + Sync),
    ) -> IndexSegment {
        let mut segment = SegmentBuilder::with_targets(first, targets);
        segment.add(posts, text_of);
        segment.finish()
    }

    fn one_segment<T: Sync>(
        posts: &[T],
        text_of: impl Fn(&T) -> (&str, &str) + Sync,
    ) -> IndexSegment {
        index_segment(posts, 0, SHARD_TARGETS[0], &text_of)
    }

    fn search_shards<T: Sync>(
        posts: &[T],
        text_of: impl Fn(&T) -> (&str, &str) + Sync,
    ) -> Vec<SearchShard> {
        one_segment(posts, text_of).shards
    }

    fn postings(shards: &[SearchShard], term: &str) -> Vec<Posting> {
        let shard = &shards[shard_of(term, shards.len() as u32) as usize];
        shard
            .terms
            .get(term)
            .map_or_else(Vec::new, |p| p.iter().collect())
    }

    #[test]
    fn terms_land_in_their_shard_with_sorted_postings() {
        let posts = [
            ("人民币汇率", "离岸人民币 A股 A股"),
            ("美元", "人民币 HFO-1234yf"),
            ("无关", "股 股 股 股"),
        ];
        let shards = search_shards(&posts, |&(title, text)| (title, text));
        let posting = |number, in_title, frequency| Posting {
            number,
            in_title,
            frequency,
        };
        assert_eq!(
            postings(&shards, "人民"),
            [posting(0, true, 2), posting(1, false, 1)]
        );
        assert_eq!(postings(&shards, "a"), [posting(0, false, 2)]);
        assert_eq!(postings(&shards, "1234yf"), [posting(1, false, 1)]);
        assert_eq!(
            postings(&shards, "股"),
            [posting(0, false, 2), posting(2, false, 3)]
        );
        assert!(postings(&shards, "日元").is_empty());
        for (number, shard) in shards.iter().enumerate() {
            for term in shard.terms.keys() {
                assert_eq!(shard_of(term, shards.len() as u32), number as u32);
            }
        }
    }

    #[test]
    fn more_posts_than_a_batch_keep_their_numbers() {
        let posts: Vec<String> = (0..BATCH + 10).map(|i| format!("w{i} 共同")).collect();
        let shards = search_shards(&posts, |text| ("", text.as_str()));
        let all = postings(&shards, "共同");
        assert_eq!(all.len(), BATCH + 10);
        assert!(all.iter().enumerate().all(|(i, p)| p.number == i as u32));
        assert_eq!(
            postings(&shards, &format!("w{}", BATCH + 3))[0].number,
            (BATCH + 3) as u32
        );
    }

    #[test]
    fn the_index_is_the_same_on_any_number_of_threads() {
        // Uneven parts (1,024 buckets over 3 or 7 threads), runs of different lengths, and
        // more posts than a batch.
        let posts: Vec<(String, String)> = (0..BATCH + 100)
            .map(|i| {
                (
                    format!("标题{} T{}", i % 97, i % 13),
                    format!("正文 {i} 离岸人民币{} A股 w{}", i % 31, i % 500),
                )
            })
            .collect();
        let index_on = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("a thread pool")
                .install(|| search_shards(&posts, |(t, x)| (t.as_str(), x.as_str())))
        };
        let one = index_on(1);
        for threads in [2, 3, 7] {
            assert_eq!(index_on(threads), one, "on {threads} threads");
        }
        assert_eq!(postings(&one, "离岸").len(), BATCH + 100);
    }

    #[test]
    fn an_empty_archive_has_no_segment() {
        assert!(search_index(&[] as &[(&str, &str)], |&(t, x)| (t, x)).is_empty());
    }

    #[test]
    fn segments_are_cut_by_the_post_count_alone() {
        let [l0, l1, l2] = SEGMENT_LEVELS;
        assert!(segment_plan(0).is_empty());
        assert_eq!(segment_plan(5), [(0, 5, 0)]);
        assert_eq!(segment_plan(l0), [(0, l0, 0)]);
        assert_eq!(segment_plan(l0 + 1), [(0, l0, 0), (l0, l0 + 1, 0)]);
        // 100,000 posts: three segments of 32,768, none of 4,096, then 1,696 open.
        assert_eq!(
            segment_plan(100_000),
            [
                (0, l1, 1),
                (l1, 2 * l1, 1),
                (2 * l1, 3 * l1, 1),
                (3 * l1, 100_000, 0)
            ]
        );
        // Two million: seven of the top level and at most seven of each other, contiguous.
        let plan = segment_plan(2_000_000);
        assert_eq!(plan.iter().filter(|s| s.2 == 2).count(), 7);
        assert!(plan.len() <= 22);
        assert!(plan.windows(2).all(|w| w[0].1 == w[1].0));
        assert_eq!(plan.last().unwrap().1, 2_000_000);
        // A sealed segment stays as the posts after it arrive, until its level fills.
        let before = segment_plan(3 * l2 + 5 * l1 + 3 * l0 + 17);
        let after = segment_plan(3 * l2 + 5 * l1 + 3 * l0 + 3_017);
        assert_eq!(before[..before.len() - 1], after[..after.len() - 1]);
    }

    #[test]
    fn a_merged_segment_is_the_segment_of_all_its_posts() {
        let posts: Vec<(String, String)> = (0..300)
            .map(|i| {
                (
                    format!("标题{} T{}", i % 7, i % 13),
                    format!("离岸人民币{} 人民币 汇率 {i} A股 w{} 人民", i % 11, i % 50),
                )
            })
            .collect();
        fn text_of((title, text): &(String, String)) -> (&str, &str) {
            (title, text)
        }
        for level in [0, 1, 2] {
            let whole = index_segment(&posts, 0, shard_targets(level, 300), &text_of);
            // Uneven parts, one of a single post.
            let cuts = [0, 120, 121, 250, 300];
            let parts: Vec<IndexSegment> = cuts
                .windows(2)
                .map(|w| index_segment(&posts[w[0]..w[1]], w[0] as u32, (64, 64), &text_of))
                .collect();
            assert_eq!(merge_segments(&parts, level), whole, "level {level}");
        }
        // Merging merged parts gives the same again.
        let whole = index_segment(&posts, 0, SHARD_TARGETS[1], &text_of);
        let halves: Vec<IndexSegment> = [(0, 150), (150, 300)]
            .iter()
            .map(|&(a, b)| index_segment(&posts[a..b], a as u32, SHARD_TARGETS[0], &text_of))
            .collect();
        assert_eq!(merge_segments(&halves, 1), whole);
        assert!(whole.shards.len() > 1 && !whole.positions[0].terms.is_empty());
    }

    #[test]
    fn a_segment_is_the_same_however_its_posts_are_added() {
        let posts: Vec<(String, String)> = (0..40_000)
            .map(|i| {
                (
                    format!("标题{}", i % 97),
                    format!("人民币 汇率 {i} w{} 离岸", i % 500),
                )
            })
            .collect();
        fn text_of((title, text): &(String, String)) -> (&str, &str) {
            (title, text)
        }
        let mut at_once = SegmentBuilder::new(7, 1);
        at_once.add(&posts, &text_of);
        // Pieces smaller than the batch, and a piece that crosses a batch's end.
        let mut in_pieces = SegmentBuilder::new(7, 1);
        for piece in [
            &posts[..1],
            &posts[1..5_000],
            &posts[5_000..30_000],
            &posts[30_000..],
        ] {
            in_pieces.add(piece, &text_of);
        }
        assert_eq!(in_pieces.next_number(), 40_007);
        assert_eq!(in_pieces.finish(), at_once.finish());
    }

    #[test]
    fn a_segment_built_in_blocks_is_the_segment_built_at_once() {
        let han = |i: u32| char::from_u32(0x4e00 + i % 3_000).unwrap();
        let posts: Vec<(String, String)> = (0..5_000u32)
            .map(|i| {
                let text: String = (0..40).map(|k| han(i * 7 + k * k * 13)).collect();
                (
                    format!("题{}", i % 31),
                    format!("人民币 {i} w{} {text}", i % 300),
                )
            })
            .collect();
        fn text_of((title, text): &(String, String)) -> (&str, &str) {
            (title, text)
        }
        // Blocks of 1,000 numbered from 0: a segment from 4,096 starts and ends inside one,
        // a segment from 4,000 is five whole blocks.
        for (first, level, blocks) in [(4_096, 0, 5), (4_096, 2, 5), (4_000, 2, 5)] {
            let end = first + 5_000;
            let mut at_once = SegmentBuilder::new(first, level);
            at_once.add(&posts, &text_of);
            let mut in_blocks = SegmentIndexer::with_block(first, level, 1_000);
            for piece in posts.chunks(700) {
                in_blocks.add(piece, &text_of);
            }
            assert_eq!(in_blocks.blocks.len(), blocks, "blocks made");
            // The merge's sizes from the blocks' bytes are those of the merged terms.
            let blocks = &in_blocks.blocks;
            let smallest = blocks.iter().map(|b| b.shards.len()).min().unwrap() as u32;
            for groups in [1, 2, smallest, smallest * 4] {
                for group in 0..groups {
                    assert_eq!(
                        group_size::<SearchMerge>(blocks, group, groups),
                        MergedGroup::of::<SearchMerge>(blocks, group, groups).size(),
                        "search, group {group} of {groups}"
                    );
                    assert_eq!(
                        group_size::<PositionMerge>(blocks, group, groups),
                        MergedGroup::of::<PositionMerge>(blocks, group, groups).size(),
                        "positions, group {group} of {groups}"
                    );
                }
            }
            let mut parts = Vec::new();
            let layout = in_blocks
                .finish(|part| {
                    parts.push(part);
                    Ok::<(), ()>(())
                })
                .unwrap();
            let whole = at_once.finish();
            assert!(whole.shards.len() >= 4 && whole.positions.len() >= 2);
            if first == 4_000 {
                assert!(parts.len() > 2, "handed out in groups: {}", parts.len());
            }
            let mut shards: Vec<(u32, Vec<u8>)> = Vec::new();
            let mut positions: Vec<(u32, Vec<u8>)> = Vec::new();
            for part in parts {
                assert_eq!((part.first, part.end), (first, end));
                shards.extend(part.shards);
                positions.extend(part.positions);
            }
            shards.sort_by_key(|&(n, _)| n);
            positions.sort_by_key(|&(n, _)| n);
            assert_eq!(layout, whole.layout(), "{first} level {level}");
            assert!(shards.iter().map(|&(n, _)| n).eq(0..layout.shards));
            assert!(positions
                .iter()
                .map(|&(n, _)| n)
                .eq(0..layout.position_shards));
            let shards: Vec<Vec<u8>> = shards.into_iter().map(|(_, s)| s).collect();
            let positions: Vec<Vec<u8>> = positions.into_iter().map(|(_, s)| s).collect();
            assert!(
                shards == written(&whole.shards, SearchShard::write),
                "{first} level {level}: search shards"
            );
            assert!(
                positions == written(&whole.positions, PositionShard::write),
                "{first} level {level}: position shards"
            );
        }
    }

    /// An update makes a segment from the files of the smaller segments an earlier build
    /// wrote and the newer posts: the same files as indexing all its posts.
    #[test]
    fn a_segment_resumed_from_earlier_segments_files_is_the_segment_built_at_once() {
        let han = |i: u32| char::from_u32(0x4e00 + i % 2_000).unwrap();
        let size = SEGMENT_LEVELS[0];
        let count = 3 * size + 1_500;
        let posts: Vec<String> = (0..count)
            .map(|i| {
                let text: String = (0..24).map(|k| han(i * 11 + k * k * 7)).collect();
                format!("港股 {i} w{} {text}", i % 500)
            })
            .collect();
        #[allow(clippy::ptr_arg)] // `add` hands it a `&String`
        fn text_of(text: &String) -> (&str, &str) {
            ("", text)
        }
        // Three sealed segments of level 0 written by an earlier build, merged with the
        // newer posts into the level-1 segment [0, 8 × 4,096).
        let files_of = |segment: IndexSegment| SegmentFiles {
            shards: written(&segment.shards, SearchShard::write),
            positions: written(&segment.positions, PositionShard::write),
        };
        let earlier: Vec<SegmentFiles> = (0..3)
            .map(|k| {
                let mut segment = SegmentBuilder::new(k * size, 0);
                segment.add(
                    &posts[(k * size) as usize..((k + 1) * size) as usize],
                    &text_of,
                );
                files_of(segment.finish())
            })
            .collect();
        let mut resumed = SegmentIndexer::resume(0, 1, earlier, 3 * size).expect("valid files");
        resumed.add(&posts[(3 * size) as usize..], &text_of);
        let mut shards: Vec<(u32, Vec<u8>)> = Vec::new();
        let mut positions: Vec<(u32, Vec<u8>)> = Vec::new();
        let layout = resumed
            .finish(|part| {
                shards.extend(part.shards);
                positions.extend(part.positions);
                Ok::<(), ()>(())
            })
            .unwrap();
        let mut at_once = SegmentBuilder::new(0, 1);
        at_once.add(&posts, &text_of);
        let whole = at_once.finish();
        assert_eq!(layout, whole.layout());
        shards.sort_by_key(|&(n, _)| n);
        positions.sort_by_key(|&(n, _)| n);
        assert!(shards
            .into_iter()
            .map(|(_, s)| s)
            .eq(written(&whole.shards, SearchShard::write)));
        assert!(positions
            .into_iter()
            .map(|(_, s)| s)
            .eq(written(&whole.positions, PositionShard::write)));

        // A damaged file of an earlier segment is an error, not a panic.
        let mut damaged = files_of(SegmentBuilder::new(0, 0).finish());
        damaged.shards[0] = b"not an index file".to_vec();
        assert!(SegmentIndexer::resume(0, 1, vec![damaged], size).is_err());
    }

    #[test]
    fn postings_are_numbered_from_the_segment_start_and_split_by_segment() {
        let posts: Vec<String> = (0..SEGMENT_LEVELS[0] + 3)
            .map(|i| format!("w{i} 共同"))
            .collect();
        let index = search_index(&posts, |text| ("", text.as_str()));
        assert_eq!(index.len(), 2);
        assert_eq!(
            (index[1].first, index[1].end),
            (SEGMENT_LEVELS[0], SEGMENT_LEVELS[0] + 3)
        );
        let numbers: Vec<u32> = index
            .iter()
            .flat_map(|segment| postings(&segment.shards, "共同"))
            .map(|p| p.number)
            .collect();
        assert_eq!(numbers, (0..SEGMENT_LEVELS[0] + 3).collect::<Vec<u32>>());
        let last = format!("w{}", SEGMENT_LEVELS[0] + 1);
        assert!(postings(&index[0].shards, &last).is_empty());
        assert_eq!(
            postings(&index[1].shards, &last)[0].number,
            SEGMENT_LEVELS[0] + 1
        );
    }
}
