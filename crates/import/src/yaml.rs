//! The only module that reads YAML text (front matter, `_config.yml`, `_data/`), so that
//! swapping `serde_yaml` for the maintained drop-in `serde_yaml_ng` is a small change: it reads
//! a document as Jekyll does ([`value`]) and turns a YAML mapping into plain [`Field`]s.

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
    /// A nested mapping (`kramdown:` in `_config.yml`), its keys read like the top level's.
    Mapping(BTreeMap<String, Field>),
    /// Anything else Gazette does not read.
    Other,
}

/// Why YAML could not be read, with the 1-based line inside the YAML text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: Option<usize>,
    pub message: String,
}

/// Reads YAML as Jekyll's reader (Ruby's Psych) does: the first document only (a `---` line
/// after it starts another, which is not read), with merge keys (`<<: *base`) applied.
pub fn value(text: &str) -> Result<serde_yaml::Value, serde_yaml::Error> {
    use serde::Deserialize;
    let mut value = match serde_yaml::Deserializer::from_str(text).next() {
        Some(document) => serde_yaml::Value::deserialize(document)?,
        None => serde_yaml::Value::Null,
    };
    value.apply_merge()?;
    Ok(value)
}

/// The text of the first YAML document of `text` (the one Jekyll reads), and the 1-based
/// line where a second one starts, if any: a `---` line after the first document's content,
/// or what follows a `...` line.
pub fn first_document(text: &str) -> (&str, Option<usize>) {
    let mut content = false;
    let mut at = 0;
    for (number, line) in text.split_inclusive('\n').enumerate() {
        let bare = line.trim_end_matches(['\n', '\r']);
        let marker = |mark: &str| {
            bare.strip_prefix(mark)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
        };
        if marker("...") {
            let rest = &text[at + line.len()..];
            let more = rest.lines().position(|l| {
                let l = l.trim();
                !l.is_empty() && !l.starts_with('#')
            });
            return (&text[..at], more.map(|skip| number + 2 + skip));
        }
        if marker("---") {
            if content {
                return (&text[..at], Some(number + 1));
            }
        } else if !bare.trim().is_empty() && !bare.trim_start().starts_with('#') {
            content = true;
        }
        at += line.len();
    }
    (text, None)
}

/// Parses a YAML mapping (front matter, `_config.yml`). An empty document is an empty map;
/// a document that is not a mapping is an error.
pub fn parse_mapping(text: &str) -> Result<BTreeMap<String, Field>, YamlError> {
    if text.trim().is_empty() {
        return Ok(BTreeMap::new());
    }
    match simple::parse(text) {
        Some(fields) => Ok(fields),
        None => parse_with_serde_yaml(text),
    }
}

fn parse_with_serde_yaml(text: &str) -> Result<BTreeMap<String, Field>, YamlError> {
    let value = value(text).map_err(|e| YamlError {
        line: e.location().map(|l| l.line()),
        message: e.to_string(),
    })?;
    let serde_yaml::Value::Mapping(mapping) = value else {
        if value.is_null() {
            return Ok(BTreeMap::new());
        }
        return Err(YamlError {
            line: Some(1),
            message: "not a list of `key: value` lines".into(),
        });
    };
    Ok(mapping
        .into_iter()
        .filter_map(|(key, value)| Some((scalar_text(&key)?, field_of(value))))
        .collect())
}

/// The front matter of nearly every news post (`key: value` lines, quoted titles, `[a, b]`
/// lists), read without building serde_yaml's document: its scanner, parser and `Value` tree
/// were 6% of a build's time, for lines any reader can split. It gives exactly what serde_yaml
/// gives (a randomized differential test holds the two together) and declines, so that
/// serde_yaml decides, anything else: a character YAML treats specially, a scalar YAML would
/// read as a number, a boolean or null, an escape, a comment, an indented line, a duplicate
/// key.
mod simple {
    use super::Field;
    use std::collections::BTreeMap;

    pub(super) fn parse(text: &str) -> Option<BTreeMap<String, Field>> {
        if !text.chars().all(plain_char) {
            return None;
        }
        let mut fields = BTreeMap::new();
        for line in text.split('\n') {
            if line.trim_start_matches(' ').is_empty() {
                continue;
            }
            let (key, value) = line.split_once(':')?;
            if !is_key(key) {
                return None;
            }
            let field = match value.strip_prefix(' ') {
                Some(value) => value_of(value.trim_matches(' '))?,
                None if value.is_empty() => Field::Null,
                None => return None,
            };
            if fields.insert(key.to_string(), field).is_some() {
                return None;
            }
        }
        Some(fields)
    }

    /// Printable, and neither a tab nor a line break YAML knows besides `\n` (`\r`, NEL,
    /// U+2028, U+2029), nor a byte order mark.
    fn plain_char(c: char) -> bool {
        (c >= ' ' || c == '\n')
            && !matches!(
                c,
                '\u{7f}'
                    ..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
            )
    }

    /// A key YAML reads as the same text: a letter or `_` first, then letters, digits, `_`
    /// and `-`, and not a word YAML could take for null or a boolean.
    fn is_key(key: &str) -> bool {
        key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            && !is_special_word(key)
    }

    /// A value on its key's line, its surrounding spaces trimmed.
    fn value_of(value: &str) -> Option<Field> {
        if value.is_empty() {
            return Some(Field::Null);
        }
        for quote in ['"', '\''] {
            if let Some(inner) = value.strip_prefix(quote) {
                // Escapes (`\` in double quotes, `''` in single ones) go to serde_yaml.
                let inner = inner.strip_suffix(quote)?;
                return (!inner.contains([quote, '\\'])).then(|| Field::Text(inner.to_string()));
            }
        }
        if let Some(inner) = value.strip_prefix('[') {
            let inner = inner.strip_suffix(']')?;
            if inner.trim_matches(' ').is_empty() {
                return Some(Field::List(Vec::new()));
            }
            return inner
                .split(',')
                .map(|item| {
                    let item = item.trim_matches(' ');
                    let flow_safe = !item.contains(['[', ']', '{', '}', ':', '#', '"', '\'']);
                    (flow_safe && is_text(item)).then(|| item.to_string())
                })
                .collect::<Option<Vec<String>>>()
                .map(Field::List);
        }
        (is_text(value) && !value.contains(": ") && !value.contains(" #") && !value.ends_with(':'))
            .then(|| Field::Text(value.to_string()))
    }

    /// Whether YAML reads `scalar` (trimmed, on one line) as this very text: it does not
    /// start with an indicator and cannot be a number, a boolean or null. A scalar with a
    /// space inside is none of those (`2022-02-24 17:03:45 +0800` is text); one without is
    /// declined when it starts with a digit, a sign or a dot.
    fn is_text(scalar: &str) -> bool {
        let Some(first) = scalar.chars().next() else {
            return false;
        };
        if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
            return false;
        }
        scalar.contains(' ')
            || !(first.is_ascii_digit() || matches!(first, '+' | '.') || is_special_word(scalar))
    }

    /// Words some YAML reads as null, a boolean or a number.
    fn is_special_word(word: &str) -> bool {
        const WORDS: [&str; 13] = [
            "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n", "inf", "infinity",
            "nan",
        ];
        WORDS
            .iter()
            .any(|special| special.eq_ignore_ascii_case(word))
    }
}

fn field_of(value: serde_yaml::Value) -> Field {
    match value {
        serde_yaml::Value::Null => Field::Null,
        serde_yaml::Value::Sequence(items) => {
            Field::List(items.iter().filter_map(scalar_text).collect())
        }
        serde_yaml::Value::Tagged(tagged) => field_of(tagged.value),
        serde_yaml::Value::Mapping(mapping) => Field::Mapping(
            mapping
                .into_iter()
                .filter_map(|(key, value)| Some((scalar_text(&key)?, field_of(value))))
                .collect(),
        ),
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

/// The line-based reading, for YAML that [`parse_mapping`] cannot read (front matter with
/// unescaped quotes, a `_config.yml` with a tab or a duplicate key): `key: value` lines (the
/// value taken verbatim up to the end of the line, outer quotes removed) and `- item` lines
/// under a key with no value. A key given twice keeps its last value.
pub fn parse_lines(yaml_text: &str) -> BTreeMap<String, Field> {
    let mut fields = BTreeMap::new();
    let mut list_key: Option<String> = None;
    for line in yaml_text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if let (Some(key), Some(item)) = (&list_key, trimmed.strip_prefix("- ")) {
            if let Some(Field::List(items)) = fields.get_mut(key) {
                items.push(unquote(item.trim()).to_string());
            }
            continue;
        }
        // A tab is never YAML indentation, so a tab-indented `key:` is a top-level key typed
        // carelessly; space-indented lines belong to a nested value and are not read.
        let line = line.trim_start_matches('\t');
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let key = key.trim();
        if key.is_empty() || key.contains(char::is_whitespace) || line.starts_with(' ') {
            continue;
        }
        let value = value.trim();
        if value.is_empty() {
            list_key = Some(key.to_string());
            fields.insert(key.to_string(), Field::List(Vec::new()));
        } else {
            list_key = None;
            fields.insert(key.to_string(), line_value(value));
        }
    }
    fields
}

fn line_value(value: &str) -> Field {
    match value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
        Some(inner) => Field::List(
            inner
                .split(',')
                .map(|item| unquote(item.trim()).to_string())
                .filter(|item| !item.is_empty())
                .collect(),
        ),
        None => Field::Text(unquote(value).to_string()),
    }
}

fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if value.len() >= 2 && value.starts_with(quote) && value.ends_with(quote) {
            return &value[1..value.len() - 1];
        }
    }
    value
}

/// `text` with the earlier blocks of every top-level key given twice or more blanked out (the
/// key's line and the indented or list lines under it), so that the last one counts, as in
/// Jekyll (Ruby's YAML keeps the last value; serde_yaml refuses the document). Lines keep
/// their numbers. Also returns each blanked key with its line and the line of its last
/// occurrence, both 1-based.
pub fn drop_earlier_duplicate_keys(text: &str) -> (String, Vec<(String, usize, usize)>) {
    let lines: Vec<&str> = text.lines().collect();
    // Each top-level key's line, and where its block ends.
    let mut blocks: Vec<(String, usize, usize)> = Vec::new();
    for (at, line) in lines.iter().enumerate() {
        let is_top_level = !line.starts_with([' ', '\t', '#', '-']) && !line.trim().is_empty();
        if let Some(key) = line
            .split_once(':')
            .map(|(k, _)| k.trim())
            .filter(|_| is_top_level)
        {
            if let Some(last) = blocks.last_mut() {
                last.2 = at;
            }
            blocks.push((unquote(key).to_string(), at, lines.len()));
        } else if is_top_level {
            // A document marker or stray text ends the block before it.
            if let Some(last) = blocks.last_mut() {
                last.2 = last.2.min(at);
            }
        }
    }
    let mut blanked = vec![false; lines.len()];
    let mut dropped = Vec::new();
    for (index, (key, start, end)) in blocks.iter().enumerate() {
        if let Some((_, last_start, _)) = blocks[index + 1..].iter().rev().find(|(k, ..)| k == key)
        {
            blanked[*start..*end].iter_mut().for_each(|b| *b = true);
            dropped.push((key.clone(), start + 1, last_start + 1));
        }
    }
    let kept: Vec<&str> = lines
        .iter()
        .zip(&blanked)
        .map(|(line, &blank)| if blank { "" } else { line })
        .collect();
    (kept.join("\n"), dropped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_the_first_document_with_its_merge_keys_applied() {
        let read = value("a: &a {x: 1}\nb:\n  <<: *a\n  y: 2\n---\nc: 3\n").unwrap();
        assert_eq!(read["b"]["x"], 1);
        assert_eq!(read["b"]["y"], 2);
        assert!(read.get("c").is_none());
        assert!(value("").unwrap().is_null());
        assert!(value("a: [\n").is_err());
        assert!(value("<<: 3\n").is_err(), "a scalar to merge is an error");
    }

    #[test]
    fn scalars_lists_and_nulls() {
        let map = parse_mapping("a: x\nb: [1, two]\nc:\nd: 3\n").unwrap();
        assert_eq!(map["a"], Field::Text("x".into()));
        assert_eq!(map["b"], Field::List(vec!["1".into(), "two".into()]));
        assert_eq!(map["c"], Field::Null);
        assert_eq!(map["d"], Field::Text("3".into()));
    }

    #[test]
    fn the_last_of_a_duplicated_top_level_key_counts() {
        let text = "gems:\n  - a\n  - b\ntitle: T\ngems: [c]\n# note\nurl: x\n";
        let (kept, dropped) = drop_earlier_duplicate_keys(text);
        assert_eq!(kept, "\n\n\ntitle: T\ngems: [c]\n# note\nurl: x");
        assert_eq!(dropped, vec![("gems".to_string(), 1, 5)]);
        let map = parse_mapping(&kept).unwrap();
        assert_eq!(map["gems"], Field::List(vec!["c".into()]));
        assert_eq!(parse_lines(text)["gems"], Field::List(vec!["c".into()]));
    }

    #[test]
    fn news_front_matter_is_read_without_serde_yaml() {
        let text = "layout: post\n\
            title: \"华兰生物：目前公司流感疫苗覆盖全国2500多家疾控中心\"\n\
            date: 2021-12-08 15:16:45 +0800\n\
            categories: emnews\n\
            tags: [东财滚动新闻, A股]\n\
            url: http://x.cn/a:b\n\
            empty:\n";
        let fields = simple::parse(text).expect("the simple reading takes it");
        assert_eq!(Ok(fields), parse_with_serde_yaml(text));
    }

    /// A random front matter made of pieces YAML treats in every way: plain text, numbers,
    /// booleans, nulls, quotes with and without escapes, flow lists, indicators, comments,
    /// indentation, tabs, odd line breaks, duplicate keys.
    fn random_front_matter(rng: &mut impl rand::Rng) -> String {
        const KEYS: [&str; 14] = [
            "title",
            "date",
            "tags",
            "categories",
            "a-b",
            "_x",
            "true",
            "N",
            "null",
            "a b",
            "1a",
            "k:",
            "",
            "Title",
        ];
        const PIECES: [&str; 60] = [
            "新闻",
            "word",
            "two words",
            "3",
            "3.0",
            "0x1F",
            "1e3",
            "-5",
            "+5",
            ".5",
            ".inf",
            "inf",
            "NaN",
            "true",
            "False",
            "yes",
            "~",
            "null",
            "\"",
            "'",
            "\\",
            "\"\"",
            "''",
            "[",
            "]",
            ",",
            "{",
            "}",
            "#",
            " #",
            ": ",
            ":",
            "a:b",
            "-",
            "- ",
            "?",
            "&a",
            "*a",
            "!",
            "|",
            ">",
            "%",
            "@",
            "`",
            " ",
            "  ",
            "\t",
            "\r",
            "\u{2028}",
            "\u{85}",
            "\u{feff}",
            "2021-12-08 15:16:45 +0800",
            "http://x.cn/a",
            "“引号”",
            "\\n",
            "A股",
            "[a, b]",
            "[]",
            "[1, two]",
            "'it''s'",
        ];
        let mut text = String::new();
        for _ in 0..rng.gen_range(1..6) {
            match rng.gen_range(0..12) {
                0 => text.push_str("# comment"),
                1 => text.push_str("  indented: x"),
                2 => {}
                _ => {
                    text.push_str(KEYS[rng.gen_range(0..KEYS.len())]);
                    text.push_str([": ", ":", ":  ", " : "][rng.gen_range(0..4)]);
                    let quote = ["", "\"", "'", "["][rng.gen_range(0..4)];
                    text.push_str(quote);
                    for _ in 0..rng.gen_range(0..4) {
                        text.push_str(PIECES[rng.gen_range(0..PIECES.len())]);
                        if rng.gen_bool(0.3) {
                            text.push_str(", ");
                        }
                    }
                    text.push_str(match quote {
                        "[" => "]",
                        other => other,
                    });
                    if rng.gen_bool(0.2) {
                        text.push(' ');
                    }
                }
            }
            text.push('\n');
        }
        text
    }

    #[test]
    fn the_simple_reading_agrees_with_serde_yaml() {
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let mut taken = 0;
        for _ in 0..200_000 {
            let text = random_front_matter(&mut rng);
            if let Some(fields) = simple::parse(&text) {
                taken += 1;
                assert_eq!(Ok(fields), parse_with_serde_yaml(&text), "{text:?}");
            }
        }
        assert!(
            taken > 5_000,
            "the test reaches the simple reading: {taken}"
        );
    }

    #[test]
    fn errors_carry_a_line() {
        let error = parse_mapping("a: 1\ntitle: \"say \"hi\" now\"\n").unwrap_err();
        assert_eq!(error.line, Some(2));
    }
}
