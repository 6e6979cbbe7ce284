//! Links inside post bodies that point to the archive's own original site (`url` in
//! `_config.yml`, e.g. finews' `//finews.withounder.com/category/nanfangPlus.html` "返回…"
//! links) become in-app links at build time, so they keep working after the move.

use std::borrow::Cow;

use gazette_archive::route::{legacy_route, Route};

/// The host of a site URL (`https://finews.withounder.com` → `finews.withounder.com`).
pub fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("//").map_or(url, |(_, rest)| rest);
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then_some(host)
}

/// Rewrites `href`s of sanitized HTML that point at `host` (with `http:`, `https:` or no
/// scheme) to the in-app route for the same page. In-app links open in the same tab, so their
/// `target="_blank"` is dropped. Links the app has no view for are left alone. HTML that does
/// not name the host (most posts) is lent back as it is, not copied.
pub fn rewrite_site_links<'a>(html: &'a str, host: &str, baseurl: &str) -> Cow<'a, str> {
    if host.is_empty() || memchr::memmem::find(html.as_bytes(), host.as_bytes()).is_none() {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    const TAG: &str = "<a rel=\"noopener noreferrer\" target=\"_blank\" href=\"";
    while let Some(start) = rest.find(TAG) {
        out.push_str(&rest[..start]);
        let after = &rest[start + TAG.len()..];
        let Some(end) = after.find('"') else {
            out.push_str(&rest[start..]);
            return Cow::Owned(out);
        };
        let href = &after[..end];
        match in_app_route(href, host, baseurl) {
            Some(route) => {
                out.push_str("<a rel=\"noopener noreferrer\" href=\"");
                out.push_str(
                    &route
                        .to_fragment()
                        .replace('&', "&amp;")
                        .replace('"', "&quot;"),
                );
            }
            None => {
                out.push_str(TAG);
                out.push_str(href);
            }
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

fn in_app_route(href: &str, host: &str, baseurl: &str) -> Option<Route> {
    let href = href.replace("&amp;", "&");
    let without_scheme = href
        .strip_prefix("https:")
        .or_else(|| href.strip_prefix("http:"))
        .unwrap_or(&href);
    let path = without_scheme.strip_prefix("//")?.strip_prefix(host)?;
    if !(path.is_empty() || path.starts_with('/')) {
        return None; // another host that merely starts with this one
    }
    let path = path.split(['?', '#']).next().unwrap_or("");
    let path = path
        .strip_prefix(baseurl)
        .filter(|_| !baseurl.is_empty())
        .unwrap_or(path);
    match legacy_route(path) {
        Route::NotFound { .. } => None,
        route => Some(route),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "<a rel=\"noopener noreferrer\" target=\"_blank\" href=\"";

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
            rewrite_site_links(&html, "finews.withounder.com", ""),
            "<a rel=\"noopener noreferrer\" href=\"#/category/nanfangPlus\">返回南方Plus新闻</a>｜<a rel=\"noopener noreferrer\" href=\"#/\">返回首页</a>"
        );
    }

    #[test]
    fn other_hosts_and_unknown_pages_are_left_alone() {
        let html = format!("{A}http://finance.eastmoney.com/a.html\">x</a>{A}https://finews.withounder.com.evil.example/category/x.html\">y</a>{A}https://finews.withounder.com/assets/a/b.png\">z</a>");
        assert_eq!(rewrite_site_links(&html, "finews.withounder.com", ""), html);
    }

    #[test]
    fn the_base_url_is_removed_first() {
        let html = format!("{A}https://news.example.org/blog/2022/03/05/singular.html\">x</a>");
        assert_eq!(
            rewrite_site_links(&html, "news.example.org", "/blog"),
            "<a rel=\"noopener noreferrer\" href=\"#/post/2022-03-05-singular\">x</a>"
        );
    }
}
