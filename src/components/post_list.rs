//! A list of posts: title (with search terms highlighted), date, source and excerpt. Shows a
//! page at a time and grows on demand, so a category of 50,000 posts renders instantly.

use std::rc::Rc;

use gazette_core::archive::Manifest;
use gazette_core::filter::highlight;
use gazette_core::model::PostSummary;
use gazette_core::route::Route;
use yew::prelude::*;

use crate::keyboard::LIST_ITEM_CLASS;

/// Posts rendered per step.
pub const PAGE_SIZE: usize = 50;

#[derive(Properties, PartialEq)]
pub struct PostListProps {
    pub manifest: Rc<Manifest>,
    /// The posts to list, in order.
    pub posts: Rc<Vec<PostSummary>>,
    /// Lower-case search terms to highlight.
    #[prop_or_default]
    pub terms: Rc<Vec<String>>,
    #[prop_or(true)]
    pub show_excerpt: bool,
}

#[function_component(PostList)]
pub fn post_list(props: &PostListProps) -> Html {
    let shown = use_state(|| PAGE_SIZE);
    {
        let shown = shown.clone();
        use_effect_with(props.posts.clone(), move |_| shown.set(PAGE_SIZE));
    }
    let visible = props.posts.iter().take(*shown);
    let remaining = props.posts.len().saturating_sub(*shown);
    let more = {
        let shown = shown.clone();
        Callback::from(move |_| shown.set(*shown + PAGE_SIZE * 4))
    };
    html! {
        <>
            <ol class="post-list">
                { for visible.map(|post| post_item(&props.manifest, post, &props.terms, props.show_excerpt)) }
            </ol>
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
