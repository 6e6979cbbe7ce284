//! One post: title, date in the archive's time zone, sources and tags as links, the original
//! link, the body (sanitized again here), and previous/next within its first category.

use gazette_core::archive::Manifest;
use gazette_core::filter::Filter;
use gazette_core::model::PostSummary;
use gazette_core::route::Route;
use yew::prelude::*;

use super::use_manifest;
use crate::components::article_body::ArticleBody;
use crate::components::error_panel::ErrorPanel;
use crate::components::post_list::short_date;
use crate::state::{use_archive, use_chunk, use_index, Action, Load, LoadedIndex};

#[derive(Properties, PartialEq)]
pub struct PostPageProps {
    pub id: AttrValue,
}

#[function_component(PostPage)]
pub fn post_page(props: &PostPageProps) -> Html {
    let manifest = use_manifest();
    let archive = use_archive();
    let index = use_index();
    let position = match &index {
        Load::Ready(index) => index.position_of.get(props.id.as_str()).copied(),
        _ => None,
    };
    let summary = match (&index, position) {
        (Load::Ready(index), Some(p)) => Some(index.posts[p].clone()),
        _ => None,
    };
    let chunk = use_chunk(summary.as_ref().map(|s| s.chunk));
    {
        let title = summary.as_ref().map(|s| s.title.clone());
        use_effect_with(title, |title| {
            if let Some(title) = title {
                gloo::utils::document().set_title(&format!("{title} · Gazette"));
            }
            gloo::utils::window().scroll_to_with_x_and_y(0.0, 0.0);
        });
    }
    let retry = Callback::from(move |_| archive.dispatch(Action::Retry));
    match (&index, summary) {
        (Load::Failed(message), _) => {
            html! { <ErrorPanel title="无法载入文章索引" message={message.clone()} on_retry={retry} /> }
        }
        (Load::Ready(_), None) => html! {
            <ErrorPanel title="找不到这篇文章" message={format!("存档中没有编号为 “{}” 的文章。它可能已被移除，或者链接有误。", props.id)} />
        },
        (Load::Ready(index), Some(summary)) => {
            let body = match &chunk {
                Load::Ready(chunk) => match chunk.get(&summary.id) {
                    Some(html) => html! { <ArticleBody html={html.clone()} /> },
                    None => {
                        html! { <ErrorPanel title="正文缺失" message="存档的正文文件里没有这篇文章，存档可能不完整。" /> }
                    }
                },
                Load::Failed(message) => {
                    html! { <ErrorPanel title="无法载入正文" message={message.clone()} on_retry={retry} /> }
                }
                _ => html! { <div class="loading" role="status">{ "正在载入正文…" }</div> },
            };
            html! {
                <article class="post" aria-labelledby="post-title">
                    <PostHeader manifest={manifest.clone()} summary={summary.clone()} />
                    { body }
                    { neighbours(&manifest, index, position.unwrap_or(0), &summary) }
                </article>
            }
        }
        _ => html! { <div class="loading" role="status">{ "正在载入文章…" }</div> },
    }
}

#[derive(Properties, PartialEq)]
struct PostHeaderProps {
    manifest: std::rc::Rc<Manifest>,
    summary: PostSummary,
}

#[function_component(PostHeader)]
fn post_header(props: &PostHeaderProps) -> Html {
    let summary = &props.summary;
    let category_links = summary
        .categories
        .iter()
        .filter_map(|&c| props.manifest.categories.get(c as usize))
        .map(|c| {
            let href = Route::Posts(Filter {
                category: Some(c.id.clone()),
                ..Filter::default()
            })
            .to_fragment();
            html! { <a class="chip" href={href}>{ &c.name }</a> }
        });
    let tag_links = summary
        .tags
        .iter()
        .filter_map(|&t| props.manifest.tags.get(t as usize))
        .map(|t| {
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
                if gazette_core::sanitize_policy::is_allowed_url(source) {
                    <p class="source-link"><a href={source.clone()} target="_blank" rel="noopener noreferrer">{ "查看原文 ↗" }</a></p>
                }
            }
        </header>
    }
}

/// `2022-02-24 17:03:45 (UTC+08:00)`: the time as the post's site saw it.
fn full_date(date: Option<&str>) -> String {
    match date {
        Some(date) if date.len() >= 25 => {
            format!("{} {} (UTC{})", &date[..10], &date[11..19], &date[19..])
        }
        other => short_date(other),
    }
}

/// Previous/next post within the first category, and a link back to it.
fn neighbours(
    manifest: &Manifest,
    index: &LoadedIndex,
    position: usize,
    summary: &PostSummary,
) -> Html {
    let Some(&category) = summary.categories.first() else {
        return html! {};
    };
    let Some(info) = manifest.categories.get(category as usize) else {
        return html! {};
    };
    let in_category = |p: &&PostSummary| p.categories.contains(&category);
    let newer = index.posts[..position].iter().rev().find(in_category);
    let older = index.posts[position + 1..].iter().find(in_category);
    let link = |post: Option<&PostSummary>, label: &str, class: &str| match post {
        Some(post) => html! {
            <a class={classes!("neighbour", class.to_string())} href={Route::Post { id: post.id.clone() }.to_fragment()}>
                <span class="label">{ label.to_string() }</span><span class="title">{ &post.title }</span>
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
        <nav class="post-nav" aria-label="同一来源的文章">
            { link(newer, "← 较新", "newer") }
            <a class="back" href={back}>{ format!("返回 {}", info.name) }</a>
            { link(older, "较早 →", "older") }
        </nav>
    }
}
