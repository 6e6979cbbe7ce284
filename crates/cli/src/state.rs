//! `gazette build --state FILE`: what a build keeps for the next one, so that the next one
//! can update the archive in place (issue 18). The state holds every post file's size,
//! modification time and content hash with the builder's record of it (id, date, names,
//! warnings, its content's digest), every post's digest in number order, and every archive
//! file's digest and size; an update imports only the files whose size or content changed, and makes
//! only the archive files that hold a post that changed ([`build_archive_update`]).
//!
//! The file is the builder's own (postcard, read back only by the same Gazette version and
//! settings: anything else means a full build); it is written next to the archive, never in
//! it, because it is as large as a few percent of the archive and no reader needs it.
//!
//! [`build_archive_update`]: gazette_import::build::build_archive_update

use std::fs;
use std::hash::{BuildHasher, Hasher};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::{DateTime, FixedOffset, TimeZone};
use gazette_archive::archive::{
    decode, decode_bytes, position_shard_path, search_shard_path, summary_group_path, ArchiveError,
    IndexShardKey, Manifest, Segment, SummaryGroup, MANIFEST_FILE,
};
use gazette_archive::i18n::LetterCounts;
use gazette_import::build::{Imported, PostMeta, PreviousFiles, Record};
use gazette_import::import::Content;
use gazette_import::report::{Rejection, Warning};
use gazette_import::search_index::SegmentFiles;
use gazette_import::store::{stored_contents_fast, FileDigest};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Bumped whenever what the state holds or means changes.
const STATE_VERSION: u32 = 6;
const MAGIC: &[u8; 8] = b"GZSTATE\n";

/// What identifies a source file's bytes without reading them again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileKey {
    pub size: u64,
    /// Seconds and nanoseconds since the epoch.
    pub modified: (i64, u32),
    /// [`content_hash`] of its bytes.
    pub hash: u64,
    /// Its git blob id (the first 64 bits), when the site is a git checkout and git finds
    /// the file as committed: equal ids mean equal bytes, whatever the file's time.
    pub git: Option<u64>,
}

impl FileKey {
    /// The size and modification time of `path` (its hash to be filled in).
    pub fn stat(path: &Path) -> Option<FileKey> {
        let metadata = fs::metadata(path).ok()?;
        let modified = metadata.modified().ok()?;
        let since = modified.duration_since(std::time::UNIX_EPOCH).ok()?;
        Some(FileKey::of(
            metadata.len(),
            (since.as_secs() as i64, since.subsec_nanos()),
        ))
    }

    /// [`FileKey::stat`] of the file `name` in the open folder `folder`: the kernel looks up
    /// one name instead of the whole path (the same size and time).
    #[cfg(unix)]
    pub fn stat_in(folder: &fs::File, name: &std::ffi::OsStr) -> Option<FileKey> {
        let stat = rustix::fs::statat(folder, name, rustix::fs::AtFlags::empty()).ok()?;
        // `i64` here; narrower on some 32-bit targets.
        #[allow(clippy::useless_conversion)]
        let seconds = i64::from(stat.st_mtime);
        let nanoseconds = u32::try_from(stat.st_mtime_nsec).ok()?;
        if seconds < 0 {
            // Before the epoch: as `FileKey::stat`, no key.
            return None;
        }
        Some(FileKey::of(
            u64::try_from(stat.st_size).ok()?,
            (seconds, nanoseconds),
        ))
    }

    fn of(size: u64, modified: (i64, u32)) -> FileKey {
        FileKey {
            size,
            modified,
            hash: 0,
            git: None,
        }
    }
}

/// The folders of a list of files, each opened once, so that the files can be looked at
/// from their folder ([`FileKey::stat_in`]). Each file's folder and name are found once, by
/// the file's place in the list, from its path's bytes: at two million files, parsing each
/// path into components (twice) and hashing its folder's path to find the open folder cost
/// more than a tenth of an update's time.
#[derive(Default)]
pub struct Folders {
    #[cfg(unix)]
    open: Vec<fs::File>,
    /// Per file of the list: its folder in `open` and where its name starts in its path
    /// ([`NO_FOLDER`]: none, the file is looked at by its path).
    #[cfg(unix)]
    of_file: Vec<(u32, u32)>,
}

#[cfg(unix)]
const NO_FOLDER: u32 = u32::MAX;

impl Folders {
    /// Opens the folder of each of `files` (a folder that cannot be opened is left out: its
    /// files are looked at by their path).
    pub fn of(files: &[PathBuf]) -> Folders {
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let mut open = Vec::new();
            let mut opened: rustc_hash::FxHashMap<&[u8], u32> = Default::default();
            let mut last: Option<(&[u8], u32)> = None;
            let of_file = files
                .iter()
                .map(|file| {
                    let bytes = file.as_os_str().as_bytes();
                    // The folder is what comes before the last `/`; a path without one, or
                    // ending in one, or whose name is `.` or `..`, is looked at whole.
                    let Some(slash) = memchr::memrchr(b'/', bytes) else {
                        return (NO_FOLDER, 0);
                    };
                    let (folder, name) = (&bytes[..slash.max(1)], &bytes[slash + 1..]);
                    let Ok(name_start) = u32::try_from(slash + 1) else {
                        return (NO_FOLDER, 0);
                    };
                    if matches!(name, b"" | b"." | b"..") {
                        return (NO_FOLDER, 0);
                    }
                    let at = match last {
                        Some((last, at)) if last == folder => at,
                        _ => *opened.entry(folder).or_insert_with(|| {
                            match fs::File::open(std::ffi::OsStr::from_bytes(folder)) {
                                Ok(opened) => {
                                    open.push(opened);
                                    (open.len() - 1) as u32
                                }
                                Err(_) => NO_FOLDER,
                            }
                        }),
                    };
                    last = Some((folder, at));
                    (at, name_start)
                })
                .collect();
            Folders { open, of_file }
        }
        #[cfg(not(unix))]
        {
            let _ = files;
            Folders {}
        }
    }

    /// [`FileKey::stat`] of `path`, the file number `index` of the list the folders were
    /// opened for, from its folder when it is open.
    pub fn stat(&self, index: usize, path: &Path) -> Option<FileKey> {
        #[cfg(unix)]
        if let Some(&(folder, name_start)) = self.of_file.get(index) {
            use std::os::unix::ffi::OsStrExt;
            if folder != NO_FOLDER {
                let name = path.as_os_str().as_bytes().get(name_start as usize..)?;
                return FileKey::stat_in(
                    &self.open[folder as usize],
                    std::ffi::OsStr::from_bytes(name),
                );
            }
        }
        #[cfg(not(unix))]
        let _ = index;
        FileKey::stat(path)
    }
}

/// Values by a hash of a path, not the path itself (two million paths as keys take about
/// 200 MB). Two paths with one hash are both left out: a lookup of either finds nothing, and
/// the builder treats the file as one it knows nothing of.
#[derive(Debug)]
pub struct PathIndex<V> {
    by_hash: rustc_hash::FxHashMap<u64, Option<V>>,
}

impl<V> Default for PathIndex<V> {
    fn default() -> Self {
        PathIndex {
            by_hash: Default::default(),
        }
    }
}

impl<V: Copy + PartialEq> PathIndex<V> {
    fn hash(path: &str) -> u64 {
        let mut hasher = rustc_hash::FxBuildHasher.build_hasher();
        hasher.write(path.as_bytes());
        hasher.finish()
    }

    pub fn with_capacity(capacity: usize) -> Self {
        let mut index = PathIndex::default();
        index.by_hash.reserve(capacity);
        index
    }

    /// Files `value` under `path` (the same value twice under one path is one entry).
    pub fn insert(&mut self, path: &str, value: V) {
        self.by_hash
            .entry(Self::hash(path))
            .and_modify(|known| {
                if *known != Some(value) {
                    *known = None;
                }
            })
            .or_insert(Some(value));
    }

    pub fn get(&self, path: &str) -> Option<V> {
        // Empty (not a git checkout): no need to hash the path.
        if self.by_hash.is_empty() {
            return None;
        }
        *self.by_hash.get(&Self::hash(path))?
    }
}

/// A hash of a source file's bytes.
pub fn content_hash(bytes: &[u8]) -> u64 {
    let mut hasher = rustc_hash::FxBuildHasher.build_hasher();
    hasher.write(bytes);
    hasher.write_usize(bytes.len());
    hasher.finish()
}

#[derive(Serialize, Deserialize)]
struct Head {
    version: u32,
    generator: String,
    fingerprint: u64,
}

/// One post file as the state holds it, read back.
#[derive(Debug, Deserialize)]
struct SavedFile {
    path: String,
    key: FileKey,
    wants_site_posts: bool,
    imported: SavedImported,
}

#[derive(Debug, Deserialize)]
enum SavedImported {
    Post {
        id: String,
        date: Option<(i64, u32, i32)>,
        categories: Vec<u32>,
        tags: Vec<u32>,
        permalink: Option<String>,
        digest: u64,
        warnings: Vec<(String, Option<u64>, String)>,
    },
    Unpublished,
    Rejected {
        path: String,
        reason: String,
    },
}

/// [`SavedFile`] as it is written: borrowed from the builder's records (the same encoding).
#[derive(Serialize)]
struct SavedFileRef<'a> {
    path: &'a str,
    key: FileKey,
    wants_site_posts: bool,
    imported: SavedImportedRef<'a>,
}

#[derive(Serialize)]
enum SavedImportedRef<'a> {
    Post {
        id: &'a str,
        /// Seconds, nanoseconds, offset in seconds.
        date: Option<(i64, u32, i32)>,
        categories: &'a [u32],
        tags: &'a [u32],
        permalink: Option<&'a str>,
        digest: u64,
        /// Path, line, message.
        warnings: Vec<(&'a str, Option<u64>, &'a str)>,
    },
    Unpublished,
    Rejected {
        path: &'a str,
        reason: &'a str,
    },
}

impl<'a> SavedFileRef<'a> {
    fn of(path: &'a str, key: FileKey, wants_site_posts: bool, imported: &'a Imported) -> Self {
        let imported = match imported {
            Imported::Post(post) => SavedImportedRef::Post {
                id: &post.id,
                date: post.date.map(|d| {
                    (
                        d.timestamp(),
                        d.timestamp_subsec_nanos(),
                        d.offset().local_minus_utc(),
                    )
                }),
                categories: &post.categories,
                tags: &post.tags,
                permalink: post.permalink.as_deref(),
                digest: post.content.digest(),
                warnings: post
                    .warnings
                    .iter()
                    .map(|w| {
                        (
                            w.path.as_str(),
                            w.line.map(|l| l as u64),
                            w.message.as_str(),
                        )
                    })
                    .collect(),
            },
            Imported::Unpublished { .. } => SavedImportedRef::Unpublished,
            Imported::Rejected(rejection) => SavedImportedRef::Rejected {
                path: &rejection.path,
                reason: &rejection.reason,
            },
        };
        SavedFileRef {
            path,
            key,
            wants_site_posts,
            imported,
        }
    }
}

/// A post file the state describes: the builder's record of it (its content
/// [unloaded](Content::Unloaded)), its key, and whether it is imported again by every build
/// (its Liquid lists the site's posts, or its links were read against them: the field keeps
/// its first name).
#[derive(Debug)]
pub struct SavedEntry {
    pub imported: Imported,
    pub key: FileKey,
    pub wants_site_posts: bool,
}

impl SavedEntry {
    fn path(&self) -> &str {
        match &self.imported {
            Imported::Post(post) => &post.path,
            Imported::Unpublished { path } => path,
            Imported::Rejected(rejection) => &rejection.path,
        }
    }
}

impl SavedFile {
    /// The entry it stands for; `None` when the state is damaged.
    fn into_entry(self) -> Option<SavedEntry> {
        let imported = match self.imported {
            SavedImported::Post {
                id,
                date,
                categories,
                tags,
                permalink,
                digest,
                warnings,
            } => Imported::Post(PostMeta {
                id: id.into(),
                path: self.path.into(),
                date: match date {
                    Some((seconds, nanos, offset)) => Some(
                        FixedOffset::east_opt(offset)?
                            .timestamp_opt(seconds, nanos)
                            .single()?,
                    ),
                    None => None::<DateTime<FixedOffset>>,
                },
                categories: categories.into(),
                tags: tags.into(),
                permalink: permalink.map(Into::into),
                content: Content::Unloaded { digest },
                warnings: warnings
                    .into_iter()
                    .map(|(path, line, message)| Warning {
                        path,
                        line: line.map(|l| l as usize),
                        message,
                    })
                    .collect(),
            }),
            SavedImported::Unpublished => Imported::Unpublished { path: self.path },
            SavedImported::Rejected { path, reason } => {
                Imported::Rejected(Rejection { path, reason })
            }
        };
        Some(SavedEntry {
            imported,
            key: self.key,
            wants_site_posts: self.wants_site_posts,
        })
    }
}

/// What the state says about the build as a whole.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Tail {
    /// The manifest's `build`: the state describes that archive only.
    pub build: String,
    /// The names the saved records' category and tag numbers stand for.
    pub categories: Vec<String>,
    pub tags: Vec<String>,
    pub posts: Vec<u64>,
    pub letters: Vec<[u64; 4]>,
    /// [`Record::id_month_ends`].
    pub id_month_ends: Vec<(u32, u32)>,
    /// [`Record::lists`].
    pub lists: (u32, u32, u32),
    /// [`Record::shown`], as JSON (summaries leave out empty fields, which a format without
    /// field names could not read back).
    pub shown: String,
    /// Every archive file but the manifest, with its digest and size.
    pub digests: Vec<FileDigest>,
}

impl Tail {
    pub fn record(&self) -> Record {
        Record {
            posts: self.posts.clone(),
            letters: self
                .letters
                .iter()
                .map(|&c| LetterCounts::from_counts(c))
                .collect(),
            id_month_ends: self.id_month_ends.clone(),
            lists: self.lists,
            // Damaged, it is only a shortcut lost: the summaries are read from their groups.
            shown: serde_json::from_str(&self.shown).unwrap_or_default(),
            ..Record::default()
        }
    }
}

/// Appends to `out` the state's record of the post file at `path`, with `key`, whose record
/// is `imported` (what [`StateWriter::put_encoded`] writes; encoded apart so that the records
/// of two million files are encoded in parallel).
pub fn encode_file(
    out: Vec<u8>,
    path: &str,
    key: FileKey,
    wants_site_posts: bool,
    imported: &Imported,
) -> Result<Vec<u8>> {
    postcard::to_extend(
        &SavedFileRef::of(path, key, wants_site_posts, imported),
        out,
    )
    .context("cannot encode the state")
}

/// A state read back, and the archive it describes.
pub struct Loaded {
    /// The [`fingerprint`] of the build it describes: the caller compares it with its own.
    pub fingerprint: u64,
    /// The post files it describes, each taken (`None`) once the build has used it.
    pub files: Vec<Option<SavedEntry>>,
    /// Index in `files` by path (two million binary searches over long paths with a common
    /// prefix cost a second).
    by_path: PathIndex<u32>,
    pub tail: Tail,
    pub manifest: Manifest,
}

impl Loaded {
    /// The index in `files` of the file at `path`.
    pub fn find(&self, path: &str) -> Option<usize> {
        let at = self.by_path.get(path)? as usize;
        let entry = self.files.get(at)?.as_ref()?;
        (entry.path() == path).then_some(at)
    }

    /// [`Loaded::find`], trying the file after the last one found first (`next`, which it
    /// moves on): files are looked up in the order the state lists them, so that is almost
    /// always the one, read from memory in order instead of through a hash table.
    pub fn find_after(&self, path: &str, next: &mut usize) -> Option<usize> {
        let at = match self.files.get(*next) {
            Some(Some(entry)) if entry.path() == path => *next,
            _ => self.find(path)?,
        };
        *next = at + 1;
        Some(at)
    }

    /// Lets go of what [`Loaded::find`] needs, once every file has been looked up.
    pub fn forget_paths(&mut self) {
        self.by_path = Default::default();
    }
}

/// What everything a post's rendering depends on besides its own file hashes to: the
/// Gazette program itself (its bytes: the version number stays the same across commits,
/// and a builder that renders differently must not reuse an older one's records), the
/// command's settings, `_config.yml`, `_data/` and `_includes/`.
pub fn fingerprint(parts: &[&[u8]], site_root: Option<&Path>) -> u64 {
    let mut hasher = rustc_hash::FxBuildHasher.build_hasher();
    hasher.write(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.write_u32(STATE_VERSION);
    match std::env::current_exe().and_then(fs::read) {
        Ok(program) => hasher.write_u64(content_hash(&program)),
        // Unknown: a fingerprint no later build shares, so the state is never trusted.
        Err(_) => hasher.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        ),
    }
    for part in parts {
        hasher.write_usize(part.len());
        hasher.write(part);
    }
    if let Some(root) = site_root {
        for folder in ["_data", "_includes"] {
            for entry in walkdir::WalkDir::new(root.join(folder))
                .sort_by_file_name()
                .into_iter()
                .flatten()
                .filter(|e| e.file_type().is_file())
            {
                hasher.write(entry.path().to_string_lossy().as_bytes());
                if let Ok(bytes) = fs::read(entry.path()) {
                    hasher.write_u64(content_hash(&bytes));
                }
            }
        }
    }
    hasher.finish()
}

/// Reads the state at `path` for the archive in `out` (the caller checks its
/// [`fingerprint`]); `Err` says why an update is not possible.
pub fn load(path: &Path, out: &Path) -> std::result::Result<Loaded, String> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err("no state yet".into())
        }
        Err(error) => return Err(format!("cannot read it: {error}")),
    };
    let rest = bytes
        .strip_prefix(MAGIC)
        .ok_or("it is not a Gazette state file")?;
    let damaged = |e: postcard::Error| format!("it is damaged ({e})");
    let (head, rest): (Head, _) = postcard::take_from_bytes(rest).map_err(damaged)?;
    if head.version != STATE_VERSION || head.generator != env!("CARGO_PKG_VERSION") {
        return Err(format!(
            "it was written by {} (state {}), this is gazette {} (state {STATE_VERSION})",
            head.generator,
            head.version,
            env!("CARGO_PKG_VERSION")
        ));
    }
    // The tail first (its length ends the file): whether the state describes the archive
    // in `out` is known before two million records are read.
    let tail_len = rest
        .len()
        .checked_sub(8)
        .map(|at| u64::from_le_bytes(rest[at..].try_into().expect("8 bytes")) as usize)
        .filter(|&len| len + 8 <= rest.len())
        .ok_or("it is damaged (it ends too early)")?;
    let (rest, tail_bytes) = rest[..rest.len() - 8].split_at(rest.len() - 8 - tail_len);
    let tail: Tail = postcard::from_bytes(tail_bytes).map_err(damaged)?;
    let manifest_path = out.join(MANIFEST_FILE);
    let manifest: Manifest = fs::read_to_string(&manifest_path)
        .map_err(|e| format!("cannot read {}: {e}", manifest_path.display()))
        .and_then(|json| {
            decode(&manifest_path.display().to_string(), &json).map_err(|e| e.to_string())
        })?;
    if manifest.build != tail.build {
        return Err(format!(
            "{} is not the archive it describes (built since by another command?)",
            out.display()
        ));
    }
    // One file at a time, each made into the builder's record at once: the state's own
    // strings never all sit in memory beside the records.
    let (count, mut rest): (u32, _) = postcard::take_from_bytes(rest).map_err(damaged)?;
    let mut files = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let (file, after): (SavedFile, _) = postcard::take_from_bytes(rest).map_err(damaged)?;
        rest = after;
        files.push(Some(
            file.into_entry()
                .ok_or("it is damaged (a date out of range)")?,
        ));
    }
    if !rest.is_empty() {
        return Err("it is damaged (bytes left over)".into());
    }
    let mut by_path = PathIndex::with_capacity(files.len());
    for (at, file) in files.iter().enumerate() {
        if let Some(file) = file {
            by_path.insert(file.path(), at as u32);
        }
    }
    Ok(Loaded {
        fingerprint: head.fingerprint,
        files,
        by_path,
        tail,
        manifest,
    })
}

/// A state being written: to a temporary file beside `path`, renamed to `path` when it
/// is whole ([`StateWriter::finish`]), removed if the build fails first. The post files'
/// records are written before the build (which consumes them), straight to disk.
pub struct StateWriter {
    path: PathBuf,
    temporary: PathBuf,
    file: Option<BufWriter<fs::File>>,
}

impl StateWriter {
    /// Starts the state of a build whose settings have `fingerprint`, with its `count`
    /// post files, which [`StateWriter::put_file`] adds next.
    pub fn create(path: &Path, fingerprint: u64, count: usize) -> Result<StateWriter> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        let temporary = path.with_extension("gazette-new");
        let file = fs::File::create(&temporary)
            .with_context(|| format!("cannot write {}", temporary.display()))?;
        let mut writer = StateWriter {
            path: path.to_path_buf(),
            file: Some(BufWriter::new(file)),
            temporary,
        };
        let head = Head {
            version: STATE_VERSION,
            generator: env!("CARGO_PKG_VERSION").to_string(),
            fingerprint,
        };
        writer.put_bytes(MAGIC)?;
        writer.put(&head)?;
        writer.put(&(count as u32))?;
        Ok(writer)
    }

    /// Adds post files already encoded by [`encode_file`], in order.
    pub fn put_encoded(&mut self, encoded: &[u8]) -> Result<()> {
        self.put_bytes(encoded)
    }

    fn put<T: Serialize>(&mut self, value: &T) -> Result<()> {
        let bytes = postcard::to_stdvec(value).context("cannot encode the state")?;
        self.put_bytes(&bytes)
    }

    fn put_bytes(&mut self, bytes: &[u8]) -> Result<()> {
        let file = self.file.as_mut().expect("open until finished");
        file.write_all(bytes)
            .with_context(|| format!("cannot write {}", self.temporary.display()))
    }

    /// Ends the state with `tail` (and its length, so that a reader finds it first) and
    /// puts it in its place.
    pub fn finish(mut self, tail: &Tail) -> Result<()> {
        let bytes = postcard::to_stdvec(tail).context("cannot encode the state")?;
        self.put_bytes(&bytes)?;
        self.put_bytes(&(bytes.len() as u64).to_le_bytes())?;
        let file = self.file.take().expect("open until finished");
        file.into_inner()
            .map_err(|e| e.into_error())
            .and_then(|f| f.sync_all())
            .with_context(|| format!("cannot write {}", self.temporary.display()))?;
        fs::rename(&self.temporary, &self.path)
            .with_context(|| format!("cannot write {}", self.path.display()))
    }
}

impl Drop for StateWriter {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = fs::remove_file(&self.temporary);
        }
    }
}

/// Removes the state at `path` (an update in place is about to change the archive: if it
/// stops half-way, the next build must be a full one).
pub fn remove(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            Err(error).with_context(|| format!("cannot remove {}", path.display()))
        }
        _ => Ok(()),
    }
}

/// The previous archive's files, read back by an update.
pub struct ArchiveFiles {
    pub dir: PathBuf,
}

impl ArchiveFiles {
    /// The bytes of one archive file, as stored.
    fn bytes(&self, relative: &str) -> std::io::Result<Vec<u8>> {
        let path = self.dir.join(relative);
        fs::read(&path)
            .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))
    }

    /// The contents of one archive file (decoded from gzip, as readers do).
    fn read(&self, relative: &str) -> std::io::Result<Vec<u8>> {
        let bytes = self.bytes(relative)?;
        stored_contents_fast(relative, &bytes).map_err(invalid_data)
    }
}

fn invalid_data(error: ArchiveError) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, error.to_string())
}

impl PreviousFiles for ArchiveFiles {
    fn summary_group(&self, group: u32) -> std::io::Result<SummaryGroup> {
        let path = summary_group_path(group);
        // Decompressed here (fast), then decoded as readers decode a plain file.
        decode_bytes(&path, &self.read(&path)?).map_err(invalid_data)
    }

    fn index(&self, segment: &Segment) -> std::io::Result<SegmentFiles> {
        let key = |shard| IndexShardKey {
            first: segment.first,
            end: segment.end,
            shard,
        };
        Ok(SegmentFiles {
            shards: (0..segment.shards)
                .into_par_iter()
                .map(|n| self.read(&search_shard_path(key(n))))
                .collect::<std::io::Result<_>>()?,
            positions: (0..segment.position_shards)
                .into_par_iter()
                .map(|n| self.read(&position_shard_path(key(n))))
                .collect::<std::io::Result<_>>()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_looked_at_from_its_folder_has_the_key_of_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<PathBuf> = ["a.md", "b.md"]
            .iter()
            .map(|name| dir.path().join(name))
            .collect();
        fs::write(&files[0], "first").unwrap();
        fs::write(&files[1], "second, longer").unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        let nested = dir.path().join("sub").join("c.md");
        fs::write(&nested, "third file").unwrap();
        // A folder met again after another one, a folder that is a symbolic link's name,
        // and a file that is gone (a path without a folder is below).
        let gone = dir.path().join("gone.md");
        let mut files = files;
        files.extend([nested, dir.path().join("a.md"), gone.clone()]);
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("sub"), dir.path().join("link")).unwrap();
            files.push(dir.path().join("link").join("c.md"));
        }
        let folders = Folders::of(&files);
        for (index, file) in files.iter().enumerate() {
            let key = FileKey::stat(file);
            assert_eq!(folders.stat(index, file), key, "{}", file.display());
            if file != &gone {
                assert_eq!(key.unwrap().size, fs::metadata(file).unwrap().len());
            }
        }
        let gone_at = files.iter().position(|file| file == &gone).unwrap();
        assert_eq!(folders.stat(gone_at, &gone), None);
        assert_eq!(
            Folders::default().stat(1, &files[1]),
            FileKey::stat(&files[1])
        );
        // A relative path without a folder is looked at whole.
        let here = Folders::of(&[PathBuf::from("Cargo.toml")]);
        assert_eq!(
            here.stat(0, Path::new("Cargo.toml")),
            FileKey::stat(Path::new("Cargo.toml"))
        );
    }
}
