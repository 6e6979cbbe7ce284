//! The builder's content store: each post's title, HTML, text, excerpt and source URL are
//! kept in memory while they fit in the store's budget, and otherwise go to a temporary file
//! as soon as the post is imported, to come back when the post's files are written, in
//! number order. So the builder's memory is its budget plus the posts' metadata (about 0.5
//! KB a post instead of 4.5 at 100,000 generator posts), whatever the archive's size; and a
//! build whose content fits in the budget pays nothing for the file.
//!
//! The file is created unnamed (`O_TMPFILE` where the system has it) in the folder the
//! archive is written to, so it is on the same disk as the output and the system removes it
//! when the builder exits, however it exits. Each record is compressed with LZ4: at two
//! million posts the content would otherwise take about 8 GB of a CI runner's 14 GB of disk,
//! beside the sources and the archive. (libdeflate's fastest level made it a quarter smaller,
//! for 11% of a 2M build's CPU: LZ4 compresses three times and decompresses five times as
//! fast; BENCHMARKS.md, "Raw HTML without ammonia".)

use std::cell::RefCell;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use anyhow::{Context, Result};
use gazette_import::build::ContentStore;
use gazette_import::import::{Content, Outcome, PostContent, StoredContent};

/// Writes go through a buffer of this size.
const BUFFER_BYTES: usize = 1 << 20;
/// A record's header: five lengths.
const HEADER_BYTES: usize = 20;
/// The source URL's length when the post has none.
const NO_SOURCE: u32 = u32::MAX;
/// LZ4 expands at most 255 times (a run of length bytes): a record that claims more is
/// damage, not a post (and not an allocation of gigabytes).
const MAX_EXPANSION: usize = 256;

thread_local! {
    /// A record as stored and as inflated, while it is read back: kept from post to post, so
    /// that two million posts are not two million pairs of zeroed allocations.
    static READ_BUFFERS: RefCell<(Vec<u8>, Vec<u8>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

/// The first `len` bytes of `buffer`, grown (with zeros) when it is shorter; what they held
/// before is left to be overwritten.
fn first_bytes(buffer: &mut Vec<u8>, len: usize) -> &mut [u8] {
    if buffer.len() < len {
        buffer.resize(len, 0);
    }
    &mut buffer[..len]
}

/// Posts' content in memory up to a budget, and on disk beyond it. Records are appended by
/// any thread; [`Spill::finish_writing`] flushes them before anything is loaded.
pub struct Spill {
    /// The folder it is in, for messages.
    folder: std::path::PathBuf,
    reader: File,
    writer: Mutex<Writer>,
    /// Bytes of content that may stay in memory, and the bytes that do.
    budget: u64,
    held: AtomicU64,
}

struct Writer {
    file: BufWriter<File>,
    /// Bytes written so far: the next record's offset.
    end: u64,
}

impl Spill {
    /// A store in `folder` (which must exist) that keeps up to `budget` bytes of content in
    /// memory.
    pub fn new_in(folder: &Path, budget: u64) -> Result<Spill> {
        let file = tempfile::tempfile_in(folder).with_context(|| {
            format!(
                "cannot create a temporary file in {} for the posts' content",
                folder.display()
            )
        })?;
        let reader = file
            .try_clone()
            .context("cannot reopen the temporary file")?;
        Ok(Spill {
            folder: folder.to_path_buf(),
            reader,
            writer: Mutex::new(Writer {
                file: BufWriter::with_capacity(BUFFER_BYTES, file),
                end: 0,
            }),
            budget,
            held: AtomicU64::new(0),
        })
    }

    /// Keeps a post's content: held in memory while the budget allows, otherwise moved to
    /// the file (anything else is left as it is).
    pub fn take(&self, outcome: &mut Outcome) -> io::Result<()> {
        if let Outcome::Post(post) = outcome {
            if let Content::Held(held) = &post.content {
                if !self.hold(held.content()) {
                    post.content = Content::Stored(self.store(held.content(), held.digest())?);
                }
            }
        }
        Ok(())
    }

    /// Whether `content` fits in what is left of the budget (which it then takes).
    fn hold(&self, content: &PostContent) -> bool {
        let size = held_size(content);
        self.held
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |held| {
                held.checked_add(size).filter(|&now| now <= self.budget)
            })
            .is_ok()
    }

    /// Bytes of content held in memory.
    pub fn held_bytes(&self) -> u64 {
        self.held.load(Ordering::Relaxed)
    }

    /// Appends `content`: its record's length as a little-endian `u32`, then the record
    /// compressed (an LZ4 block). The record is a header of five little-endian `u32` lengths
    /// (title, HTML, text, excerpt, source URL or [`NO_SOURCE`]) and the five strings.
    pub fn store(&self, content: &PostContent, digest: u64) -> io::Result<StoredContent> {
        let source = content.source.as_deref();
        let length = |s: &str| {
            u32::try_from(s.len())
                .map_err(|_| io::Error::other("a post of 4 GB or more cannot be stored"))
        };
        let mut record = Vec::with_capacity(
            HEADER_BYTES
                + content.title.len()
                + content.html.len()
                + content.text.len()
                + content.excerpt.len()
                + source.map_or(0, str::len),
        );
        let texts = [
            &content.title,
            &content.html,
            &content.text,
            &content.excerpt,
        ];
        for text in texts {
            record.extend_from_slice(&length(text)?.to_le_bytes());
        }
        record.extend_from_slice(&source.map_or(Ok(NO_SOURCE), length)?.to_le_bytes());
        for text in texts {
            record.extend_from_slice(text.as_bytes());
        }
        record.extend_from_slice(source.unwrap_or_default().as_bytes());
        let too_big = || io::Error::other("a post of 4 GB or more cannot be stored");
        let raw_len = u32::try_from(record.len()).map_err(|_| too_big())?;
        let mut stored = vec![0; 4 + lz4_flex::block::get_maximum_output_size(record.len())];
        stored[..4].copy_from_slice(&raw_len.to_le_bytes());
        let written = lz4_flex::block::compress_into(&record, &mut stored[4..])
            .expect("the output holds the largest compressed size");
        stored.truncate(4 + written);
        let len = u32::try_from(stored.len()).map_err(|_| too_big())?;
        let mut writer = self
            .writer
            .lock()
            .expect("no writer panics holding the lock");
        writer.file.write_all(&stored)?;
        let at = writer.end;
        writer.end += u64::from(len);
        Ok(StoredContent { at, len, digest })
    }

    /// Flushes what was stored, so that it can be loaded.
    pub fn finish_writing(&self) -> Result<()> {
        self.writer
            .lock()
            .expect("no writer panics holding the lock")
            .file
            .flush()
            .with_context(|| self.write_error())
    }

    /// What a failed write says.
    pub fn write_error(&self) -> String {
        format!(
            "cannot write the posts' content to a temporary file in {}",
            self.folder.display()
        )
    }

    /// Bytes stored so far.
    pub fn bytes(&self) -> u64 {
        self.writer
            .lock()
            .expect("no writer panics holding the lock")
            .end
    }
}

/// The memory `content` takes: its strings' buffers and the box that holds them.
fn held_size(content: &PostContent) -> u64 {
    let strings = [
        &content.title,
        &content.html,
        &content.text,
        &content.excerpt,
    ]
    .into_iter()
    .chain(&content.source)
    .map(String::capacity)
    .sum::<usize>();
    (strings + std::mem::size_of::<PostContent>()) as u64
}

impl ContentStore for Spill {
    fn load(&self, at: &StoredContent) -> io::Result<PostContent> {
        self.read(at).map_err(|error| {
            io::Error::new(
                error.kind(),
                format!(
                    "cannot read the posts' content back from a temporary file in {}: {error}",
                    self.folder.display()
                ),
            )
        })
    }
}

impl Spill {
    fn read(&self, at: &StoredContent) -> io::Result<PostContent> {
        READ_BUFFERS.with_borrow_mut(|(stored, record)| self.read_with(at, stored, record))
    }

    fn read_with(
        &self,
        at: &StoredContent,
        stored: &mut Vec<u8>,
        record: &mut Vec<u8>,
    ) -> io::Result<PostContent> {
        let stored = first_bytes(stored, at.len as usize);
        self.reader.read_exact_at(stored, at.at)?;
        let damaged = || io::Error::new(io::ErrorKind::InvalidData, "a stored post is damaged");
        let (raw_len, compressed) = stored.split_at_checked(4).ok_or_else(damaged)?;
        let raw_len = u32::from_le_bytes(raw_len.try_into().expect("four bytes")) as usize;
        if raw_len > compressed.len().saturating_mul(MAX_EXPANSION) + 64 {
            return Err(damaged());
        }
        let record = first_bytes(record, raw_len);
        let decompressed =
            lz4_flex::block::decompress_into(compressed, record).map_err(|_| damaged())?;
        if decompressed != raw_len {
            return Err(damaged());
        }
        let header = record.get(..HEADER_BYTES).ok_or_else(damaged)?;
        let lengths: Vec<u32> = header
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes(b.try_into().expect("four bytes")))
            .collect();
        let mut rest = &record[HEADER_BYTES..];
        let mut next = |len: u32| -> io::Result<String> {
            if len as usize > rest.len() {
                return Err(damaged());
            }
            let (text, after) = rest.split_at(len as usize);
            rest = after;
            // simdutf8's check: std's took 1% of a 2M build, on Chinese text read back.
            simdutf8::basic::from_utf8(text)
                .map(str::to_owned)
                .map_err(|_| damaged())
        };
        let content = PostContent {
            title: next(lengths[0])?,
            html: next(lengths[1])?,
            text: next(lengths[2])?,
            excerpt: next(lengths[3])?,
            source: match lengths[4] {
                NO_SOURCE => None,
                len => Some(next(len)?),
            },
        };
        Ok(content)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gazette_import::import::HeldContent;

    #[test]
    fn what_is_stored_loads_back() {
        let folder = tempfile::tempdir().unwrap();
        let spill = Spill::new_in(folder.path(), 0).unwrap();
        let posts = [
            PostContent {
                title: "标题".into(),
                html: "<p>正文</p>\n".into(),
                text: "正文".into(),
                excerpt: "正文".into(),
                source: Some("https://example.com/a".into()),
            },
            PostContent::default(),
            PostContent {
                html: "x".repeat(3 << 20),
                source: Some(String::new()),
                ..PostContent::default()
            },
        ];
        let stored: Vec<StoredContent> = posts
            .iter()
            .map(|p| spill.store(p, p.digest()).unwrap())
            .collect();
        spill.finish_writing().unwrap();
        for (post, at) in posts.iter().zip(&stored).rev() {
            assert_eq!(&spill.load(at).unwrap(), post);
            assert_eq!(at.digest, post.digest());
        }
        assert_eq!(
            spill.bytes(),
            stored.iter().map(|s| u64::from(s.len)).sum::<u64>()
        );
        // Deflated: the 3 MB of one letter take a few kilobytes.
        assert!(stored[2].len < 100_000, "{}", stored[2].len);
        // A record read from the wrong place is an error, not a panic or garbage.
        for (at, len) in [(1, stored[0].len), (0, stored[0].len - 1), (0, 3)] {
            let wrong = StoredContent {
                at: stored[0].at + at,
                len,
                digest: 0,
            };
            let error = spill.load(&wrong).expect_err("damaged");
            assert!(
                error
                    .to_string()
                    .contains("cannot read the posts' content back"),
                "{error}"
            );
        }
        // Nothing is left in the folder: the file has no name.
        assert_eq!(std::fs::read_dir(folder.path()).unwrap().count(), 0);
    }

    #[test]
    fn content_stays_in_memory_while_the_budget_allows() {
        let folder = tempfile::tempdir().unwrap();
        let content = |html: &str| PostContent {
            title: "标题".into(),
            html: html.into(),
            text: "正文".into(),
            excerpt: "正文".into(),
            source: None,
        };
        let post = |html: &str| {
            let mut outcome = gazette_import::import::import_file(
                gazette_import::import::SourceFile {
                    path: "_posts/2024-01-01-a.md",
                    bytes: b"---\ntitle: t\n---\nx\n",
                },
                &Default::default(),
            );
            if let Outcome::Post(post) = &mut outcome {
                post.content = Content::Held(HeldContent::new(content(html)));
            }
            outcome
        };
        let first = content(&"a".repeat(1000));
        let budget = held_size(&first) + 100;
        let spill = Spill::new_in(folder.path(), budget).unwrap();
        let mut outcomes = [post(&"a".repeat(1000)), post(&"b".repeat(1000))];
        for outcome in &mut outcomes {
            spill.take(outcome).unwrap();
        }
        spill.finish_writing().unwrap();
        let contents: Vec<&Content> = outcomes
            .iter()
            .map(|o| match o {
                Outcome::Post(post) => &post.content,
                _ => unreachable!("a post"),
            })
            .collect();
        // The first fits and stays; the second would pass the budget and goes to the file.
        assert!(matches!(contents[0], Content::Held(held) if *held.content() == first));
        let Content::Stored(at) = contents[1] else {
            panic!("the second post is stored: {:?}", contents[1]);
        };
        assert_eq!(spill.load(at).unwrap(), content(&"b".repeat(1000)));
        assert_eq!(spill.held_bytes(), held_size(&first));
        assert!(spill.bytes() > 0);
    }
}
