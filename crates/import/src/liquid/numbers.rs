//! Liquid's number filters (`plus`, `minus`, `times`, `divided_by`, `modulo`, `abs`, `ceil`,
//! `floor`, `round`, `at_least`, `at_most`) as Ruby's Liquid 5 runs them for Jekyll: whole
//! numbers stay whole (`7 | divided_by: 2` is 3, rounded down as Ruby does: `-7` gives -4);
//! a float takes part as the decimal its text shows (`BigDecimal(float.to_s)`), so that
//! `0.1 | plus: 0.2` is 0.3 and `2.675 | round: 2` is 2.68, and the result is a float again;
//! text is a number when it is one (`"1.5"`), else its leading digits (`"3abc"` is 3) or 0, as
//! Ruby's `to_i` reads it; anything else is 0.

use liquid_core::model::{Value, ValueView};
use liquid_core::parser::{FilterArguments, ParameterReflection};
use liquid_core::{Error, Expression, Filter, FilterReflection, ParseFilter, Result, Runtime};

use super::ruby_text::{kind, Kind};

/// A decimal: `digits / 10^scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Decimal {
    digits: i128,
    scale: u32,
}

/// Digits beyond these do not fit the 128 bits a [`Decimal`] holds: such numbers are
/// reckoned with floats.
const MOST_SCALE: u32 = 36;

impl Decimal {
    /// `-12.50`, `3`, `0.001` (no exponent).
    fn parse(text: &str) -> Option<Decimal> {
        let (negative, text) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        if whole.is_empty() || !(whole.bytes().chain(fraction.bytes())).all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let scale = u32::try_from(fraction.len()).ok()?;
        if scale > MOST_SCALE || whole.len() + fraction.len() > 38 {
            return None;
        }
        let digits: i128 = format!("{whole}{fraction}").parse().ok()?;
        Some(Decimal {
            digits: if negative { -digits } else { digits },
            scale,
        })
    }

    /// Ruby's `BigDecimal(float.to_s)`: the decimal the float's shortest text shows.
    fn of_float(float: f64) -> Option<Decimal> {
        if !float.is_finite() {
            return None;
        }
        // `{}` writes the shortest digits that read back as the float, without an exponent.
        Decimal::parse(&format!("{float}"))
    }

    fn of_integer(integer: i64) -> Decimal {
        Decimal {
            digits: i128::from(integer),
            scale: 0,
        }
    }

    /// Both at the same scale.
    fn aligned(self, other: Decimal) -> Option<(i128, i128, u32)> {
        let scale = self.scale.max(other.scale);
        let raise = |d: Decimal| d.digits.checked_mul(10i128.checked_pow(scale - d.scale)?);
        Some((raise(self)?, raise(other)?, scale))
    }

    fn add(self, other: Decimal) -> Option<Decimal> {
        let (a, b, scale) = self.aligned(other)?;
        Some(Decimal {
            digits: a.checked_add(b)?,
            scale,
        })
    }

    fn sub(self, other: Decimal) -> Option<Decimal> {
        self.add(Decimal {
            digits: other.digits.checked_neg()?,
            scale: other.scale,
        })
    }

    fn mul(self, other: Decimal) -> Option<Decimal> {
        let scale = self.scale + other.scale;
        (scale <= MOST_SCALE).then_some(())?;
        Some(Decimal {
            digits: self.digits.checked_mul(other.digits)?,
            scale,
        })
    }

    /// The quotient as the nearest float (its decimal digits worked out well past a
    /// float's, then read as one).
    fn div(self, other: Decimal) -> Option<f64> {
        let (a, b, _) = self.aligned(other)?;
        if b == 0 {
            return Some(if a == 0 {
                f64::NAN
            } else if a > 0 {
                f64::INFINITY
            } else {
                f64::NEG_INFINITY
            });
        }
        let negative = (a < 0) != (b < 0);
        let (a, b) = (a.unsigned_abs(), b.unsigned_abs());
        let mut text = format!("{}{}.", if negative { "-" } else { "" }, a / b);
        let mut remainder = a % b;
        for _ in 0..40 {
            remainder = remainder.checked_mul(10)?;
            text.push(char::from(b'0' + (remainder / b) as u8));
            remainder %= b;
        }
        text.parse().ok()
    }

    /// Ruby's `%` of decimals: the remainder with the sign of the divisor.
    fn modulo(self, other: Decimal) -> Option<Decimal> {
        let (a, b, scale) = self.aligned(other)?;
        (b != 0).then_some(())?;
        Some(Decimal {
            digits: a.rem_euclid(b) + if b < 0 && a.rem_euclid(b) != 0 { b } else { 0 },
            scale,
        })
    }

    fn to_f64(self) -> f64 {
        self.to_string().parse().unwrap_or(f64::NAN)
    }

    /// Rounded to `places` decimal places, halves away from zero (BigDecimal's default).
    fn round(self, places: i64) -> Option<Decimal> {
        let drop = i64::from(self.scale) - places;
        if drop <= 0 {
            return Some(self);
        }
        let unit = 10i128.checked_pow(u32::try_from(drop).ok()?)?;
        let half = unit / 2;
        let rounded = if self.digits >= 0 {
            (self.digits + half) / unit
        } else {
            (self.digits - half) / unit
        };
        if places >= 0 {
            Some(Decimal {
                digits: rounded,
                scale: u32::try_from(places).ok()?,
            })
        } else {
            let back = 10i128.checked_pow(u32::try_from(-places).ok()?)?;
            Some(Decimal {
                digits: rounded.checked_mul(back)?,
                scale: 0,
            })
        }
    }

    fn floor(self) -> i128 {
        self.digits.div_euclid(10i128.pow(self.scale))
    }

    fn ceil(self) -> i128 {
        -Decimal {
            digits: -self.digits,
            scale: self.scale,
        }
        .floor()
    }
}

impl std::fmt::Display for Decimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.digits < 0 { "-" } else { "" };
        let digits = self.digits.unsigned_abs().to_string();
        let scale = self.scale as usize;
        if scale == 0 {
            return write!(f, "{sign}{digits}");
        }
        let digits = format!("{digits:0>width$}", width = scale + 1);
        let (whole, fraction) = digits.split_at(digits.len() - scale);
        write!(f, "{sign}{whole}.{fraction}")
    }
}

/// A number as Ruby's Liquid holds it: a whole number, a decimal, or (past what a
/// [`Decimal`] holds) a float.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Number {
    Integer(i128),
    Decimal(Decimal),
    Float(f64),
}

impl Number {
    /// Liquid's `Utils.to_number`.
    fn of(value: &dyn ValueView) -> Number {
        let Some(scalar) = value.as_scalar() else {
            return Number::Integer(0);
        };
        match kind(&scalar) {
            Kind::Integer => Number::Integer(i128::from(scalar.to_integer().unwrap_or(0))),
            Kind::Float => {
                let float = scalar.to_float().unwrap_or(0.0);
                Decimal::of_float(float).map_or(Number::Float(float), Number::Decimal)
            }
            Kind::Text => {
                let text = scalar.to_kstr();
                let text = text.trim();
                // Ruby's `/\A-?\d+\.\d+\z/`: a decimal; anything else is read by `to_i`.
                let decimal = text
                    .strip_prefix('-')
                    .unwrap_or(text)
                    .split_once('.')
                    .is_some_and(|(whole, fraction)| {
                        !whole.is_empty()
                            && !fraction.is_empty()
                            && whole
                                .bytes()
                                .chain(fraction.bytes())
                                .all(|b| b.is_ascii_digit())
                    });
                if decimal {
                    Decimal::parse(text).map_or_else(
                        || Number::Float(text.parse().unwrap_or(0.0)),
                        Number::Decimal,
                    )
                } else {
                    Number::Integer(i128::from(super::loops::leading_integer(text)))
                }
            }
            Kind::Bool | Kind::DateTime | Kind::Date => Number::Integer(0),
        }
    }

    fn as_f64(self) -> f64 {
        match self {
            Number::Integer(integer) => integer as f64,
            Number::Decimal(decimal) => decimal.to_f64(),
            Number::Float(float) => float,
        }
    }

    fn as_decimal(self) -> Option<Decimal> {
        match self {
            Number::Integer(integer) => i64::try_from(integer).ok().map(Decimal::of_integer),
            Number::Decimal(decimal) => Some(decimal),
            Number::Float(_) => None,
        }
    }

    /// The Liquid value of a result: whole numbers as whole numbers (text past 64 bits, as
    /// Ruby writes its big integers), anything else a float.
    fn value(self) -> Value {
        match self {
            Number::Integer(integer) => match i64::try_from(integer) {
                Ok(integer) => Value::scalar(integer),
                Err(_) => Value::scalar(integer.to_string()),
            },
            Number::Decimal(decimal) => Value::scalar(decimal.to_f64()),
            Number::Float(float) => Value::scalar(float),
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Operation {
    Plus,
    Minus,
    Times,
    DividedBy,
    Modulo,
}

fn divided_by_zero() -> Error {
    Error::with_msg("divided by 0")
}

/// `a <operation> b` as Ruby reckons it.
fn apply(operation: Operation, a: Number, b: Number) -> Result<Number> {
    use Number::Integer;
    if let (Integer(a), Integer(b)) = (a, b) {
        return Ok(Integer(match operation {
            Operation::Plus => a + b,
            Operation::Minus => a - b,
            Operation::Times => a.saturating_mul(b),
            Operation::DividedBy if b == 0 => return Err(divided_by_zero()),
            // Ruby rounds a quotient down (towards minus infinity).
            Operation::DividedBy => a.div_euclid(b) - i128::from(b < 0 && a.rem_euclid(b) != 0),
            Operation::Modulo if b == 0 => return Err(divided_by_zero()),
            Operation::Modulo => {
                a.rem_euclid(b) + if b < 0 && a.rem_euclid(b) != 0 { b } else { 0 }
            }
        }));
    }
    let exact = match (a.as_decimal(), b.as_decimal()) {
        (Some(a), Some(b)) => match operation {
            Operation::Plus => a.add(b).map(Number::Decimal),
            Operation::Minus => a.sub(b).map(Number::Decimal),
            Operation::Times => a.mul(b).map(Number::Decimal),
            Operation::DividedBy => a.div(b).map(Number::Float),
            Operation::Modulo if b.digits == 0 => return Err(divided_by_zero()),
            Operation::Modulo => a.modulo(b).map(Number::Decimal),
        },
        _ => None,
    };
    if let Some(exact) = exact {
        return Ok(exact);
    }
    let (a, b) = (a.as_f64(), b.as_f64());
    Ok(Number::Float(match operation {
        Operation::Plus => a + b,
        Operation::Minus => a - b,
        Operation::Times => a * b,
        Operation::DividedBy => a / b,
        Operation::Modulo if b == 0.0 => return Err(divided_by_zero()),
        Operation::Modulo => a - b * (a / b).floor(),
    }))
}

/// Whether `a` is less than `b`.
fn less(a: Number, b: Number) -> bool {
    match (a.as_decimal(), b.as_decimal()) {
        (Some(x), Some(y)) => x
            .aligned(y)
            .map_or(a.as_f64() < b.as_f64(), |(x, y, _)| x < y),
        _ => a.as_f64() < b.as_f64(),
    }
}

/// Ruby's `round`: halves away from zero; whole places (0 or fewer) give a whole number.
fn round(number: Number, places: i64) -> Number {
    match number {
        Number::Integer(integer) if places >= 0 => Number::Integer(integer),
        number => match number.as_decimal().and_then(|d| d.round(places)) {
            Some(rounded) if places <= 0 => Number::Integer(rounded.digits),
            Some(rounded) => Number::Decimal(rounded),
            None => {
                let unit = 10f64.powi(places.clamp(-300, 300) as i32);
                Number::Float((number.as_f64() * unit).round() / unit)
            }
        },
    }
}

/// What a number filter does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Job {
    Plus,
    Minus,
    Times,
    DividedBy,
    Modulo,
    AtLeast,
    AtMost,
    Abs,
    Ceil,
    Floor,
    Round,
}

const OPERAND: &[ParameterReflection] = &[ParameterReflection {
    name: "operand",
    description: "The other number.",
    is_optional: false,
}];

const PLACES: &[ParameterReflection] = &[ParameterReflection {
    name: "places",
    description: "Decimal places (0 by default).",
    is_optional: true,
}];

impl Job {
    fn name(self) -> &'static str {
        match self {
            Job::Plus => "plus",
            Job::Minus => "minus",
            Job::Times => "times",
            Job::DividedBy => "divided_by",
            Job::Modulo => "modulo",
            Job::AtLeast => "at_least",
            Job::AtMost => "at_most",
            Job::Abs => "abs",
            Job::Ceil => "ceil",
            Job::Floor => "floor",
            Job::Round => "round",
        }
    }

    fn parameters(self) -> &'static [ParameterReflection] {
        match self {
            Job::Abs | Job::Ceil | Job::Floor => &[],
            Job::Round => PLACES,
            _ => OPERAND,
        }
    }

    fn run(self, input: Number, argument: Option<Number>) -> Result<Number> {
        let operand = argument.unwrap_or(Number::Integer(0));
        Ok(match self {
            Job::Plus => apply(Operation::Plus, input, operand)?,
            Job::Minus => apply(Operation::Minus, input, operand)?,
            Job::Times => apply(Operation::Times, input, operand)?,
            Job::DividedBy => apply(Operation::DividedBy, input, operand)?,
            Job::Modulo => apply(Operation::Modulo, input, operand)?,
            // The input stays when the two are equal (`2 | at_most: 2.0` is 2).
            Job::AtLeast if less(input, operand) => operand,
            Job::AtMost if less(operand, input) => operand,
            Job::AtLeast | Job::AtMost => input,
            Job::Abs => match input {
                Number::Integer(integer) => Number::Integer(integer.abs()),
                Number::Decimal(decimal) => Number::Decimal(Decimal {
                    digits: decimal.digits.abs(),
                    scale: decimal.scale,
                }),
                Number::Float(float) => Number::Float(float.abs()),
            },
            Job::Ceil => match input {
                Number::Decimal(decimal) => Number::Integer(decimal.ceil()),
                Number::Float(float) => Number::Float(float.ceil()),
                integer => integer,
            },
            Job::Floor => match input {
                Number::Decimal(decimal) => Number::Integer(decimal.floor()),
                Number::Float(float) => Number::Float(float.floor()),
                integer => integer,
            },
            Job::Round => {
                let places = match argument {
                    Some(Number::Integer(places)) => i64::try_from(places).unwrap_or(0),
                    Some(other) => other.as_f64() as i64,
                    None => 0,
                };
                round(input, places)
            }
        })
    }
}

/// One of the number filters, to register.
#[derive(Debug, Clone, Copy)]
pub(super) struct NumberFilter(pub Job);

/// Every number filter.
pub(super) fn number_filters() -> Vec<Box<dyn ParseFilter>> {
    [
        Job::Plus,
        Job::Minus,
        Job::Times,
        Job::DividedBy,
        Job::Modulo,
        Job::AtLeast,
        Job::AtMost,
        Job::Abs,
        Job::Ceil,
        Job::Floor,
        Job::Round,
    ]
    .into_iter()
    .map(|job| Box::new(NumberFilter(job)) as Box<dyn ParseFilter>)
    .collect()
}

impl FilterReflection for NumberFilter {
    fn name(&self) -> &str {
        self.0.name()
    }
    fn description(&self) -> &str {
        "Arithmetic as Ruby's Liquid does it."
    }
    fn positional_parameters(&self) -> &'static [ParameterReflection] {
        self.0.parameters()
    }
    fn keyword_parameters(&self) -> &'static [ParameterReflection] {
        &[]
    }
}

impl ParseFilter for NumberFilter {
    fn parse(&self, mut arguments: FilterArguments) -> Result<Box<dyn Filter>> {
        if arguments.keyword.next().is_some() {
            return Err(Error::with_msg(format!(
                "`{}` takes no named arguments",
                self.0.name()
            )));
        }
        let positional: Vec<Expression> = arguments.positional.collect();
        let wanted = self.0.parameters();
        let least = wanted.iter().filter(|p| !p.is_optional).count();
        if positional.len() < least || positional.len() > wanted.len() {
            return Err(Error::with_msg(format!(
                "`{}` takes {} argument{}",
                self.0.name(),
                wanted.len(),
                if wanted.len() == 1 { "" } else { "s" }
            )));
        }
        Ok(Box::new(NumberCall {
            job: self.0,
            argument: positional.into_iter().next(),
        }))
    }

    fn reflection(&self) -> &dyn FilterReflection {
        self
    }
}

#[derive(Debug)]
struct NumberCall {
    job: Job,
    argument: Option<Expression>,
}

impl std::fmt::Display for NumberCall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.argument {
            Some(argument) => write!(f, "{}: {argument}", self.job.name()),
            None => f.write_str(self.job.name()),
        }
    }
}

impl Filter for NumberCall {
    fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> Result<Value> {
        let argument = match &self.argument {
            Some(expression) => Some(Number::of(expression.evaluate(runtime)?.as_view())),
            None => None,
        };
        Ok(self.job.run(Number::of(input), argument)?.value())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(text: &str) -> Number {
        Number::of(&Value::scalar(text.to_string()))
    }

    #[test]
    fn text_is_read_as_ruby_reads_it() {
        assert_eq!(
            number(" 2.5 "),
            Number::Decimal(Decimal::parse("2.5").unwrap())
        );
        assert_eq!(number("3abc"), Number::Integer(3));
        assert_eq!(number("1e3"), Number::Integer(1));
        assert_eq!(number("abc"), Number::Integer(0));
        assert_eq!(Number::of(&Value::Nil), Number::Integer(0));
        assert_eq!(Number::of(&Value::scalar(true)), Number::Integer(0));
    }

    #[test]
    fn decimals_reckon_exactly() {
        let d = |text: &str| Decimal::parse(text).unwrap();
        assert_eq!(d("0.1").add(d("0.2")).unwrap().to_f64(), 0.3);
        assert_eq!(d("1.1").mul(d("1.1")).unwrap().to_string(), "1.21");
        assert_eq!(d("2.675").round(2).unwrap().to_string(), "2.68");
        assert_eq!(d("-0.5").round(0).unwrap().digits, -1);
        assert_eq!(d("1.23456").round(-1).unwrap().digits, 0);
        assert_eq!(d("-7.5").modulo(d("2")).unwrap().to_string(), "0.5");
        assert_eq!(d("7").modulo(d("-2.5")).unwrap().to_string(), "-0.5");
        assert_eq!(d("2").div(d("0.3")), Some(6.666666666666667));
        assert_eq!(d("-3.7").floor(), -4);
        assert_eq!(d("3.2").ceil(), 4);
        assert_eq!(d("10").sub(d("10.0")).unwrap().to_string(), "0.0");
    }
}
