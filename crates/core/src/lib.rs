//! Gazette's pure core: everything between "a folder of Jekyll posts" and "the archive the
//! browser app reads", with no I/O and no web dependencies.
//!
//! The data flows one way: source files (bytes + path, read by the CLI) → [`import`] (front
//! matter, date, Liquid, Markdown, sanitize) → [`build`] (merge, sort, categories, report) →
//! [`archive`] (the versioned JSON files) → the app, which decodes them with the same types
//! and uses [`route`], [`filter`] and [`sanitize_policy`] without the `import` feature.

pub mod archive;
pub mod dates;
pub mod feed;
pub mod filter;
pub mod i18n;
pub mod model;
pub mod query;
pub mod report;
pub mod route;
pub mod sanitize_policy;
pub mod search;
pub mod text;

#[cfg(feature = "import")]
pub mod build;
#[cfg(feature = "import")]
pub mod front_matter;
#[cfg(feature = "import")]
#[doc(hidden)]
pub mod fuzz_checks;
#[cfg(feature = "import")]
pub mod generate;
#[cfg(feature = "import")]
pub mod gzip_literals;
#[cfg(feature = "import")]
pub mod import;
#[cfg(feature = "import")]
pub mod kramdown;
#[cfg(feature = "import")]
pub mod links;
#[cfg(feature = "import")]
pub mod liquid;
#[cfg(feature = "import")]
pub mod markdown;
#[cfg(feature = "import")]
mod plain_html;
#[cfg(feature = "import")]
pub mod post_date;
#[cfg(test)]
mod random_pieces;
#[cfg(feature = "sanitize")]
mod raw_html;
#[cfg(feature = "sanitize")]
pub mod sanitize;
#[cfg(feature = "import")]
pub mod search_index;
#[cfg(feature = "import")]
pub mod site_config;
#[cfg(feature = "import")]
pub mod typography;
#[cfg(feature = "import")]
mod yaml;
