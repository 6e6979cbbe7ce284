//! What a list shows: a [`Filter`] (words, category, tag, date range, order), as the reader
//! wrote it in the URL. [`crate::query`] turns it into the matching posts; the functions here
//! show where a post matches.

use crate::search::Query;

/// What the reader asked for. Every field is optional; the empty filter shows everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Filter {
    /// What to search for: every white-space-separated part must occur as typed, and a
    /// quoted phrase with its white space (see [`crate::search`]).
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

/// Splits `text` into `(segment, is_match)` runs for highlighting what `query` matches:
/// exactly the occurrences that make a post a hit (see [`crate::search`]).
pub fn highlight(text: &str, query: &Query) -> Vec<(String, bool)> {
    let mut runs: Vec<(String, bool)> = Vec::new();
    let mut push = |run: &str, is_match: bool| {
        if run.is_empty() {
            return;
        }
        match runs.last_mut() {
            Some((last, m)) if *m == is_match => last.push_str(run),
            _ => runs.push((run.to_string(), is_match)),
        }
    };
    let mut done = 0;
    for found in query.find(text) {
        // Occurrences may overlap (`人人` in `人人人`): mark their union.
        let start = found.start.max(done);
        push(&text[done..start], false);
        if found.end > start {
            push(&text[start..found.end], true);
            done = found.end;
        }
    }
    push(&text[done..], false);
    if runs.is_empty() {
        runs.push((String::new(), false));
    }
    runs
}

/// Characters of context kept before the first hit in a [`snippet`].
const SNIPPET_LEAD_CHARS: usize = 24;

/// Whether `text` holds any part of `query`.
pub fn contains_any(text: &str, query: &Query) -> bool {
    !query.find(text).is_empty()
}

/// About `max_chars` characters of `text` around the first occurrence of any part of
/// `query`, with `…` where text was cut; `None` when no part occurs. Excerpts of search
/// results come from here when the stored excerpt holds no hit.
pub fn snippet(text: &str, query: &Query, max_chars: usize) -> Option<String> {
    let first_byte = query.find(text).first()?.start;
    let chars: Vec<char> = text.chars().collect();
    let first = text[..first_byte].chars().count();
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

    fn q(text: &str) -> Query {
        Query::parse(text)
    }

    #[test]
    fn snippets_start_shortly_before_the_first_hit() {
        let text = format!("{}离岸人民币走强{}", "甲".repeat(100), "乙".repeat(100));
        let cut = snippet(&text, &q("人民币"), 40).unwrap();
        assert!(cut.starts_with('…') && cut.ends_with('…'), "{cut}");
        assert_eq!(cut.chars().count(), 42);
        assert!(cut.contains("离岸人民币走强"), "{cut}");
        assert_eq!(
            cut.chars().position(|c| c == '人'),
            Some(1 + SNIPPET_LEAD_CHARS)
        );
        // No hit: nothing; a hit at the start: no leading ellipsis; case is ignored.
        assert_eq!(snippet("没有", &q("人民币"), 40), None);
        assert_eq!(snippet("ET7 发布", &q("et7"), 40).unwrap(), "ET7 发布");
        // A line start close before the hit is where the snippet begins.
        assert_eq!(
            snippet("第一段很长很长。\n第二段说人民币", &q("人民币"), 40).unwrap(),
            "…第二段说人民币"
        );
        assert!(contains_any("蔚来ET7", &q("et7")));
        assert!(!contains_any("蔚来", &q("et7")));
        // Only what matches: `2月` is not in `12月`.
        assert_eq!(
            snippet("12月，然后2月", &q("2月"), 40).unwrap(),
            "12月，然后2月"
        );
        assert!(!contains_any("12月", &q("2月")));
    }

    #[test]
    fn highlight_marks_every_occurrence() {
        assert_eq!(
            highlight("人民币兑人民币", &q("人民币")),
            vec![
                ("人民币".to_string(), true),
                ("兑".to_string(), false),
                ("人民币".to_string(), true)
            ]
        );
        // Overlapping occurrences are marked as one run.
        assert_eq!(
            highlight("人人人", &q("人人")),
            vec![("人人人".to_string(), true)]
        );
        assert_eq!(highlight("", &q("人")), vec![(String::new(), false)]);
    }

    #[test]
    fn highlight_ignores_case_and_marks_only_real_matches() {
        assert_eq!(
            highlight("ET7 来了", &q("et7")),
            vec![("ET7".to_string(), true), (" 来了".to_string(), false)]
        );
        assert_eq!(
            highlight("12月和2月", &q("2月")),
            vec![("12月和".to_string(), false), ("2月".to_string(), true)]
        );
        assert_eq!(
            highlight("13.6%与3.6%", &q("3.6%")),
            vec![("13.6%与".to_string(), false), ("3.6%".to_string(), true)]
        );
    }
}
