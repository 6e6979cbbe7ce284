//! Liquid values whose keys keep the order they were written in, as Ruby's hashes keep it for
//! Jekyll. The engine's own objects are hash maps, listed in an order that changes from one
//! run to the next: `site` and `page` are built of [`Hash`]es instead, and everything that
//! lists an object's keys (`for`, `tablerow`, output, `jsonify`, `inspect`, `where`…) asks
//! [`entries`], which keeps a [`Hash`]'s order and sorts any other object (a copy the engine
//! made) by key. So the same site always gives the same bytes.

use std::fmt;

use liquid_core::model::{
    DisplayCow, KString, KStringCow, ObjectView, ScalarCow, State, Value, ValueView,
};
use rustc_hash::FxHashMap;

/// The type name a [`Hash`] reports (Ruby's name for one), by which [`entries`] tells it from
/// the engine's objects (`"object"`).
const HASH: &str = "hash";

/// Hashes longer than this keep an index of their keys (`site.tags` of a large archive).
const INDEXED_FROM: usize = 16;

/// A Liquid value built by Gazette: a scalar (or nil), a list, or a [`Hash`].
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Node {
    /// A scalar or nil.
    Value(Value),
    Array(Vec<Node>),
    Hash(Hash),
}

impl Node {
    pub fn nil() -> Node {
        Node::Value(Value::Nil)
    }

    pub fn text(text: impl Into<String>) -> Node {
        Node::Value(Value::scalar(text.into()))
    }

    pub fn texts(items: &[String]) -> Node {
        Node::Array(items.iter().map(|item| Node::text(item.clone())).collect())
    }
}

/// Keys and values in the order they were inserted; a key inserted again keeps its place.
#[derive(Debug, Clone, Default)]
pub(super) struct Hash {
    entries: Vec<(KString, Node)>,
    /// Key → position in `entries`, once there are more than [`INDEXED_FROM`]. Only looked
    /// up, never listed.
    index: Option<FxHashMap<KString, usize>>,
}

impl PartialEq for Hash {
    fn eq(&self, other: &Hash) -> bool {
        self.entries == other.entries
    }
}

impl Hash {
    pub fn new() -> Hash {
        Hash::default()
    }

    fn position(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self.entries.iter().position(|(k, _)| k.as_str() == key),
        }
    }

    /// Sets `key`: in its place when it is there, else at the end.
    pub fn insert(&mut self, key: impl Into<KString>, node: Node) {
        let key = key.into();
        if let Some(at) = self.position(&key) {
            self.entries[at].1 = node;
            return;
        }
        if let Some(index) = &mut self.index {
            index.insert(key.clone(), self.entries.len());
        }
        self.entries.push((key, node));
        if self.index.is_none() && self.entries.len() > INDEXED_FROM {
            self.index = Some(
                self.entries
                    .iter()
                    .enumerate()
                    .map(|(at, (key, _))| (key.clone(), at))
                    .collect(),
            );
        }
    }

    /// Sets `key` only when it is not there (what Jekyll adds to a page's front matter).
    pub fn insert_missing(&mut self, key: &str, node: impl FnOnce() -> Node) {
        if self.position(key).is_none() {
            self.insert(KString::from_ref(key), node());
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.position(key).map(|at| &self.entries[at].1)
    }

    /// The value at `key`, which must be a hash: made one when it is anything else.
    pub fn hash_at(&mut self, key: &str) -> &mut Hash {
        let at = match self.position(key) {
            Some(at) => at,
            None => {
                self.insert(KString::from_ref(key), Node::Hash(Hash::new()));
                self.entries.len() - 1
            }
        };
        let slot = &mut self.entries[at].1;
        if !matches!(slot, Node::Hash(_)) {
            *slot = Node::Hash(Hash::new());
        }
        match slot {
            Node::Hash(hash) => hash,
            _ => unreachable!("made a hash above"),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The keys and values, in order.
    pub fn into_entries(self) -> impl Iterator<Item = (KString, Node)> {
        self.entries.into_iter()
    }
}

impl FromIterator<(KString, Node)> for Hash {
    fn from_iter<I: IntoIterator<Item = (KString, Node)>>(pairs: I) -> Hash {
        let mut hash = Hash::new();
        for (key, node) in pairs {
            hash.insert(key, node);
        }
        hash
    }
}

/// An object's keys and values in a stable order: a [`Hash`]'s own, any other object's
/// sorted by key.
pub(super) fn entries(object: &dyn ObjectView) -> Vec<(KStringCow<'_>, &dyn ValueView)> {
    let mut pairs: Vec<(KStringCow<'_>, &dyn ValueView)> = object.iter().collect();
    if object.as_value().type_name() != HASH {
        pairs.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
    }
    pairs
}

/// What Ruby's `to_s` writes for a hash or an array in output ([`super::ruby_text`]).
struct Text(String);

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl ValueView for Hash {
    fn as_debug(&self) -> &dyn fmt::Debug {
        self
    }
    fn render(&self) -> DisplayCow<'_> {
        DisplayCow::Owned(Box::new(Text(super::ruby_text::inspect(self))))
    }
    fn source(&self) -> DisplayCow<'_> {
        self.render()
    }
    fn type_name(&self) -> &'static str {
        HASH
    }
    fn query_state(&self, state: State) -> bool {
        match state {
            State::Truthy => true,
            State::DefaultValue | State::Empty | State::Blank => self.is_empty(),
        }
    }
    fn to_kstr(&self) -> KStringCow<'_> {
        KStringCow::from_string(super::ruby_text::inspect(self))
    }
    fn to_value(&self) -> Value {
        Value::Object(
            self.entries
                .iter()
                .map(|(key, node)| (key.clone(), node.to_value()))
                .collect(),
        )
    }
    fn as_object(&self) -> Option<&dyn ObjectView> {
        Some(self)
    }
}

impl ObjectView for Hash {
    fn as_value(&self) -> &dyn ValueView {
        self
    }
    fn size(&self) -> i64 {
        self.entries.len() as i64
    }
    fn keys<'k>(&'k self) -> Box<dyn Iterator<Item = KStringCow<'k>> + 'k> {
        Box::new(self.entries.iter().map(|(key, _)| key.as_ref().into()))
    }
    fn values<'k>(&'k self) -> Box<dyn Iterator<Item = &'k dyn ValueView> + 'k> {
        Box::new(self.entries.iter().map(|(_, node)| node as &dyn ValueView))
    }
    fn iter<'k>(&'k self) -> Box<dyn Iterator<Item = (KStringCow<'k>, &'k dyn ValueView)> + 'k> {
        Box::new(
            self.entries
                .iter()
                .map(|(key, node)| (key.as_ref().into(), node as &dyn ValueView)),
        )
    }
    fn contains_key(&self, index: &str) -> bool {
        self.position(index).is_some()
    }
    fn get<'s>(&'s self, index: &str) -> Option<&'s dyn ValueView> {
        Hash::get(self, index).map(|node| node as &dyn ValueView)
    }
}

impl ValueView for Node {
    fn as_debug(&self) -> &dyn fmt::Debug {
        self
    }
    fn render(&self) -> DisplayCow<'_> {
        match self {
            Node::Value(value) => value.render(),
            Node::Array(items) => items.render(),
            Node::Hash(hash) => hash.render(),
        }
    }
    fn source(&self) -> DisplayCow<'_> {
        match self {
            Node::Value(value) => value.source(),
            Node::Array(items) => items.source(),
            Node::Hash(hash) => hash.source(),
        }
    }
    fn type_name(&self) -> &'static str {
        match self {
            Node::Value(value) => value.type_name(),
            Node::Array(items) => items.type_name(),
            Node::Hash(hash) => hash.type_name(),
        }
    }
    fn query_state(&self, state: State) -> bool {
        match self {
            Node::Value(value) => value.query_state(state),
            Node::Array(items) => items.query_state(state),
            Node::Hash(hash) => hash.query_state(state),
        }
    }
    fn to_kstr(&self) -> KStringCow<'_> {
        match self {
            Node::Value(value) => value.to_kstr(),
            Node::Array(items) => items.to_kstr(),
            Node::Hash(hash) => hash.to_kstr(),
        }
    }
    fn to_value(&self) -> Value {
        match self {
            Node::Value(value) => value.clone(),
            Node::Array(items) => Value::Array(items.iter().map(Node::to_value).collect()),
            Node::Hash(hash) => hash.to_value(),
        }
    }
    fn as_scalar(&self) -> Option<ScalarCow<'_>> {
        match self {
            Node::Value(value) => value.as_scalar(),
            _ => None,
        }
    }
    fn as_array(&self) -> Option<&dyn liquid_core::model::ArrayView> {
        match self {
            Node::Array(items) => Some(items),
            _ => None,
        }
    }
    fn as_object(&self) -> Option<&dyn ObjectView> {
        match self {
            Node::Hash(hash) => Some(hash),
            _ => None,
        }
    }
    fn as_state(&self) -> Option<State> {
        match self {
            Node::Value(value) => value.as_state(),
            _ => None,
        }
    }
    fn is_nil(&self) -> bool {
        matches!(self, Node::Value(Value::Nil))
    }
}

/// YAML as Liquid values, mappings in their written order: numbers stay numbers, booleans
/// booleans; keys are text.
pub(super) fn from_yaml(yaml: &serde_yaml::Value) -> Node {
    use serde_yaml::Value as Yaml;
    match yaml {
        Yaml::Null => Node::nil(),
        Yaml::Bool(b) => Node::Value(Value::scalar(*b)),
        Yaml::Number(n) => Node::Value(match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Value::scalar(i),
            (None, Some(f)) => Value::scalar(f),
            _ => Value::scalar(n.to_string()),
        }),
        Yaml::String(s) => Node::text(s.clone()),
        Yaml::Sequence(items) => Node::Array(items.iter().map(from_yaml).collect()),
        Yaml::Mapping(mapping) => Node::Hash(
            mapping
                .iter()
                .map(|(key, value)| (KString::from(yaml_key(key)), from_yaml(value)))
                .collect(),
        ),
        Yaml::Tagged(tagged) => from_yaml(&tagged.value),
    }
}

fn yaml_key(key: &serde_yaml::Value) -> String {
    use serde_yaml::Value as Yaml;
    match key {
        Yaml::String(s) => s.clone(),
        Yaml::Bool(b) => b.to_string(),
        Yaml::Number(n) => n.to_string(),
        Yaml::Null => String::new(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

/// JSON as Liquid values, objects' keys in their written order (read straight from the text:
/// `serde_json`'s own maps sort them).
pub(super) fn from_json(text: &str) -> Result<Node, serde_json::Error> {
    use serde::de::DeserializeSeed;
    let mut reader = serde_json::Deserializer::from_str(text);
    let node = JsonNode.deserialize(&mut reader)?;
    reader.end()?;
    Ok(node)
}

/// Reads one JSON value as a [`Node`].
struct JsonNode;

impl<'de> serde::de::DeserializeSeed<'de> for JsonNode {
    type Value = Node;

    fn deserialize<D: serde::Deserializer<'de>>(self, reader: D) -> Result<Node, D::Error> {
        reader.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for JsonNode {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::nil())
    }
    fn visit_bool<E>(self, value: bool) -> Result<Node, E> {
        Ok(Node::Value(Value::scalar(value)))
    }
    fn visit_i64<E>(self, value: i64) -> Result<Node, E> {
        Ok(Node::Value(Value::scalar(value)))
    }
    fn visit_u64<E>(self, value: u64) -> Result<Node, E> {
        Ok(Node::Value(match i64::try_from(value) {
            Ok(value) => Value::scalar(value),
            Err(_) => Value::scalar(value as f64),
        }))
    }
    fn visit_f64<E>(self, value: f64) -> Result<Node, E> {
        Ok(Node::Value(Value::scalar(value)))
    }
    fn visit_str<E>(self, value: &str) -> Result<Node, E> {
        Ok(Node::text(value))
    }
    fn visit_string<E>(self, value: String) -> Result<Node, E> {
        Ok(Node::text(value))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut items: A) -> Result<Node, A::Error> {
        let mut list = Vec::new();
        while let Some(item) = items.next_element_seed(JsonNode)? {
            list.push(item);
        }
        Ok(Node::Array(list))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut pairs: A) -> Result<Node, A::Error> {
        let mut hash = Hash::new();
        while let Some(key) = pairs.next_key::<String>()? {
            let value = pairs.next_value_seed(JsonNode)?;
            hash.insert(key, value);
        }
        Ok(Node::Hash(hash))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(object: &dyn ObjectView) -> Vec<String> {
        entries(object)
            .into_iter()
            .map(|(key, _)| key.to_string())
            .collect()
    }

    #[test]
    fn a_hash_lists_its_keys_in_the_order_they_came() {
        let mut hash: Hash = ["zeta", "alpha", "mike"]
            .into_iter()
            .map(|key| (KString::from_ref(key), Node::nil()))
            .collect();
        hash.insert("alpha", Node::text("again"));
        assert_eq!(keys(&hash), ["zeta", "alpha", "mike"]);
        assert_eq!(hash.get("alpha"), Some(&Node::text("again")));
    }

    #[test]
    fn a_long_hash_finds_its_keys_through_its_index() {
        let mut hash = Hash::new();
        for n in (0..100).rev() {
            hash.insert(format!("k{n}"), Node::Value(Value::scalar(n)));
        }
        hash.insert("k5", Node::nil());
        assert_eq!(hash.size(), 100);
        assert_eq!(keys(&hash)[..3], ["k99", "k98", "k97"]);
        assert_eq!(hash.get("k5"), Some(&Node::nil()));
        assert_eq!(
            hash.get("k42").map(|n| n.to_value()),
            Some(Value::scalar(42))
        );
        assert!(hash.get("k100").is_none());
    }

    #[test]
    fn the_engines_own_objects_are_listed_by_key() {
        let object: liquid_core::Object = ["zeta", "alpha", "mike", "bravo"]
            .into_iter()
            .map(|key| (KString::from_ref(key), Value::Nil))
            .collect();
        assert_eq!(keys(&object), ["alpha", "bravo", "mike", "zeta"]);
    }

    #[test]
    fn yaml_and_json_keep_their_written_order() {
        let yaml = crate::yaml::value("zebra: 1\napple: [x, {b: 1, a: 2}]\nmango: 2.5\n").unwrap();
        let node = from_yaml(&yaml);
        let hash = node.as_object().unwrap();
        assert_eq!(keys(hash), ["zebra", "apple", "mango"]);
        let json = from_json(
            r#"{"zebra": 1, "apple": {"b": null, "a": true}, "big": 18446744073709551615}"#,
        )
        .unwrap();
        let hash = json.as_object().unwrap();
        assert_eq!(keys(hash), ["zebra", "apple", "big"]);
        assert_eq!(
            keys(hash.get("apple").unwrap().as_object().unwrap()),
            ["b", "a"]
        );
        assert!(from_json("{} trailing").is_err());
    }
}
