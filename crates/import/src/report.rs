//! The build report: what happened to every input file. Every file handed to the builder is
//! either written to the archive or listed here with its path and the reason.

use serde::{Deserialize, Serialize};

/// Something worth knowing about a post that was still written (or skipped).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub path: String,
    /// 1-based line in the file, when the problem has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub message: String,
}

/// A file that is not a post at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    pub path: String,
    pub reason: String,
}

/// A file that was a second copy of a post already written (finews keeps a post in `_posts/`
/// and `old_post/` at once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Merge {
    pub id: String,
    /// The copy that was written.
    pub kept: String,
    /// The copy that was not.
    pub dropped: String,
    /// Whether both files had the same bytes.
    pub identical: bool,
}

/// A file that was deliberately left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skip {
    pub path: String,
    pub reason: String,
}

/// Counts and details of one build.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildReport {
    /// Files handed to the builder.
    pub read: usize,
    /// Posts in the archive.
    pub written: usize,
    /// Posts written despite warnings.
    pub warned: usize,
    pub merged: Vec<Merge>,
    /// `published: false` posts and files that are not post files (images, data).
    pub skipped: Vec<Skip>,
    pub rejected: Vec<Rejection>,
    pub warnings: Vec<Warning>,
}

impl BuildReport {
    /// True when every file read is accounted for exactly once.
    pub fn is_balanced(&self) -> bool {
        self.written + self.merged.len() + self.skipped.len() + self.rejected.len() == self.read
    }

    /// The one-paragraph summary the CLI prints.
    pub fn summary(&self) -> String {
        format!(
            "{} files read: {} posts written ({} with warnings), {} duplicates merged, {} skipped, {} rejected; {} warnings",
            self.read,
            self.written,
            self.warned,
            self.merged.len(),
            self.skipped.len(),
            self.rejected.len(),
            self.warnings.len()
        )
    }
}
