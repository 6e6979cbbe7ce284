//! One source file in, one post (or a reason) out. This is the per-file half of the builder,
//! free of I/O so it runs in parallel and in tests on plain byte strings.

use std::borrow::Cow;
use std::hash::BuildHasher;

use chrono::{DateTime, FixedOffset, NaiveTime};

use crate::front_matter;
use crate::links::{host_of, origin_of, rewrite_site_links, OldSite};
use crate::liquid::{self, LiquidSite, PageInputs, SiteInputs};
use crate::markdown;
use crate::permalink::Permalink;
use crate::post_date::{self, Zone};
use crate::report::{Rejection, Warning};
use gazette_archive::text::{collapsed_excerpt, truncate_at_units, EXCERPT_CHARS};

/// A file as read from disk.
#[derive(Debug, Clone, Copy)]
pub struct SourceFile<'a> {
    /// The path shown in the report (as given on the command line, joined with the file).
    pub path: &'a str,
    pub bytes: &'a [u8],
}

/// Site-wide settings every post is read with.
#[derive(Debug, Clone, Default)]
pub struct ImportSettings {
    /// Zone for dates without an offset.
    pub zone: Zone,
    pub url: String,
    pub baseurl: String,
    pub title: String,
    /// The site-wide `excerpt_separator`.
    pub excerpt_separator: Option<String>,
    /// The site's kramdown options.
    pub markdown: markdown::MarkdownOptions,
    /// `_config.yml`'s front-matter defaults for posts: each with the folder it applies to,
    /// spelled as the paths of the files imported are (`site/_posts/private`; the site's
    /// own folder for a scope of every post).
    pub defaults: Vec<(String, front_matter::Defaults)>,
    /// The site's folder, spelled as the paths of the files imported are: the folders
    /// between it and a post's `_posts/` are the post's first categories, as in Jekyll
    /// (`news/_posts/x.md` is in `news`).
    pub site_folder: Option<String>,
    /// The folders the files were found in (the site's and any other given), spelled as the
    /// paths of the files imported are: Liquid's `page.path` is relative to the one a post
    /// is in, so that no builder's folder reaches the archive.
    pub source_folders: Vec<String>,
    /// `_config.yml`'s `permalink`: where the original site put its posts, for links to
    /// them.
    pub permalink: Permalink,
}

impl ImportSettings {
    /// The categories Jekyll reads from the folders above a site post's `_posts/`.
    /// (Walked without collecting the path's parts: a post right in `_posts/`, finews' every
    /// post, allocates nothing.)
    fn folder_categories<'p>(&self, path: &'p str) -> Vec<&'p str> {
        let Some(relative) = self
            .site_folder
            .as_deref()
            .and_then(|folder| path.strip_prefix(folder))
        else {
            return Vec::new();
        };
        let mut folders = Vec::new();
        for part in relative.split(['/', std::path::MAIN_SEPARATOR]) {
            match part {
                "_posts" => return folders,
                "" | "." => {}
                folder => folders.push(folder),
            }
        }
        Vec::new()
    }

    /// `page.path` of the file at `path`: relative to the site's folder (`_posts/x.md`,
    /// `news/_posts/x.md`, as Jekyll gives it), else to the deepest given folder it is in,
    /// else its file name.
    pub fn relative_path<'p>(&self, path: &'p str) -> &'p str {
        let inside = |folder: &str| {
            let rest = path.strip_prefix(folder)?;
            if folder.ends_with(['/', std::path::MAIN_SEPARATOR]) {
                Some(rest)
            } else {
                rest.strip_prefix(['/', std::path::MAIN_SEPARATOR])
            }
        };
        let relative = self
            .site_folder
            .iter()
            .chain(
                self.source_folders
                    .iter()
                    .filter(|folder| !folder.is_empty()),
            )
            .filter_map(|folder| inside(folder).map(|rest| (folder.len(), rest)))
            .max_by_key(|&(length, _)| length)
            .map(|(_, rest)| rest.trim_start_matches(['/', std::path::MAIN_SEPARATOR]));
        match relative {
            Some(relative) if !relative.is_empty() => relative,
            _ => path
                .rsplit(['/', std::path::MAIN_SEPARATOR])
                .next()
                .unwrap_or(path),
        }
    }

    /// The defaults for the file at `path`, the most specific (longest folder) first.
    fn defaults_of(&self, path: &str) -> Vec<&front_matter::Defaults> {
        let mut found: Vec<(usize, &front_matter::Defaults)> = self
            .defaults
            .iter()
            .filter(|(folder, _)| {
                folder.is_empty()
                    || path.strip_prefix(folder.as_str()).is_some_and(|rest| {
                        rest.starts_with(['/', std::path::MAIN_SEPARATOR]) || folder.ends_with('/')
                    })
            })
            .map(|(folder, defaults)| (folder.len(), defaults))
            .collect();
        found.sort_by_key(|&(length, _)| std::cmp::Reverse(length));
        found.into_iter().map(|(_, defaults)| defaults).collect()
    }
}

/// A post ready for the archive.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedPost {
    pub id: String,
    pub path: String,
    pub date: Option<DateTime<FixedOffset>>,
    pub categories: Vec<String>,
    pub tags: Vec<String>,
    pub permalink: Option<String>,
    /// Its HTML, text and excerpt: held in memory as imported, or stored away by a builder
    /// that bounds its memory (see [`crate::build::ContentStore`]).
    pub content: Content,
    pub warnings: Vec<Warning>,
    /// Its Liquid asks for `site.posts`, `site.categories` or `site.tags`, which it was
    /// rendered without: the builder imports it again with them (see [`LiquidSite::with_posts`]).
    pub wants_site_posts: bool,
    /// Its links were read against the site's posts (a link to a post names one of them):
    /// an update imports it again, as the posts may have changed.
    pub links_to_posts: bool,
}

/// A post's bulky parts: everything about it that only its own files (its summary group,
/// body chunk and index segment) need, the title included. At 100,000 generator posts they were about 4 KB a
/// post out of 4.5, so a builder that bounds its memory keeps them on disk until it writes
/// those files, in post number order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct PostContent {
    /// The front matter's title, or the start of the text when it has none.
    pub title: String,
    /// Sanitized HTML.
    pub html: String,
    /// Readable text, one line per block: what the search index reads.
    pub text: String,
    /// Plain text, at most [`EXCERPT_CHARS`] characters.
    pub excerpt: String,
    /// The original article's URL (the post's first bare autolink).
    pub source: Option<String>,
}

impl PostContent {
    /// A hash of everything it holds, to tell two copies of a post apart without holding
    /// both.
    pub fn digest(&self) -> u64 {
        rustc_hash::FxBuildHasher.hash_one(self)
    }
}

/// A post's content in memory, with its [digest](PostContent::digest), taken once when it
/// is made (the builder needs it when it numbers the posts, when it writes them, and in the
/// state: hashing every post's HTML and text each time was about 1% of a build).
#[derive(Debug, Clone, PartialEq)]
pub struct HeldContent {
    content: Box<PostContent>,
    digest: u64,
}

impl HeldContent {
    pub fn new(content: PostContent) -> HeldContent {
        HeldContent {
            digest: content.digest(),
            content: Box::new(content),
        }
    }

    pub fn content(&self) -> &PostContent {
        &self.content
    }

    pub fn digest(&self) -> u64 {
        self.digest
    }

    pub fn into_content(self) -> PostContent {
        *self.content
    }
}

/// Where a post's [`PostContent`] is.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    Held(HeldContent),
    /// In a [`crate::build::ContentStore`], which knows what `at` means.
    Stored(StoredContent),
    /// Not loaded: an earlier build imported the post from a file that has not changed
    /// since (`gazette build --state`). When an update rewrites its files, the store imports
    /// it again ([`crate::build::ContentStore::load_again`]); the digest is its content's.
    Unloaded {
        digest: u64,
    },
}

/// A stored [`PostContent`]'s place and digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredContent {
    pub at: u64,
    pub len: u32,
    pub digest: u64,
}

impl Content {
    /// The content, when it is held.
    pub fn held(&self) -> Option<&PostContent> {
        match self {
            Content::Held(held) => Some(held.content()),
            Content::Stored(_) | Content::Unloaded { .. } => None,
        }
    }

    pub fn digest(&self) -> u64 {
        match self {
            Content::Held(held) => held.digest(),
            Content::Stored(stored) => stored.digest,
            Content::Unloaded { digest } => *digest,
        }
    }
}

/// What became of a file.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Post(Box<ImportedPost>),
    /// `published: false`: left out on purpose.
    Unpublished {
        path: String,
    },
    Rejected(Rejection),
}

/// Characters of text used for a title when the front matter's is empty.
const TITLE_FALLBACK_CHARS: usize = 40;

/// The id of a post: its file name without the extension.
pub fn post_id(path: &str) -> &str {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}

/// Imports one file, with a Liquid site made of `settings` alone (no `_data/`, no includes).
pub fn import_file(file: SourceFile<'_>, settings: &ImportSettings) -> Outcome {
    import_file_with(file, settings, None)
}

/// The Liquid site of `settings` alone, for callers that have no `_config.yml` text, data or
/// includes.
pub fn plain_liquid_site(settings: &ImportSettings) -> LiquidSite {
    LiquidSite::new(
        &SiteInputs {
            url: &settings.url,
            baseurl: &settings.baseurl,
            title: &settings.title,
            markdown: settings.markdown.clone(),
            zone: settings.zone,
            ..SiteInputs::default()
        },
        std::sync::Arc::new(liquid::MemoryIncludes::default()),
    )
    .0
}

/// Imports one file; `liquid` is the site's Liquid environment (made from `settings` when
/// `None` and the body has Liquid).
pub fn import_file_with(
    file: SourceFile<'_>,
    settings: &ImportSettings,
    liquid: Option<&LiquidSite>,
) -> Outcome {
    let reject = |reason: String| {
        Outcome::Rejected(Rejection {
            path: file.path.to_string(),
            reason,
        })
    };
    let (text, utf16) = match decode_text(file.bytes) {
        Ok(decoded) => decoded,
        Err(reason) => return reject(reason),
    };
    let split = match front_matter::split(&text) {
        Some(split) => split,
        None if text.lines().next().map(str::trim_end) == Some("---") => {
            return reject(
                "front matter never closed: no `---` (or `...`) line after the opening `---`"
                    .into(),
            )
        }
        // Jekyll 4.3 publishes a post file without front matter too, dated and titled by
        // its name (checked with Debian's Jekyll); a file whose name has no date is no post.
        None if post_date::date_from_file_name(post_id(file.path)).is_some() => {
            front_matter::SplitFile {
                yaml: "",
                yaml_first_line: 1,
                body: &text,
                body_first_line: 1,
            }
        }
        None => {
            return reject(
                "no front matter and no date in the file name: a Jekyll post starts with a \
                 `---` line and a closing `---`, or is named YYYY-MM-DD-title"
                    .into(),
            )
        }
    };
    let mut warnings = Vec::new();
    let mut warn = |line: Option<usize>, message: String| {
        warnings.push(Warning {
            path: file.path.to_string(),
            line,
            message,
        })
    };
    if utf16 {
        warn(
            None,
            "UTF-16 text (it starts with a UTF-16 byte order mark): read as such; Jekyll reads \
             UTF-8, so save it as UTF-8 for Jekyll"
                .into(),
        );
    }

    let defaults = if settings.defaults.is_empty() {
        Vec::new()
    } else {
        settings.defaults_of(file.path)
    };
    let (mut front, fallback) = if defaults.is_empty() {
        front_matter::parse(split.yaml)
    } else {
        front_matter::parse_with_defaults(split.yaml, &defaults)
    };
    if let Some(fallback) = fallback {
        warn(
            fallback.line.map(|l| split.yaml_first_line + l - 1),
            format!(
                "front matter is not valid YAML ({}); read it line by line instead",
                fallback.yaml_error
            ),
        );
    }
    let from_folders = settings.folder_categories(file.path);
    if !from_folders.is_empty() {
        let mut categories: Vec<String> = from_folders.into_iter().map(String::from).collect();
        for category in std::mem::take(&mut front.categories) {
            if !categories.contains(&category) {
                categories.push(category);
            }
        }
        front.categories = categories;
    }
    // `published: "false"` is text to Jekyll's YAML reader, and text is true.
    if !front.published && is_quoted(split.yaml, "published") {
        front.published = true;
    }
    if !front.published {
        return Outcome::Unpublished {
            path: file.path.to_string(),
        };
    }
    let id = post_id(file.path).to_string();
    let date_key = line_of_key(split.yaml, "date");
    let date_line = date_key.map(|l| split.yaml_first_line + l);
    // A plain (unquoted) `date:` is a YAML timestamp to Jekyll's reader: see
    // `post_date::parse_front_matter_date_as_yaml`.
    let plain_date = date_key.is_some_and(|line| !quoted_at(split.yaml, line));
    let date = read_date(&front.date, plain_date, &id, settings, |message| {
        warn(date_line, message)
    });

    let plain_site;
    let liquid_site = match liquid {
        Some(site) => site,
        None => {
            if memchr::memmem::find(split.body.as_bytes(), b"{{").is_some()
                || memchr::memmem::find(split.body.as_bytes(), b"{%").is_some()
            {
                plain_site = plain_liquid_site(settings);
                &plain_site
            } else {
                LiquidSite::empty()
            }
        }
    };
    let resolved = liquid::render(
        split.body,
        &PageInputs {
            id: &id,
            path: file.path,
            relative_path: settings.relative_path(file.path),
            front_matter_yaml: split.yaml,
            defaults: &defaults,
            title: front.title.as_deref(),
            date,
            categories: &front.categories,
            tags: &front.tags,
        },
        liquid_site,
    );
    for (line, message) in &resolved.warnings {
        warn(Some(split.body_first_line + line), message.clone());
    }
    // Jekyll converts Markdown posts; an `.html` post's body is HTML as it is.
    let is_markdown = !(file.path.ends_with(".html") || file.path.ends_with(".htm"));
    // kramdown's `{::options parse_block_html="true" /}` in the post turns the option on for
    // it (the extension itself is removed with the attribute lists).
    let post_options = markdown::post_options(split.body, &settings.markdown);
    let options = is_markdown.then_some(post_options.as_ref());
    let body = match options {
        Some(options) => markdown::try_render(&resolved.text, options),
        None => markdown::try_render_html_post(&resolved.text),
    };
    // Markup that would exhaust the memory or stall the build, or that the app would not
    // show: the post is rejected with the reason, not stored unviewable.
    let mut body = match body {
        Ok(body) => body,
        Err(reason) => return reject(reason),
    };
    let host = host_of(&settings.url).unwrap_or("");
    let origin = origin_of(&settings.url);
    let old_site = OldSite {
        host,
        baseurl: &settings.baseurl,
        origin: origin.as_deref(),
        permalink: &settings.permalink,
        posts: liquid.and_then(LiquidSite::post_ids),
        asked_posts: Default::default(),
    };
    if let Cow::Owned(html) = rewrite_site_links(&body.html, &old_site) {
        // The article text is the stored HTML's, as the app reads it: a link to the site's
        // own page is an in-app link now, which is navigation when it stands alone
        // (`article_text`). A root-relative link made absolute (to the original site) was
        // the site's own navigation too (`[返回首页](/)`): read as it was written.
        body.text = match old_site.origin {
            Some(_) => {
                let as_written = OldSite {
                    origin: None,
                    ..old_site.clone()
                };
                gazette_sanitize::article_text(&rewrite_site_links(&body.html, &as_written))
            }
            None => gazette_sanitize::article_text(&html),
        };
        body.html = html;
    }

    let separator = front
        .excerpt_separator
        .as_deref()
        .or(settings.excerpt_separator.as_deref())
        .unwrap_or("<!--more-->");
    // memmem: std's two-way search cost ~3,000 instructions a post for a separator that
    // most posts do not have.
    let excerpt_source = match &front.excerpt {
        Some(explicit) => match markdown::plain_text(explicit, options) {
            Ok(text) => Cow::Owned(text),
            Err(reason) => return reject(format!("its excerpt: {reason}")),
        },
        None => match memchr::memmem::find(resolved.text.as_bytes(), separator.as_bytes()) {
            Some(at) => match markdown::plain_text(&resolved.text[..at], options) {
                Ok(text) => Cow::Owned(text),
                Err(reason) => return reject(reason),
            },
            None => Cow::Borrowed(body.text.as_str()),
        },
    };
    let excerpt = collapsed_excerpt(&excerpt_source, EXCERPT_CHARS);

    let title = match front.title.as_deref().map(str::trim) {
        // A title of several lines (a YAML block) is shown on one, and searched so.
        Some(title) if title.contains(['\n', '\r', '\t']) => {
            gazette_archive::text::collapse_white_space(title)
        }
        Some(title) if !title.is_empty() => title.to_string(),
        given => match given.is_none().then(|| title_of_slug(&id)).flatten() {
            // Jekyll's own title for a post without one.
            Some(from_slug) => from_slug,
            None => {
                let fallback = match body.text.lines().next() {
                    Some(first) => truncate_at_units(first, TITLE_FALLBACK_CHARS),
                    None => id.clone(),
                };
                let what = if given.is_some() {
                    "empty title"
                } else {
                    "no title, and the file name's words are none"
                };
                warn(
                    line_of_key(split.yaml, "title").map(|l| split.yaml_first_line + l),
                    format!("{what}; shown as {fallback:?}"),
                );
                fallback
            }
        },
    };

    Outcome::Post(Box::new(ImportedPost {
        id,
        path: file.path.to_string(),
        date,
        categories: front.categories,
        tags: front.tags,
        permalink: front.permalink,
        content: Content::Held(HeldContent::new(PostContent {
            title,
            html: body.html,
            text: body.text,
            excerpt,
            source: body.source,
        })),
        warnings,
        wants_site_posts: resolved.wants_site_posts,
        links_to_posts: old_site.asked_posts.get(),
    }))
}

/// The title Jekyll gives a post without `title:` (`Utils.titleize_slug`): the file name's
/// slug, trailing dots removed, each `-`-separated word capitalized (`multi-word-slug` →
/// `Multi Word Slug`). `None` when the slug has no letter (finews' numbered posts: the
/// number says nothing, and the text's first line is shown instead).
fn title_of_slug(id: &str) -> Option<String> {
    let slug = post_date::file_name_date_and_slug(id).map_or(id, |(_, slug)| slug);
    let slug = slug.trim_end_matches('.');
    if !slug.chars().any(char::is_alphabetic) {
        return None;
    }
    let words: Vec<String> = slug
        .split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first
                    .to_uppercase()
                    .chain(chars.flat_map(char::to_lowercase))
                    .collect()
            })
        })
        .collect();
    Some(words.join(" "))
}

/// The front matter (YAML, as written) of a post file's bytes; empty when it has none.
pub fn front_matter_yaml(bytes: &[u8]) -> String {
    decode_text(bytes)
        .ok()
        .and_then(|(text, _)| front_matter::split(&text).map(|split| split.yaml.to_string()))
        .unwrap_or_default()
}

/// Bytes to text: not empty, not binary, UTF-8 once a BOM is removed (or UTF-16 with its
/// BOM: then `true`), LF line endings.
fn decode_text(bytes: &[u8]) -> Result<(Cow<'_, str>, bool), String> {
    let utf16 = match bytes {
        [0xFF, 0xFE, rest @ ..] => Some((rest, u16::from_le_bytes as fn([u8; 2]) -> u16)),
        [0xFE, 0xFF, rest @ ..] => Some((rest, u16::from_be_bytes as fn([u8; 2]) -> u16)),
        _ => None,
    };
    let text = match utf16 {
        Some((rest, unit)) => {
            let not_utf16 = "not UTF-16 text, though it starts with a UTF-16 byte order mark";
            if rest.len() % 2 != 0 {
                return Err(format!("{not_utf16}: an odd number of bytes"));
            }
            let units = rest.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
            let text: Result<String, _> = char::decode_utf16(units).collect();
            Cow::Owned(text.map_err(|e| {
                format!(
                    "{not_utf16}: an unpaired surrogate {:04X}",
                    e.unpaired_surrogate()
                )
            })?)
        }
        None => {
            let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            if bytes.contains(&0) {
                // UTF-16 without its byte order mark puts a NUL beside every ASCII letter.
                let ascii_beside_nul = bytes.len() >= 4 && (bytes[0] == 0) != (bytes[1] == 0);
                return Err(if ascii_beside_nul {
                    "UTF-16 text without a byte order mark (or binary): save it as UTF-8".into()
                } else {
                    "binary file (contains NUL bytes)".into()
                });
            }
            Cow::Borrowed(simdutf8::compat::from_utf8(bytes).map_err(|e| {
                format!("not UTF-8 text: invalid byte at offset {}", e.valid_up_to())
            })?)
        }
    };
    if text.chars().all(|c| c.is_ascii_whitespace()) {
        return Err("empty file".into());
    }
    let text = if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        text
    };
    Ok((text, utf16.is_some()))
}

/// The date from front matter, else from the file name; `None` (with a warning) when neither
/// has one.
fn read_date(
    raw: &Option<String>,
    plain: bool,
    id: &str,
    settings: &ImportSettings,
    mut warn: impl FnMut(String),
) -> Option<DateTime<FixedOffset>> {
    let from_file_name = || {
        post_date::date_from_file_name(id)
            .map(|day| settings.zone.localize(day.and_time(NaiveTime::MIN)))
    };
    let from_front_matter = match raw
        .as_deref()
        .map(|r| post_date::parse_front_matter_date_as_yaml(r, &settings.zone, plain))
    {
        Some(Ok(date)) => date,
        Some(Err(bad)) => {
            warn(format!("{bad}; using the file name's date if it has one"));
            None
        }
        None => None,
    };
    let date = from_front_matter.or_else(from_file_name);
    if date.is_none() {
        warn("no usable date in the front matter or the file name: kept as undated".into());
    }
    date
}

/// Whether the value of the top-level `key:` in YAML text is quoted (text, whatever it says).
fn is_quoted(yaml: &str, key: &str) -> bool {
    line_of_key(yaml, key).is_some_and(|line| quoted_at(yaml, line))
}

/// Whether the `key: value` on 0-based line `line` of YAML text has its value quoted.
fn quoted_at(yaml: &str, line: usize) -> bool {
    yaml.lines()
        .nth(line)
        .and_then(|text| text.split_once(':'))
        .is_some_and(|(_, value)| value.trim_start().starts_with(['"', '\'']))
}

/// 0-based line of `key:` in YAML text.
fn line_of_key(yaml: &str, key: &str) -> Option<usize> {
    yaml.lines().position(|line| {
        line.strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with(':'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn import(path: &str, text: &str) -> Outcome {
        import_file(
            SourceFile {
                path,
                bytes: text.as_bytes(),
            },
            &ImportSettings::default(),
        )
    }

    #[test]
    fn a_title_of_several_lines_is_one_line() {
        let file = SourceFile {
            path: "_posts/2024-01-02-x.md",
            bytes: "---\ntitle: |\n  美联储今日宣布\n  加息\n---\nx\n".as_bytes(),
        };
        let Outcome::Post(post) = import_file(file, &ImportSettings::default()) else {
            panic!("a post");
        };
        let Content::Held(content) = &post.content else {
            panic!("held");
        };
        assert_eq!(content.content().title, "美联储今日宣布加息");
    }

    #[test]
    fn the_sites_own_navigation_stays_out_of_the_text_when_made_absolute() {
        let settings = ImportSettings {
            url: "https://news.example.org".into(),
            ..ImportSettings::default()
        };
        let file = SourceFile {
            path: "_posts/2024-01-02-x.md",
            bytes: "---\ntitle: X\n---\nRates rose.\n\n[返回首页](/)\n".as_bytes(),
        };
        let Outcome::Post(post) = import_file(file, &settings) else {
            panic!("a post");
        };
        let Content::Held(content) = &post.content else {
            panic!("held");
        };
        let content = content.content();
        assert!(
            content.html.contains("https://news.example.org/"),
            "{}",
            content.html
        );
        assert!(!content.text.contains("返回首页"), "{}", content.text);
        assert!(content.text.contains("Rates rose."), "{}", content.text);
    }

    #[test]
    fn page_paths_are_relative_to_the_folder_a_post_was_found_in() {
        let settings = ImportSettings {
            site_folder: Some("/home/me/site/".into()),
            source_folders: vec![
                "/home/me/site/".into(),
                "/home/me/old_post/".into(),
                "/home/me/old_post/more/".into(),
            ],
            ..ImportSettings::default()
        };
        let path = |file: &str| settings.relative_path(file).to_string();
        assert_eq!(
            path("/home/me/site/_posts/2020-01-08-x.md"),
            "_posts/2020-01-08-x.md"
        );
        assert_eq!(path("/home/me/site/news/_posts/x.md"), "news/_posts/x.md");
        assert_eq!(path("/home/me/old_post/2022/x.md"), "2022/x.md");
        assert_eq!(path("/home/me/old_post/more/x.md"), "x.md");
        assert_eq!(path("/elsewhere/y.md"), "y.md");
        // A folder spelled without its last slash, and one that merely starts the same.
        let loose = ImportSettings {
            source_folders: vec!["posts".into()],
            ..ImportSettings::default()
        };
        assert_eq!(loose.relative_path("posts/a/b.md"), "a/b.md");
        assert_eq!(loose.relative_path("postscript/b.md"), "b.md");
    }

    fn post(path: &str, text: &str) -> ImportedPost {
        match import(path, text) {
            Outcome::Post(post) => *post,
            other => panic!("expected a post, got {other:?}"),
        }
    }

    #[test]
    fn ids_come_from_file_names() {
        assert_eq!(post_id("a/_posts/2022-02-24-x.md"), "2022-02-24-x");
        assert_eq!(
            post_id("old_post/-202205262391921712.md"),
            "-202205262391921712"
        );
    }

    #[test]
    fn date_falls_back_to_the_file_name() {
        let p = post("2021-12-08-x.md", "---\ntitle: a\n---\nbody");
        assert_eq!(
            p.date.map(|d| post_date::to_rfc3339(&d)).as_deref(),
            Some("2021-12-08T00:00:00+00:00")
        );
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    }

    #[test]
    fn no_date_anywhere_is_undated_with_a_warning() {
        let p = post("-1.md", "---\ntitle: a\ndate:  +0800\n---\nbody");
        assert_eq!(p.date, None);
        assert_eq!(p.warnings.len(), 1);
        assert_eq!(p.warnings[0].line, Some(3));
    }

    #[test]
    fn utf16_with_its_byte_order_mark_is_read_with_a_warning() {
        let text = "---\r\ntitle: 标题 \u{1F600}\r\ndate: 2022-05-26\r\n---\r\n正文\r\n";
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        for bytes in [le.clone(), be] {
            let settings = ImportSettings::default();
            let Outcome::Post(p) = import_file(
                SourceFile {
                    path: "_posts/2022-05-26-a.md",
                    bytes: &bytes,
                },
                &settings,
            ) else {
                panic!("a post");
            };
            assert_eq!(p.content.held().unwrap().title, "标题 \u{1F600}");
            assert_eq!(p.content.held().unwrap().text, "正文");
            assert!(
                p.warnings[0].message.starts_with("UTF-16 text"),
                "{:?}",
                p.warnings
            );
        }
        let reason = |bytes: &[u8]| match import_file(
            SourceFile {
                path: "_posts/2022-05-26-a.md",
                bytes,
            },
            &ImportSettings::default(),
        ) {
            Outcome::Rejected(r) => r.reason,
            other => panic!("rejected, not {other:?}"),
        };
        assert!(reason(&le[..le.len() - 1]).contains("odd number of bytes"));
        assert!(reason(&[0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00]).contains("unpaired surrogate D800"));
        // Without its mark: named, not read.
        assert!(reason(&le[2..]).starts_with("UTF-16 text without a byte order mark"));
        assert!(reason(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").starts_with("binary file"));
        assert_eq!(reason(&[0xFF, 0xFE, b' ', 0]), "empty file");
    }

    #[test]
    fn empty_title_uses_the_start_of_the_text() {
        let p = post("-1.md", "---\ntitle: \"\"\ndate: 2022-05-26 10:00:00 +0800\n---\n> 据霍尼韦尔官网消息，5月24日，霍尼韦尔宣布为蔚来旗下ET7新能源汽车提供HFO-1234yf制冷剂。\n");
        assert_eq!(
            p.content.held().unwrap().title,
            "据霍尼韦尔官网消息，5月24日，霍尼韦尔宣布为蔚来旗下ET7新能源汽车提供…"
        );
        assert!(p.warnings[0].message.starts_with("empty title"));
    }

    /// As Jekyll 4.3 (checked with Debian's Jekyll): a post without `title:` is titled by its
    /// file name's words; one without front matter is published, titled and dated by its name;
    /// a month and day of one digit are read.
    #[test]
    fn a_post_without_a_title_or_front_matter_is_named_by_its_file() {
        let p = post(
            "_posts/2021-04-21-multi-word-SLUG..md",
            "---\ndate: 2021-04-21\n---\nText.\n",
        );
        assert_eq!(p.content.held().unwrap().title, "Multi Word Slug");
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        let p = post("_posts/2020-1-8-quick-note.md", "Just a *quick* note.\n");
        let content = p.content.held().unwrap();
        assert_eq!(content.title, "Quick Note");
        assert_eq!(content.html, "<p>Just a <em>quick</em> note.</p>\n");
        assert_eq!(p.date.unwrap().to_rfc3339(), "2020-01-08T00:00:00+00:00");
        // A numbered file (finews): no words to title it by, so the text's first line.
        let p = post(
            "2022-05-26-202205262391921712.md",
            "---\ndate: 2022-05-26\n---\n据报道。\n",
        );
        assert_eq!(p.content.held().unwrap().title, "据报道。");
        assert!(
            p.warnings[0].message.starts_with("no title"),
            "{:?}",
            p.warnings
        );
    }

    #[test]
    fn unpublished_posts_are_left_out() {
        assert_eq!(
            import("x.md", "---\npublished: false\n---\nx"),
            Outcome::Unpublished {
                path: "x.md".into()
            }
        );
        // As Jekyll's YAML reader: `no` and `off` are false; `n` and quoted text are text,
        // and text is true.
        for (value, published) in [
            ("no", false),
            ("Off", false),
            ("n", true),
            ("\"false\"", true),
            ("'no'", true),
        ] {
            let outcome = import("x.md", &format!("---\npublished: {value}\n---\nx"));
            assert_eq!(
                matches!(outcome, Outcome::Post(_)),
                published,
                "published: {value}"
            );
        }
    }

    #[test]
    fn non_posts_are_rejected_with_reasons() {
        let reason = |text: &[u8]| match import_file(
            SourceFile {
                path: "f",
                bytes: text,
            },
            &ImportSettings::default(),
        ) {
            Outcome::Rejected(r) => r.reason,
            other => panic!("{other:?}"),
        };
        assert_eq!(reason(b""), "empty file");
        assert_eq!(reason(b"\xEF\xBB\xBF \n"), "empty file");
        assert!(reason(b"\x89PNG\r\n\x00\x00").starts_with("binary"));
        assert!(reason(b"---\ntitle: \xff\n---\n").starts_with("not UTF-8"));
        assert!(reason(b"just text").starts_with("no front matter"));
        assert!(reason(b"---\ntitle: never closed\n").starts_with("front matter never closed"));
    }

    #[test]
    fn bom_and_crlf_are_accepted() {
        let p = post(
            "2020-01-01-a.md",
            "\u{feff}---\r\ntitle: 标题\r\ncategories: [a, b]\r\n---\r\n正文\r\n",
        );
        assert_eq!(p.content.held().unwrap().title, "标题");
        assert_eq!(p.categories, ["a", "b"]);
        assert_eq!(p.content.held().unwrap().html, "<p>正文</p>\n");
    }

    #[test]
    fn more_marker_sets_the_excerpt() {
        let p = post(
            "2020-01-01-a.md",
            "---\ntitle: t\n---\n第一段\n\n<!--more-->\n\n第二段\n",
        );
        assert_eq!(p.content.held().unwrap().excerpt, "第一段");
        let q = post(
            "2020-01-01-b.md",
            "---\ntitle: t\nexcerpt_separator: <!--cut-->\n---\n甲\n<!--cut-->\n乙\n",
        );
        assert_eq!(q.content.held().unwrap().excerpt, "甲");
    }

    #[test]
    fn broken_yaml_warns_with_the_file_line() {
        let p = post(
            "2022-03-01-q.md",
            "---\nlayout: post\ntitle: \"他说\"不\"\"\ncategories: emnews\n---\n正文",
        );
        assert_eq!(p.content.held().unwrap().title, "他说\"不\"");
        assert_eq!(p.warnings[0].line, Some(3));
        assert!(
            p.warnings[0].message.contains("not valid YAML"),
            "{}",
            p.warnings[0].message
        );
    }
}
