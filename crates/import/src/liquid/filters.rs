//! Jekyll's own filters (those `liquid-lib` does not ship), with Jekyll 4.3's behaviour:
//! URLs, escaping, JSON, Markdown, word counts and Jekyll's array filters (`where`,
//! `where_exp`, `group_by`, `group_by_exp`, `find`, `find_exp`, `sample`, `sort` of a hash,
//! `join` and `array_to_sentence_string` as Ruby writes their items); and the engine's text
//! filters made to read what is not text as Ruby's `to_s` writes it ([`RubyText`]). Dates are
//! in [`super::dates`], numbers in [`super::numbers`].

use std::borrow::Cow;

use liquid_core::model::{Value, ValueView};
use liquid_core::parser::FilterArguments;
use liquid_core::runtime::StackFrame;
use liquid_core::{
    Display_filter, Expression, Filter, FilterParameters, FilterReflection, FromFilterParameters,
    ParseFilter, Result, Runtime,
};

use super::ruby_text::{self, kind, Kind};
use super::runtime::{Bounded, Lenient, SiteMarkdown};
use super::values::entries;

/// Every filter of this module, to register.
pub(super) fn jekyll_filters() -> Vec<Box<dyn ParseFilter>> {
    vec![
        Box::new(RelativeUrl),
        Box::new(AbsoluteUrl),
        Box::new(XmlEscape),
        Box::new(CgiEscape),
        Box::new(UrlEncode),
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
        Box::new(Join),
        Box::new(Split),
        Box::new(Default),
        Box::new(ArrayToSentenceString),
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
        .map(|v| ruby_text::to_s(v.as_view()))
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

/// A link to one of the archive's own views (`#/post/<id>`, what `post.url` and
/// `post_url` give): it works under any path the archive is published at, so the site's
/// `url` and `baseurl` never go before it.
pub(super) fn is_in_app(url: &str) -> bool {
    url.starts_with("#/")
}

/// Jekyll's `relative_url`: the site's `baseurl` and the path, one `/` between them. An
/// in-app link ([`is_in_app`]) stays as it is.
pub(super) fn relative_url(input: &str, baseurl: &str) -> String {
    if has_scheme(input) || is_in_app(input) {
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
            &ruby_text::to_s(input),
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
        let input = ruby_text::to_s(input);
        if has_scheme(&input) || is_in_app(&input) {
            return Ok(Value::scalar(input.to_string()));
        }
        let relative = relative_url(&input, &site_setting(runtime, "baseurl"));
        Ok(Value::scalar(format!(
            "{}{relative}",
            site_setting(runtime, "url").trim_end_matches('/')
        )))
    }
);

/// Jekyll's `xml_escape` (Ruby's `encode(xml: :attr)`): `&`, `<`, `>`, `"` and `'` as
/// entities (so kramdown's typography leaves the quotes straight, as on the site).
pub(super) fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
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
        Ok(Value::scalar(xml_escape(&ruby_text::to_s(input))))
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
    |input, _runtime| { Ok(Value::scalar(cgi_escape(&ruby_text::to_s(input)))) }
);

plain_filter!(
    UrlEncode,
    UrlEncodeFilter,
    "url_encode",
    "Escapes text for a URL (Ruby's CGI.escape: a space as +).",
    |input, _runtime| {
        if input.is_nil() {
            return Ok(Value::Nil);
        }
        Ok(Value::scalar(cgi_escape(&ruby_text::to_s(input))))
    }
);

plain_filter!(
    UriEscape,
    UriEscapeFilter,
    "uri_escape",
    "Escapes a URI.",
    |input, _runtime| { Ok(Value::scalar(uri_escape(&ruby_text::to_s(input)))) }
);

plain_filter!(
    Jsonify,
    JsonifyFilter,
    "jsonify",
    "The value as JSON.",
    |input, _runtime| { Ok(Value::scalar(ruby_text::to_json(input))) }
);

plain_filter!(
    Markdownify,
    MarkdownifyFilter,
    "markdownify",
    "Markdown to HTML.",
    |input, runtime| {
        let options = runtime.registers().get_mut::<SiteMarkdown>().0.clone();
        let rendered = crate::markdown::try_render(&ruby_text::to_s(input), &options)
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
        let count = number_of_words(&ruby_text::to_s(input), args.mode.as_deref());
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
            ruby_text::to_s(input)
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
        let text = ruby_text::to_s(input);
        Ok(Value::scalar(
            crate::typography::smarten(&text, false, &options.quotes).into_owned(),
        ))
    }
);

plain_filter!(
    Inspect,
    InspectFilter,
    "inspect",
    "The value as Ruby shows it.",
    |input, _runtime| { Ok(Value::scalar(xml_escape(&ruby_text::inspect(input)))) }
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
        // Jekyll's filters take a hash's values, in its order.
        entries(object)
            .into_iter()
            .map(|(_, value)| value)
            .collect()
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
            Some(array) => array.values().any(|v| ruby_text::to_s(v) == target),
            None => ruby_text::to_s(value) == target,
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
            .map(|v| ruby_text::to_s(v.as_view()))
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
            .map(|v| ruby_text::to_s(v.as_view()))
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
                let mut group = liquid_core::Object::new();
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
                        .map(ruby_text::to_s)
                        .unwrap_or_default();
                    (name, item.to_value())
                })
                .collect(),
        ))
    }
}

/// An expression of the `_exp` filters, parsed once per call with the site's language:
/// `{% if <expression> %}1{% endif %}` for a condition, `{% echo <expression> %}` for a value.
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
        ItemExpression::parse(variable, format!("{{% echo {expression} %}}"))
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

/// An array's items, or a value that is not an array as one item (Ruby Liquid's
/// `InputIterator`): a hash is one item, written as Ruby writes it.
fn sequence(input: &dyn ValueView) -> Vec<&dyn ValueView> {
    match input.as_array() {
        Some(array) => array.values().collect(),
        None if input.is_nil() => Vec::new(),
        None => vec![input],
    }
}

/// An item of a list as Ruby's `Array#join` writes it: a list's own items joined, a hash as
/// `inspect`, nil as nothing.
fn joined_item(item: &dyn ValueView) -> String {
    let mut text = String::new();
    ruby_text::write_output(item, &mut text);
    text
}

#[derive(Debug, FilterParameters)]
struct JoinArgs {
    #[parameter(
        description = "What goes between the items (a space by default).",
        arg_type = "any"
    )]
    separator: Option<Expression>,
}

#[derive(Clone, ParseFilter, FilterReflection)]
#[filter(
    name = "join",
    description = "The items as text, with a separator between them.",
    parameters(JoinArgs),
    parsed(JoinFilter)
)]
pub(super) struct Join;

#[derive(Debug, FromFilterParameters, Display_filter)]
#[name = "join"]
struct JoinFilter {
    #[parameters]
    args: JoinArgs,
}

impl Filter for JoinFilter {
    fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> Result<Value> {
        let args = self.args.evaluate(runtime)?;
        let separator = args
            .separator
            .as_ref()
            .map_or_else(|| " ".to_string(), |s| ruby_text::to_s(s.as_view()));
        let items: Vec<String> = sequence(input).into_iter().map(joined_item).collect();
        Ok(Value::scalar(items.join(&separator)))
    }
}

#[derive(Debug, FilterParameters)]
struct DefaultArgs {
    #[parameter(description = "The value to give instead.", arg_type = "any")]
    value: Option<Expression>,
    #[parameter(
        description = "Whether false is a value of its own (Liquid 5).",
        arg_type = "bool",
        mode = "keyword"
    )]
    allow_false: Option<Expression>,
}

#[derive(Clone, ParseFilter, FilterReflection)]
#[filter(
    name = "default",
    description = "The value, or the one given when it is nil, false or empty.",
    parameters(DefaultArgs),
    parsed(DefaultFilter)
)]
pub(super) struct Default;

#[derive(Debug, FromFilterParameters, Display_filter)]
#[name = "default"]
struct DefaultFilter {
    #[parameters]
    args: DefaultArgs,
}

impl Filter for DefaultFilter {
    /// Ruby's Liquid 5: nil, false (unless `allow_false: true`) and what is empty (`""`, `[]`,
    /// `{}`) give the value, which is `""` when none is given.
    fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> Result<Value> {
        let args = self.args.evaluate(runtime)?;
        let is_false = input
            .as_scalar()
            .is_some_and(|scalar| scalar.to_bool() == Some(false));
        let empty = input.query_state(liquid_core::model::State::Empty);
        if input.is_nil() || empty || (is_false && args.allow_false != Some(true)) {
            return Ok(args
                .value
                .map_or_else(|| Value::scalar(""), |value| value.to_value()));
        }
        Ok(input.to_value())
    }
}

#[derive(Debug, FilterParameters)]
struct SplitArgs {
    #[parameter(description = "Where to split the text.", arg_type = "any")]
    pattern: Option<Expression>,
}

#[derive(Clone, ParseFilter, FilterReflection)]
#[filter(
    name = "split",
    description = "The text cut at each place the pattern is.",
    parameters(SplitArgs),
    parsed(SplitFilter)
)]
pub(super) struct Split;

#[derive(Debug, FromFilterParameters, Display_filter)]
#[name = "split"]
struct SplitFilter {
    #[parameters]
    args: SplitArgs,
}

impl Filter for SplitFilter {
    fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> Result<Value> {
        let args = self.args.evaluate(runtime)?;
        let text = if input.is_nil() {
            String::new()
        } else {
            ruby_text::to_s(input)
        };
        let pattern = args
            .pattern
            .as_ref()
            .map_or_else(|| " ".to_string(), |p| ruby_text::to_s(p.as_view()));
        let parts = ruby_split(&text, &pattern);
        Ok(Value::Array(parts.into_iter().map(Value::scalar).collect()))
    }
}

/// Ruby's `String#split` with a text pattern: `" "` splits at runs of white space (leading
/// white space ignored), `""` into characters, anything else at each occurrence; empty
/// pieces at the end are dropped.
fn ruby_split(text: &str, pattern: &str) -> Vec<String> {
    let mut parts: Vec<String> = match pattern {
        " " => text.split_whitespace().map(str::to_string).collect(),
        "" => text.chars().map(String::from).collect(),
        pattern => text.split(pattern).map(str::to_string).collect(),
    };
    while parts.last().is_some_and(String::is_empty) {
        parts.pop();
    }
    parts
}

#[derive(Debug, FilterParameters)]
struct SentenceArgs {
    #[parameter(
        description = "The word before the last item (\"and\" by default).",
        arg_type = "any"
    )]
    connector: Option<Expression>,
}

#[derive(Clone, ParseFilter, FilterReflection)]
#[filter(
    name = "array_to_sentence_string",
    description = "The items as a sentence: a, b, and c.",
    parameters(SentenceArgs),
    parsed(ArrayToSentenceStringFilter)
)]
pub(super) struct ArrayToSentenceString;

#[derive(Debug, FromFilterParameters, Display_filter)]
#[name = "array_to_sentence_string"]
struct ArrayToSentenceStringFilter {
    #[parameters]
    args: SentenceArgs,
}

/// Jekyll's `array_to_sentence_string`: `a`, `a and b`, `a, b, and c`.
pub(super) fn sentence(items: &[String], connector: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [first, second] => format!("{first} {connector} {second}"),
        [rest @ .., last] => format!("{}, {connector} {last}", rest.join(", ")),
    }
}

impl Filter for ArrayToSentenceStringFilter {
    fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> Result<Value> {
        let args = self.args.evaluate(runtime)?;
        let connector = args
            .connector
            .as_ref()
            .map_or_else(|| "and".to_string(), |c| ruby_text::to_s(c.as_view()));
        let items: Vec<String> = sequence(input).into_iter().map(ruby_text::to_s).collect();
        Ok(Value::scalar(sentence(&items, &connector)))
    }
}

/// Jekyll's `sort`, which sorts a hash as Ruby does: its `[key, value]` pairs by key. Any
/// other input, or a sort by a property, is the engine's Jekyll `sort`.
#[derive(Clone)]
pub(super) struct SortHashes(pub liquid_lib::jekyll::Sort);

impl ParseFilter for SortHashes {
    fn parse(&self, arguments: FilterArguments) -> Result<Box<dyn Filter>> {
        let positional: Vec<Expression> = arguments.positional.collect();
        let by_property = !positional.is_empty();
        let inner = self.0.parse(FilterArguments {
            positional: Box::new(positional.into_iter()),
            keyword: arguments.keyword,
        })?;
        Ok(Box::new(SortHashesFilter { inner, by_property }))
    }

    fn reflection(&self) -> &dyn FilterReflection {
        self.0.reflection()
    }
}

#[derive(Debug)]
struct SortHashesFilter {
    inner: Box<dyn Filter>,
    by_property: bool,
}

impl std::fmt::Display for SortHashesFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.fmt(f)
    }
}

impl Filter for SortHashesFilter {
    fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> Result<Value> {
        match input.as_object() {
            Some(object) if !self.by_property => {
                let mut pairs = entries(object);
                pairs.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
                Ok(Value::Array(
                    pairs
                        .into_iter()
                        .map(|(key, value)| {
                            Value::Array(vec![Value::scalar(key.into_owned()), value.to_value()])
                        })
                        .collect(),
                ))
            }
            _ => self.inner.evaluate(input, runtime),
        }
    }
}

/// One of the engine's text filters (`append`, `upcase`, `split`…), made to read a float, a
/// list or a hash as Ruby's `to_s` writes it (`3.0`, `["a", "b"]`, `{"a"=>1}`), as Ruby's
/// Liquid does: the engine would write `3`, `ab`, and a hash's keys in no fixed order.
#[derive(Clone)]
pub(super) struct RubyText(pub Box<dyn ParseFilter>);

impl ParseFilter for RubyText {
    fn parse(&self, arguments: FilterArguments) -> Result<Box<dyn Filter>> {
        Ok(Box::new(RubyTextFilter(self.0.parse(arguments)?)))
    }

    fn reflection(&self) -> &dyn FilterReflection {
        self.0.reflection()
    }
}

#[derive(Debug)]
struct RubyTextFilter(Box<dyn Filter>);

impl std::fmt::Display for RubyTextFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl Filter for RubyTextFilter {
    fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> Result<Value> {
        let as_ruby_text = match input.as_scalar() {
            Some(scalar) => kind(&scalar) == Kind::Float,
            None => input.is_array() || input.is_object(),
        };
        if as_ruby_text {
            let text = Value::scalar(ruby_text::to_s(input));
            return self.0.evaluate(&text, runtime);
        }
        self.0.evaluate(input, runtime)
    }
}

/// What an array filter gives for nil (a variable that is not set), as Ruby's Liquid and
/// Jekyll give it where the engine stops the whole body with "Invalid input".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum OnNil {
    /// Read nil as an empty array and a hash as an array of it (`map`, `uniq`, `compact`,
    /// `reverse`, `concat`: Liquid's `InputIterator`).
    Iterated,
    /// Read nil as an empty array (`first` and `last` then give nil).
    Empty,
    /// Nil and an empty array give an empty array (`sort`: the engine refuses to sort an
    /// empty array, which Ruby sorts).
    EmptyResult,
    /// Nil as it is (Jekyll's `push`, `pop`, `shift`, `unshift` return what is not an array).
    Nil,
}

/// An array filter that reads nil as Ruby's Liquid does ([`OnNil`]).
#[derive(Clone)]
pub(super) struct WhenNil(pub Box<dyn ParseFilter>, pub OnNil);

impl ParseFilter for WhenNil {
    fn parse(&self, arguments: FilterArguments) -> Result<Box<dyn Filter>> {
        Ok(Box::new(WhenNilFilter(self.0.parse(arguments)?, self.1)))
    }

    fn reflection(&self) -> &dyn FilterReflection {
        self.0.reflection()
    }
}

#[derive(Debug)]
struct WhenNilFilter(Box<dyn Filter>, OnNil);

impl std::fmt::Display for WhenNilFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl Filter for WhenNilFilter {
    fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> Result<Value> {
        let empty_array = input.as_array().is_some_and(|items| items.size() == 0);
        match self.1 {
            OnNil::Iterated | OnNil::Empty if input.is_nil() => {
                self.0.evaluate(&Value::Array(Vec::new()), runtime)
            }
            OnNil::Iterated if input.is_object() => self
                .0
                .evaluate(&Value::Array(vec![input.to_value()]), runtime),
            OnNil::EmptyResult if input.is_nil() || empty_array => Ok(Value::Array(Vec::new())),
            OnNil::Nil if input.is_nil() => Ok(Value::Nil),
            _ => self.0.evaluate(input, runtime),
        }
    }
}

#[derive(Debug, FilterParameters)]
struct SlugifyArgs {
    #[parameter(
        description = "The mode: \"raw\", \"default\", \"pretty\", \"ascii\" or \"latin\" (any other value only lowercases).",
        arg_type = "any"
    )]
    mode: Option<Expression>,
}

#[derive(Clone, ParseFilter, FilterReflection)]
#[filter(
    name = "slugify",
    description = "The text as a URL slug, as Jekyll 4.3 makes it.",
    parameters(SlugifyArgs),
    parsed(SlugifyFilter)
)]
pub(super) struct Slugify;

#[derive(Debug, FromFilterParameters, Display_filter)]
#[name = "slugify"]
struct SlugifyFilter {
    #[parameters]
    args: SlugifyArgs,
}

impl Filter for SlugifyFilter {
    fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> Result<Value> {
        let args = self.args.evaluate(runtime)?;
        if input.is_nil() {
            return Ok(Value::Nil);
        }
        // No mode (or nil) is the default one; a mode that is not text names no mode.
        let mode = match args.mode {
            None => Some("default".into()),
            Some(mode) if mode.is_nil() => Some("default".into()),
            Some(mode) => mode
                .as_scalar()
                .and_then(|s| (kind(&s) == Kind::Text).then(|| s.into_string().to_string())),
        };
        Ok(Value::scalar(slugify(
            &ruby_text::to_s(input),
            mode.as_deref(),
        )))
    }
}

/// Jekyll 4.3's `Utils.slugify` (not cased): in `raw` mode runs of ASCII white space become one
/// `-`; in `default` mode runs of anything but letters, marks and decimal digits (Unicode's
/// `\p{L}`, `\p{M}`, `\p{Nd}`); in `pretty` mode the same, but `._~!$&'()+,;=@` are kept; in
/// `ascii` mode anything but ASCII letters and digits; `latin` transliterates Ruby's I18n
/// way first (accented Latin letters to ASCII, every other character that is not ASCII to
/// `?`), then works as `ascii`. One `-` is taken from each end, and the text is lowercased
/// a character at a time as Ruby's `downcase` does (no final sigma). Another mode (or none
/// that is text) only lowercases.
pub(crate) fn slugify(text: &str, mode: Option<&str>) -> String {
    use std::sync::LazyLock;
    // Ruby's `\s`: ASCII white space only.
    static RAW: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"[ \t\r\n\x0B\x0C]+").unwrap());
    static DEFAULT: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"[^\p{M}\p{L}\p{Nd}]+").unwrap());
    static PRETTY: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"[^\p{M}\p{L}\p{Nd}._~!$&'()+,;=@]+").unwrap());
    static ASCII: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"[^A-Za-z0-9]+").unwrap());
    let downcase = |text: &str| -> String { text.chars().flat_map(char::to_lowercase).collect() };
    let (pattern, text) = match mode {
        Some("raw") => (&*RAW, Cow::Borrowed(text)),
        Some("default") => (&*DEFAULT, Cow::Borrowed(text)),
        Some("pretty") => (&*PRETTY, Cow::Borrowed(text)),
        Some("ascii") => (&*ASCII, Cow::Borrowed(text)),
        Some("latin") => (&*ASCII, Cow::Owned(transliterate(text))),
        _ => return downcase(text),
    };
    let slug = pattern.replace_all(&text, "-");
    let slug = slug.strip_prefix('-').unwrap_or(&slug);
    let slug = slug.strip_suffix('-').unwrap_or(slug);
    downcase(slug)
}

/// Ruby I18n's default transliteration (`I18n.transliterate`, i18n 1.x): the Latin-1 and
/// Latin Extended-A letters to their ASCII approximations, every other character that is
/// not ASCII to `?`.
fn transliterate(text: &str) -> String {
    // Latin-1 Supplement from U+00C0, one entry per character.
    const LATIN_1: [&str; 64] = [
        "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I", "I", //
        "D", "N", "O", "O", "O", "O", "O", "x", "O", "U", "U", "U", "U", "Y", "Th", "ss", //
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i", //
        "d", "n", "o", "o", "o", "o", "o", "?", "o", "u", "u", "u", "u", "y", "th", "y",
    ];
    // Latin Extended-A, U+0100 to U+017E.
    const EXTENDED_A: [&str; 127] = [
        "A", "a", "A", "a", "A", "a", "C", "c", "C", "c", "C", "c", "C", "c", "D", "d", //
        "D", "d", "E", "e", "E", "e", "E", "e", "E", "e", "E", "e", "G", "g", "G", "g", //
        "G", "g", "G", "g", "H", "h", "H", "h", "I", "i", "I", "i", "I", "i", "I", "i", //
        "I", "i", "IJ", "ij", "J", "j", "K", "k", "k", "L", "l", "L", "l", "L", "l", "L", //
        "l", "L", "l", "N", "n", "N", "n", "N", "n", "'n", "NG", "ng", "O", "o", "O", "o", //
        "O", "o", "OE", "oe", "R", "r", "R", "r", "R", "r", "S", "s", "S", "s", "S", "s", //
        "S", "s", "T", "t", "T", "t", "T", "t", "U", "u", "U", "u", "U", "u", "U", "u", //
        "U", "u", "U", "u", "W", "w", "Y", "y", "Y", "Z", "z", "Z", "z", "Z", "z",
    ];
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let code = c as usize;
        match code {
            0..=0x7f => out.push(c),
            0xc0..=0xff => out.push_str(LATIN_1[code - 0xc0]),
            0x100..=0x17e => out.push_str(EXTENDED_A[code - 0x100]),
            _ => out.push('?'),
        }
    }
    out
}
