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
            <div class="article-body" ref={container}></div>
        </>
    }
}
