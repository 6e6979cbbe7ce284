//! The builder's enforcer of [`gazette_archive::sanitize_policy`]: an `ammonia` cleaner configured from
//! the policy's lists (behind the one-pass fast path of `raw_html.rs`, which gives its
//! bytes for the markup it takes), and a plain-text reader for the HTML it produces.

pub mod parse_limits;
pub mod raw_html;

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use ammonia::{Builder, UrlRelative};

use gazette_archive::sanitize_policy as policy;

/// The builder's ammonia cleaner: the policy, with a post's own anchors moved under its
/// prefix ([`policy::builder_value`]).
fn cleaner() -> &'static Builder<'static> {
    static CLEANER: OnceLock<Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| configured(policy::builder_value))
}

/// An ammonia cleaner of the policy alone, as the browser's enforcer applies it: a value
/// the policy does not keep is dropped, a post's own anchor too ([`policy::is_allowed_value`]).
fn enforcer() -> &'static Builder<'static> {
    static ENFORCER: OnceLock<Builder<'static>> = OnceLock::new();
    ENFORCER.get_or_init(|| {
        configured(|attribute, value| {
            policy::is_allowed_value(attribute, value).then(|| value.into())
        })
    })
}

/// An ammonia cleaner configured from the policy's lists, `keep` deciding what an allowed
/// attribute's value becomes (`None`: the attribute goes).
fn configured(
    keep: impl for<'v> Fn(&str, &'v str) -> Option<std::borrow::Cow<'v, str>> + Send + Sync + 'static,
) -> Builder<'static> {
    let mut tag_attributes: HashMap<&str, HashSet<&str>> = HashMap::new();
    for &(tag, attribute) in policy::ELEMENT_ATTRIBUTES {
        tag_attributes.entry(tag).or_default().insert(attribute);
    }
    // A renamed element is kept under its own name, with the attributes of the element it
    // becomes, and renamed in the serialized output (see `rename_and_force`).
    for &(from, to) in policy::RENAMED_TAGS {
        for &(tag, attribute) in policy::ELEMENT_ATTRIBUTES {
            if tag == to {
                tag_attributes.entry(from).or_default().insert(attribute);
            }
        }
    }
    let mut builder = Builder::default();
    builder
        .tags(
            policy::ALLOWED_TAGS
                .iter()
                .chain(policy::RENAMED_TAGS.iter().map(|(from, _)| from))
                .copied()
                .collect(),
        )
        .clean_content_tags(
            policy::REMOVED_WITH_CONTENT
                .iter()
                .chain(policy::FOREIGN_ELEMENT_NAMES)
                .copied()
                .collect(),
        )
        .generic_attributes(policy::GENERIC_ATTRIBUTES.iter().copied().collect())
        .tag_attributes(tag_attributes)
        .url_schemes(policy::ALLOWED_URL_SCHEMES.iter().copied().collect())
        .url_relative(UrlRelative::PassThrough)
        .strip_comments(true)
        .link_rel(None)
        // ammonia checks schemes itself; applying the policy's own URL test as well keeps the
        // builder and the browser in exact agreement (e.g. on `java\u{fffd}script:`); an `id`
        // is kept only as an anchor.
        .attribute_filter(move |_, attribute, value| keep(attribute, value));
    builder
}

/// Cleans article HTML under the policy, with the policy's forced attributes: raw HTML in the
/// subset `raw_html.rs` models in one pass (most news markup), anything else by ammonia,
/// the same bytes either way.
pub fn sanitize_html(html: &str) -> String {
    if let Some(clean) = raw_html::sanitize(html) {
        return clean;
    }
    ammonia_sanitize(html)
}

/// [`sanitize_html`], unless html5ever's work on `html` would pass [`parse_limits`] (then
/// why, and ammonia never sees it): the builder's entry, where one post must not exhaust the
/// memory or stall the build.
pub fn sanitize_html_within_limits(html: &str) -> Result<String, String> {
    if let Some(clean) = raw_html::sanitize(html) {
        return Ok(clean);
    }
    parse_limits::check(html)?;
    Ok(ammonia_sanitize(html))
}

/// [`sanitize_html`] by ammonia alone (the full path, which the fast path must equal).
pub fn ammonia_sanitize(html: &str) -> String {
    clean_with(cleaner(), html)
}

/// The policy alone, as the browser's enforcer applies it: [`sanitize_html`], but a post's own
/// anchors (`id="rates"`, `href="#rates"`) dropped instead of moved under the policy's prefix.
/// What the differential tests hold the browser's enforcer to.
pub fn sanitize_html_enforcing(html: &str) -> String {
    clean_with(enforcer(), html)
}

fn clean_with(cleaner: &Builder<'static>, html: &str) -> String {
    // `Document::to_string` serializes into bytes, checks them with std's UTF-8 validator and
    // copies them into a `String`; the bytes are read once more here anyway, into `out`.
    let mut serialized = Vec::with_capacity(html.len());
    cleaner
        .clean(html)
        .write_to(&mut serialized)
        .expect("writing to a Vec cannot fail");
    let clean = simdutf8::basic::from_utf8(&serialized).expect("html5ever serializes UTF-8");
    rename_and_force(clean)
}

/// Writes each start and end tag of [`policy::RENAMED_TAGS`] under its new name, and inserts
/// [`policy::FORCED_ATTRIBUTES`] right after each matching start tag's name. (ammonia can
/// set attributes itself, but in hash-map order, and the archive must be byte-for-byte
/// reproducible; it cannot rename.) The input is serializer output, where every literal `<`
/// in text and attribute values is escaped, so `<img` or `</section` can only be a tag;
/// forced attributes were stripped by the cleaner, so none is doubled.
fn rename_and_force(clean: &str) -> String {
    let mut out = String::with_capacity(clean.len() + clean.len() / 8);
    let mut rest = clean;
    while let Some(start) = memchr::memchr(b'<', rest.as_bytes()) {
        out.push_str(&rest[..start]);
        rest = &rest[start + 1..];
        out.push('<');
        let closing = rest.starts_with('/');
        if closing {
            out.push('/');
            rest = &rest[1..];
        }
        let name_len = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        let name = policy::written_name(&rest[..name_len]);
        out.push_str(name);
        if !closing {
            push_forced_attributes(&mut out, name);
        }
        rest = &rest[name_len..];
    }
    out.push_str(rest);
    out
}

/// Whether ammonia keeps `url` in a URL attribute: it parses it with the `url` crate and keeps
/// it when the scheme is allowed, or when it is relative (`UrlRelative::PassThrough`). The
/// builder's other writers of HTML (the fast paths) keep a URL only when this does.
pub fn ammonia_keeps_url(url: &str) -> bool {
    match url::Url::parse(url) {
        Ok(url) => policy::ALLOWED_URL_SCHEMES.contains(&url.scheme()),
        Err(url::ParseError::RelativeUrlWithoutBase) => true,
        Err(_) => false,
    }
}

/// Writes `tag`'s [`policy::FORCED_ATTRIBUTES`], each with a leading space, in the policy's
/// order.
pub fn push_forced_attributes(out: &mut String, tag: &str) {
    for &(forced_tag, attribute, value) in policy::FORCED_ATTRIBUTES {
        if forced_tag == tag {
            out.push(' ');
            out.push_str(attribute);
            out.push_str("=\"");
            out.push_str(value);
            out.push('"');
        }
    }
}

pub use gazette_archive::text::article_text;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finews_stock_markup_loses_style_class_and_data_and_its_id_moves_under_the_prefix() {
        let html = r#"<p style="text-align:center;"><span id="stock_1.600160"><a href="http://quote.eastmoney.com/unify/r/1.600160" class="keytip" data-code="1,600160">巨化股份</a></span></p>"#;
        assert_eq!(
            sanitize_html(html),
            r#"<p><span id="gz-stock_1.600160"><a rel="noopener noreferrer" target="_blank" href="http://quote.eastmoney.com/unify/r/1.600160">巨化股份</a></span></p>"#
        );
    }

    #[test]
    fn images_load_lazily_without_referrer() {
        let html = r#"<center><img src="https://dfscdn.dfcfw.com/a.jpg" alt="Image" width="552" style="border:1px" onerror="alert(1)"></center>"#;
        assert_eq!(
            sanitize_html(html),
            r#"<center><img loading="lazy" referrerpolicy="no-referrer" src="https://dfscdn.dfcfw.com/a.jpg" alt="Image" width="552"></center>"#
        );
    }

    #[test]
    fn html_elements_with_svg_or_mathml_names_go_with_their_content() {
        assert_eq!(
            sanitize_html("<p>a<desc>x</desc>b<mi>y</mi>c<list>z</list><font>kept</font></p>"),
            "<p>abckept</p>"
        );
    }

    #[test]
    fn scripts_styles_and_frames_go_with_their_content() {
        let html = "<p>a<script>alert(1)</script><style>p{}</style><iframe src=x>f</iframe><object data=x>o</object>b</p><form action=x><input name=a><button>OK</button><select><option>1</select>c</form>";
        assert_eq!(sanitize_html(html), "<p>ab</p><div>c</div>");
    }

    /// Block containers the policy does not keep still end a line: each becomes the allowed
    /// element the policy names, with that element's attributes, on both paths.
    #[test]
    fn block_containers_become_divs_and_keep_their_boundary() {
        for (html, expected) in [
            (
                "<section>Reuters</section><section>Beijing, May 11</section>",
                "<div>Reuters</div><div>Beijing, May 11</div>",
            ),
            (
                "<article class=x lang=en><header>Title</header><main>Text</main><footer>End</footer></article>",
                "<div lang=\"en\"><div>Title</div><div>Text</div><div>End</div></div>",
            ),
            (
                "<nav><a href=\"/\">Home</a></nav><aside title=t>Note</aside><address>Beijing</address>",
                "<div><a rel=\"noopener noreferrer\" target=\"_blank\" href=\"/\">Home</a></div><div title=\"t\">Note</div><div>Beijing</div>",
            ),
            (
                "<form action=\"/x.aspx\" id=\"form1\"><fieldset><legend>Q</legend>A</fieldset></form>",
                "<div id=\"gz-form1\"><div><div>Q</div>A</div></div>",
            ),
            ("<menu><li>a</li></menu><dir><li>b</li></dir>", "<ul><li>a</li></ul><ul><li>b</li></ul>"),
            ("<listing>a\nb</listing>", "<pre>a\nb</pre>"),
            ("<hgroup><h1>a</h1><p>b</p></hgroup><search>c</search>", "<div><h1>a</h1><p>b</p></div><div>c</div>"),
        ] {
            assert_eq!(sanitize_html(html), expected, "{html}");
            assert_eq!(ammonia_sanitize(html), expected, "{html}");
        }
    }

    #[test]
    fn script_urls_are_removed() {
        let html = r#"<a href="javascript:alert(1)">x</a><a href="data:text/html,x">y</a><img src="vbscript:x">"#;
        let clean = sanitize_html(html);
        assert!(!clean.contains("javascript"), "{clean}");
        assert!(!clean.contains("data:"), "{clean}");
        assert!(!clean.contains("vbscript"), "{clean}");
    }

    #[test]
    fn comments_are_stripped() {
        assert_eq!(
            sanitize_html("<!-- EM_StockImg_Start --><p>x</p>"),
            "<p>x</p>"
        );
    }

    #[test]
    fn article_text_skips_navigation_blocks() {
        let html = r#"<p>离岸人民币兑美元升至6.3512。</p>
<p><a href="http://finance.eastmoney.com/x.html">http://finance.eastmoney.com/x.html</a></p>
<p><a href="//finews.zning.me/emnews/">返回东财滚动新闻</a>｜<a href="//finews.zning.me/">返回首页</a></p>"#;
        assert_eq!(article_text(html), "离岸人民币兑美元升至6.3512。");
    }

    #[test]
    fn article_text_keeps_inline_links_and_decodes_entities() {
        let html = "<p>据<a href=\"x\">蔚来</a>消息 &lt;1% &amp; more</p><p>二</p>";
        assert_eq!(article_text(html), "据蔚来消息 <1% & more\n二");
    }
}
