//! Liquid as a post body sees it: tags, filters, context, and every way it can fail.

use std::sync::Arc;

use super::*;

fn site_with(includes: MemoryIncludes, data: Vec<DataFile>) -> LiquidSite {
    LiquidSite::new(
        &SiteInputs {
            config_yaml:
                "title: 示例\nurl: https://example.org\nbaseurl: /blog\nauthor:\n  name: Ann\n",
            url: "https://example.org",
            baseurl: "/blog",
            title: "示例",
            data,
            time: Some(DateTime::parse_from_rfc3339("2024-05-06T07:08:09+08:00").expect("a date")),
            markdown: MarkdownOptions::default(),
            zone: Zone::default(),
        },
        Arc::new(includes),
    )
    .0
}

fn site() -> LiquidSite {
    site_with(MemoryIncludes::default(), Vec::new())
}

fn page<'a>(yaml: &'a str) -> PageInputs<'a> {
    PageInputs {
        id: "2024-01-02-hello",
        path: "_posts/2024-01-02-hello.md",
        relative_path: "_posts/2024-01-02-hello.md",
        front_matter_yaml: yaml,
        defaults: &[],
        title: Some("Hello"),
        date: Some(DateTime::parse_from_rfc3339("2024-01-02T03:04:05+00:00").expect("a date")),
        categories: &[],
        tags: &[],
    }
}

fn run(body: &str) -> LiquidOutput<'_> {
    render(body, &page("title: Hello\nlist: [b, a, c]\n"), &site())
}

fn text(body: &str) -> String {
    let out = run(body);
    assert!(out.warnings.is_empty(), "{body}: {:?}", out.warnings);
    out.text.into_owned()
}

#[test]
fn a_body_without_liquid_is_returned_as_it_is() {
    assert!(matches!(
        run("plain text").text,
        Cow::Borrowed("plain text")
    ));
    assert!(matches!(run("a { b } {c}").text, Cow::Borrowed(_)));
}

#[test]
fn highlight_becomes_a_fenced_block() {
    assert_eq!(
        text("Code:\n{% highlight ruby %}\nputs 1\n{% endhighlight %}\nend"),
        "Code:\n\n```ruby\nputs 1\n```\n\nend"
    );
    // With line numbers: Jekyll's table, on one line (a blank line in the code would end a
    // Markdown HTML block), the code escaped.
    let numbered = text("{% highlight ruby linenos %}\na < b\n\nc\n{% endhighlight %}");
    assert_eq!(numbered.trim().lines().count(), 1, "{numbered}");
    assert!(
        numbered.contains(r#"<pre class="lineno">1&#10;2&#10;3&#10;</pre>"#),
        "{numbered}"
    );
    assert!(
        numbered.contains("<pre>a &lt; b&#10;&#10;c&#10;</pre>"),
        "{numbered}"
    );
}

#[test]
fn raw_inside_highlight_shows_only_what_it_holds() {
    assert_eq!(
        text("{% highlight liquid %}\n{% raw %}\n{{ page.title }} {% endraw %}\n{% endhighlight %}\nafter"),
        "\n```liquid\n{{ page.title }} \n```\n\nafter"
    );
    // Liquid in a highlight body runs, as in Jekyll; `{:` there is code.
    assert_eq!(
        text("{% highlight ruby %}\nh = {:a => 1} # {{ site.url }}\n{% endhighlight %}\n{:.note}"),
        "\n```ruby\nh = {:a => 1} # https://example.org\n```\n\n"
    );
}

#[test]
fn raw_keeps_its_text_verbatim() {
    assert_eq!(
        text("{% raw %}{{ not.liquid }} {% if %}{% endraw %}!"),
        "{{ not.liquid }} {% if %}!"
    );
}

#[test]
fn site_and_page_variables_resolve() {
    assert_eq!(
        text("![x]({{ site.baseurl }}/a.png) {{site.url}} {{ site.author.name }} {{ page.title }} {{ page.id }} {{ page.url }}"),
        "![x](/blog/a.png) https://example.org Ann Hello 2024-01-02-hello #/post/2024-01-02-hello"
    );
    assert_eq!(
        text("{{ site.time | date: '%Y-%m-%d %H:%M' }}"),
        "2024-05-06 07:08"
    );
    assert_eq!(text("{{ page.date | date: '%b %-d, %Y' }}"), "Jan 2, 2024");
}

#[test]
fn an_undefined_variable_is_empty_as_in_jekyll() {
    assert_eq!(text("a{{ page.author }}b{{ nothing.at.all }}c"), "abc");
    assert_eq!(text("{% if page.author %}yes{% else %}no{% endif %}"), "no");
}

#[test]
fn standard_tags_run() {
    assert_eq!(
        text("{% assign n = page.list | size %}{{ n }} {% capture c %}x{{ n }}{% endcapture %}{{ c }}"),
        "3 x3"
    );
    assert_eq!(
        text("{% for x in page.list limit: 2 %}{{ forloop.index }}{{ x }}{% unless forloop.last %},{% endunless %}{% endfor %}"),
        "1b,2a"
    );
    assert_eq!(
        text("{% case page.title %}{% when 'Hello' %}hi{% else %}?{% endcase %}{% comment %}no{% endcomment %}"),
        "hi"
    );
    assert_eq!(
        text("{% increment i %}{% increment i %}{% decrement j %}"),
        "01-1"
    );
}

#[test]
fn post_url_and_link_become_in_archive_links() {
    assert_eq!(
        text("[a]({% post_url 2010-07-21-name %}) [b]({% link _posts/2016-07-26-x.md %}) [c]({% link about.md %})"),
        "[a](#/post/2010-07-21-name) [b](#/post/2016-07-26-x) [c](https://example.org/blog/about.html)"
    );
}

#[test]
fn a_post_url_to_no_post_of_the_site_is_a_warning_with_its_line() {
    let site = site().with_post_ids(PostIds::new(["2010-07-21-name", "2024-01-02-hello"]));
    let body = "[a]({% post_url 2010-07-21-name %})\n\n[b]({% post_url news/2011-01-01-gone %}) [c]({% link _posts/2012-02-02-lost.md %}) [d]({% link about.md %})";
    let out = render(body, &page("title: Hello\n"), &site);
    assert_eq!(
        out.text,
        "[a](#/post/2010-07-21-name)\n\n[b](#/post/2011-01-01-gone) [c](#/post/2012-02-02-lost) [d](https://example.org/blog/about.html)"
    );
    let warnings: Vec<(usize, &str)> = out.warnings.iter().map(|(l, m)| (*l, m.as_str())).collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert_eq!(warnings[0].0, 2);
    assert!(
        warnings[0].1.contains("post_url news/2011-01-01-gone")
            && warnings[0].1.contains("\"2011-01-01-gone\""),
        "{warnings:?}"
    );
    assert!(
        warnings[1].1.contains("\"2012-02-02-lost\""),
        "{warnings:?}"
    );
    // Without the site's posts (a lone file), nothing is known to be missing.
    assert!(run("[b]({% post_url 2011-01-01-gone %})")
        .warnings
        .is_empty());
}

#[test]
fn includes_take_parameters_and_refuse_paths_out() {
    let mut includes = MemoryIncludes::default();
    includes.includes.insert(
        "figure.html".into(),
        "<img src=\"{{ include.url | relative_url }}\" alt=\"{{ include.caption }}\">{% if include.missing %}!{% endif %}".into(),
    );
    includes
        .includes
        .insert("loop.html".into(), "x{% include loop.html %}".into());
    includes
        .relative
        .insert("_posts/note.md".into(), "relative {{ page.title }}".into());
    let site = site_with(includes, Vec::new());
    let out = render(
        "{% include figure.html url=\"/a.png\" caption=page.title %}\n{% include_relative note.md %}",
        &page("title: Hi"),
        &site,
    );
    assert_eq!(
        out.text,
        "<img src=\"/blog/a.png\" alt=\"Hello\">\nrelative Hello"
    );
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);

    let out = render(
        "a\n{% include ../../etc/passwd %}\n{% include nothing.html %}\n{% include /etc/passwd %}\nb",
        &page(""),
        &site,
    );
    assert_eq!(out.text, "a\n\n\n\nb");
    let lines: Vec<usize> = out.warnings.iter().map(|w| w.0).collect();
    assert_eq!(lines, [1, 2, 3], "{:?}", out.warnings);
    assert!(out.warnings[0].1.contains("refused"), "{:?}", out.warnings);
    assert!(
        out.warnings[1].1.contains("no such file"),
        "{:?}",
        out.warnings
    );

    let out = render("{% include loop.html %}", &page(""), &site);
    assert_eq!(out.text, "x".repeat(limits::INCLUDE_DEPTH));
    assert!(out.warnings[0].1.contains("nested"), "{:?}", out.warnings);
}

#[test]
fn unknown_tags_and_filters_are_shown_as_text_and_the_rest_runs() {
    let out = run("a {{ page.title | nosuch }}\n{% nosuchtag x %} {{ page.title }}");
    assert_eq!(
        out.text,
        "a {{ page.title | nosuch }}\n{% nosuchtag x %} Hello"
    );
    let lines: Vec<usize> = out.warnings.iter().map(|w| w.0).collect();
    assert_eq!(lines, [0, 1], "{:?}", out.warnings);
    assert!(out.warnings[0]
        .1
        .starts_with("Liquid {{ page.title | nosuch }}"));
}

#[test]
fn a_body_that_cannot_parse_is_kept_as_its_source() {
    let out = run("one\n{% if page.title %}never closed\n{:.x}");
    assert_eq!(out.text, "one\n{% if page.title %}never closed\n");
    assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
}

#[test]
fn runaway_loops_and_output_are_bounded() {
    let out = run("{% for i in (1..100000000) %}x{% endfor %}");
    assert_eq!(out.text, "{% for i in (1..100000000) %}x{% endfor %}");
    assert!(
        out.warnings[0].1.contains("iterations"),
        "{:?}",
        out.warnings
    );
    let out = run("{% for i in (1..1000) %}{% for j in (1..1000) %}x{% endfor %}{% endfor %}");
    assert!(
        out.warnings[0].1.contains("iterations"),
        "{:?}",
        out.warnings
    );
    let deep = "{% if true %}".repeat(limits::NESTING + 1);
    let out = run(&deep);
    assert!(out.warnings[0].1.contains("nested"), "{:?}", out.warnings);
}

/// Ranges whose ends are variables, captures and assigned values: the work the engine would
/// do without bound (gigabytes of memory, minutes of time) stops at the limits.
#[test]
fn loops_over_variables_and_growing_values_are_bounded() {
    // A small range runs as in Jekyll; a large one stops at the budget, nested ones in all.
    assert_eq!(
        text("{% assign n = 5 %}{% for i in (2..n) %}{{ i }}{% endfor %}"),
        "2345"
    );
    assert_eq!(
        text("{% for i in (1..page.count) %}{% if forloop.last %}{{ forloop.length }}{% endif %}{% endfor %}"),
        ""
    );
    let page_yaml = "title: Hello\nn: 100000000\n";
    let out = render(
        "{% for i in (1..page.n) %}{% if forloop.last %}{{ forloop.length }}{% endif %}{% endfor %}|{% tablerow i in (1..page.n) %}{% endtablerow %}",
        &page(page_yaml),
        &site(),
    );
    assert!(
        out.text.starts_with("100000|"),
        "{:?}",
        &out.text[..40.min(out.text.len())]
    );
    let started = std::time::Instant::now();
    let out = text(
        "{% assign n = 10000 %}{% for i in (1..n) %}{% for j in (1..n) %}{% endfor %}{% endfor %}done",
    );
    assert_eq!(out, "done");
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    // Values that double: refused once the body's work passes its budget, with a warning,
    // and the post is still there.
    let doubling = format!(
        "start {{% assign a = 'xxxxxxxxxxxxxxxx' %}}{}{{{{ a | size }}}} end",
        "{% capture a %}{{ a }}{{ a }}{% endcapture %}".repeat(40)
    );
    let out = run(&doubling);
    assert!(
        out.text.starts_with("start"),
        "{:?}",
        &out.text[..40.min(out.text.len())]
    );
    assert!(
        out.warnings
            .iter()
            .any(|(_, w)| w.contains("would pass 4 MB")),
        "{:?}",
        out.warnings
    );
    let appending = format!(
        "{{% assign a = 'xxxxxxxxxxxxxxxx' %}}{}{{{{ a | size }}}}",
        "{% assign a = a | append: a %}".repeat(40)
    );
    let out = run(&appending);
    assert!(
        out.warnings.iter().any(|(_, w)| w.contains("MB in all")),
        "{:?}",
        out.warnings
    );
    // A loop inside a capture writes into a bounded buffer.
    let out = run(
        "{% assign a = 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' %}{% capture b %}{% for i in (1..100000) %}{{ a }}{% endfor %}{% endcapture %}{{ b | size }}",
    );
    assert!(!out.warnings.is_empty(), "{:?}", out.text);
}

/// An integer literal past 64 bits makes the engine's parser panic: that markup is shown as
/// text with a warning, and the rest of the body still runs.
#[test]
fn a_number_too_large_for_the_parser_is_shown_as_text() {
    let out = run("{{ page.title }} {{ -99999999999999999999 }} end");
    assert!(out.text.starts_with("Hello "), "{:?}", out.text);
    assert!(out.text.contains("99999999999999999999"), "{:?}", out.text);
    assert!(out.text.ends_with(" end"), "{:?}", out.text);
    assert!(!out.warnings.is_empty());
}

/// kramdown's comments are an editor's notes: kramdown writes none of them, inline or over
/// paragraphs; abbreviation definitions are written nowhere either. Code keeps both.
#[test]
fn kramdown_comments_and_abbreviation_definitions_are_not_published() {
    assert_eq!(
        strip_attribute_lists("a {::comment}secret{:/comment} b\n"),
        "a  b\n"
    );
    assert_eq!(
        strip_attribute_lists("one\n\n{::comment}\nnote\n\nmore note\n{:/}\n\ntwo\n"),
        "one\n\n\n\ntwo\n"
    );
    assert_eq!(
        strip_attribute_lists("HTML is old.\n\n*[HTML]: HyperText Markup Language\n"),
        "HTML is old.\n\n"
    );
    let code = "```\n{::comment}x{:/comment}\n*[A]: b\n```\n";
    assert_eq!(strip_attribute_lists(code), code);
    assert_eq!(
        strip_attribute_lists("*[not a definition\n"),
        "*[not a definition\n"
    );
    // A body without any `{` too.
    assert_eq!(run("HTML.\n\n*[HTML]: HyperText\n").text, "HTML.\n\n");
}

#[test]
fn kramdown_attribute_lists_are_removed() {
    assert_eq!(
        strip_attribute_lists("# Title {#top}\n\npara\n{:.lead}\n\n![i](x.png){: width=\"50\"}\n"),
        "# Title {#top}\n\npara\n\n\n<img src=\"x.png\" alt=\"i\" width=\"50\">\n"
    );
    assert_eq!(strip_attribute_lists("x {:}y"), "x y");
    assert_eq!(strip_attribute_lists("a {:\nd"), "a {:\nd");
    // One may run over the lines of a paragraph, not over a blank line.
    assert_eq!(
        strip_attribute_lists("![i](x.png){:\n.icon width=\"70\"} text\n"),
        "<img src=\"x.png\" alt=\"i\" width=\"70\"> text\n"
    );
    assert_eq!(strip_attribute_lists("a {:\n\nb}"), "a {:\n\nb}");
    assert_eq!(
        strip_attribute_lists("`code` first\npara\n{: #id}\n"),
        "`code` first\npara\n\n"
    );
    // Code keeps them: fenced (in a list too), indented, spans, and highlight's output.
    for code in [
        "```ruby\np h #=> {:b=>2}\n```\n",
        "* item\n\n  ``` ruby\n  p h #=> {:b=>2}\n  ```\n",
        "text\n\n    p h #=> {:b=>2}\n",
        "`{:k=>1}` and ``{:a}``",
    ] {
        assert_eq!(strip_attribute_lists(code), code, "{code}");
    }
    assert_eq!(
        text("{% highlight ruby %}\np {:a => 1}\n{% endhighlight %}\n{: .wide}"),
        "\n```ruby\np {:a => 1}\n```\n\n"
    );
    assert_eq!(text("{{ site.title }}\n{: .wide}"), "示例\n");
}

#[test]
fn site_data_reads_every_format_and_nests_folders() {
    let data = vec![
        DataFile {
            path: "releases.yml".into(),
            text:
                "- version: 3.0.0\n  url: {gz: a.tar.gz}\n- version: 2.7.0\n  url: {gz: b.tar.gz}\n"
                    .into(),
        },
        DataFile {
            path: "team.json".into(),
            text: r#"{"lead": "Ann", "size": 3}"#.into(),
        },
        DataFile {
            path: "prices.csv".into(),
            text: "name,price\n\"apple, red\",3\npear,2\n".into(),
        },
        DataFile {
            path: "sub/dir/cities.tsv".into(),
            text: "city\tpop\nOslo\t700\n".into(),
        },
        DataFile {
            path: "broken.json".into(),
            text: "{".into(),
        },
    ];
    let (value, warnings) = data_value(&data);
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].0, "broken.json");
    let site = site_with(MemoryIncludes::default(), data);
    let out = render(
        "{% assign r = site.data.releases | where: \"version\", \"3.0.0\" | first %}{{ r.url.gz }} {{ site.data.team.lead }}{{ site.data.team.size | plus: 1 }} {{ site.data.prices[0].name }} {{ site.data.sub.dir.cities[0].pop }}",
        &page(""),
        &site,
    );
    assert_eq!(out.text, "a.tar.gz Ann4 apple, red 700");
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    drop(value);
}

#[test]
fn site_posts_are_asked_for_and_then_given() {
    let out = run("{% for p in site.posts %}{{ p.title }}{% endfor %}");
    assert!(out.wants_site_posts);
    let summary = |id: &str, day: u32| PostSummary {
        id: id.into(),
        title: id.to_uppercase(),
        date: Some(
            DateTime::parse_from_rfc3339(&format!("2024-01-{day:02}T00:00:00+00:00")).unwrap(),
        ),
        categories: vec!["news".into()],
        tags: vec![],
        excerpt: String::new(),
        path: String::new(),
        front_matter: format!("author: Ann {day}\nseries: intro\ntitle: ignored\n"),
    };
    let site = site().with_posts(&[summary("a", 1), summary("b", 2)]);
    // Every key a post's front matter sets, as Jekyll's posts have them (the title is the
    // post's own).
    let out = render(
        "{% for p in site.posts %}{{ p.title }} by {{ p.author }};{% endfor %}{{ site.posts | where: \"series\", \"intro\" | size }}",
        &page(""),
        &site,
    );
    assert_eq!(out.text, "B by Ann 2;A by Ann 1;2", "{:?}", out.warnings);
    let out = render(
        "{% for p in site.posts %}{{ p.title }} {{ p.url }} {{ p.date | date_to_string }};{% endfor %}{{ site.categories.news | size }}",
        &page(""),
        &site,
    );
    assert!(!out.wants_site_posts);
    assert_eq!(out.text, "B #/post/b 02 Jan 2024;A #/post/a 01 Jan 2024;2");
}

#[test]
fn url_filters() {
    assert_eq!(
        text("{{ '/about/' | relative_url }} {{ 'a b' | relative_url }}"),
        "/blog/about/ /blog/a%20b"
    );
    assert_eq!(
        text("{{ 'about' | absolute_url }} {{ 'https://x.org/' | absolute_url }}"),
        "https://example.org/blog/about https://x.org/"
    );
    assert_eq!(filters::relative_url("x", ""), "/x");
    assert_eq!(
        text("{{ 'a b&c/d' | cgi_escape }} {{ 'a b/é?x=1' | uri_escape }}"),
        "a+b%26c%2Fd a%20b/%C3%A9?x=1"
    );
}

#[test]
fn date_filters() {
    assert_eq!(
        text("{{ page.date | date_to_string }}|{{ page.date | date_to_string: 'ordinal', 'US' }}|{{ page.date | date_to_long_string: 'ordinal' }}"),
        "02 Jan 2024|Jan 2nd, 2024|2nd January 2024"
    );
    assert_eq!(
        text("{{ page.date | date_to_xmlschema }}|{{ page.date | date_to_rfc822 }}"),
        "2024-01-02T03:04:05+00:00|Tue, 02 Jan 2024 03:04:05 +0000"
    );
}

#[test]
fn text_filters() {
    assert_eq!(
        text("{{ '<a href=\"x\">&' | xml_escape }}"),
        "&lt;a href=&quot;x&quot;&gt;&amp;"
    );
    // Ruby's `encode(xml: :attr)`, checked with Jekyll 4.3.1 (where kramdown then writes the
    // apostrophe straight, not curled).
    assert_eq!(text("{{ \"It's\" | xml_escape }}"), "It&apos;s");
    assert_eq!(text("{{ 'Hello, World!' | slugify }}"), "hello-world");
    assert_eq!(text("{{ '  a \n\t b  ' | normalize_whitespace }}"), "a b");
    assert_eq!(text("{{ 'one two  three' | number_of_words }}"), "3");
    assert_eq!(filters::number_of_words("汉字 and words", Some("cjk")), 4);
    assert_eq!(filters::number_of_words("汉字 and words", Some("auto")), 4);
    assert_eq!(filters::number_of_words("汉字 and words", None), 3);
    assert_eq!(text("{{ '*hi*' | markdownify }}"), "<p><em>hi</em></p>\n");
    assert_eq!(text("{{ \"it's -- ok...\" | smartify }}"), "it’s – ok…");
}

/// Jekyll 4.3.1's `slugify`, each result checked with Debian's Jekyll (`Utils.slugify`).
#[test]
fn slugify_as_jekyll() {
    let slug = filters::slugify;
    let default = Some("default");
    // Ruby lowercases a character at a time: no final sigma.
    assert_eq!(slug("ΣΑΣ ΟΔΟΣ", default), "σασ-οδοσ");
    assert_eq!(slug("İstanbul", default), "i\u{307}stanbul");
    // Letters, marks and decimal digits stay (full-width digits too); other numbers go.
    assert_eq!(slug("１２３ four", default), "１２３-four");
    assert_eq!(slug("Ⅻ ½ x²", default), "x");
    assert_eq!(slug("e\u{301}", default), "e\u{301}");
    assert_eq!(slug("中文 标题：新闻", default), "中文-标题-新闻");
    // One hyphen goes from each end, not every one.
    assert_eq!(slug("--foo bar--", Some("raw")), "-foo-bar-");
    assert_eq!(slug("  x  ", Some("raw")), "x");
    assert_eq!(slug("-", Some("raw")), "");
    // Ruby's `\s` is ASCII white space (the vertical tab too).
    assert_eq!(
        slug("a\u{3000}b c\u{a0}d\u{b}E", Some("raw")),
        "a\u{3000}b-c\u{a0}d-e"
    );
    assert_eq!(
        slug("a.b_c~d!e$f&g'h(i)j+k,l;m=n@o p", Some("pretty")),
        "a.b_c~d!e$f&g'h(i)j+k,l;m=n@o-p"
    );
    assert_eq!(slug("Ⅻ", Some("pretty")), "");
    assert_eq!(slug("Café au lait", Some("ascii")), "caf-au-lait");
    // I18n's transliteration: accented Latin letters to ASCII, anything else to `?`.
    assert_eq!(slug("Ünïcödé ĳ ŉ Þ", Some("latin")), "unicode-ij-n-th");
    assert_eq!(slug("中文 标题", Some("latin")), "");
    assert_eq!(slug("a÷b", Some("latin")), "a-b");
    // Another mode only lowercases (spaces and hyphens kept).
    assert_eq!(slug("  Hello  World  ", Some("none")), "  hello  world  ");
    assert_eq!(slug("A B", None), "a b");
    // As a filter: no mode is the default one, a mode that is not text names none.
    assert_eq!(text("{{ 'Hello, World!' | slugify }}"), "hello-world");
    assert_eq!(text("{{ 'Hello, World!' | slugify: nil }}"), "hello-world");
    assert_eq!(
        text("{{ 'Hello, World!' | slugify: 'pretty' }}"),
        "hello,-world!"
    );
    assert_eq!(text("{{ 'Hello, World!' | slugify: 3 }}"), "hello, world!");
    assert_eq!(text("[{{ page.missing | slugify }}]"), "[]");
    assert_eq!(text("{{ 2.50 | slugify }}"), "2-5");
}

#[test]
fn array_and_json_filters() {
    assert_eq!(text("{{ page.list | sort | join: ',' }}"), "a,b,c");
    assert_eq!(
        text("{{ page.list | array_to_sentence_string }}"),
        "b, a, and c"
    );
    assert_eq!(
        text("{{ page.list | push: 'd' | jsonify }}"),
        "[\"b\",\"a\",\"c\",\"d\"]"
    );
    assert_eq!(text("{{ page.list | pop | shift | join: ',' }}"), "a");
    assert_eq!(
        text("{{ page.list | unshift: 'z' | first }} {{ page.list | sample }}"),
        "z b"
    );
    assert_eq!(
        text("{{ page.list | inspect }}"),
        "[&quot;b&quot;, &quot;a&quot;, &quot;c&quot;]"
    );
    assert_eq!(text("{{ site.author | jsonify }}"), "{\"name\":\"Ann\"}");
}

#[test]
fn jekyll_array_filters_on_objects() {
    let data = vec![DataFile {
        path: "people.yml".into(),
        text: "- {name: Ann, year: 2020, tags: [a, b]}\n- {name: Bo, year: 2021, tags: [b]}\n- {name: Cy, year: 2020}\n".into(),
    }];
    let site = site_with(MemoryIncludes::default(), data);
    let out = |body: &str| {
        let out = render(body, &page(""), &site);
        assert!(out.warnings.is_empty(), "{body}: {:?}", out.warnings);
        out.text.into_owned()
    };
    assert_eq!(
        out("{{ site.data.people | where: 'year', '2020' | map: 'name' | join: ',' }}"),
        "Ann,Cy"
    );
    assert_eq!(
        out("{{ site.data.people | where: 'tags', 'b' | size }}"),
        "2"
    );
    assert_eq!(
        out("{% assign b = site.data.people | find: 'name', 'Bo' %}{{ b.year }}"),
        "2021"
    );
    assert_eq!(
        out("{% assign groups = site.data.people | group_by: 'year' %}{% for g in groups %}{{ g.name }}:{{ g.size }};{% endfor %}"),
        "2020:2;2021:1;"
    );
    assert_eq!(
        out("{{ site.data.people | where_exp: 'p', 'p.year > 2020' | map: 'name' | join: ',' }}"),
        "Bo"
    );
    assert_eq!(
        out("{% assign c = site.data.people | find_exp: 'p', \"p.name contains 'y'\" %}{{ c.name }}"),
        "Cy"
    );
    assert_eq!(
        out("{% assign g = site.data.people | group_by_exp: 'p', 'p.name | size' %}{{ g[0].name }}{{ g[0].size }}{{ g[1].name }}{{ g[1].size }}"),
        "3122"
    );
    assert_eq!(
        out("{% assign last = site.data.people | sort: 'name' | last %}{{ last.name }}"),
        "Cy"
    );
}

/// A site whose `_config.yml` is `config`, in the time zone `zone`.
fn site_in(zone: &str, config: &str) -> LiquidSite {
    LiquidSite::new(
        &SiteInputs {
            config_yaml: config,
            time: Some(DateTime::parse_from_rfc3339("2024-05-06T07:08:09+00:00").expect("a date")),
            zone: zone.parse().expect("a known zone"),
            ..SiteInputs::default()
        },
        Arc::new(MemoryIncludes::default()),
    )
    .0
}

fn summary(id: &str, date: &str, path: &str, categories: &[&str], tags: &[&str]) -> PostSummary {
    PostSummary {
        id: id.into(),
        title: id.to_uppercase(),
        date: Some(DateTime::parse_from_rfc3339(date).expect("a date")),
        categories: categories.iter().map(|c| c.to_string()).collect(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        excerpt: String::new(),
        path: path.into(),
        front_matter: String::new(),
    }
}

#[test]
fn site_categories_and_tags_come_in_the_order_posts_first_name_them() {
    // As Jekyll 4.3.1 lists them: the oldest post first (posts of one date by their paths),
    // each post's names in its own order; each name's posts newest first.
    let posts = [
        summary(
            "c",
            "2020-03-09T00:00:00+00:00",
            "_posts/c.md",
            &["gamma"],
            &["aaa"],
        ),
        summary(
            "a",
            "2020-01-08T00:00:00+00:00",
            "_posts/a.md",
            &["zeta", "beta"],
            &["liquid", "test"],
        ),
        summary(
            "b2",
            "2020-02-08T00:00:00+00:00",
            "sports/_posts/b2.md",
            &["sports", "alpha"],
            &["test"],
        ),
        summary(
            "b1",
            "2020-02-08T00:00:00+00:00",
            "news/_posts/b1.md",
            &["news", "alpha"],
            &["omega", "test"],
        ),
    ];
    let site = site().with_posts(&posts);
    let out = render(
        "{% for c in site.categories %}{{ c[0] }}={% for p in c[1] %}{{ p.id }},{% endfor %} {% endfor %}\
         / {% for t in site.tags %}{{ t[0] }} {% endfor %}/ {% for p in site.posts %}{{ p.id }} {% endfor %}\
         / {% assign sorted = site.tags | sort %}{% for t in sorted %}{{ t[0] }} {% endfor %}",
        &page(""),
        &site,
    );
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    assert_eq!(
        out.text,
        "zeta=a, beta=a, news=b1, alpha=b2,b1, sports=b2, gamma=c, \
         / liquid test omega aaa / c b2 b1 a / aaa liquid omega test "
    );
}

#[test]
fn hashes_keep_their_written_order_and_copies_are_listed_by_key() {
    let site = site_with(
        MemoryIncludes::default(),
        vec![DataFile {
            path: "nav.json".into(),
            text: r#"{"zebra": "z", "apple": {"y": 1, "x": 2}, "mango": [1.5, null]}"#.into(),
        }],
    );
    let out = |body: &str| {
        let out = render(
            body,
            &page("menu:\n  zulu: 1\n  alpha: 2\n  mike: 3\n"),
            &site,
        );
        assert!(out.warnings.is_empty(), "{body}: {:?}", out.warnings);
        out.text.into_owned()
    };
    assert_eq!(
        out("{% for m in page.menu %}{{ m[0] }} {% endfor %}{% for n in site.data.nav %}{{ n[0] }} {% endfor %}"),
        "zulu alpha mike zebra apple mango "
    );
    // Written whole as Ruby writes a hash, in JSON in the same order.
    assert_eq!(
        out("{{ site.data.nav }}|{{ site.data.nav | jsonify }}|{{ page.menu | inspect }}"),
        "{\"zebra\"=>\"z\", \"apple\"=>{\"y\"=>1, \"x\"=>2}, \"mango\"=>[1.5, nil]}\
         |{\"zebra\":\"z\",\"apple\":{\"y\":1,\"x\":2},\"mango\":[1.5,null]}\
         |{&quot;zulu&quot;=&gt;1, &quot;alpha&quot;=&gt;2, &quot;mike&quot;=&gt;3}"
    );
    // A hash the engine copied (assigned) has lost its order: its keys come sorted, the same
    // every time.
    assert_eq!(
        out("{% assign m = page.menu %}{% for p in m %}{{ p[0] }} {% endfor %}{{ m }} {{ m | join }}"),
        "alpha mike zulu {\"alpha\"=>2, \"mike\"=>3, \"zulu\"=>1} {\"alpha\"=>2, \"mike\"=>3, \"zulu\"=>1}"
    );
    // Jekyll's array filters take a hash's values in its order; `sort` gives its pairs.
    assert_eq!(
        out("{{ page.menu | where_exp: 'v', 'v > 1' | join: ',' }} {{ page.menu | sort | first | join: '=' }}"),
        "2,3 alpha=2"
    );
}

#[test]
fn for_and_tablerow_run_as_in_ruby() {
    // Checked with Ruby's Liquid 5.4.
    assert_eq!(
        text("{% for x in (1..5) limit: 2 reversed %}{{ x }}{% endfor %} {% for x in (1..5) reversed limit: 2 %}{{ x }}{% endfor %} {% for x in (1..5) reversed offset: 1 limit: 2 %}{{ x }}{% endfor %}"),
        "12 21 32"
    );
    assert_eq!(
        text("{% for x in 'abc' %}[{{ x }}]{% endfor %}{% for x in 5 %}[{{ x }}]{% endfor %}{% for x in page.none %}x{% else %}none{% endfor %}{% for x in '' %}x{% else %} empty{% endfor %}"),
        "[abc]none empty"
    );
    assert_eq!(
        text("{% for x in page.list %}{{ forloop.name }} {{ forloop.index }}/{{ forloop.rindex0 }} {{ forloop.first }}{{ forloop.last }};{% for y in page.list limit: 1 %}{{ forloop.parentloop.index }}{% endfor %}{% endfor %}"),
        "x-page.list 1/2 truefalse;1x-page.list 2/1 falsefalse;2x-page.list 3/0 falsetrue;3"
    );
    assert_eq!(
        text("{% for x in page.list limit: 1 %}{{ x }}{% endfor %}{% for x in page.list offset: continue %}{{ x }}{% endfor %}"),
        "bac"
    );
    assert_eq!(
        text("{% for x in (1..4) %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 4 %}{% break %}{% endif %}{{ x }}{% endfor %}"),
        "13"
    );
    // A key the item does not have is nil (the engine's own loop stopped the render there).
    assert_eq!(
        text("{% for x in page.list limit: 1 %}[{{ x.missing }}{{ forloop.missing }}]{% endfor %}"),
        "[]"
    );
    assert_eq!(
        text("{% tablerow x in (1..5) cols: 2 %}{{ x }}/{{ tablerowloop.col }}/{{ tablerowloop.row }}{% endtablerow %}"),
        "<tr class=\"row1\">\n<td class=\"col1\">1/1/1</td><td class=\"col2\">2/2/1</td></tr>\n\
         <tr class=\"row2\"><td class=\"col1\">3/1/2</td><td class=\"col2\">4/2/2</td></tr>\n\
         <tr class=\"row3\"><td class=\"col1\">5/1/3</td></tr>\n"
    );
    assert_eq!(
        text("{% tablerow x in page.list limit: 1 offset: 1 %}{{ x }}{% endtablerow %}{% tablerow x in page.none %}x{% endtablerow %}"),
        "<tr class=\"row1\">\n<td class=\"col1\">a</td></tr>\n"
    );
}

#[test]
fn numbers_are_reckoned_and_written_as_in_ruby() {
    // Checked with Jekyll 4.3.1 (Ruby's Liquid 5.4, which reckons floats as decimals).
    assert_eq!(
        text("{{ 1.5 | times: 2 }} {{ 3 | times: 1.5 }} {{ 10 | divided_by: 4 }} {{ 10 | divided_by: 4.0 }} {{ 10.0 | divided_by: 4 }} {{ 1 | plus: 2.0 }} {{ 5 | minus: 1.5 }} {{ 7 | modulo: 2.5 }} {{ 1.0 }}"),
        "3.0 4.5 2 2.5 2.5 3.0 3.5 2.0 1.0"
    );
    assert_eq!(
        text("{{ 0.1 | plus: 0.2 }} {{ 0.1 | times: 3 }} {{ 1 | minus: 0.1 }} {{ 2 | divided_by: 3.0 }} {{ 100000000000000000.0 | times: 10 }} {{ -0.0 }}"),
        "0.3 0.3 0.9 0.6666666666666666 1.0e+18 -0.0"
    );
    assert_eq!(
        text("{{ -7 | divided_by: 2 }} {{ -7 | modulo: 3 }} {{ 7 | modulo: -3 }} {{ -7.5 | modulo: 2 }} {{ 7.0 | divided_by: 0 }}"),
        "-4 2 -2 0.5 Infinity"
    );
    assert_eq!(
        text("{{ 3.14159 | round: 2 }} {{ 2.675 | round: 2 }} {{ 2.5 | round }} {{ -2.5 | round }} {{ 125 | round: -1 }} {{ 2.5 | ceil }} {{ 2.5 | floor }} {{ -1.5 | abs }} {{ 1.5 | at_least: 2 }} {{ 2 | at_most: 2.0 }}"),
        "3.14 2.68 3 -3 130 3 2 1.5 2 2"
    );
    assert_eq!(
        text("{{ '1.5' | times: 2 }} {{ '3abc' | plus: 1 }} {{ 'abc' | plus: 1 }} {{ page.none | plus: 1 }} {{ 9223372036854775807 | plus: 1 }}"),
        "3.0 4 1 1 9223372036854775808"
    );
    // Floats in text are Ruby's too.
    assert_eq!(
        text("{{ 1.5 | times: 2 | append: 'x' }} {{ page.list | append: '!' }} {{ 2.0 | plus: 0 | prepend: '$' }}"),
        "3.0x [\"b\", \"a\", \"c\"]! $2.0"
    );
    let divided_by_zero = run("{{ 7 | divided_by: 0 }}");
    assert!(
        divided_by_zero.warnings[0].1.contains("divided by 0"),
        "{:?}",
        divided_by_zero.warnings
    );
}

#[test]
fn array_to_sentence_string_joins_as_jekyll_does() {
    assert_eq!(
        text("{{ 'a' | split: ',' | array_to_sentence_string }}|{{ 'a,b' | split: ',' | array_to_sentence_string }}|{{ 'a,b,c' | split: ',' | array_to_sentence_string }}|{{ 'a,b' | split: ',' | array_to_sentence_string: 'or' }}|{{ 'a,b,c' | split: ',' | array_to_sentence_string: 'or' }}|{{ page.none | array_to_sentence_string }}|"),
        "a|a and b|a, b, and c|a or b|a, b, or c||"
    );
}

#[test]
fn post_links_stay_in_the_app_through_the_url_filters() {
    assert_eq!(
        text("{{ page.url | relative_url }} {{ page.url | absolute_url }} {% post_url 2024-01-01-x %} {{ '/about/' | relative_url }}"),
        "#/post/2024-01-02-hello #/post/2024-01-02-hello #/post/2024-01-01-x /blog/about/"
    );
}

#[test]
fn page_path_name_slug_and_ext_are_jekylls() {
    let site = site();
    let mut inputs = page("title: Hi\n");
    inputs.path = "/home/builder/sites/news/_posts/2020-1-8-hello.world.md";
    inputs.relative_path = "news/_posts/2020-1-8-hello.world.md";
    let out = render(
        "{{ page.path }} {{ page.name }} {{ page.slug }} {{ page.ext }}",
        &inputs,
        &site,
    );
    assert_eq!(
        out.text,
        "news/_posts/2020-1-8-hello.world.md 2020-1-8-hello.world.md hello.world .md"
    );
    // The front matter's own come first.
    let out = render("{{ page.slug }}", &page("slug: mine\n"), &site);
    assert_eq!(out.text, "mine");
    let with_posts = site.with_posts(&[summary(
        "x",
        "2020-01-01T00:00:00+00:00",
        "_posts/2020-01-01-x.md",
        &[],
        &[],
    )]);
    let out = render(
        "{% for p in site.posts %}{{ p.path }} {{ p.slug }}{% endfor %}",
        &page(""),
        &with_posts,
    );
    assert_eq!(out.text, "_posts/2020-01-01-x.md x");
}

#[test]
fn dates_of_every_kind_are_read_and_written_as_jekyll_does() {
    // Checked with Jekyll 4.3.1, `timezone: America/Los_Angeles`.
    let site = site_in(
        "America/Los_Angeles",
        "launch: 2021-06-01\nlaunch_time: 2021-06-01 10:20:30\n",
    );
    let front = "d1: 2022-03-04\nd2: 2022-03-04 05:06:07\nd3: 2022-03-04 05:06:07 +0800\nd5: 2022-03-04 05:06\nd6: \"2022-03-04 05:06:07\"\nn1: 1650000000\n";
    let out = |body: &str| {
        let out = render(body, &page(front), &site);
        assert!(out.warnings.is_empty(), "{body}: {:?}", out.warnings);
        out.text.into_owned()
    };
    // Printed raw: a YAML date, a time in UTC shown in the zone, with its own offset, text.
    assert_eq!(
        out("{{ page.d1 }}|{{ page.d2 }}|{{ page.d3 }}|{{ page.d5 }}|{{ page.d6 }}|{{ site.launch }}|{{ site.launch_time }}"),
        "2022-03-04|2022-03-03 21:06:07 -0800|2022-03-04 05:06:07 +0800|2022-03-04 05:06|2022-03-04 05:06:07|2021-06-01|2021-06-01 03:20:30 -0700"
    );
    assert_eq!(
        out("{{ page.d1 | date: '%d %B %Y %H:%M %z' }}|{{ page.d3 | date: '%F %T %z' }}|{{ page.d5 | date: '%F %T %z' }}|{{ page.d6 | date: '%F %T %z' }}|{{ site.launch | date: '%b %Y' }}"),
        "04 March 2022 00:00 +0000|2022-03-04 05:06:07 +0800|2022-03-04 05:06:00 -0800|2022-03-04 05:06:07 -0800|Jun 2021"
    );
    assert_eq!(
        out("{{ '2022-01-05' | date: '%b %-d, %Y %T %z' }}|{{ 'January 5, 2022' | date: '%F %T %z' }}|{{ '2022-01-05 10:30' | date: '%H:%M %z' }}|{{ '2022-01-05T10:30:00Z' | date: '%F %T %z' }}|{{ '2022-01-05T10:30:00+09:00' | date: '%F %T %z' }}"),
        "Jan 5, 2022 00:00:00 -0800|2022-01-05 00:00:00 -0800|10:30 -0800|2022-01-05 10:30:00 +0000|2022-01-05 10:30:00 +0900"
    );
    // Seconds since 1970, as a number or as text; "now" is the build's clock.
    assert_eq!(
        out("{{ 1650000000 | date: '%F %T %z' }}|{{ '1650000000' | date: '%F %T %z' }}|{{ page.n1 | date: '%F %T %Z' }}|{{ 'now' | date: '%F %T %z' }}|{{ 'Today' | date: '%F' }}"),
        "2022-04-14 22:20:00 -0700|2022-04-14 22:20:00 -0700|2022-04-14 22:20:00 PDT|2024-05-06 00:08:09 -0700|2024-05-06"
    );
    // What is no date is returned as it is, as Liquid returns it.
    assert_eq!(
        out("{{ 'not a date' | date: '%Y' }}|{{ '' | date: '%Y' }}|{{ page.none | date: '%Y' }}|{{ '2022-01-05' | date: '' }}|{{ '2022-13-45' | date: '%Y' }}|{{ 12.5 | date: '%Y' }}|{{ true | date: '%Y' }}"),
        "not a date|||2022-01-05|2022-13-45|12.5|true"
    );
    // Jekyll's filters show the time in the site's zone.
    assert_eq!(
        out("{{ '2022-01-05 23:30:00 +0000' | date_to_string }}|{{ page.d1 | date_to_long_string: 'ordinal', 'US' }}|{{ page.d3 | date_to_xmlschema }}|{{ '2022-01-05 10:30' | date_to_rfc822 }}|{{ 1650000000 | date_to_string }}|{{ site.launch | date_to_xmlschema }}|{{ 'soon' | date_to_string }}"),
        "05 Jan 2022|March 4th, 2022|2022-03-03T13:06:07-08:00|Wed, 05 Jan 2022 10:30:00 -0800|14 Apr 2022|2021-06-01T00:00:00-07:00|soon"
    );
}

/// A filter chain whose steps are never written nor assigned (the red team's 491-byte post:
/// six `replace`s that multiply a string by 52 each, 40 GB at the last): each result counts
/// toward the body's work, and one that would pass it is refused before it is made. The
/// body is then kept as its source, with a warning.
#[test]
fn a_filter_chain_cannot_grow_without_bound() {
    let x52 = "x".repeat(52);
    let body = format!(
        "start {{{{ 'x' | append: 'x'{} | size }}}} end",
        format!(" | replace: 'x', '{x52}'").repeat(6)
    );
    let out = run(&body);
    assert_eq!(out.text, body);
    assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
    assert!(
        out.warnings[0].1.contains("`replace` would make")
            && out.warnings[0].1.contains("64 MB in all"),
        "{:?}",
        out.warnings
    );
    // Three steps are fine (281 KB), as in Jekyll.
    let body = format!(
        "{{{{ 'x' | append: 'x'{} | size }}}}",
        format!(" | replace: 'x', '{x52}'").repeat(3)
    );
    assert_eq!(text(&body), (2 * 52 * 52 * 52).to_string());
}

/// The other filters that multiply what they are given: `split` (an item per character),
/// `join` (a separator per item), `date` (a width per directive); and those that add to it,
/// counted once made.
#[test]
fn every_filter_result_is_bounded() {
    let refused = |body: &str, filter: &str| {
        let out = run(body);
        assert_eq!(out.text, body);
        assert!(
            out.warnings
                .iter()
                .any(|(_, w)| w.contains(&format!("`{filter}` would make"))),
            "{body}: {:?}",
            out.warnings
        );
    };
    // 128 KB of text, then a 1,000-byte separator between its 131,072 characters.
    let grow = |times: usize| {
        format!("{{% assign a = 'xxxxxxxxxxxxxxxx' %}}{{% for i in (1..{times}) %}}{{% assign a = a | append: a %}}{{% endfor %}}")
    };
    let sep = "y".repeat(1000);
    refused(
        &format!("{}{{{{ a | split: '' | join: '{sep}' | size }}}}", grow(13)),
        "join",
    );
    let joined = text(&format!(
        "{}{{{{ a | split: '' | join: ',' | size }}}}",
        grow(13)
    ));
    assert!(
        joined.parse::<usize>().is_ok_and(|n| n > 2 * 131_000),
        "{joined}"
    );
    // 2 MB of characters would be 2 million values, 115 MB of memory.
    refused(
        &format!("{}{{{{ a | split: '' | size }}}}", grow(17)),
        "split",
    );
    let grow = grow(17);
    refused("{{ page.date | date: '%1000000000000Y' }}", "date");
    assert_eq!(text("{{ page.date | date: '%6Y' }}"), "002024");
    refused(
        &format!(
            "{grow}{{% assign b = a | append: a %}}{}",
            "{% assign b = b | append: b %}".repeat(10)
        ),
        "append",
    );
}

/// Loops over arrays, which no range bounds: seven nested loops over 16 items would run
/// 268 million times (two minutes); every loop body counts toward the body's steps, nested
/// ones each time, and the body stops there.
#[test]
fn loops_over_arrays_stop_at_the_steps_budget() {
    let body = format!(
        "{{% assign a = 'x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x' | split: ',' %}}{}{}done",
        (0..7)
            .map(|i| format!("{{% for v{i} in a %}}"))
            .collect::<String>(),
        "{% endfor %}".repeat(7)
    );
    let limit = 100_000;
    let out = budget::with_steps_limit(limit, || run(&body));
    assert_eq!(out.text, body);
    assert!(
        out.warnings[0].1.contains("loop iterations"),
        "{:?}",
        out.warnings
    );
    assert_eq!(budget::steps_taken(), limit + 1);
    // A loop in an include counts too, and its failure stops the body (it is not just left
    // out while the loop around it goes on).
    let includes = MemoryIncludes {
        includes: [(
            "inner.html".to_string(),
            "{% for b in include.a %}{% for c in include.a %}{% endfor %}{% endfor %}".to_string(),
        )]
        .into(),
        ..MemoryIncludes::default()
    };
    let body = "{% assign a = 'x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x' | split: ',' %}{% for i in a %}{% for j in a %}{% for k in a %}{% include inner.html a=a %}{% endfor %}{% endfor %}{% endfor %}";
    let out = budget::with_steps_limit(limit, || {
        render(body, &page("title: x\n"), &site_with(includes, Vec::new()))
    });
    assert_eq!(out.text, body);
    assert!(
        out.warnings
            .iter()
            .any(|(_, w)| w.contains("loop iterations")),
        "{:?}",
        out.warnings
    );
    assert!(budget::steps_taken() <= limit + 2);
}

/// The tag that counts a loop's iterations changes nothing a loop writes, white space
/// control included.
#[test]
fn counted_loops_write_what_they_wrote() {
    assert_eq!(
        text("{%- for i in (1..3) -%}\n  {{ i }}\n{%- endfor -%}|{% for i in page.list %} {{ i }}{% else %}none{% endfor %}|{% for i in page.none %}x{% else %}none{% endfor %}"),
        "123| b a c|none"
    );
    assert_eq!(
        text("{% tablerow i in (1..2) %}{{ i }}{% endtablerow %}"),
        "<tr class=\"row1\">\n<td class=\"col1\">1</td><td class=\"col2\">2</td></tr>\n"
    );
}

/// The engine copies a value at every lookup: a condition on a large value, in a loop, costs
/// its size each time. Every kilobyte a tag looks up is a step, loop variables' included.
#[test]
fn lookups_of_large_values_count_their_size() {
    let grow = "{% assign s = 'xxxxxxxxxxxxxxxx' %}{% for i in (1..16) %}{% assign s = s | append: s %}{% endfor %}";
    let small = "{% assign a = 'x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x' | split: ',' %}";
    for inner in [
        // An assigned value, looked up through the loops' frames.
        "{% if s contains 'zzz' %}{% endif %}",
        // A loop variable of an outer loop, which the inner loop's frame does not hold.
        "{% for t in pair %}{% for c in a %}{% if t contains 'zzz' %}{% endif %}{% endfor %}{% endfor %}",
    ] {
        let body = format!(
            "{grow}{small}{{% assign pair = s | append: ',' | append: s | split: ',' %}}{{% for i in a %}}{{% for j in a %}}{{% for k in a %}}{inner}{{% endfor %}}{{% endfor %}}{{% endfor %}}"
        );
        let limit = 1_000_000;
        let out = budget::with_steps_limit(limit, || run(&body));
        assert_eq!(out.text, body);
        assert!(
            out.warnings.iter().any(|(_, w)| w.contains("steps in all")),
            "{inner}: {:?}",
            out.warnings
        );
        // Stopped at the lookup that passed it: a megabyte is 1,024 steps.
        assert!(budget::steps_taken() <= limit + 1024, "{}", budget::steps_taken());
    }
}

/// `ifchanged` renders its block aside to compare it: that buffer is bounded like every
/// other, and the block still writes what it wrote.
#[test]
fn ifchanged_is_bounded_and_still_compares() {
    assert_eq!(
        text("{% for i in page.list %}{% ifchanged %}x{% endifchanged %}{% ifchanged %}{{ i }}{% endifchanged %}{% endfor %}"),
        "xbxaxc"
    );
    let out = run("{% assign a = 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' %}{% ifchanged %}{% for i in (1..100000) %}{{ a }}{% endfor %}{% endifchanged %}");
    assert!(
        out.warnings
            .iter()
            .any(|(_, w)| w.contains("would pass 4 MB")),
        "{:?}",
        out.warnings
    );
}

/// A block's conditions are evaluated at each render, and a tag's literals compared or
/// copied: a long one weighs its length in steps (a `case` of 8,000 `when`s in a loop
/// compared all of them at each iteration), and writes what it wrote.
#[test]
fn long_tags_weigh_their_length() {
    let whens: String = (0..8_000)
        .map(|i| format!("{{% when {i} %}}w{i}"))
        .collect();
    let body = format!(
        "{{% assign a = 'x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x' | split: ',' %}}{{% for i in a %}}{{% for j in a %}}{{% for k in a %}}{{% case 'none' %}}{whens}{{% else %}}.{{% endcase %}}{{% endfor %}}{{% endfor %}}{{% endfor %}}"
    );
    let limit = 1_000_000;
    let out = budget::with_steps_limit(limit, || run(&body));
    assert!(
        out.warnings.iter().any(|(_, w)| w.contains("steps in all")),
        "{:?}",
        out.warnings
    );
    assert!(budget::steps_taken() <= limit + body.len() as u64 / 64);
    // What a long tag writes is what it wrote, white space control and all.
    let long = "x".repeat(300);
    assert_eq!(
        text(&format!(
            "a \n {{%- if '{long}' == '{long}' -%}} yes {{%- else -%}} no {{%- endif %}}"
        )),
        "ayes"
    );
    assert_eq!(
        text(&format!("{{% case page.title %}}{{% when '{long}' %}}long{{% when 'Hello' %}}hello{{% endcase %}}")),
        "hello"
    );
    assert_eq!(
        text(&format!(
            "a  {{{{- page.title | replace: '{long}', 'y' -}}}}  b"
        )),
        "aHellob"
    );
}

/// Random markup, however broken, gives an answer: the text or the source with warnings,
/// never a panic (the release profile aborts on one), and the bounds' tags never show.
#[test]
fn random_markup_never_panics_and_never_shows_the_step_tags() {
    use rand::{Rng, SeedableRng};
    const PIECES: &[&str] = &[
        "{% for i in a %}",
        "{%- for i in a -%}",
        "{% endfor %}",
        "{% if i == 'x' %}",
        "{% elsif i %}",
        "{% else %}",
        "{% endif %}",
        "{% case i %}",
        "{% when 'x' %}",
        "{% endcase %}",
        "{{ i }}",
        "{{- i | append: 'y' -}}",
        "{% assign a = 'x,y' | split: ',' %}",
        "{% capture c %}",
        "{% endcapture %}",
        "{% raw %}",
        "{% endraw %}",
        "{% tablerow t in a %}",
        "{% endtablerow %}",
        "{% ifchanged %}",
        "{% endifchanged %}",
        "{{ c | size }}",
        "text ",
        "{% unless i %}",
        "{% endunless %}",
        "{% comment %}",
        "{% endcomment %}",
        "{%",
        "}}",
        "{{",
        "%}",
        "{{ page.title | replace: 'H', 'hh' | date: '%4Y' }}",
        "{% break %}",
        "{% continue %}",
        "{% cycle 'a', 'b' %}",
        "\n",
    ];
    let long = format!("{{% if '{}' %}}", "z".repeat(200));
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1207);
    for _ in 0..3_000 {
        let body: String = (0..rng.gen_range(1..30))
            .map(|_| match rng.gen_range(0..PIECES.len() + 1) {
                i if i == PIECES.len() => long.as_str(),
                i => PIECES[i],
            })
            .collect();
        let out = run(&body);
        assert!(
            !out.text.contains(budget::LOOP_STEP_TAG),
            "{body:?}: {}",
            out.text
        );
    }
}

#[test]
fn page_has_the_front_matter_defaults_the_post_does_not_override() {
    // As Jekyll merges `_config.yml`'s `defaults:` into the page, the most specific scope
    // first: the post's own keys win, then the folder's, then the site's.
    let folder =
        crate::front_matter::Defaults::from_yaml("author: Ann\nlayout: note\n").expect("a mapping");
    let site_wide = crate::front_matter::Defaults::from_yaml(
        "author: Bob\nsource: wire\nlinks: [a, b]\ncategory: from-defaults\n",
    )
    .expect("a mapping");
    let defaults = [&folder, &site_wide];
    let with_defaults = PageInputs {
        defaults: &defaults,
        ..page("title: Hello\nlayout: own\n")
    };
    let out = render(
        "{{ page.author }} {{ page.layout }} {{ page.source }} {{ page.links | join: '+' }} \
         {{ page.category }}|{{ page.categories | size }}",
        &with_defaults,
        &site(),
    );
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    assert_eq!(out.text, "Ann own wire a+b from-defaults|0");
    // Without defaults, nothing of theirs.
    let out = render("[{{ page.author }}]", &page("title: Hello\n"), &site());
    assert_eq!(out.text, "[]");
}

#[test]
fn array_filters_read_nil_and_empty_arrays_as_ruby_does() {
    // As Jekyll 4.3.1 writes them (a post without tags, a variable never set), but `sort` of
    // nil, where Jekyll stops the build: here an empty list.
    for (body, expected) in [
        ("[{{ page.tags | sort | join: \", \" }}]", "[]"),
        ("[{{ page.none | sort: \"date\" | size }}]", "[0]"),
        ("[{{ page.none | first }}{{ page.none | last }}]", "[]"),
        (
            "[{{ page.none | map: \"title\" | uniq | compact | reverse | size }}]",
            "[0]",
        ),
        (
            "[{{ page.none | concat: page.list | join: \",\" }}]",
            "[b,a,c]",
        ),
        ("[{{ page.none | push: 1 | size }}]", "[0]"),
        ("[{{ page.list | sort | join: \",\" }}]", "[a,b,c]"),
        // A hash is an array of it to `map` (Liquid's InputIterator).
        ("[{{ site.author | map: \"name\" | join: \",\" }}]", "[Ann]"),
    ] {
        assert_eq!(text(body), expected, "{body}");
    }
}

#[test]
fn a_markup_that_cannot_run_is_left_out_and_the_rest_runs() {
    // (`{{ i }}`, whose text is in any message, is not taken for the markup that failed.)
    let body = "A {{ page.title | upcase }}{% for i in (1..2) %}{{ i }}{% endfor %}\n{{ page.title | map: 1 | concat: 3 }}\nB {{ page.list | join: \"+\" }}";
    let out = run(body);
    assert_eq!(out.text, "A HELLO12\n\nB b+a+c", "{:?}", out.warnings);
    assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
    let (line, message) = &out.warnings[0];
    assert_eq!(*line, 1);
    assert!(
        message.starts_with("Liquid could not run `{{ page.title | map: 1 | concat: 3 }}`")
            && message.ends_with("it is left out"),
        "{message}"
    );
}

#[test]
fn an_images_attribute_list_sizes_it_as_kramdown_does() {
    // kramdown 2.4 (Jekyll 4.3.1) writes `<img src="/img/cat.png" alt="Cat" title="A cat"
    // width="300" height="200" />`; classes and ids the policy drops are not written.
    assert_eq!(
        strip_attribute_lists(
            "![Cat](/img/cat.png \"A cat\"){: width=\"300\" height='200' .big #c}\n"
        ),
        "<img src=\"/img/cat.png\" alt=\"Cat\" title=\"A cat\" width=\"300\" height=\"200\">\n"
    );
    assert_eq!(
        strip_attribute_lists("a ![x\"y](<b c.png>){:width=\"50%\" title=\"T\"} d\n"),
        "a <img src=\"b c.png\" alt=\"x&quot;y\" width=\"50%\" title=\"T\"> d\n"
    );
    // Only classes, or no image before it: the list is removed as before.
    assert_eq!(
        strip_attribute_lists("![x](y.png){: .c}\n"),
        "![x](y.png)\n"
    );
    assert_eq!(strip_attribute_lists("*a*{: width=\"3\"}\n"), "*a*\n");
}

#[test]
fn split_is_rubys() {
    // Ruby 3.1's String#split, which Liquid's `split` is.
    for (body, expected) in [
        ("{{ 'a,b,,c,,' | split: ',' | join: '|' }}", "a|b||c"),
        ("{{ ' a  b ' | split: ' ' | join: '|' }}", "a|b"),
        ("{{ 'abc' | split: '' | join: '-' }}", "a-b-c"),
        ("{{ '' | split: ',' | size }}", "0"),
        ("{{ ',a' | split: ',' | join: '|' }}", "|a"),
        ("{{ page.none | split: ',' | size }}", "0"),
    ] {
        assert_eq!(text(body), expected, "{body}");
    }
}

#[test]
fn url_encode_is_rubys_cgi_escape() {
    // Liquid's `url_encode` is Ruby's CGI.escape (checked with Ruby 3.1).
    assert_eq!(text("{{ 'a b&c/d~é' | url_encode }}"), "a+b%26c%2Fd~%C3%A9");
    assert_eq!(text("[{{ page.none | url_encode }}]"), "[]");
}

#[test]
fn default_is_liquid_5s() {
    // As Jekyll 4.3.1 writes them (`allow_false: true` keeps false as a value of its own).
    for (body, expected) in [
        ("[{{ page.none | default: 'x' }}]", "[x]"),
        ("[{{ '' | default: 'x' }}]", "[x]"),
        ("[{{ false | default: 'x' }}]", "[x]"),
        ("[{{ false | default: 'x', allow_false: true }}]", "[false]"),
        ("[{{ page.none | default: 'x', allow_false: true }}]", "[x]"),
        ("[{{ page.list | default: 'x' | size }}]", "[3]"),
        ("[{{ 0 | default: 'x' }}]", "[0]"),
        ("[{{ page.none | default }}]", "[]"),
    ] {
        assert_eq!(text(body), expected, "{body}");
    }
}
