//! The archive format: the JSON files `gazette build` writes and the app reads.
//! `docs/archive-format.md` is the prose version of this module.
//!
//! Three kinds of file, so the first screen never waits for every body:
//! - `manifest.json` — site info, every category and tag with counts, and the posts the home
//!   page shows (newest overall, latest per busiest category);
//! - `index.json` — one [`PostSummary`] per post, newest first (lists, filters, search);
//! - `bodies/NNNN.json` — sanitized body HTML, in chunks of about [`CHUNK_TARGET_BYTES`].

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::model::{CategoryInfo, PostSummary, SiteInfo, TagInfo};

/// Bumped on every incompatible change; the app refuses other versions with a clear message.
pub const SCHEMA_VERSION: u32 = 1;

/// File name of the manifest, relative to the archive folder.
pub const MANIFEST_FILE: &str = "manifest.json";
/// File name of the post index, relative to the archive folder.
pub const INDEX_FILE: &str = "index.json";
/// A body chunk is closed once its HTML passes this many bytes.
pub const CHUNK_TARGET_BYTES: usize = 192 * 1024;

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub schema_version: u32,
    /// `gazette <version>`: which builder wrote it.
    pub generator: String,
    pub site: SiteInfo,
    pub post_count: u32,
    pub undated_count: u32,
    /// Oldest and newest post dates (RFC 3339), when any post is dated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_range: Option<(String, String)>,
    /// Every category, by descending post count then id. Posts refer to them by index.
    pub categories: Vec<CategoryInfo>,
    /// Every tag, by descending post count then name. Posts refer to them by index.
    pub tags: Vec<TagInfo>,
    /// Posts per month (`2021-12`), oldest first: the date browser, without the index.
    pub months: Vec<PeriodCount>,
    /// What the home page shows before the index arrives.
    pub home: HomeSection,
    /// Number of `bodies/NNNN.json` files.
    pub chunk_count: u32,
}

/// How many posts a calendar period holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodCount {
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub period: String,
    pub count: u32,
}

/// The posts the home page needs, embedded in the manifest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeSection {
    /// The newest posts of the whole archive.
    pub newest: Vec<PostSummary>,
    /// For the busiest categories: their latest posts (the original finews home showed five).
    pub categories: Vec<CategoryLatest>,
}

/// One category's latest posts on the home page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryLatest {
    /// Index into [`Manifest::categories`].
    pub category: u32,
    pub posts: Vec<PostSummary>,
}

/// `index.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostIndex {
    pub schema_version: u32,
    /// Every post, newest first; undated posts last, by id.
    pub posts: Vec<PostSummary>,
}

/// `bodies/NNNN.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BodyChunk {
    pub schema_version: u32,
    pub bodies: Vec<PostBody>,
}

/// One post's sanitized HTML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostBody {
    pub id: String,
    pub html: String,
}

/// Path of body chunk `number`, relative to the archive folder.
pub fn chunk_path(number: u32) -> String {
    format!("bodies/{number:04}.json")
}

/// Why an archive file could not be read.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ArchiveError {
    #[error("{file} is not valid JSON: {message}")]
    Malformed { file: String, message: String },
    #[error("{file} has schema_version {found}; this Gazette reads version {expected}")]
    WrongVersion {
        file: String,
        found: u32,
        expected: u32,
    },
    #[error("{file} has no schema_version: it is not a Gazette archive file")]
    NotAnArchive { file: String },
}

#[derive(Deserialize)]
struct VersionProbe {
    schema_version: Option<u32>,
}

/// Decodes an archive file, checking its `schema_version` first so that an archive from
/// another Gazette version gets a message about versions, not about a missing field.
pub fn decode<T: for<'de> Deserialize<'de>>(file: &str, json: &str) -> Result<T, ArchiveError> {
    let malformed = |e: serde_json::Error| ArchiveError::Malformed {
        file: file.to_string(),
        message: e.to_string(),
    };
    let probe: VersionProbe = serde_json::from_str(json).map_err(malformed)?;
    match probe.schema_version {
        None => Err(ArchiveError::NotAnArchive {
            file: file.to_string(),
        }),
        Some(found) if found != SCHEMA_VERSION => Err(ArchiveError::WrongVersion {
            file: file.to_string(),
            found,
            expected: SCHEMA_VERSION,
        }),
        Some(_) => serde_json::from_str(json).map_err(malformed),
    }
}

/// Every file of an archive, in memory, ready to be written by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Archive {
    pub manifest: Manifest,
    pub index: PostIndex,
    pub chunks: Vec<BodyChunk>,
}

impl Archive {
    /// Serializes the archive into `(relative path, bytes)` pairs. The output depends only on
    /// the archive's content, so the same input always gives byte-identical files.
    pub fn to_files(&self) -> Vec<(String, Vec<u8>)> {
        let mut files = vec![
            (MANIFEST_FILE.to_string(), to_json(&self.manifest)),
            (INDEX_FILE.to_string(), to_json(&self.index)),
        ];
        for (number, chunk) in self.chunks.iter().enumerate() {
            files.push((chunk_path(number as u32), to_json(chunk)));
        }
        files
    }
}

/// Compact JSON plus a final newline. Struct fields serialize in declaration order and every
/// collection is a `Vec`, so the bytes are deterministic.
fn to_json<T: Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(value).expect("archive types always serialize");
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_future_version_is_refused_with_a_version_message() {
        let error = decode::<PostIndex>("index.json", r#"{"schema_version": 99, "posts": []}"#)
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "index.json has schema_version 99; this Gazette reads version 1"
        );
    }

    #[test]
    fn truncated_json_is_malformed() {
        let error = decode::<PostIndex>("index.json", r#"{"schema_version": 1, "po"#).unwrap_err();
        assert!(matches!(error, ArchiveError::Malformed { .. }), "{error:?}");
    }

    #[test]
    fn json_without_a_version_is_not_an_archive() {
        let error = decode::<PostIndex>("index.json", r#"{"posts": []}"#).unwrap_err();
        assert_eq!(
            error,
            ArchiveError::NotAnArchive {
                file: "index.json".into()
            }
        );
    }

    #[test]
    fn chunk_paths_are_zero_padded() {
        assert_eq!(chunk_path(7), "bodies/0007.json");
    }
}
