//! kramdown's HTML inside a paragraph, where CommonMark's raw inline HTML differs:
//!
//! - An element whose content kramdown does not read as Markdown (its "raw" content model:
//!   every element but its span and block ones, so `<u>`, `<font>`, `<code>`, `<kbd>` and any
//!   unknown name, `List<T>`) holds text as it is, up to its end tag or, never closed, to the
//!   paragraph's end: `List<T> *b*` shows its asterisks in Jekyll. CommonMark reads Markdown
//!   after any tag.
//! - An end tag that closes no open element (`x</span>y`), and a block element's tag inside a
//!   paragraph (`a <div>b</div>`), are text in kramdown, raw HTML in CommonMark.
//!
//! [`html_spans`] finds both in a paragraph's text and records the rewrites that make
//! CommonMark read the same: Markdown characters in raw text escaped, literal tags' `<`
//! escaped.

use std::borrow::Cow;
use std::ops::Range;

/// Elements whose content kramdown reads as Markdown in a paragraph (its
/// `HTML_CONTENT_MODEL_SPAN`).
const SPAN_MODEL: &[&str] = &[
    "a", "abbr", "acronym", "b", "bdo", "big", "button", "cite", "caption", "del", "dfn", "dt",
    "em", "h1", "h2", "h3", "h4", "h5", "h6", "i", "ins", "label", "legend", "optgroup", "p", "q",
    "rb", "rbc", "rp", "rt", "rtc", "ruby", "select", "small", "span", "strong", "sub", "sup",
    "th", "tt",
];

/// Elements whose tag is text inside a paragraph in kramdown (its `HTML_BLOCK_ELEMENTS`).
const BLOCK: &[&str] = &[
    "address",
    "article",
    "aside",
    "applet",
    "body",
    "blockquote",
    "caption",
    "col",
    "colgroup",
    "dd",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "html",
    "head",
    "iframe",
    "legend",
    "menu",
    "li",
    "main",
    "map",
    "nav",
    "ol",
    "optgroup",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tfoot",
    "tr",
    "ul",
];

/// Elements without content (kramdown's `HTML_ELEMENTS_WITHOUT_BODY`).
use super::VOID_ELEMENTS as VOID;

/// Other names kramdown knows as HTML (their case does not matter): its raw and block
/// content models, and its span elements.
const KNOWN: &[&str] = &[
    "script", "style", "math", "option", "textarea", "pre", "code", "kbd", "samp", "var",
    "details", "div", "figure", "noscript", "object", "mark", "u", "img", "input", "strike",
];

/// The characters CommonMark (or Gazette's typography) reads as Markdown in text.
const MARKDOWN: &[u8] = b"\\`*_[]!~$'\"";

/// A tag as kramdown's `HTML_TAG_RE` and `HTML_TAG_CLOSE_RE` read it.
struct Tag {
    /// Its name, lowercased when it is a known element's.
    name: String,
    /// Where it ends (after its `>`).
    end: usize,
    closing: bool,
    self_closing: bool,
}

/// The length of the name `text` starts with (an XML name, as REXML reads it: a letter, `_`
/// or `:`, then letters, digits, `_`, `:`, `.`, `-`; letters of any script, `List<对象>`).
fn name_len(text: &str) -> usize {
    let mut chars = text.char_indices();
    match chars.next() {
        Some((_, c)) if c.is_alphabetic() || c == '_' || c == ':' => {}
        _ => return 0,
    }
    chars
        .find(|&(_, c)| !(c.is_alphanumeric() || "_:.-".contains(c)))
        .map_or(text.len(), |(at, _)| at)
}

/// The tag that starts at `text[at]` (a `<`), if it is one.
fn tag(text: &str, at: usize) -> Option<Tag> {
    let rest = &text[at + 1..];
    let closing = rest.starts_with('/');
    let rest = if closing { &rest[1..] } else { rest };
    let len = name_len(rest);
    if len == 0 {
        return None;
    }
    let raw_name = &rest[..len];
    let lower = raw_name.to_ascii_lowercase();
    let known = [SPAN_MODEL, BLOCK, VOID, KNOWN, super::SPAN_ELEMENTS]
        .iter()
        .any(|list| list.contains(&lower.as_str()));
    let name = if known { lower } else { raw_name.to_owned() };
    let mut i = len;
    let bytes = rest.as_bytes();
    let spaces = |i: usize| {
        bytes[i..]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count()
    };
    if !closing {
        // Attributes: white space, a name, and `= value` (a word or a quoted string).
        loop {
            let space = spaces(i);
            let attribute = name_len(&rest[i + space..]);
            if space == 0 || attribute == 0 {
                break;
            }
            i += space + attribute;
            let before_equals = spaces(i);
            if bytes.get(i + before_equals) == Some(&b'=') {
                let value_at = i + before_equals + 1;
                let value_at = value_at + spaces(value_at);
                match bytes.get(value_at) {
                    Some(&quote @ (b'"' | b'\'')) => {
                        let close = rest[value_at + 1..].find(quote as char)?;
                        i = value_at + 1 + close + 1;
                    }
                    _ => {
                        let word = rest[value_at..]
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .map(char::len_utf8)
                            .sum::<usize>();
                        if word == 0 {
                            return None;
                        }
                        i = value_at + word;
                    }
                }
            }
        }
    }
    i += spaces(i);
    let self_closing = !closing && bytes.get(i) == Some(&b'/');
    if self_closing {
        i += 1;
    }
    (bytes.get(i) == Some(&b'>')).then(|| Tag {
        name,
        end: at + 1 + usize::from(closing) + i + 1,
        closing,
        self_closing,
    })
}

/// The name of the start tag `text` starts with, if it starts with a whole one (as kramdown's
/// `HTML_TAG_RE` reads it).
pub(super) fn start_tag_name(text: &str) -> Option<String> {
    text.starts_with('<')
        .then(|| tag(text, 0))
        .flatten()
        .filter(|found| !found.closing)
        .map(|found| found.name)
}

/// Whether [`html_spans`] may have something to do in a post: some tag that is not a span
/// element's (whose content is Markdown), a void element's or a self-closing one, or an end
/// tag of a span element none of whose start tags comes before it in its paragraph.
/// (Autolinks are no tags.)
/// The cheap test of [`super::prepare`].
pub(super) fn may_matter(markdown: &str) -> bool {
    let bytes = markdown.as_bytes();
    // The span elements opened in the current paragraph.
    let mut opened: Vec<String> = Vec::new();
    let mut last = 0;
    for at in memchr::memchr_iter(b'<', bytes) {
        let between = &markdown[last..at];
        last = at;
        // A blank line between: a paragraph ends (the last line's start is this tag's).
        let blank_line = between
            .rsplit_once('\n')
            .is_some_and(|(lines, _)| lines.split('\n').skip(1).any(|line| line.trim().is_empty()));
        if blank_line {
            opened.clear();
        }
        if !bytes
            .get(at + 1)
            .is_some_and(|&b| b.is_ascii_alphabetic() || b == b'/' || b >= 0x80)
        {
            continue;
        }
        let Some(found) = tag(markdown, at) else {
            continue;
        };
        let name = found.name.as_str();
        if found.self_closing || VOID.contains(&name) {
            continue;
        }
        if !SPAN_MODEL.contains(&name) || BLOCK.contains(&name) {
            return true;
        }
        if !found.closing {
            opened.push(found.name);
        } else if !opened.contains(&found.name) {
            return true;
        }
    }
    false
}

/// Whether a line (the text from its start on) starts a block in kramdown where `prepare`
/// goes on with the paragraph: a list item, a quote, a heading, a definition.
fn starts_block(rest: &str) -> bool {
    let line = rest.split('\n').next().unwrap_or(rest);
    let trimmed = line.trim_start();
    super::list_item_column(line).is_some() || trimmed.starts_with(['>', '#', ':', '|'])
}

/// Records the rewrites of one paragraph (`text`, at `offset` in the source) that make
/// CommonMark read its HTML as kramdown does (see the module's documentation), and takes
/// back the other rewrites (from `from` on in `replacements`) that fall in raw text.
pub(super) fn html_spans(
    text: &str,
    offset: usize,
    from: usize,
    replacements: &mut Vec<(usize, usize, Cow<'static, str>)>,
) {
    let bytes = text.as_bytes();
    // The open elements, innermost last, with whether their content is raw.
    let mut open: Vec<(String, bool)> = Vec::new();
    let mut raw_text: Vec<Range<usize>> = Vec::new();
    let mut raw_from: Option<usize> = None;
    let mut escapes: Vec<usize> = Vec::new();
    let mut raw_markdown: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if i > 0 && bytes[i - 1] == b'\n' {
            if super::html_ends_paragraph(text[i..].trim_start()) {
                // A block element's tag after a line of a list item or a quote: an HTML block,
                // to the paragraph's end for CommonMark, no paragraph's text.
                break;
            }
            if starts_block(&text[i..]) {
                // A list item, a quote, a heading: a block of its own in kramdown, whose text
                // starts afresh (these lines are one paragraph's only for `prepare`).
                if let Some(start) = raw_from.take() {
                    raw_text.push(start..i);
                }
                open.clear();
            }
        }
        let raw = open.last().is_some_and(|(_, raw)| *raw);
        match bytes[i] {
            b'<' if text[i..].starts_with("<!--") => {
                i = text[i..].find("-->").map_or(bytes.len(), |end| i + end + 3);
                continue;
            }
            // `<<words>>` is kramdown's «words», no element.
            b'<' if bytes.get(i + 1) == Some(&b'<') => {
                i += 2;
                continue;
            }
            b'<' => {
                let Some(found) = tag(text, i) else {
                    i += 1;
                    continue;
                };
                let before = open.len();
                if found.closing {
                    if open.last().is_some_and(|(name, _)| *name == found.name) {
                        open.pop();
                    } else {
                        // An end tag that closes nothing open is text.
                        escapes.push(i);
                    }
                } else if BLOCK.contains(&found.name.as_str()) {
                    // A block's tag inside a paragraph is text.
                    escapes.push(i);
                } else if !found.self_closing && !VOID.contains(&found.name.as_str()) {
                    let raw = !SPAN_MODEL.contains(&found.name.as_str());
                    open.push((found.name, raw));
                }
                // Where raw text starts or ends.
                let raw_after = open.last().is_some_and(|(_, raw)| *raw);
                if open.len() != before || raw_after != raw {
                    if let Some(start) = raw_from.take() {
                        raw_text.push(start..i);
                    }
                    if raw_after {
                        raw_from = Some(found.end);
                    }
                }
                i = found.end;
                continue;
            }
            // Raw text: what CommonMark would read as Markdown, or Gazette's typography as a
            // dash or an ellipsis (`--`, `...`), is to be escaped.
            _ if raw => {
                let doubled = |b: u8| {
                    bytes[i] == b && (bytes.get(i + 1) == Some(&b) || i > 0 && bytes[i - 1] == b)
                };
                if MARKDOWN.contains(&bytes[i]) || doubled(b'-') || doubled(b'.') {
                    raw_markdown.push(i);
                }
            }
            _ => {
                if let Some(next) = super::skip_span(text, i) {
                    i = next;
                    continue;
                }
            }
        }
        i += 1;
    }
    if let Some(start) = raw_from {
        raw_text.push(start..bytes.len());
    }
    if raw_text.is_empty() && escapes.is_empty() {
        return;
    }
    // The other rewrites read Markdown where kramdown reads text: taken back.
    let mut kept = from;
    for index in from..replacements.len() {
        let at = replacements[index].0 - offset;
        // Both lists are in order of place: looked up by binary search.
        let range = raw_text.partition_point(|range| range.end <= at);
        let in_raw = raw_text.get(range).is_some_and(|range| range.contains(&at))
            || escapes.binary_search(&at).is_ok();
        if !in_raw {
            replacements.swap(kept, index);
            kept += 1;
        }
    }
    replacements.truncate(kept);
    for at in escapes {
        replacements.push((offset + at, 0, "\\".into()));
    }
    for at in raw_markdown {
        replacements.push((offset + at, 0, "\\".into()));
    }
}
