//! Values as text the way Ruby writes them for Jekyll's Liquid: `{{ }}` writes an array's
//! items joined and anything else with `to_s`, which writes a float with its decimal point
//! (`3.0`, `1.0e+16`) and a hash or an array as `inspect` does (`{"a"=>1}`, `["a", nil]`).
//! The engine writes `3` and a hash's keys and values run together, in no fixed order.
//! Objects' keys come in [`entries`] order.

use liquid_core::model::{ScalarCow, ValueView};

use super::values::entries;

/// The kinds of scalar, as the engine names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Integer,
    Float,
    Bool,
    DateTime,
    Date,
    Text,
}

pub(super) fn kind(scalar: &ScalarCow<'_>) -> Kind {
    match scalar.type_name() {
        "whole number" => Kind::Integer,
        "fractional number" => Kind::Float,
        "boolean" => Kind::Bool,
        "date time" => Kind::DateTime,
        "date" => Kind::Date,
        _ => Kind::Text,
    }
}

/// Ruby's `Float#to_s`: the shortest digits that read back as the same float, with a decimal
/// point always, in exponent form from 10^16 on (and from 10^15 when there is no fraction)
/// and below 10^-4.
pub(super) fn float_to_s(value: f64) -> String {
    if value.is_nan() {
        return "NaN".into();
    }
    if value.is_infinite() {
        return if value > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if value == 0.0 {
        return if value.is_sign_negative() {
            "-0.0"
        } else {
            "0.0"
        }
        .into();
    }
    // `{:e}` writes the shortest digits: `1.2345e3`.
    let scientific = format!("{:e}", value.abs());
    let (mantissa, exponent) = scientific
        .split_once('e')
        .expect("a float in exponent form has an `e`");
    let exponent: i32 = exponent.parse().expect("an exponent is an integer");
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    // Where the point goes, counted from the first digit: 1.5e3 has 4 digits before it.
    let point = exponent + 1;
    let sign = if value < 0.0 { "-" } else { "" };
    let count = digits.len() as i32;
    let fixed = if point > 0 {
        point <= 15 || point < count
    } else {
        point > -4
    };
    if !fixed {
        let (first, rest) = digits.split_at(1);
        let rest = if rest.is_empty() { "0" } else { rest };
        let exponent_sign = if exponent < 0 { '-' } else { '+' };
        return format!("{sign}{first}.{rest}e{exponent_sign}{:02}", exponent.abs());
    }
    if point <= 0 {
        return format!(
            "{sign}0.{}{digits}",
            "0".repeat(point.unsigned_abs() as usize)
        );
    }
    let point = point as usize;
    if point >= digits.len() {
        format!("{sign}{digits}{}.0", "0".repeat(point - digits.len()))
    } else {
        format!("{sign}{}.{}", &digits[..point], &digits[point..])
    }
}

/// A scalar's text, as Ruby's `to_s` writes it.
pub(super) fn scalar_to_s(scalar: &ScalarCow<'_>) -> String {
    match kind(scalar) {
        Kind::Float => float_to_s(scalar.to_float().unwrap_or(0.0)),
        _ => scalar.to_kstr().to_string(),
    }
}

/// Ruby's `to_s` of a value: nothing for nil, `inspect` for a hash or an array.
pub(super) fn to_s(value: &dyn ValueView) -> String {
    if let Some(scalar) = value.as_scalar() {
        return scalar_to_s(&scalar);
    }
    if value.is_nil() || value.is_state() {
        return String::new();
    }
    inspect(value)
}

/// What `{{ value }}` writes: an array's items joined (arrays in it too, as Ruby's
/// `Array#join` does), nil nothing, anything else its `to_s`.
pub(super) fn write_output(value: &dyn ValueView, out: &mut String) {
    match value.as_array() {
        Some(items) => {
            for item in items.values() {
                write_output(item, out);
            }
        }
        None => out.push_str(&to_s(value)),
    }
}

/// Ruby's `inspect`: strings quoted, nil as `nil`, `[a, b]`, `{"key"=>value}`.
pub(super) fn inspect(value: &dyn ValueView) -> String {
    let mut out = String::new();
    write_inspect(value, &mut out);
    out
}

/// How [`write_nested`] writes a value: Ruby's `inspect` or JSON.
struct Notation {
    /// Between the items of an array or an object.
    separator: &'static str,
    /// Between a key and its value.
    pair: &'static str,
    /// What has no scalar (nil).
    nil: &'static str,
    /// A key.
    key: fn(&str, &mut String),
    /// A scalar.
    scalar: fn(&ScalarCow<'_>, &mut String),
}

const INSPECT: Notation = Notation {
    separator: ", ",
    pair: "=>",
    nil: "nil",
    key: write_quoted,
    scalar: inspect_scalar,
};

const JSON: Notation = Notation {
    separator: ",",
    pair: ":",
    nil: "null",
    key: write_json_text,
    scalar: json_scalar,
};

/// Arrays, objects (keys in [`entries`] order) and scalars, in `notation`.
fn write_nested(value: &dyn ValueView, notation: &Notation, out: &mut String) {
    if let Some(items) = value.as_array() {
        out.push('[');
        for (at, item) in items.values().enumerate() {
            if at > 0 {
                out.push_str(notation.separator);
            }
            write_nested(item, notation, out);
        }
        out.push(']');
    } else if let Some(object) = value.as_object() {
        out.push('{');
        for (at, (key, item)) in entries(object).into_iter().enumerate() {
            if at > 0 {
                out.push_str(notation.separator);
            }
            (notation.key)(key.as_str(), out);
            out.push_str(notation.pair);
            write_nested(item, notation, out);
        }
        out.push('}');
    } else {
        match value.as_scalar() {
            Some(scalar) => (notation.scalar)(&scalar, out),
            None => out.push_str(notation.nil),
        }
    }
}

fn write_inspect(value: &dyn ValueView, out: &mut String) {
    write_nested(value, &INSPECT, out);
}

fn inspect_scalar(scalar: &ScalarCow<'_>, out: &mut String) {
    match kind(scalar) {
        Kind::Text => write_quoted(scalar.to_kstr().as_str(), out),
        Kind::Date => {
            // Ruby's `Date#inspect`, with its Julian day number.
            let text = scalar.to_kstr();
            let julian_day = chrono::NaiveDate::parse_from_str(text.as_str(), "%Y-%m-%d")
                .map(|day| i64::from(chrono::Datelike::num_days_from_ce(&day)) + 1_721_425)
                .unwrap_or(0);
            out.push_str(&format!(
                "#<Date: {text} (({julian_day}j,0s,0n),+0s,2299161j)>"
            ));
        }
        _ => out.push_str(&scalar_to_s(scalar)),
    }
}

/// A string as Ruby's `String#inspect` writes it.
fn write_quoted(text: &str, out: &mut String) {
    out.push('"');
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{1b}' => out.push_str("\\e"),
            // `#{`, `#$` and `#@` would interpolate in Ruby's source: escaped.
            '#' if matches!(chars.peek(), Some('{' | '$' | '@')) => out.push_str("\\#"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A value as the JSON Jekyll's `jsonify` writes: objects' keys in [`entries`] order, floats
/// as Ruby writes them, dates as their text.
pub(super) fn to_json(value: &dyn ValueView) -> String {
    let mut out = String::new();
    write_json(value, &mut out);
    out
}

fn write_json(value: &dyn ValueView, out: &mut String) {
    write_nested(value, &JSON, out);
}

fn json_scalar(scalar: &ScalarCow<'_>, out: &mut String) {
    match kind(scalar) {
        Kind::Integer | Kind::Bool => out.push_str(&scalar.to_kstr()),
        Kind::Float => match scalar.to_float() {
            Some(float) if float.is_finite() => out.push_str(&float_to_s(float)),
            _ => out.push_str("null"),
        },
        _ => write_json_text(scalar.to_kstr().as_str(), out),
    }
}

fn write_json_text(text: &str, out: &mut String) {
    out.push_str(&serde_json::Value::from(text).to_string());
}

#[cfg(test)]
mod tests {
    use super::*;
    use liquid_core::model::Value;

    #[test]
    fn floats_are_written_as_ruby_writes_them() {
        // Checked with Ruby 3.1 (Debian's, which Jekyll 4.3.1 runs on).
        for (float, ruby) in [
            (3.0, "3.0"),
            (1.5, "1.5"),
            (-0.0, "-0.0"),
            (0.1 + 0.2, "0.30000000000000004"),
            (100.0, "100.0"),
            (1e14, "100000000000000.0"),
            (1e15, "1.0e+15"),
            (1.5e15, "1.5e+15"),
            (1234567890123456.0, "1.234567890123456e+15"),
            (1234567890123456.8, "1234567890123456.8"),
            (1e16, "1.0e+16"),
            (12345678901234567.0, "1.2345678901234568e+16"),
            (1.23e20, "1.23e+20"),
            (0.001, "0.001"),
            (0.0001, "0.0001"),
            (0.00012, "0.00012"),
            (1e-5, "1.0e-05"),
            (2.5e-7, "2.5e-07"),
            (-2.5, "-2.5"),
            (f64::INFINITY, "Infinity"),
            (f64::NAN, "NaN"),
        ] {
            assert_eq!(float_to_s(float), ruby, "{float:e}");
        }
    }

    #[test]
    fn values_are_inspected_and_written_as_ruby_does() {
        let yaml = crate::yaml::value("zeta: 1\nalpha: {x: 1.5, y: [1, a, null]}\n").unwrap();
        let hash = super::super::values::from_yaml(&yaml);
        let ruby = r#"{"zeta"=>1, "alpha"=>{"x"=>1.5, "y"=>[1, "a", nil]}}"#;
        assert_eq!(inspect(&hash), ruby);
        assert_eq!(to_s(&hash), ruby);
        let mut out = String::new();
        write_output(&hash.as_object().unwrap().get("alpha").unwrap(), &mut out);
        assert_eq!(out, r#"{"x"=>1.5, "y"=>[1, "a", nil]}"#);
        let list = Value::Array(vec![
            Value::scalar("a"),
            Value::Nil,
            Value::Array(vec![Value::scalar(3.0), Value::scalar(2)]),
        ]);
        let mut out = String::new();
        write_output(&list, &mut out);
        assert_eq!(out, "a3.02");
        assert_eq!(to_s(&list), r#"["a", nil, [3.0, 2]]"#);
        assert_eq!(
            inspect(&Value::scalar("say \"#{x}\"\n")),
            r#""say \"\#{x}\"\n""#
        );
        assert_eq!(
            inspect(&Value::scalar(liquid_core::model::Date::from_ymd(
                2022, 3, 4
            ))),
            "#<Date: 2022-03-04 ((2459643j,0s,0n),+0s,2299161j)>"
        );
        assert_eq!(
            to_json(&hash),
            r#"{"zeta":1,"alpha":{"x":1.5,"y":[1,"a",null]}}"#
        );
    }
}
