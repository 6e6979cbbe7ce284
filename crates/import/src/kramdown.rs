//! kramdown's syntax where CommonMark's differs: a pass over the Markdown source before
//! pulldown-cmark reads it (emphasis next to punctuation, `$$` math, lines), and passes over
//! its events (blocks).
//!
//! **Emphasis.** kramdown opens `*`/`**` before any
//! character but white space and closes it after any character but white space, where
//! CommonMark also looks at punctuation (its "flanking" rules). So `**免责声明：**我之前…`
//! and `**Note:**text` are bold in Jekyll and literal asterisks in CommonMark: a closing `**`
//! after punctuation and before a letter is not right-flanking.
//!
//! [`prepare`] pairs the `*` runs of each paragraph as kramdown does and, for the pairs
//! CommonMark would not take, writes the emphasis as inline HTML (`<strong>`, `<em>`), which
//! CommonMark keeps and the sanitizer allows. Pairs CommonMark takes are left to it, and
//! nothing changes in a text without such a pair (finews' posts among them).
//!
//! **Guillemets.** kramdown writes `<<` as «; CommonMark would read `<<words>>` as the tag
//! `<words>`, which the sanitizer removes with its text.
//!
//! **Math.** kramdown (with its default math engine) reads `$$…$$` inside a paragraph as
//! inline math, written `\(…\)`, and a paragraph that is only `$$…$$` as block math,
//! written `\[…\]` outside any paragraph: for MathJax, which the archive does not load, so
//! the reader sees the TeX as Jekyll's page shows it without MathJax. The TeX is kept
//! literally (escaped for Markdown inline, raw HTML for a block).
//!
//! Skipped, as kramdown skips them: code (fenced or indented blocks, backtick spans), HTML
//! (blocks that start with `<`, tags), link destinations, escaped `\*` and `\$`; `_` is
//! left to CommonMark (kramdown does not open it inside a word, which CommonMark agrees
//! with).
//!
//! **Lines.** kramdown (GFM input) starts a list at a numbered line right after a paragraph
//! line whatever its number (CommonMark only at 1), has no `2)` list items, reads a definition
//! only after `: ` (pulldown-cmark also after `:x`), and ends a block at a line `^`: the
//! source is written so that CommonMark reads the same ([`prepare`]); and it reads a link
//! destination up to its closing parenthesis, spaces and all (`<…>` for CommonMark).
//!
//! **Blocks**, as passes over pulldown-cmark's events: CommonMark wraps every item of a list
//! in `<p>` as soon as one blank line separates two of its items, kramdown decides item by item
//! ([`list_paragraphs`]); each line before `: definition` is a term ([`definition_terms`]); a
//! line that is only an inline tag (`<img …>`) starts a paragraph, not an HTML block
//! ([`span_html_paragraphs`]); `{:toc}` after a list makes it the table of contents
//! ([`table_of_contents`]).

use std::borrow::Cow;
use std::ops::Range;

use pulldown_cmark::{Event, Tag, TagEnd};

mod span_html;

/// A run of one or two delimiters (`*`, `$`, `<`) in a paragraph: its byte range.
#[derive(Debug, Clone, Copy)]
struct Run {
    start: usize,
    len: usize,
}

/// `markdown` with the emphasis pairs CommonMark would miss written as HTML, `<<` as «, and
/// `$$` math written as kramdown writes it.
pub fn prepare(markdown: &str) -> Cow<'_, str> {
    prepare_with(markdown, false)
}

/// [`prepare`], with kramdown's `parse_block_html` option: when set, every block element
/// whose content kramdown reads as blocks holds Markdown, as if it said `markdown="1"`
/// (unless it says `markdown="0"`).
pub fn prepare_with(markdown: &str, parse_block_html: bool) -> Cow<'_, str> {
    let text = lazy_quote_lines(markdown);
    let text = then(text, rules_under_text);
    let text = then(text, markdown_paragraphs);
    let text = then(text, one_bullet_per_list);
    let text = then(text, nest_bullets_under_numbers);
    let text = then(text, |text| markdown_in_html(text, parse_block_html));
    then(text, prepare_text)
}

/// The next of [`prepare_with`]'s passes over what the ones before made: the source is lent
/// on until a pass changes it.
fn then<'a>(text: Cow<'a, str>, pass: impl Fn(&str) -> Cow<'_, str>) -> Cow<'a, str> {
    match text {
        Cow::Borrowed(text) => pass(text),
        Cow::Owned(text) => Cow::Owned(pass(&text).into_owned()),
    }
}

/// A pass over a text's lines that rewrites few of them: nothing is copied until a line
/// changes, and the text is lent back as it is when none did.
struct LinePass<'a> {
    source: &'a str,
    out: Option<String>,
}

impl<'a> LinePass<'a> {
    fn new(source: &'a str) -> Self {
        LinePass { source, out: None }
    }

    /// The line as it is.
    fn keep(&mut self, line: &str) {
        if let Some(out) = self.out.as_mut() {
            out.push_str(line);
        }
    }

    /// Where the line that starts at `start` is written anew (the lines before it copied).
    fn rewrite(&mut self, start: usize) -> &mut String {
        let source = self.source;
        self.out.get_or_insert_with(|| source[..start].to_string())
    }

    fn finish(self) -> Cow<'a, str> {
        match self.out {
            Some(out) => Cow::Owned(out),
            None => Cow::Borrowed(self.source),
        }
    }
}

/// kramdown's block quote takes every line after its first up to a blank line, whether the
/// line starts with `>` or not (but for a line that starts with an HTML tag other than a span
/// element's, and the end-of-block marker `^`): a heading, a list item, a fence or the line
/// after a fence in a quote are the quote's (kramdown 2.4). CommonMark takes a line without
/// `>` only as a lazy line of a paragraph: such lines are given the `>` (after the quote's own
/// indentation; a line indented less is left to CommonMark). Fenced code and the raw text of
/// `<pre>`, `<script>`, `<style>` and `<textarea>` are left alone, and so is an HTML block's.
fn lazy_quote_lines(markdown: &str) -> Cow<'_, str> {
    let bytes = markdown.as_bytes();
    if !(bytes.first() == Some(&b'>') || memchr::memmem::find(bytes, b"\n>").is_some()) {
        // (A quote indented by one to three spaces alone is left to CommonMark.)
        return Cow::Borrowed(markdown);
    }
    let mut pass = LinePass::new(markdown);
    let mut fence: Option<(u8, usize)> = None;
    // Where the raw text of a `<pre>` (see `raw_text_end`) ends, and whether the lines are in
    // an HTML block, which goes on to a blank line.
    let mut raw_until = 0;
    let mut in_html = false;
    // In an indented code block, which takes the lines after it to a blank one in kramdown
    // (a `>` line too: see `prepare_text`); after a line of a paragraph (where an indented
    // line is no code).
    let (mut in_code, mut after_text) = (false, false);
    // The indentation of the quote the lines are in.
    let mut quote: Option<usize> = None;
    let mut start = 0;
    for line in markdown.split_inclusive('\n') {
        let line_start = start;
        start += line.len();
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        let blank = trimmed.trim().is_empty();
        if line_start < raw_until {
        } else if let Some((marker, len)) = fence {
            if closes_fence(trimmed, marker, len) {
                fence = None;
            }
        } else if blank {
            (quote, in_html, in_code, after_text) = (None, false, false, false);
        } else if in_html || (in_code && lazy_line(trimmed)) {
        } else if let Some(indentation) = quote.filter(|_| !(indent < 4 && ends_quote(trimmed))) {
            if indent >= indentation && !(indent < 4 && trimmed.starts_with('>')) {
                let out = pass.rewrite(line_start);
                out.push_str(&line[..indentation]);
                out.push_str("> ");
                out.push_str(&line[indentation..]);
                continue;
            }
        } else if indent >= 4 || line.starts_with('\t') {
            in_code = !after_text;
        } else {
            (quote, in_code, after_text) = (None, false, true);
            if trimmed.starts_with('>') {
                quote = Some(indent);
            } else if let Some(opened) = opening_fence(trimmed) {
                (fence, after_text) = (Some(opened), false);
            } else if let Some(end) = raw_text_end(markdown, line_start + indent) {
                raw_until = end;
            } else if let Some(name) = trimmed.strip_prefix('<').and_then(tag_name) {
                in_html = !is_named(SPAN_ELEMENTS, name);
            }
        }
        pass.keep(line);
    }
    pass.finish()
}

/// Whether a line (after its indentation) ends a block quote in kramdown: the end-of-block
/// marker, or a start or end tag of an element other than a span element (its
/// `LAZY_END_HTML_START` and `LAZY_END_HTML_STOP`, case-sensitive as they are).
fn ends_quote(trimmed: &str) -> bool {
    if trimmed.trim_end() == "^" {
        return true;
    }
    let Some(rest) = trimmed.strip_prefix('<') else {
        return false;
    };
    let closing = rest.starts_with('/');
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let Some(name) = tag_name(rest) else {
        return false;
    };
    !names_one_of(name, SPAN_ELEMENTS)
        && (!closing || rest[name.len()..].trim_start().starts_with('>'))
}

/// Whether a tag's name is one of `names` as kramdown's `(?!(?:span|…)\b)` reads it:
/// case-sensitive and up to a word boundary (`a-b` is an `a`, `SPAN` no span).
fn names_one_of(name: &str, names: &[&str]) -> bool {
    names.iter().any(|known| {
        name.starts_with(known)
            && !name[known.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// The marker and length of the code fence `trimmed` (a line without its indentation) opens.
fn opening_fence(trimmed: &str) -> Option<(u8, usize)> {
    let marker = *trimmed
        .as_bytes()
        .first()
        .filter(|b| matches!(b, b'`' | b'~'))?;
    let length = trimmed.bytes().take_while(|&b| b == marker).count();
    (length >= 3).then_some((marker, length))
}

/// `***` or `___` (no spaces) right under a line of a paragraph is text of the paragraph in
/// kramdown, where CommonMark ends the paragraph with a rule: escaped, so that it is text.
fn rules_under_text(markdown: &str) -> Cow<'_, str> {
    let has = |run: &[u8]| memchr::memmem::find(markdown.as_bytes(), run).is_some();
    if !has(b"\n***") && !has(b"\n___") {
        return Cow::Borrowed(markdown);
    }
    let mut pass = LinePass::new(markdown);
    let mut fence: Option<(u8, usize)> = None;
    let mut text_before = false;
    let mut offset = 0;
    for line in markdown.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_end();
        let run = trimmed.len() >= 3
            && (trimmed.bytes().all(|b| b == b'*') || trimmed.bytes().all(|b| b == b'_'));
        let escape = run && text_before && fence.is_none();
        let content = line.trim_start_matches([' ', '\t']);
        if let Some((marker, len)) = fence {
            if closes_fence(content, marker, len) {
                fence = None;
            }
            text_before = false;
        } else if let Some(opened) = opening_fence(content) {
            fence = Some(opened);
            text_before = false;
        } else {
            // A line of a paragraph at the top level (not a heading, an item, a quote, HTML,
            // a table's row, code, or a rule).
            text_before = !content.trim().is_empty()
                && leading_column(line) < 4
                && !escape
                && !is_rule(content)
                && list_item_column(line).is_none()
                && !content.starts_with(['#', '>', '<', '|'])
                && !content.contains('|');
        }
        if escape {
            let out = pass.rewrite(start);
            for c in trimmed.chars() {
                out.push('\\');
                out.push(c);
            }
            out.push_str(&line[trimmed.len()..]);
        } else {
            pass.keep(line);
        }
    }
    pass.finish()
}

/// A `<p markdown="1">` (or `"span"`) at a line's start holds a paragraph's Markdown in
/// kramdown (a `<p>`'s content is span-level): written as that paragraph, which Markdown
/// makes a `<p>` of. (As a block element, its tags around a paragraph left two empty ones.)
fn markdown_paragraphs(markdown: &str) -> Cow<'_, str> {
    if memchr::memmem::find(markdown.as_bytes(), b"markdown=").is_none() {
        return Cow::Borrowed(markdown);
    }
    let bytes = markdown.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut from = 0;
    // The next `</p>` and blank line at or after a place, found once for the tags before
    // them (each tag searching on its own would read a long paragraph again and again).
    let mut next_close: Option<usize> = None;
    let mut next_blank: Option<usize> = None;
    let next = |cached: &mut Option<usize>, needle: &[u8], at: usize| -> usize {
        match *cached {
            Some(found) if found >= at => found,
            _ => {
                let found =
                    memchr::memmem::find(&bytes[at..], needle).map_or(bytes.len(), |f| at + f);
                *cached = Some(found);
                found
            }
        }
    };
    while let Some(found) = memchr::memmem::find(&bytes[from..], b"<p ") {
        let at = from + found;
        from = at + 3;
        // At a line's start, up to three spaces in.
        let indent = bytes[..at]
            .iter()
            .rev()
            .take(4)
            .take_while(|&&b| b == b' ')
            .count();
        if indent > 3 || !(at == indent || bytes[at - indent - 1] == b'\n') {
            continue;
        }
        let line_end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |nl| at + nl);
        let Some(tag_end) = memchr::memchr(b'>', &bytes[at..line_end]).map(|end| at + end) else {
            continue;
        };
        let tag = &markdown[at..tag_end];
        let asks = [
            "markdown=\"1\"",
            "markdown='1'",
            "markdown=\"span\"",
            "markdown='span'",
        ]
        .iter()
        .any(|attribute| tag.contains(attribute));
        if !asks {
            continue;
        }
        let inner_start = tag_end + 1;
        let close = next(&mut next_close, b"</p>", inner_start);
        if close == bytes.len() || next(&mut next_blank, b"\n\n", inner_start) < close {
            continue;
        }
        let inner = &markdown[inner_start..close];
        if memchr::memmem::find(inner.as_bytes(), b"<p").is_some() {
            continue;
        }
        out.push_str(&markdown[copied..at]);
        out.push_str("\n\n");
        out.push_str(inner.trim());
        out.push_str("\n\n");
        copied = close + "</p>".len();
        from = copied;
    }
    if copied == 0 {
        return Cow::Borrowed(markdown);
    }
    out.push_str(&markdown[copied..]);
    Cow::Owned(out)
}

/// kramdown keeps one bulleted list when its items change their marker (`- eggs`, `- milk`,
/// `* bread`), where CommonMark starts another list at each change: the items of a list are
/// given its first item's marker.
fn one_bullet_per_list(markdown: &str) -> Cow<'_, str> {
    let has = |marker: &[u8]| memchr::memmem::find(markdown.as_bytes(), marker).is_some();
    let kinds = [&b"- "[..], b"* ", b"+ "]
        .iter()
        .filter(|marker| has(marker))
        .count();
    if kinds < 2 {
        return Cow::Borrowed(markdown);
    }
    let mut pass = LinePass::new(markdown);
    // The lists being read, innermost last: their markers' column, their marker, and their
    // last item's text column.
    let mut lists: Vec<(usize, u8, usize)> = Vec::new();
    let mut fence: Option<(u8, usize)> = None;
    let mut previous_blank = false;
    let mut offset = 0;
    for line in markdown.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_start_matches([' ', '\t']);
        let column = leading_column(line);
        let mut replace = None;
        if let Some((marker, len)) = fence {
            if closes_fence(trimmed, marker, len) {
                fence = None;
            }
        } else if trimmed.trim().is_empty() {
            previous_blank = true;
        } else {
            let bullet = trimmed.as_bytes()[0];
            let item = list_item_column(line)
                .filter(|_| matches!(bullet, b'-' | b'*' | b'+'))
                .filter(|_| !is_rule(trimmed));
            match item {
                Some(text) => {
                    // Lists nested deeper than this item end.
                    while lists.last().is_some_and(|&(at, ..)| at > column) {
                        lists.pop();
                    }
                    match lists.last_mut() {
                        Some((at, marker, item_text)) if *at == column => {
                            if bullet != *marker {
                                replace = Some((start + (line.len() - trimmed.len()), *marker));
                            }
                            *item_text = text;
                        }
                        Some(_) => lists.push((column, bullet, text)),
                        None if column < 4 => lists.push((column, bullet, text)),
                        None => {}
                    }
                }
                // After a blank line, the lists whose text the line is not indented to end.
                None if previous_blank => {
                    while lists.last().is_some_and(|&(_, _, text)| column < text) {
                        lists.pop();
                    }
                }
                None => {}
            }
            if is_rule(trimmed) && column < 4 {
                lists.clear();
            }
            if let Some(opened) = opening_fence(trimmed) {
                fence = Some(opened);
            }
            previous_blank = false;
        }
        match replace {
            Some((at, marker)) => {
                let out = pass.rewrite(start);
                out.push_str(&markdown[start..at]);
                out.push(char::from(marker));
                out.push_str(&markdown[at + 1..offset]);
            }
            None => pass.keep(line),
        }
    }
    pass.finish()
}

/// A thematic break (`* * *`, `---`, `___`): three or more of one of those characters, with
/// spaces.
fn is_rule(trimmed: &str) -> bool {
    let line = trimmed.trim_end();
    let Some(first) = line.bytes().next().filter(|b| b"-*_".contains(b)) else {
        return false;
    };
    line.bytes().all(|b| b == first || b == b' ' || b == b'\t')
        && line.bytes().filter(|&b| b == first).count() >= 3
}

/// A bulleted list under a numbered item, indented less than the item's text (`1. Install`,
/// then `  - Ruby`): kramdown nests it in the item, where CommonMark needs it indented to the
/// text's column and otherwise ends the numbered list (and starts another after it). Its
/// lines are indented to that column.
fn nest_bullets_under_numbers(markdown: &str) -> Cow<'_, str> {
    if !markdown.contains("\n ") || !markdown.contains(". ") {
        return Cow::Borrowed(markdown);
    }
    let mut pass = LinePass::new(markdown);
    // The numbered item being read: its marker's column and its text's.
    let mut numbered: Option<(usize, usize)> = None;
    // The nested bulleted list: its markers' column, and the spaces its lines are given.
    let mut nested: Option<(usize, usize)> = None;
    let mut fence: Option<(u8, usize)> = None;
    let mut previous_blank = false;
    let mut offset = 0;
    for line in markdown.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_start_matches([' ', '\t']);
        let column = leading_column(line);
        let blank = trimmed.trim().is_empty();
        let mut add = 0;
        if let Some((marker, len)) = fence {
            if closes_fence(trimmed, marker, len) {
                fence = None;
            }
            add = continued(nested, column).unwrap_or(0);
        } else if blank {
            previous_blank = true;
            pass.keep(line);
            continue;
        } else {
            let item = list_item_column(line);
            let is_numbered = item.is_some() && trimmed.starts_with(|c: char| c.is_ascii_digit());
            if is_numbered && column < 4 {
                numbered = item.map(|text| (column, text));
                nested = None;
            } else if let Some((marker, text)) = numbered.filter(|_| item.is_some()) {
                // After a blank line, a line indented less than the item's text ends it.
                if previous_blank && column < text {
                    numbered = None;
                    nested = None;
                } else if marker < column && column < text {
                    nested = Some((column, text - column));
                    add = text - column;
                } else if let Some(more) = continued(nested, column) {
                    add = more;
                } else {
                    nested = None;
                }
            } else if let Some(more) = continued(nested, column) {
                add = more;
            } else {
                nested = None;
                if column <= numbered.map_or(0, |(marker, _)| marker) && previous_blank {
                    numbered = None;
                }
            }
            if let Some(opened) = opening_fence(trimmed) {
                fence = Some(opened);
            }
        }
        previous_blank = false;
        if add > 0 {
            let out = pass.rewrite(start);
            out.extend(std::iter::repeat_n(' ', add));
            out.push_str(line);
        } else {
            pass.keep(line);
        }
    }
    pass.finish()
}

/// The spaces a line at `column` is given when it is inside the `nested` list (see
/// [`nest_bullets_under_numbers`]): indented past its markers.
fn continued(nested: Option<(usize, usize)>, column: usize) -> Option<usize> {
    nested.filter(|&(at, _)| column > at).map(|(_, add)| add)
}

/// kramdown's `markdown="1"` (or `"block"`) on a block element's start tag: what the element
/// holds is Markdown, where CommonMark keeps a whole HTML block raw. The start tag (on a
/// line of its own, up to three spaces in) is followed by a blank line and its end tag put
/// on a line of its own after another, so that CommonMark reads what is between as
/// Markdown; the attribute stays on the tag, where it keeps [`html_block_end`] from reading
/// the element as one raw block, and the sanitizer removes it. Fenced code is left alone, and
/// `markdown="0"`.
///
/// `markdown="span"` on a block element: what it holds is one run of text, read for emphasis,
/// links, code and typography but not for blocks (kramdown 2.4 writes `<div
/// markdown="span">*hi*\n# no</div>` as `<div><em>hi</em>\n# no</div>`). Its lines are
/// written as those of a paragraph, with what would start a block there escaped
/// ([`span_line`]); [`span_contents`] takes the paragraphs' tags away after parsing.
fn markdown_in_html(markdown: &str, parse_block_html: bool) -> Cow<'_, str> {
    let asked = match parse_block_html {
        true => memchr::memchr(b'<', markdown.as_bytes()).is_some(),
        false => memchr::memmem::find(markdown.as_bytes(), b"markdown=").is_some(),
    };
    if !asked {
        return Cow::Borrowed(markdown);
    }
    let mut out = String::with_capacity(markdown.len() + 16);
    let mut fence: Option<(u8, usize)> = None;
    // The end tags still to find: the element's name, and the nesting of that name.
    let mut open: Vec<OpenElement> = Vec::new();
    // Whether the next line needs a blank line before it (after a start or end tag's line).
    let mut blank_before = false;
    for line in markdown.split_inclusive('\n') {
        if std::mem::take(&mut blank_before) && !line.trim().is_empty() {
            out.push('\n');
        }
        if open.last().is_some_and(|element| element.span) {
            // Text to its end tag, whatever it looks like: no fence, no element starts here.
            blank_before = push_until_end_tags(&mut out, &span_line(line), &mut open);
            continue;
        }
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        if let Some((marker, len)) = fence {
            if closes_fence(trimmed, marker, len) {
                fence = None;
            }
            out.push_str(line);
            continue;
        }
        if let Some(opened) = opening_fence(trimmed).filter(|_| indent < 4) {
            fence = Some(opened);
            out.push_str(line);
            continue;
        }
        let start_tag = (indent < 4)
            .then(|| markdown_start_tag(trimmed, parse_block_html))
            .flatten();
        let rest = match start_tag {
            Some((tag_len, content)) => {
                let name = tag_name(&trimmed[1..]).unwrap_or_default();
                let span = content == Content::Span;
                open.push(OpenElement {
                    name: name.to_ascii_lowercase(),
                    depth: 0,
                    span,
                });
                if content == Content::Implied {
                    // Said on the tag, as for `markdown="1"`, which the later passes see.
                    out.push_str(&line[..indent + tag_len - 1]);
                    out.push_str(" markdown=\"1\">");
                } else {
                    out.push_str(&line[..indent + tag_len]);
                }
                let rest = &trimmed[tag_len..];
                if rest.trim().is_empty() {
                    out.push_str(rest);
                    blank_before = true;
                    continue;
                }
                out.push_str("\n\n");
                let rest = rest.trim_start_matches([' ', '\t']);
                if span {
                    blank_before = push_until_end_tags(&mut out, &span_line(rest), &mut open);
                    continue;
                }
                rest
            }
            None => line,
        };
        blank_before = push_until_end_tags(&mut out, rest, &mut open);
    }
    if out == markdown {
        Cow::Borrowed(markdown)
    } else {
        Cow::Owned(out)
    }
}

/// An element [`markdown_in_html`] has met the start tag of and not yet the end tag.
struct OpenElement {
    /// Its name, lowercase.
    name: String,
    /// How many elements of that name inside it are open.
    depth: usize,
    /// Whether it holds a run of text (`markdown="span"`), not blocks.
    span: bool,
}

/// What a start tag asks its element's content to be read as ([`markdown_start_tag`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Content {
    /// Blocks: `markdown="1"` or `"block"`.
    Blocks,
    /// Blocks, because `parse_block_html` is on and the tag says nothing.
    Implied,
    /// One run of text: `markdown="span"`.
    Span,
}

/// The value of a tag's `markdown` attribute (`tag` without its `>`), without its quotes.
fn markdown_attribute(tag: &str) -> Option<&str> {
    let value = tag
        .match_indices("markdown=")
        .find(|(at, _)| tag[..*at].ends_with([' ', '\t', '\n']))
        .map(|(at, attribute)| tag[at + attribute.len()..].trim_start_matches(['"', '\'']))?;
    value.split(['"', '\'', ' ', '\t', '\n', '/']).next()
}

/// The length of a block element's start tag at the start of `text` when it asks for
/// Markdown inside (`markdown="1"`, `'1'`, `1`, `"block"` or `"span"`, or no `markdown`
/// attribute with `parse_block_html` and an element whose content kramdown reads as blocks)
/// and ends on this line, and how its content is read.
fn markdown_start_tag(text: &str, parse_block_html: bool) -> Option<(usize, Content)> {
    let name = tag_name(text.strip_prefix('<')?)?;
    if !is_named(BLOCK_ELEMENTS, name) {
        return None;
    }
    let end = memchr::memchr(b'>', text.as_bytes())?;
    let tag = &text[..end];
    if tag.contains('\n') || tag.ends_with('/') {
        return None;
    }
    let Some(value) = markdown_attribute(tag) else {
        return (parse_block_html && is_named(BLOCK_CONTENT_ELEMENTS, name))
            .then_some((end + 1, Content::Implied));
    };
    match value {
        "1" | "block" => Some((end + 1, Content::Blocks)),
        "span" => Some((end + 1, Content::Span)),
        _ => None,
    }
}

/// A line of a `markdown="span"` element's text, written so that CommonMark reads it as a
/// line of a paragraph, as kramdown reads it (checked with kramdown 2.4): what would start a
/// block at its start is escaped (`#`, `>`, a list item's marker, a fence, a line of `=`,
/// `*` or `_`), a line of `-` is the dashes kramdown's typography makes of it, `>>` its
/// guillemet, and the indentation that would make code is taken away (white space in HTML).
fn span_line(line: &str) -> Cow<'_, str> {
    let body = line.trim_end_matches(['\n', '\r']);
    let end = &line[body.len()..];
    let text = body.trim_start_matches([' ', '\t']);
    let indent = &body[..body.len() - text.len()];
    let indent = if indent.len() >= 4 || indent.contains('\t') {
        ""
    } else {
        indent
    };
    let bytes = text.as_bytes();
    let Some(&first) = bytes.first() else {
        return Cow::Borrowed(line);
    };
    let spaced = |at: usize| bytes.get(at).is_none_or(|b| matches!(b, b' ' | b'\t'));
    let only = |marks: &[u8]| {
        text.bytes()
            .all(|b| marks.contains(&b) || b == b' ' || b == b'\t')
    };
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    let written = match first {
        b'-' if text.trim_end().bytes().all(|b| b == b'-') => {
            let run = text.trim_end().len();
            let mut dashes = "\u{2014}".repeat(run / 3);
            dashes.push_str(["", "\\-", "\u{2013}"][run % 3]);
            dashes.push_str(&text[run..]);
            dashes
        }
        b'>' if text.starts_with(">>") => format!("\u{bb}{}", &text[2..]),
        b'#' | b'>' => format!("\\{text}"),
        b'`' | b'~' if opening_fence(text).is_some() => format!("\\{text}"),
        b'-' | b'+' | b'*' if spaced(1) || only(&[first]) => format!("\\{text}"),
        b'=' | b'_' if only(&[first]) => format!("\\{text}"),
        b'0'..=b'9'
            if digits <= 9
                && matches!(bytes.get(digits), Some(b'.' | b')'))
                && spaced(digits + 1) =>
        {
            format!("{}\\{}", &text[..digits], &text[digits..])
        }
        _ if indent.len() == body.len() - text.len() => return Cow::Borrowed(line),
        _ => text.to_string(),
    };
    Cow::Owned(format!("{indent}{written}{end}"))
}

/// The elements whose content kramdown reads as blocks (its `HTML_CONTENT_MODEL_BLOCK`), of
/// those [`BLOCK_ELEMENTS`] start an HTML block: with `parse_block_html` they hold Markdown.
/// (The others hold spans, `<p>`, `<h1>`, `<th>`, or raw text; Gazette leaves them raw.)
const BLOCK_CONTENT_ELEMENTS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "dd",
    "details",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "header",
    "iframe",
    "li",
    "main",
    "menu",
    "nav",
    "section",
    "summary",
    "td",
];

/// Copies `text` (a line, or the rest of one) to `out`, putting each end tag of the open
/// elements (`open`: name and nesting, innermost last) on a line of its own after a blank
/// line. Returns whether the line ended with such an end tag (the next line needs a blank
/// line before it).
fn push_until_end_tags(out: &mut String, text: &str, open: &mut Vec<OpenElement>) -> bool {
    let mut rest = text;
    while let Some(OpenElement { name, depth, .. }) = open.last_mut() {
        let Some(at) = next_tag_of(rest, name) else {
            break;
        };
        let tag = &rest[at..];
        let len = memchr::memchr(b'>', tag.as_bytes()).map_or(tag.len(), |gt| gt + 1);
        let closing = tag.starts_with("</");
        if !closing || *depth > 0 {
            match closing {
                true => *depth -= 1,
                false if !tag[..len].ends_with("/>") => *depth += 1,
                false => {}
            }
            out.push_str(&rest[..at + len]);
            rest = &rest[at + len..];
            continue;
        }
        let before = &rest[..at];
        if !before.trim().is_empty() {
            out.push_str(before.trim_end_matches([' ', '\t']));
            out.push_str("\n\n");
        } else if !out.ends_with("\n\n") && !out.is_empty() {
            out.push_str(if out.ends_with('\n') { "\n" } else { "\n\n" });
        }
        out.push_str(&tag[..len]);
        rest = &rest[at + len..];
        open.pop();
        if rest.trim().is_empty() {
            out.push_str(rest);
            return true;
        }
        // What follows the end tag on its line is Markdown again, a block of its own.
        out.push_str("\n\n");
        rest = rest.trim_start_matches([' ', '\t']);
    }
    out.push_str(rest);
    false
}

/// Where the next start or end tag of the element `name` (lower-case) begins in `text`.
fn next_tag_of(text: &str, name: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(lt) = memchr::memchr(b'<', &text.as_bytes()[from..]) {
        let at = from + lt;
        let after = &text[at + 1..];
        let after = after.strip_prefix('/').unwrap_or(after);
        if tag_name(after).is_some_and(|found| found.eq_ignore_ascii_case(name)) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

fn prepare_text(markdown: &str) -> Cow<'_, str> {
    // memchr's searches: std's `contains` with a two-byte pattern (a two-way search) was 1%
    // of a build's instructions, over every post's whole text.
    let has = |needle: &[u8]| memchr::memmem::find(markdown.as_bytes(), needle).is_some();
    if memchr::memchr2(b'*', b'~', markdown.as_bytes()).is_none()
        && !has(b"$$")
        && !has(b"<<")
        && memchr::memchr2(b'`', b'|', markdown.as_bytes()).is_none()
        && !may_have_spaced_destination(markdown)
        // (Before the line tests: true for most posts that hold HTML, which the line tests
        // would read to the end of each element for nothing.)
        && !span_html::may_matter(markdown)
        && !lines_may_matter(markdown)
        && !has(b"\n<!--")
        && !memchr::memchr_iter(b'\\', markdown.as_bytes()).any(|at| {
            markdown
                .as_bytes()
                .get(at + 1)
                .is_some_and(|b| KEPT_BACKSLASH.contains(b) || *b == b'\\')
        })
    {
        return Cow::Borrowed(markdown);
    }
    let mut replacements: Vec<(usize, usize, Cow<'static, str>)> = Vec::new();
    // The open fence's character, length and the column its lines are indented to.
    let mut fence: Option<(u8, usize, usize)> = None;
    // The open fence's lines are a list item's, indented here to its content column.
    let mut lazy_fence: Option<usize> = None;
    let mut paragraph: Vec<(usize, &str)> = Vec::new();
    let mut containers = ContainerSeen::default();
    // Whether the paragraph's lines are a block of their own outside any list: a table, if
    // each holds a `|` (see `kramdown_table`).
    let mut table_candidate = false;
    // The content columns of the open list items, innermost last, and whether the line
    // before was blank (see `lazy_line`).
    let mut items: Vec<usize> = Vec::new();
    let mut after_blank = true;
    // Whether the line before was in an indented code block (outside lists).
    let mut in_code = false;
    // Where the HTML block that kramdown reads to its end tag ends (see `html_block_end`).
    let mut html_until = 0;
    // Where the raw text of a `<pre>`, `<script>`, `<style>` or `<textarea>` ends, which both
    // read to its end tag, blank lines and all (see `raw_text_end`).
    let mut raw_until = 0;
    // Where a line of Markdown follows that HTML block (see `markdown_after_html_block`).
    let mut html_split = usize::MAX;
    let mut offset = 0;
    for line in markdown.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        if start < raw_until {
            continue;
        }
        if start < html_until {
            if line.trim().is_empty() {
                // kramdown's HTML block goes on to its end tag; CommonMark's would end here.
                replacements.push((start, line.trim_end_matches('\n').len(), "<!-- -->".into()));
            }
            continue;
        }
        if start == html_split {
            // kramdown's HTML block ended on the line before: a blank line ends CommonMark's.
            replacements.push((start, 0, "\n".into()));
            paragraph.clear();
        }
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        let blank = trimmed.trim().is_empty();
        if let Some((marker, len, base)) = fence {
            if let Some(content) = lazy_fence {
                // kramdown takes up to the item's content column of white space off each of the
                // item's lines: CommonMark does the same once the line starts at that column.
                let short = content.saturating_sub(leading_column(line));
                if !line.trim().is_empty() && short > 0 {
                    replacements.push((start, 0, " ".repeat(short).into()));
                }
            }
            if closes_fence_at(line, marker, len, base) {
                fence = None;
                lazy_fence = None;
            }
            continue;
        }
        // A fence that opens a list item's content (`- ```` ``), its lines indented to it.
        if indent < 4 {
            let opened = item_body(line)
                .and_then(|(base, body)| opening_fence(body).map(|fence| (base, fence)));
            if let Some((base, (marker, len))) = opened {
                if fence_closes(marker, len, base, &markdown[offset..]) {
                    items.retain(|&c| c <= leading_column(line));
                    items.push(base);
                    pair_paragraph(markdown, &paragraph, &mut replacements);
                    paragraph.clear();
                    fence = Some((marker, len, base));
                    after_blank = false;
                    continue;
                }
            }
        }
        if let Some((marker, len)) = opening_fence(trimmed).filter(|_| indent < 4) {
            if fence_closes(marker, len, 0, &markdown[offset..]) {
                let paragraph_was_empty = paragraph.is_empty();
                pair_paragraph(markdown, &paragraph, &mut replacements);
                paragraph.clear();
                fence = Some((marker, len, 0));
                if let Some(&content) = items.last().filter(|&&content| {
                    !after_blank && !paragraph_was_empty && leading_column(line) < content
                }) {
                    // A fence right after a list item's line, not indented to its content:
                    // kramdown takes it into the item (every line up to a blank one is the
                    // item's), CommonMark ends the list. Its lines are indented to the item's
                    // content, which CommonMark takes off them again.
                    let short = content - leading_column(line);
                    replacements.push((start, 0, " ".repeat(short).into()));
                    lazy_fence = Some(content);
                }
                after_blank = false;
                continue;
            }
            // kramdown's fenced block needs its closing fence: without one, the line is text.
            // Escaped here for backticks (`code_spans` leaves the run alone); a run of `~`
            // the paragraph's `strikethrough` writes anew, escaped or struck through.
            if marker == b'`' {
                for i in 0..len {
                    replacements.push((start + indent + i, 0, "\\".into()));
                }
            }
        }
        let code_line = !blank && (indent >= 4 || line.starts_with('\t'));
        if in_code && !after_blank && !blank && !code_line && lazy_line(trimmed) {
            // kramdown's indented code block takes a line that follows one of its lines (no
            // blank line between), joined to it with a space; CommonMark's ends there.
            let newline = if markdown[..start].ends_with("\r\n") {
                2
            } else {
                1
            };
            replacements.push((start - newline, newline, " ".into()));
            continue;
        }
        if blank {
            after_blank = true;
        } else {
            in_code = code_line && items.is_empty() && (in_code || paragraph.is_empty());
            let column = leading_column(line);
            match list_item_column(line) {
                Some(content) if column < 4 || items.iter().any(|&c| column >= c) => {
                    items.retain(|&c| c <= column);
                    items.push(content);
                }
                _ => match items.last() {
                    Some(&content) if column < content => {
                        if !after_blank && lazy_line(trimmed) {
                            // kramdown takes every line up to a blank one into the item:
                            // indented, CommonMark does too (a heading's next line, say).
                            let width = line.len() - line.trim_start_matches([' ', '\t']).len();
                            replacements.push((start, width, " ".repeat(content).into()));
                        } else {
                            items.retain(|&c| c <= column);
                        }
                    }
                    _ => {}
                },
            }
            after_blank = false;
        }
        if blank || indent >= 4 || line.starts_with('\t') {
            end_paragraph(
                markdown,
                &paragraph,
                blank && table_candidate,
                &mut replacements,
            );
            paragraph.clear();
            continue;
        }
        let html_block = paragraph.first().is_some_and(|(_, first)| first.is_empty());
        if !paragraph.is_empty()
            && !html_block
            && items.is_empty()
            && !containers.any(&paragraph)
            && html_ends_paragraph(trimmed)
        {
            // kramdown's paragraph ends at a line that starts with a block element's tag
            // (`<blockquote class="twitter-tweet">`), as CommonMark's does: the line starts an
            // HTML block, whose tags are no paragraph's text (a blank line before it changes
            // nothing for CommonMark).
            end_paragraph(markdown, &paragraph, table_candidate, &mut replacements);
            paragraph.clear();
            replacements.push((start, 0, "\n".into()));
        }
        if paragraph.is_empty()
            && lone_span_tag(trimmed)
            && markdown[offset..]
                .lines()
                .next()
                .is_some_and(|next| !next.trim().is_empty())
        {
            // A line that is only an inline tag (`<br>`) with text after it: kramdown's
            // paragraph, whose next lines are Markdown; CommonMark's HTML block, whose next
            // lines are raw. Something after the tag (a comment, which the sanitizer drops)
            // makes it a paragraph line for CommonMark too.
            let end = start + line.trim_end_matches(['\n', '\r']).len();
            replacements.push((end, 0, "<!-- -->".into()));
            paragraph.push((start, line));
            continue;
        }
        if !paragraph.is_empty()
            && !html_block
            && items.is_empty()
            && !containers.any(&paragraph)
            && trimmed.starts_with("<!--")
            && trimmed
                .find("-->")
                .is_some_and(|end| trimmed[end + 3..].trim().is_empty())
        {
            // A comment's line inside a paragraph (`<!--more-->`) is the paragraph's to
            // kramdown; CommonMark would end the paragraph there (a comment's HTML block may
            // interrupt one). Joined to the line before, it is inline HTML, which the
            // sanitizer drops.
            replacements.push((start - 1, 1, " ".into()));
            paragraph.push((start, line));
            continue;
        }
        if (paragraph.is_empty() || html_block)
            && trimmed.starts_with('<')
            && !trimmed.starts_with("<<")
            && !(paragraph.is_empty() && starts_with_span_tag(trimmed))
        {
            // An HTML block, up to the next blank line: raw HTML, not Markdown; or, for a
            // block element, up to its end tag as kramdown reads it (also after a line of
            // HTML before it, a comment say, which kramdown reads as a block of its own).
            if let Some(end) = raw_text_end(markdown, start + indent) {
                raw_until = end;
            } else if let Some((end, tag_ends_line)) = html_block_end(markdown, start + indent) {
                html_until = end;
                // (Only for a block that starts a block: after a line of HTML, kramdown may
                // still be inside an element that line opened.)
                if tag_ends_line && paragraph.is_empty() && markdown_after_html_block(markdown, end)
                {
                    html_split = end;
                }
            }
            if paragraph.is_empty() {
                paragraph.push((start, ""));
            }
            continue;
        }
        if !html_block {
            if indent < 4 && is_hashes(trimmed) {
                // kramdown's heading needs text: a line of `#` alone is a paragraph's.
                replacements.push((start + indent, 0, "\\".into()));
            }
            if indent == 0 && trimmed.trim_end() == "^" {
                items.clear();
                // kramdown's end-of-block marker: it ends the block before it (two lists
                // apart stay two lists) and writes nothing; an HTML comment does the same in
                // CommonMark (the sanitizer drops it).
                pair_paragraph(markdown, &paragraph, &mut replacements);
                paragraph.clear();
                replacements.push((start, 1, "<!-- -->".into()));
                continue;
            }
            if rewrite_line(trimmed, start + indent, &mut replacements) {
                // A list item after a paragraph line: kramdown (GFM input) starts a list
                // there whatever its number; CommonMark only at 1, so a blank line goes before.
                let plain = !paragraph.is_empty() && !containers.any(&paragraph);
                if indent == 0 && plain {
                    pair_paragraph(markdown, &paragraph, &mut replacements);
                    paragraph.clear();
                    replacements.push((start, 0, "\n".into()));
                }
            }
        }
        if paragraph.is_empty() {
            table_candidate = items.is_empty();
        }
        paragraph.push((start, line));
    }
    end_paragraph(markdown, &paragraph, table_candidate, &mut replacements);
    if replacements.is_empty() {
        return Cow::Borrowed(markdown);
    }
    replacements.sort_by_key(|r| r.0);
    let mut out = String::with_capacity(markdown.len() + replacements.len() * 8);
    let mut at = 0;
    for (start, len, html) in replacements {
        if start < at {
            // Inside what an earlier rewrite replaced (a backtick in a link destination
            // written anew, say): that rewrite stands.
            continue;
        }
        out.push_str(&markdown[at..start]);
        out.push_str(&html);
        at = start + len;
    }
    out.push_str(&markdown[at..]);
    Cow::Owned(out)
}

/// Pairs the runs of one paragraph (its lines, as `(offset, text)`; an HTML block is a
/// paragraph whose first line is empty) and records the replacements of the pairs
/// CommonMark would not take.
fn pair_paragraph(
    markdown: &str,
    lines: &[(usize, &str)],
    replacements: &mut Vec<(usize, usize, Cow<'static, str>)>,
) {
    let Some(&(first, first_line)) = lines.first() else {
        return;
    };
    if first_line.is_empty() {
        return;
    }
    let (last, last_line) = lines[lines.len() - 1];
    let text = &markdown[first..last + last_line.len()];
    let from = replacements.len();
    if math(text, first, replacements) {
        return;
    }
    spaced_destinations(text, first, replacements);
    code_spans(text, first, replacements);
    if text.contains('\\') {
        kept_backslashes(text, first, replacements);
    }
    if text.contains('~') {
        strikethrough(text, first, replacements);
    }
    // `<<words>>`: kramdown writes «words»; CommonMark would read `<words>>` as an HTML tag.
    // Written here, the `>>` that follows is left to the typography pass.
    for run in runs(text, b'<').into_iter().filter(|run| run.len == 2) {
        replacements.push((first + run.start, 2, "\u{AB}".into()));
    }
    let runs = runs(text, b'*');
    let mut open: Vec<Run> = Vec::new();
    for run in runs {
        let (before, after) = neighbours(text, run);
        let can_close = before.is_some_and(|c| !c.is_whitespace());
        let can_open = after.is_some_and(|c| !c.is_whitespace());
        if can_close {
            if let Some(at) = open.iter().rposition(|o| o.len == run.len) {
                let opener = open[at];
                open.truncate(at);
                // kramdown needs something between the two.
                if opener.start + opener.len < run.start
                    && !(commonmark_opens(text, opener) && commonmark_closes(text, run))
                {
                    let (open_tag, close_tag) = if run.len == 2 {
                        ("<strong>", "</strong>")
                    } else {
                        ("<em>", "</em>")
                    };
                    replacements.push((first + opener.start, opener.len, open_tag.into()));
                    replacements.push((first + run.start, run.len, close_tag.into()));
                }
                continue;
            }
        }
        if can_open {
            open.push(run);
        }
    }
    if text.contains('<') {
        span_html::html_spans(text, first, from, replacements);
    }
}

/// Records `$$` math of one paragraph (`text`, at `offset` in the source): a paragraph that is
/// only math becomes a raw HTML block holding `\[…\]` (and `true` is returned: nothing else
/// in it is Markdown); pairs of `$$` inside a paragraph become `\(…\)`, the TeX escaped so
/// that CommonMark keeps every character.
fn math(
    text: &str,
    offset: usize,
    replacements: &mut Vec<(usize, usize, Cow<'static, str>)>,
) -> bool {
    if memchr::memmem::find(text.as_bytes(), b"$$").is_none() {
        return false;
    }
    let body = text.trim_end();
    if let Some(tex) = body
        .strip_prefix("$$")
        .and_then(|rest| rest.strip_suffix("$$"))
        .filter(|tex| !tex.trim().is_empty() && !tex.contains("$$"))
    {
        let html = format!(
            "<div class=\"math\">\\[{}\\]</div>",
            escape_html(tex.trim())
        );
        replacements.push((offset, body.len(), html.into()));
        return true;
    }
    let delimiters = runs(text, b'$');
    let mut pairs = delimiters.iter().filter(|run| run.len == 2);
    while let (Some(open), Some(close)) = (pairs.next(), pairs.next()) {
        let tex = &text[open.start + 2..close.start];
        if tex.trim().is_empty() {
            continue;
        }
        let mut inline = String::from("\\\\(");
        for c in tex.chars() {
            if c.is_ascii_punctuation() {
                inline.push('\\');
            }
            inline.push(c);
        }
        inline.push_str("\\\\)");
        replacements.push((
            offset + open.start,
            close.start + 2 - open.start,
            inline.into(),
        ));
    }
    false
}

/// Records what a line of Markdown (`content`, its indentation taken off, at `at` in the
/// source) needs to read as kramdown reads it: `:x` is no definition (kramdown needs white
/// space after the colon), `2)` no list item (kramdown's are `2.` only). Returns whether the
/// line starts an ordered list item numbered other than 1.
fn rewrite_line(
    content: &str,
    at: usize,
    replacements: &mut Vec<(usize, usize, Cow<'static, str>)>,
) -> bool {
    let spaced = |rest: &str| rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n']);
    // (A table's delimiter row, `:--- | ---:`, is no definition either, and stays as it is.)
    if content.starts_with(':') && !spaced(&content[1..]) && !is_delimiter_row(content) {
        replacements.push((at, 0, "\\".into()));
        return false;
    }
    let digits = content.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 9 {
        return false;
    }
    let after = &content[digits..];
    if after.starts_with(')') && spaced(&after[1..]) {
        replacements.push((at + digits, 0, "\\".into()));
        return false;
    }
    after.starts_with('.')
        && after[1..].starts_with([' ', '\t'])
        && !after[1..].trim().is_empty()
        && content[..digits].parse::<u32>() != Ok(1)
}

/// Whether a line of the paragraph being read opens a container (a list item, a quote):
/// each line looked at once, however often it is asked (a paragraph of 80,000 lines asked
/// at each line took half a minute).
#[derive(Default)]
struct ContainerSeen {
    /// The paragraph's first line (where it starts), the lines looked at, and the answer.
    first: usize,
    checked: usize,
    seen: bool,
}

impl ContainerSeen {
    fn any(&mut self, paragraph: &[(usize, &str)]) -> bool {
        let Some(&(first, _)) = paragraph.first() else {
            return false;
        };
        if first != self.first || paragraph.len() < self.checked {
            *self = ContainerSeen {
                first,
                checked: 0,
                seen: false,
            };
        }
        if !self.seen {
            self.seen = paragraph[self.checked..]
                .iter()
                .any(|(_, line)| opens_container(line));
        }
        self.checked = paragraph.len();
        self.seen
    }
}

/// Whether a line opens a block quote or a list item (after up to three spaces).
fn opens_container(line: &str) -> bool {
    let content = line.trim_start_matches(' ');
    let digits = content.bytes().take_while(u8::is_ascii_digit).count();
    content.starts_with('>')
        || (content.starts_with(['-', '*', '+']) && content[1..].starts_with([' ', '\t']))
        || (digits > 0
            && content[digits..].starts_with(['.', ')'])
            && content[digits + 1..].starts_with([' ', '\t']))
}

/// kramdown's definition terms: each line of the paragraph before `: definition` is a term
/// of its own (`<dt>`); pulldown-cmark makes the lines one term.
pub fn definition_terms<'a>(
    events: Vec<(Event<'a>, Range<usize>)>,
) -> Vec<(Event<'a>, Range<usize>)> {
    if !events
        .iter()
        .any(|(e, _)| matches!(e, Event::Start(Tag::DefinitionListTitle)))
    {
        return events;
    }
    let mut out = Vec::with_capacity(events.len());
    let mut in_title = false;
    for (event, range) in events {
        match event {
            Event::Start(Tag::DefinitionListTitle) => in_title = true,
            Event::End(TagEnd::DefinitionListTitle) => in_title = false,
            Event::SoftBreak if in_title => {
                out.push((Event::End(TagEnd::DefinitionListTitle), range.clone()));
                out.push((Event::Start(Tag::DefinitionListTitle), range));
                continue;
            }
            _ => {}
        }
        out.push((event, range));
    }
    out
}

/// The header ids Jekyll's kramdown writes (`auto_ids`, on in Jekyll, by the GFM parser's
/// rule): a heading's text (its text and code, links as their text, after typography),
/// lower-cased, with everything but letters, marks, digits, `_`, `-`, spaces and tabs taken
/// out, spaces and tabs as `-` (`## 1. Rate *cut* now` is `1-rate-cut-now`, `## 市场概况` is
/// `市场概况`), and `-1`, `-2`… after an id made before. An id the heading sets itself (`##
/// Title {#intro}`) stays (and counts for nothing). With `auto_ids: false` only those are
/// written; `auto_id_prefix` goes before each made one. Each is written in the policy's
/// anchor scope ([`in_anchor_scope`](gazette_archive::sanitize_policy::in_anchor_scope)), as
/// the links to it within the post (kramdown's table of contents, `[see](#intro)`, `<a
/// href="#intro">`) are, so they lead there.
pub fn heading_ids<'a>(
    mut events: Vec<Event<'a>>,
    options: &crate::markdown::MarkdownOptions,
) -> Vec<Event<'a>> {
    use gazette_archive::sanitize_policy::in_anchor_scope;
    if !events
        .iter()
        .any(|event| matches!(event, Event::Start(Tag::Heading { .. })))
    {
        return events;
    }
    // The ids made so far: of the headings at the top, and of those in elements that hold
    // Markdown (`markdown="1"`), which kramdown 2.4 counts apart (`## H` above and in a
    // `<div markdown="1">` are both `h`; a second `<div>`'s counts on from the first's).
    let mut made: [rustc_hash::FxHashMap<String, usize>; 2] = Default::default();
    // The elements that hold Markdown open around the event: name, and its nesting.
    let mut in_html: Vec<(String, usize)> = Vec::new();
    let holds_markdown = events
        .iter()
        .any(|event| matches!(event, Event::Html(html) if html.contains("markdown=")));
    let mut open: Option<(usize, String)> = None;
    // Inside an image (its alt text is no part of the heading's text for kramdown).
    let mut image_depth = 0usize;
    for at in 0..events.len() {
        match &events[at] {
            Event::Html(html) if holds_markdown => {
                let Some(tag) = leading_tag(html) else {
                    continue;
                };
                match in_html.last_mut() {
                    Some((open_name, depth)) if open_name.eq_ignore_ascii_case(tag.name) => {
                        match (tag.closing, *depth) {
                            (true, 0) => drop(in_html.pop()),
                            (true, _) => *depth -= 1,
                            (false, _) => *depth += 1,
                        }
                    }
                    _ if matches!(tag.markdown, Some("1" | "block")) => {
                        in_html.push((tag.name.to_string(), 0));
                    }
                    _ => {}
                }
            }
            Event::Start(Tag::Heading { id: None, .. }) if options.auto_ids => {
                open = Some((at, String::new()))
            }
            Event::Start(Tag::Image { .. }) => image_depth += 1,
            Event::End(TagEnd::Image) => image_depth = image_depth.saturating_sub(1),
            Event::Text(text) | Event::Code(text) if image_depth == 0 => {
                if let Some((_, raw)) = &mut open {
                    raw.push_str(text);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                let Some((start, raw)) = open.take() else {
                    continue;
                };
                // (Lower case character by character, as Ruby's `downcase`: a final `Σ` is
                // `σ`, not `ς`.)
                let mut anchor: String = raw
                    .chars()
                    .flat_map(char::to_lowercase)
                    .filter_map(|c| match c {
                        ' ' | '\t' => Some('-'),
                        '-' => Some(c),
                        c if is_word_character(c) => Some(c),
                        _ => None,
                    })
                    .collect();
                let made = &mut made[usize::from(!in_html.is_empty())];
                let count = made.entry(anchor.clone()).or_insert(0);
                if *count > 0 {
                    anchor = format!("{anchor}-{count}");
                }
                *count += 1;
                if let Event::Start(Tag::Heading { id, .. }) = &mut events[start] {
                    *id = Some(format!("{}{anchor}", options.auto_id_prefix).into());
                }
            }
            _ => {}
        }
    }
    for event in &mut events {
        if let Event::Start(Tag::Heading { id: Some(id), .. }) = event {
            *id = in_anchor_scope(id).into_owned().into();
        }
    }
    events
}

/// Ruby's `\p{Word}`, which GFM's header ids keep: letters, marks, decimal digits and
/// connector punctuation — not the numbers written small or enclosed (`²`, `½`, `①`), which
/// Rust counts as alphanumeric.
fn is_word_character(c: char) -> bool {
    match c {
        '_' | '\u{203F}' | '\u{2040}' | '\u{2054}' | '\u{FE33}' | '\u{FE34}' => true,
        '\u{FE4D}'..='\u{FE4F}' | '\u{FF3F}' => true,
        '\u{00B2}' | '\u{00B3}' | '\u{00B9}' | '\u{00BC}'..='\u{00BE}' => false,
        '\u{2070}'..='\u{209F}' | '\u{2150}'..='\u{215F}' | '\u{2189}' => false,
        '\u{2460}'..='\u{24FF}' | '\u{2776}'..='\u{2793}' | '\u{3251}'..='\u{325F}' => false,
        '\u{3280}'..='\u{3289}' | '\u{32B1}'..='\u{32BF}' => false,
        c => c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c),
    }
}

/// The attribute list that asks kramdown for a table of contents, which the attribute-list
/// pass ([`crate::liquid::strip_attribute_lists`]) leaves for [`table_of_contents`].
pub const TOC_MARKER: &str = "{:toc}";

/// kramdown's table of contents: a list that ends with `{:toc}` (`* TOC` then `{:toc}` on the
/// next line) is replaced by the post's headings, nested by level, as kramdown nests them,
/// each a link to its heading's id (see [`heading_ids`], which runs first). `{:toc}` anywhere
/// else is an attribute list and goes.
pub fn table_of_contents<'a>(events: Vec<Event<'a>>) -> Vec<Event<'a>> {
    let is_marker = |event: &Event<'_>| matches!(event, Event::Text(t) if t.trim() == TOC_MARKER);
    if !events.iter().any(is_marker) {
        return events;
    }
    // Each heading's level and inline content (links as their text, no footnote references,
    // as kramdown writes a heading into its table of contents).
    let mut headings: Vec<(pulldown_cmark::HeadingLevel, Vec<Event<'a>>)> = Vec::new();
    let mut heading: Option<(pulldown_cmark::HeadingLevel, Vec<Event<'a>>)> = None;
    for event in &events {
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                let link = id.as_ref().map(|id| {
                    Event::Start(Tag::Link {
                        link_type: pulldown_cmark::LinkType::Inline,
                        dest_url: format!("#{id}").into(),
                        title: "".into(),
                        id: "".into(),
                    })
                });
                heading = Some((*level, link.into_iter().collect()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, mut content)) = heading.take() {
                    if matches!(content.first(), Some(Event::Start(Tag::Link { .. }))) {
                        content.push(Event::End(TagEnd::Link));
                    }
                    headings.push((level, content));
                }
            }
            Event::Start(Tag::Link { .. })
            | Event::End(TagEnd::Link)
            | Event::FootnoteReference(_) => {}
            _ => {
                if let Some((_, content)) = &mut heading {
                    content.push(event.clone());
                }
            }
        }
    }
    let mut out = Vec::with_capacity(events.len());
    let mut events = events.into_iter().peekable();
    while let Some(event) = events.next() {
        let Event::Start(Tag::List(first)) = event else {
            if !is_marker(&event) {
                out.push(event);
            }
            continue;
        };
        // The list, up to its end.
        let mut list = vec![Event::Start(Tag::List(first))];
        let mut depth = 1;
        for event in events.by_ref() {
            match event {
                Event::Start(Tag::List(_)) => depth += 1,
                Event::End(TagEnd::List(_)) => depth -= 1,
                _ => {}
            }
            list.push(event);
            if depth == 0 {
                break;
            }
        }
        let marked = list
            .iter()
            .rev()
            .find(|event| matches!(event, Event::Text(_)))
            .is_some_and(is_marker);
        if !marked {
            // Nested lists are looked at too.
            out.push(list.remove(0));
            let rest = table_of_contents(list);
            out.extend(rest);
            continue;
        }
        let ordered = first.is_some();
        out.push(Event::Start(Tag::List(first)));
        // The open items: their level, and whether a list of sub-headings is open in them.
        let mut open: Vec<(pulldown_cmark::HeadingLevel, bool)> = Vec::new();
        let close = |open: &mut Vec<(pulldown_cmark::HeadingLevel, bool)>,
                     out: &mut Vec<Event<'a>>| {
            if let Some((_, sublist)) = open.pop() {
                if sublist {
                    out.push(Event::End(TagEnd::List(ordered)));
                }
                out.push(Event::End(TagEnd::Item));
            }
        };
        for (level, content) in &headings {
            while let Some((top, sublist)) = open.last_mut() {
                if *top < *level {
                    if !*sublist {
                        *sublist = true;
                        out.push(Event::Start(Tag::List(first)));
                    }
                    break;
                }
                close(&mut open, &mut out);
            }
            out.push(Event::Start(Tag::Item));
            out.extend(content.iter().cloned());
            open.push((*level, false));
        }
        while !open.is_empty() {
            close(&mut open, &mut out);
        }
        out.push(Event::End(TagEnd::List(ordered)));
    }
    out
}

/// HTML elements kramdown reads as text in a paragraph (its `HTML_SPAN_ELEMENTS`), not as an
/// HTML block.
pub(crate) const SPAN_ELEMENTS: &[&str] = &[
    "a", "abbr", "acronym", "b", "big", "bdo", "br", "button", "cite", "code", "del", "dfn", "em",
    "i", "img", "input", "ins", "kbd", "label", "mark", "option", "q", "rb", "rbc", "rp", "rt",
    "rtc", "ruby", "samp", "select", "small", "span", "strike", "strong", "sub", "sup", "textarea",
    "tt", "u", "var",
];

/// The first block from event `from` on whose start and end `kind` tells (`(is start, is
/// end)`): the indexes of its start and its end.
fn next_block(
    events: &[(Event<'_>, Range<usize>)],
    from: usize,
    kind: impl Fn(&Event<'_>) -> (bool, bool),
) -> Option<(usize, usize)> {
    let start = from + events[from..].iter().position(|(e, _)| kind(e).0)?;
    let end = start + events[start..].iter().position(|(e, _)| kind(e).1)?;
    Some((start, end))
}

/// A line that is only a span element's tag (`<img src="…">`) starts an HTML block in
/// CommonMark and a paragraph in kramdown: such blocks become paragraphs (their HTML as it is).
pub fn span_html_paragraphs<'a>(
    mut events: Vec<(Event<'a>, Range<usize>)>,
) -> Vec<(Event<'a>, Range<usize>)> {
    let mut at = 0;
    while let Some((start, end)) = next_block(&events, at, |e| {
        (
            matches!(e, Event::Start(Tag::HtmlBlock)),
            matches!(e, Event::End(TagEnd::HtmlBlock)),
        )
    }) {
        at = end + 1;
        let span = match events.get(start + 1) {
            Some((Event::Html(html), _)) => {
                let name: String = html
                    .trim_start()
                    .strip_prefix('<')
                    .unwrap_or("")
                    .chars()
                    .take_while(char::is_ascii_alphanumeric)
                    .collect::<String>()
                    .to_ascii_lowercase();
                SPAN_ELEMENTS.contains(&name.as_str())
            }
            _ => false,
        };
        if !span {
            continue;
        }
        events[start].0 = Event::Start(Tag::Paragraph);
        events[end].0 = Event::End(TagEnd::Paragraph);
        for (event, _) in &mut events[start + 1..end] {
            if let Event::Html(html) = event {
                *event = Event::InlineHtml(std::mem::replace(html, "".into()));
            }
        }
    }
    events
}

/// The content of an element that says `markdown="span"`, which [`markdown_in_html`] wrote as
/// paragraphs between its tags' HTML blocks, is one run of text: the paragraphs' tags are
/// taken away (a blank line between two stays a line break in the HTML, as in kramdown's).
pub fn span_contents<'a>(
    mut events: Vec<(Event<'a>, Range<usize>)>,
) -> Vec<(Event<'a>, Range<usize>)> {
    let opens_span = |html: &str| leading_tag(html).is_some_and(|tag| tag.markdown == Some("span"));
    if !events
        .iter()
        .any(|(event, _)| matches!(event, Event::Html(html) if opens_span(html)))
    {
        return events;
    }
    // The elements open, innermost last: their names as written.
    let mut open: Vec<String> = Vec::new();
    let mut after_paragraph = false;
    let mut kept = Vec::with_capacity(events.len());
    for (event, range) in events.drain(..) {
        match (&event, leading_tag_of(&event)) {
            (_, Some(tag)) if tag.markdown == Some("span") => {
                open.push(tag.name.to_string());
                after_paragraph = false;
            }
            (_, Some(tag))
                if tag.closing
                    && open
                        .last()
                        .is_some_and(|name| name.eq_ignore_ascii_case(tag.name)) =>
            {
                open.pop();
            }
            (Event::Start(Tag::Paragraph), _) if !open.is_empty() => {
                if std::mem::take(&mut after_paragraph) {
                    kept.push((Event::Text("\n".into()), range));
                }
                continue;
            }
            (Event::End(TagEnd::Paragraph), _) if !open.is_empty() => {
                after_paragraph = true;
                continue;
            }
            _ => {}
        }
        kept.push((event, range));
    }
    kept
}

/// The tag an HTML block's line starts with, as the event passes read it.
struct LeadingTag<'h> {
    /// Its name, as written.
    name: &'h str,
    closing: bool,
    /// A start tag's `markdown` attribute ([`markdown_attribute`]).
    markdown: Option<&'h str>,
}

/// The tag `html` (an HTML block's event) starts with, if it starts with one.
fn leading_tag(html: &str) -> Option<LeadingTag<'_>> {
    let tag = html.trim_start();
    let closing = tag.starts_with("</");
    let name = tag
        .strip_prefix("</")
        .or_else(|| tag.strip_prefix('<'))
        .and_then(tag_name)?;
    let end = tag.find('>').unwrap_or(tag.len());
    let markdown = (!closing)
        .then(|| markdown_attribute(&tag[..end]))
        .flatten();
    Some(LeadingTag {
        name,
        closing,
        markdown,
    })
}

/// [`leading_tag`] of an HTML block's event; `None` for any other event.
fn leading_tag_of<'e>(event: &'e Event<'_>) -> Option<LeadingTag<'e>> {
    match event {
        Event::Html(html) => leading_tag(html),
        _ => None,
    }
}

/// Ends one of [`prepare`]'s paragraphs: a kramdown table when `table` (it may be one) and
/// its lines make one, else a paragraph whose rules apply ([`pair_paragraph`]).
fn end_paragraph(
    markdown: &str,
    paragraph: &[(usize, &str)],
    table: bool,
    replacements: &mut Vec<(usize, usize, Cow<'static, str>)>,
) {
    if table {
        match kramdown_table(paragraph, replacements) {
            Table::Rewritten => return,
            Table::Text => text_not_table(paragraph, replacements),
            Table::AsGfm | Table::Other => {}
        }
    }
    pair_paragraph(markdown, paragraph, replacements);
}

/// What [`kramdown_table`] made of a block of lines.
enum Table {
    /// A kramdown table, written anew for GFM.
    Rewritten,
    /// A table GFM reads as kramdown does.
    AsGfm,
    /// Text to kramdown (a line without `|`, or a header and no rows), where GFM may read a
    /// table: see [`text_not_table`].
    Text,
    /// Something else (a list, a heading…), left to the other rules.
    Other,
}

/// A block kramdown reads as text where GFM would find a table in it (a line of text, then a
/// header and its delimiter row; or a header alone): its pipes after that line are escaped,
/// so that GFM reads text too.
fn text_not_table(
    lines: &[(usize, &str)],
    replacements: &mut Vec<(usize, usize, Cow<'static, str>)>,
) {
    let Some(header) = (1..lines.len())
        .find(|&i| is_delimiter_row(lines[i].1) && lines[i - 1].1.contains('|'))
        .map(|i| i - 1)
    else {
        return;
    };
    for &(offset, line) in &lines[header..] {
        for_each_pipe(line, |at, in_code| {
            if !in_code {
                replacements.push((offset + at, 0, "\\".into()));
            }
        });
    }
}

/// Calls `pipe` with the place of each `|` of a table line that is not escaped, and whether it
/// is inside a code span.
fn for_each_pipe(line: &str, mut pipe: impl FnMut(usize, bool)) {
    let bytes = line.as_bytes();
    let mut i = 0;
    while let Some(found) = memchr::memchr3(b'`', b'\\', b'|', &bytes[i..]) {
        let at = i + found;
        match bytes[at] {
            b'\\' => i = (at + 2).min(bytes.len()),
            b'|' => {
                pipe(at, false);
                i = at + 1;
            }
            _ => {
                let end = skip_code_span(line, at).max(at + 1);
                for inside in memchr::memchr_iter(b'|', &bytes[at..end]) {
                    pipe(at + inside, true);
                }
                i = end;
            }
        }
    }
}

/// kramdown's tables: a block whose every line holds a `|` (not escaped, not in a code span)
/// is a table, each line a row, with or without pipes at its ends and with any number of
/// cells; a line of `-`, `|`, `:` and `+` after the first row makes that row the header.
/// GFM (pulldown-cmark) needs a header, a delimiter row of as many cells, and cuts rows to
/// its width, so a block GFM would not read the same way is recorded as a GFM table: every
/// row with as many cells as the widest, and an empty header when kramdown has none. Says
/// what it made of the block's lines (`(offset, line)`: when it wrote a table, they are the
/// table's alone).
fn kramdown_table(
    lines: &[(usize, &str)],
    replacements: &mut Vec<(usize, usize, Cow<'static, str>)>,
) -> Table {
    let Some(&(first, _)) = lines.first() else {
        return Table::Other;
    };
    let mut has_header = false;
    let mut alignments: Vec<&'static str> = Vec::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (i, &(_, line)) in lines.iter().enumerate() {
        let trimmed = line.trim_start_matches(' ');
        if line.is_empty()
            || line.len() - trimmed.len() >= 4
            || opens_container(line)
            || trimmed.starts_with(['#', '<', '\t'])
            || trimmed.starts_with("{:")
        {
            return Table::Other;
        }
        if is_delimiter_row(line) {
            if i == 1 {
                has_header = true;
                alignments = table_cells(line)
                    .iter()
                    .map(|cell| match (cell.starts_with(':'), cell.ends_with(':')) {
                        (true, true) => ":-:",
                        (true, false) => ":--",
                        (false, true) => "--:",
                        (false, false) => "---",
                    })
                    .collect();
            }
            continue;
        }
        if !line.contains('|') {
            return Table::Text;
        }
        let cells = table_cells(line);
        if cells.len() < 2 && !line.trim().starts_with('|') {
            return Table::Other;
        }
        rows.push(cells);
    }
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    if width == 0 {
        return Table::Other;
    }
    // A header and its delimiter row, and no row: text to kramdown.
    if has_header && rows.len() == 1 {
        return Table::Text;
    }
    // GFM reads the same table: a header as wide as its delimiter row and every row, and no
    // `|` in a code span (kramdown reads code spans first; GFM splits the cell there).
    if has_header
        && alignments.len() == width
        && rows.iter().all(|r| r.len() == width)
        && !lines.iter().any(|&(_, line)| pipe_in_code_span(line))
        // (A delimiter row in the body starts another `<tbody>` in kramdown; GFM would make
        // a row of dashes of it. Written anew, it is left out: the rows run on.)
        && !lines.iter().skip(2).any(|&(_, line)| is_delimiter_row(line))
    {
        return Table::AsGfm;
    }
    let row_text = |cells: &[String]| {
        let mut text = String::from("|");
        for i in 0..width {
            text.push(' ');
            text.push_str(cells.get(i).map_or("", String::as_str));
            text.push_str(" |");
        }
        text.push('\n');
        text
    };
    let mut table = String::new();
    let body = if has_header {
        table.push_str(&row_text(&rows[0]));
        &rows[1..]
    } else {
        table.push_str(&row_text(&[]));
        &rows[..]
    };
    table.push('|');
    for i in 0..width {
        table.push_str(alignments.get(i).copied().unwrap_or("---"));
        table.push('|');
    }
    table.push('\n');
    for row in body {
        table.push_str(&row_text(row));
    }
    let (last, last_line) = lines[lines.len() - 1];
    let end = last + last_line.trim_end_matches(['\n', '\r']).len();
    table.pop();
    replacements.retain(|r| r.0 < first || r.0 >= end);
    replacements.push((first, end - first, table.into()));
    Table::Rewritten
}

/// Whether a table line has a `|` inside a code span.
fn pipe_in_code_span(line: &str) -> bool {
    let mut found = false;
    for_each_pipe(line, |_, in_code| found |= in_code);
    found
}

/// Whether a line is a table's delimiter row: `-`s, with `|`, `:`, `+` and white space only.
fn is_delimiter_row(line: &str) -> bool {
    line.contains('-') && line.trim().bytes().all(|b| b"+|:- \t".contains(&b))
}

/// The cells of a table line as GFM should read them: split at each `|` that is not escaped
/// and not in a code span (one in a code span escaped, which GFM needs), the empty cells
/// before a leading and after a trailing `|` dropped, each trimmed.
fn table_cells(line: &str) -> Vec<String> {
    let line = line.trim();
    let bytes = line.as_bytes();
    let mut cells = vec![String::new()];
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                // The backslash and the character it escapes, kept for GFM to read.
                let end = i + 1 + line[i + 1..].chars().next().map_or(0, char::len_utf8);
                cells.last_mut().expect("a cell").push_str(&line[i..end]);
                i = end;
            }
            b'`' => {
                let end = skip_code_span(line, i);
                let span = line[i..end].replace('|', "\\|");
                cells.last_mut().expect("a cell").push_str(&span);
                i = end;
            }
            b'|' => {
                cells.push(String::new());
                i += 1;
            }
            _ => {
                let len = line[i..].chars().next().map_or(1, char::len_utf8);
                cells
                    .last_mut()
                    .expect("a cell")
                    .push_str(&line[i..i + len]);
                i += len;
            }
        }
    }
    if line.starts_with('|') {
        cells.remove(0);
    }
    if line.ends_with('|') && !line.ends_with("\\|") && !cells.is_empty() {
        cells.pop();
    }
    cells.iter().map(|c| c.trim().to_owned()).collect()
}

/// A table without a header in kramdown (no delimiter line after its first row) is written
/// for GFM with an empty header row ([`kramdown_table`]): its cells are dropped, so the table
/// shows its rows alone (the empty head is taken out of the HTML, as kramdown writes none).
pub fn headless_tables(
    mut events: Vec<(Event<'_>, Range<usize>)>,
) -> Vec<(Event<'_>, Range<usize>)> {
    let mut at = 0;
    while let Some((start, end)) = next_block(&events, at, |e| {
        (
            matches!(e, Event::Start(Tag::TableHead)),
            matches!(e, Event::End(TagEnd::TableHead)),
        )
    }) {
        let empty = events[start + 1..end].iter().all(|(e, _)| {
            matches!(
                e,
                Event::Start(Tag::TableCell) | Event::End(TagEnd::TableCell)
            )
        });
        if empty {
            // pulldown-cmark's writer needs the head to know the body: an empty one, no cells.
            events.drain(start + 1..end);
            at = start + 2;
        } else {
            at = end + 1;
        }
    }
    events
}

/// Whether a line (after its indentation) is only one to six `#`: an empty heading in
/// CommonMark, text in kramdown.
fn is_hashes(trimmed: &str) -> bool {
    let line = trimmed.trim_end();
    (1..=6).contains(&line.len()) && line.bytes().all(|b| b == b'#')
}

/// Whether a fence of `len` `marker`s whose lines are indented to column `base` (a list
/// item's content; 0 outside lists) has a closing fence in `rest` (the lines after it):
/// kramdown's fenced block needs one, and without it reads the line as text.
fn fence_closes(marker: u8, len: usize, base: usize, rest: &str) -> bool {
    rest.split_inclusive('\n')
        .any(|line| closes_fence_at(line, marker, len, base))
}

/// Whether `line` closes a fence of `len` `marker`s whose lines are indented to column
/// `base`: up to three columns more, then the fence (see [`closes_fence`]).
fn closes_fence_at(line: &str, marker: u8, len: usize, base: usize) -> bool {
    let content = line.trim_start_matches([' ', '\t']);
    leading_column(line) < base + 4 && closes_fence(content, marker, len)
}

/// The content column of the list item a line starts and its text after the marker, when it
/// starts one.
fn item_body(line: &str) -> Option<(usize, &str)> {
    let base = list_item_column(line)?;
    let content = line.trim_start_matches([' ', '\t']);
    let marker = content
        .bytes()
        .take_while(|b| b.is_ascii_digit() || b"-*+.".contains(b))
        .count()
        .max(1);
    Some((base, content[marker..].trim_start_matches([' ', '\t'])))
}

/// Whether a line (after up to three spaces) closes a fence of `len` `marker`s: as many or
/// more, then only white space (` ```css` opens a fence, it does not close one).
fn closes_fence(content: &str, marker: u8, len: usize) -> bool {
    content.bytes().take_while(|&b| b == marker).count() >= len
        && content.trim_start_matches(marker as char).trim().is_empty()
}

/// The column a line's text starts at (a tab goes to the next multiple of four).
fn leading_column(line: &str) -> usize {
    let mut column = 0;
    for b in line.bytes() {
        match b {
            b' ' => column += 1,
            b'\t' => column = (column / 4 + 1) * 4,
            _ => break,
        }
    }
    column
}

/// The column of a list item's content, when the line starts a list item (`-`, `*`, `+` or
/// digits and `.`, then white space).
pub(crate) fn list_item_column(line: &str) -> Option<usize> {
    let column = leading_column(line);
    let content = line.trim_start_matches([' ', '\t']);
    let digits = content.bytes().take_while(u8::is_ascii_digit).count();
    let marker = match content.as_bytes().first()? {
        b'-' | b'*' | b'+' => 1,
        _ if (1..=9).contains(&digits) && content[digits..].starts_with('.') => digits + 1,
        _ => return None,
    };
    let after = &content[marker..];
    let spaces = after.bytes().take_while(|&b| b == b' ').count();
    if after.trim().is_empty() {
        return (!after.is_empty() || marker == 1).then_some(column + marker + 1);
    }
    match after.as_bytes()[0] {
        b' ' if spaces <= 4 => Some(column + marker + spaces),
        b' ' | b'\t' => Some(column + marker + 1),
        _ => None,
    }
}

/// Whether kramdown takes a line that is not indented enough into the list item before it
/// (when no blank line comes between): every line but an attribute list, an HTML block's tag,
/// the end-of-block marker and (left to CommonMark here) a fence.
fn lazy_line(trimmed: &str) -> bool {
    let block_tag = trimmed
        .strip_prefix("</")
        .or_else(|| trimmed.strip_prefix('<'))
        .is_some_and(|rest| {
            let name: String = rest
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_lowercase();
            !name.is_empty() && !SPAN_ELEMENTS.contains(&name.as_str())
        });
    !(block_tag
        || trimmed.starts_with("{:")
        || trimmed.trim_end() == "^"
        || trimmed.starts_with("```")
        || trimmed.starts_with("~~~"))
}

/// CommonMark's HTML block names (its type 6), the block elements both read as an HTML block
/// when a line starts with their tag.
const BLOCK_ELEMENTS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "colgroup",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "html",
    "iframe",
    "legend",
    "li",
    "main",
    "menu",
    "nav",
    "noframes",
    "ol",
    "optgroup",
    "option",
    "p",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Elements without an end tag, which kramdown's HTML reader does not wait for.
pub(crate) const VOID_ELEMENTS: &[&str] = &[
    "area", "base", "br", "col", "command", "embed", "hr", "img", "input", "keygen", "link",
    "meta", "param", "source", "track", "wbr",
];

/// The elements whose content is raw text to their end tag, blank lines and all, in CommonMark
/// (its HTML block of type 1) and in kramdown.
const RAW_TEXT_ELEMENTS: &[&str] = &["pre", "script", "style", "textarea"];

/// Where the element that starts at `at` (a line's `<`, after its indentation) ends when it is
/// one of [`RAW_TEXT_ELEMENTS`]: at the end of the line of its end tag (or of the text).
fn raw_text_end(markdown: &str, at: usize) -> Option<usize> {
    let text = &markdown[at..];
    let name = tag_name(text.strip_prefix('<')?)?;
    let after = &text[1 + name.len()..];
    if !is_named(RAW_TEXT_ELEMENTS, name)
        || (!after.is_empty() && !after.starts_with(|c: char| c.is_ascii_whitespace() || c == '>'))
    {
        return None;
    }
    let bytes = text.as_bytes();
    let end_tag = memchr::memmem::find_iter(bytes, b"</").find(|&close| {
        bytes[close + 2..]
            .get(..name.len())
            .is_some_and(|found| found.eq_ignore_ascii_case(name.as_bytes()))
    });
    Some(end_tag.map_or(markdown.len(), |close| {
        memchr::memchr(b'\n', &bytes[close..]).map_or(markdown.len(), |nl| at + close + nl + 1)
    }))
}

/// Where the HTML block that starts at `at` (a line's `<`, after its indentation) ends as
/// kramdown reads it, when it is a block element's: at the end of the line of its end tag,
/// nested elements of any name each waiting for their own (an end tag that closes no open
/// element is text), comments skipped; an element never closed runs to the end. (CommonMark's
/// ends at the first blank line: a `<div>` whose paragraphs are apart is Markdown after the
/// first, and its indented lines code.) `None` for any other line, and when the element
/// asks for Markdown inside (`markdown="1"`). With the end, whether nothing but white space
/// follows the end tag on its line (see [`markdown_after_html_block`]).
fn html_block_end(markdown: &str, at: usize) -> Option<(usize, bool)> {
    let text = &markdown[at..];
    let name = tag_name(text.strip_prefix('<')?)?;
    let tag_len = name.len();
    if !is_named(BLOCK_ELEMENTS, name) {
        return None;
    }
    let first_tag_end = at + 1 + tag_len + memchr::memchr(b'>', &text.as_bytes()[1 + tag_len..])?;
    if markdown[at..first_tag_end].contains("markdown=")
        || markdown.as_bytes()[first_tag_end - 1] == b'/'
    {
        return None;
    }
    let mut open = vec![name];
    let mut i = first_tag_end + 1;
    let bytes = markdown.as_bytes();
    while !open.is_empty() {
        let Some(lt) = memchr::memchr(b'<', &bytes[i..]) else {
            return Some((markdown.len(), false));
        };
        i += lt;
        let rest = &markdown[i..];
        if rest.starts_with("<!--") {
            i += rest.find("-->").map_or(rest.len(), |end| end + 3);
            continue;
        }
        let closing = rest.starts_with("</");
        let Some(name) = tag_name(&rest[1 + usize::from(closing)..]) else {
            i += 1;
            continue;
        };
        let Some(gt) = memchr::memchr(b'>', rest.as_bytes()) else {
            return Some((markdown.len(), false));
        };
        if closing {
            if open
                .last()
                .is_some_and(|last| last.eq_ignore_ascii_case(name))
            {
                open.pop();
            }
        } else if rest[..gt].contains("markdown=") {
            // An element inside that holds Markdown (`markdown="1"`): kramdown reads it so
            // in a raw block too, and its lines are set apart for CommonMark
            // ([`markdown_in_html`]); the block is not one raw piece.
            return None;
        } else if !is_named(VOID_ELEMENTS, name) && !rest[..gt].ends_with('/') {
            open.push(name);
        }
        i += gt + 1;
    }
    let line_end = memchr::memchr(b'\n', &bytes[i..]).map_or(markdown.len(), |nl| i + nl + 1);
    Some((line_end, markdown[i..line_end].trim().is_empty()))
}

/// Whether the line at `end`, right after the line where a block element's HTML block ends
/// with its end tag (see [`html_block_end`]), is Markdown in kramdown (a new block: a heading,
/// a list, a paragraph) where CommonMark's HTML block, which only a blank line ends, takes it
/// as raw HTML. A line that starts with a tag is left alone: kramdown reads another HTML
/// block there, or a paragraph of a span element's tag, whose text is the same.
fn markdown_after_html_block(markdown: &str, end: usize) -> bool {
    let next = markdown[end..].lines().next().unwrap_or_default();
    let trimmed = next.trim_start();
    !trimmed.is_empty() && !trimmed.starts_with('<')
}

/// Whether the HTML block that starts on the line ending at `line_end` and ends as
/// [`html_block_end`] said (`(end, tag_ends_line)`) needs [`prepare`]'s rewrites: it holds a
/// blank line, or a line of Markdown follows it (see [`markdown_after_html_block`]).
fn html_block_needs_rewrite(
    markdown: &str,
    line_end: usize,
    (end, tag_ends_line): (usize, bool),
) -> bool {
    markdown[line_end.min(end)..end]
        .split_inclusive('\n')
        .any(|line| line.trim().is_empty())
        || (tag_ends_line && markdown_after_html_block(markdown, end))
}

/// Whether a line (after its indentation) is only one tag, open or closing, of a span element
/// (see [`SPAN_ELEMENTS`]), which starts an HTML block in CommonMark and a paragraph in kramdown.
fn lone_span_tag(trimmed: &str) -> bool {
    let line = trimmed.trim_end();
    let Some(rest) = line.strip_prefix('<') else {
        return false;
    };
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let Some(name) = tag_name(rest) else {
        return false;
    };
    is_named(SPAN_ELEMENTS, name)
        && line.ends_with('>')
        && line.bytes().filter(|&b| b == b'<').count() == 1
        && line.bytes().filter(|&b| b == b'>').count() == 1
}

/// Whether a line (after its indentation, fewer than four spaces) ends the paragraph before it
/// in kramdown and starts an HTML block: it starts with a whole start tag (as kramdown's
/// `HTML_TAG_RE` reads it) of an element other than a span element (see [`SPAN_ELEMENTS`]).
/// (kramdown's paragraph also ends before a line that starts with a span element's tag
/// spelled in capitals (`<SPAN>`), a stray end tag or an unfinished tag, but no HTML block
/// parser takes such a line and the paragraph goes on with it.) A `<script>` line does not
/// end it either. Only the block elements CommonMark's paragraph ends at too are taken (see
/// [`BLOCK_ELEMENTS`]): an element it reads inline (`<video>`, a custom one) holds raw text
/// to its end tag in kramdown, which the HTML block that CommonMark would read after a blank
/// line does not follow.
pub(super) fn html_ends_paragraph(trimmed: &str) -> bool {
    // kramdown's `LAZY_END_HTML_START`, case-sensitive and up to a word boundary: `<a-b>` is an
    // `a`, `<SPAN>` is not a span element.
    let Some(name) = trimmed.strip_prefix('<') else {
        return false;
    };
    let lazy_end = !names_one_of(name, SPAN_ELEMENTS) && !names_one_of(name, &["script"]);
    lazy_end
        && span_html::start_tag_name(trimmed)
            .is_some_and(|name| BLOCK_ELEMENTS.contains(&name.to_ascii_lowercase().as_str()))
}

/// Whether a line (after its indentation) starts with a span element's start tag (see
/// [`SPAN_ELEMENTS`]): kramdown's HTML block parser leaves it to the paragraph (`<u>*x*</u> y`
/// is a paragraph of Markdown). (A line that starts with an end tag stays with the HTML
/// block reading: after lines `prepare` cut the paragraph at, an indented one in a list item
/// say, it closes an element opened before them.)
fn starts_with_span_tag(trimmed: &str) -> bool {
    trimmed
        .strip_prefix('<')
        .and_then(tag_name)
        .is_some_and(|name| is_named(SPAN_ELEMENTS, name))
}

/// The name a tag starts with (after `<` or `</`), as written: compare it with
/// [`is_named`]. (Not lowercased into a new string: the gate of [`prepare`] reads the tags of
/// every post that holds HTML.)
fn tag_name(text: &str) -> Option<&str> {
    let len = text
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b':')
        .count();
    (len > 0 && text.as_bytes()[0].is_ascii_alphabetic()).then(|| &text[..len])
}

/// Whether a tag's name is one of `names` (lowercase), in any case.
fn is_named(names: &[&str], name: &str) -> bool {
    names.iter().any(|known| known.eq_ignore_ascii_case(name))
}

/// Whether some line of `markdown` may need one of [`prepare`]'s line rewrites, in one pass
/// over its lines (the three tests below each went over every post's lines on their own: half
/// of `prepare`'s time on the generator's posts):
/// - a line rewrite: a line starts (after spaces) with `^` or `:`, with digits and `.` or `)`,
///   with `-` or `+` and white space, is only `#`s, or is a lone span tag ([`lone_span_tag`]);
/// - an HTML block: a line starts with a block element's tag whose element (as kramdown
///   reads it, see [`html_block_end`]) holds a blank line or is followed by a line of
///   Markdown (see [`markdown_after_html_block`]);
/// - lazy code: an indented code line after a blank one is followed by a line indented less
///   (no blank line between).
fn lines_may_matter(markdown: &str) -> bool {
    let bytes = markdown.as_bytes();
    let indented = |line: &str| line.starts_with("    ") || line.starts_with('\t');
    // Lines before this one are inside an HTML block already looked at.
    let mut html_from = 0;
    // Lazy code: whether the line before was blank (or there was none), and whether the
    // lines since are an indented code block's.
    let (mut before_blank, mut in_code) = (true, false);
    let mut start = 0;
    while start < bytes.len() {
        let line_end =
            memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |nl| start + nl + 1);
        let line = &markdown[start..line_end];
        let content = line.strip_suffix('\n').unwrap_or(line);
        // The line rewrites.
        let trimmed = content.trim_start_matches(' ');
        let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
        if trimmed.starts_with(['^', ':'])
            || (digits > 0 && trimmed[digits..].starts_with(['.', ')']))
            || (trimmed.starts_with(['-', '+']) && trimmed[1..].starts_with([' ', '\t']))
            || is_hashes(trimmed)
            || lone_span_tag(trimmed)
        {
            return true;
        }
        // Lazy code.
        let blank = content.trim().is_empty();
        if in_code {
            if blank {
                (in_code, before_blank) = (false, true);
            } else if !indented(content) {
                return true;
            }
        } else if before_blank && !blank && indented(content) {
            in_code = true;
        } else {
            before_blank = blank;
        }
        // HTML blocks.
        let indent = content.len() - trimmed.len();
        if start >= html_from && indent < 4 && bytes.get(start + indent) == Some(&b'<') {
            if let Some(block) = html_block_end(markdown, start + indent) {
                if html_block_needs_rewrite(markdown, line_end, block) {
                    return true;
                }
                html_from = block.0.max(line_end);
            }
        }
        start = line_end;
    }
    false
}

/// Whether some `](` is followed by white space before the next `)` on its line: the cheap
/// test for [`spaced_destinations`].
fn may_have_spaced_destination(markdown: &str) -> bool {
    // memchr's searches (std's two-way search for "](" over every post's whole text was 0.8%
    // of a build's instructions).
    let bytes = markdown.as_bytes();
    // Where the destination of the last `](` looked at ends: a `](` before it has the rest
    // of that destination, already found without white space, as its own (looked at again,
    // a line of `](` without `)` was read once for each).
    let mut checked_to = 0;
    memchr::memmem::find_iter(bytes, b"](").any(|at| {
        if at + 2 < checked_to {
            return false;
        }
        let rest = &bytes[at + 2..];
        let end = memchr::memchr2(b')', b'\n', rest).unwrap_or(rest.len());
        checked_to = at + 2 + end;
        memchr::memchr3(b' ', b'\t', b'\\', &rest[..end]).is_some()
    })
}

/// Records inline link destinations that hold white space (`[text](a b)`, `[text]({post_url
/// x})`) as `<a b>`: kramdown takes the destination up to the `)` that balances its `(` or up
/// to white space before a quote (a title), spaces and all; CommonMark takes white space in a
/// destination only between `<` and `>`, and would leave the link as text.
fn spaced_destinations(
    text: &str,
    offset: usize,
    replacements: &mut Vec<(usize, usize, Cow<'static, str>)>,
) {
    let bytes = text.as_bytes();
    let mut open_brackets = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'`' => i = skip_code_span(text, i),
            b'<' => match text[i..].find('>') {
                Some(end) if !text[i..i + end].contains('\n') => i += end + 1,
                _ => i += 1,
            },
            b'[' => {
                open_brackets += 1;
                i += 1;
            }
            b']' if open_brackets > 0 && bytes.get(i + 1) == Some(&b'(') => {
                open_brackets -= 1;
                let start = i + 2;
                let mut depth = 1;
                let mut end = None;
                for (j, &b) in bytes.iter().enumerate().skip(start) {
                    match b {
                        b'\n' => break,
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                end = Some(j);
                                break;
                            }
                        }
                        b' ' | b'\t' if matches!(bytes.get(j + 1), Some(b'"' | b'\'')) => {
                            end = Some(j);
                            break;
                        }
                        _ => {}
                    }
                }
                let Some(end) = end else {
                    i = start;
                    continue;
                };
                let url = text[start..end].trim();
                if url.contains([' ', '\t', '\\']) && !url.contains(['<', '>']) {
                    // kramdown keeps a destination's backslashes: doubled, so CommonMark does.
                    let url = url.replace('\\', "\\\\");
                    replacements.push((offset + start, end - start, format!("<{url}>").into()));
                }
                i = end;
            }
            b']' => {
                open_brackets = open_brackets.saturating_sub(1);
                i += 1;
            }
            _ => i += 1,
        }
    }
}

/// Records kramdown's code spans in one paragraph (`text`, at `offset`) where CommonMark reads
/// them otherwise:
/// - a single backtick with white space (or the paragraph's start) before it and white space
///   after it is text (`` a `  1 ↦ 1` b `` shows its backticks in Jekyll), where CommonMark
///   pairs it with the next: it is escaped;
/// - a span closes at the first run of as many backticks (`` `a``b` `` is `a` then `b`),
///   even inside a longer run, where CommonMark needs a run of the same length;
/// - a span of one backtick keeps its content as it is (`` ` x ` `` shows its spaces), one
///   of more loses one space at each end that has one; CommonMark takes one off each end only
///   when both have one.
///
/// Such a span is written anew as a CommonMark span of the same content (see
/// [`commonmark_code_span`]).
fn code_spans(
    text: &str,
    offset: usize,
    replacements: &mut Vec<(usize, usize, Cow<'static, str>)>,
) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(found) = memchr::memchr(b'`', &bytes[i..]) {
        let start = i + found;
        let escapes = bytes[..start]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count();
        if escapes % 2 == 1 {
            i = start + 1;
            continue;
        }
        let len = bytes[start..].iter().take_while(|&&b| b == b'`').count();
        // Whether only up to three spaces come before the run on its line, as before a fence.
        let at_line_start = || {
            let spaces = bytes[..start]
                .iter()
                .rev()
                .take_while(|&&b| b == b' ')
                .count();
            spaces <= 3 && (start == spaces || bytes[start - spaces - 1] == b'\n')
        };
        if len >= 3
            && at_line_start()
            && replacements.contains(&(offset + start, 0, Cow::Borrowed("\\")))
        {
            // A fence never closed, escaped as text (see `prepare`).
            i = start + len;
            continue;
        }
        if len >= 3 && may_be_fence(text, start) {
            // A fence in a block quote or a list item (which `prepare` does not follow): what
            // follows may be code, not this paragraph's text.
            return;
        }
        let space_before = start == 0 || bytes[start - 1].is_ascii_whitespace();
        let space_after = bytes.get(start + len).is_some_and(u8::is_ascii_whitespace);
        if len == 1 && space_before && space_after {
            replacements.push((offset + start, 0, "\\".into()));
            i = start + 1;
            continue;
        }
        let end = skip_code_span(text, start);
        if end == start + len {
            // Never closed: text, in both.
            i = end;
            continue;
        }
        let content = &text[start + len..end - len];
        let kramdown = if len == 1 {
            content
        } else {
            let content = content.strip_prefix(' ').unwrap_or(content);
            content.strip_suffix(' ').unwrap_or(content)
        };
        let closes_inside_run = bytes.get(end) == Some(&b'`');
        // A span over a line that may start a block of its own (a list item, a quote, a
        // heading), which this paragraph's lines do not tell, is left to CommonMark.
        if !kramdown.is_empty()
            && content.lines().skip(1).all(|line| {
                !line
                    .trim_start()
                    .starts_with(|c: char| c.is_ascii_digit() || "#>-*+|`~<=".contains(c))
            })
            && (closes_inside_run || commonmark_code_content(content) != kramdown)
        {
            let mut span = commonmark_code_span(kramdown);
            if closes_inside_run {
                // The rest of the run opens the next span: apart, or CommonMark would read
                // one run (the sanitizer drops the comment).
                span.push_str("<!-- -->");
            }
            replacements.push((offset + start, end - start, span.into()));
        }
        i = end;
    }
}

/// The content CommonMark gives a code span (`content` between its backticks), line endings
/// read as spaces as it reads them: one space off each end when both have one and it is not
/// all spaces.
fn commonmark_code_content(content: &str) -> Cow<'_, str> {
    let content: Cow<'_, str> = if content.contains(['\n', '\r']) {
        Cow::Owned(content.replace("\r\n", " ").replace(['\n', '\r'], " "))
    } else {
        Cow::Borrowed(content)
    };
    let strip = content.len() >= 2
        && content.starts_with(' ')
        && content.ends_with(' ')
        && content.bytes().any(|b| b != b' ');
    match (strip, content) {
        (false, content) => content,
        (true, Cow::Borrowed(content)) => Cow::Borrowed(&content[1..content.len() - 1]),
        (true, Cow::Owned(content)) => Cow::Owned(content[1..content.len() - 1].to_owned()),
    }
}

/// A CommonMark code span whose content is `content` (not empty): fenced with one backtick
/// more than its longest run, and a space inside each end when CommonMark would otherwise
/// take one off or read a backtick at an end as part of the fence.
fn commonmark_code_span(content: &str) -> String {
    let longest = content.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = content.bytes().any(|b| b != b' ')
        && (content.starts_with('`')
            || content.ends_with('`')
            || (content.starts_with([' ', '\n']) && content.ends_with([' ', '\n'])));
    let pad = if pad { " " } else { "" };
    format!("{fence}{pad}{content}{pad}{fence}")
}

/// The index after the code span that starts at `text[i]` (a run of backticks), or after the
/// run when nothing closes it.
pub(crate) fn skip_code_span(text: &str, i: usize) -> usize {
    let ticks = text.as_bytes()[i..]
        .iter()
        .take_while(|&&b| b == b'`')
        .count();
    let fence = &text[i..i + ticks];
    match text[i + ticks..].find(fence) {
        Some(end) => i + ticks + end + ticks,
        None => i + ticks,
    }
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The runs of one or two `marker` (`*`, `$` or `<`) in `text` outside code spans, tags,
/// autolinks, link destinations and escapes (longer runs are left alone).
fn runs(text: &str, marker: u8) -> Vec<Run> {
    runs_up_to(text, marker, 2)
}

/// The runs of up to `max_len` `marker`s in `text` outside code spans, tags, autolinks, link
/// destinations and escapes (longer runs are left alone).
fn runs_up_to(text: &str, marker: u8, max_len: usize) -> Vec<Run> {
    let bytes = text.as_bytes();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if let Some(next) = skip_span(text, i) {
            i = next;
        } else if bytes[i] == marker {
            let len = bytes[i..].iter().take_while(|&&b| b == marker).count();
            if len <= max_len {
                runs.push(Run { start: i, len });
            }
            i += len;
        } else {
            i += 1;
        }
    }
    runs
}

/// Where the construct that starts at `text[i]` ends, when it is one the paragraph rules
/// read past: an escape, a code span (a literal backtick is a character), a tag or autolink
/// on one line (`<<` is no tag: kramdown writes it «), a link destination. `None` for any
/// other character.
pub(crate) fn skip_span(text: &str, i: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    Some(match bytes[i] {
        b'\\' => i + 2,
        b'`' if literal_backtick(bytes, i) => i + 1,
        b'`' => skip_code_span(text, i),
        b'<' if bytes.get(i + 1) != Some(&b'<') => match text[i..].find('>') {
            Some(end) if !text[i..i + end].contains('\n') => i + end + 1,
            _ => i + 1,
        },
        b']' if bytes.get(i + 1) == Some(&b'(') => match text[i..].find(')') {
            Some(end) => i + end + 1,
            None => i + 1,
        },
        _ => return None,
    })
}

/// The ASCII punctuation CommonMark lets a backslash escape and kramdown (GFM input) does
/// not: before these, kramdown shows the backslash (`f(x)\,dx`), CommonMark drops it.
const KEPT_BACKSLASH: &[u8] = b"%&,/;?@^";

/// Records kramdown's backslashes in one paragraph (`text`, at `offset`), outside code spans,
/// tags and link destinations: a backslash before one of [`KEPT_BACKSLASH`] is written as an
/// escaped backslash, which CommonMark shows; two at a line's end are kramdown's line break,
/// written as CommonMark's (one).
fn kept_backslashes(
    text: &str,
    offset: usize,
    replacements: &mut Vec<(usize, usize, Cow<'static, str>)>,
) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' && bytes.get(i + 1).is_some_and(|b| KEPT_BACKSLASH.contains(b)) {
            replacements.push((offset + i, 1, "\\\\".into()));
        }
        if bytes[i..].starts_with(b"\\\\\n") {
            replacements.push((offset + i, 2, "\\".into()));
            i += 2;
            continue;
        }
        i = skip_span(text, i).unwrap_or(i + 1);
    }
}

/// Whether a run of three or more backticks or tildes at `text[at]` may be a fence in a
/// block quote or a list item: only `>`, list markers and white space come before it on its
/// line. (A fence at a line's start is followed by `prepare` itself.)
fn may_be_fence(text: &str, at: usize) -> bool {
    let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    let before = text[line_start..at].trim();
    !before.is_empty()
        && before
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_whitespace() || ">-*+.)".contains(c))
}

/// Whether the backtick at `bytes[i]` is text for kramdown: a single one with white space (or
/// the paragraph's start) before it and white space after it.
pub(crate) fn literal_backtick(bytes: &[u8], i: usize) -> bool {
    bytes.get(i + 1) != Some(&b'`')
        && (i == 0 || bytes[i - 1].is_ascii_whitespace())
        && bytes.get(i + 1).is_some_and(u8::is_ascii_whitespace)
}

/// Records kramdown's strikethrough (GFM input) in one paragraph (`text`, at `offset`) where
/// CommonMark's differs: kramdown opens at `~~` before anything but white space and `~` (the
/// last two of a longer run) and closes at the next `~~` after anything but white space and
/// `~`; one `~` is text. GFM (pulldown-cmark) also strikes through `~x~`, takes no run of
/// three, and follows the flanking rules. Unless CommonMark pairs every run as kramdown does,
/// the pairs are written as `<del>` and every other `~` is escaped.
fn strikethrough(
    text: &str,
    offset: usize,
    replacements: &mut Vec<(usize, usize, Cow<'static, str>)>,
) {
    let tildes = runs_up_to(text, b'~', usize::MAX);
    if tildes
        .iter()
        .any(|run| run.len >= 3 && may_be_fence(text, run.start))
    {
        return;
    }
    let mut runs = tildes.clone();
    let mut pairs: Vec<(Run, Run)> = Vec::new();
    let mut next = 0;
    while next < runs.len() {
        let run = runs[next];
        next += 1;
        let (_, after) = neighbours(text, run);
        if run.len < 2 || after.is_none_or(char::is_whitespace) {
            continue;
        }
        let opener = Run {
            start: run.start + run.len - 2,
            len: 2,
        };
        let closer = runs[next..].iter().position(|closer| {
            let (before, _) = neighbours(text, *closer);
            closer.len >= 2 && before.is_some_and(|c| !c.is_whitespace() && c != '~')
        });
        let Some(found) = closer else {
            continue;
        };
        let at = next + found;
        let closer = runs[at];
        pairs.push((opener, Run { len: 2, ..closer }));
        // What is left of the closing run is read anew (it may open the next pair).
        next = at;
        runs[at] = Run {
            start: closer.start + 2,
            len: closer.len - 2,
        };
        if runs[at].len == 0 {
            next += 1;
        }
    }
    // CommonMark agrees when every run is two `~` and kramdown pairs them all, each pair
    // flanking as CommonMark needs.
    let commonmark_agrees = tildes.iter().all(|run| run.len == 2)
        && tildes.len() == pairs.len() * 2
        && pairs.iter().all(|&(opener, closer)| {
            commonmark_opens(text, opener) && commonmark_closes(text, closer)
        });
    if commonmark_agrees {
        return;
    }
    // The paired tildes' places, in order (pairs come in order, each opener before its
    // closer): looked up by binary search, so that a post of many pairs costs no more than
    // its length times their logarithm.
    let paired: Vec<usize> = pairs
        .iter()
        .flat_map(|(opener, closer)| {
            [
                opener.start,
                opener.start + 1,
                closer.start,
                closer.start + 1,
            ]
        })
        .collect();
    for run in tildes {
        for at in run.start..run.start + run.len {
            if paired.binary_search(&at).is_err() {
                replacements.push((offset + at, 0, "\\".into()));
            }
        }
    }
    for (opener, closer) in pairs {
        replacements.push((offset + opener.start, 2, "<del>".into()));
        replacements.push((offset + closer.start, 2, "</del>".into()));
    }
}

/// The characters on either side of a run.
fn neighbours(text: &str, run: Run) -> (Option<char>, Option<char>) {
    (
        text[..run.start].chars().next_back(),
        text[run.start + run.len..].chars().next(),
    )
}

/// Punctuation or a symbol, as CommonMark means it (Unicode categories P and S), for the
/// characters news text uses: ASCII, general and CJK punctuation, full-width forms, and the
/// symbol blocks.
fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c,
            '\u{00A1}'..='\u{00BF}'
            | '\u{2000}'..='\u{206F}'
            | '\u{2100}'..='\u{2BFF}'
            | '\u{3000}'..='\u{303F}'
            | '\u{FE30}'..='\u{FE4F}'
            | '\u{FF01}'..='\u{FF0F}'
            | '\u{FF1A}'..='\u{FF20}'
            | '\u{FF3B}'..='\u{FF40}'
            | '\u{FF5B}'..='\u{FF65}')
}

/// CommonMark's flanking rule, seen from the side a run faces (`inner`: the character after
/// an opener, before a closer) and the side it turns away from (`outer`): the inner side is
/// not white space, and when it is punctuation the outer side is white space, punctuation or
/// the paragraph's edge.
fn flanking(inner: Option<char>, outer: Option<char>) -> bool {
    match inner {
        None => false,
        Some(c) if c.is_whitespace() => false,
        Some(c) if is_punctuation(c) => {
            outer.is_none_or(|o| o.is_whitespace() || is_punctuation(o))
        }
        Some(_) => true,
    }
}

/// CommonMark's left-flanking rule for a `*` run: it can open.
fn commonmark_opens(text: &str, run: Run) -> bool {
    let (before, after) = neighbours(text, run);
    flanking(after, before)
}

/// CommonMark's right-flanking rule for a `*` run: it can close.
fn commonmark_closes(text: &str, run: Run) -> bool {
    let (before, after) = neighbours(text, run);
    flanking(before, after)
}

/// What an item of a loose list holds, for [`list_paragraphs`].
#[derive(Debug, Default)]
struct Item {
    /// The indices of its first child's start and end events, when that child is a paragraph.
    paragraph: Option<(usize, usize)>,
    /// A blank line follows that paragraph.
    blank_after: bool,
    /// Another block follows that paragraph in the item.
    more: bool,
}

/// kramdown's paragraphs in lists, applied to pulldown-cmark's events (with their source
/// ranges): CommonMark writes every item of a list with `<p>` when a blank line separates any
/// two of its items (a loose list), kramdown writes an item's first paragraph without `<p>`
/// unless a blank line follows it — and the last item's only when no item before it is
/// written so and the blank line is not the one that ends the list. Tight lists (no
/// paragraph events) are the same in both. A definition's first paragraph is a `<p>` only
/// when a blank line comes before its `:`.
pub fn list_paragraphs<'a>(
    source: &str,
    events: Vec<(Event<'a>, Range<usize>)>,
) -> Vec<(Event<'a>, Range<usize>)> {
    let loose = events.windows(2).any(|pair| {
        matches!(
            (&pair[0].0, &pair[1].0),
            (
                Event::Start(Tag::Item | Tag::DefinitionListDefinition),
                Event::Start(Tag::Paragraph)
            )
        )
    });
    if !loose {
        return events;
    }
    let mut unwrapped = vec![false; events.len()];
    let mut lists: Vec<Vec<Item>> = Vec::new();
    for (at, (event, range)) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::List(_)) => lists.push(Vec::new()),
            Event::Start(Tag::Item) => {
                if let Some(items) = lists.last_mut() {
                    items.push(Item::default());
                }
            }
            // A definition's first paragraph is a <p> when a blank line comes before its `:`
            // line.
            Event::Start(Tag::Paragraph)
                if at > 0
                    && matches!(
                        events[at - 1].0,
                        Event::Start(Tag::DefinitionListDefinition)
                    )
                    && !blank_line_before(source, events[at - 1].1.start) =>
            {
                unwrapped[at] = true;
                if let Some(end) = events[at..]
                    .iter()
                    .position(|(e, _)| matches!(e, Event::End(TagEnd::Paragraph)))
                {
                    unwrapped[at + end] = true;
                }
            }
            Event::Start(Tag::Paragraph)
                if at > 0 && matches!(events[at - 1].0, Event::Start(Tag::Item)) =>
            {
                let end = at
                    + events[at..]
                        .iter()
                        .position(|(e, _)| matches!(e, Event::End(TagEnd::Paragraph)))
                        .unwrap_or(0);
                if let Some(item) = lists.last_mut().and_then(|items| items.last_mut()) {
                    item.paragraph = Some((at, end));
                    item.blank_after = blank_line_after(source, range.end);
                    item.more = !matches!(events.get(end + 1), Some((Event::End(TagEnd::Item), _)));
                }
            }
            Event::End(TagEnd::List(_)) => {
                let Some(items) = lists.pop() else { continue };
                let mut any_unwrapped = false;
                for (k, item) in items.iter().enumerate() {
                    let Some((start, end)) = item.paragraph else {
                        any_unwrapped = true;
                        continue;
                    };
                    let unwrap = if k + 1 < items.len() {
                        !item.blank_after
                    } else {
                        !(item.blank_after && item.more) && (items.len() == 1 || any_unwrapped)
                    };
                    if unwrap {
                        unwrapped[start] = true;
                        unwrapped[end] = true;
                        any_unwrapped = true;
                    }
                }
            }
            _ => {}
        }
    }
    events
        .into_iter()
        .zip(unwrapped)
        .filter(|(_, unwrap)| !unwrap)
        .map(|(event, _)| event)
        .collect()
}

/// Whether the line before the one where `start` falls is blank (`>` marks of a block quote
/// do not count).
fn blank_line_before(source: &str, start: usize) -> bool {
    let line_start = source[..start.min(source.len())]
        .rfind('\n')
        .map_or(0, |newline| newline + 1);
    if line_start == 0 {
        return false;
    }
    let before = &source[..line_start - 1];
    let previous = &before[before.rfind('\n').map_or(0, |newline| newline + 1)..];
    previous
        .trim_matches(|c: char| c.is_whitespace() || c == '>')
        .is_empty()
}

/// Whether the line after the one where `end` falls (or the line at `end`, when it starts a
/// line) is blank; `>` marks of a block quote do not count.
fn blank_line_after(source: &str, end: usize) -> bool {
    let mut rest = &source[end.min(source.len())..];
    if end > 0 && !source[..end].ends_with('\n') {
        match rest.find('\n') {
            Some(newline) => rest = &rest[newline + 1..],
            None => return false,
        }
    }
    let line = rest.split('\n').next().unwrap_or("");
    !rest.is_empty()
        && line
            .trim_matches(|c: char| c.is_whitespace() || c == '>')
            .is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Markdown post's HTML as Gazette renders it, its white space collapsed.
    fn flat_html(markdown: &str) -> String {
        let rendered = crate::markdown::render(markdown, &Default::default()).html;
        rendered.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn pairs_commonmark_misses_become_html() {
        assert_eq!(
            prepare("**免责声明：**我之前"),
            "<strong>免责声明：</strong>我之前"
        );
        assert_eq!(prepare("*注意：*这是"), "<em>注意：</em>这是");
        assert_eq!(
            prepare("**“引号”**中文，以及**粗体。**后面。"),
            "<strong>“引号”</strong>中文，以及<strong>粗体。</strong>后面。"
        );
        assert_eq!(prepare("**Note:**text"), "<strong>Note:</strong>text");
    }

    #[test]
    fn what_commonmark_takes_and_what_kramdown_leaves_are_unchanged() {
        for text in [
            "这是**加粗**的文字",
            "Mixed **bold *and italic* inside**",
            "`code **not：**here`",
            "\\*escaped\\*",
            "**未闭合的粗体",
            "2 * 3 = 6",
            "```\n**代码：**块\n```\n",
            "    **缩进：**代码\n",
            "<div>**HTML：**块</div>\n",
            "[link](https://example.org/**a：**b)",
            "no stars at all",
            "`$$x$$` in code",
            "US$ 5 and $$ alone",
        ] {
            assert_eq!(prepare(text), text, "{text}");
            assert!(matches!(prepare(text), Cow::Borrowed(_)), "{text}");
        }
    }

    #[test]
    fn math_is_written_as_kramdown_writes_it() {
        assert_eq!(
            prepare("The formula $$a^2 + b^2 = c^2$$ inline."),
            "The formula \\\\(a\\^2 \\+ b\\^2 \\= c\\^2\\\\) inline."
        );
        assert_eq!(
            prepare("$$\nE = mc^2 < 3\n$$\n"),
            "<div class=\"math\">\\[E = mc^2 &lt; 3\\]</div>\n"
        );
    }

    #[test]
    fn link_destinations_with_spaces_are_links() {
        assert_eq!(
            prepare("[链接]({post_url 2023-11-26-x})，后文"),
            "[链接](<{post_url 2023-11-26-x}>)，后文"
        );
        assert_eq!(
            prepare("[b](http://x.org/a b \"title\") and [c](d e f)"),
            "[b](<http://x.org/a b> \"title\") and [c](<d e f>)"
        );
        assert_eq!(prepare("[m](n(o p)q)"), "[m](<n(o p)q>)");
        for text in [
            "[e](<f g>) [h](i \"t\") `[j](k l)`",
            "no link ](a b) here",
            "[a](b\nc d)",
        ] {
            assert_eq!(prepare(text), text, "{text}");
        }
    }

    #[test]
    fn lines_read_as_kramdown_reads_them() {
        assert_eq!(prepare("* a\n^\n* b\n"), "* a\n<!-- -->\n* b\n");
        assert_eq!(
            prepare("Christmas of\n2007. This release\n"),
            "Christmas of\n\n2007. This release\n"
        );
        assert_eq!(prepare("2) and 3) are\n"), "2\\) and 3) are\n");
        assert_eq!(
            prepare("效果：\n:camel: :blush:\n"),
            "效果：\n\\:camel: :blush:\n"
        );
        // A lazy line goes into the item as kramdown takes it (indented: the same for
        // CommonMark after a paragraph line, and after a heading too).
        assert_eq!(
            prepare("1. a\n2. b\nfoo\n3. c\n"),
            "1. a\n2. b\n   foo\n3. c\n"
        );
        assert_eq!(
            prepare("- #### 上海\n今天\n\tmore\n\nafter\n"),
            "- #### 上海\n  今天\n\tmore\n\nafter\n"
        );
        assert_eq!(prepare("###\n\n# \n## x\n"), "\\###\n\n\\# \n## x\n");
        for text in [
            "(Explain this:)\n1. one\n2. two\n",
            "para\n1. one\n",
            "Term\n: definition\n",
            "```\n2) code\n^\n```\n",
            "<div>\n:x\n</div>\n",
            "版本 2.0 发布\n3.5 亿元\n",
        ] {
            assert_eq!(prepare(text), text, "{text}");
        }
    }

    #[test]
    fn code_spans_close_and_keep_spaces_as_kramdown_does() {
        // One backtick keeps its span's spaces; CommonMark would take one off each end.
        assert_eq!(prepare("，` <C-x> `的"), "，`  <C-x>  `的");
        // Two or more lose one space at each end that has one; CommonMark only at both.
        assert_eq!(prepare("d `` e`` f"), "d `e` f");
        assert_eq!(prepare("d ``e `` f"), "d `e` f");
        // A span closes at the first run of as many backticks, inside a longer one too.
        assert_eq!(prepare("a `x``y` b"), "a `x`<!-- -->`y` b");
        assert_eq!(prepare("d ``e ``` f"), "d `e`<!-- -->` f");
        // What CommonMark reads the same is left alone.
        for text in ["`x` y", "`` a ` b ``", "``x`` `y`", "`a\nb`"] {
            assert_eq!(prepare(text), text, "{text}");
        }
    }

    #[test]
    fn indented_code_takes_lazy_lines() {
        // kramdown's indented code block takes the lines right after it, joined with a space.
        assert_eq!(
            prepare("para\n\n    code 1\nlazy *line*\n    code 2\n\nafter\n"),
            "para\n\n    code 1 lazy *line*\n    code 2\n\nafter\n"
        );
        assert_eq!(
            prepare("    code\r\n# no heading\r\n"),
            "    code # no heading\r\n"
        );
        // Not after a blank line, not an HTML block's tag, not in a list: left alone.
        for text in [
            "    code\n\nafter\n",
            "para\n    more\nlast\n",
            "    code\n<div>\n",
        ] {
            assert_eq!(prepare(text), text, "{text}");
        }
    }

    #[test]
    fn html_in_a_paragraph_as_kramdown_reads_it() {
        // An element kramdown does not read Markdown in (any but its span elements) holds
        // text, up to its end tag or the paragraph's end.
        assert_eq!(
            prepare("a List<T> *b* `c`\nline *x*\n\nnext *p*\n"),
            "a List<T> \\*b\\* \\`c\\`\nline \\*x\\*\n\nnext *p*\n"
        );
        assert_eq!(
            prepare("x <u>*y*</u> *z* <kbd>'k'</kbd>"),
            "x <u>\\*y\\*</u> *z* <kbd>\\'k\\'</kbd>"
        );
        // A list item starts afresh.
        assert_eq!(
            prepare("* a <RET> *b*\n* c *d*\n"),
            "* a <RET> \\*b\\*\n* c *d*\n"
        );
        // A stray end tag, and a block's tag, are text.
        assert_eq!(prepare("x</span>y"), "x\\</span>y");
        assert_eq!(prepare("a <div>b</div> c"), "a \\<div>b\\</div> c");
        // Span elements, void ones and comments are HTML with Markdown around and inside.
        for text in [
            "x <span>*a*</span> <b>open *b*",
            "a<br>*b* <img src=\"x\"> `c`",
            "<!-- <T> --> *a*",
            "`<T>` *a*",
            "a <http://a.example/> *b*",
        ] {
            assert_eq!(prepare(text), text, "{text}");
        }
    }

    #[test]
    fn backslashes_kramdown_keeps() {
        // kramdown escapes fewer characters than CommonMark: it shows `\,` as it is.
        assert_eq!(prepare("f(x)\\,dx and 50\\%"), "f(x)\\\\,dx and 50\\\\%");
        for text in ["a\\*b\\* \\\\, `\\,`", "<a title=\"\\,\">x</a>"] {
            assert_eq!(prepare(text), text, "{text}");
        }
        // Two at a line's end are a line break (Jekyll 4.3 writes `<br />`), as one is.
        assert_eq!(prepare("one\\\\\ntwo\\\\"), "one\\\ntwo\\\\");
    }

    /// Checked with Jekyll 4.3.1 (Debian): kramdown's paragraph goes on over a comment's line
    /// (`<!--more-->` in the middle of one); a comment between blank lines is a block.
    #[test]
    fn a_comments_line_inside_a_paragraph_is_the_paragraphs() {
        assert_eq!(
            prepare("one\n<!--more-->\ntwo\n\n<!-- x -->\n\nthree"),
            "one <!--more-->\ntwo\n\n<!-- x -->\n\nthree"
        );
    }

    #[test]
    fn strikethrough_as_kramdown_reads_it() {
        // One `~` is text (GFM strikes `~x~` through).
        assert_eq!(prepare("a ~x~ b\n"), "a \\~x\\~ b\n");
        // A longer run opens with its last two and closes with its first two.
        assert_eq!(prepare("~~~z~~~"), "\\~<del>z</del>\\~");
        assert_eq!(prepare("~~a~~~~b~~"), "<del>a</del><del>b</del>");
        // No white space inside the ends: `~~ w~~` is text, `~~v ~~ f~~` one pair.
        assert_eq!(prepare("~~ w~~"), "\\~\\~ w\\~\\~");
        assert_eq!(prepare("~~v ~~ f~~u"), "<del>v \\~\\~ f</del>u");
        // Pairs CommonMark reads the same, and tildes in code, are left alone.
        for text in ["~~a~~ b ~~c d~~", "`~x~`", "1\\~2", "～"] {
            assert_eq!(prepare(text), text, "{text}");
        }
    }

    #[test]
    fn code_spans_fences_and_html_blocks_as_kramdown_reads_them() {
        // A lone backtick between white space is text; others open code spans.
        // (The span that follows, ` b `, keeps its spaces: written with one more at each end.)
        assert_eq!(prepare("a `  1 ↦ 1` b `c`\n"), "a \\`  1 ↦ 1`  b  `c`\n");
        assert_eq!(prepare("` x` y"), "\\` x` y");
        assert_eq!(prepare("`a` and ` b`\n"), "`a` and \\` b`\n");
        assert_eq!(prepare("\\` x ` y"), "\\` x \\` y");
        for text in ["`x` y", "``a ` b``"] {
            assert_eq!(prepare(text), text, "{text}");
        }
        // A fence without its closing fence is text.
        assert_eq!(prepare("```coq\nx\n``\n"), "\\`\\`\\`coq\nx\n``\n");
        assert_eq!(prepare("~~~\nx\n~~~~\n"), "~~~\nx\n~~~~\n");
        // A link destination's backslashes stay.
        assert_eq!(
            prepare("[m](http://w/M_(d\\))"),
            "[m](<http://w/M_(d\\\\)>)"
        );
        // A block element's HTML runs to its end tag, blank lines and all (as comments).
        assert_eq!(
            prepare("<div>\n  <p>a</p>\n\n    <p>b</p>\n</div>\n\n*x*\n"),
            "<div>\n  <p>a</p>\n<!-- -->\n    <p>b</p>\n</div>\n\n*x*\n"
        );
        for text in [
            "<div>\n<p>a</p>\n</div>\n\npara\n",
            "<p>a</p>\n\n<p>b</p>\n",
            "<div markdown=\"1\">\n\n*a*\n\n</div>\n",
        ] {
            assert_eq!(prepare(text), text, "{text}");
        }
        // (The stray end tag after the blank line is text, as kramdown reads it.)
        assert_eq!(prepare("<span>a\n\nb</span>\n"), "<span>a\n\nb\\</span>\n");
    }

    #[test]
    fn a_lone_inline_tag_starts_a_markdown_paragraph() {
        assert_eq!(prepare("<br>\n**b** c\n"), "<br><!-- -->\n**b** c\n");
        assert_eq!(
            prepare("x\n\n</span>\n*y*\n"),
            "x\n\n\\</span><!-- -->\n*y*\n"
        );
        for text in [
            "<br>\n\nz\n",
            "<div>\na\n</div>\n",
            "<br> <b>\nc\n",
            "p\n<br>\nq\n",
        ] {
            assert_eq!(prepare(text), text, "{text}");
        }
    }

    #[test]
    fn blocks_of_pipes_are_tables_as_in_kramdown() {
        // No header: an empty one for GFM (its cells dropped after parsing).
        assert_eq!(
            prepare("a | b\nc | d\n\ne\n"),
            "|  |  |\n|---|---|\n| a | b |\n| c | d |\n\ne\n"
        );
        // A header and rows of other widths: every row as wide as the widest.
        assert_eq!(
            prepare("q | r\n:--|--:|---\ns | t | u\n"),
            "| q | r |  |\n|:--|--:|---|\n| s | t | u |\n"
        );
        // A pipe in a code span is escaped for GFM; an escaped one stays.
        assert_eq!(
            prepare("`x|y` | b\\|c\n"),
            "|  |  |\n|---|---|\n| `x\\|y` | b\\|c |\n"
        );
        // So in a table GFM would read the same but for its code spans (kramdown 2.4:
        // `<code>ls | wc -l</code>`, `<code>a \| b</code>`).
        assert_eq!(
            prepare("| C | M |\n|---|---|\n| `ls | wc -l` | n |\n| `a \\| b` | o |\n"),
            "| C | M |\n|---|---|\n| `ls \\| wc -l` | n |\n| `a \\\\| b` | o |\n"
        );
        for text in [
            "| a | b |\n|---|---|\n| c | d |\n",
            "h | i\nj\n",
            "k\nl | m\n",
            "w `x|y` z\n",
            "- a | b\n",
            "# h | i\n",
        ] {
            assert_eq!(prepare(text), text, "{text}");
        }
    }

    /// As kramdown 2.4 (Jekyll 4.3.1) reads them: a list whose items change their marker is
    /// one list.
    #[test]
    fn a_list_keeps_its_items_whatever_their_markers() {
        assert_eq!(
            flat_html("- eggs\n- milk\n* bread\n+ jam\n"),
            "<ul> <li>eggs</li> <li>milk</li> <li>bread</li> <li>jam</li> </ul>"
        );
        assert_eq!(
            flat_html("- a\n  * b\n  + c\n- d\n"),
            "<ul> <li>a <ul> <li>b</li> <li>c</li> </ul> </li> <li>d</li> </ul>"
        );
        // A rule, a paragraph after a blank line, and code end it or are left alone.
        for text in [
            "- a\n\n* * *\n\n* b\n",
            "- a\n\npara\n\n* b\n",
            "```\n- a\n* b\n```\n",
        ] {
            assert_eq!(one_bullet_per_list(text), text, "{text:?}");
        }
    }

    /// As kramdown 2.4 (Jekyll 4.3.1) nests them: a bulleted list under a numbered item,
    /// indented less than the item's text, unless a blank line comes before it.
    #[test]
    fn bullets_under_a_numbered_item_are_nested_in_it() {
        for (markdown, expected) in [
            (
                "1. Install\n  - Ruby\n  - Bundler\n2. Build\n",
                "<ol> <li>Install <ul> <li>Ruby</li> <li>Bundler</li> </ul> </li> <li>Build</li> </ol>",
            ),
            (
                "1. a\n2. b\n  * c\n3. d\n",
                "<ol> <li>a</li> <li>b <ul> <li>c</li> </ul> </li> <li>d</li> </ol>",
            ),
            (
                "10. ten\n   - x\n11. eleven\n",
                "<ol> <li>ten <ul> <li>x</li> </ul> </li> <li>eleven</li> </ol>",
            ),
            ("1. a\n\n  - b\n", "<ol> <li>a</li> </ol> <ul> <li>b</li> </ul>"),
            (
                "1. a\n  - b\n\ntext\n",
                "<ol> <li>a <ul> <li>b</li> </ul> </li> </ol> <p>text</p>",
            ),
            (
                "1. a\n  - b\n    more\n",
                "<ol> <li>a <ul> <li>b more</li> </ul> </li> </ol>",
            ),
        ] {
            assert_eq!(flat_html(markdown), expected, "{markdown:?}");
        }
        // Code keeps its lines.
        let code = "```\n1. a\n  - b\n```\n";
        assert_eq!(prepare(code), code);
    }

    /// Where kramdown 2.4 (Jekyll 4.3.1) reads text and GFM a table: a line of text before
    /// the header, or a header without rows.
    #[test]
    fn pipes_kramdown_reads_as_text_stay_text() {
        for (markdown, expected) in [
            (
                "| Name | Age |\n|------|-----|\n",
                "<p>| Name | Age | |——|—–|</p>",
            ),
            (
                "Results:\n| a | b |\n|---|---|\n| 1 | 2 |\nDone.\n",
                "<p>Results: | a | b | |—|—| | 1 | 2 | Done.</p>",
            ),
            ("Name | Age\n---|---\n", "<p>Name | Age —|—</p>"),
        ] {
            assert_eq!(flat_html(markdown), expected, "{markdown:?}");
        }
        // A table with rows is one; a delimiter row in its body is no row.
        assert!(flat_html("| a | b |\n|---|---|\n| 1 | 2 |\n").starts_with("<table>"));
        assert_eq!(
            flat_html("| a | b |\n|---|---|\n| 1 | 2 |\n|---|---|\n| 3 | 4 |\n"),
            "<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody> <tr><td>1</td><td>2</td></tr> <tr><td>3</td><td>4</td></tr> </tbody></table>"
        );
    }

    /// kramdown 2.4 (Jekyll 4.3.1): `***` and `___` right under a paragraph's line are its
    /// text; `* * *`, or one after a blank line, is a rule; `---` makes a heading.
    #[test]
    fn a_run_of_stars_under_text_is_text() {
        for (markdown, expected) in [
            ("P\n***\nA\n", "<p>P *** A</p>"),
            ("P\n___\nA\n", "<p>P ___ A</p>"),
            ("P\n* * *\nA\n", "<p>P</p> <hr> <p>A</p>"),
            ("P\n\n***\nA\n", "<p>P</p> <hr> <p>A</p>"),
            ("```\nP\n***\n```\n", "<pre><code>P *** </code></pre>"),
        ] {
            assert_eq!(flat_html(markdown), expected, "{markdown:?}");
        }
    }

    /// kramdown 2.4 (Jekyll 4.3.1): `<p markdown="1">P with *md*</p>` is `<p>P with
    /// <em>md</em></p>`.
    #[test]
    fn a_paragraph_that_asks_for_markdown_is_one() {
        assert_eq!(
            flat_html("Before.\n\n<p markdown=\"1\">P with *md*</p>\n\nAfter.\n"),
            "<p>Before.</p> <p>P with <em>md</em></p> <p>After.</p>"
        );
        let raw = "<p class=\"x\">P with *md*</p>\n";
        assert_eq!(markdown_paragraphs(raw), raw);
        // Many tags that never close are read once.
        let many = "<p markdown=\"1\">x\n".repeat(200_000);
        assert_eq!(markdown_paragraphs(&many), many);
    }

    /// kramdown 2.4 (Jekyll 4.3.1) counts the ids of headings in elements that hold
    /// Markdown apart from those at the top.
    #[test]
    fn headings_in_markdown_elements_count_their_ids_apart() {
        let ids = |markdown: &str| {
            let html = flat_html(markdown);
            html.match_indices("id=\"")
                .map(|(at, _)| {
                    let rest = &html[at + 4..];
                    rest[..rest.find('"').unwrap()].to_string()
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            ids("## H\n\n<div markdown=\"1\">\n## H\n\n## H\n</div>\n\n## H\n\n<div markdown=\"1\">\n## H\n</div>\n"),
            ["gz-h", "gz-h", "gz-h-1", "gz-h-1", "gz-h-2"]
        );
        assert_eq!(
            ids("<div markdown=\"1\">\n<div markdown=\"1\">\n## H\n</div>\n\n## H\n</div>\n\n## H\n"),
            ["gz-h", "gz-h-1", "gz-h"]
        );
    }

    /// kramdown 2.4 (Jekyll 4.3.1): a block quote takes the lines after it up to a blank
    /// line, with or without `>`, but for an HTML tag's line (other than a span element's)
    /// and `^`.
    #[test]
    fn a_quote_takes_its_lines_to_a_blank_line() {
        for (markdown, expected) in [
            (
                "> ```\n> code\n> ```\nlazy *x*\n",
                "<blockquote> <pre><code>code </code></pre> <p>lazy <em>x</em></p> </blockquote>",
            ),
            (
                "> quote\n# heading\n\nafter\n",
                "<blockquote> <p>quote</p> <h1 id=\"gz-heading\">heading</h1> </blockquote> <p>after</p>",
            ),
            (
                "> quote\n- item\n",
                "<blockquote> <p>quote</p> <ul> <li>item</li> </ul> </blockquote>",
            ),
            ("> q\n---\n", "<blockquote> <h2 id=\"gz-q\">q</h2> </blockquote>"),
            (
                "> q\n```\ncode\n```\n",
                "<blockquote> <p>q</p> <pre><code>code </code></pre> </blockquote>",
            ),
            (
                "> q\n<span>x</span>\n",
                "<blockquote> <p>q <span>x</span></p> </blockquote>",
            ),
            ("> q\n^\nz\n", "<blockquote> <p>q</p> </blockquote> <p>z</p>"),
            (
                "> q\n<div>x</div>\n",
                "<blockquote> <p>q</p> </blockquote> <div>x</div>",
            ),
            (
                "- a\n\n  > q\n  lazy\n- b\n",
                "<ul> <li> <p>a</p> <blockquote> <p>q lazy</p> </blockquote> </li> <li> <p>b</p> </li> </ul>",
            ),
            (
                "<pre>\n> a\n\nb\n</pre>\n",
                "<pre>&gt; a b </pre>",
            ),
            (
                "```\n> a\nb\n```\n",
                "<pre><code>&gt; a b </code></pre>",
            ),
            // An indented code block takes the lines after it, a quote's too.
            (
                "    code\n> not a quote\nlazy\n",
                "<pre><code>code &gt; not a quote lazy </code></pre>",
            ),
        ] {
            assert_eq!(flat_html(markdown), expected, "{markdown:?}");
        }
    }

    /// kramdown 2.4 (Jekyll 4.3.1): an element that says `markdown="span"` holds one run of
    /// text, with its emphasis, links, code and typography, and no blocks.
    #[test]
    fn an_element_that_asks_for_span_markdown_holds_text() {
        for (markdown, expected) in [
            (
                "<div markdown=\"span\">*hi* and **bold**\nsecond line</div>\n",
                "<div> <em>hi</em> and <strong>bold</strong> second line</div>",
            ),
            (
                "<div markdown=\"span\">\n*hi*\n\n# not a heading\n- not a list\n1. nor this\n</div>\n",
                "<div> <em>hi</em> # not a heading - not a list 1. nor this</div>",
            ),
            (
                "Before\n\n<div class=\"x\" markdown='span'>a *b*\n    indented\n> quote\n</div>\nafter *x*\n",
                "<p>Before</p> <div> a <em>b</em> indented &gt; quote</div> <p>after <em>x</em></p>",
            ),
            (
                "<section markdown=\"span\">\n`code` [link](http://a.b) <span>s</span>\n---\n</section>\n",
                "<div> <code>code</code> <a rel=\"noopener noreferrer\" target=\"_blank\" href=\"http://a.b\">link</a> <span>s</span> \u{2014}</div>",
            ),
            (
                "<div markdown=\"span\">\na\n--\nb\n---- \nc\n-----\n- - -\n>> x\n2) z\n```\n~~~\n___\n===\n+ p\n</div>\n",
                "<div> a \u{2013} b \u{2014}- c \u{2014}\u{2013} - - - \u{bb} x 2) z ``` ~~~ ___ === + p</div>",
            ),
        ] {
            assert_eq!(flat_html(markdown), expected, "{markdown:?}");
        }
    }

    /// kramdown 2.4 (Jekyll 4.3.1) reads Markdown in an element that asks for it inside one
    /// that does not (a grid's row and its columns).
    #[test]
    fn markdown_in_an_element_inside_raw_html() {
        let html = crate::markdown::render(
            "<div class=\"row\">\n<div class=\"col\" markdown=\"1\">\n**Left** column\n\n- a\n</div>\n</div>\n",
            &Default::default(),
        )
        .html;
        let flat = html.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(
            flat,
            "<div> <div> <p><strong>Left</strong> column</p> <ul> <li>a</li> </ul> </div> </div>"
        );
    }

    #[test]
    fn double_angle_brackets_are_guillemets_not_tags() {
        assert_eq!(
            prepare("A line with <<angle quotes>> in it."),
            "A line with «angle quotes>> in it."
        );
        assert_eq!(
            prepare("`<<code>>` and <b>tag</b>"),
            "`<<code>>` and <b>tag</b>"
        );
        // At a paragraph's start, and each pair of a line (kramdown 2.4: «Bonjour» dit-il.
        // Say «hi», then «bye» now.); the second `<` of a pair opens no element.
        for (text, html) in [
            ("<<Bonjour>> dit-il.\n", "<p>«Bonjour» dit-il.</p>\n"),
            (
                "Say <<hi>>, then <<bye>> now.\n",
                "<p>Say «hi», then «bye» now.</p>\n",
            ),
            (
                "a <<b c>> d <<e f>> g <<h>> i\n",
                "<p>a «b c» d «e f» g «h» i</p>\n",
            ),
        ] {
            assert_eq!(
                crate::markdown::render(text, &Default::default()).html,
                html
            );
        }
    }
}

#[cfg(test)]
mod random_tests {

    /// The line tests of `prepare` as they were, one pass each, before [`super::lines_may_matter`]
    /// made them one: kept to check that the one pass says what the three said.
    mod reference {
        use super::super::*;
        /// Whether some line starts (after spaces) with `^`, `:`, or digits and `.` or `)`: the cheap
        /// test for the line rewrites of [`prepare`].
        pub fn may_rewrite_lines(markdown: &str) -> bool {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', markdown.as_bytes()).map(|at| at + 1))
                .any(|at| {
                    let line = markdown[at..].trim_start_matches(' ');
                    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
                    let first_line = line.split('\n').next().unwrap_or("");
                    line.starts_with(['^', ':'])
                        || (digits > 0 && line[digits..].starts_with(['.', ')']))
                        || (line.starts_with(['-', '+']) && line[1..].starts_with([' ', '\t']))
                        || is_hashes(first_line)
                        || lone_span_tag(first_line)
                })
        }

        /// Whether some line starts with a block element's tag whose element (as kramdown reads it,
        /// see [`html_block_end`]) holds a blank line or is followed by a line of Markdown (see
        /// [`markdown_after_html_block`]): the cheap test for those rewrites of [`prepare`].
        pub fn html_block_needs_rewrite(markdown: &str) -> bool {
            let mut at = 0;
            while at < markdown.len() {
                let line_end = markdown[at..]
                    .find('\n')
                    .map_or(markdown.len(), |nl| at + nl + 1);
                let indent = markdown[at..line_end].len()
                    - markdown[at..line_end].trim_start_matches(' ').len();
                if indent < 4 && markdown.as_bytes().get(at + indent) == Some(&b'<') {
                    if let Some(block) = html_block_end(markdown, at + indent) {
                        if super::super::html_block_needs_rewrite(markdown, line_end, block) {
                            return true;
                        }
                        at = block.0.max(line_end);
                        continue;
                    }
                }
                at = line_end;
            }
            false
        }

        /// Whether an indented code line after a blank one is followed by a line indented less (no
        /// blank line between): the cheap test for kramdown's lazy code lines in [`prepare`].
        pub fn may_have_lazy_code(markdown: &str) -> bool {
            let indented = |line: &str| line.starts_with("    ") || line.starts_with('\t');
            let mut lines = markdown.lines();
            let mut before_blank = true;
            while let Some(line) = lines.next() {
                let blank = line.trim().is_empty();
                if before_blank && !blank && indented(line) {
                    // The code block's lines, then the first that is not one.
                    for next in lines.by_ref() {
                        if next.trim().is_empty() {
                            break;
                        }
                        if !indented(next) {
                            return true;
                        }
                    }
                    before_blank = true;
                    continue;
                }
                before_blank = blank;
            }
            false
        }
    }

    /// The one pass over the lines says what the three passes it replaced said.
    #[test]
    fn the_line_tests_in_one_pass_agree_with_the_three() {
        const PIECES: &[&str] = &[
            "a",
            " ",
            "    ",
            "\n",
            "\n\n",
            "\t",
            "- ",
            "+ ",
            "-",
            "1. ",
            "2) ",
            "#",
            "## ",
            "^",
            ": ",
            ":x",
            "<div>",
            "</div>",
            "<p>",
            "</p>",
            "<br>",
            "<span>",
            "</span>",
            "<DIV>",
            "<!-- c -->",
            "\r\n",
            "上海",
            "<",
            ">",
            "<div markdown=\"1\">",
            "<hr/>",
        ];
        let mut random = gazette_archive::random_pieces::RandomPieces::from_env(
            "KRAMDOWN_FUZZ",
            0x9E37_79B9_7F4A_7C15,
            20_000,
            24,
        );
        for _ in 0..random.iterations {
            let markdown = random.input(|random| PIECES[random.below(PIECES.len())]);
            let three = reference::may_rewrite_lines(&markdown)
                || reference::html_block_needs_rewrite(&markdown)
                || reference::may_have_lazy_code(&markdown);
            assert_eq!(
                super::lines_may_matter(&markdown),
                three,
                "for {markdown:?}"
            );
        }
    }
    /// Random Markdown from pieces that exercise every rewrite of `prepare` (and where they
    /// meet): it must not panic, and the plain-Markdown fast path must agree with the full one.
    #[test]
    fn random_markdown_renders() {
        const PIECES: &[&str] = &[
            "a",
            " ",
            "  ",
            "\n",
            "\n\n",
            "\t",
            "- ",
            "* ",
            "+ ",
            "1. ",
            "2. ",
            "3) ",
            "#",
            "### ",
            "> ",
            "`",
            "``",
            "```",
            "~~~",
            "~",
            "~~",
            "\\~",
            "|",
            "\\|",
            "\\",
            "*",
            "**",
            "_",
            "$$",
            "<<",
            ">>",
            "[a](",
            "](b c)",
            ")",
            "(",
            "[x]",
            "<div>",
            "</div>",
            "<p>",
            "</p>",
            "<br>",
            "<!-- c -->",
            "<span>",
            "</span>",
            "{: .c}",
            "^",
            ": ",
            ":x",
            "---",
            "|---|",
            "上海",
            "“",
            "'",
            "\"",
            "<div markdown=\"1\">",
            "http://a/b\\_c",
            // Lines that start with a tag or a character of several bytes, after a line.
            "\n<div class=\"c\">",
            "\n<blockquote>",
            "\n<SPAN>",
            "\n<video src=\"v\">",
            "\n上海",
        ];
        // `KRAMDOWN_FUZZ=iterations,max_len[,seed]` runs more, longer or other markups.
        let mut random = gazette_archive::random_pieces::RandomPieces::from_env(
            "KRAMDOWN_FUZZ",
            0x2545_F491_4F6C_DD1D,
            3_000,
            24,
        );
        for _ in 0..random.iterations {
            let markdown = random.input(|random| PIECES[random.below(PIECES.len())]);
            let result = std::panic::catch_unwind(|| crate::fuzz_checks::render_any(&markdown));
            assert!(result.is_ok(), "for {markdown:?}");
        }
    }
}
