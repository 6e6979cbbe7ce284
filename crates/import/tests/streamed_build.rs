//! Issue 18: a builder that keeps the posts' content out of memory (in a
//! [`ContentStore`]) and writes the posts' files as it makes them, a batch of posts at a
//! time, makes the same archive, byte for byte, as the builder that holds everything: for
//! any batch size, and over several index segments. A store that fails stops the build with
//! its error.

mod common;

use std::collections::BTreeMap;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};

use gazette_import::build::{build_archive, build_archive_streamed, ContentStore};
use gazette_import::generate::GenerateOptions;
use gazette_import::import::{Content, Outcome, PostContent, StoredContent};

/// The fixture posts (with their second copies, which the builder merges) and enough
/// generator posts for two sealed index segments and an open one.
fn outcomes() -> Vec<Outcome> {
    let mut files = common::fixture_posts(&["finews", "english"]);
    files.extend(common::generated_posts(&GenerateOptions {
        posts: 8_700,
        seed: 3,
        categories: 30,
        anomaly_rate: 0.02,
    }));
    common::import_all(&files)
}

/// Contents in a vector; `fail_at` makes the load of that many posts fail.
#[derive(Default)]
struct VecStore {
    contents: Vec<PostContent>,
    loads: AtomicUsize,
    fail_after: Option<usize>,
}

impl VecStore {
    /// Moves every post's content of `outcomes` into the store.
    fn take(&mut self, outcomes: &mut [Outcome]) {
        for outcome in outcomes {
            if let Outcome::Post(post) = outcome {
                let Content::Held(held) = &post.content else {
                    panic!("imported posts hold their content");
                };
                let content = held.content().clone();
                post.content = Content::Stored(StoredContent {
                    at: self.contents.len() as u64,
                    len: 0,
                    digest: content.digest(),
                });
                self.contents.push(content);
            }
        }
    }
}

impl ContentStore for VecStore {
    fn load(&self, at: &StoredContent) -> io::Result<PostContent> {
        let loads = self.loads.fetch_add(1, Ordering::Relaxed);
        if self.fail_after.is_some_and(|limit| loads >= limit) {
            return Err(io::Error::other("the disk went away"));
        }
        Ok(self.contents[at.at as usize].clone())
    }
}

fn bytes_of(
    files: Vec<(String, gazette_import::store::ArchiveFile<'_>)>,
) -> Vec<(String, Vec<u8>)> {
    files
        .into_iter()
        .map(|(path, file)| {
            let mut bytes = Vec::new();
            file.write(&mut bytes);
            (path, bytes)
        })
        .collect()
}

#[test]
fn a_streamed_build_from_a_store_is_the_build_that_holds_everything() {
    let outcomes = outcomes();
    let (held, held_report) = build_archive(common::input(outcomes.clone()));
    assert!(held.index.len() >= 3, "two sealed segments and an open one");
    let expected: BTreeMap<String, Vec<u8>> = bytes_of(held.files()).into_iter().collect();

    let mut store = VecStore::default();
    let mut stored_outcomes = outcomes;
    store.take(&mut stored_outcomes);
    // Batches smaller than a segment, not dividing it, and larger than one (`build_archive`
    // uses the default, larger than the archive).
    for batch in [100, 1000, 5000] {
        let mut written: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        let mut next_summary = 0;
        let (rest, report) = build_archive_streamed(
            common::input(stored_outcomes.clone()),
            &store,
            batch,
            |files| -> io::Result<()> {
                // In number order: each batch's summary groups follow the last one's.
                for group in &files.summaries {
                    assert_eq!(group.first_number, next_summary, "batch {batch}");
                    next_summary += group.posts.len() as u32;
                }
                for (path, bytes) in bytes_of(files.files()) {
                    assert!(
                        written.insert(path.clone(), bytes).is_none(),
                        "{path} twice"
                    );
                }
                Ok(())
            },
        )
        .expect("the store works");
        assert!(rest.summaries.is_empty() && rest.chunks.is_empty() && rest.index.is_empty());
        written.extend(bytes_of(rest.metadata_files()));
        written.extend(bytes_of(vec![(
            "manifest.json".to_string(),
            gazette_import::store::ArchiveFile::Manifest(&rest.manifest),
        )]));
        assert_eq!(
            written.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "batch {batch}: the same files"
        );
        for (path, bytes) in &expected {
            assert!(&written[path] == bytes, "batch {batch}: {path} differs");
        }
        assert_eq!(
            report.merged, held_report.merged,
            "copies compare by digest"
        );
        assert_eq!(report.written, held_report.written);
    }
}

#[test]
fn a_store_that_fails_stops_the_build_with_its_error() {
    let mut outcomes = outcomes();
    let mut store = VecStore {
        fail_after: Some(5_000),
        ..VecStore::default()
    };
    store.take(&mut outcomes);
    let mut sunk = 0;
    let error = build_archive_streamed(
        common::input(outcomes),
        &store,
        1000,
        |_| -> io::Result<()> {
            sunk += 1;
            Ok(())
        },
    )
    .expect_err("a failing store fails the build");
    assert_eq!(error.to_string(), "the disk went away");
    assert!(sunk > 0, "files before the failure were handed out");
}
