//! The few Unicode properties search units need beyond std's: whether a character is a
//! combining mark, the one character a compatibility form stands for, and the canonical
//! composition (NFC) of a cluster.
//!
//! The first two are small tables made from `unicode-normalization` (`unicode/tables.rs`,
//! generated and checked by this module's tests: `GAZETTE_WRITE_TABLES=1 cargo test -p
//! gazette-archive unicode` writes it anew), because the crate's own functions for them pull
//! its whole compatibility decomposition into the app (59 KB of the wasm's read-only data,
//! measured, though search asks it about a few blocks only); the composition uses the crate's canonical
//! decomposition, classes and pairs, which it needs anyway. Builder and app share this
//! module, so both read text the same way.

use unicode_normalization::char::{canonical_combining_class, compose, decompose_canonical};

mod tables;

/// Whether `c` is a combining mark (Unicode's general category M: Mn, Mc, Me).
pub(crate) fn is_combining_mark(c: char) -> bool {
    let c = u32::from(c);
    let ranges = tables::COMBINING_MARKS;
    // Latin-1 and below hold none (the first is U+0300).
    if c < ranges[0].0 {
        return false;
    }
    let at = ranges.partition_point(|&(_, last)| last < c);
    ranges.get(at).is_some_and(|&(first, _)| first <= c)
}

/// The blocks whose characters stand for one other character in Unicode's compatibility form
/// (NFKC) that search reads them as (see `search::fold`): the Greek letters' symbol forms,
/// the letterlike symbols, two CJK radicals, the Kangxi radicals, the compatibility
/// ideographs, the half-width and full-width forms (from U+FF5F) and the mathematical letters
/// and digits.
pub(crate) fn in_compatibility_blocks(c: char) -> bool {
    matches!(
        c,
        '\u{03D0}'..='\u{03D6}'
            | '\u{03F0}'..='\u{03F2}'
            | '\u{03F4}'..='\u{03F5}'
            | '\u{03F9}'
            | '\u{2100}'..='\u{214F}'
            | '\u{2E9F}'
            | '\u{2EF3}'
            | '\u{2F00}'..='\u{2FD5}'
            | '\u{F900}'..='\u{FAFF}'
            | '\u{FF5F}'..='\u{FFEE}'
            | '\u{1D400}'..='\u{1D7FF}'
            | '\u{2F800}'..='\u{2FA1F}'
    )
}

/// The one character a character of [`in_compatibility_blocks`] stands for in Unicode's
/// compatibility form, if it is one character (and another).
pub(crate) fn one_compatible(c: char) -> Option<char> {
    let c = u32::from(c);
    let runs = tables::ONE_COMPATIBLE;
    let at = runs.partition_point(|&(first, len, _)| first + u32::from(len) <= c);
    let &(first, _, target) = runs.get(at).filter(|&&(first, _, _)| first <= c)?;
    char::from_u32(target + (c - first))
}

/// The canonical composition (NFC) of `chars`: decomposed, the marks of each run put in
/// their canonical order, and composed again where Unicode has one character for a
/// character and a mark that nothing blocks (Hangul's jamo into syllables too).
pub(crate) fn nfc(chars: impl Iterator<Item = char>) -> String {
    let mut decomposed: Vec<(char, u8)> = Vec::new();
    for c in chars {
        decompose_canonical(c, |d| decomposed.push((d, canonical_combining_class(d))));
    }
    // Canonical order: each run of marks (class above 0), sorted by class, stably.
    let mut start = 0;
    while start < decomposed.len() {
        if decomposed[start].1 == 0 {
            start += 1;
            continue;
        }
        let end = decomposed[start..]
            .iter()
            .position(|&(_, class)| class == 0)
            .map_or(decomposed.len(), |run| start + run);
        decomposed[start..end].sort_by_key(|&(_, class)| class);
        start = end;
    }
    // Canonical composition: a character joins the last starter unless a character between
    // them has class 0 or a class not below its own.
    let mut composed: Vec<(char, u8)> = Vec::with_capacity(decomposed.len());
    let mut starter: Option<usize> = None;
    for (c, class) in decomposed {
        if let Some(at) = starter {
            let blocked = composed.len() > at + 1
                && composed
                    .last()
                    .is_some_and(|&(_, last)| last == 0 || last >= class);
            if !blocked {
                if let Some(one) = compose(composed[at].0, c) {
                    composed[at].0 = one;
                    continue;
                }
            }
        }
        if class == 0 {
            starter = Some(composed.len());
        }
        composed.push((c, class));
    }
    composed.into_iter().map(|(c, _)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    const TABLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/unicode/tables.rs");

    /// The one other character `c` stands for in the crate's compatibility decomposition.
    fn crate_one_compatible(c: char) -> Option<char> {
        let mut all = Vec::new();
        unicode_normalization::char::decompose_compatible(c, |d| all.push(d));
        (all.len() == 1 && all[0] != c).then(|| all[0])
    }

    /// `unicode/tables.rs` as made from `unicode-normalization`.
    fn generated() -> String {
        let mut marks: Vec<(u32, u32)> = Vec::new();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            if !unicode_normalization::char::is_combining_mark(c) {
                continue;
            }
            let c = u32::from(c);
            match marks.last_mut() {
                Some((_, last)) if *last + 1 == c => *last = c,
                _ => marks.push((c, c)),
            }
        }
        // Runs of characters that stand for consecutive characters.
        let mut runs: Vec<(u32, u16, u32)> = Vec::new();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            if !in_compatibility_blocks(c) {
                continue;
            }
            let Some(target) = crate_one_compatible(c) else {
                continue;
            };
            let (c, target) = (u32::from(c), u32::from(target));
            match runs.last_mut() {
                Some((first, len, to))
                    if *first + u32::from(*len) == c && *to + u32::from(*len) == target =>
                {
                    *len += 1;
                }
                _ => runs.push((c, 1, target)),
            }
        }
        let mut out = String::from(
            "// @generated by the tests of crates/archive/src/unicode.rs from unicode-normalization\n\
             // (GAZETTE_WRITE_TABLES=1 cargo test -p gazette-archive unicode): do not edit.\n\n",
        );
        out.push_str(&format!(
            "/// The combining marks, as ranges `(first, last)` (Unicode {}.{}.{}).\n\
             pub(super) const COMBINING_MARKS: &[(u32, u32)] = &[\n",
            unicode_normalization::UNICODE_VERSION.0,
            unicode_normalization::UNICODE_VERSION.1,
            unicode_normalization::UNICODE_VERSION.2,
        ));
        for (first, last) in marks {
            out.push_str(&format!("    (0x{first:X}, 0x{last:X}),\n"));
        }
        out.push_str(
            "];\n\n/// The characters of `in_compatibility_blocks` that stand for one other, as runs\n\
             /// `(first, length, what the first stands for)`: the run's characters stand for\n\
             /// consecutive characters.\n\
             pub(super) const ONE_COMPATIBLE: &[(u32, u16, u32)] = &[\n",
        );
        for (first, len, target) in runs {
            out.push_str(&format!("    (0x{first:X}, {len}, 0x{target:X}),\n"));
        }
        out.push_str("];\n");
        out
    }

    #[test]
    fn tables_are_made_from_unicode_normalization() {
        let expected = generated();
        if std::env::var_os("GAZETTE_WRITE_TABLES").is_some() {
            std::fs::write(TABLES, &expected).expect("write unicode/tables.rs");
        }
        let committed = std::fs::read_to_string(TABLES).expect("read unicode/tables.rs");
        assert!(
            committed == expected,
            "crates/archive/src/unicode/tables.rs is not what unicode-normalization gives: \
             GAZETTE_WRITE_TABLES=1 cargo test -p gazette-archive unicode writes it anew"
        );
    }

    #[test]
    fn the_tables_answer_as_the_crate_does_for_every_character() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(
                is_combining_mark(c),
                unicode_normalization::char::is_combining_mark(c),
                "{c:?}"
            );
            if in_compatibility_blocks(c) {
                assert_eq!(one_compatible(c), crate_one_compatible(c), "{c:?}");
            } else {
                assert_eq!(one_compatible(c), None, "{c:?}");
            }
        }
        assert_eq!(one_compatible('⽇'), Some('日'));
        assert_eq!(one_compatible('𝐁'), Some('B'));
        assert_eq!(one_compatible('ϑ'), Some('θ'));
        assert_eq!(one_compatible('℃'), None, "two characters: °C");
    }

    #[test]
    fn composition_is_nfc() {
        // Characters whose clusters the tokenizer composes: letters with and without their
        // own marks, marks of many classes, Hangul's jamo and syllables, kana and their
        // voicing marks, Indic and Tamil vowel signs, a nukta, Hebrew points.
        let pool: Vec<char> =
            "aeiouAEIOUyçéêệịİıñøåǖǘẫ\u{1EB7}\u{0300}\u{0301}\u{0302}\u{0303}\u{0308}\
             \u{030C}\u{0323}\u{0327}\u{0328}\u{031B}\u{0345}\u{0307}\u{0338}\u{20D7}\u{05B4}\
             \u{05BC}\u{05D9}ωΩᾳ\u{0342}\u{0313}ᄒ\u{1161}\u{11AB}하한가\u{3099}\u{309A}か\
             ハ\u{0BC6}\u{0BBE}\u{0BD7}க\u{0B92}\u{093C}क\u{0915}\u{0941}\u{094D}"
                .chars()
                .collect();
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for _ in 0..200_000 {
            let len = 1 + next(5);
            let text: String = (0..len).map(|_| pool[next(pool.len())]).collect();
            assert_eq!(
                nfc(text.chars()),
                text.nfc().collect::<String>(),
                "{text:?}"
            );
        }
        // Every character with a canonical decomposition, then with each mark of the pool.
        let marks: Vec<char> = pool
            .iter()
            .copied()
            .filter(|&c| is_combining_mark(c))
            .collect();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let mut decomposes = false;
            decompose_canonical(c, |d| decomposes |= d != c);
            if !decomposes {
                continue;
            }
            let alone = std::iter::once(None);
            for mark in alone.chain(marks.iter().copied().map(Some)) {
                let text: String = std::iter::once(c).chain(mark).collect();
                assert_eq!(
                    nfc(text.chars()),
                    text.nfc().collect::<String>(),
                    "{text:?}"
                );
            }
        }
    }
}
