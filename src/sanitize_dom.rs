//! The browser's enforcer of `gazette_core::sanitize_policy`: article HTML from the archive
//! is parsed into an inert `<template>` (no scripts run, no images load, no handlers fire),
//! every node is checked against the same allowlist the builder used, and only the cleaned
//! fragment reaches the page. An archive file that was tampered with cannot run code.

use gazette_core::sanitize_policy as policy;
use wasm_bindgen::JsCast;
use web_sys::{Document, DocumentFragment, Element, HtmlTemplateElement, Node};

/// Parses `html` inertly and returns the cleaned fragment, ready to append.
pub fn sanitize_to_fragment(document: &Document, html: &str) -> Option<DocumentFragment> {
    let template: HtmlTemplateElement =
        document.create_element("template").ok()?.dyn_into().ok()?;
    // Parsing into a template's content happens in an inert document.
    template.set_inner_html(html);
    let fragment = template.content();
    clean_children(fragment.as_ref());
    Some(fragment)
}

/// Serializes the cleaned form of `html` (used by tests and the XSS suite).
pub fn sanitize_to_string(document: &Document, html: &str) -> String {
    let Some(fragment) = sanitize_to_fragment(document, html) else {
        return String::new();
    };
    let Ok(container) = document.create_element("div") else {
        return String::new();
    };
    let _ = container.append_child(&fragment);
    container.inner_html()
}

fn clean_children(parent: &Node) {
    let mut child = parent.first_child();
    while let Some(node) = child {
        let next = node.next_sibling();
        clean_node(parent, &node);
        child = next;
    }
}

fn clean_node(parent: &Node, node: &Node) {
    match node.node_type() {
        Node::TEXT_NODE => {}
        Node::ELEMENT_NODE => {
            let Some(element) = node.dyn_ref::<Element>() else {
                let _ = parent.remove_child(node);
                return;
            };
            // `local_name` is lower case for HTML; foreign (SVG/MathML) elements are never
            // in the allowlist, whatever their case.
            let is_html =
                element.namespace_uri().as_deref() == Some("http://www.w3.org/1999/xhtml");
            let tag = element.local_name().to_ascii_lowercase();
            if !is_html || policy::is_removed_with_content(&tag) {
                let _ = parent.remove_child(node);
            } else if policy::is_allowed_tag(&tag) {
                clean_attributes(element, &tag);
                clean_children(node);
            } else {
                // Unwrap: keep the (cleaned) children in place of the element.
                clean_children(node);
                while let Some(grandchild) = node.first_child() {
                    let _ = parent.insert_before(&grandchild, Some(node));
                }
                let _ = parent.remove_child(node);
            }
        }
        // Comments, processing instructions, CDATA: never article text.
        _ => {
            let _ = parent.remove_child(node);
        }
    }
}

fn clean_attributes(element: &Element, tag: &str) {
    let names: Vec<String> = element
        .get_attribute_names()
        .iter()
        .filter_map(|n| n.as_string())
        .collect();
    for name in names {
        let lower = name.to_ascii_lowercase();
        let keep = policy::is_allowed_attribute(tag, &lower)
            && (!policy::URL_ATTRIBUTES.contains(&lower.as_str())
                || element
                    .get_attribute(&name)
                    .is_some_and(|v| policy::is_allowed_url(&v)));
        if !keep {
            let _ = element.remove_attribute(&name);
        }
    }
    // In-app links (`#/…`, written by the builder for the original site's own pages) stay in
    // this tab; every other link gets the policy's forced attributes.
    let in_app = tag == "a"
        && element
            .get_attribute("href")
            .is_some_and(|h| h.starts_with('#'));
    for &(forced_tag, attribute, value) in policy::FORCED_ATTRIBUTES {
        if forced_tag == tag && !(in_app && attribute == "target") {
            let _ = element.set_attribute(attribute, value);
        }
    }
}
