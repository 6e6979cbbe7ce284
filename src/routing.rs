//! The current [`Route`], read from the URL fragment and kept in a context. Links are plain
//! `<a href="#/…">`, so the browser's back/forward, reload and "open in new tab" all work;
//! [`Navigator::replace`] updates the URL while the reader types, without flooding history.

use gazette_core::route::Route;
use wasm_bindgen::JsValue;
use yew::prelude::*;

/// The route in the URL. An old Jekyll link arrives as `#/legacy?path=…` (from `404.html`);
/// it is replaced in place by the view it maps to, so the address bar shows the real route.
fn current_route() -> Route {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    let route = Route::parse(&hash);
    if hash.starts_with("#/legacy") && !matches!(route, Route::NotFound { .. }) {
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&route.to_fragment()));
        }
    }
    route
}

/// The route, plus a way to change it.
#[derive(Clone, PartialEq)]
pub struct Navigator {
    pub route: Route,
    set_route: Callback<Route>,
}

impl Navigator {
    /// Goes to `route`, adding a history entry.
    pub fn push(&self, route: &Route) {
        if let Some(window) = web_sys::window() {
            let _ = window.location().set_hash(&route.to_fragment());
        }
    }

    /// Replaces the current history entry with `route` (used while typing a query).
    pub fn replace(&self, route: Route) {
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&route.to_fragment()));
        }
        self.set_route.emit(route);
    }
}

#[derive(Properties, PartialEq)]
pub struct RouterProps {
    pub children: Html,
}

/// Provides the [`Navigator`] and follows `hashchange`.
#[function_component(Router)]
pub fn router(props: &RouterProps) -> Html {
    let route = use_state(current_route);
    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let window = web_sys::window().expect("a browser window");
            let listener = gloo::events::EventListener::new(&window, "hashchange", move |_| {
                route.set(current_route());
            });
            move || drop(listener)
        });
    }
    let set_route = {
        let route = route.clone();
        Callback::from(move |next: Route| route.set(next))
    };
    let navigator = Navigator {
        route: (*route).clone(),
        set_route,
    };
    html! {
        <ContextProvider<Navigator> context={navigator}>
            { props.children.clone() }
        </ContextProvider<Navigator>>
    }
}

#[hook]
pub fn use_navigator() -> Navigator {
    use_context::<Navigator>().expect("Router provides the navigator")
}
