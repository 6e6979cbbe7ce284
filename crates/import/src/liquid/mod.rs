//! Liquid in post bodies, run before Markdown as Jekyll runs it: the `liquid` crates' engine
//! (parser, runtime, standard tags and filters) extended with Jekyll's tags ([`tags`]) and
//! filters ([`filters`]), over a context of `site` (the whole `_config.yml`, `site.data`,
//! `site.time`, and — for the posts that ask — `site.posts`, `site.categories`, `site.tags`)
//! and `page` (front matter plus what Jekyll adds).
//!
//! Nothing is ever lost to Liquid: markup the engine cannot read (an unknown tag or filter, a
//! syntax error) is shown as text and the rest still runs; a missing or refused include is
//! left out; a body whose Liquid cannot run at all is kept as its source. Each case is a
//! warning with the body line. Work is bounded ([`limits`]). Kramdown attribute lists
//! (`{:.class}`) are removed here too, from what Liquid wrote and outside code
//! ([`strip_attribute_lists`]): they are the other curly-brace syntax that would otherwise show
//! up as text.
//!
//! A body without `{{` or `{%` never reaches the engine (two memchr scans), and one without
//! `{` at all is returned as it is.

mod budget;
mod data;
mod dates;
mod filters;
mod loops;
mod numbers;
mod prepare;
mod recover;
mod ruby_text;
mod runtime;
mod tags;
mod values;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};
use liquid_core::model::{KString, Value, ValueView};

use crate::markdown::MarkdownOptions;
use crate::post_date::{yaml_time, YamlTime, Zone};
use values::{Hash, Node};

use data::data_value;
pub use data::DataFile;
pub use prepare::strip_attribute_lists;

/// What one Liquid pass may do, so that one post cannot stall or exhaust a build.
pub mod limits {
    /// Bytes a body's Liquid may write (a `for` that writes too much stops here).
    pub const OUTPUT_BYTES: usize = 4 << 20;
    /// Iterations of `for` and `tablerow` ranges, nested ones multiplied: a literal range
    /// past it is refused, a range whose ends are variables stops there.
    pub const LOOP_ITERATIONS: u64 = 100_000;
    /// Bytes a body's Liquid may write (its output, captures, includes), assign and make
    /// with filters (every filter's result, intermediate ones of a chain too) in all.
    pub const WORK_BYTES: usize = 16 * OUTPUT_BYTES;
    /// Steps a body's Liquid may take in all: each time a `for` or `tablerow` renders its
    /// body (nested loops' bodies each time: their iterations multiplied), each filter call
    /// and each item a filter goes through or makes.
    pub const WORK_STEPS: u64 = 5_000_000;
    /// Includes within includes.
    pub const INCLUDE_DEPTH: usize = 8;
    /// Blocks within blocks.
    pub const NESTING: usize = 64;
}

/// The body with Liquid resolved, and what could not be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiquidOutput<'a> {
    pub text: Cow<'a, str>,
    /// `(0-based line within the body, message)`.
    pub warnings: Vec<(usize, String)>,
    /// The body refers to `site.posts`, `site.categories` or `site.tags` and was rendered
    /// without them: the builder renders it again once every post is known.
    pub wants_site_posts: bool,
}

/// Where `{% include %}` and `{% include_relative %}` read from. The builder reads the disk
/// (refusing paths that leave `_includes/` or the site, symlinks included); tests use
/// [`MemoryIncludes`].
pub trait IncludeSource: Send + Sync + std::fmt::Debug {
    /// `_includes/<name>`.
    fn include(&self, name: &str) -> IncludeLookup;
    /// `<name>` next to the post at `post_path`.
    fn include_relative(&self, post_path: &str, name: &str) -> IncludeLookup;
}

/// What became of an include's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IncludeLookup {
    Found(String),
    Missing,
    /// Outside the folder it must be in; the reason.
    Refused(String),
}

/// Why an include name is refused before any file is looked at: an absolute path, a `..`
/// component, a backslash or a NUL (Jekyll refuses the same).
pub fn refuse_include_name(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("an empty name".into());
    }
    if name.starts_with('/') || name.contains(['\\', '\0']) || name.contains(':') {
        return Some("an absolute or unusual path".into());
    }
    if name.split('/').any(|part| part == "..") {
        return Some("a path that leaves the include folder (`..`)".into());
    }
    None
}

/// Includes held in memory, keyed by name (`_includes/` relative) — for tests and tools.
#[derive(Debug, Clone, Default)]
pub struct MemoryIncludes {
    pub includes: BTreeMap<String, String>,
    /// Keyed by `<post's folder>/<name>`.
    pub relative: BTreeMap<String, String>,
}

impl IncludeSource for MemoryIncludes {
    fn include(&self, name: &str) -> IncludeLookup {
        if let Some(reason) = refuse_include_name(name) {
            return IncludeLookup::Refused(reason);
        }
        self.includes
            .get(name)
            .map_or(IncludeLookup::Missing, |text| {
                IncludeLookup::Found(text.clone())
            })
    }

    fn include_relative(&self, post_path: &str, name: &str) -> IncludeLookup {
        if let Some(reason) = refuse_include_name(name) {
            return IncludeLookup::Refused(reason);
        }
        let folder = post_path.rsplit_once('/').map_or("", |(folder, _)| folder);
        self.relative
            .get(&format!("{folder}/{name}"))
            .map_or(IncludeLookup::Missing, |text| {
                IncludeLookup::Found(text.clone())
            })
    }
}

/// What the builder knows about the site before any post is read.
#[derive(Debug, Clone, Default)]
pub struct SiteInputs<'a> {
    /// `_config.yml` as written (every key becomes `site.<key>`).
    pub config_yaml: &'a str,
    /// `url`, `baseurl` and `title` as the builder reads them (they override the config's).
    pub url: &'a str,
    pub baseurl: &'a str,
    pub title: &'a str,
    /// `_data/` files (path relative to `_data/`, text).
    pub data: Vec<DataFile>,
    /// `site.time`, as the build's clock says (fixed in tests).
    pub time: Option<DateTime<FixedOffset>>,
    pub markdown: MarkdownOptions,
    /// The site's time zone: dates that do not give their offset are its local time.
    pub zone: Zone,
}

/// One post as `site.posts` shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct PostSummary {
    pub id: String,
    pub title: String,
    pub date: Option<DateTime<FixedOffset>>,
    pub categories: Vec<String>,
    pub tags: Vec<String>,
    pub excerpt: String,
    /// Relative to the site's folder, as `page.path` ([`PageInputs::relative_path`]).
    pub path: String,
    /// The front matter as written (YAML): a post in `site.posts` has every key it sets
    /// (`post.author`, `post.series`), as Jekyll's do.
    pub front_matter: String,
}

/// Everything Liquid needs that is the same for every post: built once per build.
#[derive(Debug, Clone)]
pub struct LiquidSite {
    site: Arc<Node>,
    includes: Arc<dyn IncludeSource>,
    has_site_posts: bool,
    markdown: MarkdownOptions,
    zone: Zone,
    /// `site.time`.
    time: DateTime<FixedOffset>,
    /// The site's post ids, when known: a `post_url` or `link` to another is warned about.
    post_ids: Option<Arc<PostIds>>,
}

/// The ids of a site's posts (their file names without the extension), as sorted hashes: 8
/// bytes a post, where the names would take 50 (two million posts: 16 MB).
#[derive(Debug, Default)]
pub struct PostIds(Vec<u64>);

impl PostIds {
    pub fn new<'a>(ids: impl IntoIterator<Item = &'a str>) -> PostIds {
        let mut hashes: Vec<u64> = ids.into_iter().map(PostIds::hash).collect();
        hashes.sort_unstable();
        PostIds(hashes)
    }

    fn hash(id: &str) -> u64 {
        use std::hash::BuildHasher;
        rustc_hash::FxBuildHasher.hash_one(id)
    }

    /// Whether `id` is (almost surely: hashes of 64 bits) one of the posts.
    pub fn contains(&self, id: &str) -> bool {
        self.0.binary_search(&PostIds::hash(id)).is_ok()
    }
}

impl Default for LiquidSite {
    fn default() -> Self {
        LiquidSite::new(&SiteInputs::default(), Arc::new(MemoryIncludes::default())).0
    }
}

impl LiquidSite {
    /// A site with nothing in it, shared (for bodies that turn out to have no Liquid).
    pub fn empty() -> &'static LiquidSite {
        static EMPTY: std::sync::OnceLock<LiquidSite> = std::sync::OnceLock::new();
        EMPTY.get_or_init(LiquidSite::default)
    }

    /// The site's Liquid environment, and what could not be read (`(file, message)`).
    pub fn new(
        inputs: &SiteInputs<'_>,
        includes: Arc<dyn IncludeSource>,
    ) -> (LiquidSite, Vec<(String, String)>) {
        let mut warnings = Vec::new();
        let mut site = match crate::yaml::value(inputs.config_yaml) {
            Ok(yaml) => match values::from_yaml(&yaml) {
                Node::Hash(hash) => hash,
                _ => Hash::new(),
            },
            // site_config already warned about this config.
            Err(_) => Hash::new(),
        };
        read_plain_times(&mut site, inputs.config_yaml, &inputs.zone);
        site.insert("url", Node::text(inputs.url));
        site.insert("baseurl", Node::text(inputs.baseurl));
        if !inputs.title.is_empty() || site.get("title").is_none() {
            site.insert("title", Node::text(inputs.title));
        }
        let (data, data_warnings) = data_value(&inputs.data);
        warnings.extend(data_warnings);
        site.insert("data", data);
        let time = inputs
            .time
            .unwrap_or_else(|| chrono::Utc::now().fixed_offset());
        site.insert("time", date_value(&time));
        for empty in ["posts", "pages", "static_files", "documents"] {
            site.insert(empty, Node::Array(Vec::new()));
        }
        for empty in ["categories", "tags", "collections"] {
            site.insert(empty, Node::Hash(Hash::new()));
        }
        let site = LiquidSite {
            site: Arc::new(Node::Hash(site)),
            includes,
            has_site_posts: false,
            markdown: inputs.markdown.clone(),
            zone: inputs.zone,
            time,
            post_ids: None,
        };
        (site, warnings)
    }

    /// The same site, knowing its posts' ids: a `post_url` (or `link`) to another post is
    /// then a warning (Jekyll stops the build on it; Gazette keeps the post, its link dead).
    pub fn with_post_ids(self, ids: PostIds) -> LiquidSite {
        LiquidSite {
            post_ids: Some(Arc::new(ids)),
            ..self
        }
    }

    /// The site's posts, when known ([`LiquidSite::with_post_ids`]).
    pub fn post_ids(&self) -> Option<&PostIds> {
        self.post_ids.as_deref()
    }

    /// The same site with `site.posts` (newest first), `site.categories` and `site.tags`. As
    /// in Jekyll, categories and tags come in the order posts first name them, oldest post
    /// first (posts of one date in the order of their paths), and each lists its posts newest
    /// first.
    pub fn with_posts(&self, posts: &[PostSummary]) -> LiquidSite {
        let mut oldest_first: Vec<&PostSummary> = posts.iter().collect();
        oldest_first.sort_by(|a, b| (a.date, &a.path, &a.id).cmp(&(b.date, &b.path, &b.id)));
        let values: Vec<Node> = oldest_first
            .iter()
            .map(|post| post_value(post, &self.zone))
            .collect();
        let mut categories: Vec<(&str, Vec<usize>)> = Vec::new();
        let mut tags: Vec<(&str, Vec<usize>)> = Vec::new();
        let mut category_at: rustc_hash::FxHashMap<&str, usize> = Default::default();
        let mut tag_at: rustc_hash::FxHashMap<&str, usize> = Default::default();
        for (number, post) in oldest_first.iter().enumerate() {
            for (names, groups, at) in [
                (&post.categories, &mut categories, &mut category_at),
                (&post.tags, &mut tags, &mut tag_at),
            ] {
                for name in names {
                    let group = *at.entry(name.as_str()).or_insert_with(|| {
                        groups.push((name.as_str(), Vec::new()));
                        groups.len() - 1
                    });
                    // A post that names a category twice is listed once.
                    if groups[group].1.last() != Some(&number) {
                        groups[group].1.push(number);
                    }
                }
            }
        }
        let grouped = |groups: Vec<(&str, Vec<usize>)>| {
            Node::Hash(
                groups
                    .into_iter()
                    .map(|(name, numbers)| {
                        let newest_first = numbers.iter().rev().map(|&n| values[n].clone());
                        (KString::from_ref(name), Node::Array(newest_first.collect()))
                    })
                    .collect(),
            )
        };
        let categories = grouped(categories);
        let tags = grouped(tags);
        let mut site = match self.site.as_ref() {
            Node::Hash(hash) => hash.clone(),
            _ => Hash::new(),
        };
        site.insert("categories", categories);
        site.insert("tags", tags);
        site.insert("posts", Node::Array(values.into_iter().rev().collect()));
        LiquidSite {
            site: Arc::new(Node::Hash(site)),
            has_site_posts: true,
            ..self.clone()
        }
    }
}

/// What a post is, for `page`.
#[derive(Debug, Clone, Copy)]
pub struct PageInputs<'a> {
    pub id: &'a str,
    /// The file as it was read (`include_relative` reads next to it).
    pub path: &'a str,
    /// `page.path`: the file's path relative to the site's folder (`_posts/2020-01-08-x.md`,
    /// `news/_posts/…`), as Jekyll gives it — never the builder's own folders.
    pub relative_path: &'a str,
    pub front_matter_yaml: &'a str,
    /// `_config.yml`'s `defaults:` for the post, the most specific first: `page` has their
    /// keys the front matter does not set.
    pub defaults: &'a [&'a crate::front_matter::Defaults],
    pub title: Option<&'a str>,
    pub date: Option<DateTime<FixedOffset>>,
    pub categories: &'a [String],
    pub tags: &'a [String],
}

/// The in-app link to a post id. Hash routes work at any sub-path and from `file://`.
pub fn post_link(id: &str) -> String {
    format!("#/post/{id}")
}

/// Resolves Liquid (and removes kramdown attribute lists) in `body`.
pub fn render<'a>(body: &'a str, page: &PageInputs<'_>, site: &LiquidSite) -> LiquidOutput<'a> {
    let plain = |text: Cow<'a, str>| LiquidOutput {
        text,
        warnings: Vec::new(),
        wants_site_posts: false,
    };
    if memchr::memchr(b'{', body.as_bytes()).is_none() {
        // Abbreviation definitions (`*[HTML]: …`) are the one thing to remove without `{`.
        return match memchr::memmem::find(body.as_bytes(), b"*[") {
            None => plain(Cow::Borrowed(body)),
            Some(_) => plain(strip_attribute_lists(body)),
        };
    }
    if memchr::memmem::find(body.as_bytes(), b"{{").is_none()
        && memchr::memmem::find(body.as_bytes(), b"{%").is_none()
    {
        return plain(strip_attribute_lists(body));
    }
    let wants_site_posts = !site.has_site_posts
        && ["site.posts", "site.categories", "site.tags", "site["]
            .iter()
            .any(|needle| memchr::memmem::find(body.as_bytes(), needle.as_bytes()).is_some());
    let links = prepare::Links {
        url: site_text(site, "url"),
        baseurl: site_text(site, "baseurl"),
        posts: site.post_ids.as_deref(),
    };
    let mut prepared = prepare::prepare(body, &links);
    let dead_links = std::mem::take(&mut prepared.dead_links);
    // A markup the engine cannot run (an array filter given a number…) is left out, with a
    // warning, and the rest runs; after a few, or one that opens a block, the body is shown
    // with its Liquid as text. (Jekyll stops the whole build on such an error.)
    const MAX_LEFT_OUT: usize = 8;
    let mut left_out: Vec<(usize, String)> = Vec::new();
    let mut page_node = None;
    let (text, mut warnings) = loop {
        let (template, mut warnings) = match recover::parse(&prepared, tags::language()) {
            Err(failure) => break (body.to_string(), vec![failure]),
            Ok(parsed) => parsed,
        };
        let page_node = page_node.get_or_insert_with(|| page_value(page, body, &site.zone));
        match runtime::render(&template, site, page_node, page.path) {
            Ok((text, problems)) => {
                warnings.extend(
                    problems
                        .into_iter()
                        .map(|(needle, message)| (prepared.line_of_markup(&needle), message)),
                );
                break (text, warnings);
            }
            Err(error) => {
                let left = (left_out.len() < MAX_LEFT_OUT)
                    .then(|| prepared.leave_out(&error))
                    .flatten();
                if let Some((line, written)) = left {
                    left_out.push((
                        line,
                        format!(
                            "Liquid could not run `{written}` ({}): it is left out",
                            first_line(&error)
                        ),
                    ));
                    continue;
                }
                warnings.push((
                    prepared.line_of_error(&error),
                    format!(
                        "Liquid could not run ({}): the body is shown with its Liquid as text",
                        first_line(&error)
                    ),
                ));
                break (body.to_string(), warnings);
            }
        }
    };
    warnings.splice(0..0, left_out);
    warnings.splice(0..0, dead_links);
    // kramdown reads the attribute lists of what Liquid wrote, code blocks of `highlight`
    // among them (where `{:a => 1}` is code).
    let text = match strip_attribute_lists(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(stripped) => stripped,
    };
    LiquidOutput {
        text: Cow::Owned(text),
        warnings,
        wants_site_posts,
    }
}

fn site_text(site: &LiquidSite, key: &str) -> String {
    site.site
        .as_object()
        .and_then(|object| object.get(key))
        .map(|value| value.to_kstr().to_string())
        .unwrap_or_default()
}

/// The first line of an engine message, without the engine's `liquid: ` prefix.
fn first_line(message: &str) -> &str {
    let line = message.lines().next().unwrap_or(message).trim();
    line.strip_prefix("liquid: ").unwrap_or(line)
}

/// A date as Liquid's date value (what the `date` filter and `date_to_*` read).
fn date_value(date: &DateTime<FixedOffset>) -> Node {
    Node::Value(dates::liquid_date_time(date).map_or_else(
        || Value::scalar(date.format("%Y-%m-%d %H:%M:%S %z").to_string()),
        Value::scalar,
    ))
}

/// A date alone (Ruby's `Date`), as YAML gives one.
fn day_value(day: chrono::NaiveDate) -> Node {
    use chrono::Datelike;
    let date = u8::try_from(day.month())
        .ok()
        .zip(u8::try_from(day.day()).ok())
        .map(|(month, date)| liquid_core::model::Date::from_ymd(day.year(), month, date));
    Node::Value(date.map_or_else(|| Value::scalar(day.to_string()), Value::scalar))
}

/// The top-level values of `yaml` (front matter, `_config.yml`) that Jekyll's YAML reader
/// takes for dates and times — plain scalars that are YAML timestamps — as Liquid dates, so
/// that `{{ page.updated }}` shows them as Jekyll does. (The YAML reader Gazette uses gives
/// them as text, and says nothing of quotes: those are read from the line itself.)
fn read_plain_times(hash: &mut Hash, yaml: &str, zone: &Zone) {
    for line in yaml.lines() {
        if line.starts_with([' ', '\t', '#', '-']) {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let key = key.trim().trim_matches(|c| c == '"' || c == '\'');
        let value = value.trim();
        if value.is_empty() || value.starts_with(['"', '\'', '&', '*', '!']) {
            continue;
        }
        let Some(Node::Value(text)) = hash.get(key) else {
            continue;
        };
        let Some(text) = text.as_scalar() else {
            continue;
        };
        let node = match yaml_time(text.to_kstr().as_str(), zone) {
            Some(YamlTime::Date(day)) => day_value(day),
            Some(YamlTime::Time(instant)) => date_value(&instant),
            None => continue,
        };
        hash.insert(KString::from_ref(key), node);
    }
}

/// A post's file name (`2020-01-08-hello.md`), its slug (`hello`: the name without its date
/// and extension, as Jekyll reads it) and its extension (`.md`).
fn name_slug_ext(path: &str) -> (&str, &str, &str) {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let (stem, ext) = match name.rfind('.') {
        Some(at) if at > 0 => (&name[..at], &name[at..]),
        _ => (name, ""),
    };
    let dated = stem.splitn(4, '-').collect::<Vec<_>>();
    let slug = match dated.as_slice() {
        [year, month, day, slug]
            if (2..=4).contains(&year.len())
                && (1..=2).contains(&month.len())
                && (1..=2).contains(&day.len())
                && [year, month, day]
                    .iter()
                    .all(|part| part.bytes().all(|b| b.is_ascii_digit())) =>
        {
            slug
        }
        _ => stem,
    };
    (name, slug.trim_end_matches('.'), ext)
}

fn post_value(post: &PostSummary, zone: &Zone) -> Node {
    let (name, slug, ext) = name_slug_ext(&post.path);
    let mut hash = front_matter_hash(&post.front_matter, zone);
    hash.insert("id", Node::text(post.id.clone()));
    hash.insert("title", Node::text(post.title.clone()));
    hash.insert("url", Node::text(post_link(&post.id)));
    hash.insert("date", post.date.as_ref().map_or(Node::nil(), date_value));
    hash.insert("categories", Node::texts(&post.categories));
    hash.insert("tags", Node::texts(&post.tags));
    hash.insert("excerpt", Node::text(post.excerpt.clone()));
    hash.insert("path", Node::text(post.path.clone()));
    // Jekyll's own, unless the front matter says otherwise.
    hash.insert_missing("name", || Node::text(name));
    hash.insert_missing("slug", || Node::text(slug));
    hash.insert_missing("ext", || Node::text(ext));
    Node::Hash(hash)
}

/// The front matter's keys and values (`{}` when it is no mapping).
fn front_matter_hash(yaml: &str, zone: &Zone) -> Hash {
    if yaml.trim().is_empty() {
        return Hash::new();
    }
    let mut hash = match crate::yaml::value(yaml) {
        Ok(yaml) => match values::from_yaml(&yaml) {
            Node::Hash(hash) => hash,
            _ => Hash::new(),
        },
        Err(_) => Hash::new(),
    };
    read_plain_times(&mut hash, yaml, zone);
    hash
}

/// `page`: the front matter as written, and what Jekyll adds to it.
fn page_value(page: &PageInputs<'_>, body: &str, zone: &Zone) -> Node {
    let mut hash = front_matter_hash(page.front_matter_yaml, zone);
    // Jekyll merges the site's front matter defaults into the page: `{{ page.author }}` is
    // the default author of a post that names none.
    for default in page.defaults {
        let Node::Hash(values) = values::from_yaml(default.yaml()) else {
            continue;
        };
        for (key, node) in values.into_entries() {
            let same: &[&str] = match key.as_str() {
                "category" | "categories" => &["category", "categories"],
                "tag" | "tags" => &["tag", "tags"],
                _ => &[],
            };
            if hash.get(&key).is_none() && !same.iter().any(|k| hash.get(k).is_some()) {
                hash.insert(key, node);
            }
        }
    }
    hash.insert("id", Node::text(page.id));
    hash.insert("url", Node::text(post_link(page.id)));
    hash.insert("path", Node::text(page.relative_path));
    hash.insert("date", page.date.as_ref().map_or(Node::nil(), date_value));
    hash.insert("categories", Node::texts(page.categories));
    hash.insert("tags", Node::texts(page.tags));
    if let Some(title) = page.title {
        hash.insert("title", Node::text(title));
    }
    // Jekyll's own, unless the front matter says otherwise.
    let (name, slug, ext) = name_slug_ext(page.relative_path);
    hash.insert_missing("name", || Node::text(name));
    hash.insert_missing("slug", || Node::text(slug));
    hash.insert_missing("ext", || Node::text(ext));
    let excerpt = body.trim_start().split("\n\n").next().unwrap_or("");
    hash.insert("excerpt", Node::text(excerpt));
    hash.insert("content", Node::text(body));
    Node::Hash(hash)
}

#[cfg(test)]
mod tests;
