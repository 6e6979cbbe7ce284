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

/// An index term in compact form: ideograph unigrams and bigrams are packed into an integer
/// (no allocation while indexing millions of them); words keep their text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Term {
    Gram(u64),
    Word(String),
}

const CHAR_BITS: u32 = 22;

impl Term {
    fn gram(first: char, second: Option<char>) -> Term {
        Term::Gram(((first as u64) << CHAR_BITS) | second.map_or(0, |c| c as u64 + 1))
    }

    /// The term as it appears in the index files.
    pub fn text(&self) -> String {
        match self {
            Term::Word(word) => word.clone(),
            Term::Gram(packed) => {
                let first = char::from_u32((packed >> CHAR_BITS) as u32).unwrap_or('\u{fffd}');
                let second = (packed & ((1 << CHAR_BITS) - 1)) as u32;
                let mut text = first.to_string();
                if second != 0 {
                    text.push(char::from_u32(second - 1).unwrap_or('\u{fffd}'));
                }
                text
            }
        }
    }
}

/// Calls `emit` with every index term of `text`, in order, repeats included.
pub fn for_each_term(text: &str, mut emit: impl FnMut(Term)) {
    let mut word = String::new();
    let mut previous_ideograph: Option<char> = None;
    for c in text.chars().map(fold) {
        match kind(c) {
            Kind::Ideograph => {
                flush_word(&mut word, &mut emit);
                emit(Term::gram(c, None));
                if let Some(previous) = previous_ideograph {
                    emit(Term::gram(previous, Some(c)));
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

fn flush_word(word: &mut String, emit: &mut impl FnMut(Term)) {
    if !word.is_empty() {
        emit(Term::Word(std::mem::take(word)));
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
    let mut hash: u32 = 0x811c_9dc5;
    for byte in term.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash % shard_count.max(1)
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

/// Encodes postings (sorted by ordinal) as integers: `(ordinal gap << 3) | (title << 2) | tf`.
/// Gaps keep the numbers short in JSON.
pub fn encode_postings(postings: &[Posting]) -> Vec<u32> {
    let mut previous = 0;
    postings
        .iter()
        .map(|p| {
            let gap = p.ordinal - previous;
            previous = p.ordinal;
            (gap << 3) | (u32::from(p.in_title) << 2) | p.frequency.min(MAX_TERM_FREQUENCY)
        })
        .collect()
}

/// Reverses [`encode_postings`], lazily (a common term has a posting in most posts; the
/// query walks them without allocating).
pub fn postings(encoded: &[u32]) -> impl Iterator<Item = Posting> + '_ {
    let mut ordinal = 0u32;
    encoded.iter().map(move |&value| {
        ordinal = ordinal.saturating_add(value >> 3);
        Posting {
            ordinal,
            in_title: value & 4 != 0,
            frequency: value & 3,
        }
    })
}

/// Reverses [`encode_postings`] into a vector.
pub fn decode_postings(encoded: &[u32]) -> Vec<Posting> {
    postings(encoded).collect()
}

/// One post's distinct terms with `(in title, frequency)`, sorted by term. Collected in a
/// flat vector and sorted once, because a post has hundreds of terms and a map per post
/// would allocate for each.
pub fn post_terms(title: &str, text: &str) -> Vec<(Term, bool, u32)> {
    let mut all: Vec<(Term, bool)> = Vec::with_capacity(2 * (title.len() + text.len()) / 3);
    for_each_term(title, |term| all.push((term, true)));
    for_each_term(text, |term| all.push((term, false)));
    all.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut terms: Vec<(Term, bool, u32)> = Vec::with_capacity(all.len() / 2);
    for (term, in_title) in all {
        match terms.last_mut() {
            Some((last, title, frequency)) if *last == term => {
                *title |= in_title;
                *frequency = (*frequency + 1).min(MAX_TERM_FREQUENCY);
            }
            _ => terms.push((term, in_title, 1)),
        }
    }
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for_each_term(text, |t| out.push(t.text()));
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
    fn postings_round_trip() {
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
                ordinal: 11,
                in_title: false,
                frequency: 1,
            },
        ];
        assert_eq!(
            encode_postings(&postings),
            vec![(3 << 3) | 4 | 2, (7 << 3) | 3, (1 << 3) | 1]
        );
        assert_eq!(decode_postings(&encode_postings(&postings)), postings);
    }

    #[test]
    fn post_terms_mark_the_title_and_cap_frequency() {
        let terms = post_terms("汇率", "汇率 汇率 汇率 汇率 美元");
        let find = |text: &str| {
            terms
                .iter()
                .find(|(t, _, _)| t.text() == text)
                .map(|(_, title, f)| (*title, *f))
        };
        assert_eq!(find("汇率"), Some((true, 3)));
        assert_eq!(find("美元"), Some((false, 1)));
        assert_eq!(find("汇"), Some((true, 3)));
    }
}
