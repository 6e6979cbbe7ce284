//! Jekyll's own filters (those `liquid-lib` does not ship), with Jekyll 4.3's behaviour:
//! URLs, dates, escaping, JSON, Markdown, word counts and Jekyll's array filters (`where`,
//! `where_exp`, `group_by`, `group_by_exp`, `find`, `find_exp`, `sample`).

use liquid_core::model::{Object, Value, ValueView};
use liquid_core::runtime::StackFrame;
use liquid_core::{
    Display_filter, Expression, Filter, FilterParameters, FilterReflection, FromFilterParameters,
    ParseFilter, Result, Runtime,
};

use super::runtime::{Bounded, Lenient, SiteMarkdown};

/// Every filter of this module, to register.
pub(super) fn jekyll_filters() -> Vec<Box<dyn ParseFilter>> {
    vec![
        Box::new(RelativeUrl),
        Box::new(AbsoluteUrl),
        Box::new(DateToString),
        Box::new(DateToLongString),
        Box::new(DateToXmlschema),
        Box::new(DateToRfc822),
        Box::new(XmlEscape),
        Box::new(CgiEscape),
        Box::new(UriEscape),
        Box::new(Jsonify),
        Box::new(Markdownify),
        Box::new(NumberOfWords),
        Box::new(NormalizeWhitespace),
        Box::new(Smartify),
        Box::new(Inspect),
        Box::new(Where),
        Box::new(Find),
        Box::new(GroupBy),
        Box::new(WhereExp),
        Box::new(FindExp),
        Box::new(GroupByExp),
        Box::new(Sample),
    ]
}

/// A filter without parameters: the parse type, the filter type, its name, and its body
/// `|input, runtime| -> Result<Value>`.
macro_rules! plain_filter {
    ($parse:ident, $filter:ident, $name:literal, $description:literal, |$input:ident, $runtime:ident| $body:block) => {
        #[derive(Clone, ParseFilter, FilterReflection)]
        #[filter(name = $name, description = $description, parsed($filter))]
        pub(super) struct $parse;

        #[derive(Debug, Default, Display_filter)]
        #[name = $name]
        struct $filter;

        impl Filter for $filter {
            fn evaluate(&self, $input: &dyn ValueView, $runtime: &dyn Runtime) -> Result<Value>
                $body
        }
    };
}

fn site_setting(runtime: &dyn Runtime, key: &'static str) -> String {
    use liquid_core::model::Scalar;
    runtime
        .try_get(&[Scalar::new("site"), Scalar::new(key)])
        .map(|v| v.to_kstr().to_string())
        .unwrap_or_default()
}

fn has_scheme(url: &str) -> bool {
    url.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    }) || url.starts_with("//")
}

/// Jekyll's `relative_url`: the site's `baseurl` and the path, one `/` between them.
pub(super) fn relative_url(input: &str, baseurl: &str) -> String {
    if has_scheme(input) {
        return input.to_string();
    }
    let base = baseurl.trim_end_matches('/');
    let base = if base.is_empty() || base.starts_with('/') {
        base.to_string()
    } else {
        format!("/{base}")
    };
    let path = if input.starts_with('/') {
        input.to_string()
    } else {
        format!("/{input}")
    };
    uri_escape(&format!("{base}{path}"))
}

plain_filter!(
    RelativeUrl,
    RelativeUrlFilter,
    "relative_url",
    "The path under the site's baseurl.",
    |input, runtime| {
        if input.is_nil() {
            return Ok(Value::Nil);
        }
        Ok(Value::scalar(relative_url(
            &input.to_kstr(),
            &site_setting(runtime, "baseurl"),
        )))
    }
);

plain_filter!(
    AbsoluteUrl,
    AbsoluteUrlFilter,
    "absolute_url",
    "The full URL on the site.",
    |input, runtime| {
        if input.is_nil() {
            return Ok(Value::Nil);
        }
        let input = input.to_kstr();
        if has_scheme(&input) {
            return Ok(Value::scalar(input.to_string()));
        }
        let relative = relative_url(&input, &site_setting(runtime, "baseurl"));
        Ok(Value::scalar(format!(
            "{}{relative}",
            site_setting(runtime, "url").trim_end_matches('/')
        )))
    }
);

fn date_of(input: &dyn ValueView) -> Option<liquid_core::model::DateTime> {
    input.as_scalar().and_then(|s| s.to_date_time())
}

fn ordinal_suffix(day: u8) -> &'static str {
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
    date: &liquid_core::model::DateTime,
    month: &str,
    kind: Option<&str>,
    style: Option<&str>,
) -> String {
    if kind == Some("ordinal") {
        let day = format!("{}{}", date.day(), ordinal_suffix(date.day()));
        let format = if style == Some("US") {
            format!("{month} {day}, %Y")
        } else {
            format!("{day} {month} %Y")
        };
        return date.format(&format).unwrap_or_default();
    }
    date.format(&format!("%d {month} %Y")).unwrap_or_default()
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
        Ok(match date_of(input) {
            Some(date) => Value::scalar(stringify_date(
                &date,
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
        Ok(match date_of(input) {
            Some(date) => Value::scalar(stringify_date(
                &date,
                "%B",
                args.kind.as_deref(),
                args.style.as_deref(),
            )),
            None => input.to_value(),
        })
    }
}

plain_filter!(
    DateToXmlschema,
    DateToXmlschemaFilter,
    "date_to_xmlschema",
    "A date in ISO 8601.",
    |input, _runtime| {
        Ok(match date_of(input) {
            Some(date) => Value::scalar(date.format("%Y-%m-%dT%H:%M:%S%:z").unwrap_or_default()),
            None => input.to_value(),
        })
    }
);

plain_filter!(
    DateToRfc822,
    DateToRfc822Filter,
    "date_to_rfc822",
    "A date in RFC 822.",
    |input, _runtime| {
        Ok(match date_of(input) {
            Some(date) => {
                Value::scalar(date.format("%a, %d %b %Y %H:%M:%S %z").unwrap_or_default())
            }
            None => input.to_value(),
        })
    }
);

/// Jekyll's `xml_escape`: `&`, `<`, `>` and `"` as entities.
pub(super) fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

plain_filter!(
    XmlEscape,
    XmlEscapeFilter,
    "xml_escape",
    "Escapes text for XML.",
    |input, _runtime| {
        if input.is_nil() {
            return Ok(Value::Nil);
        }
        Ok(Value::scalar(xml_escape(&input.to_kstr())))
    }
);

fn percent_encode(text: &str, keep: impl Fn(u8) -> bool, space_as_plus: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if space_as_plus && byte == b' ' {
            out.push('+');
        } else if keep(byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Ruby's `CGI.escape`: all but letters, digits and `_.-~` encoded, a space as `+`.
pub(super) fn cgi_escape(text: &str) -> String {
    percent_encode(
        text,
        |b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b'~'),
        true,
    )
}

/// Jekyll's `uri_escape`: characters a URI cannot hold are encoded; its reserved characters
/// and existing escapes stay.
pub(super) fn uri_escape(text: &str) -> String {
    percent_encode(
        text,
        |b| b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?#[]%".contains(&b),
        false,
    )
}

plain_filter!(
    CgiEscape,
    CgiEscapeFilter,
    "cgi_escape",
    "Escapes text for a URL query.",
    |input, _runtime| { Ok(Value::scalar(cgi_escape(&input.to_kstr()))) }
);

plain_filter!(
    UriEscape,
    UriEscapeFilter,
    "uri_escape",
    "Escapes a URI.",
    |input, _runtime| { Ok(Value::scalar(uri_escape(&input.to_kstr()))) }
);

/// A Liquid value as JSON, as Jekyll's `jsonify` writes it.
pub(super) fn to_json(value: &dyn ValueView) -> serde_json::Value {
    use serde_json::Value as Json;
    if let Some(array) = value.as_array() {
        return Json::Array(array.values().map(to_json).collect());
    }
    if let Some(object) = value.as_object() {
        return Json::Object(
            object
                .iter()
                .map(|(key, value)| (key.to_string(), to_json(value)))
                .collect(),
        );
    }
    if value.is_nil() || value.is_state() {
        return Json::Null;
    }
    let Some(scalar) = value.as_scalar() else {
        return Json::String(value.to_kstr().to_string());
    };
    match scalar.type_name() {
        "boolean" => Json::Bool(scalar.to_bool().unwrap_or(false)),
        "whole number" => Json::from(scalar.to_integer().unwrap_or(0)),
        "fractional number" => serde_json::Number::from_f64(scalar.to_float().unwrap_or(0.0))
            .map_or(Json::Null, Json::Number),
        _ => Json::String(scalar.to_kstr().to_string()),
    }
}

plain_filter!(
    Jsonify,
    JsonifyFilter,
    "jsonify",
    "The value as JSON.",
    |input, _runtime| { Ok(Value::scalar(to_json(input).to_string())) }
);

plain_filter!(
    Markdownify,
    MarkdownifyFilter,
    "markdownify",
    "Markdown to HTML.",
    |input, runtime| {
        let options = runtime.registers().get_mut::<SiteMarkdown>().0.clone();
        let rendered = crate::markdown::try_render(&input.to_kstr(), &options)
            .map_err(liquid_core::Error::with_msg)?;
        Ok(Value::scalar(rendered.html))
    }
);

fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{11FF}' | '\u{3040}'..='\u{30FF}' | '\u{3130}'..='\u{318F}'
        | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7AF}'
        | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FA1F}' | '\u{31F0}'..='\u{31FF}'
        | '\u{FF66}'..='\u{FF9F}')
}

/// Jekyll's `number_of_words`: words between white space; in `"cjk"` mode (or `"auto"` when
/// the text has any) each CJK character counts as a word too.
pub(super) fn number_of_words(text: &str, mode: Option<&str>) -> usize {
    let cjk = match mode {
        Some("cjk") => true,
        Some("auto") => text.chars().any(is_cjk),
        _ => false,
    };
    if !cjk {
        return text.split_whitespace().count();
    }
    let characters = text.chars().filter(|c| is_cjk(*c)).count();
    let spaced: String = text
        .chars()
        .map(|c| if is_cjk(c) { ' ' } else { c })
        .collect();
    characters + spaced.split_whitespace().count()
}

#[derive(Debug, FilterParameters)]
struct WordsArgs {
    #[parameter(description = "\"cjk\" or \"auto\".", arg_type = "str")]
    mode: Option<Expression>,
}

#[derive(Clone, ParseFilter, FilterReflection)]
#[filter(
    name = "number_of_words",
    description = "How many words the text has.",
    parameters(WordsArgs),
    parsed(NumberOfWordsFilter)
)]
pub(super) struct NumberOfWords;

#[derive(Debug, FromFilterParameters, Display_filter)]
#[name = "number_of_words"]
struct NumberOfWordsFilter {
    #[parameters]
    args: WordsArgs,
}

impl Filter for NumberOfWordsFilter {
    fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> Result<Value> {
        let args = self.args.evaluate(runtime)?;
        let count = number_of_words(&input.to_kstr(), args.mode.as_deref());
        Ok(Value::scalar(count as i64))
    }
}

plain_filter!(
    NormalizeWhitespace,
    NormalizeWhitespaceFilter,
    "normalize_whitespace",
    "White space runs as one space.",
    |input, _runtime| {
        Ok(Value::scalar(
            input
                .to_kstr()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        ))
    }
);

plain_filter!(
    Smartify,
    SmartifyFilter,
    "smartify",
    "Curly quotes, dashes and ellipses.",
    |input, runtime| {
        let options = runtime.registers().get_mut::<SiteMarkdown>().0.clone();
        let text = input.to_kstr();
        Ok(Value::scalar(
            crate::typography::smarten(&text, false, &options.quotes).into_owned(),
        ))
    }
);

/// Ruby's `inspect` of a value (Jekyll's `inspect` filter, which also escapes it for HTML).
pub(super) fn ruby_inspect(value: &dyn ValueView) -> String {
    if let Some(array) = value.as_array() {
        let items: Vec<String> = array.values().map(ruby_inspect).collect();
        return format!("[{}]", items.join(", "));
    }
    if let Some(object) = value.as_object() {
        let items: Vec<String> = object
            .iter()
            .map(|(key, value)| format!("{:?}=>{}", key.as_str(), ruby_inspect(value)))
            .collect();
        return format!("{{{}}}", items.join(", "));
    }
    if value.is_nil() || value.is_state() {
        return "nil".into();
    }
    match value.as_scalar() {
        Some(scalar) if matches!(scalar.type_name(), "string") => {
            format!("{:?}", scalar.to_kstr().as_str())
        }
        _ => value.to_kstr().to_string(),
    }
}

plain_filter!(
    Inspect,
    InspectFilter,
    "inspect",
    "The value as Ruby shows it.",
    |input, _runtime| { Ok(Value::scalar(xml_escape(&ruby_inspect(input)))) }
);

plain_filter!(
    Sample,
    SampleFilter,
    "sample",
    "An item of the array (the first: builds are reproducible).",
    |input, _runtime| {
        Ok(match input.as_array() {
            Some(array) => array.first().map_or(Value::Nil, |v| v.to_value()),
            None => input.to_value(),
        })
    }
);

/// The items of an array, or the one value as a list of one (Jekyll's filters accept both).
fn items(input: &dyn ValueView) -> Vec<&dyn ValueView> {
    if let Some(array) = input.as_array() {
        array.values().collect()
    } else if let Some(object) = input.as_object() {
        object.values().collect()
    } else if input.is_nil() {
        Vec::new()
    } else {
        vec![input]
    }
}

/// `item.a.b` for the property path `a.b` (Jekyll's `item_property`).
fn property<'v>(item: &'v dyn ValueView, path: &str) -> Option<&'v dyn ValueView> {
    path.split('.').try_fold(item, |value, key| {
        if let Some(object) = value.as_object() {
            object.get(key)
        } else if let Some(array) = value.as_array() {
            key.parse::<i64>().ok().and_then(|i| array.get(i))
        } else {
            None
        }
    })
}

/// Jekyll compares as text, and an array property matches when it holds the value.
fn property_matches(item: &dyn ValueView, path: &str, target: &str) -> bool {
    match property(item, path) {
        Some(value) => match value.as_array() {
            Some(array) => array.values().any(|v| v.to_kstr() == target),
            None => value.to_kstr() == target,
        },
        None => target.is_empty(),
    }
}

#[derive(Debug, FilterParameters)]
struct PropertyArgs {
    #[parameter(description = "The property.", arg_type = "str")]
    property: Expression,
    #[parameter(description = "The value it must have.", arg_type = "any")]
    value: Option<Expression>,
}

#[derive(Clone, ParseFilter, FilterReflection)]
#[filter(
    name = "where",
    description = "The items whose property is the value.",
    parameters(PropertyArgs),
    parsed(WhereFilter)
)]
pub(super) struct Where;

#[derive(Debug, FromFilterParameters, Display_filter)]
#[name = "where"]
struct WhereFilter {
    #[parameters]
    args: PropertyArgs,
}

impl Filter for WhereFilter {
    fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> Result<Value> {
        let args = self.args.evaluate(runtime)?;
        let target = args
            .value
            .map(|v| v.to_kstr().to_string())
            .unwrap_or_default();
        Ok(Value::Array(
            items(input)
                .into_iter()
                .filter(|item| property_matches(*item, &args.property, &target))
                .map(|item| item.to_value())
                .collect(),
        ))
    }
}

#[derive(Clone, ParseFilter, FilterReflection)]
#[filter(
    name = "find",
    description = "The first item whose property is the value.",
    parameters(PropertyArgs),
    parsed(FindFilter)
)]
pub(super) struct Find;

#[derive(Debug, FromFilterParameters, Display_filter)]
#[name = "find"]
struct FindFilter {
    #[parameters]
    args: PropertyArgs,
}

impl Filter for FindFilter {
    fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> Result<Value> {
        let args = self.args.evaluate(runtime)?;
        let target = args
            .value
            .map(|v| v.to_kstr().to_string())
            .unwrap_or_default();
        Ok(items(input)
            .into_iter()
            .find(|item| property_matches(*item, &args.property, &target))
            .map_or(Value::Nil, |item| item.to_value()))
    }
}

/// `[{name, items, size}]` in the order the names first appear.
fn groups(pairs: Vec<(String, Value)>) -> Value {
    let mut order: Vec<(String, Vec<Value>)> = Vec::new();
    for (name, item) in pairs {
        match order.iter_mut().find(|(n, _)| *n == name) {
            Some((_, items)) => items.push(item),
            None => order.push((name, vec![item])),
        }
    }
    Value::Array(
        order
            .into_iter()
            .map(|(name, items)| {
                let mut group = Object::new();
                group.insert("name".into(), Value::scalar(name));
                group.insert("size".into(), Value::scalar(items.len() as i64));
                group.insert("items".into(), Value::Array(items));
                Value::Object(group)
            })
            .collect(),
    )
}

#[derive(Debug, FilterParameters)]
struct GroupArgs {
    #[parameter(description = "The property.", arg_type = "str")]
    property: Expression,
}

#[derive(Clone, ParseFilter, FilterReflection)]
#[filter(
    name = "group_by",
    description = "The items grouped by a property.",
    parameters(GroupArgs),
    parsed(GroupByFilter)
)]
pub(super) struct GroupBy;

#[derive(Debug, FromFilterParameters, Display_filter)]
#[name = "group_by"]
struct GroupByFilter {
    #[parameters]
    args: GroupArgs,
}

impl Filter for GroupByFilter {
    fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> Result<Value> {
        let args = self.args.evaluate(runtime)?;
        Ok(groups(
            items(input)
                .into_iter()
                .map(|item| {
                    let name = property(item, &args.property)
                        .map(|v| v.to_kstr().to_string())
                        .unwrap_or_default();
                    (name, item.to_value())
                })
                .collect(),
        ))
    }
}

/// An expression of the `_exp` filters, parsed once per call with the site's language:
/// `{% if <expression> %}1{% endif %}` for a condition, `{{ <expression> }}` for a value.
struct ItemExpression {
    variable: String,
    template: liquid_core::Template,
}

impl ItemExpression {
    fn parse(variable: &str, source: String) -> Result<ItemExpression> {
        let elements = super::recover::parse_guarded(&source, super::tags::language())?;
        Ok(ItemExpression {
            variable: variable.to_string(),
            template: liquid_core::Template::new(elements),
        })
    }

    fn condition(variable: &str, expression: &str) -> Result<ItemExpression> {
        ItemExpression::parse(variable, format!("{{% if {expression} %}}1{{% endif %}}"))
    }

    fn value(variable: &str, expression: &str) -> Result<ItemExpression> {
        ItemExpression::parse(variable, format!("{{{{ {expression} }}}}"))
    }

    fn evaluate(&self, item: &dyn ValueView, runtime: &dyn Runtime) -> Result<String> {
        let mut frame: std::collections::HashMap<
            liquid_core::model::KStringRef<'_>,
            &dyn ValueView,
        > = std::collections::HashMap::new();
        frame.insert(self.variable.as_str().into(), item);
        let scope = Lenient(StackFrame::new(runtime, &frame));
        let mut out = Bounded::default();
        liquid_core::Renderable::render_to(&self.template, &mut out, &scope)?;
        Ok(out.into_text())
    }
}

#[derive(Debug, FilterParameters)]
struct ExpressionArgs {
    #[parameter(
        description = "The name each item has in the expression.",
        arg_type = "str"
    )]
    variable: Expression,
    #[parameter(description = "The expression.", arg_type = "str")]
    expression: Expression,
}

#[derive(Clone, ParseFilter, FilterReflection)]
#[filter(
    name = "where_exp",
    description = "The items for which the expression is true.",
    parameters(ExpressionArgs),
    parsed(WhereExpFilter)
)]
pub(super) struct WhereExp;

#[derive(Debug, FromFilterParameters, Display_filter)]
#[name = "where_exp"]
struct WhereExpFilter {
    #[parameters]
    args: ExpressionArgs,
}

impl Filter for WhereExpFilter {
    fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> Result<Value> {
        let args = self.args.evaluate(runtime)?;
        let condition = ItemExpression::condition(&args.variable, &args.expression)?;
        let mut kept = Vec::new();
        for item in items(input) {
            if condition.evaluate(item, runtime)? == "1" {
                kept.push(item.to_value());
            }
        }
        Ok(Value::Array(kept))
    }
}

#[derive(Clone, ParseFilter, FilterReflection)]
#[filter(
    name = "find_exp",
    description = "The first item for which the expression is true.",
    parameters(ExpressionArgs),
    parsed(FindExpFilter)
)]
pub(super) struct FindExp;

#[derive(Debug, FromFilterParameters, Display_filter)]
#[name = "find_exp"]
struct FindExpFilter {
    #[parameters]
    args: ExpressionArgs,
}

impl Filter for FindExpFilter {
    fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> Result<Value> {
        let args = self.args.evaluate(runtime)?;
        let condition = ItemExpression::condition(&args.variable, &args.expression)?;
        for item in items(input) {
            if condition.evaluate(item, runtime)? == "1" {
                return Ok(item.to_value());
            }
        }
        Ok(Value::Nil)
    }
}

#[derive(Clone, ParseFilter, FilterReflection)]
#[filter(
    name = "group_by_exp",
    description = "The items grouped by the value of an expression.",
    parameters(ExpressionArgs),
    parsed(GroupByExpFilter)
)]
pub(super) struct GroupByExp;

#[derive(Debug, FromFilterParameters, Display_filter)]
#[name = "group_by_exp"]
struct GroupByExpFilter {
    #[parameters]
    args: ExpressionArgs,
}

impl Filter for GroupByExpFilter {
    fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> Result<Value> {
        let args = self.args.evaluate(runtime)?;
        let value = ItemExpression::value(&args.variable, &args.expression)?;
        let mut pairs = Vec::new();
        for item in items(input) {
            pairs.push((value.evaluate(item, runtime)?, item.to_value()));
        }
        Ok(groups(pairs))
    }
}
