//! Post bodies from Markdown to sanitized HTML, rendered the way Jekyll's kramdown (GFM input)
//! renders them: CommonMark with raw HTML, GFM tables, strikethrough and task lists,
//! footnotes, definition lists, `<http://…>` autolinks, kramdown's emphasis where
//! CommonMark's flanking rules differ and its `$$` math ([`crate::kramdown`]), and kramdown's
//! typography (curly quotes by its rules, dashes, ellipses; [`crate::typography`]). The first
//! bare autolink is the post's source URL.

use std::borrow::Cow;

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

use crate::plain_html;
use gazette_sanitize::{article_text, sanitize_html_within_limits};

/// The kramdown options of a site's `_config.yml` (`kramdown:`) that change what a post
/// says: Jekyll's defaults unless the site sets them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkdownOptions {
    /// `auto_ids`: headings get ids made of their text (Jekyll's default: yes).
    pub auto_ids: bool,
    /// `auto_id_prefix`: written before each of those ids (Jekyll's default: nothing).
    pub auto_id_prefix: String,
    /// `hard_wrap`: a line break inside a paragraph is a `<br>` (Jekyll's default: no).
    pub hard_wrap: bool,
    /// `smart_quotes`: the left and right single, then left and right double quotes.
    pub quotes: crate::typography::Quotes,
    /// `parse_block_html`: block elements hold Markdown (Jekyll's default: no).
    pub parse_block_html: bool,
}

impl Default for MarkdownOptions {
    fn default() -> Self {
        MarkdownOptions {
            auto_ids: true,
            auto_id_prefix: String::new(),
            hard_wrap: false,
            quotes: Default::default(),
            parse_block_html: false,
        }
    }
}

/// A rendered body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderedBody {
    /// Sanitized HTML.
    pub html: String,
    /// Readable text (navigation links left out), one line per block.
    pub text: String,
    /// The first bare autolink (`<http://…>`), the article's original URL.
    pub source: Option<String>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_TASKLISTS
}

/// The events of a post's Markdown, with kramdown's typography and the site's options.
fn events<'a>(source: &'a str, markdown: &MarkdownOptions) -> Vec<Event<'a>> {
    let events = crate::kramdown::span_contents(crate::kramdown::span_html_paragraphs(
        crate::kramdown::definition_terms(crate::kramdown::list_paragraphs(
            source,
            crate::kramdown::headless_tables(
                Parser::new_ext(source, options())
                    .into_offset_iter()
                    .collect(),
            ),
        )),
    ));
    // A character escaped with a backslash or written as a character reference (`\"`,
    // `&quot;`, `\.`) stays as it is: kramdown's escape and entity are elements of their own,
    // which its typography does not touch.
    let events = events
        .into_iter()
        .map(|(event, range)| {
            // (Only a character the typography may change: `prepare` escapes others, `\:`
            // say, where the source has none, and the rules must see them as kramdown does.)
            let text = matches!(&event, Event::Text(text) if text.starts_with(['\'', '"', '.', '-', '<', '>']));
            // The backslashes before it, counted only for such text: counted before every
            // event, a run of them was read again at each of its escapes (quadratic).
            let backslashes = || {
                source[..range.start]
                    .bytes()
                    .rev()
                    .take_while(|&b| b == b'\\')
                    .count()
            };
            let literal = match () {
                _ if !text => None,
                _ if source[range.start..].starts_with('&') => Some('&'),
                _ if backslashes() % 2 == 1 => Some('\\'),
                _ => None,
            };
            let source = crate::typography::TextSource {
                literal,
                after: source.get(range.end..).unwrap_or_default(),
            };
            (event, source)
        })
        .collect();
    let mut events = crate::typography::apply(events, &markdown.quotes);
    let mut in_mail_autolink = false;
    for event in &mut events {
        match event {
            Event::SoftBreak if markdown.hard_wrap => *event = Event::HardBreak,
            // kramdown numbers every ordered list from 1, whatever its first item says.
            Event::Start(Tag::List(Some(start))) => *start = 1,
            // A link within the post (`[see](#rate-cut)`) leads to its anchor, whose id the
            // builder writes after the policy's prefix (see `kramdown::heading_ids`).
            Event::Start(Tag::Link { dest_url, .. })
                if dest_url.starts_with('#') && !dest_url.starts_with("#/") =>
            {
                *dest_url = format!(
                    "#{}",
                    gazette_archive::sanitize_policy::in_anchor_scope(&dest_url[1..])
                )
                .into();
            }
            Event::Start(Tag::Link {
                link_type: LinkType::Autolink,
                dest_url,
                ..
            }) => in_mail_autolink = dest_url.starts_with("mailto:"),
            Event::End(TagEnd::Link) => in_mail_autolink = false,
            // `<mailto:a@b.c>` shows the address, as kramdown writes it.
            Event::Text(text) if in_mail_autolink => {
                if let Some(address) = text.strip_prefix("mailto:") {
                    *text = CowStr::from(address.to_string());
                }
            }
            _ => {}
        }
    }
    strong_around_emphasis(&mut events);
    footnotes_in_reference_order(crate::kramdown::table_of_contents(
        crate::kramdown::heading_ids(events, markdown),
    ))
}

/// `***both***` as kramdown writes it, `<strong><em>both</em></strong>` (CommonMark nests the
/// other way): where emphasis holds exactly one strong run, the two swap.
fn strong_around_emphasis(events: &mut [Event<'_>]) {
    let mut at = 0;
    while at + 1 < events.len() {
        if !matches!(
            (&events[at], &events[at + 1]),
            (Event::Start(Tag::Emphasis), Event::Start(Tag::Strong))
        ) {
            at += 1;
            continue;
        }
        // The end of the strong run that starts at `at + 1`.
        let mut depth = 0usize;
        let mut end = None;
        for (i, event) in events.iter().enumerate().skip(at + 1) {
            match event {
                Event::Start(Tag::Strong) => depth += 1,
                Event::End(TagEnd::Strong) => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(i);
                        break;
                    }
                }
                _ => {}
            }
        }
        if let Some(end) = end {
            if matches!(events.get(end + 1), Some(Event::End(TagEnd::Emphasis))) {
                events.swap(at, at + 1);
                events.swap(end, end + 1);
            }
        }
        at += 2;
    }
}

/// A footnote label as kramdown matches it: as written, case and all (`[^Note]` does not find
/// `[^note]:`, which pulldown-cmark pairs with it; `[^A]` and `[^a]` are two notes).
fn label_key(label: &str) -> String {
    label.to_string()
}

/// Adds the footnote labels `events` refer to that were not `seen` yet to `order` (by
/// [`label_key`]).
fn references(
    events: &[Event<'_>],
    order: &mut Vec<String>,
    seen: &mut rustc_hash::FxHashSet<String>,
) {
    for event in events {
        if let Event::FootnoteReference(label) = event {
            let key = label_key(label);
            if seen.insert(key.clone()) {
                order.push(key);
            }
        }
    }
}

/// kramdown's footnotes: numbered in the order of their first reference and written after
/// the text in that order, as kramdown writes them — each reference `<sup id="fnref:a"><a
/// href="#fn:a">1</a></sup>` (a second reference to the same note `fnref:a:1`), then `<div
/// class="footnotes"><ol>` with each note an `<li id="fn:a">` that ends with a link back to
/// each reference written before it (`↩`, after a no-break space in its last paragraph);
/// a definition never referenced is not written. A label kramdown would not take
/// (`[^a b]`: it takes ASCII letters, digits, `_` and `-`) is named by its number
/// (`fn:2.`, which no label can be). Every id is written after the policy's
/// [`ANCHOR_PREFIX`](gazette_archive::sanitize_policy::ANCHOR_PREFIX). (pulldown-cmark
/// numbers a label where it first sees it, a definition or a reference, and writes each
/// definition where it stands.)
fn footnotes_in_reference_order<'a>(events: Vec<Event<'a>>) -> Vec<Event<'a>> {
    use gazette_archive::sanitize_policy::ANCHOR_PREFIX;
    if !events.iter().any(|event| {
        matches!(
            event,
            Event::Start(Tag::FootnoteDefinition(_)) | Event::FootnoteReference(_)
        )
    }) {
        return events;
    }
    let mut text = Vec::with_capacity(events.len());
    let mut definitions: Vec<(String, Vec<Event<'a>>)> = Vec::new();
    let mut open: Option<(String, Vec<Event<'a>>)> = None;
    for event in events {
        match (event, &mut open) {
            (Event::Start(Tag::FootnoteDefinition(label)), None) => {
                open = Some((label_key(&label), Vec::new()));
            }
            (Event::End(TagEnd::FootnoteDefinition), Some(_)) => {
                definitions.extend(open.take());
            }
            (event, Some((_, body))) => body.push(event),
            (event, None) => text.push(event),
        }
    }
    definitions.extend(open);
    // (Looked up by label: a body may have thousands of notes. A label's last definition is
    // the one kramdown keeps.)
    let by_label: rustc_hash::FxHashMap<String, usize> = definitions
        .iter()
        .enumerate()
        .map(|(at, (label, _))| (label.clone(), at))
        .collect();
    // The labels in the order of their first reference, in the text and then in the notes
    // (a note may refer to another).
    let mut seen = rustc_hash::FxHashSet::default();
    let mut order: Vec<String> = Vec::new();
    references(&text, &mut order, &mut seen);
    let mut at = 0;
    while at < order.len() {
        if let Some(&index) = by_label.get(&order[at]) {
            references(&definitions[index].1, &mut order, &mut seen);
        }
        at += 1;
    }
    // A reference without a note of its label, case and all, is text (`[^Note]`), and takes
    // no number.
    order.retain(|label| by_label.contains_key(label));
    // Each label's number and the name its ids use.
    let names: rustc_hash::FxHashMap<&str, (usize, String)> = order
        .iter()
        .zip(1..)
        .map(|(label, number)| {
            let kramdown_takes = label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
                && !label.starts_with('-')
                && !label.is_empty();
            let name = if kramdown_takes {
                label.clone()
            } else {
                format!("{number}.")
            };
            (label.as_str(), (number, name))
        })
        .collect();
    // The references written so far to each label.
    let mut repeats: rustc_hash::FxHashMap<String, usize> = Default::default();
    let reference = |event: Event<'a>,
                     repeats: &mut rustc_hash::FxHashMap<String, usize>|
     -> Event<'a> {
        let Event::FootnoteReference(label) = event else {
            return event;
        };
        let key = label_key(&label);
        let Some((label, (number, name))) = names.get_key_value(key.as_str()) else {
            return Event::Text(format!("[^{label}]").into());
        };
        let count = repeats.entry(label.to_string()).or_insert(0);
        let suffix = match *count {
            0 => String::new(),
            n => format!(":{n}"),
        };
        *count += 1;
        Event::InlineHtml(
            format!(
                "<sup id=\"{ANCHOR_PREFIX}fnref:{name}{suffix}\"><a href=\"#{ANCHOR_PREFIX}fn:{name}\">{number}</a></sup>"
            )
            .into(),
        )
    };
    let mut out: Vec<Event<'a>> = text
        .into_iter()
        .map(|event| reference(event, &mut repeats))
        .collect();
    let mut definitions: Vec<Option<Vec<Event<'a>>>> = definitions
        .into_iter()
        .map(|(_, body)| Some(body))
        .collect();
    let mut list_open = false;
    for label in &order {
        let Some(body) = by_label
            .get(label)
            .and_then(|&index| definitions[index].take())
        else {
            continue;
        };
        if !list_open {
            out.push(Event::Html("<div class=\"footnotes\">\n<ol>\n".into()));
            list_open = true;
        }
        let name = &names[label.as_str()].1;
        out.push(Event::Html(
            format!("<li id=\"{ANCHOR_PREFIX}fn:{name}\">\n").into(),
        ));
        // A way back to each reference written so far (kramdown counts them as it writes the
        // note, before the note's own references).
        let mut back = String::new();
        for repeat in 0..repeats.get(label).copied().unwrap_or(1).max(1) {
            match repeat {
                0 => back.push_str(&format!("<a href=\"#{ANCHOR_PREFIX}fnref:{name}\">↩</a>")),
                n => back.push_str(&format!(
                    "\u{a0}<a href=\"#{ANCHOR_PREFIX}fnref:{name}:{n}\">↩<sup>{}</sup></a>",
                    n + 1
                )),
            }
        }
        let mut body: Vec<Event<'a>> = body
            .into_iter()
            .map(|event| reference(event, &mut repeats))
            .collect();
        if matches!(body.last(), Some(Event::End(TagEnd::Paragraph))) {
            let end = body.pop().expect("a last event");
            body.push(Event::InlineHtml(format!("\u{a0}{back}").into()));
            body.push(end);
        } else {
            body.push(Event::Start(Tag::Paragraph));
            body.push(Event::InlineHtml(back.into()));
            body.push(Event::End(TagEnd::Paragraph));
        }
        out.extend(body);
        out.push(Event::Html("</li>\n".into()));
    }
    if list_open {
        out.push(Event::Html("</ol>\n</div>\n".into()));
    }
    out
}

/// The site's kramdown options, with those a post sets for itself with kramdown's `{::options
/// … /}` extension (`parse_block_html`; the others are the site's).
pub fn post_options<'a>(body: &str, site: &'a MarkdownOptions) -> Cow<'a, MarkdownOptions> {
    let Some(at) = memchr::memmem::find(body.as_bytes(), b"{::options") else {
        return Cow::Borrowed(site);
    };
    let extension = &body[at..];
    let extension = &extension[..extension.find('}').unwrap_or(extension.len())];
    let setting = |name: &str| {
        let value = extension
            .split_once(name)?
            .1
            .trim_start()
            .strip_prefix('=')?;
        let value = value.trim_start().trim_start_matches(['"', '\'']);
        Some(value.starts_with("true"))
    };
    match setting("parse_block_html") {
        Some(on) if on != site.parse_block_html => Cow::Owned(MarkdownOptions {
            parse_block_html: on,
            ..site.clone()
        }),
        _ => Cow::Borrowed(site),
    }
}

/// Renders a Markdown post and sanitizes the result. Markdown without raw HTML (most news
/// posts) is written straight as sanitized HTML by [`crate::plain_html`]; the rest goes
/// through the sanitizer. A body [`try_render`] refuses is empty here (for tests and tools).
pub fn render(markdown: &str, options: &MarkdownOptions) -> RenderedBody {
    try_render(markdown, options).unwrap_or_default()
}

/// [`render`], or why the body cannot be stored: markup whose tree the HTML parser would
/// take too long or too much memory to build
/// ([`gazette_sanitize::parse_limits`]), or HTML the app would refuse to show
/// ([`gazette_archive::sanitize_policy::check_shape`]).
pub fn try_render(markdown: &str, options: &MarkdownOptions) -> Result<RenderedBody, String> {
    let source = crate::kramdown::prepare_with(markdown, options.parse_block_html);
    render_events(events(&source, options), source.len())
}

/// Renders an `.html` post: its HTML passes through as raw HTML (and is sanitized); Jekyll
/// applies no Markdown typography to it. A refused body is empty (see
/// [`try_render_html_post`]).
pub fn render_html_post(html: &str) -> RenderedBody {
    try_render_html_post(html).unwrap_or_default()
}

/// [`render_html_post`], or why the body cannot be stored (as [`try_render`]). The HTML is
/// not read as Markdown (where a blank line would end an HTML block and an indented line
/// after it be code): Jekyll writes an `.html` post as it is.
pub fn try_render_html_post(html: &str) -> Result<RenderedBody, String> {
    checked_body(sanitize_raw(html)?, None)
}

fn render_events(events: Vec<Event<'_>>, len: usize) -> Result<RenderedBody, String> {
    let source = events.iter().find_map(|event| match event {
        Event::Start(Tag::Link {
            link_type: LinkType::Autolink,
            dest_url,
            ..
        }) if gazette_archive::sanitize_policy::is_web_url(dest_url) => Some(dest_url.to_string()),
        _ => None,
    });
    // A table kramdown writes without a head (see `kramdown::headless_tables`) has an empty
    // one in pulldown-cmark's events, which its writer needs to start the body.
    let headless = events.windows(2).any(|pair| {
        matches!(
            pair,
            [Event::Start(Tag::TableHead), Event::End(TagEnd::TableHead)]
        )
    });
    let mut html = match plain_html::render(&events) {
        Some(html) => html,
        None => sanitized(len, events)?,
    };
    if headless {
        // Written as kramdown writes it: no head at all (an empty row is no text; the
        // sequence cannot be text, whose `<` is escaped).
        html = html.replace("<thead><tr></tr></thead>", "");
    }
    checked_body(html, source)
}

/// A body of sanitized `html`, with its article text, unless the app would refuse to show it.
fn checked_body(html: String, source: Option<String>) -> Result<RenderedBody, String> {
    gazette_archive::sanitize_policy::check_shape(&html)
        .map_err(|why| format!("HTML the app would not show: {why}"))?;
    let text = article_text(&html);
    Ok(RenderedBody { html, text, source })
}

/// Raw HTML sanitized, or why it is refused before it is parsed.
fn sanitize_raw(raw_html: &str) -> Result<String, String> {
    sanitize_html_within_limits(&named_anchors(raw_html))
        .map_err(|why| format!("HTML refused before it was parsed: {why}"))
}

/// A link's `name` (`<a name="rates"></a>`, the older way to mark a place in a page, which a
/// browser's `#rates` finds as it finds an `id`) written as its `id`, which the sanitizer
/// keeps as an anchor (`gz-rates`) as it moves the post's `#rates` links: so the links of
/// old posts still meet their places. An `<a>` with an `id` of its own keeps that.
fn named_anchors(html: &str) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    if memchr::memmem::find(bytes, b"name").is_none() {
        return Cow::Borrowed(html);
    }
    let mut out = String::new();
    let mut copied = 0;
    // Where the last tag read ends: a `<` before it is inside that tag (each byte is read
    // once, whatever the markup: `<a a<a a…` is one tag).
    let mut read = 0;
    for lt in memchr::memchr_iter(b'<', bytes) {
        if lt < read
            || !matches!(bytes.get(lt + 1), Some(b'a' | b'A'))
            || !bytes.get(lt + 2).is_some_and(u8::is_ascii_whitespace)
        {
            continue;
        }
        let (mut name, mut id) = (None, false);
        let mut at = lt + 2;
        // The attributes as the HTML tokenizer reads them, up to the tag's end.
        loop {
            while bytes
                .get(at)
                .is_some_and(|b| b.is_ascii_whitespace() || *b == b'/')
            {
                at += 1;
            }
            if bytes.get(at).is_none_or(|&b| b == b'>') {
                break;
            }
            let start = at;
            while bytes
                .get(at)
                .is_some_and(|b| !b.is_ascii_whitespace() && !matches!(b, b'/' | b'>' | b'='))
                || at == start
            {
                at += 1;
            }
            let attribute = &html[start..at.min(bytes.len())];
            if attribute.eq_ignore_ascii_case("id") {
                id = true;
            } else if attribute.eq_ignore_ascii_case("name") && name.is_none() {
                name = Some(start);
            }
            while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
                at += 1;
            }
            if bytes.get(at) != Some(&b'=') {
                continue;
            }
            at += 1;
            while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
                at += 1;
            }
            match bytes.get(at) {
                Some(&quote @ (b'"' | b'\'')) => {
                    at =
                        memchr::memchr(quote, &bytes[at + 1..]).map_or(bytes.len(), |q| at + 2 + q);
                }
                _ => {
                    while bytes
                        .get(at)
                        .is_some_and(|b| !b.is_ascii_whitespace() && *b != b'>')
                    {
                        at += 1;
                    }
                }
            }
        }
        read = at;
        if let (Some(name), false) = (name, id) {
            out.push_str(&html[copied..name]);
            out.push_str("id");
            copied = name + "name".len();
        }
    }
    if copied == 0 {
        return Cow::Borrowed(html);
    }
    out.push_str(&html[copied..]);
    Cow::Owned(out)
}

/// The full path: pulldown-cmark's HTML, sanitized. `len` is the Markdown's length (a
/// capacity hint).
fn sanitized(len: usize, events: Vec<Event<'_>>) -> Result<String, String> {
    let mut raw_html = String::with_capacity(len + len / 4);
    pulldown_cmark::html::push_html(&mut raw_html, events.into_iter());
    sanitize_raw(&raw_html)
}

/// For inputs the fast path takes, its HTML and the full path's, which must be equal (checked
/// by the tests and the render fuzz target); `None` when the fast path declines.
pub(crate) fn fast_and_full(markdown: &str) -> Option<(String, String)> {
    let source = crate::kramdown::prepare(markdown);
    let events = events(&source, &MarkdownOptions::default());
    let fast = plain_html::render(&events)?;
    Some((fast, sanitized(markdown.len(), events).ok()?))
}

/// The plain-text excerpt of a post's fragment (the part before an excerpt separator), or
/// why it cannot be rendered (as [`try_render`]).
pub fn plain_text(source: &str, markdown: Option<&MarkdownOptions>) -> Result<String, String> {
    Ok(match markdown {
        Some(options) => try_render(source, options)?.text,
        None => try_render_html_post(source)?.text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// kramdown's `{::options parse_block_html="true" /}` in a post (Jekyll 4.3.1 reads the
    /// Markdown in the `<div>` after it).
    #[test]
    fn a_post_may_set_parse_block_html() {
        let site = MarkdownOptions::default();
        let body = "{::options parse_block_html=\"true\" /}\n\n<div>\nNow **markdown**.\n</div>\n";
        let options = post_options(body, &site);
        assert!(options.parse_block_html);
        assert!(!post_options("{::options auto_ids=\"false\" /}", &site).parse_block_html);
        assert!(!post_options("no extension", &site).parse_block_html);
        let prepared = crate::liquid::strip_attribute_lists(body);
        let html = render(&prepared, &options).html;
        assert!(html.contains("<strong>markdown</strong>"), "{html}");
    }

    /// Jekyll 4.3.1: `<strong>` outside `<em>` where both open and close together.
    #[test]
    fn strong_goes_around_emphasis() {
        let html = render(
            "***both*** and ___x___, *a **b***.\n",
            &MarkdownOptions::default(),
        )
        .html;
        assert_eq!(
            html,
            "<p><strong><em>both</em></strong> and <strong><em>x</em></strong>, <em>a <strong>b</strong></em>.</p>\n"
        );
    }

    /// Jekyll 4.3.1's kramdown (GFM parser) on the same post: ids made of each heading's
    /// text, a table of contents of links to them, and a link within the post to a heading.
    #[test]
    fn headings_are_anchors_as_jekyll_writes_them() {
        let html = render(
            "* TOC\n{:toc}\n\n## 1. Rate *cut* now\n\n## 市场概况\n\nSee [the cut](#rate-cut-now).\n\n## Custom {#my-id}\n\n### Rate cut now\n\n## Rate cut now\n",
            &MarkdownOptions::default(),
        )
        .html;
        // GFM's ids keep letters, marks, decimal digits and connector punctuation, lower-case
        // each character (a final `Σ` too), and leave an image's text out.
        let ids = render(
            "## Area in m²\n\n## ½ off ①\n\n## a‿b＿c\n\n## ΣΑΣ ΟΔΟΣ\n\n## Foo ![alt](x.png)\n",
            &MarkdownOptions::default(),
        )
        .html;
        for id in [
            "gz-area-in-m",
            "gz--off-",
            "gz-a‿b＿c",
            "gz-σασ-οδοσ",
            "gz-foo-",
        ] {
            assert!(ids.contains(&format!(" id=\"{id}\">")), "{id} in {ids}");
        }
        for id in [
            "gz-1-rate-cut-now",
            "gz-市场概况",
            "gz-my-id",
            "gz-rate-cut-now",
            "gz-rate-cut-now-1",
        ] {
            assert!(html.contains(&format!(" id=\"{id}\">")), "{id} in {html}");
        }
        for href in [
            "#gz-1-rate-cut-now",
            "#gz-%E5%B8%82%E5%9C%BA%E6%A6%82%E5%86%B5",
            "#gz-my-id",
            "#gz-rate-cut-now-1",
        ] {
            assert!(
                html.contains(&format!(" href=\"{href}\">")),
                "{href} in {html}"
            );
        }
        assert!(
            html.contains("href=\"#gz-rate-cut-now\">the cut</a>"),
            "{html}"
        );
        // The site's `auto_ids: false` and `auto_id_prefix`.
        let source = "## Rate cut\n\n## Custom {#my-id}\n";
        let off = MarkdownOptions {
            auto_ids: false,
            ..MarkdownOptions::default()
        };
        assert_eq!(
            render(source, &off).html,
            "<h2>Rate cut</h2>\n<h2 id=\"gz-my-id\">Custom</h2>\n"
        );
        let prefixed = MarkdownOptions {
            auto_id_prefix: "h-".into(),
            ..MarkdownOptions::default()
        };
        assert_eq!(
            render(source, &prefixed).html,
            "<h2 id=\"gz-h-rate-cut\">Rate cut</h2>\n<h2 id=\"gz-my-id\">Custom</h2>\n"
        );
    }

    /// A post's own anchors in raw HTML meet the links to them, whether the links are
    /// Markdown or raw HTML, and a Markdown heading's id meets a raw HTML link: every anchor
    /// and link goes through one mapping (`in_anchor_scope`), once.
    #[test]
    fn raw_html_anchors_and_markdown_links_meet() {
        let html = render(
            "[Rates](#rates), [Outlook](#outlook), [again](#gz-rates)\n\n<h2 id=\"rates\">Rates</h2>\n\n## Outlook\n\n<p><a href=\"#outlook\">up</a> <span id=\"gz-rates\">x</span></p>\n",
            &MarkdownOptions::default(),
        )
        .html;
        for needle in [
            "href=\"#gz-rates\">Rates</a>",
            "href=\"#gz-outlook\">Outlook</a>",
            "href=\"#gz-rates\">again</a>",
            "<h2 id=\"gz-rates\">Rates</h2>",
            "<h2 id=\"gz-outlook\">Outlook</h2>",
            "href=\"#gz-outlook\">up</a>",
            "<span id=\"gz-rates\">x</span>",
        ] {
            assert!(html.contains(needle), "{needle} in {html}");
        }
        assert!(!html.contains("gz-gz-"), "{html}");
    }

    /// `<a name="x">`, which a browser's `#x` finds as it finds an `id`, is kept as that
    /// anchor; an `<a>` with an `id` keeps its own, and `name` elsewhere or as text is not one.
    #[test]
    fn named_links_are_anchors() {
        let html = render(
            "[Rates](#rates) [Top](#top)\n\n<a name=\"rates\"></a>\n## Rates\n\n<p><A\n class=x NAME = 'top' >up</A> <a name=\"n\" id=\"own\">o</a> <input name=\"q\"></p>\n\nAs code: `<a name=\"c\">`\n",
            &MarkdownOptions::default(),
        )
        .html;
        for needle in [
            "href=\"#gz-rates\">Rates</a>",
            "href=\"#gz-top\">Top</a>",
            "target=\"_blank\" id=\"gz-rates\"></a>",
            "target=\"_blank\" id=\"gz-top\">up</a>",
            "target=\"_blank\" id=\"gz-own\">o</a>",
            "&lt;a name=\"c\"&gt;",
        ] {
            assert!(html.contains(needle), "{needle} in {html}");
        }
        assert_eq!(html.matches("id=").count(), 4, "{html}");
        // Tags that never end are read once (`<a a<a a…` is one tag).
        let many = "<a name=x <a ".repeat(200_000);
        let read = named_anchors(&many);
        assert!(read.starts_with("<a id=x <a <a name=x"), "{}", &read[..40]);
        assert_eq!(read.matches("id=").count(), 1);
        assert_eq!(
            render_html_post("<a name=rates>x</a><a name=\"a\" name=\"b\">y</a>").html,
            "<a rel=\"noopener noreferrer\" target=\"_blank\" id=\"gz-rates\">x</a><a rel=\"noopener noreferrer\" target=\"_blank\" id=\"gz-a\">y</a>"
        );
    }

    /// Labels as pulldown-cmark pairs them (case aside), a label kramdown would not take named
    /// by its number, and as many ways back as references came before the note (kramdown).
    #[test]
    fn footnote_labels_pair_up_and_name_their_anchors() {
        let html = render(
            "See[^note] and[^a b] then[^a-b], not[^Note].\n\n[^note]: Text.\n[^a b]: Spaced.\n[^a-b]: Hyphen.\n",
            &MarkdownOptions::default(),
        )
        .html;
        // Labels are matched as written, case and all (kramdown): `[^Note]` is text.
        assert!(html.contains("not[^Note]."), "{html}");
        for id in [
            "gz-fnref:note",
            "gz-fn:note",
            "gz-fnref:2.",
            "gz-fn:2.",
            "gz-fnref:a-b",
            "gz-fn:a-b",
        ] {
            assert_eq!(
                html.matches(&format!("id=\"{id}\"")).count(),
                1,
                "{id} in {html}"
            );
        }
        assert!(html.contains("href=\"#gz-fn:note\">1</a>"), "{html}");
        // `[^A]` and `[^a]` are two notes; of two definitions of a label, the last is kept.
        let html = render(
            "One[^A] two[^a].\n\n[^A]: Upper.\n[^a]: Lower.\n[^a]: Lower again.\n",
            &MarkdownOptions::default(),
        )
        .html;
        for needle in [
            "id=\"gz-fn:A\"",
            "id=\"gz-fn:a\"",
            "href=\"#gz-fn:a\">2</a>",
            "Upper.",
            "Lower again.",
        ] {
            assert!(html.contains(needle), "{needle} in {html}");
        }
        assert!(!html.contains("Lower.&nbsp;"), "{html}");
        let html = render(
            "A[^a] B[^b] C[^a].\n\n[^a]: Note A.\n[^b]: Note B cites[^a].\n",
            &MarkdownOptions::default(),
        )
        .html;
        assert!(html.contains("id=\"gz-fnref:a:2\""), "{html}");
        assert!(html.contains("href=\"#gz-fnref:a:1\""), "{html}");
        assert!(!html.contains("href=\"#gz-fnref:a:2\""), "{html}");
    }

    /// kramdown 2.4 (Jekyll 4.3.1) numbers notes by their first reference, writes them after
    /// the text in that order, and leaves out one never referenced.
    #[test]
    fn footnotes_come_in_the_order_of_their_references() {
        let html = render(
            "[^b]: Note B.\n\nFirst[^a] and second[^b].\n\n[^a]: Note A[^c].\n[^c]: C.\n[^d]: Unused.\n",
            &MarkdownOptions::default(),
        )
        .html;
        let flat = html.split_whitespace().collect::<Vec<_>>().join(" ");
        let a = flat.find("Note A").expect("A");
        let b = flat.find("Note B.").expect("B");
        let c = flat.find("<p>C.").expect("C");
        assert!(
            flat.starts_with("<p>First<sup id=\"gz-fnref:a\">"),
            "{flat}"
        );
        assert!(a < b && b < c && !flat.contains("Unused"), "{flat}");
        // As kramdown writes them: each reference an anchor linking to its note, the notes
        // an ordered list of anchors, each linking back to its reference. (The links stay in
        // the tab once `links::rewrite_site_links` has seen them.)
        assert!(
            flat.contains(
                "<sup id=\"gz-fnref:a\"><a rel=\"noopener noreferrer\" target=\"_blank\" href=\"#gz-fn:a\">1</a></sup> and second<sup id=\"gz-fnref:b\">"
            ) && flat.contains(
                "<div> <ol> <li id=\"gz-fn:a\"> <p>Note A<sup id=\"gz-fnref:c\"><a rel=\"noopener noreferrer\" target=\"_blank\" href=\"#gz-fn:c\">3</a></sup>.&nbsp;<a rel=\"noopener noreferrer\" target=\"_blank\" href=\"#gz-fnref:a\">↩</a></p> </li>"
            ),
            "{flat}"
        );
        // Many notes stay linear.
        let many: String = (0..20_000)
            .map(|i| format!("x[^{i}]\n\n[^{i}]: n\n\n"))
            .collect();
        assert!(render(&many, &MarkdownOptions::default()).html.len() > 20_000);
    }

    /// As Jekyll 4.3.1 writes them: an `.html` post as it is (a blank line and an indented
    /// line after it are HTML still), and every ordered list of a Markdown post from 1.
    #[test]
    fn html_posts_stay_html_and_ordered_lists_start_at_one() {
        let html = "<div>\n  <div>\n    <p>美联储宣布加息。</p>\n\n    <p>据<b>路透社</b>报道。</p>\n  </div>\n</div>\n<p>The Fed said rates\n\nwill stay high.</p>\n# not a heading\n";
        let rendered = render_html_post(html);
        assert_eq!(rendered.html, html);
        assert!(
            rendered.text.contains("据路透社报道。"),
            "{}",
            rendered.text
        );
        let mail = render(
            "Write to <mailto:me@example.com>.\n",
            &MarkdownOptions::default(),
        );
        assert!(
            mail.html
                .contains("href=\"mailto:me@example.com\">me@example.com</a>"),
            "{}",
            mail.html
        );
        let list = render("3. c\n4. d\n\npara\n\n2. b\n", &MarkdownOptions::default());
        assert_eq!(
            list.html,
            "<ol>\n<li>c</li>\n<li>d</li>\n</ol>\n<p>para</p>\n<ol>\n<li>b</li>\n</ol>\n"
        );
    }

    /// kramdown 2.4 (Debian's Jekyll 4.3) on the same sources gives these elements (with
    /// its own indentation, a heading id and the `class`, which the policy drops); a start
    /// tag and its end tag on one line are read as one block too (kramdown leaves the end
    /// tag as text there: `<p><em>a</em>&lt;/div&gt;</p>`).
    #[test]
    fn markdown_inside_a_block_element_that_asks_for_it() {
        let html = |markdown: &str| {
            let rendered = render(markdown, &MarkdownOptions::default()).html;
            rendered.split_whitespace().collect::<Vec<_>>().join(" ")
        };
        for (markdown, expected) in [
            (
                "<div class=\"note\" markdown=\"1\">\n**Bold** text\n\n* one\n* two\n</div>\nAfter.",
                "<div> <p><strong>Bold</strong> text</p> <ul> <li>one</li> <li>two</li> </ul> </div> <p>After.</p>",
            ),
            (
                "<div markdown=\"1\">\n<div markdown='1'>\n# Heading\n</div>\nOuter *text*\n</div>",
                "<div> <div> <h1 id=\"gz-heading\">Heading</h1> </div> <p>Outer <em>text</em></p> </div>",
            ),
            (
                "<div markdown=\"1\">\n<div>inner raw *x*</div>\ntail *y*\n</div>",
                "<div> <div>inner raw *x*</div> <p>tail <em>y</em></p> </div>",
            ),
            ("<div markdown=\"1\">*a* and `b`</div>", "<div> <p><em>a</em> and <code>b</code></p> </div>"),
            ("<div markdown=\"0\">\n*raw*\n</div>", "<div> *raw* </div>"),
            (
                "```\n<div markdown=\"1\">\n*not*\n</div>\n```",
                "<pre><code>&lt;div markdown=\"1\"&gt; *not* &lt;/div&gt; </code></pre>",
            ),
        ] {
            assert_eq!(html(markdown), expected, "{markdown}");
        }
    }

    /// Each case is kramdown 2.4's own output (GFM input), links' added attributes aside:
    /// its quote rules look at the source around a run of text (the markup after it, a line
    /// break before it) and leave a character reference or an escape as written.
    #[test]
    fn quotes_next_to_markup_follow_kramdown() {
        let cases = [
            ("it&#39;s &quot;x&quot;", "it's \"x\""),
            ("'&quot;s", "‘\"s"),
            ("\"[a](u)\" b", "“<a>a</a>” b"),
            (
                "Read: **\"[SCP](u)\"**.",
                "Read: <strong>“<a>SCP</a>“</strong>.",
            ),
            ("!_\"word, (word", "!_“word, (word"),
            ("x['90s", "x[’90s"),
            ("**\"( x[':**", "<strong>”( x[’:</strong>"),
            ("a\n\"[ b", "a\n“[ b"),
            ("[a](u)\"\\\"s", "<a>a</a>”\"s"),
            ("`c`'<b>x</b>'&quot;", "<code>c</code>‘<b>x</b>‘\""),
        ];
        for (markdown, expected) in cases {
            let html = render(markdown, &MarkdownOptions::default())
                .html
                .replace(
                    " rel=\"noopener noreferrer\" target=\"_blank\" href=\"u\"",
                    "",
                )
                .replace("&quot;", "\"");
            assert_eq!(html, format!("<p>{expected}</p>\n"), "{markdown}");
        }
    }

    #[test]
    fn a_fence_right_after_a_list_item_is_its_code() {
        // kramdown 2.4: the fence is the item's, and each of its lines loses up to the item's
        // content column of white space (a tab is four columns).
        let html = render(
            "- A:\n```\nx\n\tat y\n  two\n```\n",
            &MarkdownOptions::default(),
        )
        .html;
        assert_eq!(
            html,
            "<ul>\n<li>A:\n<pre><code>x\n  at y\ntwo\n</code></pre>\n</li>\n</ul>\n"
        );
    }

    /// What the app would refuse to show (over 8 MB, nested over 512 deep) is refused here,
    /// with the reason, rather than stored unviewable; and markup whose tree html5ever would
    /// take too long or too much memory to build is refused before it is parsed.
    #[test]
    fn bodies_the_app_would_not_show_or_html5ever_cannot_build_are_refused() {
        let options = MarkdownOptions::default();
        let huge = "word ".repeat(2 << 20);
        let refused = try_render(&huge, &options).expect_err("over 8 MB");
        assert!(
            refused.contains("app would not show") && refused.contains("8 MB"),
            "{refused}"
        );
        let deep = format!("{}x\n", ">".repeat(600));
        let refused = try_render(&deep, &options).expect_err("600 deep");
        assert!(refused.contains("nested more than 512"), "{refused}");
        assert!(try_render(&format!("{}x\n", ">".repeat(100)), &options).is_ok());
        // N formatting elements reopened in K paragraphs: N × K elements, refused at once.
        let reopened = format!(
            "<p>{}{}",
            (0..600)
                .map(|i| format!("<b title={i}>"))
                .collect::<String>(),
            "<p>x".repeat(1000)
        );
        for refused in [
            try_render(&reopened, &options).expect_err("Markdown"),
            try_render_html_post(&reopened).expect_err("HTML"),
        ] {
            assert!(refused.contains("reopen"), "{refused}");
        }
        assert!(try_render_html_post(&"<div>".repeat(400_000))
            .expect_err("deep")
            .contains("nested more than 1024"));
    }

    /// Shapes that took minutes (each pass was linear per piece of the run: typography
    /// joined a paragraph's text events by copying all before at each, the escape check
    /// counted the backslashes before every event, the destination check read a line of
    /// `](` to its end at each): their text comes out whole.
    #[test]
    fn long_runs_of_one_markup_character_render_whole() {
        let options = MarkdownOptions::default();
        // (`<<` is kramdown's «.)
        let lt = try_render(&"<".repeat(200_000), &options).expect("rendered");
        assert_eq!(lt.text, "«".repeat(100_000));
        let backslashes = try_render(&"\\".repeat(200_000), &options).expect("rendered");
        assert_eq!(backslashes.text.len(), 100_000);
        let destinations = try_render(&"](".repeat(100_000), &options).expect("rendered");
        assert_eq!(destinations.text.len(), 200_000);
        let footnotes = try_render(&"[^a]".repeat(100_000), &options).expect("rendered");
        assert_eq!(footnotes.text.len(), 400_000);
        for list in ["{::", "{:"] {
            let body = list.repeat(100_000);
            assert_eq!(crate::liquid::strip_attribute_lists(&body), body);
        }
    }

    #[test]
    fn a_table_without_a_header_has_no_head() {
        // kramdown 2.4: `<table><tbody><tr><td>a</td>…`, no `<thead>` (an empty one was left).
        let html = render("a | b\nc | d\n", &MarkdownOptions::default()).html;
        assert_eq!(
            html,
            "<table><tbody>\n<tr><td>a</td><td>b</td></tr>\n<tr><td>c</td><td>d</td></tr>\n</tbody></table>\n"
        );
        // A table with a header keeps it.
        let html = render("| h |\n|---|\n| c |\n", &MarkdownOptions::default()).html;
        assert!(
            html.starts_with("<table><thead><tr><th>h</th></tr></thead>"),
            "{html}"
        );
    }

    #[test]
    fn finews_short_post_renders_like_kramdown() {
        let body = "\n离岸人民币兑美元升至6.3512，为2018年以来最高水平。\n\n<http://finance.eastmoney.com/news/11060,202112082206672930.html>\n\n[返回东财滚动新闻](//finews.zning.me/emnews/)\n[返回首页](//finews.zning.me/)";
        let rendered = render(body, &MarkdownOptions::default());
        assert_eq!(
            rendered.html,
            "<p>离岸人民币兑美元升至6.3512，为2018年以来最高水平。</p>\n\
<p><a rel=\"noopener noreferrer\" target=\"_blank\" href=\"http://finance.eastmoney.com/news/11060,202112082206672930.html\">http://finance.eastmoney.com/news/11060,202112082206672930.html</a></p>\n\
<p><a rel=\"noopener noreferrer\" target=\"_blank\" href=\"//finews.zning.me/emnews/\">返回东财滚动新闻</a>\n\
<a rel=\"noopener noreferrer\" target=\"_blank\" href=\"//finews.zning.me/\">返回首页</a></p>\n"
        );
        assert_eq!(
            rendered.source.as_deref(),
            Some("http://finance.eastmoney.com/news/11060,202112082206672930.html")
        );
        assert_eq!(
            rendered.text,
            "离岸人民币兑美元升至6.3512，为2018年以来最高水平。"
        );
    }

    #[test]
    fn a_raw_less_than_sign_stays_text() {
        let rendered = render("精度满足<1%的要求", &MarkdownOptions::default());
        assert_eq!(rendered.html, "<p>精度满足&lt;1%的要求</p>\n");
    }

    /// The source is a web address: an autolink to `javascript:` (or `vbscript:`, `mailto:`)
    /// is never one, so the feeds cannot link to it; the first web autolink after it is.
    #[test]
    fn only_a_web_autolink_is_the_source() {
        for body in [
            "<javascript:alert(1)>",
            "<vbscript:msgbox(1)>",
            "<mailto:a@b.c>",
        ] {
            let rendered = render(body, &MarkdownOptions::default());
            assert_eq!(rendered.source, None, "{body}");
            let rendered = render(
                &format!("{body}\n\n<https://example.org/a>"),
                &MarkdownOptions::default(),
            );
            assert_eq!(rendered.source.as_deref(), Some("https://example.org/a"));
        }
    }

    #[test]
    fn an_empty_autolink_is_no_source() {
        let rendered = render("> 摘要\n\n<>\n", &MarkdownOptions::default());
        assert_eq!(rendered.source, None);
        assert!(
            rendered.html.starts_with("<blockquote>"),
            "{}",
            rendered.html
        );
    }

    /// Whether the fast path took `markdown` (it must then agree with the full path).
    fn fast_path_agrees(markdown: &str) -> bool {
        match fast_and_full(markdown) {
            Some((fast, full)) => {
                assert_eq!(fast, full, "fast and full paths differ for {markdown:?}");
                true
            }
            None => false,
        }
    }

    fn files_under(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files_under(&path, out);
            } else {
                out.push(path);
            }
        }
    }

    /// The bodies of the fixtures' text files (their front matter left out), and the XSS
    /// vectors' HTML.
    fn fixture_bodies_and_attacks() -> (Vec<String>, Vec<String>) {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests");
        let mut files = Vec::new();
        files_under(&root.join("fixtures"), &mut files);
        let bodies = files
            .iter()
            // The binary and Latin-1 fixtures are not text.
            .filter_map(|path| std::fs::read_to_string(path).ok())
            .map(|text| {
                let body = crate::front_matter::split(&text).map_or(text.as_str(), |s| s.body);
                body.to_string()
            })
            .collect();
        let vectors: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(root.join("xss/vectors.json")).unwrap())
                .unwrap();
        let attacks = vectors["vectors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|vector| vector["html"].as_str().unwrap().to_string())
            .collect();
        (bodies, attacks)
    }

    #[test]
    fn fast_path_matches_the_sanitizer_on_real_posts_and_attacks() {
        let (bodies, attacks) = fixture_bodies_and_attacks();
        let (mut fast, mut full) = (0, 0);
        for body in &bodies {
            if fast_path_agrees(body) {
                fast += 1;
            } else {
                full += 1;
            }
        }
        // The real finews posts are mostly plain Markdown; the seed and the hand-made site
        // hold raw HTML, tables and images.
        assert!(fast >= 80 && full >= 5, "fast {fast}, full {full}");

        assert!(attacks.len() > 200);
        for html in &attacks {
            // As raw HTML, and as Markdown link destinations, titles and text.
            for markdown in [
                html.to_string(),
                format!("[x]({html})"),
                format!("[x](<{html}>)"),
                format!("[x](http://a.example/ \"{html}\")"),
                format!("<{html}>"),
                format!("*{html}*"),
            ] {
                fast_path_agrees(&markdown);
            }
        }
    }

    /// pulldown-cmark's HTML for `markdown` (what the sanitizer is given), when the plain
    /// Markdown fast path declines it.
    fn raw_html_of(markdown: &str) -> Option<String> {
        let source = crate::kramdown::prepare(markdown);
        let events = events(&source, &MarkdownOptions::default());
        if plain_html::render(&events).is_some() {
            return None;
        }
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events.into_iter());
        Some(html)
    }

    /// Whether the raw HTML fast path took `html`; it must then give ammonia's bytes.
    fn raw_fast_path_agrees(html: &str) -> bool {
        match gazette_sanitize::raw_html::sanitize(html) {
            Some(fast) => {
                let full = gazette_sanitize::ammonia_sanitize(html);
                assert_eq!(
                    fast, full,
                    "raw HTML fast path and ammonia differ for {html:?}"
                );
                true
            }
            None => false,
        }
    }

    #[test]
    fn raw_html_fast_path_matches_ammonia_on_posts_and_attacks() {
        let (bodies, attacks) = fixture_bodies_and_attacks();
        let (mut fast, mut full) = (0, 0);
        for body in &bodies {
            // Bodies as the sanitizer gets them, and as HTML themselves.
            raw_fast_path_agrees(body);
            let Some(html) = raw_html_of(body) else {
                continue;
            };
            if raw_fast_path_agrees(&html) {
                fast += 1;
            } else {
                full += 1;
            }
        }
        eprintln!("fixtures: fast {fast}, full {full}");
        assert!(fast >= 10 && full >= 1, "fast {fast}, full {full}");

        for html in &attacks {
            raw_fast_path_agrees(html);
            if let Some(rendered) = raw_html_of(html) {
                raw_fast_path_agrees(&rendered);
            }
        }

        // The generator's posts: a third of them are finews-style raw HTML (paragraphs,
        // stock links in spans, images in `<center>`), which the fast path must take.
        let options = crate::generate::GenerateOptions {
            posts: 3000,
            seed: 11,
            categories: 50,
            anomaly_rate: 0.05,
        };
        let sources = crate::generate::sources(&options);
        let (mut raw, mut taken) = (0, 0);
        for index in 0..options.posts {
            for file in crate::generate::generate_post(&options, &sources, index) {
                let text = String::from_utf8(file.bytes).unwrap();
                let body = crate::front_matter::split(&text).map_or(text.as_str(), |s| s.body);
                let html = if file.path.ends_with(".md") {
                    match raw_html_of(body) {
                        Some(html) => html,
                        None => continue,
                    }
                } else {
                    body.to_string()
                };
                raw += 1;
                if raw_fast_path_agrees(&html) {
                    taken += 1;
                }
            }
        }
        eprintln!("generated: took {taken} of {raw}");
        assert!(raw > 500 && taken * 10 >= raw * 9, "took {taken} of {raw}");
    }

    #[test]
    fn fast_path_matches_the_sanitizer_on_random_markdown() {
        use rand::{Rng, SeedableRng};
        const PIECES: &[&str] = &[
            "人民币汇率",
            "A股",
            " ",
            "  \n",
            "\n",
            "\n\n",
            "&",
            "&amp;",
            "&lt;",
            "<",
            ">",
            "\"",
            "'",
            "\u{a0}",
            "&nbsp;",
            "*",
            "**",
            "_",
            "~~",
            "`",
            "``",
            "\\",
            "#",
            "# ",
            "## ",
            "> ",
            "- ",
            "* ",
            "1. ",
            "3) ",
            "---",
            "***",
            "    ",
            "[",
            "]",
            "(",
            ")",
            "[链接](http://a.example/x?a=1&b='2' \"题\")",
            "[r](../emnews/)",
            "[s](//h.example/p q)",
            "<http://finance.eastmoney.com/news/1,2.html>",
            "<mailto:a@b.example>",
            "<a@b.example>",
            "<>",
            "[j](javascript:alert(1))",
            "[d](data:text/html,x)",
            "[v](JaVaScRiPt:x)",
            "[b](http://[::1)",
            "[u](http://例子.测试/路径)",
            "[e]()",
            "[t](# \"x\")",
            "![图](http://i.example/a.png)",
            "<b>",
            "</b>",
            "<!-- c -->",
            "<p>",
            "| a | b |\n|---|---|\n",
            "[^1]",
            "[^1]: 注\n",
            "{#id}",
            "\t",
            "\u{0}",
            "\u{c}",
            "\u{fffe}",
            "\u{200b}",
            "[ref]",
            "[ref]: http://r.example/ \"R\"\n",
            "```\ncode\n```\n",
            "- [ ] task\n",
        ];
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let (mut fast, mut full) = (0, 0);
        for _ in 0..20_000 {
            let len = rng.gen_range(1..24);
            let markdown: String = (0..len)
                .map(|_| PIECES[rng.gen_range(0..PIECES.len())])
                .collect();
            if fast_path_agrees(&markdown) {
                fast += 1;
            } else {
                full += 1;
            }
        }
        // Both paths are exercised a lot, or the comparison proves little.
        assert!(fast > 2_000 && full > 2_000, "fast {fast}, full {full}");
    }

    #[test]
    fn tables_render() {
        let rendered = render(
            "| a | b |\n|---|---|\n| 1 | 2 |\n",
            &MarkdownOptions::default(),
        );
        assert!(rendered.html.contains("<table>"), "{}", rendered.html);
        assert!(rendered.html.contains("<td>2</td>"), "{}", rendered.html);
    }

    #[test]
    fn a_site_with_hard_wrap_gets_line_breaks() {
        let text = "一行\n第二行\n";
        assert_eq!(
            render(text, &MarkdownOptions::default()).html,
            "<p>一行\n第二行</p>\n"
        );
        let hard = MarkdownOptions {
            hard_wrap: true,
            ..MarkdownOptions::default()
        };
        assert_eq!(render(text, &hard).html, "<p>一行<br>\n第二行</p>\n");
    }

    /// Checked with Jekyll 4.3.1 (Debian) and `kramdown: parse_block_html: true`: a block
    /// element's lines are Markdown, unless it says `markdown="0"`.
    #[test]
    fn a_site_with_parse_block_html_gets_markdown_in_its_blocks() {
        let text = "<div class=\"box\">\nThis is **bold**.\n\n- one\n- two\n</div>\n\n\
                    <aside><p>x</p>\ninner **b**\n</aside>\n\n<div markdown=\"0\">\nRaw **x**.\n</div>\n";
        let options = MarkdownOptions {
            parse_block_html: true,
            ..MarkdownOptions::default()
        };
        assert_eq!(
            render(text, &options).html,
            "<div>\n<p>This is <strong>bold</strong>.</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n\
             </div>\n<div>\n<p>x</p>\n<p>inner <strong>b</strong></p>\n</div>\n<div>\nRaw **x**.\n</div>\n"
        );
        let raw = render(text, &MarkdownOptions::default()).html;
        assert!(raw.contains("This is **bold**."), "{raw}");
    }
}
