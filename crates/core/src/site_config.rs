//! The parts of a Jekyll `_config.yml` that shape the archive.

use thiserror::Error;

use crate::model::SiteInfo;
use crate::yaml::{self, Field};

/// `_config.yml` that is not YAML.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("_config.yml line {line}: {message}")]
pub struct ConfigError {
    pub line: usize,
    pub message: String,
}

/// What Gazette reads from `_config.yml`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteConfig {
    pub site: SiteInfo,
    /// The site-wide `excerpt_separator`, if set.
    pub excerpt_separator: Option<String>,
}

/// Reads `_config.yml` text.
pub fn parse(text: &str) -> Result<SiteConfig, ConfigError> {
    let fields = yaml::parse_mapping(text).map_err(|e| ConfigError {
        line: e.line.unwrap_or(1),
        message: e.message,
    })?;
    let text_of = |key: &str| match fields.get(key) {
        Some(Field::Text(value)) => value.trim().to_string(),
        _ => String::new(),
    };
    let excerpt_separator = match fields.get("excerpt_separator") {
        Some(Field::Text(value)) => Some(value.clone()),
        _ => None,
    };
    Ok(SiteConfig {
        site: SiteInfo {
            title: text_of("title"),
            url: text_of("url").trim_end_matches('/').to_string(),
            baseurl: text_of("baseurl").trim_end_matches('/').to_string(),
            lang: text_of("lang"),
            timezone: text_of("timezone"),
            permalink: text_of("permalink"),
        },
        excerpt_separator,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finews_config_is_read() {
        let config = parse("theme: jekyll-theme-minimal\nlang: zh-CN\ntitle: 金融消息\nurl: https://finews.withounder.com\ntimezone: Asia/Shanghai\nplugins:\n  - jekyll-feed\n").unwrap();
        assert_eq!(config.site.title, "金融消息");
        assert_eq!(config.site.url, "https://finews.withounder.com");
        assert_eq!(config.site.timezone, "Asia/Shanghai");
        assert_eq!(config.site.lang, "zh-CN");
        assert_eq!(config.site.baseurl, "");
    }

    #[test]
    fn broken_config_names_the_line() {
        let error = parse("title: a\nurl: [\n").unwrap_err();
        assert!(error.line >= 2, "{error}");
    }
}
