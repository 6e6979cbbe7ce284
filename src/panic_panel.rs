//! The last line of defence: if the app ever panics, the page is replaced by a readable panel
//! with the panic message and a reload button instead of a frozen or blank page. The panel is
//! drawn by `static/guard.js` (`gazetteShowFatal`), which also draws it for a trap no panic
//! announced, so there is one panel for every way the app can stop.

use wasm_bindgen::{JsCast, JsValue};

/// Installs the panel as the panic hook, through Yew (which would otherwise replace any hook
/// set before its renderer starts with its own, and the panel would never say what failed).
pub fn install() {
    yew::set_custom_panic_hook(Box::new(|info| {
        let message = info.to_string();
        gloo::console::error!(format!("Gazette panicked: {message}"));
        show(&message);
    }));
}

fn show(message: &str) {
    let show_fatal =
        js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("gazetteShowFatal"))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let Some(show_fatal) = show_fatal {
        let _ = show_fatal.call1(&JsValue::NULL, &JsValue::from_str(message));
    }
}
