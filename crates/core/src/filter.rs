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
    let chars: Vec<char> = text.chars().collect();
    // Highlight only when lower-casing keeps every character's position.
    let Some(lower) = lowercase_aligned(&chars) else {
        return vec![(text.to_string(), false)];
    };
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

/// `chars` lower-cased, when that keeps one character per character (a few characters, like
/// `İ`, lower-case to two): then a match found in it sits at the same positions in `chars`.
fn lowercase_aligned(chars: &[char]) -> Option<Vec<char>> {
    let lower: Vec<char> = chars.iter().flat_map(|c| c.to_lowercase()).collect();
    (lower.len() == chars.len()).then_some(lower)
}

/// Characters of context kept before the first hit in a [`snippet`].
const SNIPPET_LEAD_CHARS: usize = 24;

/// Whether `text` contains any of the `terms` (lower-case), ignoring case.
pub fn contains_any(text: &str, terms: &[String]) -> bool {
    let lower = text.to_lowercase();
    terms
        .iter()
        .any(|t| !t.is_empty() && lower.contains(t.as_str()))
}

/// About `max_chars` characters of `text` around the first hit of any of the `terms`
/// (lower-case), with `…` where text was cut; `None` when no term occurs. Excerpts of search
/// results come from here when the stored excerpt holds no hit.
pub fn snippet(text: &str, terms: &[String], max_chars: usize) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    // Positions must line up with `chars`: match case-sensitively when lower-casing would not.
    let lower = lowercase_aligned(&chars);
    let haystack = lower.as_ref().unwrap_or(&chars);
    let first = terms
        .iter()
        .filter(|t| !t.is_empty())
        .filter_map(|term| {
            let term: Vec<char> = term.chars().collect();
            haystack
                .windows(term.len())
                .position(|w| w == term.as_slice())
        })
        .min()?;
    // Start a little before the hit, at a line start when one is close.
    let mut start = first.saturating_sub(SNIPPET_LEAD_CHARS);
    if let Some(newline) = chars[start..first].iter().rposition(|&c| c == '\n') {
        start += newline + 1;
    }
    let end = (start + max_chars).min(chars.len());
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.extend(
        chars[start..end]
            .iter()
            .map(|&c| if c == '\n' { ' ' } else { c }),
    );
    if end < chars.len() {
        out.push('…');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_start_shortly_before_the_first_hit() {
        let text = format!("{}离岸人民币走强{}", "甲".repeat(100), "乙".repeat(100));
        let terms = vec!["人民币".to_string()];
        let cut = snippet(&text, &terms, 40).unwrap();
        assert!(cut.starts_with('…') && cut.ends_with('…'), "{cut}");
        assert_eq!(cut.chars().count(), 42);
        assert!(cut.contains("离岸人民币走强"), "{cut}");
        assert_eq!(
            cut.chars().position(|c| c == '人'),
            Some(1 + SNIPPET_LEAD_CHARS)
        );
        // No hit: nothing; a hit at the start: no leading ellipsis; case is ignored.
        assert_eq!(snippet("没有", &terms, 40), None);
        assert_eq!(
            snippet("ET7 发布", &["et7".into()], 40).unwrap(),
            "ET7 发布"
        );
        // A line start close before the hit is where the snippet begins.
        assert_eq!(
            snippet("第一段很长很长。\n第二段说人民币", &terms, 40).unwrap(),
            "…第二段说人民币"
        );
        assert!(contains_any("蔚来ET7", &["et7".into()]));
        assert!(!contains_any("蔚来", &["et7".into()]));
    }

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
