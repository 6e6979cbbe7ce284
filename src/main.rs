//! Gazette's browser app: mounts [`app::App`] and installs the panic panel.

mod app;
mod archive;
mod components;
mod keyboard;
mod pages;
mod panic_panel;
mod routing;
mod sanitize_dom;
mod state;

fn main() {
    panic_panel::install();
    yew::Renderer::<app::App>::new().render();
}
