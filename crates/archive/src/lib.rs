//! Gazette's archive format and its readers: the versioned files a build writes and the app
//! reads, and everything a reader does with them, with no I/O and no web dependencies.
//!
//! The builder (`gazette-import`) writes these types; the browser app and `gazette search`
//! decode them ([`archive`]), run queries on their index ([`search`], [`query`]), filter and
//! route ([`filter`], [`route`]) and speak the site's language ([`i18n`], [`dates`]). The
//! allowlist that article HTML keeps ([`sanitize_policy`]) is part of the format: the builder
//! enforces it (`gazette-sanitize`) and the app enforces it again.

pub mod archive;
pub mod dates;
pub mod filter;
pub mod i18n;
pub mod model;
pub mod query;
#[doc(hidden)]
pub mod random_pieces;
pub mod route;
pub mod sanitize_policy;
pub mod search;
pub mod segment_break;
pub mod text;
mod unicode;
