//! A post's body, sanitized in the browser before it touches the page (see
//! [`crate::sanitize_dom`]). The HTML is never given to `inner_html` of a live element.

use yew::prelude::*;

use crate::sanitize_dom::sanitize_to_fragment;

#[derive(Properties, PartialEq)]
pub struct ArticleBodyProps {
    pub html: AttrValue,
}

#[function_component(ArticleBody)]
pub fn article_body(props: &ArticleBodyProps) -> Html {
    let container = use_node_ref();
    {
        let container = container.clone();
        use_effect_with(props.html.clone(), move |html| {
            if let Some(element) = container.cast::<web_sys::Element>() {
                element.set_text_content(None);
                let document = gloo::utils::document();
                if let Some(fragment) = sanitize_to_fragment(&document, html) {
                    let _ = element.append_child(&fragment);
                }
            }
        });
    }
    html! { <div class="article-body" ref={container}></div> }
}
