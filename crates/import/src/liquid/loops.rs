//! `for` and `tablerow` as Ruby's Liquid 5 runs them for Jekyll: an object is walked as
//! `[key, value]` pairs in [`entries`] order (the engine's own loops took its hash map's
//! order, different from one run to the next), a string is one item, `offset` and `limit` cut
//! the items before `reversed` turns them round (a `reversed` after them is not read, as in
//! Ruby), `offset: continue` goes on where the last loop of the same name stopped, and
//! `forloop`/`tablerowloop` hold what Ruby's drops hold.
//!
//! The loop variable is looked up where it is, never copied, and a key it does not have is
//! nil (Jekyll's lenient lookup; the engine's own loops stopped the render there).

use std::io::Write;

use liquid_core::error::ResultLiquidReplaceExt;
use liquid_core::model::{
    try_find, ArrayView, KString, KStringCow, KStringRef, ScalarCow, Value, ValueCow, ValueView,
};
use liquid_core::parser::{BlockElement, TryMatchToken};
use liquid_core::runtime::{Interrupt, InterruptRegister, PartialStore, Registers};
use liquid_core::{
    BlockReflection, Error, Expression, Language, ParseBlock, Renderable, Result, Runtime,
    TagBlock, TagTokenIter, Template,
};

use super::values::{entries, Hash, Node};

/// What a loop walks: an expression's value, or a range of integers.
#[derive(Debug)]
enum Collection {
    Value(Expression),
    Range(Expression, Expression),
}

/// The arguments both loops share: `item in collection`, and its `name: value` attributes.
#[derive(Debug)]
struct Head {
    variable: KString,
    collection: Collection,
    /// The collection as written (Ruby's `forloop.name` is `item-collection`).
    collection_source: String,
    reversed: bool,
    offset: Option<Offset>,
    limit: Option<Expression>,
    cols: Option<Expression>,
}

#[derive(Debug)]
enum Offset {
    Value(Expression),
    /// `offset: continue`: where the last loop of the same name stopped.
    Continue,
}

fn parse_head(arguments: &mut TagTokenIter<'_>, tablerow: bool) -> Result<Head> {
    let variable = arguments
        .expect_next("a variable name")?
        .expect_identifier()
        .into_result()?;
    arguments
        .expect_next("`in`")?
        .expect_str("in")
        .into_result_custom_msg("`in` expected")?;
    let token = arguments.expect_next("an array or a range")?;
    let collection_source = token.as_str().to_string();
    let collection = match token.expect_value() {
        TryMatchToken::Matches(value) => Collection::Value(value),
        TryMatchToken::Fails(token) => match token.expect_range() {
            TryMatchToken::Matches((start, end)) => Collection::Range(start, end),
            TryMatchToken::Fails(token) => return Err(token.raise_error()),
        },
    };
    let mut head = Head {
        variable: KString::from_ref(variable),
        collection,
        collection_source,
        reversed: false,
        offset: None,
        limit: None,
        cols: None,
    };
    let mut attributes_started = false;
    while let Some(token) = arguments.next() {
        let name = token.as_str().to_string();
        if name == "reversed" && !tablerow {
            // Ruby reads `reversed` only right after the collection.
            head.reversed |= !attributes_started;
            continue;
        }
        attributes_started = true;
        arguments
            .expect_next("`:`")?
            .expect_str(":")
            .into_result_custom_msg("`:` expected")?;
        let value = arguments.expect_next("a value")?;
        if name == "offset" && value.as_str() == "continue" {
            head.offset = Some(Offset::Continue);
            continue;
        }
        let value = value.expect_value().into_result()?;
        match name.as_str() {
            "limit" => head.limit = Some(value),
            "offset" => head.offset = Some(Offset::Value(value)),
            "cols" if tablerow => head.cols = Some(value),
            // Ruby's Liquid reads attributes it does not know and ignores them.
            _ => {}
        }
    }
    Ok(head)
}

/// One item of a loop.
enum Item<'v> {
    Borrowed(&'v dyn ValueView),
    Owned(Value),
    Pair(Pair<'v>),
}

impl Item<'_> {
    fn view(&self) -> &dyn ValueView {
        match self {
            Item::Borrowed(value) => *value,
            Item::Owned(value) => value,
            Item::Pair(pair) => pair,
        }
    }
}

/// An object's `[key, value]`, its value where it is (not copied).
#[derive(Debug)]
struct Pair<'v> {
    key: Value,
    value: &'v dyn ValueView,
}

impl ValueView for Pair<'_> {
    fn as_debug(&self) -> &dyn std::fmt::Debug {
        self
    }
    fn render(&self) -> liquid_core::model::DisplayCow<'_> {
        let mut text = String::new();
        super::ruby_text::write_output(self, &mut text);
        liquid_core::model::DisplayCow::Owned(Box::new(text))
    }
    fn source(&self) -> liquid_core::model::DisplayCow<'_> {
        self.render()
    }
    fn type_name(&self) -> &'static str {
        "array"
    }
    fn query_state(&self, state: liquid_core::model::State) -> bool {
        matches!(state, liquid_core::model::State::Truthy)
    }
    fn to_kstr(&self) -> KStringCow<'_> {
        KStringCow::from_string(self.render().to_string())
    }
    fn to_value(&self) -> Value {
        Value::Array(vec![self.key.clone(), self.value.to_value()])
    }
    fn as_array(&self) -> Option<&dyn ArrayView> {
        Some(self)
    }
}

impl ArrayView for Pair<'_> {
    fn as_value(&self) -> &dyn ValueView {
        self
    }
    fn size(&self) -> i64 {
        2
    }
    fn values<'k>(&'k self) -> Box<dyn Iterator<Item = &'k dyn ValueView> + 'k> {
        Box::new([&self.key as &dyn ValueView, self.value].into_iter())
    }
    fn contains_key(&self, index: i64) -> bool {
        (-2..2).contains(&index)
    }
    fn get(&self, index: i64) -> Option<&dyn ValueView> {
        match index {
            0 | -2 => Some(&self.key),
            1 | -1 => Some(self.value),
            _ => None,
        }
    }
}

/// Ruby Liquid's `to_integer` of a loop attribute: an integer, or text that is one.
fn integer_attribute(expression: &Expression, runtime: &dyn Runtime) -> Result<Option<i64>> {
    let value = expression.evaluate(runtime)?;
    if value.is_nil() {
        return Ok(None);
    }
    let number = value
        .as_scalar()
        .and_then(|scalar| match scalar.to_integer() {
            Some(number) => Some(number),
            None if super::ruby_text::kind(&scalar) == super::ruby_text::Kind::Text => {
                scalar.to_kstr().trim().parse().ok()
            }
            None => None,
        });
    number
        .map(Some)
        .ok_or_else(|| Error::with_msg("invalid integer"))
}

/// A range's end: an integer, a float cut to one, text read as Ruby's `to_i` reads it.
fn range_end(expression: &Expression, runtime: &dyn Runtime) -> Result<i64> {
    let value = expression.evaluate(runtime)?;
    let Some(scalar) = value.as_scalar() else {
        return if value.is_nil() {
            Ok(0)
        } else {
            Err(Error::with_msg("invalid integer"))
        };
    };
    Ok(match super::ruby_text::kind(&scalar) {
        super::ruby_text::Kind::Integer => scalar.to_integer().unwrap_or(0),
        super::ruby_text::Kind::Float => scalar.to_float().unwrap_or(0.0) as i64,
        super::ruby_text::Kind::Text => leading_integer(&scalar.to_kstr()),
        _ => return Err(Error::with_msg("invalid integer")),
    })
}

/// Ruby's `String#to_i`: the integer the text starts with, 0 when none.
pub(super) fn leading_integer(text: &str) -> i64 {
    let text = text.trim_start();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, text.strip_prefix('+').unwrap_or(text)),
    };
    let digits: String = digits
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '_')
        .filter(|c| *c != '_')
        .collect();
    digits.parse::<i64>().map_or(0, |n| sign * n)
}

/// The items of `value` as Ruby's Liquid walks them.
fn items_of(value: &dyn ValueView) -> Vec<Item<'_>> {
    if let Some(array) = value.as_array() {
        return array.values().map(Item::Borrowed).collect();
    }
    if let Some(object) = value.as_object() {
        return entries(object)
            .into_iter()
            .map(|(key, value)| {
                Item::Pair(Pair {
                    key: Value::scalar(key.into_owned()),
                    value,
                })
            })
            .collect();
    }
    match value.as_scalar() {
        Some(scalar) if super::ruby_text::kind(&scalar) == super::ruby_text::Kind::Text => {
            if scalar.to_kstr().is_empty() {
                Vec::new()
            } else {
                vec![Item::Borrowed(value)]
            }
        }
        // A number, a date, nil: nothing to walk.
        _ => Vec::new(),
    }
}

/// Where each named loop stopped, for `offset: continue`.
#[derive(Debug, Default)]
struct LoopOffsets(std::collections::BTreeMap<String, usize>);

impl Head {
    fn name(&self) -> String {
        format!("{}-{}", self.variable, self.collection_source)
    }

    /// The items the loop runs over, cut by `offset` and `limit` (and turned round), given
    /// to `body` with the collection's value still borrowed.
    fn with_items<T>(
        &self,
        runtime: &dyn Runtime,
        body: impl FnOnce(Vec<Item<'_>>) -> Result<T>,
    ) -> Result<T> {
        let from = match &self.offset {
            None => 0,
            Some(Offset::Continue) => runtime
                .registers()
                .get_mut::<LoopOffsets>()
                .0
                .get(&self.name())
                .copied()
                .unwrap_or(0),
            Some(Offset::Value(expression)) => {
                integer_attribute(expression, runtime)?.unwrap_or(0).max(0) as usize
            }
        };
        let limit = match &self.limit {
            Some(expression) => integer_attribute(expression, runtime)?,
            None => None,
        };
        fn cut(
            items: Vec<Item<'_>>,
            from: usize,
            limit: Option<i64>,
            reversed: bool,
        ) -> Vec<Item<'_>> {
            let mut items: Vec<Item<'_>> = items.into_iter().skip(from).collect();
            if let Some(limit) = limit {
                items.truncate(limit.max(0) as usize);
            }
            if reversed {
                items.reverse();
            }
            items
        }
        let stop = |count: usize| {
            runtime
                .registers()
                .get_mut::<LoopOffsets>()
                .0
                .insert(self.name(), from + count);
        };
        match &self.collection {
            Collection::Range(start, end) => {
                let (start, end) = (range_end(start, runtime)?, range_end(end, runtime)?);
                let span = if end < start {
                    0
                } else {
                    (end - start).saturating_add(1)
                };
                // Only what survives `offset` and `limit` is made.
                let wanted = span
                    .saturating_sub(from as i64)
                    .min(limit.map_or(i64::MAX, |l| l.max(0)));
                let first = start.saturating_add(from as i64);
                let mut items: Vec<Item<'_>> = (0..wanted.max(0))
                    .map(|n| Item::Owned(Value::scalar(first + n)))
                    .collect();
                if self.reversed {
                    items.reverse();
                }
                stop(items.len());
                body(items)
            }
            Collection::Value(expression) => {
                let value = expression.evaluate(runtime)?;
                let items = cut(items_of(value.as_view()), from, limit, self.reversed);
                stop(items.len());
                body(items)
            }
        }
    }
}

/// `{% for item in collection %}…{% else %}…{% endfor %}`.
#[derive(Debug, Clone, Copy)]
pub(super) struct For;

impl BlockReflection for For {
    fn start_tag(&self) -> &str {
        "for"
    }
    fn end_tag(&self) -> &str {
        "endfor"
    }
    fn description(&self) -> &str {
        "Runs its block for each item of an array, each pair of an object, or each number of a range."
    }
}

impl ParseBlock for For {
    fn parse(
        &self,
        mut arguments: TagTokenIter<'_>,
        mut block: TagBlock<'_, '_>,
        options: &Language,
    ) -> Result<Box<dyn Renderable>> {
        let head = parse_head(&mut arguments, false)?;
        let mut body = Vec::new();
        let mut otherwise = None;
        while let Some(element) = block.next()? {
            match element {
                BlockElement::Tag(mut tag) if tag.name() == "else" => {
                    tag.tokens().expect_nothing()?;
                    otherwise = Some(Template::new(block.parse_all(options)?));
                    break;
                }
                BlockElement::Tag(tag) => body.push(tag.parse(&mut block, options)?),
                element => body.push(element.parse(&mut block, options)?),
            }
        }
        block.assert_empty();
        Ok(Box::new(ForLoop {
            head,
            body: Template::new(body),
            otherwise,
        }))
    }

    fn reflection(&self) -> &dyn BlockReflection {
        self
    }
}

#[derive(Debug)]
struct ForLoop {
    head: Head,
    body: Template,
    otherwise: Option<Template>,
}

impl Renderable for ForLoop {
    fn render_to(&self, writer: &mut dyn Write, runtime: &dyn Runtime) -> Result<()> {
        self.head.with_items(runtime, |items| {
            if items.is_empty() {
                if let Some(otherwise) = &self.otherwise {
                    otherwise.render_to(writer, runtime)?;
                }
                return Ok(());
            }
            let length = items.len();
            let parent = runtime
                .try_get(&[ScalarCow::new("forloop")])
                .map_or(Node::nil(), |parent| node_of(parent.as_view()));
            let mut forloop = Hash::new();
            forloop.insert("name", Node::text(self.head.name()));
            forloop.insert("length", integer(length));
            forloop.insert("parentloop", parent);
            for (at, item) in items.iter().enumerate() {
                for (key, value) in [
                    ("index", integer(at + 1)),
                    ("index0", integer(at)),
                    ("rindex", integer(length - at)),
                    ("rindex0", integer(length - at - 1)),
                    ("first", Node::Value(Value::scalar(at == 0))),
                    ("last", Node::Value(Value::scalar(at + 1 == length))),
                ] {
                    forloop.insert(key, value);
                }
                let scope = LoopScope {
                    parent: runtime,
                    variable: &self.head.variable,
                    item: item.view(),
                    loop_name: "forloop",
                    loop_object: &forloop,
                };
                self.body.render_to(writer, &scope)?;
                let interrupt = runtime.registers().get_mut::<InterruptRegister>().reset();
                if let Some(Interrupt::Break) = interrupt {
                    break;
                }
            }
            Ok(())
        })
    }
}

fn integer(number: usize) -> Node {
    Node::Value(Value::scalar(number as i64))
}

/// The outer loop's `forloop`, as `parentloop` holds it.
fn node_of(value: &dyn ValueView) -> Node {
    match value.as_object() {
        Some(object) => Node::Hash(
            entries(object)
                .into_iter()
                .map(|(key, value)| (key.into_owned(), node_of(value)))
                .collect(),
        ),
        None => Node::Value(value.to_value()),
    }
}

/// `{% tablerow item in collection cols: 2 %}…{% endtablerow %}`: a table's rows of cells.
#[derive(Debug, Clone, Copy)]
pub(super) struct TableRow;

impl BlockReflection for TableRow {
    fn start_tag(&self) -> &str {
        "tablerow"
    }
    fn end_tag(&self) -> &str {
        "endtablerow"
    }
    fn description(&self) -> &str {
        "Writes an HTML table's rows, a cell for each item."
    }
}

impl ParseBlock for TableRow {
    fn parse(
        &self,
        mut arguments: TagTokenIter<'_>,
        mut block: TagBlock<'_, '_>,
        options: &Language,
    ) -> Result<Box<dyn Renderable>> {
        let head = parse_head(&mut arguments, true)?;
        let body = Template::new(block.parse_all(options)?);
        block.assert_empty();
        Ok(Box::new(TableRowLoop { head, body }))
    }

    fn reflection(&self) -> &dyn BlockReflection {
        self
    }
}

#[derive(Debug)]
struct TableRowLoop {
    head: Head,
    body: Template,
}

impl Renderable for TableRowLoop {
    fn render_to(&self, writer: &mut dyn Write, runtime: &dyn Runtime) -> Result<()> {
        if let Collection::Value(expression) = &self.head.collection {
            // Ruby writes nothing at all for a collection that is nil.
            if expression.evaluate(runtime)?.is_nil() {
                return Ok(());
            }
        }
        self.head.with_items(runtime, |items| {
            let length = items.len();
            let cols = match &self.head.cols {
                Some(cols) => integer_attribute(cols, runtime)?.map_or(length, |c| c as usize),
                None => length,
            }
            .max(1);
            writeln!(writer, "<tr class=\"row1\">").replace("Failed to render")?;
            let mut tablerowloop = Hash::new();
            tablerowloop.insert("length", integer(length));
            for (at, item) in items.iter().enumerate() {
                let (row, col) = (at / cols, at % cols);
                let last = at + 1 == length;
                for (key, value) in [
                    ("index", integer(at + 1)),
                    ("index0", integer(at)),
                    ("rindex", integer(length - at)),
                    ("rindex0", integer(length - at - 1)),
                    ("first", Node::Value(Value::scalar(at == 0))),
                    ("last", Node::Value(Value::scalar(last))),
                    ("col", integer(col + 1)),
                    ("col0", integer(col)),
                    ("row", integer(row + 1)),
                    ("col_first", Node::Value(Value::scalar(col == 0))),
                    ("col_last", Node::Value(Value::scalar(col + 1 == cols))),
                ] {
                    tablerowloop.insert(key, value);
                }
                write!(writer, "<td class=\"col{}\">", col + 1).replace("Failed to render")?;
                let scope = LoopScope {
                    parent: runtime,
                    variable: &self.head.variable,
                    item: item.view(),
                    loop_name: "tablerowloop",
                    loop_object: &tablerowloop,
                };
                self.body.render_to(writer, &scope)?;
                write!(writer, "</td>").replace("Failed to render")?;
                if col + 1 == cols && !last {
                    write!(writer, "</tr>\n<tr class=\"row{}\">", row + 2)
                        .replace("Failed to render")?;
                }
            }
            writeln!(writer, "</tr>").replace("Failed to render")
        })
    }
}

/// A loop's own variables (the item and `forloop`) over the scope around it. They are lent,
/// not copied, and a key they do not have is nil.
struct LoopScope<'a> {
    parent: &'a dyn Runtime,
    variable: &'a str,
    item: &'a dyn ValueView,
    loop_name: &'static str,
    loop_object: &'a Hash,
}

impl LoopScope<'_> {
    fn own(&self, name: &str) -> Option<&dyn ValueView> {
        if name == self.variable {
            Some(self.item)
        } else if name == self.loop_name {
            Some(self.loop_object)
        } else {
            None
        }
    }
}

impl Runtime for LoopScope<'_> {
    fn partials(&self) -> &dyn PartialStore {
        self.parent.partials()
    }
    fn name(&self) -> Option<KStringRef<'_>> {
        self.parent.name()
    }
    fn roots(&self) -> std::collections::BTreeSet<KStringCow<'_>> {
        let mut roots = self.parent.roots();
        roots.insert(KStringCow::from_ref(self.variable));
        roots.insert(KStringCow::from_static(self.loop_name));
        roots
    }
    fn try_get(&self, path: &[ScalarCow<'_>]) -> Option<ValueCow<'_>> {
        let first = path.first()?.to_kstr();
        match self.own(first.as_str()) {
            Some(value) => try_find(value, &path[1..]),
            None => self.parent.try_get(path),
        }
    }
    fn get(&self, path: &[ScalarCow<'_>]) -> Result<ValueCow<'_>> {
        let Some(first) = path.first() else {
            return Ok(ValueCow::Owned(Value::Nil));
        };
        match self.own(first.to_kstr().as_str()) {
            Some(value) => Ok(try_find(value, &path[1..]).unwrap_or(ValueCow::Owned(Value::Nil))),
            None => self.parent.get(path),
        }
    }
    fn set_global(&self, name: KString, value: Value) -> Option<Value> {
        self.parent.set_global(name, value)
    }
    fn set_index(&self, name: KString, value: Value) -> Option<Value> {
        self.parent.set_index(name, value)
    }
    fn get_index<'a>(&'a self, name: &str) -> Option<ValueCow<'a>> {
        self.parent.get_index(name)
    }
    fn registers(&self) -> &Registers {
        self.parent.registers()
    }
}
