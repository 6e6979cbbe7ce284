//! One module per routed view.

pub mod categories;
pub mod home;
pub mod not_found;
pub mod post;
pub mod posts;

use std::rc::Rc;

use gazette_archive::archive::Manifest;

use crate::state::{use_archive, Load};

/// The manifest; pages are only rendered once it is ready.
#[yew::hook]
pub fn use_manifest() -> Rc<Manifest> {
    match &use_archive().manifest {
        Load::Ready(manifest) => manifest.clone(),
        _ => unreachable!("pages render only after the manifest is ready"),
    }
}
