//! GitHub Pages' limits, checked before a deployment can fail on them: a published site of
//! at most 1 GB and files of at most 100 MB (decimal units, the stricter reading of GitHub's
//! "1 GB" and "100 MB"). `gazette build` says how big the archive came out and warns; `gazette
//! pages-check SITE` measures a whole site folder (app + archive) and fails, so a workflow
//! stops before it uploads an artifact that cannot be published.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;

/// The largest published site GitHub Pages accepts.
pub const SITE_LIMIT_BYTES: u64 = 1_000_000_000;
/// The largest file GitHub Pages accepts.
pub const FILE_LIMIT_BYTES: u64 = 100_000_000;

/// What a folder holds, by size.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct FolderSize {
    pub total_bytes: u64,
    pub files: u64,
    /// The largest file: path relative to the folder, and its size.
    pub largest: Option<(String, u64)>,
    /// Every file over [`FILE_LIMIT_BYTES`], largest first.
    pub too_large: Vec<(String, u64)>,
}

impl FolderSize {
    /// Adds up every file under `folder` (symbolic links are not followed).
    pub fn measure(folder: &Path) -> Result<FolderSize> {
        let mut size = FolderSize::default();
        for entry in walkdir::WalkDir::new(folder) {
            let entry = entry.with_context(|| format!("cannot read {}", folder.display()))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let bytes = entry
                .metadata()
                .with_context(|| format!("cannot read {}", entry.path().display()))?
                .len();
            let relative = entry
                .path()
                .strip_prefix(folder)
                .unwrap_or(entry.path())
                .to_string_lossy()
                .replace('\\', "/");
            size.total_bytes += bytes;
            size.files += 1;
            if bytes > FILE_LIMIT_BYTES {
                size.too_large.push((relative.clone(), bytes));
            }
            if size.largest.as_ref().is_none_or(|(_, most)| bytes > *most) {
                size.largest = Some((relative, bytes));
            }
        }
        size.too_large
            .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(size)
    }

    /// One line: total, file count and the largest file.
    pub fn describe(&self) -> String {
        let largest = self
            .largest
            .as_ref()
            .map(|(path, bytes)| format!("; largest {path} ({})", megabytes(*bytes)))
            .unwrap_or_default();
        format!(
            "{} in {} files{largest}",
            megabytes(self.total_bytes),
            self.files
        )
    }

    /// Why GitHub Pages would refuse this folder as a site; empty when it fits.
    pub fn pages_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.total_bytes > SITE_LIMIT_BYTES {
            problems.push(format!(
                "{} is over GitHub Pages' limit of {} for a published site",
                megabytes(self.total_bytes),
                megabytes(SITE_LIMIT_BYTES)
            ));
        }
        for (path, bytes) in &self.too_large {
            problems.push(format!(
                "{path} ({}) is over GitHub Pages' limit of {} for a file",
                megabytes(*bytes),
                megabytes(FILE_LIMIT_BYTES)
            ));
        }
        problems
    }
}

/// `1234567` → `1.2 MB` (decimal, as GitHub states its limits).
pub fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

#[derive(Args, Debug)]
pub struct Options {
    /// The site folder as it will be uploaded (e.g. `dist/`: the app and its archive).
    site: PathBuf,
}

/// `gazette pages-check SITE`: exit 0 when the site fits GitHub Pages, 1 when it does not.
pub fn run(options: &Options) -> Result<ExitCode> {
    let size = FolderSize::measure(&options.site)?;
    let problems = size.pages_problems();
    eprintln!("{}: {}", options.site.display(), size.describe());
    if problems.is_empty() {
        eprintln!("it fits GitHub Pages (at most 1,000 MB a site, 100 MB a file)");
        return Ok(ExitCode::SUCCESS);
    }
    for problem in &problems {
        eprintln!("error: {problem}");
    }
    eprintln!("GitHub Pages would refuse this site: publish fewer posts, or host it elsewhere");
    Ok(ExitCode::FAILURE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_stated_in_decimal_megabytes() {
        assert_eq!(megabytes(0), "0.0 MB");
        assert_eq!(megabytes(1_234_567), "1.2 MB");
        assert_eq!(megabytes(SITE_LIMIT_BYTES), "1000.0 MB");
    }

    #[test]
    fn a_site_at_the_limits_fits_and_one_byte_more_does_not() {
        let at_limit = FolderSize {
            total_bytes: SITE_LIMIT_BYTES,
            files: 1,
            largest: Some(("a".into(), FILE_LIMIT_BYTES)),
            too_large: Vec::new(),
        };
        assert!(at_limit.pages_problems().is_empty());
        let over = FolderSize {
            total_bytes: SITE_LIMIT_BYTES + 1,
            ..at_limit
        };
        assert_eq!(over.pages_problems().len(), 1);
    }
}
