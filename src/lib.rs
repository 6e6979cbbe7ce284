//! Gazette's browser app. `main.rs` only mounts [`app::App`]; the modules live here so the
//! browser tests (`tests/browser_sanitizer.rs`) can reach the DOM sanitizer.

pub mod app;
mod archive;
mod components;
mod i18n;
mod keyboard;
mod pages;
mod panic_panel;
mod routing;
pub mod sanitize_dom;
mod state;
pub mod untrusted_dom;

/// Installs the panic panel and mounts the app on `<body>`.
pub fn run() {
    panic_panel::install();
    i18n::start();
    yew::Renderer::<app::App>::new().render();
}
