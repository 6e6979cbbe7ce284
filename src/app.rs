//! The app shell: archive context, router, header with the search box, and the switch from
//! [`Route`] to page.

use gazette_archive::filter::Filter;
use gazette_archive::i18n::{parts, Part, Text};
use gazette_archive::route::Route;
use yew::prelude::*;

use crate::archive;
use crate::components::error_panel::ErrorPanel;
use crate::components::search_box::SearchBox;
use crate::i18n::{self, t};
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
                    let manifest = archive::fetch_manifest().await;
                    if let Ok(manifest) = &manifest {
                        i18n::set_language(&manifest.site.lang);
                    }
                    archive.dispatch(Action::Manifest(manifest.map(std::rc::Rc::new)));
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
    let (site_title, description, archive_lang) = match &archive.manifest {
        Load::Ready(manifest) => (
            i18n::site_title(&manifest.site),
            manifest.site.description.clone(),
            manifest.site.lang.clone(),
        ),
        _ => (
            t(Text::DefaultTitle).to_string(),
            String::new(),
            String::new(),
        ),
    };
    {
        let head = (site_title.clone(), description.clone());
        use_effect_with(head, |(title, description)| {
            let document = gloo::utils::document();
            document.set_title(title);
            if let Ok(Some(meta)) = document.query_selector("meta[name=description]") {
                if !description.is_empty() {
                    let _ = meta.set_attribute("content", description);
                }
            }
        });
    }
    // The interface's own elements say their language when the posts speak another.
    let ui_lang = i18n::interface_lang(&archive_lang);
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
            <div class="loading" role="status" aria-live="polite">{ t(Text::LoadingArchive) }</div>
        },
        Load::Failed(message) => html! {
            <ErrorPanel title={t(Text::ArchiveFailed)} message={message.clone()} on_retry={retry} />
        },
        Load::Ready(_) => page(&navigator.route),
    };
    html! {
        <>
            <a class="skip-link" href="#main" onclick={skip_to_main()} lang={ui_lang}>{ t(Text::SkipToContent) }</a>
            <header class="site-header">
                <a class="brand" href="#/">{ site_title }</a>
                <nav aria-label={t(Text::MainNavigation)} class="site-nav" lang={ui_lang}>
                    <a href="#/">{ t(Text::NavHome) }</a>
                    <a href="#/categories">{ t(Text::NavAllSources) }</a>
                </nav>
                <SearchBox value={query} />
            </header>
            <main id="main" tabindex="-1">{ content }</main>
            <footer class="site-footer" lang={ui_lang}>
                <p>{ footer() }</p>
            </footer>
        </>
    }
}

/// The footer's help line, its keys shown as keys.
fn footer() -> Html {
    parts(t(Text::Footer))
        .into_iter()
        .map(|part| match part {
            Part::Literal(text) => html! { { text } },
            Part::Placeholder(key) => {
                let label = match key {
                    "slash" => "/",
                    "j" => "j",
                    "k" => "k",
                    "enter" => "Enter",
                    other => other,
                };
                html! { <kbd>{ label }</kbd> }
            }
        })
        .collect()
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
        Route::Post { id, anchor } => {
            html! { <PostPage id={id.clone()} anchor={anchor.clone().map(AttrValue::from)} /> }
        }
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
