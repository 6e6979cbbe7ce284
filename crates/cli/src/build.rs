//! `gazette build` and `gazette check`: discover, import in parallel, assemble (and, for
//! `build`, write all but the index meanwhile), write the index, report.

use std::borrow::Cow;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;
use gazette_archive::model::SiteInfo;
use gazette_import::build::{
    build_archive_update, BuildInput, Built, ContentStore, Imported, NameTable, Names, PostMeta,
    Previous, LOAD_BATCH,
};
use gazette_import::import::{
    import_file_with, Content, ImportSettings, Outcome, PostContent, SourceFile, StoredContent,
};
use gazette_import::liquid::{LiquidSite, PostIds, PostSummary, SiteInputs};
use gazette_import::post_date::Zone;
use gazette_import::report::{BuildReport, Rejection, Warning};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::output::Staging;
use crate::pages::FolderSize;
use crate::sources::{discover, read_data, DiskIncludes};
use crate::spill::Spill;
use crate::state::{self, ArchiveFiles, FileKey, SavedEntry, StateWriter, Tail};

/// Inputs with at least this many files get a progress bar.
const PROGRESS_THRESHOLD: usize = 2_000;
/// Files a worker looks at between two moves of the progress bar.
const PROGRESS_STEP: u64 = 256;
/// How many warnings and rejections the terminal summary lists before pointing at `--report`.
const LISTED_PROBLEMS: usize = 20;

/// Flags shared by `build` and `check`.
#[derive(Args, Debug)]
pub struct Options {
    /// Zone for dates written without an offset (IANA name or offset such as +08:00).
    /// Overrides `_config.yml`'s `timezone`; the default is UTC.
    #[arg(long)]
    timezone: Option<String>,
    /// Write the full report (every warning, rejection and merge) as JSON to this file.
    #[arg(long)]
    report: Option<PathBuf>,
    /// The public URL the app will be served from (e.g. https://user.github.io/repo/), for
    /// feeds. Overrides `url` and `baseurl` from `_config.yml`.
    #[arg(long, value_name = "URL")]
    site_url: Option<String>,
    /// The archive's language (a BCP 47 tag such as en or zh-CN), which the interface speaks.
    /// Overrides `_config.yml`'s `lang`; without either, it is guessed from the posts.
    #[arg(long)]
    lang: Option<String>,
    /// Print only errors.
    #[arg(long, short)]
    quiet: bool,
    /// Print how long each phase took (for benchmarks).
    #[arg(long)]
    timings: bool,
    /// Keep the builder's state in FILE (outside the archive: it is not for readers), and
    /// when FILE describes the archive in --out, update that archive in place: only new and
    /// changed post files are imported, and only the archive files that hold a post that
    /// changed are made (the result is the archive a full build makes, byte for byte).
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// The memory (in MB) the builder aims to stay within. The posts' content is kept in
    /// memory between reading and writing while what the rest of the build needs (about 1 KB
    /// a post) leaves room for it, and goes to a temporary file beside the archive beyond
    /// that; the archive is the same whatever the budget.
    #[arg(long, value_name = "MB", default_value_t = DEFAULT_MEMORY_MB)]
    memory: u64,
}

/// `--memory`'s default: 2 GB, under the memory of every standard CI runner.
const DEFAULT_MEMORY_MB: u64 = 2_000;
/// What the builder needs besides the posts' content, reserved from `--memory`: a base and
/// a share a post (measured: peaks of 0.69 GB at 100,000 generator posts, 1.27 GB at one
/// million and 1.70 GB at two million with the content on disk).
const RESERVED_BASE: u64 = 256 << 20;
const RESERVED_PER_POST: u64 = 1_000;

/// The bytes of content a build of `files` post files may keep in memory under a budget of
/// `memory_mb` megabytes.
fn content_budget(memory_mb: u64, files: usize) -> u64 {
    let reserved = RESERVED_BASE.saturating_add(RESERVED_PER_POST.saturating_mul(files as u64));
    memory_mb.saturating_mul(1_000_000).saturating_sub(reserved)
}

/// Phase durations for `--timings`.
struct Timings {
    enabled: bool,
    start: Instant,
    last: Instant,
}

impl Timings {
    fn new(enabled: bool) -> Self {
        let now = Instant::now();
        Timings {
            enabled,
            start: now,
            last: now,
        }
    }

    fn phase(&mut self, name: &str) {
        let now = Instant::now();
        if self.enabled {
            eprintln!(
                "timing: {name:<10} {:>8.2?} (total {:.2?})",
                now - self.last,
                now - self.start
            );
        }
        self.last = now;
    }

    fn note(&self, text: &str) {
        if self.enabled {
            eprintln!("{text}");
        }
    }
}

pub fn run(dirs: &[PathBuf], out: Option<&Path>, options: &Options) -> Result<ExitCode> {
    let mut timings = Timings::new(options.timings);
    // Checked first: a target that cannot be replaced fails before any work is done.
    if let (Some(state), Some(out)) = (&options.state, out) {
        check_state_path(state, out)?;
    }
    // The report's folder too: a report that cannot be written would otherwise fail the build
    // after the archive was replaced.
    if let Some(report) = &options.report {
        let folder = report
            .parent()
            .filter(|folder| !folder.as_os_str().is_empty());
        if let Some(folder) = folder.filter(|folder| !folder.is_dir()) {
            anyhow::bail!(
                "cannot write the report {}: {} is not a folder",
                report.display(),
                folder.display()
            );
        }
    }
    let staging = out.map(Staging::new).transpose()?;
    // `--state`: what the previous build kept, read while the sources are found (whether it
    // describes this build is decided below).
    let state_path = options.state.as_deref().filter(|_| out.is_some());
    let (discovered, read_state, blobs) = std::thread::scope(|scope| {
        let reading = state_path
            .zip(out)
            .map(|(path, out)| scope.spawn(move || state::load(path, out)));
        let asking_git = state_path.map(|_| scope.spawn(|| crate::git::clean_blobs(dirs)));
        let discovered = discover(dirs);
        let read = reading.map(|reading| reading.join().expect("reading the state never panics"));
        let blobs = asking_git
            .map(|asking| asking.join().expect("asking git never panics"))
            .unwrap_or_default();
        (discovered, read, blobs)
    });
    let mut sources = discovered?;
    timings.phase("discover");
    let (config, config_path) = sources.config.clone().unwrap_or_default();
    let mut site_warnings = sources.config_warnings.clone();
    // `--timezone` is the user's own argument: a wrong one is an error. The config's is a
    // quirk of the site: a wrong one falls back to UTC, with a warning.
    let (zone, timezone): (Zone, String) = match &options.timezone {
        Some(timezone) => (timezone.parse().context("--timezone")?, timezone.clone()),
        None if config.site.timezone.is_empty() => (Zone::default(), "UTC".into()),
        None => match config.site.timezone.parse() {
            Ok(zone) => (zone, config.site.timezone.clone()),
            Err(error) => {
                site_warnings.push(Warning {
                    path: config_path.clone(),
                    line: gazette_import::site_config::line_of_key(
                        &sources.config_text,
                        "timezone",
                    ),
                    message: format!("timezone: {error}; dates without an offset are read as UTC"),
                });
                (Zone::default(), "UTC".into())
            }
        },
    };
    let settings = ImportSettings {
        zone,
        url: config.site.url.clone(),
        baseurl: config.site.baseurl.clone(),
        title: config.site.title.clone(),
        permalink: gazette_import::permalink::Permalink::new(&config.site.permalink),
        excerpt_separator: config.excerpt_separator.clone(),
        markdown: config.markdown.clone(),
        // Scoped by folder, spelled as the posts' paths are (the site's folder joined).
        defaults: match &sources.site_root {
            Some(root) => config
                .defaults
                .iter()
                .map(|(folder, values)| (root.join(folder).display().to_string(), values.clone()))
                .collect(),
            None => Vec::new(),
        },
        site_folder: sources
            .site_root
            .as_ref()
            .map(|root| root.join("").display().to_string()),
        source_folders: dirs
            .iter()
            .map(|dir| dir.join("").display().to_string())
            .collect(),
    };

    // The build's time, read once: Liquid's `site.time`, and the instant after which a post is
    // of the future (Jekyll compares a post's date with `site.time`).
    let now = chrono::Utc::now().fixed_offset();
    let liquid = liquid_site(&sources, &settings, &config_path, now, &mut site_warnings);

    let fingerprint = state_path.map(|_| {
        let settings = format!(
            "{dirs:?}\n{:?}\n{:?}\n{:?}",
            options.timezone, options.site_url, options.lang
        );
        state::fingerprint(
            &[settings.as_bytes(), sources.config_text.as_bytes()],
            sources.site_root.as_deref(),
        )
    });
    let loaded = match (state_path, read_state, fingerprint) {
        (Some(path), Some(read), Some(fingerprint)) => match read.and_then(|loaded| {
            if loaded.fingerprint == fingerprint {
                Ok(loaded)
            } else {
                Err("the Gazette program, the settings, _config.yml, _data/ or _includes/ changed since the last build".to_string())
            }
        }) {
            Ok(loaded) => Some(loaded),
            Err(reason) => {
                if !options.quiet {
                    eprintln!(
                        "note: {}: {reason}: building the whole archive",
                        path.display()
                    );
                }
                None
            }
        },
        _ => None,
    };
    timings.phase("state");

    let progress = if report_progress(sources.posts.len(), options.quiet) {
        ProgressBar::new(sources.posts.len() as u64).with_style(
            ProgressStyle::with_template("{spinner} 读取 {pos}/{len} posts {wide_bar} {eta}")
                .expect("valid template"),
        )
    } else {
        ProgressBar::hidden()
    };
    // Each post's content stays in memory while the budget allows, and otherwise goes to
    // disk as soon as it is imported (next to the archive, or in the system's temporary
    // folder for `check`), so that memory holds only metadata.
    let spill_folder = match &staging {
        Some(staging) => staging.parent().to_path_buf(),
        None => std::env::temp_dir(),
    };
    let spill = Spill::new_in(
        &spill_folder,
        content_budget(options.memory, sources.posts.len()),
    )?;
    // The builder keeps a compact record of each post (`Imported`), its categories and tags
    // numbered in `names`.
    // An update numbers names as the previous build did, so that its records stay valid.
    let names = match &loaded {
        Some(loaded) => Names {
            categories: NameTable::of_names(loaded.tail.categories.clone()),
            tags: NameTable::of_names(loaded.tail.tags.clone()),
        },
        None => Names::default(),
    };
    let mut loaded = loaded;
    let reused = std::sync::atomic::AtomicUsize::new(0);
    let by_git = std::sync::atomic::AtomicUsize::new(0);
    /// A post file: unchanged since the state's build (its index there), or imported.
    enum Found {
        Unchanged(usize, FileKey),
        // Boxed: most files are unchanged, and a record is twice the size of the rest.
        Imported(Box<(Imported, Again, Option<FileKey>)>),
    }
    let folders = state_path
        .map(|_| crate::state::Folders::of(&sources.posts))
        .unwrap_or_default();
    // Each path as text once, for the state, git and the report.
    let shown: Vec<std::borrow::Cow<'_, str>> =
        sources.posts.par_iter().map(|p| shown_path(p)).collect();
    // Each worker's buffer, the state's file after the last one it found, and the files it
    // looked at since it last moved the progress bar (moved a few hundred at a time: it
    // reads the clock at every move).
    let import_one =
        |(buffer, next, unreported): &mut (Vec<u8>, usize, u64),
         ((index, path), shown, opened): ((usize, &PathBuf), &Cow<'_, str>, Option<File>)|
         -> std::io::Result<Found> {
            *unreported += 1;
            if *unreported == PROGRESS_STEP {
                progress.inc(PROGRESS_STEP);
                *unreported = 0;
            }
            let blob = blobs.get(shown);
            let saved = loaded.as_ref().and_then(|loaded| {
                let at = loaded.find_after(shown, next)?;
                Some((at, loaded.files[at].as_ref()?))
            });
            // Git vouches for the file's bytes: no need to look at it.
            if let Some((at, entry)) = saved.filter(|(_, entry)| {
                blob.is_some() && entry.key.git == blob && !entry.wants_site_posts
            }) {
                reused.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                by_git.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                return Ok(Found::Unchanged(at, entry.key));
            }
            // With `--state`: the file's size and time (and the hash of its bytes).
            let key = state_path
                .and_then(|_| folders.stat(index, path))
                .map(|key| FileKey { git: blob, ..key });
            if let Some(found) = saved.zip(key).and_then(|((at, entry), key)| {
                unchanged(entry, key, path, buffer).map(|key| Found::Unchanged(at, key))
            }) {
                reused.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                return Ok(found);
            }
            let outcome = read_and_import(path, opened, buffer, &settings, &liquid);
            let key = key
                .filter(|_| !matches!(outcome, Outcome::Rejected(_)))
                .map(|key| FileKey {
                    hash: state::content_hash(buffer),
                    ..key
                });
            let (imported, again) = keep(outcome, &spill, &names)?;
            Ok(Found::Imported(Box::new((imported, again, key))))
        };
    let import = |range: std::ops::Range<usize>,
                  opened: &crate::prefetch::Opened|
     -> std::io::Result<Vec<Found>> {
        let start = range.start;
        sources.posts[range.clone()]
            .par_iter()
            .zip(&shown[range])
            .enumerate()
            .map_init(
                || (Vec::new(), 0, 0),
                |scratch, (i, (path, shown))| {
                    import_one(scratch, ((start + i, path), shown, opened.take(start + i)))
                },
            )
            .collect()
    };
    // A full build reads every file: the kernel reads them ahead. An update reads only the
    // few that changed.
    let found = match &loaded {
        None => crate::prefetch::in_slices(&sources.posts, import),
        Some(_) => import(0..sources.posts.len(), &crate::prefetch::Opened::none()),
    }
    .with_context(|| spill.write_error())?;
    progress.finish_and_clear();
    spill.finish_writing()?;
    drop(blobs);
    if let Some(loaded) = &mut loaded {
        loaded.forget_paths();
    }
    let mut wanting = Vec::new();
    let mut every_build = Vec::new();
    let mut file_keys = Vec::with_capacity(found.len());
    let mut imported = Vec::with_capacity(found.len());
    for (i, found) in found.into_iter().enumerate() {
        let (record, key) = match found {
            Found::Unchanged(at, key) => {
                let entry = loaded.as_mut().and_then(|l| l.files[at].take());
                let entry = entry.expect("each saved file is found once");
                (entry.imported, Some(key))
            }
            Found::Imported(found) => {
                let (record, again, key) = *found;
                if again.site_posts {
                    wanting.push(i);
                }
                if again.every_build {
                    every_build.push(i);
                }
                (record, key)
            }
        };
        imported.push(record);
        file_keys.push(key);
    }
    if let Some(loaded) = &mut loaded {
        // Files the state describes that are gone.
        loaded.files = Vec::new();
    }
    import_again_with_site_posts(
        &mut imported,
        &wanting,
        &sources.posts,
        (&settings, &liquid),
        &spill,
        &names,
    )?;
    // The state's record of every post file goes to disk now (the build consumes the
    // records).
    let state_writer = match (state_path, fingerprint) {
        (Some(path), Some(fingerprint)) => {
            let count = file_keys.iter().flatten().count();
            let mut writer = StateWriter::create(path, fingerprint, count)?;
            // Encoded in parallel, a slice of files at a time, and written in order.
            const SLICE: usize = 16_384;
            let slices = sources.posts.len().div_ceil(SLICE);
            for batch in (0..slices)
                .collect::<Vec<_>>()
                .chunks(rayon::current_num_threads() * 2)
            {
                let encoded = batch
                    .par_iter()
                    .map(|&slice| {
                        let range = slice * SLICE..((slice + 1) * SLICE).min(sources.posts.len());
                        let mut out = Vec::new();
                        for i in range {
                            if let Some(key) = file_keys[i] {
                                let again = every_build.binary_search(&i).is_ok();
                                out = state::encode_file(out, &shown[i], key, again, &imported[i])?;
                            }
                        }
                        Ok(out)
                    })
                    .collect::<Result<Vec<Vec<u8>>>>()?;
                for bytes in &encoded {
                    writer.put_encoded(bytes)?;
                }
            }
            Some(writer)
        }
        _ => None,
    };
    drop(file_keys);
    let saved_names = state_path.map(|_| (names.categories.names(), names.tags.names()));
    let reused = reused.into_inner();
    let files = std::mem::take(&mut sources.posts).len();
    timings.phase("import");
    timings.note(&format!(
        "posts' content: {:.1} MB in memory, {:.1} MB on temporary disk",
        spill.held_bytes() as f64 / 1e6,
        spill.bytes() as f64 / 1e6
    ));
    imported.extend(sources.unreadable.into_iter().map(Imported::Rejected));

    let mut site = SiteInfo {
        timezone,
        ..config.site
    };
    if let Some(lang) = &options.lang {
        site.lang = lang.trim().to_string();
    }
    if let Some(url) = &options.site_url {
        let (origin, path) = split_site_url(url)?;
        site.url = origin;
        site.baseurl = path;
    }
    // The posts' own files are written as they are made, in number order.
    let written = if report_progress(files, options.quiet) {
        ProgressBar::new(0).with_style(
            ProgressStyle::with_template("{spinner} 写入 {pos}/{len} posts {wide_bar} {eta}")
                .expect("valid template"),
        )
    } else {
        ProgressBar::hidden()
    };
    let post_count = imported
        .iter()
        .filter(|o| matches!(o, Imported::Post(_)))
        .count();
    written.set_length(post_count as u64);
    // An update writes in the archive's own folder: from here on, only a full build can
    // mend it if the update stops half-way, so the state that allows updates goes first.
    let staging = match (&loaded, out, state_path) {
        (Some(loaded), Some(out), Some(state_path)) => {
            drop(staging);
            state::remove(state_path)?;
            Some(Staging::update(out, loaded.tail.digests.clone()))
        }
        _ => staging,
    };
    let record = loaded.as_ref().map(|loaded| loaded.tail.record());
    let archive_files = out.map(|out| ArchiveFiles {
        dir: out.to_path_buf(),
    });
    let previous = match (&loaded, &record, &archive_files) {
        (Some(loaded), Some(record), Some(files)) => Some(Previous {
            record,
            layout: &loaded.manifest.layout,
            files,
        }),
        _ => None,
    };
    let store = UpdateStore {
        spill: &spill,
        settings: &settings,
        liquid: &liquid,
        again: std::sync::atomic::AtomicUsize::new(0),
    };
    let Built {
        mut archive,
        report,
        record,
    } = build_archive_update(
        BuildInput {
            site,
            imported,
            names,
            ignored: sources.ignored,
            warnings: site_warnings,
            // As Jekyll: a post dated after the build is left out unless `future: true`.
            published_until: (!config.future).then_some(now),
        },
        &store,
        LOAD_BATCH,
        previous.as_ref(),
        |files| -> Result<()> {
            written.inc(files.summaries.iter().map(|g| g.posts.len() as u64).sum());
            match &staging {
                Some(staging) => staging.write(&files.files()),
                None => Ok(()),
            }
        },
    )?;
    drop(loaded);
    written.finish_and_clear();
    debug_assert!(report.is_balanced());
    timings.phase("assemble");

    let mut archive_size = None;
    if let Some(mut staging) = staging {
        staging.keep(|path| record.keeps(path));
        staging.write(&archive.metadata_files())?;
        staging.write_manifest(&mut archive.manifest)?;
        staging.commit()?;
        archive_size = staging.archive_size();
        timings.phase("write");
        if let (Some(writer), Some((categories, tags))) = (state_writer, saved_names) {
            let tail = Tail {
                build: archive.manifest.build.clone(),
                categories,
                tags,
                posts: record.posts,
                letters: record.letters.iter().map(|l| l.to_counts()).collect(),
                id_month_ends: record.id_month_ends,
                lists: record.lists,
                shown: serde_json::to_string(&record.shown).context("cannot encode the state")?,
                digests: staging.digests(),
            };
            writer.finish(&tail)?;
            timings.phase("state");
        }
        if let Some(counts) = staging.update_counts().filter(|_| !options.quiet) {
            eprintln!(
                "updated in place: {} post files imported ({reused} unchanged since the last build, {} of them by git's word; {} of them read again for the files they share with changed posts), {} archive files written ({:.1} MB), {} made again unchanged, {} kept, {} removed",
                files - reused,
                by_git.into_inner(),
                store.again.into_inner(),
                counts.written,
                counts.written_bytes as f64 / 1e6,
                counts.unchanged,
                counts.kept,
                counts.removed,
            );
        }
    }
    // The process ends right after this: freeing the archive's millions of allocations one
    // by one would only delay the exit (~0.15 s at 100,000 posts), and the OS reclaims it all.
    std::mem::forget(archive);
    if let Some(path) = &options.report {
        let json = serde_json::to_vec_pretty(&report).expect("reports serialize");
        std::fs::write(path, json)
            .with_context(|| format!("cannot write the report {}", path.display()))?;
    }
    if !options.quiet {
        print_report(&report, out, options.report.is_some());
    }
    if let (Some(out), Some(size)) = (out, &archive_size) {
        report_size(out, size, report.written, options.quiet)?;
    }
    timings.phase("report");
    Ok(if out.is_none() && !report.rejected.is_empty() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Refuses a `--state` path that cannot hold the state (a folder) or that lies inside the
/// archive (readers would download it, and a full build replaces the folder).
fn check_state_path(state: &Path, out: &Path) -> Result<()> {
    if state.is_dir() {
        anyhow::bail!(
            "--state {}: it is a folder; give the path of a file, such as {}",
            state.display(),
            state.join("gazette.state").display()
        );
    }
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    if absolute(state).starts_with(absolute(out)) {
        anyhow::bail!(
            "--state {}: the state must be kept outside the archive folder {} (it is the builder's, not the readers')",
            state.display(),
            out.display()
        );
    }
    Ok(())
}

/// The key of the file at `path` (whose size and time are `key`) when it is the one `entry`
/// describes: the same size, and the same time or (a fresh checkout gives every file a new
/// time) the same bytes. Posts whose Liquid lists the site's posts, or whose links were read
/// against them, are imported again every time.
fn unchanged(
    entry: &SavedEntry,
    key: FileKey,
    path: &Path,
    buffer: &mut Vec<u8>,
) -> Option<FileKey> {
    if entry.wants_site_posts || entry.key.size != key.size {
        return None;
    }
    if entry.key.modified != key.modified {
        read_whole(path, None, buffer).ok()?;
        if state::content_hash(buffer) != entry.key.hash {
            return None;
        }
    }
    Some(FileKey {
        hash: entry.key.hash,
        ..key
    })
}

/// The content store of a build: the temporary file, and for an update the post files
/// whose content was not loaded, imported again.
struct UpdateStore<'a> {
    spill: &'a Spill,
    settings: &'a ImportSettings,
    liquid: &'a LiquidSite,
    /// Posts imported again (unchanged posts that share files with changed ones).
    again: std::sync::atomic::AtomicUsize,
}

impl ContentStore for UpdateStore<'_> {
    fn load(&self, at: &StoredContent) -> std::io::Result<PostContent> {
        self.spill.load(at)
    }

    fn load_again(&self, post: &PostMeta) -> std::io::Result<PostContent> {
        self.again
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut buffer = Vec::new();
        match read_and_import(
            Path::new(&*post.path),
            None,
            &mut buffer,
            self.settings,
            self.liquid,
        ) {
            Outcome::Post(imported) => match imported.content {
                Content::Held(held) => Ok(held.into_content()),
                _ => Err(std::io::Error::other("an imported post holds its content")),
            },
            _ => Err(std::io::Error::other(format!(
                "{} is no longer a post: run the build again",
                post.path
            ))),
        }
    }
}

/// Whether a build of `files` files shows progress bars.
fn report_progress(files: usize, quiet: bool) -> bool {
    files >= PROGRESS_THRESHOLD && !quiet
}

/// `https://user.github.io/repo/` → (`https://user.github.io`, `/repo`).
fn split_site_url(url: &str) -> Result<(String, String)> {
    let Some((scheme, rest)) = url
        .split_once("://")
        .filter(|(s, _)| matches!(*s, "http" | "https"))
    else {
        anyhow::bail!("--site-url {url:?} must start with http:// or https://");
    };
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let path = path.trim_end_matches('/');
    Ok((
        format!("{scheme}://{host}"),
        if path.is_empty() {
            String::new()
        } else {
            format!("/{path}")
        },
    ))
}

/// Reads the file at `path` (`opened`, when it was opened ahead) into `buffer` (emptied
/// first), through `Take`, which reads until the end without asking the file its size and
/// position first (`File::read_to_end` makes a `statx` and an `lseek` call per file).
fn read_whole(path: &Path, opened: Option<File>, buffer: &mut Vec<u8>) -> std::io::Result<()> {
    buffer.clear();
    opened
        .map_or_else(|| File::open(path), Ok)
        .and_then(|file| file.take(u64::MAX).read_to_end(buffer))?;
    Ok(())
}

/// `path` as the report and the state name it: its text (a path that is not UTF-8 with the
/// invalid bytes replaced). The UTF-8 check first: two million paths go through here.
fn shown_path(path: &Path) -> std::borrow::Cow<'_, str> {
    match path.to_str() {
        Some(text) => text.into(),
        None => path.to_string_lossy(),
    }
}

/// Reads `path` (`opened`, when it was opened ahead) into `buffer` (a rayon job's, reused from
/// file to file: no allocation per file, and no `stat` call for a size hint as `fs::read`
/// makes) and imports it.
fn read_and_import(
    path: &Path,
    opened: Option<File>,
    buffer: &mut Vec<u8>,
    settings: &ImportSettings,
    liquid: &LiquidSite,
) -> Outcome {
    let shown = path.display().to_string();
    match read_whole(path, opened, buffer) {
        // A bug the file's content sets off (a panic in a renderer) loses that file, with its
        // reason in the report, not the build: the tool profile unwinds.
        Ok(_) => std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            import_file_with(
                SourceFile {
                    path: &shown,
                    bytes: buffer,
                },
                settings,
                Some(liquid),
            )
        }))
        .unwrap_or_else(|panic| {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Outcome::Rejected(Rejection {
                path: shown.clone(),
                reason: format!(
                    "Gazette failed on this file (a bug: please report it with the file): {message}"
                ),
            })
        }),
        Err(error) => Outcome::Rejected(Rejection {
            path: shown,
            reason: format!("cannot read: {error}"),
        }),
    }
}

/// The site's Liquid environment: the whole `_config.yml`, `_data/`, `_includes/`.
fn liquid_site(
    sources: &crate::sources::Sources,
    settings: &ImportSettings,
    config_path: &str,
    now: chrono::DateTime<chrono::FixedOffset>,
    warnings: &mut Vec<Warning>,
) -> LiquidSite {
    let (data, data_warnings) = sources
        .site_root
        .as_deref()
        .map(read_data)
        .unwrap_or_default();
    warnings.extend(data_warnings);
    let (site, site_warnings) = LiquidSite::new(
        &SiteInputs {
            config_yaml: &sources.config_text,
            url: &settings.url,
            baseurl: &settings.baseurl,
            title: &settings.title,
            data,
            time: Some(now),
            markdown: settings.markdown.clone(),
            zone: settings.zone,
        },
        std::sync::Arc::new(DiskIncludes::new(sources.site_root.as_deref())),
    );
    let data_folder = sources
        .site_root
        .as_deref()
        .map(|root| root.join("_data"))
        .map_or_else(|| config_path.to_string(), |p| p.display().to_string());
    warnings.extend(site_warnings.into_iter().map(|(file, message)| Warning {
        path: format!("{data_folder}/{file}"),
        line: None,
        message,
    }));
    // What `post_url` may name: every post file found (a post rejected later still counts,
    // and has its own line in the report).
    let ids = sources.posts.iter().filter_map(|path| path.to_str());
    site.with_post_ids(PostIds::new(ids.map(gazette_import::import::post_id)))
}

/// The builder's record of `outcome`, its content moved to the store, and when it is imported
/// again.
fn keep(outcome: Outcome, spill: &Spill, names: &Names) -> std::io::Result<(Imported, Again)> {
    let mut outcome = outcome;
    spill.take(&mut outcome)?;
    let again = match &outcome {
        Outcome::Post(post) => Again {
            site_posts: post.wants_site_posts,
            every_build: post.wants_site_posts || post.links_to_posts,
        },
        _ => Again::default(),
    };
    Ok((Imported::of(outcome, names), again))
}

/// When a post is imported again.
#[derive(Debug, Clone, Copy, Default)]
struct Again {
    /// In this build, once every post is known: its Liquid lists the site's posts.
    site_posts: bool,
    /// In every update: what it shows depends on the other posts (its Liquid lists them, or
    /// its links were read against them).
    every_build: bool,
}

/// Posts whose Liquid asks for `site.posts`, `site.categories` or `site.tags` (`wanting`,
/// indexes in `imported` and `paths`) are imported a second time, once every post is known:
/// only they pay for the list.
fn import_again_with_site_posts(
    imported: &mut [Imported],
    wanting: &[usize],
    paths: &[PathBuf],
    (settings, liquid): (&ImportSettings, &LiquidSite),
    spill: &Spill,
    names: &Names,
) -> Result<()> {
    if wanting.is_empty() {
        return Ok(());
    }
    // An update's unchanged posts were not read: their titles and excerpts come from their
    // files again (checked against what the previous build recorded).
    let store = UpdateStore {
        spill,
        settings,
        liquid,
        again: std::sync::atomic::AtomicUsize::new(0),
    };
    let summaries: Vec<PostSummary> = imported
        .par_iter()
        .filter_map(|imported| match imported {
            Imported::Post(post) => Some(post),
            _ => None,
        })
        .map(|post| {
            let PostContent { title, excerpt, .. } = post.load_content(&store)?;
            Ok(PostSummary {
                id: post.id.to_string(),
                title,
                date: post.date,
                categories: post
                    .categories
                    .iter()
                    .map(|&c| names.categories.name(c))
                    .collect(),
                tags: post.tags.iter().map(|&t| names.tags.name(t)).collect(),
                excerpt,
                path: settings.relative_path(&post.path).to_string(),
                // Read from the file again: what a post's front matter sets beyond Jekyll's
                // own keys is kept nowhere else (only sites whose Liquid lists the posts pay).
                front_matter: std::fs::read(&*post.path)
                    .map(|bytes| gazette_import::import::front_matter_yaml(&bytes))
                    .unwrap_or_default(),
            })
        })
        .collect::<std::io::Result<_>>()
        .context("cannot read the posts' content back (for `site.posts`)")?;
    let with_posts = liquid.with_posts(&summaries);
    let again: Vec<(usize, Outcome)> = wanting
        .par_iter()
        .map_init(Vec::new, |buffer, &index| {
            (
                index,
                read_and_import(&paths[index], None, buffer, settings, &with_posts),
            )
        })
        .collect();
    for (index, outcome) in again {
        let (kept, _) = keep(outcome, spill, names).with_context(|| spill.write_error())?;
        imported[index] = kept;
    }
    spill.finish_writing()?;
    Ok(())
}

/// Says how big the archive in `out` came out (always warning when GitHub Pages would refuse
/// it): `archive`, its size as written. When the archive sits in a site folder (an
/// `index.html` beside it, as in `dist/archive`), the whole site is what Pages publishes, so
/// that is what is measured against its limits.
fn report_size(out: &Path, archive: &FolderSize, posts: usize, quiet: bool) -> Result<()> {
    // The site the archive is in (the app's folder): its other files, plus the archive.
    let site = out
        .parent()
        .filter(|parent| parent.join("index.html").is_file())
        .map(|parent| -> Result<_> {
            let mut size = FolderSize::measure_without(parent, Some(out))?;
            let name = out.file_name().unwrap_or_default().to_string_lossy();
            size.add(&name, archive);
            Ok((parent, size))
        })
        .transpose()?;
    if !quiet {
        eprintln!("archive: {posts} posts, {}", archive.describe());
    }
    let (measured, problems) = match &site {
        Some((folder, size)) => (folder.display().to_string(), size.pages_problems()),
        None => ("the archive".to_string(), archive.pages_problems()),
    };
    for problem in problems {
        eprintln!("warning: GitHub Pages: {measured}: {problem}");
    }
    Ok(())
}

fn print_report(report: &BuildReport, out: Option<&Path>, has_report_file: bool) {
    for warning in report.warnings.iter().take(LISTED_PROBLEMS) {
        let line = warning.line.map(|l| format!(":{l}")).unwrap_or_default();
        eprintln!("warning: {}{line}: {}", warning.path, warning.message);
    }
    for rejection in report.rejected.iter().take(LISTED_PROBLEMS) {
        eprintln!("rejected: {}: {}", rejection.path, rejection.reason);
    }
    let hidden = report.warnings.len().saturating_sub(LISTED_PROBLEMS)
        + report.rejected.len().saturating_sub(LISTED_PROBLEMS);
    if hidden > 0 {
        let hint = if has_report_file {
            "see the report file"
        } else {
            "use --report FILE to see them all"
        };
        eprintln!("… and {hidden} more ({hint})");
    }
    eprintln!("{}", report.summary());
    if let Some(out) = out {
        eprintln!("archive written to {}", out.display());
    }
}
