//! Every vector of the XSS suite (`tests/xss/vectors.json`) through the builder's pipeline
//! (Markdown + ammonia under the shared policy): nothing that can run, load a document, or
//! navigate may remain. The same vectors are rendered in Chromium by `tests/e2e/xss.test.mjs`.

use gazette_archive::sanitize_policy::{is_allowed_tag, is_allowed_url, is_anchor};
use gazette_import::markdown::render;

fn vectors() -> Vec<(String, String)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/xss/vectors.json");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("the vector file exists"))
            .expect("valid JSON");
    json["vectors"]
        .as_array()
        .expect("a vectors array")
        .iter()
        .map(|v| {
            (
                v["id"].as_str().unwrap().to_string(),
                v["html"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The start tags of serialized HTML: (name, [(attribute, value)]). The input is ammonia's
/// output, which quotes every attribute value with `"` and escapes `"` inside as `&quot;`.
fn start_tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut tags = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        if rest.starts_with('/') {
            continue;
        }
        let end = rest.find('>').unwrap_or(rest.len());
        let inside = &rest[..end];
        let name: String = inside
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let mut attributes = Vec::new();
        let mut attribute_text = &inside[name.len()..];
        while let Some(eq) = attribute_text.find("=\"") {
            let attribute = attribute_text[..eq].trim().to_string();
            let value_end = attribute_text[eq + 2..]
                .find('"')
                .unwrap_or(attribute_text.len() - eq - 2);
            let value = attribute_text[eq + 2..eq + 2 + value_end].replace("&amp;", "&");
            attributes.push((attribute, value));
            attribute_text = &attribute_text[eq + 2 + value_end + 1..];
        }
        tags.push((name.to_ascii_lowercase(), attributes));
        rest = &rest[end..];
    }
    tags
}

#[test]
fn the_suite_is_large_enough() {
    assert!(vectors().len() >= 150, "{} vectors", vectors().len());
}

#[test]
fn no_vector_survives_the_builder() {
    let mut failures = Vec::new();
    for (id, html) in vectors() {
        let clean = render(&html, &Default::default()).html;
        for (tag, attributes) in start_tags(&clean) {
            if !is_allowed_tag(&tag) {
                failures.push(format!("{id}: <{tag}> in {clean}"));
            }
            for (attribute, value) in attributes {
                let allowed = [
                    "href",
                    "src",
                    "alt",
                    "title",
                    "width",
                    "height",
                    "rel",
                    "target",
                    "loading",
                    "referrerpolicy",
                    "lang",
                    "dir",
                    "colspan",
                    "rowspan",
                    "scope",
                    "start",
                    "datetime",
                ];
                // An anchor (a heading's id, made from its text) names nothing of the page.
                let anchor = attribute == "id" && is_anchor(&value);
                if !allowed.contains(&attribute.as_str()) && !anchor {
                    failures.push(format!("{id}: {tag}[{attribute}] in {clean}"));
                }
                if ["href", "src"].contains(&attribute.as_str()) && !is_allowed_url(&value) {
                    failures.push(format!("{id}: {tag}[{attribute}={value}] in {clean}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} vectors left something:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
