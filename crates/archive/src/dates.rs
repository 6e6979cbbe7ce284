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

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (proleptic Gregorian calendar), or `None`
/// if the text is not such a date. With [`day_string`], lets `days.json` store runs of
/// consecutive days without spelling out each one (and without a date library in the app).
pub fn day_number(day: &str) -> Option<i64> {
    let bytes = day.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = day.get(range)?;
        digits
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| digits.parse().ok())?
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if !(1..=month_days).contains(&day) {
        return None;
    }
    // Howard Hinnant's days_from_civil: years start in March, so February's length is last.
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    Some(era * 146_097 + day_of_era - 719_468)
}

/// The `YYYY-MM-DD` of a [`day_number`] (Hinnant's civil_from_days).
pub fn day_string(number: i64) -> String {
    let z = number + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_count_from_1970_and_round_trip() {
        assert_eq!(day_number("1970-01-01"), Some(0));
        assert_eq!(day_number("2021-12-08"), Some(18_969));
        assert_eq!(
            day_number("2000-03-01").unwrap() - day_number("2000-02-28").unwrap(),
            2
        );
        assert_eq!(
            day_number("1900-03-01").unwrap() - day_number("1900-02-28").unwrap(),
            1
        );
        for text in [
            "0001-01-01",
            "1969-12-31",
            "2000-02-29",
            "2024-12-31",
            "9999-12-31",
        ] {
            assert_eq!(day_string(day_number(text).unwrap()), text);
        }
        for number in -719_000..-718_000 {
            assert_eq!(day_number(&day_string(number)), Some(number));
        }
        for number in 18_000..21_000 {
            assert_eq!(day_number(&day_string(number)), Some(number));
        }
    }

    #[test]
    fn only_real_dates_have_day_numbers() {
        for text in [
            "2021-02-29",
            "2021-13-01",
            "2021-00-10",
            "2021-04-31",
            "2021-4-01",
            "2021-04-0x",
            "+021-04-01",
            "2021/04/01",
            "",
        ] {
            assert_eq!(day_number(text), None, "{text}");
        }
    }

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
