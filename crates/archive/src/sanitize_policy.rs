//! The one HTML allowlist Gazette trusts. The builder enforces it with `ammonia`
//! ([`crate::sanitize`]); the browser enforces it again by walking an inert DOM
//! (`src/sanitize_dom.rs` in the app). Changing what article HTML may contain is an edit here
//! and nowhere else.

/// Elements kept (with their children). Anything else is unwrapped: the element goes, its
/// text stays — except [`RENAMED_TAGS`], which are kept under another name, and
/// [`REMOVED_WITH_CONTENT`], which go entirely.
pub const ALLOWED_TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "center",
    "cite",
    "code",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "var",
    "wbr",
];

/// Block containers the allowlist does not keep, each with the allowed element it is written
/// as (with that element's attributes only: the policy allows none on `div`, `ul` or `pre`
/// but the generic ones). Unwrapped, their texts would run together
/// (`<section>Reuters</section><section>Beijing</section>` read "ReutersBeijing", on the page
/// and in the index); renamed, each still ends a line. They are renamed rather than kept:
/// `main`, `nav`, `aside`, `header`, `footer`, `search` and `form` are landmarks, which
/// article markup must not add to the app's page (its own landmarks are the ones a screen
/// reader should list), `fieldset` and `dialog` bring browser behaviour along (a `dialog`
/// without `open` is hidden), and `address`, `article`, `section` and `hgroup` mean nothing
/// the archive's page can honour; `marquee` scrolls. `dir` and `menu` hold list items and
/// become the list they stand for; `listing` is the obsolete `pre`. Both enforcers rename in
/// the tree the parser built, so they agree; read back, the renamed markup nests otherwise
/// where the parser treats the old name apart from the new (a `legend` or a `form` inside a
/// paragraph, which a `div` closes; a list item directly inside a renamed element inside
/// another list item): the texts and the lines they make stay the same.
///
/// `form` is here, not in [`REMOVED_WITH_CONTENT`]: pages built with ASP.NET wrap the whole
/// article in one, whose text is the article. Its controls (`input`, `button`, `select`,
/// `textarea`) still go with their content, and a `div` has none of a form's named
/// properties (see `nothing_kept_can_clobber_the_page`).
pub const RENAMED_TAGS: &[(&str, &str)] = &[
    ("address", "div"),
    ("article", "div"),
    ("aside", "div"),
    ("dialog", "div"),
    ("dir", "ul"),
    ("fieldset", "div"),
    ("footer", "div"),
    ("form", "div"),
    ("header", "div"),
    ("hgroup", "div"),
    ("legend", "div"),
    ("listing", "pre"),
    ("main", "div"),
    ("marquee", "div"),
    ("menu", "ul"),
    ("nav", "div"),
    ("search", "div"),
    ("section", "div"),
];

/// Elements removed together with everything inside them: their content is code, styling,
/// embedded documents, form controls or foreign markup, never article text. (What a reader
/// of the original page saw inside some of them — a button's label, a select's options, a
/// `noscript` or `video` fallback, `xmp`'s literal markup — is left out on purpose: it is
/// interface, not article, or it is parsed as raw text, where mutation XSS grows.)
pub const REMOVED_WITH_CONTENT: &[&str] = &[
    "script",
    "style",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "noembed",
    "noframes",
    "noscript",
    "template",
    "svg",
    "math",
    "textarea",
    "select",
    "button",
    "title",
    "xmp",
    "plaintext",
    "audio",
    "video",
    "canvas",
    "head",
    "base",
    "meta",
    "link",
    "input",
];

/// The lower-case element names of SVG 2 and MathML (the lists ammonia checks namespaces
/// with; camel-case SVG names such as `clipPath` never match an HTML element, whose name the
/// parser lower-cases). An HTML element that carries one of them (`<desc>`, `<mi>`, `<circle>`
/// outside `<svg>`/`<math>`) is removed with its content, like [`REMOVED_WITH_CONTENT`]:
/// which namespace such a name lands in depends on where the parser met it, which is the
/// ground mutation XSS grows on. `a`, `span`, `title`, `style`, `script` and `font` are SVG
/// names too, and are left to the other lists.
pub const FOREIGN_ELEMENT_NAMES: &[&str] = &[
    "abs",
    "and",
    "animate",
    "annotation",
    "annotation-xml",
    "apply",
    "approx",
    "arccos",
    "arccosh",
    "arccot",
    "arccoth",
    "arccsc",
    "arccsch",
    "arcsec",
    "arcsech",
    "arcsin",
    "arcsinh",
    "arctan",
    "arctanh",
    "arg",
    "bind",
    "bvar",
    "card",
    "cartesianproduct",
    "cbytes",
    "ceiling",
    "cerror",
    "ci",
    "circle",
    "cn",
    "codomain",
    "complexes",
    "compose",
    "condition",
    "conjugate",
    "cos",
    "cosh",
    "cot",
    "coth",
    "cs",
    "csc",
    "csch",
    "csymbol",
    "curl",
    "declare",
    "defs",
    "degree",
    "desc",
    "determinant",
    "diff",
    "discard",
    "divergence",
    "divide",
    "domain",
    "domainofapplication",
    "ellipse",
    "emptyset",
    "eq",
    "equivalent",
    "eulergamma",
    "exists",
    "exp",
    "exponentiale",
    "factorial",
    "factorof",
    "false",
    "filter",
    "floor",
    "fn",
    "forall",
    "g",
    "gcd",
    "geq",
    "grad",
    "gt",
    "ident",
    "image",
    "imaginary",
    "imaginaryi",
    "implies",
    "in",
    "infinity",
    "int",
    "integers",
    "intersect",
    "interval",
    "inverse",
    "lambda",
    "laplacian",
    "lcm",
    "leq",
    "limit",
    "line",
    "list",
    "ln",
    "log",
    "logbase",
    "lowlimit",
    "lt",
    "maction",
    "maligngroup",
    "malignmark",
    "marker",
    "mask",
    "matrix",
    "matrixrow",
    "max",
    "mean",
    "median",
    "menclose",
    "merror",
    "metadata",
    "mfenced",
    "mfrac",
    "mglyph",
    "mi",
    "min",
    "minus",
    "mlabeledtr",
    "mlongdiv",
    "mmultiscripts",
    "mn",
    "mo",
    "mode",
    "moment",
    "momentabout",
    "mover",
    "mpadded",
    "mpath",
    "mphantom",
    "mprescripts",
    "mroot",
    "mrow",
    "ms",
    "mscarries",
    "mscarry",
    "msgroup",
    "msline",
    "mspace",
    "msqrt",
    "msrow",
    "mstack",
    "mstyle",
    "msub",
    "msubsup",
    "msup",
    "mtable",
    "mtd",
    "mtext",
    "mtr",
    "munder",
    "munderover",
    "naturalnumbers",
    "neq",
    "none",
    "not",
    "notanumber",
    "notin",
    "notprsubset",
    "notsubset",
    "or",
    "otherwise",
    "outerproduct",
    "partialdiff",
    "path",
    "pattern",
    "pi",
    "piece",
    "piecewise",
    "plus",
    "polygon",
    "polyline",
    "power",
    "primes",
    "product",
    "prsubset",
    "quotient",
    "rationals",
    "real",
    "reals",
    "rect",
    "reln",
    "rem",
    "root",
    "scalarproduct",
    "sdev",
    "sec",
    "sech",
    "selector",
    "semantics",
    "sep",
    "set",
    "setdiff",
    "share",
    "sin",
    "sinh",
    "stop",
    "subset",
    "sum",
    "switch",
    "symbol",
    "tan",
    "tanh",
    "tendsto",
    "text",
    "times",
    "transpose",
    "true",
    "tspan",
    "union",
    "uplimit",
    "use",
    "variance",
    "vector",
    "vectorproduct",
    "view",
    "xor",
];

/// Attributes allowed on every kept element. `style`, `class`, `data-*` and every `on*`
/// handler are deliberately absent; an `id` is kept only as an anchor (see
/// [`ANCHOR_PREFIX`]).
pub const GENERIC_ATTRIBUTES: &[&str] = &["title", "lang", "dir", "id"];

/// How every anchor in article HTML starts: the `id`s the builder writes on headings and
/// footnotes (as kramdown writes them, `gz-` before: `gz-fn:1`, `gz-introduction`), the ids
/// of a post's own HTML (`<h2 id="rates">` is kept as `gz-rates`), and the links within the
/// page that lead to them (`#gz-fn:1`, `#gz-rates`): see [`in_anchor_scope`]. An `id` is
/// kept only with this prefix, so no article can name anything of the app's page (its
/// elements' ids, the properties of `window` an element's `id` would shadow: none starts with
/// it), and a link within the page is kept only to such an anchor (any other `#…` would be
/// read as one of the app's routes, which all start `#/`). The app scrolls to the anchor
/// itself.
pub const ANCHOR_PREFIX: &str = "gz-";

/// The builder's name for an anchor a post names (`rates`, from `id="rates"`, `{#rates}`,
/// `[see](#rates)` or `<a href="#rates">`): [`ANCHOR_PREFIX`] before it, unless it is there
/// already. Every anchor and every link to one goes through this one mapping, so a post's
/// links still meet their anchors; a name that already starts with the prefix is kept, so
/// that the builder's output, read again, stays as it is (and a post that names both `x`
/// and `gz-x`, which Jekyll keeps apart, has two anchors of one name: a link finds the
/// first).
pub fn in_anchor_scope(name: &str) -> std::borrow::Cow<'_, str> {
    if name.starts_with(ANCHOR_PREFIX) {
        name.into()
    } else {
        format!("{ANCHOR_PREFIX}{name}").into()
    }
}

/// What the builder's sanitizers keep of an allowed attribute's `value` in a post's own
/// HTML: the value, when [`is_allowed_value`] keeps it; an `id` or a link within the page
/// that names an anchor outside [`ANCHOR_PREFIX`] (`id="rates"`, `href="#rates"`), moved
/// into it ([`in_anchor_scope`]: `gz-rates`, `#gz-rates`), as Jekyll keeps them so that they
/// meet; `None` for anything else (the attribute is dropped). What it returns passes
/// [`is_allowed_value`], which the app's enforcer applies unchanged.
pub fn builder_value<'a>(attribute: &str, value: &'a str) -> Option<std::borrow::Cow<'a, str>> {
    if is_allowed_value(attribute, value) {
        return Some(value.into());
    }
    let moved: String = match attribute {
        "id" => in_anchor_scope(value).into_owned(),
        "href" => {
            let read = url_as_read(value);
            let fragment = read.strip_prefix('#')?;
            format!("#{}", in_anchor_scope(fragment))
        }
        _ => return None,
    };
    is_allowed_value(attribute, &moved).then_some(moved.into())
}

/// Attributes allowed on specific elements, as `(element, attribute)`.
pub const ELEMENT_ATTRIBUTES: &[(&str, &str)] = &[
    ("a", "href"),
    ("img", "src"),
    ("img", "alt"),
    ("img", "width"),
    ("img", "height"),
    ("td", "colspan"),
    ("td", "rowspan"),
    ("th", "colspan"),
    ("th", "rowspan"),
    ("th", "scope"),
    ("ol", "start"),
    ("time", "datetime"),
    ("abbr", "title"),
];

/// Attributes whose value is a URL and must pass [`is_allowed_url`].
pub const URL_ATTRIBUTES: &[&str] = &["href", "src"];

/// URL schemes that survive. Relative URLs (no scheme) survive too.
pub const ALLOWED_URL_SCHEMES: &[&str] = &["http", "https", "mailto"];

/// Attributes the sanitizer sets, whatever the input said, as `(element, attribute, value)`.
/// Images load lazily and without a referrer (finews' image hosts reject foreign referrers);
/// links open in a new tab and cannot reach back into Gazette's window — but for the app's own
/// routes (`#/…`), which stay in its tab: the browser's enforcer does not set `target` on
/// them, and the builder takes it off them after ammonia (`gazette_import::links`).
pub const FORCED_ATTRIBUTES: &[(&str, &str, &str)] = &[
    ("img", "loading", "lazy"),
    ("img", "referrerpolicy", "no-referrer"),
    ("a", "rel", "noopener noreferrer"),
    ("a", "target", "_blank"),
];

/// Bytes of article HTML the app parses at most (the builder's bodies are far smaller; a
/// damaged 20 MB one held a browser tab for half a minute). The builder stores no larger
/// body: the post is rejected instead, with the reason.
pub const MOST_BODY_BYTES: usize = 8 << 20;
/// Elements open inside each other at most in article HTML: the browser's parser caps the
/// depth at 512 and takes quadratic time past it (200,000 nested `<div>`s, 1 MB, held the
/// tab 100 s). The builder stores no deeper body.
pub const MOST_BODY_DEPTH: usize = 512;

/// Refuses article HTML the app would take too long to parse, before it does: too large, or
/// nested too deep (end tags counted: the builder writes every end tag; the elements whose
/// end tag HTML leaves optional, and void ones, are not counted). The app shows no body
/// this refuses, and the builder stores none.
pub fn check_shape(html: &str) -> Result<(), String> {
    if html.len() > MOST_BODY_BYTES {
        return Err(format!(
            "{} MB of HTML, more than {} MB",
            html.len() >> 20,
            MOST_BODY_BYTES >> 20
        ));
    }
    const UNCOUNTED: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "colgroup", "tbody",
        "thead", "tfoot", "rb", "rt", "rp", "optgroup", "caption",
    ];
    let bytes = html.as_bytes();
    let mut depth = 0usize;
    let mut at = 0;
    while let Some(found) = bytes[at..].iter().position(|&b| b == b'<') {
        at += found + 1;
        let closing = bytes.get(at) == Some(&b'/');
        let name_start = at + usize::from(closing);
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
            continue;
        }
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        if UNCOUNTED.contains(&name.as_str()) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else {
            depth += 1;
            if depth > MOST_BODY_DEPTH {
                return Err(format!("elements nested more than {MOST_BODY_DEPTH} deep"));
            }
        }
    }
    Ok(())
}

/// The value the sanitizer forces on `attribute` of `tag` (both lower case), if it forces one.
pub fn forced_value(tag: &str, attribute: &str) -> Option<&'static str> {
    FORCED_ATTRIBUTES
        .iter()
        .find(|&&(t, a, _)| t == tag && a == attribute)
        .map(|&(_, _, value)| value)
}

/// True when `tag` (lower case) is kept.
pub fn is_allowed_tag(tag: &str) -> bool {
    ALLOWED_TAGS.contains(&tag)
}

/// The allowed element that `tag` (lower case) is written as, when it is one of
/// [`RENAMED_TAGS`].
pub fn renamed_tag(tag: &str) -> Option<&'static str> {
    RENAMED_TAGS
        .iter()
        .find(|&&(from, _)| from == tag)
        .map(|&(_, to)| to)
}

/// The name `tag` (lower case) is written with when it is kept: its own, or the one
/// [`RENAMED_TAGS`] gives it.
pub fn written_name(tag: &str) -> &str {
    renamed_tag(tag).unwrap_or(tag)
}

/// True when `tag` (lower case) is removed with its content.
pub fn is_removed_with_content(tag: &str) -> bool {
    REMOVED_WITH_CONTENT.contains(&tag) || FOREIGN_ELEMENT_NAMES.contains(&tag)
}

/// True when `attribute` (lower case) may stay on `tag` (lower case).
pub fn is_allowed_attribute(tag: &str, attribute: &str) -> bool {
    GENERIC_ATTRIBUTES.contains(&attribute)
        || ELEMENT_ATTRIBUTES
            .iter()
            .any(|&(t, a)| t == tag && a == attribute)
}

/// True when `url` may stay in a URL attribute: a relative URL, or one of
/// [`ALLOWED_URL_SCHEMES`]. The scheme is read the way a browser reads it — ASCII control
/// characters and whitespace are ignored — so `java\tscript:` or ` javascript:` cannot
/// sneak through as "relative".
pub fn is_allowed_url(url: &str) -> bool {
    let cleaned = url_as_read(url);
    // A link within the page (`#fn1`) would be read as one of the app's routes, which all
    // start `#/`, and lead to "not found": the link keeps its text, not its target — unless
    // it leads to one of the article's anchors (`#gz-fn:1`).
    if let Some(fragment) = cleaned.strip_prefix('#') {
        return fragment.starts_with('/') || is_anchor(fragment);
    }
    match scheme_of(&cleaned) {
        None => true,
        Some(scheme) => ALLOWED_URL_SCHEMES
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(scheme)),
    }
}

/// `url` as a browser reads it: ASCII control characters and white space taken out. Most
/// URLs are printable ASCII, with nothing to take out: lent back as they are (a copy of every
/// link's URL was 0.5% of a build's instructions).
pub fn url_as_read(url: &str) -> std::borrow::Cow<'_, str> {
    if url.bytes().all(|b| b.is_ascii_graphic()) {
        url.into()
    } else {
        url.chars()
            .filter(|c| !c.is_ascii_control() && !c.is_whitespace())
            .collect::<String>()
            .into()
    }
}

/// The anchor a link within the page leads to (`#gz-fn:1` leads to `gz-fn:1`): `None` for a
/// route (`#/…`), another page or a fragment without [`ANCHOR_PREFIX`].
pub fn linked_anchor(url: &str) -> Option<&str> {
    url.strip_prefix('#')
        .filter(|fragment| fragment.starts_with(ANCHOR_PREFIX))
}

/// True when `id` may name an anchor in article HTML: [`ANCHOR_PREFIX`] and something after
/// it, without white space (which an `id` cannot hold).
pub fn is_anchor(id: &str) -> bool {
    id.len() > ANCHOR_PREFIX.len()
        && id.starts_with(ANCHOR_PREFIX)
        && !id.bytes().any(|b| b.is_ascii_whitespace())
}

/// True when an allowed attribute may keep `value`: a URL attribute's must pass
/// [`is_allowed_url`], an `id` must be an anchor ([`is_anchor`]); any other is kept as it is.
pub fn is_allowed_value(attribute: &str, value: &str) -> bool {
    match attribute {
        "id" => is_anchor(value),
        _ if URL_ATTRIBUTES.contains(&attribute) => is_allowed_url(value),
        _ => true,
    }
}

/// True when `url` starts with a scheme as the URL Standard reads one (leading and trailing
/// C0 controls and spaces ignored, tabs and newlines anywhere removed): an absolute URL. A kept
/// absolute URL must also be a valid URL: the builder's ammonia parses it with rust-url and
/// drops it when that fails (`http://a b`), and the browser's enforcer asks the browser's own
/// URL parser (both implement the URL Standard). Relative URLs are kept as they are.
pub fn is_absolute_url(url: &str) -> bool {
    let trimmed = url.trim_matches(|c: char| c <= ' ');
    let mut chars = trimmed.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r'));
    if !chars.next().is_some_and(|c| c.is_ascii_alphabetic()) {
        return false;
    }
    for c in chars {
        if c == ':' {
            return true;
        }
        if !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) {
            return false;
        }
    }
    false
}

/// The scheme of a URL (the part before the first `:` when it comes before any `/`, `?`, `#`).
/// Whether `url` is an absolute `http:` or `https:` URL: what a post's source link and a
/// site's address may be (they go into feeds, whose readers show them as links).
pub fn is_web_url(url: &str) -> bool {
    let trimmed = url.trim();
    !trimmed.contains(|c: char| c.is_ascii_control())
        && scheme_of(trimmed).is_some_and(|scheme| {
            scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")
        })
        && trimmed
            .split_once(':')
            .is_some_and(|(_, rest)| rest.starts_with("//"))
}

fn scheme_of(url: &str) -> Option<&str> {
    let end = url.find([':', '/', '?', '#'])?;
    if url[end..].starts_with(':') {
        Some(&url[..end])
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_and_mail_urls_are_allowed() {
        assert!(is_allowed_url("https://finance.eastmoney.com/a.html"));
        assert!(is_allowed_url("HTTP://x"));
        assert!(is_allowed_url("mailto:a@b.c"));
    }

    #[test]
    fn relative_urls_are_allowed() {
        assert!(is_allowed_url("//finews.withounder.com/"));
        assert!(is_allowed_url("../emnews/"));
        assert!(is_allowed_url("#/post/x"));
        assert!(!is_allowed_url("#fn:1"));
        assert!(!is_allowed_url("#1"));
        assert!(is_allowed_url("a/b:c"));
        // Links to the article's own anchors.
        assert!(is_allowed_url("#gz-fn:1"));
        assert!(!is_allowed_url("#gz-"));
        assert_eq!(linked_anchor("#gz-fn:1"), Some("gz-fn:1"));
        for url in ["#/post/x", "#fn:1", "gz-fn:1", "/a#gz-fn:1"] {
            assert_eq!(linked_anchor(url), None, "{url}");
        }
        assert_eq!(url_as_read(" #gz-a\tb"), "#gz-ab");
    }

    #[test]
    fn ids_are_kept_only_as_anchors() {
        assert!(is_allowed_value("id", "gz-fn:1"));
        assert!(is_allowed_value("id", "gz-introduction"));
        for id in ["fn:1", "location", "gz-", "gz-a b", "GZ-x", " gz-x"] {
            assert!(!is_allowed_value("id", id), "{id:?}");
        }
        for tag in ["h2", "li", "a", "div", "span", "p", "table", "img"] {
            assert!(is_allowed_attribute(tag, "id"), "{tag}");
        }
        assert!(is_allowed_value("href", "#gz-fn:1") && !is_allowed_value("href", "#fn:1"));
        assert!(is_allowed_value("title", "anything at all"));
    }

    /// A post's own anchors and the links to them (as Jekyll keeps them from its raw HTML)
    /// are moved under the prefix together, once; what cannot be an anchor is dropped.
    #[test]
    fn the_builder_moves_a_posts_own_anchors_under_the_prefix() {
        let kept = |attribute: &str, value: &str| builder_value(attribute, value).map(String::from);
        assert_eq!(kept("id", "rates").as_deref(), Some("gz-rates"));
        assert_eq!(kept("href", "#rates").as_deref(), Some("#gz-rates"));
        assert_eq!(kept("id", "市场").as_deref(), Some("gz-市场"));
        assert_eq!(kept("href", "#%E5%B8%82").as_deref(), Some("#gz-%E5%B8%82"));
        assert_eq!(kept("id", "fn:1").as_deref(), Some("gz-fn:1"));
        assert_eq!(kept("href", " #a\tb").as_deref(), Some("#gz-ab"));
        // Already in scope (the builder's own, or its output read again): as it is.
        for (attribute, value) in [
            ("id", "gz-fn:1"),
            ("href", "#gz-fn:1"),
            ("href", "#/post/x"),
            ("href", "https://example.com/#x"),
            ("href", "page.html#x"),
            ("title", "#x"),
        ] {
            assert_eq!(kept(attribute, value).as_deref(), Some(value), "{value}");
        }
        // No anchor to name: dropped, as before.
        for (attribute, value) in [
            ("id", ""),
            ("id", "a b"),
            ("id", "gz-"),
            ("href", "#"),
            ("href", "#gz-"),
            ("href", "javascript:x"),
            ("src", "#x"),
        ] {
            assert_eq!(kept(attribute, value), None, "{attribute}={value:?}");
        }
        assert_eq!(in_anchor_scope("gz-x"), "gz-x");
        assert_eq!(in_anchor_scope("x"), "gz-x");
    }

    #[test]
    fn script_and_data_urls_are_refused_even_when_disguised() {
        for url in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "\u{1}javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
        ] {
            assert!(!is_allowed_url(url), "{url:?} must be refused");
        }
    }

    #[test]
    fn absolute_urls_are_told_from_relative_ones_as_the_url_standard_does() {
        for url in [
            "http://a b",
            " https://x",
            "ht\ttp:x",
            "mailto:a@b.c",
            "x:y",
            "a+b.c-d:e",
        ] {
            assert!(is_absolute_url(url), "{url:?} is absolute");
        }
        for url in [
            "//host/x",
            "a/b:c",
            "#/post/x",
            "?q=1",
            "",
            "1a:b",
            "java\u{1}script:x",
            "é:x",
        ] {
            assert!(!is_absolute_url(url), "{url:?} is relative");
        }
    }

    #[test]
    fn style_class_and_handlers_are_not_allowed() {
        for attribute in [
            "style",
            "class",
            "data-code",
            "onerror",
            "onclick",
            "srcdoc",
        ] {
            assert!(!is_allowed_attribute("img", attribute), "{attribute}");
            assert!(!is_allowed_attribute("p", attribute), "{attribute}");
        }
        assert!(is_allowed_attribute("a", "href"));
        assert!(is_allowed_attribute("img", "src"));
    }

    /// The app reads properties of elements in its page (event targets, the bundled archive's
    /// `<script>`, its own nodes by id) with web-sys' plain getters. That is safe only because
    /// nothing article markup keeps can shadow a property: named properties come from `id`
    /// and `name` (on `window` and `document`) and from forms' controls. No `name` is kept,
    /// no form control, no `embed`, `object` or `iframe` (whose `id` names a property of
    /// `document`), and every `id` starts with [`ANCHOR_PREFIX`], which no property or id the
    /// app reads does.
    #[test]
    fn nothing_kept_can_clobber_the_page() {
        for tag in ALLOWED_TAGS {
            for attribute in ["name", "form", "contenteditable", "is"] {
                assert!(!is_allowed_attribute(tag, attribute), "{tag}[{attribute}]");
            }
        }
        for id in [
            "app",
            "location",
            "document",
            "gazette-archive",
            "search-input",
        ] {
            assert!(!is_allowed_value("id", id), "{id}");
            // The builder moves a post's own ids under the prefix; it never keeps one as is.
            let moved = builder_value("id", id).expect("an id is moved, not dropped");
            assert!(moved.starts_with(ANCHOR_PREFIX) && is_allowed_value("id", &moved));
        }
        for tag in [
            "input", "embed", "object", "iframe", "frame", "select", "textarea", "button",
        ] {
            assert!(
                is_removed_with_content(tag),
                "{tag} must go with its content"
            );
        }
        // A form keeps its text, as a `div`: never as a form.
        assert_eq!(renamed_tag("form"), Some("div"));
        assert!(!is_allowed_tag("form"));
    }

    /// A renamed element is written as an allowed one, never as a landmark or anything else
    /// the policy does not keep, and takes only that element's attributes.
    #[test]
    fn renamed_elements_become_allowed_elements_without_landmarks() {
        for &(from, to) in RENAMED_TAGS {
            assert!(
                is_allowed_tag(to),
                "{from} becomes {to}, which is not allowed"
            );
            assert!(
                !is_allowed_tag(from) && !is_removed_with_content(from),
                "{from} is renamed and kept or removed"
            );
            for landmark in ["main", "nav", "aside", "header", "footer", "form", "search"] {
                assert_ne!(to, landmark, "{from} becomes a landmark");
            }
        }
        assert_eq!(written_name("section"), "div");
        assert_eq!(written_name("p"), "p");
    }

    #[test]
    fn the_lists_do_not_overlap() {
        for tag in ALLOWED_TAGS {
            assert!(
                !REMOVED_WITH_CONTENT.contains(tag) && !FOREIGN_ELEMENT_NAMES.contains(tag),
                "{tag} is allowed and removed"
            );
        }
        for &(tag, _) in RENAMED_TAGS {
            assert!(
                !FOREIGN_ELEMENT_NAMES.contains(&tag),
                "{tag} is renamed and removed"
            );
        }
        for tag in REMOVED_WITH_CONTENT {
            assert!(
                !FOREIGN_ELEMENT_NAMES.contains(tag),
                "{tag} is listed twice"
            );
        }
        for tag in FOREIGN_ELEMENT_NAMES {
            assert_eq!(
                *tag,
                tag.to_ascii_lowercase(),
                "only lower-case names can match"
            );
        }
    }
}
