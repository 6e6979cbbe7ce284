//! The parts of a Jekyll `_config.yml` that shape the archive. A config never stops a build:
//! Jekyll builds sites whose config serde_yaml refuses (a key given twice, a tab), so what can
//! be read is read, and every quirk becomes a warning with its line.

use std::collections::BTreeMap;

use crate::front_matter::Defaults;
use crate::markdown::MarkdownOptions;
use crate::typography::Quotes;
use crate::yaml::{self, Field};
use gazette_archive::model::SiteInfo;

/// Something in `_config.yml` that was read differently from what it says, or not at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigWarning {
    /// 1-based line in `_config.yml`, when the problem has one.
    pub line: Option<usize>,
    pub message: String,
}

/// What Gazette reads from `_config.yml`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteConfig {
    pub site: SiteInfo,
    /// The site-wide `excerpt_separator`, if set.
    pub excerpt_separator: Option<String>,
    /// The `kramdown:` options that change what a post says.
    pub markdown: MarkdownOptions,
    /// `defaults:` entries whose scope takes posts: the scope's path (relative to the site,
    /// without surrounding slashes; empty for every post) and its values.
    pub defaults: Vec<(String, Defaults)>,
    /// `exclude:`: paths relative to the site (without surrounding slashes) whose files are
    /// not read.
    pub exclude: Vec<String>,
    /// `future: true`: posts dated after the build are published too (Jekyll's default: no).
    pub future: bool,
    /// What could not be read as written.
    pub warnings: Vec<ConfigWarning>,
}

/// Reads `_config.yml` text. Never fails: a key given twice keeps its last value (as in
/// Jekyll), merge keys (`<<: *base`) merge, a second YAML document is not read (as in
/// Jekyll), YAML that cannot be read at all is read line by line, and a known key of the wrong
/// type is ignored — each with a warning.
pub fn parse(text: &str) -> SiteConfig {
    let mut warnings = Vec::new();
    // Jekyll reads the first YAML document only.
    let (text, second) = yaml::first_document(text);
    if let Some(line) = second {
        warnings.push(ConfigWarning {
            line: Some(line),
            message: "a second YAML document starts here: not read, as Jekyll reads only the \
                      first"
                .into(),
        });
    }
    let (deduplicated, dropped) = yaml::drop_earlier_duplicate_keys(text);
    for (key, line, last) in dropped {
        warnings.push(ConfigWarning {
            line: Some(line),
            message: format!(
                "key {key:?} is given again on line {last}: the last one is used, as Jekyll does"
            ),
        });
    }
    let fields = match yaml::parse_mapping(&deduplicated) {
        Ok(fields) => fields,
        Err(error) => {
            warnings.push(ConfigWarning {
                line: error.line,
                message: format!(
                    "not valid YAML ({}); its top-level `key: value` lines were read one by one",
                    error.message
                ),
            });
            yaml::parse_lines(&deduplicated)
        }
    };
    let mut text_of = |key: &str| -> Option<String> {
        match fields.get(key) {
            Some(Field::Text(value)) => Some(value.clone()),
            None | Some(Field::Null) => None,
            Some(other) => {
                let kind = match other {
                    Field::List(_) => "a list",
                    _ => "a mapping",
                };
                warnings.push(ConfigWarning {
                    line: line_of_key(text, key),
                    message: format!("{key:?} is {kind}, not text: ignored"),
                });
                None
            }
        }
    };
    // Read in this order, so the warnings come in it too.
    let title = text_of("title");
    let description = text_of("description");
    let url = text_of("url");
    let baseurl = text_of("baseurl");
    let lang = text_of("lang");
    let timezone = text_of("timezone");
    let permalink = text_of("permalink");
    let excerpt_separator = text_of("excerpt_separator");
    let future = match text_of("future").as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            warnings.push(ConfigWarning {
                line: line_of_key(text, "future"),
                message: format!(
                    "future: {other:?} is neither true nor false: posts of the future are left \
                     out, as by default"
                ),
            });
            false
        }
    };
    let markdown = match fields.get("kramdown") {
        None | Some(Field::Null) => MarkdownOptions::default(),
        Some(Field::Mapping(options)) => kramdown_options(options, text, &mut warnings),
        Some(_) => {
            warnings.push(ConfigWarning {
                line: line_of_key(text, "kramdown"),
                message: "\"kramdown\" is not a mapping: ignored".into(),
            });
            MarkdownOptions::default()
        }
    };
    let exclude = match fields.get("exclude") {
        None | Some(Field::Null) => Vec::new(),
        Some(Field::List(items)) => items.clone(),
        Some(Field::Text(item)) => vec![item.clone()],
        Some(_) => {
            warnings.push(ConfigWarning {
                line: line_of_key(text, "exclude"),
                message: "\"exclude\" is not a list: ignored".into(),
            });
            Vec::new()
        }
    };
    let exclude = exclude
        .iter()
        .map(|path| path.trim().trim_matches('/').to_string())
        .filter(|path| !path.is_empty())
        .collect();
    let defaults = if fields.contains_key("defaults") {
        front_matter_defaults(&deduplicated, text, &mut warnings)
    } else {
        Vec::new()
    };
    let trimmed = |value: Option<String>| value.unwrap_or_default().trim().to_string();
    SiteConfig {
        site: SiteInfo {
            title: trimmed(title),
            description: trimmed(description),
            url: trimmed(url).trim_end_matches('/').to_string(),
            baseurl: trimmed(baseurl).trim_end_matches('/').to_string(),
            lang: trimmed(lang),
            timezone: trimmed(timezone),
            permalink: trimmed(permalink),
        },
        excerpt_separator,
        markdown,
        defaults,
        exclude,
        future,
        warnings,
    }
}

/// The `defaults:` entries that give posts front matter (`scope.type` absent or `posts`),
/// as Jekyll applies them: by the folder `scope.path` names (a glob is not followed: warned).
fn front_matter_defaults(
    yaml: &str,
    text: &str,
    warnings: &mut Vec<ConfigWarning>,
) -> Vec<(String, Defaults)> {
    let line = line_of_key(text, "defaults");
    let mut warn = |message: String| warnings.push(ConfigWarning { line, message });
    let list = match yaml::value(yaml) {
        Ok(config) => match config.get("defaults") {
            Some(serde_yaml::Value::Sequence(list)) => list.clone(),
            Some(serde_yaml::Value::Null) | None => return Vec::new(),
            Some(_) => {
                warn("\"defaults\" is not a list: ignored".into());
                return Vec::new();
            }
        },
        Err(_) => {
            warn("\"defaults\" cannot be read (the file is not valid YAML): ignored".into());
            return Vec::new();
        }
    };
    let mut defaults = Vec::new();
    for (at, entry) in list.iter().enumerate() {
        let scope = entry.get("scope");
        let text_in = |key: &str| scope.and_then(|s| s.get(key)).and_then(|v| v.as_str());
        if text_in("type").is_some_and(|kind| kind != "posts") {
            continue;
        }
        let path = text_in("path").unwrap_or("").trim().trim_matches('/');
        if path.contains('*') {
            warn(format!(
                "defaults entry {}: a scope path with `*` ({path:?}) is not followed: ignored",
                at + 1
            ));
            continue;
        }
        let values = entry
            .get("values")
            .filter(|values| values.is_mapping())
            .and_then(|values| serde_yaml::to_string(values).ok())
            .and_then(|values| Defaults::from_yaml(&values));
        match values {
            Some(values) => defaults.push((path.to_string(), values)),
            None => warn(format!(
                "defaults entry {} has no `values:` mapping: ignored",
                at + 1
            )),
        }
    }
    defaults
}

/// The `kramdown:` options Gazette follows: `auto_ids`, `auto_id_prefix`, `hard_wrap`,
/// `parse_block_html`, `smart_quotes`, and `input`
/// (GFM, Jekyll's default, is what Gazette renders). The others (`toc_levels`,
/// `syntax_highlighter`, …) change nothing a reader of the archive sees.
fn kramdown_options(
    options: &BTreeMap<String, Field>,
    text: &str,
    warnings: &mut Vec<ConfigWarning>,
) -> MarkdownOptions {
    let mut markdown = MarkdownOptions::default();
    let mut warn = |key: &str, message: String| {
        warnings.push(ConfigWarning {
            line: line_of_nested_key(text, "kramdown", key),
            message,
        })
    };
    for (key, setting) in [
        ("auto_ids", &mut markdown.auto_ids),
        ("hard_wrap", &mut markdown.hard_wrap),
        ("parse_block_html", &mut markdown.parse_block_html),
    ] {
        match options.get(key) {
            None | Some(Field::Null) => {}
            Some(Field::Text(value)) if value == "true" || value == "false" => {
                *setting = value == "true";
            }
            Some(_) => warn(
                key,
                format!("kramdown.{key} is neither true nor false: ignored"),
            ),
        }
    }
    match options.get("auto_id_prefix") {
        None | Some(Field::Null) => {}
        Some(Field::Text(prefix)) => markdown.auto_id_prefix = prefix.clone(),
        Some(_) => warn(
            "auto_id_prefix",
            "kramdown.auto_id_prefix is not text: ignored".to_string(),
        ),
    }
    let names = match options.get("smart_quotes") {
        Some(Field::Text(value)) => Some(value.split(',').map(str::to_string).collect()),
        Some(Field::List(items)) => Some(items.clone()),
        _ => None,
    };
    if let Some(names) = names {
        match Quotes::from_setting(&names) {
            Some(quotes) => markdown.quotes = quotes,
            None => warn(
                "smart_quotes",
                format!(
                    "kramdown.smart_quotes {:?} is not four known entity names or code points: the default quotes are used",
                    names.join(",")
                ),
            ),
        }
    }
    if let Some(Field::Text(input)) = options.get("input") {
        if !input.eq_ignore_ascii_case("gfm") {
            warn(
                "input",
                format!("kramdown.input {input:?}: Gazette renders kramdown's GFM input, Jekyll's default"),
            );
        }
    }
    markdown
}

/// The 1-based line of `key` inside the top-level mapping `parent` (the first indented line
/// after `parent:` that starts with it).
fn line_of_nested_key(text: &str, parent: &str, key: &str) -> Option<usize> {
    let start = line_of_key(text, parent)?;
    text.lines()
        .enumerate()
        .skip(start)
        .take_while(|(_, line)| line.is_empty() || line.starts_with([' ', '\t']))
        .find(|(_, line)| {
            line.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map(|(at, _)| at + 1)
}

/// The 1-based line where `key` starts a top-level entry (the last such line: the one Jekyll
/// keeps).
pub fn line_of_key(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            line.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map(|(at, _)| at + 1)
        .last()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finews_config_is_read() {
        let config = parse("theme: jekyll-theme-minimal\nlang: zh-CN\ntitle: 金融消息\nurl: https://finews.withounder.com\ntimezone: Asia/Shanghai\nplugins:\n  - jekyll-feed\n");
        assert_eq!(config.site.title, "金融消息");
        assert_eq!(config.site.url, "https://finews.withounder.com");
        assert_eq!(config.site.timezone, "Asia/Shanghai");
        assert_eq!(config.site.lang, "zh-CN");
        assert_eq!(config.site.baseurl, "");
        assert!(config.warnings.is_empty());
    }

    #[test]
    fn a_duplicate_key_keeps_its_last_value_with_a_warning() {
        let config =
            parse("gems:\n  - jekyll-feed\ntitle: Old\ngems:\n  - jekyll-seo-tag\ntitle: New\n");
        assert_eq!(config.site.title, "New");
        assert_eq!(
            config.warnings,
            vec![
                ConfigWarning {
                    line: Some(1),
                    message: "key \"gems\" is given again on line 4: the last one is used, as Jekyll does".into()
                },
                ConfigWarning {
                    line: Some(3),
                    message: "key \"title\" is given again on line 6: the last one is used, as Jekyll does".into()
                },
            ]
        );
    }

    #[test]
    fn merge_keys_merge_and_only_the_first_document_is_read_as_in_jekyll() {
        let config = parse(
            "base: &base\n  title: Merged\n  timezone: Asia/Shanghai\n<<: *base\ndescription: d\n\
             defaults:\n  - scope: {path: \"\"}\n    values: &v\n      layout: post\n  - scope: {path: news}\n    values:\n      <<: *v\n      category: news\n",
        );
        assert_eq!(config.site.title, "Merged");
        assert_eq!(config.site.timezone, "Asia/Shanghai");
        assert_eq!(config.site.description, "d");
        assert_eq!(config.defaults.len(), 2);
        assert!(config.warnings.is_empty(), "{:?}", config.warnings);

        let config = parse("---\ntitle: First\n# note\n---\ntitle: Second\nurl: x\n");
        assert_eq!(config.site.title, "First");
        assert_eq!(config.site.url, "");
        assert_eq!(config.warnings.len(), 1, "{:?}", config.warnings);
        assert_eq!(config.warnings[0].line, Some(4));
        let config = parse("title: First\n...\n\ntitle: Second\n");
        assert_eq!(config.site.title, "First");
        assert_eq!(config.warnings[0].line, Some(4));
        // `---` inside a value is not a document marker; a trailing `...` ends nothing more.
        let config = parse("title: a---b\ndescription: \"--- x\"\n...\n");
        assert_eq!(config.site.title, "a---b");
        assert_eq!(config.site.description, "--- x");
        assert!(config.warnings.is_empty(), "{:?}", config.warnings);
    }

    #[test]
    fn broken_yaml_is_read_line_by_line_and_names_the_line() {
        let config = parse("title: a\nurl: [\nbaseurl: /repo\n");
        assert_eq!(config.site.title, "a");
        assert_eq!(config.site.baseurl, "/repo");
        assert_eq!(config.warnings.len(), 1);
        assert!(
            config.warnings[0].line.is_some_and(|l| l >= 2),
            "{:?}",
            config.warnings
        );
        assert!(config.warnings[0].message.starts_with("not valid YAML"));
    }

    #[test]
    fn a_known_key_of_the_wrong_type_is_ignored_with_its_line() {
        let config = parse("url: https://x.org\ntitle:\n  - a\n  - b\nlang: {code: en}\n");
        assert_eq!(config.site.title, "");
        assert_eq!(config.site.lang, "");
        assert_eq!(config.site.url, "https://x.org");
        let lines: Vec<_> = config
            .warnings
            .iter()
            .map(|w| (w.line, w.message.as_str()))
            .collect();
        assert_eq!(
            lines,
            vec![
                (Some(2), "\"title\" is a list, not text: ignored"),
                (Some(5), "\"lang\" is a mapping, not text: ignored"),
            ]
        );
    }

    #[test]
    fn numbers_and_booleans_are_text_and_a_non_mapping_is_empty() {
        assert_eq!(parse("title: 2024\n").site.title, "2024");
        let config = parse("- a\n- b\n");
        assert_eq!(config.site, SiteInfo::default());
        assert_eq!(config.warnings.len(), 1);
    }

    #[test]
    fn kramdown_options_are_read_and_odd_ones_warned_about() {
        let config = parse(
            "title: t\nkramdown:\n  input: GFM\n  hard_wrap: true\n  smart_quotes: [\"apos\", \"apos\", \"quot\", \"quot\"]\n  auto_ids: true\n",
        );
        assert!(config.markdown.hard_wrap);
        assert!(!config.markdown.parse_block_html);
        assert_eq!(config.markdown.quotes.0, ["'", "'", "\"", "\""]);
        assert!(config.warnings.is_empty(), "{:?}", config.warnings);

        let config = parse(
            "kramdown:\n  hard_wrap: sometimes\n  smart_quotes: lsquo,rsquo\n  input: kramdown\n",
        );
        assert_eq!(config.markdown, MarkdownOptions::default());
        let lines: Vec<Option<usize>> = config.warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, [Some(2), Some(3), Some(4)], "{:?}", config.warnings);

        let config = parse("kramdown: GFM\n");
        assert_eq!(config.markdown, MarkdownOptions::default());
        assert_eq!(config.warnings.len(), 1);

        let config = parse("kramdown:\n  auto_ids: false\n  auto_id_prefix: h-\n");
        assert!(!config.markdown.auto_ids && MarkdownOptions::default().auto_ids);
        assert_eq!(config.markdown.auto_id_prefix, "h-");
        assert!(config.warnings.is_empty(), "{:?}", config.warnings);
    }
}
