//! Full-text search terms, shared by the builder (which indexes) and the app (which queries),
//! so both cut text the same way.
//!
//! Chinese, Japanese and Korean text has no spaces, so it is indexed as overlapping character
//! bigrams (`人民币` → `人民`, `民币`) plus single characters for one-character queries;
//! letters and digits are indexed as whole words (`HFO-1234yf` → `hfo`, `1234yf`; `600160`;
//! `A股` → `a` + `股`). Full-width ASCII is folded to ASCII and everything is lower-cased.
//! Terms are spread over shards by a stable hash, so a query downloads only the shards of its
//! own terms (the approach Pagefind takes).

/// Highest term frequency stored per posting (more says little about relevance).
pub const MAX_TERM_FREQUENCY: u32 = 3;

/// A character's role in tokenizing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ideograph,
    Word,
    Separator,
}

fn fold(c: char) -> char {
    match c {
        // Full-width ASCII (Ａ, １, －) to ASCII.
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c),
        _ => c,
    }
}

fn kind(c: char) -> Kind {
    match c {
        '\u{3040}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7AF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}' => Kind::Ideograph,
        c if c.is_alphanumeric() => Kind::Word,
        _ => Kind::Separator,
    }
}

/// One index term as the tokenizer yields it: ideograph unigrams and bigrams packed into an
/// integer (no allocation while indexing millions of them, see [`gram_key`]); words borrowed
/// from the tokenizer's buffer, already folded and lower-cased.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token<'a> {
    Gram(u64),
    Word(&'a str),
}

pub(crate) const CHAR_BITS: u32 = 22;

/// Packs a unigram (`second` is `None`) or a bigram into one integer: 22 bits per character
/// (Unicode needs 21; the second character is stored plus one so that zero means "none").
pub fn gram_key(first: char, second: Option<char>) -> u64 {
    ((first as u64) << CHAR_BITS) | second.map_or(0, |c| c as u64 + 1)
}

/// The characters of a [`gram_key`].
pub fn gram_chars(key: u64) -> (char, Option<char>) {
    let first = char::from_u32((key >> CHAR_BITS) as u32).unwrap_or('\u{fffd}');
    let second = (key & ((1 << CHAR_BITS) - 1)) as u32;
    let second = (second != 0).then(|| char::from_u32(second - 1).unwrap_or('\u{fffd}'));
    (first, second)
}

/// The text of a [`gram_key`], as the index files spell the term.
pub fn gram_text(key: u64) -> String {
    let (first, second) = gram_chars(key);
    let mut text = String::with_capacity(8);
    text.push(first);
    text.extend(second);
    text
}

/// Calls `emit` with every index term of `text`, in order, repeats included.
pub fn for_each_term(text: &str, mut emit: impl FnMut(Token<'_>)) {
    let mut word = String::new();
    let mut previous_ideograph: Option<char> = None;
    for c in text.chars().map(fold) {
        match kind(c) {
            Kind::Ideograph => {
                flush_word(&mut word, &mut emit);
                emit(Token::Gram(gram_key(c, None)));
                if let Some(previous) = previous_ideograph {
                    emit(Token::Gram(gram_key(previous, Some(c))));
                }
                previous_ideograph = Some(c);
            }
            Kind::Word => {
                previous_ideograph = None;
                word.extend(c.to_lowercase());
            }
            Kind::Separator => {
                previous_ideograph = None;
                flush_word(&mut word, &mut emit);
            }
        }
    }
    flush_word(&mut word, &mut emit);
}

fn flush_word(word: &mut String, emit: &mut impl FnMut(Token<'_>)) {
    if !word.is_empty() {
        emit(Token::Word(word));
        word.clear();
    }
}

/// The terms a query must match, all of them: for each ideograph run its bigrams (or the
/// single character), for each word the word. Quotes only group; they add no constraint the
/// bigrams do not already give.
pub fn query_terms(query: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    let mut push = |term: String| {
        if !terms.contains(&term) {
            terms.push(term);
        }
    };
    let mut run: Vec<char> = Vec::new();
    let mut word = String::new();
    let flush_run = |run: &mut Vec<char>, push: &mut dyn FnMut(String)| {
        match run.len() {
            0 => {}
            1 => push(run[0].to_string()),
            _ => run.windows(2).for_each(|pair| push(pair.iter().collect())),
        }
        run.clear();
    };
    for c in query.chars().map(fold) {
        match kind(c) {
            Kind::Ideograph => {
                if !word.is_empty() {
                    push(std::mem::take(&mut word));
                }
                run.push(c);
            }
            Kind::Word => {
                flush_run(&mut run, &mut push);
                word.extend(c.to_lowercase());
            }
            Kind::Separator => {
                flush_run(&mut run, &mut push);
                if !word.is_empty() {
                    push(std::mem::take(&mut word));
                }
            }
        }
    }
    flush_run(&mut run, &mut push);
    if !word.is_empty() {
        push(word);
    }
    terms
}

/// The strings to highlight for a query: its ideograph runs and words, lower-cased.
pub fn highlight_terms(query: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut current_kind = Kind::Separator;
    for c in query.chars().map(fold) {
        let k = kind(c);
        if k != current_kind && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        if k != Kind::Separator {
            current.extend(c.to_lowercase());
        }
        current_kind = k;
    }
    if !current.is_empty() {
        out.push(current);
    }
    out.sort_by_key(|t| std::cmp::Reverse(t.chars().count()));
    out.dedup();
    out
}

/// The shard holding `term`: FNV-1a, so the builder (x86) and the app (wasm32) agree.
pub fn shard_of(term: &str, shard_count: u32) -> u32 {
    fnv1a(term.as_bytes()) % shard_count.max(1)
}

fn fnv1a(bytes: &[u8]) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for &byte in bytes {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

/// One post's occurrence of a term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting {
    /// The post's position in the archive (newest first).
    pub ordinal: u32,
    /// Whether the term is in the title.
    pub in_title: bool,
    /// Occurrences, capped at [`MAX_TERM_FREQUENCY`].
    pub frequency: u32,
}

/// A term's postings as stored in `search/NNNN.bin.gz`: each posting, ascending by ordinal,
/// is the integer `(ordinal gap << 3) | (in title << 2) | frequency` written as a LEB128
/// varint. A common term's gaps are small, so most postings take one byte.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EncodedPostings(Vec<u8>);

impl EncodedPostings {
    /// Encodes postings that are sorted by ordinal.
    pub fn encode(postings: impl IntoIterator<Item = Posting>) -> Self {
        let postings = postings.into_iter();
        // Most postings take one or two bytes: growing from empty, a byte at a time, cost
        // 40% on top of the encoding itself.
        let mut bytes = Vec::with_capacity(postings.size_hint().0 * 2);
        let mut previous = 0;
        for p in postings {
            debug_assert!(p.ordinal >= previous, "postings sorted by ordinal");
            let gap = p.ordinal - previous;
            previous = p.ordinal;
            let value = (u64::from(gap) << 3)
                | (u64::from(p.in_title) << 2)
                | u64::from(p.frequency.min(MAX_TERM_FREQUENCY));
            push_varint(&mut bytes, value);
        }
        EncodedPostings(bytes)
    }

    /// The postings, decoded as they are walked (a common term has a posting in most posts;
    /// the query walks them without allocating).
    pub fn iter(&self) -> impl Iterator<Item = Posting> + '_ {
        let mut bytes = self.0.iter();
        let mut ordinal = 0u32;
        std::iter::from_fn(move || {
            let mut value = 0u64;
            let mut shift = 0;
            loop {
                let byte = *bytes.next()?;
                // A damaged number longer than ten bytes loses its high bits, never panics.
                value |= u64::from(byte & 0x7f) << shift;
                shift = (shift + 7).min(63);
                if byte & 0x80 == 0 {
                    break;
                }
            }
            ordinal = ordinal.saturating_add(u32::try_from(value >> 3).unwrap_or(u32::MAX));
            Some(Posting {
                ordinal,
                in_title: value & 4 != 0,
                frequency: (value & 3) as u32,
            })
        })
    }

    /// Encoded size in bytes: a cheap upper bound on the posting count.
    pub fn byte_len(&self) -> usize {
        self.0.len()
    }

    /// The encoded bytes, as an index file stores them.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Postings from their stored bytes; `None` when the last number is cut off, so a damaged
    /// shard fails to load instead of yielding made-up postings.
    pub fn from_bytes(bytes: Vec<u8>) -> Option<Self> {
        (bytes.last().is_none_or(|last| last & 0x80 == 0)).then_some(EncodedPostings(bytes))
    }
}

/// Appends `value` as an unsigned LEB128 varint (7 bits a byte, low bits first).
pub(crate) fn push_varint(bytes: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        bytes.push((value as u8) | 0x80);
        value >>= 7;
    }
    bytes.push(value as u8);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for_each_term(text, |t| {
            out.push(match t {
                Token::Gram(key) => gram_text(key),
                Token::Word(word) => word.to_string(),
            })
        });
        out
    }

    #[test]
    fn chinese_becomes_unigrams_and_bigrams() {
        assert_eq!(terms("人民币"), ["人", "民", "人民", "币", "民币"]);
    }

    #[test]
    fn words_and_digits_stay_whole_and_lower_case() {
        assert_eq!(
            terms("HFO-1234yf、ET7 600160"),
            ["hfo", "1234yf", "et7", "600160"]
        );
        assert_eq!(terms("A股"), ["a", "股"]);
        assert_eq!(terms("ＡＢＣ１２３"), ["abc123"]);
    }

    #[test]
    fn queries_need_every_bigram_or_the_single_character() {
        assert_eq!(query_terms("人民币 汇率"), ["人民", "民币", "汇率"]);
        assert_eq!(
            query_terms("\"离岸人民币\""),
            ["离岸", "岸人", "人民", "民币"]
        );
        assert_eq!(query_terms("股"), ["股"]);
        assert_eq!(query_terms("A股"), ["a", "股"]);
        assert_eq!(query_terms("HFO-1234yf"), ["hfo", "1234yf"]);
        assert_eq!(query_terms("  "), Vec::<String>::new());
    }

    #[test]
    fn highlights_are_the_runs_longest_first() {
        assert_eq!(highlight_terms("汇率 人民币"), ["人民币", "汇率"]);
        assert_eq!(highlight_terms("A股"), ["a", "股"]);
    }

    #[test]
    fn shards_are_stable_numbers() {
        assert_eq!(shard_of("人民", 1), 0);
        assert_eq!(shard_of("人民", 64), shard_of("人民", 64));
        assert!(shard_of("hfo", 64) < 64);
        // FNV-1a of "a" is 0xe40c292c: pinned so that builder and app never drift apart.
        assert_eq!(shard_of("a", u32::MAX), 0xe40c_292c);
    }

    #[test]
    fn gram_keys_round_trip() {
        for (first, second, text) in [
            ('人', Some('民'), "人民"),
            ('股', None, "股"),
            ('𠀀', Some('a'), "𠀀a"),
        ] {
            let key = gram_key(first, second);
            assert_eq!(gram_chars(key), (first, second));
            assert_eq!(gram_text(key), text);
        }
    }

    #[test]
    fn postings_round_trip_through_their_bytes() {
        let postings = vec![
            Posting {
                ordinal: 3,
                in_title: true,
                frequency: 2,
            },
            Posting {
                ordinal: 10,
                in_title: false,
                frequency: 3,
            },
            Posting {
                ordinal: 200_000,
                in_title: false,
                frequency: 1,
            },
        ];
        let encoded = EncodedPostings::encode(postings.clone());
        // (3 << 3) | 4 | 2 = 30 and (7 << 3) | 3 = 59 take a byte each; the gap of 199,990
        // takes three.
        assert_eq!(encoded.as_bytes(), [0x1e, 0x3b, 0xb1, 0xd3, 0x61]);
        let back = EncodedPostings::from_bytes(encoded.as_bytes().to_vec()).unwrap();
        assert_eq!(back.iter().collect::<Vec<_>>(), postings);
    }

    #[test]
    fn damaged_postings_fail_to_load() {
        // 0x80: a number that never ends.
        assert!(EncodedPostings::from_bytes(vec![0x1e, 0x80]).is_none());
        let empty = EncodedPostings::from_bytes(Vec::new()).unwrap();
        assert_eq!(empty.iter().count(), 0);
    }
}
