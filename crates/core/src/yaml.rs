//! The only module that touches `serde_yaml`, so that swapping it for the maintained drop-in
//! `serde_yaml_ng` is a one-line change. It turns a YAML mapping into plain [`Field`]s and
//! nothing else.

use std::collections::BTreeMap;

/// A front-matter or `_config.yml` value, reduced to what Gazette reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// A scalar, as text (`true`, `3` and `2022-02-24 17:03:45 +0800` included).
    Text(String),
    /// A sequence of scalars.
    List(Vec<String>),
    /// `~`, `null` or nothing.
    Null,
    /// A nested mapping or anything else Gazette does not read.
    Other,
}

/// Why YAML could not be read, with the 1-based line inside the YAML text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: Option<usize>,
    pub message: String,
}

/// Parses a YAML mapping (front matter, `_config.yml`). An empty document is an empty map;
/// a document that is not a mapping is an error.
pub fn parse_mapping(text: &str) -> Result<BTreeMap<String, Field>, YamlError> {
    if text.trim().is_empty() {
        return Ok(BTreeMap::new());
    }
    let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| YamlError {
        line: e.location().map(|l| l.line()),
        message: e.to_string(),
    })?;
    let serde_yaml::Value::Mapping(mapping) = value else {
        if value.is_null() {
            return Ok(BTreeMap::new());
        }
        return Err(YamlError {
            line: Some(1),
            message: "front matter is not a list of `key: value` lines".into(),
        });
    };
    Ok(mapping
        .into_iter()
        .filter_map(|(key, value)| Some((scalar_text(&key)?, field_of(value))))
        .collect())
}

fn field_of(value: serde_yaml::Value) -> Field {
    match value {
        serde_yaml::Value::Null => Field::Null,
        serde_yaml::Value::Sequence(items) => {
            Field::List(items.iter().filter_map(scalar_text).collect())
        }
        serde_yaml::Value::Tagged(tagged) => field_of(tagged.value),
        other => scalar_text(&other).map_or(Field::Other, Field::Text),
    }
}

fn scalar_text(value: &serde_yaml::Value) -> Option<String> {
    match value {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Bool(b) => Some(b.to_string()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        serde_yaml::Value::Tagged(tagged) => scalar_text(&tagged.value),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_lists_and_nulls() {
        let map = parse_mapping("a: x\nb: [1, two]\nc:\nd: 3\n").unwrap();
        assert_eq!(map["a"], Field::Text("x".into()));
        assert_eq!(map["b"], Field::List(vec!["1".into(), "two".into()]));
        assert_eq!(map["c"], Field::Null);
        assert_eq!(map["d"], Field::Text("3".into()));
    }

    #[test]
    fn errors_carry_a_line() {
        let error = parse_mapping("a: 1\ntitle: \"say \"hi\" now\"\n").unwrap_err();
        assert_eq!(error.line, Some(2));
    }
}
