//! The one HTML allowlist Gazette trusts. The builder enforces it with `ammonia`
//! ([`crate::sanitize`]); the browser enforces it again by walking an inert DOM
//! (`src/sanitize_dom.rs` in the app). Changing what article HTML may contain is an edit here
//! and nowhere else.

/// Elements kept (with their children). Anything else is unwrapped: the element goes, its
/// text stays — except [`REMOVED_WITH_CONTENT`], which go entirely.
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

/// Elements removed together with everything inside them: their content is code, styling,
/// embedded documents or foreign markup, never article text.
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
    "form",
    "input",
];

/// Attributes allowed on every kept element. `style`, `class`, `id`, `data-*` and every
/// `on*` handler are deliberately absent.
pub const GENERIC_ATTRIBUTES: &[&str] = &["title", "lang", "dir"];

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
/// links open in a new tab and cannot reach back into Gazette's window.
pub const FORCED_ATTRIBUTES: &[(&str, &str, &str)] = &[
    ("img", "loading", "lazy"),
    ("img", "referrerpolicy", "no-referrer"),
    ("a", "rel", "noopener noreferrer"),
    ("a", "target", "_blank"),
];

/// True when `tag` (lower case) is kept.
pub fn is_allowed_tag(tag: &str) -> bool {
    ALLOWED_TAGS.contains(&tag)
}

/// True when `tag` (lower case) is removed with its content.
pub fn is_removed_with_content(tag: &str) -> bool {
    REMOVED_WITH_CONTENT.contains(&tag)
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
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_ascii_control() && !c.is_whitespace())
        .collect();
    match scheme_of(&cleaned) {
        None => true,
        Some(scheme) => ALLOWED_URL_SCHEMES
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(scheme)),
    }
}

/// The scheme of a URL (the part before the first `:` when it comes before any `/`, `?`, `#`).
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
        assert!(is_allowed_url("a/b:c"));
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
    fn style_class_id_and_handlers_are_not_allowed() {
        for attribute in [
            "style",
            "class",
            "id",
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

    #[test]
    fn the_lists_do_not_overlap() {
        for tag in ALLOWED_TAGS {
            assert!(
                !REMOVED_WITH_CONTENT.contains(tag),
                "{tag} is in both lists"
            );
        }
    }
}
