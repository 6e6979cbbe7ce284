//! An address the app does not know.

use yew::prelude::*;

use crate::components::error_panel::ErrorPanel;

#[derive(Properties, PartialEq)]
pub struct NotFoundProps {
    pub fragment: AttrValue,
}

#[function_component(NotFoundPage)]
pub fn not_found_page(props: &NotFoundProps) -> Html {
    html! {
        <ErrorPanel title="找不到这个页面" message={format!("地址 “{}” 不对应存档中的任何页面。", props.fragment)} />
    }
}
