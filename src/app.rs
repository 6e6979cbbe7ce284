//! The app shell: archive context, router, header with the search box, and the switch from
//! [`Route`] to page.

use gazette_core::filter::Filter;
use gazette_core::route::Route;
use yew::prelude::*;

use crate::archive;
use crate::components::error_panel::ErrorPanel;
use crate::components::search_box::SearchBox;
use crate::keyboard::use_global_shortcuts;
use crate::pages::{
    categories::CategoriesPage, home::HomePage, not_found::NotFoundPage, post::PostPage,
    posts::PostsPage,
};
use crate::routing::{use_navigator, Router};
use crate::state::{Action, ArchiveState, Load};

#[function_component(App)]
pub fn app() -> Html {
    let archive = use_reducer(ArchiveState::default);
    let loading = matches!(archive.manifest, Load::Loading);
    {
        let archive = archive.clone();
        use_effect_with(loading, move |loading| {
            if *loading {
                wasm_bindgen_futures::spawn_local(async move {
                    archive.dispatch(Action::Manifest(archive::fetch_manifest().await));
                });
            }
        });
    }
    html! {
        <ContextProvider<crate::state::ArchiveHandle> context={archive}>
            <Router>
                <Shell />
            </Router>
        </ContextProvider<crate::state::ArchiveHandle>>
    }
}

#[function_component(Shell)]
fn shell() -> Html {
    let archive = crate::state::use_archive();
    let navigator = use_navigator();
    use_global_shortcuts();
    let site_title = match &archive.manifest {
        Load::Ready(manifest) if !manifest.site.title.is_empty() => manifest.site.title.clone(),
        _ => "Gazette 新闻存档".to_string(),
    };
    {
        let title = site_title.clone();
        use_effect_with(title, |title| gloo::utils::document().set_title(title));
    }
    let query = match &navigator.route {
        Route::Posts(filter) => filter.text.clone(),
        _ => String::new(),
    };
    let retry = {
        let archive = archive.clone();
        Callback::from(move |_| archive.dispatch(Action::Retry))
    };
    let content = match &archive.manifest {
        Load::Loading => html! {
            <div class="loading" role="status" aria-live="polite">{ "正在载入存档…" }</div>
        },
        Load::Failed(message) => html! {
            <ErrorPanel title="无法载入存档" message={message.clone()} on_retry={retry} />
        },
        Load::Ready(_) => page(&navigator.route),
    };
    html! {
        <>
            <a class="skip-link" href="#main" onclick={skip_to_main()}>{ "跳到正文" }</a>
            <header class="site-header">
                <a class="brand" href="#/">{ site_title }</a>
                <nav aria-label="主导航" class="site-nav">
                    <a href="#/">{ "首页" }</a>
                    <a href="#/categories">{ "全部来源" }</a>
                </nav>
                <SearchBox value={query} />
            </header>
            <main id="main" tabindex="-1">{ content }</main>
            <footer class="site-footer">
                <p>{ "Gazette · 静态新闻存档浏览器。按 " }<kbd>{ "/" }</kbd>{ " 搜索，" }<kbd>{ "j" }</kbd>{ " / " }<kbd>{ "k" }</kbd>{ " 在列表中移动，" }<kbd>{ "Enter" }</kbd>{ " 打开。" }</p>
            </footer>
        </>
    }
}

/// The skip link targets `#main`, which would be read as a route: focus the element instead.
fn skip_to_main() -> Callback<MouseEvent> {
    Callback::from(|event: MouseEvent| {
        event.prevent_default();
        if let Some(main) = gloo::utils::document().get_element_by_id("main") {
            use wasm_bindgen::JsCast;
            if let Ok(main) = main.dyn_into::<web_sys::HtmlElement>() {
                let _ = main.focus();
            }
        }
    })
}

fn page(route: &Route) -> Html {
    match route {
        Route::Home => html! { <HomePage /> },
        Route::Categories => html! { <CategoriesPage /> },
        Route::Posts(filter) => html! { <PostsPage filter={filter.clone()} /> },
        Route::Post { id } => html! { <PostPage id={id.clone()} /> },
        Route::NotFound { fragment } => html! { <NotFoundPage fragment={fragment.clone()} /> },
    }
}

/// A route to the search page for `text` (keeping nothing else).
pub fn search_route(text: &str) -> Route {
    Route::Posts(Filter {
        text: text.to_string(),
        ..Filter::default()
    })
}
