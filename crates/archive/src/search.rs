//! Full-text search terms, shared by the builder (which indexes) and the app (which queries),
//! so both cut text the same way.
//!
//! Text is read as a sequence of *units*: each Chinese, Japanese or Korean character, each
//! word (a run of letters, `HFO`, or of digits, `600160`: where letters meet digits, as in
//! `1234yf`, `iPhone15` or `SH600519`, one word ends and the next begins), and each other
//! visible character (`.`, `%`, `-`, `，`); white space separates units without being one.
//! Text is read as typed: full-width ASCII is folded to ASCII, other forms a reader cannot
//! tell apart to the character they stand for (`￥` is `¥`, `⽇` is `日`, `𝐁` is `B`),
//! typography to the keys it stands for (`’` is `'`, `–` and `—` are `-`, `…` is `...`, `«` is `<<`), everything is lower-cased (`ß` as
//! `ss`, the ligature `ﬁ` as `fi`), a combining mark belongs to the character before it (`e` +
//! U+0301 is `é`; marks typed in another order than Unicode's canonical one are put in it, so
//! `ê` + dot below is `ệ`) and invisible format characters (zero-width space, byte order
//! mark, soft hyphen, the keycap of `1️⃣`) are not there. Two units are *joined* when nothing (no white space) stands between them, and
//! *spaced* when only white space on one line does.
//!
//! A query means what was typed: a post matches when its title or its article text contains
//! every white-space-separated part of the query as a run of joined units; between quote
//! marks white space does not separate parts, so a quoted phrase (`"rate cut"`) is one part
//! whose units must be spaced where it has white space and joined where it has none. Because
//! a word is always a whole run of letters or of digits, a part that starts or ends with a
//! letter or digit matches only at a word boundary there, and a change between letters and
//! digits is one: `30` is not found in `2030`, `2月` not in `12月` but in `今年2月`, `3.6%`
//! not in `13.6%`, `phone` not in `iPhone15`; `2024` is found in `2024Q1`, `iPhone` in
//! `iPhone15`, `600519` in `SH600519`.
//!
//! The index holds a posting list for every unit (`人`, `hfo`, `%`), for every pair of
//! joined units (`人民`, `2月`, `3.`, `.6`, `6%`) and for every unit next to white space on
//! its line, spelled with a space on that side (`rate `, ` cut`). A part of one unit is its
//! unit's postings and a part of two joined units its pair's: both exact. A longer part
//! (`人民币`, `3.6%`) or a phrase with white space (`"rate cut"`) needs its terms one after
//! the other, so pairs and spaced terms also have their *positions* (the unit number of each
//! occurrence), kept in files of their own that only such parts fetch (see
//! [`PositionLists`]). Terms are spread over shards by a stable hash, so a query downloads
//! only the shards of its own terms (the approach Pagefind takes).

use std::ops::Range;

use crate::unicode;

/// Highest term frequency stored per posting (more says little about relevance).
pub const MAX_TERM_FREQUENCY: u32 = 3;

/// A character's role in tokenizing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A Chinese, Japanese or Korean character (or another character that stands alone, as
    /// `〇` and `①`): a unit of its own.
    Ideograph,
    /// A letter or digit: runs of them are words.
    Word,
    /// Any other visible character: a unit of its own.
    Mark,
    /// White space and control characters: separate units.
    Space,
    /// A combining mark: part of the unit before it (composed with its last character where
    /// Unicode has one character for both).
    Combining,
    /// An invisible format character (zero-width space, byte order mark, soft hyphen, word
    /// joiner, direction marks, variation selectors): not there at all, so `人民\u{200B}币`
    /// reads as `人民币`.
    Ignored,
}

/// The character a reader types for `c`: full-width ASCII as ASCII (`Ａ`, `１`, `－`), and
/// the typography kramdown and editors put in text as the keys it stands for (`’` is `'`,
/// `–` and `—` are `-`, `“` is `"`). `…`, `«` and `»` are several keys: see [`expansion`].
fn fold(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c),
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => '"',
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' => '-',
        '\u{2039}' => '<',
        '\u{203A}' => '>',
        // The apostrophe some keyboards and editors write as a letter (`Chinaʼs`).
        '\u{02BC}' => '\'',
        // Forms a reader cannot tell from the character they stand for, each one character
        // in Unicode's compatibility form (NFKC): the full-width signs a Chinese input method
        // types (`￥` is `¥`, `￡` is `£`), half-width punctuation, katakana and jamo (`｢` is
        // `「`), the Kangxi radicals of text copied from PDF (`⽇` is `日`), the compatibility
        // ideographs (`豈` U+F900 is U+8C48) and the mathematical letters and digits (`𝐁` is
        // `B`, and those Unicode keeps among the letterlike symbols: `ℎ` is `h`, `ℝ` is `R`),
        // with the Greek letters' symbol forms they fold to (`ϑ` is `θ`, as `𝛝` is).
        c if unicode::in_compatibility_blocks(c) => unicode::one_compatible(c).unwrap_or(c),
        _ => c,
    }
}

/// The keys typed for a character that stands for several: kramdown writes `...` as `…`,
/// `<<` as `«` and `>>` as `»`.
fn expansion(c: char) -> Option<&'static str> {
    match c {
        '\u{2026}' => Some("..."),
        '\u{00AB}' => Some("<<"),
        '\u{00BB}' => Some(">>"),
        _ => None,
    }
}

/// Whether `c` stands between search units (white space, or an ideograph, a unit of its own):
/// text cut before or after it cuts no word or number in two.
pub fn separates_units(c: char) -> bool {
    matches!(kind(c), Kind::Space | Kind::Ideograph)
}

fn kind(c: char) -> Kind {
    if c.is_ascii() {
        return if c.is_ascii_alphanumeric() {
            Kind::Word
        } else if c.is_ascii_whitespace() || c.is_ascii_control() {
            Kind::Space
        } else {
            Kind::Mark
        };
    }
    match c {
        // Kana's combining voiced sound marks (`か` + U+3099 is `が`), and the vowels and
        // final consonants of Hangul written as jamo (as macOS stores Korean file names and
        // text copied from them), which compose with the initial before them into the
        // syllable (`ᄒ` + `ᅡ` + `ᆫ` is `한`).
        '\u{3099}' | '\u{309A}' | '\u{1160}'..='\u{11FF}' | '\u{D7B0}'..='\u{D7FF}' => {
            Kind::Combining
        }
        '\u{3040}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7AF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}'
        // CJK extensions G and H.
        | '\u{30000}'..='\u{323AF}'
        // 々 〆 〇, the Hangzhou numerals, 〸 〹 〺 〻: letters and numbers to Unicode, but
        // written as ideographs (`二〇〇八年`).
        | '\u{3005}'..='\u{3007}'
        | '\u{3021}'..='\u{3029}'
        | '\u{3038}'..='\u{303B}'
        // Enclosed numbers and letters (`①`, `⑴`, `⒈`, `Ⓐ`, `㈠`, `㊀`): list markers, each
        // one of its own, not a word (`①②③`).
        | '\u{2460}'..='\u{24FF}'
        | '\u{2776}'..='\u{2793}'
        | '\u{3200}'..='\u{32FF}'
        // Hangul's initial consonants (a syllable starts with one) and its letters written
        // alone (`ㅋㅋㅋ`), each a unit as a syllable is.
        | '\u{1100}'..='\u{115F}'
        | '\u{A960}'..='\u{A97F}'
        | '\u{3130}'..='\u{318F}' => Kind::Ideograph,
        '\u{00AD}'
        | '\u{061C}'
        | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{FE00}'..='\u{FE0F}'
        // The keycap that makes `1️⃣` of a digit: a list marker's frame, the digit stays.
        | '\u{20E3}'
        | '\u{FEFF}'
        | '\u{E0000}'..='\u{E0FFF}' => Kind::Ignored,
        // (Before letters: some marks are letters to Unicode, the vowel signs of Indic
        // scripts and Arabic's, and still belong to the character before them.)
        c if unicode::is_combining_mark(c) => Kind::Combining,
        c if c.is_alphanumeric() => Kind::Word,
        c if c.is_whitespace() || c.is_control() => Kind::Space,
        _ => Kind::Mark,
    }
}

/// Which run of a word a letter or digit belongs to: letters (0), digits (1), or numbers
/// written small or as one sign (2: superscripts and subscripts, fractions, Roman numerals),
/// so that `2023¹` (a footnote's mark) is `2023` and `¹`, as `iPhone15` is `iphone` and `15`.
fn word_part(c: char) -> u8 {
    if c.is_ascii() {
        return u8::from(c.is_ascii_digit());
    }
    match c {
        '\u{00B2}' | '\u{00B3}' | '\u{00B9}' | '\u{00BC}'..='\u{00BE}' => 2,
        '\u{2070}'..='\u{209F}' | '\u{2150}'..='\u{218F}' => 2,
        c if c.is_numeric() => 1,
        _ => 0,
    }
}

/// Appends `c` to a word, lower-cased as a reader's typing is compared: `ß` is `ss`, a final
/// `ς` is `σ`, `İ` is `i`.
fn push_lower(word: &mut String, c: char) {
    match c {
        c if c.is_ascii() => word.push(c.to_ascii_lowercase()),
        '\u{00DF}' | '\u{1E9E}' => word.push_str("ss"),
        '\u{03C2}' => word.push('\u{03C3}'),
        '\u{0130}' => word.push('i'),
        // The Latin ligatures a typesetter's text may hold (`ﬁnance`), as their letters.
        '\u{FB00}' => word.push_str("ff"),
        '\u{FB01}' => word.push_str("fi"),
        '\u{FB02}' => word.push_str("fl"),
        '\u{FB03}' => word.push_str("ffi"),
        '\u{FB04}' => word.push_str("ffl"),
        '\u{FB05}' | '\u{FB06}' => word.push_str("st"),
        c => word.extend(c.to_lowercase()),
    }
}

/// Where the last cluster of `word` starts: its last character that is no combining mark
/// (the marks after it belong to it).
fn last_cluster_start(word: &str) -> usize {
    word.char_indices()
        .rev()
        .find(|&(_, c)| !unicode::is_combining_mark(c))
        .map_or(0, |(at, _)| at)
}

/// The base letter of the last cluster of `word` (decomposed: `ị` is `i` and a dot below).
fn base_of_last_cluster(word: &str) -> Option<char> {
    let last = word[last_cluster_start(word)..].chars().next()?;
    let mut base = None;
    unicode_normalization::char::decompose_canonical(last, |d| {
        base.get_or_insert(d);
    });
    base
}

/// `base` with the combining mark `mark`: the one character Unicode has for both, if any.
fn composed(base: char, mark: char) -> Option<char> {
    unicode_normalization::char::compose(base, mark)
}

/// Adds the combining mark `mark` to the end of `word` when it does not compose with the
/// character before it: the word's last character and its marks are put in their canonical
/// (NFC) form with it. So `ê` followed by a dot below (the order a Vietnamese keyboard may
/// type) is `ệ`, as the dot below followed by the circumflex is: the same text in either
/// order gives the same word.
fn add_mark_in_canonical_order(word: &mut String, mark: char) {
    // The last cluster, with `mark`, in its canonical composition (NFC: marks in canonical
    // order, composed with the character and with each other where Unicode has one character
    // for them, as Tamil's `ெ` and `ா` are `ொ`).
    let cluster_start = last_cluster_start(word);
    let cluster = unicode::nfc(word[cluster_start..].chars().chain(std::iter::once(mark)));
    word.truncate(cluster_start);
    word.push_str(&cluster);
}

/// `base` with `mark` as one character when their canonical composition (NFC) is one,
/// whatever the order `base`'s own marks and `mark` came in.
fn composed_out_of_order(base: char, mark: char) -> Option<char> {
    let mut word = String::new();
    word.push(base);
    add_mark_in_canonical_order(&mut word, mark);
    let mut chars = word.chars();
    match (chars.next(), chars.next()) {
        (Some(one), None) => Some(one),
        _ => None,
    }
}

/// One unit of text, folded and lower-cased: a character (an ideograph or a mark) or a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit<'a> {
    Char(char),
    Word(&'a str),
}

/// How a unit stands to the unit before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Join {
    /// Nothing (no white space) between them: `人民`, `3.6`, `a股`.
    Joined,
    /// White space between them on the same line: `FF 91`, `rate cut`.
    Spaced,
    /// The first unit of the text, or a line break between them (the article text has one
    /// line per block: a paragraph, a list item, a table cell).
    Apart,
}

/// Whether `c` ends a line (a block, in the article text).
fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// Calls `emit(unit, join, bytes)` for every unit of `text` in order: `join` is how it stands
/// to the unit before it (invisible format characters between them do not count), `bytes`
/// where it stands in `text`.
pub fn for_each_unit(text: &str, mut emit: impl FnMut(Unit<'_>, Join, Range<usize>)) {
    let mut word = String::new();
    let mut word_at = (0, 0, Join::Apart);
    // Which run the open word is: letters, digits or small numbers (see `word_part`).
    let mut open_part = 0;
    // A character unit not emitted yet (a combining mark after it may compose with it):
    // the character, where it stands, and how it is joined.
    let mut pending: Option<(char, Range<usize>, Join)> = None;
    let mut join = Join::Apart;
    for (at, raw) in text.char_indices() {
        let end = at + raw.len_utf8();
        let c = fold(raw);
        let k = kind(c);
        if k == Kind::Ignored {
            continue;
        }
        // A combining mark belongs to the word or the character before it (at most one of
        // them is open).
        if k == Kind::Combining {
            // `I` and a dot above is `İ`, lower-cased as `i`: the `I` was lower-cased before
            // the dot came, so a dot above on an `i` goes (whatever marks came between: `I` +
            // U+0323 + U+0307 is `ị`, as `İ` + U+0323 is).
            if c == '\u{0307}' && base_of_last_cluster(&word) == Some('i') {
                word_at.1 = end;
                continue;
            }
            if let Some(last) = word.pop() {
                match composed(last, c) {
                    Some(one) => word.push(one),
                    None => {
                        word.push(last);
                        add_mark_in_canonical_order(&mut word, c);
                    }
                }
                word_at.1 = end;
                continue;
            }
            if let Some((base, bytes, _)) = &mut pending {
                if let Some(one) = composed(*base, c).or_else(|| composed_out_of_order(*base, c)) {
                    *base = one;
                }
                bytes.end = end;
                continue;
            }
        }
        if let Some((c, bytes, join_before)) = pending.take() {
            emit(Unit::Char(c), join_before, bytes);
            join = Join::Joined;
        }
        if k == Kind::Word {
            // Where letters meet digits (`iPhone15`, `2024Q1`, `SH600519`) one word ends and
            // the next, joined to it, begins.
            let part = word_part(c);
            if !word.is_empty() && part != open_part {
                emit(Unit::Word(&word), word_at.2, word_at.0..word_at.1);
                word.clear();
                join = Join::Joined;
            }
            if word.is_empty() {
                word_at = (at, end, join);
                open_part = part;
            }
            push_lower(&mut word, c);
            word_at.1 = end;
            continue;
        }
        if !word.is_empty() {
            emit(Unit::Word(&word), word_at.2, word_at.0..word_at.1);
            word.clear();
            join = Join::Joined;
        }
        if k == Kind::Space {
            join = match join {
                _ if is_line_break(c) => Join::Apart,
                Join::Joined => Join::Spaced,
                other => other,
            };
            continue;
        }
        // An ideograph, a mark, or a combining mark with nothing before it to belong to.
        let c = match expansion(c) {
            Some(keys) => {
                let (last, before) = keys.as_bytes().split_last().expect("keys");
                for &key in before {
                    emit(Unit::Char(char::from(key)), join, at..end);
                    join = Join::Joined;
                }
                char::from(*last)
            }
            None => c,
        };
        pending = Some((c, at..end, join));
    }
    if let Some((c, bytes, join_before)) = pending {
        emit(Unit::Char(c), join_before, bytes);
    }
    if !word.is_empty() {
        emit(Unit::Word(&word), word_at.2, word_at.0..word_at.1);
    }
}

/// One index term as the tokenizer yields it: a character or a pair of characters packed
/// into an integer (no allocation while indexing millions of them, see [`gram_key`]); any
/// other term (a word, or a pair with a word in it) borrowed from the tokenizer's buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token<'a> {
    Gram(u64),
    Text(&'a str),
}

pub const CHAR_BITS: u32 = 22;

/// Packs a character (`second` is `None`) or a pair of characters into one integer: 22 bits
/// per character (Unicode needs 21; the second character is stored plus one so that zero
/// means "none").
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

/// Calls `emit(term, position)` with every index term of `text`, in order, repeats included:
/// every unit (position `None`), every pair of joined units (position: the number of the
/// pair's first unit in `text`, counting from 0) and, where white space on one line stands
/// between two units, the first unit followed by a space and the second preceded by one
/// (`rate cut` gives `rate ` and ` cut`, each at its unit's number). Returns the number of
/// units.
///
/// No unit or pair holds a space, so the terms with one (the *spaced* terms) are never
/// spelled like another. A term of one or two characters (`人`, `3`, `人民`, `2月`, `6%`,
/// `年 `) comes as a [`Token::Gram`], any other as [`Token::Text`]: the choice depends on the
/// term's text only, so a term always comes the same way.
pub fn for_each_term(text: &str, mut emit: impl FnMut(Token<'_>, Option<u32>)) -> u32 {
    // The previous unit: its only character, or (for a longer word) its text.
    let mut previous_word = String::new();
    let mut previous_char: Option<char> = None;
    let mut pair = String::new();
    let mut number = 0u32;
    for_each_unit(text, |unit, join, _| {
        let only_char = match unit {
            Unit::Char(c) => Some(c),
            Unit::Word(word) => single_char(word),
        };
        match (only_char, unit) {
            (Some(c), _) => emit(Token::Gram(gram_key(c, None)), None),
            (None, Unit::Word(word)) => emit(Token::Text(word), None),
            (None, Unit::Char(_)) => unreachable!("a character unit is one character"),
        }
        let previous = Some(number.wrapping_sub(1));
        match join {
            _ if number == 0 => {}
            Join::Apart => {}
            Join::Joined => match (previous_char, only_char) {
                (Some(first), Some(second)) => {
                    emit(Token::Gram(gram_key(first, Some(second))), previous)
                }
                _ => {
                    pair.clear();
                    match previous_char {
                        Some(first) => pair.push(first),
                        None => pair.push_str(&previous_word),
                    }
                    match unit {
                        Unit::Char(second) => pair.push(second),
                        Unit::Word(second) => pair.push_str(second),
                    }
                    emit(Token::Text(&pair), previous);
                }
            },
            Join::Spaced => {
                match previous_char {
                    Some(first) => emit(Token::Gram(gram_key(first, Some(' '))), previous),
                    None => {
                        pair.clear();
                        pair.push_str(&previous_word);
                        pair.push(' ');
                        emit(Token::Text(&pair), previous);
                    }
                }
                match (only_char, unit) {
                    (Some(c), _) => emit(Token::Gram(gram_key(' ', Some(c))), Some(number)),
                    (None, Unit::Word(word)) => {
                        pair.clear();
                        pair.push(' ');
                        pair.push_str(word);
                        emit(Token::Text(&pair), Some(number));
                    }
                    (None, Unit::Char(_)) => unreachable!("a character unit is one character"),
                }
            }
        }
        previous_char = only_char;
        if let (None, Unit::Word(word)) = (only_char, unit) {
            previous_word.clear();
            previous_word.push_str(word);
        }
        number = number.saturating_add(1);
    });
    number
}

/// The only character of `text`, if it has exactly one.
fn single_char(text: &str) -> Option<char> {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// A unit of a query (an owned [`Unit`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum QueryUnit {
    Char(char),
    Word(String),
}

impl QueryUnit {
    fn of(unit: Unit<'_>) -> Self {
        match unit {
            Unit::Char(c) => QueryUnit::Char(c),
            Unit::Word(w) => QueryUnit::Word(w.to_string()),
        }
    }

    fn push_to(&self, text: &mut String) {
        match self {
            QueryUnit::Char(c) => text.push(*c),
            QueryUnit::Word(w) => text.push_str(w),
        }
    }
}

/// One part of a query: units a post must hold in a row, each joined to the one before it
/// as typed (a quoted phrase's units may have white space between them).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Part {
    /// Each unit with how it stands to the one before it (the first: [`Join::Apart`]).
    units: Vec<(QueryUnit, Join)>,
}

impl Part {
    /// The index terms that answer the part, each with its offset in units from the part's
    /// start (spelled as [`for_each_term`] spells them): its one unit; else each pair of
    /// joined units, each unit followed by white space (`rate `) and, when the last unit
    /// has white space before it and no pair, that unit with it (` cut`). Every unit is in
    /// one of them, and where two units are spaced the first one's term says that white
    /// space, not a line break or another unit, comes next.
    pub fn terms(&self) -> Vec<(String, u32)> {
        let text = |unit: &QueryUnit, before: &str, after: &str| {
            let mut text = String::from(before);
            unit.push_to(&mut text);
            text.push_str(after);
            text
        };
        if let [(unit, _)] = self.units.as_slice() {
            return vec![(text(unit, "", ""), 0)];
        }
        let mut terms = Vec::new();
        let mut last_in_a_pair = false;
        for (pair, offset) in self.units.windows(2).zip(0..) {
            let ((first, _), (second, join)) = (&pair[0], &pair[1]);
            if *join == Join::Spaced {
                terms.push((text(first, "", " "), offset));
                last_in_a_pair = false;
            } else {
                let mut pair = text(first, "", "");
                second.push_to(&mut pair);
                terms.push((pair, offset));
                last_in_a_pair = true;
            }
        }
        if !last_in_a_pair {
            let (last, _) = self.units.last().expect("two units or more");
            terms.push((text(last, " ", ""), self.units.len() as u32 - 1));
        }
        terms
    }

    /// Whether answering the part needs the positions of its terms (more than one term: three
    /// units or more, or white space in it).
    pub fn needs_positions(&self) -> bool {
        self.units.len() > 2 || self.units.iter().any(|(_, join)| *join == Join::Spaced)
    }
}

/// What a reader typed, read as parts (see the module's documentation for what it matches).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Query {
    parts: Vec<Part>,
}

/// Quote marks, which open and close a phrase (they are not searched for).
const QUOTES: [char; 6] = [
    '"', '\u{201C}', '\u{201D}', '\u{201E}', '\u{201F}', '\u{FF02}',
];

impl Query {
    /// Reads a query: white space separates parts, but not between quote marks, where it
    /// stands between units of one part (a phrase, `"rate cut"`; a quote left open runs to
    /// the end); a quote mark ends a part; a part repeated counts once.
    pub fn parse(text: &str) -> Query {
        let mut parts: Vec<Part> = Vec::new();
        let finish = |current: &mut Vec<(QueryUnit, Join)>, parts: &mut Vec<Part>| {
            let part = Part {
                units: std::mem::take(current),
            };
            if !part.units.is_empty() && !parts.contains(&part) {
                parts.push(part);
            }
        };
        for (piece, quoted) in text.split(QUOTES).zip([false, true].into_iter().cycle()) {
            let mut current: Vec<(QueryUnit, Join)> = Vec::new();
            for_each_unit(piece, |unit, join, _| {
                let join = match join {
                    // A line break in a phrase is white space like any other.
                    Join::Apart if quoted && !current.is_empty() => Join::Spaced,
                    Join::Spaced if !quoted => Join::Apart,
                    join => join,
                };
                if join == Join::Apart {
                    finish(&mut current, &mut parts);
                }
                current.push((QueryUnit::of(unit), join));
            });
            finish(&mut current, &mut parts);
        }
        Query { parts }
    }

    /// The parts, in the order typed.
    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// True when nothing searchable was typed.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// Every occurrence of every part in `text`, as byte ranges of `text`, ascending by start.
    pub fn find(&self, text: &str) -> Vec<Range<usize>> {
        if self.parts.is_empty() {
            return Vec::new();
        }
        self.find_in(&Units::of(text))
    }

    /// [`Self::find`] in text already cut into units.
    pub fn find_in(&self, units: &Units) -> Vec<Range<usize>> {
        let mut found: Vec<Range<usize>> = self
            .parts
            .iter()
            .flat_map(|part| part.occurrences(units))
            .collect();
        found.sort_by_key(|r| (r.start, r.end));
        found
    }

    /// Whether `text` holds every part (the meaning of a match, checked the slow way: the
    /// index answers the same without reading any text).
    pub fn matches(&self, text: &str) -> bool {
        self.matches_post(&Units::default(), &Units::of(text))
    }

    /// Whether a post whose title and article text are cut into these units is a hit: every
    /// part occurs in one or the other (the slow way, as [`Self::matches`]).
    pub fn matches_post(&self, title: &Units, text: &Units) -> bool {
        let holds = |units: &Units, part: &Part| part.occurrences(units).next().is_some();
        !self.parts.is_empty()
            && self
                .parts
                .iter()
                .all(|part| holds(title, part) || holds(text, part))
    }
}

impl Part {
    /// Where the part occurs in `units`: byte ranges, ascending.
    fn occurrences<'a>(&'a self, units: &'a Units) -> impl Iterator<Item = Range<usize>> + 'a {
        let n = self.units.len();
        units.0.windows(n).filter_map(move |run| {
            let same = run
                .iter()
                .zip(&self.units)
                .enumerate()
                .all(|(i, (u, p))| u.0 == p.0 && (i == 0 || u.1 == p.1));
            same.then(|| run[0].2.start..run[n - 1].2.end)
        })
    }
}

/// A text cut into units: `(unit, join, bytes)` (see [`for_each_unit`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Units(Vec<(QueryUnit, Join, Range<usize>)>);

impl Units {
    /// Cuts `text` into units.
    pub fn of(text: &str) -> Units {
        let mut units = Vec::new();
        for_each_unit(text, |unit, join, bytes| {
            units.push((QueryUnit::of(unit), join, bytes))
        });
        Units(units)
    }
}

/// The shard holding `term`: FNV-1a, so the builder (x86) and the app (wasm32) agree.
pub fn shard_of(term: &str, shard_count: u32) -> u32 {
    shard_of_bytes(term.as_bytes(), shard_count)
}

/// [`shard_of`] of a term's UTF-8 bytes.
pub fn shard_of_bytes(term: &[u8], shard_count: u32) -> u32 {
    fnv1a(term) % shard_count.max(1)
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
    /// The post's number (its position oldest first: [`crate::archive::flip`]).
    pub number: u32,
    /// Whether the term is in the title.
    pub in_title: bool,
    /// Occurrences, capped at [`MAX_TERM_FREQUENCY`].
    pub frequency: u32,
}

/// A term's postings as stored in `search/NNNN.bin.gz`: each posting, ascending by post number,
/// is the integer `(number gap << 3) | (in title << 2) | frequency` written as a LEB128
/// varint. A common term's gaps are small, so most postings take one byte.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EncodedPostings(Vec<u8>);

impl EncodedPostings {
    /// Encodes postings that are sorted by post number.
    pub fn encode(postings: impl IntoIterator<Item = Posting>) -> Self {
        let postings = postings.into_iter();
        // Most postings take one or two bytes: growing from empty, a byte at a time, cost
        // 40% on top of the encoding itself.
        let mut bytes = Vec::with_capacity(postings.size_hint().0 * 2);
        let mut previous = 0;
        for p in postings {
            debug_assert!(p.number >= previous, "postings sorted by number");
            let gap = p.number - previous;
            previous = p.number;
            let value = (u64::from(gap) << 3)
                | (u64::from(p.in_title) << 2)
                | u64::from(p.frequency.min(MAX_TERM_FREQUENCY));
            push_varint(&mut bytes, value);
        }
        EncodedPostings(bytes)
    }

    /// The postings of `parts` one after the other, where each part's numbers follow the
    /// previous part's (the parts of a merged segment): the bytes of encoding them all at
    /// once, made by copying each part's bytes and writing again only its first posting,
    /// whose gap now counts from the previous part's last number instead of from 0. (Merges
    /// decoded and encoded every posting: 1.6% of a 2M build.) Parts whose numbers do not
    /// follow (a damaged file) are decoded, and what goes back is dropped.
    pub fn concat<'a>(parts: impl IntoIterator<Item = &'a EncodedPostings>) -> EncodedPostings {
        let parts: Vec<&[u8]> = parts.into_iter().map(EncodedPostings::as_bytes).collect();
        let mut bytes = Vec::new();
        concat_postings_into(&parts, &mut bytes);
        EncodedPostings(bytes)
    }

    /// The postings, decoded as they are walked (a common term has a posting in most posts;
    /// the query walks them without allocating).
    pub fn iter(&self) -> impl Iterator<Item = Posting> + '_ {
        postings_in(&self.0)
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

/// Encoded postings' postings, decoded as they are walked ([`EncodedPostings::iter`]).
fn postings_in(bytes: &[u8]) -> impl Iterator<Item = Posting> + '_ {
    let mut bytes = bytes.iter();
    let mut number = 0u32;
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
        number = number.saturating_add(u32::try_from(value >> 3).unwrap_or(u32::MAX));
        Some(Posting {
            number,
            in_title: value & 4 != 0,
            frequency: (value & 3) as u32,
        })
    })
}

/// [`EncodedPostings::concat`] of parts given as their bytes, appended to `out`: the merge of
/// a top-level segment's blocks reads them where the blocks hold them.
pub fn concat_postings_into(parts: &[&[u8]], out: &mut Vec<u8>) {
    let start = out.len();
    out.reserve(parts.iter().map(|p| p.len()).sum());
    let mut join = PostingsJoin::default();
    for part in parts {
        let Some((first, rest)) = join.next(part) else {
            // Damaged parts: every posting decoded, those that go back dropped (encoding
            // needs them in order).
            out.truncate(start);
            let mut last = 0;
            let decoded =
                EncodedPostings::encode(parts.iter().flat_map(|p| postings_in(p)).filter(|p| {
                    let follows = p.number >= last;
                    last = last.max(p.number);
                    follows
                }));
            out.extend_from_slice(&decoded.0);
            return;
        };
        if let Some(first) = first {
            push_varint(out, first);
        }
        out.extend_from_slice(rest);
    }
}

/// The positions of one pair term in every post of its postings, as stored in
/// `search/positions/NNNN.bin.gz`: for each posting, in the postings' order, the term's
/// positions in that post, ascending, each written as the varint `(gap << 1) | more`: the gap
/// from the previous position (the first from 0), and whether another position of the same
/// post follows. A position is a unit number (see [`for_each_term`]): the title's units
/// count from 0, the article text's from the title's unit count + 1, so a run of pairs never
/// spans the two. One occurrence at unit 40 is the single byte `0x50`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PositionLists(Vec<u8>);

impl PositionLists {
    /// Appends one posting's positions (ascending, at least one) to `out`.
    pub fn push_posting(out: &mut Vec<u8>, positions: impl IntoIterator<Item = u32>) {
        let mut positions = positions.into_iter().peekable();
        let mut previous = 0;
        while let Some(position) = positions.next() {
            let more = positions.peek().is_some();
            push_varint(out, (u64::from(position - previous) << 1) | u64::from(more));
            previous = position;
        }
    }

    /// Positions from their stored bytes (checked as they are read: see [`Self::cursor`]).
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        PositionLists(bytes)
    }

    /// The stored bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Reads the lists posting by posting, alongside the term's postings.
    pub fn cursor(&self) -> PositionCursor<'_> {
        PositionCursor { bytes: &self.0 }
    }
}

/// Reads a [`PositionLists`] one posting at a time.
#[derive(Debug, Clone)]
pub struct PositionCursor<'a> {
    bytes: &'a [u8],
}

impl PositionCursor<'_> {
    /// Reads the next posting's positions into `out` (cleared first), or skips them when
    /// `out` is `None`. `None` when the bytes end too soon or a position is out of range (a
    /// damaged file): the caller treats the term's remaining postings as having none.
    pub fn next_posting(&mut self, mut out: Option<&mut Vec<u32>>) -> Option<()> {
        if let Some(list) = out.as_mut() {
            list.clear();
        }
        let mut position = 0u32;
        loop {
            let value = self.varint()?;
            if let Some(list) = out.as_mut() {
                position = position.checked_add(u32::try_from(value >> 1).ok()?)?;
                list.push(position);
            }
            if value & 1 == 0 {
                return Some(());
            }
        }
    }

    fn varint(&mut self) -> Option<u64> {
        read_varint(&mut self.bytes)
    }
}

/// A LEB128 varint from the front of `bytes` (advanced past it); `None` when it is cut off or
/// longer than ten bytes (the stored files' readers and the builder's merges share it).
pub fn read_varint(bytes: &mut &[u8]) -> Option<u64> {
    let mut value = 0u64;
    for (i, &byte) in bytes.iter().enumerate().take(10) {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            *bytes = &bytes[i + 1..];
            return Some(value);
        }
    }
    None
}

/// [`EncodedPostings::concat`]'s walk over its parts: how each part joins the ones before it.
#[derive(Default)]
struct PostingsJoin {
    /// The number of the last posting so far, once there is one.
    last: Option<u64>,
}

impl PostingsJoin {
    /// How `part` (encoded postings) goes after the parts so far: its first posting written
    /// again (`Some`, when it follows another part) and the bytes to copy after it (all of an
    /// empty or first part). `None` when a number is cut off, the sum overflows, or the part's
    /// numbers go back (damage: `concat` then decodes every part).
    fn next<'p>(&mut self, part: &'p [u8]) -> Option<(Option<u64>, &'p [u8])> {
        if part.is_empty() {
            return Some((None, part));
        }
        let mut after_first = part;
        let first = read_varint(&mut after_first)?;
        let part_last = sum_of_gaps(part)?;
        let joined = match self.last {
            None => (None, part),
            Some(previous) if first >> 3 >= previous => (
                Some((((first >> 3) - previous) << 3) | (first & 7)),
                after_first,
            ),
            Some(_) => return None,
        };
        self.last = Some(part_last);
        Some(joined)
    }
}

/// The number of encoded postings' last posting: the sum of their gaps; `None` when a
/// number is cut off or the sum overflows. Most postings are one byte (a gap under 16): eight
/// of them, a word without a continuation bit, are added at once.
fn sum_of_gaps(mut rest: &[u8]) -> Option<u64> {
    let mut sum = 0u64;
    while !rest.is_empty() {
        if let Some(word) = rest.first_chunk::<8>().map(|w| u64::from_le_bytes(*w)) {
            if word & 0x8080_8080_8080_8080 == 0 {
                // Each byte's bits 3-6 (its gap; bit 7 is clear), summed in the top byte.
                let gaps =
                    ((word >> 3) & 0x0f0f_0f0f_0f0f_0f0f).wrapping_mul(0x0101_0101_0101_0101);
                // Added in any grouping, non-negative numbers overflow exactly when their sum does.
                sum = sum.checked_add(gaps >> 56)?;
                rest = &rest[8..];
                continue;
            }
        }
        sum = sum.checked_add(read_varint(&mut rest)? >> 3)?;
    }
    Some(sum)
}

/// The length of [`EncodedPostings::concat`] of parts handed over one at a time, without
/// making it: the builder sizes a merged index this way before it merges it.
#[derive(Default)]
pub struct ConcatLen {
    join: PostingsJoin,
    bytes: usize,
    damaged: bool,
}

impl ConcatLen {
    pub fn add(&mut self, part: &[u8]) {
        match self.join.next(part) {
            Some((first, rest)) => self.bytes += first.map_or(0, varint_len) + rest.len(),
            None => self.damaged = true,
        }
    }

    /// `None` when `concat` would decode the parts (damage): its length is then known only
    /// by making it.
    pub fn byte_len(&self) -> Option<usize> {
        (!self.damaged).then_some(self.bytes)
    }
}

/// The bytes [`push_varint`] writes for `value`.
fn varint_len(value: u64) -> usize {
    (64 - (value | 1).leading_zeros() as usize).div_ceil(7)
}

/// Appends `value` as an unsigned LEB128 varint (7 bits a byte, low bits first).
pub fn push_varint(bytes: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        bytes.push((value as u8) | 0x80);
        value >>= 7;
    }
    bytes.push(value as u8);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<(String, Option<u32>)> {
        let mut out = Vec::new();
        for_each_term(text, |t, position| {
            out.push((
                match t {
                    Token::Gram(key) => gram_text(key),
                    Token::Text(text) => text.to_string(),
                },
                position,
            ))
        });
        out
    }

    fn texts(text: &str) -> Vec<String> {
        terms(text).into_iter().map(|(t, _)| t).collect()
    }

    #[test]
    fn chinese_becomes_characters_and_pairs_with_positions() {
        assert_eq!(
            terms("人民币"),
            [
                ("人".to_string(), None),
                ("民".to_string(), None),
                ("人民".to_string(), Some(0)),
                ("币".to_string(), None),
                ("民币".to_string(), Some(1)),
            ]
        );
    }

    #[test]
    fn words_marks_and_their_joins_are_terms() {
        assert_eq!(
            texts("HFO-1234yf、ET7 600160"),
            [
                "hfo", "-", "hfo-", "1234", "-1234", "yf", "1234yf", "、", "yf、", "et", "、et",
                "7", "et7", "600160", "7 ", " 600160"
            ]
        );
        assert_eq!(texts("A股"), ["a", "股", "a股"]);
        assert_eq!(texts("ＡＢＣ１２３"), ["abc", "123", "abc123"]);
        // Letters and digits: two words, joined (a pair with a position).
        assert_eq!(
            terms("iPhone15"),
            [
                ("iphone".to_string(), None),
                ("15".to_string(), None),
                ("iphone15".to_string(), Some(0)),
            ]
        );
        assert_eq!(texts("3.6%"), ["3", ".", "3.", "6", ".6", "%", "6%"]);
        // White space on a line: the unit before it with a space after, the unit after it
        // with a space before; a line break, nothing.
        assert_eq!(texts("涨 3"), ["涨", "3", "涨 ", " 3"]);
        assert_eq!(
            terms("Rate \u{3000} cut\nnow"),
            [
                ("rate".to_string(), None),
                ("cut".to_string(), None),
                ("rate ".to_string(), Some(0)),
                (" cut".to_string(), Some(1)),
                ("now".to_string(), None),
            ]
        );
        assert_eq!(texts("中 国"), ["中", "国", "中 ", " 国"]);
        assert_eq!(texts(" \n a"), ["a"]);
    }

    fn part_terms(query: &str) -> Vec<Vec<(String, u32)>> {
        Query::parse(query)
            .parts()
            .iter()
            .map(Part::terms)
            .collect()
    }

    #[test]
    fn a_query_is_parts_of_joined_units() {
        let owned = |v: &[(&str, u32)]| {
            v.iter()
                .map(|(t, o)| (t.to_string(), *o))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            part_terms("人民币 汇率"),
            [owned(&[("人民", 0), ("民币", 1)]), owned(&[("汇率", 0)])]
        );
        // Quotes make a phrase of what they hold; a repeated part counts once.
        assert_eq!(part_terms("\"离岸人民币\""), part_terms("离岸人民币"));
        assert_eq!(
            part_terms("\"Rate  cut\" 美联储"),
            [
                owned(&[("rate ", 0), (" cut", 1)]),
                owned(&[("美联", 0), ("联储", 1)])
            ]
        );
        assert_eq!(
            part_terms("“FF 91完成"),
            [owned(&[("ff ", 0), ("91完", 1), ("完成", 2)])]
        );
        assert_eq!(
            part_terms("\"美联储 加息 a\""),
            [owned(&[
                ("美联", 0),
                ("联储", 1),
                ("储 ", 2),
                ("加息", 3),
                ("息 ", 4),
                (" a", 5)
            ])]
        );
        assert_eq!(
            part_terms("a\"b c\"d"),
            [
                owned(&[("a", 0)]),
                owned(&[("b ", 0), (" c", 1)]),
                owned(&[("d", 0)])
            ]
        );
        assert!(Query::parse("\"b c\"").parts()[0].needs_positions());
        assert_eq!(part_terms("\"rate\ncut\""), part_terms("\"rate cut\""));
        assert_eq!(
            part_terms("rate cut"),
            [owned(&[("rate", 0)]), owned(&[("cut", 0)])]
        );
        assert_eq!(part_terms("“汇率” 汇率"), part_terms("汇率"));
        assert_eq!(part_terms("股"), [owned(&[("股", 0)])]);
        assert_eq!(part_terms("A股"), [owned(&[("a股", 0)])]);
        assert_eq!(
            part_terms("3.6%"),
            [owned(&[("3.", 0), (".6", 1), ("6%", 2)])]
        );
        assert!(Query::parse("  \" ").is_empty());
        assert!(Query::parse("人民币").parts()[0].needs_positions());
        assert!(!Query::parse("2月").parts()[0].needs_positions());
    }

    /// Each query matches (and finds) every text of its first list and none of its second.
    fn assert_cases(cases: &[(&str, &[&str], &[&str])]) {
        for (query, yes, no) in cases {
            let q = Query::parse(query);
            for text in *yes {
                assert!(q.matches(text), "{query:?} should match {text:?}");
                assert!(!q.find(text).is_empty(), "{query:?} found in {text:?}");
            }
            for text in *no {
                assert!(!q.matches(text), "{query:?} should not match {text:?}");
            }
        }
    }

    /// The examples of issue 19: each query, a text that holds it, and texts that hold its
    /// parts but not it.
    #[test]
    fn a_query_matches_exactly_what_was_typed() {
        let cases: &[(&str, &[&str], &[&str])] = &[
            (
                "3.6%",
                &["增长3.6%至", "(3.6%)"],
                &["13.6%", "3.65%", "3.6亿元，增6%", "3.6", "3,6%"],
            ),
            ("11%", &["上涨11%"], &["111%", "11.5%", "11 %"]),
            ("7%", &["涨7%", "0.7%"], &["17%", "7.5%"]),
            ("2月", &["今年2月", "2月"], &["12月", "2 月", "2日"]),
            ("5月", &["5月"], &["15月", "25月"]),
            ("8日", &["12月8日"], &["18日", "28日"]),
            ("12月", &["12月"], &["112月", "1月2日"]),
            (
                "\"根据公司\"",
                &["根据公司公告"],
                &["根据 公司", "公司根据"],
            ),
            (
                "医药股走强",
                &["今日医药股走强"],
                &["医药股 走强", "医药股大涨，股走强"],
            ),
            ("30", &["30", "第30名", "30.5"], &["2030", "305"]),
            ("A股", &["港a股", "Ａ股"], &["ba股", "A 股"]),
            (
                "hfo-1234yf",
                &["HFO-1234yf制冷剂"],
                &["hfo 1234yf", "hfo-1234yfx"],
            ),
            // Where letters meet digits, a word ends and the next one begins: each is found
            // on its own, and together only joined.
            ("2024", &["2024Q1营收", "2024年"], &["20240", "12024Q1"]),
            ("Q1", &["2024Q1营收", "q1"], &["Q12", "2024Q"]),
            (
                "2024Q1",
                &["2024Q1营收"],
                &["2024 Q1", "2024-Q1", "2024Q12"],
            ),
            (
                "iPhone",
                &["iPhone15", "新款iPhone"],
                &["iPhones", "xiPhone15"],
            ),
            ("phone", &["phone 15"], &["iPhone15", "iphone"]),
            (
                "600519",
                &["SH600519", "600519.SH"],
                &["6005190", "SH6005190"],
            ),
            (
                "华为Mate60",
                &["华为Mate60Pro"],
                &["华为Mate600", "华为 Mate60"],
            ),
            ("25", &["降息25bp", "25"], &["125bp", "2.5"]),
            ("1990", &["1990s"], &["19905s"]),
            // Forms a reader cannot tell apart.
            ("¥1,299", &["￥1,299"], &["¥1,2990"]),
            ("￥1,299", &["¥1,299"], &[]),
            ("日本", &["\u{2F47}本"], &["日 本"]),
            ("\u{8C48}", &["\u{F900}"], &[]),
            ("「上市」", &["｢上市｣"], &[]),
            ("China's", &["China\u{02BC}s"], &["Chinas"]),
            ("bold", &["𝐁𝐨𝐥𝐝"], &["bolder"]),
            ("istanbul", &["I\u{0307}stanbul", "İstanbul"], &[]),
            ("İstanbul", &["I\u{0307}stanbul", "istanbul"], &[]),
            // Marks in either order, the dot above among them, are the same letter.
            (
                "I\u{0323}\u{0307}x",
                &["I\u{0307}\u{0323}x", "\u{0130}\u{0323}x", "\u{1ECB}x"],
                &["ix"],
            ),
            ("the", &["𝑇ℎ𝑒 team"], &["𝑇ℎ𝑒𝑦"]),
            ("research", &["ℝ𝕖𝕤𝕖𝕒𝕣𝕔𝕙"], &[]),
            ("θ", &["ϑ", "𝛝"], &[]),
            // Signs that are numbers are units or words of their own.
            ("2024", &["❶2024年营收", "①2024年"], &["❶20245"]),
            ("❶", &["❶2024年营收"], &[]),
            ("2023", &["fell sharply¹ in 2023¹"], &["20231"]),
            ("sharply", &["fell sharply¹ in 2023¹"], &[]),
            // A mark belongs to the character before it, a letter's or a digit's.
            ("a", &["1\u{0345}a"], &[]),
            (
                "\u{0622}\u{0645}\u{0646}",
                &["\u{0627}\u{0653}\u{0645}\u{0646}"],
                &[],
            ),
            ("\u{0B95}\u{0BCA}", &["\u{0B95}\u{0BC6}\u{0BBE}"], &[]),
            // Hangul written as jamo is its syllables; letters alone are units.
            (
                "한국",
                &["\u{1112}\u{1161}\u{11AB}\u{1100}\u{116E}\u{11A8}"],
                &[],
            ),
            ("ㅋ", &["ㅋㅋㅋ 진짜"], &[]),
            ("\u{4E3D}", &["\u{2F800}"], &[]),
            ("人民币 汇率", &["汇率与人民币"], &["人民币", "汇率"]),
            ("6%", &["3.6%"], &["36%"]),
            // A phrase: its units in a row, with white space where it has some.
            (
                "\"FF 91\"",
                &["到FF 91完成", "ff\u{3000}\u{3000}91", "(FF 91)"],
                &["FF91", "FF-91", "91 FF", "FF\n91", "FF 910", "FF 9 1"],
            ),
            (
                "\"interest rate cut\"",
                &["An interest rate cut.", "Interest Rate Cut"],
                &[
                    "interest rate, cut",
                    "rate cut interest",
                    "interest\nrate cut",
                    "interest-rate cut",
                ],
            ),
            ("interest rate", &["the rate of interest"], &["interest"]),
            (
                "\"美联储 加息\"",
                &["美联储 加息50基点"],
                &["美联储加息", "加息 美联储"],
            ),
        ];
        assert_cases(cases);
    }

    /// Text as readers type it: characters written as ideographs, invisible characters,
    /// typography, combining marks and case as the keys typed for them.
    #[test]
    fn a_query_matches_the_text_as_a_reader_types_it() {
        let cases: &[(&str, &[&str], &[&str])] = &[
            ("〇八年", &["二〇〇八年"], &["〇八"]),
            ("二〇〇", &["二〇〇〇年"], &[]),
            ("5G手", &["〇5G手机"], &[]),
            ("②", &["①②③"], &["2"]),
            ("𰻞面", &["𰻞𰻞面"], &["𰻞 面"]),
            (
                "人民币",
                &["人民\u{200B}币", "人民\u{FEFF}币汇率", "人\u{2060}民币"],
                &["人民 币"],
            ),
            ("finanzmarkt", &["Finanz\u{00AD}markt"], &["Finanz-markt"]),
            ("❤股", &["❤\u{FE0F}股"], &[]),
            ("China's", &["China\u{2019}s"], &["Chinas"]),
            (
                "1990-2000",
                &["1990\u{2013}2000", "1990\u{2014}2000", "1990-2000"],
                &["1990--2000"],
            ),
            ("等等...", &["等等\u{2026}"], &["等等.."]),
            ("<<人民日报>>", &["\u{00AB}人民日报\u{00BB}"], &[]),
            ("-3%", &["\u{2212}3%"], &["3%"]),
            ("istanbul", &["\u{0130}stanbul"], &[]),
            ("STRASSE", &["Stra\u{00DF}e"], &["Strase"]),
            (
                "\u{03BF}\u{03B4}\u{03BF}\u{03C2}",
                &["\u{039F}\u{0394}\u{039F}\u{03A3}"],
                &[],
            ),
            (
                "caf\u{00E9}s",
                &["cafe\u{0301}s", "CAF\u{00C9}S"],
                &["cafes"],
            ),
            ("cafe", &["cafe"], &["cafe\u{0301}s", "cafe\u{0301}"]),
            ("\u{304C}", &["\u{304B}\u{3099}"], &["\u{304B}"]),
            // Marks typed in another order than Unicode's canonical one: `ê` then a dot
            // below (a Vietnamese keyboard's order) is `ệ`, as `ẹ` then a circumflex and
            // the letter with both marks are; a capital too.
            (
                "vi\u{1EC7}t",
                &[
                    "Vi\u{00EA}\u{0323}t",
                    "vie\u{0323}\u{0302}t",
                    "vie\u{0302}\u{0323}t",
                    "VI\u{1EC6}T",
                    "vi\u{1EB9}\u{0302}t",
                ],
                &["viet", "vi\u{00EA}t"],
            ),
            ("finance", &["\u{FB01}nance", "FINANCE"], &["fnance"]),
            (
                "1 \u{4E00}\u{5B63}\u{5EA6}",
                &["1\u{FE0F}\u{20E3} \u{4E00}\u{5B63}\u{5EA6}"],
                &[],
            ),
            (
                "vi\u{00EA}\u{0323}t nam",
                &["Vi\u{1EC7}t Nam"],
                &["Vi\u{00EA}t Nam"],
            ),
            ("हिन्दी", &["हिन्दी भाषा"], &["हिन"]),
        ];
        assert_cases(cases);
        // What is found is where the reader sees it: the invisible characters inside it, the
        // combining mark with its letter.
        let text = "看人民\u{200B}币。cafe\u{0301}!";
        let found: Vec<&str> = Query::parse("人民币 café")
            .find(text)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(found, ["人民\u{200B}币", "cafe\u{0301}"]);
    }

    #[test]
    fn find_gives_the_bytes_of_every_occurrence() {
        let q = Query::parse("人民币 ET7");
        let text = "人民币兑ET7，人民币";
        let found: Vec<&str> = q.find(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(found, ["人民币", "ET7", "人民币"]);
        assert!(Query::parse("2月").find("12月").is_empty());
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
                number: 3,
                in_title: true,
                frequency: 2,
            },
            Posting {
                number: 10,
                in_title: false,
                frequency: 3,
            },
            Posting {
                number: 200_000,
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
    fn positions_round_trip_posting_by_posting() {
        let mut bytes = Vec::new();
        PositionLists::push_posting(&mut bytes, [2, 9, 300]);
        PositionLists::push_posting(&mut bytes, [40]);
        // (2 << 1) | 1, (7 << 1) | 1, 291 << 1 in two bytes; then 40 << 1.
        assert_eq!(bytes, [0x05, 0x0f, 0xc6, 0x04, 0x50]);
        let lists = PositionLists::from_bytes(bytes);
        let mut cursor = lists.cursor();
        let mut list = vec![7];
        cursor.next_posting(Some(&mut list)).unwrap();
        assert_eq!(list, [2, 9, 300]);
        cursor.next_posting(Some(&mut list)).unwrap();
        assert_eq!(list, [40]);
        // Past the end, and damaged bytes, give None instead of made-up positions.
        assert!(cursor.next_posting(None).is_none());
        let damaged = PositionLists::from_bytes(vec![0x81]);
        assert!(damaged.cursor().next_posting(None).is_none());
    }

    /// A word's letters and combining marks, in any order, are the word NFC makes of them:
    /// random letters (plain and precomposed) and marks of several classes, against
    /// `unicode-normalization`'s own NFC.
    #[test]
    fn marks_in_any_order_make_the_canonical_word() {
        use rand::{Rng, SeedableRng};
        use unicode_normalization::UnicodeNormalization;
        let letters = [
            'a', 'e', 'o', 'u', 'y', 'n', '\u{00EA}', '\u{00F4}', '\u{01A1}', '\u{01B0}',
            '\u{1EB9}', '\u{00E2}', '\u{0103}', '\u{03B1}', '\u{0438}', '\u{00E9}',
        ];
        let marks = [
            '\u{0300}', '\u{0301}', '\u{0302}', '\u{0303}', '\u{0306}', '\u{0309}', '\u{031B}',
            '\u{0323}', '\u{0327}', '\u{0328}', '\u{0304}', '\u{0308}',
        ];
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        for round in 0..5_000 {
            let mut text = String::new();
            for _ in 0..rng.gen_range(1..4) {
                text.push(letters[rng.gen_range(0..letters.len())]);
                for _ in 0..rng.gen_range(0..4) {
                    text.push(marks[rng.gen_range(0..marks.len())]);
                }
            }
            let mut words = Vec::new();
            for_each_unit(&text, |unit, _, _| match unit {
                Unit::Word(word) => words.push(word.to_string()),
                Unit::Char(c) => words.push(c.to_string()),
            });
            let expected: String = text.nfc().collect();
            assert_eq!(
                words,
                std::slice::from_ref(&expected),
                "round {round}: {text:?} {expected:?}"
            );
        }
    }

    #[test]
    fn concatenated_parts_are_the_postings_encoded_at_once() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for round in 0..200 {
            // Parts of consecutive number ranges, some empty, some sharing an edge number.
            let mut number = 0u32;
            let parts: Vec<Vec<Posting>> = (0..rng.gen_range(1..6))
                .map(|_| {
                    (0..rng.gen_range(0..(if round % 2 == 0 { 4 } else { 300 })))
                        .map(|_| {
                            number += rng.gen_range(0..(if round % 3 == 0 { 3 } else { 70_000 }));
                            Posting {
                                number,
                                in_title: rng.gen_bool(0.1),
                                frequency: rng.gen_range(1..=3),
                            }
                        })
                        .collect()
                })
                .collect();
            let encoded: Vec<EncodedPostings> = parts
                .iter()
                .map(|p| EncodedPostings::encode(p.clone()))
                .collect();
            let whole = EncodedPostings::encode(parts.concat());
            assert_eq!(EncodedPostings::concat(&encoded), whole, "round {round}");
            let mut len = ConcatLen::default();
            for part in &encoded {
                len.add(part.as_bytes());
            }
            assert_eq!(len.byte_len(), Some(whole.byte_len()), "round {round}");
        }
    }

    #[test]
    fn parts_that_do_not_follow_are_decoded_without_panicking() {
        let part = |numbers: &[u32]| {
            EncodedPostings::encode(numbers.iter().map(|&number| Posting {
                number,
                in_title: false,
                frequency: 1,
            }))
        };
        // A damaged archive file's postings may go backwards or be cut off: the postings that
        // follow in order are kept, and nothing panics.
        let backwards = [part(&[5, 9]), part(&[3])];
        let decoded: Vec<u32> = EncodedPostings::concat(&backwards)
            .iter()
            .map(|p| p.number)
            .collect();
        assert_eq!(decoded, [5, 9]);
        let cut = [part(&[5]), EncodedPostings(vec![0x1e, 0x80])];
        let _ = EncodedPostings::concat(&cut);
        let huge = [
            part(&[5]),
            EncodedPostings(vec![0xff; 9].into_iter().chain([1]).collect()),
        ];
        let _ = EncodedPostings::concat(&huge);
        // The builder's sizing of a merge: the length `concat` makes, or none where `concat`
        // decodes (parts that go back, a number cut off).
        for (parts, decodes) in [(&backwards, true), (&cut, true), (&huge, false)] {
            let mut len = ConcatLen::default();
            for part in parts {
                len.add(part.as_bytes());
            }
            match decodes {
                true => assert_eq!(len.byte_len(), None),
                false => assert_eq!(
                    len.byte_len(),
                    Some(EncodedPostings::concat(parts).byte_len())
                ),
            }
        }
    }

    #[test]
    fn gaps_are_summed_a_word_at_a_time_as_one_by_one() {
        let one_by_one = |mut rest: &[u8]| {
            let mut sum = 0u64;
            while !rest.is_empty() {
                sum = sum.checked_add(read_varint(&mut rest)? >> 3)?;
            }
            Some(sum)
        };
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for round in 0..20_000 {
            // Mostly one-byte postings, some long ones, and (now and then) any byte at all:
            // cut-off numbers, overlong ones, sums that overflow.
            let mut bytes = Vec::new();
            for _ in 0..round % 40 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                match state % 16 {
                    0 => push_varint(&mut bytes, state >> (state % 64)),
                    1 if round % 5 == 0 => bytes.push((state >> 8) as u8),
                    2 if round % 7 == 0 => bytes.extend([0xff; 9].into_iter().chain([1])),
                    _ => bytes.push((state >> 8) as u8 & 0x7f),
                }
            }
            assert_eq!(sum_of_gaps(&bytes), one_by_one(&bytes), "{bytes:?}");
        }
        // Overflow in a word of one-byte postings, and after it; a number cut off after one.
        let huge: Vec<u8> = [0xff; 9].into_iter().chain([1]).collect();
        let mut overflowing = huge.repeat(8);
        overflowing.extend([0x7f; 16]);
        assert_eq!(sum_of_gaps(&overflowing), None);
        assert_eq!(one_by_one(&overflowing), None);
        assert_eq!(sum_of_gaps(&[[0x7f; 8].as_slice(), &[0x80]].concat()), None);
        assert_eq!(sum_of_gaps(&[0x7f; 16]), Some(16 * 15));
    }

    #[test]
    fn damaged_postings_fail_to_load() {
        // 0x80: a number that never ends.
        assert!(EncodedPostings::from_bytes(vec![0x1e, 0x80]).is_none());
        let empty = EncodedPostings::from_bytes(Vec::new()).unwrap();
        assert_eq!(empty.iter().count(), 0);
    }
}
