//! The Liquid language a post body is read with: the engine's standard tags, blocks and
//! filters, the Jekyll filters `liquid-lib` ships, Ruby's own `for` and `tablerow`
//! ([`super::loops`]), `echo` (which every `{{ … }}` becomes in [`super::prepare`], so that
//! values are written as Ruby writes them), and Jekyll's own `include`, `include_relative` and
//! `highlight` (`post_url` and `link` are resolved before parsing, in [`super::prepare`]).

use std::io::Write;

use liquid_core::error::ResultLiquidReplaceExt;
use liquid_core::model::{KStringRef, Object, Value, ValueView};
use liquid_core::parser::TagToken;
use liquid_core::runtime::StackFrame;
use liquid_core::{
    BlockReflection, Expression, Language, ParseBlock, ParseFilter, ParseTag, Renderable, Result,
    Runtime, TagBlock, TagReflection, TagTokenIter, Template,
};
use liquid_lib::{jekyll, stdlib};

use super::limits;
use super::runtime::{Bounded, IncludeDepth, Lenient, Problems};
use super::{dates, filters, numbers};

/// The language every body and include is parsed with (the same for every site: built once).
pub(super) fn language() -> &'static Language {
    static LANGUAGE: std::sync::OnceLock<Language> = std::sync::OnceLock::new();
    LANGUAGE.get_or_init(build_language)
}

fn build_language() -> Language {
    let mut language = Language::default();
    let tags: [Box<dyn ParseTag>; 9] = [
        Box::new(Echo),
        Box::new(stdlib::AssignTag),
        Box::new(stdlib::BreakTag),
        Box::new(stdlib::ContinueTag),
        Box::new(stdlib::CycleTag),
        Box::new(stdlib::IncrementTag),
        Box::new(stdlib::DecrementTag),
        Box::new(Include::Include),
        Box::new(Include::Relative),
    ];
    for tag in tags {
        language
            .tags
            .register(tag.reflection().tag().to_string(), tag);
    }
    let blocks: [Box<dyn ParseBlock>; 10] = [
        Box::new(stdlib::RawBlock),
        Box::new(stdlib::IfBlock),
        Box::new(stdlib::UnlessBlock),
        Box::new(stdlib::IfChangedBlock),
        Box::new(super::loops::For),
        Box::new(super::loops::TableRow),
        Box::new(stdlib::CommentBlock),
        Box::new(Capture),
        Box::new(stdlib::CaseBlock),
        Box::new(Highlight),
    ];
    for block in blocks {
        let name = block.reflection().start_tag().to_string();
        language.blocks.register(name, block);
    }
    // The engine's text filters, reading what is not text as Ruby writes it.
    let text: Vec<Box<dyn ParseFilter>> = vec![
        Box::new(stdlib::Append),
        Box::new(stdlib::Capitalize),
        Box::new(stdlib::Downcase),
        Box::new(stdlib::Escape),
        Box::new(stdlib::EscapeOnce),
        Box::new(stdlib::Lstrip),
        Box::new(stdlib::NewlineToBr),
        Box::new(stdlib::Prepend),
        Box::new(stdlib::Remove),
        Box::new(stdlib::RemoveFirst),
        Box::new(stdlib::Replace),
        Box::new(stdlib::ReplaceFirst),
        Box::new(stdlib::Rstrip),
        Box::new(stdlib::Strip),
        Box::new(stdlib::StripHtml),
        Box::new(stdlib::StripNewlines),
        Box::new(stdlib::Truncate),
        Box::new(stdlib::TruncateWords),
        Box::new(stdlib::Upcase),
        Box::new(stdlib::UrlDecode),
        Box::new(filters::Slugify),
    ];
    // Array filters read nil (and `sort` an empty array) as Ruby's Liquid does, where the
    // engine would stop the whole body.
    use filters::{OnNil, WhenNil};
    let on_nil = |filter: Box<dyn ParseFilter>, nil: OnNil| -> Box<dyn ParseFilter> {
        Box::new(WhenNil(filter, nil))
    };
    let standard: Vec<Box<dyn ParseFilter>> = vec![
        on_nil(Box::new(stdlib::Compact), OnNil::Iterated),
        on_nil(Box::new(stdlib::Concat), OnNil::Iterated),
        on_nil(Box::new(stdlib::First), OnNil::Empty),
        on_nil(Box::new(stdlib::Last), OnNil::Empty),
        on_nil(Box::new(stdlib::Map), OnNil::Iterated),
        on_nil(Box::new(stdlib::Reverse), OnNil::Iterated),
        Box::new(stdlib::Size),
        Box::new(stdlib::Slice),
        Box::new(stdlib::SortNatural),
        on_nil(Box::new(stdlib::Uniq), OnNil::Iterated),
        // Ruby's dates.
        Box::new(dates::Date),
        Box::new(dates::DateToString),
        Box::new(dates::DateToLongString),
        Box::new(dates::DateToXmlschema),
        Box::new(dates::DateToRfc822),
        // Jekyll's versions of `sort` (a property, nils order, a hash's pairs) and its array
        // filters.
        on_nil(
            Box::new(filters::SortHashes(jekyll::Sort)),
            OnNil::EmptyResult,
        ),
        on_nil(Box::new(jekyll::Push), OnNil::Nil),
        on_nil(Box::new(jekyll::Pop), OnNil::Nil),
        on_nil(Box::new(jekyll::Shift), OnNil::Nil),
        on_nil(Box::new(jekyll::Unshift), OnNil::Nil),
    ];
    let text = text
        .into_iter()
        .map(|filter| Box::new(filters::RubyText(filter)) as Box<dyn ParseFilter>);
    for filter in text
        .chain(standard)
        .chain(numbers::number_filters())
        .chain(filters::jekyll_filters())
    {
        let name = filter.reflection().name().to_string();
        language.filters.register(name, filter);
    }
    super::budget::bound_language(&mut language);
    language
}

/// `{% echo value | filter %}`, Liquid 5's spelling of `{{ value | filter }}`: writes the
/// value as Ruby writes it ([`super::ruby_text::write_output`]).
#[derive(Debug, Clone, Copy)]
pub(super) struct Echo;

impl TagReflection for Echo {
    fn tag(&self) -> &'static str {
        "echo"
    }
    fn description(&self) -> &'static str {
        "Writes a value, as {{ value }} does."
    }
}

impl ParseTag for Echo {
    fn parse(
        &self,
        mut arguments: TagTokenIter<'_>,
        options: &Language,
    ) -> Result<Box<dyn Renderable>> {
        let Some(value) = arguments.next() else {
            // `{{ }}` writes nothing.
            return Ok(Box::new(Echoed(None)));
        };
        let chain = value.expect_filter_chain(options).into_result()?;
        arguments.expect_nothing()?;
        Ok(Box::new(Echoed(Some(chain))))
    }

    fn reflection(&self) -> &dyn TagReflection {
        self
    }
}

#[derive(Debug)]
struct Echoed(Option<liquid_core::parser::FilterChain>);

impl Renderable for Echoed {
    fn render_to(&self, writer: &mut dyn Write, runtime: &dyn Runtime) -> Result<()> {
        let Some(chain) = &self.0 else {
            return Ok(());
        };
        let value = chain
            .evaluate(runtime)
            .map_err(|error| error.trace(format!("{{{{ {chain} }}}}")))?;
        let mut text = String::new();
        super::ruby_text::write_output(value.as_view(), &mut text);
        writer
            .write_all(text.as_bytes())
            .replace("Failed to render")
    }
}

/// `{% include name.html key="value" other=page.x %}` and `{% include_relative … %}`.
#[derive(Debug, Clone, Copy)]
pub(super) enum Include {
    Include,
    Relative,
}

impl TagReflection for Include {
    fn tag(&self) -> &'static str {
        match self {
            Include::Include => "include",
            Include::Relative => "include_relative",
        }
    }
    fn description(&self) -> &'static str {
        "Jekyll's include: a file of _includes/ (or next to the post), with parameters as include.*"
    }
}

impl ParseTag for Include {
    fn parse(
        &self,
        arguments: TagTokenIter<'_>,
        _options: &Language,
    ) -> Result<Box<dyn Renderable>> {
        let tokens: Vec<TagToken<'_>> = arguments.collect();
        let source = tokens
            .iter()
            .map(TagToken::as_str)
            .collect::<Vec<_>>()
            .join(" ");
        let first_key = (1..tokens.len())
            .find(|&i| tokens.get(i + 1).is_some_and(|t| t.as_str() == "="))
            .unwrap_or(tokens.len());
        let name: String = tokens[..first_key]
            .iter()
            .map(|t| t.as_str().trim_matches(|c| c == '"' || c == '\''))
            .collect();
        if name.is_empty() {
            return Err(liquid_core::Error::with_msg("a file name is expected"));
        }
        let mut parameters = Vec::new();
        let mut rest = tokens.into_iter().skip(first_key);
        while let Some(key) = rest.next() {
            let key = key.as_str().to_string();
            match rest.next() {
                Some(equals) if equals.as_str() == "=" => {}
                _ => return Err(liquid_core::Error::with_msg("`key=value` is expected")),
            }
            let value = rest
                .next()
                .ok_or_else(|| liquid_core::Error::with_msg("a value is expected"))?
                .expect_value()
                .into_result()?;
            parameters.push((key, value));
        }
        Ok(Box::new(IncludeCall {
            kind: *self,
            name,
            parameters,
            source: format!("{} {}", self.tag(), source),
        }))
    }

    fn reflection(&self) -> &dyn TagReflection {
        self
    }
}

#[derive(Debug)]
struct IncludeCall {
    kind: Include,
    name: String,
    parameters: Vec<(String, Expression)>,
    /// The tag's inside as written, for warnings.
    source: String,
}

impl IncludeCall {
    /// Warns that the include was left out, and why.
    fn left_out(&self, runtime: &dyn Runtime, why: &str) {
        let message = format!(
            "Liquid {{% {} %}}: {}; left out",
            self.source,
            super::first_line(why)
        );
        self.problem(runtime, message);
    }

    fn problem(&self, runtime: &dyn Runtime, message: String) {
        runtime
            .registers()
            .get_mut::<Problems>()
            .0
            .push((self.source.clone(), message));
    }
}

impl Renderable for IncludeCall {
    fn render_to(&self, writer: &mut dyn Write, runtime: &dyn Runtime) -> Result<()> {
        let depth = runtime.registers().get_mut::<IncludeDepth>().0;
        if depth >= limits::INCLUDE_DEPTH {
            self.problem(
                runtime,
                format!(
                    "Liquid {{% {} %}}: includes nested more than {} deep (a recursive include?); left out",
                    self.source,
                    limits::INCLUDE_DEPTH
                ),
            );
            return Ok(());
        }
        let key = match self.kind {
            Include::Include => format!("include:{}", self.name),
            Include::Relative => format!("relative:{}", self.name),
        };
        let partial = match runtime.partials().get(&key) {
            Ok(partial) => partial,
            Err(error) => {
                self.left_out(runtime, &error.to_string());
                return Ok(());
            }
        };
        let mut parameters = Object::new();
        for (key, value) in &self.parameters {
            let value = value
                .try_evaluate(runtime)
                .map_or(Value::Nil, |v| v.into_owned());
            parameters.insert(key.clone().into(), value);
        }
        let parameters = Value::Object(parameters);
        let mut frame: std::collections::HashMap<KStringRef<'_>, &dyn ValueView> =
            std::collections::HashMap::new();
        frame.insert("include".into(), &parameters);
        let scope = Lenient(StackFrame::new(runtime, &frame));
        runtime.registers().get_mut::<IncludeDepth>().0 += 1;
        // Rendered aside first: an include that fails is left out whole, not cut in half.
        let mut aside = Bounded::default();
        let rendered = partial.render_to(&mut aside, &scope);
        runtime.registers().get_mut::<IncludeDepth>().0 -= 1;
        match rendered {
            Ok(()) => writer.write_all(&aside.bytes).replace("Failed to render"),
            Err(error) => {
                self.left_out(runtime, &error.to_string());
                Ok(())
            }
        }
    }
}

/// `{% highlight ruby linenos %}…{% endhighlight %}`: a fenced code block (the archive shows
/// code without colours), its body rendered as Liquid first, as Jekyll does; with `linenos`,
/// Jekyll's table of line numbers beside the code.
#[derive(Debug, Clone, Copy)]
pub(super) struct Highlight;

impl BlockReflection for Highlight {
    fn start_tag(&self) -> &str {
        "highlight"
    }
    fn end_tag(&self) -> &str {
        "endhighlight"
    }
    fn description(&self) -> &str {
        "Jekyll's highlight: a code block"
    }
}

impl ParseBlock for Highlight {
    fn parse(
        &self,
        arguments: TagTokenIter<'_>,
        mut block: TagBlock<'_, '_>,
        options: &Language,
    ) -> Result<Box<dyn Renderable>> {
        let mut arguments = arguments.map(|t| t.as_str().to_string());
        let language = arguments.next().unwrap_or_default();
        // `linenos`, `linenos=table` or `linenos=inline`: Jekyll draws the numbers beside
        // the code either way once colouring is off.
        let line_numbers = arguments.any(|a| a == "linenos" || a.starts_with("linenos="));
        let body = Template::new(block.parse_all(options)?);
        block.assert_empty();
        Ok(Box::new(CodeBlock {
            language,
            line_numbers,
            body,
        }))
    }

    fn reflection(&self) -> &dyn BlockReflection {
        self
    }
}

#[derive(Debug)]
struct CodeBlock {
    language: String,
    line_numbers: bool,
    body: Template,
}

impl Renderable for CodeBlock {
    fn render_to(&self, writer: &mut dyn Write, runtime: &dyn Runtime) -> Result<()> {
        let mut code = Bounded::default();
        self.body.render_to(&mut code, runtime)?;
        let code = code.into_text();
        let code = code.trim_matches('\n');
        if self.line_numbers {
            return write!(writer, "\n{}\n", numbered_code(&self.language, code))
                .replace("Failed to render");
        }
        let longest_run = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
        let fence = "`".repeat((longest_run + 1).max(3));
        write!(writer, "\n{fence}{}\n{code}\n{fence}\n", self.language).replace("Failed to render")
    }
}

/// Code with its line numbers, as Jekyll's `highlight … linenos` writes it (a table: the
/// numbers, then the code), on one line — its newlines written `&#10;` — so that Markdown
/// takes it as one HTML block whatever blank lines the code holds.
fn numbered_code(language: &str, code: &str) -> String {
    let escape = |text: &str| {
        let mut escaped = String::with_capacity(text.len());
        // Writing to a String cannot fail.
        let _ = pulldown_cmark_escape::escape_html(&mut escaped, text);
        escaped.replace('\n', "&#10;")
    };
    let numbers: String = (1..=code.lines().count().max(1))
        .map(|n| format!("{n}&#10;"))
        .collect();
    let language = escape(language);
    format!(
        "<figure class=\"highlight\"><pre><code class=\"language-{language}\" data-lang=\"{language}\">\
         <table class=\"rouge-table\"><tbody><tr><td class=\"gutter gl\"><pre class=\"lineno\">{numbers}</pre></td>\
         <td class=\"code\"><pre>{}&#10;</pre></td></tr></tbody></table></code></pre></figure>",
        escape(code)
    )
}

/// `{% capture name %}…{% endcapture %}`, written into a bounded buffer (the engine's own
/// grows without limit: a loop inside a capture could fill the memory).
#[derive(Debug, Clone, Copy)]
struct Capture;

impl BlockReflection for Capture {
    fn start_tag(&self) -> &str {
        "capture"
    }
    fn end_tag(&self) -> &str {
        "endcapture"
    }
    fn description(&self) -> &str {
        "Renders its block into a variable."
    }
}

impl ParseBlock for Capture {
    fn parse(
        &self,
        mut arguments: TagTokenIter<'_>,
        mut block: TagBlock<'_, '_>,
        options: &Language,
    ) -> Result<Box<dyn Renderable>> {
        let name = arguments
            .expect_next("a variable name")?
            .expect_identifier()
            .into_result()?
            .to_string();
        arguments.expect_nothing()?;
        let template = Template::new(block.parse_all(options)?);
        block.assert_empty();
        Ok(Box::new(Captured { name, template }))
    }

    fn reflection(&self) -> &dyn BlockReflection {
        self
    }
}

#[derive(Debug)]
struct Captured {
    name: String,
    template: Template,
}

impl Renderable for Captured {
    fn render_to(&self, _: &mut dyn Write, runtime: &dyn Runtime) -> Result<()> {
        let mut captured = Bounded::default();
        self.template.render_to(&mut captured, runtime)?;
        runtime.set_global(
            self.name.clone().into(),
            Value::scalar(captured.into_text()),
        );
        Ok(())
    }
}
