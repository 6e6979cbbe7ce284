//! CSS Text's rule for a line break inside a paragraph's source text (a *segment break*): a
//! browser shows it as a space, except between two East Asian wide characters, where it shows
//! nothing — Chinese and Japanese are written without spaces, so `美联储今日宣布⏎加息`,
//! hard-wrapped in its source, reads `美联储今日宣布加息`. The article text follows the rule,
//! so that what a reader sees is what search finds (`宣布加息`).
//!
//! The rule (CSS Text Module Level 3, "Segment Break Transformation Rules"): spaces and tabs
//! around the break go first; then the break is removed when the character before or after it
//! is a zero-width space (U+200B), or when both are East Asian Width F, W or H (fullwidth,
//! wide or halfwidth, not ambiguous) and neither is Hangul (Korean is written with spaces).
//! Otherwise it is a space.

/// Whether a segment break between `before` and `after` (the characters on either side, once
/// the spaces and tabs around it are gone) is removed rather than shown as a space.
pub fn joins_across_a_segment_break(before: char, after: char) -> bool {
    before == '\u{200B}' || after == '\u{200B}' || (is_wide(before) && is_wide(after))
}

/// Whether `c` is East Asian Width F, W or H and not Hangul.
fn is_wide(c: char) -> bool {
    if c < EAST_ASIAN_WIDE[0].0 {
        return false;
    }
    EAST_ASIAN_WIDE
        .binary_search_by(|&(first, last)| {
            if last < c {
                std::cmp::Ordering::Less
            } else if first > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// The characters of East Asian Width F, W or H but Hangul's (Jamo, compatibility Jamo,
/// syllables, halfwidth Jamo, parenthesized and circled Hangul), as ranges in order: Unicode
/// 14's EastAsianWidth.txt, with the planes and blocks it gives W by default (CJK Unified
/// Ideographs and their extensions, compatibility ideographs, planes 2 and 3) whole, so that
/// ideographs assigned since are wide too.
const EAST_ASIAN_WIDE: &[(char, char)] = &[
    ('\u{20A9}', '\u{20A9}'),
    ('\u{231A}', '\u{231B}'),
    ('\u{2329}', '\u{232A}'),
    ('\u{23E9}', '\u{23EC}'),
    ('\u{23F0}', '\u{23F0}'),
    ('\u{23F3}', '\u{23F3}'),
    ('\u{25FD}', '\u{25FE}'),
    ('\u{2614}', '\u{2615}'),
    ('\u{2648}', '\u{2653}'),
    ('\u{267F}', '\u{267F}'),
    ('\u{2693}', '\u{2693}'),
    ('\u{26A1}', '\u{26A1}'),
    ('\u{26AA}', '\u{26AB}'),
    ('\u{26BD}', '\u{26BE}'),
    ('\u{26C4}', '\u{26C5}'),
    ('\u{26CE}', '\u{26CE}'),
    ('\u{26D4}', '\u{26D4}'),
    ('\u{26EA}', '\u{26EA}'),
    ('\u{26F2}', '\u{26F3}'),
    ('\u{26F5}', '\u{26F5}'),
    ('\u{26FA}', '\u{26FA}'),
    ('\u{26FD}', '\u{26FD}'),
    ('\u{2705}', '\u{2705}'),
    ('\u{270A}', '\u{270B}'),
    ('\u{2728}', '\u{2728}'),
    ('\u{274C}', '\u{274C}'),
    ('\u{274E}', '\u{274E}'),
    ('\u{2753}', '\u{2755}'),
    ('\u{2757}', '\u{2757}'),
    ('\u{2795}', '\u{2797}'),
    ('\u{27B0}', '\u{27B0}'),
    ('\u{27BF}', '\u{27BF}'),
    ('\u{2B1B}', '\u{2B1C}'),
    ('\u{2B50}', '\u{2B50}'),
    ('\u{2B55}', '\u{2B55}'),
    ('\u{2E80}', '\u{2E99}'),
    ('\u{2E9B}', '\u{2EF3}'),
    ('\u{2F00}', '\u{2FD5}'),
    ('\u{2FF0}', '\u{2FFB}'),
    ('\u{3000}', '\u{303E}'),
    ('\u{3041}', '\u{3096}'),
    ('\u{3099}', '\u{30FF}'),
    ('\u{3105}', '\u{312F}'),
    ('\u{3190}', '\u{31E3}'),
    ('\u{31F0}', '\u{31FF}'),
    ('\u{3220}', '\u{3247}'),
    ('\u{3250}', '\u{325F}'),
    ('\u{327F}', '\u{4DBF}'),
    ('\u{4E00}', '\u{A48C}'),
    ('\u{A490}', '\u{A4C6}'),
    ('\u{F900}', '\u{FAFF}'),
    ('\u{FE10}', '\u{FE19}'),
    ('\u{FE30}', '\u{FE52}'),
    ('\u{FE54}', '\u{FE66}'),
    ('\u{FE68}', '\u{FE6B}'),
    ('\u{FF01}', '\u{FF9F}'),
    ('\u{FFE0}', '\u{FFE6}'),
    ('\u{FFE8}', '\u{FFEE}'),
    ('\u{16FE0}', '\u{16FE4}'),
    ('\u{16FF0}', '\u{16FF1}'),
    ('\u{17000}', '\u{187F7}'),
    ('\u{18800}', '\u{18CD5}'),
    ('\u{18D00}', '\u{18D08}'),
    ('\u{1AFF0}', '\u{1AFF3}'),
    ('\u{1AFF5}', '\u{1AFFB}'),
    ('\u{1AFFD}', '\u{1AFFE}'),
    ('\u{1B000}', '\u{1B122}'),
    ('\u{1B150}', '\u{1B152}'),
    ('\u{1B164}', '\u{1B167}'),
    ('\u{1B170}', '\u{1B2FB}'),
    ('\u{1F004}', '\u{1F004}'),
    ('\u{1F0CF}', '\u{1F0CF}'),
    ('\u{1F18E}', '\u{1F18E}'),
    ('\u{1F191}', '\u{1F19A}'),
    ('\u{1F200}', '\u{1F202}'),
    ('\u{1F210}', '\u{1F23B}'),
    ('\u{1F240}', '\u{1F248}'),
    ('\u{1F250}', '\u{1F251}'),
    ('\u{1F260}', '\u{1F265}'),
    ('\u{1F300}', '\u{1F320}'),
    ('\u{1F32D}', '\u{1F335}'),
    ('\u{1F337}', '\u{1F37C}'),
    ('\u{1F37E}', '\u{1F393}'),
    ('\u{1F3A0}', '\u{1F3CA}'),
    ('\u{1F3CF}', '\u{1F3D3}'),
    ('\u{1F3E0}', '\u{1F3F0}'),
    ('\u{1F3F4}', '\u{1F3F4}'),
    ('\u{1F3F8}', '\u{1F43E}'),
    ('\u{1F440}', '\u{1F440}'),
    ('\u{1F442}', '\u{1F4FC}'),
    ('\u{1F4FF}', '\u{1F53D}'),
    ('\u{1F54B}', '\u{1F54E}'),
    ('\u{1F550}', '\u{1F567}'),
    ('\u{1F57A}', '\u{1F57A}'),
    ('\u{1F595}', '\u{1F596}'),
    ('\u{1F5A4}', '\u{1F5A4}'),
    ('\u{1F5FB}', '\u{1F64F}'),
    ('\u{1F680}', '\u{1F6C5}'),
    ('\u{1F6CC}', '\u{1F6CC}'),
    ('\u{1F6D0}', '\u{1F6D2}'),
    ('\u{1F6D5}', '\u{1F6D7}'),
    ('\u{1F6DD}', '\u{1F6DF}'),
    ('\u{1F6EB}', '\u{1F6EC}'),
    ('\u{1F6F4}', '\u{1F6FC}'),
    ('\u{1F7E0}', '\u{1F7EB}'),
    ('\u{1F7F0}', '\u{1F7F0}'),
    ('\u{1F90C}', '\u{1F93A}'),
    ('\u{1F93C}', '\u{1F945}'),
    ('\u{1F947}', '\u{1F9FF}'),
    ('\u{1FA70}', '\u{1FA74}'),
    ('\u{1FA78}', '\u{1FA7C}'),
    ('\u{1FA80}', '\u{1FA86}'),
    ('\u{1FA90}', '\u{1FAAC}'),
    ('\u{1FAB0}', '\u{1FABA}'),
    ('\u{1FAC0}', '\u{1FAC5}'),
    ('\u{1FAD0}', '\u{1FAD9}'),
    ('\u{1FAE0}', '\u{1FAE7}'),
    ('\u{1FAF0}', '\u{1FAF6}'),
    ('\u{20000}', '\u{2FFFD}'),
    ('\u{30000}', '\u{3FFFD}'),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_break_between_chinese_or_japanese_characters_goes() {
        for (before, after) in [
            ('布', '加'),
            ('。', '加'),
            ('布', '「'),
            ('か', 'ナ'),
            ('ｶ', 'ﾅ'),
            ('Ａ', '人'),
            ('人', '𠀀'),
            ('人', '\u{323AF}'),
            ('a', '\u{200B}'),
        ] {
            assert!(
                joins_across_a_segment_break(before, after),
                "{before} {after}"
            );
        }
    }

    #[test]
    fn a_break_next_to_latin_hangul_or_ambiguous_characters_is_a_space() {
        for (before, after) in [
            ('a', '人'),
            ('人', '1'),
            ('한', '국'),
            ('人', '한'),
            ('ﾡ', 'ｶ'),
            ('“', '人'),
            ('人', '…'),
            ('é', 'ü'),
        ] {
            assert!(
                !joins_across_a_segment_break(before, after),
                "{before} {after}"
            );
        }
    }

    #[test]
    fn the_ranges_are_in_order_and_apart() {
        for pair in EAST_ASIAN_WIDE.windows(2) {
            assert!(pair[0].0 <= pair[0].1 && pair[0].1 < pair[1].0, "{pair:?}");
        }
    }
}
