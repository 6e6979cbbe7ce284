//! Lists of posts. [`SummaryList`] shows summaries it is given (the home page's, from the
//! manifest); [`HitList`] shows a list of ordinals (a category, a search), fetching the
//! summary groups of the rows it shows and growing a page at a time, so a category of 50,000
//! posts costs what 50 rows cost.

use std::rc::Rc;

use gazette_core::archive::Manifest;
use gazette_core::filter::highlight;
use gazette_core::model::PostSummary;
use gazette_core::route::Route;
use yew::prelude::*;

use crate::keyboard::LIST_ITEM_CLASS;
use crate::state::{use_archive, use_resources, Resource};

/// Rows rendered at first, and added by each "more".
pub const PAGE_SIZE: usize = 50;

#[derive(Properties, PartialEq)]
pub struct SummaryListProps {
    pub manifest: Rc<Manifest>,
    pub posts: Rc<Vec<PostSummary>>,
    #[prop_or(true)]
    pub show_excerpt: bool,
}

#[function_component(SummaryList)]
pub fn summary_list(props: &SummaryListProps) -> Html {
    html! {
        <ol class="post-list">
            { for props.posts.iter().map(|post| post_item(&props.manifest, post, &[], props.show_excerpt)) }
        </ol>
    }
}

#[derive(Properties, PartialEq)]
pub struct HitListProps {
    pub manifest: Rc<Manifest>,
    /// Ordinals to list, in display order.
    pub ordinals: Rc<Vec<u32>>,
    /// Lower-case strings to highlight.
    #[prop_or_default]
    pub terms: Rc<Vec<String>>,
}

#[function_component(HitList)]
pub fn hit_list(props: &HitListProps) -> Html {
    let archive = use_archive();
    let shown = use_state(|| PAGE_SIZE);
    {
        let shown = shown.clone();
        use_effect_with(props.ordinals.clone(), move |_| shown.set(PAGE_SIZE));
    }
    let group_size = props.manifest.layout.summary_group_size.max(1);
    let visible = &props.ordinals[..(*shown).min(props.ordinals.len())];
    let mut groups: Vec<Resource> = visible
        .iter()
        .map(|o| Resource::SummaryGroup(o / group_size))
        .collect();
    groups.dedup();
    let failure = archive.failure(&groups);
    use_resources(groups);
    let remaining = props.ordinals.len() - visible.len();
    let more = {
        let shown = shown.clone();
        Callback::from(move |_| shown.set(*shown + PAGE_SIZE * 4))
    };
    html! {
        <>
            <ol class="post-list">
                { for visible.iter().map(|&ordinal| match archive.summary(ordinal, group_size) {
                    Some(post) => post_item(&props.manifest, post, &props.terms, true),
                    None => html! { <li class="post-item placeholder" key={format!("#{ordinal}")} aria-hidden="true"><span class="bar"></span></li> },
                }) }
            </ol>
            if let Some(message) = failure {
                <p class="error-message" role="alert">{ format!("部分文章无法载入：{message}") }</p>
            }
            if remaining > 0 {
                <button type="button" class="more" onclick={more}>
                    { format!("显示更多（还有 {remaining} 篇）") }
                </button>
            }
        </>
    }
}

fn post_item(
    manifest: &Manifest,
    post: &PostSummary,
    terms: &[String],
    show_excerpt: bool,
) -> Html {
    let href = Route::Post {
        id: post.id.clone(),
    }
    .to_fragment();
    let sources = post
        .categories
        .iter()
        .filter_map(|&c| manifest.categories.get(c as usize))
        .map(|c| c.name.clone())
        .collect::<Vec<_>>()
        .join("、");
    html! {
        <li class="post-item" key={post.id.clone()}>
            <a class={LIST_ITEM_CLASS} href={href}>
                <span class="post-title">{ highlighted(&post.title, terms) }</span>
            </a>
            <p class="post-meta">
                <time datetime={post.date.clone()}>{ short_date(post.date.as_deref()) }</time>
                if !sources.is_empty() { <span class="post-source">{ sources }</span> }
            </p>
            if show_excerpt && !post.excerpt.is_empty() {
                <p class="post-excerpt">{ highlighted(&post.excerpt, terms) }</p>
            }
        </li>
    }
}

/// Text with the search terms wrapped in `<mark>`.
pub fn highlighted(text: &str, terms: &[String]) -> Html {
    highlight(text, terms)
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

/// `2022-02-24 17:03` from an RFC 3339 date, in the post's own time zone; `日期不详` when undated.
pub fn short_date(date: Option<&str>) -> String {
    match date {
        Some(date) if date.len() >= 16 => format!("{} {}", &date[..10], &date[11..16]),
        Some(date) => date.to_string(),
        None => "日期不详".to_string(),
    }
}
