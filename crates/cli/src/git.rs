//! What git knows of the sources, for `gazette build --state`: when the site is a git
//! checkout, the blob id of each tracked file whose working copy git finds unchanged. A
//! fresh checkout (as in a scheduled CI job) gives every file a new modification time, so
//! without it an update must read and hash every source file once (about two minutes for
//! two million posts); with it, the index git keeps already says which files are the same.
//!
//! Only regular files at stage 0 count (no symlinks, submodules or conflicts), and only
//! when `git diff-files` does not list them (git compares the working copy with its index,
//! re-hashing what its cached file times cannot vouch for). Anything that goes wrong (no
//! git, not a work tree) means no blob ids: the builder falls back to sizes, times and
//! hashes.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::state::PathIndex;

/// Blob ids (their first 64 bits) of the clean tracked files under `dirs`, by path as the
/// builder names the file (`dir` joined with the path under it).
pub fn clean_blobs(dirs: &[PathBuf]) -> PathIndex<u64> {
    let mut blobs = PathIndex::default();
    for dir in dirs {
        for (path, id) in blobs_under(dir).unwrap_or_default() {
            blobs.insert(&path, id);
        }
    }
    blobs
}

fn git(dir: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    output.status.success().then_some(output.stdout)
}

fn blobs_under(dir: &Path) -> Option<Vec<(String, u64)>> {
    // Paths relative to `dir` (git's default for ls-files run there; `--relative` for
    // diff-files).
    let listed = git(dir, &["ls-files", "--stage", "-z"])?;
    let dirty = git(dir, &["diff-files", "--name-only", "--relative", "-z"])?;
    let dirty: std::collections::HashSet<&[u8]> =
        dirty.split(|&b| b == 0).filter(|p| !p.is_empty()).collect();
    let mut blobs = Vec::new();
    for entry in listed.split(|&b| b == 0).filter(|e| !e.is_empty()) {
        // "<mode> <object> <stage>\t<path>"
        let Some(tab) = entry.iter().position(|&b| b == b'\t') else {
            continue;
        };
        let (head, path) = (&entry[..tab], &entry[tab + 1..]);
        let mut fields = head.split(|&b| b == b' ');
        let (Some(mode), Some(object), Some(stage)) = (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        if !matches!(mode, b"100644" | b"100755") || stage != b"0" || dirty.contains(path) {
            continue;
        }
        let Some(id) = std::str::from_utf8(object.get(..16)?)
            .ok()
            .and_then(|hex| u64::from_str_radix(hex, 16).ok())
        else {
            continue;
        };
        let Ok(path) = std::str::from_utf8(path) else {
            continue;
        };
        blobs.push((dir.join(path).display().to_string(), id));
    }
    Some(blobs)
}
