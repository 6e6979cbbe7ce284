//! A linear pass over raw HTML before html5ever builds its tree, refusing markup whose tree
//! would cost far more than its size: html5ever follows the HTML standard, whose tree builder
//! reopens every formatting element left open (`<b>`, `<font>`…) after each block that closed
//! it — N such elements with different attributes (the standard's "Noah's Ark" clause merges
//! only identical ones) and K paragraphs make N × K elements (a 53 KB post was 195 MB of
//! HTML and 2.5 GB of memory) —, walks its stack of open elements at most tags (400,000 nested
//! `<div>`s took two minutes) and compares each attribute with the tag's others (200,000
//! attributes on one `<img>`, fifty seconds).
//!
//! The pass reads the markup as html5ever's tokenizer does (comments, raw text, every
//! attribute syntax) and follows the `in body` rules that open, close and reopen elements
//! (implied end tags, scopes, list items, table sections, the adoption agency's cases,
//! foreign content) closely enough to bound what html5ever does: where it cannot tell, it
//! keeps an element open and takes a formatting element for closed, so its depth and its
//! count of reopened elements are at least html5ever's. Sloppy markup as old pages have it
//! (unclosed `<font>`, `<b>`, `<td>`, `<li>`, `<p>`) stays far within the limits: they are
//! set where a post's tree would pass what the app shows anyway (8 MB, 512 deep).

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::hash::{Hash, Hasher};

/// Attributes one tag may have (html5ever compares each with those before it).
pub const MOST_ATTRIBUTES: usize = 1_000;
/// Elements open inside each other (html5ever walks its stack of them at most tags; the
/// app shows 512 at most).
pub const MOST_DEPTH: usize = 1_024;
/// Bytes of HTML the reopened formatting elements may make (the app shows 8 MB at most).
pub const MOST_REOPENED_BYTES: usize = 8 << 20;

/// `Ok` when html5ever's work on `html` stays within the limits; otherwise why not.
pub fn check(html: &str) -> Result<(), String> {
    build(html).map(drop)
}

/// The tree as far as this pass follows it, or why it stopped.
fn build(html: &str) -> Result<Tree<'_>, String> {
    let mut tokens = Tokenizer {
        html,
        at: 0,
        foreign: false,
    };
    let mut tree = Tree::default();
    loop {
        // In SVG or MathML, `<![CDATA[…]]>` is text.
        tokens.foreign = tree.top().is_some_and(|top| top.foreign);
        let Some(token) = tokens.next()? else { break };
        match token {
            // In foreign content text reopens nothing, nor does white space right in a
            // table, section or row.
            Token::Text(_) if tree.in_foreign_content() => {}
            Token::Text(true) if tree.in_table_text() => {}
            Token::Text(_) => tree.reconstruct()?,
            Token::End(name) => tree.end_tag(name),
            Token::Start(tag) => {
                if let Some(raw) = tree.start_tag(tag)? {
                    match raw {
                        RawText::Until(name) if name == "script" => tokens.skip_script(),
                        RawText::Until(name) => tokens.skip_raw_text(&name),
                        RawText::ToTheEnd => {
                            // `<plaintext>`: the rest is text.
                            tree.reconstruct()?;
                            return Ok(tree);
                        }
                    }
                }
            }
        }
    }
    Ok(tree)
}

enum Token<'a> {
    /// A run of characters (html5ever reopens the formatting elements before it), and
    /// whether it is all white space.
    Text(bool),
    Start(StartTag<'a>),
    End(Cow<'a, str>),
}

struct StartTag<'a> {
    /// Lower case.
    name: Cow<'a, str>,
    /// Lower-case names and raw values, in order, repeats included.
    attributes: Vec<(Cow<'a, str>, &'a str)>,
    self_closing: bool,
    /// The tag's length in the source (an estimate of what reopening it writes).
    len: usize,
}

/// html5ever's tokenizer, as far as where tags start and end goes.
struct Tokenizer<'a> {
    html: &'a str,
    at: usize,
    /// The current node is SVG or MathML.
    foreign: bool,
}

fn is_whitespace(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
}

fn lower(name: &str) -> Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

impl<'a> Tokenizer<'a> {
    fn bytes(&self) -> &'a [u8] {
        self.html.as_bytes()
    }

    /// Moves past the next `>` (a bogus comment or a DOCTYPE), or to the end.
    fn skip_past_gt(&mut self) {
        self.at = memchr::memchr(b'>', &self.bytes()[self.at..])
            .map_or(self.html.len(), |i| self.at + i + 1);
    }

    fn next(&mut self) -> Result<Option<Token<'a>>, String> {
        let bytes = self.bytes();
        loop {
            if self.at >= bytes.len() {
                return Ok(None);
            }
            if bytes[self.at] != b'<' {
                let start = self.at;
                self.at =
                    memchr::memchr(b'<', &bytes[self.at..]).map_or(bytes.len(), |i| self.at + i);
                let blank = bytes[start..self.at].iter().all(|&b| is_whitespace(b));
                return Ok(Some(Token::Text(blank)));
            }
            match bytes.get(self.at + 1) {
                Some(b) if b.is_ascii_alphabetic() => {
                    let start = self.at;
                    self.at += 1;
                    return Ok(self.tag(start, false)?.map(Token::Start));
                }
                Some(b'/') => match bytes.get(self.at + 2) {
                    Some(b) if b.is_ascii_alphabetic() => {
                        let start = self.at;
                        self.at += 2;
                        return Ok(self.tag(start, true)?.map(|tag| Token::End(tag.name)));
                    }
                    // `</>` is dropped.
                    Some(b'>') => self.at += 3,
                    // `</` at the end is text.
                    None => {
                        self.at = bytes.len();
                        return Ok(Some(Token::Text(false)));
                    }
                    Some(_) => self.skip_past_gt(),
                },
                Some(b'!') => {
                    if self.foreign && bytes[self.at..].starts_with(b"<![CDATA[") {
                        self.at = memchr::memmem::find(&bytes[self.at + 9..], b"]]>")
                            .map_or(bytes.len(), |i| self.at + 9 + i + 3);
                        return Ok(Some(Token::Text(false)));
                    }
                    self.markup_declaration()
                }
                Some(b'?') => self.skip_past_gt(),
                // `<` before anything else is text.
                _ => {
                    self.at += 1;
                    return Ok(Some(Token::Text(false)));
                }
            }
        }
    }

    /// `<!`: a comment (to its `-->` or `--!>`; `<!-->` and `<!--->` are empty), or a DOCTYPE
    /// or bogus comment, to the next `>`.
    fn markup_declaration(&mut self) {
        let bytes = self.bytes();
        if !bytes[self.at..].starts_with(b"<!--") {
            return self.skip_past_gt();
        }
        let body = self.at + 4;
        if bytes[body..].starts_with(b">") {
            self.at = body + 1;
            return;
        }
        if bytes[body..].starts_with(b"->") {
            self.at = body + 2;
            return;
        }
        let mut from = body;
        while let Some(i) = memchr::memmem::find(&bytes[from..], b"--") {
            let dashes = from + i;
            let after = &bytes[dashes + 2..];
            if after.starts_with(b">") {
                self.at = dashes + 3;
                return;
            }
            if after.starts_with(b"!>") {
                self.at = dashes + 4;
                return;
            }
            from = dashes + 1;
        }
        self.at = bytes.len();
    }

    /// The tag whose name starts at `self.at` (`start` is its `<`); `None` when the input
    /// ends inside it (html5ever drops it).
    fn tag(&mut self, start: usize, is_end: bool) -> Result<Option<StartTag<'a>>, String> {
        let bytes = self.bytes();
        let name_end = bytes[self.at..]
            .iter()
            .position(|&b| is_whitespace(b) || b == b'/' || b == b'>')
            .map(|i| self.at + i);
        let Some(name_end) = name_end else {
            self.at = bytes.len();
            return Ok(None);
        };
        let mut tag = StartTag {
            name: lower(&self.html[self.at..name_end]),
            attributes: Vec::new(),
            self_closing: false,
            len: 0,
        };
        let mut at = name_end;
        let done = |tag: &mut StartTag<'a>, end: usize| tag.len = end - start;
        loop {
            // Before an attribute's name.
            while bytes.get(at).copied().is_some_and(is_whitespace) {
                at += 1;
            }
            match bytes.get(at) {
                None => {
                    self.at = bytes.len();
                    return Ok(None);
                }
                Some(b'>') => {
                    done(&mut tag, at + 1);
                    self.at = at + 1;
                    return Ok(Some(tag));
                }
                Some(b'/') => {
                    if bytes.get(at + 1) == Some(&b'>') {
                        tag.self_closing = true;
                        done(&mut tag, at + 2);
                        self.at = at + 2;
                        return Ok(Some(tag));
                    }
                    at += 1;
                    continue;
                }
                Some(_) => {}
            }
            // The name: a first `=` belongs to it.
            let name_start = at;
            at += 1;
            while let Some(&b) = bytes.get(at) {
                if is_whitespace(b) || matches!(b, b'/' | b'>' | b'=') {
                    break;
                }
                at += 1;
            }
            let name = lower(&self.html[name_start..at]);
            while bytes.get(at).copied().is_some_and(is_whitespace) {
                at += 1;
            }
            let mut value = "";
            if bytes.get(at) == Some(&b'=') {
                at += 1;
                while bytes.get(at).copied().is_some_and(is_whitespace) {
                    at += 1;
                }
                match bytes.get(at) {
                    Some(&quote @ (b'"' | b'\'')) => {
                        let Some(close) = memchr::memchr(quote, &bytes[at + 1..]) else {
                            self.at = bytes.len();
                            return Ok(None);
                        };
                        value = &self.html[at + 1..at + 1 + close];
                        at += close + 2;
                    }
                    // `>` is read again: the value is missing.
                    Some(b'>') | None => {}
                    Some(_) => {
                        let value_start = at;
                        while let Some(&b) = bytes.get(at) {
                            if is_whitespace(b) || b == b'>' {
                                break;
                            }
                            at += 1;
                        }
                        value = &self.html[value_start..at];
                    }
                }
            }
            tag.attributes.push((name, value));
            if tag.attributes.len() > MOST_ATTRIBUTES {
                return Err(format!(
                    "a tag with more than {MOST_ATTRIBUTES} attributes (`<{}`…; the HTML \
                     parser's time grows with their square)",
                    if is_end { "/" } else { "" }.to_string() + &tag.name
                ));
            }
        }
    }

    /// Whether `name` (any case) followed by white space, `/` or `>` starts at `at`.
    fn names_at(&self, at: usize, name: &[u8]) -> bool {
        let bytes = self.bytes();
        bytes
            .get(at..at + name.len())
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
            && bytes
                .get(at + name.len())
                .is_some_and(|&b| is_whitespace(b) || b == b'/' || b == b'>')
    }

    /// Moves past a script's text to its end tag, through the tokenizer's escaped states:
    /// after `<!--`, a `<script>` makes the next `</script>` part of the text, up to `-->`.
    fn skip_script(&mut self) {
        #[derive(PartialEq)]
        enum State {
            Data,
            Escaped,
            DoubleEscaped,
        }
        let bytes = self.bytes();
        let mut state = State::Data;
        let mut at = self.at;
        while let Some(i) = memchr::memchr2(b'<', b'-', &bytes[at..]) {
            let here = at + i;
            let rest = &bytes[here..];
            at = here + 1;
            if rest.starts_with(b"-->") {
                if state != State::Data {
                    state = State::Data;
                    at = here + 3;
                }
            } else if rest.starts_with(b"<!--") {
                if state == State::Data {
                    state = State::Escaped;
                    // Its dashes may close it at once (`<!-->`).
                    at = here + 2;
                }
            } else if rest.starts_with(b"</") && self.names_at(here + 2, b"script") {
                match state {
                    State::DoubleEscaped => {
                        state = State::Escaped;
                        at = here + 8;
                    }
                    _ => {
                        self.at = here;
                        return;
                    }
                }
            } else if rest.starts_with(b"<")
                && state == State::Escaped
                && self.names_at(here + 1, b"script")
            {
                state = State::DoubleEscaped;
                at = here + 7;
            }
        }
        self.at = bytes.len();
    }

    /// Moves past the text of a raw-text element (`<style>`, `<textarea>`…) to its end
    /// tag: the first `</name` followed by white space, `/` or `>`.
    fn skip_raw_text(&mut self, name: &str) {
        let bytes = self.bytes();
        let mut from = self.at;
        while let Some(i) = memchr::memmem::find(&bytes[from..], b"</") {
            let candidate = from + i;
            let name_start = candidate + 2;
            let name_end = name_start + name.len();
            if bytes
                .get(name_start..name_end)
                .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
                && bytes
                    .get(name_end)
                    .is_some_and(|&b| is_whitespace(b) || b == b'/' || b == b'>')
            {
                self.at = candidate;
                return;
            }
            from = candidate + 2;
        }
        self.at = bytes.len();
    }
}

/// What a template's first tag makes it, for the tags of a table's parts that follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TemplateRole {
    /// `<caption>`, `<colgroup>`, a section: a table.
    Table,
    /// `<tr>`: a table's section.
    Section,
    /// `<td>`, `<th>`: a row.
    Row,
    /// `<col>`: columns (every other tag is ignored).
    Columns,
    /// Anything else: a body (a table's parts are ignored).
    Body,
}

impl TemplateRole {
    fn of_first(name: &str) -> TemplateRole {
        match name {
            "caption" | "colgroup" | "tbody" | "tfoot" | "thead" => TemplateRole::Table,
            "tr" => TemplateRole::Section,
            "td" | "th" => TemplateRole::Row,
            "col" => TemplateRole::Columns,
            _ => TemplateRole::Body,
        }
    }
}

/// What the tokenizer reads after a start tag.
enum RawText {
    /// Text up to this element's end tag.
    Until(String),
    /// Text up to the end of the input.
    ToTheEnd,
}

/// One element of the stack of open elements.
struct Slot<'a> {
    name: Cow<'a, str>,
    /// Removed from the middle of the stack (`</form>`), waiting to be popped.
    live: bool,
    /// SVG or MathML.
    foreign: bool,
    /// MathML (when foreign).
    math: bool,
    /// Where foreign content lets HTML in (`foreignObject`, `mi`…).
    integration: bool,
    special: bool,
    boundary: bool,
    /// A template: what its first tag made it (`None` before it).
    template_role: Option<TemplateRole>,
    /// Its entry in the list of active formatting elements.
    entry: Option<usize>,
}

/// One entry of the list of active formatting elements.
struct Entry<'a> {
    name: Cow<'a, str>,
    /// What reopening it writes, about: its start tag and end tag.
    bytes: usize,
    live: bool,
    /// Its element's place in the stack, while it is open.
    slot: Option<usize>,
}

/// The stack of open elements and the list of active formatting elements, as html5ever's
/// tree builder keeps them, in bounds.
#[derive(Default)]
struct Tree<'a> {
    slots: Vec<Slot<'a>>,
    /// Open elements, so that a scope is a comparison of places.
    depth: usize,
    by_name: HashMap<Cow<'a, str>, Vec<usize>>,
    /// Places of the elements that end a scope (`table`, `td`…) and of special ones.
    boundaries: Vec<usize>,
    specials: Vec<usize>,
    entries: Vec<Entry<'a>>,
    /// Live entries by name and by name-and-attributes ("Noah's Ark": three at most).
    entries_by_name: HashMap<Cow<'a, str>, Vec<usize>>,
    entries_by_key: HashMap<u64, VecDeque<usize>>,
    /// Every entry made, in order, the removed ones left out lazily.
    in_order: Vec<usize>,
    /// The list's markers (a cell, a caption, an `<object>`, a template: what is before one
    /// is not reopened inside it): the index the entries after each start at.
    markers: Vec<usize>,
    /// Live entries whose element is closed: reopened by the next text or inline tag.
    closed: BTreeSet<usize>,
    reopened_bytes: usize,
    /// The most elements open at once, the elements made, and those removed from the
    /// middle of the stack (which stay in the tree above what is open: for tests).
    most_depth: usize,
    elements: usize,
    removed_from_middle: usize,
    /// The form element pointer: set (`Some`) from a `<form>` to its `</form>`, with the
    /// form's place while it is open.
    form_pointer: Option<Option<usize>>,
}

const FORMATTING: &[&str] = &[
    "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
];

/// Start tags that close an open paragraph (and open an element).
const CLOSE_PARAGRAPH: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "header",
    "hgroup",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "search",
    "section",
    "summary",
    "ul",
    "pre",
    "listing",
    "form",
    "table",
];

const HEADINGS: &[&str] = &["h1", "h2", "h3", "h4", "h5", "h6"];

/// End tags that close their element when it is in scope (and everything inside it).
const BLOCK_END: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "button",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "header",
    "hgroup",
    "listing",
    "main",
    "menu",
    "nav",
    "ol",
    "pre",
    "search",
    "section",
    "select",
    "summary",
    "ul",
    "dd",
    "dt",
];

fn is_special_html(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "applet"
            | "area"
            | "article"
            | "aside"
            | "base"
            | "basefont"
            | "bgsound"
            | "blockquote"
            | "body"
            | "br"
            | "button"
            | "caption"
            | "center"
            | "col"
            | "colgroup"
            | "dd"
            | "details"
            | "dir"
            | "div"
            | "dl"
            | "dt"
            | "embed"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "frame"
            | "frameset"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "head"
            | "header"
            | "hgroup"
            | "hr"
            | "html"
            | "iframe"
            | "img"
            | "input"
            | "isindex"
            | "keygen"
            | "li"
            | "link"
            | "listing"
            | "main"
            | "marquee"
            | "menu"
            | "meta"
            | "nav"
            | "noembed"
            | "noframes"
            | "noscript"
            | "object"
            | "ol"
            | "p"
            | "param"
            | "plaintext"
            | "pre"
            | "script"
            | "section"
            | "select"
            | "source"
            | "style"
            | "summary"
            | "table"
            | "tbody"
            | "td"
            | "template"
            | "textarea"
            | "tfoot"
            | "th"
            | "thead"
            | "title"
            | "tr"
            | "track"
            | "ul"
            | "wbr"
            | "xmp"
    )
}

fn is_boundary_html(name: &str) -> bool {
    matches!(
        name,
        "applet"
            | "caption"
            | "html"
            | "table"
            | "td"
            | "th"
            | "marquee"
            | "object"
            | "select"
            | "template"
    )
}

/// SVG and MathML elements where HTML goes on (and scopes end).
fn is_integration_point(name: &str, math: bool) -> bool {
    if math {
        matches!(name, "mi" | "mo" | "mn" | "ms" | "mtext")
    } else {
        matches!(name, "foreignobject" | "desc" | "title")
    }
}

/// Start tags that leave foreign content (`<svg><p>`).
fn breaks_out(tag: &StartTag<'_>) -> bool {
    matches!(
        tag.name.as_ref(),
        "b" | "big"
            | "blockquote"
            | "body"
            | "br"
            | "center"
            | "code"
            | "dd"
            | "div"
            | "dl"
            | "dt"
            | "em"
            | "embed"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "head"
            | "hr"
            | "i"
            | "img"
            | "li"
            | "listing"
            | "menu"
            | "meta"
            | "nobr"
            | "ol"
            | "p"
            | "pre"
            | "ruby"
            | "s"
            | "small"
            | "span"
            | "strong"
            | "strike"
            | "sub"
            | "sup"
            | "table"
            | "tt"
            | "u"
            | "ul"
            | "var"
    ) || (tag.name == "font"
        && tag
            .attributes
            .iter()
            .any(|(name, _)| matches!(name.as_ref(), "color" | "face" | "size")))
}

/// An element's name in [`Tree::by_name`]: HTML's rules look up HTML elements only (an
/// SVG `<title>` is not closed by `</title>` in HTML content).
fn index_name<'a>(name: &Cow<'a, str>, foreign: bool) -> Cow<'a, str> {
    if foreign {
        Cow::Owned(format!("svg/math:{name}"))
    } else {
        name.clone()
    }
}

/// The key two entries share when the standard takes them for the same element: the name
/// and the attributes (the first of each name), in any order.
fn entry_key(tag: &StartTag<'_>) -> u64 {
    let mut attributes: Vec<(&str, &str)> = tag
        .attributes
        .iter()
        .map(|(name, value)| (name.as_ref(), *value))
        .collect();
    // Stable: the first of two equal names stays first, and `dedup_by` keeps it.
    attributes.sort_by(|a, b| a.0.cmp(b.0));
    attributes.dedup_by(|later, earlier| later.0 == earlier.0);
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    tag.name.hash(&mut hasher);
    attributes.hash(&mut hasher);
    hasher.finish()
}

impl<'a> Tree<'a> {
    fn last(&self, name: &str) -> Option<usize> {
        self.by_name
            .get(name)
            .and_then(|places| places.last().copied())
    }

    fn top(&self) -> Option<&Slot<'a>> {
        self.slots.last()
    }

    /// Whether a start tag is read as SVG or MathML (the current node is one, outside an
    /// integration point).
    fn in_foreign_content(&self) -> bool {
        self.top()
            .is_some_and(|top| top.foreign && !top.integration)
    }

    /// Whether the element at `place` is in scope: no boundary above it.
    fn in_scope(&self, place: usize) -> bool {
        self.boundaries.last().is_none_or(|&b| b <= place)
    }

    fn in_scope_beyond(&self, place: usize, also: &[&str]) -> bool {
        self.in_scope(place)
            && also
                .iter()
                .all(|name| self.last(name).is_none_or(|other| other <= place))
    }

    /// Pushes an HTML element.
    fn push(&mut self, name: Cow<'a, str>, entry: Option<usize>) -> Result<usize, String> {
        self.push_element(name, None, false, entry)
    }

    /// Pushes an element: HTML, or (`Some(math)`) MathML or SVG; `integration` for an
    /// `annotation-xml` that holds HTML.
    fn push_element(
        &mut self,
        name: Cow<'a, str>,
        namespace: Option<bool>,
        integration: bool,
        entry: Option<usize>,
    ) -> Result<usize, String> {
        let foreign = namespace.is_some();
        let math = namespace == Some(true);
        if self.depth >= MOST_DEPTH {
            return Err(format!(
                "elements nested more than {MOST_DEPTH} deep (the HTML parser's time grows \
                 with the depth at every tag)"
            ));
        }
        let place = self.slots.len();
        let integration = foreign && (integration || is_integration_point(&name, math));
        // MathML's and SVG's integration points end scopes (`annotation-xml` not, in
        // html5ever); html5ever takes no foreign element for special.
        let boundary = if foreign {
            is_integration_point(&name, math)
        } else {
            is_boundary_html(&name)
        };
        let special = !foreign && is_special_html(&name);
        if boundary {
            self.boundaries.push(place);
        }
        if special {
            self.specials.push(place);
        }
        self.by_name
            .entry(index_name(&name, foreign))
            .or_default()
            .push(place);
        self.slots.push(Slot {
            name,
            live: true,
            foreign,
            math,
            integration,
            special,
            boundary,
            template_role: None,
            entry,
        });
        self.depth += 1;
        self.most_depth = self.most_depth.max(self.depth);
        self.elements += 1;
        if let Some(entry) = entry {
            self.entries[entry].slot = Some(place);
        }
        Ok(place)
    }

    /// Forgets the live element at `place` in the indexes, and marks its entry closed.
    fn unlist(&mut self, place: usize) {
        if self.form_pointer == Some(Some(place)) {
            self.form_pointer = Some(None);
        }
        let slot = &mut self.slots[place];
        slot.live = false;
        self.depth -= 1;
        // (At the top of the stack, `place` is the last of each list it is in.)
        if let Some(places) = self.by_name.get_mut(&index_name(&slot.name, slot.foreign)) {
            if let Some(i) = places.iter().rposition(|&p| p == place) {
                places.remove(i);
            }
        }
        if let Some(entry) = slot.entry.take() {
            self.entries[entry].slot = None;
            self.closed.insert(entry);
        }
        for (flag, list) in [
            (slot.boundary, &mut self.boundaries),
            (slot.special, &mut self.specials),
        ] {
            if flag {
                if let Some(i) = list.iter().rposition(|&p| p == place) {
                    list.remove(i);
                }
            }
        }
    }

    fn pop(&mut self) {
        let place = self.slots.len() - 1;
        if self.slots[place].live {
            self.unlist(place);
        }
        self.slots.pop();
        // Elements removed from the middle go when they come to the top.
        while self.slots.last().is_some_and(|slot| !slot.live) {
            self.slots.pop();
        }
    }

    /// Pops elements until the one at `place` is popped.
    fn pop_to(&mut self, place: usize) {
        while self.slots.len() > place {
            self.pop();
        }
    }

    fn remove_entry(&mut self, entry: usize) {
        let e = &mut self.entries[entry];
        if !e.live {
            return;
        }
        e.live = false;
        if let Some(place) = e.slot.take() {
            self.slots[place].entry = None;
        }
        self.closed.remove(&entry);
    }

    /// Where the entries after the last marker start.
    fn after_marker(&self) -> usize {
        self.markers.last().copied().unwrap_or(0)
    }

    fn push_marker(&mut self) {
        self.markers.push(self.entries.len());
    }

    /// "Clear the list of active formatting elements up to the last marker".
    fn clear_to_marker(&mut self) {
        let marker = self.markers.pop().unwrap_or(0);
        while let Some(&last) = self.in_order.last() {
            if last < marker {
                break;
            }
            self.in_order.pop();
            self.remove_entry(last);
        }
    }

    /// The last live entry of that name after the last marker.
    fn last_entry(&mut self, name: &str) -> Option<usize> {
        let marker = self.after_marker();
        let entries = self.entries_by_name.get_mut(name)?;
        while let Some(&last) = entries.last() {
            if self.entries[last].live {
                return (last >= marker).then_some(last);
            }
            entries.pop();
        }
        None
    }

    fn add_entry(&mut self, tag: &StartTag<'a>, place: usize) {
        let key = entry_key(tag);
        let marker = self.after_marker();
        let same = self.entries_by_key.entry(key).or_default();
        same.retain(|&e| self.entries[e].live);
        // Three identical after the last marker already: the earliest of them goes.
        let earliest = (same.iter().rev().take_while(|&&e| e >= marker).count() >= 3)
            .then(|| same.len().checked_sub(3).and_then(|i| same.remove(i)))
            .flatten();
        let index = self.entries.len();
        same.push_back(index);
        self.in_order.push(index);
        if let Some(earliest) = earliest {
            self.remove_entry(earliest);
        }
        self.entries.push(Entry {
            name: tag.name.clone(),
            bytes: tag.len + tag.name.len() + 3,
            live: true,
            slot: Some(place),
        });
        self.slots[place].entry = Some(index);
        self.entries_by_name
            .entry(tag.name.clone())
            .or_default()
            .push(index);
    }

    /// Reopens the formatting elements closed since they were opened (all of them: the
    /// standard stops at the last one still open, which only makes fewer).
    fn reconstruct(&mut self) -> Result<(), String> {
        let marker = self.after_marker();
        if self.closed.range(marker..).next().is_none() {
            return Ok(());
        }
        let closed: Vec<usize> = self.closed.range(marker..).copied().collect();
        self.reopened_bytes += closed.iter().map(|&e| self.entries[e].bytes).sum::<usize>();
        if self.reopened_bytes > MOST_REOPENED_BYTES {
            return Err(format!(
                "formatting elements left open (`<b>`, `<font>`…) that the HTML parser would \
                 reopen after every block, into more than {} MB of HTML (all a post may hold)",
                MOST_REOPENED_BYTES >> 20
            ));
        }
        for &entry in &closed {
            self.closed.remove(&entry);
        }
        for entry in closed {
            let name = self.entries[entry].name.clone();
            self.push(name, Some(entry))?;
        }
        Ok(())
    }

    /// Pops the elements whose end tag is implied (`p`, `li`, `option`…) from the top, but
    /// `except`.
    fn generate_implied_end_tags(&mut self, except: Option<&str>) {
        while self.top().is_some_and(|top| {
            !top.foreign
                && Some(top.name.as_ref()) != except
                && matches!(
                    top.name.as_ref(),
                    "dd" | "dt" | "li" | "option" | "optgroup" | "p" | "rb" | "rp" | "rt" | "rtc"
                )
        }) {
            self.pop();
        }
    }

    /// "Close a p element", when one is in button scope.
    fn close_paragraph(&mut self) {
        if let Some(p) = self.last("p") {
            if self.in_scope_beyond(p, &["button"]) {
                self.pop_to(p);
            }
        }
    }

    /// `li`, `dd`, `dt`: the open one of `names` closes, unless a special element other
    /// than `address`, `div` or `p` comes first.
    fn close_list_item(&mut self, names: &[&str]) {
        for place in (0..self.slots.len()).rev() {
            let slot = &self.slots[place];
            if !slot.live {
                continue;
            }
            if !slot.foreign && names.contains(&slot.name.as_ref()) {
                self.pop_to(place);
                return;
            }
            if slot.special && !matches!(slot.name.as_ref(), "address" | "div" | "p") {
                return;
            }
        }
    }

    /// The adoption agency for an end tag (or a start tag) of a formatting element.
    fn adopt(&mut self, name: Cow<'a, str>) {
        let Some(entry) = self.last_entry(&name) else {
            return self.other_end_tag(&name);
        };
        match self.entries[entry].slot {
            None => self.remove_entry(entry),
            Some(place) if !self.in_scope(place) => {}
            // Special elements inside it (the "furthest block"): html5ever moves a copy of
            // it above each, up to eight times (copying up to three formatting elements
            // between each time), then closes what is above the last one, and the copy.
            Some(place) if self.specials.last().is_some_and(|&s| s > place) => {
                let above = self
                    .specials
                    .iter()
                    .rev()
                    .take_while(|&&s| s > place)
                    .count();
                self.elements += above.min(8) * (1 + 3);
                if above <= 8 {
                    let last_special = self.specials[self.specials.len() - 1];
                    self.pop_to(last_special + 1);
                    self.remove_entry(entry);
                    self.unlist(place);
                    // Each copy stands between a special element and what it held.
                    self.removed_from_middle += above;
                }
            }
            Some(place) => {
                self.pop_to(place);
                self.remove_entry(entry);
            }
        }
    }

    /// "Any other end tag": the nearest open element of that name, unless a special
    /// element comes first.
    fn other_end_tag(&mut self, name: &str) {
        if let Some(place) = self.last(name) {
            if self.specials.last().is_none_or(|&s| s <= place) {
                self.pop_to(place);
            }
        }
    }

    fn end_tag(&mut self, name: Cow<'a, str>) {
        // In foreign content, the nearest open element of that name closes, unless an
        // HTML element comes first (then HTML's rules apply).
        if self.top().is_some_and(|top| top.foreign) && matches!(name.as_ref(), "br" | "p") {
            // Out of foreign content first.
            while self.in_foreign_content() {
                self.pop();
            }
        } else if self.top().is_some_and(|top| top.foreign) {
            for place in (0..self.slots.len()).rev() {
                let slot = &self.slots[place];
                if !slot.live {
                    continue;
                }
                if !slot.foreign {
                    break;
                }
                if slot.name.eq_ignore_ascii_case(&name) {
                    return self.pop_to(place);
                }
            }
        }
        let name_ref = name.as_ref();
        match name_ref {
            "p" => match self.last("p") {
                Some(p) if self.in_scope_beyond(p, &["button"]) => self.pop_to(p),
                // An empty paragraph, opened and closed.
                _ => self.elements += 1,
            },
            "li" => {
                if let Some(li) = self.last("li") {
                    if self.in_scope_beyond(li, &["ol", "ul"]) {
                        self.pop_to(li);
                    }
                }
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let heading = HEADINGS.iter().filter_map(|h| self.last(h)).max();
                if let Some(place) = heading.filter(|&place| self.in_scope(place)) {
                    self.pop_to(place);
                }
            }
            "form" => {
                if self.last("template").is_some() {
                    // In a template: what the form holds closes too.
                    if let Some(form) = self.last("form").filter(|&f| self.in_scope(f)) {
                        self.generate_implied_end_tags(None);
                        self.pop_to(form);
                    }
                    return;
                }
                // The form element pointer's form, open and in scope: it alone is removed,
                // what it holds stays open.
                let Some(Some(form)) = self.form_pointer.take() else {
                    return;
                };
                if self.slots[form].live && self.in_scope(form) {
                    self.generate_implied_end_tags(None);
                    if form + 1 == self.slots.len() {
                        self.pop();
                    } else {
                        self.unlist(form);
                        self.removed_from_middle += 1;
                    }
                }
            }
            "td" | "th" | "tr" | "tbody" | "thead" | "tfoot" | "caption" | "colgroup" | "table" => {
                // In a template read as a table's part, without that element in it: only
                // `</table>` closes something (the open caption, row or section, outside a
                // cell); the rest is ignored.
                if let Some(template) = self.last("template") {
                    let role = self.slots[template].template_role;
                    if role.is_some_and(|role| role != TemplateRole::Body)
                        && self.last(name_ref).is_none_or(|place| place < template)
                    {
                        if name_ref == "table" {
                            self.close_template_table(template, role);
                        }
                        return;
                    }
                }
                if let Some(place) = self.last(name_ref) {
                    let table = if name_ref == "table" {
                        None
                    } else {
                        self.last("table").filter(|&t| t > place)
                    };
                    if table.is_none() && self.last("template").is_none_or(|t| t <= place) {
                        self.pop_table_to(place);
                    }
                }
            }
            "applet" | "marquee" | "object" => {
                if let Some(place) = self.last(name_ref).filter(|&p| self.in_scope(p)) {
                    self.pop_to(place);
                    self.clear_to_marker();
                }
            }
            "template" => {
                // Whatever is open inside it, without a scope.
                if let Some(template) = self.last("template") {
                    self.pop_to(template);
                    self.clear_to_marker();
                }
            }
            "br" => {
                // `</br>` is `<br>` (its limit is met at the next text or tag).
                let _ = self.reconstruct();
                self.elements += 1;
            }
            "body" | "html" => {}
            _ if FORMATTING.contains(&name_ref) => self.adopt(name),
            _ if BLOCK_END.contains(&name_ref) => {
                if let Some(place) = self.last(name_ref).filter(|&p| self.in_scope(p)) {
                    self.pop_to(place);
                }
            }
            _ => self.other_end_tag(name_ref),
        }
    }

    /// Whether text goes in html5ever's "in table text" (the current node is a table, a
    /// section or a row, in a table's insertion mode; not a template, in html5ever).
    fn in_table_text(&self) -> bool {
        self.table_mode().is_some()
            && self.top().is_some_and(|top| {
                !top.foreign
                    && matches!(
                        top.name.as_ref(),
                        "table" | "tbody" | "tfoot" | "thead" | "tr"
                    )
            })
    }

    /// The open table's place, when the insertion mode is one of a table's own (the
    /// innermost table part open is the table, a section or a row, not a cell or caption):
    /// what is open above it was put there by foster parenting.
    /// A template read as a table's part counts as that table (its place is returned).
    fn table_mode(&self) -> Option<usize> {
        let innermost = [
            "table", "tbody", "thead", "tfoot", "tr", "td", "th", "caption", "template",
        ]
        .iter()
        .filter_map(|name| self.last(name).map(|place| (place, *name)))
        .max()?;
        if matches!(innermost.1, "td" | "th" | "caption") {
            return None;
        }
        let table = self.last("table");
        match self.last("template") {
            Some(template) if table.is_none_or(|table| table < template) => self.slots[template]
                .template_role
                .is_some_and(|role| {
                    matches!(
                        role,
                        TemplateRole::Table | TemplateRole::Section | TemplateRole::Row
                    )
                })
                .then_some(template),
            _ => table,
        }
    }

    /// Opens the table's implied sections down to `wanted` (`tbody`, then `tr`), after
    /// closing what is open inside the nearest section or table.
    fn table_part(&mut self, wanted: &'static str) -> Result<bool, String> {
        // The innermost table or template: a template is read as the part its first tag
        // is in (as a table, a section, a row), or as a body.
        let table = self.last("table");
        let template = self.last("template");
        let (table, role) = match (table, template) {
            (Some(table), Some(template)) if template < table => (table, TemplateRole::Table),
            (Some(table), None) => (table, TemplateRole::Table),
            (_, Some(template)) => (
                template,
                self.slots[template]
                    .template_role
                    .unwrap_or(TemplateRole::Body),
            ),
            // Outside a table, html5ever ignores it.
            (None, None) => return Ok(false),
        };
        let row = self.last("tr").filter(|&row| row > table);
        match (role, wanted) {
            (TemplateRole::Body | TemplateRole::Columns, _) => return Ok(false),
            (TemplateRole::Section, "tr") | (TemplateRole::Row, "td") => {
                self.pop_table_to(table + 1);
                return Ok(true);
            }
            (TemplateRole::Section, "td") => {
                match row {
                    Some(row) => self.pop_table_to(row + 1),
                    None => {
                        self.pop_table_to(table + 1);
                        self.push(Cow::Borrowed("tr"), None)?;
                    }
                }
                return Ok(true);
            }
            // Ignored, once the open cell, and in a section the open row, are closed.
            (TemplateRole::Section, _) => {
                if let Some(row) = row {
                    self.pop_table_to(row);
                }
                return Ok(false);
            }
            (TemplateRole::Row, _) => {
                let cell = ["td", "th"]
                    .iter()
                    .filter_map(|name| self.last(name))
                    .filter(|&cell| cell > table)
                    .max();
                if let Some(cell) = cell {
                    self.pop_table_to(cell);
                }
                return Ok(false);
            }
            (TemplateRole::Table, "section" | "col") if Some(table) == template => {
                // In a template's `<thead>`, html5ever finds no section to close (it looks for
                // a table, a `<tbody>` or a `<tfoot>` only): the tag is ignored, once the open
                // row is closed.
                let section = ["tbody", "thead", "tfoot"]
                    .iter()
                    .filter_map(|name| self.last(name).map(|place| (place, *name)))
                    .filter(|&(place, _)| place > table)
                    .max();
                if section.is_some_and(|(_, name)| name == "thead") {
                    if let Some(row) = row {
                        self.pop_table_to(row);
                    }
                    return Ok(false);
                }
            }
            (TemplateRole::Table, _) => {}
        }
        let section = ["tbody", "thead", "tfoot"]
            .iter()
            .filter_map(|s| self.last(s))
            .filter(|&s| s > table)
            .max();
        match wanted {
            "tr" => match section {
                Some(section) => self.pop_table_to(section + 1),
                None => {
                    self.pop_table_to(table + 1);
                    self.push(Cow::Borrowed("tbody"), None)?;
                }
            },
            "td" => match (row, section) {
                (Some(row), _) => self.pop_table_to(row + 1),
                (None, Some(section)) => {
                    self.pop_table_to(section + 1);
                    self.push(Cow::Borrowed("tr"), None)?;
                }
                (None, None) => {
                    self.pop_table_to(table + 1);
                    self.push(Cow::Borrowed("tbody"), None)?;
                    self.push(Cow::Borrowed("tr"), None)?;
                }
            },
            _ => self.pop_table_to(table + 1),
        }
        Ok(true)
    }

    /// `</table>` in a template read as a table's part: the caption, or the row and the
    /// section, that are open in it close (as far as the template's part allows).
    fn close_template_table(&mut self, template: usize, role: Option<TemplateRole>) {
        let innermost = ["td", "th", "tr", "tbody", "thead", "tfoot", "caption"]
            .iter()
            .filter_map(|name| self.last(name).map(|place| (place, *name)))
            .filter(|&(place, _)| place > template)
            .max();
        let Some((place, name)) = innermost else {
            return;
        };
        match (name, role) {
            ("caption", _) | ("tr", Some(TemplateRole::Section)) => self.pop_table_to(place),
            // (A `<thead>` is not a section to html5ever here: nothing more closes.)
            ("tr", Some(TemplateRole::Table)) => {
                let section = ["tbody", "tfoot"]
                    .iter()
                    .filter_map(|name| self.last(name))
                    .filter(|&s| s > template && s < place)
                    .max();
                self.pop_table_to(section.unwrap_or(place));
            }
            ("tbody" | "tfoot", Some(TemplateRole::Table)) => self.pop_table_to(place),
            _ => {}
        }
    }

    /// Pops to `place` for a table's structure: a cell or a caption closed on the way
    /// clears the list of active formatting elements to its marker.
    fn pop_table_to(&mut self, place: usize) {
        let closes_cell = self.slots[place.min(self.slots.len())..]
            .iter()
            .any(|slot| {
                slot.live && !slot.foreign && matches!(slot.name.as_ref(), "td" | "th" | "caption")
            });
        self.pop_to(place);
        if closes_cell {
            self.clear_to_marker();
        }
    }

    /// Opens what `tag` opens; what the tokenizer reads next, when it is raw text.
    fn start_tag(&mut self, tag: StartTag<'a>) -> Result<Option<RawText>, String> {
        // In MathML's text elements, `<mglyph>` and `<malignmark>` are MathML.
        let in_math_text = self.top().is_some_and(|top| {
            top.foreign
                && top.math
                && matches!(top.name.as_ref(), "mi" | "mo" | "mn" | "ms" | "mtext")
        });
        if in_math_text && matches!(tag.name.as_ref(), "mglyph" | "malignmark") {
            if tag.self_closing {
                self.elements += 1;
            } else {
                self.push_element(tag.name, Some(true), false, None)?;
            }
            return Ok(None);
        }
        // Foreign content: its own elements, or HTML again after a tag that breaks out.
        if self.in_foreign_content() {
            if breaks_out(&tag) {
                while self.in_foreign_content() {
                    self.pop();
                }
            } else {
                if tag.self_closing {
                    self.elements += 1;
                } else {
                    let in_math = self.top().is_some_and(|top| top.math);
                    let html = in_math
                        && tag.name == "annotation-xml"
                        && tag.attributes.iter().any(|(name, value)| {
                            name == "encoding"
                                && (value.eq_ignore_ascii_case("text/html")
                                    || value.eq_ignore_ascii_case("application/xhtml+xml"))
                        });
                    // In the namespace of the element it is in (`<math><svg>` is MathML).
                    self.push_element(tag.name, Some(in_math), html, None)?;
                }
                return Ok(None);
            }
        }
        if let Some(top) = self
            .slots
            .last_mut()
            .filter(|top| top.name == "template" && !top.foreign)
        {
            match top.template_role {
                // Tags of a document's head leave the template's part to the next one.
                None if matches!(
                    tag.name.as_ref(),
                    "base"
                        | "basefont"
                        | "bgsound"
                        | "link"
                        | "meta"
                        | "noframes"
                        | "script"
                        | "style"
                        | "template"
                        | "title"
                ) => {}
                None => top.template_role = Some(TemplateRole::of_first(&tag.name)),
                Some(TemplateRole::Columns) if !matches!(tag.name.as_ref(), "col" | "template") => {
                    // A template of columns: html5ever ignores every other tag in it
                    // (`<style>` too, whose text is then markup).
                    return Ok(None);
                }
                Some(_) => {}
            }
        }
        // A column group holds columns: another tag closes it.
        if self
            .top()
            .is_some_and(|top| top.name == "colgroup" && !top.foreign)
            && !matches!(tag.name.as_ref(), "col" | "template")
        {
            self.pop();
        }
        let name = tag.name.as_ref();
        match name {
            "html" | "body" | "head" | "frameset" | "frame" => {}
            "col" => {
                // In a table (its cell closed), inside an implied `<colgroup>`; in a
                // template of columns, as it is.
                if self.table_part("col")? {
                    self.push(Cow::Borrowed("colgroup"), None)?;
                }
                self.elements += 1;
            }
            "base" | "basefont" | "bgsound" | "link" | "meta" | "param" | "source" | "track" => {
                self.elements += 1
            }
            "area" | "br" | "embed" | "img" | "image" | "keygen" | "wbr" => {
                self.reconstruct()?;
                self.elements += 1;
            }
            "input"
                if self.table_mode().is_some()
                    && tag.attributes.iter().any(|(name, value)| {
                        name == "type" && value.eq_ignore_ascii_case("hidden")
                    }) =>
            {
                // A hidden input where a table's parts are expected: in the table.
                self.elements += 1;
            }
            "input" => {
                if let Some(select) = self.last("select").filter(|&s| self.in_scope(s)) {
                    self.pop_to(select);
                }
                self.reconstruct()?;
                self.elements += 1;
            }
            "hr" => {
                self.close_paragraph();
                if self
                    .last("select")
                    .is_some_and(|select| self.in_scope(select))
                {
                    self.generate_implied_end_tags(None);
                }
                self.elements += 1;
            }
            "style" | "noframes" | "script" | "title" | "textarea" | "iframe" | "noembed"
            | "noscript" | "xmp" => {
                if name == "xmp" {
                    self.close_paragraph();
                    self.reconstruct()?;
                }
                let until = name.to_string();
                self.push(tag.name, None)?;
                return Ok(Some(RawText::Until(until)));
            }
            "plaintext" => {
                self.close_paragraph();
                self.push(tag.name, None)?;
                return Ok(Some(RawText::ToTheEnd));
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                self.close_paragraph();
                if self
                    .top()
                    .is_some_and(|top| HEADINGS.contains(&top.name.as_ref()))
                {
                    self.pop();
                }
                self.push(tag.name, None)?;
            }
            "li" => {
                self.close_list_item(&["li"]);
                self.close_paragraph();
                self.push(tag.name, None)?;
            }
            "dd" | "dt" => {
                self.close_list_item(&["dd", "dt"]);
                self.close_paragraph();
                self.push(tag.name, None)?;
            }
            "button" => {
                if let Some(button) = self.last("button").filter(|&b| self.in_scope(b)) {
                    self.pop_to(button);
                }
                self.reconstruct()?;
                self.push(tag.name, None)?;
            }
            "a" => {
                if let Some(entry) = self.last_entry("a") {
                    self.adopt(Cow::Borrowed("a"));
                    // What the adoption agency left of it goes too.
                    if self.entries[entry].live {
                        if let Some(place) = self.entries[entry].slot {
                            self.unlist(place);
                            self.removed_from_middle += 1;
                            while self.slots.last().is_some_and(|slot| !slot.live) {
                                self.slots.pop();
                            }
                        }
                        self.remove_entry(entry);
                    }
                }
                self.reconstruct()?;
                let place = self.push(tag.name.clone(), None)?;
                self.add_entry(&tag, place);
            }
            "nobr" => {
                self.reconstruct()?;
                if self.last("nobr").is_some_and(|n| self.in_scope(n)) {
                    self.adopt(Cow::Borrowed("nobr"));
                    self.reconstruct()?;
                }
                let place = self.push(tag.name.clone(), None)?;
                self.add_entry(&tag, place);
            }
            _ if FORMATTING.contains(&name) => {
                self.reconstruct()?;
                let place = self.push(tag.name.clone(), None)?;
                self.add_entry(&tag, place);
            }
            "td" | "th" => {
                if self.table_part("td")? {
                    self.push(tag.name, None)?;
                    self.push_marker();
                }
            }
            "tr" => {
                if self.table_part("tr")? {
                    self.push(tag.name, None)?;
                }
            }
            "tbody" | "thead" | "tfoot" | "caption" | "colgroup" => {
                if self.table_part("section")? {
                    let caption = name == "caption";
                    self.push(tag.name, None)?;
                    if caption {
                        self.push_marker();
                    }
                }
            }
            "applet" | "marquee" | "object" => {
                self.reconstruct()?;
                self.push(tag.name, None)?;
                self.push_marker();
            }
            "template" => {
                self.push(tag.name, None)?;
                self.push_marker();
            }
            "select" => {
                if let Some(select) = self.last("select").filter(|&s| self.in_scope(s)) {
                    self.pop_to(select);
                } else {
                    self.reconstruct()?;
                    self.push(tag.name, None)?;
                }
            }
            "option" | "optgroup" => {
                if self
                    .last("select")
                    .is_some_and(|select| self.in_scope(select))
                {
                    self.generate_implied_end_tags(if name == "option" {
                        Some("optgroup")
                    } else {
                        None
                    });
                } else if self.top().is_some_and(|top| top.name == "option") {
                    self.pop();
                }
                self.reconstruct()?;
                self.push(tag.name, None)?;
            }
            "rb" | "rtc" | "rp" | "rt" => {
                // Ruby annotations: no formatting element reopened.
                if self.last("ruby").is_some_and(|ruby| self.in_scope(ruby)) {
                    self.generate_implied_end_tags(matches!(name, "rp" | "rt").then_some("rtc"));
                }
                self.push(tag.name, None)?;
            }
            "svg" | "math" => {
                self.reconstruct()?;
                if tag.self_closing {
                    self.elements += 1;
                } else {
                    let math = tag.name == "math";
                    self.push_element(tag.name, Some(math), false, None)?;
                }
            }
            "form" => {
                let template = self.last("template").is_some();
                if self.form_pointer.is_some() && !template {
                    return Ok(None);
                }
                if self.table_mode().is_some() {
                    // Where a table's parts are expected: made and closed at once.
                    if !template {
                        self.form_pointer = Some(None);
                        self.elements += 1;
                    }
                    return Ok(None);
                }
                self.close_paragraph();
                let place = self.push(tag.name, None)?;
                if !template {
                    self.form_pointer = Some(Some(place));
                }
            }
            "table" => {
                // A table where a table's parts are expected closes the open one first (in
                // a template read as a table, there is none: it is ignored).
                if let Some(table) = self.table_mode() {
                    if self.slots[table].name == "template" {
                        return Ok(None);
                    }
                    self.pop_table_to(table);
                }
                self.close_paragraph();
                self.push(tag.name, None)?;
            }
            _ if CLOSE_PARAGRAPH.contains(&name) => {
                self.close_paragraph();
                self.push(tag.name, None)?;
            }
            _ => {
                self.reconstruct()?;
                self.push(tag.name, None)?;
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests;
