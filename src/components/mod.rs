//! Reusable pieces of the pages.

pub mod article_body;
pub mod error_panel;
pub mod post_list;
pub mod search_box;
pub mod timeline;
pub mod virtual_window;
