//! `site.data`: the files of `_data/` as Liquid values, as Jekyll reads them — YAML (`.yml`,
//! `.yaml`), JSON, and CSV/TSV (a list of rows keyed by the header); a folder becomes a
//! nested key, a file its name without the extension. Keys keep their written order.

use liquid_core::model::KString;

use super::values::{self, Hash, Node};

/// One file of `_data/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataFile {
    /// Relative to `_data/`, `/`-separated (`releases.yml`, `authors/team.json`).
    pub path: String,
    pub text: String,
}

/// `site.data` from `files`, and `(path, message)` for each file that could not be read
/// (it is left out; Jekyll would stop). Keys keep the order they were written in.
pub(super) fn data_value(files: &[DataFile]) -> (Node, Vec<(String, String)>) {
    let mut root = Hash::new();
    let mut warnings = Vec::new();
    for file in files {
        let Some((stem_path, extension)) = file.path.rsplit_once('.') else {
            continue;
        };
        let value = match extension.to_ascii_lowercase().as_str() {
            "yml" | "yaml" => crate::yaml::value(&file.text)
                .map(|yaml| values::from_yaml(&yaml))
                .map_err(|e| e.to_string()),
            "json" => values::from_json(&file.text).map_err(|e| e.to_string()),
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
        let mut hash = &mut root;
        for folder in folders {
            hash = hash.hash_at(folder);
        }
        hash.insert(KString::from_ref(last), value);
    }
    (Node::Hash(root), warnings)
}

/// A CSV or TSV file with a header row: one object per row.
fn table_value(text: &str, delimiter: u8) -> Result<Node, String> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| e.to_string())?.clone();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| e.to_string())?;
        let row: Hash = headers
            .iter()
            .zip(record.iter())
            .map(|(key, value)| (KString::from_ref(key), Node::text(value)))
            .collect();
        rows.push(Node::Hash(row));
    }
    Ok(Node::Array(rows))
}
