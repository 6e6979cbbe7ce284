//! Builds the full-text index files (`search/NNNN.json`) from posts in ordinal order.
//!
//! At 100,000 posts the index holds over forty million postings, so the work is laid out for
//! several cores and for the cache:
//!
//! 1. Each post's distinct terms are extracted in parallel into a per-thread scratch map (no
//!    sorting; ideograph terms are integers, see [`crate::search::gram_key`]), and each term
//!    is tagged with a *bucket*, one of [`BUCKETS`], by a cheap hash.
//! 2. Each thread takes a range of buckets and stages a batch's postings for them, in
//!    ordinal order, then appends the staged postings to its buckets' term maps. A bucket
//!    holds a few dozen terms (14 on average at 100,000 posts), so these lookups stay in
//!    cache, where one map of hundreds of thousands of terms missed it on nearly every
//!    posting.
//! 3. Once the index's size is known the shard count is picked, and each term goes to the
//!    shard [`crate::search::shard_of`] names for it (computed once per term, not per
//!    posting).

use std::hash::{BuildHasher, Hash};
use std::ops::Range;

use rayon::prelude::*;
use rustc_hash::{FxBuildHasher, FxHashMap};

use crate::archive::{SearchShard, SCHEMA_VERSION};
use crate::search::{
    for_each_term, gram_text, shard_of, EncodedPostings, Posting, Token, MAX_TERM_FREQUENCY,
};

/// Terms are grouped into this many buckets while indexing (a power of two).
const BUCKETS: usize = 16_384;
/// The most shards an index may have.
pub const MAX_SHARDS: usize = 16_384;
/// A search shard aims at about this many bytes of JSON. A query fetches one shard per term,
/// so this is most of what a query downloads beyond its own terms' postings: at 16 KiB a
/// median query of the benchmark fetches about 14 KB of index at 10,000 posts and 20 KB at
/// 100,000 (48 KiB fetched three times as much), at the price of more, smaller files.
pub const SHARD_TARGET_BYTES: usize = 16 * 1024;
/// Posts whose terms are extracted at once (bounds memory at any archive size).
const BATCH: usize = 4096;

/// A posting's `(in title << 2) | frequency`.
type Flags = u8;
/// A posting while indexing: `(ordinal << 3) | flags`, so sorting by it sorts by ordinal.
/// Enough for 500 million posts.
type Packed = u32;

/// The search shards for `posts`, newest first (the ordinal order); `text_of` gives a post's
/// title and article text.
pub fn search_shards<T: Sync>(
    posts: &[T],
    text_of: impl Fn(&T) -> (&str, &str) + Sync,
) -> Vec<SearchShard> {
    let mut buckets: Vec<Bucket> = (0..BUCKETS).map(|_| Bucket::default()).collect();
    let per_thread = BUCKETS.div_ceil(rayon::current_num_threads().max(1));
    for (batch_number, batch) in posts.chunks(BATCH).enumerate() {
        let extracted: Vec<PostTerms> = batch
            .par_iter()
            .map_init(Scratch::default, |scratch, post| {
                let (title, text) = text_of(post);
                scratch.extract(title, text)
            })
            .collect();
        let first_ordinal = batch_number * BATCH;
        buckets
            .par_chunks_mut(per_thread)
            .enumerate()
            .for_each(|(part, buckets)| {
                let range = part * per_thread..part * per_thread + buckets.len();
                add_batch(buckets, range, first_ordinal, &extracted);
            });
    }

    let terms: Vec<(String, EncodedPostings)> = buckets
        .into_par_iter()
        .flat_map_iter(Bucket::finish)
        .collect();
    let json_bytes: usize = terms
        .iter()
        .map(|(term, postings)| term.len() + postings.text_len() + 6)
        .sum();
    let shard_count = json_bytes
        .div_ceil(SHARD_TARGET_BYTES)
        .next_power_of_two()
        .clamp(1, MAX_SHARDS);
    let mut shards: Vec<Vec<(String, EncodedPostings)>> = vec![Vec::new(); shard_count];
    for (term, postings) in terms {
        shards[shard_of(&term, shard_count as u32) as usize].push((term, postings));
    }
    shards
        .into_par_iter()
        .map(|terms| SearchShard {
            schema_version: SCHEMA_VERSION,
            terms: terms.into_iter().collect(),
        })
        .collect()
}

/// Adds one batch's postings to `buckets`, which are the buckets numbered `range`: staged
/// per bucket first (in ordinal order), then appended bucket by bucket.
fn add_batch(
    buckets: &mut [Bucket],
    range: Range<usize>,
    first_ordinal: usize,
    extracted: &[PostTerms],
) {
    for (offset, terms) in extracted.iter().enumerate() {
        let ordinal = Packed::try_from(first_ordinal + offset)
            .ok()
            .filter(|&ordinal| ordinal < 1 << 29)
            .expect("the index holds at most 2^29 posts")
            << 3;
        for &(key, bucket, flags) in &terms.grams {
            if range.contains(&usize::from(bucket)) {
                buckets[usize::from(bucket) - range.start]
                    .staged_grams
                    .push((key, ordinal | Packed::from(flags)));
            }
        }
        for (index, &(_, bucket, flags)) in terms.words.iter().enumerate() {
            if range.contains(&usize::from(bucket)) {
                buckets[usize::from(bucket) - range.start]
                    .staged_words
                    .push((offset as u32, index as u32, ordinal | Packed::from(flags)));
            }
        }
    }
    for bucket in buckets {
        bucket.add_staged(extracted);
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

/// One post's distinct terms: `(term, bucket, flags)`.
struct PostTerms {
    grams: Vec<(u64, u16, Flags)>,
    words: Vec<(String, u16, Flags)>,
}

/// A thread's reusable maps for [`Scratch::extract`] (they keep their capacity from post to
/// post, so extracting allocates only the result and new words).
#[derive(Default)]
struct Scratch {
    grams: FxHashMap<u64, Flags>,
    words: FxHashMap<String, Flags>,
}

impl Scratch {
    fn extract(&mut self, title: &str, text: &str) -> PostTerms {
        for (part, in_title) in [(title, true), (text, false)] {
            for_each_term(part, |token| match token {
                Token::Gram(key) => count(self.grams.entry(key).or_insert(0), in_title),
                Token::Word(word) => match self.words.get_mut(word) {
                    Some(flags) => count(flags, in_title),
                    None => {
                        let mut flags = 0;
                        count(&mut flags, in_title);
                        self.words.insert(word.to_owned(), flags);
                    }
                },
            });
        }
        PostTerms {
            grams: self
                .grams
                .drain()
                .map(|(key, flags)| (key, bucket_of(key), flags))
                .collect(),
            words: self
                .words
                .drain()
                .map(|(word, flags)| {
                    let bucket = bucket_of(word.as_str());
                    (word, bucket, flags)
                })
                .collect(),
        }
    }
}

/// The terms of one bucket, with their postings so far, and the current batch's postings
/// staged for them (the staging lists keep their capacity from batch to batch).
#[derive(Default)]
struct Bucket {
    staged_grams: Vec<(u64, Packed)>,
    /// `(post in the batch, word of that post, posting)`.
    staged_words: Vec<(u32, u32, Packed)>,
    grams: FxHashMap<u64, Vec<Packed>>,
    words: FxHashMap<Box<str>, Vec<Packed>>,
}

impl Bucket {
    /// Appends the staged postings, which are in ordinal order, so every term's postings
    /// stay sorted.
    fn add_staged(&mut self, extracted: &[PostTerms]) {
        for (key, posting) in self.staged_grams.drain(..) {
            self.grams.entry(key).or_default().push(posting);
        }
        for (post, word, posting) in self.staged_words.drain(..) {
            let word = extracted[post as usize].words[word as usize].0.as_str();
            match self.words.get_mut(word) {
                Some(list) => list.push(posting),
                None => {
                    self.words.insert(word.into(), vec![posting]);
                }
            }
        }
    }

    /// The bucket's terms as the index files spell them, with their encoded postings.
    fn finish(self) -> Vec<(String, EncodedPostings)> {
        debug_assert!(self.staged_grams.is_empty() && self.staged_words.is_empty());
        let encode = |list: Vec<Packed>| {
            EncodedPostings::encode(list.into_iter().map(|packed| Posting {
                ordinal: packed >> 3,
                in_title: packed & 4 != 0,
                frequency: packed & 3,
            }))
        };
        self.grams
            .into_iter()
            .map(|(key, list)| (gram_text(key), encode(list)))
            .chain(
                self.words
                    .into_iter()
                    .map(|(word, list)| (word.into(), encode(list))),
            )
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let posting = |ordinal, in_title, frequency| Posting {
            ordinal,
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
    fn more_posts_than_a_batch_keep_their_ordinals() {
        let posts: Vec<String> = (0..BATCH + 10).map(|i| format!("w{i} 共同")).collect();
        let shards = search_shards(&posts, |text| ("", text.as_str()));
        let all = postings(&shards, "共同");
        assert_eq!(all.len(), BATCH + 10);
        assert!(all.iter().enumerate().all(|(i, p)| p.ordinal == i as u32));
        assert_eq!(
            postings(&shards, &format!("w{}", BATCH + 3))[0].ordinal,
            (BATCH + 3) as u32
        );
    }

    #[test]
    fn an_empty_archive_has_one_empty_shard() {
        let shards = search_shards(&[] as &[(&str, &str)], |&(t, x)| (t, x));
        assert_eq!(shards.len(), 1);
        assert!(shards[0].terms.is_empty());
    }
}
