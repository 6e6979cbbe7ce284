//! Compiles the interface catalogues, `locales/<tag>.toml`, into Rust (`$OUT_DIR/catalogues.rs`,
//! included by `src/i18n.rs`): one `Text` variant per key of the reference catalogue
//! (`en.toml`), one `Locale` per file. Checked here, so a mistake in a catalogue is a build
//! error that names the file and the key, never a blank string in the interface:
//! - the English and Chinese catalogues hold every key; another catalogue may lack some
//!   (they fall back to English, with a build warning);
//! - no catalogue has a key the reference lacks (a typo);
//! - every form keeps the reference's placeholders (`{count}` may be left out of a form
//!   such as English "one") and uses no other;
//! - plural forms are CLDR categories, and `other` is always there.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

const REFERENCE: &str = "en";
/// Catalogues that must be complete.
const COMPLETE: [&str; 2] = ["en", "zh-CN"];
const CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];
const FORMAT_KEYS: [&str; 4] = ["date", "date_time", "year", "month_in_year"];

/// A string's forms: `[("other", text)]`, or one per plural category.
type Forms = Vec<(String, String)>;

struct Catalogue {
    tag: String,
    name: String,
    format: BTreeMap<String, String>,
    months: Vec<String>,
    texts: BTreeMap<String, Forms>,
}

fn main() {
    let dir = Path::new("locales");
    println!("cargo:rerun-if-changed=locales");
    let mut catalogues = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("crates/archive/locales exists")
        .map(|e| e.expect("a readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    entries.sort();
    for path in entries {
        println!("cargo:rerun-if-changed={}", path.display());
        catalogues.push(read(&path));
    }
    catalogues.sort_by_key(|c| (c.tag != REFERENCE, c.tag.clone()));
    let reference = catalogues
        .first()
        .filter(|c| c.tag == REFERENCE)
        .unwrap_or_else(|| panic!("locales/{REFERENCE}.toml, the reference catalogue, is missing"));
    let keys: Vec<String> = reference.texts.keys().cloned().collect();
    let reference_texts = reference.texts.clone();
    for catalogue in &mut catalogues {
        check(catalogue, &reference_texts);
    }
    for tag in COMPLETE {
        assert!(
            catalogues.iter().any(|c| c.tag == tag),
            "locales/{tag}.toml is missing"
        );
    }
    let out =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("catalogues.rs");
    std::fs::write(out, generate(&keys, &catalogues)).expect("OUT_DIR is writable");
}

fn read(path: &Path) -> Catalogue {
    let file = path.display().to_string();
    let tag = path
        .file_stem()
        .and_then(|s| s.to_str())
        .filter(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or_else(|| panic!("{file}: the file name must be a BCP 47 language tag"))
        .to_string();
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{file}: {e}"));
    let table: toml::Table = text.parse().unwrap_or_else(|e| panic!("{file}: {e}"));
    let section = |name: &str| -> toml::Table {
        match table.get(name) {
            Some(toml::Value::Table(t)) => t.clone(),
            _ => panic!("{file}: no [{name}] table"),
        }
    };
    let string = |value: &toml::Value, key: &str| -> String {
        value
            .as_str()
            .unwrap_or_else(|| panic!("{file}: {key} is not a string"))
            .to_string()
    };
    let language = section("language");
    let name = string(
        language
            .get("name")
            .unwrap_or_else(|| panic!("{file}: [language] has no name")),
        "name",
    );
    let format_table = section("format");
    let mut format = BTreeMap::new();
    for key in FORMAT_KEYS {
        let value = format_table
            .get(key)
            .unwrap_or_else(|| panic!("{file}: [format] has no {key}"));
        format.insert(key.to_string(), string(value, key));
    }
    let months: Vec<String> = format_table
        .get("months")
        .and_then(|m| m.as_array())
        .unwrap_or_else(|| panic!("{file}: [format] has no months list"))
        .iter()
        .map(|m| string(m, "months"))
        .collect();
    assert_eq!(months.len(), 12, "{file}: months lists 12 names");
    let mut texts = BTreeMap::new();
    for (key, value) in section("text") {
        let forms: Forms = match &value {
            toml::Value::String(text) => vec![("other".to_string(), text.clone())],
            toml::Value::Table(forms) => {
                let mut list = Vec::new();
                for category in CATEGORIES {
                    if let Some(text) = forms.get(category) {
                        list.push((category.to_string(), string(text, &key)));
                    }
                }
                for category in forms.keys() {
                    assert!(
                        CATEGORIES.contains(&category.as_str()),
                        "{file}: {key}.{category} is not a CLDR plural category ({CATEGORIES:?})"
                    );
                }
                assert!(
                    forms.contains_key("other"),
                    "{file}: {key} has plural forms but no `other`"
                );
                list
            }
            _ => panic!("{file}: {key} is neither a string nor a table of plural forms"),
        };
        texts.insert(key, forms);
    }
    Catalogue {
        tag,
        name,
        format,
        months,
        texts,
    }
}

fn placeholders(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        names.insert(rest[open + 1..open + close].to_string());
        rest = &rest[open + close + 1..];
    }
    names
}

fn check(catalogue: &mut Catalogue, reference: &BTreeMap<String, Forms>) {
    let tag = catalogue.tag.clone();
    for key in catalogue.texts.keys() {
        assert!(
            reference.contains_key(key),
            "locales/{tag}.toml: {key} is not a key of locales/{REFERENCE}.toml"
        );
    }
    for (key, reference_forms) in reference {
        let allowed: BTreeSet<String> = reference_forms
            .iter()
            .flat_map(|(_, text)| placeholders(text))
            .collect();
        let Some(forms) = catalogue.texts.get(key) else {
            assert!(
                !COMPLETE.contains(&tag.as_str()),
                "locales/{tag}.toml lacks {key}"
            );
            println!("cargo:warning=locales/{tag}.toml lacks {key}: the interface shows the English text");
            catalogue.texts.insert(key.clone(), reference_forms.clone());
            continue;
        };
        for (category, text) in forms {
            let used = placeholders(text);
            for name in &used {
                assert!(
                    allowed.contains(name),
                    "locales/{tag}.toml: {key} ({category}) uses {{{name}}}, which {key} does not have"
                );
            }
            for name in &allowed {
                assert!(
                    used.contains(name) || name == "count",
                    "locales/{tag}.toml: {key} ({category}) leaves out {{{name}}}"
                );
            }
        }
    }
}

fn variant(key: &str) -> String {
    key.split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn generate(keys: &[String], catalogues: &[Catalogue]) -> String {
    let mut out = String::from(
        "// Generated by crates/archive/build.rs from crates/archive/locales/*.toml.\n\n",
    );
    out.push_str(
        "/// One string of the interface: a key of the catalogues in `crates/archive/locales/`.\n",
    );
    out.push_str("#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]\npub enum Text {\n");
    for key in keys {
        let _ = writeln!(out, "    /// `{key}`\n    {},", variant(key));
    }
    out.push_str(
        "}\n\nimpl Text {\n    /// Every text, in catalogue order.\n    pub const ALL: [Text; ",
    );
    let _ = writeln!(out, "{}] = [", keys.len());
    for key in keys {
        let _ = writeln!(out, "        Text::{},", variant(key));
    }
    out.push_str("    ];\n\n    /// The key in the catalogue files.\n    pub fn key(self) -> &'static str {\n        match self {\n");
    for key in keys {
        let _ = writeln!(out, "            Text::{} => {key:?},", variant(key));
    }
    out.push_str("        }\n    }\n}\n\n/// Every catalogue, English first.\npub static LOCALES: &[Locale] = &[\n");
    for catalogue in catalogues {
        let _ = writeln!(
            out,
            "    Locale {{\n        tag: {:?},\n        name: {:?},\n        date: {:?},\n        date_time: {:?},\n        year: {:?},\n        month_in_year: {:?},\n        months: {:?},\n        texts: &[",
            catalogue.tag,
            catalogue.name,
            catalogue.format["date"],
            catalogue.format["date_time"],
            catalogue.format["year"],
            catalogue.format["month_in_year"],
            catalogue.months,
        );
        for key in keys {
            let _ = writeln!(out, "            &{:?},", catalogue.texts[key]);
        }
        out.push_str("        ],\n    },\n");
    }
    out.push_str("];\n");
    out
}
