//! The current [`Route`], read from the URL fragment and kept in a context. Links are plain
//! `<a href="#/…">`, so the browser's back/forward, reload and "open in new tab" all work;
//! [`Navigator::replace`] updates the URL while the reader types, without flooding history.

use std::cell::RefCell;
use std::rc::Rc;

use gazette_archive::route::Route;
use gloo::timers::callback::Timeout;
use wasm_bindgen::JsValue;
use yew::prelude::*;

/// How long typing must pause before the address bar follows it. `history.replaceState`
/// costs the browser a millisecond or two (profiled: about 1.5 ms per keystroke), which is
/// better spent drawing the list; one update per pause keeps the URL shareable.
const URL_DELAY_MS: u32 = 300;

fn replace_url(route: &Route) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&route.to_fragment()));
    }
}

/// The route in the URL. An old Jekyll link arrives as `#/legacy?path=…` (from `404.html`);
/// it is replaced in place by the view it maps to, so the address bar shows the real route.
fn current_route() -> Route {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    let route = Route::parse(&hash);
    if hash.starts_with("#/legacy") && !matches!(route, Route::NotFound { .. }) {
        replace_url(&route);
    }
    route
}

/// A URL update waiting for typing to pause: the route to write, and the timer that will
/// write it. The timer's own callback only takes the route (a timer must not be dropped
/// while it runs); the next update or a navigation drops the timer, which cancels it.
#[derive(Default)]
struct Pending {
    route: Option<Route>,
    /// Held for its `Drop`, which cancels the write.
    _timer: Option<Timeout>,
}

impl Pending {
    /// Writes the waiting route, if any.
    fn flush(&mut self) {
        if let Some(route) = self.route.take() {
            replace_url(&route);
        }
    }
}

type PendingUrl = Rc<RefCell<Pending>>;

/// The route, plus a way to change it.
#[derive(Clone)]
pub struct Navigator {
    pub route: Route,
    set_route: Callback<Route>,
    pending_url: PendingUrl,
}

impl PartialEq for Navigator {
    fn eq(&self, other: &Self) -> bool {
        self.route == other.route
            && self.set_route == other.set_route
            && Rc::ptr_eq(&self.pending_url, &other.pending_url)
    }
}

impl Navigator {
    /// Goes to `route`, adding a history entry (a URL update still waiting is dropped, so
    /// it cannot overwrite the new entry).
    pub fn push(&self, route: &Route) {
        *self.pending_url.borrow_mut() = Pending::default();
        if let Some(window) = web_sys::window() {
            let _ = window.location().set_hash(&route.to_fragment());
        }
    }

    /// Shows `route` at once and replaces the current history entry's URL with it once
    /// typing pauses (used while typing a query).
    pub fn replace(&self, route: Route) {
        let pending_url = self.pending_url.clone();
        let timer = Timeout::new(URL_DELAY_MS, move || pending_url.borrow_mut().flush());
        *self.pending_url.borrow_mut() = Pending {
            route: Some(route.clone()),
            _timer: Some(timer),
        };
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
    let pending_url: PendingUrl = use_mut_ref(Pending::default);
    {
        let (route, pending_url) = (route.clone(), pending_url.clone());
        use_effect_with((), move |_| {
            let window = web_sys::window().expect("a browser window");
            let on_hash_change =
                gloo::events::EventListener::new(&window, "hashchange", move |_| {
                    // The reader went elsewhere (back, a link): a typed query's URL update
                    // still waiting belongs to the entry they left.
                    *pending_url.borrow_mut() = Pending::default();
                    route.set(current_route());
                });
            move || drop(on_hash_change)
        });
    }
    let set_route = {
        let route = route.clone();
        Callback::from(move |next: Route| route.set(next))
    };
    let navigator = Navigator {
        route: (*route).clone(),
        set_route,
        pending_url,
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
