//! Lists of posts. [`SummaryList`] shows summaries it is given (the home page's, from the
//! manifest); [`HitList`] shows a list of ordinals (a category, a search), fetching the
//! summary groups of the rows on screen only (it is virtualized), so a category of 50,000
//! posts costs what a screenful of rows costs.

use gazette_archive::i18n::Text;

use crate::i18n::{locale, t, tf};
use std::rc::Rc;

use gazette_archive::archive::Manifest;
use gazette_archive::filter::{contains_any, highlight, snippet};
use gazette_archive::model::PostSummary;
use gazette_archive::route::Route;
use gazette_archive::search::Query;
use gazette_archive::text::{article_text, EXCERPT_CHARS};
use web_sys::HtmlElement;
use yew::prelude::*;

use crate::components::virtual_window::use_visible_rows;
use crate::keyboard::{focus_wanted_row, forget_wanted_row, LIST_ITEM_CLASS};
use crate::state::{use_archive, use_resources, ArchiveState, Resource};

#[derive(Properties, PartialEq)]
pub struct SummaryListProps {
    pub manifest: Rc<Manifest>,
    pub posts: Rc<Vec<PostSummary>>,
    #[prop_or(true)]
    pub show_excerpt: bool,
}

#[function_component(SummaryList)]
pub fn summary_list(props: &SummaryListProps) -> Html {
    let archive = use_archive();
    html! {
        <ol class="post-list">
            { for props.posts.iter().map(|post| post_item(&archive, &props.manifest, post, &Query::default(), props.show_excerpt.then_some(post.excerpt.as_str()), None)) }
        </ol>
    }
}

#[derive(Properties, PartialEq)]
pub struct HitListProps {
    pub manifest: Rc<Manifest>,
    /// Ordinals to list, in display order.
    pub ordinals: Rc<Vec<u32>>,
    /// The search whose matches are highlighted (empty: none).
    #[prop_or_default]
    pub query: Rc<Query>,
}

#[function_component(HitList)]
pub fn hit_list(props: &HitListProps) -> Html {
    let archive = use_archive();
    let list = use_node_ref();
    let len = props.ordinals.len();
    let rows = use_visible_rows(list.clone(), len);
    let manifest = &props.manifest;
    let range = rows.range(len);
    let visible = &props.ordinals[range.clone()];
    let mut groups: Vec<Resource> = visible
        .iter()
        .filter_map(|&o| Resource::summary_of(manifest, o))
        .map(|(group, _)| group)
        .collect();
    // The rows name their sources: the category table comes with the first rows.
    groups.push(Resource::Categories);
    let failure = archive.failure(&groups);
    // A search hit whose title and stored excerpt do not show the match gets an excerpt
    // around the hit from its body: the chunks of those drawn rows are fetched too. Not
    // counted as failures: without them the row keeps its stored excerpt.
    let query = &props.query;
    let mut wanted = groups;
    wanted.extend(
        visible
            .iter()
            .filter_map(|&o| archive.summary(manifest, o))
            .filter(|post| hides_its_hit(post, query))
            .map(|post| Resource::Chunk(post.chunk)),
    );
    use_resources(wanted);
    // Padding stands in for the rows above and below the drawn ones, so the page keeps the
    // whole list's height and the scroll bar its meaning. Set through the CSSOM: the CSP
    // (`style-src 'self'`) forbids style attributes.
    let padding = (
        (range.start as f64 * rows.row_px).round() as i64,
        ((len - range.end) as f64 * rows.row_px).round() as i64,
    );
    {
        let list = list.clone();
        use_effect_with(padding, move |(top, bottom)| {
            if let Some(list) = list.cast::<HtmlElement>() {
                let style = list.style();
                let _ = style.set_property("padding-top", &format!("{top}px"));
                let _ = style.set_property("padding-bottom", &format!("{bottom}px"));
            }
        });
    }
    // A row j/k moved to before it was drawn takes the focus once it is; a new list (or
    // leaving it) forgets such a row.
    use_effect(|| {
        focus_wanted_row();
    });
    use_effect_with(props.ordinals.clone(), |_| forget_wanted_row);
    let set_size = len.to_string();
    html! {
        <>
            <ol class="post-list virtual" ref={list} data-rows={set_size.clone()}>
                { for visible.iter().zip(range.clone()).map(|(&ordinal, index)| {
                    let position = (index + 1).to_string();
                    match archive.summary(manifest, ordinal) {
                        Some(post) => {
                            let excerpt = hit_excerpt(&archive, post, query);
                            post_item(&archive, &props.manifest, post, query, Some(excerpt.as_deref().unwrap_or(&post.excerpt)), Some((&position, &set_size)))
                        }
                        None => html! {
                            <li class="post-item placeholder" key={format!("#{ordinal}")} aria-hidden="true" data-row={position}>
                                <span class="bar"></span>
                            </li>
                        },
                    }
                }) }
            </ol>
            if let Some(message) = failure {
                <p class="error-message" role="alert">{ tf(Text::SomePostsFailed, &[("message", &message)]) }</p>
            }
        </>
    }
}

/// One row. `position` is (1-based position, list length) for assistive technology when the
/// row is one of a virtualized list's drawn rows.
fn post_item(
    archive: &ArchiveState,
    manifest: &Manifest,
    post: &PostSummary,
    query: &Query,
    excerpt: Option<&str>,
    position: Option<(&str, &str)>,
) -> Html {
    let href = Route::post(post.id.clone()).to_fragment();
    let sources = post
        .categories
        .iter()
        .filter_map(|&c| archive.category(manifest, c))
        .map(|c| c.name.clone())
        .collect::<Vec<_>>()
        .join("、");
    html! {
        <li class="post-item" key={post.id.clone()}
            aria-posinset={position.map(|p| p.0.to_string())} aria-setsize={position.map(|p| p.1.to_string())}
            data-row={position.map(|p| p.0.to_string())}>
            <a class={LIST_ITEM_CLASS} href={href}>
                <span class="post-title">{ highlighted(&post.title, query) }</span>
            </a>
            <p class="post-meta">
                <time datetime={post.date.clone()}>{ short_date(post.date.as_deref()) }</time>
                if !sources.is_empty() { <span class="post-source">{ sources }</span> }
            </p>
            if let Some(excerpt) = excerpt.filter(|e| !e.is_empty()) {
                <p class="post-excerpt">{ highlighted(excerpt, query) }</p>
            }
        </li>
    }
}

/// A search hit whose title and stored excerpt show none of the `terms`: its row needs an
/// excerpt from the body.
fn hides_its_hit(post: &PostSummary, query: &Query) -> bool {
    !query.is_empty() && !contains_any(&post.title, query) && !contains_any(&post.excerpt, query)
}

/// For a search hit that [hides its hit](hides_its_hit): the text around the first hit in
/// its body, once the body's chunk is loaded.
fn hit_excerpt(archive: &ArchiveState, post: &PostSummary, query: &Query) -> Option<String> {
    if !hides_its_hit(post, query) {
        return None;
    }
    let body = archive.body(post.chunk, &post.id)??;
    snippet(&article_text(&body.html), query, EXCERPT_CHARS)
}

/// Text with what the search matches wrapped in `<mark>`.
pub fn highlighted(text: &str, query: &Query) -> Html {
    highlight(text, query)
        .into_iter()
        .map(|(run, is_match)| {
            if is_match {
                html! { <mark>{ run }</mark> }
            } else {
                html! { { run } }
            }
        })
        .collect()
}

/// The date and time of day of an RFC 3339 date, in the post's own time zone, as the
/// interface's language writes them (`2022-02-24 17:03`, `Feb 24, 2022, 17:03`).
pub fn short_date(date: Option<&str>) -> String {
    match date {
        // Sliced only where the text allows it: a damaged date is shown as written.
        Some(date) => match (date.get(..10), date.get(11..16)) {
            (Some(day), Some(time)) => locale().date_time(day, time),
            _ => locale().date(date),
        },
        None => t(Text::DateUnknown).to_string(),
    }
}
