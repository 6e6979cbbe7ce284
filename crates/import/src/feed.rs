//! Atom feeds (the newest posts, and one per category — the original site used jekyll-feed),
//! written by the builder when the site's public URL is known. Entries link to the app's own
//! views, so a feed reader opens the post in Gazette.
//!
//! There is no sitemap: every view of the app is a `#/…` fragment of one page, and crawlers
//! drop fragments, so a sitemap could name nothing but the home page (and one inside
//! `archive/` may not even name that: the sitemap protocol limits a sitemap to URLs under its
//! own folder).

use gazette_archive::model::{CategoryInfo, PostSummary, SiteInfo};
use gazette_archive::route::Route;

/// Entries per feed.
pub const FEED_ENTRIES: usize = 20;

/// The app's public URL (`https://user.github.io/repo/`), from the site's `url` and `baseurl`;
/// `None` when the site has no `url`.
pub fn app_url(site: &SiteInfo) -> Option<String> {
    // Only a web address: a feed reader shows what the feeds link to as links.
    if !gazette_archive::sanitize_policy::is_web_url(&site.url) {
        return None;
    }
    let baseurl = site.baseurl.trim_matches('/');
    Some(match baseurl {
        "" => format!("{}/", site.url.trim_end_matches('/')),
        _ => format!("{}/{baseurl}/", site.url.trim_end_matches('/')),
    })
}

/// `text` as XML character data or an attribute value: markup characters escaped, and the
/// characters XML 1.0's `Char` production excludes dropped (they make the whole feed
/// malformed: the C0 controls but tab, LF and CR, and the non-characters U+FFFE and U+FFFF;
/// surrogates cannot be in a `str`).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Every character to replace or drop is ASCII or U+FFFE/U+FFFF (EF BF BE/BF in UTF-8,
    // whose lead byte starts no other sequence of them), so runs between them are copied
    // whole and every cut falls on a character boundary.
    let bytes = text.as_bytes();
    let mut run_start = 0;
    let mut at = 0;
    while at < bytes.len() {
        let (replacement, width) = match bytes[at] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&apos;", 1),
            byte if byte < 0x20 && !matches!(byte, b'\t' | b'\n' | b'\r') => ("", 1),
            0xEF if matches!(bytes.get(at + 1..at + 3), Some([0xBF, 0xBE | 0xBF])) => ("", 3),
            _ => {
                at += 1;
                continue;
            }
        };
        out.push_str(&text[run_start..at]);
        out.push_str(replacement);
        at += width;
        run_start = at;
    }
    out.push_str(&text[run_start..]);
    out
}

/// What a feed says about itself.
#[derive(Debug, Clone, Copy)]
pub struct FeedHead<'a> {
    pub title: &'a str,
    /// The site's `description`, or empty.
    pub subtitle: &'a str,
    /// The site's language (`xml:lang`), or empty.
    pub lang: &'a str,
}

/// An Atom feed of `posts` (newest first).
pub fn atom(
    head: &FeedHead<'_>,
    app_url: &str,
    feed_url: &str,
    view: &Route,
    posts: &[&PostSummary],
    categories: &[CategoryInfo],
) -> String {
    let updated = posts
        .iter()
        .find_map(|p| p.date.clone())
        .unwrap_or_else(|| "1970-01-01T00:00:00+00:00".into());
    let mut xml = String::new();
    xml.push_str(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"",
    );
    if !head.lang.is_empty() {
        xml.push_str(&format!(" xml:lang=\"{}\"", escape(head.lang)));
    }
    xml.push_str(">\n");
    xml.push_str(&format!("  <title>{}</title>\n", escape(head.title)));
    if !head.subtitle.is_empty() {
        xml.push_str(&format!(
            "  <subtitle>{}</subtitle>\n",
            escape(head.subtitle)
        ));
    }
    xml.push_str(&format!("  <id>{}</id>\n", escape(feed_url)));
    xml.push_str(&format!(
        "  <link rel=\"self\" href=\"{}\"/>\n",
        escape(feed_url)
    ));
    xml.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        escape(&format!("{app_url}{}", view.to_fragment()))
    ));
    xml.push_str(&format!("  <updated>{}</updated>\n", escape(&updated)));
    xml.push_str("  <generator>Gazette</generator>\n");
    for post in posts {
        let link = format!("{app_url}{}", Route::post(post.id.clone()).to_fragment());
        xml.push_str("  <entry>\n");
        xml.push_str(&format!("    <title>{}</title>\n", escape(&post.title)));
        xml.push_str(&format!("    <id>{}</id>\n", escape(&link)));
        xml.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            escape(&link)
        ));
        if let Some(source) = post
            .source
            .as_ref()
            .filter(|source| gazette_archive::sanitize_policy::is_web_url(source))
        {
            xml.push_str(&format!(
                "    <link rel=\"related\" href=\"{}\"/>\n",
                escape(source)
            ));
        }
        let date = post.date.clone().unwrap_or_else(|| updated.clone());
        xml.push_str(&format!(
            "    <published>{}</published>\n    <updated>{}</updated>\n",
            escape(&date),
            escape(&date)
        ));
        for category in post
            .categories
            .iter()
            .filter_map(|&c| categories.get(c as usize))
        {
            xml.push_str(&format!(
                "    <category term=\"{}\" label=\"{}\"/>\n",
                escape(&category.id),
                escape(&category.name)
            ));
        }
        xml.push_str(&format!(
            "    <summary>{}</summary>\n",
            escape(&post.excerpt)
        ));
        xml.push_str("    <author><name>");
        xml.push_str(&escape(
            post.categories
                .first()
                .and_then(|&c| categories.get(c as usize))
                .map_or(head.title, |c| &c.name),
        ));
        xml.push_str("</name></author>\n  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_urls_join_url_and_baseurl() {
        let site = SiteInfo {
            url: "https://user.github.io".into(),
            baseurl: "/repo".into(),
            ..SiteInfo::default()
        };
        assert_eq!(
            app_url(&site).as_deref(),
            Some("https://user.github.io/repo/")
        );
        assert_eq!(app_url(&SiteInfo::default()), None);
        // A baseurl without its leading slash is still a path below the url.
        let site = SiteInfo {
            url: "https://ex.org/root/".into(),
            baseurl: "blog/".into(),
            ..SiteInfo::default()
        };
        assert_eq!(app_url(&site).as_deref(), Some("https://ex.org/root/blog/"));
        // Feeds link only to web addresses.
        for url in ["javascript:alert(1)//", "data:text/html,x", "ex.org"] {
            let site = SiteInfo {
                url: url.into(),
                ..SiteInfo::default()
            };
            assert_eq!(app_url(&site), None, "{url}");
        }
    }

    #[test]
    fn text_is_escaped_and_control_characters_dropped() {
        assert_eq!(escape("a<b>&\"'\u{1}"), "a&lt;b&gt;&amp;&quot;&apos;");
    }

    /// Every character XML 1.0's `Char` production excludes is dropped, and no other: a
    /// U+FFFF in a title, a category or a body's excerpt made the whole feed malformed.
    #[test]
    fn every_character_xml_forbids_is_dropped() {
        let is_xml_char = |c: char| {
            matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
                || c >= '\u{10000}'
        };
        let all: String = (0..=0x10FFFFu32).filter_map(char::from_u32).collect();
        let kept: String = all
            .chars()
            .filter(|&c| is_xml_char(c) && !matches!(c, '&' | '<' | '>' | '"' | '\''))
            .collect();
        let escaped = escape(&all);
        assert_eq!(
            escaped
                .replace("&amp;", "")
                .replace("&lt;", "")
                .replace("&gt;", "")
                .replace("&quot;", "")
                .replace("&apos;", ""),
            kept
        );
        assert_eq!(
            escape("bad \u{FFFF} title \u{FFFE}\u{FFFD}\u{FDD0}\u{EFBF}\u{10FFFF}"),
            "bad  title \u{FFFD}\u{FDD0}\u{EFBF}\u{10FFFF}"
        );
    }
}
