//! Finding the files to import: Jekyll site roots (their `_posts/` folders, and the site's
//! `_config.yml`) or loose folders (every file in them). Unreadable folders and symlink
//! loops are reported with their path, never skipped silently.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use gazette_core::report::{Rejection, Skip};
use gazette_core::site_config::{self, SiteConfig};
use walkdir::WalkDir;

/// Extensions Jekyll renders as posts.
const POST_EXTENSIONS: &[&str] = &["md", "markdown", "mkd", "mkdn", "html", "htm"];
/// Folders never read: build output, dependencies, drafts and VCS data.
const SKIPPED_FOLDERS: &[&str] = &[
    "_site",
    "_drafts",
    ".git",
    ".jekyll-cache",
    "node_modules",
    "vendor",
    ".bundle",
];

/// What the given folders hold.
#[derive(Debug, Default)]
pub struct Sources {
    /// `_config.yml` of the first site root, if any.
    pub config: Option<SiteConfig>,
    /// Post-type files, sorted.
    pub posts: Vec<PathBuf>,
    /// Files that are not posts (images, data files).
    pub ignored: Vec<Skip>,
    /// Folders or files that could not be read.
    pub unreadable: Vec<Rejection>,
}

/// Walks `dirs`. Fails only when a folder given on the command line is unusable.
pub fn discover(dirs: &[PathBuf]) -> Result<Sources> {
    let mut sources = Sources::default();
    for dir in dirs {
        let metadata =
            std::fs::metadata(dir).with_context(|| format!("cannot read {}", dir.display()))?;
        if !metadata.is_dir() {
            bail!("{} is not a folder", dir.display());
        }
        let config_path = dir.join("_config.yml");
        let is_site_root = config_path.is_file();
        if is_site_root && sources.config.is_none() {
            let text = std::fs::read_to_string(&config_path)
                .with_context(|| format!("cannot read {}", config_path.display()))?;
            let config = site_config::parse(&text)
                .with_context(|| format!("in {}", config_path.display()))?;
            sources.config = Some(config);
        }
        walk(dir, is_site_root, &mut sources);
    }
    // The walk visits folders in the file system's order (asking walkdir to sort every folder
    // by name cost ~2% of a build, single-threaded); sorting the results once keeps every
    // output and report independent of that order.
    sources.posts.sort();
    sources.posts.dedup();
    sources.ignored.sort_by(|a, b| a.path.cmp(&b.path));
    sources.unreadable.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(sources)
}

fn walk(dir: &Path, is_site_root: bool, sources: &mut Sources) {
    let entries = WalkDir::new(dir)
        .follow_links(true)
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0
                || !(entry.file_type().is_dir()
                    && SKIPPED_FOLDERS.contains(&entry.file_name().to_string_lossy().as_ref()))
        });
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let path = error.path().unwrap_or(dir).display().to_string();
                let reason = if error.loop_ancestor().is_some() {
                    "symbolic link loop".to_string()
                } else {
                    format!(
                        "cannot read: {}",
                        error
                            .io_error()
                            .map_or(error.to_string(), |e| e.to_string())
                    )
                };
                sources.unreadable.push(Rejection { path, reason });
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        // In a site root only `_posts/` folders hold posts; layouts and pages are not input.
        if is_site_root
            && !path
                .strip_prefix(dir)
                .is_ok_and(|p| p.components().any(|c| c.as_os_str() == "_posts"))
        {
            continue;
        }
        let extension = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match extension {
            Some(ext) if POST_EXTENSIONS.contains(&ext.as_str()) => {
                sources.posts.push(path.to_path_buf())
            }
            _ => sources.ignored.push(Skip {
                path: path.display().to_string(),
                reason: "not a post file (Jekyll posts are .md, .markdown or .html)".into(),
            }),
        }
    }
}
