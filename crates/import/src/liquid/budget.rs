//! The work one body's Liquid may do in all, beyond what it writes and assigns
//! ([`super::runtime`]), so that no post can exhaust the memory or stall the build:
//!
//! - every filter's result counts toward the body's bytes of work (a chain of `replace`
//!   multiplies a string at each step, and no step of it is written or assigned), and one
//!   whose size the input and the arguments tell (`replace`, `split`, `join`, `append`,
//!   `date`…) is refused before it is made: the allocation itself is what would abort the
//!   build;
//! - steps: each time a `for` or `tablerow` renders its body (through a tag
//!   [`super::prepare`] puts at the start of each, [`LOOP_STEP_TAG`]), each tag rendered and
//!   each write of output, each filter call and each item a filter goes through or makes,
//!   each kilobyte of the values the tags and filters look up (the engine copies a value at
//!   every lookup: a condition on a large value, in a loop, is as costly as its size each
//!   time), and for a long tag or output, each 64 bytes of it (a block's conditions and its
//!   literals are evaluated at each render).
//!
//! Every tag, block and filter the language registers is wrapped here ([`bound_language`]),
//! standard and Jekyll ones alike, so that one added later is bounded too.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::io::Write;

use liquid_core::model::{KString, KStringCow, KStringRef, ScalarCow, Value, ValueCow, ValueView};
use liquid_core::parser::{FilterArguments, TagBlock};
use liquid_core::runtime::{PartialStore, Registers};
use liquid_core::{
    BlockReflection, Expression, Filter, FilterReflection, Language, ParseBlock, ParseFilter,
    ParseTag, Renderable, Result, Runtime, TagReflection, TagTokenIter, Template,
};

use super::limits;
use super::runtime::{spend, value_bytes, work_spent, Bounded};

thread_local! {
    /// Steps the body being rendered on this thread took so far.
    static STEPS: Cell<u64> = const { Cell::new(0) };
    /// Bytes looked up since the last whole kilobyte was counted as a step.
    static LOOKED_UP: Cell<usize> = const { Cell::new(0) };
    /// Whether a lookup is being measured (an outer [`Metered`] layer leaves it to the
    /// innermost, which asked first).
    static MEASURING: Cell<bool> = const { Cell::new(false) };
    /// Why the body's render was stopped by this module, once it was.
    static STOPPED: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Starts the count of a new body.
pub(super) fn reset() {
    STEPS.with(|steps| steps.set(0));
    LOOKED_UP.with(|bytes| bytes.set(0));
    MEASURING.with(|measuring| measuring.set(false));
    STOPPED.with(|stopped| stopped.borrow_mut().take());
}

/// Why the body's render was stopped, if it was: the render stops at its next lookup (an
/// include that failed on it is left out, and the body must not run on).
pub(super) fn stopped() -> Option<String> {
    STOPPED.with(|stopped| stopped.borrow().clone())
}

/// Steps taken so far (for tests).
#[cfg(test)]
pub(super) fn steps_taken() -> u64 {
    STEPS.with(Cell::get)
}

#[cfg(test)]
thread_local! {
    static STEPS_LIMIT: Cell<u64> = const { Cell::new(limits::WORK_STEPS) };
}

/// Runs `f` with a smaller steps budget on this thread (tests run unoptimized: ten million
/// steps take a minute there).
#[cfg(test)]
pub(super) fn with_steps_limit<T>(limit: u64, f: impl FnOnce() -> T) -> T {
    let before = STEPS_LIMIT.with(|l| l.replace(limit));
    let result = f();
    STEPS_LIMIT.with(|l| l.set(before));
    result
}

fn steps_limit() -> u64 {
    #[cfg(test)]
    return STEPS_LIMIT.with(Cell::get);
    #[cfg(not(test))]
    limits::WORK_STEPS
}

fn stop(message: String) -> liquid_core::Error {
    STOPPED.with(|stopped| {
        stopped.borrow_mut().get_or_insert_with(|| message.clone());
    });
    liquid_core::Error::with_msg(message)
}

/// Takes `count` more steps: an error once the body passes [`limits::WORK_STEPS`].
fn step(count: u64) -> Result<()> {
    let total = STEPS.with(|steps| {
        let total = steps.get().saturating_add(count);
        steps.set(total);
        total
    });
    if total > steps_limit() {
        return Err(stop(format!(
            "Liquid ran more than {} steps in all (loop iterations, tags, outputs, filters \
             and the kilobytes of values they looked at)",
            steps_limit()
        )));
    }
    Ok(())
}

/// A step for a write of Liquid's output (see [`super::runtime::Bounded`]): why not, once
/// the body passes its steps.
pub(super) fn step_for_write() -> std::result::Result<(), String> {
    step(1).map_err(|_| stopped().unwrap_or_default())
}

/// Counts `bytes` more of values looked at: a step a kilobyte.
fn look_at(bytes: usize) -> Result<()> {
    let kilobytes = LOOKED_UP.with(|looked| {
        let total = looked.get().saturating_add(bytes);
        looked.set(total % 1024);
        total / 1024
    });
    match kilobytes {
        0 => Ok(()),
        kilobytes => step(u64::try_from(kilobytes).unwrap_or(u64::MAX)),
    }
}

/// The message of a value refused for the body's work in bytes.
fn too_large(filter: &str, bytes: usize) -> liquid_core::Error {
    stop(format!(
        "Liquid's `{filter}` would make {} MB, and a body's Liquid may write, assign and \
         compute {} MB in all",
        bytes.div_ceil(1 << 20),
        limits::WORK_BYTES >> 20
    ))
}

/// The name of the tag that counts steps: [`super::prepare`] puts one at the start of every
/// `for` and `tablerow` body, and [`weigh_long_markup`] one before every long tag. Nobody
/// writes it: it says what it is for.
pub(super) const LOOP_STEP_TAG: &str = "gazette_loop_step";

/// Wraps every tag, block and filter `language` has so that its work is counted and its
/// results bounded; registers the tag that counts loop bodies, and a bounded `ifchanged`
/// (the engine's renders its block into a buffer that nothing bounds).
pub(super) fn bound_language(language: &mut Language) {
    language
        .blocks
        .register("ifchanged".to_string(), Box::new(IfChanged));
    let filters: Vec<Box<dyn ParseFilter>> = language.filters.plugins().cloned().collect();
    for filter in filters {
        let name = filter.reflection().name().to_string();
        language
            .filters
            .register(name, Box::new(BoundedParse { inner: filter }));
    }
    let tags: Vec<Box<dyn ParseTag>> = language.tags.plugins().cloned().collect();
    for tag in tags {
        let name = tag.reflection().tag().to_string();
        language
            .tags
            .register(name, Box::new(CountedTag { inner: tag }));
    }
    let blocks: Vec<Box<dyn ParseBlock>> = language.blocks.plugins().cloned().collect();
    for block in blocks {
        let name = block.reflection().start_tag().to_string();
        language
            .blocks
            .register(name, Box::new(CountedBlock { inner: block }));
    }
    // A step of its own, uncounted as a tag.
    language
        .tags
        .register(LOOP_STEP_TAG.to_string(), Box::new(LoopStep));
}

/// A tag of the language, counted.
#[derive(Clone)]
struct CountedTag {
    inner: Box<dyn ParseTag>,
}

impl ParseTag for CountedTag {
    fn parse(
        &self,
        arguments: TagTokenIter<'_>,
        options: &Language,
    ) -> Result<Box<dyn Renderable>> {
        Ok(Box::new(Counted(self.inner.parse(arguments, options)?)))
    }

    fn reflection(&self) -> &dyn TagReflection {
        self.inner.reflection()
    }
}

/// A block of the language, counted.
#[derive(Clone)]
struct CountedBlock {
    inner: Box<dyn ParseBlock>,
}

impl ParseBlock for CountedBlock {
    fn parse(
        &self,
        arguments: TagTokenIter<'_>,
        block: TagBlock<'_, '_>,
        options: &Language,
    ) -> Result<Box<dyn Renderable>> {
        Ok(Box::new(Counted(
            self.inner.parse(arguments, block, options)?,
        )))
    }

    fn reflection(&self) -> &dyn BlockReflection {
        self.inner.reflection()
    }
}

/// A tag or block: a step each time it is rendered, and the values it looks up measured.
#[derive(Debug)]
struct Counted(Box<dyn Renderable>);

impl Renderable for Counted {
    fn render_to(&self, writer: &mut dyn Write, runtime: &dyn Runtime) -> Result<()> {
        step(1)?;
        self.0.render_to(writer, &Metered(runtime))
    }
}

/// A runtime whose lookups count the bytes of what they find (the engine copies it).
pub(super) struct Metered<'r>(pub &'r dyn Runtime);

impl Metered<'_> {
    fn measured<T>(&self, look: impl FnOnce() -> T, bytes: impl Fn(&T) -> usize) -> Result<T> {
        if MEASURING.with(|measuring| measuring.replace(true)) {
            return Ok(look());
        }
        let found = look();
        MEASURING.with(|measuring| measuring.set(false));
        look_at(bytes(&found))?;
        Ok(found)
    }
}

impl Runtime for Metered<'_> {
    fn partials(&self) -> &dyn PartialStore {
        self.0.partials()
    }
    fn name(&self) -> Option<KStringRef<'_>> {
        self.0.name()
    }
    fn roots(&self) -> std::collections::BTreeSet<KStringCow<'_>> {
        self.0.roots()
    }
    fn try_get(&self, path: &[ScalarCow<'_>]) -> Option<ValueCow<'_>> {
        // No error to give here: a budget passed stops the render at the next step.
        self.measured(
            || self.0.try_get(path),
            |found| {
                found
                    .as_ref()
                    .map_or(0, |value| value_bytes(value.as_view()))
            },
        )
        .ok()
        .flatten()
    }
    fn get(&self, path: &[ScalarCow<'_>]) -> Result<ValueCow<'_>> {
        self.measured(
            || self.0.get(path),
            |found| {
                found
                    .as_ref()
                    .map_or(0, |value| value_bytes(value.as_view()))
            },
        )?
    }
    fn set_global(&self, name: KString, val: Value) -> Option<Value> {
        self.0.set_global(name, val)
    }
    fn set_index(&self, name: KString, val: Value) -> Option<Value> {
        self.0.set_index(name, val)
    }
    fn get_index<'a>(&'a self, name: &str) -> Option<ValueCow<'a>> {
        self.0.get_index(name)
    }
    fn registers(&self) -> &Registers {
        self.0.registers()
    }
}

/// A filter of the language, bounded.
#[derive(Clone)]
struct BoundedParse {
    inner: Box<dyn ParseFilter>,
}

impl ParseFilter for BoundedParse {
    fn parse(&self, arguments: FilterArguments<'_>) -> Result<Box<dyn Filter>> {
        let positional: Vec<Expression> = arguments.positional.collect();
        let keyword: Vec<(&str, Expression)> = arguments.keyword.collect();
        let inner = self.inner.parse(FilterArguments {
            positional: Box::new(positional.clone().into_iter()),
            keyword: Box::new(keyword.into_iter()),
        })?;
        Ok(Box::new(BoundedFilter {
            name: self.inner.reflection().name().to_string(),
            inner,
            positional,
        }))
    }

    fn reflection(&self) -> &dyn FilterReflection {
        self.inner.reflection()
    }
}

#[derive(Debug)]
struct BoundedFilter {
    name: String,
    inner: Box<dyn Filter>,
    /// The positional arguments as written, for the filters whose result's size they tell.
    positional: Vec<Expression>,
}

impl fmt::Display for BoundedFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

impl Filter for BoundedFilter {
    fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> Result<Value> {
        // A filter over an array or an object goes through its items (`where`, `sort`,
        // `map`, `jsonify`…).
        let items = input
            .as_array()
            .map(|array| array.size())
            .or_else(|| input.as_object().map(|object| object.size()))
            .unwrap_or(0);
        step(1 + u64::try_from(items).unwrap_or(0))?;
        // The input was copied to get here (an output's lookup is no tag's).
        look_at(value_bytes(input))?;
        if let Some(bytes) = self.predicted_bytes(input, runtime) {
            if work_spent().saturating_add(bytes) > limits::WORK_BYTES {
                return Err(too_large(&self.name, bytes));
            }
        }
        let value = self.inner.evaluate(input, runtime)?;
        if let Value::Array(items) = &value {
            step(items.len() as u64)?;
        }
        let bytes = value_bytes(&value);
        if !spend(bytes) {
            return Err(too_large(&self.name, bytes));
        }
        Ok(value)
    }
}

impl BoundedFilter {
    /// The text of the `index`th positional argument, or `default` when it is not given.
    fn argument(&self, index: usize, runtime: &dyn Runtime, default: &str) -> Option<String> {
        match self.positional.get(index) {
            None => Some(default.to_string()),
            Some(expression) => expression
                .try_evaluate(runtime)
                .map(|value| value.to_kstr().into_string()),
        }
    }

    /// The bytes the filter's result will hold (for `split`, the memory its array takes),
    /// when the input and the arguments tell it: those whose result can pass a bounded
    /// multiple of theirs, and those that add them up; `None` for the other filters, whose
    /// result is counted once it is made.
    fn predicted_bytes(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> Option<usize> {
        match self.name.as_str() {
            "replace" => {
                let text = input.to_kstr();
                let search = self.argument(0, runtime, "")?;
                let replacement = self.argument(1, runtime, "")?;
                Some(replaced_len(&text, &search, &replacement))
            }
            "split" => {
                let text = input.to_kstr();
                let pattern = self.argument(0, runtime, "")?;
                let items = split_items(&text, &pattern);
                Some(
                    text.len()
                        .saturating_add(items.saturating_mul(std::mem::size_of::<Value>())),
                )
            }
            "join" => {
                let array = input.as_array()?;
                let separator = self.argument(0, runtime, " ")?;
                let items = usize::try_from(array.size()).unwrap_or(0);
                let text: usize = array.values().map(value_bytes).sum();
                Some(text.saturating_add(separator.len().saturating_mul(items.saturating_sub(1))))
            }
            "append" | "prepend" | "replace_first" => {
                let text = input.to_kstr();
                let added =
                    self.argument(usize::from(self.name == "replace_first"), runtime, "")?;
                Some(text.len().saturating_add(added.len()))
            }
            "date" => {
                let format = self.argument(0, runtime, "")?;
                Some(formatted_date_len(&format))
            }
            _ => None,
        }
    }
}

/// The length of `text` with every `search` replaced (`str::replace`'s: an empty `search`
/// matches between every two characters and at both ends), without making it.
fn replaced_len(text: &str, search: &str, replacement: &str) -> usize {
    let matches = if search.is_empty() {
        text.chars().count() + 1
    } else {
        memchr::memmem::find_iter(text.as_bytes(), search.as_bytes()).count()
    };
    let removed = matches.saturating_mul(search.len());
    text.len()
        .saturating_sub(removed)
        .saturating_add(matches.saturating_mul(replacement.len()))
}

/// The items `str::split` makes of `text` (an empty pattern: one a character, and an empty
/// one at each end).
fn split_items(text: &str, pattern: &str) -> usize {
    if pattern.is_empty() {
        text.chars().count() + 2
    } else {
        memchr::memmem::find_iter(text.as_bytes(), pattern.as_bytes()).count() + 1
    }
}

/// Bytes at most that a `date` format writes: each of its characters at most 32 (`%c` is 24
/// from two), and the widths it asks for (`%1000000000Y` pads the year to a billion digits).
fn formatted_date_len(format: &str) -> usize {
    let bytes = format.as_bytes();
    let mut widths = 0usize;
    let mut at = 0;
    while let Some(found) = memchr::memchr(b'%', &bytes[at..]) {
        at += found + 1;
        while bytes
            .get(at)
            .is_some_and(|b| matches!(b, b'-' | b'_' | b'0' | b'^' | b'#'))
        {
            at += 1;
        }
        let digits = bytes[at..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits > 0 {
            let width = format[at..at + digits]
                .parse::<usize>()
                .unwrap_or(usize::MAX);
            widths = widths.saturating_add(width);
        }
        at += digits;
    }
    format.len().saturating_mul(32).saturating_add(widths)
}

/// The step tag for `steps` steps, trimming the white space before or after it as the tag
/// it stands beside does (`{%-`, `-%}`), so that it changes nothing the body writes.
pub(super) fn step_tag(steps: u64, trim_before: bool, trim_after: bool) -> String {
    format!(
        "{{%{} {LOOP_STEP_TAG} {steps} {}%}}",
        if trim_before { "-" } else { "" },
        if trim_after { "-" } else { "" }
    )
}

/// Bytes of a tag's markup that count as one step more each time it is rendered.
const MARKUP_BYTES_A_STEP: usize = 64;

/// Puts a step tag weighing a long tag's (or output's) markup before it: a block's
/// conditions (its `elsif`s and `when`s, evaluated each time it renders: a `case` of 80,000
/// `when`s in a loop compared all of them at each iteration) and literals (compared,
/// searched, copied) cost their length at each render, which one step does not tell.
pub(super) fn weigh_long_markup(prepared: &mut super::prepare::Prepared) {
    use super::prepare::{Markup, BLOCKS};
    let markups = &prepared.markups;
    // Each tag's bytes, a block's with those of its branches.
    let mut weights = vec![0usize; markups.len()];
    let mut open: Vec<usize> = Vec::new();
    for (i, markup) in markups.iter().enumerate() {
        let len = markup.end - markup.start;
        if !markup.is_tag {
            // An output's literals (a filter's long argument) too.
            weights[i] = len;
            continue;
        }
        if markup.name == LOOP_STEP_TAG {
            continue;
        }
        if BLOCKS.contains(&markup.name.as_str()) {
            open.push(i);
            weights[i] = len;
        } else if matches!(markup.name.as_str(), "else" | "elsif" | "when") {
            match open.last() {
                Some(&block) => weights[block] += len,
                None => weights[i] = len,
            }
        } else if let Some(ended) = markup.name.strip_prefix("end") {
            if open
                .last()
                .is_some_and(|&block| markups[block].name == ended)
            {
                open.pop();
            }
        } else {
            weights[i] = len;
        }
    }
    let steps = |weight: usize| weight / MARKUP_BYTES_A_STEP;
    if weights.iter().all(|&weight| steps(weight) < 2) {
        return;
    }
    let text = &prepared.text;
    let mut out = String::with_capacity(text.len() + 64);
    let mut new_markups: Vec<Markup> = Vec::with_capacity(markups.len() + 8);
    let mut copied = 0;
    for (markup, weight) in markups.iter().zip(&weights) {
        if steps(*weight) >= 2 {
            out.push_str(&text[copied..markup.start]);
            copied = markup.start;
            let trim_before =
                text[markup.start..].starts_with("{%-") || text[markup.start..].starts_with("{{-");
            let step = step_tag(steps(*weight) as u64, trim_before, false);
            new_markups.push(Markup {
                start: out.len(),
                end: out.len() + step.len(),
                is_tag: true,
                name: LOOP_STEP_TAG.to_string(),
                line: markup.line,
                written: None,
            });
            out.push_str(&step);
        }
        let shift = out.len() + (markup.start - copied);
        new_markups.push(Markup {
            start: shift,
            end: shift + (markup.end - markup.start),
            ..markup.clone()
        });
    }
    out.push_str(&text[copied..]);
    prepared.text = out;
    prepared.markups = new_markups;
}

/// `{% gazette_loop_step %}`: one step of the body's work each time it is rendered (or
/// as many as its number says).
#[derive(Debug, Clone, Copy)]
struct LoopStep;

impl TagReflection for LoopStep {
    fn tag(&self) -> &'static str {
        LOOP_STEP_TAG
    }
    fn description(&self) -> &'static str {
        "Counts one iteration of the loop it opens (put there by Gazette)"
    }
}

impl ParseTag for LoopStep {
    fn parse(
        &self,
        mut arguments: TagTokenIter<'_>,
        _options: &Language,
    ) -> Result<Box<dyn Renderable>> {
        let steps = match arguments.next() {
            Some(token) => token.as_str().parse::<u64>().unwrap_or(1),
            None => 1,
        };
        arguments.expect_nothing()?;
        Ok(Box::new(Steps(steps)))
    }

    fn reflection(&self) -> &dyn TagReflection {
        self
    }
}

#[derive(Debug)]
struct Steps(u64);

impl Renderable for Steps {
    fn render_to(&self, _: &mut dyn Write, _: &dyn Runtime) -> Result<()> {
        step(self.0)
    }
}

/// `{% ifchanged %}…{% endifchanged %}`: its block, written when it differs from what the
/// last `ifchanged` wrote (as the engine's, which renders it into a buffer nothing bounds).
#[derive(Debug, Clone, Copy)]
struct IfChanged;

impl BlockReflection for IfChanged {
    fn start_tag(&self) -> &str {
        "ifchanged"
    }
    fn end_tag(&self) -> &str {
        "endifchanged"
    }
    fn description(&self) -> &str {
        "Writes its block when it changed since the last time."
    }
}

impl ParseBlock for IfChanged {
    fn parse(
        &self,
        mut arguments: TagTokenIter<'_>,
        mut block: TagBlock<'_, '_>,
        options: &Language,
    ) -> Result<Box<dyn Renderable>> {
        arguments.expect_nothing()?;
        let template = Template::new(block.parse_all(options)?);
        block.assert_empty();
        Ok(Box::new(IfChangedBlock(template)))
    }

    fn reflection(&self) -> &dyn BlockReflection {
        self
    }
}

#[derive(Debug)]
struct IfChangedBlock(Template);

/// What the last `ifchanged` block wrote.
#[derive(Debug, Default)]
struct LastChanged(Option<Vec<u8>>);

impl Renderable for IfChangedBlock {
    fn render_to(&self, writer: &mut dyn Write, runtime: &dyn Runtime) -> Result<()> {
        let mut rendered = Bounded::default();
        self.0.render_to(&mut rendered, runtime)?;
        let mut last = runtime.registers().get_mut::<LastChanged>();
        if last.0.as_ref() == Some(&rendered.bytes) {
            return Ok(());
        }
        use liquid_core::error::ResultLiquidReplaceExt;
        writer
            .write_all(&rendered.bytes)
            .replace("Failed to render")?;
        last.0 = Some(rendered.bytes);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replacement_is_measured_before_it_is_made() {
        assert_eq!(replaced_len("axbxc", "x", "yy"), "ayybyyc".len());
        assert_eq!(replaced_len("abc", "", "-"), "-a-b-c-".len());
        assert_eq!(replaced_len("aaa", "aa", ""), "a".len());
        assert_eq!(replaced_len("aaaa", "aa", "b"), "bb".len());
        assert_eq!(replaced_len("中文", "", "x"), "x中x文x".len());
        let huge = "x".repeat(52);
        assert_eq!(replaced_len(&huge, "x", &huge), 52 * 52);
    }

    #[test]
    fn a_split_is_counted_before_it_is_made() {
        assert_eq!(split_items("a,b,c", ","), "a,b,c".split(',').count());
        assert_eq!(split_items("abc", ""), "abc".split("").count());
        assert_eq!(split_items("", ","), "".split(',').count());
        assert_eq!(split_items("a,,b", ",,"), "a,,b".split(",,").count());
    }

    #[test]
    fn a_date_format_counts_the_widths_it_asks_for() {
        assert_eq!(formatted_date_len("%Y-%m-%d"), 8 * 32);
        assert_eq!(formatted_date_len("%1000000000Y"), 12 * 32 + 1_000_000_000);
        assert_eq!(formatted_date_len("%-_010d"), 7 * 32 + 10);
        assert_eq!(formatted_date_len("%99999999999999999999999Y"), usize::MAX);
    }
}
