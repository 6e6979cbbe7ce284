//! Reading ahead: while the import works on one slice of the post files, a few threads ask
//! the kernel to read the files of the next slices (`open`, then `posix_fadvise(WILLNEED)`,
//! which starts the read and returns).
//!
//! From a cold page cache (a checkout not read for a while, a runner whose memory could not
//! keep two million files) the import's two workers spent most of their time waiting for
//! one small file each: 100,000 generator posts imported in 13.6 s cold against 3.4 s warm
//! (`cat` of the same files: 9.6 s with two readers, 4.5 s with sixteen). With the kernel
//! reading ahead on several files at once, the workers find the files in memory.
//!
//! The files opened ahead are handed to the workers ([`Opened::take`]), which then do not
//! open them a second time (`open` looks the path up and was 2-3% of a warm build's time).

use std::fs::File;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

/// Files in a slice: large enough that the workers' pause between slices is nothing, small
/// enough that the first slice (asked for while the workers read it) is.
const SLICE: usize = 1024;
/// Slices read ahead of the one being imported.
const AHEAD: usize = 2;
/// Threads that ask for files: each waits for one file's metadata at a time (`open` reads
/// the folder and the inode itself), so several keep the disk busy.
const THREADS: usize = 8;

/// Descriptors kept open besides the files handed over: the output's files, the temporary
/// file, the standard streams.
const SPARE_DESCRIPTORS: u64 = 1024;

/// Runs `work` on consecutive ranges of `paths`, in order, while [`THREADS`] threads ask the
/// kernel to read the files of the next [`AHEAD`] ranges and keep them open for the work to
/// take ([`Opened::take`]); the results, in order. Stops at the first error.
pub fn in_slices<T, E>(
    paths: &[PathBuf],
    mut work: impl FnMut(Range<usize>, &Opened) -> Result<Vec<T>, E>,
) -> Result<Vec<T>, E> {
    let window = SLICE * (AHEAD + 1);
    let ahead = Ahead {
        next: AtomicUsize::new(0),
        floor: AtomicUsize::new(0),
        limit: Mutex::new(0),
        moved: Condvar::new(),
        stop: AtomicBool::new(false),
        opened: Opened::with_slots(if may_hold_open(window) { window } else { 0 }),
    };
    std::thread::scope(|scope| {
        for _ in 0..THREADS.min(paths.len().div_ceil(SLICE)) {
            scope.spawn(|| ahead.run(paths));
        }
        // The threads stop however the work ends: with its results, an error or a panic
        // (which the scope would otherwise wait on forever, the threads waiting for slices).
        let _stop = Stop(&ahead);
        let mut out = Vec::with_capacity(paths.len());
        for start in (0..paths.len()).step_by(SLICE) {
            ahead.allow(start, paths.len().min(start + SLICE * (AHEAD + 1)));
            out.extend(work(start..paths.len().min(start + SLICE), &ahead.opened)?);
        }
        Ok(out)
    })
}

/// Stops the reading threads when dropped.
struct Stop<'a>(&'a Ahead);

impl Drop for Stop<'_> {
    fn drop(&mut self) {
        self.0.finish();
    }
}

/// The files opened ahead, for the work to take: slot `index % slots` holds the file of
/// path `index` (with its index: a slot may still hold a file of an earlier window that no
/// one took, which is then closed).
#[derive(Default)]
pub struct Opened {
    slots: Vec<Mutex<Option<(usize, File)>>>,
}

impl Opened {
    /// No file is ever handed over (an update reads only the few files that changed).
    pub fn none() -> Opened {
        Opened::default()
    }

    fn with_slots(slots: usize) -> Opened {
        Opened {
            slots: (0..slots).map(|_| Mutex::new(None)).collect(),
        }
    }

    fn slot(&self, index: usize) -> Option<std::sync::MutexGuard<'_, Option<(usize, File)>>> {
        let slot = self.slots.get(index % self.slots.len().max(1))?;
        Some(slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }

    fn put(&self, index: usize, file: File) {
        if let Some(mut slot) = self.slot(index) {
            *slot = Some((index, file));
        }
    }

    /// The file of path number `index`, opened ahead, if it was.
    pub fn take(&self, index: usize) -> Option<File> {
        match self.slot(index)?.take()? {
            (at, file) if at == index => Some(file),
            _ => None,
        }
    }
}

/// Whether `count` more files may stay open: the soft limit on open files is raised (as far
/// as the hard one allows) when it is lower than they need with [`SPARE_DESCRIPTORS`] more
/// (Linux's default soft limit is 1,024; an unlimited hard limit allows any).
#[cfg(unix)]
fn may_hold_open(count: usize) -> bool {
    use rustix::process::{getrlimit, setrlimit, Resource};
    let needed = count as u64 + SPARE_DESCRIPTORS;
    let mut limit = getrlimit(Resource::Nofile);
    match limit.current {
        Some(current) if current < needed => {
            let raised = limit.maximum.map_or(needed, |maximum| maximum.min(needed));
            limit.current = Some(raised);
            raised >= needed && setrlimit(Resource::Nofile, limit).is_ok()
        }
        _ => true,
    }
}

#[cfg(not(unix))]
fn may_hold_open(_count: usize) -> bool {
    false
}

struct Ahead {
    /// The next file to ask for.
    next: AtomicUsize,
    /// The first file of the slice being imported: files before it are read already (from
    /// a warm cache the workers outrun the threads, which then skip ahead).
    floor: AtomicUsize,
    /// Files before this one may be asked for.
    limit: Mutex<usize>,
    moved: Condvar,
    stop: AtomicBool,
    opened: Opened,
}

impl Ahead {
    fn run(&self, paths: &[PathBuf]) {
        let mut folder = Folder::default();
        loop {
            let at = self.next.fetch_add(1, Ordering::Relaxed);
            if at >= paths.len() {
                return;
            }
            let floor = self.floor.load(Ordering::Relaxed);
            if at < floor {
                self.next.fetch_max(floor, Ordering::Relaxed);
                continue;
            }
            let mut limit = self.limit.lock().expect("never poisoned");
            while at >= *limit && !self.stop.load(Ordering::Relaxed) {
                limit = self.moved.wait(limit).expect("never poisoned");
            }
            drop(limit);
            if self.stop.load(Ordering::Relaxed) {
                return;
            }
            if let Some(file) = read_ahead(&paths[at], &mut folder) {
                self.opened.put(at, file);
            }
        }
    }

    /// The workers are at file `floor`; files before `limit` may be asked for.
    fn allow(&self, floor: usize, limit: usize) {
        self.floor.store(floor, Ordering::Relaxed);
        *self.limit.lock().expect("never poisoned") = limit;
        self.moved.notify_all();
    }

    fn finish(&self) {
        self.stop.store(true, Ordering::Relaxed);
        let _guard = self.limit.lock().expect("never poisoned");
        self.moved.notify_all();
    }
}

/// The folder of the last file a thread opened, kept open: the paths come sorted, so most
/// files are opened by their name in it (`openat`) instead of by their whole path, whose
/// every folder `open` would look up again.
#[derive(Default)]
struct Folder<'a> {
    #[cfg(unix)]
    open: Option<(&'a Path, std::os::fd::OwnedFd)>,
    #[cfg(not(unix))]
    open: std::marker::PhantomData<&'a Path>,
}

/// Opens `path` (by its name in `folder`, which it opens first when the path is in another
/// folder) and asks the kernel to read it into its cache. A failure is the import's to
/// report, when it opens the file itself.
#[cfg(unix)]
fn read_ahead<'a>(path: &'a Path, folder: &mut Folder<'a>) -> Option<File> {
    use rustix::fs::{Advice, Mode, OFlags};
    let (parent, name) = (path.parent()?, path.file_name()?);
    if folder.open.as_ref().is_none_or(|(open, _)| *open != parent) {
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
        folder.open = Some((parent, rustix::fs::open(parent, flags, Mode::empty()).ok()?));
    }
    let (_, fd) = folder.open.as_ref()?;
    let flags = OFlags::RDONLY | OFlags::CLOEXEC;
    let file = File::from(rustix::fs::openat(fd, name, flags, Mode::empty()).ok()?);
    let _ = rustix::fs::fadvise(&file, 0, None, Advice::WillNeed);
    Some(file)
}

#[cfg(not(unix))]
fn read_ahead(_path: &Path, _folder: &mut Folder<'_>) -> Option<File> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(count: usize) -> (tempfile::TempDir, Vec<PathBuf>) {
        let dir = tempfile::tempdir().unwrap();
        let paths = (0..count)
            .map(|i| {
                let path = dir.path().join(format!("{i:05}.md"));
                std::fs::write(&path, i.to_string()).unwrap();
                path
            })
            .collect();
        (dir, paths)
    }

    #[test]
    fn the_work_sees_every_file_once_in_order() {
        let (_dir, mut paths) = files(2 * SLICE + 7);
        // A file that is missing is the work's to report, not the reader-ahead's.
        paths.push(PathBuf::from("/nonexistent/gazette/post.md"));
        let mut ranges = Vec::new();
        let read: Result<Vec<String>, std::io::Error> = in_slices(&paths, |range, _| {
            ranges.push(range.clone());
            paths[range]
                .iter()
                .map(|p| std::fs::read_to_string(p).or_else(|_| Ok("missing".into())))
                .collect()
        });
        let read = read.unwrap();
        let expected: Vec<String> = (0..2 * SLICE + 7)
            .map(|i| i.to_string())
            .chain(["missing".to_string()])
            .collect();
        assert_eq!(read, expected);
        assert_eq!(
            ranges,
            [0..SLICE, SLICE..2 * SLICE, 2 * SLICE..2 * SLICE + 8]
        );
    }

    #[test]
    fn the_work_takes_the_files_opened_ahead_each_for_its_own_path() {
        let (_dir, paths) = files(3 * SLICE + 5);
        let mut taken = 0;
        let read: Result<Vec<String>, std::io::Error> = in_slices(&paths, |range, opened| {
            // Time for the threads to open the slice's files.
            std::thread::sleep(std::time::Duration::from_millis(300));
            range
                .map(|i| match opened.take(i) {
                    Some(mut file) => {
                        taken += 1;
                        assert!(opened.take(i).is_none(), "a file is handed over once");
                        let mut text = String::new();
                        std::io::Read::read_to_string(&mut file, &mut text)?;
                        Ok(text)
                    }
                    None => std::fs::read_to_string(&paths[i]),
                })
                .collect()
        });
        let expected: Vec<String> = (0..3 * SLICE + 5).map(|i| i.to_string()).collect();
        assert_eq!(read.unwrap(), expected);
        assert!(taken > SLICE, "files were handed over: {taken}");
    }

    #[test]
    fn an_error_stops_the_work_and_the_threads() {
        let (_dir, paths) = files(5 * SLICE);
        let mut slices = 0;
        let result: Result<Vec<()>, String> = in_slices(&paths, |range, _| {
            slices += 1;
            if range.start == SLICE {
                Err(format!("failed at {}", range.start))
            } else {
                Ok(vec![(); range.len()])
            }
        });
        assert_eq!(result, Err(format!("failed at {SLICE}")));
        assert_eq!(slices, 2, "no slice after the failed one");
    }

    #[test]
    fn a_panic_in_the_work_is_a_panic_not_a_hang() {
        // More files than the threads may ask for when the work fails: they wait for the
        // next slice, which never comes.
        let (dir, paths) = files((AHEAD + 4) * SLICE);
        let (sender, receiver) = std::sync::mpsc::channel();
        // On a thread of its own, so that a hang fails the test instead of stopping the run.
        std::thread::spawn(move || {
            let outcome = std::panic::catch_unwind(|| {
                let _: Result<Vec<()>, ()> = in_slices(&paths, |range, _| {
                    assert!(range.start < SLICE, "the work fails");
                    Ok(vec![(); range.len()])
                });
            });
            let _ = sender.send(outcome.is_err());
            drop(dir);
        });
        let panicked = receiver
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("in_slices returns (by panicking) when its work panics");
        assert!(panicked);
    }

    #[test]
    fn no_files_no_work() {
        let mut called = false;
        let result: Result<Vec<()>, ()> = in_slices(&[], |_, _| {
            called = true;
            Ok(Vec::new())
        });
        assert_eq!(result, Ok(Vec::new()));
        assert!(!called);
    }
}
