//! The archive as the builder holds and stores it: its files in memory ([`Archive`],
//! [`ArchiveFile`], an index segment's shards), each file's stored bytes (compact JSON, the
//! index's binary layout, gzip: [`Gzip`] and [`crate::gzip_literals`]), the build's id
//! ([`BuildId`]) and the fast reader an update uses to read the previous build's files back
//! ([`stored_contents_fast`]). The formats themselves are `gazette_archive`'s.

use serde::{Deserialize, Serialize};

use gazette_archive::archive::{
    category_list_path, chunk_path, id_shard_path, is_compressed_path, is_gzip,
    position_shard_path, search_shard_path, segment_list_path, stored_contents, summary_group_path,
    tag_list_path, ArchiveError, BodyChunk, CategoryTable, Days, IdShard, IdShardKey,
    IndexShardKey, Manifest, PositionShard, PostList, SearchShard, Segment, SegmentListKey,
    SegmentLists, SummaryGroup, TagTable, CATEGORIES_FILE, DAYS_FILE, MANIFEST_FILE,
    MAX_DECODED_BYTES, TAGS_FILE,
};

/// [`stored_contents`] by libdeflate, several times faster than the pure-Rust decoder the
/// app uses (an update reads back thousands of the previous build's files): a gzip file is
/// decompressed into a buffer of the size its trailer states, and anything else (a file that
/// is not gzip, a trailer that does not tell the truth, damage) goes the readers' way, with
/// their errors and limits.
pub fn stored_contents_fast(file: &str, bytes: &[u8]) -> Result<Vec<u8>, ArchiveError> {
    if is_gzip(bytes) && bytes.len() >= 18 {
        let trailer: [u8; 4] = bytes[bytes.len() - 4..].try_into().expect("four bytes");
        let size = u32::from_le_bytes(trailer) as usize;
        if size <= MAX_DECODED_BYTES {
            let mut out = vec![0; size];
            let mut decompressor = libdeflater::Decompressor::new();
            if decompressor.gzip_decompress(bytes, &mut out) == Ok(size) {
                return Ok(out);
            }
        }
    }
    stored_contents(file, bytes).map(std::borrow::Cow::into_owned)
}

/// The gzip encoder of the files the builder writes: libdeflate, at a fixed level, so the
/// same input gives the same bytes. Level 1 because the builder writes hundreds of MB: on the
/// 10,000-post generator archive (37 MB of JSON) it compresses at about 200 MB/s to 47.4%,
/// where level 6 takes three times as long for 45.2% (zlib-rs: 80 MB/s for 48.1% at its
/// level 2, 60 MB/s for 46.0% at level 6).
pub struct Gzip(libdeflater::Compressor);

impl Gzip {
    pub const LEVEL: i32 = 1;

    pub fn new() -> Self {
        Gzip(libdeflater::Compressor::new(
            libdeflater::CompressionLvl::new(Self::LEVEL).expect("a valid level"),
        ))
    }

    /// Replaces the contents of `out` with `input`, gzip-compressed.
    pub fn compress(&mut self, input: &[u8], out: &mut Vec<u8>) {
        out.clear();
        out.resize(self.0.gzip_compress_bound(input.len()), 0);
        let written = self
            .0
            .gzip_compress(input, out)
            .expect("the output holds the compress bound");
        out.truncate(written);
    }
}

impl Default for Gzip {
    fn default() -> Self {
        Self::new()
    }
}

/// One archive file as the builder records it: its path, the digest of its path and bytes
/// ([`BuildId::add`]), and its size in bytes (as stored, compressed or not).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FileDigest {
    pub path: String,
    pub digest: u64,
    pub size: u64,
}

/// The [`Manifest::build`] of a set of files: each file's path and bytes hashed on its own
/// (so files can be hashed as they are written, in any order, on any thread), then the
/// digests combined in path order. Deterministic: the same files, the same id.
#[derive(Debug, Default)]
pub struct BuildId {
    /// The files, and whether they are sorted.
    digests: std::sync::Mutex<(Vec<FileDigest>, bool)>,
}

impl BuildId {
    /// Records one written file.
    pub fn add(&self, path: &str, bytes: &[u8]) {
        use std::hash::{BuildHasher, Hasher};
        let mut hasher = rustc_hash::FxBuildHasher.build_hasher();
        hasher.write(path.as_bytes());
        hasher.write_u8(0);
        hasher.write(bytes);
        self.add_digest(FileDigest {
            path: path.to_string(),
            digest: hasher.finish(),
            size: bytes.len() as u64,
        });
    }

    /// Records one file as [`BuildId::digests`] gave it: a file an update keeps from the
    /// previous build.
    pub fn add_digest(&self, file: FileDigest) {
        let mut digests = self
            .digests
            .lock()
            .expect("no writer panics holding the lock");
        digests.0.push(file);
        digests.1 = false;
    }

    /// Lends every file recorded so far, sorted by path (sorted once, in place, until more
    /// files are recorded).
    pub fn with_digests<R>(&self, read: impl FnOnce(&[FileDigest]) -> R) -> R {
        use rayon::slice::ParallelSliceMut;
        let mut digests = self
            .digests
            .lock()
            .expect("no writer panics holding the lock");
        let (list, sorted) = &mut *digests;
        if !*sorted {
            list.par_sort_unstable();
            *sorted = true;
        }
        read(list)
    }

    /// Every file recorded so far, sorted by path.
    pub fn digests(&self) -> Vec<FileDigest> {
        self.with_digests(<[_]>::to_vec)
    }

    /// The id of every file recorded so far.
    pub fn finish(&self) -> String {
        self.finish_groups(1, |_| Some(0)).remove(0)
    }

    /// The id of each of `groups` groups of the files recorded so far: `group_of` gives a
    /// file's group by its path (`None`: in none).
    pub fn finish_groups(
        &self,
        groups: usize,
        group_of: impl Fn(&str) -> Option<usize>,
    ) -> Vec<String> {
        use std::hash::{BuildHasher, Hasher};
        let mut hashers: Vec<_> = (0..groups)
            .map(|_| rustc_hash::FxBuildHasher.build_hasher())
            .collect();
        self.with_digests(|digests| {
            for FileDigest { path, digest, .. } in digests {
                let Some(hasher) = group_of(path).and_then(|g| hashers.get_mut(g)) else {
                    continue;
                };
                hasher.write(path.as_bytes());
                hasher.write_u8(0);
                hasher.write_u64(*digest);
            }
        });
        hashers
            .into_iter()
            .map(|h| format!("{:016x}", h.finish()))
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexSegment {
    pub first: u32,
    pub end: u32,
    pub shards: Vec<SearchShard>,
    pub positions: Vec<PositionShard>,
}

impl IndexSegment {
    /// The segment whose shards are `shards` and `positions` in their files' form (as a
    /// builder lays them out, see [`IndexShards`]), read back.
    pub fn read_laid_out(
        first: u32,
        end: u32,
        shards: &[Vec<u8>],
        positions: &[Vec<u8>],
    ) -> Result<IndexSegment, ArchiveError> {
        Ok(IndexSegment {
            first,
            end,
            shards: shards
                .iter()
                .map(|bytes| SearchShard::read("index", bytes))
                .collect::<Result<_, _>>()?,
            positions: positions
                .iter()
                .map(|bytes| PositionShard::read("index", bytes))
                .collect::<Result<_, _>>()?,
        })
    }

    /// Shard `shard`'s key (search or positions).
    pub fn key(&self, shard: usize) -> IndexShardKey {
        IndexShardKey {
            first: self.first,
            end: self.end,
            shard: shard as u32,
        }
    }

    /// Every search shard with its key.
    pub fn keyed_shards(&self) -> impl Iterator<Item = (IndexShardKey, &SearchShard)> {
        self.shards
            .iter()
            .enumerate()
            .map(|(n, s)| (self.key(n), s))
    }

    /// Its files: search shards, then position shards.
    pub fn files(&self) -> impl Iterator<Item = (String, ArchiveFile<'_>)> {
        let shards = self
            .keyed_shards()
            .map(|(key, shard)| (search_shard_path(key), ArchiveFile::Search(shard)));
        let positions = self
            .keyed_positions()
            .map(|(key, shard)| (position_shard_path(key), ArchiveFile::Positions(shard)));
        shards.chain(positions)
    }

    /// Every position shard with its key.
    pub fn keyed_positions(&self) -> impl Iterator<Item = (IndexShardKey, &PositionShard)> {
        self.positions
            .iter()
            .enumerate()
            .map(|(n, s)| (self.key(n), s))
    }

    /// What the manifest says of it (without its body chunks and version, which the builder
    /// adds).
    pub fn layout(&self) -> Segment {
        Segment::of_index(
            self.first,
            self.end,
            self.shards.len() as u32,
            self.positions.len() as u32,
        )
    }
}

/// Some shards of an index segment, each with its number, in their files' form before
/// compression ([`SearchShard::write`], [`PositionShard::write`]): how a builder that streams
/// the index hands it out (a segment of the top level is written a group of shards at a
/// time). The builder lays the bytes out straight from its terms: a shard as a map of owned
/// terms cost a 100k build about 5% in building, walking and freeing the maps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexShards {
    pub first: u32,
    pub end: u32,
    pub shards: Vec<(u32, Vec<u8>)>,
    pub positions: Vec<(u32, Vec<u8>)>,
}

impl IndexShards {
    /// Its files: search shards, then position shards.
    pub fn files(&self) -> impl Iterator<Item = (String, ArchiveFile<'_>)> {
        let key = |shard: u32| IndexShardKey {
            first: self.first,
            end: self.end,
            shard,
        };
        let shards = self
            .shards
            .iter()
            .map(move |(n, bytes)| (search_shard_path(key(*n)), ArchiveFile::Index(bytes)));
        let positions = self
            .positions
            .iter()
            .map(move |(n, bytes)| (position_shard_path(key(*n)), ArchiveFile::Index(bytes)));
        shards.chain(positions)
    }
}

/// Every file of an archive, in memory, ready to be written by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Archive {
    pub manifest: Manifest,
    pub categories: CategoryTable,
    pub tags: TagTable,
    pub days: Days,
    pub summaries: Vec<SummaryGroup>,
    /// The positions of the first category and tag in `category_lists` and `tag_lists`
    /// (those before keep their files from the previous build: an update).
    pub lists_from: (u32, u32),
    pub category_lists: Vec<PostList>,
    pub tag_lists: Vec<PostList>,
    /// The list files of the segments above [`Layout::list_split`] (but those an update
    /// keeps as they were).
    pub segment_lists: Vec<(SegmentListKey, SegmentLists)>,
    pub id_shards: Vec<(IdShardKey, IdShard)>,
    /// The full-text index, segment by segment (as `layout.segments` lists them).
    pub index: Vec<IndexSegment>,
    pub chunks: Vec<BodyChunk>,
    /// Feeds: `(relative path, XML)`.
    pub documents: Vec<(String, String)>,
}

impl Archive {
    /// Search shard `key`, when the archive has it.
    pub fn search_shard(&self, key: IndexShardKey) -> Option<&SearchShard> {
        self.index_segment(key)?.shards.get(key.shard as usize)
    }

    /// Position shard `key`, when the archive has it.
    pub fn position_shard(&self, key: IndexShardKey) -> Option<&PositionShard> {
        self.index_segment(key)?.positions.get(key.shard as usize)
    }

    fn index_segment(&self, key: IndexShardKey) -> Option<&IndexSegment> {
        self.index
            .iter()
            .find(|s| (s.first, s.end) == (key.first, key.end))
    }

    /// Every file of the archive as `(relative path, content)`, without serializing yet, so
    /// the caller can serialize and write them in parallel.
    pub fn files(&self) -> Vec<(String, ArchiveFile<'_>)> {
        let mut files = self.post_files();
        files.extend(self.metadata_files());
        files.push((
            MANIFEST_FILE.to_string(),
            ArchiveFile::Manifest(&self.manifest),
        ));
        files
    }

    /// The posts' own files: summary groups, body chunks and the search index (which a
    /// streaming build hands out as it makes them, see
    /// [`crate::build::build_archive_streamed`], leaving these empty).
    pub fn post_files(&self) -> Vec<(String, ArchiveFile<'_>)> {
        let mut files: Vec<_> = numbered(
            &self.summaries,
            0,
            summary_group_path,
            ArchiveFile::Summaries,
        )
        .collect();
        files.extend(numbered(&self.chunks, 0, chunk_path, ArchiveFile::Bodies));
        files.extend(self.index.iter().flat_map(IndexSegment::files));
        files
    }

    /// Every file but the [posts' own](Archive::post_files) and the manifest: the tables,
    /// lists, id shards and feeds, made from the posts' metadata.
    pub fn metadata_files(&self) -> Vec<(String, ArchiveFile<'_>)> {
        let mut files = vec![
            (
                CATEGORIES_FILE.to_string(),
                ArchiveFile::Categories(&self.categories),
            ),
            (TAGS_FILE.to_string(), ArchiveFile::Tags(&self.tags)),
            (DAYS_FILE.to_string(), ArchiveFile::Days(&self.days)),
        ];
        files.extend(numbered(
            &self.category_lists,
            self.lists_from.0,
            category_list_path,
            ArchiveFile::List,
        ));
        files.extend(numbered(
            &self.tag_lists,
            self.lists_from.1,
            tag_list_path,
            ArchiveFile::List,
        ));
        files.extend(
            self.segment_lists
                .iter()
                .map(|(key, lists)| (segment_list_path(*key), ArchiveFile::SegmentLists(lists))),
        );
        files.extend(
            self.id_shards
                .iter()
                .map(|(key, shard)| (id_shard_path(*key), ArchiveFile::Ids(shard))),
        );
        files.extend(
            self.documents
                .iter()
                .map(|(path, text)| (path.clone(), ArchiveFile::Text(text))),
        );
        files
    }
}

/// `items` as files numbered from `from`: `(path(from + i), wrap(item))`.
fn numbered<'a, T>(
    items: &'a [T],
    from: u32,
    path: fn(u32) -> String,
    wrap: fn(&'a T) -> ArchiveFile<'a>,
) -> impl Iterator<Item = (String, ArchiveFile<'a>)> {
    (from..)
        .zip(items)
        .map(move |(n, item)| (path(n), wrap(item)))
}

/// One file of an [`Archive`], borrowed.
#[derive(Debug, Clone, Copy)]
pub enum ArchiveFile<'a> {
    Manifest(&'a Manifest),
    Categories(&'a CategoryTable),
    Tags(&'a TagTable),
    Days(&'a Days),
    Summaries(&'a SummaryGroup),
    List(&'a PostList),
    SegmentLists(&'a SegmentLists),
    Ids(&'a IdShard),
    Search(&'a SearchShard),
    Positions(&'a PositionShard),
    /// A search or position shard already in its binary layout.
    Index(&'a [u8]),
    Bodies(&'a BodyChunk),
    /// An XML document (a feed), written as is.
    Text(&'a str),
}

impl ArchiveFile<'_> {
    /// Appends the file's bytes to `out`, before compression: compact JSON and a final
    /// newline (struct fields serialize in declaration order and maps are sorted, so the bytes
    /// are deterministic), the binary layout of a search shard, or a feed's XML. (An
    /// out-parameter, so that a writer reuses one buffer for thousands of files.)
    pub fn write(&self, out: &mut Vec<u8>) {
        match self {
            ArchiveFile::Manifest(v) => write_json(out, v),
            ArchiveFile::Categories(v) => write_json(out, v),
            ArchiveFile::Tags(v) => write_json(out, v),
            ArchiveFile::Days(v) => write_json(out, v),
            ArchiveFile::Summaries(v) => write_json(out, v),
            ArchiveFile::List(v) => write_json(out, v),
            ArchiveFile::SegmentLists(v) => write_json(out, v),
            ArchiveFile::Ids(v) => write_json(out, v),
            ArchiveFile::Search(v) => v.write(out),
            ArchiveFile::Positions(v) => v.write(out),
            ArchiveFile::Index(bytes) => out.extend_from_slice(bytes),
            ArchiveFile::Bodies(v) => write_json(out, v),
            ArchiveFile::Text(text) => out.extend_from_slice(text.as_bytes()),
        }
    }

    /// Appends the file's bytes as stored to `out` (emptied first): [`ArchiveFile::write`]'s
    /// bytes in `scratch`, then, for a compressed `path`, gzip — the index's varints as Huffman
    /// coded literals ([`crate::gzip_literals`]: faster, and smaller, than LZ77 on them), the
    /// rest (JSON) by `gzip`. Returns the stored bytes: `out`, or `scratch` when not compressed.
    pub fn store<'b>(
        &self,
        path: &str,
        gzip: &mut Gzip,
        scratch: &'b mut Vec<u8>,
        out: &'b mut Vec<u8>,
    ) -> &'b [u8] {
        scratch.clear();
        if !is_compressed_path(path) {
            self.write(scratch);
            return scratch;
        }
        // An index shard already laid out is compressed from where it is.
        let bytes: &[u8] = match self {
            ArchiveFile::Index(bytes) => bytes,
            _ => {
                self.write(scratch);
                scratch
            }
        };
        match self {
            ArchiveFile::Search(_) | ArchiveFile::Positions(_) | ArchiveFile::Index(_) => {
                crate::gzip_literals::compress(bytes, out)
            }
            _ => gzip.compress(bytes, out),
        }
        out
    }
}

/// Compact JSON and a newline, as `serde_json::to_vec` writes it (see the test
/// `sonic_rs_writes_what_serde_json_writes`), by `sonic_rs`, whose SIMD string escaping is
/// several times faster on the articles' HTML, most of an archive's bytes. The two agree on
/// what the archive holds (strings, integers, booleans, null); they would not on floats,
/// which the archive has none of: a float field would need that test to cover it.
fn write_json<T: Serialize>(out: &mut Vec<u8>, value: &T) {
    sonic_rs::to_writer(&mut *out, value).expect("archive types always serialize");
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_decoder_reads_what_the_readers_read_and_refuses_what_they_refuse() {
        let json = br#"{"schema_version": 8, "gaps": [1, 2, 3]}"#.repeat(50);
        let mut gz = Vec::new();
        Gzip::new().compress(&json, &mut gz);
        assert_eq!(stored_contents_fast("f", &gz).unwrap(), json);
        assert_eq!(stored_contents_fast("f", &json).unwrap(), json);
        // A trailer that lies about the size, and a damaged stream: the readers' answer.
        for damage in [gz.len() - 2, gz.len() / 2] {
            let mut bad = gz.clone();
            bad[damage] ^= 0x55;
            assert_eq!(
                stored_contents_fast("f", &bad).map_err(|e| e.to_string()),
                stored_contents("f", &bad)
                    .map(std::borrow::Cow::into_owned)
                    .map_err(|e| e.to_string()),
                "byte {damage}"
            );
        }
    }
}
