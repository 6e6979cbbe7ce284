//! Liquid left in a post body, handled the way a reader expects without executing anything:
//! `{% highlight %}` becomes a fenced code block, `{% raw %}` keeps its text, `{{ site.url }}`
//! and `{{ site.baseurl }}` resolve from `_config.yml`, `{% post_url %}` and `{% link %}`
//! become in-archive links, and every other tag or output is dropped with a warning.
//! Kramdown attribute lists (`{:.class}`, `{: #id}`) are removed here too, because they are
//! the other curly-brace syntax that would otherwise show up as text.

/// What Liquid may refer to.
#[derive(Debug, Clone, Default)]
pub struct LiquidSite<'a> {
    pub url: &'a str,
    pub baseurl: &'a str,
    pub title: &'a str,
}

/// The body with Liquid resolved, and what was dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiquidOutput {
    pub text: String,
    /// `(0-based line within the body, message)`.
    pub warnings: Vec<(usize, String)>,
}

/// The in-app link to a post id. Hash routes work at any sub-path and from `file://`.
pub fn post_link(id: &str) -> String {
    format!("#/post/{id}")
}

/// Resolves Liquid in `body`.
pub fn resolve(body: &str, site: &LiquidSite<'_>) -> LiquidOutput {
    resolve_in(body, site, Context::Markdown)
}

/// Where the text being resolved will end up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    /// Markdown, where a kramdown attribute list (`{:.class}`) is syntax and goes.
    Markdown,
    /// A `{% highlight %}` body: code, where `{:a => 1}` is a Ruby hash and stays.
    Code,
}

fn resolve_in(body: &str, site: &LiquidSite<'_>, context: Context) -> LiquidOutput {
    let mut out = String::with_capacity(body.len());
    let mut warnings = Vec::new();
    let mut rest = body;
    let line_at = |rest: &str| body[..body.len() - rest.len()].matches('\n').count();
    // A plain `char` pattern: the search is a memchr, not a char-by-char decode.
    while let Some(start) = rest.find('{') {
        let after = &rest[start..];
        let kind = if after.starts_with("{%") {
            Delimiter::Tag
        } else if after.starts_with("{{") {
            Delimiter::Output
        } else if after.starts_with("{:") || after.starts_with("{::") {
            Delimiter::AttributeList
        } else {
            out.push_str(&rest[..start + 1]);
            rest = &rest[start + 1..];
            continue;
        };
        // The closer is searched after the opener: in `{%}` the `%}` overlaps the `{%`.
        let Some(close) = after[2..].find(kind.closer()).map(|i| i + 2) else {
            out.push_str(rest);
            rest = "";
            break;
        };
        // Attribute lists never span lines; a `{:` followed by a newline is just text, and so
        // is every `{:` in code.
        if kind == Delimiter::AttributeList
            && (context == Context::Code || after[..close].contains('\n'))
        {
            out.push_str(&rest[..start + 2]);
            rest = &rest[start + 2..];
            continue;
        }
        out.push_str(&rest[..start]);
        let inner = after[2..close].trim_matches(|c: char| c == '-' || c.is_whitespace());
        let line = line_at(rest) + rest[..start].matches('\n').count();
        rest = &after[close + kind.closer().len()..];
        match kind {
            Delimiter::AttributeList => {}
            Delimiter::Output => match output_value(inner, site) {
                Some(value) => out.push_str(&value),
                None => warnings.push((line, format!("Liquid output {{{{ {inner} }}}} dropped"))),
            },
            Delimiter::Tag => {
                let (name, args) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
                let args = args.trim();
                match name {
                    "raw" | "highlight" | "comment" => {
                        let end_name = format!("end{name}");
                        let content_line = line_at(rest);
                        let (content, remainder) = block_content(rest, &end_name);
                        rest = remainder;
                        match name {
                            "raw" => out.push_str(content),
                            // Jekyll renders a highlight block's body as Liquid first, so a
                            // `{% raw %}` inside shows only what it holds.
                            "highlight" => {
                                let code = resolve_in(content, site, Context::Code);
                                push_code_block(&mut out, args, &code.text);
                                warnings.extend(
                                    code.warnings
                                        .into_iter()
                                        .map(|(at, message)| (content_line + at, message)),
                                );
                            }
                            _ => {}
                        }
                    }
                    "post_url" => out.push_str(&post_link(file_stem(args))),
                    "link" => out.push_str(&page_link(args, site)),
                    _ => warnings.push((line, format!("Liquid tag {{% {inner} %}} dropped"))),
                }
            }
        }
    }
    out.push_str(rest);
    LiquidOutput {
        text: out,
        warnings,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Delimiter {
    Tag,
    Output,
    AttributeList,
}

impl Delimiter {
    fn closer(self) -> &'static str {
        match self {
            Delimiter::Tag => "%}",
            Delimiter::Output => "}}",
            Delimiter::AttributeList => "}",
        }
    }
}

/// Splits `text` at the first `{% end_name %}`: `(content before it, text after it)`.
/// A `{% raw %}` block inside is skipped whole (what it holds is text, even an end tag), as
/// Liquid reads it. An unclosed block runs to the end of the body.
fn block_content<'t>(text: &'t str, end_name: &str) -> (&'t str, &'t str) {
    let mut search_from = 0;
    while let Some(open) = text[search_from..].find("{%").map(|i| search_from + i) {
        // Searched after the opener, as in `resolve`: in `{%}` the `%}` overlaps the `{%`.
        let Some(close) = text[open + 2..].find("%}").map(|i| open + 2 + i) else {
            break;
        };
        let inner = text[open + 2..close].trim_matches(|c: char| c == '-' || c.is_whitespace());
        if inner == end_name {
            return (&text[..open], &text[close + 2..]);
        }
        search_from = close + 2;
        if inner == "raw" && end_name != "endraw" {
            let (_, after_raw) = block_content(&text[search_from..], "endraw");
            search_from = text.len() - after_raw.len();
        }
    }
    (text, "")
}

fn output_value(expression: &str, site: &LiquidSite<'_>) -> Option<String> {
    let mut parts = expression.split('|').map(str::trim);
    let subject = parts.next()?;
    let mut value = match subject {
        "site.url" => site.url.to_string(),
        "site.baseurl" => site.baseurl.to_string(),
        "site.title" => site.title.to_string(),
        quoted if quoted.len() >= 2 && (quoted.starts_with('"') || quoted.starts_with('\'')) => {
            quoted[1..quoted.len() - 1].to_string()
        }
        _ => return None,
    };
    for filter in parts {
        match filter {
            "relative_url" => value = join_url(site.baseurl, &value),
            "absolute_url" => value = format!("{}{}", site.url, join_url(site.baseurl, &value)),
            _ => {}
        }
    }
    Some(value)
}

fn join_url(base: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

/// `{% link _posts/2016-07-26-name.md %}` points at a post (in-app link); any other path
/// points at a page of the original site.
fn page_link(path: &str, site: &LiquidSite<'_>) -> String {
    if path.contains("_posts/") {
        return post_link(file_stem(path));
    }
    let html_path = match path.rsplit_once('.') {
        Some((stem, "md" | "markdown")) => format!("{stem}.html"),
        _ => path.to_string(),
    };
    format!("{}{}", site.url, join_url(site.baseurl, &html_path))
}

fn file_stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name.rsplit_once('.') {
        Some((stem, "md" | "markdown" | "html")) => stem,
        _ => name,
    }
}

/// Writes a fenced code block whose fence is longer than any backtick run inside it.
fn push_code_block(out: &mut String, args: &str, content: &str) {
    let language = args.split_whitespace().next().unwrap_or("");
    let longest_run = content.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat((longest_run + 1).max(3));
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&format!(
        "{fence}{language}\n{}\n{fence}\n",
        content.trim_matches('\n')
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> LiquidSite<'static> {
        LiquidSite {
            url: "https://example.org",
            baseurl: "/blog",
            title: "示例",
        }
    }

    #[test]
    fn highlight_becomes_a_fenced_block() {
        let out = resolve(
            "Code:\n{% highlight ruby linenos %}\nputs 1\n{% endhighlight %}\nend",
            &site(),
        );
        assert_eq!(out.text, "Code:\n```ruby\nputs 1\n```\n\nend");
        assert!(out.warnings.is_empty());
    }

    #[test]
    fn raw_inside_highlight_shows_only_what_it_holds() {
        // As on jekyll/jekyll's own blog: Liquid shown as code.
        let out = resolve(
            "{% highlight liquid %}\n{% raw %}\n{{ page.title }} {% endhighlight %}\n{% endraw %}\n{% endhighlight %}\nafter",
            &site(),
        );
        assert_eq!(
            out.text,
            "```liquid\n{{ page.title }} {% endhighlight %}\n```\n\nafter"
        );
        assert!(out.warnings.is_empty());
        // Liquid in a highlight body runs, as in Jekyll; what is dropped keeps its line.
        let out = resolve(
            "a\n{% highlight html %}\n{{ site.url }}\n{{ page.x }}\n{% endhighlight %}",
            &site(),
        );
        assert_eq!(out.text, "a\n```html\nhttps://example.org\n```\n");
        assert_eq!(
            out.warnings,
            vec![(3, "Liquid output {{ page.x }} dropped".to_string())]
        );
        // In code, `{:` is not a kramdown attribute list.
        let out = resolve(
            "{% highlight ruby %}\nh = {:a => 1}\n{% endhighlight %}\n{:.note}",
            &site(),
        );
        assert_eq!(out.text, "```ruby\nh = {:a => 1}\n```\n\n");
    }

    #[test]
    fn raw_keeps_its_text_verbatim() {
        let out = resolve("{% raw %}{{ not.liquid }} {% if %}{% endraw %}!", &site());
        assert_eq!(out.text, "{{ not.liquid }} {% if %}!");
        assert!(out.warnings.is_empty());
    }

    #[test]
    fn site_variables_resolve() {
        let out = resolve(
            "![x]({{ site.baseurl }}/a.png) {{site.url}} {{ '/b' | relative_url }}",
            &site(),
        );
        assert_eq!(out.text, "![x](/blog/a.png) https://example.org /blog/b");
    }

    #[test]
    fn post_url_and_link_become_in_archive_links() {
        let out = resolve(
            "[a]({% post_url 2010-07-21-name %}) [b]({% link _posts/2016-07-26-x.md %}) [c]({% link about.md %})",
            &site(),
        );
        assert_eq!(
            out.text,
            "[a](#/post/2010-07-21-name) [b](#/post/2016-07-26-x) [c](https://example.org/blog/about.html)"
        );
    }

    #[test]
    fn other_tags_are_dropped_with_a_warning_and_a_line() {
        let out = resolve("a\n{% include footer.html %}\nb {{ page.author }}", &site());
        assert_eq!(out.text, "a\n\nb ");
        assert_eq!(
            out.warnings,
            vec![
                (
                    1,
                    "Liquid tag {% include footer.html %} dropped".to_string()
                ),
                (2, "Liquid output {{ page.author }} dropped".to_string()),
            ]
        );
    }

    #[test]
    fn comments_disappear_entirely() {
        let out = resolve("a{% comment %} secret {% endcomment %}b", &site());
        assert_eq!(out.text, "ab");
    }

    #[test]
    fn kramdown_attribute_lists_are_removed() {
        let out = resolve(
            "# Title {#top}\n\npara\n{:.lead}\n\n![i](x.png){: width=\"50\"}\n",
            &site(),
        );
        assert_eq!(out.text, "# Title {#top}\n\npara\n\n\n![i](x.png)\n");
    }

    #[test]
    fn an_opener_overlapping_its_closer_is_not_a_tag() {
        let out = resolve("a {%} b {{} c {:}", &site());
        assert_eq!(
            out.text, "a {%} b {{} c {:}",
            "an unclosed tag leaves the rest as text"
        );
        assert_eq!(resolve("x {:}y", &site()).text, "x y");
        assert_eq!(
            resolve("{% raw %}a{%}b", &site()).text,
            "a{%}b",
            "an unclosed raw block"
        );
    }

    #[test]
    fn lone_braces_are_text() {
        let out = resolve("a { b } {c} {:\nd", &site());
        assert_eq!(out.text, "a { b } {c} {:\nd");
    }
}
