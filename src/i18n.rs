//! The interface's language in the app: the catalogue core's [`gazette_archive::i18n`] picks for
//! the archive, with plural categories and numbers from the browser's `Intl` (CLDR rules for
//! every language, at no cost in wasm). Components ask [`t`], [`tf`] and [`count`]; they never
//! hold a string of their own.

use std::cell::{Cell, RefCell};

use gazette_archive::i18n::{fill, same_language, Locale, Text};
use gazette_archive::model::SiteInfo;
use js_sys::{Array, Function, Intl, Object};
use wasm_bindgen::JsValue;

thread_local! {
    /// English until [`start`] sets the reader's language, before anything is drawn.
    static LOCALE: Cell<&'static Locale> = Cell::new(Locale::for_language(""));
    /// `Intl.PluralRules` and `Intl.NumberFormat`'s `format` for [`LOCALE`]'s tag.
    static INTL: RefCell<Option<(&'static str, Intl::PluralRules, Function)>> =
        const { RefCell::new(None) };
}

/// The reader's language, for the few strings shown before the archive's manifest arrives.
fn browser_language() -> String {
    gloo::utils::window()
        .navigator()
        .language()
        .unwrap_or_default()
}

/// Until the manifest says which language the archive speaks, the page speaks the reader's
/// (the loading message, an error about the manifest itself).
pub fn start() {
    set_language(&browser_language());
}

/// Speaks the archive's language from now on (its catalogue, or English), and says so in
/// `<html lang>`: the archive's own tag, which also covers its posts.
pub fn set_language(archive_lang: &str) {
    let locale = Locale::for_language(archive_lang);
    LOCALE.set(locale);
    let tag = if archive_lang.trim().is_empty() {
        locale.tag
    } else {
        archive_lang.trim()
    };
    if let Some(root) = gloo::utils::document().document_element() {
        let _ = root.set_attribute("lang", tag);
    }
}

/// The catalogue in use.
pub fn locale() -> &'static Locale {
    LOCALE.get()
}

/// Whether the interface's language differs from the archive's (`fr` posts, English
/// interface): the interface's own elements then carry their `lang`.
pub fn interface_lang(archive_lang: &str) -> Option<&'static str> {
    let tag = locale().tag;
    (!archive_lang.is_empty() && !same_language(tag, archive_lang)).then_some(tag)
}

/// The site's own title, or the interface's name for an archive without one.
pub fn site_title(site: &SiteInfo) -> String {
    if site.title.is_empty() {
        t(Text::DefaultTitle).to_string()
    } else {
        site.title.clone()
    }
}

/// A string of the interface.
pub fn t(text: Text) -> &'static str {
    locale().text(text)
}

/// A string with its placeholders filled in.
pub fn tf(text: Text, args: &[(&str, &str)]) -> String {
    fill(t(text), args)
}

/// A string about `n` things: the plural form the language uses for `n`, with `{count}` as
/// the locale writes numbers (`12,345`), and the other placeholders from `args`.
pub fn count(text: Text, n: usize, args: &[(&str, &str)]) -> String {
    let category = with_intl(|rules, _| rules.select(n as f64).as_string().unwrap_or_default());
    let written = number(n);
    let template = locale().form(text, &category);
    let mut all = vec![("count", written.as_str())];
    all.extend_from_slice(args);
    fill(template, &all)
}

/// A number as the locale writes it.
pub fn number(n: usize) -> String {
    with_intl(|_, format| {
        format
            .call1(&JsValue::NULL, &JsValue::from_f64(n as f64))
            .ok()
            .and_then(|s| s.as_string())
    })
    .unwrap_or_else(|| n.to_string())
}

fn with_intl<R>(f: impl FnOnce(&Intl::PluralRules, &Function) -> R) -> R {
    let tag = locale().tag;
    INTL.with_borrow_mut(|intl| {
        if intl.as_ref().is_none_or(|(cached, _, _)| *cached != tag) {
            let locales = Array::of1(&JsValue::from_str(tag));
            let rules = Intl::PluralRules::new(&locales, &Object::new());
            let format = Intl::NumberFormat::new(&locales, &Object::new()).format();
            *intl = Some((tag, rules, format));
        }
        let (_, rules, format) = intl.as_ref().expect("set above");
        f(rules, format)
    })
}
