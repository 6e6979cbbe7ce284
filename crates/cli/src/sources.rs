//! Finding the files to import: Jekyll site roots (their `_posts/` folders, and the site's
//! `_config.yml`) or loose folders (every file in them). Unreadable folders and symlink
//! loops are reported with their path, never skipped silently.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use gazette_import::liquid::{refuse_include_name, DataFile, IncludeLookup, IncludeSource};
use gazette_import::report::{Rejection, Skip, Warning};
use gazette_import::site_config::{self, SiteConfig};
use rayon::prelude::*;
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
    /// `_config.yml` of the first site root, if any, and its path as shown in the report.
    pub config: Option<(SiteConfig, String)>,
    /// What could not be read in that `_config.yml` as written (it never stops a build).
    pub config_warnings: Vec<Warning>,
    /// The first site root and its `_config.yml` as written (for Liquid's `site`).
    pub site_root: Option<PathBuf>,
    pub config_text: String,
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
        // Jekyll reads `_config.yml`, or else `_config.yaml`.
        let config_path = ["_config.yml", "_config.yaml"]
            .map(|name| dir.join(name))
            .into_iter()
            .find(|path| path.is_file())
            .unwrap_or_else(|| dir.join("_config.yml"));
        let is_site_root = config_path.is_file();
        let mut exclude = Vec::new();
        if is_site_root && sources.config.is_none() {
            let shown = config_path.display().to_string();
            let (config, warnings, text) = read_config(&config_path, &shown);
            exclude.clone_from(&config.exclude);
            sources.config = Some((config, shown));
            sources.config_warnings = warnings;
            sources.site_root = Some(dir.clone());
            sources.config_text = text;
        }
        walk(dir, is_site_root, &exclude, &mut sources);
    }
    // The walk visits folders in the file system's order (asking walkdir to sort every folder
    // by name cost ~2% of a build, single-threaded); sorting the results once keeps every
    // output and report independent of that order.
    sort_and_dedup(&mut sources.posts);
    sources.ignored.sort_by(|a, b| a.path.cmp(&b.path));
    sources.unreadable.sort_by(|a, b| a.path.cmp(&b.path));
    // A file reached through two of the given folders is reported once, as it is read once.
    sources.ignored.dedup_by(|a, b| a.path == b.path);
    sources.unreadable.dedup_by(|a, b| a.path == b.path);
    Ok(sources)
}

/// Reads a site's `_config.yml` as far as it can be read: a file that cannot be read, or is
/// not UTF-8, or holds broken YAML still gives a config (and warnings saying what was lost).
fn read_config(path: &Path, shown: &str) -> (SiteConfig, Vec<Warning>, String) {
    let mut warnings = Vec::new();
    let mut warn = |line: Option<usize>, message: String| {
        warnings.push(Warning {
            path: shown.to_string(),
            line,
            message,
        })
    };
    let text = match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(error) => {
                warn(
                    None,
                    "not UTF-8: read with the invalid bytes replaced by U+FFFD".into(),
                );
                String::from_utf8_lossy(error.as_bytes()).into_owned()
            }
        },
        Err(error) => {
            warn(
                None,
                format!("cannot read ({error}): the site is built without its config"),
            );
            String::new()
        }
    };
    // A byte order mark (editors on Windows write one) is not part of the first key.
    let text = match text.strip_prefix('\u{FEFF}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    let config = site_config::parse(&text);
    for warning in &config.warnings {
        warn(warning.line, warning.message.clone());
    }
    (config, warnings, text)
}

/// Sorts `paths` component by component and drops repeats (the same file reached through two
/// of the given folders). Each path's components are joined once into a byte key, NUL
/// between them (no component holds a NUL, and only the root is spelled `/`), so two keys
/// are equal exactly when the paths are, and the sort compares keys with `memcmp`: `Path`'s
/// own ordering re-parses both paths' components at every comparison, which was most of
/// `discover`'s time. The order is `Path`'s for paths under the same folder.
fn sort_and_dedup(paths: &mut Vec<PathBuf>) {
    let mut found: Vec<Option<PathBuf>> = std::mem::take(paths).into_iter().map(Some).collect();
    let mut keyed: Vec<(Vec<u8>, usize)> = found
        .par_iter()
        .enumerate()
        .map(|(at, path)| {
            (
                component_key(path.as_deref().expect("every path is there")),
                at,
            )
        })
        .collect();
    // By key, then by the order found (an unstable sort of distinct pairs, cheaper than a
    // stable one): of two spellings of one path, the one found first (the earlier folder)
    // stays.
    keyed.par_sort_unstable();
    keyed.dedup_by(|a, b| a.0 == b.0);
    // The keys are let go of on every core (two million of them, one at a time, were a
    // tenth of a second).
    let order: Vec<usize> = keyed.into_par_iter().map(|(_, at)| at).collect();
    paths.reserve_exact(order.len());
    paths.extend(order.into_iter().filter_map(|at| found[at].take()));
}

fn component_key(path: &Path) -> Vec<u8> {
    let mut key = Vec::with_capacity(path.as_os_str().len() + 1);
    for (index, component) in path.components().enumerate() {
        if index > 0 {
            key.push(0);
        }
        key.extend_from_slice(component.as_os_str().as_encoded_bytes());
    }
    key
}

/// Walks `dir`: a site root's `_posts/` folders (but for the paths its `exclude` names,
/// relative to it), any other folder whole.
fn walk(dir: &Path, is_site_root: bool, exclude: &[String], sources: &mut Sources) {
    // The last folder asked about, and whether it is inside a `_posts/` folder.
    let mut in_posts: Option<(PathBuf, bool)> = None;
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
        if entry.file_type().is_dir() {
            continue;
        }
        let path = entry.path();
        // In a site root only `_posts/` folders hold posts; layouts and pages are not input.
        // Asked once per folder (a folder's files come one after another): a flat `_posts/`
        // of two million files would otherwise parse every path into its components.
        if is_site_root {
            let folder = path.parent();
            let holds_posts = match &in_posts {
                Some((last, holds)) if Some(last.as_path()) == folder => *holds,
                _ => {
                    let holds = folder
                        .and_then(|folder| folder.strip_prefix(dir).ok())
                        .is_some_and(|p| p.components().any(|c| c.as_os_str() == "_posts"));
                    in_posts = folder.map(|folder| (folder.to_path_buf(), holds));
                    holds
                }
            };
            if !holds_posts {
                continue;
            }
        }
        // A FIFO, a socket or a device (or a link to one) is reported, never read: reading
        // one could wait forever.
        if !entry.file_type().is_file() {
            sources.unreadable.push(Rejection {
                path: path.display().to_string(),
                reason: "not a regular file (a FIFO, socket or device): not read".into(),
            });
            continue;
        }
        if !exclude.is_empty() {
            let relative = path.strip_prefix(dir).unwrap_or(path);
            if let Some(excluded) = exclude.iter().find(|excluded| {
                let excluded = Path::new(excluded.as_str());
                relative.starts_with(excluded)
            }) {
                sources.ignored.push(Skip {
                    path: path.display().to_string(),
                    reason: format!("excluded by the site's config (`exclude: {excluded}`)"),
                });
                continue;
            }
        }
        let is_post = path.extension().is_some_and(|extension| {
            POST_EXTENSIONS
                .iter()
                .any(|known| extension.eq_ignore_ascii_case(known))
        });
        match is_post {
            // The entry's own path, not a copy.
            true => sources.posts.push(entry.into_path()),
            false => sources.ignored.push(Skip {
                path: path.display().to_string(),
                reason: "not a post file (Jekyll posts are .md, .markdown or .html)".into(),
            }),
        }
    }
}

/// The files of a site's `_data/` for `site.data` (`.yml`, `.yaml`, `.json`, `.csv`, `.tsv`,
/// in sub-folders too), and a warning for each that cannot be read.
pub fn read_data(root: &Path) -> (Vec<DataFile>, Vec<Warning>) {
    let folder = root.join("_data");
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    if !folder.is_dir() {
        return (files, warnings);
    }
    for entry in WalkDir::new(&folder).sort_by_file_name() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                warnings.push(Warning {
                    path: folder.display().to_string(),
                    line: None,
                    message: format!("site.data: cannot read ({error})"),
                });
                continue;
            }
        };
        let path = entry.path();
        let is_data = path.extension().is_some_and(|e| {
            let e = e.to_string_lossy().to_ascii_lowercase();
            matches!(e.as_str(), "yml" | "yaml" | "json" | "csv" | "tsv")
        });
        if !entry.file_type().is_file() || !is_data {
            continue;
        }
        let relative = path
            .strip_prefix(&folder)
            .unwrap_or(path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        match std::fs::read_to_string(path) {
            Ok(text) => files.push(DataFile {
                path: relative,
                text,
            }),
            Err(error) => warnings.push(Warning {
                path: path.display().to_string(),
                line: None,
                message: format!("site.data: cannot read ({error}): left out"),
            }),
        }
    }
    (files, warnings)
}

/// `{% include %}` from the site's `_includes/`, `{% include_relative %}` from the post's
/// folder. A name that leaves its folder — `..`, an absolute path, or a symbolic link that
/// points out of it — is refused.
#[derive(Debug, Default)]
pub struct DiskIncludes {
    /// `_includes/`, resolved (no symbolic links).
    includes: Option<PathBuf>,
    /// The site root, resolved: `include_relative` stays inside it.
    root: Option<PathBuf>,
}

impl DiskIncludes {
    pub fn new(root: Option<&Path>) -> Self {
        DiskIncludes {
            includes: root.and_then(|r| r.join("_includes").canonicalize().ok()),
            root: root.and_then(|r| r.canonicalize().ok()),
        }
    }

    fn read_inside(folder: &Path, name: &str, fence: &Path) -> IncludeLookup {
        if let Some(reason) = refuse_include_name(name) {
            return IncludeLookup::Refused(reason);
        }
        let Ok(resolved) = folder.join(name).canonicalize() else {
            return IncludeLookup::Missing;
        };
        if !resolved.starts_with(fence) {
            return IncludeLookup::Refused(format!(
                "it leads outside {} (a symbolic link)",
                fence.display()
            ));
        }
        // Only a regular file: reading a FIFO (or a device) would wait forever.
        if !resolved.metadata().is_ok_and(|meta| meta.is_file()) {
            return IncludeLookup::Refused("not a regular file".into());
        }
        match std::fs::read_to_string(&resolved) {
            Ok(text) => IncludeLookup::Found(text),
            Err(_) => IncludeLookup::Missing,
        }
    }
}

impl IncludeSource for DiskIncludes {
    fn include(&self, name: &str) -> IncludeLookup {
        if let Some(reason) = refuse_include_name(name) {
            return IncludeLookup::Refused(reason);
        }
        match &self.includes {
            Some(folder) => Self::read_inside(folder, name, folder),
            None => IncludeLookup::Missing,
        }
    }

    fn include_relative(&self, post_path: &str, name: &str) -> IncludeLookup {
        let Some(folder) = Path::new(post_path)
            .parent()
            .and_then(|p| p.canonicalize().ok())
        else {
            return IncludeLookup::Missing;
        };
        let fence = self.root.clone().unwrap_or_else(|| folder.clone());
        Self::read_inside(&folder, name, &fence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_like_paths_and_each_file_once() {
        let spelled = [
            "site/_posts/b.md",
            "site/_posts-old/a.md",
            "site/_posts/a.md",
            "site//_posts/a.md",
            "site/_posts/./a.md",
            "site/_posts/a.md/",
            "site/_posts/sub/z.md",
            "site/_posts/sub-z.md",
            "/abs/site/x.md",
            "site/_posts/B.md",
        ];
        let mut paths: Vec<PathBuf> = spelled.iter().map(PathBuf::from).collect();
        sort_and_dedup(&mut paths);

        let mut expected: Vec<PathBuf> = spelled.iter().map(PathBuf::from).collect();
        expected.sort();
        expected.dedup();
        assert_eq!(paths, expected);
        // The first spelling of a repeated path is the one kept.
        assert!(paths.iter().any(|p| p.as_os_str() == "site/_posts/a.md"));
        assert!(!paths.iter().any(|p| p.as_os_str() == "site//_posts/a.md"));
        assert_eq!(paths.len(), 7);
    }

    #[test]
    fn includes_that_lead_out_of_their_folder_through_a_symbolic_link_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let includes = site.join("_includes");
        std::fs::create_dir_all(includes.join("parts")).unwrap();
        std::fs::create_dir_all(site.join("_posts")).unwrap();
        std::fs::write(dir.path().join("secret.txt"), "outside").unwrap();
        std::fs::write(includes.join("parts/note.html"), "inside").unwrap();
        std::fs::write(site.join("_posts/nearby.md"), "next to the post").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), includes.join("secret.html"))
            .unwrap();
        std::os::unix::fs::symlink(dir.path(), includes.join("up")).unwrap();
        std::os::unix::fs::symlink(
            includes.join("parts/note.html"),
            includes.join("alias.html"),
        )
        .unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), site.join("_posts/out.md"))
            .unwrap();
        let disk = DiskIncludes::new(Some(&site));
        assert_eq!(
            disk.include("parts/note.html"),
            IncludeLookup::Found("inside".into())
        );
        // A link that stays inside `_includes/` is followed.
        assert_eq!(
            disk.include("alias.html"),
            IncludeLookup::Found("inside".into())
        );
        for out in ["secret.html", "up/secret.txt"] {
            assert!(
                matches!(disk.include(out), IncludeLookup::Refused(_)),
                "{out}: {:?}",
                disk.include(out)
            );
        }
        assert!(matches!(
            disk.include("../../secret.txt"),
            IncludeLookup::Refused(_)
        ));
        assert_eq!(disk.include("missing.html"), IncludeLookup::Missing);
        let post = site.join("_posts/a.md");
        let post = post.to_str().unwrap();
        assert_eq!(
            disk.include_relative(post, "nearby.md"),
            IncludeLookup::Found("next to the post".into())
        );
        assert!(matches!(
            disk.include_relative(post, "out.md"),
            IncludeLookup::Refused(_)
        ));
    }
}
