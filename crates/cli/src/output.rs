//! Writing the archive atomically: everything goes into a temporary sibling folder, which
//! then replaces the target with renames, so a failed or interrupted build never leaves a
//! half-written archive behind. Files can be written in several batches (the builder writes
//! most of them while the search index is still being built).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use anyhow::{bail, Context, Result};
use gazette_archive::archive::{
    chunk_path, summary_group_path, ListKey, Manifest, MANIFEST_FILE, SEGMENT_POSTS,
};
use gazette_import::store::{ArchiveFile, BuildId, FileDigest, Gzip};
use rayon::prelude::*;

use crate::pages::FolderSize;

/// A serialization buffer bigger than this is freed after its file rather than kept.
const KEPT_BUFFER_BYTES: usize = 64 << 20;

/// An archive being written: files go into a temporary sibling folder of the target, which
/// replaces the target on [`Staging::commit`]. Dropped uncommitted (an error, a panic), it
/// removes its folder, so a failed build leaves neither a half-written archive nor litter.
pub struct Staging {
    out: PathBuf,
    folder: PathBuf,
    /// Every file written so far, for the manifest's build id.
    build: BuildId,
    /// The manifest's size, once written.
    manifest_bytes: Option<u64>,
    committed: bool,
    /// An update: the archive's own folder is written to, a file only when its bytes
    /// changed.
    update: Option<Update>,
}

/// What an update in place keeps count of.
struct Update {
    /// The previous build's files.
    previous: Vec<FileDigest>,
    written: AtomicUsize,
    written_bytes: AtomicU64,
    unchanged: AtomicUsize,
    /// Files of the previous build kept without being made again.
    kept: usize,
    removed: usize,
}

/// What an update changed in the archive's folder.
#[derive(Debug, Clone, Copy)]
pub struct UpdateCounts {
    /// Files written (new or changed), and their bytes.
    pub written: usize,
    pub written_bytes: u64,
    /// Files made again with the bytes they had, so left alone.
    pub unchanged: usize,
    /// Files of the previous build kept without being made again.
    pub kept: usize,
    /// Files of the previous build that the archive no longer has.
    pub removed: usize,
}

impl Staging {
    /// Starts writing the archive that will replace `out`. Refuses, before any work is
    /// done, to replace a file or a non-empty folder that is not an archive, so a typo
    /// cannot delete someone's documents.
    pub fn new(out: &Path) -> Result<Staging> {
        if out.exists() {
            if !out.is_dir() {
                bail!(
                    "cannot write the archive to {}: it is a file",
                    out.display()
                );
            }
            let is_empty = fs::read_dir(out)
                .with_context(|| format!("cannot read {}", out.display()))?
                .next()
                .is_none();
            if !is_empty && !out.join(MANIFEST_FILE).is_file() {
                bail!(
                    "refusing to replace {}: it is not empty and holds no {MANIFEST_FILE}, so it is not a Gazette archive",
                    out.display()
                );
            }
        }
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "archive".into());
        remove_abandoned_staging(&parent, &name);
        let folder = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        if folder.exists() {
            fs::remove_dir_all(&folder)
                .with_context(|| format!("cannot clear {}", folder.display()))?;
        }
        fs::create_dir(&folder).with_context(|| format!("cannot create {}", folder.display()))?;
        Ok(Staging {
            out: out.to_path_buf(),
            folder,
            build: BuildId::default(),
            manifest_bytes: None,
            committed: false,
            update: None,
        })
    }

    /// Starts updating the archive in `out` in place, whose files are `previous` (as
    /// [`Staging::digests`] gave them). Nothing is removed before
    /// [`Staging::commit`]; an update that fails leaves an archive that only a full build
    /// makes whole again (the caller removes the state that would allow an update first).
    pub fn update(out: &Path, previous: Vec<FileDigest>) -> Staging {
        Staging {
            out: out.to_path_buf(),
            folder: out.to_path_buf(),
            build: BuildId::default(),
            manifest_bytes: None,
            committed: false,
            update: Some(Update {
                previous,
                written: AtomicUsize::new(0),
                written_bytes: AtomicU64::new(0),
                unchanged: AtomicUsize::new(0),
                kept: 0,
                removed: 0,
            }),
        }
    }

    /// Counts the files of the previous build that `keeps` says the update kept as they
    /// were, for the manifest's build id and versions.
    pub fn keep(&mut self, keeps: impl Fn(&str) -> bool) {
        if let Some(update) = &mut self.update {
            for file in &update.previous {
                if keeps(&file.path) {
                    self.build.add_digest(file.clone());
                    update.kept += 1;
                }
            }
        }
    }

    /// Every file of the archive but the manifest, with its digest (for the next update).
    pub fn digests(&self) -> Vec<FileDigest> {
        self.build.digests()
    }

    /// The size of the archive written: its files as recorded (those written and those an
    /// update kept), which is the folder's content without walking its hundreds of
    /// thousands of files again. `None` before the manifest is written.
    pub fn archive_size(&self) -> Option<FolderSize> {
        let manifest = self.manifest_bytes?;
        Some(self.build.with_digests(|files| {
            FolderSize::of_files(
                files
                    .iter()
                    .map(|file| (file.path.as_str(), file.size))
                    .chain([(MANIFEST_FILE, manifest)]),
            )
        }))
    }

    /// What the update changed (`None`: a full build).
    pub fn update_counts(&self) -> Option<UpdateCounts> {
        let update = self.update.as_ref()?;
        Some(UpdateCounts {
            written: update.written.load(Ordering::Relaxed),
            written_bytes: update.written_bytes.load(Ordering::Relaxed),
            unchanged: update.unchanged.load(Ordering::Relaxed),
            kept: update.kept,
            removed: update.removed,
        })
    }

    /// The folder the archive and its staging folder are in.
    pub fn parent(&self) -> &Path {
        self.folder.parent().unwrap_or(Path::new("."))
    }

    /// Serializes (and, for the `.gz` paths, compresses) and writes `files`, in parallel.
    /// Their folders are created first, so the parallel writers never race to create them.
    pub fn write(&self, files: &[(String, ArchiveFile<'_>)]) -> Result<()> {
        let folders: BTreeSet<PathBuf> = files
            .iter()
            .filter_map(|(relative, _)| self.folder.join(relative).parent().map(Path::to_path_buf))
            .collect();
        for folder in folders {
            fs::create_dir_all(&folder)
                .with_context(|| format!("cannot create {}", folder.display()))?;
        }
        // Buffers per rayon job, reused file after file; a buffer that a huge post grew is
        // let go (the JSON writer reserves six bytes per byte of a string it escapes). The
        // encoder is per thread: rayon calls a job's init far more often than once a thread,
        // and an encoder's tables cost a megabyte of fresh pages each time.
        thread_local! {
            static GZIP: std::cell::RefCell<Gzip> = std::cell::RefCell::new(Gzip::new());
        }
        files.par_iter().try_for_each_init(
            || (Vec::new(), Vec::new()),
            |(json, compressed), (relative, file)| {
                let bytes =
                    GZIP.with_borrow_mut(|gzip| file.store(relative, gzip, json, compressed));
                self.build.add(relative, bytes);
                let path = self.folder.join(relative);
                let same = self.update.as_ref().is_some_and(|update| {
                    let same = fs::metadata(&path).is_ok_and(|m| m.len() == bytes.len() as u64)
                        && fs::read(&path).is_ok_and(|old| old == *bytes);
                    if same {
                        update.unchanged.fetch_add(1, Ordering::Relaxed);
                    } else {
                        update.written.fetch_add(1, Ordering::Relaxed);
                        update
                            .written_bytes
                            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
                    }
                    same
                });
                // In place, a new file is renamed over the old one, so that no reader (or
                // hard-linked copy) ever sees a half-written file.
                let target = match &self.update {
                    Some(_) => path.with_extension("gazette-new"),
                    None => path.clone(),
                };
                let written = if same {
                    Ok(())
                } else {
                    fs::File::create(&target)
                        .and_then(|mut handle| handle.write_all(bytes))
                        .and_then(|()| {
                            if target == path {
                                Ok(())
                            } else {
                                fs::rename(&target, &path)
                            }
                        })
                        .with_context(|| format!("cannot write {}", path.display()))
                };
                for buffer in [json, compressed] {
                    if buffer.capacity() > KEPT_BUFFER_BYTES {
                        *buffer = Vec::new();
                    }
                }
                written
            },
        )
    }

    /// Writes the manifest, last: it names the build of every file written before it
    /// ([`Manifest::build`]).
    pub fn write_manifest(&mut self, manifest: &mut Manifest) -> Result<()> {
        manifest.build = self.build.finish();
        let layout = manifest.layout.clone();
        let versions = self.build.finish_groups(layout.segments.len(), |path| {
            let segment = layout.segment_holding(path)?;
            layout
                .segments
                .iter()
                .position(|s| std::ptr::eq(s, segment))
        });
        let groups: Vec<&String> = layout.id_shards.keys().collect();
        let id_versions = self.build.finish_groups(groups.len(), |path| {
            let group = path.strip_prefix("ids/")?.split('/').next()?;
            groups.iter().position(|g| g.as_str() == group)
        });
        let base_lists = |path: &str| ListKey::of_path(path).map(|_| 0);
        manifest.layout.list_version = self
            .build
            .finish_groups(1, base_lists)
            .pop()
            .unwrap_or_default();
        manifest.layout.id_versions = groups
            .iter()
            .map(|g| g.to_string())
            .zip(id_versions)
            .collect();
        let size = layout.summary_group_size.max(1);
        for (segment, version) in manifest.layout.segments.iter_mut().zip(versions) {
            segment.version = version;
            // The open segment: its groups and chunks each get their own version, a group
            // of one file each.
            if segment.end - segment.first < SEGMENT_POSTS {
                let groups = segment.first / size..segment.end.div_ceil(size);
                let chunks = segment.first_chunk..segment.end_chunk;
                let files: HashMap<String, usize> = groups
                    .clone()
                    .map(summary_group_path)
                    .chain(chunks.map(chunk_path))
                    .enumerate()
                    .map(|(i, path)| (path, i))
                    .collect();
                let mut versions = self
                    .build
                    .finish_groups(files.len(), |path| files.get(path).copied());
                segment.chunk_versions = versions.split_off(groups.len());
                segment.group_versions = versions;
            }
        }
        let mut json = Vec::new();
        ArchiveFile::Manifest(manifest).write(&mut json);
        let path = self.folder.join(MANIFEST_FILE);
        let temporary = path.with_extension("gazette-new");
        let bytes = json.len() as u64;
        fs::write(&temporary, json)
            .and_then(|()| fs::rename(&temporary, &path))
            .with_context(|| format!("cannot write {}", path.display()))?;
        self.manifest_bytes = Some(bytes);
        Ok(())
    }

    /// Puts the written archive in the target's place (an update: removes the previous
    /// build's files that the archive no longer has).
    pub fn commit(&mut self) -> Result<()> {
        assert!(
            self.manifest_bytes.is_some(),
            "the manifest is written before commit"
        );
        if let Some(update) = &mut self.update {
            // The previous build's files that this one does not have.
            let gone: Vec<&String> = self.build.with_digests(|now| {
                let has = |path: &str| now.binary_search_by(|f| f.path.as_str().cmp(path)).is_ok();
                update
                    .previous
                    .iter()
                    .map(|file| &file.path)
                    .filter(|path| !has(path) && *path != MANIFEST_FILE)
                    .collect()
            });
            let mut folders = BTreeSet::new();
            for path in gone {
                let file = self.folder.join(path);
                fs::remove_file(&file)
                    .with_context(|| format!("cannot remove {}", file.display()))?;
                update.removed += 1;
                folders.extend(file.parent().map(Path::to_path_buf));
            }
            // Folders left empty (a segment merged into a larger one), deepest first.
            for folder in folders.iter().rev() {
                let _ = fs::remove_dir(folder);
                if let Some(parent) = folder.parent().filter(|p| *p != self.folder) {
                    let _ = fs::remove_dir(parent);
                }
            }
        } else {
            swap_into_place(&self.folder, &self.out)?;
        }
        self.committed = true;
        Ok(())
    }
}

/// Removes the staging folders (`.{name}.tmp-PID`) in `parent` that builds which no longer
/// run left behind: a build that is killed (a signal, a cancelled CI job) cannot remove its
/// own, and each may hold most of an archive. A folder whose process still runs (another
/// build of the same archive) or whose owner cannot be told is left alone.
fn remove_abandoned_staging(parent: &Path, name: &str) {
    let prefix = format!(".{name}.tmp-");
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == std::process::id() || process_runs(pid) {
            continue;
        }
        let path = entry.path();
        if path.is_dir() && fs::remove_dir_all(&path).is_ok() {
            eprintln!(
                "note: removed {}, left by an interrupted build",
                path.display()
            );
        }
    }
}

/// Whether process `pid` runs (or might: anything but "no such process" counts as yes).
fn process_runs(pid: u32) -> bool {
    #[cfg(unix)]
    {
        match i32::try_from(pid)
            .ok()
            .and_then(rustix::process::Pid::from_raw)
        {
            Some(pid) => !matches!(
                rustix::process::test_kill_process(pid),
                Err(rustix::io::Errno::SRCH)
            ),
            None => true,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed && self.update.is_none() {
            let _ = fs::remove_dir_all(&self.folder);
        }
    }
}

fn swap_into_place(staging: &Path, out: &Path) -> Result<()> {
    let backup = staging.with_extension("old");
    if out.exists() {
        fs::rename(out, &backup)
            .with_context(|| format!("cannot move the old archive {} aside", out.display()))?;
    }
    if let Err(error) = fs::rename(staging, out) {
        if backup.exists() {
            let _ = fs::rename(&backup, out);
        }
        return Err(error)
            .with_context(|| format!("cannot move the new archive into {}", out.display()));
    }
    if backup.exists() {
        fs::remove_dir_all(&backup)
            .with_context(|| format!("cannot remove the old archive {}", backup.display()))?;
    }
    Ok(())
}
