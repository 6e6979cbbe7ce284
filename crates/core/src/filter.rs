//! What a list shows: a [`Filter`] (words, category, tag, date range, order), as the reader
//! wrote it in the URL. [`crate::query`] turns it into the matching posts.

/// What the reader asked for. Every field is optional; the empty filter shows everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Filter {
    /// Words; all must match. Chinese needs no spaces; `"quoted phrases"` group words.
    pub text: String,
    /// A category id.
    pub category: Option<String>,
    /// A tag name.
    pub tag: Option<String>,
    /// First day included, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Last day included, `YYYY-MM-DD`.
    pub to: Option<String>,
    /// Newest first even when there are words (otherwise words sort by relevance).
    pub by_date: bool,
}

impl Filter {
    /// True when the filter shows every post.
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }

    /// True when the reader typed words to search for.
    pub fn has_text(&self) -> bool {
        !self.text.trim().is_empty()
    }
}

/// Splits `text` into `(segment, is_match)` runs for highlighting the `terms` (lower-case).
pub fn highlight(text: &str, terms: &[String]) -> Vec<(String, bool)> {
    if terms.is_empty() {
        return vec![(text.to_string(), false)];
    }
    let lower: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    let chars: Vec<char> = text.chars().collect();
    // Lower-casing can change the length of a few characters; highlight only when it does not.
    if lower.len() != chars.len() {
        return vec![(text.to_string(), false)];
    }
    let mut marked = vec![false; chars.len()];
    for term in terms {
        let term: Vec<char> = term.chars().collect();
        if term.is_empty() || term.len() > lower.len() {
            continue;
        }
        for start in 0..=lower.len() - term.len() {
            if lower[start..start + term.len()] == term[..] {
                marked[start..start + term.len()]
                    .iter_mut()
                    .for_each(|m| *m = true);
            }
        }
    }
    let mut runs: Vec<(String, bool)> = Vec::new();
    for (c, is_match) in chars.into_iter().zip(marked) {
        match runs.last_mut() {
            Some((run, m)) if *m == is_match => run.push(c),
            _ => runs.push((c.to_string(), is_match)),
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlight_marks_every_occurrence() {
        assert_eq!(
            highlight("人民币兑人民币", &["人民币".into()]),
            vec![
                ("人民币".to_string(), true),
                ("兑".to_string(), false),
                ("人民币".to_string(), true)
            ]
        );
    }

    #[test]
    fn highlight_ignores_case() {
        assert_eq!(
            highlight("ET7 来了", &["et7".into()]),
            vec![("ET7".to_string(), true), (" 来了".to_string(), false)]
        );
    }
}
