//! Small text helpers shared by the importer and the app: excerpt truncation and the minimal
//! HTML unescaping that turns sanitized text back into plain text.

/// Longest excerpt kept in the post index, in characters.
pub const EXCERPT_CHARS: usize = 140;

/// Collapses runs of whitespace into one space and trims the ends.
pub fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Cuts `text` to at most `max` characters, ending with `…` when something was cut.
pub fn truncate_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((end, _)) => {
            let mut cut = text[..end].trim_end().to_string();
            cut.push('…');
            cut
        }
    }
}

/// Reverses the escaping an HTML serializer applies to text (`&amp;`, `&lt;`, `&gt;`,
/// `&quot;`, `&#39;`, `&nbsp;`), so sanitized text can be shown as plain text.
pub fn unescape_serialized_text(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_counts_characters_not_bytes() {
        assert_eq!(truncate_chars("离岸人民币兑美元", 4), "离岸人民…");
        assert_eq!(truncate_chars("短", 4), "短");
    }

    #[test]
    fn unescaping_restores_ampersands_last() {
        assert_eq!(
            unescape_serialized_text("a &amp;lt; b &lt; c"),
            "a &lt; b < c"
        );
    }

    #[test]
    fn whitespace_collapses() {
        assert_eq!(collapse_whitespace("  a \n\t b  "), "a b");
    }
}
