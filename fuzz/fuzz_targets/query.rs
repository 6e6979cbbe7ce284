//! URL fragments (hostile ones included) and search queries: parsing, formatting, terms.
#![no_main]

use gazette_core::route::{legacy_route, Route};
use gazette_core::search::{for_each_term, highlight_terms, query_terms};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let route = Route::parse(text);
    // Formatting a parsed route and parsing it again gives the same route.
    if !matches!(route, Route::NotFound { .. }) {
        assert_eq!(Route::parse(&route.to_fragment()), route, "{text:?}");
    }
    let _ = legacy_route(text);
    let _ = query_terms(text);
    let _ = highlight_terms(text);
    for_each_term(text, |_| {});
    let _ = gazette_core::filter::highlight(text, &highlight_terms(text));
});
