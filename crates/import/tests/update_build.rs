//! Issue 18: an update makes only the files that hold a post that changed, keeps the rest of
//! the previous build's files as they were, and the result is the full build's archive, file
//! for file and byte for byte: when posts are added, when one is edited or removed in the
//! middle, and when nothing changed.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::io;

use gazette_archive::archive::{
    decode, summary_group_path, Layout, Segment, SummaryGroup, MANIFEST_FILE,
};
use gazette_import::build::{
    build_archive_update, ContentStore, PostMeta, Previous, PreviousFiles, Record,
};
use gazette_import::generate::GenerateOptions;
use gazette_import::import::{Content, Outcome, PostContent, StoredContent};
use gazette_import::search_index::SegmentFiles;
use gazette_import::store::ArchiveFile;

type Files = BTreeMap<String, Vec<u8>>;

fn sources() -> Vec<(String, Vec<u8>)> {
    let mut files = common::fixture_posts(&["finews", "english"]);
    files.extend(common::generated_posts(&GenerateOptions {
        posts: 9_500,
        seed: 5,
        categories: 40,
        anomaly_rate: 0.02,
    }));
    files
}

fn import(files: &[(String, Vec<u8>)]) -> Vec<Outcome> {
    common::import_all(files)
}

/// The contents of the current sources, by path: what an update imports again.
struct Sources(HashMap<String, PostContent>);

impl ContentStore for Sources {
    fn load(&self, _: &StoredContent) -> io::Result<PostContent> {
        Err(io::Error::other("nothing is stored"))
    }
    fn load_again(&self, post: &PostMeta) -> io::Result<PostContent> {
        self.0
            .get(&*post.path)
            .cloned()
            .ok_or_else(|| io::Error::other(format!("no source {}", post.path)))
    }
}

/// The previous build's files, uncompressed.
struct Written<'a>(&'a Files);

impl PreviousFiles for Written<'_> {
    fn summary_group(&self, group: u32) -> io::Result<SummaryGroup> {
        let path = summary_group_path(group);
        let bytes = self
            .0
            .get(&path)
            .ok_or_else(|| io::Error::other(path.clone()))?;
        decode(&path, std::str::from_utf8(bytes).expect("JSON")).map_err(io::Error::other)
    }
    fn index(&self, segment: &Segment) -> io::Result<SegmentFiles> {
        let folder = format!("search/{}-{}/", segment.first, segment.end);
        let get = |path: String| self.0.get(&path).cloned().ok_or(io::Error::other(path));
        Ok(SegmentFiles {
            shards: (0..segment.shards)
                .map(|n| get(format!("{folder}{n:04}.bin.gz")))
                .collect::<io::Result<_>>()?,
            positions: (0..segment.position_shards)
                .map(|n| get(format!("{folder}positions/{n:04}.bin.gz")))
                .collect::<io::Result<_>>()?,
        })
    }
}

/// Builds `outcomes` (an update of `previous` when given): the files made, the record and
/// the layout.
fn build(
    outcomes: Vec<Outcome>,
    store: &dyn ContentStore,
    previous: Option<(&Files, &Record, &Layout)>,
) -> (Files, Record, Layout) {
    let mut made = Files::new();
    let mut write = |files: Vec<(String, ArchiveFile<'_>)>| {
        for (path, file) in files {
            let mut bytes = Vec::new();
            file.write(&mut bytes);
            assert!(made.insert(path.clone(), bytes).is_none(), "{path} twice");
        }
    };
    let files = previous.map(|(files, _, _)| Written(files));
    let previous = previous.map(|(_, record, layout)| Previous {
        record,
        layout,
        files: files.as_ref().expect("with the record"),
    });
    let built = build_archive_update(
        common::input(outcomes),
        store,
        1_000,
        previous.as_ref(),
        |files| {
            write(files.files());
            Ok::<(), io::Error>(())
        },
    )
    .expect("the build works");
    write(built.archive.metadata_files());
    write(vec![(
        MANIFEST_FILE.to_string(),
        ArchiveFile::Manifest(&built.archive.manifest),
    )]);
    (made, built.record, built.archive.manifest.layout)
}

/// The outcomes of `now`, with the content of every post whose file is the same in
/// `before` unloaded (as `gazette build --state` leaves them), and the store that imports
/// them again.
fn as_an_update(
    before: &[(String, Vec<u8>)],
    now: &[(String, Vec<u8>)],
) -> (Vec<Outcome>, Sources) {
    let unchanged: HashMap<&str, &[u8]> = before
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect();
    let mut contents = HashMap::new();
    let mut outcomes = import(now);
    for (outcome, (path, bytes)) in outcomes.iter_mut().zip(now) {
        if let Outcome::Post(post) = outcome {
            let content = post.content.held().expect("imported").clone();
            if unchanged.get(path.as_str()) == Some(&bytes.as_slice()) {
                post.content = Content::Unloaded {
                    digest: content.digest(),
                };
            }
            contents.insert(path.clone(), content);
        }
    }
    (outcomes, Sources(contents))
}

/// Updates the archive of `before` to `now` and checks it against the full build of
/// `now`; returns the full build's files the update kept.
fn check_update(
    before: &[(String, Vec<u8>)],
    now: &[(String, Vec<u8>)],
    case: &str,
) -> Vec<String> {
    let (old_files, old_record, old_layout) =
        build(import(before), &gazette_import::build::NoStore, None);
    let (full, full_record, _) = build(import(now), &gazette_import::build::NoStore, None);
    let (outcomes, store) = as_an_update(before, now);
    let (made, record, _) = build(
        outcomes,
        &store,
        Some((&old_files, &old_record, &old_layout)),
    );
    assert_eq!(record.posts, full_record.posts, "{case}: the same posts");
    assert_eq!(record.letters, full_record.letters, "{case}: letters");
    let mut kept = Vec::new();
    for (path, bytes) in &full {
        if record.keeps(path) {
            kept.push(path.clone());
            assert!(!made.contains_key(path), "{case}: {path} kept and made");
            assert!(
                old_files.get(path) == Some(bytes),
                "{case}: kept {path} differs"
            );
        } else {
            assert!(
                made.get(path) == Some(bytes),
                "{case}: {path} differs or is missing"
            );
        }
    }
    for path in made.keys() {
        assert!(
            full.contains_key(path),
            "{case}: {path} is not in the full build"
        );
    }
    kept
}

/// The sources in post number order's terms: by date, newest last.
fn newest_last(files: &[(String, Vec<u8>)]) -> Vec<(String, Vec<u8>)> {
    let outcomes = import(files);
    let mut dated: Vec<(String, (String, Vec<u8>))> = files
        .iter()
        .zip(&outcomes)
        .map(|(file, outcome)| {
            let key = match outcome {
                Outcome::Post(post) => post
                    .date
                    .map(|d| format!("{} {}", d.date_naive(), d.to_rfc3339()))
                    .unwrap_or_default(),
                _ => String::new(),
            };
            (key, file.clone())
        })
        .collect();
    dated.sort_by(|a, b| a.0.cmp(&b.0));
    dated.into_iter().map(|(_, file)| file).collect()
}

#[test]
fn an_update_that_adds_the_newest_posts_keeps_the_older_files_and_equals_a_full_build() {
    let all = newest_last(&sources());
    let before = &all[..all.len() - 1_300];
    let kept = check_update(before, &all, "adding 1,300 posts");
    // Two sealed segments of 4,096 posts and their summaries and chunks are kept, and the
    // id shards of the months before the new posts'.
    assert!(kept.len() > 500, "kept {} files", kept.len());
    assert!(
        kept.iter().filter(|p| p.starts_with("ids/")).count() > 10,
        "the id shards of past months are kept"
    );
    // The list split has not moved: the categories' and tags' own lists are kept.
    assert!(kept.iter().any(|p| p.starts_with("lists/categories/")));
    assert!(kept.iter().any(|p| p.starts_with("lists/tags/")));
}

#[test]
fn an_update_that_edits_and_removes_posts_equals_a_full_build() {
    let all = newest_last(&sources());
    let mut now = all.clone();
    // An edit of a post in the second segment, and a removal in the third.
    let edited = &mut now[6_000].1;
    edited.extend_from_slice("\n\n补充：本文已更新。\n".as_bytes());
    now.remove(8_500);
    let kept = check_update(&all, &now, "an edit and a removal").len();
    assert!(kept > 100, "the first segment's files are kept: {kept}");

    // Nothing changed: only the open segment's files are made again.
    let kept = check_update(&all, &all, "no change").len();
    assert!(kept > 1_000, "kept {kept} files");
}
