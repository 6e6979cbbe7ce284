//! Every list of posts: a category, a tag, a date period or a search, narrowed further by
//! words and a date range. The filter is the route, so the URL always reproduces the view.

use gazette_archive::i18n::Text;
use std::rc::Rc;

use gazette_archive::archive::Manifest;
use gazette_archive::filter::Filter;
use gazette_archive::query::{evaluate, Hits};
use gazette_archive::route::{is_day, Route};
use gazette_archive::search::Query;
use gloo::timers::callback::Timeout;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::use_manifest;
use crate::components::error_panel::ErrorPanel;
use crate::components::post_list::HitList;
use crate::components::timeline::Timeline;
use crate::i18n::{self, t, tf};
use crate::routing::use_navigator;
use crate::state::{use_archive, use_resources, Action, ArchiveState, Resource};

/// How long the heading must stay the same before it becomes the tab title.
const TITLE_DELAY_MS: u32 = 300;

#[derive(Properties, PartialEq)]
pub struct PostsPageProps {
    pub filter: Filter,
}

#[function_component(PostsPage)]
pub fn posts_page(props: &PostsPageProps) -> Html {
    let manifest = use_manifest();
    let archive = use_archive();
    let evaluation = {
        let (filter, manifest, state) = (props.filter.clone(), manifest.clone(), archive.clone());
        use_memo(
            (props.filter.clone(), archive.query_generation),
            move |_| {
                // User Timing marks, so benchmarks can read the query's own cost in the browser.
                let performance = gloo::utils::window().performance();
                if let Some(p) = &performance {
                    let _ = p.mark("gazette-query-start");
                }
                let result = evaluate(&filter, &manifest, &*state).map(Rc::new);
                if let (Some(p), true) = (&performance, result.is_ok()) {
                    let _ = p.measure_with_start_mark("gazette-query", "gazette-query-start");
                }
                result
            },
        )
    };
    // One shared copy of the hit list per answer (not per render): the list and the
    // timeline compare it by pointer.
    let ordinals = use_memo(evaluation.clone(), |evaluation| match &**evaluation {
        Ok(hits) => Rc::new(hits.ordinals.clone()),
        Err(_) => Rc::default(),
    });
    let mut resources: Vec<Resource> = Vec::new();
    if let Err(needs) = &*evaluation {
        resources.extend(needs.iter().map(|&n| Resource::from(n)));
    }
    // The list fails with what its answer needs. The timeline's days are wanted too, but
    // without them (a host that lost `days.json.gz`) the list shows, without a timeline; a
    // date filter's answer needs them, and then says so.
    let failure = archive.failure(&resources);
    resources.insert(0, Resource::Days);
    use_resources(resources);
    let heading = heading(&props.filter, &archive);
    {
        let heading = heading.clone();
        let site_title = i18n::site_title(&manifest.site);
        // Typing changes the heading with every keystroke, and a new tab title costs the
        // browser a few milliseconds: the title follows once typing pauses.
        use_effect_with(heading, move |heading| {
            let title = format!("{heading} · {site_title}");
            let pending = Timeout::new(TITLE_DELAY_MS, move || {
                gloo::utils::document().set_title(&title)
            });
            move || drop(pending)
        });
    }
    let body = match (failure, &*evaluation) {
        (Some(message), _) => html! {
            <ErrorPanel title={t(Text::ListFailed)} message={message}
                on_retry={Callback::from(move |_| archive.dispatch(Action::Retry))} />
        },
        (None, Ok(hits)) => results(
            &props.filter,
            &manifest,
            hits,
            (*ordinals).clone(),
            archive.loaded_days(),
        ),
        (None, Err(_)) => html! { <div class="loading" role="status">{ t(Text::Loading) }</div> },
    };
    html! {
        <section class="posts" aria-labelledby="posts-title">
            <h1 id="posts-title">{ heading }</h1>
            <FilterBar filter={props.filter.clone()} />
            { body }
        </section>
    }
}

fn results(
    filter: &Filter,
    manifest: &Rc<Manifest>,
    hits: &Rc<Hits>,
    ordinals: Rc<Vec<u32>>,
    days: Option<Rc<gazette_archive::archive::Days>>,
) -> Html {
    let query = Rc::new(Query::parse(&filter.text));
    html! {
        <>
            <p class="result-count" aria-live="polite">
                if hits.unknown_name { { t(Text::UnknownName) } }
                else { { i18n::count(Text::ResultCount, hits.ordinals.len(), &[]) } }
                if filter.has_text() { { sort_links(filter) } }
            </p>
            if let Some(days) = days {
                <Timeline days={days} ordinals={ordinals.clone()} filter={filter.clone()} />
            }
            <HitList manifest={manifest.clone()} ordinals={ordinals} query={query} />
        </>
    }
}

/// "按相关度 | 按时间" when there are words to rank by.
fn sort_links(filter: &Filter) -> Html {
    let with = |by_date: bool| {
        Route::Posts(Filter {
            by_date,
            ..filter.clone()
        })
        .to_fragment()
    };
    html! {
        <span class="sort">
            <a href={with(false)} aria-current={(!filter.by_date).then_some("true")}>{ t(Text::ByRelevance) }</a>
            <a href={with(true)} aria-current={filter.by_date.then_some("true")}>{ t(Text::ByDate) }</a>
        </span>
    }
}

fn heading(filter: &Filter, archive: &ArchiveState) -> String {
    let mut parts = Vec::new();
    if let Some(id) = &filter.category {
        let name = archive
            .category_by_id(id)
            .map_or(id.as_str(), |c| c.name.as_str());
        parts.push(tf(Text::HeadingSource, &[("name", name)]));
    }
    if let Some(tag) = &filter.tag {
        parts.push(tf(Text::HeadingTag, &[("tag", tag)]));
    }
    match (&filter.from, &filter.to) {
        (Some(from), Some(to)) if from == to => parts.push(tf(Text::HeadingDay, &[("date", from)])),
        (Some(from), Some(to)) => parts.push(tf(Text::HeadingRange, &[("from", from), ("to", to)])),
        (Some(from), None) => parts.push(tf(Text::HeadingAfter, &[("from", from)])),
        (None, Some(to)) => parts.push(tf(Text::HeadingBefore, &[("to", to)])),
        (None, None) => {}
    }
    if !filter.text.trim().is_empty() {
        parts.push(tf(Text::HeadingSearch, &[("query", filter.text.trim())]));
    }
    if parts.is_empty() {
        t(Text::HeadingAll).into()
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
                <a class="chip" href={without(|f| f.category = None)} aria-label={tf(Text::RemoveSource, &[("name", category)])}>{ tf(Text::SourceChip, &[("name", category)]) }</a>
            }
            if let Some(tag) = &props.filter.tag {
                <a class="chip" href={without(|f| f.tag = None)} aria-label={tf(Text::RemoveTag, &[("tag", tag)])}>{ tf(Text::TagChip, &[("tag", tag)]) }</a>
            }
            <label class="field">
                <span>{ t(Text::DateFrom) }</span>
                <input type="date" value={props.filter.from.clone().unwrap_or_default()} onchange={set(|f, v| f.from = v)} />
            </label>
            <label class="field">
                <span>{ t(Text::DateTo) }</span>
                <input type="date" value={props.filter.to.clone().unwrap_or_default()} onchange={set(|f, v| f.to = v)} />
            </label>
        </div>
    }
}
