//! Grouping posts by calendar period for the date views, on the local date part of each
//! post's RFC 3339 date (the day as the post's own site saw it).

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

/// `(period, count)` pairs, oldest period first (`2021-11`, `2021-12`, …), for the given
/// RFC 3339 dates.
pub fn count_by_period<'a>(
    dates: impl IntoIterator<Item = &'a str>,
    granularity: Granularity,
) -> Vec<(String, usize)> {
    let mut keys: Vec<&str> = dates
        .into_iter()
        .filter_map(|date| date.get(..granularity.key_len()))
        .collect();
    keys.sort_unstable();
    let mut counts: Vec<(String, usize)> = Vec::new();
    for key in keys {
        match counts.last_mut() {
            Some((last, count)) if last == key => *count += 1,
            _ => counts.push((key.to_string(), 1)),
        }
    }
    counts
}

/// The coarsest granularity that still gives more than one bar for these dates.
pub fn fitting_granularity<'a>(dates: impl IntoIterator<Item = &'a str> + Clone) -> Granularity {
    for granularity in [Granularity::Year, Granularity::Month] {
        if count_by_period(dates.clone(), granularity).len() > 1 {
            return granularity;
        }
    }
    Granularity::Day
}

/// The first and last day (`YYYY-MM-DD`) of a period key (`2021`, `2021-12` or `2021-12-08`).
pub fn period_days(key: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = key.split('-').collect();
    crate::route::period_bounds(&parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_counted_oldest_first() {
        let dates = [
            "2022-02-24T17:03:45+08:00",
            "2021-12-08T10:46:18+08:00",
            "2021-12-01T13:33:50+00:00",
        ];
        assert_eq!(
            count_by_period(dates, Granularity::Month),
            vec![("2021-12".to_string(), 2), ("2022-02".to_string(), 1)]
        );
        assert_eq!(fitting_granularity(dates), Granularity::Year);
        assert_eq!(
            fitting_granularity(dates[1..].iter().copied()),
            Granularity::Day
        );
    }

    #[test]
    fn period_keys_become_day_ranges() {
        assert_eq!(
            period_days("2024-02"),
            Some(("2024-02-01".into(), "2024-02-29".into()))
        );
        assert_eq!(
            period_days("2021"),
            Some(("2021-01-01".into(), "2021-12-31".into()))
        );
        assert_eq!(
            period_days("2021-12-08"),
            Some(("2021-12-08".into(), "2021-12-08".into()))
        );
    }
}
