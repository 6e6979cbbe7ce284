//! Which posts a list shows: a [`Filter`] (words, category, tag, date range) and a
//! [`SearchIndex`] that applies it to the post index. Text matching is a case-insensitive
//! substring test on title and excerpt, so Chinese needs no word splitting: `博罗` finds
//! `博罗县委人才工作会议`.

use crate::archive::Manifest;
use crate::model::PostSummary;

/// What the reader asked for. Every field is optional; the empty filter shows everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Filter {
    /// Words; all must match. `"quoted phrase"` keeps its spaces.
    pub text: String,
    /// A category id.
    pub category: Option<String>,
    /// A tag name.
    pub tag: Option<String>,
    /// First day included, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Last day included, `YYYY-MM-DD`.
    pub to: Option<String>,
}

impl Filter {
    /// True when the filter shows every post.
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }

    /// The search terms: whitespace-separated words, or `"quoted phrases"`, lower-cased.
    pub fn terms(&self) -> Vec<String> {
        let mut terms = Vec::new();
        for (i, part) in self.text.split('"').enumerate() {
            if i % 2 == 1 {
                let phrase = part.trim().to_lowercase();
                if !phrase.is_empty() {
                    terms.push(phrase);
                }
            } else {
                terms.extend(part.split_whitespace().map(str::to_lowercase));
            }
        }
        terms
    }
}

/// A [`Filter`] whose names were looked up in the manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedFilter {
    terms: Vec<String>,
    /// `Some(None)`: a category was asked for that the archive does not have.
    category: Option<Option<u32>>,
    tag: Option<Option<u32>>,
    from: Option<String>,
    to: Option<String>,
}

impl ResolvedFilter {
    /// Looks up the filter's category and tag in `manifest`.
    pub fn new(filter: &Filter, manifest: &Manifest) -> Self {
        ResolvedFilter {
            terms: filter.terms(),
            category: filter.category.as_ref().map(|id| {
                manifest
                    .categories
                    .iter()
                    .position(|c| &c.id == id)
                    .map(|i| i as u32)
            }),
            tag: filter.tag.as_ref().map(|name| {
                manifest
                    .tags
                    .iter()
                    .position(|t| &t.name == name)
                    .map(|i| i as u32)
            }),
            from: filter.from.clone(),
            to: filter.to.clone(),
        }
    }

    /// True when the filter names a category or tag the archive does not have.
    pub fn names_unknown(&self) -> bool {
        matches!(self.category, Some(None)) || matches!(self.tag, Some(None))
    }

    /// The search terms, lower-cased (for highlighting).
    pub fn terms(&self) -> &[String] {
        &self.terms
    }

    fn matches(&self, post: &PostSummary, haystack: &str) -> bool {
        if let Some(category) = self.category {
            match category {
                Some(c) if post.categories.contains(&c) => {}
                _ => return false,
            }
        }
        if let Some(tag) = self.tag {
            match tag {
                Some(t) if post.tags.contains(&t) => {}
                _ => return false,
            }
        }
        if self.from.is_some() || self.to.is_some() {
            let Some(day) = post.date.as_deref().and_then(|d| d.get(..10)) else {
                return false;
            };
            if self.from.as_deref().is_some_and(|from| day < from)
                || self.to.as_deref().is_some_and(|to| day > to)
            {
                return false;
            }
        }
        self.terms
            .iter()
            .all(|term| haystack.contains(term.as_str()))
    }
}

/// The post index prepared for filtering: each post's title and excerpt lower-cased once, so
/// a keystroke costs one substring scan per post and no allocation.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    haystacks: Vec<String>,
}

impl SearchIndex {
    /// Prepares `posts` (in index order).
    pub fn new(posts: &[PostSummary]) -> Self {
        SearchIndex {
            haystacks: posts
                .iter()
                .map(|p| format!("{}\n{}", p.title, p.excerpt).to_lowercase())
                .collect(),
        }
    }

    /// Positions (in index order, so newest first) of the posts `filter` keeps.
    pub fn filter(&self, posts: &[PostSummary], filter: &ResolvedFilter) -> Vec<usize> {
        posts
            .iter()
            .zip(&self.haystacks)
            .enumerate()
            .filter(|(_, (post, haystack))| filter.matches(post, haystack))
            .map(|(i, _)| i)
            .collect()
    }
}

/// Splits `text` into `(segment, is_match)` runs for highlighting the `terms` (lower-case).
pub fn highlight(text: &str, terms: &[String]) -> Vec<(String, bool)> {
    if terms.is_empty() {
        return vec![(text.to_string(), false)];
    }
    let lower: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    let chars: Vec<char> = text.chars().collect();
    // Lower-casing can change the length of a few characters; highlight only when it does not.
    if lower.len() != chars.len() {
        return vec![(text.to_string(), false)];
    }
    let mut marked = vec![false; chars.len()];
    for term in terms {
        let term: Vec<char> = term.chars().collect();
        if term.is_empty() || term.len() > lower.len() {
            continue;
        }
        for start in 0..=lower.len() - term.len() {
            if lower[start..start + term.len()] == term[..] {
                marked[start..start + term.len()]
                    .iter_mut()
                    .for_each(|m| *m = true);
            }
        }
    }
    let mut runs: Vec<(String, bool)> = Vec::new();
    for (c, is_match) in chars.into_iter().zip(marked) {
        match runs.last_mut() {
            Some((run, m)) if *m == is_match => run.push(c),
            _ => runs.push((c.to_string(), is_match)),
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::{HomeSection, SCHEMA_VERSION};
    use crate::model::{CategoryInfo, SiteInfo, TagInfo};

    fn manifest() -> Manifest {
        Manifest {
            schema_version: SCHEMA_VERSION,
            generator: "test".into(),
            site: SiteInfo::default(),
            post_count: 3,
            undated_count: 1,
            date_range: None,
            categories: vec![
                CategoryInfo {
                    id: "emnews".into(),
                    name: "东财滚动新闻".into(),
                    count: 2,
                    latest: None,
                },
                CategoryInfo {
                    id: "nanfangPlus".into(),
                    name: "南方Plus新闻".into(),
                    count: 1,
                    latest: None,
                },
            ],
            tags: vec![TagInfo {
                name: "东财滚动新闻".into(),
                count: 2,
            }],
            months: vec![],
            home: HomeSection::default(),
            chunk_count: 1,
        }
    }

    fn post(id: &str, title: &str, date: Option<&str>, category: u32) -> PostSummary {
        PostSummary {
            id: id.into(),
            title: title.into(),
            date: date.map(String::from),
            categories: vec![category],
            tags: if category == 0 { vec![0] } else { vec![] },
            excerpt: format!("{title}的正文 ET7"),
            source: None,
            permalink: None,
            chunk: 0,
        }
    }

    fn posts() -> Vec<PostSummary> {
        vec![
            post(
                "a",
                "博罗县委人才工作会议",
                Some("2022-02-24T17:03:45+08:00"),
                1,
            ),
            post(
                "b",
                "离岸人民币兑美元升至新高",
                Some("2021-12-08T10:46:18+08:00"),
                0,
            ),
            post("c", "人民币 汇率", None, 0),
        ]
    }

    fn run(filter: Filter) -> Vec<usize> {
        let posts = posts();
        SearchIndex::new(&posts).filter(&posts, &ResolvedFilter::new(&filter, &manifest()))
    }

    #[test]
    fn chinese_matches_without_word_splitting() {
        assert_eq!(
            run(Filter {
                text: "博罗".into(),
                ..Filter::default()
            }),
            [0]
        );
    }

    #[test]
    fn all_terms_must_match_and_case_is_ignored() {
        assert_eq!(
            run(Filter {
                text: "人民币 新高".into(),
                ..Filter::default()
            }),
            [1]
        );
        assert_eq!(
            run(Filter {
                text: "et7".into(),
                ..Filter::default()
            }),
            [0, 1, 2]
        );
    }

    #[test]
    fn quoted_phrases_keep_spaces() {
        assert_eq!(
            run(Filter {
                text: "\"人民币 汇率\"".into(),
                ..Filter::default()
            }),
            [2]
        );
    }

    #[test]
    fn category_tag_and_dates_combine() {
        assert_eq!(
            run(Filter {
                category: Some("emnews".into()),
                ..Filter::default()
            }),
            [1, 2]
        );
        assert_eq!(
            run(Filter {
                tag: Some("东财滚动新闻".into()),
                text: "升至".into(),
                ..Filter::default()
            }),
            [1]
        );
        assert_eq!(
            run(Filter {
                from: Some("2022-01-01".into()),
                to: Some("2022-12-31".into()),
                ..Filter::default()
            }),
            [0]
        );
    }

    #[test]
    fn unknown_names_match_nothing() {
        let filter = Filter {
            category: Some("nope".into()),
            ..Filter::default()
        };
        assert!(ResolvedFilter::new(&filter, &manifest()).names_unknown());
        assert_eq!(run(filter), Vec::<usize>::new());
    }

    #[test]
    fn highlight_marks_every_occurrence() {
        assert_eq!(
            highlight("人民币兑人民币", &["人民币".into()]),
            vec![
                ("人民币".to_string(), true),
                ("兑".to_string(), false),
                ("人民币".to_string(), true)
            ]
        );
    }
}
