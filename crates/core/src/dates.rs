//! Grouping posts by calendar period for the date views, on the local date part of each
//! post's RFC 3339 date (the day as the post's own site saw it).

use crate::model::PostSummary;

/// How finely to group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Granularity {
    Year,
    Month,
    Day,
}

impl Granularity {
    fn key_len(self) -> usize {
        match self {
            Granularity::Year => 4,
            Granularity::Month => 7,
            Granularity::Day => 10,
        }
    }
}

/// `(period, count)` pairs, newest period first (`2021-12`, `2021-11`, …), for the posts at
/// `positions` (index order, newest first). Undated posts are not counted.
pub fn count_by_period(
    posts: &[PostSummary],
    positions: &[usize],
    granularity: Granularity,
) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    let mut sorted: Vec<&str> = positions
        .iter()
        .filter_map(|&i| posts.get(i)?.date.as_deref()?.get(..granularity.key_len()))
        .collect();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    for key in sorted {
        match counts.last_mut() {
            Some((last, count)) if last == key => *count += 1,
            _ => counts.push((key.to_string(), 1)),
        }
    }
    counts
}

/// The coarsest granularity that still gives more than one bar, for a histogram over the
/// posts at `positions`.
pub fn fitting_granularity(posts: &[PostSummary], positions: &[usize]) -> Granularity {
    for granularity in [Granularity::Year, Granularity::Month] {
        if count_by_period(posts, positions, granularity).len() > 1 {
            return granularity;
        }
    }
    Granularity::Day
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dated(date: Option<&str>) -> PostSummary {
        PostSummary {
            id: "x".into(),
            title: "t".into(),
            date: date.map(String::from),
            categories: vec![],
            tags: vec![],
            excerpt: String::new(),
            source: None,
            permalink: None,
            chunk: 0,
        }
    }

    #[test]
    fn months_are_counted_newest_first_and_undated_skipped() {
        let posts = vec![
            dated(Some("2022-02-24T17:03:45+08:00")),
            dated(Some("2021-12-08T10:46:18+08:00")),
            dated(Some("2021-12-01T13:33:50+00:00")),
            dated(None),
        ];
        assert_eq!(
            count_by_period(&posts, &[0, 1, 2, 3], Granularity::Month),
            vec![("2022-02".to_string(), 1), ("2021-12".to_string(), 2)]
        );
        assert_eq!(
            fitting_granularity(&posts, &[0, 1, 2, 3]),
            Granularity::Year
        );
        assert_eq!(fitting_granularity(&posts, &[1, 2]), Granularity::Day);
    }
}
