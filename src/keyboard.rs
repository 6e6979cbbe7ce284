//! Keyboard shortcuts: `/` focuses the search box; `j`/`k` (or ↓/↑) move through the current
//! list; Enter opens the selected item (it is a focused link, so the browser does that).
//! Shortcuts never fire while the reader types in a field.

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent, ScrollIntoViewOptions, ScrollLogicalPosition};
use yew::prelude::*;

/// The CSS class of focusable list entries that j/k move between.
pub const LIST_ITEM_CLASS: &str = "list-link";

#[hook]
pub fn use_global_shortcuts() {
    use_effect_with((), |_| {
        let document = gloo::utils::document();
        // Not passive (gloo's default): the handler must be able to cancel the key.
        let options = gloo::events::EventListenerOptions::enable_prevent_default();
        let listener =
            gloo::events::EventListener::new_with_options(&document, "keydown", options, |event| {
                if let Some(event) = event.dyn_ref::<KeyboardEvent>() {
                    handle(event);
                }
            });
        move || drop(listener)
    });
}

fn handle(event: &KeyboardEvent) {
    if event.ctrl_key() || event.meta_key() || event.alt_key() || is_typing(event) {
        return;
    }
    match event.key().as_str() {
        "/" => {
            if let Some(input) = element_by_id("search-input") {
                event.prevent_default();
                let _ = input.focus();
            }
        }
        "j" | "ArrowDown" => move_selection(event, 1),
        "k" | "ArrowUp" => move_selection(event, -1),
        _ => {}
    }
}

fn is_typing(event: &KeyboardEvent) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<HtmlElement>().ok())
        .is_some_and(|el| {
            matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                || el.is_content_editable()
        })
}

fn element_by_id(id: &str) -> Option<HtmlElement> {
    gloo::utils::document()
        .get_element_by_id(id)?
        .dyn_into()
        .ok()
}

fn move_selection(event: &KeyboardEvent, step: i32) {
    let document = gloo::utils::document();
    let Ok(items) = document.query_selector_all(&format!(".{LIST_ITEM_CLASS}")) else {
        return;
    };
    let count = items.length() as i32;
    if count == 0 {
        return;
    }
    let active = document.active_element();
    let current = (0..count).find(|&i| {
        items
            .item(i as u32)
            .zip(active.as_ref())
            .is_some_and(|(item, active)| item.is_same_node(Some(active)))
    });
    let next = match current {
        Some(i) => (i + step).clamp(0, count - 1),
        None if step > 0 => 0,
        None => count - 1,
    };
    if let Some(item) = items
        .item(next as u32)
        .and_then(|n| n.dyn_into::<HtmlElement>().ok())
    {
        event.prevent_default();
        let _ = item.focus();
        // Show the whole row (not only its link), clear of the sticky header (CSS
        // `scroll-margin`), moving the page as little as possible.
        let row = item
            .closest("li")
            .ok()
            .flatten()
            .unwrap_or_else(|| item.into());
        let options = ScrollIntoViewOptions::new();
        options.set_block(ScrollLogicalPosition::Nearest);
        row.scroll_into_view_with_scroll_into_view_options(&options);
    }
}
