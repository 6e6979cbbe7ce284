//! Which rows of a long list are on screen. A category or a search may list 100,000 posts;
//! drawing only the rows in the viewport (plus a margin) keeps every keystroke and scroll to a
//! few dozen DOM nodes, whatever the list's length.
//!
//! The list scrolls with the page (no inner scroll box: the page keeps its natural scrolling,
//! find-as-you-type of the browser on visible rows, and phones' address-bar behaviour). Rows
//! have one fixed height set by CSS (`.post-list.virtual .post-item`); it is measured from a
//! drawn row, so font-size changes and zoom are followed.

use gloo::events::EventListener;
use gloo::render::{request_animation_frame, AnimationFrame};
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;
use yew::prelude::*;

/// Rows drawn beyond each edge of the viewport, so j/k and ordinary scrolling never reach
/// an undrawn row.
const OVERSCAN: usize = 3;
/// Row height assumed until a row has been drawn and measured.
const ASSUMED_ROW_PX: f64 = 96.0;
/// Viewport height assumed when the window cannot tell (never in a real browser).
const ASSUMED_VIEWPORT_PX: f64 = 900.0;

/// The rows to draw: `first..first + count`, clamped to the list by [`VisibleRows::range`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VisibleRows {
    pub first: usize,
    pub count: usize,
    /// Height of one row in CSS pixels, for the spacers that stand in for undrawn rows.
    pub row_px: f64,
}

impl VisibleRows {
    /// The drawn range within a list of `len` rows.
    pub fn range(&self, len: usize) -> std::ops::Range<usize> {
        let first = self.first.min(len);
        first..(first + self.count).min(len)
    }
}

/// Tracks which rows of the list element `list` are visible; updates on scroll, resize and
/// whenever `len` changes.
#[hook]
pub fn use_visible_rows(list: NodeRef, len: usize) -> VisibleRows {
    let rows = use_state_eq(|| VisibleRows {
        first: 0,
        count: rows_for(ASSUMED_VIEWPORT_PX, ASSUMED_ROW_PX),
        row_px: ASSUMED_ROW_PX,
    });
    {
        let (list, rows) = (list.clone(), rows.clone());
        use_effect_with((), move |_| {
            let update = move |_: &Event| remeasure(&list, &rows);
            // gloo's listeners are passive: scrolling is never held up by this handler.
            let window = gloo::utils::window();
            let scroll = EventListener::new(&window, "scroll", update.clone());
            let resize = EventListener::new(&window, "resize", update.clone());
            // Scroll events arrive once a frame; keys pressed faster than frames (held j, a
            // busy machine) would walk off the drawn rows before the list catches up. Moving
            // the focus measures at once, so the rows beyond the focused one are always drawn.
            let focus = EventListener::new(&gloo::utils::document(), "focusin", update);
            move || drop((scroll, resize, focus))
        });
    }
    {
        // After each new list (and the first draw) the list may have moved (a timeline
        // appeared, the page got shorter): measure again, in the next animation frame, where
        // the layout is computed once for both this reading and the frame itself.
        let (list, rows) = (list.clone(), rows.clone());
        let pending = use_mut_ref(|| None::<AnimationFrame>);
        use_effect_with(len, move |_| {
            *pending.borrow_mut() = Some(request_animation_frame(move |_| remeasure(&list, &rows)));
        });
    }
    *rows
}

/// Measures again and stores the result (re-rendering only when it changed).
fn remeasure(list: &NodeRef, rows: &UseStateHandle<VisibleRows>) {
    if let Some(next) = measure(list, rows) {
        rows.set(next);
    }
}

fn rows_for(viewport_px: f64, row_px: f64) -> usize {
    (viewport_px / row_px).ceil() as usize + 2 * OVERSCAN
}

/// The visible rows given the list's current position on screen.
fn measure(list: &NodeRef, rows: &VisibleRows) -> Option<VisibleRows> {
    let list = list.cast::<HtmlElement>()?;
    let row_px = list
        .query_selector(".post-item")
        .ok()
        .flatten()
        .and_then(|row| row.dyn_into::<HtmlElement>().ok())
        .map(|row| row.get_bounding_client_rect().height())
        .filter(|h| *h >= 8.0)
        .unwrap_or(rows.row_px);
    let viewport = gloo::utils::window()
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(ASSUMED_VIEWPORT_PX);
    // The list's top edge relative to the viewport: negative once scrolled past it.
    let top = list.get_bounding_client_rect().top();
    let above = (-top / row_px).floor().max(0.0) as usize;
    Some(VisibleRows {
        first: above.saturating_sub(OVERSCAN),
        count: rows_for(viewport, row_px),
        row_px,
    })
}
