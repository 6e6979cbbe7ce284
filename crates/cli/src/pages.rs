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
        FolderSize::measure_without(folder, None)
    }

    /// [`FolderSize::measure`] without the files under `left_out` (a folder inside `folder`
    /// already measured on its own; see [`FolderSize::add`]). The folders are walked (the
    /// walk reads no file's size), then the files' sizes are read in parallel: an archive of
    /// two million posts has some 350,000 files.
    pub fn measure_without(folder: &Path, left_out: Option<&Path>) -> Result<FolderSize> {
        use rayon::prelude::*;
        let mut files = Vec::new();
        let mut walk = walkdir::WalkDir::new(folder).into_iter();
        while let Some(entry) = walk.next() {
            let entry = entry.with_context(|| format!("cannot read {}", folder.display()))?;
            if entry.file_type().is_dir() && Some(entry.path()) == left_out {
                walk.skip_current_dir();
            } else if entry.file_type().is_file() {
                files.push(entry.into_path());
            }
        }
        let sizes = files
            .par_iter()
            .map(|path| {
                std::fs::symlink_metadata(path)
                    .map(|metadata| metadata.len())
                    .with_context(|| format!("cannot read {}", path.display()))
            })
            .collect::<Result<Vec<u64>>>()?;
        let relative: Vec<String> = files
            .iter()
            .map(|path| {
                path.strip_prefix(folder)
                    .unwrap_or(path)
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        Ok(FolderSize::of_files(
            relative.iter().map(String::as_str).zip(sizes),
        ))
    }

    /// The size of a folder whose files are `files`: each one's path relative to the
    /// folder (`/` between folders) and size.
    pub fn of_files<'a>(files: impl IntoIterator<Item = (&'a str, u64)>) -> FolderSize {
        let mut size = FolderSize::default();
        // The largest: the first of the largest in path order, so the line is the same
        // whatever order the files come in.
        let mut largest: Option<(&str, u64)> = None;
        for (path, bytes) in files {
            size.total_bytes += bytes;
            size.files += 1;
            if largest.is_none_or(|(most_path, most)| (bytes, most_path) > (most, path)) {
                largest = Some((path, bytes));
            }
            if bytes > FILE_LIMIT_BYTES {
                size.too_large.push((path.to_string(), bytes));
            }
        }
        size.largest = largest.map(|(path, bytes)| (path.to_string(), bytes));
        size.sort_too_large();
        size
    }

    /// Adds `inner`, the size of the folder `under` within this one (its paths are taken as
    /// under it).
    pub fn add(&mut self, under: &str, inner: &FolderSize) {
        let within = |path: &str| format!("{under}/{path}");
        self.total_bytes += inner.total_bytes;
        self.files += inner.files;
        if let Some((path, bytes)) = &inner.largest {
            if self.largest.as_ref().is_none_or(|(_, most)| bytes > most) {
                self.largest = Some((within(path), *bytes));
            }
        }
        self.too_large.extend(
            inner
                .too_large
                .iter()
                .map(|(path, bytes)| (within(path), *bytes)),
        );
        self.sort_too_large();
    }

    fn sort_too_large(&mut self) {
        self.too_large
            .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
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
    fn a_site_measured_without_its_archive_then_with_it_is_the_site_measured_at_once() {
        let site = tempfile::tempdir().unwrap();
        let archive = site.path().join("archive");
        std::fs::create_dir_all(archive.join("search/0")).unwrap();
        std::fs::write(site.path().join("index.html"), "x".repeat(10)).unwrap();
        std::fs::write(archive.join("manifest.json"), "x".repeat(30)).unwrap();
        std::fs::write(archive.join("search/0/0000.bin.gz"), "x".repeat(30)).unwrap();
        let whole = FolderSize::measure(site.path()).unwrap();
        let mut parts = FolderSize::measure_without(site.path(), Some(&archive)).unwrap();
        assert_eq!((parts.files, parts.total_bytes), (1, 10));
        parts.add("archive", &FolderSize::measure(&archive).unwrap());
        assert_eq!(parts, whole);
        assert_eq!(whole.files, 3);
        assert_eq!(whole.total_bytes, 70);
        // Of two largest files, the first in path order.
        assert_eq!(whole.largest, Some(("archive/manifest.json".into(), 30)));
    }

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
