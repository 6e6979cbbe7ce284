//! Liquid's `date` filter and Jekyll's `date_to_string`, `date_to_long_string`,
//! `date_to_xmlschema` and `date_to_rfc822`, reading their input as Ruby's Liquid does
//! (`Utils.to_date`): a date or time as it is; a whole number (or text that is one) as
//! seconds since 1970; `"now"` and `"today"` as the build's clock; any other text as Ruby's
//! `Time.parse` reads it ([`crate::post_date`], the builder's own reader of front-matter
//! dates: `2022-01-05`, `January 5, 2022`, `2022-01-05 10:30`, ISO with `Z`, e-mail dates),
//! the site's local time when it gives no offset. What is no date is returned unchanged, as
//! Liquid returns it. Jekyll's `date_to_*` show the time in the site's zone, as Ruby's
//! `Time#localtime` does where Jekyll sets the zone.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use liquid_core::model::{Value, ValueView};
use liquid_core::{
    Display_filter, Expression, Filter, FilterParameters, FilterReflection, FromFilterParameters,
    ParseFilter, Result, Runtime,
};

use super::ruby_text::{kind, Kind};
use super::runtime::SiteClock;
use crate::post_date::Zone;

/// A moment a date filter writes: a time with its offset, or a date alone (Ruby's `Date`,
/// which `strftime` writes as midnight at offset zero).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Moment {
    Time(DateTime<FixedOffset>),
    Day(NaiveDate),
}

impl Moment {
    /// As Ruby's `to_time.localtime` gives it for Jekyll: the time in the site's zone (a date
    /// alone is its local midnight).
    fn local(self, zone: &Zone) -> DateTime<FixedOffset> {
        match self {
            Moment::Time(time) => zone.at_utc(time.naive_utc()),
            Moment::Day(day) => zone.localize(day.and_time(NaiveTime::MIN)),
        }
    }

    /// Ruby's `strftime`, with the engine's implementation of it (flags such as `%-d` and
    /// `%^b` included), and `%Z` as the zone's abbreviation (`PST`) where the time is the
    /// site's local time.
    fn strftime(self, format: &str, zone: &Zone) -> Option<String> {
        let time = match self {
            Moment::Time(time) => time,
            Moment::Day(day) => FixedOffset::east_opt(0)?
                .from_local_datetime(&day.and_time(NaiveTime::MIN))
                .single()?,
        };
        let format = match (self, zone) {
            (Moment::Time(_), Zone::Named(tz)) if format.contains("%Z") => {
                use chrono::Offset;
                use chrono_tz::OffsetName;
                let local = tz.offset_from_utc_datetime(&time.naive_utc());
                match local.abbreviation() {
                    Some(name) if local.fix() == *time.offset() => {
                        std::borrow::Cow::Owned(format.replace("%Z", name))
                    }
                    _ => std::borrow::Cow::Borrowed(format),
                }
            }
            _ => std::borrow::Cow::Borrowed(format),
        };
        liquid_date_time(&time)?.format(&format).ok()
    }
}

/// A time as the engine's date-time (whole seconds).
pub(super) fn liquid_date_time(
    time: &DateTime<FixedOffset>,
) -> Option<liquid_core::model::DateTime> {
    liquid_core::model::DateTime::from_str(&time.format("%Y-%m-%d %H:%M:%S %z").to_string())
}

/// Liquid's `Utils.to_date`: the moment `input` stands for, if it stands for one.
pub(super) fn moment_of(input: &dyn ValueView, clock: &SiteClock) -> Option<Moment> {
    let scalar = input.as_scalar()?;
    match kind(&scalar) {
        Kind::DateTime => {
            let time = scalar.to_date_time()?;
            let offset = FixedOffset::east_opt(time.offset().whole_seconds())?;
            let utc = DateTime::from_timestamp(time.unix_timestamp(), time.nanosecond())?;
            Some(Moment::Time(utc.with_timezone(&offset)))
        }
        Kind::Date => {
            let day = scalar.to_date()?;
            NaiveDate::from_ymd_opt(day.year(), u32::from(day.month()), u32::from(day.day()))
                .map(Moment::Day)
        }
        Kind::Integer => seconds_since_1970(scalar.to_integer()?, &clock.zone),
        Kind::Text => {
            let text = scalar.to_kstr();
            let text = text.as_str();
            if text.is_empty() {
                return None;
            }
            if text.eq_ignore_ascii_case("now") || text.eq_ignore_ascii_case("today") {
                let now = clock
                    .now
                    .unwrap_or_else(|| chrono::Utc::now().fixed_offset());
                return Some(Moment::Time(clock.zone.at_utc(now.naive_utc())));
            }
            if text.bytes().all(|b| b.is_ascii_digit()) {
                return seconds_since_1970(text.parse().ok()?, &clock.zone);
            }
            crate::post_date::parse_time(text, &clock.zone)
                .ok()
                .flatten()
                .map(Moment::Time)
        }
        Kind::Float | Kind::Bool => None,
    }
}

/// Ruby's `Time.at(seconds)`: that instant, in the site's zone.
fn seconds_since_1970(seconds: i64, zone: &Zone) -> Option<Moment> {
    let utc = DateTime::from_timestamp(seconds, 0)?;
    Some(Moment::Time(zone.at_utc(utc.naive_utc())))
}

fn clock(runtime: &dyn Runtime) -> std::cell::RefMut<'_, SiteClock> {
    runtime.registers().get_mut::<SiteClock>()
}

#[derive(Debug, FilterParameters)]
struct DateArgs {
    #[parameter(description = "The strftime format.", arg_type = "str")]
    format: Option<Expression>,
}

#[derive(Clone, ParseFilter, FilterReflection)]
#[filter(
    name = "date",
    description = "A date written with a strftime format.",
    parameters(DateArgs),
    parsed(DateFilter)
)]
pub(super) struct Date;

#[derive(Debug, FromFilterParameters, Display_filter)]
#[name = "date"]
struct DateFilter {
    #[parameters]
    args: DateArgs,
}

impl Filter for DateFilter {
    fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> Result<Value> {
        let args = self.args.evaluate(runtime)?;
        let format = args.format.as_deref().unwrap_or("");
        if format.is_empty() {
            return Ok(input.to_value());
        }
        let clock = clock(runtime);
        Ok(match moment_of(input, &clock) {
            Some(moment) => moment
                .strftime(format, &clock.zone)
                .map_or_else(|| input.to_value(), Value::scalar),
            None => input.to_value(),
        })
    }
}

/// Jekyll's `time(input)`: the moment in the site's zone, if `input` is one.
fn jekyll_time(input: &dyn ValueView, runtime: &dyn Runtime) -> Option<DateTime<FixedOffset>> {
    let clock = clock(runtime);
    moment_of(input, &clock).map(|moment| moment.local(&clock.zone))
}

fn ordinal_suffix(day: u32) -> &'static str {
    match (day % 10, day % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    }
}

/// Jekyll's `date_to_string` (`%d %b %Y`) and `date_to_long_string` (`%d %B %Y`), with the
/// `"ordinal"` type and the `"US"` style.
fn stringify_date(
    time: &DateTime<FixedOffset>,
    month: &str,
    kind: Option<&str>,
    style: Option<&str>,
) -> String {
    use chrono::Datelike;
    if kind == Some("ordinal") {
        let day = format!("{}{}", time.day(), ordinal_suffix(time.day()));
        let format = if style == Some("US") {
            format!("{month} {day}, %Y")
        } else {
            format!("{day} {month} %Y")
        };
        return time.format(&format).to_string();
    }
    time.format(&format!("%d {month} %Y")).to_string()
}

#[derive(Debug, FilterParameters)]
struct DateStringArgs {
    #[parameter(description = "\"ordinal\" for 7th instead of 07.", arg_type = "str")]
    kind: Option<Expression>,
    #[parameter(description = "\"US\" for Nov 7th, 2008.", arg_type = "str")]
    style: Option<Expression>,
}

#[derive(Clone, ParseFilter, FilterReflection)]
#[filter(
    name = "date_to_string",
    description = "A date as 07 Nov 2008.",
    parameters(DateStringArgs),
    parsed(DateToStringFilter)
)]
pub(super) struct DateToString;

#[derive(Debug, FromFilterParameters, Display_filter)]
#[name = "date_to_string"]
struct DateToStringFilter {
    #[parameters]
    args: DateStringArgs,
}

impl Filter for DateToStringFilter {
    fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> Result<Value> {
        let args = self.args.evaluate(runtime)?;
        Ok(match jekyll_time(input, runtime) {
            Some(time) => Value::scalar(stringify_date(
                &time,
                "%b",
                args.kind.as_deref(),
                args.style.as_deref(),
            )),
            None => input.to_value(),
        })
    }
}

#[derive(Clone, ParseFilter, FilterReflection)]
#[filter(
    name = "date_to_long_string",
    description = "A date as 07 November 2008.",
    parameters(DateStringArgs),
    parsed(DateToLongStringFilter)
)]
pub(super) struct DateToLongString;

#[derive(Debug, FromFilterParameters, Display_filter)]
#[name = "date_to_long_string"]
struct DateToLongStringFilter {
    #[parameters]
    args: DateStringArgs,
}

impl Filter for DateToLongStringFilter {
    fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> Result<Value> {
        let args = self.args.evaluate(runtime)?;
        Ok(match jekyll_time(input, runtime) {
            Some(time) => Value::scalar(stringify_date(
                &time,
                "%B",
                args.kind.as_deref(),
                args.style.as_deref(),
            )),
            None => input.to_value(),
        })
    }
}

/// A filter that writes Jekyll's `time(input)` with a fixed chrono format.
macro_rules! fixed_format_filter {
    ($parse:ident, $filter:ident, $name:literal, $description:literal, $format:literal) => {
        #[derive(Clone, ParseFilter, FilterReflection)]
        #[filter(name = $name, description = $description, parsed($filter))]
        pub(super) struct $parse;

        #[derive(Debug, Default, Display_filter)]
        #[name = $name]
        struct $filter;

        impl Filter for $filter {
            fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> Result<Value> {
                Ok(match jekyll_time(input, runtime) {
                    Some(time) => Value::scalar(time.format($format).to_string()),
                    None => input.to_value(),
                })
            }
        }
    };
}

fixed_format_filter!(
    DateToXmlschema,
    DateToXmlschemaFilter,
    "date_to_xmlschema",
    "A date in ISO 8601.",
    "%Y-%m-%dT%H:%M:%S%:z"
);

fixed_format_filter!(
    DateToRfc822,
    DateToRfc822Filter,
    "date_to_rfc822",
    "A date in RFC 822.",
    "%a, %d %b %Y %H:%M:%S %z"
);
