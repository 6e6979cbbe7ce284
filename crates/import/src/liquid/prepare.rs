//! The pass over a body before the engine parses it: `{% post_url %}` and `{% link %}` become
//! the in-archive links they stand for, every `{{ … }}` becomes `{% echo … %}` (the engine's
//! own output writes values as Rust does, `3` for `3.0` and a hash's keys in no fixed order;
//! `echo` writes them as Ruby does), and every piece of markup is noted with its line (for
//! warnings, and for [`super::recover`]). It also refuses, before anything runs, what would
//! cost too much: blocks nested too deep and literal `for` ranges too long.

use std::borrow::Cow;

use super::limits;
use super::post_link;

/// What `{% link %}` needs to point outside the archive.
#[derive(Debug, Clone, Default)]
pub(super) struct Links<'a> {
    pub url: String,
    pub baseurl: String,
    /// The site's posts, when known.
    pub posts: Option<&'a super::PostIds>,
}

/// `{{ … }}` or `{% … %}` as found in the prepared text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Markup {
    /// Byte range in the prepared text.
    pub start: usize,
    pub end: usize,
    pub is_tag: bool,
    /// The tag's name (`if`, `include`); empty for an output.
    pub name: String,
    /// 0-based line.
    pub line: usize,
    /// An output's `{{ … }}` as written (the prepared text holds it as an `echo` tag).
    pub written: Option<Box<str>>,
}

#[derive(Debug, Clone)]
pub(super) struct Prepared {
    pub text: String,
    pub markups: Vec<Markup>,
    /// Why the body must not run at all: `(line, message)`.
    pub refusal: Option<(usize, String)>,
    /// `post_url` and `link` tags naming no post of the site: `(line, message)`, warnings.
    pub dead_links: Vec<(usize, String)>,
}

impl Prepared {
    /// The markup as the engine reads it.
    pub fn source(&self, markup: &Markup) -> &str {
        &self.text[markup.start..markup.end]
    }

    /// The markup as the body has it (what a warning quotes and text shows).
    pub fn written<'m>(&'m self, markup: &'m Markup) -> &'m str {
        markup
            .written
            .as_deref()
            .unwrap_or_else(|| self.source(markup))
    }

    /// The line of the first markup whose inside is `needle` (0 when none is).
    pub fn line_of_markup(&self, needle: &str) -> usize {
        let squeeze = |text: &str| text.split_whitespace().collect::<String>();
        let needle = squeeze(needle);
        self.markups
            .iter()
            .find(|m| squeeze(inner(self.written(m))) == needle)
            .map_or(0, |m| m.line)
    }

    /// The line an engine error points at: the first markup its message quotes.
    pub fn line_of_error(&self, error: &str) -> usize {
        self.markup_of_error(error)
            .map_or(0, |at| self.markups[at].line)
    }

    /// The first markup the engine's error message quotes.
    fn markup_of_error(&self, error: &str) -> Option<usize> {
        self.markup_quoted(error, |_| true, true)
    }

    /// The first markup (of those `eligible`) the engine's error message quotes as it writes
    /// it again in its trace (`from: {{ page["title"] | map : 1 }}`), or (`loose`) anywhere
    /// as written (a short markup, `{{ i }}`, is in any message: only where it is named).
    fn markup_quoted(
        &self,
        error: &str,
        eligible: impl Fn(&Markup) -> bool,
        loose: bool,
    ) -> Option<usize> {
        let traced: Vec<String> = error
            .lines()
            .filter_map(|line| line.trim().strip_prefix("from: "))
            .filter(|quoted| quoted.starts_with("{{") || quoted.starts_with("{%"))
            .map(|quoted| canonical(inner(quoted)))
            .collect();
        self.markups.iter().position(|m| {
            let inside = inner(self.written(m));
            !inside.is_empty()
                && eligible(m)
                && (loose && error.contains(inside) || traced.contains(&canonical(inside)))
        })
    }

    /// Takes the markup `error` names out of the text, when it is an output or a tag that is
    /// not part of a block (it writes nothing now), and says which: `(line, as written)`.
    /// `None` when the error names no such markup.
    pub fn leave_out(&mut self, error: &str) -> Option<(usize, String)> {
        let is_left_out = |source: &str| {
            source.starts_with("{{") && source.trim_start_matches(['{', ' ']) == "\"\"}}"
        };
        let at = self.markup_quoted(error, |m| !is_left_out(self.source(m)), false)?;
        let markup = &self.markups[at];
        let in_a_block =
            BLOCKS.contains(&markup.name.as_str()) || super::recover::is_block_part(&markup.name);
        let len = markup.end - markup.start;
        // An output of nothing, as long as the markup (the other markups keep their places).
        const NOTHING: usize = "{{\"\"}}".len();
        if in_a_block || len < NOTHING {
            return None;
        }
        let written = self.written(markup).to_string();
        let line = markup.line;
        let (start, end) = (markup.start, markup.end);
        let blank = format!("{{{{{}\"\"}}}}", " ".repeat(len - NOTHING));
        self.text.replace_range(start..end, &blank);
        let markup = &mut self.markups[at];
        markup.is_tag = false;
        markup.name = String::new();
        markup.written = Some(written.clone().into_boxed_str());
        Some((line, written))
    }
}

/// A markup's inside as the engine writes it again: no whitespace, `a["b"]` as `a.b`.
fn canonical(inside: &str) -> String {
    inside
        .split_whitespace()
        .collect::<String>()
        .replace("[\"", ".")
        .replace("\"]", "")
}

/// The text inside a markup's delimiters, without whitespace control and spaces.
pub(super) fn inner(markup: &str) -> &str {
    markup
        .get(2..markup.len().saturating_sub(2))
        .unwrap_or("")
        .trim_matches(|c: char| c == '-' || c.is_whitespace())
}

/// Blocks the engine knows (their end tag is `end<name>`).
pub(super) const BLOCKS: &[&str] = &[
    "if",
    "unless",
    "case",
    "for",
    "tablerow",
    "capture",
    "ifchanged",
    "highlight",
    "comment",
    "raw",
];

pub(super) fn prepare(body: &str, links: &Links) -> Prepared {
    let mut out = String::with_capacity(body.len() + 16);
    let mut markups = Vec::new();
    let mut refusal = None;
    let mut dead_links = Vec::new();
    let mut line = 0;
    let mut open_blocks: Vec<&'static str> = Vec::new();
    // The iterations each open literal `for` stands for (1 for other loops).
    let mut loops: Vec<u64> = Vec::new();
    let mut rest = body;
    while let Some(at) = memchr::memchr(b'{', rest.as_bytes()) {
        let before = &rest[..at];
        line += memchr::memchr_iter(b'\n', before.as_bytes()).count();
        out.push_str(before);
        let after = &rest[at..];
        let closer = if after.starts_with("{{") {
            "}}"
        } else if after.starts_with("{%") {
            "%}"
        } else {
            out.push('{');
            rest = &after[1..];
            continue;
        };
        // The closer is searched after the opener: in `{%}` the `%}` overlaps the `{%`.
        let Some(close) = after[2..].find(closer).map(|i| i + 4) else {
            // Unclosed: the engine reports it; the recovery shows it as text.
            markups.push(Markup {
                start: out.len(),
                end: out.len() + 2,
                is_tag: closer == "%}",
                name: String::new(),
                line,
                written: None,
            });
            out.push_str(&after[..2]);
            rest = &after[2..];
            continue;
        };
        let source = &after[..close];
        let markup_line = line;
        line += memchr::memchr_iter(b'\n', source.as_bytes()).count();
        rest = &after[close..];
        if closer == "}}" {
            let echo = output_as_echo(source);
            markups.push(Markup {
                start: out.len(),
                end: out.len() + echo.len(),
                is_tag: false,
                name: String::new(),
                line: markup_line,
                written: Some(source.into()),
            });
            out.push_str(&echo);
            continue;
        }
        let inside = inner(source);
        let (name, args) = inside
            .split_once(char::is_whitespace)
            .map_or((inside, ""), |(n, a)| (n, a.trim()));
        let literal_link = name == "link" && !args.contains("{{");
        let linked_post = match name {
            "post_url" => Some(file_stem(args)),
            _ if literal_link => post_of(args),
            _ => None,
        };
        if let Some(id) = linked_post {
            if links.posts.is_some_and(|posts| !posts.contains(id)) {
                dead_links.push((
                    markup_line,
                    format!(
                        "`{{% {inside} %}}` names {id:?}, which is not a post of this site: the \
                         link leads nowhere (Jekyll stops the build here)"
                    ),
                ));
            }
            out.push_str(&post_link(id));
            continue;
        }
        if literal_link {
            out.push_str(&page_link(args, links));
            continue;
        }
        // A loop over a range whose ends are variables (`(1..n)`) runs at most what the
        // loops around it leave of the budget: its end is clamped by two assigns before it
        // (the engine would hold the whole range in memory: `n = 100000000` is gigabytes).
        let clamped;
        let mut loop_budget = None;
        let source = match (name, variable_range(args)) {
            ("for" | "tablerow", Some(range)) if literal_range_length(args).is_none() => {
                let around = iterations(&loops);
                let allowed = (limits::LOOP_ITERATIONS / around.max(1)).max(1);
                loop_budget = Some(allowed);
                let (start, end) = range.1;
                let end_name = format!("gazette_range_end_{}", markups.len());
                for assign in [
                    // A missing end is 0 (Ruby's `nil.to_i`), as the range itself reads it.
                    format!(
                        "{{% assign {end_name} = {start} | default: 0 | plus: {} %}}",
                        allowed - 1
                    ),
                    format!("{{% assign {end_name} = {end} | default: 0 | at_most: {end_name} %}}"),
                ] {
                    markups.push(Markup {
                        start: out.len(),
                        end: out.len() + assign.len(),
                        is_tag: true,
                        name: "assign".to_string(),
                        line: markup_line,
                        written: None,
                    });
                    out.push_str(&assign);
                }
                clamped = source.replacen(range.0, &format!("({start}..{end_name})"), 1);
                clamped.as_str()
            }
            _ => source,
        };
        // Jekyll reads an include's name as a path (`notes/tip.html`), which the engine's
        // tokens cannot spell: it is quoted here.
        let quoted;
        let source = match name {
            "include" | "include_relative"
                if !args.is_empty() && !args.starts_with(['"', '\'', '{']) =>
            {
                let (file, parameters) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
                quoted = format!("{{% {name} \"{file}\" {parameters} %}}");
                quoted.as_str()
            }
            _ => source,
        };
        markups.push(Markup {
            start: out.len(),
            end: out.len() + source.len(),
            is_tag: true,
            name: name.to_string(),
            line: markup_line,
            written: None,
        });
        out.push_str(source);
        if name == "raw" || name == "comment" {
            // What they hold is never Liquid (nor an attribute list): copied as it is.
            let end_name = if name == "raw" {
                "endraw"
            } else {
                "endcomment"
            };
            let (content, remainder) = block_content(rest, end_name);
            line += memchr::memchr_iter(b'\n', content.as_bytes()).count();
            out.push_str(content);
            rest = remainder;
            continue;
        }
        if let Some(block) = BLOCKS.iter().find(|b| **b == name) {
            open_blocks.push(block);
            if name == "for" || name == "tablerow" {
                count_loop_body(source, markup_line, &mut out, &mut markups);
                loops.push(loop_budget.or(literal_range_length(args)).unwrap_or(1));
                let total = iterations(&loops);
                if total > limits::LOOP_ITERATIONS && refusal.is_none() {
                    refusal = Some((
                        markup_line,
                        format!(
                            "Liquid loop of {total} iterations (more than {}): not run, the body is shown with its Liquid as text",
                            limits::LOOP_ITERATIONS
                        ),
                    ));
                }
            }
            if open_blocks.len() > limits::NESTING && refusal.is_none() {
                refusal = Some((
                    markup_line,
                    format!(
                        "Liquid blocks nested more than {} deep: not run, the body is shown with its Liquid as text",
                        limits::NESTING
                    ),
                ));
            }
        } else if let Some(ended) = name.strip_prefix("end") {
            if open_blocks.last() == Some(&ended) {
                open_blocks.pop();
                if ended == "for" || ended == "tablerow" {
                    loops.pop();
                }
            }
        }
    }
    out.push_str(rest);
    let mut prepared = Prepared {
        text: out,
        markups,
        refusal,
        dead_links,
    };
    super::budget::weigh_long_markup(&mut prepared);
    prepared
}

/// Puts the tag that counts a loop's iterations at the start of its body (see
/// [`super::budget`]), trimming what follows it as the loop's tag does (`-%}`).
fn count_loop_body(loop_tag: &str, line: usize, out: &mut String, markups: &mut Vec<Markup>) {
    let step = super::budget::step_tag(1, false, loop_tag.ends_with("-%}"));
    markups.push(Markup {
        start: out.len(),
        end: out.len() + step.len(),
        is_tag: true,
        name: super::budget::LOOP_STEP_TAG.to_string(),
        line,
        written: None,
    });
    out.push_str(&step);
}

/// `{{ value }}` as `{% echo value %}`, its white space control (`{{-`, `-}}`) and its inside
/// (newlines included) kept.
fn output_as_echo(source: &str) -> String {
    let inside = &source[2..source.len() - 2];
    let (open, inside) = match inside.strip_prefix('-') {
        Some(rest) => ("{%-", rest),
        None => ("{%", inside),
    };
    let (inside, close) = match inside.strip_suffix('-') {
        Some(rest) => (rest, "-%}"),
        None => (inside, "%}"),
    };
    format!("{open} echo {inside} {close}")
}

/// The iterations of loops nested in each other: their own multiplied.
fn iterations(loops: &[u64]) -> u64 {
    loops.iter().fold(1u64, |all, own| all.saturating_mul(*own))
}

/// The range in a loop's arguments (`(1..page.n)` in `i in (1..page.n) limit: 3`) and its
/// two ends' text.
fn variable_range(args: &str) -> Option<(&str, (&str, &str))> {
    let open = args.find('(')?;
    let close = args[open..].find(')')? + open;
    let (start, end) = args[open + 1..close].split_once("..")?;
    Some((&args[open..=close], (start.trim(), end.trim())))
}

/// `(1..100)` in `i in (1..100) limit: 3` → 100, when both ends are integers.
fn literal_range_length(args: &str) -> Option<u64> {
    let (_, (start, end)) = variable_range(args)?;
    let start: i64 = start.parse().ok()?;
    let end: i64 = end.parse().ok()?;
    Some(if end < start {
        0
    } else {
        (end - start).unsigned_abs().saturating_add(1)
    })
}

/// Splits `text` at the first `{% end_name %}`: `(content before it, text after it)`. An
/// unclosed block runs to the end (the engine then reports it).
fn block_content<'t>(text: &'t str, end_name: &str) -> (&'t str, &'t str) {
    let mut search_from = 0;
    while let Some(open) = text[search_from..].find("{%").map(|i| search_from + i) {
        let Some(close) = text[open + 2..].find("%}").map(|i| open + 2 + i) else {
            break;
        };
        if inner(&text[open..close + 2]) == end_name {
            return (&text[..open], &text[open..]);
        }
        search_from = close + 2;
    }
    (text, "")
}

/// Removes kramdown attribute lists (`{:.class}`, `{: #id}`, `{: width="50"}`, which may run
/// over lines of a paragraph) from Markdown, outside code: fenced and indented code blocks
/// and code spans keep theirs (`{:a => 1}` is Ruby), as in kramdown.
///
/// Also kramdown's comments (`{::comment}` … `{:/comment}` or `{:/}`: an editor's note that
/// kramdown never writes) go with what they hold, and abbreviation definitions
/// (`*[HTML]: HyperText Markup Language`, which kramdown writes nowhere) with their line.
pub fn strip_attribute_lists(body: &str) -> Cow<'_, str> {
    if memchr::memmem::find(body.as_bytes(), b"{:").is_none()
        && memchr::memmem::find(body.as_bytes(), b"*[").is_none()
    {
        return Cow::Borrowed(body);
    }
    let mut in_comment = false;
    let mut out = String::with_capacity(body.len());
    // The text since the last code line or blank line, where attribute lists are looked for.
    let mut text_start = 0;
    let mut fence: Option<(char, usize)> = None;
    let mut previous_blank = true;
    let mut indented_code = false;
    // Inside a list, an indented code block is indented once more.
    let mut in_list = false;
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_start_matches([' ', '\t']);
        let indent = line[..line.len() - content.len()]
            .chars()
            .map(|c| if c == '\t' { 4 } else { 1 })
            .sum::<usize>();
        let blank = content.trim().is_empty();
        let is_code = if let Some((marker, length)) = fence {
            let run = content.chars().take_while(|&c| c == marker).count();
            if run >= length && content[run * marker.len_utf8()..].trim().is_empty() {
                fence = None;
            }
            true
        } else if let Some((marker, length)) = ['`', '~']
            .into_iter()
            .map(|m| (m, content.chars().take_while(|&c| c == m).count()))
            .find(|&(_, length)| length >= 3)
        {
            fence = Some((marker, length));
            true
        } else {
            let code_indent = if in_list { 8 } else { 4 };
            indented_code = !blank && indent >= code_indent && (previous_blank || indented_code);
            indented_code
        };
        if !blank && indent == 0 && !is_code {
            let item = content.starts_with(['-', '*', '+'])
                && content[1..].starts_with([' ', '\t'])
                || content
                    .split_once(['.', ')'])
                    .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
            if item {
                in_list = true;
            } else if previous_blank {
                in_list = false;
            }
        }
        if !is_code && !in_comment && indent <= 3 && is_abbreviation(content) {
            strip_text(&body[text_start..start], &mut out, &mut in_comment);
            text_start = offset;
            previous_blank = false;
            continue;
        }
        if is_code || blank {
            strip_text(&body[text_start..start], &mut out, &mut in_comment);
            if !(in_comment && blank) {
                out.push_str(line);
            }
            text_start = offset;
        }
        previous_blank = blank;
    }
    strip_text(&body[text_start..], &mut out, &mut in_comment);
    Cow::Owned(out)
}

/// `*[HTML]: HyperText Markup Language`: a kramdown abbreviation's definition.
fn is_abbreviation(line: &str) -> bool {
    line.strip_prefix("*[")
        .and_then(|rest| {
            rest.find("]:")
                .map(|at| at > 0 && !rest[..at].contains(']'))
        })
        .unwrap_or(false)
}

/// Writes `text` (lines of Markdown without a blank line or code block) without its attribute
/// lists, code spans kept as they are.
fn strip_text(text: &str, out: &mut String, in_comment: &mut bool) {
    let mut rest = text;
    // The next `}` in `text` at or after the list being read, found once for the lists
    // before it (a `{:` without any `}` after it was a search to the end at each `{:`).
    let mut next_close: Option<Option<usize>> = None;
    loop {
        if *in_comment {
            // The comment runs to its end tag, over blank lines too.
            let end = ["{:/comment}", "{:/}"]
                .iter()
                .filter_map(|tag| rest.find(tag).map(|at| at + tag.len()))
                .min();
            match end {
                Some(end) => {
                    rest = &rest[end..];
                    *in_comment = false;
                }
                None => return,
            }
        }
        let Some(at) = rest.find(['{', '`']) else {
            break;
        };
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        if after.starts_with('`') {
            let span = crate::kramdown::skip_code_span(after, 0);
            out.push_str(&after[..span]);
            rest = &after[span..];
            continue;
        }
        if let Some(inside) = after.strip_prefix("{::comment}") {
            *in_comment = true;
            rest = inside;
            continue;
        }
        let at_list = text.len() - after.len() + 2;
        let close = match after.strip_prefix("{:") {
            None => None,
            Some(_) => {
                if next_close.is_none_or(|found| found.is_some_and(|c| c < at_list)) {
                    next_close = Some(text[at_list..].find('}').map(|c| at_list + c));
                }
                next_close.flatten().map(|c| c - at_list)
            }
        };
        match close {
            // `{:toc}` asks for a table of contents, which Markdown writes in its place.
            Some(close) if after[2..close + 2].trim() == "toc" => {
                out.push_str(crate::kramdown::TOC_MARKER);
                rest = &after[close + 3..];
            }
            Some(close) => {
                sized_image(out, &after[2..close + 2]);
                rest = &after[close + 3..];
            }
            None => {
                out.push('{');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
}

/// Applies a span attribute list to the inline image `out` ends with, if any (`![Cat](cat.png
/// "A cat"){: width="300" height="200"}`), as kramdown does: the image is written as HTML
/// with the attributes the sanitize policy keeps on an image (`width`, `height`, `title`,
/// `alt`, `lang`, `dir`); classes and ids, which it drops, are not written.
fn sized_image(out: &mut String, list: &str) {
    const KEPT: [&str; 6] = ["width", "height", "title", "alt", "lang", "dir"];
    let attributes: Vec<(&str, &str)> = attribute_pairs(list)
        .into_iter()
        .filter(|(name, _)| KEPT.contains(name))
        .collect();
    if attributes.is_empty() || !out.ends_with(')') {
        return;
    }
    let Some(middle) = out.rfind("](") else {
        return;
    };
    let Some(start) = out[..middle].rfind("![") else {
        return;
    };
    let alt = &out[start + 2..middle];
    let destination = out[middle + 2..out.len() - 1].trim();
    if alt.contains(['[', ']']) || destination.is_empty() || destination.contains(['(', ')']) {
        return;
    }
    // `<a b.png>` may hold spaces; the title follows the destination.
    let (url, title) = match destination.strip_prefix('<') {
        Some(angled) => match angled.split_once('>') {
            Some((url, title)) => (url, title.trim()),
            None => return,
        },
        None => destination
            .split_once([' ', '\t'])
            .map_or((destination, ""), |(url, title)| (url, title.trim())),
    };
    let title = match title {
        "" => None,
        quoted => match quoted
            .strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'))
            .or_else(|| quoted.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')))
        {
            Some(title) => Some(title),
            None => return,
        },
    };
    let escape = super::filters::xml_escape;
    let alt = attributes
        .iter()
        .rev()
        .find(|(name, _)| *name == "alt")
        .map_or(alt, |(_, value)| value);
    let mut html = format!("<img src=\"{}\" alt=\"{}\"", escape(url), escape(alt));
    // `title` from the image unless the list sets one; the list's last value of a name wins.
    if let Some(title) = title.filter(|_| !attributes.iter().any(|(n, _)| *n == "title")) {
        html.push_str(&format!(" title=\"{}\"", escape(title)));
    }
    for name in KEPT {
        if name == "alt" {
            continue;
        }
        if let Some((_, value)) = attributes.iter().rev().find(|(n, _)| *n == name) {
            html.push_str(&format!(" {name}=\"{}\"", escape(value)));
        }
    }
    html.push('>');
    out.truncate(start);
    out.push_str(&html);
}

/// The `name="value"` (or `name='value'`) pairs of an attribute list's text.
fn attribute_pairs(list: &str) -> Vec<(&str, &str)> {
    let mut pairs = Vec::new();
    let mut rest = list;
    while let Some(equals) = rest.find('=') {
        let name = rest[..equals]
            .rsplit([' ', '\t'])
            .next()
            .unwrap_or("")
            .trim();
        let after = &rest[equals + 1..];
        let Some(quote) = after.chars().next().filter(|c| matches!(c, '"' | '\'')) else {
            rest = after;
            continue;
        };
        let Some(end) = after[1..].find(quote) else {
            break;
        };
        if !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            pairs.push((name, &after[1..1 + end]));
        }
        rest = &after[end + 2..];
    }
    pairs
}

fn join_url(base: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

/// The post a `link` tag's path names, if it is a post's (`_posts/2016-07-26-x.md`): an
/// in-app link.
fn post_of(path: &str) -> Option<&str> {
    let path = path.trim_matches(|c| c == '"' || c == '\'');
    path.contains("_posts/").then(|| file_stem(path))
}

/// Where a `link` tag's path that is not a post's ([`post_of`]) points: a page of the
/// original site.
fn page_link(path: &str, links: &Links) -> String {
    let path = path.trim_matches(|c| c == '"' || c == '\'');
    let html_path = match path.rsplit_once('.') {
        Some((stem, "md" | "markdown")) => format!("{stem}.html"),
        _ => path.to_string(),
    };
    format!("{}{}", links.url, join_url(&links.baseurl, &html_path))
}

fn file_stem(path: &str) -> &str {
    let path = path.trim_matches(|c| c == '"' || c == '\'');
    let name = path.rsplit('/').next().unwrap_or(path);
    match name.rsplit_once('.') {
        Some((stem, "md" | "markdown" | "html")) => stem,
        _ => name,
    }
}
