//! What every failure looks like: what went wrong, in words, and a way out.

use gazette_archive::i18n::Text;

use crate::i18n::t;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ErrorPanelProps {
    pub title: AttrValue,
    pub message: AttrValue,
    #[prop_or_default]
    pub on_retry: Option<Callback<MouseEvent>>,
}

#[function_component(ErrorPanel)]
pub fn error_panel(props: &ErrorPanelProps) -> Html {
    html! {
        <section class="error-panel" role="alert">
            <h1>{ &props.title }</h1>
            <p class="error-message">{ &props.message }</p>
            <p class="error-actions">
                if let Some(on_retry) = &props.on_retry {
                    <button type="button" onclick={on_retry.clone()}>{ t(Text::Retry) }</button>
                }
                <a href="#/">{ t(Text::BackHome) }</a>
            </p>
        </section>
    }
}
