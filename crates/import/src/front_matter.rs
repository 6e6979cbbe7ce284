//! Splitting a Jekyll file into front matter and body, and reading the front matter with
//! Jekyll's semantics. YAML that does not parse (finews' generator writes titles between
//! double quotes without escaping them) falls back to a line-based `key: value` reading, so
//! the post is kept and a warning says what went wrong and where.

use std::collections::BTreeMap;

use crate::yaml::{self, Field};

/// A file cut in two at its front matter fences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitFile<'a> {
    /// The YAML between the fences.
    pub yaml: &'a str,
    /// 1-based line number of the first YAML line in the file.
    pub yaml_first_line: usize,
    /// Everything after the closing fence.
    pub body: &'a str,
    /// 1-based line number of the first body line in the file.
    pub body_first_line: usize,
}

/// Splits `text` (BOM removed, LF line endings) at its `---` fences, as Jekyll does: the file
/// must start with a `---` line and the YAML ends at the next `---` or `...` line.
/// Returns `None` when the file has no front matter (Jekyll would copy it, not render it).
pub fn split(text: &str) -> Option<SplitFile<'_>> {
    let first_line_end = text.find('\n')?;
    if text[..first_line_end].trim_end() != "---" {
        return None;
    }
    let yaml_start = first_line_end + 1;
    let mut line_start = yaml_start;
    let mut line_number = 2;
    while line_start <= text.len() {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        let line = text[line_start..line_end].trim_end();
        if line == "---" || line == "..." {
            let body_start = (line_end + 1).min(text.len());
            return Some(SplitFile {
                yaml: &text[yaml_start..line_start],
                yaml_first_line: 2,
                body: &text[body_start..],
                body_first_line: line_number + 1,
            });
        }
        if line_end == text.len() {
            break;
        }
        line_start = line_end + 1;
        line_number += 1;
    }
    None
}

/// The front-matter fields Gazette reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrontMatter {
    pub title: Option<String>,
    /// The raw `date` value; [`crate::post_date`] interprets it.
    pub date: Option<String>,
    pub categories: Vec<String>,
    pub tags: Vec<String>,
    pub permalink: Option<String>,
    /// `false` for `published: false` (and `no`, `off`), unquoted.
    pub published: bool,
    pub excerpt_separator: Option<String>,
    pub excerpt: Option<String>,
}

/// A front matter that YAML could not parse, read line by line instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FallbackWarning {
    /// 1-based line in the YAML text, when YAML said.
    pub line: Option<usize>,
    pub yaml_error: String,
}

/// Reads front matter. Never fails: broken YAML gives the line-based reading plus a warning.
pub fn parse(yaml_text: &str) -> (FrontMatter, Option<FallbackWarning>) {
    parse_with_defaults(yaml_text, &[])
}

/// Front matter a site gives the posts of a folder (a `defaults:` entry of `_config.yml`
/// whose scope takes posts): the values of the keys a post does not set itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Defaults {
    fields: BTreeMap<String, Field>,
    /// The mapping as read, for Liquid's `page` (which sees every key, as Jekyll's does).
    yaml: serde_yaml::Value,
}

impl Defaults {
    /// The `values:` mapping of a `defaults:` entry, as YAML text.
    pub fn from_yaml(text: &str) -> Option<Defaults> {
        let fields = yaml::parse_mapping(text).ok()?;
        Some(Defaults {
            fields,
            yaml: yaml::value(text).unwrap_or_default(),
        })
    }

    /// The mapping as read (parsed once, when `_config.yml` is read).
    pub fn yaml(&self) -> &serde_yaml::Value {
        &self.yaml
    }
}

/// Reads front matter as [`parse`] does, with `defaults` (the most specific first, as Jekyll
/// applies them) filling the keys it does not set. `category` and `categories` are one key
/// here, and so are `tag` and `tags`: a post that sets either keeps its own.
pub fn parse_with_defaults(
    yaml_text: &str,
    defaults: &[&Defaults],
) -> (FrontMatter, Option<FallbackWarning>) {
    let (mut fields, fallback) = match yaml::parse_mapping(yaml_text) {
        Ok(fields) => (fields, None),
        Err(error) => (
            yaml::parse_lines(yaml_text),
            Some(FallbackWarning {
                line: error.line,
                yaml_error: error.message,
            }),
        ),
    };
    let group = |key: &str| -> &'static [&'static str] {
        match key {
            "category" | "categories" => &["category", "categories"],
            "tag" | "tags" => &["tag", "tags"],
            _ => &[],
        }
    };
    for default in defaults {
        let filled: Vec<(String, Field)> = default
            .fields
            .iter()
            .filter(|(key, _)| {
                !fields.contains_key(key.as_str())
                    && !group(key).iter().any(|other| fields.contains_key(*other))
            })
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        fields.extend(filled);
    }
    (from_fields(&fields), fallback)
}

fn from_fields(fields: &BTreeMap<String, Field>) -> FrontMatter {
    let text = |key: &str| match fields.get(key) {
        Some(Field::Text(value)) => Some(value.clone()),
        Some(Field::List(items)) => Some(items.join(" ")),
        _ => None,
    };
    // Jekyll (`Document#populate_categories`, `#populate_tags` and
    // `Utils.pluralized_array_from_hash`): a plural key's text is split at white space, a
    // singular key's is one name; categories are the plural's then the singular's, tags the
    // singular's when it is given (not null), else the plural's.
    let names = |key: &str, split: bool| -> Option<Vec<String>> {
        match fields.get(key)? {
            Field::Text(value) if split => {
                Some(value.split_whitespace().map(String::from).collect())
            }
            Field::Text(value) => Some(vec![value.trim().to_string()]),
            Field::List(items) => Some(items.iter().map(|item| item.trim().to_string()).collect()),
            _ => None,
        }
    };
    let cleaned = |names: Vec<String>| {
        dedup_keep_order(names.into_iter().filter(|name| !name.is_empty()).collect())
    };
    let categories = cleaned(
        [names("categories", true), names("category", false)]
            .into_iter()
            .flatten()
            .flatten()
            .collect(),
    );
    let tags = cleaned(
        names("tag", false)
            .or_else(|| names("tags", true))
            .unwrap_or_default(),
    );
    FrontMatter {
        title: text("title"),
        date: text("date"),
        categories,
        tags,
        permalink: text("permalink").filter(|p| !p.trim().is_empty()),
        published: !text("published").is_some_and(|value| is_yaml11_false(&value)),
        excerpt_separator: text("excerpt_separator"),
        excerpt: text("excerpt"),
    }
}

/// Jekyll's YAML reader (Ruby's Psych) reads `false`, `no` and `off` as false (not `n`,
/// which is text to it, and text is true).
fn is_yaml11_false(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "false" | "no" | "off"
    )
}

fn dedup_keep_order(items: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    items
        .into_iter()
        .filter(|item| seen.insert(item.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_finds_yaml_and_body_lines() {
        let split = split("---\ntitle: a\n---\nbody\n").unwrap();
        assert_eq!(split.yaml, "title: a\n");
        assert_eq!(split.body, "body\n");
        assert_eq!(split.body_first_line, 4);
    }

    #[test]
    fn split_accepts_dots_and_a_missing_final_newline() {
        let split = split("---\ntitle: a\n...").unwrap();
        assert_eq!(split.yaml, "title: a\n");
        assert_eq!(split.body, "");
    }

    #[test]
    fn no_opening_fence_is_not_a_post() {
        assert_eq!(split("title: a\n---\n"), None);
        assert_eq!(split("---\ntitle: never closed\n"), None);
    }

    #[test]
    fn space_separated_categories_are_two() {
        let (fm, warning) = parse("categories: 21shijijingjibaodao 21caijingAPP\n");
        assert_eq!(warning, None);
        assert_eq!(fm.categories, ["21shijijingjibaodao", "21caijingAPP"]);
    }

    #[test]
    fn list_categories_keep_their_spaces_and_singular_keys_add_up() {
        let (fm, _) = parse("categories: [\"a b\", c]\ncategory: d\ntag: 南方Plus新闻\n");
        assert_eq!(fm.categories, ["a b", "c", "d"]);
        assert_eq!(fm.tags, ["南方Plus新闻"]);
    }

    /// As Jekyll 4.3 reads them (checked with Debian's Jekyll): a singular key's text is one
    /// name; a given `tag` replaces `tags`, while `category` adds to `categories`.
    #[test]
    fn singular_keys_name_one_category_or_tag() {
        let (fm, _) = parse("category: Local News\ntag: climate change\n");
        assert_eq!(fm.categories, ["Local News"]);
        assert_eq!(fm.tags, ["climate change"]);
        let (fm, _) = parse("category: x y\ncategories: \"m n\"\ntag: solo\ntags: [a, b]\n");
        assert_eq!(fm.categories, ["m", "n", "x y"]);
        assert_eq!(fm.tags, ["solo"]);
        let (fm, _) = parse("category: [p, q]\ntags: \"t1 t2\"\ntag:\n");
        assert_eq!(fm.categories, ["p", "q"]);
        assert_eq!(fm.tags, ["t1", "t2"]);
    }

    #[test]
    fn unescaped_quotes_in_a_title_fall_back_to_line_reading() {
        let yaml = "layout: post\ntitle: \"美联储\"鹰派\"表态：加息\"\ndate: 2022-03-01 10:00:00 +0800\ncategories: emnews\n";
        let (fm, warning) = parse(yaml);
        let warning = warning.expect("broken YAML is reported");
        assert_eq!(warning.line, Some(2));
        assert_eq!(fm.title.as_deref(), Some("美联储\"鹰派\"表态：加息"));
        assert_eq!(fm.date.as_deref(), Some("2022-03-01 10:00:00 +0800"));
        assert_eq!(fm.categories, ["emnews"]);
    }

    #[test]
    fn fallback_reads_block_lists() {
        let (fm, warning) = parse("title: a: b: \"c\nx\ntags:\n  - one\n  - two\n");
        assert!(warning.is_some());
        assert_eq!(fm.tags, ["one", "two"]);
    }

    #[test]
    fn tab_indented_keys_are_read_by_the_fallback() {
        let (fm, warning) = parse("title: 制表符\n\tdate: 2022-03-03 08:00:00 +0800\n");
        assert!(warning.is_some());
        assert_eq!(fm.date.as_deref(), Some("2022-03-03 08:00:00 +0800"));
    }

    #[test]
    fn published_follows_yaml_1_1() {
        assert!(!parse("published: false\n").0.published);
        assert!(!parse("published: no\n").0.published);
        assert!(parse("published: true\n").0.published);
        assert!(parse("title: x\n").0.published);
    }

    #[test]
    fn dates_stay_raw_text() {
        let (fm, _) = parse("date:  +0800\n");
        assert_eq!(fm.date.as_deref(), Some("+0800"));
    }
}
