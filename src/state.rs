//! The app's data, in one reducer shared through a context: the manifest and every archive
//! file fetched so far, each a [`Load`]. Views say which [`Resource`]s they need with
//! [`use_resources`]; only that hook and the manifest loader in [`crate::app`] fetch.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use gazette_archive::archive::{
    self, BodyChunk, CategoryTable, Days, IdShard, IdShardKey, IndexShardKey, ListKey, Manifest,
    PositionShard, PostBody, PostList, SearchShard, SegmentLists, SummaryGroup, TagTable,
};
use gazette_archive::model::{CategoryInfo, PostSummary, TagInfo};
use gazette_archive::query::{Loaded, Need};
use yew::prelude::*;

use crate::archive::{fetch, fetch_checked, fetch_position_shard, fetch_search_shard};

/// Something fetched on demand.
#[derive(Debug, Clone, PartialEq)]
pub enum Load<T> {
    Loading,
    Ready(T),
    Failed(String),
}

/// An archive file the app can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resource {
    Categories,
    Tags,
    Days,
    SummaryGroup(u32),
    CategoryList(u32),
    TagList(u32),
    SearchShard(IndexShardKey),
    PositionShard(IndexShardKey),
    IdShard(IdShardKey),
    Chunk(u32),
}

impl Resource {
    fn path(self) -> String {
        match self {
            Resource::Categories => archive::CATEGORIES_FILE.to_string(),
            Resource::Tags => archive::TAGS_FILE.to_string(),
            Resource::Days => archive::DAYS_FILE.to_string(),
            Resource::SummaryGroup(n) => archive::summary_group_path(n),
            Resource::CategoryList(n) => archive::category_list_path(n),
            Resource::TagList(n) => archive::tag_list_path(n),
            Resource::SearchShard(n) => archive::search_shard_path(n),
            Resource::PositionShard(n) => archive::position_shard_path(n),
            Resource::IdShard(n) => archive::id_shard_path(n),
            Resource::Chunk(n) => archive::chunk_path(n),
        }
    }

    /// The summary group holding post `ordinal` (files are cut by post number), and the
    /// summary's place in it; `None` for an ordinal the archive does not have.
    pub fn summary_of(manifest: &Manifest, ordinal: u32) -> Option<(Resource, usize)> {
        let size = manifest.layout.summary_group_size.max(1);
        let number = archive::flip(manifest.post_count, ordinal)?;
        Some((
            Resource::SummaryGroup(number / size),
            (number % size) as usize,
        ))
    }

    /// Whether loading it can change a query's answer (see [`ArchiveState::query_generation`]).
    fn affects_queries(self) -> bool {
        matches!(
            self,
            Resource::Categories
                | Resource::Tags
                | Resource::Days
                | Resource::CategoryList(_)
                | Resource::TagList(_)
                | Resource::SearchShard(_)
                | Resource::PositionShard(_)
        )
    }
}

impl From<Need> for Resource {
    fn from(need: Need) -> Self {
        match need {
            Need::Categories => Resource::Categories,
            Need::Tags => Resource::Tags,
            Need::CategoryList(n) => Resource::CategoryList(n),
            Need::TagList(n) => Resource::TagList(n),
            Need::SearchShard(n) => Resource::SearchShard(n),
            Need::PositionShard(n) => Resource::PositionShard(n),
            Need::Days => Resource::Days,
        }
    }
}

/// A decoded archive file.
#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    Categories(Rc<Vec<CategoryInfo>>),
    Tags(Rc<Vec<TagInfo>>),
    Days(Rc<Days>),
    Summaries(Rc<Vec<PostSummary>>),
    Ordinals(Rc<Vec<u32>>),
    Search(Rc<SearchShard>),
    Positions(Rc<PositionShard>),
    Ids(Rc<IdShard>),
    Bodies(Rc<HashMap<String, PostBody>>),
}

/// Fetches and decodes `resource` of the archive `manifest` describes (post lists are
/// turned into ordinals here).
async fn fetch_resource(resource: Resource, manifest: &Manifest) -> Result<Data, String> {
    let path = resource.path();
    Ok(match resource {
        Resource::Categories => {
            let table = fetch_checked(&path, |table: &CategoryTable| {
                archive::check_count(&path, table.categories.len(), manifest.category_count)
            });
            Data::Categories(Rc::new(table.await?.categories))
        }
        Resource::Tags => {
            let table = fetch_checked(&path, |table: &TagTable| {
                archive::check_count(&path, table.tags.len(), manifest.tag_count)
            });
            Data::Tags(Rc::new(table.await?.tags))
        }
        Resource::Days => Data::Days(Rc::new(fetch::<Days>(&path).await?)),
        Resource::SummaryGroup(group) => {
            let summaries = fetch_checked(&path, |summaries: &SummaryGroup| {
                summaries.check(&path, group, manifest)
            });
            Data::Summaries(Rc::new(summaries.await?.posts))
        }
        Resource::CategoryList(n) => {
            Data::Ordinals(Rc::new(fetch_list(ListKey::category(n), manifest).await?))
        }
        Resource::TagList(n) => {
            Data::Ordinals(Rc::new(fetch_list(ListKey::tag(n), manifest).await?))
        }
        Resource::SearchShard(_) => Data::Search(Rc::new(fetch_search_shard(&path).await?)),
        Resource::PositionShard(_) => Data::Positions(Rc::new(fetch_position_shard(&path).await?)),
        Resource::IdShard(_) => Data::Ids(Rc::new(fetch::<IdShard>(&path).await?)),
        Resource::Chunk(_) => {
            let chunk = fetch::<BodyChunk>(&path).await?;
            Data::Bodies(Rc::new(
                chunk
                    .bodies
                    .into_iter()
                    .map(|b| (b.id.clone(), b))
                    .collect(),
            ))
        }
    })
}

/// The ordinals of a category's or tag's posts: its own list file and the list files of
/// the newest segments, fetched at once (the latter are shared by every list, so a second
/// list finds them cached).
async fn fetch_list(list: ListKey, manifest: &Manifest) -> Result<Vec<u32>, String> {
    let (path, parts) = manifest.layout.list_files(list);
    let parts =
        futures::future::try_join_all(parts.into_iter().map(|part| async move {
            fetch::<SegmentLists>(&archive::segment_list_path(part)).await
        }));
    let (base, parts) = futures::future::try_join(fetch::<PostList>(&path), parts).await?;
    Ok(list.ordinals(&base, &parts, manifest.post_count))
}

#[derive(Debug, Clone, PartialEq)]
pub struct ArchiveState {
    pub manifest: Load<Rc<Manifest>>,
    pub files: HashMap<Resource, Load<Data>>,
    /// Bumped whenever a file that can change a query's answer arrives, so lists recompute
    /// their hits only then (not when a summary or body arrives).
    pub query_generation: u32,
}

impl Default for ArchiveState {
    fn default() -> Self {
        ArchiveState {
            manifest: Load::Loading,
            files: HashMap::new(),
            query_generation: 0,
        }
    }
}

pub enum Action {
    Manifest(Result<Rc<Manifest>, String>),
    Requested(Resource),
    Loaded(Resource, Result<Data, String>),
    /// Forget failures so the next render fetches again.
    Retry,
}

impl Reducible for ArchiveState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Manifest(Ok(manifest)) => next.manifest = Load::Ready(manifest),
            Action::Manifest(Err(message)) => next.manifest = Load::Failed(message),
            Action::Requested(resource) => {
                next.files.insert(resource, Load::Loading);
            }
            Action::Loaded(resource, result) => {
                if resource.affects_queries() {
                    next.query_generation += 1;
                }
                next.files.insert(
                    resource,
                    match result {
                        Ok(data) => Load::Ready(data),
                        Err(message) => Load::Failed(message),
                    },
                );
            }
            Action::Retry => {
                if matches!(next.manifest, Load::Failed(_)) {
                    next.manifest = Load::Loading;
                }
                next.files
                    .retain(|_, load| !matches!(load, Load::Failed(_)));
                next.query_generation += 1;
            }
        }
        Rc::new(next)
    }
}

impl ArchiveState {
    fn ready(&self, resource: Resource) -> Option<&Data> {
        match self.files.get(&resource) {
            Some(Load::Ready(data)) => Some(data),
            _ => None,
        }
    }

    /// The first failure among `resources`, if any.
    pub fn failure(&self, resources: &[Resource]) -> Option<String> {
        resources.iter().find_map(|r| match self.files.get(r) {
            Some(Load::Failed(message)) => Some(message.clone()),
            _ => None,
        })
    }

    /// The summary of post `ordinal`, if its group is loaded.
    pub fn summary(&self, manifest: &Manifest, ordinal: u32) -> Option<&PostSummary> {
        let (group, place) = Resource::summary_of(manifest, ordinal)?;
        match self.ready(group)? {
            Data::Summaries(posts) => posts.get(place),
            _ => None,
        }
    }

    /// The ordinal of post `id` once its id shard is loaded (`Some(None)`: no such post).
    pub fn ordinal_of(
        &self,
        manifest: &Manifest,
        id: &str,
        shard: IdShardKey,
    ) -> Option<Option<u32>> {
        match self.ready(Resource::IdShard(shard))? {
            Data::Ids(ids) => Some(
                ids.ids
                    .get(id)
                    .and_then(|&number| archive::flip(manifest.post_count, number)),
            ),
            _ => None,
        }
    }

    pub fn body(&self, chunk: u32, id: &str) -> Option<Option<&PostBody>> {
        match self.ready(Resource::Chunk(chunk))? {
            Data::Bodies(bodies) => Some(bodies.get(id)),
            _ => None,
        }
    }

    /// Category `index`: from `categories.json` once loaded, else from the few the manifest
    /// names for the home page.
    pub fn category<'a>(&'a self, manifest: &'a Manifest, index: u32) -> Option<&'a CategoryInfo> {
        match self.categories() {
            Some(all) => all.get(index as usize),
            None => manifest.home.sources.get(&index),
        }
    }

    /// The category with this id, once `categories.json` is loaded.
    pub fn category_by_id(&self, id: &str) -> Option<&CategoryInfo> {
        self.categories()?.iter().find(|c| c.id == id)
    }

    /// Tag `index`, once `tags.json` is loaded.
    pub fn tag(&self, index: u32) -> Option<&TagInfo> {
        self.tags()?.get(index as usize)
    }

    pub fn loaded_days(&self) -> Option<Rc<Days>> {
        match self.ready(Resource::Days)? {
            Data::Days(days) => Some(days.clone()),
            _ => None,
        }
    }
}

impl Loaded for ArchiveState {
    fn categories(&self) -> Option<&[CategoryInfo]> {
        match self.ready(Resource::Categories)? {
            Data::Categories(all) => Some(all),
            _ => None,
        }
    }
    fn tags(&self) -> Option<&[TagInfo]> {
        match self.ready(Resource::Tags)? {
            Data::Tags(all) => Some(all),
            _ => None,
        }
    }
    fn category_list(&self, index: u32) -> Option<&[u32]> {
        match self.ready(Resource::CategoryList(index))? {
            Data::Ordinals(list) => Some(list),
            _ => None,
        }
    }
    fn tag_list(&self, index: u32) -> Option<&[u32]> {
        match self.ready(Resource::TagList(index))? {
            Data::Ordinals(list) => Some(list),
            _ => None,
        }
    }
    fn search_shard(&self, key: IndexShardKey) -> Option<&SearchShard> {
        match self.ready(Resource::SearchShard(key))? {
            Data::Search(shard) => Some(shard),
            _ => None,
        }
    }
    fn position_shard(&self, key: IndexShardKey) -> Option<&PositionShard> {
        match self.ready(Resource::PositionShard(key))? {
            Data::Positions(shard) => Some(shard),
            _ => None,
        }
    }
    fn days(&self) -> Option<&Days> {
        match self.ready(Resource::Days)? {
            Data::Days(days) => Some(days),
            _ => None,
        }
    }
}

pub type ArchiveHandle = UseReducerHandle<ArchiveState>;

/// The archive state from context (provided by [`crate::app::App`]).
#[hook]
pub fn use_archive() -> ArchiveHandle {
    use_context::<ArchiveHandle>().expect("App provides the archive context")
}

/// Fetches every resource in `resources` that was never requested (failed ones wait for a
/// retry). Cached files are never fetched twice, and a resource listed twice (two rows of one
/// summary group, far apart in a list ranked by relevance) is fetched once.
#[hook]
pub fn use_resources(resources: Vec<Resource>) {
    let archive = use_archive();
    // Resources are asked for once the manifest is in: every view waits for it.
    let manifest = match &archive.manifest {
        Load::Ready(manifest) => manifest.clone(),
        _ => Rc::new(Manifest::default()),
    };
    let mut seen = HashSet::new();
    let missing: Vec<Resource> = resources
        .into_iter()
        .filter(|r| !archive.files.contains_key(r) && seen.insert(*r))
        .collect();
    use_effect_with(missing, move |missing| {
        for &resource in missing {
            archive.dispatch(Action::Requested(resource));
            let archive = archive.clone();
            let manifest = manifest.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let result = fetch_resource(resource, &manifest).await;
                archive.dispatch(Action::Loaded(resource, result));
            });
        }
    });
}
