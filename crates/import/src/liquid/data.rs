//! `site.data`: the files of `_data/` as Liquid values, as Jekyll reads them — YAML (`.yml`,
//! `.yaml`), JSON, and CSV/TSV (a list of rows keyed by the header); a folder becomes a
//! nested key, a file its name without the extension.

use liquid_core::model::{Object, Value};

/// One file of `_data/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataFile {
    /// Relative to `_data/`, `/`-separated (`releases.yml`, `authors/team.json`).
    pub path: String,
    pub text: String,
}

/// `site.data` from `files`, and `(path, message)` for each file that could not be read
/// (it is left out; Jekyll would stop).
pub fn data_value(files: &[DataFile]) -> (Value, Vec<(String, String)>) {
    let mut root = Object::new();
    let mut warnings = Vec::new();
    for file in files {
        let Some((stem_path, extension)) = file.path.rsplit_once('.') else {
            continue;
        };
        let value = match extension.to_ascii_lowercase().as_str() {
            "yml" | "yaml" => crate::yaml::value(&file.text)
                .map(|yaml| yaml_to_value(&yaml))
                .map_err(|e| e.to_string()),
            "json" => serde_json::from_str::<serde_json::Value>(&file.text)
                .map(|json| json_to_value(&json))
                .map_err(|e| e.to_string()),
            "csv" => table_value(&file.text, b','),
            "tsv" => table_value(&file.text, b'\t'),
            _ => continue,
        };
        let value = match value {
            Ok(value) => value,
            Err(error) => {
                warnings.push((
                    file.path.clone(),
                    format!("site.data cannot read this file ({error}): left out"),
                ));
                continue;
            }
        };
        let keys: Vec<&str> = stem_path.split('/').filter(|k| !k.is_empty()).collect();
        let Some((last, folders)) = keys.split_last() else {
            continue;
        };
        let mut object = &mut root;
        for folder in folders {
            let entry = object
                .entry((*folder).to_string())
                .or_insert_with(|| Value::Object(Object::new()));
            if !matches!(entry, Value::Object(_)) {
                *entry = Value::Object(Object::new());
            }
            let Value::Object(inner) = entry else {
                unreachable!("made an object above")
            };
            object = inner;
        }
        object.insert((*last).to_string().into(), value);
    }
    (Value::Object(root), warnings)
}

/// A CSV or TSV file with a header row: one object per row.
fn table_value(text: &str, delimiter: u8) -> Result<Value, String> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| e.to_string())?.clone();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| e.to_string())?;
        let row: Object = headers
            .iter()
            .zip(record.iter())
            .map(|(key, value)| (key.to_string().into(), Value::scalar(value.to_string())))
            .collect();
        rows.push(Value::Object(row));
    }
    Ok(Value::Array(rows))
}

/// YAML as Liquid values: numbers stay numbers, booleans booleans; keys are text.
pub(super) fn yaml_to_value(yaml: &serde_yaml::Value) -> Value {
    use serde_yaml::Value as Yaml;
    match yaml {
        Yaml::Null => Value::Nil,
        Yaml::Bool(b) => Value::scalar(*b),
        Yaml::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Value::scalar(i),
            (None, Some(f)) => Value::scalar(f),
            _ => Value::scalar(n.to_string()),
        },
        Yaml::String(s) => Value::scalar(s.clone()),
        Yaml::Sequence(items) => Value::Array(items.iter().map(yaml_to_value).collect()),
        Yaml::Mapping(mapping) => Value::Object(
            mapping
                .iter()
                .map(|(key, value)| (yaml_key(key).into(), yaml_to_value(value)))
                .collect(),
        ),
        Yaml::Tagged(tagged) => yaml_to_value(&tagged.value),
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

fn json_to_value(json: &serde_json::Value) -> Value {
    use serde_json::Value as Json;
    match json {
        Json::Null => Value::Nil,
        Json::Bool(b) => Value::scalar(*b),
        Json::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Value::scalar(i),
            (None, Some(f)) => Value::scalar(f),
            _ => Value::scalar(n.to_string()),
        },
        Json::String(s) => Value::scalar(s.clone()),
        Json::Array(items) => Value::Array(items.iter().map(json_to_value).collect()),
        Json::Object(map) => Value::Object(
            map.iter()
                .map(|(key, value)| (key.clone().into(), json_to_value(value)))
                .collect(),
        ),
    }
}
