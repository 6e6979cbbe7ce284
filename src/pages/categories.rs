//! Every category, with a filter box: reaches all ~2000 finews sources by name or id.

use gazette_archive::archive::busiest_first;
use gazette_archive::i18n::Text;

use crate::i18n::{self, t};
use gazette_archive::filter::Filter;
use gazette_archive::route::Route;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use gazette_archive::query::Loaded;

use super::use_manifest;
use crate::components::error_panel::ErrorPanel;
use crate::keyboard::LIST_ITEM_CLASS;
use crate::state::{use_archive, use_resources, Action, Resource};

#[function_component(CategoriesPage)]
pub fn categories_page() -> Html {
    let manifest = use_manifest();
    let archive = use_archive();
    use_resources(vec![Resource::Categories]);
    let retry = {
        let archive = archive.clone();
        Callback::from(move |_| archive.dispatch(Action::Retry))
    };
    let query = use_state(String::new);
    let oninput = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| {
            query.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let needle = query.to_lowercase();
    let all = archive.categories().unwrap_or_default();
    let mut matching: Vec<_> = all
        .iter()
        .filter(|c| {
            needle.is_empty()
                || c.name.to_lowercase().contains(&needle)
                || c.id.to_lowercase().contains(&needle)
        })
        .collect();
    matching.sort_by(|a, b| busiest_first((a.count, &a.id), (b.count, &b.id)));
    html! {
        <section class="categories" aria-labelledby="categories-title">
            <h1 id="categories-title">{ t(Text::SourcesTitle) }</h1>
            <label class="field">
                <span>{ t(Text::FilterSources) }</span>
                <input type="search" value={(*query).clone()} oninput={oninput} placeholder={t(Text::FilterSourcesPlaceholder)} />
            </label>
            if let Some(message) = archive.failure(&[Resource::Categories]) {
                <ErrorPanel title={t(Text::SourcesFailed)} message={message}
                    on_retry={retry} />
            } else if all.is_empty() && manifest.category_count > 0 {
                <div class="loading" role="status">{ t(Text::LoadingSources) }</div>
            }
            <p class="result-count" aria-live="polite">{ i18n::count(Text::SourcesMatching, manifest.category_count as usize, &[("matching", &i18n::number(matching.len()))]) }</p>
            <ul class="category-index">
                { for matching.iter().map(|c| {
                    let href = Route::Posts(Filter { category: Some(c.id.clone()), ..Filter::default() }).to_fragment();
                    html! {
                        <li key={c.id.clone()}>
                            <a class={LIST_ITEM_CLASS} href={href}>{ &c.name }</a>
                            <span class="count">{ c.count }</span>
                            if c.name != c.id { <span class="category-id">{ &c.id }</span> }
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}
