//! The archive's data model: what a post, a category and a tag are once imported. These types
//! are serialized into the archive files (see `docs/archive-format.md`) and read back by the
//! app, so every field change is a format change.

use serde::{Deserialize, Serialize};

/// What the site says about itself (`_config.yml`), kept so the app can title pages, show
/// times in the site's zone and map old URLs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteInfo {
    /// `title` from `_config.yml`, or empty.
    #[serde(default)]
    pub title: String,
    /// `url` (scheme + host), e.g. `https://finews.withounder.com`, or empty.
    #[serde(default)]
    pub url: String,
    /// `baseurl`, e.g. `/blog`, or empty.
    #[serde(default)]
    pub baseurl: String,
    /// `description` from `_config.yml`, or empty: shown under the title and in the feeds.
    #[serde(default)]
    pub description: String,
    /// The archive's language, e.g. `zh-CN`: `lang` from `_config.yml` or `gazette build
    /// --lang`, else guessed from the posts (`zh`, `ja`, `ko` or `en`, see
    /// [`crate::i18n::guess_language`]). The app's interface speaks it when it has a
    /// catalogue for it, else English.
    #[serde(default)]
    pub lang: String,
    /// The zone used for dates written without an offset (IANA name or `+08:00`).
    #[serde(default)]
    pub timezone: String,
    /// The site's `permalink` setting (a style name or a pattern), or empty for Jekyll's default.
    #[serde(default)]
    pub permalink: String,
}

/// One post as listed: everything the home, category, tag, date and search views need,
/// without the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostSummary {
    /// Stable id: the file name without its extension (`2022-02-24-202202242288124890`).
    pub id: String,
    pub title: String,
    /// RFC 3339 with the post's own offset (`2022-02-24T17:03:45+08:00`); absent when undated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Indexes into the manifest's `categories`.
    #[serde(default)]
    pub categories: Vec<u32>,
    /// Indexes into the manifest's `tags`.
    #[serde(default)]
    pub tags: Vec<u32>,
    /// Plain text, at most [`crate::text::EXCERPT_CHARS`] characters.
    #[serde(default)]
    pub excerpt: String,
    /// The original article's URL (the post's first bare autolink).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The front matter's `permalink`, when it had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permalink: Option<String>,
    /// Which body chunk (`bodies/NNNN.json`) holds this post's HTML.
    pub chunk: u32,
}

/// A category (one news source in finews).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryInfo {
    /// As written in front matter (`nanfangPlus`).
    pub id: String,
    /// Display name: the one tag all its posts share (`南方Plus新闻`), else the id.
    pub name: String,
    /// Number of posts.
    pub count: u32,
    /// Date of its newest post, for sorting sources by activity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest: Option<String>,
}

/// A tag and how many posts carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagInfo {
    pub name: String,
    pub count: u32,
}
