//! `gazette search`: answers a query from a built archive folder with the same query engine
//! the viewer runs in the browser (`gazette_archive::query`), reading only the files the query
//! needs. For scripts, checks of an archive before publishing, and the recall benchmark.

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use gazette_archive::archive::{
    decode_bytes, decode_position_shard, decode_search_shard, flip, position_shard_path,
    search_shard_path, segment_list_path, summary_group_path, CategoryTable, Days, IndexShardKey,
    ListKey, Manifest, PositionShard, PostList, SearchShard, SegmentLists, SummaryGroup, TagTable,
    CATEGORIES_FILE, DAYS_FILE, MANIFEST_FILE, TAGS_FILE,
};
use gazette_archive::filter::Filter;
use gazette_archive::model::{CategoryInfo, PostSummary, TagInfo};
use gazette_archive::query::{evaluate, Loaded, Need};
use serde::de::DeserializeOwned;

#[derive(Args, Debug)]
pub struct Options {
    /// The archive folder (`gazette build --out`).
    archive: PathBuf,
    /// Words to search for, as typed in the viewer's search box (`人民币 汇率`, `-3%`); after
    /// `--`, what follows is the query, even one that looks like an option, and the options
    /// come before it (`gazette search OUT --limit 5 -- --fast`). None: every post, newest
    /// first.
    #[arg(default_value = "", allow_hyphen_values = true)]
    query: String,
    /// Only posts of this category (its id).
    #[arg(long)]
    category: Option<String>,
    /// Only posts with this tag.
    #[arg(long)]
    tag: Option<String>,
    /// First day included, YYYY-MM-DD (`2024-4-2` is read as `2024-04-02`).
    #[arg(long, value_parser = day)]
    from: Option<String>,
    /// Last day included, YYYY-MM-DD.
    #[arg(long, value_parser = day)]
    to: Option<String>,
    /// Newest first instead of by relevance.
    #[arg(long)]
    by_date: bool,
    /// How many hits to print (0: all).
    #[arg(long, default_value_t = 20)]
    limit: usize,
    /// Print JSON (`{"count", "hits": [{"id", "title", "date"}]}`) instead of lines.
    #[arg(long)]
    json: bool,
    /// Also list, on standard error, every archive file the query read and its stored size:
    /// what the viewer downloads for it (the manifest apart, which it already has).
    #[arg(long)]
    files: bool,
}

/// A day as `--from` and `--to` take it: `YYYY-MM-DD`, written out in full.
fn day(text: &str) -> std::result::Result<String, String> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map(|day| day.format("%Y-%m-%d").to_string())
        .map_err(|_| format!("{text:?} is not a day (YYYY-MM-DD)"))
}

pub fn run(options: &Options) -> Result<ExitCode> {
    let mut files = Files::open(&options.archive)?;
    let filter = Filter {
        text: options.query.clone(),
        category: options.category.clone(),
        tag: options.tag.clone(),
        from: options.from.clone(),
        to: options.to.clone(),
        by_date: options.by_date,
    };
    let hits = loop {
        match evaluate(&filter, &files.manifest, &files) {
            Ok(hits) => break hits,
            Err(needs) => {
                for need in needs {
                    files.load(need)?;
                }
            }
        }
    };
    if hits.unknown_name {
        eprintln!("gazette: the archive has no such category or tag");
    }
    let shown = match options.limit {
        0 => &hits.ordinals[..],
        n => &hits.ordinals[..n.min(hits.ordinals.len())],
    };
    let summaries = shown
        .iter()
        .map(|&o| files.summary(o))
        .collect::<Result<Vec<_>>>()?;
    // Written with errors seen: a reader that stops reading (`| head`) ends the output
    // quietly, as other command-line tools do.
    let printed = (|| -> std::io::Result<()> {
        let mut out = std::io::stdout().lock();
        if options.json {
            let count = hits.ordinals.len();
            let hits: Vec<_> = summaries
                .iter()
                .map(|s| serde_json::json!({ "id": s.id, "title": s.title, "date": s.date }))
                .collect();
            writeln!(
                out,
                "{}",
                serde_json::json!({ "count": count, "hits": hits })
            )?;
        } else {
            writeln!(out, "{} hits", hits.ordinals.len())?;
            for s in &summaries {
                let date = s.date.as_deref().map_or("-", |d| d.get(..10).unwrap_or(d));
                writeln!(out, "{date}\t{}\t{}", s.id, s.title)?;
            }
        }
        out.flush()
    })();
    match printed {
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {
            return Ok(ExitCode::SUCCESS)
        }
        other => other?,
    }
    if options.files {
        let fetched = files.folder.fetched.borrow();
        for (file, bytes) in fetched.iter().skip(1) {
            eprintln!("{bytes}\t{file}");
        }
        let total: usize = fetched.iter().skip(1).map(|f| f.1).sum();
        eprintln!("{total}\t{} files in all", fetched.len() - 1);
    }
    Ok(ExitCode::SUCCESS)
}

/// The archive's files read so far, as the browser's cache would hold them.
struct Files {
    folder: Folder,
    manifest: Manifest,
    categories: Option<Vec<CategoryInfo>>,
    tags: Option<Vec<TagInfo>>,
    days: Option<Days>,
    category_lists: HashMap<u32, Vec<u32>>,
    tag_lists: HashMap<u32, Vec<u32>>,
    shards: HashMap<IndexShardKey, SearchShard>,
    positions: HashMap<IndexShardKey, PositionShard>,
    groups: HashMap<u32, Vec<PostSummary>>,
}

impl Files {
    fn open(dir: &Path) -> Result<Self> {
        let folder = Folder {
            dir: dir.to_path_buf(),
            fetched: RefCell::default(),
        };
        let manifest: Manifest = folder.read(MANIFEST_FILE)?;
        manifest.check()?;
        Ok(Files {
            manifest,
            folder,
            categories: None,
            tags: None,
            days: None,
            category_lists: HashMap::new(),
            tag_lists: HashMap::new(),
            shards: HashMap::new(),
            positions: HashMap::new(),
            groups: HashMap::new(),
        })
    }

    fn load(&mut self, need: Need) -> Result<()> {
        let dir = &self.folder;
        match need {
            Need::Categories => {
                self.categories = Some(dir.read::<CategoryTable>(CATEGORIES_FILE)?.categories)
            }
            Need::Tags => self.tags = Some(dir.read::<TagTable>(TAGS_FILE)?.tags),
            Need::Days => self.days = Some(dir.read(DAYS_FILE)?),
            Need::CategoryList(n) => {
                let ordinals = self.list(ListKey::category(n))?;
                self.category_lists.insert(n, ordinals);
            }
            Need::TagList(n) => {
                let ordinals = self.list(ListKey::tag(n))?;
                self.tag_lists.insert(n, ordinals);
            }
            Need::SearchShard(n) => {
                let file = search_shard_path(n);
                let shard = decode_search_shard(&file, &dir.bytes(&file)?)?;
                self.shards.insert(n, shard);
            }
            Need::PositionShard(n) => {
                let file = position_shard_path(n);
                let shard = decode_position_shard(&file, &dir.bytes(&file)?)?;
                self.positions.insert(n, shard);
            }
        }
        Ok(())
    }

    /// The ordinals of a category's or tag's posts, from its list and the list files of the
    /// newest segments.
    fn list(&self, key: ListKey) -> Result<Vec<u32>> {
        let (path, parts) = self.manifest.layout.list_files(key);
        let base: PostList = self.folder.read(&path)?;
        let parts: Vec<SegmentLists> = parts
            .into_iter()
            .map(|part| self.folder.read(&segment_list_path(part)))
            .collect::<Result<_>>()?;
        Ok(key.ordinals(&base, &parts, self.manifest.post_count))
    }

    fn summary(&mut self, ordinal: u32) -> Result<PostSummary> {
        let size = self.manifest.layout.summary_group_size.max(1);
        let number = flip(self.manifest.post_count, ordinal)
            .with_context(|| format!("the archive has no post {ordinal}"))?;
        let group = number / size;
        if !self.groups.contains_key(&group) {
            let file: SummaryGroup = self.folder.read(&summary_group_path(group))?;
            self.groups.insert(group, file.posts);
        }
        self.groups[&group]
            .get((number % size) as usize)
            .cloned()
            .with_context(|| format!("{} has no post {number}", summary_group_path(group)))
    }
}

impl Loaded for Files {
    fn categories(&self) -> Option<&[CategoryInfo]> {
        self.categories.as_deref()
    }
    fn tags(&self) -> Option<&[TagInfo]> {
        self.tags.as_deref()
    }
    fn category_list(&self, index: u32) -> Option<&[u32]> {
        self.category_lists.get(&index).map(Vec::as_slice)
    }
    fn tag_list(&self, index: u32) -> Option<&[u32]> {
        self.tag_lists.get(&index).map(Vec::as_slice)
    }
    fn search_shard(&self, key: IndexShardKey) -> Option<&SearchShard> {
        self.shards.get(&key)
    }
    fn position_shard(&self, key: IndexShardKey) -> Option<&PositionShard> {
        self.positions.get(&key)
    }
    fn days(&self) -> Option<&Days> {
        self.days.as_ref()
    }
}

/// The archive folder, and every file read from it with its stored size, in order.
struct Folder {
    dir: PathBuf,
    fetched: RefCell<Vec<(String, usize)>>,
}

impl Folder {
    /// Reads and decodes one archive file (checking its schema version).
    fn read<T: DeserializeOwned>(&self, file: &str) -> Result<T> {
        Ok(decode_bytes(file, &self.bytes(file)?)?)
    }

    /// The bytes of one archive file, as stored.
    fn bytes(&self, file: &str) -> Result<Vec<u8>> {
        let path = self.dir.join(file);
        let bytes =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        self.fetched
            .borrow_mut()
            .push((file.to_string(), bytes.len()));
        Ok(bytes)
    }
}
