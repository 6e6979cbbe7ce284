//! Small text helpers shared by the importer and the app: excerpt truncation, the minimal
//! HTML unescaping that turns sanitized text back into plain text, and the readable text of
//! sanitized HTML (indexed by the builder; searched for excerpts around hits by the app).

use memchr::memchr;

/// Longest excerpt kept in the post index, in characters.
pub const EXCERPT_CHARS: usize = 140;

/// Appends `text` to `out` with its runs of whitespace collapsed into one space and its ends
/// trimmed (no intermediate list of words) — or into nothing, for a run of spaces and tabs
/// around a line feed between two East Asian wide characters (see [`crate::segment_break`]).
/// Whitespace is Unicode's, as in [`str::split_whitespace`], but the scan steps a character
/// at a time by its lead byte and decodes only where a space can be: every Unicode space is
/// ASCII or starts with a lead byte below `E4`, so Chinese text (lead bytes `E4`..`E9`) is
/// stepped over, not decoded.
fn push_collapsed(out: &mut String, text: &str) {
    let start = out.len();
    // The run of white space before the current word.
    let mut gap = Gap::default();
    let mut push = |word: &str, gap: &mut Gap| {
        if !word.is_empty() {
            if out.len() > start && !gap.joins(out, word) {
                out.push(' ');
            }
            out.push_str(word);
            *gap = Gap::default();
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
                push(&text[word_start..at], &mut gap);
                gap.add(bytes[at]);
                word_start = at + len;
            }
            at += len;
        }
    }
    push(&text[word_start..], &mut gap);
}

/// `text` on one line, as a browser shows it: runs of white space one space (none at a line
/// break between two East Asian wide characters), the ends trimmed.
pub fn collapse_white_space(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_collapsed(&mut out, text);
    out
}

/// A run of white space between two words, as CSS Text reads it.
#[derive(Default)]
struct Gap {
    /// It holds a line feed: a segment break.
    segment_break: bool,
    /// It holds white space other than spaces, tabs and line feeds (which CSS does not
    /// collapse: an ideographic space stays).
    other: bool,
}

impl Gap {
    /// Takes in the white space character that starts with `lead`.
    fn add(&mut self, lead: u8) {
        match lead {
            b'\n' => self.segment_break = true,
            b' ' | b'\t' => {}
            _ => self.other = true,
        }
    }

    /// Whether the gap between the end of `before` and `after` (both not empty) is nothing.
    fn joins(&self, before: &str, after: &str) -> bool {
        self.segment_break
            && !self.other
            && before
                .chars()
                .next_back()
                .zip(after.chars().next())
                .is_some_and(|(before, after)| {
                    crate::segment_break::joins_across_a_segment_break(before, after)
                })
    }
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

/// Cuts `text` to about `max` characters as [`truncate_chars`] does, but never inside a word
/// or a number (which would make a word of its own of the piece: `1234.5…` found by
/// `1234.5`): at the start of the word the cut falls in, or, when that would leave less than
/// half of `max`, at its end (up to `max / 2` characters more), and only past that in it.
pub fn truncate_at_units(text: &str, max: usize) -> String {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    if chars.len() <= max {
        return text.to_string();
    }
    let inside = |at: usize| {
        at > 0
            && at < chars.len()
            && !crate::search::separates_units(chars[at - 1].1)
            && !crate::search::separates_units(chars[at].1)
    };
    let mut cut = max;
    if inside(cut) {
        let start = (0..cut).rev().find(|&at| !inside(at)).unwrap_or(0);
        let end = (cut..chars.len())
            .find(|&at| !inside(at))
            .unwrap_or(chars.len());
        cut = if start >= max / 2 {
            start
        } else if end <= max + max / 2 {
            end
        } else {
            max
        };
    }
    if cut >= chars.len() {
        return text.to_string();
    }
    let mut out = text[..chars[cut].0].to_string();
    end_with_ellipsis(&mut out);
    out
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

/// Elements that end a line of text when HTML is read as plain text: every block-level
/// element the policy keeps (a test holds every allowed element to a decision: this list or
/// [`UNIT_BOUNDARY_ELEMENTS`] or inline).
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
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "hr",
    "figure",
    "figcaption",
    "details",
    "summary",
];

/// Inline elements whose start and end separate units, as white space does (not a line):
/// a footnote reference or an exponent is not part of the word before it (`sharply<sup>1</sup>`
/// reads `sharply 1`, so `sharply` and `"rose sharply"` are found and `sharply1` is not; the
/// price is that `m<sup>2</sup>` and `CO<sub>2</sub>` read `m 2` and `CO 2`, found by those
/// phrases but not by `m2` or `co2`). An image between two words stands between them as a
/// space does (`股价<img …>上涨` shows the two apart; read as one word they were `股价上涨`).
const UNIT_BOUNDARY_ELEMENTS: &[&str] = &["sup", "sub", "img"];

/// Blocks whose text is content wherever it comes from: a heading, a list item, a table cell,
/// a term or definition, a caption, a summary, a quotation, code. A link alone in one (a
/// digest's linked headline, a ticker in a table) is article text, never navigation.
const CONTENT_BLOCKS: &[&str] = &[
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "td",
    "th",
    "dt",
    "dd",
    "caption",
    "figcaption",
    "summary",
    "blockquote",
    "pre",
];

/// Inline elements that make a link inside them text the author stressed (`**[Exclusive](…)**`,
/// a quoted link), which navigation never is.
const EMPHASIS_ELEMENTS: &[&str] = &["b", "strong", "em", "i", "u", "mark", "q", "cite"];

/// Characters that stand between navigation links (`[返回东财滚动新闻](…)｜[返回首页](…)`)
/// without being text of their own.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '|' | '｜'
                | '¦'
                | '·'
                | '•'
                | '・'
                | '/'
                | '／'
                | '\\'
                | ','
                | '，'
                | '、'
                | ';'
                | '；'
                | '-'
                | '–'
                | '—'
                | '>'
                | '<'
                | '»'
                | '«'
                | '›'
                | '‹'
                | '→'
                | '←'
        )
}

/// The readable text of sanitized HTML ([`sanitize_html`] output): one line per block (and
/// per line of a `<pre>`), with navigation left out.
///
/// Navigation is a paragraph (or `div`, or `center`) whose only text is in links that do not
/// lead to other sites' pages: links within the site (relative, in-app `#/…`, or
/// protocol-relative `//host/…` to a page of a site's own shape: finews'
/// `[返回…](//finews.zning.me/emnews/)｜[返回首页](//finews.zning.me/)` footers, "next" and
/// "back" links) and links whose text is their address (the bare source link `<http://…>`), with
/// nothing but white space and separators (`|`, `｜`, `·`, `/`…) between them. Anything
/// else is article text: a link to another site alone in a paragraph (a digest's linked
/// headline), a link in bold or in quote marks, and every link in a heading, list item, table
/// cell, quotation or the like (see [`CONTENT_BLOCKS`]). The builder reads the text of the
/// HTML it stores, after links to the site's own pages became in-app links, so that the app
/// reads the same.
///
/// Inside a block, white space collapses to one space, except a line break between two East
/// Asian wide characters (`美联储今日宣布\n加息`, hard-wrapped source), which goes, as CSS Text's
/// segment break rule has it (see [`joins_across_a_segment_break`]); the start and end of a
/// `<sup>` or `<sub>` separate units (see [`UNIT_BOUNDARY_ELEMENTS`]).
pub fn article_text(sanitized: &str) -> String {
    let mut lines = String::with_capacity(sanitized.len() / 2);
    let mut block = BlockText::default();
    let mut rest = sanitized;
    let mut at = Context::default();
    // The links open (in damaged markup they could nest): whether each leads within the site,
    // and where its text starts in the block's text.
    let mut links: Vec<OpenLink> = Vec::new();
    while !rest.is_empty() {
        match memchr(b'<', rest.as_bytes()) {
            Some(0) => {
                let Some(close) = memchr(b'>', rest.as_bytes()) else {
                    // Not serializer output (a damaged archive): the rest is text.
                    block.push(rest, &at);
                    break;
                };
                let tag = &rest[1..close];
                rest = &rest[close + 1..];
                let closing = tag.starts_with('/');
                let tag = tag.trim_start_matches('/');
                let name = &tag[..tag
                    .find(|c: char| !c.is_ascii_alphanumeric())
                    .unwrap_or(tag.len())];
                let is = |names: &[&str]| names.iter().any(|n| n.eq_ignore_ascii_case(name));
                if name.eq_ignore_ascii_case("a") {
                    if closing {
                        if let Some(link) = links.pop() {
                            block.end_link(&link);
                        }
                    } else {
                        // A link without a target (a footnote's, once its `#fn1` went) leads
                        // nowhere: its text is plain text.
                        links.push(OpenLink {
                            href: href_of(tag).map(str::to_string),
                            text_start: block.text.len(),
                        });
                    }
                    at.in_link = links.iter().any(|link| link.href.is_some());
                    at.in_backlink = links.iter().any(|link| {
                        link.href
                            .as_deref()
                            .is_some_and(|href| href.starts_with(FOOTNOTE_BACKLINK))
                    });
                }
                let step = |depth: usize| {
                    if closing {
                        depth.saturating_sub(1)
                    } else {
                        depth + 1
                    }
                };
                if is(CONTENT_BLOCKS) {
                    at.content_depth = step(at.content_depth);
                }
                if is(EMPHASIS_ELEMENTS) {
                    at.emphasis_depth = step(at.emphasis_depth);
                }
                if name.eq_ignore_ascii_case("pre") {
                    at.pre_depth = step(at.pre_depth);
                }
                if is(BLOCK_ELEMENTS) {
                    block.finish_into(&mut lines, &mut links);
                } else if is(UNIT_BOUNDARY_ELEMENTS) {
                    block.text.push(' ');
                }
            }
            found => {
                let end = found.unwrap_or(rest.len());
                let mut text = &rest[..end];
                rest = &rest[end..];
                if at.in_backlink {
                    // A footnote's way back to its reference (`↩`): not the note's text.
                    continue;
                }
                // In a `<pre>`, each line of the text is a line.
                if at.pre_depth > 0 {
                    while let Some(newline) = memchr(b'\n', text.as_bytes()) {
                        block.push(&text[..newline], &at);
                        block.finish_into(&mut lines, &mut links);
                        text = &text[newline + 1..];
                    }
                }
                block.push(text, &at);
            }
        }
    }
    block.finish_into(&mut lines, &mut links);
    lines
}

/// How a footnote's link back to its reference starts (`#gz-fnref:a`, as the builder writes
/// kramdown's footnotes).
const FOOTNOTE_BACKLINK: &str = "#gz-fnref:";

/// Where in the markup a run of text stands.
#[derive(Default)]
struct Context {
    /// Inside a link with a target.
    in_link: bool,
    /// Inside a footnote's link back to its reference.
    in_backlink: bool,
    /// [`CONTENT_BLOCKS`] open around it.
    content_depth: usize,
    /// [`EMPHASIS_ELEMENTS`] open around it.
    emphasis_depth: usize,
    /// `<pre>` elements open around it.
    pre_depth: usize,
}

struct OpenLink {
    /// The target, as serialized (`&amp;` for `&`); `None` for a link without one.
    href: Option<String>,
    /// Where the link's text starts in its block's text.
    text_start: usize,
}

/// The `href` of a start tag's serialization (the text between `<` and `>`). Serialized
/// attribute values escape their `"`, so ` href="` starts the attribute wherever it stands.
fn href_of(tag: &str) -> Option<&str> {
    let at = memchr::memmem::find(tag.as_bytes(), b" href=\"")? + 7;
    let len = memchr(b'"', &tag.as_bytes()[at..])?;
    Some(&tag[at..at + len])
}

/// Whether a link's target is within the site: relative (`/emnews/`, `../x.html`), in-app
/// (`#/…`, a link the builder made of one to the site's own pages), or protocol-relative to
/// one of a Jekyll site's own pages (see [`is_a_site_page`]: `//finews.zning.me/emnews/`, the
/// site under the host it had then, which the builder cannot tell from another host).
fn leads_within_the_site(href: &str) -> bool {
    // (A link to one of the post's own anchors, `#gz-statement`, is not navigation: "Read the
    // full statement below" is the article's text.)
    if crate::sanitize_policy::is_absolute_url(href)
        || crate::sanitize_policy::linked_anchor(href).is_some()
    {
        return false;
    }
    match href.strip_prefix("//") {
        Some(authority_and_path) => {
            let path = authority_and_path
                .find(['/', '?', '#'])
                .map_or("", |at| &authority_and_path[at..]);
            is_a_site_page(path.split(['?', '#']).next().unwrap_or_default())
        }
        None => true,
    }
}

/// Whether `path` has the shape of a page of a news site's own (what its navigation links
/// to): its home (`/`, `/index.html`), a section (`/emnews/`), a category's or tag's page
/// (`/category/emnews.html`, `/tags/x/`) or a dated post (`/2024/01/05/x.html`). Another
/// site's article (`/markets/fed-cut`, `/x.html`) is none of these: a digest's headline
/// linked to it is the article's text.
fn is_a_site_page(path: &str) -> bool {
    use crate::route::{legacy_route, Route};
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match segments.as_slice() {
        [] => true,
        [section] => !section.contains('.') || section.eq_ignore_ascii_case("index.html"),
        _ => !matches!(legacy_route(path), Route::NotFound { .. }),
    }
}

/// Whether a link's text is an address (the bare source link, `<http://…>` in Markdown).
fn is_an_address(text: &str, href: &str) -> bool {
    let text = text.trim();
    let starts_with = |prefix: &str| {
        text.get(..prefix.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
    };
    starts_with("http://") || starts_with("https://") || starts_with("www.") || text == href
}

#[derive(Default)]
struct BlockText {
    text: String,
    /// Text outside links other than white space and separators (quote marks count).
    has_plain_text: bool,
    /// Letters or digits in links.
    has_link_text: bool,
    /// A link with letters or digits that is content: to another site's page, not its own
    /// address, or stressed.
    has_content_link: bool,
    /// Text inside one of [`CONTENT_BLOCKS`].
    in_content_block: bool,
}

impl BlockText {
    /// Adds a run of serialized text (entities still escaped).
    fn push(&mut self, serialized: &str, at: &Context) {
        let start = self.text.len();
        push_unescaped(&mut self.text, serialized);
        let added = &self.text[start..];
        if added.is_empty() {
            return;
        }
        self.in_content_block |= at.content_depth > 0;
        // Once the block has such text, whether this run has some too changes nothing.
        if at.in_link {
            if !self.has_link_text && added.chars().any(char::is_alphanumeric) {
                self.has_link_text = true;
            }
            if at.emphasis_depth > 0 && added.chars().any(char::is_alphanumeric) {
                self.has_content_link = true;
            }
        } else if !self.has_plain_text {
            self.has_plain_text = added.chars().any(|c| !is_separator(c));
        }
    }

    /// Ends a link: one to another site's page whose text is not its address makes the block
    /// content.
    fn end_link(&mut self, link: &OpenLink) {
        let Some(href) = &link.href else {
            return;
        };
        let text = self.text.get(link.text_start..).unwrap_or_default();
        if text.chars().any(char::is_alphanumeric)
            && !leads_within_the_site(href)
            && !is_an_address(text, href)
        {
            self.has_content_link = true;
        }
    }

    /// Ends the block: its text, whitespace collapsed, becomes the next line of `lines`
    /// unless it is empty or navigation. A link still open (`<a><p>…</p></a>`) is judged by
    /// its text in this block, and goes on in the next. The block's buffer is kept for the
    /// next block.
    fn finish_into(&mut self, lines: &mut String, open_links: &mut [OpenLink]) {
        for link in open_links.iter_mut() {
            self.end_link(link);
            link.text_start = 0;
        }
        let is_navigation = self.has_link_text
            && !self.has_plain_text
            && !self.has_content_link
            && !self.in_content_block;
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
        self.has_content_link = false;
        self.in_content_block = false;
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_footnotes_way_back_is_not_its_text() {
        assert_eq!(
            FOOTNOTE_BACKLINK,
            format!("#{}fnref:", crate::sanitize_policy::ANCHOR_PREFIX)
        );
        let html = "<p>Rates<sup id=\"gz-fnref:a\"><a rel=\"noopener noreferrer\" href=\"#gz-fn:a\">1</a></sup> fell.</p><div><ol><li id=\"gz-fn:a\"><p>Note A.&nbsp;<a rel=\"noopener noreferrer\" href=\"#gz-fnref:a\">↩</a></p></li></ol></div>";
        let text = article_text(html);
        assert!(text.contains("Note A."), "{text:?}");
        assert!(!text.contains('↩'), "{text:?}");
        assert!(text.contains("Rates 1 fell."), "{text:?}");
        // A paragraph that is only a link to an anchor of the post is text, not navigation.
        let html = "<p><a rel=\"noopener noreferrer\" href=\"#gz-statement\">Read the full statement below</a></p>";
        assert_eq!(article_text(html).trim(), "Read the full statement below");
    }

    use super::*;

    #[test]
    fn an_image_stands_between_words() {
        assert_eq!(
            article_text("<p>Rates<img src=\"a.png\" alt=\"\">rose</p>"),
            "Rates rose"
        );
    }

    #[test]
    fn titles_are_cut_between_words_and_numbers() {
        // The red team's S4: `1234.5…` and `sharpl…` were words of the title.
        let chinese = "据公司公告显示贵州茅台在今日的交易中表现强劲收盘时报每股价格为人民币1234.56元，较前一交易日上涨。";
        let cut = truncate_at_units(chinese, 40);
        assert!(cut.ends_with("人民币…"), "{cut}");
        let english = "The Shanghai Composite Index rose sharply on Tuesday after the data";
        assert_eq!(
            truncate_at_units(english, 40),
            "The Shanghai Composite Index rose…"
        );
        // A word longer than the rest: to its end when that is near, else at the length.
        assert_eq!(truncate_at_units("ab cdefgh", 4), "ab…");
        assert_eq!(truncate_at_units("abcdefgh ij", 6), "abcdefgh…");
        assert_eq!(
            truncate_at_units(&"x".repeat(30), 10),
            format!("{}…", "x".repeat(10))
        );
        assert_eq!(truncate_at_units("short", 40), "short");
    }

    use crate::random_pieces::RandomPieces;

    /// What [`push_collapsed`] does, a character at a time: runs of white space are one
    /// space, or nothing for spaces, tabs and line feeds holding a line feed between two
    /// characters the segment break rule joins.
    fn collapsed_by_definition(text: &str) -> String {
        let mut out = String::new();
        let mut gap = String::new();
        for c in text.chars() {
            if c.is_whitespace() {
                gap.push(c);
                continue;
            }
            if let Some(before) = out.chars().next_back().filter(|_| !gap.is_empty()) {
                let segment_break =
                    gap.contains('\n') && gap.chars().all(|c| matches!(c, ' ' | '\t' | '\n'));
                if !(segment_break && crate::segment_break::joins_across_a_segment_break(before, c))
                {
                    out.push(' ');
                }
            }
            gap.clear();
            out.push(c);
        }
        out
    }

    /// Collapsing skips chunks of text that hold no space: long random texts of Chinese,
    /// Latin, ASCII and Unicode spaces, cut anywhere by the chunks, collapse as the
    /// definition says.
    #[test]
    fn collapsing_long_texts_is_the_definition() {
        const PIECES: &[&str] = &[
            "人民币汇率",
            "ｶﾅ",
            "한국",
            "\u{200B}",
            " \n\t",
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
            assert_eq!(
                out,
                format!("kept{}", collapsed_by_definition(&text)),
                "for {text:?}"
            );
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

    /// `text` with every run of white space one space (what excerpts do, on the article
    /// text's lines).
    fn split_whitespace_joined(text: &str) -> String {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn whitespace_collapses() {
        assert_eq!(collapse_whitespace("  a \n\t b  "), "a b");
        assert_eq!(collapse_whitespace(" \n "), "");
    }

    /// CSS Text's segment break rule: a line feed (with spaces and tabs around it) between
    /// two Chinese or Japanese characters is nothing; next to Latin text or Hangul, after
    /// other white space, or without a line feed, it is a space.
    #[test]
    fn a_line_feed_between_chinese_characters_is_nothing() {
        assert_eq!(
            collapse_whitespace("美联储今日宣布\n加息"),
            "美联储今日宣布加息"
        );
        assert_eq!(
            collapse_whitespace("宣布 \n\t 加息。\n「注」"),
            "宣布加息。「注」"
        );
        assert_eq!(collapse_whitespace("ｶﾀｶﾅ\nｶﾅ"), "ｶﾀｶﾅｶﾅ");
        assert_eq!(collapse_whitespace("宣布 加息"), "宣布 加息");
        assert_eq!(collapse_whitespace("宣布\u{3000}\n加息"), "宣布 加息");
        assert_eq!(
            collapse_whitespace("Fed\n加息 3.6%\n上调"),
            "Fed 加息 3.6% 上调"
        );
        assert_eq!(collapse_whitespace("한국\n경제"), "한국 경제");
        assert_eq!(collapse_whitespace("“引号”\n加息"), "“引号” 加息");
    }

    /// Every Unicode space collapses as `split_whitespace` does, but a line feed between
    /// characters the segment break rule joins.
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
                let expected = collapsed_by_definition(&text);
                if space != '\n' {
                    assert_eq!(expected, split_whitespace_joined(&text), "{text:?}");
                }
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

    /// Every element the policy keeps is a decision of the article text's: a line of its
    /// own, a unit boundary, or inline (its text runs on with its neighbours').
    #[test]
    fn every_allowed_element_is_a_block_a_unit_boundary_or_inline() {
        const INLINE: &[&str] = &[
            "a", "abbr", "b", "cite", "code", "del", "dfn", "em", "i", "ins", "kbd", "mark", "q",
            "rp", "rt", "ruby", "s", "samp", "small", "span", "strike", "strong", "time", "u",
            "var", "wbr",
        ];
        for tag in crate::sanitize_policy::ALLOWED_TAGS {
            let decisions = [BLOCK_ELEMENTS, UNIT_BOUNDARY_ELEMENTS, INLINE]
                .iter()
                .filter(|list| list.contains(tag))
                .count();
            assert_eq!(decisions, 1, "{tag}");
        }
        for list in [BLOCK_ELEMENTS, UNIT_BOUNDARY_ELEMENTS, CONTENT_BLOCKS] {
            for tag in list {
                assert!(crate::sanitize_policy::is_allowed_tag(tag), "{tag}");
            }
        }
        for &(_, written) in crate::sanitize_policy::RENAMED_TAGS {
            assert!(BLOCK_ELEMENTS.contains(&written), "{written}");
        }
    }

    #[test]
    fn every_block_the_policy_keeps_is_a_line() {
        assert_eq!(
            article_text("<details><summary>Background</summary>Tariffs rose.</details>"),
            "Background\nTariffs rose."
        );
        assert_eq!(
            article_text("<table><caption>CPI</caption><thead><tr><th>月</th></tr></thead><tbody><tr><td>3.6%</td></tr></tbody></table>"),
            "CPI\n月\n3.6%"
        );
        // What the sanitizer makes of `<section>` and `<listing>`.
        assert_eq!(
            article_text("<div>Reuters</div><div>Beijing</div>"),
            "Reuters\nBeijing"
        );
    }

    /// A quoted phrase never spans two lines of code.
    #[test]
    fn each_line_of_a_pre_is_a_line() {
        assert_eq!(
            article_text(
                "<p>Code:</p><pre><code>rate\ncut  now\n\n<b>x</b> y\n</code></pre><p>After</p>"
            ),
            "Code:\nrate\ncut now\nx y\nAfter"
        );
        // A link alone on a line of code is code, not navigation.
        assert_eq!(article_text("<pre><a href=\"/x\">/x</a>\nb</pre>"), "/x\nb");
    }

    /// A footnote reference or an exponent is not part of the word before it.
    #[test]
    fn sup_and_sub_separate_units() {
        assert_eq!(
            article_text("<p>Inflation rose sharply<sup><a rel=\"noopener noreferrer\" target=\"_blank\">1</a></sup> in May; 同比增长3.6<sup>2</sup>。</p>"),
            "Inflation rose sharply 1 in May; 同比增长3.6 2 。"
        );
        assert_eq!(article_text("<p>GDP<sup>1</sup></p>"), "GDP 1");
        assert_eq!(
            article_text("<p>m<sup>2</sup> CO<sub>2</sub>排放</p>"),
            "m 2 CO 2 排放"
        );
    }

    #[test]
    fn a_line_feed_between_chinese_characters_in_a_paragraph_is_nothing() {
        assert_eq!(
            article_text("<p>美联储今日<b>宣布</b>\n加息，\nFed\nhikes</p><p>段</p>"),
            "美联储今日宣布加息， Fed hikes\n段"
        );
    }

    fn link(href: &str, text: &str) -> String {
        format!("<a rel=\"noopener noreferrer\" target=\"_blank\" href=\"{href}\">{text}</a>")
    }

    /// Navigation is left out: links within the site, and links whose text is their address,
    /// alone in a paragraph or with separators between them (finews' footers and source
    /// links, whatever host or form they take).
    #[test]
    fn navigation_is_left_out() {
        for html in [
            format!(
                "<p>{}｜{}</p>",
                link("//finews.zning.me/emnews/", "返回东财滚动新闻"),
                link("//finews.zning.me/", "返回首页")
            ),
            format!(
                "<p>{}\n{}</p>",
                link("//finews.withounder.com/emnews/", "返回东财滚动新闻"),
                link("//finews.withounder.com/", "返回首页")
            ),
            "<p><a rel=\"noopener noreferrer\" href=\"#/category/emnews\">返回东财滚动新闻</a> | <a rel=\"noopener noreferrer\" href=\"#/\">返回首页</a></p>".to_string(),
            format!("<p>{}</p>", link("/2024/05/10/older.html", "Older posts")),
            format!("<p>{} · {}</p>", link("../prev.html", "← Previous"), link("../next.html", "Next →")),
            format!(
                "<p>{}</p>",
                link(
                    "http://finance.eastmoney.com/news/11060,202112082206672930.html",
                    "http://finance.eastmoney.com/news/11060,202112082206672930.html"
                )
            ),
            format!("<div>{}</div>", link("https://www.reuters.com/x", "www.reuters.com/x")),
            format!("<p><span>{}</span></p>", link("/", "Home")),
            format!("<p>{}</p>", link("//old.example.com/category/emnews.html", "东财")),
            format!("<p>{}</p>", link("//old.example.com/tags/rates/", "Rates")),
            format!("<p>{}</p>", link("//old.example.com/index.html", "Home")),
            format!("<p>{}</p>", link("//old.example.com/2024/01/05/x.html?a=1", "Older")),
        ] {
            assert_eq!(article_text(&format!("<p>正文。</p>{html}")), "正文。", "{html}");
        }
    }

    /// A headline linked protocol-relative to another site's article (a digest's) is the
    /// article's text, as a link with a scheme is.
    #[test]
    fn a_protocol_relative_link_to_another_sites_article_is_text() {
        for (href, text) in [
            (
                "//www.reuters.com/markets/fed-cut",
                "Fed cuts rates by 25bp",
            ),
            ("//www.pbc.gov.cn/x.html", "央行宣布降准"),
            ("//www.pbc.gov.cn/a/b/c.html#top", "降准0.5个百分点"),
        ] {
            assert_eq!(
                article_text(&format!("<p>Digest.</p><p>{}</p>", link(href, text))),
                format!("Digest.\n{text}"),
                "{href}"
            );
        }
    }

    /// Links that are content are article text: a linked headline (a link to another site's
    /// page alone in a paragraph), a link in bold or in quote marks, any link in a heading,
    /// list item, table cell or quotation, and a link with words around it.
    #[test]
    fn linked_headlines_and_content_links_are_article_text() {
        let cases = [
            (format!("<h2>{}</h2>", link("/2024/05/11/fed.html", "Fed cuts rates by 25bp")), "Fed cuts rates by 25bp"),
            (format!("<ul><li>{}</li><li><p>{}</p></li></ul>", link("#/post/x", "央行宣布降准0.5个百分点"), link("/y", "降息")), "央行宣布降准0.5个百分点\n降息"),
            (format!("<ul><li>“{}”</li></ul>", link("https://x.example/t", "Tesla recalls 1.1 million cars")), "“Tesla recalls 1.1 million cars”"),
            (format!("<p>“{}”</p>", link("/t", "Tesla recalls")), "“Tesla recalls”"),
            (format!("<p><strong>{}</strong></p>", link("/m", "Exclusive: merger talks")), "Exclusive: merger talks"),
            (format!("<table><tbody><tr><td>{}</td><td>Moutai</td></tr></tbody></table>", link("/s/600519", "600519")), "600519\nMoutai"),
            (format!("<blockquote><p>{}</p></blockquote>", link("/q", "引用")), "引用"),
            (format!("<p>{}</p>", link("https://www.reuters.com/markets/fed-cuts", "Fed cuts rates by 25bp")), "Fed cuts rates by 25bp"),
            (format!("<p><span>{}</span></p>", link("http://quote.eastmoney.com/unify/r/1.600160", "巨化股份")), "巨化股份"),
            (format!("<p>{} {}</p>", link("https://a.example/1", "Fed cuts"), link("/2", "ECB holds")), "Fed cuts ECB holds"),
            (format!("<p>据{}消息</p>", link("/n", "蔚来")), "据蔚来消息"),
            (format!("<p>{}</p>", link("mailto:desk@example.org", "desk@example.org")), "desk@example.org"),
            // A link without a target (a footnote's, or an anchor) is plain text.
            ("<p><a rel=\"noopener noreferrer\" target=\"_blank\">返回</a></p>".to_string(), "返回"),
            // A block inside a link to another site is judged by the link's text in it.
            (format!("<a rel=\"noopener noreferrer\" target=\"_blank\" href=\"https://x.example/\"><p>Headline</p></a><p>{}</p>", link("/", "Home")), "Headline"),
        ];
        for (html, text) in cases {
            assert_eq!(article_text(&html), text, "{html}");
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
                truncate_chars(&split_whitespace_joined(&text), max),
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
                    truncate_chars(&split_whitespace_joined(text), max),
                    "{text:?} at {max}"
                );
            }
        }
    }
}
