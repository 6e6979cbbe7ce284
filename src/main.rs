//! Entry point of the browser app: see `lib.rs`.

fn main() {
    gazette_app::run();
}
