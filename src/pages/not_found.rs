//! An address the app does not know.

use gazette_archive::i18n::Text;

use crate::i18n::{t, tf};
use yew::prelude::*;

use crate::components::error_panel::ErrorPanel;

#[derive(Properties, PartialEq)]
pub struct NotFoundProps {
    pub fragment: AttrValue,
}

#[function_component(NotFoundPage)]
pub fn not_found_page(props: &NotFoundProps) -> Html {
    html! {
        <ErrorPanel title={t(Text::PageNotFound)} message={tf(Text::PageNotFoundMessage, &[("fragment", &props.fragment)])} />
    }
}
