//! The search box in the header. Typing filters as you type: the first keystroke moves to
//! the search view (a new history entry), later ones replace the URL in place once typing
//! pauses (see `routing`), so the filtered view can be shared and reloaded without one
//! history entry per letter.

use gazette_archive::i18n::Text;

use crate::i18n::t;
use gazette_archive::route::Route;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::app::search_route;
use crate::routing::use_navigator;

#[derive(Properties, PartialEq)]
pub struct SearchBoxProps {
    pub value: AttrValue,
}

#[function_component(SearchBox)]
pub fn search_box(props: &SearchBoxProps) -> Html {
    let navigator = use_navigator();
    let oninput = {
        let navigator = navigator.clone();
        Callback::from(move |event: InputEvent| {
            let input: HtmlInputElement = event.target_unchecked_into();
            let text = input.value();
            match &navigator.route {
                Route::Posts(filter) => {
                    let mut filter = filter.clone();
                    filter.text = text;
                    navigator.replace(Route::Posts(filter));
                }
                _ => navigator.push(&search_route(&text)),
            }
        })
    };
    let onsubmit = Callback::from(|event: SubmitEvent| event.prevent_default());
    html! {
        <form class="search" role="search" onsubmit={onsubmit}>
            <label for="search-input" class="visually-hidden">{ t(Text::SearchLabel) }</label>
            <input id="search-input" type="search" placeholder={t(Text::SearchPlaceholder)}
                autocomplete="off" value={props.value.clone()} oninput={oninput} />
        </form>
    }
}
