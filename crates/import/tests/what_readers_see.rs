//! What a reader sees is what search finds: posts with the markup that used to lose or glue
//! text on its way to the index (block containers the policy does not keep, an ASP.NET form
//! around the article, footnote references, `<details>`, code blocks, Chinese hard-wrapped in
//! its source, a digest of linked headlines), through the real builder (import, sanitize,
//! article text, index) and the query engine.

mod common;

use std::collections::BTreeSet;

use gazette_archive::model::SiteInfo;
use gazette_import::build::{build_archive, BuildInput};
use gazette_import::import::{import_file, ImportSettings, Outcome, SourceFile};
use gazette_import::store::Archive;

/// `(file name, body)`: each post's title is its file name's slug.
const POSTS: &[(&str, &str)] = &[
    (
        "2024-05-11-sections.html",
        "<section>Reuters</section><section>Beijing, May 11</section>\n\
         <section><span>记者 李明 2024</span></section><section><span>30日 发布</span></section>",
    ),
    (
        "2024-05-11-blocks.md",
        "<header>Wire</header><article><p>Lead paragraph</p></article><aside>Sidebar note</aside>\n\n\
         <address>Beijing</address><nav>Contents</nav><footer>Copyright</footer>",
    ),
    (
        "2024-05-11-aspnet.html",
        "<form method=\"post\" action=\"./Article.aspx?id=1\" id=\"form1\">\
         <input type=\"hidden\" name=\"__VIEWSTATE\" value=\"x\"/>\
         <div><h1>央行宣布降准</h1><p>中国人民银行决定下调存款准备金率。</p>\
         <button>打印本页</button><select><option>分享</option></select></div></form>",
    ),
    (
        "2024-05-12-footnotes.md",
        "Inflation rose sharply[^1] in May; 同比增长3.6[^2]。\n\n\
         GDP<sup>1</sup> and H<sub>2</sub>O\n\n\
         [^1]: Source: NBS.\n[^2]: 国家统计局。",
    ),
    (
        "2024-05-13-details.md",
        "<details><summary>Background</summary>Tariffs rose.</details>\n\n\
         ```\nrate\ncut\n```\n\n    interest\n    hike\n",
    ),
    (
        "2024-05-14-hard-wrapped.md",
        "美联储今日宣布\n加息25个基点，\nFed\nofficials said.",
    ),
    (
        "2024-05-15-digest.md",
        "Today's top stories:\n\n\
         ## [Fed cuts rates by 25bp](https://example.com/fed)\n\n\
         - [央行宣布降准0.5个百分点](https://example.com/pboc)\n\
         - “[Tesla recalls 1.1 million cars](https://example.com/tsla)”\n\n\
         **[Exclusive: merger talks](https://example.com/m)**\n\n\
         [Boeing delivers jets](https://example.com/boeing)\n\n\
         | Stock | Code |\n|---|---|\n| Moutai | [600519](https://example.com/600519) |\n",
    ),
    (
        "2024-05-16-footer.md",
        "离岸人民币兑美元升至6.3512。\n\n\
         <http://finance.eastmoney.com/news/11060,202112082206672930.html>\n\n\
         [返回东财滚动新闻](//finews.zning.me/emnews/)｜[返回首页](//finews.zning.me/)",
    ),
];

struct Built {
    archive: Archive,
}

fn build() -> &'static Built {
    static BUILT: std::sync::OnceLock<Built> = std::sync::OnceLock::new();
    BUILT.get_or_init(|| {
        let settings = ImportSettings {
            zone: "Asia/Shanghai".parse().expect("a known zone"),
            ..ImportSettings::default()
        };
        let outcomes = POSTS
            .iter()
            .map(|(name, body)| {
                let title = name[11..].split('.').next().expect("a slug");
                let date = &name[..10];
                let file = format!("---\ntitle: {title}\ndate: {date}\n---\n{body}\n");
                let path = format!("_posts/{name}");
                let outcome = import_file(
                    SourceFile {
                        path: &path,
                        bytes: file.as_bytes(),
                    },
                    &settings,
                );
                assert!(matches!(outcome, Outcome::Post(_)), "{name} is a post");
                outcome
            })
            .collect();
        let (archive, _) = build_archive(BuildInput::of_outcomes(SiteInfo::default(), outcomes));
        Built { archive }
    })
}

/// The titles (slugs) of the posts the index finds for `query`.
fn search(query: &str) -> BTreeSet<String> {
    common::search(&build().archive, query)
        .into_iter()
        .map(|post| post.title.clone())
        .collect()
}

fn assert_found(post: &str, queries: &[&str]) {
    for query in queries {
        assert!(search(query).contains(post), "{query:?} misses {post}");
    }
}

fn assert_not_found(queries: &[&str]) {
    for query in queries {
        assert_eq!(search(query), BTreeSet::new(), "{query:?}");
    }
}

#[test]
fn block_containers_keep_their_texts_apart() {
    assert_found(
        "sections",
        &["Reuters", "Beijing", "2024", "30日", "\"李明 2024\""],
    );
    assert_found(
        "blocks",
        &[
            "Wire",
            "Lead",
            "paragraph",
            "Sidebar",
            "Beijing",
            "Contents",
        ],
    );
    assert_not_found(&[
        "reutersbeijing",
        "202430",
        "\"Reuters Beijing\"",
        "wirelead",
        "\"paragraph Sidebar\"",
    ]);
}

#[test]
fn an_article_wrapped_in_a_form_keeps_its_text_and_loses_its_controls() {
    assert_found("aspnet", &["降准", "存款准备金率"]);
    assert_not_found(&["打印本页", "分享", "viewstate"]);
}

#[test]
fn footnote_references_and_sup_or_sub_are_not_part_of_the_word_before() {
    assert_found(
        "footnotes",
        &["sharply", "\"rose sharply\"", "3.6", "gdp", "\"H 2 O\""],
    );
    assert_not_found(&["sharply1", "3.62", "gdp1"]);
}

#[test]
fn details_summary_and_code_lines_are_lines() {
    assert_found(
        "details",
        &["Background", "Tariffs", "rate", "cut", "interest"],
    );
    assert_not_found(&["backgroundtariffs", "\"rate cut\"", "\"interest hike\""]);
}

#[test]
fn chinese_hard_wrapped_in_its_source_reads_as_a_reader_sees_it() {
    assert_found(
        "hard-wrapped",
        &["宣布加息", "今日宣布加息25个基点", "\"Fed officials\""],
    );
    assert_not_found(&["\"宣布 加息\"", "\"基点，Fed\""]);
}

#[test]
fn linked_headlines_are_found_and_navigation_is_not() {
    assert_found(
        "digest",
        &[
            "\"Fed cuts rates\"",
            "央行宣布降准",
            "\"Tesla recalls\"",
            "\"merger talks\"",
            "Boeing",
            "600519",
            "Moutai",
        ],
    );
    assert_found("footer", &["离岸人民币"]);
    assert_not_found(&[
        "返回首页",
        "返回东财滚动新闻",
        "eastmoney",
        "202112082206672930",
    ]);
}
