//! A deterministic generator of realistic finews-like Jekyll posts, for benchmarks and scale
//! tests. The real sample is thin (one day, one source), so the generator produces the
//! variety of the full archive: ~2000 sources with a Zipf-like size distribution, two years
//! of dates, short flash news and long HTML articles, and every anomaly the corpus README
//! lists, each at a configurable rate.
//!
//! Every post is generated from its own RNG seeded by `(seed, index)`, so posts can be
//! generated in parallel and the same options always give the same bytes.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerateOptions {
    pub posts: usize,
    pub seed: u64,
    /// Number of categories (news sources); capped by the number of posts.
    pub categories: usize,
    /// Probability of each anomaly, per post (0.0–1.0).
    pub anomaly_rate: f64,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        GenerateOptions {
            posts: 1000,
            seed: 1,
            categories: 2000,
            anomaly_rate: 0.02,
        }
    }
}

/// One file to write, relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Chinese characters of the real finews corpus, most frequent first (their frequency falls
/// off like a Zipf law, which [`zipf_index`] reproduces).
const CORPUS_CHARACTERS: &str = "的国业年中公产人在股司大元有发美上新为能高才市是一日行月资据期会力涨目品利表和金以场来加工等制要进亿生车现实用示议于合时长电务将数跌全计增化提量出报展前下不推建同冷剂及分基开动第对超过至技作入部度达关价到平源本光经汽地通成约标强个代调持案方布碳指已企主创设比了票份多心级尔港可收集家四率联这内所告预明债其者特点型天机板商货财权科二投升后面两程供限近万县交快证网销均续果次施博并相消今从广正领首更三需售海注片式重区未间线显团法院项优回体韦流最低信记伏划向民评外求与应拉称减获营着构块批社格得总幅协局券委定类好导问十研东净头北息易币各政子管农罗引芯小影站周原盘测别由扩术质专结参决值斯事村效霍尼互台闻康双较买响举际之位种购额支此规运西策组件瑞变空准负具略属造华物感控题峰性储州服党五域离情处使根端理整步风先统午环巨德自监乡书常系欧而文费悉转立境京克趋钢降势稳央苹药银球解战名氟也保反宣核认但色足聚继亚停铁走打因仍军只截围共富稀留意米累雷蒙学就器修智态精争非款里键石综速射融水当录迪岸维弱该健复备众防视析改础土直概念再员口起传我见宏责知波队镓济旗选究季或油志绿给义焦";

/// Multi-character words of financial news, so that searches for real words hit; each post
/// picks a few of them as its topic.
const WORDS: &[&str] = &[
    "人民币",
    "汇率",
    "美元",
    "离岸人民币",
    "股份",
    "公司",
    "市场",
    "投资",
    "增长",
    "银行",
    "基金",
    "证券",
    "上涨",
    "下跌",
    "美联储",
    "加息",
    "央行",
    "新能源",
    "汽车",
    "芯片",
    "科技",
    "消费",
    "经济",
    "政策",
    "企业",
    "发展",
    "数据",
    "同比",
    "环比",
    "营收",
    "净利润",
    "业绩",
    "港股",
    "美股",
    "A股",
    "指数",
    "成交额",
    "板块",
    "概念股",
    "涨停",
    "跌停",
    "机构",
    "研报",
    "目标价",
    "评级",
    "债券",
    "收益率",
    "通胀",
    "原油",
    "黄金",
    "期货",
    "外汇",
    "房地产",
    "地方政府",
    "人才",
    "会议",
    "记者",
    "官网",
    "消息",
    "宣布",
    "表示",
    "预计",
    "报告",
    "季度",
    "年度",
    "上市",
    "融资",
    "并购",
    "监管",
    "风险",
    "流动性",
    "降准",
    "利率",
    "财政",
    "出口",
    "进口",
    "制造业",
];

/// Latin and digit tokens the real posts contain (tickers, codes, figures).
const LATIN_TOKENS: &[&str] = &[
    "ET7",
    "HFO-1234yf",
    "600160",
    "300343",
    "GDP",
    "CPI",
    "PMI",
    "IPO",
    "ETF",
    "NIO",
    "CS.N",
    "FF 91",
    "5G",
    "AI",
    "LPR",
    "M2",
    "3.5%",
    "1.2%",
    "6.3512",
    "2022年",
    "12月",
    "100亿元",
];

/// Pinyin syllables for category ids.
const SYLLABLES: &[&str] = &[
    "nan", "fang", "jing", "ji", "bao", "dao", "cai", "xin", "wen", "zheng", "quan", "guo", "hua",
    "dong", "shang", "hai", "bei", "zhong", "tong", "she", "ri", "kuai", "xun", "tian", "di",
    "yin", "hang", "jin", "rong", "gang", "ao", "shen", "zhen", "ke", "chuang", "wang",
];

/// A generated news source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSpec {
    /// As written in `categories:` (may hold a space: two Jekyll categories).
    pub category: String,
    /// The one tag its posts carry.
    pub tag: String,
}

/// The sources, largest first (Zipf rank order).
pub fn sources(options: &GenerateOptions) -> Vec<SourceSpec> {
    let count = options.categories.clamp(1, options.posts.max(1));
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed ^ 0x5eed_cafe);
    (0..count)
        .map(|rank| {
            let syllables = rng.gen_range(2..6);
            let mut id: String = (0..syllables)
                .map(|_| SYLLABLES[rng.gen_range(0..SYLLABLES.len())])
                .collect();
            id.push_str(&rank.to_string());
            let roll: f64 = rng.gen();
            let category = if roll < 0.02 {
                format!("{id}(xianggang)")
            } else if roll < 0.04 {
                format!("{id} {id}APP")
            } else {
                id
            };
            let name_len = rng.gen_range(2..6);
            let name: String = (0..name_len).map(|_| character(&mut rng)).collect();
            SourceSpec {
                category,
                tag: format!("{name}新闻"),
            }
        })
        .collect()
}

/// The `_config.yml` of a generated site.
pub fn config_yml() -> &'static str {
    "lang: zh-CN\ntitle: 金融消息（生成）\nurl: https://finews.example.org\ntimezone: Asia/Shanghai\n"
}

/// Generates post number `index` (and its `old_post/` copy, when it has one).
pub fn generate_post(
    options: &GenerateOptions,
    sources: &[SourceSpec],
    index: usize,
) -> Vec<GeneratedFile> {
    let mut rng =
        ChaCha8Rng::seed_from_u64(options.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ index as u64);
    let rate = options.anomaly_rate;
    let mut anomaly = |rng: &mut ChaCha8Rng| rng.gen_bool(rate.clamp(0.0, 1.0));
    let source = &sources[zipf_index(&mut rng, sources.len())];

    // Two years of dates, spread over the day like real feeds.
    let day = rng.gen_range(0..730u32);
    let (year, month, day_of_month) = civil_from_days(18_779 + day as i64); // 2021-06-01 onwards
    let (hour, minute, second) = (
        rng.gen_range(6..24u32),
        rng.gen_range(0..60u32),
        rng.gen_range(0..60u32),
    );
    let id = format!(
        "{year:04}{month:02}{day_of_month:02}{:010}",
        2_200_000_000u64 + index as u64
    );

    let topic = Topic::pick(&mut rng);
    let title = title(&mut rng, &topic);
    let mut body = body(&mut rng, &topic, source, &id, &mut anomaly);
    let title_line = if anomaly(&mut rng) {
        // finews writes `title: "` + raw title + `"`: an ASCII quote or colon breaks YAML.
        format!("title: \"{}\"\"{}\": {}\"", &title, "重磅", "最新")
    } else if anomaly(&mut rng) {
        "title: \"\"".to_string()
    } else {
        format!("title: \"{title}\"")
    };
    let undated = anomaly(&mut rng);
    let date_line = if undated {
        "date:  +0800".to_string()
    } else if anomaly(&mut rng) {
        format!("date: {year:04}-{month:02}-{day_of_month:02} {hour:02}:{minute:02}:{second:02}")
    } else {
        format!(
            "date: {year:04}-{month:02}-{day_of_month:02} {hour:02}:{minute:02}:{second:02} +0800"
        )
    };
    if anomaly(&mut rng) {
        body = title.clone();
    }
    let mut text = format!(
        "---\nlayout: post\n{title_line}\n{date_line}\ncategories: {}\ntags: {}\n---\n{body}",
        source.category, source.tag
    );
    if anomaly(&mut rng) {
        text = text.replace('\n', "\r\n");
    }
    let mut bytes = text.into_bytes();
    if anomaly(&mut rng) {
        bytes.splice(0..0, [0xEF, 0xBB, 0xBF]);
    }
    let name = if undated {
        format!("-{id}.md")
    } else {
        format!("{year:04}-{month:02}-{day_of_month:02}-{id}.md")
    };
    let mut files = vec![GeneratedFile {
        path: format!("_posts/{name}"),
        bytes: bytes.clone(),
    }];
    if anomaly(&mut rng) {
        files.push(GeneratedFile {
            path: format!("old_post/{name}"),
            bytes,
        });
    }
    files
}

/// A rank in `0..count` with probability ∝ 1/(rank+1)^1.07 (sampled by inverting the
/// continuous approximation of the distribution).
fn zipf_index(rng: &mut ChaCha8Rng, count: usize) -> usize {
    const S: f64 = 1.07;
    let n = count as f64;
    let u: f64 = rng.gen();
    let h = |x: f64| (x.powf(1.0 - S) - 1.0) / (1.0 - S);
    let total = h(n + 1.0);
    let x = (u * total * (1.0 - S) + 1.0).powf(1.0 / (1.0 - S));
    ((x.floor() as usize).saturating_sub(1)).min(count - 1)
}

fn character(rng: &mut ChaCha8Rng) -> char {
    static CHARACTERS: std::sync::OnceLock<Vec<char>> = std::sync::OnceLock::new();
    let characters = CHARACTERS.get_or_init(|| CORPUS_CHARACTERS.chars().collect());
    characters[zipf_index(rng, characters.len())]
}

/// What one post is about: a few topic words and maybe a ticker, so that, as in real news,
/// a given word appears in a small share of posts rather than in all of them.
#[derive(Debug, Clone)]
struct Topic {
    words: Vec<&'static str>,
    latin: Vec<&'static str>,
}

impl Topic {
    fn pick(rng: &mut ChaCha8Rng) -> Topic {
        let words = (0..rng.gen_range(1..4))
            .map(|_| WORDS[rng.gen_range(0..WORDS.len())])
            .collect();
        let latin = (0..usize::from(rng.gen_bool(0.3)))
            .map(|_| LATIN_TOKENS[rng.gen_range(0..LATIN_TOKENS.len())])
            .collect();
        Topic { words, latin }
    }
}

/// A run of news text of about `length` characters about `topic`, with Chinese punctuation.
fn sentence(rng: &mut ChaCha8Rng, topic: &Topic, length: usize) -> String {
    let mut out = String::new();
    let mut since_comma = 0;
    while out.chars().count() < length {
        let roll: f64 = rng.gen();
        let piece = if roll < 0.12 && !topic.words.is_empty() {
            topic.words[rng.gen_range(0..topic.words.len())].to_string()
        } else if roll < 0.14 && !topic.latin.is_empty() {
            topic.latin[rng.gen_range(0..topic.latin.len())].to_string()
        } else {
            character(rng).to_string()
        };
        since_comma += piece.chars().count();
        out.push_str(&piece);
        if since_comma > rng.gen_range(8..24) {
            out.push('，');
            since_comma = 0;
        }
    }
    out.trim_end_matches('，').to_string() + "。"
}

fn title(rng: &mut ChaCha8Rng, topic: &Topic) -> String {
    let length = rng.gen_range(10..28);
    let mut title = sentence(rng, topic, length);
    title.pop();
    if rng.gen_bool(0.15) {
        title = format!("“{title}”");
    }
    if rng.gen_bool(0.1) {
        title.push('：');
        title.push_str(&sentence(rng, topic, 6).replace('。', ""));
    }
    title
}

fn body(
    rng: &mut ChaCha8Rng,
    topic: &Topic,
    source: &SourceSpec,
    id: &str,
    anomaly: &mut impl FnMut(&mut ChaCha8Rng) -> bool,
) -> String {
    let html_heavy = rng.gen_bool(0.3);
    let paragraphs = if html_heavy {
        rng.gen_range(4..14)
    } else {
        rng.gen_range(1..4)
    };
    let mut body = String::new();
    if !html_heavy && rng.gen_bool(0.5) {
        body.push('\n');
    }
    if rng.gen_bool(0.1) {
        body.push_str(&format!(
            "> {}（{}）\n\n",
            sentence(rng, topic, 50),
            source.tag
        ));
    }
    for n in 0..paragraphs {
        let length = rng.gen_range(30..200);
        let mut text = sentence(rng, topic, length);
        if anomaly(rng) {
            text.push_str("精度满足<1%");
        }
        if html_heavy {
            if n == 1 && rng.gen_bool(0.4) {
                body.push_str(&format!(
                    "<!-- EM_StockImg_Start --><p style=\"text-align:center;\"><center><img src=\"https://dfscdn.dfcfw.com/download/D{}_w800h555.jpg\" alt=\"Image\" width=\"552\" style=\"border:#d1d1d1 1px solid;\" /></center></p><!-- EM_StockImg_End -->\n",
                    rng.gen_range(10_000_000_000u64..99_999_999_999u64)
                ));
            }
            if rng.gen_bool(0.3) {
                let code = rng.gen_range(600_000..604_000);
                text = format!(
                    "{}<span id=\"stock_1.{code}\"><a href=\"http://quote.eastmoney.com/unify/r/1.{code}\" class=\"keytip\" data-code=\"1,{code}\">{}</a></span>{}",
                    sentence(rng, topic, 12).trim_end_matches('。'),
                    sentence(rng, topic, 4).trim_end_matches('。'),
                    text
                );
            }
            if rng.gen_bool(0.2) {
                text = format!("<strong>{}</strong>{text}", sentence(rng, topic, 14));
            }
            body.push_str(&format!(" <p>{text}</p>\n"));
        } else {
            body.push_str(&format!("{text}\n\n"));
        }
    }
    if html_heavy {
        body.push_str(&format!(
            "<p class=\"em_media\">（文章来源：{}）</p>\n",
            source.tag
        ));
    }
    let category = source.category.split(' ').next().unwrap_or("");
    let link = if anomaly(rng) {
        "<>".to_string()
    } else {
        format!("<http://finance.eastmoney.com/news/1106,{id}.html>")
    };
    let footer = match rng.gen_range(0..4) {
        0 => String::new(),
        1 => format!("[返回{}](//finews.zning.me/{category}/)\n[返回首页](//finews.zning.me/)", source.tag),
        2 => format!("[返回{}](../{category}/)", source.tag),
        _ => format!("[返回{}](//finews.withounder.com/category/{category}.html)｜[返回首页](//finews.withounder.com/)", source.tag),
    };
    body.push_str(&format!("\n{link}\n\n{footer}"));
    if anomaly(rng) {
        body = body.replace('\n', " \n");
    }
    body
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (Howard Hinnant's method).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{import_file, ImportSettings, Outcome, SourceFile};

    fn options(posts: usize) -> GenerateOptions {
        GenerateOptions {
            posts,
            seed: 7,
            categories: 2000,
            anomaly_rate: 0.05,
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_bytes() {
        let o = options(50);
        let s = sources(&o);
        assert_eq!(generate_post(&o, &s, 3), generate_post(&o, &s, 3));
        assert_ne!(generate_post(&o, &s, 3), generate_post(&o, &s, 4));
    }

    #[test]
    fn dates_are_real_calendar_days() {
        assert_eq!(civil_from_days(18_779), (2021, 6, 1));
        assert_eq!(civil_from_days(19_052), (2022, 3, 1));
    }

    #[test]
    fn source_sizes_are_skewed() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut counts = vec![0usize; 2000];
        for _ in 0..100_000 {
            counts[zipf_index(&mut rng, 2000)] += 1;
        }
        assert!(
            counts[0] > 5_000,
            "the largest source is big: {}",
            counts[0]
        );
        assert!(counts[0] > 20 * counts[99], "rank 100 is much smaller");
        assert!(
            counts.iter().filter(|&&c| c > 0).count() > 1500,
            "most sources have posts"
        );
    }

    #[test]
    fn generated_posts_import_and_show_the_anomalies() {
        let o = GenerateOptions {
            anomaly_rate: 0.2,
            ..options(400)
        };
        let s = sources(&o);
        let (mut posts, mut warned, mut copies, mut undated) = (0, 0, 0, 0);
        for index in 0..o.posts {
            let files = generate_post(&o, &s, index);
            copies += files.len() - 1;
            let file = &files[0];
            match import_file(
                SourceFile {
                    path: &file.path,
                    bytes: &file.bytes,
                },
                &ImportSettings::default(),
            ) {
                Outcome::Post(post) => {
                    posts += 1;
                    warned += usize::from(!post.warnings.is_empty());
                    undated += usize::from(post.date.is_none());
                    assert!(!post.content.held().unwrap().title.is_empty());
                }
                other => panic!("{}: {other:?}", file.path),
            }
        }
        assert_eq!(posts, 400, "every generated post imports");
        assert!(warned > 40, "anomalies produce warnings ({warned})");
        assert!(copies > 40, "some posts are also in old_post/ ({copies})");
        assert!(undated > 40, "some posts are undated ({undated})");
    }
}
