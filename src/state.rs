//! The app's data, in one reducer shared through a context: the manifest, the post index
//! (fetched when a list first needs it) and the body chunks fetched so far. Views read it;
//! only the loaders in [`crate::app`] and [`use_index`]/[`use_chunk`] change it.

use std::collections::HashMap;
use std::rc::Rc;

use gazette_core::archive::Manifest;
use gazette_core::filter::SearchIndex;
use gazette_core::model::PostSummary;
use yew::prelude::*;

use crate::archive;

/// Something fetched on demand.
#[derive(Debug, Clone, PartialEq)]
pub enum Load<T> {
    NotRequested,
    Loading,
    Ready(T),
    Failed(String),
}

impl<T> Load<T> {
    pub fn is_not_requested(&self) -> bool {
        matches!(self, Load::NotRequested)
    }
}

/// The post index, prepared for lists and search.
pub struct LoadedIndex {
    pub posts: Vec<PostSummary>,
    pub search: SearchIndex,
    pub position_of: HashMap<String, usize>,
}

impl PartialEq for LoadedIndex {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl std::fmt::Debug for LoadedIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LoadedIndex({} posts)", self.posts.len())
    }
}

impl LoadedIndex {
    pub fn new(posts: Vec<PostSummary>) -> Self {
        LoadedIndex {
            search: SearchIndex::new(&posts),
            position_of: posts
                .iter()
                .enumerate()
                .map(|(i, p)| (p.id.clone(), i))
                .collect(),
            posts,
        }
    }
}

/// Post id → body HTML, for one chunk.
pub type Chunk = Rc<HashMap<String, String>>;

#[derive(Debug, Clone, PartialEq)]
pub struct ArchiveState {
    pub manifest: Load<Rc<Manifest>>,
    pub index: Load<Rc<LoadedIndex>>,
    pub chunks: HashMap<u32, Load<Chunk>>,
}

impl Default for ArchiveState {
    fn default() -> Self {
        ArchiveState {
            manifest: Load::Loading,
            index: Load::NotRequested,
            chunks: HashMap::new(),
        }
    }
}

pub enum Action {
    Manifest(Result<Manifest, String>),
    IndexRequested,
    Index(Result<LoadedIndex, String>),
    ChunkRequested(u32),
    Chunk(u32, Result<Chunk, String>),
    /// Forget failures so the next render fetches again.
    Retry,
}

impl Reducible for ArchiveState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Manifest(result) => {
                next.manifest = match result {
                    Ok(manifest) => Load::Ready(Rc::new(manifest)),
                    Err(message) => Load::Failed(message),
                }
            }
            Action::IndexRequested => next.index = Load::Loading,
            Action::Index(result) => {
                next.index = match result {
                    Ok(index) => Load::Ready(Rc::new(index)),
                    Err(message) => Load::Failed(message),
                }
            }
            Action::ChunkRequested(number) => {
                next.chunks.insert(number, Load::Loading);
            }
            Action::Chunk(number, result) => {
                next.chunks.insert(
                    number,
                    match result {
                        Ok(chunk) => Load::Ready(chunk),
                        Err(message) => Load::Failed(message),
                    },
                );
            }
            Action::Retry => {
                if matches!(next.manifest, Load::Failed(_)) {
                    next.manifest = Load::Loading;
                }
                if matches!(next.index, Load::Failed(_)) {
                    next.index = Load::NotRequested;
                }
                next.chunks
                    .retain(|_, load| !matches!(load, Load::Failed(_)));
            }
        }
        Rc::new(next)
    }
}

pub type ArchiveHandle = UseReducerHandle<ArchiveState>;

/// The archive state from context (provided by [`crate::app::App`]).
#[hook]
pub fn use_archive() -> ArchiveHandle {
    use_context::<ArchiveHandle>().expect("App provides the archive context")
}

/// The post index, fetched the first time any view asks for it.
#[hook]
pub fn use_index() -> Load<Rc<LoadedIndex>> {
    let archive = use_archive();
    let needs_fetch = archive.index.is_not_requested();
    {
        let archive = archive.clone();
        use_effect_with(needs_fetch, move |needs_fetch| {
            if *needs_fetch {
                archive.dispatch(Action::IndexRequested);
                wasm_bindgen_futures::spawn_local(async move {
                    let result = archive::fetch_index()
                        .await
                        .map(|index| LoadedIndex::new(index.posts));
                    archive.dispatch(Action::Index(result));
                });
            }
        });
    }
    archive.index.clone()
}

/// Body chunk `number`, fetched the first time a view asks for it.
#[hook]
pub fn use_chunk(number: Option<u32>) -> Load<Chunk> {
    let archive = use_archive();
    let load = number
        .map(|n| {
            archive
                .chunks
                .get(&n)
                .cloned()
                .unwrap_or(Load::NotRequested)
        })
        .unwrap_or(Load::Loading);
    {
        let archive = archive.clone();
        let needs_fetch = load.is_not_requested();
        use_effect_with((number, needs_fetch), move |(number, needs_fetch)| {
            if let (Some(number), true) = (*number, *needs_fetch) {
                archive.dispatch(Action::ChunkRequested(number));
                wasm_bindgen_futures::spawn_local(async move {
                    let result = archive::fetch_chunk(number).await.map(Rc::new);
                    archive.dispatch(Action::Chunk(number, result));
                });
            }
        });
    }
    load
}
