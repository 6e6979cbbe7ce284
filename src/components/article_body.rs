//! A post's body, sanitized in the browser before it touches the page (see
//! [`crate::sanitize_dom`]). The HTML is never given to `inner_html` of a live element. When
//! the sanitizer refuses the markup (a DOM call on it failed even where it could only drop a
//! node), nothing of it is shown, and the reader is told why.

use gazette_archive::i18n::Text;

use crate::i18n::tf;
use yew::prelude::*;

use crate::sanitize_dom::sanitize_to_fragment;

#[derive(Properties, PartialEq)]
pub struct ArticleBodyProps {
    pub html: AttrValue,
}

#[function_component(ArticleBody)]
pub fn article_body(props: &ArticleBodyProps) -> Html {
    let container = use_node_ref();
    let refused = use_state(|| None::<String>);
    {
        let container = container.clone();
        let refused = refused.clone();
        use_effect_with(props.html.clone(), move |html| {
            if let Some(element) = container.cast::<web_sys::Element>() {
                element.set_text_content(None);
                let document = gloo::utils::document();
                match sanitize_to_fragment(&document, html) {
                    Ok((fragment, _)) => {
                        let _ = element.append_child(&fragment);
                        refused.set(None);
                    }
                    Err(reason) => {
                        gloo::console::error!(format!("Gazette: article not shown: {reason}"));
                        refused.set(Some(reason.to_string()));
                    }
                }
            }
        });
    }
    html! {
        <>
            if let Some(reason) = &*refused {
                <p class="error-message article-refused" role="alert">
                    { tf(Text::BodyRefused, &[("reason", &reason.to_string())]) }
                </p>
            }
            <div class="article-body" ref={container} onclick={Callback::from(follow_anchor)}></div>
        </>
    }
}

/// A link to one of the article's own anchors (a footnote and its way back, a heading of the
/// table of contents: `#gz-…`, see `sanitize_policy::ANCHOR_PREFIX`) scrolls to it in place
/// and moves the focus there (for the keyboard and screen readers), instead of changing the
/// address: the app's routes hold the address's fragment. A link whose anchor is not in the
/// article does nothing.
fn follow_anchor(event: MouseEvent) {
    use wasm_bindgen::JsCast;
    let Some(link) = event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
        .and_then(|target| target.closest("a[href]").ok().flatten())
    else {
        return;
    };
    // The target as a browser (and the policy) reads it.
    use gazette_archive::sanitize_policy::{linked_anchor, url_as_read};
    let Some(fragment) = link
        .get_attribute("href")
        .and_then(|href| linked_anchor(&url_as_read(&href)).map(str::to_string))
    else {
        return;
    };
    event.prevent_default();
    // The id as written, else percent-decoded (the Markdown writer encodes `#gz-市场`).
    let document = gloo::utils::document();
    let Some(anchor) = document.get_element_by_id(&fragment).or_else(|| {
        js_sys::decode_uri_component(&fragment)
            .ok()
            .and_then(|id| id.as_string())
            .and_then(|id| document.get_element_by_id(&id))
    }) else {
        return;
    };
    anchor.scroll_into_view();
    if let Ok(anchor) = anchor.dyn_into::<web_sys::HtmlElement>() {
        let _ = anchor.set_attribute("tabindex", "-1");
        let _ = anchor.focus();
    }
}
