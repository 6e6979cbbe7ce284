//! Gazette's builder: everything between "a folder of Jekyll posts" and the archive
//! `gazette-archive` defines, with no I/O (the CLI reads the files and writes the archive).
//!
//! The data flows one way: source files (bytes + path) → [`import`] (front matter, date,
//! Liquid, Markdown, sanitize with `gazette-sanitize`) → [`build`] (numbering, categories,
//! lists, the index in segments, the report) → [`store`] (each file's bytes, compressed, and
//! the build's id).

pub mod build;
pub mod feed;
pub mod front_matter;
#[doc(hidden)]
pub mod fuzz_checks;
pub mod generate;
pub mod gzip_literals;
pub mod import;
pub mod kramdown;
pub mod links;
pub mod liquid;
pub mod markdown;
pub mod permalink;
mod plain_html;
pub mod post_date;
pub mod report;
pub mod search_index;
pub mod site_config;
pub mod store;
pub mod typography;
mod yaml;
