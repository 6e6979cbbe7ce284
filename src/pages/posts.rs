//! Every list of posts: a category, a tag, a date period or a search, narrowed further by
//! words and a date range. The filter is the route, so the URL always reproduces the view.

use std::rc::Rc;

use gazette_core::archive::Manifest;
use gazette_core::filter::{Filter, ResolvedFilter};
use gazette_core::route::{is_day, Route};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::use_manifest;
use crate::components::error_panel::ErrorPanel;
use crate::components::post_list::PostList;
use crate::components::timeline::Timeline;
use crate::routing::use_navigator;
use crate::state::{use_archive, use_index, Action, Load};

#[derive(Properties, PartialEq)]
pub struct PostsPageProps {
    pub filter: Filter,
}

#[function_component(PostsPage)]
pub fn posts_page(props: &PostsPageProps) -> Html {
    let manifest = use_manifest();
    let archive = use_archive();
    let index = use_index();
    let resolved = ResolvedFilter::new(&props.filter, &manifest);
    let matches = {
        let index = index.clone();
        let resolved = resolved.clone();
        use_memo(
            (props.filter.clone(), index_identity(&index)),
            move |_| match &index {
                Load::Ready(index) => {
                    let positions = index.search.filter(&index.posts, &resolved);
                    Some(Rc::new(
                        positions
                            .into_iter()
                            .map(|i| index.posts[i].clone())
                            .collect::<Vec<_>>(),
                    ))
                }
                _ => None,
            },
        )
    };
    let heading = heading(&props.filter, &manifest);
    {
        let heading = heading.clone();
        use_effect_with(heading, |heading| {
            gloo::utils::document().set_title(&format!("{heading} · Gazette"))
        });
    }
    let body = match (&index, matches.as_ref()) {
        (Load::Failed(message), _) => html! {
            <ErrorPanel title="无法载入文章索引" message={message.clone()}
                on_retry={Callback::from(move |_| archive.dispatch(Action::Retry))} />
        },
        (_, Some(posts)) => html! {
            <>
                <p class="result-count" aria-live="polite">
                    if resolved.names_unknown() { { "存档中没有这个来源或标签。" } }
                    else { { format!("共 {} 篇", posts.len()) } }
                </p>
                <Timeline posts={posts.clone()} filter={props.filter.clone()} />
                <PostList manifest={manifest.clone()} posts={posts.clone()} terms={Rc::new(resolved.terms().to_vec())} />
            </>
        },
        _ => html! { <div class="loading" role="status">{ "正在载入文章索引…" }</div> },
    };
    html! {
        <section class="posts" aria-labelledby="posts-title">
            <h1 id="posts-title">{ heading }</h1>
            <FilterBar filter={props.filter.clone()} />
            { body }
        </section>
    }
}

/// Changes whenever a different index is loaded (so the memo recomputes), cheaply.
fn index_identity(index: &Load<Rc<crate::state::LoadedIndex>>) -> usize {
    match index {
        Load::Ready(index) => Rc::as_ptr(index) as usize,
        _ => 0,
    }
}

fn heading(filter: &Filter, manifest: &Manifest) -> String {
    let mut parts = Vec::new();
    if let Some(id) = &filter.category {
        let name = manifest
            .categories
            .iter()
            .find(|c| &c.id == id)
            .map_or(id.as_str(), |c| c.name.as_str());
        parts.push(format!("来源：{name}"));
    }
    if let Some(tag) = &filter.tag {
        parts.push(format!("标签：{tag}"));
    }
    match (&filter.from, &filter.to) {
        (Some(from), Some(to)) if from == to => parts.push(format!("日期：{from}")),
        (Some(from), Some(to)) => parts.push(format!("{from} 至 {to}")),
        (Some(from), None) => parts.push(format!("{from} 以后")),
        (None, Some(to)) => parts.push(format!("{to} 以前")),
        (None, None) => {}
    }
    if !filter.text.trim().is_empty() {
        parts.push(format!("搜索“{}”", filter.text.trim()));
    }
    if parts.is_empty() {
        "全部文章".into()
    } else {
        parts.join(" · ")
    }
}

#[derive(Properties, PartialEq)]
struct FilterBarProps {
    filter: Filter,
}

/// Date range inputs and removable chips for the category and tag.
#[function_component(FilterBar)]
fn filter_bar(props: &FilterBarProps) -> Html {
    let navigator = use_navigator();
    let set = |update: fn(&mut Filter, Option<String>)| {
        let navigator = navigator.clone();
        let filter = props.filter.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlInputElement>().value();
            let mut next = filter.clone();
            update(&mut next, Some(value).filter(|v| is_day(v)));
            navigator.push(&Route::Posts(next));
        })
    };
    let without = |update: fn(&mut Filter)| {
        let mut next = props.filter.clone();
        update(&mut next);
        Route::Posts(next).to_fragment()
    };
    html! {
        <div class="filter-bar">
            if let Some(category) = &props.filter.category {
                <a class="chip" href={without(|f| f.category = None)} aria-label={format!("移除来源筛选 {category}")}>{ format!("来源 {category} ✕") }</a>
            }
            if let Some(tag) = &props.filter.tag {
                <a class="chip" href={without(|f| f.tag = None)} aria-label={format!("移除标签筛选 {tag}")}>{ format!("标签 {tag} ✕") }</a>
            }
            <label class="field">
                <span>{ "从" }</span>
                <input type="date" value={props.filter.from.clone().unwrap_or_default()} onchange={set(|f, v| f.from = v)} />
            </label>
            <label class="field">
                <span>{ "到" }</span>
                <input type="date" value={props.filter.to.clone().unwrap_or_default()} onchange={set(|f, v| f.to = v)} />
            </label>
        </div>
    }
}
