//! Post dates the way Jekyll reads them: from front matter (with or without an offset; a
//! date without one is in the site's time zone), else from the `YYYY-MM-DD-` file-name
//! prefix. The archive stores RFC 3339 with the post's own offset.

use std::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone};
use thiserror::Error;

/// The site's time zone: the zone dates without an offset are read in, and the one every
/// date is shown in (as Jekyll shows them): an IANA name (`Asia/Shanghai`) or a fixed offset
/// (`+08:00`, `+0800`, `UTC`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Zone {
    Named(chrono_tz::Tz),
    Fixed(FixedOffset),
    /// None given: dates without an offset are UTC, and a date with one keeps it. (Jekyll
    /// would show it in the zone of the machine that builds, which no archive should depend
    /// on.)
    #[default]
    Unset,
}

/// A time zone name nobody knows.
#[derive(Debug, Error, PartialEq, Eq)]
#[error(
    "unknown time zone {0:?}: use an IANA name such as Asia/Shanghai, or an offset such as +08:00"
)]
pub struct UnknownZone(pub String);

impl FromStr for Zone {
    type Err = UnknownZone;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("utc") || text == "Z" {
            return Ok(Zone::Fixed(utc()));
        }
        if let Some(offset) = parse_offset(text) {
            return Ok(Zone::Fixed(offset));
        }
        text.parse::<chrono_tz::Tz>()
            .map(Zone::Named)
            .map_err(|_| UnknownZone(text.to_string()))
    }
}

impl Zone {
    /// Attaches this zone to a wall-clock time. In a DST gap or overlap the earlier valid
    /// reading is taken, as Ruby's `Time.local` does.
    pub fn localize(&self, naive: NaiveDateTime) -> DateTime<FixedOffset> {
        match self {
            Zone::Fixed(offset) => fixed(offset, naive),
            Zone::Unset => fixed(&utc(), naive),
            Zone::Named(tz) => match tz.from_local_datetime(&naive).earliest() {
                Some(dt) => dt.with_timezone(&dt.offset().fix()),
                None => {
                    let offset = tz.offset_from_utc_datetime(&naive).fix();
                    fixed(&offset, naive)
                }
            },
        }
    }

    /// The instant of a UTC wall-clock time, as this zone shows it.
    pub fn at_utc(&self, naive: NaiveDateTime) -> DateTime<FixedOffset> {
        let utc = chrono::Utc.from_utc_datetime(&naive);
        match self {
            Zone::Fixed(offset) => utc.with_timezone(offset),
            Zone::Unset => utc.with_timezone(&self::utc()),
            Zone::Named(tz) => {
                let local = utc.with_timezone(tz);
                local.with_timezone(&local.offset().fix())
            }
        }
    }

    /// A date written with its offset, as this zone shows it (Ruby's `Time#localtime` under the
    /// site's `TZ`, as Jekyll shows every date): `02:03 +0800` is the day before in UTC, and so
    /// is the post's day. Without a zone the date keeps its own offset.
    pub fn show(&self, date: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
        match self {
            Zone::Unset => date,
            _ => self.at_utc(date.naive_utc()),
        }
    }
}

fn utc() -> FixedOffset {
    FixedOffset::east_opt(0).expect("zero offset")
}

fn fixed(offset: &FixedOffset, naive: NaiveDateTime) -> DateTime<FixedOffset> {
    offset
        .from_local_datetime(&naive)
        .single()
        .expect("fixed offsets are never ambiguous")
}

/// `+0800`, `+08:00`, `-05`.
fn parse_offset(text: &str) -> Option<FixedOffset> {
    let sign = match text.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = text[1..].chars().filter(|c| *c != ':').collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) || !matches!(digits.len(), 2 | 4) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = if digits.len() == 4 {
        digits[2..].parse().ok()?
    } else {
        0
    };
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

/// A front-matter `date` that is not a date.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("date {0:?} is not a date Jekyll understands")]
pub struct BadDate(pub String);

/// Reads a front-matter date. `Ok(None)` when there is no timestamp at all (`date:  +0800`,
/// as finews writes when its source had no time); `Err` when there is text that is not a date.
/// Read as [`parse_time`] reads it, then shown in the site's zone (Jekyll's `parse_date`:
/// Ruby's `Time.parse`, then `localtime`).
pub fn parse_front_matter_date(
    raw: &str,
    zone: &Zone,
) -> Result<Option<DateTime<FixedOffset>>, BadDate> {
    Ok(parse_time(raw, zone)?.map(|date| zone.show(date)))
}

/// Reads date text as Ruby's `Time.parse` does (Liquid's `date` filter hands it text): with
/// the offset it gives, else in the site's zone. `Ok(None)` for no timestamp at all, as in
/// [`parse_front_matter_date`].
pub fn parse_time(raw: &str, zone: &Zone) -> Result<Option<DateTime<FixedOffset>>, BadDate> {
    let text = raw.trim();
    if text.is_empty() || parse_offset(text).is_some() || text.eq_ignore_ascii_case("utc") {
        return Ok(None);
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Ok(Some(dt));
    }
    // Ruby's `Time.parse` reads e-mail dates too.
    if let Ok(dt) = DateTime::parse_from_rfc2822(text) {
        return Ok(Some(dt));
    }
    let (clock, offset) = split_trailing_offset(text);
    let naive = parse_naive(clock.trim())
        .or_else(|| parse_written(clock.trim()))
        .ok_or_else(|| BadDate(text.to_string()))?;
    Ok(Some(match offset {
        Some(offset) => fixed(&offset, naive),
        None => zone.localize(naive),
    }))
}

/// Reads a front-matter date as Jekyll's YAML reader does when the value is a plain scalar
/// (`plain`: not quoted): a YAML timestamp with seconds and no offset
/// (`2024-05-01 20:00:00`) is a time in UTC, shown in the site's zone (Ruby's Psych reads it
/// so; Jekyll then shows that instant where the site is: `2024-05-02 04:00:00 +0800`).
/// Quoted values, times without seconds and dates alone are the site's own local time, as
/// in [`parse_front_matter_date`].
pub fn parse_front_matter_date_as_yaml(
    raw: &str,
    zone: &Zone,
    plain: bool,
) -> Result<Option<DateTime<FixedOffset>>, BadDate> {
    let text = raw.trim();
    if plain && split_trailing_offset(text).1.is_none() {
        if let Some(naive) = yaml_timestamp(text) {
            return Ok(Some(zone.at_utc(naive)));
        }
    }
    parse_front_matter_date(raw, zone)
}

/// A YAML 1.1 timestamp with a time of day to the second (`2024-05-01 20:00:00`,
/// `2024-5-1t20:00:00.5`), which a YAML reader takes for a time, not text.
fn yaml_timestamp(text: &str) -> Option<NaiveDateTime> {
    let (day, clock) = text
        .split_once(['T', 't'])
        .or_else(|| text.split_once(char::is_whitespace))?;
    let clock = clock.trim_start();
    let seconds = clock.split(':').count() == 3;
    if !seconds || !day.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        return None;
    }
    let day = NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()?;
    let time = NaiveTime::parse_from_str(clock, "%H:%M:%S%.f").ok()?;
    Some(day.and_time(time))
}

/// Splits `2022-02-24 17:03:45 +0800` into the clock part and its offset (also `Z`, `UTC`
/// and `+08:00`, with or without a space before them).
fn split_trailing_offset(text: &str) -> (&str, Option<FixedOffset>) {
    for suffix in [" UTC", " Z", "Z"] {
        if let Some(clock) = text.strip_suffix(suffix) {
            return (clock, Some(utc()));
        }
    }
    // A zone's abbreviation, as Ruby's `Time.parse` knows it (`10:20:30 PST`).
    if let Some((clock, name)) = text.rsplit_once(' ') {
        if let Some(hours) = zone_abbreviation(name) {
            let offset = FixedOffset::east_opt((hours * 3600.0) as i32).expect("a real zone");
            return (clock, Some(offset));
        }
    }
    if let Some(position) = text.rfind(['+', '-']) {
        // A sign inside the date part (`2022-02-24`) is not an offset.
        if position > 10 {
            if let Some(offset) = parse_offset(text[position..].trim()) {
                return (&text[..position], Some(offset));
            }
        }
    }
    (text, None)
}

/// The offset in hours of the zone abbreviations Ruby's date parser reads (those of its zone
/// table that are in use: North America, Europe, Asia, Australia).
fn zone_abbreviation(name: &str) -> Option<f64> {
    const ZONES: &[(&str, f64)] = &[
        ("gmt", 0.0),
        ("ut", 0.0),
        ("est", -5.0),
        ("edt", -4.0),
        ("cst", -6.0),
        ("cdt", -5.0),
        ("mst", -7.0),
        ("mdt", -6.0),
        ("pst", -8.0),
        ("pdt", -7.0),
        ("akst", -9.0),
        ("akdt", -8.0),
        ("hst", -10.0),
        ("ast", -4.0),
        ("adt", -3.0),
        ("nst", -3.5),
        ("ndt", -2.5),
        ("wet", 0.0),
        ("west", 1.0),
        ("bst", 1.0),
        ("cet", 1.0),
        ("cest", 2.0),
        ("met", 1.0),
        ("mest", 2.0),
        ("eet", 2.0),
        ("eest", 3.0),
        ("msk", 3.0),
        ("ist", 5.5),
        ("hkt", 8.0),
        ("sgt", 8.0),
        ("jst", 9.0),
        ("kst", 9.0),
        ("awst", 8.0),
        ("acst", 9.5),
        ("aest", 10.0),
        ("aedt", 11.0),
        ("nzst", 12.0),
        ("nzdt", 13.0),
    ];
    ZONES
        .iter()
        .find(|(abbreviation, _)| name.eq_ignore_ascii_case(abbreviation))
        .map(|&(_, hours)| hours)
}

fn parse_naive(text: &str) -> Option<NaiveDateTime> {
    const WITH_TIME: &[&str] = &[
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
    ];
    WITH_TIME
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .or_else(|| {
            ["%Y-%m-%d", "%Y/%m/%d"].iter().find_map(|format| {
                NaiveDate::parse_from_str(text, format)
                    .ok()
                    .map(|date| date.and_time(NaiveTime::MIN))
            })
        })
}

/// A date as people write it, which Ruby's `Time.parse` (Jekyll's reader for date text)
/// understands: the month by name (`May 11, 2024`, `11 May 2024`, `Saturday, May 11th 2024
/// 10:30 PM`) or eight digits (`20240511`), with an optional time of day.
fn parse_written(text: &str) -> Option<NaiveDateTime> {
    if text.len() == 8 && text.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(text, "%Y%m%d")
            .ok()
            .map(|day| day.and_time(NaiveTime::MIN));
    }
    if !text.bytes().any(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    // Commas, a leading weekday and ordinal suffixes (`11th`) say nothing more.
    let mut words: Vec<String> = text
        .split([' ', ','])
        .filter(|word| !word.is_empty())
        .map(|word| {
            let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
            let suffix = &word[digits.len()..];
            let ordinal = ["st", "nd", "rd", "th"]
                .iter()
                .any(|s| suffix.eq_ignore_ascii_case(s));
            if ordinal && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                return digits.to_string();
            }
            // `8pm`, `8:30PM`: a time and its half of the day.
            let clock = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
            if !clock.is_empty()
                && clock.bytes().all(|b| b.is_ascii_digit() || b == b':')
                && ["am", "pm"]
                    .iter()
                    .any(|half| suffix.eq_ignore_ascii_case(half))
            {
                return format!("{clock} {suffix}");
            }
            // `Sept.`, `sept`, `SEPTEMBER`: the month's name.
            let bare = word.trim_end_matches('.');
            let bare = if bare.eq_ignore_ascii_case("sept") {
                "sep"
            } else {
                bare
            };
            match bare.parse::<chrono::Month>() {
                Ok(month) => month.name().to_string(),
                Err(_) => word.to_string(),
            }
        })
        .collect();
    let weekday = |word: &str| {
        word.trim_end_matches('.')
            .parse::<chrono::Weekday>()
            .is_ok()
    };
    if words.first().is_some_and(|word| weekday(word)) {
        words.remove(0);
    }
    // An hour alone before its half of the day (`8 pm`, and `8pm` made two words above) is
    // on the hour.
    let mut words: Vec<String> = words.join(" ").split(' ').map(String::from).collect();
    for at in 1..words.len() {
        let half = ["am", "pm"]
            .iter()
            .any(|h| words[at].eq_ignore_ascii_case(h));
        if half && words[at - 1].bytes().all(|b| b.is_ascii_digit()) {
            words[at - 1].push_str(":00");
        }
    }
    let text = words.join(" ");
    const DAYS: &[&str] = &["%B %d %Y", "%d %B %Y", "%Y %B %d"];
    const TIMES: &[&str] = &["", " %H:%M", " %H:%M:%S", " %I:%M %p", " %I:%M:%S %p"];
    DAYS.iter().find_map(|day| {
        TIMES.iter().find_map(|time| {
            let format = format!("{day}{time}");
            match *time {
                "" => NaiveDate::parse_from_str(&text, &format)
                    .ok()
                    .map(|day| day.and_time(NaiveTime::MIN)),
                _ => NaiveDateTime::parse_from_str(&text, &format).ok(),
            }
        })
    })
}

/// What Jekyll's YAML reader (Ruby's Psych) makes of a plain, unquoted scalar that is a YAML
/// timestamp: a date alone is a date; a time to the second is an instant — in UTC unless it
/// gives its offset (`Z` or `+08:00`) — which Jekyll shows in the site's zone when it gives
/// none (`2022-03-04 05:06:07` is `2022-03-03 21:06:07 -0800` in Los Angeles).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YamlTime {
    Date(NaiveDate),
    Time(DateTime<FixedOffset>),
}

/// `text` as a YAML timestamp ([`YamlTime`]), if it is one.
pub fn yaml_time(text: &str, zone: &Zone) -> Option<YamlTime> {
    let text = text.trim();
    let date_end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '-'))
        .unwrap_or(text.len());
    let mut parts = text[..date_end].split('-');
    let (Some(year), Some(month), Some(day), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let digits = |part: &str, sizes: std::ops::RangeInclusive<usize>| {
        sizes.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit())
    };
    if !(digits(year, 4..=4) && digits(month, 1..=2) && digits(day, 1..=2)) {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)?;
    let rest = &text[date_end..];
    if rest.is_empty() {
        return Some(YamlTime::Date(date));
    }
    let clock = rest
        .strip_prefix(['T', 't'])
        .or_else(|| rest.starts_with([' ', '\t']).then(|| rest.trim_start()))?;
    // The clock runs to the offset, if any: `Z`, or a sign (never the first character).
    let (clock, offset) = match clock.find(['Z', '+', '-']) {
        Some(at) => (clock[..at].trim_end(), Some(&clock[at..])),
        None => (clock, None),
    };
    let mut fields = clock.split(':');
    let (Some(hour), Some(minute), Some(second), None) =
        (fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return None;
    };
    let (whole, fraction) = second.split_once('.').unwrap_or((second, ""));
    if !(digits(hour, 1..=2)
        && digits(minute, 2..=2)
        && digits(whole, 2..=2)
        && fraction.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let nanos = format!("{fraction:0<9}")[..9].parse::<u32>().ok()?;
    let time = NaiveTime::from_hms_nano_opt(
        hour.parse().ok()?,
        minute.parse().ok()?,
        whole.parse().ok()?,
        nanos,
    )?;
    let naive = date.and_time(time);
    let instant = match offset {
        None => zone.at_utc(naive),
        Some("Z") => fixed(&utc(), naive),
        Some(offset) => {
            let (sign, digits_part) = offset.split_at(1);
            let (hours, minutes) = match digits_part.split_once(':') {
                Some((hours, minutes)) => (hours, minutes),
                None if digits_part.len() > 2 => digits_part.split_at(digits_part.len() - 2),
                None => (digits_part, "0"),
            };
            if !(digits(hours, 1..=2) && digits(minutes, 1..=2)) {
                return None;
            }
            let seconds = hours.parse::<i32>().ok()? * 3600 + minutes.parse::<i32>().ok()? * 60;
            let offset = FixedOffset::east_opt(if sign == "-" { -seconds } else { seconds })?;
            // Psych keeps a written offset (Jekyll converts only `date`, by `Time.parse`).
            fixed(&offset, naive)
        }
    };
    Some(YamlTime::Time(instant))
}

/// The date in a Jekyll post file name (`2022-02-24-slug.md` → 2022-02-24; month and day
/// may have one digit, `2020-1-8-slug`, as Jekyll's `DATE_FILENAME_MATCHER` allows).
pub fn date_from_file_name(file_stem: &str) -> Option<NaiveDate> {
    file_name_date_and_slug(file_stem).map(|(date, _)| date)
}

/// The date and the slug (what follows the date) of a Jekyll post file name without its
/// extension: `2020-1-8-multi-word` → (2020-01-08, `multi-word`).
pub fn file_name_date_and_slug(file_stem: &str) -> Option<(NaiveDate, &str)> {
    let mut parts = file_stem.splitn(4, '-');
    let mut number = |digits: std::ops::RangeInclusive<usize>| {
        let part = parts.next()?;
        (digits.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse::<u32>().ok())
            .flatten()
    };
    let (year, month, day) = (number(4..=4)?, number(1..=2)?, number(1..=2)?);
    let slug = parts.next()?;
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    Some((date, slug))
}

/// RFC 3339 with the date's own offset and whole seconds: `2022-02-24T17:03:45+08:00`.
pub fn to_rfc3339(date: &DateTime<FixedOffset>) -> String {
    date.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shanghai() -> Zone {
        "Asia/Shanghai".parse().unwrap()
    }

    fn read(raw: &str, zone: &Zone) -> Option<String> {
        parse_front_matter_date(raw, zone)
            .unwrap()
            .map(|d| to_rfc3339(&d))
    }

    /// Checked with Jekyll 4.3.1 (Debian): `date: 2021-12-01 13:33:50` in a site of
    /// Asia/Shanghai is `2021-12-01 21:33:50 +0800`, the same quoted is `13:33:50 +0800`.
    #[test]
    fn a_plain_yaml_timestamp_is_utc_shown_in_the_sites_zone() {
        let zone: Zone = "Asia/Shanghai".parse().unwrap();
        let read = |raw: &str, plain: bool| {
            parse_front_matter_date_as_yaml(raw, &zone, plain)
                .unwrap()
                .map(|d| d.to_rfc3339())
        };
        assert_eq!(
            read("2021-12-01 13:33:50", true).as_deref(),
            Some("2021-12-01T21:33:50+08:00")
        );
        assert_eq!(
            read("2021-12-01T13:33:50.5", true).as_deref(),
            Some("2021-12-01T21:33:50.500+08:00")
        );
        // Quoted, without seconds, with an offset, a date alone: the site's local time.
        for (raw, plain, local) in [
            ("2021-12-01 13:33:50", false, "2021-12-01T13:33:50+08:00"),
            ("2021-12-01 13:33", true, "2021-12-01T13:33:00+08:00"),
            (
                "2021-12-01 13:33:50 +0800",
                true,
                "2021-12-01T13:33:50+08:00",
            ),
            ("2021-12-01", true, "2021-12-01T00:00:00+08:00"),
        ] {
            assert_eq!(read(raw, plain).as_deref(), Some(local), "{raw}");
        }
        let new_york: Zone = "America/New_York".parse().unwrap();
        let date = parse_front_matter_date_as_yaml("2022-03-08 12:00:00", &new_york, true);
        assert_eq!(
            date.unwrap().unwrap().to_rfc3339(),
            "2022-03-08T07:00:00-05:00"
        );
    }

    /// Checked with Jekyll 4.3.1 (Debian), a site without `timezone` on a UTC machine (as a site
    /// whose `timezone` is UTC):
    /// `2022-02-24 02:03:45 +0800`, quoted RFC 3339 or an e-mail date, is the post of
    /// 2022-02-23 (`_site/2022/02/23/…`), its `page.date` `2022-02-23 18:03:45 +0000`.
    #[test]
    fn a_date_with_an_offset_is_that_instant_in_the_sites_zone() {
        for raw in [
            "2022-02-24 02:03:45 +0800",
            "2022-02-24T02:03:45+08:00",
            "Thu, 24 Feb 2022 02:03:45 +0800",
        ] {
            assert_eq!(
                read(raw, &"UTC".parse().unwrap()).as_deref(),
                Some("2022-02-23T18:03:45+00:00"),
                "{raw}"
            );
            // No zone given: the date keeps its offset.
            assert_eq!(
                read(raw, &Zone::Unset).as_deref(),
                Some("2022-02-24T02:03:45+08:00"),
                "{raw}"
            );
            assert_eq!(
                read(raw, &shanghai()).as_deref(),
                Some("2022-02-24T02:03:45+08:00"),
                "{raw}"
            );
        }
        let new_york: Zone = "America/New_York".parse().unwrap();
        assert_eq!(
            read(
                "2020-12-31 23:30:00 -0500",
                &"Europe/London".parse().unwrap()
            )
            .as_deref(),
            Some("2021-01-01T04:30:00+00:00")
        );
        assert_eq!(
            read("2022-07-01 12:00 Z", &new_york).as_deref(),
            Some("2022-07-01T08:00:00-04:00")
        );
    }

    #[test]
    fn a_date_without_an_offset_is_in_the_site_zone() {
        assert_eq!(
            read("2021-12-08 10:46:18", &shanghai()).as_deref(),
            Some("2021-12-08T10:46:18+08:00")
        );
        assert_eq!(
            read("2021-12-08 10:46:18", &Zone::default()).as_deref(),
            Some("2021-12-08T10:46:18+00:00")
        );
    }

    #[test]
    fn a_bare_day_is_midnight() {
        assert_eq!(
            read("2021-12-08", &shanghai()).as_deref(),
            Some("2021-12-08T00:00:00+08:00")
        );
    }

    #[test]
    fn an_offset_alone_is_no_date() {
        assert_eq!(read(" +0800", &shanghai()), None);
        assert_eq!(read("", &shanghai()), None);
    }

    #[test]
    fn dates_written_out_are_read_as_rubys_time_parse_reads_them() {
        let zone = shanghai();
        for (raw, expected) in [
            ("May 11, 2024", "2024-05-11T00:00:00+08:00"),
            ("11 May 2024 10:30", "2024-05-11T10:30:00+08:00"),
            (
                "Saturday, May 11th, 2024 10:30 PM",
                "2024-05-11T22:30:00+08:00",
            ),
            ("Sept. 1 2024", "2024-09-01T00:00:00+08:00"),
            ("1 SEPTEMBER 2024", "2024-09-01T00:00:00+08:00"),
            ("Dec 3 2024 9:05:07 am +0000", "2024-12-03T17:05:07+08:00"),
            (
                "Sat, 11 May 2024 10:30:00 +0800",
                "2024-05-11T10:30:00+08:00",
            ),
            ("Tue, 1 Jul 2003 10:52:37 GMT", "2003-07-01T18:52:37+08:00"),
            ("20240511", "2024-05-11T00:00:00+08:00"),
            ("April 9, 2021 8pm", "2021-04-09T20:00:00+08:00"),
            ("April 9, 2021 8:30PM", "2021-04-09T20:30:00+08:00"),
            ("2021-04-10 10:20:30 PST", "2021-04-11T02:20:30+08:00"),
            ("Apr 10 2021 10:20 EDT", "2021-04-10T22:20:00+08:00"),
        ] {
            assert_eq!(read(raw, &zone).as_deref(), Some(expected), "{raw}");
        }
        for bad in ["May 32, 2024", "Someday 2024", "20241340", "Mayday 11 2024"] {
            assert!(
                parse_front_matter_date(bad, &zone).is_err(),
                "{bad} is not a date"
            );
        }
    }

    #[test]
    fn nonsense_is_an_error() {
        assert_eq!(
            parse_front_matter_date("yesterday", &shanghai()),
            Err(BadDate("yesterday".into()))
        );
    }

    #[test]
    fn daylight_saving_zones_use_the_offset_of_that_day() {
        let new_york: Zone = "America/New_York".parse().unwrap();
        assert_eq!(
            read("2022-07-01 12:00:00", &new_york).as_deref(),
            Some("2022-07-01T12:00:00-04:00")
        );
        assert_eq!(
            read("2022-01-01 12:00:00", &new_york).as_deref(),
            Some("2022-01-01T12:00:00-05:00")
        );
    }

    #[test]
    fn zones_parse_from_names_and_offsets() {
        assert_eq!("+08:00".parse::<Zone>().unwrap(), "+0800".parse().unwrap());
        assert!("Mars/Olympus".parse::<Zone>().is_err());
    }

    #[test]
    fn file_names_give_dates() {
        assert_eq!(
            date_from_file_name("2022-02-24-202202242288124890"),
            NaiveDate::from_ymd_opt(2022, 2, 24)
        );
        assert_eq!(date_from_file_name("-202205262391921712"), None);
        assert_eq!(date_from_file_name("2022-13-40-x"), None);
        assert_eq!(
            file_name_date_and_slug("2020-1-8-multi-word"),
            Some((NaiveDate::from_ymd_opt(2020, 1, 8).unwrap(), "multi-word"))
        );
        for not_dated in [
            "2020-001-8-x",
            "20-01-08-x",
            "2020-01-08",
            "2020-1-x-y",
            "about",
        ] {
            assert_eq!(date_from_file_name(not_dated), None, "{not_dated}");
        }
    }

    #[test]
    fn plain_yaml_timestamps_are_read_as_psych_reads_them() {
        // Checked with Jekyll 4.3.1 (`{{ page.x }}` of each, site in Los Angeles).
        let los_angeles: Zone = "America/Los_Angeles".parse().unwrap();
        let time = |text: &str| match yaml_time(text, &los_angeles) {
            Some(YamlTime::Time(instant)) => {
                Some(instant.format("%Y-%m-%d %H:%M:%S%.f %z").to_string())
            }
            other => panic!("{text}: {other:?}"),
        };
        assert_eq!(
            yaml_time("2022-03-04", &los_angeles),
            Some(YamlTime::Date(NaiveDate::from_ymd_opt(2022, 3, 4).unwrap()))
        );
        assert_eq!(
            time("2022-03-04 05:06:07").as_deref(),
            Some("2022-03-03 21:06:07 -0800")
        );
        assert_eq!(
            time("2022-03-04 05:06:07.5").as_deref(),
            Some("2022-03-03 21:06:07.500 -0800")
        );
        assert_eq!(
            time("2022-03-04 05:06:07 +0800").as_deref(),
            Some("2022-03-04 05:06:07 +0800")
        );
        assert_eq!(
            time("2022-03-04T05:06:07Z").as_deref(),
            Some("2022-03-04 05:06:07 +0000")
        );
        assert_eq!(
            time("2022-3-4t5:06:07-05:30").as_deref(),
            Some("2022-03-04 05:06:07 -0530")
        );
        // Text to YAML: no seconds, a word, a date out of the calendar.
        for text in [
            "2022-03-04 05:06",
            "2022-03-04x",
            "March 4, 2022",
            "2022-13-04",
            "22-03-04",
            "1650000000",
        ] {
            assert_eq!(yaml_time(text, &los_angeles), None, "{text}");
        }
    }
}
