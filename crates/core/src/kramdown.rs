//! kramdown's syntax where CommonMark's differs, as a pass over the Markdown source before
//! pulldown-cmark reads it: emphasis next to punctuation, and `$$` math.
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

use std::borrow::Cow;

/// A run of one or two delimiters (`*`, `$`, `<`) in a paragraph: its byte range.
#[derive(Debug, Clone, Copy)]
struct Run {
    start: usize,
    len: usize,
}

/// `markdown` with the emphasis pairs CommonMark would miss written as HTML, `<<` as «, and
/// `$$` math written as kramdown writes it.
pub fn prepare(markdown: &str) -> Cow<'_, str> {
    if !markdown.contains('*') && !markdown.contains("$$") && !markdown.contains("<<") {
        return Cow::Borrowed(markdown);
    }
    let mut replacements: Vec<(usize, usize, Cow<'static, str>)> = Vec::new();
    let mut fence: Option<&str> = None;
    let mut paragraph: Vec<(usize, &str)> = Vec::new();
    let mut offset = 0;
    for line in markdown.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        if let Some(marker) = fence {
            if indent < 4 && trimmed.starts_with(marker) {
                fence = None;
            }
            continue;
        }
        if indent < 4 && (trimmed.starts_with("```") || trimmed.starts_with("~~~")) {
            pair_paragraph(markdown, &paragraph, &mut replacements);
            paragraph.clear();
            fence = Some(&trimmed[..3]);
            continue;
        }
        if trimmed.trim().is_empty() || indent >= 4 || line.starts_with('\t') {
            pair_paragraph(markdown, &paragraph, &mut replacements);
            paragraph.clear();
            continue;
        }
        if paragraph.is_empty() && trimmed.starts_with('<') {
            // An HTML block, up to the next blank line: raw HTML, not Markdown.
            paragraph.push((start, ""));
            continue;
        }
        paragraph.push((start, line));
    }
    pair_paragraph(markdown, &paragraph, &mut replacements);
    if replacements.is_empty() {
        return Cow::Borrowed(markdown);
    }
    replacements.sort_by_key(|r| r.0);
    let mut out = String::with_capacity(markdown.len() + replacements.len() * 8);
    let mut at = 0;
    for (start, len, html) in replacements {
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
    if math(text, first, replacements) {
        return;
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
    if !text.contains("$$") {
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

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The runs of one or two `marker` (`*`, `$` or `<`) in `text` outside code spans, tags,
/// autolinks, link destinations and escapes (longer runs are left alone).
fn runs(text: &str, marker: u8) -> Vec<Run> {
    let bytes = text.as_bytes();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'`' => {
                let ticks = bytes[i..].iter().take_while(|&&b| b == b'`').count();
                let fence = &text[i..i + ticks];
                match text[i + ticks..].find(fence) {
                    Some(end) => i += ticks + end + ticks,
                    None => i += ticks,
                }
            }
            // `<<` is not a tag: kramdown writes it «.
            b'<' if bytes.get(i + 1) != Some(&b'<') => match text[i..].find('>') {
                Some(end) if !text[i..i + end].contains('\n') => i += end + 1,
                _ => i += 1,
            },
            b']' if bytes.get(i + 1) == Some(&b'(') => match text[i..].find(')') {
                Some(end) => i += end + 1,
                None => i += 1,
            },
            b if b == marker => {
                let len = bytes[i..].iter().take_while(|&&b| b == marker).count();
                if len <= 2 {
                    runs.push(Run { start: i, len });
                }
                i += len;
            }
            _ => i += 1,
        }
    }
    runs
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn double_angle_brackets_are_guillemets_not_tags() {
        assert_eq!(
            prepare("A line with <<angle quotes>> in it."),
            "A line with «angle quotes>> in it."
        );
        assert_eq!(
            prepare("`<<code>>` and <b>tag</b>"),
            "`<<code>>` and <b>tag</b>"
        );
    }
}
