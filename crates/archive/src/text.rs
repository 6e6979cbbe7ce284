//! Small text helpers shared by the importer and the app: excerpt truncation, the minimal
//! HTML unescaping that turns sanitized text back into plain text, and the readable text of
//! sanitized HTML (indexed by the builder; searched for excerpts around hits by the app).

use memchr::memchr;

/// Longest excerpt kept in the post index, in characters.
pub const EXCERPT_CHARS: usize = 140;

/// Appends `text` to `out` with its runs of whitespace collapsed into one space and its ends
/// trimmed (no intermediate list of words). Whitespace is Unicode's, as in
/// [`str::split_whitespace`], but the scan steps a character at a time by its lead byte and
/// decodes only where a space can be: every Unicode space is ASCII or starts with a lead
/// byte below `E4`, so Chinese text (lead bytes `E4`..`E9`) is stepped over, not decoded.
fn push_collapsed(out: &mut String, text: &str) {
    let start = out.len();
    let mut push = |word: &str| {
        if !word.is_empty() {
            push_word(out, start, word);
        }
    };
    let bytes = text.as_bytes();
    let (mut word_start, mut at) = (0, 0);
    while at < text.len() {
        // Whole chunks without a byte a space can start with (below `!` or a lead byte
        // `C2`..`E3`) are skipped, then the characters they cut into.
        let skipped = skip_chunks(bytes, at, |b| {
            (b <= b' ') | (b.wrapping_sub(0xC2) <= 0xE3 - 0xC2)
        });
        if skipped > at {
            at = skipped;
            while bytes.get(at).is_some_and(|&b| b & 0xC0 == 0x80) {
                at += 1;
            }
        }
        let chunk_end = (at + CHUNK).min(text.len());
        while at < chunk_end {
            let (len, is_space) = step(text, at);
            if is_space {
                push(&text[word_start..at]);
                word_start = at + len;
            }
            at += len;
        }
    }
    push(&text[word_start..]);
}

/// The bytes [`skip_chunks`] looks at at once.
pub const CHUNK: usize = 32;

/// The first place from `at` on that starts a chunk of [`CHUNK`] bytes holding a byte for
/// which `hit` is true, or where fewer than [`CHUNK`] bytes are left: what comes before needs
/// no look byte by byte. (A chunk is tested as a whole, which the compiler turns into vector
/// instructions: text scanners that stop at a few rare bytes go over Chinese text several
/// times faster.)
#[inline]
pub fn skip_chunks(bytes: &[u8], mut at: usize, hit: impl Fn(u8) -> bool) -> usize {
    while let Some(chunk) = bytes.get(at..at + CHUNK) {
        let chunk: &[u8; CHUNK] = chunk.try_into().expect("a chunk's length");
        if chunk.iter().fold(0u8, |any, &b| any | u8::from(hit(b))) != 0 {
            break;
        }
        at += CHUNK;
    }
    at
}

/// The length of the character at `at` (a character boundary before the end of `text`) and
/// whether it is white space, decoding it only where a space can be (see [`push_collapsed`]).
fn step(text: &str, at: usize) -> (usize, bool) {
    let lead = text.as_bytes()[at];
    if lead < 0x80 {
        (
            1,
            matches!(lead, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r'),
        )
    } else if lead >= 0xE4 {
        (if lead < 0xF0 { 3 } else { 4 }, false)
    } else {
        let c = text[at..]
            .chars()
            .next()
            .expect("`at` is a character boundary before the end");
        (c.len_utf8(), c.is_whitespace())
    }
}

/// `text` with its whitespace collapsed (see [`push_collapsed`]), cut by [`truncate_chars`]
/// to `max` characters, reading only as much of `text` as the result needs: an excerpt of a
/// long article costs the excerpt, not the article (Chinese paragraphs hold no spaces, so
/// even their first word can be long). The result is built in place, in one allocation.
pub fn collapsed_excerpt(text: &str, max: usize) -> String {
    // `max` + 1 characters of at most four bytes, and a space before the last.
    let mut out = String::with_capacity(4 * (max + 2));
    // Characters of the result so far (the words in `out`, the current word's characters
    // read, and the spaces before words).
    let mut chars = 0;
    // The length of the result when it held `max` characters: where `truncate_chars` cuts.
    let mut cut_at = None;
    // The current word: where it starts in `text`, and where it will start in `out` (after a
    // space when a word is there already). Words are copied whole, not a character at a time.
    let mut word: Option<(usize, usize)> = None;
    let mut at = 0;
    while at < text.len() {
        let (len, is_space) = step(text, at);
        if is_space {
            if let Some((start, _)) = word.take() {
                push_word(&mut out, 0, &text[start..at]);
            }
            at += len;
            continue;
        }
        // One character past `max` is enough to know that the excerpt is cut.
        if chars > max {
            break;
        }
        let (start, out_start) = *word.get_or_insert_with(|| {
            let spaced = !out.is_empty();
            if spaced {
                if chars == max {
                    cut_at = Some(out.len());
                }
                chars += 1;
            }
            (at, out.len() + usize::from(spaced))
        });
        if chars == max {
            cut_at = Some(out_start + (at - start));
        }
        chars += 1;
        at += len;
    }
    if let Some((start, _)) = word {
        push_word(&mut out, 0, &text[start..at]);
    }
    if let Some(at) = cut_at {
        out.truncate(at);
        end_with_ellipsis(&mut out);
    }
    out
}

/// Appends `word`, after a space when `out` holds a word already past `start` (where the
/// collapsed text begins).
fn push_word(out: &mut String, start: usize, word: &str) {
    if out.len() > start {
        out.push(' ');
    }
    out.push_str(word);
}

/// Cuts `text` to at most `max` characters, ending with `…` when something was cut.
pub fn truncate_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((end, _)) => {
            let mut cut = text[..end].to_string();
            end_with_ellipsis(&mut cut);
            cut
        }
    }
}

/// Marks text that was cut: trailing whitespace off, then `…`.
fn end_with_ellipsis(cut: &mut String) {
    cut.truncate(cut.trim_end().len());
    cut.push('…');
}

/// The entities an HTML serializer writes in text, and what they stand for.
const SERIALIZED_ENTITIES: [(&str, char); 6] = [
    ("&lt;", '<'),
    ("&gt;", '>'),
    ("&quot;", '"'),
    ("&#39;", '\''),
    ("&nbsp;", '\u{a0}'),
    ("&amp;", '&'),
];

/// Appends `text` to `out` with [`SERIALIZED_ENTITIES`] decoded (reversing the escaping an
/// HTML serializer applies to text, so sanitized text can be read as plain text), in one
/// pass: each entity starts at a `&` and holds no other, so `&amp;lt;` decodes to `&lt;`,
/// never to `<`. Any other `&` stays as it is.
fn push_unescaped(out: &mut String, mut text: &str) {
    while let Some(at) = memchr(b'&', text.as_bytes()) {
        out.push_str(&text[..at]);
        text = &text[at..];
        match SERIALIZED_ENTITIES
            .iter()
            .find(|(entity, _)| text.starts_with(entity))
        {
            Some(&(entity, decoded)) => {
                out.push(decoded);
                text = &text[entity.len()..];
            }
            None => {
                out.push('&');
                text = &text[1..];
            }
        }
    }
    out.push_str(text);
}

/// Elements that end a line of text when HTML is read as plain text.
const BLOCK_ELEMENTS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "tr",
    "td",
    "th",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "center",
    "blockquote",
    "pre",
    "table",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "hr",
    "figure",
    "figcaption",
];

/// The readable text of sanitized HTML ([`sanitize_html`] output): one line per block, with
/// navigation blocks left out — a block whose only text is inside links (finews'
/// `[返回…](…)｜[返回首页](…)` footers, the bare source link) is not article text.
pub fn article_text(sanitized: &str) -> String {
    let mut lines = String::with_capacity(sanitized.len() / 2);
    let mut block = BlockText::default();
    let mut rest = sanitized;
    let mut link_depth = 0usize;
    while !rest.is_empty() {
        match memchr(b'<', rest.as_bytes()) {
            Some(0) => {
                let Some(close) = memchr(b'>', rest.as_bytes()) else {
                    // Not serializer output (a damaged archive): the rest is text.
                    block.push(rest, link_depth > 0);
                    break;
                };
                let tag = &rest[1..close];
                let closing = tag.starts_with('/');
                let tag = tag.trim_start_matches('/');
                let name = &tag[..tag
                    .find(|c: char| !c.is_ascii_alphanumeric())
                    .unwrap_or(tag.len())];
                if name.eq_ignore_ascii_case("a") {
                    link_depth = if closing {
                        link_depth.saturating_sub(1)
                    } else {
                        link_depth + 1
                    };
                }
                if BLOCK_ELEMENTS
                    .iter()
                    .any(|block| block.eq_ignore_ascii_case(name))
                {
                    block.finish_into(&mut lines);
                }
                rest = &rest[close + 1..];
            }
            found => {
                let end = found.unwrap_or(rest.len());
                block.push(&rest[..end], link_depth > 0);
                rest = &rest[end..];
            }
        }
    }
    block.finish_into(&mut lines);
    lines
}

#[derive(Default)]
struct BlockText {
    text: String,
    has_plain_text: bool,
    has_link_text: bool,
}

impl BlockText {
    /// Adds a run of serialized text (entities still escaped).
    fn push(&mut self, serialized: &str, in_link: bool) {
        let start = self.text.len();
        push_unescaped(&mut self.text, serialized);
        let seen = if in_link {
            &mut self.has_link_text
        } else {
            &mut self.has_plain_text
        };
        // Once the block has such text, whether this run has some too changes nothing.
        *seen = *seen || self.text[start..].chars().any(char::is_alphanumeric);
    }

    /// Ends the block: its text, whitespace collapsed, becomes the next line of `lines`
    /// unless it is empty or navigation. The block's buffer is kept for the next block.
    fn finish_into(&mut self, lines: &mut String) {
        let is_navigation = self.has_link_text && !self.has_plain_text;
        let is_blank = self.text.trim_start().is_empty();
        if !is_navigation && !is_blank {
            if !lines.is_empty() {
                lines.push('\n');
            }
            push_collapsed(lines, &self.text);
        }
        self.text.clear();
        self.has_plain_text = false;
        self.has_link_text = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::random_pieces::RandomPieces;

    /// Collapsing skips chunks of text that hold no space: long random texts of Chinese,
    /// Latin, ASCII and Unicode spaces, cut anywhere by the chunks, collapse as
    /// `split_whitespace` does.
    #[test]
    fn collapsing_long_texts_is_split_whitespace() {
        const PIECES: &[&str] = &[
            "人民币汇率",
            "上",
            "A股",
            "a",
            "é",
            " ",
            "  ",
            "\n",
            "\t",
            "\u{a0}",
            "\u{3000}",
            "\u{2028}",
            "\u{1680}",
            "\u{85}",
            "\r\n",
            "ab cd",
            "€",
            "𝄞",
        ];
        // `TEXT_FUZZ=iterations,max_len[,seed]` runs more, longer or other texts.
        let mut random = RandomPieces::from_env("TEXT_FUZZ", 0x2545_F491_4F6C_DD1D, 5_000, 120);
        for _ in 0..random.iterations {
            let text: String = random.input_or_empty(|random| PIECES[random.below(PIECES.len())]);
            let mut out = String::from("kept");
            push_collapsed(&mut out, &text);
            let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(out, format!("kept{words}"), "for {text:?}");
        }
    }

    #[test]
    fn truncation_counts_characters_not_bytes() {
        assert_eq!(truncate_chars("离岸人民币兑美元", 4), "离岸人民…");
        assert_eq!(truncate_chars("短", 4), "短");
    }

    fn unescape_serialized_text(text: &str) -> String {
        let mut out = String::new();
        push_unescaped(&mut out, text);
        out
    }

    #[test]
    fn unescaping_restores_ampersands_last() {
        assert_eq!(
            unescape_serialized_text("a &amp;lt; b &lt; c"),
            "a &lt; b < c"
        );
    }

    #[test]
    fn unescaping_in_one_pass_is_replacing_each_entity_in_turn() {
        let chained = |text: &str| {
            text.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&nbsp;", "\u{a0}")
                .replace("&amp;", "&")
        };
        let texts = [
            "",
            "&",
            "&&",
            "&amp",
            "&amp;amp;",
            "&&lt;;",
            "a&lt;b&gt;c&quot;d&#39;e&nbsp;f&amp;g",
            "&#39&#39;&nbsp&nbsp;",
            "人民币&amp;汇率 &lt;1%&",
            "&lt&lt;lt;&gt;&amp;&amp;nbsp;",
        ];
        for text in texts {
            assert_eq!(unescape_serialized_text(text), chained(text), "{text:?}");
        }
    }

    /// `text` with its whitespace collapsed, as a string of its own.
    fn collapse_whitespace(text: &str) -> String {
        let mut out = String::new();
        push_collapsed(&mut out, text);
        out
    }

    #[test]
    fn whitespace_collapses() {
        assert_eq!(collapse_whitespace("  a \n\t b  "), "a b");
        assert_eq!(collapse_whitespace(" \n "), "");
    }

    #[test]
    fn every_unicode_space_collapses_like_split_whitespace() {
        let spaces: Vec<char> = (0..=0x3000u32)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .collect();
        // Characters sharing a lead byte with a space, that are not spaces.
        let neighbours = [
            '\u{80}', '\u{a1}', '\u{1681}', '\u{200b}', '\u{2030}', '\u{3001}', '人',
        ];
        for &space in &spaces {
            for &other in &neighbours {
                let text = format!("{space}{other}{space}{space}a{other}{space}{other}{space}");
                let expected = text.split_whitespace().collect::<Vec<_>>().join(" ");
                assert_eq!(collapse_whitespace(&text), expected, "{text:?}");
            }
        }
        assert_eq!(
            spaces.len(),
            25,
            "Unicode's White_Space property below U+3001"
        );
        // What `push_collapsed` relies on: no space anywhere starts with a lead byte of E4
        // or above, which it steps over undecoded.
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            if c.is_whitespace() {
                let mut utf8 = [0; 4];
                assert!(c.encode_utf8(&mut utf8).as_bytes()[0] < 0xE4, "{c:?}");
            }
        }
    }

    #[test]
    fn damaged_html_reads_as_text_without_panicking() {
        assert_eq!(article_text("<"), "<");
        assert_eq!(article_text("a<"), "a<");
        assert_eq!(article_text("<人"), "<人");
        assert_eq!(article_text("<p>甲</p><p>乙 <b"), "甲\n乙 <b");
        assert_eq!(article_text("<>x"), "x");
    }

    #[test]
    fn a_collapsed_excerpt_is_the_truncated_collapsed_text_of_any_text() {
        // Every kind of character the scan tells apart: ASCII letters and spaces, two-byte
        // letters and spaces (U+00A0, U+0085), three-byte spaces (U+2003, U+3000) and letters
        // below and above the Chinese lead bytes, Chinese, and four-byte characters.
        let alphabet: Vec<char> = "a Z\t\n\r\u{b}\u{c}é\u{a0}\u{85}\u{2003}\u{3000}ア人民币，😀"
            .chars()
            .collect();
        let mut random = RandomPieces::from_env("TEXT_FUZZ", 0x9e37_79b9_7f4a_7c15, 3_000, 24);
        for _ in 0..random.iterations {
            let text: String =
                random.input_or_empty(|random| alphabet[random.below(alphabet.len())]);
            let max = random.below(14);
            assert_eq!(
                collapsed_excerpt(&text, max),
                truncate_chars(&collapse_whitespace(&text), max),
                "{text:?} at {max}"
            );
        }
    }

    #[test]
    fn a_collapsed_excerpt_is_the_truncated_collapsed_text() {
        let texts = [
            "",
            "  ",
            "短",
            "离岸人民币兑美元 升至 6.3512",
            "a b c d e f g h",
            "ab  cd\n\nef gh ij",
            "abcdefghij",
            "abcd efgh",
            "abcd  ",
            "  离岸人民币兑美元升至6.3512，为2018年以来最高水平。  第二段。",
        ];
        for text in texts {
            for max in 0..12 {
                assert_eq!(
                    collapsed_excerpt(text, max),
                    truncate_chars(&collapse_whitespace(text), max),
                    "{text:?} at {max}"
                );
            }
        }
    }
}
