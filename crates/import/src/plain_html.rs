//! Markdown that holds no raw HTML, written straight as the HTML the sanitizer would make of
//! it.
//!
//! Most news posts are paragraphs, emphasis and links. For them the full path — pulldown-cmark
//! writes HTML, `ammonia` parses it with html5ever, walks the tree, and serializes the same
//! tree back — cost about a third of the builder's import time, only to return what went in.
//! [`render`] writes such posts directly, escaping text and attributes the way html5ever's
//! serializer does and adding the policy's forced attributes, so its output is byte for byte
//! what [`gazette_sanitize::sanitize_html`] gives for pulldown-cmark's HTML (a differential test
//! in [`crate::markdown`] holds the two together).
//!
//! It writes only a small, known-safe subset of Markdown, every element of which the policy
//! allows. Anything else — raw HTML, images, tables, footnotes, code blocks, heading
//! attributes, nested links, a link the policy or ammonia would change — makes it return
//! `None`, and the caller takes the full sanitizing path. Safety never depends on this module
//! being complete, only on it refusing what it does not know.

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use gazette_archive::sanitize_policy as policy;
use gazette_sanitize::raw_html::{escape_attribute, escape_text};
use gazette_sanitize::{ammonia_keeps_url, push_forced_attributes};

/// The sanitized HTML of `events`, or `None` when they hold anything outside the subset.
pub fn render(events: &[Event<'_>]) -> Option<String> {
    let mut writer = Writer {
        out: String::with_capacity(events.len() * 64),
        end_newline: true,
        link_depth: 0,
    };
    for event in events {
        writer.event(event)?;
    }
    Some(writer.out)
}

/// Mirrors pulldown-cmark's `HtmlWriter` (the same line breaks between blocks) for the
/// subset, with html5ever's serialization of what it writes.
struct Writer {
    out: String,
    /// Whether the output ends with a line break (pulldown-cmark starts blocks on a new line).
    end_newline: bool,
    link_depth: usize,
}

impl Writer {
    fn event(&mut self, event: &Event<'_>) -> Option<()> {
        match event {
            Event::Start(tag) => self.start(tag)?,
            Event::End(tag) => self.end(*tag)?,
            // A carriage return is a line feed to html5ever (its input stream's rule): the
            // full path writes it so.
            Event::Text(text) | Event::Code(text)
                if memchr::memchr(b'\r', text.as_bytes()).is_some() =>
            {
                return None
            }
            Event::Text(text) => {
                escape_text(&mut self.out, text)?;
                self.end_newline = text.ends_with('\n');
            }
            Event::Code(text) => {
                self.out.push_str("<code>");
                escape_text(&mut self.out, text)?;
                self.write("</code>");
            }
            Event::SoftBreak => self.write("\n"),
            // pulldown-cmark writes `<br />` and `<hr />`; html5ever serializes void
            // elements without the slash.
            Event::HardBreak => self.write("<br>\n"),
            Event::Rule => self.block("<hr>\n"),
            Event::Html(_)
            | Event::InlineHtml(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_)
            | Event::FootnoteReference(_)
            | Event::TaskListMarker(_) => return None,
        }
        Some(())
    }

    fn start(&mut self, tag: &Tag<'_>) -> Option<()> {
        match tag {
            Tag::Paragraph => self.block("<p>"),
            Tag::Heading {
                level,
                id: None,
                classes,
                attrs,
            } if classes.is_empty() && attrs.is_empty() => self.block(&format!("<{level}>")),
            // An anchor (see `kramdown::heading_ids`), kept by the policy as it is.
            Tag::Heading {
                level,
                id: Some(id),
                classes,
                attrs,
            } if classes.is_empty() && attrs.is_empty() && policy::is_anchor(id) => {
                let mut start = format!("<{level} id=\"");
                escape_attribute(&mut start, id)?;
                start.push_str("\">");
                self.block(&start)
            }
            Tag::BlockQuote(None) => self.block("<blockquote>\n"),
            Tag::List(None) => self.block("<ul>\n"),
            Tag::List(Some(1)) => self.block("<ol>\n"),
            Tag::List(Some(start)) => self.block(&format!("<ol start=\"{start}\">\n")),
            Tag::Item => self.block("<li>"),
            Tag::Emphasis => self.write("<em>"),
            Tag::Strong => self.write("<strong>"),
            Tag::Strikethrough => self.write("<del>"),
            Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            } if self.link_depth == 0 => {
                let href = kept_href(*link_type, dest_url)?;
                self.link_depth += 1;
                self.out.push_str("<a");
                push_forced_attributes(&mut self.out, "a");
                self.out.push_str(" href=\"");
                escape_attribute(&mut self.out, &href)?;
                if !title.is_empty() {
                    self.out.push_str("\" title=\"");
                    escape_attribute(&mut self.out, title)?;
                }
                self.write("\">");
            }
            _ => return None,
        }
        Some(())
    }

    fn end(&mut self, tag: TagEnd) -> Option<()> {
        match tag {
            TagEnd::Paragraph => self.write("</p>\n"),
            TagEnd::Heading(level) => self.write(&format!("</{level}>\n")),
            TagEnd::BlockQuote(_) => self.write("</blockquote>\n"),
            TagEnd::List(true) => self.write("</ol>\n"),
            TagEnd::List(false) => self.write("</ul>\n"),
            TagEnd::Item => self.write("</li>\n"),
            TagEnd::Emphasis => self.write("</em>"),
            TagEnd::Strong => self.write("</strong>"),
            TagEnd::Strikethrough => self.write("</del>"),
            TagEnd::Link => {
                self.link_depth -= 1;
                self.write("</a>");
            }
            _ => return None,
        }
        Some(())
    }

    fn write(&mut self, s: &str) {
        self.out.push_str(s);
        self.end_newline = s.ends_with('\n');
    }

    /// A block's start tag, on a line of its own.
    fn block(&mut self, s: &str) {
        if !self.end_newline {
            self.out.push('\n');
        }
        self.write(s);
    }
}

/// The `href` the full path would keep for a link: pulldown-cmark's escaping of the
/// destination as html5ever reads it back, when both the policy and ammonia (which parses it
/// with the `url` crate and checks the scheme) let it through unchanged; `None` otherwise.
fn kept_href(link_type: LinkType, dest_url: &CowStr<'_>) -> Option<String> {
    let mut written = String::with_capacity(dest_url.len() + 8);
    if link_type == LinkType::Email {
        written.push_str("mailto:");
    }
    pulldown_cmark_escape::escape_href(&mut written, dest_url).ok()?;
    // escape_href percent-encodes everything but `&` and `'`, which it writes as entities.
    let href = if written.contains('&') {
        written.replace("&amp;", "&").replace("&#x27;", "'")
    } else {
        written
    };
    (ammonia_keeps_url(&href) && policy::is_allowed_url(&href)).then_some(href)
}
