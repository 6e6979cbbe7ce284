//! Keyboard shortcuts: `/` focuses the search box; `j`/`k` (or ↓/↑) move through the current
//! list; Enter opens the selected item (it is a focused link, so the browser does that).
//! Shortcuts never fire while the reader types in a field.

use std::cell::Cell;
use wasm_bindgen::JsCast;

use web_sys::{Element, HtmlElement, KeyboardEvent, ScrollIntoViewOptions, ScrollLogicalPosition};
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
        // A click chooses for itself: a row j/k still waits for must not take the focus.
        let pointer = gloo::events::EventListener::new(&document, "pointerdown", |_| {
            forget_wanted_row();
        });
        move || drop((listener, pointer))
    });
}

fn handle(event: &KeyboardEvent) {
    if event.ctrl_key() || event.meta_key() || event.alt_key() || is_typing(event) {
        forget_wanted_row();
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
        _ => forget_wanted_row(),
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
    if let Some(list) = document.query_selector(VIRTUAL_LIST).ok().flatten() {
        event.prevent_default();
        move_in_virtual_list(&list, step);
        return;
    }
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
        reveal(
            &item
                .closest("li")
                .ok()
                .flatten()
                .unwrap_or_else(|| item.clone().into()),
        );
        let _ = item.focus();
    }
}

/// A virtualized list (see `components::virtual_window`): its drawn rows carry their
/// 1-based position in `data-row`, the list its length in `data-rows`.
const VIRTUAL_LIST: &str = "ol.virtual[data-rows]";

thread_local! {
    /// The row j/k moved to that could not take the focus yet: not drawn, or drawn as a
    /// placeholder while its summary loads. The list focuses it once it is drawn
    /// ([`focus_wanted_row`]); more keys move on from it, so no key press is lost however
    /// fast keys arrive.
    static WANTED_ROW: Cell<Option<usize>> = const { Cell::new(None) };
}

/// Moves the selection in a virtualized list by position, not by drawn element: the next
/// row may not be drawn yet when keys arrive faster than frames.
fn move_in_virtual_list(list: &Element, step: i32) {
    let len: usize = list
        .get_attribute("data-rows")
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    if len == 0 {
        return;
    }
    let focused = gloo::utils::document()
        .active_element()
        .and_then(|a| a.closest("li[data-row]").ok().flatten())
        .filter(|row| list.contains(Some(row)))
        .and_then(|row| row_position(&row));
    let current = WANTED_ROW.with(Cell::get).or(focused);
    let target = match current {
        Some(row) => row.saturating_add_signed(step as isize).clamp(1, len),
        // Nothing selected yet: the first (or last) row drawn.
        None => {
            let drawn = drawn_positions(list);
            let first = if step > 0 { drawn.min() } else { drawn.max() };
            first.unwrap_or(1)
        }
    };
    WANTED_ROW.with(|w| w.set(Some(target)));
    if !focus_wanted_row() {
        scroll_towards(list, target);
    }
}

/// Focuses the row j/k wanted if it is drawn with its link now; true when it did (or there
/// was nothing to do). Virtualized lists call it after each render.
pub fn focus_wanted_row() -> bool {
    let Some(target) = WANTED_ROW.with(Cell::get) else {
        return true;
    };
    let document = gloo::utils::document();
    let link = document
        .query_selector(&format!(
            "{VIRTUAL_LIST} li[data-row=\"{target}\"] .{LIST_ITEM_CLASS}"
        ))
        .ok()
        .flatten()
        .and_then(|l| l.dyn_into::<HtmlElement>().ok());
    match link {
        Some(link) => {
            WANTED_ROW.with(|w| w.set(None));
            reveal(
                &link
                    .closest("li")
                    .ok()
                    .flatten()
                    .unwrap_or_else(|| link.clone().into()),
            );
            let _ = link.focus();
            true
        }
        None => false,
    }
}

/// Forgets a wanted row: the reader clicked, typed another key, or the list changed.
pub fn forget_wanted_row() {
    WANTED_ROW.with(|w| w.set(None));
}

/// Scrolls so that row `target` (not focusable yet) comes on screen; the list then draws it.
fn scroll_towards(list: &Element, target: usize) {
    let selector = format!("li[data-row=\"{target}\"]");
    if let Some(row) = list.query_selector(&selector).ok().flatten() {
        reveal(&row);
        return;
    }
    // Not drawn at all: rows have one height, so its place follows from any drawn row.
    let Some((reference, position)) = list
        .query_selector("li[data-row]")
        .ok()
        .flatten()
        .and_then(|row| row_position(&row).map(|p| (row, p)))
    else {
        return;
    };
    let rect = reference.get_bounding_client_rect();
    let top = rect.top() + (target as f64 - position as f64) * rect.height();
    let window = gloo::utils::window();
    let viewport = window
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(0.0);
    let by = if top < 0.0 {
        top
    } else if top + rect.height() > viewport {
        top + rect.height() - viewport
    } else {
        0.0
    };
    window.scroll_by_with_x_and_y(0.0, by);
}

fn row_position(row: &Element) -> Option<usize> {
    row.get_attribute("data-row")?.parse().ok()
}

fn drawn_positions(list: &Element) -> impl Iterator<Item = usize> {
    let rows = list.query_selector_all("li[data-row]").ok();
    let count = rows.as_ref().map_or(0, |r| r.length());
    (0..count).filter_map(move |i| {
        rows.as_ref()?
            .item(i)
            .and_then(|n| n.dyn_into::<Element>().ok())
            .and_then(|row| row_position(&row))
    })
}

/// Shows the whole row (not only its link), clear of the sticky header (CSS
/// `scroll-margin`), moving the page as little as possible. Called before focusing: the
/// focus event then tells a virtualized list to draw the rows around the new position at
/// once, before the next key arrives (see `virtual_window`).
fn reveal(row: &Element) {
    let options = ScrollIntoViewOptions::new();
    options.set_block(ScrollLogicalPosition::Nearest);
    row.scroll_into_view_with_scroll_into_view_options(&options);
}
