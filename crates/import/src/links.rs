//! Links inside post bodies that point to the archive's own original site (`url` in
//! `_config.yml`, e.g. finews' `//finews.withounder.com/category/nanfangPlus.html` "返回…"
//! links), or to one of the app's routes behind the site's `url` or `baseurl` (what Jekyll's
//! idioms for a link to a post make of `post.url`), become in-app links at build time, so
//! they keep working after the move.

use std::borrow::Cow;
use std::sync::LazyLock;

use memchr::memmem;

use gazette_archive::route::{decode_component, legacy_route, Route};
use gazette_archive::sanitize_policy::{in_anchor_scope, is_anchor, linked_anchor};

use crate::liquid::PostIds;
use crate::permalink::Permalink;

/// What the archive knows of the original site, for the links of its posts.
#[derive(Clone)]
pub struct OldSite<'a> {
    /// Its host (`url`'s), or empty.
    pub host: &'a str,
    pub baseurl: &'a str,
    /// Scheme and host, for links made absolute ([`origin_of`]).
    pub origin: Option<&'a str>,
    /// Where it put its posts.
    pub permalink: &'a Permalink,
    /// The posts in the archive, when known: a path that names a post must name one of
    /// them (else it is the original site's page), and one the `permalink` names (with its
    /// date in the site's zone, or only the year and month) is found among them.
    pub posts: Option<&'a PostIds>,
    /// Set when a link was read against `posts` (so the post must be read again when they
    /// change: an update imports it again).
    pub asked_posts: std::cell::Cell<bool>,
}

impl OldSite<'_> {
    /// The in-app route of a page of the original site (`path` as written in the link,
    /// without `baseurl`).
    fn route_of(&self, path: &str) -> Option<Route> {
        let route = legacy_route(path);
        let Some(posts) = self.posts else {
            return (!matches!(route, Route::NotFound { .. })).then_some(route);
        };
        match route {
            Route::Post { ref id, .. }
                if {
                    self.asked_posts.set(true);
                    posts.contains(id)
                } =>
            {
                Some(route)
            }
            Route::Post { .. } | Route::NotFound { .. } => {
                let decoded: Vec<String> = path.split('/').map(decode_component).collect();
                let candidates = self.permalink.candidates(&decoded.join("/"));
                if !candidates.is_empty() {
                    self.asked_posts.set(true);
                }
                candidates
                    .into_iter()
                    .find(|id| posts.contains(id))
                    .map(Route::post)
            }
            route => Some(route),
        }
    }
}

/// The host of a site URL (`https://finews.withounder.com` → `finews.withounder.com`).
pub fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("//").map_or(url, |(_, rest)| rest);
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then_some(host)
}

/// The origin (scheme and host) of a site URL, for links made absolute: `https://host`, or
/// `http://host` when the site's `url` says `http:`; `None` without a host.
pub fn origin_of(url: &str) -> Option<String> {
    // Written into attributes as it is: only a host's characters (and a port's).
    let host = host_of(url).filter(|host| {
        host.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
    })?;
    let scheme = if url.starts_with("http:") {
        "http"
    } else {
        "https"
    };
    Some(format!("{scheme}://{host}"))
}

/// The start of every link the sanitizer writes (its forced attributes first, then the
/// link's own: `title`, `href`…).
const LINK: &str = "<a rel=\"noopener noreferrer\" target=\"_blank\"";
/// The start of every image the sanitizer writes (its forced attributes first).
const IMAGE: &str = "<img loading=\"lazy\" referrerpolicy=\"no-referrer\"";

/// Whether `url` is root-relative (`/about/`, not `//host/…`): a path on the original site,
/// which in the archive would resolve against the archive's own host (`user.github.io/…`,
/// `file:///…`).
fn is_root_relative(url: &str) -> bool {
    url.starts_with('/') && !url.starts_with("//")
}

/// Rewrites the links of sanitized HTML that lead into the archive to its in-app routes, which
/// open in the same tab (their `target="_blank"` is dropped, as the browser's enforcer of the
/// sanitize policy drops it on `#/` links):
///
/// - an in-app link as it is (`#/post/<id>`, what `post.url` and `post_url` give);
/// - one with the original site's `url` and/or `baseurl` before it, as Jekyll's idioms write
///   it (`{{ site.baseurl }}{{ post.url }}` is `/blog#/post/…`, `{{ post.url | absolute_url }}`
///   with an older Liquid `https://host/blog/#/post/…`, `{{ site.url }}{% post_url x %}`):
///   that route;
/// - a link to a page of `host` (with `http:`, `https:` or no scheme): the in-app route for
///   the same page, when the app has a view for it.
///
/// A root-relative link or image (`/about/`, `/assets/chart.png`: a path on the original
/// site) leads where it led on that site: to its in-app route when it has one that names a
/// post, a tag or a category page (`/2020/05/03/x.html`, `/tags/x/`, `/category/x.html`), and
/// otherwise to the original site itself (`origin`, from `_config.yml`'s `url`) — in the
/// archive it would resolve against the archive's own host. Without a `url` it is left alone.
///
/// Links the app has no view for are left alone. HTML without such links (most posts) is lent
/// back as it is, not copied.
pub fn rewrite_site_links<'a>(html: &'a str, site: &OldSite<'_>) -> Cow<'a, str> {
    let (host, origin) = (site.host, site.origin);
    let names_host =
        !host.is_empty() && memchr::memmem::find(html.as_bytes(), host.as_bytes()).is_some();
    let root_relative = memchr::memmem::find(html.as_bytes(), b"=\"/").is_some();
    if !names_host
        && !root_relative
        && memchr::memmem::find(html.as_bytes(), b"#/").is_none()
        && memchr::memmem::find(html.as_bytes(), b"\"#gz-").is_none()
    {
        return Cow::Borrowed(html);
    }
    // Each tag's places, found once (the starts cannot overlap themselves), taken in order.
    static LINKS: LazyLock<memmem::Finder<'static>> = LazyLock::new(|| memmem::Finder::new(LINK));
    static IMAGES: LazyLock<memmem::Finder<'static>> = LazyLock::new(|| memmem::Finder::new(IMAGE));
    let mut links = LINKS.find_iter(html.as_bytes()).peekable();
    let mut images = origin.map(|_| IMAGES.find_iter(html.as_bytes()).peekable());
    // The next place at or after `at`, from `at`.
    let next = |places: &mut std::iter::Peekable<memmem::FindIter<'_, '_>>, at: usize| {
        while places.next_if(|&place| place < at).is_some() {}
        places.peek().map(|place| place - at)
    };
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    loop {
        let at = html.len() - rest.len();
        let link = next(&mut links, at);
        let image = images.as_mut().and_then(|images| next(images, at));
        let (start, prefix, is_link) = match (link, image) {
            (Some(l), Some(i)) if i < l => (i, IMAGE, false),
            (Some(l), _) => (l, LINK, true),
            (None, Some(i)) => (i, IMAGE, false),
            (None, None) => break,
        };
        out.push_str(&rest[..start]);
        let tag = &rest[start..];
        let Some((attributes, end)) = attributes_of(&tag[prefix.len()..]) else {
            out.push_str(tag);
            return Cow::Owned(out);
        };
        let end = prefix.len() + end;
        if !is_link {
            // An image: only its root-relative source changes, to the original site's.
            write_tag(&mut out, prefix, &attributes, |name, value| match origin {
                Some(origin) if name == "src" && is_root_relative(value) => {
                    Some(format!("{origin}{value}"))
                }
                _ => None,
            });
            rest = &tag[end..];
            continue;
        }
        let href = attributes
            .iter()
            .find(|(name, _)| *name == "href")
            .map(|(_, href)| *href);
        let route = href.and_then(|href| {
            in_app_route(href, site).map(Target::InApp).or_else(|| {
                is_root_relative(href)
                    .then(|| root_relative_route(href, site))
                    .flatten()
            })
        });
        match route {
            Some(Target::InApp(route)) => {
                let route = route.replace('&', "&amp;").replace('"', "&quot;");
                write_tag(
                    &mut out,
                    "<a rel=\"noopener noreferrer\"",
                    &attributes,
                    |name, _| (name == "href").then(|| route.clone()),
                );
            }
            Some(Target::Outside(url)) => {
                write_tag(&mut out, LINK, &attributes, |name, _| {
                    (name == "href").then(|| url.clone())
                });
            }
            None => out.push_str(&tag[..end]),
        }
        rest = &tag[end..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Writes a start tag: `start` (`<a rel=…`), then each attribute as it was (` name="value"`,
/// escaped as written) or with the value `replace` gives for it, then `>`.
fn write_tag(
    out: &mut String,
    start: &str,
    attributes: &[(&str, &str)],
    replace: impl Fn(&str, &str) -> Option<String>,
) {
    out.push_str(start);
    for &(name, value) in attributes {
        out.push(' ');
        out.push_str(name);
        out.push_str("=\"");
        match replace(name, value) {
            Some(value) => out.push_str(&value),
            None => out.push_str(value),
        }
        out.push('"');
    }
    out.push('>');
}

/// Where a rewritten link leads.
enum Target {
    /// An in-app route (`#/post/…`), opened in the same tab.
    InApp(String),
    /// A page of the original site, as written (escaped).
    Outside(String),
}

/// Where a root-relative link (`/about/`, escaped as written) leads: see
/// [`rewrite_site_links`].
fn root_relative_route(href: &str, site: &OldSite<'_>) -> Option<Target> {
    let (baseurl, origin) = (site.baseurl, site.origin);
    let decoded = href.replace("&amp;", "&");
    let path = decoded.split(['?', '#']).next().unwrap_or("");
    let path = path
        .strip_prefix(baseurl)
        .filter(|_| !baseurl.is_empty())
        .unwrap_or(path);
    // One segment (`/about/`, `/contact.html`) is more often a page of the old site than a
    // category: only the original site knows.
    let segments = path.split('/').filter(|s| !s.is_empty()).count();
    let route = match site.route_of(path) {
        Some(route @ Route::Post { .. }) => {
            Some(with_anchor(route, &unescaped(href)).to_fragment())
        }
        Some(_) if segments < 2 => None,
        route => route.map(|route| route.to_fragment()),
    };
    match (route, origin) {
        (Some(route), _) => Some(Target::InApp(route)),
        (None, Some(origin)) => Some(Target::Outside(format!("{origin}{href}"))),
        (None, None) => None,
    }
}

/// The attributes of a start tag the sanitizer wrote (` name="value"`, values escaped, so
/// without `"`), up to its `>`: `(name, value as written)`, and where the tag ends.
fn attributes_of(tag: &str) -> Option<(Vec<(&str, &str)>, usize)> {
    let mut attributes = Vec::new();
    let mut at = 0;
    loop {
        let rest = &tag[at..];
        let trimmed = rest.trim_start_matches(' ');
        at += rest.len() - trimmed.len();
        if trimmed.starts_with('>') {
            return Some((attributes, at + 1));
        }
        let (name, after) = trimmed.split_once("=\"")?;
        let value_end = after.find('"')?;
        attributes.push((name, &after[..value_end]));
        at += name.len() + 2 + value_end + 1;
    }
}

/// An attribute value as the serializer escaped it, read back.
fn unescaped(value: &str) -> String {
    if !value.contains('&') {
        return value.to_owned();
    }
    value
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// Where a link leads in the app, as the fragment to write: see [`rewrite_site_links`].
fn in_app_route(href: &str, site: &OldSite<'_>) -> Option<String> {
    let (host, baseurl) = (site.host, site.baseurl);
    // The value as the serializer escaped it, read back (the caller escapes it again).
    let href = unescaped(href);
    // A route, or an anchor in the post itself (a footnote, a heading: the app scrolls to it).
    if href.starts_with("#/") || linked_anchor(&href).is_some() {
        return Some(href);
    }
    if let Some((before, route)) = href.split_once('#') {
        if route.starts_with('/') && is_site_root(before, host, baseurl) {
            return Some(format!("#{route}"));
        }
    }
    let without_scheme = href
        .strip_prefix("https:")
        .or_else(|| href.strip_prefix("http:"))
        .unwrap_or(&href);
    let path = without_scheme.strip_prefix("//")?.strip_prefix(host)?;
    if host.is_empty() || !(path.is_empty() || path.starts_with('/')) {
        return None; // another host that merely starts with this one
    }
    let path = path.split(['?', '#']).next().unwrap_or("");
    let path = path
        .strip_prefix(baseurl)
        .filter(|_| !baseurl.is_empty())
        .unwrap_or(path);
    site.route_of(path)
        .map(|route| with_anchor(route, &href).to_fragment())
}

/// A link to a post keeps the anchor its `href` names (`/2024/01/01/rates.html#outlook` leads
/// to `#/post/2024-01-01-rates?at=gz-outlook`), in the policy's anchor scope as that post's
/// ids are (see [`in_anchor_scope`]). Any other route stays as it is.
fn with_anchor(route: Route, href: &str) -> Route {
    match route {
        Route::Post { id, anchor: None } => {
            let anchor = href
                .split_once('#')
                .map(|(_, fragment)| in_anchor_scope(&decode_component(fragment)).into_owned())
                .filter(|anchor| is_anchor(anchor));
            Route::Post { id, anchor }
        }
        route => route,
    }
}

/// Whether `url` is the original site's root: its `url` (any scheme, or none) and/or its
/// `baseurl`, with or without a `/` after them — or nothing at all, or `/`.
fn is_site_root(url: &str, host: &str, baseurl: &str) -> bool {
    let without_scheme = url
        .strip_prefix("https:")
        .or_else(|| url.strip_prefix("http:"));
    let path = match without_scheme.unwrap_or(url).strip_prefix("//") {
        Some(authority) => match authority.strip_prefix(host) {
            Some(path) if !host.is_empty() => path,
            _ => return false,
        },
        None if without_scheme.is_some() => return false,
        None => url,
    };
    let path = path.strip_suffix('/').unwrap_or(path);
    let baseurl = baseurl.trim_matches('/');
    path.is_empty() || (!baseurl.is_empty() && path.trim_start_matches('/') == baseurl)
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "<a rel=\"noopener noreferrer\" target=\"_blank\" href=\"";

    /// With Jekyll's default permalink and no list of the posts.
    fn rewrite<'a>(html: &'a str, host: &str, baseurl: &str, origin: Option<&str>) -> Cow<'a, str> {
        let permalink = Permalink::new("");
        let site = OldSite {
            host,
            baseurl,
            origin,
            permalink: &permalink,
            posts: None,
            asked_posts: Default::default(),
        };
        rewrite_site_links(html, &site)
    }

    /// A link to an anchor of the post (a footnote, a heading) stays in the tab, with or
    /// without a site `url`, its target as it was.
    #[test]
    fn links_to_the_posts_own_anchors_stay_in_the_tab() {
        for host in ["", "finews.withounder.com"] {
            let html = format!("<p>x<sup id=\"gz-fnref:1\">{A}#gz-fn:1\">1</a></sup></p>");
            assert_eq!(
                rewrite(&html, host, "", None),
                "<p>x<sup id=\"gz-fnref:1\"><a rel=\"noopener noreferrer\" href=\"#gz-fn:1\">1</a></sup></p>"
            );
        }
        let html = format!("{A}#gz-a&quot;b&amp;c\">x</a>");
        assert_eq!(
            rewrite(&html, "", "", None),
            "<a rel=\"noopener noreferrer\" href=\"#gz-a&quot;b&amp;c\">x</a>"
        );
    }

    /// A link to another post's anchor leads to that post with its anchor, named as the
    /// builder names that post's ids; a link to a page that is no post keeps no anchor.
    #[test]
    fn links_to_a_posts_anchor_keep_it() {
        let origin = Some("https://blog.example.net");
        let html = format!(
            "<p>{A}/blog/2020/05/03/second.html#outlook\">a</a>\
             {A}https://blog.example.net/blog/2020/05/03/second.html#fn:1\">b</a>\
             {A}/blog/2020/05/03/second.html#%E5%B8%82\">c</a>\
             {A}/blog/2020/05/03/second.html#\">d</a>\
             {A}/blog/2020/05/03/second.html#a&quot;b&amp;c\">g</a>\
             {A}/blog/tags/rates/#x\">e</a></p>"
        );
        assert_eq!(
            rewrite(&html, "blog.example.net", "/blog", origin),
            "<p><a rel=\"noopener noreferrer\" href=\"#/post/2020-05-03-second?at=gz-outlook\">a</a>\
             <a rel=\"noopener noreferrer\" href=\"#/post/2020-05-03-second?at=gz-fn%3A1\">b</a>\
             <a rel=\"noopener noreferrer\" href=\"#/post/2020-05-03-second?at=gz-市\">c</a>\
             <a rel=\"noopener noreferrer\" href=\"#/post/2020-05-03-second\">d</a>\
             <a rel=\"noopener noreferrer\" href=\"#/post/2020-05-03-second?at=gz-a%22b%26c\">g</a>\
             <a rel=\"noopener noreferrer\" href=\"#/tag/rates\">e</a></p>"
        );
    }

    #[test]
    fn hosts_come_from_site_urls() {
        assert_eq!(
            host_of("https://finews.withounder.com"),
            Some("finews.withounder.com")
        );
        assert_eq!(host_of("//a.b/c"), Some("a.b"));
        assert_eq!(host_of(""), None);
    }

    #[test]
    fn finews_back_links_become_in_app_links() {
        let html = format!("{A}//finews.withounder.com/category/nanfangPlus.html\">返回南方Plus新闻</a>｜{A}//finews.withounder.com/\">返回首页</a>");
        assert_eq!(
            rewrite(&html, "finews.withounder.com", "", None),
            "<a rel=\"noopener noreferrer\" href=\"#/category/nanfangPlus\">返回南方Plus新闻</a>｜<a rel=\"noopener noreferrer\" href=\"#/\">返回首页</a>"
        );
    }

    #[test]
    fn other_hosts_and_unknown_pages_are_left_alone() {
        let html = format!("{A}http://finance.eastmoney.com/a.html\">x</a>{A}https://finews.withounder.com.evil.example/category/x.html\">y</a>{A}https://finews.withounder.com/assets/a/b.png\">z</a>");
        assert_eq!(rewrite(&html, "finews.withounder.com", "", None), html);
    }

    #[test]
    fn in_app_links_behind_the_sites_url_or_baseurl_are_the_route() {
        // What Jekyll's idioms for a link to a post give, with `url` and `baseurl: /blog`.
        for href in [
            "#/post/2024-02-01-alpha",
            "/blog#/post/2024-02-01-alpha",
            "/blog/#/post/2024-02-01-alpha",
            "/#/post/2024-02-01-alpha",
            "https://me.example.io#/post/2024-02-01-alpha",
            "https://me.example.io/#/post/2024-02-01-alpha",
            "http://me.example.io/blog/#/post/2024-02-01-alpha",
            "//me.example.io/blog#/post/2024-02-01-alpha",
        ] {
            let html = format!("<p>{A}{href}\">x</a></p>");
            assert_eq!(
                rewrite(&html, "me.example.io", "/blog", None),
                "<p><a rel=\"noopener noreferrer\" href=\"#/post/2024-02-01-alpha\">x</a></p>",
                "{href}"
            );
        }
        // Without a site URL too, and with the link's other attributes kept.
        let html = "<a rel=\"noopener noreferrer\" target=\"_blank\" title=\"a > b\" href=\"/#/tag/a&amp;b\">x</a>";
        assert_eq!(
            rewrite(html, "", "", None),
            "<a rel=\"noopener noreferrer\" title=\"a > b\" href=\"#/tag/a&amp;b\">x</a>"
        );
        // Another site's page, another path, or a page's own anchor: left alone.
        for href in [
            "https://other.example#/post/x",
            "/elsewhere#/post/x",
            "https:/blog#/post/x",
            "/blog#top",
            "https://me.example.io.evil#/post/x",
        ] {
            let html = format!("{A}{href}\">x</a>");
            assert_eq!(
                rewrite(&html, "me.example.io", "/blog", None),
                html,
                "{href}"
            );
        }
    }

    #[test]
    fn root_relative_links_and_images_lead_where_they_led_on_the_original_site() {
        let origin = Some("https://blog.example.net");
        let html = format!(
            "<p>{A}/about/\">a</a>{A}/blog/2020/05/03/second.html?x=1&amp;y=2\">b</a>\
             {A}/blog/tags/rates/\">c</a>{A}/blog/files/report.pdf\">d</a>\
             <img loading=\"lazy\" referrerpolicy=\"no-referrer\" src=\"/img/c.png\" alt=\"c\">\
             <img loading=\"lazy\" referrerpolicy=\"no-referrer\" src=\"https://cdn.example/x.png\">\
             {A}https://other.example/about/\">e</a>{A}second.html\">f</a></p>"
        );
        assert_eq!(
            rewrite(&html, "blog.example.net", "/blog", origin),
            format!(
                "<p>{A}https://blog.example.net/about/\">a</a>\
                 <a rel=\"noopener noreferrer\" href=\"#/post/2020-05-03-second\">b</a>\
                 <a rel=\"noopener noreferrer\" href=\"#/tag/rates\">c</a>\
                 {A}https://blog.example.net/blog/files/report.pdf\">d</a>\
                 <img loading=\"lazy\" referrerpolicy=\"no-referrer\" src=\"https://blog.example.net/img/c.png\" alt=\"c\">\
                 <img loading=\"lazy\" referrerpolicy=\"no-referrer\" src=\"https://cdn.example/x.png\">\
                 {A}https://other.example/about/\">e</a>{A}second.html\">f</a></p>"
            )
        );
        // Without the site's `url`: what maps to a view does, the rest is left alone.
        assert_eq!(
            rewrite(&html, "", "/blog", None),
            html.replace(
                &format!("{A}/blog/2020/05/03/second.html?x=1&amp;y=2\">"),
                "<a rel=\"noopener noreferrer\" href=\"#/post/2020-05-03-second\">"
            )
            .replace(
                &format!("{A}/blog/tags/rates/\">"),
                "<a rel=\"noopener noreferrer\" href=\"#/tag/rates\">"
            )
        );
        assert_eq!(
            origin_of("http://a.example/b"),
            Some("http://a.example".into())
        );
        assert_eq!(origin_of("//a.example"), Some("https://a.example".into()));
        assert_eq!(origin_of(""), None);
        assert_eq!(origin_of("https://a\"onload=x.example/"), None);
    }

    #[test]
    fn the_base_url_is_removed_first() {
        let html = format!("{A}https://news.example.org/blog/2022/03/05/singular.html\">x</a>");
        assert_eq!(
            rewrite(&html, "news.example.org", "/blog", None),
            "<a rel=\"noopener noreferrer\" href=\"#/post/2022-03-05-singular\">x</a>"
        );
    }

    #[test]
    fn links_to_posts_find_the_post_the_sites_permalink_named() {
        let posts = PostIds::new(["2020-12-31-late", "2020-05-03-hello", "2019-02-11-month"]);
        let permalink = Permalink::new("/:year/:month/:title/");
        let site = OldSite {
            host: "blog.example.net",
            baseurl: "",
            origin: Some("https://blog.example.net"),
            permalink: &permalink,
            posts: Some(&posts),
            asked_posts: Default::default(),
        };
        let html = format!(
            "{A}/2019/02/month/\">a</a>{A}https://blog.example.net/2020/05/hello/\">b</a>\
             {A}/2020/05/03/hello.html\">c</a>{A}/2020/05/04/gone.html\">d</a>\
             {A}/2020/06/hello/\">e</a>"
        );
        let inside = |id: &str| format!("<a rel=\"noopener noreferrer\" href=\"#/post/{id}\">");
        assert_eq!(
            rewrite_site_links(&html, &site),
            format!(
                "{}a</a>{}b</a>{}c</a>{A}https://blog.example.net/2020/05/04/gone.html\">d</a>\
                 {A}https://blog.example.net/2020/06/hello/\">e</a>",
                inside("2019-02-11-month"),
                inside("2020-05-03-hello"),
                inside("2020-05-03-hello"),
            )
        );
        // Jekyll's default: the URL's date is in the site's zone, a day after the file's.
        let permalink = Permalink::new("");
        assert!(site.asked_posts.get());
        let site = OldSite {
            permalink: &permalink,
            ..site
        };
        let html = format!("{A}/news/2021/01/01/late.html\">x</a>");
        assert_eq!(
            rewrite_site_links(&html, &site),
            format!("{}x</a>", inside("2020-12-31-late"))
        );
    }
}
