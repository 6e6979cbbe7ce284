//! The browser's enforcer of `gazette_archive::sanitize_policy`: article HTML from the archive
//! is parsed into an element of an inert document (no browsing context: no scripts run, no
//! images load, no handlers fire), every node is checked against the same allowlist the
//! builder used (an element the policy renames, `section`, is replaced by a new one of the
//! name it gives, `div`), and only the cleaned nodes reach the page. An archive file that was tampered
//! with cannot run code, and cannot crash the app either: every read of a parsed node goes
//! through [`UntrustedDom`], which its markup cannot shadow (DOM clobbering).
//!
//! The markup is parsed the way the builder's ammonia parses it: as the children of a
//! `<div>` (the HTML fragment algorithm with a `div` context), so the two enforcers see the
//! same tree. The one parser difference left is the scripting flag (an inert document parses
//! `<noscript>`'s content as markup, html5ever as text); `<noscript>` goes with its content
//! either way. `tests/sanitizer_differential.rs` compares the two on thousands of inputs.
//!
//! The browser's own Sanitizer API (`Element.setHTML`) is not used, not even as a first line:
//! it would be a third enforcer whose output must equal ammonia's, it cannot set the policy's
//! forced attributes or test URLs as the policy does (a walk would still be needed after it),
//! and its behaviour would have to be held to ammonia's by the differential test in every
//! browser that ships it, while the walk is the same code everywhere.
//!
//! The rest of the app reads its page with web-sys' plain getters (event targets, its own
//! nodes by id). That is safe because nothing this sanitizer lets into the page can shadow a
//! property: it keeps no `id` or `name`, no form or form control, no embedded object (the
//! core's policy test `nothing_kept_can_clobber_the_page` pins this).

use gazette_archive::sanitize_policy as policy;
use wasm_bindgen::JsCast;
use web_sys::{Document, DocumentFragment, Node};

use crate::untrusted_dom::{Refused, UntrustedDom};

const HTML_NAMESPACE: &str = "http://www.w3.org/1999/xhtml";

/// What a sanitizer run took out (all zero when the markup was already within the policy).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Removed {
    /// Elements removed with their content, and comments and other non-text nodes.
    pub nodes: usize,
    /// Elements replaced by their (cleaned) children.
    pub unwrapped: usize,
    /// Elements replaced by the element the policy renames them to (`section` by `div`).
    pub renamed: usize,
    /// Attributes removed from kept elements.
    pub attributes: usize,
}

impl Removed {
    pub fn is_nothing(&self) -> bool {
        *self == Removed::default()
    }
}

/// Parses `html` inertly and returns the cleaned nodes in a fragment of `document`, ready to
/// append. An error means the markup could not be cleaned safely and nothing may be shown.
pub fn sanitize_to_fragment(
    document: &Document,
    html: &str,
) -> Result<(DocumentFragment, Removed), Refused> {
    let dom = UntrustedDom::new()?;
    let (inert, container) = parse_inert(document, html)?;
    let removed = clean_tree(&dom, &inert, &container)?;
    let fragment = document.create_document_fragment();
    while let Some(child) = dom.first_child(&container)? {
        dom.append_child(&fragment, &child)?;
    }
    Ok((fragment, removed))
}

/// Serializes the cleaned form of `html` (tests and the XSS suite); empty when it is refused.
pub fn sanitize_to_string(document: &Document, html: &str) -> String {
    sanitize_to_string_with_removals(document, html)
        .map(|(html, _)| html)
        .unwrap_or_default()
}

/// The cleaned form of `html`, serialized, with what was removed to get it.
pub fn sanitize_to_string_with_removals(
    document: &Document,
    html: &str,
) -> Result<(String, Removed), Refused> {
    let (fragment, removed) = sanitize_to_fragment(document, html)?;
    let container = document
        .create_element("div")
        .map_err(|_| Refused("cannot create a <div>".into()))?;
    container
        .append_child(&fragment)
        .map_err(|_| Refused("cannot append the cleaned fragment".into()))?;
    Ok((container.inner_html(), removed))
}

/// A new inert document, and a `<div>` of it holding the parsed markup. The `<div>` is ours
/// (it has no named properties a child could shadow, and it is not in the document's tree, so
/// nothing under it can shadow the document's); everything under it is untrusted.
fn parse_inert(document: &Document, html: &str) -> Result<(Node, Node), Refused> {
    check_shape(html)?;
    let inert = document
        .implementation()
        .and_then(|implementation| implementation.create_html_document_with_title(""))
        .map_err(|_| Refused("cannot create an inert document".into()))?;
    let container = inert
        .create_element("div")
        .map_err(|_| Refused("cannot create a <div>".into()))?;
    container.set_inner_html(html);
    Ok((inert.unchecked_into(), container.unchecked_into()))
}

/// Refuses markup the browser would take too long to parse, before it does (the policy's
/// [`policy::check_shape`], which the builder applies to every body it stores).
fn check_shape(html: &str) -> Result<(), Refused> {
    policy::check_shape(html).map_err(Refused)
}

/// What to do with one node.
enum Verdict {
    Keep,
    /// An allowed element, `tag`: clean its attributes, then its children. When `renamed`,
    /// the element is one the policy writes as `tag` (a `section` as a `div`): a new `tag`
    /// element takes its place and its children first.
    Descend {
        tag: String,
        renamed: bool,
    },
    Unwrap,
    Remove,
}

fn verdict(dom: &UntrustedDom, node: &Node) -> Result<Verdict, Refused> {
    Ok(match dom.node_type(node)? {
        Node::TEXT_NODE => Verdict::Keep,
        Node::ELEMENT_NODE => {
            // `localName` is lower case for HTML; foreign (SVG/MathML) elements are never in
            // the allowlist, whatever their case.
            let is_html = dom.namespace_uri(node)?.as_deref() == Some(HTML_NAMESPACE);
            let tag = dom.local_name(node)?.to_ascii_lowercase();
            if !is_html || policy::is_removed_with_content(&tag) {
                Verdict::Remove
            } else if policy::is_allowed_tag(&tag) {
                Verdict::Descend {
                    tag,
                    renamed: false,
                }
            } else if let Some(written) = policy::renamed_tag(&tag) {
                Verdict::Descend {
                    tag: written.to_string(),
                    renamed: true,
                }
            } else {
                Verdict::Unwrap
            }
        }
        // Comments, processing instructions, CDATA: never article text.
        _ => Verdict::Remove,
    })
}

/// Cleans everything under `root`, depth first, without recursion (the depth of the markup
/// is the archive's to choose). A node whose verdict cannot be read is removed; an error
/// means a node could not even be removed. `inert` is the document the markup was parsed in.
fn clean_tree(dom: &UntrustedDom, inert: &Node, root: &Node) -> Result<Removed, Refused> {
    let mut removed = Removed::default();
    // The elements being descended into, each with the sibling to visit after it.
    let mut ancestors: Vec<(Node, Option<Node>)> = Vec::new();
    let mut parent = root.clone();
    let mut next = dom.first_child(root)?;
    loop {
        let Some(node) = next else {
            let Some((above, after)) = ancestors.pop() else {
                return Ok(removed);
            };
            parent = above;
            next = after;
            continue;
        };
        let following = dom.next_sibling(&node)?;
        match verdict(dom, &node).unwrap_or(Verdict::Remove) {
            Verdict::Keep => next = following,
            Verdict::Remove => {
                dom.remove_child(&parent, &node)?;
                removed.nodes += 1;
                next = following;
            }
            Verdict::Unwrap => {
                // The children take the element's place and are visited next, at this level.
                let first = dom.first_child(&node)?;
                while let Some(child) = dom.first_child(&node)? {
                    dom.insert_before(&parent, &child, &node)?;
                }
                dom.remove_child(&parent, &node)?;
                removed.unwrapped += 1;
                next = first.or(following);
            }
            Verdict::Descend { tag, renamed } => {
                let fresh = if renamed {
                    removed.renamed += 1;
                    replacement(dom, inert, &node, &tag).map(Some)
                } else {
                    without_is_value(dom, inert, &node, &tag)
                };
                let (element, dropped) = match fresh {
                    Ok(None) => (node, 0),
                    Ok(Some((fresh, dropped))) => {
                        dom.insert_before(&parent, &fresh, &node)?;
                        dom.remove_child(&parent, &node)?;
                        (fresh, dropped)
                    }
                    Err(_) => {
                        dom.remove_child(&parent, &node)?;
                        removed.nodes += 1;
                        next = following;
                        continue;
                    }
                };
                match clean_attributes(dom, &element, &tag) {
                    Ok(attributes) => {
                        removed.attributes += attributes + dropped;
                        next = dom.first_child(&element)?;
                        ancestors.push((std::mem::replace(&mut parent, element), following));
                    }
                    Err(_) => {
                        dom.remove_child(&parent, &element)?;
                        removed.nodes += 1;
                        next = following;
                    }
                }
            }
        }
    }
}

/// The policy's URL test, and for an absolute URL the browser's URL parser (see
/// [`policy::is_absolute_url`]).
fn is_allowed_url(url: &str) -> bool {
    policy::is_allowed_url(url) && (!policy::is_absolute_url(url) || web_sys::Url::new(url).is_ok())
}

/// `None` for an element without an `is` attribute; otherwise its [`replacement`]. The
/// parser keeps `is` as the element's "is value" too, which removing the attribute does not
/// clear and which serializing writes back (`<ins is="…">`): only a new element is rid of it.
fn without_is_value(
    dom: &UntrustedDom,
    inert: &Node,
    element: &Node,
    tag: &str,
) -> Result<Option<(Node, usize)>, Refused> {
    let names = dom.attribute_names(element)?;
    if !names.iter().any(|name| name.eq_ignore_ascii_case("is")) {
        return Ok(None);
    }
    replacement(dom, inert, element, tag).map(Some)
}

/// A fresh, detached `<tag>` with `element`'s attributes the policy could keep on `tag` and
/// its children, to take its place, and how many attributes were left behind. On an error
/// the element is still in place (perhaps without some children), to be removed.
fn replacement(
    dom: &UntrustedDom,
    inert: &Node,
    element: &Node,
    tag: &str,
) -> Result<(Node, usize), Refused> {
    let names = dom.attribute_names(element)?;
    let fresh = dom.create_element(inert, tag)?;
    // Only what the policy could keep is copied: the parser accepts attribute names that
    // `setAttribute` refuses (`<p is=x "a=1>`), and those would fail the whole element.
    let could_keep = |name: &str| {
        let lower = name.to_ascii_lowercase();
        policy::is_allowed_attribute(tag, &lower) || policy::forced_value(tag, &lower).is_some()
    };
    let mut dropped = 0;
    for name in &names {
        if !could_keep(name) {
            dropped += 1;
            continue;
        }
        if let Some(value) = dom.attribute(element, name)? {
            dom.set_attribute(&fresh, name, &value)?;
        }
    }
    while let Some(child) = dom.first_child(element)? {
        dom.append_child(&fresh, &child)?;
    }
    Ok((fresh, dropped))
}

/// Removes the attributes the policy does not allow on `tag` and sets its forced ones;
/// returns how many were removed (a forced attribute that already has its value stays and is
/// not counted, so cleaning clean markup removes nothing).
fn clean_attributes(dom: &UntrustedDom, element: &Node, tag: &str) -> Result<usize, Refused> {
    // In-app links (`#/…`, written by the builder for the original site's own pages) stay in
    // this tab; every other link gets the policy's forced attributes.
    let in_app = tag == "a"
        && dom
            .attribute(element, "href")?
            .is_some_and(|h| h.starts_with('#') && is_allowed_url(&h));
    let forced = |attribute: &str| {
        policy::forced_value(tag, attribute).filter(|_| !(in_app && attribute == "target"))
    };
    let mut removed = 0;
    for name in dom.attribute_names(element)? {
        let lower = name.to_ascii_lowercase();
        let keep = if let Some(value) = forced(&lower) {
            dom.attribute(element, &name)?.as_deref() == Some(value)
        } else {
            policy::is_allowed_attribute(tag, &lower)
                && dom.attribute(element, &name)?.is_some_and(|v| {
                    if policy::URL_ATTRIBUTES.contains(&lower.as_str()) {
                        is_allowed_url(&v)
                    } else {
                        policy::is_allowed_value(&lower, &v)
                    }
                })
        };
        if !keep {
            dom.remove_attribute(element, &name)?;
            removed += 1;
        }
    }
    for &(forced_tag, attribute, value) in policy::FORCED_ATTRIBUTES {
        if forced_tag == tag && !(in_app && attribute == "target") {
            dom.set_attribute(element, attribute, value)?;
        }
    }
    Ok(removed)
}
