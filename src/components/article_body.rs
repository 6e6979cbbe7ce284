//! A post's body, sanitized in the browser before it touches the page (see
//! [`crate::sanitize_dom`]). The HTML is never given to `inner_html` of a live element. When
//! the sanitizer refuses the markup (a DOM call on it failed even where it could only drop a
//! node), nothing of it is shown, and the reader is told why.

use gazette_archive::i18n::Text;

use crate::i18n::tf;
use yew::prelude::*;

use crate::sanitize_dom::sanitize_to_fragment;
use gazette_archive::route::Route;

#[derive(Properties, PartialEq)]
pub struct ArticleBodyProps {
    pub html: AttrValue,
    /// The post's id, for the links to its own anchors.
    pub post: AttrValue,
    /// The anchor the route names (`#/post/x?at=gz-fn:1`), shown once the body is in.
    #[prop_or_default]
    pub anchor: Option<AttrValue>,
}

#[function_component(ArticleBody)]
pub fn article_body(props: &ArticleBodyProps) -> Html {
    let container = use_node_ref();
    let refused = use_state(|| None::<String>);
    {
        let container = container.clone();
        let refused = refused.clone();
        use_effect_with(
            (props.html.clone(), props.post.clone()),
            move |(html, post)| {
                if let Some(element) = container.cast::<web_sys::Element>() {
                    element.set_text_content(None);
                    let document = gloo::utils::document();
                    match sanitize_to_fragment(&document, html) {
                        Ok((fragment, _)) => {
                            let _ = element.append_child(&fragment);
                            route_anchor_links(&element, post);
                            refused.set(None);
                        }
                        Err(reason) => {
                            gloo::console::error!(format!("Gazette: article not shown: {reason}"));
                            refused.set(Some(reason.to_string()));
                        }
                    }
                }
            },
        );
    }
    {
        // After the body's effect and after the page's own (which scrolls a new post to its
        // top): a timer runs once they all have.
        let anchor = props.anchor.clone();
        use_effect_with((props.html.clone(), anchor), |(_, anchor)| {
            let timer = anchor.clone().map(|anchor| {
                gloo::timers::callback::Timeout::new(0, move || {
                    if let Some(element) = gloo::utils::document().get_element_by_id(&anchor) {
                        show(element);
                    }
                })
            });
            move || drop(timer)
        });
    }
    let onclick = {
        let post = props.post.clone();
        Callback::from(move |event: MouseEvent| follow_anchor(event, &post))
    };
    html! {
        <>
            if let Some(reason) = &*refused {
                <p class="error-message article-refused" role="alert">
                    { tf(Text::BodyRefused, &[("reason", &reason.to_string())]) }
                </p>
            }
            <div class="article-body" ref={container} {onclick}></div>
        </>
    }
}

/// The element a link within the article leads to (`#gz-…`, see
/// `sanitize_policy::ANCHOR_PREFIX`): its id as written, else percent-decoded (the Markdown
/// writer encodes `#gz-市场`).
fn linked_element(document: &web_sys::Document, href: &str) -> Option<web_sys::Element> {
    use gazette_archive::sanitize_policy::{linked_anchor, url_as_read};
    // The target as a browser (and the policy) reads it.
    let fragment = linked_anchor(&url_as_read(href))?.to_string();
    document.get_element_by_id(&fragment).or_else(|| {
        js_sys::decode_uri_component(&fragment)
            .ok()
            .and_then(|id| id.as_string())
            .and_then(|id| document.get_element_by_id(&id))
    })
}

/// Makes each link to one of the article's own anchors (a footnote and its way back, a
/// heading of the table of contents) a link to the post's route that names the anchor
/// (`#/post/x?at=gz-fn:1`): the app's routes hold the address's fragment, so that is what
/// opening it in a new tab, bookmarking it or copying it must find. A link to an anchor the
/// article lacks leads nowhere and keeps only its text, but `#top` (`gz-top`), the page's top
/// to a browser, which leads to the post's.
fn route_anchor_links(body: &web_sys::Element, post: &str) {
    let document = gloo::utils::document();
    let Ok(links) = body.query_selector_all("a[href]") else {
        return;
    };
    for link in (0..links.length()).filter_map(|i| links.item(i)) {
        use wasm_bindgen::JsCast;
        let Ok(link) = link.dyn_into::<web_sys::Element>() else {
            continue;
        };
        let Some(href) = link.get_attribute("href") else {
            continue;
        };
        use gazette_archive::sanitize_policy::{linked_anchor, url_as_read};
        let Some(fragment) = linked_anchor(&url_as_read(&href)).map(str::to_string) else {
            continue;
        };
        let anchor = match linked_element(&document, &href) {
            Some(target) => Some(target.id()),
            None if fragment.eq_ignore_ascii_case("gz-top") => None,
            None => {
                let _ = link.remove_attribute("href");
                continue;
            }
        };
        let route = Route::Post {
            id: post.to_string(),
            anchor,
        };
        let _ = link.set_attribute("href", &route.to_fragment());
    }
}

/// Scrolls to an anchor and moves the focus there (for the keyboard and screen readers).
fn show(anchor: web_sys::Element) {
    use wasm_bindgen::JsCast;
    anchor.scroll_into_view();
    if let Ok(anchor) = anchor.dyn_into::<web_sys::HtmlElement>() {
        let _ = anchor.set_attribute("tabindex", "-1");
        let _ = anchor.focus();
    }
}

/// A click on a link to one of this post's anchors (see [`route_anchor_links`]) shows the
/// anchor in place (a link to the post itself, its top), without a new history entry or
/// drawing the post again.
fn follow_anchor(event: MouseEvent, post: &str) {
    use wasm_bindgen::JsCast;
    if event.button() != 0
        || event.ctrl_key()
        || event.meta_key()
        || event.shift_key()
        || event.alt_key()
    {
        return; // a new tab or window, a download: the link's route
    }
    let Some(link) = event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
        .and_then(|target| target.closest("a[href]").ok().flatten())
    else {
        return;
    };
    let Some(Route::Post { id, anchor }) =
        link.get_attribute("href").map(|href| Route::parse(&href))
    else {
        return;
    };
    if id != post {
        return;
    }
    event.prevent_default();
    match anchor.and_then(|anchor| gloo::utils::document().get_element_by_id(&anchor)) {
        Some(element) => show(element),
        None => gloo::utils::window().scroll_to_with_x_and_y(0.0, 0.0),
    }
}
