//! One post: title, date in the archive's time zone, sources and tags as links, the original
//! link, the body (sanitized again here), and previous/next within its first category.

use gazette_archive::archive::Manifest;
use gazette_archive::filter::Filter;
use gazette_archive::i18n::Text;
use gazette_archive::model::{CategoryInfo, PostSummary, TagInfo};
use gazette_archive::query::{neighbours, Loaded};
use gazette_archive::route::Route;
use yew::prelude::*;

use super::use_manifest;
use crate::components::article_body::ArticleBody;
use crate::components::error_panel::ErrorPanel;
use crate::components::post_list::short_date;
use crate::i18n::{locale, t, tf};
use crate::state::{use_archive, use_resources, Action, ArchiveState, Resource};

#[derive(Properties, PartialEq)]
pub struct PostPageProps {
    pub id: AttrValue,
    /// One of the post's anchors to show (see [`ArticleBody`]).
    #[prop_or_default]
    pub anchor: Option<AttrValue>,
}

/// Where finding a post got to: id → number (id shard) → summary (summary group) → body
/// (chunk); and its first category's list → the neighbours' titles (their summary groups).
enum Lookup<'a> {
    Waiting,
    NoSuchPost,
    Found {
        summary: &'a PostSummary,
        body: Option<&'a gazette_archive::archive::PostBody>,
        /// The next newer and next older post of its first category, once known.
        newer: Option<&'a PostSummary>,
        older: Option<&'a PostSummary>,
    },
}

fn look_up<'a>(
    state: &'a ArchiveState,
    manifest: &Manifest,
    id: &str,
    needed: &mut Vec<Resource>,
    extras: &mut Vec<Resource>,
) -> Lookup<'a> {
    // The names of its sources and tags, fetched alongside the post itself.
    needed.extend([Resource::Categories, Resource::Tags]);
    // No id of its month: no such post.
    let Some(id_shard) = manifest.layout.id_shard_of(id) else {
        return Lookup::NoSuchPost;
    };
    needed.push(Resource::IdShard(id_shard));
    let ordinal = match state.ordinal_of(manifest, id, id_shard) {
        None => return Lookup::Waiting,
        Some(None) => return Lookup::NoSuchPost,
        Some(Some(ordinal)) => ordinal,
    };
    let Some((group, _)) = Resource::summary_of(manifest, ordinal) else {
        return Lookup::NoSuchPost;
    };
    needed.push(group);
    let Some(summary) = state.summary(manifest, ordinal) else {
        return Lookup::Waiting;
    };
    needed.push(Resource::Chunk(summary.chunk));
    let body = state.body(summary.chunk, id).flatten();
    // Its neighbours come from its first category's list (no body file names them, so that
    // a newer post changes no old file): extras, whose failure leaves the post shown.
    let (mut newer, mut older) = (None, None);
    if let Some(&category) = summary.categories.first() {
        extras.push(Resource::CategoryList(category));
        if let Some(list) = state.category_list(category) {
            let (newer_ordinal, older_ordinal) = neighbours(list, ordinal);
            let mut summary_of = |neighbour: u32| {
                if let Some((group, _)) = Resource::summary_of(manifest, neighbour) {
                    extras.push(group);
                }
                state.summary(manifest, neighbour)
            };
            newer = newer_ordinal.and_then(&mut summary_of);
            older = older_ordinal.and_then(&mut summary_of);
        }
    }
    Lookup::Found {
        summary,
        body,
        newer,
        older,
    }
}

#[function_component(PostPage)]
pub fn post_page(props: &PostPageProps) -> Html {
    let manifest = use_manifest();
    let archive = use_archive();
    let mut needed = Vec::new();
    let mut extras = Vec::new();
    let lookup = look_up(&archive, &manifest, &props.id, &mut needed, &mut extras);
    let failure = archive.failure(&needed);
    let chunk_loaded = matches!(lookup, Lookup::Found { .. })
        && archive.body(needed_chunk(&needed), &props.id).is_some();
    use_resources(needed.into_iter().chain(extras).collect());
    {
        let title = match &lookup {
            Lookup::Found { summary, .. } => Some(summary.title.clone()),
            _ => None,
        };
        use_effect_with(title, |title| {
            if let Some(title) = title {
                gloo::utils::document().set_title(&format!("{title} · Gazette"));
            }
            gloo::utils::window().scroll_to_with_x_and_y(0.0, 0.0);
        });
    }
    let retry = {
        let archive = archive.clone();
        Callback::from(move |_| archive.dispatch(Action::Retry))
    };
    if let Some(message) = failure {
        return html! { <ErrorPanel title={t(Text::PostFailed)} message={message} on_retry={retry} /> };
    }
    match lookup {
        Lookup::Waiting => {
            html! { <div class="loading" role="status">{ t(Text::LoadingPost) }</div> }
        }
        Lookup::NoSuchPost => html! {
            <ErrorPanel title={t(Text::PostNotFound)} message={tf(Text::PostNotFoundMessage, &[("id", &props.id)])} />
        },
        Lookup::Found {
            summary,
            body,
            newer,
            older,
        } => {
            let content = match body {
                Some(body) => html! {
                    <ArticleBody html={AttrValue::from(body.html.clone())} post={props.id.clone()} anchor={props.anchor.clone()} />
                },
                None if chunk_loaded => {
                    html! { <ErrorPanel title={t(Text::BodyMissing)} message={t(Text::BodyMissingMessage)} /> }
                }
                None => html! { <div class="loading" role="status">{ t(Text::LoadingBody) }</div> },
            };
            let categories: Vec<CategoryInfo> = summary
                .categories
                .iter()
                .filter_map(|&c| archive.category(&manifest, c).cloned())
                .collect();
            let tags: Vec<TagInfo> = summary
                .tags
                .iter()
                .filter_map(|&t| archive.tag(t).cloned())
                .collect();
            html! {
                <article class="post" aria-labelledby="post-title">
                    <PostHeader summary={summary.clone()} categories={categories.clone()} {tags} />
                    { content }
                    { neighbour_links(categories.first(), newer.cloned(), older.cloned()) }
                </article>
            }
        }
    }
}

fn needed_chunk(needed: &[Resource]) -> u32 {
    needed
        .iter()
        .find_map(|r| match r {
            Resource::Chunk(n) => Some(*n),
            _ => None,
        })
        .unwrap_or(u32::MAX)
}

#[derive(Properties, PartialEq)]
struct PostHeaderProps {
    summary: PostSummary,
    /// The post's sources and tags, resolved from the archive's tables.
    categories: Vec<CategoryInfo>,
    tags: Vec<TagInfo>,
}

#[function_component(PostHeader)]
fn post_header(props: &PostHeaderProps) -> Html {
    let summary = &props.summary;
    let category_links = props.categories.iter().map(|c| {
        let href = Route::Posts(Filter {
            category: Some(c.id.clone()),
            ..Filter::default()
        })
        .to_fragment();
        html! { <a class="chip" href={href}>{ &c.name }</a> }
    });
    let tag_links = props.tags.iter().map(|t| {
        let href = Route::Posts(Filter {
            tag: Some(t.name.clone()),
            ..Filter::default()
        })
        .to_fragment();
        html! { <a class="chip tag" href={href}>{ format!("#{}", t.name) }</a> }
    });
    html! {
        <header class="post-header">
            <h1 id="post-title">{ &summary.title }</h1>
            <p class="post-meta">
                <time datetime={summary.date.clone()}>{ full_date(summary.date.as_deref()) }</time>
                { for category_links }
                { for tag_links }
            </p>
            if let Some(source) = &summary.source {
                if gazette_archive::sanitize_policy::is_allowed_url(source) {
                    <p class="source-link"><a href={source.clone()} target="_blank" rel="noopener noreferrer">{ t(Text::ViewOriginal) }</a></p>
                }
            }
        </header>
    }
}

/// `2022-02-24 17:03:45 (UTC+08:00)`, `Feb 24, 2022, 17:03:45 (UTC+08:00)`: the time as the
/// post's site saw it, written the interface's way.
fn full_date(date: Option<&str>) -> String {
    match date {
        Some(date) if date.len() >= 25 => {
            match (date.get(..10), date.get(11..19), date.get(19..)) {
                (Some(day), Some(time), Some(zone)) => {
                    format!("{} (UTC{zone})", locale().date_time(day, time))
                }
                _ => short_date(Some(date)),
            }
        }
        other => short_date(other),
    }
}

/// Newer/older post within the first category, and a link back to it.
fn neighbour_links(
    first_category: Option<&CategoryInfo>,
    newer: Option<PostSummary>,
    older: Option<PostSummary>,
) -> Html {
    let Some(info) = first_category else {
        return html! {};
    };
    let link = |post: Option<PostSummary>, label: &str, class: &str| match post {
        Some(post) => html! {
            <a class={classes!("neighbour", class.to_string())} href={Route::post(post.id.clone()).to_fragment()}>
                <span class="label">{ label.to_string() }</span><span class="title">{ post.title }</span>
            </a>
        },
        None => html! { <span class={classes!("neighbour", "none", class.to_string())}></span> },
    };
    let back = Route::Posts(Filter {
        category: Some(info.id.clone()),
        ..Filter::default()
    })
    .to_fragment();
    html! {
        <nav class="post-nav" aria-label={t(Text::SameSource)}>
            { link(newer, t(Text::Newer), "newer") }
            <a class="back" href={back}>{ tf(Text::BackToSource, &[("name", &info.name)]) }</a>
            { link(older, t(Text::Older), "older") }
        </nav>
    }
}
