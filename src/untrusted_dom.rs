//! Reading and editing DOM nodes whose markup came from an archive file, in a way that markup
//! cannot subvert.
//!
//! A parsed node's own properties can lie. A `<form>`'s named controls shadow its DOM
//! properties (`<form><input name=namespaceURI>` makes `form.namespaceURI` an
//! `HTMLInputElement`, `<input name=removeChild>` makes `form.removeChild` one too), and a
//! document's named elements shadow the document's (`<img name=body>`). web-sys' generated
//! glue reads `node.namespaceURI` straight off the object and trusts the declared type: given
//! an element where it expects a string, it hands Rust a bogus length (the wasm instance then
//! dies with "memory access out of bounds"), and given an element where it expects a
//! function, it throws through Rust frames that cannot unwind (`panic = "abort"`).
//!
//! So nothing here reads a property of an untrusted node. Every getter and method is taken
//! once, by value, from the interface prototypes (`Node.prototype`, `Element.prototype`,
//! `Document.prototype`) and called with the node as `this` through `Function.prototype.call`
//! (js-sys' `call*`, which catch exceptions), as DOMPurify does. Named properties live on the instance, so they cannot
//! shadow a function already in hand. Every result is checked for the type the DOM promises;
//! anything else is a [`Refused`], which the sanitizer answers by dropping the node, or by
//! showing nothing at all when even that fails.

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Node;

/// A DOM call on an untrusted node threw, or returned something of the wrong type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The prototype functions, taken once per sanitizer run (a dozen lookups on the page's own
/// interface objects, which article markup never reaches).
pub struct UntrustedDom {
    node_type: Function,
    first_child: Function,
    next_sibling: Function,
    append_child: Function,
    insert_before: Function,
    remove_child: Function,
    namespace_uri: Function,
    local_name: Function,
    get_attribute_names: Function,
    get_attribute: Function,
    remove_attribute: Function,
    set_attribute: Function,
    create_element: Function,
}

impl UntrustedDom {
    /// Takes the functions from `Node.prototype`, `Element.prototype` and
    /// `Document.prototype` of this realm.
    pub fn new() -> Result<UntrustedDom, Refused> {
        let global = js_sys::global();
        let node = prototype(&global, "Node")?;
        let element = prototype(&global, "Element")?;
        let document = prototype(&global, "Document")?;
        Ok(UntrustedDom {
            node_type: getter(&node, "nodeType")?,
            first_child: getter(&node, "firstChild")?,
            next_sibling: getter(&node, "nextSibling")?,
            append_child: method(&node, "appendChild")?,
            insert_before: method(&node, "insertBefore")?,
            remove_child: method(&node, "removeChild")?,
            namespace_uri: getter(&element, "namespaceURI")?,
            local_name: getter(&element, "localName")?,
            get_attribute_names: method(&element, "getAttributeNames")?,
            get_attribute: method(&element, "getAttribute")?,
            remove_attribute: method(&element, "removeAttribute")?,
            set_attribute: method(&element, "setAttribute")?,
            create_element: method(&document, "createElement")?,
        })
    }

    pub fn node_type(&self, node: &Node) -> Result<u16, Refused> {
        let value = call(&self.node_type, "nodeType", node, &[])?;
        value
            .as_f64()
            .filter(|n| n.fract() == 0.0 && (0.0..=f64::from(u16::MAX)).contains(n))
            .map(|n| n as u16)
            .ok_or_else(|| wrong_type("nodeType", "a number"))
    }

    pub fn first_child(&self, node: &Node) -> Result<Option<Node>, Refused> {
        as_optional_node(
            call(&self.first_child, "firstChild", node, &[])?,
            "firstChild",
        )
    }

    pub fn next_sibling(&self, node: &Node) -> Result<Option<Node>, Refused> {
        as_optional_node(
            call(&self.next_sibling, "nextSibling", node, &[])?,
            "nextSibling",
        )
    }

    pub fn append_child(&self, parent: &Node, child: &Node) -> Result<(), Refused> {
        call(&self.append_child, "appendChild", parent, &[child]).map(drop)
    }

    /// Moves `child` into `parent` right before `reference`.
    pub fn insert_before(
        &self,
        parent: &Node,
        child: &Node,
        reference: &Node,
    ) -> Result<(), Refused> {
        call(
            &self.insert_before,
            "insertBefore",
            parent,
            &[child, reference],
        )
        .map(drop)
    }

    pub fn remove_child(&self, parent: &Node, child: &Node) -> Result<(), Refused> {
        call(&self.remove_child, "removeChild", parent, &[child]).map(drop)
    }

    /// The element's namespace (`None` for no namespace).
    pub fn namespace_uri(&self, element: &Node) -> Result<Option<String>, Refused> {
        as_optional_string(
            call(&self.namespace_uri, "namespaceURI", element, &[])?,
            "namespaceURI",
        )
    }

    pub fn local_name(&self, element: &Node) -> Result<String, Refused> {
        call(&self.local_name, "localName", element, &[])?
            .as_string()
            .ok_or_else(|| wrong_type("localName", "a string"))
    }

    /// The qualified names of the element's attributes, in document order.
    pub fn attribute_names(&self, element: &Node) -> Result<Vec<String>, Refused> {
        let names = call(&self.get_attribute_names, "getAttributeNames", element, &[])?
            .dyn_into::<Array>()
            .map_err(|_| wrong_type("getAttributeNames", "an array"))?;
        names
            .iter()
            .map(|name| {
                name.as_string()
                    .ok_or_else(|| wrong_type("getAttributeNames", "strings"))
            })
            .collect()
    }

    pub fn attribute(&self, element: &Node, name: &str) -> Result<Option<String>, Refused> {
        as_optional_string(
            call(
                &self.get_attribute,
                "getAttribute",
                element,
                &[&JsValue::from_str(name)],
            )?,
            "getAttribute",
        )
    }

    pub fn remove_attribute(&self, element: &Node, name: &str) -> Result<(), Refused> {
        call(
            &self.remove_attribute,
            "removeAttribute",
            element,
            &[&JsValue::from_str(name)],
        )
        .map(drop)
    }

    pub fn set_attribute(&self, element: &Node, name: &str, value: &str) -> Result<(), Refused> {
        call(
            &self.set_attribute,
            "setAttribute",
            element,
            &[&JsValue::from_str(name), &JsValue::from_str(value)],
        )
        .map(drop)
    }

    /// A new element `<tag>` of `document` (an HTML document: the name is lower-cased).
    pub fn create_element(&self, document: &Node, tag: &str) -> Result<Node, Refused> {
        as_optional_node(
            call(
                &self.create_element,
                "createElement",
                document,
                &[&JsValue::from_str(tag)],
            )?,
            "createElement",
        )?
        .ok_or_else(|| wrong_type("createElement", "an element"))
    }
}

/// `global[interface].prototype`.
fn prototype(global: &Object, interface: &str) -> Result<Object, Refused> {
    Reflect::get(global, &JsValue::from_str(interface))
        .and_then(|constructor| Reflect::get(&constructor, &JsValue::from_str("prototype")))
        .ok()
        .and_then(|prototype| prototype.dyn_into::<Object>().ok())
        .ok_or_else(|| Refused(format!("this browser has no {interface}.prototype")))
}

/// The `get` function of an accessor property defined on `prototype` itself.
fn getter(prototype: &Object, name: &str) -> Result<Function, Refused> {
    let descriptor = Object::get_own_property_descriptor(prototype, &JsValue::from_str(name));
    Reflect::get(&descriptor, &JsValue::from_str("get"))
        .ok()
        .and_then(|get| get.dyn_into::<Function>().ok())
        .ok_or_else(|| {
            Refused(format!(
                "this browser has no getter {name} on its prototype"
            ))
        })
}

/// A method found on `prototype`.
fn method(prototype: &Object, name: &str) -> Result<Function, Refused> {
    Reflect::get(prototype, &JsValue::from_str(name))
        .ok()
        .and_then(|method| method.dyn_into::<Function>().ok())
        .ok_or_else(|| {
            Refused(format!(
                "this browser has no method {name} on its prototype"
            ))
        })
}

/// `function.call(this, ...arguments)`, with an exception turned into [`Refused`].
fn call(
    function: &Function,
    name: &str,
    this: &Node,
    arguments: &[&JsValue],
) -> Result<JsValue, Refused> {
    let result = match arguments {
        [] => function.call0(this),
        [a] => function.call1(this, a),
        [a, b] => function.call2(this, a, b),
        _ => unreachable!("no DOM call here takes more than two arguments"),
    };
    result.map_err(|error| {
        let detail = error
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_default();
        Refused(format!("{name} threw {detail}"))
    })
}

fn as_optional_node(value: JsValue, name: &str) -> Result<Option<Node>, Refused> {
    if value.is_null() {
        Ok(None)
    } else {
        value
            .dyn_into::<Node>()
            .map(Some)
            .map_err(|_| wrong_type(name, "a node or null"))
    }
}

fn as_optional_string(value: JsValue, name: &str) -> Result<Option<String>, Refused> {
    if value.is_null() {
        Ok(None)
    } else {
        value
            .as_string()
            .map(Some)
            .ok_or_else(|| wrong_type(name, "a string or null"))
    }
}

fn wrong_type(name: &str, expected: &str) -> Refused {
    Refused(format!("{name} did not give {expected}"))
}
