//! Post bodies from Markdown to sanitized HTML, rendered the way kramdown renders finews
//! posts: CommonMark with raw HTML, GFM tables and strikethrough, footnotes, `<http://…>`
//! autolinks. The first bare autolink is the post's source URL.

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag};

use crate::sanitize::{article_text, sanitize_html};

/// A rendered body.
#[derive(Debug, Clone, PartialEq, Eq)]
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
}

/// Renders Markdown (or an `.html` post's HTML, which passes through as raw HTML) and
/// sanitizes the result.
pub fn render(markdown: &str) -> RenderedBody {
    let mut source = None;
    let parser = Parser::new_ext(markdown, options()).inspect(|event| {
        if let Event::Start(Tag::Link {
            link_type: LinkType::Autolink,
            dest_url,
            ..
        }) = event
        {
            if source.is_none() && !dest_url.is_empty() {
                source = Some(dest_url.to_string());
            }
        }
    });
    let mut raw_html = String::with_capacity(markdown.len() + markdown.len() / 4);
    pulldown_cmark::html::push_html(&mut raw_html, parser);
    let html = sanitize_html(&raw_html);
    let text = article_text(&html);
    RenderedBody { html, text, source }
}

/// The plain-text excerpt of a Markdown fragment (the part before an excerpt separator).
pub fn plain_text(markdown: &str) -> String {
    render(markdown).text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finews_short_post_renders_like_kramdown() {
        let body = "\n离岸人民币兑美元升至6.3512，为2018年以来最高水平。\n\n<http://finance.eastmoney.com/news/11060,202112082206672930.html>\n\n[返回东财滚动新闻](//finews.zning.me/emnews/)\n[返回首页](//finews.zning.me/)";
        let rendered = render(body);
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
        let rendered = render("精度满足<1%的要求");
        assert_eq!(rendered.html, "<p>精度满足&lt;1%的要求</p>\n");
    }

    #[test]
    fn an_empty_autolink_is_no_source() {
        let rendered = render("> 摘要\n\n<>\n");
        assert_eq!(rendered.source, None);
        assert!(
            rendered.html.starts_with("<blockquote>"),
            "{}",
            rendered.html
        );
    }

    #[test]
    fn tables_render() {
        let rendered = render("| a | b |\n|---|---|\n| 1 | 2 |\n");
        assert!(rendered.html.contains("<table>"), "{}", rendered.html);
        assert!(rendered.html.contains("<td>2</td>"), "{}", rendered.html);
    }
}
