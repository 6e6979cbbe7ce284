//! Jekyll's `permalink` setting read backwards: which post an old URL of the site named.
//!
//! A post's page on a Jekyll site is at the path its `permalink` makes of the post's date,
//! categories and name (`/:categories/:year/:month/:day/:title:output_ext` by default;
//! `pretty`, `ordinal`, `weekdate`, `none` or any pattern in `_config.yml`). A link in a post
//! to another post is written with that path; in the archive it should open the post. The
//! date in the path is the post's date in the site's zone, which may be a day off its file
//! name's (a post written at 23:30 in another zone), and some patterns name only the year
//! and month: the file names that could be meant are tried against the site's posts.

use chrono::{Days, NaiveDate, Weekday};

/// A `permalink` setting, parsed: its path segments, each a template of literal text and
/// fields (`:year`, `:title`…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permalink {
    segments: Vec<Vec<Piece>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Field(String),
}

/// What a path matched to a permalink says of its post.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Fields {
    year: Option<i32>,
    month: Option<u32>,
    day: Option<u32>,
    year_day: Option<u32>,
    week: Option<u32>,
    weekday: Option<Weekday>,
    slug: Option<String>,
}

/// The most file names tried for one path (a pattern with only the year: every day of it).
const MAX_CANDIDATES: usize = 3 * 366;

impl Default for Permalink {
    /// Jekyll's default (`date`).
    fn default() -> Self {
        Permalink::new("")
    }
}

impl Permalink {
    /// The setting as `_config.yml` writes it: a style's name or a pattern; empty is Jekyll's
    /// default (`date`).
    pub fn new(setting: &str) -> Permalink {
        let pattern = match setting.trim() {
            "" | "date" => "/:categories/:year/:month/:day/:title:output_ext",
            "pretty" => "/:categories/:year/:month/:day/:title/",
            "ordinal" => "/:categories/:year/:y_day/:title:output_ext",
            "weekdate" => "/:categories/:year/W:week/:short_day/:title:output_ext",
            "none" => "/:categories/:title:output_ext",
            pattern => pattern,
        };
        let segments = pattern
            .split('/')
            .filter(|segment| !segment.is_empty())
            .map(pieces)
            .collect();
        Permalink { segments }
    }

    /// The post file names (without extension: `2020-05-03-hello`) `path` could have come
    /// from under this permalink, most likely first: the date in the path, then the day
    /// before and after it (a zone's difference), or every day of the month or year the
    /// pattern leaves open. `path` is decoded, without the site's `baseurl`.
    pub fn candidates(&self, path: &str) -> Vec<String> {
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let segments = match segments.split_last() {
            Some((&"index.html", rest)) => rest,
            _ => &segments[..],
        };
        let Some(fields) = self.fields_of(segments) else {
            return Vec::new();
        };
        let Some(slug) = fields.slug.as_deref().filter(|slug| !slug.is_empty()) else {
            return Vec::new();
        };
        let dates = dates_of(&fields);
        dates
            .into_iter()
            .take(MAX_CANDIDATES)
            .map(|date| format!("{}-{slug}", date.format("%Y-%m-%d")))
            .collect()
    }

    /// Matches the path's segments to the pattern's: a `:categories` segment takes any number
    /// of them (none included), every other pattern segment one.
    fn fields_of(&self, segments: &[&str]) -> Option<Fields> {
        let is_categories =
            |pieces: &[Piece]| matches!(pieces, [Piece::Field(name)] if name == "categories");
        let spread = self.segments.iter().position(|p| is_categories(p));
        let fixed = self.segments.len() - usize::from(spread.is_some());
        let extra = segments.len().checked_sub(fixed)?;
        if spread.is_none() && extra > 0 {
            return None;
        }
        let mut fields = Fields::default();
        let mut at = 0;
        for (index, pieces) in self.segments.iter().enumerate() {
            if Some(index) == spread {
                at += extra;
                continue;
            }
            if !match_pieces(pieces, segments[at], &mut fields) {
                return None;
            }
            at += 1;
        }
        Some(fields)
    }
}

/// A segment's template: `W:week` is the text `W` and the field `week`.
fn pieces(segment: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut rest = segment;
    while !rest.is_empty() {
        match rest.find(':') {
            Some(0) => {
                let name_len = rest[1..]
                    .find(|c: char| !(c.is_ascii_lowercase() || c == '_'))
                    .unwrap_or(rest.len() - 1);
                if name_len == 0 {
                    pieces.push(Piece::Text(":".into()));
                    rest = &rest[1..];
                } else {
                    pieces.push(Piece::Field(rest[1..=name_len].into()));
                    rest = &rest[1 + name_len..];
                }
            }
            Some(colon) => {
                pieces.push(Piece::Text(rest[..colon].into()));
                rest = &rest[colon..];
            }
            None => {
                pieces.push(Piece::Text(rest.into()));
                rest = "";
            }
        }
    }
    pieces
}

/// Whether `text` is what `pieces` write, noting the fields' values (the shortest text a
/// free field can take first, so that `:title:output_ext` reads `x.html` as `x`).
fn match_pieces(pieces: &[Piece], text: &str, fields: &mut Fields) -> bool {
    let Some((first, rest)) = pieces.split_first() else {
        return text.is_empty();
    };
    match first {
        Piece::Text(literal) => text
            .strip_prefix(literal.as_str())
            .is_some_and(|after| match_pieces(rest, after, fields)),
        Piece::Field(name) => {
            for end in field_ends(name, text) {
                let mut tried = fields.clone();
                if note(name, &text[..end], &mut tried)
                    && match_pieces(rest, &text[end..], &mut tried)
                {
                    *fields = tried;
                    return true;
                }
            }
            false
        }
    }
}

/// The lengths of `text`'s prefixes a field may take, in the order to try them.
fn field_ends(name: &str, text: &str) -> Vec<usize> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let letters = text.bytes().take_while(u8::is_ascii_alphabetic).count();
    let fixed = |len: usize| if digits >= len { vec![len] } else { Vec::new() };
    match name {
        "year" | "w_year" => fixed(4),
        "month" | "day" | "hour" | "minute" | "second" | "short_year" | "week" => fixed(2),
        "y_day" => fixed(3),
        "w_day" => fixed(1),
        "i_month" | "i_day" => (1..=digits.min(2)).rev().collect(),
        "short_day" | "short_month" => {
            if letters >= 3 {
                vec![3]
            } else {
                Vec::new()
            }
        }
        "long_day" | "long_month" => (3..=letters).rev().collect(),
        "output_ext" => {
            let mut ends = Vec::new();
            if text.starts_with(".html") {
                ends.push(5);
            }
            ends.push(0); // a server that answers `/x` for `/x.html`
            ends
        }
        // `:title`, `:slug`, `:name`, `:categories` inside a segment, and fields unknown:
        // any text, the shortest first (char boundaries only).
        _ => text
            .char_indices()
            .map(|(at, c)| at + c.len_utf8())
            .collect(),
    }
}

/// Notes a field's text; `false` when it cannot be that field.
fn note(name: &str, text: &str, fields: &mut Fields) -> bool {
    /// Sets a field to what was read, and says whether anything was.
    fn read<T>(field: &mut Option<T>, value: Option<T>) -> bool {
        *field = value;
        field.is_some()
    }
    let number = || text.parse::<u32>().ok();
    match name {
        "year" => read(&mut fields.year, text.parse().ok()),
        "short_year" => read(
            &mut fields.year,
            number().map(|yy| if yy < 70 { 2000 + yy } else { 1900 + yy } as i32),
        ),
        "month" | "i_month" => read(&mut fields.month, number().filter(|m| (1..=12).contains(m))),
        "short_month" | "long_month" => read(&mut fields.month, month_named(text)),
        "day" | "i_day" => read(&mut fields.day, number().filter(|d| (1..=31).contains(d))),
        "y_day" => read(
            &mut fields.year_day,
            number().filter(|d| (1..=366).contains(d)),
        ),
        "week" => read(&mut fields.week, number().filter(|w| (1..=53).contains(w))),
        "short_day" | "long_day" => read(
            &mut fields.weekday,
            text.get(..3).and_then(|d| d.parse().ok()),
        ),
        "w_day" => read(
            &mut fields.weekday,
            // `%u`: Monday 1 … Sunday 7 (chrono's numbers run from Monday 0).
            number()
                .filter(|d| (1..=7).contains(d))
                .and_then(|d| Weekday::try_from(d as u8 - 1).ok()),
        ),
        "title" | "slug" | "name" => {
            fields.slug = Some(text.to_string());
            true
        }
        _ => true,
    }
}

fn month_named(text: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let lower = text.to_ascii_lowercase();
    let at = MONTHS.iter().position(|m| lower.starts_with(m))?;
    Some(at as u32 + 1)
}

/// The dates a post of `fields` may have in its file name, most likely first.
fn dates_of(fields: &Fields) -> Vec<NaiveDate> {
    let Some(year) = fields.year else {
        return Vec::new();
    };
    let exact = match (fields.month, fields.day, fields.year_day, fields.week) {
        (Some(month), Some(day), _, _) => NaiveDate::from_ymd_opt(year, month, day),
        (_, _, Some(year_day), _) => NaiveDate::from_yo_opt(year, year_day),
        (_, _, _, Some(week)) => fields
            .weekday
            .and_then(|weekday| NaiveDate::from_isoywd_opt(year, week, weekday)),
        (Some(month), None, _, _) => {
            return (1..=31)
                .filter_map(|day| NaiveDate::from_ymd_opt(year, month, day))
                .collect()
        }
        (None, ..) => {
            return (1..=366)
                .filter_map(|day| NaiveDate::from_yo_opt(year, day))
                .collect()
        }
    };
    let Some(date) = exact else {
        return Vec::new();
    };
    // The file name's date is the post's own; the URL's is in the site's zone.
    let mut dates = vec![date];
    dates.extend(date.checked_sub_days(Days::new(1)));
    dates.extend(date.checked_add_days(Days::new(1)));
    dates
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(permalink: &str, path: &str) -> Option<String> {
        Permalink::new(permalink)
            .candidates(path)
            .into_iter()
            .next()
    }

    #[test]
    fn the_styles_and_patterns_are_read_backwards() {
        let cases = [
            ("", "/news/2020/05/03/hello.html", "2020-05-03-hello"),
            ("date", "/2020/05/03/hello.html", "2020-05-03-hello"),
            ("date", "/a/b/2020/05/03/hello", "2020-05-03-hello"),
            ("pretty", "/news/2020/05/03/hello/", "2020-05-03-hello"),
            ("pretty", "/2020/05/03/hello/index.html", "2020-05-03-hello"),
            ("ordinal", "/2020/124/hello.html", "2020-05-03-hello"),
            ("weekdate", "/2020/W18/Sun/hello.html", "2020-05-03-hello"),
            (
                "/:year/W:week/:w_day/:title/",
                "/2020/W18/7/hello/",
                "2020-05-03-hello",
            ),
            (
                "/:year/W:week/:w_day/:title/",
                "/2020/W19/1/hello/",
                "2020-05-04-hello",
            ),
            (
                "/:year/:month/:day/:title/",
                "/2020/05/03/hello/",
                "2020-05-03-hello",
            ),
            (
                "/blog/:year-:month-:day-:title.html",
                "/blog/2020-05-03-hello.html",
                "2020-05-03-hello",
            ),
            (
                "/:year/:i_month/:i_day/:slug",
                "/2020/5/3/hello",
                "2020-05-03-hello",
            ),
            (
                "/:short_year/:short_month/:day/:title",
                "/20/May/03/hello",
                "2020-05-03-hello",
            ),
            (
                "/:categories/:title-:year:month:day.html",
                "/x/a-b-20200503.html",
                "2020-05-03-a-b",
            ),
            ("date", "/2020/05/03/你好.html", "2020-05-03-你好"),
        ];
        for (permalink, path, id) in cases {
            assert_eq!(
                first(permalink, path).as_deref(),
                Some(id),
                "{permalink} {path}"
            );
        }
    }

    #[test]
    fn a_day_either_side_and_open_months_are_tried() {
        let permalink = Permalink::new("date");
        assert_eq!(
            permalink.candidates("/2021/01/01/x.html"),
            ["2021-01-01-x", "2020-12-31-x", "2021-01-02-x"]
        );
        let month = Permalink::new("/:year/:month/:title/").candidates("/2020/02/x/");
        assert_eq!(month.len(), 29);
        assert_eq!(month[0], "2020-02-01-x");
        let year = Permalink::new("/:year/:title.html").candidates("/2021/x.html");
        assert_eq!(year.len(), 365);
    }

    #[test]
    fn paths_of_other_shapes_name_no_post() {
        for (permalink, path) in [
            ("date", "/about/"),
            ("date", "/2020/13/03/x.html"),
            ("date", "/2020/05/03/"),
            ("/:year/:month/:day/:title/", "/news/2020/05/03/x/"),
            ("/:title/", "/x/"),
            ("none", "/a/b.html"),
        ] {
            assert_eq!(first(permalink, path), None, "{permalink} {path}");
        }
    }
}
