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
mod filters;
mod prepare;
mod recover;
mod runtime;
mod tags;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};
use liquid_core::model::{Object, Value};

use crate::markdown::MarkdownOptions;

pub use data::{data_value, DataFile};
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
    pub path: String,
}

/// Everything Liquid needs that is the same for every post: built once per build.
#[derive(Debug, Clone)]
pub struct LiquidSite {
    site: Arc<Value>,
    includes: Arc<dyn IncludeSource>,
    has_site_posts: bool,
    markdown: MarkdownOptions,
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
            Ok(yaml) => match data::yaml_to_value(&yaml) {
                Value::Object(object) => object,
                _ => Object::new(),
            },
            // site_config already warned about this config.
            Err(_) => Object::new(),
        };
        site.insert("url".into(), Value::scalar(inputs.url.to_string()));
        site.insert("baseurl".into(), Value::scalar(inputs.baseurl.to_string()));
        if !inputs.title.is_empty() || !site.contains_key("title") {
            site.insert("title".into(), Value::scalar(inputs.title.to_string()));
        }
        let (data, data_warnings) = data_value(&inputs.data);
        warnings.extend(data_warnings);
        site.insert("data".into(), data);
        let time = inputs
            .time
            .unwrap_or_else(|| chrono::Utc::now().fixed_offset());
        site.insert("time".into(), date_value(&time));
        for empty in ["posts", "pages", "static_files", "documents"] {
            site.insert(empty.into(), Value::Array(Vec::new()));
        }
        for empty in ["categories", "tags", "collections"] {
            site.insert(empty.into(), Value::Object(Object::new()));
        }
        let site = LiquidSite {
            site: Arc::new(Value::Object(site)),
            includes,
            has_site_posts: false,
            markdown: inputs.markdown.clone(),
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

    /// The same site with `site.posts` (newest first), `site.categories` and `site.tags`.
    pub fn with_posts(&self, posts: &[PostSummary]) -> LiquidSite {
        let mut sorted: Vec<&PostSummary> = posts.iter().collect();
        sorted.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| b.id.cmp(&a.id)));
        let values: Vec<Value> = sorted.iter().map(|post| post_value(post)).collect();
        let mut categories: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
        let mut tags: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
        for (post, value) in sorted.iter().zip(&values) {
            for category in &post.categories {
                categories.entry(category).or_default().push(value.clone());
            }
            for tag in &post.tags {
                tags.entry(tag).or_default().push(value.clone());
            }
        }
        let grouped = |groups: BTreeMap<&str, Vec<Value>>| {
            Value::Object(
                groups
                    .into_iter()
                    .map(|(name, posts)| (name.to_string().into(), Value::Array(posts)))
                    .collect(),
            )
        };
        let mut site = match self.site.as_ref() {
            Value::Object(object) => object.clone(),
            _ => Object::new(),
        };
        site.insert("posts".into(), Value::Array(values));
        site.insert("categories".into(), grouped(categories));
        site.insert("tags".into(), grouped(tags));
        LiquidSite {
            site: Arc::new(Value::Object(site)),
            has_site_posts: true,
            ..self.clone()
        }
    }
}

/// What a post is, for `page`.
#[derive(Debug, Clone, Copy)]
pub struct PageInputs<'a> {
    pub id: &'a str,
    /// The path shown in the report (also `page.path`).
    pub path: &'a str,
    pub front_matter_yaml: &'a str,
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
    let (text, mut warnings) = match recover::parse(&prepared, tags::language()) {
        Err(failure) => (body.to_string(), vec![failure]),
        Ok((template, mut warnings)) => {
            let page_value = page_value(page, body);
            match runtime::render(&template, site, &page_value, page.path) {
                Ok((text, problems)) => {
                    warnings.extend(
                        problems
                            .into_iter()
                            .map(|(needle, message)| (prepared.line_of_markup(&needle), message)),
                    );
                    (text, warnings)
                }
                Err(error) => {
                    warnings.push((
                        prepared.line_of_error(&error),
                        format!(
                            "Liquid could not run ({}): the body is shown with its Liquid as text",
                            first_line(&error)
                        ),
                    ));
                    (body.to_string(), warnings)
                }
            }
        }
    };
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
    use liquid_core::model::ValueView;
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
fn date_value(date: &DateTime<FixedOffset>) -> Value {
    let text = date.format("%Y-%m-%d %H:%M:%S %z").to_string();
    match liquid_core::model::DateTime::from_str(&text) {
        Some(date) => Value::scalar(date),
        None => Value::scalar(text),
    }
}

fn post_value(post: &PostSummary) -> Value {
    let mut object = Object::new();
    object.insert("id".into(), Value::scalar(post.id.clone()));
    object.insert("title".into(), Value::scalar(post.title.clone()));
    object.insert("url".into(), Value::scalar(post_link(&post.id)));
    object.insert(
        "date".into(),
        post.date.as_ref().map_or(Value::Nil, date_value),
    );
    object.insert("categories".into(), string_list(&post.categories));
    object.insert("tags".into(), string_list(&post.tags));
    object.insert("excerpt".into(), Value::scalar(post.excerpt.clone()));
    object.insert("path".into(), Value::scalar(post.path.clone()));
    Value::Object(object)
}

fn string_list(items: &[String]) -> Value {
    Value::Array(items.iter().map(|s| Value::scalar(s.clone())).collect())
}

/// `page`: the front matter as written, and what Jekyll adds to it.
fn page_value(page: &PageInputs<'_>, body: &str) -> Value {
    let mut object = match crate::yaml::value(page.front_matter_yaml) {
        Ok(yaml) => match data::yaml_to_value(&yaml) {
            Value::Object(object) => object,
            _ => Object::new(),
        },
        Err(_) => Object::new(),
    };
    object.insert("id".into(), Value::scalar(page.id.to_string()));
    object.insert("url".into(), Value::scalar(post_link(page.id)));
    object.insert("path".into(), Value::scalar(page.path.to_string()));
    object.insert(
        "date".into(),
        page.date.as_ref().map_or(Value::Nil, date_value),
    );
    object.insert("categories".into(), string_list(page.categories));
    object.insert("tags".into(), string_list(page.tags));
    if let Some(title) = page.title {
        object.insert("title".into(), Value::scalar(title.to_string()));
    }
    let excerpt = body.trim_start().split("\n\n").next().unwrap_or("");
    object.insert("excerpt".into(), Value::scalar(excerpt.to_string()));
    object.insert("content".into(), Value::scalar(body.to_string()));
    Value::Object(object)
}

#[cfg(test)]
mod tests;
