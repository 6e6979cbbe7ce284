//! Running a parsed body: the globals (`site`, `page`), Jekyll's lenient lookups (an
//! undefined variable is empty, as in Jekyll, where the engine would stop), the includes
//! (parsed on first use, per post), and the output bound.

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;

use liquid_core::model::{KString, KStringRef, ScalarCow, Value, ValueCow, ValueView};
use liquid_core::runtime::{PartialStore, Registers, RuntimeBuilder};
use liquid_core::{Error, Renderable, Result, Runtime, Template};

use super::{limits, IncludeLookup, LiquidSite};

/// Problems met while rendering that did not stop it: `(markup inside, message)`.
#[derive(Debug, Default)]
pub(super) struct Problems(pub Vec<(String, String)>);

/// The site's kramdown options, for `markdownify` and `smartify`.
#[derive(Debug, Default)]
pub(super) struct SiteMarkdown(pub crate::markdown::MarkdownOptions);

/// The site's time zone and clock, for the date filters: a date that gives no offset is the
/// zone's local time, and `"now"` is the build's `site.time`.
#[derive(Debug, Default)]
pub(super) struct SiteClock {
    pub zone: crate::post_date::Zone,
    pub now: Option<chrono::DateTime<chrono::FixedOffset>>,
}

/// How many includes deep the render is.
#[derive(Debug, Default)]
pub(super) struct IncludeDepth(pub usize);

/// Renders `template` with `site` and `page`: the text and the problems met, or the error
/// that stopped it.
pub(super) fn render(
    template: &Template,
    site: &LiquidSite,
    page: &dyn ValueView,
    post_path: &str,
) -> std::result::Result<(String, Vec<(String, String)>), String> {
    WORK.with(|work| work.set(0));
    REFUSAL.with(|refusal| refusal.borrow_mut().take());
    super::budget::reset();
    let mut globals: HashMap<KStringRef<'_>, &dyn ValueView> = HashMap::new();
    globals.insert("site".into(), site.site.as_ref());
    globals.insert("page".into(), page);
    let store = Includes {
        site,
        post_path,
        parsed: RefCell::new(HashMap::new()),
    };
    let runtime = RuntimeBuilder::new()
        .set_globals(&globals)
        .set_partials(&store)
        .build();
    let runtime = Lenient(runtime);
    runtime.registers().get_mut::<SiteMarkdown>().0 = site.markdown.clone();
    *runtime.registers().get_mut::<SiteClock>() = SiteClock {
        zone: site.zone,
        now: Some(site.time),
    };
    let mut out = Bounded::default();
    template.render_to(&mut out, &runtime).map_err(|error| {
        // The engine's message for a writer's refusal is "Failed to render": say why.
        let refusal = REFUSAL.with(|refusal| refusal.borrow_mut().take());
        match refusal.or_else(super::budget::stopped) {
            Some(why) => why,
            None if over_budget() => work_error(),
            None => error.to_string(),
        }
    })?;
    let problems = std::mem::take(&mut runtime.registers().get_mut::<Problems>().0);
    Ok((out.into_text(), problems))
}

thread_local! {
    /// Bytes the body being rendered on this thread wrote and assigned so far.
    static WORK: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    /// Why a [`Bounded`] writer refused to grow (the engine reports "Failed to render").
    static REFUSAL: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn refuse(message: String) -> std::io::Error {
    REFUSAL.with(|refusal| *refusal.borrow_mut() = Some(message.clone()));
    std::io::Error::other(message)
}

/// Counts `bytes` more of the body's work: false when it passes [`limits::WORK_BYTES`].
pub(super) fn spend(bytes: usize) -> bool {
    WORK.with(|work| {
        let total = work.get().saturating_add(bytes);
        work.set(total);
        total <= limits::WORK_BYTES
    })
}

/// Bytes of work the body spent so far.
pub(super) fn work_spent() -> usize {
    WORK.with(std::cell::Cell::get)
}

fn over_budget() -> bool {
    WORK.with(|work| work.get() > limits::WORK_BYTES)
}

fn work_error() -> String {
    format!(
        "Liquid wrote, assigned or computed more than {} MB in all",
        limits::WORK_BYTES >> 20
    )
}

/// The bytes a value holds (what assigning it costs), without rendering it: its text, and a
/// byte an item.
pub(super) fn value_bytes(value: &dyn ValueView) -> usize {
    if let Some(array) = value.as_array() {
        return array.values().map(value_bytes).sum::<usize>() + array.values().count();
    }
    if let Some(object) = value.as_object() {
        return object
            .iter()
            .map(|(key, value)| key.len() + value_bytes(value))
            .sum();
    }
    match value.as_scalar() {
        Some(scalar) => scalar.to_kstr().len(),
        None => 1,
    }
}

/// A writer that refuses to grow past [`limits::OUTPUT_BYTES`], or past the body's work in
/// all: every output Liquid writes (a body's, an include's, a capture's, a code block's).
#[derive(Default)]
pub(super) struct Bounded {
    pub bytes: Vec<u8>,
}

impl Bounded {
    /// What was written, as text (the engine writes UTF-8; anything else is replaced).
    pub fn into_text(self) -> String {
        String::from_utf8(self.bytes)
            .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
    }
}

impl Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > limits::OUTPUT_BYTES {
            return Err(refuse(format!(
                "Liquid's output would pass {} MB",
                limits::OUTPUT_BYTES >> 20
            )));
        }
        if !spend(buf.len()) {
            return Err(refuse(work_error()));
        }
        // Each write is a step too (an output in a loop is one at each iteration).
        if let Err(why) = super::budget::step_for_write() {
            return Err(refuse(why));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Jekyll's Liquid is lenient: `{{ page.missing }}` is empty. The engine's `get` fails
/// instead; this frame answers what is missing with nil.
pub(super) struct Lenient<R>(pub R);

impl<R: Runtime> Runtime for Lenient<R> {
    fn partials(&self) -> &dyn PartialStore {
        self.0.partials()
    }
    fn name(&self) -> Option<KStringRef<'_>> {
        self.0.name()
    }
    fn roots(&self) -> std::collections::BTreeSet<liquid_core::model::KStringCow<'_>> {
        self.0.roots()
    }
    fn try_get(&self, path: &[ScalarCow<'_>]) -> Option<ValueCow<'_>> {
        self.0.try_get(path)
    }
    fn get(&self, path: &[ScalarCow<'_>]) -> Result<ValueCow<'_>> {
        if over_budget() {
            // A value was refused (below): the render stops at the next lookup.
            return Err(Error::with_msg(work_error()));
        }
        if let Some(why) = super::budget::stopped() {
            // The same for the steps and the filters' values (an include that failed on
            // them was left out, and the body must not run on).
            return Err(Error::with_msg(why));
        }
        Ok(self.0.try_get(path).unwrap_or(ValueCow::Owned(Value::Nil)))
    }
    fn set_global(&self, name: KString, val: Value) -> Option<Value> {
        // `assign` and `capture` store here: a value that passes the body's work budget
        // is not kept (`assign a = a | append: a`, again and again, doubles it each time).
        if !spend(value_bytes(&val)) {
            return self.0.set_global(name, Value::Nil);
        }
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

/// The includes one post uses, each parsed once. Names are `include:<name>` (from
/// `_includes/`) or `relative:<name>` (next to the post).
struct Includes<'s> {
    site: &'s LiquidSite,
    post_path: &'s str,
    parsed: RefCell<HashMap<String, Arc<dyn Renderable>>>,
}

impl std::fmt::Debug for Includes<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Includes")
            .field("post_path", &self.post_path)
            .finish()
    }
}

impl PartialStore for Includes<'_> {
    fn contains(&self, name: &str) -> bool {
        self.try_get(name).is_some()
    }

    fn names(&self) -> Vec<&str> {
        Vec::new()
    }

    fn try_get(&self, name: &str) -> Option<Arc<dyn Renderable>> {
        self.get(name).ok()
    }

    fn get(&self, name: &str) -> Result<Arc<dyn Renderable>> {
        if let Some(parsed) = self.parsed.borrow().get(name) {
            return Ok(parsed.clone());
        }
        let lookup = match name.split_once(':') {
            Some(("include", file)) => self.site.includes.include(file),
            Some(("relative", file)) => self.site.includes.include_relative(self.post_path, file),
            _ => IncludeLookup::Missing,
        };
        let text = match lookup {
            IncludeLookup::Found(text) => text,
            IncludeLookup::Missing => return Err(Error::with_msg("no such file")),
            IncludeLookup::Refused(reason) => {
                return Err(Error::with_msg(format!("refused: {reason}")))
            }
        };
        let prepared = super::prepare::prepare(
            &text,
            &super::prepare::Links {
                url: super::site_text(self.site, "url"),
                baseurl: super::site_text(self.site, "baseurl"),
                // An include is not a post's own text: its links are not checked per post.
                posts: None,
            },
        );
        if let Some((_, message)) = prepared.refusal {
            return Err(Error::with_msg(message));
        }
        let elements = super::recover::parse_guarded(&prepared.text, super::tags::language())
            .map_err(|error| {
                Error::with_msg(format!(
                    "cannot be read: {}",
                    super::first_line(&error.to_string())
                ))
            })?;
        let parsed: Arc<dyn Renderable> = Arc::new(Template::new(elements));
        self.parsed
            .borrow_mut()
            .insert(name.to_string(), parsed.clone());
        Ok(parsed)
    }
}
