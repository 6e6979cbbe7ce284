//! Every category, with a filter box: reaches all ~2000 finews sources by name or id.

use gazette_core::filter::Filter;
use gazette_core::route::Route;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::use_manifest;
use crate::keyboard::LIST_ITEM_CLASS;

#[function_component(CategoriesPage)]
pub fn categories_page() -> Html {
    let manifest = use_manifest();
    let query = use_state(String::new);
    let oninput = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| {
            query.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let needle = query.to_lowercase();
    let matching: Vec<_> = manifest
        .categories
        .iter()
        .filter(|c| {
            needle.is_empty()
                || c.name.to_lowercase().contains(&needle)
                || c.id.to_lowercase().contains(&needle)
        })
        .collect();
    html! {
        <section class="categories" aria-labelledby="categories-title">
            <h1 id="categories-title">{ "全部来源" }</h1>
            <label class="field">
                <span>{ "筛选来源" }</span>
                <input type="search" value={(*query).clone()} oninput={oninput} placeholder="名称或编号" />
            </label>
            <p class="result-count" aria-live="polite">{ format!("{} / {} 个来源", matching.len(), manifest.categories.len()) }</p>
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
